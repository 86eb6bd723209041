"""nn.functional, second part: fold/unfold, channel_shuffle, max_unpool, triplet loss with a
distance function, scaled_dot_product_attention's dispatch (fused node vs math path, GQA, mask
gradients), pooling/padding/interpolation edge cases and PyTorch's errors for bad input.

Every differentiable function here is gradchecked and gradgradchecked in float64 from one list
(OpInfo style); node names, dtypes and error messages are PyTorch's."""

import numpy as np
import pytest
from _helpers import assert_close, assert_equal, node_name, values

R = np.random.RandomState(0)
X12 = R.randn(2, 12, 12)
IMG = R.randn(2, 3, 6, 6)
Q, K, V = R.randn(2, 4, 3, 4), R.randn(2, 4, 5, 4), R.randn(2, 4, 5, 4)
MASK = R.randn(3, 5)
# small ones for gradgradcheck (its cost grows with the square of the input size)
QS, KS, VS, MS = R.randn(1, 4, 2, 3), R.randn(1, 2, 3, 3), R.randn(1, 2, 3, 3), R.randn(2, 3)


def _t(torch, a, requires_grad=False, dtype=None):
    return torch.tensor(a, dtype=dtype or torch.float64, requires_grad=requires_grad)


def _pool_then_unpool(torch, nd, x, **kw):
    F = torch.nn.functional
    with torch.no_grad():
        _, idx = getattr(F, f"max_pool{nd}d")(x, 2, return_indices=True)
    return getattr(F, f"max_unpool{nd}d")(x[..., ::2] if nd == 1 else _halve(x, nd), idx, 2, **kw)


def _halve(x, nd):
    """A tensor shaped like the pooled input (the values to unpool), taken from ``x``."""
    sl = (Ellipsis,) + (slice(None, None, 2),) * nd
    return x[sl]


# ------------------------------------------------------------------------------- OpInfo-style list
# name: (function of (torch, *tensors), list of float64 numpy inputs, expected grad_fn name[,
#        False where PyTorch's backward kernel has no derivative, so no gradgradcheck])
CASES = {
    "fold": (
        lambda torch, x: torch.nn.functional.fold(x, (4, 5), 2),
        [R.randn(1, 4, 12)],
        "Col2ImBackward0",
    ),
    "fold_unbatched_stride_pad": (
        lambda torch, x: torch.nn.functional.fold(x, (5, 5), 2, padding=1, stride=2),
        [R.randn(8, 9)],
        "Col2ImBackward0",
    ),
    "fold_dilation": (
        lambda torch, x: torch.nn.functional.fold(x, (5, 6), 2, dilation=(2, 1), stride=(1, 2)),
        [R.randn(1, 4, 9)],
        "Col2ImBackward0",
    ),
    "unfold_unbatched": (
        lambda torch, x: torch.nn.functional.unfold(x, 2, dilation=2, padding=1, stride=(1, 2)),
        [R.randn(2, 4, 5)],
        "Im2ColBackward0",
    ),
    "channel_shuffle": (
        lambda torch, x: torch.nn.functional.channel_shuffle(x, 3),
        [R.randn(2, 6, 2, 2)],
        "ChannelShuffleBackward0",
    ),
    "max_unpool1d": (
        lambda torch, x: _pool_then_unpool(torch, 1, x),
        [R.randn(2, 3, 8)],
        "SqueezeBackward1",
    ),
    "max_unpool2d": (
        lambda torch, x: _pool_then_unpool(torch, 2, x, output_size=(5, 5)),
        [R.randn(1, 2, 4, 4)],
        "MaxUnpool2DBackward0",
    ),
    "max_unpool3d": (
        lambda torch, x: _pool_then_unpool(torch, 3, x),
        [R.randn(1, 1, 4, 4, 4)],
        "MaxUnpool3DBackward0",
    ),
    "triplet_margin_with_distance_loss": (
        lambda torch, a, p, n: torch.nn.functional.triplet_margin_with_distance_loss(
            a, p, n, margin=2.0
        ),
        [R.randn(3, 5), R.randn(3, 5), R.randn(3, 5)],
        "MeanBackward0",
    ),
    "triplet_margin_with_distance_loss_l1_swap": (
        lambda torch, a, p, n: torch.nn.functional.triplet_margin_with_distance_loss(
            a,
            p,
            n,
            distance_function=lambda u, v: (u - v).abs().sum(-1),
            swap=True,
            reduction="none",
            margin=3.0,
        ),
        [R.randn(3, 5), R.randn(3, 5), R.randn(3, 5)],
        "ClampMinBackward0",
    ),
    "sdpa_mask_grad": (
        lambda torch, q, k, v, m: torch.nn.functional.scaled_dot_product_attention(
            q, k, v, attn_mask=m
        ),
        [QS[:, :2], KS, VS, MS],
        "UnsafeViewBackward0",
    ),
    "sdpa_gqa": (
        lambda torch, q, k, v: torch.nn.functional.scaled_dot_product_attention(
            q, k, v, enable_gqa=True, scale=0.7
        ),
        [QS, KS, VS],
        "ScaledDotProductFlashAttentionForCpuBackward0",
        False,
    ),
    "sdpa_gqa_math_3d": (
        lambda torch, q, k, v: torch.nn.functional.scaled_dot_product_attention(
            q, k, v, enable_gqa=True, is_causal=True
        ),
        [QS[0], KS[0], VS[0, :1]],
        "UnsafeViewBackward0",
    ),
    "sdpa_fused_bool_mask": (
        lambda torch, q, k, v: torch.nn.functional.scaled_dot_product_attention(
            q, k, v, attn_mask=torch.tensor(MS > -0.5)
        ),
        [QS[:, :2], KS, VS],
        "ScaledDotProductFlashAttentionForCpuBackward0",
        False,
    ),
    # PyTorch's CTC gradient assumes log_softmax inputs, so it is checked through one
    "ctc_loss": (
        lambda torch, x: torch.nn.functional.ctc_loss(
            x.log_softmax(2), torch.tensor([[1, 2, 2], [3, 1, 0]]), (5, 4), (3, 2)
        ),
        [R.randn(5, 2, 4)],
        "MeanBackward0",
        False,
    ),
    "ctc_loss_flat_sum": (
        lambda torch, x: torch.nn.functional.ctc_loss(
            x.log_softmax(2), torch.tensor([1, 1, 2]), (4, 3), (2, 1), reduction="sum", blank=3
        ),
        [R.randn(4, 2, 4)],
        "SumBackward0",
        False,
    ),
    "affine_grid_2d": (
        lambda torch, t: torch.nn.functional.affine_grid(t, (2, 1, 3, 4), align_corners=False),
        [R.randn(2, 2, 3)],
        "AffineGridGeneratorBackward0",
    ),
    "affine_grid_3d_aligned": (
        lambda torch, t: torch.nn.functional.affine_grid(t, (1, 1, 2, 3, 2), align_corners=True),
        [R.randn(1, 3, 4)],
        "AffineGridGeneratorBackward0",
    ),
    "lp_pool3d": (
        lambda torch, x: torch.nn.functional.lp_pool3d(x, 2, 2),
        [np.abs(R.randn(1, 1, 4, 4, 4)) + 0.1],
        "PowBackward0",
    ),
    "grid_sample_bilinear_zeros": (
        lambda torch, x, g: torch.nn.functional.grid_sample(x, g, align_corners=False),
        [R.randn(1, 2, 3, 4), R.rand(1, 2, 3, 2) * 2.4 - 1.2],
        "GridSampler2DBackward0",
    ),
    "grid_sample_border_aligned": (
        lambda torch, x, g: torch.nn.functional.grid_sample(
            x, g, padding_mode="border", align_corners=True
        ),
        [R.randn(1, 1, 3, 3), R.rand(1, 2, 2, 2) * 2.4 - 1.2],
        "GridSampler2DBackward0",
    ),
    "grid_sample_3d_reflection": (
        lambda torch, x, g: torch.nn.functional.grid_sample(
            x, g, padding_mode="reflection", align_corners=False
        ),
        [R.randn(1, 1, 2, 3, 3), R.rand(1, 1, 2, 2, 3) * 2.4 - 1.2],
        "GridSampler3DBackward0",
    ),
    "grid_sample_bicubic_reflection": (
        lambda torch, x, g: torch.nn.functional.grid_sample(
            x, g, mode="bicubic", padding_mode="reflection", align_corners=True
        ),
        [R.randn(1, 1, 3, 4), R.rand(1, 2, 2, 2) * 2.4 - 1.2],
        "GridSampler2DBackward0",
    ),
    "pad_circular_negative": (
        lambda torch, x: torch.nn.functional.pad(x, (-2, 1, 1, -1), mode="circular"),
        [R.randn(1, 2, 3, 7)],
        "CopySlices",
    ),
    "max_pool2d_dilation_ceil": (
        lambda torch, x: torch.nn.functional.max_pool2d(
            x, 2, 2, 1, dilation=2, ceil_mode=True, return_indices=True
        )[0],
        [R.randn(1, 2, 5, 5)],
        "MaxPool2DWithIndicesBackward0",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_node_name_and_dtype(torch, name):
    fn, inputs, node = CASES[name][:3]
    xs = [_t(torch, a, True) for a in inputs]
    out = fn(torch, *xs)
    assert node_name(out) == node
    assert out.dtype == torch.float64
    out32 = fn(torch, *[_t(torch, a, True, torch.float32) for a in inputs])
    assert out32.dtype == torch.float32


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(torch, name):
    fn, inputs, _, *second = CASES[name]
    xs = tuple(_t(torch, a, True) for a in inputs)

    def f(*args):
        return fn(torch, *args)

    assert torch.autograd.gradcheck(f, xs)
    if second == [False]:
        with pytest.raises(RuntimeError, match="derivative for aten::.* is not implemented"):
            torch.autograd.gradgradcheck(f, xs)
    else:
        assert torch.autograd.gradgradcheck(f, xs)


# ------------------------------------------------------------------------------- fold / unfold
def test_fold_is_adjoint_of_unfold(torch):
    F = torch.nn.functional
    x, y = R.randn(2, 3, 5, 6), R.randn(2, 3 * 4, 3 * 6)
    kw = dict(kernel_size=2, dilation=(1, 2), padding=1, stride=(2, 1))
    u = F.unfold(_t(torch, x), **kw)
    f = F.fold(_t(torch, y), (5, 6), **kw)
    assert tuple(u.shape) == (2, 12, 18)
    assert np.isclose((values(u) * y).sum(), (x * values(f)).sum())


def test_fold_of_unfold_counts_windows(torch):
    F = torch.nn.functional
    ones = torch.ones(1, 1, 3, 4, dtype=torch.float64)
    counts = F.fold(F.unfold(ones, 2), (3, 4), 2)
    assert_equal(counts, [[[[1, 2, 2, 1], [2, 4, 4, 2], [1, 2, 2, 1]]]])


def test_fold_saved_and_edges(torch):
    x = _t(torch, X12[:1], True)
    out = torch.nn.functional.fold(x, (4, 5), 2)
    assert out.grad_fn._saved_kernel_size == (2, 2)
    assert out.grad_fn._saved_stride == (1, 1)
    assert len(out.grad_fn.next_functions) == 1


FOLD_ERRORS = [
    ({"padding": -1}, "padding should be non-negative, but got pad_height: -1 pad_width: -1"),
    ({"kernel_size": 0}, "kernel size should be greater than zero, but got kernel_height: 0"),
    ({"stride": 0}, "stride should be greater than zero, but got stride_height: 0"),
    ({"dilation": 0}, "dilation should be greater than zero, but got dilation_height: 0"),
    ({"output_size": (4, 5, 3)}, "It is expected output_size equals to 2, but got size 3"),
    ({"output_size": 4}, r"sliding blocks 3 \* 3 = 9, but got input.size\(2\)=12"),
]


@pytest.mark.parametrize("kw,msg", FOLD_ERRORS)
def test_fold_errors(torch, kw, msg):
    args = dict(output_size=(4, 5), kernel_size=2)
    args.update(kw)
    with pytest.raises(RuntimeError, match=msg):
        torch.nn.functional.fold(_t(torch, X12), **args)


def test_fold_and_unfold_input_errors(torch):
    F = torch.nn.functional
    with pytest.raises(RuntimeError, match=r"Expected 2D or 3D \(batch mode\).*\[2, 3, 4, 5\]"):
        F.fold(torch.zeros(2, 3, 4, 5), (4, 5), 2)
    with pytest.raises(RuntimeError, match="divisible by the product of kernel_size"):
        F.fold(torch.zeros(2, 11, 12), (4, 5), 2)
    with pytest.raises(NotImplementedError, match="\"col2im_out_cpu\" not implemented for 'Long'"):
        F.fold(torch.zeros(2, 12, 12, dtype=torch.long), (4, 5), 2)
    with pytest.raises(RuntimeError, match=r"Expected 3D or 4D \(batch mode\).*\[2, 3, 4, 5, 6\]"):
        F.unfold(torch.zeros(2, 3, 4, 5, 6), 2)
    with pytest.raises(NotImplementedError, match="\"im2col_out_cpu\" not implemented for 'Long'"):
        F.unfold(torch.zeros(2, 3, 4, 5, dtype=torch.long), 2)
    with pytest.raises(RuntimeError, match=r"sliding blocks as \(-1, 0\), but its components"):
        F.unfold(torch.zeros(2, 3, 4, 5), 6)
    with pytest.raises(RuntimeError, match="kernel size should be greater than zero"):
        F.unfold(torch.zeros(2, 3, 4, 5), 0)
    assert F.unfold(torch.zeros(3, 4, 5, dtype=torch.bool), 2).dtype == torch.bool
    assert tuple(F.fold(torch.zeros(0, 12, 12), (4, 5), 2).shape) == (0, 3, 4, 5)


# ------------------------------------------------------------------------------- channel_shuffle
def test_channel_shuffle_values(torch):
    F = torch.nn.functional
    out = F.channel_shuffle(torch.arange(6).reshape(1, 6, 1), 2)
    assert out.dtype == torch.int64
    assert_equal(out.flatten(), [0, 3, 1, 4, 2, 5])
    assert F.channel_shuffle(torch.ones(1, 4, 2, dtype=torch.bool), 2).dtype == torch.bool
    y = F.channel_shuffle(torch.ones(1, 4, 2, requires_grad=True), 2)
    assert y.grad_fn._saved_groups == 2


def test_native_channel_shuffle_has_no_derivative(torch):
    x = torch.randn(2, 6, 3, requires_grad=True)
    out = torch.nn.functional.native_channel_shuffle(x, 3)
    assert node_name(out) == "NotImplemented"
    assert_equal(out, values(torch.nn.functional.channel_shuffle(x, 3)))
    with pytest.raises(RuntimeError, match="derivative for aten::native_channel_shuffle is not"):
        out.sum().backward()


@pytest.mark.parametrize(
    "shape,groups,msg",
    [
        (
            (2, 6, 3),
            4,
            "Number of channels must be divisible by groups. Got 6 channels and 4 groups",
        ),
        (
            (2, 6, 3),
            0,
            "Number of groups to divide channels in must be positive. Value of groups:0",
        ),
        ((2, 6, 3), -1, "must be positive. Value of groups:-1"),
        (
            (3, 3),
            1,
            r"channel_shuffle expects input with > 2 dims, but got input with sizes \[3, 3\]",
        ),
    ],
)
def test_channel_shuffle_errors(torch, shape, groups, msg):
    for fn in (torch.nn.functional.channel_shuffle, torch.nn.functional.native_channel_shuffle):
        with pytest.raises(RuntimeError, match=msg):
            fn(torch.zeros(*shape), groups)


# ------------------------------------------------------------------------------- max_unpool
def test_max_unpool2d_inverts_max_pool2d(torch):
    F = torch.nn.functional
    x = _t(torch, IMG)
    pooled, idx = F.max_pool2d(x, 2, return_indices=True)
    out = F.max_unpool2d(pooled, idx, 2)
    x_np = IMG.reshape(2, 3, 3, 2, 3, 2)
    keep = x_np == x_np.max(axis=(3, 5), keepdims=True)
    assert_close(out, np.where(keep, x_np, 0).reshape(2, 3, 6, 6))
    assert tuple(F.max_unpool2d(pooled, idx, 2, output_size=[2, 3, 7, 7]).shape) == (2, 3, 7, 7)


def test_max_unpool_repeated_index(torch):
    # every value written to one place receives its gradient (PyTorch's gather backward)
    vals = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]], requires_grad=True)
    idx = torch.tensor([[[[0, 0], [0, 5]]]])
    out = torch.nn.functional.max_unpool2d(vals, idx, 2)
    assert out.grad_fn._saved_indices.dtype == torch.int64
    (out * torch.arange(16.0).reshape(4, 4)).sum().backward()
    assert_equal(vals.grad, [[[[0, 0], [0, 5]]]])


MAX_UNPOOL_ERRORS = [
    ("int", RuntimeError, "elements in indices should be type int64 but got: Int"),
    (
        "shape",
        RuntimeError,
        r"Expected shape of indices to be same as that of the input tensor \(\[2, 3, 3, 3\]\)",
    ),
    ("long", NotImplementedError, "\"max_unpool2d\" not implemented for 'Long'"),
    ("big", RuntimeError, r"Found an invalid max index: \d+ \(output volumes are of size 6x6\)"),
    (
        "2d",
        RuntimeError,
        "Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with 2",
    ),
    ("size", ValueError, r'invalid output_size "\(8, 8\)" \(dim 0 must be between 4 and 8\)'),
    ("size_len", ValueError, "output_size should be a sequence containing 2 or 4 elements, but it"),
]


@pytest.mark.parametrize("what,exc,msg", MAX_UNPOOL_ERRORS, ids=[c[0] for c in MAX_UNPOOL_ERRORS])
def test_max_unpool_errors(torch, what, exc, msg):
    F = torch.nn.functional
    p, i = F.max_pool2d(_t(torch, IMG), 2, return_indices=True)
    kw = {}
    if what == "int":
        i = i.int()
    elif what == "shape":
        i = i[:1]
    elif what == "long":
        p = p.long()
    elif what == "big":
        i = i + 100
    elif what == "2d":
        p, i = p[0, 0], i[0, 0]
    elif what == "size":
        kw["output_size"] = (8, 8)
    elif what == "size_len":
        kw["output_size"] = (8, 8, 8)
    with pytest.raises(exc, match=msg):
        F.max_unpool2d(p, i, 2, **kw)


def test_max_unpool3d_ndim_error(torch):
    with pytest.raises(RuntimeError, match="Input to max_unpooling3d should be a 4d or 5d Tensor"):
        torch.nn.functional.max_unpool3d(torch.zeros(2, 2, 2), torch.zeros(2, 2, 2).long(), 2)


# ------------------------------------------------------------------------------- pooling
def test_pool_window_lists(torch):
    F = torch.nn.functional
    x = torch.randn(1, 2, 8, 8)
    assert tuple(F.max_pool2d(x, [2], stride=[]).shape) == (1, 2, 4, 4)
    assert tuple(F.avg_pool1d(x[0], [2], stride=[]).shape) == (2, 8, 4)
    assert tuple(F.max_pool1d(x[0], [2], stride=[]).shape) == (2, 8, 4)


def test_max_pool_dilation_values_and_indices(torch):
    F = torch.nn.functional
    x = np.arange(2 * 7 * 7, dtype=np.float64).reshape(1, 2, 7, 7) % 11
    out, idx = F.max_pool2d(_t(torch, x), 3, dilation=2, return_indices=True)
    assert_equal(out, [[[[10.0]], [[10.0]]]])
    assert_equal(idx, [[[[32]], [[16]]]])
    out1 = F.max_pool1d(_t(torch, x[0]), 3, dilation=2, padding=1)
    assert tuple(out1.shape) == (2, 7, 2)


POOL_ERRORS = [
    (
        lambda F, x: F.max_pool2d(x, 3, padding=2),
        "pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1",
    ),
    (lambda F, x: F.max_pool2d(x, 3, padding=3, dilation=2), "pad=3, kernel_size=3 and dilation=2"),
    (lambda F, x: F.avg_pool2d(x, 3, padding=2), "pad should be at most half of effective"),
    (lambda F, x: F.max_pool2d(x, 3, stride=0), "stride should not be zero"),
    (
        lambda F, x: F.max_pool2d(x, 0, 1),
        "kernel size should be greater than zero, but got kH: 0 kW: 0",
    ),
    (
        lambda F, x: F.max_pool2d(x, 3, dilation=0),
        "dilation should be greater than zero, but got dilationH: 0 dilationW: 0",
    ),
    (lambda F, x: F.avg_pool2d(x, 3, padding=-1), "pad must be non-negative, but got pad: -1"),
    (lambda F, x: F.max_pool3d(x[None], 3, dilation=0), "dilationT: 0 dilationH: 0 dilationW: 0"),
    (lambda F, x: F.max_pool3d(x[None], 0, 1), "kT: 0 kH: 0 kW: 0"),
    (
        lambda F, x: F.max_pool1d(x[0], 3, padding=2),
        "max_pool1d\\(\\) padding should be at most half of kernel size, but got padding=2 and kernel_size=3",
    ),
    (
        lambda F, x: F.max_pool1d(x[0], 3, padding=2, return_indices=True),
        "pad should be at most half of effective",
    ),
    (
        lambda F, x: F.max_pool1d(x[0], 0),
        "max_pool1d\\(\\) kernel_size must be greater than zero, but got 0",
    ),
    (
        lambda F, x: F.max_pool1d(x[0], 3, stride=0),
        "max_pool1d\\(\\) stride must be greater than zero, but got 0",
    ),
    (
        lambda F, x: F.max_pool1d(x[0], 3, dilation=0),
        "max_pool1d\\(\\) dilation must be greater than zero, but got 0",
    ),
    (
        lambda F, x: F.max_pool1d(x[0], 3, padding=-1),
        "max_pool1d\\(\\) padding must be non-negative, but got -1",
    ),
    (lambda F, x: F.max_pool1d(x[0], 8), "max_pool1d\\(\\) Invalid computed output size: 0"),
    (
        lambda F, x: F.max_pool1d(x[0, 0, 0], 3),
        r"max_pool1d: Expected 2D or 3D \(batch mode\) tensor with optional 0 dim batch size for input, but got:\[7\]",
    ),
]

POOL_ERRORS += [
    (
        lambda F, x: F.avg_pool2d(x, 2, padding=(1, 1, 1)),
        "avg_pool2d: padding must either be a single int, or a tuple of two ints",
    ),
    (
        lambda F, x: F.max_pool2d(x, 2, stride=(1, 1, 1)),
        "max_pool2d: stride must either be omitted, a single int, or a tuple of two ints",
    ),
    (
        lambda F, x: F.max_pool2d(x, 2, dilation=(1, 1, 1)),
        "max_pool2d: dilation must be either a single int, or a tuple of two ints",
    ),
    (
        lambda F, x: F.avg_pool3d(x[None], (2, 2)),
        "avg_pool3d: kernel_size must be a single int, or a tuple of three ints",
    ),
    (
        lambda F, x: F.max_pool3d(x[None], 2, padding=(1, 1)),
        "max_pool3d: padding must either be a single int, or a tuple of three ints",
    ),
    (
        lambda F, x: F.max_pool1d(x[0], (2, 2)),
        r"max_pool1d\(\) kernel_size must be an int, list of ints or tuple of ints of size 1 but got size 2",
    ),
    (
        lambda F, x: F.max_pool1d(x[0], 2, padding=(1, 1), return_indices=True),
        r"max_pool1d\(\) argument 'padding' should contain one int \(got 2\)",
    ),
    (
        lambda F, x: F.avg_pool1d(x[0], 2, stride=(1, 1)),
        r"avg_pool1d\(\) argument 'stride' should contain one int \(got 2\)",
    ),
]


@pytest.mark.parametrize("call,msg", POOL_ERRORS)
def test_pooling_errors(torch, call, msg):
    x = torch.randn(2, 3, 7, 7, requires_grad=True)
    with pytest.raises(RuntimeError, match=msg):
        call(torch.nn.functional, x)


# ------------------------------------------------------------------------------- padding
@pytest.mark.parametrize(
    "pad,expected",
    [
        ((-2, 1), [2, 3, 4, 5, 6, 2]),
        ((1, -2), [4, 0, 1, 2, 3, 4]),
        ((7, 0), [0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6]),
        ((-6, 0), [6]),
    ],
)
def test_circular_pad_crops_then_wraps(torch, pad, expected):
    out = torch.nn.functional.pad(torch.arange(7.0).reshape(1, 1, 7), pad, mode="circular")
    assert_equal(out.flatten(), expected)


@pytest.mark.parametrize(
    "shape,pad,mode,msg",
    [
        ((1, 1, 7), (8, 0), "circular", "Padding value causes wrapping around more than once."),
        (
            (1, 1, 3, 4),
            (1, 1, 4, 0),
            "circular",
            "Padding value causes wrapping around more than once.",
        ),
        ((1, 1, 7), (-5, 3), "circular", "refer to a single memory location"),
        ((1, 1, 7), (-7, 0), "reflect", r"input \(W: 7\) is too small. Calculated output W: 0"),
        ((1, 1, 3, 4), (-4, 0, -3, 0), "reflect", r"input \(H: 3, W: 4\) is too small"),
        ((1, 1, 3, 4), (-4, 0, -3, 0), "replicate", r"input \(H: 3, W: 4 \) is too small"),
        ((1, 1, 2, 3, 4), (-4, 0, -3, 0, -2, 0), "replicate", r"input \(D: 2 H: 3, W: 4\) is too"),
    ],
)
def test_pad_errors(torch, shape, pad, mode, msg):
    with pytest.raises(RuntimeError, match=msg):
        torch.nn.functional.pad(torch.ones(*shape), pad, mode=mode)


# ------------------------------------------------------------------------------- interpolate
UINT8_IMG = [[[[0, 200, 50], [255, 10, 120], [30, 90, 250]]]]


@pytest.mark.parametrize(
    "mode,size,align,expected",
    [
        (
            "bilinear",
            (4, 5),
            False,
            [
                [0, 80, 200, 110, 50],
                [159, 128, 81, 89, 94],
                [171, 118, 40, 117, 169],
                [30, 54, 90, 186, 250],
            ],
        ),
        # the horizontal pass saturates before the vertical one (188, not round(199.17))
        (
            "bicubic",
            (4, 5),
            False,
            [
                [0, 83, 214, 128, 29],
                [188, 141, 70, 68, 83],
                [200, 119, 18, 101, 186],
                [7, 34, 96, 201, 255],
            ],
        ),
        ("bicubic", (2, 5), True, [[0, 114, 200, 144, 50], [30, 45, 90, 176, 250]]),
    ],
)
def test_interpolate_uint8_fixed_point(torch, mode, size, align, expected):
    x = torch.tensor(UINT8_IMG, dtype=torch.uint8)
    out = torch.nn.functional.interpolate(x, size=size, mode=mode, align_corners=align)
    assert out.dtype == torch.uint8
    assert_equal(out[0, 0], expected)


@pytest.mark.parametrize(
    "mode,nd,dtype,kernel",
    [
        ("linear", 1, "uint8", "compute_indices_weights_linear"),
        ("trilinear", 3, "uint8", "compute_indices_weights_linear"),
        ("bilinear", 2, "int64", "upsample_bilinear2d_channels_last"),
        ("bicubic", 2, "int8", "compute_indices_weights_cubic"),
        ("nearest", 2, "bool", "upsample_nearest2d_channels_last"),
        ("nearest", 1, "int64", "compute_indices_weights_nearest"),
        ("area", 2, "uint8", "adaptive_avg_pool2d"),
        ("area", 3, "int64", "adaptive_avg_pool3d_cpu"),
    ],
)
def test_interpolate_integer_errors(torch, mode, nd, dtype, kernel):
    x = torch.ones((1, 1) + (4,) * nd, dtype=getattr(torch, dtype))
    with pytest.raises(NotImplementedError, match=f'"{kernel}" not implemented for'):
        torch.nn.functional.interpolate(x, size=(6,) * nd, mode=mode)


# ------------------------------------------------------------------------------- attention
def _np_sdpa(q, k, v, mask=None, scale=None):
    s = (q @ np.swapaxes(k, -1, -2)) * (scale or 1 / np.sqrt(q.shape[-1]))
    if mask is not None:
        s = s + mask
    s = s - s.max(-1, keepdims=True)
    w = np.exp(s)
    return (w / w.sum(-1, keepdims=True)) @ v


def test_sdpa_attn_mask_gets_gradient(torch):
    q, k, v = (_t(torch, a, True) for a in (Q, K, V))
    m = _t(torch, MASK, True)
    out = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m)
    assert_close(out, _np_sdpa(Q, K, V, MASK))
    out.sum().backward()
    eps, numeric = 1e-6, np.zeros((3, 5))
    for i in np.ndindex(3, 5):
        bump = np.zeros((3, 5))
        bump[i] = eps
        numeric[i] = _np_sdpa(Q, K, V, MASK + bump).sum() - _np_sdpa(Q, K, V, MASK - bump).sum()
    assert_close(m.grad, numeric / (2 * eps), rtol=1e-5, atol=1e-7)


def test_sdpa_gqa_matches_repeated_heads(torch):
    F = torch.nn.functional
    q, k, v = _t(torch, Q), _t(torch, K[:, :2]), _t(torch, V[:, :2])
    out = F.scaled_dot_product_attention(q, k, v, enable_gqa=True)
    ref = _np_sdpa(Q, np.repeat(K[:, :2], 2, axis=1), np.repeat(V[:, :2], 2, axis=1))
    assert_close(out, ref)
    with pytest.raises(RuntimeError, match="Number of heads in key and value must divide"):
        F.scaled_dot_product_attention(q, _t(torch, K[:, :3]), _t(torch, V[:, :3]), enable_gqa=True)
    with pytest.raises(RuntimeError, match="must match the size of tensor b"):
        F.scaled_dot_product_attention(q, k, v)


def test_sdpa_fully_masked_rows_are_zero(torch):
    F = torch.nn.functional
    mask = np.ones((3, 5), bool)
    mask[1] = False
    for rg in (False, True):
        q = _t(torch, Q, rg)
        out = F.scaled_dot_product_attention(
            q, _t(torch, K), _t(torch, V), attn_mask=_t(torch, np.where(mask, 0.0, -np.inf), rg)
        )
        assert_equal(out[:, :, 1], np.zeros((2, 4, 4)))
        if rg:
            out.sum().backward()
            assert np.isfinite(values(q.grad)).all()


def test_sdpa_causal_with_mask(torch):
    F = torch.nn.functional
    q, k, v = _t(torch, Q), _t(torch, K), _t(torch, V)
    # PyTorch's fused CPU kernel takes both (and applies both); its math path refuses
    causal = np.where(np.tril(np.ones((3, 5), bool)), 0.0, -np.inf)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=_t(torch, MASK), is_causal=True)
    assert_close(out, _np_sdpa(Q, K, V, MASK + causal))
    with pytest.raises(
        RuntimeError, match="Explicit attn_mask should not be set when is_causal=True"
    ):
        F.scaled_dot_product_attention(q[0], k[0], v[0], attn_mask=_t(torch, MASK), is_causal=True)
    with pytest.raises(
        RuntimeError, match="Explicit attn_mask should not be set when is_causal=True"
    ):
        F.scaled_dot_product_attention(q, k, v, attn_mask=_t(torch, MASK, True), is_causal=True)


def test_sdpa_scale_and_dispatch(torch):
    F = torch.nn.functional
    q, k, v = _t(torch, Q, True), _t(torch, K), _t(torch, V)
    out = F.scaled_dot_product_attention(q, k, v, scale=0.3)
    assert_close(out, _np_sdpa(Q, K, V, scale=0.3))
    assert node_name(out) == "ScaledDotProductFlashAttentionForCpuBackward0"
    neg = F.scaled_dot_product_attention(q, k, v, attn_mask=_t(torch, MASK, True), scale=-0.3)
    assert_close(neg, _np_sdpa(Q, K, V, MASK, scale=-0.3))
    assert node_name(F.scaled_dot_product_attention(q[0, 0], k[0, 0], v[0, 0])) == "MmBackward0"
    assert node_name(F.scaled_dot_product_attention(q, k, v[..., :3])) == "UnsafeViewBackward0"


@pytest.mark.parametrize(
    "kw,msg",
    [
        (
            {"key": "f32"},
            "Expected query, key, and value to have the same dtype, but got query.dtype: "
            "double key.dtype: float and value.dtype: double instead.",
        ),
        (
            {"mask": "f16"},
            "Expected attn_mask dtype to be bool or float or to match query dtype, but "
            "got attn_mask.dtype: c10::Half and  query.dtype: double instead.",
        ),
        ({"mask": "long"}, "attn_mask.dtype: long int and  query.dtype: double"),
        (
            {"dims": 1},
            "Expected query, key, and value to all be  at least 2 dimensional, but got "
            "query.dim: 1 key.dim: 1 and value.dim: 1 instead.",
        ),
    ],
)
def test_sdpa_errors(torch, kw, msg):
    q, k, v = _t(torch, Q), _t(torch, K), _t(torch, V)
    mask = None
    if kw.get("key") == "f32":
        k = k.float()
    if kw.get("mask") == "f16":
        mask = _t(torch, MASK).half()
    if kw.get("mask") == "long":
        mask = _t(torch, MASK).long()
    if kw.get("dims"):
        q, k, v = q[0, 0, 0], k[0, 0, 0], v[0, 0, 0]
    with pytest.raises(RuntimeError, match=msg.replace("(", r"\(").replace(")", r"\)")):
        torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)


def test_sdpa_float_mask_on_other_float_query(torch):
    # float32 masks are accepted whatever the query's float dtype
    out = torch.nn.functional.scaled_dot_product_attention(
        _t(torch, Q), _t(torch, K), _t(torch, V), attn_mask=_t(torch, MASK).float()
    )
    assert out.dtype == torch.float64
    assert_close(out, _np_sdpa(Q, K, V, MASK.astype(np.float32)), rtol=1e-5)


# ------------------------------------------------------------------------------- losses
A5, B5, C5 = R.randn(3, 5), R.randn(3, 5), R.randn(3, 5)
PM3 = np.array([1.0, -1.0, 1.0])
LOSSES = {
    "mse_loss": lambda F, t: F.mse_loss(t(A5), t(B5), reduction="avg"),
    "l1_loss": lambda F, t: F.l1_loss(t(A5), t(B5), reduction="avg"),
    "smooth_l1_loss": lambda F, t: F.smooth_l1_loss(t(A5), t(B5), reduction="avg"),
    "huber_loss": lambda F, t: F.huber_loss(t(A5), t(B5), reduction="avg"),
    "nll_loss": lambda F, t: F.nll_loss(t(A5), t([1, 0, 4], int), reduction="avg"),
    "cross_entropy": lambda F, t: F.cross_entropy(t(A5), t([1, 0, 4], int), reduction="avg"),
    "cross_entropy_probs": lambda F, t: F.cross_entropy(t(A5), t(np.abs(B5)), reduction="avg"),
    "binary_cross_entropy": lambda F, t: F.binary_cross_entropy(
        t(np.full((3, 5), 0.3)), t(np.ones((3, 5))), reduction="avg"
    ),
    "binary_cross_entropy_with_logits": lambda F, t: F.binary_cross_entropy_with_logits(
        t(A5), t(np.ones((3, 5))), reduction="avg"
    ),
    "kl_div": lambda F, t: F.kl_div(t(A5), t(np.abs(B5)), reduction="avg"),
    "margin_ranking_loss": lambda F, t: F.margin_ranking_loss(
        t(A5[:, 0]), t(B5[:, 0]), t(PM3), reduction="avg"
    ),
    "hinge_embedding_loss": lambda F, t: F.hinge_embedding_loss(
        t(A5), t(np.sign(B5)), reduction="avg"
    ),
    "cosine_embedding_loss": lambda F, t: F.cosine_embedding_loss(
        t(A5), t(B5), t(PM3), reduction="avg"
    ),
    "soft_margin_loss": lambda F, t: F.soft_margin_loss(t(A5), t(np.sign(B5)), reduction="avg"),
    "multi_margin_loss": lambda F, t: F.multi_margin_loss(
        t(A5), t([1, 0, 4], int), reduction="avg"
    ),
    "multilabel_margin_loss": lambda F, t: F.multilabel_margin_loss(
        t(A5), t(np.zeros((3, 5)), int), reduction="avg"
    ),
    "triplet_margin_loss": lambda F, t: F.triplet_margin_loss(t(A5), t(B5), t(C5), reduction="avg"),
    "triplet_margin_with_distance_loss": lambda F, t: F.triplet_margin_with_distance_loss(
        t(A5), t(B5), t(C5), reduction="avg"
    ),
    "poisson_nll_loss": lambda F, t: F.poisson_nll_loss(t(A5), t(np.abs(B5)), reduction="avg"),
}


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_unknown_reduction_is_refused(torch, name):
    def t(a, kind=float):
        return torch.tensor(a, dtype=torch.long if kind is int else torch.float64)

    with pytest.raises(ValueError, match="^avg is not a valid value for reduction$"):
        LOSSES[name](torch.nn.functional, t)


def test_python_written_losses_word_it_their_way(torch):
    F = torch.nn.functional
    with pytest.raises(ValueError, match="^avg is not valid$"):
        F.multilabel_soft_margin_loss(_t(torch, A5), _t(torch, np.ones((3, 5))), reduction="avg")
    with pytest.raises(ValueError, match="^avg is not valid$"):
        F.gaussian_nll_loss(
            _t(torch, A5), _t(torch, B5), _t(torch, np.ones((3, 5))), reduction="avg"
        )


@pytest.mark.parametrize("log_target", [False, True])
@pytest.mark.parametrize("which", ["target_long", "target_bool", "input_long"])
def test_kl_div_refuses_integral_inputs(torch, which, log_target):
    F = torch.nn.functional
    x, ints = _t(torch, A5), torch.tensor([[0, 1, 2, 3, 4]] * 3)
    args = {
        "target_long": (x, ints),
        "target_bool": (x, ints > 1),
        "input_long": (ints, x),
    }[which]
    with pytest.raises(RuntimeError, match="kl_div: Integral inputs not supported."):
        F.kl_div(*args, reduction="sum", log_target=log_target)


def test_kl_div_log_target_gradient(torch):
    x, y = _t(torch, A5, True), _t(torch, B5, True)
    loss = torch.nn.functional.kl_div(x, y, reduction="batchmean", log_target=True)
    assert_close(loss, (np.exp(B5) * (B5 - A5)).sum() / 3)
    assert torch.autograd.gradcheck(
        lambda a, b: torch.nn.functional.kl_div(a, b, reduction="sum", log_target=True), (x, y)
    )


def test_cross_entropy_probs_node_names(torch):
    F = torch.nn.functional
    x = _t(torch, A5, True)
    probs = _t(torch, np.abs(B5))
    assert node_name(F.cross_entropy(x, probs, reduction="sum")) == "NegBackward0"
    assert node_name(F.cross_entropy(x, probs, reduction="mean")) == "DivBackward1"
    assert node_name(F.cross_entropy(x, probs, reduction="none")) == "NegBackward0"


def test_triplet_losses_check_dims(torch):
    F = torch.nn.functional
    a, p, n = _t(torch, A5), _t(torch, B5[0]), _t(torch, C5)
    msg = (
        "The anchor, positive, and negative tensors are expected to have the same number of "
        "dimensions, but got: anchor 2D, positive 1D, and negative 2D inputs"
    )
    with pytest.raises(RuntimeError, match=msg):
        F.triplet_margin_loss(a, p, n)
    with pytest.raises(RuntimeError, match=msg):
        F.triplet_margin_with_distance_loss(a, p, n)
    with pytest.raises(ValueError, match="margin must be greater than 0, got 0"):
        F.triplet_margin_with_distance_loss(a, _t(torch, B5), n, margin=0)


def test_triplet_margin_with_distance_loss_values(torch):
    out = torch.nn.functional.triplet_margin_with_distance_loss(
        _t(torch, A5), _t(torch, B5), _t(torch, C5), reduction="none", swap=True
    )
    d = lambda u, v: np.sqrt(((u - v + 1e-6) ** 2).sum(-1))  # noqa: E731
    ref = np.maximum(1.0 + d(A5, B5) - np.minimum(d(A5, C5), d(B5, C5)), 0)
    assert_close(out, ref)


# ------------------------------------------------------------------------------- ctc_loss
def _np_ctc(lp, target, blank=0):
    """-log p(target) by the CTC forward recursion, in probability space (small inputs)."""
    ext = [blank]
    for c in target:
        ext += [c, blank]
    p = np.exp(lp)
    alpha = np.zeros(len(ext))
    alpha[0] = p[0, blank]
    if len(ext) > 1:
        alpha[1] = p[0, ext[1]]
    for t in range(1, len(lp)):
        new = np.zeros_like(alpha)
        for s, c in enumerate(ext):
            new[s] = alpha[s] + (alpha[s - 1] if s else 0)
            if s > 1 and c != blank and c != ext[s - 2]:
                new[s] += alpha[s - 2]
            new[s] *= p[t, c]
        alpha = new
    return -np.log(alpha[-1] + (alpha[-2] if len(ext) > 1 else 0))


CTC_LP = np.log(np.random.RandomState(3).dirichlet(np.ones(4), size=(6, 2)))
CTC_TARGETS = [[1, 2, 2], [3, 1, 0]]


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_ctc_loss_values_and_nodes(torch, reduction):
    lp = _t(torch, CTC_LP, True)
    out = torch.nn.functional.ctc_loss(
        lp,
        torch.tensor(CTC_TARGETS),
        torch.tensor([6, 4]),
        torch.tensor([3, 2]),
        reduction=reduction,
    )
    per = np.array([_np_ctc(CTC_LP[:6, 0], [1, 2, 2]), _np_ctc(CTC_LP[:4, 1], [3, 1])])
    expected = {"none": per, "sum": per.sum(), "mean": (per / [3, 2]).mean()}[reduction]
    assert_close(out, expected)
    top = {"none": "CtcLossBackward0", "sum": "SumBackward0", "mean": "MeanBackward0"}
    assert node_name(out) == top[reduction]
    out.sum().backward()
    # PyTorch's gradient: exp(log_probs) minus the posterior, zero past each input length
    assert_close(lp.grad[4:, 1], np.zeros((2, 4)))
    if reduction == "none":
        assert_close(lp.grad.sum(-1)[:4], np.zeros((4, 2)), atol=1e-12)


def test_ctc_loss_forms(torch):
    F = torch.nn.functional
    lp = _t(torch, CTC_LP)
    batched = F.ctc_loss(lp, torch.tensor(CTC_TARGETS), (6, 4), (3, 2), reduction="none")
    flat = F.ctc_loss(lp, torch.tensor([1, 2, 2, 3, 1]), (6, 4), (3, 2), reduction="none")
    assert_close(flat, values(batched))
    single = F.ctc_loss(
        lp[:, 0], torch.tensor([1, 2, 2]), torch.tensor(6), torch.tensor(3), reduction="none"
    )
    assert tuple(single.shape) == () and np.isclose(single.item(), values(batched)[0])
    assert F.ctc_loss(lp.float(), torch.tensor(CTC_TARGETS), (6, 4), (3, 2)).dtype == torch.float32


def test_ctc_loss_infeasible_and_zero_infinity(torch):
    F = torch.nn.functional
    lp = _t(torch, CTC_LP, True)
    args = (torch.tensor([[1, 1, 1, 1], [1, 2, 1, 2]]), (3, 6), (4, 2))
    assert values(F.ctc_loss(lp, *args, reduction="none"))[0] == np.inf
    out = F.ctc_loss(lp, *args, reduction="none", zero_infinity=True)
    assert node_name(out) == "WhereBackward0"
    assert values(out)[0] == 0 and np.isfinite(values(out)[1])
    out.sum().backward()
    assert_equal(lp.grad[:, 0], np.zeros((6, 4)))


@pytest.mark.parametrize(
    "kw,msg",
    [
        (
            {"input_lengths": (7, 4)},
            r"Expected input_lengths to have value at most 6, but got value 7 \(while checking arguments for ctc_loss_allocate_outputs\)",
        ),
        (
            {"target_lengths": (8, 2)},
            "Expected tensor to have size at least 8 at dimension 1, but got size 3 for argument #2 'targets'",
        ),
        ({"blank": 4}, "blank must be in label range"),
    ],
)
def test_ctc_loss_errors(torch, kw, msg):
    args = dict(input_lengths=(6, 4), target_lengths=(3, 2))
    args.update(kw)
    with pytest.raises(RuntimeError, match=msg):
        torch.nn.functional.ctc_loss(_t(torch, CTC_LP), torch.tensor(CTC_TARGETS), **args)
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        torch.nn.functional.ctc_loss(
            _t(torch, CTC_LP), torch.tensor(CTC_TARGETS), (6, 4), (3, 2), reduction="avg"
        )


# ------------------------------------------------------------------------------- small additions
def test_affine_grid_identity_and_errors(torch):
    F = torch.nn.functional
    eye = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]], dtype=torch.float64)
    grid = F.affine_grid(eye, (1, 1, 2, 3), align_corners=False)
    xs, ys = np.array([-2 / 3, 0, 2 / 3]), np.array([-0.5, 0.5])
    assert_close(grid[0, ..., 0], np.tile(xs, (2, 1)))
    assert_close(grid[0, ..., 1], np.tile(ys[:, None], (1, 3)))
    with pytest.raises(
        ValueError, match="Expected theta to have floating point type, but got torch.int64"
    ):
        F.affine_grid(eye.long(), (1, 1, 2, 3), align_corners=False)
    with pytest.raises(ValueError, match=r"Expected a batch of 3D affine matrices of shape Nx3x4"):
        F.affine_grid(eye, [1, 1, 2, 3, 4], align_corners=False)
    with pytest.raises(NotImplementedError, match="affine_grid only supports 4D and 5D sizes"):
        F.affine_grid(eye, [1, 1, 2], align_corners=False)
    with pytest.raises(ValueError, match="Expected non-zero, positive output size"):
        F.affine_grid(eye, [1, 1, 0, 3], align_corners=False)
    with pytest.warns(UserWarning, match="Default grid_sample and affine_grid behavior"):
        F.affine_grid(eye, (1, 1, 2, 3))


def test_feature_alpha_dropout(torch):
    F = torch.nn.functional
    torch.manual_seed(0)
    out = F.feature_alpha_dropout(torch.ones(2, 4, 3), 0.5, True)
    rows = values(out)
    # whole channels share one draw; kept and dropped values as in alpha dropout
    assert (rows == rows[..., :1]).all()
    assert set(np.round(rows.ravel(), 4)) <= {1.6656, -0.7792}
    assert_equal(F.feature_alpha_dropout(torch.ones(2, 4, 3), 0.5, False), np.ones((2, 4, 3)))
    with pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions"):
        F.feature_alpha_dropout(torch.ones(4), 0.5, True)


def test_inplace_activation_aliases_and_with_indices(torch):
    F = torch.nn.functional
    y = torch.tensor([[-1.0, 2.0], [0.5, -3.0]])
    for fn, args in ((F.celu_, (2.0,)), (F.selu_, ()), (F.rrelu_, ())):
        z = y.clone()
        assert fn(z, *args) is z
    z = y.clone()
    F.celu_(z, 2.0)
    assert_close(z, values(F.celu(y, 2.0)))
    x = torch.randn(2, 5, 6)
    values_, idx = F.adaptive_max_pool2d_with_indices(x, 2)
    assert idx.dtype == torch.int64 and tuple(values_.shape) == (2, 2, 2)
    assert len(F.adaptive_max_pool1d_with_indices(x, 3)) == 2


def test_grid_sample_values_and_errors(torch):
    F = torch.nn.functional
    img = torch.arange(12.0, dtype=torch.float64).reshape(1, 1, 3, 4)
    # corners of an aligned grid land on the corner pixels; the center between them averages
    grid = torch.tensor([[[[-1.0, -1.0], [1.0, 1.0], [0.0, 0.0], [3.0, 0.0]]]], dtype=torch.float64)
    out = F.grid_sample(img, grid, align_corners=True)
    assert_close(out.flatten(), [0.0, 11.0, 5.5, 0.0])
    near = F.grid_sample(img, grid, mode="nearest", padding_mode="border", align_corners=True)
    assert_close(near.flatten(), [0.0, 11.0, 6.0, 7.0])  # 1.5 -> 2 (half to even), x clamps to 3
    with pytest.raises(ValueError, match="expected padding_mode to be 'zeros', 'border', or"):
        F.grid_sample(img, grid, padding_mode="wrap", align_corners=True)
    with pytest.raises(RuntimeError, match="expected grid to have size 2 in last dimension"):
        F.grid_sample(img, grid[..., :1], align_corners=True)
    with pytest.raises(RuntimeError, match="expected grid and input to have same batch size"):
        F.grid_sample(img, grid.expand(2, 1, 4, 2), align_corners=True)
    with pytest.raises(RuntimeError, match="expected scalar type Double but found Float"):
        F.grid_sample(img, grid.float(), align_corners=True)
    with pytest.raises(RuntimeError, match="bicubic interpolation only supports 4D input"):
        F.grid_sample(
            img[None],
            grid[None].expand(1, 1, 1, 4, 2)[..., :1].expand(1, 1, 1, 4, 3),
            mode="bicubic",
            align_corners=True,
        )


def _conv_reference(x, w, b, stride, padding, dilation):
    """A direct convolution in float64 NumPy: every kernel offset's strided slice of the
    zero-padded input, weighted and summed."""
    nd = x.ndim - 2
    k = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0)) + ((padding, padding),) * nd)
    out = [(n - dilation * (kk - 1) - 1) // stride + 1 for n, kk in zip(xp.shape[2:], k)]
    y = np.zeros((x.shape[0], w.shape[0], *out))
    for offset in np.ndindex(*k):
        idx = tuple(
            slice(t * dilation, t * dilation + (o - 1) * stride + 1, stride)
            for t, o in zip(offset, out)
        )
        y += np.einsum("nc...,oc->no...", xp[(slice(None), slice(None)) + idx], w[(...,) + offset])
    return y + b.reshape((1, -1) + (1,) * nd)


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("channels", [1, 3, 8])
@pytest.mark.parametrize("stride,padding,dilation", [(1, 1, 1), (2, 0, 1), (1, 2, 2)])
def test_convolution_with_few_input_channels(torch, nd, channels, stride, padding, dilation):
    # first layers (grayscale/RGB input) go through torchlike's slice-and-contract form on CPU,
    # wider ones through XLA's convolution: both give the direct convolution's values and
    # gradients to float32 rounding
    rng = np.random.default_rng(nd * 100 + channels)
    size = (10, 9, 7)[:nd]
    x = rng.standard_normal((2, channels, *size))
    w = rng.standard_normal((4, channels) + (3,) * nd)
    b = rng.standard_normal(4)
    conv = getattr(torch.nn.functional, f"conv{nd}d")
    tx, tw, tb = (torch.tensor(a.astype(np.float32), requires_grad=True) for a in (x, w, b))
    y = conv(tx, tw, tb, stride=stride, padding=padding, dilation=dilation)
    ref = _conv_reference(x, w, b, stride, padding, dilation)
    np.testing.assert_allclose(y.detach().numpy(), ref, rtol=1e-4, atol=1e-4)
    g = rng.standard_normal(ref.shape)
    (y * torch.tensor(g.astype(np.float32))).sum().backward()
    # the gradients of sum(g * conv(x, w)): weight by the reference on unit kernels
    gw = np.zeros_like(w)
    for i in np.ndindex(*w.shape):
        e = np.zeros_like(w)
        e[i] = 1.0
        gw[i] = (g * (_conv_reference(x, e, np.zeros(4), stride, padding, dilation))).sum()
    np.testing.assert_allclose(tw.grad.numpy(), gw, rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(tb.grad.numpy(), g.sum(axis=(0, *range(2, 2 + nd))), rtol=1e-4)
    assert tx.grad.shape == tx.shape


@pytest.mark.torchlike_only
def test_convolution_form_follows_the_input_channels(torch):
    import jax

    from torchlike._ops import nn_table

    def uses_xla_conv(channels, size, kernel=3):
        x = np.zeros((2, channels, size, size), np.float32)
        w = np.zeros((4, channels, kernel, kernel), np.float32)
        static = dict(
            stride=(1, 1),
            padding=((kernel // 2,) * 2,) * 2,
            dilation=(1, 1),
            groups=1,
            transposed=False,
            output_padding=(0, 0),
        )
        jaxpr = jax.make_jaxpr(lambda x, w: nn_table._conv(x, w, None, **static))(x, w)
        return "conv_general_dilated" in str(jaxpr)

    on_cpu = jax.default_backend() == "cpu"
    assert uses_xla_conv(1, 28) is not on_cpu  # MNIST's first layer: slices and a contraction
    assert uses_xla_conv(3, 32) is not on_cpu
    assert uses_xla_conv(8, 14)  # wider: XLA's convolution
    assert uses_xla_conv(3, 64)  # larger images: XLA's convolution
    assert uses_xla_conv(1, 28, kernel=5)  # 25 offsets: as many copies of the input


_CONV_PARAM_ERRORS = [
    ("conv2d", (1, 1, 5, 5), (4, 1, 3, 3), dict(stride=0), "non-positive stride is not supported"),
    ("conv2d", (1, 1, 5, 5), (4, 1, 3, 3), dict(padding=(1, -1)), "negative padding is not"),
    ("conv2d", (1, 1, 5, 5), (4, 1, 3, 3), dict(padding=-1, stride=0), "negative padding is not"),
    (
        "conv2d",
        (1, 1, 5, 5),
        (4, 1, 3, 3),
        dict(dilation=-1),
        "dilation should be greater than zero$",
    ),
    ("conv2d", (1, 1, 5, 5), (4, 1, 3, 3), dict(dilation=(1, 0)), r"but got \[1, 0\]$"),
    ("conv1d", (1, 1, 5), (4, 1, 3), dict(dilation=0), r"but got \[1, 0\]$"),
    ("conv3d", (1, 1, 5, 5, 5), (4, 1, 3, 3, 3), dict(dilation=0), r"but got \[0, 0, 0\]$"),
    ("conv2d", (1, 2, 5, 5), (4, 1, 3, 3), dict(dilation=0), "to have 1 channels, but got 2"),
    (
        "conv2d",
        (1, 1, 5, 5),
        (4, 1, 3, 3),
        dict(stride=0, padding="same"),
        "not supported for strided",
    ),
    ("conv_transpose2d", (1, 1, 5, 5), (1, 4, 3, 3), dict(stride=0), "non-positive stride"),
    (
        "conv_transpose2d",
        (1, 1, 5, 5),
        (1, 4, 3, 3),
        dict(output_padding=-1),
        "negative output_padding",
    ),
    ("conv_transpose2d", (1, 1, 5, 5), (1, 4, 3, 3), dict(dilation=-1), "greater than zero$"),
    (
        "conv_transpose1d",
        (1, 1, 5),
        (1, 4, 3),
        dict(dilation=0),
        "but got dilation_height: 1, dilation_width: 0$",
    ),
    (
        "conv_transpose3d",
        (1, 1, 5, 5, 5),
        (1, 4, 3, 3, 3),
        dict(dilation=0, output_padding=2),
        "but got dilation_depth: 0, dilation_height: 0, dilation_width: 0$",
    ),
]


@pytest.mark.parametrize("name,shape,weight,kwargs,message", _CONV_PARAM_ERRORS)
def test_convolution_parameter_errors(torch, name, shape, weight, kwargs, message):
    conv = getattr(torch.nn.functional, name)
    with pytest.raises(RuntimeError, match=message):
        conv(torch.ones(*shape), torch.ones(*weight), **kwargs)
