"""Tensor attributes, conversions, the Python protocol and a few error messages."""

import math
import operator

import numpy as np
import pytest
from _helpers import assert_equal, node_name

# ---------------------------------------------------------------------------- shape & size


def test_shape_size_dim(torch):
    x = torch.zeros(2, 3, 4)
    assert x.shape == (2, 3, 4)
    assert x.size() == (2, 3, 4)
    assert x.size(0) == 2
    assert x.size(-1) == 4
    assert x.size(dim=1) == 3
    assert x.dim() == 3
    assert x.ndim == 3
    assert x.ndimension() == 3
    assert x.numel() == 24
    assert x.nelement() == 24
    assert torch.numel(x) == 24
    assert isinstance(x.size(1), int)
    assert isinstance(x.shape[0], int)


def test_0d_shape(torch):
    x = torch.tensor(5.0)
    assert x.shape == ()
    assert x.dim() == 0
    assert x.numel() == 1


@pytest.mark.parametrize("dim", [2, -3])
def test_size_dim_out_of_range(torch, dim):
    with pytest.raises(
        IndexError,
        match=rf"Dimension out of range \(expected to be in range of \[-2, 1\], but got {dim}\)",
    ):
        torch.zeros(2, 3).size(dim)


def test_torch_size_is_tuple(torch):
    s = torch.zeros(2, 3).shape
    assert isinstance(s, tuple)
    assert isinstance(s, torch.Size)
    assert type(s) is torch.Size
    assert repr(s) == "torch.Size([2, 3])"
    assert str(s) == "torch.Size([2, 3])"
    assert repr(torch.Size([])) == "torch.Size([])"
    assert s == (2, 3)
    assert s == torch.Size([2, 3])
    assert s != [2, 3]  # a tuple never equals a list
    assert s.numel() == 6
    assert torch.Size([]).numel() == 1
    assert list(s) == [2, 3]
    assert len(s) == 2
    a, b = s
    assert (a, b) == (2, 3)


def test_torch_size_slicing_and_concat_stay_size(torch):
    s = torch.zeros(2, 3, 4).shape
    assert type(s[1:]) is torch.Size
    assert s[1:] == (3, 4)
    assert repr(s[:1]) == "torch.Size([2])"
    t = s + (5,)
    assert type(t) is torch.Size
    assert t == (2, 3, 4, 5)


def test_torch_size_constructor(torch):
    assert torch.Size((2, 3)) == torch.Size([2, 3])
    assert torch.Size([4])[0] == 4
    assert hash(torch.Size([2, 3])) == hash((2, 3))


# ---------------------------------------------------------------------------- dtype & device


def test_device(torch):
    x = torch.tensor([1.0])
    assert str(x.device) == "cpu"
    assert x.device.type == "cpu"
    assert x.device == torch.device("cpu")
    assert repr(torch.device("cpu")) == "device(type='cpu')"
    assert x.is_cuda is False
    assert x.cpu().device.type == "cpu"


def test_is_tensor(torch):
    x = torch.tensor([1.0])
    assert isinstance(x, torch.Tensor)
    assert torch.is_tensor(x)
    assert not torch.is_tensor([1.0])
    assert not torch.is_tensor(np.array([1.0]))


# ---------------------------------------------------------------------------- item / tolist / numpy


@pytest.mark.parametrize(
    "value,dtype,pytype",
    [(2.5, "float32", float), (3, "int64", int), (True, "bool", bool), (7, "float64", float),
     (4, "int32", int), (1.5, "float16", float)],
)  # fmt: skip
def test_item(torch, value, dtype, pytype):
    x = torch.tensor(value, dtype=getattr(torch, dtype))
    v = x.item()
    assert type(v) is pytype
    assert v == value
    assert torch.tensor([value], dtype=getattr(torch, dtype)).item() == value


def test_item_of_float32_is_rounded_double(torch):
    assert torch.tensor(0.1).item() == float(np.float32(0.1))
    assert torch.tensor(0.1, dtype=torch.float64).item() == 0.1


def test_item_multi_element_raises(torch):
    with pytest.raises(
        RuntimeError, match="a Tensor with 2 elements cannot be converted to Scalar"
    ):
        torch.tensor([1, 2]).item()


def test_item_on_requires_grad_ok(torch):
    x = torch.tensor([1.5, 2.0], requires_grad=True)
    assert x[0].item() == 1.5
    assert (x * 2).sum().item() == 7.0


def test_tolist(torch):
    assert torch.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    assert torch.tensor(1.5).tolist() == 1.5
    assert torch.tensor([True, False]).tolist() == [True, False]
    v = torch.tensor([1.0, 2.0]).tolist()
    assert all(type(e) is float for e in v)
    assert all(type(e) is int for e in torch.tensor([1, 2]).tolist())
    assert torch.zeros(2, 0).tolist() == [[], []]
    assert torch.tensor([0.5], requires_grad=True).tolist() == [0.5]


@pytest.mark.parametrize(
    "dtype,np_dtype",
    [("float32", np.float32), ("float64", np.float64), ("int64", np.int64), ("int32", np.int32),
     ("bool", np.bool_), ("uint8", np.uint8), ("float16", np.float16)],
)  # fmt: skip
def test_numpy(torch, dtype, np_dtype):
    x = torch.tensor([[0, 1], [1, 0]], dtype=getattr(torch, dtype))
    a = x.numpy()
    assert isinstance(a, np.ndarray)
    assert a.dtype == np_dtype
    assert a.shape == (2, 2)
    np.testing.assert_array_equal(a, np.array([[0, 1], [1, 0]], dtype=np_dtype))


def test_numpy_requires_grad_raises(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    msg = "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
    with pytest.raises(RuntimeError) as info:
        x.numpy()
    assert str(info.value) == msg
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad"):
        (x * 2).numpy()
    np.testing.assert_array_equal(x.detach().numpy(), [1.0, 2.0])


def test_np_asarray_of_tensor(torch):
    a = np.asarray(torch.tensor([1.0, 2.0]))
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, [1.0, 2.0])


# ---------------------------------------------------------------------------- conversions

CONVERSIONS = [
    ("float", "float32"),
    ("double", "float64"),
    ("half", "float16"),
    ("long", "int64"),
    ("int", "int32"),
    ("short", "int16"),
    ("bool", "bool"),
    ("byte", "uint8"),
    ("char", "int8"),
    ("bfloat16", "bfloat16"),
]


@pytest.mark.parametrize("method,dtype", CONVERSIONS)
def test_conversion_methods(torch, method, dtype):
    x = torch.tensor([0.0, 1.0, 2.75, 3.5])
    y = getattr(x, method)()
    assert y.dtype == getattr(torch, dtype)
    if dtype == "bool":
        expected = [False, True, True, True]
    elif dtype.startswith(("int", "uint")):
        expected = [0, 1, 2, 3]
    else:
        expected = [0.0, 1.0, 2.75, 3.5]
    assert_equal(y, expected)


def test_conversion_to_same_dtype_returns_self(torch):
    x = torch.tensor([1.0, 2.0])
    assert x.float() is x
    assert x.to(torch.float32) is x
    assert x.to("cpu") is x
    assert x.cpu() is x
    assert x.contiguous() is x
    assert x.to(torch.float64) is not x


def test_to_variants(torch):
    x = torch.tensor([1.5, -2.5])
    assert x.to(torch.int32).dtype == torch.int32
    assert x.to(dtype=torch.float64).dtype == torch.float64
    assert x.to("cpu", torch.float16).dtype == torch.float16
    assert x.to(device="cpu", dtype=torch.float64).dtype == torch.float64
    assert x.to(torch.device("cpu")).device.type == "cpu"
    assert x.to(torch.zeros(1, dtype=torch.int64)).dtype == torch.int64
    assert_equal(x.to(torch.int64), [1, -2])


def test_type_method(torch):
    x = torch.tensor([1.5])
    assert x.type() == "torch.FloatTensor"
    assert torch.tensor([1]).type() == "torch.LongTensor"
    assert torch.tensor([1.0], dtype=torch.float64).type() == "torch.DoubleTensor"
    assert torch.tensor([True]).type() == "torch.BoolTensor"
    y = x.type(torch.int32)
    assert y.dtype == torch.int32
    assert_equal(y, [1])
    assert x.type("torch.DoubleTensor").dtype == torch.float64


def test_conversion_keeps_graph(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.double()
    assert node_name(y) == "ToCopyBackward0"
    assert y.grad_fn.name() == "ToCopyBackward0"
    assert y.requires_grad
    y.sum().backward()
    assert x.grad.dtype == torch.float32
    assert_equal(x.grad, [1.0, 1.0])
    assert x.float().grad_fn is None  # same dtype: returns x itself
    z = x.long()
    assert not z.requires_grad and z.grad_fn is None


# ---------------------------------------------------------------------------- autograd flags


def test_requires_grad_(torch):
    x = torch.tensor([1.0, 2.0])
    assert not x.requires_grad
    y = x.requires_grad_()
    assert y is x
    assert x.requires_grad
    assert x.is_leaf
    x.requires_grad_(False)
    assert not x.requires_grad


def test_is_leaf(torch):
    a = torch.tensor([1.0])
    b = torch.tensor([1.0], requires_grad=True)
    c = b * 2
    assert a.is_leaf
    assert b.is_leaf
    assert not c.is_leaf
    assert (a * 2).is_leaf  # no grad needed anywhere: still a leaf
    assert b.detach().is_leaf
    assert c.detach().is_leaf


def test_requires_grad_propagates(torch):
    a = torch.tensor([1.0])
    b = torch.tensor([1.0], requires_grad=True)
    assert (a + b).requires_grad
    assert not (a + a).requires_grad
    assert (a + b).grad_fn is not None
    assert (a + a).grad_fn is None


def test_detach(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 3).detach()
    assert not y.requires_grad
    assert y.grad_fn is None
    assert y.is_leaf
    assert_equal(y, [3.0, 6.0])
    assert x.requires_grad


def test_clone(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.clone()
    assert y is not x
    assert node_name(y) == "CloneBackward0"
    assert not y.is_leaf
    assert y.requires_grad
    assert_equal(y, [1.0, 2.0])
    z = torch.tensor([1, 2]).clone()
    assert z.dtype == torch.int64 and z.grad_fn is None


def test_clone_is_independent_copy(torch):
    x = torch.tensor([1.0, 2.0])
    y = x.clone()
    y[0] = 5.0
    assert_equal(x, [1.0, 2.0])
    assert_equal(y, [5.0, 2.0])


def test_data_attribute(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    d = x.data
    assert not d.requires_grad
    assert_equal(d, [1.0, 2.0])


def test_requires_grad_on_integer_tensor_raises(torch):
    msg = "Only Tensors of floating point and complex dtype can require gradients"
    with pytest.raises(RuntimeError) as info:
        torch.tensor([1, 2], requires_grad=True)
    assert str(info.value) == msg
    with pytest.raises(RuntimeError, match=msg):
        torch.zeros(2, dtype=torch.int64, requires_grad=True)


def test_requires_grad_method_on_integer_tensor_raises(torch):
    # note: the method's message differs from the factory keyword's.
    with pytest.raises(RuntimeError) as info:
        torch.tensor([1, 2]).requires_grad_()
    assert str(info.value) == "only Tensors of floating point dtype can require gradients"


def test_requires_grad_on_non_leaf_raises(torch):
    x = torch.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        (x * 2).requires_grad_(False)
    assert str(info.value) == (
        "you can only change requires_grad flags of leaf variables. If you want to use a "
        "computed variable in a subgraph that doesn't require differentiation use "
        "var_no_grad = var.detach()."
    )


def test_backward_without_grad_raises(torch):
    with pytest.raises(
        RuntimeError, match="element 0 of tensors does not require grad and does not have a grad_fn"
    ):
        torch.tensor([1.0]).sum().backward()


def test_grad_is_none_before_backward(torch):
    x = torch.tensor([1.0], requires_grad=True)
    assert x.grad is None


# ---------------------------------------------------------------------------- python protocol


def test_len(torch):
    assert len(torch.zeros(4, 2)) == 4
    assert len(torch.tensor([1, 2, 3])) == 3
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(torch.tensor(1.0))


def test_iteration_over_first_dim(torch):
    rows = list(torch.tensor([[1, 2], [3, 4], [5, 6]]))
    assert len(rows) == 3
    assert all(isinstance(r, torch.Tensor) for r in rows)
    assert rows[1].shape == (2,)
    assert_equal(rows[2], [5, 6])
    elems = [e for e in torch.tensor([1.0, 2.0])]
    assert all(e.shape == () for e in elems)
    assert [e.item() for e in elems] == [1.0, 2.0]


def test_iteration_keeps_graph(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    parts = list(x)
    assert node_name(parts[0]) == "UnbindBackward0"
    (parts[0] * 3 + parts[1]).backward()
    assert_equal(x.grad, [3.0, 1.0])


def test_iterate_0d_raises(torch):
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        iter(torch.tensor(1.0))


def test_unpacking(torch):
    a, b = torch.tensor([3, 4])
    assert a.item() == 3 and b.item() == 4


@pytest.mark.parametrize(
    "data,expected", [(1.0, True), (0.0, False), ([2], True), ([0], False), (True, True),
                      ([[0.5]], True), (-1, True)]
)  # fmt: skip
def test_bool(torch, data, expected):
    assert bool(torch.tensor(data)) is expected


def test_bool_in_if(torch):
    x = torch.tensor(3.0)
    assert "yes" == ("yes" if x > 2 else "no")


def test_bool_multi_element_raises(torch):
    with pytest.raises(RuntimeError) as info:
        bool(torch.tensor([1, 2]))
    assert str(info.value) == "Boolean value of Tensor with more than one value is ambiguous"
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with no values is ambiguous"):
        bool(torch.tensor([]))
    with pytest.raises(RuntimeError, match="more than one value is ambiguous"):
        if torch.tensor([1.0, 2.0]) > 0:
            pass


def test_float_int_index(torch):
    assert float(torch.tensor(2.5)) == 2.5
    assert type(float(torch.tensor(2))) is float
    assert float(torch.tensor([3])) == 3.0
    assert int(torch.tensor(2.7)) == 2
    assert int(torch.tensor(-2.7)) == -2
    assert type(int(torch.tensor(5.0))) is int
    assert operator.index(torch.tensor(3)) == 3
    assert [10, 20, 30, 40][torch.tensor(2)] == 30
    assert range(10)[torch.tensor(4)] == 4
    assert math.isclose(math.sqrt(torch.tensor(4.0)), 2.0)
    assert f"{torch.tensor(1.5).item():.2f}" == "1.50"


def test_float_multi_element_raises(torch):
    with pytest.raises(
        ValueError, match="only one element tensors can be converted to Python scalars"
    ):
        float(torch.tensor([1.0, 2.0]))
    with pytest.raises(
        ValueError, match="only one element tensors can be converted to Python scalars"
    ):
        int(torch.tensor([1, 2]))


def test_index_of_float_raises(torch):
    with pytest.raises(
        TypeError, match="only integer tensors of a single element can be converted to an index"
    ):
        operator.index(torch.tensor(2.5))


@pytest.mark.parametrize(
    "op,expected",
    [(operator.eq, [False, True, False]), (operator.ne, [True, False, True]),
     (operator.lt, [True, False, False]), (operator.le, [True, True, False]),
     (operator.gt, [False, False, True]), (operator.ge, [False, True, True])],
)  # fmt: skip
def test_comparison_operators(torch, op, expected):
    x = torch.tensor([1.0, 2.0, 3.0])
    for other in (2, 2.0, torch.tensor([2.0, 2.0, 2.0]), torch.tensor(2)):
        y = op(x, other)
        assert y.dtype == torch.bool
        assert_equal(y, expected)


def test_reflected_comparisons(torch):
    x = torch.tensor([1, 2, 3])
    assert_equal(2 < x, [False, False, True])
    assert_equal(2 >= x, [True, True, False])
    assert_equal(2 == x, [False, True, False])


def test_comparison_with_none(torch):
    assert (torch.tensor(1.0) == None) is False  # noqa: E711
    assert (torch.tensor(1.0) != None) is True  # noqa: E711


def test_comparison_does_not_require_grad(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x > 1
    assert not y.requires_grad
    assert y.grad_fn is None


def test_equal_and_allclose(torch):
    assert torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2]))
    assert not torch.equal(torch.tensor([1, 2]), torch.tensor([1, 3]))
    assert not torch.equal(torch.tensor([1, 2]), torch.tensor([1, 2, 3]))
    assert torch.allclose(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0 + 1e-7]))
    assert not torch.allclose(torch.tensor([1.0]), torch.tensor([1.1]))


def test_hashable_by_identity(torch):
    x = torch.tensor([1.0])
    y = torch.tensor([1.0])
    d = {x: "x", y: "y"}
    assert d[x] == "x" and d[y] == "y"


def test_shape_mismatch_error(torch):
    with pytest.raises(
        RuntimeError,
        match=r"The size of tensor a \(3\) must match the size of tensor b \(2\) at non-singleton dimension 0",
    ):
        torch.tensor([1, 2, 3]) + torch.tensor([1, 2])


def test_view_invalid_shape_error(torch):
    with pytest.raises(RuntimeError, match=r"shape '\[3\]' is invalid for input of size 2"):
        torch.tensor([1, 2]).view(3)


def test_matmul_shape_error(torch):
    with pytest.raises(
        RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)"
    ):
        torch.zeros(2, 3) @ torch.zeros(2, 3)


# ---------------------------------------------------------------------------- new_* methods


def test_new_methods_inherit_dtype(torch):
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    z = x.new_zeros(3)
    assert z.dtype == torch.float64 and z.shape == (3,)
    assert not z.requires_grad
    assert_equal(x.new_ones((2,)), [1.0, 1.0])
    f = x.new_full((2,), 5)
    assert f.dtype == torch.float64
    assert_equal(f, [5.0, 5.0])
    t = x.new_tensor([1, 2])
    assert t.dtype == torch.float64
    assert x.new_empty((2, 2)).shape == (2, 2)
    i = torch.tensor([1, 2]).new_zeros(2)
    assert i.dtype == torch.int64


def test_contiguous_and_stride(torch):
    x = torch.zeros(2, 3)
    assert x.is_contiguous()
    assert x.stride() == (3, 1)
    assert x.t().stride() == (1, 3)
    assert not x.t().is_contiguous()
    assert x.t().contiguous().is_contiguous()


def test_operators_with_numpy_arrays(torch):
    # PyTorch takes an ndarray on the right of the arithmetic operators (and ``@``, via NumPy:
    # promoted dtypes) but refuses it on the left and in the orderings; ``!=`` falls back to
    # identity, ``==`` compares elementwise
    t = torch.tensor([1.5, 2.0, 3.0])
    a = np.full(3, 2.0)
    for op in (operator.add, operator.sub, operator.mul, operator.truediv):
        assert op(t, a).dtype == torch.float64
        assert op(t, a).tolist() == op(t.double().numpy(), a).tolist()
    assert (t @ a).dtype == torch.float64 and (t @ a).item() == 13.0
    assert (a / t).tolist() == (t.reciprocal() * a).tolist()
    assert (t == a).tolist() == [False, True, False] and (a == t).tolist() == [False, True, False]
    assert (t != a) is True and (a != t) is True
    with pytest.raises(TypeError, match="Concatenation operation is not implemented"):
        a + t
    for op, sym in ((operator.sub, "-"), (operator.mul, r"\*"), (operator.matmul, "@")):
        with pytest.raises(
            TypeError, match=f"unsupported operand type.s. for {sym}: 'numpy.ndarray'"
        ):
            op(a, t)
    for op, sym in ((operator.lt, "<"), (operator.ge, ">=")):
        with pytest.raises(TypeError, match=f"'{sym}' not supported between instances of 'Tensor'"):
            op(t, a)
        with pytest.raises(TypeError, match=f"'{sym}' not supported between instances of 'numpy"):
            op(a, t)
    ti, ai = torch.tensor([1, 2, 3]), np.array([3, 1, 2])
    assert (ti >> ai).tolist() == [0, 1, 0] and (ti & ai).tolist() == [1, 0, 2]
    with pytest.raises(TypeError, match="unsupported operand"):
        ai >> ti
