"""The machinery every signature module shares: the ``FUNCTIONS`` / ``METHODS`` registries,
``export`` (declare a hand-written signature and its forms) and argument coercion helpers.

A signature only parses PyTorch's arguments and picks the table entry; all computing, promotion
and graph recording happens in ``core.apply``.
"""

from __future__ import annotations

import numpy as np

from .._factories import tensor
from .._size import Size
from .._tensor import Tensor, _wrap_dim
from .core import Variants
from .variants import declare

FUNCTIONS: dict = {}  # torch.<name>
METHODS: dict = {}  # Tensor.<name>


def export(*names, method=True, function=True, inplace=False, out=False, c_type_names=False):
    """Declare a hand-written signature and the forms PyTorch has for it (``variants.py``
    generates them): ``names[0]`` is the op, the rest are aliases.  ``c_type_names``: the
    in-place form words dtype errors with C type names, as PyTorch's ``clamp_`` does."""

    def deco(fn):
        name, *aliases = names or (fn.__name__,)
        declare(
            name, fn, Variants(None, function, method, inplace, out, tuple(aliases)), c_type_names
        )
        for n in (name, *aliases):  # the plain forms, for signatures defined further down
            if function:
                FUNCTIONS[n] = fn
            if method:
                METHODS[n] = fn
        return fn

    return deco


def _t(x):
    """Coerce a non-Tensor array-like argument (not a scalar) to a Tensor."""
    if isinstance(x, Tensor):
        return x
    return tensor(x)


def _is_scalar(x):
    return isinstance(x, (bool, int, float, complex)) or (
        isinstance(x, np.generic) and not isinstance(x, np.ndarray)
    )


def _scalar(x):
    return x.item() if isinstance(x, np.generic) else x


def _dims(dim, ndim):
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        return tuple(_wrap_dim(d, ndim) for d in dim)
    return _wrap_dim(dim, ndim)


def _dim_tuple(dim, ndim):
    return _dims(tuple(dim) if isinstance(dim, (tuple, list)) else (dim,), ndim)


def _size_args(args):
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        return tuple(args[0])
    return tuple(args)


def _int_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)
