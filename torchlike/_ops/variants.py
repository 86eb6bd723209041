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
import warnings
from dataclasses import dataclass, field

from .._storage import Storage
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.inplace import _CAST_NAMES, _can_cast, inplace_update
from .core import Variants


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
        return inplace_update(self, fn(self, *args, **kwargs), c_type_names)

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


def write_out(name, result, out):
    """Write ``result`` (a Tensor or a tuple of them) into ``out`` with PyTorch's rules."""
    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(
                f"{name}(): argument 'out' must be tuple of {len(result)} Tensors, "
                f"not {type(out).__name__}"
            )
        written = [_write_one(name, r, o) for r, o in zip(result, out)]
        return type(result)(*written) if hasattr(result, "_fields") else tuple(written)
    return _write_one(name, result, out)


def _write_one(name, result, out):
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if grad_mode.is_grad_enabled() and (result._requires_grad or out._requires_grad):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad."
        )
    value = result._value
    if result._dtype is not out._dtype:
        if not _can_cast(result._dtype, out._dtype):
            raise RuntimeError(
                f"result type {_CAST_NAMES[result._dtype]} can't be cast to the desired output "
                f"type {_CAST_NAMES[out._dtype]}"
            )
        value = value.astype(out._dtype._np)
    if tuple(value.shape) != tuple(out.shape):
        _resize(out, value)
    out._write_data(value)
    return out


def _resize(out, value):
    if out.numel() != 0:
        warnings.warn(
            f"An output with one or more elements was resized since it had shape "
            f"{list(out.shape)}, which does not match the required output shape "
            f"{list(value.shape)}. This behavior is deprecated, and in a future PyTorch release "
            "outputs will not be resized unless they have zero elements. You can explicitly "
            "reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).",
            UserWarning,
            stacklevel=4,
        )
    if out._base_t is not None or out._geom is not None:
        # PyTorch would re-point the view at fresh memory; torchlike's views are defined by
        # the base they look into, so this is refused rather than done differently.
        raise RuntimeError(
            f"torchlike cannot resize a view used as out= (shape "
            f"{list(out.shape)} -> {list(value.shape)}); pass a tensor of the "
            "result's shape"
        )
    out._replace_storage(Storage(value))


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
