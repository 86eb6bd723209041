"""Autocast's state and PyTorch's op lists: which ops run in lower precision, which in float32,
which promote their floating inputs to the widest among them.

``core.apply`` asks ``cast_operands`` for every op while an autocast region is active (one
boolean test otherwise).  An op's policy is looked up by its PyTorch name for the device type of
its tensors; eligible tensors are floating-point, not float64, on that device type (PyTorch's
``is_eligible``), and are cast with ``Tensor.to`` so the graph shows PyTorch's ToCopyBackward0.
Within a region, the lower-precision casts of leaf tensors that require grad (weights) are
cached, as PyTorch's autocast caches them, and dropped when the outermost region exits.

The lists are PyTorch 2.13's (``aten/src/ATen/autocast_mode.{h,cpp}``), under torchlike's op
names: PyTorch's ``conv1d/2d/3d`` and ``conv_transpose*`` run as torchlike's ``convolution``,
``linear`` as ``addmm`` / ``matmul``.  Ground module: imports only ``_dtype``.
"""

from __future__ import annotations

import functools
import weakref

import jax

from . import _dtype as D

ACTIVE = [False]  # any device type has autocast on: core.apply consults cast_operands
_state = {
    # device type -> [enabled, dtype name, cache_enabled]
    "cpu": [False, "bfloat16", True],
    "cuda": [False, "float16", True],
}
_depth = [0]
_cache: dict = {}
_inside = [False]

_CONVS = ("convolution",)
_MATMULS = ("addmm", "matmul", "mm", "bmm", "baddbmm", "addbmm", "addmv", "addr", "mv", "einsum")

CPU_POLICY = {
    **{n: "lower" for n in _CONVS + ("bmm", "mm", "baddbmm", "addmm", "addbmm", "matmul")},
    "linear": "lower",
    **{n: "lower" for n in ("linalg_vecdot", "prelu", "scaled_dot_product_attention")},
    **{
        n: "fp32"
        for n in (
            "avg_pool3d binary_cross_entropy grid_sampler polar prod quantile nanquantile stft "
            "cdist trace view_as_complex cholesky cholesky_inverse cholesky_solve inverse lu_solve "
            "orgqr ormqr pinverse max_pool3d max_unpool2d max_unpool3d adaptive_avg_pool3d "
            "reflection_pad1d reflection_pad2d replication_pad1d replication_pad2d "
            "replication_pad3d mse_loss cosine_embedding_loss nll_loss nll_loss2d "
            "hinge_embedding_loss poisson_nll_loss smooth_l1_loss cross_entropy_loss l1_loss "
            "huber_loss margin_ranking_loss soft_margin_loss triplet_margin_loss multi_margin_loss "
            "ctc_loss kl_div multilabel_margin_loss binary_cross_entropy_with_logits fft_c2c "
            "fft_r2c fft_c2r linalg_cond linalg_matrix_rank linalg_solve_ex linalg_cholesky_ex "
            "linalg_svdvals linalg_eigvals linalg_eigvalsh linalg_inv_ex "
            "linalg_householder_product linalg_tensorinv linalg_tensorsolve geqrf linalg_lu "
            "linalg_lu_factor_ex linalg_qr triangular_solve fractional_max_pool2d "
            "fractional_max_pool3d adaptive_max_pool3d linalg_svd linalg_eig linalg_eigh "
            "linalg_lstsq"
        ).split()
    },
    **{n: "promote" for n in ("stack", "cat", "index_copy")},
}

CUDA_POLICY = {
    **{n: "lower" for n in _CONVS + _MATMULS},
    "linear": "lower",
    "binary_cross_entropy": "banned",
    **{n: "lower" for n in ("prelu", "linalg_vecdot", "scaled_dot_product_attention", "lstm")},
    **{
        n: "fp32"
        for n in (
            "acos asin cosh erfinv exp expm1 log log10 log2 log1p reciprocal rsqrt sinh tan pow "
            "softplus layer_norm group_norm norm cosine_similarity poisson_nll_loss "
            "cosine_embedding_loss nll_loss nll_loss2d hinge_embedding_loss kl_div l1_loss "
            "smooth_l1_loss huber_loss mse_loss margin_ranking_loss multilabel_margin_loss "
            "soft_margin_loss triplet_margin_loss multi_margin_loss "
            "binary_cross_entropy_with_logits dist pdist cdist renorm logsumexp "
            "upsample_nearest1d _upsample_nearest_exact1d upsample_nearest2d "
            "_upsample_nearest_exact2d upsample_nearest3d _upsample_nearest_exact3d "
            "upsample_linear1d upsample_bilinear2d upsample_trilinear3d upsample_bicubic2d "
            # PyTorch's fp32_set_opt_dtype ops: float32 unless a dtype is given
            "prod softmax log_softmax cumprod cumsum sum linalg_vector_norm linalg_matrix_norm"
        ).split()
    },
    **{
        n: "promote"
        for n in (
            "addcdiv addcmul atan2 bilinear cross dot vdot grid_sampler index_put tensordot "
            "scatter_add"
        ).split()
    },
}
# PyTorch's fp32_set_opt_dtype ops keep an explicitly requested dtype
_OPT_DTYPE = frozenset("prod softmax log_softmax cumprod cumsum sum".split())
_POLICIES = {"cpu": CPU_POLICY, "cuda": CUDA_POLICY}
_ELIGIBLE = (D.float16, D.bfloat16, D.float32)  # floating, not float64
_BY_NAME = {"float16": D.float16, "bfloat16": D.bfloat16, "float32": D.float32}


def is_enabled(device_type: str) -> bool:
    return _state[device_type][0]


def get_dtype(device_type: str) -> str:
    return _state[device_type][1]


def enter(device_type: str, enabled: bool, dtype_name: str, cache_enabled: bool):
    """Start a region; returns what ``exit`` restores."""
    prev = list(_state[device_type])
    _state[device_type] = [enabled, dtype_name, cache_enabled]
    _depth[0] += 1
    ACTIVE[0] = any(s[0] for s in _state.values())
    return prev


def exit(device_type: str, prev) -> None:  # noqa: A001 - the region's exit
    _state[device_type] = prev
    _depth[0] -= 1
    ACTIVE[0] = any(s[0] for s in _state.values())
    if _depth[0] == 0:
        _cache.clear()


def set_enabled(device_type: str, enabled: bool) -> None:
    _state[device_type][0] = enabled
    ACTIVE[0] = any(s[0] for s in _state.values())


def set_dtype(device_type: str, dtype_name: str) -> None:
    _state[device_type][1] = dtype_name


def clear_cache() -> None:
    _cache.clear()


def _cast(t, dtype, cache):
    # (inside a torch.compile trace a leaf's value is a tracer: its cast belongs to that trace
    # alone, and an eager cast kept from outside would cut the trace's path to the leaf)
    cache = cache and t.is_leaf and t.requires_grad and not isinstance(t._value, jax.core.Tracer)
    key = id(t)
    if cache:
        hit = _cache.get((key, dtype))
        if hit is not None and hit[0]() is t:
            return hit[1]
    out = t.to(dtype)
    if cache:
        _cache[(key, dtype)] = (weakref.ref(t), out)
    return out


_BANNED = (
    "torch.nn.functional.binary_cross_entropy and torch.nn.BCELoss are unsafe to autocast.\n"
    "Many models use a sigmoid layer right before the binary cross entropy layer.\n"
    "In this case, combine the two layers using torch.nn.functional.binary_cross_entropy_with_logits\n"
    "or torch.nn.BCEWithLogitsLoss.  binary_cross_entropy_with_logits and BCEWithLogits are\n"
    "safe to autocast."
)


def region(name, native=False):
    """Decorate a Python-level function PyTorch's autocast wraps as one op (``linear``,
    ``cross_entropy_loss``, composite losses): inside an active region its tensor arguments get
    the op's casts and the ops it runs are not cast again, as PyTorch excludes autocast inside a
    wrapped op.  Without a policy for the arguments' device, the function runs as it is, its
    own ops cast as they come, unless ``native``: PyTorch runs it as one kernel (``bilinear``'s
    ``_trilinear``), which nothing inside autocasts."""

    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if not ACTIVE[0] or _inside[0]:
                return fn(*args, **kwargs)
            keys = list(kwargs)
            flat = list(args) + [kwargs[k] for k in keys]
            cast = cast_operands(name, flat, ())
            if cast is flat and not native:
                return fn(*args, **kwargs)
            args, kw = cast[: len(args)], dict(zip(keys, cast[len(args) :]))
            _inside[0] = True
            try:
                return fn(*args, **kw)
            finally:
                _inside[0] = False

        return wrapper

    return deco


def cast_operands(name, operands, static):
    """``operands`` with autocast's casts for op ``name`` applied (the same list when none
    applies)."""
    if _inside[0]:
        return operands
    policy = device_type = None
    for a in operands:
        dev = getattr(a, "device", None)
        if dev is None or not hasattr(a, "_dtype"):
            continue
        kind = "cuda" if dev.type == "cuda" else "cpu" if dev.type == "cpu" else None
        if kind is not None and _state[kind][0]:
            policy = _POLICIES[kind].get(name)
            device_type = kind
            break
    if policy is None:
        return operands
    if policy == "banned":
        raise RuntimeError(_BANNED)
    if name in _OPT_DTYPE and any(k == "dtype" and v is not None for k, v in static):
        return operands
    enabled, dtype_name, cache = _state[device_type]

    def eligible(a):
        return getattr(a, "_dtype", None) in _ELIGIBLE

    if policy == "lower":
        target = _BY_NAME[dtype_name]
    elif policy == "fp32":
        target = D.float32
    else:  # promote: the widest eligible floating type among the operands
        present = {a._dtype for a in operands if eligible(a)}
        if len(present) <= 1:
            return operands
        target = D.float32 if D.float32 in present or len(present) > 1 else present.pop()
    _inside[0] = True
    try:
        return [
            _cast(a, target, cache and policy == "lower")
            if eligible(a) and a._dtype is not target
            else a
            for a in operands
        ]
    finally:
        _inside[0] = False
