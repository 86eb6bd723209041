"""``torch.testing``: ``assert_close`` with PyTorch's tolerances and mismatch messages.

Values are compared with NumPy in the tensors' own dtype, as PyTorch compares them in theirs,
so the reported differences are the same numbers PyTorch prints.
"""

from __future__ import annotations

import collections.abc
import numbers
import warnings

import numpy as np

from .. import _dtype as D
from .. import _random_methods as _samplers
from .._factories import as_tensor as _as_tensor
from .._size import Size as _Size
from .._tensor import Tensor

__all__ = ["assert_close", "assert_allclose", "make_tensor"]

# dtype -> (rtol, atol) when neither is given; other dtypes compare exactly
_DTYPE_PRECISIONS = {
    D.float16: (0.001, 1e-5),
    D.bfloat16: (0.016, 1e-5),
    D.float32: (1.3e-6, 1e-5),
    D.float64: (1e-7, 1e-7),
    D.complex64: (1.3e-6, 1e-5),
    D.complex128: (1e-7, 1e-7),
}


class _Failure(Exception):
    def __init__(self, type_, msg):
        super().__init__(msg)
        self.type = type_
        self.msg = msg
        self.path = []  # keys/indices from the outermost container in


def _tolerances(*dtypes, rtol, atol):
    if (rtol is None) ^ (atol is None):
        raise ValueError(
            "Both 'rtol' and 'atol' must be either specified or omitted, "
            f"but got no {'rtol' if rtol is None else 'atol'}."
        )
    if rtol is not None:
        return rtol, atol
    pairs = [_DTYPE_PRECISIONS.get(d, (0.0, 0.0)) for d in dtypes]
    return max(r for r, _ in pairs), max(a for _, a in pairs)


def _diff_line(kind, diff, idx, tol, equality):
    line = (
        f"{kind.title()} difference: {diff}"
        if idx is None
        else f"Greatest {kind} difference: {diff} at index {idx}"
    )
    return line + ("" if equality else f" (up to {tol} allowed)")


def _mismatch_msg(identifier, default, extra, abs_diff, abs_idx, atol, rel_diff, rel_idx, rtol):
    equality = rtol == 0 and atol == 0
    if identifier is None:
        identifier = default
    elif callable(identifier):
        identifier = identifier(default)
    lines = [
        f"{identifier} are not {'equal' if equality else 'close'}!",
        "",
        extra,
        _diff_line("absolute", abs_diff, abs_idx, atol, equality),
        _diff_line("relative", rel_diff, rel_idx, rtol, equality),
    ]
    return "\n".join(lines)


def _scalar_msg(actual, expected, rtol, atol, identifier):
    abs_diff = abs(actual - expected)
    rel_diff = float("inf") if expected == 0 else abs_diff / abs(expected)
    return _mismatch_msg(
        identifier,
        "Scalars",
        f"Expected {expected} but got {actual}.",
        abs_diff,
        None,
        atol,
        rel_diff,
        None,
        rtol,
    )


def _isclose(a, e, rtol, atol, equal_nan):
    with np.errstate(invalid="ignore", over="ignore"):
        if a.dtype.kind in "biu":
            close = a == e
        else:
            close = (a == e) | (np.abs(a - e) <= atol + rtol * np.abs(e))
            finite = np.isfinite(a) & np.isfinite(e)
            close = np.where(finite, close, a == e)
            if equal_nan:
                close = close | (np.isnan(a) & np.isnan(e))
    return close


def _compare_arrays(a, e, rtol, atol, equal_nan, identifier):
    matches = _isclose(a, e, rtol, atol, equal_nan)
    if matches.all():
        return
    if a.ndim == 0:
        raise _Failure(AssertionError, _scalar_msg(a.item(), e.item(), rtol, atol, identifier))
    shape = a.shape
    n = matches.size
    bad = n - int(matches.sum())
    extra = f"Mismatched elements: {bad} / {n} ({bad / n:.1%})"
    a, e, matches = a.ravel(), e.ravel(), matches.ravel()
    if a.dtype.kind in "biu":
        a, e = a.astype(np.int64), e.astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        abs_diff = np.abs(a - e)
        abs_diff[matches] = 0
        denom = np.abs(e)
        if abs_diff.dtype.kind == "i":
            # integer differences divide into PyTorch's default float dtype
            float_np = D.get_default_dtype()._np
            abs_diff_f, denom = abs_diff.astype(float_np), denom.astype(float_np)
            rel_diff = abs_diff_f / denom
        else:
            rel_diff = abs_diff / denom
        rel_diff[matches] = 0
    abs_i, rel_i = int(np.argmax(abs_diff)), int(np.argmax(rel_diff))

    def index(flat):
        return tuple(int(i) for i in np.unravel_index(flat, shape))

    raise _Failure(
        AssertionError,
        _mismatch_msg(
            identifier,
            "Tensor-likes",
            extra,
            abs_diff[abs_i].item(),
            index(abs_i),
            atol,
            rel_diff[rel_i].item(),
            index(rel_i),
            rtol,
        ),
    )


def _check_attr(name, a, e):
    if a != e:
        raise _Failure(
            AssertionError, f"The values for attribute '{name}' do not match: {a} != {e}."
        )


def _compare_tensors(
    actual,
    expected,
    rtol,
    atol,
    equal_nan,
    check_device,
    check_dtype,
    check_layout,
    check_stride,
    identifier,
):
    _check_attr("shape", actual.shape, expected.shape)
    if check_device:
        _check_attr("device", actual.device, expected.device)
    if check_dtype:
        _check_attr("dtype", actual.dtype, expected.dtype)
    if check_layout:
        _check_attr("layout", actual.layout, expected.layout)
    if check_stride:
        _check_attr("stride()", actual.stride(), expected.stride())
    rtol, atol = _tolerances(actual.dtype, expected.dtype, rtol=rtol, atol=atol)
    a, e = np.asarray(actual.detach()._value), np.asarray(expected.detach()._value)
    if a.dtype != e.dtype:
        common = D.promote_types(actual.dtype, expected.dtype)._np
        a, e = a.astype(common), e.astype(common)
    _compare_arrays(a, e, rtol, atol, equal_nan, identifier)


def _compare_numpy(actual, expected, rtol, atol, equal_nan, check_dtype, identifier):
    _check_attr("shape", _size(actual.shape), _size(expected.shape))
    da, de = D.from_numpy_dtype(actual.dtype), D.from_numpy_dtype(expected.dtype)
    if check_dtype:
        _check_attr("dtype", da, de)
    rtol, atol = _tolerances(da, de, rtol=rtol, atol=atol)
    if actual.dtype != expected.dtype:
        common = D.promote_types(da, de)._np
        actual, expected = actual.astype(common), expected.astype(common)
    _compare_arrays(actual, expected, rtol, atol, equal_nan, identifier)


def _size(shape):
    return _Size(shape)


_NUMBER_DTYPES = ((bool, D.bool_), (int, D.int64), (float, D.float64), (complex, D.complex128))


def _compare_numbers(actual, expected, rtol, atol, equal_nan, check_dtype, identifier):
    if type(actual) is not type(expected) and check_dtype:
        raise _Failure(
            AssertionError, f"The (d)types do not match: {type(actual)} != {type(expected)}."
        )
    if isinstance(actual, bool) and isinstance(expected, bool):
        if actual is not expected:
            msg = f"Booleans mismatch: {actual} is not {expected}"
            if identifier is not None:
                msg = identifier(msg) if callable(identifier) else identifier
            raise _Failure(AssertionError, msg)
        return
    dtypes = [next(d for t, d in _NUMBER_DTYPES if isinstance(x, t)) for x in (actual, expected)]
    rtol, atol = _tolerances(*dtypes, rtol=rtol, atol=atol)
    if actual == expected:
        return
    both_nan = all(isinstance(x, (float, complex)) and x != x for x in (actual, expected))
    if equal_nan and both_nan:
        return
    finite = all(abs(x) != float("inf") for x in (actual, expected))
    if finite and not both_nan and abs(actual - expected) <= atol + rtol * abs(expected):
        return
    raise _Failure(AssertionError, _scalar_msg(actual, expected, rtol, atol, identifier))


def _is_number(x):
    return isinstance(x, numbers.Number) and not isinstance(x, np.ndarray)


def _compare_items(pairs, options):
    for key, a, e in pairs:
        try:
            _compare(a, e, options)
        except _Failure as failure:
            failure.path.insert(0, key)
            raise


def _compare(actual, expected, options):
    if isinstance(actual, Tensor) and isinstance(expected, Tensor):
        return _compare_tensors(actual, expected, **options)
    scalar_opts = {
        k: options[k] for k in ("rtol", "atol", "equal_nan", "check_dtype", "identifier")
    }
    if isinstance(actual, np.ndarray) and isinstance(expected, np.ndarray):
        return _compare_numpy(actual, expected, **scalar_opts)
    if _is_number(actual) and _is_number(expected):
        return _compare_numbers(actual, expected, **scalar_opts)
    if actual is None and expected is None:
        return
    seq = collections.abc.Sequence
    if (
        isinstance(actual, seq)
        and isinstance(expected, seq)
        and not isinstance(actual, str)
        and not isinstance(expected, str)
    ):
        if len(actual) != len(expected):
            raise _Failure(
                AssertionError,
                f"The length of the sequences mismatch: {len(actual)} != {len(expected)}",
            )
        return _compare_items(
            ((i, a, e) for i, (a, e) in enumerate(zip(actual, expected))), options
        )
    mapping = collections.abc.Mapping
    if isinstance(actual, mapping) and isinstance(expected, mapping):
        if set(actual) != set(expected):
            missing = sorted(set(expected) - set(actual), key=repr)
            extra = sorted(set(actual) - set(expected), key=repr)
            raise _Failure(
                AssertionError,
                "The keys of the mappings do not match:\n"
                f"Missing keys in the actual mapping: {missing}\n"
                f"Additional keys in the actual mapping: {extra}",
            )
        return _compare_items(((k, actual[k], expected[k]) for k in actual), options)
    raise _Failure(
        TypeError,
        f"No comparison pair was able to handle inputs of type "
        f"{type(actual)} and {type(expected)}.",
    )


def assert_close(
    actual,
    expected,
    *,
    allow_subclasses=True,
    rtol=None,
    atol=None,
    equal_nan=False,
    check_device=True,
    check_dtype=True,
    check_layout=True,
    check_stride=False,
    msg=None,
):
    """Raise PyTorch's ``AssertionError`` unless ``actual`` and ``expected`` are close."""
    if rtol is not None or atol is not None:
        _tolerances(rtol=rtol, atol=atol)
    options = dict(
        rtol=rtol,
        atol=atol,
        equal_nan=equal_nan,
        check_device=check_device,
        check_dtype=check_dtype,
        check_layout=check_layout,
        check_stride=check_stride,
        identifier=None if isinstance(msg, str) else msg,
    )
    try:
        _compare(actual, expected, options)
    except _Failure as failure:
        text = failure.msg
        if isinstance(msg, str) and failure.type is AssertionError:
            text = msg
        elif failure.path:
            text += "\n\nThe failure occurred for item " + "".join(f"[{k!r}]" for k in failure.path)
        raise failure.type(text) from None


# assert_allclose's own (older, looser) defaults
_ALLCLOSE_PRECISIONS = {D.float16: (1e-3, 1e-3), D.float32: (1e-4, 1e-5), D.float64: (1e-5, 1e-8)}


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg=""):
    warnings.warn(
        "`torch.testing.assert_allclose()` is deprecated since 1.12 and will be removed in a "
        "future release. Please use `torch.testing.assert_close()` instead. You can find "
        "detailed upgrade instructions in https://github.com/pytorch/pytorch/issues/61844.",
        FutureWarning,
        stacklevel=2,
    )
    if not isinstance(actual, Tensor):
        actual = _as_tensor(actual)
    if not isinstance(expected, Tensor):
        expected = _as_tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        rtol, atol = max(
            (_ALLCLOSE_PRECISIONS.get(d, (0.0, 0.0)) for d in (actual.dtype, expected.dtype)),
            key=lambda p: p[0],
        )
    assert_close(
        actual,
        expected,
        rtol=rtol,
        atol=atol,
        equal_nan=equal_nan,
        check_device=True,
        check_dtype=False,
        check_stride=False,
        msg=msg or None,
    )


def make_tensor(
    *shape,
    dtype,
    device,
    low=None,
    high=None,
    requires_grad=False,
    noncontiguous=False,
    exclude_zero=False,
    memory_format=None,
):
    """A random tensor in [low, high) (PyTorch's defaults per dtype; not PyTorch's stream)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    dtype = D.to_dtype(dtype)
    if dtype is D.bool_:
        result = _samplers.randint(0, 2, shape, device=device).to(D.bool_)
    elif not (dtype.is_floating_point or dtype.is_complex):
        lo = -9 if low is None else int(low)
        hi = 10 if high is None else int(high)
        if dtype is D.uint8:
            lo = max(lo, 0)
        result = _samplers.randint(lo, hi, shape, dtype=dtype, device=device)
        if exclude_zero:
            result = result.masked_fill(result == 0, 1)
    else:
        lo = -9.0 if low is None else float(low)
        hi = 9.0 if high is None else float(high)
        real = dtype.to_real() if dtype.is_complex else dtype
        result = _samplers.rand(shape, dtype=real, device=device) * (hi - lo) + lo
        if dtype.is_complex:
            imag = _samplers.rand(shape, dtype=real, device=device) * (hi - lo) + lo
            result = result.to(dtype) + imag.to(dtype) * 1j
        if exclude_zero:
            tiny = float(np.finfo(real._np).tiny)
            result = result.masked_fill(result == 0, tiny)
        result = result.to(dtype)
    if requires_grad:
        result.requires_grad_(True)
    return result


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
