"""``torch.linalg``: PyTorch's linear-algebra module, on the op table's linalg entries.

Functions with one table entry call the checked kernels of ``torchlike._ops.linalg``; norms,
``matrix_power``, ``multi_dot``, ``vander`` and ``cond`` are compositions of torch-level ops,
as in PyTorch, so their grad nodes are the ones PyTorch's compositions record.  ``out=`` exists
where PyTorch has it.
"""

from __future__ import annotations

import math

from torchlike import _autocast
from torchlike._missing import module_getattr as _module_getattr
from torchlike._ops import linalg as _k
from torchlike._ops import overloads as _overloads
from torchlike._ops.core import apply as _apply
from torchlike._ops.frontend import FUNCTIONS as _F
from torchlike._ops.table import OPS as _OPS
from torchlike._ops.variants import make_out as _make_out
from torchlike._tensor import Tensor as _Tensor
from torchlike._tensor import _wrap_dim

LinAlgError = _k.LinAlgError

_INF = float("inf")


def _out(fn):
    return _make_out(fn, fn.__name__)


# ---------------------------------------------------------------------------------- norms
def _vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    _k.check_float("linalg.vector_norm", x)
    if dtype is not None:
        x = x.to(dtype)
    if isinstance(dim, int):
        dim = (dim,)
    dims = None if dim is None else tuple(_wrap_dim(d, max(x.ndim, 1)) for d in dim)
    if dims is not None and len(dims) == 0:
        dims = None
    return _apply(_OPS["norm"], (x,), (("ord", ord), ("dim", dims), ("keepdim", keepdim)))


def _matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    _k.check_matrix("linalg.matrix_norm", A)
    _k.check_float("linalg.matrix_norm", A)
    if dtype is not None:
        A = A.to(dtype)
    d0, d1 = (_wrap_dim(d, A.ndim) for d in dim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        return _vector_norm(A, 2, (d0, d1), keepdim)
    if ord == "nuc" or ord in (2, -2):
        s = svdvals(_F["movedim"](A, (d0, d1), (-2, -1)))
        if ord == "nuc":
            r = _F["sum"](s, -1)
        else:
            r = (_F["amax"] if ord == 2 else _F["amin"])(s, -1)
        if keepdim:
            for d in sorted((d0, d1)):
                r = r.unsqueeze(d)
        return r
    if ord in (1, -1, _INF, -_INF):
        inner, outer = (d0, d1) if ord in (1, -1) else (d1, d0)
        s = _F["sum"](_F["abs"](A), inner, keepdim)
        if not keepdim and outer > inner:
            outer -= 1
        return (_F["amax"] if ord > 0 else _F["amin"])(s, outer, keepdim)
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def _norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None and len(dim) == 2:
        return _matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype)
    if dim is not None:
        if isinstance(ord, str):
            raise RuntimeError(
                f"linalg.vector_norm: Expected a floating point number as ord. Got {ord}"
            )
        return _vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
    if ord is None:
        return _vector_norm(A, 2, None, keepdim, dtype=dtype)
    if A.ndim == 2:
        return _matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    if A.ndim == 1:
        return _vector_norm(A, ord, None, keepdim, dtype=dtype)
    raise RuntimeError(
        "linalg.norm: If dim is not specified but ord is, the input must be 1D "
        f"or 2D. Got {A.ndim}D."
    )


_vector_norm.__name__ = "vector_norm"
_matrix_norm.__name__ = "matrix_norm"
_norm.__name__ = "norm"
vector_norm = _out(_vector_norm)
matrix_norm = _out(_matrix_norm)
norm = _out(_norm)


# ---------------------------------------------------------------------------------- det, inv, solve
@_out
def det(A):
    return _k.linalg_det(A)


@_out
def slogdet(A):
    return _k.linalg_slogdet(A)


@_out
def inv(A):
    return _k.linalg_inv(A)


@_out
def inv_ex(A, *, check_errors=False):
    return _k.linalg_inv_ex(A, check_errors)


@_out
def solve(A, B, *, left=True):
    return _k.linalg_solve(A, B, left)


@_out
def solve_ex(A, B, *, left=True, check_errors=False):
    return _k.linalg_solve_ex(A, B, left, check_errors)


@_out
def _solve_triangular(input, B, *, upper, left=True, unitriangular=False):
    _k.check_square("linalg.solve_triangular", input, dtype=False)
    _k.check_matrix("linalg.solve_triangular", B, "B")
    return _apply(
        _OPS["linalg_solve_triangular"],
        (input, B),
        (("upper", upper), ("left", left), ("unitriangular", unitriangular)),
    )


# PyTorch's parser: ``upper`` is keyword-only and required ("missing 1 required positional
# arguments: "upper"", a common slip when porting scipy's solve_triangular)
solve_triangular = _overloads.checked(
    _solve_triangular,
    _overloads.Overloads(
        "linalg_solve_triangular",
        (
            "(Tensor input, Tensor B, *, bool upper, bool left = True, "
            "bool unitriangular = False, Tensor out = None)",
        ),
    ),
    method=False,
)
solve_triangular.__name__ = solve_triangular.__qualname__ = "solve_triangular"


def lstsq(A, B, rcond=None, *, driver=None):
    _k.check_matrix("linalg.lstsq", A)
    _k.check_float("linalg.lstsq", A)
    if driver not in (None, "gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(
            "torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)"
        )
    if A._dtype is not B._dtype:
        raise RuntimeError(
            "torch.linalg.lstsq: Expected input and other to have the same dtype, "
            f"but got input's dtype {_k._CAST_NAMES[A._dtype]} and other's dtype "
            f"{_k._CAST_NAMES[B._dtype]}"
        )
    vector = B.ndim == A.ndim - 1
    # rcond is a traced operand: a new value does not compile anew
    solution = _apply(_OPS["linalg_lstsq"], (A, B, rcond), (("vector", vector),))
    # LAPACK's gelsy (the CPU default) reports the rank and neither residuals nor singular
    # values; they are empty, as PyTorch returns them
    rank = matrix_rank(A.detach(), rtol=rcond)
    empty = _Tensor._make(solution._value[..., :0].reshape(-1)[:0], solution._dtype)
    return _k.RT["linalg_lstsq"](solution, empty, rank, empty)


# ---------------------------------------------------------------------------------- factorizations
@_out
def cholesky(A, *, upper=False):
    L, info = _k.linalg_cholesky_ex(A, upper)
    _k.raise_on_info("linalg.cholesky", info, _k._not_pd)
    return L


@_out
def cholesky_ex(A, *, upper=False, check_errors=False):
    return _k.linalg_cholesky_ex(A, upper, check_errors, fn="linalg.cholesky_ex")


@_out
def qr(A, mode="reduced"):
    return _k.linalg_qr(A, mode)


@_out
def lu_factor(A, *, pivot=True):
    return _k.linalg_lu_factor(A, pivot)


@_out
def lu_factor_ex(A, *, pivot=True, check_errors=False):
    return _k.linalg_lu_factor_ex(A, pivot, check_errors)


@_out
def lu(A, *, pivot=True):
    _k.check_matrix("linalg.lu", A)
    _k.check_float("linalg.lu", A)
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    P, L, U = _apply(_OPS["linalg_lu"], (A,), (("pivot", pivot),))
    return _k.RT["linalg_lu"](P.detach(), L, U)  # a permutation: no gradient, as PyTorch


@_out
def lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    return _k.linalg_lu_solve(LU, pivots, B, left, adjoint)


@_out
def householder_product(A, tau):
    _k.check_matrix("torch.linalg.householder_product", A, "input")
    if A.shape[-2] < A.shape[-1]:
        raise RuntimeError(
            "torch.linalg.householder_product: input.shape[-2] must be greater "
            "than or equal to input.shape[-1]"
        )
    if tau.shape[-1] > A.shape[-1]:
        raise RuntimeError(
            "torch.linalg.householder_product: input.shape[-1] must be greater "
            "than or equal to tau.shape[-1]"
        )
    return _apply(_OPS["linalg_householder_product"], (A, tau))


# ---------------------------------------------------------------------------------- spectra
@_out
def eig(A):
    _k.check_square("linalg.eig", A)
    w, v = _apply(_OPS["linalg_eig"], (A,))
    return _k.RT["linalg_eig"](w, v)


@_out
def eigvals(A):
    _k.check_square("linalg.eigvals", A)
    return _apply(_OPS["linalg_eigvals"], (A,))


def _uplo(UPLO):
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


@_out
def eigh(A, UPLO="L"):
    _k.check_square("linalg.eigh", A)
    _uplo(UPLO)
    w, v = _apply(_OPS["linalg_eigh"], (A,), (("UPLO", UPLO),))
    return _k.RT["linalg_eigh"](w, v)


@_out
def eigvalsh(A, UPLO="L"):
    _k.check_square("linalg.eigvalsh", A)
    _uplo(UPLO)
    return _apply(_OPS["linalg_eigvalsh"], (A,), (("UPLO", UPLO),))


@_out
def svd(A, full_matrices=True, *, driver=None):
    return _k.linalg_svd(A, full_matrices)


@_out
def svdvals(A, *, driver=None):
    return _k.linalg_svdvals(A)


@_out
def pinv(A, *, atol=None, rtol=None, hermitian=False):
    return _k.linalg_pinv(A, atol, rtol, hermitian)


@_out
def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, tol=None):
    _k.check_matrix("linalg.matrix_rank", A, "input")
    _k.check_float("linalg.matrix_rank", A)
    if tol is not None:
        atol, rtol = tol, 0.0
    return _apply(_OPS["linalg_matrix_rank"], (A, atol, rtol), (("hermitian", hermitian),))


def cond(A, p=None, *, out=None):
    _k.check_matrix("linalg.cond", A)
    if p in (None, 2, -2):
        s = svdvals(A)
        hi, lo = s[..., :1], s[..., -1:]
        r = (hi / lo if p != -2 else lo / hi).squeeze(-1)  # SqueezeBackward1, as PyTorch
    else:
        r = matrix_norm(A, p) * matrix_norm(inv(A), p)
    return r if out is None else _make_out(lambda: r, "cond")(out=out)


# ---------------------------------------------------------------------------------- the rest
@_out
def matrix_power(A, n):
    return _k.linalg_matrix_power(A, n)


def matrix_exp(A):
    _k.check_square("linalg.matrix_exp", A)
    return _apply(_OPS["linalg_matrix_exp"], (A,))


@_out
def cross(input, other, *, dim=-1):
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if input.shape[dim] != 3 or other.shape[dim] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got "
            f"{input.shape[dim]} and {other.shape[dim]}"
        )
    # the entry broadcasts the batch dimensions itself (its gradient sums them back)
    return _apply(_OPS["cross"], (input, other), (("dim", _wrap_dim(dim, input.ndim)),))


@_out
def multi_dot(tensors):
    return _k.multi_dot(tensors)


@_out
def matmul(input, other):
    return _F["matmul"](input, other)


@_out
@_autocast.region("linalg_vecdot")
def vecdot(x, y, *, dim=-1):
    if x._dtype.is_complex:
        x = _apply(_OPS["linalg_conj"], (x,))
    return _F["sum"](x * y, dim)


def vander(x, N=None):
    return _k.linalg_vander(x, N)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    return _F["diagonal"](A, offset, dim1, dim2)


@_out
def tensorinv(A, ind=2):
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    out_shape = tuple(A.shape[ind:]) + tuple(A.shape[:ind])
    rows = math.prod(A.shape[:ind])
    return inv(A.reshape(rows, -1)).reshape(out_shape)


@_out
def tensorsolve(A, B, dims=None):
    if dims is not None:
        dims = [_wrap_dim(d, A.ndim) for d in dims]
        rest = [d for d in range(A.ndim) if d not in dims]
        A = _F["permute"](A, rest + dims)
    n = B.numel()
    x_shape = tuple(A.shape[B.ndim :])
    return solve(A.reshape(n, -1), B.reshape(n)).reshape(x_shape)


_module_getattr_fn = _module_getattr(__name__)


def __getattr__(name):
    return _module_getattr_fn(name)
