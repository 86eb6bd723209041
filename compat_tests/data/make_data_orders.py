"""Regenerate ``data_orders.json``: the sample orders real PyTorch's data utilities produce.

Run with real torch installed (the stored file was produced by torch 2.13.0 CPU)::

    python compat_tests/data/make_data_orders.py

Every case names its recipe; ``test_data.py`` replays the same recipes on the backend under test
(without torch) and compares orders exactly, plus a few ``torch.rand`` values drawn afterwards
to check that the loaders consumed the random stream exactly as PyTorch's do.
"""

import json
import pathlib

import torch
from torch.utils.data import (
    DataLoader,
    RandomSampler,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    random_split,
)


def _epochs(loader, n=2):
    return [[b[1].tolist() for b in loader] for _ in range(n)]


def _dataset(n):
    return TensorDataset(torch.arange(n, dtype=torch.float32).reshape(n, 1), torch.arange(n))


def cases():
    out = {}
    torch.manual_seed(0)
    out["shuffle_default_generator"] = _epochs(DataLoader(_dataset(10), batch_size=4, shuffle=True))
    out["shuffle_default_generator_rand_after"] = torch.rand(3).tolist()

    g = torch.Generator().manual_seed(42)
    out["shuffle_generator_drop_last"] = _epochs(
        DataLoader(_dataset(25), batch_size=8, shuffle=True, generator=g, drop_last=True)
    )
    out["shuffle_generator_rand_after"] = torch.rand(3, generator=g).tolist()

    torch.manual_seed(7)
    out["shuffle_large"] = _epochs(DataLoader(_dataset(3000), batch_size=500, shuffle=True), 1)

    g = torch.Generator().manual_seed(5)
    out["random_sampler_replacement"] = list(
        RandomSampler(range(10), replacement=True, num_samples=70, generator=g)
    )
    g = torch.Generator().manual_seed(6)
    out["random_sampler_num_samples"] = list(RandomSampler(range(10), num_samples=23, generator=g))
    torch.manual_seed(8)
    out["random_sampler_no_generator"] = list(RandomSampler(range(12)))

    g = torch.Generator().manual_seed(9)
    out["subset_random_sampler"] = list(SubsetRandomSampler([10, 20, 30, 40, 50], generator=g))
    g = torch.Generator().manual_seed(10)
    weights = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6]
    out["weighted_replacement"] = list(WeightedRandomSampler(weights, 12, generator=g))
    g = torch.Generator().manual_seed(11)
    out["weighted_no_replacement"] = list(
        WeightedRandomSampler(weights, 4, replacement=False, generator=g)
    )

    g = torch.Generator().manual_seed(1)
    out["random_split_fractions"] = [
        list(s) for s in random_split(range(10), [0.3, 0.7], generator=g)
    ]
    torch.manual_seed(3)
    out["random_split_lengths_default"] = [list(s) for s in random_split(range(9), [2, 3, 4])]
    g = torch.Generator().manual_seed(2)
    out["random_split_uneven_fractions"] = [
        list(s) for s in random_split(range(11), [0.5, 0.25, 0.25], generator=g)
    ]
    return out


if __name__ == "__main__":
    data = {"_produced_by": f"torch {torch.__version__} CPU, make_data_orders.py"}
    data.update(cases())
    path = pathlib.Path(__file__).with_name("data_orders.json")
    lines = [f" {json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" for k, v in data.items()]
    path.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"wrote {path}")
