"""``torch.compiler``: the public controls of ``torch.compile`` (see ``torchlike/_compile``)."""

from __future__ import annotations

from .._compile import disable, is_compiling, reset

__all__ = [
    "cudagraph_mark_step_begin",
    "disable",
    "reset",
    "is_compiling",
    "is_dynamo_compiling",
    "is_exporting",
]


def is_dynamo_compiling() -> bool:
    """True while torch.compile traces a call (the same as ``is_compiling`` here)."""
    return is_compiling()


def is_exporting() -> bool:
    return False


def cudagraph_mark_step_begin() -> None:
    """Mark the start of a new inference or training iteration for CUDA-graph trees.

    torchlike's compiled programs are XLA executables, not CUDA graphs that recycle the
    previous iteration's output memory, so there is no generation to advance: outputs of
    earlier calls stay valid either way (which is what the marker exists to guarantee)."""
    return None


# A torch.compiler name torchlike lacks: an AttributeError naming it and the nearest one.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
