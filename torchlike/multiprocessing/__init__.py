"""``torch.multiprocessing``: the standard library's multiprocessing, plus ``spawn``.

Everything of :mod:`multiprocessing` is re-exported (``mp.Process``, ``mp.Queue``,
``mp.get_context`` …).  PyTorch adds its reducers, so a tensor put on a queue travels to the
other process; a torchlike Tensor pickles by value (its data as a NumPy array), so the receiver
gets a copy rather than shared memory (JAX arrays are immutable: there is no storage to share).
As in PyTorch, a non-leaf tensor that requires grad refuses to cross the process boundary.

Child processes started with ``spawn`` or ``forkserver`` from a program run by
``python -m torchlike`` (or after ``torchlike.install()``) see ``torch`` as torchlike too.
"""

from __future__ import annotations

import multiprocessing
import sys
from multiprocessing import *  # noqa: F403
from multiprocessing.reduction import ForkingPickler as _ForkingPickler

from torchlike._missing import module_getattr as _module_getattr

from .._tensor import Tensor as _Tensor
from ..nn.parameter import Parameter as _Parameter
from .spawn import (  # noqa: F401
    ENV_VAR_PARALLEL_START,
    ProcessContext,
    ProcessExitedException,
    ProcessRaisedException,
    SpawnContext,
    spawn,
    start_processes,
)

__all__ = [
    "set_sharing_strategy",
    "get_sharing_strategy",
    "get_all_sharing_strategies",
    *multiprocessing.__all__,
]

# PyTorch's strategies for passing tensor storages; torchlike copies the data whichever is
# chosen, but the setting is kept and validated as PyTorch does.
if sys.platform in ("darwin", "win32"):
    _sharing_strategy = "file_system"
    _all_sharing_strategies = {"file_system"}
else:
    _sharing_strategy = "file_descriptor"
    _all_sharing_strategies = {"file_descriptor", "file_system"}


def set_sharing_strategy(new_strategy):
    """Set the strategy for sharing CPU tensors (one of ``get_all_sharing_strategies()``)."""
    global _sharing_strategy
    if new_strategy not in _all_sharing_strategies:
        raise AssertionError(
            f"invalid sharing strategy {new_strategy!r}, expected one of {_all_sharing_strategies}"
        )
    _sharing_strategy = new_strategy


def get_sharing_strategy():
    """The current strategy for sharing CPU tensors."""
    return _sharing_strategy


def get_all_sharing_strategies():
    """The set of sharing strategies this system supports."""
    return _all_sharing_strategies


def _reduce_tensor(tensor):
    if tensor.requires_grad and not tensor.is_leaf:
        raise RuntimeError(
            "Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd "
            "does not support crossing process boundaries.  If you just want to transfer the "
            "data, call detach() on the tensor before serializing (e.g., putting it on the queue)."
        )
    return tensor.__reduce_ex__(2)


def init_reductions():
    """Register the tensor reducers with multiprocessing's pickler (done on import)."""
    # the pickler's dispatch table is looked up by exact type: register each tensor class
    for cls in (_Tensor, _Parameter):
        _ForkingPickler.register(cls, _reduce_tensor)


init_reductions()

__getattr__ = _module_getattr(__name__)
