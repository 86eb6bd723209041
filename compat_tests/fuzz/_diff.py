"""Run one callable on torchlike and on real torch in this process and compare the outcomes.

An outcome is a value (tensors as dtype + shape + numbers, nested in tuples/lists) or an
exception (type name + message, addresses blanked).  ``classify`` names how torchlike's outcome
relates to PyTorch's, with the classes of issue 12's table: ``same`` (same value, or same
exception type and message), ``other message``, ``other type``, ``internal`` (a bare Python or
NumPy/JAX error), ``silent`` (PyTorch raises, torchlike returns), ``refused`` (torchlike raises
where PyTorch returns) and ``value`` (both return, different values).
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import torch as real_torch

import torchlike

LIBS = {"torch": real_torch, "torchlike": torchlike}
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_INTERNAL_TYPES = {
    "KeyError",
    "AttributeError",
    "ZeroDivisionError",
    "UnboundLocalError",
    "NameError",
    "AssertionError",
    "OverflowError",
    "FloatingPointError",
    "XlaRuntimeError",
    "JaxRuntimeError",
    "TracerBoolConversionError",
    "ConcretizationTypeError",
}
_INTERNAL_WORDS = (
    "tuple index out of range",
    "list index out of range",
    "object has no attribute",
    "range() arg",
    "lax.",
    "jax",
    "XLA",
    "operand shape",
    "Incompatible types for broadcasting",
    "cannot reshape array",
    "unhashable type",
    "not subscriptable",
    "takes from",
    "positional argument",
)


class Error:
    __slots__ = ("type", "message")

    def __init__(self, exc):
        self.type = type(exc).__name__
        self.message = _ADDRESS.sub("0x?", str(exc))

    def __repr__(self):
        return f"{self.type}({self.message[:200]!r})"


def capture(value):
    """A library-neutral picture of a result (tensors become (dtype, shape, float64 array))."""
    if hasattr(value, "detach") and hasattr(value, "dtype"):
        t = value.detach()
        data = np.asarray(t.tolist(), dtype=object if t.is_complex() else None)
        if data.dtype != object:
            data = data.astype(np.float64) if data.size else data.reshape(tuple(t.shape))
        return ("tensor", str(t.dtype), tuple(t.shape), data)
    if isinstance(value, (tuple, list)):
        kind = "size" if type(value).__name__ == "Size" else type(value).__name__
        if kind == "size":
            return ("size", tuple(value))
        return (kind, tuple(capture(v) for v in value))
    if isinstance(value, (bool, int, float, complex, str, type(None))):
        return ("scalar", value)
    if hasattr(value, "is_floating_point") and hasattr(value, "itemsize"):  # a dtype
        return ("dtype", str(value))
    return ("object", type(value).__name__)


def outcome(fn, lib):
    """``fn(lib)`` -> ("ok", captured value) or ("error", Error)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ("ok", capture(fn(lib)))
    except Exception as e:  # noqa: BLE001 - every exception is an outcome to compare
        return ("error", Error(e))


def same_value(a, b, rtol=1e-7, atol=1e-9):
    if a[0] != b[0]:
        return False
    if a[0] == "tensor":
        _, da, sa, va = a
        _, db, sb, vb = b
        if da != db or sa != sb:
            return False
        if va.dtype == object or vb.dtype == object:
            return va.tolist() == vb.tolist()
        return np.allclose(va, vb, rtol=rtol, atol=atol, equal_nan=True)
    if a[0] in ("tuple", "list"):
        return len(a[1]) == len(b[1]) and all(same_value(x, y) for x, y in zip(a[1], b[1]))
    if a[0] == "scalar":
        x, y = a[1], b[1]
        if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
            return True
        if isinstance(x, (int, float)) and isinstance(y, (int, float)):
            return type(x) is type(y) and math.isclose(x, y, rel_tol=rtol, abs_tol=atol)
        return x == y
    return a == b


def classify(ref, got):
    """How torchlike's outcome ``got`` relates to PyTorch's ``ref``."""
    if ref[0] == "ok" and got[0] == "ok":
        return "same" if same_value(ref[1], got[1]) else "value"
    if ref[0] == "error" and got[0] == "ok":
        return "silent"
    if ref[0] == "ok":
        return "internal" if _internal(got[1]) else "refused"
    r, g = ref[1], got[1]
    if r.type == g.type and r.message == g.message:
        return "same"
    if _internal(g) and not (r.type == g.type and g.type not in _INTERNAL_TYPES):
        return "internal"
    if r.type == g.type:
        return "other message"
    return "other type"


def _internal(err):
    return err.type in _INTERNAL_TYPES or any(w in err.message for w in _INTERNAL_WORDS)


def compare(fn):
    """(class, torch outcome, torchlike outcome) of ``fn(lib)`` on both libraries."""
    ref = outcome(fn, real_torch)
    got = outcome(fn, torchlike)
    return classify(ref, got), ref, got
