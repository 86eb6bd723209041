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
