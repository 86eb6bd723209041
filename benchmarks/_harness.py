"""What every benchmark shares: one thread per library, interleaved timing, formatting.

Import this module first, before jax or torch: ``one_thread()`` must run before they start
their thread pools.

Which torchlike is measured: the one on ``PYTHONPATH`` if there is one (so
``PYTHONPATH=/path/to/other/checkout python benchmarks/bench_x.py`` measures that checkout
with these very scripts), else this checkout.  The header of every script prints the file.

The disk compilation cache (README, "Compilation cache") is off in benchmarks unless
``TORCHLIKE_NO_DISK_CACHE`` is set: several of them measure what a first-seen shape or offset
costs, and a warm cache from an earlier run would hide it.  Where a script measures the warm
cache, it says so.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUICK = "--quick" in sys.argv[1:]  # a short smoke run: few rounds, small loops


def one_thread(pin=False):
    """One thread in every library (and, with ``pin``, this process on one core); put the
    source checkout on sys.path so the scripts run without installing torchlike."""
    if pin:
        os.sched_setaffinity(0, {0})
    os.environ["XLA_FLAGS"] = (
        os.environ.get("XLA_FLAGS", "")
        + " --xla_cpu_multi_thread_eigen=false"
        + " intra_op_parallelism_threads=1"
    )
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["MKL_NUM_THREADS"] = "1"
    os.environ.setdefault("TORCHLIKE_NO_DISK_CACHE", "1")
    # after PYTHONPATH's entries (sys.path[0] is this script's folder), so they take precedence
    user = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path.insert(1 + len(user), str(ROOT))


_PYCACHE = []


def bytecode_env(env):
    """``env`` for a child process that runs torchlike with Python's bytecode cache on, as it
    is for a user by default.  Where the environment sets ``PYTHONDONTWRITEBYTECODE`` (some
    sandboxes do), every torchlike process would compile its ~200 source files again (~0.4-2 s)
    while torch and jax load the bytecode their installers wrote.  The bytecode goes to one
    private ``PYTHONPYCACHEPREFIX`` folder per benchmark process (the checkout stays clean),
    filled by the caller's first, untimed run."""
    if not _PYCACHE:
        import atexit
        import shutil
        import tempfile

        _PYCACHE.append(tempfile.mkdtemp(prefix="torchlike-bench-pycache-"))
        atexit.register(shutil.rmtree, _PYCACHE[0], True)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = _PYCACHE[0]
    return env


def torchlike_root():
    """The checkout whose torchlike this process imports (for subprocesses' PYTHONPATH)."""
    import torchlike

    return Path(torchlike.__file__).resolve().parents[1]


def header(extra=""):
    """One line: versions, where torchlike comes from, threads, disk cache, quick mode."""
    import jax

    import torchlike

    try:
        import torch

        t = f"; torch {torch.__version__} ({torch.get_num_threads()} thread)"
    except ImportError:
        t = "; torch not installed"
    cache = "off" if os.environ.get("TORCHLIKE_NO_DISK_CACHE", "") not in ("", "0") else "on"
    print(
        f"torchlike {torchlike.__version__} from {torchlike_root()}; jax {jax.__version__} "
        f"on {jax.default_backend()}{t}; one thread per library; disk cache {cache}"
        + ("; QUICK smoke run (--quick): numbers are rough" if QUICK else "")
        + (f"; {extra}" if extra else "")
    )


_compiles = None


def backend_compiles():
    """How many XLA compilations this process has requested so far (every library, every
    cache layer: JAX reports one per executable it builds or loads)."""
    global _compiles
    if _compiles is None:
        import jax

        _compiles = [0]

        def listen(event, duration, **kwargs):
            if event == "/jax/core/compile/backend_compile_duration":
                _compiles[0] += 1

        jax.monitoring.register_event_duration_secs_listener(listen)
    return _compiles[0]


def rss_mib():
    """Resident memory of this process, MiB."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def compare(variants, repeat, number, warmup=3):
    """Median seconds per call of each ``(name, fn)``: ``repeat`` rounds of ``number`` calls.

    The variants take turns within every round, so a slow spell on a shared machine hits
    all of them alike instead of skewing one ratio.
    """
    samples = compare_samples(variants, repeat, number, warmup)
    return [(name, statistics.median(samples[name])) for name, _ in variants]


def drain():
    """Wait for every computation JAX has queued on the default device.

    JAX dispatches asynchronously, on the CPU too: a torchlike eager step that ends with
    ``loss.item()`` returns once the loss is ready, while its backward and optimizer update
    still run.  Unwaited, that tail is billed to whichever variant runs next (measured on the
    GPT step interleaved with its compiled twin: eager 11-13 ms, compiled 21-24 ms; with the
    wait 18.3 and 13.8 ms).  XLA runs one device's computations in order, so waiting for a
    tiny one queued last waits for all of them (about 10 us, charged to every variant alike,
    PyTorch's included).  A no-op where JAX was never imported."""
    jax = sys.modules.get("jax")
    if jax is not None:
        (jax.device_put(0) + 0).block_until_ready()


def compare_samples(variants, repeat, number, warmup=3):
    """Like ``compare`` but returns every round's seconds per call: ``{name: [s, ...]}``.
    Each sample ends with ``drain()``: a variant pays for all the work it dispatched."""
    for _, fn in variants:
        for _ in range(warmup):
            fn()
    drain()
    samples = {name: [] for name, _ in variants}
    for _ in range(repeat):
        for name, fn in variants:
            start = time.perf_counter()
            for _ in range(number):
                fn()
            drain()
            samples[name].append((time.perf_counter() - start) / number)
    return samples


def spread(samples):
    """The middle half of ``samples`` around its median, as "+a/-b %" (with fewer than four
    samples: the largest and smallest)."""
    med = statistics.median(samples)
    if len(samples) < 4:
        q1, q3 = min(samples), max(samples)
    else:
        q1, _, q3 = statistics.quantiles(samples, n=4)
    return f"+{(q3 - med) / med * 100:.0f}/-{(med - q1) / med * 100:.0f}%"


def table(title, rows, baselines, note_width=34):
    """Print ``rows`` (``[(name, samples)]``, samples a list of seconds) as median, spread
    (``spread()``: quartiles relative to the median) and the ratio of medians to each
    baseline row; return ``{name: median}``."""
    med = {name: (statistics.median(s) if s else None) for name, s in rows}
    print(f"\n{title}")
    line = f"  {'variant':{note_width}s} {'median':>10s} {'spread':>10s}"
    for b in baselines:
        line += f"  {'/ ' + b}"
    print(line)
    for name, s in rows:
        line = f"  {name:{note_width}s} {fmt(med[name]):>10s} {spread(s) if s else '-':>10s}"
        for b in baselines:
            t, tb = med[name], med.get(b)
            r = "-" if t is None or tb is None else f"{t / tb:.2f}x"
            line += f"  {r:>{len(b) + 2}s}"
        print(line)
    return med


def fmt(seconds):
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"
