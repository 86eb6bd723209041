"""The nn ops real code calls at top level (torch.conv2d, torch.batch_norm, torch.dropout …),
fractional max pooling, the remaining nn modules, torch.histogramdd, the Bessel-K/Y and Airy
functions of torch.special, anomaly mode and DistributedSampler."""

from __future__ import annotations

import math

import numpy as np
import pytest


def _close(a, b, tol=1e-6):
    np.testing.assert_allclose(
        np.asarray(a.detach().tolist()), np.asarray(b.detach().tolist()), rtol=tol, atol=tol
    )


def _name(t):
    return type(t.grad_fn).__name__


# ---------------------------------------------------------------------------------- torch.conv*
def test_conv_aliases_take_aten_argument_order(torch):
    F = torch.nn.functional
    torch.manual_seed(0)
    x = torch.randn(2, 4, 7, 7, requires_grad=True)
    w = torch.randn(6, 2, 3, 3)
    b = torch.randn(6)
    y = torch.conv2d(x, w, b, 2, 1, 1, 2)
    _close(y, F.conv2d(x, w, b, stride=2, padding=1, groups=2))
    assert _name(y) == "ConvolutionBackward0"
    x1 = torch.randn(2, 3, 9)
    w1 = torch.randn(5, 3, 2)
    _close(torch.conv1d(x1, w1, None, 1, "same"), F.conv1d(x1, w1, padding="same"))
    x3 = torch.randn(1, 2, 4, 4, 4)
    w3 = torch.randn(3, 2, 2, 2, 2)
    _close(torch.conv3d(x3, w3), F.conv3d(x3, w3))
    wt = torch.randn(4, 3, 3, 3)
    # conv_transpose*: output_padding before groups, dilation last
    yt = torch.conv_transpose2d(x, wt, None, 2, 1, 1, 1, 1)
    _close(yt, F.conv_transpose2d(x, wt, None, 2, 1, 1, 1, 1))
    assert tuple(yt.shape) == (2, 3, 14, 14)
    wt1 = torch.randn(3, 2, 3)
    _close(
        torch.conv_transpose1d(x1, wt1, None, 1, 0, 0, 1, 2),
        F.conv_transpose1d(x1, wt1, dilation=2),
    )
    wt3 = torch.randn(2, 2, 2, 2, 2)
    _close(torch.conv_transpose3d(x3, wt3, None, 2), F.conv_transpose3d(x3, wt3, stride=2))
    c = torch.convolution(x, w, b, [2, 2], [1, 1], [1, 1], False, [0, 0], 2)
    _close(c, y)
    assert _name(c) == "ConvolutionBackward0"
    ct = torch.convolution(x, wt, None, [2, 2], [1, 1], [1, 1], True, [1, 1], 1)
    _close(ct, yt)


# ---------------------------------------------------------------------------------- norms
def test_batch_and_instance_norm_take_weight_before_running_stats(torch):
    F = torch.nn.functional
    torch.manual_seed(0)
    x = torch.randn(4, 3, 5, requires_grad=True)
    w, b = torch.randn(3), torch.randn(3)
    rm, rv = torch.zeros(3), torch.ones(3)
    rm2, rv2 = torch.zeros(3), torch.ones(3)
    y = torch.batch_norm(x, w, b, rm, rv, True, 0.2, 1e-5, False)
    _close(y, F.batch_norm(x, rm2, rv2, w, b, True, 0.2, 1e-5))
    _close(rm, rm2)
    _close(rv, rv2)
    assert _name(y) == "NativeBatchNormBackward0"
    y = torch.instance_norm(x, w, b, None, None, True, 0.1, 1e-5, False)
    _close(y, F.instance_norm(x, weight=w, bias=b))
    y = torch.layer_norm(x, [5], None, None, 1e-5, True)
    assert _name(y) == "NativeLayerNormBackward0"
    _close(y, F.layer_norm(x, [5]))
    g = torch.group_norm(x, 3, w, b, 1e-5, True)
    assert _name(g) == "NativeGroupNormBackward0"
    _close(g, F.group_norm(x, 3, w, b))
    _close(torch.rms_norm(x, [5], None, 1e-6), F.rms_norm(x, [5], eps=1e-6))


def test_native_norms_return_statistics(torch):
    torch.manual_seed(0)
    x = torch.randn(2, 3, 5, dtype=torch.float64, requires_grad=True)
    out, mean, rstd = torch.native_layer_norm(x, [5], None, None, 1e-5)
    assert _name(out) == "NativeLayerNormBackward0"
    assert mean.grad_fn is None and rstd.grad_fn is None
    assert tuple(mean.shape) == (2, 3, 1) and tuple(rstd.shape) == (2, 3, 1)
    _close(mean, x.mean(-1, keepdim=True))
    _close(rstd, 1 / (x.var(-1, unbiased=False, keepdim=True) + 1e-5).sqrt())
    out, m, inv = torch.native_batch_norm(x, None, None, None, None, True, 0.1, 1e-5)
    assert _name(out) == "NativeBatchNormBackward0"
    assert tuple(m.shape) == (3,)
    _close(m, x.mean((0, 2)))
    _close(inv, 1 / (x.var((0, 2), unbiased=False) + 1e-5).sqrt())
    out, m, inv = torch.native_batch_norm(
        x,
        None,
        None,
        torch.zeros(3, dtype=torch.float64),
        torch.ones(3, dtype=torch.float64),
        False,
        0.1,
        1e-5,
    )
    assert tuple(m.shape) == (0,) and tuple(inv.shape) == (0,)


# ---------------------------------------------------------------------------------- dropout
def test_dropout_aliases(torch):
    x = torch.ones(200, 3, requires_grad=True)
    torch.manual_seed(1)
    y = torch.dropout(x, 0.5, True)
    torch.manual_seed(1)
    _close(y, torch.nn.functional.dropout(x, 0.5, True))
    assert _name(y) == "MulBackward0"
    assert torch.dropout(x, 0.5, False) is x
    torch.manual_seed(2)
    out, mask = torch.native_dropout(x, 0.25, True)
    assert _name(out) == "NativeDropoutBackward0"
    assert mask.dtype == torch.bool and tuple(mask.shape) == (200, 3)
    _close(out, mask.to(x.dtype) / 0.75)
    out, mask = torch.native_dropout(x, 0.25, False)
    assert bool(mask.all()) and _name(out) == "NativeDropoutBackward0"
    _close(out, x)
    z = torch.ones(50, 4, 3)
    f = torch.feature_dropout(z, 0.5, True)
    # whole (sample, channel) rows are kept or dropped
    assert bool(((f == 0).all(-1) | (f == 2).all(-1)).all())
    a = torch.alpha_dropout(z, 0.2, True)
    assert tuple(a.shape) == (50, 4, 3) and len(set(a.flatten().tolist())) == 2
    fa = torch.feature_alpha_dropout(z, 0.2, True)
    assert bool((fa == fa[..., :1]).all())
    w = torch.ones(100)
    r = torch.dropout_(w, 0.5, True)
    assert r is w and set(w.tolist()) <= {0.0, 2.0}
    assert torch.alpha_dropout(z, 0.2, False) is z
    with pytest.raises(TypeError):
        torch.dropout(x, 0.5)  # ATen's `train` has no default


# ---------------------------------------------------------------------------------- embedding
def test_embedding_takes_weight_first(torch):
    torch.manual_seed(0)
    w = torch.randn(10, 3, requires_grad=True)
    idx = torch.tensor([[1, 2], [0, 9]])
    e = torch.embedding(w, idx)
    assert _name(e) == "EmbeddingBackward0"
    _close(e, w[idx])
    e = torch.embedding(w, idx, 0)
    e.sum().backward()
    assert w.grad[0].tolist() == [0.0, 0.0, 0.0]


def test_embedding_bag_returns_aten_bookkeeping(torch):
    torch.manual_seed(0)
    w = torch.randn(10, 3, requires_grad=True)
    idx = torch.tensor([1, 2, 4, 5, 4, 3, 2, 9])
    off = torch.tensor([0, 4])
    r = torch.embedding_bag(w, idx, off, False, 0)
    assert _name(r[0]) == "EmbeddingBagBackward0"
    assert [t.tolist() for t in r[1:]] == [[], [0, 0], [0, 0]]
    r = torch.embedding_bag(w, idx, off, False, 1)
    assert [t.tolist() for t in r[1:]] == [[0, 0, 0, 0, 1, 1, 1, 1], [4, 4], [4, 4]]
    _close(r[0], torch.nn.functional.embedding_bag(idx, w, off))
    r = torch.embedding_bag(w, idx, off, False, 2)
    expect = [
        [int(idx[:4][w[idx[:4], j].argmax()]) for j in range(3)],
        [int(idx[4:][w[idx[4:], j].argmax()]) for j in range(3)],
    ]
    assert r[3].tolist() == expect and r[2].tolist() == [4, 4]
    # padding_idx entries count in no bag and are never the maximum
    r = torch.embedding_bag(w, idx, off, False, 1, False, None, False, 2)
    assert r[2].tolist() == [3, 3] and r[3].tolist() == [3, 3]
    r = torch.embedding_bag(w, idx, off, False, 2, False, None, False, 2)
    assert 2 not in r[3].flatten().tolist()


# ---------------------------------------------------------------------------------- activations
def test_activation_aliases(torch):
    F = torch.nn.functional
    x = torch.linspace(-2, 2, 9, dtype=torch.float64, requires_grad=True)
    _close(torch.celu(x, 0.5), F.celu(x, 0.5))
    assert _name(torch.celu(x)) == "CeluBackward0"
    _close(torch.selu(x), F.selu(x))
    assert _name(torch.selu(x)) == "EluBackward0"
    _close(torch.threshold(x, 0.5, -1.0), F.threshold(x, 0.5, -1.0))
    assert _name(torch.threshold(x, 0.5, -1.0)) == "ThresholdBackward0"
    _close(torch.hardshrink(x, 1.0), F.hardshrink(x, 1.0))
    assert _name(torch.hardshrink(x)) == "HardshrinkBackward0"
    _close(torch.rrelu(x), F.rrelu(x))
    wt = torch.tensor([0.25], dtype=torch.float64)
    _close(torch.prelu(x, wt), F.prelu(x, wt))
    out = torch.empty(0, dtype=torch.float64)
    assert torch.threshold(x.detach(), 0.5, -1.0, out=out) is out
    _close(out, F.threshold(x, 0.5, -1.0))
    assert torch.hardshrink(x.detach(), 1.0, out=out) is out and tuple(out.shape) == (9,)
    with pytest.raises(TypeError):
        torch.celu(x, out=out)  # the other names take no out= in PyTorch's bindings
    y = x.detach().clone()
    torch.threshold_(y, 0.0, 7.0)
    assert y.tolist()[:2] == [7.0, 7.0]
    y = x.detach().clone()
    assert torch.selu_(y) is y and torch.celu_(y) is y
    i = torch.arange(2 * 8 * 2 * 2.0).reshape(2, 8, 2, 2)
    _close(torch.pixel_shuffle(i, 2), F.pixel_shuffle(i, 2))
    _close(torch.pixel_unshuffle(torch.pixel_shuffle(i, 2), 2), i)
    _close(torch.channel_shuffle(i, 4), F.channel_shuffle(i, 4))
    _close(torch.native_channel_shuffle(i, 2), F.channel_shuffle(i, 2))
    x1, x2 = torch.randn(3, 4), torch.randn(3, 5)
    bw, bb = torch.randn(2, 4, 5), torch.randn(2)
    _close(torch.bilinear(x1, x2, bw, bb), F.bilinear(x1, x2, bw, bb), 1e-5)


# ---------------------------------------------------------------------------------- losses
def test_losses_take_integer_reductions(torch):
    F = torch.nn.functional
    torch.manual_seed(0)
    a, b = torch.randn(4, 5, requires_grad=True), torch.randn(4, 5)
    t = torch.tensor([1.0, -1.0, 1.0, -1.0])
    for red, name in ((0, "none"), (1, "mean"), (2, "sum")):
        _close(
            torch.cosine_embedding_loss(a, b, t, 0.1, red),
            F.cosine_embedding_loss(a, b, t, 0.1, reduction=name),
        )
        _close(
            torch.margin_ranking_loss(a[:, 0], b[:, 0], t, 0.2, red),
            F.margin_ranking_loss(a[:, 0], b[:, 0], t, 0.2, reduction=name),
        )
        _close(
            torch.hinge_embedding_loss(a, torch.ones(4, 5), 1.0, red),
            F.hinge_embedding_loss(a, torch.ones(4, 5), reduction=name),
        )
        _close(
            torch.poisson_nll_loss(a, b.abs(), True, False, 1e-8, red),
            F.poisson_nll_loss(a, b.abs(), reduction=name),
        )
        _close(
            torch.triplet_margin_loss(a, b, b.flip(0), 1.0, 2.0, 1e-6, False, red),
            F.triplet_margin_loss(a, b, b.flip(0), reduction=name),
        )
        p = b.sigmoid()
        _close(
            torch.binary_cross_entropy_with_logits(a, p, None, None, red),
            F.binary_cross_entropy_with_logits(a, p, reduction=name),
        )
        lp = a.log_softmax(1)
        _close(torch.kl_div(lp, p.softmax(1), red), F.kl_div(lp, p.softmax(1), reduction=name))
    # the Python bindings' `reduction=Mean` default reaches ATen as 0: no reduction
    _close(torch.kl_div(a, b, log_target=True), b.exp() * (b - a))
    assert tuple(torch.hinge_embedding_loss(a, b).shape) == (4, 5)
    assert tuple(torch.cosine_embedding_loss(a, b, t).shape) == (4,)
    _close(torch.cosine_similarity(a, b), F.cosine_similarity(a, b))
    _close(torch.pairwise_distance(a, b), F.pairwise_distance(a, b))
    lp = torch.randn(6, 2, 4).log_softmax(2)
    tg = torch.tensor([[1, 2], [3, 3]])
    _close(
        torch.ctc_loss(lp, tg, [6, 5], [2, 1]), F.ctc_loss(lp, tg, [6, 5], [2, 1], reduction="none")
    )
    _close(torch.ctc_loss(lp, tg, [6, 5], [2, 1], 0, 1), F.ctc_loss(lp, tg, [6, 5], [2, 1]))
    _close(
        torch.ctc_loss(lp, tg, [6, 5], [2, 1], 0, 2),
        F.ctc_loss(lp, tg, [6, 5], [2, 1], reduction="sum"),
    )


# ---------------------------------------------------------------------------------- pooling, grid
def test_pooling_aliases(torch):
    F = torch.nn.functional
    torch.manual_seed(0)
    x = torch.randn(2, 3, 10, requires_grad=True)
    _close(torch.max_pool1d(x, 3), F.max_pool1d(x, 3))
    _close(torch.max_pool1d(x, 3, 2, 1, 1, True), F.max_pool1d(x, 3, 2, 1, 1, True))
    out, idx = torch.max_pool1d_with_indices(x, 2)
    assert idx.dtype == torch.int64 and _name(out) == "SqueezeBackward1"
    _close(out, F.max_pool1d(x, 2))
    x2 = torch.randn(1, 2, 6, 6, requires_grad=True)
    m = torch.max_pool2d(x2, 2)
    _close(m, F.max_pool2d(x2, 2))
    assert _name(m) == "MaxPool2DWithIndicesBackward0"
    x3 = torch.randn(1, 1, 4, 4, 4)
    _close(torch.max_pool3d(x3, 2, [], 0, 1, False), F.max_pool3d(x3, 2))
    _close(torch.avg_pool1d(x, 3, 1), F.avg_pool1d(x, 3, 1))
    _close(torch.adaptive_avg_pool1d(x, 4), F.adaptive_avg_pool1d(x, 4))
    o, i = torch.adaptive_max_pool1d(x, 4)
    assert _name(o) == "SqueezeBackward1"  # pooled as 2-D, as PyTorch does
    _close(o, F.adaptive_max_pool1d(x, 4))
    assert i.tolist() == F.adaptive_max_pool1d(x, 4, True)[1].tolist()


def test_grid_sampler_aliases_take_enum_modes(torch):
    F = torch.nn.functional
    torch.manual_seed(0)
    theta = torch.tensor([[[0.9, 0.1, 0.0], [-0.1, 0.8, 0.1]]], requires_grad=True)
    g = torch.affine_grid_generator(theta, [1, 2, 4, 5], False)
    assert _name(g) == "AffineGridGeneratorBackward0"
    _close(g, F.affine_grid(theta, [1, 2, 4, 5], align_corners=False))
    x = torch.randn(1, 2, 5, 6)
    modes = ("bilinear", "nearest", "bicubic")
    pads = ("zeros", "border", "reflection")
    for mode, pad in ((0, 0), (1, 1), (2, 2), (0, 2)):
        _close(
            torch.grid_sampler(x, g, mode, pad, True),
            F.grid_sample(x, g, modes[mode], pads[pad], align_corners=True),
            1e-5,
        )
    _close(torch.grid_sampler_2d(x, g, 0, 0, False), F.grid_sample(x, g, align_corners=False), 1e-5)


# ---------------------------------------------------------------------------------- recurrent
@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN_TANH", "RNN_RELU"])
def test_flat_rnn_functions_match_the_modules(torch, mode):
    torch.manual_seed(0)
    kw = {} if not mode.startswith("RNN") else {"nonlinearity": mode[4:].lower()}
    cls = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}.get(mode, torch.nn.RNN)
    m = cls(3, 4, num_layers=2, bidirectional=True, batch_first=True, **kw)
    x = torch.randn(2, 5, 3)
    h = torch.randn(4, 2, 4)
    params = list(m._flat_weights)
    if mode == "LSTM":
        c = torch.randn(4, 2, 4)
        out, hn, cn = torch.lstm(x, (h, c), params, True, 2, 0.0, False, True, True)
        ro, (rh, rc) = m(x, (h, c))
        _close(cn, rc, 1e-5)
    else:
        fn = {"GRU": torch.gru, "RNN_TANH": torch.rnn_tanh, "RNN_RELU": torch.rnn_relu}[mode]
        out, hn = fn(x, h, params, True, 2, 0.0, False, True, True)
        ro, rh = m(x, h)
    _close(out, ro, 1e-5)
    _close(hn, rh, 1e-5)


def test_cell_functions_match_the_cells(torch):
    torch.manual_seed(0)
    x, h, c = torch.randn(2, 3), torch.randn(2, 4), torch.randn(2, 4)
    lc = torch.nn.LSTMCell(3, 4)
    hy, cy = torch.lstm_cell(x, (h, c), lc.weight_ih, lc.weight_hh, lc.bias_ih, lc.bias_hh)
    rh, rc = lc(x, (h, c))
    _close(hy, rh)
    _close(cy, rc)
    gc = torch.nn.GRUCell(3, 4)
    _close(torch.gru_cell(x, h, gc.weight_ih, gc.weight_hh, gc.bias_ih, gc.bias_hh), gc(x, h))
    for nl, fn in (("tanh", torch.rnn_tanh_cell), ("relu", torch.rnn_relu_cell)):
        rc = torch.nn.RNNCell(3, 4, nonlinearity=nl)
        _close(fn(x, h, rc.weight_ih, rc.weight_hh, rc.bias_ih, rc.bias_hh), rc(x, h))
    assert _name(torch.rnn_tanh_cell(x, h, rc.weight_ih, rc.weight_hh)) == "TanhBackward0"


# ---------------------------------------------------------------------------------- torch.special
# reference values computed with mpmath at 30 digits
_SPECIAL_POINTS = [0.1, 0.7, 1.5, 3.0, 6.0, 12.5, 40.0]
_SPECIAL_REF = {
    "airy_ai": (
        _SPECIAL_POINTS + [-0.5, -3.3, -8.2, -15.0],
        [
            0.3292031299435381,
            0.18916240039815008,
            0.07174949700810541,
            0.006591139357460719,
            9.947694360252889e-06,
            2.39682782607805e-14,
            6.365742658552915e-75,
            0.4757280916105396,
            -0.41718093737455014,
            -0.2215994548036039,
            0.2782174908708289,
        ],
    ),
    "bessel_y0": (
        _SPECIAL_POINTS,
        [
            -1.5342386513503667,
            -0.19066492933739512,
            0.38244892379775886,
            0.3768500100127904,
            -0.28819468398157916,
            -0.1712143068446693,
            0.12593641705826092,
        ],
    ),
    "bessel_y1": (
        _SPECIAL_POINTS,
        [
            -6.4589510947020266,
            -1.1032498719076334,
            -0.4123086269739113,
            0.3246744247918,
            -0.17501034430039825,
            -0.1538382565375012,
            -0.005793505821549633,
        ],
    ),
    "modified_bessel_k0": (
        _SPECIAL_POINTS,
        [
            2.4270690247020164,
            0.6605198599151016,
            0.21380556264752573,
            0.03473950438627925,
            0.0012439943280131232,
            1.3084036967769775e-06,
            8.392861100099567e-19,
        ],
    ),
    "modified_bessel_k1": (
        _SPECIAL_POINTS,
        [
            9.853844780870606,
            1.050283535312918,
            0.2773878004568438,
            0.040156431128194184,
            0.001343919717735509,
            1.3597678438215176e-06,
            8.497131954861039e-19,
        ],
    ),
    "scaled_modified_bessel_k0": (
        _SPECIAL_POINTS,
        [
            2.6823261022628944,
            1.3301236562420558,
            0.9582100532948965,
            0.6977615980438517,
            0.5018631308621401,
            0.35109349766701514,
            0.19755558495729816,
        ],
    ),
    "scaled_modified_bessel_k1": (
        _SPECIAL_POINTS,
        [
            10.890182683049696,
            2.1150113128480523,
            1.243165873552553,
            0.8065634801287869,
            0.5421759102771335,
            0.36487641350940625,
            0.20000996725443349,
        ],
    ),
}


_NAN, _INF = math.nan, math.inf
# at 0, -1, inf, -inf, nan
_SPECIAL_EDGES = {
    "airy_ai": [0.3550280538878172, 0.5355608832923521, _NAN, _NAN, _NAN],
    "bessel_y0": [-_INF, _NAN, _NAN, _NAN, _NAN],
    "bessel_y1": [-_INF, _NAN, _NAN, _NAN, _NAN],
    "modified_bessel_k0": [_INF, _NAN, 0.0, _NAN, _NAN],
    "modified_bessel_k1": [_INF, _NAN, 0.0, _NAN, _NAN],
    "scaled_modified_bessel_k0": [_INF, _NAN, 0.0, _NAN, _NAN],
    "scaled_modified_bessel_k1": [_INF, _NAN, 0.0, _NAN, _NAN],
}


def _special_case(torch, name):
    xs, ref = _SPECIAL_REF[name]
    x = torch.tensor(xs + [0.0, -1.0, _INF, -_INF, _NAN], dtype=torch.float64)
    return getattr(torch.special, name), x, ref + _SPECIAL_EDGES[name]


@pytest.mark.parametrize("name", sorted(_SPECIAL_REF))
def test_special_second_kind_and_airy_values(torch, name):
    fn, x, ref = _special_case(torch, name)
    got = fn(x)
    assert got.dtype == torch.float64 and got.grad_fn is None
    # PyTorch's own Y0/Y1 are good to ~1e-6 relative; torchlike's to ~1e-13 (next test)
    np.testing.assert_allclose(got.tolist(), ref, rtol=2e-6)
    out = torch.empty(len(ref), dtype=torch.float64)
    assert fn(x, out=out) is out
    np.testing.assert_allclose(out.tolist(), ref, rtol=2e-6)
    if name not in ("airy_ai", "modified_bessel_k1"):
        return  # one float32 program per function is enough to show the promotion
    # integers become float32; no derivative, as in PyTorch
    y = fn(torch.tensor([1, 2]))
    assert y.dtype == torch.float32
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    assert not fn(w).requires_grad
    np.testing.assert_allclose(fn(w).tolist(), y.tolist())


@pytest.mark.torchlike_only
@pytest.mark.parametrize("name", sorted(_SPECIAL_REF))
def test_special_second_kind_and_airy_are_float64_accurate(torch, name):
    fn, x, ref = _special_case(torch, name)
    np.testing.assert_allclose(fn(x).tolist(), ref, rtol=1e-13)


# ---------------------------------------------------------------------------------- DistributedSampler
def test_distributed_sampler_index_order(torch):
    from_module = torch.utils.data.distributed.DistributedSampler
    DistributedSampler = torch.utils.data.DistributedSampler
    assert from_module is DistributedSampler
    s = DistributedSampler(range(10), num_replicas=3, rank=1, seed=5)
    assert (list(s), len(s), s.num_samples, s.total_size) == ([4, 3, 2, 1], 4, 4, 12)
    s.set_epoch(2)
    assert list(s) == [0, 1, 6, 5]
    assert list(DistributedSampler(range(10), num_replicas=3, rank=2, shuffle=False)) == [
        2,
        5,
        8,
        1,
    ]
    assert list(DistributedSampler(range(10), num_replicas=3, rank=2, drop_last=True)) == [7, 9, 6]
    assert list(DistributedSampler(range(2), num_replicas=5, rank=4, shuffle=False)) == [0]
    shares = [list(DistributedSampler(range(7), num_replicas=2, rank=r, seed=3)) for r in (0, 1)]
    assert set(shares[0] + shares[1]) == set(range(7)) and len(shares[0]) == len(shares[1]) == 4
    with pytest.raises(ValueError, match="Invalid rank 2, rank should be in the interval"):
        DistributedSampler(range(10), num_replicas=2, rank=2)
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        DistributedSampler(range(10))


# ---------------------------------------------------------------------------------- fractional
# (input shape, kernel, output size, samples) -> PyTorch's indices, computed with torch 2.13
def _fmp_case(torch, nd, dtype):
    g = np.random.default_rng(nd)
    shape = (2, 3, 7, 9) if nd == 2 else (1, 2, 6, 7, 8)
    x = torch.tensor(g.standard_normal(shape).tolist(), dtype=dtype)
    s = torch.tensor(g.random((shape[0], shape[1], nd)).tolist(), dtype=dtype)
    return x, s


@pytest.mark.parametrize("nd", [2, 3])
def test_fractional_max_pool_windows_follow_the_samples(torch, nd):
    F = torch.nn.functional
    fn = F.fractional_max_pool2d if nd == 2 else F.fractional_max_pool3d
    x, s = _fmp_case(torch, nd, torch.float32)
    k, out = (2, (4, 5)) if nd == 2 else ((2, 3, 2), (3, 3, 4))
    o, i = fn(x, k, output_size=out, return_indices=True, _random_samples=s)
    assert i.dtype == torch.int64 and tuple(o.shape) == x.shape[:2] + out
    # each value is the input at its index, and the maximum of a window of size k there
    flat = x.flatten(2)
    assert o.flatten(2).tolist() == flat.gather(2, i.flatten(2)).tolist()
    if nd == 2:
        expect = [
            [10, 11, 4, 5, 7],
            [18, 20, 32, 32, 26],
            [37, 30, 41, 41, 35],
            [55, 56, 49, 50, 53],
        ]
        assert i[0, 0].tolist() == expect
    else:
        assert i[0, 0, 0].tolist() == [[9, 67, 21, 63], [80, 26, 21, 22], [88, 98, 109, 110]]
    x.requires_grad_(True)
    y = fn(x, k, output_size=out, _random_samples=s)
    assert _name(y) == f"FractionalMaxPool{nd}DBackward0"
    y.sum().backward()
    assert x.grad.sum().item() == y.numel()
    # unbatched input: one sample row
    o1 = fn(x[0].detach(), k, output_size=out, _random_samples=s[:1])
    assert o1.tolist() == o[0].tolist()


def test_fractional_max_pool_draws_from_the_default_generator(torch):
    F = torch.nn.functional
    torch.manual_seed(3)
    x = torch.arange(2 * 3 * 9 * 9, dtype=torch.float32).reshape(2, 3, 9, 9)
    o, i = F.fractional_max_pool2d(x, 2, output_ratio=(0.5, 0.5), return_indices=True)
    # the same torch.rand(N, C, 2) draw as PyTorch, so the same windows and the same stream after
    assert i.flatten()[:12].tolist() == [10, 12, 14, 17, 28, 30, 32, 35, 46, 48, 50, 53]
    assert abs(torch.rand(1).item() - 0.14984089136123657) < 1e-7
    m = torch.nn.FractionalMaxPool3d(2, output_ratio=0.5, return_indices=True)
    o3, i3 = m(torch.randn(1, 2, 6, 6, 6))
    assert tuple(o3.shape) == (1, 2, 3, 3, 3)
    with pytest.raises(ValueError, match="requires specifying either an output_size"):
        F.fractional_max_pool2d(x, 2)
    with pytest.raises(RuntimeError, match=r"pool height 3 too large relative to input height 9"):
        F.fractional_max_pool2d(x, 3, output_size=8)
    with pytest.raises(RuntimeError, match=r"fractional_max_pool3d_out\(\): pool time 3 too large"):
        F.fractional_max_pool3d(torch.randn(1, 1, 4, 4, 4), 3, output_size=2)
    with pytest.raises(ValueError, match="only one of output_size and output_ratio"):
        torch.nn.FractionalMaxPool2d(2, output_size=3, output_ratio=0.5)
    with pytest.raises(ValueError, match=r"output_ratio must be between 0 and 1 \(got 1.5\)"):
        torch.nn.FractionalMaxPool2d(2, output_ratio=1.5)
    assert repr(torch.nn.FractionalMaxPool2d(2, output_size=3)) == "FractionalMaxPool2d()"


# ---------------------------------------------------------------------------------- modules
def test_unpool_lppool3d_nllloss2d_reprs_and_values(torch):
    nn = torch.nn
    assert repr(nn.MaxUnpool1d(2)) == "MaxUnpool1d(kernel_size=(2,), stride=(2,), padding=(0,))"
    assert repr(nn.MaxUnpool2d(2, stride=1, padding=1)) == (
        "MaxUnpool2d(kernel_size=(2, 2), stride=(1, 1), padding=(1, 1))"
    )
    assert repr(nn.MaxUnpool3d((2, 2, 2))) == (
        "MaxUnpool3d(kernel_size=(2, 2, 2), stride=(2, 2, 2), padding=(0, 0, 0))"
    )
    x = torch.randn(1, 2, 6, 6)
    o, i = torch.nn.functional.max_pool2d(x, 2, return_indices=True)
    u = nn.MaxUnpool2d(2)(o, i)
    assert tuple(u.shape) == (1, 2, 6, 6) and u.sum().item() == pytest.approx(o.sum().item())
    o1, i1 = torch.nn.functional.max_pool1d(x[0], 2, return_indices=True)
    assert (
        nn.MaxUnpool1d(2)(o1, i1).tolist() == torch.nn.functional.max_unpool1d(o1, i1, 2).tolist()
    )
    x3 = torch.randn(1, 1, 4, 4, 4)
    o3, i3 = torch.nn.functional.max_pool3d(x3, 2, return_indices=True)
    assert nn.MaxUnpool3d(2)(o3, i3, output_size=[4, 4, 4]).shape == (1, 1, 4, 4, 4)
    lp = nn.LPPool3d(2, 2)
    assert repr(lp) == "LPPool3d(norm_type=2, kernel_size=2, stride=None, ceil_mode=False)"
    _close(lp(torch.ones(1, 1, 4, 4, 4)), torch.full((1, 1, 2, 2, 2), 8**0.5))
    with pytest.warns(FutureWarning, match="`NLLLoss2d` has been deprecated"):
        loss = nn.NLLLoss2d(ignore_index=1)
    inp = torch.randn(2, 3, 4, 4).log_softmax(1)
    tgt = torch.randint(0, 3, (2, 4, 4))
    _close(loss(inp, tgt), torch.nn.functional.nll_loss(inp, tgt, ignore_index=1))


def test_cross_map_lrn2d_matches_pytorch(torch):
    g = np.random.default_rng(0)
    x = torch.tensor(
        g.standard_normal((2, 7, 3, 3)).tolist(), dtype=torch.float64, requires_grad=True
    )
    m = torch.nn.CrossMapLRN2d(3, alpha=0.5, beta=0.75, k=1.5)
    assert repr(m) == "CrossMapLRN2d(3, alpha=0.5, beta=0.75, k=1.5)"
    y = m(x)
    assert _name(y) == "CrossMapLRN2dBackward"
    y.backward(torch.tensor(g.standard_normal((2, 7, 3, 3)).tolist(), dtype=torch.float64))
    # values measured with torch 2.13 (its legacy forward never drops channel 0 from the window)
    assert y.sum().item() == pytest.approx(5.4692889737058685, rel=1e-12)
    assert (y * y).sum().item() == pytest.approx(36.40088629442846, rel=1e-12)
    assert x.grad.sum().item() == pytest.approx(-6.352503552342608, rel=1e-12)
    assert (x.grad * x.grad).sum().item() == pytest.approx(43.55843303256756, rel=1e-12)
    with pytest.raises(ValueError, match="CrossMapLRN2d: Expected input to be 4D, got 3D"):
        m(torch.randn(2, 3, 3))


def test_sync_batchnorm_is_batchnorm_in_one_process(torch):
    nn = torch.nn
    bn = nn.BatchNorm2d(3)
    bn.running_mean.fill_(0.5)
    seq = nn.Sequential(nn.Conv2d(3, 3, 1), nn.Sequential(bn))
    s = nn.SyncBatchNorm.convert_sync_batchnorm(seq)
    sync = s[1][0]
    assert type(sync).__name__ == "SyncBatchNorm" and sync.weight is bn.weight
    assert sync.running_mean is bn.running_mean
    assert repr(sync) == (
        "SyncBatchNorm(3, eps=1e-05, momentum=0.1, affine=True, bias=True, "
        "track_running_stats=True)"
    )
    ref = nn.BatchNorm2d(3)
    ref.running_mean.fill_(0.5)
    x = torch.randn(2, 3, 4, 4)
    _close(sync(x), ref(x))
    _close(sync.running_mean, ref.running_mean)
    assert sync.num_batches_tracked.item() == 1
    with pytest.raises(ValueError, match=r"expected at least 2D input \(got 1D input\)"):
        nn.SyncBatchNorm(3)(torch.randn(3))


def test_adaptive_log_softmax_with_loss(torch):
    torch.manual_seed(0)
    m = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 8], div_value=2.0, head_bias=True)
    assert [tuple(p.shape) for p in m.parameters()] == [
        (6, 8),
        (6,),
        (4, 8),
        (4, 4),
        (2, 8),
        (2, 2),
    ]
    x = torch.randn(6, 8, requires_grad=True)
    t = torch.tensor([0, 3, 5, 9, 4, 8])
    out, loss = m(x, t)
    assert _name(out) == "AddBackward0" and _name(loss) == "MeanBackward0"
    full = m.log_prob(x)
    _close(full.logsumexp(1), torch.zeros(6), 1e-5)
    _close(out, full.gather(1, t.unsqueeze(1)).squeeze(1), 1e-5)
    _close(loss, -out.mean())
    assert m.predict(x).tolist() == full.argmax(1).tolist()
    loss.backward()
    assert x.grad is not None and m.tail[1][1].weight.grad is not None
    single = m(x[1], t[1])
    assert single.output.dim() == 0
    _close(single.output, out[1], 1e-5)
    with pytest.raises(RuntimeError, match=r"Target values should be in \[0, 9\]"):
        m(x, torch.tensor([0, 3, 5, 9, 4, 10]))
    with pytest.raises(ValueError, match="cutoffs should be a sequence of unique, positive"):
        torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [4, 4])


# ---------------------------------------------------------------------------------- gradcheck
def test_new_table_entries_pass_gradcheck_and_gradgradcheck(torch):
    g = np.random.default_rng(5)
    gc, ggc = torch.autograd.gradcheck, torch.autograd.gradgradcheck
    x2 = torch.tensor(
        g.standard_normal((1, 1, 4, 5)).tolist(), dtype=torch.float64, requires_grad=True
    )
    s2 = torch.tensor([[[0.3, 0.7]]], dtype=torch.float64)

    def fmp2(x):
        return torch.nn.functional.fractional_max_pool2d(
            x, 2, output_size=(2, 3), _random_samples=s2
        )

    assert gc(fmp2, (x2,)) and ggc(fmp2, (x2,))
    x3 = torch.tensor(
        g.standard_normal((1, 1, 3, 3, 4)).tolist(), dtype=torch.float64, requires_grad=True
    )
    s3 = torch.tensor([[[0.2, 0.5, 0.9]]], dtype=torch.float64)

    def fmp3(x):
        return torch.nn.functional.fractional_max_pool3d(
            x, 2, output_size=(1, 1, 2), _random_samples=s3
        )

    assert gc(fmp3, (x3,)) and ggc(fmp3, (x3,))
    d = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)

    def nd(x):
        torch.manual_seed(0)  # the same mask on every evaluation
        return torch.native_dropout(x, 0.3, True)[0]

    assert gc(nd, (d,)) and ggc(nd, (d,))


# ---------------------------------------------------------------------------------- histogramdd
def test_histogramdd(torch):
    x = torch.tensor([[0.0, 1.0], [1.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.5, 0.5]])
    r = torch.histogramdd(x, bins=[3, 3], weight=torch.tensor([1.0, 2.0, 4.0, 8.0, 1.0]))
    assert type(r).__name__ == "histogramdd" and repr(r).startswith(
        "torch.return_types.histogramdd("
    )
    hist, edges = r
    assert hist.tolist() == [[1.0, 1.0, 0.0], [2.0, 0.0, 0.0], [4.0, 0.0, 8.0]]
    assert isinstance(r.bin_edges, tuple) and len(edges) == 2
    _close(edges[0], torch.tensor([0.0, 2 / 3, 4 / 3, 2.0]))
    d = torch.histogramdd(x, bins=2, range=[0.0, 1.0, 0.0, 1.0], density=True)
    _close(d.hist, torch.tensor([[0.0, 4 / 3], [4 / 3, 4 / 3]]))
    t = torch.histogramdd(x, bins=[torch.tensor([0.0, 1, 2]), torch.tensor([0.0, 2])])
    assert t.hist.tolist() == [[2.0], [3.0]]
    assert tuple(torch.histogramdd(torch.randn(4, 2, 3), bins=2).hist.shape) == (2, 2, 2)
    assert torch.histogramdd(x.double(), bins=3).hist.dtype == torch.float64
    with pytest.raises(RuntimeError, match="The size of bins must be equal to the innermost"):
        torch.histogramdd(x, bins=[2])
    with pytest.raises(RuntimeError, match="range should have 4 elements, but got 2"):
        torch.histogramdd(x, bins=2, range=[0.0, 1.0])
    with pytest.raises(NotImplementedError, match="\"histogramdd\" not implemented for 'Long'"):
        torch.histogramdd(x.long(), bins=2)
    with pytest.raises(RuntimeError, match=r"got input with shape \[5, 2\] and weight with shape"):
        torch.histogramdd(x, bins=2, weight=torch.ones(4))


# ---------------------------------------------------------------------------------- anomaly mode
def test_detect_anomaly_names_the_node_that_made_nan(torch):
    x = torch.tensor([-1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        ctx = torch.autograd.detect_anomaly()
    with ctx:
        assert torch.is_anomaly_enabled() and torch.is_anomaly_check_nan_enabled()
        y = x.sqrt().sum() * 2
        with pytest.raises(
            RuntimeError,
            match=r"^Function 'SqrtBackward0' returned nan values "
            r"in its 0th output\.$",
        ):
            y.backward()
        ok = torch.tensor([1.0, 4.0], requires_grad=True)
        assert torch.autograd.grad(ok.sqrt().sum(), [ok])[0].tolist() == [0.5, 0.25]
        with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan"):
            torch.autograd.grad((x.sqrt() * 3).sum(), [x], create_graph=True)
    assert not torch.is_anomaly_enabled()
    torch.autograd.set_detect_anomaly(True)
    assert torch.is_anomaly_enabled()
    torch.autograd.set_detect_anomaly(False)
    assert not torch.is_anomaly_enabled()
    with torch.autograd.set_detect_anomaly(True, check_nan=False):
        assert torch.is_anomaly_enabled() and not torch.is_anomaly_check_nan_enabled()
        x.sqrt().sum().backward()  # no nan check: the nan gradient goes through
        assert math.isnan(x.grad[0].item())
    assert not torch.is_anomaly_enabled() and torch.is_anomaly_check_nan_enabled()
    torch.set_anomaly_enabled(True)
    assert torch.is_anomaly_enabled()
    torch.set_anomaly_enabled(False)
    a = torch.tensor([0.0], requires_grad=True)
    with torch.autograd.set_detect_anomaly(True):
        # the nan comes from the second input's rule: PowBackward1's 1st output
        with pytest.raises(RuntimeError, match="returned nan values in its 1th output"):
            (torch.tensor([-1.0], requires_grad=True) ** a.exp()).sum().backward()
