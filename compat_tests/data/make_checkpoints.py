"""Regenerate the two checkpoints ``test_serialization.py`` loads with each backend.

    python compat_tests/data/make_checkpoints.py torch       # -> torch_checkpoint.pt
    python compat_tests/data/make_checkpoints.py torchlike   # -> torchlike_checkpoint.pt

``torch_checkpoint.pt`` was written by real torch 2.13.0 (CPU) and ``torchlike_checkpoint.pt``
by torchlike.  The compat tests load *both* files with the backend under test, so the
reference session (``--backend=torch``) checks that PyTorch reads torchlike's files, and the
torchlike session checks that torchlike reads PyTorch's files without torch installed.
Values are built without random numbers so both writers store the same content.
"""

import collections
import importlib
import pathlib
import sys


def checkpoint(torch):
    """The saved object: a state dict, an optimizer state dict, every dtype and the Python
    values a checkpoint typically holds.  Deterministic (no RNG)."""
    weight = (torch.arange(6, dtype=torch.float32).reshape(2, 3) - 2.5) / 4
    bias = torch.tensor([0.5, -0.25])
    weight.requires_grad_(True)
    bias.requires_grad_(True)
    opt = torch.optim.Adam([weight, bias], lr=0.01, amsgrad=True)
    (weight.sum() * 2 + (bias**2).sum()).backward()
    opt.step()
    base = torch.arange(12, dtype=torch.float64).reshape(3, 4)
    shared = torch.tensor([1.0, 2.0, 3.0])
    return {
        "model": collections.OrderedDict(weight=weight.detach(), bias=bias.detach()),
        "optim": opt.state_dict(),
        "dtypes": {
            "float64": torch.tensor([1.5, -2.25], dtype=torch.float64),
            "float32": torch.tensor([[1.5], [-2.25]], dtype=torch.float32),
            "float16": torch.tensor([0.1, 65504.0], dtype=torch.float16),
            "bfloat16": torch.tensor([0.1, -3.0e38], dtype=torch.bfloat16),
            "int64": torch.tensor([-(2**62), 7], dtype=torch.int64),
            "int32": torch.tensor([-(2**31), 5], dtype=torch.int32),
            "int16": torch.tensor([-300, 300], dtype=torch.int16),
            "int8": torch.tensor([-128, 127], dtype=torch.int8),
            "uint8": torch.tensor([0, 255], dtype=torch.uint8),
            "bool": torch.tensor([True, False, True]),
            "complex64": torch.tensor([1 + 2j, -0.5j], dtype=torch.complex64),
            "complex128": torch.tensor([3 - 4j], dtype=torch.complex128),
        },
        "scalar": torch.tensor(3.25),
        "empty": torch.zeros(0, 3),
        "row_view": base[1],  # torch: a view at a storage offset
        "transposed": base.t(),  # torch: a non-contiguous view
        "strided": base[:, ::2],
        "param": torch.nn.Parameter(torch.tensor([1.0, -1.0])),
        "frozen_param": torch.nn.Parameter(torch.tensor([2.0]), requires_grad=False),
        "requires_grad": torch.tensor([4.0, 5.0], requires_grad=True),
        "shared_a": shared,
        "shared_b": shared,
        "size": torch.Size([2, 3]),
        "device": torch.device("cpu"),
        "dtype": torch.float16,
        "misc": [1, 2.5, "text", (3, 4), None, True, b"bytes", {1, 2}, 1 + 2j],
        "epoch": 7,
    }


if __name__ == "__main__":
    name = sys.argv[1]
    backend = importlib.import_module(name)
    path = pathlib.Path(__file__).with_name(f"{name}_checkpoint.pt")
    backend.save(checkpoint(backend), path)
    print(f"wrote {path}")
