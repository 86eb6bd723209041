"""``out=``: write a result into a tensor the caller gave, with PyTorch's rules.

One writer for every op and factory that takes ``out=``: the result is cast to ``out``'s dtype
where PyTorch allows the cast (its error where not), ``out`` is resized with PyTorch's
deprecation warning when its shape differs (silently when it had no elements), the write goes
through ``out``'s storage (so a view ``out`` writes into its base) and bumps ``_version``, and
autograd refuses ``out=`` when anything involved requires grad, as PyTorch does.
"""

from __future__ import annotations

import functools
import inspect
import warnings

from . import _dtype as D
from ._storage import Storage
from ._tensor import Tensor, tp_name
from .autograd import grad_mode


def write_out(name, result, out, autograd_name=None, warn_resize=True):
    # (factories resize ``out`` silently, as PyTorch's do: ``warn_resize=False``)
    """Write ``result`` (a Tensor or a tuple of them) into ``out`` with PyTorch's rules."""
    if isinstance(result, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(result):
            raise TypeError(
                f"{name}(): argument 'out' must be tuple of {len(result)} Tensors, "
                f"not {type(out).__name__}"
            )
        written = [_write_one(name, r, o, autograd_name, warn_resize) for r, o in zip(result, out)]
        return type(result)(*written) if hasattr(result, "_fields") else tuple(written)
    return _write_one(name, result, out, autograd_name, warn_resize)


def _write_one(name, result, out, autograd_name=None, warn_resize=True):
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {tp_name(out)}")
    if grad_mode.is_grad_enabled() and (result._requires_grad or out._requires_grad):
        raise RuntimeError(
            f"{autograd_name or name}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad."
        )
    value = result._value
    if result._dtype is not out._dtype:
        if not D.can_cast(result._dtype, out._dtype):
            raise RuntimeError(
                f"result type {D.CAST_NAMES[result._dtype]} can't be cast to the desired output "
                f"type {D.CAST_NAMES[out._dtype]}"
            )
        value = value.astype(out._dtype._np)
    if tuple(value.shape) != tuple(out.shape):
        _resize(out, value, warn_resize)
    out._write_data(value)
    return out


def _resize(out, value, warn):
    if warn and out.numel() != 0:
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


def factory_out(fn):
    """``torch.zeros(3, out=t)``: a factory given ``out`` makes ``out``'s dtype unless ``dtype=``
    says otherwise (as PyTorch's factories do), then writes with ``write_out``."""
    name = fn.__name__

    @functools.wraps(fn)
    def with_out(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        if isinstance(out, Tensor) and kwargs.get("dtype") is None:
            kwargs["dtype"] = out.dtype
        result = fn(*args, **kwargs)
        if name == "arange" and isinstance(out, Tensor) and 0 < out.numel() != result.numel():
            warnings.warn(
                f"The number of elements in the out tensor of shape {list(out.shape)} is "
                f"{out.numel()} which does not match the computed number of elements "
                f"{result.numel()}. Note that this may occur as a result of rounding error. The "
                f"out tensor will be resized to a tensor of shape ({result.numel()},).",
                UserWarning,
                stacklevel=2,
            )
        # PyTorch names the factory's aten op in its autograd message
        return write_out(name, result, out, f"aten::{name}", warn_resize=False)

    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    at = next((i for i, p in enumerate(params) if p.kind is p.VAR_KEYWORD), len(params))
    params.insert(at, inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None))
    with_out.__signature__ = sig.replace(parameters=params)
    return with_out
