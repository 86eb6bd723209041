"""Layouts, memory formats, legacy type names and storage addresses: the small type objects
around Tensor, at the ground layer so ``_tensor`` and the factories can use them.

* ``torch.layout`` / ``torch.strided`` and ``torch.memory_format`` with its four formats, and
  PyTorch's checks of a ``memory_format=`` argument against what torchlike can store,
* the legacy type names (``x.type()`` -> ``'torch.FloatTensor'``) and ``x.type(...)``,
* fake, consistent storage addresses: ``x.data_ptr()``, ``x.untyped_storage()``.

Tensors are used by duck typing only (``.shape``, ``.stride()``, ``.to()``): this module imports
nothing above ``_dtype``.
"""

from __future__ import annotations

import weakref

from . import _dtype as D


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
        raise TypeError(
            f"{fn_name}(): argument 'memory_format' must be torch.memory_format, "
            f"not {type(fmt).__name__}"
        )
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
            "differs."
        )
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
# Legacy type names: torch.float32 <-> "torch.FloatTensor".

DTYPE_OF_TYPE = {
    "FloatTensor": D.float32,
    "DoubleTensor": D.float64,
    "HalfTensor": D.float16,
    "BFloat16Tensor": D.bfloat16,
    "LongTensor": D.int64,
    "IntTensor": D.int32,
    "ShortTensor": D.int16,
    "CharTensor": D.int8,
    "ByteTensor": D.uint8,
    "BoolTensor": D.bool_,
}
# x.type() names dtypes that have no torch.<X>Tensor constructor too
NAME_OF_DTYPE = {d: f"torch.{n}" for n, d in DTYPE_OF_TYPE.items()}
NAME_OF_DTYPE[D.complex64] = "torch.ComplexFloatTensor"
NAME_OF_DTYPE[D.complex128] = "torch.ComplexDoubleTensor"

# "torch.FloatTensor" / "torch.cuda.FloatTensor" -> (dtype, on cuda)
TYPE_BY_NAME = {name: (d, False) for d, name in NAME_OF_DTYPE.items()}
TYPE_BY_NAME.update({"torch.cuda." + n: (d, True) for n, d in DTYPE_OF_TYPE.items()})


def memory_order(shape, strides):
    """The dims from outermost to innermost in storage of a dense tensor laid out in another
    order than its own (a transpose's), size-1 dims last; None when it is in order or not
    dense (``empty_like`` keeps the first's layout and falls back to row-major for the second,
    and PyTorch's generators fill that layout in memory order)."""
    if len(shape) < 2:
        return None
    sized = [d for d in range(len(shape)) if shape[d] != 1]
    order = sorted(sized, key=lambda d: -strides[d])
    if order == sized:
        return None
    expected = 1
    for d in reversed(order):
        if strides[d] != expected:
            return None
        expected *= shape[d]
    return order + [d for d in range(len(shape)) if shape[d] == 1]


def type_name(tensor) -> str:
    prefix = "torch.cuda." if tensor.device.type == "cuda" else "torch."
    return prefix + NAME_OF_DTYPE[tensor.dtype][len("torch.") :]


def resolve_type(t, tensor_cls):
    """A type argument of ``x.type(...)``: ``tensor_cls`` (torch.Tensor), a dtype, or
    ``(dtype, on_cuda)`` for a legacy type given by class or name."""
    if isinstance(t, str):
        if t == "torch.Tensor":
            return tensor_cls
        if t not in TYPE_BY_NAME:
            raise ValueError(f"invalid type: '{t}'")
        return TYPE_BY_NAME[t]
    if isinstance(t, D.dtype) or t is tensor_cls:
        return t
    if isinstance(t, type):
        legacy = getattr(t, "_type_name", None)  # torch.FloatTensor & co (_legacy.tensortype)
        if legacy in TYPE_BY_NAME:
            return TYPE_BY_NAME[legacy]
        module = getattr(t, "__module__", "builtins")
        name = t.__qualname__ if module == "builtins" else f"{module}.{t.__qualname__}"
        raise ValueError(f"invalid type: '{name}'")
    raise TypeError("dtype must be a type, str, or dtype object")


def tensor_type(tensor, dtype, tensor_cls):
    """``Tensor.type()``: the legacy type name, or a conversion to a legacy type / dtype."""
    if dtype is None:
        return type_name(tensor)
    target = resolve_type(dtype, tensor_cls)
    if target is tensor_cls:
        return tensor
    if isinstance(target, tuple):
        target, cuda = target
        if cuda:
            tensor = tensor.to("cuda")
    return tensor.to(target)


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

    __slots__ = ("_storage", "device")

    def __init__(self, storage, device):
        self._storage = storage
        self.device = device

    def data_ptr(self) -> int:
        return storage_address(self._storage)

    def nbytes(self) -> int:
        return _nbytes(self._storage)

    size = nbytes

    def __len__(self):
        return self.nbytes()

    def element_size(self) -> int:
        return 1

    def __eq__(self, other):
        return isinstance(other, UntypedStorage) and other._storage is self._storage

    def __hash__(self):
        return id(self._storage)
