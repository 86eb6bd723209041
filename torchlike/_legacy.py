"""Names older PyTorch code still uses, and the small type objects around Tensor.

* the legacy tensor types ``torch.FloatTensor`` … (constructors, ``isinstance``, ``x.type()``),
* ``torch.layout`` / ``torch.strided`` and ``torch.memory_format`` with its four formats,
* the constants ``torch.inf``, ``nan``, ``pi``, ``e``, ``newaxis``.

Only ``_dtype`` is imported at module level, so ``_tensor`` may import this module.
"""

from __future__ import annotations

import math
import warnings
import weakref

from . import _dtype as D

inf = math.inf
nan = math.nan
pi = math.pi
e = math.e
newaxis = None


class _NamedSingleton:
    """A PyTorch enum-like object: printed as ``torch.<name>``, one instance per name (so it
    survives pickling and copying as itself), not constructible by users."""

    __slots__ = ("_name",)
    _registry: dict

    def __new__(cls, *args, **kwargs):
        raise TypeError(f"cannot create 'torch.{cls.__name__}' instances")

    @classmethod
    def _create(cls, name):
        obj = object.__new__(cls)
        obj._name = name
        cls._registry[name] = obj
        return obj

    def __repr__(self):
        return f"torch.{self._name}"

    __str__ = __repr__

    def __reduce__(self):
        return (_lookup, (type(self).__name__, self._name))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class layout(_NamedSingleton):  # noqa: N801 - PyTorch's name
    __slots__ = ()
    _registry: dict = {}
    __module__ = "torchlike"  # pickled by reference to torch.layout


class memory_format(_NamedSingleton):  # noqa: N801 - PyTorch's name
    __slots__ = ()
    _registry: dict = {}
    __module__ = "torchlike"


def _lookup(kind, name):
    return {"layout": layout, "memory_format": memory_format}[kind]._registry[name]


strided = layout._create("strided")
sparse_coo = layout._create("sparse_coo")
sparse_csr = layout._create("sparse_csr")
sparse_csc = layout._create("sparse_csc")
sparse_bsr = layout._create("sparse_bsr")
sparse_bsc = layout._create("sparse_bsc")
_mkldnn = layout._create("_mkldnn")

preserve_format = memory_format._create("preserve_format")
contiguous_format = memory_format._create("contiguous_format")
channels_last = memory_format._create("channels_last")
channels_last_3d = memory_format._create("channels_last_3d")

# the dimension order (innermost first) in which a channels-last tensor's strides grow
_CHANNELS_LAST_ORDER = {channels_last: (4, (1, 3, 2, 0)), channels_last_3d: (5, (1, 4, 3, 2, 0))}


def check_memory_format(fn_name, fmt, allow_none=True):
    """PyTorch's argument check: ``fmt`` must be a ``torch.memory_format`` (or None)."""
    if fmt is None and allow_none:
        return None
    if not isinstance(fmt, memory_format):
        raise TypeError(f"{fn_name}(): argument 'memory_format' must be torch.memory_format, "
                        f"not {type(fmt).__name__}")
    return fmt


def is_contiguous_as(tensor, fmt) -> bool:
    """``x.is_contiguous(memory_format=fmt)``, decided from the tensor's real strides."""
    if fmt in (None, contiguous_format, preserve_format):
        return tensor.is_contiguous()
    rank, order = _CHANNELS_LAST_ORDER[fmt]
    if tensor.ndim != rank:
        return False
    shape, strides = tuple(tensor.shape), tensor.stride()
    expected = 1
    for d in order:
        if shape[d] != 1:
            if strides[d] != expected:
                return False
            expected *= shape[d]
    return True


def suggest_memory_format(tensor):
    """The format PyTorch's ``suggest_memory_format`` reads off a tensor's strides."""
    if not tensor.is_contiguous():
        for fmt in (channels_last, channels_last_3d):
            if is_contiguous_as(tensor, fmt):
                return fmt
    return contiguous_format


def check_layout_request(shape, fmt, fn_name, allow_preserve=True):
    """Validate ``memory_format=`` for an op producing a tensor of shape ``shape``.

    torchlike stores every computed tensor in contiguous (row-major) order, so it honours
    ``contiguous_format`` exactly and ``preserve_format`` for contiguous inputs.  A channels-last
    request is refused unless the row-major result already has channels-last strides (C == 1 or
    H == W == 1): pretending otherwise would hand back strides the caller did not ask for.
    """
    fmt = check_memory_format(fn_name, fmt)
    if fmt is preserve_format and not allow_preserve:  # a new tensor has nothing to preserve
        raise RuntimeError("unsupported memory format Preserve")
    if fmt is None or fmt is contiguous_format or fmt is preserve_format:
        return fmt
    rank, order = _CHANNELS_LAST_ORDER[fmt]
    if len(shape) != rank:
        raise RuntimeError(f"required rank {rank} tensor to use {fmt._name} format")
    if not _row_major_is_channels_last(tuple(shape), order):
        raise NotImplementedError(
            f"memory_format={fmt} is not supported by torchlike: its tensors are always "
            "stored in torch.contiguous_format (row-major). Drop the memory_format argument "
            "(or use torch.contiguous_format); the values are the same, only stride() "
            "differs.")
    return fmt


def _row_major_is_channels_last(shape, order):
    strides, acc = [0] * len(shape), 1
    for d in reversed(range(len(shape))):
        strides[d] = acc
        acc *= max(shape[d], 1)
    expected = 1
    for d in order:
        if shape[d] != 1:
            if strides[d] != expected:
                return False
            expected *= shape[d]
    return True


# ---------------------------------------------------------------------------------------------
# Legacy tensor types: torch.FloatTensor and friends.

# c10's type names as they appear in TensorOptions messages
_C_TYPE_NAMES = {
    D.float32: "float", D.float64: "double", D.float16: "c10::Half",
    D.bfloat16: "c10::BFloat16", D.int64: "long int", D.int32: "int", D.int16: "short int",
    D.int8: "signed char", D.uint8: "unsigned char", D.bool_: "bool",
    D.complex64: "c10::complex<float>", D.complex128: "c10::complex<double>",
}


def _options(d):
    return (f"TensorOptions(dtype={_C_TYPE_NAMES[d]}, device=cpu, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), "
            "memory_format=(nullopt))")


_NEW_SIGNATURES = (
    " * (*, torch.device device = None)\n{why}"
    " * (torch.Storage storage)\n"
    " * (Tensor other)\n"
    " * (tuple of ints size, *, torch.device device = None)\n"
    " * (object data, *, torch.device device = None)\n")


def _arg_type_name(value):
    from ._tensor import Tensor

    if isinstance(value, Tensor):
        return "Tensor"
    if isinstance(value, D.dtype):
        return "torch.dtype"
    return type(value).__name__


def _bad_new_kwargs(args, kwargs):
    got = ", ".join([_arg_type_name(a) for a in args]
                    + [f"{k}={_arg_type_name(v)}" for k, v in kwargs.items()])
    why = ("      didn't match because some of the keywords were incorrect: "
           f"{', '.join(kwargs)}\n")
    return TypeError("new() received an invalid combination of arguments - got "
                     f"({got}), but expected one of:\n" + _NEW_SIGNATURES.format(why=why))


def _is_int(v):
    import numpy as np

    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


class tensortype(type):  # noqa: N801 - PyTorch's name (type(torch.FloatTensor))
    """Metaclass of the legacy types: ``isinstance(x, torch.FloatTensor)`` is a dtype test."""

    def __instancecheck__(cls, obj):
        from ._tensor import Tensor

        return (isinstance(obj, Tensor) and obj.dtype is cls.dtype
                and obj.device.type == ("cuda" if cls.is_cuda else "cpu"))

    def __repr__(cls):
        return f"<class '{cls._type_name}'>"

    def __call__(cls, *args, device=None, **kwargs):
        if cls.is_cuda:
            raise TypeError(f"type {cls._type_name} not available. Torch not compiled with CUDA "
                            "enabled.")
        return legacy_new(cls.dtype, args, device, kwargs)


def legacy_new(d, args, device=None, kwargs=None):
    """The legacy constructor ``torch.FloatTensor(...)`` / ``x.new(...)``: sizes, a torch.Size,
    data, or a tensor of dtype ``d`` (aliased)."""
    from . import _factories
    from ._size import Size
    from ._tensor import Tensor

    if kwargs:
        raise _bad_new_kwargs(args, kwargs)
    if device is not None and str(device).split(":")[0] != "cpu":
        kind = str(device).split(":")[0]
        raise RuntimeError(f"legacy constructor expects device type: cpu but device type: "
                           f"{kind} was passed")
    if not args:
        return _factories.tensor([], dtype=d)
    if len(args) == 1 and not _is_int(args[0]):
        data = args[0]
        if isinstance(data, Size):
            return _factories.empty(tuple(data), dtype=d)
        if isinstance(data, Tensor):
            if data.dtype is not d:
                raise TypeError(f"expected {_options(d)} (got {_options(data.dtype)})")
            # PyTorch returns an alias (AliasBackward0 when it has history)
            return data.view_as(data) if data.requires_grad else data.detach()
        if isinstance(data, str):
            raise TypeError("new(): invalid data type 'str'")
        if isinstance(data, (int, float, complex, bool)):
            raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
        return _factories.tensor(data, dtype=d)
    for pos, a in enumerate(args):
        if not _is_int(a):
            if isinstance(a, (list, tuple)) or isinstance(args[0], (list, tuple)):
                got = ", ".join(_arg_type_name(x) for x in args)
                raise TypeError(
                    "new() received an invalid combination of arguments - got "
                    f"({got}), but expected one of:\n" + _NEW_SIGNATURES.format(why=""))
            raise TypeError(
                f"new(): argument 'size' failed to unpack the object at pos {pos + 1} with "
                f'error "type must be tuple of ints,but got {type(a).__name__}"')
    return _factories.empty(*[int(a) for a in args], dtype=d)


_DTYPE_OF_TYPE = {
    "FloatTensor": D.float32, "DoubleTensor": D.float64, "HalfTensor": D.float16,
    "BFloat16Tensor": D.bfloat16, "LongTensor": D.int64, "IntTensor": D.int32,
    "ShortTensor": D.int16, "CharTensor": D.int8, "ByteTensor": D.uint8, "BoolTensor": D.bool_,
}
# x.type() names dtypes that have no torch.<X>Tensor constructor too
NAME_OF_DTYPE = {d: f"torch.{n}" for n, d in _DTYPE_OF_TYPE.items()}
NAME_OF_DTYPE[D.complex64] = "torch.ComplexFloatTensor"
NAME_OF_DTYPE[D.complex128] = "torch.ComplexDoubleTensor"


def _make_type(name, d, cuda):
    module = "torch.cuda" if cuda else "torch"
    return tensortype(name, (), {
        "dtype": d, "is_cuda": cuda, "is_sparse": False, "layout": strided,
        "_type_name": f"{module}.{name}", "__qualname__": name, "__slots__": (),
        # pickled by reference to torch(.cuda).<name>
        "__module__": "torchlike.cuda" if cuda else "torchlike",
    })


TENSOR_TYPES = {name: _make_type(name, d, False) for name, d in _DTYPE_OF_TYPE.items()}
# torch.cuda.FloatTensor …: for the torch.cuda namespace to export; constructing one raises
# PyTorch's no-CUDA error, isinstance is true for a tensor of that dtype on a CUDA device.
CUDA_TENSOR_TYPES = {name: _make_type(name, d, True) for name, d in _DTYPE_OF_TYPE.items()}

_BY_TYPE_NAME = {t._type_name: t for t in (*TENSOR_TYPES.values(), *CUDA_TENSOR_TYPES.values())}
_BY_TYPE_NAME["torch.ComplexFloatTensor"] = D.complex64
_BY_TYPE_NAME["torch.ComplexDoubleTensor"] = D.complex128


def type_name(tensor) -> str:
    prefix = "torch.cuda." if tensor.device.type == "cuda" else "torch."
    return prefix + NAME_OF_DTYPE[tensor.dtype][len("torch."):]


def _resolve_type(t):
    """A type argument of ``x.type(...)`` / ``set_default_tensor_type`` -> a legacy type class
    or a dtype."""
    from ._tensor import Tensor

    if isinstance(t, str):
        if t == "torch.Tensor":
            return Tensor
        if t not in _BY_TYPE_NAME:
            raise ValueError(f"invalid type: '{t}'")
        return _BY_TYPE_NAME[t]
    if isinstance(t, (tensortype, D.dtype)) or t is Tensor:
        return t
    if isinstance(t, type):
        module = getattr(t, "__module__", "builtins")
        name = t.__qualname__ if module == "builtins" else f"{module}.{t.__qualname__}"
        raise ValueError(f"invalid type: '{name}'")
    raise TypeError("dtype must be a type, str, or dtype object")


def tensor_type(tensor, dtype=None, non_blocking=False, **kwargs):
    """``Tensor.type()``: the legacy type name, or a conversion to a legacy type / dtype."""
    from ._tensor import Tensor

    if dtype is None:
        return type_name(tensor)
    target = _resolve_type(dtype)
    if target is Tensor:
        return tensor
    if isinstance(target, tensortype):
        if target.is_cuda:
            tensor = tensor.to("cuda")
        target = target.dtype
    return tensor.to(target)


def set_default_tensor_type(t):
    warnings.warn(
        "torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
        "torch.set_default_dtype() and torch.set_default_device() as alternatives. (Triggered "
        "internally at /__w/pytorch/pytorch/torch/csrc/tensor/python_tensor.cpp:434.)",
        UserWarning, stacklevel=2)
    if isinstance(t, str):
        if t not in _BY_TYPE_NAME:
            module = t.rsplit(".", 1)[0] if "." in t else t
            raise ModuleNotFoundError(f"No module named '{module}'")
        t = _BY_TYPE_NAME[t]
    if isinstance(t, D.dtype):
        raise TypeError("invalid type object: only floating-point types are supported as the "
                        "default type")
    if not isinstance(t, tensortype):
        raise TypeError("invalid type object")
    if not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    if t.is_cuda:
        raise TypeError(f"type {t._type_name} not available. Torch not compiled with CUDA "
                        "enabled.")
    D.set_default_dtype(t.dtype)


# ---------------------------------------------------------------------------------------------
# Storage addresses: ``x.data_ptr()``, ``x.untyped_storage()``.

# JAX arrays are immutable and may move, so there is no real pointer to hand out.  Each storage
# reserves a fake, 64-byte-aligned address range on first request instead: distinct live
# storages never share an address, and a view's data_ptr is its storage's plus its byte offset,
# as in PyTorch.  An empty storage has address 0 (PyTorch's null pointer).
_ADDRESSES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_NEXT_ADDRESS = [0x7F0000000000]


def _nbytes(storage) -> int:
    return int(storage.data.size) * storage.data.dtype.itemsize


def storage_address(storage) -> int:
    addr = _ADDRESSES.get(storage)
    if addr is None:
        n = _nbytes(storage)
        if n == 0:
            return 0
        addr = _NEXT_ADDRESS[0]
        _NEXT_ADDRESS[0] += (n + 63) // 64 * 64 + 64
        _ADDRESSES[storage] = addr
    return addr


class UntypedStorage:
    """``x.untyped_storage()``: the bytes a tensor and its views share (queries only)."""

    __slots__ = ("_storage",)

    def __init__(self, storage):
        self._storage = storage

    def data_ptr(self) -> int:
        return storage_address(self._storage)

    def nbytes(self) -> int:
        return _nbytes(self._storage)

    size = nbytes

    def __len__(self):
        return self.nbytes()

    def element_size(self) -> int:
        return 1

    @property
    def device(self):
        from ._tensor import _device_of

        return _device_of(self._storage.data)

    def __eq__(self, other):
        return isinstance(other, UntypedStorage) and other._storage is self._storage

    def __hash__(self):
        return id(self._storage)
