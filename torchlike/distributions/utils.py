"""Helpers shared by the distributions: broadcasting parameters, logits <-> probs, lazy caching."""

from __future__ import annotations

import functools
import numbers

from ._api import Tensor, torch

__all__ = [
    "broadcast_all",
    "logits_to_probs",
    "probs_to_logits",
    "clamp_probs",
    "lazy_property",
    "tril_matrix_to_vec",
    "vec_to_tril_matrix",
    "euler_constant",
]

euler_constant = 0.57721566490153286060  # Euler-Mascheroni constant


def broadcast_all(*values):
    """Broadcasts tensors and Python numbers to one shape; numbers become tensors of the first
    tensor's dtype (or the default dtype), as PyTorch's parameters do."""
    if not all(isinstance(v, (Tensor, numbers.Number)) for v in values):
        raise ValueError(
            "Input arguments must all be instances of Number, "
            "torch.Tensor or objects implementing __torch_function__."
        )
    if not all(isinstance(v, Tensor) for v in values):
        dtype = next((v.dtype for v in values if isinstance(v, Tensor)), torch.get_default_dtype())
        values = [v if isinstance(v, Tensor) else torch.tensor(v, dtype=dtype) for v in values]
    return torch.broadcast_tensors(*values)


def _standard_normal(shape, dtype, device=None):
    return torch.empty(shape, dtype=dtype).normal_()


def _sum_rightmost(value, dim):
    """Sums out the ``dim`` rightmost dimensions of ``value``."""
    if dim == 0:
        return value
    return value.reshape(value.shape[:-dim] + (-1,)).sum(-1)


def logits_to_probs(logits, is_binary=False):
    if is_binary:
        return torch.sigmoid(logits)
    return torch.softmax(logits, dim=-1)


def clamp_probs(probs):
    eps = torch.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return torch.log(ps_clamped) - torch.log1p(-ps_clamped)
    return torch.log(ps_clamped)


def _softplus(x):
    # F.softplus as log(exp(x) + exp(0)): no overflow, and the gradient is sigmoid(x) everywhere
    # (a max(x, 0) + log1p(exp(-|x|)) split would give 1 instead of 1/2 at x = 0)
    return torch.logaddexp(x, torch.zeros_like(x))


class lazy_property:
    """A property computed on first access and then stored on the instance (so a distribution
    built from ``probs`` computes ``logits`` only when asked).  Accessed on the class it reads
    as the wrapped function, so ``Distribution.__init__`` can tell it apart from a parameter."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        functools.update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with torch.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):
    def __init__(self, wrapped):
        property.__init__(self, wrapped)


def tril_matrix_to_vec(mat, diag=0):
    n = mat.shape[-1]
    rows, cols = [], []
    for i in range(n):
        for j in range(n):
            if j - i <= diag:
                rows.append(i)
                cols.append(j)
    return mat[..., torch.tensor(rows), torch.tensor(cols)]


def vec_to_tril_matrix(vec, diag=0):
    n = int(
        (
            -(1 + 2 * diag)
            + ((1 + 2 * diag) ** 2 + 8 * vec.shape[-1] + 4 * abs(diag) * (diag + 1)) ** 0.5
        )
        / 2
    )
    eps = torch.finfo(vec.dtype).eps
    if not round(n) - n < eps:
        raise ValueError(
            f"The size of last dimension is {vec.shape[-1]} which cannot be "
            "expressed as the lower triangular part of a square D x D matrix."
        )
    n = round(n)
    out = torch.zeros(vec.shape[:-1] + (n, n), dtype=vec.dtype)
    rows, cols = [], []
    for i in range(n):
        for j in range(n):
            if j - i <= diag:
                rows.append(i)
                cols.append(j)
    return _scatter_tril(out, vec, rows, cols)


def _scatter_tril(out, vec, rows, cols):
    flat = out.reshape(out.shape[:-2] + (-1,))
    n = out.shape[-1]
    index = torch.tensor([r * n + c for r, c in zip(rows, cols)])
    index = index.expand(vec.shape[:-1] + index.shape)
    return flat.scatter(-1, index, vec).reshape(out.shape)


def _bce_with_logits(logits, target):
    """``F.binary_cross_entropy_with_logits(logits, target, reduction="none")``."""
    return (1 - target) * logits + _softplus(-logits)


def _one_hot(indices, num_classes):
    return (indices.unsqueeze(-1) == torch.arange(num_classes)).long()
