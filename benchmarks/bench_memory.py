"""Memory over a long training loop whose scheduler changes the learning rate every step.

Run: ``python benchmarks/bench_memory.py`` (``--quick``: 2,000 steps instead of 20,000).  A small
MLP trained with SGD+momentum under ``StepLR(step_size=1)`` and with Adam under
``CosineAnnealingLR``; every tenth of the run it prints the process's resident set size (RSS,
from /proc) and the number of live JAX arrays.  Both columns should be flat after the first
rows: hyperparameters are converted to device scalars one value at a time and only a bounded
number of them is kept (torchlike/optim/optimizer.py), so a new lr each step costs one transfer,
not a growing set of arrays.
"""

import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a source checkout without installing torchlike

import jax  # noqa: E402

import torchlike as torch  # noqa: E402

QUICK = "--quick" in sys.argv[1:]
STEPS = 2_000 if QUICK else 20_000


def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run(name, make_optimizer, make_scheduler):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.Tanh(), torch.nn.Linear(32, 1))
    opt = make_optimizer(model.parameters())
    sched = make_scheduler(opt)
    x, y = torch.randn(64, 16), torch.randn(64, 1)
    print(f"\n{name}: {STEPS} steps, lr changed every step")
    print(f"{'step':>8} {'RSS MiB':>9} {'live arrays':>12} {'lr':>12} {'s/1k steps':>11}")
    rows = []
    t0 = time.perf_counter()
    for step in range(1, STEPS + 1):
        opt.zero_grad()
        torch.nn.functional.mse_loss(model(x), y).backward()
        opt.step()
        sched.step()
        if step % (STEPS // 10) == 0:
            gc.collect()
            dt = (time.perf_counter() - t0) / (STEPS // 10) * 1000
            rows.append((rss_mib(), len(jax.live_arrays())))
            lr = opt.param_groups[0]["lr"]
            print(f"{step:>8} {rows[-1][0]:>9.1f} {rows[-1][1]:>12} {lr:>12.3e} {dt:>11.2f}")
            t0 = time.perf_counter()
    (rss1, arr1), (rss2, arr2) = rows[1], rows[-1]
    print(
        f"from step {STEPS // 5} to {STEPS}: RSS {rss2 - rss1:+.1f} MiB, live arrays {arr2 - arr1:+d}"
    )


def main():
    print(f"torchlike {torch.__file__}, jax {jax.__version__} on {jax.default_backend()}")
    run(
        "SGD(momentum=0.9) + StepLR(step_size=1, gamma=0.9999)",
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, weight_decay=1e-4),
        lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=1, gamma=0.9999),
    )
    run(
        "Adam + CosineAnnealingLR(T_max=1000)",
        lambda p: torch.optim.Adam(p, lr=1e-3),
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=1000),
    )


if __name__ == "__main__":
    main()
