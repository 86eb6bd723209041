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
