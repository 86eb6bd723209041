"""``torch.autograd.Variable``: the pre-0.4 wrapper, which PyTorch keeps as a Tensor factory.

``Variable(t)`` returns a new leaf Tensor sharing ``t``'s memory, ``Variable(t,
requires_grad=True)`` one that requires grad, and ``isinstance(x, Variable)`` holds for every
Tensor.  ``volatile`` only warns, as in PyTorch.
"""

from __future__ import annotations

import warnings

from .. import _factories as _factories
from .._tensor import Tensor as _Tensor


class VariableMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, _Tensor)


class Variable(metaclass=VariableMeta):
    def __new__(cls, data=None, requires_grad=False, volatile=False, **kwargs):
        for name in kwargs:
            raise TypeError(f"'{name}' is an invalid keyword argument for this function")
        if volatile:
            warnings.warn(
                "volatile was removed and now has no effect. Use `with torch.no_grad():` instead.",
                UserWarning,
                stacklevel=2,
            )
            if requires_grad:
                raise ValueError("Variable can't be volatile and require_grad at the same time!")
        if data is None:
            return _factories.tensor([])
        if not isinstance(data, _Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        out = data.detach()
        if requires_grad:
            if not (out.dtype.is_floating_point or out.dtype.is_complex):
                raise RuntimeError(
                    "Only Tensors of floating point and complex dtype can require gradients"
                )
            out.requires_grad_(True)
        return out
