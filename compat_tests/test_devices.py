"""Devices: what a CPU machine shows (both backends), and placement on several devices
(torchlike only: JAX's forced host devices stand in for GPUs, in a subprocess, since the device
count is fixed when JAX starts)."""

import os
import subprocess
import sys
import textwrap

import pytest


def _no_gpu(torch):
    return not torch.cuda.is_available()


def test_cpu_tensors_and_moves(torch):
    x = torch.ones(3)
    assert x.device == torch.device("cpu") and str(x.device) == "cpu"
    assert x.device.type == "cpu" and x.device.index is None
    assert x.cpu() is x and x.to("cpu") is x and x.to(torch.device("cpu")) is x
    assert x.to("cpu", copy=True) is not x
    assert not x.is_cuda and x.get_device() == -1
    assert torch.get_default_device() == torch.device("cpu")


def test_cuda_on_a_machine_without_one(torch):
    if not _no_gpu(torch):
        pytest.skip("this machine has a GPU")
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        torch.ones(2).to("cuda")
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        torch.ones(2).cuda()
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        torch.zeros(2, device="cuda")
    with pytest.raises(RuntimeError, match="Tried to instantiate dummy base class Event"):
        torch.cuda.Event(enable_timing=True)
    with pytest.raises(RuntimeError, match="torch.cuda.Stream requires CUDA support"):
        torch.cuda.Stream()
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        torch.cuda.current_stream()


def test_device_objects(torch):
    d = torch.device("cuda", 1)
    assert str(d) == "cuda:1" and d == torch.device("cuda:1") and d.index == 1
    assert repr(torch.device("cpu")) == "device(type='cpu')"
    assert repr(d) == "device(type='cuda', index=1)"
    assert torch.device("cuda:0") != torch.device("cuda:1")


_SCRIPT = textwrap.dedent(
    """
    import torchlike as torch

    assert torch.cuda.is_available() and torch.cuda.device_count() == 2
    x = torch.ones(3)
    y = x.to("cuda")
    assert str(y.device) == "cuda:0" and y.is_cuda and x.device.type == "cpu"
    assert repr(y) == "tensor([1., 1., 1.], device='cuda:0')"
    assert y.to("cuda:0") is y and y.cuda() is y
    z = torch.zeros(3, device="cuda:1")
    assert str(z.device) == "cuda:1"
    for a, b, names in ((y, z, "cuda:0 and cuda:1"), (y, x, "cuda:0 and cpu")):
        try:
            a + b
        except RuntimeError as e:
            want = ("Expected all tensors to be on the same device, but found at least two "
                    f"devices, {names}!")
            assert str(e) == want, str(e)
        else:
            raise AssertionError("mixed devices accepted")
    # a 0-d CPU tensor is a scalar to PyTorch: it mixes with accelerator tensors
    assert str((y * torch.tensor(2.0)).device) == "cuda:0"

    # a model moved to the device trains there, on the device of its parameters
    torch.manual_seed(0)
    m = torch.nn.Linear(3, 2).to("cuda")
    assert str(m.weight.device) == "cuda:0" and m.weight.is_leaf
    opt = torch.optim.SGD(m.parameters(), lr=0.1)
    loss = m(torch.randn(4, 3).to("cuda")).pow(2).sum()
    loss.backward()
    assert str(m.weight.grad.device) == "cuda:0"
    opt.step()
    assert str(m.weight.device) == "cuda:0"
    # the same numbers as on the CPU
    torch.manual_seed(0)
    c = torch.nn.Linear(3, 2)
    closs = c(torch.randn(4, 3)).pow(2).sum()
    assert abs(closs.item() - loss.item()) < 1e-6
    assert str(m.cpu().weight.device) == "cpu"

    out = y * 2
    assert str(out.cpu().device) == "cpu" and out.cpu().tolist() == [2.0, 2.0, 2.0]
    # gradients flow back through a device copy and land where each leaf lives
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = torch.tensor([4.0, 5.0, 6.0], device="cuda", requires_grad=True)
    moved = w.to("cuda")
    assert moved.grad_fn.name() == "ToCopyBackward0"
    assert moved.grad_fn.next_functions[0][0].variable is w
    for _ in range(2):  # the second backward reuses the cached (uncompiled) replay
        w.grad = v.grad = None
        (moved * v).sum().backward(retain_graph=True)
        assert str(w.grad.device) == "cpu" and w.grad.tolist() == [4.0, 5.0, 6.0]
        assert str(v.grad.device) == "cuda:0" and v.grad.tolist() == [1.0, 2.0, 3.0]
    (g,) = torch.autograd.grad((w.to("cuda") ** 3).sum(), [w], create_graph=True)
    assert str(g.device) == "cpu" and g.grad_fn.name() == "ToCopyBackward0"
    w.grad = None
    g.sum().backward()
    assert w.grad.tolist() == [6.0, 12.0, 18.0] and str(w.grad.device) == "cpu"
    back = torch.nn.Linear(3, 2).cuda()(torch.ones(2, 3, requires_grad=True).cuda()).cpu()
    back.sum().backward()  # cpu -> cuda -> cpu

    assert torch.accelerator.is_available() and torch.accelerator.device_count() == 2
    assert str(torch.accelerator.current_accelerator()) == "cuda"
    with torch.accelerator.device_index(1):
        assert torch.accelerator.current_device_index() == 1
    with torch.cuda.device(1):
        assert torch.cuda.current_device() == 1
        assert str(torch.ones(1, device="cuda").device) == "cuda:1"
    assert torch.cuda.current_device() == 0
    torch.set_default_device("cuda")
    assert str(torch.randn(2).device) == "cuda:0" and str(torch.zeros(2).device) == "cuda:0"
    torch.set_default_device(None)
    assert str(torch.randn(2).device) == "cpu"

    # what follows its input's device: new_*, *_like, samplers, masks, writes into a tensor
    for made in (
        y.new_zeros(2), y.new_tensor([1, 2]), y.new_full((2,), 3.0), torch.zeros_like(y),
        torch.randn_like(y), torch.full_like(y, 2), torch.ones(2).to(y), y[y > 0],
        torch.nn.functional.dropout(y, 0.5), torch.bernoulli(y * 0.5), y.clone().uniform_(),
        torch.multinomial(y, 2), y[torch.tensor([0, 1]).cuda()],
    ):
        assert str(made.device) == "cuda:0", made.device
    target = torch.zeros(3, device="cuda")
    target.copy_(torch.ones(3))  # a copy from the CPU lands on the target's device
    assert str(target.device) == "cuda:0" and target.tolist() == [1.0, 1.0, 1.0]
    assert str(torch.zeros_like(y, device="cpu").device) == "cpu"

    # views of accelerator tensors are read inside the op that uses them, as on the CPU (one
    # program, the saved w.t() kept unread), with the same values and gradients; a view of a
    # CPU tensor still meets PyTorch's device error, and a 0-d CPU view still mixes in
    from torchlike import _storage
    torch.manual_seed(0)
    w = torch.randn(5, 4, device="cuda", requires_grad=True)
    h = torch.randn(3, 4, device="cuda", requires_grad=True)
    fused = torch.mm(h, w.t())
    assert type(fused.grad_fn._saved[1].value) is _storage.SavedRead
    assert str(fused.device) == "cuda:0"
    fused.sum().backward()
    hc, wc = h.detach().cpu(), w.detach().cpu()
    assert torch.allclose(fused.cpu(), hc @ wc.t())
    assert torch.allclose(w.grad.cpu(), hc.sum(0).expand(5, 4)) and str(w.grad.device) == "cuda:0"
    assert torch.allclose(h.grad.cpu(), wc.sum(0).expand(3, 4))
    rows = torch.arange(12.0, device="cuda").view(3, 4)
    assert (rows[1:] * rows[:2].t().t()).cpu().tolist() == [[0.0, 5.0, 12.0, 21.0],
                                                           [32.0, 45.0, 60.0, 77.0]]
    cpu_rows = torch.arange(12.0).view(3, 4)
    try:
        rows + cpu_rows.t().t()
    except RuntimeError as e:
        assert "found at least two devices, cuda:0 and cpu!" in str(e), str(e)
    else:
        raise AssertionError("a CPU view mixed with a cuda tensor")
    scaled = rows * torch.arange(3.0)[2]  # a 0-d CPU view: PyTorch's scalar rule
    assert str(scaled.device) == "cuda:0" and scaled[0].cpu().tolist() == [0.0, 2.0, 4.0, 6.0]

    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    with torch.cuda.stream(torch.cuda.Stream()):
        start.record()
        (torch.randn(64, 64, device="cuda") @ torch.randn(64, 64, device="cuda")).sum().item()
        end.record()
    assert start.elapsed_time(end) >= 0.0
    print("ok")
    """
)


def _run(script, extra_env):
    env = dict(os.environ)
    env.update(extra_env)
    env["TORCHLIKE_NO_DISK_CACHE"] = "1"
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600
    )


@pytest.mark.torchlike_only
def test_placement_on_two_forced_host_devices():
    r = _run(
        _SCRIPT,
        {
            "XLA_FLAGS": "--xla_force_host_platform_device_count=3",
            "TORCHLIKE_TEST_HOST_DEVICES_AS_CUDA": "1",
        },
    )
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-3000:]


@pytest.mark.torchlike_only
def test_environment_variable_puts_a_cpu_script_on_the_accelerator():
    script = textwrap.dedent(
        """
        import torchlike as torch
        x = torch.randn(3, requires_grad=True)
        assert str(x.device) == "cuda:0", x.device
        (x * 2).sum().backward()
        assert str(x.grad.device) == "cuda:0"
        print("ok")
        """
    )
    r = _run(
        script,
        {
            "XLA_FLAGS": "--xla_force_host_platform_device_count=2",
            "TORCHLIKE_TEST_HOST_DEVICES_AS_CUDA": "1",
            "TORCHLIKE_DEVICE": "cuda",
        },
    )
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-3000:]


@pytest.mark.torchlike_only
def test_float32_matmul_precision_reaches_the_ops(torch):
    import jax
    import jax.numpy as jnp

    from torchlike._ops.table import OPS

    a = jnp.ones((2, 2), jnp.float32)

    def precisions():
        jaxpr = jax.make_jaxpr(lambda x, y: OPS["mm"].impl(x, y))(a, a)
        return [str(e.params["precision"]) for e in jaxpr.eqns if e.primitive.name == "dot_general"]

    assert precisions() == ["(Precision.HIGHEST, Precision.HIGHEST)"]  # PyTorch's default
    try:
        torch.set_float32_matmul_precision("high")  # TF32 where the hardware has it
        assert precisions() == ["(Precision.HIGH, Precision.HIGH)"]
    finally:
        torch.set_float32_matmul_precision("highest")
    assert precisions() == ["(Precision.HIGHEST, Precision.HIGHEST)"]
