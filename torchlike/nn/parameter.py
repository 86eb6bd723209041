"""``nn.Parameter`` and ``nn.Buffer``: tensors that a Module registers when they are assigned.

A Parameter is a leaf Tensor of its own class (so ``isinstance(p, nn.Parameter)`` holds and
``print(p)`` starts with ``Parameter containing:``).  Results of ops on a Parameter are plain
Tensors, as in PyTorch, because every op result is made by ``Tensor._make``.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _host


class Parameter(Tensor):
    """A Tensor that is a module parameter: assigning it to a Module attribute registers it.

    ``Parameter(data)`` shares ``data``'s storage and version counter (as ``data.detach()``
    does), so, as in PyTorch, in-place writes to one are seen by the other.
    """

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = Tensor._make(jnp.zeros((0,), D.get_default_dtype()._np))
        if requires_grad and not (data.dtype.is_floating_point or data.dtype.is_complex):
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        p = data.detach()
        p.__class__ = cls
        p._mark_parameter(requires_grad)
        return p

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self, *, tensor_contents=None):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        new = type(self)(Tensor._make(self._value, self._dtype), self._requires_grad)
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        new.__dict__.update(self.__dict__)
        memo[id(self)] = new
        return new

    def __reduce_ex__(self, proto):
        return (
            _rebuild_parameter,
            (np.asarray(_host(self._value)), self._dtype, self._requires_grad),
        )


def _rebuild_parameter(array, dtype, requires_grad):
    value = Tensor._make(jnp.asarray(array, dtype=dtype._np), dtype)
    return Parameter(value, requires_grad)


class _BufferMeta(type):
    # ``isinstance(t, nn.Buffer)`` is true for tensors flagged by ``nn.Buffer(...)``
    def __instancecheck__(cls, instance):
        if cls is Buffer:
            return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)
        return super().__instancecheck__(instance)


class Buffer(metaclass=_BufferMeta):
    """``nn.Buffer(tensor, persistent=True)``: a plain Tensor flagged to register as a buffer."""

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = Tensor._make(jnp.zeros((0,), D.get_default_dtype()._np))
        t = data.detach()
        t.requires_grad_(data._requires_grad)
        t._is_buffer = True
        t._buffer_persistent = persistent
        return t


def is_lazy(param):
    return False


__all__ = ["Parameter", "Buffer"]
