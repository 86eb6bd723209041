"""``torch.optim.ASGD`` (averaged SGD)."""

from __future__ import annotations

import jax.numpy as jnp

from ._state import _check_lr, _check_nonneg, _gather, _group_flags, _init_state, _setstate_defaults
from .optimizer import Optimizer, _as_float, _c, _f64, _fused_update

__all__ = ["ASGD"]


def _asgd_kernel(params, grads, states, hyper, *, maximize, weight_decay):
    lr, lambd, alpha, t0, wd = (hyper[k] for k in ("lr", "lambd", "alpha", "t0", "wd"))
    out = {"step": [], "eta": [], "mu": [], "ax": []}
    new_params = []
    for i, (p, g) in enumerate(zip(params, grads)):
        if maximize:
            g = -g
        step = states["step"][i] + 1
        eta, mu, ax = states["eta"][i], states["mu"][i], states["ax"][i]
        if weight_decay:
            g = g + _c(wd, p) * p
        eta_value = _f64(eta)
        p = p * _c(1 - lambd * eta_value, p)
        p = p + _c(-eta_value, p) * g
        ax = jnp.where(mu != 1, ax + (p - ax) * mu.astype(p.dtype), p)
        t = _f64(step)
        new_eta = (lr / ((1 + lambd * lr * t) ** alpha)).astype(eta.dtype)
        new_mu = (1 / jnp.maximum(1.0, t - t0)).astype(mu.dtype)
        new_params.append(p)
        out["step"].append(step)
        out["eta"].append(new_eta)
        out["mu"].append(new_mu)
        out["ax"].append(ax)
    return new_params, out


class ASGD(Optimizer):
    _capturable_tensors = "params, mus, etas, and state_steps"

    def __init__(
        self,
        params,
        lr=1e-2,
        lambd=1e-4,
        alpha=0.75,
        t0=1e6,
        weight_decay=0,
        foreach=None,
        maximize=False,
        differentiable=False,
        capturable=False,
    ):
        _check_lr(lr)
        _check_nonneg("weight_decay", weight_decay)
        defaults = dict(
            lr=lr,
            lambd=lambd,
            alpha=alpha,
            t0=t0,
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
        lr = _as_float(group["lr"])
        _init_state(self, params, {"eta": lambda v: lr, "mu": lambda v: 1.0, "ax": jnp.zeros_like})
        states = _gather(self, params, ("step", "eta", "mu", "ax"))
        hyper = dict(
            lr=lr,
            lambd=_as_float(group["lambd"]),
            alpha=_as_float(group["alpha"]),
            t0=_as_float(group["t0"]),
            wd=_as_float(group["weight_decay"]),
        )
        _fused_update(
            _asgd_kernel, _group_flags(group), params, [p.grad for p in params], states, hyper
        )
