"""The one place that attaches Tensor's methods.

``Tensor`` (``_tensor.py``) holds state and the Python protocol; its math and everything that
needs a layer above it (ops, in-place rules, samplers) come from the modules that define them
as plain functions, and are attached here, once, in this order: the generated op forms
(``_ops``), then the in-place samplers (``_random_methods``).
"""

from __future__ import annotations

from . import _dtype as D
from . import _factories, _ops, _random_methods
from ._ops import overloads
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


def _new_device(self, device):
    """``new_*``: ``self``'s device unless one is given (as PyTorch)."""
    return self.device if device is None else device


def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    _factories.copy_construct_warning(data, "tensor.new_tensor")
    return _factories._tensor(data, dtype or self._dtype, _new_device(self, device), requires_grad)


def _sizes(name, size, kwargs):
    """``new_zeros(2, 3)``, ``new_zeros((2, 3))`` or PyTorch's keyword ``new_zeros(size=(2, 3))``."""
    if "size" in kwargs:
        if size:
            raise TypeError(f"{name}() got multiple values for argument 'size'")
        size = (kwargs.pop("size"),)
    if kwargs:
        raise TypeError(f"{name}() got an unexpected keyword argument '{next(iter(kwargs))}'")
    return size


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
    return _factories.zeros(
        *_sizes("new_zeros", size, kwargs),
        dtype=dtype or self._dtype,
        device=_new_device(self, device),
        requires_grad=requires_grad,
    )


def new_ones(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
    return _factories.ones(
        *_sizes("new_ones", size, kwargs),
        dtype=dtype or self._dtype,
        device=_new_device(self, device),
        requires_grad=requires_grad,
    )


def new_empty(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
    return _factories.empty(
        *_sizes("new_empty", size, kwargs),
        dtype=dtype or self._dtype,
        device=_new_device(self, device),
        requires_grad=requires_grad,
    )


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    return _factories.full(
        size,
        fill_value,
        dtype=dtype or self._dtype,
        device=_new_device(self, device),
        requires_grad=requires_grad,
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
    D.check_scalar_fits(value, self._dtype, self.numel())
    return fill_like(self, "fill", (value,))


def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    engine.backward(
        (self,),
        None if gradient is None else (gradient,),
        retain_graph,
        create_graph,
        inputs=inputs,
    )


# ``to``'s three signatures as PyTorch prints them (``Tensor.to`` and ``Module.to`` share them)
_TO = overloads.Overloads(
    "to",
    (
        "(torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, "
        "bool copy = False, *, torch.memory_format memory_format = None)",
        "(torch.dtype dtype, bool non_blocking = False, bool copy = False, *, "
        "torch.memory_format memory_format = None)",
        "(Tensor tensor, bool non_blocking = False, bool copy = False, *, "
        "torch.memory_format memory_format = None)",
    ),
    hidden=("(bool non_blocking = False, bool copy = False)",),  # ``x.to(True)``
)
_to_arguments = overloads.checked(lambda *args, **kwargs: None, _TO, method=False)


def check_to_arguments(args, kwargs):
    """PyTorch's argument-parser error for ``to(...)`` arguments matching none of its forms."""
    _to_arguments(*args, **kwargs)


_ops_to = _ops.METHODS["to"]
to = overloads.checked(_ops_to, _TO, method=True)

_TENSOR_METHODS = {
    "new_tensor": new_tensor,
    "new_zeros": new_zeros,
    "new_ones": new_ones,
    "new_empty": new_empty,
    "new_full": new_full,
    "zero_": zero_,
    "fill_": fill_,
    "backward": backward,
    "to": to,  # PyTorch's argument check before the op's own
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
    Tensor.to = to  # over the op's own (attached above with the other op methods)


_attach()
