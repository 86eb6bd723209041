"""``torch.optim.Adagrad`` (lr decay, weight decay, initial accumulator, maximize)."""

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
    _new_tensor,
    _step_tensor,
)

__all__ = ["Adagrad"]


def _adagrad_kernel(params, grads, states, hyper, *, maximize, weight_decay):
    lr, lr_decay, eps, wd = (hyper[k] for k in ("lr", "lr_decay", "eps", "wd"))
    out = {"step": [], "sum": []}
    new_params = []
    for i, (p, g) in enumerate(zip(params, grads)):
        step = states["step"][i] + 1
        if maximize:
            g = -g
        if weight_decay:
            g = g + _c(wd, p) * p
        clr = lr / (1 + (_f64(step) - 1) * lr_decay)
        total = _addcmul(states["sum"][i], g, g, 1.0)
        std = jnp.sqrt(total) + _c(eps, p)
        new_params.append(_addcdiv(p, g, std, -clr))
        out["step"].append(step)
        out["sum"].append(total)
    return new_params, out


class Adagrad(Optimizer):
    _sparse_refusal = None

    def __init__(
        self,
        params,
        lr=1e-2,
        lr_decay=0,
        weight_decay=0,
        initial_accumulator_value=0,
        eps=1e-10,
        foreach=None,
        *,
        maximize=False,
        differentiable=False,
        fused=None,
    ):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(
                f"Invalid initial_accumulator_value value: {initial_accumulator_value}"
            )
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            eps=eps,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            foreach=foreach,
            maximize=maximize,
            differentiable=differentiable,
            fused=fused,
        )
        super().__init__(params, defaults)
        # Adagrad's state exists from construction on (PyTorch builds it eagerly).
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p)

    def _init_state(self, p):
        state = self.state[p]
        state["step"] = _step_tensor()
        init = self.defaults["initial_accumulator_value"]
        if p.is_complex():
            init = complex(init, init)
        state["sum"] = _new_tensor(jnp.full_like(p._value, init))

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("fused", None)
        self._upgrade_step_state()

    def share_memory(self):
        pass

    def _step_group(self, group, params):
        for p in params:
            if len(self.state[p]) == 0:
                self._init_state(p)
        states = {key: [self.state[p][key] for p in params] for key in ("step", "sum")}
        flags = dict(maximize=bool(group["maximize"]), weight_decay=group["weight_decay"] != 0)
        hyper = dict(
            lr=_as_float(group["lr"]),
            lr_decay=_as_float(group["lr_decay"]),
            eps=_as_float(group["eps"]),
            wd=_as_float(group["weight_decay"]),
        )
        _fused_update(_adagrad_kernel, flags, params, [p.grad for p in params], states, hyper)
