"""``torch.signal.windows``: window functions in scipy.signal's conventions (``sym=False`` is
the symmetric window of ``M + 1`` points without its last point).

Each window is computed in float64 and rounded once to the requested dtype; PyTorch composes
them from float32 tensor ops, so float32 windows can differ from PyTorch's in the last bit.
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np

from ... import _dtype as D
from ... import _layout
from ..._factories import _finish
from ..._missing import module_getattr as _module_getattr

__all__ = [
    "bartlett",
    "blackman",
    "cosine",
    "exponential",
    "gaussian",
    "general_cosine",
    "general_hamming",
    "hamming",
    "hann",
    "kaiser",
    "nuttall",
]


def _make(name, M, sym, dtype, layout, device, requires_grad, values):
    """Checks shared by every window, then ``values(n_points)`` (float64) cut to ``M``.
    ``name`` is the one PyTorch's errors show: hann, hamming, general_hamming and nuttall are
    general_cosine windows there."""
    dtype = D.get_default_dtype() if dtype is None else dtype
    if M < 0:
        raise ValueError(f"{name} requires non-negative window length, got M={M}")
    if layout is not None and layout is not _layout.strided:
        raise ValueError(f"{name} is implemented for strided tensors only, got: {layout}")
    if dtype not in (D.float32, D.float64):
        raise ValueError(f"{name} expects float32 or float64 dtypes, got: {dtype}")
    if M <= 1:
        w = np.ones((M,))
    else:
        w = values(M if sym else M + 1)[:M]
    return _finish(jnp.asarray(w.astype(dtype._np)), dtype, requires_grad, device)


def _cosine_sum(coefficients):
    def values(n):
        phase = 2 * math.pi * np.arange(n) / (n - 1)
        return sum((-1) ** i * a * np.cos(i * phase) for i, a in enumerate(coefficients))

    return values


def general_cosine(M, *, a, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    if not isinstance(a, (list, tuple)):
        raise TypeError("Coefficients must be a list/tuple")
    if not a:
        raise ValueError("Coefficients cannot be empty")
    return _make("general_cosine", M, sym, dtype, layout, device, requires_grad, _cosine_sum(a))


def general_hamming(
    M, *, alpha=0.54, sym=True, dtype=None, layout=None, device=None, requires_grad=False
):
    return _make(
        "general_cosine",
        M,
        sym,
        dtype,
        layout,
        device,
        requires_grad,
        _cosine_sum((alpha, 1.0 - alpha)),
    )


def hamming(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    return _make(
        "general_cosine", M, sym, dtype, layout, device, requires_grad, _cosine_sum((0.54, 0.46))
    )


def hann(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    return _make(
        "general_cosine", M, sym, dtype, layout, device, requires_grad, _cosine_sum((0.5, 0.5))
    )


def blackman(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    return _make(
        "blackman", M, sym, dtype, layout, device, requires_grad, _cosine_sum((0.42, 0.5, 0.08))
    )


def nuttall(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    return _make(
        "general_cosine",
        M,
        sym,
        dtype,
        layout,
        device,
        requires_grad,
        _cosine_sum((0.3635819, 0.4891775, 0.1365995, 0.0106411)),
    )


def bartlett(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    def values(n):
        return 1 - np.abs(2 * np.arange(n) / (n - 1) - 1)

    return _make("bartlett", M, sym, dtype, layout, device, requires_grad, values)


def cosine(M, *, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    def values(n):
        return np.sin(math.pi * (np.arange(n) + 0.5) / n)

    return _make("cosine", M, sym, dtype, layout, device, requires_grad, values)


def gaussian(M, *, std=1.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    if std <= 0:
        raise ValueError(f"Standard deviation must be positive, got: {std} instead.")

    def values(n):
        return np.exp(-0.5 * ((np.arange(n) - (n - 1) / 2) / std) ** 2)

    return _make("gaussian", M, sym, dtype, layout, device, requires_grad, values)


def exponential(
    M, *, center=None, tau=1.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False
):
    if tau <= 0:
        raise ValueError(f"Tau must be positive, got: {tau} instead.")
    if sym and center is not None:
        raise ValueError("Center must be None for symmetric windows")

    def values(n):
        c = (n - 1) / 2 if center is None else center
        return np.exp(-np.abs(np.arange(n) - c) / tau)

    return _make("exponential", M, sym, dtype, layout, device, requires_grad, values)


def kaiser(M, *, beta=12.0, sym=True, dtype=None, layout=None, device=None, requires_grad=False):
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got: {beta} instead.")

    def values(n):
        r = 2 * np.arange(n) / (n - 1) - 1
        return np.i0(beta * np.sqrt(np.maximum(1 - r * r, 0))) / np.i0(beta)

    return _make("kaiser", M, sym, dtype, layout, device, requires_grad, values)


__getattr__ = _module_getattr(__name__)
