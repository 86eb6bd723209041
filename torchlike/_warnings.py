"""Warnings PyTorch raises from its C++ code: their text ends with where in PyTorch's build
they were raised ("(Triggered internally at ...)"), which torchlike prints too, so a script's
output matches line for line."""

from __future__ import annotations

import warnings

_BUILD = "/__w/pytorch/pytorch/"
_WARNED: set = set()


def internal(message: str, where: str) -> str:
    """``message`` as PyTorch prints it when raised at ``where`` (a path in its source tree)."""
    return f"{message} (Triggered internally at {_BUILD}{where}.)"


def warn(message, where, *, once=False, category=UserWarning, stacklevel=3):
    """``TORCH_WARN`` (every call) or ``TORCH_WARN_ONCE`` (once per process: ``once``)."""
    if once:
        if message in _WARNED:
            return
        _WARNED.add(message)
    warnings.warn(internal(message, where), category, stacklevel=stacklevel + 1)
