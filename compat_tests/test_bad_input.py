"""Wrong calls people really make get PyTorch's exception type and message (issue 12's "Why"
list outside indexing and ops), and two in-place patterns PyTorch runs are not refused."""

import re

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
