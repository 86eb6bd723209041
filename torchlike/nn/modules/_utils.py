"""Small helpers shared by the layer modules."""

from __future__ import annotations

from ... import _dtype as D
from ... import _factories


def _ntuple(n):
    def parse(x):
        if isinstance(x, (list, tuple)):
            return tuple(x)
        return (x,) * n

    return parse


_single = _ntuple(1)
_pair = _ntuple(2)
_triple = _ntuple(3)


def _reverse_repeat_tuple(t, n):
    """(a, b) -> (b, b, a, a) for n=2: F.pad's last-dim-first order."""
    return tuple(x for x in reversed(t) for _ in range(n))


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
