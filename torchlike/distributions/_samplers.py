"""PyTorch's C++ samplers: the standard gamma (Gamma, Chi2, Beta, Dirichlet, StudentT) over
its CPU stream, and binomial drawn from JAX's sampler.

``_standard_gamma`` and the Dirichlet draw replay PyTorch's CPU kernels element by element:
Marsaglia and Tsang's rejection loop over ``at::normal_distribution<double>`` (the
generator's cached Box-Muller pair) and ``at::uniform_real_distribution<double>`` draws, with
the kernel's float/double arithmetic, so a seeded script gets PyTorch's numbers and leaves the
generator where PyTorch leaves it.  It loops in Python over words read ahead in bulk.

PyTorch's ``binomial`` kernel runs a rejection loop we do not reproduce: those draws use
``jax.random`` with a key taken from torchlike's generator (``random.jax_key``), so
``manual_seed`` makes them reproducible, but they are JAX's numbers, not PyTorch's.

The reparameterised gamma sample keeps PyTorch's gradient: the implicit derivative
``dx/dalpha = -(dF/dalpha) / f(x)`` of the sample ``x`` through its CDF, which JAX computes as
``lax.random_gamma_grad``.  It enters the graph as ``x + (alpha - alpha.detach()) * dx/dalpha``:
the value is ``x`` exactly, and autograd sees the derivative.  A Dirichlet sample's gradient
is PyTorch's too: not the gammas' (a different, equally unbiased, estimator), but the implicit
derivative through each coordinate's Beta marginal (``_dirichlet_grad``), applied by the
``_Dirichlet`` Function as PyTorch's ``_DirichletBackward`` applies it.
"""

from __future__ import annotations

import math

import numpy as np
from jax.scipy.special import digamma

from .. import _caches
from .. import random as _random
from ._api import Tensor, jax, jax_key, jnp, torch

_F32 = np.float32
_THIRD_F = float(_F32(1.0) / _F32(3.0))  # the kernel's 1.0f / 3.0f
_C_F = float(_F32(0.0331))  # and its 0.0331f


class _Stream:
    """The generator's ``random64`` words, read ahead in bulk from its state: the rejection
    loop uses a data-dependent number of them, and ``commit`` advances the generator by exactly
    that many (with the Box-Muller cache where the loop left it)."""

    def __init__(self, gen, hint):
        self.gen = gen
        self.state = gen._get_state_np()
        self.words = gen._engine.words64(hint).tolist()
        self.pos = 0
        self.cache = gen._next_double_normal

    def uniform(self):
        """``at::uniform_real_distribution<double>(0, 1)``: 53 bits of a 64-bit word."""
        if self.pos == len(self.words):
            self.words.extend(self.gen._engine.words64(len(self.words) + 8).tolist())
        w = self.words[self.pos]
        self.pos += 1
        return (w & _MASK53) * _2_53

    def normal(self):
        """``at::normal_distribution<double>(0, 1)``: Box-Muller, the sine half cached."""
        cached = self.cache
        if cached is not None:
            self.cache = None
            return cached
        u1 = self.uniform()
        u2 = self.uniform()
        radius = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        self.cache = radius * math.sin(theta)
        return radius * math.cos(theta)

    def commit(self):
        gen = self.gen
        gen._set_state_np(self.state)
        if self.pos:
            gen._engine.words64(self.pos)
        gen._next_double_normal = self.cache


_MASK53 = (1 << 53) - 1
_2_53 = 2.0**-53


def _gamma_draws(alphas, gen, single):
    """PyTorch's ``sample_gamma`` for each alpha in order; ``single``: the kernel's scalar_t is
    float (alpha's own arithmetic in float32), else double."""
    stream = _Stream(gen, 3 * len(alphas) + 8)
    normal = stream.normal
    uniform = stream.uniform
    log = math.log
    out = []
    for alpha in alphas:
        scale = 1.0
        if alpha < 1.0:
            if alpha == 0.0:
                out.append(0.0)
                continue
            inv = float(_F32(1.0) / _F32(alpha)) if single else 1.0 / alpha
            scale *= math.pow(1.0 - uniform(), inv)
            alpha = float(_F32(alpha) + _F32(1.0)) if single else alpha + 1.0
        d = float(_F32(alpha) - _F32(_THIRD_F)) if single else alpha - _THIRD_F
        c = 1.0 / math.sqrt(9.0 * d)
        while True:
            while True:
                x = normal()
                y = 1.0 + c * x
                if y > 0:
                    break
            v = y * y * y
            u = 1.0 - uniform()
            xx = x * x
            if u < 1.0 - _C_F * xx * xx or log(u) < 0.5 * xx + d * (1.0 - v + log(v)):
                out.append(scale * d * v)
                break
    stream.commit()
    return out


def _generator(generator):
    return _random.default_generator if generator is None else generator


def _standard_gamma_values(alpha, generator=None):
    """``torch._standard_gamma``'s values (a NumPy array of alpha's dtype)."""
    a = np.asarray(alpha)
    single = a.dtype != np.float64
    draws = _gamma_draws(a.reshape(-1).astype(np.float64).tolist(), _generator(generator), single)
    dt = np.float64 if not single else np.float32
    x = np.array(draws, dtype=np.float64).astype(dt)
    return np.maximum(x, np.finfo(dt).tiny).astype(a.dtype).reshape(a.shape)


def _sample_dirichlet_values(alpha, generator=None):
    """``torch._sample_dirichlet``'s values: gammas drawn in double (against underflow),
    normalised in double, then clamped into (tiny, 1) in alpha's dtype."""
    a = np.asarray(alpha)
    draws = _gamma_draws(a.reshape(-1).astype(np.float64).tolist(), _generator(generator), False)
    g = np.maximum(np.array(draws, dtype=np.float64), np.finfo(np.float64).tiny).reshape(a.shape)
    ratio = (g / g.sum(-1, keepdims=True)).astype(a.dtype)
    top = np.nextafter(np.array(1.0, a.dtype), np.array(0.0, a.dtype))
    return np.minimum(top, np.maximum(np.finfo(a.dtype).tiny, ratio)), g


def _standard_gamma(concentration, generator=None):
    alpha = concentration.detach()._value
    x = jnp.asarray(_standard_gamma_values(np.asarray(alpha), generator))
    sample = Tensor._make(x, concentration.dtype)
    if not (concentration.requires_grad and torch.is_grad_enabled()):
        return sample
    dx_dalpha = Tensor._make(jax.lax.random_gamma_grad(alpha, x), concentration.dtype)
    return sample + (concentration - concentration.detach()) * dx_dalpha


def _sample_dirichlet(concentration, generator=None):
    """``torch._sample_dirichlet``: PyTorch's values, no graph (``Dirichlet.rsample`` wraps it
    in its ``_Dirichlet`` Function, whose backward is ``_dirichlet_grad``)."""
    values, _ = _sample_dirichlet_values(np.asarray(concentration.detach()._value), generator)
    return Tensor._make(jnp.asarray(values), concentration.dtype)


def _cf_terms(total):
    """Terms of the continued fraction for double precision: it converges in O(sqrt(alpha +
    beta)) of them (measured: 32 up to a total of 12, 64 at 144, 1024 at 1e6; 32 + 2 sqrt
    covers each with room), rounded up to a power of two so that few programs are compiled."""
    try:
        top = float(np.max(np.asarray(total))) if np.size(total) else 1.0
    except jax.errors.TracerArrayConversionError:  # traced: enough for totals up to ~1e6
        return 4096
    need = 32 + 2 * math.sqrt(max(top, 1.0))
    return int(min(2 ** math.ceil(math.log2(need)), 1 << 15))


def _betainc_cf(x, a, b, terms):
    """The continued fraction ``1 / (1 + d1 / (1 + d2 / ...))`` with
    ``I_x(a, b) = x^a (1-x)^b / (a B(a, b)) * cf``, evaluated from its tail so that it is a
    plain differentiable expression of ``a`` and ``b`` (JAX's betainc has no gradient in them).
    """
    k = jnp.arange(terms, 0, -1, dtype=x.dtype)
    m = jnp.floor(k / 2)
    d_odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
    d_even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
    d = jnp.where(k % 2 == 1, d_odd, d_even)
    tail, _ = jax.lax.scan(lambda t, dk: (1.0 + dk / t, None), jnp.ones_like(x), d)
    return 1.0 / tail


def _dirichlet_grad_one(x, a, total, terms):
    """``-(d/da I_x(a, b)) / pdf(x; a, b) / (1 - x)`` with ``b = total - a`` held fixed: the
    marginal Beta's implicit reparameterisation derivative, scaled as PyTorch's kernel scales
    it.  Computed exactly (PyTorch fits it with series and rational approximations, within
    about 0.2% of this).  The ratio to the density is taken analytically, so tiny ``x`` stays
    finite: where the fraction converges fast (x below the mean-ish point) ``I = front * cf``
    with ``front / pdf = x (1-x) / a``; above it ``I = 1 - front' * cf(1-x, b, a)`` with
    ``front' / pdf = x (1-x) / b``."""
    b = total - a
    dpsi = digamma(a) - digamma(total)
    one = jnp.ones_like(a)
    cf, dcf = jax.jvp(lambda a_: _betainc_cf(x, a_, b, terms), (a,), (one,))
    low = -(x / a) * ((jnp.log(x) - 1.0 / a - dpsi) * cf + dcf)
    cf2, dcf2 = jax.jvp(lambda a_: _betainc_cf(1.0 - x, b, a_, terms), (a,), (one,))
    high = (x / b) * ((jnp.log(x) - dpsi) * cf2 + dcf2)
    return jnp.where(x < (a + 1.0) / (total + 2.0), low, high)


@_caches.jit(name="distributions.dirichlet_grad", static_argnames=("terms",))
def _dirichlet_grad_kernel(x, alpha, total, *, terms):
    f64 = jnp.float64
    flat = [v.astype(f64).reshape(-1) for v in (x, alpha, total)]
    grad = jax.vmap(lambda *v: _dirichlet_grad_one(*v, terms))(*flat)
    return grad.reshape(x.shape).astype(x.dtype)


def _dirichlet_grad(x, alpha, total):
    """``torch._dirichlet_grad(x, alpha, total)``: d x / d alpha of a Dirichlet sample's
    coordinate through its Beta(alpha, total - alpha) marginal, divided by ``1 - x``."""
    total = total.detach()._value
    out = _dirichlet_grad_kernel(
        x.detach()._value, alpha.detach()._value, total, terms=_cf_terms(total)
    )
    return Tensor._make(out, x.dtype)


def _binomial(count, prob, generator=None):
    n = count.detach()._value
    p = prob.detach()._value
    key = jax_key(generator)
    # drawn in float64: JAX 0.4.x's binomial mixes float64 constants into a float32 clamp
    f64 = jnp.float64
    out = jax.random.binomial(key, n.astype(f64), p.astype(f64), dtype=f64).astype(p.dtype)
    return Tensor._make(out, prob.dtype)
