"""``torch.functional``: the module PyTorch defines ``einsum``, ``meshgrid``, ``split``, ``norm`` …
in.  Its names here are the top-level torchlike functions themselves (one implementation each);
a name torchlike does not have yet raises the usual missing-API error.
"""

from __future__ import annotations

import sys as _sys

import torchlike as _torchlike

# torch.functional.__all__ in PyTorch 2.13
_PYTORCH_ALL = (
    "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_shapes", "broadcast_tensors",
    "cartesian_prod", "block_diag", "cdist", "chain_matmul", "einsum", "istft", "lu", "norm",
    "meshgrid", "pca_lowrank", "split", "stft", "svd_lowrank", "tensordot", "unique",
    "unique_consecutive", "unravel_index",
)


def _bind_available():
    module = _sys.modules[__name__]
    for name in _PYTORCH_ALL:
        fn = _torchlike.__dict__.get(name)
        if fn is not None:
            setattr(module, name, fn)


_bind_available()


def __getattr__(name):
    # a function added to torchlike after this module was imported
    if name in _PYTORCH_ALL and name in _torchlike.__dict__:
        return _torchlike.__dict__[name]
    if name == "__all__":
        return [n for n in _PYTORCH_ALL if n in _torchlike.__dict__]
    return _missing_getattr(name)


from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

_missing_getattr = _module_getattr(__name__)
