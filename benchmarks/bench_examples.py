"""End-to-end wall time of the examples: torchlike cold, torchlike warm, PyTorch.

Run: ``python benchmarks/bench_examples.py [--quick] [NAME ...]`` from the repo root (needs
torch for the PyTorch column; about three minutes, ``--quick`` runs one example once).

Each measurement is a fresh ``python examples/<name>.py`` process, timed from outside:

* ``torchlike, no disk cache``: ``TORCHLIKE_NO_DISK_CACHE=1``, every executable compiled;
* ``torchlike, cold disk cache``: an empty private cache directory (the first run of a script
  on a new machine: compiles everything and writes it to disk);
* ``torchlike, warm disk cache``: the same directory again (the second run of the script);
* ``torch``: ``python examples/<name>.py --torch``.

Printed twice: wall time, and the CPU time (user + system) of each process, the steadier
measure on a machine other work shares.

The variants take turns within every round; every round starts from a new empty cache
directory.  Each torchlike run's stdout is checked against ``examples/expected/<name>.txt``
(PyTorch's output), so a fast wrong run can't pass unnoticed.  Target (issue 9): the second
run <= 1.2x PyTorch's wall time.  The environment sets one thread per library, as in the other
benchmarks, so the numbers are comparable with them.

Python's bytecode cache is on in the torchlike processes, as it is for a user by default
(``_harness.bytecode_env``), filled by one untimed run before the first round.
"""

import _harness  # noqa: E402  (first: one thread per library, before jax/torch start)
from _harness import QUICK, ROOT, table, torchlike_root  # noqa: E402

_harness.one_thread()

import os  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

EXAMPLES = ROOT / "examples"


def scripts(names):
    found = sorted(
        p
        for p in EXAMPLES.glob("*.py")
        if p.name != "run_examples.py" and (EXAMPLES / "expected" / f"{p.stem}.txt").exists()
    )
    if names:
        found = [p for p in found if p.stem in names]
    elif QUICK:
        found = [p for p in found if p.stem == "autograd_tour"] or found[:1]
    return found


def run(script, args=(), **env_updates):
    """Wall seconds of one fresh process, and whether its stdout is PyTorch's."""
    env = dict(os.environ)
    if "--torch" not in args:
        _harness.bytecode_env(env)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(torchlike_root()), env.get("PYTHONPATH")])
    )
    env.update(env_updates)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, env=env, cwd=ROOT
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if out.returncode != 0:
        raise SystemExit(f"{script.name} {' '.join(args)} failed:\n{out.stderr[-2000:]}")
    expected = (EXAMPLES / "expected" / f"{script.stem}.txt").read_text()
    return wall, cpu, out.stdout == expected


def main():
    names = [a for a in sys.argv[1:] if not a.startswith("-")]
    _harness.header()
    rounds = 1 if QUICK else 3
    try:
        import torch  # noqa: F401 - only to know whether the PyTorch column can run

        has_torch = True
    except ImportError:
        has_torch = False
    wrong = set()
    for script in scripts(names):
        run(script, (), TORCHLIKE_NO_DISK_CACHE="1")  # untimed: fills the bytecode cache
        samples = {
            k: []
            for k in (
                "torchlike, no disk cache",
                "torchlike, cold disk cache",
                "torchlike, warm disk cache",
            )
        }
        if has_torch:
            samples["torch"] = []
        cpu_samples = {k: [] for k in samples}
        for _ in range(rounds):
            cache = tempfile.mkdtemp(prefix="torchlike-bench-cache-")
            disk = {"TORCHLIKE_NO_DISK_CACHE": "0", "XDG_CACHE_HOME": cache}
            plan = [
                ("torchlike, no disk cache", (), {"TORCHLIKE_NO_DISK_CACHE": "1"}),
                ("torchlike, cold disk cache", (), disk),
                ("torchlike, warm disk cache", (), disk),
            ]
            if has_torch:
                plan.append(("torch", ("--torch",), {}))
            for name, args, env in plan:
                wall, cpu, same = run(script, args, **env)
                samples[name].append(wall)
                cpu_samples[name].append(cpu)
                if not same and name != "torch":
                    wrong.add(f"{script.stem} ({name})")
            shutil.rmtree(cache, ignore_errors=True)
        table(
            f"examples/{script.name}: wall time of a fresh process ({rounds} round(s))",
            list(samples.items()),
            ["torch"] if has_torch else [],
        )
        # user + system CPU seconds of the process: what a run costs when other processes
        # share the cores (their load stretches wall times unevenly across the variants)
        table(
            "    the same runs, CPU time", list(cpu_samples.items()), ["torch"] if has_torch else []
        )
    print(
        "\n  torchlike output == PyTorch's expected output: "
        + ("yes, every run" if not wrong else "NO for " + ", ".join(sorted(wrong)))
    )


if __name__ == "__main__":
    main()
