"""``torch.cpu``: the device-agnostic surface training code reaches through
``getattr(torch, device_type)`` (synchronize, device_count, streams, events) and the
deprecated ``torch.cpu.amp`` spellings; ``torch.mps`` as on a machine without Metal;
``torch.utils.model_zoo.load_url``."""

import warnings

import pytest


def test_device_agnostic_queries(torch):
    cpu = torch.cpu
    assert cpu.is_available() is True
    assert cpu.is_initialized() is True
    assert cpu.device_count() == 1
    assert cpu.current_device() == "cpu"
    assert cpu.set_device("cpu") is None
    assert set(cpu.__all__) >= {"synchronize", "Stream", "Event", "StreamContext", "stream"}
    assert getattr(torch, torch.device("cpu").type) is cpu  # the device-generic spelling


def test_synchronize_returns_after_queued_work(torch):
    x = torch.randn(256, 256)
    y = x
    for _ in range(5):
        y = torch.tanh(y @ x)
    assert torch.cpu.synchronize() is None
    if hasattr(y, "_value"):
        # a known difference: PyTorch's CPU kernels are synchronous (its synchronize has
        # nothing to wait for), torchlike's CPU work is dispatched asynchronously by JAX
        assert y._value.is_ready()
    assert torch.cpu.synchronize("cpu") is None  # the device is ignored, as in PyTorch
    assert torch.isfinite(y).all()


def test_streams_and_events(torch):
    cpu = torch.cpu
    default = cpu.current_stream()
    assert cpu.current_stream("cpu") is default
    s = cpu.Stream(priority=0)
    with cpu.stream(s):
        assert cpu.current_stream() is s
        with cpu.StreamContext(None):  # None leaves the current stream alone
            assert cpu.current_stream() is s
    assert cpu.current_stream() is default
    assert s.wait_stream(default) is None and s.record_event() is None
    e = cpu.Event()
    assert e.query() is True
    assert e.record() is None and e.synchronize() is None and e.wait() is None
    assert s.wait_event(e) is None


def test_capabilities(torch):
    caps = torch.cpu.get_capabilities()
    with pytest.raises(TypeError):
        caps["avx2"] = False  # a read-only mapping
    assert caps is torch.cpu.get_capabilities()  # computed once
    assert isinstance(caps["architecture"], str)
    flags = set()
    try:
        with open("/proc/cpuinfo") as f:
            flags = next(
                (set(line.split(":", 1)[1].split()) for line in f if line.startswith("flags")),
                set(),
            )
    except OSError:
        pass
    if caps["architecture"] == "x86_64" and flags:
        # what the operating system reports, under PyTorch's names
        assert caps["avx2"] is ("avx2" in flags)
        assert caps["avx512_f"] is ("avx512f" in flags)
        assert caps["fma3"] is ("fma" in flags)
        assert torch.cpu._is_avx2_supported() is ("avx2" in flags)
        assert torch.cpu._is_avx512_supported() is ("avx512f" in flags)
        assert torch.cpu._is_amx_tile_supported() is ("amx_tile" in flags)


def test_cpu_amp_autocast_is_deprecated_and_works(torch):
    with pytest.warns(
        FutureWarning, match=r"torch\.cpu\.amp\.autocast\(args\.\.\.\)` is deprecated"
    ):
        ctx = torch.cpu.amp.autocast()
    assert ctx.device == "cpu" and ctx.fast_dtype is torch.bfloat16
    a, b = torch.randn(4, 4), torch.randn(4, 4)
    with ctx:
        assert (a @ b).dtype is torch.bfloat16
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        with torch.cpu.amp.autocast(enabled=False):
            assert (a @ b).dtype is torch.float32
        with torch.cpu.amp.autocast(dtype=torch.float16):
            assert (a @ b).dtype is torch.float16
    assert isinstance(ctx, torch.amp.autocast)
    assert torch.cpu.amp.autocast.__module__.endswith("cpu.amp.autocast_mode")


def test_cpu_amp_grad_scaler_is_deprecated_and_works(torch):
    with pytest.warns(
        FutureWarning, match=r"torch\.cpu\.amp\.GradScaler\(args\.\.\.\)` is deprecated"
    ):
        scaler = torch.cpu.amp.GradScaler(init_scale=8.0)
    assert isinstance(scaler, torch.amp.GradScaler)
    w = torch.ones(3, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.5)
    scaler.scale((w * 2).sum()).backward()
    assert w.grad.tolist() == [16.0, 16.0, 16.0]  # scaled by init_scale
    scaler.step(opt)
    scaler.update()
    assert w.tolist() == [0.0, 0.0, 0.0]  # the unscaled gradient 2, lr 0.5
    assert scaler.get_scale() == 8.0  # (grows only after growth_interval=2000 good steps)
    assert torch.cpu.amp.GradScaler.__module__.endswith("cpu.amp.grad_scaler")


# ---------------------------------------------------------------------------- torch.mps
def test_mps_without_metal(torch):
    # (this machine has no MPS backend; torchlike never has one: JAX has no Metal device)
    mps = torch.mps
    assert mps.is_available() is False and mps.device_count() == 0
    assert mps.manual_seed(0) is None  # a no-op, as torch.manual_seed calls it
    for call, name in [
        (mps.synchronize, "deviceSynchronize"),
        (mps.empty_cache, "emptyCache"),
        (mps.current_allocated_memory, "getCurrentAllocatedMemory"),
        (mps.driver_allocated_memory, "getDriverAllocatedMemory"),
        (mps.recommended_max_memory, "getRecommendedMaxMemory"),
        (mps.seed, "getDefaultGenerator"),
        (mps.get_rng_state, "getDefaultGenerator"),
        (lambda: mps.set_per_process_memory_fraction(0.5), "setMemoryFraction"),
        (lambda: mps.set_rng_state(torch.zeros(8, dtype=torch.uint8)), "getDefaultGenerator"),
    ]:
        with pytest.raises(RuntimeError) as info:
            call()
        assert str(info.value) == f"Cannot execute {name}() without MPS backend."
    with pytest.raises(RuntimeError, match=r"^MPS is not available$"):
        mps.compile_shader("kernel void f() {}")


def test_model_zoo_load_url_is_the_hub_loader(torch):
    import importlib

    model_zoo = importlib.import_module(torch.__name__ + ".utils.model_zoo")
    assert model_zoo.load_url is torch.hub.load_state_dict_from_url
