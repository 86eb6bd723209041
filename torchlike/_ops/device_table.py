"""The op table's device part: the copy a ``Tensor.to(device)`` records.

The move itself happens outside the op (XLA executables run on one device); the entry records
PyTorch's ``ToCopyBackward0`` so the graph reads as PyTorch's.  A gradient flowing back through a
device copy is not supported yet: its backward raises rather than leaving the gradient on the
wrong device.
"""

from __future__ import annotations

import jax

from .core import Op
from .table import OPS


@jax.custom_vjp
def _copy(x):
    return x


def _copy_fwd(x):
    return x, None


def _copy_bwd(_, ct):
    raise NotImplementedError(
        "torchlike: a gradient flowing back through a copy between devices (Tensor.to(device) "
        "on a tensor that requires grad) is not supported yet; move the leaf tensors instead "
        "(e.g. create them on the device, or move them under torch.no_grad())"
    )


_copy.defvjp(_copy_fwd, _copy_bwd)

OPS["to_device"] = Op("_to_copy", _copy, "ToCopyBackward0", linear=True)
