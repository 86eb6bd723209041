"""Training-stack speed: nn.Module + loss + optimizer steps against PyTorch eager.

Run: ``python benchmarks/bench_nn.py [--pin]`` from the repo root (needs torch for the PyTorch
columns; about half a minute). As in ``bench_core.py``, every library runs on one CPU thread,
set before any of them is imported, each figure is the median over many repeats
(``time.perf_counter``, after warm-up), and the variants take turns within every round, so the
ratios are measured side by side in this one run. ``--pin`` additionally pins the whole process
to CPU 0 (``os.sched_setaffinity``, also before the imports), so every thread of both libraries
shares one core. Unpinned, JAX's asynchronous dispatch runs XLA's work on a helper thread that
may sit on another core: torchlike can then overlap Python with computation when that core is
idle and loses time to cross-core hand-offs when it is busy, which on a small shared machine
makes the unpinned torchlike column swing from run to run. The pinned run is the strict
one-core comparison. The mode is printed in the header.

Both libraries run the very same code: the model, loss and optimizer are built by one function
that takes the module (``torch`` or ``torchlike``), and one ``train_step`` does
``zero_grad``, forward, loss, ``backward``, ``step`` and ``loss.item()`` (a loop that logs its
loss); each timed sample then waits for all the work it dispatched (``_harness.drain``).

(a) MLP: ``nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))``,
    ``nn.CrossEntropyLoss``, ``optim.Adam(lr=1e-3)``, batch 64.
    Target: torchlike no slower than PyTorch eager.
(b) CNN: ``Conv2d(1, 8, 3, padding=1)`` - ``ReLU`` - ``MaxPool2d(2)`` - ``Flatten`` -
    ``Linear(8*14*14, 10)``, ``nn.CrossEntropyLoss``, ``optim.SGD(lr=0.01, momentum=0.9)``,
    batch 32 on 1x28x28.  Target: torchlike within 1.5x of PyTorch eager.

Each model is built after ``manual_seed(0)`` in both libraries; torchlike's RNG and default
initialisation are PyTorch's, so the weights must be identical (checked), and so must the
first-step loss and the loss after the whole timed loop (printed).  Also printed: how many
backward graphs torchlike compiled for each model (``torchlike.compile_count()``), over the
first step and over the timed loop; a training loop has one structure, so one compilation in
all.

``--quick``: a short smoke run (fewer rounds).
"""

import os
import statistics
import sys

PIN = "--pin" in sys.argv[1:]
import _harness  # noqa: E402  (first: one thread per library, before jax/torch start)
from _harness import QUICK, compare_samples, fmt, spread  # noqa: E402

_harness.one_thread(pin=PIN)


import numpy as np  # noqa: E402

import torchlike  # noqa: E402

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # the PyTorch columns are optional
    torch = None


# ----------------------------------------------------------------------------- the same code
def mlp(lib):
    nn = lib.nn
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    return model, nn.CrossEntropyLoss(), lib.optim.Adam(model.parameters(), lr=1e-3)


def cnn(lib):
    nn = lib.nn
    model = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(8 * 14 * 14, 10),
    )
    return model, nn.CrossEntropyLoss(), lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)


def train_step(model, loss_fn, optimizer, x, target):
    optimizer.zero_grad()
    loss = loss_fn(model(x), target)
    loss.backward()
    optimizer.step()
    return loss.item()


def build(lib, make, xn, tn):
    """Model, loss, optimizer and data for ``lib``, the model initialised after manual_seed(0)."""
    lib.manual_seed(0)
    model, loss_fn, optimizer = make(lib)
    return model, loss_fn, optimizer, lib.tensor(xn), lib.tensor(tn)


def weights(model):
    return {name: p.detach().numpy().copy() for name, p in model.named_parameters()}


# ----------------------------------------------------------------------------- one benchmark
def bench(title, make, input_shape, classes, target, repeat, number):
    rng = np.random.default_rng(0)
    xn = rng.standard_normal(input_shape).astype(np.float32)
    tn = rng.integers(0, classes, input_shape[0]).astype(np.int64)

    libs = {"torchlike": torchlike} | ({"torch eager": torch} if torch is not None else {})
    setups = {name: build(lib, make, xn, tn) for name, lib in libs.items()}

    init_diff = None
    if torch is not None:
        tl_w, pt_w = weights(setups["torchlike"][0]), weights(setups["torch eager"][0])
        assert tl_w.keys() == pt_w.keys(), (tl_w.keys(), pt_w.keys())
        init_diff = max(float(np.max(np.abs(tl_w[k] - pt_w[k]))) for k in tl_w)

    last_loss = {}

    def stepper(name):
        def step():
            last_loss[name] = train_step(*setups[name])

        return step

    compiles_start = torchlike.compile_count()
    steppers = [(name, stepper(name)) for name in libs]
    for _, step in steppers:  # the first step: its loss is compared, and torchlike compiles
        step()
    first_loss = dict(last_loss)
    compiles_first = torchlike.compile_count() - compiles_start
    samples = compare_samples(steppers, repeat, number)
    rows = [(name, statistics.median(s)) for name, s in samples.items()]
    compiles_loop = torchlike.compile_count() - compiles_start - compiles_first

    times = dict(rows)
    print(f"\n{title}")
    print(
        f"  {'variant':14s} {'median':>10s} {'spread':>10s}" + ("  / torch eager" if torch else "")
    )
    for name, t in rows:
        ratio = f"  {t / times['torch eager']:>12.2f}x" if torch else ""
        print(f"  {name:14s} {fmt(t):>10s} {spread(samples[name]):>10s}{ratio}")
    if torch is not None:
        ratio = times["torchlike"] / times["torch eager"]
        verdict = "met" if ratio <= target else "NOT met"
        print(f"  target: torchlike <= {target:g}x torch eager: {verdict} ({ratio:.2f}x)")
        print(
            f"  same init after manual_seed(0): max |torchlike - torch| over all "
            f"parameters = {init_diff:.3g}" + (" (identical)" if init_diff == 0 else "")
        )
    print(
        "  first-step loss: "
        + ", ".join(f"{k} {v:.6f}" for k, v in first_loss.items())
        + (
            f" (|diff| = {abs(first_loss['torchlike'] - first_loss['torch eager']):.2g})"
            if torch
            else ""
        )
    )
    steps = 1 + 3 + repeat * number
    print(f"  loss after {steps} steps: " + ", ".join(f"{k} {v:.6f}" for k, v in last_loss.items()))
    print(
        f"  torchlike backward compilations: {compiles_first} in the first step, "
        f"{compiles_loop} in the timed loop (expect 1 per structure: 1, 0)"
    )
    return times, compiles_first + compiles_loop


def main():
    mode = (
        "pinned to CPU 0 (--pin)"
        if PIN
        else f"unpinned ({len(os.sched_getaffinity(0))} CPUs allowed; --pin to pin to one)"
    )
    _harness.header(mode)
    repeat = 15 if QUICK else 151
    bench(
        "(a) MLP step: Linear(784, 256)-ReLU-Linear(256, 10), CrossEntropyLoss, "
        "Adam(lr=1e-3), batch 64",
        mlp,
        (64, 784),
        10,
        target=1.0,
        repeat=repeat,
        number=5,
    )
    bench(
        "(b) CNN step: Conv2d(1, 8, 3, padding=1)-ReLU-MaxPool2d(2)-Flatten-Linear(1568, 10), "
        "CrossEntropyLoss, SGD(lr=0.01, momentum=0.9), batch 32 on 1x28x28",
        cnn,
        (32, 1, 28, 28),
        10,
        target=1.5,
        repeat=repeat,
        number=5,
    )


if __name__ == "__main__":
    main()
