"""One op, every form: ``torch.X``, ``Tensor.X``, ``Tensor.X_``, ``torch.X(..., out=)``, aliases.

A public op is declared once, either by a table entry with ``variants=Variants("unary", ...)``
(its signature is generated here) or by a hand-written signature in ``_ops/frontend.py``
registered with ``export(..., inplace=True, out=True)``.  ``generate`` then builds every form from
that one declaration, the way PyTorch's codegen turns one ``native_functions.yaml`` entry (with
its ``variants:`` and its ``X_`` / ``X.out`` siblings) into the function, the method, the in-place
method and the ``out=`` overload.  So a form exists exactly where the declaration says, and
``out=`` is never accepted and ignored: a function declared without ``out`` has no ``out``
parameter, and Python raises ``TypeError`` for it.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, field

from .._out import write_out
from ..autograd.inplace import _check_inplace_allowed, check_cast, inplace_update
from .core import Variants, result_type


@dataclass
class Declaration:
    """A public op: its out-of-place implementation (PyTorch's signature without ``out``)
    and the forms it has."""

    name: str
    fn: object
    variants: Variants
    c_type_names: bool = False  # in-place dtype errors in C type names, as PyTorch's clamp_
    names: tuple = field(default=())

    def __post_init__(self):
        self.names = (self.name, *self.variants.aliases)


DECLARATIONS: dict[str, Declaration] = {}


def declare(name, fn, variants, c_type_names=False):
    DECLARATIONS[name] = Declaration(name, fn, variants, c_type_names)
    return fn


# ---------------------------------------------------------------------------------- in-place
def make_inplace(fn, name, c_type_names=False):
    """``Tensor.X_``: compute ``X`` out of place, then make ``self`` hold the result with
    PyTorch's in-place rules (``autograd/inplace.py``)."""

    def method(self, *args, **kwargs):
        _check_inplace_allowed(self)  # PyTorch checks the leaf rules before the op's arguments
        try:
            result = fn(self, *args, **kwargs)
        except NotImplementedError:
            # a kernel that refuses the common dtype (``t.bitwise_and_(1.5)`` on an int ``t``):
            # PyTorch checks that this dtype fits ``self`` before it picks the kernel
            if args and not kwargs:
                check_cast(result_type(self, args[0]), self, c_type_names)
            raise
        return inplace_update(self, result, c_type_names)

    method.__name__ = method.__qualname__ = name + "_"
    return method


# ---------------------------------------------------------------------------------- out=
def make_out(fn, name):
    """``torch.X(..., out=t)``: compute ``X``, then write it into ``t`` and return ``t``."""

    @functools.wraps(fn)
    def with_out(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        result = fn(*args, **kwargs)
        return write_out(name, result, out)

    with_out.__name__ = with_out.__qualname__ = name
    with_out.__signature__ = _with_out_parameter(inspect.signature(fn))
    return with_out


def _with_out_parameter(sig):
    params = list(sig.parameters.values())
    at = next((i for i, p in enumerate(params) if p.kind is p.VAR_KEYWORD), len(params))
    params.insert(at, inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None))
    return sig.replace(parameters=params)


# ---------------------------------------------------------------------------------- generate
def generate(functions, methods):
    """Fill ``functions`` (``torch.X``) and ``methods`` (``Tensor.X``) with every declared form."""
    for decl in DECLARATIONS.values():
        v = decl.variants
        fn = make_out(decl.fn, decl.name) if v.out else decl.fn
        inplace = make_inplace(decl.fn, decl.name, decl.c_type_names) if v.inplace else None
        for n in decl.names:
            if v.function:
                functions[n] = fn
            if v.method:
                methods[n] = decl.fn
            if inplace is not None:
                methods[n + "_"] = inplace


__all__ = [
    "DECLARATIONS",
    "Declaration",
    "declare",
    "generate",
    "make_inplace",
    "make_out",
    "write_out",
]
