"""Views that share storage, ``__setitem__`` with every index kind, and autograd through writes
into views.

A view's expected contents are computed with the NumPy twin of the same view applied to an
array of flat storage indices, so a write through a view is checked element by element against
the storage positions it covers.  Strides, offsets, node names and error texts were read off
PyTorch 2.13.0 (CPU).
"""

import itertools
import re

import numpy as np
import pytest
from _helpers import assert_close, assert_equal, node_name

AN = np.arange(12.0).reshape(3, 4)
FLAT = np.arange(12).reshape(3, 4)  # storage index of every element of the base


def base(torch):
    """A fresh (3, 4) float tensor that is not itself a view."""
    return torch.tensor(AN.tolist())


# (id, torch view of x, numpy twin, shape, stride, storage_offset, is_contiguous)
VIEWS = [
    ("view_flat", lambda x: x.view(12), lambda a: a.reshape(12), (12,), (1,), 0, True),
    ("view_minus1", lambda x: x.view(-1), lambda a: a.reshape(12), (12,), (1,), 0, True),
    ("view_4x3", lambda x: x.view(4, 3), lambda a: a.reshape(4, 3), (4, 3), (3, 1), 0, True),
    (
        "view_as",
        lambda x: x.view_as(x.new_zeros(2, 6)),
        lambda a: a.reshape(2, 6),
        (2, 6),
        (6, 1),
        0,
        True,
    ),
    ("reshape", lambda x: x.reshape(2, 6), lambda a: a.reshape(2, 6), (2, 6), (6, 1), 0, True),
    ("flatten", lambda x: x.flatten(), lambda a: a.reshape(12), (12,), (1,), 0, True),
    (
        "unflatten",
        lambda x: x.unflatten(1, (2, 2)),
        lambda a: a.reshape(3, 2, 2),
        (3, 2, 2),
        (4, 2, 1),
        0,
        True,
    ),
    ("unsqueeze", lambda x: x.unsqueeze(1), lambda a: a[:, None], (3, 1, 4), (4, 4, 1), 0, True),
    ("squeeze", lambda x: x.view(3, 1, 4).squeeze(1), lambda a: a, (3, 4), (4, 1), 0, True),
    ("none_index", lambda x: x[None], lambda a: a[None], (1, 3, 4), (12, 4, 1), 0, True),
    ("transpose", lambda x: x.transpose(0, 1), lambda a: a.T, (4, 3), (1, 4), 0, False),
    ("permute", lambda x: x.permute(1, 0), lambda a: a.T, (4, 3), (1, 4), 0, False),
    ("t", lambda x: x.t(), lambda a: a.T, (4, 3), (1, 4), 0, False),
    ("T", lambda x: x.T, lambda a: a.T, (4, 3), (1, 4), 0, False),
    ("mT", lambda x: x.mT, lambda a: a.T, (4, 3), (1, 4), 0, False),
    ("movedim", lambda x: x.movedim(0, 1), lambda a: a.T, (4, 3), (1, 4), 0, False),
    ("swapaxes", lambda x: x.swapaxes(0, 1), lambda a: a.T, (4, 3), (1, 4), 0, False),
    ("select", lambda x: x.select(1, 2), lambda a: a[:, 2], (3,), (4,), 2, False),
    ("int_index", lambda x: x[1], lambda a: a[1], (4,), (1,), 4, True),
    ("neg_int_index", lambda x: x[-1], lambda a: a[-1], (4,), (1,), 8, True),
    ("int_int_slice", lambda x: x[-1, 1:3], lambda a: a[-1, 1:3], (2,), (1,), 9, True),
    ("ellipsis_int", lambda x: x[..., 1], lambda a: a[..., 1], (3,), (4,), 1, False),
    ("slice_step", lambda x: x[1:, ::2], lambda a: a[1:, ::2], (2, 2), (4, 2), 4, False),
    ("slice_rows", lambda x: x[1:3], lambda a: a[1:3], (2, 4), (4, 1), 4, True),
    ("narrow", lambda x: x.narrow(1, 1, 2), lambda a: a[:, 1:3], (3, 2), (4, 1), 1, False),
    ("diagonal", lambda x: x.diagonal(), lambda a: a.diagonal(), (3,), (5,), 0, False),
    ("diagonal_1", lambda x: x.diagonal(1), lambda a: a.diagonal(1), (3,), (5,), 1, False),
    ("diagonal_m1", lambda x: x.diagonal(-1), lambda a: a.diagonal(-1), (2,), (5,), 4, False),
    ("unbind", lambda x: x.unbind(1)[2], lambda a: a[:, 2], (3,), (4,), 2, False),
    ("unbind_rows", lambda x: x.unbind(0)[1], lambda a: a[1], (4,), (1,), 4, True),
    ("split", lambda x: x.split(2, 1)[1], lambda a: a[:, 2:4], (3, 2), (4, 1), 2, False),
    ("split_sizes", lambda x: x.split([1, 2], 0)[1], lambda a: a[1:3], (2, 4), (4, 1), 4, True),
    ("chunk", lambda x: x.chunk(3, 0)[2], lambda a: a[2:3], (1, 4), (4, 1), 8, True),
    (
        "as_strided",
        lambda x: x.as_strided((2, 2), (1, 4), 1),
        lambda a: a.reshape(12)[[[1, 5], [2, 6]]],
        (2, 2),
        (1, 4),
        1,
        False,
    ),
]
VIEW_IDS = [v[0] for v in VIEWS]
BY_ID = {v[0]: v for v in VIEWS}


@pytest.mark.parametrize("vid", VIEW_IDS)
def test_view_metadata(torch, vid):
    _, f, g, shape, stride, offset, contiguous = BY_ID[vid]
    x = base(torch)
    v = f(x)
    assert v.shape == shape
    assert v.stride() == stride
    assert v.storage_offset() == offset
    assert v.is_contiguous() is contiguous
    assert v._is_view() is True
    assert v._base is x
    assert v._version == 0
    assert_equal(v, g(AN))


def test_base_tensor_metadata(torch):
    x = base(torch)
    assert x._base is None
    assert x._is_view() is False
    assert x.is_contiguous()
    assert x.stride() == (4, 1)
    assert x.storage_offset() == 0


@pytest.mark.parametrize("vid", VIEW_IDS)
def test_write_through_view_changes_base(torch, vid):
    _, f, g, *_ = BY_ID[vid]
    x = base(torch)
    other = x.view(-1)  # an unrelated view taken before the write
    v = f(x)
    r = v.add_(100)
    assert r is v
    expected = AN.copy()
    expected.reshape(12)[g(FLAT).reshape(-1)] += 100
    assert_equal(x, expected)
    assert_equal(other, expected.reshape(12))
    assert_equal(v, g(expected))
    assert x._version == 1 and v._version == 1 and other._version == 1


@pytest.mark.parametrize("vid", VIEW_IDS)
def test_setitem_through_view_changes_base(torch, vid):
    _, f, g, *_ = BY_ID[vid]
    x = base(torch)
    v = f(x)
    v[...] = -1.0
    expected = AN.copy()
    expected.reshape(12)[g(FLAT).reshape(-1)] = -1.0
    assert_equal(x, expected)
    assert x._version == 1


@pytest.mark.parametrize("vid", VIEW_IDS + ["expand", "expand_as"])
def test_base_write_visible_in_view(torch, vid):
    x = base(torch)
    if vid == "expand":
        v, g = x[:1].expand(3, 4), lambda a: np.broadcast_to(a[:1], (3, 4))
    elif vid == "expand_as":
        v, g = x[:, :1].expand_as(x), lambda a: np.broadcast_to(a[:, :1], (3, 4))
    else:
        v, g = BY_ID[vid][1](x), BY_ID[vid][2]
    x.mul_(-2)
    assert_equal(v, g(AN * -2))
    x[1] = 0.5
    expected = AN * -2
    expected[1] = 0.5
    assert_equal(v, g(expected))
    assert v._version == 2


def test_expand_metadata(torch):
    x = base(torch)
    e = x[:1].expand(3, 4)
    assert e.stride() == (0, 1)
    assert e.storage_offset() == 0
    assert not e.is_contiguous()
    assert e._base is x
    c = x[:, :1].expand_as(x)
    assert c.stride() == (4, 0)
    assert c._base is x
    assert_equal(c, np.broadcast_to(AN[:, :1], (3, 4)))


PAIR_IDS = [
    "view_flat",
    "t",
    "int_index",
    "slice_step",
    "narrow",
    "diagonal",
    "unbind",
    "chunk",
    "ellipsis_int",
]


@pytest.mark.parametrize("wid, rid", list(itertools.permutations(PAIR_IDS, 2)))
def test_write_through_one_view_visible_in_another(torch, wid, rid):
    x = base(torch)
    reader = BY_ID[rid][1](x)  # taken before the write
    writer = BY_ID[wid][1](x)
    writer.mul_(-1)
    expected = AN.copy()
    expected.reshape(12)[BY_ID[wid][2](FLAT).reshape(-1)] *= -1
    assert_equal(reader, BY_ID[rid][2](expected))
    assert reader._version == writer._version == x._version == 1


# (id, chain of views from x, numpy twin, shape, stride, offset)
CHAINS = [
    (
        "view_slice_view_select",
        lambda x: x.view(-1)[2:10].view(2, 4)[1],
        lambda a: a.reshape(12)[2:10].reshape(2, 4)[1],
        (4,),
        (1,),
        6,
    ),
    ("t_slice_select", lambda x: x.t()[1:3][:, 0], lambda a: a.T[1:3][:, 0], (2,), (1,), 1),
    (
        "unsqueeze_expand_select",
        lambda x: x[0].unsqueeze(0).expand(2, 4)[1],
        lambda a: np.broadcast_to(a[0][None], (2, 4))[1],
        (4,),
        (1,),
        0,
    ),
    (
        "narrow_transpose_diagonal",
        lambda x: x.narrow(1, 1, 3).transpose(0, 1).diagonal(),
        lambda a: a[:, 1:4].T.diagonal(),
        (3,),
        (5,),
        1,
    ),
    (
        "view_permute_select",
        lambda x: x.view(3, 2, 2).permute(2, 0, 1)[1],
        lambda a: a.reshape(3, 2, 2).transpose(2, 0, 1)[1],
        (3, 2),
        (4, 2),
        1,
    ),
    (
        "split_view_step",
        lambda x: x.split(2, 0)[0].view(8)[::3],
        lambda a: a[:2].reshape(8)[::3],
        (3,),
        (3,),
        0,
    ),
    (
        "unsqueeze_unsqueeze_squeeze_t",
        lambda x: x.unsqueeze(0).unsqueeze(2).squeeze().t(),
        lambda a: a.T,
        (4, 3),
        (1, 4),
        0,
    ),
    ("unbind_chunk", lambda x: x.unbind(0)[1].chunk(2)[1], lambda a: a[1][2:], (2,), (1,), 6),
    ("select_slice_neg", lambda x: x[-1][-2:], lambda a: a[-1][-2:], (2,), (1,), 10),
    ("t_t_flatten", lambda x: x.t().t().flatten()[5:], lambda a: a.reshape(12)[5:], (7,), (1,), 5),
    (
        "diagonal_of_slice_unsqueeze",
        lambda x: x[1:, 1:].diagonal().unsqueeze(1)[:, 0],
        lambda a: a[1:, 1:].diagonal(),
        (2,),
        (5,),
        5,
    ),
]
CHAIN_IDS = [c[0] for c in CHAINS]
CHAIN_BY_ID = {c[0]: c for c in CHAINS}


@pytest.mark.parametrize("cid", CHAIN_IDS)
def test_chain_of_views(torch, cid):
    _, f, g, shape, stride, offset = CHAIN_BY_ID[cid]
    x = base(torch)
    flat = x.view(12)
    v = f(x)
    assert v.shape == shape
    assert v.stride() == stride
    assert v.storage_offset() == offset
    assert v._base is x  # always the root, never an intermediate view
    assert v._is_view()
    assert_equal(v, g(AN))
    v.fill_(-7.0)
    expected = AN.copy()
    expected.reshape(12)[g(FLAT).reshape(-1)] = -7.0
    assert_equal(x, expected)
    assert_equal(flat, expected.reshape(12))
    flat.add_(1)  # and back: a write through another view reaches the chain end
    assert_equal(v, g(expected + 1))
    assert x._version == v._version == flat._version == 2


def test_view_of_view_base_is_root(torch):
    x = base(torch)
    a = x.view(-1)
    b = a.view(3, 4)
    c = b[1:].t()
    assert a._base is x and b._base is x and c._base is x
    z = torch.zeros(2, 3, 4)
    assert z.view(-1)._base is z
    assert z[1][2]._base is z


def test_nested_writes_in_any_order(torch):
    x = base(torch)
    row = x[1]
    col = x[:, 2]
    flat = x.view(-1)
    diag = x.diagonal()
    row.fill_(0.0)  # x[1, :] = 0
    col.add_(10)  # x[:, 2] += 10
    flat[0] = -1.0  # x[0, 0]
    diag.mul_(2)  # x[i, i] *= 2
    expected = AN.copy()
    expected[1] = 0
    expected[:, 2] += 10
    expected[0, 0] = -1
    expected[[0, 1, 2], [0, 1, 2]] *= 2
    for t, e in [
        (x, expected),
        (row, expected[1]),
        (col, expected[:, 2]),
        (flat, expected.reshape(12)),
        (diag, expected.diagonal()),
    ]:
        assert_equal(t, e)
        assert t._version == 4


def test_multi_output_view_pieces_write_back(torch):
    x = torch.zeros(2, 3)
    a, b = x.unbind(0)
    a.fill_(1.0)
    s = x.split(1, 1)
    s[2].add_(5.0)
    c = x.chunk(3, 1)
    c[1].sub_(2.0)
    assert_equal(x, [[1.0, -1.0, 6.0], [0.0, -2.0, 5.0]])
    assert_equal(b, [0.0, -2.0, 5.0])
    assert x._version == 3


# ---------------------------------------------------------------- detach / .data / copies


def test_detach_shares_storage_and_version(torch):
    x = base(torch)
    d = x.detach()
    assert d._base is None
    assert d._is_view() is False
    assert d.stride() == (4, 1)
    d[0, 0] = 100.0
    assert x[0, 0].item() == 100.0
    assert x._version == 1 and d._version == 1
    x.add_(1)
    assert d[0, 1].item() == 2.0
    assert d._version == 2


def test_data_shares_storage_not_version(torch):
    x = base(torch)
    dd = x.data
    assert dd._base is None
    assert dd._is_view() is False
    dd[0, 0] = 100.0
    assert x[0, 0].item() == 100.0
    assert dd._version == 1 and x._version == 0
    x.add_(1)
    assert dd[0, 0].item() == 101.0
    assert x._version == 1 and dd._version == 1


def test_view_of_detached_tensor(torch):
    x = base(torch)
    d = x.detach().view(2, 6)[:, 5]
    assert d._base is not x  # its root is the detached alias
    assert d._is_view()
    d.fill_(-1.0)
    expected = AN.copy()
    expected.reshape(12)[[5, 11]] = -1.0
    assert_equal(x, expected)


def test_detach_of_grad_tensor_writes_through(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    d = y.detach()
    d[0] = 100.0
    assert_equal(y, [100.0, 2.0, 3.0])
    assert y._version == 1
    assert x.requires_grad and not d.requires_grad


@pytest.mark.parametrize(
    "make",
    [
        lambda x: x.clone(),
        lambda x: x.t().reshape(12),
        lambda x: x.t().contiguous(),
        lambda x: x.t().flatten(),
        lambda x: x[[0, 2]],
        lambda x: x[x > 5],
        lambda x: x + 0,
    ],
    ids=[
        "clone",
        "reshape_noncontig",
        "contiguous_noncontig",
        "flatten_noncontig",
        "advanced_index",
        "mask_index",
        "add",
    ],
)
def test_copies_do_not_share_storage(torch, make):
    x = base(torch)
    c = make(x)
    assert c._base is None
    assert c._is_view() is False
    assert c.is_contiguous()
    c.fill_(-5.0)
    assert_equal(x, AN)
    assert x._version == 0


def test_contiguous_of_contiguous_is_self(torch):
    x = base(torch)
    assert x.contiguous() is x
    t = x.t()
    assert t.contiguous() is not t
    assert t.contiguous().stride() == (3, 1)


def test_setitem_on_advanced_index_result_does_not_write_back(torch):
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    x[[0, 1]][0] = 5.0
    x[torch.tensor([True, False])][0] = 5.0
    assert_equal(x, [[1.0, 2.0], [3.0, 4.0]])
    x[0][1] = 9.0  # basic indexing returns views: these do write back
    x[:, 1][1] = 8.0
    x[0, None][0, 0] = 7.0
    assert_equal(x, [[7.0, 9.0], [3.0, 8.0]])


VIEW_ERR = (
    "view size is not compatible with input tensor's size and stride (at least one "
    "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
)


def test_view_on_noncontiguous_raises(torch):
    for shape in [(12,), (-1,), (2, 6)]:
        with pytest.raises(RuntimeError, match=re.escape(VIEW_ERR)):
            torch.zeros(3, 4).t().view(*shape)


# view() of a non-contiguous tensor: allowed exactly where PyTorch's computeStride finds
# strides (each run of mutually contiguous dimensions may be regrouped, never two merged).
# (id, view of the (2, 3, 12) base, numpy twin on flat indices, shape, stride, offset)
A3 = np.arange(72.0).reshape(2, 3, 12)
FLAT3 = np.arange(72).reshape(2, 3, 12)
VIEWS_OF_VIEWS = [
    (
        "split_heads",
        lambda x: x.split(4, dim=2)[1].view(2, 3, 2, 2).transpose(1, 2),
        lambda a: a[:, :, 4:8].reshape(2, 3, 2, 2).transpose(0, 2, 1, 3),
        (2, 2, 3, 2),
        (36, 2, 12, 1),
        4,
    ),
    (
        "split_last",
        lambda x: x.split(4, dim=2)[2].view(2, 3, 2, 2),
        lambda a: a[:, :, 8:].reshape(2, 3, 2, 2),
        (2, 3, 2, 2),
        (36, 12, 2, 1),
        8,
    ),
    (
        "chunk_rows",
        lambda x: x.chunk(3, 1)[1].view(2, 12),
        lambda a: a[:, 1].reshape(2, 12),
        (2, 12),
        (36, 1),
        12,
    ),
    (
        "chunk_cols",
        lambda x: x.chunk(2, 2)[1].view(2, 3, 3, 2),
        lambda a: a[:, :, 6:].reshape(2, 3, 3, 2),
        (2, 3, 3, 2),
        (36, 12, 2, 1),
        6,
    ),
    (
        "narrow",
        lambda x: x.narrow(2, 3, 6).view(2, 3, 2, 3),
        lambda a: a[:, :, 3:9].reshape(2, 3, 2, 3),
        (2, 3, 2, 3),
        (36, 12, 3, 1),
        3,
    ),
    (
        "narrow_rows",
        lambda x: x.narrow(1, 1, 2).view(2, 24),
        lambda a: a[:, 1:3].reshape(2, 24),
        (2, 24),
        (36, 1),
        12,
    ),
    (
        "transpose",
        lambda x: x.transpose(0, 1).view(3, 2, 3, 4),
        lambda a: a.transpose(1, 0, 2).reshape(3, 2, 3, 4),
        (3, 2, 3, 4),
        (12, 36, 4, 1),
        0,
    ),
    (
        "transpose_regroup",
        lambda x: x.transpose(1, 2).view(2, 12, 3).view(2, 2, 6, 3),
        lambda a: a.transpose(0, 2, 1).reshape(2, 2, 6, 3),
        (2, 2, 6, 3),
        (36, 6, 1, 12),
        0,
    ),
    (
        "permute",
        lambda x: x.permute(2, 0, 1).view(3, 4, 6),
        lambda a: a.transpose(2, 0, 1).reshape(3, 4, 6),
        (3, 4, 6),
        (4, 1, 12),
        0,
    ),
    (
        "strided_rows",
        lambda x: x[:, ::2].view(2, 2, 2, 6),
        lambda a: a[:, ::2].reshape(2, 2, 2, 6),
        (2, 2, 2, 6),
        (36, 24, 6, 1),
        0,
    ),
    (
        "strided_cols",
        lambda x: x[:, :, ::3].view(6, 4),
        lambda a: a[:, :, ::3].reshape(6, 4),
        (6, 4),
        (12, 3),
        0,
    ),
    (
        "strided_merge",
        lambda x: x[:, :, ::2].view(2, 18),
        lambda a: a[:, :, ::2].reshape(2, 18),
        (2, 18),
        (36, 2),
        0,
    ),
    (
        "strided_slice_of_view",
        lambda x: x.view(6, 12)[::2].view(3, 2, 6),
        lambda a: a.reshape(6, 12)[::2].reshape(3, 2, 6),
        (3, 2, 6),
        (24, 6, 1),
        0,
    ),
    (
        "select",
        lambda x: x[:, 1].view(2, 3, 4),
        lambda a: a[:, 1].reshape(2, 3, 4),
        (2, 3, 4),
        (36, 4, 1),
        12,
    ),
    (
        "unsqueeze_split",
        lambda x: x.split(6, 2)[1].unsqueeze(0).view(2, 3, 6),
        lambda a: a[:, :, 6:],
        (2, 3, 6),
        (36, 12, 1),
        6,
    ),
]
VV_BY_ID = {v[0]: v for v in VIEWS_OF_VIEWS}


@pytest.mark.parametrize("vid", list(VV_BY_ID))
def test_view_of_noncontiguous_metadata(torch, vid):
    _, f, g, shape, stride, offset = VV_BY_ID[vid]
    x = torch.tensor(A3.tolist())
    v = f(x)
    assert v.shape == shape
    assert v.stride() == stride
    assert v.storage_offset() == offset
    assert v.is_contiguous() is False
    assert v._base is x
    assert_equal(v, g(A3))


@pytest.mark.parametrize("vid", list(VV_BY_ID))
def test_view_of_noncontiguous_shares_storage(torch, vid):
    _, f, g, *_ = VV_BY_ID[vid]
    x = torch.tensor(A3.tolist())
    v = f(x)
    v.add_(1000)  # a write through the view reaches the base ...
    expected = A3.copy()
    expected.reshape(-1)[g(FLAT3).reshape(-1)] += 1000
    assert_equal(x, expected)
    x.mul_(-1)  # ... and a write to the base reaches the view
    assert_equal(v, g(-expected))
    assert x._version == 2 and v._version == 2


def test_nanogpt_attention_heads(torch):
    B, T, C, nh = 2, 3, 8, 2
    x = torch.arange(float(B * T * 3 * C)).view(B, T, 3 * C).requires_grad_()
    q, k, v = x.split(C, dim=2)
    k = k.view(B, T, nh, C // nh).transpose(1, 2)
    q = q.view(B, T, nh, C // nh).transpose(1, 2)
    assert k.stride() == (72, 4, 24, 1) and k.storage_offset() == 8
    assert q.stride() == (72, 4, 24, 1) and q.storage_offset() == 0
    assert node_name(k) == "TransposeBackward0"
    (q * k).sum().backward()
    g = np.zeros((B, T, 3 * C))
    a = np.arange(float(B * T * 3 * C)).reshape(B, T, 3 * C)
    g[:, :, :C], g[:, :, C : 2 * C] = a[:, :, C : 2 * C], a[:, :, :C]
    assert_equal(x.grad, g)


NOT_VIEWABLE = [
    ("t", lambda torch: torch.zeros(3, 4).t(), (-1,)),
    ("split_merge", lambda torch: torch.zeros(2, 3, 12).split(4, dim=2)[1], (-1,)),
    ("split_then_merge", lambda torch: torch.zeros(2, 3, 12).split(4, dim=2)[1].view(6, 4), (24,)),
    ("narrow_merge", lambda torch: torch.zeros(2, 3, 12).narrow(1, 0, 2), (-1,)),
    ("transpose_merge", lambda torch: torch.zeros(2, 3, 12).transpose(1, 2), (2, 36)),
    ("strided_merge", lambda torch: torch.zeros(2, 3, 12)[:, ::2], (2, 24)),
    ("expand", lambda torch: torch.zeros(3, 1).expand(3, 4), (12,)),
]


@pytest.mark.parametrize(
    "make,shape", [v[1:] for v in NOT_VIEWABLE], ids=[v[0] for v in NOT_VIEWABLE]
)
def test_view_of_noncontiguous_raises(torch, make, shape):
    t = make(torch)
    with pytest.raises(RuntimeError, match=re.escape(VIEW_ERR)):
        t.view(*shape)
    r = t.reshape(*shape)  # reshape copies instead
    assert r.is_contiguous() and r._base is None


# ---------------------------------------------------------------------------- __setitem__

B3 = np.arange(24.0).reshape(2, 3, 4)
MASK3 = (np.arange(24).reshape(2, 3, 4) % 3 == 0).tolist()

# (id, index builder: T -> index, where T builds an index array: torch.tensor or np.array)
SETITEM_INDEXES = [
    ("int", lambda T: 1),
    ("neg_int", lambda T: -1),
    ("int_pair", lambda T: (1, 2)),
    ("int_triple_neg", lambda T: (0, -1, 3)),
    ("slice", lambda T: slice(0, 1)),
    ("slice_step", lambda T: (slice(None), slice(0, 3, 2), slice(1, None, 2))),
    ("slice_open_end", lambda T: (slice(None), slice(1, None))),
    ("none", lambda T: None),
    ("int_none_int", lambda T: (0, None, 1)),
    ("ellipsis", lambda T: Ellipsis),
    ("ellipsis_int", lambda T: (Ellipsis, 0)),
    ("int_ellipsis_slice", lambda T: (0, Ellipsis, slice(1, 3))),
    ("bool_mask_full", lambda T: T(MASK3)),
    ("bool_mask_dim0", lambda T: T([False, True])),
    ("slice_bool_mask", lambda T: (slice(None), T([True, False, True]))),
    ("int_bool_mask", lambda T: (0, T([True, False, True]))),
    ("int_tensor", lambda T: T([1, 0])),
    ("int_tensor_2d", lambda T: (0, T([[0], [2]]))),
    ("int_tensor_neg", lambda T: (slice(None), T([-1]))),
    ("int_tensor_0d", lambda T: T(1)),
    ("list_of_ints", lambda T: [1, 0]),
    ("ellipsis_list", lambda T: (Ellipsis, [1, 3])),
    ("int_list_slice", lambda T: (1, [0, 2], slice(None))),
    ("two_tensors", lambda T: (T([0, 1, 1]), T([2, 0, 1]))),
    ("tensors_around_slice", lambda T: (T([0, 1]), slice(None), T([3, 0]))),
    ("slice_tensor", lambda T: (slice(None), T([2, 0]))),
]
SETITEM_BY_ID = dict(SETITEM_INDEXES)


def _value(kind, shape, torch):
    """(torch value, numpy value) of the given kind that broadcasts to an indexing ``shape``."""
    if kind == "scalar":
        return -7.5, -7.5
    if kind == "int_scalar":
        return -3, -3
    if kind == "0d":
        return torch.tensor(-2.0), np.float64(-2.0)
    row = (100.0 + np.arange(shape[-1] if shape else 1)).reshape(shape[-1:])
    return torch.tensor(row.tolist()), row


@pytest.mark.parametrize("kind", ["scalar", "int_scalar", "0d", "row"])
@pytest.mark.parametrize("iid", list(SETITEM_BY_ID))
def test_setitem_index_kinds(torch, iid, kind):
    make = SETITEM_BY_ID[iid]
    x = torch.tensor(B3.tolist())
    alias = x.view(-1)
    expected = B3.copy()
    np_index = make(np.array)
    tv, nv = _value(kind, expected[np_index].shape, torch)
    expected[np_index] = nv
    x[make(torch.tensor)] = tv
    assert x.dtype == torch.float32
    assert x._version == 1
    assert_equal(x, expected)
    assert_equal(alias, expected.reshape(-1))


def test_setitem_int_slice_list_keeps_torch_dim_order(torch):
    """An int is basic indexing in torch (NumPy would move the list's dim to the front)."""
    x = torch.zeros(2, 3, 4)
    assert x[1, :, [0, 2]].shape == (3, 2)
    x[1, :, [0, 2]] = torch.tensor([5.0, 6.0])
    expected = np.zeros((2, 3, 4))
    expected[1][:, 0] = 5.0
    expected[1][:, 2] = 6.0
    assert_equal(x, expected)


@pytest.mark.parametrize(
    "dtype, index, value, expected",
    [
        ("int64", 0, 2.7, [2, 2, 3]),
        ("int64", 1, -2.7, [1, -2, 3]),
        ("int64", slice(1, None), [1.9, -1.9], [1, 1, -1]),
        ("int64", Ellipsis, 0.5, [0, 0, 0]),
        ("int32", [0, 2], 9.99, [9, 2, 9]),
        ("float32", 0, True, [1.0, 2.0, 3.0]),
        ("float32", slice(None, 2), [7, 8], [7.0, 8.0, 3.0]),
        ("float32", 2, 0.1, [1.0, 2.0, 0.1]),
    ],
)
def test_setitem_casts_value_to_self_dtype(torch, dtype, index, value, expected):
    dt = getattr(torch, dtype)
    x = torch.tensor([1, 2, 3], dtype=dt)
    x[index] = torch.tensor(value) if isinstance(value, list) else value
    assert x.dtype == dt
    assert_close(x, expected)


def test_setitem_into_bool_and_from_other_dtypes(torch):
    b = torch.tensor([True, False, False])
    b[1] = 5
    b[2] = 0.0
    assert b.dtype == torch.bool
    assert_equal(b, [True, True, False])
    f = torch.zeros(3)
    f[:] = torch.tensor([1.5, 2.5, 3.5], dtype=torch.float64)
    assert f.dtype == torch.float32
    assert_equal(f, [1.5, 2.5, 3.5])
    h = torch.zeros(2, dtype=torch.float16)
    h[0] = torch.tensor(0.1)
    assert h.dtype == torch.float16
    assert_close(h, [0.0999755859375, 0.0], rtol=0, atol=0)


def test_setitem_tensor_value_broadcast_2d(torch):
    x = torch.zeros(3, 4)
    x[1:] = torch.tensor([[1.0], [2.0]])
    x[0, ::2] = torch.tensor([5.0, 6.0])
    x[:, 3] = torch.tensor(9.0)
    assert_equal(x, [[5.0, 0, 6, 9], [1, 1, 1, 9], [2, 2, 2, 9]])
    assert x._version == 3


def test_setitem_value_is_copied(torch):
    x = torch.zeros(3)
    v = torch.tensor([1.0, 2.0, 3.0])
    x[:] = v
    v.add_(10)
    assert_equal(x, [1.0, 2.0, 3.0])
    assert v._version == 1 and x._version == 1


def test_setitem_from_overlapping_view_of_self(torch):
    x = torch.tensor([1.0, 2.0, 3.0, 4.0])
    x[1:] = x[:-1].clone()
    assert_equal(x, [1.0, 1.0, 2.0, 3.0])
    y = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    y[0] = y[1]
    assert_equal(y, [[3.0, 4.0], [3.0, 4.0]])


@pytest.mark.parametrize(
    "make, exc, msg",
    [
        (
            lambda t: t.zeros(2, 3).__setitem__(0, t.zeros(2)),
            RuntimeError,
            "The expanded size of the tensor (3) must match the existing size (2) at non-singleton "
            "dimension 0.  Target sizes: [3].  Tensor sizes: [2]",
        ),
        (
            lambda t: t.zeros(2, 3).__setitem__(slice(None), t.zeros(3, 3)),
            RuntimeError,
            "The expanded size of the tensor (2) must match the existing size (3) at non-singleton "
            "dimension 0.  Target sizes: [2, 3].  Tensor sizes: [3, 3]",
        ),
        (
            lambda t: t.zeros(2, 3).__setitem__(t.tensor([True, False]), t.zeros(2, 3)),
            RuntimeError,
            "shape mismatch: value tensor of shape [2, 3] cannot be broadcast to indexing result of "
            "shape [1, 3]",
        ),
        (
            lambda t: t.zeros(3).__setitem__(3, 1.0),
            IndexError,
            "index 3 is out of bounds for dimension 0 with size 3",
        ),
        (
            lambda t: t.zeros(3).__setitem__(-4, 1.0),
            IndexError,
            "index -4 is out of bounds for dimension 0 with size 3",
        ),
        (
            lambda t: t.zeros(3).__setitem__(t.tensor([3]), 1.0),
            IndexError,
            "index 3 is out of bounds for dimension 0 with size 3",
        ),
    ],
    ids=["select_shape", "slice_shape", "mask_shape", "int_oob", "neg_int_oob", "tensor_oob"],
)
def test_setitem_errors(torch, make, exc, msg):
    with pytest.raises(exc, match=re.escape(msg)):
        make(torch)


# ------------------------------------------------------------- autograd through view writes

XA = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def leaf(torch):
    return torch.tensor(XA.tolist(), requires_grad=True)


def test_grad_setitem_on_clone(torch):
    x = leaf(torch)
    y = x.clone()
    y[0] = 0
    assert y.requires_grad and not y.is_leaf
    assert_equal(y, [[0.0, 0.0, 0.0], [4.0, 5.0, 6.0]])
    y.sum().backward()
    assert_equal(x.grad, [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])


def test_grad_inplace_on_column_view(torch):
    x = leaf(torch)
    y = x * 1
    y[:, 1].mul_(3)
    expected = XA.copy()
    expected[:, 1] *= 3
    assert_equal(y, expected)
    (y * y).sum().backward()
    gx = 2 * XA
    gx[:, 1] *= 9
    assert_equal(x.grad, gx)


def test_grad_setitem_grad_value_into_view(torch):
    x = leaf(torch)
    w = torch.tensor(10.0, requires_grad=True)
    y = x * 1
    v = y.view(-1)
    v[2] = w
    assert y[0, 2].item() == 10.0
    weights = np.arange(6.0).reshape(2, 3)
    (y * torch.tensor(weights.tolist())).sum().backward()
    gx = weights.copy()
    gx[0, 2] = 0
    assert_equal(x.grad, gx)
    assert_equal(w.grad, 2.0)


def test_grad_setitem_grad_value_through_view_loss(torch):
    x = leaf(torch)
    w = torch.tensor(10.0, requires_grad=True)
    y = x * 1
    v = y.view(-1)
    v[2] = w
    (v * torch.arange(6.0)).sum().backward()  # the loss reads the view, not the base
    assert_equal(x.grad, [[0.0, 1.0, 0.0], [3.0, 4.0, 5.0]])
    assert_equal(w.grad, 2.0)


def test_grad_setitem_into_plain_tensor(torch):
    w = torch.tensor(2.0, requires_grad=True)
    y = torch.zeros(3)
    y[1] = w * 2
    assert y.requires_grad and not y.is_leaf
    (y * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert_equal(w.grad, 20.0)


def test_grad_inplace_on_transposed_view(torch):
    x = leaf(torch)
    y = x * 2
    y.t().add_(1)
    assert_equal(y, 2 * XA + 1)
    y.sum().backward()
    assert_equal(x.grad, np.full((2, 3), 2.0))


def test_grad_view_taken_before_base_modified(torch):
    x = leaf(torch)
    y = x * 2
    v = y[1]
    y.mul_(2)
    assert_equal(v, 4 * XA[1])  # the view sees the base's new values
    v.sum().backward()
    assert_equal(x.grad, [[0.0, 0.0, 0.0], [4.0, 4.0, 4.0]])


def test_grad_two_overlapping_views_modified(torch):
    x = leaf(torch)
    y = x * 1
    a = y[0]
    b = y[:, 0]
    a.mul_(2)
    b.mul_(3)
    assert_equal(y, [[6.0, 4.0, 6.0], [12.0, 5.0, 6.0]])
    assert_equal(a, [6.0, 4.0, 6.0])
    y.sum().backward()
    assert_equal(x.grad, [[6.0, 2.0, 2.0], [3.0, 1.0, 1.0]])


def test_grad_nested_view_write(torch):
    x = leaf(torch)
    y = x * 1
    v = y.view(-1)[1:5].view(2, 2)[1]
    v.mul_(10)
    assert_equal(y, [[1.0, 2.0, 3.0], [40.0, 50.0, 6.0]])
    y.sum().backward()
    assert_equal(x.grad, [[1.0, 1.0, 1.0], [10.0, 10.0, 1.0]])


def test_grad_through_modified_view_used_as_output(torch):
    x = leaf(torch)
    y = x * 1
    v = y[0]
    v.mul_(2)
    v.sum().backward()
    assert_equal(x.grad, [[2.0, 2.0, 2.0], [0.0, 0.0, 0.0]])


def test_grad_sibling_view_after_write(torch):
    x = leaf(torch)
    y = x * 1
    r0 = y[0]
    col = y[:, 2]  # overlaps r0 at [0, 2]
    r0.mul_(5)
    (col * torch.tensor([1.0, 10.0])).sum().backward()
    assert_equal(col, [15.0, 6.0])
    assert_equal(x.grad, [[0.0, 0.0, 5.0], [0.0, 0.0, 10.0]])


def test_grad_mask_setitem(torch):
    x = leaf(torch)
    y = x * 1
    y[y > 3] = 0
    assert_equal(y, [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    y.sum().backward()
    assert_equal(x.grad, [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]])


def test_grad_index_tensor_setitem_with_grad_value(torch):
    x = leaf(torch)
    s = torch.tensor([[7.0, 8.0, 9.0], [1.0, 2.0, 3.0]], requires_grad=True)
    y = x * 1
    y[torch.tensor([1, 0])] = s * 2
    assert_equal(y, [[2.0, 4.0, 6.0], [14.0, 16.0, 18.0]])
    weights = [[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]]
    (y * torch.tensor(weights)).sum().backward()
    assert_equal(x.grad, np.zeros((2, 3)))
    assert_equal(s.grad, [[20.0, 40.0, 60.0], [2.0, 4.0, 6.0]])


def test_grad_strided_slice_setitem_broadcast_value(torch):
    x = leaf(torch)
    w = torch.tensor([7.0, 8.0], requires_grad=True)
    y = x * 1
    y[:, ::2] = w  # (2,) broadcast into the (2, 2) slice
    assert_equal(y, [[7.0, 2.0, 8.0], [7.0, 5.0, 8.0]])
    (y * torch.tensor([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]])).sum().backward()
    assert_equal(x.grad, [[0.0, 2.0, 0.0], [0.0, 20.0, 0.0]])
    assert_equal(w.grad, [11.0, 33.0])


def test_grad_detached_write_is_invisible_to_autograd(torch):
    x = leaf(torch)
    y = x * 3
    y.detach()[0, 0] = 100.0
    (y * 1).sum().backward()
    assert_equal(x.grad, np.full((2, 3), 3.0))


def test_view_versions_shared_with_grad_base(torch):
    x = leaf(torch)
    y = x * 1
    v = y[0]
    w = y.view(-1)
    v.add_(1)
    assert y._version == v._version == w._version == 1
    w[0] = 0.0
    assert y._version == v._version == w._version == 2
    assert v.requires_grad and w.requires_grad


# ----------------------------------------------------------- grad_fn names after view writes
# CopySlices / AsStridedBackward0 are what PyTorch 2.13.0 shows; kept in small tests so that a
# backend can mark one name as a known difference without losing the gradient checks above.


def _edges(t):
    return [(None if n is None else type(n).__name__, i) for n, i in t.grad_fn.next_functions]


def test_node_setitem_on_clone_is_copyslices(torch):
    y = leaf(torch).clone()
    y[0] = 0
    assert node_name(y) == "CopySlices"
    assert _edges(y) == [("CloneBackward0", 0), (None, 0)]


def test_node_view_before_write(torch):
    y = leaf(torch) * 1
    assert node_name(y[:, 1]) == "SelectBackward0"
    assert node_name(y[1:]) == "SliceBackward0"
    assert node_name(y.view(-1)) == "ViewBackward0"
    assert node_name(y.t()) == "TBackward0"


def test_node_base_after_view_inplace_is_copyslices(torch):
    y = leaf(torch) * 1
    v = y[:, 1]
    v.mul_(3)
    assert node_name(y) == "CopySlices"
    assert _edges(y) == [("MulBackward0", 0), (None, 0)]


def test_node_view_after_its_inplace_is_asstrided(torch):
    y = leaf(torch) * 1
    v = y[:, 1]
    v.mul_(3)
    assert node_name(v) == "AsStridedBackward0"
    assert _edges(v) == [("CopySlices", 0)]


def test_node_setitem_grad_value_into_view(torch):
    w = torch.tensor(10.0, requires_grad=True)
    y = leaf(torch) * 1
    v = y.view(-1)
    v[2] = w
    assert node_name(y) == "CopySlices"
    assert _edges(y) == [("MulBackward0", 0), ("AccumulateGrad", 0)]
    assert node_name(v) == "AsStridedBackward0"


def test_node_view_after_base_inplace_is_asstrided(torch):
    y = leaf(torch) * 2
    v = y[1]
    y.mul_(2)
    assert node_name(v) == "AsStridedBackward0"
    assert _edges(v) == [("MulBackward0", 0)]


def test_node_setitem_into_plain_tensor(torch):
    w = torch.tensor(2.0, requires_grad=True)
    y = torch.zeros(3)
    y[1] = w * 2
    assert node_name(y) == "CopySlices"
    assert _edges(y) == [(None, 0), ("MulBackward0", 0)]


def test_node_mask_and_index_setitem_is_indexput(torch):
    y = leaf(torch) * 1
    y[y > 3] = 0
    assert node_name(y) == "IndexPutBackward0"
    assert _edges(y) == [("MulBackward0", 0), (None, 0)]


def test_node_full_setitem_is_fill(torch):
    y = leaf(torch) * 1
    y[...] = 1.0
    assert node_name(y) == "FillBackward3"
    z = leaf(torch) * 1
    z[None] = 1.0
    assert node_name(z) == "CopySlices"


# SliceBackward0 / SelectBackward0 / RollBackward0 keep the arguments as the user wrote them
# (PyTorch 2.13 reads a negative one back as an unsigned 64-bit integer); the offsets are
# traced, not part of the node's structure, and this must not change what the node reports.
U64 = 1 << 64
INT64_MAX = (1 << 63) - 1
SAVED_SLICES = [
    ("open_end", lambda x: x[1:], (1, INT64_MAX, 1)),
    ("closed", lambda x: x[1:3], (1, 3, 1)),
    ("negative_start", lambda x: x[-3:], (U64 - 3, INT64_MAX, 1)),
    ("negative_end", lambda x: x[:-1], (0, U64 - 1, 1)),
    ("past_the_end", lambda x: x[2:100], (2, 100, 1)),
    ("step", lambda x: x[::3], (0, INT64_MAX, 3)),
    ("empty", lambda x: x[5:2], (5, 2, 1)),
    ("narrow", lambda x: x.narrow(0, 2, 3), (2, 5, 1)),
    ("narrow_negative", lambda x: x.narrow(0, -4, 3), (6, 9, 1)),
    ("tensor_bounds", lambda x: x[x.new_tensor(3).long() : x.new_tensor(7).long()], (3, 7, 1)),
]


@pytest.mark.parametrize(
    "f,expected", [v[1:] for v in SAVED_SLICES], ids=[v[0] for v in SAVED_SLICES]
)
def test_slice_saved_arguments(torch, f, expected):
    x = torch.arange(10.0, requires_grad=True) * 1
    node = f(x).grad_fn
    assert node_name(f(x)) == "SliceBackward0"
    assert (node._saved_start, node._saved_end, node._saved_step) == expected
    assert node._saved_dim == 0 and node._saved_self_sym_sizes == (10,)


def test_select_and_roll_saved_arguments(torch):
    w = torch.arange(10.0, requires_grad=True)
    x = w * 1
    assert x[2].grad_fn._saved_index == 2
    assert x[-2].grad_fn._saved_index == U64 - 2
    assert x.select(0, -2).grad_fn._saved_self_sym_sizes == (10,)
    i = torch.tensor(3)
    assert node_name(x[i]) == "SelectBackward0" and x[i].grad_fn._saved_index == 3
    assert x[i : i + 2].grad_fn._saved_end == 5
    r = x.roll(3)
    assert node_name(r) == "RollBackward0"
    assert r.grad_fn._saved_shifts == (3,) and r.grad_fn._saved_dims == ()
    r = x.view(2, 5).roll(-3, -1)
    assert r.grad_fn._saved_shifts == (U64 - 3,) and r.grad_fn._saved_dims == (U64 - 1,)
    r.backward(torch.arange(10.0).view(2, 5))
    assert_equal(w.grad, np.roll(np.arange(10.0).reshape(2, 5), 3, 1).reshape(10))


def test_slice_select_narrow_roll_errors(torch):
    x = torch.arange(12.0).view(3, 4)
    with pytest.raises(
        IndexError,
        match=re.escape("start out of range (expected to be in range of [-3, 3], but got 4)"),
    ):
        x.narrow(0, 4, 1)
    with pytest.raises(
        RuntimeError, match=re.escape("start (2) + length (2) exceeds dimension size (3).")
    ):
        x.narrow(0, 2, 2)
    with pytest.raises(
        IndexError,
        match=re.escape("select(): index 3 out of range for tensor of size [3, 4] at dimension 0"),
    ):
        x.select(0, 3)
    with pytest.raises(
        IndexError, match=re.escape("index 5 is out of bounds for dimension 0 with size 3")
    ):
        x[torch.tensor(5)]
    with pytest.raises(
        RuntimeError, match=re.escape("shifts and dimensions must align. shifts: 2, dims:1")
    ):
        x.roll((1, 2), (0,))
    with pytest.raises(
        RuntimeError, match=re.escape("shifts and dimensions must align. shifts: 2, dims:0")
    ):
        x.roll((1, 2))
    assert_equal(x.narrow(0, -1, 1), [[8.0, 9.0, 10.0, 11.0]])
    assert_equal(x.narrow(1, torch.tensor(1), 2), AN[:, 1:3])


def test_zero_dim_tensor_index_is_an_integer(torch):
    # a 0-d integer tensor indexes like the integer it holds: select (a view), not IndexBackward0
    x = torch.tensor(AN.tolist())
    i = torch.tensor(2)
    v = x[i]
    assert v._base is x and v.storage_offset() == 8
    assert_equal(x[1, i], AN[1, 2])
    assert_equal(x[i - 1 : i + 1], AN[1:3])
    w = torch.tensor(AN.tolist(), requires_grad=True) * 1
    w[torch.tensor(1, dtype=torch.int32)] = 5.0
    assert node_name(w) == "CopySlices"
    assert node_name(w[torch.tensor(-1)]) == "SelectBackward0"


def test_long_chain_of_views_sees_writes(torch):
    x = torch.arange(200.0)
    v = x.view(20, 10)
    a = np.arange(200.0).reshape(20, 10)  # the storage positions of the same view
    for k in range(20):
        v = v.t()[1:] if k % 2 else v.t()
        a = a.T[1:] if k % 2 else a.T
    assert v.shape == a.shape == (10, 10)
    assert v.storage_offset() == 100 and v.stride() == (10, 1)
    x.mul_(-1)
    assert_equal(v, -a)
    v.fill_(7.0)
    expected = -np.arange(200.0)
    expected[a.astype(np.int64).reshape(-1)] = 7.0
    assert_equal(x, expected)


# -- lazily read views: a fresh view reads the storage on first use, as aliasing requires


def test_fresh_view_sees_writes_made_before_its_first_read(torch):
    x = torch.arange(10.0)
    v = x[2:5]
    w = x.view(2, 5).t()
    x.add_(100.0)  # neither view was read yet
    assert v.tolist() == [102.0, 103.0, 104.0]
    assert_equal(w, (np.arange(10.0) + 100).reshape(2, 5).T)
    x[3] = -1.0  # after the first read too
    assert v.tolist() == [102.0, -1.0, 104.0]
    assert v.shape == (3,) and v.stride() == (1,) and v.storage_offset() == 2


def test_write_through_an_unread_view(torch):
    x = torch.zeros(3, 4)
    r = x[1]
    c = x[:, 2:4]
    r.fill_(5.0)  # r was never read
    c.add_(1.0)  # read, written, read again
    expected = np.zeros((3, 4))
    expected[1] = 5.0
    expected[:, 2:4] += 1.0
    assert_equal(x, expected)
    assert_equal(r, expected[1])
    assert_equal(c, expected[:, 2:4])
    assert x._version == r._version == 2


def test_stack_of_views_of_a_base_written_in_between(torch):
    data = torch.arange(100)
    ix = [3, 50, 90, 7]
    xs = [data[i : i + 4] for i in ix]
    ys = [data[i] for i in ix]
    data[50:52] = torch.tensor([-1, -2])  # after the views, before the stack: they see it
    xs[3].tolist()  # one of them read already, the others not
    x = torch.stack(xs)
    y = torch.stack(ys, dim=0)
    c = torch.cat(xs)
    expected = np.array([np.arange(i, i + 4) for i in ix])
    expected[1, :2] = [-1, -2]
    assert_equal(x, expected)
    assert_equal(y, expected[:, 0])
    assert_equal(c, expected.reshape(-1))
    assert_equal(torch.stack(xs, dim=1), expected.T)
    data.zero_()  # the stack is a copy; the views still alias
    assert_equal(x, expected)
    assert xs[0].tolist() == [0, 0, 0, 0]


def test_stack_of_views_of_different_shapes_and_storages(torch):
    a, b = torch.arange(10.0), torch.arange(10.0, 20.0)
    assert_equal(torch.stack([a[1:3], b[4:6], a[0:2]]), [[1.0, 2.0], [14.0, 15.0], [0.0, 1.0]])
    x = torch.arange(12.0).view(3, 4)
    assert_equal(torch.stack([x[0, 1:3], x[:, 1][:2], x[2, ::2]]), [[1, 2], [1, 5], [8, 10]])
    assert_equal(torch.cat([x[0], x[1:, 1]]), [0.0, 1.0, 2.0, 3.0, 5.0, 9.0])
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        torch.stack([x[0, :2], x[0, :3]])


def test_stack_of_slices_records_the_slices(torch):
    w = torch.arange(20.0, requires_grad=True)
    ix = [0, 5, 5, 12]
    x = torch.stack([w[i : i + 3] for i in ix])
    assert node_name(x) == "StackBackward0"
    assert [type(n).__name__ for n, _ in x.grad_fn.next_functions] == ["SliceBackward0"] * 4
    assert x.requires_grad and not x.is_leaf
    (x * torch.arange(12.0).view(4, 3)).sum().backward()
    expected = np.zeros(20)
    for k, i in enumerate(ix):
        expected[i : i + 3] += np.arange(3.0 * k, 3.0 * k + 3)
    assert_equal(w.grad, expected)
    with torch.no_grad():
        y = torch.stack([w[i : i + 3] for i in ix])
    assert y.grad_fn is None and not y.requires_grad
    z = torch.cat([w.detach()[i : i + 2] for i in ix])
    assert z.grad_fn is None and z.tolist() == [0.0, 1.0, 5.0, 6.0, 5.0, 6.0, 12.0, 13.0]


def test_host_known_offsets_give_lazy_numbers(torch):
    ix = torch.tensor([4, 9, 250], dtype=torch.uint8)
    j = [i + 10 for i in ix]
    assert [t.dtype for t in j] == [torch.uint8] * 3
    assert [int(t) for t in j] == [14, 19, 4]  # wraps as the device does
    assert torch.stack(j).tolist() == [14, 19, 4]
    k = j[0] + j[1]
    k += 1
    assert k.tolist() == 34 and k.shape == () and k.ndim == 0 and k.numel() == 1
    data = torch.arange(30)
    assert data[j[0] : j[1]].tolist() == list(range(14, 19))


@pytest.mark.torchlike_only
def test_get_batch_compiles_once_per_batch_size(torch):
    from torchlike import _tensor

    data = torch.arange(10_000)
    rng = np.random.default_rng(0)

    def get_batch(starts):
        ix = torch.tensor(starts)
        x = torch.stack([data[i : i + 8] for i in ix])
        y = torch.stack([data[i + 1 : i + 9] for i in ix])
        return x, y

    get_batch(rng.integers(0, 9000, 32).tolist())
    before, reads = torch.compile_count(), _tensor.HOST_READS[0]
    for _ in range(20):  # new offsets every batch: no compile
        starts = rng.integers(0, 9000, 32).tolist()
        x, y = get_batch(starts)
    assert torch.compile_count() == before
    assert _tensor.HOST_READS[0] - reads == 2 * 20  # one host copy of ix per loop
    assert x.tolist() == [list(range(s, s + 8)) for s in starts]
    assert y.tolist() == [list(range(s + 1, s + 9)) for s in starts]
    get_batch(rng.integers(0, 9000, 16).tolist())  # a new batch size: its program
    before = torch.compile_count()
    get_batch(rng.integers(0, 9000, 16).tolist())
    assert torch.compile_count() == before


@pytest.mark.torchlike_only
def test_fresh_views_and_host_numbers_are_computed_on_use(torch, monkeypatch):
    from torchlike import _device, _storage

    # (host arithmetic is skipped once any tensor has lived off the default device, which an
    # earlier test in the same process may have made: a second device; meta tensors do not)
    monkeypatch.setattr(_device, "MIXED", [False])

    x = torch.arange(12.0).view(3, 4)
    v = x[1:3].t()
    assert type(v._cache) is _storage.Pending  # nothing computed yet
    assert v.shape == (4, 2) and v.stride() == (1, 4) and v.storage_offset() == 4
    assert type(v._cache) is _storage.Pending  # metadata computes nothing
    assert v.tolist() == [[4.0, 8.0], [5.0, 9.0], [6.0, 10.0], [7.0, 11.0]]
    (i,) = list(torch.tensor([5]))
    j = i + 3
    assert type(j._storage) is _storage.LazyStorage
    assert int(j) == 8 and type(j._storage) is _storage.LazyStorage  # the host knows it
    assert j.tolist() == 8 and type(j._storage) is _storage.Storage
    assert int(j) == 8  # still known after the array was made


# dims 0 and -1 of a 0-d tensor name the scalar itself (found by the differential fuzz suite)
def test_view_ops_on_a_0d_tensor(torch):
    x = torch.tensor(3.0, requires_grad=True)
    y = x.squeeze(0).squeeze(-1).squeeze((0,)).transpose(0, -1).movedim(0, 0) * 2
    assert y.shape == () and y.grad_fn.next_functions[0][0].name() == "AliasBackward0"
    y.backward()
    assert x.grad.item() == 2.0
    z = torch.zeros(())
    v = z.squeeze(0).transpose(0, 0).movedim(-1, 0)
    v.add_(1)
    assert z.item() == 1.0 and v._base is z
    with pytest.raises(IndexError, match=r"^select\(\) cannot be applied to a 0-dim tensor\.$"):
        z.select(0, 0)
    with pytest.raises(TypeError, match="permute\\(\\) missing 1 required positional arguments"):
        z.permute()
    assert z.permute(()).shape == ()


_SCALAR_DIM_OPS = {
    "sort": (lambda x: x.sort(0)[0], "SortBackward0"),
    "flip": (lambda x: x.flip(0), "FlipBackward0"),
    "topk": (lambda x: x.topk(1, 0)[0], "TopkBackward0"),
    "median": (lambda x: x.median(0)[0], "MedianBackward1"),
    "kthvalue": (lambda x: x.kthvalue(1, 0)[0], "KthvalueBackward0"),
    "mode": (lambda x: x.mode(0)[0], "ModeBackward0"),
    "nanmedian": (lambda x: x.nanmedian(0)[0], "NanmedianBackward1"),
    "cummax": (lambda x: x.cummax(0)[0], "CummaxBackward0"),
    "logcumsumexp": (lambda x: x.logcumsumexp(0), "LogcumsumexpBackward0"),
    "index_select": (lambda x: x.index_select(0, x.new_zeros(1).long()),
                     "IndexSelectBackward0"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(_SCALAR_DIM_OPS))
def test_ops_along_dim_0_of_a_0d_tensor(torch, name):
    fn, node = _SCALAR_DIM_OPS[name]
    x = torch.tensor(2.0, requires_grad=True)
    y = fn(x)
    assert y.shape == () and y.item() == 2.0 and y.grad_fn.name() == node
    (g,) = torch.autograd.grad(y, x)
    assert g.item() == 1.0


@pytest.mark.parametrize(
    "call, exc, message",
    [
        (
            lambda x: x.narrow(0, 0, 1),
            RuntimeError,
            "narrow() cannot be applied to a 0-dim tensor.",
        ),
        (lambda x: x.chunk(1, 0), RuntimeError, "chunk expects at least a 1-dimensional tensor"),
        (lambda x: x.split(1, 0), RuntimeError, "split expects at least a 1-dimensional tensor"),
        (
            lambda x: x.unbind(0),
            IndexError,
            "Dimension specified as 0 but tensor has no dimensions",
        ),
        (
            lambda x: x.roll(1, 0),
            IndexError,
            "Dimension specified as 0 but tensor has no dimensions",
        ),
    ],
)
def test_dim_ops_a_0d_tensor_refuses(torch, call, exc, message):
    with pytest.raises(exc) as info:
        call(torch.tensor(2.0))
    assert str(info.value) == message


def test_split_keywords_follow_each_form(torch):
    x = torch.arange(6)
    assert [t.tolist() for t in x.split(split_size=2)] == [[0, 1], [2, 3], [4, 5]]
    assert [t.tolist() for t in torch.split(x, split_size_or_sections=[2, 4])] == [
        [0, 1],
        [2, 3, 4, 5],
    ]
    assert [t.tolist() for t in x.split([1, 5], dim=0)] == [[0], [1, 2, 3, 4, 5]]
    with pytest.raises(TypeError, match="unexpected keyword argument 'split_size_or_sections'"):
        x.split(split_size_or_sections=2)
    with pytest.raises(TypeError, match="unexpected keyword argument 'split_size'"):
        torch.split(x, split_size=2)


def test_view_made_under_no_grad_requires_grad_but_its_gradient_goes_nowhere(torch):
    w = torch.ones(3, requires_grad=True)
    with torch.no_grad():
        v = w[:2]
        u = w.detach()[:2]
        parts = w.split(1)
    assert v.requires_grad and v.is_leaf and v.grad_fn is None and v._base is w
    assert not u.requires_grad
    assert [p.requires_grad for p in parts] == [True, True, True]
    s = (v * 2).sum()
    mul = s.grad_fn.next_functions[0][0]
    assert type(mul).__name__ == "MulBackward0"
    assert mul.next_functions == ((None, 0), (None, 0))
    s.backward()
    assert w.grad is None and v.grad is None


@pytest.mark.torchlike_only
def test_pieces_of_one_split_share_one_read_program(torch):
    # q, k, v = c_attn(x).split(n_embd, dim=2): after a write to the base every piece reads
    # itself again, as a narrow at a traced start, so the three reads (and a chunk's equal
    # pieces) compile one program per shape, not one each
    base = torch.arange(5 * 777.0).view(5, 777)
    pieces = base.split(259, dim=1)
    base.add_(1)
    before = torch.compile_count()
    values = [p.tolist() for p in pieces]
    assert torch.compile_count() <= before + 1
    for k, v in enumerate(values):
        assert v == (torch.arange(5 * 777.0).view(5, 777)[:, 259 * k : 259 * (k + 1)] + 1).tolist()
    uneven = base.split([2, 3], dim=0)
    base.mul_(2)
    assert uneven[1].tolist() == base[2:].tolist() and uneven[0].tolist() == base[:2].tolist()


# -- a view not read yet is read when an op uses it, from its storage as it is then (torchlike
# reads such operands inside the op's own program: ``_ops/core._fused_reads``)


@pytest.mark.parametrize("grad", [False, True], ids=["no_grad", "grad"])
def test_views_are_read_when_used_after_writes(torch, grad):
    x = torch.arange(24.0).view(2, 3, 4)
    w = torch.ones(4, 4, requires_grad=grad)
    with torch.set_grad_enabled(grad):
        q, k, v = x.split([1, 1, 2], dim=2)  # pieces of one storage, none read yet
        kt = k.transpose(0, 1)
        flat = v.reshape(-1)  # (v is not contiguous: a copy, read now)
        x.mul_(10)  # every view not read yet sees the write
        qk = q * kt.transpose(0, 1) + 1
        y = x.view(6, 4)[1:] @ w  # a slice of a view into a matmul
        if grad:  # (before the next write: the matmul saved its operand)
            y.sum().backward()
        x.add_(1)
        s = torch.softmax(v.transpose(1, 2), dim=-1)  # a piece read after the second write
    a = np.arange(24.0).reshape(2, 3, 4)
    assert_equal(qk, a[:, :, :1] * 10 * (a[:, :, 1:2] * 10) + 1)
    assert_equal(y, (a * 10).reshape(6, 4)[1:] @ np.ones((4, 4)))
    assert_equal(flat, a[:, :, 2:].reshape(-1))
    e = np.exp(np.swapaxes(a[:, :, 2:] * 10 + 1, 1, 2))
    assert_close(s, e / e.sum(-1, keepdims=True))
    assert (y.grad_fn is not None) == grad
    if grad:
        assert_equal(w.grad, np.repeat((a * 10).reshape(6, 4)[1:].sum(0)[:, None], 4, 1))
    assert q.tolist() == (a[:, :, :1] * 10 + 1).tolist()  # and reading them later still works
    assert kt.shape == (3, 2, 1) and kt.stride() == (4, 12, 1)


def test_split_pieces_keep_pytorch_layout_and_history(torch):
    x = torch.arange(24.0, requires_grad=True)
    q, k, v = x.view(2, 12).split(4, dim=1)
    assert [p.stride() for p in (q, k, v)] == [(12, 1)] * 3
    assert [p.storage_offset() for p in (q, k, v)] == [0, 4, 8]
    assert [node_name(p) for p in (q, k, v)] == ["SplitBackward0"] * 3
    assert [p.grad_fn is q.grad_fn for p in (k, v)] == [True, True]
    assert q.view(2, 2, 2).stride() == (12, 2, 1)  # view after split: PyTorch's stride rule
    (q * 1 + k * 2 + v * 3).sum().backward()
    assert x.grad.tolist() == ([1.0] * 4 + [2.0] * 4 + [3.0] * 4) * 2
