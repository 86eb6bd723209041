"""Indexing and shape ops beyond the basics: scatter_reduce / index_reduce (every reduction,
include_self), index_copy, take, take_along_dim (negative dims, broadcasting), Tensor.unfold,
Tensor.view(dtype), diagonal/select/slice_scatter, scatter(reduce=), gather with an index
smaller than the input, roll with several shifts, flip with an int, nested index tuples.

Values are checked against numpy loops written here; node names and saved values against
PyTorch's; gradients by float64 gradcheck and gradgradcheck over one list of ops, as PyTorch's
OpInfo tests do.
"""

import warnings

import numpy as np
import pytest

RNG = np.random.default_rng(0)
X34 = RNG.standard_normal((3, 4))
IDX24 = np.array([[0, 1, 0, 3], [2, 2, 1, 1]])
SRC24 = RNG.standard_normal((2, 4))
REDUCES = ["sum", "prod", "mean", "amax", "amin"]


@pytest.fixture(autouse=True)
def _quiet_beta_warnings():
    # index_reduce warns that it is in beta; scatter(reduce=) with a Tensor src is deprecated
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def _t(torch, a, **kw):
    return torch.tensor(np.asarray(a), **kw)


def _np(t):
    return np.asarray(t.detach().numpy())


def _scatter_reduce_ref(x, dim, index, src, reduce, include_self):
    out = x.copy()
    groups = {}
    for pos in np.ndindex(*index.shape):
        target = list(pos)
        target[dim] = index[pos]
        groups.setdefault(tuple(target), []).append(src[pos])
    fns = {"sum": np.sum, "prod": np.prod, "mean": np.mean, "amax": np.max, "amin": np.min}
    for target, vals in groups.items():
        vals = ([x[target]] if include_self else []) + vals
        out[target] = fns[reduce](vals)
    return out


# ------------------------------------------------------------------ values
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", REDUCES)
def test_scatter_reduce_values(torch, reduce, include_self):
    x, i, s = _t(torch, X34), _t(torch, IDX24), _t(torch, SRC24)
    out = x.scatter_reduce(1, i, s, reduce, include_self=include_self)
    ref = _scatter_reduce_ref(X34, 1, IDX24, SRC24, reduce, include_self)
    np.testing.assert_allclose(_np(out), ref, rtol=1e-6)
    assert out.dtype == torch.float64
    y = x.clone()
    assert y.scatter_reduce_(1, i, s, reduce, include_self=include_self) is y
    np.testing.assert_allclose(_np(y), ref, rtol=1e-6)
    np.testing.assert_allclose(
        _np(torch.scatter_reduce(x, 1, i, s, reduce, include_self=include_self)), ref, rtol=1e-6
    )


def test_scatter_reduce_integer_mean_floors(torch):
    x = torch.tensor([[5, 1, 2]])
    i, s = torch.tensor([[0, 0, 1]]), torch.tensor([[2, 3, 4]])
    assert x.scatter_reduce(1, i, s, "mean").tolist() == [[3, 2, 2]]
    assert x.scatter_reduce(1, i, s, "mean", include_self=False).tolist() == [[2, 4, 2]]


def test_scatter_reduce_node_and_saved(torch):
    x = torch.zeros(3, requires_grad=True)
    s = torch.ones(2, requires_grad=True)
    out = x.scatter_reduce(0, torch.tensor([0, 2]), s, "amax", include_self=False)
    node = out.grad_fn
    assert type(node).__name__ == "ScatterReduceBackward0"
    assert node._saved_dim == 0
    assert node._saved_reduce == "amax"
    assert node._saved_include_self is False
    assert node._saved_index.tolist() == [0, 2]
    assert len(node.next_functions) == 2


def test_scatter_reduce_gradients_split_ties_as_pytorch(torch):
    # ties share the gradient equally, and an excluded self value equal to the result still
    # counts among the ties (PyTorch's backward formula)
    both = [1 / 3, 1 / 3, 0.5, 0.5]
    expected = {
        ("amax", True): ([0.5, 1 / 3, 0.5, 1.0], both),
        ("amax", False): ([0.0, 0.0, 0.0, 1.0], both),
        ("amin", True): ([0.5, 1 / 3, 0.5, 1.0], both),
        ("amin", False): ([0.0, 0.0, 0.0, 1.0], both),
    }
    for (reduce, include_self), (gx, gs) in expected.items():
        x = torch.tensor([1.0, 2.0, 2.0, 0.0], requires_grad=True)
        s = torch.tensor([2.0, 2.0, 1.0, 2.0], requires_grad=True)
        out = x.scatter_reduce(0, torch.tensor([1, 1, 0, 2]), s, reduce, include_self=include_self)
        out.sum().backward()
        np.testing.assert_allclose(_np(x.grad), gx, rtol=1e-6)
        np.testing.assert_allclose(_np(s.grad), gs, rtol=1e-6)


def test_scatter_reduce_prod_gradient_with_zeros(torch):
    x = torch.tensor([2.0, 3.0, 4.0], requires_grad=True)
    s = torch.tensor([0.0, 5.0, 0.0], requires_grad=True)
    x.scatter_reduce(0, torch.tensor([0, 0, 1]), s, "prod").sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0]
    assert s.grad.tolist() == [10.0, 0.0, 3.0]


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", ["prod", "mean", "amax", "amin"])
def test_index_reduce_values(torch, reduce, include_self):
    src = RNG.standard_normal((3, 2))
    index = np.array([3, 0])
    full = np.broadcast_to(index, (3, 2))
    ref = _scatter_reduce_ref(X34, 1, full, src, reduce, include_self)
    x = _t(torch, X34)
    out = x.index_reduce(1, _t(torch, index), _t(torch, src), reduce, include_self=include_self)
    np.testing.assert_allclose(_np(out), ref, rtol=1e-6)
    y = x.clone()
    y.index_reduce_(1, _t(torch, index), _t(torch, src), reduce, include_self=include_self)
    np.testing.assert_allclose(_np(y), ref, rtol=1e-6)


def test_index_reduce_repeated_index_and_node(torch):
    x = torch.ones(2, 3, requires_grad=True)
    src = torch.tensor([[2.0, 3, 4], [5, 6, 7]], requires_grad=True)
    out = x.index_reduce(0, torch.tensor([0, 0]), src, "prod")
    assert out.tolist() == [[10, 18, 28], [1, 1, 1]]
    node = out.grad_fn
    assert type(node).__name__ == "IndexReduceBackward0"
    assert (node._saved_dim, node._saved_reduce, node._saved_include_self) == (0, "prod", True)


def test_index_copy(torch):
    x = torch.zeros(3, 4, dtype=torch.float64, requires_grad=True)
    src = torch.tensor([[1.0, 2], [3, 4], [5, 6]], dtype=torch.float64, requires_grad=True)
    out = x.index_copy(1, torch.tensor([3, 0]), src)
    assert out.tolist() == [[2, 0, 0, 1], [4, 0, 0, 3], [6, 0, 0, 5]]
    node = out.grad_fn
    assert type(node).__name__ == "IndexCopyBackward0"
    assert (node._saved_dim, node._saved_source_dim) == (1, 2)
    out.backward(torch.arange(12.0, dtype=torch.float64).reshape(3, 4))
    assert x.grad.tolist() == [[0, 1, 2, 0], [0, 5, 6, 0], [0, 9, 10, 0]]
    assert src.grad.tolist() == [[3, 0], [7, 4], [11, 8]]
    y = torch.zeros(3)
    assert y.index_copy_(0, torch.tensor(1), torch.tensor(5.0)) is y
    assert y.tolist() == [0, 5, 0]
    assert torch.index_copy(torch.zeros(2), 0, torch.tensor([1]), torch.ones(1)).tolist() == [0, 1]


def test_take(torch):
    x = torch.arange(6.0).reshape(2, 3).requires_grad_()
    out = torch.take(x, torch.tensor([[0, -1], [5, 5]]))
    assert out.tolist() == [[0, 5], [5, 5]]
    assert type(out.grad_fn).__name__ == "TakeBackward0"
    assert out.grad_fn._saved_index.tolist() == [[0, -1], [5, 5]]
    out.sum().backward()
    assert x.grad.tolist() == [[1, 0, 0], [0, 0, 3]]
    assert torch.arange(6).reshape(2, 3).take(torch.tensor([2, -6])).tolist() == [2, 0]


@pytest.mark.parametrize(
    "dim, index, expected",
    [
        (-1, [[0], [3], [1]], [[0], [7], [9]]),
        (-2, [[0, 1, 2, 0]], [[0, 5, 10, 3]]),
        (1, [[0, 1], [3, 2], [1, 1]], [[0, 1], [7, 6], [9, 9]]),
        (None, [0, 11, 5], [0, 11, 5]),
    ],
)
def test_take_along_dim(torch, dim, index, expected):
    x = torch.arange(12.0).reshape(3, 4)
    out = torch.take_along_dim(x, torch.tensor(index), dim)
    assert out.tolist() == expected
    assert type(x.requires_grad_().take_along_dim(torch.tensor(index), dim).grad_fn).__name__ == (
        "GatherBackward0"
    )


def test_take_along_dim_broadcasts_and_sorts(torch):
    x = torch.tensor([[3.0, 1.0, 2.0], [0.0, -1.0, 5.0]])
    assert torch.take_along_dim(x, x.argsort(-1), -1).tolist() == [[1, 2, 3], [-1, 0, 5]]
    out = torch.take_along_dim(torch.arange(6.0).reshape(2, 3), torch.tensor([[2], [0]]), 1)
    assert out.tolist() == [[2], [3]]
    out = torch.take_along_dim(torch.arange(3.0).reshape(1, 3), torch.tensor([[0], [2]]), 1)
    assert out.tolist() == [[0], [2]]


def test_gather_with_a_smaller_index(torch):
    x = torch.arange(12.0).reshape(3, 4).requires_grad_()
    assert torch.gather(x, 1, torch.tensor([[0], [2]])).tolist() == [[0], [6]]
    assert torch.gather(x, 0, torch.tensor([[1, 0]])).tolist() == [[4, 1]]
    out = torch.gather(x, 1, torch.tensor([[3, 0], [2, 2]]))
    assert out.tolist() == [[3, 0], [6, 6]]
    out.backward(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert x.grad.tolist() == [[2, 0, 0, 1], [0, 0, 7, 0], [0, 0, 0, 0]]


@pytest.mark.parametrize(
    "dim, size, step", [(1, 2, 1), (0, 2, 1), (-1, 3, 2), (1, 4, 4), (0, 1, 2)]
)
def test_unfold(torch, dim, size, step):
    x = _t(torch, X34, requires_grad=True)
    out = x.unfold(dim, size, step)
    d = dim % 2
    n = X34.shape[d]
    starts = range(0, n - size + 1, step)
    windows = np.stack([np.take(X34, range(s, s + size), axis=d) for s in starts], axis=d)
    np.testing.assert_allclose(_np(out), np.moveaxis(windows, d + 1, -1))
    assert out._base is x
    node = out.grad_fn
    assert type(node).__name__ == "UnfoldBackward0"
    assert (node._saved_size, node._saved_step) == (size, step)
    assert node._saved_dimension == dim % (1 << 64)
    assert list(node._saved_self_sym_sizes) == [3, 4]
    (out * out).sum().backward()
    counts = np.zeros_like(X34)
    for s in starts:
        idx = [slice(None)] * 2
        idx[d] = slice(s, s + size)
        counts[tuple(idx)] += 1
    np.testing.assert_allclose(_np(x.grad), 2 * X34 * counts)


def test_unfold_is_a_view(torch):
    x = torch.arange(6.0)
    w = x.unfold(0, 2, 2)
    assert w.tolist() == [[0, 1], [2, 3], [4, 5]]
    assert w.stride() == (2, 1)
    w.mul_(10)
    assert x.tolist() == [0, 10, 20, 30, 40, 50]
    assert torch.arange(10.0).unfold(0, 3, 2).stride() == (2, 1)
    assert torch.tensor(3.0).unfold(0, 1, 1).tolist() == [3.0]


@pytest.mark.parametrize(
    "values, src, dst, expected",
    [
        ([1.0, -2.0], "float32", "int32", [1065353216, -1073741824]),
        ([0.0, 1.0, 2.0, 3.0], "float32", "float64", [0.0078125, 32.00000762939453]),
        ([[1, -1]], "int64", "int32", [[1, 0, -1, -1]]),
        ([[1.0]], "float32", "uint8", [[0, 0, 128, 63]]),
        ([1, 0, 2], "uint8", "bool", [True, False, True]),
        ([True, False], "bool", "uint8", [1, 0]),
        ([1.0, 3.0], "float32", "bfloat16", [0.0, 1.0, 0.0, 3.0]),
    ],
)
def test_view_dtype(torch, values, src, dst, expected):
    x = torch.tensor(values, dtype=getattr(torch, src))
    out = x.view(getattr(torch, dst))
    assert out.dtype == getattr(torch, dst)
    got = out.float() if dst == "bfloat16" else out
    assert (
        np.asarray(got.tolist()).reshape(-1).tolist() == np.asarray(expected).reshape(-1).tolist()
    )
    assert out.grad_fn is None


def test_view_dtype_records_no_gradient(torch):
    x = torch.ones(2, requires_grad=True)
    for dtype in (torch.float32, torch.int32, torch.float64):
        if dtype is torch.float64:
            x = torch.ones(4, requires_grad=True)
        out = x.view(dtype)
        assert out.requires_grad is False and out.grad_fn is None


@pytest.mark.known_difference(
    reason="Tensor.view(dtype) returns a reinterpreted copy (JAX arrays hold no aliasing "
    "dtype views), so writes to it do not reach the original"
)
def test_view_dtype_shares_storage(torch):
    x = torch.zeros(2)
    x.view(torch.int32).add_(1)
    assert x[0].item() > 0


@pytest.mark.parametrize("args", [(), (1,), (-1,), (-2, 1, 0)])
def test_diagonal_scatter(torch, args):
    base = RNG.standard_normal((3, 4))
    n = np.diagonal(np.zeros((3, 4)), *args).shape[-1]
    src = np.arange(1.0, n + 1)
    x = _t(torch, base, requires_grad=True)
    s = _t(torch, src, requires_grad=True)
    out = torch.diagonal_scatter(x, s, *args)
    ref = base.copy()
    offset, d1, d2 = (list(args) + [0, 0, 1][len(args) :])[:3]
    view = np.moveaxis(ref, (d1, d2), (0, 1))
    r0, c0 = (0, offset) if offset >= 0 else (-offset, 0)
    for k in range(n):
        view[r0 + k, c0 + k] = src[k]
    np.testing.assert_allclose(_np(out), ref)
    assert type(out.grad_fn).__name__ == "DiagonalScatterBackward0"
    assert out.grad_fn._saved_offset == offset % (1 << 64)
    assert x.diagonal_scatter(s, *args).tolist() == out.tolist()


def test_select_scatter(torch):
    x = torch.zeros(3, 4, requires_grad=True)
    s = torch.ones(3, requires_grad=True)
    out = torch.select_scatter(x, s, 1, -1)
    assert out.tolist() == [[0, 0, 0, 1]] * 3
    node = out.grad_fn
    assert type(node).__name__ == "SelectScatterBackward0"
    assert (node._saved_dim, node._saved_index) == (1, (1 << 64) - 1)
    out.backward(torch.arange(12.0).reshape(3, 4))
    assert x.grad.tolist() == [[0, 1, 2, 0], [4, 5, 6, 0], [8, 9, 10, 0]]
    assert s.grad.tolist() == [3, 7, 11]
    assert x.select_scatter(torch.full((4,), 2.0), 0, 1)[1].tolist() == [2, 2, 2, 2]


@pytest.mark.parametrize(
    "args, saved",
    [
        ((0, 1, 3), (1, 3, 1)),
        ((), (None, None, 1)),
        ((0, -4, None, 2), ((1 << 64) - 4, None, 2)),
        ((1, 1, 100, 2), (1, 100, 2)),
    ],
)
def test_slice_scatter(torch, args, saved):
    base = np.zeros((5, 4))
    dim = args[0] if args else 0
    sl = [slice(None)] * 2
    sl[dim] = slice(*(args[1:] if len(args) > 1 else (None,)))
    ref = base.copy()
    ref[tuple(sl)] = 1.0
    x = _t(torch, base, requires_grad=True)
    s = torch.ones(base[tuple(sl)].shape, dtype=torch.float64, requires_grad=True)
    out = torch.slice_scatter(x, s, *args)
    np.testing.assert_allclose(_np(out), ref)
    node = out.grad_fn
    assert type(node).__name__ == "SliceScatterBackward0"
    assert (node._saved_start, node._saved_end, node._saved_step) == saved
    assert node._saved_dim == dim
    out.backward(torch.arange(20.0, dtype=torch.float64).reshape(5, 4))
    grid = np.arange(20.0).reshape(5, 4)
    np.testing.assert_allclose(_np(x.grad), np.where(ref == 1.0, 0.0, grid))
    np.testing.assert_allclose(_np(s.grad), grid[tuple(sl)])


def test_slice_scatter_out(torch):
    out = torch.empty(0)
    torch.slice_scatter(torch.zeros(3), torch.ones(1), 0, 2, out=out)
    assert out.tolist() == [0, 0, 1]


@pytest.mark.parametrize(
    "x, index, src, reduce, expected",
    [
        ([[1.0, float("inf"), 2.0]], [[1, 2]], [[0.0, float("inf")]], "multiply", None),
        (
            [[1.0, 1, 1], [1, 1, 1]],
            [[0, 0], [1, 2]],
            [[float("inf"), 2.0], [-float("inf"), 0.0]],
            "multiply",
            [[float("inf"), 1, 1], [1, -float("inf"), 0]],
        ),
        ([[1.0, 1, 1], [1, 1, 1]], [[0, 0], [1, 2]], [[3.0, 2.0], [5, 0]], "add", None),
        ([[2.0, 2, 2], [2, 2, 2]], [[0, 0], [1, 2]], 3.0, "multiply", [[18, 2, 2], [2, 6, 6]]),
        ([[2.0, 2, 2], [2, 2, 2]], [[0, 0], [1, 2]], 3.0, "add", [[8, 2, 2], [2, 5, 5]]),
    ],
)
def test_scatter_with_reduce(torch, x, index, src, reduce, expected):
    xa, ia = np.array(x), np.array(index)
    sa = np.broadcast_to(np.asarray(src), ia.shape)
    if expected is None:
        expected = xa.copy()
        with np.errstate(invalid="ignore"):  # inf * 0 is nan, as in PyTorch
            for pos in np.ndindex(*ia.shape):
                t = (pos[0], ia[pos])
                v = expected[t]
                expected[t] = v * sa[pos] if reduce == "multiply" else v + sa[pos]
    src_arg = torch.tensor(src) if isinstance(src, list) else src
    out = torch.tensor(x).scatter(1, torch.tensor(index), src_arg, reduce=reduce)
    np.testing.assert_array_equal(_np(out), np.asarray(expected, dtype=np.float32))
    y = torch.tensor(x)
    y.scatter_(1, torch.tensor(index), src_arg, reduce=reduce)
    np.testing.assert_array_equal(_np(y), np.asarray(expected, dtype=np.float32))


def test_scatter_with_reduce_has_no_derivative(torch):
    out = torch.ones(2, 3, requires_grad=True).scatter(1, torch.tensor([[0]]), 3.0, reduce="add")
    assert out.requires_grad
    with pytest.raises(RuntimeError) as info:
        out.sum().backward()
    assert info.value.args[0] == "derivative for aten::scatter is not implemented"


@pytest.mark.parametrize(
    "shifts, dims",
    [((1, -2), (0, 1)), ((1, 1, 5), (0, 2, 1)), ((2,), (-1,)), (3, None), ((-1, 7), (2, 0))],
)
def test_roll_with_several_shifts(torch, shifts, dims):
    a = np.arange(24.0).reshape(2, 3, 4)
    x = torch.tensor(a, requires_grad=True)
    out = x.roll(shifts, dims)
    np.testing.assert_array_equal(_np(out), np.roll(a, shifts, dims))
    assert type(out.grad_fn).__name__ == "RollBackward0"
    out.backward(torch.tensor(a))
    np.testing.assert_array_equal(_np(x.grad), np.roll(a, np.negative(shifts), dims))


def test_flip_with_an_int_and_varargs(torch):
    x = torch.arange(6).reshape(2, 3)
    assert x.flip(0).tolist() == [[3, 4, 5], [0, 1, 2]]
    assert x.flip(-1).tolist() == [[2, 1, 0], [5, 4, 3]]
    assert x.flip(0, 1).tolist() == [[5, 4, 3], [2, 1, 0]]
    assert torch.flip(x, (1,)).tolist() == [[2, 1, 0], [5, 4, 3]]
    assert torch.flip(x, [0, 1]).tolist() == [[5, 4, 3], [2, 1, 0]]


def test_nested_index_tuples(torch):
    x = torch.arange(6).reshape(2, 3)
    assert x[((0,),)].tolist() == [[0, 1, 2]]
    assert x[((0, 1), (2, 0))].tolist() == [2, 3]
    assert x[:, (0, 2)].tolist() == [[0, 2], [3, 5]]
    assert x[(0, 1),].tolist() == [[0, 1, 2], [3, 4, 5]]
    y = x.clone()
    y[((0, 1), (2, 0))] = 9
    assert y.tolist() == [[0, 1, 9], [9, 4, 5]]


def test_nonzero_of_a_scalar(torch):
    assert torch.tensor(3.0).nonzero().shape == (1, 0)
    assert torch.tensor(0.0).nonzero().shape == (0, 0)
    assert torch.nonzero(torch.tensor(1)).dtype == torch.int64
    (i,) = torch.tensor(3.0).nonzero(as_tuple=True)
    assert i.tolist() == [0]
    (i,) = torch.tensor(0).nonzero(as_tuple=True)
    assert i.tolist() == []
    assert torch.zeros(2, 3).nonzero().shape == (0, 2)


def test_index_select_with_a_scalar_index(torch):
    out = torch.index_select(torch.arange(6.0).reshape(2, 3), 1, torch.tensor(2))
    assert out.tolist() == [[2], [5]]


# ------------------------------------------------------------------ gradcheck (float64)
def _i(torch, a):
    return torch.tensor(np.asarray(a))


TIE_FREE = RNG.permutation(12).reshape(3, 4) / 4.0 + 0.5  # distinct, away from zero
SRC_FREE = RNG.permutation(8).reshape(2, 4) / 3.0 + 0.7
GRAD_OPS = [
    *[
        (
            f"scatter_reduce_{r}_{inc}",
            lambda t, x, s, r=r, inc=inc: x.scatter_reduce(1, _i(t, IDX24), s, r, include_self=inc),
            [TIE_FREE, SRC_FREE],
        )
        for r in REDUCES
        for inc in (True, False)
    ],
    *[
        (
            f"index_reduce_{r}_{inc}",
            lambda t, x, s, r=r, inc=inc: x.index_reduce(
                1, _i(t, [3, 0, 3]), s, r, include_self=inc
            ),
            [TIE_FREE, RNG.permutation(9).reshape(3, 3) / 2.0 + 0.3],
        )
        for r in ("prod", "mean", "amax", "amin")
        for inc in (True, False)
    ],
    ("index_copy", lambda t, x, s: x.index_copy(1, _i(t, [3, 0]), s), [X34, X34[:, :2]]),
    ("take", lambda t, x: t.take(x, _i(t, [[0, -1], [5, 5]])), [X34]),
    ("take_along_dim", lambda t, x: t.take_along_dim(x, _i(t, [[0], [3], [1]]), -1), [X34]),
    ("gather_smaller_index", lambda t, x: t.gather(x, 1, _i(t, [[3, 0], [2, 2]])), [X34]),
    ("unfold", lambda t, x: x.unfold(1, 2, 1), [X34]),
    ("unfold_step", lambda t, x: x.unfold(0, 2, 1) * x.unfold(0, 2, 1), [X34]),
    ("diagonal_scatter", lambda t, x, s: t.diagonal_scatter(x, s, 1), [X34, X34[0, :3]]),
    ("select_scatter", lambda t, x, s: t.select_scatter(x, s, 0, -1), [X34, X34[0]]),
    ("slice_scatter", lambda t, x, s: t.slice_scatter(x, s, 1, 0, 4, 2), [X34, X34[:, :2]]),
    ("roll_multi", lambda t, x: x.roll((1, -2), (0, 1)), [X34]),
    ("flip_int", lambda t, x: x.flip(0), [X34]),
    ("scatter_add", lambda t, x, s: x.scatter_add(1, _i(t, IDX24), s), [X34, SRC24]),
    ("index_add", lambda t, x, s: x.index_add(0, _i(t, [2, 2]), s, alpha=2), [X34, SRC24]),
]


def _inputs(torch, arrays):
    return tuple(
        torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=True) for a in arrays
    )


@pytest.mark.parametrize("case", GRAD_OPS, ids=lambda c: c[0])
def test_gradcheck(torch, case):
    _, fn, arrays = case
    assert torch.autograd.gradcheck(lambda *xs: fn(torch, *xs), _inputs(torch, arrays))


@pytest.mark.parametrize("case", GRAD_OPS, ids=lambda c: c[0])
def test_gradgradcheck(torch, case):
    _, fn, arrays = case
    assert torch.autograd.gradgradcheck(lambda *xs: fn(torch, *xs), _inputs(torch, arrays))


@pytest.mark.parametrize(
    "call, ok",
    [
        ("x[torch.tensor([0, 1])] = torch.tensor([1, 2])", False),
        ("x[[0, 1]] = torch.tensor(5)", False),
        ("x[torch.tensor([True, False, True])] = torch.tensor([1, 2])", False),
        ("x[torch.tensor([0])] = torch.tensor([1.0], dtype=torch.float64)", False),
        ("x.index_put_((torch.tensor([0]),), torch.tensor([1]), accumulate=True)", False),
        ("torch.index_put(x, (torch.tensor([0]),), torch.tensor([1]))", False),
        ("x[x >= 0] = torch.tensor(7)", True),  # one mask, a 0-d value: masked_fill
        ("m[torch.tensor([True, False]), 0] = torch.tensor(9)", True),
        ("x.index_put_((torch.tensor([True, False, True]),), torch.tensor(1))", True),
        ("x[0:2] = torch.tensor([3, 4])", True),  # basic indexing copies with a cast
        ("x[torch.tensor([0, 1])] = 5", True),
    ],
)
def test_index_put_needs_the_destination_dtype(torch, call, ok):
    x = torch.zeros(3)
    m = torch.zeros(2, 3)
    if ok:
        exec(call)
        assert x.dtype == m.dtype == torch.float32
        return
    source = "Double" if "float64" in call else "Long"
    with pytest.raises(
        RuntimeError,
        match="^Index put requires the source and destination dtypes match, got Float for the "
        f"destination and {source} for the source.$",
    ):
        exec(call)
    assert x.tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    "value, kind", [([1, 2], "list"), ((1, 2), "tuple"), ("nd", "numpy.ndarray")]
)
def test_setitem_takes_tensors_and_numbers_only(torch, value, kind):
    x = torch.zeros(3)
    value = np.array([1.0, 2.0]) if value == "nd" else value
    with pytest.raises(TypeError, match=f"^can't assign a {kind} to a torch.FloatTensor$"):
        x[0:2] = value
    with pytest.raises(TypeError, match=f"^can't assign a {kind} to a torch.FloatTensor$"):
        x[torch.tensor([0, 1])] = value
    x[[0, 1]] = np.float64(2.5)
    assert x.tolist() == [2.5, 2.5, 0.0]
