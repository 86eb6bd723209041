"""Blockers found by running real, published generative / scientific / RL / classic-ML PyTorch
programs (PINNs for Burgers' equation, torchdiffeq-style RK4, RealNVP, DDPM, pytorch/examples
reinforcement_learning, the DQN / FGSM / neural-style tutorials, k-means, GP regression, PCA,
pygcn) under ``python -m torchlike``, each reduced to the few lines that reproduce it."""

import warnings

import numpy as np
import pytest


# ------------------------------------------------------------- PINNs (Burgers' equation)
# The collocation points are made as torch.tensor(ndarray, requires_grad=True).float(): a
# ToCopyBackward0 that every LBFGS closure call backpropagates through again.  PyTorch's node
# saves no tensor, so no retain_graph is needed.
def test_backward_twice_through_dtype_cast(torch):
    x = torch.tensor(np.linspace(0.0, 1.0, 4)[:, None], requires_grad=True).float()
    assert type(x.grad_fn).__name__ == "ToCopyBackward0"
    w = torch.ones(1, 1, requires_grad=True)
    for _ in range(2):
        (x * w).sum().backward()
    assert w.grad.item() == pytest.approx(4.0)
    # a node that saved a tensor still refuses, as before
    e = x.exp()
    e.sum().backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        e.sum().backward()


def test_pinn_second_derivative_through_cast(torch):
    t = torch.tensor(np.array([[0.5], [1.0]]), requires_grad=True).float()
    for _ in range(2):  # two closure calls of the same collocation points
        u = t**3
        u_t = torch.autograd.grad(u, t, torch.ones_like(u), retain_graph=True, create_graph=True)[0]
        u_tt = torch.autograd.grad(u_t, t, torch.ones_like(u_t), create_graph=True)[0]
        (u_tt**2).mean().backward()
    assert u_tt.flatten().tolist() == pytest.approx([3.0, 6.0])


# ------------------------------------------------------------------------------- PCA
def test_pca_lowrank_matches_seeded_stream(torch):
    torch.manual_seed(0)
    X = torch.randn(20, 5)
    U, S, V = torch.pca_lowrank(X, q=3)
    assert (U.shape, S.shape, V.shape) == ((20, 3), (3,), (5, 3))
    assert S.tolist() == pytest.approx([6.2605, 4.7099, 4.0979], abs=1e-4)
    # the random test matrix is drawn from the global generator with PyTorch's shape
    assert torch.randn(2).tolist() == pytest.approx([0.8871, 0.7680], abs=1e-4)
    # at full rank the randomized basis spans everything: the exact singular values
    exact = torch.linalg.svdvals(X - X.mean(0))
    assert torch.allclose(torch.pca_lowrank(X, q=5)[1], exact, rtol=1e-4)
    assert torch.functional.pca_lowrank is torch.pca_lowrank


def test_svd_lowrank_wide_mean_and_errors(torch):
    torch.manual_seed(0)
    A = torch.arange(12.0).reshape(3, 4)
    U, S, V = torch.svd_lowrank(A, q=2, M=torch.ones(4))
    assert (U.shape, V.shape) == ((3, 2), (4, 2))
    assert S.tolist() == pytest.approx([19.5182, 2.2450], abs=1e-3)
    assert torch.allclose(U @ torch.diag(S) @ V.T, A - 1, atol=1e-4)
    with pytest.raises(RuntimeError, match="expected m1 and m2 to have the same dtype"):
        torch.svd_lowrank(torch.arange(12).reshape(3, 4), q=2)
    with pytest.raises(ValueError, match=r"q\(=7\) must be non-negative integer and not greater"):
        torch.pca_lowrank(torch.ones(6, 5), q=7)
    with pytest.raises(ValueError, match=r"niter\(=-1\) must be non-negative integer"):
        torch.pca_lowrank(torch.ones(6, 5), niter=-1)


def test_pca_lowrank_batched_backward(torch):
    torch.manual_seed(1)
    A = torch.randn(2, 6, 4, requires_grad=True)
    U, S, V = torch.pca_lowrank(A, center=False)
    assert S.shape == (2, 4) and type(S.grad_fn).__name__ == "LinalgSvdBackward0"
    S.sum().backward()
    assert A.grad.shape == (2, 6, 4)


# ------------------------------------------------------------------------------- pygcn
# GraphConvolution.forward calls torch.spmm(adj, support); ports that keep adj dense get mm
def test_spmm_dense_is_mm(torch):
    a = torch.arange(6.0).reshape(2, 3).requires_grad_(True)
    b = torch.ones(3, 2)
    r = torch.spmm(a, b)
    assert type(r.grad_fn).__name__ == "MmBackward0"
    assert r.tolist() == [[3.0, 3.0], [12.0, 12.0]]
    out = torch.empty(2, 2)
    assert torch.spmm(a.detach(), b, out=out) is out and torch.equal(out, r.detach())
    with pytest.raises(RuntimeError, match="self must be a matrix"):
        torch.spmm(torch.ones(3), b)
    assert not hasattr(a, "spmm")


# GCN message passing with index_reduce_: the beta warning names the user's line
def test_index_reduce_warning_points_at_caller(torch):
    x = torch.zeros(3, 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x.index_reduce_(0, torch.tensor([0, 2]), torch.ones(2, 2), "amax", include_self=False)
    beta = [w for w in caught if "index_reduce() is in beta" in str(w.message)]
    # PyTorch warns once per process: the first call in the session, wherever it came from
    for w in beta:
        assert w.filename == __file__
        assert "(Triggered internally at " in str(w.message)
    assert x[:, 0].tolist() == [1.0, 0.0, 1.0]


# ------------------------------------------------------- flows / VAEs with Gamma-family priors
# PyTorch's _standard_gamma / _sample_dirichlet run Marsaglia-Tsang over the CPU stream; a seeded
# program that samples a Gamma, Beta or Dirichlet gets those numbers, and every later draw
# continues from where the rejection loop left the generator.
def test_gamma_family_samples_follow_the_seeded_stream(torch):
    D = torch.distributions
    torch.manual_seed(0)
    g = D.Gamma(torch.tensor([0.3, 2.5]), torch.tensor([1.0, 2.0])).sample((2,))
    np.testing.assert_array_equal(
        g.numpy(),
        np.array(
            [[5.906951628276147e-06, 0.47108280658721924], [0.0076747611, 1.8245563507]]
        ).astype(np.float32),
    )
    b = D.Beta(torch.tensor([2.0]), torch.tensor([0.5])).sample()
    assert b.item() == np.float32(0.8369953036308289)
    d = D.Dirichlet(torch.tensor([1.0, 0.1, 3.0])).sample()
    np.testing.assert_array_equal(
        d.numpy(), np.array([0.043818313628, 5.842654445587e-06, 0.95617586374]).astype(np.float32)
    )
    assert torch.rand(2).tolist() == [0.815468966960907, 0.793160617351532]


def test_gamma_float64_and_tiny_concentrations(torch):
    D = torch.distributions
    torch.manual_seed(123)
    a = torch.tensor([0.0, 1e-30, 0.5, 40.0], dtype=torch.float64)
    s = D.Gamma(a, torch.ones(4, dtype=torch.float64), validate_args=False).sample()
    assert s[0].item() == s[1].item() == np.finfo(np.float64).tiny  # clamped to the smallest normal
    assert s.dtype == torch.float64 and 20 < s[3].item() < 60
    again = torch.Generator().manual_seed(123)
    assert torch.rand(1, generator=again).item() != torch.rand(1).item()  # the stream moved on


# ---------------------------------------------------- stability analysis: eig of a real matrix
def test_eig_of_real_matrix_uses_the_real_solver(torch):
    w, v = torch.linalg.eig(torch.tensor([[0.0, 1.0], [-1.0, 0.0]]))
    assert w.tolist() == [1j, -1j]  # exact conjugates (no 1e-8 real part)
    w, v = torch.linalg.eig(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert w.real.tolist() == pytest.approx([-0.3722811, 5.3722816], abs=1e-6)
    # LAPACK's real geev normalisation: PyTorch's signs
    np.testing.assert_allclose(
        v.real.numpy(), [[-0.8245648, -0.4159736], [0.5657675, -0.9093767]], atol=1e-6
    )
    A = torch.tensor([[2.0, 1.0], [0.5, 3.0]], requires_grad=True)
    torch.linalg.eigvals(A).real.sum().backward()
    assert A.grad.dtype == torch.float32
    np.testing.assert_allclose(A.grad.numpy(), np.eye(2), atol=1e-6)  # d trace / dA
