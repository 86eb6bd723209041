"""Ops outside the core issue's list that ported tutorials commonly use."""

import numpy as np
import pytest
from _helpers import assert_close, assert_equal

M = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]


@pytest.mark.parametrize(
    "name, fn, expected, node",
    [
        ("roll", lambda t, x: t.roll(x, 1, 1), np.roll(M, 1, 1), "RollBackward0"),
        ("tile", lambda t, x: x.tile((1, 2)), np.tile(M, (1, 2)), "RepeatBackward0"),
        (
            "repeat_interleave",
            lambda t, x: x.repeat_interleave(2, 0),
            np.repeat(M, 2, 0),
            "ViewBackward0",
        ),
        (
            "addcmul",
            lambda t, x: t.addcmul(x, x, x, value=0.5),
            np.array(M) + 0.5 * np.array(M) ** 2,
            "AddcmulBackward0",
        ),
        (
            "addcdiv",
            lambda t, x: t.addcdiv(x, x, x + 1, value=2),
            np.array(M) + 2 * np.array(M) / (np.array(M) + 1),
            "AddcdivBackward0",
        ),
        ("diff", lambda t, x: t.diff(x), np.diff(M), "SubBackward0"),
        ("median", lambda t, x: x.median(), 3.0, "MedianBackward0"),
        ("median_dim", lambda t, x: x.median(1).values, [2.0, 5.0], "MedianBackward1"),
        (
            "masked_select",
            lambda t, x: x.masked_select(x > 2),
            [3.0, 4.0, 5.0, 6.0],
            "MaskedSelectBackward0",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_values_and_nodes(torch, name, fn, expected, node):
    x = torch.tensor(M, requires_grad=True)
    y = fn(torch, x)
    assert_close(y, expected, rtol=1e-6)
    assert y.grad_fn.name() == node
    y.sum().backward()
    assert x.grad.shape == x.shape


def test_data_dependent_shapes(torch):
    assert_equal(torch.tensor([0, 1, 1, 3]).bincount(), [1, 2, 0, 1])
    assert_equal(torch.bincount(torch.tensor([0, 2]), minlength=4), [1, 0, 1, 0])
    values, inverse, counts = torch.unique(
        torch.tensor([3, 1, 3]), return_inverse=True, return_counts=True
    )
    assert_equal(values, [1, 3])
    assert_equal(inverse, [1, 0, 1])
    assert_equal(counts, [1, 2])
    assert_equal(torch.searchsorted(torch.tensor([1, 3, 5]), torch.tensor([2, 5])), [1, 2])
    assert_equal(torch.bucketize(torch.tensor([2, 5]), torch.tensor([1, 3, 5]), right=True), [1, 3])


def test_meshgrid_and_cross(torch):
    a, b = torch.meshgrid(torch.arange(2), torch.arange(3), indexing="ij")
    assert_equal(a, [[0, 0, 0], [1, 1, 1]])
    assert_equal(b, [[0, 1, 2], [0, 1, 2]])
    xa, _ = torch.meshgrid(torch.arange(2), torch.arange(3), indexing="xy")
    assert tuple(xa.shape) == (3, 2)
    assert_equal(
        torch.cross(torch.tensor([1.0, 0, 0]), torch.tensor([0.0, 1, 0]), dim=0), [0.0, 0.0, 1.0]
    )


X2 = [[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]]


@pytest.mark.parametrize(
    "fn, node",
    [
        (lambda t, x: t.take_along_dim(x, t.tensor([[0], [2]]), 1), "GatherBackward0"),
        (lambda t, x: x.tensor_split(2, 1)[0], "SliceBackward0"),
        (lambda t, x: t.rot90(x, 1, (0, 1)), "Rot90Backward0"),
        (lambda t, x: t.dist(x, t.zeros(2, 3)), "DistBackward0"),
        (lambda t, x: t.std_mean(x, 1)[0], "StdMeanBackward0"),
        (lambda t, x: t.var_mean(x)[1], "VarMeanBackward0"),
        (lambda t, x: x.kthvalue(2, 1).values, "KthvalueBackward0"),
        (lambda t, x: t.cdist(x, x), "CdistBackward0"),
        (lambda t, x: t.logaddexp(x, x), "LogaddexpBackward0"),
        (lambda t, x: x.hypot(x), "HypotBackward0"),
        (lambda t, x: t.lgamma(x), "LgammaBackward0"),
        (lambda t, x: t.digamma(x), "DigammaBackward0"),
        (lambda t, x: x.erfc(), "ErfcBackward0"),
        (lambda t, x: t.logit(x / 10), "LogitBackward0"),
        (lambda t, x: x.frac(), "FracBackward0"),
        (lambda t, x: t.xlogy(x, x), "XlogyBackward0"),
        (lambda t, x: x.deg2rad(), "Deg2RadBackward0"),
    ],
)
def test_math_ops_nodes(torch, fn, node):
    x = torch.tensor(X2, requires_grad=True)
    assert fn(torch, x).grad_fn.name() == node


def test_math_ops_values_and_gradients(torch):
    x = torch.tensor(X2, requires_grad=True)
    assert_close(torch.take_along_dim(x, torch.tensor([[0], [2]]), 1), [[1.0], [6.0]])
    assert_close(torch.rot90(x, 1, (0, 1)), np.rot90(X2, 1, (0, 1)))
    assert_close(torch.dist(x, torch.zeros(2, 3)), np.linalg.norm(X2), rtol=1e-6)
    assert_close(x.kthvalue(2, 1).values, [3.0, 4.0])
    d = np.sqrt(((np.array(X2)[:, None] - np.array(X2)[None]) ** 2).sum(-1))
    c = torch.cdist(x, x)
    assert_close(c, d, rtol=1e-6)
    c.sum().backward()  # zero distances on the diagonal: gradient 0 there, never nan
    assert np.isfinite(np.asarray(x.grad.tolist())).all()
    z = torch.zeros(3, requires_grad=True)
    z.norm().backward()
    assert_equal(z.grad, [0.0, 0.0, 0.0])
