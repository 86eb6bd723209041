"""Shape and view signatures: view/reshape (PyTorch's stride rule), squeeze/unsqueeze,
permute/transpose, expand, cat/stack/split, select/narrow/slices, diagonals, flips, rolls.
"""

from __future__ import annotations

import builtins
import math
import operator

import jax
import jax.numpy as jnp
import numpy as np

from .. import _autocast, _device, _meta, _storage, _warnings
from .. import _dtype as D
from .._storage import StridedGeometry, view_strides
from .._tensor import _TYPE_NAMES, Tensor, _wrap_dim
from ..autograd import grad_mode
from . import core, overloads
from .core import apply
from .signatures import (
    FUNCTIONS,
    METHODS,
    _dims,
    _int_tuple,
    _size_args,
    export,
    not_implemented_for,
)
from .table import OPS


def _infer_shape(shape, numel):
    shape = list(shape)
    for k, v in enumerate(shape):
        if v < -1:
            raise RuntimeError(f"invalid shape dimension {v} at index {k} of shape {shape}")
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if -1 in shape:
        known = math.prod(s for s in shape if s != -1)
        if known == 0 and numel == 0:
            raise RuntimeError(
                f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
                "unspecified dimension size -1 can be any value and is ambiguous"
            )
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape[shape.index(-1)] = numel // known
    if math.prod(shape) != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


def _sizes_keyword(fn, args, kwargs, name):
    """A varargs size or dims (``x.flip(0, 1)``) may also be given as PyTorch's keyword
    (``torch.flip(x, dims=[1])``, ``x.reshape(shape=(3, 2))``): one sequence, as if passed alone."""
    if not kwargs:
        return args
    for key in kwargs:
        if key != name:
            raise TypeError(f"{fn}() got an unexpected keyword argument '{key}'")
    if args:
        raise TypeError(f"{fn}() got multiple values for argument '{name}'")
    return (kwargs[name],)


@export(function=False)
def view(self, *shape, **kwargs):
    if "dtype" in kwargs and not shape and len(kwargs) == 1:
        shape = (kwargs["dtype"],)
    else:
        shape = _sizes_keyword("view", shape, kwargs, "size")
    if len(shape) == 1 and isinstance(shape[0], D.dtype):
        return _view_dtype(self, shape[0])
    shape = _infer_shape(_size_args(shape), self.numel())
    if not _viewable(self, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        )
    return apply(OPS["view"], (self,), (("shape", shape),))


def _view_dtype(self, dtype):
    """``Tensor.view(dtype)``: the same bytes read as ``dtype`` (the last dimension grows or
    shrinks when the element sizes differ)."""
    a, b = self._dtype.itemsize, dtype.itemsize
    if a != b:
        src, dst = D.CAST_NAMES.get(self._dtype), D.CAST_NAMES.get(dtype)
        if self.ndim == 0:
            raise RuntimeError(
                f"self.dim() cannot be 0 to view {src} as {dst} (different element sizes)"
            )
        if b > a and self.shape[-1] % (b // a):
            raise RuntimeError(
                f"self.size(-1) must be divisible by {b // a} to view {src} as {dst} "
                f"(different element sizes), but got {self.shape[-1]}"
            )
        if self.stride(-1) != 1:
            raise RuntimeError(
                f"self.stride(-1) must be 1 to view {src} as {dst} (different element sizes), "
                f"but got {self.stride(-1)}"
            )
    out = apply(OPS["view_dtype"], (self,), (("dtype", dtype._np),))
    return out if out._dtype is dtype else Tensor._make(out._value, dtype)


def _viewable(t, shape):
    """PyTorch's rule (``computeStride``): a view may regroup the dimensions within each run of
    dimensions that are contiguous with each other, never merge two runs."""
    if t._geom is None:
        return True
    return view_strides(tuple(t.shape), t.stride(), shape) is not None


@export()
def reshape(input, *shape, **kwargs):
    shape = _sizes_keyword("reshape", shape, kwargs, "shape")
    shape = _infer_shape(_size_args(shape), input.numel())
    if _viewable(input, shape):
        return apply(OPS["view"], (input,), (("shape", shape),))
    # PyTorch copies here (clone + _unsafe_view): the result does not share storage
    return apply(OPS["unsafe_view"], (input,), (("shape", shape),))


@export(function=False)
def view_as(self, other):
    return view(self, other.shape)


@export(function=False)
def reshape_as(self, other):
    return reshape(self, other.shape)


@export(ints=("start_dim", "end_dim"))
def flatten(input, start_dim=0, end_dim=-1):
    if input.ndim == 0:  # (its dims are checked as those of a 1-d tensor, as PyTorch's)
        _wrap_dim(start_dim, 0)
        _wrap_dim(end_dim, 0)
        return reshape(input, 1)
    s = _wrap_dim(start_dim, input.ndim)
    e = _wrap_dim(end_dim, input.ndim)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shape = (
        tuple(input.shape[:s]) + (math.prod(input.shape[s : e + 1]),) + tuple(input.shape[e + 1 :])
    )
    return reshape(input, shape)


@export()
def unflatten(input, dim, sizes):
    d = _wrap_dim(dim, input.ndim)
    sizes = list(sizes)
    given = list(sizes)
    n = input.shape[d]
    if -1 in sizes:
        known = math.prod(x for x in sizes if x != -1)
        sizes[sizes.index(-1)] = n // known if known else 0
    if math.prod(sizes) != n or builtins.any(x < 0 for x in sizes):
        raise RuntimeError(
            f"unflatten: Provided sizes {given} don't multiply up to the size of dim {d} ({n}) "
            "in the input tensor"
        )
    shape = tuple(input.shape[:d]) + tuple(sizes) + tuple(input.shape[d + 1 :])
    return view(input, shape)


@export()
def movedim(input, source, destination):
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({src} dims) should contain "
            f"the same number of dims as destination ({dst} dims)"
        )
    src = [_wrap_dim(x, input.ndim) for x in src]
    dst = [_wrap_dim(x, input.ndim) for x in dst]
    if input.ndim == 0:  # dims 0 / -1 of a scalar name the scalar itself
        return apply(OPS["alias"], (input,))
    order = [None] * input.ndim
    for a, b in zip(src, dst):
        order[b] = a
    rest = iter(x for x in range(input.ndim) if x not in src)
    order = [next(rest) if o is None else o for o in order]
    return permute(input, tuple(order))


FUNCTIONS["moveaxis"] = METHODS["moveaxis"] = movedim


@export()
def as_strided(input, size, stride, storage_offset=None):
    offset = input.storage_offset() if storage_offset is None else storage_offset
    size, stride = tuple(size), tuple(stride)
    if builtins.all(s > 0 for s in size):
        item = input._dtype.itemsize
        need = (offset + builtins.sum((n - 1) * st for n, st in zip(size, stride)) + 1) * item
        have = input._storage.data.size * item
        if need > have:
            raise RuntimeError(
                f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                f"{offset}, and itemsize {item} requiring a storage size of {need} are out of "
                f"bounds for storage of size {have}"
            )
    geom = StridedGeometry(size, stride, offset)
    index = geom.index(input._storage)
    if input._geom is None:
        out = apply(OPS["as_strided"], (input, Tensor._make(jnp.asarray(index))))
    else:
        out = Tensor._make(jnp.take(input._storage.data.reshape(-1), jnp.asarray(index)))
    v = input._make_view(out._value, None, ())
    v._set_geometry(geom)
    if out._grad_fn is not None:
        v._set_history(out._grad_fn, out._output_nr)
    return v


@export()
def ravel(input):
    return flatten(input)


@export()
def squeeze(input, dim=None):
    shape = input.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
        return apply(OPS["squeeze"], (input,), (("shape", new),))
    if isinstance(dim, (tuple, list)):
        dims = _dims(dim, input.ndim)
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
        return apply(OPS["squeeze_dims"], (input,), (("shape", new), ("dim", dims)))
    d = _wrap_dim(dim, input.ndim)
    new = tuple(s for i, s in enumerate(shape) if not (i == d and s == 1))
    return apply(OPS["squeeze_dim"], (input,), (("shape", new), ("dim", d)))


@export(ints=("dim",))
def unsqueeze(input, dim):
    return apply(OPS["unsqueeze"], (input,), (("dim", _wrap_dim(dim, input.ndim + 1)),))


@export()
def permute(input, *dims, **kwargs):
    dims = _sizes_keyword("permute", dims, kwargs, "dims")
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    dims = _dims(_size_args(dims), input.ndim)
    if len(dims) == input.ndim and len(set(dims)) != len(dims):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    if sorted(dims) != list(range(input.ndim)):
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does "
            "not match the length of the desired ordering of dimensions i.e. "
            f"input.dim() = {input.ndim} is not equal to len(dims) = {len(dims)}"
        )
    return apply(OPS["permute"], (input,), (("dims", dims),))


@export("transpose", "swapaxes", "swapdims", ints=("dim0", "dim1"))
def transpose(input, dim0, dim1):
    return apply(
        OPS["transpose"],
        (input,),
        (("dim0", _wrap_dim(dim0, input.ndim)), ("dim1", _wrap_dim(dim1, input.ndim))),
    )


@export()
def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return apply(OPS["t"], (input,))


@export(function=False)
def expand(self, *sizes, implicit=False, **kwargs):
    sizes = _size_args(_sizes_keyword("expand", sizes, kwargs, "size"))
    nd = len(sizes)
    if nd < self.ndim:
        raise RuntimeError(
            f"expand({_TYPE_NAMES.get(self._dtype, 'torch.FloatTensor')}{{{list(self.shape)}}}, "
            f"size={list(sizes)}): the number of "
            "sizes provided (%d) must be greater or equal to the number of dimensions in the "
            "tensor (%d)" % (nd, self.ndim)
        )
    lead = nd - self.ndim
    own = (1,) * lead + tuple(self.shape)
    for k, (s, o) in reversed(list(enumerate(zip(sizes, own)))):  # PyTorch checks from the end
        if k < lead and s < 0:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                f"non-existing dimension {k}"
            )
        if k >= lead and s != -1 and s != o and o != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({o}) at "
                f"non-singleton dimension {k}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                f"{list(self.shape)}"
            )
    shape = tuple(o if s == -1 else s for s, o in zip(sizes, own))
    return apply(OPS["expand"], (self,), (("shape", shape),))


@export(function=False)
def expand_as(self, other):
    return expand(self, other.shape)


@export(function=False)
def repeat(self, *repeats, **kwargs):
    repeats = _size_args(_sizes_keyword("repeat", repeats, kwargs, "repeats"))
    if len(repeats) < self.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            "of tensor"
        )
    shape = (1,) * (len(repeats) - self.ndim) + tuple(self.shape)
    _check_nonnegative([r * s for r, s in zip(repeats, shape)])
    return apply(OPS["repeat"], (self,), (("repeats", repeats),))


def _check_nonnegative(shape):
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {shape}")


@export()
def broadcast_to(input, size):
    return expand(input, size)


def _seq_operands(tensors, name):
    """The ``tuple of Tensors`` argument of ``name`` (cat, stack ...), checked as PyTorch's
    parser checks it: a sequence, of Tensors only (a NumPy array in it is refused too)."""
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
            f"{overloads.tp_name(tensors)}"
        )
    overloads.check_tensor_list(tensors, 0)
    return tuple(tensors)


@export("cat", "concat", "concatenate", method=False, out=True, ints=("dim",))
def cat(tensors, dim=0, *, axis=None):
    tensors = _seq_operands(tensors, "cat")
    if axis is not None:
        dim = axis
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for k, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {k}) cannot be concatenated")
    # PyTorch skips legacy empty 1-D tensors in cat
    kept = tuple(t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0))
    ndim = builtins.max(t.ndim for t in tensors)
    d = _wrap_dim(dim, ndim)
    if kept:
        ref = kept[0]
        for k, t in enumerate(tensors):
            if t.ndim == 1 and t.shape[0] == 0:
                continue
            if t.ndim != ref.ndim:
                raise RuntimeError(
                    f"Tensors must have same number of dimensions: got {ref.ndim} and {t.ndim}"
                )
            for j in range(t.ndim):
                if j != d and t.shape[j] != ref.shape[j]:
                    raise RuntimeError(
                        f"Sizes of tensors must match except in dimension {d}. Expected size "
                        f"{ref.shape[j]} but got size {t.shape[j]} for tensor number {k} in "
                        "the list."
                    )
        if len(kept) != len(tensors):
            tensors = kept
    fused = _read_together(OPS["cat"], tensors, (("dim", d),), d, True)
    if fused is not None:
        return fused
    host = _host_cat(tensors, d)
    if host is not None:
        return host
    return apply(OPS["cat"], tensors, (("dim", d),))


def _host_cat(tensors, dim):
    """``cat`` copied on the host, on the CPU backend, of tensors nothing differentiates:
    batches built from variable-length lists (token ids, ragged rows) give every call a new
    signature, and each would compile its own XLA concatenation (tens of milliseconds) for
    what is a copy.  The same bits either way.  None: run the op as usual."""
    if (
        not _HOST_CPU[0]
        or core.PROFILER is not None
        or core.DUAL is not None
        or _autocast.ACTIVE[0]
        or _device.MIXED[0]
        or _storage.tracing()
    ):
        return None
    first = tensors[0]._dtype
    size = 0
    arrays = []
    for t in tensors:
        if t._dtype is not first or (t._requires_grad and grad_mode._state.enabled):
            return None
        v = t._value
        if not isinstance(v, _ARRAY) or isinstance(v, _TRACER):
            return None
        size += v.size
        arrays.append(v)
    if size > _HOST_CAT_MAX:
        return None
    out = np.concatenate([np.asarray(v) for v in arrays], axis=dim)
    return Tensor._make(_storage.transfer(out), first)


_HOST_CPU = [jax.default_backend() == "cpu"]
_HOST_CAT_MAX = 1 << 20  # elements: beyond this, XLA's copy (compiled once per shape) wins
_ARRAY = jax.Array
_TRACER = jax.core.Tracer


@export(method=False, out=True, ints=("dim",))
def stack(tensors, dim=0):
    tensors = _seq_operands(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    first = tuple(tensors[0]._meta.shape)
    for k, t in enumerate(tensors):
        if t._meta.shape != first:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 "
                f"and {list(t.shape)} at entry {k}"
            )
    static = (("dim", _wrap_dim(dim, tensors[0].ndim + 1)),)
    fused = _read_together(OPS["stack"], tensors, static, static[0][1], False)
    if fused is not None:
        return fused
    return apply(OPS["stack"], tensors, static)


def _read_together(op, tensors, static, dim, concat):
    """``stack``/``cat`` of views of one storage not read yet (``data[i:i + 8]`` for 32
    offsets): one program reads them all (``_storage.read_together``) instead of one read per
    view and the stack.  The node is the one ``apply`` records, with the views' own nodes
    (``SliceBackward0`` ...) as its edges; only the value is computed differently.  None:
    run the op as usual."""
    first = tensors[0]
    storage = first._storage
    if (
        first._geom is None
        or len(tensors) < 2
        or core.PROFILER is not None
        or core.DUAL is not None
        or _autocast.ACTIVE[0]
        or _device.MIXED[0]
        or (_device.META_SEEN[0] and _meta.is_meta(storage.data))
    ):
        return None
    unread = False
    for t in tensors:
        if t._geom is None or t._storage is not storage or t._dtype is not first._dtype:
            return None
        if t._cache_gen != storage.gen:
            unread = True
    if not unread:  # every value is at hand: stacking them is one op anyway
        return None
    value = _storage.read_together(storage, [t._geom for t in tensors], dim, concat)
    if value is None:
        return None
    dt = D._BY_NP[value.dtype]
    if not (
        grad_mode._state.enabled
        and (dt.is_floating_point or dt.is_complex)
        and builtins.any(t.requires_grad for t in tensors)  # (views sync their history)
    ):
        return Tensor._make(value, dt)
    node = core._record(op, dt, static, tensors, [t._meta for t in tensors], (value,))
    return Tensor._make(value, dt, True, node, 0)


@export(method=False, out=True)
def hstack(tensors):
    tensors = _seq_operands(tensors, "hstack")
    if not tensors:
        raise RuntimeError("hstack expects a non-empty TensorList")
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


@export(method=False, out=True)
def vstack(tensors):
    if not len(tensors):
        raise RuntimeError("vstack expects a non-empty TensorList")
    tensors = [t.reshape(1, -1) if t.ndim < 2 else t for t in _seq_operands(tensors, "vstack")]
    return cat(tensors, 0)


@export(method=False)
def split(tensor, split_size_or_sections, dim=0):
    if tensor.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, tensor.ndim)
    n = tensor.shape[d]
    if isinstance(split_size_or_sections, int):
        s = split_size_or_sections
        if s < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={s}")
        if s == 0 and n:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}"
            )
        if s == 0:
            return apply(OPS["split"], (tensor,), (("sizes", (0,)), ("dim", d), ("split_size", 0)))
        sizes = tuple(builtins.min(s, n - i) for i in range(0, n, s)) if n else (0,)
        return apply(OPS["split"], (tensor,), (("sizes", sizes), ("dim", d), ("split_size", s)))
    sizes = tuple(split_size_or_sections)
    if builtins.any(v < 0 for v in sizes):
        raise RuntimeError(
            "split_with_sizes expects split_sizes have only non-negative entries, but got "
            f"split_sizes={list(sizes)}"
        )
    if builtins.sum(sizes) != n:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
            f"at dimension {d}), but got split_sizes={list(sizes)}"
        )
    return apply(OPS["split_with_sizes"], (tensor,), (("sizes", sizes), ("dim", d)))


def _split_method(self, split_size, dim=0):
    # Tensor.split names its size argument split_size (torch.split: split_size_or_sections)
    return split(self, split_size, dim)


_split_method.__name__ = "split"
_split_method.__qualname__ = "Tensor.split"
METHODS["split"] = _split_method


@export(ints=("dim",))
def chunk(input, chunks, dim=0):
    if not isinstance(chunks, int):
        raise TypeError(
            f"chunk(): argument 'chunks' (position 1) must be int, not {type(chunks).__name__}"
        )
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    size = -(-n // chunks) if n else 0
    if size == 0:
        return split(input, 1, d) if n else (input,)
    return split(input, size, d)


@export(ints=("dim",))
def unbind(input, dim=0):
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return apply(OPS["unbind"], (input,), (("dim", _wrap_dim(dim, input.ndim)),))


@export(ints=("dim", "index"))
def select(input, dim, index):
    shape = input._meta.shape
    if not shape:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, len(shape))
    n = shape[d]
    index = operator.index(index)  # a 0-d integer tensor is read (PyTorch does the same)
    if not -n <= index < n:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size "
            f"{list(input.shape)} at dimension {d}"
        )
    # the index is a traced operand: one executable for every index
    return apply(OPS["select"], (input, index), (("dim", d),))


@export()
def narrow(input, dim, start, length):
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    start = operator.index(start)
    length = operator.index(length)
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if not -n <= start <= n:
        raise IndexError(
            f"start out of range (expected to be in range of [{-n}, {n}], but got {start})"
        )
    if start < 0:
        start += n
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return _slice(input, d, start, start + length, 1)


_INT64_MAX = (1 << 63) - 1


def _slice(input, dim, start, end, step, saved=None):
    """``input[start:end:step]`` along ``dim``; ``start``/``end`` are already clamped to the
    size.  ``saved``: (start, end) as the user gave them (end None: open), which is what
    SliceBackward0 keeps.

    The start is a traced operand.  The static part is the length and the span ``end - start``
    (None for an open end), from which the node reads its ``_saved_end``: ``x[i:i + 8]`` has
    the same span for every ``i``."""
    length = builtins.max(0, -(-(end - start) // step))
    s_start, s_end = saved if saved is not None else (start, end)
    # the impl wraps and clamps the start itself, so the user's value can be the operand
    s_start = builtins.min(builtins.max(s_start, -_INT64_MAX - 1), _INT64_MAX)
    span = None if s_end is None else s_end - s_start
    return apply(
        OPS["slice"],
        (input, s_start),
        (("dim", dim), ("length", length), ("step", step), ("span", span)),
    )


@export(out=True, ints=("diagonal",))
def diag(input, diagonal=0):
    if input.ndim not in (1, 2):
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")
    if input.ndim == 1:
        return apply(OPS["diag_embed"], (input,), (("diagonal", diagonal),))
    return apply(OPS["diagonal"], (input,), (("diagonal", diagonal),))


@export(ints=("offset", "dim1", "dim2"))
def diagonal(input, offset=0, dim1=0, dim2=1):
    if _wrap_dim(dim1, input.ndim) == _wrap_dim(dim2, input.ndim):
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return apply(
        OPS["diagonal_view"],
        (input,),
        (
            ("offset", offset),
            ("dim1", _wrap_dim(dim1, input.ndim)),
            ("dim2", _wrap_dim(dim2, input.ndim)),
        ),
    )


@export(inplace=True, out=True, ints=("diagonal",))
def tril(input, diagonal=0):
    if input.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return apply(OPS["tril"], (input,), (("diagonal", diagonal),))


@export(inplace=True, out=True, ints=("diagonal",))
def triu(input, diagonal=0):
    if input.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return apply(OPS["triu"], (input,), (("diagonal", diagonal),))


@export()
def flip(input, *dims, **kwargs):
    dims = _sizes_keyword("flip", dims, kwargs, "dims")
    if not dims:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    dims = _dims(_size_args(dims), input.ndim)
    for k, d in enumerate(dims):
        if d in dims[:k]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return apply(OPS["flip"], (input,), (("dims", dims),))


@export(int_lists=("shifts", "dims"))
def roll(input, shifts, dims=None):
    shifts = tuple(operator.index(v) for v in _int_tuple(shifts))
    dims = () if dims is None else tuple(operator.index(v) for v in _int_tuple(dims))
    if len(shifts) != builtins.max(len(dims), 1) or (not dims and len(shifts) != 1):
        raise RuntimeError(
            f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
        )
    if input.ndim == 0 and dims:
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    _dims(dims, input.ndim)  # range check; RollBackward0 keeps the dims as written
    # the shifts are traced operands: one executable for every shift
    return apply(OPS["roll"], (input, *shifts), (("dims", dims),))


@export()
def tile(input, *dims, **kwargs):
    reps = _size_args(_sizes_keyword("tile", dims, kwargs, "dims"))
    for r in reps:
        if not isinstance(r, int):
            raise TypeError(
                "tile(): argument 'dims' (position 1) must be tuple of ints, not "
                f"{type(r).__name__}"
            )
    full = (1,) * (input.ndim - len(reps)) + tuple(reps)
    shape = (1,) * (len(full) - input.ndim) + tuple(input.shape)
    _check_nonnegative([r * s for r, s in zip(full, shape)])
    return apply(OPS["tile"], (input,), (("reps", reps),))


def _repeat_counts(repeats):
    """A repeats tensor's values, read on the host (the output's shape depends on them, a sync
    as in PyTorch), with PyTorch's checks."""
    if repeats.ndim > 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    if repeats._dtype not in (D.int32, D.int64):
        raise not_implemented_for("repeat_interleave_cpu", repeats._dtype)
    values = np.asarray(repeats._value).reshape(-1)
    if values.size and values.min() < 0:
        raise RuntimeError("repeats can not be negative")
    return values


def _repeated_index(counts, output_size):
    # the index has the repeats' dtype (int32 stays int32)
    index = np.repeat(np.arange(counts.size, dtype=counts.dtype), counts)
    if output_size is not None and output_size != index.size:
        raise RuntimeError("allocated size does not match required size")
    return Tensor._make(jnp.asarray(index))


@export()
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    if repeats is None:
        # repeat_interleave(repeats): each index i, repeats[i] times
        return _repeated_index(_repeat_counts(input), output_size)
    if dim is None:
        input, dim = flatten(input), 0
    d = _wrap_dim(dim, input.ndim)
    if isinstance(repeats, Tensor):
        # PyTorch's composite: index_select by the repeated indices (IndexSelectBackward0)
        counts = _repeat_counts(repeats)
        if counts.size == 1:
            counts = np.full(input.shape[d], counts[0])
        elif counts.size != input.shape[d]:
            raise RuntimeError(
                "repeats must have the same size as input along dim, but got repeats.size(0) = "
                f"{counts.size} and input.size({d}) = {input.shape[d]}"
            )
        index = _repeated_index(counts, output_size)
        return apply(OPS["index_select"], (input, index), (("dim", d),))
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    return apply(
        OPS["repeat_interleave"],
        (input,),
        (("repeats", repeats), ("dim", _wrap_dim(dim, input.ndim))),
    )


@export(out=True)
def diff(input, n=1, dim=-1, prepend=None, append=None):
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    if prepend is not None or append is not None:
        parts = [p for p in (prepend, input, append) if p is not None]
        input = cat(parts, dim)
    return apply(OPS["diff"], (input,), (("n", n), ("dim", _wrap_dim(dim, input.ndim))))


@export(method=False)
def meshgrid(*tensors, indexing=None):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        _warnings.warn(
            "torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
            "argument.",
            "aten/src/ATen/native/TensorShape.cpp:4215",
            once=True,
        )
        indexing = "ij"
    if indexing not in ("xy", "ij"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(
                "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: "
                f"{t.ndim}D tensor"
            )
        if t._dtype is not tensors[0]._dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    n = len(tensors)
    shape = tuple(t.numel() for t in tensors)
    if indexing == "xy" and n >= 2:
        shape = (shape[1], shape[0]) + shape[2:]
    out = []
    for i, t in enumerate(tensors):
        view_shape = [1] * n
        axis = i
        if indexing == "xy" and n >= 2 and i < 2:
            axis = 1 - i
        view_shape[axis] = -1
        out.append(expand(reshape(t, tuple(view_shape)), shape))
    return tuple(out)


@export()
def rot90(input, k=1, dims=(0, 1)):
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    d0, d1 = _wrap_dim(dims[0], input.ndim), _wrap_dim(dims[1], input.ndim)
    if d0 == d1:
        raise RuntimeError(
            f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}"
        )
    return apply(OPS["rot90"], (input,), (("k", k), ("dims", _dims(tuple(dims), input.ndim))))


@export()
def tensor_split(input, indices_or_sections, dim=0):
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(indices_or_sections, int):
        k = indices_or_sections
        if k <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {k}")
        sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
        bounds = [builtins.sum(sizes[:i]) for i in range(k + 1)]
    else:
        cuts = [builtins.min(builtins.max(int(i), 0), n) for i in indices_or_sections]
        bounds = [0] + cuts + [n]
    return tuple(_slice(input, d, a, builtins.max(a, b), 1) for a, b in zip(bounds, bounds[1:]))


@export(function=False)
def unfold(self, dimension, size, step):
    d = _wrap_dim(dimension, self.ndim)
    n = self.shape[d] if self.ndim else 1
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return apply(
        OPS["unfold"],
        (self,),
        (("dimension", d), ("size", size), ("step", step), ("given", dimension)),
    )


def _check_scatter_src(src, slice_shape):
    if tuple(src.shape) != tuple(slice_shape):
        raise RuntimeError(
            "expected src to have a size equal to the slice of self. src size = "
            f"{list(src.shape)}, slice size = {list(slice_shape)}"
        )


@export()
def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    d1, d2 = _wrap_dim(dim1, input.ndim), _wrap_dim(dim2, input.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    rows, cols = input.shape[d1], input.shape[d2]
    k = builtins.max(
        0, builtins.min(rows, cols - offset) if offset >= 0 else builtins.min(rows + offset, cols)
    )
    rest = [s for i, s in enumerate(input.shape) if i not in (d1, d2)]
    _check_scatter_src(src, rest + [k])
    return apply(
        OPS["diagonal_scatter"],
        (input, src),
        (("offset", offset), ("dim1", d1), ("dim2", d2)),
    )


@export()
def select_scatter(input, src, dim, index):
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    index = operator.index(index)
    if not -n <= index < n:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size "
            f"{list(input.shape)} at dimension {d}"
        )
    _check_scatter_src(src, [s for i, s in enumerate(input.shape) if i != d])
    return apply(OPS["select_scatter"], (input, src, index), (("dim", d),))


@export(out=True)
def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    d = _wrap_dim(dim, input.ndim)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    lo, hi, _ = slice(start, end, step).indices(input.shape[d])
    hi = builtins.max(hi, lo)
    shape = list(input.shape)
    shape[d] = builtins.max(0, -(-(hi - lo) // step))
    _check_scatter_src(src, shape)
    return apply(
        OPS["slice_scatter"],
        (input, src),
        (
            ("dim", d),
            ("start", lo),
            ("end", hi),
            ("step", step),
            ("saved_start", start),
            ("saved_end", end),
        ),
    )
