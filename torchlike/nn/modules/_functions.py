"""Autograd Functions behind some modules, as in PyTorch's ``torch.nn.modules._functions``
(their grad nodes are named after them: ``CrossMapLRN2dBackward``)."""

from __future__ import annotations

import numpy as np

from ... import _factories
from ...autograd.function import Function


class CrossMapLRN2d(Function):
    """PyTorch's legacy cross-channel LRN, with its backward formula (which, for more channels
    than the window reaches, differs slightly from the exact derivative of its forward: the
    forward's running window never drops channel 0)."""

    @staticmethod
    def forward(ctx, input, size, alpha=1e-4, beta=0.75, k=1):
        if input.dim() != 4:
            raise ValueError(f"CrossMapLRN2d: Expected input to be 4D, got {input.dim()}D instead.")
        c = input.shape[1]
        pre = int((size - 1) / 2 + 1)
        window = np.zeros((c, c))
        for i in range(c):
            window[i, : min(i + pre, c)] = 1
            window[i, 1 : max(i - pre + 1, 1)] = 0
        scale = _channel_sum(input * input, window) * (alpha / size) + k
        output = scale.pow(-beta) * input
        ctx.save_for_backward(input, output)
        ctx.scale, ctx.size, ctx.alpha, ctx.beta = scale, size, alpha, beta
        return output

    @staticmethod
    def backward(ctx, grad_output):
        input, output = ctx.saved_tensors
        size, c = ctx.size, input.shape[1]
        lead = int(size - (size - 1) / 2)
        window = np.zeros((c, c))
        for i in range(c):
            window[i, max(i - lead, 0) : max(min(i + size - lead, c), 0)] = 1
        accum = _channel_sum(grad_output * output / ctx.scale, window)
        coef = 2 * ctx.alpha * ctx.beta / size
        grad = ctx.scale.pow(-ctx.beta) * grad_output - coef * input * accum
        return grad, None, None, None, None


def _channel_sum(x, window):
    """sum_j window[c, j] x[:, j] for every channel c (x is N, C, H, W)."""
    w = _factories.tensor(window.T, dtype=x.dtype)
    return (x.permute(0, 2, 3, 1) @ w).permute(0, 3, 1, 2)
