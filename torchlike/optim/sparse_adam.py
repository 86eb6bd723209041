"""``torch.optim.SparseAdam``: Adam's lazy variant for sparse gradients
(``nn.Embedding(sparse=True)``): only the rows a gradient holds update their moments and
parameters, in PyTorch's arithmetic order."""

from __future__ import annotations

import math

from .._factories import zeros_like
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
                for p in group["params"]:
                    if p.grad is not None:
                        self._update(p, group)
        return loss

    def _update(self, p, group):
        beta1, beta2 = group["betas"]
        grad = p.grad if not group["maximize"] else -p.grad
        grad = grad.coalesce()
        state = self.state[p]
        if not state:
            state["step"] = 0
            state["exp_avg"] = zeros_like(p)
            state["exp_avg_sq"] = zeros_like(p)
        state["step"] += 1
        values = grad._values()
        if values.numel() == 0:
            return
        rows = tuple(grad._indices())  # coalesced: every position once
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        # old <- old + (1 - b) * (new - old), on the gradient's rows only
        old_m = exp_avg[rows]
        update_m = (values - old_m) * (1 - beta1)
        exp_avg[rows] = old_m + update_m
        old_v = exp_avg_sq[rows]
        update_v = (values.pow(2) - old_v) * (1 - beta2)
        exp_avg_sq[rows] = old_v + update_v
        numer = update_m + old_m
        denom = (update_v + old_v).sqrt() + group["eps"]
        step = state["step"]
        step_size = group["lr"] * math.sqrt(1 - beta2**step) / (1 - beta1**step)
        p[rows] = p[rows] + (-step_size * (numer / denom))
