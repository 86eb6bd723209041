"""Names older PyTorch code still uses: the legacy tensor types ``torch.FloatTensor`` …
(constructors, ``isinstance``), ``torch.set_default_tensor_type`` and the constants
``torch.inf``, ``nan``, ``pi``, ``e``, ``newaxis``.  (Layouts, memory formats and ``x.type()``
live in ``_layout``; the legacy constructor itself in ``_factories.legacy_new``.)
"""

from __future__ import annotations

import math
import warnings

from . import _dtype as D
from . import _factories, _layout
from ._tensor import Tensor

inf = math.inf
nan = math.nan
pi = math.pi
e = math.e
newaxis = None


# ---------------------------------------------------------------------------------------------
# Legacy tensor types: torch.FloatTensor and friends.


class tensortype(type):  # noqa: N801 - PyTorch's name (type(torch.FloatTensor))
    """Metaclass of the legacy types: ``isinstance(x, torch.FloatTensor)`` is a dtype test."""

    def __instancecheck__(cls, obj):
        return (
            isinstance(obj, Tensor)
            and obj.dtype is cls.dtype
            and obj.device.type == ("cuda" if cls.is_cuda else "cpu")
        )

    def __repr__(cls):
        return f"<class '{cls._type_name}'>"

    def __call__(cls, *args, device=None, **kwargs):
        if cls.is_cuda:
            raise TypeError(
                f"type {cls._type_name} not available. Torch not compiled with CUDA enabled."
            )
        return _factories.legacy_new(cls.dtype, args, device, kwargs)


def _make_type(name, d, cuda):
    module = "torch.cuda" if cuda else "torch"
    return tensortype(
        name,
        (),
        {
            "dtype": d,
            "is_cuda": cuda,
            "is_sparse": False,
            "layout": _layout.strided,
            "_type_name": f"{module}.{name}",
            "__qualname__": name,
            "__slots__": (),
            # pickled by reference to torch(.cuda).<name>
            "__module__": "torchlike.cuda" if cuda else "torchlike",
        },
    )


TENSOR_TYPES = {name: _make_type(name, d, False) for name, d in _layout.DTYPE_OF_TYPE.items()}
# torch.cuda.FloatTensor …: for the torch.cuda namespace to export; constructing one raises
# PyTorch's no-CUDA error, isinstance is true for a tensor of that dtype on a CUDA device.
CUDA_TENSOR_TYPES = {name: _make_type(name, d, True) for name, d in _layout.DTYPE_OF_TYPE.items()}

_BY_TYPE_NAME = {t._type_name: t for t in (*TENSOR_TYPES.values(), *CUDA_TENSOR_TYPES.values())}


def set_default_tensor_type(t):
    warnings.warn(
        "torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
        "torch.set_default_dtype() and torch.set_default_device() as alternatives. (Triggered "
        "internally at /__w/pytorch/pytorch/torch/csrc/tensor/python_tensor.cpp:434.)",
        UserWarning,
        stacklevel=2,
    )
    if isinstance(t, str):
        if t not in _BY_TYPE_NAME:
            module = t.rsplit(".", 1)[0] if "." in t else t
            raise ModuleNotFoundError(f"No module named '{module}'")
        t = _BY_TYPE_NAME[t]
    if isinstance(t, D.dtype):
        raise TypeError(
            "invalid type object: only floating-point types are supported as the default type"
        )
    if not isinstance(t, tensortype):
        raise TypeError("invalid type object")
    if not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    if t.is_cuda:
        raise TypeError(f"type {t._type_name} not available. Torch not compiled with CUDA enabled.")
    D.set_default_dtype(t.dtype)
