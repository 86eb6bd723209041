"""Regenerate ``random_public.json``: what the scenarios of ``test_random.py`` return under real
PyTorch.  Run from the repository root with torch installed::

    python compat_tests/data/make_random_public.py

The data in the repository was produced by torch 2.13.0 CPU on an AMD EPYC (x86-64, AVX-512).
The CPU vendor matters for one kernel: on Intel CPUs an MKL build of PyTorch draws
``bernoulli_(float p)`` from MKL's own generator, so there real torch disagrees with this data
(and with torchlike, which reproduces PyTorch's portable kernel).
"""

import json
import pathlib
import sys

import torch

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import test_random  # noqa: E402  (the scenarios live next to the tests that replay them)


def main():
    data = {"produced_by": f"torch {torch.__version__} CPU", "scenarios": {}}
    for name, scenario in sorted(test_random.SCENARIOS.items()):
        data["scenarios"][name] = test_random.summarize(scenario(torch))
    # a state saved by torch mid-stream (with a cached normal), and what torch draws after it
    torch.manual_seed(2024)
    torch.rand(1000)
    torch.randn(5, dtype=torch.float64)
    state = torch.get_rng_state()
    continuation = [torch.randn(20, dtype=torch.float64), torch.rand(5)]
    data["torch_state"] = {
        "bytes": state.tolist(),
        "continuation": test_random.summarize(continuation),
    }
    path = HERE / "random_public.json"
    path.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
