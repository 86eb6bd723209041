"""``torch.optim.Adam`` (with ``amsgrad``, ``maximize`` and ``decoupled_weight_decay``)."""

from __future__ import annotations

import jax.numpy as jnp

from .._tensor import Tensor
from .optimizer import (
    Optimizer,
    _addcdiv,
    _addcmul,
    _as_float,
    _c,
    _f64,
    _fused_update,
    _lerp,
)

__all__ = ["Adam"]


def _adam_kernel(
    params, grads, states, hyper, *, maximize, weight_decay, decoupled, amsgrad, small_lerp
):
    lr, beta1, beta2, eps, wd = (hyper[k] for k in ("lr", "beta1", "beta2", "eps", "wd"))
    out = {"step": [], "exp_avg": [], "exp_avg_sq": [], "max_exp_avg_sq": []}
    new_params = []
    for i, (p, g) in enumerate(zip(params, grads)):
        if maximize:
            g = -g
        step = states["step"][i] + 1
        if weight_decay:
            if decoupled:
                p = p * _c(1 - lr * wd, p)
            else:
                g = g + _c(wd, p) * p
        m = _lerp(states["exp_avg"][i], g, 1 - beta1, small_lerp)
        v = _addcmul(states["exp_avg_sq"][i] * _c(beta2, g), g, g, 1 - beta2)
        t = _f64(step)
        bias_correction1 = 1 - beta1**t
        bias_correction2_sqrt = jnp.sqrt(1 - beta2**t)
        step_size = lr / bias_correction1
        if amsgrad:
            v_max = jnp.maximum(states["max_exp_avg_sq"][i], v)
            out["max_exp_avg_sq"].append(v_max)
            v_hat = v_max
        else:
            out["max_exp_avg_sq"].append(None)
            v_hat = v
        denom = jnp.sqrt(v_hat) / _c(bias_correction2_sqrt, p) + _c(eps, p)
        new_params.append(_addcdiv(p, m, denom, -step_size))
        out["step"].append(step)
        out["exp_avg"].append(m)
        out["exp_avg_sq"].append(v)
    return new_params, out


class Adam(Optimizer):
    _sparse_refusal = "Adam does not support sparse gradients, please consider SparseAdam instead"

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        amsgrad=False,
        *,
        foreach=None,
        maximize=False,
        capturable=False,
        differentiable=False,
        fused=None,
        decoupled_weight_decay=False,
    ):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        both_floats = isinstance(betas[0], float) and isinstance(betas[1], float)
        both_tensors = isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor)
        if not (both_floats or both_tensors):
            raise ValueError("betas must be either both floats or both Tensors")
        if both_tensors:
            betas = tuple(b.item() for b in betas)
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._upgrade_step_state()
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            group.setdefault("fused", None)

    def _step_group(self, group, params):
        amsgrad = bool(group["amsgrad"])
        keys = ["step", "exp_avg", "exp_avg_sq"] + (["max_exp_avg_sq"] if amsgrad else [])
        self._zero_state(params, keys)
        states = {key: [self.state[p][key] for p in params] for key in keys}
        states.setdefault("max_exp_avg_sq", [None] * len(params))
        beta1, beta2 = group["betas"]
        flags = dict(
            maximize=bool(group["maximize"]),
            weight_decay=group["weight_decay"] != 0,
            decoupled=bool(group["decoupled_weight_decay"]),
            amsgrad=amsgrad,
            small_lerp=abs(1 - _as_float(beta1)) < 0.5,
        )
        hyper = dict(
            lr=_as_float(group["lr"]),
            beta1=_as_float(beta1),
            beta2=_as_float(beta2),
            eps=_as_float(group["eps"]),
            wd=_as_float(group["weight_decay"]),
        )
        _fused_update(_adam_kernel, flags, params, [p.grad for p in params], states, hyper)
