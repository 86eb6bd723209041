"""Small helpers shared by the layer modules."""

from __future__ import annotations

from ... import _dtype as D
from ... import _factories
from .utils import _ntuple, _pair, _reverse_repeat_tuple, _single, _triple  # noqa: F401


def empty(*shape, device=None, dtype=None):
    dtype = dtype if dtype is not None else D.get_default_dtype()
    # as PyTorch's layers pass it (one int, or one tuple): a bad size gets empty()'s message
    return _factories.empty(shape[0] if len(shape) == 1 else shape, device=device, dtype=dtype)


def zeros(*shape, device=None, dtype=None):
    dtype = dtype if dtype is not None else D.get_default_dtype()
    return _factories.zeros(*shape, device=device, dtype=dtype)


def ones(*shape, device=None, dtype=None):
    dtype = dtype if dtype is not None else D.get_default_dtype()
    return _factories.ones(*shape, device=device, dtype=dtype)
