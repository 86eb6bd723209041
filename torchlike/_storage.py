"""Storage and views: PyTorch's aliasing on top of immutable JAX arrays.

A base tensor owns a ``Storage`` (one JAX array in the base's shape).  A view (``x.view(-1)``,
``x[0]``, ``x.t()``, ``x.detach()`` …) points at the same storage plus a ``Geometry``: the view op
that made it from its parent, with the op's runtime arguments (slice starts, select indices).

* Reading a view whose storage has not been written since the view was made costs nothing (its
  value is cached).  After a write anywhere in the storage the view re-reads itself by applying
  its chain of view ops to the base value: one compiled program per chain *structure*, with the
  starts and indices as traced arguments, so reads are slices and reshapes, never gathers
  (except for ``as_strided``, whose positions are arbitrary).
* The layout (sizes, strides, storage offset) follows PyTorch's rule for each view op, so
  ``stride()``, ``is_contiguous()`` and ``view()``'s compatibility check are PyTorch's.
* Writing through a view updates the storage at the positions its layout names (one
  ``dynamic_update_slice`` when they are one contiguous run, a scatter otherwise); the positions
  are computed inside the compiled write with the offset traced, so a thousand different
  offsets compile one program.  Host-side index maps are built only for autograd's
  ``CopySlices``/``AsStridedBackward0`` history.
* Values are computed on first read where that is cheap to defer.  A fresh view made by one of
  ``LAZY_VIEWS`` holds a ``Pending`` (its shape and dtype, from the layout rule) instead of
  its value, and reads itself from the storage when first used: exactly what a view whose
  storage was written since does, so it sees the storage as it is at that read, as PyTorch's
  aliasing does.  ``read_together`` reads many such views of one storage (``torch.stack`` of
  ``data[i:i + 8]`` for 32 offsets) with one program, the offsets as one traced array.  A
  0-d integer result the host already knows (``i + 1`` on an index it knows) lives in a
  ``LazyStorage`` until something needs the array.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from . import _caches


class Storage:
    """Shared memory of a base tensor and its views.

    ``data``     the base's JAX array
    ``gen``      bumped on every write, so views know their cached value is stale
    ``version``  PyTorch's ``_version`` counter, shared by the base and its views
    """

    __slots__ = ("data", "gen", "version", "__weakref__")

    def __init__(self, data):
        self.data = data
        self.gen = 0
        self.version = 0


_DATA_SLOT = Storage.__dict__["data"]  # the slots themselves (a trace swaps in properties)
_Tracer = jax.core.Tracer


class Pending:
    """The description of a value not computed yet: its ``shape`` and NumPy ``dtype`` (what
    shape and dtype queries read), and for a ``LazyStorage`` how to compute it
    (``compute(*args)``) and, once that has run, the array it gave (``result``)."""

    __slots__ = ("shape", "dtype", "compute", "args", "result")

    def __init__(self, shape, dtype, compute=None, args=()):
        self.shape = shape
        self.dtype = dtype
        self.compute = compute
        self.args = args
        self.result = None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)


class LazyStorage(Storage):
    """A storage whose array is computed on its first use (``Pending.compute``): the data slot
    holds the ``Pending`` until then.  Any read or write of ``data`` or ``version`` computes
    it and turns the object into a plain ``Storage`` (same slots), so no reader of
    ``storage.data`` ever sees anything but an array, and plain storages pay nothing."""

    __slots__ = ()

    @property
    def pending(self):
        return _DATA_SLOT.__get__(self, Storage)

    def _materialize(self):
        pending = _DATA_SLOT.__get__(self, Storage)
        # a concrete array even when the first use is inside a trace (torch.compile, vmap):
        # the value depends on host numbers only, never on the trace's inputs
        with jax.ensure_compile_time_eval():
            value = pending.compute(*pending.args)
        pending.result, pending.compute, pending.args = value, None, ()
        _DATA_SLOT.__set__(self, value)
        self.__class__ = Storage

    @property
    def data(self):
        self._materialize()
        return self.data  # through Storage's own attribute now (a trace notes the read)

    @data.setter
    def data(self, value):
        self._materialize()
        self.data = value

    @property
    def version(self):
        self._materialize()
        return self.version

    @version.setter
    def version(self, value):
        self._materialize()
        self.version = value


def make_lazy(storage):
    """``storage`` (made around a ``Pending``: ``Tensor._make(pending, dtype)``) becomes the
    ``LazyStorage`` it stands for."""
    storage.__class__ = LazyStorage


def holds(storage, token) -> bool:
    """Whether ``storage`` still holds the contents a host-known number was taken from
    (``Tensor._host``): the very array, or the ``Pending`` of a lazy result (before or after
    it was computed); every write replaces the array, so a stale token never matches."""
    if type(storage) is LazyStorage:
        return token is _DATA_SLOT.__get__(storage, Storage)
    data = storage.data
    return token is data or (type(token) is Pending and token.result is data)


def tracing() -> bool:
    """A torch.compile trace is recording (it swaps ``Storage.data`` for a hook)."""
    return Storage.__dict__["data"] is not _DATA_SLOT


class VersionCounter:
    """A counter of its own, for ``.data`` (which shares memory but not the version)."""

    __slots__ = ("version", "__weakref__")

    def __init__(self, version=0):
        self.version = version


# ---------------------------------------------------------------------------------- strides
def contiguous_strides(shape) -> tuple:
    strides = []
    acc = 1
    for s in reversed(shape):
        strides.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(strides))


def is_contiguous_layout(shape, strides) -> bool:
    """PyTorch's definition: size-1 dimensions may have any stride; empty tensors qualify."""
    if 0 in shape:
        return True
    expected = 1
    for n, st in zip(reversed(shape), reversed(strides)):
        if n != 1:
            if st != expected:
                return False
            expected *= n
    return True


def view_strides(old_shape, old_strides, new_shape):
    """Strides of ``view(new_shape)`` of a tensor laid out as (old_shape, old_strides), or None
    when no such view exists (PyTorch's ``computeStride``).

    The old dimensions fall into runs that are contiguous with each other; a view may regroup
    the elements of each run freely but cannot merge two runs into one dimension.
    """
    new_shape = tuple(new_shape)
    if not old_shape:
        return (1,) * len(new_shape)
    numel = math.prod(old_shape)
    if numel == 0:
        if tuple(old_shape) == new_shape:
            return tuple(old_strides)
        return contiguous_strides(new_shape)
    new_strides = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    run_stride = old_strides[-1]  # stride of the innermost dimension of the current run
    run_numel = 1
    view_numel = 1
    for d in range(len(old_shape) - 1, -1, -1):
        run_numel *= old_shape[d]
        run_ends = d == 0 or (
            old_shape[d - 1] != 1 and old_strides[d - 1] != run_numel * run_stride
        )
        if not run_ends:
            continue
        while view_d >= 0 and (view_numel < run_numel or new_shape[view_d] == 1):
            new_strides[view_d] = view_numel * run_stride
            view_numel *= new_shape[view_d]
            view_d -= 1
        if view_numel != run_numel:
            return None
        if d > 0:
            run_stride = old_strides[d - 1]
            run_numel = 1
            view_numel = 1
    if view_d != -1:
        return None
    return tuple(new_strides)


def _wrap_index(i, n):
    return i + n if i < 0 else i


def _clamped(i, n):
    i = i + n if i < 0 else i
    return min(max(i, 0), n)


# (shape, strides, offset) of each view op's result from its input's, as PyTorch computes them.
# ``static``: the op's static kwargs (a dict); ``args``: its runtime scalar operands.
def _layout_view(shape, strides, offset, static, args, k):
    new = tuple(static["shape"])
    st = view_strides(shape, strides, new)
    if st is None:  # callers check viewability first; an index map never lies
        return None
    return new, st, offset


def _layout_squeeze(shape, strides, offset, static, args, k):
    dims = static.get("dim")
    if dims is None:
        dims = range(len(shape))
    elif isinstance(dims, int):
        dims = (dims,)
    drop = {d for d in dims if d < len(shape) and shape[d] == 1}  # dim 0 of a 0-d tensor: none
    keep = [d for d in range(len(shape)) if d not in drop]
    return tuple(shape[d] for d in keep), tuple(strides[d] for d in keep), offset


def _layout_unsqueeze(shape, strides, offset, static, args, k):
    d = static["dim"]
    st = shape[d] * strides[d] if d < len(shape) else 1
    return shape[:d] + (1,) + shape[d:], strides[:d] + (st,) + strides[d:], offset


def _permuted(shape, strides, offset, dims):
    return tuple(shape[d] for d in dims), tuple(strides[d] for d in dims), offset


def _layout_permute(shape, strides, offset, static, args, k):
    return _permuted(shape, strides, offset, static["dims"])


def _layout_transpose(shape, strides, offset, static, args, k):
    if not shape:  # transpose(0, -1) of a 0-d tensor: itself
        return shape, strides, offset
    dims = list(range(len(shape)))
    a, b = static["dim0"], static["dim1"]
    dims[a], dims[b] = dims[b], dims[a]
    return _permuted(shape, strides, offset, dims)


def _layout_t(shape, strides, offset, static, args, k):
    return _permuted(shape, strides, offset, tuple(reversed(range(len(shape)))))


def _layout_expand(shape, strides, offset, static, args, k):
    target = tuple(static["shape"])
    lead = len(target) - len(shape)
    sizes, out = [0] * len(target), [0] * len(target)
    for i in range(len(target) - 1, -1, -1):
        d = i - lead
        if d >= 0:
            size, st = shape[d], strides[d]
        else:  # a new leading dimension continues the one after it (0 past a 0-d tensor)
            size = 1
            st = sizes[i + 1] * out[i + 1] if i + 1 < len(target) else 0
        if size != target[i]:
            size, st = target[i], 0
        sizes[i], out[i] = size, st
    return tuple(sizes), tuple(out), offset


def _narrowed(shape, strides, offset, dim, start, length, step=1):
    return (
        shape[:dim] + (length,) + shape[dim + 1 :],
        strides[:dim] + (strides[dim] * step,) + strides[dim + 1 :],
        offset + start * strides[dim],
    )


def _selected(shape, strides, offset, dim, index):
    return (
        shape[:dim] + shape[dim + 1 :],
        strides[:dim] + strides[dim + 1 :],
        offset + index * strides[dim],
    )


def _layout_slice(shape, strides, offset, static, args, k):
    dim = static["dim"]
    start = _clamped(args[0], shape[dim])
    return _narrowed(shape, strides, offset, dim, start, static["length"], static["step"])


def _layout_select(shape, strides, offset, static, args, k):
    dim = static["dim"]
    return _selected(shape, strides, offset, dim, _wrap_index(args[0], shape[dim]))


def _layout_split(shape, strides, offset, static, args, k):
    sizes = static["sizes"]
    return _narrowed(shape, strides, offset, static["dim"], sum(sizes[:k]), sizes[k])


def _layout_unbind(shape, strides, offset, static, args, k):
    return _selected(shape, strides, offset, static["dim"], k)


def _layout_diagonal(shape, strides, offset, static, args, k):
    off, d1, d2 = static["offset"], static["dim1"], static["dim2"]
    if off >= 0:
        n = max(min(shape[d1], shape[d2] - off), 0)
        start = off * strides[d2]
    else:
        n = max(min(shape[d1] + off, shape[d2]), 0)
        start = -off * strides[d1]
    keep = [d for d in range(len(shape)) if d not in (d1, d2)]
    return (
        tuple(shape[d] for d in keep) + (n,),
        tuple(strides[d] for d in keep) + (strides[d1] + strides[d2],),
        offset + (start if n else 0),
    )


LAYOUT_RULES = {
    "view": _layout_view,
    "alias": lambda shape, strides, offset, static, args, k: (shape, strides, offset),
    "squeeze": _layout_squeeze,
    "unsqueeze": _layout_unsqueeze,
    "permute": _layout_permute,
    "transpose": _layout_transpose,
    "t": _layout_t,
    "expand": _layout_expand,
    "slice": _layout_slice,
    "select": _layout_select,
    "split": _layout_split,
    "unbind": _layout_unbind,
    "diagonal": _layout_diagonal,
}


def _strided_index(shape, strides, offset) -> np.ndarray:
    idx = np.full(shape, offset, dtype=np.int64)
    for d, (n, st) in enumerate(zip(shape, strides)):
        axis = [1] * len(shape)
        axis[d] = n
        idx = idx + (np.arange(n, dtype=np.int64) * st).reshape(axis)
    return idx


def _layout_from_index(idx):
    """(shape, strides, offset) of a flat index map that is a strided layout, else None."""
    shape = idx.shape
    if idx.size == 0:
        return shape, contiguous_strides(shape), 0
    first = int(idx.flat[0])
    strides = []
    expected = 1
    for d in reversed(range(len(shape))):
        if shape[d] > 1:
            step = [0] * len(shape)
            step[d] = 1
            st = int(idx[tuple(step)]) - first
        else:
            st = expected
        strides.append(st)
        expected = max(abs(st) * max(shape[d], 1), expected)
    strides = tuple(reversed(strides))
    if not np.array_equal(_strided_index(shape, strides, first), idx):
        return None
    return shape, strides, first


# ---------------------------------------------------------------------------------- geometry
class _LayoutQueries:
    __slots__ = ()

    def strides(self, storage) -> tuple:
        return self.layout(storage)[1]

    def offset(self, storage) -> int:
        return self.layout(storage)[2]

    def is_contiguous(self, storage) -> bool:
        shape, strides, _ = self.layout(storage)
        return is_contiguous_layout(shape, strides)

    def index(self, storage) -> np.ndarray:
        """Flat storage index of every element of the view (shape = the view's shape)."""
        if self._index is None:
            self._index = _strided_index(*self.layout(storage))
        return self._index

    def overlaps(self, storage) -> bool:
        """PyTorch's internal-overlap test: some dimension of size > 1 has stride 0."""
        shape, strides, _ = self.layout(storage)
        return any(n > 1 and st == 0 for n, st in zip(shape, strides))


MAX_CHAIN = 16  # view ops re-applied on a read; a longer chain reads by one gather


class Geometry(_LayoutQueries):
    """How a view sits in its storage: ``op`` (a view entry of the op table) applied to the
    parent geometry (None: the whole base) with runtime operands ``args``, output
    ``out_index`` of that op."""

    __slots__ = ("parent", "op", "static", "out_index", "args", "_layout", "_index", "_chain")

    def __init__(self, parent, op, static, out_index=0, args=()):
        self.parent = parent
        self.op = op
        self.static = static
        self.out_index = out_index
        self.args = args
        self._layout = None
        self._index = None
        self._chain = None

    def layout(self, storage):
        """(shape, strides, storage offset), derived once from the parent's."""
        if self._layout is None:
            # ancestors first, from the root down (no recursion: chains of views can be long)
            pending = []
            g = self.parent
            while isinstance(g, Geometry) and g._layout is None:
                pending.append(g)
                g = g.parent
            for g in reversed(pending):
                g._derive_layout(storage)
            self._derive_layout(storage)
        return self._layout

    def _derive_layout(self, storage):
        if self._layout is None:
            parent = (
                self.parent.layout(storage)
                if self.parent is not None
                else (storage.data.shape, contiguous_strides(storage.data.shape), 0)
            )
            if self.op is None:  # an alias of the parent (detach, .data)
                self._layout = parent
            else:
                rule = LAYOUT_RULES.get(self.op.name)
                out = (
                    None
                    if rule is None
                    else rule(*parent, dict(self.static), self.args, self.out_index)
                )
                self._layout = out if out is not None else self._layout_by_index(storage)

    def _layout_by_index(self, storage):
        # a view op without a layout rule: apply it to the parent's index map (once)
        base = (
            self.parent.index(storage)
            if self.parent is not None
            else np.arange(storage.data.size, dtype=np.int64).reshape(storage.data.shape)
        )
        with jax.default_device(jax.devices("cpu")[0]):
            out = self.op.impl(jnp.asarray(base), *self.args, **dict(self.static))
        if isinstance(out, tuple):
            out = out[self.out_index]
        idx = np.asarray(out)
        layout = _layout_from_index(idx)
        if layout is None:
            raise RuntimeError(f"torchlike: {self.op.name} does not give a strided view")
        self._index = idx
        return layout

    def chain(self, storage):
        """(structure key, runtime arguments) of the view ops from the base to this view.

        Past ``MAX_CHAIN`` ops (a loop of ``x = x[1:]``) the read becomes one gather at the
        view's layout instead, so the programs stay bounded by (shape, strides)."""
        if self._chain is None:
            pending = []
            g = self
            while isinstance(g, Geometry) and g._chain is None:
                pending.append(g)
                g = g.parent
            for g in reversed(pending):
                g._derive_chain(storage)
        return self._chain

    def _derive_chain(self, storage):
        key, args = self.parent.chain(storage) if self.parent is not None else ((), ())
        if self.op is not None:
            if len(key) >= MAX_CHAIN:
                shape, strides, offset = self.layout(storage)
                key, args = (("strided", shape, strides),), (offset,)
            elif self.op.name == "split":
                # the k-th piece is a narrow at a traced start: q, k, v of one split (and every
                # equal piece of a chunk) share one read program
                st = dict(self.static)
                d, sizes = st["dim"], st["sizes"]
                key = key + (("narrow", d, sizes[self.out_index]),)
                args = args + (sum(sizes[: self.out_index]),)
            elif self.op.name == "unbind":
                # the k-th row is a read at a traced index: one program for every row (``for s
                # in states`` then ``s.unsqueeze(0)`` read each row through its own program)
                key = key + (("unbind", dict(self.static)["dim"]),)
                args = args + (self.out_index,)
            else:
                key = key + ((self.op, self.static, self.out_index, len(self.args)),)
                args = args + tuple(self.args)
        self._chain = (key, args)


class StridedGeometry(_LayoutQueries):
    """``as_strided``: an explicit (size, stride, offset) layout over the whole storage."""

    __slots__ = ("size", "stride", "offset_", "_index", "_chain")
    op = None  # made by no view op of the table (code asking a view for its op gets None)

    def __init__(self, size, stride, offset):
        self.size, self.stride, self.offset_ = tuple(size), tuple(stride), offset
        self._index = None
        self._chain = ((("strided", self.size, self.stride),), (offset,))

    def layout(self, storage):
        return self.size, self.stride, self.offset_

    def chain(self, storage):
        return self._chain


# ---------------------------------------------------------------------------------- read/write
def _strided_positions(shape, strides, offset):
    """Flat storage positions of a strided layout, traced offset (inside a compiled program)."""
    idx = jnp.asarray(offset, jnp.int64)
    for d, st in enumerate(strides):
        idx = idx + lax.broadcasted_iota(jnp.int64, shape, d) * st
    return jnp.broadcast_to(idx, shape)


def chain_read(key):
    """The read of a view with chain structure ``key``: ``run(base value, *chain arguments)``."""

    def run(data, *args):
        value = data
        pos = 0
        for step in key:
            if step[0] == "strided":
                _, shape, strides = step
                value = jnp.take(data.reshape(-1), _strided_positions(shape, strides, args[pos]))
                pos += 1
                continue
            if step[0] == "unbind":
                value = lax.dynamic_index_in_dim(value, args[pos], step[1], keepdims=False)
                pos += 1
                continue
            if step[0] == "narrow":
                value = lax.dynamic_slice_in_dim(value, args[pos], step[2], step[1])
                pos += 1
                continue
            op, static, k, n = step
            out = op.impl(value, *args[pos : pos + n], **dict(static))
            pos += n
            value = out[k] if isinstance(out, tuple) else out
        return value

    return run


def _chain_program(key):
    return _caches.eager_jit(chain_read(key))


# Bounded by executables too: every view read lazily compiles here, one program per chain
# structure and base shape (what the per-op cache holds for the view ops themselves)
_CHAIN_PROGRAMS = _caches.LRUCache("storage.view_chains", max_entries=1024, max_programs=256)


def read(storage, geometry):
    key, args = geometry.chain(storage)
    return read_chain(key, storage.data, args)


def read_chain(key, data, args):
    """The value of the view whose chain is (``key``, ``args``) over the base value ``data``."""
    fn = _CHAIN_PROGRAMS.get(key)
    if fn is None:
        fn = _CHAIN_PROGRAMS.put(key, _chain_program(key))
    return _caches.call_eager(fn, data, *args)


class SavedRead(Pending):
    """A view's value as a grad node saves it without reading it (views of their whole base
    only, see ``core._fused_reads``): a ``Pending`` with the view's ``shape``/``dtype`` and its
    chain arguments as ``args``, plus the base's array and the chain key, the read ``read``
    would run.  A compiled backward reads the view inside its own program (``x @ w.t()`` saves
    ``w``'s array and the transpose, which XLA folds into the backward's matmul) instead of the
    forward returning a copy of every saved view; ``value()`` reads it now.  JAX arrays never
    change, so the read gives what reading at save time would have; a later write to the
    storage is caught by the saved variable's version check, as for any saved tensor."""

    __slots__ = ("data", "key")

    def __init__(self, data, key, args, shape, dtype):
        super().__init__(shape, dtype, args=args)
        self.data = data
        self.key = key

    def value(self):
        return read_chain(self.key, self.data, self.args)


# View ops whose result's layout (so its shape) the host derives from the operand's without
# running the op: their fresh results read themselves on first use (``lazy_view``), most often
# inside the program of the op that uses them (``core._fused_reads``).  ``split`` into up to
# ``LAZY_PIECES`` pieces too (``q, k, v = x.split(n, dim=2)``); more pieces, and ``unbind``
# (``x.unbind(1)`` over time steps), stay eager: one program gives all the parts, where each
# piece read on its own would be one dispatch.
LAZY_VIEWS = frozenset(
    ("view", "squeeze", "unsqueeze", "permute", "transpose", "t", "expand", "slice", "select")
    + ("diagonal", "split")
)
LAZY_PIECES = 16


def lazy_view(op, static, geometry, storage, args):
    """The ``Pending`` (a tuple of them for ``split``) a fresh view of op ``op`` (one of ``LAZY_VIEWS``; runtime operands
    ``args``) holds until its first read, or None when the value is to be computed now: an
    operand that is not a Python int, or a storage holding a tracer (inside a traced
    function the view's value belongs to that trace)."""
    data = storage.data
    if isinstance(data, _Tracer):
        return None
    for a in args:
        if type(a) is not int:
            return None
    name = op.name
    if name == "split":
        sizes = dict(static)["sizes"]
        if len(sizes) > LAZY_PIECES:
            return None
        shape = data.shape if geometry is None else geometry.layout(storage)[0]
        d = dict(static)["dim"]
        return tuple(Pending(shape[:d] + (n,) + shape[d + 1 :], data.dtype) for n in sizes)
    if name == "slice" or name == "select":  # the shape without the layout (derived if asked)
        shape = data.shape if geometry is None else geometry.layout(storage)[0]
        kw = dict(static)
        d = kw["dim"]
        mid = (kw["length"],) if name == "slice" else ()
        return Pending(shape[:d] + mid + shape[d + 1 :], data.dtype)
    parent = (
        geometry.layout(storage)
        if geometry is not None
        else (data.shape, contiguous_strides(data.shape), 0)
    )
    out = LAYOUT_RULES[name](*parent, dict(static), args, 0)
    if out is None:
        return None
    return Pending(out[0], data.dtype)


def _together_program(key, nargs, dim, concat):
    read_one = chain_read(key)

    def one(data, row):
        return read_one(data, *(row[j] for j in range(nargs)))

    def run(data, rows):
        # XLA:CPU splits a gather from a large base over threads (two partitions for 32 rows
        # of 8 from a 1M-token base): waking a worker costs more than the rows; a loop over
        # the rows is one thread and the fastest there.  Accelerators take the gather.
        out = lax.platform_dependent(
            data,
            rows,
            cpu=lambda d, r: lax.map(lambda row: one(d, row), r),
            default=lambda d, r: jax.vmap(lambda row: one(d, row))(r),
        )
        if dim:
            out = jnp.moveaxis(out, 0, dim)
        if concat:  # the new axis merged into the next: the pieces one after another
            s = out.shape
            out = out.reshape(s[:dim] + (s[dim] * s[dim + 1],) + s[dim + 2 :])
        return out

    return jax.jit(run)


_TOGETHER_PROGRAMS = _caches.LRUCache("storage.view_stacks", max_entries=256, max_programs=64)


def _sibling_rows(storage, geometries):
    """(chain key, arguments per view) of views made by one op from one parent
    (``data[i:i + 8]`` for every ``i``), without deriving each view's chain; None otherwise."""
    g0 = geometries[0]
    parent, op, static, k = g0.parent, g0.op, g0.static, g0.out_index
    if type(g0) is not Geometry or op is None:
        return None
    n = len(g0.args)
    for g in geometries:
        if (
            type(g) is not Geometry
            or g.parent is not parent
            or g.op is not op
            or g.out_index != k
            or len(g.args) != n
            or (g.static is not static and g.static != static)
        ):
            return None
    key, prefix = parent.chain(storage) if parent is not None else ((), ())
    if len(key) >= MAX_CHAIN:  # these views read by their layout (``Geometry.chain``)
        return None
    key = key + ((op, static, k, n),)
    if prefix:
        return key, [prefix + g.args for g in geometries]
    return key, [g.args for g in geometries]


def read_together(storage, geometries, dim, concat=False):
    """``stack(views, dim)`` (``concat``: ``cat``) of views of ``storage`` that share one chain
    structure, read by one program: the chain's read, vmapped over the views' runtime
    arguments (slice starts, select indices) passed as one int64 array, so the program is
    keyed by the structure and the number of views, never by the offsets.  None when the
    views differ in structure or take other arguments than Python ints."""
    rows = _sibling_rows(storage, geometries)
    if rows is None:
        key, first = geometries[0].chain(storage)
        rows = [first]
        for g in geometries[1:]:
            k, a = g.chain(storage)
            if k != key:
                return None
            rows.append(a)
    else:
        key, rows = rows
    first = rows[0]
    for row in rows:
        for a in row:
            if type(a) is not int:
                return None
    data = storage.data
    if isinstance(data, _Tracer):
        return None
    program_key = (key, dim, concat)
    fn = _TOGETHER_PROGRAMS.get(program_key)
    if fn is None:
        fn = _TOGETHER_PROGRAMS.put(program_key, _together_program(key, len(first), dim, concat))
    return fn(data, np.array(rows, dtype=np.int64).reshape(len(rows), len(first)))


@_caches.jit(name="storage.write_strided", static_argnames=("shape", "strides"))
def _write_strided(data, offset, values, *, shape, strides):
    values = jnp.broadcast_to(values, shape).astype(data.dtype)
    flat = data.reshape(-1)
    if is_contiguous_layout(shape, strides):
        # one contiguous run of the storage (a row slice, a select of leading dims)
        flat = lax.dynamic_update_slice(flat, values.reshape(-1), (offset,))
    else:
        idx = _strided_positions(shape, strides, offset)
        flat = flat.at[idx.reshape(-1)].set(values.reshape(-1), unique_indices=False)
    return flat.reshape(data.shape)


@_caches.jit(name="storage.write_changed", static_argnames=("shape", "strides"))
def _write_changed(data, offset, values, *, shape, strides):
    """``_write_strided`` of only the elements whose value changes: several elements of an
    expanded view share one location, and the one a masked or indexed fill wrote must win
    over its unchanged aliases (equal bits written again change nothing either way)."""
    values = jnp.broadcast_to(values, shape).astype(data.dtype).reshape(-1)
    flat = data.reshape(-1)
    idx = _strided_positions(shape, strides, offset).reshape(-1)
    changed = _differs(values, flat[idx])
    flat = flat.at[jnp.where(changed, idx, flat.size)].set(values, mode="drop")
    return flat.reshape(data.shape)


def _differs(a, b):
    if jnp.issubdtype(a.dtype, jnp.complexfloating):
        return _differs(a.real, b.real) | _differs(a.imag, b.imag)
    if jnp.issubdtype(a.dtype, jnp.floating):  # (-0.0 over 0.0 is a change; nan over nan is not)
        same_nan = jnp.isnan(a) & jnp.isnan(b)
        return ((a != b) | (jnp.signbit(a) != jnp.signbit(b))) & ~same_nan
    return a != b


OVERLAP_ERROR = (
    "unsupported operation: more than one element of the written-to tensor refers to a single "
    "memory location. Please clone() the tensor before performing the operation."
)


def write(storage, geometry, values, check_overlap=True):
    """Write ``values`` (the view's new contents) into the storage through ``geometry``.

    ``check_overlap``: PyTorch refuses writes where several elements share one memory location
    (expanded tensors), except for fills (False: every alias gets the same value anyway) and
    the masked and indexed fills it deprecates there ("changed": only the elements the op
    changed are written, so each location holds what the op wrote into it)."""
    shape, strides, offset = geometry.layout(storage)
    program = _write_strided
    if check_overlap and geometry.overlaps(storage):
        if check_overlap != "changed":
            raise RuntimeError(OVERLAP_ERROR)
        program = _write_changed
    if math.prod(shape):
        storage.data = program(
            storage.data, offset, values, shape=tuple(shape), strides=tuple(strides)
        )
    storage.gen += 1


# Values up to this many elements are filled by NumPy and transferred (factories, fill_,
# zero_): an XLA fill is one more executable per new shape (~20-35 ms to compile: a loop over
# growing lengths, ``torch.ones(T, T)`` in a generation loop, a first ``zero_grad`` over every
# parameter shape, paid it each time); a transfer compiles nothing, and a fill is exact on
# either side.
HOST_FILL_MAX = 1 << 20


def host_fills(numel) -> bool:
    """Whether a fill of ``numel`` elements is made by NumPy (small, and not inside a trace)."""
    return numel <= HOST_FILL_MAX and not tracing()


def host_full(shape, fill, npdt):
    """``shape`` filled with ``fill`` as a NumPy array, or None where XLA should fill (large,
    inside a trace, or a fill NumPy would convert differently from XLA)."""
    if not host_fills(math.prod(shape)):
        return None
    kind = np.dtype(npdt).kind
    if kind in "iub" and not isinstance(fill, (bool, int, np.bool_, np.integer)):
        return None
    if kind != "c" and isinstance(fill, (complex, np.complexfloating)):
        return None
    try:
        with np.errstate(all="ignore"):
            return np.full(shape, fill, npdt)
    except (OverflowError, ValueError, TypeError):
        return None


# A small fill is kept as the array it became: ``torch.zeros(T, T)`` in a loop, a mask, the
# ``zero_()`` of a grad buffer get the same array again (JAX arrays never change, and a write
# gives the storage a new one), where a transfer costs ~30-50 us each time.
_FILLS = _caches.LRUCache("storage.fills", max_entries=256, max_bytes=8 << 20)
FILL_KEEP_MAX = 1 << 16  # bytes


def full_array(shape, fill, npdt):
    """``shape`` filled with ``fill`` as a JAX array on the default device, or None where XLA
    should fill (``host_full``)."""
    number = None if tracing() else _caches.number_key(fill)
    key = None
    if number is not None:
        key = (shape, number, npdt)
        kept = _FILLS.peek(key)
        if kept is not None:
            return kept
    host = host_full(shape, fill, npdt)
    if host is None:
        return None
    value = transfer(host)
    if key is not None and host.nbytes <= FILL_KEEP_MAX:
        _FILLS.put(key, value)
    return value


def transfer(values, owned=True, staged=False):
    """Host values (a fill, ``torch.tensor``'s array, a host ``cat``, an ``arange``) as a JAX
    array on the default device: ``jax.device_put``, which compiles nothing.  ``staged``
    (values a loop makes again with the same shape: ``arange``, a dropout mask, the 64 rows
    of a get_batch): from the second sight of their (shape, dtype) on, they are the argument
    of a jitted identity, whose transfer runs in C++ (~2x faster than ``jnp.asarray``'s
    staged copy, ~3x than ``jax.device_put``, one compile per shape as ``jnp.asarray`` had);
    a shape seen once (a growing length) never compiles.  ``jax.device_put``, ``jnp.asarray``
    and the identity may all alias a suitably aligned NumPy array on the CPU instead of
    copying it (bool arrays, large float32 ones: seen on jax 0.4.35 and 0.10.2), so
    ``owned=False``, the caller's array, which it may change later, is copied first."""
    if not owned:
        values = np.array(values)
    if staged:
        key = (values.shape, values.dtype)
        if key in _SEEN_SHAPES:
            return _staged(values)
        if len(_SEEN_SHAPES) >= 4096:
            _SEEN_SHAPES.clear()
        _SEEN_SHAPES.add(key)
    return jax.device_put(values)


_SEEN_SHAPES: set = set()


@_caches.jit(name="storage.transfer")
def _staged(values):
    return values
