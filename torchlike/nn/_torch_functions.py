"""The nn ops PyTorch also exposes at top level (``torch.conv2d``, ``torch.batch_norm``,
``torch.dropout`` …), with the ATen argument order those names have.

They differ from ``torch.nn.functional`` in their signatures (``torch.batch_norm`` takes the
weight before the running statistics; ``reduction`` is an int: 0 none, 1 mean, 2 sum; dropout's
``train`` has no default) and some return ATen's extra outputs (``torch.max_pool1d_with_indices``,
``torch.native_layer_norm``).  Each calls the same table op as the functional form, so the
grad_fn is the one PyTorch shows.
"""

from __future__ import annotations

import warnings

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .. import _factories
from .._ops import (
    OPS,
    apply,
    nn_names_table,  # noqa: F401  (registers native_dropout)
)
from .._ops import statistics as _stats_mod
from .._ops.variants import make_out
from .._tensor import Tensor
from ..autograd import anomaly_mode, grad_mode
from . import functional as F
from .modules import rnn as _rnn

_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}


def _reduction(reduction):
    # ATen takes the enum; an unknown value is an error there too
    if isinstance(reduction, str):
        return reduction
    if reduction not in _REDUCTIONS:
        raise RuntimeError(f"{reduction} is not a valid value for reduction")
    return _REDUCTIONS[reduction]


def _stride(stride):
    # ATen's `stride=[]` means "the kernel size", as F's None does
    return None if stride is None or (isinstance(stride, (list, tuple)) and not stride) else stride


# ---------------------------------------------------------------------------------- convolution
conv1d = F.conv1d
conv2d = F.conv2d
conv3d = F.conv3d


def conv_transpose1d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    return F.conv_transpose1d(
        input, weight, bias, stride, padding, output_padding, groups, dilation
    )


def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    return F.conv_transpose2d(
        input, weight, bias, stride, padding, output_padding, groups, dilation
    )


def conv_transpose3d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    return F.conv_transpose3d(
        input, weight, bias, stride, padding, output_padding, groups, dilation
    )


def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    nd = weight.ndim - 2
    if nd not in (1, 2, 3):
        raise RuntimeError(
            f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
            f"{list(input.shape)}"
        )
    if transposed:
        fn = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[nd - 1]
        return fn(input, weight, bias, stride, padding, output_padding, groups, dilation)
    fn = (F.conv1d, F.conv2d, F.conv3d)[nd - 1]
    return fn(input, weight, bias, stride, padding, dilation, groups)


# ---------------------------------------------------------------------------------- normalization
def batch_norm(
    input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled
):
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(
    input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps, cudnn_enabled
):
    return F.instance_norm(
        input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps
    )


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):
    return F.group_norm(input, num_groups, weight, bias, eps)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    return F.rms_norm(input, normalized_shape, weight, eps)


def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """(output, mean, rstd): the statistics keep the normalized dims as size 1, as ATen's."""
    out = F.layer_norm(input, normalized_shape, weight, bias, eps)
    n = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    mean, rstd = _stats(input, tuple(range(input.ndim - n, input.ndim)), eps, keepdims=True)
    return out, mean, rstd


def _stats(input, axes, eps, keepdims):
    # the saved statistics carry no gradient in PyTorch (they are outputs of the fused kernel)
    x = input._value
    acc = x.astype(jnp.float32) if x.dtype in (jnp.float16, jnp.bfloat16) else x
    mean = jnp.mean(acc, axis=axes, keepdims=keepdims)
    var = jnp.mean(
        jnp.square(acc - jnp.mean(acc, axis=axes, keepdims=True)), axis=axes, keepdims=keepdims
    )
    rstd = 1.0 / jnp.sqrt(var + eps)
    return Tensor._make(mean.astype(acc.dtype)), Tensor._make(rstd.astype(acc.dtype))


def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """(output, save_mean, save_invstd); in eval mode the saved statistics are empty."""
    if training:
        axes = (0,) + tuple(range(2, input.ndim))
        mean, invstd = _stats(input, axes, eps, keepdims=False)
    else:
        mean = _factories.empty(0, dtype=input.dtype)
        invstd = _factories.empty(0, dtype=input.dtype)
    out = F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    return out, mean, invstd


# ---------------------------------------------------------------------------------- dropout
def dropout(input, p, train):
    return F.dropout(input, p, train)


def dropout_(input, p, train):
    return F.dropout(input, p, train, inplace=True)


def alpha_dropout(input, p, train):
    return F.alpha_dropout(input, p, train)


def alpha_dropout_(input, p, train):
    return _inplace(input, F.alpha_dropout(input, p, train))


def feature_dropout(input, p, train):
    return _feature(F._dropout, input, p, train, False)


def feature_dropout_(input, p, train):
    return _feature(F._dropout, input, p, train, True)


def feature_alpha_dropout(input, p, train):
    return F.feature_alpha_dropout(input, p, train)


def feature_alpha_dropout_(input, p, train):
    return _inplace(input, F.feature_alpha_dropout(input, p, train))


def _feature(dropout_fn, input, p, train, inplace):
    # one draw per (sample, channel), whatever the number of spatial dims
    if train and p != 0 and input.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    return dropout_fn(input, p, train, inplace, shape)


def _inplace(input, result):
    if result is input:
        return input
    return input.copy_(result)


def native_dropout(input, p, train):
    """(output, mask): the mask is bool, all True when not training, as ATen's."""
    F._check_p(p)
    if train is None or train:
        with grad_mode.no_grad():
            keep = F._bernoulli_like(input, tuple(input.shape), 1 - p)
        mask = keep.to(D.bool_)
        scale = 0.0 if p == 1 else 1.0 / (1 - p)
    else:
        mask = _factories.ones(*input.shape, dtype=D.bool_)
        scale = 1.0
    out = apply(OPS["native_dropout"], (input, mask, scale))
    return out, mask


# ---------------------------------------------------------------------------------- embedding
def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    return F.embedding(
        indices, weight, None if padding_idx == -1 else padding_idx, None, 2.0, scale_grad_by_freq
    )


def embedding_bag(
    weight,
    indices,
    offsets,
    scale_grad_by_freq=False,
    mode=0,
    sparse=False,
    per_sample_weights=None,
    include_last_offset=False,
    padding_idx=None,
):
    """(output, offset2bag, bag_size, max_indices), ATen's CPU bookkeeping outputs."""
    name = {0: "sum", 1: "mean", 2: "max"}[int(mode)]
    out = F.embedding_bag(
        indices,
        weight,
        offsets,
        None,
        2,
        scale_grad_by_freq,
        name,
        sparse,
        per_sample_weights,
        include_last_offset,
        padding_idx,
    )
    # host values: these outputs' shapes depend on the offsets
    idx = F._host(indices).reshape(-1)
    offs = F._host(offsets).astype(np.int64)
    n_bags = len(offs) - 1 if include_last_offset else len(offs)
    ends = np.append(offs[1:], len(idx)) if not include_last_offset else offs[1:]
    starts = offs[:n_bags]
    # bag sizes leave out padding_idx entries
    kept = np.ones(len(idx), np.int64) if padding_idx is None else (idx != padding_idx)
    sizes = np.array([int(kept[s:e].sum()) for s, e in zip(starts, ends[:n_bags])], np.int64)
    if name == "sum" and padding_idx is None:
        offset2bag = np.zeros(0, np.int64)
    else:
        offset2bag = np.zeros(len(idx), np.int64)
        for b, (s, e) in enumerate(zip(starts, ends[:n_bags])):
            offset2bag[s:e] = b
    if name == "max":
        rows = F._host(weight)
        max_indices = np.zeros((n_bags, weight.shape[1]), np.int64)
        for b, (s, e) in enumerate(zip(starts, ends[:n_bags])):
            bag = idx[s:e][kept[s:e].astype(bool)]
            if len(bag):
                max_indices[b] = bag[np.argmax(rows[bag], axis=0)]
    else:
        max_indices = sizes.copy() if name == "mean" else np.zeros(n_bags, np.int64)
    if name == "sum":
        sizes = np.zeros(n_bags, np.int64)
    return (out,) + tuple(
        Tensor._make(jnp.asarray(a, jnp.int64)) for a in (offset2bag, sizes, max_indices)
    )


# ---------------------------------------------------------------------------------- activations
def celu(input, alpha=1.0):
    return F.celu(input, alpha)


def celu_(input, alpha=1.0):
    return F.celu_(input, alpha)


def selu(input):
    return F.selu(input)


def selu_(input):
    return F.selu_(input)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return F.rrelu(input, lower, upper, training)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return F.rrelu_(input, lower, upper, training)


def threshold(input, threshold, value):
    return F.threshold(input, threshold, value)


def threshold_(input, threshold, value):
    return F.threshold_(input, threshold, value)


def hardshrink(input, lambd=0.5):
    return F.hardshrink(input, lambd)


# of these names only threshold and hardshrink take out= in PyTorch's Python bindings
threshold = make_out(threshold, "threshold")
hardshrink = make_out(hardshrink, "hardshrink")


prelu = F.prelu
bilinear = F.bilinear


def pixel_shuffle(input, upscale_factor):
    return F.pixel_shuffle(input, upscale_factor)


def pixel_unshuffle(input, downscale_factor):
    return F.pixel_unshuffle(input, downscale_factor)


channel_shuffle = F.channel_shuffle
native_channel_shuffle = F.native_channel_shuffle


# ---------------------------------------------------------------------------------- losses
def ctc_loss(
    log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0, zero_infinity=False
):
    return F.ctc_loss(
        log_probs,
        targets,
        input_lengths,
        target_lengths,
        blank,
        _reduction(reduction),
        zero_infinity,
    )


def kl_div(input, target, reduction=0, *, log_target=False):
    with warnings.catch_warnings():  # ATen's mean is the plain mean, with no deprecation note
        warnings.simplefilter("ignore")
        return F.kl_div(input, target, reduction=_reduction(reduction), log_target=log_target)


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):
    return F.binary_cross_entropy_with_logits(
        input, target, weight, reduction=_reduction(reduction), pos_weight=pos_weight
    )


def cosine_similarity(x1, x2, dim=1, eps=1e-08):
    return F.cosine_similarity(x1, x2, dim, eps)


def pairwise_distance(x1, x2, p=2.0, eps=1e-06, keepdim=False):
    return F.pairwise_distance(x1, x2, p, eps, keepdim)


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    return F.cosine_embedding_loss(input1, input2, target, margin, reduction=_reduction(reduction))


def hinge_embedding_loss(input, target, margin=1.0, reduction=0):
    return F.hinge_embedding_loss(input, target, margin, reduction=_reduction(reduction))


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    return F.margin_ranking_loss(input1, input2, target, margin, reduction=_reduction(reduction))


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    return F.poisson_nll_loss(
        input, target, log_input, full, eps=eps, reduction=_reduction(reduction)
    )


def triplet_margin_loss(
    anchor, positive, negative, margin=1.0, p=2.0, eps=1e-06, swap=False, reduction=0
):
    return F.triplet_margin_loss(
        anchor, positive, negative, margin, p, eps, swap, reduction=_reduction(reduction)
    )


# ---------------------------------------------------------------------------------- pooling
def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return F.max_pool1d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return F.max_pool1d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode, True)


def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return F.max_pool2d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):
    return F.max_pool3d(input, kernel_size, _stride(stride), padding, dilation, ceil_mode)


def avg_pool1d(input, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True):
    return F.avg_pool1d(input, kernel_size, _stride(stride), padding, ceil_mode, count_include_pad)


def adaptive_avg_pool1d(input, output_size):
    return F.adaptive_avg_pool1d(input, output_size)


def adaptive_max_pool1d(input, output_size):
    return F.adaptive_max_pool1d(input, output_size, True)


# ---------------------------------------------------------------------------------- sampling
_INTERPOLATION = {0: "bilinear", 1: "nearest", 2: "bicubic"}
_PADDING = {0: "zeros", 1: "border", 2: "reflection"}


def affine_grid_generator(theta, size, align_corners):
    return F.affine_grid(theta, size, align_corners)


def grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners):
    return F.grid_sample(
        input, grid, _INTERPOLATION[interpolation_mode], _PADDING[padding_mode], align_corners
    )


grid_sampler_2d = grid_sampler
grid_sampler_3d = grid_sampler


# ---------------------------------------------------------------------------------- recurrent
class _FlatRNN:
    """The attributes RNNBase's forward reads, from ATen's flat argument list."""

    def __init__(self, mode, params, has_biases, num_layers, dropout, train, bidirectional, bf):
        per = (4 if has_biases else 2) * (2 if bidirectional else 1)
        if len(params) == num_layers * per:
            proj = 0
        elif len(params) == num_layers * (per + (2 if bidirectional else 1)):
            proj = 1
        else:
            raise RuntimeError("The number of parameters does not match the RNN configuration")
        self.mode = mode
        self.num_layers = num_layers
        self.bias = has_biases
        self.batch_first = bf
        self.dropout = float(dropout)
        self.training = bool(train)
        self.bidirectional = bidirectional
        self.input_size = params[0].shape[1]
        self.hidden_size = params[0].shape[0] // _rnn._GATES[mode]
        # with projections each layer's last weight is w_hr, (proj_size, hidden_size)
        self.proj_size = params[per // (2 if bidirectional else 1)].shape[0] if proj else 0
        self._flat_weights = list(params)

    _hidden_shape = _rnn.RNNBase._hidden_shape
    _check_hidden = _rnn.RNNBase._check_hidden

    def _check_input_dtype(self, input):
        pass  # (the dtype check is the module's Python forward's, not ATen's)

    _static = _rnn.RNNBase._static
    _run = _rnn.RNNBase._run


_FlatRNN.__name__ = "RNN"


def _flat_run(mode, input, hx, cx, params, has_biases, num_layers, dropout, train, bidir, bf):
    m = _FlatRNN(mode, params, has_biases, num_layers, dropout, train, bidir, bf)
    return m._run(input, hx, cx)


def lstm(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
    h, c = hx
    out, h_n, c_n = _flat_run(
        "LSTM",
        input,
        h,
        c,
        params,
        has_biases,
        num_layers,
        dropout,
        train,
        bidirectional,
        batch_first,
    )
    return out, h_n, c_n


def _single_state(mode):
    """``torch.gru`` / ``rnn_tanh`` / ``rnn_relu``: one hidden state in and out."""

    def run(input, hx, params, has_biases, num_layers, dropout, train, bidirectional, batch_first):
        out, h_n, _ = _flat_run(
            mode, input, hx, None, params, has_biases, num_layers, dropout, train,
            bidirectional, batch_first,
        )  # fmt: skip
        return out, h_n

    run.__name__ = run.__qualname__ = mode.lower()
    return run


gru = _single_state("GRU")
rnn_tanh = _single_state("RNN_TANH")
rnn_relu = _single_state("RNN_RELU")


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    h, c = hx
    gates = F.linear(input, w_ih, b_ih) + F.linear(h, w_hh, b_hh)
    i, f, g, o = gates.chunk(4, 1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c.tanh(), c


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    i_r, i_z, i_n = F.linear(input, w_ih, b_ih).chunk(3, 1)
    h_r, h_z, h_n = F.linear(hx, w_hh, b_hh).chunk(3, 1)
    r = (i_r + h_r).sigmoid()
    z = (i_z + h_z).sigmoid()
    n = (i_n + r * h_n).tanh()
    return n + z * (hx - n)


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return (F.linear(input, w_ih, b_ih) + F.linear(hx, w_hh, b_hh)).tanh()


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    return (F.linear(input, w_ih, b_ih) + F.linear(hx, w_hh, b_hh)).relu()


# ---------------------------------------------------------------------------------- histogramdd
# (torch.functional's in PyTorch; here with the other torch-level functions of this work)
return_histogramdd = _stats_mod._named("histogramdd", ["hist", "bin_edges"])


def histogramdd(input, bins, *, range=None, weight=None, density=False):  # noqa: A002
    """The D-dimensional histogram of the points ``input[..., :]`` (D = input.size(-1)):
    right-open bins but the last, values outside the range ignored, as PyTorch's."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"histogramdd\" not implemented for '{D.CAST_NAMES[input.dtype]}'"
        )
    nd = input.shape[-1]
    points = input.reshape(-1, nd)
    if weight is not None and tuple(weight.shape) != tuple(input.shape[:-1]):
        raise RuntimeError(
            "torch.histogramdd: if weight tensor is provided it should have the same shape as "
            "the input tensor excluding its innermost dimension, but got input with shape "
            f"{list(input.shape)} and weight with shape {list(weight.shape)}"
        )
    if isinstance(bins, int):
        bins = [bins] * nd
    bins = list(bins)
    if len(bins) != nd:
        raise RuntimeError(
            "histogramdd: The size of bins must be equal to the innermost dimension of the input."
        )
    if range is not None and len(range) != 2 * nd:
        raise RuntimeError(
            f"torch.histogramdd: for a {nd}-dimensional histogram range should have {2 * nd} "
            f"elements, but got {len(range)}"
        )
    edges = []
    # host read of the data's extent (as PyTorch's aminmax().item()): it sizes no array
    arr = None if range is not None or not points.shape[0] else np.asarray(points._value)
    for d, b in enumerate(bins):
        if isinstance(b, Tensor):
            edges.append(b)
            continue
        if b <= 0:
            raise RuntimeError(
                f"torch.histogram(): bins must be > 0, but got {b} for dimension {d}"
            )
        if range is not None:
            lo, hi = float(range[2 * d]), float(range[2 * d + 1])
        elif arr is not None:
            lo, hi = float(arr[:, d].min()), float(arr[:, d].max())
        else:
            lo, hi = 0.0, 0.0
        if lo > hi:
            raise RuntimeError(
                f"torch.histogramdd(): for dimension {d}, min should not exceed max, but got "
                f"min {lo} max {hi}"
            )
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise RuntimeError(
                f"torch.histogramdd(): dimension {d}'s range [{lo}, {hi}] is not finite"
            )
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges.append(_factories.linspace(lo, hi, b + 1, dtype=input.dtype))
    operands = (points.detach(), None if weight is None else weight.reshape(-1).detach())
    operands += tuple(e.detach() for e in edges)
    hist = apply(OPS["histogramdd"], operands, (("density", bool(density)),))
    return return_histogramdd(hist, tuple(edges))


__all__ = [
    "adaptive_avg_pool1d",
    "adaptive_max_pool1d",
    "affine_grid_generator",
    "alpha_dropout",
    "alpha_dropout_",
    "avg_pool1d",
    "batch_norm",
    "bilinear",
    "binary_cross_entropy_with_logits",
    "celu",
    "celu_",
    "channel_shuffle",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "convolution",
    "cosine_embedding_loss",
    "cosine_similarity",
    "ctc_loss",
    "dropout",
    "dropout_",
    "embedding",
    "embedding_bag",
    "feature_alpha_dropout",
    "feature_alpha_dropout_",
    "feature_dropout",
    "feature_dropout_",
    "grid_sampler",
    "grid_sampler_2d",
    "grid_sampler_3d",
    "group_norm",
    "gru",
    "gru_cell",
    "hardshrink",
    "hinge_embedding_loss",
    "histogramdd",
    "instance_norm",
    "kl_div",
    "layer_norm",
    "lstm",
    "lstm_cell",
    "margin_ranking_loss",
    "max_pool1d",
    "max_pool1d_with_indices",
    "max_pool2d",
    "max_pool3d",
    "native_batch_norm",
    "native_channel_shuffle",
    "native_dropout",
    "native_layer_norm",
    "pairwise_distance",
    "pixel_shuffle",
    "pixel_unshuffle",
    "poisson_nll_loss",
    "prelu",
    "rms_norm",
    "rnn_relu",
    "rnn_relu_cell",
    "rnn_tanh",
    "rnn_tanh_cell",
    "rrelu",
    "rrelu_",
    "selu",
    "selu_",
    "threshold",
    "threshold_",
    "triplet_margin_loss",
]

FUNCTIONS = {name: globals()[name] for name in __all__}
# torch.is_anomaly_enabled, torch.set_anomaly_enabled …: the anomaly-mode switches PyTorch also
# exposes at top level, merged into the torch namespace with the functions above
FUNCTIONS.update(
    (name, getattr(anomaly_mode, name))
    for name in ("is_anomaly_enabled", "is_anomaly_check_nan_enabled", "set_anomaly_enabled")
)
