"""Backward passes: Tensor.backward, torch.autograd.backward / grad, accumulation, retain_grad,
tensor hooks, PyTorch's error messages, and the grad modes (no_grad, enable_grad,
set_grad_enabled, inference_mode)."""

import re
import threading

import numpy as np
import pytest
from _helpers import assert_close, assert_equal

NO_GRAD_FN_MSG = "element 0 of tensors does not require grad and does not have a grad_fn"
SCALAR_MSG = "grad can be implicitly created only for scalar outputs"
SECOND_TIME_MSG = "Trying to backward through the graph a second time"


# --------------------------------------------------------------------------- Tensor.backward


def test_backward_scalar(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x**2).sum().backward()
    assert_equal(x.grad, [2.0, 4.0, 6.0])
    assert x.grad.requires_grad is False
    assert x.grad.grad_fn is None
    assert x.grad.shape == x.shape
    assert x.grad.dtype == torch.float32


def test_backward_with_gradient(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x**2
    y.backward(torch.tensor([1.0, 0.0, 2.0]))
    assert_equal(x.grad, [2.0, 0.0, 12.0])


def test_backward_gradient_keyword(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).backward(gradient=torch.tensor([1.0, 10.0]))
    assert_equal(x.grad, [3.0, 30.0])


def test_backward_scalar_with_explicit_gradient(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.sum().backward(torch.tensor(2.0))
    assert_equal(x.grad, [2.0, 2.0])


def test_backward_accumulates(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    assert_equal(x.grad, [5.0, 5.0, 5.0])
    (x**2).sum().backward()
    assert_equal(x.grad, [7.0, 9.0, 11.0])


def test_grad_reset_to_none_and_zero(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward()
    x.grad.zero_()
    assert_equal(x.grad, [0.0, 0.0])
    (x * 2).sum().backward()
    assert_equal(x.grad, [2.0, 2.0])
    x.grad = None
    (x * 5).sum().backward()
    assert_equal(x.grad, [5.0, 5.0])


def test_retain_graph_allows_second_backward(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = (x**2).sum()
    z.backward(retain_graph=True)
    z.backward()
    assert_equal(x.grad, [4.0, 8.0])


def test_second_backward_without_retain_graph(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = (x**2).sum()
    z.backward()
    with pytest.raises(RuntimeError, match=SECOND_TIME_MSG) as info:
        z.backward()
    assert "Specify retain_graph=True" in str(info.value)
    assert_equal(x.grad, [2.0, 4.0])


def test_backward_twice_through_graph_without_saved_tensors(torch):
    # x + y saves nothing, so PyTorch lets the graph be walked again
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = (x + 1).sum()
    z.backward()
    z.backward()
    assert_equal(x.grad, [2.0, 2.0])


def test_backward_on_tensor_without_grad(torch):
    x = torch.tensor([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match=NO_GRAD_FN_MSG):
        x.sum().backward()


def test_backward_under_no_grad_result(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.no_grad():
        z = (x * 2).sum()
    with pytest.raises(RuntimeError, match=NO_GRAD_FN_MSG):
        z.backward()


def test_backward_non_scalar_without_gradient(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=SCALAR_MSG):
        (x * 2).backward()


@pytest.mark.parametrize(
    "shape,shape_text", [((2,), "[2]"), ((3, 1), "[3, 1]"), ((1,), "[1]"), ((), "[]")]
)
def test_backward_wrong_gradient_shape(torch, shape, shape_text):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    msg = (
        f"Mismatch in shape: grad_output[0] has a shape of torch.Size({shape_text}) and "
        "output[0] has a shape of torch.Size([3])."
    )
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        y.backward(torch.ones(shape))
    assert x.grad is None


def test_backward_inputs_limits_accumulation(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
    (x * w).sum().backward(inputs=[x])
    assert_equal(x.grad, [4.0, 5.0, 6.0])
    assert w.grad is None
    (x * w).sum().backward(inputs=[w])
    assert_equal(w.grad, [1.0, 2.0, 3.0])
    assert_equal(x.grad, [4.0, 5.0, 6.0])


def test_backward_inputs_single_tensor(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward(inputs=x)
    assert_equal(x.grad, [2.0, 4.0, 6.0])


def test_backward_inputs_through_non_leaf_with_retain_grad(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = torch.tensor([4.0, 5.0, 6.0], requires_grad=True)
    y = x * w
    y.retain_grad()
    (y * y).sum().backward(inputs=[x])
    assert_equal(x.grad, [32.0, 100.0, 216.0])  # 2 * x * w**2
    assert w.grad is None


# PyTorch warns once per process about the .grad reference cycle; not something to pin.
@pytest.mark.filterwarnings("ignore:Using backward.. with create_graph=True")
def test_backward_create_graph(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    g = x.grad
    assert_equal(g, [3.0, 12.0, 27.0])
    assert g.requires_grad is True
    assert g.grad_fn is not None
    x.grad = None
    g.sum().backward()
    assert_equal(x.grad, [6.0, 12.0, 18.0])


# --------------------------------------------------------------------------- torch.autograd.backward


def test_autograd_backward_list(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = (x * 2).sum()
    b = (x**2).sum()
    torch.autograd.backward([a, b])
    assert_equal(x.grad, [4.0, 6.0, 8.0])


def test_autograd_backward_grad_tensors(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    torch.autograd.backward([x * 2], [torch.tensor([1.0, 0.0, 2.0])])
    assert_equal(x.grad, [2.0, 0.0, 4.0])
    x.grad = None
    torch.autograd.backward(x * 2, torch.tensor([1.0, 0.0, 2.0]))
    assert_equal(x.grad, [2.0, 0.0, 4.0])
    x.grad = None
    torch.autograd.backward(tensors=[x**2], grad_tensors=[torch.tensor([1.0, 1.0, 1.0])])
    assert_equal(x.grad, [2.0, 4.0, 6.0])


def test_autograd_backward_errors(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=SCALAR_MSG):
        torch.autograd.backward([x * 2])
    with pytest.raises(RuntimeError, match=NO_GRAD_FN_MSG):
        torch.autograd.backward([torch.tensor(1.0)])


# --------------------------------------------------------------------------- torch.autograd.grad


def test_autograd_grad_basic(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    res = torch.autograd.grad((x**2).sum(), x)
    assert isinstance(res, tuple) and len(res) == 1
    assert_equal(res[0], [2.0, 4.0, 6.0])
    assert x.grad is None  # grad() does not accumulate into .grad


def test_autograd_grad_several_inputs_and_outputs(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    gx, gw = torch.autograd.grad([(x * w).sum(), (x * x).sum()], [x, w])
    assert_equal(gx, [3.0 + 2.0, 4.0 + 4.0])
    assert_equal(gw, [1.0, 2.0])
    assert x.grad is None and w.grad is None


def test_autograd_grad_grad_outputs(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (g,) = torch.autograd.grad(x * 2, x, grad_outputs=torch.tensor([1.0, 2.0, 3.0]))
    assert_equal(g, [2.0, 4.0, 6.0])
    (g,) = torch.autograd.grad([x**2], [x], [torch.tensor([1.0, 0.0, 1.0])])
    assert_equal(g, [2.0, 0.0, 6.0])


def test_autograd_grad_frees_graph_by_default(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    s = (x**2).sum()
    torch.autograd.grad(s, x)
    with pytest.raises(RuntimeError, match=SECOND_TIME_MSG):
        torch.autograd.grad(s, x)
    s = (x**2).sum()
    torch.autograd.grad(s, x, retain_graph=True)
    (g,) = torch.autograd.grad(s, x)
    assert_equal(g, [2.0, 4.0])


def test_autograd_grad_allow_unused(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = torch.tensor(2.0, requires_grad=True)
    out = (x * 2).sum()
    msg = (
        "The differentiated Tensor at index 1 appears to not have been used in the graph. "
        "Set allow_unused=True if this is the desired behavior."
    )
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        torch.autograd.grad(out, [x, a], retain_graph=True)
    gx, ga = torch.autograd.grad(out, [x, a], allow_unused=True)
    assert_equal(gx, [2.0, 2.0, 2.0])
    assert ga is None


def test_autograd_grad_errors(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=NO_GRAD_FN_MSG):
        torch.autograd.grad(torch.tensor([1.0, 2.0]).sum(), x)
    with pytest.raises(RuntimeError, match=SCALAR_MSG):
        torch.autograd.grad(x * 2, x)
    with pytest.raises(
        RuntimeError, match="One of the differentiated Tensors does not require grad"
    ):
        torch.autograd.grad((x * 2).sum(), torch.tensor([1.0]))


def test_autograd_grad_create_graph_second_derivative(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (g,) = torch.autograd.grad((x**3).sum(), x, create_graph=True)
    assert_equal(g, [3.0, 12.0, 27.0])
    assert g.requires_grad is True
    (g2,) = torch.autograd.grad(g.sum(), x)
    assert_equal(g2, [6.0, 12.0, 18.0])
    assert g2.requires_grad is False


def test_autograd_grad_third_derivative(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (g1,) = torch.autograd.grad((x**4).sum(), x, create_graph=True)
    (g2,) = torch.autograd.grad(g1.sum(), x, create_graph=True)
    (g3,) = torch.autograd.grad(g2.sum(), x)
    assert_equal(g1, [4.0, 32.0])
    assert_equal(g2, [12.0, 48.0])
    assert_equal(g3, [24.0, 48.0])


# --------------------------------------------------------------------------- non-leaf .grad, retain_grad


def test_non_leaf_grad_is_none(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.sum().backward()
    with pytest.warns(
        UserWarning,
        match=r"The \.grad attribute of a Tensor that is not a leaf Tensor is being accessed",
    ):
        assert y.grad is None
    assert_equal(x.grad, [2.0, 2.0])


def test_retain_grad_on_non_leaf(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    assert y.retains_grad is False
    y.retain_grad()
    assert y.retains_grad is True
    (y * y).sum().backward()
    assert_equal(y.grad, [4.0, 8.0, 12.0])
    assert_equal(x.grad, [8.0, 16.0, 24.0])


def test_retain_grad_accumulates(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    z = (y * 3).sum()
    z.backward(retain_graph=True)
    z.backward()
    assert_equal(y.grad, [6.0, 6.0])
    assert_equal(x.grad, [12.0, 12.0])


def test_retain_grad_on_leaf_is_noop(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.retain_grad()
    assert x.retains_grad is False
    (x * 2).sum().backward()
    assert_equal(x.grad, [2.0, 2.0])


# --------------------------------------------------------------------------- tensor hooks


def test_leaf_hook_called_every_backward(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()))
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    assert seen == [[2.0, 2.0, 2.0], [3.0, 3.0, 3.0]]
    assert_equal(x.grad, [5.0, 5.0, 5.0])


def test_hook_return_replaces_gradient(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x.register_hook(lambda g: g * 100)
    (x * 2).sum().backward()
    assert_equal(x.grad, [200.0, 200.0, 200.0])


def test_hook_returning_none_keeps_gradient(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    calls = []
    x.register_hook(lambda g: calls.append(1))
    (x * 4).sum().backward()
    assert calls == [1]
    assert_equal(x.grad, [4.0, 4.0])


def test_hooks_chain_in_registration_order(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x.register_hook(lambda g: g * 2)
    x.register_hook(lambda g: g + 1)
    (x * 1).sum().backward()
    assert_equal(x.grad, [3.0, 3.0, 3.0])


def test_hook_on_non_leaf(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    seen = []

    def hook(g):
        seen.append(g.tolist())
        return g + 1

    y.register_hook(hook)
    (y * y).sum().backward()
    assert seen == [[4.0, 8.0, 12.0]]
    assert_equal(x.grad, [10.0, 18.0, 26.0])


def test_hook_removal(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    h = x.register_hook(lambda g: seen.append(1))
    (x * 2).sum().backward()
    h.remove()
    (x * 2).sum().backward()
    assert seen == [1]
    assert_equal(x.grad, [4.0, 4.0])


def test_hook_on_tensor_without_grad(torch):
    with pytest.raises(
        RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"
    ):
        torch.tensor([1.0]).register_hook(lambda g: g)


# --------------------------------------------------------------------------- gradient values


def test_chain_of_100_ops(torch):
    x = torch.tensor([0.1, -0.2, 0.3], requires_grad=True)
    y = x
    v = np.array([0.1, -0.2, 0.3])
    dv = np.ones(3)
    for i in range(100):
        k = i % 3
        if k == 0:
            y = y * 1.5
            v, dv = v * 1.5, dv * 1.5
        elif k == 1:
            y = y.tanh()
            v, dv = np.tanh(v), dv * (1 - np.tanh(v) ** 2)
        else:
            y = y + 0.1
            v = v + 0.1
    y.sum().backward()
    assert_close(y, v, rtol=1e-4, atol=1e-6)
    assert_close(x.grad, dv, rtol=1e-4, atol=1e-6)


def test_diamond_graph_accumulates(torch):
    x = torch.tensor([0.5, 1.0], requires_grad=True)
    a = x * 2
    b = a.exp()
    c = a.sin()
    (b * c).sum().backward()
    av = np.array([1.0, 2.0])
    expected = 2 * (np.exp(av) * np.sin(av) + np.exp(av) * np.cos(av))
    assert_close(x.grad, expected, rtol=1e-5)


def test_shared_subexpression(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x + x * 3).sum().backward()
    assert_equal(x.grad, [5.0, 7.0, 9.0])
    x.grad = None
    (x + x).sum().backward()
    assert_equal(x.grad, [2.0, 2.0, 2.0])


def test_broadcast_add_gradient_reduces_to_input_shape(torch):
    x = torch.tensor([[1.0], [2.0], [3.0]], requires_grad=True)  # (3, 1)
    y = torch.tensor([[1.0, 2.0, 3.0, 4.0]], requires_grad=True)  # (1, 4)
    (x + y).sum().backward()
    assert x.grad.shape == (3, 1)
    assert y.grad.shape == (1, 4)
    assert_equal(x.grad, [[4.0], [4.0], [4.0]])
    assert_equal(y.grad, [[3.0, 3.0, 3.0, 3.0]])


def test_broadcast_leading_dims_gradient(torch):
    b = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)  # (4,)
    m = torch.arange(24.0).reshape(2, 3, 4)
    w = torch.arange(24.0).reshape(2, 3, 4)
    ((m + b) * w).sum().backward()
    expected = np.arange(24.0).reshape(2, 3, 4).sum(axis=(0, 1))
    assert b.grad.shape == (4,)
    assert_equal(b.grad, expected)


def test_broadcast_scalar_tensor_gradient(torch):
    s = torch.tensor(2.0, requires_grad=True)
    v = torch.tensor([1.0, 2.0, 3.0])
    (s * v).sum().backward()
    assert s.grad.shape == ()
    assert_equal(s.grad, 6.0)


def test_integer_and_bool_inputs_get_no_grad(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    i = torch.tensor([1, 2, 3])
    b = torch.tensor([True, False, True])
    (x * i + x * b).sum().backward()
    assert_equal(x.grad, [2.0, 2.0, 4.0])
    assert i.grad is None and b.grad is None
    assert i.requires_grad is False and b.requires_grad is False


def test_gradient_dtype_follows_input(torch):
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.dtype == torch.float64
    assert_equal(x.grad, [2.0, 4.0])


# --------------------------------------------------------------------------- grad modes


def test_is_grad_enabled_default(torch):
    assert torch.is_grad_enabled() is True


def test_no_grad_context(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.no_grad():
        assert torch.is_grad_enabled() is False
        y = x * 2
    assert torch.is_grad_enabled() is True
    assert y.requires_grad is False and y.grad_fn is None
    assert (x * 2).requires_grad is True


def test_no_grad_restores_after_exception(torch):
    with pytest.raises(ValueError):
        with torch.no_grad():
            raise ValueError("boom")
    assert torch.is_grad_enabled() is True


def test_no_grad_decorator(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)

    @torch.no_grad()
    def f():
        return x * 2, torch.is_grad_enabled()

    @torch.no_grad
    def g():
        return x * 3

    y, enabled = f()
    assert enabled is False
    assert y.requires_grad is False
    assert g().requires_grad is False
    assert torch.is_grad_enabled() is True


def test_enable_grad_inside_no_grad(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.no_grad():
        with torch.enable_grad():
            assert torch.is_grad_enabled() is True
            y = x * 2
        assert torch.is_grad_enabled() is False
        z = x * 2
    assert y.requires_grad is True and type(y.grad_fn).__name__ == "MulBackward0"
    assert z.requires_grad is False


def test_enable_grad_decorator(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)

    @torch.enable_grad()
    def f():
        return x * 2

    with torch.no_grad():
        y = f()
    assert y.requires_grad is True


def test_set_grad_enabled_context(torch):
    with torch.set_grad_enabled(False):
        assert torch.is_grad_enabled() is False
        with torch.set_grad_enabled(True):
            assert torch.is_grad_enabled() is True
        assert torch.is_grad_enabled() is False
    assert torch.is_grad_enabled() is True


def test_set_grad_enabled_function_call(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    try:
        torch.set_grad_enabled(False)
        assert torch.is_grad_enabled() is False
        assert (x * 2).requires_grad is False
    finally:
        torch.set_grad_enabled(True)
    assert torch.is_grad_enabled() is True
    assert (x * 2).requires_grad is True


def test_set_grad_enabled_decorator(torch):
    @torch.set_grad_enabled(False)
    def f():
        return torch.is_grad_enabled()

    assert f() is False
    assert torch.is_grad_enabled() is True


def test_inference_mode_context(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    assert torch.is_inference_mode_enabled() is False
    with torch.inference_mode():
        assert torch.is_inference_mode_enabled() is True
        assert torch.is_grad_enabled() is False
        y = x * 2
    assert torch.is_inference_mode_enabled() is False
    assert torch.is_grad_enabled() is True
    assert y.requires_grad is False
    assert_equal(y, [2.0, 4.0])


def test_inference_mode_false(torch):
    with torch.inference_mode(False):
        assert torch.is_inference_mode_enabled() is False
        assert torch.is_grad_enabled() is True


def test_inference_mode_decorator(torch):
    @torch.inference_mode()
    def f():
        return torch.is_inference_mode_enabled(), torch.is_grad_enabled()

    assert f() == (True, False)
    assert torch.is_inference_mode_enabled() is False


def test_inference_mode_tensor_is_inference(torch):
    with torch.inference_mode():
        y = torch.tensor([1.0]) * 2
    assert y.is_inference() is True
    assert torch.tensor([1.0]).is_inference() is False


def test_grad_mode_is_thread_local(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    seen = []

    def worker():
        seen.append((torch.is_grad_enabled(), (x * 2).requires_grad))

    with torch.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert torch.is_grad_enabled() is False
    assert seen == [(True, True)]


def test_no_grad_in_thread_does_not_leak(torch):
    seen = []
    entered = threading.Event()
    release = threading.Event()

    def worker():
        with torch.no_grad():
            seen.append(torch.is_grad_enabled())
            entered.set()
            release.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    assert entered.wait(5)
    assert torch.is_grad_enabled() is True
    release.set()
    t.join()
    assert seen == [False]


# create_graph=True through half-precision ops: the recorded backward ops ran their rule in
# float32 math again and JAX refused the float32 cotangent (a raw ValueError, every op).
@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize(
    "fn, first, second",
    [
        (lambda t, x: t.exp(x), lambda x: np.exp(x), lambda x: np.exp(x)),
        (lambda t, x: x * x, lambda x: 2 * x, lambda x: 2 + 0 * x),
        (lambda t, x: t.sin(x), lambda x: np.cos(x), lambda x: -np.sin(x)),
        (lambda t, x: x**3, lambda x: 3 * x**2, lambda x: 6 * x),
        (lambda t, x: t.tanh(x), lambda x: 1 - np.tanh(x) ** 2,
         lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2)),
    ],
)  # fmt: skip
def test_create_graph_in_half_precision(torch, dtype, fn, first, second):
    x = torch.tensor([0.5, 1.0, 1.5], dtype=getattr(torch, dtype), requires_grad=True)
    (g,) = torch.autograd.grad(fn(torch, x).sum(), x, create_graph=True)
    assert g.dtype == x.dtype and g.requires_grad
    (g2,) = torch.autograd.grad(g.sum(), x)
    assert g2.dtype == x.dtype
    xs = np.array([0.5, 1.0, 1.5])
    np.testing.assert_allclose(g.float().detach().numpy(), first(xs), rtol=2e-2, atol=1e-2)
    np.testing.assert_allclose(g2.float().numpy(), second(xs), rtol=2e-2, atol=1e-2)
