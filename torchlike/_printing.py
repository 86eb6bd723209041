"""Tensor ``repr``/``str`` identical to PyTorch's, character for character, and print options.

PyTorch's formatter works in three steps, and so does this module:

1. Choose one element format for the whole tensor (``_ElementFormatter``): fixed-point,
   scientific, or "integer-valued float" (``1.``), plus a common column width.  The choice looks
   only at the elements that will be displayed (the edges, when the tensor is summarized).
2. Lay the elements out as nested brackets (``_format_nested``), wrapping 1-d rows at
   ``linewidth`` and replacing the middle of long dimensions with ``...``.
3. Append the suffixes (``device=``, ``dtype=``, ``size=``, ``grad_fn=``/``requires_grad=``),
   moving one to a new line when it would overflow ``linewidth`` (``_append_suffixes``).

Numbers are formatted by Python's own float formatting of the float64 value of each element,
which is what PyTorch does (``tensor.tolist()`` then ``str.format``), so the digits agree
exactly.  Half-precision and bfloat16 values are exactly representable in float64, so upcasting
loses nothing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _dtype

__all__ = ["tensor_repr", "set_printoptions", "get_printoptions", "printoptions"]


# ---------------------------------------------------------------------------------------------
# Print options: process-wide, like PyTorch's.


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    # An int by default; the 'full' profile stores math.inf.  get_printoptions() reports which.
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


_OPTIONS = _PrintOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(
    precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None
):
    """Set options for printing tensors (PyTorch semantics).

    A ``profile`` ('default', 'short' or 'full'; anything else is ignored) is applied first, then
    any explicitly given option overrides it.  ``sci_mode`` is always assigned, so every call
    without ``sci_mode=`` resets it to automatic (``None``), as in PyTorch.
    """
    if profile is not None and profile in _PROFILES:
        for name, value in _PROFILES[profile].items():
            setattr(_OPTIONS, name, value)
    if precision is not None:
        _OPTIONS.precision = precision
    if threshold is not None:
        _OPTIONS.threshold = threshold
    if edgeitems is not None:
        _OPTIONS.edgeitems = edgeitems
    if linewidth is not None:
        _OPTIONS.linewidth = linewidth
    _OPTIONS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print options, as keyword arguments accepted by ``set_printoptions``."""
    return dataclasses.asdict(_OPTIONS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options (same arguments as ``set_printoptions``)."""
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


# ---------------------------------------------------------------------------------------------
# Step 1: one element format for the whole tensor.


class _ElementFormatter:
    """Formats single elements so that every element of one tensor shares style and width.

    ``values`` holds the elements that will be displayed, as a flat NumPy array: float64 for
    floating tensors (one formatter each for the real and imaginary parts of complex tensors),
    the tensor's own integer/bool dtype otherwise.
    """

    def __init__(self, values: np.ndarray, is_floating: bool):
        self.is_floating = is_floating
        self.int_mode = True  # every finite value is integral: print "1." rather than "1.0000"
        self.sci_mode = False
        self.width = 1

        if not is_floating:
            for value in values.tolist():
                self.width = max(self.width, len(str(value)))
            return

        # Zeros, nan and inf do not influence the style or the width; a tensor holding only
        # those keeps the defaults (int_mode, width 1), and nan/inf simply overflow the column.
        shown = values[np.isfinite(values) & (values != 0)]
        if shown.size == 0:
            return

        magnitudes = np.abs(shown)
        smallest, largest = magnitudes.min(), magnitudes.max()
        self.int_mode = bool(np.all(shown == np.ceil(shown)))

        precision = _OPTIONS.precision
        if _OPTIONS.sci_mode is None:
            with np.errstate(over="ignore"):  # a ratio like 1e300 / 1e-300 is just inf
                spread = largest / smallest
            self.sci_mode = bool(spread > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4)
        else:
            self.sci_mode = _OPTIONS.sci_mode

        if self.sci_mode:
            texts = (f"{value:.{precision}e}" for value in shown.tolist())
            self.width = max(self.width, *(len(text) for text in texts))
        elif self.int_mode:
            # The trailing "." that marks an integral float counts toward the width.
            self.width = max(self.width, *(len(f"{value:.0f}") + 1 for value in shown.tolist()))
        else:
            texts = (f"{value:.{precision}f}" for value in shown.tolist())
            self.width = max(self.width, *(len(text) for text in texts))

    def format(self, value) -> str:
        if not self.is_floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:.{_OPTIONS.precision}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if math.isfinite(value):
                text += "."
        else:
            text = f"{value:.{_OPTIONS.precision}f}"
        return text.rjust(self.width)


def _summarize(array: np.ndarray) -> tuple[np.ndarray, tuple[bool, ...]]:
    """The part of ``array`` a summarized print shows, and which axes were cut short.

    Every axis longer than ``2 * edgeitems`` keeps only ``edgeitems`` entries from each end; a
    ``...`` later marks the gap.  PyTorch picks exactly these elements to choose the element
    format, so the style and width of a summarized tensor depend on its edges only.  (With
    ``edgeitems=0`` nothing is shown, so what the formatter sees does not matter.)
    """
    edge = _OPTIONS.edgeitems
    kept, cut = [], []
    for length in array.shape:
        if length > 2 * edge:
            kept.append(np.concatenate([np.arange(edge), np.arange(length - edge, length)]))
            cut.append(True)
        else:
            kept.append(np.arange(length))
            cut.append(False)
    if array.ndim:
        array = array[np.ix_(*kept)]
    return array, tuple(cut)


# ---------------------------------------------------------------------------------------------
# Step 2: nested brackets.


class _Layout:
    """Formatting state shared by every level of one tensor's nested layout.

    ``cut[d]`` says whether axis ``d`` was shortened by summarization, in which case the array
    being laid out holds ``edgeitems`` entries on each side of a ``...``.
    """

    def __init__(
        self,
        summarize: bool,
        cut: tuple[bool, ...],
        real: _ElementFormatter,
        imag: _ElementFormatter | None = None,
    ):
        self.summarize = summarize
        self.cut = cut
        self.real = real
        self.imag = imag

    def element(self, value) -> str:
        if self.imag is None:
            return self.real.format(value)
        real_text = self.real.format(value.real)
        imag_text = (self.imag.format(value.imag) + "j").lstrip()
        # A sign (including that of -0.0) already separates the parts; otherwise add "+".
        if imag_text[0] in "+-":
            return real_text + imag_text
        return real_text + "+" + imag_text

    def element_width(self) -> int:
        # Each element is followed by ", "; complex elements add the imaginary part and "j".
        width = self.real.width + 2
        if self.imag is not None:
            width += self.imag.width + 1
        return width


def _format_vector(array: np.ndarray, depth: int, indent: int, layout: _Layout) -> str:
    edge = _OPTIONS.edgeitems
    if layout.summarize and not edge:
        items = ["..."]
    elif layout.cut[depth]:
        items = (
            [layout.element(v) for v in array[:edge].tolist()]
            + [" ..."]
            + [layout.element(v) for v in array[edge:].tolist()]
        )
    else:
        items = [layout.element(v) for v in array.tolist()]

    per_line = max(1, (_OPTIONS.linewidth - indent) // layout.element_width())
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _format_nested(array: np.ndarray, depth: int, indent: int, layout: _Layout) -> str:
    if array.ndim == 0:
        return layout.element(array.item())
    if array.ndim == 1:
        return _format_vector(array, depth, indent, layout)

    parts = [_format_nested(row, depth + 1, indent + 1, layout) for row in array]
    if layout.cut[depth]:
        edge = _OPTIONS.edgeitems
        parts = parts[:edge] + ["..."] + parts[edge:]
    # Blocks of a 3-d tensor are separated by one blank line, of a 4-d tensor by two, ...
    separator = "," + "\n" * (array.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(parts) + "]"


def _widen(array: np.ndarray, dtype) -> np.ndarray:
    """Floats as float64 (exact for every float dtype, bfloat16 included), the rest as is."""
    if dtype.is_complex:
        return array.astype(np.complex128)
    if dtype.is_floating_point:
        return array.astype(np.float64)
    return array


def _format_contents(array: np.ndarray, dtype, indent: int) -> str:
    """The bracketed body of a non-empty tensor, e.g. ``[[1., 2.],\\n        [3., 4.]]``."""
    summarize = array.size > _OPTIONS.threshold
    if summarize:
        # Cut before widening: a huge tensor is never copied whole to float64.
        array, cut = _summarize(array)
    else:
        cut = (False,) * array.ndim
    array = _widen(array, dtype)
    shown = array.reshape(-1)
    if dtype.is_complex:
        real = _ElementFormatter(shown.real, is_floating=True)
        imag = _ElementFormatter(shown.imag, is_floating=True)
        layout = _Layout(summarize, cut, real, imag)
    else:
        layout = _Layout(summarize, cut, _ElementFormatter(shown, dtype.is_floating_point))
    return _format_nested(array, 0, indent, layout)


# ---------------------------------------------------------------------------------------------
# Step 3: suffixes, and the whole repr.


def _append_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    # PyTorch measures the last line as len - rfind("\n") + 1, i.e. two characters more than
    # its real length when there is no newline at all; the wrapping decision depends on it.
    last_line_length = len(text) - text.rfind("\n") + 1
    pieces = [text]
    for suffix in suffixes:
        if last_line_length + len(suffix) + 2 > _OPTIONS.linewidth:
            pieces.append(",\n" + " " * indent + suffix)
            last_line_length = indent + len(suffix)
        else:
            pieces.append(", " + suffix)
            last_line_length += len(suffix) + 2
    pieces.append(")")
    return "".join(pieces)


def _grad_fn_name(t) -> str | None:
    try:
        grad_fn = t.grad_fn
    except RuntimeError:
        # PyTorch prints this when reading grad_fn itself fails (an invalid view rebase).
        return "Invalid"
    if grad_fn is None:
        return None
    name = grad_fn.name() if hasattr(grad_fn, "name") else type(grad_fn).__name__
    # C++ nodes may be reported with a namespace ("torch::autograd::AccumulateGrad").
    return name.rsplit("::", 1)[-1]


def tensor_repr(t) -> str:
    """``repr(t)`` (and ``str(t)``) exactly as PyTorch prints a plain dense tensor."""
    prefix = "tensor("
    indent = len(prefix)
    dtype = t.dtype
    shape = tuple(int(n) for n in t.shape)  # plain ints: they are printed in size=(...)
    suffixes = []

    # The device is shown whenever it is not the default device (always CPU here).
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")

    default_float = _dtype.get_default_dtype()
    if t.device.type == "meta":
        # no data: PyTorch prints an ellipsis, the size always and every dtype but the default
        suffixes.append(f"size={shape}")
        if dtype is not default_float:
            suffixes.append(f"dtype={dtype}")
        contents = "..."
    elif math.prod(shape) == 0:
        # Only a 1-d empty tensor has an unambiguous shape "[]"; others state it.  With no
        # elements to hint at the dtype, every dtype but the default float one is named.
        if len(shape) != 1:
            suffixes.append(f"size={shape}")
        if dtype is not default_float:
            suffixes.append(f"dtype={dtype}")
        contents = "[]"
    else:
        if not _OPTIONS.edgeitems:
            suffixes.append(f"size={shape}")
        # int64 and bool are recognisable from the digits; so are the default float dtype and
        # the complex dtype that pairs with it.
        implied = (default_float, _dtype.default_complex_dtype(), _dtype.int64, _dtype.bool_)
        if dtype not in implied:
            suffixes.append(f"dtype={dtype}")
        contents = _format_contents(np.asarray(t._value), dtype, indent)

    grad_fn_name = _grad_fn_name(t)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    tangent = TANGENT_OF(t) if TANGENT_OF is not None else None
    if tangent is not None:
        suffixes.append(f"tangent={tangent!r}")

    return _append_suffixes(prefix + contents, suffixes, indent)


# ``autograd.forward_ad`` sets this: a dual tensor's tangent (printed as ``tangent=``), or None
TANGENT_OF: Callable[[Any], Any] | None = None
