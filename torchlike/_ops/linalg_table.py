"""The op table's linear-algebra part: determinants, inverses, solves, factorizations,
eigen/singular value decompositions, matrix functions.

Same rules as ``table.py``: one ``Op`` per PyTorch grad node, a pure JAX ``impl`` batched over
the leading dimensions, gradients from ``jax.vjp``.  Derivatives are written by hand only where
PyTorch's convention differs from JAX's: ``det`` (0, finite, at an exactly singular matrix,
where JAX's solve-based rule gives nan), ``eig``'s eigenvectors (JAX refuses them; PyTorch
assumes distinct eigenvalues and unit-norm vectors), eigh/cholesky (Hermitian gradients; JAX's
eigh rule re-decomposes a symmetrized input) and qr's modes PyTorch cannot differentiate.

Ops whose result PyTorch checks (``inv``, ``solve``, ``cholesky``, ``lu_factor``) return
LAPACK's ``info`` alongside, computed on the device; ``_ops/linalg.py`` reads it on the host.
Matmuls inside run at ``Precision.HIGHEST`` so float32 matches PyTorch's float32.
The SVD's and (complex) eig's vectors are LAPACK's, but may differ from PyTorch's by a sign
(phase) per column: JAX hands LAPACK row-major data.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

from .core import Op
from .table import OPS

_HI = lax.Precision.HIGHEST


def _mm(a, b):
    return jnp.matmul(a, b, precision=_HI)


def _mH(a):
    return jnp.conj(jnp.swapaxes(a, -1, -2))


def _mT(a):
    return jnp.swapaxes(a, -1, -2)


def _eye_like(a):
    return jnp.broadcast_to(jnp.eye(a.shape[-1], dtype=a.dtype), a.shape)


def _hermitian_from(a, lower):
    """The Hermitian matrix PyTorch reads from one triangle of ``a``; its gradient passes to
    all of ``a`` (PyTorch's eigh and cholesky gradients are Hermitian, not masked)."""
    tri = jnp.tril(a, -1) if lower else jnp.triu(a, 1)
    diag = jnp.real(jnp.diagonal(a, axis1=-2, axis2=-1)).astype(a.dtype)
    h = tri + _mH(tri) + diag[..., None] * jnp.eye(a.shape[-1], dtype=a.dtype)
    # value h; cotangent: the Hermitian part of what flows back, as PyTorch's backward gives
    sym = (a + _mH(a)) / 2
    return lax.stop_gradient(h) + (sym - lax.stop_gradient(sym))


def _ints_as_real(x, like):
    """Integer results (info, pivots) leave a differentiable entry in ``like``'s real dtype and
    are cast back to int32 outside it: the create_graph walk cannot yet give an integer output
    its (float0) zero cotangent.  Exact: the values are small integers."""
    return x.astype(jnp.finfo(like.dtype).dtype)


def _first_zero_info(d):
    """LAPACK's ``info``: 1 + the index of the first zero in ``d`` (last axis), 0 if none."""
    if d.shape[-1] == 0:
        return jnp.zeros(d.shape[:-1], jnp.int32)
    zero = d == 0
    return jnp.where(jnp.any(zero, -1), jnp.argmax(zero, -1) + 1, 0).astype(jnp.int32)


# ---------------------------------------------------------------------------------- LU
def _lu(a):
    """(LU, 0-based row permutation, LAPACK info); LAPACK's partial pivoting, as PyTorch's."""
    lu, _, perm = lax.linalg.lu(a)
    return lu, perm, _first_zero_info(jnp.diagonal(lu, axis1=-2, axis2=-1))


def _lu_solve_perm(lu, perm, b):
    """Solve ``A X = B`` from ``A[perm] = L U``."""
    pb = jnp.take_along_axis(b, perm[..., None], axis=-2)
    y = lax.linalg.triangular_solve(lu, pb, left_side=True, lower=True, unit_diagonal=True)
    return lax.linalg.triangular_solve(lu, y, left_side=True, lower=False)


def _lu_solve_perm_adjoint(lu, perm, b):
    """Solve ``A^H X = B`` from ``A[perm] = L U``: U^H L^H P X = B."""
    y = lax.linalg.triangular_solve(
        lu, b, left_side=True, lower=False, transpose_a=True, conjugate_a=True
    )
    z = lax.linalg.triangular_solve(
        lu, y, left_side=True, lower=True, unit_diagonal=True, transpose_a=True, conjugate_a=True
    )
    inv_perm = jnp.argsort(perm, axis=-1)
    return jnp.take_along_axis(z, inv_perm[..., None], axis=-2)


def _pivots_to_perm(pivots, m):
    """LAPACK's 1-based sequential row swaps -> the row permutation they make."""
    batch = pivots.shape[:-1]
    perm = jnp.broadcast_to(jnp.arange(m, dtype=jnp.int32), batch + (m,))
    piv = pivots.astype(jnp.int32) - 1

    def swap(i, p):
        j = piv[..., i]
        pi = p[..., i]
        pj = jnp.take_along_axis(p, j[..., None], axis=-1)[..., 0]
        p = p.at[..., i].set(pj)
        # p[..., j] = pi (a where, not put_along_axis: JAX 0.4.35 has none)
        return jnp.where(jnp.arange(m, dtype=jnp.int32) == j[..., None], pi[..., None], p)

    return lax.fori_loop(0, pivots.shape[-1], swap, perm)


def _lu_factor_ex(a):
    lu, piv, perm = lax.linalg.lu(a)
    k = min(a.shape[-2], a.shape[-1])
    info = _first_zero_info(jnp.diagonal(lu, axis1=-2, axis2=-1)[..., :k])
    return lu, _ints_as_real(piv + 1, a), _ints_as_real(info, a)


def _unpack(lu, perm, dtype):
    m, n = lu.shape[-2], lu.shape[-1]
    k = min(m, n)
    L = jnp.tril(lu[..., :, :k], -1) + jnp.eye(m, k, dtype=lu.dtype)
    U = jnp.triu(lu[..., :k, :])
    # P with A = P L U: column perm[i] of P's transpose is e_i
    P = jnp.swapaxes(jax.nn.one_hot(perm, m, dtype=dtype), -1, -2)
    return P, L, U


def _linalg_lu(a, *, pivot=True):
    lu, _, perm = lax.linalg.lu(a)
    return _unpack(lu, perm, a.dtype)


def _lu_unpack(lu, pivots):
    perm = _pivots_to_perm(pivots, lu.shape[-2])
    return _unpack(lu, perm, lu.dtype)


def _lu_solve(lu, pivots, b, *, left=True, adjoint=False):
    perm = _pivots_to_perm(pivots, lu.shape[-1])
    if not left:  # X A = B  <=>  A^H X^H = B^H
        return _mH(_lu_solve(lu, pivots, _mH(b), adjoint=not adjoint))
    if adjoint:
        return _lu_solve_perm_adjoint(lu, perm, b)
    return _lu_solve_perm(lu, perm, b)


OPS["linalg_lu_factor_ex"] = Op(
    "linalg_lu_factor_ex", _lu_factor_ex, "LinalgLuFactorExBackward0", saved={"LU": "result"}
)
OPS["linalg_lu"] = Op(
    "linalg_lu", _linalg_lu, "LinalgLuBackward0", saved={"P": "result", "pivot": "pivot"}
)
OPS["lu_unpack"] = Op("lu_unpack", _lu_unpack, "LuUnpackBackward0", edges=1)
OPS["linalg_lu_solve"] = Op(
    "linalg_lu_solve",
    _lu_solve,
    "LinalgLuSolveBackward0",
    promote="arith",
    promote_idx=(0, 2),
    saved={"LU": 0, "pivots": 1, "result": "result", "left": "left", "adjoint": "adjoint"},
)


# ---------------------------------------------------------------------------------- det
def _plain_det(a):
    lu, pivots, _ = lax.linalg.lu(a)
    # each pivot that is not its own row is one row swap
    swaps = jnp.sum(pivots != jnp.arange(pivots.shape[-1], dtype=pivots.dtype), -1)
    sign = jnp.where(swaps % 2 == 1, -1, 1).astype(a.dtype)
    return sign * jnp.prod(jnp.diagonal(lu, axis1=-2, axis2=-1), -1)


@jax.custom_jvp
def _det(a):
    return _plain_det(a)


@_det.defjvp
def _det_jvp(primals, tangents):
    # d det(A) = tr(det(A) A^-1 dA).  At a singular A (det exactly 0) PyTorch's rule gives 0:
    # its triangular solve of a zero right-hand side skips the zero pivot.  So the matrix is
    # built from the primal alone, 0 there, and the tangent stays linear in dA without nans.
    (a,), (da,) = primals, tangents
    d = _det(a)
    lu, perm, _ = _lu(a)
    singular = d == 0
    inv = _lu_solve_perm(lu, perm, _eye_like(a))
    m = jnp.where(singular[..., None, None], 0, d[..., None, None] * inv)
    return d, jnp.einsum("...ij,...ji->...", m, da, precision=_HI)


def _slogdet(a):
    sign, logabsdet = jnp.linalg.slogdet(a)
    return sign, logabsdet


OPS["linalg_det"] = Op("linalg_det", _det, "LinalgDetBackward0", saved={"A": 0, "result": "result"})
OPS["linalg_slogdet"] = Op(
    "linalg_slogdet", _slogdet, "LinalgSlogdetBackward0", saved={"A": 0, "sign": "result"}
)


# ---------------------------------------------------------------------------------- inverse, solve
def _inv_ex(a):
    lu, perm, info = _lu(a)
    return _lu_solve_perm(lu, perm, _eye_like(a)), _ints_as_real(info, a)


def _solve_ex(a, b, *, left=True, vector=False):
    if vector:
        b = b[..., None]
    if not left:  # X A = B  <=>  A^T X^T = B^T
        a, b = _mT(a), _mT(b)
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = jnp.broadcast_to(a, batch + a.shape[-2:])
    b = jnp.broadcast_to(b, batch + b.shape[-2:])
    lu, perm, info = _lu(a)
    x = _lu_solve_perm(lu, perm, b)
    if not left:
        x = _mT(x)
    return (x[..., 0] if vector else x), _ints_as_real(info, a)


def _solve_triangular(a, b, *, upper, left=True, unitriangular=False):
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = jnp.broadcast_to(a, batch + a.shape[-2:])
    b = jnp.broadcast_to(b, batch + b.shape[-2:])
    # PyTorch reads only the named triangle
    a = jnp.triu(a) if upper else jnp.tril(a)
    return lax.linalg.triangular_solve(
        a, b, left_side=left, lower=not upper, unit_diagonal=unitriangular
    )


def _triangular_solve(b, a, *, upper=True, transpose=False, unitriangular=False):
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = jnp.broadcast_to(a, batch + a.shape[-2:])
    b = jnp.broadcast_to(b, batch + b.shape[-2:])
    t = jnp.triu(a) if upper else jnp.tril(a)
    x = lax.linalg.triangular_solve(
        t, b, left_side=True, lower=not upper, transpose_a=transpose, unit_diagonal=unitriangular
    )
    return x, a + 0


OPS["linalg_inv_ex"] = Op(
    "linalg_inv_ex", _inv_ex, "LinalgInvExBackward0", saved={"inverse": "result"}
)
OPS["linalg_solve_ex"] = Op(
    "linalg_solve_ex",
    _solve_ex,
    "LinalgSolveExBackward0",
    promote="arith",
    saved={"A": 0, "result": "result", "left": "left"},
)
OPS["linalg_solve_triangular"] = Op(
    "linalg_solve_triangular",
    _solve_triangular,
    "LinalgSolveTriangularBackward0",
    promote="arith",
    saved={
        "self": 0,
        "result": "result",
        "upper": "upper",
        "left": "left",
        "unitriangular": "unitriangular",
    },
)
OPS["triangular_solve"] = Op(
    "triangular_solve",
    _triangular_solve,
    "TriangularSolveBackward0",
    promote="arith",
    saved={
        "self": 0,
        "A": 1,
        "solution": "result",
        "upper": "upper",
        "transpose": "transpose",
        "unitriangular": "unitriangular",
    },
)


def _lstsq(a, b, rcond=None, *, vector=False):
    if vector:
        b = b[..., None]
    batch = jnp.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    a = jnp.broadcast_to(a, batch + a.shape[-2:])
    b = jnp.broadcast_to(b, batch + b.shape[-2:])
    # the minimum-norm solution, as LAPACK's gelsy gives (PyTorch's CPU default driver)
    m, n = a.shape[-2:]
    if rcond is None:
        rcond = jnp.finfo(a.dtype).eps * max(m, n)
    x = _mm(jnp.linalg.pinv(a, rtol=rcond), b)
    return x[..., 0] if vector else x


OPS["linalg_lstsq"] = Op(
    "linalg_lstsq",
    _lstsq,
    "LinalgLstsqBackward0",
    promote="arith",
    promote_idx=(0, 1),
    edges=2,
    saved={"self": 0, "b": 1, "solution": "result"},
)


# ---------------------------------------------------------------------------------- cholesky
def _first_bad_pivot(a):
    """The order of the first leading minor that is not positive-definite (LAPACK potrf's info),
    by Gaussian elimination without pivoting on the Hermitian matrix read from the lower
    triangle; one (n, n) matrix."""
    n = a.shape[-1]
    low = jnp.tril(a)
    m = low + _mH(jnp.tril(a, -1))
    idx = jnp.arange(n)

    def step(k, state):
        m, info = state
        d = jnp.real(m[k, k])
        bad = ~(d > 0)
        info = jnp.where((info == 0) & bad, k + 1, info)
        col = jnp.where(idx > k, m[:, k], 0) / jnp.where(bad, 1, d).astype(m.dtype)
        row = jnp.where(idx > k, m[k, :], 0)
        return m - jnp.outer(col, row), info

    return lax.fori_loop(0, n, step, (m, jnp.int32(0)))[1]


def _cholesky_ex(a, *, upper=False):
    a = _hermitian_from(a, not upper)
    L = lax.linalg.cholesky(a, symmetrize_input=False)
    failed = jnp.isnan(jnp.real(jnp.diagonal(L, axis1=-2, axis2=-1)))
    # only a failed factorization pays for finding where it failed
    batch = a.shape[:-2]

    def where_failed(a):
        flat = a.reshape((-1,) + a.shape[-2:])
        return jax.vmap(_first_bad_pivot)(flat).reshape(batch)

    info = lax.cond(
        jnp.any(failed), where_failed, lambda a: jnp.zeros(batch, jnp.int32), lax.stop_gradient(a)
    )
    return (_mH(L) if upper else L), _ints_as_real(info, a)


def _cholesky_solve(b, L, *, upper=False):
    batch = jnp.broadcast_shapes(L.shape[:-2], b.shape[:-2])
    L = jnp.broadcast_to(L, batch + L.shape[-2:])
    b = jnp.broadcast_to(b, batch + b.shape[-2:])
    if upper:
        L = _mH(jnp.triu(L))
    else:
        L = jnp.tril(L)
    y = lax.linalg.triangular_solve(L, b, left_side=True, lower=True)
    return lax.linalg.triangular_solve(
        L, y, left_side=True, lower=True, transpose_a=True, conjugate_a=True
    )


def _cholesky_inverse(L, *, upper=False):
    return _cholesky_solve(_eye_like(L), L, upper=upper)


OPS["linalg_cholesky_ex"] = Op(
    "linalg_cholesky_ex",
    _cholesky_ex,
    "LinalgCholeskyExBackward0",
    saved={"L": "result", "upper": "upper"},
)
OPS["cholesky"] = Op(
    "cholesky",
    _cholesky_ex,
    "CholeskyBackward0",
    saved={"result": "result", "upper": "upper"},
    saved_defaults={"upper": False},
)
OPS["cholesky_solve"] = Op(
    "cholesky_solve",
    _cholesky_solve,
    "CholeskySolveBackward0",
    promote="arith",
    saved={"self": 0, "input2": 1, "result": "result", "upper": "upper"},
)
OPS["cholesky_inverse"] = Op(
    "cholesky_inverse",
    _cholesky_inverse,
    "CholeskyInverseBackward0",
    saved={"self": 0, "result": "result", "upper": "upper"},
)


# ---------------------------------------------------------------------------------- QR
def _refused(fn, message, a):
    """``fn(a)``, whose backward raises PyTorch's RuntimeError ``message`` (from ``backward()``:
    the rule runs when the backward is traced).  JAX never differentiates ``fn`` itself, so its
    own refusal (JAX 0.4.x raises for these QR modes) can't come first."""

    @jax.custom_vjp
    def refused(x):
        return fn(x)

    def bwd(_, ct):
        raise RuntimeError(message)

    refused.defvjp(lambda x: (fn(x), None), bwd)
    return refused(a)


def _qr(a, *, mode="reduced"):
    if mode == "r":
        r = _refused(
            lambda x: jnp.linalg.qr(x, mode="r"),
            "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
            "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
            "linalg.qr.",
            a,
        )
        return jnp.zeros((0,), a.dtype), r
    if mode == "complete" and a.shape[-2] > a.shape[-1]:
        return _refused(
            lambda x: tuple(jnp.linalg.qr(x, mode=mode)),
            "The QR decomposition is not differentiable when mode='complete' and nrows > ncols.",
            a,
        )
    q, r = jnp.linalg.qr(a, mode=mode)
    return q, r


OPS["linalg_qr"] = Op("linalg_qr", _qr, "LinalgQrBackward0", saved={"Q": "result", "mode": "mode"})


# ---------------------------------------------------------------------------------- eigen
def _eigh(a, *, UPLO="L"):
    # JAX's eigh derivative re-decomposes a symmetrized input, so it is given the Hermitian one
    v, w = lax.linalg.eigh(_hermitian_from(a, UPLO == "L"), symmetrize_input=False)
    return w, v


def _eigvalsh(a, *, UPLO="L"):
    return _eigh(a, UPLO=UPLO)[0]


@jax.custom_vjp
def _eig_core(a):
    w, v = lax.linalg.eig(a, compute_left_eigenvectors=False)[:2]
    return w, v


def _eig_fwd(a):
    w, v = _eig_core(a)
    return (w, v), (w, v)


# A real matrix goes to LAPACK's real geev, as in PyTorch: conjugate pairs come out exactly
# conjugate and the vectors with geev's real normalisation (through the complex solver a
# rotation's eigenvalues got a 1e-8 real part and its vectors another phase).  Its gradient is
# the real part of the complex one (PyTorch's handle_r_to_c).
@jax.custom_vjp
def _eig_core_real(a):
    w, v = lax.linalg.eig(a, compute_left_eigenvectors=False)[:2]
    return w, v


def _eig_real_bwd(res, cts):
    (ga,) = _eig_bwd(res[:2], cts)
    return (jnp.real(ga).astype(res[2].dtype),)


def _eig_bwd(res, cts):
    # For A = V diag(w) V^-1 with unit-norm columns of V (PyTorch's gauge), the cotangent is
    # V^-H (diag(gw) + (V^H gV - V^H V Re(diag(V^H gV))) / conj(w_j - w_i)) V^H, off-diagonal
    # 1/(w_j - w_i) and 0 on the diagonal.  Written in JAX's cotangent convention (conjugate of
    # PyTorch's), hence the conjugations.
    w, v = res
    gw, gv = cts
    gw = jnp.conj(gw)
    gv = jnp.conj(gv)
    vh = _mH(v)
    inner = _mm(vh, gv)
    diag_re = jnp.real(jnp.diagonal(inner, axis1=-2, axis2=-1)).astype(v.dtype)
    inner = inner - _mm(vh, v) * diag_re[..., None, :]
    diff = jnp.conj(w[..., None, :] - w[..., :, None])
    n = w.shape[-1]
    off = ~jnp.eye(n, dtype=bool)
    inner = jnp.where(off, inner / jnp.where(off, diff, 1), 0)
    inner = inner + jnp.eye(n, dtype=v.dtype) * gw[..., None, :]
    ga = jnp.linalg.solve(vh, _mm(inner, vh))
    return (jnp.conj(ga),)


_eig_core.defvjp(_eig_fwd, _eig_bwd)


def _eig_real_fwd(a):
    w, v = _eig_core_real(a)
    # a 0-size array of a's dtype: what the cotangent must be cast back to
    return (w, v), (w, v, jnp.zeros((0,), a.dtype))


_eig_core_real.defvjp(_eig_real_fwd, _eig_real_bwd)


def _eig(a):
    if jnp.issubdtype(a.dtype, jnp.complexfloating):
        return _eig_core(a)
    if a.dtype not in (jnp.float32, jnp.float64):
        a = a.astype(jnp.float32)
    return _eig_core_real(a)


def _eigvals(a):
    return _eig(a)[0]


OPS["linalg_eigh"] = Op(
    "linalg_eigh", _eigh, "LinalgEighBackward0", saved={"eigenvalues": "result"}
)
OPS["linalg_eigvalsh"] = Op(
    "linalg_eigvalsh", _eigvalsh, "LinalgEighBackward0", saved={"eigenvalues": "result"}
)
OPS["linalg_eig"] = Op("linalg_eig", _eig, "LinalgEigBackward0", saved={"eigenvalues": "result"})
OPS["linalg_eigvals"] = Op(
    "linalg_eigvals", _eigvals, "LinalgEigBackward0", saved={"eigenvalues": "result"}
)


# ---------------------------------------------------------------------------------- SVD
def _svd(a, *, full_matrices=True):
    u, s, vh = jnp.linalg.svd(a, full_matrices=False)
    m, n = a.shape[-2:]
    if full_matrices and m != n:
        # JAX differentiates only the reduced SVD; the completing columns carry no gradient,
        # as PyTorch ignores gradients through them
        uf, _, vhf = jnp.linalg.svd(lax.stop_gradient(a), full_matrices=True)
        k = min(m, n)
        u = jnp.concatenate([u, uf[..., :, k:]], -1)
        vh = jnp.concatenate([vh, vhf[..., k:, :]], -2)
    return u, s, vh


def _svdvals(a):
    return jnp.linalg.svd(a, compute_uv=False)


# the conjugate transpose torch.svd returns as V (PyTorch's is a lazy conj view)
OPS["linalg_conj"] = Op("conj", jnp.conj, "ConjBackward0", linear=True)
OPS["linalg_svd"] = Op(
    "linalg_svd",
    _svd,
    "LinalgSvdBackward0",
    saved={"U": "result", "full_matrices": "full_matrices"},
)
OPS["linalg_svdvals"] = Op("linalg_svdvals", _svdvals, "LinalgSvdBackward0", saved={"S": "result"})


def _pinv(a, atol=None, rtol=None, *, hermitian=False, default_rtol=True):
    # PyTorch: singular values below max(atol, rtol * s_max) count as zero; rtol defaults to
    # eps * max(m, n) when neither is given, else to 0
    m, n = a.shape[-2:]
    real = jnp.finfo(a.dtype).dtype
    if atol is None and rtol is None:
        return jnp.linalg.pinv(a, rtol=jnp.finfo(a.dtype).eps * max(m, n), hermitian=hermitian)
    atol = jnp.zeros((), real) if atol is None else jnp.asarray(atol, real)
    rtol = jnp.zeros((), real) if rtol is None else jnp.asarray(rtol, real)
    u, s, vh = jnp.linalg.svd(a, full_matrices=False)
    cutoff = jnp.maximum(atol[..., None], rtol[..., None] * jnp.max(s, -1, keepdims=True))
    keep = s > cutoff
    s_inv = jnp.where(keep, 1 / jnp.where(keep, s, 1), 0).astype(a.dtype)
    return _mm(_mH(vh) * s_inv[..., None, :], _mH(u))


OPS["linalg_pinv"] = Op(
    "linalg_pinv", _pinv, "LinalgPinvBackward0", edges=1, saved={"self": 0, "result": "result"}
)


def _matrix_rank(a, atol=None, rtol=None, *, hermitian=False):
    m, n = a.shape[-2:]
    s = jnp.abs(jnp.linalg.eigvalsh(a)) if hermitian else jnp.linalg.svd(a, compute_uv=False)
    real = s.dtype
    smax = jnp.max(s, -1) if s.shape[-1] else jnp.zeros(s.shape[:-1], real)
    if atol is None and rtol is None:
        tol = jnp.finfo(real).eps * max(m, n) * smax
    else:
        atol = jnp.zeros((), real) if atol is None else jnp.asarray(atol, real)
        rtol = jnp.zeros((), real) if rtol is None else jnp.asarray(rtol, real)
        tol = jnp.maximum(atol, rtol * smax)
    return jnp.sum(s > tol[..., None], -1).astype(jnp.int64)


OPS["linalg_matrix_rank"] = Op("linalg_matrix_rank", _matrix_rank, None)


# ---------------------------------------------------------------------------------- the rest
def _matrix_exp(a):
    return jax.scipy.linalg.expm(a)


def _trace(a):
    return jnp.trace(a)


def _kron(a, b):
    nd = max(a.ndim, b.ndim)
    a = a.reshape((1,) * (nd - a.ndim) + a.shape)
    b = b.reshape((1,) * (nd - b.ndim) + b.shape)
    out = a.reshape(tuple(x for s in a.shape for x in (s, 1))) * b.reshape(
        tuple(x for s in b.shape for x in (1, s))
    )
    return out.reshape(tuple(s * t for s, t in zip(a.shape, b.shape)))


def _block_diag(*ms):
    rows = sum(m.shape[0] for m in ms)
    cols = sum(m.shape[1] for m in ms)
    dtype = jnp.result_type(*ms) if ms else jnp.float32
    out = jnp.zeros((rows, cols), dtype)
    r = c = 0
    for m in ms:
        out = lax.dynamic_update_slice(out, m.astype(dtype), (r, c))
        r, c = r + m.shape[0], c + m.shape[1]
    return out


def _householder_product(v, tau):
    # Q = H_1 ... H_k, H_i = I - tau_i v_i v_i^H, with v_i's implicit unit and zeros above it
    m, n = v.shape[-2:]
    k = tau.shape[-1]
    rows = jnp.arange(m)
    q = jnp.broadcast_to(jnp.eye(m, n, dtype=v.dtype), v.shape[:-2] + (m, n))
    for i in reversed(range(k)):
        vi = jnp.where(rows > i, v[..., :, i], 0) + (rows == i).astype(v.dtype)
        w = _mm(jnp.conj(vi)[..., None, :], q)
        q = q - tau[..., i, None, None] * vi[..., :, None] * w
    return q


OPS["linalg_matrix_exp"] = Op(
    "linalg_matrix_exp", _matrix_exp, "LinalgMatrixExpBackward0", saved={"self": 0}
)
OPS["trace"] = Op(
    "trace", _trace, "TraceBackward0", linear=True, saved={"self_sym_sizes": ("sizes", 0)}
)
OPS["kron"] = Op("kron", _kron, "UnsafeViewBackward0", promote="arith")
OPS["block_diag"] = Op(
    "block_diag", _block_diag, "BlockDiagBackward0", promote="arith", linear=True
)
OPS["linalg_householder_product"] = Op(
    "linalg_householder_product",
    _householder_product,
    "LinalgHouseholderProductBackward0",
    promote="arith",
    saved={"input": 0, "tau": 1, "result": "result"},
)
