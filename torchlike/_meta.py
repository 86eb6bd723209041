"""The meta device: tensors with a shape and a dtype but no data.

A meta tensor's storage holds a ``MetaArray`` where other tensors hold a JAX array.  It is a
``jax.ShapeDtypeStruct`` (what ``jax.eval_shape`` takes and gives), so an op on meta operands
runs its own JAX function abstractly (``shapes_only``): the result's shape and dtype are the
ones the op would compute, and nothing is allocated or computed.  Models built on the meta
device (``with torch.device('meta'):``, ``module.to('meta')``) therefore cost nothing however
large they are, as in PyTorch.

Ground module: imports only jax and numpy.
"""

from __future__ import annotations

import jax
import numpy as np


class _MetaJaxDevice:
    """What a ``MetaArray`` reports as its device (``_device`` maps it to ``device('meta')``)."""

    platform = "meta"
    id = 0

    def __repr__(self):
        return "MetaDevice"


META_JAX_DEVICE = _MetaJaxDevice()
_DEVICES = frozenset((META_JAX_DEVICE,))


class MetaArray(jax.ShapeDtypeStruct):
    """The value of a meta tensor: a shape and a NumPy dtype."""

    __slots__ = ()
    # a meta value never follows another operand's device (``_device.check_same``)
    committed = True

    def devices(self):
        return _DEVICES

    def __repr__(self):
        return f"MetaArray(shape={self.shape}, dtype={self.dtype})"


def array(shape, dtype) -> MetaArray:
    return MetaArray(tuple(int(n) for n in shape), np.dtype(dtype))


def like(value) -> MetaArray:
    """The meta value of ``value``'s shape and dtype (an array, a tracer, a ``Pending``)."""
    return MetaArray(tuple(value.shape), np.dtype(value.dtype))


def is_meta(value) -> bool:
    return type(value) is MetaArray


def any_meta(vals) -> bool:
    """Whether an op's operand values hold a meta value."""
    for v in vals:
        if type(v) is MetaArray:
            return True
    return False


def _to_meta(out):
    return jax.tree_util.tree_map(like, out)


def shapes_only(fn):
    """``fn`` (an op's jitted JAX function) run abstractly: its results as ``MetaArray``s.
    Tracing a jitted function is cached by JAX per operand shapes, so a meta model's second
    forward traces nothing."""

    def run(*vals):
        return _to_meta(jax.eval_shape(fn, *vals))

    return run


NO_DATA = "Cannot copy out of meta tensor; no data!"
NO_ITEM = "Tensor.item() cannot be called on meta tensors"
NO_NUMPY = (
    "can't convert meta device type tensor to numpy. Use Tensor.cpu() to copy the tensor to "
    "host memory first."
)
