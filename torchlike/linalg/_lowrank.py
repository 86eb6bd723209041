"""``torch.svd_lowrank`` / ``torch.pca_lowrank``: randomized SVD (Halko, Martinsson and Tropp,
2009, algorithms 4.4 and 5.1) composed of torch-level ops, as PyTorch's ``torch._lowrank`` is.

The random test matrix is drawn with ``torch.randn`` from the global generator, with the shape
and dtype PyTorch draws, so a seeded script gets PyTorch's numbers (and leaves the generator
where PyTorch leaves it); the graph is the one the composition records.
"""

from __future__ import annotations

from torchlike import _dtype
from torchlike._random_methods import randn as _randn

from . import qr as _qr
from . import svd as _svd


def _floating_dtype(A):
    # integer (and bool) inputs are sampled, and come back, in float32, as PyTorch's
    # _linalg_utils.get_floating_dtype gives
    return A.dtype if A.is_floating_point() or A.is_complex() else _dtype.float32


def _approximate_basis(A, q, niter, M):
    """``Q`` with ``q`` orthonormal columns such that ``Q Q^H (A - M)`` approximates ``A - M``,
    by ``niter`` rounds of subspace iteration from a Gaussian start."""
    niter = 2 if niter is None else niter
    R = _randn(A.shape[-1], q, dtype=_floating_dtype(A), device=A.device)

    def times(B):
        return A.matmul(B) if M is None else A.matmul(B) - M.matmul(B)

    def times_h(B):
        return A.mH.matmul(B) if M is None else A.mH.matmul(B) - M.mH.matmul(B)

    Q = _qr(times(R)).Q
    for _ in range(niter):
        Q = _qr(times_h(Q)).Q
        Q = _qr(times(Q)).Q
    return Q


def _svd_lowrank(A, q, niter, M):
    q = 6 if q is None else q
    m, n = A.shape[-2:]
    if M is not None:
        M = M.broadcast_to(A.size())
    wide = m < n
    if wide:  # the basis is taken for the tall side
        A = A.mH
        M = None if M is None else M.mH
    Q = _approximate_basis(A, q, niter, M)
    B = Q.mH.matmul(A)
    if M is not None:
        B = B - Q.mH.matmul(M)
    U, S, Vh = _svd(B, full_matrices=False)
    V = Vh.mH
    U = Q.matmul(U)
    if wide:
        U, V = V, U
    return U, S, V


def svd_lowrank(A, q=6, niter=2, M=None):
    return _svd_lowrank(A, q, niter, M)


def pca_lowrank(A, q=None, center=True, niter=2):
    m, n = A.shape[-2:]
    if q is None:
        q = min(6, m, n)
    elif not (q >= 0 and q <= min(m, n)):
        raise ValueError(
            f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}"
        )
    if not (niter >= 0):
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return _svd_lowrank(A, q, niter, None)
    return _svd_lowrank(A - A.mean(dim=(-2,), keepdim=True), q, niter, None)
