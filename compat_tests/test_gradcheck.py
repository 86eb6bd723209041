"""torch.autograd.gradcheck / gradgradcheck: PyTorch's signature, passing correct functions,
and catching wrong backward formulas (the notebook's multiply_constant among them).

``torch.autograd.gradcheck`` is the *function*; the exception class lives in the module of the
same name, ``torch.autograd.gradcheck.GradcheckError`` (a RuntimeError subclass), reachable
only through ``sys.modules`` / ``importlib``.
"""

import importlib
import inspect
import re

import pytest

JACOBIAN_MSG = "Jacobian mismatch for output {} with respect to input {},"


@pytest.fixture
def GradcheckError(torch):
    return importlib.import_module(torch.__name__ + ".autograd.gradcheck").GradcheckError


def f64(torch, values):
    return torch.tensor(values, dtype=torch.float64, requires_grad=True)


def make_multiply_constant(torch, correct):
    class multiply_constant(torch.autograd.function.Function):
        @staticmethod
        def forward(ctx, tensor, constant):
            ctx.constant = constant
            return tensor * constant

        @staticmethod
        def backward(ctx, grad_output):
            if correct:
                return grad_output * ctx.constant, None
            return grad_output, None

    return multiply_constant


def test_gradcheck_error_class(torch, GradcheckError):
    assert GradcheckError.__name__ == "GradcheckError"
    assert issubclass(GradcheckError, RuntimeError)
    assert callable(torch.autograd.gradcheck)
    assert callable(torch.autograd.gradgradcheck)


def test_gradcheck_signature(torch):
    params = inspect.signature(torch.autograd.gradcheck).parameters
    assert list(params)[:2] == ["func", "inputs"]
    for name, default in [("eps", 1e-6), ("atol", 1e-5), ("rtol", 1e-3), ("raise_exception", True)]:
        assert params[name].default == default
        assert params[name].kind is inspect.Parameter.KEYWORD_ONLY
    gg = inspect.signature(torch.autograd.gradgradcheck).parameters
    assert list(gg)[:3] == ["func", "inputs", "grad_outputs"]
    assert gg["grad_outputs"].default is None
    for name, default in [("eps", 1e-6), ("atol", 1e-5), ("rtol", 1e-3), ("raise_exception", True)]:
        assert gg[name].default == default


@pytest.mark.parametrize(
    "expr",
    [
        "a ** 2",
        "a.sin().exp()",
        "a * b",
        "(a * b).sum()",
        "torch.tanh(a) / (1 + b ** 2)",
        "a.view(3, 1) @ b.view(1, 3)",
        "torch.stack([a, b]).mean(0)",
    ],
)
def test_gradcheck_passes_for_builtin_ops(torch, expr):
    a = f64(torch, [0.5, 1.0, 1.5])
    b = f64(torch, [2.0, -1.0, 0.25])
    func = eval("lambda a, b: " + expr, {"torch": torch})
    assert torch.autograd.gradcheck(func, (a, b)) is True


def test_gradcheck_single_tensor_input(torch):
    a = f64(torch, [0.5, 1.0, 1.5])
    assert torch.autograd.gradcheck(torch.sin, a) is True


def test_gradcheck_several_outputs(torch):
    a = f64(torch, [0.5, 1.0, 1.5])
    b = f64(torch, [2.0, -1.0, 0.25])
    assert torch.autograd.gradcheck(lambda x, y: (x * y, x + y), (a, b)) is True


def test_gradcheck_input_without_grad_is_skipped(torch):
    a = f64(torch, [0.5, 1.0, 1.5])
    c = torch.tensor([2.0, -1.0, 0.25], dtype=torch.float64)
    assert torch.autograd.gradcheck(lambda x, y: (x * y).sum(), (a, c)) is True


def test_gradcheck_leaves_grad_untouched(torch):
    a = f64(torch, [0.5, 1.0, 1.5])
    torch.autograd.gradcheck(lambda x: x**2, (a,))
    assert a.grad is None


def test_gradcheck_correct_custom_function(torch):
    mc = make_multiply_constant(torch, correct=True)
    a = f64(torch, [1.0, 2.0, 3.0])
    assert torch.autograd.gradcheck(mc.apply, (a, 5.5)) is True


def test_gradcheck_custom_function_with_saved_tensors(torch):
    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x**2

    a = f64(torch, [0.5, -1.0, 1.5])
    assert torch.autograd.gradcheck(Cube.apply, (a,)) is True
    assert torch.autograd.gradgradcheck(Cube.apply, (a,)) is True


def test_gradcheck_catches_wrong_multiply_constant(torch, GradcheckError):
    mc = make_multiply_constant(torch, correct=False)
    a = f64(torch, [1.0, 2.0, 3.0])
    with pytest.raises(GradcheckError, match=re.escape(JACOBIAN_MSG.format(0, 0))) as info:
        torch.autograd.gradcheck(mc.apply, (a, 5.5))
    msg = str(info.value)
    assert "\nnumerical:" in msg
    assert "\nanalytical:" in msg
    # the same failure is also a RuntimeError
    with pytest.raises(RuntimeError):
        torch.autograd.gradcheck(mc.apply, (a, 5.5))


def test_gradcheck_wrong_multiply_constant_raise_exception_false(torch):
    mc = make_multiply_constant(torch, correct=False)
    a = f64(torch, [1.0, 2.0, 3.0])
    assert torch.autograd.gradcheck(mc.apply, (a, 5.5), raise_exception=False) is False


def test_gradcheck_wrong_multiply_constant_passes_when_constant_is_one(torch):
    mc = make_multiply_constant(torch, correct=False)
    a = f64(torch, [1.0, 2.0, 3.0])
    assert torch.autograd.gradcheck(mc.apply, (a, 1.0)) is True


def test_gradcheck_reports_which_input(torch, GradcheckError):
    class WrongSecond(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.save_for_backward(x, y)
            return x * y

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            return g * y, g  # second should be g * x

    a = f64(torch, [0.5, 1.0, 1.5])
    b = f64(torch, [2.0, -1.0, 0.25])
    with pytest.raises(GradcheckError, match=re.escape(JACOBIAN_MSG.format(0, 1))):
        torch.autograd.gradcheck(WrongSecond.apply, (a, b))


def test_gradcheck_reports_which_output(torch, GradcheckError):
    class TwoOutWrong(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2 + g2 * 2  # second term should be g2 * 3

    a = f64(torch, [0.5, 1.0, 1.5])
    with pytest.raises(GradcheckError, match=re.escape(JACOBIAN_MSG.format(1, 0))):
        torch.autograd.gradcheck(TwoOutWrong.apply, (a,))


def test_gradcheck_tolerances_are_honoured(torch, GradcheckError):
    class SlightlyOff(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t, c):
            ctx.c = c
            return t * c

        @staticmethod
        def backward(ctx, g):
            return g * ctx.c * (1 + 1e-4), None

    a = f64(torch, [0.5, 1.0, 1.5])
    # |analytical - numerical| = 3e-4 <= atol + rtol * 3 = 1e-5 + 3e-3
    assert torch.autograd.gradcheck(SlightlyOff.apply, (a, 3.0)) is True
    with pytest.raises(GradcheckError, match=re.escape(JACOBIAN_MSG.format(0, 0))):
        torch.autograd.gradcheck(SlightlyOff.apply, (a, 3.0), rtol=1e-6, atol=1e-8)
    assert (
        torch.autograd.gradcheck(
            SlightlyOff.apply, (a, 3.0), eps=1e-6, atol=1e-3, rtol=0.0, raise_exception=False
        )
        is True
    )


def test_gradcheck_fast_mode(torch, GradcheckError):
    a = f64(torch, [0.5, 1.0, 1.5])
    assert torch.autograd.gradcheck(lambda x: x.sin() * x, (a,), fast_mode=True) is True
    mc = make_multiply_constant(torch, correct=False)
    with pytest.raises(GradcheckError, match=re.escape(JACOBIAN_MSG.format(0, 0))):
        torch.autograd.gradcheck(mc.apply, (a, 5.5), fast_mode=True)


def test_gradcheck_needs_an_input_requiring_grad(torch):
    a = torch.tensor([1.0, 2.0], dtype=torch.float64)
    msg = (
        "gradcheck expects at least one input tensor to require gradient, "
        "but none of them have requires_grad=True."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        torch.autograd.gradcheck(lambda x: x**2, (a,))


def test_gradcheck_warns_on_float32(torch):
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(
        UserWarning,
        match="Input #0 requires gradient and is not a double precision floating point or complex",
    ):
        torch.autograd.gradcheck(lambda x: x * 2, (a,), raise_exception=False)


# --------------------------------------------------------------------------- gradgradcheck


@pytest.mark.parametrize(
    "expr", ["a ** 3", "a.sin()", "a * b.sin()", "(a * b).exp()", "(a ** 2 * b).sum()"]
)
def test_gradgradcheck_passes(torch, expr):
    a = f64(torch, [0.5, 1.0, 1.5])
    b = f64(torch, [2.0, -1.0, 0.25])
    func = eval("lambda a, b: " + expr, {"torch": torch})
    assert torch.autograd.gradgradcheck(func, (a, b)) is True


def test_gradgradcheck_with_grad_outputs(torch):
    a = f64(torch, [0.5, 1.0, 1.5])
    go = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    assert torch.autograd.gradgradcheck(lambda x: x**3, (a,), grad_outputs=(go,)) is True
    assert torch.autograd.gradgradcheck(lambda x: x**3, (a,), (go,)) is True


def test_gradgradcheck_catches_non_differentiable_backward(torch, GradcheckError):
    class CubeDetached(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x.detach() ** 2  # correct first derivative, no second

    a = f64(torch, [0.5, 1.0, 1.5])
    assert torch.autograd.gradcheck(CubeDetached.apply, (a,)) is True
    with pytest.raises(GradcheckError, match=re.escape(JACOBIAN_MSG.format(0, 0))):
        torch.autograd.gradgradcheck(CubeDetached.apply, (a,))
    assert torch.autograd.gradgradcheck(CubeDetached.apply, (a,), raise_exception=False) is False
