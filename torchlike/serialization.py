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

``load`` defaults to ``weights_only=True`` as PyTorch >= 2.6 does: the unpickler resolves only an
allow-list of globals (containers, tensor/parameter rebuild functions, storage types, dtypes,
``torch.Size``/``torch.device`` …), so a malicious pickle cannot reach ``os.system`` or any other
callable; it fails with PyTorch's ``UnpicklingError`` text instead.  Every way a pickle can call
code (``REDUCE``, ``NEWOBJ``, ``INST``/``OBJ``, ``BUILD`` with ``__setstate__``, extension codes)
goes through ``find_class`` first, which is where the allow-list is enforced.
"""

from __future__ import annotations

import _compat_pickle
import codecs
import collections
import contextlib
import importlib
import io
import os
import pickle
import struct
import sys
import zipfile

import jax.numpy as jnp
import numpy as np

from . import _dtype as D
from ._size import Size, device
from ._tensor import Tensor
from .nn.parameter import Parameter

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

    def _tensor_reduction(self, tensor, requires_grad):
        shape = tuple(tensor.shape)
        strides, acc = [], 1
        for n in reversed(shape):
            strides.append(acc)
            acc *= max(n, 1)
        return (
            _REBUILD_TENSOR_V2,
            (
                self._storage_for(tensor),
                0,
                shape,
                tuple(reversed(strides)),
                requires_grad,
                _ORDERED_DICT(),
            ),
        )

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            if getattr(obj, "_is_param", False):
                return (_REBUILD_PARAMETER, (_PlainTensor(obj), obj.requires_grad, _ORDERED_DICT()))
            return self._tensor_reduction(obj, obj.requires_grad)
        if isinstance(obj, _PlainTensor):
            return self._tensor_reduction(obj.tensor, False)
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
    """Write ``obj`` to ``f`` (a path or a binary file object) in PyTorch's zip format."""
    if not _use_new_zipfile_serialization:
        raise NotImplementedError(
            "torchlike.save writes only PyTorch's zip format (_use_new_zipfile_serialization=True)"
        )
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


# ---------------------------------------------------------------------------------- loading
class _LoadedStorage:
    """The raw bytes of one ``data/<key>`` record (typed when the pickle named a dtype)."""

    def __init__(self, raw: bytes, dtype, big_endian: bool):
        self.raw = raw
        self.dtype = dtype
        self.big_endian = big_endian

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
    if numel > 0:
        last = offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= flat.size:
            raise RuntimeError(
                f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                f"{offset}, and itemsize {flat.itemsize} requiring a storage size of "
                f"{(last + 1) * flat.itemsize} are out of bounds for storage of size "
                f"{flat.size * flat.itemsize}"
            )
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
    result = func(*args)
    if isinstance(result, Tensor):
        _set_python_attributes(result, state)
    return result


def _get_layout(name):
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
    _user_safe_globals.extend(safe_globals)


def clear_safe_globals():
    _user_safe_globals.clear()


def get_safe_globals():
    return list(_user_safe_globals)


@contextlib.contextmanager
def safe_globals(safe_globals):
    saved = list(_user_safe_globals)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _user_safe_globals[:] = saved


def _user_allowed() -> dict:
    out = {}
    for entry in _user_safe_globals:
        if isinstance(entry, tuple):
            obj, name = entry
            out[name] = obj
        else:
            out[f"{entry.__module__}.{entry.__qualname__}"] = entry
    return out


def _display_name(full_path):
    """PyTorch prints builtins without their module (``slice``, not ``builtins.slice``)."""
    if full_path.startswith("builtins."):
        return full_path[len("builtins.") :]
    return full_path


class _Unpickler(pickle.Unpickler):
    """Reads ``data.pkl``: storages come from the archive; globals go through ``find_class``."""

    def __init__(self, file, load_storage, weights_only, **kwargs):
        super().__init__(file, **kwargs)
        self._load_storage = load_storage
        self._weights_only = weights_only

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or not pid or pid[0] != "storage" or len(pid) < 5:
            raise pickle.UnpicklingError(f"Unsupported persistent id {pid!r}")
        _, storage_type, key, _location, _numel = pid[:5]
        if not isinstance(storage_type, _StorageType) or not isinstance(key, str):
            raise pickle.UnpicklingError(f"Unsupported storage record {pid!r}")
        return self._load_storage(key, storage_type.dtype)

    def find_class(self, module, name):
        # Python 2 names in protocol-2 pickles (``__builtin__.set``): the base class would map
        # them, but this override runs first
        if (module, name) in _compat_pickle.NAME_MAPPING:
            module, name = _compat_pickle.NAME_MAPPING[(module, name)]
        elif module in _compat_pickle.IMPORT_MAPPING:
            module = _compat_pickle.IMPORT_MAPPING[module]
        full_path = f"{module}.{name}"
        if self._weights_only:
            if module in _BLOCKED_MODULES:
                raise pickle.UnpicklingError(
                    f"Trying to load unsupported GLOBAL {full_path} "
                    f"whose module {module} is blocked."
                )
            if full_path in _ALLOWED:
                return _ALLOWED[full_path]
            user = _user_allowed()
            if full_path in user:
                return user[full_path]
            shown = _display_name(full_path)
            raise pickle.UnpicklingError(
                f"Unsupported global: GLOBAL {shown} was not an allowed global by default. "
                f"Please use `torch.serialization.add_safe_globals([{shown}])` or the "
                f"`torch.serialization.safe_globals([{shown}])` context manager to allowlist "
                "this global if you trust this class/function."
            )
        if full_path in _ALLOWED:
            return _ALLOWED[full_path]
        if module == "torch" or module.startswith("torch."):
            # a torch-namespace class or function: use torchlike's twin of the same name
            target = importlib.import_module("torchlike" + module[len("torch") :])
            for part in name.split("."):
                target = getattr(target, part)
            return target
        return super().find_class(module, name)


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


def _load_zip(archive: zipfile.ZipFile, weights_only, pickle_load_args):
    names = archive.namelist()
    pkl = next((n for n in names if n.endswith("data.pkl") and n.count("/") == 1), None)
    if pkl is None:
        raise RuntimeError("PytorchStreamReader failed locating file data.pkl: file not found")
    prefix = pkl[: -len("data.pkl")]
    big_endian = False
    if prefix + "byteorder" in names:
        big_endian = archive.read(prefix + "byteorder").strip() == b"big"
    cache: dict = {}

    def load_storage(key, dtype):
        storage = cache.get(key)
        if storage is None:
            storage = _LoadedStorage(archive.read(f"{prefix}data/{key}"), dtype, big_endian)
            cache[key] = storage
        return storage

    unpickler = _Unpickler(
        io.BytesIO(archive.read(pkl)), load_storage, weights_only, **pickle_load_args
    )
    return unpickler.load()


def _reject_legacy(file, weights_only, pickle_load_args):
    """Non-zip input: PyTorch's legacy format starts with a pickled magic number.  Reading that
    first pickle with the same (restricted) unpickler makes a malicious plain pickle fail
    exactly as it does under PyTorch."""
    first = _Unpickler(file, lambda key, dtype: None, weights_only, **pickle_load_args).load()
    if first != _LEGACY_MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    raise RuntimeError(
        "torchlike.load: this is PyTorch's legacy (pre-1.6, non-zip) checkpoint "
        "format, which torchlike does not read; re-save it with torch.save in "
        "PyTorch >= 1.6"
    )


def load(
    f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args
):
    """Read an object saved by ``torch.save`` or ``torchlike.save``.

    Tensors are placed on JAX's default device whatever ``map_location`` says."""
    if weights_only is None:
        weights_only = pickle_module is None
    elif weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    pickle_load_args.setdefault("encoding", "utf-8")
    file, owned = _open_for_read(f)
    try:
        try:
            start = file.tell()
            is_zip = zipfile.is_zipfile(file)
            file.seek(start)
            if is_zip:
                with zipfile.ZipFile(file) as archive:
                    return _load_zip(archive, weights_only, pickle_load_args)
            return _reject_legacy(file, weights_only, pickle_load_args)
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
