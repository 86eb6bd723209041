"""Bit-exact results where PyTorch's are correctly rounded: printed tensors must not differ."""

import numpy as np
import pytest

F32 = np.float32


@pytest.mark.parametrize("divisor", [10.0, 3.0, 7.0, 0.1])
def test_division_by_scalar_is_correctly_rounded(torch, divisor):
    x = torch.arange(1000.0)
    expected = np.arange(1000, dtype=F32) / F32(divisor)
    assert (x / divisor).tolist() == expected.tolist()


def test_division_by_tensor_is_correctly_rounded(torch):
    a = np.linspace(-50, 50, 999, dtype=F32)
    b = np.linspace(1, 9, 999, dtype=F32)
    assert (torch.tensor(a) / torch.tensor(b)).tolist() == (a / b).tolist()
    assert (torch.tensor(a) / torch.tensor(F32(3.0))).tolist() == (a / F32(3)).tolist()


def test_float64_division_is_correctly_rounded(torch):
    a = np.linspace(-50, 50, 999)
    assert (torch.tensor(a) / 10.0).tolist() == (a / 10.0).tolist()


def test_mean_and_var_divide_exactly(torch):
    x = torch.tensor([1.0, 2.0, 3.0, 4.0])
    assert x.var().item() == float(F32(5) / F32(3))
    assert torch.tensor([1.0, 2.0, 4.0]).mean().item() == float(F32(7) / F32(3))


def test_complex_gradients_follow_pytorch_convention(torch):
    # PyTorch's .grad of a real loss is the conjugate Wirtinger derivative times 2
    z = torch.tensor(1 + 2j, requires_grad=True)
    (z.abs() ** 2 + z.abs()).backward()
    r = abs(1 + 2j)
    expected = (2 + 1 / r) * (1 + 2j)
    assert abs(z.grad.item() - expected) < 1e-5
    w = torch.tensor([1 + 2j, 3 - 1j], requires_grad=True)
    (w * w).sum().backward(torch.tensor(1 + 1j))
    # d(w^2) with grad_output g: grad = g * conj(2w)
    got = w.grad.tolist()
    for g, v in zip(got, [1 + 2j, 3 - 1j]):
        assert abs(g - (1 + 1j) * (2 * v).conjugate()) < 1e-5
