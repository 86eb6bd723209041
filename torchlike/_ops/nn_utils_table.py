"""Kernels behind torch.nn.utils: the fused weight norm PyTorch's ``torch._weight_norm`` uses
when the norm is over every dim but the first or the last."""

from __future__ import annotations

import jax.numpy as jnp

from .core import Op
from .table import OPS


def _weight_norm_interface(v, g, *, dim):
    """``w = v * g / ||v||`` (the norm over every dim but ``dim``); also returns the norms."""
    axes = tuple(a for a in range(v.ndim) if a != dim)
    norm = jnp.sqrt(jnp.sum(v * v, axis=axes, keepdims=True))
    return v * (g / norm), norm


OPS["weight_norm_interface"] = Op(
    "_weight_norm_interface",
    _weight_norm_interface,
    "WeightNormInterfaceBackward0",
    promote="arith",
    saved={"v": 0, "g": 1, "dim": "dim"},
)
