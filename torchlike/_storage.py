"""Storage and views: PyTorch's aliasing on top of immutable JAX arrays.

A base tensor owns a ``Storage`` (one JAX array in the base's shape).  A view (``x.view(-1)``,
``x[0]``, ``x.t()``, ``x.detach()`` …) points at the same storage plus a ``Geometry``: the view op
that made it from its parent.  Reading a view whose storage has not been written since the view
was made costs nothing (its value is cached); after a write anywhere in the storage the view
re-reads itself with one gather.  Writing through a view scatters into the storage.  The flat
index map of a view is computed only when first needed, by applying the view op to the parent's
index map: one mechanism for every view op, no stride arithmetic per op.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np


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


class VersionCounter:
    """A counter of its own, for ``.data`` (which shares memory but not the version)."""

    __slots__ = ("version", "__weakref__")

    def __init__(self, version=0):
        self.version = version


class _LayoutQueries:
    __slots__ = ()

    def is_contiguous(self, storage) -> bool:
        if self._contiguous is None:
            idx = self.index(storage)
            self._contiguous = bool(idx.size == 0 or np.array_equal(
                idx.reshape(-1), np.arange(idx.flat[0], idx.flat[0] + idx.size)))
        return self._contiguous

    def strides(self, storage) -> tuple:
        idx = self.index(storage)
        shape = idx.shape
        strides = [0] * len(shape)
        expected = 1
        for d in reversed(range(len(shape))):
            if shape[d] > 1:
                first = idx[(0,) * len(shape)]
                step = [0] * len(shape)
                step[d] = 1
                strides[d] = int(idx[tuple(step)] - first)
            else:
                strides[d] = expected
            expected = max(abs(strides[d]) * max(shape[d], 1), expected)
        return tuple(strides)

    def offset(self, storage) -> int:
        idx = self.index(storage)
        return int(idx.flat[0]) if idx.size else 0


class Geometry(_LayoutQueries):
    """How a view sits in its storage: ``op`` (a view entry of the op table) applied to the
    parent geometry (None: the whole base), output ``out_index`` of that op."""

    __slots__ = ("parent", "op", "static", "out_index", "_index", "_contiguous")

    def __init__(self, parent, op, static, out_index=0):
        self.parent = parent
        self.op = op
        self.static = static
        self.out_index = out_index
        self._index = None
        self._contiguous = None

    def index(self, storage) -> np.ndarray:
        """Flat storage index of every element of the view (shape = the view's shape)."""
        if self._index is None:
            if self.parent is None:
                base = np.arange(storage.data.size, dtype=np.int64).reshape(storage.data.shape)
            else:
                base = self.parent.index(storage)
            if self.op is None:  # an alias of the parent (detach, .data)
                self._index = base
            else:
                with jax.default_device(jax.devices("cpu")[0]):
                    out = self.op.impl(jnp.asarray(base), **dict(self.static))
                if isinstance(out, tuple):
                    out = out[self.out_index]
                self._index = np.asarray(out)
        return self._index


class StridedGeometry(_LayoutQueries):
    """``as_strided``: an explicit (size, stride, offset) layout over the whole storage."""

    __slots__ = ("size", "stride", "offset_", "_index", "_contiguous")

    def __init__(self, size, stride, offset):
        self.size, self.stride, self.offset_ = tuple(size), tuple(stride), offset
        self._index = None
        self._contiguous = None

    def index(self, storage):
        if self._index is None:
            idx = np.full(self.size, self.offset_, dtype=np.int64)
            for d, (n, st) in enumerate(zip(self.size, self.stride)):
                shape = [1] * len(self.size)
                shape[d] = n
                idx = idx + (np.arange(n, dtype=np.int64) * st).reshape(shape)
            self._index = idx
        return self._index


@jax.jit
def _gather(data, idx):
    return jnp.take(data.reshape(-1), idx)


@jax.jit
def _scatter(data, idx, values):
    flat = data.reshape(-1).at[idx.reshape(-1)].set(values.reshape(-1).astype(data.dtype))
    return flat.reshape(data.shape)


def read(storage, geometry):
    return _gather(storage.data, geometry.index(storage))


def write(storage, geometry, values, check_overlap=True):
    """Write ``values`` (the view's new contents) into the storage through ``geometry``.

    ``check_overlap``: PyTorch refuses writes where several elements share one memory location
    (expanded tensors), except for fills, where every alias gets the same value anyway."""
    idx = geometry.index(storage)
    if check_overlap and idx.size and np.unique(idx).size != idx.size:
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation.")
    storage.data = _scatter(storage.data, idx, jnp.broadcast_to(values, idx.shape))
    storage.gen += 1
