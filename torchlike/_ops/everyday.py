"""The everyday torch.* functions and Tensor methods real programs call: stacking and splitting
helpers (``atleast_*d``, ``column_stack``, ``hsplit`` …), index builders (``tril_indices``,
``unravel_index``), predicates (``isin``, ``isneginf``, ``is_signed`` …), the fused products
(``addmv``, ``addr``, ``baddbmm``, ``addbmm``), complex construction, ``put``,
``masked_scatter``, the ``*_copy`` forms of the view ops, the in-place view-metadata methods
(``t_``, ``squeeze_`` …) and ``resize_``.

Composites are written as PyTorch writes them (``fliplr`` is ``flip``, ``inner`` a
``tensordot``), so the graph shows PyTorch's nodes; the primitives are entries of
``everyday_table.py``.
"""

from __future__ import annotations

import builtins
import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _config
from .. import _dtype as D
from .._factories import empty, tensor
from .._layout import UntypedStorage
from .._storage import Storage
from .._tensor import _SHARED_STORAGES, Tensor, _wrap_dim
from ..autograd import grad_mode
from ..autograd.inplace import _check_inplace_allowed
from . import everyday_table  # noqa: F401 - registers its entries into OPS
from .core import Op, apply
from .everyday_table import copy_op
from .linalg import linalg_svdvals
from .operators import PROPERTIES
from .signatures import (
    FUNCTIONS,
    METHODS,
    _is_scalar,
    _scalar,
    _size_args,
    check_dot_operands,
    export,
)
from .table import OPS

_F = FUNCTIONS  # the plain forms of the families' signatures (looked up at call time)


def _name(t):
    return D.CAST_NAMES.get(t._dtype, str(t._dtype))


# ---------------------------------------------------------------------------------- factories
@export(method=False, out=True)
def range(  # noqa: A001 - PyTorch's name
    start, end, step=1, *, dtype=None, layout=None, device=None, requires_grad=False
):
    warnings.warn(
        "torch.range is deprecated and will be removed in a future release because its behavior "
        "is inconsistent with Python's range builtin. Instead, use torch.arange, which produces "
        "values in [start, end).",
        UserWarning,
        stacklevel=3,
    )
    if step == 0:
        raise RuntimeError("step must be nonzero")
    n = builtins.max(int(math.floor((end - start) / step)) + 1, 0)
    values = start + step * np.arange(n, dtype=np.float64)
    dtype = dtype or D.get_default_dtype()
    return tensor(values.astype(dtype._np), dtype=dtype, device=device, requires_grad=requires_grad)


def _tri_indices(np_fn, row, col, offset, dtype, device):
    r, c = np_fn(row, offset, col)
    return tensor(np.stack([r, c]).astype(dtype._np).reshape(2, -1), dtype=dtype, device=device)


@export(method=False)
def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    return _tri_indices(np.tril_indices, row, col, offset, dtype or D.int64, device)


@export(method=False)
def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    return _tri_indices(np.triu_indices, row, col, offset, dtype or D.int64, device)


@export(method=False)
def scalar_tensor(
    s, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False
):
    dtype = dtype or D.get_default_dtype()
    return tensor(s, dtype=dtype, device=device, requires_grad=requires_grad)


@export(method=False)
def empty_strided(
    size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False
):
    # torchlike's tensors are dense: the requested strides are not reproduced
    return empty(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def new_empty_strided(
    self,
    size,
    stride,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    return empty(
        *size,
        dtype=dtype or self._dtype,
        device=self.device if device is None else device,
        requires_grad=requires_grad,
    )


@export(method=False)
def empty_permuted(
    size,
    physical_layout,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
):
    # dense in the logical order (PyTorch lays the memory out in ``physical_layout``'s order)
    return empty(*size, dtype=dtype, device=device, requires_grad=requires_grad)


@export(method=False)
def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    # a copy of the buffer (PyTorch shares its memory; JAX arrays cannot alias Python memory)
    arr = np.frombuffer(buffer, dtype=dtype._np, count=count, offset=offset)
    return tensor(arr, dtype=dtype, requires_grad=requires_grad)


@export(method=False)
def from_dlpack(ext_tensor):
    if isinstance(ext_tensor, Tensor):
        return ext_tensor
    return Tensor._make(jnp.from_dlpack(ext_tensor))


@export(method=False)
def to_dlpack(tensor):
    return tensor._value.__dlpack__()


def _dlpack(self, *args, **kwargs):
    return self._value.__dlpack__(*args, **kwargs)


def _dlpack_device(self):
    return self._value.__dlpack_device__()


# ---------------------------------------------------------------------------------- index builders
@export(method=False)
def unravel_index(indices, shape):
    if not isinstance(indices, Tensor):
        indices = tensor(indices)
    if indices._dtype.is_floating_point or indices._dtype.is_complex or indices._dtype is D.bool_:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = _size_args((shape,) if isinstance(shape, int) else tuple(shape))
    coords, rest = [], indices
    for s in reversed(shape):
        coords.append(_F["remainder"](rest, s))
        rest = _F["floor_divide"](rest, s)
    return tuple(reversed(coords))


@export()
def argwhere(input):
    return _F["nonzero"](input)


@export()
def nonzero_static(input, *, size, fill_value=-1):
    # a fixed result shape: no device-to-host read, unlike nonzero
    idx = jnp.nonzero(input._value, size=size, fill_value=fill_value)
    return Tensor._make(jnp.stack(idx, axis=-1).astype(jnp.int64).reshape(size, input.ndim))


# ---------------------------------------------------------------------------------- predicates
def _as_tensor(x):
    if isinstance(x, Tensor):
        return x
    return tensor(_scalar(x)) if _is_scalar(x) else tensor(x)


@export(method=False, out=True)
def isin(elements, test_elements, *, assume_unique=False, invert=False):
    e, t = _as_tensor(elements), _as_tensor(test_elements)
    ev, tv = e._value, t._value.reshape(-1)
    if tv.size == 0:
        hit = jnp.zeros(ev.shape, bool)
    else:
        # sorted lookup: O((n + m) log m) time and O(n + m) memory (a broadcast compare
        # would hold n * m booleans)
        common = jnp.result_type(ev.dtype, tv.dtype)
        ev, tv = ev.astype(common), jnp.sort(tv.astype(common))
        pos = jnp.clip(jnp.searchsorted(tv, ev), 0, tv.size - 1)
        hit = tv[pos] == ev
    return Tensor._make(jnp.logical_not(hit) if invert else hit)


def _infinite(input, negative):
    if not (input._dtype.is_floating_point or input._dtype.is_complex):
        return Tensor._make(jnp.zeros(input._value.shape, bool))
    v = input._value
    return Tensor._make(jnp.isinf(v) & ((v < 0) if negative else (v > 0)))


@export(out=True)
def isneginf(input):
    return _infinite(input, True)


@export(out=True)
def isposinf(input):
    return _infinite(input, False)


@export()
def isreal(input):
    if input._dtype.is_complex:
        return Tensor._make(jnp.imag(input._value) == 0)
    return Tensor._make(jnp.ones(input._value.shape, bool))


@export()
def is_signed(input):
    return input._dtype.is_signed


@export()
def is_same_size(input, other):
    return input.shape == other.shape


@export()
def is_neg(input):
    return False


@export(method=False)
def is_inference(input):
    return input.is_inference()


@export(method=False)
def get_device(input):
    return input.get_device()


def is_nonzero(self):
    return builtins.bool(self)


def is_pinned(self, device=None):
    return False


def pin_memory(self, device=None):
    if jax.default_backend() == "cpu":
        raise RuntimeError("Cannot access accelerator device when none is available.")
    return self


def share_memory_(self):
    storage = getattr(self, "_storage", None)
    if storage is not None:
        _SHARED_STORAGES.add(storage)
    return self


def _is_cpu(self):
    return self.device.type == "cpu"


# ---------------------------------------------------------------------------------- shapes
def _atleast(args, fn):
    if len(args) == 1 and isinstance(args[0], (list, tuple)):
        return tuple(fn(t) for t in args[0])
    if len(args) == 1:
        return fn(args[0])
    return tuple(fn(t) for t in args)


def _to_1d(t):
    return t.reshape(1) if t.ndim == 0 else t


def _to_2d(t):
    if t.ndim == 0:
        return t.reshape(1, 1)
    return t.unsqueeze(0) if t.ndim == 1 else t


def _to_3d(t):
    if t.ndim == 0:
        return t.reshape(1, 1, 1)
    if t.ndim == 1:
        return t.unsqueeze(0).unsqueeze(-1)
    return t.unsqueeze(-1) if t.ndim == 2 else t


@export(method=False)
def atleast_1d(*tensors):
    return _atleast(tensors, _to_1d)


@export(method=False)
def atleast_2d(*tensors):
    return _atleast(tensors, _to_2d)


@export(method=False)
def atleast_3d(*tensors):
    return _atleast(tensors, _to_3d)


@export(method=False, out=True)
def column_stack(tensors):
    cols = [t.reshape(-1, 1) if t.ndim <= 1 else t for t in tensors]
    return _F["hstack"](cols)


@export(method=False, out=True)
def row_stack(tensors):
    return _F["vstack"](tensors)


@export(method=False, out=True)
def dstack(tensors):
    return _F["cat"]([_to_3d(t) for t in tensors], 2)


def _split_along(name, input, sections, dim, min_dims):
    if input.ndim < min_dims:
        raise RuntimeError(
            f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a tensor "
            f"with {input.ndim} dimensions!"
        )
    if isinstance(sections, int) and not isinstance(sections, bool):
        n = input.shape[dim]
        if sections == 0 or n % sections:
            raise RuntimeError(
                f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                f"dimension {n} is not divisible by the split_size {sections}!"
            )
    return _F["tensor_split"](input, sections, dim)


@export()
def hsplit(input, indices_or_sections):
    return _split_along("hsplit", input, indices_or_sections, 1 if input.ndim > 1 else 0, 1)


@export()
def vsplit(input, indices_or_sections):
    return _split_along("vsplit", input, indices_or_sections, 0, 2)


@export()
def dsplit(input, indices_or_sections):
    return _split_along("dsplit", input, indices_or_sections, 2, 3)


@export()
def fliplr(input):
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return _F["flip"](input, (1,))


@export()
def flipud(input):
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return _F["flip"](input, (0,))


@export(out=True)
def msort(input):
    return _F["sort"](input, dim=0)[0]


@export()
def diagflat(input, offset=0):
    return _F["diag"](input if input.ndim == 1 else input.reshape(-1), offset)


@export()
def split_with_sizes(input, split_sizes, dim=0):
    return _F["split"](input, list(split_sizes), dim)


def _unsafe(op, input, sizes, d, extra):
    return apply(op, (input,), (("sizes", tuple(sizes)), ("dim", d), *extra))


@export()
def unsafe_split(input, split_size, dim=0):
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    pieces = _F["split"](input, split_size, d)  # PyTorch's argument checks
    sizes = tuple(p.shape[d] for p in pieces) if n else (0,)
    return _unsafe(OPS["unsafe_split"], input, sizes, d, (("split_size", split_size),))


@export()
def unsafe_chunk(input, chunks, dim=0):
    d = _wrap_dim(dim, input.ndim)
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    n = input.shape[d]
    size = -(-n // chunks) if n else 0
    return unsafe_split(input, builtins.max(size, 1) if n else 0, d)


@export()
def unsafe_split_with_sizes(input, split_sizes, dim=0):
    d = _wrap_dim(dim, input.ndim)
    _F["split"](input, list(split_sizes), d)  # PyTorch's argument checks
    return _unsafe(OPS["unsafe_split_with_sizes"], input, split_sizes, d, ())


@export(out=True)
def narrow_copy(input, dim, start, length):
    d = _wrap_dim(dim, input.ndim)
    _F["narrow"](input, d, start, length)  # PyTorch's argument checks
    start = start + input.shape[d] if start < 0 else start
    return apply(
        OPS["narrow_copy"], (input,), (("dim", d), ("start", int(start)), ("length", length))
    )


def _conj_transpose(input, spelling):
    if input.ndim < 2:
        raise RuntimeError(
            f"tensor.{spelling} is only supported on matrices or batches of matrices. Got "
            f"{input.ndim}-D tensor."
        )
    out = input.transpose(-2, -1)
    return out.conj() if input._dtype.is_complex else out


@export()
def adjoint(input):
    return _conj_transpose(input, "adjoint()")


def _mH(self):
    return _conj_transpose(self, "mH")


def sum_to_size(self, *size):
    size = _size_args(size)
    lead = self.ndim - len(size)
    ok = lead >= 0 and builtins.all(
        s == d or s == 1 for s, d in zip(size, self.shape[builtins.max(lead, 0) :])
    )
    if not ok:
        raise RuntimeError(
            f"size {{{list(size)}}} is not expandable to size {{{list(self.shape)}}}."
        )
    dims = list(builtins.range(lead)) + [
        lead + i for i, s in enumerate(size) if s == 1 and self.shape[lead + i] != 1
    ]
    if not dims:
        return self
    out = _F["sum"](self, dims, keepdim=True)
    return out.view(size) if lead else out


# ---------------------------------------------------------------------------------- products
def _check_expandable(input, target):
    """PyTorch's ``expand_size(input, target)`` check, in expand's words."""
    shape, want = list(input.shape), list(target)
    if len(shape) > len(want):  # (expand's own message)
        input.expand(*want)
    for i in builtins.range(1, len(shape) + 1):
        s, t = shape[-i], want[-i] if i <= len(want) else None
        if t is not None and s != t and s != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({t}) must match the existing size ({s}) at "
                f"non-singleton dimension {len(want) - i}.  Target sizes: {want}.  Tensor "
                f"sizes: {shape}"
            )


def _scaled(op, input, a, b, beta, alpha):
    return apply(op, (input, a, b), (("beta", beta), ("alpha", alpha)))


@export(inplace=True, out=True)
def addmv(input, mat, vec, *, beta=1, alpha=1):
    if mat.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(
            f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, {vec.ndim}"
        )
    if mat.shape[1] != vec.shape[0] or input.shape[-1:] not in ((mat.shape[0],), (1,), ()):
        raise RuntimeError(
            f"size mismatch, got input ({input.shape[0] if input.ndim else 1}), mat "
            f"({mat.shape[0]}x{mat.shape[1]}), vec ({vec.shape[0]})"
        )
    return _scaled(OPS["addmv"], input, mat, vec, beta, alpha)


@export(inplace=True, out=True)
def addr(input, vec1, vec2, *, beta=1, alpha=1):
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v.ndim}-D")
    _check_expandable(input, (vec1.shape[0], vec2.shape[0]))
    return _scaled(OPS["addr"], input, vec1, vec2, beta, alpha)


def _check_batches(b1, b2):
    if b1.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    want = [b1.shape[0], b1.shape[2]]
    if list(b2.shape[:2]) != want:
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"{want} but got: {list(b2.shape[:2])}."
        )


@export(inplace=True, out=True)
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    # PyTorch sizes the result from the batches first (size()'s errors), then expands input
    _check_expandable(input, (batch1.size(0), batch1.size(1), batch2.size(2)))
    _check_batches(batch1, batch2)
    return _scaled(OPS["baddbmm"], input, batch1, batch2, beta, alpha)


@export(inplace=True, out=True)
def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    _check_expandable(input, (batch1.size(1), batch2.size(2)))
    _check_batches(batch1, batch2)
    return _scaled(OPS["addbmm"], input, batch1, batch2, beta, alpha)


@export(out=True)
def vdot(input, other):
    check_dot_operands(input, other)
    return apply(OPS["vdot"], (input, other))


@export(out=True)
def inner(input, other):
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(
            "inner() the last dimension must match on both input tensors but got shapes "
            f"{list(input.shape)} and {list(other.shape)}"
        )
    return _F["tensordot"](input, other, dims=([-1], [-1]))


@export(out=True)
def ger(input, vec2):
    for name, v in (("self", input), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {v.ndim}-D")
    return _F["outer"](input, vec2)


# ---------------------------------------------------------------------------------- elementwise
def _tensor_operand(x):
    return x if isinstance(x, Tensor) else _as_tensor(x)


@export(out=True)
def fmax(input, other):
    return apply(OPS["fmax"], (input, _tensor_operand(other)))


@export(out=True)
def fmin(input, other):
    return apply(OPS["fmin"], (input, _tensor_operand(other)))


def _float_only(kernel, a, b):
    if a.dtype.is_floating_point or a.dtype.is_complex:
        return
    if isinstance(b, Tensor) and (b._dtype.is_floating_point or b._dtype.is_complex):
        return
    raise NotImplementedError(f"\"{kernel}_cpu\" not implemented for '{_name(a)}'")


@export(out=True)
def logaddexp2(input, other):
    _float_only("logaddexp2", input, other)
    return apply(OPS["logaddexp2"], (input, _tensor_operand(other)))


@export(inplace=True, out=True)
def nextafter(input, other):
    _float_only("nextafter", input, other)
    return apply(OPS["nextafter"], (input, _tensor_operand(other)))


@export(inplace=True, out=True)
def heaviside(input, values):
    values = _tensor_operand(values)
    if values._dtype is not input._dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return apply(OPS["heaviside"], (input, values))


@export(out=True)
def angle(input):
    if not (input._dtype.is_floating_point or input._dtype.is_complex):
        input = input.to(D.get_default_dtype())
    return apply(OPS["angle"], (input,))


@export(inplace=True, out=True)
def sgn(input):
    return apply(OPS["sgn"], (input,))


@export()
def positive(input):
    if input._dtype is D.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


@export(inplace=True, out=True)
def conj_physical(input):
    if not input._dtype.is_complex:
        return input
    return input.conj().clone()


# ---------------------------------------------------------------------------------- complex
_HALF_FLOAT_DOUBLE = (D.float16, D.float32, D.float64)


def _check_complex_parts(a, b):
    if a._dtype not in _HALF_FLOAT_DOUBLE or b._dtype not in _HALF_FLOAT_DOUBLE:
        raise RuntimeError(
            "Expected both inputs to be Half, Float or Double tensors but got "
            f"{_name(a)} and {_name(b)}"
        )
    if a._dtype is not b._dtype:
        raise RuntimeError(
            f"Expected object of scalar type {_name(a)} but got scalar type {_name(b)} for "
            "second argument"
        )


@export(method=False, out=True)
def complex(real, imag):  # noqa: A001 - PyTorch's name
    _check_complex_parts(real, imag)
    return apply(OPS["complex"], (real, imag))


@export(method=False, out=True)
def polar(abs, angle):  # noqa: A002 - PyTorch's names
    _check_complex_parts(abs, angle)
    return apply(OPS["polar"], (abs, angle))


@export(method=False)
def view_as_real(input):
    if not input._dtype.is_complex:
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return apply(OPS["view_as_real"], (input,))


@export(method=False)
def view_as_complex(input):
    if input._dtype not in _HALF_FLOAT_DOUBLE:
        raise RuntimeError(
            "view_as_complex is only supported for half, float and double tensors, but got a "
            f"tensor of scalar type: {_name(input)}"
        )
    if input.ndim == 0 or input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    return apply(OPS["view_as_complex"], (input,))


# ---------------------------------------------------------------------------------- indexing
def _check_index_dtype(name, index):
    if index._dtype is not D.int64:
        raise RuntimeError(f"{name}(): Expected a long tensor for index, but got {_name(index)}")


_NO_INDEX = np.zeros(0, np.int64)


@export(inplace=True)
def put(input, index, source, accumulate=False):
    _check_index_dtype("put_", index)
    n = input.numel()
    value = index._value
    if index.numel() and _config._checks and not isinstance(value, jax.core.Tracer):
        # PyTorch's bounds check: one min/max of the indices read back (as the index checks
        # of indexing.py; off under torchlike.set_checks(False) and under tracing)
        lo, hi = np.asarray(jnp.stack([jnp.min(value), jnp.max(value)]))
        idx = np.asarray(value).reshape(-1) if lo < -n or hi >= n else _NO_INDEX
        bad = idx[(idx >= n) | (idx < -n)]
        if bad.size:
            raise IndexError(
                f"out of range: tried to access index {int(bad[0])} on a tensor of {n} elements."
            )
    if source._dtype is not input._dtype:
        raise RuntimeError(
            "put_(): self and source expected to have the same dtype, but got "
            f"self.dtype = {_name(input)} and source.dtype = {_name(source)}"
        )
    if source.numel() != index.numel():
        raise RuntimeError(
            f"put_(): Expected source and index to have the same number of elements, but got "
            f"source.numel() = {source.numel()}, index.numel() = {index.numel()}"
        )
    return apply(OPS["put"], (input, index, source), (("accumulate", builtins.bool(accumulate)),))


@export(inplace=True)
def masked_scatter(input, mask, source):
    if mask._dtype is not D.bool_:
        raise RuntimeError(
            f"masked_scatter_ only supports boolean masks, but got mask with dtype {mask.dtype}"
        )
    if source._dtype is not input._dtype:
        raise RuntimeError(
            "masked_scatter: expected self and source to have same dtypes but got "
            f"{_name(input)} and {_name(source)}"
        )
    if source.numel() < builtins.max(mask.numel(), input.numel()):
        # PyTorch's check needs the number of True entries: a host read, only where it can fail
        if int(jnp.sum(jnp.broadcast_to(mask._value, input.shape))) > source.numel():
            raise RuntimeError("Number of elements of source < number of ones in mask")
    return apply(OPS["masked_scatter"], (input, mask, source))


@export()
def as_strided_scatter(input, src, size, stride, storage_offset=None):
    size = tuple(size)
    if tuple(src.shape) != size:
        raise RuntimeError(
            "expected src to have a size equal to the slice of self. src size = "
            f"{list(src.shape)}, slice size = {list(size)}"
        )
    # the positions the strided window names in ``input``'s dense row-major memory (static)
    pos = np.full(size, storage_offset or 0, np.int64)
    for d, (n, st) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[d] = n
        pos = pos + (np.arange(n) * st).reshape(shape)
    flat = input.reshape(-1)
    idx = tensor(pos.reshape(-1))
    return _F["index_put"](flat, (idx,), src.reshape(-1)).view(tuple(input.shape))


def fill_diagonal_(self, fill_value, wrap=False):
    if self.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if self.ndim > 2 and len(set(self.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    mask = np.zeros(self.numel(), bool)
    strides = np.cumprod((1,) + tuple(self.shape[:0:-1]))[::-1]
    step = int(np.sum(strides))
    if self.ndim == 2:
        rows, cols = self.shape
        end = self.numel() if wrap and rows > cols + 1 else builtins.min(rows, cols) * cols
        mask[0:end:step] = True
    else:
        mask[0 : self.numel() : step] = True
    m = tensor(mask.reshape(tuple(self.shape)))
    return self.masked_fill_(m, fill_value)


# ---------------------------------------------------------------------------------- norms
@export(method=False, out=True)
def nuclear_norm(input, dim=None, keepdim=False):
    if isinstance(dim, builtins.bool):
        dim, keepdim = None, dim
    warnings.warn(
        "at::nuclear_norm is deprecated and it is just left for JIT compatibility. It will be "
        "removed in a future PyTorch release. Please use `linalg.matrix_norm(A, 'nuc', dim, "
        "keepdim)` instead",
        UserWarning,
        stacklevel=2,
    )
    a = input
    if dim is not None:
        d0, d1 = (_wrap_dim(d, input.ndim) for d in dim)
        a = input.movedim((d0, d1), (-2, -1))
    out = _F["sum"](linalg_svdvals(a), -1)
    if keepdim:
        dims = sorted((d0, d1)) if dim is not None else (input.ndim - 2, input.ndim - 1)
        for d in dims:
            out = out.unsqueeze(d)
    return out


@export(method=False, out=True)
def frobenius_norm(input, dim, keepdim=False):
    return _F["norm"](input, 2, dim, keepdim)


@export(method=False)
def norm_except_dim(v, pow=2, dim=0):  # noqa: A002 - PyTorch's names
    """The ``pow``-norm over every dim but ``dim``, kept as size-1 dims (weight_norm's
    ``g``); ``dim=-1`` is the norm of the whole tensor."""
    if dim == -1:
        return _F["norm"](v, pow)
    d = _wrap_dim(dim, v.ndim)
    others = [i for i in builtins.range(v.ndim) if i != d]
    if not others:
        return v.abs()  # the norm of each single element
    return _F["norm"](v, pow, others, keepdim=True)


@export(method=False)
def pdist(input, p=2):
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if not input._dtype.is_floating_point:
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    return apply(OPS["pdist"], (input,), (("p", float(p)),))


# ---------------------------------------------------------------------------------- sym_* helpers
# PyTorch's symbolic-shape-aware helpers; torchlike's sizes are plain ints, so they are the
# plain Python operations (with PyTorch's int/float results)
def _either_float(a, b, r):
    return float(r) if isinstance(a, float) or isinstance(b, float) else r


@export(method=False)
def sym_int(a):
    return math.trunc(a) if isinstance(a, float) else int(a)


@export(method=False)
def sym_float(a):
    return float(a)


@export(method=False)
def sym_max(a, b):
    return _either_float(a, b, builtins.max(a, b))


@export(method=False)
def sym_min(a, b):
    return _either_float(a, b, builtins.min(a, b))


@export(method=False)
def sym_not(a):
    return not a


@export(method=False)
def sym_sqrt(a):
    return math.sqrt(a)


@export(method=False)
def sym_sum(args):
    return builtins.sum(args)


@export(method=False)
def sym_ite(b, t, f):
    return t if b else f


@export(method=False)
def is_storage(obj):
    return isinstance(obj, (UntypedStorage, TypedStorage))


# ---------------------------------------------------------------------------------- removed names
# PyTorch keeps these old linear-algebra names only to tell a porting user what replaced them
_REMOVED = "This function was deprecated since version 1.9 and is now removed."


@export()
def solve(input, A, *, out=None):
    raise RuntimeError(
        f"{_REMOVED} `torch.solve` is deprecated in favor of `torch.linalg.solve`. "
        "`torch.linalg.solve` has its arguments reversed and does not return the LU "
        "factorization.\n\nTo get the LU factorization see `torch.lu`, which can be used with "
        "`torch.lu_solve` or `torch.lu_unpack`.\nX = torch.solve(B, A).solution should be "
        "replaced with:\nX = torch.linalg.solve(A, B)"
    )


@export()
def lstsq(input, A, *, out=None):
    raise RuntimeError(
        f"{_REMOVED} `torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n"
        "`torch.linalg.lstsq` has reversed arguments and does not return the QR decomposition "
        "in the returned tuple (although it returns other information about the problem).\n\n"
        "To get the QR decomposition consider using `torch.linalg.qr`.\n\nThe returned "
        "solution in `torch.lstsq` stored the residuals of the solution in the last m - n "
        "columns of the returned value whenever m > n. In torch.linalg.lstsq, the residuals "
        "are in the field 'residuals' of the returned named tuple.\n\nThe unpacking of the "
        "solution, as in\nX, _ = torch.lstsq(B, A).solution[:A.size(1)]\nshould be replaced "
        "with:\nX = torch.linalg.lstsq(A, B).solution"
    )


@export()
def eig(input, eigenvectors=False, *, e=None, v=None):
    raise RuntimeError(
        f"{_REMOVED} `torch.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` "
        "rather than real tensors mimicking complex tensors.\n\nL, _ = torch.eig(A) should be "
        "replaced with:\nL_complex = torch.linalg.eigvals(A)\n\nand\n\nL, V = "
        "torch.eig(A, eigenvectors=True) should be replaced with:\nL_complex, V_complex = "
        "torch.linalg.eig(A)"
    )


@export()
def symeig(input, eigenvectors=False, upper=True, *, out=None):
    raise RuntimeError(
        f"{_REMOVED} The default behavior has changed from using the upper triangular portion "
        "of the matrix by default to using the lower triangular portion.\n\nL, _ = "
        "torch.symeig(A, upper=upper) should be replaced with:\nL = torch.linalg.eigvalsh(A, "
        "UPLO='U' if upper else 'L')\n\nand\n\nL, V = torch.symeig(A, eigenvectors=True) "
        "should be replaced with:\nL, V = torch.linalg.eigh(A, UPLO='U' if upper else 'L')"
    )


@export(method=False)
def matrix_rank(input, tol=None, symmetric=False, *, out=None):
    raise RuntimeError(
        f"{_REMOVED}\nPlease use the `torch.linalg.matrix_rank` function instead. The parameter "
        "'symmetric' was renamed in `torch.linalg.matrix_rank()` to 'hermitian'."
    )


# ---------------------------------------------------------------------------------- control flow
def _predicate(pred):
    if isinstance(pred, Tensor):
        if pred.numel() != 1:
            raise RuntimeError(
                f"Expected pred to be bool or single-element tensor, but got {pred}."
            )
        return builtins.bool(pred.item())
    return builtins.bool(pred)


@export(method=False)
def cond(pred, true_fn, false_fn, operands=()):
    """Eager ``torch.cond``: the branch ``pred`` picks runs as ordinary ops (the same values and
    gradients as PyTorch's; reading a tensor ``pred`` is a host read)."""
    return (true_fn if _predicate(pred) else false_fn)(*operands)


@export(method=False)
def while_loop(cond_fn, body_fn, carried_inputs):
    """Eager ``torch.while_loop``: ``body_fn`` runs while ``cond_fn`` holds (one host read of
    the condition per iteration)."""
    carry = tuple(carried_inputs)
    while _predicate(cond_fn(*carry)):
        out = body_fn(*carry)
        carry = tuple(out) if isinstance(out, (tuple, list)) else (out,)
    return carry


# ---------------------------------------------------------------------------------- *_copy
def _copying(view_fn, name):
    """``X_copy``: the view op ``X`` computed into new memory, with PyTorch's ``<Node>_copy``
    node (``ViewBackward0_copy``)."""

    def fn(input, *args, **kwargs):
        with grad_mode.no_grad():
            v = view_fn(input, *args, **kwargs)
        pieces = v if isinstance(v, (tuple, list)) else (v,)
        g = pieces[0]._geom if pieces and isinstance(pieces[0], Tensor) else None
        if g is None or g.op is None or g.parent is not input._geom or g.op.node_cls is None:
            # not one view op of ``input`` (a no-op view, or a composite): a plain copy
            v = view_fn(input, *args, **kwargs)
            return tuple(p.clone() for p in v) if isinstance(v, (tuple, list)) else v.clone()
        out = apply(copy_op(g.op), (input, *g.args), g.static)
        if isinstance(v, (tuple, list)):
            return tuple(out) if isinstance(out, tuple) else (out,)
        return out[g.out_index] if isinstance(out, tuple) else out

    fn.__name__ = fn.__qualname__ = name
    return fn


def _view_method(name):
    def call(input, *args, **kwargs):
        return getattr(input, name)(*args, **kwargs)

    return call


_COPY_OF = {
    "view_copy": "view",
    "t_copy": "t",
    "permute_copy": "permute",
    "transpose_copy": "transpose",
    "expand_copy": "expand",
    "squeeze_copy": "squeeze",
    "unsqueeze_copy": "unsqueeze",
    "diagonal_copy": "diagonal",
    "select_copy": "select",
    "slice_copy": None,
    "alias_copy": None,
    "detach_copy": None,
    "unbind_copy": "unbind",
    "split_copy": "split",
    "split_with_sizes_copy": "split_with_sizes",
    "unfold_copy": "unfold",
    "as_strided_copy": "as_strided",
    "view_as_real_copy": None,
    "view_as_complex_copy": None,
}


def _slice_view(input, dim=0, start=None, end=None, step=1):
    index = [builtins.slice(None)] * input.ndim
    index[_wrap_dim(dim, input.ndim)] = builtins.slice(start, end, step)
    return input[tuple(index)]


def _alias_copy(input):
    return apply(copy_op(_ALIAS), (input,))


def _detach_copy(input):
    return input.detach().clone()


def _declare_copies():
    fns = {
        "slice_copy": _copying(_slice_view, "slice_copy"),
        "alias_copy": _alias_copy,
        "detach_copy": _detach_copy,
        "view_as_real_copy": view_as_real,
        "view_as_complex_copy": view_as_complex,
    }
    for name, view in _COPY_OF.items():
        fn = fns.get(name) or _copying(_view_method(view), name)
        export(name, method=False, out=name not in _COPIES_WITHOUT_OUT)(fn)


# PyTorch 2.13's recorded forms: these copies take no out=
_COPIES_WITHOUT_OUT = {
    "expand_copy",
    "permute_copy",
    "unfold_copy",
    "as_strided_copy",
    "split_with_sizes_copy",
}


# alias: the identity view (PyTorch's AliasBackward0)
_ALIAS = OPS["alias"]


# ---------------------------------------------------------------------------------- in-place views
def _inplace_twin(name, node, view):
    """The entry an in-place view-metadata method records: the view op's impl, the in-place
    form's own node name (``t_`` records ``TBackward1``); a view of ``self`` unless ``self``
    is a base, which takes the result as its new memory."""
    src = OPS[name]
    return Op(src.name, src.impl, node, linear=True, saved=src.saved, view=view)


_INPLACE_VIEW_OPS: dict = {}


def _restride(self, view_op_key, node, static):
    """Make ``self`` (kept as the same object) take the geometry of one of its own views."""
    _check_inplace_allowed(self)
    key = (view_op_key, node, self._base_t is None)
    op = _INPLACE_VIEW_OPS.get(key)
    if op is None:
        op = _INPLACE_VIEW_OPS[key] = _inplace_twin(view_op_key, node, view=key[2] is False)
    if self._base_t is not None:
        v = apply(op, (self,), static)
        self._set_geometry(v._geom)
        self._cache = v._cache
        self._cache_gen = v._cache_gen
        if v._grad_fn is not None:
            self._set_history(v._grad_fn, v._output_nr)
            self._view_history_current()
    else:
        # a base takes new memory of the new shape (views made of it earlier keep the old
        # memory: PyTorch's still share it with the base)
        v = apply(op, (self,), static)
        version = self._version
        self._storage = self._vc = Storage(v._value)
        self._version = version
        self._host = None
        if v._grad_fn is not None:
            self._set_history(v._grad_fn, v._output_nr)
            self._history_changed()
    self._version += 1
    return self


def t_(self):
    if self.ndim > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
    return _restride(self, "t", "TBackward1", ())


def transpose_(self, dim0, dim1):
    d0, d1 = _wrap_dim(dim0, self.ndim), _wrap_dim(dim1, self.ndim)
    return _restride(self, "transpose", "TransposeBackward1", (("dim0", d0), ("dim1", d1)))


def unsqueeze_(self, dim):
    return _restride(
        self, "unsqueeze", "UnsqueezeBackward1", (("dim", _wrap_dim(dim, self.ndim + 1)),)
    )


def squeeze_(self, dim=None):
    if dim is None:
        shape = tuple(s for s in self.shape if s != 1)
        return _restride(self, "squeeze", "SqueezeBackward3", (("shape", shape),))
    dims = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
    dims = tuple(sorted({_wrap_dim(d, self.ndim) for d in dims if self.ndim}))
    keep = [s for i, s in enumerate(self.shape) if not (i in dims and s == 1)]
    if len(dims) == 1 and not isinstance(dim, (tuple, list)):
        return _restride(
            self, "squeeze_dim", "SqueezeBackward4", (("shape", tuple(keep)), ("dim", dims[0]))
        )
    return _restride(
        self, "squeeze_dims", "SqueezeBackward5", (("shape", tuple(keep)), ("dim", dims))
    )


def resize_(self, *sizes, memory_format=None):
    if self._requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    shape = _size_args(sizes)
    if builtins.any(s < 0 for s in shape):
        # PyTorch's numel check sees a negative size as an unsigned overflow
        raise RuntimeError("numel: integer multiplication overflow")
    if tuple(shape) == tuple(self.shape):
        return self
    if self._base_t is not None:
        raise RuntimeError("torchlike: resize_ of a view to a new shape is not supported")
    n = int(np.prod(shape))
    flat = self._value.reshape(-1)
    # growing keeps the old elements first; the new ones are zeros (PyTorch: uninitialised)
    flat = (
        flat[:n]
        if n <= flat.shape[0]
        else jnp.concatenate([flat, jnp.zeros(n - flat.shape[0], flat.dtype)])
    )
    version = self._version
    self._storage = self._vc = Storage(flat.reshape(shape))
    self._version = version
    self._host = None
    grad_mode.check_inference_write(self)
    self._version = version + 1
    return self


def resize_as_(self, the_template, *, memory_format=None):
    return resize_(self, tuple(the_template.shape))


def resize(self, *sizes):
    warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
    shape = _size_args(sizes)
    if int(np.prod(shape)) == self.numel():
        return self.reshape(shape)  # keeps the graph, as PyTorch's ResizeBackward
    return resize_(self.detach().clone(), *sizes)


def resize_as(self, tensor):
    return resize(self, tuple(tensor.shape))


class TypedStorage:
    """``x.storage()``: the typed view of the memory a tensor and its views share (queries and
    reads only; PyTorch deprecates it in favour of ``untyped_storage()``)."""

    def __init__(self, tensor):
        self._storage = tensor._storage
        self.dtype = tensor._dtype
        self.device = tensor.device

    def _flat(self):
        return np.asarray(self._storage.data).reshape(-1)

    def size(self):
        return int(self._storage.data.size)

    __len__ = size

    def element_size(self):
        return self.dtype.itemsize

    def nbytes(self):
        return self.size() * self.dtype.itemsize

    def data_ptr(self):
        return self._untyped_storage.data_ptr()

    @property
    def _untyped_storage(self):
        return UntypedStorage(self._storage, self.device)

    def untyped(self):
        return self._untyped_storage

    def tolist(self):
        return self._flat().tolist()

    def __getitem__(self, i):
        return self._flat()[i].item()

    def __iter__(self):
        return iter(self.tolist())

    def __eq__(self, other):
        return isinstance(other, TypedStorage) and other._storage is self._storage

    def __hash__(self):
        return id(self._storage)

    def __repr__(self):
        body = "\n".join(f" {v}" for v in self.tolist())
        kind = f"torch.storage.TypedStorage(dtype={self.dtype}, device={self.device})"
        return f"{body}\n[{kind} of size {self.size()}]"


def storage(self):
    warnings.warn(
        "TypedStorage is deprecated. It will be removed in the future and UntypedStorage will "
        "be the only storage class. This should only matter to you if you are using storages "
        "directly.  To access UntypedStorage directly, use tensor.untyped_storage() instead "
        "of tensor.storage()",
        UserWarning,
        stacklevel=2,
    )
    return TypedStorage(self)


def _method_forms():
    return {
        "t_": t_,
        "transpose_": transpose_,
        "swapaxes_": transpose_,
        "swapdims_": transpose_,
        "unsqueeze_": unsqueeze_,
        "squeeze_": squeeze_,
        "resize_": resize_,
        "resize_as_": resize_as_,
        "resize": resize,
        "resize_as": resize_as,
        "fill_diagonal_": fill_diagonal_,
        "sum_to_size": sum_to_size,
        "is_nonzero": is_nonzero,
        "is_pinned": is_pinned,
        "pin_memory": pin_memory,
        "share_memory_": share_memory_,
        "new_empty_strided": new_empty_strided,
        "storage": storage,
        "cfloat": lambda self, memory_format=None: self.to(D.complex64),
        "cdouble": lambda self, memory_format=None: self.to(D.complex128),
        "__dlpack__": _dlpack,
        "__dlpack_device__": _dlpack_device,
    }


# ---------------------------------------------------------------------------- fake quantization
def _check_quant_range(quant_min, quant_max):
    if quant_min > quant_max:
        raise RuntimeError("`quant_min` should be less than or         equal to `quant_max`.")


def _check_fake_quant_input(input):
    if not input._dtype.is_floating_point:
        raise NotImplementedError(
            '"fake_quantize_tensor_cachemask_kernel_type_handling" not implemented for '
            f"'{D.CAST_NAMES.get(input._dtype, str(input._dtype))}'"
        )


@export(method=False)
def fake_quantize_per_tensor_affine(input, scale, zero_point, quant_min, quant_max):
    _check_quant_range(quant_min, quant_max)
    qmin, qmax = int(quant_min), int(quant_max)
    if isinstance(scale, Tensor) or isinstance(zero_point, Tensor):
        op = OPS["fake_quantize_per_tensor_affine_tensor_qparams"]
        scale = scale if isinstance(scale, Tensor) else tensor(float(scale))
        zero_point = (
            zero_point if isinstance(zero_point, Tensor) else tensor(int(zero_point), dtype=D.int32)
        )
    else:
        if not qmin <= zero_point <= qmax:
            raise RuntimeError("`zero_point` must be between `quant_min` and `quant_max`.")
        op = OPS["fake_quantize_per_tensor_affine"]
        scale, zero_point = tensor(float(scale)), tensor(int(zero_point), dtype=D.int32)
    _check_fake_quant_input(input)
    # scale and zero point are operands, not static: an observer's new values compile nothing
    return apply(op, (input, scale, zero_point), (("quant_min", qmin), ("quant_max", qmax)))


@export(method=False)
def fake_quantize_per_channel_affine(input, scale, zero_point, axis, quant_min, quant_max):
    if zero_point._dtype not in (D.int32, D.float32, D.float16):
        raise RuntimeError(
            f"Zero-point must be Int32, Float or Half, found {D.CAST_NAMES[zero_point._dtype]}"
        )
    _check_quant_range(quant_min, quant_max)
    qmin, qmax = int(quant_min), int(quant_max)
    if zero_point._dtype is D.int32 and bool(
        ((zero_point < qmin) | (zero_point > qmax)).any().item()
    ):
        raise RuntimeError("`zero_point` must be between `quant_min` and `quant_max`.")
    d = _wrap_dim(axis, input.ndim)
    if axis < 0:
        raise RuntimeError("`axis` must be between 0 and number of dimensions of input")
    n = input.shape[d]
    if scale.ndim != 1 or zero_point.ndim != 1 or scale.shape[0] != n or zero_point.shape[0] != n:
        raise RuntimeError(
            "dimensions of scale and zero-point are not consistent with input tensor"
        )
    _check_fake_quant_input(input)
    return apply(
        OPS["fake_quantize_per_channel_affine"],
        (input, scale, zero_point),
        (("quant_min", qmin), ("quant_max", qmax), ("axis", d)),
    )


METHODS.update(_method_forms())
PROPERTIES["mH"] = _mH
PROPERTIES["is_cpu"] = _is_cpu
_declare_copies()

# torch.abs_(x) … : PyTorch's top-level spellings of the in-place methods
TORCH_INPLACE = (
    "abs_ acos_ acosh_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ asin_ asinh_ atan_ "
    "atanh_ ceil_ clamp_ clamp_max_ clamp_min_ clip_ cos_ cosh_ deg2rad_ erf_ erfc_ exp2_ exp_ "
    "expm1_ fix_ floor_ frac_ gcd_ i0_ lcm_ ldexp_ log10_ log1p_ log2_ log_ logit_ nan_to_num_ "
    "neg_ negative_ rad2deg_ reciprocal_ relu_ round_ rsqrt_ sigmoid_ sin_ sinc_ sinh_ sqrt_ "
    "square_ tan_ tanh_ trunc_ xlogy_ zero_ fill_ detach_ index_put_ as_strided_ addmv_ "
    "resize_as_ conj_physical_"
).split()


def torch_inplace_functions(methods):
    """``torch.X_`` for the in-place methods PyTorch also exposes at top level (called once the
    generated forms exist)."""
    out = {}
    for n in (*TORCH_INPLACE, "detach"):
        fn = methods.get(n) or getattr(Tensor, n, None)
        if fn is not None:
            out[n] = fn
    return out
