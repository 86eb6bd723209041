"""torch.nn.functional, written on top of the op table like PyTorch's own."""

from __future__ import annotations

from .. import _dtype as D
from .._ops import OPS, apply
from .._ops import frontend as _f
from .._tensor import Tensor

relu = _f.FUNCTIONS["relu"]
sigmoid = _f.FUNCTIONS["sigmoid"]
tanh = _f.FUNCTIONS["tanh"]


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    return _f.softmax(input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    return _f.log_softmax(input, dim, dtype)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return apply(OPS["leaky_relu"], (input,), (("negative_slope", negative_slope),))


def elu(input, alpha=1.0, inplace=False):
    return apply(OPS["elu"], (input,), (("alpha", alpha),))


def gelu(input, approximate="none"):
    return apply(OPS["gelu"], (input,), (("approximate", approximate),))


def silu(input, inplace=False):
    return apply(OPS["silu"], (input,))


def softplus(input, beta=1.0, threshold=20.0):
    return apply(OPS["softplus"], (input,), (("beta", beta), ("threshold", threshold)))


def _reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        return "none" if not reduce else ("mean" if size_average else "sum")
    return reduction


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    if tuple(input.shape) != tuple(target.shape):
        import warnings

        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.", stacklevel=2)
    return apply(OPS["mse_loss"], (input, target),
                 (("reduction", _reduction(size_average, reduce, reduction)),))


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    if target.dtype.is_floating_point:
        raise RuntimeError(f"expected scalar type Long but found {_type_name(target.dtype)}")
    if input.ndim >= 2 and input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0]}).")
    return apply(OPS["nll_loss"], (input, target, weight),
                 (("reduction", _reduction(size_average, reduce, reduction)),
                  ("ignore_index", ignore_index)))


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    if target.dtype.is_floating_point or label_smoothing:
        raise NotImplementedError(
            "torchlike's cross_entropy supports class-index targets without label smoothing "
            "for now")
    dim = 0 if input.ndim == 1 else 1
    return nll_loss(log_softmax(input, dim), target, weight, None, ignore_index, None,
                    _reduction(size_average, reduce, reduction))


def _type_name(dtype):
    return {D.float32: "Float", D.float64: "Double", D.float16: "Half"}.get(dtype, str(dtype))


__all__ = ["relu", "sigmoid", "tanh", "softmax", "log_softmax", "leaky_relu", "elu", "gelu",
           "silu", "softplus", "mse_loss", "nll_loss", "cross_entropy", "Tensor"]
