"""Indexing signatures: ``x[i]`` and ``x[i] = v`` with PyTorch's basic/advanced rules,
gather/scatter/index_* ops, copy_, nonzero and the value-dependent selections.
"""

from __future__ import annotations

import builtins
import operator

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap_dim
from ..autograd import grad_mode
from ..autograd.inplace import (
    _check_inplace_allowed,
    fill_like,
    inplace_update,
)
from .core import apply
from .shapes import _slice, expand, flatten, select, unsqueeze
from .signatures import (
    FUNCTIONS,
    METHODS,
    _is_scalar,
    _scalar,
    _t,
    export,
)
from .table import OPS


@export(out=True)
def gather(input, dim, index, *, sparse_grad=False):
    return apply(OPS["gather"], (input, index), (("dim", _wrap_dim(dim, input.ndim)),))


@export(out=True)
def index_select(input, dim, index):
    return apply(OPS["index_select"], (input, index), (("dim", _wrap_dim(dim, input.ndim)),))


@export(out=True)
def nonzero(input, *, as_tuple=False):
    idx = np.nonzero(np.asarray(input._value))
    if as_tuple:
        return tuple(Tensor._make(jnp.asarray(i, jnp.int64)) for i in idx)
    return Tensor._make(jnp.asarray(np.stack(idx, axis=1) if idx else np.zeros((0, 0)), jnp.int64))


def _is_int_scalar_tensor(i):
    # (0-d bool and uint8 tensors are masks, as in PyTorch)
    return (
        isinstance(i, Tensor)
        and i.ndim == 0
        and i._dtype not in (D.bool_, D.uint8)
        and not (i._dtype.is_floating_point or i._dtype.is_complex)
    )


def _getitem(self, index):
    if not isinstance(index, tuple):
        index = (index,)
    # a 0-d integer tensor indexes like the integer it holds (a select, as in PyTorch, which
    # reads it too); its value is a traced operand, so every value shares one executable
    if builtins.any(_is_int_scalar_tensor(i) for i in index):
        index = tuple(operator.index(i) if _is_int_scalar_tensor(i) else i for i in index)
    # bool masks and index sequences are advanced indexing: one IndexBackward0 node
    if builtins.any(
        isinstance(i, (Tensor, list, np.ndarray)) or isinstance(i, bool) for i in index
    ):
        return _advanced_index(self, index)
    n_real = builtins.sum(1 for i in index if i is not None and i is not Ellipsis)
    if n_real > self.ndim:
        raise IndexError(f"too many indices for tensor of dimension {self.ndim}")
    out = self
    dim = 0
    expanded = []
    for i in index:
        if i is Ellipsis:
            expanded.extend([slice(None)] * (self.ndim - n_real))
        else:
            expanded.append(i)
    for i in expanded:
        if i is None:
            out = unsqueeze(out, dim)
            dim += 1
        elif isinstance(i, slice):
            n = out.shape[dim]
            # bounds given as 0-d tensors are read once (PyTorch reads them too)
            raw = slice(
                *(
                    b if b is None or type(b) is int else operator.index(b)
                    for b in (i.start, i.stop, i.step)
                )
            )
            start, stop, step = raw.indices(n)
            if step <= 0:
                raise ValueError("step must be greater than zero")
            stop = builtins.max(stop, start)
            if not (start == 0 and stop == n and step == 1) or len(expanded) == 1:
                # SliceBackward0 saves the bounds as written (None: 0 and INT64_MAX)
                out = _slice(out, dim, start, stop, step, (raw.start or 0, raw.stop))
            dim += 1
        else:
            i = int(i)
            n = out.shape[dim]
            if not -n <= i < n:
                raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {n}")
            out = select(out, dim, i)
    return out


def _select_ints_first(self, index):
    """PyTorch applies integer indices as ``select`` before advanced indexing (NumPy would
    broadcast them with the index tensors, which reorders dimensions)."""
    index = list(index)
    n_real = builtins.sum(
        (i.ndim if isinstance(i, Tensor) and i._dtype in (D.bool_, D.uint8) and i.ndim else 1)
        for i in index
        if i is not None and i is not Ellipsis
    )
    expanded = []
    for i in index:
        if i is Ellipsis:
            expanded.extend([slice(None)] * builtins.max(self.ndim - n_real, 0))
        else:
            expanded.append(i)
    dims = []
    dim = 0
    for i in expanded:
        dims.append(dim)
        if i is None:
            continue
        if isinstance(i, Tensor) and i._dtype in (D.bool_, D.uint8):
            dim += builtins.max(i.ndim, 1) if i.ndim else 0
        elif isinstance(i, bool):
            continue
        else:
            dim += 1
    out = self
    kept = []
    removed = 0
    for i, d in zip(expanded, dims):
        if isinstance(i, (int, np.integer)) and not isinstance(i, bool):
            n = out.shape[d - removed]
            if not -n <= i < n:
                raise IndexError(f"index {i} is out of bounds for dimension {d} with size {n}")
            out = select(out, d - removed, int(i))
            removed += 1
        else:
            kept.append(i)
    return out, tuple(kept)


def _expand_ellipsis(ndim, index):
    n_real = builtins.sum(
        (i.ndim if isinstance(i, Tensor) and i._dtype in (D.bool_, D.uint8) and i.ndim else 1)
        for i in index
        if i is not None and i is not Ellipsis and not isinstance(i, bool)
    )
    out = []
    for i in index:
        if i is Ellipsis:
            out.extend([slice(None)] * builtins.max(ndim - n_real, 0))
        else:
            out.append(i)
    return out


def _check_index_bounds(self, index):
    dim = 0
    for i in _expand_ellipsis(self.ndim, index):
        if i is None:
            continue
        if (
            isinstance(i, Tensor)
            and i._dtype not in (D.bool_, D.uint8)
            and not i._dtype.is_floating_point
            and i.numel()
        ):
            n = self.shape[dim] if dim < self.ndim else 0
            arr = np.asarray(i._value)
            bad = arr[(arr >= n) | (arr < -n)]
            if bad.size:
                raise IndexError(
                    f"index {int(bad.flat[0])} is out of bounds for dimension {dim} with size {n}"
                )
        dim += i.ndim if isinstance(i, Tensor) and i._dtype in (D.bool_, D.uint8) else 1


def _advanced_index(self, index):
    if (
        builtins.sum(
            1 for i in index if i is not None and i is not Ellipsis and not isinstance(i, bool)
        )
        > self.ndim
    ):
        raise IndexError(f"too many indices for tensor of dimension {self.ndim}")
    if builtins.any(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in index):
        base, index = _select_ints_first(self, index)
        return _advanced_index(base, index)
    index = tuple(_t(i) if isinstance(i, (list, np.ndarray)) else i for i in index)
    _check_index_bounds(self, index)
    spec, indices = _index_spec_and_operands(self, index)
    return apply(OPS["index"], (self, *indices), (("spec", spec),))


METHODS["__getitem__"] = _getitem


def copy_(self, src, non_blocking=False):
    src = src if isinstance(src, Tensor) else _t(src)
    if grad_mode.is_grad_enabled() and (src._requires_grad or self._requires_grad):
        return inplace_update(self, apply(OPS["copy"], (self, src)))
    _check_inplace_allowed(self)
    try:
        value = jnp.broadcast_to(src._value, self._value.shape).astype(self._value.dtype)
    except ValueError:
        raise _broadcast_error(tuple(self.shape), tuple(src.shape)) from None
    self._write_data(value)
    return self


def _broadcast_error(a, b):
    for i in range(1, builtins.max(len(a), len(b)) + 1):
        da = a[-i] if i <= len(a) else 1
        db = b[-i] if i <= len(b) else 1
        if da != db and da != 1 and db != 1:
            return RuntimeError(
                f"The size of tensor a ({da}) must match the size of tensor b ({db}) at "
                f"non-singleton dimension {builtins.max(len(a), len(b)) - i}"
            )
    return RuntimeError(f"output with shape {list(a)} doesn't match the broadcast shape {list(b)}")


def _index_spec_and_operands(self, index):
    """Advanced-index ``index`` as (static spec, index tensors), masks resolved to integers."""
    if not isinstance(index, tuple):
        index = (index,)
    spec, operands = [], []
    dim = 0
    for i in index:
        if isinstance(i, (list, np.ndarray)):
            i = _t(i)
        if isinstance(i, bool):
            i = Tensor._make(jnp.asarray(i))
        if isinstance(i, Tensor):
            if i._dtype is D.bool_ or i._dtype is D.uint8:
                if i.ndim and tuple(i.shape) != tuple(self.shape[dim : dim + i.ndim]):
                    raise IndexError(
                        f"The shape of the mask {list(i.shape)} at index {dim} does not match "
                        f"the shape of the indexed tensor {list(self.shape)} at index {dim}"
                    )
                # boolean masks select data-dependent shapes: resolve them to integer indices
                # now, so the recorded op has static shapes and replays under jit
                for arr in np.nonzero(np.asarray(i._value)):
                    spec.append(("t", None))
                    operands.append(Tensor._make(jnp.asarray(arr, jnp.int64)))
                dim += i.ndim
            else:
                if i._dtype.is_floating_point:
                    raise IndexError(
                        "tensors used as indices must be long, int, byte or bool tensors"
                    )
                spec.append(("t", None))
                operands.append(i)
                dim += 1
        elif i is None:
            spec.append(("none",))
        elif i is Ellipsis:
            spec.append(("ellipsis",))
        elif isinstance(i, slice):
            spec.append(("slice", i.start, i.stop, i.step))
            dim += 1
        else:
            spec.append(("int", int(i)))
            dim += 1
    return tuple(spec), operands


def _setitem(self, index, value):
    if not isinstance(value, Tensor):
        value = (
            _t(value)
            if not _is_scalar(value)
            else Tensor._make(jnp.asarray(_scalar(value), self._value.dtype))
        )
    parts = index if isinstance(index, tuple) else (index,)
    if builtins.any(_is_int_scalar_tensor(i) for i in parts):  # as in _getitem: an integer
        parts = tuple(operator.index(i) if _is_int_scalar_tensor(i) else i for i in parts)
        index = parts
    advanced = builtins.any(isinstance(i, (Tensor, list, np.ndarray, bool)) for i in parts)
    if not advanced:
        if parts in ((), (Ellipsis,)):
            if value.ndim == 0:  # x[...] = v is PyTorch's fill_ (checked for overlap)
                fill_like(self, "fill_tensor", (value.to(self._dtype),), check_overlap=True)
                return
            target = self
        else:
            target = _getitem(self, index)
        _check_expand(value, target)
        copy_(target, value)
        return
    if builtins.any(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in parts):
        target, parts = _select_ints_first(self, parts)
        _setitem(target, parts, value)
        return
    parts = tuple(_t(i) if isinstance(i, (list, np.ndarray)) else i for i in parts)
    _check_index_bounds(self, parts)
    spec, indices = _index_spec_and_operands(self, parts)
    try:
        result = apply(
            OPS["index_put"],
            (self, value.to(self._dtype), *indices),
            (("spec", spec), ("accumulate", False)),
        )
    except RuntimeError:
        picked = _advanced_index(self.detach(), parts)
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(value.shape)} cannot "
            f"be broadcast to indexing result of shape {list(picked.shape)}"
        ) from None
    inplace_update(self, result)


def _check_expand(value, target):
    """``x[i] = v`` expands ``v`` to the target: PyTorch's expand error if it can't."""
    vs, ts = tuple(value.shape), tuple(target.shape)
    if len(vs) > len(ts):
        vs = tuple(d for d in vs[: len(vs) - len(ts)] if d != 1) + vs[len(vs) - len(ts) :]
    for i in range(1, len(vs) + 1):
        if i > len(ts):
            break
        if vs[-i] != ts[-i] and vs[-i] != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({ts[-i]}) must match the existing size "
                f"({vs[-i]}) at non-singleton dimension {len(ts) - i}.  Target sizes: "
                f"{list(ts)}.  Tensor sizes: {list(value.shape)}"
            )


def index_put_(self, indices, values, accumulate=False):
    spec, idx = _index_spec_and_operands(self, tuple(indices))
    values = values if isinstance(values, Tensor) else _t(values)
    return inplace_update(
        self,
        apply(
            OPS["index_put"],
            (self, values.to(self._dtype), *idx),
            (("spec", spec), ("accumulate", accumulate)),
        ),
    )


def index_put(self, indices, values, accumulate=False):
    spec, idx = _index_spec_and_operands(self, tuple(indices))
    return apply(
        OPS["index_put"],
        (self, values.to(self._dtype), *idx),
        (("spec", spec), ("accumulate", accumulate)),
    )


@export(inplace=True)
def index_add(input, dim, index, source, *, alpha=1):
    return apply(
        OPS["index_add"],
        (input, source, index),
        (("dim", _wrap_dim(dim, input.ndim)), ("alpha", alpha)),
    )


@export(inplace=True)
def index_fill(input, dim, index, value):
    if isinstance(value, Tensor):
        value = value.item()
    return apply(OPS["index_fill"], (input, index, value), (("dim", _wrap_dim(dim, input.ndim)),))


@export(inplace=True, out=True)
def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    if src is None:
        src = value
    d = (("dim", _wrap_dim(dim, input.ndim)),)
    if isinstance(src, Tensor):
        return apply(OPS["scatter"], (input, src, index), d)
    return apply(OPS["scatter_value"], (input, index, _scalar(src)), d)


@export(inplace=True)
def scatter_add(input, dim, index, src):
    return apply(OPS["scatter_add"], (input, src, index), (("dim", _wrap_dim(dim, input.ndim)),))


METHODS["__setitem__"] = _setitem
METHODS["index_put_"] = index_put_
FUNCTIONS["index_put"] = METHODS["index_put"] = index_put


METHODS["copy_"] = copy_


@export(out=True)
def masked_select(input, mask):
    mask_b = mask if tuple(mask.shape) == tuple(input.shape) else mask.expand_as(input)
    idx = [Tensor._make(jnp.asarray(a, jnp.int64)) for a in np.nonzero(np.asarray(mask_b._value))]
    return apply(OPS["masked_select"], (input, *idx))


@export(method=False, out=True)
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    side = side or ("right" if right else "left")
    seq = np.asarray(sorted_sequence._value)
    vals = np.asarray(input._value) if isinstance(input, Tensor) else np.asarray(input)
    if seq.ndim == 1:
        res = np.searchsorted(seq, vals, side=side)
    else:
        res = np.stack(
            [
                np.searchsorted(s, v, side=side)
                for s, v in zip(seq.reshape(-1, seq.shape[-1]), vals.reshape(-1, vals.shape[-1]))
            ]
        ).reshape(vals.shape)
    return Tensor._make(jnp.asarray(res.astype(np.int32 if out_int32 else np.int64)))


@export(method=False, out=True)
def bucketize(input, boundaries, *, out_int32=False, right=False):
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


@export(out=True)
def take_along_dim(input, indices, dim=None):
    if dim is None:
        return gather(flatten(input), 0, flatten(indices))
    d = _wrap_dim(dim, input.ndim)
    shape = list(builtins.max(a, b) for a, b in zip(input.shape, indices.shape))
    in_shape, idx_shape = list(shape), list(shape)
    in_shape[d], idx_shape[d] = input.shape[d], indices.shape[d]
    return gather(expand(input, tuple(in_shape)), d, expand(indices, tuple(idx_shape)))
