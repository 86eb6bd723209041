"""torch.fft, torch.stft / torch.istft and the window functions: values (numpy's FFT as the
reference), dtypes, grad-node names, norm modes, errors, and float64 gradcheck / gradgradcheck
for every transform, driven by one list as PyTorch's OpInfo tests are."""

import warnings

import numpy as np
import pytest

RNG = np.random.default_rng(0)
X46 = RNG.standard_normal((4, 6))
Z46 = RNG.standard_normal((4, 6)) + 1j * RNG.standard_normal((4, 6))


def _np(t):
    # "+ 0" materializes PyTorch's lazy conjugate (ifft of a real signal) before numpy()
    return np.asarray((t.detach() + 0).numpy())


def _scale(norm, n, forward):
    if norm == "ortho":
        return 1 / np.sqrt(n)
    if (norm == "forward") == forward:
        return 1 / n
    return 1.0


# (name, input is complex, kwargs, numpy reference of the unnormalized transform, forward)
CASES = [
    ("fft", False, {}, lambda a: np.fft.fft(a), True),
    ("fft", True, {"n": 8}, lambda a: np.fft.fft(a, n=8), True),
    ("ifft", False, {"dim": 0}, lambda a: np.fft.ifft(a, axis=0, norm="forward"), False),
    ("ifft", True, {"n": 4}, lambda a: np.fft.ifft(a, n=4, norm="forward"), False),
    ("rfft", False, {"n": 5}, lambda a: np.fft.rfft(a, n=5), True),
    ("irfft", True, {}, lambda a: np.fft.irfft(a, norm="forward"), False),
    ("irfft", True, {"n": 7}, lambda a: np.fft.irfft(a, n=7, norm="forward"), False),
    ("hfft", True, {}, lambda a: np.fft.hfft(a), True),
    ("ihfft", False, {}, lambda a: np.fft.ihfft(a, norm="forward"), False),
    ("fft2", True, {}, lambda a: np.fft.fft2(a), True),
    ("fft2", False, {"s": (3, 8)}, lambda a: np.fft.fft2(a, s=(3, 8)), True),
    ("ifft2", True, {}, lambda a: np.fft.ifft2(a, norm="forward"), False),
    ("rfft2", False, {}, lambda a: np.fft.rfft2(a), True),
    ("irfft2", True, {"s": (4, 9)}, lambda a: np.fft.irfft2(a, s=(4, 9), norm="forward"), False),
    ("fftn", True, {"dim": (0,)}, lambda a: np.fft.fftn(a, axes=(0,)), True),
    ("ifftn", False, {}, lambda a: np.fft.ifftn(a, norm="forward"), False),
    ("rfftn", False, {"s": (5,)}, lambda a: np.fft.rfftn(a, s=(5,), axes=(1,)), True),
    ("irfftn", True, {}, lambda a: np.fft.irfftn(a, norm="forward"), False),
]


def _signal_size(name, kwargs, a, out):
    # the n of the normalization: the transformed signal's size (the real side for c2r)
    if name in ("irfft", "hfft", "irfft2", "irfftn", "hfft2", "hfftn"):
        axes = {"irfft": (-1,), "hfft": (-1,), "irfft2": (-2, -1)}.get(name, tuple(range(a.ndim)))
        return np.prod([out.shape[d] for d in axes])
    if "n" in kwargs:
        return kwargs["n"]
    if "s" in kwargs:
        return np.prod(kwargs["s"])
    if "dim" in kwargs:
        dims = kwargs["dim"] if isinstance(kwargs["dim"], tuple) else (kwargs["dim"],)
        return np.prod([a.shape[d] for d in dims])
    if name.endswith("2"):
        return np.prod(a.shape[-2:])
    if name.endswith("n"):
        return a.size
    return a.shape[-1]


@pytest.mark.parametrize("norm", [None, "backward", "ortho", "forward"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{'c' if c[1] else 'r'}-{c[2]}")
def test_values_match_numpy(torch, case, norm):
    name, is_complex, kwargs, ref, forward = case
    a = Z46 if is_complex else X46
    x = torch.tensor(a)
    got = _np(getattr(torch.fft, name)(x, **kwargs, norm=norm))
    want = ref(a)
    want = want * _scale(norm, _signal_size(name, kwargs, a, want), forward)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


# (name, node for real input, node for complex input; None: the transform refuses it)
NODES = [
    ("fft", "FftR2CBackward0", "FftC2CBackward0"),
    ("ifft", "ConjBackward0", "FftC2CBackward0"),
    ("rfft", "FftR2CBackward0", None),
    ("irfft", "FftC2RBackward0", "FftC2RBackward0"),
    ("hfft", "FftC2RBackward0", "FftC2RBackward0"),
    ("ihfft", "ConjBackward0", None),
    ("fft2", "FftC2CBackward0", "FftC2CBackward0"),
    ("ifftn", "FftC2CBackward0", "FftC2CBackward0"),
    ("rfft2", "FftR2CBackward0", None),
    ("rfftn", "FftR2CBackward0", None),
    ("irfft2", "FftC2RBackward0", "FftC2RBackward0"),
    ("hfftn", "FftC2RBackward0", "FftC2RBackward0"),
    ("ihfft2", "FftC2CBackward0", None),
]


@pytest.mark.parametrize("name,real_node,complex_node", NODES)
def test_grad_node_names(torch, name, real_node, complex_node):
    x = torch.tensor(X46, requires_grad=True)
    assert type(getattr(torch.fft, name)(x).grad_fn).__name__ == real_node
    if complex_node is not None:
        z = torch.tensor(Z46, requires_grad=True)
        assert type(getattr(torch.fft, name)(z).grad_fn).__name__ == complex_node


def test_saved_attributes(torch):
    x = torch.tensor(X46, requires_grad=True)
    node = torch.fft.rfft(x, norm="ortho").grad_fn
    assert (node._saved_dim, node._saved_normalization, node._saved_onesided) == ((1,), 1, True)
    z = torch.tensor(Z46, requires_grad=True)
    node = torch.fft.fft(z, n=8).grad_fn
    assert (node._saved_dim, node._saved_forward, node._saved_normalization) == ((1,), True, 0)
    node = torch.fft.irfft(z, n=8).grad_fn
    assert (node._saved_dim, node._saved_normalization) == ((1,), 2)
    node = torch.fft.ifft2(z, norm="forward").grad_fn
    assert (node._saved_dim, node._saved_forward, node._saved_normalization) == ((0, 1), False, 0)


@pytest.mark.parametrize(
    "dtype,expected", [("float32", "complex64"), ("float64", "complex128"), ("int64", "complex64")]
)
def test_result_dtypes(torch, dtype, expected):
    x = torch.arange(8).to(getattr(torch, dtype))
    assert torch.fft.fft(x).dtype == getattr(torch, expected)
    assert torch.fft.rfft(x).dtype == getattr(torch, expected)
    real = "float32" if expected == "complex64" else "float64"
    assert torch.fft.irfft(torch.fft.rfft(x)).dtype == getattr(torch, real)
    assert torch.fft.hfft(torch.fft.rfft(x)).dtype == getattr(torch, real)


def _real_view(torch, name, is_complex, kwargs):
    """A real function of a real float64 tensor around the transform, for gradcheck: complex
    inputs are built as x * (1 + 2j); complex outputs are read through abs()."""

    def fn(x):
        inp = x * (1 + 2j) if is_complex else x
        out = getattr(torch.fft, name)(inp, **kwargs)
        return out.abs() if out.dtype.is_complex else out

    return fn


GRAD_CASES = [(c[0], c[1], c[2]) for c in CASES] + [
    ("hfft2", True, {}),
    ("ihfft2", False, {}),
    ("hfftn", True, {"s": (4, 5)}),
    ("ihfftn", False, {"dim": (0,)}),
    ("rfft", False, {"norm": "ortho"}),
    ("irfftn", True, {"norm": "forward", "s": (3, 6)}),
    ("fft", True, {"norm": "ortho", "n": 3}),
]


@pytest.mark.parametrize("case", GRAD_CASES, ids=lambda c: f"{c[0]}-{'c' if c[1] else 'r'}-{c[2]}")
def test_gradcheck(torch, case):
    name, is_complex, kwargs = case
    x = torch.tensor(RNG.standard_normal((3, 5)) + 0.5, requires_grad=True)
    fn = _real_view(torch, name, is_complex, kwargs)
    assert torch.autograd.gradcheck(fn, (x,))
    assert torch.autograd.gradgradcheck(fn, (x,))


def test_round_trip_and_gradient_values(torch):
    x = torch.tensor(X46, requires_grad=True)
    y = torch.fft.irfft(torch.fft.rfft(x), n=6)
    np.testing.assert_allclose(_np(y), X46, atol=1e-12)
    (torch.fft.fft(x).abs() ** 2).sum().backward()
    # Parseval: sum |X_k|^2 = n * sum x^2 along the transformed dim, so the gradient is 2 n x
    np.testing.assert_allclose(_np(x.grad), 2 * 6 * X46, rtol=1e-10)


@pytest.mark.parametrize("name", ["fft", "ifft", "fft2", "ifftn"])
def test_complex_leaf_gradient(torch, name):
    # an orthonormal transform keeps sum |.|^2, whose gradient in PyTorch's convention is 2 z
    z = torch.tensor(Z46, requires_grad=True)
    (getattr(torch.fft, name)(z, norm="ortho").abs() ** 2).sum().backward()
    np.testing.assert_allclose(_np(z.grad), 2 * Z46, rtol=1e-10)


def test_errors(torch):
    z = torch.tensor(Z46)
    x = torch.tensor(X46)
    cases = [
        (
            lambda: torch.fft.rfft(z),
            RuntimeError,
            "rfft expects a real input tensor, but got ComplexDouble",
        ),
        (
            lambda: torch.fft.rfftn(z),
            RuntimeError,
            "rfftn expects a real-valued input tensor, but got ComplexDouble",
        ),
        (
            lambda: torch.fft.ihfft(z),
            RuntimeError,
            "ihfft expects a real input tensor, but got ComplexDouble",
        ),
        (lambda: torch.fft.fft(x, norm="bad"), RuntimeError, 'Invalid normalization mode: "bad"'),
        (
            lambda: torch.fft.fft(x, n=0),
            RuntimeError,
            r"Invalid number of data points \(0\) specified",
        ),
        (
            lambda: torch.fft.irfft(torch.tensor([1.0])),
            RuntimeError,
            r"Invalid number of data points \(0\) specified",
        ),
        (
            lambda: torch.fft.fft(x, dim=3),
            IndexError,
            r"Dimension out of range \(expected to be "
            r"in range of \[-2, 1\], but got 3\)",
        ),
        (
            lambda: torch.fft.fftn(x, s=(3,), dim=(0, 1)),
            RuntimeError,
            "When given, dim and shape arguments must have the same length",
        ),
        (lambda: torch.fft.fftn(x, dim=(0, 0)), RuntimeError, "FFT dims must be unique"),
        # ihfftn checks its shape arguments before the dtype
        (
            lambda: torch.fft.ihfft2(z, s=(2,), dim=(0, 1)),
            RuntimeError,
            "When given, dim and shape arguments must have the same length",
        ),
        (
            lambda: torch.fft.ihfft2(z),
            RuntimeError,
            "Only supports floating-point dtypes, but found: ComplexDouble",
        ),
    ]
    for call, exc, msg in cases:
        with pytest.raises(exc, match=msg):
            call()


def test_out(torch):
    x = torch.tensor(X46)
    out = torch.empty(0, dtype=torch.complex128)
    got = torch.fft.fft(x, out=out)
    assert got is out
    np.testing.assert_allclose(_np(out), np.fft.fft(X46))
    freqs = torch.empty(5)
    assert torch.fft.fftfreq(5, out=freqs) is freqs


def test_fftfreq_rfftfreq(torch):
    np.testing.assert_allclose(_np(torch.fft.fftfreq(5)), np.fft.fftfreq(5), rtol=1e-6)
    np.testing.assert_allclose(
        _np(torch.fft.rfftfreq(6, d=0.5)), np.fft.rfftfreq(6, d=0.5), rtol=1e-6
    )
    assert torch.fft.fftfreq(4).dtype == torch.float32
    f64 = torch.fft.fftfreq(4, dtype=torch.float64)
    assert f64.dtype == torch.float64
    assert f64.tolist() == [0.0, 0.25, -0.5, -0.25]
    assert torch.fft.rfftfreq(7, 2.0, dtype=torch.float64).tolist() == list(np.fft.rfftfreq(7, 2.0))


def test_fftshift_ifftshift(torch):
    a = torch.arange(10).reshape(2, 5)
    assert torch.fft.fftshift(a).tolist() == np.fft.fftshift(np.arange(10).reshape(2, 5)).tolist()
    assert torch.fft.ifftshift(torch.arange(5), dim=0).tolist() == [2, 3, 4, 0, 1]
    assert (
        torch.fft.fftshift(a, dim=1).tolist()
        == np.fft.fftshift(np.arange(10).reshape(2, 5), axes=1).tolist()
    )
    x = torch.tensor(X46, requires_grad=True)
    y = torch.fft.fftshift(x)
    assert type(y.grad_fn).__name__ == "RollBackward0"
    assert torch.autograd.gradcheck(torch.fft.ifftshift, (x,))


# ------------------------------------------------------------------ windows
def _np_window(name, n, periodic, **kw):
    m = n + 1 if periodic else n
    k = np.arange(m)
    if name == "hann":
        w = 0.5 - 0.5 * np.cos(2 * np.pi * k / (m - 1))
    elif name == "hamming":
        a, b = kw.get("alpha", 0.54), kw.get("beta", 0.46)
        w = a - b * np.cos(2 * np.pi * k / (m - 1))
    elif name == "blackman":
        w = 0.42 - 0.5 * np.cos(2 * np.pi * k / (m - 1)) + 0.08 * np.cos(4 * np.pi * k / (m - 1))
    elif name == "bartlett":
        w = 1 - np.abs(2 * k / (m - 1) - 1)
    else:
        beta = kw.get("beta", 12.0)
        alpha = (m - 1) / 2
        w = np.i0(beta * np.sqrt(1 - ((k - alpha) / alpha) ** 2)) / np.i0(beta)
    return w[:-1] if periodic else w


@pytest.mark.parametrize("name", ["hann", "hamming", "blackman", "bartlett", "kaiser"])
@pytest.mark.parametrize("n", [5, 8])
@pytest.mark.parametrize("periodic", [True, False])
def test_windows(torch, name, n, periodic):
    fn = getattr(torch, f"{name}_window")
    w = fn(n, periodic)
    assert w.dtype == torch.float32 and tuple(w.shape) == (n,)
    np.testing.assert_allclose(_np(w), _np_window(name, n, periodic), atol=1e-6)
    w64 = fn(n, periodic=periodic, dtype=torch.float64)
    assert w64.dtype == torch.float64
    np.testing.assert_allclose(_np(w64), _np_window(name, n, periodic), atol=1e-12)
    assert fn(1).tolist() == [1.0] and fn(0).tolist() == []


def test_window_options_and_errors(torch):
    np.testing.assert_allclose(
        _np(torch.hamming_window(5, True, alpha=0.5, beta=0.3)),
        _np_window("hamming", 5, True, alpha=0.5, beta=0.3),
        atol=1e-6,
    )
    np.testing.assert_allclose(
        _np(torch.kaiser_window(6, False, beta=5.0)),
        _np_window("kaiser", 6, False, beta=5.0),
        atol=1e-6,
    )
    assert torch.hann_window(4, requires_grad=True).requires_grad
    with pytest.raises(
        RuntimeError, match="hann_window requires non-negative window_length, got window_length=-1"
    ):
        torch.hann_window(-1)
    with pytest.raises(RuntimeError, match="hann_window expects floating point dtypes"):
        torch.hann_window(4, dtype=torch.int64)


SIGNAL_WINDOWS = [
    ("hann", {}, "hann"),
    ("hamming", {}, "hamming"),
    ("blackman", {}, "blackman"),
    ("nuttall", {}, "nuttall"),
    ("bartlett", {}, "bartlett"),
    ("cosine", {}, "cosine"),
    ("kaiser", {"beta": 5.0}, ("kaiser", 5.0)),
    ("gaussian", {"std": 1.5}, ("gaussian", 1.5)),
    ("exponential", {"tau": 2.0}, ("exponential", None, 2.0)),
    ("general_hamming", {"alpha": 0.6}, ("general_hamming", 0.6)),
    ("general_cosine", {"a": [0.46, 0.23, 0.31]}, ("general_cosine", [0.46, 0.23, 0.31])),
]


@pytest.mark.parametrize(
    "name,kwargs,scipy_spec", SIGNAL_WINDOWS, ids=[w[0] for w in SIGNAL_WINDOWS]
)
@pytest.mark.parametrize("sym", [True, False])
def test_signal_windows_match_scipy(torch, name, kwargs, scipy_spec, sym):
    import scipy.signal

    windows = torch.signal.windows
    for M in (0, 1, 6, 9):
        w = getattr(windows, name)(M, sym=sym, dtype=torch.float64, **kwargs)
        want = scipy.signal.get_window(scipy_spec, M, fftbins=not sym) if M else np.zeros(0)
        assert w.dtype == torch.float64 and tuple(w.shape) == (M,)
        np.testing.assert_allclose(_np(w), want, atol=1e-12)
    assert getattr(windows, name)(5, sym=sym, **kwargs).dtype == torch.float32


def test_signal_window_errors(torch):
    windows = torch.signal.windows
    with pytest.raises(ValueError, match="kaiser requires non-negative window length, got M=-1"):
        windows.kaiser(-1)
    # hann is a general_cosine window, and PyTorch's error says so
    with pytest.raises(
        ValueError, match="general_cosine expects float32 or float64 dtypes, got: torch.int64"
    ):
        windows.hann(4, dtype=torch.int64)
    with pytest.raises(ValueError, match="Standard deviation must be positive, got: 0 instead."):
        windows.gaussian(4, std=0)
    with pytest.raises(ValueError, match="Center must be None for symmetric windows"):
        windows.exponential(4, center=1.0)
    with pytest.raises(TypeError, match="Coefficients must be a list/tuple"):
        windows.general_cosine(4, a=0.5)


# ------------------------------------------------------------------ stft / istft
def _np_stft(a, n_fft, hop, window, center=True, mode="reflect", normalized=False, onesided=True):
    if center:
        a = np.pad(a, [(0, 0)] * (a.ndim - 1) + [(n_fft // 2, n_fft // 2)], mode=mode)
    n_frames = 1 + (a.shape[-1] - n_fft) // hop
    frames = np.stack([a[..., i * hop : i * hop + n_fft] * window for i in range(n_frames)], -2)
    spec = np.fft.rfft(frames, axis=-1) if onesided else np.fft.fft(frames, axis=-1)
    if normalized:
        spec = spec / np.sqrt(n_fft)
    return np.swapaxes(spec, -1, -2)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"center": False},
        {"pad_mode": "constant"},
        {"normalized": True},
        {"onesided": False},
        {"hop_length": 3},
    ],
)
def test_stft_values(torch, kwargs):
    a = RNG.standard_normal((2, 40))
    w = np.hanning(17)[:-1]  # the periodic Hann window of 16 points
    got = torch.stft(
        torch.tensor(a),
        16,
        hop_length=kwargs.get("hop_length", 4),
        window=torch.hann_window(16, dtype=torch.float64),
        return_complex=True,
        **{k: v for k, v in kwargs.items() if k != "hop_length"},
    )
    want = _np_stft(
        a,
        16,
        kwargs.get("hop_length", 4),
        w,
        kwargs.get("center", True),
        kwargs.get("pad_mode", "reflect"),
        kwargs.get("normalized", False),
        kwargs.get("onesided", True),
    )
    assert got.dtype == torch.complex128
    np.testing.assert_allclose(_np(got), want, atol=1e-10)


def test_stft_shapes_nodes_and_warnings(torch):
    x = torch.randn(2, 40, requires_grad=True)
    s = torch.stft(x, 16, hop_length=4, window=torch.hann_window(16), return_complex=True)
    assert tuple(s.shape) == (2, 9, 11) and s.dtype == torch.complex64
    assert type(s.grad_fn).__name__ == "TransposeBackward1"
    s1 = torch.stft(
        x[0].detach().requires_grad_(), 16, window=torch.hann_window(16), return_complex=True
    )
    assert tuple(s1.shape) == (9, 11) and type(s1.grad_fn).__name__ == "SqueezeBackward4"
    assert tuple(
        torch.stft(
            torch.randn(40), 16, win_length=10, window=torch.ones(10), return_complex=True
        ).shape
    ) == (9, 11)
    with pytest.warns(UserWarning, match="A window was not provided"):
        torch.stft(torch.randn(40), 16, return_complex=True)
    y = torch.istft(s, 16, hop_length=4, window=torch.hann_window(16))
    assert tuple(y.shape) == (2, 40) and y.dtype == torch.float32
    assert type(y.grad_fn).__name__ == "DivBackward0"


def test_stft_errors(torch):
    x = torch.randn(40)
    with pytest.raises(
        RuntimeError, match="stft requires the return_complex parameter be given for real inputs"
    ):
        torch.stft(x, 16)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="expected a 1D or 2D tensor"):
            torch.stft(torch.randn(2, 2, 40), 16, return_complex=True)
        with pytest.raises(RuntimeError, match="expected hop_length > 0, but got hop_length=0"):
            torch.stft(x, 16, hop_length=0, return_complex=True)
        with pytest.raises(RuntimeError, match="expected 0 < n_fft < 40, but got n_fft=64"):
            torch.stft(x, 64, center=False, return_complex=True)
        with pytest.raises(
            RuntimeError, match="expected 0 < win_length <= n_fft, but got win_length=20"
        ):
            torch.stft(x, 16, win_length=20, return_complex=True)
        with pytest.raises(
            RuntimeError,
            match="expected a 1D window tensor of size equal to "
            r"win_length=16, but got window with size \[10\]",
        ):
            torch.stft(x, 16, window=torch.ones(10), return_complex=True)
        with pytest.raises(NotImplementedError, match="Unrecognised padding mode bad"):
            torch.stft(x, 16, return_complex=True, pad_mode="bad")
        with pytest.raises(
            RuntimeError, match="Cannot have onesided output if window or input is complex"
        ):
            torch.stft(x * (1 + 1j), 16, onesided=True, return_complex=True)
        spec = torch.stft(x, 16, return_complex=True)
        with pytest.raises(
            RuntimeError,
            match=r"istft\(CPUComplexFloatType\[9, 11\], n_fft=16, "
            r"hop_length=4, win_length=16, window=None, "
            r"center=1, normalized=0, onesided=0, length=None, "
            r"return_complex=0\) : expected the frequency "
            "dimension",
        ):
            torch.istft(spec, 16, onesided=False)
        with pytest.raises(RuntimeError, match="istft requires a complex-valued input tensor"):
            torch.istft(x, 16)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"center": False, "length": 28},
        {"length": 45},
        {"normalized": True},
        {"onesided": False},
    ],
)
def test_istft_inverts_stft(torch, kwargs):
    a = RNG.standard_normal((2, 40))
    # raised off zero: without centring, PyTorch refuses a window envelope that touches 0
    w = torch.hann_window(16, dtype=torch.float64) + 0.1
    stft_kw = {k: v for k, v in kwargs.items() if k in ("center", "normalized", "onesided")}
    s = torch.stft(torch.tensor(a), 16, hop_length=4, window=w, return_complex=True, **stft_kw)
    y = torch.istft(s, 16, hop_length=4, window=w, **kwargs)
    n = kwargs.get("length", 40)
    assert tuple(y.shape) == (2, n)
    # past the signal's end (length=45) the frames still cover stft's reflect padding
    want = (
        np.pad(a, [(0, 0), (8, 8)], mode="reflect")[:, 8 : 8 + n]
        if kwargs.get("center", True)
        else a[:, :n]
    )
    np.testing.assert_allclose(_np(y), want, atol=1e-10)


def test_stft_istft_gradcheck(torch):
    x = torch.tensor(RNG.standard_normal((1, 24)), requires_grad=True)
    w = torch.tensor(np.hanning(10)[:-1] + 0.1, requires_grad=True)

    def spec(x, w):
        return torch.stft(x, 9, hop_length=3, window=w, return_complex=True).abs()

    def round_trip(x, w):
        s = torch.stft(x, 9, hop_length=3, window=w, return_complex=True)
        return torch.istft(s * 1.5, 9, hop_length=3, window=w, length=24)

    def complex_round_trip(x, w):
        z = x * (1 + 2j)
        s = torch.stft(z, 9, hop_length=3, window=w, return_complex=True)
        return torch.istft(s, 9, hop_length=3, window=w, length=24, return_complex=True).abs()

    for fn in (spec, round_trip, complex_round_trip):
        assert torch.autograd.gradcheck(fn, (x, w))
        assert torch.autograd.gradgradcheck(fn, (x, w))
