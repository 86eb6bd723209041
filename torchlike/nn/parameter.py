"""``nn.Parameter`` and ``nn.Buffer``: tensors that a Module registers when they are assigned.

A Parameter is a leaf Tensor of its own class (so ``isinstance(p, nn.Parameter)`` holds and
``print(p)`` starts with ``Parameter containing:``).  Results of ops on a Parameter are plain
Tensors, as in PyTorch, because every op result is made by ``Tensor._make``.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .. import _device, _factories
from .. import _dtype as D
from .._tensor import Tensor, _host


class Parameter(Tensor):
    """A Tensor that is a module parameter: assigning it to a Module attribute registers it.

    ``Parameter(data)`` shares ``data``'s storage and version counter (as ``data.detach()``
    does), so, as in PyTorch, in-place writes to one are seen by the other.
    """

    _torch_name = "torch.nn.parameter.Parameter"

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = Tensor._make(jnp.zeros((0,), D.get_default_dtype()._np))
        if requires_grad and not (data.dtype.is_floating_point or data.dtype.is_complex):
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        p = data.detach()
        p.__class__ = cls
        p._mark_parameter(requires_grad)
        return p

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self, *, tensor_contents=None):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        new = type(self)(Tensor._make(self._value, self._dtype), self._requires_grad)
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        new.__dict__.update(self.__dict__)
        memo[id(self)] = new
        return new

    def __reduce_ex__(self, proto):
        return (
            _rebuild_parameter,
            (np.asarray(_host(self._value)), self._dtype, self._requires_grad),
        )


def _rebuild_parameter(array, dtype, requires_grad):
    value = Tensor._make(jnp.asarray(array, dtype=dtype._np), dtype)
    return Parameter(value, requires_grad)


class _BufferMeta(type):
    # ``isinstance(t, nn.Buffer)`` is true for tensors flagged by ``nn.Buffer(...)``
    def __instancecheck__(cls, instance):
        if cls is Buffer:
            return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)
        return super().__instancecheck__(instance)


class Buffer(metaclass=_BufferMeta):
    """``nn.Buffer(tensor, persistent=True)``: a plain Tensor flagged to register as a buffer."""

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = Tensor._make(jnp.zeros((0,), D.get_default_dtype()._np))
        t = data.detach()
        t.requires_grad_(data._requires_grad)
        t._is_buffer = True
        t._buffer_persistent = persistent
        return t

    def __init__(self, *args, **kwargs):
        pass


_UNINITIALIZED_USE = (
    "Attempted to use an uninitialized parameter in {}. This error happens when you are using a "
    "`LazyModule` or explicitly manipulating `torch.nn.parameter.UninitializedParameter` "
    "objects. When using LazyModules Call `forward` with a dummy batch to initialize the "
    "parameters before calling torch functions"
)


class UninitializedTensorMixin:
    """A placeholder with no shape yet: lazy modules hold these until their first forward.

    Every op reads a tensor's ``_value``, so refusing that one property refuses every use (as
    PyTorch's ``__torch_function__`` does); ``materialize`` gives the tensor real storage and
    turns it into ``cls_to_become`` in place, so references held elsewhere (an optimizer's
    param list) stay valid.
    """

    cls_to_become = None

    @property
    def _value(self):
        raise ValueError(_UNINITIALIZED_USE.format("a torch function"))

    @_value.setter
    def _value(self, value):
        raise ValueError(_UNINITIALIZED_USE.format("an in-place write"))

    @property
    def _meta(self):  # numel(), dim() … read the value's metadata without computing it
        raise ValueError(_UNINITIALIZED_USE.format("a torch function"))

    @property
    def shape(self):
        raise RuntimeError(
            "Can't access the shape of an uninitialized parameter or buffer. This error usually "
            "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
            "initialized one. Call `forward` to initialize the parameters before accessing their "
            "attributes."
        )

    @property
    def device(self):
        return self._placeholder_device

    def materialize(self, shape, device=None, dtype=None):
        dtype = self._dtype if dtype is None else dtype
        if isinstance(shape, int):
            shape = (shape,)
        device = self._placeholder_device if device is None else device
        self.data = _factories.empty(*tuple(shape), device=device, dtype=dtype)
        self.__class__ = self.cls_to_become

    def _same_placeholder(self, dtype=None):
        dtype = self._dtype if dtype is None else dtype
        return type(self)(self._requires_grad, device=self._placeholder_device, dtype=dtype)

    # dtype/device moves (Module.to, .float(), .cuda()) keep the placeholder
    def to(self, *args, **kwargs):
        dtype = kwargs.get("dtype")
        for a in args:
            if isinstance(a, D.dtype):
                dtype = a
        return self._same_placeholder(dtype)

    def float(self):
        return self._same_placeholder(D.float32)

    def double(self):
        return self._same_placeholder(D.float64)

    def half(self):
        return self._same_placeholder(D.float16)

    def bfloat16(self):
        return self._same_placeholder(D.bfloat16)

    def cpu(self):
        return self

    def cuda(self, device=None):
        return self

    def detach(self):
        return self

    def share_memory_(self):
        return self

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = self._same_placeholder()
        return memo[id(self)]

    def __repr__(self, *, tensor_contents=None):
        return f"<{type(self).__name__}>"

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        return (type(self), (self._requires_grad,))


def _placeholder(cls, requires_grad, dtype, where=None):
    t = Tensor._make(jnp.zeros((0,), (dtype or D.get_default_dtype())._np))
    t.__class__ = cls
    # where materialize() will put it: the device given, else the factories' default
    t._placeholder_device = _device.normalize(where) if where is not None else _device.default()
    if cls.cls_to_become is Parameter:
        t._mark_parameter(requires_grad)
    else:
        t._requires_grad = requires_grad
    return t


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter whose shape is not known yet (``nn.LazyLinear``'s weight before forward)."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        return _placeholder(cls, requires_grad, dtype, device)

    def __init__(self, *args, **kwargs):
        pass


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is not known yet (a lazy BatchNorm's running statistics)."""

    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        t = _placeholder(cls, requires_grad, dtype, device)
        t.persistent = persistent
        t._is_buffer = True
        t._buffer_persistent = persistent
        return t

    def __init__(self, *args, **kwargs):
        pass


def is_lazy(param):
    """True for a placeholder that a lazy module has not materialized yet."""
    return isinstance(param, UninitializedTensorMixin)


__all__ = ["Parameter", "UninitializedParameter", "is_lazy", "Buffer", "UninitializedBuffer"]
