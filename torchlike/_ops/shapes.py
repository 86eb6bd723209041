"""Shape and view signatures: view/reshape (PyTorch's stride rule), squeeze/unsqueeze,
permute/transpose, expand, cat/stack/split, select/narrow/slices, diagonals, flips, rolls.
"""

from __future__ import annotations

import builtins
import math
import operator

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._storage import StridedGeometry, view_strides
from .._tensor import Tensor, _wrap_dim
from .core import apply
from .signatures import (
    FUNCTIONS,
    METHODS,
    _dims,
    _int_tuple,
    _size_args,
    _t,
    export,
)
from .table import OPS


def _infer_shape(shape, numel):
    shape = list(shape)
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if -1 in shape:
        known = math.prod(s for s in shape if s != -1)
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape[shape.index(-1)] = numel // known
    if math.prod(shape) != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


@export(function=False)
def view(self, *shape):
    if len(shape) == 1 and isinstance(shape[0], D.dtype):
        raise NotImplementedError("Tensor.view(dtype) is not supported by torchlike")
    shape = _infer_shape(_size_args(shape), self.numel())
    if not _viewable(self, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead."
        )
    return apply(OPS["view"], (self,), (("shape", shape),))


def _viewable(t, shape):
    """PyTorch's rule (``computeStride``): a view may regroup the dimensions within each run of
    dimensions that are contiguous with each other, never merge two runs."""
    if t._geom is None:
        return True
    return view_strides(tuple(t.shape), t.stride(), shape) is not None


@export()
def reshape(input, *shape):
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


@export()
def flatten(input, start_dim=0, end_dim=-1):
    if input.ndim == 0:
        return reshape(input, 1)
    s = _wrap_dim(start_dim, input.ndim)
    e = _wrap_dim(end_dim, input.ndim)
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
    if -1 in sizes:
        known = math.prod(x for x in sizes if x != -1)
        sizes[sizes.index(-1)] = input.shape[d] // known if known else 0
    shape = tuple(input.shape[:d]) + tuple(sizes) + tuple(input.shape[d + 1 :])
    return view(input, shape)


@export()
def movedim(input, source, destination):
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    src = [_wrap_dim(x, input.ndim) for x in src]
    dst = [_wrap_dim(x, input.ndim) for x in dst]
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


@export()
def unsqueeze(input, dim):
    return apply(OPS["unsqueeze"], (input,), (("dim", _wrap_dim(dim, input.ndim + 1)),))


@export()
def permute(input, *dims):
    dims = _dims(_size_args(dims), input.ndim)
    if sorted(dims) != list(range(input.ndim)):
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does "
            "not match the length of the desired ordering of dimensions i.e. "
            f"input.dim() = {input.ndim} is not equal to len(dims) = {len(dims)}"
        )
    return apply(OPS["permute"], (input,), (("dims", dims),))


@export("transpose", "swapaxes", "swapdims")
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
def expand(self, *sizes):
    sizes = _size_args(sizes)
    nd = len(sizes)
    if nd < self.ndim:
        raise RuntimeError(
            f"expand(torch.FloatTensor{{{list(self.shape)}}}, size={list(sizes)}): the number of "
            "sizes provided (%d) must be greater or equal to the number of dimensions in the "
            "tensor (%d)" % (nd, self.ndim)
        )
    own = (1,) * (nd - self.ndim) + tuple(self.shape)
    shape = tuple(o if s == -1 else s for s, o in zip(sizes, own))
    return apply(OPS["expand"], (self,), (("shape", shape),))


@export(function=False)
def expand_as(self, other):
    return expand(self, other.shape)


@export(function=False)
def repeat(self, *repeats):
    repeats = _size_args(repeats)
    return apply(OPS["repeat"], (self,), (("repeats", repeats),))


@export()
def broadcast_to(input, size):
    return expand(input, size)


def _seq_operands(tensors):
    return tuple(t if isinstance(t, Tensor) else _t(t) for t in tensors)


@export("cat", "concat", "concatenate", method=False, out=True)
def cat(tensors, dim=0, *, axis=None):
    tensors = _seq_operands(tensors)
    if axis is not None:
        dim = axis
    # PyTorch skips legacy empty 1-D tensors in cat
    ndim = builtins.max(t.ndim for t in tensors)
    return apply(OPS["cat"], tensors, (("dim", _wrap_dim(dim, ndim)),))


@export(method=False, out=True)
def stack(tensors, dim=0):
    tensors = _seq_operands(tensors)
    return apply(OPS["stack"], tensors, (("dim", _wrap_dim(dim, tensors[0].ndim + 1)),))


@export(method=False, out=True)
def hstack(tensors):
    tensors = _seq_operands(tensors)
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


@export(method=False, out=True)
def vstack(tensors):
    tensors = [t.reshape(1, -1) if t.ndim < 2 else t for t in _seq_operands(tensors)]
    return cat(tensors, 0)


@export()
def split(tensor, split_size_or_sections, dim=0):
    d = _wrap_dim(dim, tensor.ndim)
    n = tensor.shape[d]
    if isinstance(split_size_or_sections, int):
        s = split_size_or_sections
        sizes = tuple(builtins.min(s, n - i) for i in range(0, n, s)) if n else (0,)
        return apply(OPS["split"], (tensor,), (("sizes", sizes), ("dim", d), ("split_size", s)))
    sizes = tuple(split_size_or_sections)
    if builtins.sum(sizes) != n:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
            f"at dimension {d}), but got split_sizes={list(sizes)}"
        )
    return apply(OPS["split_with_sizes"], (tensor,), (("sizes", sizes), ("dim", d)))


@export()
def chunk(input, chunks, dim=0):
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    size = -(-n // chunks) if n else 0
    if size == 0:
        return split(input, 1, d) if n else (input,)
    return split(input, size, d)


@export()
def unbind(input, dim=0):
    return apply(OPS["unbind"], (input,), (("dim", _wrap_dim(dim, input.ndim)),))


@export()
def select(input, dim, index):
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
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
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    start = operator.index(start)
    length = operator.index(length)
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


@export(out=True)
def diag(input, diagonal=0):
    if input.ndim == 1:
        return apply(OPS["diag_embed"], (input,), (("diagonal", diagonal),))
    return apply(OPS["diagonal"], (input,), (("diagonal", diagonal),))


@export()
def diagonal(input, offset=0, dim1=0, dim2=1):
    return apply(
        OPS["diagonal_view"],
        (input,),
        (
            ("offset", offset),
            ("dim1", _wrap_dim(dim1, input.ndim)),
            ("dim2", _wrap_dim(dim2, input.ndim)),
        ),
    )


@export(inplace=True, out=True)
def tril(input, diagonal=0):
    return apply(OPS["tril"], (input,), (("diagonal", diagonal),))


@export(inplace=True, out=True)
def triu(input, diagonal=0):
    return apply(OPS["triu"], (input,), (("diagonal", diagonal),))


@export()
def flip(input, dims):
    return apply(OPS["flip"], (input,), (("dims", _dims(tuple(dims), input.ndim)),))


@export()
def roll(input, shifts, dims=None):
    shifts = tuple(operator.index(v) for v in _int_tuple(shifts))
    dims = () if dims is None else tuple(operator.index(v) for v in _int_tuple(dims))
    if len(shifts) != builtins.max(len(dims), 1) or (not dims and len(shifts) != 1):
        raise RuntimeError(
            f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
        )
    _dims(dims, input.ndim)  # range check; RollBackward0 keeps the dims as written
    # the shifts are traced operands: one executable for every shift
    return apply(OPS["roll"], (input, *shifts), (("dims", dims),))


@export()
def tile(input, dims):
    return apply(OPS["tile"], (input,), (("reps", tuple(dims)),))


@export()
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    if dim is None:
        input, dim = flatten(input), 0
    if isinstance(repeats, Tensor):
        repeats = tuple(int(r) for r in np.asarray(repeats._value).reshape(-1))
        if len(repeats) == 1:
            repeats = repeats[0]
    return apply(
        OPS["repeat_interleave"],
        (input,),
        (("repeats", repeats), ("dim", _wrap_dim(dim, input.ndim))),
    )


@export(out=True)
def diff(input, n=1, dim=-1, prepend=None, append=None):
    if prepend is not None or append is not None:
        parts = [p for p in (prepend, input, append) if p is not None]
        input = cat(parts, dim)
    return apply(OPS["diff"], (input,), (("n", n), ("dim", _wrap_dim(dim, input.ndim))))


@export(method=False)
def meshgrid(*tensors, indexing="ij"):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
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
    return apply(OPS["rot90"], (input,), (("k", k), ("dims", _dims(tuple(dims), input.ndim))))


@export()
def tensor_split(input, indices_or_sections, dim=0):
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(indices_or_sections, int):
        k = indices_or_sections
        sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
        bounds = [builtins.sum(sizes[:i]) for i in range(k + 1)]
    else:
        cuts = [builtins.min(builtins.max(int(i), 0), n) for i in indices_or_sections]
        bounds = [0] + cuts + [n]
    return tuple(_slice(input, d, a, builtins.max(a, b), 1) for a, b in zip(bounds, bounds[1:]))
