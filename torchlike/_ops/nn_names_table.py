"""Table entries of the ops added with the torch-level nn names: fractional max pooling,
``native_dropout`` and ``histogramdd`` (the signatures are in ``nn/functional.py`` and
``nn/_torch_functions.py``)."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .core import Op
from .table import OPS


def _intervals(u, n_in, n_out, k):
    """PyTorch's pseudo-random window starts along one dim: start_i = int((i + u) * alpha) -
    int(u * alpha), alpha = (n_in - k) / (n_out - 1) in the input's dtype, the last window
    flush with the end."""
    last = jnp.full(u.shape + (1,), n_in - k, jnp.int32)
    if n_out == 1:
        return last
    np_dtype = np.dtype(u.dtype)
    alpha = np_dtype.type(n_in - k) / np_dtype.type(n_out - 1)  # rounded once, as in C++
    i = jnp.arange(n_out - 1, dtype=u.dtype)
    first = ((i + u[..., None]) * alpha).astype(jnp.int32)
    return jnp.concatenate([first - (u * alpha).astype(jnp.int32)[..., None], last], axis=-1)


def _fractional_max_pool(x, samples, *, kernel, output_size):
    """(values, flat in-plane indices) over windows of size ``kernel`` whose starts are drawn
    from ``samples`` (N, C, nd): sample 0 drives the last spatial dim in 2-D (W, then H) and
    the first in 3-D (T, H, W), as PyTorch's CPU kernels read them."""
    nd = len(kernel)
    spatial = x.shape[-nd:]
    batched = x.ndim == nd + 2
    if not batched:
        x = x[None]
    n, c = x.shape[:2]
    order = (1, 0) if nd == 2 else (0, 1, 2)
    flat_index = jnp.zeros((n, c) + (1,) * (2 * nd), jnp.int32)
    stride = 1
    for d in reversed(range(nd)):
        starts = _intervals(samples[..., order[d]], spatial[d], output_size[d], kernel[d])
        pos = starts[..., :, None] + jnp.arange(kernel[d], dtype=jnp.int32)  # (N, C, out, k)
        shape = [n, c] + [1] * (2 * nd)
        shape[2 + d] = output_size[d]
        shape[2 + nd + d] = kernel[d]
        flat_index = flat_index + pos.reshape(shape) * stride
        stride *= spatial[d]
    flat_index = flat_index.reshape((n, c) + tuple(output_size) + (-1,))
    plane = x.reshape(n, c, 1, -1) if nd == 2 else x.reshape(n, c, 1, 1, -1)
    win_index = flat_index.reshape(n, c, -1)
    vals = jnp.take_along_axis(x.reshape(n, c, -1), win_index, axis=-1).reshape(flat_index.shape)
    del plane
    # the first maximum, NaN counting as the largest (``val > max || isnan(val)``)
    key = jnp.where(jnp.isnan(vals), jnp.inf, vals)
    arg = jnp.argmax(key, axis=-1)
    index = jnp.take_along_axis(flat_index, arg[..., None], axis=-1)[..., 0]
    out = jnp.take_along_axis(x.reshape(n, c, -1), index.reshape(n, c, -1), axis=-1)
    out = out.reshape(index.shape)
    index = index.astype(jnp.int64)
    if not batched:
        out, index = out[0], index[0]
    return out, index


for _d in (2, 3):
    OPS[f"fractional_max_pool{_d}d"] = Op(
        f"fractional_max_pool{_d}d",
        _fractional_max_pool,
        f"FractionalMaxPool{_d}DBackward0",
        edges=1,
        saved={"self": 0, "kernel_size": "kernel", "output_size": "output_size"},
    )


def _histogramdd(points, weight, *edges, density):
    """Counts (or weights) of the points in the bins the ``edges`` bound: right-open but the
    last, points outside ignored."""
    shape = tuple(e.shape[0] - 1 for e in edges)
    flat = jnp.zeros(points.shape[0], jnp.int64)
    valid = jnp.ones(points.shape[0], bool)
    for d, e in enumerate(edges):
        v = points[:, d]
        pos = jnp.searchsorted(e, v, side="right") - 1
        pos = jnp.where(v == e[-1], shape[d] - 1, pos)  # the last bin is closed
        valid = valid & (v >= e[0]) & (v <= e[-1])
        flat = flat * shape[d] + jnp.clip(pos, 0, shape[d] - 1)
    w = jnp.ones(points.shape[0], points.dtype) if weight is None else weight.astype(points.dtype)
    size = int(np.prod(shape))
    hist = jnp.zeros(size, points.dtype).at[flat].add(jnp.where(valid, w, 0)).reshape(shape)
    if density:
        volume = jnp.ones((), points.dtype)
        for d, e in enumerate(edges):
            widths = jnp.diff(e).reshape((1,) * d + (-1,) + (1,) * (len(edges) - d - 1))
            volume = volume * widths
        hist = hist / (hist.sum() * volume)
    return hist


OPS["histogramdd"] = Op("histogramdd", _histogramdd, None)

OPS["native_dropout"] = Op(
    "native_dropout",
    lambda x, mask, scale: x * (mask.astype(x.dtype) * jnp.asarray(scale, x.dtype)),
    "NativeDropoutBackward0",
    edges=1,
)

__all__ = ["OPS"]
