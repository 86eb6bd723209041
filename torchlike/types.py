"""torch.types: the type aliases PyTorch's own annotations use (``Device``, ``_size``,
``Number`` ...), which library code imports for its annotations.  torchlike has no symbolic
shapes, so the ``*LikeType`` aliases are the plain Python types and ``py_sym_types`` is
empty; ``_qscheme`` and the ``Storage`` protocol are not provided."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import IO

from ._dtype import dtype
from ._layout import layout
from ._size import Size
from ._size import device as _device
from ._tensor import Tensor

_int = int
_float = float
_bool = bool
_complex = complex
_str = str
_bytes = bytes
_dtype = dtype
_layout = layout

Number = int | float | bool
_Number = (int, float, bool)  # (for isinstance, as PyTorch's)
_size = Size | list[int] | tuple[int, ...]
_symsize = Size | Sequence[int]
Device = _device | str | int | None
_dispatchkey = str
FileLike = str | os.PathLike | IO[bytes]
_TensorOrTensors = Tensor | Sequence[Tensor]
_TensorOrOptionalTensors = Tensor | Sequence[Tensor | None]
IntLikeType = int
FloatLikeType = float
BoolLikeType = bool
py_sym_types: tuple = ()

__all__ = ["Number", "Device", "FileLike", "IntLikeType", "FloatLikeType", "BoolLikeType"]
