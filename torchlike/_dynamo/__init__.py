"""``torch._dynamo``: the few names scripts reach for (``reset``, ``config``, ``exc``)."""

from __future__ import annotations

from .._compile import config, exc, list_backends, reset
from .._compile import disable as _disable

__all__ = ["reset", "config", "exc", "list_backends", "disable", "is_compiling"]


def disable(fn=None, recursive=True):
    return _disable(fn, recursive)


def is_compiling() -> bool:
    from .._compile import is_compiling as _is_compiling

    return _is_compiling()


from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
