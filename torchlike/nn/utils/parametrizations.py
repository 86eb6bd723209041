"""torch.nn.utils.parametrizations: weight_norm, spectral_norm and orthogonal as
parametrizations (the tensors live under ``module.parametrizations.<name>``)."""

from __future__ import annotations

from enum import Enum

import numpy as np

from ... import _factories
from ... import _random_methods as _sample
from ..._ops import (
    OPS,
    apply,
    nn_utils_table,  # noqa: F401 - registers OPS["weight_norm_interface"]
)
from ..._ops import frontend as _f
from ..._ops import linalg as _k
from ..._ops import pointwise as _pointwise
from ..._tensor import Tensor
from ...autograd import grad_mode
from .. import functional as F
from ..modules.conv import ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from ..modules.module import Module
from . import parametrize

__all__ = ["orthogonal", "weight_norm", "spectral_norm"]


def _mH(x):
    return x.mT.conj() if x.is_complex() else x.mT


def _sgn(x):
    if x.is_complex():
        mag = x.abs()
        return _f.where(mag == 0, _factories.zeros_like(x), x / mag)
    return x.sign()


class _OrthMaps(Enum):
    matrix_exp = 1
    cayley = 2
    householder = 3


def _householder_product(A, tau):
    return apply(OPS["linalg_householder_product"], (A, tau))


def _make_orthogonal(A):
    """The Q of a QR decomposition of a tall A, its columns signed so that R's diagonal is
    positive (PyTorch builds the same Q from geqrf + householder_product)."""
    Q, R = _k.linalg_qr(A)
    return Q * _sgn(R.diagonal(dim1=-2, dim2=-1)).unsqueeze(-2)


def _is_orthogonal(Q):
    n = Q.size(-2)
    eps = 10.0 * n * float(np.finfo(Q.dtype._np).eps)
    eye = _factories.eye(Q.size(-1), dtype=Q.dtype)
    return _pointwise.allclose(_mH(Q) @ Q, eye, atol=eps)


class _Orthogonal(Module):
    def __init__(self, weight, orthogonal_map, *, use_trivialization=True):
        super().__init__()
        if weight.is_complex() and orthogonal_map == _OrthMaps.householder:
            raise ValueError("The householder parametrization does not support complex tensors.")
        self.shape = weight.shape
        self.orthogonal_map = orthogonal_map
        if use_trivialization:
            self.register_buffer("base", None)

    def forward(self, X):
        n, k = X.size(-2), X.size(-1)
        transposed = n < k
        if transposed:
            X = X.mT
            n, k = k, n
        if self.orthogonal_map in (_OrthMaps.matrix_exp, _OrthMaps.cayley):
            X = X.tril()
            if n != k:
                pad = _factories.zeros(n, n - k, dtype=X.dtype).expand(*X.shape[:-2], -1, -1)
                X = _f.cat([X, pad], dim=-1)
            A = X - _mH(X)
            if self.orthogonal_map == _OrthMaps.matrix_exp:
                Q = _k.matrix_exp(A)
            else:
                eye = _factories.eye(n, dtype=A.dtype)
                Q = _k.linalg_solve(eye - 0.5 * A, eye + 0.5 * A)
            if n != k:
                Q = Q[..., :k]
        else:
            A = X.tril(diagonal=-1)
            tau = 2.0 / (1.0 + (A * A).sum(dim=-2))
            Q = _householder_product(A, tau)
            Q = Q * X.diagonal(dim1=-2, dim2=-1).int().unsqueeze(-2)
        if hasattr(self, "base"):
            Q = self.base @ Q
        if transposed:
            Q = Q.mT
        return Q

    def right_inverse(self, Q):
        with grad_mode.no_grad():
            return self._right_inverse(Q)

    def _right_inverse(self, Q):
        if Q.shape != self.shape:
            raise ValueError(
                f"Expected a matrix or batch of matrices of shape {self.shape}. "
                f"Got a tensor of shape {Q.shape}."
            )
        Q_init = Q
        n, k = Q.size(-2), Q.size(-1)
        transpose = n < k
        if transpose:
            Q = Q.mT
            n, k = k, n
        if not hasattr(self, "base"):
            if self.orthogonal_map in (_OrthMaps.cayley, _OrthMaps.matrix_exp):
                raise NotImplementedError(
                    "It is not possible to assign to the matrix exponential "
                    "or the Cayley parametrizations when use_trivialization=False."
                )
            raise NotImplementedError(
                "torchlike has no geqrf: orthogonal(..., use_trivialization=False) with the "
                "householder map cannot be assigned to"
            )
        if n == k:
            Q = _make_orthogonal(Q) if not _is_orthogonal(Q) else Q.clone()
        else:
            N = _sample.randn(*(tuple(Q.size()[:-2]) + (n, n - k)), dtype=Q.dtype)
            Q = _make_orthogonal(_f.cat([Q, N], dim=-1))
        self.base = Q
        eye = _factories.eye(Q_init.size(-2), Q_init.size(-1), dtype=Q_init.dtype)
        # 0 - I, not -I: no negative zeros off the diagonal
        return (_factories.zeros_like(Q_init) - eye).clone()


def orthogonal(module, name="weight", orthogonal_map=None, *, use_trivialization=True):
    """An orthogonal (unitary) matrix or batch of them, through matrix_exp, cayley or
    householder."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    if weight.ndim < 2:
        raise ValueError(
            f"Expected a matrix or batch of matrices. Got a tensor of {weight.ndim} dimensions."
        )
    if orthogonal_map is None:
        square = weight.size(-2) == weight.size(-1)
        orthogonal_map = "matrix_exp" if square or weight.is_complex() else "householder"
    orth_enum = getattr(_OrthMaps, orthogonal_map, None)
    if orth_enum is None:
        raise ValueError(
            'orthogonal_map has to be one of "matrix_exp", "cayley", "householder". '
            f"Got: {orthogonal_map}"
        )
    orth = _Orthogonal(weight, orth_enum, use_trivialization=use_trivialization)
    parametrize.register_parametrization(module, name, orth, unsafe=True)
    return module


def _norm_except_dim(v, dim):
    """PyTorch's ``norm_except_dim(v, 2, dim)``: the 2-norm over every dim but ``dim``, kept
    broadcastable against ``v`` (dim=-1: one norm over the whole tensor)."""
    if dim == -1:
        return v.norm(2)
    dim = dim % v.dim()
    others = [d for d in range(v.dim()) if d != dim]
    if not others:
        return v.abs()
    return v.norm(2, dim=others, keepdim=True)


def _weight_norm(v, g, dim):
    # PyTorch's torch._weight_norm: the fused kernel (its own grad node) for the first or last
    # dim, the composite v * (g / norm) otherwise
    if dim == 0 or dim == v.dim() - 1:
        return apply(OPS["weight_norm_interface"], (v, g), (("dim", dim),))[0]
    return v * (g / _norm_except_dim(v, dim))


class _WeightNorm(Module):
    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return _weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return _norm_except_dim(weight, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    """``w = g * v / ||v||``: ``original0`` is g, ``original1`` is v."""
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)

    def _weight_norm_compat_hook(
        state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
    ):
        # checkpoints from the hook-based nn.utils.weight_norm store weight_g / weight_v
        g_key, v_key = f"{prefix}{name}_g", f"{prefix}{name}_v"
        if g_key in state_dict and v_key in state_dict:
            state_dict[f"{prefix}parametrizations.{name}.original0"] = state_dict.pop(g_key)
            state_dict[f"{prefix}parametrizations.{name}.original1"] = state_dict.pop(v_key)

    module._register_load_state_dict_pre_hook(_weight_norm_compat_hook)
    return module


def _reshape_to_matrix(weight, dim):
    if dim != 0:
        weight = weight.permute(dim, *(d for d in range(weight.dim()) if d != dim))
    return weight.flatten(1)


def _inner(u, x):
    return (u.conj() if u.is_complex() else u).dot(x)


class _SpectralNorm(Module):
    def __init__(self, weight, n_power_iterations=1, dim=0, eps=1e-12):
        super().__init__()
        ndim = weight.ndim
        if dim >= ndim or dim < -ndim:
            raise IndexError(
                "Dimension out of range (expected to be in range of "
                f"[-{ndim}, {ndim - 1}] but got {dim})"
            )
        if n_power_iterations <= 0:
            raise ValueError(
                "Expected n_power_iterations to be positive, but "
                f"got n_power_iterations={n_power_iterations}"
            )
        self.dim = dim if dim >= 0 else dim + ndim
        self.eps = eps
        if ndim > 1:
            self.n_power_iterations = n_power_iterations
            weight_mat = _reshape_to_matrix(weight, self.dim)
            h, w = weight_mat.size()
            u = weight_mat.new_empty(h).normal_(0, 1)
            v = weight_mat.new_empty(w).normal_(0, 1)
            self.register_buffer("_u", F.normalize(u, dim=0, eps=self.eps))
            self.register_buffer("_v", F.normalize(v, dim=0, eps=self.eps))
            # start close to the top singular vectors
            self._power_method(weight_mat, 15)

    def _power_method(self, weight_mat, n_power_iterations):
        with grad_mode.no_grad():
            for _ in range(n_power_iterations):
                self._u.copy_(F.normalize(weight_mat.mv(self._v), dim=0, eps=self.eps))
                self._v.copy_(F.normalize(weight_mat.H.mv(self._u), dim=0, eps=self.eps))

    def forward(self, weight):
        if weight.ndim == 1:
            return F.normalize(weight, dim=0, eps=self.eps)
        weight_mat = _reshape_to_matrix(weight, self.dim)
        if self.training:
            self._power_method(weight_mat, self.n_power_iterations)
        u = self._u.clone()
        v = self._v.clone()
        sigma = _inner(u, weight_mat.mv(v))
        return weight / sigma

    def right_inverse(self, value):
        return value


def _default_dim(module, dim):
    if dim is None:
        return 1 if isinstance(module, (ConvTranspose1d, ConvTranspose2d, ConvTranspose3d)) else 0
    return dim


def spectral_norm(module, name="weight", n_power_iterations=1, eps=1e-12, dim=None):
    """``w / sigma(w)``, sigma from power iteration (one step per training-mode access)."""
    weight = getattr(module, name, None)
    if not isinstance(weight, Tensor):
        raise ValueError(f"Module '{module}' has no parameter or buffer with name '{name}'")
    dim = _default_dim(module, dim)
    parametrize.register_parametrization(
        module, name, _SpectralNorm(weight, n_power_iterations, dim, eps)
    )
    return module
