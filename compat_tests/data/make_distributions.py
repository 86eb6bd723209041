"""Regenerate ``distributions.json``: real PyTorch's answers to ``test_distributions.py``'s cases.

Run with real torch 2.13.0 installed, from the repository root::

    python compat_tests/data/make_distributions.py

The case lists live in ``compat_tests/test_distributions.py``; this script evaluates them with
PyTorch and stores values, gradients, seeded samples and transform results as JSON.
"""

import json
import pathlib
import sys

import torch

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

import test_distributions as td  # noqa: E402


def main():
    data = {
        "torch_version": torch.__version__,
        "cases": {k: td.evaluate_case(torch, k) for k in td.CASES},
        "kl": {k: td.evaluate_kl(torch, k) for k in td.KL_CASES},
        "seeded": {k: td.draw_seeded(torch, k) for k in td.SEEDED},
        "transforms": {k: td.evaluate_transform(torch, k) for k in td.TRANSFORMS},
    }
    text = json.dumps(data, allow_nan=True, sort_keys=True)
    (HERE / "distributions.json").write_text(text + "\n")
    print(f"wrote {HERE / 'distributions.json'} ({len(text)} bytes)")


if __name__ == "__main__":
    main()
