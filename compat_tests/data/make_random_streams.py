"""Regenerate ``random_streams.npz``: reference outputs of real PyTorch's CPU generator.

Run with real torch installed (the data in the repository was produced by torch 2.13.0 CPU on
x86-64 with AVX2/AVX-512, whose float32 ``randn`` kernel is the AVX2 one)::

    python compat_tests/data/make_random_streams.py

Each case is a seed and a list of calls; every call's output is stored in full when small, and
as first/last elements plus a SHA-256 of its bytes when large.  ``test_random_streams.py`` replays
the same calls on ``torchlike.random`` without importing torch.
"""

import hashlib
import json
import pathlib

import numpy as np
import torch

FULL_LIMIT = 400  # outputs up to this many elements are stored in full
SIZES = [1, 7, 15, 16, 17, 31, 100, 10**5]
FLOATS = ["float32", "float64", "float16", "bfloat16"]


def phase1_cases():
    cases = {}
    for dt in FLOATS:
        for n in SIZES:
            cases[f"rand_{dt}_{n}"] = (0, [["rand", [n], dt], ["rand", [3], dt]])
            cases[f"randn_{dt}_{n}"] = (1234, [["randn", [n], dt], ["randn", [3], dt],
                                               ["randn", [n], dt]])
    cases["randn_shape_2x3x5"] = (7, [["randn", [2, 3, 5], "float32"], ["randn", [4, 4], "float32"]])
    for n in [0, 1, 2, 5, 10, 100, 1000, 10**5]:
        cases[f"randperm_{n}"] = (3, [["randperm", n, "int64"], ["randperm", n, "int32"]])
    for lo, hi, dt in [(0, 10, "int64"), (-5, 5, "int32"), (0, 2**33, "int64"),
                       (-2**40, 2**40, "int64"), (0, 256, "uint8"), (-100, 100, "int8"),
                       (0, 10, "float32"), (0, 2, "bool"), (3, 4, "int16"), (0, 1000, "float64")]:
        cases[f"randint_{lo}_{hi}_{dt}"] = (5, [["randint", lo, hi, [1000], dt],
                                                 ["randint", lo, hi, [3], dt]])
    cases["seed_negative"] = (-1, [["rand", [5], "float32"]])
    cases["seed_2**64-1"] = (2**64 - 1, [["rand", [5], "float32"]])
    cases["seed_2**63+17"] = (2**63 + 17, [["randn", [5], "float64"]])
    cases["long_stream"] = (42, [["rand", [1000], "float32"], ["randn", [10**5], "float32"],
                                 ["randint", 0, 7, [5], "int64"], ["randperm", 20, "int64"],
                                 ["rand", [10**5 + 3], "float64"], ["randn", [5], "float32"]])
    return cases


def run_call(call):
    kind = call[0]
    dtype = getattr(torch, call[-1])
    if kind == "rand":
        return torch.rand(*call[1], dtype=dtype)
    if kind == "randn":
        return torch.randn(*call[1], dtype=dtype)
    if kind == "randint":
        return torch.randint(call[1], call[2], call[3], dtype=dtype)
    if kind == "randperm":
        return torch.randperm(call[1], dtype=dtype)
    raise ValueError(kind)


def as_bits(t):
    """Raw bits as an unsigned integer array (bfloat16 has no NumPy dtype)."""
    if t.dtype == torch.bool:
        return t.numpy().astype(np.uint8)
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(np.uint16)
    a = t.contiguous().numpy()
    return a.view(f"u{a.dtype.itemsize}") if a.dtype.kind in "fi" else a


def main():
    out = {}
    index = {}
    for name, (seed, calls) in phase1_cases().items():
        torch.manual_seed(seed)
        results = []
        for i, call in enumerate(calls):
            bits = as_bits(run_call(call)).reshape(-1)
            entry = {"shape": list(run_shape(call)), "size": int(bits.size),
                     "sha256": hashlib.sha256(bits.tobytes()).hexdigest()}
            key = f"{name}/{i}"
            if bits.size <= FULL_LIMIT:
                out[key] = bits
            else:
                out[key + "/head"] = bits[:8]
                out[key + "/tail"] = bits[-8:]
            results.append(entry)
        index[name] = {"seed": seed, "calls": calls, "results": results}
    out["_index_json"] = np.frombuffer(json.dumps(index).encode(), dtype=np.uint8)
    out["_provenance"] = np.frombuffer(
        f"produced by torch {torch.__version__} CPU (cpu capability "
        f"{torch.backends.cpu.get_cpu_capability()})".encode(), dtype=np.uint8)
    path = pathlib.Path(__file__).with_name("random_streams.npz")
    np.savez_compressed(path, **out)
    print(f"wrote {path} ({path.stat().st_size} bytes, {len(index)} cases)")


def run_shape(call):
    kind = call[0]
    if kind in ("rand", "randn"):
        return call[1]
    if kind == "randint":
        return call[3]
    return [call[1]]


if __name__ == "__main__":
    main()
