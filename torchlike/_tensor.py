"""The Tensor: a JAX array plus PyTorch's autograd state and Python protocol.

Math methods (``x.exp()``, ``x + y`` …) are not written here: they are generated from the op
table in ``_ops/`` and attached to this class by ``_methods.py``, with the few methods that need a
layer above Tensor (factories, in-place rules, the engine).
"""

from __future__ import annotations

import weakref
from collections import OrderedDict

import jax.numpy as jnp
import numpy as np

from . import _device, _layout, _meta, _printing, _storage, _warnings
from . import _dtype as D
from ._classes import TorchNamed
from ._size import Size, device
from ._storage import Storage, VersionCounter
from .autograd import grad_mode
from .autograd import graph as _graph
from .autograd.graph import AccumulateGrad, RemovableHandle

_CPU = device("cpu")


def _refresh_view_history(view):
    """Re-derive a view's history after its base's changed: autograd's rule (``autograd/inplace.py``
    registers it with ``set_view_history_rule``; Tensor sits below autograd in the layers)."""
    raise RuntimeError("torchlike's autograd layer is not loaded")


def set_view_history_rule(rule):
    global _refresh_view_history
    _refresh_view_history = rule


_device_of = _device.of_array
_MetaArray = _meta.MetaArray


# storages ``share_memory_()`` moved to shared memory (one process here: only the flag PyTorch
# reports through ``is_shared()``, on the tensor and every view of its storage)
_SHARED_STORAGES: weakref.WeakSet = weakref.WeakSet()


class Tensor(metaclass=TorchNamed):
    _torch_name = "torch.Tensor"
    __slots__ = (
        "_storage",
        "_geom",
        "_cache",
        "_cache_gen",
        "_vc",
        "_base_t",
        "_view_gen",
        "_dtype",
        "_requires_grad",
        "_grad_fn",
        "_output_nr",
        "_grad",
        "_accumulator",
        "_leaf_hooks",
        "_retains_grad",
        "_is_param",
        "_inference",
        "_autograd_gen",
        "_host",
        "__dict__",
        "__weakref__",
    )

    def __init__(self, *args, **kwargs):
        pass

    @classmethod
    def _make(cls, value, dtype=None, requires_grad=False, grad_fn=None, output_nr=0):
        """Wrap a JAX array (the hot path: every op result goes through here)."""
        t = object.__new__(cls)
        t._storage = t._vc = Storage(value)
        t._geom = None
        t._base_t = None
        t._autograd_gen = 0
        t._dtype = dtype if dtype is not None else D._BY_NP[value.dtype]
        t._requires_grad = requires_grad
        t._grad_fn = grad_fn
        t._output_nr = output_nr
        t._grad = None
        t._accumulator = None
        t._leaf_hooks = None
        t._retains_grad = False
        t._is_param = False
        t._inference = grad_mode._state.inference
        t._host = None
        return t

    # ------------------------------------------------------------------ storage and views
    @property
    def _value(self):
        """This tensor's current contents as a JAX array."""
        geom = self._geom
        if geom is None:
            return self._storage.data
        storage = self._storage
        if self._cache_gen != storage.gen:
            if type(storage.data) is _MetaArray:  # no data to read: the shape and dtype
                self._cache = _meta.like(self._cache)
            else:
                self._cache = _storage.read(storage, geom)
            self._cache_gen = storage.gen
        return self._cache

    @_value.setter
    def _value(self, value):
        """Overwrite the contents (through the storage, so every view sees it)."""
        self._write(value)

    @property
    def _meta(self):
        """The value, or the ``_storage.Pending`` describing a value not computed yet (a view
        not read yet, a lazy result): shape and dtype queries read this, so they compute
        nothing.  A view's cached value has its shape even when stale."""
        if self._geom is not None:
            return self._cache
        s = self._storage
        return s.data if type(s) is Storage else s.pending

    def _place(self, value):
        """A fresh result that lives on another device (``Tensor.to(device)``): its storage
        takes ``value`` as it is; every other write keeps the tensor's device."""
        self._storage.data = value
        self._storage.gen += 1

    def _write(self, value, check_overlap=True):
        storage = self._storage
        if _device.MIXED[0] or (
            _device.META_SEEN[0] and (type(value) is _MetaArray or type(storage.data) is _MetaArray)
        ):
            value = _device.keep(value, storage.data)
            if _meta.is_meta(value) and self._geom is not None:  # no data to write through
                storage.gen += 1
                self._cache = _meta.like(self._cache)
                self._cache_gen = storage.gen
                return
        if self._geom is None:
            storage.data = value
            storage.gen += 1
        else:
            _storage.write(storage, self._geom, value, check_overlap)
            # the view's contents are ``value`` when it came whole and no alias differs from
            # it (``"changed"``); else the next read reads them (a broadcast here would be one
            # more dispatch for a view that is mostly dropped: ``x[i, j] = 1``)
            cache = self._cache
            if (
                check_overlap != "changed"
                and value.shape == cache.shape
                and value.dtype == cache.dtype
            ):
                self._cache = value
                self._cache_gen = storage.gen

    def _replace_storage(self, storage):
        """Point this base tensor at new memory (``out=`` resizing), keeping its version."""
        storage.version = self._vc.version
        self._storage = self._vc = storage
        self._host = None
        self._dtype = D._BY_NP[storage.data.dtype]

    @property
    def _version(self) -> int:
        return self._vc.version

    @_version.setter
    def _version(self, value):
        self._vc.version = value

    def _make_view(self, value, op, static, out_index=0, share_version=True, args=()):
        """A result of view op ``op`` (runtime operands ``args``: slice starts, select
        indices) that shares this tensor's storage."""
        view = object.__new__(Tensor)
        storage = view._storage = self._storage
        view._geom = _storage.Geometry(self._geom, op, static, out_index, args)
        view._cache = value
        # a ``Pending`` (``_storage.lazy_view``): the value is read from the storage when used
        view._cache_gen = -1 if type(value) is _storage.Pending else storage.gen
        view._vc = self._vc if share_version else Storage(value)
        base = view._base_t = self._base_t if self._base_t is not None else self
        view._requires_grad = False
        if base._requires_grad and not grad_mode._state.enabled:
            # PyTorch's creation meta: an in-place write to it with grad mode on is refused;
            # and it reports requires_grad=True as a leaf whose gradient goes nowhere (no
            # AccumulateGrad: ``_edge`` is (None, 0))
            view.__dict__["_made_in_no_grad"] = True
            view._requires_grad = True
        view._view_gen = base._autograd_gen
        view._autograd_gen = 0
        view._dtype = D._BY_NP[value.dtype]
        view._grad_fn = None
        view._output_nr = 0
        view._grad = None
        view._accumulator = None
        view._leaf_hooks = None
        view._retains_grad = False
        view._is_param = False
        # a view of an inference tensor is one too, as is any view made in inference mode
        view._inference = grad_mode._state.inference or self._inference
        view._host = None
        return view

    # an inference tensor has no autograd view metadata: PyTorch calls none of them a view
    @property
    def _base(self):
        return None if self._inference else self._base_t

    def _is_view(self) -> bool:
        return self._base_t is not None and not self._inference

    def is_contiguous(self, memory_format=None) -> bool:
        if memory_format is not None:
            _layout.check_memory_format("is_contiguous", memory_format)
            if memory_format is not _layout.contiguous_format:
                return _layout.is_contiguous_as(self, memory_format)
        return self._geom is None or self._geom.is_contiguous(self._storage)

    def stride(self, dim=None):
        if self._geom is None:
            strides = _storage.contiguous_strides(self._value.shape)
        else:
            strides = self._geom.strides(self._storage)
        return strides if dim is None else strides[_size_dim(dim, len(strides))]

    def storage_offset(self) -> int:
        return 0 if self._geom is None else self._geom.offset(self._storage)

    def untyped_storage(self):
        return _layout.UntypedStorage(self._storage, self.device)

    def data_ptr(self) -> int:
        """The storage's (fake, consistent) address plus this view's byte offset."""
        base = _layout.storage_address(self._storage)
        return base + self.storage_offset() * self._dtype.itemsize if base else 0

    # ------------------------------------------------------------------ metadata
    @property
    def shape(self) -> Size:
        return Size(self._meta.shape)

    def size(self, dim=None):
        meta = self._meta
        if dim is None:
            return Size(meta.shape)
        return meta.shape[_size_dim(dim, meta.ndim)]

    def dim(self) -> int:
        return self._meta.ndim

    ndimension = dim

    @property
    def ndim(self) -> int:
        return self._meta.ndim

    def numel(self) -> int:
        return int(self._meta.size)

    nelement = numel

    @property
    def dtype(self) -> D.dtype:
        return self._dtype

    @property
    def device(self) -> device:
        return _device_of(self._value)

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def layout(self):
        return _layout.strided

    @property
    def is_meta(self) -> bool:
        return _device.META_SEEN[0] and self.device.type == "meta"

    # torchlike has dense tensors only
    is_sparse = is_quantized = is_mkldnn = is_nested = property(lambda self: False)

    @property
    def itemsize(self) -> int:
        return self._dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.numel() * self._dtype.itemsize

    def is_floating_point(self) -> bool:
        return self._dtype.is_floating_point

    def is_complex(self) -> bool:
        return self._dtype.is_complex

    def element_size(self) -> int:
        return self._dtype.itemsize

    def get_device(self) -> int:
        d = self.device
        return -1 if d.type == "cpu" else d.index

    def is_inference(self) -> bool:
        return self._inference

    # ------------------------------------------------------------------ autograd state
    @property
    def requires_grad(self) -> bool:
        if self._base_t is not None:
            self._sync_view()
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        if (
            flag
            and self._grad_fn is None
            and not (self._dtype.is_floating_point or self._dtype.is_complex)
        ):
            raise RuntimeError(
                "only Tensors of floating point and complex dtype can require gradients"
            )
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad=True):
        if self._grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to "
                    "use a computed variable in a subgraph that doesn't require differentiation "
                    "use var_no_grad = var.detach()."
                )
            return self
        if requires_grad and not (self._dtype.is_floating_point or self._dtype.is_complex):
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if requires_grad and self._inference and not grad_mode._state.inference:
            raise RuntimeError(
                "Setting requires_grad=True on inference tensor outside InferenceMode is not "
                "allowed."
            )
        self._requires_grad = bool(requires_grad)
        return self

    def _sync_view(self):
        """After a write through another view, this view's history is re-derived from the base
        (PyTorch regenerates a view's grad_fn the same way)."""
        base = self._base_t
        if (
            base._autograd_gen != self._view_gen
            and base._requires_grad
            and base._geom is None
            and not self.__dict__.get("_made_in_no_grad")
        ):
            _refresh_view_history(self)

    @property
    def grad_fn(self):
        if self._base_t is not None:
            self._sync_view()
        return self._grad_fn

    @property
    def is_leaf(self) -> bool:
        return self._grad_fn is None

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def grad(self):
        if self._grad_fn is not None and not self._retains_grad and self._grad is None:
            _warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. "
                "Its .grad attribute won't be populated during autograd.backward(). If you "
                "indeed want the .grad field to be populated for a non-leaf Tensor, use "
                ".retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by "
                "mistake, make sure you access the leaf Tensor instead. See "
                "github.com/pytorch/pytorch/pull/30531 for more information.",
                "build/aten/src/ATen/core/TensorBody.h:493",
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if tuple(value.shape) != tuple(self.shape):  # (``shape``: a sparse grad has no array)
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor "
                    f"of size '{list(self.shape)}'. Please ensure that the gradient and the "
                    "tensor are the same size"
                )
            if value.dtype is not self.dtype:
                raise RuntimeError("assigned grad has data of a different type")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    # -- the writes other layers make to a tensor's autograd state (in-place history rewriting,
    # views, parameters), as methods so no module assigns Tensor's fields itself
    def _set_history(self, grad_fn, output_nr=0, requires_grad=True):
        self._grad_fn = grad_fn
        self._output_nr = output_nr
        self._requires_grad = requires_grad

    def _history_changed(self):
        """Views of this base re-derive their history (``_sync_view``) on their next use."""
        self._autograd_gen += 1

    def _view_history_current(self):
        self._view_gen = self._base_t._autograd_gen

    def _set_geometry(self, geom):
        self._geom = geom
        self._host = None

    def _mark_parameter(self, requires_grad):
        self._is_param = True
        self._requires_grad = bool(requires_grad)

    def _write_data(self, value):
        """An untracked in-place write (optimizer updates, grad buffers, running stats, samplers
        outside autograd): the new contents go through the storage and ``_version`` is bumped,
        as a PyTorch kernel writing under ``no_grad`` does."""
        self._write(value)
        grad_mode.check_inference_write(self)
        self._vc.version += 1

    def _set_grad(self, value):
        """The engine's write: AccumulateGrad stores the gradient as computed, without the
        setter's checks (a parameter cast after the graph was built keeps the graph's dtype)."""
        self._grad = value

    @property
    def _version_counter(self):
        return self._version

    def _grad_accumulator(self):
        """The AccumulateGrad node of a leaf that requires grad (one per live leaf)."""
        acc = self._accumulator() if self._accumulator is not None else None
        if acc is None:
            acc = AccumulateGrad._of(self, self._meta.shape)
            self._accumulator = weakref.ref(acc)
        return acc

    def _edge(self):
        """The (node, output_nr) pair a consumer of this tensor records in next_functions."""
        if self._base_t is not None:
            self._sync_view()
        if self._grad_fn is not None:
            return (self._grad_fn, self._output_nr)
        if self._requires_grad and not (
            self._base_t is not None and self.__dict__.get("_made_in_no_grad")
        ):
            return (self._grad_accumulator(), 0)
        return (None, 0)

    def retain_grad(self):
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is not None:
            self._retains_grad = True
            self._grad_fn._retain_grad(self._output_nr, self)

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def register_hook(self, hook):
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            return self._grad_fn._add_tensor_pre_hook(self._output_nr, hook)
        if self._leaf_hooks is None:
            self._leaf_hooks = OrderedDict()
        handle = RemovableHandle(self._leaf_hooks)
        self._leaf_hooks[handle.id] = hook
        return handle

    def register_post_accumulate_grad_hook(self, hook):
        """``hook(tensor)`` runs after a backward has accumulated this leaf's ``.grad``."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors"
            )
        hooks = self.__dict__.setdefault("_post_accumulate_grad_hooks", OrderedDict())
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def detach(self):
        """Same storage and version counter, no history (not a view in PyTorch's sense)."""
        return self._alias(share_version=True)

    def _alias(self, share_version):
        out = Tensor._make(self._value, self._dtype)
        out._storage = self._storage
        out._geom = self._geom
        if self._geom is not None:
            out._cache = self._cache
            out._cache_gen = self._cache_gen
        out._vc = self._vc if share_version else VersionCounter(self._vc.version)
        if self._inference:
            out._inference = True
            if not grad_mode._state.inference or self.__dict__.get("_counted_alias"):
                out.__dict__["_counted_alias"] = True
        return out

    def detach_(self):
        if self._base_t is not None:
            raise RuntimeError(
                "Can't detach views in-place. Use detach() instead. If you are using "
                "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set "
                "as True, gradients are views of DDP buckets, and hence detach_() cannot be "
                "called on these gradients. To fix this error, please refer to the "
                "Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution."
            )
        if self._grad_fn is not None:
            self._grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self):
        """Same storage, its own version counter (so in-place updates go unnoticed by autograd,
        which is what optimizers written against ``.data`` rely on)."""
        return self._alias(share_version=False)

    @data.setter
    def data(self, other):
        self._host = None
        self._storage = other._storage
        self._geom = other._geom
        if other._geom is not None:
            self._cache = other._cache
            self._cache_gen = other._cache_gen
        self._dtype = other._dtype

    # ------------------------------------------------------------------ conversion
    def item(self):
        if self._meta.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._meta.size} elements cannot be converted to Scalar"
            )
        return self._host_item()

    def _host_item(self):
        """The Python number this one-element tensor holds.  Where it is already known on the
        host (``_host``: read before, an element of an iterated tensor, or integer arithmetic
        with Python ints on such a value) no device value is waited for; the hint is valid
        while the storage holds the very array it was taken from (every write replaces it)."""
        h = self._host
        if h is not None and _storage.holds(self._storage, h[0]):
            return h[1] if h[2] is None else h[1].item(h[2])
        value = _to_python(self._value)
        HOST_READS[0] += 1
        self._host = (self._storage.data, value, None)
        return value

    def tolist(self):
        return _host(self._value).tolist()

    def numpy(self, *, force=False):
        if self._requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return np.array(_no_meta(self._value))

    def __array__(self, dtype=None, copy=None):
        arr = np.asarray(_no_meta(self._value))
        return arr if dtype is None else arr.astype(dtype)

    def __bool__(self):
        if self._value.size == 0:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
        if self._value.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        value = self._value
        if type(value) is _MetaArray:
            raise RuntimeError(_meta.NO_ITEM)
        return bool(value)

    def __float__(self):
        if self._requires_grad and grad_mode._state.enabled:
            _warn_scalar_of_grad()
        if self._meta.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return float(self._host_item())

    def __int__(self):
        if self._meta.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return int(self._host_item())

    def __complex__(self):
        if self._requires_grad and grad_mode._state.enabled:
            _warn_scalar_of_grad()
        return complex(_to_python(self._value))

    def __index__(self):
        if self._dtype.is_floating_point or self._dtype.is_complex or self._meta.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._host_item())

    def __len__(self):
        meta = self._meta
        if meta.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return meta.shape[0]

    def __iter__(self):
        if self._value.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        rows = self.unbind(0)
        if self._value.ndim == 1 and self._dtype._name in _INDEX_DTYPES:
            # ``for i in ix: data[i:i + 8]``: the elements' values are read from the host
            # together, once, on the first one's use as a number
            values, data = _HostRows(self._value), self._storage.data
            for k, t in enumerate(rows):
                t._host = (data, values, k)
        return iter(rows)

    def __hash__(self):
        return id(self)

    def __format__(self, spec):
        if self._value.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __repr__(self, *, tensor_contents=None):
        return _printing.tensor_repr(self)

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        return (_rebuild, (np.asarray(_host(self._value)), self._dtype, self._requires_grad))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) "
                "support the deepcopy protocol at the moment.  If you were "
                "attempting to deepcopy a module, this may be because of a "
                "torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001"
            )
        new = Tensor._make(self._value, self._dtype, self._requires_grad)
        new._is_param = self._is_param
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    # dtype conversions are thin wrappers over ``to`` (the ToCopyBackward0 op)
    def float(self):
        return self.to(D.float32)

    def double(self):
        return self.to(D.float64)

    def half(self):
        return self.to(D.float16)

    def bfloat16(self):
        return self.to(D.bfloat16)

    def long(self):
        return self.to(D.int64)

    def int(self):
        return self.to(D.int32)

    def short(self):
        return self.to(D.int16)

    def char(self):
        return self.to(D.int8)

    def byte(self):
        return self.to(D.uint8)

    def bool(self):
        return self.to(D.bool_)

    def cpu(self, memory_format=_layout.preserve_format):
        return self.to("cpu")

    def cuda(self, device=None, non_blocking=False):
        return self.to("cuda" if device is None else device)

    def type(self, dtype=None, non_blocking=False, **kwargs):
        return _layout.tensor_type(self, dtype, Tensor)

    def type_as(self, other):
        return self.to(other.dtype)

    def contiguous(self, memory_format=_layout.contiguous_format):
        if memory_format is not _layout.contiguous_format:
            _layout.check_memory_format("contiguous", memory_format, allow_none=False)
            if _layout.is_contiguous_as(self, memory_format):
                return self
            if memory_format is _layout.preserve_format:
                raise RuntimeError(
                    "preserve memory format is unsupported by the contiguous operator"
                )
            _layout.check_layout_request(self.shape, memory_format, "contiguous")
        return self if self.is_contiguous() else self.clone()

    def is_shared(self):
        storage = getattr(self, "_storage", None)
        return storage is not None and storage in _SHARED_STORAGES

    # NumPy defers ``ndarray + tensor`` to Tensor.__radd__
    __array_priority__ = 1000


# How many times a tensor's value was waited for and copied to the host as a Python number
# (``item()``, ``int()``, ``__index__``); compat_tests/test_eager_compiles.py counts them.
HOST_READS = [0]
_INDEX_DTYPES = ("int64", "int32", "int16", "int8", "uint8")


class _HostRows:
    """The host copy of an iterated 1-d tensor, fetched on first use (one wait for all)."""

    __slots__ = ("value", "array")

    def __init__(self, value):
        self.value = value
        self.array = None

    def item(self, k):
        if self.array is None:
            self.array = np.asarray(self.value).tolist()  # Python numbers: cheap to index
            HOST_READS[0] += 1
        return self.array[k]


_TYPE_NAMES = _layout.NAME_OF_DTYPE  # torch.float32 -> "torch.FloatTensor" …
_graph.set_tensor_constructor(Tensor._make, Tensor, grad_mode.set_grad_enabled)


_SCALAR_WARNED = [False]


def _warn_scalar_of_grad():
    """PyTorch's warning (once per process, as its TORCH_WARN_ONCE) on ``float(t)`` and
    ``complex(t)`` of a tensor that requires grad, with grad mode on; ``int(t)`` and
    ``.item()`` stay silent."""
    if not _SCALAR_WARNED[0]:
        _SCALAR_WARNED[0] = True
        _warnings.warn(
            "Converting a tensor with requires_grad=True to a scalar may lead to unexpected "
            "behavior.\nConsider using tensor.detach() first.",
            "torch/csrc/autograd/generated/python_variable_methods.cpp:822",
            stacklevel=3,
        )


def _no_meta(value):
    if _meta.is_meta(value):
        raise TypeError(_meta.NO_NUMPY)
    return value


def _host(value) -> np.ndarray:
    if _meta.is_meta(value):
        raise NotImplementedError(_meta.NO_DATA)
    arr = np.asarray(value)
    if arr.dtype == jnp.bfloat16 or arr.dtype == np.float16:
        arr = arr.astype(np.float32)
    return arr


def _to_python(value):
    if type(value) is _MetaArray:
        raise RuntimeError(_meta.NO_ITEM)
    arr = _host(value).reshape(())
    return arr.item()


def _rebuild(array, dtype, requires_grad):
    t = Tensor._make(jnp.asarray(array, dtype=dtype._np), dtype)
    t._requires_grad = requires_grad
    return t


def _size_dim(dim, ndim):
    """``dim`` of ``size(dim)``/``stride(dim)``: a 0-d tensor has none (unlike the ops, which
    read a 0-d tensor's dims as a 1-d one's)."""
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _wrap_dim(dim, ndim)


def _wrap_dim(dim, ndim):
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})"
        )
    return dim + n if dim < 0 else dim


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def tp_name(value):
    """What CPython's ``Py_TYPE(obj)->tp_name`` says, the way PyTorch's messages name a type
    (``numpy.ndarray``, ``torch.Size``; a Tensor subclass by its own name)."""
    cls = type(value)
    if isinstance(value, Tensor):
        return cls.__name__  # Parameter stays Parameter
    named = getattr(cls, "_torch_name", None)  # torch.Size, torch.dtype, torch.device
    if named is not None:
        return named
    if cls.__module__ == "numpy":
        return f"numpy.{cls.__name__}"
    return cls.__name__
