"""``torch.optim.NAdam`` (momentum decay, decoupled weight decay)."""

from __future__ import annotations

import jax.numpy as jnp

from .._tensor import Tensor
from ._state import (
    _check_betas,
    _check_lr,
    _check_nonneg,
    _gather,
    _group_flags,
    _init_state,
    _setstate_defaults,
)
from .optimizer import (
    Optimizer,
    _addcdiv,
    _addcmul,
    _as_float,
    _c,
    _f64,
    _fused_update,
    _lerp,
    _step_tensor,
)

__all__ = ["NAdam"]


def _nadam_kernel(params, grads, states, hyper, *, maximize, weight_decay, decoupled, small_lerp):
    lr, beta1, beta2, eps, wd, decay = (
        hyper[k] for k in ("lr", "beta1", "beta2", "eps", "wd", "momentum_decay")
    )
    out = {"step": [], "mu_product": [], "exp_avg": [], "exp_avg_sq": []}
    new_params = []
    for i, (p, g) in enumerate(zip(params, grads)):
        if maximize:
            g = -g
        step = states["step"][i] + 1
        t = _f64(step)
        bias_correction2 = 1 - beta2**t
        if weight_decay:
            if decoupled:
                p = p * _c(1 - lr * wd, p)
            else:
                g = g + _c(wd, p) * p
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * decay))
        # The running product is a tensor of the step dtype, so it rounds there every step.
        mu_product = states["mu_product"][i] * _c(mu, states["mu_product"][i])
        exp_avg = _lerp(states["exp_avg"][i], g, 1 - beta1, small_lerp)
        exp_avg_sq = _addcmul(states["exp_avg_sq"][i] * _c(beta2, g), g, g, 1 - beta2)
        denom = jnp.sqrt(exp_avg_sq / _c(bias_correction2, p)) + _c(eps, p)
        mu_product_f = _f64(mu_product)
        mu_product_next = mu_product_f * mu_next
        p = _addcdiv(p, g, denom, -lr * (1.0 - mu) / (1.0 - mu_product_f))
        p = _addcdiv(p, exp_avg, denom, (-lr * mu_next) / (1.0 - mu_product_next))
        new_params.append(p)
        out["step"].append(step)
        out["mu_product"].append(mu_product)
        out["exp_avg"].append(exp_avg)
        out["exp_avg_sq"].append(exp_avg_sq)
    return new_params, out


class NAdam(Optimizer):
    _capturable_tensors = "params, mu_products and state_steps"

    def __init__(
        self,
        params,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        momentum_decay=4e-3,
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
        _check_nonneg("momentum_decay", momentum_decay)
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
            foreach=foreach,
            capturable=capturable,
            differentiable=differentiable,
        )
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        _setstate_defaults(
            self,
            maximize=False,
            foreach=None,
            capturable=False,
            differentiable=False,
            decoupled_weight_decay=False,
        )
        for group in self.param_groups:
            for p in group["params"]:
                p_state = self.state.get(p, {})
                if p_state and not isinstance(p_state.get("mu_product"), Tensor):
                    p_state["mu_product"] = _step_tensor(float(p_state["mu_product"]))

    def _step_group(self, group, params):
        _init_state(
            self,
            params,
            {"mu_product": lambda v: 1.0, "exp_avg": jnp.zeros_like, "exp_avg_sq": jnp.zeros_like},
        )
        states = _gather(self, params, ("step", "mu_product", "exp_avg", "exp_avg_sq"))
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
            momentum_decay=_as_float(group["momentum_decay"]),
        )
        _fused_update(_nadam_kernel, flags, params, [p.grad for p in params], states, hyper)
