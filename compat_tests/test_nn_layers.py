"""Layers: print(model) strings, forward values and gradients against NumPy references, running
statistics, recurrent layers and attention, node names and PyTorch's errors."""

import math
import warnings

import numpy as np
import pytest
from _helpers import assert_close, node_name, values

# ---------------------------------------------------------------------------------- printing
REPRS = [
    ("nn.Identity()", "Identity()"),
    ("nn.Linear(3, 4, bias=False)", "Linear(in_features=3, out_features=4, bias=False)"),
    ("nn.Bilinear(2, 3, 4)", "Bilinear(in1_features=2, in2_features=3, out_features=4, bias=True)"),
    ("nn.Flatten()", "Flatten(start_dim=1, end_dim=-1)"),
    ("nn.Unflatten(1, (2, 5))", "Unflatten(dim=1, unflattened_size=(2, 5))"),
    ("nn.Conv1d(2, 3, 3)", "Conv1d(2, 3, kernel_size=(3,), stride=(1,))"),
    (
        "nn.Conv2d(2, 4, (3, 5), stride=2, padding=1, dilation=2, groups=2, bias=False, "
        "padding_mode='reflect')",
        "Conv2d(2, 4, kernel_size=(3, 5), stride=(2, 2), padding=(1, 1), dilation=(2, 2), "
        "groups=2, bias=False, padding_mode=reflect)",
    ),
    (
        "nn.Conv2d(2, 4, 3, padding='same')",
        "Conv2d(2, 4, kernel_size=(3, 3), stride=(1, 1), padding=same)",
    ),
    (
        "nn.ConvTranspose2d(4, 2, 3, stride=2, output_padding=1)",
        "ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1))",
    ),
    (
        "nn.MaxPool2d(2)",
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)",
    ),
    (
        "nn.MaxPool1d(3, 1, 1, ceil_mode=True)",
        "MaxPool1d(kernel_size=3, stride=1, padding=1, dilation=1, ceil_mode=True)",
    ),
    ("nn.AvgPool1d(3)", "AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))"),
    ("nn.AvgPool2d(3, 2, 1)", "AvgPool2d(kernel_size=3, stride=2, padding=1)"),
    ("nn.AdaptiveAvgPool2d((1, 1))", "AdaptiveAvgPool2d(output_size=(1, 1))"),
    ("nn.AdaptiveMaxPool1d(2)", "AdaptiveMaxPool1d(output_size=2)"),
    (
        "nn.BatchNorm1d(4)",
        "BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)",
    ),
    (
        "nn.BatchNorm2d(3, momentum=None, affine=False)",
        "BatchNorm2d(3, eps=1e-05, momentum=None, affine=False, bias=False, "
        "track_running_stats=True)",
    ),
    (
        "nn.LayerNorm([2, 3], elementwise_affine=False)",
        "LayerNorm((2, 3), eps=1e-05, elementwise_affine=False, bias=False)",
    ),
    ("nn.GroupNorm(2, 4)", "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)"),
    (
        "nn.InstanceNorm2d(3)",
        "InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, "
        "bias=False, track_running_stats=False)",
    ),
    ("nn.Dropout(0.2, inplace=True)", "Dropout(p=0.2, inplace=True)"),
    ("nn.Dropout2d()", "Dropout2d(p=0.5, inplace=False)"),
    ("nn.Embedding(10, 3)", "Embedding(10, 3)"),
    (
        "nn.Embedding(10, 3, padding_idx=0, max_norm=1.0)",
        "Embedding(10, 3, padding_idx=0, max_norm=1.0)",
    ),
    ("nn.ReLU(inplace=True)", "ReLU(inplace=True)"),
    ("nn.LeakyReLU(0.2, True)", "LeakyReLU(negative_slope=0.2, inplace=True)"),
    ("nn.ELU()", "ELU(alpha=1.0)"),
    ("nn.GELU('tanh')", "GELU(approximate='tanh')"),
    ("nn.SiLU()", "SiLU()"),
    ("nn.Mish()", "Mish()"),
    ("nn.Tanh()", "Tanh()"),
    ("nn.Sigmoid()", "Sigmoid()"),
    ("nn.Softplus()", "Softplus(beta=1.0, threshold=20.0)"),
    ("nn.Hardtanh(-2, 2)", "Hardtanh(min_val=-2, max_val=2)"),
    ("nn.ReLU6()", "ReLU6()"),
    ("nn.Softmax(dim=1)", "Softmax(dim=1)"),
    ("nn.LogSoftmax(1)", "LogSoftmax(dim=1)"),
    ("nn.PReLU(3)", "PReLU(num_parameters=3)"),
    ("nn.Threshold(0.1, 20)", "Threshold(threshold=0.1, value=20)"),
    ("nn.CrossEntropyLoss()", "CrossEntropyLoss()"),
    ("nn.MSELoss(reduction='sum')", "MSELoss()"),
    ("nn.ZeroPad2d(2)", "ZeroPad2d((2, 2, 2, 2))"),
    ("nn.ConstantPad1d(2, 3.5)", "ConstantPad1d(padding=(2, 2), value=3.5)"),
    ("nn.ReflectionPad2d(1)", "ReflectionPad2d((1, 1, 1, 1))"),
    ("nn.Upsample(scale_factor=2)", "Upsample(scale_factor=2.0, mode='nearest')"),
    ("nn.Upsample(size=(4, 4), mode='bilinear')", "Upsample(size=(4, 4), mode='bilinear')"),
    ("nn.RNN(3, 4)", "RNN(3, 4)"),
    (
        "nn.RNN(3, 4, 2, nonlinearity='relu', bias=False, batch_first=True, dropout=0.5, "
        "bidirectional=True)",
        "RNN(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)",
    ),
    ("nn.LSTM(3, 4, proj_size=2)", "LSTM(3, 4, proj_size=2)"),
    ("nn.GRU(3, 4, num_layers=2)", "GRU(3, 4, num_layers=2)"),
    ("nn.GRUCell(3, 4, bias=False)", "GRUCell(3, 4, bias=False)"),
    (
        "nn.MultiheadAttention(8, 2)",
        "MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, "
        "out_features=8, bias=True)\n)",
    ),
    (
        "nn.TransformerEncoderLayer(8, 2, 16)",
        "TransformerEncoderLayer(\n"
        "  (self_attn): MultiheadAttention(\n"
        "    (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, "
        "bias=True)\n"
        "  )\n"
        "  (linear1): Linear(in_features=8, out_features=16, bias=True)\n"
        "  (dropout): Dropout(p=0.1, inplace=False)\n"
        "  (linear2): Linear(in_features=16, out_features=8, bias=True)\n"
        "  (norm1): LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)\n"
        "  (norm2): LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True)\n"
        "  (dropout1): Dropout(p=0.1, inplace=False)\n"
        "  (dropout2): Dropout(p=0.1, inplace=False)\n"
        ")",
    ),
]


@pytest.mark.parametrize("ctor,expected", REPRS, ids=[r[0].split("(")[0] for r in REPRS])
def test_layer_repr(torch, ctor, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = eval(ctor, {"nn": torch.nn})
    assert repr(m) == expected


def test_cnn_repr(torch):
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(20 * 12 * 12, 10)
    )
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Conv2d(1, 20, kernel_size=(5, 5), stride=(1, 1))\n"
        "  (1): ReLU()\n"
        "  (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n"
        "  (3): Flatten(start_dim=1, end_dim=-1)\n"
        "  (4): Linear(in_features=2880, out_features=10, bias=True)\n"
        ")"
    )
    assert tuple(model(torch.zeros(2, 1, 28, 28)).shape) == (2, 10)


# ---------------------------------------------------------------------------------- references
def _np_conv(x, w, b=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1):
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0], padding[0]), (padding[1], padding[1])))
    oh = (h + 2 * padding[0] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + 2 * padding[1] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, o, oh, ow))
    og = o // groups
    for oc in range(o):
        g = oc // og
        for i in range(oh):
            for j in range(ow):
                patch = xp[
                    :,
                    g * cg : (g + 1) * cg,
                    i * stride[0] : i * stride[0] + dilation[0] * (kh - 1) + 1 : dilation[0],
                    j * stride[1] : j * stride[1] + dilation[1] * (kw - 1) + 1 : dilation[1],
                ]
                out[:, oc, i, j] = (patch * w[oc]).sum(axis=(1, 2, 3))
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def _np_conv_transpose(x, w, stride, padding, output_padding):
    n, c, h, wd = x.shape
    _, o, kh, kw = w.shape
    full = np.zeros((n, o, (h - 1) * stride + kh, (wd - 1) * stride + kw))
    for i in range(h):
        for j in range(wd):
            full[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw] += np.einsum(
                "nc,cokl->nokl", x[:, :, i, j], w
            )
    oh = (h - 1) * stride - 2 * padding + kh + output_padding
    ow = (wd - 1) * stride - 2 * padding + kw + output_padding
    full = np.pad(full, ((0, 0), (0, 0), (0, output_padding), (0, output_padding)))
    return full[:, :, padding : padding + oh, padding : padding + ow]


RNG = np.random.default_rng(0)
IMG = RNG.normal(size=(2, 3, 6, 7))


def _load(torch, module, **tensors):
    with torch.no_grad():
        for name, value in tensors.items():
            getattr(module, name).copy_(torch.tensor(value, dtype=torch.float32))
    return module


# ---------------------------------------------------------------------------------- convolution
@pytest.mark.parametrize(
    "kw",
    [{}, {"stride": 2, "padding": 1}, {"dilation": 2}, {"groups": 3}, {"padding": "same"}],
    ids=["plain", "stride-pad", "dilation", "groups", "same"],
)
def test_conv2d(torch, kw):
    groups = kw.get("groups", 1)
    w = RNG.normal(size=(6, 3 // groups, 3, 3))
    b = RNG.normal(size=6)
    conv = _load(torch, torch.nn.Conv2d(3, 6, 3, **kw), weight=w, bias=b)
    x = torch.tensor(IMG, dtype=torch.float32, requires_grad=True)
    y = conv(x)
    assert node_name(y) == "ConvolutionBackward0"
    pad = 1 if kw.get("padding") in (1, "same") else 0
    ref = _np_conv(
        IMG,
        w,
        b,
        stride=(kw.get("stride", 1),) * 2,
        padding=(pad, pad),
        dilation=(kw.get("dilation", 1),) * 2,
        groups=groups,
    )
    assert_close(y, ref, rtol=1e-4, atol=1e-4)
    y.sum().backward()
    # d(sum)/d(bias) counts output positions; d(sum)/d(x) is checked through a linear identity
    assert_close(conv.bias.grad, np.full(6, ref.shape[2] * ref.shape[3] * 2.0))
    assert tuple(x.grad.shape) == IMG.shape
    probe = RNG.normal(size=IMG.shape)
    lhs = (values(x.grad) * probe).sum()
    rhs = (
        _np_conv(
            probe,
            w,
            None,
            stride=(kw.get("stride", 1),) * 2,
            padding=(pad, pad),
            dilation=(kw.get("dilation", 1),) * 2,
            groups=groups,
        )
    ).sum()
    assert abs(lhs - rhs) < 1e-3 * max(1.0, abs(rhs))


def test_conv1d_and_padding_mode(torch):
    sig = RNG.normal(size=(2, 2, 9))
    w = RNG.normal(size=(3, 2, 4))
    conv = _load(torch, torch.nn.Conv1d(2, 3, 4, padding=2, bias=False), weight=w)
    ref = _np_conv(sig[:, :, None, :], w[:, :, None, :], padding=(0, 2))[:, :, 0]
    assert_close(conv(torch.tensor(sig, dtype=torch.float32)), ref, rtol=1e-4, atol=1e-4)
    conv = _load(
        torch,
        torch.nn.Conv2d(3, 2, 3, padding=1, padding_mode="reflect", bias=False),
        weight=RNG.normal(size=(2, 3, 3, 3)),
    )
    padded = np.pad(IMG, ((0, 0), (0, 0), (1, 1), (1, 1)), mode="reflect")
    assert_close(
        conv(torch.tensor(IMG, dtype=torch.float32)),
        _np_conv(padded, values(conv.weight)),
        rtol=1e-4,
        atol=1e-4,
    )


def test_conv_transpose2d(torch):
    w = RNG.normal(size=(3, 2, 3, 3))
    conv = _load(
        torch,
        torch.nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1, bias=False),
        weight=w,
    )
    y = conv(torch.tensor(IMG, dtype=torch.float32))
    assert (
        node_name(conv(torch.tensor(IMG, dtype=torch.float32, requires_grad=True)))
        == "ConvolutionBackward0"
    )
    assert tuple(y.shape) == (2, 2, 12, 14)
    assert_close(y, _np_conv_transpose(IMG, w, 2, 1, 1), rtol=1e-4, atol=1e-4)
    out = conv(torch.tensor(IMG, dtype=torch.float32), output_size=[11, 13])
    assert tuple(out.shape) == (2, 2, 11, 13)


def test_conv_errors(torch):
    with pytest.raises(RuntimeError) as e:
        torch.nn.Conv2d(4, 2, 3)(torch.ones(1, 2, 5, 5))
    assert str(e.value) == (
        "Given groups=1, weight of size [2, 4, 3, 3], expected "
        "input[1, 2, 5, 5] to have 4 channels, but got 2 channels instead"
    )
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        torch.nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(
        ValueError, match="padding='same' is not supported for strided convolutions"
    ):
        torch.nn.Conv2d(3, 4, 3, stride=2, padding="same")
    with pytest.raises(RuntimeError, match="Kernel size can't be greater than actual input size"):
        torch.nn.Conv2d(1, 1, 7)(torch.ones(1, 1, 5, 5))


def test_conv_unbatched(torch):
    conv = torch.nn.Conv2d(3, 2, 3)
    out = conv(torch.tensor(IMG[0], dtype=torch.float32))
    assert tuple(out.shape) == (2, 4, 5)
    assert_close(out, values(conv(torch.tensor(IMG[:1], dtype=torch.float32)))[0])


# ---------------------------------------------------------------------------------- pooling
def _np_pool(x, k, s, p, reduce, fill):
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=fill)
    oh = (x.shape[2] + 2 * p - k) // s + 1
    ow = (x.shape[3] + 2 * p - k) // s + 1
    out = np.zeros(x.shape[:2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = reduce(xp[:, :, i * s : i * s + k, j * s : j * s + k], axis=(2, 3))
    return out


def test_max_pool2d(torch):
    x = torch.tensor(IMG, requires_grad=True)
    y = torch.nn.MaxPool2d(2)(x)
    assert node_name(y) == "MaxPool2DWithIndicesBackward0"
    assert_close(y, _np_pool(IMG, 2, 2, 0, np.max, -np.inf))
    y.sum().backward()
    g = values(x.grad)
    assert g.sum() == y.numel() and set(np.unique(g)) <= {0.0, 1.0}
    assert_close(
        torch.nn.functional.max_pool2d(torch.tensor(IMG), 3, 2, 1),
        _np_pool(IMG, 3, 2, 1, np.max, -np.inf),
    )


def test_max_pool_indices_and_ties(torch):
    x = torch.tensor([[[[1.0, 3.0, 3.0, 0.0], [2.0, 0.0, 1.0, 3.0]]]], requires_grad=True)
    out, idx = torch.nn.functional.max_pool2d(x, 2, return_indices=True)
    assert_close(out, [[[[3.0, 3.0]]]])
    assert_close(idx, [[[[1, 2]]]])
    out.sum().backward()
    # ties send the gradient to the first maximum, as PyTorch's kernel does
    assert_close(x.grad, [[[[0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]])


def test_max_pool_ceil_mode_and_1d(torch):
    x = torch.arange(10.0).reshape(1, 1, 10)
    assert_close(torch.nn.MaxPool1d(3, 3)(x), [[[2.0, 5.0, 8.0]]])
    assert_close(torch.nn.MaxPool1d(3, 3, ceil_mode=True)(x), [[[2.0, 5.0, 8.0, 9.0]]])
    assert node_name(torch.nn.MaxPool1d(2)(x.requires_grad_())) == "SqueezeBackward1"
    with pytest.raises(RuntimeError) as e:
        torch.nn.functional.max_pool2d(torch.ones(1, 1, 4, 4), 2, padding=2)
    assert str(e.value) == (
        "pad should be at most half of effective kernel size, but got "
        "pad=2, kernel_size=2 and dilation=1"
    )


def test_avg_pool(torch):
    x = torch.tensor(IMG, requires_grad=True)
    y = torch.nn.AvgPool2d(2)(x)
    assert node_name(y) == "AvgPool2DBackward0"
    assert_close(y, _np_pool(IMG, 2, 2, 0, np.mean, 0.0))
    y.sum().backward()
    assert_close(x.grad[:, :, :6, :6], np.full((2, 3, 6, 6), 0.25))
    assert_close(x.grad[:, :, :, 6], np.zeros((2, 3, 6)))
    pad_in = torch.nn.functional.avg_pool2d(torch.tensor(IMG), 3, 2, 1)
    assert_close(pad_in, _np_pool(IMG, 3, 2, 1, np.sum, 0.0) / 9)
    ones = torch.ones(1, 1, 3, 3)
    assert_close(
        torch.nn.functional.avg_pool2d(ones, 2, 1, 1, count_include_pad=False),
        np.ones((1, 1, 4, 4)),
    )
    assert_close(
        torch.nn.functional.avg_pool2d(ones, 2, 1, 1),
        [[[[0.25, 0.5, 0.5, 0.25], [0.5, 1, 1, 0.5], [0.5, 1, 1, 0.5], [0.25, 0.5, 0.5, 0.25]]]],
    )


def test_adaptive_pools(torch):
    x = torch.tensor(IMG, requires_grad=True)
    y = torch.nn.AdaptiveAvgPool2d((1, 1))(x)
    assert node_name(y) == "MeanBackward1"
    assert_close(y, IMG.mean(axis=(2, 3), keepdims=True))
    y2 = torch.nn.AdaptiveAvgPool2d((4, 3))(x)
    assert node_name(y2) == "AdaptiveAvgPool2DBackward0"
    rows = [(i * 6 // 4, -(-(i + 1) * 6 // 4)) for i in range(4)]
    cols = [(j * 7 // 3, -(-(j + 1) * 7 // 3)) for j in range(3)]
    ref = np.array(
        [[IMG[:, :, r0:r1, c0:c1].mean(axis=(2, 3)) for c0, c1 in cols] for r0, r1 in rows]
    ).transpose(2, 3, 0, 1)
    assert_close(y2, ref)
    mx = torch.nn.AdaptiveMaxPool2d((4, 3))(torch.tensor(IMG))
    ref = np.array(
        [[IMG[:, :, r0:r1, c0:c1].max(axis=(2, 3)) for c0, c1 in cols] for r0, r1 in rows]
    ).transpose(2, 3, 0, 1)
    assert_close(mx, ref)


# ---------------------------------------------------------------------------------- normalization
def test_batch_norm_training_and_eval(torch):
    bn = torch.nn.BatchNorm2d(3)
    _load(torch, bn, weight=[1.0, 2.0, 0.5], bias=[0.0, 1.0, -1.0])
    x = torch.tensor(IMG, dtype=torch.float32, requires_grad=True)
    y = bn(x)
    assert node_name(y) == "NativeBatchNormBackward0"
    mean = IMG.mean(axis=(0, 2, 3))
    var = IMG.var(axis=(0, 2, 3))
    norm = (IMG - mean.reshape(1, 3, 1, 1)) / np.sqrt(var.reshape(1, 3, 1, 1) + 1e-5)
    assert_close(
        y,
        norm * np.array([1.0, 2.0, 0.5]).reshape(1, 3, 1, 1)
        + np.array([0.0, 1.0, -1.0]).reshape(1, 3, 1, 1),
        rtol=1e-4,
        atol=1e-4,
    )
    n = IMG.size / 3
    assert_close(bn.running_mean, 0.1 * mean, rtol=1e-4, atol=1e-6)
    assert_close(bn.running_var, 0.9 + 0.1 * var * n / (n - 1), rtol=1e-4, atol=1e-6)
    assert int(bn.num_batches_tracked) == 1
    (y * torch.tensor(IMG[::-1].copy(), dtype=torch.float32)).sum().backward()
    assert_close(bn.bias.grad, IMG[::-1].sum(axis=(0, 2, 3)), rtol=1e-4, atol=1e-4)
    bn.eval()
    out = bn(torch.tensor(IMG, dtype=torch.float32))
    rm, rv = values(bn.running_mean), values(bn.running_var)
    ref = (IMG - rm.reshape(1, 3, 1, 1)) / np.sqrt(rv.reshape(1, 3, 1, 1) + 1e-5)
    assert_close(
        out,
        ref * np.array([1.0, 2.0, 0.5]).reshape(1, 3, 1, 1)
        + np.array([0.0, 1.0, -1.0]).reshape(1, 3, 1, 1),
        rtol=1e-4,
        atol=1e-4,
    )
    assert int(bn.num_batches_tracked) == 1


def test_batch_norm_cumulative_and_untracked(torch):
    bn = torch.nn.BatchNorm1d(2, momentum=None)
    a = np.array([[1.0, 2.0], [3.0, 6.0]])
    b = np.array([[-1.0, 0.0], [5.0, 2.0]])
    bn(torch.tensor(a, dtype=torch.float32))
    bn(torch.tensor(b, dtype=torch.float32))
    assert_close(bn.running_mean, (a.mean(0) + b.mean(0)) / 2)
    assert int(bn.num_batches_tracked) == 2
    free = torch.nn.BatchNorm1d(2, track_running_stats=False)
    assert free.running_mean is None
    free.eval()
    out = free(torch.tensor(a, dtype=torch.float32))
    assert_close(out, (a - a.mean(0)) / np.sqrt(a.var(0) + 1e-5), rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError) as e:
        torch.nn.BatchNorm1d(2)(torch.ones(1, 2))
    assert str(e.value) == (
        "Expected more than 1 value per channel when training, got input size torch.Size([1, 2])"
    )
    with pytest.raises(ValueError, match=r"expected 4D input \(got 2D input\)"):
        torch.nn.BatchNorm2d(2)(torch.ones(3, 2))


def test_layer_norm_and_group_norm(torch):
    x = torch.tensor(IMG, requires_grad=True)
    ln = torch.nn.LayerNorm([6, 7]).double()
    y = ln(x)
    assert node_name(y) == "NativeLayerNormBackward0"
    m = IMG.mean(axis=(2, 3), keepdims=True)
    v = IMG.var(axis=(2, 3), keepdims=True)
    assert_close(y, (IMG - m) / np.sqrt(v + 1e-5))
    y.pow(2).sum().backward()
    assert_close(ln.bias.grad, 2 * values(y).sum(axis=(0, 1)))
    gn = torch.nn.GroupNorm(1, 3).double()
    g = gn(torch.tensor(IMG))
    m = IMG.mean(axis=(1, 2, 3), keepdims=True)
    v = IMG.var(axis=(1, 2, 3), keepdims=True)
    assert_close(g, (IMG - m) / np.sqrt(v + 1e-5))
    assert node_name(gn(x)) == "NativeGroupNormBackward0"
    with pytest.raises(RuntimeError) as e:
        torch.nn.LayerNorm(4)(torch.ones(2, 3))
    assert str(e.value) == (
        "Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[2, 3]"
    )
    with pytest.raises(
        ValueError,
        match=r"num_channels \(3\) must be divisible by num_groups "
        r"\(2\)",
    ):
        torch.nn.GroupNorm(2, 3)


def test_instance_norm(torch):
    out = torch.nn.InstanceNorm2d(3)(torch.tensor(IMG))
    m = IMG.mean(axis=(2, 3), keepdims=True)
    v = IMG.var(axis=(2, 3), keepdims=True)
    assert_close(out, (IMG - m) / np.sqrt(v + 1e-5))


# ---------------------------------------------------------------------------------- dropout
def test_dropout_module(torch):
    drop = torch.nn.Dropout(0.4)
    x = torch.ones(200, 50)
    y = values(drop(x))
    kept = y != 0
    assert_close(y[kept], np.full(kept.sum(), 1 / 0.6))
    assert 0.5 < kept.mean() < 0.7
    drop.eval()
    assert drop(x) is x


def test_dropout_matches_pytorch_stream(torch):
    torch.manual_seed(0)
    x = torch.ones(3, 5, requires_grad=True)
    y = torch.nn.Dropout(0.4)(x)
    mask = [[0.0, 0.0, 1.0, 0.0, 0.0], [0.0, 1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 0.0, 1.0]]
    assert_close(y, np.array(mask) / 0.6)
    y.sum().backward()
    assert_close(x.grad, np.array(mask) / 0.6)


# ---------------------------------------------------------------------------------- embedding
def test_embedding(torch):
    table = np.arange(12.0).reshape(4, 3)
    emb = _load(torch, torch.nn.Embedding(4, 3, padding_idx=1), weight=table)
    idx = torch.tensor([[0, 1, 3], [3, 3, 2]])
    y = emb(idx)
    assert node_name(y) == "EmbeddingBackward0"
    assert_close(y, table[values(idx)])
    y.sum().backward()
    assert_close(emb.weight.grad, [[1, 1, 1], [0, 0, 0], [1, 1, 1], [3, 3, 3]])
    with pytest.raises(IndexError, match="index out of range in self"):
        emb(torch.tensor([4]))
    with pytest.raises(
        RuntimeError,
        match="Expected tensor for argument #1 'indices' to have "
        "one of the following scalar types: Long, Int; but "
        "got torch.FloatTensor instead",
    ):
        emb(torch.tensor([1.0]))
    pre = torch.nn.Embedding.from_pretrained(torch.tensor(table, dtype=torch.float32))
    assert not pre.weight.requires_grad
    assert_close(pre(torch.tensor([2])), table[[2]])


def test_embedding_bag(torch):
    table = np.arange(12.0).reshape(4, 3)
    bag = _load(torch, torch.nn.EmbeddingBag(4, 3, mode="sum"), weight=table)
    out = bag(torch.tensor([0, 2, 3, 1]), torch.tensor([0, 3]))
    assert_close(out, [table[[0, 2, 3]].sum(0), table[1]])
    bag.mode = "mean"
    assert_close(bag(torch.tensor([[0, 2], [1, 1]])), [table[[0, 2]].mean(0), table[1]])


# ---------------------------------------------------------------------------------- recurrent
def _np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _np_rnn(mode, x, h0, c0, layers):
    """Reference for one direction: ``layers`` = list of (w_ih, w_hh, b_ih, b_hh)."""
    hs, cs = [], []
    inp = x
    for li, (w_ih, w_hh, b_ih, b_hh) in enumerate(layers):
        h, c = h0[li], (c0[li] if c0 is not None else None)
        outs = []
        for t in range(inp.shape[0]):
            gi = inp[t] @ w_ih.T + b_ih
            gh = h @ w_hh.T + b_hh
            if mode == "RNN":
                h = np.tanh(gi + gh)
            elif mode == "LSTM":
                i, f, g, o = np.split(gi + gh, 4, axis=-1)
                c = _np_sigmoid(f) * c + _np_sigmoid(i) * np.tanh(g)
                h = _np_sigmoid(o) * np.tanh(c)
            else:
                ir, iz, inn = np.split(gi, 3, axis=-1)
                hr, hz, hn = np.split(gh, 3, axis=-1)
                r, z = _np_sigmoid(ir + hr), _np_sigmoid(iz + hz)
                n = np.tanh(inn + r * hn)
                h = (1 - z) * n + z * h
            outs.append(h)
        inp = np.stack(outs)
        hs.append(h)
        cs.append(c)
    return inp, np.stack(hs), (np.stack(cs) if c0 is not None else None)


@pytest.mark.parametrize("mode", ["RNN", "LSTM", "GRU"])
def test_recurrent_layers(torch, mode):
    torch.manual_seed(0)
    m = getattr(torch.nn, mode)(3, 4, num_layers=2).double()
    x = RNG.normal(size=(5, 2, 3))
    h0 = RNG.normal(size=(2, 2, 4))
    c0 = RNG.normal(size=(2, 2, 4))
    xt = torch.tensor(x, requires_grad=True)
    if mode == "LSTM":
        out, (hn, cn) = m(xt, (torch.tensor(h0), torch.tensor(c0)))
    else:
        out, hn = m(xt, torch.tensor(h0))
    layers = [
        tuple(
            values(getattr(m, f"{n}_l{k}"))
            for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        )
        for k in range(2)
    ]
    ref_out, ref_h, ref_c = _np_rnn(mode, x, h0, c0 if mode == "LSTM" else None, layers)
    assert_close(out, ref_out)
    assert_close(hn, ref_h)
    if mode == "LSTM":
        assert_close(cn, ref_c)
    assert node_name(out) == "StackBackward0"
    assert node_name(m.float()(torch.ones(5, 2, 3, requires_grad=True))[0]) == (
        "MkldnnRnnLayerBackward0" if mode == "LSTM" else "StackBackward0"
    )
    assert node_name(hn) == "StackBackward0"
    out.sum().backward()
    assert tuple(xt.grad.shape) == (5, 2, 3)
    assert all(p.grad is not None for p in m.parameters())


def test_recurrent_batch_first_bidirectional(torch):
    torch.manual_seed(0)
    m = torch.nn.GRU(3, 4, batch_first=True, bidirectional=True).double()
    x = RNG.normal(size=(2, 5, 3))
    out, hn = m(torch.tensor(x))
    assert tuple(out.shape) == (2, 5, 8) and tuple(hn.shape) == (2, 2, 4)
    fwd = [
        tuple(
            values(getattr(m, f"{n}_l0")) for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        )
    ]
    bwd = [
        tuple(
            values(getattr(m, f"{n}_l0_reverse"))
            for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        )
    ]
    xs = x.transpose(1, 0, 2)
    zeros = np.zeros((1, 2, 4))
    of, hf, _ = _np_rnn("GRU", xs, zeros, None, fwd)
    ob, hb, _ = _np_rnn("GRU", xs[::-1], zeros, None, bwd)
    assert_close(out, np.concatenate([of, ob[::-1]], -1).transpose(1, 0, 2))
    assert_close(hn, np.concatenate([hf, hb]))


def test_lstm_unbatched_and_projection(torch):
    lstm = torch.nn.LSTM(3, 4, proj_size=2)
    out, (h, c) = lstm(torch.ones(5, 3))
    assert tuple(out.shape) == (5, 2) and tuple(h.shape) == (1, 2) and tuple(c.shape) == (1, 4)
    assert [n for n, _ in lstm.named_parameters()] == [
        "weight_ih_l0",
        "weight_hh_l0",
        "bias_ih_l0",
        "bias_hh_l0",
        "weight_hr_l0",
    ]


def test_recurrent_errors(torch):
    lstm = torch.nn.LSTM(3, 4, num_layers=2)
    with pytest.raises(
        RuntimeError, match="input.size\\(-1\\) must be equal to input_size. Expected 3, got 4"
    ):
        lstm(torch.ones(5, 2, 4))
    with pytest.raises(
        RuntimeError,
        match=r"Expected hidden\[0\] size \(2, 2, 4\), got "
        r"\[1, 2, 4\]",
    ):
        lstm(torch.ones(5, 2, 3), (torch.ones(1, 2, 4), torch.ones(2, 2, 4)))
    with pytest.raises(
        ValueError, match="Unknown nonlinearity 'foo'. Select from 'tanh' or 'relu'."
    ):
        torch.nn.RNN(3, 4, nonlinearity="foo")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        torch.nn.RNN(3, 4, dropout=0.5)
    assert "non-zero dropout expects num_layers greater than 1" in str(w[0].message)


def test_cells(torch):
    torch.manual_seed(0)
    cell = torch.nn.LSTMCell(3, 4).double()
    x, h, c = RNG.normal(size=(2, 3)), RNG.normal(size=(2, 4)), RNG.normal(size=(2, 4))
    h1, c1 = cell(torch.tensor(x), (torch.tensor(h), torch.tensor(c)))
    w = [values(getattr(cell, n)) for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    _, ref_h, ref_c = _np_rnn("LSTM", x[None], h[None], c[None], [tuple(w)])
    assert_close(h1, ref_h[0])
    assert_close(c1, ref_c[0])
    gru = torch.nn.GRUCell(3, 4).double()
    out = gru(torch.tensor(x, requires_grad=True))
    assert node_name(out) == "AddBackward0"
    w = [values(getattr(gru, n)) for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    assert_close(out, _np_rnn("GRU", x[None], np.zeros((1, 2, 4)), None, [tuple(w)])[1][0])
    assert node_name(torch.nn.RNNCell(3, 4)(torch.ones(2, 3))) == "TanhBackward0"


# ---------------------------------------------------------------------------------- attention
def _np_mha(q, k, v, w_in, b_in, w_out, b_out, heads, mask=None):
    e = q.shape[-1]
    wq, wk, wv = np.split(w_in, 3)
    bq, bk, bv = np.split(b_in, 3)
    qp, kp, vp = q @ wq.T + bq, k @ wk.T + bk, v @ wv.T + bv  # (L, N, E)
    L, N, _ = qp.shape
    S = kp.shape[0]
    d = e // heads

    def split(t, n):
        return t.reshape(n, N * heads, d).transpose(1, 0, 2)

    qh, kh, vh = split(qp, L), split(kp, S), split(vp, S)
    scores = qh @ kh.transpose(0, 2, 1) / math.sqrt(d)
    if mask is not None:
        scores = scores + mask
    w = np.exp(scores - scores.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    out = (w @ vh).transpose(1, 0, 2).reshape(L, N, e)
    return out @ w_out.T + b_out, w.reshape(N, heads, L, S).mean(1)


def test_multihead_attention(torch):
    torch.manual_seed(0)
    mha = torch.nn.MultiheadAttention(8, 2).double()
    q, k = RNG.normal(size=(3, 2, 8)), RNG.normal(size=(4, 2, 8))
    out, weights = mha(torch.tensor(q), torch.tensor(k), torch.tensor(k))
    ref_out, ref_w = _np_mha(
        q,
        k,
        k,
        values(mha.in_proj_weight),
        values(mha.in_proj_bias),
        values(mha.out_proj.weight),
        values(mha.out_proj.bias),
        2,
    )
    assert_close(out, ref_out)
    assert_close(weights, ref_w)
    out2, none = mha(torch.tensor(q), torch.tensor(k), torch.tensor(k), need_weights=False)
    assert none is None
    assert_close(out2, ref_out)
    mask = np.triu(np.full((3, 4), -np.inf), 1)
    masked, _ = mha(
        torch.tensor(q),
        torch.tensor(k),
        torch.tensor(k),
        attn_mask=torch.tensor(np.triu(np.ones((3, 4), bool), 1)),
    )
    assert_close(
        masked,
        _np_mha(
            q,
            k,
            k,
            values(mha.in_proj_weight),
            values(mha.in_proj_bias),
            values(mha.out_proj.weight),
            values(mha.out_proj.bias),
            2,
            mask,
        )[0],
    )
    assert [n for n, _ in mha.named_parameters()] == [
        "in_proj_weight",
        "in_proj_bias",
        "out_proj.weight",
        "out_proj.bias",
    ]
    x = torch.tensor(q, requires_grad=True)
    y, _ = mha(x, x, x)
    assert node_name(y) == "ViewBackward0"
    y.sum().backward()
    assert tuple(x.grad.shape) == (3, 2, 8)


def test_multihead_attention_batch_first(torch):
    mha = torch.nn.MultiheadAttention(8, 2, batch_first=True)
    mha.eval()
    x = torch.tensor(RNG.normal(size=(2, 3, 8)), dtype=torch.float32)
    out, w = mha(x, x, x)
    assert tuple(out.shape) == (2, 3, 8) and tuple(w.shape) == (2, 3, 3)
    ref = torch.nn.functional.multi_head_attention_forward(
        x.transpose(0, 1),
        x.transpose(0, 1),
        x.transpose(0, 1),
        8,
        2,
        mha.in_proj_weight,
        mha.in_proj_bias,
        None,
        None,
        False,
        0.0,
        mha.out_proj.weight,
        mha.out_proj.bias,
        training=False,
    )[0]
    assert_close(out, values(ref).transpose(1, 0, 2), rtol=1e-5, atol=1e-5)


def test_transformer_encoder_layer(torch):
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0).double()
    layer.eval()
    x = RNG.normal(size=(3, 2, 8))
    out = layer(torch.tensor(x))
    attn, _ = _np_mha(
        x,
        x,
        x,
        values(layer.self_attn.in_proj_weight),
        values(layer.self_attn.in_proj_bias),
        values(layer.self_attn.out_proj.weight),
        values(layer.self_attn.out_proj.bias),
        2,
    )

    def ln(t, w, b):
        m = t.mean(-1, keepdims=True)
        return (t - m) / np.sqrt(t.var(-1, keepdims=True) + 1e-5) * w + b

    h = ln(x + attn, values(layer.norm1.weight), values(layer.norm1.bias))
    ff = np.maximum(h @ values(layer.linear1.weight).T + values(layer.linear1.bias), 0)
    ff = ff @ values(layer.linear2.weight).T + values(layer.linear2.bias)
    assert_close(out, ln(h + ff, values(layer.norm2.weight), values(layer.norm2.bias)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        enc = torch.nn.TransformerEncoder(layer, 2)
    assert len(enc.layers) == 2 and enc.layers[0] is not layer
    assert tuple(enc(torch.tensor(x)).shape) == (3, 2, 8)


def test_transformer_encoder_warning(torch):
    layer = torch.nn.TransformerEncoderLayer(8, 2, 16)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        torch.nn.TransformerEncoder(layer, 1)
    assert str(w[0].message) == (
        "enable_nested_tensor is True, but self.use_nested_tensor is False because "
        "encoder_layer.self_attn.batch_first was not True(use batch_first for better inference "
        "performance)"
    )


def test_small_cnn_trains(torch):
    nn = torch.nn
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Dropout(0.1),
        nn.Linear(4 * 4 * 4, 2),
    )
    x = torch.tensor(RNG.normal(size=(16, 1, 8, 8)), dtype=torch.float32)
    y = torch.tensor((RNG.random(16) > 0.5).astype(np.int64))
    x = x + y.reshape(16, 1, 1, 1).float()
    loss_fn = nn.CrossEntropyLoss()
    first = None
    for _ in range(30):
        loss = loss_fn(model(x), y)
        first = first if first is not None else loss.item()
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= 0.1 * p.grad
    assert loss.item() < 0.5 * first
    model.eval()
    acc = (model(x).argmax(1) == y).float().mean().item()
    assert acc > 0.8
