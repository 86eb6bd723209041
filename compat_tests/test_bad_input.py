"""Wrong calls people really make get PyTorch's exception type and message (issue 12's "Why"
list outside indexing and ops), and two in-place patterns PyTorch runs are not refused."""

import re

import numpy as np
import pytest
from _helpers import assert_close


def _raises(exc, message):
    return pytest.raises(exc, match="^" + re.escape(message) + "$")


# ------------------------------------------------------------------------------- factories
@pytest.mark.parametrize(
    "args", [(10, 0, 1), (0, 10, -1), (10.0, 0.0, 0.5), (0.0, 1.0, -0.25)], ids=str
)
def test_arange_step_sign(torch, args):
    with _raises(RuntimeError, "upper bound and lower bound inconsistent with step sign"):
        torch.arange(*args)


def test_arange_edges(torch):
    assert torch.arange(5, 5, 1).shape == (0,)
    assert torch.arange(5, 5, -1).shape == (0,)
    assert torch.arange(3, 0, -1).tolist() == [3, 2, 1]
    with _raises(RuntimeError, "step must be nonzero"):
        torch.arange(0, 10, 0)
    with _raises(RuntimeError, "step must be nonzero"):
        torch.arange(0, 10, float("nan"))
    with _raises(RuntimeError, "unsupported range: 0 -> inf"):
        torch.arange(0, float("inf"))
    with _raises(RuntimeError, "unsupported range: -inf -> 0"):
        torch.arange(float("-inf"), 0, 1)


@pytest.mark.parametrize("fn", ["linspace", "logspace"])
def test_negative_steps(torch, fn):
    with _raises(RuntimeError, "number of steps must be non-negative"):
        getattr(torch, fn)(0, 1, -1)
    assert getattr(torch, fn)(0, 1, 0).shape == (0,)


@pytest.mark.parametrize(
    "data, exc, message",
    [
        ([[1], 2], TypeError, "not a sequence"),
        ([[[1]], [2]], TypeError, "not a sequence"),
        ([1, [2]], TypeError, "'list' object cannot be interpreted as an integer"),
        ([[1, 2], [3]], ValueError, "expected sequence of length 2 at dim 1 (got 1)"),
        ([[[1, 2]], [[3]]], ValueError, "expected sequence of length 2 at dim 2 (got 1)"),
    ],
    ids=str,
)
def test_ragged_nested_lists(torch, data, exc, message):
    with _raises(exc, message):
        torch.tensor(data)


_UNPACK = "argument 'size' failed to unpack the object at pos 2 with error "


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda t: t.zeros((2.5,)), "zeros(): argument 'size' (position 1) must be tuple of ints, "
         "but found element of type float at pos 0"),
        (lambda t: t.zeros([2, "a"]), "zeros(): " + _UNPACK + '"type must be tuple of ints,but '
         'got str"'),
        (lambda t: t.zeros(2, 2.5), "zeros(): " + _UNPACK + '"type must be tuple of ints,but '
         'got float"'),
        (lambda t: t.zeros(2.5), "zeros(): argument 'size' (position 1) must be tuple of ints, "
         "not float"),
        (lambda t: t.zeros(2.5, 2), "zeros() takes 1 positional argument but 2 were given"),
        (lambda t: t.ones("a"), "ones(): argument 'size' (position 1) must be tuple of ints, "
         "not str"),
        (lambda t: t.empty([2.5]), "empty(): argument 'size' (position 1) must be tuple of ints, "
         "but found element of type float at pos 0"),
        (lambda t: t.full((2,), "a"), "full(): argument 'fill_value' (position 2) must be "
         "Number, not str"),
        (lambda t: t.full(2, 1.0), "full(): argument 'size' (position 1) must be tuple of ints, "
         "not int"),
    ],
    ids=["float-in-tuple", "str-at-2", "float-vararg", "float", "float-first", "ones-str",
         "empty-list", "full-str", "full-int-size"],
)  # fmt: skip
def test_factory_size_arguments(torch, call, message):
    with _raises(TypeError, message):
        call(torch)
    assert torch.ones(torch.Size([2])).shape == (2,) and torch.zeros([]).shape == ()


@pytest.mark.parametrize(
    "data, exc, message",
    [
        ("abc", TypeError, "new(): invalid data type 'str'"),
        ([1, "a"], TypeError, "new(): invalid data type 'str'"),
        (b"ab", TypeError, "new(): invalid data type 'bytes'"),
        ([None], RuntimeError, "Could not infer dtype of NoneType"),
    ],
    ids=str,
)
def test_tensor_of_non_numbers(torch, data, exc, message):
    with _raises(exc, message):
        torch.tensor(data)


@pytest.mark.parametrize("fn", ["zeros_like", "ones_like", "empty_like"])
def test_like_of_a_non_tensor(torch, fn):
    with _raises(TypeError, f"{fn}(): argument 'input' (position 1) must be Tensor, not int"):
        getattr(torch, fn)(3)
    with _raises(TypeError, "full_like(): argument 'input' (position 1) must be Tensor, not list"):
        torch.full_like([1], 2)


def test_eye_sizes(torch):
    with _raises(RuntimeError, "n must be greater or equal to 0, got -1"):
        torch.eye(-1)
    with _raises(RuntimeError, "m must be greater or equal to 0, got -1"):
        torch.eye(2, -1)
    with _raises(TypeError, "eye(): argument 'n' (position 1) must be int, not float"):
        torch.eye(2.5)
    assert torch.eye(2, 3).shape == (2, 3) and torch.eye(0).shape == (0, 0)


# ---------------------------------------------------------------------------- Tensor.to/type
_TO_TAIL = (
    ", but expected one of:\n"
    " * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, "
    "bool copy = False, *, torch.memory_format memory_format = None)\n"
    " * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
    " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, "
    "torch.memory_format memory_format = None)\n"
)


@pytest.mark.parametrize(
    "call, got",
    [
        (lambda t, x: x.to(dtype="int"), "dtype=str, "),
        (lambda t, x: x.to(dtype=3), "dtype=int, "),
        (lambda t, x: x.to(t.float64, "a"), "torch.dtype, str"),
        (lambda t, x: x.to(t.float64, dtype="a"), "torch.dtype, dtype=str"),
        (lambda t, x: x.to(dtype=None, copy="x"), "copy=str, dtype=NoneType, "),
        (lambda t, x: x.to(x, 2.0), "Tensor, float"),
        (lambda t, x: x.to([1]), "list"),
        (lambda t, x: x.to(t.float32, True, "x"), "torch.dtype, bool, str"),
        (lambda t, x: x.to(non_blocking=1), "non_blocking=int, "),
        (lambda t, x: x.to("cpu", True), "str, bool"),  # after a device comes the dtype
    ],
    ids=[
        "dtype-str",
        "dtype-int",
        "pos-str",
        "dup-dtype",
        "copy-str",
        "tensor-float",
        "list",
        "third",
        "non-blocking",
        "device-bool",
    ],  # fmt: skip
)
def test_to_invalid_arguments(torch, call, got):
    with _raises(TypeError, f"to() received an invalid combination of arguments - got ({got})"
                 + _TO_TAIL):  # fmt: skip
        call(torch, torch.ones(3))


def test_to_valid_forms_still_work(torch):
    x = torch.ones(3)
    assert x.to("cpu", torch.float64).dtype == torch.float64
    assert x.to(None, torch.int32, False).dtype == torch.int32
    assert x.to(torch.float64, copy=True).dtype == torch.float64
    assert x.to(torch.zeros(1, dtype=torch.int64)).dtype == torch.int64
    assert x.to(device="cpu", dtype=torch.int32, non_blocking=True).dtype == torch.int32
    assert x.to(torch.float32) is x


@pytest.mark.parametrize("name", ["torch.FooTensor", "FooTensor"])
def test_type_unknown_name(torch, name):
    with _raises(ValueError, f"invalid type: '{name}'"):
        torch.ones(3).type(name)
    assert torch.ones(3).type("torch.DoubleTensor").dtype == torch.float64


# ------------------------------------------------------------------------------------ hooks
@pytest.mark.parametrize("leaf", [True, False])
def test_hook_changing_the_size(torch, leaf):
    def shrink(g):
        return torch.ones(2)

    a = torch.ones(3, requires_grad=True)
    b = a if leaf else a * 2
    b.register_hook(shrink)
    with _raises(RuntimeError, "hook 'shrink' has changed the size of value"):
        (b * 2).sum().backward()


def test_hook_changing_the_type(torch):
    a = torch.ones(3, requires_grad=True)
    b = a * 2
    b.register_hook(lambda g: g.double())
    with _raises(
        RuntimeError,
        "hook '<lambda>' has changed the type of value (was torch.FloatTensor got "
        "torch.DoubleTensor)",
    ):
        b.sum().backward()


def test_hook_returning_a_non_tensor(torch):
    a = torch.ones(3, requires_grad=True)
    a.register_hook(lambda g: 3)
    with _raises(TypeError, "expected Variable, but hook returned 'int'"):
        (a * 2).sum().backward()


def test_hook_returning_the_same_shape_still_replaces(torch):
    a = torch.ones(3, requires_grad=True)
    a.register_hook(lambda g: g * 10)
    (a * 2).sum().backward()
    assert_close(a.grad, [20.0, 20.0, 20.0])


# ------------------------------------------------------------------------- autograd.grad
_UNUSED = (
    "The differentiated Tensor at index {} appears to not have been used in the graph. "
    "Set allow_unused=True if this is the desired behavior."
)


def test_grad_of_an_unused_input(torch):
    a = torch.ones(3, requires_grad=True)
    b = torch.ones(3, requires_grad=True)
    with _raises(RuntimeError, _UNUSED.format(0)):
        torch.autograd.grad((a * 2).sum(), b)
    with _raises(RuntimeError, _UNUSED.format(1)):
        torch.autograd.grad((a * 2).sum(), [a, b])
    assert torch.autograd.grad((a * 2).sum(), b, allow_unused=True) == (None,)
    (g,) = torch.autograd.grad((a * 2).sum(), b, materialize_grads=True)
    assert_close(g, [0.0, 0.0, 0.0])


def test_grad_with_an_output_that_misses_the_inputs(torch):
    a = torch.ones(3, requires_grad=True)
    b = torch.ones(3, requires_grad=True)
    (g,) = torch.autograd.grad([(a * 2).sum(), (b * 3).sum()], [a])
    assert_close(g, [2.0, 2.0, 2.0])


# ------------------------------------------------------------------ in-place through views
def test_softplus_unsqueeze_clamp_(torch):
    torch.manual_seed(0)
    x = torch.randn(3, requires_grad=True)
    y = torch.nn.functional.softplus(x).unsqueeze(0).clamp_(min=-0.3)
    y.sum().backward()
    assert_close(x.grad, torch.sigmoid(x).detach().tolist())


def test_leaky_relu_squeeze_clamp_(torch):
    x = torch.tensor([[-2.0, 0.5, 3.0]], requires_grad=True)
    y = torch.nn.functional.leaky_relu(x).squeeze(0)
    y.clamp_(min=0.0, max=1.0)
    (y * y).sum().backward()
    assert_close(x.grad, [[0.0, 1.0, 0.0]])


def test_view_saved_by_another_op_is_still_refused(torch):
    x = torch.ones(3, requires_grad=True)
    v = (x * 1).unsqueeze(0)
    w = v * v  # saves v
    v.clamp_(min=0.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        w.sum().backward()


def test_second_write_to_a_view_is_refused(torch):
    x = torch.ones(3, requires_grad=True)
    b = x * 1
    v = b[:2]
    v.exp_()  # saves its result
    v.mul_(3)
    with pytest.raises(RuntimeError, match=r"output 0 of Exp, is at version 2; expected version 1"):
        (b * b).sum().backward()


# ------------------------------------------------------------------------- dtypes kernels lack
def _ints(torch):
    return torch.arange(6).reshape(2, 3)


def _bools(torch):
    return torch.arange(6).reshape(2, 3) % 2 == 0


@pytest.mark.parametrize(
    "call, kernel, type_name",
    [
        (lambda t: _ints(t).softmax(0), "softmax_kernel_impl", "Long"),
        (lambda t: _ints(t).softmax(1), "softmax_lastdim_kernel_impl", "Long"),
        (lambda t: t.softmax(t.tensor(3), 0), "softmax_lastdim_kernel_impl", "Long"),
        (lambda t: _bools(t).softmax(-1), "softmax_lastdim_kernel_impl", "Bool"),
        (lambda t: t.nn.functional.softmax(_ints(t).int(), 0), "softmax_kernel_impl", "Int"),
        (lambda t: t.log_softmax(_ints(t), 0), "log_softmax_kernel_impl", "Long"),
        (lambda t: t.nn.functional.log_softmax(_bools(t), 1), "log_softmax_lastdim_kernel_impl",
         "Bool"),
        (lambda t: t.nn.functional.cross_entropy(_ints(t), t.tensor([0, 1])),
         "log_softmax_lastdim_kernel_impl", "Long"),
        (lambda t: t.mm(_bools(t), _bools(t).t()), "addmm_impl_cpu_", "Bool"),
        (lambda t: _bools(t) @ _bools(t).t(), "addmm_impl_cpu_", "Bool"),
        (lambda t: _bools(t)[None] @ _bools(t).t(), "addmm_impl_cpu_", "Bool"),
        (lambda t: _bools(t)[None] @ _bools(t).t()[None], "bmm", "Bool"),
        (lambda t: _bools(t) @ _bools(t)[0], "addmv_impl_cpu", "Bool"),
        (lambda t: t.dot(_bools(t)[0], _bools(t)[1]), "dot", "Bool"),
        (lambda t: t.nn.functional.linear(_bools(t), _bools(t)), "addmm_impl_cpu_", "Bool"),
        (lambda t: t.lerp(_ints(t), _ints(t), 0.5), "lerp_kernel_scalar", "Long"),
        (lambda t: _ints(t).lerp_(_ints(t), _ints(t)), "lerp_kernel_tensor", "Long"),
    ],
)  # fmt: skip
def test_kernel_not_implemented_for_dtype(torch, call, kernel, type_name):
    with _raises(NotImplementedError, f"\"{kernel}\" not implemented for '{type_name}'"):
        call(torch)


def test_softmax_int_with_dtype_and_empty(torch):
    assert torch.softmax(torch.tensor([1, 2]), 0, dtype=torch.float64).sum().item() == 1.0
    empty = torch.zeros(0, 3, dtype=torch.int64)
    assert empty.softmax(0).dtype == torch.int64
    assert torch.zeros(0, 3).softmax(0).shape == (0, 3)
    assert torch.mm(_ints(torch), _ints(torch).t()).tolist() == [[5, 14], [14, 50]]


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_of_bool(torch, name):
    with _raises(RuntimeError, f"{name}(): does not support bool input"):
        getattr(_bools(torch), name)(0)
    with _raises(RuntimeError, f"{name}(): does not support bool input"):
        getattr(torch, name)(_bools(torch))


@pytest.mark.parametrize("name", ["argmax", "argmin", "amax", "amin", "max", "min"])
def test_reducing_an_empty_dim(torch, name):
    empty = torch.zeros(0, 3)
    with _raises(IndexError, f"{name}(): Expected reduction dim 0 to have non-zero size."):
        getattr(empty, name)(0)
    assert tuple(getattr(empty, name)(1)[0].shape if name in ("max", "min") else
                 getattr(empty, name)(1).shape) == (0,)  # fmt: skip
    if name.startswith("arg"):
        with _raises(IndexError, f"{name}(): Expected reduction dim to be specified for "
                     "input.numel() == 0."):  # fmt: skip
            getattr(empty, name)()
    assert torch.tensor(2.0).argmax(0).item() == 0


@pytest.mark.parametrize(
    "call, what",
    [
        (lambda t: _ints(t).std(0), "std and var"),
        (lambda t: _bools(t).std(), "std and var"),
        (lambda t: t.var(_ints(t)), "std and var"),
        (lambda t: t.std_mean(_ints(t)), "std_mean"),
        (lambda t: t.var_mean(_bools(t), 0), "var_mean"),
    ],
)
def test_std_var_of_integers(torch, call, what):
    with _raises(RuntimeError, f"{what} only support floating point and complex dtypes"):
        call(torch)


# ------------------------------------------------------------------------------ arithmetic
_ALPHA_FLOAT = "For integral input tensors, argument alpha must not be a floating point number."


def test_alpha_rules(torch):
    i, b = torch.tensor([1, 2]), torch.tensor([True, False])
    for call in (
        lambda: torch.add(i, i, alpha=0.5),
        lambda: torch.add(i, i, alpha=1.0),
        lambda: torch.sub(i, 1, alpha=0.5),
        lambda: torch.rsub(i, 1, alpha=0.5),
        lambda: i.clone().add_(i, alpha=0.5),
        lambda: torch.add(b, b, alpha=1.5),
    ):
        with _raises(RuntimeError, _ALPHA_FLOAT):
            call()
    with _raises(RuntimeError, "Boolean alpha only supported for Boolean results."):
        torch.add(i, i, alpha=True)
    with _raises(RuntimeError, "For non-complex input tensors, argument alpha must not be a "
                 "complex number."):  # fmt: skip
        torch.add(i.double(), i.double(), alpha=1j)
    assert torch.add(i, torch.tensor([1.0, 1.0]), alpha=0.5).tolist() == [1.5, 2.5]
    # a bool result takes alpha's truth value
    assert torch.add(b, b, alpha=2).tolist() == [True, False]
    assert torch.add(b, torch.tensor([True, True]), alpha=0).tolist() == [True, False]
    assert torch.add(b, torch.tensor([1, 1]), alpha=2).tolist() == [3, 2]


_TWO_BOOLS = (
    "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
    "`logical_xor()` operator instead."
)
_ONE_BOOL = (
    "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
    "invert a mask, use the `~` or `logical_not()` operator instead."
)


def test_bool_negation_and_subtraction(torch):
    t, f = torch.tensor([True]), torch.tensor([1.0])
    for call, message in [
        (lambda: t - t, _TWO_BOOLS),
        (lambda: torch.sub(t, True), _TWO_BOOLS),
        (lambda: torch.rsub(t, t), _TWO_BOOLS),
        (lambda: t.clone().sub_(t), _TWO_BOOLS),
        (lambda: f - t, _ONE_BOOL),
        (lambda: 1 - t, _ONE_BOOL),
        (lambda: torch.tensor([1]) - True, _ONE_BOOL),
    ]:
        with _raises(RuntimeError, message):
            call()
    negation = (
        "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
        "invert a mask, use the `~` or `logical_not()` operator instead."
    )
    for call in (lambda: -t, lambda: torch.neg(t), lambda: torch.negative(t), t.clone().neg_):
        with _raises(RuntimeError, negation):
            call()
    assert (-torch.tensor([1, 2])).tolist() == [-1, -2]


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.tensor([1, 2]) // t.tensor([0, 1]),
        lambda t: t.tensor([1, 2]) % t.tensor([0, 1]),
        lambda t: 5 // t.tensor([0]),
        lambda t: t.tensor([4]) // t.tensor(0),
        lambda t: t.div(t.tensor([1, 2]), t.tensor([0, 1]), rounding_mode="trunc"),
        lambda t: t.fmod(t.tensor([1, 2]), t.tensor([0, 1])),
        lambda t: t.fmod(t.tensor([1, 2]), 0),
        lambda t: t.remainder(t.tensor([1]), False),
        lambda t: t.tensor([1, 2]).floor_divide_(t.tensor([1, 0])),
    ],
)
def test_integer_division_by_zero(torch, call):
    with _raises(RuntimeError, "ZeroDivisionError"):
        call(torch)


def test_division_by_zero_that_pytorch_allows(torch):
    assert torch.fmod(torch.tensor([1]), torch.tensor([0.0])).isnan().all()
    assert (torch.tensor([1, 2]) / torch.tensor([0, 1])).tolist() == [float("inf"), 2.0]
    assert (torch.tensor([4, 6]) // torch.tensor([2, 4])).tolist() == [2, 1]
    empty = torch.zeros(0, dtype=torch.int64)
    assert (empty // empty).shape == (0,)
    with _raises(RuntimeError, "The size of tensor a (2) must match the size of tensor b (3) at "
                 "non-singleton dimension 0"):  # fmt: skip
        torch.tensor([1, 2]) // torch.tensor([0, 1, 2])


def test_integer_to_negative_tensor_powers(torch):
    base = torch.tensor([2, 1, -1, -1, 0, 3])
    exponent = torch.tensor([-1, -3, -3, -2, -1, 2])
    assert (base**exponent).tolist() == [0, 1, -1, 1, 0, 9]
    assert (2 ** torch.tensor([-1, 3])).tolist() == [0, 8]
    small = torch.tensor([2, -1], dtype=torch.int32) ** torch.tensor([-1, -1], dtype=torch.int32)
    assert small.tolist() == [0, -1]


def test_lerp_dtypes(torch):
    f = torch.tensor([1.0, 2.0])
    with _raises(RuntimeError, "expected dtype float for `end` but got dtype long int"):
        torch.lerp(f, torch.tensor([1, 2]), 0.5)
    with _raises(RuntimeError, "expected dtype long int for `end` but got dtype float"):
        torch.lerp(torch.tensor([1, 2]), f, 0.5)
    with _raises(RuntimeError, "expected dtype float for `weight` but got dtype double"):
        torch.lerp(f, f, torch.tensor([0.5], dtype=torch.float64))
    assert torch.lerp(f, torch.zeros(2), 0.25).tolist() == [0.75, 1.5]


@pytest.mark.parametrize(
    "shapes, a, b",
    [(((3,), (2,), (2,)), 3, 2), (((2,), (3,), (2,)), 2, 3), (((2,), (2,), (3,)), 2, 3)],
    ids=str,
)
def test_where_shapes(torch, shapes, a, b):
    cond, x, y = (torch.ones(s) > 0 if k == 0 else torch.ones(s) for k, s in enumerate(shapes))
    with _raises(RuntimeError, f"The size of tensor a ({a}) must match the size of tensor b "
                 f"({b}) at non-singleton dimension 0"):  # fmt: skip
        torch.where(cond, x, y)
    assert torch.where(torch.ones(2, 3) > 0, torch.ones(3), 1.0).shape == (2, 3)


# ------------------------------------------------------------------------------ matmul shapes
@pytest.mark.parametrize(
    "a, b, message",
    [
        ((2, 2, 3), (4, 5), "mat1 and mat2 shapes cannot be multiplied (4x3 and 4x5)"),
        ((2, 4, 5), (3,), "size mismatch, got input (8), mat (8x5), vec (3)"),
        ((3,), (2, 4, 5), "Expected size for first two dimensions of batch2 tensor to be: "
         "[2, 3] but got: [2, 4]."),
        ((2, 3, 4, 5), (4, 5, 2), "The size of tensor a (3) must match the size of tensor b (4) "
         "at non-singleton dimension 1"),
        ((2, 1, 4, 5), (3, 6, 2), "Expected size for first two dimensions of batch2 tensor to "
         "be: [6, 5] but got: [6, 6]."),
    ],
    ids=str,
)  # fmt: skip
def test_batched_matmul_shapes(torch, a, b, message):
    with _raises(RuntimeError, message):
        torch.ones(a) @ torch.ones(b)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda t: t.addmm(t.ones(3), t.ones(4, 3), t.ones(3, 2)),
         "The expanded size of the tensor (2) must match the existing size (3) at non-singleton "
         "dimension 1.  Target sizes: [4, 2].  Tensor sizes: [3]"),
        (lambda t: t.addmm(t.ones(5, 2), t.ones(4, 3), t.ones(3, 2)),
         "The expanded size of the tensor (4) must match the existing size (5) at non-singleton "
         "dimension 0.  Target sizes: [4, 2].  Tensor sizes: [5, 2]"),
        (lambda t: t.addmm(t.ones(2), t.ones(4, 3), t.ones(4, 2)),
         "mat1 and mat2 shapes cannot be multiplied (4x3 and 4x2)"),
        (lambda t: t.nn.functional.linear(t.ones(5, 4, 3), t.ones(2, 3), t.ones(3)),
         "The expanded size of the tensor (2) must match the existing size (3) at non-singleton "
         "dimension 1.  Target sizes: [20, 2].  Tensor sizes: [3]"),
        (lambda t: t.addmm(t.ones(1, 4, 2), t.ones(4, 3), t.ones(3, 2)),
         "expand(torch.FloatTensor{[1, 4, 2]}, size=[4, 2]): the number of sizes provided (2) "
         "must be greater or equal to the number of dimensions in the tensor (3)"),
    ],
)  # fmt: skip
def test_addmm_bias_shapes(torch, call, message):
    with _raises(RuntimeError, message):
        call(torch)


# ------------------------------------------------------------------------------- indexing keys
@pytest.mark.parametrize(
    "shape, key, position, size",
    [
        ((3,), (Ellipsis, 7), 1, 3),
        ((2, 3, 4), (Ellipsis, 7), 1, 4),
        ((2, 3), (0, Ellipsis, 7), 2, 3),
        ((2, 3), (None, 7), 1, 2),
        ((2, 3), (0, 7), 1, 3),
        ((2, 3, 4), (True, 7), 1, 2),
        ((2, 3, 4), (slice(None), [0], 7), 2, 4),
    ],
    ids=str,
)
def test_bounds_message_names_the_key_position(torch, shape, key, position, size):
    with _raises(IndexError, f"index 7 is out of bounds for dimension {position} with size {size}"):
        torch.ones(shape)[key]


def test_string_keys(torch):
    x = torch.ones(2, 3)
    for key in ("a", "ab", ("a",), (0, "a"), ""):
        with _raises(TypeError, "new(): invalid data type 'str'"):
            x[key]
    with _raises(TypeError, "new(): invalid data type 'bytes'"):
        x[b"a"]
    with _raises(IndexError, "too many indices for tensor of dimension 2"):
        x["abc"]
    with _raises(TypeError, "new(): invalid data type 'str'"):
        x["a"] = 1.0


def test_indexing_a_0d_tensor(torch):
    x = torch.tensor(1.0)
    message = (
        "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
        "in C++ to convert a 0-dim tensor to a number"
    )
    with _raises(IndexError, message):
        x[0]
    with _raises(IndexError, message):
        x[0] = 2.0
    with _raises(IndexError, "index 5 is out of bounds for dimension 0 with size 0"):
        x[5]
    with _raises(IndexError, "slice() cannot be applied to a 0-dim tensor."):
        x[0:1]
    with _raises(IndexError, "too many indices for tensor of dimension 0"):
        x[(0,)]
    assert x[None].shape == (1,) and x[...].item() == 1.0


# ------------------------------------------------------------------------------- clamp, tensors
_CLAMP_METHOD = (
    "clamp{_}() received an invalid combination of arguments - got ({got}), but expected one "
    "of:\n * (Tensor min = None, Tensor max = None)\n      didn't match because some of the "
    "keywords were incorrect: max, min\n * (Number min = None, Number max = None)\n      "
    "didn't match because some of the keywords were incorrect: max, min\n"
)
_CLAMP_FUNCTION = (
    "clamp() received an invalid combination of arguments - got ({got}), but expected one of:\n"
    " * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n"
    " * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n"
)


def test_clamp_tensor_and_number_bounds(torch):
    f, t = torch.tensor([1.0, 2.0]), torch.tensor([0.0])
    with _raises(TypeError, _CLAMP_METHOD.format(_="", got="max=float, min=Tensor, ")):
        f.clamp(min=t, max=1.0)
    with _raises(TypeError, _CLAMP_METHOD.format(_="_", got="max=Tensor, min=float, ")):
        f.clone().clamp_(min=0.0, max=t)
    with _raises(TypeError, _CLAMP_FUNCTION.format(got="Tensor, Tensor, float")):
        torch.clamp(f, t, 1.0)
    with _raises(TypeError, _CLAMP_FUNCTION.format(got="Tensor, max=float, min=Tensor")):
        torch.clamp(f, min=t, max=1.0)
    assert f.clamp(min=t).tolist() == [1.0, 2.0]
    assert torch.clamp(f, t, torch.tensor([1.5])).tolist() == [1.0, 1.5]


@pytest.mark.parametrize("data", [[2**63], [2**64], [-(2**63) - 1], 2**63, [[1], [2**63]]], ids=str)
def test_tensor_of_an_int_past_int64(torch, data):
    with _raises(ValueError, "Overflow when unpacking long long"):
        torch.tensor(data)


def test_tensor_of_big_ints_that_fit(torch):
    assert torch.tensor([2**63], dtype=torch.float64).item() == 2.0**63
    assert torch.tensor([-(2**63)]).item() == -(2**63)
    assert torch.tensor([1.0, 2**63]).dtype == torch.float32


# ------------------------------------------------------------------------------- nn arguments
@pytest.mark.parametrize(
    "kwargs, what",
    [
        ({"running_mean": (2,), "running_var": (3,)}, "running_mean"),
        ({"running_mean": (3,), "running_var": (2,)}, "running_var"),
        ({"running_mean": (3,), "running_var": (3,), "weight": (2,)}, "weight"),
        ({"running_mean": (3,), "running_var": (3,), "bias": (2,)}, "bias"),
        ({"running_mean": None, "running_var": None, "weight": (2,), "training": True}, "weight"),
    ],
    ids=str,
)
def test_batch_norm_parameter_sizes(torch, kwargs, what):
    args = {k: (torch.ones(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()}
    with _raises(RuntimeError, f"{what} should contain 3 elements not 2"):
        torch.nn.functional.batch_norm(torch.ones(4, 3), **args)


def test_nll_loss_check_order(torch):
    F = torch.nn.functional
    ints = torch.ones(4, 3, dtype=torch.int64)
    with _raises(NotImplementedError, "\"nll_loss_out_frame\" not implemented for 'Long'"):
        F.nll_loss(ints, torch.tensor([0, 1, 2, 5]))
    with _raises(NotImplementedError, "\"nll_loss2d_forward_out_frame\" not implemented for "
                 "'Long'"):  # fmt: skip
        F.nll_loss(torch.ones(1, 3, 2, dtype=torch.int64), torch.zeros(1, 2, dtype=torch.int64))
    with _raises(RuntimeError, "expected target dtype to be Long or Byte, but got Float"):
        F.nll_loss(ints, torch.zeros(4))
    with _raises(ValueError, "Expected input batch_size (4) to match target batch_size (2)."):
        F.nll_loss(ints, torch.tensor([0, 1]))


@pytest.mark.parametrize(
    "target, message",
    [
        ((4,), "expected target dtype to be Long or Byte, but got Float"),
        ((4, 2), "0D or 1D target tensor expected, multi-target not supported"),
    ],
    ids=str,
)
def test_cross_entropy_float_target_of_another_shape(torch, target, message):
    with _raises(RuntimeError, message):
        torch.nn.functional.cross_entropy(torch.ones(4, 3), torch.ones(target))
    assert torch.nn.functional.cross_entropy(torch.ones(4, 3), torch.ones(4, 3)).item() > 0


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda F, t: F.conv2d(t.ones(1, 1, 4, 4), t.ones(1, 4, 4)),
         "expected stride to be a single integer value or a list of 1 values to match the "
         "convolution dimensions, but got stride=[1, 1]"),
        (lambda F, t: F.conv3d(t.ones(1, 1, 4, 4, 4), t.ones(1, 1, 4, 4)),
         "expected stride to be a single integer value or a list of 2 values to match the "
         "convolution dimensions, but got stride=[1, 1, 1]"),
        (lambda F, t: F.conv1d(t.ones(1, 1, 4), t.ones(1, 1, 2, 2)),
         "Expected 4-dimensional input for 4-dimensional weight [1, 1, 2, 2], but got "
         "3-dimensional input of size [1, 1, 4] instead"),
        (lambda F, t: F.conv2d(t.ones(1, 1, 4, 4), t.ones(1, 4, 4), padding="same"),
         "Expected 3-dimensional input for 3-dimensional weight[1, 4, 4], but got "
         "4-dimensional input of size [1, 1, 4, 4] instead"),
    ],
)  # fmt: skip
def test_conv_weight_of_another_rank(torch, call, message):
    with _raises(RuntimeError, message):
        call(torch.nn.functional, torch)


# ------------------------------------------------------------------------------- autograd
def test_grad_checks_the_outputs_first(torch):
    a = torch.ones(3)
    with _raises(RuntimeError, "element 0 of tensors does not require grad and does not have a "
                 "grad_fn"):  # fmt: skip
        torch.autograd.grad(a.sum(), a)
    b = torch.ones(3, requires_grad=True)
    with _raises(RuntimeError, "One of the differentiated Tensors does not require grad"):
        torch.autograd.grad((b * 2).sum(), [b, a])


def test_detach_of_a_view_in_place(torch):
    v = (torch.ones(3, requires_grad=True) * 1)[:2]
    with pytest.raises(RuntimeError, match=r"^Can't detach views in-place\. Use detach\(\) "
                       r"instead\. If you are using DistributedDataParallel \(DDP\) .* as the "
                       r"solution\.$"):  # fmt: skip
        v.detach_()


def test_index_fill_of_a_0d_tensor(torch):
    x = torch.tensor(1.0, requires_grad=True)
    y = x.index_fill(0, torch.tensor([0]), 2.0)
    assert y.item() == 2.0 and type(y.grad_fn).__name__ == "IndexFillBackward0"
    y.backward()
    assert x.grad.item() == 0.0
    with _raises(RuntimeError, "a leaf Variable that requires grad is being used in an in-place "
                 "operation."):  # fmt: skip
        x.index_fill_(0, torch.tensor([0]), 2.0)


def test_copy_and_setitem_broadcast_errors(torch):
    leaf = torch.ones(3, requires_grad=True)
    with _raises(RuntimeError, "a leaf Variable that requires grad is being used in an in-place "
                 "operation."):  # fmt: skip
        leaf.copy_(torch.ones(2, 3))
    expand = (
        "expand(torch.FloatTensor{[2, 3]}, size=[3]): the number of sizes provided (1) must be "
        "greater or equal to the number of dimensions in the tensor (2)"
    )
    with _raises(RuntimeError, expand):
        torch.ones(3)[:] = torch.ones(2, 3)
    with _raises(RuntimeError, expand):
        leaf[:] = torch.ones(2, 3)
    x = torch.ones(3)
    x[:] = torch.full((1, 3), 2.0)
    assert x.tolist() == [2.0, 2.0, 2.0]
    y = torch.zeros(3, requires_grad=True) * 1
    y.copy_(torch.arange(3.0, requires_grad=True))
    assert y.tolist() == [0.0, 1.0, 2.0]


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda t, x: 2 ** (x + 1), "Pow2"),
        (lambda t, x: (x + 1) ** t.ones(3, requires_grad=True), "Pow1"),
        (lambda t, x: x.exp(), "Exp"),
    ],
    ids=["Pow2", "Pow1", "Exp"],
)
def test_saved_tensor_message_keeps_the_overload_number(torch, make, name):
    y = make(torch, torch.ones(3, requires_grad=True))
    z = y.exp()  # y's producer saved y (its result): the message names that node
    y.mul_(2)
    with pytest.raises(RuntimeError, match=f"which is output 0 of {name}, is at version 1;"):
        z.sum().backward()


def test_new_tensor_of_a_string(torch):
    with _raises(TypeError, "new(): invalid data type 'str'"):
        torch.ones(2).new_tensor("a")
    with _raises(TypeError, "new(): invalid data type 'bytes'"):
        torch.tensor(b"a", dtype=torch.float32)


# float sizes: PyTorch's argument-parser messages (view has a dtype overload, so some list both)
_FLOAT_SHAPES = [
    (
        "x.view(2, 3.0)",
        "view(): argument 'size' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    (
        "x.view((2.0, 3))",
        "view() received an invalid combination of arguments - got (tuple), but expected one of:\n * (torch.dtype dtype)\n      didn't match because some of the arguments have invalid types: (!tuple of (float, int)!)\n * (tuple of ints size)\n      didn't match because some of the arguments have invalid types: (!tuple of (float, int)!)\n",
    ),
    (
        "x.view([2, 3.5])",
        "view(): argument 'size' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    (
        "x.reshape(2, 3.0)",
        "reshape(): argument 'shape' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    (
        "x.reshape((2, 3.0))",
        "reshape(): argument 'shape' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got float\"",
    ),
    (
        "x.reshape((2.0, 3))",
        "reshape(): argument 'shape' (position 1) must be tuple of ints, but found element of type float at pos 0",
    ),
    ("x.reshape(2.0)", "reshape(): argument 'shape' (position 1) must be tuple of ints, not float"),
    (
        "x.view(2.0)",
        "view() received an invalid combination of arguments - got (float), but expected one of:\n * (torch.dtype dtype)\n      didn't match because some of the arguments have invalid types: (!float!)\n * (tuple of ints size)\n      didn't match because some of the arguments have invalid types: (!float!)\n",
    ),
    (
        "x.view(6.0)",
        "view() received an invalid combination of arguments - got (float), but expected one of:\n * (torch.dtype dtype)\n      didn't match because some of the arguments have invalid types: (!float!)\n * (tuple of ints size)\n      didn't match because some of the arguments have invalid types: (!float!)\n",
    ),
    (
        "x.reshape([6.0])",
        "reshape(): argument 'shape' (position 1) must be tuple of ints, but found element of type float at pos 0",
    ),
    (
        "x.view([2.0, 3])",
        "view() received an invalid combination of arguments - got (list), but expected one of:\n * (torch.dtype dtype)\n      didn't match because some of the arguments have invalid types: (!list of [float, int]!)\n * (tuple of ints size)\n      didn't match because some of the arguments have invalid types: (!list of [float, int]!)\n",
    ),
    (
        "x.view(2.0, 3, 1)",
        "view() received an invalid combination of arguments - got (float, int, int), but expected one of:\n * (torch.dtype dtype)\n * (tuple of ints size)\n",
    ),
    (
        'x.view("a")',
        "view() received an invalid combination of arguments - got (str), but expected one of:\n * (torch.dtype dtype)\n      didn't match because some of the arguments have invalid types: (!str!)\n * (tuple of ints size)\n      didn't match because some of the arguments have invalid types: (!str!)\n",
    ),
    (
        "x.view(None)",
        "view() received an invalid combination of arguments - got (NoneType), but expected one of:\n * (torch.dtype dtype)\n      didn't match because some of the arguments have invalid types: (!NoneType!)\n * (tuple of ints size)\n      didn't match because some of the arguments have invalid types: (!NoneType!)\n",
    ),
    ("x.reshape(2.0, 3)", "reshape() takes 1 positional argument but 2 were given"),
    (
        "x.view(2.0, 3)",
        "view() received an invalid combination of arguments - got (float, int), but expected one of:\n * (torch.dtype dtype)\n * (tuple of ints size)\n",
    ),
]


@pytest.mark.parametrize("call, message", _FLOAT_SHAPES)
def test_float_shapes_get_the_argument_parser_errors(torch, call, message):
    x = torch.arange(6.0)
    with pytest.raises(TypeError) as info:
        eval(call)
    assert str(info.value) == message
    assert x.view(torch.tensor(2), 3).shape == (2, 3)  # 0-d integer tensors are sizes


@pytest.mark.parametrize(
    "text, message",
    [
        ("foo", "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, "
                "fpga, maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type "
                "at start of device string: foo"),
        ("float32", "Invalid device string: 'float32'"),
        ("cuda:x", "Invalid device string: 'cuda:x'"),
        ("cuda:01", "Invalid device string: 'cuda:01'"),
        ("cpu:", "Invalid device string: 'cpu:'"),
        ("", "Device string must not be empty"),
    ],
)  # fmt: skip
def test_device_strings(torch, text, message):
    with pytest.raises(RuntimeError) as info:
        torch.device(text)
    assert str(info.value) == message
    with pytest.raises(RuntimeError) as info:
        torch.ones(2).to(text)
    assert str(info.value) == message


@pytest.mark.parametrize(
    "call",
    [
        "t.bitwise_and_(1.5)",
        "t.bitwise_xor_(1.5)",
        "t.gcd_(torch.tensor([1.5]))",
        "t.bitwise_right_shift_(1.5)",
        "t.__ilshift__(1.5)",
        "t.__iand__(1.5)",
    ],
)
def test_integer_kernels_in_place_check_the_cast_first(torch, call):
    """In place, the result type must fit ``self`` before the kernel's own dtype check."""
    t = torch.tensor([1, 2])
    with _raises(RuntimeError, "result type Float can't be cast to the desired output type Long"):
        eval(call)
    with pytest.raises(NotImplementedError):  # out of place, the kernel refuses the float
        eval(call.replace("__i", "__") if "__i" in call else call.replace("_(", "("))
    assert t.tolist() == [1, 2]


def test_in_place_on_a_leaf_is_refused_before_the_arguments_are_checked(torch):
    w = torch.ones(2, 3, requires_grad=True)
    leaf = "a leaf Variable that requires grad is being used in an in-place operation."
    for call in (
        "w.add_(torch.ones(4))",
        "w.mul_(torch.ones(5, 3))",
        "w.clamp_(min=torch.ones(7))",
    ):
        with _raises(RuntimeError, leaf):
            eval(call)
    with _raises(
        RuntimeError,
        "a view of a leaf Variable that requires grad is being used in an in-place operation.",
    ):
        w[0].add_(torch.ones(4))
    with torch.no_grad():  # without grad mode, the op's own check speaks
        with pytest.raises(RuntimeError, match="must match the size"):
            w.add_(torch.ones(4))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda t, x: x.topk(True), "topk(): argument 'k' (position 1) must be int, not bool"),
        (lambda t, x: t.topk(x, 2.0), "topk(): argument 'k' (position 2) must be int, not float"),
        (lambda t, x: x.topk(k=1.0), "topk(): argument 'k' must be int, not float"),
        (lambda t, x: x.softmax(1.0), "softmax(): argument 'dim' (position 1) must be int, not float"),
        (lambda t, x: t.cat([x, x], 1.0), "cat(): argument 'dim' (position 2) must be int, not float"),
        (lambda t, x: x.transpose(0.0, 1), "transpose(): argument 'dim0' (position 1) must be int, not float"),
        (lambda t, x: x.unsqueeze(1.0), "unsqueeze(): argument 'dim' (position 1) must be int, not float"),
        (lambda t, x: x.flatten(end_dim=1.0), "flatten(): argument 'end_dim' must be int, not float"),
        (lambda t, x: x.argmin(dim=1.0), "argmin(): argument 'dim' must be int, not float"),
        (lambda t, x: x.select(0, 1.0), "select(): argument 'index' (position 2) must be int, not float"),
        (lambda t, x: t.kthvalue(x, 1, 1.0), "kthvalue(): argument 'dim' (position 3) must be int, not float"),
        (lambda t, x: x.gather(1.0, t.zeros(2, 3, dtype=t.long)), "gather(): argument 'dim' (position 1) must be int, not float"),
        (lambda t, x: t.tril(x, diagonal=True), "tril(): argument 'diagonal' must be int, not bool"),
        (lambda t, x: x.tril_(1.0), "tril_(): argument 'diagonal' (position 1) must be int, not float"),
        (lambda t, x: x.cumsum(t.tensor(1.0)), "cumsum(): argument 'dim' (position 1) must be int, not Tensor"),
        (lambda t, x: t.roll(x, [1.0], 0), "roll(): argument 'shifts' (position 2) must be tuple of ints, but found element of type float at pos 0"),
        (lambda t, x: x.roll(1.0), "roll(): argument 'shifts' (position 1) must be tuple of ints, not float"),
        (lambda t, x: t.nn.functional.pad(x, (1.0, 1)), "pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type float at pos 0"),
        (lambda t, x: t.nn.functional.pad(x, pad=2.5), "pad(): argument 'pad' (position 2) must be tuple of ints, not float"),
        (lambda t, x: t.nn.functional.one_hot(t.tensor([1]), 3.0), "one_hot(): argument 'num_classes' (position 2) must be int, not float"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)  # fmt: skip
def test_int_arguments_are_typed(torch, call, message):
    """PyTorch's argument parser refuses a bool, float or float tensor for an ``int`` (or int
    list) parameter before anything runs; the position counts ``self`` only in the function
    form, and a keyword argument has none."""
    with pytest.raises(TypeError) as err:
        call(torch, torch.arange(6.0).reshape(2, 3))
    assert str(err.value) == message


def test_int_arguments_accept_integers(torch):
    x = torch.arange(6.0).reshape(2, 3)
    assert x.topk(torch.tensor(2)).values.tolist() == [[2.0, 1.0], [5.0, 4.0]]
    assert x.topk(np.int64(1), dim=np.int32(0)).values.tolist() == [[3.0, 4.0, 5.0]]
    assert torch.cat([x, x], dim=-1).shape == (2, 6)
    assert x.softmax(dim=1).shape == (2, 3)
    assert x.roll((1, 1), (0, 1))[0].tolist() == [5.0, 3.0, 4.0]
    assert x.argmax(dim=None).item() == 5


# A 0-d tensor's flatten checks its dims as a 1-d tensor's (range [-1, 0]); it ignored them
# and returned a result (the bad-calls fuzzer's one silent difference).
@pytest.mark.parametrize("dims", [(3, 3), (0, 3), (3, 0), (0, 1), (-2, -1), (2,)])
def test_flatten_of_0d_checks_dims(torch, dims):
    bad = next(d for d in dims if not -1 <= d <= 0)
    with pytest.raises(
        IndexError, match=re.escape(f"(expected to be in range of [-1, 0], but got {bad})")
    ):
        torch.tensor(2.0).flatten(*dims)
    with pytest.raises(IndexError, match="Dimension out of range"):
        torch.flatten(torch.tensor(2.0), *dims)


def test_flatten_of_0d(torch):
    for dims in [(), (0,), (-1,), (0, 0), (-1, 0), (0, -1)]:
        out = torch.tensor(2.0).flatten(*dims)
        assert out.shape == (1,) and out.item() == 2.0
