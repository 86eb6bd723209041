"""Blockers found by running modern architectures written in plain PyTorch (llama2.c / llama 3
model.py, ViT, DDPM, DiT, Mamba-minimal, loralib, MoE routing, ConvNeXt, Swin) unchanged under
``python -m torchlike``, each reduced to the few lines that reproduce it."""

import numpy as np
import pytest


def _close(a, b, tol=1e-5):
    return np.allclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), atol=tol)


# ------------------------------------------------ DiT / timm EMA: torch._foreach_*
# ``update_ema`` rewritten with the multi-tensor ops (timm's ModelEmaV3 does the same):
# ``_foreach_mul_`` then ``_foreach_add_(..., alpha=)``, or ``_foreach_lerp_``.
def test_foreach_ema_update(torch):
    ema = [torch.ones(2), torch.full((3,), 2.0)]
    model = [torch.zeros(2), torch.full((3,), 4.0)]
    out = torch._foreach_mul_(ema, 0.5)
    assert out is ema
    torch._foreach_add_(ema, model, alpha=0.5)
    assert ema[0].tolist() == [0.5, 0.5] and ema[1].tolist() == [3.0, 3.0, 3.0]
    torch._foreach_lerp_(ema, model, 0.25)
    assert _close(ema[0].tolist(), [0.375, 0.375]) and _close(ema[1].tolist(), [3.25] * 3)
    res = torch._foreach_lerp(ema, model, [torch.tensor(1.0), torch.tensor(0.0)])
    assert isinstance(res, tuple) and res[0].tolist() == [0.0, 0.0]
    assert _close(res[1].tolist(), [3.25] * 3)


def test_foreach_overloads(torch):
    a = [torch.ones(2), torch.ones(3)]
    assert [t.tolist() for t in torch._foreach_add(a, [1.0, 2.0])] == [[2.0, 2.0], [3.0] * 3]
    assert torch._foreach_add(a, torch.tensor(4.0))[1].tolist() == [5.0] * 3
    assert torch._foreach_sub(a, a, alpha=2)[0].tolist() == [-1.0, -1.0]
    assert torch._foreach_div(a, 4)[0].tolist() == [0.25, 0.25]
    assert torch._foreach_pow(2.0, a)[0].tolist() == [2.0, 2.0]
    assert torch._foreach_pow(a, [3, 2])[1].tolist() == [1.0] * 3
    assert torch._foreach_maximum(a, 3.0)[0].tolist() == [3.0, 3.0]
    assert torch._foreach_clamp_max(a, [0.5, 2.0])[0].tolist() == [0.5, 0.5]
    assert torch._foreach_addcmul(a, a, a, value=2)[0].tolist() == [3.0, 3.0]
    assert torch._foreach_addcdiv(a, a, a, torch.tensor([1.0, 3.0]))[1].tolist() == [4.0] * 3
    norms = torch._foreach_norm([torch.tensor([3.0, 4.0]), torch.ones(4)])
    assert [n.item() for n in norms] == [5.0, 2.0]
    assert [n.item() for n in torch._foreach_norm(a, float("inf"))] == [1.0, 1.0]
    assert [m.item() for m in torch._foreach_max([torch.tensor([1.0, 5.0])])] == [5.0]
    assert torch._foreach_sqrt([torch.tensor([4, 9])])[0].tolist() == [2.0, 3.0]
    b = torch._foreach_clone(a)
    torch._foreach_zero_(b)
    assert b[0].tolist() == [0.0, 0.0] and a[0].tolist() == [1.0, 1.0]
    torch._foreach_copy_(b, a)
    assert b[1].tolist() == [1.0] * 3
    w = torch.ones(2, requires_grad=True)
    torch._foreach_mul([w], 3.0)[0].sum().backward()
    assert w.grad.tolist() == [3.0, 3.0]


def test_foreach_errors(torch):
    a = [torch.ones(2), torch.ones(3)]
    with pytest.raises(
        RuntimeError, match="Tensor lists must have the same number of tensors, got 2 and 1"
    ):
        torch._foreach_add(a, [torch.ones(2)])
    with pytest.raises(RuntimeError, match="Tensor list must have at least one tensor."):
        torch._foreach_add([], 1.0)
    with pytest.raises(RuntimeError, match="same number of elements as scalar list"):
        torch._foreach_mul(a, [1.0])
    with pytest.raises(
        TypeError,
        match=r"_foreach_add\(\) received an invalid combination of arguments - got \(list, str\), but expected one of:\n \* \(tuple of Tensors self, Number scalar\)",
    ):
        torch._foreach_add(a, "x")
    with pytest.raises(
        TypeError,
        match=r"_foreach_sqrt\(\): argument 'self' \(position 1\) must be tuple of Tensors, not Tensor",
    ):
        torch._foreach_sqrt(torch.ones(2))
    with pytest.raises(
        TypeError, match=r"_foreach_norm\(\): argument 'ord' \(position 2\) must be Number, not str"
    ):
        torch._foreach_norm(a, "x")
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad"):
        torch._foreach_mul_([torch.ones(2, requires_grad=True)], 2.0)
    with pytest.raises(
        RuntimeError, match="result type Float can't be cast to the desired output type Long"
    ):
        torch._foreach_add_([torch.ones(2, dtype=torch.long)], 1.5)


# ------------------------------------------------ DiT / timm: resizing a position embedding
# ``F.interpolate(..., antialias=True)`` was accepted and ignored: a shrink gave the plain
# bilinear numbers. The antialiased kernels are Pillow's (a widened filter when shrinking).
def test_interpolate_antialias_values(torch):
    F = torch.nn.functional
    x = torch.arange(16.0).reshape(1, 1, 4, 4) ** 2
    plain = F.interpolate(x, size=(2, 2), mode="bilinear")
    assert _close(plain.flatten().tolist(), [10.5, 24.5, 114.5, 160.5])
    bl = F.interpolate(x, size=(2, 2), mode="bilinear", antialias=True)
    assert _close(bl.flatten().tolist(), [21.0816326, 34.7755127, 105.4897919, 138.9387665], 1e-4)
    bc = F.interpolate(x, scale_factor=0.5, mode="bicubic", antialias=True)
    assert _close(bc.flatten().tolist(), [13.0106554, 27.0637264, 109.2538147, 149.9941254], 1e-4)
    lz = F.interpolate(x, size=(3, 2), mode="lanczos", antialias=True)
    expect = [1.496014, 9.7203026, 42.861702, 71.717888, 141.736998, 191.225098]
    assert _close(lz.flatten().tolist(), expect, 1e-4)
    up = F.interpolate(x, size=(5, 6), mode="bilinear", antialias=True, align_corners=True)
    assert _close(up[0, 0, 0].tolist(), [0.0, 0.4, 1.0, 2.8, 5.0, 8.0])
    u = torch.tensor([[[[0, 255, 0, 255]]]], dtype=torch.uint8)
    assert F.interpolate(u, size=(1, 2), mode="bilinear", antialias=True).tolist() == [
        [[[109, 146]]]
    ]


def test_interpolate_antialias_grad_and_errors(torch):
    F = torch.nn.functional
    x = torch.arange(16.0).reshape(1, 1, 4, 4).requires_grad_()
    y = F.interpolate(x, size=(2, 2), mode="bilinear", antialias=True)
    assert y.grad_fn.name() == "UpsampleBilinear2DAaBackward0"
    y.sum().backward()
    assert _close(x.grad.sum().item(), 4.0) and _close(
        x.grad[0, 0, 0].tolist(), [0.1836735, 0.2448980, 0.2448980, 0.1836735]
    )
    z = F.interpolate(x, size=(2, 2), mode="bicubic", antialias=True)
    assert z.grad_fn.name() == "UpsampleBicubic2DAaBackward0"
    with pytest.raises(
        ValueError, match="Anti-alias option is restricted to bilinear, bicubic, and lanczos modes"
    ):
        F.interpolate(x, scale_factor=2, mode="nearest", antialias=True)
    with pytest.raises(ValueError, match="Lanczos mode requires antialias=True"):
        F.interpolate(x, size=(2, 2), mode="lanczos")
    with pytest.raises(
        NotImplementedError, match="\"compute_index_ranges_weights\" not implemented for 'Long'"
    ):
        F.interpolate(x.detach().long(), size=(2, 2), mode="bilinear", antialias=True)
    with pytest.raises(
        NotImplementedError, match=r"trilinear \| lanczos \| area \| nearest-exact \(got foo\)"
    ):
        F.interpolate(x, size=(2, 2), mode="foo")


# ------------------------------------------------ gpt-fast / HF attention: backend selection
# ``from torch.nn.attention import SDPBackend, sdpa_kernel`` raised ModuleNotFoundError.
def test_sdpa_kernel_selects_backends(torch):
    import importlib

    attention = importlib.import_module(torch.__name__ + ".nn.attention")
    SDPBackend, sdpa_kernel = attention.SDPBackend, attention.sdpa_kernel
    assert repr(SDPBackend.MATH) == "<SDPBackend.MATH: 0>" and int(SDPBackend.CUDNN_ATTENTION) == 3
    assert SDPBackend.MATH != 0 and SDPBackend(1) == SDPBackend.FLASH_ATTENTION
    q = torch.ones(1, 1, 2, 4)
    cuda = torch.backends.cuda
    with sdpa_kernel(SDPBackend.MATH) as ctx:
        assert ctx == {}
        assert cuda.math_sdp_enabled() and not cuda.flash_sdp_enabled()
        assert not cuda.mem_efficient_sdp_enabled()
        out = torch.nn.functional.scaled_dot_product_attention(q, q, q, is_causal=True)
        assert out.sum().item() == 8.0
    with sdpa_kernel([SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION]):
        assert cuda.flash_sdp_enabled() and not cuda.math_sdp_enabled()
    assert cuda.flash_sdp_enabled() and cuda.math_sdp_enabled()
    with pytest.raises(AssertionError, match="must be an instance of SDPBackend or a list"):
        with sdpa_kernel("math"):
            pass


# ------------------------------------------------ Muon's Newton-Schulz in bfloat16
# ``b * A + c * A @ A`` on bf16 matrices: PyTorch's half/bfloat16 kernels read a Python float
# (or a 0-d float tensor) operand of mul/div in float32 and round once; it was rounded to bf16
# first (7 * 3.4445 gave 24.0, PyTorch 24.125).
def test_low_precision_times_python_float(torch):
    x = torch.tensor([1.0, 3.0, 7.0, 0.1], dtype=torch.bfloat16)
    assert (x * 3.4445).tolist() == [3.4375, 10.3125, 24.125, 0.345703125]
    assert (3.4445 * x).tolist() == [3.4375, 10.3125, 24.125, 0.345703125]
    assert (x / 3.3).tolist() == [0.302734375, 0.91015625, 2.125, 0.0302734375]
    assert (x * torch.tensor(3.4445)).tolist()[2] == 24.125
    # a 0-d tensor on the left, or one already in bf16, is cast as usual
    assert (torch.tensor(3.4445) * x).tolist()[2] == 24.0
    y = x.clone()
    y *= 3.4445
    assert y.tolist()[2] == 24.125
    h = x.half()
    assert (h * 3.4445).tolist()[2] == 24.109375
    w = x.clone().requires_grad_()
    z = w * 3.4445
    assert z.grad_fn.name() == "MulBackward0" and z.dtype is torch.bfloat16
    (z / 3.3).sum().backward()
    assert w.grad.dtype is torch.bfloat16


# ``p.add_(update, alpha=-lr)`` on bf16 parameters: PyTorch rounds alpha and ``update * alpha``
# to bf16 before the sum (1 - 0.99 * 1 is 0.01171875); float32 math had rounded once.
def test_low_precision_add_alpha_rounds_the_product(torch):
    x = torch.tensor([1.0, 3.0, 7.0, 0.1], dtype=torch.bfloat16)
    assert x.sub(x, alpha=0.99).tolist() == [0.01171875, 0.03125, 0.09375, 0.0009765625]
    assert x.add(x, alpha=1.01).tolist()[0] == 2.0
    p = x.clone()
    p.add_(x, alpha=-0.99)
    assert p.tolist()[1] == 0.03125
    assert torch.add(x, 1.003, alpha=3).tolist() == [4.0, 6.0, 10.0, 3.09375]
    f = x.float()
    assert f.sub(f, alpha=0.99).tolist()[0] == pytest.approx(0.01, abs=1e-7)
