"""PyTorch's statistics signatures: nan-aware reductions (``nansum``, ``nanmean``, ``nanmedian``),
``quantile`` / ``nanquantile``, ``mode``, ``aminmax``, ``cov`` / ``corrcoef``, histograms
(``histc``, ``histogram``), numerical integration and differentiation (``trapezoid``,
``cumulative_trapezoid``, ``trapz``, ``gradient``), ``renorm``, combinatorics
(``cartesian_prod``, ``combinations``), broadcasting helpers (``broadcast_shapes``,
``broadcast_tensors``), ``diag_embed`` and the conjugation names of real tensors.

PyTorch writes several of these as compositions of other ops (``cov`` is a matrix product
divided and squeezed, ``trapezoid`` a sum and a product); they are written here the same way,
so the graph shows PyTorch's nodes.  The primitive ones are entries of ``stats_table.py``.
"""

from __future__ import annotations

import builtins
import collections
import itertools
import math
import warnings

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._size import Size
from .._tensor import Tensor, _wrap_dim
from . import nn_table, stats_table  # noqa: F401 - register their entries into OPS
from .core import apply
from .operators import PROPERTIES
from .reductions import _dtype_static, pick_as_pytorch
from .shapes import cat, expand, stack
from .signatures import _dims, _every_dim, _int_tuple, _is_scalar, _t, export
from .table import OPS


def _named(name, fields):
    cls = collections.namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={getattr(self, f)!r}" for f in fields)
        return f"torch.return_types.{name}(\n{body})"

    cls.__repr__ = __repr__
    cls.__module__ = "torch.return_types"
    return cls


return_mode = _named("mode", ["values", "indices"])
return_nanmedian = _named("nanmedian", ["values", "indices"])
return_aminmax = _named("aminmax", ["min", "max"])
return_histogram = _named("histogram", ["hist", "bin_edges"])


def _type_name(dtype):
    return D.CAST_NAMES[dtype]  # PyTorch's scalar type names ("Float", "Long", ...)


def _mul_scalar(t, c):
    """``t * c`` as ``at::mul(tensor, scalar)``: PyTorch's composites show MulBackward1 for it
    (the Python operator wraps the number in a tensor and shows MulBackward0)."""
    return apply(OPS["mul_scalar"], (t, c))


def _div_scalar(t, c):
    return apply(OPS["div_scalar"], (t, c))


def _slice(t, dim, start=None, stop=None):
    """``t`` narrowed along ``dim`` with Python slice bounds (PyTorch's ``at::slice``)."""
    return t[(slice(None),) * dim + (slice(start, stop),)]


# ---------------------------------------------------------------------------------- nan-aware
@export(out=True)
def nansum(input, dim=None, keepdim=False, *, dtype=None):
    if input._dtype.is_complex:
        raise RuntimeError("nansum does not support complex inputs")
    if _every_dim(dim):
        dims = None if dim is None else ()  # (every dim: the node saves what was passed)
    else:
        dims = _dims(_int_tuple(dim), input.ndim)
    return apply(
        OPS["nansum"], (input,), (("dim", dims), ("keepdim", keepdim)) + _dtype_static(dtype)
    )


@export(out=True)
def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    if not (input._dtype.is_floating_point or input._dtype.is_complex):
        raise RuntimeError(
            "nanmean(): expected input to have floating point or complex dtype but got "
            f"{_type_name(input._dtype)}"
        )
    counts = input.isnan().logical_not().sum(dim=dim, keepdim=keepdim)
    return nansum(input, dim, keepdim, dtype=dtype).div(counts)


@export(out=True)
def nanmedian(input, dim=None, keepdim=False):
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError(
                "median() operation does not have an identity for empty input tensor"
            )
        return apply(OPS["nanmedian"], (input,))
    d = _wrap_dim(dim, input.ndim)
    if input.ndim and input.shape[d] == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    values, indices = apply(OPS["nanmedian_dim"], (input,), (("dim", d), ("keepdim", keepdim)))
    return return_nanmedian(values, indices)


# ---------------------------------------------------------------------------------- quantiles
_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    name = "quantile"  # PyTorch's messages say quantile() for nanquantile too
    if _is_scalar(q):
        if not 0 <= q <= 1:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}")
        q = Tensor._make(jnp.asarray(q, input._dtype._np), input._dtype)
    if not isinstance(input, Tensor):
        raise TypeError(f"{name}(): argument 'input' must be Tensor")
    if q.ndim > 1:
        raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
    if input._dtype not in (D.float32, D.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if q._dtype != input._dtype:
        raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(
            f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
            f"but got {interpolation}"
        )
    if dim is not None:
        dim = _wrap_dim(dim, builtins.max(input.ndim, 1))
    # PyTorch's CPU check reads q's values (a host sync, as PyTorch's does)
    qv = np.asarray(q._value)
    if not bool(np.all((qv >= 0) & (qv <= 1))):
        raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
    if input.numel() == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")

    # out shape: q's size first, then the reduced shape
    if dim is None:
        sorted_ = input.flatten().sort()[0]
        reduced = [1] * input.ndim if keepdim else []
    else:
        x = input if input.ndim else input.reshape(1)
        if dim == x.ndim - 1:
            sorted_ = x.sort()[0]
        else:
            sorted_ = x.unsqueeze(-1).transpose(dim, -1).sort()[0]
        reduced = list(x.shape)
        if keepdim:
            reduced[dim] = 1
        else:
            del reduced[dim]
    if not input.ndim:
        reduced = []
    in_shape = reduced + [sorted_.shape[-1]]
    sorted_ = sorted_.view(in_shape)
    n = sorted_.shape[-1]

    if ignore_nan:
        # ranks among the non-NaN values; every value NaN gives rank 0, so the result is NaN
        ranks = q * (sorted_.isnan().logical_not().sum(-1, True) - 1)
        ranks = ranks.masked_fill(ranks < 0, 0)
    else:
        # a slice holding NaN takes its last (NaN) value
        last = n - 1
        qs, nan_any = broadcast_tensors(q * last, sorted_.isnan().any(-1, True))
        ranks = qs.masked_fill(nan_any, last)
    if interpolation == "lower":
        ranks = ranks.floor()
    elif interpolation == "higher":
        ranks = ranks.ceil()
    elif interpolation == "nearest":
        ranks = ranks.round()
    below = ranks.to(D.int64)
    values_below = sorted_.gather(-1, below)
    if interpolation in ("linear", "midpoint"):
        weights = ranks - below if interpolation == "linear" else ranks.new_full(ranks.shape, 0.5)
        values_above = sorted_.gather(-1, ranks.ceil().to(D.int64))
        values_below = values_below.lerp(values_above, weights)
    if q.ndim == 0:
        return apply(OPS["squeeze_inplace"], (values_below,), (("dim", values_below.ndim - 1),))
    moved = apply(OPS["unsqueeze_inplace"], (values_below,), (("dim", 0),))
    moved = apply(OPS["transpose_inplace"], (moved,), (("dim0", 0), ("dim1", moved.ndim - 1)))
    return apply(OPS["squeeze_inplace"], (moved,), (("dim", moved.ndim - 1),))


@export(out=True)
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _quantile(input, q, dim, keepdim, interpolation, False)


@export(out=True)
def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _quantile(input, q, dim, keepdim, interpolation, True)


# ---------------------------------------------------------------------------------- selections
@export(out=True)
def mode(input, dim=-1, keepdim=False):
    d = _wrap_dim(dim, input.ndim)
    if input.ndim and input.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    values, indices = apply(OPS["mode"], (input,), (("dim", d), ("keepdim", keepdim)))
    values, indices = pick_as_pytorch("mode", input, values, indices, d, keepdim)
    return return_mode(values, indices)


@export(out=True)
def aminmax(input, *, dim=None, keepdim=False):
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError(
                "aminmax(): cannot compute aminmax over an empty dimension as the operation "
                "has no identity."
            )
        axes = None
    else:
        axes = _wrap_dim(dim, builtins.max(input.ndim, 1))
        if input.ndim and input.shape[axes] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {axes} to have non-zero size.")
        if input.ndim == 0:
            axes = None
    if input._dtype.is_complex:
        raise RuntimeError("aminmax(): does not support complex input")
    lo, hi = apply(OPS["aminmax"], (input,), (("dim", axes), ("keepdim", keepdim)))
    if keepdim and dim is None and input.ndim:
        lo, hi = lo.reshape([1] * input.ndim), hi.reshape([1] * input.ndim)
    return return_aminmax(lo, hi)


# ---------------------------------------------------------------------------------- cov, corrcoef
@export()
def cov(input, *, correction=1, fweights=None, aweights=None):
    if input.ndim > 2:
        raise RuntimeError(
            "cov(): expected input to have two or fewer dimensions but got an input with "
            f"{input.ndim} dimensions"
        )
    if input._dtype is D.bool_:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    x = input.view(1, -1) if input.ndim < 2 else input
    n_obs = x.shape[1]
    w = None
    if fweights is not None:
        if fweights.ndim > 1:
            raise RuntimeError(
                "cov(): expected fweights to have one or fewer dimensions but got fweights with "
                f"{fweights.ndim} dimensions"
            )
        if fweights._dtype.is_floating_point or fweights._dtype.is_complex:
            raise RuntimeError(
                "cov(): expected fweights to have integral dtype but got fweights with "
                f"{_type_name(fweights._dtype)} dtype"
            )
        if fweights.numel() != n_obs:
            raise RuntimeError(
                "cov(): expected fweights to have the same numel as there are observations in "
                f"the input but got {fweights.numel()} != {n_obs}"
            )
        if n_obs and bool(np.asarray(fweights._value).min() < 0):
            raise RuntimeError("cov(): fweights cannot be negative")
        w = fweights
    if aweights is not None:
        if aweights.ndim > 1:
            raise RuntimeError(
                "cov(): expected aweights to have one or fewer dimensions but got aweights with "
                f"{aweights.ndim} dimensions"
            )
        if not aweights._dtype.is_floating_point:
            raise RuntimeError(
                "cov(): expected aweights to have floating point dtype but got aweights with "
                f"{_type_name(aweights._dtype)} dtype"
            )
        if aweights.numel() != n_obs:
            raise RuntimeError(
                "cov(): expected aweights to have the same numel as there are observations in "
                f"the input but got {aweights.numel()} != {n_obs}"
            )
        if n_obs and bool(np.asarray(aweights._value).min() < 0):
            raise RuntimeError("cov(): aweights cannot be negative")
        w = aweights if w is None else w * aweights
    if w is None:
        w_sum = Tensor._make(jnp.asarray(n_obs, jnp.int64), D.int64)
    else:
        w_sum = w.sum()
        if not bool(np.asarray(w_sum._value) != 0):
            raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    avg = (x if w is None else x * w).sum(1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm = w_sum - correction * (w * aweights).sum() / w_sum
    else:
        norm = w_sum - correction
    if bool(np.asarray(norm._value) <= 0):
        warnings.warn(
            "cov(): degrees of freedom is <= 0. Correction should be strictly less than the "
            "number of observations.",
            UserWarning,
            stacklevel=3,
        )
        norm = norm.zero_() if not norm.requires_grad else norm * 0
    x = x - avg.unsqueeze(1)
    c = x.mm((x if w is None else x * w).t().conj())
    return c.true_divide(norm).squeeze()


@export()
def corrcoef(input):
    if input.ndim > 2:
        raise RuntimeError(
            "corrcoef(): expected input to have two or fewer dimensions but got an input with "
            f"{input.ndim} dimensions"
        )
    c = cov(input)
    if c.ndim == 0:
        return c / c
    d = c.diagonal()
    std = d.sqrt()
    c = c / std.view(-1, 1)
    c = c / std.view(1, -1)
    return c.clip(-1, 1)


# ---------------------------------------------------------------------------------- histograms
def _check_histogram_dtype(input, name="histogram_cpu"):
    if not input._dtype.is_floating_point:
        raise NotImplementedError(f"\"{name}\" not implemented for '{_type_name(input._dtype)}'")


@export(out=True)
def histc(input, bins=100, min=0, max=0):  # noqa: A002 - PyTorch's parameter names
    _check_histogram_dtype(input)
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo == hi and input.numel() > 0:
        # the range comes from the data: a host read, as in PyTorch's kernel
        arr = np.asarray(input._value)
        lo, hi = float(arr.min()), float(arr.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{_fmt(lo)}, {_fmt(hi)}] is not finite")
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    operands = (input.detach(), _scalar_tensor(lo, input), _scalar_tensor(hi, input))
    return apply(OPS["histc"], operands, (("bins", int(bins)),))


def _fmt(v):
    return str(int(v)) if float(v).is_integer() else str(v)


def _scalar_tensor(v, like):
    return Tensor._make(jnp.asarray(v, like._dtype._np), like._dtype)


@export(out=True)
def histogram(input, bins=100, *, range=None, weight=None, density=False):  # noqa: A002
    _check_histogram_dtype(input, "histogramdd")
    if weight is not None and weight.shape != input.shape:
        raise RuntimeError(
            "torch.histogramdd: if weight tensor is provided it should have the same shape as "
            "the input tensor excluding its innermost dimension"
        )
    if isinstance(bins, Tensor):
        if bins.ndim != 1:
            raise RuntimeError(
                "torch.histogramdd(): bins tensor should have one dimension, but got "
                f"{bins.ndim} dimensions in the bins tensor for dimension 0"
            )
        edges = bins
    else:
        if bins <= 0:
            raise RuntimeError(
                f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0"
            )
        if range is not None:
            lo, hi = float(range[0]), float(range[1])
        elif input.numel():
            arr = np.asarray(input._value)
            lo, hi = float(arr.min()), float(arr.max())
        else:
            lo, hi = 0.0, 0.0
        if lo > hi:
            raise RuntimeError(
                "torch.histogramdd(): for dimension 0, min should not exceed max, but got "
                f"min {lo} max {hi}"
            )
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise RuntimeError(
                f"torch.histogramdd(): dimension 0's range [{lo}, {hi}] is not finite"
            )
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        from .._factories import linspace

        edges = linspace(lo, hi, bins + 1, dtype=input._dtype)
    operands = (input.detach(), edges.detach())
    has_weight = weight is not None
    if has_weight:
        operands += (weight.detach(),)
    else:
        operands += (edges.detach(),)  # a placeholder operand, unused by the kernel
    hist = apply(
        OPS["histogram"], operands, (("density", bool(density)), ("has_weight", has_weight))
    )
    return return_histogram(hist, edges)


# ---------------------------------------------------------------------------------- integration
def _check_dx(name, dx):
    if isinstance(dx, (bool, complex)) or (isinstance(dx, Tensor)):
        raise RuntimeError(f"{name}: Currently, we only support dx as a real number.")


def _x_spacing(name, y, x, dim):
    if x.ndim == 1:
        if x.shape[0] != y.shape[dim]:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        shape = [1] * y.ndim
        shape[dim] = x.shape[0]
        xv = x.view(shape)
    elif x.ndim < y.ndim:
        xv = x.view([1] * (y.ndim - x.ndim) + list(x.shape))
    else:
        xv = x
    return _slice(xv, dim, 1) - _slice(xv, dim, 0, -1)


@export(method=False)
def trapezoid(y, x=None, *, dx=None, dim=-1):
    if x is not None and dx is not None:
        raise TypeError("trapezoid() received an invalid combination of arguments")
    d = _wrap_dim(dim, y.ndim)
    if isinstance(x, Tensor):
        if y.shape[d] == 0:
            return _zeros_except(y, d)
        if y._dtype is D.bool_ or x._dtype is D.bool_:
            raise RuntimeError(
                "trapezoid: received a bool input for `x` or `y`, but bool is not supported"
            )
        spacing = _x_spacing("trapezoid", y, x, d)
        return _div_scalar(((_slice(y, d, 0, -1) + _slice(y, d, 1)) * spacing).sum(d), 2.0)
    if x is not None:
        dx = x  # trapezoid(y, 0.5) is the dx overload
    dx = 1 if dx is None else dx
    if y.shape[d] == 0:
        return _zeros_except(y, d)
    if y._dtype is D.bool_:
        raise RuntimeError("trapezoid: received a bool input for `y`, but bool is not supported")
    _check_dx("trapezoid", dx)
    ends = _mul_scalar(y.select(d, 0) + y.select(d, -1), 0.5)
    return _mul_scalar(y.sum(d) - ends, float(dx))


@export(method=False)
def trapz(y, x=None, *, dx=None, dim=-1):
    return trapezoid(y, x, dx=dx, dim=dim)


def _zeros_except(y, dim):
    shape = tuple(s for i, s in enumerate(y.shape) if i != dim)
    return Tensor._make(jnp.zeros(shape, y._dtype._np), y._dtype)


@export(method=False)
def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    d = _wrap_dim(dim, y.ndim)
    if isinstance(x, Tensor):
        if y._dtype is D.bool_ or x._dtype is D.bool_:
            raise RuntimeError(
                "cumulative_trapezoid: received a bool input for `x` or `y`, but bool is not "
                "supported"
            )
        spacing = _x_spacing("cumulative_trapezoid", y, x, d)
        return _div_scalar(((_slice(y, d, 0, -1) + _slice(y, d, 1)) * spacing).cumsum(d), 2.0)
    if x is not None:
        dx = x
    dx = 1 if dx is None else dx
    if y._dtype is D.bool_:
        raise RuntimeError(
            "cumulative_trapezoid: received a bool input for `y`, but bool is not supported"
        )
    _check_dx("cumulative_trapezoid", dx)
    return _mul_scalar(_slice(y, d, 0, -1) + _slice(y, d, 1), float(dx) / 2.0).cumsum(d)


@export(method=False)
def gradient(input, *, spacing=1, dim=None, edge_order=1):
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    if dim is None:
        dims = list(range(input.ndim))
    else:
        dims = [_wrap_dim(d, input.ndim) for d in _int_tuple(dim)]
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(dims):
            if dim is None:
                raise RuntimeError(
                    "torch.gradient expected spacing to be unspecified, a scalar, or a list of "
                    f"length equal to 'self.dim() = {input.ndim}', since dim argument was not "
                    f"given, but got a list of length {len(spacing)}"
                )
            raise RuntimeError(
                "torch.gradient expected spacing to be unspecified, a scalar or it's spacing "
                "and dim arguments to have the same length, but got a spacing argument of "
                f"length {len(spacing)} and a dim argument of length {len(dims)}."
            )
        spacings = list(spacing)
    else:
        spacings = [spacing] * len(dims)
    for d in dims:
        if input.shape[d] < edge_order + 1:
            raise RuntimeError(
                "torch.gradient expected each dimension size to be at least edge_order+1"
            )
    out = []
    for d, h in zip(dims, spacings):
        if isinstance(h, Tensor) and h.ndim == 1:
            out.append(_gradient_coordinates(input, d, h, edge_order))
        else:
            h = h.item() if isinstance(h, Tensor) else h
            out.append(_gradient_uniform(input, d, h, edge_order))
    return tuple(out)


def _gradient_uniform(f, d, h, edge_order):
    def s(a, b=None):
        return _slice(f, d, a, b)

    m = _mul_scalar
    center = _div_scalar(s(2) - s(0, -2), h)
    if edge_order == 1:
        first = _div_scalar(s(1, 2) - s(0, 1), h)
        last = _div_scalar(s(-1) - s(-2, -1), h)
    else:
        first = _div_scalar(m(s(0, 1), -1.5) + m(s(1, 2), 2) - m(s(2, 3), 0.5), h)
        last = _div_scalar(m(s(-3, -2), 0.5) - m(s(-2, -1), 2) + m(s(-1), 1.5), h)
    return cat([first, _div_scalar(center, 2), last], d)


def _gradient_coordinates(f, d, coords, edge_order):
    def s(a, b=None):
        return _slice(f, d, a, b)

    step = coords.diff(1, 0)
    dx1, dx2 = step[:-1], step[1:]
    shape = [1] * f.ndim
    shape[d] = -1
    a = (-dx2 / (dx1 * (dx1 + dx2))).reshape(shape)
    b = ((dx2 - dx1) / (dx1 * dx2)).reshape(shape)
    c = (dx1 / (dx2 * (dx1 + dx2))).reshape(shape)
    center = a * s(0, -2) + b * s(1, -1) + c * s(2)
    if edge_order == 1:
        first = (s(1, 2) - s(0, 1)) / step[0]
        last = (s(-1) - s(-2, -1)) / step[-1]
    else:
        h0, h1 = step[0], step[1]
        first = (
            -(2.0 * h0 + h1) / (h0 * (h0 + h1)) * s(0, 1)
            + (h0 + h1) / (h0 * h1) * s(1, 2)
            + (-h0) / (h1 * (h0 + h1)) * s(2, 3)
        )
        g1, g2 = step[-1], step[-2]
        last = (
            g1 / (g2 * (g1 + g2)) * s(-3, -2)
            + (-(g1 + g2) / (g1 * g2)) * s(-2, -1)
            + (2 * g1 + g2) / (g1 * (g1 + g2)) * s(-1)
        )
    return cat([first, center, last], d)


# ---------------------------------------------------------------------------------- renorm
@export(inplace=True, out=True)
def renorm(input, p, dim, maxnorm):
    if input.ndim <= 1:
        raise RuntimeError(
            f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions"
        )
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {_fmt(maxnorm)}")
    if not input._dtype.is_floating_point:
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            f"{_type_name(input._dtype)}"
        )
    return apply(
        OPS["renorm"],
        (input,),
        (("p", float(p)), ("dim", _wrap_dim(dim, input.ndim)), ("maxnorm", float(maxnorm))),
    )


# ---------------------------------------------------------------------------------- combinatorics
@export(method=False)
def cartesian_prod(*tensors):
    tensors = [_t(t) for t in tensors]
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    from .shapes import meshgrid

    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.flatten() for g in grids], 1)


@export(method=False)
def combinations(input, r=2, with_replacement=False):
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return Tensor._make(jnp.zeros((0,), input._dtype._np), input._dtype)
    n = input.shape[0]
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = np.asarray(list(pick(range(n), r)), dtype=np.int64).reshape(-1, r)
    if not len(rows):
        return Tensor._make(jnp.zeros((0, r), input._dtype._np), input._dtype)
    # PyTorch masks r expanded copies of the input (an "ij" meshgrid) with the combinations'
    # positions; the mask is static, so the positions are known without reading any value
    from .shapes import meshgrid

    grids = meshgrid(*([input] * r), indexing="ij")
    positions = [Tensor._make(jnp.asarray(rows[:, j]), D.int64) for j in range(r)]
    cols = [apply(OPS["masked_select"], (g, *positions)) for g in grids]
    return stack(cols, 1)


# ---------------------------------------------------------------------------------- broadcasting
@export(method=False)
def broadcast_shapes(*shapes):
    shapes = tuple((s,) if isinstance(s, int) else s for s in shapes if s is not None)
    if not shapes:
        return Size(())
    for s in shapes:
        if not isinstance(s, (tuple, list, Size)):
            raise RuntimeError(
                f"Input shapes should be of type ints, a tuple of ints, or a list of ints, got {s}"
            )
    common = [1] * builtins.max(len(s) for s in shapes)
    for i, shape in enumerate(shapes):
        for j in range(-1, -1 - len(shape), -1):
            if shape[j] == common[j]:
                continue
            if common[j] == 1:
                if shape[j] < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative length!")
                common[j] = shape[j]
            if shape[j] == 1:
                continue
            if common[j] != shape[j]:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {shape[j]} at {j}! "
                    f"Mismatching argument at index {i} had {shape}; but expected shape should "
                    f"be broadcastable to {common}"
                )
    return Size(tuple(common))


def _broadcast_error(tensors):
    shape = None
    for t in tensors:
        if shape is None:
            shape = list(t.shape)
            continue
        a, b = shape, list(t.shape)
        n = builtins.max(len(a), len(b))
        a, b = [1] * (n - len(a)) + a, [1] * (n - len(b)) + b
        for k in range(n - 1, -1, -1):
            if a[k] != b[k] and a[k] != 1 and b[k] != 1:
                raise RuntimeError(
                    f"The size of tensor a ({a[k]}) must match the size of tensor b ({b[k]}) at "
                    f"non-singleton dimension {k}"
                )
        shape = [x if x != 1 else y for x, y in zip(a, b)]


@export(method=False)
def broadcast_tensors(*tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    _broadcast_error(tensors)
    shape = tuple(broadcast_shapes(*(tuple(t.shape) for t in tensors)))
    # a tensor that already has the common shape is returned as it is, as in PyTorch
    return tuple(t if tuple(t.shape) == shape else expand(t, shape) for t in tensors)


# ---------------------------------------------------------------------------------- shapes
@export()
def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    nd = input.ndim + 1
    d1, d2 = _wrap_dim(dim1, nd), _wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return apply(OPS["diag_embed_dims"], (input,), (("offset", offset), ("dim1", d1), ("dim2", d2)))


# ---------------------------------------------------------------------------------- conjugation
# torchlike's tensors are never lazily conjugated or negated: for real dtypes these are
# identities, as in PyTorch
@export()
def conj(input):
    if input._dtype.is_complex:
        return apply(OPS["linalg_conj"], (input,))
    return input


@export()
def resolve_conj(input):
    return input


@export()
def resolve_neg(input):
    return input


@export()
def is_conj(input):
    return False


@export(method=False)
def real(input):
    if input._dtype.is_complex:
        return apply(OPS["real"], (input,))
    return input


@export(method=False)
def imag(input):
    if not input._dtype.is_complex:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return apply(OPS["imag"], (input,))


PROPERTIES["real"] = real
PROPERTIES["imag"] = imag


# ---------------------------------------------------------------------------------- unique runs
# value-dependent output shape: computed on the host, as PyTorch's CPU kernel does
@export()
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    arr = np.asarray(input._value)
    if dim is None:
        flat = arr.reshape(-1)
        if flat.size == 0:
            starts = np.zeros((0,), bool)
        else:
            starts = np.concatenate([[True], flat[1:] != flat[:-1]])
        values = flat[starts]
        run_id = np.cumsum(starts) - 1
        inverse = run_id.reshape(arr.shape)
        counts = np.diff(np.append(np.flatnonzero(starts), flat.size))
    else:
        d = _wrap_dim(dim, input.ndim)
        moved = np.moveaxis(arr, d, 0)
        n = moved.shape[0]
        if n == 0:
            starts = np.zeros((0,), bool)
        else:
            diff = (moved[1:] != moved[:-1]).reshape(n - 1, -1).any(axis=1)
            starts = np.concatenate([[True], diff])
        values = np.moveaxis(moved[starts], 0, d)
        inverse = np.cumsum(starts) - 1
        counts = np.diff(np.append(np.flatnonzero(starts), n))
    out = [Tensor._make(jnp.asarray(values), input._dtype)]
    if return_inverse:
        out.append(Tensor._make(jnp.asarray(inverse.astype(np.int64)), D.int64))
    if return_counts:
        out.append(Tensor._make(jnp.asarray(counts.astype(np.int64)), D.int64))
    return out[0] if len(out) == 1 else tuple(out)
