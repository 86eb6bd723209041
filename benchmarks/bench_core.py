"""Core speed: one recorded op, an MLP training step, and time to first gradient.

Run: ``python benchmarks/bench_core.py`` (needs torch for the PyTorch columns; takes about
half a minute). Every library runs on one CPU thread, set before any of them is imported, so the
numbers compare per-op overhead and code quality rather than thread pools. Each figure is the
median over many repeats (``time.perf_counter``, after warm-up); ratios are measured side by
side in this one run.

(a) ``x * y`` (and ``x * 2.0``) on 5x5 float32 tensors that require grad: torchlike vs PyTorch
    eager vs raw JAX eager (``jnp.multiply``).  Target (issue 9): a recorded op within 1.3x of
    raw JAX.  Where the time goes (thread CPU time, jax 0.10, 2 shared cores): the jitted
    executable's own C++ dispatch is ~8-9 us of raw JAX's ~12.5; a recorded ``x * y`` is ~19.6
    (22.3 before the one-pass recording of issue 9), of which ~1.5 us are the operator wrappers
    (``Tensor.__mul__`` -> ``mul`` -> ``_binary``), ~1.5 the result Tensor and its Storage,
    ~3.5 the grad node with its saved values and edges, the rest promotion, operand
    collection and the executable lookup.
(b) one training step of a 64x784 -> 256 -> 10 MLP (relu, ``cross_entropy`` with class
    indices, ``backward()``, SGD), vs PyTorch eager and a hand-written jitted JAX step.
    The "(in-place)" variants are the usual tutorial update, ``p -= lr * p.grad`` under
    ``no_grad`` then ``p.grad = None``, the same code for torch and torchlike; the "(rebind)"
    variants rebind fresh leaves (``W = (W - lr * W.grad).detach().requires_grad_()``).
    JAX runs ``jax.jit(jax.value_and_grad(loss))`` with the SGD update inside the jitted step
    (the reference) and, for comparison, outside it as eager ``p - lr * g``.  Each step
    ends with ``loss.item()`` (a loop that logs its loss); each timed sample then waits for
    all the work it dispatched (``_harness.drain``: the item returns before the backward and
    the update are done).  Target: torchlike no slower than PyTorch eager.
(c) time to first gradient: wall time of a fresh ``python -c`` that imports the library,
    makes two 5x5 leaves, computes ``x**2 + y**3``, calls ``backward(ones_like)`` and prints
    ``x.grad``.  torchlike runs twice: without the disk compilation cache, and with it warm
    (a private cache directory, filled by one run before timing).  Python's bytecode cache is
    on for torchlike as for a user (``_harness.bytecode_env``), filled by that same run.

``--quick``: a short smoke run (fewer rounds).
"""

import os

import _harness  # noqa: E402  (first: one thread per library, before jax/torch start)
from _harness import QUICK, compare_samples, table, torchlike_root  # noqa: E402

_harness.one_thread()

import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import torchlike  # noqa: E402
import torchlike.nn.functional as tlF  # noqa: E402

try:
    import torch
    import torch.nn.functional as tF

    torch.set_num_threads(1)
except ImportError:  # the PyTorch columns are optional
    torch = tF = None


# ----------------------------------------------------------------------------- (a) one op
def bench_one_op():
    rng = np.random.default_rng(0)
    xn, yn = rng.random((2, 5, 5), dtype=np.float32)
    tx = torchlike.tensor(xn, requires_grad=True)
    ty = torchlike.tensor(yn, requires_grad=True)
    assert (tx * ty).grad_fn.name() == "MulBackward0"
    ux, uy = tx.detach(), ty.detach()
    jx, jy = jnp.asarray(xn), jnp.asarray(yn)
    # Each sample dispatches OPS ops, then waits once for the last result: what a user sees
    # per op (JAX dispatch is asynchronous; torchlike has no public synchronize, hence _value).
    variants = [
        (
            "torchlike (requires_grad)",
            _ops(lambda: tx * ty, lambda r: r._value.block_until_ready()),
        ),
        (
            "torchlike (detached inputs)",
            _ops(lambda: ux * uy, lambda r: r._value.block_until_ready()),
        ),
        (
            "torchlike x * 2.0 (requires_grad)",
            _ops(lambda: tx * 2.0, lambda r: r._value.block_until_ready()),
        ),
        ("jax eager jnp.multiply", _ops(lambda: jnp.multiply(jx, jy), jax.block_until_ready)),
        (
            "jax eager jnp.multiply(x, 2.0)",
            _ops(lambda: jnp.multiply(jx, 2.0), jax.block_until_ready),
        ),
    ]
    if torch is not None:
        px = torch.tensor(xn, requires_grad=True)
        py = torch.tensor(yn, requires_grad=True)
        variants.insert(2, ("torch eager (requires_grad)", _ops(lambda: px * py, lambda r: r)))
        variants.insert(4, ("torch eager x * 2.0", _ops(lambda: px * 2.0, lambda r: r)))
    samples = compare_samples(variants, repeat=11 if QUICK else 51, number=1, warmup=5)
    rows = [(name, [t / OPS for t in s]) for name, s in samples.items()]
    return table(
        "(a) x * y, 5x5 float32",
        rows,
        ["jax eager jnp.multiply"] + (["torch eager (requires_grad)"] if torch else []),
    )


OPS = 200


def _ops(op, wait):
    def many():
        for _ in range(OPS):
            r = op()
        wait(r)

    return many


# ----------------------------------------------------------------------------- (b) MLP step
BATCH, IN, HIDDEN, OUT, LR = 64, 784, 256, 10, 0.01


def _mlp_data():
    rng = np.random.default_rng(0)
    params = [
        (rng.standard_normal((IN, HIDDEN)) / np.sqrt(IN)).astype(np.float32),
        np.zeros(HIDDEN, np.float32),
        (rng.standard_normal((HIDDEN, OUT)) / np.sqrt(HIDDEN)).astype(np.float32),
        np.zeros(OUT, np.float32),
    ]
    x = rng.standard_normal((BATCH, IN)).astype(np.float32)
    target = rng.integers(0, OUT, BATCH).astype(np.int64)
    return params, x, target


def _rebinding_step(lib, F, state, x, target):
    """One step with the parameters rebound to fresh leaves (same code for torch/torchlike)."""
    W1, b1, W2, b2 = state
    loss = F.cross_entropy(lib.relu(x @ W1 + b1) @ W2 + b2, target)
    loss.backward()
    with lib.no_grad():
        state[:] = [(p - LR * p.grad).detach().requires_grad_() for p in state]
    return loss.item()


def _inplace_step(lib, F, state, x, target):
    """The tutorial update: in place under no_grad (same code for torch/torchlike)."""
    W1, b1, W2, b2 = state
    loss = F.cross_entropy(lib.relu(x @ W1 + b1) @ W2 + b2, target)
    loss.backward()
    with lib.no_grad():
        for p in state:
            p -= LR * p.grad
            p.grad = None
    return loss.item()


def _jax_loss(params, x, target):
    W1, b1, W2, b2 = params
    logits = jax.nn.relu(x @ W1 + b1) @ W2 + b2
    logp = jax.nn.log_softmax(logits, axis=1)
    return -jnp.mean(jnp.take_along_axis(logp, target[:, None], axis=1))


@jax.jit
def _jax_fused_step(params, x, target):
    loss, grads = jax.value_and_grad(_jax_loss)(params, x, target)
    return [p - LR * g for p, g in zip(params, grads)], loss


_jax_value_and_grad = jax.jit(jax.value_and_grad(_jax_loss))


def bench_mlp(repeat=31, number=10):
    params, xn, tn = _mlp_data()
    rows, losses = [], {}

    compiles_before = torchlike.compile_count()
    tl_state = [torchlike.tensor(p, requires_grad=True) for p in params]
    tl_x, tl_t = torchlike.tensor(xn), torchlike.tensor(tn)
    tl_inplace = [torchlike.tensor(p, requires_grad=True) for p in params]
    losses["torchlike"] = _rebinding_step(torchlike, tlF, tl_state, tl_x, tl_t)
    variants = [
        ("torchlike (in-place)", lambda: _inplace_step(torchlike, tlF, tl_inplace, tl_x, tl_t)),
        ("torchlike (rebind)", lambda: _rebinding_step(torchlike, tlF, tl_state, tl_x, tl_t)),
    ]

    if torch is not None:
        rebind_state = [torch.tensor(p, requires_grad=True) for p in params]
        inplace_state = [torch.tensor(p, requires_grad=True) for p in params]
        pt_x, pt_t = torch.tensor(xn), torch.tensor(tn)
        losses["torch"] = _rebinding_step(torch, tF, rebind_state, pt_x, pt_t)
        variants += [
            ("torch eager (rebind)", lambda: _rebinding_step(torch, tF, rebind_state, pt_x, pt_t)),
            ("torch eager (in-place)", lambda: _inplace_step(torch, tF, inplace_state, pt_x, pt_t)),
        ]

    fused_state = [jnp.asarray(p) for p in params]
    unfused_state = [jnp.asarray(p) for p in params]
    jx, jt = jnp.asarray(xn), jnp.asarray(tn)
    losses["jax"] = float(_jax_loss(fused_state, jx, jt))

    def fused():
        fused_state[:], loss = _jax_fused_step(fused_state, jx, jt)
        return float(loss)

    def unfused():
        loss, grads = _jax_value_and_grad(unfused_state, jx, jt)
        unfused_state[:] = [p - LR * g for p, g in zip(unfused_state, grads)]
        return float(loss)

    variants += [
        ("jax jit(value_and_grad + SGD)", fused),
        ("jax jit(value_and_grad), eager SGD", unfused),
    ]
    rows = list(compare_samples(variants, repeat, number).items())
    compiles = torchlike.compile_count() - compiles_before

    med = table(
        f"(b) MLP training step, {BATCH}x{IN} -> {HIDDEN} -> {OUT}",
        rows,
        ["jax jit(value_and_grad + SGD)"] + (["torch eager (in-place)"] if torch else []),
    )
    first = {k: round(v, 5) for k, v in losses.items()}
    print(f"  first-step loss (same data, same init): {first}")
    print(
        f"  torchlike.compile_count() over the first step and the loop: {compiles} "
        "(both torchlike variants record the same backward structure)"
    )
    return med, compiles


# ----------------------------------------------------------------------------- (c) first grad
FIRST_GRAD = """
import {module} as torch
x = torch.rand(5, 5, requires_grad=True)
y = torch.rand(5, 5, requires_grad=True)
z = x**2 + y**3
z.backward(torch.ones_like(x))
print(x.grad)
"""

FIRST_GRAD_JAX = """
import jax, jax.numpy as jnp, numpy as np
x, y = jnp.asarray(np.random.default_rng(0).random((2, 5, 5), dtype=np.float32))
_, vjp = jax.vjp(lambda x, y: x**2 + y**3, x, y)
print(vjp(jnp.ones_like(x))[0])
"""


def _run_python(code, **env_updates):
    env = dict(os.environ) if "torchlike" not in code else _harness.bytecode_env(dict(os.environ))
    # the torchlike this process measures, also in the child
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(torchlike_root()), env.get("PYTHONPATH")])
    )
    env.update(env_updates)
    start = time.perf_counter()
    # cwd: ``python -c`` puts the working directory first on sys.path, ahead of PYTHONPATH
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        cwd=tempfile.gettempdir(),
    )
    return time.perf_counter() - start


def bench_first_gradient(runs=5):
    cache = tempfile.mkdtemp(prefix="torchlike-bench-cache-")
    warm = {"TORCHLIKE_NO_DISK_CACHE": "0", "XDG_CACHE_HOME": cache}
    program = FIRST_GRAD.format(module="torchlike")
    _run_python(program, **warm)  # fills the private cache
    programs = [("torchlike", program, {}), ("torchlike (warm disk cache)", program, warm)]
    if torch is not None:
        programs.append(("torch", FIRST_GRAD.format(module="torch"), {}))
    programs += [("jax (jax.vjp, eager)", FIRST_GRAD_JAX, {}), ("python -c pass", "pass", {})]
    samples = {name: [] for name, _, _ in programs}
    for _ in range(runs):  # interleaved, like compare()
        for name, code, env in programs:
            samples[name].append(_run_python(code, **env))
    __import__("shutil").rmtree(cache, ignore_errors=True)
    rows = [(name, samples[name]) for name, _, _ in programs]
    return table(
        f"(c) time to first gradient (fresh process, median of {runs})",
        rows,
        ["torch"] if torch else [],
    )
    return dict(rows)


def main():
    _harness.header()
    bench_one_op()
    if QUICK:
        bench_mlp(repeat=5, number=3)
        bench_first_gradient(runs=1)
    else:
        bench_mlp()
        bench_first_gradient()


if __name__ == "__main__":
    main()
