"""torch.compile: a whole training step as one program, against eager and pure JAX.

Run: ``python benchmarks/bench_compile.py [--quick] [--torch-compile] [--pin] [--background]``
from the repo root.  One thread per library; the variants take turns within every round.
``--background`` sets ``torch._dynamo.config.compile_in_background`` for torchlike's compiled
steps: their first compiled call traces and returns (run eagerly) while XLA compiles in another
thread; the time until the program is ready is printed too.

Two steps, each written once and run by every library:

* the small GPT step of ``bench_gpt.py`` (nanoGPT's model, 2 blocks, d=128, T=64, batch 8,
  AdamW with two param groups): forward, ``loss.backward()``, ``optimizer.step()``,
  ``zero_grad(set_to_none=True)``;
* the MLP step of ``bench_core.py`` (64x784 -> 256 -> 10, relu, cross-entropy, the tutorial's
  in-place SGD update ``p -= lr * p.grad`` then ``p.grad = None``).

Variants: torchlike eager, torchlike ``torch.compile(step)``, PyTorch eager, PyTorch
``torch.compile`` (inductor; only with ``--torch-compile``: its first compile takes about half a
minute), and the hand-written ``jax.jit`` step of ``bench_gpt.py`` / ``bench_core.py`` (the
compiled reference).  Each step ends with ``loss.item()`` outside the compiled region, and each
timed sample waits for all the work it dispatched (``_harness.drain``: an eager step's item
returns while its backward and optimizer update still run).  First-call times are printed separately: for
torchlike's compiled step, the eager warm-up call and the call that traces and compiles.

Targets (issue 13): GPT compiled <= PyTorch torch.compile and <= 0.6x torchlike eager, first
compiled call <= 3 s; MLP compiled <= 1.1x the jax.jit step.
"""

import statistics
import sys
import time

PIN = "--pin" in sys.argv[1:]
BACKGROUND = "--background" in sys.argv[1:]
TORCH_COMPILE = "--torch-compile" in sys.argv[1:]
import _harness  # noqa: E402  (first: one thread per library, before jax/torch start)
from _harness import QUICK, compare_samples, table  # noqa: E402

_harness.one_thread(pin=PIN)

import bench_core  # noqa: E402
import bench_gpt  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import torchlike  # noqa: E402

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # the PyTorch columns are optional
    torch = None

JAX_REF = "jax.jit step (hand-written)"


def gpt_step(model, optimizer):
    def step(x, y):
        loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss

    return step


def mlp_step(lib, F, state):
    def step(x, target):
        W1, b1, W2, b2 = state
        loss = F.cross_entropy(lib.relu(x @ W1 + b1) @ W2 + b2, target)
        loss.backward()
        with lib.no_grad():
            for p in state:
                p -= bench_core.LR * p.grad
                p.grad = None
        return loss

    return step


def _timed(fn, *args):
    start = time.perf_counter()
    fn(*args).item()
    return time.perf_counter() - start


def _first_calls(first, label, step, *args):
    """The warm-up and first compiled calls of torchlike's compiled ``step`` (wall and this
    process's CPU seconds: on a shared machine the CPU time is the steadier figure)."""
    first[f"{label}: warm-up (eager) call"] = _timed(step, *args)
    cpu = time.process_time()
    first[f"{label}: first compiled call"] = _timed(step, *args)
    first[f"{label}: first compiled call, CPU s"] = time.process_time() - cpu
    if BACKGROUND:
        start, calls = time.perf_counter(), 0
        (entry,) = step._torchlike_compiled._cache.values()
        while entry.jitted is None:  # eager calls until the program is ready
            step(*args).item()
            calls += 1
        first[f"{label}: program ready after ({calls} eager calls)"] = time.perf_counter() - start


def _libs():
    libs = [("torchlike", torchlike)]
    if torch is not None:
        libs.append(("torch", torch))
    return libs


def gpt_variants(first):
    rng = np.random.default_rng(0)
    xn = rng.integers(0, bench_gpt.VOCAB, (bench_gpt.BATCH, bench_gpt.BLOCK)).astype(np.int64)
    yn = rng.integers(0, bench_gpt.VOCAB, (bench_gpt.BATCH, bench_gpt.BLOCK)).astype(np.int64)
    variants, losses = [], {}
    for name, lib in _libs():
        for compiled in (False, True):
            if compiled and name == "torch" and not TORCH_COMPILE:
                continue
            model, opt = bench_gpt.make_gpt(lib)
            x, y = lib.tensor(xn), lib.tensor(yn)
            step = gpt_step(model, opt)
            label = f"{name} {'torch.compile' if compiled else 'eager'}"
            if compiled:
                step = lib.compile(step)
                if name == "torchlike":
                    _first_calls(first, f"GPT {label}", step, x, y)
                else:
                    first[f"GPT {label}: first compiled call"] = _timed(step, x, y)

            def run(step=step, x=x, y=y, label=label):
                losses[label] = step(x, y).item()

            variants.append((label, run))
    weights = {
        k: jnp.asarray(p.detach().numpy())
        for k, p in bench_gpt.make_gpt(torchlike)[0].named_parameters()
    }
    state = {
        "p": weights,
        "m": {k: jnp.zeros_like(w) for k, w in weights.items()},
        "v": {k: jnp.zeros_like(w) for k, w in weights.items()},
        "t": 0,
    }
    jx, jy = jnp.asarray(xn), jnp.asarray(yn)

    def jax_run():
        state["t"] += 1
        loss, state["p"], state["m"], state["v"] = bench_gpt._jax_step(
            state["p"], state["m"], state["v"], state["t"], jx, jy
        )
        losses[JAX_REF] = float(loss)

    start = time.perf_counter()
    jax_run()
    first["GPT jax.jit step: first call"] = time.perf_counter() - start
    variants.append((JAX_REF, jax_run))
    return variants, losses


def mlp_variants(first):
    params, xn, tn = bench_core._mlp_data()
    variants, losses = [], {}
    for name, lib in _libs():
        for compiled in (False, True):
            if compiled and name == "torch" and not TORCH_COMPILE:
                continue
            state = [lib.tensor(p, requires_grad=True) for p in params]
            x, t = lib.tensor(xn), lib.tensor(tn)
            step = mlp_step(lib, lib.nn.functional, state)
            label = f"{name} {'torch.compile' if compiled else 'eager'}"
            if compiled:
                step = lib.compile(step)
                if name == "torchlike":
                    _first_calls(first, f"MLP {label}", step, x, t)
                else:
                    first[f"MLP {label}: first compiled call"] = _timed(step, x, t)

            def run(step=step, x=x, t=t, label=label):
                losses[label] = step(x, t).item()

            variants.append((label, run))
    jp = [jnp.asarray(p) for p in params]
    jx, jt = jnp.asarray(xn), jnp.asarray(tn)
    box = [jp]

    def jax_run():
        box[0], loss = bench_core._jax_fused_step(box[0], jx, jt)
        losses[JAX_REF] = float(loss)

    start = time.perf_counter()
    jax_run()
    first["MLP jax.jit step: first call"] = time.perf_counter() - start
    variants.append((JAX_REF, jax_run))
    return variants, losses


def cpu_medians(variants, repeat, number):
    """Median CPU seconds of this process per call, interleaved as ``compare_samples``: on a
    machine other work shares, CPU time moves less than wall time (eager's asynchronous dispatch
    overlaps the host's Python with the device thread, so its CPU time can exceed its wall)."""
    samples = {name: [] for name, _ in variants}
    for _ in range(repeat):
        for name, fn in variants:
            start = time.process_time()
            for _ in range(number):
                fn()
            _harness.drain()
            samples[name].append((time.process_time() - start) / number)
    return {name: statistics.median(s) for name, s in samples.items()}


def report(title, variants, losses, repeat, number):
    c0 = torchlike.compile_count()
    samples = compare_samples(variants, repeat=repeat, number=number, warmup=2)
    cpu = cpu_medians(variants, repeat, number)
    loop_compiles = torchlike.compile_count() - c0
    baselines = ["torchlike eager", JAX_REF] + (["torch eager"] if torch is not None else [])
    if TORCH_COMPILE and torch is not None:
        baselines.append("torch torch.compile")
    med = table(title, list(samples.items()), baselines, note_width=30)
    print("  last losses: " + ", ".join(f"{k} {v:.6f}" for k, v in losses.items()))
    print("  CPU ms per step: " + ", ".join(f"{k} {v * 1e3:.2f}" for k, v in cpu.items()))
    print(f"  torchlike.compile_count() during the timed loop: {loop_compiles} (expect 0)")
    med["cpu"] = cpu
    return med


def main():
    _harness.header("pinned to CPU 0 (--pin)" if PIN else "unpinned (--pin to pin)")
    if BACKGROUND:
        torchlike._dynamo.config.compile_in_background = True
        print("torchlike compiles in the background (--background)")
    repeat, number = (5, 2) if QUICK else (21, 5)
    first = {}
    variants, losses = gpt_variants(first)
    gpt = report(
        f"small GPT training step ({repeat} rounds of {number} steps)",
        variants,
        losses,
        repeat,
        number,
    )
    variants, losses = mlp_variants(first)
    mlp = report(
        f"MLP training step 64x784->256->10, in-place SGD ({repeat} rounds of {number} steps)",
        variants,
        losses,
        repeat,
        number,
    )
    print("\nfirst calls (fresh programs; the disk compilation cache may serve torchlike's)")
    for k, v in first.items():
        print(f"  {k:68s} {v:8.3f} s")
    comp, eager = gpt["torchlike torch.compile"], gpt["torchlike eager"]
    cpu = gpt["cpu"]
    print("\ntargets")
    print(
        f"  GPT compiled / torchlike eager = {comp / eager:.2f}x, CPU time "
        f"{cpu['torchlike torch.compile'] / cpu['torchlike eager']:.2f}x (target <= 0.6x)"
    )
    if "torch torch.compile" in gpt:
        r = comp / gpt["torch torch.compile"]
        print(f"  GPT compiled / torch torch.compile = {r:.2f}x (target <= 1x)")
    first_call = first["GPT torchlike torch.compile: first compiled call"]
    cpu = first["GPT torchlike torch.compile: first compiled call, CPU s"]
    print(f"  GPT first compiled call = {first_call:.2f} s, {cpu:.2f} CPU s (target <= 3 s)")
    r = mlp["torchlike torch.compile"] / mlp[JAX_REF]
    print(f"  MLP compiled / jax.jit step = {r:.2f}x (target <= 1.1x)")


if __name__ == "__main__":
    main()
