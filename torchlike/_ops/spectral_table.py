"""The op table's spectral part: the discrete Fourier transforms behind ``torch.fft``, ``stft`` /
``istft``, and the special functions of ``torch.special`` that the core table lacks.

Same rules as ``table.py``: one ``Op`` per PyTorch grad node, a pure JAX ``impl``, gradients from
``jax.vjp``.  PyTorch composes some of these from several nodes (``ifft`` of a real tensor is
``conj(fft_r2c(x))``, ``stft`` ends in a transpose); here each is one node named after PyTorch's
top node, as the core table does for other composites.

Normalization codes are PyTorch's ``fft_norm_mode`` (what ``_saved_normalization`` shows):
0 none, 1 by 1/sqrt(n), 2 by 1/n, where n is the product of the signal sizes transformed.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import jax.scipy.special as jss
from jax import lax

from .core import Op
from .table import OPS, SELF, _digamma, exact_divide

RESULT_SELF = {"self": 0, "result": "result"}


# ---------------------------------------------------------------------------------- fft
def _resize(x, dims, sizes):
    """Zero-pad or trim ``x`` along ``dims`` to ``sizes`` (PyTorch's ``n=`` / ``s=``)."""
    for d, n in zip(dims, sizes):
        have = x.shape[d]
        if n < have:
            x = lax.slice_in_dim(x, 0, n, axis=d)
        elif n > have:
            pad = [(0, 0)] * x.ndim
            pad[d] = (0, n - have)
            x = jnp.pad(x, pad)
    return x


def _scale(y, normalization, n):
    if normalization == 0:
        return y
    factor = 1 / math.sqrt(n) if normalization == 1 else 1 / n
    return y * jnp.asarray(factor, jnp.finfo(y.dtype).dtype)


def _complex_of(x):
    if jnp.issubdtype(x.dtype, jnp.complexfloating):
        return x
    return x.astype(jnp.complex64 if x.dtype == jnp.float32 else jnp.complex128)


def _fft_c2c(x, *, dim, sizes, normalization, forward):
    x = _resize(_complex_of(x), dim, sizes)
    y = jnp.fft.fftn(x, axes=dim) if forward else jnp.fft.ifftn(x, axes=dim, norm="forward")
    return _scale(y, normalization, math.prod(x.shape[d] for d in dim))


def _fft_r2c(x, *, dim, sizes, normalization, onesided, conj=False):
    x = _resize(x, dim, sizes)
    n = math.prod(x.shape[d] for d in dim)
    y = jnp.fft.rfftn(x, axes=dim) if onesided else jnp.fft.fftn(_complex_of(x), axes=dim)
    y = _scale(y, normalization, n)
    return jnp.conj(y) if conj else y


def _fft_c2r(x, *, dim, sizes, normalization, conj=False):
    """``sizes`` are the real output's sizes; the last transformed dim of the input is read up
    to ``sizes[-1] // 2 + 1`` (Hermitian half), padded with zeros if shorter."""
    x = _complex_of(x)
    x = _resize(x, dim, tuple(sizes[:-1]) + (sizes[-1] // 2 + 1,))
    if conj:
        x = jnp.conj(x)
    y = jnp.fft.irfftn(x, s=sizes, axes=dim, norm="forward")
    return _scale(y, normalization, math.prod(sizes))


def _fft_ihfftn(x, *, dim, sizes, normalization):
    # the Hermitian-input inverse: conj of the one-sided forward transform
    return _fft_r2c(x, dim=dim, sizes=sizes, normalization=normalization, onesided=True, conj=True)


FFT_DIM = {"dim": "dim", "normalization": "normalization"}
OPS["fft_c2c"] = Op(
    "fft_c2c", _fft_c2c, "FftC2CBackward0", linear=True, saved={**FFT_DIM, "forward": "forward"}
)
OPS["fft_r2c"] = Op(
    "fft_r2c",
    _fft_r2c,
    "FftR2CBackward0",
    linear=True,
    saved={"self": 0, **FFT_DIM, "onesided": "onesided"},
)
OPS["fft_c2r"] = Op("fft_c2r", _fft_c2r, "FftC2RBackward0", linear=True, saved=FFT_DIM)
# ifft / ihfft of a real signal: PyTorch's top node is the conj over FftR2CBackward0
OPS["fft_r2c_conj"] = Op(
    "fft_r2c", lambda x, **kw: _fft_r2c(x, conj=True, **kw), "ConjBackward0", linear=True
)
# ihfft2 / ihfftn: PyTorch ends in a c2c transform over the leading dims
OPS["fft_ihfftn"] = Op(
    "fft_c2c",
    _fft_ihfftn,
    "FftC2CBackward0",
    linear=True,
    saved={**FFT_DIM, "forward": "forward"},
    saved_defaults={"forward": False},
)


# ---------------------------------------------------------------------------------- stft
def _frames(x, n_fft, hop, n_frames):
    # (..., n_frames, n_fft) windows of the last dim: a gather with static indices
    idx = jnp.arange(n_frames)[:, None] * hop + jnp.arange(n_fft)[None, :]
    return x[..., idx]


def _stft(x, window, *, n_fft, hop_length, pad, pad_mode, normalized, onesided, as_real, win_pad):
    if pad:
        width = [(0, 0)] * (x.ndim - 1) + [(pad, pad)]
        x = jnp.pad(x, width, mode=pad_mode)
    n_frames = 1 + (x.shape[-1] - n_fft) // hop_length
    frames = _frames(x, n_fft, hop_length, n_frames)
    if window is not None:
        frames = frames * jnp.pad(window, [win_pad])
    y = jnp.fft.rfft(frames, axis=-1) if onesided else jnp.fft.fft(_complex_of(frames), axis=-1)
    if normalized:
        y = y * jnp.asarray(1 / math.sqrt(n_fft), jnp.finfo(y.dtype).dtype)
    y = jnp.swapaxes(y, -1, -2)
    return jnp.stack([y.real, y.imag], axis=-1) if as_real else y


def _istft(
    spec,
    window,
    *,
    n_fft,
    hop_length,
    center,
    normalized,
    onesided,
    length,
    win_pad,
    return_complex,
):
    frames_f = jnp.swapaxes(spec, -1, -2)  # (..., n_frames, freq)
    if normalized:
        frames_f = frames_f * jnp.asarray(math.sqrt(n_fft), jnp.finfo(spec.dtype).dtype)
    if onesided:
        frames = jnp.fft.irfft(frames_f, n=n_fft, axis=-1)
    else:
        frames = jnp.fft.ifft(frames_f, n=n_fft, axis=-1)
        frames = frames if return_complex else frames.real
    real = jnp.finfo(frames.dtype).dtype
    win = jnp.ones((n_fft,), real) if window is None else jnp.pad(window.astype(real), [win_pad])
    frames = frames * win
    n_frames = frames.shape[-2]
    expected = n_fft + hop_length * (n_frames - 1)
    idx = (jnp.arange(n_frames)[:, None] * hop_length + jnp.arange(n_fft)[None, :]).reshape(-1)
    batch = frames.shape[:-2]
    y = jnp.zeros(batch + (expected,), frames.dtype).at[..., idx].add(frames.reshape(batch + (-1,)))
    env = jnp.zeros((expected,), real).at[idx].add(jnp.tile(win * win, n_frames))
    start = n_fft // 2 if center else 0
    end = expected - n_fft // 2 if center else expected
    if length is not None:
        end = start + length
    y = lax.slice_in_dim(_resize(y, (y.ndim - 1,), (max(end, expected),)), start, end, axis=-1)
    env = lax.slice_in_dim(_resize(env, (0,), (max(end, expected),)), start, end, axis=0)
    # PyTorch divides by the window envelope only after checking it is non-zero (istft raises
    # otherwise, a host-side check in the signature); padding past the frames is 0 / 1 there
    return exact_divide(y, jnp.where(env == 0, jnp.ones((), env.dtype), env))


# PyTorch's top node: the final transpose, or for a 1-D signal the squeeze of its batch dim
OPS["stft"] = Op("stft", _stft, "TransposeBackward1", edges=2)
OPS["stft_1d"] = Op(
    "stft", lambda x, w, **kw: _stft(x[None], w, **kw)[0], "SqueezeBackward4", edges=2
)
OPS["istft"] = Op("istft", _istft, "DivBackward0", edges=2)


# ---------------------------------------------------------------------------------- special
def _entr(x):
    pos = x > 0
    safe = jnp.where(pos, x, jnp.ones((), x.dtype))
    return jnp.where(
        pos,
        -safe * jnp.log(safe),
        jnp.where(
            x == 0,
            jnp.zeros((), x.dtype),
            jnp.where(jnp.isnan(x), x, jnp.full((), -jnp.inf, x.dtype)),
        ),
    )


def _erfcx(x):
    # exp(x^2) erfc(x) overflows float32 past x ~ 9.4: from x > 9 on, the asymptotic series
    # 1/(x sqrt(pi)) sum_k (-1)^k (2k-1)!! / (2x^2)^k, whose 12 terms are exact to rounding there
    big = x > 9
    xs = jnp.where(big, jnp.zeros((), x.dtype), x)
    xb = jnp.where(big, x, jnp.full((), 10, x.dtype))
    small = jnp.exp(xs * xs) * jss.erfc(xs)
    inv = 1 / (2 * xb * xb)
    term, series = jnp.ones_like(xb), jnp.ones_like(xb)
    for k in range(1, 12):
        term = -term * (2 * k - 1) * inv
        series = series + term
    return jnp.where(big, series / (xb * math.sqrt(math.pi)), small)


def _ndtr(x):
    # PyTorch's composite (1 + erf(x / sqrt 2)) * 0.5, so the far left tail is 0 as there
    return (1 + jss.erf(x * (1 / math.sqrt(2)))) * 0.5


def _log_ndtr(x):
    return jss.log_ndtr(x)


def _ndtri(x):
    return jss.ndtri(x)


def _i0e(x):
    return jss.i0e(x)


def _i1(x):
    return jss.i1(x)


def _i1e(x):
    return jss.i1e(x)


def _pole(x):
    # the non-positive integers, where zeta(s, q) and polygamma(n, x) have poles
    return (x <= 0) & (x == jnp.floor(x))


def _polygamma(x, *, n):
    if n == 0:
        return _digamma(x)
    # (-1)^(n+1) n! zeta(n+1, x): +-inf at the poles, as PyTorch gives (jax: nan)
    pole = jnp.full((), (-1) ** (n + 1) * jnp.inf, x.dtype)
    out = jnp.where(_pole(x), pole, jss.polygamma(n, x))
    if n == 1:  # PyTorch's trigamma: 0 at inf, nan at -inf
        out = jnp.where(x == jnp.inf, 0, jnp.where(x == -jnp.inf, jnp.nan, out))
    return out


def _mvlgamma(x, *, p):
    const = p * (p - 1) / 4 * math.log(math.pi)
    terms = jnp.stack([jss.gammaln(x - j / 2) for j in range(p)], axis=0)
    return jnp.sum(terms, axis=0) + jnp.asarray(const, x.dtype)


def _xlog1py(x, y):
    return jss.xlog1py(x, y)


def _zeta(x, q):
    dt = jnp.result_type(x, q)
    out = jnp.where(_pole(q), jnp.full((), jnp.inf, dt), jss.zeta(x, q))
    # PyTorch's zeta(inf, q): 1 at q = 1, inf for 0 < q < 1 (jax: nan)
    at_inf = jnp.where(q == 1, 1, jnp.where((q > 0) & (q < 1), jnp.inf, out))
    return jnp.where(x == jnp.inf, at_inf.astype(dt), out)


def _igamma_at_inf(a, x, p, limit):
    # P(inf, x) = 0 and Q(inf, x) = 1 for finite x >= 0, as PyTorch gives (jax: nan)
    lim = jnp.where(jnp.isfinite(x) & (x >= 0), limit, jnp.nan).astype(p.dtype)
    # P(0, x) = 1 and Q(0, x) = 0 for x > 0 (JAX 0.4.x gives nan there)
    p = jnp.where((a == 0) & (x > 0), jnp.asarray(1 - limit, p.dtype), p)
    return jnp.where(a == jnp.inf, lim, p)


def _igamma(a, x):
    return _igamma_at_inf(a, x, jss.gammainc(a, x), 0)


def _igammac(a, x):
    return _igamma_at_inf(a, x, jss.gammaincc(a, x), 1)


def _bessel_j(x, order):
    """J_order(x) for order 0 or 1.  Small |x|: Bessel's integral (1/2pi) int cos(n t - x sin t)
    by the trapezoid rule, which converges geometrically for this periodic integrand (64 points
    are exact to rounding for |x| <= 25).  Large |x|: Hankel's asymptotic expansion."""
    ax = jnp.abs(x)
    small = ax <= 25
    xs = jnp.where(small, x, jnp.zeros((), x.dtype))
    t = jnp.arange(64, dtype=x.dtype) * (2 * math.pi / 64)
    near = jnp.mean(jnp.cos(order * t - xs[..., None] * jnp.sin(t)), axis=-1)
    xb = jnp.where(small, jnp.full((), 30, x.dtype), ax)
    mu = 4.0 * order * order
    p, q, term = jnp.ones_like(xb), jnp.zeros_like(xb), jnp.ones_like(xb)
    for k in range(1, 12):  # terms (mu - 1)(mu - 9).../(k! (8x)^k), alternating into P and Q
        term = term * (mu - (2 * k - 1) ** 2) / (k * 8 * xb)
        if k % 2:
            q = q + term * (-1) ** (k // 2)
        else:
            p = p + term * (-1) ** (k // 2)
    chi = xb - (2 * order + 1) * math.pi / 4
    far = jnp.sqrt(2 / (math.pi * xb)) * (p * jnp.cos(chi) - q * jnp.sin(chi))
    if order == 1:  # J1 is odd
        far = jnp.where(x < 0, -far, far)
    # near 0 the power series (x/2)^n sum_k (-x^2/4)^k / (k! (k+n)!) avoids the quadrature's
    # cancellation (J1(0) is exactly 0)
    tiny = ax <= 2
    xt = jnp.where(tiny, x, jnp.zeros((), x.dtype))
    q2 = -(xt * xt) / 4
    term = jnp.ones_like(xt) if order == 0 else xt / 2
    series = term
    for k in range(1, 20):
        term = term * q2 / (k * (k + order))
        series = series + term
    return jnp.where(tiny, series, jnp.where(small, near, far))


def _spherical_j0(x):
    nonzero = x != 0
    safe = jnp.where(nonzero, x, jnp.ones((), x.dtype))
    value = jnp.where(jnp.isinf(x), jnp.zeros((), x.dtype), jnp.sin(safe) / safe)
    return jnp.where(nonzero, value, jnp.ones((), x.dtype))


# ---------------------------------------------------------------------------------- polynomials
# name: (P_1(x), the recurrence's P_{k+1} from (x, k, P_k, P_{k-1}), shifted to [0, 1])
def _three_term(step_a, step_b, scale=None):
    def step(x, k, p, q):
        out = step_a(x, k) * p - step_b(k) * q
        return out if scale is None else out / scale(k)

    return step


_POLYNOMIALS = {
    "chebyshev_polynomial_t": (lambda x: x, _three_term(lambda x, k: 2 * x, lambda k: 1), False),
    "chebyshev_polynomial_u": (
        lambda x: 2 * x,
        _three_term(lambda x, k: 2 * x, lambda k: 1),
        False,
    ),
    "chebyshev_polynomial_v": (
        lambda x: 2 * x - 1,
        _three_term(lambda x, k: 2 * x, lambda k: 1),
        False,
    ),
    "chebyshev_polynomial_w": (
        lambda x: 2 * x + 1,
        _three_term(lambda x, k: 2 * x, lambda k: 1),
        False,
    ),
    "hermite_polynomial_h": (
        lambda x: 2 * x,
        _three_term(lambda x, k: 2 * x, lambda k: 2 * k),
        False,
    ),
    "hermite_polynomial_he": (lambda x: x, _three_term(lambda x, k: x, lambda k: k), False),
    "laguerre_polynomial_l": (
        lambda x: 1 - x,
        _three_term(lambda x, k: 2 * k + 1 - x, lambda k: k, lambda k: k + 1),
        False,
    ),
    "legendre_polynomial_p": (
        lambda x: x,
        _three_term(lambda x, k: (2 * k + 1) * x, lambda k: k, lambda k: k + 1),
        False,
    ),
}
for _kind in "tuvw":
    _first, _step, _ = _POLYNOMIALS[f"chebyshev_polynomial_{_kind}"]
    _POLYNOMIALS[f"shifted_chebyshev_polynomial_{_kind}"] = (_first, _step, True)


def _polynomial(first, step, shifted):
    """P_n(x) by its three-term recurrence, elementwise in (x, n): the loop runs to max(n) on
    the device (a while loop, no host sync) and each element keeps P at its own n; negative n
    give 0 and fractional n are truncated, as in PyTorch."""

    def impl(x, n):
        x, n = jnp.broadcast_arrays(x, n)
        if shifted:
            x = 2 * x - 1
        order = jnp.trunc(n).astype(jnp.int64)
        one = jnp.ones_like(x)
        p1 = first(x)
        start = jnp.where(order == 0, one, jnp.where(order == 1, p1, jnp.zeros_like(x)))

        def body(state):
            k, q, p, out = state
            nxt = step(x, k.astype(x.dtype), p, q)
            return k + 1, p, nxt, jnp.where(order == k + 1, nxt, out)

        top = jnp.max(order, initial=1)
        state = (jnp.ones((), jnp.int64), one, p1, start)
        return lax.while_loop(lambda st: st[0] < top, body, state)[3]

    return impl


for _name, (_first, _step, _shifted) in _POLYNOMIALS.items():
    # PyTorch records no derivative for these
    OPS["special_" + _name] = Op(
        "special_" + _name, _polynomial(_first, _step, _shifted), None, promote="float"
    )


OPS["special_erfcx"] = Op(
    "special_erfcx", _erfcx, "SpecialErfcxBackward0", promote="float", saved=RESULT_SELF
)
OPS["special_entr"] = Op("special_entr", _entr, "SpecialEntrBackward0", promote="float", saved=SELF)
# PyTorch's ndtr is a composite whose top node is the multiplication by 0.5
OPS["special_ndtr"] = Op(
    "special_ndtr",
    _ndtr,
    "MulBackward1",
    promote="float",
    saved={"other": "other"},
    saved_defaults={"other": 0.5},
)
OPS["special_ndtri"] = Op(
    "special_ndtri", _ndtri, "SpecialNdtriBackward0", promote="float", saved={"result": "result"}
)
OPS["special_log_ndtr"] = Op(
    "special_log_ndtr", _log_ndtr, "SpecialLogNdtrBackward0", promote="float", saved=RESULT_SELF
)
OPS["special_i0e"] = Op(
    "special_i0e", _i0e, "SpecialI0EBackward0", promote="float", saved=RESULT_SELF
)
OPS["special_i1"] = Op("special_i1", _i1, "SpecialI1Backward0", promote="float", saved=RESULT_SELF)
OPS["special_i1e"] = Op(
    "special_i1e", _i1e, "SpecialI1EBackward0", promote="float", saved=RESULT_SELF
)
OPS["polygamma"] = Op(
    "polygamma", _polygamma, "PolygammaBackward0", promote="float", saved={"n": "n", "self": 0}
)
OPS["mvlgamma"] = Op(
    "mvlgamma", _mvlgamma, "MvlgammaBackward0", promote="float", saved={"p": "p", "self": 0}
)
XY = {"self": 0, "other": 1}
OPS["special_xlog1py"] = Op(
    "special_xlog1py", _xlog1py, "SpecialXlog1PyBackward0", promote="float", saved=XY
)
# a Python number on one side: the tensor comes first so it is the node's only edge
OPS["special_xlog1py_self_scalar"] = Op(
    "special_xlog1py",
    lambda y, x: _xlog1py(x, y),
    "SpecialXlog1PyBackward1",
    promote="float",
    edges=1,
    saved={"self": ("scalar", 1), "other": 0},
)
OPS["special_xlog1py_other_scalar"] = Op(
    "special_xlog1py",
    _xlog1py,
    "SpecialXlog1PyBackward2",
    promote="float",
    edges=1,
    saved={"self": 0, "other": ("scalar", 1)},
)
OPS["xlogy_self_scalar"] = Op(
    "xlogy",
    lambda y, x: jss.xlogy(x, y),
    "XlogyBackward1",
    promote="float",
    edges=1,
    saved={"self": ("scalar", 1), "other": 0},
)
OPS["xlogy_other_scalar"] = Op(
    "xlogy",
    jss.xlogy,
    "XlogyBackward2",
    promote="float",
    edges=1,
    saved={"self": 0, "other": ("scalar", 1)},
)
OPS["special_zeta"] = Op("special_zeta", _zeta, "SpecialZetaBackward0", promote="float", saved=XY)
OPS["igamma"] = Op("igamma", _igamma, "IgammaBackward0", promote="float", saved=XY)
OPS["igammac"] = Op("igammac", _igammac, "IgammacBackward0", promote="float", saved=XY)


def _underived_self(fn, what):
    """``fn(self, other)`` whose derivative in ``self`` PyTorch does not implement: its backward
    raises PyTorch's error (when traced, so once per backward, before any value is computed).
    The signatures pick these entries only when ``self`` requires grad, as PyTorch raises
    only then."""

    @jax.custom_vjp
    def f(x, y):
        return fn(x, y)

    def fwd(x, y):
        return fn(x, y), (x, y)

    def bwd(res, g):
        raise NotImplementedError(f"the derivative for '{what}' is not implemented.")

    f.defvjp(fwd, bwd)
    return f


for _key, _fn, _what in (
    ("igamma", _igamma, "igamma: input"),
    ("igammac", _igammac, "igammac: input"),
    ("special_zeta", _zeta, "zeta"),
):
    _base = OPS[_key]
    OPS[_key + "_self_grad"] = Op(
        _base.name, _underived_self(_fn, _what), _base.node_cls.__name__, promote="float", saved=XY
    )
# PyTorch has no derivative for the Bessel functions of the first kind: no node
OPS["special_bessel_j0"] = Op("special_bessel_j0", lambda x: _bessel_j(x, 0), None, promote="float")
OPS["special_bessel_j1"] = Op("special_bessel_j1", lambda x: _bessel_j(x, 1), None, promote="float")
OPS["special_modified_bessel_i0"] = Op("special_modified_bessel_i0", jss.i0, None, promote="float")
OPS["special_modified_bessel_i1"] = Op("special_modified_bessel_i1", jss.i1, None, promote="float")
OPS["special_spherical_bessel_j0"] = Op(
    "special_spherical_bessel_j0", _spherical_j0, None, promote="float"
)

__all__ = ["OPS"]
