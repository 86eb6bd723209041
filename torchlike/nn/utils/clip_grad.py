"""Gradient clipping: one compiled computation over all gradients (not a loop of small ops)."""

from __future__ import annotations

import math
import warnings

import jax.numpy as jnp

from ... import _caches
from ..._tensor import Tensor

__all__ = [
    "clip_grad_norm_",
    "clip_grad_norm",
    "clip_grad_value_",
    "clip_grads_with_norm_",
    "get_total_norm",
]


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def _norm(vals, norm_type):
    if norm_type == math.inf:
        return jnp.max(jnp.stack([jnp.max(jnp.abs(v)) for v in vals]))
    if norm_type == -math.inf:
        return jnp.min(jnp.stack([jnp.min(jnp.abs(v)) for v in vals]))
    per = jnp.stack(
        [
            jnp.sum(
                jnp.abs(v.astype(jnp.float32) if v.dtype in (jnp.float16, jnp.bfloat16) else v)
                ** norm_type
            )
            ** (1.0 / norm_type)
            for v in vals
        ]
    )
    return jnp.sum(per**norm_type) ** (1.0 / norm_type)


@_caches.jit(name="nn.utils.clip_grad.total_norm", static_argnums=(1,))
def _total_norm(vals, norm_type):
    return _norm(vals, norm_type)


@_caches.jit(name="nn.utils.clip_grad.clip", static_argnums=(2,))
def _clip(vals, max_norm, norm_type):
    total = _norm(vals, norm_type)
    coef = jnp.minimum(max_norm / (total + 1e-6), 1.0)
    return total, tuple((v * coef).astype(v.dtype) for v in vals)


@_caches.jit(name="nn.utils.clip_grad.scale")
def _scale(vals, max_norm, total):
    coef = jnp.minimum(max_norm / (total + 1e-6), 1.0)
    return tuple((v * coef).astype(v.dtype) for v in vals)


def _write(t, value):
    t._write_data(value)


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    tensors = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if not tensors:
        return Tensor._make(jnp.asarray(0.0, jnp.float32))
    total = _total_norm(tuple(t._value for t in tensors), float(norm_type))
    _check_finite(total, norm_type, error_if_nonfinite)
    return Tensor._make(total)


def _check_finite(total, norm_type, error_if_nonfinite):
    if error_if_nonfinite and not bool(jnp.isfinite(total)):
        raise RuntimeError(
            f"The total norm of order {float(norm_type)} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the gradients "
            "by the non-finite norm anyway, set `error_if_nonfinite=False`"
        )


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """Scale all gradients together so that their joint ``norm_type`` norm is <= max_norm;
    returns the norm before clipping."""
    grads = _grads(parameters)
    norm_type = float(norm_type)
    if not grads:
        return Tensor._make(jnp.asarray(0.0, jnp.float32))
    total, clipped = _clip(tuple(g._value for g in grads), float(max_norm), norm_type)
    _check_finite(total, norm_type, error_if_nonfinite)
    for g, v in zip(grads, clipped):
        _write(g, v)
    return Tensor._make(total)


def clip_grads_with_norm_(parameters, max_norm, total_norm, foreach=None):
    """Scale the gradients by ``max_norm / (total_norm + 1e-6)``, clamped at 1: the second
    half of clip_grad_norm_, for a norm computed elsewhere (get_total_norm)."""
    grads = _grads(parameters)
    if not grads:
        return
    total = total_norm._value if isinstance(total_norm, Tensor) else jnp.asarray(total_norm)
    scaled = _scale(tuple(g._value for g in grads), float(max_norm), total)
    for g, v in zip(grads, scaled):
        _write(g, v)


def clip_grad_norm(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    warnings.warn(
        "`torch.nn.utils.clip_grad_norm` is now deprecated in favor of "
        "`torch.nn.utils.clip_grad_norm_`.",
        FutureWarning,
        stacklevel=2,
    )
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


def clip_grad_value_(parameters, clip_value, foreach=None):
    clip_value = float(clip_value)
    for g in _grads(parameters):
        _write(g, jnp.clip(g._value, -clip_value, clip_value))
