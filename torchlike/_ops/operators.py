"""Python's operators on Tensor (``+``, ``@``, ``==``, reflected forms, ``NotImplemented``
for unknown operands) and the ``T``/``mT``/``H`` properties.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .. import _warnings
from .._tensor import Tensor
from .pointwise import (
    add,
    bitwise_left_shift,
    bitwise_right_shift,
    div,
    floor_divide,
    mul,
    pow,
    remainder,
    rsub,
    sub,
)
from .products import matmul
from .shapes import permute, transpose
from .signatures import (
    FUNCTIONS,
    METHODS,
    _t,
)


def _swap(fn):
    return lambda self, other: fn(other, self)


def _rdiv(self, other):
    return mul(FUNCTIONS["reciprocal"](self), other)


def _rpow(self, other):
    return pow(other, self)


def _rmatmul(self, other):
    return matmul(_t(other), self)


def _not_implemented_for(fn, takes_ndarray=True):
    """``fn`` as an operator: NotImplemented for operands PyTorch's operator refuses, so Python
    raises its TypeError (or tries the other operand).  ``takes_ndarray=False``: one of the
    operators whose PyTorch form refuses a NumPy array (the reflected ones, ``ndarray + t``
    included, and the orderings ``<``, ``<=``, ``>``, ``>=``, ``!=``): NumPy defers to a Tensor
    (``__array_priority__``), so ``a + t`` ends in NumPy's "Concatenation operation is not
    implemented" and ``t != a`` in Python's identity fallback, as with PyTorch."""
    accepted = (Tensor, bool, int, float, complex, np.generic, list, tuple)
    if takes_ndarray:
        accepted += (np.ndarray,)

    def op(self, other):
        if not isinstance(other, accepted):
            return NotImplemented
        return fn(self, other)

    op.__name__ = fn.__name__
    return op


def _matmul(self, other):
    if isinstance(other, np.ndarray):  # PyTorch hands ``t @ a`` to NumPy: promoted dtypes
        other = _t(other)
        common = D.promote_types(self.dtype, other.dtype)
        return matmul(self.to(common), other.to(common))
    return matmul(self, other)


_OPERATORS = {
    "__add__": add,
    "__radd__": add,
    "__sub__": sub,
    "__rsub__": rsub,
    "__mul__": mul,
    "__rmul__": mul,
    "__truediv__": div,
    "__rtruediv__": _rdiv,
    "__floordiv__": floor_divide,
    "__rfloordiv__": _swap(floor_divide),
    "__mod__": remainder,
    "__rmod__": _swap(remainder),
    "__pow__": pow,
    "__rpow__": _rpow,
    "__matmul__": _matmul,
    "__rmatmul__": _rmatmul,
    "__eq__": FUNCTIONS["eq"],
    "__ne__": FUNCTIONS["ne"],
    "__lt__": FUNCTIONS["lt"],
    "__le__": FUNCTIONS["le"],
    "__gt__": FUNCTIONS["gt"],
    "__ge__": FUNCTIONS["ge"],
    "__and__": FUNCTIONS["bitwise_and"],
    "__or__": FUNCTIONS["bitwise_or"],
    "__xor__": FUNCTIONS["bitwise_xor"],
    "__rand__": FUNCTIONS["bitwise_and"],
    "__ror__": FUNCTIONS["bitwise_or"],
    "__rxor__": FUNCTIONS["bitwise_xor"],
    "__lshift__": bitwise_left_shift,
    "__rlshift__": _swap(bitwise_left_shift),
    "__rshift__": bitwise_right_shift,
    "__rrshift__": _swap(bitwise_right_shift),
}
# (``__rtruediv__`` takes one: PyTorch's is ``self.reciprocal() * other``)
_REFLECTED = {n for n in _OPERATORS if n.startswith("__r") and f"__{n[3:]}" in _OPERATORS}
_REFUSE_NDARRAY = _REFLECTED - {"__rtruediv__"}
_REFUSE_NDARRAY |= {"__lt__", "__le__", "__gt__", "__ge__", "__ne__"}
for _name, _fn in _OPERATORS.items():
    METHODS[_name] = _not_implemented_for(_fn, _name not in _REFUSE_NDARRAY)
METHODS["__neg__"] = FUNCTIONS["neg"]
METHODS["__abs__"] = FUNCTIONS["abs"]


def _invert(self):
    if self._dtype.is_floating_point or self._dtype.is_complex:
        raise TypeError(
            "~ (operator.invert) is only implemented on integer and Boolean-type tensors"
        )
    return FUNCTIONS["bitwise_not"](self)


METHODS["__invert__"] = _invert
METHODS["__pos__"] = lambda self: self


def _mT(self):
    if self.ndim == 0:  # PyTorch lets a scalar through
        return self
    if self.ndim < 2:
        raise RuntimeError(
            "tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor."
        )
    return transpose(self, -2, -1)


def _H(self):
    if self.ndim == 0:
        return self
    if self.ndim != 2:
        hint = " For batches of matrices, consider using tensor.mH" if self.ndim > 2 else ""
        raise RuntimeError(
            f"tensor.H is only supported on matrices (2-D tensors). Got {self.ndim}-D tensor."
            + hint
        )
    out = transpose(self, 0, 1)
    return FUNCTIONS["conj"](out) if self._dtype.is_complex else out  # the adjoint


def _T(self):
    n = self.ndim
    if n == 0:
        _warnings.warn(
            "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.",
            "aten/src/ATen/native/TensorShape.cpp:4321",
            once=True,
            stacklevel=2,
        )
    elif n > 2:
        _warnings.warn(
            "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
            "deprecated and it will throw an error in a future release. Consider `x.mT` to "
            "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to "
            "reverse the dimensions of a tensor.",
            "aten/src/ATen/native/TensorShape.cpp:4314",
            once=True,
            stacklevel=2,
        )
    return permute(self, tuple(reversed(range(n))))  # (a view for every rank, as PyTorch's)


PROPERTIES = {
    "T": _T,
    "mT": _mT,
    "H": _H,
}
