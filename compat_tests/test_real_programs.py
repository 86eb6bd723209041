"""Blockers found by running real, published PyTorch programs (tutorials, model repositories)
under ``python -m torchlike``, each reduced to the few lines that reproduce it."""

import inspect
import math
import warnings

import pytest


# ------------------------------------------------- pytorch/tutorials examples_tensor/polynomial_*
# The "learning PyTorch with examples" fits start from linspace(-pi, pi, 2000): a last-bit
# difference there changed every printed loss of the 2000-step loop.
def test_linspace_float32_bits_as_pytorch(torch):
    x = torch.linspace(-math.pi, math.pi, 2000)
    assert x.dtype == torch.float32
    assert x[1234].item() == 0.7370720505714417
    assert x[1777].item() == 2.443810224533081
    assert x[10].item() == -3.110161066055298
    assert torch.sin(x)[1234].item() == 0.6721228361129761


def test_linspace_float64_bits_as_pytorch(torch):
    d = torch.linspace(-3.3, 10.1, 101, dtype=torch.float64)
    assert d[9].item() == -2.094
    assert d[72].item() == 6.348


def test_linspace_integer_converts_the_ends_first(torch):
    assert torch.linspace(-2.7, 3.9, 6, dtype=torch.int64).tolist() == [-2, -1, 0, 1, 2, 3]
    i = torch.linspace(-1e6, 3.7e6, 12345, dtype=torch.int64)
    assert i[:3].tolist() == [-1000000, -999619, -999238]
    assert i[-1].item() == 3700000


def test_linspace_complex(torch):
    c = torch.linspace(0, 1 + 2j, 5)
    assert c.dtype == torch.complex64
    assert c.tolist() == [0j, 0.25 + 0.5j, 0.5 + 1j, 0.75 + 1.5j, 1 + 2j]


# ------------------------------------------------ pytorch/tutorials nlp/sequence_models_tutorial
# F.log_softmax(x) without dim: the deprecation warning names the function that was called and
# points at the caller's line.
@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_implicit_softmax_dim_warning(torch, name):
    fn = getattr(torch.nn.functional, name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = inspect.currentframe().f_lineno + 1
        out = fn(torch.zeros(2, 3))
    (w,) = caught
    assert str(w.message) == (
        f"Implicit dimension choice for {name} has been deprecated. "
        "Change the call to include dim=X as an argument."
    )
    assert w.filename == __file__
    assert w.lineno == line
    assert out.shape == (2, 3)


def test_implicit_softmax_dim_warning_from_module(torch):
    m = torch.nn.LogSoftmax()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m(torch.zeros(2, 3))
    (w,) = caught
    assert str(w.message).startswith("Implicit dimension choice for log_softmax has been")


# ------------------------------------------------------------- karpathy/minGPT mingpt/model.py
# `from torch.cuda.amp import autocast` and `@autocast()` on forward: on a machine without CUDA,
# PyTorch warns and runs the function as it is; so does the GradScaler of AMP training loops.
def _no_cuda(torch):
    if torch.cuda.is_available():
        pytest.skip("checks the behaviour without CUDA")


def test_cuda_amp_autocast_decorator_without_cuda(torch):
    _no_cuda(torch)
    from importlib import import_module

    amp = import_module(torch.__name__ + ".cuda.amp")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")

        @amp.autocast()
        def forward(x):
            """doc"""
            return x * 2

    messages = [(w.category, str(w.message)) for w in caught]
    assert messages == [
        (
            FutureWarning,
            "`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
            "`torch.amp.autocast('cuda', args...)` instead.",
        ),
        (UserWarning, "CUDA is not available or torch_xla is imported. Disabling autocast."),
    ]
    assert forward.__name__ == "forward" and forward.__doc__ == "doc"
    out = forward(torch.ones(2))
    assert out.dtype == torch.float32 and out.tolist() == [2.0, 2.0]
    with pytest.warns(FutureWarning):
        assert isinstance(amp.autocast(enabled=False), torch.amp.autocast)


def test_autocast_names(torch):
    _no_cuda(torch)
    assert torch.autocast is torch.amp.autocast
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with torch.autocast("cuda", enabled=False) as ctx:
            y = torch.ones(2, 2) @ torch.ones(2, 2)
    assert caught == []
    assert ctx.fast_dtype == torch.float16 and y.dtype == torch.float32
    assert torch.autocast("cpu", enabled=False).fast_dtype == torch.bfloat16
    assert torch.amp.is_autocast_available("cuda") and torch.amp.is_autocast_available("cpu")
    with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
        torch.autocast(device_type=0)


def test_grad_scaler_without_cuda_passes_through(torch):
    _no_cuda(torch)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scaler = torch.amp.GradScaler("cuda")
    assert [str(w.message) for w in caught] == [
        "torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling."
    ]
    assert not scaler.is_enabled() and scaler.get_scale() == 1.0 and scaler.state_dict() == {}
    w = torch.ones(2, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.5)
    loss = (w * 3).sum()
    assert scaler.scale(loss) is loss
    scaler.scale(loss).backward()
    scaler.unscale_(opt)
    scaler.step(opt)
    scaler.update()
    assert w.tolist() == [-0.5, -0.5]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.amp.GradScaler(enabled=False)
    assert caught == []


# ---------------------------------------------- pytorch/tutorials examples_*/polynomial_*, dynamic_net
# x.pow(3), x ** 2 of a float tensor: PyTorch multiplies (x * x * x) instead of calling pow, and
# its gradient, grad * (3 * x.pow(2)), goes through the same shortcut.
def test_pow_small_integer_exponents_bits(torch):
    x = torch.linspace(-math.pi, math.pi, 2000)
    assert x.pow(3)[1777].item() == 14.59494400024414
    cube = x.pow(3)
    assert torch.equal(cube, x * x * x)
    assert torch.equal(x.pow(2), x * x)
    assert torch.equal(x**-1, 1 / x)
    assert torch.equal(x**-2, 1 / (x * x))
    w = x.clone().requires_grad_()
    g = torch.linspace(-1.0, 2.0, 2000)
    w.pow(3).backward(g)
    assert torch.equal(w.grad, g * (3 * (x * x)))
    assert type(w.pow(3).grad_fn).__name__ == "PowBackward0"


def test_pow_scalar_special_gradients(torch):
    z = torch.tensor([0.0, 2.0], requires_grad=True)
    z.pow(0).sum().backward()
    assert z.grad.tolist() == [0.0, 0.0]
    z = torch.tensor([0.0, -2.0], requires_grad=True)
    z.pow(3).sum().backward()
    assert z.grad.tolist() == [0.0, 12.0]
    z = torch.tensor([4.0], dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(z**-0.5, z, create_graph=True)
    assert g.item() == -0.0625
    (gg,) = torch.autograd.grad(g, z)
    assert gg.item() == 0.75 * 4.0**-2.5
    assert (torch.tensor([1, 2, 3]) ** 2).tolist() == [1, 4, 9]
