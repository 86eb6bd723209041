"""``torch.optim.Adamax`` (Adam with the infinity norm)."""

from __future__ import annotations

import jax.numpy as jnp

from ._state import (
    _check_betas,
    _check_lr,
    _check_nonneg,
    _gather,
    _group_flags,
    _init_state,
    _setstate_defaults,
)
from .optimizer import Optimizer, _addcdiv, _as_float, _c, _f64, _fused_update, _lerp

__all__ = ["Adamax"]


def _adamax_kernel(params, grads, states, hyper, *, maximize, weight_decay, small_lerp):
    lr, beta1, beta2, eps, wd = (hyper[k] for k in ("lr", "beta1", "beta2", "eps", "wd"))
    out = {"step": [], "exp_avg": [], "exp_inf": []}
    new_params = []
    for i, (p, g) in enumerate(zip(params, grads)):
        if maximize:
            g = -g
        step = states["step"][i] + 1
        if weight_decay:
            g = g + _c(wd, p) * p
        exp_avg = _lerp(states["exp_avg"][i], g, 1 - beta1, small_lerp)
        exp_inf = jnp.maximum(states["exp_inf"][i] * _c(beta2, g), jnp.abs(g) + _c(eps, g))
        clr = lr / (1 - beta1 ** _f64(step))
        new_params.append(_addcdiv(p, exp_avg, exp_inf, -clr))
        out["step"].append(step)
        out["exp_avg"].append(exp_avg)
        out["exp_inf"].append(exp_inf)
    return new_params, out


class Adamax(Optimizer):
    def __init__(
        self,
        params,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        foreach=None,
        *,
        maximize=False,
        differentiable=False,
        capturable=False,
    ):
        _check_lr(lr)
        _check_nonneg("epsilon", eps)
        _check_betas(betas)
        _check_nonneg("weight_decay", weight_decay)
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            capturable=capturable,
        )
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        _setstate_defaults(
            self, foreach=None, maximize=False, differentiable=False, capturable=False
        )

    def _step_group(self, group, params):
        _init_state(self, params, {"exp_avg": jnp.zeros_like, "exp_inf": jnp.zeros_like})
        states = _gather(self, params, ("step", "exp_avg", "exp_inf"))
        beta1, beta2 = (_as_float(b) for b in group["betas"])
        flags = dict(_group_flags(group), small_lerp=abs(1 - beta1) < 0.5)
        hyper = dict(
            lr=_as_float(group["lr"]),
            beta1=beta1,
            beta2=beta2,
            eps=_as_float(group["eps"]),
            wd=_as_float(group["weight_decay"]),
        )
        _fused_update(_adamax_kernel, flags, params, [p.grad for p in params], states, hyper)
