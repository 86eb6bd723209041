"""The op table's nn part: convolution, pooling, normalization, embedding, padding, resampling,
activations and losses.

Same rules as ``table.py``: one ``Op`` per PyTorch grad node, a pure JAX ``impl``, gradients
from ``jax.vjp``.  ``torchlike.nn.functional`` parses PyTorch's arguments and calls these.
"""

from __future__ import annotations

import functools
import itertools
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .core import Op
from .table import OPS, _round, exact_divide, opaque

# float32 matmul precision: JAX's default, which torchlike keeps at PyTorch's setting
# (full float32 unless torch.set_float32_matmul_precision says otherwise; _config.py)
_MATMUL = None
_SPATIAL = {1: "H", 2: "HW", 3: "DHW"}


def _channel_shape(x, ndim):
    """Shape that broadcasts a per-channel vector against an (N, C, ...) array."""
    return (1, -1) + (1,) * (ndim - 2)


def _acc(x):
    """Half-precision inputs are normalized in float32, as PyTorch's CPU kernels do."""
    return x.astype(jnp.float32) if x.dtype in (jnp.float16, jnp.bfloat16) else x


# ---------------------------------------------------------------------------------- convolution
# XLA:CPU's convolution is slow where the input has few channels (a network's first layer on
# grayscale or RGB images): measured on one core, 32x1x28x28 -> 8 channels, 3x3: 1.5-2.3 ms
# forward, 3.1-4.2 ms with its gradient, where PyTorch takes 0.27 ms forward.  There the
# kernel offsets' strided slices of the padded input, stacked, times the weight (one
# contraction over channels and offsets) take 0.45-0.6 ms and 1.1-1.4 ms.  At larger images
# (8x3x64x64) that form's gradient is the slower one, and from 8 input channels on XLA's own
# convolution wins, hence the bounds: at most PATCHES_MAX_CHANNELS input channels and
# PATCHES_MAX_POSITIONS positions per input image, and at most PATCHES_MAX_OFFSETS kernel
# offsets (the stacked slices hold that many copies of the input): a 3x3 kernel, or up to 9
# taps in 1-d (32x1x1000 -> 16, k=3: 1.2 -> 0.4 ms forward).  With 5x5 kernels XLA's own
# measured faster or mixed (16x3x30x30 -> 16: 2.1 against 3.5 ms forward).  Same sums in
# another order: results agree to float rounding.
PATCHES_MAX_CHANNELS = 3
PATCHES_MAX_POSITIONS = 1024
PATCHES_MAX_OFFSETS = 9


def _use_patches(x, w, groups):
    positions = math.prod(x.shape[2:])
    return (
        groups == 1
        and w.shape[1] <= PATCHES_MAX_CHANNELS
        and positions <= PATCHES_MAX_POSITIONS
        and math.prod(w.shape[2:]) <= PATCHES_MAX_OFFSETS
        and x.dtype in (jnp.float32, jnp.float64)
        and jax.default_backend() == "cpu"
    )


def _conv_patches(x, w, stride, padding, dilation):
    """The convolution as strided slices of the padded input (one per kernel offset), stacked
    and contracted with the weight over input channels and offsets."""
    nd = x.ndim - 2
    k = w.shape[2:]
    xp = jnp.pad(x, ((0, 0), (0, 0)) + tuple(tuple(p) for p in padding))
    out = [
        (n - d * (kk - 1) - 1) // s + 1 for n, kk, d, s in zip(xp.shape[2:], k, dilation, stride)
    ]
    cols = []
    for offset in itertools.product(*(range(kk) for kk in k)):
        start = (0, 0) + tuple(t * d for t, d in zip(offset, dilation))
        limit = xp.shape[:2] + tuple(
            st + (o - 1) * s + 1 for st, o, s in zip(start[2:], out, stride)
        )
        cols.append(lax.slice(xp, start, limit, (1, 1) + tuple(stride)))
    cols = jnp.stack(cols, axis=2)  # (N, C, offsets, *out)
    sp = "hwd"[:nd]
    return jnp.einsum(
        f"nck{sp},ock->no{sp}",
        cols,
        w.reshape(w.shape[:2] + (-1,)),
        precision=_MATMUL,
    )


def _conv(x, w, b, *, stride, padding, dilation, groups, transposed, output_padding):
    nd = x.ndim - 2
    sp = _SPATIAL[nd]
    dn = lax.conv_dimension_numbers(x.shape, w.shape, ("NC" + sp, "OI" + sp, "NC" + sp))
    if not transposed and _use_patches(x, w, groups):
        out = _conv_patches(x, w, stride, padding, dilation)
    elif not transposed:
        out = lax.conv_general_dilated(
            x,
            w,
            window_strides=stride,
            padding=padding,
            rhs_dilation=dilation,
            feature_group_count=groups,
            dimension_numbers=dn,
            precision=_MATMUL,
        )
    else:
        # A transposed convolution is the forward convolution of the stride-dilated input with
        # the flipped kernel whose in/out channels are swapped within each group.
        k = w.shape[2:]
        cin, cout_g = w.shape[0], w.shape[1]
        wt = w.reshape((groups, cin // groups, cout_g) + k)
        wt = jnp.swapaxes(wt, 1, 2).reshape((groups * cout_g, cin // groups) + k)
        wt = jnp.flip(wt, axis=tuple(range(2, 2 + nd)))
        pads = tuple(
            (d * (kk - 1) - p[0], d * (kk - 1) - p[0] + op)
            for kk, d, p, op in zip(k, dilation, padding, output_padding)
        )
        out = lax.conv_general_dilated(
            x,
            wt,
            window_strides=(1,) * nd,
            padding=pads,
            lhs_dilation=stride,
            rhs_dilation=dilation,
            feature_group_count=groups,
            dimension_numbers=dn,
            precision=_MATMUL,
        )
    if b is not None:
        out = out + b.reshape(_channel_shape(out, out.ndim))
    return out


OPS["convolution"] = Op(
    "convolution",
    _conv,
    "ConvolutionBackward0",
    promote="arith",
    saved={
        "input": 0,
        "weight": 1,
        "stride": "stride",
        "padding": "padding_lo",
        "dilation": "dilation",
        "groups": "groups",
        "transposed": "transposed",
        "output_padding": "output_padding",
    },
)


# ---------------------------------------------------------------------------------- pooling
def _crop_negative(x, pads):
    """Trailing windows a floor-mode pool drops show up as negative high padding: crop them
    off, so the padding handed to XLA is never negative (its gradient needs that)."""
    nd = len(pads)
    lead = x.ndim - nd
    for i, (_, hi) in enumerate(pads):
        if hi < 0:
            x = lax.slice_in_dim(x, 0, x.shape[lead + i] + hi, axis=lead + i)
    return x, tuple((lo, max(hi, 0)) for lo, hi in pads)


def _max_pool(x, *, kernel, stride, pads, dilation):
    if any(d != 1 for d in dilation):
        # XLA's max-pool gradient has no window dilation: take the first maximum explicitly
        return _max_pool_indices(x, kernel=kernel, stride=stride, pads=pads, dilation=dilation)[0]
    x, pads = _crop_negative(x, pads)
    nd = len(kernel)
    lead = x.ndim - nd
    spatial = x.shape[lead:]
    if (
        tuple(kernel) == tuple(stride)
        and all(tuple(p) == (0, 0) for p in pads)
        and all(n % k == 0 for n, k in zip(spatial, kernel))
    ):
        return _max_pool_tiled(x, kernel, lead)
    cfg = [(0, 0)] * lead + list(pads)
    return lax.reduce_window(
        x, _lowest(x.dtype), lax.max, (1,) * lead + kernel, (1,) * lead + stride, cfg
    )


def _max_pool_tiled(x, kernel, lead):
    """Windows that tile the plane (kernel == stride, no padding — the usual MaxPool2d(2)):
    reshape each window onto a last axis and take its first maximum.  Its gradient goes to that
    element only, as PyTorch's does, and XLA:CPU runs it several times faster than the
    reduce_window gradient (select_and_scatter)."""
    spatial = x.shape[lead:]
    nd = len(kernel)
    split = x.shape[:lead] + tuple(d for n, k in zip(spatial, kernel) for d in (n // k, k))
    perm = (
        tuple(range(lead))
        + tuple(lead + 2 * i for i in range(nd))
        + tuple(lead + 2 * i + 1 for i in range(nd))
    )
    out_shape = x.shape[:lead] + tuple(n // k for n, k in zip(spatial, kernel))
    windows = x.reshape(split).transpose(perm).reshape(out_shape + (-1,))
    key = (
        jnp.where(jnp.isnan(windows), jnp.inf, windows)
        if jnp.issubdtype(windows.dtype, jnp.floating)
        else windows
    )
    arg = jnp.argmax(key, axis=-1)
    return jnp.take_along_axis(windows, arg[..., None], axis=-1)[..., 0]


def _lowest(dtype):
    """The identity of max as a concrete NumPy scalar (JAX then picks its differentiable
    max-pool primitive; a traced init value would not be recognised)."""
    if jnp.issubdtype(dtype, jnp.floating):
        return np.array(-np.inf, dtype)
    return np.array(jnp.iinfo(dtype).min, dtype)


def _max_pool_indices(x, *, kernel, stride, pads, dilation):
    """Values and PyTorch's flat in-plane indices of each window's first maximum."""
    nd = len(kernel)
    lead = x.ndim - nd
    spatial = x.shape[lead:]
    out = tuple(
        (n + lo + hi - d * (k - 1) - 1) // s + 1
        for n, (lo, hi), k, s, d in zip(spatial, pads, kernel, stride, dilation)
    )
    # flat index (in the whole input plane) of every position of the cropped, padded plane
    flat = np.arange(math.prod(spatial)).reshape(spatial)
    x, pads = _crop_negative(x, pads)
    flat = flat[tuple(slice(0, n) for n in x.shape[lead:])]
    flat = np.pad(flat, list(pads), constant_values=-1)
    cfg = [(0, 0, 0)] * lead + [(lo, hi, 0) for lo, hi in pads]
    xp = lax.pad(x, _lowest(x.dtype), cfg)
    vals, idxs = [], []
    for offs in itertools.product(*(range(k) for k in kernel)):
        start = [0] * lead + [o * d for o, d in zip(offs, dilation)]
        limit = list(x.shape[:lead]) + [
            o * d + (m - 1) * s + 1 for o, d, m, s in zip(offs, dilation, out, stride)
        ]
        vals.append(lax.slice(xp, start, limit, (1,) * lead + stride))
        sl = tuple(
            slice(o * d, o * d + (m - 1) * s + 1, s)
            for o, d, m, s in zip(offs, dilation, out, stride)
        )
        idxs.append(flat[sl])
    stack = jnp.stack(vals, axis=-1)
    # first maximum, NaN counting as the maximum (PyTorch's scan: ``val > max || isnan(val)``)
    key = (
        jnp.where(jnp.isnan(stack), jnp.inf, stack)
        if jnp.issubdtype(stack.dtype, jnp.floating)
        else stack
    )
    arg = jnp.argmax(key, axis=-1)
    values = jnp.take_along_axis(stack, arg[..., None], axis=-1)[..., 0]
    table = jnp.asarray(np.stack(idxs, axis=-1))
    index = jnp.take_along_axis(jnp.broadcast_to(table, stack.shape), arg[..., None], axis=-1)[
        ..., 0
    ]
    return values, index


def _avg_divisor(spatial, kernel, stride, pads, count_include_pad, divisor_override):
    """PyTorch's per-window divisor (numpy, from shapes only)."""
    if divisor_override:
        return np.asarray(divisor_override, np.float64)
    per_dim = []
    for n, k, s, (lo, hi) in zip(spatial, kernel, stride, pads):
        m = (n + lo + hi - k) // s + 1
        start = np.arange(m) * s - lo
        end = np.minimum(start + k, n + lo)
        if count_include_pad:
            size = end - start
        else:
            size = np.minimum(end, n) - np.maximum(start, 0)
        per_dim.append(size.astype(np.float64))
    out = per_dim[0]
    for d in per_dim[1:]:
        out = np.multiply.outer(out, d)
    return out


def _avg_pool(x, *, kernel, stride, pads, count_include_pad, divisor_override):
    divisor = _avg_divisor(
        x.shape[x.ndim - len(kernel) :], kernel, stride, pads, count_include_pad, divisor_override
    )
    x, pads = _crop_negative(x, pads)
    nd = len(kernel)
    lead = x.ndim - nd
    cfg = [(0, 0)] * lead + list(pads)
    acc = _acc(x)
    summed = lax.reduce_window(
        acc, np.array(0, acc.dtype), lax.add, (1,) * lead + kernel, (1,) * lead + stride, cfg
    )
    return (summed / jnp.asarray(divisor, acc.dtype)).astype(x.dtype)


def _adaptive_matrix(n, m):
    """(m, n) averaging matrix of adaptive pooling: row i averages [floor(i*n/m), ceil(..))."""
    mat = np.zeros((m, n))
    for i in range(m):
        s, e = (i * n) // m, -(-((i + 1) * n) // m)
        mat[i, s:e] = 1.0 / (e - s)
    return mat


def _along(x, mats, dtype):
    """Apply one (out, in) matrix along each of the trailing ``len(mats)`` dims."""
    nd = len(mats)
    out = x
    for i, m in enumerate(mats):
        axis = x.ndim - nd + i
        mat = jnp.asarray(m, dtype)
        out = jnp.moveaxis(jnp.tensordot(out, mat, axes=([axis], [1]), precision=_MATMUL), -1, axis)
    return out


def _adaptive_avg_pool(x, *, output_size):
    nd = len(output_size)
    spatial = x.shape[x.ndim - nd :]
    mats = [_adaptive_matrix(n, m) for n, m in zip(spatial, output_size)]
    acc = _acc(x)
    return _along(acc, mats, acc.dtype).astype(x.dtype)


POOL_SAVED = {"self": 0, "kernel_size": "kernel", "stride": "stride", "dilation": "dilation"}
for _d in (1, 2, 3):
    OPS[f"max_pool{_d}d"] = Op(
        f"max_pool{_d}d", _max_pool, f"MaxPool{_d}DWithIndicesBackward0", saved=POOL_SAVED
    )
    OPS[f"max_pool{_d}d_with_indices"] = Op(
        f"max_pool{_d}d", _max_pool_indices, f"MaxPool{_d}DWithIndicesBackward0", saved=POOL_SAVED
    )
    OPS[f"avg_pool{_d}d"] = Op(
        f"avg_pool{_d}d",
        _avg_pool,
        f"AvgPool{_d}DBackward0",
        linear=True,
        saved={
            "kernel_size": "kernel",
            "stride": "stride",
            "count_include_pad": "count_include_pad",
            "divisor_override": "divisor_override",
        },
    )
    OPS[f"adaptive_avg_pool{_d}d"] = Op(
        f"adaptive_avg_pool{_d}d", _adaptive_avg_pool, f"AdaptiveAvgPool{_d}DBackward0", linear=True
    )


def _adaptive_max_pool(x, *, bounds):
    """Adaptive max pooling: the max over each (start, end) box, with first-max indices."""
    nd = len(bounds)
    lead = x.ndim - nd
    spatial = x.shape[lead:]
    flat_idx = jnp.arange(math.prod(spatial)).reshape(spatial)
    outs, idxs = [], []
    for box in itertools.product(*bounds):
        sl = (Ellipsis,) + tuple(slice(s, e) for s, e in box)
        win = x[sl].reshape(x.shape[:lead] + (-1,))
        ids = flat_idx[tuple(slice(s, e) for s, e in box)].reshape(-1)
        key = jnp.where(jnp.isnan(win), jnp.inf, win)
        a = jnp.argmax(key, axis=-1)
        outs.append(jnp.take_along_axis(win, a[..., None], axis=-1)[..., 0])
        idxs.append(ids[a])
    shape = x.shape[:lead] + tuple(len(b) for b in bounds)
    return jnp.stack(outs, -1).reshape(shape), jnp.stack(idxs, -1).reshape(shape)


for _d in (1, 2, 3):
    OPS[f"adaptive_max_pool{_d}d"] = Op(
        f"adaptive_max_pool{_d}d", _adaptive_max_pool, f"AdaptiveMaxPool{_d}DBackward0"
    )


# ---------------------------------------------------------------------------------- normalization
def _batch_norm(x, w, b, rm, rv, nbt, momentum, *, training, eps, update, count, cumulative):
    """Normalized x and, when ``update``/``count``, the new running stats / batch count."""
    axes = (0,) + tuple(range(2, x.ndim))
    shape = _channel_shape(x, x.ndim)
    xa = _acc(x)
    extra = []
    if training:
        mean = jnp.mean(xa, axis=axes)
        var = jnp.mean(jnp.square(xa - mean.reshape(shape)), axis=axes)
        new_nbt = nbt + 1 if count else None
        if update:
            # momentum=None: cumulative average, factor 1 / (batches seen)
            factor = (
                1.0 / new_nbt.astype(jnp.float64)
                if cumulative and count
                else (1.0 if cumulative else momentum)
            )
            n = x.size // x.shape[1]
            m, v = lax.stop_gradient(mean), lax.stop_gradient(var) * (n / max(n - 1, 1))
            extra += [
                ((1 - factor) * rm + factor * m).astype(rm.dtype),
                ((1 - factor) * rv + factor * v).astype(rv.dtype),
            ]
        if count:
            extra.append(new_nbt)
    else:
        mean, var = rm.astype(xa.dtype), rv.astype(xa.dtype)
    out = (xa - mean.reshape(shape)) * lax.rsqrt(var.reshape(shape) + eps)
    if w is not None:
        out = out * w.reshape(shape)
    if b is not None:
        out = out + b.reshape(shape)
    out = out.astype(x.dtype)
    return (out, *extra) if extra else out


def _layer_norm(x, w, b, *, n_axes, eps):
    axes = tuple(range(x.ndim - n_axes, x.ndim))
    xa = _acc(x)
    mean = jnp.mean(xa, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(xa - mean), axis=axes, keepdims=True)
    out = (xa - mean) * lax.rsqrt(var + eps)
    if w is not None:
        out = out * w
    if b is not None:
        out = out + b
    return out.astype(x.dtype)


def _group_norm(x, w, b, *, groups, eps):
    xa = _acc(x).reshape(x.shape[0], groups, -1)
    mean = jnp.mean(xa, axis=-1, keepdims=True)
    var = jnp.mean(jnp.square(xa - mean), axis=-1, keepdims=True)
    out = ((xa - mean) * lax.rsqrt(var + eps)).reshape(x.shape)
    shape = _channel_shape(x, x.ndim)
    if w is not None:
        out = out * w.reshape(shape)
    if b is not None:
        out = out + b.reshape(shape)
    return out.astype(x.dtype)


def _local_response_norm(x, *, size, alpha, beta, k):
    sq = jnp.square(x)
    c = x.shape[1]
    pad = [(0, 0)] * x.ndim
    pad[1] = (size // 2, (size - 1) // 2)
    sq = jnp.pad(sq, pad)
    div = sum(lax.slice_in_dim(sq, i, i + c, axis=1) for i in range(size))
    return x / (k + alpha / size * div) ** beta


OPS["batch_norm"] = Op(
    "batch_norm",
    _batch_norm,
    "NativeBatchNormBackward0",
    edges=3,
    saved={"input": 0, "weight": 1, "training": "training", "eps": "eps"},
)
OPS["layer_norm"] = Op(
    "layer_norm",
    _layer_norm,
    "NativeLayerNormBackward0",
    saved={"input": 0, "weight": 1, "bias": 2},
)
OPS["group_norm"] = Op(
    "group_norm",
    _group_norm,
    "NativeGroupNormBackward0",
    saved={"input": 0, "weight": 1, "group": "groups", "eps": "eps"},
)
OPS["local_response_norm"] = Op("local_response_norm", _local_response_norm, "DivBackward0")


def _rms_norm(x, w, *, n_axes, eps):
    axes = tuple(range(x.ndim - n_axes, x.ndim))
    xa = _acc(x)
    if eps is None:
        eps = float(jnp.finfo(xa.dtype).eps)
    out = xa * lax.rsqrt(jnp.mean(jnp.square(xa), axis=axes, keepdims=True) + eps)
    if w is not None:
        out = out * w
    return out.astype(x.dtype)


OPS["rms_norm"] = Op("rms_norm", _rms_norm, "MulBackward0")


# ---------------------------------------------------------------------------------- embedding
def _embedding(w, idx, *, padding_idx, scale_grad_by_freq, sparse=False):
    # (``sparse``: the engine makes the weight's gradient sparse, see ``F.embedding``)
    if padding_idx is not None and padding_idx >= 0:
        # the padding row gets no gradient
        w = w.at[padding_idx].set(lax.stop_gradient(w[padding_idx]))
    out = jnp.take(w, idx, axis=0)
    if scale_grad_by_freq:
        flat = idx.reshape(-1)
        counts = jnp.zeros(w.shape[0], w.dtype).at[flat].add(1)
        scale = (1 / counts[idx])[..., None]
        out = lax.stop_gradient(out) + (out - lax.stop_gradient(out)) * scale
    return out


OPS["embedding"] = Op(
    "embedding",
    _embedding,
    "EmbeddingBackward0",
    edges=1,
    saved={"indices": 1, "padding_idx": "padding_idx", "scale_grad_by_freq": "scale_grad_by_freq"},
)


def _embedding_bag(
    w, per_sample, idx, offsets, n_valid, *, mode, n_bags, padding_idx, sparse=False
):
    # ``idx`` is padded to a bucket length (``F.embedding_bag``): entries from ``n_valid`` on
    # take part in no bag, so one executable serves every input length of the bucket.  The
    # weight and per_sample_weights lead: they are the node's two edges, as in PyTorch.  A
    # per_sample_weights that requires grad comes unpadded (its edge is its own history)
    n = idx.shape[0]
    if per_sample is not None and per_sample.shape[0] < n:
        per_sample = jnp.pad(per_sample, (0, n - per_sample.shape[0]))
    bag = jnp.searchsorted(offsets, jnp.arange(n), side="right") - 1
    rows = jnp.take(w, idx, axis=0)
    keep = jnp.arange(n) < n_valid
    if padding_idx is not None:
        keep = keep & (idx != padding_idx)
    keep = keep.astype(w.dtype)
    if per_sample is not None:
        rows = rows * per_sample[:, None]
    rows = rows * keep[:, None]
    if mode == "max":
        init = jnp.full((n_bags, w.shape[1]), -jnp.inf, w.dtype)
        out = init.at[bag].max(jnp.where(keep[:, None] > 0, rows, -jnp.inf))
        return jnp.where(jnp.isinf(out), 0, out)
    summed = jnp.zeros((n_bags, w.shape[1]), w.dtype).at[bag].add(rows)
    if mode == "mean":
        count = jnp.zeros((n_bags,), w.dtype).at[bag].add(keep)
        summed = summed / jnp.maximum(count, 1)[:, None]
    return summed


OPS["embedding_bag"] = Op("embedding_bag", _embedding_bag, "EmbeddingBagBackward0", edges=2)


# ---------------------------------------------------------------------------------- padding
def _constant_pad(x, *, pads, value):
    cfg = [(0, 0, 0)] * (x.ndim - len(pads)) + [(lo, hi, 0) for lo, hi in pads]
    return lax.pad(x, jnp.asarray(value, x.dtype), cfg)


def _mode_pad(x, *, pads, mode):
    full = [(0, 0)] * (x.ndim - len(pads)) + list(pads)
    if mode == "circular":
        # PyTorch crops first and wraps around what is left
        out_shape = tuple(max(n + lo + hi, 0) for n, (lo, hi) in zip(x.shape, full))
        keep = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for n, (lo, hi) in zip(x.shape, full))
        x = x[keep]
        if x.size == 0:  # nothing left to wrap: PyTorch leaves the pads unwritten (zeros here)
            return jnp.zeros(out_shape, x.dtype)
        return jnp.pad(x, [(max(lo, 0), max(hi, 0)) for lo, hi in full], mode="wrap")
    # negative pads crop after padding
    pos = [(max(lo, 0), max(hi, 0)) for lo, hi in full]
    out = jnp.pad(x, pos, mode={"reflect": "reflect", "replicate": "edge"}[mode])
    sl = tuple(slice(-min(lo, 0), out.shape[i] + min(hi, 0)) for i, (lo, hi) in enumerate(full))
    return out[sl]


OPS["constant_pad_nd"] = Op(
    "constant_pad_nd", _constant_pad, "ConstantPadNdBackward0", linear=True, saved={"pad": "pads"}
)
for _d in (1, 2, 3):
    OPS[f"reflection_pad{_d}d"] = Op(
        f"reflection_pad{_d}d",
        _mode_pad,
        f"ReflectionPad{_d}DBackward0",
        linear=True,
        saved={"padding": "pads"},
    )
    OPS[f"replication_pad{_d}d"] = Op(
        f"replication_pad{_d}d",
        _mode_pad,
        f"ReplicationPad{_d}DBackward0",
        linear=True,
        saved={"padding": "pads"},
    )
OPS["circular_pad"] = Op("pad", _mode_pad, "CopySlices", linear=True)


# ---------------------------------------------------------------------------------- resampling
def _source_index(n_in, n_out, scale, align_corners, cubic=False):
    """PyTorch's ``area_pixel_compute_source_index`` for every output position."""
    dst = np.arange(n_out, dtype=np.float64)
    if align_corners:
        ratio = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
        return ratio * dst
    ratio = 1.0 / scale if scale else n_in / n_out
    src = ratio * (dst + 0.5) - 0.5
    return src if cubic else np.maximum(src, 0.0)


def _linear_matrix(n_in, n_out, scale, align_corners):
    src = _source_index(n_in, n_out, scale, align_corners)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    lam = src - i0
    mat = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    np.add.at(mat, (rows, i0), 1.0 - lam)
    np.add.at(mat, (rows, i1), lam)
    return mat


def _cubic_matrix(n_in, n_out, scale, align_corners, a=-0.75):
    src = _source_index(n_in, n_out, scale, align_corners, cubic=True)
    i0 = np.floor(src).astype(np.int64)
    t = src - i0

    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    coeffs = [far(t + 1), near(t), near(1 - t), far(2 - t)]
    mat = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    for k, c in enumerate(coeffs):
        np.add.at(mat, (rows, np.clip(i0 - 1 + k, 0, n_in - 1)), c)
    return mat


def _fixed_point(mat):
    """PyTorch's uint8 resampling weights: integers scaled by 2**precision, the largest
    precision that keeps every weight within int16."""
    top = float(np.max(mat))
    precision = 0
    while precision < 22 and int(0.5 + top * (1 << (precision + 1))) < (1 << 15):
        precision += 1
    scaled = mat * (1 << precision)
    return np.trunc(scaled + np.where(scaled < 0, -0.5, 0.5)).astype(np.int32), precision


def _resample_uint8(x, mats):
    """uint8 images are resampled as PyTorch's CPU kernel does: one pass per dimension, last
    dimension first, each in fixed-point integers, rounded and saturated back to uint8."""
    nd = len(mats)
    out = x
    for i in reversed(range(nd)):
        axis = x.ndim - nd + i
        weights, precision = _fixed_point(mats[i])
        acc = jnp.tensordot(out.astype(jnp.int32), jnp.asarray(weights), axes=([axis], [1]))
        acc = (acc + (1 << (precision - 1))) >> precision
        out = jnp.moveaxis(jnp.clip(acc, 0, 255).astype(jnp.uint8), -1, axis)
    return out


def _resample(x, *, sizes, scales, align_corners, cubic):
    nd = len(sizes)
    spatial = x.shape[x.ndim - nd :]
    make = _cubic_matrix if cubic else _linear_matrix
    mats = [make(n, m, s, align_corners) for n, m, s in zip(spatial, sizes, scales)]
    if x.dtype == jnp.uint8:
        return _resample_uint8(x, mats)
    acc = _acc(x)
    return _along(acc, mats, acc.dtype).astype(x.dtype)


def _nearest_index(n_in, n_out, scale, exact):
    ratio = 1.0 / scale if scale else n_in / n_out
    dst = np.arange(n_out, dtype=np.float64)
    # PyTorch computes the source index in float32
    r = np.float32(ratio)
    src = (
        np.floor(((dst + 0.5) * r).astype(np.float32))
        if exact
        else np.floor((dst.astype(np.float32) * r).astype(np.float32))
    )
    return np.minimum(src.astype(np.int64), n_in - 1)


def _gather_nearest(x, *, sizes, scales, exact):
    nd = len(sizes)
    out = x
    for i, (m, s) in enumerate(zip(sizes, scales)):
        axis = x.ndim - nd + i
        out = jnp.take(out, jnp.asarray(_nearest_index(x.shape[axis], m, s, exact)), axis=axis)
    return out


for _d, _n in ((1, "1D"), (2, "2D"), (3, "3D")):
    OPS[f"upsample_nearest{_d}d"] = Op(
        f"upsample_nearest{_d}d", _gather_nearest, f"UpsampleNearest{_n}Backward0", linear=True
    )
    OPS[f"upsample_nearest_exact{_d}d"] = Op(
        f"_upsample_nearest_exact{_d}d",
        _gather_nearest,
        f"UpsampleNearestExact{_n}Backward0",
        linear=True,
    )
OPS["upsample_linear1d"] = Op(
    "upsample_linear1d", _resample, "UpsampleLinear1DBackward0", linear=True
)
OPS["upsample_bilinear2d"] = Op(
    "upsample_bilinear2d", _resample, "UpsampleBilinear2DBackward0", linear=True
)
OPS["upsample_trilinear3d"] = Op(
    "upsample_trilinear3d", _resample, "UpsampleTrilinear3DBackward0", linear=True
)
OPS["upsample_bicubic2d"] = Op(
    "upsample_bicubic2d", _resample, "UpsampleBicubic2DBackward0", linear=True
)


def _aa_filter(kind, x):
    x = np.abs(x)
    if kind == "bilinear":
        return np.where(x < 1.0, 1.0 - x, 0.0)
    if kind == "bicubic":
        # the antialiased kernel is Pillow's cubic (a = -0.5), not upsample_bicubic2d's -0.75
        a = -0.5
        near = ((a + 2) * x - (a + 3)) * x * x + 1
        far = (((x - 5) * x + 8) * x - 4) * a
        return np.where(x < 1.0, near, np.where(x < 2.0, far, 0.0))
    return np.where(x < 3.0, np.sinc(x) * np.sinc(x / 3), 0.0)  # Lanczos-3


_AA_TAPS = {"bilinear": 2, "bicubic": 4, "lanczos": 6}


def _aa_matrix(n_in, n_out, scale, align_corners, kind):
    """Pillow-style separable resampling, as PyTorch's ``_upsample_*_aa``: when shrinking, the
    filter is widened by the ratio so every input pixel contributes; each output row is
    normalized to sum to one."""
    if align_corners:
        ratio = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    else:
        ratio = 1.0 / scale if scale else n_in / n_out
    widen = ratio if ratio >= 1.0 else 1.0
    support = _AA_TAPS[kind] / 2 * widen
    mat = np.zeros((n_out, n_in))
    for i in range(n_out):
        center = ratio * (i + 0.5)
        lo = max(int(center - support + 0.5), 0)
        hi = min(int(center + support + 0.5), n_in)
        w = _aa_filter(kind, (np.arange(lo, hi) - center + 0.5) / widen)
        total = w.sum()
        mat[i, lo:hi] = w / total if total != 0 else w
    return mat


def _resample_aa(x, *, sizes, scales, align_corners, kind):
    spatial = x.shape[x.ndim - len(sizes) :]
    mats = [_aa_matrix(n, m, s, align_corners, kind) for n, m, s in zip(spatial, sizes, scales)]
    if x.dtype == jnp.uint8:
        return _resample_uint8(x, mats)
    return _along(x, mats, x.dtype)


for _kind in ("bilinear", "bicubic", "lanczos"):
    OPS[f"_upsample_{_kind}2d_aa"] = Op(
        f"_upsample_{_kind}2d_aa",
        _resample_aa,
        f"Upsample{_kind.capitalize()}2DAaBackward0",
        linear=True,
    )


# ---------------------------------------------------------------------------------- activations
def _hardtanh(x, *, min_val, max_val):
    # written with where, not clip: the gradient is 0 at the boundaries, as in PyTorch
    lo, hi = jnp.asarray(min_val, x.dtype), jnp.asarray(max_val, x.dtype)
    return jnp.where(x <= lo, lo, jnp.where(x >= hi, hi, x))


def _threshold(x, *, threshold, value):
    return jnp.where(x > threshold, x, jnp.asarray(value, x.dtype))


def _elu_full(x, *, alpha, scale, input_scale):
    # the exponential branch owns x == 0 (PyTorch's backward tests x <= 0)
    neg = alpha * jnp.expm1(jnp.where(x > 0, jnp.zeros((), x.dtype), x) * input_scale)
    return scale * jnp.where(x > 0, x, neg)


def _mish(x):
    return x * jnp.tanh(jax.nn.softplus(x))


def _hardsigmoid(x):
    zero, one = jnp.zeros((), x.dtype), jnp.ones((), x.dtype)
    return jnp.where(x <= -3, zero, jnp.where(x >= 3, one, x / 6 + 0.5))


def _hardswish(x):
    return jnp.where(x <= -3, jnp.zeros((), x.dtype), jnp.where(x >= 3, x, x * (x + 3) / 6))


def _logsigmoid(x):
    return -jax.nn.softplus(-x)


def _softshrink(x, *, lambd):
    return jnp.where(x > lambd, x - lambd, jnp.where(x < -lambd, x + lambd, 0).astype(x.dtype))


def _hardshrink(x, *, lambd):
    return jnp.where((x > lambd) | (x < -lambd), x, jnp.zeros((), x.dtype))


def _prelu(x, w):
    if x.ndim >= 2 and w.size > 1:
        w = w.reshape(_channel_shape(x, x.ndim))
    return jnp.where(x > 0, x, w * x)


def _glu(x, *, dim):
    a, b = jnp.split(x, 2, axis=dim)
    return a * jax.nn.sigmoid(b)


def _rrelu_eval(x, *, lower, upper):
    return jnp.where(x >= 0, x, x * ((lower + upper) / 2))


OPS["hardtanh"] = Op(
    "hardtanh",
    _hardtanh,
    "HardtanhBackward0",
    saved={"self": 0, "min_val": "min_val", "max_val": "max_val"},
)
OPS["threshold"] = Op(
    "threshold", _threshold, "ThresholdBackward0", saved={"self": 0, "threshold": "threshold"}
)
OPS["elu_full"] = Op(
    "elu",
    _elu_full,
    "EluBackward0",
    saved={"self": 0, "alpha": "alpha", "scale": "scale", "input_scale": "input_scale"},
)
OPS["mish"] = Op("mish", _mish, "MishBackward0", saved={"self": 0})
OPS["hardsigmoid"] = Op("hardsigmoid", _hardsigmoid, "HardsigmoidBackward0", saved={"self": 0})
OPS["hardswish"] = Op("hardswish", _hardswish, "HardswishBackward0", saved={"self": 0})
OPS["log_sigmoid"] = Op("log_sigmoid", _logsigmoid, "LogSigmoidBackward0", saved={"self": 0})
OPS["softshrink"] = Op(
    "softshrink", _softshrink, "SoftshrinkBackward0", saved={"self": 0, "lambd": "lambd"}
)
OPS["hardshrink"] = Op(
    "hardshrink", _hardshrink, "HardshrinkBackward0", saved={"self": 0, "lambd": "lambd"}
)
OPS["prelu"] = Op(
    "prelu", _prelu, "PreluKernelBackward0", promote="arith", saved={"self": 0, "weight": 1}
)
OPS["glu"] = Op("glu", _glu, "GluBackward0", saved={"self": 0, "dim": "dim"})
OPS["rrelu_eval"] = Op(
    "rrelu",
    _rrelu_eval,
    "RreluWithNoiseBackward0",
    saved={"self": 0, "lower": "lower", "upper": "upper"},
)
OPS["celu"] = Op("celu", _elu_full, "CeluBackward0", saved={"self": 0, "alpha": "alpha"})
OPS["rrelu_train"] = Op(
    "rrelu",
    lambda x, noise: x * noise,
    "RreluWithNoiseBackward0",
    edges=1,
    saved={"self": 0, "noise": 1},
)


# ---------------------------------------------------------------------------------- losses
def _reduce(loss, reduction):
    if reduction == "mean":
        return jnp.mean(loss)
    if reduction == "sum":
        return jnp.sum(loss)
    return loss


def _abs_diff(x, y):
    """|x - y| with derivative 0 where x == y (PyTorch's sign convention)."""
    d = x - y
    return jnp.where(d == 0, jnp.zeros((), d.dtype), jnp.abs(d))


def _smooth_l1(x, y, *, reduction, beta):
    d = _abs_diff(x, y)
    if beta == 0:
        return _reduce(d, reduction)
    return _reduce(jnp.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta), reduction)


def _huber(x, y, *, reduction, delta):
    d = _abs_diff(x, y)
    return _reduce(jnp.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta)), reduction)


def _bce_value(p, t, w, reduction):
    logp = jnp.maximum(jnp.log(p), -100)
    log1mp = jnp.maximum(jnp.log1p(-p), -100)
    loss = -(t * logp + (1 - t) * log1mp)
    if w is not None:
        loss = loss * w
    return _reduce(loss, reduction)


# PyTorch's EPSILON in binary_cross_entropy_backward: a float, so 9.99999996e-13 in double too
_BCE_EPSILON = float(np.float32(1e-12))


@functools.partial(jax.custom_vjp, nondiff_argnums=(3,))
def _bce_rule(p, t, w, reduction):
    return _bce_value(p, t, w, reduction)


def _bce_fwd(p, t, w, reduction):
    return _bce_value(p, t, w, reduction), (p, t, w)


def _bce_bwd(reduction, res, g):
    # PyTorch's explicit formulas, in its order (the clamped logs' own derivative is 0 * inf
    # at an input of exactly 0 or 1, where PyTorch's gradient is finite: a saturated sigmoid)
    p, t, w = res
    gp = g * (p - t) / jnp.maximum((1 - p) * p, jnp.asarray(_BCE_EPSILON, p.dtype))
    gt = -jnp.log(p / (1 - p)) * g  # (binary_cross_entropy_target_backward: -logit(p))
    if w is not None:
        gp, gt = gp * w, gt * w
    if reduction == "mean":
        n = jnp.asarray(p.size, p.dtype)
        gp, gt = exact_divide(opaque(gp), n), exact_divide(opaque(gt), n)
    # (no gradient for the weight: PyTorch refuses a weight that requires grad)
    return gp, gt, None if w is None else jnp.zeros_like(w)


_bce_rule.defvjp(_bce_fwd, _bce_bwd)


def _bce(p, t, w, *, reduction):
    return _bce_rule(p, t, w, reduction)


def _bce_logits(x, t, w, pw, *, reduction):
    softplus_neg = jnp.logaddexp(0, -x)  # log(1 + e^-x), with the right slope at 0
    if pw is not None:
        loss = (1 - t) * x + (1 + (pw - 1) * t) * softplus_neg
    else:
        loss = (1 - t) * x + softplus_neg
    if w is not None:
        loss = loss * w
    return _reduce(loss, reduction)


def _soft_margin(x, y, *, reduction):
    return _reduce(jnp.log1p(jnp.exp(-y * x)), reduction)


def _multi_margin(x, target, w, *, p, margin, reduction):
    if x.ndim == 1:
        x = x[None]
        target = target.reshape(1)
    c = x.shape[1]
    picked = jnp.take_along_axis(x, target[:, None], axis=1)
    z = jnp.maximum(margin - picked + x, 0)
    if p == 2:
        z = z * z
    if w is not None:
        z = z * w[target][:, None]
    z = jnp.where(jnp.arange(c)[None] == target[:, None], 0, z)
    loss = jnp.sum(z, axis=1) / c
    return _reduce(loss, reduction)


def _multilabel_margin(x, y, *, reduction):
    if x.ndim == 1:
        x, y = x[None], y[None]
    c = x.shape[1]
    # valid targets are the leading entries before the first -1
    valid = jnp.cumprod(y >= 0, axis=1).astype(bool)
    safe = jnp.where(valid, y, 0)
    is_target = jnp.zeros(x.shape, bool).at[jnp.arange(x.shape[0])[:, None], safe].max(valid)
    picked = jnp.take_along_axis(x, safe, axis=1)  # (N, C) target scores
    z = jnp.maximum(1 - picked[:, :, None] + x[:, None, :], 0)
    z = z * (valid[:, :, None] & ~is_target[:, None, :])
    loss = jnp.sum(z, axis=(1, 2)) / c
    return _reduce(loss, reduction)


OPS["smooth_l1_loss"] = Op(
    "smooth_l1_loss",
    _smooth_l1,
    "SmoothL1LossBackward0",
    promote="arith",
    saved={"self": 0, "target": 1, "reduction": "reduction", "beta": "beta"},
)
OPS["huber_loss"] = Op(
    "huber_loss",
    _huber,
    "HuberLossBackward0",
    promote="arith",
    saved={"self": 0, "target": 1, "reduction": "reduction", "delta": "delta"},
)
OPS["binary_cross_entropy"] = Op(
    "binary_cross_entropy",
    _bce,
    "BinaryCrossEntropyBackward0",
    promote="arith",
    saved={"self": 0, "target": 1, "weight": 2, "reduction": "reduction"},
)
OPS["binary_cross_entropy_with_logits"] = Op(
    "binary_cross_entropy_with_logits",
    _bce_logits,
    "BinaryCrossEntropyWithLogitsBackward0",
    promote="arith",
    saved={"self": 0, "target": 1, "weight": 2, "pos_weight": 3, "reduction": "reduction"},
)
OPS["soft_margin_loss"] = Op(
    "soft_margin_loss",
    _soft_margin,
    "SoftMarginLossBackward0",
    promote="arith",
    saved={"self": 0, "target": 1, "reduction": "reduction"},
)
OPS["multi_margin_loss"] = Op(
    "multi_margin_loss",
    _multi_margin,
    "MultiMarginLossBackward0",
    edges=1,
    saved={"self": 0, "target": 1, "p": "p", "margin": "margin", "reduction": "reduction"},
)
OPS["nll_loss2d"] = Op(
    "nll_loss2d",
    OPS["nll_loss"].impl,
    "NllLoss2DBackward0",
    edges=1,
    saved={
        "self": 0,
        "target": 1,
        "weight": 2,
        "reduction": "reduction",
        "ignore_index": "ignore_index",
    },
)
OPS["multilabel_margin_loss"] = Op(
    "multilabel_margin_loss",
    _multilabel_margin,
    "MultilabelMarginLossBackward0",
    edges=1,
    saved={"self": 0, "target": 1, "reduction": "reduction"},
)


def _one_hot(x, *, num_classes):
    return (x[..., None] == jnp.arange(num_classes, dtype=x.dtype)).astype(jnp.int64)


OPS["one_hot"] = Op("one_hot", _one_hot, None)
# ``at::div(tensor, scalar)`` inside composite losses shows DivBackward1
OPS["div_scalar"] = Op(
    "div",
    lambda a, b: a / b,
    "DivBackward1",
    promote="arith",
    edges=1,
    saved={"other": ("scalar", 1)},
)


# ---------------------------------------------------------------------------------- recurrent
def _cell(mode, x, h, c, w_ih, w_hh, b_ih, b_hh, nonlinearity):
    gi = jnp.matmul(x, w_ih.T, precision=_MATMUL)
    gh = jnp.matmul(h, w_hh.T, precision=_MATMUL)
    if b_ih is not None:
        gi = gi + b_ih
        gh = gh + b_hh
    if mode == "RNN":
        pre = gi + gh
        return (jnp.tanh(pre) if nonlinearity == "tanh" else jnp.maximum(pre, 0)), None
    if mode == "LSTM":
        i, f, g, o = jnp.split(gi + gh, 4, axis=-1)
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        return jax.nn.sigmoid(o) * jnp.tanh(c), c
    # GRU: the reset gate scales the hidden part of the candidate, bias included
    ir, iz, inn = jnp.split(gi, 3, axis=-1)
    hr, hz, hn = jnp.split(gh, 3, axis=-1)
    r = jax.nn.sigmoid(ir + hr)
    z = jax.nn.sigmoid(iz + hz)
    n = jnp.tanh(inn + r * hn)
    return (1 - z) * n + z * h, None


def _rnn(
    x,
    h0,
    c0,
    *rest,
    mode,
    num_layers,
    bidirectional,
    has_biases,
    nonlinearity,
    proj,
    n_weights,
    n_masks,
):
    """A whole (multi-layer, maybe bidirectional) RNN over time-major ``x`` (T, N, F).

    ``rest`` holds the flat weights (PyTorch's ``_flat_weights`` order) and then one dropout
    mask per layer but the last.  Returns (output, h_n, c_n)."""
    weights, masks = rest[:n_weights], rest[n_weights:]
    dirs = 2 if bidirectional else 1
    per = (4 if has_biases else 2) + (1 if proj else 0)
    layer_in = x
    hs, cs = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = (layer * dirs + d) * per
            w = weights[k : k + per]
            w_ih, w_hh = w[0], w[1]
            b_ih, b_hh = (w[2], w[3]) if has_biases else (None, None)
            w_hr = w[-1] if proj else None
            h = h0[layer * dirs + d]
            c = c0[layer * dirs + d] if c0 is not None else None
            seq = layer_in[::-1] if d == 1 else layer_in

            def step(carry, xt, w_ih=w_ih, w_hh=w_hh, b_ih=b_ih, b_hh=b_hh, w_hr=w_hr):
                h, c = carry
                h, c = _cell(mode, xt, h, c, w_ih, w_hh, b_ih, b_hh, nonlinearity)
                if w_hr is not None:
                    h = jnp.matmul(h, w_hr.T, precision=_MATMUL)
                return (h, c), h

            (h, c), ys = lax.scan(step, (h, c), seq)
            outs.append(ys[::-1] if d == 1 else ys)
            hs.append(h)
            cs.append(c)
        layer_in = outs[0] if dirs == 1 else jnp.concatenate(outs, axis=-1)
        if layer < num_layers - 1 and n_masks:
            layer_in = layer_in * masks[layer]
    # the final states come out one per layer and direction; the caller stacks them
    return (layer_in, *hs, *(cs if mode == "LSTM" else ()))


# The grad_fn of the output is the node PyTorch's CPU kernels show for it: the stack of time
# steps (RNN, GRU), the oneDNN layer (LSTM) or the cat of both directions (bidirectional).
OPS["rnn"] = Op("rnn", _rnn, "StackBackward0", promote="arith")
OPS["rnn_mkldnn"] = Op("lstm", _rnn, "MkldnnRnnLayerBackward0", promote="arith")
OPS["rnn_bidirectional"] = Op("rnn", _rnn, "CatBackward0", promote="arith")


# ---------------------------------------------------------------------------------- misc
def _pixel_shuffle(x, *, r):
    *lead, c, h, w = x.shape
    n = len(lead)
    x = x.reshape(*lead, c // (r * r), r, r, h, w)
    x = jnp.transpose(x, tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def _pixel_unshuffle(x, *, r):
    *lead, c, h, w = x.shape
    n = len(lead)
    x = x.reshape(*lead, c, h // r, r, w // r, r)
    x = jnp.transpose(x, tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
    return x.reshape(*lead, c * r * r, h // r, w // r)


OPS["pixel_shuffle"] = Op(
    "pixel_shuffle",
    _pixel_shuffle,
    "PixelShuffleBackward0",
    linear=True,
    saved={"upscale_factor": "r"},
)
OPS["pixel_unshuffle"] = Op(
    "pixel_unshuffle",
    _pixel_unshuffle,
    "PixelUnshuffleBackward0",
    linear=True,
    saved={"downscale_factor": "r"},
)


def _p_norm(x, *, p, dim, keepdim):
    ax = jnp.abs(x)
    if p == float("inf"):
        return jnp.max(ax, axis=dim, keepdims=keepdim)
    if p == 2:
        return jnp.sqrt(jnp.sum(ax * ax, axis=dim, keepdims=keepdim))
    if p == 1:
        return jnp.sum(ax, axis=dim, keepdims=keepdim)
    return jnp.sum(ax**p, axis=dim, keepdims=keepdim) ** (1.0 / p)


# ``at::norm(x, p, dim)`` (used by pairwise_distance) is NormBackward1, not linalg's node
OPS["norm_dim"] = Op(
    "norm",
    _p_norm,
    "NormBackward1",
    promote="float",
    saved={"self": 0, "p": "p", "dim": "dim", "keepdim": "keepdim", "result": "result"},
)


def _safe_softmax(x, *, dim):
    """softmax whose fully masked rows (all -inf) are 0 rather than NaN, as PyTorch's
    attention.  Such rows are zeroed before the softmax too, so their gradient is 0, not NaN."""
    dead = jnp.all(x == -jnp.inf, axis=dim, keepdims=True)
    probs = jax.nn.softmax(jnp.where(dead, jnp.zeros((), x.dtype), x), axis=dim)
    return jnp.where(dead, jnp.zeros((), probs.dtype), probs)


OPS["_safe_softmax"] = Op(
    "_safe_softmax", _safe_softmax, "SafeSoftmaxBackward0", saved={"dim": "dim", "result": "result"}
)


# PyTorch's CPU flash kernel walks the keys in blocks of this many
_FLASH_KV_BLOCK = 512


def _flash_scores(q, k, mask, *, scale, is_causal):
    f32 = jnp.float32
    scores = jnp.matmul(q.astype(f32), jnp.swapaxes(k, -2, -1).astype(f32), precision=_MATMUL)
    if is_causal:
        keep = jnp.tril(jnp.ones(scores.shape[-2:], bool))
        scores = jnp.where(keep, scores, -jnp.inf)
    scores = scores * jnp.float32(scale)
    if mask is not None:
        if mask.dtype == jnp.bool_:
            scores = jnp.where(mask, scores, -jnp.inf)
        else:
            scores = scores + mask.astype(f32)
    return scores


def _flash_q_block(length):
    return 256 if length >= 768 else 64 if length >= 192 else 32


def _sdpa_reduced_grads(q, k, v, mask, out, g, *, scale, is_causal, low):
    """The CPU flash kernel's half/bfloat16 backward: probabilities recomputed in float32 from
    the row's log-sum-exp, rounded to ``low`` for grad_v = p^T @ grad_out; dS = p * (grad_out @
    v^T - rowsum(grad_out * out)) rounded to ``low`` for grad_q = scale * dS @ k and grad_k =
    scale * dS^T @ q; every gradient accumulated block by block into ``low`` storage (query
    blocks of 32/64/256 rows, key blocks of 512)."""
    f32 = jnp.float32

    def rnd(x):
        return _round(x, low)

    scores = _flash_scores(q, k, mask, scale=scale, is_causal=is_causal)
    row_max = jnp.max(scores, axis=-1, keepdims=True)
    dead = row_max == -jnp.inf
    total = jnp.sum(jnp.exp(scores - jnp.where(dead, 0.0, row_max)), axis=-1, keepdims=True)
    lse = jnp.where(dead, 0.0, row_max) + jnp.log(jnp.where(total == 0, 1.0, total))
    qf, kf, vf, gf = q.astype(f32), k.astype(f32), v.astype(f32), g.astype(f32)
    dsum = jnp.sum(gf * out.astype(f32), axis=-1, keepdims=True)
    p = jnp.exp(scores - lse)
    p_low = rnd(p)
    ds = rnd(p * (jnp.matmul(gf, jnp.swapaxes(vf, -2, -1), precision=_MATMUL) - dsum))
    length, keys = q.shape[-2], k.shape[-2]
    qb = _flash_q_block(length)
    gq = jnp.zeros(q.shape, f32)
    gk = jnp.zeros(k.shape, f32)
    gv = jnp.zeros(v.shape, f32)
    for m in range(0, length, qb):
        rows = slice(m, m + qb)
        for n in range(0, keys, _FLASH_KV_BLOCK):
            cols = slice(n, n + _FLASH_KV_BLOCK)
            pb = p_low[..., rows, cols]
            db = ds[..., rows, cols]
            gv = gv.at[..., cols, :].set(
                rnd(gv[..., cols, :] + jnp.matmul(jnp.swapaxes(pb, -2, -1), gf[..., rows, :]))
            )
            gq = gq.at[..., rows, :].set(
                rnd(gq[..., rows, :] + scale * jnp.matmul(db, kf[..., cols, :]))
            )
            gk = gk.at[..., cols, :].set(
                rnd(
                    gk[..., cols, :]
                    + scale * jnp.matmul(jnp.swapaxes(db, -2, -1), qf[..., rows, :])
                )
            )
    return gq.astype(q.dtype), gk.astype(k.dtype), gv.astype(v.dtype)


def _sdpa_reduced(q, k, v, mask, *, scale, is_causal, low):
    """Half/bfloat16 attention in the CPU flash kernel's arithmetic: scores, maxima, the
    exponentials and their row sums in float32, the exponentials rounded to ``low`` (the inputs'
    dtype; they arrive in float32, opmath) for the product with ``v`` (float32 accumulation),
    the key blocks merged by online softmax, and the row finally scaled by the reciprocal of its
    sum (a fully masked row is 0).  The result, float32, is rounded to ``low`` once."""
    f32 = jnp.float32
    scores = _flash_scores(q, k, mask, scale=scale, is_causal=is_causal)
    vf = v.astype(f32)
    row_max = jnp.full(scores.shape[:-1] + (1,), -jnp.inf, f32)
    row_sum = jnp.zeros(scores.shape[:-1] + (1,), f32)
    acc = None
    for start in range(0, scores.shape[-1], _FLASH_KV_BLOCK):
        block = scores[..., start : start + _FLASH_KV_BLOCK]
        new_max = jnp.maximum(row_max, jnp.max(block, axis=-1, keepdims=True))
        dead = new_max == -jnp.inf
        p = jnp.where(dead, jnp.zeros((), f32), jnp.exp(block - jnp.where(dead, 0.0, new_max)))
        rescale = jnp.where(dead, jnp.ones((), f32), jnp.exp(row_max - new_max))
        row_sum = jnp.where(dead, row_sum, jnp.sum(p, axis=-1, keepdims=True) + rescale * row_sum)
        part = jnp.matmul(
            _round(p, low),
            vf[..., start : start + _FLASH_KV_BLOCK, :],
            precision=_MATMUL,
        )
        acc = part if acc is None else acc * rescale + part
        row_max = jnp.where(dead, row_max, new_max)
    row_sum = jnp.where(row_sum == 0, jnp.ones((), f32), row_sum)
    return (acc * (1 / row_sum)).astype(q.dtype)


def _sdpa(q, k, v, mask, *, scale, is_causal, gqa, low=None):
    if gqa:
        # grouped-query attention: each key/value head serves q_heads // kv_heads query heads
        k = jnp.repeat(k, q.shape[-3] // k.shape[-3], axis=-3)
        v = jnp.repeat(v, q.shape[-3] // v.shape[-3], axis=-3)
    if low is not None:
        return _sdpa_reduced(q, k, v, mask, scale=scale, is_causal=is_causal, low=jnp.dtype(low))
    scores = jnp.matmul(q, jnp.swapaxes(k, -2, -1), precision=_MATMUL) * scale
    if is_causal:
        keep = jnp.tril(jnp.ones(scores.shape[-2:], bool))
        scores = jnp.where(keep, scores, -jnp.inf)
    if mask is not None:
        if mask.dtype == jnp.bool_:
            scores = jnp.where(mask, scores, -jnp.inf)
        else:
            scores = scores + mask.astype(scores.dtype)
    return jnp.matmul(_safe_softmax(scores, dim=-1), v, precision=_MATMUL)


def _first_order_only(f, kernel, backward=None):
    """``f`` with its usual gradient (or ``backward(args, grad)``'s), but a gradient that has
    no gradient itself: PyTorch registers no derivative for some backward kernels, and a double
    backward through them fails naming the kernel."""

    @jax.custom_vjp
    def grads(args, g):
        if backward is not None:
            return backward(args, g)
        return jax.vjp(f, *args)[1](g)

    def grads_bwd(_, __):
        raise RuntimeError(f"derivative for aten::{kernel} is not implemented")

    grads.defvjp(lambda args, g: (grads(args, g), None), grads_bwd)

    @jax.custom_vjp
    def once(*args):
        return f(*args)

    once.defvjp(lambda *args: (f(*args), args), grads)
    return once


def _sdpa_fused(q, k, v, mask, *, scale, is_causal, gqa, low=None):
    def attend(q, k, v, mask):
        return _sdpa(q, k, v, mask, scale=scale, is_causal=is_causal, gqa=gqa, low=low)

    backward = None
    if low is not None and not gqa:  # (grouped heads: how PyTorch rounds their sum is open)

        def backward(args, g):
            q, k, v, mask = args
            out = attend(q, k, v, mask).astype(jnp.dtype(low))
            gq, gk, gv = _sdpa_reduced_grads(
                q, k, v, mask, out, g, scale=scale, is_causal=is_causal, low=jnp.dtype(low)
            )
            return gq, gk, gv, None if mask is None else jnp.zeros_like(mask)

    once = _first_order_only(
        attend, "_scaled_dot_product_flash_attention_for_cpu_backward", backward
    )
    return once(q, k, v, mask)


OPS["scaled_dot_product_attention"] = Op(
    "scaled_dot_product_attention",
    _sdpa_fused,
    "ScaledDotProductFlashAttentionForCpuBackward0",
    promote="arith",
    promote_idx=(0, 1, 2),
    edges=3,
    saved={"query": 0, "key": 1, "value": 2, "scale": "scale", "is_causal": "is_causal"},
    no_forward_rule="_scaled_dot_product_flash_attention_for_cpu",
)


def _im2col(x, *, kernel, dilation, padding, stride):
    lead = x.shape[:-3]
    c = x.shape[-3]
    batched = x.reshape((-1,) + x.shape[-3:])
    # XLA's patch extraction convolves; bool is taken as 0/1 in a float and converted back
    src = batched.astype(jnp.float32) if x.dtype == jnp.bool_ else batched
    patches = lax.conv_general_dilated_patches(
        src,
        kernel,
        stride,
        [(p, p) for p in padding],
        rhs_dilation=dilation,
        dimension_numbers=("NCHW", "OIHW", "NCHW"),
        precision=_MATMUL,
    )
    # patches: (N, C*kh*kw, oh, ow) with channel-major feature order, as PyTorch's im2col
    return patches.reshape(lead + (c * kernel[0] * kernel[1], -1)).astype(x.dtype)


OPS["im2col"] = Op(
    "im2col",
    _im2col,
    "Im2ColBackward0",
    linear=True,
    saved={
        "kernel_size": "kernel",
        "dilation": "dilation",
        "padding": "padding",
        "stride": "stride",
    },
)


def _col2im(x, *, output_size, kernel, dilation, padding, stride):
    """fold: every column of ``x`` is added back into the window it was cut from."""
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = kernel, dilation, padding, stride
    h, w = output_size
    lead = x.shape[:-2]
    c = x.shape[-2] // (kh * kw)
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    acc = x.reshape(lead + (c, kh, kw, oh, ow))
    buf = jnp.zeros(lead + (c, h + 2 * ph, w + 2 * pw), acc.dtype)
    for i in range(kh):
        for j in range(kw):
            rows = slice(i * dh, i * dh + (oh - 1) * sh + 1, sh)
            cols_ = slice(j * dw, j * dw + (ow - 1) * sw + 1, sw)
            buf = buf.at[..., rows, cols_].add(acc[..., i, j, :, :])
    return buf[..., ph : ph + h, pw : pw + w].astype(x.dtype)


OPS["col2im"] = Op(
    "col2im",
    _col2im,
    "Col2ImBackward0",
    linear=True,
    saved={
        "dilation": "dilation",
        "kernel_size": "kernel",
        "padding": "padding",
        "stride": "stride",
    },
)


def _channel_shuffle(x, *, groups):
    n, c = x.shape[0], x.shape[1]
    split = x.reshape((n, groups, c // groups) + x.shape[2:])
    return jnp.swapaxes(split, 1, 2).reshape(x.shape)


def _native_channel_shuffle_bwd(_, g):
    # PyTorch registers no derivative for the native kernel (its node is ``NotImplemented``)
    raise RuntimeError("derivative for aten::native_channel_shuffle is not implemented")


def _native_channel_shuffle_impl(x, *, groups):
    fn = jax.custom_vjp(lambda v: _channel_shuffle(v, groups=groups))
    fn.defvjp(lambda v: (_channel_shuffle(v, groups=groups), None), _native_channel_shuffle_bwd)
    return fn(x)


OPS["channel_shuffle"] = Op(
    "channel_shuffle",
    _channel_shuffle,
    "ChannelShuffleBackward0",
    linear=True,
    saved={"groups": "groups"},
)
OPS["native_channel_shuffle"] = Op(
    "native_channel_shuffle", _native_channel_shuffle_impl, "NotImplemented", linear=True
)


def _max_unpool(x, indices, *, output_size):
    """Each value goes to its flat in-plane index of a zero plane of ``output_size``; the
    gradient gathers at those indices, so repeated indices all receive it (as PyTorch's
    ``gather`` backward does, where JAX's scatter rule would credit one writer only)."""
    nd = len(output_size)
    lead = x.shape[: x.ndim - nd]
    rows = math.prod(lead)
    plane = math.prod(output_size)

    @jax.custom_vjp
    def scatter(v, idx):
        # the row ids are made here, not closed over: under a transform's trace they are a
        # traced value, which a custom_vjp function cannot capture
        row_ids = jnp.arange(rows)[:, None]
        out = jnp.zeros((rows, plane), v.dtype)
        return out.at[row_ids, idx].set(v)

    def fwd(v, idx):
        return scatter(v, idx), idx

    def bwd(idx, g):
        return jnp.take_along_axis(g, idx, axis=1), None

    scatter.defvjp(fwd, bwd)
    out = scatter(x.reshape(rows, -1), indices.reshape(rows, -1))
    return out.reshape(lead + tuple(output_size))


for _d in (2, 3):
    OPS[f"max_unpool{_d}d"] = Op(
        f"max_unpool{_d}d",
        _max_unpool,
        f"MaxUnpool{_d}DBackward0",
        linear=True,
        edges=1,
        saved={"indices": 1},
    )


# ---------------------------------------------------------------------------------- CTC
def _lse(*xs):
    """log(sum(exp(x))) over a few arrays, -inf where all are -inf (no NaN)."""
    top = xs[0]
    for x in xs[1:]:
        top = jnp.maximum(top, x)
    safe = jnp.where(jnp.isneginf(top), jnp.zeros((), top.dtype), top)
    return safe + jnp.log(sum(jnp.exp(x - safe) for x in xs))


def _shift(a, k, fill):
    """``a`` moved k places right along its last axis (``out[..., s] = a[..., s - k]``)."""
    pad = jnp.full(a.shape[:-1] + (k,), fill, a.dtype)
    return jnp.concatenate([pad, a[..., :-k]], axis=-1)


def _ctc_parts(lp, targets, il, tl, blank, flat):
    """The pieces both CTC passes use: the blank-interleaved labels per batch row, their
    per-step log-probabilities and which label positions are live / may be skipped to."""
    n = lp.shape[1]
    if flat:
        # concatenated targets: row b starts where the previous rows' labels end
        width = targets.shape[0]
        start = jnp.cumsum(tl) - tl
        pos = jnp.clip(start[:, None] + jnp.arange(width)[None, :], 0, max(width - 1, 0))
        tgt = targets[pos] if width else jnp.zeros((n, 0), targets.dtype)
    else:
        tgt = targets
    width = tgt.shape[1]
    ext = jnp.full((n, 2 * width + 1), blank, jnp.int32)
    ext = ext.at[:, 1::2].set(tgt.astype(jnp.int32))
    live = jnp.arange(2 * width + 1)[None, :] < (2 * tl[:, None] + 1)
    skip = (ext != blank) & (ext != _shift(ext, 2, -1))
    emit = jnp.take_along_axis(lp, jnp.broadcast_to(ext[None], (lp.shape[0],) + ext.shape), 2)
    return ext, live, skip, jnp.where(live[None], emit, -jnp.inf)


def _ctc_nll(lp, targets, il, tl, *, blank, flat):
    """Negative log-likelihood of each target under CTC (forward recursion in log space)."""
    _, live, skip, emit = _ctc_parts(lp, targets, il, tl, blank, flat)
    s = jnp.arange(emit.shape[-1])[None, :]
    alpha0 = jnp.where(s < 2, emit[0], -jnp.inf)

    def step(alpha, t):
        grown = _lse(
            alpha, _shift(alpha, 1, -jnp.inf), jnp.where(skip, _shift(alpha, 2, -jnp.inf), -jnp.inf)
        )
        nxt = jnp.where(live, grown + emit[t], -jnp.inf)
        return jnp.where((t < il)[:, None], nxt, alpha), None

    alpha, _ = lax.scan(step, alpha0, jnp.arange(1, lp.shape[0]))
    last = jnp.take_along_axis(alpha, (2 * tl)[:, None], 1)[:, 0]
    before = jnp.take_along_axis(alpha, jnp.maximum(2 * tl - 1, 0)[:, None], 1)[:, 0]
    ll = _lse(last, jnp.where(tl > 0, before, -jnp.inf))
    return -ll


def _ctc_grad(lp, targets, il, tl, nll, *, blank, flat, zero_infinity):
    """PyTorch's CTC gradient: ``exp(log_probs) - posterior`` on the live steps (the gradient
    with respect to the logits under an implied log_softmax, not the plain derivative of the
    loss), zero where the loss is infinite and ``zero_infinity`` is set."""
    ext, live, skip, emit = _ctc_parts(lp, targets, il, tl, blank, flat)
    t_max = lp.shape[0]
    s = jnp.arange(emit.shape[-1])[None, :]
    ends = (s == 2 * tl[:, None]) | (s == 2 * tl[:, None] - 1)
    skip_next = _shift(skip[:, ::-1], 2, False)[:, ::-1]  # may s+2 be reached from s?

    def alpha_step(alpha, t):
        grown = _lse(
            alpha, _shift(alpha, 1, -jnp.inf), jnp.where(skip, _shift(alpha, 2, -jnp.inf), -jnp.inf)
        )
        nxt = jnp.where(live & (t < il)[:, None], grown + emit[t], -jnp.inf)
        return nxt, nxt

    alpha0 = jnp.where((s < 2) & (il > 0)[:, None], emit[0], -jnp.inf)
    _, alphas = lax.scan(alpha_step, alpha0, jnp.arange(1, t_max))
    alphas = jnp.concatenate([alpha0[None], alphas], 0)

    def beta_step(beta, t):
        rev = beta[:, ::-1]
        grown = _lse(
            beta,
            _shift(rev, 1, -jnp.inf)[:, ::-1],
            jnp.where(skip_next, _shift(rev, 2, -jnp.inf)[:, ::-1], -jnp.inf),
        )
        start = jnp.where(ends, emit[t], -jnp.inf)
        nxt = jnp.where((t == il - 1)[:, None], start, jnp.where(live, grown + emit[t], -jnp.inf))
        nxt = jnp.where((t < il)[:, None], nxt, -jnp.inf)
        return nxt, nxt

    _, betas = lax.scan(
        beta_step, jnp.full(emit.shape[1:], -jnp.inf, lp.dtype), jnp.arange(t_max)[::-1]
    )
    betas = betas[::-1]
    # log-probability of the paths through (t, s); unreachable states stay -inf, not NaN
    dead = jnp.isneginf(alphas) | jnp.isneginf(betas)
    through = jnp.where(dead, -jnp.inf, alphas + betas - jnp.where(dead, 0, emit))
    top = jnp.max(through, axis=-1, keepdims=True)
    top = jnp.where(jnp.isneginf(top), jnp.zeros((), top.dtype), top)
    onehot = jax.nn.one_hot(ext, lp.shape[2], dtype=lp.dtype)
    per_class = jnp.log(jnp.einsum("tns,nsc->tnc", jnp.exp(through - top), onehot)) + top
    step_live = (jnp.arange(t_max)[:, None] < il[None, :])[..., None]
    grad = jnp.where(step_live, jnp.exp(lp) - jnp.exp(per_class + nll[None, :, None]), 0)
    if zero_infinity:
        grad = jnp.where(jnp.isinf(nll)[None, :, None], jnp.zeros((), grad.dtype), grad)
    return grad


def _ctc_loss(lp, targets, il, tl, *, blank, zero_infinity, flat):
    def forward(lp):
        return _ctc_nll(lp, targets, il, tl, blank=blank, flat=flat)

    @jax.custom_vjp
    def grad_of(lp, nll, g):
        d = _ctc_grad(lp, targets, il, tl, nll, blank=blank, flat=flat, zero_infinity=zero_infinity)
        return d * g[None, :, None]

    def no_second(_, __):
        raise RuntimeError("derivative for aten::_ctc_loss_backward is not implemented")

    grad_of.defvjp(lambda lp, nll, g: (grad_of(lp, nll, g), None), no_second)

    @jax.custom_vjp
    def loss(lp):
        return forward(lp)

    def fwd(lp):
        nll = forward(lp)
        return nll, (lp, nll)

    loss.defvjp(fwd, lambda res, g: (grad_of(res[0], res[1], g),))
    return loss(lp)


OPS["ctc_loss"] = Op(
    "_ctc_loss",
    _ctc_loss,
    "CtcLossBackward0",
    promote=None,
    edges=1,
    saved={"log_probs": 0, "targets": 1, "blank": "blank", "zero_infinity": "zero_infinity"},
    no_forward_rule="_ctc_loss",
)


# ---------------------------------------------------------------------------------- sampling grids
def _affine_grid(theta, *, size, align_corners, axes):
    """``axes``: each spatial dimension's normalized coordinates, the last dimension first, as
    the nn layer computes them with PyTorch's own float linspace (see ``F.affine_grid``)."""
    spatial = size[2:]
    # base grid: (x, y[, z], 1) at every output position, x varying fastest
    mesh = np.meshgrid(*[np.asarray(a) for a in axes], indexing="ij")  # over (W, H[, D])
    base = np.stack([m.T for m in mesh] + [np.ones(tuple(spatial))], axis=-1)
    base = jnp.asarray(base.reshape(-1, len(spatial) + 1), theta.dtype)
    grid = jnp.einsum("pk,njk->npj", base, theta, precision=_MATMUL)
    return grid.reshape((size[0],) + tuple(spatial) + (len(spatial),))


OPS["affine_grid"] = Op(
    "affine_grid_generator",
    _affine_grid,
    "AffineGridGeneratorBackward0",
    linear=True,
    saved={"size": "size", "align_corners": "align_corners"},
)


def _reflect(coord, low2, high2):
    """Reflect coordinates into [low2 / 2, high2 / 2] (PyTorch's ``reflect_coordinates``)."""
    if low2 == high2:
        return jnp.zeros_like(coord)
    lo, span = low2 / 2, (high2 - low2) / 2
    dist = jnp.abs(coord - lo)
    extra = jnp.fmod(dist, span)
    flips = jnp.floor(dist / span)
    return jnp.where(jnp.fmod(flips, 2) == 0, extra + lo, span - extra + lo)


def _unnormalize(coord, size, align_corners):
    if align_corners:
        return (coord + 1) / 2 * (size - 1)
    return ((coord + 1) * size - 1) / 2


def _source_coord(coord, size, padding_mode, align_corners):
    """Grid values in [-1, 1] -> input pixel coordinates, with the padding mode applied."""
    return _pad_coord(_unnormalize(coord, size, align_corners), size, padding_mode, align_corners)


def _pad_coord(coord, size, padding_mode, align_corners):
    if padding_mode == "border":
        coord = jnp.clip(coord, 0, size - 1)
    elif padding_mode == "reflection":
        if align_corners:
            coord = _reflect(coord, 0, 2 * (size - 1))
        else:
            coord = _reflect(coord, -1, 2 * size - 1)
        coord = jnp.clip(coord, 0, size - 1)
    return coord


def _cubic_weights(t, a=-0.75):
    """Weights of the four taps at offsets -1, 0, 1, 2 for a fractional position t."""

    def near(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _grid_sample(x, grid, *, mode, padding_mode, align_corners):
    n, c = x.shape[:2]
    spatial = x.shape[2:]
    nd = len(spatial)
    out_shape = grid.shape[1:-1]
    pts = grid.reshape(n, -1, nd)
    # grid's last axis lists (x, y[, z]): the last spatial dimension first
    coords = [
        _source_coord(pts[..., nd - 1 - d], spatial[d], padding_mode, align_corners)
        for d in range(nd)
    ]
    flat = x.reshape(n, c, -1)
    strides = [math.prod(spatial[d + 1 :]) for d in range(nd)]

    def gather(idx):
        inside = jnp.ones(idx[0].shape, bool)
        offset = jnp.zeros(idx[0].shape, jnp.int32)
        for d in range(nd):
            inside &= (idx[d] >= 0) & (idx[d] < spatial[d])
            offset += jnp.clip(idx[d], 0, spatial[d] - 1).astype(jnp.int32) * strides[d]
        vals = jnp.take_along_axis(flat, offset[:, None, :], axis=2)
        return jnp.where(inside[:, None, :], vals, jnp.zeros((), x.dtype))

    if mode == "bicubic":
        # 4x4 taps around the unpadded source point; each tap's own coordinate is padded
        raw = [_unnormalize(pts[..., nd - 1 - d], spatial[d], align_corners) for d in range(nd)]
        lows = [jnp.floor(cd) for cd in raw]
        weights = [_cubic_weights(cd - lo) for cd, lo in zip(raw, lows)]
        out = 0
        for taps in itertools.product(range(4), repeat=nd):
            idx = [
                _pad_coord(lo - 1 + t, n, padding_mode, align_corners)
                for lo, t, n in zip(lows, taps, spatial)
            ]
            w = 1
            for d, t in enumerate(taps):
                w = w * weights[d][t]
            out = out + gather(idx) * w[:, None, :]
        return out.reshape((n, c) + tuple(out_shape))
    if mode == "nearest":
        out = gather([jnp.round(cd) for cd in coords])  # round half to even, as nearbyint
    else:
        lows = [jnp.floor(cd) for cd in coords]
        fracs = [cd - lo for cd, lo in zip(coords, lows)]
        out = 0
        for corner in itertools.product((0, 1), repeat=nd):
            weight = 1
            for d, bit in enumerate(corner):
                weight = weight * (fracs[d] if bit else 1 - fracs[d])
            out = out + gather([lo + bit for lo, bit in zip(lows, corner)]) * weight[:, None, :]
    return out.reshape((n, c) + tuple(out_shape))


for _d in (2, 3):
    OPS[f"grid_sampler_{_d}d"] = Op(
        f"grid_sampler_{_d}d",
        _grid_sample,
        f"GridSampler{_d}DBackward0",
        promote=None,
        saved={"input": 0, "grid": 1},
    )
