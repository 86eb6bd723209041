"""``torch.nn.attention``: the scaled-dot-product-attention backend selector.

torchlike has one SDPA implementation (XLA's), so the backends only switch the flags that
``torch.backends.cuda.*_sdp_enabled()`` report, as PyTorch's ``sdpa_kernel`` does; on the CPU
PyTorch's choice of kernel does not change the numbers either.
"""

from __future__ import annotations

import contextlib
import enum

from torchlike._missing import module_getattr as _module_getattr

from ...backends import cuda as _cuda

# PyTorch's flash-attention implementation registry (FA3/FA4 CUDA kernels) is left out
__all__ = ["SDPBackend", "sdpa_kernel", "WARN_FOR_UNFUSED_KERNELS"]

WARN_FOR_UNFUSED_KERNELS = False


class SDPBackend(enum.Enum):
    """An enum-like class that contains the different backends for scaled dot product attention.

    This backend class is designed to be used with the sdpa_kernel context manager."""

    ERROR = -1
    MATH = 0
    FLASH_ATTENTION = 1
    EFFICIENT_ATTENTION = 2
    CUDNN_ATTENTION = 3
    OVERRIDEABLE = 4

    # PyTorch's is a pybind11 enum: int() and hash() give the value, == compares members only
    def __int__(self):
        return self.value

    __index__ = __int__

    def __hash__(self):
        return hash(self.value)


# the flag behind each backend, in PyTorch's default priority order
_FLAGS = {
    SDPBackend.CUDNN_ATTENTION: "cudnn",
    SDPBackend.FLASH_ATTENTION: "flash",
    SDPBackend.EFFICIENT_ATTENTION: "mem_efficient",
    SDPBackend.MATH: "math",
}
_OVERRIDEABLE = [True]
_priority = [3, 1, 2, 0, 4]


def _cur_sdpa_kernel_backends(with_priority: bool = False):
    enabled = {b for b, flag in _FLAGS.items() if _cuda._sdp[flag]}
    if _OVERRIDEABLE[0]:
        enabled.add(SDPBackend.OVERRIDEABLE)
    order = _priority if with_priority else [3, 1, 2, 0, 4]
    return [SDPBackend(v) for v in order if SDPBackend(v) in enabled]


def _sdpa_kernel(backends, set_priority: bool = False) -> None:
    for backend, flag in _FLAGS.items():
        _cuda._sdp[flag] = backend in backends
    _OVERRIDEABLE[0] = SDPBackend.OVERRIDEABLE in backends
    if set_priority:
        user = [int(b) for b in backends]
        _priority[:] = user + [v for v in _priority if v not in user]


@contextlib.contextmanager
def sdpa_kernel(backends, set_priority: bool = False):
    """Enable only ``backends`` (one SDPBackend or a list) inside the block, restoring the
    previous flags on exit."""
    if not isinstance(backends, (list, SDPBackend)):
        raise AssertionError(
            "Backend must be an instance of SDPBackend or a list of SDPBackend instances, "
            f"got {type(backends).__name__}"
        )
    if isinstance(backends, SDPBackend):
        backends = [backends]
    backends = list(dict.fromkeys(backends))
    previous = _cur_sdpa_kernel_backends(with_priority=set_priority)
    try:
        _sdpa_kernel(backends, set_priority)
        yield {}
    finally:
        _sdpa_kernel(previous, set_priority)


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
__getattr__ = _module_getattr(__name__)
