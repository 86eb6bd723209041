"""Statistics ops (nan-aware reductions, quantiles, mode, aminmax, cov/corrcoef, histograms,
trapezoid/gradient, renorm, combinatorics, broadcasting helpers, diag_embed, conjugation names of
real tensors): values against NumPy/SciPy, PyTorch's grad-node names, PyTorch's errors, and float64
gradcheck / gradgradcheck for every differentiable one, driven by one list (an OpInfo-style table).
"""

import itertools

import numpy as np
import pytest
import scipy.integrate

RNG = np.random.default_rng(7)
A = RNG.standard_normal((3, 5))
A[0, 1] = np.nan  # a NaN for the nan-aware ops
B = RNG.standard_normal((4, 6))
COORDS = np.array([0.0, 1.0, 3.0, 4.0])
_trapz = getattr(np, "trapezoid", None) or np.trapz  # NumPy 2 renamed it
X6 = np.array([0.0, 1.0, 3.0, 4.0, 7.0, 8.0])


def _np(t):
    return np.asarray(t.detach().numpy())


def _first(r):
    return r[0] if isinstance(r, tuple) else r


def _mode_ref(x, axis):
    x = np.moveaxis(x, axis, -1)
    vals, idxs = [], []
    for row in x.reshape(-1, x.shape[-1]):
        uniq, counts = np.unique(row, return_counts=True)
        v = uniq[counts == counts.max()].min()  # the smallest of the most frequent
        vals.append(v)
        idxs.append(np.flatnonzero(row == v).max())  # its last position
    return np.array(vals).reshape(x.shape[:-1]), np.array(idxs).reshape(x.shape[:-1])


def _renorm_ref(x, p, dim, maxnorm):
    axes = tuple(i for i in range(x.ndim) if i != dim)
    norms = np.sum(np.abs(x) ** p, axis=axes, keepdims=True) ** (1 / p)
    return x * np.where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)


def _diag_embed_ref(x, offset, dim1, dim2):
    n = x.shape[-1] + abs(offset)
    out = np.zeros(x.shape[:-1] + (n, n))
    for i in range(x.shape[-1]):
        r, c = (i, i + offset) if offset >= 0 else (i - offset, i)
        out[..., r, c] = x[..., i]
    return np.moveaxis(out, (-2, -1), (dim1, dim2))


# id, torchlike/torch call on (torch, a, b), NumPy reference on (A, B), PyTorch's top grad node
# (None: no graph), differentiable w.r.t. b (gradcheck)
CASES = [
    ("nansum", lambda t, a, b: t.nansum(a), lambda a, b: np.nansum(a), "NansumBackward0", False),
    (
        "nansum_dim",
        lambda t, a, b: t.nansum(a, 1, keepdim=True),
        lambda a, b: np.nansum(a, 1, keepdims=True),
        "NansumBackward0",
        False,
    ),
    ("nansum_b", lambda t, a, b: b.nansum(0), lambda a, b: b.sum(0), "NansumBackward0", True),
    ("nanmean", lambda t, a, b: t.nanmean(a, 1), lambda a, b: np.nanmean(a, 1), "DivBackward0", 0),
    ("nanmean_b", lambda t, a, b: b.nanmean(), lambda a, b: b.mean(), "DivBackward0", True),
    (
        "nanmedian",
        lambda t, a, b: t.nanmedian(a),
        # PyTorch's median of an even count is the lower middle value
        lambda a, b: np.sort(a[~np.isnan(a)])[(np.sum(~np.isnan(a)) - 1) // 2],
        "NanmedianBackward0",
        False,
    ),
    (
        "nanmedian_dim",
        lambda t, a, b: t.nanmedian(a, 1).values,
        lambda a, b: np.array(
            [np.sort(r[~np.isnan(r)])[(np.sum(~np.isnan(r)) - 1) // 2] for r in a]
        ),
        "NanmedianBackward1",
        False,
    ),
    (
        "nanmedian_b",
        lambda t, a, b: b.nanmedian(0)[0],
        lambda a, b: np.sort(b, 0)[1],
        "NanmedianBackward1",
        True,
    ),
    (
        "quantile",
        lambda t, a, b: t.quantile(b, 0.3),
        lambda a, b: np.quantile(b, 0.3),
        "SqueezeBackward4",
        True,
    ),
    (
        "quantile_q_dim",
        lambda t, a, b: t.quantile(
            b, t.tensor([0.1, 0.5, 1.0], dtype=t.float64), dim=1, keepdim=True
        ),
        lambda a, b: np.quantile(b, [0.1, 0.5, 1.0], axis=1, keepdims=True),
        "SqueezeBackward4",
        True,
    ),
    (
        "quantile_nan",
        lambda t, a, b: t.quantile(a, 0.4, dim=1),
        lambda a, b: np.quantile(a, 0.4, axis=1),
        "SqueezeBackward4",
        False,
    ),
    (
        "nanquantile",
        lambda t, a, b: t.nanquantile(a, t.tensor([0.25, 0.75], dtype=t.float64), dim=1),
        lambda a, b: np.nanquantile(a, [0.25, 0.75], axis=1),
        "SqueezeBackward4",
        False,
    ),
    *[
        (
            f"quantile_{m}",
            lambda t, a, b, m=m: t.quantile(b, 0.35, dim=0, interpolation=m),
            lambda a, b, m=m: np.quantile(b, 0.35, axis=0, method=m),
            "SqueezeBackward4",
            True,
        )
        for m in ("lower", "higher", "midpoint", "nearest")
    ],
    (
        "mode",
        lambda t, a, b: t.mode(t.tensor([[3.0, 1, 1, 3, 2], [2, 2, 5, 5, 1]], dtype=t.float64), 1)[
            0
        ],
        lambda a, b: _mode_ref(np.array([[3.0, 1, 1, 3, 2], [2, 2, 5, 5, 1]]), 1)[0],
        None,
        False,
    ),
    (
        "mode_indices",
        lambda t, a, b: t.mode(t.tensor([[3, 1, 1, 3, 2], [2, 2, 5, 5, 1]]), 1).indices,
        lambda a, b: _mode_ref(np.array([[3, 1, 1, 3, 2], [2, 2, 5, 5, 1]]), 1)[1],
        None,
        False,
    ),
    (
        "mode_grad",
        lambda t, a, b: (b * 0).mode(0).values,
        lambda a, b: np.zeros(6),
        "ModeBackward0",
        True,
    ),
    (
        "aminmax_min",
        lambda t, a, b: t.aminmax(b, dim=1).min,
        lambda a, b: b.min(1),
        "AminmaxBackward0",
        True,
    ),
    (
        "aminmax_max",
        lambda t, a, b: b.aminmax().max,
        lambda a, b: b.max(),
        "AminmaxBackward0",
        True,
    ),
    ("cov", lambda t, a, b: t.cov(b), lambda a, b: np.cov(b), "SqueezeBackward0", True),
    (
        "cov_weights",
        lambda t, a, b: b.cov(
            correction=0,
            fweights=t.tensor([1, 2, 1, 1, 3, 1]),
            aweights=t.tensor([0.5, 1, 1, 2, 1, 1], dtype=t.float64),
        ),
        lambda a, b: np.cov(b, ddof=0, fweights=[1, 2, 1, 1, 3, 1], aweights=[0.5, 1, 1, 2, 1, 1]),
        "SqueezeBackward0",
        True,
    ),
    ("cov_1d", lambda t, a, b: t.cov(b[0]), lambda a, b: np.cov(b[0]), "SqueezeBackward0", True),
    (
        "corrcoef",
        lambda t, a, b: t.corrcoef(b),
        lambda a, b: np.corrcoef(b),
        "ClampBackward1",
        True,
    ),
    ("trapezoid", lambda t, a, b: t.trapezoid(b), lambda a, b: _trapz(b), "MulBackward1", True),
    (
        "trapezoid_x",
        lambda t, a, b: t.trapezoid(b, t.tensor(X6)),
        lambda a, b: _trapz(b, X6),
        "DivBackward1",
        True,
    ),
    (
        "trapezoid_dx",
        lambda t, a, b: t.trapezoid(b, dx=0.5, dim=0),
        lambda a, b: _trapz(b, dx=0.5, axis=0),
        "MulBackward1",
        True,
    ),
    (
        "trapz",
        lambda t, a, b: t.trapz(b, dx=2.0),
        lambda a, b: _trapz(b, dx=2.0),
        "MulBackward1",
        True,
    ),
    (
        "cumulative_trapezoid",
        lambda t, a, b: t.cumulative_trapezoid(b),
        lambda a, b: scipy.integrate.cumulative_trapezoid(b),
        "CumsumBackward0",
        True,
    ),
    (
        "cumulative_trapezoid_x",
        lambda t, a, b: t.cumulative_trapezoid(b, t.tensor(X6)),
        lambda a, b: scipy.integrate.cumulative_trapezoid(b, X6),
        "DivBackward1",
        True,
    ),
    (
        "gradient",
        lambda t, a, b: t.gradient(b)[1],
        lambda a, b: np.gradient(b)[1],
        "CatBackward0",
        True,
    ),
    (
        "gradient_edge2",
        lambda t, a, b: t.gradient(b, spacing=2.0, edge_order=2, dim=1)[0],
        lambda a, b: np.gradient(b, 2.0, edge_order=2, axis=1),
        "CatBackward0",
        True,
    ),
    *[
        (
            f"gradient_coords_edge{e}",
            lambda t, a, b, e=e: t.gradient(b, spacing=(t.tensor(COORDS),), dim=0, edge_order=e)[0],
            lambda a, b, e=e: np.gradient(b, COORDS, axis=0, edge_order=e),
            "CatBackward0",
            True,
        )
        for e in (1, 2)
    ],
    (
        "renorm",
        lambda t, a, b: t.renorm(b, 2, 0, 1.5),
        lambda a, b: _renorm_ref(b, 2, 0, 1.5),
        "RenormBackward0",
        True,
    ),
    (
        "renorm_p1",
        lambda t, a, b: b.renorm(1, 1, 1.0),
        lambda a, b: _renorm_ref(b, 1, 1, 1.0),
        "RenormBackward0",
        True,
    ),
    (
        "cartesian_prod",
        lambda t, a, b: t.cartesian_prod(b[0, :3], b[1, :2]),
        lambda a, b: np.array(list(itertools.product(b[0, :3], b[1, :2]))),
        "StackBackward0",
        True,
    ),
    (
        "combinations",
        lambda t, a, b: t.combinations(b[0], 3),
        lambda a, b: np.array(list(itertools.combinations(b[0], 3))),
        "StackBackward0",
        True,
    ),
    (
        "combinations_with_replacement",
        lambda t, a, b: t.combinations(b[0, :3], with_replacement=True),
        lambda a, b: np.array(list(itertools.combinations_with_replacement(b[0, :3], 2))),
        "StackBackward0",
        True,
    ),
    (
        "broadcast_tensors",
        lambda t, a, b: t.broadcast_tensors(b, b[0])[1],
        lambda a, b: np.broadcast_to(b[0], b.shape),
        "ExpandBackward0",
        True,
    ),
    (
        "diag_embed",
        lambda t, a, b: t.diag_embed(b, offset=1, dim1=0, dim2=2),
        lambda a, b: _diag_embed_ref(b, 1, 0, 2),
        "DiagEmbedBackward0",
        True,
    ),
    (
        "diag_embed_negative_offset",
        lambda t, a, b: b.diag_embed(-2),
        lambda a, b: _diag_embed_ref(b, -2, -2, -1),
        "DiagEmbedBackward0",
        True,
    ),
    (
        "histc",
        lambda t, a, b: t.histc(b.detach(), bins=5, min=-1, max=1),
        lambda a, b: np.histogram(b, bins=5, range=(-1, 1))[0].astype(float),
        None,
        False,
    ),
    (
        "histogram",
        lambda t, a, b: t.histogram(b.detach(), bins=4).hist,
        lambda a, b: np.histogram(b, bins=4)[0].astype(float),
        None,
        False,
    ),
    (
        "histogram_edges",
        lambda t, a, b: t.histogram(b.detach(), bins=4).bin_edges,
        lambda a, b: np.histogram(b, bins=4)[1],
        None,
        False,
    ),
    (
        "histogram_weighted_density",
        lambda t, a, b: t.histogram(
            b.detach(),
            bins=t.tensor([-1.0, 0, 0.5, 2], dtype=t.float64),
            weight=b.detach().abs(),
            density=True,
        )[0],
        lambda a, b: np.histogram(b, bins=[-1.0, 0, 0.5, 2], weights=np.abs(b), density=True)[0],
        None,
        False,
    ),
]
IDS = [c[0] for c in CASES]


def _inputs(torch):
    return (
        torch.tensor(A, requires_grad=True),
        torch.tensor(B, requires_grad=True),
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_values_and_node(torch, case):
    _, fn, ref, node, _ = case
    a, b = _inputs(torch)
    got = _first(fn(torch, a, b))
    want = np.asarray(ref(A, B))
    np.testing.assert_allclose(_np(got), want, rtol=1e-10, atol=1e-12, equal_nan=True)
    assert tuple(got.shape) == want.shape
    assert (got.grad_fn.name() if got.grad_fn is not None else None) == node


@pytest.mark.parametrize("case", [c for c in CASES if c[4]], ids=[c[0] for c in CASES if c[4]])
def test_gradcheck(torch, case):
    _, fn, _, _, _ = case

    def f(b):
        return _first(fn(torch, None, b))

    b = torch.tensor(B, requires_grad=True)
    assert torch.autograd.gradcheck(f, (b,))
    assert torch.autograd.gradgradcheck(f, (b,))


def test_float32_histc_bins_as_pytorch(torch):
    # the bin of each element is int((x - min) * bins / (max - min)) in float32
    x = torch.tensor([0.1, 0.2, 0.3, 0.7, 0.9, 1.0, 0.0], dtype=torch.float32)
    h = torch.histc(x, bins=10, min=0, max=1)
    assert h.dtype == torch.float32
    pos = np.floor((_np(x) - np.float32(0)) * np.float32(10) / np.float32(1)).astype(int)
    assert _np(h).tolist() == np.bincount(np.minimum(pos, 9), minlength=10).tolist()
    # the range from the data, widened by one when every value is equal
    assert _np(torch.histc(torch.tensor([1.0, 1.0, 1.0]), bins=4)).tolist() == [0, 0, 3, 0]


def test_named_tuples_and_reprs(torch):
    r = torch.aminmax(torch.tensor([[1.0, 5.0], [3.0, -2.0]]), dim=0)
    assert type(r).__name__ == "aminmax" and r.min.tolist() == [1.0, -2.0] and r[1] is r.max
    assert repr(r).startswith("torch.return_types.aminmax(\nmin=tensor(")
    m = torch.mode(torch.tensor([1, 2, 2, 3]))
    assert type(m).__name__ == "mode" and m.values.item() == 2 and m.indices.item() == 2
    h = torch.histogram(torch.arange(4.0), bins=2)
    assert type(h).__name__ == "histogram" and h.hist is h[0] and h.bin_edges is h[1]
    assert type(torch.nanmedian(torch.ones(2, 2), 0)).__name__ == "nanmedian"


def test_unique_consecutive(torch):
    x = torch.tensor([1, 1, 2, 2, 3, 1, 1, 2])
    values, inverse, counts = torch.unique_consecutive(x, return_inverse=True, return_counts=True)
    assert values.tolist() == [1, 2, 3, 1, 2]
    assert inverse.tolist() == [0, 0, 1, 1, 2, 3, 3, 4]
    assert counts.tolist() == [2, 2, 1, 2, 1]
    m = torch.tensor([[1, 1], [1, 1], [2, 0], [2, 0], [1, 1]])
    v, c = m.unique_consecutive(dim=0, return_counts=True)
    assert v.tolist() == [[1, 1], [2, 0], [1, 1]] and c.tolist() == [2, 2, 1]


def test_broadcast_shapes(torch):
    assert torch.broadcast_shapes((2,), (3, 1), (1, 1, 1)) == torch.Size([1, 3, 2])
    assert torch.broadcast_shapes(3, (2, 1)) == torch.Size([2, 3])
    assert torch.broadcast_shapes() == torch.Size([])
    assert tuple(torch.broadcast_shapes((5, 1, 4), (3, 1))) == np.broadcast_shapes(
        (5, 1, 4), (3, 1)
    )


def test_broadcast_tensors_keeps_tensors_of_the_common_shape(torch):
    x = torch.ones(3, 4, requires_grad=True)
    a, b = torch.broadcast_tensors(x, torch.ones(4))
    assert a is x and b.shape == (3, 4)


def test_real_tensors_conjugation_names(torch):
    x = torch.tensor([1.0, -2.0], requires_grad=True)
    assert x.conj() is x and torch.conj(x) is x and x.real is x and torch.real(x) is x
    assert x.resolve_conj() is x and x.resolve_neg() is x and not x.is_conj()
    with pytest.raises(
        RuntimeError, match="imag is not implemented for tensors with non-complex dtypes."
    ):
        _ = x.imag


def test_complex_real_imag_values(torch):
    z = torch.tensor([1 + 2j, -3 - 0.5j])
    assert torch.real(z).tolist() == [1.0, -3.0] and z.imag.tolist() == [2.0, -0.5]
    assert z.real.dtype == torch.float32


ERRORS = [
    (
        lambda t: t.quantile(t.ones(3), 1.5),
        RuntimeError,
        "quantile() q must be in the range [0, 1] but got 1.5",
    ),
    (
        lambda t: t.quantile(t.tensor([1, 2]), 0.5),
        RuntimeError,
        "quantile() input tensor must be either float or double dtype",
    ),
    (
        lambda t: t.quantile(t.ones(3), 0.5, interpolation="bad"),
        RuntimeError,
        "quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but got bad",
    ),
    (
        lambda t: t.quantile(t.ones(3), t.tensor([[0.5]])),
        RuntimeError,
        "quantile() q must be a scalar or 1D tensor",
    ),
    (
        lambda t: t.quantile(t.tensor([]), 0.5),
        RuntimeError,
        "quantile() input tensor must be non-empty",
    ),
    (
        lambda t: t.quantile(t.ones(3), t.tensor([0.5], dtype=t.float64)),
        RuntimeError,
        "quantile() q tensor must be same dtype as the input tensor",
    ),
    (
        lambda t: t.nanquantile(t.ones(3), t.tensor([1.5])),
        RuntimeError,
        "quantile() q values must be in the range [0, 1]",
    ),
    (
        lambda t: t.nanmean(t.ones(3, dtype=t.long)),
        RuntimeError,
        "nanmean(): expected input to have floating point or complex dtype but got Long",
    ),
    (
        lambda t: t.mode(t.zeros(2, 0), 1),
        IndexError,
        "mode(): Expected reduction dim 1 to have non-zero size.",
    ),
    (
        lambda t: t.aminmax(t.zeros(2, 0), dim=1),
        IndexError,
        "aminmax: Expected reduction dim 1 to have non-zero size.",
    ),
    (
        lambda t: t.aminmax(t.tensor([])),
        RuntimeError,
        "aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity.",
    ),
    (
        lambda t: t.nanmedian(t.zeros(2, 0), 1),
        IndexError,
        "median(): Expected reduction dim 1 to have non-zero size.",
    ),
    (
        lambda t: t.renorm(t.ones(3), 2, 0, 1),
        RuntimeError,
        "renorm: input needs at least 2 dimensions, got 1 dimensions",
    ),
    (
        lambda t: t.renorm(t.ones(3, 2), -1, 0, 1),
        RuntimeError,
        "renorm: non-positive-norm not supported",
    ),
    (
        lambda t: t.renorm(t.ones(3, 2), 2, 0, -1.0),
        RuntimeError,
        "renorm: expected maxnorm to be >= 0 but got -1",
    ),
    (
        lambda t: t.cartesian_prod(t.ones(2, 2)),
        RuntimeError,
        "Expect a 1D vector, but got shape [2, 2]",
    ),
    (
        lambda t: t.combinations(t.ones(3), r=-1),
        RuntimeError,
        "Expect a non-negative number, but got -1",
    ),
    (
        lambda t: t.diag_embed(t.ones(3), dim1=0, dim2=0),
        RuntimeError,
        "diagonal dimensions cannot be identical 0, 0",
    ),
    (
        lambda t: t.trapezoid(t.ones(3), dx=True),
        RuntimeError,
        "trapezoid: Currently, we only support dx as a real number.",
    ),
    (
        lambda t: t.trapezoid(t.ones(3), t.ones(2)),
        RuntimeError,
        "trapezoid: There must be one `x` value for each sample point",
    ),
    (
        lambda t: t.histc(t.ones(3, dtype=t.long)),
        NotImplementedError,
        "\"histogram_cpu\" not implemented for 'Long'",
    ),
    (
        lambda t: t.histc(t.ones(3), bins=0),
        RuntimeError,
        "torch.histogram(): bins must be > 0, but got 0 for dimension 0",
    ),
    (
        lambda t: t.histc(t.ones(3), min=3, max=1),
        RuntimeError,
        "torch.histc: max must be larger than min",
    ),
    (
        lambda t: t.histc(t.tensor([1.0, float("inf")])),
        RuntimeError,
        "torch.histc: range of [1, inf] is not finite",
    ),
    (
        lambda t: t.histogram(t.tensor([1, 2]), bins=2),
        NotImplementedError,
        "\"histogramdd\" not implemented for 'Long'",
    ),
    (
        lambda t: t.gradient(t.ones(3), edge_order=3),
        RuntimeError,
        "torch.gradient only supports edge_order=1 and edge_order=2.",
    ),
    (
        lambda t: t.gradient(t.ones(2), edge_order=2),
        RuntimeError,
        "torch.gradient expected each dimension size to be at least edge_order+1",
    ),
    (
        lambda t: t.gradient(t.ones(3), spacing=[1.0, 2.0]),
        RuntimeError,
        "torch.gradient expected spacing to be unspecified, a scalar, or a list of length equal to 'self.dim() = 1', since dim argument was not given, but got a list of length 2",
    ),
    (
        lambda t: t.broadcast_shapes((3,), (4,)),
        RuntimeError,
        "Attempting to broadcast a dimension of length 4 at -1! Mismatching argument at index 1 had (4,); but expected shape should be broadcastable to [3]",
    ),
    (
        lambda t: t.broadcast_shapes((-1,)),
        ValueError,
        "Attempting to broadcast a dimension with negative length!",
    ),
    (
        lambda t: t.broadcast_tensors(t.ones(3), t.ones(2)),
        RuntimeError,
        "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0",
    ),
    (
        lambda t: t.cov(t.ones(2, 2, 2)),
        RuntimeError,
        "cov(): expected input to have two or fewer dimensions but got an input with 3 dimensions",
    ),
    (
        lambda t: t.cov(t.ones(2, 3), fweights=t.ones(3)),
        RuntimeError,
        "cov(): expected fweights to have integral dtype but got fweights with Float dtype",
    ),
    (
        lambda t: t.cov(t.ones(2, 3), aweights=t.ones(2)),
        RuntimeError,
        "cov(): expected aweights to have the same numel as there are observations in the input but got 2 != 3",
    ),
    (
        lambda t: t.cov(t.ones(2, 3), fweights=t.tensor([1, -1, 1])),
        RuntimeError,
        "cov(): fweights cannot be negative",
    ),
    (
        lambda t: t.cov(t.ones(2, 3), aweights=t.zeros(3)),
        RuntimeError,
        "cov(): weights sum to zero, can't be normalized",
    ),
    (
        lambda t: t.corrcoef(t.ones(2, 2, 2)),
        RuntimeError,
        "corrcoef(): expected input to have two or fewer dimensions but got an input with 3 dimensions",
    ),
]


@pytest.mark.parametrize("case", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors(torch, case):
    fn, exc, msg = case
    with pytest.raises(exc) as info:
        fn(torch)
    assert str(info.value) == msg


def test_cov_warns_on_no_degrees_of_freedom(torch):
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        c = torch.cov(torch.tensor([[1.0], [2.0]]))
    assert np.isnan(_np(c)).all() or np.isinf(_np(c)).any()


def test_out_forms(torch):
    b = torch.tensor(B)
    out = torch.empty(0, dtype=torch.float64)
    torch.quantile(b, 0.5, dim=1, out=out)
    np.testing.assert_allclose(_np(out), np.quantile(B, 0.5, axis=1))
    out2 = torch.empty(0, dtype=torch.float64)
    torch.nansum(b, 0, out=out2)
    np.testing.assert_allclose(_np(out2), B.sum(0))
    h = torch.empty(3)
    torch.histc(torch.tensor([0.0, 0.5, 1.0]), bins=3, out=h)
    assert _np(h).tolist() == [1.0, 1.0, 1.0]
