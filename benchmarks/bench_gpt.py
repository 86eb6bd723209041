"""A small GPT training step, written the way nanoGPT writes it, under torch and torchlike.

Run: ``python benchmarks/bench_gpt.py [--pin] [--quick]`` from the repo root (needs torch for
the PyTorch column; about a minute, ``--quick`` well under one).  One thread per library, set
before any of them is imported; the variants take turns within every round; spread: quartiles
around the median.

The model is nanoGPT's (``model.py``) cut to its training path, written once as a function of
the module, so that torch and torchlike run the very same code:
``q, k, v = self.c_attn(x).split(n_embd, dim=2)``, ``k.view(B, T, nh, hs).transpose(1, 2)``,
``att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))`` with the causal mask a
registered ``tril`` buffer, ``softmax``, ``@``, ``y.transpose(1, 2).contiguous().view(B, T, C)``,
GELU MLP, pre-LayerNorm blocks, tied token embedding / LM head, and AdamW with nanoGPT's two
parameter groups (weight decay on matrices only).  2 blocks, 4 heads, d=128, T=64, batch 8,
vocabulary 65.  Both start from ``manual_seed(0)``, so the weights are identical (checked) and
so must be the losses.  The pure-JAX column is the same model as one
``jax.jit(value_and_grad + AdamW)`` step from the same weights: the compiled reference.

Target (issue 9): torchlike <= 1.0x PyTorch eager.
"""

import math
import sys

PIN = "--pin" in sys.argv[1:]
import _harness  # noqa: E402  (first: one thread per library, before jax/torch start)
from _harness import QUICK, backend_compiles, compare_samples, table  # noqa: E402

_harness.one_thread(pin=PIN)

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

import torchlike  # noqa: E402

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # the PyTorch column is optional
    torch = None

N_LAYER, N_HEAD, N_EMBD, BLOCK, BATCH, VOCAB = 2, 4, 128, 64, 8, 65
LR, BETAS, WEIGHT_DECAY = 6e-4, (0.9, 0.95), 0.1


def view_after_split_works(lib):
    """Whether ``lib`` allows nanoGPT's ``split(...)[i].view(B, T, nh, hs)`` (PyTorch does)."""
    try:
        q = lib.zeros(2, 3, 3 * 8).split(8, dim=2)[0]
        q.view(2, 3, 2, 4)
        return True, None
    except Exception as e:  # noqa: BLE001 - any failure means: use the fallback
        return False, f"{type(e).__name__}: {e}"


def make_gpt(torch):
    """nanoGPT's classes for the module ``torch`` (the parameter shadows the import on purpose:
    this is the code a user runs after ``import torchlike as torch``)."""
    nn, F = torch.nn, torch.nn.functional
    use_view, _ = view_after_split_works(torch)

    def heads(t, B, T):
        if use_view:
            return t.view(B, T, N_HEAD, N_EMBD // N_HEAD).transpose(1, 2)
        return t.reshape(B, T, N_HEAD, N_EMBD // N_HEAD).transpose(1, 2)

    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_attn = nn.Linear(N_EMBD, 3 * N_EMBD)
            self.c_proj = nn.Linear(N_EMBD, N_EMBD)
            self.n_head, self.n_embd = N_HEAD, N_EMBD
            self.register_buffer(
                "bias", torch.tril(torch.ones(BLOCK, BLOCK)).view(1, 1, BLOCK, BLOCK)
            )

        def forward(self, x):
            B, T, C = x.size()
            q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
            k, q, v = heads(k, B, T), heads(q, B, T), heads(v, B, T)
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
            att = F.softmax(att, dim=-1)
            y = att @ v
            y = y.transpose(1, 2).contiguous().view(B, T, C)
            return self.c_proj(y)

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_fc = nn.Linear(N_EMBD, 4 * N_EMBD)
            self.gelu = nn.GELU()
            self.c_proj = nn.Linear(4 * N_EMBD, N_EMBD)

        def forward(self, x):
            return self.c_proj(self.gelu(self.c_fc(x)))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1 = nn.LayerNorm(N_EMBD)
            self.attn = CausalSelfAttention()
            self.ln_2 = nn.LayerNorm(N_EMBD)
            self.mlp = MLP()

        def forward(self, x):
            x = x + self.attn(self.ln_1(x))
            return x + self.mlp(self.ln_2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.transformer = nn.ModuleDict(
                dict(
                    wte=nn.Embedding(VOCAB, N_EMBD),
                    wpe=nn.Embedding(BLOCK, N_EMBD),
                    h=nn.ModuleList([Block() for _ in range(N_LAYER)]),
                    ln_f=nn.LayerNorm(N_EMBD),
                )
            )
            self.lm_head = nn.Linear(N_EMBD, VOCAB, bias=False)
            self.transformer.wte.weight = self.lm_head.weight  # weight tying, as nanoGPT

        def forward(self, idx, targets):
            b, t = idx.size()
            pos = torch.arange(0, t, dtype=torch.long)
            x = self.transformer.wte(idx) + self.transformer.wpe(pos)
            for block in self.transformer.h:
                x = block(x)
            logits = self.lm_head(self.transformer.ln_f(x))
            return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))

    torch.manual_seed(0)
    model = GPT()
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": WEIGHT_DECAY},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=LR, betas=BETAS)
    return model, optimizer


def train_step(model, optimizer, x, y):
    loss = model(x, y)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss.item()


# ----------------------------------------------------------------------------- pure JAX
def _jax_forward(p, idx, targets):
    def ln(x, w, b):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / jnp.sqrt(var + 1e-5) * w + b

    def linear(x, name, bias=True):
        y = x @ p[name + ".weight"].T
        return y + p[name + ".bias"] if bias else y

    B, T = idx.shape
    x = p["transformer.wte.weight"][idx] + p["transformer.wpe.weight"][jnp.arange(T)]
    mask = jnp.tril(jnp.ones((T, T), bool))
    hs = N_EMBD // N_HEAD
    for i in range(N_LAYER):
        h = f"transformer.h.{i}."
        a = linear(ln(x, p[h + "ln_1.weight"], p[h + "ln_1.bias"]), h + "attn.c_attn")
        q, k, v = (
            t.reshape(B, T, N_HEAD, hs).transpose(0, 2, 1, 3) for t in jnp.split(a, 3, axis=2)
        )
        att = jnp.where(mask, q @ k.transpose(0, 1, 3, 2) / math.sqrt(hs), -jnp.inf)
        y = (jax.nn.softmax(att, axis=-1) @ v).transpose(0, 2, 1, 3).reshape(B, T, N_EMBD)
        x = x + linear(y, h + "attn.c_proj")
        m = linear(ln(x, p[h + "ln_2.weight"], p[h + "ln_2.bias"]), h + "mlp.c_fc")
        x = x + linear(jax.nn.gelu(m, approximate=False), h + "mlp.c_proj")
    x = ln(x, p["transformer.ln_f.weight"], p["transformer.ln_f.bias"])
    logits = x @ p["transformer.wte.weight"].T
    logp = jax.nn.log_softmax(logits.reshape(-1, VOCAB), axis=-1)
    return -jnp.mean(jnp.take_along_axis(logp, targets.reshape(-1, 1), axis=1))


@jax.jit
def _jax_step(p, m, v, t, idx, targets):
    loss, g = jax.value_and_grad(_jax_forward)(p, idx, targets)
    b1, b2 = BETAS
    new_p, new_m, new_v = {}, {}, {}
    for k in p:
        decay = WEIGHT_DECAY if p[k].ndim >= 2 else 0.0
        new_m[k] = b1 * m[k] + (1 - b1) * g[k]
        new_v[k] = b2 * v[k] + (1 - b2) * g[k] ** 2
        mhat, vhat = new_m[k] / (1 - b1**t), new_v[k] / (1 - b2**t)
        new_p[k] = p[k] * (1 - LR * decay) - LR * mhat / (jnp.sqrt(vhat) + 1e-8)
    return loss, new_p, new_m, new_v


def main():
    mode = "pinned to CPU 0 (--pin)" if PIN else "unpinned (--pin to pin to one CPU)"
    _harness.header(mode)
    ok, why = view_after_split_works(torchlike)
    if not ok:
        print(
            f"  NOTE: torchlike raises on view() after split() ({why}); its model uses "
            "reshape() there instead (torch keeps view())"
        )
    rng = np.random.default_rng(0)
    xn = rng.integers(0, VOCAB, (BATCH, BLOCK)).astype(np.int64)
    yn = rng.integers(0, VOCAB, (BATCH, BLOCK)).astype(np.int64)

    libs = {"torchlike": torchlike} | ({"torch eager": torch} if torch is not None else {})
    setups = {name: (*make_gpt(lib), lib.tensor(xn), lib.tensor(yn)) for name, lib in libs.items()}
    weights = {
        name: {k: p.detach().numpy().copy() for k, p in s[0].named_parameters()}
        for name, s in setups.items()
    }
    p0 = {k: jnp.asarray(w) for k, w in weights["torchlike"].items()}
    state = {
        "p": p0,
        "m": {k: jnp.zeros_like(w) for k, w in p0.items()},
        "v": {k: jnp.zeros_like(w) for k, w in p0.items()},
        "t": 0,
    }
    jx, jy = jnp.asarray(xn), jnp.asarray(yn)

    def jax_step():
        state["t"] += 1
        loss, state["p"], state["m"], state["v"] = _jax_step(
            state["p"], state["m"], state["v"], state["t"], jx, jy
        )
        return float(loss)

    losses, first, compiles = {}, {}, {}
    steppers = []
    for name in setups:

        def step(name=name):
            losses[name] = train_step(*setups[name])

        steppers.append((name, step))
    steppers.append(
        ("jax jit(value_and_grad + AdamW)", lambda: losses.__setitem__("jax", jax_step()))
    )
    for name, step in steppers:  # the first step: compiles, and its loss is compared
        c0, e0 = backend_compiles(), torchlike.compile_count()
        step()
        compiles[name] = (backend_compiles() - c0, torchlike.compile_count() - e0)
    first = dict(losses)
    c0, e0 = backend_compiles(), torchlike.compile_count()
    repeat, number = (3, 1) if QUICK else (31, 3)
    samples = compare_samples(steppers, repeat=repeat, number=number, warmup=2)
    loop = (backend_compiles() - c0, torchlike.compile_count() - e0)

    title = (
        f"small GPT training step: {N_LAYER} blocks, {N_HEAD} heads, d={N_EMBD}, T={BLOCK}, "
        f"batch {BATCH}, AdamW ({repeat} rounds of {number} steps)"
    )
    med = table(
        title,
        list(samples.items()),
        ["jax jit(value_and_grad + AdamW)"] + (["torch eager"] if torch else []),
    )
    if torch is not None:
        diff = max(
            float(np.max(np.abs(weights["torchlike"][k] - weights["torch eager"][k])))
            for k in weights["torchlike"]
        )
        print(f"  same init after manual_seed(0): max |torchlike - torch| = {diff:.3g}")
        ratio = med["torchlike"] / med["torch eager"]
        print(
            f"  target: torchlike <= 1x torch eager: {'met' if ratio <= 1 else 'NOT met'} "
            f"({ratio:.2f}x)"
        )
    print("  first-step loss: " + ", ".join(f"{k} {v:.6f}" for k, v in first.items()))
    print(
        f"  loss after {1 + 2 + repeat * number} steps: "
        + ", ".join(f"{k} {v:.6f}" for k, v in losses.items())
    )
    for name, (xla, engine) in compiles.items():
        print(f"  {name:34s} first step: {xla} XLA compiles, {engine} torchlike.compile_count()")
    print(
        f"  timed loop (all variants): {loop[0]} XLA compiles, {loop[1]} "
        "torchlike.compile_count() (expect 0: one structure)"
    )
    print(f"  torchlike's model uses {'view()' if ok else 'reshape() (fallback)'} after split()")


if __name__ == "__main__":
    main()
