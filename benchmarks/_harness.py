"""What every benchmark shares: one thread per library, interleaved timing, formatting.

Import this module first, before jax or torch: ``one_thread()`` must run before they start
their thread pools.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_thread(pin=False):
    """One thread in every library (and, with ``pin``, this process on one core); put the
    source checkout on sys.path so the scripts run without installing torchlike."""
    if pin:
        os.sched_setaffinity(0, {0})
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "")
                               + " --xla_cpu_multi_thread_eigen=false"
                               + " intra_op_parallelism_threads=1")
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["MKL_NUM_THREADS"] = "1"
    sys.path.insert(0, str(ROOT))


def compare(variants, repeat, number, warmup=3):
    """Median seconds per call of each ``(name, fn)``: ``repeat`` rounds of ``number`` calls.

    The variants take turns within every round, so a slow spell on a shared machine hits
    all of them alike instead of skewing one ratio.
    """
    for _, fn in variants:
        for _ in range(warmup):
            fn()
    samples = {name: [] for name, _ in variants}
    for _ in range(repeat):
        for name, fn in variants:
            start = time.perf_counter()
            for _ in range(number):
                fn()
            samples[name].append((time.perf_counter() - start) / number)
    return [(name, statistics.median(samples[name])) for name, _ in variants]


def fmt(seconds):
    if seconds is None:
        return "-"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"
