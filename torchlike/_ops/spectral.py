"""PyTorch's torch-level signatures for the spectral and special ops: ``torch.stft`` /
``torch.istft``, the window functions, ``torch.polygamma``, ``torch.mvlgamma``, ``torch.igamma``
/ ``torch.igammac``.  ``torch.fft`` and ``torch.special`` (library layer) build on these and on
``spectral_table``'s entries.
"""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .. import _warnings
from .._factories import _finish
from .._tensor import Tensor
from ..autograd import grad_mode
from . import overloads, spectral_table  # noqa: F401 - registers the entries into OPS
from .core import apply
from .frontend import _binary, export
from .pointwise import check_floating_kernel
from .table import OPS

# PyTorch's C++ names for tensor types in stft's argument echo (torch.FloatTensor)
_TYPE_NAMES = {
    D.float32: "Float",
    D.float64: "Double",
    D.float16: "Half",
    D.bfloat16: "BFloat16",
    D.complex64: "ComplexFloat",
    D.complex128: "ComplexDouble",
}


# ---------------------------------------------------------------------------------- special
@export(inplace=True, out=True)
def polygamma(n, input):
    if isinstance(n, Tensor) and not isinstance(input, Tensor):
        n, input = input, n  # Tensor.polygamma(n): self comes first
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return apply(OPS["polygamma"], (input,), (("n", int(n)),))


@export(inplace=True, out=True)
def mvlgamma(input, p):
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    return apply(OPS["mvlgamma"], (input,), (("p", int(p)),))


def underived_self(key, input):
    """The entry for ``key``, or its variant whose backward raises PyTorch's "derivative ... is
    not implemented" when ``input`` (PyTorch's self) requires grad."""
    if isinstance(input, Tensor) and input.requires_grad and grad_mode.is_grad_enabled():
        return OPS[key + "_self_grad"]
    return OPS[key]


@export(inplace=True, out=True)
def igamma(input, other):
    check_floating_kernel("igamma_cpu", input, other)
    return _binary(underived_self("igamma", input), input, other)


@export(inplace=True, out=True)
def igammac(input, other):
    check_floating_kernel("igammac_cpu", input, other)
    return _binary(underived_self("igammac", input), input, other)


# ---------------------------------------------------------------------------------- windows
def _window(name, window_length, periodic, dtype, device, requires_grad, values):
    """A window of ``window_length`` points; ``values(n, npdtype)`` computes the symmetric
    window of ``n`` points in that dtype, following PyTorch's kernel step by step."""
    dtype = D.get_default_dtype() if dtype is None else D.to_dtype(dtype)
    if not dtype.is_floating_point:
        raise RuntimeError(
            f"{name} expects floating point dtypes, got: TensorOptions(dtype="
            f"{_OPTION_NAMES.get(dtype, str(dtype))}, device=cpu, layout=Strided (default), "
            "requires_grad=false (default), pinned_memory=false, memory_format=(nullopt))"
        )
    if window_length < 0:
        raise RuntimeError(
            f"{name} requires non-negative window_length, got window_length={window_length}"
        )
    npd = np.dtype(dtype._np)
    if window_length == 0:
        out = np.zeros((0,), npd)
    elif window_length == 1:
        out = np.ones((1,), npd)
    else:
        n = window_length + 1 if periodic else window_length
        out = values(n, npd)
        if periodic:
            out = out[:-1]
    return _finish(jnp.asarray(out.astype(npd)), dtype, requires_grad, device)


_OPTION_NAMES = {
    D.int64: "long int",
    D.int32: "int",
    D.int16: "short int",
    D.int8: "signed char",
    D.uint8: "unsigned char",
    D.bool_: "bool",
}


_WINDOW_OPTIONS = (
    "*, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
    "bool pin_memory = False, bool requires_grad = False"
)


def _window_signatures(name, *extra):
    """PyTorch's parser for a window function: ``(int window_length)``, then
    ``bool periodic`` and each of ``extra`` added positionally one signature at a time (so
    ``kaiser_window(16, beta=8.0)`` without ``periodic`` is refused, as PyTorch does)."""
    items = ["int window_length", "bool periodic", *extra]
    texts = tuple(f"({', '.join(items[:k])}, {_WINDOW_OPTIONS})" for k in range(1, len(items) + 1))
    return lambda fn: overloads.checked(fn, overloads.Overloads(name, texts), method=False)


def _general_hamming(alpha, beta):
    def values(n, npd):
        w = np.arange(n).astype(npd) * npd.type(2 * math.pi / (n - 1))
        return np.cos(w) * npd.type(-beta) + npd.type(alpha)

    return values


@export(method=False)
@_window_signatures("hann_window")
def hann_window(
    window_length,
    periodic=True,
    *,
    dtype=None,
    layout=None,
    device=None,
    pin_memory=False,
    requires_grad=False,
):
    return _window(
        "hann_window",
        window_length,
        periodic,
        dtype,
        device,
        requires_grad,
        _general_hamming(0.5, 0.5),
    )


@export(method=False)
@_window_signatures("hamming_window", "float alpha", "float beta")
def hamming_window(
    window_length,
    periodic=True,
    alpha=0.54,
    beta=0.46,
    *,
    dtype=None,
    layout=None,
    device=None,
    pin_memory=False,
    requires_grad=False,
):
    return _window(
        "hamming_window",
        window_length,
        periodic,
        dtype,
        device,
        requires_grad,
        _general_hamming(float(alpha), float(beta)),
    )


def _blackman(n, npd):
    w = np.arange(n).astype(npd) * npd.type(math.pi / (n - 1))
    return (
        np.cos(w * npd.type(4)) * npd.type(0.08)
        - np.cos(w * npd.type(2)) * npd.type(0.5)
        + npd.type(0.42)
    )


@export(method=False)
@_window_signatures("blackman_window")
def blackman_window(
    window_length,
    periodic=True,
    *,
    dtype=None,
    layout=None,
    device=None,
    pin_memory=False,
    requires_grad=False,
):
    return _window(
        "blackman_window", window_length, periodic, dtype, device, requires_grad, _blackman
    )


def _bartlett(n, npd):
    w = np.arange(n).astype(npd) * npd.type(2 / (n - 1))
    half = ((n - 1) >> 1) + 1
    w[half:] = npd.type(2) - w[half:]
    return w


@export(method=False)
@_window_signatures("bartlett_window")
def bartlett_window(
    window_length,
    periodic=True,
    *,
    dtype=None,
    layout=None,
    device=None,
    pin_memory=False,
    requires_grad=False,
):
    return _window(
        "bartlett_window", window_length, periodic, dtype, device, requires_grad, _bartlett
    )


@export(method=False)
@_window_signatures("kaiser_window", "float beta")
def kaiser_window(
    window_length,
    periodic=True,
    beta=12.0,
    *,
    dtype=None,
    layout=None,
    device=None,
    pin_memory=False,
    requires_grad=False,
):
    beta = float(beta)

    def values(n, npd):
        alpha = (n - 1) / 2.0
        k = np.arange(n, dtype=np.float64)
        arg = beta * np.sqrt(np.maximum(1 - ((k - alpha) / alpha) ** 2, 0))
        return (np.i0(arg) / np.i0(beta)).astype(npd)

    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad, values)


# ---------------------------------------------------------------------------------- stft
_PAD_MODES = {"reflect": "reflect", "constant": "constant", "replicate": "edge", "circular": "wrap"}


_PAD_COMBOS = (
    "Supported combinations for non-constant padding:\n"
    "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
    "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
    "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
)


def _check_center_pad(input, pad, pad_mode):
    """PyTorch's stft centres the signal in Python first, ``F.pad`` of the input viewed as
    ``[1] * (3 - ndim) + shape`` by ``n_fft // 2`` on each side, so F.pad's refusals come
    before any of stft's own checks (a reflect pad longer than the signal is refused, never
    reflected twice)."""
    if pad_mode not in _PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {pad_mode}")
    if pad_mode == "constant":
        return
    shape = [1] * (3 - input.ndim) + list(input.shape)
    if len(shape) not in (2, 3):
        raise NotImplementedError(
            f"Padding size 2 is not supported for {len(shape)}D input tensor.\n{_PAD_COMBOS}"
        )
    n = shape[-1]
    if pad_mode == "reflect" and pad >= n:
        raise RuntimeError(
            "Argument #4: Padding size should be less than the corresponding input dimension, "
            f"but got: padding ({pad}, {pad}) at dimension {len(shape) - 1} of input {shape}"
        )
    if pad_mode == "circular" and pad > n:
        raise RuntimeError("Padding value causes wrapping around more than once.")


def _echo(
    input,
    n_fft,
    hop_length,
    win_length,
    window,
    normalized,
    onesided,
    return_complex,
    align_to_window=None,
):
    def tensor_name(t, braces):
        name = f"torch.{_TYPE_NAMES.get(t.dtype, 'Float')}Tensor"
        shape = ", ".join(str(s) for s in t.shape)
        return f"{name}{{[{shape}]}}" if braces else f"{name}[{shape}]"

    def opt(v):
        return "None" if v is None else str(int(v))

    w = "None" if window is None else tensor_name(window, True)
    return (
        f"stft({tensor_name(input, False)}, n_fft={n_fft}, hop_length={hop_length}, "
        f"win_length={win_length}, window={w}, normalized={int(normalized)}, "
        f"onesided={opt(onesided)}, return_complex={opt(return_complex)}, "
        f"align_to_window={opt(align_to_window)}) : "
    )


def _window_pad(window, win_length, n_fft, dtype):
    """The window (ones when none is given) and the zeros around it that centre it in n_fft
    points, as PyTorch pads a shorter window; the padding happens inside the op so the
    window's gradient flows."""
    if window is None and win_length == n_fft:
        return None, (0, 0)
    if window is None:
        window = Tensor._make(jnp.ones((win_length,), dtype._np), dtype)
    left = (n_fft - win_length) // 2
    return window, (left, n_fft - win_length - left)


@export()
def stft(
    input,
    n_fft,
    hop_length=None,
    win_length=None,
    window=None,
    center=True,
    pad_mode="reflect",
    normalized=False,
    onesided=None,
    return_complex=None,
    align_to_window=None,
):
    if center and align_to_window is not None:
        raise RuntimeError("stft align_to_window should only be set when center = false")
    if center:
        _check_center_pad(input, n_fft // 2, pad_mode)
    if window is None:  # PyTorch warns (once per process) before any check
        _warnings.warn(
            "A window was not provided. A rectangular window will be applied,which is known to "
            "cause spectral leakage. Other windows such as torch.hann_window or "
            "torch.hamming_window are recommended to reduce spectral leakage.To suppress this "
            "warning and use a rectangular window, explicitly set "
            "`window=torch.ones(n_fft, device=<device>)`.",
            "aten/src/ATen/native/SpectralOps.cpp:835",
            once=True,
            stacklevel=2,
        )
    complex_input = input.dtype.is_complex or (window is not None and window.dtype.is_complex)
    if return_complex is None and not complex_input:
        raise RuntimeError(
            "stft requires the return_complex parameter be given for real "
            "inputs, and will further require that return_complex=True in a "
            "future PyTorch release."
        )
    hop_length = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    pad = n_fft // 2 if center else 0
    # align_to_window: frames of win_length samples, each window at its frame's start (the
    # n_fft-point frame around it reaches (n_fft - win_length) // 2 before it)
    align = bool(align_to_window) and not center
    shown = input
    if center:  # PyTorch's echo shows the padded input
        shown = Tensor._make(
            jnp.zeros(tuple(input.shape[:-1]) + (input.shape[-1] + 2 * pad,), input._value.dtype)
        )
    echo = _echo(
        shown,
        n_fft,
        hop_length,
        win_length,
        window,
        normalized,
        onesided,
        return_complex,
        align_to_window,
    )
    if input.ndim not in (1, 2):
        raise RuntimeError(echo + "expected a 1D or 2D tensor")
    length = input.shape[-1] + 2 * pad
    if not 0 < n_fft <= length:
        # (aligned to the window, PyTorch's message shows win_length as n_fft)
        shown_n_fft = win_length if align else n_fft
        raise RuntimeError(echo + f"expected 0 < n_fft < {length}, but got n_fft={shown_n_fft}")
    if hop_length <= 0:
        raise RuntimeError(echo + f"expected hop_length > 0, but got hop_length={hop_length}")
    if not 0 < win_length <= n_fft:
        raise RuntimeError(
            echo + f"expected 0 < win_length <= n_fft, but got win_length={win_length}"
        )
    if window is not None and (window.ndim != 1 or window.shape[0] != win_length):
        raise RuntimeError(
            echo + "expected a 1D window tensor of size equal to "
            f"win_length={win_length}, but got window with size "
            f"{list(window.shape)}"
        )
    if return_complex is False:
        _warnings.warn(
            "stft with return_complex=False is deprecated. In a future pytorch release, stft "
            "will return complex tensors for all inputs, and return_complex=False will raise "
            "an error.\nNote: you can still call torch.view_as_real on the complex output to "
            "recover the old return format.",
            "aten/src/ATen/native/SpectralOps.cpp:874",
            once=True,
            stacklevel=2,
        )
    if input.dtype.is_complex:
        real_dtype = D.float64 if input.dtype is D.complex128 else D.float32
    else:
        real_dtype = input.dtype if input.dtype.is_floating_point else D.get_default_dtype()
    window, win_pad = _window_pad(window, win_length, n_fft, real_dtype)
    onesided = (not complex_input) if onesided is None else onesided
    if onesided and complex_input:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    if align and win_length < n_fft:
        left = (n_fft - win_length) // 2
        pads = ((0, 0),) * (input.ndim - 1) + ((left, n_fft - win_length - left),)
        input = apply(OPS["constant_pad_nd"], (input,), (("pads", pads), ("value", 0)))
    op = OPS["stft_1d" if input.ndim == 1 else "stft"]
    out = apply(
        op,
        (input, window),
        (
            ("n_fft", n_fft),
            ("hop_length", hop_length),
            ("pad", pad),
            ("pad_mode", _PAD_MODES[pad_mode]),
            ("normalized", bool(normalized)),
            ("onesided", bool(onesided)),
            ("as_real", return_complex is False),
            ("win_pad", win_pad),
        ),
        dtype=None if input.dtype.is_floating_point or input.dtype.is_complex else real_dtype,
    )
    return out


def _istft_echo(
    input,
    n_fft,
    hop_length,
    win_length,
    window,
    center,
    normalized,
    onesided,
    length,
    return_complex,
):
    w = (
        "None"
        if window is None
        else (f"torch.{_TYPE_NAMES.get(window.dtype, 'Float')}Tensor{{[{window.shape[0]}]}}")
    )
    shape = ", ".join(str(d) for d in input.shape)
    return (
        f"istft(CPU{_TYPE_NAMES.get(input.dtype, 'ComplexFloat')}Type[{shape}], "
        f"n_fft={n_fft}, hop_length={hop_length}, win_length={win_length}, window={w}, "
        f"center={int(center)}, normalized={int(normalized)}, onesided={int(onesided)}, "
        f"length={length}, return_complex={int(return_complex)}) : "
    )


@export()
def istft(
    input,
    n_fft,
    hop_length=None,
    win_length=None,
    window=None,
    center=True,
    normalized=False,
    onesided=None,
    length=None,
    return_complex=False,
):
    if window is None:  # PyTorch warns (once per process) before any check
        _warnings.warn(
            "A window was not provided. A rectangular window will be applied.Please provide "
            "the same window used by stft to make the inversion lossless.To suppress this "
            "warning and use a rectangular window, explicitly set "
            "`window=torch.ones(n_fft, device=<device>)`.",
            "aten/src/ATen/native/SpectralOps.cpp:1035",
            once=True,
            stacklevel=2,
        )
    if not input.dtype.is_complex:
        raise RuntimeError(
            "istft requires a complex-valued input tensor matching the output "
            "from stft with return_complex=True."
        )
    hop_length = n_fft // 4 if hop_length is None else hop_length
    win_length = n_fft if win_length is None else win_length
    real_dtype = D.float64 if input.dtype is D.complex128 else D.float32
    window, win_pad = _window_pad(window, win_length, n_fft, real_dtype)
    onesided = (input.shape[-2] != n_fft) if onesided is None else onesided
    freq = input.shape[-2]
    if onesided and freq != n_fft // 2 + 1:
        raise RuntimeError(
            _istft_echo(
                input,
                n_fft,
                hop_length,
                win_length,
                window,
                center,
                normalized,
                onesided,
                length,
                return_complex,
            )
            + "expected the frequency dimension (3rd to the last) of the input "
            "tensor to match n_fft / 2 + 1 when onesided=True, but got "
            f"{freq}"
        )
    if not onesided and freq != n_fft:
        raise RuntimeError(
            _istft_echo(
                input,
                n_fft,
                hop_length,
                win_length,
                window,
                center,
                normalized,
                onesided,
                length,
                return_complex,
            )
            + "expected the frequency dimension (3rd to the last) of the input "
            f"tensor to match n_fft when onesided=False, but got {freq}"
        )
    if return_complex and onesided:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    return apply(
        OPS["istft"],
        (input, window),
        (
            ("n_fft", n_fft),
            ("hop_length", hop_length),
            ("center", bool(center)),
            ("normalized", bool(normalized)),
            ("onesided", bool(onesided)),
            ("length", length),
            ("win_pad", win_pad),
            ("return_complex", bool(return_complex)),
        ),
    )


__all__ = [
    "bartlett_window",
    "blackman_window",
    "hamming_window",
    "hann_window",
    "igamma",
    "igammac",
    "istft",
    "kaiser_window",
    "mvlgamma",
    "polygamma",
    "stft",
]
