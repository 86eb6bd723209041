"""The test matrix: the same compat suite against several JAX versions and against real PyTorch.

nox                      # default: CPU tests on the oldest and newest JAX, the torch
                         # reference, the differential fuzz, the examples and lint
nox -s tests_installed   # on a GPU/TPU machine: the machine's own jax (CUDA, TPU …)
nox -s gpu               # on a GPU machine: tests_installed + the accelerator benchmark
nox -s bench             # benchmarks against PyTorch and pure JAX (not run by default)
"""

import nox

JAX_OLDEST = "0.4.35"  # keep in step with pyproject's lower bound
JAX_NEWEST = "0.10.2"
TORCH_REFERENCE = "2.13.0"  # the CPU build lies on our machines' local disk

nox.options.sessions = ["tests", "reference", "fuzz", "examples", "lint"]
nox.options.reuse_existing_virtualenvs = True

PYTEST = ["pytest", "compat_tests", "-q", "-p", "no:cacheprovider"]
# The CPU sessions split the suite over two worker processes (pytest-xdist): measured on the
# 2-core machine, the newest-JAX suite takes 7 min instead of 13.6 (small XLA compiles and
# Python dominate, one core each).  Not on accelerator machines: each JAX process would claim
# most of the device's memory.
PARALLEL = ["-n", "2"]


def _pytest_args(session):
    return session.posargs or []


@nox.session
@nox.parametrize("jax", [JAX_OLDEST, JAX_NEWEST], ids=["jax-oldest", "jax-newest"])
def tests(session, jax):
    """torchlike on CPU with a pinned JAX."""
    session.install(f"jax=={jax}", f"jaxlib=={jax}", "-e", ".[test]")
    session.run(
        *PYTEST,
        *PARALLEL,
        "--backend=torchlike",
        *_pytest_args(session),
        env={"JAX_PLATFORMS": "cpu"},
    )


@nox.session(venv_params=["--system-site-packages"])
def tests_installed(session):
    """torchlike on whatever JAX the machine has (use this on CUDA/TPU machines)."""
    session.install("--no-deps", "-e", ".")
    session.install("pytest", "hypothesis")
    session.run("python", "-c", "import jax; print('jax', jax.__version__, jax.devices())")
    session.run(*PYTEST, "--backend=torchlike", *_pytest_args(session))


@nox.session(venv_params=["--system-site-packages"])
def gpu(session):
    """The GPU check in one command (issue 14): the compat suite on the machine's own JAX, then
    benchmarks/bench_accelerator.py on ``cuda`` (eager and compiled steps against jax.jit)."""
    session.install("--no-deps", "-e", ".")
    session.install("pytest", "hypothesis", "scipy")
    session.run("python", "-c", "import jax; print('jax', jax.__version__, jax.devices())")
    session.run(*PYTEST, "--backend=torchlike", "-x", *_pytest_args(session))
    session.run("python", "benchmarks/bench_accelerator.py", "--device", "cuda")


@nox.session
def reference(session):
    """The same compat tests against real PyTorch: every test must pass on the oracle."""
    session.install(f"torch=={TORCH_REFERENCE}", "-e", ".[test]")
    session.run(*PYTEST, *PARALLEL, "--backend=torch", *_pytest_args(session))


@nox.session
def fuzz(session):
    """Differential fuzzing against real PyTorch in one process (compat_tests/fuzz): random op
    programs and wrong calls with bounded, derandomised example counts (under 3 minutes on two
    cores); the corpus of what it found runs with it."""
    session.install(f"torch=={TORCH_REFERENCE}", "-e", ".[test]")
    session.run(
        "pytest",
        "compat_tests/fuzz",
        "-q",
        "-p",
        "no:cacheprovider",
        *_pytest_args(session),
        env={"TORCHLIKE_FUZZ": "1", "JAX_PLATFORMS": "cpu"},
    )


@nox.session
def examples(session):
    """Every example (scripts and notebooks) runs under torchlike and prints what PyTorch prints."""
    session.install("-e", ".[notebook]")
    session.run("python", "examples/run_examples.py", env={"JAX_PLATFORMS": "cpu"})


@nox.session
def lint(session):
    """Formatter check, linter, type checker (autograd/ and _ops/) and the layer contracts."""
    session.install("ruff", "mypy", "import-linter", "-e", ".")
    paths = ["torchlike", "compat_tests", "examples", "benchmarks", "noxfile.py"]
    session.run("ruff", "format", "--check", *paths)
    session.run("ruff", "check", *paths)
    session.run("mypy", "torchlike/_ops", "torchlike/autograd")
    session.run("lint-imports")


@nox.session
def bench(session):
    """Speed against PyTorch eager and pure JAX, measured side by side in one run.

    ``nox -s bench -- --quick`` is a smoke run (each script well under a minute);
    ``-- --pin`` pins bench_nn/bench_gpt to one CPU.  Benchmarks run without the disk
    compilation cache unless they say otherwise (benchmarks/_harness.py).
    """
    session.install(f"torch=={TORCH_REFERENCE}", "-e", ".")
    for script in sorted(__import__("glob").glob("benchmarks/bench_*.py")):
        session.run("python", script, *session.posargs)
