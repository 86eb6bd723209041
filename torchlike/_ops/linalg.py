"""PyTorch's linear-algebra signatures: the torch-level functions and Tensor methods (``torch.det``,
``Tensor.inverse`` …) and the checked kernels ``torchlike.linalg`` is written with.

Every computation is an entry of ``linalg_table.py``; this module parses arguments, checks
shapes and dtypes with PyTorch's messages, and turns LAPACK's ``info`` into PyTorch's errors.

Cost note: reading ``info`` (inv, solve, cholesky, lu_factor) copies one small int array from the
device to the host after the op ran, which waits for the op, as PyTorch's own check does on
CUDA; the ``*_ex`` forms never read it.  No other op here waits on the device.
"""

from __future__ import annotations

import collections
import math

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .. import _warnings
from .._tensor import Tensor, _wrap_dim
from ..autograd.inplace import _CAST_NAMES
from . import linalg_table  # noqa: F401 - registers the entries into OPS
from .core import apply
from .frontend import _SCALAR_TYPE_NAMES, FUNCTIONS, export
from .table import OPS


class _LinAlgError(RuntimeError):
    """A linear-algebra routine failed on its input (PyTorch's ``torch.linalg.LinAlgError``)."""


_LinAlgError.__module__ = "torch._C"
LinAlgError = _LinAlgError


def _int32(t):
    """An entry's integer result (see ``linalg_table._ints_as_real``) as PyTorch's int32."""
    return Tensor._make(t._value.astype(jnp.int32), D.int32)


def _fn(name):
    return FUNCTIONS[name]


# ---------------------------------------------------------------------------------- results
def return_type(name, fields):
    """A ``torch.return_types.<name>`` named tuple with PyTorch's repr."""
    cls = collections.namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={getattr(self, f)!r}" for f in fields)
        return f"torch.return_types.{name}(\n{body})"

    cls.__repr__ = __repr__
    cls.__module__ = "torch.return_types"
    return cls


RT = {
    name: return_type(name, fields)
    for name, fields in {
        "slogdet": ("sign", "logabsdet"),
        "linalg_slogdet": ("sign", "logabsdet"),
        "linalg_inv_ex": ("inverse", "info"),
        "linalg_solve_ex": ("result", "info"),
        "linalg_cholesky_ex": ("L", "info"),
        "linalg_qr": ("Q", "R"),
        "qr": ("Q", "R"),
        "linalg_eig": ("eigenvalues", "eigenvectors"),
        "linalg_eigh": ("eigenvalues", "eigenvectors"),
        "linalg_svd": ("U", "S", "Vh"),
        "svd": ("U", "S", "V"),
        "linalg_lstsq": ("solution", "residuals", "rank", "singular_values"),
        "linalg_lu_factor": ("LU", "pivots"),
        "linalg_lu_factor_ex": ("LU", "pivots", "info"),
        "linalg_lu": ("P", "L", "U"),
        "lu_unpack": ("P", "L", "U"),
        "_lu_with_info": ("LU", "pivots", "info"),
        "triangular_solve": ("solution", "cloned_coefficient"),
    }.items()
}


# ---------------------------------------------------------------------------------- checks
def _type_name(d):
    return _SCALAR_TYPE_NAMES.get(d, str(d).replace("torch.", ""))


def check_float(fn, A, what="input"):
    if not (A._dtype.is_floating_point or A._dtype.is_complex):
        raise RuntimeError(
            f"{fn}: Expected a floating point or complex tensor as {what}. "
            f"Got {_type_name(A._dtype)}"
        )


def check_matrix(fn, A, name="A"):
    if not isinstance(A, Tensor):
        raise TypeError(
            f"{fn}(): argument '{name}' (position 1) must be Tensor, not {type(A).__name__}"
        )
    if A.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor {name} must have at least 2 dimensions.")


def check_same_dtype(prefix, a, b, an, bn, tail=" instead"):
    if a._dtype is not b._dtype:
        raise RuntimeError(
            f"{prefix}Expected {an} and {bn} to have the same dtype, but found "
            f"{an} of type {_CAST_NAMES.get(a._dtype, a._dtype)} and {bn} of type "
            f"{_CAST_NAMES.get(b._dtype, b._dtype)}{tail}"
        )


def check_square(fn, A, name="A", dtype=True):
    check_matrix(fn, A, name)
    m, n = A.shape[-2], A.shape[-1]
    if m != n:
        raise RuntimeError(
            f"{fn}: {name} must be batches of square matrices, but they are {m} by {n} matrices"
        )
    if dtype:
        check_float(fn, A)


def raise_on_info(fn, info, message):
    """Raise PyTorch's error for the first failed matrix.  Syncs: reads ``info`` on the host."""
    arr = np.asarray(info._value)
    if not arr.any():
        return
    flat = arr.reshape(-1)
    b = int(np.argmax(flat != 0))
    prefix = f"(Batch element {b}): " if arr.ndim else ""
    raise _LinAlgError(f"{fn}: {prefix}{message(int(flat[b]))}")


def _singular_inv(k):
    return (
        f"The diagonal element {k} is zero, the inversion could not be completed because "
        "the input matrix is singular."
    )


def _not_pd(k):
    return (
        "The factorization could not be completed because the input is not "
        f"positive-definite (the leading minor of order {k} is not positive-definite)."
    )


def _deprecated_once(key, message):
    """PyTorch's once-per-process deprecation warning of ``torch.<key>``."""
    _warnings.warn(message, _DEPRECATED_AT[key], once=True, stacklevel=3)


# where in PyTorch's source each deprecation warning is raised (part of its printed text)
_DEPRECATED_AT = {
    "cholesky": "aten/src/ATen/native/BatchLinearAlgebra.cpp:1765",
    "qr": "aten/src/ATen/native/BatchLinearAlgebra.cpp:2505",
    "lu": "aten/src/ATen/native/BatchLinearAlgebra.cpp:2073",
    "lu_solve": "aten/src/ATen/native/BatchLinearAlgebra.cpp:2230",
    "triangular_solve": "aten/src/ATen/native/BatchLinearAlgebra.cpp:2273",
    "chain_matmul": "aten/src/ATen/native/LinearAlgebra.cpp:1102",
}


# ---------------------------------------------------------------------------------- kernels
def linalg_det(A, fn="linalg.det"):
    check_square(fn, A)
    return apply(OPS["linalg_det"], (A,))


def linalg_slogdet(A, name="linalg_slogdet", fn="linalg.slogdet"):
    check_square(fn, A)
    sign, logabsdet = apply(OPS["linalg_slogdet"], (A,))
    return RT[name](sign, logabsdet)


def linalg_inv_ex(A, check_errors=False, fn="linalg.inv_ex"):
    check_square(fn, A)
    inverse, info = apply(OPS["linalg_inv_ex"], (A,))
    info = _int32(info)
    if check_errors:
        raise_on_info(fn, info, _singular_inv)
    return RT["linalg_inv_ex"](inverse, info)


def linalg_inv(A, fn="linalg.inv"):
    check_square(fn, A)
    inverse, info = apply(OPS["linalg_inv_ex"], (A,))
    info = _int32(info)
    raise_on_info("linalg.inv", info, _singular_inv)
    return inverse


def _solve_operands(fn, A, B, left):
    check_square(fn, A)
    if not isinstance(B, Tensor):
        raise TypeError(f"{fn}(): argument 'B' (position 2) must be Tensor, not {type(B).__name__}")
    vector = left and (
        B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    )
    n = A.shape[-1]
    r, c = (B.shape[-1], 1) if (vector or B.ndim == 1) else (B.shape[-2], B.shape[-1])
    if (r if left else c) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(
            f"linalg.solve: Incompatible shapes of A and B for the equation {eq} "
            f"({n}x{n} and {r}x{c})"
        )
    check_same_dtype("linalg.solve: ", A, B, "A", "B")
    return vector


def linalg_solve_ex(A, B, left=True, check_errors=False, fn="linalg.solve_ex"):
    vector = _solve_operands(fn, A, B, left)
    result, info = apply(OPS["linalg_solve_ex"], (A, B), (("left", left), ("vector", vector)))
    info = _int32(info)
    if check_errors:
        raise_on_info(
            "torch.linalg.solve",
            info,
            lambda k: "The solver failed because the input matrix is singular.",
        )
    return RT["linalg_solve_ex"](result, info)


def linalg_solve(A, B, left=True):
    return linalg_solve_ex(A, B, left, check_errors=True, fn="linalg.solve").result


def linalg_cholesky_ex(A, upper=False, check_errors=False, fn="linalg.cholesky"):
    check_square(fn, A)
    L, info = apply(OPS["linalg_cholesky_ex"], (A,), (("upper", upper),))
    info = _int32(info)
    if check_errors:
        raise_on_info(fn, info, _not_pd)
    return RT["linalg_cholesky_ex"](L, info)


def linalg_qr(A, mode="reduced", name="linalg_qr"):
    check_matrix("linalg.qr", A)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of "
            "'reduced' (default), 'r', or 'complete'"
        )
    check_float("linalg.qr", A)
    Q, R = apply(OPS["linalg_qr"], (A,), (("mode", mode),))
    return RT[name](Q, R)


def linalg_svd(A, full_matrices=True):
    check_matrix("linalg.svd", A)
    check_float("linalg.svd", A)
    U, S, Vh = apply(OPS["linalg_svd"], (A,), (("full_matrices", full_matrices),))
    return RT["linalg_svd"](U, S, Vh)


def linalg_svdvals(A):
    check_matrix("linalg.svdvals", A)
    check_float("linalg.svdvals", A)
    return apply(OPS["linalg_svdvals"], (A,))


def linalg_pinv(A, atol=None, rtol=None, hermitian=False):
    check_matrix("linalg.pinv", A)
    check_float("linalg.pinv", A)
    return apply(OPS["linalg_pinv"], (A, atol, rtol), (("hermitian", hermitian),))


def linalg_lu_factor_ex(A, pivot=True, check_errors=False, fn="linalg.lu_factor_ex"):
    check_matrix(fn, A)
    check_float(fn, A)
    if not pivot:
        raise RuntimeError(f"{fn}: LU without pivoting is not implemented on the CPU")
    LU, pivots, info = apply(OPS["linalg_lu_factor_ex"], (A,))
    pivots, info = _int32(pivots), _int32(info)
    if check_errors:
        raise_on_info(
            "torch.linalg.lu_factor_ex",
            info,
            lambda k: (
                f"U[{k},{k}] is zero and using it on lu_solve would result in a division by zero."
            ),
        )
    return RT["linalg_lu_factor_ex"](LU, pivots, info)


def linalg_lu_factor(A, pivot=True):
    LU, pivots, info = linalg_lu_factor_ex(A, pivot, fn="linalg.lu_factor")
    raise_on_info(
        "torch.linalg.lu_factor",
        info,
        lambda k: (
            f"U[{k},{k}] is zero and using it on lu_solve would result in a division by zero. "
            "If you still want to perform the factorization, consider calling linalg.lu(A, pivot) "
            "or linalg.lu_factor_ex(A, pivot)"
        ),
    )
    return RT["linalg_lu_factor"](LU, pivots)


def linalg_lu_solve(LU, pivots, B, left=True, adjoint=False):
    check_square("linalg.lu_solve", LU, "LU")
    check_matrix("linalg.lu_solve", B, "B")
    check_same_dtype("linalg.lu_solve: ", LU, B, "LU", "B")
    return apply(OPS["linalg_lu_solve"], (LU, pivots, B), (("left", left), ("adjoint", adjoint)))


def linalg_matrix_power(A, n, fn="linalg.matrix_power"):
    check_square(fn, A, dtype=False)
    if n == 0:
        eye = Tensor._make(
            jnp.broadcast_to(jnp.eye(A.shape[-1], dtype=A._value.dtype), A._value.shape), A._dtype
        )
        return _fn("clone")(A).copy_(eye)
    base = linalg_inv(A) if n < 0 else A
    n = abs(n)
    matmul = _fn("matmul")
    result, z = None, base
    while True:  # square and multiply: result = A^n
        if n & 1:
            result = z if result is None else matmul(result, z)
        n >>= 1
        if not n:
            break
        z = matmul(z, z)
    return _fn("clone")(result) if result is A else result


# ---------------------------------------------------------------------------------- torch.X
@export()
def det(input):
    return linalg_det(input)


@export()
def logdet(input):
    sign, logabsdet = linalg_slogdet(input, fn="linalg.slogdet")
    if input._dtype.is_complex:
        return _fn("log")(sign) + logabsdet
    nan = Tensor._make(jnp.full((), jnp.nan, logabsdet._value.dtype), logabsdet._dtype)
    return _fn("where")(sign < 0, nan, logabsdet)


@export(out=True)
def slogdet(input):
    return linalg_slogdet(input, name="slogdet")


@export(out=True)
def inverse(input):
    return linalg_inv(input)


@export(out=True)
def cholesky(input, upper=False):
    _deprecated_once(
        "cholesky",
        (
            "torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in "
            "a future PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\n"
            "L = torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\n"
            "should be replaced with\nU = torch.linalg.cholesky(A).mH\nThis transform will produce "
            "equivalent results for all valid (symmetric positive definite) inputs."
        ),
    )
    check_square("cholesky", input)
    L, info = apply(OPS["cholesky"], (input,), (("upper", upper),))
    info = _int32(info)
    raise_on_info("cholesky", info, _not_pd)
    return L


def _adjoint(x):
    x = _fn("transpose")(x, -2, -1)
    return apply(OPS["linalg_conj"], (x,)) if x._dtype.is_complex else x


@export(out=True)
def svd(input, some=True, compute_uv=True):
    U, S, Vh = linalg_svd(input, full_matrices=not some)
    if not compute_uv:
        m, n = input.shape[-2:]
        batch = tuple(input.shape[:-2])
        dt = input._value.dtype
        U = Tensor._make(jnp.zeros(batch + (m, m), dt), input._dtype)
        V = Tensor._make(jnp.zeros(batch + (n, n), dt), input._dtype)
        return RT["svd"](U, S.detach(), V)
    return RT["svd"](U, S, _adjoint(Vh))


@export(out=True)
def qr(input, some=True):
    _deprecated_once(
        "qr",
        (
            "torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future "
            "PyTorch release.\nThe boolean parameter 'some' has been replaced with a string "
            "parameter 'mode'.\nQ, R = torch.qr(A, some)\nshould be replaced with\n"
            "Q, R = torch.linalg.qr(A, 'reduced' if some else 'complete')"
        ),
    )
    return linalg_qr(input, "reduced" if some else "complete", name="qr")


@export()
def pinverse(input, rcond=1e-15):
    return linalg_pinv(input, rtol=rcond)


@export()
def trace(input):
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    return apply(OPS["trace"], (input,))


@export()
def lu(A, pivot=True, get_infos=False):
    _deprecated_once(
        "lu",
        (
            "torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex "
            "and will be removed in a future PyTorch release.\nLU, pivots = torch.lu(A, "
            "compute_pivots)\nshould be replaced with\nLU, pivots = torch.linalg.lu_factor(A, "
            "compute_pivots)\nand\nLU, pivots, info = torch.lu(A, compute_pivots, get_infos=True)\n"
            "should be replaced with\nLU, pivots, info = torch.linalg.lu_factor_ex(A, "
            "compute_pivots)"
        ),
    )
    LU, pivots, info = linalg_lu_factor_ex(A, pivot, fn="lu")
    if get_infos:
        return RT["_lu_with_info"](LU, pivots, info)
    raise_on_info(
        "torch.linalg.lu_factor",
        info,
        lambda k: (
            f"U[{k},{k}] is zero and using it on lu_solve would result in a division by zero. "
            "If you still want to perform the factorization, consider calling linalg.lu(A, pivot) "
            "or linalg.lu_factor_ex(A, pivot)"
        ),
    )
    return LU, pivots


@export(out=True)
def lu_solve(input, LU_data, LU_pivots):
    _deprecated_once(
        "lu_solve",
        (
            "torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will be removed in a "
            "future PyTorch release.\nNote that torch.linalg.lu_solve has its arguments reversed.\n"
            "X = torch.lu_solve(B, LU, pivots)\nshould be replaced with\n"
            "X = torch.linalg.lu_solve(LU, pivots, B)"
        ),
    )
    return linalg_lu_solve(LU_data, LU_pivots, input)


@export(method=False, out=True)
def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    P, L, U = apply(OPS["lu_unpack"], (LU_data, LU_pivots))
    empty = Tensor._make(jnp.zeros((0,), LU_data._value.dtype), LU_data._dtype)
    # P is a permutation: PyTorch gives it no gradient
    return RT["lu_unpack"](
        P.detach() if unpack_pivots else empty,
        L if unpack_data else empty,
        U if unpack_data else empty,
    )


@export(out=True)
def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False):
    _deprecated_once(
        "triangular_solve",
        (
            "torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangularand "
            "will be removed in a future PyTorch release.\ntorch.linalg.solve_triangular has its "
            "arguments reversed and does not return a copy of one of the inputs.\n"
            "X = torch.triangular_solve(B, A).solution\nshould be replaced with\n"
            "X = torch.linalg.solve_triangular(A, B)."
        ),
    )
    check_matrix("triangular_solve", input, "self")
    check_square("triangular_solve", A)
    check_same_dtype("", input, A, "b", "A", ".")
    x, a = apply(
        OPS["triangular_solve"],
        (input, A),
        (("upper", upper), ("transpose", transpose), ("unitriangular", unitriangular)),
    )
    return RT["triangular_solve"](x, a)


@export(out=True)
def cholesky_solve(input, input2, upper=False):
    check_matrix("cholesky_solve", input, "self")
    check_square("cholesky_solve", input2, "input2")
    if input2.shape[-1] != input.shape[-2]:
        n = input2.shape[-1]
        raise RuntimeError(
            f"Incompatible matrix sizes for cholesky_solve: each A matrix is {n} by {n} but "
            f"each b matrix is {input.shape[-2]} by {input.shape[-1]}"
        )
    check_same_dtype("", input, input2, "b", "A", " instead.")
    return apply(OPS["cholesky_solve"], (input, input2), (("upper", upper),))


@export(out=True)
def cholesky_inverse(input, upper=False):
    check_square("cholesky_inverse", input, "input")
    return apply(OPS["cholesky_inverse"], (input,), (("upper", upper),))


@export(out=True)
def matrix_power(input, n):
    return linalg_matrix_power(input, n)


@export()
def matrix_exp(input):
    check_square("linalg.matrix_exp", input)
    return apply(OPS["linalg_matrix_exp"], (input,))


@export(out=True)
def kron(input, other):
    return apply(OPS["kron"], (input, other))


@export(method=False, out=True)
def tensordot(a, b, dims=2):
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        given_a = list(range(-dims, 0))
        given_b = list(range(dims))
    else:
        given_a, given_b = dims
        given_a = [given_a] if isinstance(given_a, int) else list(given_a)
        given_b = [given_b] if isinstance(given_b, int) else list(given_b)
    da = [_wrap_dim(d, a.ndim) for d in given_a]
    db = [_wrap_dim(d, b.ndim) for d in given_b]
    for x, y, gx, gy in zip(da, db, given_a, given_b):
        if a.shape[x] != b.shape[y]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size "
                f"{a.shape[x]} in dim {gx} and second has size {b.shape[y]} in "
                f"dim {gy}"
            )
    free_a = [d for d in range(a.ndim) if d not in da]
    free_b = [d for d in range(b.ndim) if d not in db]
    k = math.prod(a.shape[d] for d in da)
    sa = [a.shape[d] for d in free_a]
    sb = [b.shape[d] for d in free_b]
    am = _fn("reshape")(_fn("permute")(a, free_a + da), (math.prod(sa), k))
    bm = _fn("reshape")(_fn("permute")(b, db + free_b), (k, math.prod(sb)))
    return _fn("reshape")(_fn("mm")(am, bm), sa + sb)


@export(method=False)
def block_diag(*tensors):
    ms = []
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(
                f"torch.block_diag: Input tensors must have 2 or fewer dimensions. "
                f"Input {i} has {t.ndim} dimensions"
            )
        ms.append(t.reshape(1, -1) if t.ndim == 1 else (t.reshape(1, 1) if t.ndim == 0 else t))
    if not ms:
        return Tensor._make(jnp.zeros((1, 0), D.get_default_dtype()._np))
    return apply(OPS["block_diag"], tuple(ms))


def linalg_vander(x, N=None):
    if x.ndim < 1:
        raise RuntimeError("linalg.vander: x must have at least one dimension.")
    n = x.shape[-1] if N is None else N
    if n <= 1:
        if n < 1:
            raise RuntimeError("N must be greater than 1.")
        return Tensor._make(jnp.ones(tuple(x.shape) + (1,), x._value.dtype), x._dtype)
    ones = Tensor._make(jnp.ones(tuple(x.shape) + (1,), x._value.dtype), x._dtype)
    powers = _fn("cumprod")(x.unsqueeze(-1).expand(*x.shape, n - 1), -1)
    return _fn("cat")([ones, powers], -1)


@export(method=False)
def vander(x, N=None, increasing=False):
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    if N is not None and N < 0:
        raise RuntimeError("N must be non-negative.")
    if N == 0:
        return Tensor._make(jnp.zeros((x.shape[0], 0), x._value.dtype), x._dtype)
    v = linalg_vander(x, N)
    return v if increasing else _fn("flip")(v, (-1,))


@export(method=False, out=True)
def chain_matmul(*matrices):
    _deprecated_once(
        "chain_matmul",
        (
            "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
            "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather "
            "than multiple parameters."
        ),
    )
    if len(matrices) == 1:
        return _fn("clone")(matrices[0])
    return multi_dot(list(matrices), "chain_matmul")


def multi_dot(tensors, fn="multi_dot"):
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f"{fn}(): expected at least 2 tensors but got {len(tensors)}")
    first_vec, last_vec = tensors[0].ndim == 1, tensors[-1].ndim == 1
    ms = list(tensors)
    if first_vec:
        ms[0] = ms[0].unsqueeze(0)
    if last_vec:
        ms[-1] = ms[-1].unsqueeze(-1)
    for i, m in enumerate(ms):
        if m.ndim != 2:
            raise RuntimeError(f"{fn}(): tensor {i} must be 2D but got {m.ndim}D")
    for i in range(len(ms) - 1):
        if ms[i].shape[1] != ms[i + 1].shape[0]:
            raise RuntimeError(
                f"{fn}(): tensors {i} and {i + 1} with shapes {list(tensors[i].shape)} and "
                f"{list(tensors[i + 1].shape)} cannot be multiplied"
            )
    out = _chain(ms, _chain_order([m.shape[0] for m in ms] + [ms[-1].shape[1]]), 0, len(ms) - 1)
    if first_vec and last_vec:
        return out.reshape(())
    if first_vec:
        return out.squeeze(0)
    if last_vec:
        return out.squeeze(-1)
    # PyTorch's multi_dot ends in a view of the product (ViewBackward0)
    return _fn("reshape")(out, tuple(out.shape))


def _chain_order(p):
    """The cheapest parenthesization of a matrix chain with sizes p (the textbook DP)."""
    n = len(p) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = math.inf
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(ms, split, i, j):
    if i == j:
        return ms[i]
    k = split[i][j]
    return _fn("mm")(_chain(ms, split, i, k), _chain(ms, split, k + 1, j))
