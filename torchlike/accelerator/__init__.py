"""``torch.accelerator``: the device-agnostic accelerator API over whatever JAX drives.

The accelerator is ``cuda`` when JAX has GPUs (the calls below are then ``torch.cuda``'s), else
none: ``is_available()`` is False and the device calls raise PyTorch's error, as on a CPU-only
PyTorch build.  TPUs (``'xla'``) are not an accelerator here, as PyTorch/XLA's are not one to
``torch.accelerator``.
"""

from __future__ import annotations

import contextlib

from .. import _device, cuda

__all__ = [
    "current_accelerator",
    "current_device_idx",
    "current_device_index",
    "current_stream",
    "device_count",
    "device_index",
    "empty_cache",
    "is_available",
    "max_memory_allocated",
    "max_memory_reserved",
    "memory_allocated",
    "memory_reserved",
    "memory_stats",
    "reset_peak_memory_stats",
    "set_device_idx",
    "set_device_index",
    "set_stream",
    "synchronize",
]

_NONE = "Cannot access accelerator device when none is available."


def is_available() -> bool:
    return cuda.is_available()


def current_accelerator(check_available: bool = False):
    """``torch.device('cuda')`` when JAX has GPUs, else None."""
    if cuda.is_available():
        return _device.device("cuda")
    return None


def device_count() -> int:
    return cuda.device_count()


def _need():
    if not cuda.is_available():
        raise RuntimeError(_NONE)


def current_device_index() -> int:
    _need()
    return cuda.current_device()


current_device_idx = current_device_index


def set_device_index(device, /) -> None:
    _need()
    cuda.set_device(device)


set_device_idx = set_device_index


@contextlib.contextmanager
def device_index(device, /):
    """Within the block, ``device`` (an index; None: unchanged) is the current accelerator."""
    if device is None:
        yield
        return
    _need()
    with cuda.device(device):
        yield


def synchronize(device=None, /) -> None:
    _need()
    cuda.synchronize(device)


def current_stream(device=None, /):
    _need()
    return cuda.current_stream(device)


def set_stream(stream) -> None:
    _need()
    cuda.set_stream(stream)


def empty_cache() -> None:
    if cuda.is_available():
        cuda.empty_cache()


def _memory(name):
    def stat(device_index=None, /):
        _need()
        return getattr(cuda, name)(device_index)

    stat.__name__ = name
    return stat


memory_allocated = _memory("memory_allocated")
max_memory_allocated = _memory("max_memory_allocated")
memory_reserved = _memory("memory_reserved")
max_memory_reserved = _memory("max_memory_reserved")
memory_stats = _memory("memory_stats")
reset_peak_memory_stats = _memory("reset_peak_memory_stats")


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
