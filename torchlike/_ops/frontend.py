"""PyTorch's signatures on top of the op table, by family: ``torch.<fn>`` functions and Tensor
methods.

``signatures.py`` holds the registries and ``export``; the families are ``pointwise.py``,
``reductions.py``, ``products.py``, ``shapes.py``, ``indexing.py`` and ``operators.py`` (imported
here in that order: each uses only those before it).  Each function only parses PyTorch's
arguments and picks the table entry; all computing, promotion and graph recording happens in
``core.apply``.  This module is the signature layer's one entry point: library code imports the
few signatures it calls directly from here.
"""

from __future__ import annotations

from ..autograd.inplace import _C_NAMES, _CAST_NAMES, fill_like, inplace_update
from . import indexing, operators, pointwise, products, reductions, shapes  # noqa: F401
from .indexing import gather, index_select, nonzero
from .operators import PROPERTIES
from .pointwise import _binary, clamp, maximum, minimum, where
from .products import addmm, einsum, matmul, mm
from .reductions import _SCALAR_TYPE_NAMES, log_softmax, softmax, sum
from .shapes import cat, split, stack
from .signatures import FUNCTIONS, METHODS, _is_scalar, _t, export

__all__ = [
    "FUNCTIONS",
    "METHODS",
    "PROPERTIES",
    "export",
    "inplace_update",
    "fill_like",
    "_CAST_NAMES",
    "_C_NAMES",
    "where",
    "cat",
    "stack",
    "split",
    "softmax",
    "log_softmax",
    "addmm",
    "mm",
    "matmul",
    "einsum",
    "minimum",
    "maximum",
    "clamp",
    "sum",
    "gather",
    "index_select",
    "nonzero",
    "_binary",
    "_is_scalar",
    "_t",
    "_SCALAR_TYPE_NAMES",
]
