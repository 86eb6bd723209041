"""The op table's indexing part added for PyTorch's reductions into positions and the scatter
views: scatter_reduce, index_reduce, index_copy, take, unfold, the ``*_scatter`` ops and the
reducing ``scatter(reduce=)`` forms.

Same rules as ``table.py``: one ``Op`` per PyTorch grad node, a pure JAX ``impl``, gradients
from ``jax.vjp``.  The signatures live in ``indexing.py`` / ``shapes.py``.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
from jax import lax

from .core import Op
from .table import OPS, _saved_symint, _scatter_positions, _symint

# Reductions where JAX's scatter gradient is missing (prod) or splits ties differently from
# PyTorch (amax/amin) are computed densely, one (target, source) pair per element of each
# scattered row: exact gradients, ties share the gradient equally as in PyTorch.  Above this
# many pairs the scatter kernels run instead (prod then has no gradient).
_DENSE_PAIRS = 1 << 22


def _identity(reduce, dtype):
    if reduce == "prod":
        return jnp.ones((), dtype)
    if reduce in ("sum", "mean"):
        return jnp.zeros((), dtype)
    if jnp.issubdtype(dtype, jnp.floating):
        return jnp.asarray(-jnp.inf if reduce == "amax" else jnp.inf, dtype)
    info = jnp.iinfo(dtype) if dtype != jnp.bool_ else None
    if info is None:
        return jnp.asarray(reduce == "amin", dtype)
    return jnp.asarray(info.min if reduce == "amax" else info.max, dtype)


def _dense_reduce(x, src, index, dim, reduce, include_self):
    """Reduce along ``dim`` within the region the index covers, all pairs at once."""
    region = tuple(slice(None) if d == dim else slice(0, s) for d, s in enumerate(index.shape))
    xr = jnp.moveaxis(x[region], dim, -1)  # (..., n)
    sr = jnp.moveaxis(src, dim, -1)  # (..., k)
    ir = jnp.moveaxis(index, dim, -1)
    n = xr.shape[-1]
    hit = ir[..., None, :] == jnp.arange(n)[:, None]  # (..., n, k)
    touched = jnp.any(hit, axis=-1)
    ident = _identity(reduce, x.dtype)
    pairs = jnp.where(hit, sr[..., None, :], ident)
    if include_self:
        pairs = jnp.concatenate([xr[..., None], pairs], axis=-1)
    elif reduce != "prod":
        # PyTorch's backward counts a self value equal to the result among the ties even
        # when self is excluded: include it where it ties, without value or gradient
        chosen = lax.stop_gradient(jnp.max(pairs, -1) if reduce == "amax" else jnp.min(pairs, -1))
        tie = jnp.where(xr == chosen, lax.stop_gradient(xr), ident)
        pairs = jnp.concatenate([tie[..., None], pairs], axis=-1)
    if reduce == "prod":
        red = jnp.prod(pairs, axis=-1)
    elif reduce == "amax":
        red = jnp.max(pairs, axis=-1)
    else:
        red = jnp.min(pairs, axis=-1)
    out = jnp.where(touched, red, xr)
    return x.at[region].set(jnp.moveaxis(out, -1, dim))


def _scatter_reduce(x, src, index, *, dim, reduce, include_self):
    src = src[tuple(slice(0, s) for s in index.shape)].astype(x.dtype)
    if index.ndim == 0 or index.size == 0:
        return x
    region_rows = math.prod(s for d, s in enumerate(index.shape) if d != dim)
    pairs = region_rows * x.shape[dim] * index.shape[dim]
    if reduce in ("prod", "amax", "amin") and pairs <= _DENSE_PAIRS:
        return _dense_reduce(x, src, index, dim, reduce, include_self)
    pos = _scatter_positions(x, index, dim)
    base = x if include_self else x.at[pos].set(_identity(reduce, x.dtype))
    if reduce in ("sum", "mean"):
        total = base.at[pos].add(src)
        if reduce == "sum":
            return total
        count = jnp.zeros(x.shape, x.dtype).at[pos].add(jnp.ones((), x.dtype))
        if include_self:
            count = count + 1
        count = jnp.maximum(count, jnp.ones((), x.dtype))
        if jnp.issubdtype(x.dtype, jnp.inexact):
            return total / count
        return jnp.floor_divide(total, count)
    if reduce == "prod":
        return base.at[pos].multiply(src)
    return base.at[pos].max(src) if reduce == "amax" else base.at[pos].min(src)


OPS["scatter_reduce"] = Op(
    "scatter_reduce",
    _scatter_reduce,
    "ScatterReduceBackward0",
    edges=2,
    saved={
        "self": 0,
        "src": 1,
        "index": 2,
        "dim": "dim",
        "reduce": "reduce",
        "include_self": "include_self",
        "result": "result",
    },
)


def _index_reduce(x, source, index, *, dim, reduce, include_self):
    shape = [1] * source.ndim
    shape[dim] = index.shape[0]
    full = jnp.broadcast_to(index.reshape(shape), source.shape)
    return _scatter_reduce(x, source, full, dim=dim, reduce=reduce, include_self=include_self)


OPS["index_reduce"] = Op(
    "index_reduce",
    _index_reduce,
    "IndexReduceBackward0",
    edges=2,
    saved={
        "self": 0,
        "source": 1,
        "index": 2,
        "dim": "dim",
        "reduce": "reduce",
        "include_self": "include_self",
        "result": "result",
    },
)


def _underived(fn, what):
    """``fn`` whose derivative PyTorch does not implement: backward raises PyTorch's error."""

    @jax.custom_vjp
    def f(*args):
        return fn(*args)

    def fwd(*args):
        return fn(*args), None

    def bwd(res, g):
        raise RuntimeError(f"derivative for aten::{what} is not implemented")

    f.defvjp(fwd, bwd)
    return f


def _scatter_reducing(x, src, index, dim, reduce):
    if not hasattr(src, "shape") or src.ndim == 0:
        src = jnp.broadcast_to(jnp.asarray(src, x.dtype), index.shape)
    src = src[tuple(slice(0, s) for s in index.shape)].astype(x.dtype)
    pos = _scatter_positions(x, index, dim)
    return x.at[pos].add(src) if reduce == "add" else x.at[pos].multiply(src)


# scatter(..., reduce="add"/"multiply"): PyTorch has no derivative for these (its node is
# torch::autograd::NotImplemented); the static keywords are closed over per call
def _scatter_reduce_legacy(x, src, index, *, dim, reduce):
    return _underived(lambda a, b, i: _scatter_reducing(a, b, i, dim, reduce), "scatter")(
        x, src, index
    )


OPS["scatter_reduce_legacy"] = Op(
    "scatter", _scatter_reduce_legacy, "NotImplemented", edges=2, linear=True
)


def _index_copy(x, source, index, *, dim):
    moved = jnp.moveaxis(x, dim, 0)
    src = jnp.moveaxis(source.astype(x.dtype), dim, 0) if source.ndim else source[None]
    return jnp.moveaxis(moved.at[index.reshape(-1)].set(src), 0, dim)


OPS["index_copy"] = Op(
    "index_copy",
    _index_copy,
    "IndexCopyBackward0",
    edges=2,
    linear=True,
    saved={"dim": "dim", "index": 2, "source": 1},
)
OPS["index_copy"].node_cls._saved_source_dim = property(
    lambda node: len(node._saved_shape(1)) if node._saved_shape(1) is not None else 0
)


def _take(x, index):
    flat = x.reshape(-1)
    return jnp.take(flat, jnp.where(index < 0, index + flat.shape[0], index), axis=0)


OPS["take"] = Op(
    "take", _take, "TakeBackward0", edges=1, linear=True, saved={"self": 0, "index": 1}
)


def _unfold(x, *, dimension, size, step, given):
    if x.ndim == 0:
        return x.reshape(1)
    n = x.shape[dimension]
    count = (n - size) // step + 1
    starts = jnp.arange(count) * step
    windows = starts[:, None] + jnp.arange(size)[None, :]  # (count, size)
    picked = jnp.take(x, windows.reshape(-1), axis=dimension)
    shape = x.shape[:dimension] + (count, size) + x.shape[dimension + 1 :]
    return jnp.moveaxis(picked.reshape(shape), dimension + 1, -1)


OPS["unfold"] = Op(
    "unfold",
    _unfold,
    "UnfoldBackward0",
    linear=True,
    saved={"size": "size", "step": "step", "self_sym_sizes": ("sizes", 0)},
    view=True,
)
# PyTorch keeps the dimension as the caller wrote it (a negative one read back as unsigned)
OPS["unfold"].node_cls._saved_dimension = property(
    lambda node: _symint(dict(node._static[1])["given"])
)


def _diagonal_scatter(x, src, *, offset, dim1, dim2):
    moved = jnp.moveaxis(x, (dim1, dim2), (-2, -1))
    rows, cols = moved.shape[-2:]
    r0, c0 = (0, offset) if offset >= 0 else (-offset, 0)
    k = src.shape[-1]
    r = jnp.arange(k) + r0
    c = jnp.arange(k) + c0
    out = moved.at[..., r, c].set(src.astype(x.dtype))
    return jnp.moveaxis(out, (-2, -1), (dim1, dim2))


OPS["diagonal_scatter"] = Op(
    "diagonal_scatter",
    _diagonal_scatter,
    "DiagonalScatterBackward0",
    promote=None,
    linear=True,
    saved={"dim1": "dim1", "dim2": "dim2"},
)
OPS["diagonal_scatter"].node_cls._saved_offset = property(
    lambda node: _symint(dict(node._static[1])["offset"])
)


def _select_scatter(x, src, index, *, dim):
    n = x.shape[dim]
    i = jnp.where(index < 0, index + n, index)
    return lax.dynamic_update_index_in_dim(x, src.astype(x.dtype), i, dim)


# the index is a traced operand (one executable for every index), as select's is
OPS["select_scatter"] = Op(
    "select_scatter",
    _select_scatter,
    "SelectScatterBackward0",
    linear=True,
    edges=2,
    saved={"dim": "dim"},
)
OPS["select_scatter"].node_cls._saved_index = _saved_symint(2)


def _slice_scatter(x, src, *, dim, start, end, step, saved_start, saved_end):
    idx = [slice(None)] * x.ndim
    idx[dim] = slice(start, end, step)
    return x.at[tuple(idx)].set(src.astype(x.dtype))


OPS["slice_scatter"] = Op(
    "slice_scatter",
    _slice_scatter,
    "SliceScatterBackward0",
    linear=True,
    saved={"dim": "dim", "end": "saved_end", "step": "step"},
)


def _saved_slice_start(node):
    v = dict(node._static[1])["saved_start"]
    return None if v is None else _symint(v)


OPS["slice_scatter"].node_cls._saved_start = property(_saved_slice_start)


def _view_dtype(x, *, dtype):
    src = x.dtype
    if src == dtype:
        return x
    a, b = jnp.dtype(src).itemsize, jnp.dtype(dtype).itemsize
    if dtype == jnp.bool_:  # XLA can't bitcast to bool: its bytes are 0 or 1
        return (x if src == jnp.uint8 else lax.bitcast_convert_type(x, jnp.uint8)) != 0
    if src == jnp.bool_:
        x = x.astype(jnp.uint8)
        if dtype == jnp.uint8:
            return x
    if a == b:
        return lax.bitcast_convert_type(x, dtype)
    if a > b:  # each element becomes a // b elements along the last dimension
        out = lax.bitcast_convert_type(x, dtype)  # (..., n, a // b)
        return out.reshape(x.shape[:-1] + (x.shape[-1] * (a // b),))
    grouped = x.reshape(x.shape[:-1] + (x.shape[-1] // (b // a), b // a))
    return lax.bitcast_convert_type(grouped, dtype)


# a reinterpretation of the bits: no gradient (PyTorch records none)
OPS["view_dtype"] = Op("view", _view_dtype, None, opmath=False)

__all__ = ["OPS"]
