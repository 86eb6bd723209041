"""Matrix-product signatures: mm, bmm, mv, dot, matmul, addmm, einsum, outer, cross,
dist/cdist.
"""

from __future__ import annotations

from .. import _autocast
from .. import _dtype as D
from .._tensor import _wrap_dim
from . import overloads
from .core import apply
from .signatures import (
    METHODS,
    check_dot_operands,
    check_kernel_dtype,
    export,
)
from .table import OPS

# PyTorch's matmul kernels never promote: mixed operand dtypes are errors, worded by kernel
_C_TYPE = {
    **D.C_NAMES,
    D.float16: "c10::Half",
    D.bfloat16: "c10::BFloat16",
    D.complex64: "c10::complex<float>",
    D.complex128: "c10::complex<double>",
}


def _c_name(t):
    return _C_TYPE.get(t._dtype, str(t._dtype))


def _scalar_name(t):
    return D.CAST_NAMES.get(t._dtype, str(t._dtype))


def _check_mm_dtypes(a, b):
    if a._dtype is not b._dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_c_name(a)} != {_c_name(b)}"
        )


def _check_bmm_dtypes(a, b):
    if a._dtype is not b._dtype:
        raise RuntimeError(f"expected scalar type {_scalar_name(a)} but found {_scalar_name(b)}")


def _check_mv_dtypes(mat, vec):
    if mat._dtype is not vec._dtype:
        v = _scalar_name(vec)
        raise RuntimeError(
            f"addmv input tensors must have the same dtype, but got {v}, {_scalar_name(mat)}, "
            f"and {v}"
        )


def _check_not_bool(kernel, t):
    # no bool instantiation of PyTorch's matmul kernels (integers have one)
    check_kernel_dtype(kernel, t, "numeric")


def _broadcast_batch(a, b):
    """The broadcast of two batch shapes, with PyTorch's error for incompatible ones."""
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                f"non-singleton dimension {i}"
            )
        out.append(y if x == 1 else x)
    return tuple(out)


def _check_matmul_nd_shapes(input, other):
    """matmul with a batched operand: PyTorch folds the batch into mm/mv when the other
    operand is a matrix/vector, and runs a broadcast bmm otherwise; the errors are theirs."""
    a, b = tuple(input.shape), tuple(other.shape)
    if len(b) <= 2 and len(a) >= 3:
        rows = 1
        for s in a[:-1]:
            rows *= s
        if len(b) == 1 and a[-1] != b[0]:
            raise RuntimeError(
                f"size mismatch, got input ({rows}), mat ({rows}x{a[-1]}), vec ({b[0]})"
            )
        if len(b) == 2 and a[-1] != b[0]:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({rows}x{a[-1]} and {b[0]}x{b[1]})"
            )
        return
    a2 = (1,) + a if len(a) == 1 else a
    batch = _broadcast_batch(a2[:-2], b[:-2])
    n = 1
    for s in batch:
        n *= s
    if a2[-1] != b[-2]:
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{n}, {a2[-1]}] but got: [{n}, {b[-2]}]."
        )


@export(out=True)
def mm(input, mat2):
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({input.shape[0]}x{input.shape[1]} and "
            f"{mat2.shape[0]}x{mat2.shape[1]})"
        )
    _check_mm_dtypes(input, mat2)
    _check_not_bool("addmm_impl_cpu_", input)
    return apply(OPS["mm"], (input, mat2))


@export(out=True)
def bmm(input, mat2):
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    want = [input.shape[0], input.shape[2]]
    if list(mat2.shape[:2]) != want:
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"{want} but got: {list(mat2.shape[:2])}."
        )
    _check_bmm_dtypes(input, mat2)
    _check_not_bool("bmm", input)
    return apply(OPS["bmm"], (input, mat2))


@export(out=True)
def mv(input, vec):
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({input.shape[0]}), mat ({input.shape[0]}x"
            f"{input.shape[1]}), vec ({vec.shape[0]})"
        )
    _check_mv_dtypes(input, vec)
    _check_not_bool("addmv_impl_cpu", input)
    return apply(OPS["mv"], (input, vec))


@export(out=True)
def dot(input, tensor):
    check_dot_operands(input, tensor)
    _check_not_bool("dot", input)
    return apply(OPS["dot"], (input, tensor))


@export("matmul", out=True)
@_autocast.region("matmul")  # (autocast casts matmul itself: a 1-d product too, not only mm)
def matmul(input, other):
    a, b = input.ndim, other.ndim
    if a == 0 or b == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a}D and {b}D"
        )
    if a == 1 and b == 1:
        return dot(input, other)
    if a == 2 and b == 1:
        return mv(input, other)
    if a == 2 and b == 2:
        return mm(input, other)
    if a == 1 and b == 2:
        if input.shape[0] != other.shape[0]:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied (1x{input.shape[0]} and "
                f"{other.shape[0]}x{other.shape[1]})"
            )
        _check_mm_dtypes(input, other)
        _check_not_bool("addmm_impl_cpu_", input)
        return apply(OPS["mm"], (input.unsqueeze(0), other)).squeeze(0)
    # PyTorch folds a batched left operand into mm/mv when the right one is a matrix/vector,
    # and runs bmm otherwise: the dtype error is that kernel's
    _check_matmul_nd_shapes(input, other)
    if input._dtype is not other._dtype:
        if b == 1:
            _check_mv_dtypes(input, other)
        if b == 2:
            _check_mm_dtypes(input, other)
        _check_bmm_dtypes(input, other)
    _check_not_bool(
        "addmv_impl_cpu" if b == 1 else "addmm_impl_cpu_" if b == 2 and a >= 3 else "bmm", input
    )
    return apply(OPS["matmul_nd"], (input, other))


@export(out=True)
def outer(input, vec2):
    return input.reshape(-1, 1) * vec2


@export(inplace=True, out=True)
def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    if mat1.ndim == 2 and mat2.ndim == 2:
        # the bias is expanded to the product's shape first: expand's errors
        target = (mat1.shape[0], mat2.shape[1])
        have = tuple(input.shape)
        if len(have) > 2 or any(h not in (1, t) for h, t in zip(have[::-1], target[::-1])):
            METHODS["expand"](input, *target)
        if mat1.shape[1] != mat2.shape[0]:
            raise RuntimeError(
                f"mat1 and mat2 shapes cannot be multiplied ({mat1.shape[0]}x{mat1.shape[1]} "
                f"and {mat2.shape[0]}x{mat2.shape[1]})"
            )
    _check_not_bool("addmm_impl_cpu_", mat1)
    return apply(OPS["addmm"], (input, mat1, mat2), (("beta", beta), ("alpha", alpha)))


@export(method=False)
def einsum(equation, *operands):
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    overloads.check_tensor_list(operands, 1)  # (PyTorch's parser: a Tensor list)
    if _autocast.ACTIVE[0] and _contracts_across(equation):
        # CPU autocast has no einsum entry: PyTorch's einsum reaches the listed bmm only when
        # an index is summed across operands (an outer or elementwise product stays float32)
        operands = tuple(_autocast.cast_operands("bmm", list(operands), ()))
    return apply(OPS["einsum"], tuple(operands), (("equation", equation),))


def _contracts_across(equation):
    """Whether ``equation`` sums an index that two or more operands share."""
    lhs, arrow, rhs = equation.replace(" ", "").partition("->")
    terms = [set(c for c in t if c.isalpha()) for t in lhs.split(",")]
    if arrow:
        kept = set(c for c in rhs if c.isalpha())
    else:
        letters = [c for c in lhs if c.isalpha()]
        kept = {c for c in letters if letters.count(c) == 1}
    return any(sum(c in t for t in terms) > 1 for c in set().union(*terms) - kept)


@export(out=True)
def cross(input, other, dim=None):
    if dim is None:
        dim = next(i for i, s in enumerate(input.shape) if s == 3)
    return apply(OPS["cross"], (input, other), (("dim", _wrap_dim(dim, input.ndim)),))


@export()
def dist(input, other, p=2):
    # PyTorch computes ``norm(input - other)``: the subtraction's checks, then norm's dtype check
    if input.dtype is D.bool_ and other.dtype is D.bool_:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
            "or `logical_xor()` operator instead."
        )
    common = D.promote_types(input.dtype, other.dtype)
    if not (common.is_floating_point or common.is_complex):
        raise RuntimeError(
            "norm(): input dtype should be either floating point or complex. Got "
            f"{D.CAST_NAMES.get(common, common)} instead."
        )
    return apply(OPS["dist"], (input, other), (("p", p),))


_CDIST_MODES = (
    None,
    "use_mm_for_euclid_dist_if_necessary",
    "use_mm_for_euclid_dist",
    "donot_use_mm_for_euclid_dist",
)


@export(method=False)
def cdist(x1, x2, p=2.0, compute_mode=None):
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    for name, x in (("X1", x1), ("X2", x2)):
        if x.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {x.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}"
        )
    for name, x in (("X1", x1), ("X2", x2)):
        if not x.dtype.is_floating_point:
            raise RuntimeError(
                f"cdist only supports floating-point dtypes, {name} got: {_scalar_name(x)}"
            )
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if x1.dtype is not x2.dtype:
        raise RuntimeError(f"expected scalar type {_scalar_name(x1)} but found {_scalar_name(x2)}")
    return apply(OPS["cdist"], (x1, x2), (("p", p),))
