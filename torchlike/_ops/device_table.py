"""The op table's device part: the copy a ``Tensor.to(device)`` records.

The move itself happens outside the op (XLA executables run on one device); the entry records
PyTorch's ``ToCopyBackward0`` with the device the input came from, and its backward moves the
gradient back there, so ``.grad`` lands where the leaf lives (as in PyTorch).  A backward whose
graph holds such a copy runs its replay uncompiled, rule by rule, each on the device of its own
values: one XLA program cannot span devices (``engine._replay_for``); with ``create_graph`` the
copy's backward is recorded as a copy back (``engine._OnTensors``).
"""

from __future__ import annotations

from functools import partial

import jax

from .. import _device
from .core import Op
from .table import OPS


@partial(jax.custom_vjp, nondiff_argnums=(1,))
def _copy(x, source):
    return x


def _copy_fwd(x, source):
    return x, None


def _copy_bwd(source, _, ct):
    if isinstance(ct, jax.core.Tracer):
        raise NotImplementedError(
            "torchlike: a gradient through a copy between devices (Tensor.to(device) on a tensor "
            "that requires grad) inside one compiled program is not supported"
        )
    return (jax.device_put(ct, _device.to_jax(source)),)


_copy.defvjp(_copy_fwd, _copy_bwd)

OPS["to_device"] = Op("_to_copy", _copy, "ToCopyBackward0", linear=True)


def crosses_devices(rule_keys) -> bool:
    """Whether a backward's rules include a device copy (so it cannot be one XLA program)."""
    op = OPS["to_device"]
    return any(key and key[0] is op for key in rule_keys)
