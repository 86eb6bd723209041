"""torch.linalg and the torch-level linear algebra (det, inverse, cholesky, svd, qr, lu, solves,
kron, tensordot, block_diag, vander, trace …): values (numpy as the reference), dtypes,
grad-node names, named-tuple results and their reprs, PyTorch's errors for singular and
non-square input, batching, and float64 gradcheck / gradgradcheck for every differentiable op,
driven by one list as PyTorch's OpInfo tests are."""

import importlib
import warnings

import numpy as np
import pytest

RNG = np.random.default_rng(0)
A33 = RNG.standard_normal((3, 3))
A233 = RNG.standard_normal((2, 3, 3))
R43 = RNG.standard_normal((4, 3))
R243 = RNG.standard_normal((2, 4, 3))
B232 = RNG.standard_normal((2, 3, 2))
V3 = RNG.standard_normal(3)
TAU = RNG.uniform(0.5, 1.5, (2, 3))
SINGULAR = [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]]


@pytest.fixture(autouse=True)
def _linalg_module(torch):
    # torch.linalg is a submodule; importing it makes ``torch.linalg`` resolve on either backend
    importlib.import_module(f"{torch.__name__}.linalg")


@pytest.fixture(autouse=True)
def _quiet_deprecations():
    # torch.cholesky / qr / lu / lu_solve / triangular_solve warn that they are deprecated
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def _np(t):
    return np.asarray(t.detach().numpy())


def _spd(torch, a):
    return a @ a.mT + torch.eye(a.shape[-1], dtype=a.dtype)


def _tri(torch, a, upper=True):
    return (a.triu() if upper else a.tril()) + 3 * torch.eye(a.shape[-1], dtype=a.dtype)


# ------------------------------------------------------------------ the op list
# (id, function of (torch, *tensors) with real outputs, sample inputs (float64 arrays)).
# Decompositions whose factors are unique only up to a sign (eig/eigh/svd) are checked through
# sign-invariant functions of them, as PyTorch's own OpInfo samples do.
OPS = [
    ("linalg.det", lambda t, a: t.linalg.det(a), [A233]),
    ("det", lambda t, a: t.det(a), [A33]),
    ("linalg.slogdet", lambda t, a: t.linalg.slogdet(a).logabsdet, [A233]),
    ("logdet", lambda t, a: t.logdet(_spd(t, a)), [A233]),
    ("linalg.inv", lambda t, a: t.linalg.inv(a), [A233]),
    ("inverse", lambda t, a: t.inverse(a), [A33]),
    ("linalg.inv_ex", lambda t, a: t.linalg.inv_ex(a).inverse, [A233]),
    ("linalg.solve", lambda t, a, b: t.linalg.solve(a, b), [A233, B232]),
    ("linalg.solve-vector", lambda t, a, b: t.linalg.solve(a, b), [A33, V3]),
    ("linalg.solve-right", lambda t, a, b: t.linalg.solve(a, b.mT, left=False), [A233, B232]),
    ("linalg.solve_ex", lambda t, a, b: t.linalg.solve_ex(a, b).result, [A233, B232]),
    ("linalg.lstsq", lambda t, a, b: t.linalg.lstsq(a, b).solution, [R243, R243[..., :2]]),
    ("linalg.cholesky", lambda t, a: t.linalg.cholesky(_spd(t, a)), [A233]),
    ("linalg.cholesky-upper", lambda t, a: t.linalg.cholesky(_spd(t, a), upper=True), [A33]),
    ("linalg.cholesky_ex", lambda t, a: t.linalg.cholesky_ex(_spd(t, a)).L, [A33]),
    ("cholesky", lambda t, a: t.cholesky(_spd(t, a)), [A33]),
    ("linalg.qr", lambda t, a: t.linalg.qr(a), [R243]),
    ("qr", lambda t, a: t.qr(a), [A33]),
    ("linalg.eigh", lambda t, a: (lambda w, v: (w, v * v))(*t.linalg.eigh(a + a.mT)), [A233]),
    ("linalg.eigvalsh-U", lambda t, a: t.linalg.eigvalsh(a + a.mT, UPLO="U"), [A233]),
    ("linalg.eig", lambda t, a: (lambda w, v: (w.abs(), v.abs()))(*t.linalg.eig(a)), [A33]),
    ("linalg.eigvals", lambda t, a: t.linalg.eigvals(a).abs(), [A233]),
    (
        "linalg.svd",
        lambda t, a: (lambda u, s, vh: (u * u, s, vh * vh))(*t.linalg.svd(a, full_matrices=False)),
        [R243],
    ),
    ("linalg.svd-gauge", lambda t, a: (lambda u, s, vh: u @ vh)(*t.linalg.svd(a)), [A33]),
    ("svd", lambda t, a: (lambda u, s, v: (u @ v.mT, s))(*t.svd(a)), [R43]),
    ("linalg.svdvals", lambda t, a: t.linalg.svdvals(a), [R243]),
    ("linalg.pinv", lambda t, a: t.linalg.pinv(a), [R243]),
    ("pinverse", lambda t, a: t.pinverse(a), [R43]),
    ("linalg.matrix_power-3", lambda t, a: t.linalg.matrix_power(a, 3), [A233]),
    ("matrix_power--2", lambda t, a: t.matrix_power(a, -2), [A33]),
    ("linalg.matrix_exp", lambda t, a: t.linalg.matrix_exp(a), [A233]),
    ("matrix_exp", lambda t, a: t.matrix_exp(a), [A33]),
    ("linalg.cross", lambda t, a, b: t.linalg.cross(a, b), [A233, A233[::-1].copy()]),
    (
        "linalg.multi_dot",
        lambda t, a, b, c: t.linalg.multi_dot([a, b, c]),
        [A33, R43.T.copy(), R43],
    ),
    ("linalg.vander", lambda t, a: t.linalg.vander(a, N=4), [V3]),
    ("linalg.diagonal", lambda t, a: t.linalg.diagonal(a, offset=1), [A233]),
    ("linalg.norm", lambda t, a: t.linalg.norm(a), [A233]),
    ("linalg.norm-nuc", lambda t, a: t.linalg.norm(a, "nuc"), [A33]),
    ("linalg.matrix_norm-1", lambda t, a: t.linalg.matrix_norm(a, 1), [A233]),
    (
        "linalg.matrix_norm--inf",
        lambda t, a: t.linalg.matrix_norm(a, -float("inf"), keepdim=True),
        [A233],
    ),
    ("linalg.matrix_norm-2", lambda t, a: t.linalg.matrix_norm(a, 2), [A233]),
    ("linalg.vector_norm-3", lambda t, a: t.linalg.vector_norm(a, 3, dim=(0, 2)), [A233]),
    ("trace", lambda t, a: t.trace(a), [A33]),
    ("linalg.lu", lambda t, a: t.linalg.lu(a)[1:], [R243]),
    ("linalg.lu_factor", lambda t, a: t.linalg.lu_factor(a).LU, [A233]),
    ("lu_unpack", lambda t, a: t.lu_unpack(*t.linalg.lu_factor(a))[1:], [A233]),
    ("linalg.lu_solve", lambda t, a, b: t.linalg.lu_solve(*t.linalg.lu_factor(a), b), [A233, B232]),
    (
        "linalg.lu_solve-adjoint",
        lambda t, a, b: t.linalg.lu_solve(*t.linalg.lu_factor(a), b, adjoint=True),
        [A233, B232],
    ),
    ("lu_solve", lambda t, a, b: t.lu_solve(b, *t.lu(a)), [A33, B232[0]]),
    (
        "linalg.solve_triangular",
        lambda t, a, b: t.linalg.solve_triangular(_tri(t, a), b, upper=True),
        [A233, B232],
    ),
    (
        "linalg.solve_triangular-right",
        lambda t, a, b: t.linalg.solve_triangular(
            _tri(t, a, False), b.mT, upper=False, left=False, unitriangular=True
        ),
        [A233, B232],
    ),
    (
        "triangular_solve",
        lambda t, a, b: t.triangular_solve(b, _tri(t, a), transpose=True),
        [A233, B232],
    ),
    ("cholesky_solve", lambda t, a, b: t.cholesky_solve(b, _tri(t, a, False)), [A233, B232]),
    (
        "cholesky_solve-upper",
        lambda t, a, b: t.cholesky_solve(b, _tri(t, a), upper=True),
        [A33, B232[0]],
    ),
    ("cholesky_inverse", lambda t, a: t.cholesky_inverse(_tri(t, a, False)), [A33]),
    ("kron", lambda t, a, b: t.kron(a, b), [A33, R43]),
    ("tensordot", lambda t, a, b: t.tensordot(a, b, dims=([1, 2], [1, 2])), [A233, R243[:, :3]]),
    ("block_diag", lambda t, a, b, c: t.block_diag(a, b, c), [A33, R43, V3]),
    (
        "linalg.householder_product",
        lambda t, a, tau: t.linalg.householder_product(a, tau),
        [R243, TAU],
    ),
    (
        "linalg.tensorinv",
        lambda t, a: t.linalg.tensorinv(a.reshape(3, 2, 6)),
        [RNG.standard_normal(36)],
    ),
    ("linalg.vecdot", lambda t, a, b: t.linalg.vecdot(a, b), [A233, R243[:, :3]]),
    ("linalg.cond", lambda t, a: t.linalg.cond(a), [A233]),
]


def _inputs(torch, arrays, requires_grad=True):
    return tuple(torch.tensor(a, dtype=torch.float64, requires_grad=requires_grad) for a in arrays)


@pytest.mark.parametrize("case", OPS, ids=lambda c: c[0])
def test_gradcheck(torch, case):
    _, fn, arrays = case
    inputs = _inputs(torch, arrays)
    assert torch.autograd.gradcheck(lambda *xs: fn(torch, *xs), inputs)


@pytest.mark.parametrize("case", OPS, ids=lambda c: c[0])
def test_gradgradcheck(torch, case):
    _, fn, arrays = case
    inputs = _inputs(torch, arrays)
    assert torch.autograd.gradgradcheck(lambda *xs: fn(torch, *xs), inputs)


# ------------------------------------------------------------------ values against numpy
def _t(torch, a, dtype=None):
    return torch.tensor(np.asarray(a), dtype=dtype or torch.float64)


VALUES = [
    ("det", lambda t, a: t.linalg.det(a), np.linalg.det, A233),
    (
        "slogdet",
        lambda t, a: t.linalg.slogdet(a).logabsdet,
        lambda a: np.linalg.slogdet(a)[1],
        A233,
    ),
    ("inv", lambda t, a: t.linalg.inv(a), np.linalg.inv, A233),
    (
        "solve",
        lambda t, a: t.linalg.solve(a, t.ones(3, dtype=a.dtype)),
        lambda a: np.linalg.solve(a, np.ones((2, 3, 1)))[..., 0],
        A233,
    ),
    (
        "cholesky",
        lambda t, a: t.linalg.cholesky(a @ a.mT + t.eye(3, dtype=a.dtype)),
        lambda a: np.linalg.cholesky(a @ np.swapaxes(a, -1, -2) + np.eye(3)),
        A233,
    ),
    (
        "eigvalsh",
        lambda t, a: t.linalg.eigvalsh(a + a.mT),
        lambda a: np.linalg.eigvalsh(a + np.swapaxes(a, -1, -2)),
        A233,
    ),
    (
        "svdvals",
        lambda t, a: t.linalg.svdvals(a),
        lambda a: np.linalg.svd(a, compute_uv=False),
        R243,
    ),
    ("pinv", lambda t, a: t.linalg.pinv(a), np.linalg.pinv, R243),
    (
        "matrix_power",
        lambda t, a: t.linalg.matrix_power(a, 5),
        lambda a: np.linalg.matrix_power(a, 5),
        A233,
    ),
    (
        "matrix_power-neg",
        lambda t, a: t.linalg.matrix_power(a, -3),
        lambda a: np.linalg.matrix_power(a, -3),
        A233,
    ),
    (
        "norm-nuc",
        lambda t, a: t.linalg.matrix_norm(a, "nuc"),
        lambda a: np.linalg.norm(a, "nuc", axis=(-2, -1)),
        A233,
    ),
    ("norm-2", lambda t, a: t.linalg.norm(a[0], 2), lambda a: np.linalg.norm(a[0], 2), A233),
    (
        "norm-inf",
        lambda t, a: t.linalg.matrix_norm(a, float("inf")),
        lambda a: np.linalg.norm(a, np.inf, axis=(-2, -1)),
        A233,
    ),
    (
        "norm-fro",
        lambda t, a: t.linalg.norm(a, dim=(0, 2)),
        lambda a: np.sqrt((a**2).sum((0, 2))),
        A233,
    ),
    ("kron", lambda t, a: t.kron(a[0], a[1]), lambda a: np.kron(a[0], a[1]), A233),
    (
        "tensordot",
        lambda t, a: t.tensordot(a, a, dims=([1, 2], [2, 1])),
        lambda a: np.tensordot(a, a, ([1, 2], [2, 1])),
        A233,
    ),
    ("vander", lambda t, a: t.vander(a[0, 0]), lambda a: np.vander(a[0, 0]), A233),
    ("trace", lambda t, a: t.trace(a[0]), lambda a: np.trace(a[0]), A233),
    (
        "matrix_rank",
        lambda t, a: t.linalg.matrix_rank(a),
        np.linalg.matrix_rank,
        np.array(SINGULAR),
    ),
    ("cond", lambda t, a: t.linalg.cond(a), np.linalg.cond, A233),
    (
        "lstsq",
        lambda t, a: t.linalg.lstsq(a, a[..., :2]).solution,
        lambda a: np.stack([np.linalg.lstsq(m, m[:, :2], rcond=None)[0] for m in a]),
        R243,
    ),
]


@pytest.mark.parametrize("case", VALUES, ids=lambda c: c[0])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_values_match_numpy(torch, case, dtype):
    _, fn, ref, a = case
    dt = getattr(torch, dtype)
    got = fn(torch, _t(torch, a, dt))
    expected = ref(np.asarray(a, dtype))
    if got.dtype.is_floating_point:
        assert got.dtype == dt
    tol = 1e-10 if dtype == "float64" else 2e-5
    np.testing.assert_allclose(_np(got), expected, rtol=tol, atol=tol)


def test_factorizations_reconstruct(torch):
    a = _t(torch, R243)
    q, r = torch.linalg.qr(a)
    np.testing.assert_allclose(_np(q @ r), R243, atol=1e-12)
    assert np.allclose(_np(r), np.triu(_np(r)))
    u, s, vh = torch.linalg.svd(a, full_matrices=True)
    assert tuple(u.shape) == (2, 4, 4) and tuple(vh.shape) == (2, 3, 3)
    np.testing.assert_allclose(_np(u[..., :3] * s.unsqueeze(-2) @ vh), R243, atol=1e-12)
    p, l, u = torch.linalg.lu(a)
    np.testing.assert_allclose(_np(p @ l @ u), R243, atol=1e-12)
    w, v = torch.linalg.eig(_t(torch, A233))
    assert w.dtype == torch.complex128 and v.dtype == torch.complex128
    av = _t(torch, A233).to(torch.complex128) @ v
    np.testing.assert_allclose(_np(av), _np(v * w.unsqueeze(-2)), atol=1e-12)
    # PyTorch's eigenvectors have unit norm
    np.testing.assert_allclose(np.linalg.norm(_np(v), axis=-2), 1.0, atol=1e-12)
    s = _t(torch, A233) + _t(torch, A233).mT
    w, v = torch.linalg.eigh(s)
    np.testing.assert_allclose(_np(v * w.unsqueeze(-2) @ v.mT), _np(s), atol=1e-12)


@pytest.mark.known_difference(
    reason="singular vectors are unique up to sign; JAX's LAPACK call "
    "(row-major data) can return a column with the opposite sign"
)
def test_svd_signs_are_lapacks(torch):
    a = torch.tensor([[2.0, 0, 1], [1, 3, 0], [0, 1, 4], [1, 1, 1]], dtype=torch.float64)
    u = torch.linalg.svd(a, full_matrices=False).U
    np.testing.assert_allclose(_np(u[0]), [-0.2962, -0.0699, -0.8957], atol=1e-4)


def test_lu_factor_pivots_are_lapacks(torch):
    LU, pivots = torch.linalg.lu_factor(_t(torch, A233))
    assert pivots.dtype == torch.int32
    # pivots are 1-based row swaps; replaying them on A gives L U
    for b in range(2):
        a = A233[b].copy()
        for i, p in enumerate(_np(pivots[b]) - 1):
            a[[i, p]] = a[[p, i]]
        lu = _np(LU[b])
        np.testing.assert_allclose((np.tril(lu, -1) + np.eye(3)) @ np.triu(lu), a, atol=1e-12)


def test_complex_inputs(torch):
    z = RNG.standard_normal((2, 3, 3)) + 1j * RNG.standard_normal((2, 3, 3))
    a = torch.tensor(z)
    np.testing.assert_allclose(_np(torch.linalg.det(a)), np.linalg.det(z), atol=1e-12)
    np.testing.assert_allclose(_np(torch.linalg.inv(a)), np.linalg.inv(z), atol=1e-12)
    sign, logabsdet = torch.linalg.slogdet(a)
    assert sign.dtype == torch.complex128 and logabsdet.dtype == torch.float64
    w = torch.linalg.eigvalsh(a)
    assert w.dtype == torch.float64
    assert torch.linalg.svdvals(a).dtype == torch.float64
    assert torch.linalg.norm(a).dtype == torch.float64


def test_complex_gradients(torch):
    z = RNG.standard_normal((3, 3)) + 1j * RNG.standard_normal((3, 3))
    a = torch.tensor(z, requires_grad=True)
    torch.linalg.det(a).abs().backward()
    # d|det A| / dA in PyTorch's convention: |det| * A^{-H}
    expected = np.abs(np.linalg.det(z)) * np.linalg.inv(z).conj().T
    np.testing.assert_allclose(_np(a.grad), expected, atol=1e-10)
    a.grad = None
    # the sum of the eigenvalues is the trace: its gradient is the identity
    torch.linalg.eigvalsh(a).sum().backward()
    np.testing.assert_allclose(_np(a.grad), np.eye(3), atol=1e-10)


# ------------------------------------------------------------------ graph
NODES = [
    ("LinalgDetBackward0", lambda t, a: t.linalg.det(a)),
    ("LinalgDetBackward0", lambda t, a: a.det()),
    ("LinalgSlogdetBackward0", lambda t, a: t.linalg.slogdet(a).logabsdet),
    ("WhereBackward0", lambda t, a: t.logdet(a)),
    ("LinalgInvExBackward0", lambda t, a: t.linalg.inv(a)),
    ("LinalgInvExBackward0", lambda t, a: a.inverse()),
    ("LinalgSolveExBackward0", lambda t, a: t.linalg.solve(a, a)),
    ("LinalgLstsqBackward0", lambda t, a: t.linalg.lstsq(a, a).solution),
    ("LinalgCholeskyExBackward0", lambda t, a: t.linalg.cholesky(a @ a.mT)),
    ("CholeskyBackward0", lambda t, a: t.cholesky(a @ a.mT)),
    ("LinalgQrBackward0", lambda t, a: t.linalg.qr(a).Q),
    ("LinalgQrBackward0", lambda t, a: a.qr().R),
    ("LinalgEigBackward0", lambda t, a: t.linalg.eig(a).eigenvalues),
    ("LinalgEigBackward0", lambda t, a: t.linalg.eigvals(a)),
    ("LinalgEighBackward0", lambda t, a: t.linalg.eigh(a).eigenvectors),
    ("LinalgEighBackward0", lambda t, a: t.linalg.eigvalsh(a)),
    ("LinalgSvdBackward0", lambda t, a: t.linalg.svd(a).U),
    ("LinalgSvdBackward0", lambda t, a: t.svd(a).U),
    ("LinalgSvdBackward0", lambda t, a: t.linalg.svdvals(a)),
    ("LinalgPinvBackward0", lambda t, a: t.linalg.pinv(a)),
    ("LinalgPinvBackward0", lambda t, a: a.pinverse()),
    ("MmBackward0", lambda t, a: t.linalg.matrix_power(a, 3)),
    ("LinalgInvExBackward0", lambda t, a: t.linalg.matrix_power(a, -1)),
    ("CopyBackwards", lambda t, a: t.linalg.matrix_power(a, 0)),
    ("LinalgMatrixExpBackward0", lambda t, a: a.matrix_exp()),
    ("LinalgCrossBackward0", lambda t, a: t.linalg.cross(a, a)),
    ("CatBackward0", lambda t, a: t.linalg.vander(a[0])),
    ("FlipBackward0", lambda t, a: t.vander(a[0])),
    ("DiagonalBackward0", lambda t, a: t.linalg.diagonal(a)),
    ("LinalgVectorNormBackward0", lambda t, a: t.linalg.norm(a)),
    ("LinalgVectorNormBackward0", lambda t, a: t.linalg.matrix_norm(a)),
    ("AmaxBackward0", lambda t, a: t.linalg.matrix_norm(a, 2)),
    ("AminBackward0", lambda t, a: t.linalg.matrix_norm(a, -2)),
    ("AmaxBackward0", lambda t, a: t.linalg.matrix_norm(a, 1)),
    ("SumBackward1", lambda t, a: t.linalg.norm(a, "nuc")),
    ("TraceBackward0", lambda t, a: a.trace()),
    ("LinalgLuFactorExBackward0", lambda t, a: t.linalg.lu_factor(a).LU),
    ("LinalgLuFactorExBackward0", lambda t, a: a.lu()[0]),
    ("LinalgLuBackward0", lambda t, a: t.linalg.lu(a).L),
    ("LinalgLuSolveBackward0", lambda t, a: t.linalg.lu_solve(*t.linalg.lu_factor(a), a)),
    ("LinalgSolveTriangularBackward0", lambda t, a: t.linalg.solve_triangular(a, a, upper=True)),
    ("TriangularSolveBackward0", lambda t, a: a.triangular_solve(a).solution),
    ("CholeskySolveBackward0", lambda t, a: a.cholesky_solve(a)),
    ("CholeskyInverseBackward0", lambda t, a: a.cholesky_inverse()),
    ("UnsafeViewBackward0", lambda t, a: a.kron(a)),
    ("ViewBackward0", lambda t, a: t.tensordot(a, a, dims=1)),
    ("BlockDiagBackward0", lambda t, a: t.block_diag(a, a)),
    ("SqueezeBackward1", lambda t, a: t.linalg.cond(a)),
    ("ViewBackward0", lambda t, a: t.linalg.multi_dot([a, a, a])),
    ("LinalgHouseholderProductBackward0", lambda t, a: t.linalg.householder_product(a, a[0, :2])),
]


@pytest.mark.parametrize("case", NODES, ids=lambda c: f"{c[0]}-{NODES.index(c)}")
def test_grad_fn_names(torch, case):
    node, fn = case
    a = torch.tensor(A33 @ A33.T + np.eye(3), requires_grad=True)
    assert type(fn(torch, a).grad_fn).__name__ == node


def test_saved_values(torch):
    a = torch.tensor(A33, requires_grad=True)
    d = torch.linalg.det(a)
    assert d.grad_fn._saved_A is a or np.array_equal(_np(d.grad_fn._saved_A), A33)
    np.testing.assert_allclose(_np(d.grad_fn._saved_result), _np(d))
    inv = torch.linalg.inv(a)
    np.testing.assert_allclose(_np(inv.grad_fn._saved_inverse), _np(inv))
    L = torch.linalg.cholesky(a @ a.mT, upper=True)
    assert L.grad_fn._saved_upper is True
    q = torch.linalg.qr(a, mode="complete").Q
    assert q.grad_fn._saved_mode == "complete"


def test_integer_and_permutation_outputs_have_no_grad(torch):
    a = torch.tensor(A33, requires_grad=True)
    inverse, info = torch.linalg.inv_ex(a)
    assert info.dtype == torch.int32 and not info.requires_grad and info.item() == 0
    LU, pivots = torch.linalg.lu_factor(a)
    assert pivots.dtype == torch.int32 and not pivots.requires_grad
    P, L, U = torch.linalg.lu(a)
    assert not P.requires_grad and L.requires_grad
    rank = torch.linalg.matrix_rank(a)
    assert rank.dtype == torch.int64 and rank.grad_fn is None


# ------------------------------------------------------------------ degenerate gradients
def test_det_of_singular_matrix_has_finite_gradient(torch):
    # PyTorch: det is exactly 0, and so is its gradient (not the adjugate, not nan)
    a = torch.tensor(SINGULAR, requires_grad=True)
    torch.linalg.det(a).backward()
    assert np.all(np.isfinite(_np(a.grad)))
    np.testing.assert_array_equal(_np(a.grad), np.zeros((3, 3)))
    b = torch.tensor([[0.0, 0.0], [0.0, 1.0]], requires_grad=True)
    torch.det(b).backward()
    np.testing.assert_array_equal(_np(b.grad), np.zeros((2, 2)))


def test_det_gradient_is_cofactor_matrix(torch):
    a = torch.tensor(A233, requires_grad=True)
    torch.linalg.det(a).sum().backward()
    expected = np.linalg.det(A233)[:, None, None] * np.swapaxes(np.linalg.inv(A233), -1, -2)
    np.testing.assert_allclose(_np(a.grad), expected, atol=1e-12)


def test_eigh_gradient_with_repeated_eigenvalues_is_not_finite(torch):
    a = torch.eye(3, dtype=torch.float64, requires_grad=True)
    w, v = torch.linalg.eigh(a)
    (v * torch.arange(9.0, dtype=torch.float64).reshape(3, 3)).sum().backward()
    assert not np.all(np.isfinite(_np(a.grad)))
    # eigenvalues alone stay differentiable
    b = torch.eye(3, dtype=torch.float64, requires_grad=True)
    torch.linalg.eigvalsh(b).sum().backward()
    np.testing.assert_allclose(_np(b.grad), np.eye(3), atol=1e-12)


def test_eigh_and_cholesky_read_one_triangle(torch):
    # the other triangle is ignored; the gradient is the Hermitian one
    a = torch.tensor(A33 + 4 * np.eye(3), requires_grad=True)
    low = np.tril(A33 + 4 * np.eye(3))
    sym = low + np.tril(low, -1).T
    np.testing.assert_allclose(_np(torch.linalg.eigvalsh(a)), np.linalg.eigvalsh(sym), atol=1e-12)
    torch.linalg.eigvalsh(a)[0].backward()
    g = _np(a.grad)
    np.testing.assert_allclose(g, g.T, atol=1e-12)
    sym_u = np.triu(A33 + 4 * np.eye(3)) + np.triu(A33, 1).T
    np.testing.assert_allclose(
        _np(torch.linalg.cholesky(a, upper=True)), np.linalg.cholesky(sym_u).T, atol=1e-12
    )


# ------------------------------------------------------------------ results and reprs
def _fields(result):
    # PyTorch's structseqs have no _fields; the repr names them in order
    return tuple(
        line.split("=")[0]
        for line in repr(result).split("\n")[1:]
        if "=" in line and not line.startswith(" ")
    )


def test_named_tuple_reprs(torch):
    eye = torch.eye(2)
    assert repr(torch.linalg.slogdet(eye)) == (
        "torch.return_types.linalg_slogdet(\nsign=tensor(1.),\nlogabsdet=tensor(0.))"
    )
    assert repr(torch.slogdet(eye)) == (
        "torch.return_types.slogdet(\nsign=tensor(1.),\nlogabsdet=tensor(0.))"
    )
    assert repr(torch.linalg.eigh(eye)) == (
        "torch.return_types.linalg_eigh(\neigenvalues=tensor([1., 1.]),\n"
        "eigenvectors=tensor([[1., 0.],\n        [0., 1.]]))"
    )
    assert repr(torch.linalg.inv_ex(eye)) == (
        "torch.return_types.linalg_inv_ex(\ninverse=tensor([[1., 0.],\n        [0., 1.]]),\n"
        "info=tensor(0, dtype=torch.int32))"
    )
    assert repr(torch.linalg.lu_factor(eye)) == (
        "torch.return_types.linalg_lu_factor(\nLU=tensor([[1., 0.],\n        [0., 1.]]),\n"
        "pivots=tensor([1, 2], dtype=torch.int32))"
    )
    r = torch.linalg.svd(eye)
    assert type(r).__name__ == "linalg_svd" and _fields(r) == ("U", "S", "Vh")
    assert _fields(torch.svd(eye)) == ("U", "S", "V")
    assert _fields(torch.linalg.qr(eye)) == ("Q", "R")
    assert torch.qr(eye).__class__.__name__ == "qr"
    assert _fields(torch.linalg.eig(eye)) == ("eigenvalues", "eigenvectors")
    assert _fields(torch.linalg.lstsq(eye, eye)) == (
        "solution",
        "residuals",
        "rank",
        "singular_values",
    )
    assert _fields(torch.linalg.lu(eye)) == ("P", "L", "U")
    assert _fields(torch.lu_unpack(*torch.linalg.lu_factor(eye))) == ("P", "L", "U")
    assert _fields(torch.linalg.lu_factor_ex(eye)) == ("LU", "pivots", "info")
    assert _fields(torch.triangular_solve(eye, eye)) == ("solution", "cloned_coefficient")
    assert _fields(torch.linalg.solve_ex(eye, eye)) == ("result", "info")
    assert _fields(torch.linalg.cholesky_ex(eye)) == ("L", "info")
    assert _fields(torch.lu(eye, get_infos=True)) == ("LU", "pivots", "info")
    assert type(torch.lu(eye)) is tuple


def test_lstsq_result_parts(torch):
    a = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 0.0]])
    r = torch.linalg.lstsq(a, torch.ones(4, 1))
    np.testing.assert_allclose(_np(r.solution), [[0.5454545], [0.7272727]], rtol=1e-5)
    assert r.rank.dtype == torch.int64 and r.rank.item() == 2
    assert r.residuals.numel() == 0 and r.singular_values.numel() == 0


def test_info_of_failed_factorizations(torch):
    inverse, info = torch.linalg.inv_ex(torch.tensor(SINGULAR))
    assert info.item() == 3
    L, info = torch.linalg.cholesky_ex(torch.tensor([[1.0, 2.0], [2.0, 1.0]]))
    assert info.item() == 2
    _, info = torch.linalg.cholesky_ex(torch.stack([torch.eye(3), -torch.eye(3)]))
    assert info.tolist() == [0, 1]
    _, _, info = torch.linalg.lu_factor_ex(torch.tensor(SINGULAR))
    assert info.item() == 3


# ------------------------------------------------------------------ errors
ERRORS = [
    (
        lambda t: t.linalg.det(t.ones(2, 3)),
        RuntimeError,
        "linalg.det: A must be batches of square matrices, but they are 2 by 3 matrices",
    ),
    (
        lambda t: t.det(t.ones(2, 3)),
        RuntimeError,
        "linalg.det: A must be batches of square matrices, but they are 2 by 3 matrices",
    ),
    (
        lambda t: t.linalg.det(t.ones(3)),
        RuntimeError,
        "linalg.det: The input tensor A must have at least 2 dimensions.",
    ),
    (
        lambda t: t.linalg.det(t.ones(3, 3, dtype=t.long)),
        RuntimeError,
        "linalg.det: Expected a floating point or complex tensor as input. Got Long",
    ),
    (
        lambda t: t.linalg.inv(t.tensor(SINGULAR)),
        RuntimeError,
        "linalg.inv: The diagonal element 3 is zero, the inversion could not be completed because "
        "the input matrix is singular.",
    ),
    (
        lambda t: t.inverse(t.stack([t.eye(3), t.tensor(SINGULAR)])),
        RuntimeError,
        "linalg.inv: (Batch element 1): The diagonal element 3 is zero, the inversion could not be "
        "completed because the input matrix is singular.",
    ),
    (
        lambda t: t.linalg.inv(t.ones(2, 3)),
        RuntimeError,
        "linalg.inv: A must be batches of square matrices, but they are 2 by 3 matrices",
    ),
    (
        lambda t: t.linalg.inv_ex(t.tensor(SINGULAR), check_errors=True),
        RuntimeError,
        "linalg.inv_ex: The diagonal element 3 is zero",
    ),
    (
        lambda t: t.linalg.solve(t.tensor(SINGULAR), t.ones(3)),
        RuntimeError,
        "torch.linalg.solve: The solver failed because the input matrix is singular.",
    ),
    (
        lambda t: t.linalg.solve(t.eye(3), t.ones(4, 2)),
        RuntimeError,
        "linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 4x2)",
    ),
    (
        lambda t: t.linalg.solve(t.eye(3), t.ones(4)),
        RuntimeError,
        "linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 4x1)",
    ),
    (
        lambda t: t.linalg.cholesky(t.tensor([[1.0, 2.0], [2.0, 1.0]])),
        RuntimeError,
        "linalg.cholesky: The factorization could not be completed because the input is not "
        "positive-definite (the leading minor of order 2 is not positive-definite).",
    ),
    (
        lambda t: t.linalg.cholesky(t.stack([t.eye(2), -t.eye(2)])),
        RuntimeError,
        "linalg.cholesky: (Batch element 1): The factorization could not be completed because the "
        "input is not positive-definite (the leading minor of order 1 is not positive-definite).",
    ),
    (
        lambda t: t.cholesky(t.tensor([[1.0, 2.0], [2.0, 1.0]])),
        RuntimeError,
        "cholesky: The factorization could not be completed because the input is not "
        "positive-definite (the leading minor of order 2 is not positive-definite).",
    ),
    (
        lambda t: t.linalg.cholesky(t.ones(2, 3)),
        RuntimeError,
        "linalg.cholesky: A must be batches of square matrices, but they are 2 by 3 matrices",
    ),
    (
        lambda t: t.linalg.eigh(t.ones(2, 3)),
        RuntimeError,
        "linalg.eigh: A must be batches of square matrices, but they are 2 by 3 matrices",
    ),
    (
        lambda t: t.linalg.eig(t.ones(2, 3)),
        RuntimeError,
        "linalg.eig: A must be batches of square matrices, but they are 2 by 3 matrices",
    ),
    (
        lambda t: t.linalg.slogdet(t.ones(2, 3)),
        RuntimeError,
        "linalg.slogdet: A must be batches of square matrices, but they are 2 by 3 matrices",
    ),
    (
        lambda t: t.linalg.svd(t.ones(3)),
        RuntimeError,
        "linalg.svd: The input tensor A must have at least 2 dimensions.",
    ),
    (
        lambda t: t.linalg.solve(t.eye(3), t.ones(3), left=False),
        RuntimeError,
        "linalg.solve: Incompatible shapes of A and B for the equation XA = B (3x3 and 3x1)",
    ),
    (
        lambda t: t.linalg.solve(t.eye(2), t.ones(2, dtype=t.float64)),
        RuntimeError,
        "linalg.solve: Expected A and B to have the same dtype, but found A of type Float and B of "
        "type Double instead",
    ),
    (
        lambda t: t.linalg.lu_solve(*t.linalg.lu_factor(t.eye(2)), t.ones(2, 1, dtype=t.float64)),
        RuntimeError,
        "linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of "
        "type Float and B of type Double instead",
    ),
    (
        lambda t: t.linalg.lstsq(t.eye(2), t.ones(2, 1, dtype=t.float64)),
        RuntimeError,
        "torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's dtype "
        "Float and other's dtype Double",
    ),
    (
        lambda t: t.linalg.cross(t.ones(2, 1, 3), t.ones(4, 3)),
        RuntimeError,
        "linalg.cross: inputs must have the same number of dimensions.",
    ),
    (
        lambda t: t.linalg.qr(t.ones(4, 3, requires_grad=True), mode="r").R.sum().backward(),
        RuntimeError,
        "The derivative of linalg.qr depends on Q, which is not computed when mode='r'.",
    ),
    (
        lambda t: t.linalg.qr(t.ones(4, 3, requires_grad=True), mode="complete").Q.sum().backward(),
        RuntimeError,
        "The QR decomposition is not differentiable when mode='complete' and nrows > ncols.",
    ),
    (
        lambda t: t.linalg.qr(t.ones(3)),
        RuntimeError,
        "linalg.qr: The input tensor A must have at least 2 dimensions.",
    ),
    (
        lambda t: t.linalg.qr(t.ones(3, 3), mode="bad"),
        RuntimeError,
        "qr received unrecognized mode 'bad' but expected one of 'reduced' (default), 'r', or "
        "'complete'",
    ),
    (
        lambda t: t.linalg.matrix_power(t.ones(2, 3), 2),
        RuntimeError,
        "linalg.matrix_power: A must be batches of square matrices, but they are 2 by 3 matrices",
    ),
    (
        lambda t: t.linalg.matrix_power(t.tensor(SINGULAR), -1),
        RuntimeError,
        "linalg.inv: The diagonal element 3 is zero",
    ),
    (
        lambda t: t.linalg.lu_factor(t.tensor(SINGULAR)),
        RuntimeError,
        "torch.linalg.lu_factor: U[3,3] is zero and using it on lu_solve would result in a division "
        "by zero. If you still want to perform the factorization, consider calling "
        "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)",
    ),
    (
        lambda t: t.linalg.multi_dot([t.ones(2, 2)]),
        RuntimeError,
        "multi_dot(): expected at least 2 tensors but got 1",
    ),
    (
        lambda t: t.linalg.multi_dot([t.ones(2, 3), t.ones(2, 3)]),
        RuntimeError,
        "multi_dot(): tensors 0 and 1 with shapes [2, 3] and [2, 3] cannot be multiplied",
    ),
    (
        lambda t: t.linalg.cross(t.ones(2, 2), t.ones(2, 2)),
        RuntimeError,
        "linalg.cross: inputs dimension -1 must have length 3. Got 2 and 2",
    ),
    (
        lambda t: t.linalg.matrix_norm(t.ones(3)),
        RuntimeError,
        "linalg.matrix_norm: The input tensor A must have at least 2 dimensions.",
    ),
    (
        lambda t: t.linalg.matrix_norm(t.ones(3, 3), ord=3),
        RuntimeError,
        "linalg.matrix_norm: Order 3 not supported.",
    ),
    (
        lambda t: t.linalg.vector_norm(t.ones(3, dtype=t.long)),
        RuntimeError,
        "linalg.vector_norm: Expected a floating point or complex tensor as input. Got Long",
    ),
    (
        lambda t: t.tensordot(t.ones(2, 3), t.ones(2, 3), dims=1),
        RuntimeError,
        "contracted dimensions need to match, but first has size 3 in dim -1 and second has size 2 "
        "in dim 0",
    ),
    (
        lambda t: t.trace(t.ones(2, 2, 2)),
        RuntimeError,
        "trace: expected a matrix, but got tensor with dim 3",
    ),
    (
        lambda t: t.linalg.solve_triangular(t.eye(3), t.ones(3), upper=True),
        RuntimeError,
        "linalg.solve_triangular: The input tensor B must have at least 2 dimensions.",
    ),
]


@pytest.mark.parametrize("case", ERRORS, ids=lambda c: c[2][:50])
def test_errors(torch, case):
    fn, exc, message = case
    with pytest.raises(exc) as info:
        fn(torch)
    assert str(info.value).startswith(message)


def test_singular_errors_are_linalg_errors(torch):
    with pytest.raises(torch.linalg.LinAlgError):
        torch.linalg.inv(torch.tensor(SINGULAR))
    with pytest.raises(torch.linalg.LinAlgError):
        torch.linalg.cholesky(-torch.eye(2))
    assert issubclass(torch.linalg.LinAlgError, RuntimeError)


def test_deprecated_forms_warn(torch):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.cholesky(torch.eye(2))
    assert (
        any(
            "torch.cholesky is deprecated in favor of torch.linalg.cholesky" in str(w.message)
            for w in caught
        )
        or not caught
    )  # PyTorch warns once per process


# ------------------------------------------------------------------ forms
def test_out_forms(torch):
    a = torch.tensor(A233)
    out = torch.empty(0, dtype=torch.float64)
    assert torch.linalg.inv(a, out=out) is out
    np.testing.assert_allclose(_np(out), np.linalg.inv(A233), atol=1e-12)
    sign, logabsdet = torch.empty(0, dtype=torch.float64), torch.empty(0, dtype=torch.float64)
    r = torch.linalg.slogdet(a, out=(sign, logabsdet))
    assert r.sign is sign and r.logabsdet is logabsdet
    n = torch.empty(0, dtype=torch.float64)
    torch.linalg.vector_norm(a, out=n)
    np.testing.assert_allclose(_np(n), np.linalg.norm(A233.ravel()))


def test_tensor_methods(torch):
    a = torch.tensor(A33 @ A33.T + np.eye(3))
    np.testing.assert_allclose(_np(a.det()), np.linalg.det(_np(a)))
    np.testing.assert_allclose(_np(a.inverse()), np.linalg.inv(_np(a)), atol=1e-12)
    np.testing.assert_allclose(_np(a.logdet()), np.log(np.linalg.det(_np(a))))
    np.testing.assert_allclose(_np(a.matrix_power(2)), _np(a) @ _np(a))
    np.testing.assert_allclose(_np(a.trace()), np.trace(_np(a)))
    assert a.slogdet().sign.item() == 1.0


def test_logdet_of_negative_and_singular(torch):
    assert np.isnan(torch.logdet(-torch.eye(3)).item())
    assert torch.logdet(torch.tensor(SINGULAR)).item() == -np.inf


def test_block_diag_and_vander_shapes(torch):
    b = torch.block_diag(torch.ones(2, 3), torch.tensor(5.0), torch.ones(2))
    assert tuple(b.shape) == (4, 6)
    assert b[2, 3].item() == 5.0
    v = torch.vander(torch.tensor([1.0, 2.0, 3.0]), N=3, increasing=True)
    np.testing.assert_array_equal(_np(v), [[1, 1, 1], [1, 2, 4], [1, 3, 9]])
    lv = torch.linalg.vander(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert tuple(lv.shape) == (2, 2, 2)


def test_empty_and_multi_dot_forms(torch):
    assert tuple(torch.linalg.inv(torch.empty(2, 0, 0)).shape) == (2, 0, 0)
    assert torch.linalg.det(torch.empty(0, 0)).item() == 1.0
    a = torch.ones(2, 2, requires_grad=True)
    assert type(torch.linalg.multi_dot([a, a]).grad_fn).__name__ == "ViewBackward0"
    assert torch.linalg.multi_dot([torch.ones(2), torch.ones(2, 2), torch.ones(2)]).item() == 4.0
    q, r = torch.linalg.qr(torch.ones(4, 3, requires_grad=True), mode="complete")
    assert tuple(q.shape) == (4, 4) and tuple(r.shape) == (4, 3)


def test_cross_broadcasts(torch):
    a = torch.tensor(RNG.standard_normal((2, 1, 3)), requires_grad=True)
    b = torch.tensor(RNG.standard_normal((1, 4, 3)))
    c = torch.linalg.cross(a, b)
    np.testing.assert_allclose(_np(c), np.cross(_np(a), _np(b)), atol=1e-12)
    c.sum().backward()
    assert tuple(a.grad.shape) == (2, 1, 3)


def test_batched_solve_broadcasts(torch):
    a = torch.tensor(A233)
    b = torch.tensor(RNG.standard_normal((3, 4)))
    x = torch.linalg.solve(a, b)
    assert tuple(x.shape) == (2, 3, 4)
    np.testing.assert_allclose(_np(a @ x), np.broadcast_to(_np(b), (2, 3, 4)), atol=1e-12)
