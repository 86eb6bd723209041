"""Tensor factories: tensor, zeros, arange, eye … (all return leaves).

The random ones (``rand``, ``randn``, ``randint``, ``randperm`` and their ``_like`` forms) live
with the other samplers in ``_random_methods.py``, which builds on the helpers here."""

from __future__ import annotations

import collections.abc
import functools
import math
import numbers
import warnings

import jax.numpy as jnp
import numpy as np

from . import _device, _layout, _meta, _storage
from . import _dtype as D
from ._out import factory_out
from ._size import Size, check_size_items
from ._size import check_device_available as _check_device_available
from ._tensor import Tensor, tp_name


def _finish(value, dtype, requires_grad=False, device=None):
    if device is not None:
        _check_device_available(device)
    value = _device.for_factory(value, device)
    if isinstance(value, np.ndarray):  # made on the host: a transfer, no program
        value = _storage.transfer(value)
    t = Tensor._make(value, dtype)
    if requires_grad:
        if not (dtype.is_floating_point or dtype.is_complex):
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        t.requires_grad_(True)
    return t


def _is_size_int(s):
    return (isinstance(s, (int, np.integer)) and not isinstance(s, bool)) or (
        isinstance(s, Tensor) and s.ndim == 0 and not s.dtype.is_floating_point
    )


def _size_args(size, name="empty"):
    """The shape from ``f(2, 3)`` or ``f((2, 3))``, with the errors of PyTorch's argument
    parser (which name the factory)."""
    if len(size) == 0:
        size = ((),)
    if len(size) == 1 and not _is_size_int(size[0]):
        if not isinstance(size[0], (tuple, list, Size)):
            raise TypeError(
                f"{name}(): argument 'size' (position 1) must be tuple of ints, not "
                f"{type(size[0]).__name__}"
            )
        size = tuple(size[0])
        if size and not _is_size_int(size[0]):
            raise TypeError(
                f"{name}(): argument 'size' (position 1) must be tuple of ints, but found "
                f"element of type {type(size[0]).__name__} at pos 0"
            )
    elif not _is_size_int(size[0]):
        raise TypeError(f"{name}() takes 1 positional argument but {len(size)} were given")
    check_size_items(name, "size", size, _is_size_int)
    size = tuple(int(s) for s in size)
    for s in size:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return size


def _infer_dtype(data):
    """PyTorch's dtype inference for nested Python data."""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, np.ndarray):
        return D.from_numpy_dtype(data.dtype)
    if isinstance(data, np.generic):
        return D.from_numpy_dtype(np.asarray(data).dtype)
    if isinstance(data, bool):
        return D.bool_
    if isinstance(data, numbers.Integral):
        return D.int64
    if isinstance(data, numbers.Real):
        return D.get_default_dtype()
    if isinstance(data, numbers.Complex):
        return D.default_complex_dtype()
    if isinstance(data, (list, tuple)):
        best = None
        for item in data:
            d = _infer_dtype(item)
            if best is None:
                best = d
            elif d is not best:
                best = (
                    D._combine(best, d)
                    if d._category != best._category
                    else (best if best._rank >= d._rank else d)
                )
        return best if best is not None else D.get_default_dtype()
    if hasattr(data, "__array__"):
        return D.from_numpy_dtype(np.asarray(data).dtype)
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, memoryview):
        return _infer_dtype(list(data))  # any Python sequence: range, deque, array.array
    raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")


def _check_ragged(data, dim=0):
    """PyTorch's errors for nested lists that are not a rectangular block.  PyTorch reads the
    shape off the first element at each depth (``data[0][0]...``) and then walks everything
    against it: a number where a sequence is due is "not a sequence", a sequence where a number
    is due cannot be "interpreted as an integer", a wrong length names the dim."""
    if not isinstance(data, (list, tuple)):
        return
    shape = []
    x = data
    while isinstance(x, (list, tuple)):
        shape.append(len(x))
        if not x:
            break
        x = x[0]
    if 0 in shape:
        return  # PyTorch's own reading of empty rows is irregular; leave those to NumPy

    def walk(x, d):
        if isinstance(x, Tensor) or hasattr(x, "__array__"):
            return  # tensors and arrays inside lists are checked when they are stacked
        if d == len(shape):
            if isinstance(x, (list, tuple)):
                raise TypeError(f"'{type(x).__name__}' object cannot be interpreted as an integer")
            return
        if not isinstance(x, (list, tuple)):
            raise TypeError("not a sequence")
        if len(x) != shape[d]:
            raise ValueError(f"expected sequence of length {shape[d]} at dim {d} (got {len(x)})")
        for y in x:
            walk(y, d + 1)

    walk(data, dim)


def _check_int64_range(data, dtype):
    """PyTorch reads each Python int into an int64, then checks that the number fits the
    integer ``dtype`` (c10's ``overflows``: a negative int may wrap into an unsigned type as
    long as its magnitude fits, a float must lie within the type's range)."""
    info = np.iinfo(dtype._np)
    lo, hi = int(info.min), int(info.max)
    unsigned = lo == 0

    def check(x):
        if isinstance(x, (bool, np.bool_)):
            return
        if isinstance(x, (int, np.integer)):
            x = int(x)
            if not -(1 << 63) <= x < (1 << 63):
                raise ValueError("Overflow when unpacking long long")
            bad = x > hi or (-x > hi if unsigned and x < 0 else x < lo)
        elif isinstance(x, (float, np.floating)):
            bad = not lo <= x <= hi  # (NaN and infinities too)
        elif isinstance(x, (list, tuple)):
            for y in x:
                check(y)
            return
        else:
            return
        if bad:
            raise RuntimeError(f"value cannot be converted to type {dtype._name} without overflow")

    check(data)


def _to_numpy(data):
    if isinstance(data, Tensor):
        return np.asarray(data._value)
    if isinstance(data, (list, tuple)):
        if any(isinstance(x, Tensor) for x in data):
            return np.stack([_to_numpy(x) for x in data]) if data else np.zeros(0)
        return np.asarray(data)
    return np.asarray(data)


def copy_construct_warning(data, spelling):
    """PyTorch's advice when a tensor is built from a tensor (``torch.tensor(t)``)."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach()."
            "clone() or sourceTensor.detach().clone().requires_grad_(True), rather than "
            f"{spelling}(sourceTensor).",
            UserWarning,
            stacklevel=3,
        )


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    copy_construct_warning(data, "torch.tensor")
    return _tensor(data, dtype, device, requires_grad)


def _tensor(data, dtype, device, requires_grad):
    if isinstance(data, (str, bytes)):  # also with a dtype given (new_tensor passes one)
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    dtype = _infer_dtype(data) if dtype is None else D.to_dtype(dtype)
    _check_ragged(data)
    if not (dtype.is_floating_point or dtype.is_complex or dtype is D.bool_):
        _check_int64_range(data, dtype)
    arr = _to_numpy(data)
    if arr.dtype == object:
        raise ValueError("expected sequence of equal-length lists")
    host = arr.astype(dtype._np, copy=False) if arr.dtype != dtype._np else arr
    # (``torch.tensor`` copies: an array it did not make itself may be the caller's memory)
    owned = host is not arr or isinstance(data, (list, tuple, bool, int, float, complex))
    return _finish(_storage.transfer(host, owned), dtype, requires_grad, device)


def as_tensor(data, dtype=None, device=None):
    if isinstance(data, Tensor) and (dtype is None or data.dtype is D.to_dtype(dtype)):
        return data
    if isinstance(data, Tensor):
        return data.to(dtype)
    return tensor(data, dtype=dtype, device=device)


asarray = as_tensor


def from_numpy(ndarray):
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    if any(s < 0 for s in ndarray.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with "
            "negative strides are not currently supported. (You can probably work around this "
            "by making a copy of your array  with array.copy().) "
        )
    if not ndarray.dtype.isnative:
        raise ValueError(
            "given numpy array has byte order different from the native byte order. "
            "Conversion between byte orders is currently not supported."
        )
    dtype = D.from_numpy_dtype(ndarray.dtype)
    return Tensor._make(_storage.transfer(ndarray, owned=False, staged=True), dtype)


def _dt(dtype, default=None):
    return D.to_dtype(dtype) if dtype is not None else (default or D.get_default_dtype())


def _filled(size, fill, dtype, requires_grad, device, name="empty", checked=False):
    shape = _size_args(size, name)
    if checked:
        D.check_scalar_fits(fill, dtype, math.prod(shape))
        if isinstance(fill, (complex, np.complexfloating)) and not dtype.is_complex:
            fill = complex(fill).real  # (the check let only a zero imaginary part through)
    if _device.factory_is_meta(device):  # nothing to fill: a shape and a dtype
        return _finish(_meta.array(shape, dtype._np), dtype, requires_grad, device)
    value = _storage.full_array(shape, fill, dtype._np)
    if value is not None:
        return _finish(value, dtype, requires_grad, device)
    return _finish(jnp.full(shape, fill, dtype._np), dtype, requires_grad, device)


@factory_out
def zeros(*size, dtype=None, layout=None, device=None, requires_grad=False):
    if any(isinstance(s, int) and s < 0 for s in _flat_size(size)):
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    return _filled(size, 0, _dt(dtype), requires_grad, device, "zeros")


def _flat_size(size):
    return tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) else size


@factory_out
def ones(*size, dtype=None, layout=None, device=None, requires_grad=False):
    return _filled(size, 1, _dt(dtype), requires_grad, device, "ones")


@factory_out
def empty(
    *size,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    memory_format=None,
    pin_memory=False,
):
    if memory_format is not None:
        _layout.check_layout_request(_size_args(size), memory_format, "empty", allow_preserve=False)
    return _filled(size, 0, _dt(dtype), requires_grad, device, "empty")


@factory_out
def full(size, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False):
    if not isinstance(size, (tuple, list, Size)):
        raise TypeError(
            f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}"
        )
    if not isinstance(fill_value, (numbers.Number, np.generic, Tensor)):
        raise TypeError(
            "full(): argument 'fill_value' (position 2) must be Number, not "
            f"{type(fill_value).__name__}"
        )
    if dtype is None:
        dtype = _infer_dtype(fill_value) if not isinstance(fill_value, Tensor) else fill_value.dtype
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    dtype = D.to_dtype(dtype)
    return _filled((tuple(size),), fill_value, dtype, requires_grad, device, "full", True)


def _like(input, dtype):
    return D.to_dtype(dtype) if dtype is not None else input.dtype


def _check_like_input(name, input):
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{name}(): argument 'input' (position 1) must be Tensor, not {tp_name(input)}"
        )


def _like_device(input, device):
    """A ``*_like`` factory's device: ``input``'s unless one is given (as PyTorch)."""
    return input.device if device is None else device


def zeros_like(
    input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None
):
    _check_like_input("zeros_like", input)
    _layout.check_layout_request(input.shape, memory_format, "zeros_like")
    return _filled(
        (tuple(input.shape),), 0, _like(input, dtype), requires_grad, _like_device(input, device)
    )


def ones_like(
    input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None
):
    _check_like_input("ones_like", input)
    _layout.check_layout_request(input.shape, memory_format, "ones_like")
    return _filled(
        (tuple(input.shape),), 1, _like(input, dtype), requires_grad, _like_device(input, device)
    )


def empty_like(
    input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None
):
    _check_like_input("empty_like", input)
    _layout.check_layout_request(input.shape, memory_format, "empty_like")
    return _filled(
        (tuple(input.shape),), 0, _like(input, dtype), requires_grad, _like_device(input, device)
    )


def full_like(
    input,
    fill_value,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    memory_format=None,
):
    _check_like_input("full_like", input)
    _layout.check_layout_request(input.shape, memory_format, "full_like")
    return _filled(
        (tuple(input.shape),),
        fill_value,
        _like(input, dtype),
        requires_grad,
        _like_device(input, device),
        checked=True,
    )


def _scalar_value(x):
    return x.item() if isinstance(x, Tensor) else x


def _c_number(v):
    """A number as PyTorch's C++ message prints it (``0``, not ``0.0``)."""
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def _check_steps(steps):
    if isinstance(steps, int) and steps < 0:
        raise RuntimeError("number of steps must be non-negative")


@factory_out
def arange(
    start=0,
    end=None,
    step=1,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    if end is None:
        start, end = 0, start
    start, end, step = _scalar_value(start), _scalar_value(end), _scalar_value(step)
    if step == 0 or step != step:  # PyTorch calls a NaN step "zero" too
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {_c_number(start)} -> {_c_number(end)}")
    if not ((step > 0 and end >= start) or (step < 0 and end <= start)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        dtype = (
            D.int64
            if all(
                isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                for v in (start, end, step)
            )
            else D.get_default_dtype()
        )
    dtype = D.to_dtype(dtype)
    n = max(0, math.ceil((end - start) / step))
    # computed in float64 (or int64) and cast, as PyTorch's kernel accumulates in double
    if dtype.is_floating_point:
        values = start + np.arange(n, dtype=np.float64) * step
    else:
        values = start + np.arange(n, dtype=np.int64) * step
    return _finish(
        _storage.transfer(values.astype(dtype._np), staged=True), dtype, requires_grad, device
    )


@factory_out
def linspace(start, end, steps, *, dtype=None, layout=None, device=None, requires_grad=False):
    _check_steps(steps)
    start, end = _scalar_value(start), _scalar_value(end)
    if dtype is None and (isinstance(start, complex) or isinstance(end, complex)):
        dtype = D.complex128 if D.get_default_dtype() == D.float64 else D.complex64
    dtype = _dt(dtype)
    if dtype is D.bool_ and steps > 1:  # PyTorch's CPU kernel has no bool version
        raise NotImplementedError("\"linspace_cpu\" not implemented for 'Bool'")
    if steps == 1:
        values = np.asarray([start], np.float64)
    elif dtype.is_floating_point or dtype.is_complex:
        values = _linspace_float(start, end, steps, dtype._np.type)
    else:
        # integer outputs: the ends are converted first, the steps are taken in double
        start, end = int(start), int(end)
        values = np.trunc(_linspace_float(start, end, steps, np.float64))
    return _finish(
        _storage.transfer(values.astype(dtype._np), staged=True), dtype, requires_grad, device
    )


def _linspace_float(start, end, steps, npdt):
    """PyTorch's CPU kernel works in the output dtype, not in double, and its build contracts
    ``start + step * idx`` into one fused multiply-add: a float32 linspace(-pi, pi, 2000)
    differs from the rounded double one in the last bit."""
    if np.issubdtype(npdt, np.complexfloating):
        real = np.finfo(npdt).dtype.type
        return _linspace_float(
            complex(start).real, complex(end).real, steps, real
        ) + 1j * _linspace_float(complex(start).imag, complex(end).imag, steps, real)
    start, end = npdt(start), npdt(end)
    step = (end - start) / npdt(steps - 1)
    idx = np.arange(steps)  # PyTorch fills the first half from start, the second from end
    up, down = idx.astype(npdt), (steps - 1 - idx).astype(npdt)
    if npdt is np.float32:
        # the float64 product of two float32 values is exact, so one rounding is the fma's
        wide = np.float64(step)
        head = (np.float64(start) + wide * up).astype(np.float32)
        tail = (np.float64(end) - wide * down).astype(np.float32)
    elif npdt is np.float64:
        head, tail = _fma(step, up, start), _fma(-step, down, end)
    else:
        # float16/bfloat16 arithmetic rounds after each operation
        head, tail = start + step * up, end - step * down
    return np.where(idx < steps // 2, head, tail)


def _fma(a, b, c):
    # a * b + c with the product kept exact (Dekker's split) and the sum compensated
    p = a * b
    split = 134217729.0  # 2**27 + 1
    ah = a * split - (a * split - a)
    bh = b * split - (b * split - b)
    err = ((ah * bh - p) + ah * (b - bh) + (a - ah) * bh) + (a - ah) * (b - bh)
    s = p + c
    bv = s - p
    rounding = (p - (s - bv)) + (c - bv)
    return s + (rounding + err)


@factory_out
def logspace(
    start,
    end,
    steps,
    base=10.0,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    _check_steps(steps)
    dtype = _dt(dtype)
    exps = np.asarray(linspace(start, end, steps, dtype=D.float64)._value)
    return _finish(
        _storage.transfer((base**exps).astype(dtype._np), staged=True), dtype, requires_grad, device
    )


@factory_out
def eye(n, m=None, *, dtype=None, layout=None, device=None, requires_grad=False):
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"eye(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and isinstance(m, (int, np.integer)) and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    dtype = _dt(dtype)
    m = n if m is None else m
    if _storage.host_fills(n * m):
        return _finish(np.eye(n, m, dtype=dtype._np), dtype, requires_grad, device)
    return _finish(jnp.eye(n, m, dtype=dtype._np), dtype, requires_grad, device)


def _accept_size_keyword(fn):
    """``torch.zeros(size=(2, 3))``: PyTorch accepts the size as a keyword too."""

    @functools.wraps(fn)
    def wrapper(*size, **kwargs):
        if "size" in kwargs:
            if size:
                raise TypeError(f"{fn.__name__}() got multiple values for argument 'size'")
            size = (tuple(kwargs.pop("size")),)
        return fn(*size, **kwargs)

    return wrapper


zeros = _accept_size_keyword(zeros)
ones = _accept_size_keyword(ones)
empty = _accept_size_keyword(empty)


# ---------------------------------------------------------------------------------------------
# The legacy constructor: torch.FloatTensor(...) (``_legacy``) and x.new(...).

# c10's type names as they appear in TensorOptions messages
_C_TYPE_NAMES = {
    D.float32: "float",
    D.float64: "double",
    D.float16: "c10::Half",
    D.bfloat16: "c10::BFloat16",
    D.int64: "long int",
    D.int32: "int",
    D.int16: "short int",
    D.int8: "signed char",
    D.uint8: "unsigned char",
    D.bool_: "bool",
    D.complex64: "c10::complex<float>",
    D.complex128: "c10::complex<double>",
}


def _options(d):
    return (
        f"TensorOptions(dtype={_C_TYPE_NAMES[d]}, device=cpu, layout=Strided, "
        "requires_grad=false (default), pinned_memory=false (default), "
        "memory_format=(nullopt))"
    )


_NEW_SIGNATURES = (
    " * (*, torch.device device = None)\n{why}"
    " * (torch.Storage storage)\n"
    " * (Tensor other)\n"
    " * (tuple of ints size, *, torch.device device = None)\n"
    " * (object data, *, torch.device device = None)\n"
)


def _arg_type_name(value):
    if isinstance(value, Tensor):
        return "Tensor"
    if isinstance(value, D.dtype):
        return "torch.dtype"
    return type(value).__name__


def _bad_new_kwargs(args, kwargs):
    got = ", ".join(
        [_arg_type_name(a) for a in args] + [f"{k}={_arg_type_name(v)}" for k, v in kwargs.items()]
    )
    why = f"      didn't match because some of the keywords were incorrect: {', '.join(kwargs)}\n"
    return TypeError(
        "new() received an invalid combination of arguments - got "
        f"({got}), but expected one of:\n" + _NEW_SIGNATURES.format(why=why)
    )


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def legacy_new(d, args, device=None, kwargs=None):
    """The legacy constructor ``torch.FloatTensor(...)`` / ``x.new(...)``: sizes, a torch.Size,
    data, or a tensor of dtype ``d`` (aliased)."""
    if kwargs:
        raise _bad_new_kwargs(args, kwargs)
    if device is not None and str(device).split(":")[0] != "cpu":
        kind = str(device).split(":")[0]
        raise RuntimeError(
            f"legacy constructor expects device type: cpu but device type: {kind} was passed"
        )
    if not args:
        return tensor([], dtype=d)
    if len(args) == 1 and not _is_int(args[0]):
        data = args[0]
        if isinstance(data, Size):
            return empty(tuple(data), dtype=d)
        if isinstance(data, Tensor):
            if data.dtype is not d:
                raise TypeError(f"expected {_options(d)} (got {_options(data.dtype)})")
            # PyTorch returns an alias (AliasBackward0 when it has history)
            return data.view_as(data) if data.requires_grad else data.detach()
        if isinstance(data, str):
            raise TypeError("new(): invalid data type 'str'")
        if isinstance(data, (int, float, complex, bool)):
            raise TypeError(f"new(): data must be a sequence (got {type(data).__name__})")
        return tensor(data, dtype=d)
    for pos, a in enumerate(args):
        if not _is_int(a):
            if isinstance(a, (list, tuple)) or isinstance(args[0], (list, tuple)):
                got = ", ".join(_arg_type_name(x) for x in args)
                raise TypeError(
                    "new() received an invalid combination of arguments - got "
                    f"({got}), but expected one of:\n" + _NEW_SIGNATURES.format(why="")
                )
            raise TypeError(
                f"new(): argument 'size' failed to unpack the object at pos {pos + 1} with "
                f'error "type must be tuple of ints,but got {type(a).__name__}"'
            )
    return empty(*[int(a) for a in args], dtype=d)


def tensor_new(self, *args, device=None, **kwargs):
    """``x.new(...)``: the legacy constructor of ``x``'s type."""
    return legacy_new(self.dtype, args, device, kwargs)
