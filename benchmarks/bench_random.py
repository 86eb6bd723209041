"""Random-number throughput: torchlike's bit-exact CPU generator vs PyTorch and jax.random.

Run: ``python benchmarks/bench_random.py`` (needs torch for the comparison column; PyTorch is
pinned to one thread, as our generator is single-threaded, and so is PyTorch's for these ops).
Prints the median time of each sampler and the ratios torchlike/torch and torchlike/jax.
The first rows call the NumPy-level generator (``torchlike.random``); the rows marked "(API)"
go through the public API (``torchlike.rand(n)``, ``x.uniform_()`` …), i.e. they include
putting the sample into a Tensor (a JAX array), which is what a user pays.  ``--quick``: a
short smoke run (3 samples per figure).
"""

import statistics
import sys
import time
from pathlib import Path

import jax
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a source checkout without installing torchlike

import torchlike  # noqa: E402
import torchlike._dtype as dtypes  # noqa: E402
import torchlike.random as tr  # noqa: E402

try:
    import torch
except ImportError:  # the torch column is optional
    torch = None


def ready(t):
    """Wait for the tensor's JAX array, so that asynchronous dispatch can't hide any work."""
    t._value.block_until_ready()
    return t


QUICK = "--quick" in sys.argv[1:]  # a short smoke run


def median_time(fn, repeat=3 if QUICK else 15, number=1 if QUICK else 3):
    fn()  # warm-up (compilation for jax)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def main(n=10**6):
    if torch is not None:
        torch.set_num_threads(1)
    gen = tr.Generator().manual_seed(0)
    key = jax.random.key(0)
    buf, probs = torchlike.empty(n), torchlike.full((n,), 0.3)
    torch_buf = torch.empty(n) if torch is not None else None
    torch_probs = torch.full((n,), 0.3) if torch is not None else None
    f32, f64 = dtypes.float32, dtypes.float64
    cases = [
        (
            "rand f32",
            lambda: gen._rand((n,), f32),
            lambda: torch.rand(n),
            lambda: jax.random.uniform(key, (n,)).block_until_ready(),
        ),
        (
            "randn f32",
            lambda: gen._randn((n,), f32),
            lambda: torch.randn(n),
            lambda: jax.random.normal(key, (n,)).block_until_ready(),
        ),
        (
            "rand f64",
            lambda: gen._rand((n,), f64),
            lambda: torch.rand(n, dtype=torch.float64),
            None,
        ),
        (
            "randn f64",
            lambda: gen._randn((n,), f64),
            lambda: torch.randn(n, dtype=torch.float64),
            None,
        ),
        (
            "randint [0,10)",
            lambda: gen._randint(0, 10, (n,), dtypes.int64),
            lambda: torch.randint(0, 10, (n,)),
            lambda: jax.random.randint(key, (n,), 0, 10).block_until_ready(),
        ),
        (
            "randperm 1e5",
            lambda: gen._randperm(10**5, dtypes.int64),
            lambda: torch.randperm(10**5),
            lambda: jax.random.permutation(key, 10**5).block_until_ready(),
        ),
        ("randn(3) f32", lambda: gen._randn((3,), f32), lambda: torch.randn(3), None),
        (
            "uniform_(-1,1) f32",
            lambda: gen._uniform((n,), f32, -1.0, 1.0),
            lambda: torch.empty(n).uniform_(-1, 1),
            lambda: jax.random.uniform(key, (n,), minval=-1, maxval=1).block_until_ready(),
        ),
        (
            "bernoulli_(0.3)",
            lambda: gen._bernoulli_scalar((n,), f32, 0.3),
            lambda: torch.empty(n).bernoulli_(0.3),
            lambda: jax.random.bernoulli(key, 0.3, (n,)).block_until_ready(),
        ),
        (
            "exponential_ f32",
            lambda: gen._exponential((n,), f32, 1.0),
            lambda: torch.empty(n).exponential_(),
            lambda: jax.random.exponential(key, (n,)).block_until_ready(),
        ),
        (
            "rand f32 (API)",
            lambda: ready(torchlike.rand(n)),
            lambda: torch.rand(n),
            lambda: jax.random.uniform(key, (n,)).block_until_ready(),
        ),
        (
            "randn f32 (API)",
            lambda: ready(torchlike.randn(n)),
            lambda: torch.randn(n),
            lambda: jax.random.normal(key, (n,)).block_until_ready(),
        ),
        (
            "uniform_ (API)",
            lambda: ready(buf.uniform_(-1, 1)),
            lambda: torch_buf.uniform_(-1, 1),
            None,
        ),
        ("normal_ (API)", lambda: ready(buf.normal_()), lambda: torch_buf.normal_(), None),
        (
            "randint (API)",
            lambda: ready(torchlike.randint(0, 10, (n,))),
            lambda: torch.randint(0, 10, (n,)),
            None,
        ),
        (
            "bernoulli (API)",
            lambda: ready(torchlike.bernoulli(probs)),
            lambda: torch.bernoulli(torch_probs),
            None,
        ),
    ]
    print(
        f"n = {n:,}; jax {jax.__version__} on {jax.default_backend()}"
        + (f"; torch {torch.__version__}" if torch is not None else "")
    )
    print(
        f"{'sampler':18s} {'torchlike':>11s} {'torch':>11s} {'jax':>11s} {'vs torch':>9s} {'vs jax':>8s}"
    )
    for name, ours, theirs, jaxs in cases:
        t_ours = median_time(ours)
        t_torch = median_time(theirs) if torch is not None else float("nan")
        t_jax = median_time(jaxs) if jaxs is not None else float("nan")
        print(
            f"{name:18s} {t_ours * 1e3:9.3f}ms {t_torch * 1e3:9.3f}ms {t_jax * 1e3:9.3f}ms "
            f"{t_ours / t_torch:8.2f}x {t_ours / t_jax:7.2f}x"
        )


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
