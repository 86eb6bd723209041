"""``torch.optim.RAdam`` (rectified Adam, decoupled weight decay)."""

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
from .optimizer import Optimizer, _addcmul, _as_float, _c, _f64, _fused_update, _lerp

__all__ = ["RAdam"]


def _radam_kernel(params, grads, states, hyper, *, maximize, weight_decay, decoupled, small_lerp):
    lr, beta1, beta2, eps, wd = (hyper[k] for k in ("lr", "beta1", "beta2", "eps", "wd"))
    out = {"step": [], "exp_avg": [], "exp_avg_sq": []}
    new_params = []
    for i, (p, g) in enumerate(zip(params, grads)):
        if maximize:
            g = -g
        step = states["step"][i] + 1
        t = _f64(step)
        if weight_decay:
            if decoupled:
                p = p * _c(1 - lr * wd, p)
            else:
                g = g + _c(wd, p) * p
        exp_avg = _lerp(states["exp_avg"][i], g, 1 - beta1, small_lerp)
        exp_avg_sq = _addcmul(states["exp_avg_sq"][i] * _c(beta2, g), g, g, 1 - beta2)
        bias_correction1 = 1 - beta1**t
        bias_correction2 = 1 - beta2**t
        corrected = exp_avg / _c(bias_correction1, p) * _c(lr, p)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * (beta2**t) / bias_correction2
        # The rectified branch is taken on the host in PyTorch; here both sides are computed
        # and the step-dependent predicate picks one, so the kernel stays one program.
        rect = jnp.sqrt(
            jnp.maximum(
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t), 0.0
            )
        )
        adaptive = _c(bias_correction2**0.5, p) / (jnp.sqrt(exp_avg_sq) + _c(eps, p))
        rectified = corrected * adaptive * _c(rect, p)
        new_params.append(p - jnp.where(rho_t > 5.0, rectified, corrected))
        out["step"].append(step)
        out["exp_avg"].append(exp_avg)
        out["exp_avg_sq"].append(exp_avg_sq)
    return new_params, out


class RAdam(Optimizer):
    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        decoupled_weight_decay=False,
        *,
        foreach=None,
        maximize=False,
        capturable=False,
        differentiable=False,
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
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            decoupled_weight_decay=decoupled_weight_decay,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        _setstate_defaults(
            self,
            foreach=None,
            maximize=False,
            differentiable=False,
            decoupled_weight_decay=False,
            capturable=False,
        )

    def _step_group(self, group, params):
        _init_state(self, params, {"exp_avg": jnp.zeros_like, "exp_avg_sq": jnp.zeros_like})
        states = _gather(self, params, ("step", "exp_avg", "exp_avg_sq"))
        beta1, beta2 = (_as_float(b) for b in group["betas"])
        flags = dict(
            _group_flags(group),
            decoupled=bool(group["decoupled_weight_decay"]),
            small_lerp=abs(1 - beta1) < 0.5,
        )
        hyper = dict(
            lr=_as_float(group["lr"]),
            beta1=beta1,
            beta2=beta2,
            eps=_as_float(group["eps"]),
            wd=_as_float(group["weight_decay"]),
        )
        _fused_update(_radam_kernel, flags, params, [p.grad for p in params], states, hyper)
