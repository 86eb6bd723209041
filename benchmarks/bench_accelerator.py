"""Training steps on an accelerator: torchlike eager and ``torch.compile`` against a hand-written
pure-JAX ``jax.jit`` step on the same device, printing ratios (issue 14's GPU check).

Run: ``python benchmarks/bench_accelerator.py [--device cuda|cpu] [--quick]``.  The default
device is ``cuda`` when JAX has a GPU, else ``cpu`` (then one thread per library, as the other
benchmarks).  Two steps: the MLP of ``bench_core`` (64x784 -> 256 -> 10, Adam) and the small
nanoGPT step of ``bench_gpt`` (2 blocks, d=128, T=64, batch 8, AdamW).  torchlike's model is
moved with ``model.to(device)`` / ``x.to(device)``, as a tutorial does; the JAX references put
their arrays on the same device.  The variants take turns within every round; spread: quartiles.

Targets (issue 14, on a GPU): eager GPT step <= 2x and compiled <= 1.1x the pure jax.jit step.
"""

import sys

import _harness  # noqa: E402  (first: thread settings before jax starts)
from _harness import QUICK, compare_samples, table  # noqa: E402

_ARGS = sys.argv[1:]
_WANT = _ARGS[_ARGS.index("--device") + 1] if "--device" in _ARGS else None
if _WANT in (None, "cpu"):
    _harness.one_thread()  # (on a GPU machine too: the host side of the step stays one thread)
else:
    sys.path.insert(1, str(_harness.ROOT))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import torchlike  # noqa: E402

sys.path.insert(0, str(_harness.ROOT / "benchmarks"))
import bench_gpt  # noqa: E402


def _device():
    if _WANT is not None:
        return _WANT
    return "cuda" if torchlike.cuda.is_available() else "cpu"


def _jax_device(name):
    if name.startswith("cuda"):
        return jax.devices("gpu")[0]
    return jax.devices("cpu")[0]


# ----------------------------------------------------------------------------- MLP
def _mlp(torch, device):
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10)
    ).to(device)
    return model, torch.optim.Adam(model.parameters(), lr=1e-3)


def _mlp_step(model, opt, x, y, F):
    opt.zero_grad()
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    return loss


def _jax_mlp_loss(p, x, y):
    h = jax.nn.relu(x @ p["0.weight"].T + p["0.bias"])
    logits = h @ p["2.weight"].T + p["2.bias"]
    logp = jax.nn.log_softmax(logits, axis=-1)
    return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))


@jax.jit
def _jax_mlp_step(p, m, v, t, x, y):
    loss, g = jax.value_and_grad(_jax_mlp_loss)(p, x, y)
    b1, b2, lr = 0.9, 0.999, 1e-3
    new_p, new_m, new_v = {}, {}, {}
    for k in p:
        new_m[k] = b1 * m[k] + (1 - b1) * g[k]
        new_v[k] = b2 * v[k] + (1 - b2) * g[k] ** 2
        mhat, vhat = new_m[k] / (1 - b1**t), new_v[k] / (1 - b2**t)
        new_p[k] = p[k] - lr * mhat / (jnp.sqrt(vhat) + 1e-8)
    return loss, new_p, new_m, new_v


def _jax_stepper(jstep, weights, jdev, *data):
    p = {k: jax.device_put(jnp.asarray(w), jdev) for k, w in weights.items()}
    state = {"p": p, "m": {k: jnp.zeros_like(w) for k, w in p.items()}, "t": 0}
    state["v"] = {k: jnp.zeros_like(w) for k, w in p.items()}
    data = [jax.device_put(jnp.asarray(d), jdev) for d in data]

    def step():
        state["t"] += 1
        loss, state["p"], state["m"], state["v"] = jstep(
            state["p"], state["m"], state["v"], state["t"], *data
        )
        return loss

    return step


def _run(title, make, step_fn, jstep, xn, yn, device):
    torch = torchlike
    model, opt = make(torch, device)
    x, y = torch.tensor(xn).to(device), torch.tensor(yn).to(device)
    cmodel, copt = make(torch, device)
    weights = {k: p.detach().cpu().numpy() for k, p in model.named_parameters()}

    def eager():
        return step_fn(model, opt, x, y).item()

    compiled_step = torch.compile(lambda a, b: step_fn(cmodel, copt, a, b))

    def compiled():
        return compiled_step(x, y).item()

    jax_step = _jax_stepper(jstep, weights, _jax_device(device), xn, yn)

    def pure():
        return float(jax_step())

    variants = [("torchlike eager", eager), ("torchlike compiled", compiled), ("jax.jit", pure)]
    first = {name: fn() for name, fn in variants}  # first calls: compiles, losses compared
    repeat, number = (3, 2) if QUICK else (21, 5)
    samples = compare_samples(variants, repeat=repeat, number=number, warmup=2)
    losses = ", ".join(f"{k} {v:.6f}" for k, v in first.items())
    table(f"{title} on {device} (first losses: {losses})", list(samples.items()), ["jax.jit"])


def main():
    device = _device()
    _harness.header(f"device {device}")
    rng = np.random.default_rng(0)
    xm = rng.standard_normal((64, 784)).astype(np.float32)
    ym = rng.integers(0, 10, (64,)).astype(np.int64)
    F = torchlike.nn.functional
    _run(
        "MLP 64x784->256->10, Adam",
        _mlp,
        lambda m, o, x, y: _mlp_step(m, o, x, y, F),
        _jax_mlp_step,
        xm,
        ym,
        device,
    )
    xg = rng.integers(0, bench_gpt.VOCAB, (bench_gpt.BATCH, bench_gpt.BLOCK)).astype(np.int64)
    yg = rng.integers(0, bench_gpt.VOCAB, (bench_gpt.BATCH, bench_gpt.BLOCK)).astype(np.int64)

    def make_gpt(torch, device):
        model, _ = bench_gpt.make_gpt(torch)
        model.to(device)
        groups = [
            {"params": [p for p in model.parameters() if p.dim() >= 2], "weight_decay": 0.1},
            {"params": [p for p in model.parameters() if p.dim() < 2], "weight_decay": 0.0},
        ]
        return model, torch.optim.AdamW(groups, lr=bench_gpt.LR, betas=bench_gpt.BETAS)

    def gpt_step(model, opt, x, y):
        loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss

    _run("small GPT step (nanoGPT), AdamW", make_gpt, gpt_step, bench_gpt._jax_step, xg, yg, device)


if __name__ == "__main__":
    main()
