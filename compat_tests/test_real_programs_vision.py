"""Blockers found by running published vision / tabular / classic-tutorial PyTorch programs
(pytorch/examples, the PyTorch tutorials, d2l.ai) unchanged under ``python -m torchlike``, each
reduced to the few lines that reproduce it."""

import math

import numpy as np


# ------------------------------------------------ d2l.ai softmax regression from scratch
# ``cross_entropy`` picks each row's label probability with ``y_hat[range(len(y_hat)), y]``:
# a range is a sequence of indices, as a list is.
def test_range_in_an_index_is_a_sequence(torch):
    y_hat = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    y = torch.tensor([0, 2])
    assert y_hat[range(len(y_hat)), y].tolist() == [1.0, 6.0]
    assert y_hat[range(1, 2)].tolist() == [[4.0, 5.0, 6.0]]
    assert y_hat[:, range(0, 3, 2)].tolist() == [[1.0, 3.0], [4.0, 6.0]]
    assert y_hat[range(2), range(2)].tolist() == [1.0, 5.0]
    x = torch.zeros(3, 2)
    x[range(2)] = 1.0
    assert x.tolist() == [[1.0, 1.0], [1.0, 1.0], [0.0, 0.0]]


def test_range_index_gradient(torch):
    w = torch.tensor([[0.125, 0.25, 0.625], [0.25, 0.25, 0.5]], requires_grad=True)
    loss = -torch.log(w[range(2), torch.tensor([0, 2])]).sum()
    loss.backward()
    picked = loss.grad_fn.next_functions[0][0].next_functions[0][0].next_functions[0][0]
    assert picked.name() == "IndexBackward0"
    assert w.grad.tolist() == [[-8.0, 0.0, 0.0], [0.0, 0.0, -2.0]]


# An empty sequence has no elements to give it a dtype: it indexes as an empty int64 index
# (``range(0)`` from a batch of length 0, an empty list of picked rows).
def test_empty_sequence_index(torch):
    x = torch.arange(12.0).reshape(3, 4)
    assert tuple(x[[]].shape) == (0, 4)
    assert tuple(x[range(0)].shape) == (0, 4)
    assert tuple(x[:, []].shape) == (3, 0)
    assert tuple(x[np.array([])].shape) == (0, 4)
    x[[]] = 1.0
    assert x.sum().item() == 66.0


# ------------------------------------------------ d2l.ai parameter management (``my_init``)
# ``m.weight.data *= m.weight.data.abs() >= 5`` multiplies by a bool mask: PyTorch's product
# gives -0 for a negative weight and nan for inf/nan, where a select of 0 would not.
def test_times_bool_mask_keeps_ieee_zeros_and_nans(torch):
    a = torch.tensor([-3.0, 2.0, -7.0, math.inf, math.nan])
    m = torch.tensor([False, False, True, False, False])
    for out in (a * m, m * a, a.mul(m), torch.mul(a, m)):
        assert out[2].item() == -7.0
        assert math.copysign(1.0, out[0].item()) == -1.0
        assert out[1].item() == 0.0 and math.copysign(1.0, out[1].item()) == 1.0
        assert math.isnan(out[3].item()) and math.isnan(out[4].item())
    b = a.clone()
    b *= m
    assert math.copysign(1.0, b[0].item()) == -1.0 and math.isnan(b[3].item())


def test_times_bool_mask_gradient(torch):
    w = torch.tensor([-3.0, 2.0, 4.0], requires_grad=True)
    m = torch.tensor([True, False, True])
    y = w * m
    assert type(y.grad_fn).__name__ == "MulBackward0"
    assert y.grad_fn._saved_other.dtype == torch.bool
    y.sum().backward()
    assert w.grad.tolist() == [1.0, 0.0, 1.0]
    assert (torch.tensor([1, 2, 3]) * m).tolist() == [1, 0, 3]
    assert (m * m).dtype == torch.bool


# ------------------------------------------------ spatial transformer tutorial (STN)
# The localization head starts at the identity transform, so every sample sits on a pixel
# center, where bilinear interpolation has a kink: the last bit of the base grid decides which
# neighbour the gradient of theta reads. PyTorch's base grid is linspace(-1, 1, n) * (n-1) / n.
def test_affine_grid_base_bits_and_identity_gradient(torch):
    F = torch.nn.functional
    for n, ac in ((7, False), (28, False), (13, True)):
        theta = torch.eye(2, 3).unsqueeze(0)
        grid = F.affine_grid(theta, (1, 1, 3, n), align_corners=ac)
        axis = torch.linspace(-1, 1, n) if ac else torch.linspace(-1, 1, n) * (n - 1) / n
        assert torch.equal(grid[0, 0, :, 0], axis)
    x = (torch.arange(35.0) ** 2).reshape(1, 1, 5, 7)
    theta = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]], requires_grad=True)
    grid = F.affine_grid(theta, (1, 1, 5, 7), align_corners=False)
    F.grid_sample(x, grid, align_corners=False).sum().backward()
    expected = torch.tensor([[[-11780.0, -196.0, -507.5], [-279.999755859375, -12320.0, -1592.5]]])
    assert torch.allclose(theta.grad, expected, rtol=1e-5, atol=0)  # exact centers: -542.5


def test_affine_grid_unit_size_warning(torch):
    import warnings

    theta = torch.eye(2, 3).unsqueeze(0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        grid = torch.nn.functional.affine_grid(theta, (1, 1, 1, 2), align_corners=True)
    assert grid.flatten().tolist() == [-1.0, 0.0, 1.0, 0.0]
    assert any("unit-size grids when align_corners=True" in str(w.message) for w in caught)


# ------------------------------------------------ hand-written augmentations (flip, crops)
# ``torch.flip(img, dims=[2])`` (a random horizontal flip), ``x.permute(dims=...)``,
# ``x.reshape(shape=...)``: the varargs sizes and dims also go by PyTorch's keyword.
def test_size_and_dims_keywords(torch):
    x = torch.arange(6.0).reshape(2, 3)
    assert torch.flip(x, dims=[1]).tolist() == [[2.0, 1.0, 0.0], [5.0, 4.0, 3.0]]
    assert torch.flip(input=x, dims=(0,)).tolist() == [[3.0, 4.0, 5.0], [0.0, 1.0, 2.0]]
    assert x.flip(dims=(0, 1)).tolist() == [[5.0, 4.0, 3.0], [2.0, 1.0, 0.0]]
    assert x.permute(dims=(1, 0)).shape == (3, 2)
    assert torch.permute(x, dims=(1, 0)).tolist() == x.t().tolist()
    assert x.reshape(shape=(3, 2)).shape == (3, 2)
    assert torch.reshape(x, shape=(6,)).shape == (6,)
    assert x.view(size=(3, 2)).shape == (3, 2)
    assert x.view(dtype=torch.int32).dtype == torch.int32
    assert x.expand(size=(2, 2, 3)).shape == (2, 2, 3)
    assert x.repeat(repeats=(1, 2)).shape == (2, 6)
    assert torch.tile(x, dims=(2,)).shape == (2, 6)
    assert x.tile(dims=(2, 1)).shape == (4, 3)


def test_size_keyword_errors(torch):
    import pytest

    x = torch.arange(6.0).reshape(2, 3)
    with pytest.raises(
        TypeError, match='flip\\(\\) missing 1 required positional arguments: "dims"'
    ):
        x.flip()
    with pytest.raises(TypeError):
        x.flip(dim=1)


# ------------------------------------------------ nn.FeatureAlphaDropout (SELU networks)
# The module drops whole channels, as F.feature_alpha_dropout does (it dropped elements).
def test_feature_alpha_dropout_module_drops_channels(torch):
    x = torch.ones(3, 4, 5, 5)
    torch.manual_seed(1)
    out = torch.nn.FeatureAlphaDropout(0.5)(x)
    after = torch.rand(1)
    torch.manual_seed(1)
    ref = torch.nn.functional.feature_alpha_dropout(x, 0.5, training=True)
    assert torch.equal(out, ref) and torch.equal(after, torch.rand(1))
    per_channel = out.flatten(2)
    assert torch.equal(per_channel.amax(-1), per_channel.amin(-1))  # one value per channel
    assert len(set(out.flatten().tolist())) == 2


# ------------------------------------------------ uint8 image code: ``(img * 1.5).byte()``
# A float value out of the integer type's range converts as PyTorch's CPU kernels convert it:
# truncated to int32 (int64 for uint8/int64), NaN and overflow to that type's minimum, then
# wrapped to the target; XLA's conversion saturates instead.
def test_float_to_integer_out_of_range_as_pytorch(torch):
    v = [-1.0, 256.0, 258.7, -300.2, 3.7, -3.7, 1e10, math.nan, math.inf, 128.5, -129.0]
    x = torch.tensor(v)
    assert x.to(torch.uint8).tolist() == [255, 0, 2, 212, 3, 253, 0, 0, 0, 128, 127]
    assert x.byte().tolist() == x.to(torch.uint8).tolist()
    assert x.to(torch.int8).tolist() == [-1, 0, 2, -44, 3, -3, 0, 0, 0, -128, 127]
    assert x.short().tolist() == [-1, 256, 258, -300, 3, -3, 0, 0, 0, 128, -129]
    low = -(2**31)
    assert x.int().tolist() == [-1, 256, 258, -300, 3, -3, low, low, low, 128, -129]
    assert x.long().tolist()[6:9] == [10000000000, -(2**63), -(2**63)]
    assert torch.tensor([2.0**31 + 10], dtype=torch.float64).byte().tolist() == [10]
    assert torch.tensor([300.0]).half().to(torch.uint8).tolist() == [44]


def test_float_to_integer_copy_as_pytorch(torch):
    a = torch.zeros(4, dtype=torch.uint8)
    a.copy_(torch.tensor([258.0, -1.0, 3.5, 1e10]))
    assert a.tolist() == [2, 255, 3, 0]
    b = torch.zeros(3, dtype=torch.int32)
    b[:] = torch.tensor([1e10, -2.5, math.nan])
    assert b.tolist() == [-(2**31), -2, -(2**31)]
