"""Blockers found by running reinforcement-learning, generative and graph programs written in
plain PyTorch under ``python -m torchlike`` (each rewritten short, on random data or a tiny
self-written environment, seeded, and its printed numbers compared with PyTorch's), each reduced
to the few lines that reproduce it.  RL: PPO with GAE and a Gaussian policy, maskable PPO,
SAC, TD3, A2C and recurrent (GRUCell) A2C, double DQN with prioritized replay, C51, Rainbow's
NoisyLinear / dueling head, DQN under torch.compile, TRPO (Fisher-vector products, LBFGS
critic), evolution strategies, AlphaZero-style PUCT, ICM curiosity, DreamerV2's RSSM, Decision
Transformer, REDQ-style torch.func ensembles, MAML.  Generative: DCGAN, WGAN-GP, SN-GAN /
CycleGAN blocks, conv VAE, IWAE / beta-VAE, Gumbel-softmax VAE, VQ-VAE with EMA codebook, MAF /
ActNorm / LU 1x1 flows, Glow, distributions-built flows, FFJORD-style CNF, SGLD energy model,
cosine-schedule DDIM / DDPM and v-prediction samplers with an EMA model, PixelCNN,
PixelCNN++'s logistic-mixture loss, World Models' MDN-RNN.  Graph: GAT, sparse-attention GAT,
Kipf GCN with a sparse adjacency, GraphSAGE (mean and neighbour-sampled), GIN with PyG-style
batching, R-GCN, node2vec with SparseAdam.  Plus a policy-distribution zoo and their error
messages."""

import numpy as np
import pytest


def _values(t):
    return np.asarray(t.detach().tolist(), dtype=np.float64)


# ------------------------------------------------ Beta / Dirichlet policies: rsample's gradient
# A Beta policy's (or a Dirichlet's) rsample differentiates through PyTorch's _Dirichlet Function:
# the implicit derivative through each coordinate's Beta marginal.  Normalised gammas give an
# equally unbiased but different per-sample gradient (was 0.099 where PyTorch has 0.131).
# PyTorch's _dirichlet_grad approximates that derivative (series, a rational fit) to about 0.2%;
# torchlike computes it exactly, hence rtol=5e-3.
def test_beta_rsample_gradient(torch):
    D = torch.distributions
    torch.manual_seed(0)
    a = torch.tensor([1.5, 2.0, 0.7], requires_grad=True)
    b = torch.tensor([2.5, 0.8, 1.1], requires_grad=True)
    x = D.Beta(a, b).rsample()
    assert type(x.grad_fn).__name__ == "SelectBackward0"
    x.sum().backward()
    np.testing.assert_allclose(_values(x), [0.6801, 0.7579, 0.3389], atol=1e-4)
    np.testing.assert_allclose(_values(a.grad), [0.1308, 0.1095, 0.5063], rtol=5e-3)
    np.testing.assert_allclose(_values(b.grad), [-0.1366, -0.3373, -0.2746], rtol=5e-3)


def test_dirichlet_rsample_node_and_gradient(torch):
    D = torch.distributions
    torch.manual_seed(0)
    c = torch.tensor([1.5, 2.0, 0.7], dtype=torch.float64, requires_grad=True)
    x = D.Dirichlet(c).rsample()
    assert type(x.grad_fn).__name__ == "_DirichletBackward"
    expand = x.grad_fn.next_functions[0][0]
    assert type(expand).__name__ == "ExpandBackward0"
    assert expand.next_functions[0][0].variable is c
    (x * torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)).sum().backward()
    np.testing.assert_allclose(_values(c.grad), [-0.14962, 0.12088, 0.30351], rtol=5e-3)
    # the gradient pushes along the simplex: sum_j dx_j/dalpha_i = 0
    c.grad = None
    D.Dirichlet(c).rsample((4,)).sum().backward()
    np.testing.assert_allclose(_values(c.grad), [0.0, 0.0, 0.0], atol=1e-12)


def test_torch_dirichlet_grad_values(torch):
    D = torch.distributions
    torch.manual_seed(1)
    alpha = torch.tensor([0.05, 0.8, 2.2, 7.0, 0.4], dtype=torch.float64)
    beta = torch.tensor([0.3, 1.5, 2.7, 9.0, 12.0], dtype=torch.float64)
    alpha.requires_grad_(True)
    x = D.Beta(alpha, beta).rsample()
    (g,) = torch.autograd.grad(x.sum(), alpha)
    x = x.detach()
    # dx/dalpha = -(d/dalpha I_x(alpha, beta)) / pdf(x): the Beta CDF by quadrature, its
    # derivative by central differences
    expected = _beta_implicit_grad(_values(x), _values(alpha), _values(beta))
    np.testing.assert_allclose(_values(g), expected, rtol=5e-3)


def _beta_cdf(x, a, b, n=20001):
    # I_x(a, b) by the substitution t = x * v**(1/a) (removes the t**(a-1) singularity), then
    # Simpson's rule on [0, 1] in float64
    v = np.linspace(0.0, 1.0, n)
    t = x * v ** (1.0 / a)
    f = np.where(v > 0, (1.0 - t) ** (b - 1.0), 1.0)
    w = np.ones(n)
    w[1:-1:2], w[2:-1:2] = 4.0, 2.0
    integral = (w * f).sum() / (3.0 * (n - 1)) * x**a / a
    from math import lgamma

    return integral / np.exp(lgamma(a) + lgamma(b) - lgamma(a + b))


def _beta_implicit_grad(xs, alphas, betas):
    from math import lgamma, log

    out = []
    for x, a, b in zip(xs, alphas, betas):
        h = 1e-5 * a
        dcdf = (_beta_cdf(x, a + h, b) - _beta_cdf(x, a - h, b)) / (2 * h)
        logpdf = (a - 1) * log(x) + (b - 1) * log(1 - x) - (lgamma(a) + lgamma(b) - lgamma(a + b))
        out.append(-dcdf / np.exp(logpdf))
    return out


# ------------------------------------------------ GIN / PyG-style batching: repeat_interleave
# The batch vector of a mini-batch of graphs is repeat_interleave(arange(B), sizes): a repeats
# tensor raised a raw JAX error.  PyTorch's composite is index_select by the repeated indices.
def test_repeat_interleave_by_tensor(torch):
    sizes = torch.tensor([2, 1, 3])
    batch = torch.repeat_interleave(torch.arange(3), sizes)
    assert batch.tolist() == [0, 0, 1, 2, 2, 2] and batch.dtype == torch.int64
    x = torch.arange(6.0).view(3, 2).requires_grad_()
    y = x.repeat_interleave(sizes, dim=0)
    assert y.shape == (6, 2) and type(y.grad_fn).__name__ == "IndexSelectBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [[2.0, 2.0], [1.0, 1.0], [3.0, 3.0]]
    assert torch.repeat_interleave(x.detach(), torch.tensor(2), dim=1).shape == (3, 4)
    assert torch.repeat_interleave(x.detach(), torch.tensor([2]), dim=0).shape == (6, 2)
    only = torch.repeat_interleave(torch.tensor([2, 0, 1], dtype=torch.int32), output_size=3)
    assert only.tolist() == [0, 0, 2] and only.dtype == torch.int32


def test_repeat_interleave_by_tensor_errors(torch):
    x = torch.ones(3, 2)
    with pytest.raises(RuntimeError, match="^allocated size does not match required size$"):
        torch.repeat_interleave(torch.tensor([2, 1]), output_size=4)
    with pytest.raises(RuntimeError, match="^repeat_interleave only accept 1D vector as repeat$"):
        torch.repeat_interleave(torch.tensor([[2, 1]]))
    with pytest.raises(
        NotImplementedError, match="^\"repeat_interleave_cpu\" not implemented for 'Float'$"
    ):
        x.repeat_interleave(torch.tensor([2.0, 1.0, 1.0]), dim=0)
    with pytest.raises(RuntimeError, match="^repeats can not be negative$"):
        x.repeat_interleave(torch.tensor([2, -1, 1]), dim=0)


# ------------------------------------------------ sparse-attention GAT: torch.sparse.softmax
# pygat's SpGAT normalises attention scores stored on the edge list as a COO tensor; the
# softmax runs over the specified entries of each row (duplicates summed first, with no
# CoalesceBackward0 in between) and the result feeds torch.sparse.mm.
def _edge_scores(torch):
    i = torch.tensor([[0, 0, 1, 2, 0], [0, 2, 1, 0, 0]])
    v = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0], requires_grad=True)
    return i, v, torch.sparse_coo_tensor(i, v, (3, 3))


def test_sparse_softmax(torch):
    i, v, a = _edge_scores(torch)
    s = torch.sparse.softmax(a, 1)
    assert s.is_sparse and s.is_coalesced() and s.shape == (3, 3)
    assert type(s.grad_fn).__name__ == "SparseSoftmaxBackward0"
    assert [type(n).__name__ for n, _ in s.grad_fn.next_functions] == [
        "SparseCooTensorWithDimsAndTensorsBackward0"
    ]
    assert s._indices().tolist() == [[0, 0, 1, 2], [0, 2, 1, 0]]
    assert _close_list(s._values(), [0.98201379, 0.01798621, 1.0, 1.0])
    assert _close_list(torch.sparse.softmax(a, 0)._values(), [0.88079708, 1.0, 1.0, 0.11920292])
    w = torch.arange(6.0).view(3, 2)
    (torch.sparse.mm(torch.sparse.softmax(a, 1), w) ** 2).sum().backward()
    assert _close_list(v.grad, [-0.16155, 0.16155, 0.0, 0.0, -0.16155], tol=1e-4)


def test_sparse_log_softmax_and_dense_dims(torch):
    i, v, a = _edge_scores(torch)
    ls = torch.sparse.log_softmax(a, -1)
    assert type(ls.grad_fn).__name__ == "SparseLogSoftmaxBackward0"
    assert _close_list(ls._values(), [-0.01814993, -4.01814993, 0.0, 0.0])
    torch.sparse.mm(torch.sparse.log_softmax(a, 0), torch.arange(6.0).view(3, 2)).sum().backward()
    assert _close_list(v.grad, [-0.76159416, 0.0, 0.0, 0.76159416, -0.76159416])
    assert torch.sparse.softmax(a.detach().double(), 1, dtype=torch.float32).dtype == torch.float32
    b = torch.sparse_coo_tensor(i, torch.arange(10.0).view(5, 2), (3, 3, 2))
    assert _close_list(torch.sparse.softmax(b, 2)._values()[0], [0.11920292, 0.88079708])
    assert _close_list(torch.sparse.softmax(b, 1)._values()[:, 1], [0.99908895, 9.1105e-04, 1, 1])
    with pytest.raises(IndexError, match=r"range of \[-2, 1\], but got 2\)"):
        torch.sparse.softmax(a, 2)
    with pytest.raises(NotImplementedError, match="\"softmax\" not implemented for 'Long'"):
        torch.sparse.softmax(torch.sparse_coo_tensor(i, torch.arange(5), (3, 3)), 1)


def _close_list(t, expected, tol=1e-6):
    return _close(t.detach().tolist(), expected, tol)


def _close(a, b, tol=1e-6):
    return np.allclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), atol=tol)


# ------------------------------------------------ `from torch.distributions import *`
# The star import gives the distributions, the transforms' classes and the KL functions, not the
# `constraints` / `transforms` modules (a program that relied on them worked only here);
# ExpRelaxedCategorical / LogitRelaxedBernoulli live in their modules only.
def test_distributions_star_import(torch):
    names = {}
    exec(f"from {torch.__name__}.distributions import *", names)  # (the module under test)
    assert "Categorical" in names and "TanhTransform" in names and "kl_divergence" in names
    assert "transforms" not in names and "constraints" not in names
    D = torch.distributions
    assert not hasattr(D, "ExpRelaxedCategorical") and not hasattr(D, "LogitRelaxedBernoulli")
    assert D.relaxed_categorical.ExpRelaxedCategorical.__name__ == "ExpRelaxedCategorical"
    assert D.relaxed_bernoulli.LogitRelaxedBernoulli.__name__ == "LogitRelaxedBernoulli"
    assert D.constraints.simplex is not None and D.transforms.TanhTransform is not None


# ------------------------------------------------ distribution parameters that do not broadcast
# A policy head whose loc and scale disagree in shape: PyTorch's broadcast message, not NumPy's
# ("shape mismatch: objects cannot be broadcast to a single shape").
def test_distribution_broadcast_errors(torch):
    D = torch.distributions
    with pytest.raises(
        RuntimeError,
        match=r"^The size of tensor a \(2\) must match the size of tensor b \(3\) at "
        r"non-singleton dimension 0$",
    ):
        D.Normal(torch.zeros(2), torch.ones(3))
    with pytest.raises(RuntimeError, match=r"must match the size of tensor b \(3\)"):
        D.Beta(torch.ones(2), torch.ones(3))
    with pytest.raises(
        RuntimeError,
        match=r"^Attempting to broadcast a dimension of length 3 at -1! Mismatching argument at "
        r"index 1 had torch.Size\(\[3\]\); but expected shape should be broadcastable to \[2\]$",
    ):
        D.transforms.PowerTransform(torch.ones(3)).forward_shape((2,))


# ------------------------------------------------ Decision Transformer at evaluation
# In inference (eval, no grad, batch_first, ...) PyTorch runs TransformerEncoderLayer as its
# fused kernel, whose softmax over a query's keys that are all masked gives NaN; the composite
# (training) path gives finite values.  A padded first timestep under a causal mask is such a
# query: PyTorch's evaluation output is NaN for that sequence, so is ours.
def _layer_case(torch):
    torch.manual_seed(0)
    nn = torch.nn
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
    x = torch.randn(2, 3, 8)
    mask = nn.Transformer.generate_square_subsequent_mask(3)
    return layer, x, mask


def test_encoder_layer_fast_path_fully_masked_queries(torch):
    layer, x, mask = _layer_case(torch)
    kpm = torch.tensor([[True, False, False], [False, False, False]])
    with torch.no_grad():
        train = layer(x, src_mask=mask, src_key_padding_mask=kpm)
        layer.eval()
        fast = layer(x, src_mask=mask, src_key_padding_mask=kpm)
        keys_only = layer(x, src_key_padding_mask=kpm)  # every query keeps a key: finite
    assert not train.isnan().any()
    assert fast.isnan().any(-1).tolist() == [[True, False, False], [False, False, False]]
    assert _close(fast[1].tolist(), train[1].tolist(), 1e-5)
    assert not keys_only.isnan().any()
    # with gradients wanted PyTorch takes the composite path
    x.requires_grad_(True)
    assert not layer(x, src_mask=mask, src_key_padding_mask=kpm).isnan().any()


def test_encoder_nan_spreads_through_layers(torch):
    layer, x, mask = _layer_case(torch)
    enc = torch.nn.TransformerEncoder(layer, 2, enable_nested_tensor=False).eval()
    kpm = torch.tensor([[True, False, False], [False, False, False]])
    with torch.no_grad():
        out = enc(x, mask=mask, src_key_padding_mask=kpm)
    assert out.isnan().all(-1).tolist() == [[True, True, True], [False, False, False]]


def test_bool_padding_mask_on_meta(torch):
    layer = torch.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, device="meta").eval()
    kpm = torch.zeros(2, 3, dtype=torch.bool, device="meta")
    with torch.no_grad():
        out = layer(torch.randn(2, 3, 8, device="meta"), src_key_padding_mask=kpm)
    assert out.shape == (2, 3, 8) and out.is_meta
