"""PyTorch-bit-identical CPU random numbers: ``Generator``, ``manual_seed`` and the samplers.

PyTorch's CPU generator is a 32-bit Mersenne Twister (MT19937) seeded with the classic
``init_genrand`` recurrence from the low 32 bits of a 64-bit seed.  Every sampler turns raw
32-bit words (or 64-bit words made of two consecutive 32-bit words, the first one high) into
values with a small fixed transformation, consuming the stream in element order.  We reproduce
the stream and each transformation exactly (down to the multiply-adds the C++ compiler fused,
and the C library's log/sin/cos), so ``manual_seed(s)`` followed by any sequence of sampler
calls gives the very same bits as PyTorch 2.13 on the CPU.

The samplers work on NumPy arrays and return new arrays, in the element order in which
PyTorch's kernel fills a contiguous tensor; the Tensor layer wraps them.  On the Generator:
``_rand``, ``_randn``, ``_uniform`` (uniform_), ``_normal_fill`` (normal_), ``_normal``
(torch.normal overloads), ``_randint``/``_random`` (random_ overloads), ``_randperm``,
``_exponential``, ``_geometric``, ``_log_normal``, ``_cauchy``, ``_bernoulli_scalar``,
``_bernoulli_tensor``, ``_multinomial``, ``_poisson``, ``_get_state_np``/``_set_state_np``.

Speed: the raw words come from NumPy's C implementation of the same MT19937 recurrence
(``numpy.random.MT19937``), into which we load our 624-word key before each bulk draw; the
tempering of the current block and the transformations are vectorised NumPy, except the
float32 normal transform, which for large tensors runs as a jitted XLA computation on the CPU
(checked once against the NumPy emulation).  Only inherently serial parts loop in Python: the
double-precision Box-Muller draws of small ``randn`` calls (they share a cache), Poisson's
rejection loops, and the C library calls of the float64 paths.

Platform note: PyTorch's ``bernoulli_(float p)`` uses MKL's own generator on Intel CPUs; we
reproduce its portable kernel, which PyTorch uses everywhere else (the reference data comes
from an AMD CPU).

Public API (as in PyTorch): ``Generator(device="cpu")`` with ``manual_seed``, ``seed``,
``initial_seed``, ``get_state``/``set_state`` (a ``torch.uint8`` tensor of 5056 bytes in
PyTorch's own layout, so states move between PyTorch and torchlike), ``clone_state``,
``device``, pickling; the module's ``default_generator``, ``manual_seed``, ``seed``,
``initial_seed``, ``get_rng_state``, ``set_rng_state`` and the ``fork_rng`` context manager.
The tensor-level samplers (``torch.rand``, ``randn``, ``randint``, ``randperm`` and their
``_like`` forms, ``torch.normal``, ``bernoulli``, ``multinomial``, ``poisson``,
``Tensor.uniform_`` …) live in ``torchlike/_random_methods.py``.  This module sits just above
``_tensor`` in the layers: the state of a generator is a ``torch.uint8`` tensor.

Getting a ``jax.random`` key
----------------------------
Code that mixes torchlike with functional JAX can derive keys from the PyTorch-style stream,
so that one ``manual_seed`` makes the whole program reproducible::

    import jax
    from torchlike import Generator, manual_seed, random

    manual_seed(0)
    key = random.jax_key()           # from the default generator
    g = Generator().manual_seed(1)
    k1, k2 = jax.random.split(random.jax_key(g))
    noise = jax.random.normal(k1, (3,))

``jax_key(generator=None)`` (also ``generator._jax_key()``) draws 64 bits from the generator,
advancing it exactly like ``torch.empty(1, dtype=torch.int64).random_(generator=g)`` would,
and returns ``jax.random.key(bits)`` (a new-style typed key; wrap it with
``jax.random.key_data`` if an API needs raw ``uint32`` key data).  The same seed and call
sequence always give the same key, and successive calls give different keys.  Values drawn
with ``jax.random`` from such a key are JAX's own stream, not PyTorch's: use the torchlike
samplers where the numbers must match PyTorch.
"""

from __future__ import annotations

import contextlib
import math
import os
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from . import _dtype as _dt
from ._size import device as device_cls
from ._tensor import Tensor

__all__ = [
    "Generator",
    "default_generator",
    "manual_seed",
    "seed",
    "initial_seed",
    "get_rng_state",
    "set_rng_state",
    "fork_rng",
    "thread_safe_generator",
    "jax_key",
]

_N = 624  # MT19937 state words
_DEFAULT_SEED = 67280421310721  # PyTorch's seed for a freshly constructed torch.Generator()
_UINT64_MASK = (1 << 64) - 1

# PyTorch's serialised CPU generator state (``torch.get_rng_state()``): a C struct, laid out
# here with its padding so that our bytes equal PyTorch's and either can load the other's.
_STATE_LAYOUT = np.dtype(
    {
        "names": [
            "seed",
            "left",
            "seeded",
            "next",
            "key",
            "normal_x",
            "normal_y",
            "normal_rho",
            "normal_is_valid",
            "float_normal",
            "float_normal_is_valid",
        ],
        "formats": [
            "<u8",
            "<i4",
            "<i4",
            "<u8",
            ("<u8", 624),
            "<f8",
            "<f8",
            "<f8",
            "<i4",
            "<f4",
            "u1",
        ],
        "offsets": [0, 8, 12, 16, 24, 5016, 5024, 5032, 5040, 5048, 5052],
        "itemsize": 5056,
    }
)
_STATE_NBYTES = _STATE_LAYOUT.itemsize


def _key_from_seed(seed: int) -> np.ndarray:
    """Knuth's ``init_genrand`` initialisation, as PyTorch's mt19937(seed) does it.

    Only the low 32 bits of the 64-bit seed enter the state.  The recurrence is sequential,
    but it runs once per ``manual_seed`` (623 steps), so a Python loop is fine."""
    key = [0] * _N
    x = seed & 0xFFFFFFFF
    key[0] = x
    for j in range(1, _N):
        x = (1812433253 * (x ^ (x >> 30)) + j) & 0xFFFFFFFF
        key[j] = x
    return np.array(key, dtype=np.uint32)


def _temper(y: np.ndarray) -> np.ndarray:
    """MT19937 output tempering of raw state words, vectorised."""
    y = y ^ (y >> np.uint32(11))
    y ^= (y << np.uint32(7)) & np.uint32(0x9D2C5680)
    y ^= (y << np.uint32(15)) & np.uint32(0xEFC60000)
    y ^= y >> np.uint32(18)
    return y


class _MT19937:
    """PyTorch's mt19937 engine: 624-word key, ``next`` index, ``left`` countdown, seed.

    PyTorch draws a word as: ``if --left == 0: twist(); return temper(key[next++])``.  So the
    words still available without a twist are ``temper(key[next : next + left - 1])``; after
    seeding, ``left == 1`` and the first draw twists.  We keep exactly these four fields (they
    are what ``get_rng_state`` serialises) plus a cache of the tempered current block."""

    __slots__ = ("seed", "key", "next", "left", "_block", "_bitgen")

    def __init__(self, seed: int = _DEFAULT_SEED):
        self._bitgen = np.random.MT19937(0)
        self.reseed(seed)

    def reseed(self, seed: int) -> None:
        self.seed = seed
        self.key = _key_from_seed(seed)
        self.next = 0
        self.left = 1
        self._block = None

    def words(self, n: int) -> np.ndarray:
        """The next ``n`` 32-bit outputs, as a uint32 array."""
        parts = []
        # Words of the current block (clipped to the array: PyTorch would read out of bounds
        # for a hand-made state with next + left - 1 > 624).
        take = max(0, min(n, self.left - 1, _N - self.next))
        if take:
            if self._block is None:
                self._block = _temper(self.key)
            parts.append(self._block[self.next : self.next + take])
            self.next += take
            self.left -= take
        rest = n - take
        if rest:
            # Every further word comes from successive twists of the key.  NumPy's MT19937
            # twists and tempers exactly like PyTorch's; pos=624 makes its first draw twist.
            # We draw whole blocks so that the last block's tempered words stay cached.
            blocks = -(-rest // _N)
            bitgen = self._bitgen
            bitgen.state = {"bit_generator": "MT19937", "state": {"key": self.key, "pos": _N}}
            raw = bitgen.random_raw(blocks * _N).astype(np.uint32)
            self.key = bitgen.state["state"]["key"]
            self._block = raw[-_N:]
            parts.append(raw[:rest])
            used = rest - (blocks - 1) * _N  # words taken from the last block, 1..624
            self.next = used
            self.left = _N + 1 - used
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return np.empty(0, np.uint32)
        return np.concatenate(parts)

    def words64(self, n: int) -> np.ndarray:
        """``random64()``: two consecutive words, the first as the high half."""
        w = self.words(2 * n).astype(np.uint64).reshape(n, 2)
        return (w[:, 0] << np.uint64(32)) | w[:, 1]


# ---------------------------------------------------------------------------------------------
# Uniform floats.  PyTorch keeps the low 24 bits of a 32-bit word for float32 (and, computing in
# float32, for float16/bfloat16, rounding to the 16-bit type at the end), or the low 53 bits
# of a 64-bit word for float64, and scales by 2**-bits.


def _check_floating(dtype, op_name):
    if not dtype.is_floating_point:
        raise NotImplementedError(f'"{op_name}" not implemented for {_c10_name(dtype)}')


def _c10_name(dtype) -> str:
    """PyTorch's scalar-type name as it appears in 'not implemented for' messages."""
    names = {
        "bool": "Bool",
        "uint8": "Byte",
        "int8": "Char",
        "int16": "Short",
        "int32": "Int",
        "int64": "Long",
        "float16": "Half",
        "bfloat16": "BFloat16",
        "float32": "Float",
        "float64": "Double",
        "complex64": "ComplexFloat",
        "complex128": "ComplexDouble",
    }
    return "'" + names[dtype._name] + "'"


def _unit_floats(engine: _MT19937, n: int, dtype) -> np.ndarray:
    """``n`` uniforms in [0, 1) in the accumulation type of ``dtype``: float64 for float64,
    float32 otherwise."""
    if dtype is _dt.float64:
        bits = engine.words64(n) & np.uint64((1 << 53) - 1)
        return bits.astype(np.float64) * (2.0**-53)
    bits = engine.words(n) & np.uint32((1 << 24) - 1)
    return bits.astype(np.float32) * np.float32(2.0**-24)


def _numel(shape) -> int:
    return int(math.prod(shape))


# ---------------------------------------------------------------------------------------------
# Normal.  PyTorch has two CPU paths:
#  * tensors with >= 16 contiguous elements: fill with uniforms, then Box-Muller on blocks of
#    16 (first 8 uniforms -> radius, last 8 -> angle).  If numel % 16 != 0, 16 *fresh*
#    uniforms overwrite the last 16 elements and are transformed as one more block.  For
#    float32 (and float16/bfloat16, which are computed in float32 and rounded) the block
#    transform is AVX2 code with Cephes-style polynomial log/sincos whose mul+add pairs the
#    compiler fused into FMAs; we emulate it operation by operation.  float64 uses the C
#    library's log/cos/sin.
#  * smaller (or non-contiguous) tensors: one double-precision Box-Muller draw per element,
#    caching the second value of each pair in the generator (consumed by the next such draw,
#    even in a later call).

_F32 = np.float32
_F64 = np.float64


def _fma32(a, b, c):
    """float32 fused multiply-add, for NumPy or jax.numpy values: a*b is exact in float64, so
    one float64 add and one rounding to float32 reproduce fma except in (vanishingly rare)
    double-rounding ties."""
    return (_as_f64(a) * _as_f64(b) + _as_f64(c)).astype(_F32)


def _as_f64(v):
    return v.astype(_F64) if hasattr(v, "astype") else _F64(v)


_LOG_POLY = [
    _F32(c)
    for c in (
        7.0376836292e-2,
        -1.1514610310e-1,
        1.1676998740e-1,
        -1.2420140846e-1,
        1.4249322787e-1,
        -1.6668057665e-1,
        2.0000714765e-1,
        -2.4999993993e-1,
        3.3333331174e-1,
    )
]
_LOG_Q1 = _F32(-2.12194440e-4)
_LOG_Q2 = _F32(0.693359375)
_SQRT_HALF = _F32(0.707106781186547524)


def _avx_log(xp, u):
    """Natural log of float32 values in (0, 1], bit-identical to PyTorch's AVX2 log256_ps
    (Cephes logf: split off the exponent, degree-8 polynomial on the mantissa).
    ``xp`` is numpy or jax.numpy: the same code serves both backends."""
    mant, expo = xp.frexp(u)  # mant in [0.5, 1); the same split as the bit manipulation
    small = mant < _SQRT_HALF
    e = expo.astype(_F32) - small.astype(_F32)
    # x = 2*mant - 1 or mant - 1; both are exact in float32.
    x = (mant - _F32(1)) + xp.where(small, mant, _F32(0))
    z = x * x
    y = xp.full_like(x, _LOG_POLY[0])
    for coef in _LOG_POLY[1:]:
        y = _fma32(y, x, coef)
    y = y * x
    y = _fma32(y, z, e * _LOG_Q1)
    y = y - z * _F32(0.5)  # z*0.5 is exact, so fused or not gives the same result
    return (x + y) + e * _LOG_Q2  # e*Q2 is exact (Q2 has 9 significant bits)


_FOUR_OVER_PI = _F32(1.27323954473516)
_MINUS_DP = [_F32(-0.78515625), _F32(-2.4187564849853515625e-4), _F32(-3.77489497744594108e-8)]
_SIN_POLY = [_F32(-1.9515295891e-4), _F32(8.3321608736e-3), _F32(-1.6666654611e-1)]
_COS_POLY = [
    _F32(2.443315711809948e-005),
    _F32(-1.388731625493765e-003),
    _F32(4.166664568298827e-002),
]


def _avx_sincos(xp, x):
    """(sin, cos) of non-negative float32 angles, bit-identical to PyTorch's sincos256_ps
    (Cephes sinf/cosf: octant reduction in three parts, two small polynomials)."""
    octant = (x * _FOUR_OVER_PI).astype(np.int32)
    octant = (octant + 1) & ~1
    y = octant.astype(_F32)
    for dp in _MINUS_DP:
        x = _fma32(y, dp, x)
    z = x * x
    # cosine polynomial around 0
    c = _fma32(_fma32(xp.full_like(x, _COS_POLY[0]), z, _COS_POLY[1]), z, _COS_POLY[2])
    c = c * z
    c = _fma32(c, z, -(z * _F32(0.5)))
    c = c + _F32(1)
    # sine polynomial around 0
    s = _fma32(_fma32(xp.full_like(x, _SIN_POLY[0]), z, _SIN_POLY[1]), z, _SIN_POLY[2])
    s = s * z
    s = _fma32(s, x, x)
    sin_poly_for_sin = (octant & 2) == 0
    sin = xp.where(sin_poly_for_sin, s, c)
    cos = xp.where(sin_poly_for_sin, c, s)
    sin = xp.where((octant & 4) != 0, -sin, sin)
    cos = xp.where((~(octant - 2) & 4) != 0, -cos, cos)
    return sin, cos


def _box_muller_16(xp, blocks):
    """PyTorch's AVX2 ``normal_fill_16`` on an (m, 16) float32 array of uniforms, before the
    final ``fma(n, std, mean)`` (see ``_scale_shift``)."""
    radius = xp.sqrt(_F32(-2) * _avx_log(xp, _F32(1) - blocks[:, :8]))
    sin, cos = _avx_sincos(xp, _F32(2.0 * math.pi) * blocks[:, 8:])
    return xp.concatenate([radius * cos, radius * sin], axis=1)


def _scale_shift(n: np.ndarray, mean, std) -> np.ndarray:
    """The kernel's explicit ``fma(n, std, mean)`` (the identity for std == 1, mean == 0)."""
    if std == 1 and mean == 0:
        return n
    return _fma32(n, std, mean)


# Above this many blocks the float32 transform runs as one jitted XLA computation on the CPU
# (several times faster than NumPy's op-by-op passes); below, NumPy.  The XLA result is checked
# once against the NumPy emulation and the XLA path is abandoned if they ever disagree.
_XLA_MIN_BLOCKS = 1024
_XLA_CHUNK_BLOCKS = (8192, _XLA_MIN_BLOCKS)
_xla_state: dict = {}


def _unit_f32(words):
    """float32 uniforms from 32-bit words (NumPy or jax.numpy): the low 24 bits times 2**-24."""
    return (words & np.uint32(0xFFFFFF)).astype(_F32) * _F32(2.0**-24)


def _normals_f32(engine: _MT19937, n_blocks: int, mean: float, std: float) -> np.ndarray:
    """PyTorch's float32 ``normal_fill_16`` on the next ``16 * n_blocks`` words (flat result).

    Large inputs go to XLA in chunks of two fixed sizes (so only two shapes are ever
    compiled); XLA computes a chunk on its own threads while the next chunk's words are drawn.
    The remainder goes to NumPy."""
    done, pending = 0, []
    if n_blocks >= _XLA_MIN_BLOCKS and _xla_usable():
        for size in _XLA_CHUNK_BLOCKS:
            while n_blocks - done >= size:
                pending.append(_box_muller_xla(engine.words(16 * size).reshape(size, 16)))
                done += size
    pieces = [np.asarray(result) for result in pending]
    if done < n_blocks:
        rest = engine.words(16 * (n_blocks - done)).reshape(-1, 16)
        pieces.append(_box_muller_16(np, _unit_f32(rest)))
    normals = pieces[0] if len(pieces) == 1 else np.concatenate(pieces)
    return _scale_shift(normals.reshape(-1), _F32(mean), _F32(std))


if hasattr(jax, "enable_x64"):

    def _x64_enabled():
        """A context in which jax keeps float64 (for the fma emulation)."""
        return jax.enable_x64(True)
else:  # older JAX has the context manager only under jax.experimental
    from jax.experimental import enable_x64 as _x64_enabled


def _box_muller_xla(word_blocks: np.ndarray) -> np.ndarray:
    fn = _xla_state.get("fn")
    if fn is None:
        fn = _xla_state["fn"] = jax.jit(lambda w: _box_muller_16(jnp, _unit_f32(w)))
        _xla_state["cpu"] = jax.devices("cpu")[0]
    with _x64_enabled():
        # Returned unmaterialised: the caller converts it to NumPy once it needs the values.
        return fn(jax.device_put(word_blocks, _xla_state["cpu"]))


def _xla_usable() -> bool:
    ok = _xla_state.get("ok")
    if ok is None:
        try:
            # A spread of 24-bit uniforms, including 0 and the largest value below 1 in both
            # halves of a block.
            probe = (np.arange(_XLA_MIN_BLOCKS * 16, dtype=np.uint64) * 2654435761) % (1 << 32)
            probe = probe.astype(np.uint32).reshape(-1, 16)
            probe[0, [0, 1, 8, 9]] = [0, 0xFFFFFF, 0, 0xFFFFFF]
            ok = np.array_equal(
                np.asarray(_box_muller_xla(probe)).view(np.uint32),
                _box_muller_16(np, _unit_f32(probe)).view(np.uint32),
            )
        except Exception:  # no usable jax CPU backend: NumPy it is
            ok = False
        _xla_state["ok"] = ok
    return ok


def _fma64(a, b, c):
    """float64 fused multiply-add, vectorised: the exact product as a sum of two doubles
    (Dekker's split), the exact sum with c (Knuth's TwoSum), then one final rounding.  Correct
    except for (vanishingly rare) double-rounding ties and for magnitudes near overflow."""
    a, b, c = (np.asarray(v, dtype=_F64) for v in (a, b, c))
    if b.ndim == 0 and c.ndim == 0 and (b == 1 or c == 0):
        return a * b + c  # only one rounding happens anyway
    product = a * b
    a_hi, a_lo = _split(a)
    b_hi, b_lo = _split(b)
    product_err = ((a_hi * b_hi - product) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    total = product + c
    back = total - product
    sum_err = (product - (total - back)) + (c - back)
    with np.errstate(invalid="ignore"):
        result = total + (sum_err + product_err)
    # Where the error terms are meaningless (inf/nan operands), the plain value is right.
    return np.where(np.isfinite(result), result, product + c)


def _split(x):
    """Veltkamp's split of doubles into two halves of 26 significant bits each."""
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = 134217729.0 * x  # 2**27 + 1
        hi = scaled - (scaled - x)
    return hi, x - hi


def _box_muller_blocks_f64(u: np.ndarray, mean: float, std: float) -> np.ndarray:
    """PyTorch's scalar ``normal_fill_16<double>`` over blocks of 16 uniforms."""
    blocks = u.reshape(-1, 16)
    radius = np.sqrt(-2.0 * _libm(_log_or_minus_inf, 1.0 - blocks[:, :8]))
    theta = (2.0 * math.pi) * blocks[:, 8:]
    out = np.empty_like(blocks)
    # radius * cos(theta) * std + mean, with the compiler's fma for the last two operations
    out[:, :8] = _fma64(radius * np.cos(theta), std, mean)
    out[:, 8:] = _fma64(radius * np.sin(theta), std, mean)
    return out.reshape(-1)


# ---------------------------------------------------------------------------------------------


_MANTISSA_DIGITS = {"float16": 11, "bfloat16": 8, "float32": 24, "float64": 53}


def _float_exact_from(low: int, dtype) -> int:
    """PyTorch nudges a ``from`` bound up when ``from + 1`` is not representable in the
    floating dtype (it rounds below ``from``): to the next value of the dtype's grid."""
    rounded = _round_int_to(low + 1, dtype)
    if rounded < low:
        magnitude = abs(low + 1).bit_length() - 1
        low = rounded + (1 << (magnitude - _MANTISSA_DIGITS[dtype._name] + 1))
    return low


def _float_exact_to(high: int, dtype) -> int:
    """The mirror image for ``to``: nudged down when ``to - 1`` rounds to ``to`` or above."""
    rounded = _round_int_to(high - 1, dtype)
    if rounded >= high:
        magnitude = abs(high - 1).bit_length() - 1
        high = rounded - (1 << (magnitude - _MANTISSA_DIGITS[dtype._name] + 1))
    return high


def _round_int_to(value: int, dtype) -> int:
    """``int64(scalar_t(value))``: an integer rounded to the floating dtype and back."""
    rounded = np.array(float(value) if abs(value) < 2**53 else value, dtype=np.float64)
    if dtype is not _dt.float64:
        with np.errstate(over="ignore"):
            rounded = rounded.astype(np.float32).astype(dtype._np).astype(np.float64)
    if not np.isfinite(rounded):
        return value  # beyond the dtype's range: left alone, the range check rejects it
    return int(rounded)


_FINITE_MAX = {
    "float16": 65504,
    "bfloat16": int(np.float32(3.3895313892515355e38)),
    "float32": int(np.finfo(np.float32).max),
    "float64": int(np.finfo(np.float64).max),
}
_C_TYPE_NAMES = {
    "bool": "bool",
    "uint8": "unsigned char",
    "int8": "signed char",
    "int16": "short",
    "int32": "int",
    "int64": "long",
    "float16": "c10::Half",
    "bfloat16": "c10::BFloat16",
    "float32": "float",
    "float64": "double",
}


def _check_in_range(low: int, high_inclusive: int, dtype) -> None:
    """PyTorch's ``check_from_to_in_range``: both bounds must fit the dtype."""
    name = _C_TYPE_NAMES[dtype._name]
    if dtype.is_floating_point:
        finite_max = _FINITE_MAX[dtype._name]
        if not -finite_max <= low <= finite_max:
            raise RuntimeError(f"from is out of bounds for {name}")
        if not -finite_max <= high_inclusive <= finite_max:
            raise RuntimeError(f"to - 1 is out of bounds for {name}")
        digits = _MANTISSA_DIGITS[dtype._name]
        limit = 1 << digits
        lo_ok, hi_ok = -limit <= low <= limit, -limit <= high_inclusive <= limit
        if not (lo_ok and hi_ok):
            which = "from" if not lo_ok else "to - 1"
            warnings.warn(
                f"{which} is out of bounds [-(2^{digits}), 2^{digits}]. Due to "
                f"precision limitations {name} can support discrete uniform "
                "distribution only within this range. This warning will become an "
                "error in version 1.7 release, please fix the code in advance",
                UserWarning,
                stacklevel=4,
            )
        return
    if dtype is _dt.bool_:
        lo, hi = 0, 1
    else:
        info = np.iinfo(dtype._np)
        lo, hi = int(info.min), int(info.max)
    if not lo <= low <= hi:
        raise RuntimeError(f"from is out of bounds for {name}")
    if not lo <= high_inclusive <= hi:
        raise RuntimeError(f"to - 1 is out of bounds for {name}")


def _to_uint64_seed(seed) -> int:
    """PyTorch accepts integer seeds in [-2**63, 2**64) and stores negative ones modulo 2**64.

    ``Generator.manual_seed`` takes Python ints only (``torch.manual_seed`` converts with
    ``int()`` first, so it also takes floats, NumPy integers and one-element tensors)."""
    if isinstance(seed, np.integer):
        raise TypeError("an integer is required")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise RuntimeError(f"manual_seed expected a long, but got {type(seed).__name__}")
    seed = int(seed)
    if not -(1 << 63) <= seed <= _UINT64_MASK:
        raise ValueError("Overflow when unpacking long long")
    return seed & _UINT64_MASK


def _nondeterministic_seed() -> int:
    return int.from_bytes(os.urandom(8), "little")


_NO_CUDA = (
    "Cannot get CUDA generator without ATen_cuda library. PyTorch splits its backend into two "
    "shared libraries: a CPU library and a CUDA library; this error has occurred because you are "
    "trying to use some CUDA functionality, but the CUDA library has not been loaded by the "
    "dynamic linker for some reason.  The CUDA library MUST be loaded, EVEN IF you don't directly "
    "use any symbols from the CUDA library! One common culprit is a lack of -Wl,--no-as-needed in "
    "your link arguments; many dynamic linkers will delete dynamic library dependencies if you "
    "don't depend on any of their symbols.  You can check if this has occurred by using ldd on "
    "your binary to see if there is a dependency on *_cuda.so library."
)


def _generator_device(device):
    """``Generator(device)``: a torchlike device.  A ``cuda`` generator exists only where JAX
    has a GPU; it draws the same MT19937 stream as a CPU one (PyTorch's CUDA generator is a
    Philox stream, which torchlike does not reproduce)."""
    dev = device if isinstance(device, device_cls) else device_cls(device)
    if dev.type == "meta":
        raise RuntimeError("META device type not an accelerator.")
    if dev.type != "cpu":
        if jax.default_backend() == "cpu":
            raise RuntimeError(_NO_CUDA)
    return dev


class Generator:
    """``torch.Generator`` for the CPU: an MT19937 stream identical to PyTorch's."""

    def __init__(self, device="cpu"):
        self._device = _generator_device(device)
        self._engine = _MT19937(_DEFAULT_SEED)
        # Box-Muller's second value, cached between double-precision normal draws.
        self._next_double_normal = None
        self._next_float_normal = None

    @property
    def device(self):
        return self._device

    # -- seeding -------------------------------------------------------------------------------

    def manual_seed(self, seed) -> Generator:
        self._engine.reseed(_to_uint64_seed(seed))
        self._next_double_normal = None
        self._next_float_normal = None
        return self

    def seed(self) -> int:
        new_seed = _nondeterministic_seed()
        self.manual_seed(new_seed)
        return new_seed

    def initial_seed(self) -> int:
        return self._engine.seed

    # -- raw words -----------------------------------------------------------------------------

    def _words(self, n: int) -> np.ndarray:
        return self._engine.words(n)

    def _words64(self, n: int) -> np.ndarray:
        return self._engine.words64(n)

    # -- samplers (NumPy level) ----------------------------------------------------------------

    def _rand(self, shape, dtype=None) -> np.ndarray:
        """``torch.rand(*shape, dtype=dtype)``."""
        dtype = _dt.get_default_dtype() if dtype is None else dtype
        _check_floating(dtype, "check_uniform_bounds")
        return self._uniform(shape, dtype, 0.0, 1.0)

    def _uniform(self, shape, dtype, low: float, high: float) -> np.ndarray:
        """``tensor.uniform_(low, high)`` on a tensor of ``shape``/``dtype``, as a new array."""
        dtype = _dt.get_default_dtype() if dtype is None else dtype
        _check_floating(dtype, "check_uniform_bounds")
        n = _numel(shape)
        unit = _unit_floats(self._engine, n, dtype)
        if (low, high) == (0.0, 1.0) and dtype in (_dt.float32, _dt.float64):
            return unit.reshape(shape)
        # u * (high - low) + low, fused by the compiler into one fma, in float64 for float64
        # and float32 otherwise.
        fma = _fma64 if dtype is _dt.float64 else _fma32
        acc = _F64 if dtype is _dt.float64 else _F32
        values = fma(unit, acc(high) - acc(low), acc(low))
        if dtype in (_dt.float32, _dt.float64):
            return values.reshape(shape)
        # float16/bfloat16: rounded at the end; a value that rounds up to `high` becomes `low`,
        # keeping the interval half-open.
        values = values.astype(dtype._np)
        low_t, high_t = (np.array(acc(v)).astype(dtype._np) for v in (low, high))
        values[values == high_t] = low_t
        return values.reshape(shape)

    def _randn(self, shape, dtype=None) -> np.ndarray:
        """``torch.randn(*shape, dtype=dtype)``."""
        return self._normal_fill(shape, dtype, 0.0, 1.0)

    def _normal_fill(
        self, shape, dtype, mean: float, std: float, contiguous: bool = True
    ) -> np.ndarray:
        """``tensor.normal_(mean, std)`` on a tensor of ``shape``/``dtype``, returned as a new
        array (``contiguous=False`` selects PyTorch's element-by-element path used for
        non-contiguous tensors)."""
        dtype = _dt.get_default_dtype() if dtype is None else dtype
        _check_floating(dtype, "normal_kernel_cpu")
        n = _numel(shape)
        if n >= 16 and contiguous:
            out = self._normal_blocks(n, dtype, mean, std)
        else:
            out = _cast_double(self._normal_serial(n, mean, std), dtype)
        return out.reshape(shape)

    def _normal_blocks(self, n: int, dtype, mean: float, std: float) -> np.ndarray:
        engine = self._engine
        whole = n - n % 16
        if dtype is _dt.float64:
            u = _unit_floats(engine, n, dtype)
            tail = _unit_floats(engine, 16, dtype) if n % 16 else None
            out = np.empty(n, dtype=_F64)
            out[:whole] = _box_muller_blocks_f64(u[:whole], mean, std)
            if tail is not None:
                out[n - 16 :] = _box_muller_blocks_f64(tail, mean, std)
            return out
        # float32 fills all n uniforms first, then re-draws the 16 of a partial tail block.
        # float16/bfloat16 are computed in float32 block by block, each block drawing its own
        # uniforms (so a partial tail costs no extra words) and rounded at the end.
        out = _normals_f32(engine, whole // 16, mean, std)
        if n % 16:
            if dtype is _dt.float32:
                engine.words(n % 16)  # drawn, then overwritten by the re-drawn tail
            out = np.concatenate([out, np.empty(n % 16, dtype=_F32)])
            out[n - 16 :] = _normals_f32(engine, 1, mean, std)
        return out.astype(dtype._np, copy=False)

    def _normal_double(self) -> float:
        """One ``at::normal_distribution<double>`` draw (standard normal), with PyTorch's cache."""
        cached = self._next_double_normal
        if cached is not None:
            self._next_double_normal = None
            return cached
        u1, u2 = _unit_floats(self._engine, 2, _dt.float64).tolist()
        radius = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        self._next_double_normal = radius * math.sin(theta)
        return radius * math.cos(theta)

    def _normal_serial(self, n: int, mean: float, std: float) -> np.ndarray:
        draw = self._normal_double
        standard = np.array([draw() for _ in range(n)], dtype=_F64)
        if std == 1 and mean == 0:
            return standard
        return _fma64(standard, std, mean)  # ret * std + mean, fused

    def _randint(self, low: int, high: int, shape, dtype=None) -> np.ndarray:
        """``torch.randint(low, high, shape, dtype=dtype)`` (default dtype int64)."""
        dtype = _dt.int64 if dtype is None else dtype
        return self._random(shape, dtype, int(low), int(high))

    def _random(self, shape, dtype=None, low=None, high=None) -> np.ndarray:
        """``tensor.random_()``, ``random_(to)`` (pass ``high`` only), ``random_(from, to)``
        and ``random_(from, None)`` (pass ``low`` only) on a tensor of ``shape``/``dtype``."""
        dtype = _dt.get_default_dtype() if dtype is None else dtype
        n = _numel(shape)
        if low is None and high is None:
            values = self._random_default(n, dtype)
        else:
            low = 0 if low is None else int(low)
            values = self._random_from_to(n, dtype, low, None if high is None else int(high))
        return values.reshape(shape)

    def _random_default(self, n: int, dtype) -> np.ndarray:
        """``random_()``: [0, 2**mantissa] for floating types, [0, max] for integers."""
        engine = self._engine
        if dtype is _dt.float64 or dtype is _dt.int64:
            words = engine.words64(n)
        else:
            words = engine.words(n).astype(np.uint64)
        if dtype is _dt.bool_:
            return (words & np.uint64(1)).astype(np.bool_)
        if dtype.is_floating_point:
            modulus = (1 << _MANTISSA_DIGITS[dtype._name]) + 1
        else:
            modulus = int(np.iinfo(dtype._np).max) + 1
        return (words % np.uint64(modulus)).astype(dtype._np)

    def _random_from_to(self, n: int, dtype, low: int, high: int | None) -> np.ndarray:
        if high is not None:
            if low >= high:
                raise RuntimeError(
                    f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
                )
            if dtype.is_floating_point:
                low, high = _float_exact_from(low, dtype), _float_exact_to(high, dtype)
                if low >= high:
                    raise RuntimeError(
                        "random_ expects 'from' casted to dtype to be less than 'to' casted to "
                        f"dtype, but got from={low} >= to={high}"
                    )
            _check_in_range(low, high - 1, dtype)
            span = high - low
        elif low != -(1 << 63):
            if dtype.is_floating_point:
                top = min(1 << _MANTISSA_DIGITS[dtype._name], (1 << 63) - 1)
                low = _float_exact_from(low, dtype)
                if low >= top:
                    raise RuntimeError(
                        "random_ expects 'from' casted to dtype to be less than or "
                        f"equal to 'to_inc' casted to dtype, but got from={low} > "
                        f"to_inc={top}"
                    )
            elif dtype is _dt.bool_:
                top = 1
            else:
                top = int(np.iinfo(dtype._np).max)
            _check_in_range(low, top, dtype)
            span = top - low + 1
        else:
            # [int64 min, int64 max]: every 64-bit word, reinterpreted as int64.
            if dtype in (_dt.bool_, _dt.float16):
                raise NotImplementedError(
                    f'"random_full_64_bits_range_kernel_cpu" not implemented for {_c10_name(dtype)}'
                )
            if dtype not in (_dt.int64, _dt.float64, _dt.float32, _dt.bfloat16):
                raise RuntimeError(
                    "random_full_64_bits_range_kernel_cpu handles only int64, "
                    "double, float and bfloat16"
                )
            return _cast_int64(self._engine.words64(n).view(np.int64), dtype)
        return _cast_int64(self._from_to_values(n, span, low, dtype), dtype)

    def _from_to_values(self, n: int, span: int, base: int, dtype) -> np.ndarray:
        """``(word % span) + base`` as int64 (wrapping).  PyTorch 2.13 switches to 64-bit words
        from a span of 2**28 on (limiting the modulo bias), whatever the dtype."""
        if span >= (1 << 28):
            words = self._engine.words64(n)
        else:
            words = self._engine.words(n).astype(np.uint64)
        values = (words % np.uint64(span)) + np.uint64(base & _UINT64_MASK)
        return values.view(np.int64)

    def _randperm(self, n: int, dtype=None) -> np.ndarray:
        """``torch.randperm(n, dtype=dtype)`` (default dtype int64).

        PyTorch runs Fisher-Yates forwards: for i = 0 .. n-2 it swaps ``r[i]`` with
        ``r[i + word % (n - i)]``.  The swap targets are vectorised; the swaps themselves are
        replayed in Python for small n and solved without a loop for large n."""
        dtype = _dt.int64 if dtype is None else dtype
        n = int(n)
        if n < 0:
            raise RuntimeError(f"n must be non-negative, got{n}")
        if n < 2:
            return _cast_int64(np.arange(n, dtype=np.int64), dtype)
        steps = np.arange(n - 1, dtype=np.int64)
        words = self._engine.words(n - 1).astype(np.int64)
        targets = words % (n - steps) + steps
        perm = _replay_swaps(n, targets) if n < 2048 else _solve_swaps(n, targets)
        return _cast_int64(perm, dtype)

    # -- torch.normal overloads ---------------------------------------------------------------

    def _normal(self, mean, std, shape=None, dtype=None) -> np.ndarray:
        """``torch.normal``: ``mean``/``std`` are Python floats or NumPy arrays.

        float/float needs ``shape``.  With arrays, PyTorch makes the output like ``mean`` (or
        like ``std`` when only it is an array; ``dtype`` overrides, as ``out=`` does), fills it
        with ``normal_(0, std)`` when ``std`` is a float (then adds ``mean``), else with
        ``normal_(0, 1)`` and then multiplies by ``std`` and adds ``mean`` in place: two
        kernels, each computing in the promoted type and rounding to the output's."""
        mean_is_array = isinstance(mean, np.ndarray)
        std_is_array = isinstance(std, np.ndarray)
        if not std_is_array and float(std) < 0:
            raise RuntimeError(
                f"normal expects std >= 0.0, but found std {_fmt_double(float(std))}"
            )
        if std_is_array and (std.astype(_F64) < 0).any():
            raise RuntimeError("normal expects all elements of std >= 0.0")
        if not mean_is_array and not std_is_array:
            return self._normal_fill(tuple(shape), dtype, float(mean), float(std))
        if mean_is_array and std_is_array:
            out_shape = _infer_size(mean.shape, std.shape)
        else:
            out_shape = (mean if mean_is_array else std).shape
        if dtype is None:
            dtype = _dt.from_numpy_dtype((mean if mean_is_array else std).dtype)
        if not std_is_array:
            draws = self._normal_fill(out_shape, dtype, 0.0, float(std))
        else:
            draws = _inplace_arith(
                self._normal_fill(out_shape, dtype, 0.0, 1.0), std, np.multiply, dtype
            )
        return _inplace_arith(draws, mean, np.add, dtype)

    # -- element-by-element samplers on double uniforms ---------------------------------------
    # PyTorch's exponential_, geometric_, cauchy_, log_normal_ and bernoulli_(p) kernels draw one
    # double uniform (a 64-bit word) per element, compute in double with the C library's math
    # functions, and round to the tensor's dtype.

    def _unit_doubles(self, n: int) -> np.ndarray:
        return _unit_floats(self._engine, n, _dt.float64)

    def _exponential(self, shape, dtype=None, lambd: float = 1.0) -> np.ndarray:
        """``tensor.exponential_(lambd)``: ``-1/lambd * log1p(-u)``."""
        dtype = _float_dtype(dtype, "exponential_cpu")
        if not lambd > 0:
            raise RuntimeError(
                f"exponential_ expects lambda > 0.0, but found lambda={_fmt_double(lambd)}"
            )
        u = self._unit_doubles(_numel(shape))
        values = (-1.0 / lambd) * _libm(math.log1p, -u)
        return _cast_double(values, dtype).reshape(shape)

    def _geometric(self, shape, dtype=None, p: float = 0.5) -> np.ndarray:
        """``tensor.geometric_(p)``: ``ceil(log(u) / log(1 - p))``."""
        dtype = _dt.get_default_dtype() if dtype is None else dtype
        if dtype is _dt.bool_:
            raise NotImplementedError("\"geometric_cpu\" not implemented for 'Bool'")
        if not 0 < p < 1:
            raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_fmt_double(p)}")
        u = self._unit_doubles(_numel(shape))
        with np.errstate(divide="ignore"):
            values = np.ceil(_libm(_log_or_minus_inf, u) / math.log(1.0 - p))
        return _cast_double(values, dtype).reshape(shape)

    def _cauchy(self, shape, dtype=None, median: float = 0.0, sigma: float = 1.0) -> np.ndarray:
        """``tensor.cauchy_(median, sigma)``: ``median + sigma * tan(pi * (u - 0.5))``."""
        dtype = _float_dtype(dtype, "cauchy_cpu")
        u = self._unit_doubles(_numel(shape))
        values = _fma64(sigma, _libm(math.tan, math.pi * (u - 0.5)), median)  # fused
        return _cast_double(values, dtype).reshape(shape)

    def _log_normal(self, shape, dtype=None, mean: float = 1.0, std: float = 2.0) -> np.ndarray:
        """``tensor.log_normal_(mean, std)``: ``exp`` of a cached double Box-Muller draw."""
        dtype = _float_dtype(dtype, "log_normal_cpu")
        if not std > 0:
            raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_fmt_double(std)}")
        normals = self._normal_serial(_numel(shape), mean, std)
        return _cast_double(_libm(_exp_or_inf, normals), dtype).reshape(shape)

    def _bernoulli_scalar(self, shape, dtype=None, p: float = 0.5) -> np.ndarray:
        """``tensor.bernoulli_(p)`` / ``torch.bernoulli(x, p)``: ``u < p`` with double u.

        (This is PyTorch's portable kernel, which it uses on non-Intel CPUs; on Intel CPUs
        PyTorch builds with MKL draw from MKL's own generator seeded by one word instead.)"""
        dtype = _dt.get_default_dtype() if dtype is None else dtype
        if not 0 <= p <= 1:
            raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt_double(p)}")
        u = self._unit_doubles(_numel(shape))
        return _cast_double((u < p).astype(np.float64), dtype).reshape(shape)

    def _bernoulli_tensor(self, p: np.ndarray, dtype=None) -> np.ndarray:
        """``torch.bernoulli(p)`` / ``tensor.bernoulli_(p_tensor)`` (p already broadcast to the
        output shape): a float32 uniform per element, or a double one when p is float64."""
        p = np.asarray(p)
        dtype = _dt.from_numpy_dtype(p.dtype) if dtype is None else dtype
        flat = p.reshape(-1)
        if flat.dtype == np.float64:
            hits = self._unit_doubles(flat.size) < flat
        else:
            hits = _unit_floats(self._engine, flat.size, _dt.float32) < flat.astype(_F32)
        return _cast_double(hits.astype(np.float64), dtype).reshape(p.shape)

    # -- multinomial / poisson ----------------------------------------------------------------

    def _multinomial(
        self, probs: np.ndarray, num_samples: int, replacement: bool = False
    ) -> np.ndarray:
        """``torch.multinomial(probs, num_samples, replacement)`` for 1-D or 2-D ``probs``."""
        probs = np.asarray(probs)
        if probs.ndim not in (1, 2):
            raise RuntimeError("prob_dist must be 1 or 2 dim")
        if not _dt.from_numpy_dtype(probs.dtype).is_floating_point:
            raise RuntimeError(
                "multinomial only supports floating-point dtypes for input, "
                f"got: {_c10_name(_dt.from_numpy_dtype(probs.dtype))[1:-1]}"
            )
        if num_samples <= 0:
            raise RuntimeError("cannot sample n_sample <= 0 samples")
        n_categories = probs.shape[-1]
        if not replacement and num_samples > n_categories:
            raise RuntimeError(
                "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
            )
        rows = probs.reshape(-1, n_categories)
        if not replacement or num_samples == 1:
            return self._multinomial_exponential_race(rows, num_samples).reshape(
                probs.shape[:-1] + (num_samples,)
            )
        acc = np.float64 if probs.dtype == np.float64 else np.float32
        out = np.empty((len(rows), num_samples), dtype=np.int64)
        for i, row in enumerate(rows.astype(acc)):
            if (row < 0).any():
                raise RuntimeError(
                    "invalid multinomial distribution (encountering probability entry < 0)"
                )
            if not np.isfinite(row).all():
                raise RuntimeError(
                    "invalid multinomial distribution (encountering probability "
                    "entry = infinity or NaN)"
                )
            cumulative = np.cumsum(row, dtype=acc)  # sequential, like the kernel's running sum
            total = cumulative[-1]
            if not total > 0:
                raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
            cumulative = (cumulative / total).astype(acc)
            cumulative[-1] = 1
            u = self._unit_doubles(num_samples)
            # first bucket whose cumulative probability is >= u (the kernel's binary search)
            out[i] = np.searchsorted(cumulative.astype(np.float64), u, side="left")
        return out.reshape(probs.shape[:-1] + (num_samples,))

    def _multinomial_exponential_race(self, rows: np.ndarray, num_samples: int) -> np.ndarray:
        """Sampling without replacement (and any single draw): ``argmax``/``topk`` of
        ``p / q`` with ``q ~ Exp(1)`` drawn for every entry, as PyTorch does."""
        if not (np.isfinite(rows).all() and (rows >= 0).all()):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if (rows.sum(axis=-1) <= 0).any():
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        dtype = _dt.from_numpy_dtype(rows.dtype)
        q = self._exponential(rows.shape, dtype, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = (rows / q).astype(rows.dtype)
        if num_samples == 1:
            return np.argmax(ratio, axis=-1)[:, None].astype(np.int64)
        # topk: largest first; among equal values the lower index first
        order = np.argsort(-ratio.astype(np.float64), axis=-1, kind="stable")
        return order[:, :num_samples].astype(np.int64)

    def _poisson(self, rates: np.ndarray) -> np.ndarray:
        """``torch.poisson(rates)``: one sample per element (Knuth's product of uniforms for
        rates < 10, Hoermann's transformed rejection above), in element order."""
        rates = np.asarray(rates)
        if not _dt.from_numpy_dtype(rates.dtype).is_floating_point:
            raise NotImplementedError(
                '"poisson_cpu" not implemented for ' + _c10_name(_dt.from_numpy_dtype(rates.dtype))
            )
        if (rates < 0).any() or np.isnan(rates).any():
            raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
        draw = lambda: float(self._unit_doubles(1)[0])
        samples = [_poisson_sample(float(lam), draw) for lam in rates.reshape(-1).tolist()]
        return _cast_double(
            np.array(samples, dtype=np.float64), _dt.from_numpy_dtype(rates.dtype)
        ).reshape(rates.shape)

    # -- jax interop ---------------------------------------------------------------------------

    def _jax_key(self):
        """A ``jax.random`` key derived from this generator (advances it by one 64-bit draw)."""
        bits = int(self._engine.words64(1)[0])
        return jax.random.key(bits & 0x7FFFFFFFFFFFFFFF)

    # -- state ---------------------------------------------------------------------------------

    def get_state(self):
        """The state as a new ``torch.uint8`` tensor of 5056 bytes, PyTorch's exact layout (a
        state saved by PyTorch loads here, and the other way round)."""
        return _byte_tensor(self._get_state_np())

    def set_state(self, new_state) -> Generator:
        if not isinstance(new_state, Tensor):
            cls = type(new_state)
            name = (
                cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__name__}"
            )
            raise TypeError(f"expected a torch.ByteTensor, but got {name}")
        if new_state.dtype is not _dt.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        self._set_state_np(np.asarray(new_state._value))
        return self

    def clone_state(self) -> Generator:
        """A new generator on the same device in the same state."""
        twin = Generator(self._device)
        twin._set_state_np(self._get_state_np())
        return twin

    def _exchange_state(self, other: Generator) -> None:
        """Swap streams (engine and cached normals) with ``other`` in O(1): a DataLoader worker
        played in this process draws from its own stream through the default generator."""
        mine, theirs = self.__dict__, other.__dict__
        for name in ("_engine", "_next_double_normal", "_next_float_normal"):
            mine[name], theirs[name] = theirs[name], mine[name]

    # pickling / copy.deepcopy, in PyTorch's shape: (class, (device,), (seed, offset, state))
    def __reduce__(self):
        return (Generator, (self._device,), (self.initial_seed(), None, self.get_state()))

    def __setstate__(self, state):
        seed, _offset, byte_state = state
        self.manual_seed(seed)
        self.set_state(byte_state)

    def _get_state_np(self) -> np.ndarray:
        """The state as the 5056 bytes of ``torch.get_rng_state().numpy()``."""
        engine = self._engine
        record = np.zeros((), dtype=_STATE_LAYOUT)
        record["seed"] = engine.seed
        record["left"] = engine.left
        record["seeded"] = 1
        record["next"] = engine.next
        record["key"] = engine.key
        if self._next_double_normal is not None:
            record["normal_is_valid"] = 1
            record["normal_y"] = self._next_double_normal
        if self._next_float_normal is not None:
            record["float_normal_is_valid"] = 1
            record["float_normal"] = self._next_float_normal
        return np.frombuffer(record.tobytes(), dtype=np.uint8).copy()

    def _set_state_np(self, state: np.ndarray) -> None:
        """Load bytes produced by ``_get_state_np`` or by ``torch.get_rng_state().numpy()``."""
        state = np.asarray(state)
        if state.dtype != np.uint8:
            raise RuntimeError("RNG state must be a torch.ByteTensor")
        if state.size != _STATE_NBYTES:
            raise RuntimeError(
                f"Expected a CPUGeneratorImplState of size {_STATE_NBYTES} but "
                f"found the input RNG state size to be {state.size}"
            )
        record = np.frombuffer(np.ascontiguousarray(state).tobytes(), dtype=_STATE_LAYOUT)[0]
        left, nxt, seeded = int(record["left"]), int(record["next"]), int(record["seeded"])
        if not (seeded == 1 and 0 < left <= _N and nxt <= _N):
            raise RuntimeError("Invalid mt19937 state")
        engine = self._engine
        engine.seed = int(record["seed"])
        engine.key = record["key"].astype(np.uint32)  # stored as 64-bit words
        engine.next = nxt
        engine.left = left
        engine._block = None
        self._next_double_normal = float(record["normal_y"]) if record["normal_is_valid"] else None
        self._next_float_normal = (
            float(record["float_normal"]) if record["float_normal_is_valid"] else None
        )

    def __repr__(self):
        return f"<torch._C.Generator object at {hex(id(self))}>"


def _byte_tensor(values: np.ndarray):
    return Tensor._make(jnp.asarray(values, dtype=np.uint8), _dt.uint8)


def _infer_size(a, b) -> tuple:
    """Broadcast shape of two shapes, with PyTorch's error."""
    ndim = max(len(a), len(b))
    out = []
    for i in range(ndim):
        da = a[i - ndim + len(a)] if i - ndim + len(a) >= 0 else 1
        db = b[i - ndim + len(b)] if i - ndim + len(b) >= 0 else 1
        if da != db and da != 1 and db != 1:
            raise RuntimeError(
                f"The size of tensor a ({da}) must match the size of tensor b "
                f"({db}) at non-singleton dimension {i}"
            )
        out.append(da if db == 1 else db)
    return tuple(out)


def _inplace_arith(out: np.ndarray, other, ufunc, dtype) -> np.ndarray:
    """``out.mul_(other)`` / ``out.add_(other)`` on the CPU: computed in the promoted type
    (float32 at least, the "opmath" type of the 16-bit floats; a Python float operand does not
    promote) and rounded to ``out``'s dtype."""
    if isinstance(other, np.ndarray):
        compute = _dt.promote_types(dtype, _dt.from_numpy_dtype(other.dtype))
    else:
        compute = dtype
    acc = _F64 if compute is _dt.float64 else _F32
    result = ufunc(
        out.astype(acc),
        np.asarray(other).astype(acc) if isinstance(other, np.ndarray) else acc(other),
    )
    return np.asarray(result).astype(dtype._np)


def _float_dtype(dtype, kernel_name):
    dtype = _dt.get_default_dtype() if dtype is None else dtype
    _check_floating(dtype, kernel_name)
    return dtype


def _fmt_double(x: float) -> str:
    """A double as PyTorch's error messages print it (C++ stream formatting)."""
    return f"{x:g}"


def _libm(fn, x: np.ndarray) -> np.ndarray:
    """Element-wise ``fn`` from Python's ``math`` module, i.e. the C library function PyTorch
    calls (NumPy's SIMD versions differ from it in the last bit for some inputs)."""
    flat = np.asarray(x, dtype=np.float64).reshape(-1)
    return np.fromiter(map(fn, flat.tolist()), dtype=np.float64, count=flat.size).reshape(
        np.shape(x)
    )


def _log_or_minus_inf(x: float) -> float:
    return math.log(x) if x > 0 else -math.inf


def _exp_or_inf(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _cast_double(values: np.ndarray, dtype) -> np.ndarray:
    """``static_cast<scalar_t>(double)``; c10's 16-bit floats convert from float only, so a
    double is rounded to float32 first (two roundings, as in PyTorch)."""
    if dtype is _dt.bool_:
        return values != 0
    if dtype is _dt.float16 or dtype is _dt.bfloat16:
        return values.astype(_F32).astype(dtype._np)
    if dtype.is_floating_point:
        return values.astype(dtype._np)
    # C++ float-to-integer conversion truncates; out-of-range values are undefined there.
    with np.errstate(invalid="ignore"):
        return values.astype(np.int64).astype(dtype._np)


def _poisson_sample(lam: float, uniform) -> float:
    """One Poisson draw as PyTorch's ``sample_poisson`` makes it."""
    if lam >= 10:
        # Transformed rejection with squeeze (Hoermann 1993, "PTRS").
        slam = math.sqrt(lam)
        loglam = math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
        v_r = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = uniform() - 0.5
            v = uniform()
            us = 0.5 - abs(u)
            k = math.floor((2 * a / us + b) * u + lam + 0.43)
            if us >= 0.07 and v <= v_r:
                return float(k)
            if k < 0 or (us < 0.013 and v > us):
                continue
            if _log_or_minus_inf(v) + math.log(inv_alpha) - math.log(
                a / (us * us) + b
            ) <= -lam + k * loglam - math.lgamma(k + 1.0):
                return float(k)
    if lam == 0:
        return 0.0
    # Multiply uniforms until the product drops below exp(-lam).
    limit = math.exp(-lam)
    count, product = 0, 1.0
    while True:
        product *= uniform()
        if product > limit:
            count += 1
        else:
            return float(count)


def _replay_swaps(n: int, targets: np.ndarray) -> np.ndarray:
    perm = list(range(n))
    for i, j in enumerate(targets.tolist()):
        perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm, dtype=np.int64)


def _solve_swaps(n: int, targets: np.ndarray) -> np.ndarray:
    """The result of swapping position i with ``targets[i]`` (>= i) for i = 0, 1, ..., without
    a Python loop.

    Position i is final after step i, and holds what position ``targets[i]`` held just before.
    A position p > i changes before step i only when an earlier step k targets it, and then it
    receives what position k held just before step k.  So with ``arriving(i)`` = the value at
    position i just before step i = ``arriving(k)`` for the last earlier step k that targeted i
    (or i itself if none), every answer is a lookup of ``arriving``, and ``arriving`` is a chain
    of "last step that targeted me" links, followed to its end by pointer jumping."""
    n_steps = n - 1
    step = np.arange(n_steps, dtype=np.int64)
    by_target = np.argsort(targets * n + step)  # grouped by target, steps ascending
    sorted_targets = targets[by_target]
    same_as_previous = np.zeros(n_steps, dtype=bool)
    same_as_previous[1:] = sorted_targets[1:] == sorted_targets[:-1]
    # previous step with the same target, for every step (-1 if none)
    previous_same = np.full(n_steps, -1, dtype=np.int64)
    previous_same[by_target[same_as_previous]] = by_target[np.flatnonzero(same_as_previous) - 1]
    # link[p] = last step k < p that targeted position p (k == p, a self-swap, doesn't count)
    link = np.arange(n, dtype=np.int64)
    group_end = np.flatnonzero(np.append(sorted_targets[1:] != sorted_targets[:-1], True))
    last_step, target = by_target[group_end], sorted_targets[group_end]
    self_swap = last_step == target
    earlier = np.where(self_swap, previous_same[last_step], last_step)
    has_link = earlier >= 0
    link[target[has_link]] = earlier[has_link]
    arriving = link
    while True:
        jumped = arriving[arriving]
        if np.array_equal(jumped, arriving):
            break
        arriving = jumped
    perm = np.empty(n, dtype=np.int64)
    perm[:n_steps] = np.where(previous_same >= 0, arriving[np.maximum(previous_same, 0)], targets)
    perm[n - 1] = arriving[n - 1]
    return perm


def _cast_int64(values: np.ndarray, dtype) -> np.ndarray:
    """``static_cast<scalar_t>(int64)``: wrapping for narrow integers, rounding for floats
    (through float32 for the 16-bit floats, as c10 converts)."""
    if dtype is _dt.bool_:
        return values != 0
    if dtype is _dt.float16 or dtype is _dt.bfloat16:
        return values.astype(_F32).astype(dtype._np)
    return values.astype(dtype._np)


default_generator = Generator()
default_generator.manual_seed(_nondeterministic_seed())


def manual_seed(seed) -> Generator:
    """``torch.manual_seed``: seeds the default generator and returns it.  ``int(seed)`` first,
    as PyTorch does (so ``manual_seed(2.5)`` seeds with 2)."""
    return default_generator.manual_seed(int(seed))


def seed() -> int:
    """``torch.seed``: seeds the default generator from the OS and returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state, a ``torch.uint8`` tensor (see ``Generator.get_state``)."""
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(
    devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type=None
):
    """``torch.random.fork_rng``: on leaving the block the default generator is back in the
    state it had on entering, however the block exits.  torchlike has one generator for every
    device, so ``devices`` and ``device_type`` only select nothing more to save."""
    if device_type == "meta" or not enabled:
        yield
        return
    if devices is not None:
        devices = list(devices)  # a one-shot iterable is consumed here, as PyTorch does
    saved = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(saved)


def thread_safe_generator():
    """``torch.random.thread_safe_generator``: outside a DataLoader thread worker, ``None``."""
    return None


def jax_key(generator: Generator | None = None):
    """A ``jax.random`` key drawn from ``generator`` (default: the default generator)."""
    return (default_generator if generator is None else generator)._jax_key()


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
