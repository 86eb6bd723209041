"""torch.nn.grad: the gradients of a convolution w.r.t. its input and its weight.

A convolution is linear in each of its input and weight, so each gradient is the vjp of the
convolution taken at zeros of the other's shape; autograd computes it (one recorded conv and one
backward), keeping the graph when ``weight``/``input`` or ``grad_output`` require grad, as
PyTorch's functions are differentiable.
"""

from __future__ import annotations

from .. import _factories
from ..autograd import grad_mode
from ..autograd.engine import grad as _autograd_grad
from . import functional as F

__all__ = [
    "conv1d_input",
    "conv1d_weight",
    "conv2d_input",
    "conv2d_weight",
    "conv3d_input",
    "conv3d_weight",
]


def _vjp(conv, wrt, other, wrt_is_input, grad_output, stride, padding, dilation, groups):
    keep = grad_mode.is_grad_enabled() and (other.requires_grad or grad_output.requires_grad)
    point = _factories.zeros(
        tuple(wrt), dtype=grad_output.dtype, device=grad_output.device
    ).requires_grad_()
    with grad_mode.enable_grad():
        args = (point, other) if wrt_is_input else (other, point)
        out = conv(*args, None, stride, padding, dilation, groups)
        (g,) = _autograd_grad(out, point, grad_output, create_graph=keep)
    return g


def conv1d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    return _vjp(F.conv1d, input_size, weight, True, grad_output, stride, padding, dilation, groups)


def conv1d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    return _vjp(F.conv1d, weight_size, input, False, grad_output, stride, padding, dilation, groups)


def conv2d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    return _vjp(F.conv2d, input_size, weight, True, grad_output, stride, padding, dilation, groups)


def conv2d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    return _vjp(F.conv2d, weight_size, input, False, grad_output, stride, padding, dilation, groups)


def conv3d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    return _vjp(F.conv3d, input_size, weight, True, grad_output, stride, padding, dilation, groups)


def conv3d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    return _vjp(F.conv3d, weight_size, input, False, grad_output, stride, padding, dilation, groups)
