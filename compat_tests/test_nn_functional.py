"""nn.functional: activations, losses, padding, resampling, distances; values and gradients
against NumPy references, node names and error messages as in PyTorch."""

import math
import warnings

import numpy as np
import pytest
from _helpers import assert_close, node_name, values

X = np.array([[-2.5, -1.0, -0.25, 0.0], [0.3, 1.0, 2.0, 7.0]])


def _np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _np_softplus(x):
    return np.log1p(np.exp(x))


_ERF = np.vectorize(math.erf)
SELU_A, SELU_S = 1.6732632423543772, 1.0507009873554805

ACTIVATIONS = {
    # name: (call, numpy reference, grad_fn name)
    "relu": (lambda F, x: F.relu(x), lambda x: np.maximum(x, 0), "ReluBackward0"),
    "relu6": (lambda F, x: F.relu6(x), lambda x: np.clip(x, 0, 6), "HardtanhBackward0"),
    "leaky_relu": (
        lambda F, x: F.leaky_relu(x, 0.2),
        lambda x: np.where(x > 0, x, 0.2 * x),
        "LeakyReluBackward0",
    ),
    "elu": (
        lambda F, x: F.elu(x, 0.5),
        lambda x: np.where(x > 0, x, 0.5 * np.expm1(x)),
        "EluBackward0",
    ),
    "selu": (
        lambda F, x: F.selu(x),
        lambda x: SELU_S * np.where(x > 0, x, SELU_A * np.expm1(x)),
        "EluBackward0",
    ),
    "celu": (
        lambda F, x: F.celu(x, 2.0),
        lambda x: np.where(x > 0, x, 2 * np.expm1(x / 2)),
        "CeluBackward0",
    ),
    "gelu": (
        lambda F, x: F.gelu(x),
        lambda x: 0.5 * x * (1 + _ERF(x / math.sqrt(2))),
        "GeluBackward0",
    ),
    "gelu_tanh": (
        lambda F, x: F.gelu(x, approximate="tanh"),
        lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))),
        "GeluBackward0",
    ),
    "silu": (lambda F, x: F.silu(x), lambda x: x * _np_sigmoid(x), "SiluBackward0"),
    "mish": (lambda F, x: F.mish(x), lambda x: x * np.tanh(_np_softplus(x)), "MishBackward0"),
    "hardtanh": (
        lambda F, x: F.hardtanh(x, -2.0, 1.5),
        lambda x: np.clip(x, -2, 1.5),
        "HardtanhBackward0",
    ),
    "hardsigmoid": (
        lambda F, x: F.hardsigmoid(x),
        lambda x: np.clip(x / 6 + 0.5, 0, 1),
        "HardsigmoidBackward0",
    ),
    "hardswish": (
        lambda F, x: F.hardswish(x),
        lambda x: x * np.clip(x + 3, 0, 6) / 6,
        "HardswishBackward0",
    ),
    "sigmoid": (lambda F, x: F.sigmoid(x), _np_sigmoid, "SigmoidBackward0"),
    "tanh": (lambda F, x: F.tanh(x), np.tanh, "TanhBackward0"),
    "softplus": (
        lambda F, x: F.softplus(x, beta=2.0, threshold=10.0),
        lambda x: np.where(2 * x > 10, x, np.log1p(np.exp(2 * x)) / 2),
        "SoftplusBackward0",
    ),
    "softsign": (lambda F, x: F.softsign(x), lambda x: x / (1 + np.abs(x)), "DivBackward0"),
    "softshrink": (
        lambda F, x: F.softshrink(x, 0.5),
        lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0)),
        "SoftshrinkBackward0",
    ),
    "hardshrink": (
        lambda F, x: F.hardshrink(x, 0.5),
        lambda x: np.where(np.abs(x) > 0.5, x, 0),
        "HardshrinkBackward0",
    ),
    "tanhshrink": (lambda F, x: F.tanhshrink(x), lambda x: x - np.tanh(x), "SubBackward0"),
    "threshold": (
        lambda F, x: F.threshold(x, 0.5, -3.0),
        lambda x: np.where(x > 0.5, x, -3),
        "ThresholdBackward0",
    ),
    "logsigmoid": (
        lambda F, x: F.logsigmoid(x),
        lambda x: -_np_softplus(-x),
        "LogSigmoidBackward0",
    ),
}


def _numeric_grad(fn, x, eps=1e-6):
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[idx] = eps
        g[idx] = (fn(x + d).sum() - fn(x - d).sum()) / (2 * eps)
    return g


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation(torch, name):
    call, ref, node = ACTIVATIONS[name]
    x = torch.tensor(X, requires_grad=True)
    y = call(torch.nn.functional, x)
    assert node_name(y) == node
    assert_close(y, ref(X))
    y.sum().backward()
    # finite differences away from the kinks
    smooth = np.abs(X[..., None] - np.array([-3, -2, -0.5, 0, 0.5, 1.5, 6])).min(-1) > 1e-3
    assert_close(values(x.grad)[smooth], _numeric_grad(ref, X)[smooth], rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("relu", {}),
        ("leaky_relu", {"negative_slope": 0.1}),
        ("elu", {}),
        ("silu", {}),
        ("hardtanh", {}),
    ],
)
def test_inplace_activation(torch, name, kwargs):
    F = torch.nn.functional
    a = torch.tensor(X)
    b = getattr(F, name)(a, inplace=True, **kwargs)
    assert b is a
    assert_close(a, values(getattr(F, name)(torch.tensor(X), **kwargs)))


def test_relu_module_inplace_in_graph(torch):
    x = torch.tensor(X, requires_grad=True)
    h = x * 2
    y = torch.nn.ReLU(inplace=True)(h)
    assert y is h and node_name(y) == "ReluBackward0"
    y.sum().backward()
    assert_close(x.grad, np.where(X > 0, 2.0, 0.0))


def test_softmax_family(torch):
    F = torch.nn.functional
    x = torch.tensor(X, requires_grad=True)
    e = np.exp(X - X.max(1, keepdims=True))
    sm = e / e.sum(1, keepdims=True)
    assert_close(F.softmax(x, dim=1), sm)
    assert_close(F.log_softmax(x, dim=1), np.log(sm))
    em = np.exp(-X - (-X).max(1, keepdims=True))
    assert_close(F.softmin(x, dim=1), em / em.sum(1, keepdims=True))
    assert node_name(F.softmax(x, 1)) == "SoftmaxBackward0"
    assert node_name(F.log_softmax(x, 1)) == "LogSoftmaxBackward0"
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        implicit = F.softmax(x)
    assert "Implicit dimension choice for softmax has been deprecated" in str(w[0].message)
    assert_close(implicit, sm)


def test_glu_and_prelu(torch):
    F = torch.nn.functional
    x = torch.tensor(X, requires_grad=True)
    y = F.glu(x, -1)
    assert node_name(y) == "GluBackward0"
    assert_close(y, X[:, :2] * _np_sigmoid(X[:, 2:]))
    with pytest.raises(
        RuntimeError, match="Halving dimension must be even, but dimension 0 is size 3"
    ):
        F.glu(torch.ones(3, 2), 0)
    img = np.arange(-6.0, 6.0).reshape(1, 3, 2, 2)
    w = torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64, requires_grad=True)
    out = F.prelu(torch.tensor(img), w)
    assert node_name(out) == "PreluKernelBackward0"
    slopes = np.array([0.1, 0.2, 0.3]).reshape(1, 3, 1, 1)
    assert_close(out, np.where(img > 0, img, slopes * img))
    out.sum().backward()
    assert_close(w.grad, np.minimum(img, 0).sum(axis=(0, 2, 3)))
    with pytest.raises(
        RuntimeError, match="prelu: Type promoting not supported. Got Double and Float"
    ):
        F.prelu(torch.tensor(img), torch.tensor([0.1, 0.2, 0.3]))


# ---------------------------------------------------------------------------------- linear
def test_linear_graph_and_values(torch):
    F = torch.nn.functional
    x = torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    w = torch.tensor([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]], requires_grad=True)
    b = torch.tensor([0.1, 0.2], requires_grad=True)
    y = F.linear(x, w, b)
    assert node_name(y) == "AddmmBackward0"
    assert [type(n).__name__ if n is not None else None for n, _ in y.grad_fn.next_functions] == [
        "AccumulateGrad",
        "AccumulateGrad",
        "TBackward0",
    ]
    assert_close(y, [[-1.9, 3.2]])
    y.sum().backward()
    assert_close(w.grad, [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    assert_close(x.grad, [[1.5, 0.5, -0.5]])
    assert_close(b.grad, [1.0, 1.0])
    assert node_name(F.linear(x, w)) == "MmBackward0"
    x3 = torch.ones(2, 4, 3)
    assert node_name(F.linear(x3, w, b)) == "ViewBackward0"
    assert tuple(F.linear(x3, w, b).shape) == (2, 4, 2)
    assert node_name(F.linear(x3, w)) == "UnsafeViewBackward0"


def test_linear_shape_error(torch):
    with pytest.raises(RuntimeError) as e:
        torch.nn.functional.linear(torch.ones(2, 4), torch.ones(3, 3))
    assert str(e.value) == "mat1 and mat2 shapes cannot be multiplied (2x4 and 3x3)"


def test_bilinear(torch):
    F = torch.nn.functional
    rng = np.random.default_rng(0)
    a, b, w, bias = (
        rng.normal(size=(2, 3)),
        rng.normal(size=(2, 4)),
        rng.normal(size=(5, 3, 4)),
        rng.normal(size=5),
    )
    out = F.bilinear(torch.tensor(a), torch.tensor(b), torch.tensor(w), torch.tensor(bias))
    assert_close(out, np.einsum("ni,oij,nj->no", a, w, b) + bias)


# ---------------------------------------------------------------------------------- losses
LOGITS = np.array([[1.0, 2.0, 0.5, -1.0], [0.0, -0.5, 3.0, 1.0], [2.0, 2.0, 2.0, 2.0]])
TARGET = np.array([1, 3, 0])


def _log_softmax(x, axis=1):
    m = x.max(axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis, keepdims=True))


def test_cross_entropy_class_indices(torch):
    F = torch.nn.functional
    x = torch.tensor(LOGITS, requires_grad=True)
    t = torch.tensor(TARGET)
    loss = F.cross_entropy(x, t)
    assert node_name(loss) == "NllLossBackward0"
    logp = _log_softmax(LOGITS)
    picked = -logp[np.arange(3), TARGET]
    assert_close(loss, picked.mean())
    loss.backward()
    onehot = np.eye(4)[TARGET]
    assert_close(x.grad, (np.exp(logp) - onehot) / 3)
    assert_close(F.cross_entropy(x, t, reduction="sum"), picked.sum())
    assert_close(F.cross_entropy(x, t, reduction="none"), picked)
    assert_close(torch.nn.CrossEntropyLoss()(x, t), picked.mean())


def test_cross_entropy_weight_and_ignore_index(torch):
    F = torch.nn.functional
    w = np.array([1.0, 2.0, 0.5, 3.0])
    x = torch.tensor(LOGITS)
    logp = _log_softmax(LOGITS)
    picked = -logp[np.arange(3), TARGET] * w[TARGET]
    assert_close(
        F.cross_entropy(x, torch.tensor(TARGET), torch.tensor(w)), picked.sum() / w[TARGET].sum()
    )
    t = torch.tensor([1, -100, 0])
    assert_close(F.cross_entropy(x, t), -(logp[0, 1] + logp[2, 0]) / 2)
    t2 = torch.tensor([1, 3, 3])
    assert_close(F.cross_entropy(x, t2, ignore_index=3), -logp[0, 1])


def test_cross_entropy_label_smoothing(torch):
    F = torch.nn.functional
    x = torch.tensor(LOGITS, requires_grad=True)
    loss = F.cross_entropy(x, torch.tensor(TARGET), label_smoothing=0.1)
    assert node_name(loss) == "AddBackward0"
    logp = _log_softmax(LOGITS)
    target = np.eye(4)[TARGET] * 0.9 + 0.1 / 4
    assert_close(loss, -(target * logp).sum(1).mean())
    loss.backward()
    assert_close(x.grad, (np.exp(logp) - target) / 3)


def test_cross_entropy_probabilities(torch):
    F = torch.nn.functional
    probs = np.array([[0.1, 0.6, 0.2, 0.1], [0.0, 0.0, 0.5, 0.5], [0.25, 0.25, 0.25, 0.25]])
    x = torch.tensor(LOGITS, requires_grad=True)
    loss = F.cross_entropy(x, torch.tensor(probs))
    assert node_name(loss) == "DivBackward1"
    logp = _log_softmax(LOGITS)
    assert_close(loss, -(probs * logp).sum(1).mean())
    loss.backward()
    assert_close(x.grad, (np.exp(logp) - probs) / 3)
    with pytest.raises(
        RuntimeError, match="ignore_index is not supported for floating point target"
    ):
        F.cross_entropy(x, torch.tensor(probs), ignore_index=1)


def test_cross_entropy_spatial(torch):
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(2, 3, 4, 5))
    target = rng.integers(0, 3, size=(2, 4, 5))
    loss = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(target))
    logp = _log_softmax(logits)
    picked = np.take_along_axis(logp, target[:, None], axis=1)[:, 0]
    assert_close(loss, -picked.mean())


def test_nll_loss_errors(torch):
    F = torch.nn.functional
    with pytest.raises(IndexError, match="Target 4 is out of bounds."):
        F.nll_loss(torch.tensor(LOGITS), torch.tensor([0, 4, 1]))
    with pytest.raises(
        ValueError,
        match=r"Expected input batch_size \(3\) to match target "
        r"batch_size \(2\).",
    ):
        F.cross_entropy(torch.tensor(LOGITS), torch.tensor([0, 1]))
    with pytest.raises(
        RuntimeError, match="expected target dtype to be Long or Byte, but got Float"
    ):
        F.nll_loss(torch.tensor(LOGITS), torch.tensor([0.0, 1.0, 1.0]))


def test_regression_losses(torch):
    F = torch.nn.functional
    a = np.array([[0.5, -1.0, 2.0], [3.0, 0.0, -0.2]])
    b = np.array([[0.0, 0.5, 2.5], [0.0, 0.1, 0.3]])
    x = torch.tensor(a, requires_grad=True)
    y = torch.tensor(b)
    d = a - b
    mse = F.mse_loss(x, y)
    assert node_name(mse) == "MseLossBackward0"
    assert_close(mse, (d**2).mean())
    mse.backward()
    assert_close(x.grad, 2 * d / 6)
    assert node_name(F.l1_loss(x, y)) == "MeanBackward0"
    assert_close(F.l1_loss(x, y, reduction="sum"), np.abs(d).sum())
    sl1 = F.smooth_l1_loss(x, y, beta=0.5)
    assert node_name(sl1) == "SmoothL1LossBackward0"
    ad = np.abs(d)
    assert_close(sl1, np.where(ad < 0.5, 0.5 * ad**2 / 0.5, ad - 0.25).mean())
    hub = F.huber_loss(x, y, delta=0.5)
    assert node_name(hub) == "HuberLossBackward0"
    assert_close(hub, np.where(ad < 0.5, 0.5 * ad**2, 0.5 * (ad - 0.25)).mean())
    assert_close(torch.nn.MSELoss(reduction="none")(x, y), d**2)
    assert_close(torch.nn.L1Loss()(x, y), np.abs(d).mean())


def test_mse_broadcast_warning(torch):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        torch.nn.functional.mse_loss(torch.ones(2, 3), torch.ones(3))
    assert any(
        "Using a target size (torch.Size([3])) that is different to the input size "
        "(torch.Size([2, 3]))" in str(x.message)
        for x in w
    )


def test_binary_cross_entropy(torch):
    F = torch.nn.functional
    p = np.array([0.1, 0.7, 0.99, 0.5])
    t = np.array([0.0, 1.0, 1.0, 0.3])
    w = np.array([1.0, 2.0, 0.5, 1.0])
    x = torch.tensor(p, requires_grad=True)
    loss = F.binary_cross_entropy(x, torch.tensor(t), torch.tensor(w))
    assert node_name(loss) == "BinaryCrossEntropyBackward0"
    ref = -(t * np.log(p) + (1 - t) * np.log(1 - p)) * w
    assert_close(loss, ref.mean())
    loss.backward()
    assert_close(x.grad, w * (p - t) / (p * (1 - p)) / 4)
    assert_close(
        F.binary_cross_entropy(
            torch.tensor([0.0, 1.0]), torch.tensor([1.0, 0.0]), reduction="none"
        ),
        [100.0, 100.0],
    )
    with pytest.raises(
        ValueError,
        match=r"Using a target size \(torch.Size\(\[3\]\)\) that is "
        r"different to the input size",
    ):
        F.binary_cross_entropy(x, torch.ones(3))
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        F.binary_cross_entropy(torch.tensor([1.5]), torch.tensor([1.0]))


def test_binary_cross_entropy_with_logits(torch):
    F = torch.nn.functional
    z = np.array([[-3.0, 0.0, 2.0], [40.0, -40.0, 0.5]])
    t = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.2]])
    pw = np.array([1.0, 3.0, 0.5])
    x = torch.tensor(z, requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, torch.tensor(t), pos_weight=torch.tensor(pw))
    assert node_name(loss) == "BinaryCrossEntropyWithLogitsBackward0"
    log_sig = -np.logaddexp(0, -z)
    log_1m = -np.logaddexp(0, z)
    ref = -(pw * t * log_sig + (1 - t) * log_1m)
    assert_close(loss, ref.mean())
    loss.backward()
    s = _np_sigmoid(z)
    assert_close(x.grad, (pw * t * (s - 1) + (1 - t) * s) / 6)
    module = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(pw))
    assert list(module.state_dict()) == ["pos_weight"]
    assert_close(module(torch.tensor(z), torch.tensor(t)), ref.mean())


def test_kl_div(torch):
    F = torch.nn.functional
    logq = _log_softmax(LOGITS)
    p = np.array([[0.1, 0.6, 0.2, 0.1], [0.0, 0.0, 0.5, 0.5], [0.25, 0.25, 0.25, 0.25]])
    pointwise = np.where(p > 0, p * (np.log(np.where(p > 0, p, 1)) - logq), 0.0)
    x = torch.tensor(logq, requires_grad=True)
    assert_close(F.kl_div(x, torch.tensor(p), reduction="batchmean"), pointwise.sum() / 3)
    assert_close(F.kl_div(x, torch.tensor(p), reduction="sum"), pointwise.sum())
    logp = np.log(np.array([[0.5, 0.5, 1e-3, 1e-3]]))
    assert_close(
        F.kl_div(torch.tensor(logq[:1]), torch.tensor(logp), reduction="sum", log_target=True),
        (np.exp(logp) * (logp - logq[:1])).sum(),
    )
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        F.kl_div(x, torch.tensor(p))
    assert (
        "reduction: 'mean' divides the total loss by both the batch size and the support "
        "size." in str(w[0].message)
    )


def test_margin_losses(torch):
    F = torch.nn.functional
    a = np.array([0.5, -1.0, 2.0, 0.0])
    b = np.array([1.0, -2.0, 2.5, 0.3])
    y = np.array([1.0, -1.0, 1.0, -1.0])
    assert_close(
        F.margin_ranking_loss(torch.tensor(a), torch.tensor(b), torch.tensor(y), 0.2),
        np.maximum(0, -y * (a - b) + 0.2).mean(),
    )
    assert_close(
        F.hinge_embedding_loss(torch.tensor(a), torch.tensor(y), margin=1.0),
        np.where(y == 1, a, np.maximum(0, 1 - a)).mean(),
    )
    assert_close(
        F.soft_margin_loss(torch.tensor(a), torch.tensor(y)), np.log1p(np.exp(-y * a)).mean()
    )
    u = LOGITS[:2]
    v = LOGITS[1:]
    cos = (u * v).sum(1) / np.sqrt((u * u).sum(1) * (v * v).sum(1))
    yy = np.array([1.0, -1.0])
    assert_close(
        F.cosine_embedding_loss(torch.tensor(u), torch.tensor(v), torch.tensor(yy), 0.1),
        np.where(yy == 1, 1 - cos, np.maximum(0, cos - 0.1)).mean(),
    )


def test_multi_margin_loss(torch):
    x = LOGITS
    t = TARGET
    picked = x[np.arange(3), t][:, None]
    z = np.maximum(0, 1 - picked + x)
    z[np.arange(3), t] = 0
    loss = torch.nn.functional.multi_margin_loss(torch.tensor(x), torch.tensor(t))
    assert (
        node_name(
            torch.nn.functional.multi_margin_loss(
                torch.tensor(x, requires_grad=True), torch.tensor(t)
            )
        )
        == "MultiMarginLossBackward0"
    )
    assert_close(loss, (z.sum(1) / 4).mean())


def test_other_losses(torch):
    F = torch.nn.functional
    x = np.array([[0.5, -1.0, 2.0], [3.0, 0.0, -0.2]])
    t = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    ref = -(t * -np.logaddexp(0, -x) + (1 - t) * -np.logaddexp(0, x)).mean(1).mean()
    assert_close(F.multilabel_soft_margin_loss(torch.tensor(x), torch.tensor(t)), ref)
    counts = np.array([[1.0, 0.0, 4.0], [2.0, 1.0, 0.0]])
    assert_close(
        F.poisson_nll_loss(torch.tensor(x), torch.tensor(counts)), (np.exp(x) - counts * x).mean()
    )
    var = np.array([[0.5, 1.0, 2.0], [1.0, 1.0, 0.1]])
    assert_close(
        F.gaussian_nll_loss(torch.tensor(x), torch.tensor(t), torch.tensor(var)),
        (0.5 * (np.log(var) + (x - t) ** 2 / var)).mean(),
    )
    anchor, pos, neg = x, t, x[::-1]
    dp = np.linalg.norm(anchor - pos + 1e-6, axis=1)
    dn = np.linalg.norm(anchor - neg + 1e-6, axis=1)
    assert_close(
        F.triplet_margin_loss(torch.tensor(anchor), torch.tensor(pos), torch.tensor(neg.copy())),
        np.maximum(dp - dn + 1, 0).mean(),
    )


def test_legacy_reduction_arguments(torch):
    F = torch.nn.functional
    a, b = torch.tensor([1.0, 2.0]), torch.tensor([0.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_close(F.mse_loss(a, b, size_average=False), 5.0)
        assert_close(F.mse_loss(a, b, reduce=False), [1.0, 4.0])
        assert torch.nn.MSELoss(size_average=False).reduction == "sum"


# ---------------------------------------------------------------------------------- misc
def test_one_hot(torch):
    F = torch.nn.functional
    out = F.one_hot(torch.tensor([0, 2, 1]), 4)
    assert out.dtype == torch.int64
    assert_close(out, np.eye(4)[[0, 2, 1]])
    assert tuple(F.one_hot(torch.tensor([[3], [1]])).shape) == (2, 1, 4)
    with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes."):
        F.one_hot(torch.tensor([1, 5]), 3)
    with pytest.raises(RuntimeError, match="one_hot is only applicable to index tensor"):
        F.one_hot(torch.tensor([1.0]))


def test_pad(torch):
    F = torch.nn.functional
    a = np.arange(12.0).reshape(1, 1, 3, 4)
    x = torch.tensor(a, requires_grad=True)
    y = F.pad(x, (1, 2, 0, 1), value=-1.0)
    assert node_name(y) == "ConstantPadNdBackward0"
    assert_close(y, np.pad(a, ((0, 0), (0, 0), (0, 1), (1, 2)), constant_values=-1.0))
    y.sum().backward()
    assert_close(x.grad, np.ones_like(a))
    assert_close(F.pad(x, (-1, 1)), np.pad(a, ((0, 0), (0, 0), (0, 0), (0, 1)))[..., 1:])
    for mode, np_mode, node in [
        ("reflect", "reflect", "ReflectionPad2DBackward0"),
        ("replicate", "edge", "ReplicationPad2DBackward0"),
        ("circular", "wrap", None),
    ]:
        out = F.pad(x, (2, 1, 1, 2), mode=mode)
        assert_close(out, np.pad(a, ((0, 0), (0, 0), (1, 2), (2, 1)), mode=np_mode))
        if node:
            assert node_name(out) == node
    with pytest.raises(RuntimeError, match="Padding length must be divisible by 2"):
        F.pad(x, (1,))


def _np_linear_resize(a, size, axis, align_corners):
    n = a.shape[axis]
    if align_corners:
        src = np.arange(size) * ((n - 1) / (size - 1) if size > 1 else 0)
    else:
        src = np.maximum((np.arange(size) + 0.5) * n / size - 0.5, 0)
    i0 = np.minimum(np.floor(src).astype(int), n - 1)
    i1 = np.minimum(i0 + 1, n - 1)
    lam = src - i0
    a0, a1 = np.take(a, i0, axis=axis), np.take(a, i1, axis=axis)
    shape = [1] * a.ndim
    shape[axis] = size
    return a0 * (1 - lam).reshape(shape) + a1 * lam.reshape(shape)


def test_interpolate(torch):
    F = torch.nn.functional
    a = np.arange(12.0).reshape(1, 1, 3, 4) ** 1.5
    x = torch.tensor(a, requires_grad=True)
    up = F.interpolate(x, scale_factor=2)
    assert node_name(up) == "UpsampleNearest2DBackward0"
    assert_close(up, a.repeat(2, axis=2).repeat(2, axis=3))
    up.sum().backward()
    assert_close(x.grad, np.full_like(a, 4.0))
    near = F.interpolate(x, size=(2, 6))
    rows = np.floor(np.arange(2) * 3 / 2).astype(int)
    cols = np.floor(np.arange(6) * 4 / 6).astype(int)
    assert_close(near, a[:, :, rows][:, :, :, cols])
    for ac in (False, True):
        bil = F.interpolate(x, size=(5, 7), mode="bilinear", align_corners=ac)
        ref = _np_linear_resize(_np_linear_resize(a, 5, 2, ac), 7, 3, ac)
        assert_close(bil, ref)
    assert node_name(bil) == "UpsampleBilinear2DBackward0"
    with pytest.raises(ValueError, match="only one of size or scale_factor should be defined"):
        F.interpolate(x, size=2, scale_factor=2)
    with pytest.raises(
        ValueError, match="align_corners option can only be set with the interpolating modes"
    ):
        F.interpolate(x, scale_factor=2, align_corners=True)


def test_normalize_and_distances(torch):
    F = torch.nn.functional
    x = torch.tensor(LOGITS, requires_grad=True)
    n = F.normalize(x, dim=1)
    assert node_name(n) == "DivBackward0"
    assert_close(n, LOGITS / np.linalg.norm(LOGITS, axis=1, keepdims=True))
    u, v = LOGITS[:2], LOGITS[1:]
    cos = F.cosine_similarity(torch.tensor(u), torch.tensor(v))
    assert_close(cos, (u * v).sum(1) / np.linalg.norm(u, axis=1) / np.linalg.norm(v, axis=1))
    assert_close(
        F.pairwise_distance(torch.tensor(u), torch.tensor(v)), np.linalg.norm(u - v + 1e-6, axis=1)
    )
    assert_close(
        torch.nn.CosineSimilarity(dim=0)(torch.tensor(u), torch.tensor(v)),
        (u * v).sum(0) / np.linalg.norm(u, axis=0) / np.linalg.norm(v, axis=0),
    )


def test_pixel_shuffle(torch):
    a = np.arange(16.0).reshape(1, 4, 2, 2)
    out = torch.nn.functional.pixel_shuffle(torch.tensor(a), 2)
    ref = a.reshape(1, 1, 2, 2, 2, 2).transpose(0, 1, 4, 2, 5, 3).reshape(1, 1, 4, 4)
    assert_close(out, ref)
    assert_close(torch.nn.functional.pixel_unshuffle(out, 2), a)


def test_scaled_dot_product_attention(torch):
    rng = np.random.default_rng(2)
    q, k, v = (rng.normal(size=(1, 2, 3, 4)) for _ in range(3))
    out = torch.nn.functional.scaled_dot_product_attention(
        torch.tensor(q), torch.tensor(k), torch.tensor(v), is_causal=True
    )
    s = q @ k.transpose(0, 1, 3, 2) / 2.0
    s = np.where(np.tril(np.ones((3, 3))) > 0, s, -np.inf)
    w = np.exp(s - s.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    assert_close(out, w @ v)


def test_dropout_functional(torch):
    F = torch.nn.functional
    x = torch.ones(4, 5)
    assert F.dropout(x, 0.5, training=False) is x
    assert_close(F.dropout(x, 0.0), np.ones((4, 5)))
    assert_close(F.dropout(x, 1.0), np.zeros((4, 5)))
    torch.manual_seed(0)
    out = F.dropout(torch.ones(2, 5, requires_grad=True), 0.5)
    assert node_name(out) == "MulBackward0"
    assert_close(out, [[0.0, 0.0, 2.0, 0.0, 0.0], [0.0, 2.0, 2.0, 0.0, 2.0]])
    with pytest.raises(
        ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"
    ):
        F.dropout(x, 1.5)
    y = values(F.dropout2d(torch.ones(3, 8, 2, 2), 0.5))
    per_channel = y.reshape(3, 8, 4)
    assert np.all(per_channel.min(-1) == per_channel.max(-1))


# ---------------------------------------------------------------------------------- nn.utils
def test_clip_grad_norm(torch):
    U = torch.nn.utils
    p = torch.nn.Parameter(torch.tensor([3.0, 4.0]))
    q = torch.nn.Parameter(torch.tensor([1.0]))
    p.grad = torch.tensor([3.0, 4.0])
    q.grad = torch.tensor([12.0])
    total = U.clip_grad_norm_([p, q], 1.0)
    assert_close(total, 13.0)
    assert_close(p.grad, np.array([3.0, 4.0]) / (13.0 + 1e-6), rtol=1e-5)
    assert_close(q.grad, [12.0 / (13.0 + 1e-6)], rtol=1e-5)
    p.grad = torch.tensor([3.0, 4.0])
    assert_close(U.clip_grad_norm_(p, 1.0, norm_type="inf"), 4.0)
    assert_close(p.grad, [0.75, 1.0], rtol=1e-5)
    p.grad = torch.tensor([0.3, 0.4])
    U.clip_grad_norm_([p], 1.0)
    assert_close(p.grad, [0.3, 0.4], rtol=1e-5)
    assert_close(U.clip_grad_norm_([torch.nn.Parameter(torch.ones(1))], 1.0), 0.0)
    p.grad = torch.tensor([float("nan"), 4.0])
    with pytest.raises(
        RuntimeError,
        match="The total norm of order 2.0 for gradients from `parameters` is non-finite",
    ):
        U.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    p.grad = torch.tensor([3.0, -4.0])
    U.clip_grad_value_([p], 1.0)
    assert_close(p.grad, [1.0, -1.0])


def test_parameter_vector_conversion(torch):
    U = torch.nn.utils
    m = torch.nn.Linear(2, 3)
    U.vector_to_parameters(torch.arange(9.0), m.parameters())
    assert_close(m.weight, np.arange(6.0).reshape(3, 2))
    assert_close(m.bias, [6.0, 7.0, 8.0])
    v = U.parameters_to_vector(m.parameters())
    assert node_name(v) == "CatBackward0"
    assert_close(v, np.arange(9.0))


def test_pad_sequence(torch):
    from importlib import import_module

    rnn_utils = import_module(torch.__name__ + ".nn.utils.rnn")
    out = rnn_utils.pad_sequence([torch.ones(2), torch.ones(3) * 2], batch_first=True)
    assert_close(out, [[1.0, 1.0, 0.0], [2.0, 2.0, 2.0]])
    out = rnn_utils.pad_sequence([torch.ones(2, 4), torch.ones(3, 4)], padding_value=-1.0)
    assert tuple(out.shape) == (3, 2, 4)
    assert_close(out[2, 0], np.full(4, -1.0))


def test_feature_dropout_ranks_as_pytorch(torch):
    # pytorch/examples mnist_rnn: nn.Dropout2d on an (N, 64) LSTM output warns and drops
    # elements; a 3-D input to dropout2d is (N, C, L); dropout3d of a lower rank is one sample
    F = torch.nn.functional
    torch.manual_seed(0)
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d, which is deprecated"):
        out = torch.nn.Dropout2d(0.5)(torch.ones(64, 32))
    assert 0 < (out == 0).sum().item() < 64 * 32  # one draw per element
    assert set(out.flatten().tolist()) == {0.0, 2.0}
    with pytest.warns(UserWarning, match=r"interpreted as shape \(N, C, L\)"):
        out = F.dropout2d(torch.ones(4, 8, 5), 0.5)
    assert (out == out[:, :, :1]).all()  # one draw per (sample, channel)
    with pytest.warns(UserWarning, match="Received a 3-D input to dropout3d"):
        out = F.dropout3d(torch.ones(16, 3, 2), 0.5)
    assert (out == out[:, :1, :1]).all() and 0 < (out[:, 0, 0] == 0).sum() < 16
    with pytest.raises(RuntimeError, match=r"received a 4D input\. Note that dropout1d exists"):
        F.dropout1d(torch.ones(2, 3, 4, 5), 0.5)
    with pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions"):
        F.dropout2d(torch.ones(3), 0.5)
    with pytest.warns(UserWarning, match="1-D input to dropout2d"):
        assert F.dropout2d(torch.ones(3), 0.5, training=False).tolist() == [1.0, 1.0, 1.0]


def test_binary_cross_entropy_gradient_at_saturated_inputs(torch):
    # PyTorch's explicit backward, (p - t) / max(p (1 - p), 1e-12): finite where the clamped
    # logs' own derivative is 0 * inf (a sigmoid saturated to exactly 0 or 1: NaN before)
    F = torch.nn.functional
    x = torch.tensor([0.0, 1.0, 1e-30, 0.5], requires_grad=True)
    t = torch.tensor([1.0, 0.0, 1.0, 1.0], requires_grad=True)
    F.binary_cross_entropy(x, t, reduction="sum").backward()
    assert x.grad.tolist() == [-999999995904.0, 999999995904.0, -999999995904.0, -2.0]
    assert t.grad.tolist()[:2] == [float("inf"), float("-inf")]  # -logit(p), unclamped
    assert t.grad[2].item() == pytest.approx(69.07755279541016) and t.grad[3].item() == 0.0
    x.grad = None
    F.binary_cross_entropy(x, t.detach()).backward()  # mean: divided by the count last
    assert x.grad.tolist() == [-249999998976.0, 249999998976.0, -249999998976.0, -0.5]
    s = torch.sigmoid(torch.tensor([40.0, -200.0], requires_grad=True))
    loss = torch.nn.BCELoss()(s, torch.tensor([0.0, 1.0]))
    assert loss.item() == 100.0
    loss.backward()
    assert not torch.isnan(s.grad if s.grad is not None else torch.zeros(1)).any()


def test_binary_cross_entropy_weight_cannot_require_grad(torch):
    F = torch.nn.functional
    x, t = torch.tensor([0.3, 0.5], requires_grad=True), torch.tensor([0.2, 1.0])
    w = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        F.binary_cross_entropy(x, t, w)
    assert str(info.value) == (
        "The function 'binary_cross_entropy' is not differentiable with respect to argument "
        "'weight'. This input cannot have requires_grad True."
    )
    with torch.no_grad():
        assert F.binary_cross_entropy(x, t, w).item() == pytest.approx(0.6096408, abs=1e-6)
