"""``torch.functional``: the module PyTorch defines ``einsum``, ``meshgrid``, ``split``, ``norm`` …
in.  Its names here are torchlike's own functions (the same objects as ``torch.einsum`` …, one
implementation each); a name torchlike does not have yet raises the usual missing-API error.
"""

from __future__ import annotations

from torchlike._missing import module_getattr as _module_getattr

from ._ops.frontend import FUNCTIONS as _FUNCTIONS

# torch.functional.__all__ in PyTorch 2.13
_PYTORCH_ALL = (
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "broadcast_shapes",
    "broadcast_tensors",
    "cartesian_prod",
    "block_diag",
    "cdist",
    "chain_matmul",
    "einsum",
    "istft",
    "lu",
    "norm",
    "meshgrid",
    "pca_lowrank",
    "split",
    "stft",
    "svd_lowrank",
    "tensordot",
    "unique",
    "unique_consecutive",
    "unravel_index",
)

globals().update({name: _FUNCTIONS[name] for name in _PYTORCH_ALL if name in _FUNCTIONS})

_missing_getattr = _module_getattr(__name__)


def __getattr__(name):
    if name == "__all__":
        return [n for n in _PYTORCH_ALL if n in _FUNCTIONS]
    if name in _PYTORCH_ALL and name in _FUNCTIONS:  # registered after this module was imported
        return _FUNCTIONS[name]
    return _missing_getattr(name)
