"""torch.autocast on the CPU (bfloat16 / float16) and torch.amp.GradScaler, on both backends:
which ops run in lower precision and which in float32, the cast nodes autocast records, its
weight-cast cache, gradients under autocast, and the scaler's scale/unscale/skip/update cycle."""

import warnings

import numpy as np
import pytest


def _inputs(torch):
    torch.manual_seed(0)
    x = torch.randn(4, 3)
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(5, requires_grad=True)
    return x, w, b


# op under CPU autocast (float32 inputs) -> PyTorch's output dtype
CPU_DTYPES = [
    ("linear", lambda t, F, x, w, b: F.linear(x, w, b), "bfloat16"),
    ("matmul", lambda t, F, x, w, b: x @ w.t(), "bfloat16"),
    ("mm", lambda t, F, x, w, b: t.mm(x, w.t()), "bfloat16"),
    ("bmm", lambda t, F, x, w, b: t.bmm(x[None], w.t()[None]), "bfloat16"),
    ("addmm", lambda t, F, x, w, b: t.addmm(b, x, w.t()), "bfloat16"),
    ("conv2d", lambda t, F, x, w, b: F.conv2d(x[None, None], w[None, None, :2, :2]), "bfloat16"),
    (
        "sdpa",
        lambda t, F, x, w, b: F.scaled_dot_product_attention(x[None], x[None], x[None]),
        "bfloat16",
    ),
    ("mse_loss", lambda t, F, x, w, b: F.mse_loss(F.linear(x, w, b), t.zeros(4, 5)), "float32"),
    ("l1_loss", lambda t, F, x, w, b: F.l1_loss(F.linear(x, w, b), t.zeros(4, 5)), "float32"),
    (
        "cross_entropy",
        lambda t, F, x, w, b: F.cross_entropy(F.linear(x, w, b), t.tensor([0, 1, 2, 3])),
        "float32",
    ),
    (
        "nll_loss",
        lambda t, F, x, w, b: F.nll_loss(F.linear(x, w, b), t.tensor([0, 1, 2, 3])),
        "float32",
    ),
    ("prod", lambda t, F, x, w, b: F.linear(x, w, b).prod(), "float32"),
    # not in PyTorch's CPU lists: run in their inputs' dtype
    ("softmax_of_bf16", lambda t, F, x, w, b: F.linear(x, w, b).softmax(1), "bfloat16"),
    ("sum_of_bf16", lambda t, F, x, w, b: F.linear(x, w, b).sum(), "bfloat16"),
    ("exp_of_bf16", lambda t, F, x, w, b: F.linear(x, w, b).exp(), "bfloat16"),
    ("layer_norm_of_bf16", lambda t, F, x, w, b: F.layer_norm(F.linear(x, w, b), (5,)), "bfloat16"),
    ("add_float32", lambda t, F, x, w, b: x + x, "float32"),
    # float64 is never cast
    ("mm_float64", lambda t, F, x, w, b: t.mm(x.double(), x.double().t()), "float64"),
    # promote: the widest floating input type
    ("cat_promotes", lambda t, F, x, w, b: t.cat([F.linear(x, w, b), t.zeros(4, 1)], 1), "float32"),
    (
        "stack_promotes",
        lambda t, F, x, w, b: t.stack([F.linear(x, w, b), t.zeros(4, 5)]),
        "float32",
    ),
]


@pytest.mark.parametrize("case", CPU_DTYPES, ids=[c[0] for c in CPU_DTYPES])
def test_cpu_autocast_output_dtypes(torch, case):
    _, fn, want = case
    x, w, b = _inputs(torch)
    with torch.autocast("cpu"):
        out = fn(torch, torch.nn.functional, x, w, b)
    assert out.dtype == getattr(torch, want)


def test_float16_on_cpu(torch):
    x, w, b = _inputs(torch)
    with torch.autocast("cpu", dtype=torch.float16):
        assert torch.nn.functional.linear(x, w, b).dtype == torch.float16
        assert torch.get_autocast_dtype("cpu") == torch.float16


def test_state_queries(torch):
    assert not torch.is_autocast_enabled("cpu")
    with torch.autocast("cpu"):
        assert torch.is_autocast_enabled("cpu") and not torch.is_autocast_enabled()
        assert torch.get_autocast_dtype("cpu") == torch.bfloat16
        with torch.autocast("cpu", enabled=False):
            assert not torch.is_autocast_enabled("cpu")
            x, w, b = _inputs(torch)
            assert torch.nn.functional.linear(x, w, b).dtype == torch.float32
        assert torch.is_autocast_enabled("cpu")
    assert not torch.is_autocast_enabled("cpu")


def test_decorator_form(torch):
    x, w, b = _inputs(torch)

    @torch.autocast("cpu")
    def f(x):
        return torch.nn.functional.linear(x, w, b)

    assert f(x).dtype == torch.bfloat16
    assert torch.nn.functional.linear(x, w, b).dtype == torch.float32


def test_cast_nodes_and_weight_cache(torch):
    x, w, b = _inputs(torch)
    with torch.autocast("cpu"):
        y = torch.nn.functional.linear(x, w, b)
        names = [n.name() if n is not None else None for n, _ in y.grad_fn.next_functions]
        assert y.grad_fn.name() == "AddmmBackward0"
        assert names == ["ToCopyBackward0", None, "TBackward0"]
        assert y.grad_fn.next_functions[2][0].next_functions[0][0].name() == "ToCopyBackward0"
        # the weight's cast is made once per region and reused
        y2 = torch.nn.functional.linear(x, w, b)
        assert y2.grad_fn.next_functions[0][0] is y.grad_fn.next_functions[0][0]
        loss = torch.nn.functional.cross_entropy(y, torch.tensor([0, 1, 2, 3]))
        assert loss.grad_fn.name() == "NllLossBackward0"
        assert loss.grad_fn.next_functions[0][0].name() == "LogSoftmaxBackward0"
        assert loss.grad_fn.next_functions[0][0].next_functions[0][0].name() == "ToCopyBackward0"


def test_gradients_under_autocast_are_bfloat16_rounded(torch):
    torch.manual_seed(0)
    x = torch.randn(8, 16)
    w = torch.randn(5, 16, requires_grad=True)
    b = torch.randn(5, requires_grad=True)
    with torch.autocast("cpu"):
        y = torch.nn.functional.linear(x, w, b)
        loss = torch.nn.functional.cross_entropy(y, torch.tensor([1, 2, 0, 3, 4, 1, 2, 0]))
    loss.backward()
    assert w.grad.dtype == torch.float32 and b.grad.dtype == torch.float32
    g = w.grad.numpy()
    # the weight's gradient went through a bfloat16 matmul: every value is a bfloat16 number
    as_bf16 = torch.tensor(g).to(torch.bfloat16).float().numpy()
    np.testing.assert_array_equal(g, as_bf16)
    # and the product and bias were summed in float32 before one rounding, as PyTorch's addmm
    ref = (
        x.to(torch.bfloat16).float() @ w.detach().to(torch.bfloat16).float().t()
    ) + b.detach().to(torch.bfloat16).float()
    np.testing.assert_array_equal(
        y.float().detach().numpy(), ref.to(torch.bfloat16).float().numpy()
    )


def test_unsupported_cpu_dtype_disables_with_warning(torch):
    with pytest.warns(UserWarning, match="In CPU autocast, but the target dtype is not supported"):
        ctx = torch.autocast("cpu", dtype=torch.float32)
    with ctx:
        assert not torch.is_autocast_enabled("cpu")


def test_cuda_autocast_without_cuda_warns(torch):
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.warns(UserWarning, match="CUDA is not available or torch_xla is imported"):
        with torch.autocast("cuda"):
            assert not torch.is_autocast_enabled("cuda")


# ------------------------------------------------------------------------------ GradScaler
def _model(torch):
    torch.manual_seed(1)
    m = torch.nn.Linear(3, 2)
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    return m, opt


def test_grad_scaler_cpu_step_matches_unscaled_step(torch):
    m, opt = _model(torch)
    ref, ref_opt = _model(torch)
    x = torch.randn(4, 3)
    scaler = torch.amp.GradScaler("cpu", init_scale=1024.0)
    assert scaler.is_enabled() and scaler.get_scale() == 1024.0
    loss = m(x).pow(2).sum()
    scaled = scaler.scale(loss)
    assert scaled.item() == pytest.approx(loss.item() * 1024.0, rel=1e-6)
    scaled.backward()
    scaler.step(opt)
    scaler.update()
    ref(x).pow(2).sum().backward()
    ref_opt.step()
    np.testing.assert_allclose(m.weight.detach().numpy(), ref.weight.detach().numpy(), rtol=1e-6)
    # no inf: the growth tracker counts the good step
    assert scaler.state_dict() == {
        "scale": 1024.0,
        "growth_factor": 2.0,
        "backoff_factor": 0.5,
        "growth_interval": 2000,
        "_growth_tracker": 1,
    }


def test_grad_scaler_skips_non_finite_steps_and_backs_off(torch):
    m, opt = _model(torch)
    before = m.weight.detach().clone()
    scaler = torch.amp.GradScaler("cpu", init_scale=8.0, growth_interval=2)
    loss = m(torch.tensor([[float("inf"), 1.0, 1.0]])).sum()
    scaler.scale(loss).backward()
    scaler.step(opt)
    scaler.update()
    assert scaler.get_scale() == 4.0
    assert np.array_equal(m.weight.detach().numpy(), before.numpy())
    for _ in range(2):  # two good steps in a row: the scale grows
        opt.zero_grad()
        scaler.scale(m(torch.ones(1, 3)).sum()).backward()
        scaler.step(opt)
        scaler.update()
    assert scaler.get_scale() == 8.0
    assert not np.array_equal(m.weight.detach().numpy(), before.numpy())


def test_grad_scaler_unscale_then_clip(torch):
    m, opt = _model(torch)
    scaler = torch.amp.GradScaler("cpu", init_scale=64.0)
    scaler.scale(m(torch.ones(2, 3)).sum()).backward()
    scaler.unscale_(opt)
    np.testing.assert_allclose(m.bias.grad.numpy(), [2.0, 2.0])
    with pytest.raises(
        RuntimeError, match="unscale_\\(\\) has already been called on this optimizer"
    ):
        scaler.unscale_(opt)
    scaler.step(opt)
    with pytest.raises(
        RuntimeError, match="step\\(\\) has already been called since the last update"
    ):
        scaler.step(opt)
    scaler.update()


def test_grad_scaler_errors_and_state(torch):
    m, opt = _model(torch)
    scaler = torch.amp.GradScaler("cpu")
    with pytest.raises(AssertionError, match="Attempted step but _scale is None"):
        scaler.step(opt)
    scaler.scale(m(torch.ones(1, 3)).sum()).backward()
    with pytest.raises(RuntimeError, match="Closure use is not currently supported"):
        scaler.step(opt, closure=lambda: 0)
    other = torch.amp.GradScaler("cpu")
    other.load_state_dict({**scaler.state_dict(), "scale": 4.0})
    assert other.get_scale() == 4.0
    scaler.update(new_scale=2.0)
    assert scaler.get_scale() == 2.0


def test_disabled_scalers(torch):
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scaler = torch.amp.GradScaler()
    assert any("CUDA is not available.  Disabling." in str(w.message) for w in caught)
    assert not scaler.is_enabled() and scaler.get_scale() == 1.0 and scaler.state_dict() == {}
    off = torch.amp.GradScaler("cpu", enabled=False)
    m, opt = _model(torch)
    loss = m(torch.ones(1, 3)).sum()
    assert off.scale(loss) is loss
    with pytest.raises(RuntimeError, match="The source state dict is empty"):
        torch.amp.GradScaler("cpu").load_state_dict({})
