"""torch.compile: a whole training step as one program, against eager and pure JAX.

Run: ``python benchmarks/bench_compile.py [--quick] [--torch-compile] [--pin]`` from the repo
root.  One thread per library; the variants take turns within every round.

Two steps, each written once and run by every library:

* the small GPT step of ``bench_gpt.py`` (nanoGPT's model, 2 blocks, d=128, T=64, batch 8,
  AdamW with two param groups): forward, ``loss.backward()``, ``optimizer.step()``,
  ``zero_grad(set_to_none=True)``;
* the MLP step of ``bench_core.py`` (64x784 -> 256 -> 10, relu, cross-entropy, the tutorial's
  in-place SGD update ``p -= lr * p.grad`` then ``p.grad = None``).

Variants: torchlike eager, torchlike ``torch.compile(step)``, PyTorch eager, PyTorch
``torch.compile`` (inductor; only with ``--torch-compile``: its first compile takes about half a
minute), and the hand-written ``jax.jit`` step of ``bench_gpt.py`` / ``bench_core.py`` (the
compiled reference).  Each step ends with ``loss.item()`` outside the compiled region, which
also keeps JAX's asynchronous dispatch honest.  First-call times are printed separately: for
torchlike's compiled step, the eager warm-up call and the call that traces and compiles.

Targets (issue 13): GPT compiled <= PyTorch torch.compile and <= 0.6x torchlike eager, first
compiled call <= 3 s; MLP compiled <= 1.1x the jax.jit step.
"""

import sys
import time

PIN = "--pin" in sys.argv[1:]
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
                    first[f"GPT {label}: warm-up (eager) call"] = _timed(step, x, y)
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
                    first[f"MLP {label}: warm-up (eager) call"] = _timed(step, x, t)
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


def report(title, variants, losses, repeat, number):
    c0 = torchlike.compile_count()
    samples = compare_samples(variants, repeat=repeat, number=number, warmup=2)
    loop_compiles = torchlike.compile_count() - c0
    baselines = ["torchlike eager", JAX_REF] + (["torch eager"] if torch is not None else [])
    if TORCH_COMPILE and torch is not None:
        baselines.append("torch torch.compile")
    med = table(title, list(samples.items()), baselines, note_width=30)
    print("  last losses: " + ", ".join(f"{k} {v:.6f}" for k, v in losses.items()))
    print(f"  torchlike.compile_count() during the timed loop: {loop_compiles} (expect 0)")
    return med


def main():
    _harness.header("pinned to CPU 0 (--pin)" if PIN else "unpinned (--pin to pin)")
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
        print(f"  {k:55s} {v:8.3f} s")
    comp, eager = gpt["torchlike torch.compile"], gpt["torchlike eager"]
    print("\ntargets")
    print(f"  GPT compiled / torchlike eager = {comp / eager:.2f}x (target <= 0.6x)")
    if "torch torch.compile" in gpt:
        r = comp / gpt["torch torch.compile"]
        print(f"  GPT compiled / torch torch.compile = {r:.2f}x (target <= 1x)")
    first_call = first["GPT torchlike torch.compile: first compiled call"]
    print(f"  GPT first compiled call = {first_call:.2f} s (target <= 3 s)")
    r = mlp["torchlike torch.compile"] / mlp[JAX_REF]
    print(f"  MLP compiled / jax.jit step = {r:.2f}x (target <= 1.1x)")


if __name__ == "__main__":
    main()
