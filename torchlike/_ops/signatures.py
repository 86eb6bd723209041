"""The machinery every signature module shares: the ``FUNCTIONS`` / ``METHODS`` registries,
``export`` (declare a hand-written signature and its forms) and argument coercion helpers.

A signature only parses PyTorch's arguments and picks the table entry; all computing, promotion
and graph recording happens in ``core.apply``.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._factories import tensor
from .._size import Size
from .._tensor import Tensor, _wrap_dim
from .core import Variants
from .variants import declare

FUNCTIONS: dict = {}  # torch.<name>
METHODS: dict = {}  # Tensor.<name>


def export(
    *names,
    method=True,
    function=True,
    inplace=False,
    out=False,
    c_type_names=False,
    ints=(),
    int_lists=(),
    form=None,
):
    """Declare a hand-written signature and the forms PyTorch has for it (``variants.py``
    generates them): ``names[0]`` is the op, the rest are aliases.  ``c_type_names``: the
    in-place form words dtype errors with C type names, as PyTorch's ``clamp_`` does.
    ``ints`` / ``int_lists``: the parameters PyTorch's signature types ``int`` / ``int[]`` (its
    parser's type check, ``variants.int_checked``).  ``form``: "unary" for a generated
    elementwise signature (its function form checks its one Tensor parameter)."""

    def deco(fn):
        name, *aliases = names or (fn.__name__,)
        declare(
            name,
            fn,
            Variants(form, function, method, inplace, out, tuple(aliases)),
            c_type_names,
            ints,
            int_lists,
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


def _every_dim(dim):
    """Whether a reduction's ``dim`` names every dim: None, or an empty tuple or list."""
    return dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0)


def _int_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


# ---------------------------------------------------------------------------------- kernel dtypes
# PyTorch's CPU kernels are instantiated for a set of dtypes each; any other dtype reaches the
# dispatcher's fallback, which names the kernel: '"softmax_kernel_impl" not implemented for
# 'Long''.  A signature declares what its kernel accepts and checks before computing (JAX would
# compute an answer for every dtype, and a silent answer is worse than PyTorch's error).
KERNEL_ACCEPTS = {
    "floating": lambda d: d.is_floating_point or d.is_complex,
    "numeric": lambda d: d is not D.bool_,
}


def check_dot_operands(input, other):
    """PyTorch's checks of ``dot``/``vdot``: two 1-D tensors of one dtype and one length."""
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    if input._dtype is not other._dtype:
        names = [D.CAST_NAMES.get(t._dtype, str(t._dtype)) for t in (input, other)]
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {names[0]} and {names[1]}"
        )
    n, m = input.shape[0], other.shape[0]
    if n != m:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
            f"number of elements, but got {n} and {m} elements respectively"
        )


def not_implemented_for(kernel, dtype):
    return NotImplementedError(
        f"\"{kernel}\" not implemented for '{D.CAST_NAMES.get(dtype, dtype)}'"
    )


def check_kernel_dtype(kernel, dtype, accepts="floating"):
    """Raise PyTorch's NotImplementedError unless ``kernel`` has an instantiation for ``dtype``
    (a Tensor's dtype is taken from it)."""
    if isinstance(dtype, Tensor):
        dtype = dtype._dtype
    if not KERNEL_ACCEPTS[accepts](dtype):
        raise not_implemented_for(kernel, dtype)


def check_broadcast(*operands):
    """PyTorch's error for operands whose shapes don't broadcast (Python scalars take no part),
    worded as TensorIterator words it: the shape so far is tensor a, the next one tensor b."""
    shape = None
    for t in operands:
        if not isinstance(t, Tensor):
            continue
        s = tuple(t.shape)
        if shape is None:
            shape = s
            continue
        n = max(len(shape), len(s))
        a, b = (1,) * (n - len(shape)) + shape, (1,) * (n - len(s)) + s
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y and x != 1 and y != 1:
                raise RuntimeError(
                    f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                    f"non-singleton dimension {i}"
                )
        shape = tuple(y if x == 1 else x for x, y in zip(a, b))
