"""``torch.optim.SparseAdam``.

torchlike has no sparse layout (every gradient, ``nn.Embedding(sparse=True)``'s included, is
dense), so the constructor checks PyTorch's arguments and ``step`` refuses a dense gradient with
PyTorch's error; the lazy sparse update itself is not implemented."""

from __future__ import annotations

from ..autograd import grad_mode
from ._state import _check_betas
from .optimizer import Optimizer

__all__ = ["SparseAdam"]


class SparseAdam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, maximize=False):
        if hasattr(lr, "numel") and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 < lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 < eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        _check_betas(betas)
        defaults = dict(lr=lr, betas=betas, eps=eps, maximize=maximize)
        super().__init__(params, defaults)
        complex_at = [
            [gi, pi]
            for gi, group in enumerate(self.param_groups)
            for pi, p in enumerate(group["params"])
            if p.is_complex()
        ]
        if complex_at:
            raise ValueError(
                f"Complex params at indices {complex_at}: SparseAdam does not "
                "support complex parameters"
            )

    def step(self, closure=None):
        loss = self._closure_loss(closure)
        with grad_mode.no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None and not p.grad.is_sparse:
                        raise RuntimeError(
                            "SparseAdam does not support dense gradients, "
                            "please consider Adam instead"
                        )
        return loss
