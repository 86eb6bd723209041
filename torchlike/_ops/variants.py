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

from .. import _dtype as D
from .._out import write_out
from .._tensor import Tensor
from ..autograd.inplace import (
    DEPRECATED_ON_EXPANDED,
    _check_inplace_allowed,
    check_cast,
    inplace_update,
)
from . import overloads
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
    # (``int`` parameters, ``int[]`` parameters): PyTorch's argument parser checks them first
    ints: tuple = ((), ())

    def __post_init__(self):
        self.names = (self.name, *self.variants.aliases)


DECLARATIONS: dict[str, Declaration] = {}


def declare(name, fn, variants, c_type_names=False, ints=(), int_lists=()):
    DECLARATIONS[name] = Declaration(
        name, fn, variants, c_type_names, ints=(tuple(ints), tuple(int_lists))
    )
    return fn


# ---------------------------------------------------------------------------------- int arguments
def int_checked(
    fn, name, ints, method=False, signature_of=None, int_lists=(), positional_only=False
):
    """``fn`` behind PyTorch's argument-parser check of its ``int`` parameters ``ints``: a bool,
    float, string or non-integer tensor there raises ``X(): argument 'k' (position 2) must be
    int, not float`` before anything runs (the position counts ``self`` only in the function
    form; a keyword argument has none).  A parameter whose default is None takes None.
    ``signature_of``: the function whose signature ``fn`` takes (for a generic wrapper).
    ``int_lists``: parameters typed ``int[]`` (a sequence of ints, or one int).
    ``positional_only``: a Python wrapper that passes everything on by position (``F.pad``), so
    PyTorch's message names the position of a keyword argument too."""
    params = inspect.signature(signature_of or fn).parameters
    names = list(params)
    spec = tuple(
        (p, names.index(p), params[p].default is None, check)
        for group, check in ((ints, _check_int), (int_lists, _check_int_list))
        for p in group
    )
    shift = 0 if method else 1

    @functools.wraps(fn)
    def checked(*args, **kwargs):
        n = len(args)
        for param, index, optional, check in spec:
            if index < n:
                value, position = args[index], index + shift
            elif param in kwargs:
                value, position = kwargs[param], index + shift if positional_only else None
            else:
                continue
            if type(value) is not int and not (optional and value is None):
                check(name, param, value, position)
        return fn(*args, **kwargs)

    return checked


def _is_int(value):
    if isinstance(value, Tensor):
        ok = not (value.is_floating_point() or value.is_complex()) and value.numel() == 1
        return ok and value.dtype is not D.bool_
    return not isinstance(value, bool) and hasattr(type(value), "__index__")


def _type_name(value):
    return "Tensor" if isinstance(value, Tensor) else type(value).__name__


def _check_int(name, param, value, position):
    if not _is_int(value):
        where = "" if position is None else f" (position {position})"
        raise TypeError(f"{name}(): argument '{param}'{where} must be int, not {_type_name(value)}")


def _check_int_list(name, param, value, position):
    where = "" if position is None else f" (position {position})"
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            if not _is_int(v):
                raise TypeError(
                    f"{name}(): argument '{param}'{where} must be tuple of ints, but found "
                    f"element of type {_type_name(v)} at pos {i}"
                )
    elif not _is_int(value):
        raise TypeError(
            f"{name}(): argument '{param}'{where} must be tuple of ints, not {_type_name(value)}"
        )


# ---------------------------------------------------------------------------------- in-place
def make_inplace(fn, name, c_type_names=False):
    """``Tensor.X_``: compute ``X`` out of place, then make ``self`` hold the result with
    PyTorch's in-place rules (``autograd/inplace.py``)."""

    expanded = (name + "_",) if name + "_" in DEPRECATED_ON_EXPANDED else ()

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
        return inplace_update(self, result, c_type_names, expanded)

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
        fn = plain_fn = make_out(decl.fn, decl.name) if v.out else decl.fn
        method = decl.fn
        inplace = make_inplace(decl.fn, decl.name, decl.c_type_names) if v.inplace else None
        if any(decl.ints):
            ints, lists = decl.ints
            fn = int_checked(fn, decl.name, ints, int_lists=lists)
            method = int_checked(method, decl.name, ints, method=True, int_lists=lists)
            if inplace is not None:
                inplace = int_checked(
                    inplace, decl.name + "_", ints, True, decl.fn, int_lists=lists
                )
        for n in decl.names:
            # an op with declared overloads parses its arguments as PyTorch's parser does
            # (overloads.py), in place of the int check; each alias names itself in errors
            function_overloads, method_overloads, inplace_overloads = overloads.forms(n)
            if function_overloads is None and v.form == "unary":
                # an elementwise op's one parameter: PyTorch's parser refuses a non-Tensor
                # (``torch.exp(ndarray)``) before anything runs; the method has nothing to check
                function_overloads = overloads.Overloads(
                    n, ("(Tensor input, *, Tensor out = None)" if v.out else "(Tensor input)",)
                )
            if v.function:
                functions[n] = (
                    fn
                    if function_overloads is None
                    else overloads.checked(plain_fn, function_overloads, method=False)
                )
            if v.method:
                methods[n] = (
                    method
                    if method_overloads is None
                    else overloads.checked(decl.fn, method_overloads, method=True)
                )
            if inplace is not None:
                methods[n + "_"] = (
                    inplace
                    if inplace_overloads is None
                    else overloads.checked(inplace, inplace_overloads, method=True)
                )
            if n in overloads.SCALAR_FIRST:  # PyTorch's deprecated scalar-first calls
                for table, key, form in (
                    (functions, n, "function"),
                    (methods, n, "method"),
                    (methods, n + "_", "inplace"),
                ):
                    if key in table:
                        table[key] = overloads.scalar_first(table[key], n, form)


__all__ = [
    "DECLARATIONS",
    "Declaration",
    "declare",
    "generate",
    "int_checked",
    "make_inplace",
    "make_out",
    "write_out",
]
