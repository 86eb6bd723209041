"""``torch.optim.Rprop`` (resilient backpropagation)."""

from __future__ import annotations

import jax.numpy as jnp

from ._state import _check_lr, _gather, _group_flags, _init_state, _setstate_defaults
from .optimizer import Optimizer, _as_float, _c, _fused_update

__all__ = ["Rprop"]


def _rprop_kernel(params, grads, states, hyper, *, maximize, weight_decay):
    etaminus, etaplus = hyper["etaminus"], hyper["etaplus"]
    lo, hi = hyper["step_size_min"], hyper["step_size_max"]
    out = {"step": [], "prev": [], "step_size": []}
    new_params = []
    for i, (p, g) in enumerate(zip(params, grads)):
        if maximize:
            g = -g
        sign = jnp.sign(g * states["prev"][i])
        # PyTorch rewrites the sign tensor in three masked passes, in this order.
        sign = jnp.where(sign > 0, _c(etaplus, sign), sign)
        sign = jnp.where(sign < 0, _c(etaminus, sign), sign)
        sign = jnp.where(sign == 0, _c(1.0, sign), sign)
        step_size = jnp.clip(states["step_size"][i] * sign, _c(lo, sign), _c(hi, sign))
        g = jnp.where(sign == _c(etaminus, sign), jnp.zeros_like(g), g)
        new_params.append(p + _c(-1.0, p) * jnp.sign(g) * step_size)
        out["step"].append(states["step"][i] + 1)
        out["prev"].append(g)
        out["step_size"].append(step_size)
    return new_params, out


class Rprop(Optimizer):
    def __init__(
        self,
        params,
        lr=1e-2,
        etas=(0.5, 1.2),
        step_sizes=(1e-6, 50),
        *,
        capturable=False,
        foreach=None,
        maximize=False,
        differentiable=False,
    ):
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(
            lr=lr,
            etas=etas,
            step_sizes=step_sizes,
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
        _init_state(
            self,
            params,
            {
                "prev": jnp.zeros_like,
                "step_size": lambda v: jnp.full_like(
                    v, complex(lr, lr) if jnp.iscomplexobj(v) else lr
                ),
            },
        )
        states = _gather(self, params, ("step", "prev", "step_size"))
        etaminus, etaplus = group["etas"]
        lo, hi = group["step_sizes"]
        hyper = dict(
            etaminus=_as_float(etaminus),
            etaplus=_as_float(etaplus),
            step_size_min=_as_float(lo),
            step_size_max=_as_float(hi),
        )
        flags = dict(_group_flags(group), weight_decay=False)
        _fused_update(_rprop_kernel, flags, params, [p.grad for p in params], states, hyper)
