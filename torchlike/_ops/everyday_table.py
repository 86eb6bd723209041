"""The op table's everyday part: the fused products (``addmv``, ``addr``, ``baddbmm``,
``addbmm``, ``vdot``), NaN-ignoring ``fmax``/``fmin``, ``logaddexp2``, ``nextafter``,
``heaviside``, ``angle``/``sgn``, complex construction (``complex``, ``polar``,
``view_as_real``, ``view_as_complex``), ``put``, ``masked_scatter``, ``pdist``, the copying
forms of ``narrow``/``split`` and the ``*_copy`` nodes of every view op.

Same rules as ``table.py``: one ``Op`` per PyTorch grad node, a pure JAX ``impl``, gradients
from ``jax.vjp``.  The torch-level signatures are in ``everyday.py``.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

from .core import Op
from .indexing_table import _underived
from .table import OPS, _matmul

_SELF_OTHER = {"self": 0, "other": 1}


# ---------------------------------------------------------------------------------- products
def _scaled_sum(c, prod, beta, alpha):
    # beta == 0 ignores ``input`` entirely (NaN and inf in it do not propagate), as PyTorch
    dtype = jnp.result_type(c.dtype, prod.dtype)  # a float beta/alpha keeps integer results
    if beta == 0:
        out = jnp.broadcast_to(alpha * prod, jnp.broadcast_shapes(c.shape, prod.shape))
    else:
        out = beta * c + alpha * prod
    return out.astype(dtype)


def _addmv(c, mat, vec, *, beta=1, alpha=1):
    return _scaled_sum(c, _matmul(mat, vec), beta, alpha)


def _addr(c, vec1, vec2, *, beta=1, alpha=1):
    return _scaled_sum(c, vec1[:, None] * vec2[None, :], beta, alpha)


def _baddbmm(c, b1, b2, *, beta=1, alpha=1):
    return _scaled_sum(c, _matmul(b1, b2), beta, alpha)


def _addbmm(c, b1, b2, *, beta=1, alpha=1):
    return _scaled_sum(c, jnp.sum(_matmul(b1, b2), axis=0), beta, alpha)


_SCALES = {"alpha": "alpha", "beta": "beta"}
OPS["addmv"] = Op(
    "addmv", _addmv, "AddmvBackward0", promote="arith", saved={"mat": 1, "vec": 2, **_SCALES}
)
OPS["addr"] = Op(
    "addr", _addr, "AddrBackward0", promote="arith", saved={"vec1": 1, "vec2": 2, **_SCALES}
)
OPS["baddbmm"] = Op(
    "baddbmm",
    _baddbmm,
    "BaddbmmBackward0",
    promote="arith",
    saved={"batch1": 1, "batch2": 2, **_SCALES},
)
OPS["addbmm"] = Op(
    "addbmm",
    _addbmm,
    "AddbmmBackward0",
    promote="arith",
    saved={"batch1": 1, "batch2": 2, **_SCALES},
)
OPS["vdot"] = Op(
    "vdot", lambda a, b: jnp.vdot(a, b), "VdotBackward0", promote="arith", saved=_SELF_OTHER
)


# ---------------------------------------------------------------------------------- elementwise
def _fmax(a, b):
    # the gradient goes to ``self`` on ties and where ``other`` is NaN, as PyTorch's rule
    return jnp.where((a >= b) | (b != b), a, b)


def _fmin(a, b):
    return jnp.where((a <= b) | (b != b), a, b)


def _logaddexp2(a, b):
    return jnp.logaddexp2(a, b)


OPS["fmax"] = Op("fmax", _fmax, "FmaxBackward0", promote="arith", saved=_SELF_OTHER)
OPS["fmin"] = Op("fmin", _fmin, "FminBackward0", promote="arith", saved=_SELF_OTHER)
OPS["logaddexp2"] = Op(
    "logaddexp2", _logaddexp2, "Logaddexp2Backward0", promote="arith", saved=_SELF_OTHER
)
# nextafter's gradient is zero in PyTorch; heaviside has none (backward raises its error)
OPS["nextafter"] = Op(
    "nextafter",
    lambda a, b: jnp.nextafter(lax.stop_gradient(a), lax.stop_gradient(b)),
    "NextafterBackward0",
    promote="arith",
    linear=True,
)


def _heaviside(x, values):
    zero = jnp.zeros((), x.dtype)
    one = jnp.ones((), x.dtype)
    return jnp.where(x == 0, values.astype(x.dtype), jnp.where(x < 0, zero, one))


OPS["heaviside"] = Op(
    "heaviside", _underived(_heaviside, "heaviside"), "NotImplemented", linear=True
)


def _angle(x):
    if jnp.iscomplexobj(x):
        return jnp.angle(x)
    # a real number's angle is pi for negatives, 0 otherwise, NaN for NaN; no gradient
    pi = jnp.asarray(jnp.pi, x.dtype)
    out = jnp.where(x < 0, pi, jnp.zeros((), x.dtype))
    return lax.stop_gradient(jnp.where(x != x, x, out))


def _sgn(x):
    if jnp.iscomplexobj(x):
        a = jnp.abs(x)
        safe = jnp.where(a == 0, jnp.ones((), a.dtype), a)
        return jnp.where(a == 0, jnp.zeros((), x.dtype), x / safe)
    return jnp.sign(x)


OPS["angle"] = Op("angle", _angle, "AngleBackward0", saved={"self": 0})
OPS["sgn"] = Op("sgn", _sgn, "SgnBackward0", saved={"self": 0, "result": "result"})


# ---------------------------------------------------------------------------------- complex
def _complex(re, im):
    return lax.complex(re, im)


def _polar(r, theta):
    return lax.complex(r * jnp.cos(theta), r * jnp.sin(theta))


def _view_as_real(z):
    return jnp.stack([jnp.real(z), jnp.imag(z)], axis=-1)


def _view_as_complex(x):
    return lax.complex(x[..., 0], x[..., 1])


OPS["complex"] = Op("complex", _complex, "ComplexBackward0", saved={"real": 0, "imag": 1})
OPS["polar"] = Op("polar", _polar, "PolarBackward0", saved={"result": "result"})
# copies here (PyTorch's are views of the same memory: a write through one does not reach the
# other in torchlike)
OPS["view_as_real"] = Op("view_as_real", _view_as_real, "ViewAsRealBackward0", linear=True)
OPS["view_as_complex"] = Op(
    "view_as_complex", _view_as_complex, "ViewAsComplexBackward0", linear=True
)


# ---------------------------------------------------------------------------------- indexing
def _put(x, index, source, *, accumulate):
    flat = x.reshape(-1)
    idx = index.reshape(-1)
    idx = jnp.where(idx < 0, idx + flat.shape[0], idx)
    src = source.reshape(-1).astype(x.dtype)
    flat = flat.at[idx].add(src) if accumulate else flat.at[idx].set(src)
    return flat.reshape(x.shape)


OPS["put"] = Op(
    "put",
    _put,
    "PutBackward0",
    edges=3,
    saved={"accumulate": "accumulate", "index": 1, "source": 2},
)


def _masked_scatter(x, mask, source):
    mask = jnp.broadcast_to(mask, x.shape)
    flat_mask = mask.reshape(-1)
    # the k-th True position takes source's k-th element (row-major), without a host sync
    pos = jnp.cumsum(flat_mask.astype(jnp.int64)) - 1
    pos = jnp.clip(pos, 0, max(source.size - 1, 0))
    src = source.reshape(-1).astype(x.dtype)
    taken = src[pos] if source.size else jnp.zeros_like(x.reshape(-1))
    return jnp.where(flat_mask, taken, x.reshape(-1)).reshape(x.shape)


OPS["masked_scatter"] = Op(
    "masked_scatter", _masked_scatter, "MaskedScatterBackward0", edges=3, saved={"mask": 1}
)


def _pdist(x, *, p):
    n = x.shape[0]
    i, j = jnp.triu_indices(n, 1)
    diff = x[i] - x[j]
    if p == 0:
        return jnp.sum((diff != 0).astype(x.dtype), axis=-1)
    a = jnp.abs(diff)
    if p == float("inf"):
        return jnp.max(a, axis=-1, initial=0.0)
    if p == 2:
        # zero distances get gradient 0, as PyTorch's pdist backward
        s = jnp.sum(a * a, axis=-1)
        safe = jnp.where(s == 0, jnp.ones((), s.dtype), s)
        return jnp.where(s == 0, jnp.zeros((), s.dtype), jnp.sqrt(safe))
    if p == 1:
        return jnp.sum(a, axis=-1)
    s = jnp.sum(a**p, axis=-1)
    safe = jnp.where(s == 0, jnp.ones((), s.dtype), s)
    return jnp.where(s == 0, jnp.zeros((), s.dtype), safe ** (1.0 / p))


OPS["pdist"] = Op(
    "pdist", _pdist, "PdistBackward0", saved={"self": 0, "p": "p", "result": "result"}
)


# ---------------------------------------------------------------------------------- copies
def _narrow_copy(x, *, dim, start, length):
    return lax.slice_in_dim(x, start, start + length, axis=dim)


def _unsafe_split(x, *, sizes, dim, split_size=None):
    out, at = [], 0
    for s in sizes:
        out.append(lax.slice_in_dim(x, at, at + s, axis=dim))
        at += s
    return tuple(out)


OPS["narrow_copy"] = Op(
    "narrow_copy",
    _narrow_copy,
    "NarrowCopyBackward0",
    linear=True,
    saved={"dim": "dim", "start": "start", "length": "length"},
)
OPS["unsafe_split"] = Op(
    "unsafe_split",
    _unsafe_split,
    "UnsafeSplitBackward0",
    linear=True,
    saved={"dim": "dim", "split_size": "split_size"},
)
OPS["unsafe_split_with_sizes"] = Op(
    "unsafe_split_with_sizes",
    _unsafe_split,
    "UnsafeSplitWithSizesBackward0",
    linear=True,
    saved={"dim": "dim", "split_sizes": "sizes"},
)

_COPIES: dict = {}


def copy_op(view_op):
    """The copying twin of a view entry (``view_copy`` is ``view`` into new memory): the same
    impl, not a view, PyTorch's ``<Node>_copy`` node name."""
    op = _COPIES.get(view_op)
    if op is None:
        node = view_op.node_cls.__name__ if view_op.node_cls is not None else None
        op = _COPIES[view_op] = Op(
            view_op.name + "_copy",
            view_op.impl,
            None if node is None else node + "_copy",
            promote=view_op.promote,
            linear=view_op.linear,
            saved=view_op.saved,
            edges=view_op.edges,
        )
    return op


# ---------------------------------------------------------------------------- fake quantization
def _fake_quant(x, scale, zero_point, *, quant_min, quant_max, axis=None):
    """Quantize-dequantize in PyTorch's kernel arithmetic (float32, ``x * (1 / scale)``, rounding
    half to even, an integer zero point added after rounding and a floating one before), with
    the straight-through gradient: ``grad`` where the rounded value lies in range, else 0."""
    f32 = jnp.float32
    shape = [1] * x.ndim
    if axis is not None:
        shape[axis] = -1
    s = scale.astype(f32).reshape(shape)
    zp_float = jnp.issubdtype(zero_point.dtype, jnp.floating)
    z = zero_point.astype(f32).reshape(shape)

    def parts(x):
        scaled = x.astype(f32) * (1.0 / s)
        q = jnp.round(scaled + z) if zp_float else jnp.round(scaled) + z
        keep = (q >= quant_min) & (q <= quant_max)
        return ((jnp.clip(q, quant_min, quant_max) - z) * s).astype(x.dtype), keep

    @jax.custom_vjp
    def fake(x):
        return parts(x)[0]

    def fwd(x):
        out, keep = parts(x)
        return out, keep

    fake.defvjp(fwd, lambda keep, g: (jnp.where(keep, g, jnp.zeros((), g.dtype)),))
    return fake(x)


OPS["fake_quantize_per_tensor_affine"] = Op(
    "fake_quantize_per_tensor_affine",
    _fake_quant,
    "FakeQuantizePerTensorAffineCachemaskBackward0",
    edges=1,
)
OPS["fake_quantize_per_tensor_affine_tensor_qparams"] = Op(
    "fake_quantize_per_tensor_affine",
    _fake_quant,
    "FakeQuantizePerTensorAffineCachemaskTensorQparamsBackward0",
    edges=1,
)
OPS["fake_quantize_per_channel_affine"] = Op(
    "fake_quantize_per_channel_affine",
    _fake_quant,
    "FakeQuantizePerChannelAffineCachemaskBackward0",
    edges=1,
)
