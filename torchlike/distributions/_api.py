"""The torch namespace as the distributions see it.

The distributions sit in the library layer and may not import ``torchlike/__init__.py``
(import-linter's "namespace" contract), so this module gathers the pieces of the public API they
use from the layers below: the op table's functions, the factories, the samplers, dtypes, grad
modes.  The rest of the package then reads like PyTorch's own: ``torch.where(...)``.
"""

from __future__ import annotations

import types

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype, _factories, _random_methods
from .. import random as _random
from .._ops.frontend import FUNCTIONS
from .._size import Size
from .._tensor import Tensor, is_tensor
from ..autograd.grad_mode import enable_grad, is_grad_enabled, no_grad


class _FInfo:
    """The fields of ``torch.finfo`` the distributions need (eps, tiny, max, min)."""

    def __init__(self, dtype):
        info = np.finfo(dtype._np)
        self.eps = float(info.eps)
        self.tiny = float(info.tiny)
        self.max = float(info.max)
        self.min = float(info.min)


def finfo(dtype=None):
    return _FInfo(dtype if dtype is not None else _dtype.get_default_dtype())


def _broadcast(shapes):
    try:
        return Size(np.broadcast_shapes(*[tuple(s) for s in shapes]))
    except ValueError:
        return None


def broadcast_shapes(*shapes):
    shape = _broadcast(shapes)
    if shape is None:  # PyTorch's message ("Attempting to broadcast a dimension ...")
        return FUNCTIONS["broadcast_shapes"](*shapes)
    return shape


def broadcast_tensors(*tensors):
    shape = _broadcast([t.shape for t in tensors])
    if shape is None:  # PyTorch's message ("The size of tensor a (2) must match ...")
        return FUNCTIONS["broadcast_tensors"](*tensors)
    return tuple(t if t.shape == shape else t.expand(shape) for t in tensors)


def _is_all_true(t):
    return bool(t.all())


def diag_embed(v):
    """Puts the last dimension of ``v`` on the diagonal of a new last pair of dimensions."""
    n = v.shape[-1]
    return v.unsqueeze(-1) * _factories.eye(n, dtype=v.dtype)


def jax_key(generator=None):
    return _random.jax_key(generator)


torch = types.SimpleNamespace(**FUNCTIONS)
for _name in (
    "tensor",
    "as_tensor",
    "zeros",
    "ones",
    "empty",
    "full",
    "zeros_like",
    "ones_like",
    "empty_like",
    "full_like",
    "arange",
    "eye",
    "linspace",
):
    setattr(torch, _name, getattr(_factories, _name))
for _name in (
    "normal",
    "bernoulli",
    "multinomial",
    "poisson",
    "rand",
    "randn",
    "rand_like",
    "randn_like",
):
    setattr(torch, _name, getattr(_random_methods, _name))
for _alias, _d in _dtype.ALIASES.items():
    setattr(torch, _alias, _d)
torch.float32, torch.float64, torch.int64 = _dtype.float32, _dtype.float64, _dtype.int64
torch.bool = _dtype.bool_
torch.get_default_dtype = _dtype.get_default_dtype
torch.Size = Size
torch.Tensor = Tensor
torch.is_tensor = is_tensor
torch.no_grad = no_grad
torch.enable_grad = enable_grad
torch.is_grad_enabled = is_grad_enabled
torch.finfo = finfo
torch.broadcast_shapes = broadcast_shapes
torch.broadcast_tensors = broadcast_tensors
torch._is_all_true = _is_all_true
torch.diag_embed = diag_embed
torch.inf = float("inf")
torch.nan = float("nan")

__all__ = ["torch", "jax", "jnp", "np", "Tensor", "Size", "jax_key"]
