"""The one place that attaches Tensor's methods.

``Tensor`` (``_tensor.py``) holds state and the Python protocol; its math and everything that
needs a layer above it (ops, in-place rules, samplers) come from the modules that define them
as plain functions, and are attached here, once, in this order: the generated op forms
(``_ops``), then the in-place samplers (``_random_methods``).
"""

from __future__ import annotations

from . import _ops, _random_methods
from ._tensor import Tensor


def _attach():
    for name, fn in _ops.METHODS.items():
        setattr(Tensor, name, fn)
    for name, fn in _ops.PROPERTIES.items():
        setattr(Tensor, name, property(fn))
    for name, fn in _random_methods.METHODS.items():
        setattr(Tensor, name, fn)


_attach()
