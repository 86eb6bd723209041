"""``torch.cuda.nvtx``: NVIDIA Tools Extension ranges and marks for profilers.

torchlike has no NVTX binding, so every call behaves as on PyTorch's CPU-only build: the
range/mark functions raise PyTorch's "NVTX functions not installed" RuntimeError, and
``range_start`` / ``range_end`` the AttributeError that build gives (its stub lacks them).
(This holds on a JAX GPU too; JAX's own ``jax.profiler.TraceAnnotation`` is the way to
annotate a trace there.)
"""

from __future__ import annotations

from contextlib import contextmanager

from torchlike._missing import module_getattr as _module_getattr

__all__ = ["range_push", "range_pop", "range_start", "range_end", "mark", "range"]


class _NVTXStub:
    """What PyTorch's CPU build has in place of its NVTX extension."""

    @staticmethod
    def _fail(*args, **kwargs):
        raise RuntimeError("NVTX functions not installed. Are you sure you have a CUDA build?")

    rangePushA = _fail
    rangePop = _fail
    markA = _fail


_nvtx = _NVTXStub()


def range_push(msg):
    """Push a range onto the stack of nested ranges (returns its zero-based depth)."""
    return _nvtx.rangePushA(msg)


def range_pop():
    """Pop a range off the stack of nested ranges (returns the depth of the one ended)."""
    return _nvtx.rangePop()


def range_start(msg) -> int:
    """Start a range that may end on another thread; returns its handle for ``range_end``."""
    return _nvtx.rangeStartA(msg)  # type: ignore[attr-defined]


def range_end(range_id) -> None:
    """End the range ``range_start`` returned ``range_id`` for."""
    _nvtx.rangeEnd(range_id)  # type: ignore[attr-defined]


def mark(msg):
    """Mark an instantaneous event."""
    return _nvtx.markA(msg)


@contextmanager
def range(msg, *args, **kwargs):  # noqa: A001 - PyTorch's name
    """Push ``msg.format(*args, **kwargs)`` as a range for the block (or decorated call)."""
    range_push(msg.format(*args, **kwargs))
    try:
        yield
    finally:
        range_pop()


__getattr__ = _module_getattr(__name__)
