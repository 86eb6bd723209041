"""torch.Size and torch.device."""

from __future__ import annotations

import functools
import math
import os
import re

import jax

from ._classes import TorchNamed


class Size(tuple, metaclass=TorchNamed):
    """A tuple of ints with PyTorch's repr: ``torch.Size([2, 3])``."""

    _torch_name = "torch.Size"

    def __new__(cls, sizes=()):
        return tuple.__new__(cls, map(int, sizes))

    def __repr__(self):
        return f"torch.Size({list(self)!r})"

    __str__ = __repr__

    def numel(self) -> int:
        return math.prod(self)

    def __getitem__(self, item):
        out = super().__getitem__(item)
        return Size(out) if isinstance(item, slice) else out

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __reduce__(self):
        return (Size, (tuple(self),))


# PyTorch's device-string grammar: a type name, then optionally ':' and an index without
# leading zeros; anything else is an "Invalid device string"
_DEVICE_STRING = re.compile(r"([a-zA-Z_]+)(?::([1-9][0-9]*|0))?")
builtins_type = type


class device(metaclass=TorchNamed):
    """``torch.device('cpu')``, ``torch.device('cuda', 0)``, ``torch.device('cuda:0')``."""

    _torch_name = "torch.device"

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):  # noqa: A002 - PyTorch's parameter name
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int):
            type, index = "cuda", type
        if not isinstance(type, str):
            got = builtins_type(type).__name__
            raise TypeError(
                f"device() received an invalid combination of arguments - got ({got}), but "
                "expected one of:\n * (torch.device device)\n      didn't match because some of "
                f"the arguments have invalid types: (!{got}!)\n * (str type, int index = -1)\n"
            )
        if not type:
            raise RuntimeError("Device string must not be empty")
        m = _DEVICE_STRING.fullmatch(type)
        if m is None:
            raise RuntimeError(f"Invalid device string: '{type}'")
        if m.group(2) is not None:
            type, index = m.group(1), int(m.group(2))
        if type not in ("cpu", "cuda", "mps", "tpu", "meta", "xla"):
            raise RuntimeError(
                "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, "
                "fpga, maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type "
                f"at start of device string: {type}"
            )
        self.type = type
        self.index = index

    def __repr__(self):
        if self.index is None:
            return f"device(type={self.type!r})"
        return f"device(type={self.type!r}, index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        # PyTorch's: a device equals only a device (``torch.device("cpu") == "cpu"`` is False)
        if not isinstance(other, device):
            return NotImplemented
        return (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))


@functools.lru_cache(maxsize=1)
def check_size_items(name, arg, items, is_int) -> None:
    """PyTorch's argument-parser error for a size sequence holding a non-integer
    (``torch.zeros(2, 3.0)``, ``x.view(2, 3.0)``): ``arg`` is the parameter's name."""
    for pos, v in enumerate(items):
        if not is_int(v):
            raise TypeError(
                f"{name}(): argument '{arg}' failed to unpack the object at pos {pos + 1} with "
                f'error "type must be tuple of ints,but got {type(v).__name__}"'
            )


def jax_gpus() -> tuple:
    """JAX's GPU devices: what 'cuda' means to torchlike (empty on a machine without one).
    Tests only: ``TORCHLIKE_TEST_HOST_DEVICES_AS_CUDA=1`` makes JAX's extra host devices stand
    in for GPUs (see ``_device.py``)."""
    if os.environ.get("TORCHLIKE_TEST_HOST_DEVICES_AS_CUDA") == "1":
        return tuple(jax.devices("cpu"))[1:]
    try:
        return tuple(jax.devices("gpu"))
    except RuntimeError:  # no GPU backend
        return ()


def check_device_available(dev) -> None:
    """Raise PyTorch's error when ``dev`` names a device this machine lacks (CPU-only build)."""
    if isinstance(dev, int) and not isinstance(dev, bool):
        if not jax_gpus():
            raise RuntimeError("Cannot access accelerator device when none is available.")
        dev = device("cuda", dev)
    dev = dev if isinstance(dev, device) else device(dev)
    if dev.type == "cuda":
        gpus = jax_gpus()
        if not gpus:
            raise AssertionError("Torch not compiled with CUDA enabled")
        if dev.index is not None and not 0 <= dev.index < len(gpus):
            raise RuntimeError("CUDA error: invalid device ordinal")
    elif dev.type == "mps":
        raise RuntimeError("PyTorch is not linked with support for mps devices")
