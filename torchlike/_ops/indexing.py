"""Indexing signatures: ``x[i]`` and ``x[i] = v`` with PyTorch's basic/advanced rules,
gather/scatter/index_* ops, copy_, nonzero and the value-dependent selections.
"""

from __future__ import annotations

import builtins
import operator
import os
import sys
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import _config, _meta, _warnings
from .. import _dtype as D
from .._tensor import _TYPE_NAMES, Tensor, _wrap_dim
from ..autograd import grad_mode
from ..autograd.inplace import (
    _check_inplace_allowed,
    fill_like,
    inplace_update,
)
from . import core as _core
from . import (
    indexing_table,  # noqa: F401  (registers scatter_reduce, take, unfold, ...)
    overloads,
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
from .table import OPS, cast


# ---------------------------------------------------------------------------------- bounds
# PyTorch's CPU kernels check every index before they read or write.  Here one fused check per
# op reads back a single min/max (or bool) of the index: on CPU the index is already host
# memory; on an accelerator it is one sync, which ``torchlike.set_checks(False)`` turns off.
# Under JAX tracing (torch.func, vmap) there is nothing to read, so the check is skipped.
def _on_host(value):
    try:
        return all(d.platform == "cpu" for d in value.devices())
    except AttributeError:  # a numpy array
        return True


@jax.jit
def _min_max(value):
    return jnp.stack([jnp.min(value), jnp.max(value)])


def first_out_of_range(index, lo, hi, ignore=None):
    """The first value (in row-major order) of integer tensor ``index`` outside ``[lo, hi)``,
    skipping entries equal to ``ignore``; None when all are in range or checks can't run."""
    value = index._value if isinstance(index, Tensor) else index
    if not _config._checks or isinstance(value, jax.core.Tracer) or value.size == 0:
        return None
    if _meta.is_meta(value):  # no values to check, as on PyTorch's meta device
        return None
    if _on_host(value):
        arr = np.asarray(value)
        lo_v, hi_v = arr.min(), arr.max()
        if ignore is not None and not (lo <= lo_v and hi_v < hi):
            # only now skip the ignored entries (usually -100, below every class)
            arr = arr[arr != ignore]
            if arr.size == 0:
                return None
            lo_v, hi_v = arr.min(), arr.max()
    else:
        v = value if ignore is None else jnp.where(value == ignore, lo, value)
        lo_v, hi_v = np.asarray(_min_max(v))
    if lo <= lo_v and hi_v < hi:
        return None
    arr = np.asarray(value).reshape(-1)  # the error path: find the first offender
    bad = (arr < lo) | (arr >= hi)
    if ignore is not None:
        bad &= arr != ignore
    return int(arr[bad][0])


def _check_integer_index(index, message, exc=RuntimeError, dtypes=(D.int64, D.int32)):
    if index._dtype not in dtypes:
        raise exc(message)


def _check_gather_shapes(name, input, dim, index, src=None):
    """gather/scatter's shape rules: same rank (a 0-d tensor counts as 1-d), and ``index`` no
    larger than ``input`` outside ``dim`` (and no larger than ``src`` anywhere)."""
    nd = builtins.max(input.ndim, 1)
    what = "input" if name == "gather" else "self"
    if builtins.max(index.ndim, 1) != nd:
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {what} tensor")
    if src is not None and builtins.max(src.ndim, 1) != builtins.max(index.ndim, 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    if index.ndim == 0 or input.ndim == 0:
        return
    ishape, sshape = tuple(index.shape), tuple(input.shape)
    if name == "gather":
        for d in range(nd):
            if d != dim and ishape[d] > sshape[d]:
                raise RuntimeError(
                    f"Size does not match at dimension {d} expected index {list(ishape)} to be "
                    f"no larger than self {list(sshape)} apart from dimension {dim}"
                )
        return
    too_big = builtins.any(d != dim and ishape[d] > sshape[d] for d in range(nd))
    if src is not None and src.ndim:
        too_big = too_big or builtins.any(a > b for a, b in zip(ishape, tuple(src.shape)))
    if too_big:
        msg = (
            f"Expected index {list(ishape)} to be no larger than self {list(sshape)} apart "
            f"from dimension {dim}"
        )
        if src is not None:
            msg += f" and to be no larger size than src {list(src.shape)}"
        raise RuntimeError(msg)


def _check_dim_bounds(index, dim, n):
    bad = first_out_of_range(index, 0, n)
    if bad is not None:
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {n}")


@export(out=True, ints=("dim",))
def gather(input, dim, index, *, sparse_grad=False):
    d = _wrap_dim(dim, input.ndim)
    _check_integer_index(index, "gather(): Expected dtype int32/int64 for index")
    _check_gather_shapes("gather", input, d, index)
    _check_dim_bounds(index, d, input.shape[d] if input.ndim else 1)
    return apply(OPS["gather"], (input, index), (("dim", d),))


@export(out=True, ints=("dim",))
def index_select(input, dim, index):
    d = _wrap_dim(dim, input.ndim)
    _check_integer_index(index, "index_select(): Expected dtype int32 or int64 for index")
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if input.ndim == 0 and index.numel() != 1:
        raise RuntimeError(
            f"index_select(): Index to scalar can have only 1 value, got {index.numel()} value(s)"
        )
    n = input.shape[d] if input.ndim else 1
    bad = first_out_of_range(index, 0, n)
    if bad is not None:
        if d != 1:  # PyTorch's CPU kernel for dim 1 words it differently
            raise IndexError("index out of range in self")
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={n}")
    if index.ndim == 0:
        index = unsqueeze(index, 0)
    return apply(OPS["index_select"], (input, index), (("dim", d),))


@export(out=True)
def nonzero(input, *, as_tuple=False):
    # the result's shape depends on the values: read them (a host sync, as in PyTorch)
    arr = np.asarray(input._value)
    idx = np.nonzero(arr.reshape(1) if arr.ndim == 0 else arr)
    if arr.ndim == 0 and not as_tuple:
        return Tensor._make(jnp.zeros((idx[0].size, 0), jnp.int64))
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


def _bare_key(self, key):
    """PyTorch's errors for a key that is not a tuple: a string is a sequence of that many
    indices (each an invalid tensor element); a 0-d tensor can't take an integer or a slice."""
    if isinstance(key, (str, bytes)):
        if len(key) > self.ndim:
            raise IndexError(f"too many indices for tensor of dimension {self.ndim}")
        raise TypeError(f"new(): invalid data type '{type(key).__name__}'")
    if self.ndim:
        return
    if isinstance(key, (int, np.integer)) and not isinstance(key, (bool, np.bool_)):
        if key == 0:
            raise IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
            )
        raise IndexError(f"index {key} is out of bounds for dimension 0 with size 0")
    if isinstance(key, slice):
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")


def _leading_slice(self, key, n):
    """``x[a:b]`` (the commonest key, on a tensor of at least one dimension): what the slice
    branch of ``_getitem`` does for a single slice, without the general bookkeeping."""
    start, stop, step = key.start, key.stop, key.step
    # bounds given as 0-d tensors are read once (PyTorch reads them too)
    try:
        if not (start is None or type(start) is int):
            start = operator.index(start)
        if not (stop is None or type(stop) is int):
            stop = operator.index(stop)
        if not (step is None or type(step) is int):
            step = operator.index(step)
    except TypeError:
        raise TypeError(
            "slice indices must be integers or None or have an __index__ method"
        ) from None
    lo, hi, st = slice(start, stop, step).indices(n)
    if st <= 0:
        raise ValueError("step must be greater than zero")
    return _slice(self, 0, lo, builtins.max(hi, lo), st, (start or 0, stop))


def _ranges_as_lists(index):
    """A ``range`` in a key is a sequence of indices to PyTorch (d2l's
    ``y_hat[range(len(y_hat)), y]``), so it indexes as the list it spells."""
    if type(index) is range:
        return list(index)
    if type(index) is tuple and builtins.any(type(i) is range for i in index):
        return tuple(list(i) if type(i) is range else i for i in index)
    return index


def _sequence_index(seq):
    """A list/tuple/ndarray in a key as its index tensor; an empty one has no elements to
    give it a dtype and indexes as an empty int64 index (PyTorch: ``x[[]]`` has 0 rows)."""
    t = _t(seq)
    if t._dtype.is_floating_point and 0 in t._meta.shape:
        return Tensor._make(jnp.zeros(t._meta.shape, jnp.int64))
    return t


def _getitem(self, index):
    if type(index) is slice:
        shape = self._meta.shape
        if shape:
            return _leading_slice(self, index, shape[0])
    index = _ranges_as_lists(index)
    if not isinstance(index, tuple):
        _bare_key(self, index)
        index = (index,)
    # a 0-d integer tensor indexes like the integer it holds (a select, as in PyTorch, which
    # reads it too); its value is a traced operand, so every value shares one executable
    if builtins.any(_is_int_scalar_tensor(i) for i in index):
        index = tuple(operator.index(i) if _is_int_scalar_tensor(i) else i for i in index)
    # bool masks and index sequences (a tuple inside the index tuple too) are advanced
    # indexing: one IndexBackward0 node
    if builtins.any(isinstance(i, (Tensor, list, tuple, np.ndarray, bool)) for i in index):
        return _advanced_index(self, index)
    n_real = builtins.sum(1 for i in index if i is not None and i is not Ellipsis)
    if n_real > self.ndim:
        raise IndexError(f"too many indices for tensor of dimension {self.ndim}")
    out = self
    dim = 0
    # PyTorch's bounds message names an integer's position in the key (not the dimension)
    expanded = []
    positions = []
    for position, i in enumerate(index):
        if i is Ellipsis:
            expanded.extend([slice(None)] * (self.ndim - n_real))
            positions.extend([position] * (self.ndim - n_real))
        else:
            expanded.append(i)
            positions.append(position)
    for i, position in zip(expanded, positions):
        if i is None:
            out = unsqueeze(out, dim)
            dim += 1
        elif isinstance(i, slice):
            n = out._meta.shape[dim]
            # bounds given as 0-d tensors are read once (PyTorch reads them too)
            try:
                raw = slice(
                    *(
                        b if b is None or type(b) is int else operator.index(b)
                        for b in (i.start, i.stop, i.step)
                    )
                )
            except TypeError:
                raise TypeError(
                    "slice indices must be integers or None or have an __index__ method"
                ) from None
            start, stop, step = raw.indices(n)
            if step <= 0:
                raise ValueError("step must be greater than zero")
            stop = builtins.max(stop, start)
            if not (start == 0 and stop == n and step == 1) or len(expanded) == 1:
                # SliceBackward0 saves the bounds as written (None: 0 and INT64_MAX)
                out = _slice(out, dim, start, stop, step, (raw.start or 0, raw.stop))
            dim += 1
        else:
            i = _int_index(i)
            n = out._meta.shape[dim]
            if not -n <= i < n:
                raise IndexError(
                    f"index {i} is out of bounds for dimension {position} with size {n}"
                )
            out = select(out, dim, i)
    return out


def _int_index(i):
    if isinstance(i, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(i).__name__}'")
    try:
        return operator.index(i)
    except TypeError:
        kind = type(i)
        name = (
            kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"
        )
        raise IndexError(
            "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
            f"valid indices (got {name})"
        ) from None


def _select_ints_first(self, index):
    """PyTorch applies integer indices as ``select`` before advanced indexing (NumPy would
    broadcast them with the index tensors, which reorders dimensions)."""
    index = list(index)
    n_real = _index_rank(index)
    expanded = []
    positions = []  # in the key, which PyTorch's bounds message names
    for position, i in enumerate(index):
        if i is Ellipsis:
            expanded.extend([slice(None)] * builtins.max(self.ndim - n_real, 0))
            positions.extend([position] * builtins.max(self.ndim - n_real, 0))
        else:
            expanded.append(i)
            positions.append(position)
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
    for i, d, position in zip(expanded, dims, positions):
        if isinstance(i, (int, np.integer)) and not isinstance(i, bool):
            n = out.shape[d - removed]
            if not -n <= i < n:
                raise IndexError(
                    f"index {i} is out of bounds for dimension {position} with size {n}"
                )
            out = select(out, d - removed, int(i))
            removed += 1
        else:
            kept.append(i)
    return out, tuple(kept)


def _expand_ellipsis(ndim, index):
    n_real = _index_rank(index)
    out = []
    for i in index:
        if i is Ellipsis:
            out.extend([slice(None)] * builtins.max(ndim - n_real, 0))
        else:
            out.append(i)
    return out


def _check_index_bounds(self, index):
    # PyTorch names the offending index tensor by its position among the index tensors (a
    # mask counts once per dimension it covers), with the size of the dimension it indexes
    dim = 0
    position = 0
    for i in _expand_ellipsis(self.ndim, index):
        if i is None or isinstance(i, bool):
            continue
        is_mask = isinstance(i, Tensor) and i._dtype in (D.bool_, D.uint8)
        if isinstance(i, Tensor) and not is_mask and not i._dtype.is_floating_point:
            n = self.shape[dim] if dim < self.ndim else 0
            bad = first_out_of_range(i, -n, n)
            if bad is not None:
                if n == 0:  # (PyTorch's kernel words an empty dimension's error so)
                    raise IndexError("index is out of bounds for dimension with size 0")
                raise IndexError(
                    f"index {bad} is out of bounds for dimension {position} with size {n}"
                )
        if isinstance(i, Tensor):
            position += builtins.max(i.ndim, 1) if is_mask else 1
        dim += i.ndim if is_mask else 1


def _index_rank(index):
    """How many dimensions ``index`` consumes (a mask: one per dimension it covers)."""
    return builtins.sum(
        (i.ndim if isinstance(i, Tensor) and i._dtype in (D.bool_, D.uint8) else 1)
        for i in index
        if i is not None and i is not Ellipsis and not isinstance(i, bool)
    )


def _check_index_broadcast(index):
    """The index tensors must broadcast together (a mask stands for its nonzero counts)."""
    shapes = []
    for i in index:
        if isinstance(i, Tensor) and i._dtype in (D.bool_, D.uint8):
            if i.ndim:
                n = int(np.count_nonzero(np.asarray(i._value)))
                shapes.extend([(n,)] * i.ndim)
        elif isinstance(i, Tensor):
            shapes.append(tuple(i.shape))
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise IndexError(
            "shape mismatch: indexing tensors could not be broadcast together with shapes "
            + ", ".join(str(list(sh)) for sh in shapes)
        ) from None


def _advanced_index(self, index):
    if _index_rank(index) > self.ndim:
        raise IndexError(f"too many indices for tensor of dimension {self.ndim}")
    if builtins.any(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in index):
        base, index = _select_ints_first(self, index)
        return _advanced_index(base, index)
    index = tuple(
        _sequence_index(i) if isinstance(i, (list, tuple, np.ndarray)) else i for i in index
    )
    _check_index_bounds(self, index)
    _check_index_broadcast(index)
    spec, indices = _index_spec_and_operands(self, index)
    return apply(OPS["index"], (self, *indices), (("spec", spec),))


METHODS["__getitem__"] = _getitem


def copy_(self, src, non_blocking=False):
    src = src if isinstance(src, Tensor) else _t(src)
    if (grad_mode.is_grad_enabled() and (src._requires_grad or self._requires_grad)) or (
        _core.DUAL is not None  # a forward-AD level: the copy carries src's tangent
    ):
        # PyTorch's order: the in-place rules (a leaf …), then the broadcast
        _check_inplace_allowed(self)
        _check_copy_broadcast(self, src)
        return inplace_update(self, apply(OPS["copy"], (self, src)))
    _check_inplace_allowed(self)
    _check_copy_broadcast(self, src)
    if src.is_meta:  # no data to copy out of; into a meta tensor only the shapes are checked
        if not self.is_meta:
            raise NotImplementedError(_meta.NO_DATA)
        self._write_data(_meta.like(self._value))
        return self
    # the target is never read: a write through a view broadcasts the value in its own
    # program (``x[i, j] = 1`` writes a 0-d array), a whole tensor takes it broadcast here
    value, meta = src._value, self._meta
    if value.dtype != meta.dtype:
        value = cast(value, meta.dtype)
    if self._geom is None and value.shape != meta.shape:
        value = jnp.broadcast_to(value, meta.shape)
    self._write_data(value)
    return self


def _check_copy_broadcast(self, src):
    ts, ss = tuple(self.shape), tuple(src.shape)
    if len(ss) > len(ts) or builtins.any(a != b and b != 1 for a, b in zip(ts[::-1], ss[::-1])):
        raise _broadcast_error(ts, ss)


def _broadcast_error(a, b):
    for i in range(1, builtins.max(len(a), len(b)) + 1):
        da = a[-i] if i <= len(a) else 1
        db = b[-i] if i <= len(b) else 1
        if da != db and da != 1 and db != 1:
            return RuntimeError(
                f"The size of tensor a ({da}) must match the size of tensor b ({db}) at "
                f"non-singleton dimension {builtins.max(len(a), len(b)) - i}"
            )
    n = builtins.max(len(a), len(b))
    pa, pb = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    both = [x if y == 1 else y for x, y in zip(pa, pb)]  # the shapes broadcast together
    return RuntimeError(f"output with shape {list(a)} doesn't match the broadcast shape {both}")


def _index_spec_and_operands(self, index):
    """Advanced-index ``index`` as (static spec, index tensors), masks resolved to integers."""
    if not isinstance(index, tuple):
        index = (index,)
    spec, operands = [], []
    dim = 0
    for i in index:
        if isinstance(i, (list, np.ndarray)):
            i = _sequence_index(i)
        if isinstance(i, bool):
            spec.append(("bool", i))
            continue
        if isinstance(i, Tensor):
            if i._dtype is D.bool_ or i._dtype is D.uint8:
                if i._dtype is D.uint8:
                    _warnings.warn(
                        "indexing with dtype torch.uint8 is now deprecated, please use a dtype "
                        "torch.bool instead.",
                        "aten/src/ATen/native/IndexingUtils.h:37",
                    )
                if not i.ndim:  # a 0-d mask adds a dimension of size 1 (True) or 0 (False)
                    spec.append(("bool", bool(np.asarray(i._value))))
                    continue
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


def _runs_as_masked_fill(indices, value):
    """PyTorch's index_put with one boolean mask and a 0-d value runs masked_fill_."""
    return (
        len(indices) == 1
        and isinstance(indices[0], Tensor)
        and indices[0]._dtype is D.bool_
        and value.ndim == 0
    )


def _put_kernels(indices, value):
    """The kernels an index_put runs (their warnings on an expanded tensor: ``inplace``)."""
    return (
        ("index_put_", "masked_fill_") if _runs_as_masked_fill(indices, value) else ("index_put_",)
    )


def _check_index_put_dtypes(self, indices, value):
    """PyTorch's index_put needs the value in ``self``'s dtype, except where it runs as
    masked_fill: one boolean mask and a 0-d value (``x[x > 0] = torch.tensor(7)``)."""
    if value._dtype is self._dtype or _runs_as_masked_fill(indices, value):
        return
    raise RuntimeError(
        "Index put requires the source and destination dtypes match, got "
        f"{_type_word(self)} for the destination and {_type_word(value)} for the source."
    )


def _setitem(self, index, value):
    if not isinstance(value, Tensor):
        if not _is_scalar(value):  # (a list, a tuple, an ndarray: PyTorch assigns only these)
            kind = "numpy.ndarray" if isinstance(value, np.ndarray) else type(value).__name__
            raise TypeError(f"can't assign a {kind} to a {_TYPE_NAMES[self._dtype]}")
        value = Tensor._make(_core.scalar_array(value, self._meta.dtype))
    index = _ranges_as_lists(index)
    parts = index if isinstance(index, tuple) else (index,)
    if builtins.any(_is_int_scalar_tensor(i) for i in parts):  # as in _getitem: an integer
        parts = tuple(operator.index(i) if _is_int_scalar_tensor(i) else i for i in parts)
        index = parts
    advanced = builtins.any(isinstance(i, (Tensor, list, tuple, np.ndarray, bool)) for i in parts)
    if not advanced:
        if parts in ((), (Ellipsis,)):
            if value.ndim == 0:  # x[...] = v is PyTorch's fill_ (checked for overlap)
                fill_like(self, "fill_tensor", (value.to(self._dtype),), check_overlap=True)
                return
            target = self
        else:
            target = _getitem(self, index)
        copy_(target, _check_expand(value, target))
        return
    if _index_rank(parts) > self.ndim:
        raise IndexError(f"too many indices for tensor of dimension {self.ndim}")
    if builtins.any(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in parts):
        target, parts = _select_ints_first(self, parts)
        _setitem(target, parts, value)
        return
    parts = tuple(
        _sequence_index(i) if isinstance(i, (list, tuple, np.ndarray)) else i for i in parts
    )
    _check_index_bounds(self, parts)
    _check_index_put_dtypes(self, parts, value)
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
    inplace_update(self, result, expanded=_put_kernels(parts, value))


def _check_expand(value, target):
    """``x[i] = v`` as PyTorch's setitem copies ``v``: where the sizes differ, its leading 1s
    are dropped first, then it is expanded to the target (PyTorch's expand errors, naming the
    sizes left).  Returns ``v`` without those leading 1s."""
    vs, ts = tuple(value.shape), tuple(target.shape)
    if vs == ts:
        return value
    k = 0
    while k < len(vs) and vs[k] == 1:
        k += 1
    if k:
        vs = vs[k:]
        value = value.reshape(vs)
    if len(vs) > len(ts):  # expand's own error
        expand(value, *ts)
    for i in range(1, len(vs) + 1):
        if vs[-i] != ts[-i] and vs[-i] != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({ts[-i]}) must match the existing size "
                f"({vs[-i]}) at non-singleton dimension {len(ts) - i}.  Target sizes: "
                f"{list(ts)}.  Tensor sizes: {list(vs)}"
            )
    return value


def index_put_(self, indices, values, accumulate=False):
    result = index_put(self, indices, values, accumulate)
    kernels = (
        _put_kernels(tuple(indices), values) if isinstance(values, Tensor) else ("index_put_",)
    )
    return inplace_update(self, result, expanded=kernels)


def index_put(self, indices, values, accumulate=False):
    indices = tuple(indices)
    _check_index_bounds(self, indices)
    _check_index_broadcast(indices)
    spec, idx = _index_spec_and_operands(self, indices)
    values = values if isinstance(values, Tensor) else _t(values)
    _check_index_put_dtypes(self, indices, values)
    try:
        return apply(
            OPS["index_put"],
            (self, values.to(self._dtype), *idx),
            (("spec", spec), ("accumulate", accumulate)),
        )
    except RuntimeError:
        picked = _advanced_index(self.detach(), indices)
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {list(values.shape)} cannot "
            f"be broadcast to indexing result of shape {list(picked.shape)}"
        ) from None


def _type_word(t):
    return D.CAST_NAMES.get(t._dtype, str(t._dtype))


def _source_slices_match(input, dim, source):
    """Whether ``source`` has ``input``'s shape outside ``dim`` (0-d counts as 1-d)."""
    a = tuple(input.shape) if input.ndim else (1,)
    b = tuple(source.shape) if source.ndim else (1,)
    if len(a) != len(b):
        return False
    return builtins.all(x == y for i, (x, y) in enumerate(zip(a, b)) if i != dim)


@export(inplace=True)
def index_add(input, dim, index, source, *, alpha=1):
    d = _wrap_dim(dim, input.ndim)
    _check_integer_index(
        index, f"index_add_(): Expected dtype int32/int64 for index but got: {_type_word(index)}"
    )
    if index.ndim > 1:
        raise IndexError(
            f"index_add_(): Index is supposed to be a vector, but got dim: {index.ndim} with "
            f"type: {_type_word(index)} and size: {list(index.shape)}"
        )
    if not _source_slices_match(input, d, source):
        raise RuntimeError(
            "source tensor shape must match self tensor shape, excluding the specified "
            f"dimension. Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}"
        )
    if source._dtype is not input._dtype:
        raise RuntimeError(
            f"index_add_(): self ({_type_word(input)}) and source ({_type_word(source)}) must "
            "have the same scalar type"
        )
    k = source.shape[d] if source.ndim else 1
    if index.numel() != k:
        raise RuntimeError(
            f"index_add_(): Number of indices ({index.numel()}) should be equal to "
            f"source.size(dim): ({k}), for dim: {d}"
        )
    _check_dim_bounds(index, d, input.shape[d] if input.ndim else 1)
    return apply(
        OPS["index_add"],
        (input, source, index.reshape(-1)),
        (("dim", d), ("alpha", alpha)),
    )


@export(inplace=True)
def index_copy(input, dim, index, source):
    d = _wrap_dim(dim, input.ndim)
    _check_integer_index(
        index,
        f"index_copy_(): Expected a long tensor for index, but got {_type_word(index)}",
        dtypes=(D.int64,),
    )
    if index.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {index.ndim})")
    k = source.shape[d] if source.ndim else 1
    if index.numel() != k:
        raise IndexError(
            f"index_copy_(): Number of indices ({index.numel()}) should be equal to "
            f"source.size(dim) ({k})"
        )
    if not _source_slices_match(input, d, source):
        raise RuntimeError(
            "index_copy_(): Source/destination tensor must have same slice shapes. "
            f"Destination slice shape: {_slice_shape(input, d)} at dimension {d} and source "
            f"slice shape: {_slice_shape(source, d)} at dimension 0."
        )
    if source._dtype is not input._dtype:
        raise RuntimeError(
            "index_copy_(): self and source expected to have the same dtype, but got (self) "
            f"{_type_word(input)} and (source) {_type_word(source)}"
        )
    n = input.shape[d] if input.ndim else 1
    bad = first_out_of_range(index, 0, n)
    if bad is not None:
        raise IndexError(
            f"index_copy_(): index {bad} is out of bounds for dimension {d} with size {n}"
        )
    return apply(OPS["index_copy"], (input, source.to(input._dtype), index), (("dim", d),))


def _slice_shape(t, dim):
    return " ".join(str(s) for i, s in enumerate(t.shape) if i != dim)


@export(inplace=True)
def index_fill(input, dim, index, value):
    d = _wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    _check_integer_index(
        index, "index_fill_(): Expected dtype int64 for index.", IndexError, (D.int64,)
    )
    n = input.shape[d] if input.ndim else 1
    bad = first_out_of_range(index, -n, n)  # negative indices count from the end here
    if bad is not None:
        raise IndexError(f"index {bad} is out of bounds for dimension {d} with size {n}")
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(
                "index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.ndim} dimension(s)."
            )
        value = value.item()
    else:
        D.check_scalar_fits(value, input._dtype, input.numel())
    return apply(OPS["index_fill"], (input, index, value), (("dim", d),))


_SCATTER_REDUCES = ("sum", "prod", "mean", "amax", "amin")


def _scatter_checks(name, input, d, index, src):
    _check_integer_index(index, f"{name}(): Expected dtype int32/int64 for index")
    if isinstance(src, Tensor) and src._dtype is not input._dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    _check_gather_shapes(name, input, d, index, src if isinstance(src, Tensor) else None)
    _check_dim_bounds(index, d, input.shape[d] if input.ndim else 1)


@export(inplace=True, out=True)
def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    if src is None:
        src = value
    dd = _wrap_dim(dim, input.ndim)
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    if reduce is not None and isinstance(src, Tensor):
        warnings.warn(
            "The reduce argument of torch.scatter with Tensor src is deprecated and will be "
            "removed in a future PyTorch release. Use torch.scatter_reduce instead for more "
            "reduction options.",
            UserWarning,
            stacklevel=2,
        )
    _scatter_checks("scatter", input, dd, index, src)
    d = (("dim", dd),)
    if reduce is not None:
        if not isinstance(src, Tensor):
            src = Tensor._make(_core.scalar_array(src, input._meta.dtype))
        return apply(OPS["scatter_reduce_legacy"], (input, src, index), d + (("reduce", reduce),))
    if isinstance(src, Tensor):
        return apply(OPS["scatter"], (input, src, index), d)
    return apply(OPS["scatter_value"], (input, index, _scalar(src)), d)


@export(inplace=True)
def scatter_add(input, dim, index, src):
    d = _wrap_dim(dim, input.ndim)
    _scatter_checks("scatter_add", input, d, index, src)
    return apply(OPS["scatter_add"], (input, src, index), (("dim", d),))


@export(inplace=True)
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    d = _wrap_dim(dim, input.ndim)
    if reduce not in _SCATTER_REDUCES:
        raise RuntimeError(
            f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"
        )
    _scatter_checks("scatter_reduce", input, d, index, src)
    return apply(
        OPS["scatter_reduce"],
        (input, src, index),
        (("dim", d), ("reduce", reduce), ("include_self", bool(include_self))),
    )


_INDEX_REDUCE_WARNED: list = []
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _caller_stacklevel():
    """The stacklevel of the user's line: torch.index_reduce, Tensor.index_reduce and the
    generated ``index_reduce_`` reach the kernel through different numbers of frames."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    return level


@export(inplace=True)
def index_reduce(input, dim, index, source, reduce, *, include_self=True):
    if not _INDEX_REDUCE_WARNED:  # PyTorch warns once per process
        _INDEX_REDUCE_WARNED.append(True)
        warnings.warn(
            "index_reduce() is in beta and the API may change at any time. (Triggered "
            "internally at /__w/pytorch/pytorch/aten/src/ATen/native/TensorAdvancedIndexing.cpp"
            ":1523.)",
            UserWarning,
            stacklevel=_caller_stacklevel(),
        )
    d = _wrap_dim(dim, input.ndim)
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(
            "index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got "
            f"{reduce}."
        )
    _check_integer_index(index, "index_reduce_(): Expected dtype int32/int64 for index")
    if index.ndim > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector")
    if not _source_slices_match(input, d, source):
        raise RuntimeError(
            "index_reduce_(): Source/destination tensor must have same slice shapes. "
            f"Destination slice shape: {_slice_shape(input, d)} at dimension {d} and source "
            f"slice shape: {_slice_shape(source, d)} at dimension 0."
        )
    if source._dtype is not input._dtype:
        raise RuntimeError(
            f"index_reduce_(): self ({_type_word(input)}) and source ({_type_word(source)}) "
            "must have the same scalar type"
        )
    k = source.shape[d] if source.ndim else 1
    if index.numel() != k:
        raise RuntimeError(
            f"index_reduce_(): Number of indices ({index.numel()}) should be equal to "
            f"source.size(dim): ({k}), for dim: {d}"
        )
    if first_out_of_range(index, 0, input.shape[d] if input.ndim else 1) is not None:
        raise IndexError("index out of range in self")
    return apply(
        OPS["index_reduce"],
        (input, source.to(input._dtype), index.reshape(-1)),
        (("dim", d), ("reduce", reduce), ("include_self", bool(include_self))),
    )


@export(out=True)
def take(input, index):
    if index._dtype is not D.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {_type_word(index)}")
    n = input.numel()
    bad = first_out_of_range(index, -n, n)
    if bad is not None:
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    return apply(OPS["take"], (input, index))


METHODS["__setitem__"] = _setitem
METHODS["index_put_"] = index_put_
FUNCTIONS["index_put"] = METHODS["index_put"] = index_put


# PyTorch's parser: ``other`` a Tensor or a number (``t.copy_(ndarray)`` is refused),
# ``non_blocking`` a bool
METHODS["copy_"] = overloads.checked(
    copy_,
    overloads.Overloads("copy_", ("(Tensor# other, bool non_blocking = False)",)),
    method=True,
)


@export(out=True)
def masked_select(input, mask):
    if mask._dtype is not D.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    mask_b = mask if tuple(mask.shape) == tuple(input.shape) else mask.expand_as(input)
    idx = [Tensor._make(jnp.asarray(a, jnp.int64)) for a in np.nonzero(np.asarray(mask_b._value))]
    return apply(OPS["masked_select"], (input, *idx))


@export(method=False, out=True)
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(
                f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}"
            )
        if right and side == "left":
            raise RuntimeError(
                "torch.searchsorted(): side and right can't be set to opposites, got side of "
                "left while right was True"
            )
    side = side or ("right" if right else "left")
    return _searchsorted(sorted_sequence, input, out_int32, side, stacklevel=4)


def _searchsorted(sorted_sequence, input, out_int32, side, stacklevel):
    # ``stacklevel``: the user's line, past the exported wrapper and the calling function
    vshape = tuple(input.shape) if isinstance(input, Tensor) else ()
    bshape = tuple(sorted_sequence.shape)
    if len(bshape) != 1 and (len(bshape) != len(vshape) or bshape[:-1] != vshape[:-1]):
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
            "dimensions of boundaries tensor and input value tensor must match, but we got "
            f"boundaries tensor {list(bshape)} and input value tensor {list(vshape)}"
        )
    for t, what, line in ((input, "input value", 32), (sorted_sequence, "boundary", 38)):
        if isinstance(t, Tensor) and not t.is_contiguous():
            _warnings.warn(
                f"torch.searchsorted(): {what} tensor is non-contiguous, this will lower the "
                "performance due to extra data copy when converting non-contiguous tensor to "
                f"contiguous, please use contiguous {what} tensor if possible. This message "
                "will only appear once per program.",
                f"aten/src/ATen/native/BucketizationUtils.h:{line}",
                once=True,
                stacklevel=stacklevel,
            )
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
    # (its warnings name torch.searchsorted, as PyTorch's shared check does)
    return _searchsorted(boundaries, input, out_int32, "right" if right else "left", stacklevel=4)


@export(out=True)
def take_along_dim(input, indices, dim=None):
    if indices._dtype is not D.int64:
        raise RuntimeError(
            f"torch.take_along_dim(): dtype of indices should be Long but got {_type_word(indices)}"
        )
    if dim is None:
        return gather(flatten(input), 0, flatten(indices))
    d = _wrap_dim(dim, input.ndim)
    if input.ndim != indices.ndim:
        raise RuntimeError(
            "torch.take_along_dim(): input and indices should have the same number of "
            f"dimensions, but got {input.ndim} dimensions for input, and {indices.ndim} "
            "dimensions for indices"
        )
    shape = list(_broadcast_shape(tuple(input.shape), tuple(indices.shape), d))
    in_shape, idx_shape = list(shape), list(shape)
    in_shape[d], idx_shape[d] = input.shape[d], indices.shape[d]
    n = input.shape[d]
    # PyTorch 2.13 reads every index along ``dim`` modulo the size (no bounds error)
    if n:
        indices = apply(OPS["remainder"], (indices, n))
    return gather(expand(input, tuple(in_shape)), d, expand(indices, tuple(idx_shape)))


def _broadcast_shape(a, b, skip):
    out = []
    for k, (x, y) in enumerate(zip(a, b)):
        if k != skip and x != y and x != 1 and y != 1:
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                f"non-singleton dimension {k}"
            )
        out.append(builtins.max(x, y))
    return out
