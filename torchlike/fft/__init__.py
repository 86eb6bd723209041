"""``torch.fft``: discrete Fourier transforms, their frequencies and shifts.

Every transform is one of four table entries (``_ops/spectral_table.py``): complex-to-complex
(FftC2CBackward0), real-to-complex (FftR2CBackward0), complex-to-real (FftC2RBackward0) and the
conjugated real-to-complex of ``ifft``/``ihfft`` on real input (ConjBackward0).  This module
parses PyTorch's ``n=``/``s=``/``dim=``/``norm=`` arguments into their static arguments.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._factories import _finish
from .._missing import module_getattr as _module_getattr
from .._ops.core import apply
from .._ops.frontend import FUNCTIONS as _FUNCTIONS
from .._ops.spectral import _TYPE_NAMES
from .._ops.table import OPS
from .._ops.variants import make_out
from .._tensor import Tensor, _wrap_dim

__all__ = [
    "fft",
    "ifft",
    "rfft",
    "irfft",
    "hfft",
    "ihfft",
    "fft2",
    "ifft2",
    "rfft2",
    "irfft2",
    "hfft2",
    "ihfft2",
    "fftn",
    "ifftn",
    "rfftn",
    "irfftn",
    "hfftn",
    "ihfftn",
    "fftfreq",
    "rfftfreq",
    "fftshift",
    "ifftshift",
    "Tensor",
]


def _norm_code(norm, forward):
    """PyTorch's fft_norm_mode for a ``norm=`` string and a transform direction."""
    if norm is None or norm == "backward":
        return 0 if forward else 2
    if norm == "forward":
        return 2 if forward else 0
    if norm == "ortho":
        return 1
    raise RuntimeError(f'Invalid normalization mode: "{norm}"')


def _check_points(n):
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")


def _shape_and_dims(x, s, dim):
    """(dims, sizes) for the n-dimensional transforms, with PyTorch's rules and errors."""
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        dims = tuple(_wrap_dim(d, x.ndim) for d in dims)
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
        if s is not None and len(s) != len(dims):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
    elif s is not None:
        if len(s) > x.ndim:
            raise RuntimeError(
                f"Got shape with {len(s)} values but input tensor only has {x.ndim} dimensions."
            )
        dims = tuple(range(x.ndim - len(s), x.ndim))
    else:
        dims = tuple(range(x.ndim))
    if s is None:
        sizes = tuple(x.shape[d] for d in dims)
    else:
        sizes = tuple(x.shape[d] if n == -1 else int(n) for d, n in zip(dims, s))
    for n in sizes:
        _check_points(n)
    return dims, sizes


def _float_dtype(x):
    # integer and bool signals are transformed in the default float dtype, as in PyTorch
    if x.dtype.is_floating_point or x.dtype.is_complex:
        return None
    return D.get_default_dtype()


def _c2c(x, dims, sizes, norm, forward):
    return apply(
        OPS["fft_c2c"],
        (x,),
        (
            ("dim", dims),
            ("sizes", sizes),
            ("normalization", _norm_code(norm, forward)),
            ("forward", forward),
        ),
        dtype=_float_dtype(x),
    )


def _r2c(x, dims, sizes, norm, forward, onesided):
    key = "fft_r2c" if forward else "fft_r2c_conj"
    return apply(
        OPS[key],
        (x,),
        (
            ("dim", dims),
            ("sizes", sizes),
            ("normalization", _norm_code(norm, forward)),
            ("onesided", onesided),
        ),
        dtype=_float_dtype(x),
    )


def _c2r(x, dims, sizes, norm, forward, conj=False):
    static = (("dim", dims), ("sizes", sizes), ("normalization", _norm_code(norm, forward)))
    return apply(
        OPS["fft_c2r"], (x,), static + ((("conj", True),) if conj else ()), dtype=_float_dtype(x)
    )


def _one_dim(x, n, dim):
    d = _wrap_dim(dim, x.ndim)
    n = x.shape[d] if n is None else n
    _check_points(n)
    return (d,), (n,)


def _require_real(x, message):
    if x.dtype.is_complex:
        raise RuntimeError(message + _TYPE_NAMES[x.dtype])


def _c2r_last_size(x, dims, n):
    size = 2 * (x.shape[dims[-1]] - 1) if n is None or n == -1 else n
    _check_points(size)
    return size


# ---------------------------------------------------------------------------------- 1-D
def fft(input, n=None, dim=-1, norm=None):
    dims, sizes = _one_dim(input, n, dim)
    if input.dtype.is_complex:
        return _c2c(input, dims, sizes, norm, True)
    return _r2c(input, dims, sizes, norm, True, onesided=False)


def ifft(input, n=None, dim=-1, norm=None):
    dims, sizes = _one_dim(input, n, dim)
    if input.dtype.is_complex:
        return _c2c(input, dims, sizes, norm, False)
    return _r2c(input, dims, sizes, norm, False, onesided=False)


def rfft(input, n=None, dim=-1, norm=None):
    _require_real(input, "rfft expects a real input tensor, but got ")
    dims, sizes = _one_dim(input, n, dim)
    return _r2c(input, dims, sizes, norm, True, onesided=True)


def ihfft(input, n=None, dim=-1, norm=None):
    _require_real(input, "ihfft expects a real input tensor, but got ")
    dims, sizes = _one_dim(input, n, dim)
    return _r2c(input, dims, sizes, norm, False, onesided=True)


def irfft(input, n=None, dim=-1, norm=None):
    dims = (_wrap_dim(dim, input.ndim),)
    return _c2r(input, dims, (_c2r_last_size(input, dims, n),), norm, False)


def hfft(input, n=None, dim=-1, norm=None):
    dims = (_wrap_dim(dim, input.ndim),)
    return _c2r(input, dims, (_c2r_last_size(input, dims, n),), norm, True, conj=True)


# ---------------------------------------------------------------------------------- n-D
def fftn(input, s=None, dim=None, norm=None):
    dims, sizes = _shape_and_dims(input, s, dim)
    return _c2c(input, dims, sizes, norm, True)


def ifftn(input, s=None, dim=None, norm=None):
    dims, sizes = _shape_and_dims(input, s, dim)
    return _c2c(input, dims, sizes, norm, False)


def rfftn(input, s=None, dim=None, norm=None):
    _require_real(input, "rfftn expects a real-valued input tensor, but got ")
    dims, sizes = _shape_and_dims(input, s, dim)
    return _r2c(input, dims, sizes, norm, True, onesided=True)


def ihfftn(input, s=None, dim=None, norm=None):
    dims, sizes = _shape_and_dims(input, s, dim)  # PyTorch checks the arguments first here
    _require_real(input, "Only supports floating-point dtypes, but found: ")
    return apply(
        OPS["fft_ihfftn"],
        (input,),
        (("dim", dims), ("sizes", sizes), ("normalization", _norm_code(norm, False))),
        dtype=_float_dtype(input),
    )


def _c2r_nd(input, s, dim, norm, forward, conj):
    dims, sizes = _shape_and_dims(input, None if s is None else tuple(s), dim)
    last = _c2r_last_size(input, dims, None if s is None else s[-1])
    return _c2r(input, dims, sizes[:-1] + (last,), norm, forward, conj=conj)


def irfftn(input, s=None, dim=None, norm=None):
    if s is not None:  # sizes of the real output; the input is read up to s[-1] // 2 + 1
        s = tuple(s)
    return _c2r_nd(input, s, dim, norm, False, False)


def hfftn(input, s=None, dim=None, norm=None):
    return _c2r_nd(input, s, dim, norm, True, True)


def fft2(input, s=None, dim=(-2, -1), norm=None):
    return fftn(input, s, dim, norm)


def ifft2(input, s=None, dim=(-2, -1), norm=None):
    return ifftn(input, s, dim, norm)


def rfft2(input, s=None, dim=(-2, -1), norm=None):
    return rfftn(input, s, dim, norm)


def irfft2(input, s=None, dim=(-2, -1), norm=None):
    return irfftn(input, s, dim, norm)


def hfft2(input, s=None, dim=(-2, -1), norm=None):
    return hfftn(input, s, dim, norm)


def ihfft2(input, s=None, dim=(-2, -1), norm=None):
    return ihfftn(input, s, dim, norm)


# ---------------------------------------------------------------------------------- helpers
def _frequencies(values, n, d, dtype, device, requires_grad):
    dtype = D.get_default_dtype() if dtype is None else D.to_dtype(dtype)
    npd = np.dtype(dtype._np)
    # PyTorch multiplies the integer grid by 1 / (n * d) in the result's dtype
    out = values.astype(npd) * npd.type(1.0 / (n * d)) if n else values.astype(npd)
    return _finish(jnp.asarray(out), dtype, requires_grad, device)


def fftfreq(n, d=1.0, *, dtype=None, layout=None, device=None, requires_grad=False):
    grid = np.concatenate([np.arange((n + 1) // 2), np.arange(-(n // 2), 0)])
    return _frequencies(grid, n, d, dtype, device, requires_grad)


def rfftfreq(n, d=1.0, *, dtype=None, layout=None, device=None, requires_grad=False):
    return _frequencies(np.arange(n // 2 + 1), n, d, dtype, device, requires_grad)


def _shift(input, dim, amount):
    if dim is None:
        dims = tuple(range(input.ndim))
    else:
        dims = tuple(_wrap_dim(d, input.ndim) for d in ((dim,) if isinstance(dim, int) else dim))
    shifts = tuple(amount(input.shape[d]) for d in dims)
    return _FUNCTIONS["roll"](input, shifts, dims)


def fftshift(input, dim=None):
    return _shift(input, dim, lambda n: n // 2)


def ifftshift(input, dim=None):
    return _shift(input, dim, lambda n: (n + 1) // 2)


# torch.fft.X(..., out=t): the same out= rules as the torch-level functions
for _name in (
    "fft",
    "ifft",
    "rfft",
    "irfft",
    "hfft",
    "ihfft",
    "fft2",
    "ifft2",
    "rfft2",
    "irfft2",
    "hfft2",
    "ihfft2",
    "fftn",
    "ifftn",
    "rfftn",
    "irfftn",
    "hfftn",
    "ihfftn",
    "fftfreq",
    "rfftfreq",
):
    globals()[_name] = make_out(globals()[_name], f"fft_{_name}")
del _name

__getattr__ = _module_getattr(__name__)
