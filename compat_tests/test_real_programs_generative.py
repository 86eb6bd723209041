"""Blockers found by running real generative-modelling, scientific-ML and classic vision/audio
programs (DDPM, VQ-VAE, normalizing flows, NeRF, HNN/PINN, Gaussian processes, CTC, STFT,
augmentation) under ``python -m torchlike``, each reduced to the few lines that reproduce it."""

import pytest


# ------------------------------------------------------------------- DDPM small UNet
# A GroupNorm whose affine vectors do not fit the channels is refused up front in PyTorch's
# words (PyTorch prints the weight's sizes in the bias message, [0] without a weight).
def test_group_norm_affine_size_checked(torch):
    F = torch.nn.functional
    x = torch.randn(2, 8, 3, 3)
    with pytest.raises(RuntimeError, match=r"got weight of shape \[4\] and input of shape"):
        F.group_norm(x, 2, torch.ones(4))
    with pytest.raises(RuntimeError, match=r"got weight of shape \[8, 1\] and input"):
        F.group_norm(x, 2, torch.ones(8, 1))
    with pytest.raises(RuntimeError, match=r"Expected bias .* got bias of shape \[0\] and"):
        F.group_norm(x, 2, None, torch.ones(4))
    with pytest.raises(RuntimeError, match=r"Expected bias .* got bias of shape \[8\] and"):
        F.group_norm(x, 2, torch.ones(8), torch.ones(3))
    gn = torch.nn.GroupNorm(4, 40)
    with pytest.raises(RuntimeError, match=r"weight of shape \[40\] and input of shape \[1, 32"):
        gn(torch.randn(1, 32, 2, 2))


# --------------------------------------------------------------- audio: STFT windows
# PyTorch's window functions take their extra parameters positionally after ``periodic``:
# ``kaiser_window(16, beta=8.0)`` matches none of its signatures (a frequent slip in audio code).
def test_window_functions_parse_their_signatures(torch):
    with pytest.raises(TypeError, match=r"kaiser_window\(\) received an invalid combination"):
        torch.kaiser_window(16, beta=8.0)
    with pytest.raises(TypeError, match=r"got \(int, alpha=float\), but expected one of"):
        torch.hann_window(8, alpha=0.3)
    with pytest.raises(TypeError, match=r"got \(int, bool, beta=float\)"):
        torch.hamming_window(8, False, beta=0.4)
    with pytest.raises(TypeError, match=r"got \(int, int\), but expected"):
        torch.hann_window(8, 1)
    with pytest.raises(TypeError, match=r"'window_length' \(position 1\) must be int, not float"):
        torch.blackman_window(8.0)
    with pytest.raises(TypeError, match=r"got \(int, bool, Tensor\)"):
        torch.kaiser_window(5, True, torch.tensor(2.0, requires_grad=True))
    # what the signatures take: keywords after periodic, ints and 0-d tensors for a float
    h = torch.hamming_window(8, periodic=False, alpha=0.5, beta=0.4)
    assert h[0].item() == pytest.approx(0.1)
    k = torch.kaiser_window(5, True, torch.tensor(2.0), dtype=torch.float64)
    assert k.dtype == torch.float64
    assert torch.allclose(k, torch.kaiser_window(5, True, 2, dtype=torch.float64))
    assert torch.hann_window(window_length=4, periodic=False).tolist() == pytest.approx(
        [0.0, 0.75, 0.75, 0.0]
    )


# stft centres the signal with F.pad first (PyTorch's Python wrapper), so a reflect pad longer
# than the signal is refused (it was reflected twice, a silently different spectrogram), and
# F.pad's errors come before stft's own checks and its window warning.
def test_stft_center_pad_checked_first(torch):
    w = torch.ones(64)
    with pytest.raises(
        RuntimeError, match=r"padding \(32, 32\) at dimension 2 of input \[1, 1, 10\]"
    ):
        torch.stft(torch.randn(10), 64, window=w, return_complex=True)
    with pytest.raises(RuntimeError, match="wrapping around more than once"):
        torch.stft(torch.randn(10), 64, window=w, return_complex=True, pad_mode="circular")
    with pytest.raises(
        RuntimeError, match=r"padding \(32, 32\) at dimension 2 of input \[3, 3, 3\]"
    ):
        torch.stft(torch.randn(3, 3, 3), 64)  # before the return_complex error
    with pytest.raises(NotImplementedError, match="Padding size 2 is not supported for 4D"):
        torch.stft(torch.randn(2, 2, 2, 100), 64, window=w, return_complex=True)
    assert torch.stft(
        torch.randn(10), 64, window=w, return_complex=True, pad_mode="constant"
    ).shape == (33, 1)


def test_stft_align_to_window(torch):
    F = torch.nn.functional
    x = torch.randn(2, 90)
    w = torch.hann_window(20)
    with pytest.raises(
        RuntimeError, match="align_to_window should only be set when center = false"
    ):
        torch.stft(x, 64, window=w, win_length=20, return_complex=True, align_to_window=True)
    s = torch.stft(x, 64, 7, 20, w, center=False, return_complex=True, align_to_window=True)
    # the frames are win_length long: the same as zero-padding the window's offset around x
    ref = torch.stft(F.pad(x, (22, 22)), 64, 7, 20, w, center=False, return_complex=True)
    assert s.shape == (2, 33, 11)
    assert torch.allclose(s, ref)
    plain = torch.stft(x, 64, 7, 20, w, center=False, return_complex=True, align_to_window=False)
    assert plain.shape == (2, 33, 4)
    with pytest.raises(
        RuntimeError, match=r"align_to_window=1\) : expected 0 < n_fft < 40, but got n_fft=32"
    ):
        torch.stft(
            torch.randn(40),
            64,
            16,
            32,
            torch.hann_window(32),
            center=False,
            return_complex=True,
            align_to_window=True,
        )


# PyTorch's stft/istft window warnings are TORCH_WARN_ONCE from SpectralOps.cpp
def test_stft_window_warning_once_per_process(torch):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            s = torch.stft(torch.randn(100), 16, return_complex=True)
            torch.istft(s, 16)
    msgs = [str(w.message) for w in caught]
    stft_msgs = [m for m in msgs if "spectral leakage" in m]
    istft_msgs = [m for m in msgs if "inversion lossless" in m]
    assert len(stft_msgs) <= 1 and len(istft_msgs) <= 1
    for m in stft_msgs:
        assert m.endswith("aten/src/ATen/native/SpectralOps.cpp:835.)")
    for m in istft_msgs:
        assert m.endswith("aten/src/ATen/native/SpectralOps.cpp:1035.)")


# ------------------------------------------------ errors these programs commonly run into
# sub-pixel upsampling with channels that do not fit: PyTorch's checks (was a raw JAX
# reshape error, and a ZeroDivisionError for a factor 0)
def test_pixel_shuffle_shapes_checked(torch):
    F = torch.nn.functional
    with pytest.raises(RuntimeError, match=r"input.size\(-3\)=3 is not divisible by 4"):
        F.pixel_shuffle(torch.rand(1, 3, 2, 2), 2)
    with pytest.raises(RuntimeError, match=r"input.size\(-3\)=8 is not divisible by 9"):
        torch.nn.PixelShuffle(3)(torch.rand(1, 8, 2, 2))
    with pytest.raises(RuntimeError, match=r"at least 3 dimensions, but got input with 2 dim"):
        F.pixel_shuffle(torch.rand(2, 2), 2)
    with pytest.raises(RuntimeError, match="expects a positive upscale_factor, but got 0"):
        F.pixel_shuffle(torch.rand(1, 4, 2, 2), 0)
    with pytest.raises(RuntimeError, match=r"height to be divisible .* input.size\(-2\)=3"):
        F.pixel_unshuffle(torch.rand(1, 1, 3, 4), 2)
    with pytest.raises(RuntimeError, match=r"width to be divisible .* input.size\(-1\)=3"):
        F.pixel_unshuffle(torch.rand(1, 1, 4, 3), 2)
    with pytest.raises(RuntimeError, match="expects a positive downscale_factor, but got -1"):
        F.pixel_unshuffle(torch.rand(1, 1, 4, 4), -1)
    assert F.pixel_shuffle(torch.rand(4, 2, 2), 2).shape == (1, 4, 4)


def test_conv_transpose_output_padding_message(torch):
    with pytest.raises(
        RuntimeError,
        match="but got output_padding_height: 0 output_padding_width: 2 stride_height: 1 "
        "stride_width: 2 dilation_height: 1 dilation_width: 1$",
    ):
        torch.nn.ConvTranspose1d(1, 1, 3, stride=2, output_padding=2)(torch.rand(1, 1, 4))
    with pytest.raises(RuntimeError, match="output_padding_depth: 2 output_padding_height: 0"):
        torch.nn.ConvTranspose3d(1, 1, 3, stride=2, output_padding=(2, 0, 0))(
            torch.rand(1, 1, 4, 4, 4)
        )
    with pytest.raises(RuntimeError, match="stride_height: 2 stride_width: 1 dilation_height"):
        torch.nn.functional.conv_transpose2d(
            torch.rand(1, 1, 4, 4), torch.rand(1, 1, 3, 3), stride=(2, 1), output_padding=1
        )


def test_searchsorted_side_checked(torch):
    seq, v = torch.arange(3.0), torch.tensor([0.5, 1.0])
    with pytest.raises(RuntimeError, match="side and right can't be set to opposites"):
        torch.searchsorted(seq, v, side="left", right=True)
    with pytest.raises(RuntimeError, match="side can only be 'left' or 'right' but got foo"):
        torch.searchsorted(seq, v, side="foo")
    # right=False is the default, so side='right' with it is no conflict
    assert torch.searchsorted(seq, v, side="right", right=False).tolist() == [1, 2]


def test_cholesky_solve_sizes_checked(torch):
    with pytest.raises(
        RuntimeError,
        match="Incompatible matrix sizes for cholesky_solve: each A matrix is 2 by 2 but each "
        "b matrix is 3 by 1",
    ):
        torch.cholesky_solve(torch.ones(3, 1), torch.eye(2))
    with pytest.raises(RuntimeError, match="each A matrix is 3 by 3 but each b matrix is 2 by 1"):
        torch.cholesky_solve(torch.ones(3, 2, 1), torch.eye(3).expand(3, 3, 3))


# porting scipy.linalg.solve_triangular: ``upper`` is a required keyword in PyTorch
def test_solve_triangular_parses_like_pytorch(torch):
    E, b = torch.eye(2), torch.ones(2, 1)
    with pytest.raises(
        TypeError,
        match='linalg_solve_triangular\\(\\) missing 1 required positional arguments: "upper"',
    ):
        torch.linalg.solve_triangular(E, b)
    with pytest.raises(TypeError, match="takes from 3 to 2 positional arguments but 3 were given"):
        torch.linalg.solve_triangular(E, b, True)
    with pytest.raises(TypeError, match="argument 'upper' must be bool, not int"):
        torch.linalg.solve_triangular(E, b, upper=1)
    out = torch.empty(2, 1)
    assert torch.linalg.solve_triangular(E, b, upper=True, out=out) is out
    assert torch.linalg.solve_triangular(input=E, B=b, upper=False, left=True).shape == (2, 1)
