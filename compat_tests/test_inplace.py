"""In-place ops: values, identity, version counters, dtype rules, history rewriting, gradients
through in-place ops on non-leaf tensors, PyTorch's in-place errors, and ``.grad`` buffers.

Expected values are written by hand or with NumPy; node names and error texts were read off
PyTorch 2.13.0 (CPU).  Views and ``__setitem__`` live in ``test_views.py``.
"""

import re

import numpy as np
import pytest
from _helpers import assert_close, assert_equal, node_name

LEAF_MSG = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_MSG = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation."
)
CAST_MSG = "result type Float can't be cast to the desired output type Long"
OVERLAP_MSG = (
    "unsupported operation: more than one element of the written-to tensor refers to a single "
    "memory location. Please clone() the tensor before performing the operation."
)
SAVED_PREFIX = (
    "one of the variables needed for gradient computation has been modified by an inplace "
    "operation: "
)
REQUIRES_GRAD_NONLEAF_MSG = (
    "you can only change requires_grad flags of leaf variables. If you want to use a computed "
    "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
)


def saved_msg(at, expected):
    return (
        re.escape(SAVED_PREFIX)
        + ".*"
        + re.escape(f"is at version {at}; expected version {expected} instead.")
    )


def edges(t):
    return [(None if n is None else type(n).__name__, i) for n, i in t.grad_fn.next_functions]


A = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
S = [[-1.5, 0.0, 2.0], [3.0, -4.0, 0.5]]  # signed, with a zero
an = np.array(A)
sn = np.array(S)
sigmoid = lambda a: 1.0 / (1.0 + np.exp(-a))


def idx(torch, *v):
    return torch.tensor(list(v))


# (id, input, method, args(torch) -> tuple, kwargs, expected numpy array)
INPLACE_CASES = [
    ("add_scalar", A, "add_", lambda t: (2,), {}, an + 2),
    ("add_scalar_alpha", A, "add_", lambda t: (1,), {"alpha": 3}, an + 3),
    ("add_row", A, "add_", lambda t: (t.tensor([10.0, 20.0, 30.0]),), {}, an + [10, 20, 30]),
    ("add_alpha", A, "add_", lambda t: (t.tensor([1.0, 2.0, 3.0]),), {"alpha": 2}, an + [2, 4, 6]),
    ("sub_scalar", A, "sub_", lambda t: (1.5,), {}, an - 1.5),
    (
        "sub_col_alpha",
        A,
        "sub_",
        lambda t: (t.tensor([[1.0], [2.0]]),),
        {"alpha": 3},
        an - [[3.0], [6.0]],
    ),
    ("mul_scalar", A, "mul_", lambda t: (-2,), {}, an * -2),
    ("mul_col", A, "mul_", lambda t: (t.tensor([[2.0], [3.0]]),), {}, an * [[2.0], [3.0]]),
    ("mul_0d", A, "mul_", lambda t: (t.tensor(0.5),), {}, an * 0.5),
    ("div_scalar", A, "div_", lambda t: (4,), {}, an / 4),
    ("div_tensor", A, "div_", lambda t: (t.tensor([1.0, 2.0, 4.0]),), {}, an / [1, 2, 4]),
    ("div_floor", S, "div_", lambda t: (2,), {"rounding_mode": "floor"}, np.floor(sn / 2)),
    ("div_trunc", S, "div_", lambda t: (2,), {"rounding_mode": "trunc"}, np.trunc(sn / 2)),
    ("pow_2", S, "pow_", lambda t: (2,), {}, sn**2),
    ("pow_half", A, "pow_", lambda t: (0.5,), {}, an**0.5),
    ("pow_tensor", A, "pow_", lambda t: (t.tensor([0.0, 1.0, 2.0]),), {}, an ** [0, 1, 2]),
    ("neg_", S, "neg_", lambda t: (), {}, -sn),
    ("abs_", S, "abs_", lambda t: (), {}, np.abs(sn)),
    ("exp_", S, "exp_", lambda t: (), {}, np.exp(sn)),
    ("log_", A, "log_", lambda t: (), {}, np.log(an)),
    ("sqrt_", A, "sqrt_", lambda t: (), {}, np.sqrt(an)),
    ("clamp_both", S, "clamp_", lambda t: (-1.0, 1.0), {}, np.clip(sn, -1, 1)),
    ("clamp_min", S, "clamp_", lambda t: (), {"min": 0.25}, np.maximum(sn, 0.25)),
    ("clamp_max", S, "clamp_", lambda t: (), {"max": 0.25}, np.minimum(sn, 0.25)),
    ("relu_", S, "relu_", lambda t: (), {}, np.maximum(sn, 0)),
    ("sigmoid_", S, "sigmoid_", lambda t: (), {}, sigmoid(sn)),
    ("tanh_", S, "tanh_", lambda t: (), {}, np.tanh(sn)),
    ("zero_", A, "zero_", lambda t: (), {}, np.zeros((2, 3))),
    ("fill_scalar", A, "fill_", lambda t: (7.5,), {}, np.full((2, 3), 7.5)),
    ("fill_0d", A, "fill_", lambda t: (t.tensor(-1.0),), {}, np.full((2, 3), -1.0)),
    ("copy_same", A, "copy_", lambda t: (t.tensor(S),), {}, sn),
    (
        "copy_broadcast_row",
        A,
        "copy_",
        lambda t: (t.tensor([7.0, 8.0, 9.0]),),
        {},
        np.array([[7.0, 8, 9], [7, 8, 9]]),
    ),
    ("copy_broadcast_0d", A, "copy_", lambda t: (t.tensor(3.0),), {}, np.full((2, 3), 3.0)),
    ("copy_from_int", A, "copy_", lambda t: (t.tensor([[1, 2, 3], [4, 5, 6]]) * -1,), {}, -an),
    (
        "copy_from_bool",
        A,
        "copy_",
        lambda t: (t.tensor([True, False, True]),),
        {},
        np.array([[1.0, 0, 1], [1, 0, 1]]),
    ),
    (
        "masked_fill_",
        A,
        "masked_fill_",
        lambda t: (t.tensor([[True, False, True], [False, False, True]]), -1.0),
        {},
        np.array([[-1.0, 2, -1], [4, 5, -1]]),
    ),
    (
        "masked_fill_broadcast",
        A,
        "masked_fill_",
        lambda t: (t.tensor([False, True, False]), t.tensor(0.0)),
        {},
        np.array([[1.0, 0, 3], [4, 0, 6]]),
    ),
    (
        "index_add_dim0_dup",
        A,
        "index_add_",
        lambda t: (0, idx(t, 1, 1), t.tensor([[1.0, 1, 1], [10, 10, 10]])),
        {},
        np.array([[1.0, 2, 3], [15, 16, 17]]),
    ),
    (
        "index_add_dim1_alpha",
        A,
        "index_add_",
        lambda t: (1, idx(t, 2, 0), t.tensor([[1.0, 2], [3, 4]])),
        {"alpha": 10},
        np.array([[21.0, 2, 13], [44, 5, 36]]),
    ),
    (
        "scatter_src",
        A,
        "scatter_",
        lambda t: (0, t.tensor([[1, 0, 1]]), t.tensor([[-1.0, -2, -3]])),
        {},
        np.array([[1.0, -2, 3], [-1, 5, -3]]),
    ),
    (
        "scatter_value",
        A,
        "scatter_",
        lambda t: (1, t.tensor([[2], [0]]), 9.0),
        {},
        np.array([[1.0, 2, 9], [9, 5, 6]]),
    ),
    (
        "scatter_add_",
        A,
        "scatter_add_",
        lambda t: (1, t.tensor([[0, 0], [2, 1]]), t.tensor([[10.0, 20], [30, 40]])),
        {},
        np.array([[31.0, 2, 3], [4, 45, 36]]),
    ),
    (
        "index_fill_dim1",
        A,
        "index_fill_",
        lambda t: (1, idx(t, 0, 2), 0.0),
        {},
        np.array([[0.0, 2, 0], [0, 5, 0]]),
    ),
    (
        "index_fill_neg_0d",
        A,
        "index_fill_",
        lambda t: (0, idx(t, -1), t.tensor(-7.0)),
        {},
        np.array([[1.0, 2, 3], [-7, -7, -7]]),
    ),
]


@pytest.mark.parametrize(
    "inp, method, args, kwargs, expected",
    [c[1:] for c in INPLACE_CASES],
    ids=[c[0] for c in INPLACE_CASES],
)
def test_inplace_method(torch, inp, method, args, kwargs, expected):
    x = torch.tensor(inp)
    assert x._version == 0
    r = getattr(x, method)(*args(torch), **kwargs)
    assert r is x
    assert x._version == 1
    assert x.dtype == torch.float32
    assert x.shape == (2, 3)
    assert_close(x, expected)


@pytest.mark.parametrize(
    "inp, method, args, kwargs, expected",
    [c[1:] for c in INPLACE_CASES[::3]],
    ids=[c[0] for c in INPLACE_CASES[::3]],
)
def test_inplace_method_through_alias_and_twice(torch, inp, method, args, kwargs, expected):
    x = torch.tensor(inp)
    alias = x.view(2, 3)
    getattr(alias, method)(*args(torch), **kwargs)
    assert x._version == 1 and alias._version == 1
    assert_close(x, expected)
    assert_close(alias, expected)
    x.zero_()
    assert x._version == 2 and alias._version == 2
    assert_equal(alias, np.zeros((2, 3)))


@pytest.mark.parametrize(
    "op, expected",
    [
        ("__iadd__", an + [[1.0], [2.0]]),
        ("__isub__", an - [[1.0], [2.0]]),
        ("__imul__", an * [[1.0], [2.0]]),
        ("__itruediv__", an / [[1.0], [2.0]]),
    ],
)
def test_augmented_assignment_tensor(torch, op, expected):
    x = torch.tensor(A)
    y = x
    r = getattr(y, op)(torch.tensor([[1.0], [2.0]]))
    assert r is x
    assert x._version == 1
    assert_close(x, expected)


def test_augmented_assignment_statements(torch):
    x = torch.tensor([1.0, 2.0, 4.0])
    alias = x
    x += 1
    assert x is alias and x._version == 1
    x -= torch.tensor([0.5, 0.5, 0.5])
    assert x is alias and x._version == 2
    x *= 2
    assert x is alias and x._version == 3
    x /= 4
    assert x is alias and x._version == 4
    assert_close(x, [0.75, 1.25, 2.25])


def test_augmented_assignment_is_not_rebinding(torch):
    x = torch.tensor([1.0, 2.0])
    keep = x
    x = x + 1  # out of place: a new tensor
    assert x is not keep
    assert_equal(keep, [1.0, 2.0])
    assert keep._version == 0
    y = keep
    y += 1
    assert_equal(keep, [2.0, 3.0])


def test_chained_inplace_calls_return_self(torch):
    x = torch.zeros(3)
    r = x.fill_(2.0).mul_(3).add_(1).neg_()
    assert r is x
    assert x._version == 4
    assert_equal(x, [-7.0, -7.0, -7.0])


def test_out_of_place_results_start_at_version_zero(torch):
    x = torch.tensor([1.0, 2.0])
    x.add_(1)
    y = x + 0
    assert x._version == 1
    assert y._version == 0
    assert x.clone()._version == 0


# ------------------------------------------------------------------------------ dtype rules


@pytest.mark.parametrize(
    "make",
    [
        lambda t, x: x.add_(1.5),
        lambda t, x: x.__iadd__(1.5),
        lambda t, x: x.__isub__(0.5),
        lambda t, x: x.__imul__(2.0),
        lambda t, x: x.__itruediv__(2),
        lambda t, x: x.div_(2),
        lambda t, x: x.mul_(t.tensor([1.5, 1.0, 1.0])),
        lambda t, x: x.add_(t.tensor(1.0)),
        lambda t, x: x.sqrt_(),
        lambda t, x: x.exp_(),
        lambda t, x: x.sigmoid_(),
        lambda t, x: x.pow_(0.5),
    ],
    ids=[
        "add_",
        "iadd",
        "isub",
        "imul",
        "itruediv",
        "div_",
        "mul_tensor",
        "add_0d",
        "sqrt_",
        "exp_",
        "sigmoid_",
        "pow_half",
    ],
)
def test_int_tensor_inplace_float_result_raises(torch, make):
    x = torch.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match=re.escape(CAST_MSG)):
        make(torch, x)
    assert_equal(x, [1, 2, 3])
    assert x.dtype == torch.int64


def test_int_iadd_float_statement_raises(torch):
    x = torch.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match=re.escape(CAST_MSG)):
        x += 1.5


def test_bool_tensor_inplace_add_raises(torch):
    x = torch.tensor([True, False])
    with pytest.raises(
        RuntimeError,
        match=re.escape("result type Long can't be cast to the desired output type Bool"),
    ):
        x.add_(1)


@pytest.mark.parametrize(
    "dtype, make, expected",
    [
        ("int64", lambda t, x: x.add_(2), [3, 4, 5]),
        ("int64", lambda t, x: x.mul_(-3), [-3, -6, -9]),
        ("int64", lambda t, x: x.__iadd__(True), [2, 3, 4]),
        ("int64", lambda t, x: x.div_(2, rounding_mode="floor"), [0, 1, 1]),
        ("int64", lambda t, x: x.pow_(2), [1, 4, 9]),
        ("int64", lambda t, x: x.neg_(), [-1, -2, -3]),
        ("int64", lambda t, x: x.clamp_(2, 2), [2, 2, 2]),
        ("int64", lambda t, x: x.fill_(2.7), [2, 2, 2]),  # fill_ truncates instead of raising
        ("int64", lambda t, x: x.masked_fill_(t.tensor([True, False, True]), -2.7), [-2, 2, -2]),
        ("int64", lambda t, x: x.copy_(t.tensor([1.9, -2.9, 3.5])), [1, -2, 3]),
        ("int32", lambda t, x: x.add_(t.tensor([1, 1, 1])), [2, 3, 4]),
        ("float32", lambda t, x: x.add_(t.tensor([1, 1, 1])), [2.0, 3.0, 4.0]),
        (
            "float32",
            lambda t, x: x.add_(t.tensor([0.5, 0.5, 0.5], dtype=t.float64)),
            [1.5, 2.5, 3.5],
        ),
        ("float16", lambda t, x: x.mul_(t.tensor([2.0, 2.0, 2.0])), [2.0, 4.0, 6.0]),
        ("float64", lambda t, x: x.div_(t.tensor([2.0, 2.0, 2.0])), [0.5, 1.0, 1.5]),
    ],
)
def test_inplace_keeps_self_dtype(torch, dtype, make, expected):
    dt = getattr(torch, dtype)
    x = torch.tensor([1, 2, 3], dtype=dt)
    r = make(torch, x)
    assert r is x
    assert x.dtype == dt
    assert x._version == 1
    assert_equal(x, expected)


def test_int_clamp_with_float_bounds_message(torch):
    with pytest.raises(
        RuntimeError,
        match=re.escape("result type Float can't be cast to the desired output type long int"),
    ):
        torch.tensor([1, 2, 3]).clamp_(0.5, 2.5)


@pytest.mark.parametrize(
    "make, exc, msg",
    [
        (
            lambda t: t.zeros(2, 3).copy_(t.zeros(2)),
            RuntimeError,
            "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1",
        ),
        (
            lambda t: t.zeros(2, 3).add_(t.zeros(3, 3)),
            RuntimeError,
            "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0",
        ),
        (
            lambda t: t.zeros(3).add_(t.zeros(2, 3)),
            RuntimeError,
            "output with shape [3] doesn't match the broadcast shape [2, 3]",
        ),
        (
            lambda t: t.zeros(3).mul_(t.ones(2, 1)),
            RuntimeError,
            "output with shape [3] doesn't match the broadcast shape [2, 3]",
        ),
        (
            lambda t: t.zeros(3).masked_fill_(t.tensor([1, 0, 1]), 1.0),
            RuntimeError,
            "masked_fill_ only supports boolean masks, but got mask with dtype long int",
        ),
        (
            lambda t: t.zeros(3).masked_fill_(t.tensor([True, False, True]), t.tensor([1.0, 2.0])),
            RuntimeError,
            "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s).",
        ),
    ],
    ids=["copy_", "add_", "add_grow", "mul_grow", "mask_dtype", "mask_value_dim"],
)
def test_inplace_shape_and_argument_errors(torch, make, exc, msg):
    with pytest.raises(exc, match=re.escape(msg)):
        make(torch)


# --------------------------------------------------------------------------- expanded tensors


@pytest.mark.parametrize(
    "make",
    [
        lambda t, e: e.add_(1),
        lambda t, e: e.mul_(2),
        lambda t, e: e.exp_(),
        lambda t, e: e.__iadd__(1),
        lambda t, e: e.copy_(t.ones(3, 2)),
        lambda t, e: e.__setitem__(Ellipsis, 5.0),
    ],
    ids=["add_", "mul_", "exp_", "iadd", "copy_", "setitem_all"],
)
def test_inplace_on_expanded_tensor_raises(torch, make):
    base = torch.tensor([1.0, 2.0])
    e = base.expand(3, 2)
    with pytest.raises(RuntimeError, match=re.escape(OVERLAP_MSG)):
        make(torch, e)
    assert_equal(base, [1.0, 2.0])


def test_fill_on_expanded_tensor_is_allowed(torch):
    base = torch.tensor([1.0, 2.0])
    e = base.expand(3, 2)
    e.fill_(4.0)
    assert_equal(base, [4.0, 4.0])
    assert_equal(e, [[4.0, 4.0]] * 3)
    e.zero_()
    assert_equal(base, [0.0, 0.0])
    assert base._version == 2


def _expanded_warning(kernel):
    return re.escape(
        f"Use of {kernel} on expanded tensors is deprecated. Please clone() the tensor"
    )


_MASK = [[True, False, False], [False, False, False]]


# PyTorch still runs masked and indexed fills on an expanded tensor, with a deprecation
# warning; the location a fill wrote holds the new value in every alias (found by the
# differential fuzzer: index_fill_ on an expanded result raised the overlap error here).
@pytest.mark.parametrize(
    "fill, kernels, base_after",
    [
        (lambda t, e: e.index_fill_(0, t.tensor([0]), 1.5), ["index_fill_"], [1.5, 1.5, 1.5]),
        (lambda t, e: e.index_fill_(1, t.tensor([0]), 1.5), ["index_fill_"], [1.5, 0.0, 0.0]),
        (lambda t, e: e.masked_fill_(t.tensor(_MASK), 1.5), ["masked_fill_"], [1.5, 0.0, 0.0]),
        (
            lambda t, e: e.masked_fill_(t.tensor([False, True, False]), t.tensor(2.5)),
            ["masked_fill_"],
            [0.0, 2.5, 0.0],
        ),
        (
            lambda t, e: e.__setitem__(t.tensor(_MASK), 1.5),
            ["index_put_", "masked_fill_"],
            [1.5, 0.0, 0.0],
        ),
        (
            lambda t, e: e.__setitem__((t.tensor([0]), t.tensor([1])), 1.5),
            ["index_put_"],
            [0.0, 1.5, 0.0],
        ),
        (
            lambda t, e: e.index_put_((t.tensor([1]), t.tensor([2])), t.tensor(1.5)),
            ["index_put_"],
            [0.0, 0.0, 1.5],
        ),
        (
            lambda t, e: e.__setitem__(t.tensor([True, False]), 1.5),
            ["index_put_", "masked_fill_"],
            [1.5, 1.5, 1.5],
        ),
    ],
    ids=[
        "index_fill_0",
        "index_fill_1",
        "masked_fill",
        "masked_fill_tensor",
        "mask_setitem",
        "index_setitem",
        "index_put_",
        "row_mask_setitem",
    ],
)
def test_indexed_fills_on_expanded_tensor_warn_and_write(torch, fill, kernels, base_after):
    base = torch.zeros(3)
    e = base.expand(2, 3)
    with pytest.warns(UserWarning) as record:
        fill(torch, e)
    messages = [str(w.message) for w in record]
    assert len(messages) == len(kernels)
    for message, kernel in zip(messages, kernels):
        assert re.match(_expanded_warning(kernel), message)
    assert_equal(base, base_after)
    assert_equal(e, [base_after] * 2)  # every alias reads the location
    assert base._version == 1
    assert (e * 1).sum().item() == 2 * sum(base_after)


def test_indexed_fill_on_expanded_tensor_with_history(torch):
    # through a view of a tensor with history the write is recorded (CopySlices) and it is the
    # backward that refuses the overlapping view
    leaf = torch.zeros(3, requires_grad=True)
    x = leaf.clone()
    e = x.expand(2, 3)
    with pytest.warns(UserWarning, match=_expanded_warning("masked_fill_")):
        e.masked_fill_(torch.tensor(_MASK), 1.5)
    assert node_name(x) == "CopySlices" and node_name(e) == "AsStridedBackward0"
    assert_equal(x.detach(), [1.5, 0.0, 0.0])
    assert_equal(e.detach(), [[1.5, 0.0, 0.0]] * 2)
    with pytest.raises(RuntimeError, match=re.escape(OVERLAP_MSG)):
        e.sum().backward()
    with pytest.raises(RuntimeError, match=re.escape(OVERLAP_MSG)):
        x.sum().backward()


@pytest.mark.parametrize(
    "make",
    [
        lambda t, e: e.index_add_(0, t.tensor([0]), t.ones(1, 3)),
        lambda t, e: e.index_copy_(0, t.tensor([0]), t.ones(1, 3)),
        lambda t, e: e.scatter_(0, t.tensor([[0]]), 1.5),
        lambda t, e: e.masked_scatter_(t.tensor(_MASK), t.ones(6)),
        lambda t, e: e.put_(t.tensor([1]), t.tensor([1.5])),
        lambda t, e: e.__setitem__((slice(None), 0), 1.5),
    ],
    ids=["index_add_", "index_copy_", "scatter_", "masked_scatter_", "put_", "slice_setitem"],
)
def test_other_writes_on_expanded_tensor_raise(torch, make):
    base = torch.zeros(3)
    with pytest.raises(RuntimeError, match=re.escape(OVERLAP_MSG)):
        make(torch, base.expand(2, 3))
    assert_equal(base, [0.0, 0.0, 0.0])


# x[i] = v drops v's leading 1s before expanding it, so the errors name the sizes left (the
# fuzzer's setitem of a [1, 3] result into a row of 4: PyTorch says "Tensor sizes: [3]").
@pytest.mark.parametrize(
    "vs, ts, msg",
    [
        (
            (1, 3),
            (4,),
            "The expanded size of the tensor (4) must match the existing size (3) at "
            "non-singleton dimension 0.  Target sizes: [4].  Tensor sizes: [3]",
        ),
        (
            (1, 1, 4),
            (),
            "expand(torch.FloatTensor{[4]}, size=[]): the number of sizes provided "
            "(0) must be greater or equal to the number of dimensions in the tensor (1)",
        ),
        (
            (1, 2, 1, 3),
            (2, 3),
            "expand(torch.FloatTensor{[2, 1, 3]}, size=[2, 3]): the number "
            "of sizes provided (2) must be greater or equal to the number of dimensions in the "
            "tensor (3)",
        ),
        ((1, 5), (2, 3), "Target sizes: [2, 3].  Tensor sizes: [5]"),
    ],
)
def test_setitem_value_leading_ones_dropped_in_errors(torch, vs, ts, msg):
    x = torch.zeros((2,) + ts)
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        x[0] = torch.ones(vs)


def test_setitem_value_leading_ones_dropped(torch):
    x = torch.zeros(2, 2, 3)
    x[0] = torch.arange(3.0).reshape(1, 1, 3)
    assert_equal(x[0], [[0.0, 1.0, 2.0]] * 2)
    y = torch.zeros(2, 3, requires_grad=True).clone()
    v = torch.ones(1, 3, requires_grad=True)
    y[0] = v * 2
    y.sum().backward()
    assert_equal(v.grad, [[2.0, 2.0, 2.0]])
    assert node_name(y) == "CopySlices"


# ------------------------------------------------------------------------- history rewriting


def test_history_rewrite_add_after_mul(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    r = y.add_(1)
    assert r is y
    assert node_name(y) == "AddBackward0"
    assert edges(y) == [("MulBackward0", 0), (None, 0)]
    assert type(y.grad_fn.next_functions[0][0].next_functions[0][0]).__name__ == "AccumulateGrad"
    assert y.grad_fn.next_functions[0][0].next_functions[0][0].variable is x
    assert y.is_leaf is False and y.requires_grad is True
    assert y._version == 1
    y.mul_(3)
    assert node_name(y) == "MulBackward0"
    assert edges(y) == [("AddBackward0", 0), (None, 0)]
    assert y._version == 2
    y.sum().backward()
    assert_equal(x.grad, [6.0, 6.0, 6.0])


@pytest.mark.parametrize(
    "op, args, name, nexts",
    [
        ("add_", (1,), "AddBackward0", [("MulBackward0", 0), (None, 0)]),
        ("sub_", (1,), "SubBackward0", [("MulBackward0", 0), (None, 0)]),
        ("mul_", (2,), "MulBackward0", [("MulBackward0", 0), (None, 0)]),
        ("div_", (2,), "DivBackward0", [("MulBackward0", 0), (None, 0)]),
        ("pow_", (2,), "PowBackward0", [("MulBackward0", 0)]),
        ("neg_", (), "NegBackward0", [("MulBackward0", 0)]),
        ("abs_", (), "AbsBackward0", [("MulBackward0", 0)]),
        ("exp_", (), "ExpBackward0", [("MulBackward0", 0)]),
        ("log_", (), "LogBackward0", [("MulBackward0", 0)]),
        ("sqrt_", (), "SqrtBackward0", [("MulBackward0", 0)]),
        ("relu_", (), "ReluBackward0", [("MulBackward0", 0)]),
        ("sigmoid_", (), "SigmoidBackward0", [("MulBackward0", 0)]),
        ("tanh_", (), "TanhBackward0", [("MulBackward0", 0)]),
        ("__iadd__", (1,), "AddBackward0", [("MulBackward0", 0), (None, 0)]),
        ("__isub__", (1,), "SubBackward0", [("MulBackward0", 0), (None, 0)]),
        ("__imul__", (2,), "MulBackward0", [("MulBackward0", 0), (None, 0)]),
        ("__itruediv__", (2,), "DivBackward0", [("MulBackward0", 0), (None, 0)]),
    ],
)
def test_history_rewrite_node_names(torch, op, args, name, nexts):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    getattr(y, op)(*args)
    assert node_name(y) == name
    assert edges(y) == nexts
    assert y._version == 1


@pytest.mark.parametrize(
    "op, make_args, name, nexts",
    [
        ("add_", lambda t, w: (w,), "AddBackward0", [("MulBackward0", 0), ("AccumulateGrad", 0)]),
        ("mul_", lambda t, w: (w,), "MulBackward0", [("MulBackward0", 0), ("AccumulateGrad", 0)]),
        ("add_", lambda t, w: (t.ones(3),), "AddBackward0", [("MulBackward0", 0), (None, 0)]),
        (
            "masked_fill_",
            lambda t, w: (t.tensor([True, False, True]), 0.0),
            "MaskedFillBackward0",
            [("MulBackward0", 0)],
        ),
        (
            "index_add_",
            lambda t, w: (0, t.tensor([0, 2, 1]), w),
            "IndexAddBackward0",
            [("MulBackward0", 0), ("AccumulateGrad", 0)],
        ),
        (
            "scatter_add_",
            lambda t, w: (0, t.tensor([0, 2, 1]), w),
            "ScatterAddBackward0",
            [("MulBackward0", 0), ("AccumulateGrad", 0)],
        ),
        (
            "scatter_",
            lambda t, w: (0, t.tensor([0, 2, 1]), w),
            "ScatterBackward0",
            [("MulBackward0", 0), ("AccumulateGrad", 0)],
        ),
        (
            "index_fill_",
            lambda t, w: (0, t.tensor([1]), 0.0),
            "IndexFillBackward0",
            [("MulBackward0", 0)],
        ),
    ],
    ids=[
        "add_w",
        "mul_w",
        "add_const",
        "masked_fill_",
        "index_add_",
        "scatter_add_",
        "scatter_",
        "index_fill_",
    ],
)
def test_history_rewrite_with_tensor_operands(torch, op, make_args, name, nexts):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
    y = x * 2
    getattr(y, op)(*make_args(torch, w))
    assert node_name(y) == name
    assert edges(y) == nexts


@pytest.mark.parametrize(
    "op, make_args, name, nexts",
    [
        ("zero_", lambda t: (), "ZeroBackward0", [("MulBackward0", 0)]),
        ("fill_", lambda t: (1.0,), "FillBackward2", [("MulBackward0", 0)]),
        ("fill_", lambda t: (t.tensor(1.0),), "FillBackward3", [("MulBackward0", 0), (None, 0)]),
        ("copy_", lambda t: (t.ones(3),), "CopyBackwards", [("MulBackward0", 0), (None, 0)]),
        ("clamp_", lambda t: (0.0, 1.0), "ClampBackward1", [("MulBackward0", 0)]),
        ("pow_", lambda t: (t.ones(3),), "PowBackward1", [("MulBackward0", 0), (None, 0)]),
        (
            "scatter_",
            lambda t: (0, t.tensor([0, 2]), 5.0),
            "ScatterBackward1",
            [("MulBackward0", 0)],
        ),
    ],
    ids=["zero_", "fill_scalar", "fill_tensor", "copy_", "clamp_", "pow_tensor", "scatter_value"],
)
def test_history_rewrite_overload_node_names(torch, op, make_args, name, nexts):
    """Overload-numbered / oddly named nodes (PyTorch implementation detail, pinned anyway)."""
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    getattr(y, op)(*make_args(torch))
    assert node_name(y) == name
    assert edges(y) == nexts


def test_inplace_with_grad_operand_into_plain_tensor(torch):
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = torch.zeros(3)
    y.add_(w)
    assert y.requires_grad is True and y.is_leaf is False
    assert node_name(y) == "AddBackward0"
    assert edges(y) == [(None, 0), ("AccumulateGrad", 0)]
    (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert_equal(w.grad, [1.0, 2.0, 3.0])


def test_copy_grad_source_into_plain_tensor(torch):
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = torch.zeros(3)
    y.copy_(w)
    assert y.requires_grad is True and y.is_leaf is False
    assert edges(y) == [(None, 0), ("AccumulateGrad", 0)]
    (y * y).sum().backward()
    assert_equal(w.grad, [2.0, 4.0, 6.0])


def test_copy_grad_source_node_name(torch):
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = torch.zeros(3)
    y.copy_(w)
    assert node_name(y) == "CopyBackwards"


# ---------------------------------------------------------- gradients through in-place ops

X = np.array([1.0, 2.0, 3.0])
W = np.array([1.0, 10.0, 100.0])  # weights for the loss (y * W).sum()


# (id, apply(torch, y, x, s), expected x.grad, expected s.grad or None); y = x * 1 (or x - 2)
GRAD_CASES = [
    ("add_", lambda t, y, x, s: y.add_(2), W, None),
    ("add_const_alpha", lambda t, y, x, s: y.add_(t.ones(3), alpha=5), W, None),
    ("sub_self_alpha", lambda t, y, x, s: y.sub_(x, alpha=3), -2 * W, None),
    ("mul_", lambda t, y, x, s: y.mul_(3), 3 * W, None),
    ("mul_x", lambda t, y, x, s: y.mul_(x), 2 * X * W, None),
    ("mul_x_twice", lambda t, y, x, s: y.mul_(x).mul_(x), 3 * X**2 * W, None),
    ("div_", lambda t, y, x, s: y.div_(2), W / 2, None),
    ("div_x_plus_1", lambda t, y, x, s: y.div_(x + 1), W / (X + 1) ** 2, None),
    ("pow_2", lambda t, y, x, s: y.pow_(2), 2 * X * W, None),
    ("pow_3", lambda t, y, x, s: y.pow_(3), 3 * X**2 * W, None),
    ("neg_", lambda t, y, x, s: y.neg_(), -W, None),
    ("abs_", lambda t, y, x, s: y.sub_(2).abs_(), np.sign(X - 2) * W, None),
    ("exp_", lambda t, y, x, s: y.exp_(), np.exp(X) * W, None),
    ("log_", lambda t, y, x, s: y.log_(), W / X, None),
    ("sqrt_", lambda t, y, x, s: y.sqrt_(), W / (2 * np.sqrt(X)), None),
    ("clamp_", lambda t, y, x, s: y.clamp_(1.5, 2.5), W * [0, 1, 0], None),
    ("clamp_min", lambda t, y, x, s: y.clamp_(min=2.5), W * [0, 0, 1], None),
    ("relu_", lambda t, y, x, s: y.sub_(2).relu_(), W * [0, 0, 1], None),
    ("sigmoid_", lambda t, y, x, s: y.sigmoid_(), sigmoid(X) * (1 - sigmoid(X)) * W, None),
    ("tanh_", lambda t, y, x, s: y.tanh_(), (1 - np.tanh(X) ** 2) * W, None),
    ("zero_", lambda t, y, x, s: y.zero_(), 0 * W, None),
    ("fill_", lambda t, y, x, s: y.fill_(5.0), 0 * W, None),
    ("copy_const", lambda t, y, x, s: y.copy_(t.ones(3)), 0 * W, None),
    ("copy_s_broadcast", lambda t, y, x, s: y.copy_(s[:1]), 0 * W, [W.sum(), 0.0]),
    (
        "masked_fill_",
        lambda t, y, x, s: y.masked_fill_(t.tensor([True, False, True]), 0.0),
        W * [0, 1, 0],
        None,
    ),
    ("index_fill_", lambda t, y, x, s: y.index_fill_(0, t.tensor([1]), -1.0), W * [1, 0, 1], None),
    ("index_add_", lambda t, y, x, s: y.index_add_(0, t.tensor([0, 0]), s), W, [W[0], W[0]]),
    (
        "index_add_alpha",
        lambda t, y, x, s: y.index_add_(0, t.tensor([2, 1]), s, alpha=2),
        W,
        [2 * W[2], 2 * W[1]],
    ),
    (
        "scatter_",
        lambda t, y, x, s: y.scatter_(0, t.tensor([2, 0]), s),
        W * [0, 1, 0],
        [W[2], W[0]],
    ),
    ("scatter_add_", lambda t, y, x, s: y.scatter_add_(0, t.tensor([2, 2]), s), W, [W[2], W[2]]),
    ("iadd_x", lambda t, y, x, s: y.__iadd__(x), 2 * W, None),
    ("isub_x", lambda t, y, x, s: y.__isub__(x * 3), -2 * W, None),
    ("imul_x", lambda t, y, x, s: y.__imul__(x), 2 * X * W, None),
    (
        "itruediv_const",
        lambda t, y, x, s: y.__itruediv__(t.tensor([1.0, 2.0, 4.0])),
        W / [1, 2, 4],
        None,
    ),
]


@pytest.mark.parametrize(
    "apply, gx, gs",
    [c[1:] for c in GRAD_CASES],
    ids=[c[0] for c in GRAD_CASES],
)
def test_grad_through_inplace_on_nonleaf(torch, apply, gx, gs):
    x = torch.tensor(X.tolist(), requires_grad=True)
    s = torch.tensor([5.0, 6.0], requires_grad=True)
    y = x * 1
    apply(torch, y, x, s)
    assert y.requires_grad and not y.is_leaf
    (y * torch.tensor(W.tolist())).sum().backward()
    assert_close(x.grad, gx, rtol=1e-5)
    if gs is None:
        assert s.grad is None
    else:
        assert_close(s.grad, gs)


def test_grad_through_chain_of_inplace_ops(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.add_(1).mul_(3)
    y.pow_(2)  # y = (3 (2x + 1))^2
    assert node_name(y) == "PowBackward0"
    assert y._version == 3
    y.sum().backward()
    assert_close(x.grad, 36 * (2 * X + 1))


def test_grad_through_chain_mixing_operands(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x + 0
    y.mul_(x)
    y.add_(x, alpha=2)
    y.sub_(1)
    y.div_(2)  # y = (x^2 + 2x - 1) / 2
    assert_close(y, (X**2 + 2 * X - 1) / 2)
    y.sum().backward()
    assert_close(x.grad, X + 1)


def test_inplace_then_out_of_place_uses_new_value(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 1
    z1 = y * 2  # uses y before the in-place op
    y.add_(10)
    z2 = y * 3  # uses y after it
    assert_equal(z1, 2 * X)
    assert_equal(z2, 3 * (X + 10))
    (z1 + z2).sum().backward()
    assert_equal(x.grad, [5.0, 5.0, 5.0])


def test_grad_through_augmented_assignment_loop(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    acc = torch.zeros(2)
    for k in range(1, 4):
        acc += x * k  # acc becomes non-leaf on the first step
    assert node_name(acc) == "AddBackward0"
    acc.sum().backward()
    assert_equal(x.grad, [6.0, 6.0])
    assert acc.is_leaf is False


# --------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "make",
    [
        lambda t, x: x.add_(1),
        lambda t, x: x.__iadd__(1),
        lambda t, x: x.__imul__(2),
        lambda t, x: x.mul_(t.ones(3)),
        lambda t, x: x.zero_(),
        lambda t, x: x.fill_(1.0),
        lambda t, x: x.copy_(t.ones(3)),
        lambda t, x: x.exp_(),
        lambda t, x: x.relu_(),
        lambda t, x: x.clamp_(0.0, 1.0),
        lambda t, x: x.masked_fill_(t.tensor([True, False, True]), 1.0),
        lambda t, x: x.index_add_(0, t.tensor([0]), t.ones(1)),
        lambda t, x: x.scatter_(0, t.tensor([0]), 1.0),
        lambda t, x: x.__setitem__(t.tensor([True, False, True]), 1.0),
        lambda t, x: x.__setitem__(t.tensor([0]), 1.0),
        lambda t, x: x.__setitem__(Ellipsis, 1.0),
        lambda t, x: x.__setitem__(slice(None), 1.0),
    ],
    ids=[
        "add_",
        "iadd",
        "imul",
        "mul_",
        "zero_",
        "fill_",
        "copy_",
        "exp_",
        "relu_",
        "clamp_",
        "masked_fill_",
        "index_add_",
        "scatter_",
        "setitem_mask",
        "setitem_index_tensor",
        "setitem_ellipsis",
        "setitem_full_slice",
    ],
)
def test_inplace_on_leaf_requiring_grad_raises(torch, make):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=re.escape(LEAF_MSG)):
        make(torch, x)
    assert_equal(x, [1.0, 2.0, 3.0])
    assert x.is_leaf and x.requires_grad and x.grad_fn is None


@pytest.mark.parametrize(
    "make",
    [
        lambda t, x: x.__setitem__(0, 5.0),
        lambda t, x: x.__setitem__(slice(1, None), 5.0),
        lambda t, x: x[0].mul_(2),
        lambda t, x: x.view(3).add_(1),
        lambda t, x: x[1:].zero_(),
    ],
    ids=["setitem_int", "setitem_slice", "select_mul_", "view_add_", "slice_zero_"],
)
def test_inplace_on_view_of_leaf_requiring_grad_raises(torch, make):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=re.escape(VIEW_OF_LEAF_MSG)):
        make(torch, x)
    assert_equal(x, [1.0, 2.0, 3.0])


def test_inplace_on_leaf_allowed_under_no_grad(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with torch.no_grad():
        x.mul_(2)
        x[0] = -1.0
        x.view(3)[1] = 7.0
        x += 1
    assert_equal(x, [0.0, 8.0, 7.0])
    assert x.is_leaf is True
    assert x.requires_grad is True
    assert x.grad_fn is None
    assert x._version == 4
    (x * x).sum().backward()  # gradients use the new values
    assert_equal(x.grad, [0.0, 16.0, 14.0])


def test_inplace_on_leaf_via_detach_and_data_allowed(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.detach().add_(1)
    assert_equal(x, [2.0, 3.0])
    x.data.mul_(2)
    assert_equal(x, [4.0, 6.0])
    assert x.is_leaf and x.requires_grad and x.grad_fn is None


def test_inplace_on_leaf_not_requiring_grad_allowed(torch):
    x = torch.tensor([1.0, 2.0])
    x.add_(1)
    x[0] = 0.0
    assert_equal(x, [0.0, 3.0])
    assert x.is_leaf and not x.requires_grad


@pytest.mark.parametrize(
    "build, at, expected",
    [
        (lambda t, x: (lambda y: (y.exp(), y.add_(1))[0])(x * 1), None, None),  # exp saves result
        (lambda t, x: (lambda y: (y, y.add_(1))[0])(x.exp()), 1, 0),  # result of exp modified
        (lambda t, x: (lambda y: ((y * y), y.mul_(2))[0])(x * 1), 1, 0),  # saved input of mul
        (lambda t, x: (lambda y: (y.sigmoid(), y.add_(1))[0])(x * 1), None, None),
        (lambda t, x: (lambda z: (z, z.add_(1))[0])((x * 1).sigmoid()), 1, 0),
        (lambda t, x: (lambda y: (y.pow(2), y.zero_())[0])(x * 1), 1, 0),
        (lambda t, x: (lambda y: (y.sin(), y.neg_())[0])(x + 1), 1, 0),
        (lambda t, x: (lambda y: (y.exp_(), y.mul_(3))[0])(x * 1), 2, 1),
        (lambda t, x: (lambda y: (y.sqrt_(), y.log_())[0])(x * 1), 2, 1),
        (lambda t, x: (lambda y: (y * 2, y.add_(1))[0])(x * 1), None, None),  # mul by const: fine
    ],
    ids=[
        "exp_input_ok",
        "exp_output",
        "mul_input",
        "sigmoid_input_ok",
        "sigmoid_output",
        "pow_input",
        "sin_input",
        "exp__output_v2",
        "sqrt__output_v2",
        "mul_const_ok",
    ],
)
def test_modified_saved_tensor(torch, build, at, expected):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    out = build(torch, x)
    if at is None:
        out.sum().backward()
        assert x.grad is not None
    else:
        with pytest.raises(RuntimeError, match=saved_msg(at, expected)):
            out.sum().backward()


def test_modified_saved_tensor_full_message(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.add_(1)
    msg = (
        SAVED_PREFIX + "[torch.FloatTensor [2]], which is output 0 of Exp, is at version 1; "
        "expected version 0 instead. Hint: enable anomaly detection to find the operation that "
        "failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, "
        "check_nan=False)."
    )
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        y.sum().backward()


def test_modified_saved_tensor_via_shared_detach(torch):
    """``y.detach()`` shares y's version counter, so mutating y invalidates it as a saved input."""
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.add_(1)
    y.mul_(y.detach())  # saves the detached alias at version 1, then bumps it to 2
    with pytest.raises(RuntimeError, match=saved_msg(2, 1)):
        y.sum().backward()


def test_modified_saved_tensor_via_shared_detach_message(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.mul_(y.detach())
    msg = SAVED_PREFIX + "[torch.FloatTensor [3]] is at version 1; expected version 0 instead."
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        y.sum().backward()


def test_modified_saved_leaf_under_no_grad(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = (x * x).sum()
    with torch.no_grad():
        x.add_(1)
    with pytest.raises(RuntimeError, match=saved_msg(1, 0)):
        z.backward()


def test_modified_saved_tensor_via_data_is_not_detected(torch):
    """``.data`` has its own version counter: the change is silent and the gradient uses it."""
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = (x * x).sum()
    x.data.add_(1)
    assert x._version == 0
    z.backward()
    assert_equal(x.grad, [4.0, 6.0])


def test_multi_output_view_inplace_raises(torch):
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x * 1
    msg_tmpl = (
        "Output 0 of {} is a view and is being modified inplace. This view is the output of a "
        "function that returns multiple views. Such functions do not allow the output views to "
        "be modified inplace. You should replace the inplace operation by an out-of-place one."
    )
    for name, pieces in [
        ("Unbind", y.unbind(0)),
        ("Split", y.split(1, 0)),
        ("Split", y.chunk(2, 1)),
    ]:
        with pytest.raises(RuntimeError, match=re.escape(msg_tmpl.format(name))):
            pieces[0].mul_(2)


# ------------------------------------------------------------------ requires_grad_ / detach_


def test_requires_grad_inplace_flag(torch):
    a = torch.tensor([1.0, 2.0])
    r = a.requires_grad_()
    assert r is a
    assert a.requires_grad and a.is_leaf and a.grad_fn is None
    assert a._version == 0
    assert a.requires_grad_(False) is a
    assert a.requires_grad is False
    b = torch.tensor([1, 2])
    assert b.requires_grad_(False) is b
    with pytest.raises(
        RuntimeError, match=re.escape("only Tensors of floating point dtype can require gradients")
    ):
        b.requires_grad_()


def test_requires_grad_false_on_nonleaf_raises(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match=re.escape(REQUIRES_GRAD_NONLEAF_MSG)):
        y.requires_grad_(False)
    assert y.requires_grad_(True) is y


def test_detach_inplace(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    r = y.detach_()
    assert r is y
    assert y.requires_grad is False
    assert y.is_leaf is True
    assert y.grad_fn is None
    y.add_(1)  # now an ordinary tensor
    assert_equal(y, [3.0, 5.0])
    assert_equal(x, [1.0, 2.0])
    assert x.requires_grad


def test_detach_inplace_on_leaf(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    assert x.detach_() is x
    assert x.requires_grad is False and x.is_leaf
    x.mul_(2)
    assert_equal(x, [2.0, 4.0])


def test_detach_inplace_on_view_raises(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    v = (x * 2).view(2)
    msg = "Can't detach views in-place. Use detach() instead."
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        v.detach_()


# ----------------------------------------------------------------------------- grad buffers


def test_grad_accumulates_into_same_tensor(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    g = x.grad
    assert_equal(g, [2.0, 4.0, 6.0])
    assert g.requires_grad is False and g.is_leaf
    (x * x).sum().backward()
    assert x.grad is g
    assert_equal(g, [4.0, 8.0, 12.0])


def test_grad_zero_inplace_then_accumulate(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * 2).sum().backward()
    g = x.grad
    v0 = g._version
    r = x.grad.zero_()
    assert r is g and x.grad is g
    assert g._version == v0 + 1
    assert_equal(x.grad, [0.0, 0.0, 0.0])
    (x * 3).sum().backward()
    assert x.grad is g
    assert_equal(g, [3.0, 3.0, 3.0])


def test_grad_inplace_update(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    x.grad.mul_(5)
    x.grad[0] = -1.0
    assert_equal(x.grad, [-1.0, 10.0])
    x.grad += 1
    assert_equal(x.grad, [0.0, 11.0])


def test_grad_set_to_none_gives_fresh_tensor(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    g = x.grad
    x.grad = None
    assert x.grad is None
    (x * 3).sum().backward()
    assert x.grad is not g
    assert_equal(x.grad, [3.0, 3.0])
    assert_equal(g, [2.0, 2.0])


def test_grad_assigned_tensor_is_accumulated_into(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    mine = torch.ones(3)
    x.grad = mine
    assert x.grad is mine
    (x * 3).sum().backward()
    assert x.grad is mine
    assert_equal(mine, [4.0, 4.0, 4.0])
    assert x._version == 0


@pytest.mark.parametrize(
    "make, exc, msg",
    [
        (
            lambda t: t.ones(2),
            RuntimeError,
            "attempting to assign a gradient of size '[2]' to a tensor of size '[3]'. Please ensure "
            "that the gradient and the tensor are the same size",
        ),
        (
            lambda t: [1.0, 2.0, 3.0],
            TypeError,
            "assigned grad expected to be a Tensor or None but got grad of type list",
        ),
    ],
    ids=["size", "type"],
)
def test_grad_assignment_errors(torch, make, exc, msg):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(exc, match=re.escape(msg)):
        x.grad = make(torch)


def test_manual_sgd_keeps_leaf(torch):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    c = torch.tensor([1.0, -1.0])
    expected = np.array([1.0, 2.0])
    for step in range(3):
        loss = ((w * c).sum() - 3) ** 2
        loss.backward()
        # d/dw ((w0 - w1) - 3)^2 = 2 ((w0 - w1) - 3) * c
        g = 2 * ((expected[0] - expected[1]) - 3) * np.array([1.0, -1.0])
        assert_close(w.grad, g)
        with torch.no_grad():
            w -= 0.1 * w.grad
        expected = expected - 0.1 * g
        w.grad.zero_()
        assert w.is_leaf is True
        assert w.requires_grad is True
        assert w.grad_fn is None
        assert w._version == step + 1
        assert_close(w, expected)
        assert_equal(w.grad, [0.0, 0.0])
    assert_close(w, [2.568, 0.432])


def test_manual_sgd_with_grad_none_and_data_update(torch):
    w = torch.tensor([0.0], requires_grad=True)
    for _ in range(5):
        loss = ((w - 4) ** 2).sum()
        loss.backward()
        w.data.sub_(0.25 * w.grad.data)
        w.grad = None
    # w <- w - 0.25 * 2 (w - 4) = 0.5 w + 2
    assert_close(w, [4 - 4 * 0.5**5])
    assert w.is_leaf and w.requires_grad


def test_view_made_in_no_grad_refuses_in_place_with_grad_on(torch):
    x = torch.ones(3, requires_grad=True)
    y = x * 1
    with torch.no_grad():
        leaf_view, view = x[1:], y[1:]
    for v in (leaf_view, view):
        with pytest.raises(RuntimeError) as err:
            v.mul_(2)
        assert str(err.value).startswith(
            "A view was created in no_grad mode and is being modified inplace with grad mode "
            "enabled. Given that this use case is ambiguous and error-prone, it is forbidden."
        )
    with torch.no_grad():
        view.mul_(2)  # both inside: allowed
    assert y.tolist() == [1.0, 2.0, 2.0]


def test_inference_tensors_outside_inference_mode(torch):
    with torch.inference_mode():
        t = torch.ones(2)
    with pytest.raises(RuntimeError) as err:
        t.add_(1)
    assert str(err.value).startswith(
        "Inplace update to inference tensor outside InferenceMode is not allowed.You can make"
    )
    assert t.tolist() == [2.0, 2.0]  # PyTorch refuses at the version bump, after the write
    with torch.inference_mode():
        t.add_(1)  # inside: allowed
    a = torch.ones(2, requires_grad=True)
    assert (a + t).sum().item() == 8.0  # add saves nothing
    with pytest.raises(RuntimeError) as err:
        a * t
    assert str(err.value).startswith("Inference tensors cannot be saved for backward.")
