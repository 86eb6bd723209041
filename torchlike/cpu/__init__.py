"""``torch.cpu``: the CPU's side of PyTorch's device-agnostic API (``torch.cpu.synchronize``,
``device_count``, ``Stream``, ``torch.cpu.amp`` ...), which device-generic training code calls as
``getattr(torch, device_type).synchronize()``.

One difference is real: PyTorch's CPU kernels run synchronously, so its ``synchronize`` returns at
once, while JAX dispatches CPU work asynchronously too.  ``synchronize()`` here waits for every
computation queued on the CPU (XLA runs them in order, so waiting for a tiny one queued last waits
for all), which is what timing code calling it expects.
"""

from __future__ import annotations

import os
import platform
from contextlib import AbstractContextManager
from functools import lru_cache
from types import MappingProxyType

import jax

from . import amp  # noqa: F401  (torch.cpu.amp)

__all__ = [
    "is_available",
    "is_initialized",
    "synchronize",
    "current_device",
    "current_stream",
    "stream",
    "set_device",
    "device_count",
    "Stream",
    "StreamContext",
    "Event",
    "get_capabilities",
]


def is_available() -> bool:
    return True


def is_initialized() -> bool:
    return True


def device_count() -> int:
    return 1


def current_device() -> str:
    return "cpu"


def set_device(device) -> None:
    """There is one CPU device: nothing to set (as in PyTorch)."""


def synchronize(device=None) -> None:
    """Wait for every computation queued on the CPU (``device`` is ignored, as in PyTorch)."""
    cpu = jax.devices("cpu")[0]
    (jax.device_put(0, cpu) + 0).block_until_ready()


class Stream:
    """A handle for device-agnostic code: CPU work has one queue, so waiting on a stream or an
    event is a no-op, as in PyTorch."""

    def __init__(self, priority: int = -1) -> None:
        pass

    def wait_stream(self, stream) -> None:
        pass

    def record_event(self) -> None:
        pass

    def wait_event(self, event) -> None:
        pass


class Event:
    def query(self) -> bool:
        return True

    def record(self, stream=None) -> None:
        pass

    def synchronize(self) -> None:
        pass

    def wait(self, stream=None) -> None:
        pass


_default_cpu_stream = Stream()
_current_stream = _default_cpu_stream


def current_stream(device=None) -> Stream:
    return _current_stream


class StreamContext(AbstractContextManager):
    """Makes ``stream`` the current CPU stream inside the block (None: leaves it alone)."""

    def __init__(self, stream):
        self.stream = stream
        self.prev_stream = _default_cpu_stream

    def __enter__(self):
        global _current_stream
        if self.stream is None:
            return
        self.prev_stream = _current_stream
        _current_stream = self.stream

    def __exit__(self, *exc) -> None:
        global _current_stream
        if self.stream is None:
            return
        _current_stream = self.prev_stream


def stream(stream) -> AbstractContextManager:
    return StreamContext(stream)


# /proc/cpuinfo's flag for each x86 capability PyTorch reports (its name where they agree)
_X86_FLAGS = {
    "sse": "sse", "sse2": "sse2", "sse3": "pni", "ssse3": "ssse3", "sse4_1": "sse4_1",
    "sse4_2": "sse4_2", "sse4a": "sse4a", "avx": "avx", "avx2": "avx2", "avx_vnni": "avx_vnni",
    "avx512_f": "avx512f", "avx512_cd": "avx512cd", "avx512_dq": "avx512dq",
    "avx512_bw": "avx512bw", "avx512_vl": "avx512vl", "avx512_ifma": "avx512ifma",
    "avx512_vbmi": "avx512vbmi", "avx512_vbmi2": "avx512_vbmi2",
    "avx512_bitalg": "avx512_bitalg", "avx512_vpopcntdq": "avx512_vpopcntdq",
    "avx512_vnni": "avx512_vnni", "avx512_bf16": "avx512_bf16", "avx512_fp16": "avx512_fp16",
    "avx512_vp2intersect": "avx512_vp2intersect", "avx512_4vnniw": "avx512_4vnniw",
    "avx512_4fmaps": "avx512_4fmaps", "avx10_1": "avx10_1", "avx10_2": "avx10_2",
    "avx_vnni_int8": "avx_vnni_int8", "avx_vnni_int16": "avx_vnni_int16",
    "avx_ne_convert": "avx_ne_convert", "amx_bf16": "amx_bf16", "amx_tile": "amx_tile",
    "amx_int8": "amx_int8", "amx_fp16": "amx_fp16", "fma3": "fma", "fma4": "fma4",
    "f16c": "f16c", "bmi": "bmi1", "bmi2": "bmi2", "popcnt": "popcnt", "lzcnt": "abm",
    "aes": "aes", "sha": "sha_ni", "clflush": "clflush", "clflushopt": "clflushopt",
    "clwb": "clwb",
}  # fmt: skip


def _cpuinfo_flags() -> set:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith(("flags", "Features")):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


@lru_cache(None)
def get_capabilities():
    """The instruction sets this CPU supports, as PyTorch names them (read from the operating
    system's CPU flags; Linux only, elsewhere just the architecture), plus ``architecture``.
    PyTorch's cache sizes, core counts and CPU name are not reported."""
    arch = platform.machine().lower()
    caps: dict = {}
    if arch in ("x86_64", "amd64", "i386", "i686"):
        flags = _cpuinfo_flags()
        caps = {name: flag in flags for name, flag in _X86_FLAGS.items()}
        arch = "x86_64" if arch in ("x86_64", "amd64") else "x86"
    caps["architecture"] = arch
    return MappingProxyType(caps)


def _is_avx2_supported() -> bool:
    return bool(get_capabilities().get("avx2", False))


def _is_avx512_supported() -> bool:
    return bool(get_capabilities().get("avx512_f", False))


def _is_avx512_bf16_supported() -> bool:
    return bool(get_capabilities().get("avx512_bf16", False))


def _is_vnni_supported() -> bool:
    return bool(get_capabilities().get("avx512_vnni", False))


def _is_amx_tile_supported() -> bool:
    return bool(get_capabilities().get("amx_tile", False))


def _is_amx_fp16_supported() -> bool:
    return bool(get_capabilities().get("amx_fp16", False))


del os

# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
