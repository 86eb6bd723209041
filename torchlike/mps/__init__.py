"""``torch.mps`` as PyTorch has it on a machine without Apple's Metal backend: JAX has no MPS
device, so torchlike is always that machine.  ``is_available()`` is False, ``device_count()`` 0,
``manual_seed`` is a no-op (``torch.manual_seed`` calls it), and every call that needs the device
raises PyTorch's RuntimeError, so device-agnostic code takes its CPU or CUDA branch."""

from __future__ import annotations

__all__ = [
    "compile_shader",
    "current_allocated_memory",
    "device_count",
    "driver_allocated_memory",
    "empty_cache",
    "get_rng_state",
    "is_available",
    "manual_seed",
    "recommended_max_memory",
    "seed",
    "set_per_process_memory_fraction",
    "set_rng_state",
    "synchronize",
    "Event",
]


def _no_mps(call):
    return RuntimeError(f"Cannot execute {call}() without MPS backend.")


def is_available() -> bool:
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """Without MPS there is no MPS generator to seed (PyTorch returns too)."""


def seed() -> None:
    raise _no_mps("getDefaultGenerator")


def get_rng_state(device="mps"):
    raise _no_mps("getDefaultGenerator")


def set_rng_state(new_state, device="mps") -> None:
    raise _no_mps("getDefaultGenerator")


def synchronize() -> None:
    raise _no_mps("deviceSynchronize")


def empty_cache() -> None:
    raise _no_mps("emptyCache")


def set_per_process_memory_fraction(fraction) -> None:
    raise _no_mps("setMemoryFraction")


def current_allocated_memory() -> int:
    raise _no_mps("getCurrentAllocatedMemory")


def driver_allocated_memory() -> int:
    raise _no_mps("getDriverAllocatedMemory")


def recommended_max_memory() -> int:
    raise _no_mps("getRecommendedMaxMemory")


def compile_shader(source: str):
    raise RuntimeError("MPS is not available")


class Event:
    def __init__(self, enable_timing: bool = False) -> None:
        raise _no_mps("acquireEvent")


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
