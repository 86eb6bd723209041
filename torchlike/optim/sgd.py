"""``torch.optim.SGD``: momentum, dampening, Nesterov, weight decay, maximize."""

from __future__ import annotations

from .._tensor import Tensor
from .optimizer import Optimizer, _as_float, _c, _fused_update

__all__ = ["SGD"]


def _sgd_kernel(params, grads, states, hyper, *, maximize, weight_decay, momentum, nesterov):
    lr, mu, dampening, wd = hyper["lr"], hyper["momentum"], hyper["dampening"], hyper["wd"]
    new_params, new_bufs = [], []
    for p, g, buf in zip(params, grads, states["momentum_buffer"]):
        if maximize:
            g = -g
        if weight_decay:
            g = g + _c(wd, p) * p
        if momentum:
            buf = g if buf is None else buf * _c(mu, buf) + _c(1 - dampening, g) * g
            g = g + _c(mu, g) * buf if nesterov else buf
        new_params.append(p + _c(-lr, p) * g)
        new_bufs.append(buf)
    return new_params, {"momentum_buffer": new_bufs}


class SGD(Optimizer):
    _sparse_refusal = None

    def __init__(
        self,
        params,
        lr=1e-3,
        momentum=0,
        dampening=0,
        weight_decay=0,
        nesterov=False,
        *,
        maximize=False,
        foreach=None,
        differentiable=False,
        fused=None,
    ):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
            foreach=foreach,
            differentiable=differentiable,
            fused=fused,
        )
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("differentiable", False)
            group.setdefault("fused", False)

    def _step_group(self, group, params):
        use_momentum = group["momentum"] != 0
        bufs = (
            [self.state[p].get("momentum_buffer") for p in params]
            if use_momentum
            else [None] * len(params)
        )
        flags = dict(
            maximize=bool(group["maximize"]),
            weight_decay=group["weight_decay"] != 0,
            momentum=use_momentum,
            nesterov=bool(group["nesterov"]),
        )
        hyper = dict(
            lr=_as_float(group["lr"]),
            momentum=_as_float(group["momentum"]),
            dampening=_as_float(group["dampening"]),
            wd=_as_float(group["weight_decay"]),
        )
        states = _fused_update(
            _sgd_kernel, flags, params, [p.grad for p in params], {"momentum_buffer": bufs}, hyper
        )
        if use_momentum:
            for p, buf in zip(params, states["momentum_buffer"]):
                self.state[p]["momentum_buffer"] = buf
