"""The op table's statistics part: nan-aware reductions, ``mode``, ``aminmax``, ``renorm``,
``histc``, ``diag_embed`` with offsets, and the in-place view kernels PyTorch's composites
(``quantile``) end in.

Same rules as ``table.py``: one ``Op`` per PyTorch grad node, a pure JAX ``impl``, gradients
from ``jax.vjp``.  The torch-level signatures are in ``statistics.py``.
"""

from __future__ import annotations

import jax.numpy as jnp

from .core import Op
from .table import OPS, SELF, _acc_dtype, _axis


# ---------------------------------------------------------------------------------- nan-aware
def _nansum(x, *, dim=None, keepdim=False, dtype=None):
    x = x.astype(_acc_dtype(x, dtype))
    if jnp.issubdtype(x.dtype, jnp.inexact):
        x = jnp.where(jnp.isnan(x), jnp.zeros((), x.dtype), x)
    return jnp.sum(x, axis=_axis(dim), keepdims=keepdim)


def _nan_last_order(x, dim):
    """Indices sorting ``x`` along ``dim`` by (value, position) with NaN after every number: the
    order PyTorch's CPU ``nth_element`` comparators define for (nan)median."""
    return jnp.argsort(x, axis=dim, stable=True)


def _nanmedian_all(x):
    flat = x.reshape(-1)
    order = _nan_last_order(flat, 0)
    k = (flat.size - jnp.sum(jnp.isnan(flat)) - 1) // 2
    # every value NaN: k is -1 and PyTorch picks the first (NaN) element
    return flat[order[jnp.maximum(k, 0)]]


def _nanmedian_dim(x, *, dim, keepdim):
    order = _nan_last_order(x, dim)
    k = (x.shape[dim] - jnp.sum(jnp.isnan(x), axis=dim, keepdims=True) - 1) // 2
    pick = jnp.take_along_axis(order, jnp.maximum(k, 0), axis=dim)
    values = jnp.take_along_axis(x, pick, axis=dim)
    if not keepdim:
        values, pick = jnp.squeeze(values, dim), jnp.squeeze(pick, dim)
    return values, pick.astype(jnp.int64)


OPS["nansum"] = Op(
    "nansum", _nansum, "NansumBackward0", saved={**SELF, "dim": "dim", "keepdim": "keepdim"}
)
OPS["nanmedian"] = Op(
    "nanmedian", _nanmedian_all, "NanmedianBackward0", saved={"self": 0, "result": "result"}
)
OPS["nanmedian_dim"] = Op("nanmedian", _nanmedian_dim, "NanmedianBackward1", saved={"dim": "dim"})


# ---------------------------------------------------------------------------------- selections
def _mode(x, *, dim, keepdim):
    """The most frequent value along ``dim`` (the smallest among equally frequent ones) and the
    position of its last occurrence, as PyTorch's CPU kernel picks them.  Counting compares every
    pair of the slice: O(n^2) in the reduced size, with no host sync."""
    xm = jnp.moveaxis(x, dim, -1)
    counts = jnp.sum(xm[..., :, None] == xm[..., None, :], axis=-1)
    best = jnp.max(counts, axis=-1, keepdims=True)
    big = jnp.asarray(jnp.inf if jnp.issubdtype(x.dtype, jnp.inexact) else jnp.iinfo(x.dtype).max)
    candidates = jnp.where(counts == best, xm, big.astype(x.dtype))
    value = jnp.min(candidates, axis=-1, keepdims=True)
    n = xm.shape[-1]
    positions = jnp.arange(n)
    last = jnp.max(jnp.where(xm == value, positions, -1), axis=-1, keepdims=True)
    values = jnp.take_along_axis(xm, last, axis=-1)
    values, last = jnp.moveaxis(values, -1, dim), jnp.moveaxis(last, -1, dim)
    if not keepdim:
        values, last = jnp.squeeze(values, dim), jnp.squeeze(last, dim)
    return values, last.astype(jnp.int64)


def _aminmax(x, *, dim, keepdim):
    return jnp.min(x, axis=dim, keepdims=keepdim), jnp.max(x, axis=dim, keepdims=keepdim)


OPS["mode"] = Op("mode", _mode, "ModeBackward0", saved={"dim": "dim", "keepdim": "keepdim"})
OPS["aminmax"] = Op("aminmax", _aminmax, "AminmaxBackward0", saved={"self": 0})


# ---------------------------------------------------------------------------------- renorm
def _renorm(x, *, p, dim, maxnorm):
    axes = tuple(i for i in range(x.ndim) if i != dim)
    acc = x.astype(jnp.float64) if x.dtype == jnp.float64 else x
    if p == float("inf"):
        norms = jnp.max(jnp.abs(acc), axis=axes, keepdims=True)
    else:
        norms = jnp.sum(jnp.abs(acc) ** p, axis=axes, keepdims=True) ** (1.0 / p)
    # PyTorch's kernel: rows above maxnorm scale by maxnorm / (norm + 1e-7), the rest stay
    factor = jnp.where(norms > maxnorm, maxnorm / (norms + 1e-7), jnp.ones((), norms.dtype))
    return x * factor.astype(x.dtype)


OPS["renorm"] = Op(
    "renorm",
    _renorm,
    "RenormBackward0",
    saved={"self": 0, "p": "p", "dim": "dim", "maxnorm": "maxnorm"},
)


# ---------------------------------------------------------------------------------- histograms
def _histc(x, lo, hi, *, bins):
    """``torch.histc``: ``bins`` equal bins over [lo, hi] (the caller has chosen the range), an
    element's bin is ``int((x - lo) * bins / (hi - lo))`` in the input dtype as PyTorch's CPU
    kernel computes it, the top edge belongs to the last bin, elements outside and NaN skipped."""
    flat = x.reshape(-1)
    lo, hi = lo.astype(x.dtype), hi.astype(x.dtype)
    inside = (flat >= lo) & (flat <= hi)
    pos = ((flat - lo) * jnp.asarray(bins, x.dtype) / (hi - lo)).astype(jnp.int64)
    pos = jnp.clip(jnp.where(pos == bins, bins - 1, pos), 0, bins - 1)
    weights = jnp.where(inside, jnp.ones((), x.dtype), jnp.zeros((), x.dtype))
    return jnp.zeros((bins,), x.dtype).at[pos].add(weights)


def _histogram_edges(x, edges, weight, *, density, has_weight):
    """``torch.histogram`` over given increasing ``edges``: an element falls in bin i when
    edges[i] <= x < edges[i+1], the top edge closing the last bin (PyTorch's binary search)."""
    flat = x.reshape(-1)
    nb = edges.shape[0] - 1
    inside = (flat >= edges[0]) & (flat <= edges[-1])
    pos = jnp.searchsorted(edges, flat, side="right") - 1
    pos = jnp.clip(jnp.where(pos == nb, nb - 1, pos), 0, nb - 1)
    w = weight.reshape(-1).astype(x.dtype) if has_weight else jnp.ones_like(flat)
    hist = jnp.zeros((nb,), x.dtype).at[pos].add(jnp.where(inside, w, jnp.zeros((), x.dtype)))
    if density:
        hist = hist / jnp.sum(hist) / jnp.diff(edges)
    return hist


OPS["histc"] = Op("histc", _histc, None)
OPS["histogram"] = Op("histogram", _histogram_edges, None)


# ---------------------------------------------------------------------------------- shapes
def _diag_embed(x, *, offset, dim1, dim2):
    m = x.shape[-1]
    n = m + abs(offset)
    rows = jnp.arange(m) + max(-offset, 0)
    cols = jnp.arange(m) + max(offset, 0)
    mat = jnp.zeros(x.shape[:-1] + (n, n), x.dtype).at[..., rows, cols].set(x)
    # the matrix axes are the last two: move them to (dim1, dim2), the batch axes keep their order
    out_nd = x.ndim + 1
    perm = [0] * out_nd
    batch = iter(range(out_nd - 2))
    for a in range(out_nd):
        perm[a] = out_nd - 2 if a == dim1 else out_nd - 1 if a == dim2 else next(batch)
    return jnp.transpose(mat, perm)


OPS["diag_embed_dims"] = Op(
    "diag_embed",
    _diag_embed,
    "DiagEmbedBackward0",
    linear=True,
    saved={"offset": "offset", "dim1": "dim1", "dim2": "dim2"},
)

# ``at::mul(tensor, scalar)`` inside composites (trapezoid, gradient) shows MulBackward1
OPS["mul_scalar"] = Op(
    "mul",
    lambda a, b: a * b,
    "MulBackward1",
    promote="arith",
    edges=1,
    saved={"other": ("scalar", 1)},
)

# PyTorch's quantile ends in in-place view ops on its own temporary (squeeze_, transpose_,
# unsqueeze_): the graph shows their node names; here they are plain (non-view) kernels, since
# the temporary is never visible to the user
OPS["squeeze_inplace"] = Op(
    "squeeze_", lambda x, *, dim: jnp.squeeze(x, dim), "SqueezeBackward4", linear=True
)
OPS["unsqueeze_inplace"] = Op(
    "unsqueeze_", lambda x, *, dim: jnp.expand_dims(x, dim), "UnsqueezeBackward1", linear=True
)
OPS["transpose_inplace"] = Op(
    "transpose_",
    lambda x, *, dim0, dim1: jnp.swapaxes(x, dim0, dim1),
    "TransposeBackward1",
    linear=True,
)

# the real and imaginary parts of a complex tensor; PyTorch's are views sharing the complex
# storage, these are copies (a write into x.real does not reach x)
OPS["real"] = Op("real", jnp.real, "RealBackward0", linear=True)
OPS["imag"] = Op("imag", jnp.imag, "ImagBackward0", linear=True)
