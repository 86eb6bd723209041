"""Elementwise signatures: the table's generated unary/binary forms, arithmetic with
PyTorch's scalar rules, comparisons, clamp, where, lerp, masked_fill, dtype conversion.
"""

from __future__ import annotations

import collections

import jax
import jax.numpy as jnp
import numpy as np

from .. import _config, _device, _layout
from .. import _dtype as D
from .._factories import tensor_new
from .._size import check_device_available, device
from .._tensor import Tensor
from ..autograd.inplace import (
    _C_NAMES,
)
from . import (
    device_table,  # noqa: F401 - registers the device copy into OPS
    overloads,
)
from .core import _compute_dtype, apply
from .signatures import (
    METHODS,
    _is_scalar,
    _scalar,
    _t,
    check_broadcast,
    check_kernel_dtype,
    export,
)
from .table import OPS


# Entries declared with ``Variants("unary" | "binary")`` get their signature here: the whole
# public surface of an elementwise op is its table entry.
def _unary_signature(op):
    def fn(input):
        return apply(op, (input,))

    return fn


def _binary_signature(op):
    if op.variants.scalar_sides is not None:
        return scalar_aware(op.name, *op.variants.scalar_sides)
    kernel = FLOATING_KERNELS.get(op.name)
    if kernel is not None:

        def floating(input, other):
            check_floating_kernel(kernel, input, other)
            return _binary(op, input, other)

        return floating

    def fn(input, other):
        return _binary(op, input, other)

    return fn


# binary ops whose PyTorch kernels exist for floating (and complex) dtypes only: two integer or
# bool operands raise (``torch.hypot`` of int64 tensors), where torchlike's entry would compute
# in float
FLOATING_KERNELS = {"hypot": "hypot_cpu", "logaddexp": "logaddexp_cpu"}


def check_floating_kernel(kernel, input, other):
    """PyTorch's NotImplementedError where the operands' common dtype is not floating."""
    if isinstance(input, Tensor) and isinstance(other, Tensor):
        check_kernel_dtype(kernel, _compute_dtype(OPS["add"], (input, other)))


def scalar_aware(both, self_scalar, other_scalar):
    """A binary op whose node depends on which side is a Python number (entries ``both``,
    ``self_scalar`` for ``f(2.0, t)``, ``other_scalar`` for ``f(t, 3.0)``)."""

    def fn(input, other):
        if isinstance(other, Tensor) and _is_scalar(input):
            return apply(OPS[self_scalar], (other, _scalar(input)))
        if isinstance(input, Tensor) and _is_scalar(other):
            return apply(OPS[other_scalar], (input, _scalar(other)))
        return _binary(OPS[both], input, other)

    return fn


def _declare_table_forms():
    for op in OPS.values():
        v = op.variants
        if v is None or v.form is None:
            continue
        fn = (_unary_signature if v.form == "unary" else _binary_signature)(op)
        fn.__name__ = fn.__qualname__ = op.name
        export(
            op.name,
            *v.aliases,
            method=v.method,
            function=v.function,
            inplace=v.inplace,
            out=v.out,
            form=v.form,
        )(fn)


@export(inplace=True, out=True)
def round(input, *, decimals=0):
    if decimals == 0:
        return apply(OPS["round"], (input,))
    return apply(OPS["round_decimals"], (input,), (("decimals", decimals),))


@export(inplace=True, out=True)
def square(input):
    return pow(input, 2)


def _binary(op, a, b, static=()):
    if not isinstance(a, Tensor):
        a = _scalar(a) if _is_scalar(a) else _t(a)
    if not isinstance(b, Tensor):
        b = _scalar(b) if _is_scalar(b) else _t(b)
    return apply(op, (a, b), static)


def _operand(x):
    if isinstance(x, Tensor):
        return x
    return _scalar(x) if _is_scalar(x) else _t(x)


def _alpha(name, input, other, alpha):
    """PyTorch's rules for ``alpha`` (checked against the result dtype): no floating alpha
    for an integral result, no complex one for a real result, a bool one only for a bool
    result, where any other alpha counts as its truth value."""
    if type(alpha) is int and alpha == 1:  # the common case
        return alpha
    dtype = _compute_dtype(OPS[name], (_operand(input), _operand(other)))
    if isinstance(alpha, (bool, np.bool_)):
        if dtype is not D.bool_:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
        return bool(alpha)
    integral = not (dtype.is_floating_point or dtype.is_complex)
    if integral and isinstance(alpha, (float, complex, np.floating, np.complexfloating)):
        raise RuntimeError(
            "For integral input tensors, argument alpha must not be a floating point number."
        )
    if not dtype.is_complex and isinstance(alpha, (complex, np.complexfloating)):
        raise RuntimeError(
            "For non-complex input tensors, argument alpha must not be a complex number."
        )
    return bool(alpha) if dtype is D.bool_ else alpha


def _is_bool(x):
    return isinstance(x, (bool, np.bool_)) or (isinstance(x, Tensor) and x._dtype is D.bool_)


def _check_bool_sub(input, other):
    a, b = _is_bool(input), _is_bool(other)
    if a and b:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
            "or `logical_xor()` operator instead."
        )
    if a or b:
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )


def _add_entry(name, input, other, alpha):
    """``add_rounded_alpha`` (see table.py) for a half/bfloat16 sum of two tensors with an
    alpha, else the entry itself."""
    if (type(alpha) is int and alpha == 1) or not isinstance(other, Tensor):
        return name
    if not isinstance(input, Tensor):
        return name
    if _compute_dtype(OPS[name], (input, other)) in (D.bfloat16, D.float16):
        return f"{name}_rounded_alpha"
    return name


@export(inplace=True, out=True)
def add(input, other, *, alpha=1):
    alpha = _alpha("add", input, other, alpha)
    return _binary(OPS[_add_entry("add", input, other, alpha)], input, other, (("alpha", alpha),))


@export("sub", "subtract", inplace=True, out=True)
def sub(input, other, *, alpha=1):
    _check_bool_sub(input, other)
    alpha = _alpha("sub", input, other, alpha)
    return _binary(OPS[_add_entry("sub", input, other, alpha)], input, other, (("alpha", alpha),))


@export(method=False)
def rsub(input, other, *, alpha=1):
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    _check_bool_sub(input, other)
    alpha = _alpha("rsub", input, other, alpha)
    return apply(OPS["rsub"], (input, _scalar(other)), (("alpha", alpha),))


def _wrapped_operand(input, other):
    """``other`` as PyTorch's half/bfloat16 kernels read it, at float32 (see ``mul_wrapped`` in
    table.py), or None where ``other`` is cast to the tensor's dtype as usual."""
    if not (isinstance(input, Tensor) and input._dtype in (D.bfloat16, D.float16)):
        return None
    if isinstance(other, (float, np.floating)):
        return _scalar(other)
    if isinstance(other, Tensor) and other._dtype in (D.float32, D.float64) and not other.ndim:
        return other
    return None


@export("mul", "multiply", inplace=True, out=True)
def mul(input, other):
    wrapped = _wrapped_operand(input, other)
    if wrapped is not None:
        return apply(OPS["mul_wrapped"], (input, wrapped))
    static = ()
    # a bool tensor times a non-bool one: see _mul in table.py
    if isinstance(other, Tensor) and other._dtype is D.bool_ and not _is_bool(input):
        static = (("bool_operand", 1),)
    elif isinstance(input, Tensor) and input._dtype is D.bool_ and not _is_bool(other):
        static = (("bool_operand", 0),)
    return _binary(OPS["mul"], input, other, static)


def _integral(x):
    d = x._dtype if isinstance(x, Tensor) else None
    if d is None:
        return isinstance(x, (bool, int)) or (_is_scalar(x) and np.issubdtype(type(x), np.integer))
    return not (d.is_floating_point or d.is_complex)


@jax.jit
def _has_zero(value):
    return jnp.any(value == 0)


def _check_int_zero_divisor(input, other):
    # PyTorch's CPU kernels raise for an integer division by zero.  A Python 0 divisor is
    # known without looking at tensor values; a zero inside an integer divisor tensor is found
    # the way index bounds are (_ops/indexing.py): free on CPU, one host sync on an
    # accelerator, skipped under ``torchlike.set_checks(False)`` and under JAX tracing
    if not (_integral(input) and _integral(other)):
        return
    if _is_scalar(other):
        if isinstance(input, Tensor) and _scalar(other) == 0:
            raise RuntimeError("ZeroDivisionError")
        return
    if not isinstance(other, Tensor) or not _config._checks:
        return
    value = other._value
    if isinstance(value, jax.core.Tracer) or value.size == 0:
        return
    if isinstance(input, Tensor):
        try:
            np.broadcast_shapes(tuple(input.shape), tuple(other.shape))
        except ValueError:
            return  # the shape error comes first
    if all(d.platform == "cpu" for d in value.devices()):
        zero = not np.asarray(value).all()
    else:
        zero = bool(_has_zero(value))
    if zero:
        raise RuntimeError("ZeroDivisionError")


@export("div", "divide", "true_divide", inplace=True, out=True)
def div(input, other, *, rounding_mode=None):
    if rounding_mode is None:
        wrapped = _wrapped_operand(input, other)
        if wrapped is not None:
            return apply(OPS["div_wrapped"], (input, wrapped))
        return _binary(OPS["div"], input, other)
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
            f"'{rounding_mode}'"
        )
    _check_int_zero_divisor(input, other)
    return _binary(OPS["div_mode"], input, other, (("rounding_mode", rounding_mode),))


@export(inplace=True, out=True)
def floor_divide(input, other):
    _check_int_zero_divisor(input, other)
    return _binary(OPS["floor_divide"], input, other)


@export(inplace=True, out=True)
def remainder(input, other):
    _check_int_zero_divisor(input, other)
    return _binary(
        OPS["remainder_tensor" if isinstance(other, Tensor) else "remainder"], input, other
    )


@export(inplace=True, out=True)
def fmod(input, other):
    _check_int_zero_divisor(input, other)
    return _binary(OPS["fmod_tensor" if isinstance(other, Tensor) else "fmod"], input, other)


@export(out=True)
def maximum(input, other):
    return _binary(OPS["maximum"], input, other)


@export(out=True)
def minimum(input, other):
    return _binary(OPS["minimum"], input, other)


@export(inplace=True, out=True)
def pow(input, exponent):
    if not isinstance(input, Tensor):
        return apply(OPS["pow_scalar_base"], (exponent, _scalar(input)))
    if _is_scalar(exponent):
        exponent = _scalar(exponent)
        if (
            isinstance(exponent, int)
            and not isinstance(exponent, bool)
            and exponent < 0
            and _integral(input)
        ):
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return apply(OPS["pow_scalar"], (input, exponent))
    return _binary(OPS["pow"], input, exponent)


def _float_power_dtype(input, exponent):
    """float_power computes in double precision: complex128 if either side is complex."""
    for v in (input, exponent):
        if (
            isinstance(v, Tensor)
            and v._dtype.is_complex
            or isinstance(v, (complex, np.complexfloating))
        ):
            return D.complex128
    return D.float64


@export("float_power", out=True)
def float_power(input, exponent):
    target = _float_power_dtype(input, exponent)
    return pow(*(v.to(target) if isinstance(v, Tensor) else v for v in (input, exponent)))


def _float_power_(self, exponent):
    target = _float_power_dtype(self, exponent)
    if self._dtype is not target:
        raise RuntimeError(
            f"the base given to float_power_ has dtype {D.CAST_NAMES[self._dtype]} but the "
            f"operation's result requires dtype {D.CAST_NAMES[target]}"
        )
    return self.pow_(exponent.to(target) if isinstance(exponent, Tensor) else exponent)


# (its own in-place form: PyTorch refuses a base whose dtype is not the double result's)
METHODS["float_power_"] = overloads.checked(
    _float_power_, overloads.forms("float_power")[2], method=True
)


_declare_table_forms()


@export("neg", "negative", inplace=True, out=True)
def neg(input):
    if input._dtype is D.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return apply(OPS["neg"], (input,))


@export(inplace=True, out=True)
def copysign(input, other):
    if _is_scalar(other):
        return apply(OPS["copysign_scalar"], (input, _scalar(other)))
    return _binary(OPS["copysign"], input, other)


def _integer_kernel(name, kernel, *operands):
    """Integer-only ops: PyTorch has no floating kernel, and names the promoted dtype."""
    operands = tuple(
        x if isinstance(x, Tensor) else (_scalar(x) if _is_scalar(x) else _t(x)) for x in operands
    )
    dtype = _compute_dtype(OPS[name], operands)
    if dtype.is_floating_point or dtype.is_complex:
        raise NotImplementedError(
            f"\"{kernel}_cpu\" not implemented for '{D.CAST_NAMES.get(dtype, str(dtype))}'"
        )
    return apply(OPS[name], operands)


@export(inplace=True, out=True)
def bitwise_and(input, other):
    return _integer_kernel("bitwise_and", "bitwise_and", input, other)


@export(inplace=True, out=True)
def bitwise_or(input, other):
    return _integer_kernel("bitwise_or", "bitwise_or", input, other)


@export(inplace=True, out=True)
def bitwise_xor(input, other):
    return _integer_kernel("bitwise_xor", "bitwise_xor", input, other)


@export(inplace=True, out=True)
def bitwise_not(input):
    return _integer_kernel("bitwise_not", "bitwise_not", input)


@export(inplace=True, out=True)
def bitwise_left_shift(input, other):
    return _integer_kernel("bitwise_left_shift", "lshift", input, other)


@export(inplace=True, out=True)
def bitwise_right_shift(input, other):
    return _integer_kernel("bitwise_right_shift", "rshift", input, other)


@export(inplace=True, out=True)
def gcd(input, other):
    return _integer_kernel("gcd", "gcd", input, other)


@export(inplace=True, out=True)
def lcm(input, other):
    return _integer_kernel("lcm", "lcm", input, other)


@export(inplace=True, out=True)
def ldexp(input, other):
    return _binary(OPS["ldexp"], input, other)


class return_frexp(collections.namedtuple("frexp", ["mantissa", "exponent"])):
    __slots__ = ()

    def __repr__(self):
        return (
            f"torch.return_types.frexp(\nmantissa={self.mantissa!r},\nexponent={self.exponent!r})"
        )


return_frexp.__name__ = return_frexp.__qualname__ = "frexp"
return_frexp.__module__ = "torch.return_types"


@export(out=True)
def frexp(input):
    if not input._dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    return return_frexp(*apply(OPS["frexp"], (input,)))


@export()
def equal(input, other):
    return tuple(input.shape) == tuple(other.shape) and bool(jnp.all(input._value == other._value))


@export()
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(jnp.allclose(input._value, other._value, rtol, atol, equal_nan))


@export()
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return Tensor._make(jnp.isclose(input._value, _t(other)._value, rtol, atol, equal_nan))


@export("clamp", "clip", inplace=True, out=True, c_type_names=True)
def clamp(input, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    bounds = (min, max)
    if any(isinstance(b, Tensor) for b in bounds):
        if all(b is None or isinstance(b, Tensor) for b in bounds):
            return apply(OPS["clamp_tensor"], (input, min, max))
        # PyTorch's Number overload takes a 0-d tensor bound beside a number (its parser,
        # overloads.OVERLOADS, refuses any other mix): the bound's value, as PyTorch reads it
        min, max = (b.item() if isinstance(b, Tensor) else b for b in bounds)
    return apply(
        OPS["clamp"],
        (
            input,
            _scalar(min) if min is not None else None,
            _scalar(max) if max is not None else None,
        ),
    )


@export(method=False, out=True)
def where(condition, input=None, other=None):
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if not isinstance(input, Tensor) and not _is_scalar(input):
        input = _t(input)
    if not isinstance(other, Tensor) and not _is_scalar(other):
        other = _t(other)
    if condition._dtype is not D.bool_:
        if condition._dtype is not D.uint8:  # PyTorch still accepts byte masks
            raise RuntimeError(
                "where expected condition to be a boolean tensor, but got a tensor with dtype "
                f"{D.CAST_NAMES.get(condition._dtype, condition._dtype)}"
            )
        condition = condition.to(D.bool_)
    check_broadcast(condition, input, other)
    return apply(OPS["where"], (input, other, condition))


def _where_method(self, condition, y):
    return where(condition, self, y)


METHODS["where"] = _where_method


@export(inplace=True, out=True)
def lerp(input, end, weight):
    # no promotion in PyTorch's lerp: the operands share self's dtype, a floating one
    for what, t in (("end", end), ("weight", weight)):
        if isinstance(t, Tensor) and t._dtype is not input._dtype:
            raise RuntimeError(
                f"expected dtype {_c_name(input._dtype)} for `{what}` but got dtype "
                f"{_c_name(t._dtype)}"
            )
    if isinstance(weight, Tensor):
        check_kernel_dtype("lerp_kernel_tensor", input)
        return apply(OPS["lerp_tensor"], (input, end, weight))
    check_kernel_dtype("lerp_kernel_scalar", input)
    return apply(OPS["lerp"], (input, end, _scalar(weight)))


_C_TYPE_NAMES = {
    D.float32: "float",
    D.float64: "double",
    D.float16: "c10::Half",
    D.bfloat16: "c10::BFloat16",
    D.complex64: "c10::complex<float>",
    D.complex128: "c10::complex<double>",
}


def _c_name(dtype):
    return _C_NAMES.get(dtype) or _C_TYPE_NAMES.get(dtype, str(dtype))


@export(inplace=True)
def masked_fill(input, mask, value):
    if mask._dtype is not D.bool_:
        raise RuntimeError(
            "masked_fill_ only supports boolean masks, but got mask with dtype "
            f"{_C_NAMES.get(mask._dtype, mask._dtype)}"
        )
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError(
            "masked_fill_ only supports a 0-dimensional value tensor, but got "
            f"tensor with {value.ndim} dimension(s)."
        )
    if isinstance(value, Tensor):
        return apply(OPS["masked_fill_tensor"], (input, mask, value.to(input.dtype)))
    D.check_scalar_fits(value, input._dtype, input.numel())
    return apply(OPS["masked_fill"], (input, mask, _scalar(value)))


@export(inplace=True, out=True, c_type_names=True)
def clamp_min(input, min):
    if isinstance(min, Tensor):
        return clamp(input, min=min)
    return apply(OPS["clamp_min"], (input, _scalar(min)))


@export(inplace=True, out=True, c_type_names=True)
def clamp_max(input, max):
    if isinstance(max, Tensor):
        return clamp(input, max=max)
    return apply(OPS["clamp_max"], (input, _scalar(max)))


@export(function=False)
def to(self, *args, **kwargs):
    # a device this machine lacks gets PyTorch's error, never a silent stay on CPU
    target = None
    for a in (kwargs.get("device"), *args):
        if isinstance(a, (str, device)) or (isinstance(a, int) and not isinstance(a, bool)):
            check_device_available(a)
            target = a
        elif isinstance(a, Tensor):
            target = a.device
    if target is not None:
        moved = _to_device(self, target, kwargs.get("copy", False))
        if moved is not self:
            rest = {k: v for k, v in kwargs.items() if k not in ("device", "copy")}
            positional = [a for a in args if isinstance(a, D.dtype)]
            return to(moved, *positional, **rest) if positional or rest.get("dtype") else moved
    dtype = kwargs.get("dtype")
    for a in args:
        if isinstance(a, D.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
    fmt = _layout.check_memory_format("to", kwargs.get("memory_format"))
    if fmt is not None and fmt is not _layout.preserve_format:
        # PyTorch returns self when the format already is the one its layout suggests
        if dtype not in (None, self._dtype) or fmt is not _layout.suggest_memory_format(self):
            _layout.check_layout_request(self.shape, fmt, "to")
            if dtype is None or dtype is self._dtype:
                return clone(self)  # every format torchlike accepts here is row-major
    if dtype is None or dtype is self._dtype:
        return self
    return apply(OPS["to"], (self,), (("dtype", dtype._np),))


def _to_device(self, target, copy=False):
    """``self`` on ``target``: the same tensor when it already lives there (as PyTorch),
    else a copy recorded as PyTorch's ToCopyBackward0 (see ``device_table.py``)."""
    target = _device.normalize(target)
    if self.device == target and not copy:
        return self
    moved = apply(OPS["to_device"], (self,), (("source", str(self.device)),))
    moved._place(_device.place(moved._value, target))
    return moved


@export()
def clone(input, *, memory_format=None):
    _layout.check_layout_request(input.shape, memory_format, "clone")
    return apply(OPS["clone"], (input,))


def _legacy_new(self, *args, **kwargs):
    return tensor_new(self, *args, **kwargs)


METHODS["new"] = _legacy_new  # x.new(2, 3): the legacy constructor of x's type


@export(inplace=True, out=True)
def addcmul(input, tensor1, tensor2, *, value=1):
    return apply(OPS["addcmul"], (input, tensor1, tensor2, _scalar(value)))


@export(inplace=True, out=True)
def addcdiv(input, tensor1, tensor2, *, value=1):
    return apply(OPS["addcdiv"], (input, tensor1, tensor2, _scalar(value)))


@export(inplace=True, out=True)
def logit(input, eps=None):
    return apply(OPS["logit"], (input,), (("eps", eps),))


@export(inplace=True, out=True)
def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    return apply(
        OPS["nan_to_num"], (input,), (("nan", nan), ("posinf", posinf), ("neginf", neginf))
    )
