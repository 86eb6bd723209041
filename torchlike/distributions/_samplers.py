"""Samplers PyTorch runs in C++ (standard gamma, binomial), drawn from JAX's samplers.

PyTorch's ``_standard_gamma`` and ``binomial`` kernels run rejection loops over its CPU stream in
a per-element order that we do not reproduce, so these draws use ``jax.random`` with a key taken
from torchlike's generator (``random.jax_key``): ``manual_seed`` makes them reproducible, but they
are JAX's numbers, not PyTorch's.

The reparameterised gamma sample keeps PyTorch's gradient: the implicit derivative
``dx/dalpha = -(dF/dalpha) / f(x)`` of the sample ``x`` through its CDF, which JAX computes as
``lax.random_gamma_grad``.  It enters the graph as ``x + (alpha - alpha.detach()) * dx/dalpha``:
the value is ``x`` exactly, and autograd sees the derivative.
"""

from __future__ import annotations

from ._api import Tensor, jax, jax_key, jnp, torch


def _standard_gamma(concentration, generator=None):
    alpha = concentration.detach()._value
    key = jax_key(generator)
    x = jax.random.gamma(key, alpha, dtype=alpha.dtype)
    tiny = jnp.finfo(alpha.dtype).tiny
    x = jnp.maximum(x, tiny)
    sample = Tensor._make(x, concentration.dtype)
    if not (concentration.requires_grad and torch.is_grad_enabled()):
        return sample
    dx_dalpha = Tensor._make(jax.lax.random_gamma_grad(alpha, x), concentration.dtype)
    return sample + (concentration - concentration.detach()) * dx_dalpha


def _binomial(count, prob, generator=None):
    n = count.detach()._value
    p = prob.detach()._value
    key = jax_key(generator)
    # drawn in float64: JAX 0.4.x's binomial mixes float64 constants into a float32 clamp
    f64 = jnp.float64
    out = jax.random.binomial(key, n.astype(f64), p.astype(f64), dtype=f64).astype(p.dtype)
    return Tensor._make(out, prob.dtype)
