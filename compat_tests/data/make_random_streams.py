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
            cases[f"randn_{dt}_{n}"] = (
                1234,
                [["randn", [n], dt], ["randn", [3], dt], ["randn", [n], dt]],
            )
    cases["randn_shape_2x3x5"] = (
        7,
        [["randn", [2, 3, 5], "float32"], ["randn", [4, 4], "float32"]],
    )
    for n in [0, 1, 2, 5, 10, 100, 1000, 10**5]:
        cases[f"randperm_{n}"] = (3, [["randperm", n, "int64"], ["randperm", n, "int32"]])
    for lo, hi, dt in [
        (0, 10, "int64"),
        (-5, 5, "int32"),
        (0, 2**33, "int64"),
        (-(2**40), 2**40, "int64"),
        (0, 256, "uint8"),
        (-100, 100, "int8"),
        (0, 10, "float32"),
        (0, 2, "bool"),
        (3, 4, "int16"),
        (0, 1000, "float64"),
    ]:
        cases[f"randint_{lo}_{hi}_{dt}"] = (
            5,
            [["randint", lo, hi, [1000], dt], ["randint", lo, hi, [3], dt]],
        )
    cases["seed_negative"] = (-1, [["rand", [5], "float32"]])
    cases["seed_2**64-1"] = (2**64 - 1, [["rand", [5], "float32"]])
    cases["seed_2**63+17"] = (2**63 + 17, [["randn", [5], "float64"]])
    cases["long_stream"] = (
        42,
        [
            ["rand", [1000], "float32"],
            ["randn", [10**5], "float32"],
            ["randint", 0, 7, [5], "int64"],
            ["randperm", 20, "int64"],
            ["rand", [10**5 + 3], "float64"],
            ["randn", [5], "float32"],
        ],
    )
    return cases


def phase2_cases():
    cases = {}
    for dt in FLOATS:
        for n in [5, 100, 10**4 + 3]:
            shape = [n]
            cases[f"uniform__{dt}_{n}"] = (
                1,
                [["uniform_", shape, -2.0, 3.0, dt], ["uniform_", shape, 0.1, 0.7, dt]],
            )
            cases[f"normal__{dt}_{n}"] = (
                2,
                [["normal_", shape, 1.5, 0.3, dt], ["normal_", [7], -0.3, 1.7, dt]],
            )
            cases[f"exponential__{dt}_{n}"] = (3, [["exponential_", shape, 2.5, dt]])
            cases[f"geometric__{dt}_{n}"] = (4, [["geometric_", shape, 0.3, dt]])
            cases[f"log_normal__{dt}_{n}"] = (5, [["log_normal_", shape, 0.5, 0.7, dt]])
            cases[f"cauchy__{dt}_{n}"] = (6, [["cauchy_", shape, -1.7, 0.3, dt]])
            cases[f"bernoulli__{dt}_{n}"] = (7, [["bernoulli_", shape, 0.3, dt]])
    for dt in FLOATS + ["int64", "int32", "int16", "int8", "uint8", "bool"]:
        calls = [
            ["random_", [50], None, None, dt],
            ["random_", [50], None, 2, dt],
            ["random_", [50], 0, None, dt],
        ]
        if dt not in ("bool", "uint8"):
            calls.append(["random_", [50], -50, 100, dt])
        if dt in ("int64", "float32", "float64", "bfloat16"):
            calls.append(["random_", [50], -(2**63), None, dt])
        cases[f"random__{dt}"] = (8, calls)
    for lo, hi, dt in [
        (0, 2**35, "float32"),
        (-(2**40), 2**35, "float64"),
        (0, 5000, "float16"),
        (-3000, 2**29, "int32"),
        (0, 2**28 - 1, "int64"),
        (0, 2**28, "int64"),
    ]:
        cases[f"randint_wide_{lo}_{hi}_{dt}"] = (9, [["randint", lo, hi, [50], dt]])
    p = [i / 23 for i in range(24)]
    for pdt in FLOATS:
        cases[f"bernoulli_tensor_{pdt}"] = (10, [["bernoulli", p, pdt]])
    mean = [i / 4 - 3 for i in range(25)]
    std = [0.1 + i / 10 for i in range(25)]
    cases["normal_overloads"] = (
        11,
        [
            ["normal_tf", mean, 0.5, "float32"],
            ["normal_ft", 0.5, std, "float32"],
            ["normal_tt", mean, std, "float32"],
            ["normal_tt", mean[:5], std[:5], "float32"],
            ["normal_ff", 2.0, 3.0, [100], "float32"],
            ["normal_tf", mean, 0.5, "float64"],
        ],
    )
    probs = [[((i * 7 + j * 3) % 11) / 10 for j in range(10)] for i in range(4)]
    cases["multinomial"] = (
        12,
        [
            ["multinomial", probs, 7, True, "float32"],
            ["multinomial", probs, 7, False, "float32"],
            ["multinomial", probs, 1, True, "float32"],
            ["multinomial", probs[0] + probs[1], 20, True, "float64"],
            ["multinomial", probs[2] + probs[3], 20, False, "float64"],
        ],
    )
    rates = [0.0, 0.5, 3.0, 9.99, 10.0, 25.0, 1000.0, 1e6] * 5
    cases["poisson"] = (13, [["poisson", rates, "float32"], ["poisson", rates, "float64"]])
    cases["mixed_20_calls"] = (
        1234,
        [
            ["rand", [5], "float32"],
            ["randn", [3], "float32"],
            ["randint", 0, 10, [7], "int64"],
            ["randn", [17], "float32"],
            ["normal_", [4], 2.0, 0.5, "float64"],
            ["randperm", 10, "int64"],
            ["uniform_", [6], -1.0, 1.0, "float32"],
            ["bernoulli_", [8], 0.3, "float32"],
            ["exponential_", [5], 1.5, "float64"],
            ["rand", [3], "float16"],
            ["randn", [40], "bfloat16"],
            ["multinomial", probs[0], 3, True, "float32"],
            ["random_", [5], None, None, "int16"],
            ["geometric_", [5], 0.25, "float32"],
            ["cauchy_", [4], 0.0, 1.0, "float32"],
            ["log_normal_", [5], 1.0, 2.0, "float32"],
            ["poisson", rates[:6], "float32"],
            ["multinomial", probs[1], 2, False, "float32"],
            ["randn", [1000], "float64"],
            ["state"],
        ],
    )
    for n_prelude in [0, 5, 700, 1247]:
        cases[f"state_after_{n_prelude}"] = (
            77,
            [["rand", [n_prelude], "float32"], ["randn", [3], "float64"], ["state"]],
        )
    return cases


def run_call(call):
    """Runs one call spec (see the cases) on real torch."""
    kind, args = call[0], call[1:]
    if kind == "state":
        return torch.get_rng_state()
    dtype = getattr(torch, args[-1])
    if kind == "rand":
        return torch.rand(*args[0], dtype=dtype)
    if kind == "randn":
        return torch.randn(*args[0], dtype=dtype)
    if kind == "randint":
        return torch.randint(args[0], args[1], args[2], dtype=dtype)
    if kind == "randperm":
        return torch.randperm(args[0], dtype=dtype)
    if kind == "random_":
        out, low, high = torch.empty(args[0], dtype=dtype), args[1], args[2]
        if low is None and high is None:
            return out.random_()
        if low is None:
            return out.random_(high)
        return out.random_(low, high)
    if kind in (
        "uniform_",
        "normal_",
        "exponential_",
        "geometric_",
        "log_normal_",
        "cauchy_",
        "bernoulli_",
    ):
        return getattr(torch.empty(args[0], dtype=dtype), kind)(*args[1:-1])
    if kind == "bernoulli":
        return torch.bernoulli(torch.tensor(args[0], dtype=dtype))
    if kind == "normal_tf":
        return torch.normal(torch.tensor(args[0], dtype=dtype), args[1])
    if kind == "normal_ft":
        return torch.normal(args[0], torch.tensor(args[1], dtype=dtype))
    if kind == "normal_tt":
        return torch.normal(torch.tensor(args[0], dtype=dtype), torch.tensor(args[1], dtype=dtype))
    if kind == "normal_ff":
        return torch.normal(args[0], args[1], args[2], dtype=dtype)
    if kind == "multinomial":
        return torch.multinomial(torch.tensor(args[0], dtype=dtype), args[1], args[2])
    if kind == "poisson":
        return torch.poisson(torch.tensor(args[0], dtype=dtype))
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
    for name, (seed, calls) in {**phase1_cases(), **phase2_cases()}.items():
        torch.manual_seed(seed)
        results = []
        for i, call in enumerate(calls):
            result = run_call(call)
            bits = as_bits(result).reshape(-1)
            entry = {
                "shape": list(result.shape),
                "dtype": str(result.dtype).split(".")[-1],
                "size": int(bits.size),
                "sha256": hashlib.sha256(bits.tobytes()).hexdigest(),
            }
            key = f"{name}/{i}"
            if bits.size <= FULL_LIMIT:
                out[key] = bits
            else:
                out[key + "/head"] = bits[:8]
                out[key + "/tail"] = bits[-8:]
            results.append(entry)
        index[name] = {"seed": seed, "calls": calls, "results": results}
    # A full state blob from torch, for loading into torchlike (interoperability).
    torch.manual_seed(4321)
    torch.rand(1000)
    torch.randn(5, dtype=torch.float64)  # leaves a cached normal in the state
    out["state_blob"] = torch.get_rng_state().numpy()
    out["state_blob_continuation"] = as_bits(torch.randn(20, dtype=torch.float64))
    out["_index_json"] = np.frombuffer(json.dumps(index).encode(), dtype=np.uint8)
    out["_provenance"] = np.frombuffer(
        f"produced by torch {torch.__version__} CPU (cpu capability "
        f"{torch.backends.cpu.get_cpu_capability()})".encode(),
        dtype=np.uint8,
    )
    path = pathlib.Path(__file__).with_name("random_streams.npz")
    np.savez_compressed(path, **out)
    print(f"wrote {path} ({path.stat().st_size} bytes, {len(index)} cases)")


if __name__ == "__main__":
    main()
