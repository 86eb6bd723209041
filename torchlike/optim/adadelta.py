"""``torch.optim.Adadelta``."""

from __future__ import annotations

import jax.numpy as jnp

from ._state import _check_lr, _check_nonneg, _gather, _group_flags, _init_state, _setstate_defaults
from .optimizer import Optimizer, _addcmul, _as_float, _c, _fused_update

__all__ = ["Adadelta"]


def _adadelta_kernel(params, grads, states, hyper, *, maximize, weight_decay):
    lr, rho, eps, wd = (hyper[k] for k in ("lr", "rho", "eps", "wd"))
    out = {"step": [], "square_avg": [], "acc_delta": []}
    new_params = []
    for i, (p, g) in enumerate(zip(params, grads)):
        if maximize:
            g = -g
        if weight_decay:
            g = g + _c(wd, p) * p
        square_avg = _addcmul(states["square_avg"][i] * _c(rho, g), g, g, 1 - rho)
        std = jnp.sqrt(square_avg + _c(eps, p))
        delta = jnp.sqrt(states["acc_delta"][i] + _c(eps, p)) / std * g
        acc_delta = _addcmul(states["acc_delta"][i] * _c(rho, g), delta, delta, 1 - rho)
        new_params.append(p + _c(-lr, p) * delta)
        out["step"].append(states["step"][i] + 1)
        out["square_avg"].append(square_avg)
        out["acc_delta"].append(acc_delta)
    return new_params, out


class Adadelta(Optimizer):
    _capturable_devices = "['cuda', 'xpu', 'hpu', 'privateuseone']"

    def __init__(
        self,
        params,
        lr=1.0,
        rho=0.9,
        eps=1e-6,
        weight_decay=0,
        foreach=None,
        *,
        capturable=False,
        maximize=False,
        differentiable=False,
    ):
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_nonneg("epsilon", eps)
        _check_nonneg("weight_decay", weight_decay)
        defaults = dict(
            lr=lr,
            rho=rho,
            eps=eps,
            weight_decay=weight_decay,
            maximize=maximize,
            capturable=capturable,
            foreach=foreach,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        _setstate_defaults(
            self, foreach=None, maximize=False, differentiable=False, capturable=False
        )

    def _step_group(self, group, params):
        _init_state(self, params, {"square_avg": jnp.zeros_like, "acc_delta": jnp.zeros_like})
        states = _gather(self, params, ("step", "square_avg", "acc_delta"))
        hyper = dict(
            lr=_as_float(group["lr"]),
            rho=_as_float(group["rho"]),
            eps=_as_float(group["eps"]),
            wd=_as_float(group["weight_decay"]),
        )
        _fused_update(
            _adadelta_kernel, _group_flags(group), params, [p.grad for p in params], states, hyper
        )
