"""``torchlike.save`` / ``torchlike.load`` in PyTorch's own checkpoint format.

The format (PyTorch >= 1.6) is an uncompressed zip archive ``<name>/...`` holding

* ``data.pkl``: a protocol-2 pickle of the object.  A tensor appears as a call of
  ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)`` and
  a parameter as ``torch._utils._rebuild_parameter(tensor, requires_grad, hooks)``; each
  storage is a *persistent id* ``('storage', torch.<Type>Storage, key, location, numel)``;
* ``data/<key>``: the raw little-endian bytes of each storage (aligned to 64 bytes in the file);
* ``version``, ``.format_version``, ``.storage_alignment``, ``byteorder`` and
  ``.data/serialization_id``: small records PyTorch writes and checks.

So files written here load in real PyTorch, and PyTorch's files load here, without torch being
installed: the ``torch.*`` names in the pickle are only *names*, mapped to torchlike objects on
load and written as ``GLOBAL torch ...`` opcodes on save.

``load`` defaults to ``weights_only=True`` as PyTorch >= 2.6 does.  That load is not Python's
unpickler but an interpreter of the protocol-2 opcodes ``torch.save`` writes
(``_WeightsOnlyUnpickler``): a global is only looked up in an allow-list (containers, the
tensor/parameter rebuild functions, storage types, dtypes, ``torch.Size``/``torch.device`` …),
never imported; only allow-listed callables are called; and ``BUILD``/``SETITEM(S)``/
``APPEND(S)`` act only on objects this load made, so a file can neither run code nor change a
dtype, the ``Tensor`` class or anything else outside the object it returns.  Refusals carry
PyTorch's ``UnpicklingError`` text; a damaged file (truncated, malformed opcodes, a missing
record) says it is corrupt, without PyTorch's advice to retry with ``weights_only=False``.
"""

from __future__ import annotations

import _compat_pickle
import codecs
import collections
import importlib
import inspect
import io
import os
import pickle
import pickletools
import struct
import sys
import warnings
import zipfile

import jax.numpy as jnp
import numpy as np

from . import _dtype as D
from ._size import Size, device
from ._tensor import Tensor
from .autograd.grad_mode import no_grad
from .nn.modules.module import Module as _Module
from .nn.parameter import Parameter
from .random import Generator as _Generator

__all__ = [
    "save",
    "load",
    "add_safe_globals",
    "clear_safe_globals",
    "get_safe_globals",
    "safe_globals",
]

DEFAULT_PROTOCOL = 2
_STORAGE_ALIGNMENT = 64
_SERIALIZATION_VERSION = b"3\n"
_LEGACY_MAGIC_NUMBER = 0x1950A86A20F9469CFC6C

# torch's names for each dtype: the storage class and the dtype attribute of the ``torch`` module
_STORAGE_NAMES = {
    D.float64: "DoubleStorage",
    D.float32: "FloatStorage",
    D.float16: "HalfStorage",
    D.bfloat16: "BFloat16Storage",
    D.int64: "LongStorage",
    D.int32: "IntStorage",
    D.int16: "ShortStorage",
    D.int8: "CharStorage",
    D.uint8: "ByteStorage",
    D.bool_: "BoolStorage",
    D.complex64: "ComplexFloatStorage",
    D.complex128: "ComplexDoubleStorage",
}
_DTYPE_NAMES = {
    D.float64: "float64",
    D.float32: "float32",
    D.float16: "float16",
    D.bfloat16: "bfloat16",
    D.int64: "int64",
    D.int32: "int32",
    D.int16: "int16",
    D.int8: "int8",
    D.uint8: "uint8",
    D.bool_: "bool",
    D.complex64: "complex64",
    D.complex128: "complex128",
}
_DTYPE_ALIASES = {
    "double": D.float64,
    "float": D.float32,
    "half": D.float16,
    "long": D.int64,
    "int": D.int32,
    "short": D.int16,
    "cfloat": D.complex64,
    "cdouble": D.complex128,
}
# dtypes PyTorch has and torchlike lacks: their names are allowed, loading such data is not
_FOREIGN_DTYPES = [
    "uint16",
    "uint32",
    "uint64",
    "complex32",
    "chalf",
    "float8_e4m3fn",
    "float8_e5m2",
    "float8_e4m3fnuz",
    "float8_e5m2fnuz",
    "float8_e8m0fnu",
    "float4_e2m1fn_x2",
    "bits1x8",
    "bits2x4",
    "bits4x2",
    "bits8",
    "bits16",
    "qint8",
    "quint8",
    "qint32",
    "quint4x2",
    "quint2x4",
    "uint1",
    "uint2",
    "uint3",
    "uint4",
    "uint5",
    "uint6",
    "uint7",
    "int1",
    "int2",
    "int3",
    "int4",
    "int5",
    "int6",
    "int7",
]
_BLOCKED_MODULES = ("sys", "os", "posix", "nt")

_UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` "
    "from `False` to `True`. Re-running `torch.load` with `weights_only` set to `False` will "
    "likely succeed, but it can result in arbitrary code execution. Do it only if you got the "
    "file from a trusted source."
)
_DOCS_MESSAGE = (
    "\n\nCheck the documentation of torch.load to learn more about types accepted by default "
    "with weights_only https://pytorch.org/docs/stable/generated/torch.load.html."
)


# ---------------------------------------------------------------------------------- names
class _TorchName:
    """A ``torch`` global by name only: written as ``GLOBAL module name`` by the pickler."""

    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module = module
        self.name = name

    def __repr__(self):
        return f"{self.module}.{self.name}"

    def __call__(self, *args, **kwargs):  # pickle insists that a reduce function be callable
        raise TypeError(f"{self!r} is only a name written into checkpoints")


_REBUILD_TENSOR_V2 = _TorchName("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = _TorchName("torch._utils", "_rebuild_parameter")
_TORCH_SIZE = _TorchName("torch", "Size")
_TORCH_DEVICE = _TorchName("torch", "device")
_TORCH_GENERATOR = _TorchName("torch._C", "Generator")
_ORDERED_DICT = collections.OrderedDict
_STORAGE_TYPE_NAMES = {dt: _TorchName("torch", name) for dt, name in _STORAGE_NAMES.items()}


class _StorageType:
    """What a ``torch.<Type>Storage`` global means on load: the dtype of the raw bytes."""

    def __init__(self, name, dtype):
        self.name = name
        self.dtype = dtype

    def __repr__(self):
        return f"StorageType(dtype={self.dtype})"


class _ForeignDtype:
    """A PyTorch dtype torchlike does not have (loading a tensor of it raises)."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"torch.{self.name}"


# ---------------------------------------------------------------------------------- saving
class _StorageRef:
    """One storage to write: a tensor's contiguous little-endian bytes under ``key``."""

    __slots__ = ("key", "dtype", "array")

    def __init__(self, key, dtype, array):
        self.key = key
        self.dtype = dtype
        self.array = array


class _PlainTensor:
    """The data of a Parameter, pickled as a plain tensor (``_rebuild_parameter``'s argument)."""

    __slots__ = ("tensor",)

    def __init__(self, tensor):
        self.tensor = tensor


def _little_endian_bytes(tensor) -> np.ndarray:
    arr = np.ascontiguousarray(np.asarray(tensor._value))
    if arr.dtype.byteorder == ">" or (arr.dtype.byteorder == "=" and sys.byteorder == "big"):
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    return arr.reshape(-1)


class _TorchPickler(pickle._Pickler):
    """The pure-Python pickler, taught to write tensors as PyTorch does.

    (The C pickler cannot write a ``GLOBAL torch ...`` for an object that is not importable
    under that name; the pure-Python one lets ``save_global`` be overridden.  ``data.pkl`` holds
    only metadata, so its speed does not matter.)"""

    def __init__(self, file, protocol):
        super().__init__(file, protocol)
        self.storages: list[_StorageRef] = []
        self._shared: dict = {}  # id(Storage) -> (Storage, its _StorageRef)

    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            return ("storage", _STORAGE_TYPE_NAMES[obj.dtype], obj.key, "cpu", obj.array.size)
        return None

    def _storage_for(self, tensor):
        if tensor.dtype not in _STORAGE_NAMES:
            raise RuntimeError(f"torchlike.save: cannot save tensors of dtype {tensor.dtype}")
        ref = _StorageRef(str(len(self.storages)), tensor.dtype, _little_endian_bytes(tensor))
        self.storages.append(ref)
        return ref

    def _shared_storage_for(self, tensor):
        """``(ref, offset, strides)`` of the storage ``tensor`` shares with its base and views,
        written once per file as PyTorch does (``[t, t[2:5]]`` loads back aliased); None where
        the tensor's layout does not index that storage's values (a reinterpreting view, a
        base kept in a permuted memory order), which then gets a contiguous copy of its own."""
        storage = getattr(tensor, "_storage", None)
        if storage is None or tensor.dtype not in _STORAGE_NAMES:
            return None
        entry = self._shared.get(id(storage))
        if entry is None:
            flat = _little_endian_bytes(Tensor._make(storage.data))
            if flat.dtype != np.dtype(tensor.dtype._np).newbyteorder("<"):
                return None
            ref = _StorageRef(str(len(self.storages)), tensor.dtype, flat)
        else:
            ref = entry[1]
            if ref.dtype is not tensor.dtype:
                return None
        offset, strides = tensor.storage_offset(), tuple(tensor.stride())
        shape = tuple(tensor.shape)
        if any(n == 0 for n in shape):
            return None
        last = offset + sum((n - 1) * st for n, st in zip(shape, strides))
        if offset < 0 or any(st < 0 for st in strides) or last >= ref.array.size:
            return None
        item = ref.array.itemsize
        seen = np.lib.stride_tricks.as_strided(
            ref.array[offset:], shape=shape, strides=[st * item for st in strides]
        )
        mine = _little_endian_bytes(tensor).reshape(shape)
        if seen.tobytes() != mine.tobytes():
            return None
        if entry is None:
            self.storages.append(ref)
            self._shared[id(storage)] = (storage, ref)
        return ref, offset, strides

    def _tensor_reduction(self, tensor, requires_grad):
        shape = tuple(tensor.shape)
        shared = self._shared_storage_for(tensor)
        if shared is not None:
            ref, offset, strides = shared
        else:
            acc, rev = 1, []
            for n in reversed(shape):
                rev.append(acc)
                acc *= max(n, 1)
            ref, offset, strides = self._storage_for(tensor), 0, tuple(reversed(rev))
        return (
            _REBUILD_TENSOR_V2,
            (ref, offset, shape, strides, requires_grad, _ORDERED_DICT()),
        )

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            if getattr(obj, "_is_param", False):
                return (_REBUILD_PARAMETER, (_PlainTensor(obj), obj.requires_grad, _ORDERED_DICT()))
            return self._tensor_reduction(obj, obj.requires_grad)
        if isinstance(obj, _PlainTensor):
            return self._tensor_reduction(obj.tensor, False)
        if isinstance(obj, _Generator):  # PyTorch's class, so torch.load finds it
            return (_TORCH_GENERATOR, *obj.__reduce__()[1:])
        if isinstance(obj, (_TorchName, D.dtype)):
            return "global"  # -> save_global below
        if isinstance(obj, Size):
            return (_TORCH_SIZE, (tuple(obj),))
        if isinstance(obj, device):
            args = (obj.type,) if obj.index is None else (obj.type, obj.index)
            return (_TORCH_DEVICE, args)
        return NotImplemented

    def save_global(self, obj, name=None):
        if isinstance(obj, _TorchName):
            module, qualname = obj.module, obj.name
        elif isinstance(obj, D.dtype):
            module, qualname = "torch", _DTYPE_NAMES[obj]
        else:
            return super().save_global(obj, name)
        self.write(pickle.GLOBAL + f"{module}\n{qualname}\n".encode())
        self.memoize(obj)


def _open_for_write(f):
    if isinstance(f, (str, os.PathLike)):
        return open(f, "wb"), True
    return f, False


def _archive_name(f):
    if isinstance(f, (str, os.PathLike)):
        return os.path.splitext(os.path.basename(os.fspath(f)))[0] or "archive"
    return "archive"


class _AlignedZipWriter:
    """Stored (uncompressed) zip records whose data starts at multiples of 64 bytes."""

    def __init__(self, file):
        self.zip = zipfile.ZipFile(file, "w", compression=zipfile.ZIP_STORED)
        self.file = file

    def write(self, name, data: bytes):
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED
        info.create_system = 0
        start = self.zip.fp.tell() if hasattr(self.zip.fp, "tell") else 0
        header = 30 + len(name.encode())
        pad = (-(start + header + 4)) % _STORAGE_ALIGNMENT
        # a private extra field ("FB", as PyTorch's writer uses) that only pads the local header
        info.extra = struct.pack("<HH", 0x4246, pad) + b"Z" * pad
        self.zip.writestr(info, data)

    def close(self):
        # the padding belongs to the local headers only; keep the central directory lean
        for info in self.zip.infolist():
            info.extra = b""
        self.zip.close()


def save(
    obj,
    f,
    pickle_module=None,
    pickle_protocol=DEFAULT_PROTOCOL,
    _use_new_zipfile_serialization=True,
    _disable_byteorder_record=False,
):
    """Write ``obj`` to ``f`` (a path or a binary file object) in PyTorch's zip format, or in
    its legacy (pre-1.6) stream with ``_use_new_zipfile_serialization=False``."""
    if not _use_new_zipfile_serialization:
        return _save_legacy(obj, f, pickle_protocol)
    buffer = io.BytesIO()
    pickler = _TorchPickler(buffer, pickle_protocol)
    pickler.dump(obj)

    name = _archive_name(f)
    file, owned = _open_for_write(f)
    try:
        writer = _AlignedZipWriter(file)
        writer.write(f"{name}/data.pkl", buffer.getvalue())
        writer.write(f"{name}/.format_version", b"1")
        writer.write(f"{name}/.storage_alignment", str(_STORAGE_ALIGNMENT).encode())
        if not _disable_byteorder_record:
            writer.write(f"{name}/byteorder", b"little")
        for ref in pickler.storages:
            writer.write(f"{name}/data/{ref.key}", ref.array.tobytes())
        writer.write(f"{name}/version", _SERIALIZATION_VERSION)
        serial = str(int.from_bytes(os.urandom(17), "little")).zfill(40)[-40:]
        writer.write(f"{name}/.data/serialization_id", serial.encode())
        writer.close()
    finally:
        if owned:
            file.close()


_LEGACY_PROTOCOL_VERSION = 1001
_LEGACY_SYS_INFO = {
    "protocol_version": _LEGACY_PROTOCOL_VERSION,
    "little_endian": True,
    "type_sizes": {"short": 2, "int": 4, "long": 4},
}


class _LegacyPickler(_TorchPickler):
    """The legacy stream's storage records: ``(tag, type, key, location, numel, view)``."""

    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            name = _STORAGE_TYPE_NAMES[obj.dtype]
            return ("storage", name, obj.key, "cpu", obj.array.size, None)
        if isinstance(obj, type) and issubclass(obj, _Module):
            seen = self.__dict__.setdefault("_module_classes", set())
            if obj in seen:  # the class inside its own record (and later uses): a plain global
                return None
            seen.add(obj)
            return ("module", obj, *_class_source(obj))
        return None


def _class_source(cls):
    """``(file, source)`` of a class, as a legacy whole-model save records them (None, None
    where Python cannot find them)."""
    try:
        return inspect.getsourcefile(cls), "".join(inspect.getsourcelines(cls)[0])
    except Exception:
        return None, None


def _save_legacy(obj, f, protocol):
    """PyTorch's pre-1.6 stream: pickles of the magic number, the protocol version and the
    system info, the object, the sorted storage keys, then each storage as its element count
    (int64) and its bytes."""
    buffer = io.BytesIO()
    for header in (_LEGACY_MAGIC_NUMBER, _LEGACY_PROTOCOL_VERSION, _LEGACY_SYS_INFO):
        pickle.dump(header, buffer, protocol=protocol)
    pickler = _LegacyPickler(buffer, protocol)
    pickler.dump(obj)
    refs = {ref.key: ref for ref in pickler.storages}
    keys = sorted(refs)
    pickle.dump(keys, buffer, protocol=protocol)
    for key in keys:
        array = refs[key].array
        buffer.write(struct.pack("<q", array.size))
        buffer.write(array.tobytes())
    file, owned = _open_for_write(f)
    try:
        file.write(buffer.getvalue())
    finally:
        if owned:
            file.close()


# ---------------------------------------------------------------------------------- loading
class _LoadedStorage:
    """The raw bytes of one ``data/<key>`` record (typed when the pickle named a dtype)."""

    def __init__(self, raw: bytes, dtype, big_endian: bool):
        self.raw = raw
        self.dtype = dtype
        self.big_endian = big_endian
        # the tensor holding this storage's values, once one was built: later tensors of the
        # same storage become views of it, so they alias as PyTorch's loaded tensors do
        self.base = None

    def as_array(self, dtype) -> np.ndarray:
        if isinstance(dtype, _ForeignDtype) or dtype is None:
            raise RuntimeError(f"torchlike.load: tensors of dtype {dtype} are not supported")
        np_dtype = np.dtype(dtype._np)
        if self.big_endian:
            np_dtype = np_dtype.newbyteorder(">")
        if len(self.raw) % np_dtype.itemsize:
            raise RuntimeError(
                "torchlike.load: storage size is not a multiple of its element size (corrupt file?)"
            )
        arr = np.frombuffer(self.raw, dtype=np_dtype)
        return arr.astype(np_dtype.newbyteorder("=")) if self.big_endian else arr


def _check_int_tuple(values, what):
    if not isinstance(values, (tuple, list, Size)) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    ):
        raise pickle.UnpicklingError(f"torchlike.load: invalid tensor {what} {values!r}")
    return tuple(values)


def _tensor_from(storage, dtype, offset, size, stride, requires_grad):
    if not isinstance(storage, _LoadedStorage):
        raise pickle.UnpicklingError(
            "torchlike.load: a tensor's storage must be a persistent storage record"
        )
    size = _check_int_tuple(size, "size")
    stride = _check_int_tuple(stride, "stride")
    if (
        len(size) != len(stride)
        or any(s < 0 for s in size)
        or any(s < 0 for s in stride)
        or not isinstance(offset, int)
        or offset < 0
    ):
        raise RuntimeError(
            f"torchlike.load: invalid tensor geometry size={size} stride={stride} offset={offset}"
        )
    flat = storage.as_array(dtype)
    numel = int(np.prod(size, dtype=np.int64)) if size else 1
    shared = storage.base
    if shared is not None and shared.dtype is dtype and numel > 0:
        _check_in_bounds(flat, offset, size, stride)
        with no_grad():
            t = shared.as_strided(size, stride, offset)
        if requires_grad:
            t.requires_grad_(True)
        return t
    if numel > 0:
        _check_in_bounds(flat, offset, size, stride)
        if offset == 0 and numel == flat.size and stride == _contiguous(size):
            # the whole storage in order: this tensor holds it, later ones view it
            t = Tensor._make(jnp.asarray(flat.reshape(size)), dtype)
            storage.base = t
            if requires_grad:
                t.requires_grad_(True)
            return t
        if storage.base is None and dtype is storage.dtype:
            storage.base = Tensor._make(jnp.asarray(flat), dtype)
            with no_grad():
                t = storage.base.as_strided(size, stride, offset)
            if requires_grad:
                t.requires_grad_(True)
            return t
        view = np.lib.stride_tricks.as_strided(
            flat[offset:], shape=size, strides=[s * flat.itemsize for s in stride], writeable=False
        )
        values = np.array(view)
    else:
        values = np.zeros(size, dtype=flat.dtype)
    t = Tensor._make(jnp.asarray(values), dtype)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _contiguous(size):
    acc, rev = 1, []
    for n in reversed(size):
        rev.append(acc)
        acc *= max(n, 1)
    return tuple(reversed(rev))


def _check_in_bounds(flat, offset, size, stride):
    last = offset + sum((n - 1) * s for n, s in zip(size, stride))
    if last >= flat.size:
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
            f"{offset}, and itemsize {flat.itemsize} requiring a storage size of "
            f"{(last + 1) * flat.itemsize} are out of bounds for storage of size "
            f"{flat.size * flat.itemsize}"
        )


def _rebuild_tensor_v2(
    storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None
):
    return _tensor_from(
        storage, getattr(storage, "dtype", None), storage_offset, size, stride, bool(requires_grad)
    )


def _rebuild_tensor_v3(
    storage, storage_offset, size, stride, requires_grad, backward_hooks, dtype, metadata=None
):
    return _tensor_from(storage, dtype, storage_offset, size, stride, bool(requires_grad))


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _tensor_from(
        storage, getattr(storage, "dtype", None), storage_offset, size, stride, False
    )


def _rebuild_parameter(data, requires_grad, backward_hooks=None):
    if not isinstance(data, Tensor):
        raise pickle.UnpicklingError("torchlike.load: a parameter's data must be a tensor")
    return Parameter(data, bool(requires_grad))


def _set_python_attributes(tensor, state):
    """Restore the Python attributes PyTorch pickles with a tensor (``tensor.foo = 1``); names
    of torchlike's own slots are refused, so a crafted file cannot rewrite a tensor's innards."""
    if not isinstance(state, dict):
        return
    for key, value in state.items():
        if not isinstance(key, str) or key.startswith("_"):
            raise pickle.UnpicklingError(f"torchlike.load: refusing to set attribute {key!r}")
        setattr(tensor, key, value)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    param = _rebuild_parameter(data, requires_grad, backward_hooks)
    _set_python_attributes(param, state)
    return param


def _rebuild_from_type_v2(func, new_type, args, state):
    if not any(func is f for f in _TENSOR_REBUILDERS) or not isinstance(args, tuple):
        raise pickle.UnpicklingError(
            f"torchlike.load: _rebuild_from_type_v2 rebuilds tensors only, not with {func!r}"
        )
    result = func(*args)
    if isinstance(result, Tensor):
        _set_python_attributes(result, state)
    return result


_TENSOR_REBUILDERS = (
    _rebuild_tensor,
    _rebuild_tensor_v2,
    _rebuild_tensor_v3,
    _rebuild_parameter,
    _rebuild_parameter_with_state,
)


def _get_layout(name):
    if not isinstance(name, str):
        raise pickle.UnpicklingError(f"torchlike.load: a layout is named by a string, not {name!r}")
    return name


def _parameter_class(*args, **kwargs):
    return Parameter(*args, **kwargs)


def _torch_device(*args):
    return device(*args)


def _torch_size(values=()):
    return Size(values)


def _allowed_globals() -> dict:
    table = {
        "collections.OrderedDict": collections.OrderedDict,
        "collections.Counter": collections.Counter,
        "torch.nn.parameter.Parameter": _parameter_class,
        "torch.serialization._get_layout": _get_layout,
        "torch.Size": _torch_size,
        "torch.Tensor": Tensor,
        "torch.device": _torch_device,
        "_codecs.encode": codecs.encode,
        "builtins.bytearray": bytearray,
        "builtins.set": set,
        "builtins.complex": complex,
        "torch._utils._rebuild_tensor": _rebuild_tensor,
        "torch._utils._rebuild_tensor_v2": _rebuild_tensor_v2,
        "torch._utils._rebuild_tensor_v3": _rebuild_tensor_v3,
        "torch._utils._rebuild_parameter": _rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": _rebuild_parameter_with_state,
        "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
        "torch.storage.UntypedStorage": _StorageType("UntypedStorage", None),
    }
    for dt, name in _STORAGE_NAMES.items():
        table[f"torch.{name}"] = _StorageType(name, dt)
    for dt, name in _DTYPE_NAMES.items():
        table[f"torch.{name}"] = dt
    for name, dt in _DTYPE_ALIASES.items():
        table[f"torch.{name}"] = dt
    for name in _FOREIGN_DTYPES:
        table.setdefault(f"torch.{name}", _ForeignDtype(name))
    return table


_ALLOWED = _allowed_globals()

# -- user allow-list (``torch.serialization.add_safe_globals``) --------------------------------
_user_safe_globals: list = []


def add_safe_globals(safe_globals):
    """Allow these classes/functions (or ``(obj, "module.name")`` pairs) in weights-only loads."""
    for entry in safe_globals:
        if entry not in _user_safe_globals:
            _user_safe_globals.append(entry)


def clear_safe_globals():
    _user_safe_globals.clear()


def get_safe_globals():
    return list(_user_safe_globals)


class safe_globals:
    """``with torch.serialization.safe_globals([...]):`` allows these globals inside the block."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        self._added = [e for e in self.safe_globals if e not in _user_safe_globals]
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc):
        for entry in self._added:
            if entry in _user_safe_globals:
                _user_safe_globals.remove(entry)


def _user_allowed() -> dict:
    out = {}
    for entry in _user_safe_globals:
        if isinstance(entry, tuple):
            if len(entry) != 2:
                raise ValueError(
                    "Expected tuple of length 2 (global, str of callable full path), but got "
                    f"tuple of length: {len(entry)}"
                )
            obj, name = entry
            if type(name) is not str:
                raise TypeError(
                    "Expected second item in tuple to be str of callable full path, but got: "
                    f"{type(name)}"
                )
            out[name] = obj
        else:
            out[f"{entry.__module__}.{entry.__qualname__}"] = entry
    return out


def _display_name(full_path):
    """PyTorch prints builtins without their module (``slice``, not ``builtins.slice``)."""
    if full_path.startswith("builtins."):
        return full_path[len("builtins.") :]
    return full_path


class _Refused(pickle.UnpicklingError):
    """The pickle asks for something a weights-only load does not do: PyTorch's advice applies."""


class _Corrupt(pickle.UnpicklingError):
    """The pickle is malformed.  No advice to switch the safety off: it would not help."""


class _Truncated(EOFError):
    """``data.pkl`` ends mid-opcode."""


_CORRUPT = "the checkpoint file is corrupt or truncated"
_MINIZ_HINT = (
    " This is an internal miniz error. If you are seeing this error, there is a high likelihood "
    "that your checkpoint file is corrupted. This can happen if the checkpoint was not saved "
    "properly, was transferred incorrectly, or the file was modified after saving."
)
_LIST_TYPES = (list,)
_DICT_TYPES = (dict, collections.OrderedDict, collections.Counter)
_STRING_ENCODINGS = ("latin1", "latin-1", "iso-8859-1", "utf-8", "utf8", "ascii")


class _WeightsOnlyUnpickler:
    """An opcode interpreter for the protocol-2 subset ``torch.save`` writes (PyTorch's own
    weights-only loader reads the same subset), built so a file cannot change anything outside
    the object it returns:

    * a global is only ever *looked up* in the allow-list, never imported;
    * only allow-listed callables are called (``REDUCE``/``NEWOBJ``);
    * ``BUILD``, ``SETITEM(S)`` and ``APPEND(S)`` act only on objects this load itself made,
      so a global (a dtype, the ``Tensor`` class, a user's safe global) is never a target;
    * a malformed stream (stack underflow, unknown memo slot, bad text, a rebuild function given
      the wrong arguments) is reported as a corrupt file, not as a Python internals error.
    """

    def __init__(self, file, load_storage, encoding="utf-8"):
        self._read = file.read
        self._readline = file.readline
        self._load_storage = load_storage
        self._encoding = encoding
        self._allowed = dict(_ALLOWED)
        self._allowed.update(_user_allowed())
        self._allowed_ids = {id(v) for v in self._allowed.values()}
        self._user_types = {
            id(v) for v in _user_allowed().values() if isinstance(v, type)
        }  # classes a user allow-listed: their instances may be built (BUILD) like PyTorch's
        # what this load made, by id; the objects are kept so their ids stay unique meanwhile
        self._created: dict = {}

    # -- reading --------------------------------------------------------------------------
    def _take(self, n):
        data = self._read(n)
        if len(data) != n:
            raise _Truncated(f"torchlike.load: the pickle data ends in mid-record: {_CORRUPT}")
        return data

    def _line(self):
        line = self._readline()
        if not line.endswith(b"\n"):
            raise _Truncated(f"torchlike.load: the pickle data ends in mid-record: {_CORRUPT}")
        try:
            return line[:-1].decode("utf-8")
        except UnicodeDecodeError:
            raise _Corrupt(f"torchlike.load: a global's name is not text: {_CORRUPT}") from None

    def _made(self, obj):
        self._created[id(obj)] = obj
        return obj

    def _is_ours(self, obj):
        return self._created.get(id(obj)) is obj

    # -- the loop -------------------------------------------------------------------------
    def load(self):
        self._stack: list = []
        self._metastack: list = []
        self._memo: dict = {}
        while True:
            key = self._read(1)
            if not key:
                raise _Truncated(
                    f"torchlike.load: the pickle data ends before its STOP opcode: {_CORRUPT}"
                )
            op = key[0]
            if op == pickle.STOP[0]:
                if not self._stack:
                    raise _Corrupt(f"torchlike.load: data.pkl holds no object: {_CORRUPT}")
                return self._stack.pop()
            handler = _OPCODES.get(op)
            if handler is None:
                raise _Refused(f"Unsupported operand {op}")
            try:
                handler(self)
            except (pickle.UnpicklingError, EOFError, RuntimeError):
                raise
            except (IndexError, KeyError, TypeError, ValueError, AttributeError, OverflowError,
                    struct.error) as e:  # fmt: skip
                raise _Corrupt(
                    f"torchlike.load: malformed pickle at opcode {key!r} "
                    f"({type(e).__name__}: {e}): {_CORRUPT}"
                ) from None

    def _pop_mark(self):
        if not self._metastack:
            raise _Corrupt(f"torchlike.load: data.pkl closes a MARK it never opened: {_CORRUPT}")
        items = self._stack
        self._stack = self._metastack.pop()
        return items

    # -- the risky opcodes ----------------------------------------------------------------
    def _global(self):
        module, name = self._line(), self._line()
        if (module, name) in _compat_pickle.NAME_MAPPING:  # Python 2 names (__builtin__.set)
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        elif module in _compat_pickle.IMPORT_MAPPING:
            module = _compat_pickle.IMPORT_MAPPING[module]
        full_path = f"{module}.{name}"
        if module in _BLOCKED_MODULES:
            raise _Refused(
                f"Trying to load unsupported GLOBAL {full_path} whose module {module} is blocked."
            )
        if full_path not in self._allowed:
            shown = _display_name(full_path)
            raise _Refused(
                f"Unsupported global: GLOBAL {shown} was not an allowed global by default. "
                f"Please use `torch.serialization.add_safe_globals([{shown}])` or the "
                f"`torch.serialization.safe_globals([{shown}])` context manager to allowlist "
                "this global if you trust this class/function."
            )
        self._stack.append(self._allowed[full_path])

    def _call(self, func, args):
        if not isinstance(args, tuple):
            raise _Corrupt(f"torchlike.load: call arguments must be a tuple: {_CORRUPT}")
        if func is bytearray and args and not isinstance(args[0], (bytes, bytearray, str)):
            raise _Corrupt(f"torchlike.load: bytearray from {type(args[0]).__name__}: {_CORRUPT}")
        if func is codecs.encode and (
            len(args) != 2
            or not isinstance(args[0], str)
            or not isinstance(args[1], str)
            or args[1].lower() not in _STRING_ENCODINGS
        ):
            raise _Corrupt(f"torchlike.load: bytes must be latin-1 text: {_CORRUPT}")
        try:
            result = func(*args)
        except (_Refused, _Corrupt, RuntimeError):
            raise
        except pickle.UnpicklingError as e:  # a rebuild function refusing its arguments
            raise _Corrupt(f"{e}: {_CORRUPT}") from None
        except Exception as e:  # a rebuild function handed the wrong arguments
            name = getattr(func, "__name__", repr(func))
            raise _Corrupt(
                f"torchlike.load: {name} failed ({type(e).__name__}: {e}): {_CORRUPT}"
            ) from None
        # a function may hand back one of its arguments or a global (``_get_layout``): only a
        # genuinely new object becomes a legal BUILD/SETITEM/APPEND target
        if id(result) not in self._allowed_ids and not any(result is a for a in args):
            self._made(result)
        return result

    def _reduce(self):
        args = self._stack.pop()
        func = self._stack[-1]
        if id(func) not in self._allowed_ids:
            message = f"Trying to call reduce for unrecognized function {func!r}"
            raise _Refused(message)
        self._stack[-1] = self._call(func, args)

    def _newobj(self):
        args = self._stack.pop()
        cls = self._stack.pop()
        if cls is Parameter or cls is _parameter_class:
            result = self._call(Parameter, args)
        elif cls is _torch_size:
            result = self._call(Size, args)
        elif (
            isinstance(cls, type)
            and id(cls) in self._allowed_ids
            and cls is not Tensor
            and isinstance(args, tuple)
        ):
            result = self._call(cls.__new__, (cls, *args))
        else:
            raise _Refused(
                "Can only create new object for nn.Parameter or classes allowlisted "
                f"via `add_safe_globals` but got {cls!r}"
            )
        self._stack.append(result)

    def _build(self):
        state = self._stack.pop()
        inst = self._stack[-1]
        kind = type(inst)
        refusal = _Refused(
            "Can only build Tensor, Parameter, OrderedDict or types allowlisted "
            f"via `add_safe_globals`, but got {kind}"
        )
        if not self._is_ours(inst):
            raise refusal
        if kind is Tensor or kind is Parameter:
            if not isinstance(state, dict):
                raise _Refused("torchlike.load: legacy tensor BUILD states are not supported")
            _set_python_attributes(inst, state)
        elif kind is collections.OrderedDict:
            # PyTorch pickles an OrderedDict's own attributes (``_metadata`` of a state dict)
            if not isinstance(state, dict) or not all(isinstance(k, str) for k in state):
                raise _Corrupt(f"torchlike.load: bad OrderedDict state: {_CORRUPT}")
            inst.__dict__.update(state)
        elif id(kind) in self._user_types:
            setstate = getattr(inst, "__setstate__", None)
            if setstate is not None and kind.__setstate__ is not object.__setstate__:
                setstate(state)
                return
            slotstate = None
            if isinstance(state, tuple) and len(state) == 2:
                state, slotstate = state
            if state:
                inst.__dict__.update(state)
            if slotstate:
                for k, v in slotstate.items():
                    setattr(inst, k, v)
        else:
            raise refusal

    def _append(self):
        item = self._stack.pop()
        target = self._stack[-1]
        if type(target) not in _LIST_TYPES or not self._is_ours(target):
            raise _Refused(f"Can only append to lists, but got {type(target)}")
        target.append(item)

    def _appends(self):
        items = self._pop_mark()
        target = self._stack[-1]
        if type(target) not in _LIST_TYPES or not self._is_ours(target):
            raise _Refused(f"Can only extend lists, but got {type(target)}")
        target.extend(items)

    def _set_target(self, opcode):
        target = self._stack[-1]
        if type(target) not in _DICT_TYPES or not self._is_ours(target):
            raise _Refused(
                f"Can only {opcode} for dict, collections.OrderedDict, "
                f"collections.Counter, but got {type(target)}"
            )
        return target

    def _setitem(self):
        value = self._stack.pop()
        key = self._stack.pop()
        self._set_target("SETITEM")[key] = value

    def _setitems(self):
        items = self._pop_mark()
        if len(items) % 2:
            raise _Corrupt(f"torchlike.load: SETITEMS with an odd item count: {_CORRUPT}")
        target = self._set_target("SETITEMS")
        for i in range(0, len(items), 2):
            target[items[i]] = items[i + 1]

    def _persid(self):
        pid = self._stack.pop()
        if type(pid) is not tuple:
            raise _Refused(f"persistent_load id must be tuple or int, but got {type(pid)}")
        tag = pid[0] if pid else None
        if isinstance(tag, bytes):
            tag = tag.decode("ascii", "replace")
        if tag != "storage" or len(pid) < 5:
            raise _Refused(f"Only persistent_load of storage is allowed, but got {type(tag)}")
        _, storage_type, key, _location, _numel = pid[:5]
        if isinstance(key, bytes):
            key = key.decode("ascii", "replace")
        if not isinstance(storage_type, _StorageType) or not isinstance(key, str):
            raise _Corrupt(f"torchlike.load: bad storage record {pid!r}: {_CORRUPT}")
        self._stack.append(self._made(self._load_storage(key, storage_type.dtype)))

    # -- plain values ---------------------------------------------------------------------
    def _mark(self):
        self._metastack.append(self._stack)
        self._stack = []

    def _tuple(self):
        items = self._pop_mark()  # (before naming the stack: popping the mark replaces it)
        self._stack.append(tuple(items))

    def _tuple1(self):
        self._stack[-1] = (self._stack[-1],)

    def _tuple2(self):
        if len(self._stack) < 2:
            raise IndexError("stack underflow")
        self._stack[-2:] = [tuple(self._stack[-2:])]

    def _tuple3(self):
        if len(self._stack) < 3:
            raise IndexError("stack underflow")
        self._stack[-3:] = [tuple(self._stack[-3:])]

    def _push(value):
        return lambda self: self._stack.append(value)

    def _push_new(factory):
        return lambda self: self._stack.append(self._made(factory()))

    def _binint(self):
        self._stack.append(struct.unpack("<i", self._take(4))[0])

    def _binint1(self):
        self._stack.append(self._take(1)[0])

    def _binint2(self):
        self._stack.append(struct.unpack("<H", self._take(2))[0])

    def _long1(self):
        n = self._take(1)[0]
        self._stack.append(int.from_bytes(self._take(n), "little", signed=True))

    def _binfloat(self):
        self._stack.append(struct.unpack(">d", self._take(8))[0])

    def _binunicode(self):
        n = struct.unpack("<I", self._take(4))[0]
        try:
            self._stack.append(str(self._take(n), "utf-8", "surrogatepass"))
        except UnicodeDecodeError:
            raise _Corrupt(f"torchlike.load: a string is not UTF-8: {_CORRUPT}") from None

    def _short_binstring(self):
        data = self._take(self._take(1)[0])
        if self._encoding != "bytes":
            try:
                data = data.decode(self._encoding, "strict")
            except (UnicodeDecodeError, LookupError):
                raise _Corrupt(
                    f"torchlike.load: a string is not {self._encoding}: {_CORRUPT}"
                ) from None
        self._stack.append(data)

    def _get(self, index):
        if index not in self._memo:
            raise _Corrupt(f"torchlike.load: memo value not found at index {index}: {_CORRUPT}")
        self._stack.append(self._memo[index])

    def _binget(self):
        self._get(self._take(1)[0])

    def _long_binget(self):
        self._get(struct.unpack("<I", self._take(4))[0])

    def _put(self, index):
        if not self._stack:
            raise _Corrupt(f"torchlike.load: memo write from an empty stack: {_CORRUPT}")
        self._memo[index] = self._stack[-1]

    def _binput(self):
        self._put(self._take(1)[0])

    def _long_binput(self):
        self._put(struct.unpack("<I", self._take(4))[0])

    def _proto(self):
        proto = self._take(1)[0]
        if proto != 2:
            warnings.warn(
                f"Detected pickle protocol {proto} in the checkpoint, which was not the default "
                "pickle protocol used by `torch.load` (2). The weights_only Unpickler might not "
                "support all instructions implemented by this protocol, please file an issue for "
                "adding support if you encounter this.",
                stacklevel=4,
            )

    _none = _push(None)
    _true = _push(True)
    _false = _push(False)
    _empty_tuple = _push(())
    _empty_list = _push_new(list)
    _empty_dict = _push_new(dict)
    _empty_set = _push_new(set)
    del _push, _push_new


_U = _WeightsOnlyUnpickler
_OPCODES = {
    pickle.GLOBAL[0]: _U._global,
    pickle.REDUCE[0]: _U._reduce,
    pickle.NEWOBJ[0]: _U._newobj,
    pickle.BUILD[0]: _U._build,
    pickle.APPEND[0]: _U._append,
    pickle.APPENDS[0]: _U._appends,
    pickle.SETITEM[0]: _U._setitem,
    pickle.SETITEMS[0]: _U._setitems,
    pickle.BINPERSID[0]: _U._persid,
    pickle.MARK[0]: _U._mark,
    pickle.TUPLE[0]: _U._tuple,
    pickle.TUPLE1[0]: _U._tuple1,
    pickle.TUPLE2[0]: _U._tuple2,
    pickle.TUPLE3[0]: _U._tuple3,
    pickle.NONE[0]: _U._none,
    pickle.NEWTRUE[0]: _U._true,
    pickle.NEWFALSE[0]: _U._false,
    pickle.EMPTY_TUPLE[0]: _U._empty_tuple,
    pickle.EMPTY_LIST[0]: _U._empty_list,
    pickle.EMPTY_DICT[0]: _U._empty_dict,
    pickle.EMPTY_SET[0]: _U._empty_set,
    pickle.BININT[0]: _U._binint,
    pickle.BININT1[0]: _U._binint1,
    pickle.BININT2[0]: _U._binint2,
    pickle.LONG1[0]: _U._long1,
    pickle.BINFLOAT[0]: _U._binfloat,
    pickle.BINUNICODE[0]: _U._binunicode,
    pickle.SHORT_BINSTRING[0]: _U._short_binstring,
    pickle.BINGET[0]: _U._binget,
    pickle.LONG_BINGET[0]: _U._long_binget,
    pickle.BINPUT[0]: _U._binput,
    pickle.LONG_BINPUT[0]: _U._long_binput,
    pickle.PROTO[0]: _U._proto,
}
del _U


class _Unpickler(pickle.Unpickler):
    """``weights_only=False``: Python's own unpickler (it can run any code the file names);
    ``torch.*`` globals resolve to torchlike's twins."""

    def __init__(self, file, load_storage, **kwargs):
        super().__init__(file, **kwargs)
        self._load_storage = load_storage

    def persistent_load(self, pid):
        if isinstance(pid, tuple) and len(pid) == 4 and pid[0] == "module":
            return pid[1]  # a legacy whole-model save names each Module class with its source
        if not isinstance(pid, tuple) or not pid or pid[0] != "storage" or len(pid) < 5:
            raise pickle.UnpicklingError(f"Unsupported persistent id {pid!r}")
        _, storage_type, key, _location, _numel = pid[:5]
        if not isinstance(storage_type, _StorageType) or not isinstance(key, str):
            raise pickle.UnpicklingError(f"Unsupported storage record {pid!r}")
        return self._load_storage(key, storage_type.dtype)

    def find_class(self, module, name):
        if (module, name) in _compat_pickle.NAME_MAPPING:
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        elif module in _compat_pickle.IMPORT_MAPPING:
            module = _compat_pickle.IMPORT_MAPPING[module]
        full_path = f"{module}.{name}"
        if full_path in _ALLOWED:
            return _ALLOWED[full_path]
        if full_path == "torch._C.Generator":
            return _Generator
        if module == "torch" or module.startswith("torch."):
            # a torch-namespace class or function: use torchlike's twin of the same name
            target = importlib.import_module("torchlike" + module[len("torch") :])
            for part in name.split("."):
                target = getattr(target, part)
            return target
        return super().find_class(module, name)


def _unpickler(file, load_storage, weights_only, pickle_load_args):
    if weights_only:
        return _WeightsOnlyUnpickler(file, load_storage, pickle_load_args.get("encoding", "utf-8"))
    return _Unpickler(file, load_storage, **pickle_load_args)


def _wo_message(message: str) -> str:
    if "was not an allowed global by default." in message:
        text = (
            "Weights only load failed. This file can still be loaded, to do so you have two "
            "options, \033[1mdo those steps only if you trust the source of the "
            f"checkpoint\033[0m. \n\t(1) {_UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with "
            "`weights_only=True` please check the recommended steps in the following error "
            "message.\n\tWeightsUnpickler error: " + message
        )
    else:
        text = f"Weights only load failed. {_UNSAFE_MESSAGE}\n"
        if "is blocked" not in message:
            text += (
                "Please file an issue with the following so that we can make "
                "`weights_only=True` compatible with your use case: WeightsUnpickler "
                "error: "
            )
        text += "\n\n" + message
    return text + _DOCS_MESSAGE


def _open_for_read(f):
    if isinstance(f, (str, os.PathLike)):
        return open(f, "rb"), True
    return f, False


_ZIP_MAGIC = b"PK\x03\x04"
_EOCD_SIZE = 22  # the smallest zip: an end-of-central-directory record alone


def _is_zip(file) -> bool:
    """PyTorch's test: the local-file-header magic at the start (not zipfile's EOCD search,
    which would send a truncated checkpoint down the legacy path)."""
    start = file.tell()
    magic = file.read(4)
    file.seek(start)
    return magic == _ZIP_MAGIC


def _open_zip(file) -> zipfile.ZipFile:
    start = file.tell()
    try:
        return zipfile.ZipFile(file)
    except Exception:  # zipfile reports a damaged directory in many ways; all mean one thing
        file.seek(0, io.SEEK_END)
        small = file.tell() - start < _EOCD_SIZE
        reason = "not a ZIP archive" if small else "failed finding central directory"
        raise RuntimeError(
            f"PytorchStreamReader failed reading zip archive: {reason}.{_MINIZ_HINT}"
        ) from None


def _read_record(archive, name, shown):
    try:
        return archive.read(name)
    except KeyError:
        raise RuntimeError(
            f"PytorchStreamReader failed locating file {shown}: file not found.{_MINIZ_HINT}"
        ) from None
    except Exception:  # bad CRC, bad local header, unknown compression …
        raise RuntimeError(
            f"PytorchStreamReader failed reading file {shown}: invalid header or archive is "
            f"corrupted.{_MINIZ_HINT}"
        ) from None


def _load_zip(archive: zipfile.ZipFile, weights_only, pickle_load_args):
    names = archive.namelist()
    pkl = next((n for n in names if n.endswith("data.pkl") and n.count("/") == 1), None)
    if pkl is None:
        raise RuntimeError(
            f"PytorchStreamReader failed locating file data.pkl: file not found.{_MINIZ_HINT}"
        )
    prefix = pkl[: -len("data.pkl")]
    big_endian = False
    if prefix + "byteorder" in names:
        big_endian = _read_record(archive, prefix + "byteorder", "byteorder").strip() == b"big"
    cache: dict = {}

    def load_storage(key, dtype):
        storage = cache.get(key)
        if storage is None:
            raw = _read_record(archive, f"{prefix}data/{key}", f"data/{key}")
            storage = _LoadedStorage(raw, dtype, big_endian)
            cache[key] = storage
        return storage

    data = io.BytesIO(_read_record(archive, pkl, "data.pkl"))
    return _unpickler(data, load_storage, weights_only, pickle_load_args).load()


def _no_storages(key, dtype):
    raise pickle.UnpicklingError("torchlike.load: a bare pickle holds no storage records")


def _legacy_records(data: bytes):
    """``({key: storage type name}, end)`` of the legacy stream's object pickle in ``data``,
    read off its opcodes without running it: each storage's type (so its element size) is
    needed to find where the next one's bytes start, before the object can be built."""
    stack, marks, memo, found = [], [], {}, {}
    unknown = object()
    for info, arg, pos in pickletools.genops(data):
        name = info.name
        if name == "STOP":
            return found, pos + 1
        if name == "MARK":
            marks.append(stack)
            stack = []
        elif name == "GLOBAL":
            stack.append(("global", arg))
        elif name == "STACK_GLOBAL":  # protocol 4+: module and name pushed as strings
            module, qualname = stack[-2:]
            del stack[-2:]
            ok = isinstance(module, str) and isinstance(qualname, str)
            stack.append(("global", f"{module} {qualname}") if ok else unknown)
        elif name in ("BINPUT", "LONG_BINPUT", "PUT"):
            memo[arg] = stack[-1]
        elif name == "MEMOIZE":
            memo[len(memo)] = stack[-1]
        elif name in ("BINGET", "LONG_BINGET", "GET"):
            stack.append(memo.get(arg, unknown))
        elif name == "TUPLE":
            items, stack = stack, marks.pop()
            stack.append(tuple(items))
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            n = int(name[-1])
            items = tuple(stack[-n:])
            del stack[-n:]
            stack.append(items)
        elif name == "BINPERSID":
            pid = stack.pop()
            if isinstance(pid, tuple) and len(pid) >= 5 and pid[0] == "storage":
                kind, key = pid[1], pid[2]
                if isinstance(kind, tuple) and kind[0] == "global" and isinstance(key, str):
                    found[key] = kind[1].replace(" ", ".")
            stack.append(unknown)
        elif not info.stack_before and len(info.stack_after) == 1 and info.arg is not None:
            stack.append(arg)  # a literal: int, float, string, bytes
        elif name == "NONE":
            stack.append(None)
        else:
            before = info.stack_before
            if pickletools.markobject in before:
                stack = marks.pop()
                before = before[: before.index(pickletools.markobject)]
            if before:
                del stack[len(stack) - len(before) :]
            stack.extend(unknown for _ in info.stack_after)
    raise _Truncated(f"torchlike.load: the pickle data ends before its STOP opcode: {_CORRUPT}")


def _load_legacy(file, weights_only, pickle_load_args):
    """Non-zip input: PyTorch's legacy (pre-1.6) stream, which starts with a pickled magic
    number.  Every pickle in it goes through the same (restricted) unpickler, so a malicious
    plain pickle fails exactly as it does under PyTorch."""

    def header():
        return _unpickler(file, _no_storages, weights_only, pickle_load_args).load()

    if header() != _LEGACY_MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    version = header()
    if version != _LEGACY_PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {version}")
    sys_info = header()
    order = "<" if not isinstance(sys_info, dict) or sys_info.get("little_endian", True) else ">"
    rest = file.read()
    types, end = _legacy_records(rest)
    stream = io.BytesIO(rest)
    stream.seek(end)
    keys = _unpickler(stream, _no_storages, weights_only, pickle_load_args).load()
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise _Corrupt(f"torchlike.load: the legacy storage key list is malformed: {_CORRUPT}")
    raw, pos = {}, stream.tell()
    for key in keys:
        kind = _ALLOWED.get(types.get(key, ""))
        if not isinstance(kind, _StorageType):
            raise _Corrupt(f"torchlike.load: no storage record for key {key!r}: {_CORRUPT}")
        size = 1 if kind.dtype is None else np.dtype(kind.dtype._np).itemsize
        if pos + 8 > len(rest):
            raise _Truncated(f"torchlike.load: the storage data ends early: {_CORRUPT}")
        (count,) = struct.unpack(order + "q", rest[pos : pos + 8])
        pos += 8
        if count < 0 or pos + count * size > len(rest):
            raise _Truncated(f"torchlike.load: the storage data ends early: {_CORRUPT}")
        raw[key] = rest[pos : pos + count * size]
        pos += count * size
    cache: dict = {}

    def load_storage(key, dtype):
        storage = cache.get(key)
        if storage is None:
            if key not in raw:
                raise _Corrupt(f"torchlike.load: storage {key!r} has no data: {_CORRUPT}")
            storage = cache[key] = _LoadedStorage(raw[key], dtype, order == ">")
        return storage

    stream.seek(0)
    return _unpickler(stream, load_storage, weights_only, pickle_load_args).load()


def load(
    f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args
):
    """Read an object saved by ``torch.save`` or ``torchlike.save``.

    Tensors are placed on JAX's default device whatever ``map_location`` says.  A corrupt or
    truncated file raises ``RuntimeError``/``EOFError``/``UnpicklingError`` saying so, without
    PyTorch's advice to retry with ``weights_only=False`` (that advice is for files that use
    globals outside the allow-list, not for damaged ones)."""
    if weights_only is None:
        weights_only = pickle_module is None
    elif weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    pickle_load_args.setdefault("encoding", "utf-8")
    file, owned = _open_for_read(f)
    try:
        try:
            if _is_zip(file):
                if mmap and not isinstance(f, (str, os.PathLike)):
                    raise ValueError("f must be a file path in order to use the mmap argument")
                with _open_zip(file) as archive:
                    return _load_zip(archive, weights_only, pickle_load_args)
            if mmap:
                shown = f"{f}, " if isinstance(f, str) else ""
                raise RuntimeError(
                    "mmap can only be used with files saved with "
                    f"`torch.save({shown}_use_new_zipfile_serialization=True), please "
                    "torch.save your checkpoint with this option in order to use mmap."
                )
            return _load_legacy(file, weights_only, pickle_load_args)
        except _Corrupt as e:  # plain public types at the boundary
            raise pickle.UnpicklingError(str(e)) from None
        except _Truncated as e:
            raise EOFError(str(e)) from None
        except pickle.UnpicklingError as e:
            if weights_only:
                raise pickle.UnpicklingError(_wo_message(str(e))) from None
            raise
    finally:
        if owned:
            file.close()


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
