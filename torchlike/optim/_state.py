"""State initialisation and argument checks shared by the smaller optimizers."""

from __future__ import annotations

from .._tensor import Tensor
from .optimizer import _new_tensor, _scalar_dtype, _step_tensor


def _check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def _check_betas(betas):
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")


def _check_nonneg(name, value):
    if not 0.0 <= value:
        raise ValueError(f"Invalid {name} value: {value}")


def _init_state(optimizer, params, inits: dict):
    """First step of each parameter: ``state['step']`` (a scalar tensor) then the buffers
    ``inits`` builds, in PyTorch's key order.  An init returns either a JAX array shaped like
    the parameter or a Python float for a scalar of the step dtype."""
    for p in params:
        state = optimizer.state[p]
        if len(state) != 0:
            continue
        state["step"] = _step_tensor()
        for key, make in inits.items():
            value = make(p._value)
            if isinstance(value, float):
                state[key] = _step_tensor(value)
            else:
                state[key] = _new_tensor(value)


def _gather(optimizer, params, keys):
    return {key: [optimizer.state[p][key] for p in params] for key in keys}


def _group_flags(group):
    return dict(
        maximize=bool(group.get("maximize", False)), weight_decay=group.get("weight_decay", 0) != 0
    )


def _setstate_defaults(optimizer, **defaults):
    optimizer._upgrade_step_state()
    for group in optimizer.param_groups:
        for key, value in defaults.items():
            group.setdefault(key, value)


__all__ = [
    "_check_lr",
    "_check_betas",
    "_check_nonneg",
    "_init_state",
    "_gather",
    "_group_flags",
    "_setstate_defaults",
    "_scalar_dtype",
]
