"""``torch.optim.RMSprop`` (momentum, centered, weight decay, maximize)."""

from __future__ import annotations

import jax.numpy as jnp

from .._tensor import Tensor
from .optimizer import (
    Optimizer,
    _addcdiv,
    _addcmul,
    _as_float,
    _c,
    _fused_update,
    _lerp,
)

__all__ = ["RMSprop"]


def _rmsprop_kernel(
    params, grads, states, hyper, *, maximize, weight_decay, momentum, centered, small_lerp
):
    lr, alpha, eps, wd, mu = (hyper[k] for k in ("lr", "alpha", "eps", "wd", "momentum"))
    out = {"step": [], "square_avg": [], "momentum_buffer": [], "grad_avg": []}
    new_params = []
    for i, (p, g) in enumerate(zip(params, grads)):
        if maximize:
            g = -g
        if weight_decay:
            g = g + _c(wd, p) * p
        square_avg = _addcmul(states["square_avg"][i] * _c(alpha, g), g, g, 1 - alpha)
        if centered:
            grad_avg = _lerp(states["grad_avg"][i], g, 1 - alpha, small_lerp)
            avg = jnp.sqrt(_addcmul(square_avg, grad_avg, grad_avg, -1.0))
        else:
            grad_avg = None
            avg = jnp.sqrt(square_avg)
        avg = avg + _c(eps, avg)
        if momentum:
            buf = states["momentum_buffer"][i] * _c(mu, p) + g / avg
            new_params.append(p + _c(-lr, p) * buf)
        else:
            buf = None
            new_params.append(_addcdiv(p, g, avg, -lr))
        out["step"].append(states["step"][i] + 1)
        out["square_avg"].append(square_avg)
        out["momentum_buffer"].append(buf)
        out["grad_avg"].append(grad_avg)
    return new_params, out


class RMSprop(Optimizer):
    def __init__(
        self,
        params,
        lr=1e-2,
        alpha=0.99,
        eps=1e-8,
        weight_decay=0,
        momentum=0,
        centered=False,
        capturable=False,
        foreach=None,
        maximize=False,
        differentiable=False,
    ):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            alpha=alpha,
            eps=eps,
            centered=centered,
            weight_decay=weight_decay,
            capturable=capturable,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._upgrade_step_state()
        for group in self.param_groups:
            group.setdefault("momentum", 0)
            group.setdefault("centered", False)
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)

    def _step_group(self, group, params):
        use_momentum = group["momentum"] > 0
        centered = bool(group["centered"])
        keys = (
            ["step", "square_avg"]
            + (["momentum_buffer"] if use_momentum else [])
            + (["grad_avg"] if centered else [])
        )
        self._zero_state(params, keys)
        states = {
            key: [self.state[p].get(key) for p in params]
            for key in ("step", "square_avg", "momentum_buffer", "grad_avg")
        }
        flags = dict(
            maximize=bool(group["maximize"]),
            weight_decay=group["weight_decay"] != 0,
            momentum=use_momentum,
            centered=centered,
            small_lerp=abs(1 - _as_float(group["alpha"])) < 0.5,
        )
        hyper = dict(
            lr=_as_float(group["lr"]),
            alpha=_as_float(group["alpha"]),
            eps=_as_float(group["eps"]),
            wd=_as_float(group["weight_decay"]),
            momentum=_as_float(group["momentum"]),
        )
        _fused_update(_rmsprop_kernel, flags, params, [p.grad for p in params], states, hyper)
