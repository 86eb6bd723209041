"""``torch.cuda``: what a script asks about GPUs, answered from JAX's devices.

'cuda' means JAX's ``gpu`` platform: ``is_available()`` is True exactly when JAX has a GPU
device, and ``device_count()`` counts them.  Without one, every function behaves as in a CPU-only
PyTorch build: the seeding calls a script makes unconditionally are no-ops (PyTorch queues them
until CUDA initialises, which never happens), the memory counters read 0, and the calls that
need a device raise PyTorch's ``AssertionError: Torch not compiled with CUDA enabled``.

With a GPU, memory figures come from XLA's allocator (``jax.Device.memory_stats()``).  XLA keeps
one lifetime peak that cannot be reset, so after ``reset_peak_memory_stats()`` the peak is XLA's
peak if it has grown since, else the larger of the bytes in use at the reset and now (a lower
bound of the true peak).  ``empty_cache()`` is a no-op: XLA's allocator does not hand memory back.
"""

from __future__ import annotations

import time
import warnings
from collections import OrderedDict

import jax

from .. import _device, _size
from .._legacy import CUDA_TENSOR_TYPES as _CUDA_TENSOR_TYPES
from .._size import device as _device_type

NOT_COMPILED = "Torch not compiled with CUDA enabled"

_state = {"initialized": False}
_seeds = {}
_peak_floor = {}  # device index -> (XLA peak at the last reset, bytes in use at the reset)


def _gpus():
    return _size.jax_gpus()  # JAX's GPU devices, listed once for torchlike


def is_available() -> bool:
    return bool(_gpus())


def device_count() -> int:
    return len(_gpus())


def is_initialized() -> bool:
    return _state["initialized"]


def _lazy_init():
    if not _gpus():
        raise AssertionError(NOT_COMPILED)
    _state["initialized"] = True


def init():
    _lazy_init()


def _device_index(device, optional=False) -> int:
    """PyTorch's ``_get_device_index`` for CUDA devices: int, 'cuda:1', torch.device or None."""
    if isinstance(device, str):
        device = _device_type(device)
    if isinstance(device, _device_type):
        if device.type != "cuda":
            raise ValueError(f"Expected a cuda device, but got: {device}")
        index = device.index
    elif isinstance(device, int) and not isinstance(device, bool):
        index = device
    elif device is None:
        index = None
    else:
        raise ValueError(
            f"Expected a torch.device with a specified index or an integer, but got:{device}"
        )
    if index is None:
        if not optional:
            raise ValueError(
                f"Expected a torch.device with a specified index or an integer, but got:{device}"
            )
        index = current_device() if _gpus() else 0
    return index


def _jax_device(device=None):
    _lazy_init()
    index = _device_index(device, optional=True)
    gpus = _gpus()
    if not 0 <= index < len(gpus):
        raise RuntimeError("CUDA error: invalid device ordinal")
    return gpus[index]


# -- seeding: torchlike draws every random number from its one PyTorch-identical generator, so a
# CUDA seed has nothing to seed; it is checked and remembered as PyTorch would ----------------
def manual_seed(seed: int) -> None:
    seed = int(seed)
    if _gpus():
        _seeds[_device_index(None, optional=True)] = seed


def manual_seed_all(seed: int) -> None:
    seed = int(seed)
    for i in range(device_count()):
        _seeds[i] = seed


def seed() -> None:
    pass


def seed_all() -> None:
    pass


def initial_seed() -> int:
    _lazy_init()
    # unseeded, PyTorch's CUDA generators start from c10's default_rng_seed_val
    return _seeds.get(current_device(), 67280421310721)


def get_rng_state(device="cuda"):
    _lazy_init()
    raise NotImplementedError("torchlike has no separate CUDA generator; use torch.get_rng_state()")


def get_rng_state_all():
    return [get_rng_state(i) for i in range(device_count())]


def set_rng_state(new_state, device="cuda") -> None:
    if _gpus():
        raise NotImplementedError(
            "torchlike has no separate CUDA generator; use torch.set_rng_state()"
        )


def set_rng_state_all(new_states) -> None:
    for i, state in enumerate(new_states):
        set_rng_state(state, i)


# -- devices ----------------------------------------------------------------------------------
def current_device() -> int:
    _lazy_init()
    return _device.current_cuda()


def set_device(device) -> None:
    index = _device_index(device)
    if index < 0:
        return
    if not _gpus():
        # what a CPU-only PyTorch build raises here
        raise AttributeError("module 'torch._C' has no attribute '_cuda_setDevice'")
    _jax_device(index)
    _device.set_current_cuda(index)


def get_device_name(device=None) -> str:
    return _jax_device(device).device_kind


def get_device_capability(device=None) -> tuple:
    dev = _jax_device(device)
    cc = str(getattr(dev, "compute_capability", "0.0"))
    major, _, minor = cc.partition(".")
    return int(major), int(minor or 0)


class _DeviceProperties:
    def __init__(self, dev):
        stats = dev.memory_stats() or {}
        self.name = dev.device_kind
        self.major, self.minor = get_device_capability(dev.id)
        self.total_memory = stats.get("bytes_limit", 0)
        self.multi_processor_count = getattr(dev, "core_count", 0)

    def __repr__(self):
        return (
            f"_CudaDeviceProperties(name='{self.name}', major={self.major}, "
            f"minor={self.minor}, total_memory={self.total_memory // 2**20}MB, "
            f"multi_processor_count={self.multi_processor_count})"
        )


def get_device_properties(device=None):
    return _DeviceProperties(_jax_device(device))


def get_arch_list() -> list:
    return []


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return bool(_gpus())


class device:
    """Context manager that makes ``device`` the current CUDA device."""

    def __init__(self, device):
        self.idx = _device_index(device, optional=True)
        self.prev_idx = -1

    def __enter__(self):
        if self.idx == -1:
            return
        if not _gpus():
            raise RuntimeError("PyTorch was compiled without CUDA support")
        self.prev_idx = _device.current_cuda()
        set_device(self.idx)

    def __exit__(self, *exc):
        if self.prev_idx != -1:
            _device.set_current_cuda(self.prev_idx)
        return False


class device_of(device):
    """Context manager that makes a tensor's device current (a no-op for CPU tensors)."""

    def __init__(self, obj):
        dev = obj.device
        super().__init__(dev.index if dev.type == "cuda" and dev.index is not None else -1)


def synchronize(device=None) -> None:
    dev = _jax_device(device)
    # XLA runs one device's computations in order on its compute stream, so waiting for a
    # tiny computation there waits for everything queued before it
    (jax.device_put(0, dev) + 0).block_until_ready()


# -- memory -----------------------------------------------------------------------------------
def _stats(device):
    if not _gpus():
        return None
    return _jax_device(device).memory_stats() or {}


def empty_cache() -> None:
    pass


def memory_allocated(device=None) -> int:
    stats = _stats(device)
    return 0 if stats is None else stats.get("bytes_in_use", 0)


def max_memory_allocated(device=None) -> int:
    stats = _stats(device)
    if stats is None:
        return 0
    peak = stats.get("peak_bytes_in_use", 0)
    floor = _peak_floor.get(_device_index(device, optional=True))
    if floor is not None and peak <= floor[0]:
        return max(floor[1], stats.get("bytes_in_use", 0))
    return peak


def memory_reserved(device=None) -> int:
    stats = _stats(device)
    return 0 if stats is None else stats.get("pool_bytes", stats.get("bytes_reserved", 0))


def max_memory_reserved(device=None) -> int:
    stats = _stats(device)
    return 0 if stats is None else stats.get("peak_pool_bytes", stats.get("peak_bytes_reserved", 0))


memory_cached = memory_reserved
max_memory_cached = max_memory_reserved


def memory_stats(device=None) -> OrderedDict:
    stats = _stats(device)
    if stats is None:
        return OrderedDict()
    return OrderedDict(
        sorted(
            {
                "allocated_bytes.all.current": memory_allocated(device),
                "allocated_bytes.all.peak": max_memory_allocated(device),
                "reserved_bytes.all.current": memory_reserved(device),
                "reserved_bytes.all.peak": max_memory_reserved(device),
                "num_alloc_retries": 0,
                "num_ooms": 0,
            }.items()
        )
    )


def reset_peak_memory_stats(device=None) -> None:
    if not _gpus():
        raise AttributeError("module 'torch._C' has no attribute '_cuda_resetPeakMemoryStats'")
    stats = _stats(device)
    _peak_floor[_device_index(device, optional=True)] = (
        stats.get("peak_bytes_in_use", 0),
        stats.get("bytes_in_use", 0),
    )


def reset_max_memory_allocated(device=None) -> None:
    warnings.warn(
        "torch.cuda.reset_max_memory_allocated now calls "
        "torch.cuda.reset_peak_memory_stats, which resets /all/ peak memory stats.",
        FutureWarning,
        stacklevel=2,
    )
    reset_peak_memory_stats(device)


def mem_get_info(device=None) -> tuple:
    stats = _jax_device(device).memory_stats() or {}
    total = stats.get("bytes_limit", 0)
    return total - stats.get("bytes_in_use", 0), total


def ipc_collect() -> None:
    _lazy_init()


def memory_summary(device=None, abbreviated=False) -> str:
    stats = memory_stats(device)
    # a CPU-only PyTorch build fails here the same way: its stats dict is empty
    allocated, peak = stats["allocated_bytes.all.current"], stats["allocated_bytes.all.peak"]
    reserved = stats["reserved_bytes.all.current"]
    return (
        f"|  device {_device_index(device, optional=True)}: "
        f"allocated {allocated} bytes (peak {peak}), reserved {reserved} bytes  |"
    )


# -- streams and events ------------------------------------------------------------------------
# XLA runs each device's work in order on its own compute stream, and torchlike exposes no other
# streams: a Stream is a documented no-op handle (work issued "on" it runs on the device's one
# stream, so ordering is always at least as strict as PyTorch's), and an Event records a host
# timestamp after waiting for the device's queued work, so elapsed_time() measures device time.
class Stream:
    """``torch.cuda.Stream``: a handle on the device's single XLA stream (see above)."""

    def __init__(self, device=None, priority=0, **kwargs):
        if not _gpus():
            raise RuntimeError("torch.cuda.Stream requires CUDA support")
        self.device = _size.device("cuda", _device_index(device, optional=True))
        self.priority = priority

    def wait_stream(self, stream) -> None:
        return None  # one stream per device: already ordered

    def wait_event(self, event) -> None:
        return None

    def record_event(self, event=None):
        event = Event() if event is None else event
        event.record(self)
        return event

    def query(self) -> bool:
        self.synchronize()
        return True

    def synchronize(self) -> None:
        synchronize(self.device)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __eq__(self, other):
        return isinstance(other, Stream) and other.device == self.device

    def __hash__(self):
        return hash(("stream", self.device))

    def __repr__(self):
        return f"<torch.cuda.Stream device={self.device} cuda_stream=0x0>"


def current_stream(device=None) -> Stream:
    _lazy_init()
    return Stream(device)


default_stream = current_stream


def set_stream(stream) -> None:
    """Selecting a stream selects its device; the device's work stays on its one XLA stream."""
    if stream is not None:
        set_device(stream.device)


class stream:
    """``with torch.cuda.stream(s):`` — work inside runs on the device's one XLA stream."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self.stream if self.stream is None else self.stream.__enter__()

    def __exit__(self, *exc):
        return False


StreamContext = stream


class Event:
    """``torch.cuda.Event(enable_timing=...)``: ``record`` waits for the device's queued work and
    takes a host timestamp; ``elapsed_time`` gives the milliseconds between two records."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        if not _gpus():
            raise RuntimeError("Tried to instantiate dummy base class Event")
        self.enable_timing = enable_timing
        self._time = None
        self._device = None

    def record(self, stream=None) -> None:
        self._device = current_device() if stream is None else stream.device.index
        synchronize(self._device)
        self._time = time.perf_counter()

    def wait(self, stream=None) -> None:
        return None

    def query(self) -> bool:
        return True

    def synchronize(self) -> None:
        if self._device is not None:
            synchronize(self._device)

    def elapsed_time(self, end_event) -> float:
        if not (self.enable_timing and end_event.enable_timing):
            raise RuntimeError("Both events must be created with argument 'enable_timing=True'.")
        if self._time is None or end_event._time is None:
            raise RuntimeError("Both events must be recorded before calculating elapsed time.")
        return (end_event._time - self._time) * 1000.0


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

from . import nvtx  # noqa: E402,F401  (torch.cuda.nvtx, loaded with torch.cuda as in PyTorch)

__getattr__ = _module_getattr(__name__)


globals().update(_CUDA_TENSOR_TYPES)  # torch.cuda.FloatTensor … (constructing one needs CUDA)
