"""THE op table: every differentiable op, defined once.

Each ``Op(...)`` is one entry, like one op of PyTorch's ``native_functions.yaml`` together with its
``derivatives.yaml`` line.  Its fields (see ``core.Op``):

  name          PyTorch's function name (``"add"``); several entries may share a name when PyTorch
                has several overloads with different grad nodes (``pow`` -> PowBackward0/1/2)
  impl          a pure JAX function of the (already promoted) operand values and static keywords;
                the gradient is ``jax.vjp`` of it: this table never writes a derivative
  node          PyTorch's grad-node class name (``"ExpBackward0"``), None for ops without gradient
  promote       "arith" (``torch.result_type``), "float" (integers become the default float dtype)
                or None (operands pass through unchanged); ``promote_idx`` limits it to some operands
  saved         PyTorch's ``_saved_<name>`` attributes -> operand index, static keyword, "result",
                ("scalar", i) for a Python number, ("if", i, j) for "only if operand j needs grad"
  linear        the backward needs no operand values, so the graph keeps none alive (add, view …)
  edges         how many leading operands appear in ``next_functions`` (None: all)
  view          results share operand 0's storage (``_storage.py``)
  variants      the public forms the entry generates (``core.Variants``): ``torch.X``,
                ``Tensor.X``, ``Tensor.X_``, ``torch.X(..., out=)`` and aliases.  With
                ``form="unary"``/``"binary"`` the signature comes from the entry itself, so an
                elementwise op is this one entry; entries without ``variants`` are kernels that
                hand-written signatures (``_ops/frontend.py``, which declares the same flags) call.

Adding an elementwise op with its node name is one line in ``_FLOAT_UNARY`` (or its siblings).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import jax
import jax.numpy as jnp
from jax import lax

from .core import Op, Variants

SELF = {"self": 0}
SELF_OTHER = {"self": ("if", 0, 1), "other": ("if", 1, 0)}
RESULT = {"result": "result"}

# ---------------------------------------------------------------------------------- unary
_FLOAT_UNARY = {
    # name: (impl, node, saved)
    "exp": (jnp.exp, "ExpBackward0", RESULT),
    "exp2": (jnp.exp2, "Exp2Backward0", RESULT),
    "log": (jnp.log, "LogBackward0", SELF),
    "log2": (jnp.log2, "Log2Backward0", SELF),
    "log10": (jnp.log10, "Log10Backward0", SELF),
    "log1p": (jnp.log1p, "Log1PBackward0", SELF),
    "expm1": (jnp.expm1, "Expm1Backward0", RESULT),
    "sqrt": (jnp.sqrt, "SqrtBackward0", RESULT),
    "rsqrt": (lax.rsqrt, "RsqrtBackward0", RESULT),
    "sin": (jnp.sin, "SinBackward0", SELF),
    "cos": (jnp.cos, "CosBackward0", SELF),
    "tan": (jnp.tan, "TanBackward0", RESULT),
    "asin": (jnp.arcsin, "AsinBackward0", SELF),
    "acos": (jnp.arccos, "AcosBackward0", SELF),
    "atan": (jnp.arctan, "AtanBackward0", SELF),
    "sinh": (jnp.sinh, "SinhBackward0", SELF),
    "cosh": (jnp.cosh, "CoshBackward0", SELF),
    "tanh": (jnp.tanh, "TanhBackward0", RESULT),
    "sigmoid": (jax.nn.sigmoid, "SigmoidBackward0", RESULT),
    "reciprocal": (lambda x: 1 / x, "ReciprocalBackward0", RESULT),
    "erf": (jax.scipy.special.erf, "ErfBackward0", SELF),
    "sinc": (jnp.sinc, "SincBackward0", SELF),
    "asinh": (jnp.arcsinh, "AsinhBackward0", SELF),
    "acosh": (jnp.arccosh, "AcoshBackward0", SELF),
    "atanh": (jnp.arctanh, "AtanhBackward0", SELF),
    "i0": (jax.scipy.special.i0, "I0Backward0", SELF),
}


def _abs(x):
    # |x| as x*sign(x) so the derivative at 0 is sign(0) = 0, as in PyTorch
    if jnp.issubdtype(x.dtype, jnp.floating):
        return jnp.where(x == 0, jnp.zeros((), x.dtype), x * jnp.sign(x))
    return jnp.abs(x)


_SAME_UNARY = {
    "neg": (jnp.negative, "NegBackward0", {}),
    "abs": (_abs, "AbsBackward0", SELF),
    # x <= 0 -> 0, else x: NaN passes through (and takes the gradient), as PyTorch's relu
    "relu": (lambda x: jnp.where(x <= 0, jnp.zeros((), x.dtype), x), "ReluBackward0", RESULT),
    "floor": (jnp.floor, "FloorBackward0", {}),
    "ceil": (jnp.ceil, "CeilBackward0", {}),
    "trunc": (jnp.trunc, "TruncBackward0", {}),
    "sign": (jnp.sign, "SignBackward0", {}),
}

# PyTorch's other public names for the same op (every form: arcsin, Tensor.arcsin, arcsin_)
ALIASES = {
    "asin": ("arcsin",),
    "acos": ("arccos",),
    "atan": ("arctan",),
    "asinh": ("arcsinh",),
    "acosh": ("arccosh",),
    "atanh": ("arctanh",),
    "neg": ("negative",),
    "abs": ("absolute",),
    "trunc": ("fix",),
    "atan2": ("arctan2",),
    "gt": ("greater",),
    "ge": ("greater_equal",),
    "lt": ("less",),
    "le": ("less_equal",),
    "ne": ("not_equal",),
}


def _forms(form, name, inplace=True, out=True, scalar_sides=None):
    return Variants(
        form, inplace=inplace, out=out, aliases=ALIASES.get(name, ()), scalar_sides=scalar_sides
    )


OPS: dict[str, Op] = {}
_impl: Any  # the loops below bind JAX functions of different arities
for _name, (_impl, _node, _saved) in _FLOAT_UNARY.items():
    OPS[_name] = Op(
        _name, _impl, _node, promote="float", saved=_saved, variants=_forms("unary", _name)
    )
for _name, (_impl, _node, _saved) in _SAME_UNARY.items():
    OPS[_name] = Op(
        _name, _impl, _node, saved=_saved, variants=_forms("unary", _name, out=_name != "relu")
    )


def _round_impl(x):
    # PyTorch rounds half to even, like jnp.round.
    return jnp.round(x) if jnp.issubdtype(x.dtype, jnp.inexact) else x


def _round_decimals_impl(x, *, decimals):
    scale = 10.0**decimals
    return jnp.round(x * scale) / scale


OPS["round"] = Op("round", _round_impl, "RoundBackward0")
OPS["round_decimals"] = Op(
    "round", _round_decimals_impl, "RoundBackward1", saved={"decimals": "decimals"}
)


def _floor_divide(a, b):
    q = jnp.floor_divide(a, b)
    if jnp.issubdtype(q.dtype, jnp.floating):
        # a float division by zero is +-inf (nan for 0 / 0), as PyTorch; JAX 0.4.x gives nan
        q = jnp.where(b == 0, a / b, q)
    return q


OPS["floor_divide"] = Op("floor_divide", _floor_divide, None, promote="arith")


# ---------------------------------------------------------------------------------- binary
def _add(a, b, *, alpha=1):
    return a + b if alpha == 1 else a + b * alpha


def _sub(a, b, *, alpha=1):
    return a - b if alpha == 1 else a - b * alpha


def _rsub(a, b, *, alpha=1):
    return b - a if alpha == 1 else b - a * alpha


@jax.custom_jvp
def exact_divide(a, b):
    """a / b, correctly rounded like PyTorch's.  XLA on CPU turns a division by a broadcast
    value into a multiplication by its reciprocal (off by one ulp for ~20-35% of elements, so
    ``torch.arange(25.) / 10`` would print differently); materialising the divisor keeps it a
    true elementwise division.  (A constant divisor is folded the same way, so the barrier is
    unconditional.)"""
    shape = jnp.broadcast_shapes(jnp.shape(a), jnp.shape(b))
    return a / lax.optimization_barrier(jnp.broadcast_to(b, shape))


@exact_divide.defjvp
def _exact_divide_jvp(primals, tangents):
    # written out because older JAX (0.4.x) has no differentiation rule for the barrier
    a, b = primals
    ta, tb = tangents
    out = exact_divide(a, b)
    return out, ta / b - tb * (out / b)


@jax.custom_jvp
def opaque(x):
    """``x``, hidden from XLA's algebraic simplifier, which would rewrite ``(a / b) / c`` as
    ``a / (b * c)`` (another rounding) where PyTorch divides twice."""
    return lax.optimization_barrier(x)


@opaque.defjvp
def _opaque_jvp(primals, tangents):
    # (older JAX has no differentiation rule for the barrier; the tangent passes through)
    return opaque(primals[0]), tangents[0]


def _div(a, b, *, rounding_mode=None):
    if rounding_mode is None:
        return exact_divide(a, b)
    if rounding_mode == "floor":
        return jnp.floor_divide(a, b)
    q = a / b if jnp.issubdtype(a.dtype, jnp.inexact) else lax.div(a, b)
    return jnp.trunc(q) if jnp.issubdtype(q.dtype, jnp.inexact) else q


def _remainder(a, b):
    return jnp.remainder(a, b)


ALPHA = {"alpha": "alpha"}
ALPHA_DEFAULT = {"alpha": 1}
OPS["add"] = Op(
    "add",
    _add,
    "AddBackward0",
    promote="arith",
    linear=True,
    saved=ALPHA,
    saved_defaults=ALPHA_DEFAULT,
)
OPS["sub"] = Op(
    "sub",
    _sub,
    "SubBackward0",
    promote="arith",
    linear=True,
    saved=ALPHA,
    saved_defaults=ALPHA_DEFAULT,
)


# a half/bfloat16 ``add(a, b, alpha=)`` of two tensors: PyTorch's kernel rounds alpha and
# ``b * alpha`` to the tensor's dtype before adding, where float32 math would round only once
# (bf16 1 - 0.99 * 1 is 0.01171875 in PyTorch); so these entries compute in the dtype itself
def _add_rounded(a, b, *, alpha):
    return a + b * jnp.asarray(alpha, b.dtype)


def _sub_rounded(a, b, *, alpha):
    return a - b * jnp.asarray(alpha, b.dtype)


for _name, _impl, _node in (
    ("add", _add_rounded, "AddBackward0"),
    ("sub", _sub_rounded, "SubBackward0"),
):
    OPS[f"{_name}_rounded_alpha"] = Op(
        _name,
        _impl,
        _node,
        promote="arith",
        linear=True,
        saved=ALPHA,
        saved_defaults=ALPHA_DEFAULT,
        opmath=False,
    )
OPS["rsub"] = Op(
    "rsub",
    _rsub,
    "RsubBackward1",
    promote="arith",
    linear=True,
    saved=ALPHA,
    saved_defaults=ALPHA_DEFAULT,
    edges=1,
)


def _mul(a, b, bool_operand=None):
    """``x * mask`` with a bool ``mask``: XLA rewrites a product with a converted bool into a
    select of ``x`` or 0, which gives 0 where PyTorch's product gives -0 (negative ``x``) and
    nan (``x`` inf or nan). ``x * 0`` keeps those, so the select takes it in masked places."""
    if bool_operand is None:
        return jnp.multiply(a, b)
    x, mask = (b, a) if bool_operand == 0 else (a, b)
    return jnp.where(mask != 0, x, x * 0)


OPS["mul"] = Op("mul", _mul, "MulBackward0", promote="arith", saved=SELF_OTHER)
DIV_SAVED = {"self": ("if", 0, 1), "other": 1}
OPS["div"] = Op("div", _div, "DivBackward0", promote="float", saved=DIV_SAVED)
OPS["div_mode"] = Op("div", _div, "DivBackward0", promote="arith", saved=DIV_SAVED)


# A half/bfloat16 tensor times (or over) a Python float or a 0-d float32/float64 tensor:
# PyTorch's CPU kernel reads that number in float32 ("opmath"), computes in float32 and rounds
# once, where converting it to the tensor's dtype first rounds the number too (bf16 7 * 3.4445
# is 24.125 in PyTorch, 24.0 with 3.4445 rounded to 3.4375). Only the tensor takes part in
# promotion, so the number reaches the function as it was; the float32 math is the entry's
# opmath.
def _mul_wrapped(a, b):
    return a * lax.convert_element_type(b, a.dtype)


def _div_wrapped(a, b):
    return exact_divide(a, lax.convert_element_type(b, a.dtype))


OPS["mul_wrapped"] = Op(
    "mul", _mul_wrapped, "MulBackward0", promote="arith", promote_idx=(0,), saved=SELF_OTHER
)
OPS["div_wrapped"] = Op(
    "div", _div_wrapped, "DivBackward0", promote="float", promote_idx=(0,), saved=DIV_SAVED
)
OPS["remainder"] = Op("remainder", _remainder, "RemainderBackward0", promote="arith")
OPS["fmod"] = Op("fmod", jnp.fmod, "FmodBackward0", promote="arith")
# with a Tensor divisor PyTorch runs the .Tensor overload: another node, which saves both
# operands for the divisor's gradient
_FMOD_SAVED = {"self": ("if", 0, 1), "other": ("if", 1, 1)}
OPS["remainder_tensor"] = Op(
    "remainder", _remainder, "RemainderBackward1", promote="arith", saved=_FMOD_SAVED
)
OPS["fmod_tensor"] = Op("fmod", jnp.fmod, "FmodBackward1", promote="arith", saved=_FMOD_SAVED)
OPS["atan2"] = Op(
    "atan2",
    jnp.arctan2,
    "Atan2Backward0",
    promote="float",
    saved=SELF_OTHER,
    variants=_forms("binary", "atan2"),
)
OPS["maximum"] = Op("maximum", jnp.maximum, "MaximumBackward0", promote="arith", saved=SELF_OTHER)


@jax.custom_jvp
def _copysign(a, b):
    return jnp.copysign(a, b)


@_copysign.defjvp
def _copysign_jvp(primals, tangents):
    # PyTorch's CopysignBackward: grad * result / self, zero where self == 0 (so NaN at
    # self = +-inf, as PyTorch); ``other`` gets a zero gradient
    a, b = primals
    out = jnp.copysign(a, b)
    ratio = jnp.where(a == 0, jnp.zeros((), out.dtype), out / jnp.where(a == 0, 1, a))
    return out, tangents[0] * ratio


OPS["copysign"] = Op(
    "copysign",
    _copysign,
    "CopysignBackward0",
    promote="float",
    saved={"self": 0, "result": "result"},
)
OPS["copysign_scalar"] = Op(
    "copysign",
    _copysign,
    "CopysignBackward1",
    promote="float",
    edges=1,
    saved={"self": 0, "result": "result"},
)
OPS["bitwise_left_shift"] = Op("bitwise_left_shift", jnp.left_shift, None, promote="arith")
OPS["bitwise_right_shift"] = Op("bitwise_right_shift", jnp.right_shift, None, promote="arith")
OPS["gcd"] = Op("gcd", jnp.gcd, None, promote="arith")
OPS["lcm"] = Op("lcm", jnp.lcm, None, promote="arith")


@jax.custom_jvp
def _exp2_exact(e):
    # 2 ** e exactly for integral e (XLA's exp2 is off by ulps: exp2(30.) != 2**30)
    whole = (e == jnp.round(e)) & (jnp.abs(e) < 2000)
    pow2 = jnp.ldexp(jnp.ones_like(e), jnp.where(whole, e, 0).astype(jnp.int32))
    return jnp.where(whole, pow2, jnp.exp2(e))


@_exp2_exact.defjvp
def _exp2_exact_jvp(primals, tangents):
    out = _exp2_exact(primals[0])
    return out, tangents[0] * out * math.log(2.0)


OPS["ldexp"] = Op(
    "ldexp",
    lambda a, b: a * _exp2_exact(b),
    "LdexpBackward0",
    promote="float",
    saved={"other": 1, "result": "result"},
)


def _frexp(x):
    # the mantissa as x * 2**-exponent, so its gradient is grad / exponent.exp2() (PyTorch's)
    exponent = jnp.frexp(lax.stop_gradient(x))[1].astype(jnp.int32)
    finite = jnp.isfinite(x)
    exponent = jnp.where(finite, exponent, 0)
    mantissa = jnp.where(finite, x * _exp2_exact(-exponent.astype(x.dtype)), x)
    return mantissa, exponent


OPS["frexp"] = Op("frexp", _frexp, "FrexpBackward0")

OPS["minimum"] = Op("minimum", jnp.minimum, "MinimumBackward0", promote="arith", saved=SELF_OTHER)


@jax.custom_jvp
def _pow_real(base, exponent):
    return jnp.power(base, exponent)


@_pow_real.defjvp
def _pow_real_jvp(primals, tangents):
    # PowBackward1/2's formulas, which differ from JAX's at a zero base: the exponent's
    # gradient is 0 only where base == 0 and exponent >= 0 (0 ** -0.3 gives -inf, where JAX
    # gives 0), and the base's is exactly 0 for a zero exponent
    base, exponent = primals
    t_base, t_exponent = tangents
    out = jnp.power(base, exponent)
    zero = jnp.zeros((), out.dtype)
    d_base = jnp.where(exponent == 0, zero, exponent * jnp.power(base, exponent - 1))
    d_exponent = jnp.where((base == 0) & (exponent >= 0), zero, out * jnp.log(base))
    return out, t_base * d_base + t_exponent * d_exponent


def _pow(base, exponent):
    if jnp.issubdtype(jnp.result_type(base), jnp.floating):
        return _pow_real(base, exponent)
    if jnp.issubdtype(jnp.result_type(exponent), jnp.signedinteger):
        return _int_pow(base, exponent)
    return jnp.power(base, exponent)


def _int_pow(base, exponent):
    # an integer to a negative integer power, as PyTorch's CPU kernel: 1 ** -n is 1, (-1) ** -n
    # is +-1 by parity and anything else truncates to 0 (XLA's integer pow has no such case)
    negative = exponent < 0
    out = jnp.power(base, jnp.where(negative, jnp.zeros((), exponent.dtype), exponent))
    one = jnp.ones((), out.dtype)
    small = jnp.where(
        base == 1,
        one,
        jnp.where(base == -1, jnp.where(exponent % 2 == 0, one, -one), jnp.zeros((), out.dtype)),
    )
    return jnp.where(negative, small, out)


def _pow_scalar_base(exponent, base):
    return _pow(base, exponent)


def _pow_special_cases(base, exponent):
    # PyTorch's CPU kernel computes these exponents by multiplication, sqrt or division (x ** 3 is
    # x * x * x, x ** -2 is 1 / (x * x)); its std::pow/XLA's pow differ from them in the last bit
    # (and pow_out itself takes 1 as a copy: x.pow(1) is x, which the backward of x ** 2 reads)
    cases = [
        lambda x: jnp.power(x, exponent),
        lambda x: x * x,
        lambda x: x * x * x,
        jnp.sqrt,
        lambda x: 1 / jnp.sqrt(x),
        lambda x: 1 / x,
        lambda x: 1 / (x * x),
        lambda x: x,
    ]
    which = jnp.select([exponent == e for e in (2, 3, 0.5, -0.5, -1, -2, 1)], jnp.arange(1, 8), 0)
    return lax.switch(which, cases, base)


@jax.custom_jvp
def _pow_float_scalar(base, exponent):
    return _pow_special_cases(base, exponent)


@_pow_float_scalar.defjvp
def _pow_float_scalar_jvp(primals, tangents):
    # PowBackward0's formula, grad * (exponent * self.pow(exponent - 1)), so that the gradient
    # goes through the same special cases (and is exactly zero for exponent 0)
    base, exponent = primals
    slope = jnp.where(
        exponent == 0, jnp.zeros((), base.dtype), exponent * _pow_special_cases(base, exponent - 1)
    )
    return _pow_float_scalar(base, exponent), tangents[0] * slope


def _pow_tensor_scalar(base, exponent):
    # (PyTorch's kernel takes the same special exponents for complex bases: (1+1j) ** 2 is 2j
    # exactly, where a complex pow through exp and log gives 1.2e-16+2j)
    if jnp.issubdtype(base.dtype, jnp.floating) or jnp.issubdtype(base.dtype, jnp.complexfloating):
        return _pow_float_scalar(base, exponent.astype(base.dtype))
    return jnp.power(base, exponent)


OPS["pow_scalar"] = Op(
    "pow",
    _pow_tensor_scalar,
    "PowBackward0",
    promote="arith",
    edges=1,
    saved={"self": 0, "exponent": ("scalar", 1)},
)
OPS["pow"] = Op(
    "pow",
    _pow,
    "PowBackward1",
    promote="arith",
    saved={"self": 0, "exponent": 1, "result": "result"},
)
OPS["pow_scalar_base"] = Op(
    "pow",
    _pow_scalar_base,
    "PowBackward2",
    promote="arith",
    edges=1,
    saved={"self": ("scalar", 1), "exponent": 0, "result": "result"},
)

# comparisons and logical ops: computed in the promoted dtype, no gradient
for _name, _impl in {
    "eq": jnp.equal,
    "ne": jnp.not_equal,
    "lt": jnp.less,
    "le": jnp.less_equal,
    "gt": jnp.greater,
    "ge": jnp.greater_equal,
}.items():
    OPS[_name] = Op(_name, _impl, None, promote="arith", variants=_forms("binary", _name))
for _name, _impl in {
    "logical_and": jnp.logical_and,
    "logical_or": jnp.logical_or,
    "logical_xor": jnp.logical_xor,
}.items():
    OPS[_name] = Op(_name, _impl, None, variants=_forms("binary", _name))
OPS["logical_not"] = Op("logical_not", jnp.logical_not, None, variants=_forms("unary", ""))
# signatures in pointwise.py: PyTorch refuses floating operands by kernel name
for _name, _impl in {
    "bitwise_and": jnp.bitwise_and,
    "bitwise_or": jnp.bitwise_or,
    "bitwise_xor": jnp.bitwise_xor,
}.items():
    OPS[_name] = Op(_name, _impl, None, promote="arith")
OPS["bitwise_not"] = Op("bitwise_not", jnp.invert, None)
for _name, _impl in {
    "isnan": jnp.isnan,
    "isinf": jnp.isinf,
    "isfinite": jnp.isfinite,
    "signbit": jnp.signbit,
}.items():
    OPS[_name] = Op(
        _name, _impl, None, variants=_forms("unary", _name, inplace=False, out=_name == "signbit")
    )


def _clamp(x, lo, hi):
    # where() rather than maximum/minimum: the gradient at a bound is 1, as in PyTorch
    if lo is not None:
        x = jnp.where(x < lo, lo, x)
    if hi is not None:
        x = jnp.where(x > hi, hi, x)
    return x


OPS["clamp"] = Op(
    "clamp",
    _clamp,
    "ClampBackward1",
    promote="arith",
    edges=1,
    saved={"self": 0, "min": 1, "max": 2},
)
OPS["clamp_min"] = Op(
    "clamp_min",
    lambda x, lo: _clamp(x, lo, None),
    "ClampMinBackward0",
    promote="arith",
    edges=1,
    saved={"self": 0, "min": ("scalar", 1)},
)
OPS["clamp_max"] = Op(
    "clamp_max",
    lambda x, hi: _clamp(x, None, hi),
    "ClampMaxBackward0",
    promote="arith",
    edges=1,
    saved={"self": 0, "max": ("scalar", 1)},
)
OPS["clamp_tensor"] = Op(
    "clamp", _clamp, "ClampBackward0", promote="arith", saved={"self": 0, "min": 1, "max": 2}
)


def _where(x, y, cond):
    return jnp.where(cond, x, y)


OPS["where"] = Op(
    "where",
    _where,
    "WhereBackward0",
    promote="arith",
    promote_idx=(0, 1),
    edges=2,
    linear=True,
    saved={"condition": 2},
)


def _lerp(start, end, weight):
    # PyTorch's two-sided form (exact at both ends): from ``start`` for |weight| < 0.5, else
    # from ``end``; XLA contracts each side into one fma, as PyTorch's CPU kernel computes it
    diff = end - start
    small = jnp.abs(weight) < 0.5
    return jnp.where(small, start + weight * diff, end - diff * (1 - weight))


OPS["lerp"] = Op("lerp", _lerp, "LerpBackward0", promote="arith", edges=2, saved={"weight": 2})
OPS["lerp_tensor"] = Op(
    "lerp", _lerp, "LerpBackward1", promote="arith", saved={"self": 0, "end": 1, "weight": 2}
)


def _masked_fill(x, mask, value):
    return jnp.where(mask, jnp.asarray(value, x.dtype), x)


OPS["masked_fill"] = Op(
    "masked_fill", _masked_fill, "MaskedFillBackward0", edges=1, saved={"mask": 1}
)
OPS["masked_fill_tensor"] = Op(
    "masked_fill", _masked_fill, "MaskedFillBackward1", saved={"mask": 1}
)

# ---------------------------------------------------------------------------------- dtype/copy
# float -> integer conversion of values out of the target's range, as PyTorch's x86 CPU kernels
# give it: the value is truncated to int32 (int64 for uint8 and int64; NaN and out-of-range
# values become that type's minimum) and then wrapped to the target, where XLA saturates.
# ``(img * 1.5).byte()`` of an image wraps 258 to 2 in PyTorch, not to 255.
_FLOAT_TO_INT_VIA = {
    jnp.dtype(jnp.uint8): jnp.dtype(jnp.int64),
    jnp.dtype(jnp.int8): jnp.dtype(jnp.int32),
    jnp.dtype(jnp.int16): jnp.dtype(jnp.int32),
    jnp.dtype(jnp.int32): jnp.dtype(jnp.int32),
    jnp.dtype(jnp.int64): jnp.dtype(jnp.int64),
}


def cast(x, dtype):
    """``x.astype(dtype)`` with PyTorch's float -> integer conversion (above)."""
    via = _FLOAT_TO_INT_VIA.get(jnp.dtype(dtype))
    if via is None or not jnp.issubdtype(x.dtype, jnp.floating):
        return x.astype(dtype)
    bound = 2.0 ** (8 * via.itemsize - 1)
    wide = x if x.dtype.itemsize >= 4 else x.astype(jnp.float32)
    inside = (wide >= -bound) & (wide < bound)
    t = jnp.where(inside, jnp.where(inside, wide, 0).astype(via), jnp.iinfo(via).min)
    return t.astype(dtype)


# ToCopyBackward0 saves only the input's options, so a graph cast once (a float64 array made
# float32 with .float()) can be backpropagated through by every closure call of LBFGS
OPS["to"] = Op("to", lambda x, *, dtype: cast(x, dtype), "ToCopyBackward0", linear=True)
OPS["clone"] = Op(
    "clone", lambda x: x + 0 if x.dtype != jnp.bool_ else x, "CloneBackward0", linear=True
)


# ---------------------------------------------------------------------------------- reductions
def _on_0d(fn):
    """PyTorch lets a 0-d tensor be reduced or scanned along dim 0 (or -1) as if it had one
    element; JAX has no axis 0 there, so run ``fn`` on a one-element view and return 0-d."""

    @functools.wraps(fn)
    def wrapped(x, *args, dim=None, **kwargs):
        if x.ndim != 0 or dim is None:
            return fn(x, *args, dim=dim, **kwargs)
        one = (0,) * len(dim) if isinstance(dim, tuple) else 0
        out = fn(jnp.reshape(x, (1,)), *args, dim=one, **kwargs)
        return jax.tree_util.tree_map(lambda r: jnp.reshape(r, ()), out)

    return wrapped


def _acc_dtype(x, dtype):
    if dtype is not None:
        return dtype
    if jnp.issubdtype(x.dtype, jnp.integer) or x.dtype == jnp.bool_:
        return jnp.int64
    return x.dtype


def _axis(dim):
    """A reduction's ``dim`` for JAX: None and () both reduce every dim, as in PyTorch."""
    return None if dim == () else dim


@_on_0d
def _sum(x, *, dim=None, keepdim=False, dtype=None):
    return jnp.sum(x.astype(_acc_dtype(x, dtype)), axis=_axis(dim), keepdims=keepdim)


@_on_0d
def _prod(x, *, dim=None, keepdim=False, dtype=None):
    return jnp.prod(x.astype(_acc_dtype(x, dtype)), axis=dim, keepdims=keepdim)


@_on_0d
def _mean(x, *, dim=None, keepdim=False, dtype=None):
    if dtype is not None:
        x = x.astype(dtype)
    dim = _axis(dim)
    n = (
        x.size
        if dim is None
        else math.prod(x.shape[d] for d in (dim if isinstance(dim, tuple) else (dim,)))
    )
    return exact_divide(jnp.sum(x, axis=dim, keepdims=keepdim), jnp.asarray(n, x.dtype))


DIMS = {"dim": "dim", "keepdim": "keepdim"}
SIZES = {"self_sym_sizes": ("sizes", 0)}
NUMEL = {"self_sym_numel": ("numel", 0)}
OPS["sum"] = Op("sum", _sum, "SumBackward0", linear=True, saved=SIZES)
OPS["sum_dim"] = Op("sum", _sum, "SumBackward1", linear=True, saved={**DIMS, **SIZES})
OPS["mean"] = Op("mean", _mean, "MeanBackward0", linear=True, saved={**SIZES, **NUMEL})
OPS["mean_dim"] = Op("mean", _mean, "MeanBackward1", linear=True, saved={**DIMS, **SIZES, **NUMEL})
OPS["prod"] = Op("prod", _prod, "ProdBackward0", saved={"self": 0, "result": "result"})
OPS["prod_dim"] = Op("prod", _prod, "ProdBackward1", saved={"self": 0, "result": "result", **DIMS})


def _max_all(x):
    return jnp.max(x)


def _min_all(x):
    return jnp.min(x)


@_on_0d
def _max_dim(x, *, dim, keepdim=False):
    idx = jnp.argmax(x, axis=dim, keepdims=True)
    values = jnp.take_along_axis(x, idx, axis=dim)
    if not keepdim:
        values, idx = jnp.squeeze(values, dim), jnp.squeeze(idx, dim)
    return values, idx.astype(jnp.int64)


@_on_0d
def _min_dim(x, *, dim, keepdim=False):
    idx = jnp.argmin(x, axis=dim, keepdims=True)
    values = jnp.take_along_axis(x, idx, axis=dim)
    if not keepdim:
        values, idx = jnp.squeeze(values, dim), jnp.squeeze(idx, dim)
    return values, idx.astype(jnp.int64)


OPS["max"] = Op("max", _max_all, "MaxBackward1", saved={"self": 0, "result": "result"})
OPS["min"] = Op("min", _min_all, "MinBackward1", saved={"self": 0, "result": "result"})
OPS["max_dim"] = Op("max", _max_dim, "MaxBackward0", saved=DIMS)
OPS["min_dim"] = Op("min", _min_dim, "MinBackward0", saved=DIMS)
OPS["amax"] = Op(
    "amax",
    _on_0d(lambda x, *, dim, keepdim=False: jnp.max(x, axis=_axis(dim), keepdims=keepdim)),
    "AmaxBackward0",
    saved={"self": 0, "result": "result", **DIMS},
)
OPS["amin"] = Op(
    "amin",
    _on_0d(lambda x, *, dim, keepdim=False: jnp.min(x, axis=_axis(dim), keepdims=keepdim)),
    "AminBackward0",
    saved={"self": 0, "result": "result", **DIMS},
)
OPS["argmax"] = Op(
    "argmax",
    lambda x, *, dim=None, keepdim=False: jnp.argmax(x, axis=dim, keepdims=keepdim).astype(
        jnp.int64
    ),
    None,
)
OPS["argmin"] = Op(
    "argmin",
    lambda x, *, dim=None, keepdim=False: jnp.argmin(x, axis=dim, keepdims=keepdim).astype(
        jnp.int64
    ),
    None,
)


@_on_0d
def _var(x, *, dim=None, correction=1, keepdim=False):
    axes = tuple(range(x.ndim)) if dim is None else (dim if isinstance(dim, tuple) else (dim,))
    n = math.prod(x.shape[d] for d in axes)
    centered = x - _mean(x, dim=axes, keepdim=True)
    sq = jnp.sum(centered * centered, axis=axes, keepdims=keepdim)
    return exact_divide(sq, jnp.asarray(max(n - correction, 0), x.dtype))


def _std(x, *, dim=None, correction=1, keepdim=False):
    return jnp.sqrt(_var(x, dim=dim, correction=correction, keepdim=keepdim))


VAR_SAVED = {"self": 0, "correction": "correction", **DIMS}
OPS["var"] = Op("var", _var, "VarBackward0", saved=VAR_SAVED)
OPS["std"] = Op("std", _std, "StdBackward0", saved={**VAR_SAVED, "result": "result"})


def _safe_sqrt(s):
    # sqrt whose gradient at 0 is 0 (PyTorch's norm backward masks zero norms), not inf*0 = nan
    # (masked where s == 0 only: a nan or inf sum keeps its sqrt, as PyTorch's norm does)
    zero = s == 0
    return jnp.where(zero, 0, jnp.sqrt(jnp.where(zero, 1, s)))


def _vector_norm(x, *, ord=2, dim=None, keepdim=False):
    ax = _abs(x)
    if ord == 2:
        return _safe_sqrt(jnp.sum(ax * ax, axis=dim, keepdims=keepdim))
    if ord == float("inf"):
        return jnp.max(ax, axis=dim, keepdims=keepdim)
    if ord == -float("inf"):
        return jnp.min(ax, axis=dim, keepdims=keepdim)
    if ord == 0:
        return jnp.sum((x != 0).astype(x.dtype), axis=dim, keepdims=keepdim)
    if ord == 1:
        return jnp.sum(ax, axis=dim, keepdims=keepdim)
    total = jnp.sum(ax**ord, axis=dim, keepdims=keepdim)
    zero = total == 0
    return jnp.where(zero, 0, jnp.where(zero, 1, total) ** (1.0 / ord))


OPS["norm"] = Op(
    "norm",
    _vector_norm,
    "LinalgVectorNormBackward0",
    promote="float",
    saved={"self": 0, "result": "result", "ord": "ord", **DIMS},
)


def _low_precision_rule(forward, backward, x):
    """``forward(x)`` whose gradient is ``backward(x, out, grad)``: PyTorch's half/bfloat16
    kernels and backward formulas round where a float32 derivative of ``forward`` would not."""
    f = jax.custom_vjp(forward)

    def fwd(x):
        out = forward(x)
        return out, (x, out)

    f.defvjp(fwd, lambda res, g: (backward(*res, g),))
    return f(x)


def _round(v, low):
    return v.astype(low).astype(jnp.float32)


@_on_0d
def _logsumexp(x, *, dim, keepdim=False, low=None):
    if low is None:
        return jax.nn.logsumexp(x, axis=dim, keepdims=keepdim)
    # ``low``: the input is float16/bfloat16 (here in float32, opmath), and PyTorch's
    # logsumexp is composite: amax, (x - max).exp(), sum, log and + max, each rounded to it
    low, f32, out_dtype = jnp.dtype(low), jnp.float32, x.dtype

    def forward(x):
        xf = x.astype(f32)
        m = jnp.max(xf, axis=dim, keepdims=True)
        m = jnp.where(jnp.isinf(m), jnp.zeros((), f32), m)
        e = _round(jnp.exp(_round(xf - m, low)), low)
        log_s = _round(jnp.log(_round(jnp.sum(e, axis=dim, keepdims=keepdim), low)), low)
        return _round(log_s + (m if keepdim else jnp.squeeze(m, axis=dim)), low).astype(out_dtype)

    def backward(x, out, g):
        # grad * (self - result).exp(), op by op in the input's dtype
        if not keepdim:
            out, g = jnp.expand_dims(out, dim), jnp.expand_dims(g, dim)
        xf, out, g = x.astype(f32), out.astype(f32), _round(g, low)
        return (g * _round(jnp.exp(_round(xf - out, low)), low)).astype(x.dtype)

    return _low_precision_rule(forward, backward, x)


OPS["logsumexp"] = Op(
    "logsumexp",
    _logsumexp,
    "LogsumexpBackward0",
    promote="float",
    saved={"self": 0, "result": "result", **DIMS},
)


@_on_0d
def _cumsum(x, *, dim, dtype=None):
    return jnp.cumsum(x.astype(_acc_dtype(x, dtype)), axis=dim)


@_on_0d
def _cumprod(x, *, dim, dtype=None):
    return jnp.cumprod(x.astype(_acc_dtype(x, dtype)), axis=dim)


OPS["cumsum"] = Op("cumsum", _cumsum, "CumsumBackward0", linear=True, saved={"dim": "dim"})
OPS["cumprod"] = Op(
    "cumprod", _cumprod, "CumprodBackward0", saved={"self": 0, "result": "result", "dim": "dim"}
)


def _cum_extreme(x, dim, later_wins):
    """Running max/min with its index, as PyTorch's cummax/cummin: a later element wins ties
    (``>=``), and once a NaN is seen it stays (the index of the latest NaN)."""
    if x.shape[dim] == 0:
        return x, jnp.zeros(x.shape, jnp.int64)
    floating = jnp.issubdtype(x.dtype, jnp.inexact)
    idx = lax.broadcasted_iota(jnp.int64, x.shape, dim)

    def combine(a, b):
        (va, ia), (vb, ib) = a, b
        take_b = later_wins(vb, va)
        if floating:
            take_b = jnp.isnan(vb) | (~jnp.isnan(va) & take_b)
        return jnp.where(take_b, vb, va), jnp.where(take_b, ib, ia)

    _, indices = lax.associative_scan(combine, (lax.stop_gradient(x), idx), axis=dim)
    # values gathered at the indices, so the gradient flows to the chosen elements only
    return jnp.take_along_axis(x, indices, axis=dim), indices


@_on_0d
def _cummax(x, *, dim):
    return _cum_extreme(x, dim, lambda new, old: new >= old)


@_on_0d
def _cummin(x, *, dim):
    return _cum_extreme(x, dim, lambda new, old: new <= old)


@_on_0d
def _logcumsumexp(x, *, dim):
    if x.shape[dim] == 0:
        return x
    return lax.cumlogsumexp(x, axis=dim)


OPS["cummax"] = Op("cummax", _cummax, "CummaxBackward0", saved={"self": 0, "dim": "dim"})
OPS["cummin"] = Op("cummin", _cummin, "CumminBackward0", saved={"self": 0, "dim": "dim"})
OPS["logcumsumexp"] = Op(
    "logcumsumexp",
    _logcumsumexp,
    "LogcumsumexpBackward0",
    promote="float",
    saved={"self": 0, "result": "result", "dim": "dim"},
)


def _sort(x, *, dim, descending, stable):
    key = -x if descending and jnp.issubdtype(x.dtype, jnp.inexact) else x
    idx = jnp.argsort(
        key,
        axis=dim,
        stable=True,
        descending=descending and not jnp.issubdtype(x.dtype, jnp.inexact),
    )
    return jnp.take_along_axis(x, idx, axis=dim), idx.astype(jnp.int64)


def _topk(x, *, k, dim, largest, sorted):
    values, idx = _sort(x, dim=dim, descending=largest, stable=True)
    return (lax.slice_in_dim(values, 0, k, axis=dim), lax.slice_in_dim(idx, 0, k, axis=dim))


OPS["sort"] = Op("sort", _sort, "SortBackward0", saved={"dim": "dim"})
OPS["topk"] = Op("topk", _topk, "TopkBackward0", saved={"dim": "dim"})
OPS["all"] = Op(
    "all",
    _on_0d(lambda x, *, dim=None, keepdim=False: jnp.all(x, axis=dim, keepdims=keepdim)),
    None,
)
OPS["any"] = Op(
    "any",
    _on_0d(lambda x, *, dim=None, keepdim=False: jnp.any(x, axis=dim, keepdims=keepdim)),
    None,
)


@_on_0d
def _softmax(x, *, dim, dtype=None):
    if dtype is not None:
        x = x.astype(dtype)
    if x.size == 0:  # no max to subtract (the shape is static under jit)
        return x
    e = jnp.exp(x - lax.stop_gradient(jnp.max(x, axis=dim, keepdims=True)))
    return exact_divide(e, jnp.sum(e, axis=dim, keepdims=True))


@_on_0d
def _log_softmax(x, *, dim, dtype=None, low=None):
    if dtype is not None:
        x = x.astype(dtype)
    if low is None:
        return jax.nn.log_softmax(x, axis=dim)
    # ``low``: the kernel's dtype is float16/bfloat16 (the values here may be float32, opmath)
    low, f32, out_dtype = jnp.dtype(low), jnp.float32, x.dtype

    def forward(x):
        xf = x.astype(f32)
        if dim != x.ndim - 1:  # the other-dims kernel computes in float32, rounding once
            return _round(jax.nn.log_softmax(xf, axis=dim), low).astype(out_dtype)
        # the last-dim kernel keeps each row's sum of exponentials, and its log, in the
        # kernel's dtype before x - max - log(sum)
        m = jnp.max(xf, axis=dim, keepdims=True)
        total = _round(jnp.sum(jnp.exp(xf - m), axis=dim, keepdims=True), low)
        return _round(xf - m - _round(jnp.log(total), low), low).astype(out_dtype)

    def backward(x, out, g):
        # grad - exp(output) * sum(grad), in float32 from the rounded output, rounded once
        gf = g.astype(f32)
        grad = gf - jnp.exp(out.astype(f32)) * jnp.sum(gf, axis=dim, keepdims=True)
        return _round(grad, low).astype(x.dtype)

    return _low_precision_rule(forward, backward, x)


OPS["softmax"] = Op(
    "softmax", _softmax, "SoftmaxBackward0", saved={"dim": "dim", "result": "result"}
)
OPS["log_softmax"] = Op(
    "log_softmax",
    _log_softmax,
    "LogSoftmaxBackward0",
    saved={"dim": "dim", "result": "result"},
)

# ---------------------------------------------------------------------------------- linear algebra
# float32 matmul precision: JAX's default, which torchlike keeps at PyTorch's setting
# (full float32 unless torch.set_float32_matmul_precision says otherwise; _config.py)
_MATMUL = None


def _matmul(a, b):
    # full float32 precision, as PyTorch's matmuls (XLA's default may use reduced passes)
    return jnp.matmul(a, b, precision=_MATMUL)


OPS["mm"] = Op(
    "mm",
    _matmul,
    "MmBackward0",
    promote="arith",
    saved={"self": 0, "mat2": 1},
)
OPS["bmm"] = Op(
    "bmm",
    _matmul,
    "BmmBackward0",
    promote="arith",
    saved={"self": 0, "mat2": 1},
)
OPS["mv"] = Op(
    "mv",
    _matmul,
    "MvBackward0",
    promote="arith",
    saved={"self": 0, "vec": 1},
)
OPS["dot"] = Op(
    "dot",
    lambda a, b: jnp.dot(a, b, precision=_MATMUL),
    "DotBackward0",
    promote="arith",
    saved={"self": 0, "tensor": 1},
)
# Batched/broadcast matmul: PyTorch reshapes around bmm/mm and shows UnsafeViewBackward0 on top.
OPS["matmul_nd"] = Op(
    "matmul",
    _matmul,
    "UnsafeViewBackward0",
    promote="arith",
)


def _addmm(c, a, b, *, beta=1, alpha=1):
    if a.dtype in (jnp.bfloat16, jnp.float16):
        # PyTorch's low-precision addmm accumulates product and bias in float32, rounding once
        f32 = jnp.float32
        prod = jnp.matmul(a, b, precision=_MATMUL, preferred_element_type=f32)
        return (beta * c.astype(f32) + alpha * prod).astype(a.dtype)
    return beta * c + alpha * jnp.matmul(a, b, precision=_MATMUL)


OPS["addmm"] = Op(
    "addmm",
    _addmm,
    "AddmmBackward0",
    promote="arith",
    saved={"mat1": 1, "mat2": 2, "alpha": "alpha", "beta": "beta"},
)


def _einsum(*operands, equation):
    return jnp.einsum(equation, *operands, precision=_MATMUL)


# PyTorch's einsum is a composite whose top node is ViewBackward0; torchlike records one node
# with that name (the intermediate permute/bmm nodes are not reproduced).
OPS["einsum"] = Op("einsum", _einsum, "ViewBackward0", promote="arith")


# ---------------------------------------------------------------------------------- shapes
def _reshape(x, *, shape):
    return jnp.reshape(x, shape)


OPS["view"] = Op("view", _reshape, "ViewBackward0", linear=True, saved=SIZES, view=True)
OPS["unsafe_view"] = Op("view", _reshape, "UnsafeViewBackward0", linear=True)
OPS["squeeze"] = Op(
    "squeeze", lambda x, *, shape: jnp.reshape(x, shape), "SqueezeBackward0", linear=True, view=True
)
OPS["squeeze_dim"] = Op(
    "squeeze",
    lambda x, *, shape, dim: jnp.reshape(x, shape),
    "SqueezeBackward1",
    linear=True,
    saved={"dim": "dim"},
    view=True,
)
OPS["squeeze_dims"] = Op(
    "squeeze",
    lambda x, *, shape, dim: jnp.reshape(x, shape),
    "SqueezeBackward2",
    linear=True,
    saved={"dim": "dim"},
    view=True,
)
OPS["unsqueeze"] = Op(
    "unsqueeze",
    lambda x, *, dim: jnp.expand_dims(x, dim),
    "UnsqueezeBackward0",
    linear=True,
    saved={"dim": "dim"},
    view=True,
)
OPS["permute"] = Op(
    "permute",
    lambda x, *, dims: jnp.transpose(x, dims),
    "PermuteBackward0",
    linear=True,
    saved={"dims": "dims"},
    view=True,
)
OPS["alias"] = Op("alias", lambda x: x, "AliasBackward0", linear=True, view=True)  # identity view
OPS["transpose"] = Op(
    "transpose",
    lambda x, *, dim0, dim1: x if x.ndim == 0 else jnp.swapaxes(x, dim0, dim1),
    "TransposeBackward0",
    linear=True,
    saved={"dim0": "dim0", "dim1": "dim1"},
    view=True,
)
OPS["t"] = Op("t", lambda x: jnp.transpose(x), "TBackward0", linear=True, view=True)
OPS["expand"] = Op(
    "expand",
    lambda x, *, shape: jnp.broadcast_to(x, shape),
    "ExpandBackward0",
    linear=True,
    saved=SIZES,
    view=True,
)
OPS["repeat"] = Op(
    "repeat",
    lambda x, *, repeats: jnp.tile(x, repeats),
    "RepeatBackward0",
    linear=True,
    saved={"repeats": "repeats"},
)
OPS["cat"] = Op(
    "cat",
    lambda *xs, dim: jnp.concatenate(xs, axis=dim),
    "CatBackward0",
    promote="arith",
    linear=True,
    saved={"dim": "dim"},
    parts="cat",
)
OPS["stack"] = Op(
    "stack",
    lambda *xs, dim: jnp.stack(xs, axis=dim),
    "StackBackward0",
    promote="arith",
    linear=True,
    saved={"dim": "dim"},
    parts="stack",
)


def _split(x, *, sizes, dim, split_size=None):
    bounds = []
    acc = 0
    for s in sizes[:-1]:
        acc += s
        bounds.append(acc)
    return tuple(jnp.split(x, bounds, axis=dim))


OPS["split"] = Op(
    "split",
    _split,
    "SplitBackward0",
    linear=True,
    saved={"dim": "dim", "split_size": "split_size"},
    view=True,
)
OPS["split_with_sizes"] = Op(
    "split",
    _split,
    "SplitWithSizesBackward0",
    linear=True,
    saved={"dim": "dim", "split_sizes": "sizes"},
    view=True,
)
OPS["unbind"] = Op(
    "unbind",
    lambda x, *, dim: tuple(jnp.moveaxis(x, dim, 0)[i] for i in range(x.shape[dim])),
    "UnbindBackward0",
    linear=True,
    saved={"dim": "dim"},
    view=True,
)


# Slice starts, select indices and roll shifts are traced operands, not static arguments, so
# ``data[i:i + 8]`` for a thousand different ``i`` runs one executable.  They arrive as the user
# wrote them (negative, or past the end for slices, exactly as PyTorch saves them); the impl
# wraps and clamps them against the static size.  Only the slice *length* is static.
def _wrapped(i, n):
    return jnp.where(i < 0, i + n, i)


def _select(x, index, *, dim):
    return lax.dynamic_index_in_dim(x, _wrapped(index, x.shape[dim]), axis=dim, keepdims=False)


def _slice(x, start, *, dim, length, step, span):
    if length == 0:
        return lax.slice_in_dim(x, 0, 0, axis=dim)
    n = x.shape[dim]
    start = jnp.clip(_wrapped(start, n), 0, n)
    # a strided slice: the covering contiguous run (start traced), then a static stride
    out = lax.dynamic_slice_in_dim(x, start, (length - 1) * step + 1, axis=dim)
    return out if step == 1 else lax.slice_in_dim(out, 0, None, step, axis=dim)


def _symint(v):
    # PyTorch reads a saved negative SymInt back as an unsigned 64-bit integer
    return v % (1 << 64) if v < 0 else v


def _saved_symint(k):
    return property(lambda node: _symint(node._saved_value(k)))


OPS["select"] = Op(
    "select",
    _select,
    "SelectBackward0",
    linear=True,
    edges=1,
    saved={"dim": "dim", "index": ("scalar", 1), **SIZES},
    view=True,
)
OPS["slice"] = Op(
    "slice",
    _slice,
    "SliceBackward0",
    linear=True,
    edges=1,
    saved={"dim": "dim", "start": ("scalar", 1), "step": "step", **SIZES},
    view=True,
)
OPS["select"].node_cls._saved_index = _saved_symint(1)
OPS["slice"].node_cls._saved_start = _saved_symint(1)


def _saved_slice_end(node):
    span = dict(node._static[1])["span"]
    return (1 << 63) - 1 if span is None else _symint(node._saved_value(1) + span)


OPS["slice"].node_cls._saved_end = property(_saved_slice_end)


def _decode_index(spec, indices):
    """The index tuple from a hashable ``spec``: per position ("t",) an index tensor (taken from
    ``indices`` in order), ("slice", start, stop, step), ("none",), ("ellipsis",),
    ("int", i) or ("bool", b) — hashable, so it can be a static argument."""
    it = iter(indices)
    decoded = {
        "t": lambda item: next(it),
        "slice": lambda item: slice(*item[1:]),
        "none": lambda item: None,
        "ellipsis": lambda item: Ellipsis,
        "int": lambda item: item[1],
        "bool": lambda item: item[1],
    }
    return tuple(decoded[item[0]](item) for item in spec)


def _bool_dims(x, items):
    """PyTorch's 0-d boolean index (``x[True]``, ``x[mask]`` of a 0-d ``mask``): ``x`` gets a
    new dimension there, indexed by [0] (True) or [] (False) as an advanced index.  (JAX's
    own reading of a bool next to a None gives other shapes.)  Returns (x, items)."""
    if not any(type(i) is bool for i in items):
        return x, items
    n_real = sum(1 for i in items if i is not None and i is not Ellipsis and type(i) is not bool)
    spanned = max(x.ndim - n_real, 0)  # the dimensions an Ellipsis stands for
    out, dim = [], 0
    for i in items:
        if type(i) is bool:
            x = jnp.expand_dims(x, dim)
            out.append(jnp.zeros((1 if i else 0,), jnp.int32))
            dim += 1
        else:
            out.append(i)
            if i is Ellipsis:
                dim += spanned
            elif i is not None:
                dim += 1
    return x, tuple(out)


def _index(x, *indices, spec):
    x, items = _bool_dims(x, _decode_index(spec, indices))
    return x[items]


OPS["index"] = Op(
    "index", _index, "IndexBackward0", linear=True, edges=1, saved={"indices": "spec"}
)


def _gather(x, index, *, dim):
    if x.ndim == 0:
        return x.reshape(index.shape)
    # PyTorch reads only the leading part of the other dimensions when the index is smaller
    x = x[tuple(slice(None) if d == dim else slice(0, s) for d, s in enumerate(index.shape))]
    return jnp.take_along_axis(x, index, axis=dim)


OPS["gather"] = Op(
    "gather",
    _gather,
    "GatherBackward0",
    linear=True,
    edges=1,
    saved={"self": 0, "index": 1, "dim": "dim"},
)
OPS["index_select"] = Op(
    "index_select",
    lambda x, index, *, dim: jnp.take(x, index, axis=dim),
    "IndexSelectBackward0",
    linear=True,
    edges=1,
    saved={"index": 1, "dim": "dim"},
)
OPS["diag_embed"] = Op(
    "diag",
    lambda x, *, diagonal: jnp.diag(x, diagonal),
    "DiagEmbedBackward0",
    linear=True,
    saved={"offset": "diagonal"},
)
OPS["diagonal_view"] = Op(
    "diagonal",
    lambda x, *, offset, dim1, dim2: jnp.diagonal(x, offset, dim1, dim2),
    "DiagonalBackward0",
    linear=True,
    saved={"offset": "offset", "dim1": "dim1", "dim2": "dim2"},
    view=True,
)
OPS["diagonal"] = Op(
    "diag",
    lambda x, *, diagonal: jnp.diag(x, diagonal),
    "DiagonalBackward0_copy",
    linear=True,
    saved={"offset": "diagonal"},
)
OPS["tril"] = Op(
    "tril",
    lambda x, *, diagonal: jnp.tril(x, diagonal),
    "TrilBackward0",
    linear=True,
    saved={"diagonal": "diagonal"},
)
OPS["triu"] = Op(
    "triu",
    lambda x, *, diagonal: jnp.triu(x, diagonal),
    "TriuBackward0",
    linear=True,
    saved={"diagonal": "diagonal"},
)
OPS["flip"] = Op(
    "flip",
    lambda x, *, dims: jnp.flip(x, dims),
    "FlipBackward0",
    linear=True,
    saved={"dims": "dims"},
)


# ---------------------------------------------------------------------------------- nn.functional
def _leaky_relu(x, *, negative_slope):
    return jnp.where(x > 0, x, x * negative_slope)


def _elu(x, *, alpha):
    # where(), not minimum(): the gradient at 0 is alpha, as in PyTorch
    return jnp.where(x > 0, x, alpha * jnp.expm1(jnp.where(x > 0, jnp.zeros((), x.dtype), x)))


def _gelu(x, *, approximate):
    return jax.nn.gelu(x, approximate=(approximate == "tanh"))


def _softplus(x, *, beta, threshold):
    bx = x * beta
    return jnp.where(bx > threshold, x, jnp.log1p(jnp.exp(jnp.minimum(bx, threshold))) / beta)


def _reduce(loss, reduction):
    if reduction == "mean":
        return exact_divide(jnp.sum(loss), jnp.asarray(loss.size, loss.dtype))
    if reduction == "sum":
        return jnp.sum(loss)
    return loss


def _mse_loss(x, y, *, reduction):
    return _reduce((x - y) ** 2, reduction)


def _nll_loss(logp, target, weight, *, reduction, ignore_index):
    # logp: (N, C, ...) or (C,); target: (N, ...) or ()
    if logp.ndim == 1:
        logp = logp[None]
        target = target[None]
    c_axis = 1
    moved = jnp.moveaxis(logp, c_axis, -1)
    valid = target != ignore_index
    safe_t = jnp.where(valid, target, 0)
    picked = jnp.take_along_axis(moved, safe_t[..., None], axis=-1)[..., 0]
    w = jnp.ones(moved.shape[-1], logp.dtype) if weight is None else weight
    wt = jnp.where(valid, w[safe_t], 0).astype(logp.dtype)
    loss = -picked * wt
    if reduction == "mean":
        return exact_divide(jnp.sum(loss), jnp.sum(wt))
    if reduction == "sum":
        return jnp.sum(loss)
    return loss if target.shape != () else loss


OPS["leaky_relu"] = Op(
    "leaky_relu",
    _leaky_relu,
    "LeakyReluBackward0",
    saved={"self": 0, "negative_slope": "negative_slope"},
)
OPS["elu"] = Op("elu", _elu, "EluBackward0", saved={"self": 0, "alpha": "alpha"})
OPS["gelu"] = Op("gelu", _gelu, "GeluBackward0", saved={"self": 0, "approximate": "approximate"})
OPS["softplus"] = Op(
    "softplus",
    _softplus,
    "SoftplusBackward0",
    saved={"self": 0, "beta": "beta", "threshold": "threshold"},
)
OPS["silu"] = Op("silu", jax.nn.silu, "SiluBackward0", saved=SELF)
OPS["mse_loss"] = Op(
    "mse_loss",
    _mse_loss,
    "MseLossBackward0",
    promote="arith",
    saved={"self": 0, "target": 1, "reduction": "reduction"},
)
OPS["nll_loss"] = Op(
    "nll_loss",
    _nll_loss,
    "NllLossBackward0",
    edges=1,
    saved={
        "self": 0,
        "target": 1,
        "weight": 2,
        "reduction": "reduction",
        "ignore_index": "ignore_index",
    },
)


# ---------------------------------------------------------------------------------- writes
def _as_strided(base, index):
    return jnp.take(base.reshape(-1), index)


# (a write through a view of a tensor with history records autograd.graph.CopySlices)
OPS["as_strided"] = Op("as_strided", _as_strided, "AsStridedBackward0", edges=1, linear=True)
OPS["copy"] = Op(
    "copy",
    lambda dst, src: cast(jnp.broadcast_to(src, dst.shape), dst.dtype),
    "CopyBackwards",
    linear=True,
)


def _index_put(x, values, *indices, spec, accumulate):
    shape = x.shape
    x, items = _bool_dims(x, _decode_index(spec, indices))
    ref = x.at[items]
    values = values.astype(x.dtype)
    return (ref.add(values) if accumulate else ref.set(values)).reshape(shape)


OPS["index_put"] = Op(
    "index_put",
    _index_put,
    "IndexPutBackward0",
    edges=2,
    saved={"indices": "spec", "accumulate": "accumulate"},
)


def _index_add(x, index, source, *, dim, alpha):
    src = jnp.moveaxis(source.astype(x.dtype), dim, 0) * alpha
    return jnp.moveaxis(jnp.moveaxis(x, dim, 0).at[index].add(src), 0, dim)


def _index_fill(x, index, value, *, dim):
    if x.ndim == 0:  # a 0-d tensor fills as a 1-element vector, as in PyTorch
        return _index_fill(x.reshape(1), index.reshape(-1), value, dim=0).reshape(())
    moved = jnp.moveaxis(x, dim, 0)
    return jnp.moveaxis(moved.at[index].set(jnp.asarray(value, x.dtype)), 0, dim)


def _scatter_positions(x, index, dim):
    grids = jnp.meshgrid(*[jnp.arange(s) for s in index.shape], indexing="ij")
    grids[dim] = index
    return tuple(grids)


def _scatter(x, index, src, *, dim):
    if not hasattr(src, "shape") or src.ndim == 0:
        src = jnp.broadcast_to(jnp.asarray(src, x.dtype), index.shape)
    src = src[tuple(slice(0, s) for s in index.shape)].astype(x.dtype)
    return x.at[_scatter_positions(x, index, dim)].set(src)


def _scatter_add(x, index, src, *, dim):
    src = src[tuple(slice(0, s) for s in index.shape)].astype(x.dtype)
    return x.at[_scatter_positions(x, index, dim)].add(src)


# tensor operands first (the ones with edges), then the integer index
OPS["index_add"] = Op(
    "index_add",
    lambda x, source, index, *, dim, alpha: _index_add(x, index, source, dim=dim, alpha=alpha),
    "IndexAddBackward0",
    edges=2,
    saved={"dim": "dim", "index": 2, "alpha": "alpha"},
)
OPS["index_fill"] = Op(
    "index_fill", _index_fill, "IndexFillBackward0", edges=1, saved={"dim": "dim", "index": 1}
)
OPS["scatter"] = Op(
    "scatter",
    lambda x, src, index, *, dim: _scatter(x, index, src, dim=dim),
    "ScatterBackward0",
    edges=2,
    saved={"dim": "dim", "index": 2},
)
OPS["scatter_value"] = Op(
    "scatter",
    lambda x, index, value, *, dim: _scatter(x, index, value, dim=dim),
    "ScatterBackward1",
    edges=1,
    saved={"dim": "dim", "index": 1},
)
OPS["scatter_add"] = Op(
    "scatter_add",
    lambda x, src, index, *, dim: _scatter_add(x, index, src, dim=dim),
    "ScatterAddBackward0",
    edges=2,
    saved={"dim": "dim", "index": 2},
)

OPS["zero"] = Op("zero", jnp.zeros_like, "ZeroBackward0", linear=True)
OPS["fill"] = Op(
    "fill", lambda x, value: jnp.full_like(x, value), "FillBackward2", edges=1, linear=True
)
OPS["fill_tensor"] = Op(
    "fill",
    lambda x, value: jnp.broadcast_to(value, x.shape).astype(x.dtype),
    "FillBackward3",
    linear=True,
)


# ---------------------------------------------------------------------------------- more ops
def _roll(x, *shifts, dims):
    if not dims:  # roll of the flattened tensor
        return jnp.roll(x.reshape(-1), shifts[0], 0).reshape(x.shape)
    return jnp.roll(x, shifts, dims)


# operands: the tensor, then one traced shift per rolled dimension
OPS["roll"] = Op("roll", _roll, "RollBackward0", linear=True, edges=1, saved={"dims": "dims"})
OPS["roll"].node_cls._saved_shifts = property(
    lambda node: tuple(_symint(node._saved_value(k)) for k in range(1, len(node._saved)))
)
OPS["roll"].node_cls._saved_dims = property(
    lambda node: tuple(_symint(v) for v in dict(node._static[1])["dims"])
)
OPS["tile"] = Op(
    "tile",
    lambda x, *, reps: jnp.tile(x, reps),
    "RepeatBackward0",
    linear=True,
    saved={"repeats": "reps"},
)
# composites in PyTorch; one node here, named after PyTorch's top node
OPS["repeat_interleave"] = Op(
    "repeat_interleave",
    lambda x, *, repeats, dim: jnp.repeat(x, repeats, axis=dim),
    "ViewBackward0",
    linear=True,
)
OPS["addcmul"] = Op(
    "addcmul",
    lambda x, a, b, value: x + value * a * b,
    "AddcmulBackward0",
    promote="arith",
    promote_idx=(0, 1, 2),
    edges=3,
    saved={"self": 0, "tensor1": 1, "tensor2": 2, "value": ("scalar", 3)},
)
OPS["addcdiv"] = Op(
    "addcdiv",
    # (PyTorch's CPU kernel: self + value * t1 / t2, the product first)
    lambda x, a, b, value: x + exact_divide(value * a, b),
    "AddcdivBackward0",
    promote="float",
    promote_idx=(0, 1, 2),
    edges=3,
    saved={"tensor1": 1, "tensor2": 2, "value": ("scalar", 3)},
)
OPS["diff"] = Op(
    "diff", lambda x, *, n, dim: jnp.diff(x, n=n, axis=dim), "SubBackward0", linear=True
)
OPS["masked_select"] = Op(
    "masked_select", lambda x, *idx: x[idx], "MaskedSelectBackward0", linear=True, edges=1
)


def _median_dim(x, *, dim, keepdim):
    idx = jnp.argsort(x, axis=dim, stable=True)
    k = (x.shape[dim] - 1) // 2
    pick = lax.index_in_dim(idx, k, axis=dim, keepdims=True)
    values = jnp.take_along_axis(x, pick, axis=dim)
    if not keepdim:
        values, pick = jnp.squeeze(values, dim), jnp.squeeze(pick, dim)
    return values, pick.astype(jnp.int64)


OPS["median_dim"] = Op("median", _median_dim, "MedianBackward1", saved={"dim": "dim"})
OPS["cross"] = Op(
    "cross",
    lambda a, b, *, dim: jnp.cross(a, b, axis=dim),
    "LinalgCrossBackward0",
    promote="arith",
    saved={"self": 0, "other": 1},
)
OPS["median"] = Op(
    "median",
    lambda x: jnp.sort(x.reshape(-1))[(x.size - 1) // 2],
    "MedianBackward0",
    saved={"self": 0, "result": "result"},
)


@jax.custom_jvp
def _digamma(x):
    # PyTorch gives the pole's one-sided limits at +-0 (-inf at 0, inf at -0); JAX gives nan
    pole = jnp.copysign(jnp.asarray(jnp.inf, x.dtype), -x)
    return jnp.where(x == 0, pole, jax.scipy.special.digamma(x))


@_digamma.defjvp
def _digamma_jvp(primals, tangents):
    # the derivative stays trigamma's (inf at the pole), not the where's zero
    (x,), (dx,) = primals, tangents
    trigamma = jax.scipy.special.polygamma(1, x)
    return _digamma(x), dx * jnp.where(x == jnp.inf, 0, trigamma)


# elementwise math (each one entry: PyTorch's node name, a JAX impl)
for _name, (_impl, _node, _promote) in {
    "lgamma": (jax.scipy.special.gammaln, "LgammaBackward0", "float"),
    "digamma": (_digamma, "DigammaBackward0", "float"),
    "erfc": (jax.scipy.special.erfc, "ErfcBackward0", "float"),
    "erfinv": (jax.scipy.special.erfinv, "ErfinvBackward0", "float"),
    "frac": (lambda x: x - jnp.trunc(x), "FracBackward0", None),
    "deg2rad": (jnp.deg2rad, "Deg2RadBackward0", "float"),
    "rad2deg": (jnp.rad2deg, "Rad2DegBackward0", "float"),
}.items():
    OPS[_name] = Op(
        _name, _impl, _node, promote=_promote, saved=SELF, variants=_forms("unary", _name)
    )
for _name, (_impl, _node) in {
    "logaddexp": (jnp.logaddexp, "LogaddexpBackward0"),
    "hypot": (jnp.hypot, "HypotBackward0"),
    "xlogy": (jax.scipy.special.xlogy, "XlogyBackward0"),
}.items():
    OPS[_name] = Op(
        _name,
        _impl,
        _node,
        promote="float",
        # (PyTorch's hypot backward reads its result: an in-place change of it is refused)
        saved={"self": 0, "other": 1, **({"result": "result"} if _name == "hypot" else {})},
        variants=_forms(
            "binary",
            _name,
            inplace=_name != "logaddexp",
            # entries in spectral_table.py
            scalar_sides=("xlogy_self_scalar", "xlogy_other_scalar") if _name == "xlogy" else None,
        ),
    )


def _logit(x, *, eps):
    if eps is not None:
        x = jnp.clip(x, eps, 1 - eps)
    return jnp.log(exact_divide(x, 1 - x))


def _nan_to_num(x, *, nan, posinf, neginf):
    return jnp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def _kthvalue(x, *, k, dim, keepdim):
    idx = jnp.argsort(x, axis=dim, stable=True)
    pick = lax.index_in_dim(idx, k - 1, axis=dim, keepdims=True)
    values = jnp.take_along_axis(x, pick, axis=dim)
    if not keepdim:
        values, pick = jnp.squeeze(values, dim), jnp.squeeze(pick, dim)
    return values, pick.astype(jnp.int64)


def _std_mean(x, *, dim, correction, keepdim, which):
    var = _var(x, dim=dim, correction=correction, keepdim=keepdim)
    mean = _mean(x, dim=dim if dim is not None else None, keepdim=keepdim)
    return (jnp.sqrt(var) if which == "std" else var), mean


def _cdist(a, b, *, p):
    diff = a[..., :, None, :] - b[..., None, :, :]
    return _vector_norm(diff, ord=p, dim=-1)


OPS["logit"] = Op(
    "logit", _logit, "LogitBackward0", promote="float", saved={"self": 0, "eps": "eps"}
)
OPS["nan_to_num"] = Op("nan_to_num", _nan_to_num, "NanToNumBackward0", saved=SELF)
OPS["rot90"] = Op(
    "rot90",
    lambda x, *, k, dims: jnp.rot90(x, k, dims),
    "Rot90Backward0",
    linear=True,
    saved={"k": "k", "dims": "dims"},
)
OPS["kthvalue"] = Op("kthvalue", _kthvalue, "KthvalueBackward0", saved={"dim": "dim"})
OPS["std_mean"] = Op("std_mean", _std_mean, "StdMeanBackward0", saved={"dim": "dim"})
OPS["var_mean"] = Op("var_mean", _std_mean, "VarMeanBackward0", saved={"dim": "dim"})
OPS["dist"] = Op(
    "dist",
    lambda a, b, *, p: _vector_norm(a - b, ord=p),
    "DistBackward0",
    promote="float",
    saved={"self": 0, "other": 1, "p": "p"},
)
OPS["cdist"] = Op("cdist", _cdist, "CdistBackward0", promote="float", saved={"p": "p"})


# Ops along a dim that PyTorch also runs on a 0-d tensor (dim 0 or -1 names the scalar itself):
# their impls see the scalar as a 1-element vector and give 0-d results back (jnp's axis
# functions refuse a 0-d array).  Applied by ``_ops/__init__`` once every table is registered.
SCALAR_AS_VECTOR = (
    "sort flip index_select topk kthvalue median_dim nanmedian_dim mode norm_dim cummax cummin "
    "logcumsumexp argsort norm"
).split()


def scalar_as_vector(keys):
    for key in keys:
        op = OPS.get(key)
        if op is None:
            continue
        fn = op.impl

        def impl(x, *args, _fn=fn, **kwargs):
            if jnp.ndim(x) != 0:
                return _fn(x, *args, **kwargs)
            out = _fn(jnp.reshape(x, (1,)), *args, **kwargs)
            return jax.tree_util.tree_map(
                lambda o: jnp.reshape(o, ()) if jnp.size(o) == 1 else o, out
            )

        object.__setattr__(op, "impl", impl)


# Results that may wait for their first use and then run with the pending ops around them, one
# program for a loop's chain of small ops (``_deferred``): pure elementwise ops and plain
# reductions, one result each.
DEFERRED = (
    *_FLOAT_UNARY,
    *_SAME_UNARY,
    *("add", "sub", "rsub", "mul", "div", "div_mode", "mul_wrapped", "div_wrapped"),
    *("remainder", "fmod", "maximum", "minimum", "pow", "pow_scalar", "pow_scalar_base"),
    *("clamp", "clamp_min", "clamp_max", "clamp_tensor", "where", "lerp", "masked_fill"),
    *("eq", "ne", "lt", "le", "gt", "ge", "logical_not", "logical_and", "logical_or"),
    *("sum", "sum_dim", "mean", "mean_dim", "addcmul", "addcdiv"),
    *("leaky_relu", "elu", "gelu", "softplus", "silu"),
)
for _key in DEFERRED:
    OPS[_key].defer = True
