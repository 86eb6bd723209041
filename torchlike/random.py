"""PyTorch-bit-identical CPU random numbers: ``Generator``, ``manual_seed`` and the samplers.

PyTorch's CPU generator is a 32-bit Mersenne Twister (MT19937) seeded with the classic
``init_genrand`` recurrence from the low 32 bits of a 64-bit seed.  Every sampler turns raw
32-bit words (or 64-bit words made of two consecutive 32-bit words, the first one high) into
values with a small fixed transformation, consuming the stream in element order.  We reproduce
the stream and each transformation exactly, so ``manual_seed(s)`` followed by any sequence of
sampler calls gives the very same bits as PyTorch on the CPU.

Speed: the raw words come from NumPy's C implementation of the same MT19937 recurrence
(``numpy.random.MT19937``), into which we load our 624-word key before each bulk draw; the
tempering of the current block and all transformations are vectorised NumPy.  Only the
inherently sequential parts (the Fisher-Yates swaps of ``randperm``, the Box-Muller cache of
tiny ``randn`` calls) loop in Python.

The samplers here work on NumPy arrays (``_rand``, ``_randn``, ...); the Tensor layer wraps them.

Getting a ``jax.random`` key from a Generator: ``jax_key(generator)`` (or
``generator._jax_key()``) draws 64 bits from the generator, advancing it like one ``random_()``
call on a one-element int64 tensor, and returns ``jax.random.key(bits)``.  The same seed and
call sequence therefore always give the same key, and successive calls give different keys.
"""

from __future__ import annotations

import math
import os

import numpy as np

from . import _dtype as _dt

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state", "jax_key"]

_N = 624  # MT19937 state words
_DEFAULT_SEED = 67280421310721  # PyTorch's seed for a freshly constructed torch.Generator()
_UINT64_MASK = (1 << 64) - 1
_STATE_NBYTES = 5056  # sizeof(CPUGeneratorImplState) on 64-bit platforms


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
            parts.append(self._block[self.next:self.next + take])
            self.next += take
            self.left -= take
        rest = n - take
        if rest:
            # Every further word comes from successive twists of the key.  NumPy's MT19937
            # twists and tempers exactly like PyTorch's; pos=624 makes its first draw twist.
            # We draw whole blocks so that the last block's tempered words stay cached.
            blocks = -(-rest // _N)
            bitgen = self._bitgen
            bitgen.state = {"bit_generator": "MT19937",
                            "state": {"key": self.key, "pos": _N}}
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

    def word(self) -> int:
        return int(self.words(1)[0])

    def word64(self) -> int:
        w = self.words(2)
        return (int(w[0]) << 32) | int(w[1])


# ---------------------------------------------------------------------------------------------
# Uniform floats.  PyTorch keeps the low 24 bits of a 32-bit word for float32 (and, computing in
# float32, for float16/bfloat16, rounding to the 16-bit type at the end), or the low 53 bits
# of a 64-bit word for float64, and scales by 2**-bits.


def _check_floating(dtype, op_name):
    if not dtype.is_floating_point:
        raise RuntimeError(f'"{op_name}" not implemented for {_c10_name(dtype)}')


def _c10_name(dtype) -> str:
    """PyTorch's scalar-type name as it appears in 'not implemented for' messages."""
    names = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
             "int64": "Long", "float16": "Half", "bfloat16": "BFloat16", "float32": "Float",
             "float64": "Double", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}
    return "'" + names[dtype._name] + "'"


def _unit_floats(engine: _MT19937, n: int, dtype) -> np.ndarray:
    """``n`` uniforms in [0, 1) in the accumulation type of ``dtype``: float64 for float64,
    float32 otherwise."""
    if dtype is _dt.float64:
        bits = engine.words64(n) & np.uint64((1 << 53) - 1)
        return bits.astype(np.float64) * (2.0 ** -53)
    bits = engine.words(n) & np.uint32((1 << 24) - 1)
    return bits.astype(np.float32) * np.float32(2.0 ** -24)


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
    """float32 fused multiply-add: a*b is exact in float64, so one float64 add and one
    rounding to float32 reproduce fma except in (vanishingly rare) double-rounding ties."""
    return (np.multiply(a, b, dtype=_F64) + c).astype(_F32)


_LOG_POLY = [_F32(c) for c in (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1,
                               -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
                               2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1)]
_LOG_Q1 = _F32(-2.12194440e-4)
_LOG_Q2 = _F32(0.693359375)
_SQRT_HALF = _F32(0.707106781186547524)


def _avx_log(u: np.ndarray) -> np.ndarray:
    """Natural log of float32 values in (0, 1], bit-identical to PyTorch's AVX2 log256_ps
    (Cephes logf: split off the exponent, degree-8 polynomial on the mantissa)."""
    mant, expo = np.frexp(u)  # mant in [0.5, 1); same split as the bit manipulation
    e = expo.astype(_F32)
    small = mant < _SQRT_HALF
    # x = 2*mant - 1 or mant - 1; both are exact in float32.
    x = mant - _F32(1)
    x += np.where(small, mant, _F32(0))
    e -= small
    z = x * x
    y = np.full_like(x, _LOG_POLY[0])
    for coef in _LOG_POLY[1:]:
        y = _fma32(y, x, coef)
    y *= x
    y = _fma32(y, z, e * _LOG_Q1)
    y -= z * _F32(0.5)  # z*0.5 is exact, so fused or not gives the same result
    x += y
    x += e * _LOG_Q2  # exact product (Q2 has 9 significant bits)
    return x


_FOUR_OVER_PI = _F32(1.27323954473516)
_MINUS_DP = [_F32(-0.78515625), _F32(-2.4187564849853515625e-4), _F32(-3.77489497744594108e-8)]
_SIN_POLY = [_F32(-1.9515295891e-4), _F32(8.3321608736e-3), _F32(-1.6666654611e-1)]
_COS_POLY = [_F32(2.443315711809948e-005), _F32(-1.388731625493765e-003),
             _F32(4.166664568298827e-002)]


def _avx_sincos(x: np.ndarray):
    """(sin, cos) of non-negative float32 angles, bit-identical to PyTorch's sincos256_ps
    (Cephes sinf/cosf: octant reduction in three parts, two small polynomials)."""
    octant = (x * _FOUR_OVER_PI).astype(np.int32)
    octant = (octant + 1) & ~1
    y = octant.astype(_F32)
    sin_negative = (octant & 4) != 0
    cos_negative = (~(octant - 2) & 4) != 0
    use_sin_poly_for_sin = (octant & 2) == 0
    for dp in _MINUS_DP:
        x = _fma32(y, dp, x)
    z = x * x
    # cosine polynomial around 0
    c = _fma32(np.full_like(x, _COS_POLY[0]), z, _COS_POLY[1])
    c = _fma32(c, z, _COS_POLY[2])
    c *= z
    c = _fma32(c, z, -(z * _F32(0.5)))
    c += _F32(1)
    # sine polynomial around 0
    s = _fma32(np.full_like(x, _SIN_POLY[0]), z, _SIN_POLY[1])
    s = _fma32(s, z, _SIN_POLY[2])
    s *= z
    s = _fma32(s, x, x)
    sin = np.where(use_sin_poly_for_sin, s, c)
    cos = np.where(use_sin_poly_for_sin, c, s)
    np.negative(sin, out=sin, where=sin_negative)
    np.negative(cos, out=cos, where=cos_negative)
    return sin, cos


def _box_muller_blocks_f32(u: np.ndarray, mean: float, std: float) -> np.ndarray:
    """PyTorch's float32 ``normal_fill_16`` over consecutive blocks of 16 uniforms."""
    blocks = u.reshape(-1, 16)
    radius = np.sqrt(_F32(-2) * _avx_log(_F32(1) - blocks[:, :8]))
    theta = _F32(2.0 * math.pi) * blocks[:, 8:]
    sin, cos = _avx_sincos(theta)
    out = np.empty_like(blocks)
    mean32, std32 = _F32(mean), _F32(std)
    if std32 == 1 and mean32 == 0:
        np.multiply(radius, cos, out=out[:, :8])
        np.multiply(radius, sin, out=out[:, 8:])
    else:
        out[:, :8] = _fma32(radius * cos, std32, mean32)
        out[:, 8:] = _fma32(radius * sin, std32, mean32)
    return out.reshape(-1)


def _fma_like(x, scale, offset, acc):
    """``x * scale + offset`` as PyTorch computes it (plain multiply-add for now)."""
    return (x * scale + offset).astype(acc, copy=False)


def _glibc_log(x: np.ndarray) -> np.ndarray:
    """Element-wise float64 log through the C library's ``log`` (which PyTorch calls): NumPy's
    own SIMD log differs from it in the last bit for a fraction of inputs."""
    return np.fromiter(map(math.log, x.ravel().tolist()), dtype=_F64, count=x.size).reshape(x.shape)


def _box_muller_blocks_f64(u: np.ndarray, mean: float, std: float) -> np.ndarray:
    """PyTorch's scalar ``normal_fill_16<double>`` over blocks of 16 uniforms."""
    blocks = u.reshape(-1, 16)
    radius = np.sqrt(-2.0 * _glibc_log(1.0 - blocks[:, :8]))
    theta = (2.0 * math.pi) * blocks[:, 8:]
    out = np.empty_like(blocks)
    out[:, :8] = radius * np.cos(theta) * std + mean
    out[:, 8:] = radius * np.sin(theta) * std + mean
    return out.reshape(-1)


# ---------------------------------------------------------------------------------------------


def _to_uint64_seed(seed) -> int:
    """PyTorch accepts seeds in [-2**63, 2**64) and stores negative ones modulo 2**64."""
    seed = int(seed)
    if not -(1 << 63) <= seed <= _UINT64_MASK:
        raise RuntimeError("Overflow when unpacking long long")
    return seed & _UINT64_MASK


def _nondeterministic_seed() -> int:
    return int.from_bytes(os.urandom(8), "little")


class Generator:
    """``torch.Generator`` for the CPU: an MT19937 stream identical to PyTorch's."""

    def __init__(self, device="cpu"):
        self.device = device
        self._engine = _MT19937(_DEFAULT_SEED)
        # Box-Muller's second value, cached between double-precision normal draws.
        self._next_double_normal = None
        self._next_float_normal = None

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
        if dtype is _dt.float64 or dtype is _dt.float32:
            acc = dtype._np
            low_a, high_a = acc.type(low), acc.type(high)
            values = _fma_like(unit, high_a - low_a, low_a, acc) if (low, high) != (0.0, 1.0) else unit
            return values.reshape(shape)
        # float16/bfloat16: computed in float32 from the 16-bit bounds, then rounded; a value
        # that rounds up to `high` is replaced by `low`, keeping the interval half-open.
        low_t = np.array(low).astype(_F32).astype(dtype._np)
        high_t = np.array(high).astype(_F32).astype(dtype._np)
        low_f, high_f = _F32(low_t), _F32(high_t)
        values = (unit * (high_f - low_f) + low_f).astype(dtype._np)
        values[values == high_t] = low_t
        return values.reshape(shape)

    def _randn(self, shape, dtype=None) -> np.ndarray:
        """``torch.randn(*shape, dtype=dtype)``."""
        return self._normal_fill(shape, dtype, 0.0, 1.0)

    def _normal_fill(self, shape, dtype, mean: float, std: float,
                     contiguous: bool = True) -> np.ndarray:
        """``tensor.normal_(mean, std)`` on a tensor of ``shape``/``dtype``, returned as a new
        array (``contiguous=False`` selects PyTorch's element-by-element path used for
        non-contiguous tensors)."""
        dtype = _dt.get_default_dtype() if dtype is None else dtype
        _check_floating(dtype, "normal_kernel_cpu")
        n = _numel(shape)
        if n >= 16 and contiguous:
            out = self._normal_blocks(n, dtype, mean, std)
        else:
            out = self._normal_serial(n, mean, std).astype(dtype._np)
        return out.reshape(shape)

    def _normal_blocks(self, n: int, dtype, mean: float, std: float) -> np.ndarray:
        engine = self._engine
        if dtype is _dt.float64 or dtype is _dt.float32:
            transform = _box_muller_blocks_f64 if dtype is _dt.float64 else _box_muller_blocks_f32
            u = _unit_floats(engine, n, dtype)
            tail = _unit_floats(engine, 16, dtype) if n % 16 else None
            whole = n - n % 16
            out = np.empty(n, dtype=dtype._np)
            out[:whole] = transform(u[:whole], mean, std)
            if tail is not None:
                out[n - 16:] = transform(tail, mean, std)
            return out
        # float16/bfloat16: computed in float32 block by block, each block drawing its own 16
        # uniforms, so only the re-drawn tail block costs extra words; rounded at the end.
        whole = n - n % 16
        out = np.empty(n, dtype=_F32)
        out[:whole] = _box_muller_blocks_f32(_unit_floats(engine, whole, _dt.float32), mean, std)
        if n % 16:
            out[n - 16:] = _box_muller_blocks_f32(_unit_floats(engine, 16, _dt.float32), mean, std)
        return out.astype(dtype._np)

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
        return np.array([draw() * std + mean for _ in range(n)], dtype=_F64)

    def _randint(self, low: int, high: int, shape, dtype=None) -> np.ndarray:
        """``torch.randint(low, high, shape, dtype=dtype)`` (default dtype int64)."""
        dtype = _dt.int64 if dtype is None else dtype
        n = _numel(shape)
        span = int(high) - int(low)
        if span <= 0:
            raise RuntimeError(
                f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
        values = self._from_to_values(n, span, int(low), dtype)
        return _cast_int64(values, dtype).reshape(shape)

    def _from_to_values(self, n: int, span: int, base: int, dtype) -> np.ndarray:
        """``(word % span) + base`` as int64 (wrapping), with 64-bit words for wide ranges."""
        wide_types = (_dt.int64, _dt.float64, _dt.float32, _dt.bfloat16)
        if span >= (1 << 32) and dtype in wide_types:
            words = self._engine.words64(n)
        else:
            words = self._engine.words(n).astype(np.uint64)
        values = (words % np.uint64(span)) + np.uint64(base & _UINT64_MASK)
        return values.view(np.int64)

    def _randperm(self, n: int, dtype=None) -> np.ndarray:
        """``torch.randperm(n, dtype=dtype)`` (default dtype int64).

        PyTorch swaps ``r[i]`` with ``r[i + word % (n - i)]`` for i = 0 .. n-2.  The swap
        targets are computed vectorised; the swaps themselves are sequential."""
        dtype = _dt.int64 if dtype is None else dtype
        n = int(n)
        if n < 0:
            raise RuntimeError(f"n must be non-negative, got{n}")
        perm = list(range(n))
        if n > 1:
            positions = np.arange(n - 1, dtype=np.uint64)
            words = self._engine.words(n - 1).astype(np.uint64)
            targets = (words % (np.uint64(n) - positions) + positions).tolist()
            for i, j in enumerate(targets):
                perm[i], perm[j] = perm[j], perm[i]
        return _cast_int64(np.array(perm, dtype=np.int64), dtype)

    # -- jax interop ---------------------------------------------------------------------------

    def _jax_key(self):
        """A ``jax.random`` key derived from this generator (advances it by one 64-bit draw)."""
        import jax

        bits = int(self._engine.words64(1)[0])
        return jax.random.key(bits & 0x7FFFFFFFFFFFFFFF)

    # -- state ---------------------------------------------------------------------------------

    def get_state(self):
        return self._get_state_np()

    def set_state(self, new_state):
        self._set_state_np(np.asarray(new_state))
        return self

    def _get_state_np(self) -> np.ndarray:
        raise NotImplementedError

    def _set_state_np(self, state: np.ndarray) -> None:
        raise NotImplementedError

    def __repr__(self):
        return f"<torch._C.Generator object at {hex(id(self))}>"


def _cast_int64(values: np.ndarray, dtype) -> np.ndarray:
    """``static_cast<scalar_t>(int64)``: wrapping for narrow integers, rounding for floats."""
    if dtype is _dt.bool_:
        return values != 0
    return values.astype(dtype._np)


default_generator = Generator()
default_generator.manual_seed(_nondeterministic_seed())


def manual_seed(seed) -> Generator:
    """``torch.manual_seed``: seeds the default CPU generator and returns it."""
    return default_generator.manual_seed(seed)


def seed() -> int:
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state():
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    default_generator.set_state(new_state)


def jax_key(generator: Generator | None = None):
    """A ``jax.random`` key drawn from ``generator`` (default: the default generator)."""
    return (default_generator if generator is None else generator)._jax_key()
