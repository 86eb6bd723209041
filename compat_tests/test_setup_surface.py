"""The setup surface scripts touch before any math: torch.cuda, torch.backends, matmul precision,
determinism flags, torch.jit, the profilers, torch.utils.benchmark and torch.testing.

Expected values come from PyTorch 2.13 (CPU build).  Tests of "no CUDA" behaviour skip where the
backend has a GPU (JAX's, for torchlike), since there both answer as a CUDA build does.
"""

import importlib
import re
import warnings

import numpy as np
import pytest

NO_CUDA = "Torch not compiled with CUDA enabled"


@pytest.fixture
def no_cuda(torch):
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")


@pytest.fixture
def sub(backend_name):
    """Import a submodule by its PyTorch name: sub('testing') -> torch.testing."""
    return lambda name: importlib.import_module(f"{backend_name}.{name}")


# ---------------------------------------------------------------------------------- torch.cuda
def test_cuda_availability_is_consistent(torch):
    assert isinstance(torch.cuda.is_available(), bool)
    assert torch.cuda.is_available() == (torch.cuda.device_count() > 0)
    assert torch.backends.cuda.is_built() == torch.cuda.is_available()


def test_device_idiom_runs(torch):
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    x = torch.ones(2, device=device).to(device)
    assert x.device.type == device.type
    assert (x * 2).sum().item() == 4.0


def test_cuda_seeding_is_a_no_op_accepting_ints(torch):
    assert torch.cuda.manual_seed(0) is None
    assert torch.cuda.manual_seed_all(1234) is None
    assert torch.cuda.manual_seed(2.7) is None  # int(seed), as PyTorch
    torch.cuda.seed()
    torch.cuda.seed_all()
    with pytest.raises(ValueError, match="invalid literal for int"):
        torch.cuda.manual_seed("a")
    with pytest.raises(ValueError, match="invalid literal for int"):
        torch.cuda.manual_seed_all("a")


def test_cuda_memory_counters_without_gpu(torch, no_cuda):
    for fn in (
        torch.cuda.memory_allocated,
        torch.cuda.max_memory_allocated,
        torch.cuda.memory_reserved,
        torch.cuda.max_memory_reserved,
    ):
        assert fn() == 0
    assert torch.cuda.memory_allocated("cpu") == 0
    assert torch.cuda.memory_stats() == {}
    assert torch.cuda.empty_cache() is None
    assert torch.cuda.is_initialized() is False
    assert torch.cuda.is_bf16_supported() is False
    assert torch.cuda.get_arch_list() == []


@pytest.mark.parametrize(
    "name",
    [
        "current_device",
        "synchronize",
        "get_device_name",
        "get_device_capability",
        "get_device_properties",
        "initial_seed",
        "init",
        "mem_get_info",
        "get_rng_state",
    ],
)
def test_cuda_calls_needing_a_device_raise(torch, no_cuda, name):
    fn = getattr(torch.cuda, name)
    with pytest.raises(AssertionError, match=f"^{NO_CUDA}$"):
        fn(0) if name == "get_device_properties" else fn()


def test_cuda_set_device_and_peak_reset_without_gpu(torch, no_cuda):
    # what a CPU-only build raises (its C extension lacks these entry points)
    with pytest.raises(AttributeError, match="_cuda_setDevice"):
        torch.cuda.set_device(0)
    with pytest.raises(AttributeError, match="_cuda_resetPeakMemoryStats"):
        torch.cuda.reset_peak_memory_stats()
    assert torch.cuda.set_device(-1) is None
    with pytest.raises(ValueError, match="^Expected a cuda device, but got: cpu$"):
        torch.cuda.set_device("cpu")
    with pytest.raises(ValueError, match="with a specified index or an integer, but got:cuda"):
        torch.cuda.set_device(torch.device("cuda"))
    with pytest.raises(RuntimeError, match="^PyTorch was compiled without CUDA support$"):
        with torch.cuda.device(0):
            pass
    with torch.cuda.device(-1):
        pass
    with pytest.raises(KeyError, match="allocated_bytes.all.current"):
        torch.cuda.memory_summary()
    with pytest.warns(FutureWarning, match="reset_peak_memory_stats"):
        with pytest.raises(AttributeError):
            torch.cuda.reset_max_memory_allocated()


def test_cuda_streams_and_events_without_gpu(torch, no_cuda):
    with pytest.raises(RuntimeError, match="^torch.cuda.Stream requires CUDA support$"):
        torch.cuda.Stream()
    with pytest.raises(RuntimeError, match="^Tried to instantiate dummy base class Event$"):
        torch.cuda.Event()
    with pytest.raises(AssertionError, match=NO_CUDA):
        torch.cuda.current_stream()


def test_cuda_legacy_tensor_types(torch, no_cuda):
    assert torch.cuda.FloatTensor.dtype == torch.float32 and torch.cuda.FloatTensor.is_cuda
    assert repr(torch.cuda.LongTensor) == "<class 'torch.cuda.LongTensor'>"
    assert not isinstance(torch.ones(1), torch.cuda.FloatTensor)
    with pytest.raises(
        TypeError,
        match=r"^type torch.cuda.FloatTensor not available. Torch not "
        r"compiled with CUDA enabled.$",
    ):
        torch.cuda.FloatTensor(2)


@pytest.mark.parametrize(
    "make",
    [
        lambda t: t.ones(2).to("cuda"),
        lambda t: t.ones(2).to("cuda:1"),
        lambda t: t.ones(2).to(t.device("cuda")),
        lambda t: t.ones(2).to(device="cuda"),
        lambda t: t.ones(2).to("cuda", t.float64),
        lambda t: t.ones(2).cuda(),
        lambda t: t.zeros(2, device="cuda"),
        lambda t: t.tensor([1.0], device="cuda"),
        lambda t: t.randn(2, device="cuda"),
        lambda t: t.arange(3, device=t.device("cuda")),
        lambda t: t.ones_like(t.ones(1), device="cuda"),
        lambda t: t.nn.Linear(2, 2).to("cuda"),
        lambda t: t.nn.Linear(2, 2).cuda(),
    ],
)
def test_cuda_tensors_without_gpu_raise(torch, no_cuda, make):
    with pytest.raises(AssertionError, match=f"^{NO_CUDA}$"):
        make(torch)


def test_other_missing_devices_raise(torch, no_cuda):
    with pytest.raises(RuntimeError, match="^Cannot access accelerator device when none is "):
        torch.ones(1).to(0)
    with pytest.raises(RuntimeError, match="^Cannot access accelerator device when none is "):
        torch.ones(1).cuda(0)
    with pytest.raises(RuntimeError, match="^PyTorch is not linked with support for mps devices"):
        torch.ones(1).to("mps")
    with pytest.raises(RuntimeError, match="^PyTorch is not linked with support for mps devices"):
        torch.tensor([1.0], device="mps")
    x = torch.ones(2)
    assert x.to("cpu") is x
    assert x.to(torch.device("cpu"), torch.float64).dtype == torch.float64


# ------------------------------------------------------------------------------ torch.backends
def test_backends_mps(torch, sub):
    assert torch.backends.mps.is_available() is False
    assert torch.backends.mps.is_built() is False
    assert sub("backends.mps") is torch.backends.mps


def test_cudnn_flags(torch, sub):
    cudnn = sub("backends.cudnn")
    assert cudnn is torch.backends.cudnn
    assert (cudnn.enabled, cudnn.benchmark, cudnn.deterministic, cudnn.allow_tf32) == (
        True,
        False,
        False,
        True,
    )
    assert cudnn.is_available() is False
    assert cudnn.version() is None
    try:
        cudnn.deterministic = True
        cudnn.benchmark = True
        assert cudnn.deterministic is True and cudnn.benchmark is True
    finally:
        cudnn.deterministic = False
        cudnn.benchmark = False
    with pytest.raises(RuntimeError, match="^set_benchmark_cudnn expects a bool, but got int$"):
        cudnn.benchmark = 3
    with pytest.raises(RuntimeError, match="^set_deterministic_cudnn expects a bool, but got str"):
        cudnn.deterministic = "yes"
    assert cudnn.benchmark is False


def test_cudnn_flags_context_restores(torch):
    cudnn = torch.backends.cudnn
    with cudnn.flags(enabled=False, deterministic=True):
        assert cudnn.enabled is False and cudnn.deterministic is True
    assert cudnn.enabled is True and cudnn.deterministic is False


def test_matmul_precision_and_allow_tf32_are_one_setting(torch):
    matmul = torch.backends.cuda.matmul
    assert torch.get_float32_matmul_precision() == "highest"
    assert matmul.allow_tf32 is False
    try:
        torch.set_float32_matmul_precision("high")
        assert matmul.allow_tf32 is True
        torch.set_float32_matmul_precision("medium")
        assert torch.get_float32_matmul_precision() == "medium"
        assert matmul.allow_tf32 is True
        torch.set_float32_matmul_precision("highest")
        assert matmul.allow_tf32 is False
        matmul.allow_tf32 = True
        assert torch.get_float32_matmul_precision() == "high"
        matmul.allow_tf32 = False
        assert torch.get_float32_matmul_precision() == "highest"
    finally:
        torch.set_float32_matmul_precision("highest")
    assert matmul.allow_tf32 is False


def test_matmul_precision_validation(torch):
    with pytest.warns(UserWarning, match="foo is not one of 'highest', 'high', or 'medium'"):
        torch.set_float32_matmul_precision("foo")
    assert torch.get_float32_matmul_precision() == "highest"
    with pytest.raises(
        RuntimeError, match="^set_float32_matmul_precision expects a str, but got int$"
    ):
        torch.set_float32_matmul_precision(1)
    with pytest.raises(RuntimeError, match="^set_allow_tf32_cublas expects a bool, but got int$"):
        torch.backends.cuda.matmul.allow_tf32 = 1


def test_cublas_module_attributes(torch):
    matmul = torch.backends.cuda.matmul
    assert matmul.allow_fp16_reduced_precision_reduction is True
    assert matmul.allow_bf16_reduced_precision_reduction is True
    try:
        matmul.allow_fp16_reduced_precision_reduction = False
        assert matmul.allow_fp16_reduced_precision_reduction is False
    finally:
        matmul.allow_fp16_reduced_precision_reduction = True
    with pytest.raises(
        TypeError, match="expects a bool or a tuple/list of bools, but got <class 'int'>"
    ):
        matmul.allow_fp16_reduced_precision_reduction = 3
    with pytest.raises(AttributeError, match="^Unknown attribute foo$"):
        getattr(matmul, "foo")  # noqa: B009
    with pytest.raises(AttributeError, match="^Unknown attribute foo$"):
        matmul.foo = 1


@pytest.mark.torchlike_only
def test_matmul_precision_maps_onto_jax(torch):
    import jax

    assert jax.config.jax_default_matmul_precision == "float32"
    try:
        torch.set_float32_matmul_precision("high")
        assert jax.config.jax_default_matmul_precision == "tensorfloat32"
        torch.set_float32_matmul_precision("medium")
        assert jax.config.jax_default_matmul_precision == "bfloat16"
    finally:
        torch.set_float32_matmul_precision("highest")
    assert jax.config.jax_default_matmul_precision == "float32"
    a = torch.randn(8, 8)
    torch.testing.assert_close(
        a @ a,
        torch.tensor(
            np.asarray(a.numpy(), np.float64) @ np.asarray(a.numpy(), np.float64),
            dtype=torch.float32,
        ),
    )


def test_other_backends_answer(torch, sub):
    for name in ("cpu", "mkldnn", "openmp"):
        assert sub(f"backends.{name}") is getattr(torch.backends, name)
    assert isinstance(torch.backends.cpu.get_cpu_capability(), str)
    assert isinstance(torch.backends.mkldnn.is_available(), bool)
    assert isinstance(torch.backends.openmp.is_available(), bool)


# -------------------------------------------------------------------------------- determinism
def test_use_deterministic_algorithms(torch):
    assert torch.are_deterministic_algorithms_enabled() is False
    assert torch.is_deterministic_algorithms_warn_only_enabled() is False
    assert torch.get_deterministic_debug_mode() == 0
    try:
        torch.use_deterministic_algorithms(True, warn_only=True)
        assert torch.are_deterministic_algorithms_enabled() is True
        assert torch.is_deterministic_algorithms_warn_only_enabled() is True
        assert torch.get_deterministic_debug_mode() == 1
        torch.use_deterministic_algorithms(True)
        assert torch.get_deterministic_debug_mode() == 2
        torch.set_deterministic_debug_mode("warn")
        assert torch.is_deterministic_algorithms_warn_only_enabled() is True
    finally:
        torch.use_deterministic_algorithms(False)
    assert torch.are_deterministic_algorithms_enabled() is False


def test_use_deterministic_algorithms_errors(torch):
    with pytest.raises(TypeError, match=r"argument 'mode' \(position 1\) must be bool, not str"):
        torch.use_deterministic_algorithms("x")
    with pytest.raises(TypeError, match="argument 'warn_only' must be bool, not str"):
        torch.use_deterministic_algorithms(True, warn_only="y")
    with pytest.raises(RuntimeError, match="expected one of `default`, `warn`, `error`, but got x"):
        torch.set_deterministic_debug_mode("x")
    with pytest.raises(RuntimeError, match="expected 0, 1, or 2, but got 5"):
        torch.set_deterministic_debug_mode(5)
    assert torch.are_deterministic_algorithms_enabled() is False


def test_thread_counts(torch):
    n = torch.get_num_threads()
    assert isinstance(n, int) and n >= 1
    assert torch.get_num_interop_threads() >= 1
    try:
        torch.set_num_threads(1)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(n)
    assert torch.get_num_threads() == n
    with pytest.raises(RuntimeError, match="^set_num_threads expects a positive integer$"):
        torch.set_num_threads(0)
    with pytest.raises(RuntimeError, match="^set_num_threads expects an int, but got float$"):
        torch.set_num_threads(2.5)
    with pytest.raises(RuntimeError, match="^set_num_interop_threads expects a positive int"):
        torch.set_num_interop_threads(0)


# ---------------------------------------------------------------------------------- torch.jit
def test_jit_script_function_runs_as_python(torch):
    def add_one(x):
        return x + 1

    scripted = torch.jit.script(add_one)
    assert torch.equal(scripted(torch.ones(2)), torch.full((2,), 2.0))


def test_jit_script_module(torch):
    class Scale(torch.nn.Module):
        factor: torch.jit.Final[int] = 3

        def forward(self, x):
            return x * self.factor

    with pytest.warns(DeprecationWarning, match="`torch.jit.script` is deprecated"):
        m = torch.jit.script(Scale())
    assert isinstance(m, torch.nn.Module)
    assert torch.equal(m(torch.ones(2)), torch.full((2,), 3.0))
    assert torch.jit.script(torch.nn.Linear(2, 3)).weight.shape == (3, 2)
    with pytest.raises(TypeError, match="is a built-in class"):
        torch.jit.script(3)


def test_jit_trace_runs_the_function_while_tracing(torch):
    calls = []

    def f(x, y):
        calls.append(torch.jit.is_tracing())
        return x * y

    with pytest.warns(DeprecationWarning, match="`torch.jit.trace` is deprecated"):
        traced = torch.jit.trace(f, (torch.ones(2), torch.ones(2)))
    assert calls == [True, True, False]  # trace; check_trace: re-trace and a plain run
    assert torch.equal(traced(torch.ones(2), torch.full((2,), 3.0)), torch.full((2,), 3.0))
    calls.clear()
    torch.jit.trace(f, (torch.ones(2), torch.ones(2)), check_trace=False)
    assert calls == [True]
    calls.clear()
    torch.jit.trace(
        f,
        (torch.ones(2), torch.ones(2)),
        check_inputs=[(torch.ones(3), torch.ones(3)), (torch.ones(4), torch.ones(4))],
    )
    assert calls == [True, True, False, True, False]
    assert torch.jit.is_tracing() is False and torch.jit.is_scripting() is False
    m = torch.jit.trace(torch.nn.Linear(2, 1), torch.ones(1, 2))
    assert isinstance(m, torch.nn.Module)


@pytest.mark.known_difference(reason="scripted code is Python: is_scripting() stays False in it")
def test_jit_is_scripting_inside_scripted_code(torch):
    class Branch(torch.nn.Module):
        def forward(self, x):
            if torch.jit.is_scripting():
                return x + 1
            return x - 1

    assert torch.jit.script(Branch())(torch.zeros(1)).item() == 1.0


@pytest.mark.known_difference(reason="a traced function stays Python: later calls run its code")
def test_jit_traced_function_does_not_rerun_python(torch):
    calls = []

    def f(x):
        calls.append(1)
        return x * 2

    traced = torch.jit.trace(f, torch.ones(2))
    calls.clear()
    traced(torch.ones(3))
    assert calls == []


def test_jit_decorators_pass_through(torch):
    @torch.jit.ignore
    def a(x):
        return x + 1

    with pytest.warns(FutureWarning, match="ignore\\(True\\) has been deprecated"):
        drop = torch.jit.ignore(drop=True)

    @drop
    def b(x):
        return x + 2

    @torch.jit.unused
    def c(x):
        return x + 3

    @torch.jit.export
    def d(x):
        return x + 4

    assert [fn(0) for fn in (a, b, c, d)] == [1, 2, 3, 4]
    assert torch.jit.annotate(int, 3) == 3
    assert torch.jit.script_method is not None and torch.jit.interface is not None
    from typing import Final

    assert torch.jit.Final is Final


def test_jit_script_module_subclass_and_save_load(torch, tmp_path):
    class Double(torch.jit.ScriptModule):
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(2, 2)

        @torch.jit.script_method
        def forward(self, x):
            return self.lin(x) * 2

    m = Double()
    assert isinstance(m, torch.nn.Module)
    assert len(list(m.parameters())) == 2
    x = torch.ones(1, 2)
    path = tmp_path / "scripted.pt"
    scripted = torch.jit.script(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU()))
    torch.jit.save(scripted, str(path))
    loaded = torch.jit.load(str(path))
    assert torch.equal(loaded(x), scripted(x))
    assert torch.equal(m(x), m.lin(x) * 2)


# -------------------------------------------------------------------------------- profilers
def test_autograd_profiler_counts_ops(torch, sub):
    profiler = sub("autograd.profiler")
    assert profiler is torch.autograd.profiler
    x = torch.ones(3, 3, requires_grad=True)
    with profiler.profile() as prof:
        with profiler.record_function("my_block"):
            y = x * 2
            z = (y * 3).sum()
    z.backward()
    counts = {e.key: e.count for e in prof.key_averages()}
    assert counts["my_block"] == 1
    assert counts["aten::mul"] == 2
    assert counts["aten::sum"] == 1
    for e in prof.key_averages():
        assert e.cpu_time_total >= e.self_cpu_time_total >= 0
    block = next(e for e in prof.key_averages() if e.key == "my_block")
    mul = next(e for e in prof.key_averages() if e.key == "aten::mul")
    assert block.cpu_time_total >= mul.cpu_time_total


def test_autograd_profiler_table(torch):
    x = torch.ones(4)
    with torch.autograd.profiler.profile() as prof:
        for _ in range(3):
            x = x + 1
    table = prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=10)
    lines = table.splitlines()
    assert lines[0] == lines[2] == lines[-2] and set(lines[0]) == {"-", " "}
    assert lines[1].split() == [
        "Name",
        "Self",
        "CPU",
        "%",
        "Self",
        "CPU",
        "CPU",
        "total",
        "%",
        "CPU",
        "total",
        "CPU",
        "time",
        "avg",
        "#",
        "of",
        "Calls",
    ]
    add_row = next(line for line in lines if "aten::add" in line)
    assert add_row.split()[-1] == "3"
    assert re.fullmatch(r"Self CPU time total: \d+\.\d{3}(us|ms|s)", lines[-1])
    with pytest.raises(AttributeError, match="'FunctionEventAvg' object has no attribute 'bogus'"):
        prof.key_averages().table(sort_by="bogus")


def test_autograd_profiler_groups_by_input_shape(torch):
    with torch.autograd.profiler.profile(record_shapes=True) as prof:
        torch.ones(2, 3) * torch.ones(2, 3)
        torch.ones(4) * torch.ones(4)
    grouped = prof.key_averages(group_by_input_shape=True)
    assert sum(e.count for e in grouped if e.key == "aten::mul") == 2
    assert len([e for e in grouped if e.key == "aten::mul"]) == 2
    table = grouped.table(sort_by="count")
    assert table.splitlines()[1].rstrip().endswith("Input Shapes")
    assert "[[2, 3], [2, 3]" in table and "[[4], [4]" in table
    assert "Input Shapes" not in prof.key_averages().table()


def test_autograd_profiler_edge_cases(torch, no_cuda):
    profiler = torch.autograd.profiler
    with profiler.profile() as prof:
        pass
    assert prof.key_averages().table() == ""
    with profiler.profile(enabled=False) as off:
        torch.ones(2) * 2
    with pytest.raises(AttributeError):
        off.key_averages()

    @profiler.record_function("decorated")
    def f(a):
        return a * 3

    assert torch.equal(f(torch.ones(1)), torch.full((1,), 3.0))  # no profile running: plain call
    with profiler.emit_nvtx(enabled=False):
        pass
    with pytest.raises(AssertionError, match=NO_CUDA):
        with profiler.emit_nvtx():
            pass


def test_record_function_decorator_nests(torch):
    profiler = torch.autograd.profiler

    @profiler.record_function("fact")
    def fact(n, x):
        return x if n == 0 else fact(n - 1, x * 1.0)

    with profiler.profile() as prof:
        fact(3, torch.ones(1))
    assert {e.key: e.count for e in prof.key_averages()}["fact"] == 4
    events = [e for e in prof.function_events if e.name == "fact"]
    # each call closes its own range: no negative self time from ranges closed out of order
    assert all(e.cpu_time_total > 0 and e.self_cpu_time_total >= 0 for e in events)


def test_torch_profiler(torch, sub):
    tp = sub("profiler")
    assert tp is torch.profiler
    assert list(tp.ProfilerActivity.__members__)[:4] == ["CPU", "XPU", "MTIA", "CUDA"]

    @tp.record_function("deco")
    def f(a):
        return a * 3

    with tp.profile(activities=[tp.ProfilerActivity.CPU], record_shapes=True) as p:
        f(torch.ones(2))
    counts = {e.key: e.count for e in p.key_averages()}
    assert counts["deco"] == 1 and counts["aten::mul"] == 1


def test_profiler_schedule(torch):
    A = torch.profiler.ProfilerAction
    s = torch.profiler.schedule(wait=1, warmup=1, active=2, repeat=1)
    assert [s(i) for i in range(6)] == [
        A.NONE,
        A.WARMUP,
        A.RECORD,
        A.RECORD_AND_SAVE,
        A.NONE,
        A.NONE,
    ]
    s = torch.profiler.schedule(wait=1, warmup=1, active=1, skip_first=2)
    assert [s(i) for i in range(6)] == [A.NONE, A.NONE, A.NONE, A.WARMUP, A.RECORD_AND_SAVE, A.NONE]


def test_profiler_schedule_drives_on_trace_ready(torch):
    ready = []
    x = torch.ones(2)
    sched = torch.profiler.schedule(wait=1, warmup=1, active=2, repeat=2)
    with torch.profiler.profile(
        schedule=sched,
        on_trace_ready=lambda p: ready.append({e.key: e.count for e in p.key_averages()}),
    ) as prof:
        for _ in range(10):
            x = x * 1.0
            prof.step()
    # two cycles of 4 steps, each recording the 2 active steps' multiplications
    assert [r.get("aten::mul") for r in ready] == [2, 2]


# ---------------------------------------------------------------------- torch.utils.benchmark
def test_benchmark_timer_timeit(torch, sub):
    benchmark = sub("utils.benchmark")
    x = torch.ones(16)
    timer = benchmark.Timer(
        stmt="x * 2",
        globals={"x": x},
        label="mul",
        sub_label="16",
        description="ones",
        num_threads=1,
    )
    m = timer.timeit(20)
    assert m.number_per_run == 20 and len(m.times) == 1
    assert m.mean == m.median == m.times[0] > 0
    lines = repr(m).splitlines()
    assert lines[0].startswith(
        "<torch.utils.benchmark.utils.common.Measurement object at "
    ) or lines[0].startswith("<")
    assert lines[1:3] == ["mul: 16", "ones"]
    assert re.fullmatch(r"  \d+\.\d\d (ns|us|ms|s)", lines[3])
    assert lines[4] == "  1 measurement, 20 runs , 1 thread"


def test_benchmark_setup_sees_torch_and_blocked_autorange(torch, sub):
    benchmark = sub("utils.benchmark")
    m = benchmark.Timer("y = x + 1", setup="x = torch.ones(3)").blocked_autorange(min_run_time=0.01)
    assert m.number_per_run >= 1 and len(m.times) >= 1
    assert min(m.times) <= m.median <= max(m.times)
    text = repr(m)
    assert "y = x + 1\nsetup: x = torch.ones(3)\n" in text
    if len(m.times) > 1:
        assert re.search(r"\n  Median: \d+\.\d\d (ns|us|ms|s)\n", text)
        assert f"{len(m.times)} measurements, {m.number_per_run} runs per measurement" in text
    with pytest.raises(ValueError, match="^Currently only a `str` stmt is supported.$"):
        benchmark.Timer(stmt=lambda: 1)


# ------------------------------------------------------------------------------ torch.testing
def _msg(torch, actual, expected, **kwargs):
    with pytest.raises(AssertionError) as info:
        torch.testing.assert_close(actual, expected, **kwargs)
    return str(info.value)


def test_assert_close_passes_within_default_tolerance(torch, sub):
    assert_close = sub("testing").assert_close
    assert_close(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0 + 1e-6]))
    assert_close(
        torch.tensor([1.0], dtype=torch.float64), torch.tensor([1.00000001], dtype=torch.float64)
    )
    assert_close(
        torch.tensor([1.0], dtype=torch.float16), torch.tensor([1.001], dtype=torch.float16)
    )
    assert_close(torch.tensor([float("inf")]), torch.tensor([float("inf")]))
    assert_close(torch.tensor([float("nan")]), torch.tensor([float("nan")]), equal_nan=True)
    assert_close(torch.tensor([1.0]), torch.tensor([1.01]), rtol=0, atol=0.1)
    assert_close(torch.ones(2, requires_grad=True), torch.ones(2))
    assert_close(torch.tensor([1.0]), torch.tensor([1.0], dtype=torch.float64), check_dtype=False)
    assert_close((1, 2.0), [1, 2.0])
    assert_close({"a": torch.ones(1)}, {"a": torch.ones(1)})
    assert_close(None, None)
    assert_close(np.ones(2), np.ones(2))


def test_assert_close_tensor_messages(torch):
    assert _msg(torch, torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.0, 3.1])) == (
        "Tensor-likes are not close!\n\nMismatched elements: 1 / 3 (33.3%)\n"
        "Greatest absolute difference: 0.09999990463256836 at index (2,) (up to 1e-05 allowed)\n"
        "Greatest relative difference: 0.032258033752441406 at index (2,) (up to 1.3e-06 allowed)"
    )
    assert _msg(
        torch, torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([[1.5, 2.0], [3.0, 5.0]])
    ) == (
        "Tensor-likes are not close!\n\nMismatched elements: 2 / 4 (50.0%)\n"
        "Greatest absolute difference: 1.0 at index (1, 1) (up to 1e-05 allowed)\n"
        "Greatest relative difference: 0.3333333432674408 at index (0, 0) (up to 1.3e-06 allowed)"
    )
    assert _msg(torch, torch.tensor([1, 2, 3]), torch.tensor([1, 2, 4])) == (
        "Tensor-likes are not equal!\n\nMismatched elements: 1 / 3 (33.3%)\n"
        "Greatest absolute difference: 1 at index (2,)\n"
        "Greatest relative difference: 0.25 at index (2,)"
    )
    assert _msg(torch, torch.tensor([1]), torch.tensor([3])).endswith(
        "Greatest relative difference: 0.6666666865348816 at index (0,)"
    )
    assert _msg(torch, torch.tensor([True, False]), torch.tensor([True, True])) == (
        "Tensor-likes are not equal!\n\nMismatched elements: 1 / 2 (50.0%)\n"
        "Greatest absolute difference: 1 at index (1,)\n"
        "Greatest relative difference: 1.0 at index (1,)"
    )
    assert _msg(torch, torch.tensor([0.0, 1.0]), torch.tensor([0.0, 0.0])).endswith(
        "Greatest relative difference: inf at index (1,) (up to 1.3e-06 allowed)"
    )
    assert "Greatest absolute difference: nan at index (0,)" in _msg(
        torch, torch.tensor([float("nan")]), torch.tensor([float("nan")])
    )
    assert "Greatest relative difference: 0.4472135901451111 at index (0,)" in _msg(
        torch, torch.tensor([1 + 1j]), torch.tensor([1 + 2j])
    )
    assert "Greatest relative difference: 0.09090914577245712 at index (3,)" in _msg(
        torch, torch.arange(10.0), torch.arange(10.0) * 1.1
    )


def test_assert_close_scalar_messages(torch):
    assert _msg(torch, torch.tensor(1.0), torch.tensor(2.0)) == (
        "Scalars are not close!\n\nExpected 2.0 but got 1.0.\n"
        "Absolute difference: 1.0 (up to 1e-05 allowed)\n"
        "Relative difference: 0.5 (up to 1.3e-06 allowed)"
    )
    assert _msg(torch, torch.tensor(1), torch.tensor(3)) == (
        "Scalars are not equal!\n\nExpected 3 but got 1.\nAbsolute difference: 2\n"
        "Relative difference: 0.6666666666666666"
    )
    assert _msg(torch, 1.0, 1.1) == (
        "Scalars are not close!\n\nExpected 1.1 but got 1.0.\n"
        "Absolute difference: 0.10000000000000009 (up to 1e-07 allowed)\n"
        "Relative difference: 0.09090909090909098 (up to 1e-07 allowed)"
    )
    assert _msg(torch, True, False) == "Booleans mismatch: True is not False"
    assert _msg(torch, 1, 1.0) == "The (d)types do not match: <class 'int'> != <class 'float'>."


def test_assert_close_attribute_messages(torch):
    assert _msg(torch, torch.ones(2), torch.ones(3)) == (
        "The values for attribute 'shape' do not match: torch.Size([2]) != torch.Size([3])."
    )
    assert _msg(torch, torch.tensor([1.0]), torch.tensor([1.0], dtype=torch.float64)) == (
        "The values for attribute 'dtype' do not match: torch.float32 != torch.float64."
    )
    assert _msg(torch, torch.ones(2, 3).t(), torch.ones(3, 2), check_stride=True) == (
        "The values for attribute 'stride()' do not match: (1, 3) != (2, 1)."
    )


def test_assert_close_containers_and_msg(torch):
    assert _msg(torch, [torch.ones(2), torch.ones(1)], [torch.ones(2), torch.zeros(1)]).endswith(
        "\n\nThe failure occurred for item [1]"
    )
    assert _msg(
        torch, [[torch.ones(1)], torch.ones(1)], [[torch.zeros(1)], torch.ones(1)]
    ).endswith("The failure occurred for item [0][0]")
    assert _msg(torch, {"a": torch.ones(2)}, {"a": torch.zeros(2)}).endswith(
        "The failure occurred for item ['a']"
    )
    assert _msg(torch, {"a": 1}, {"b": 1}) == (
        "The keys of the mappings do not match:\nMissing keys in the actual mapping: ['b']\n"
        "Additional keys in the actual mapping: ['a']"
    )
    assert _msg(torch, [1, 2], [1]) == "The length of the sequences mismatch: 2 != 1"
    assert _msg(torch, torch.tensor([1.0]), torch.tensor([2.0]), msg="custom") == "custom"
    assert _msg(torch, torch.tensor([1.0]), torch.tensor([2.0]), msg=lambda m: "X" + m).startswith(
        "XTensor-likes are not close!"
    )


def test_assert_close_argument_errors(torch):
    with pytest.raises(
        ValueError,
        match="^Both 'rtol' and 'atol' must be either specified or omitted, but got no atol.$",
    ):
        torch.testing.assert_close(torch.ones(1), torch.ones(1), rtol=1e-3)
    with pytest.raises(ValueError, match="but got no rtol.$"):
        torch.testing.assert_close(torch.ones(1), torch.ones(1), atol=1e-3)
    for other in ([1.0], 1.0, np.ones(1), "a"):
        with pytest.raises(
            TypeError,
            match=r"^No comparison pair was able to handle inputs of "
            r"type <class '.*'> and <class '.*'>\.$",
        ):
            torch.testing.assert_close(torch.ones(1), other)


def test_assert_allclose_deprecated(torch):
    with pytest.warns(FutureWarning, match="assert_allclose\\(\\)` is deprecated"):
        torch.testing.assert_allclose(torch.ones(2), [1.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        torch.testing.assert_allclose(torch.tensor([float("nan")]), torch.tensor([float("nan")]))
        with pytest.raises(AssertionError, match=r"\(up to 0\.0001 allowed\)"):
            torch.testing.assert_allclose(torch.ones(1), torch.ones(1) * 2)


def test_make_tensor(torch):
    make = torch.testing.make_tensor
    t = make((2, 3), dtype=torch.float32, device="cpu", low=0, high=1)
    assert t.shape == (2, 3) and t.dtype == torch.float32
    assert 0 <= t.min().item() and t.max().item() <= 1
    i = make(5, dtype=torch.int64, device="cpu")
    assert i.dtype == torch.int64 and -9 <= i.min().item() and i.max().item() <= 9
    assert make(3, dtype=torch.bool, device="cpu").dtype == torch.bool
    assert make(2, dtype=torch.float64, device="cpu", requires_grad=True).requires_grad


# ------------------------------------------------ torch.cuda with (fake) JAX GPUs: issue 14's path
class _FakeGpu:
    """Stands in for a ``jax.Device`` of the gpu platform (this CI machine has none)."""

    platform = "gpu"
    device_kind = "NVIDIA H200"
    compute_capability = "9.0"
    core_count = 132

    def __init__(self, id):  # noqa: A002
        self.id = id
        self.stats = {
            "bytes_in_use": 1000,
            "peak_bytes_in_use": 5000,
            "bytes_limit": 10**9,
            "pool_bytes": 8000,
            "peak_pool_bytes": 9000,
        }

    def memory_stats(self):
        return dict(self.stats)


@pytest.fixture
def fake_gpus(torch, monkeypatch):
    gpus = (_FakeGpu(0), _FakeGpu(1))
    monkeypatch.setattr(torch._size, "jax_gpus", lambda: gpus)
    monkeypatch.setitem(torch._device._state, "current_cuda", 0)
    monkeypatch.setattr(torch._device, "accelerators", lambda kind: gpus if kind == "cuda" else ())
    monkeypatch.setattr(torch.cuda, "_peak_floor", {})
    monkeypatch.setattr(torch.cuda, "_seeds", {})
    return gpus


@pytest.mark.torchlike_only
def test_cuda_reports_jax_gpus(torch, fake_gpus):
    cuda = torch.cuda
    assert cuda.is_available() is True and cuda.device_count() == 2
    assert torch.backends.cuda.is_built() is True
    assert cuda.get_device_name() == "NVIDIA H200"
    assert cuda.get_device_capability(1) == (9, 0)
    assert cuda.get_device_properties(0).total_memory == 10**9
    assert cuda.current_device() == 0
    cuda.set_device(1)
    assert cuda.current_device() == 1
    with cuda.device(0):
        assert cuda.current_device() == 0
    assert cuda.current_device() == 1
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        cuda.set_device(5)
    cuda.manual_seed(7)
    assert cuda.initial_seed() == 7
    assert cuda.is_bf16_supported() is True


@pytest.mark.torchlike_only
def test_cuda_memory_from_jax_stats(torch, fake_gpus):
    cuda, gpu = torch.cuda, fake_gpus[0]
    assert cuda.memory_allocated() == 1000 and cuda.max_memory_allocated() == 5000
    assert cuda.memory_reserved() == 8000 and cuda.max_memory_reserved(0) == 9000
    assert cuda.mem_get_info() == (10**9 - 1000, 10**9)
    assert cuda.memory_stats()["allocated_bytes.all.current"] == 1000
    cuda.reset_peak_memory_stats()
    # XLA's lifetime peak has not grown since the reset: the peak is what was in use since
    assert cuda.max_memory_allocated() == 1000
    gpu.stats["bytes_in_use"] = 3000
    assert cuda.max_memory_allocated() == 3000
    gpu.stats["peak_bytes_in_use"] = 7000  # a new lifetime peak is the peak since the reset
    assert cuda.max_memory_allocated() == 7000
    assert cuda.max_memory_allocated(1) == 5000  # the other device was not reset


@pytest.mark.torchlike_only
def test_cuda_device_ordinal_checked_against_jax_gpus(torch, fake_gpus):
    # placement itself is tested on real (host) devices in test_devices.py
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        torch.ones(2).to("cuda:2")


# version gates in user code (`if torch.__version__ >= "2.0": use sdpa`) take PyTorch 2.13's path
def test_version_compares_as_a_version(torch):
    v = torch.__version__
    assert isinstance(v, str) and v.split("+")[0] == "2.13.0"
    assert v >= "2.0" and v >= (2, 0) and v > "2.9" and v < "2.14" and v < (3,)
    assert not v < "1.13.1" and v != "1.0"
    assert torch.version.__version__ == v and torch.version.cuda is None
    assert torch.version.hip is None and torch.version.debug is False


def test_accelerator_api_without_an_accelerator(torch, no_cuda):
    acc = torch.accelerator
    assert acc.is_available() is False and acc.current_accelerator() is None
    assert acc.device_count() == 0
    for call in (acc.current_device_index, acc.synchronize, lambda: acc.set_device_index(0)):
        with pytest.raises(RuntimeError, match="^Cannot access accelerator device when none is"):
            call()


def test_pin_memory_without_an_accelerator_warns(torch, no_cuda):
    from importlib import import_module

    data = import_module(torch.__name__ + ".utils.data")
    loader = data.DataLoader(data.TensorDataset(torch.arange(4.0)), batch_size=2, pin_memory=True)
    with pytest.warns(UserWarning, match="'pin_memory' argument is set as true but no accelerator"):
        batches = list(loader)
    assert [b[0].tolist() for b in batches] == [[0.0, 1.0], [2.0, 3.0]]
