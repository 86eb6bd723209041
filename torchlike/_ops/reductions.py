"""Reduction signatures: sum/mean/prod, max/min (values and indices), var/std, norms,
cumulative ops, softmax, sorting and order statistics, unique/bincount.
"""

from __future__ import annotations

import builtins
import collections
import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .. import _warnings
from .._meta import is_meta as _is_meta
from .._tensor import Tensor, _wrap_dim
from . import _topk_ties as _ties
from .core import Op, apply
from .pointwise import maximum, minimum
from .signatures import (
    FUNCTIONS,
    _dim_tuple,
    _dims,
    _every_dim,
    _int_tuple,
    check_kernel_dtype,
    export,
)
from .table import OPS


def _numpy_names(fn):
    """PyTorch's argument parser also takes NumPy's keyword names on native ops:
    ``axis`` for ``dim`` and ``keepdims`` for ``keepdim`` (``x.sum(axis=1, keepdims=True)``)."""

    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        for numpy_name, name in (("axis", "dim"), ("keepdims", "keepdim")):
            if numpy_name in kwargs:
                if name in kwargs:
                    raise TypeError(
                        f"{fn.__name__}() received an invalid combination of arguments - got "
                        f"both '{name}' and '{numpy_name}'"
                    )
                kwargs[name] = kwargs.pop(numpy_name)
        return fn(*args, **kwargs)

    return wrapped


class _NoDim:
    """``dim``'s default where PyTorch has an overload without it: ``x.sum()`` is the
    all-reduce (``SumBackward0``), while ``x.sum(None)``, ``x.sum(())`` name the dim overload
    (``SumBackward1``, whose ``_saved_dim`` is what was passed) reducing every dim too."""

    def __repr__(self):
        return "None"


_NO_DIM = _NoDim()


def _dtype_static(dtype):
    return () if dtype is None else (("dtype", D.to_dtype(dtype)._np),)


_LOW = {D.float16: "float16", D.bfloat16: "bfloat16"}


def _low_static(dtype):
    """A half/bfloat16 kernel's dtype, for the entries that round as PyTorch's kernels do."""
    return (("low", _LOW[dtype]),) if dtype in _LOW else ()


@export(out=True)
@_numpy_names
def sum(input, dim=_NO_DIM, keepdim=False, *, dtype=None):
    if dim is _NO_DIM:
        if not keepdim:
            return apply(OPS["sum"], (input,), _dtype_static(dtype))
        dim = None
    return apply(
        OPS["sum_dim"],
        (input,),
        (("dim", _all_or_dims(dim, input.ndim)), ("keepdim", keepdim)) + _dtype_static(dtype),
    )


def _all_or_dims(dim, ndim):
    """A reduction's ``dim`` as its node saves it: None, () (both: every dim) or the dims."""
    if _every_dim(dim):
        return None if dim is None else ()
    return _dim_tuple(dim, ndim)


@export(out=True)
@_numpy_names
def mean(input, dim=_NO_DIM, keepdim=False, *, dtype=None):
    d = D.to_dtype(dtype) if dtype is not None else input.dtype
    if not (d.is_floating_point or d.is_complex):
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {_SCALAR_TYPE_NAMES.get(d, str(d))}"
        )
    if dim is _NO_DIM:
        if not keepdim:
            return apply(OPS["mean"], (input,), _dtype_static(dtype))
        dim = None
    return apply(
        OPS["mean_dim"],
        (input,),
        (("dim", _all_or_dims(dim, input.ndim)), ("keepdim", keepdim)) + _dtype_static(dtype),
    )


_SCALAR_TYPE_NAMES = {
    D.int64: "Long",
    D.int32: "Int",
    D.int16: "Short",
    D.int8: "Char",
    D.uint8: "Byte",
    D.bool_: "Bool",
}


@export(out=True)
@_numpy_names
def prod(input, dim=None, keepdim=False, *, dtype=None):
    if dim is None:
        return apply(OPS["prod"], (input,), _dtype_static(dtype))
    return apply(
        OPS["prod_dim"],
        (input,),
        (("dim", _dims(dim, input.ndim)), ("keepdim", keepdim)) + _dtype_static(dtype),
    )


def _named(name):
    cls = collections.namedtuple(name, ["values", "indices"])

    def __repr__(self):
        return f"torch.return_types.{name}(\nvalues={self.values!r},\nindices={self.indices!r})"

    cls.__repr__ = __repr__
    cls.__module__ = "torch.return_types"
    return cls


return_max = _named("max")
return_min = _named("min")
return_sort = _named("sort")
return_topk = _named("topk")
return_median = _named("median")


def _minmax(which, input, dim=None, keepdim=False):
    if isinstance(dim, Tensor):
        return (maximum if which == "max" else minimum)(input, dim)
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError(
                f"{which}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        return apply(OPS[which], (input,))
    _check_reduced_dims(which, input, dim)
    values, indices = apply(
        OPS[which + "_dim"], (input,), (("dim", _wrap_dim(dim, input.ndim)), ("keepdim", keepdim))
    )
    return (return_max if which == "max" else return_min)(values, indices)


@export(out=True)
@_numpy_names
def max(input, dim=None, keepdim=False, *, other=None):
    return _minmax("max", input, dim if other is None else other, keepdim)


@export(out=True)
@_numpy_names
def min(input, dim=None, keepdim=False, *, other=None):
    return _minmax("min", input, dim if other is None else other, keepdim)


@export(out=True)
@_numpy_names
def amax(input, dim=(), keepdim=False):
    every = _every_dim(dim)
    _check_reduced_dims("amax", input, None if every else dim)
    dim = () if every else _dims(dim, input.ndim)
    return apply(OPS["amax"], (input,), (("dim", dim), ("keepdim", keepdim)))


@export(out=True)
@_numpy_names
def amin(input, dim=(), keepdim=False):
    every = _every_dim(dim)
    _check_reduced_dims("amin", input, None if every else dim)
    dim = () if every else _dims(dim, input.ndim)
    return apply(OPS["amin"], (input,), (("dim", dim), ("keepdim", keepdim)))


@export(out=True, ints=("dim",))
@_numpy_names
def argmax(input, dim=None, keepdim=False):
    _check_not_bool("argmax", input)
    dim = _check_reduced_dims("argmax", input, dim)
    return apply(OPS["argmax"], (input,), (("dim", dim), ("keepdim", keepdim)))


@export(out=True, ints=("dim",))
@_numpy_names
def argmin(input, dim=None, keepdim=False):
    _check_not_bool("argmin", input)
    dim = _check_reduced_dims("argmin", input, dim)
    return apply(OPS["argmin"], (input,), (("dim", dim), ("keepdim", keepdim)))


def _check_reduced_dims(name, input, dim):
    """max/min/argmax/amax … have no identity: PyTorch refuses to reduce an empty dim.  The
    wrapped dim(s) for the table entry (None for a 0-d tensor, which has nothing to reduce)."""
    if dim is None:
        if input.numel() == 0:
            if name.startswith("arg"):
                raise IndexError(
                    f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
                )
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        return None
    dims = _dims(dim, input.ndim)
    if input.ndim == 0:
        return None
    for d in _int_tuple(dims):
        if input.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return dims


def _check_not_bool(name, input):
    if input._dtype is D.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")


def _check_floating(what, input):
    # var/std have no integer kernels (PyTorch would have to pick a result dtype)
    if not (input._dtype.is_floating_point or input._dtype.is_complex):
        raise RuntimeError(f"{what} only support floating point and complex dtypes")


def _correction(unbiased, correction):
    if isinstance(correction, Tensor):  # a Number argument: PyTorch reads the tensor's value
        correction = correction.item()
    if correction is not None:
        return correction
    if unbiased is None:
        return 1
    return 1 if unbiased else 0


def _warn_dof(name, input, dims, correction):
    """PyTorch's warning when the correction leaves no degrees of freedom (the result is
    inf or nan)."""
    shape = input.shape
    if isinstance(dims, int):
        dims = (dims,)
    n = math.prod(shape) if not dims else math.prod(shape[d] for d in dims)
    if n - correction <= 0:
        _warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
            "reduction factor (input numel divided by output numel).",
            "aten/src/ATen/native/ReduceOps.cpp:1861",
            stacklevel=4,
        )


def _var_std(which, input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    _check_floating("std and var", input)
    if isinstance(dim, bool):  # var(input, unbiased)
        unbiased, dim = dim, None
    dims = _dims(dim, input.ndim)
    correction = _correction(unbiased, correction)
    _warn_dof(which, input, dims, correction)
    static = (("dim", dims), ("correction", correction), ("keepdim", keepdim))
    return apply(OPS[which], (input,), static)


@export(out=True)
@_numpy_names
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_std("var", input, dim, unbiased, keepdim, correction=correction)


@export(out=True)
@_numpy_names
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_std("std", input, dim, unbiased, keepdim, correction=correction)


@export(out=True)
def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    ord = 2 if p in ("fro", None) else p
    if isinstance(dim, int):
        dim = (dim,)
    return apply(
        OPS["norm"], (input,), (("ord", ord), ("dim", _dims(dim, input.ndim)), ("keepdim", keepdim))
    )


@export(out=True)
@_numpy_names
def logsumexp(input, dim, keepdim=False):
    if isinstance(dim, int):
        dim = (dim,)
    static = (("dim", _dims(dim, input.ndim)), ("keepdim", keepdim)) + _low_static(input.dtype)
    return apply(OPS["logsumexp"], (input,), static)


@export(inplace=True, out=True, ints=("dim",))
@_numpy_names
def cumsum(input, dim, *, dtype=None):
    return apply(
        OPS["cumsum"], (input,), (("dim", _wrap_dim(dim, input.ndim)),) + _dtype_static(dtype)
    )


@export(inplace=True, out=True, ints=("dim",))
@_numpy_names
def cumprod(input, dim, *, dtype=None):
    return apply(
        OPS["cumprod"], (input,), (("dim", _wrap_dim(dim, input.ndim)),) + _dtype_static(dtype)
    )


@export(out=True)
@_numpy_names
def all(input, dim=None, keepdim=False):
    return apply(OPS["all"], (input,), (("dim", _dims(dim, input.ndim)), ("keepdim", keepdim)))


@export(out=True)
@_numpy_names
def any(input, dim=None, keepdim=False):
    return apply(OPS["any"], (input,), (("dim", _dims(dim, input.ndim)), ("keepdim", keepdim)))


def _softmax_kernel_missing(name, input, dim):
    """softmax of an integer/bool tensor: PyTorch's error, naming the kernel it dispatches to
    (the last-dim one for the last dim).  An empty tensor never reaches a kernel: PyTorch gives
    it back as it is (True: return a copy)."""
    if input._dtype.is_floating_point or input._dtype.is_complex:
        return False
    if input.numel() == 0:
        return True
    lastdim = "_lastdim" if dim == builtins.max(input.ndim - 1, 0) else ""
    check_kernel_dtype(f"{name}{lastdim}_kernel_impl", input)
    return False


@export(out=True, ints=("dim",))
@_numpy_names
def softmax(input, dim=None, dtype=None, **kwargs):
    d = _wrap_dim(dim, input.ndim)
    if dtype is None and _softmax_kernel_missing("softmax", input, d):
        return input.clone()
    return apply(OPS["softmax"], (input,), (("dim", d),) + _dtype_static(dtype))


@export(out=True, ints=("dim",))
@_numpy_names
def log_softmax(input, dim=None, dtype=None, **kwargs):
    d = _wrap_dim(dim, input.ndim)
    if dtype is None and _softmax_kernel_missing("log_softmax", input, d):
        return input.clone()
    low = _low_static(input.dtype if dtype is None else D.to_dtype(dtype))
    return apply(OPS["log_softmax"], (input,), (("dim", d),) + _dtype_static(dtype) + low)


@export()
@_numpy_names
def count_nonzero(input, dim=None):
    return sum(FUNCTIONS["ne"](input, 0), dim)


@export(out=True)
@_numpy_names
def sort(input, dim=-1, descending=False, stable=False):
    dim = _wrap_dim(dim, input.ndim)
    values, indices = apply(
        OPS["sort"], (input,), (("dim", dim), ("descending", descending), ("stable", stable))
    )
    if not stable and input.ndim and _on_host(input):
        # equal values: PyTorch's std::sort leaves them in its own order (``_topk_ties``)
        picked = _ties.pytorch_sort(input._value, indices._value, dim, descending)
        if picked is not None:
            values, indices = apply(OPS["sort_at"], (input, _as_index(picked)), (("dim", dim),))
    return return_sort(values, indices)


@export(out=True)
@_numpy_names
def argsort(input, dim=-1, descending=False, stable=False):
    return sort(input, dim, descending, stable).indices


@export(out=True, ints=("k", "dim"))
@_numpy_names
def topk(input, k, dim=-1, largest=True, sorted=True):
    dim = _wrap_dim(dim, input.ndim)
    # checked here: a negative k would slice from the end, a large one reach JAX's slicing error
    if not 0 <= k <= (input.shape[dim] if input.ndim else 1):
        raise RuntimeError("selected index k out of range")
    if input._dtype is D.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    if input._dtype.is_complex:
        raise RuntimeError(" topk does not support complex dtypes on CPU")
    values, indices = apply(
        OPS["topk"],
        (input,),
        (("k", k), ("dim", dim), ("largest", largest), ("sorted", sorted)),
    )
    if k and _on_host(input):
        # equal values: PyTorch's kernel, not JAX's stable sort, decides which indices win
        # and their order (``_topk_ties``); without ties the answers agree
        picked = _ties.pytorch_topk(
            input._value, values._value, indices._value, k, dim, largest, sorted
        )
        if picked is not None:
            values, indices = apply(OPS["topk_at"], (input, _as_index(picked)), (("dim", dim),))
    return return_topk(values, indices)


def _on_host(t):
    """Whether ``t``'s values can be read now (not a meta tensor, not inside a trace)."""
    v = t._value
    return not isinstance(v, jax.core.Tracer) and not _is_meta(v)


def _as_index(host):
    return Tensor._make(jnp.asarray(host, jnp.int64))


def _take_at(x, idx, *, dim):
    if x.ndim == 0:
        return x, idx
    return jnp.take_along_axis(x, idx, axis=dim), idx


# topk's values at the indices PyTorch's kernel chose (its gradient flows to those)
OPS["topk_at"] = Op("topk", _take_at, "TopkBackward0", saved={"dim": "dim"}, edges=1)
OPS["sort_at"] = Op("sort", _take_at, "SortBackward0", saved={"dim": "dim"}, edges=1)


def _take_index(x, idx, *, dim, keepdim):
    at = idx if keepdim else jnp.expand_dims(idx, dim)
    values = jnp.take_along_axis(x, at, axis=dim)
    return (values if keepdim else jnp.squeeze(values, dim)), idx


OPS["kthvalue_at"] = Op("kthvalue", _take_index, "KthvalueBackward0", saved={"dim": "dim"}, edges=1)
OPS["mode_at"] = Op(
    "mode", _take_index, "ModeBackward0", saved={"dim": "dim", "keepdim": "keepdim"}, edges=1
)


@export(out=True)
@_numpy_names
def median(input, dim=None, keepdim=False):
    if dim is None:
        return apply(OPS["median"], (input,))
    values, indices = apply(
        OPS["median_dim"], (input,), (("dim", _wrap_dim(dim, input.ndim)), ("keepdim", keepdim))
    )
    return return_median(values, indices)


# Data-dependent output shapes: computed eagerly on the host, like PyTorch's CPU kernels.
@export()
def bincount(input, weights=None, minlength=0):
    dt = input._dtype
    if dt.is_floating_point or dt.is_complex or dt is D.bool_:
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{D.CAST_NAMES[dt]}'")
    if input.ndim != 1:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    arr = np.asarray(input._value)
    if arr.size and arr.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.ndim != 1 or weights.shape[0] != arr.shape[0]):
        raise RuntimeError("weights should be 1-d and have the same length as input")
    w = None if weights is None else np.asarray(weights._value)
    out = np.bincount(arr, w, minlength)
    dtype = (
        D.int64
        if weights is None
        else (weights._dtype if weights._dtype in (D.float32, D.float64) else D.float64)
    )
    return Tensor._make(jnp.asarray(out.astype(dtype._np)), dtype)


@export()
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    arr = np.asarray(input._value)
    if dim is None:
        values, inverse, counts = np.unique(
            arr.reshape(-1), return_inverse=True, return_counts=True
        )
        inverse = inverse.reshape(arr.shape)
    else:
        values, inverse, counts = np.unique(arr, return_inverse=True, return_counts=True, axis=dim)
    out = [Tensor._make(jnp.asarray(values), input._dtype)]
    if return_inverse:
        out.append(Tensor._make(jnp.asarray(inverse.astype(np.int64))))
    if return_counts:
        out.append(Tensor._make(jnp.asarray(counts.astype(np.int64))))
    return out[0] if len(out) == 1 else tuple(out)


@export(out=True, ints=("k", "dim"))
@_numpy_names
def kthvalue(input, k, dim=-1, keepdim=False):
    dim = _wrap_dim(dim, input.ndim)
    values, indices = apply(
        OPS["kthvalue"], (input,), (("k", k), ("dim", dim), ("keepdim", keepdim))
    )
    values, indices = pick_as_pytorch("kthvalue", input, values, indices, dim, keepdim, k)
    return _named("kthvalue")(values, indices)


def pick_as_pytorch(kind, input, values, indices, dim, keepdim, arg=None):
    """``kthvalue`` / ``mode`` results with the index PyTorch's CPU kernel picks among equal
    values (``_topk_ties``); the same results where no tie can change it."""
    if not input.ndim or not _on_host(input):
        return values, indices
    v, i = values._value, indices._value
    if not keepdim:
        v, i = np.expand_dims(np.asarray(v), dim), np.expand_dims(np.asarray(i), dim)
    picked = _ties.pytorch_reduced_index(kind, input._value, v, i, dim, arg)
    if picked is None:
        return values, indices
    if not keepdim:
        picked = np.squeeze(picked, dim)
    static = (("dim", dim), ("keepdim", keepdim))
    return apply(OPS[kind + "_at"], (input, _as_index(picked)), static)


def _stat_mean(which, input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    _check_floating(f"{which}_mean", input)
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    dims = None if dim is None else _dims(_int_tuple(dim), input.ndim)
    correction = _correction(unbiased, correction)
    _warn_dof(which + "_mean", input, dims, correction)
    return apply(
        OPS[which + "_mean"],
        (input,),
        (("dim", dims), ("correction", correction), ("keepdim", keepdim), ("which", which)),
    )


@export(method=False)
@_numpy_names
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _stat_mean("std", input, dim, unbiased, keepdim, correction=correction)


@export(method=False)
@_numpy_names
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _stat_mean("var", input, dim, unbiased, keepdim, correction=correction)


return_cummax = _named("cummax")
return_cummin = _named("cummin")


def _cum_extreme(which, input, dim):
    if input.ndim == 0 and dim not in (-1, 0):
        raise IndexError(f"{which}(): Expected reduction dim -1 or 0 for scalar but got {dim}")
    values, indices = apply(OPS[which], (input,), (("dim", _wrap_dim(dim, input.ndim)),))
    return (return_cummax if which == "cummax" else return_cummin)(values, indices)


@export(out=True)
@_numpy_names
def cummax(input, dim):
    return _cum_extreme("cummax", input, dim)


@export(out=True)
@_numpy_names
def cummin(input, dim):
    return _cum_extreme("cummin", input, dim)


@export(out=True)
@_numpy_names
def logcumsumexp(input, dim):
    if not (input._dtype.is_floating_point or input._dtype.is_complex):
        raise NotImplementedError(
            f'"logcumsumexp_out_cpu" not implemented for '
            f"'{_SCALAR_TYPE_NAMES.get(input._dtype, str(input._dtype))}'"
        )
    return apply(OPS["logcumsumexp"], (input,), (("dim", _wrap_dim(dim, input.ndim)),))
