"""Blockers found by running LLM-era programs written in plain PyTorch (Hugging Face style BERT,
GPT-2 and Llama modeling code, generation with KV caches, sampling and logits processors,
rotary embeddings, LoRA, weight-only int8, bf16/fp16 inference) unchanged under
``python -m torchlike``, each reduced to the few lines that reproduce it."""

import math

import pytest


# ------------------------------------- Llama (HF modeling_llama) bf16/fp16 SDPA inference
# ``F.scaled_dot_product_attention`` on half/bfloat16 inputs on the CPU runs PyTorch's flash
# kernel: float32 scores and exponentials, the exponentials rounded to the input dtype before the
# product with ``value``, the row sum kept in float32 and applied as a reciprocal.  torchlike
# rounded once at the end (the math path in float32), so bf16 logits and greedy tokens drifted.
def _flash_reference(torch, q, k, v, mask=None, is_causal=False):
    qf, kf, vf = q.float(), k.float(), v.float()
    s = (qf @ kf.transpose(-1, -2)) * (1 / math.sqrt(q.shape[-1]))
    if is_causal:
        keep = torch.ones(s.shape[-2:], dtype=torch.bool).tril()
        s = s.masked_fill(~keep, float("-inf"))
    if mask is not None:
        s = s.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else s + mask.float()
    p = torch.exp(s - s.amax(-1, keepdim=True))
    out = (p.to(q.dtype).float() @ vf) * (1 / p.sum(-1, keepdim=True))
    return out.to(q.dtype)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("case", ["plain", "causal", "float_mask", "bool_mask", "decode"])
def test_sdpa_half_rounds_as_the_flash_kernel(torch, dtype, case):
    dt = getattr(torch, dtype)
    g = torch.Generator().manual_seed(0)
    q_len = 1 if case == "decode" else 6
    q = torch.randn(2, 4, q_len, 8, generator=g).to(dt)
    k = torch.randn(2, 4, 9, 8, generator=g).to(dt)
    v = torch.randn(2, 4, 9, 8, generator=g).to(dt)
    mask = None
    if case == "float_mask":
        mask = torch.randn(q_len, 9, generator=g).to(dt)
    elif case == "bool_mask":
        mask = torch.rand(1, 1, q_len, 9, generator=g) > 0.3
    causal = case == "causal"
    got = torch.nn.functional.scaled_dot_product_attention(
        q, k, v, attn_mask=mask, is_causal=causal
    )
    want = _flash_reference(torch, q, k, v, mask, causal)
    assert got.dtype == dt
    assert torch.equal(got, want)
    # and it is not merely the float32 result rounded once
    fmask = mask.float() if mask is not None and mask.dtype != torch.bool else mask
    once = torch.nn.functional.scaled_dot_product_attention(
        q.float(), k.float(), v.float(), attn_mask=fmask, is_causal=causal
    ).to(dt)
    assert (got.float() - once.float()).abs().max().item() < 2e-2


def test_sdpa_half_fully_masked_row_is_zero(torch):
    q = torch.randn(1, 1, 3, 4).bfloat16()
    mask = torch.tensor([[True, True], [False, False], [True, False]])
    out = torch.nn.functional.scaled_dot_product_attention(q, q[..., :2, :], q[..., :2, :], mask)
    assert out[0, 0, 1].tolist() == [0.0] * 4
    assert not out.isnan().any().item()


# ------------------------------------------------- loralib: assigning a function to a module slot
# ``layer.lora_dropout = lambda x: x`` where ``lora_dropout`` was an ``nn.Dropout``: PyTorch
# names the value with ``torch.typename`` (``__main__.<lambda>``), torchlike said ``function``.
def _a_function(x):
    return x


class _Plain:
    pass


def test_module_assignment_error_names_the_value_as_typename(torch):
    m = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.1))
    cases = [
        (
            lambda x: x,
            f"{__name__}.test_module_assignment_error_names_the_value_as_typename."
            "<locals>.<lambda>",
        ),
        (_a_function, f"{__name__}._a_function"),
        (_Plain(), f"{__name__}._Plain"),
        (3, "int"),
    ]
    for value, name in cases:
        assert torch.typename(value) == name
        with pytest.raises(TypeError) as err:
            m[1] = value
        assert str(err.value) == (
            f"cannot assign '{name}' as child module '1' (torch.nn.Module or None expected)"
        )
        with pytest.raises(TypeError) as err:
            m[0].weight = value
        assert str(err.value) == (
            f"cannot assign '{name}' as parameter 'weight' (torch.nn.Parameter or None expected)"
        )
    assert torch.typename(_Plain) == f"{__name__}._Plain"
    assert torch.typename(torch.nn.Linear(1, 1)) == "torch.nn.modules.linear.Linear"
    assert torch.typename(torch.ones(1)) == "torch.FloatTensor"


# -------------------------- HF generate(): a KV cache made under @torch.inference_mode() reused
# A static cache allocated inside ``inference_mode`` and written outside it (``cache[:, i] = kv``,
# ``copy_``, through a view, ``resize_``) must raise PyTorch's error; torchlike let slicing
# assignment, copy_, writes through views, resize_ and requires_grad_ through.
_INFERENCE_WRITE = "Inplace update to inference tensor outside InferenceMode is not allowed"


def test_inference_cache_written_outside_inference_mode(torch):
    with torch.inference_mode():
        cache = torch.zeros(2, 3)
    writes = [
        lambda: cache.__setitem__((slice(None), 0), 1.0),
        lambda: cache.__setitem__(0, torch.ones(3)),
        lambda: cache.copy_(torch.ones(2, 3)),
        lambda: cache.index_copy_(1, torch.tensor([2]), torch.ones(2, 1)),
        lambda: cache.view(-1).add_(1),
        lambda: cache[:, 1:].mul_(2),
    ]
    for write in writes:
        with pytest.raises(RuntimeError, match=_INFERENCE_WRITE):
            write()
    with pytest.raises(RuntimeError, match="Setting requires_grad=True on inference tensor"):
        cache.requires_grad_()
    cache.requires_grad_(False)
    with torch.inference_mode():
        cache[:, 0] = 5.0  # inside inference mode the same writes are fine
        cache.view(-1).add_(1)
    assert cache[0, 0].item() == 6.0
    with pytest.raises(RuntimeError, match=_INFERENCE_WRITE):
        cache.resize_(7)
    assert tuple(cache.shape) == (7,)  # (the resize happened, then the version bump refused)


def test_inference_views_and_saving(torch):
    with torch.inference_mode():
        c = torch.zeros(3)
        v = c.view(-1)
        assert v.is_inference() and not v._is_view() and v._base is None
    s = c[1:]
    assert s.is_inference() and not s._is_view()
    lin = torch.nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match="Inference tensors cannot be saved for backward"):
        lin(c)
    with torch.no_grad():
        assert not lin(c).requires_grad


def test_inference_mode_false_enables_grad(torch):
    # InferenceMode(False) sets grad mode on, even inside no_grad / inference_mode
    with torch.no_grad():
        with torch.inference_mode(False):
            assert torch.is_grad_enabled() and not torch.is_inference_mode_enabled()
        assert not torch.is_grad_enabled()
    with torch.inference_mode():
        with torch.inference_mode(mode=False):
            t = torch.ones(2, requires_grad=True)
            assert torch.is_grad_enabled() and not t.is_inference()
            assert (t * 2).grad_fn is not None
        assert not torch.is_grad_enabled() and torch.is_inference_mode_enabled()


# ------------------------------- bf16 autocast inference on CPU: einsum attention, 1-d matmul
# ``torch.einsum("bhqd,bhkd->bhqk", q, k)`` (einsum-written attention, MoE routers) under
# ``torch.autocast("cpu", dtype=torch.bfloat16)``: CPU autocast has no einsum entry, but a
# contraction reaches the listed bmm, so PyTorch gives bfloat16; torchlike kept float32 (and
# ``v1 @ v2``, ``linalg.vecdot``); ``F.bilinear`` is one kernel PyTorch never casts.
@pytest.mark.parametrize(
    "equation, shapes, lower",
    [
        ("bhqd,bhkd->bhqk", [(1, 2, 3, 4), (1, 2, 5, 4)], True),
        ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)], True),
        ("...ij,...jk", [(2, 3), (3, 4)], True),
        ("i,i->", [(3,), (3,)], True),
        ("ij,ij->ij", [(2, 3), (2, 3)], False),
        ("i,j->ij", [(2,), (3,)], False),
        ("ii->i", [(3, 3)], False),
    ],
)
def test_cpu_autocast_einsum_lowers_contractions(torch, equation, shapes, lower):
    ops = [torch.randn(*s) for s in shapes]
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = torch.einsum(equation, *ops)
    assert out.dtype == (torch.bfloat16 if lower else torch.float32)
    want = torch.einsum(equation, *[o.bfloat16() if lower else o for o in ops])
    assert torch.equal(out, want)


def test_cpu_autocast_matmul_forms(torch):
    a, b = torch.randn(3, 3), torch.randn(3, 3)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert (a[0] @ b[0]).dtype == torch.bfloat16  # matmul is listed, whatever it runs
        assert torch.matmul(a, b[0]).dtype == torch.bfloat16
        assert torch.linalg.vecdot(a, b).dtype == torch.bfloat16
        assert torch.dot(a[0], b[0]).dtype == torch.float32  # dot and mv are not
        assert torch.mv(a, b[0]).dtype == torch.float32
        assert torch.nn.functional.bilinear(a, b, torch.randn(2, 3, 3)).dtype == torch.float32
        assert torch.einsum("ij,jk->ik", a.double(), b.double()).dtype == torch.float64


# -------------------------- beam search on a model.half()/bfloat16 LM: log_softmax / logsumexp
# PyTorch's last-dim log_softmax kernel for half/bfloat16 keeps each row's sum of exponentials
# and its log in that dtype before x - max - log(sum); its logsumexp is composite, each step
# rounded.  Their backward formulas round as well.  torchlike computed both in float32, rounding
# once: beam scores and their gradients differed in the last bit for many entries.
def _low_log_softmax_reference(torch, x):
    xf = x.float()
    m = xf.amax(-1, keepdim=True)
    total = torch.exp(xf - m).sum(-1, keepdim=True).to(x.dtype).float()
    return (xf - m - torch.log(total).to(x.dtype).float()).to(x.dtype)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_low_precision_log_softmax_last_dim(torch, dtype):
    dt = getattr(torch, dtype)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(16, 32, generator=g).to(dt).requires_grad_()
    grad = torch.randn(16, 32, generator=g).to(dt)
    out = torch.nn.functional.log_softmax(x, -1)
    assert out.dtype == dt
    assert torch.equal(out, _low_log_softmax_reference(torch, x.detach()))
    # not merely float32 rounded once
    once = torch.nn.functional.log_softmax(x.detach().float(), -1).to(dt)
    assert not torch.equal(out, once)
    out.backward(grad)
    gf, of = grad.float(), out.detach().float()
    assert torch.equal(x.grad, (gf - of.exp() * gf.sum(-1, keepdim=True)).to(dt))
    # the other dims' kernel computes in float32 and rounds once; dtype= converts first
    assert torch.equal(
        torch.log_softmax(x.detach(), 0), torch.log_softmax(x.detach().float(), 0).to(dt)
    )
    f = torch.nn.functional.log_softmax(x.detach().float(), -1, dtype=dt)
    assert torch.equal(f, _low_log_softmax_reference(torch, x.detach().float().to(dt)))


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_low_precision_logsumexp_rounds_each_step(torch, dtype):
    dt = getattr(torch, dtype)
    g = torch.Generator().manual_seed(1)
    x = torch.randn(16, 32, generator=g).to(dt).requires_grad_()
    out = torch.logsumexp(x, -1)
    xd = x.detach()
    m = xd.amax(-1, keepdim=True)
    assert torch.equal(out, (xd - m).exp().sum(-1).log() + m.squeeze(-1))
    grad = torch.randn(16, generator=g).to(dt)
    out.backward(grad)
    assert torch.equal(x.grad, grad[:, None] * (xd - out.detach()[:, None]).exp())
    special = torch.tensor([[float("inf"), 1.0], [-float("inf"), -float("inf")]]).to(dt)
    assert torch.logsumexp(special, 1).tolist() == [float("inf"), -float("inf")]


# --------------------------- QAT of a small LM (weight fake-quant with a per-channel observer)
# ``torch.fake_quantize_per_channel_affine`` / ``..._per_tensor_affine`` were missing.  PyTorch
# multiplies by 1/scale, rounds half to even, and passes the gradient straight through where the
# rounded value is in range.
def test_fake_quantize_per_tensor(torch):
    x = torch.tensor([0.05, 0.15, 0.25, -0.05, 100.0, -0.33], requires_grad=True)
    y = torch.fake_quantize_per_tensor_affine(x, 0.1, 0, -128, 127)
    assert y.grad_fn.name() == "FakeQuantizePerTensorAffineCachemaskBackward0"
    inv = 1.0 / torch.tensor(0.1)
    want = (torch.round(x.detach() * inv).clamp(-128, 127)) * 0.1
    assert torch.equal(y.detach(), want)
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 1.0, 1.0, 0.0, 1.0]
    t = torch.fake_quantize_per_tensor_affine(
        x.detach(), torch.tensor(0.5), torch.tensor(3, dtype=torch.int32), 0, 7
    )
    assert t.tolist() == [0.0, 0.0, 0.0, 0.0, 2.0, -0.5]
    h = torch.fake_quantize_per_tensor_affine(torch.tensor([0.15, 0.26]).half(), 0.1, 0, -8, 7)
    assert h.dtype == torch.float16
    with pytest.raises(RuntimeError, match="`quant_min` should be less than or {9}equal"):
        torch.fake_quantize_per_tensor_affine(x, 0.1, 0, 5, 1)
    with pytest.raises(RuntimeError, match="`zero_point` must be between `quant_min` and"):
        torch.fake_quantize_per_tensor_affine(x, 0.1, 300, -128, 127)
    with pytest.raises(NotImplementedError, match="not implemented for 'Int'"):
        torch.fake_quantize_per_tensor_affine(x.int(), 0.1, 0, -128, 127)


def test_fake_quantize_per_channel(torch):
    g = torch.Generator().manual_seed(0)
    w = torch.randn(4, 3, generator=g, requires_grad=True)
    scale = w.detach().abs().amax(0) / 7
    zp = torch.zeros(3, dtype=torch.int32)
    y = torch.fake_quantize_per_channel_affine(w, scale, zp, 1, -8, 7)
    assert y.grad_fn.name() == "FakeQuantizePerChannelAffineCachemaskBackward0"
    want = torch.round(w.detach() * (1.0 / scale)).clamp(-8, 7) * scale
    assert torch.equal(y.detach(), want)
    y.sum().backward()
    assert torch.equal(w.grad, torch.ones(4, 3))
    fzp = torch.fake_quantize_per_channel_affine(
        w.detach(), scale, torch.tensor([0.0, 0.5, 1.0]), 1, -8, 7
    )
    fz = torch.tensor([0.0, 0.5, 1.0])
    want = (torch.round(w.detach() * (1.0 / scale) + fz).clamp(-8, 7) - fz) * scale
    assert torch.equal(fzp, want)
    with pytest.raises(RuntimeError, match="Zero-point must be Int32, Float or Half, found Long"):
        torch.fake_quantize_per_channel_affine(w, scale, zp.long(), 1, -8, 7)
    with pytest.raises(RuntimeError, match="`axis` must be between 0 and number of dimensions"):
        torch.fake_quantize_per_channel_affine(w, scale, zp, -1, -8, 7)
    with pytest.raises(IndexError, match="Dimension out of range"):
        torch.fake_quantize_per_channel_affine(w, scale, zp, 2, -8, 7)
    with pytest.raises(RuntimeError, match="dimensions of scale and zero-point are not consistent"):
        torch.fake_quantize_per_channel_affine(w, scale, zp, 0, -8, 7)


# ----------------------- HF masking code prints torch.finfo(dtype) while debugging fp16 overflow
# ``resolution`` is PyTorch's 10 ** -precision as an exact Python float (torchlike gave NumPy's,
# rounded to the dtype: 0.0010004 for float16); a complex dtype's finfo names its real dtype.
def test_finfo_resolution_and_complex_name(torch):
    assert torch.finfo(torch.float16).resolution == 0.001
    assert torch.finfo(torch.bfloat16).resolution == 0.01
    assert torch.finfo(torch.float32).resolution == 1e-06
    assert torch.finfo(torch.float64).resolution == 1e-15
    assert repr(torch.finfo(torch.float16)).startswith("finfo(resolution=0.001, min=-65504,")
    assert torch.finfo(torch.complex64).dtype == "float32"
    assert torch.finfo(torch.complex128).dtype == "float64"
    assert torch.finfo(torch.complex64).eps == torch.finfo(torch.float32).eps
    assert torch.finfo(torch.float16) == torch.finfo(torch.half)
    assert torch.finfo(torch.float16) != torch.finfo(torch.bfloat16)


def test_inference_tensor_detach_outside_inference_mode(torch):
    # ``cache.detach()`` / ``.data`` of an inference tensor is an inference tensor with a
    # counter of its own: writes to it pass (and reach the cache); its views share the cache's
    with torch.inference_mode():
        cache = torch.zeros(3)
        inside = cache.detach()
    d = cache.detach()
    assert d.is_inference() and cache.data.is_inference() and inside.is_inference()
    d.add_(1)
    cache.data.mul_(2)
    assert cache.tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(RuntimeError, match=_INFERENCE_WRITE):
        d.view(-1).add_(1)
    with pytest.raises(RuntimeError, match=_INFERENCE_WRITE):
        inside.add_(1)
    inside.detach().add_(1)
    assert cache.tolist() == [5.0, 5.0, 5.0]  # (the refused writes happened, then raised)


# ------------------------------ bf16 LoRA fine-tuning through F.scaled_dot_product_attention
# The CPU flash kernel's half/bfloat16 backward rounds the recomputed probabilities and dS to
# the input dtype before its products; torchlike differentiated the float32 math (about half of
# the gradient entries differed in the last bit).
@pytest.mark.parametrize("q_len, causal", [(5, False), (5, True), (1, False)])
def test_sdpa_bf16_backward_rounds_as_the_flash_kernel(torch, q_len, causal):
    g = torch.Generator().manual_seed(2)
    dt = torch.bfloat16
    q = torch.randn(2, 2, q_len, 8, generator=g).to(dt).requires_grad_()
    k = torch.randn(2, 2, 7, 8, generator=g).to(dt).requires_grad_()
    v = torch.randn(2, 2, 7, 8, generator=g).to(dt).requires_grad_()
    grad = torch.randn(2, 2, q_len, 8, generator=g).to(dt)
    out = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=causal)
    out.backward(grad)
    scale = 1 / math.sqrt(8)
    qf, kf, vf, gf = q.detach().float(), k.detach().float(), v.detach().float(), grad.float()
    s = (qf @ kf.transpose(-1, -2)) * scale
    if causal:
        s = s.masked_fill(~torch.ones(q_len, 7, dtype=torch.bool).tril(), float("-inf"))
    m = s.amax(-1, keepdim=True)
    p = torch.exp(s - (m + torch.log(torch.exp(s - m).sum(-1, keepdim=True))))
    dsum = (gf * out.detach().float()).sum(-1, keepdim=True)
    ds = (p * (gf @ vf.transpose(-1, -2) - dsum)).to(dt).float()
    assert torch.equal(v.grad, (p.to(dt).float().transpose(-1, -2) @ gf).to(dt))
    assert torch.equal(q.grad, (scale * (ds @ kf)).to(dt))
    assert torch.equal(k.grad, (scale * (ds.transpose(-1, -2) @ qf)).to(dt))
