"""PyTorch's dtypes on top of NumPy/JAX dtypes, and ``torch.result_type``-exact promotion."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ._classes import TorchNamed


class dtype(metaclass=TorchNamed):
    """A PyTorch dtype: ``torch.float32`` and friends.  Immutable singletons."""

    _torch_name = "torch.dtype"

    __slots__ = (
        "_name",
        "_np",
        "itemsize",
        "is_floating_point",
        "is_complex",
        "is_signed",
        "_category",
        "_rank",
    )

    def __init__(self, name, np_dtype, category, rank):
        self._name = name
        self._np = np.dtype(np_dtype)
        self.itemsize = self._np.itemsize
        self.is_floating_point = category == 2
        self.is_complex = category == 3
        self.is_signed = not name.startswith("uint") and name != "bool"
        self._category = category  # 0 bool, 1 integer, 2 floating, 3 complex
        self._rank = rank

    def __repr__(self):
        return f"torch.{self._name}"

    __str__ = __repr__

    def __reduce__(self):
        return (_dtype_by_name, (self._name,))

    def to_complex(self):
        return {float32: complex64, float64: complex128, float16: complex64}.get(self, self)

    def to_real(self):
        return {complex64: float32, complex128: float64}.get(self, self)


bool_ = dtype("bool", np.bool_, 0, 0)
uint8 = dtype("uint8", np.uint8, 1, 1)
int8 = dtype("int8", np.int8, 1, 1)
int16 = dtype("int16", np.int16, 1, 2)
int32 = dtype("int32", np.int32, 1, 3)
int64 = dtype("int64", np.int64, 1, 4)
float16 = dtype("float16", np.float16, 2, 1)
bfloat16 = dtype("bfloat16", jnp.bfloat16, 2, 1)
float32 = dtype("float32", np.float32, 2, 2)
float64 = dtype("float64", np.float64, 2, 3)
complex64 = dtype("complex64", np.complex64, 3, 1)
complex128 = dtype("complex128", np.complex128, 3, 2)
# PyTorch 2.13's "limited support" unsigned types: tensors can be made, cast, compared and
# printed; promotion with any other dtype is an error (as PyTorch's)
uint16 = dtype("uint16", np.uint16, 1, 5)
uint32 = dtype("uint32", np.uint32, 1, 6)
uint64 = dtype("uint64", np.uint64, 1, 7)
_LIMITED_UINTS = (uint16, uint32, uint64)

ALL = (
    bool_,
    uint8,
    int8,
    int16,
    int32,
    int64,
    float16,
    bfloat16,
    float32,
    float64,
    complex64,
    complex128,
    *_LIMITED_UINTS,
)
_BY_NAME = {d._name: d for d in ALL}
_BY_NP = {d._np: d for d in ALL}

# PyTorch's aliases, exported from the top-level namespace.
ALIASES = {
    "bool": bool_,
    "uint8": uint8,
    "int8": int8,
    "int16": int16,
    "short": int16,
    "int32": int32,
    "int": int32,
    "int64": int64,
    "long": int64,
    "float16": float16,
    "half": float16,
    "bfloat16": bfloat16,
    "float32": float32,
    "float": float32,
    "float64": float64,
    "double": float64,
    "complex64": complex64,
    "cfloat": complex64,
    "complex128": complex128,
    "cdouble": complex128,
    "uint16": uint16,
    "uint32": uint32,
    "uint64": uint64,
}


def _dtype_by_name(name):
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype) -> dtype:
    try:
        return _BY_NP[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).type.__name__}. The "
            "only supported types are: float64, float32, float16, complex64, complex128, int64, "
            "int32, int16, int8, uint64, uint32, uint16, uint8, and bool."
        ) from None


def to_dtype(d) -> dtype:
    """Accept a torchlike dtype, a Python type (float/int/bool/complex) or a NumPy dtype."""
    if isinstance(d, dtype):
        return d
    if d is float:
        return float64
    if d is int:
        return int64
    if d is bool:
        return bool_
    if d is complex:
        return complex128
    return from_numpy_dtype(d)


# ---------------------------------------------------------------------------------------------
# Default dtype (process-wide in PyTorch, not thread-local).

_default = {"dtype": float32}


def get_default_dtype() -> dtype:
    return _default["dtype"]


def set_default_dtype(d) -> None:
    d = to_dtype(d)
    if not d.is_floating_point or d in (bfloat16,):
        if d not in (float16, bfloat16, float32, float64):
            raise TypeError("only floating-point types are supported as the default type")
    _default["dtype"] = d


def default_complex_dtype() -> dtype:
    return complex128 if get_default_dtype() is float64 else complex64


# ---------------------------------------------------------------------------------------------
# Promotion: c10's promoteTypes lattice and ResultTypeState (dim tensors > 0-d > wrapped scalars).


def promote_types(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    if a in _LIMITED_UINTS or b in _LIMITED_UINTS:
        raise RuntimeError(
            "Promotion for uint16, uint32, uint64 types is not supported, attempted to promote "
            f"{CAST_NAMES[a]} and {CAST_NAMES[b]}"
        )
    if a._category != b._category:
        hi, lo = (a, b) if a._category > b._category else (b, a)
        if hi.is_complex and lo.is_floating_point and lo is float64:
            return complex128
        return hi
    cat = a._category
    if cat == 1:
        if uint8 in (a, b):
            other = b if a is uint8 else a
            return int16 if other is int8 else other
        return a if a._rank > b._rank else b
    if cat == 2:
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if a._rank > b._rank else b
    return a if a._rank > b._rank else b


def scalar_dtype(value) -> dtype:
    """dtype a Python scalar would have as a 'wrapped number'."""
    if isinstance(value, bool):
        return bool_
    if isinstance(value, int):
        return int64
    if isinstance(value, float):
        return get_default_dtype()
    if isinstance(value, complex):
        return default_complex_dtype()
    raise TypeError(f"unsupported scalar type {type(value).__name__}")


def _combine(higher, lower):
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.is_complex:
        return higher
    if lower.is_complex:
        if higher.is_floating_point:
            return higher.to_complex()
        return lower
    if higher.is_floating_point:
        return higher
    if higher is bool_ or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def result_type_of(dim_dtypes, zero_dim_dtypes, scalar_dtypes) -> dtype:
    def fold(ds):
        out = None
        for d in ds:
            out = d if out is None else promote_types(out, d)
        return out

    return _combine(fold(dim_dtypes), _combine(fold(zero_dim_dtypes), fold(scalar_dtypes)))


# PyTorch's scalar-type names, as its messages print them ("result type Float can't be cast …")
CAST_NAMES = {
    float32: "Float",
    float64: "Double",
    float16: "Half",
    bfloat16: "BFloat16",
    int64: "Long",
    int32: "Int",
    int16: "Short",
    int8: "Char",
    uint8: "Byte",
    bool_: "Bool",
    complex64: "ComplexFloat",
    complex128: "ComplexDouble",
    uint16: "UInt16",
    uint32: "UInt32",
    uint64: "UInt64",
}


# c10's C type names, used by a few of PyTorch's messages
C_NAMES = {
    int64: "long int",
    int32: "int",
    int16: "short int",
    int8: "signed char",
    uint8: "unsigned char",
    bool_: "bool",
    float32: "float",
    float64: "double",
}


def can_cast(src, dst):
    if src.is_complex and not dst.is_complex:
        return False
    if src.is_floating_point and not (dst.is_floating_point or dst.is_complex):
        return False
    if src is not bool_ and dst is bool_:
        return False
    return True


# The C++ type PyTorch's checked scalar conversion names in its overflow error.
_C_SCALAR_NAMES = {
    "uint8": "uint8_t",
    "int8": "int8_t",
    "int16": "int16_t",
    "int32": "int",
    "int64": "int64_t",
    "float16": "c10::Half",
    "bfloat16": "c10::BFloat16",
    "float32": "float",
    "complex64": "c10::complex<float>",
}


def check_scalar_fits(value, dtype, numel=2) -> None:
    """PyTorch's checked conversion of a Python number to ``dtype`` (``torch.full``,
    ``fill_``, ``masked_fill`` ...): a value the dtype cannot hold raises "value cannot be
    converted to type uint8_t without overflow" instead of wrapping or becoming inf.  Integers
    take an integer within range (an unsigned one also a negative one down to -max, which
    wraps, as c10's check allows); floats a finite value within the dtype's finite range
    (NaN and infinities pass); a complex number with an imaginary part fits no real dtype.
    Filling at most one element, PyTorch skips the check for float16/bfloat16."""
    if type(value) is bool or isinstance(value, np.bool_) or dtype is bool_:
        return
    name = dtype._name
    bad = False
    if isinstance(value, (complex, np.complexfloating)) and not dtype.is_complex:
        v = complex(value)
        bad = v.imag != 0
        value = v.real
    elif name == "complex64":
        v = complex(value)
        top = float(np.finfo(np.float32).max)
        bad = any(bool(np.isfinite(p)) and abs(p) > top for p in (v.real, v.imag))
    if not bad and not dtype.is_complex:
        if not dtype.is_floating_point:
            info = np.iinfo(dtype._np)
            if isinstance(value, (int, np.integer)):
                v = int(value)
                bad = v > info.max or (-v > info.max if info.min == 0 else v < info.min)
            else:
                v = float(value)
                bad = not np.isfinite(v) or v < info.min or v > info.max
        elif name != "float64" and not (name in ("float16", "bfloat16") and numel <= 1):
            if isinstance(value, (int, np.integer)) and not -(1 << 63) <= int(value) < 1 << 63:
                return  # (PyTorch's parser refuses these itself)
            v = float(value)
            bad = bool(np.isfinite(v)) and abs(v) > float(jnp.finfo(dtype._np).max)
    if bad:
        raise RuntimeError(
            f"value cannot be converted to type {_C_SCALAR_NAMES.get(name, name)} without overflow"
        )
