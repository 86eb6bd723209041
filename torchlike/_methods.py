"""The one place that attaches Tensor's methods.

``Tensor`` (``_tensor.py``) holds state and the Python protocol; its math and everything that
needs a layer above it (ops, in-place rules, samplers) come from the modules that define them
as plain functions, and are attached here, once, in this order: the generated op forms
(``_ops``), then the in-place samplers (``_random_methods``).
"""

from __future__ import annotations

from . import _dtype as D
from . import _factories, _ops, _random_methods
from ._tensor import Tensor
from .autograd import engine
from .autograd.inplace import fill_like


# ---------------------------------------------------------------------------------- Tensor methods
# that need a layer above Tensor (factories, in-place rules, the engine)
def _tensor_new(cls, *args, **kwargs):
    if len(args) == 1 and not isinstance(args[0], int):
        data = args[0]
        if isinstance(data, Tensor):
            return data
        return _factories.tensor(data, dtype=D.get_default_dtype())
    return _factories.empty(*args, dtype=D.get_default_dtype())


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    return _factories.tensor(data, dtype=dtype or self._dtype, requires_grad=requires_grad)


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
    return _factories.zeros(*size, dtype=dtype or self._dtype, requires_grad=requires_grad)


def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
    return _factories.ones(*size, dtype=dtype or self._dtype, requires_grad=requires_grad)


def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
    return _factories.empty(*size, dtype=dtype or self._dtype, requires_grad=requires_grad)


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    return _factories.full(
        size, fill_value, dtype=dtype or self._dtype, requires_grad=requires_grad
    )


def zero_(self):
    return fill_like(self, "zero", ())


def fill_(self, value):
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(
                "fill_ only supports 0-dimension value tensor but got tensor with "
                f"{value.ndim} dimensions."
            )
        return fill_like(self, "fill_tensor", (value,))
    return fill_like(self, "fill", (value,))


def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    engine.backward(
        (self,),
        None if gradient is None else (gradient,),
        retain_graph,
        create_graph,
        inputs=inputs,
    )


_TENSOR_METHODS = {
    "new_tensor": new_tensor,
    "new_zeros": new_zeros,
    "new_ones": new_ones,
    "new_empty": new_empty,
    "new_full": new_full,
    "zero_": zero_,
    "fill_": fill_,
    "backward": backward,
}


def _attach():
    # ``torch.Tensor(...)``: the legacy constructor (sizes or data, default dtype)
    Tensor.__new__ = staticmethod(_tensor_new)
    for name, fn in _TENSOR_METHODS.items():
        setattr(Tensor, name, fn)
    for name, fn in _ops.METHODS.items():
        setattr(Tensor, name, fn)
    for name, fn in _ops.PROPERTIES.items():
        setattr(Tensor, name, property(fn))
    for name, fn in _random_methods.METHODS.items():
        setattr(Tensor, name, fn)


_attach()
