"""Bessel functions of the second kind (Y0, Y1), modified Bessel functions of the second kind
(K0, K1 and their exp-scaled forms) and the Airy function Ai: table entries without a
derivative, as in PyTorch.

Small arguments use the power series (DLMF 10.8.1, 10.31.1).  Large ones use Hankel's integral
(DLMF 10.9.E? / Watson 7.2): with u = s^2 the integrand becomes even and analytic in a strip of
half-width ~sqrt(x), so the trapezoid rule on a fixed grid converges geometrically and 53 nodes
reach float64 rounding.  Ai uses Taylor series of the Airy equation y'' = x y around the integers
in [-10, 10] (anchor values computed once in high precision and written below) and the
asymptotic expansions outside (error ~exp(-2 zeta) < 1e-19 there).
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np
from jax import lax

from .._ops.core import Op
from .._ops.table import OPS

_EULER = 0.57721566490153286061
_SERIES_TERMS = 30


def _series(x, n, sign):
    """(I_n or J_n, the digamma sum) of DLMF 10.8.1/10.31.1 for t = sign * x^2 / 4."""
    t = sign * x * x / 4
    term = jnp.ones_like(x) if n == 0 else x / 2
    psi = jnp.asarray(-_EULER, x.dtype)  # psi(k + 1)
    psi_n = psi + (1.0 if n == 1 else 0.0)  # psi(k + n + 1)

    # a loop, not an unrolled sum: a small program compiles in a fraction of the time
    def step(k, carry):
        term, base, psi, psi_n, total = carry
        kf = k.astype(x.dtype)
        term = term * t / (kf * (kf + n))
        psi = psi + 1 / kf
        psi_n = psi_n + 1 / (kf + n)
        return term, base + term, psi, psi_n, total + term * (psi + psi_n)

    carry = (term, term, psi, psi_n, term * (psi + psi_n))
    _, base, _, _, total = lax.fori_loop(1, _SERIES_TERMS, step, carry)
    return base, total


# the trapezoid nodes s = j h (j >= 0) of the even integrands on the real line; e^{-s^2} < 1e-18
# beyond s = 6.5
_H = 0.25
_NODES = np.arange(27) * _H
_WEIGHTS = np.where(_NODES == 0, _H, 2 * _H) * np.exp(-_NODES * _NODES)


def _hankel(x, n):
    """(J_n, Y_n) for x >~ 4 from H^(1)_n(x) = sqrt(2/(pi x)) e^{i(x - n pi/2 - pi/4)}
    / Gamma(n + 1/2) int e^{-u} u^{n-1/2} (1 + i u / (2x))^{n-1/2} du, with u = s^2."""
    p = n - 0.5
    w = jnp.asarray(_WEIGHTS * _NODES ** (2 * n), x.dtype)
    a = jnp.asarray(_NODES * _NODES, x.dtype) / (2 * x[..., None])
    mag = (1 + a * a) ** (p / 2) * w
    ang = p * jnp.arctan(a)
    re = jnp.sum(mag * jnp.cos(ang), axis=-1)
    im = jnp.sum(mag * jnp.sin(ang), axis=-1)
    amp = jnp.sqrt(2 / (math.pi * x)) / math.gamma(n + 0.5)
    phi = x - (n * math.pi / 2 + math.pi / 4)
    c, s_ = jnp.cos(phi), jnp.sin(phi)
    return amp * (c * re - s_ * im), amp * (s_ * re + c * im)


def _k_integral(x, n):
    """e^x K_n(x) for x >~ 2: the same integral with (1 + u / (2x)), all real."""
    w = jnp.asarray(_WEIGHTS * _NODES ** (2 * n), x.dtype)
    a = jnp.asarray(_NODES * _NODES, x.dtype) / (2 * x[..., None])
    acc = jnp.sum((1 + a) ** (n - 0.5) * w, axis=-1)
    return jnp.sqrt(math.pi / (2 * x)) / math.gamma(n + 0.5) * acc


def _bessel_y(x, n):
    small = x < 4
    xs = jnp.where(small & (x > 0), x, jnp.ones_like(x))
    j, psum = _series(xs, n, -1.0)
    log = jnp.log(xs / 2)
    if n == 0:
        near = (2 / math.pi) * log * j - psum / math.pi
    else:
        near = -2 / (math.pi * xs) + (2 / math.pi) * log * j - psum / math.pi
    xl = jnp.where(small | ~jnp.isfinite(x), jnp.full_like(x, 8.0), x)
    far = _hankel(xl, n)[1]
    out = jnp.where(small, near, far)
    out = jnp.where(x == 0, -jnp.inf, out)
    # PyTorch: nan below 0 and at +inf
    return jnp.where((x < 0) | (x == jnp.inf) | jnp.isnan(x), jnp.nan, out)


def _bessel_k(x, n, scaled):
    small = x <= 2
    xs = jnp.where(small & (x > 0), x, jnp.ones_like(x))
    i, psum = _series(xs, n, 1.0)
    log = jnp.log(xs / 2)
    if n == 0:
        near = -log * i + psum / 2
    else:
        near = 1 / xs + log * i - psum / 2
    if scaled:
        near = near * jnp.exp(xs)
    xl = jnp.where(small | ~jnp.isfinite(x), jnp.full_like(x, 4.0), x)
    far = _k_integral(xl, n)
    if not scaled:
        far = far * jnp.exp(-xl)
    out = jnp.where(small, near, far)
    out = jnp.where(x == 0, jnp.inf, out)
    out = jnp.where(x == jnp.inf, 0.0, out)
    return jnp.where((x < 0) | jnp.isnan(x), jnp.nan, out)


# (x0, Ai(x0), Ai'(x0)) at the integers of [-10, 10], computed with 40 significant digits
_AIRY_ANCHORS = (
    (-10, 0.04024123848644319, 0.99626504413279),
    (-9, -0.022133721547341403, -0.9756639809263316),
    (-8, -0.0527050503563862, 0.9355609381983065),
    (-7, 0.18428083525050565, -0.7710081684101265),
    (-6, -0.3291451736298231, 0.3459354872813429),
    (-5, 0.35076100902411433, 0.32719281855444315),
    (-4, -0.07026553294928951, -0.7906285753685813),
    (-3, -0.37881429367765806, 0.3145837692165988),
    (-2, 0.22740742820168558, 0.618259020741691),
    (-1, 0.5355608832923521, -0.01016056711664521),
    (0, 0.3550280538878172, -0.2588194037928068),
    (1, 0.13529241631288141, -0.1591474412967932),
    (2, 0.03492413042327438, -0.05309038443365363),
    (3, 0.006591139357460719, -0.011912976705951319),
    (4, 0.0009515638512048018, -0.001958640950204179),
    (5, 0.00010834442813607442, -0.0002474138908684625),
    (6, 9.947694360252889e-06, -2.4765200397034955e-05),
    (7, 7.492128863997167e-07, -2.008150894738792e-06),
    (8, 4.6922076160992316e-08, -1.3414392979067865e-07),
    (9, 2.47116843087249e-09, -7.480641389658946e-09),
    (10, 1.1047532552898686e-10, -3.5206336767389237e-10),
)
_AIRY_TAYLOR_TERMS = 34
_AIRY_ASYMPTOTIC_TERMS = 12


def _airy_u():
    # u_k of DLMF 9.7.2
    u = [1.0]
    for k in range(1, 2 * _AIRY_ASYMPTOTIC_TERMS + 2):
        u.append(u[-1] * (6 * k - 5) * (6 * k - 3) * (6 * k - 1) / ((2 * k - 1) * 216 * k))
    return u


_U = _airy_u()


def _airy_ai(x):
    inside = jnp.abs(x) <= 10.5
    xi = jnp.where(inside, x, jnp.zeros_like(x))
    x0 = jnp.clip(jnp.round(xi), -10, 10)
    pos = (x0 + 10).astype(jnp.int32)
    a0 = jnp.asarray([a[1] for a in _AIRY_ANCHORS], x.dtype)[pos]
    a1 = jnp.asarray([a[2] for a in _AIRY_ANCHORS], x.dtype)[pos]
    d = xi - x0
    # y = sum a_k d^k with (m+2)(m+1) a_{m+2} = x0 a_m + a_{m-1}
    a2 = x0 * a0 / 2

    def step(m, carry):
        am1, am, amp1, power, near = carry
        mf = m.astype(x.dtype)
        new = (x0 * am + am1) / ((mf + 2) * (mf + 1))
        power = power * d
        return am, amp1, new, power, near + new * power

    carry = (a0, a1, a2, d * d, a0 + a1 * d + a2 * d * d)
    near = lax.fori_loop(1, _AIRY_TAYLOR_TERMS, step, carry)[-1]
    ax = jnp.abs(x)
    xa = jnp.where(inside | ~jnp.isfinite(x), jnp.full_like(x, 11.0), ax)
    zeta = (2.0 / 3.0) * xa * jnp.sqrt(xa)
    inv = 1 / zeta
    k = np.arange(2 * _AIRY_ASYMPTOTIC_TERMS)
    powers = inv[..., None] ** jnp.asarray(k, x.dtype)
    # x > 10.5: e^{-zeta} / (2 sqrt(pi) x^{1/4}) sum (-1)^k u_k zeta^{-k}
    c_right = np.where(k < _AIRY_ASYMPTOTIC_TERMS, (-1.0) ** k * np.asarray(_U[: len(k)]), 0.0)
    s = jnp.sum(powers * jnp.asarray(c_right, x.dtype), axis=-1)
    right = jnp.exp(-zeta) / (2 * math.sqrt(math.pi) * xa**0.25) * s
    # x < -10.5: (cos(zeta - pi/4) P + sin(zeta - pi/4) Q) / (sqrt(pi) |x|^{1/4}), P and Q the
    # even and odd terms of sum (-1)^floor(k/2) u_k zeta^{-k}
    signed = (-1.0) ** (k // 2) * np.asarray(_U[: len(k)])
    pc = jnp.sum(powers * jnp.asarray(np.where(k % 2 == 0, signed, 0.0), x.dtype), axis=-1)
    qc = jnp.sum(powers * jnp.asarray(np.where(k % 2 == 1, signed, 0.0), x.dtype), axis=-1)
    phase = zeta - math.pi / 4
    left = (jnp.cos(phase) * pc + jnp.sin(phase) * qc) / (math.sqrt(math.pi) * xa**0.25)
    out = jnp.where(inside, near, jnp.where(x > 0, right, left))
    return jnp.where(jnp.isfinite(x), out, jnp.nan)


_ENTRIES = {
    "special_airy_ai": _airy_ai,
    "special_bessel_y0": lambda x: _bessel_y(x, 0),
    "special_bessel_y1": lambda x: _bessel_y(x, 1),
    "special_modified_bessel_k0": lambda x: _bessel_k(x, 0, False),
    "special_modified_bessel_k1": lambda x: _bessel_k(x, 1, False),
    "special_scaled_modified_bessel_k0": lambda x: _bessel_k(x, 0, True),
    "special_scaled_modified_bessel_k1": lambda x: _bessel_k(x, 1, True),
}
for _key, _impl in _ENTRIES.items():
    OPS[_key] = Op(_key, _impl, None, promote="float")

__all__ = list(_ENTRIES)
