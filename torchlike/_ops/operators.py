"""Python's operators on Tensor (``+``, ``@``, ``==``, reflected forms, ``NotImplemented``
for unknown operands) and the ``T``/``mT``/``H`` properties.
"""

from __future__ import annotations

import numpy as np

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


def _not_implemented_for(fn):
    def op(self, other):
        if not isinstance(
            other, (Tensor, bool, int, float, complex, np.generic, list, tuple, np.ndarray)
        ):
            return NotImplemented
        return fn(self, other)

    op.__name__ = fn.__name__
    return op


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
    "__matmul__": matmul,
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
for _name, _fn in _OPERATORS.items():
    METHODS[_name] = _not_implemented_for(_fn)
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


PROPERTIES = {
    "T": lambda self: permute(self, tuple(reversed(range(self.ndim)))) if self.ndim > 1 else self,
    "mT": _mT,
    "H": _H,
}
