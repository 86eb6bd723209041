"""torch.special (and the torch-level polygamma / mvlgamma / igamma / igammac): values against
scipy.special, dtypes, grad-node names, out=, PyTorch's errors, and float64 gradcheck /
gradgradcheck for every differentiable function, driven by one list (an OpInfo-style table)."""

import numpy as np
import pytest
import scipy.special as sp

RNG = np.random.default_rng(0)
REAL = np.concatenate([RNG.uniform(-4, 4, 9), [0.0, 0.5, 30.0]])
UNIT = RNG.uniform(0.05, 0.95, 8)  # (0, 1): logit, ndtri
POS = RNG.uniform(0.3, 6.0, 8)  # (0, inf): gamma family


def _np(t):
    return np.asarray(t.detach().numpy())


def _i0e(x):
    return sp.i0e(x)


def _entr(x):
    return sp.entr(x)


# name, numpy reference, sample domain, extra positional args (before / after the tensor)
UNARY = [
    ("erf", sp.erf, REAL),
    ("erfc", sp.erfc, REAL),
    ("erfcx", sp.erfcx, REAL),
    ("erfinv", sp.erfinv, UNIT * 2 - 1),
    ("expit", sp.expit, REAL),
    ("logit", sp.logit, UNIT),
    ("exp2", np.exp2, REAL),
    ("expm1", np.expm1, REAL),
    ("log1p", np.log1p, POS),
    ("gammaln", sp.gammaln, POS),
    ("digamma", sp.digamma, POS),
    ("psi", sp.psi, POS),
    ("i0", sp.i0, REAL),
    ("i0e", _i0e, REAL),
    ("i1", sp.i1, REAL),
    ("i1e", sp.i1e, REAL),
    ("ndtr", sp.ndtr, REAL),
    ("ndtri", sp.ndtri, UNIT),
    ("log_ndtr", sp.log_ndtr, REAL),
    ("sinc", np.sinc, REAL),
    ("entr", _entr, np.concatenate([POS, [0.0, -1.0]])),
    ("round", np.round, REAL * 3),
    ("bessel_j0", sp.j0, REAL),
    ("bessel_j1", sp.j1, REAL),
    ("spherical_bessel_j0", lambda x: sp.spherical_jn(0, x), REAL),
]


@pytest.mark.parametrize("name,ref,domain", UNARY, ids=[u[0] for u in UNARY])
def test_unary_values_and_dtypes(torch, name, ref, domain):
    fn = getattr(torch.special, name)
    got = fn(torch.tensor(domain))
    assert got.dtype == torch.float64
    np.testing.assert_allclose(_np(got), ref(domain), rtol=1e-8, atol=1e-10)
    got32 = fn(torch.tensor(domain, dtype=torch.float32))
    assert got32.dtype == torch.float32
    np.testing.assert_allclose(_np(got32), ref(domain), rtol=1e-4, atol=1e-5)


def test_integer_inputs_become_float(torch):
    for name in ("erf", "i0e", "i1", "ndtr", "log_ndtr", "entr", "expit", "gammaln"):
        assert getattr(torch.special, name)(torch.tensor([1, 2])).dtype == torch.float32


BINARY = [
    ("xlogy", sp.xlogy, (REAL, np.abs(REAL) + 0.5)),
    ("xlog1py", sp.xlog1py, (REAL, np.abs(REAL))),
    ("zeta", sp.zeta, (POS + 1.0, POS)),
    ("gammainc", sp.gammainc, (POS, POS[::-1].copy())),
    ("gammaincc", sp.gammaincc, (POS, POS[::-1].copy())),
]


@pytest.mark.parametrize("name,ref,domain", BINARY, ids=[b[0] for b in BINARY])
def test_binary_values(torch, name, ref, domain):
    a, b = domain
    got = getattr(torch.special, name)(torch.tensor(a), torch.tensor(b))
    np.testing.assert_allclose(_np(got), ref(a, b), rtol=1e-9, atol=1e-12)


def test_polygamma_multigammaln_and_reductions(torch):
    x = torch.tensor(POS)
    for n in (0, 1, 3):
        np.testing.assert_allclose(
            _np(torch.special.polygamma(n, x)), sp.polygamma(n, POS), rtol=1e-8
        )
        np.testing.assert_allclose(_np(torch.polygamma(n, x)), sp.polygamma(n, POS), rtol=1e-8)
        np.testing.assert_allclose(_np(x.polygamma(n)), sp.polygamma(n, POS), rtol=1e-8)
    np.testing.assert_allclose(
        _np(torch.special.multigammaln(x + 2, 3)), sp.multigammaln(POS + 2, 3), rtol=1e-10
    )
    np.testing.assert_allclose(_np((x + 2).mvlgamma(2)), sp.multigammaln(POS + 2, 2), rtol=1e-10)
    m = torch.tensor(REAL.reshape(3, 4))
    np.testing.assert_allclose(_np(torch.special.softmax(m, 1)), sp.softmax(REAL.reshape(3, 4), 1))
    np.testing.assert_allclose(
        _np(torch.special.log_softmax(m, 0)), sp.log_softmax(REAL.reshape(3, 4), 0)
    )
    np.testing.assert_allclose(
        _np(torch.special.logsumexp(m, 1, keepdim=True)),
        sp.logsumexp(REAL.reshape(3, 4), 1, keepdims=True),
    )
    assert torch.special.softmax(m.float(), 0, dtype=torch.float64).dtype == torch.float64
    np.testing.assert_allclose(_np(torch.special.round(torch.tensor([1.2345]), decimals=2)), [1.23])
    np.testing.assert_allclose(
        _np(torch.special.logit(torch.tensor([0.0, 1.0]), eps=0.25)), sp.logit([0.25, 0.75])
    )


def _t(torch, a, grad=True):
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


# name, call(torch, x) -> tensor, PyTorch's node, the _saved_ attributes PyTorch exposes
NODES = [
    ("erf", lambda t, x: t.special.erf(x), "ErfBackward0"),
    ("erfc", lambda t, x: t.special.erfc(x), "ErfcBackward0"),
    ("erfcx", lambda t, x: t.special.erfcx(x), "SpecialErfcxBackward0"),
    ("erfinv", lambda t, x: t.special.erfinv(x), "ErfinvBackward0"),
    ("expit", lambda t, x: t.special.expit(x), "SigmoidBackward0"),
    ("logit", lambda t, x: t.special.logit(x), "LogitBackward0"),
    ("exp2", lambda t, x: t.special.exp2(x), "Exp2Backward0"),
    ("expm1", lambda t, x: t.special.expm1(x), "Expm1Backward0"),
    ("log1p", lambda t, x: t.special.log1p(x), "Log1PBackward0"),
    ("gammaln", lambda t, x: t.special.gammaln(x), "LgammaBackward0"),
    ("digamma", lambda t, x: t.special.digamma(x), "DigammaBackward0"),
    ("psi", lambda t, x: t.special.psi(x), "DigammaBackward0"),
    ("polygamma", lambda t, x: t.special.polygamma(1, x), "PolygammaBackward0"),
    ("torch.polygamma", lambda t, x: t.polygamma(2, x), "PolygammaBackward0"),
    ("multigammaln", lambda t, x: t.special.multigammaln(x + 2, 2), "MvlgammaBackward0"),
    ("torch.mvlgamma", lambda t, x: t.mvlgamma(x + 2, 3), "MvlgammaBackward0"),
    ("i0", lambda t, x: t.special.i0(x), "I0Backward0"),
    ("i0e", lambda t, x: t.special.i0e(x), "SpecialI0EBackward0"),
    ("i1", lambda t, x: t.special.i1(x), "SpecialI1Backward0"),
    ("i1e", lambda t, x: t.special.i1e(x), "SpecialI1EBackward0"),
    ("ndtr", lambda t, x: t.special.ndtr(x), "MulBackward1"),
    ("ndtri", lambda t, x: t.special.ndtri(x), "SpecialNdtriBackward0"),
    ("log_ndtr", lambda t, x: t.special.log_ndtr(x), "SpecialLogNdtrBackward0"),
    ("sinc", lambda t, x: t.special.sinc(x), "SincBackward0"),
    ("entr", lambda t, x: t.special.entr(x), "SpecialEntrBackward0"),
    ("xlogy", lambda t, x: t.special.xlogy(x, x + 1), "XlogyBackward0"),
    ("xlogy-scalar-self", lambda t, x: t.special.xlogy(2.0, x), "XlogyBackward1"),
    ("xlogy-scalar-other", lambda t, x: t.special.xlogy(x, 2.0), "XlogyBackward2"),
    ("torch.xlogy-scalar-self", lambda t, x: t.xlogy(2.0, x), "XlogyBackward1"),
    ("torch.xlogy-scalar-other", lambda t, x: t.xlogy(x, 2.0), "XlogyBackward2"),
    ("Tensor.xlogy-scalar-other", lambda t, x: x.xlogy(2.0), "XlogyBackward2"),
    ("Tensor.xlogy_-scalar-other", lambda t, x: (x * 1).xlogy_(2.0), "XlogyBackward2"),
    ("xlog1py", lambda t, x: t.special.xlog1py(x, x), "SpecialXlog1PyBackward0"),
    ("xlog1py-scalar-self", lambda t, x: t.special.xlog1py(2.0, x), "SpecialXlog1PyBackward1"),
    ("xlog1py-scalar-other", lambda t, x: t.special.xlog1py(x, 2.0), "SpecialXlog1PyBackward2"),
    (
        "zeta",
        lambda t, x: t.special.zeta(t.tensor([2.5, 3.0], dtype=t.float64), x),
        "SpecialZetaBackward0",
    ),
    (
        "gammainc",
        lambda t, x: t.special.gammainc(t.tensor([1.5, 2.0], dtype=t.float64), x),
        "IgammaBackward0",
    ),
    (
        "gammaincc",
        lambda t, x: t.special.gammaincc(t.tensor([1.5, 2.0], dtype=t.float64), x),
        "IgammacBackward0",
    ),
    (
        "torch.igamma",
        lambda t, x: t.igamma(t.tensor([1.5, 2.0], dtype=t.float64), x),
        "IgammaBackward0",
    ),
    ("softmax", lambda t, x: t.special.softmax(x, 0), "SoftmaxBackward0"),
    ("log_softmax", lambda t, x: t.special.log_softmax(x, 0), "LogSoftmaxBackward0"),
    ("logsumexp", lambda t, x: t.special.logsumexp(x, 0), "LogsumexpBackward0"),
    ("round", lambda t, x: t.special.round(x), "RoundBackward1"),
]
SAMPLE = [0.3, 0.7]


@pytest.mark.parametrize("name,call,node", NODES, ids=[n[0] for n in NODES])
def test_grad_node_names(torch, name, call, node):
    out = call(torch, _t(torch, SAMPLE))
    assert type(out.grad_fn).__name__ == node


def test_saved_attributes(torch):
    x = _t(torch, SAMPLE)
    node = torch.special.polygamma(2, x).grad_fn
    assert node._saved_n == 2 and node._saved_self is x
    node = torch.special.multigammaln(x, 3).grad_fn
    assert node._saved_p == 3 and node._saved_self is x
    node = torch.special.i1e(x).grad_fn
    np.testing.assert_allclose(_np(node._saved_result), sp.i1e(SAMPLE))
    assert node._saved_self is x
    node = torch.special.xlogy(x, 2.0).grad_fn
    assert node._saved_self is x and node._saved_other == 2.0


def test_bessel_functions_of_the_first_kind_have_no_gradient(torch):
    x = _t(torch, SAMPLE)
    for name in ("bessel_j0", "bessel_j1", "spherical_bessel_j0"):
        out = getattr(torch.special, name)(x)
        assert out.grad_fn is None and not out.requires_grad


def test_bessel_far_from_the_origin(torch):
    a = np.array([-250.0, -26.0, 26.0, 80.0, 1e3])
    np.testing.assert_allclose(
        _np(torch.special.bessel_j0(torch.tensor(a))), sp.j0(a), rtol=1e-9, atol=1e-14
    )
    np.testing.assert_allclose(
        _np(torch.special.bessel_j1(torch.tensor(a))), sp.j1(a), rtol=1e-9, atol=1e-14
    )


# name, function of the float64 inputs, inputs (all require grad)
GRAD = [
    ("erf", lambda t, x: t.special.erf(x), REAL[:4]),
    ("erfc", lambda t, x: t.special.erfc(x), REAL[:4]),
    ("erfcx", lambda t, x: t.special.erfcx(x), REAL[:4]),
    ("erfinv", lambda t, x: t.special.erfinv(x), UNIT[:4] - 0.5),
    ("expit", lambda t, x: t.special.expit(x), REAL[:4]),
    ("logit", lambda t, x: t.special.logit(x), UNIT[:4]),
    ("exp2", lambda t, x: t.special.exp2(x), REAL[:4]),
    ("expm1", lambda t, x: t.special.expm1(x), REAL[:4]),
    ("log1p", lambda t, x: t.special.log1p(x), POS[:4]),
    ("gammaln", lambda t, x: t.special.gammaln(x), POS[:4]),
    ("digamma", lambda t, x: t.special.digamma(x), POS[:4]),
    ("polygamma", lambda t, x: t.special.polygamma(2, x), POS[:4]),
    ("multigammaln", lambda t, x: t.special.multigammaln(x + 2, 3), POS[:4]),
    ("i0", lambda t, x: t.special.i0(x), REAL[:4]),
    ("i0e", lambda t, x: t.special.i0e(x), REAL[:4]),
    ("i1", lambda t, x: t.special.i1(x), REAL[:4]),
    ("i1e", lambda t, x: t.special.i1e(x), REAL[:4]),
    ("ndtr", lambda t, x: t.special.ndtr(x), REAL[:4]),
    ("ndtri", lambda t, x: t.special.ndtri(x), UNIT[:4]),
    ("log_ndtr", lambda t, x: t.special.log_ndtr(x), REAL[:4]),
    ("sinc", lambda t, x: t.special.sinc(x), REAL[:4]),
    ("entr", lambda t, x: t.special.entr(x), POS[:4]),
    ("xlogy", lambda t, x, y: t.special.xlogy(x, y), REAL[:4], POS[:4]),
    ("xlog1py", lambda t, x, y: t.special.xlog1py(x, y), REAL[:4], POS[:4]),
    ("xlogy-scalar", lambda t, x: t.special.xlogy(1.5, x), POS[:4]),
    (
        "zeta-other",
        lambda t, q: t.special.zeta(t.tensor([2.5, 3.0, 4.0, 5.5], dtype=t.float64), q),
        POS[:4],
    ),
    ("gammainc-other", lambda t, y: t.special.gammainc(t.tensor(POS[4:]), y), POS[:4]),
    ("gammaincc-other", lambda t, y: t.special.gammaincc(t.tensor(POS[4:]), y), POS[:4]),
    ("softmax", lambda t, x: t.special.softmax(x, 0), REAL[:4]),
    ("log_softmax", lambda t, x: t.special.log_softmax(x, 0), REAL[:4]),
    ("logsumexp", lambda t, x: t.special.logsumexp(x, 0), REAL[:4]),
]


@pytest.mark.parametrize("case", GRAD, ids=[g[0] for g in GRAD])
def test_gradcheck(torch, case):
    name, fn, *inputs = case
    xs = tuple(_t(torch, a) for a in inputs)

    def f(*args):
        return fn(torch, *args)

    assert torch.autograd.gradcheck(f, xs)
    assert torch.autograd.gradgradcheck(f, xs)


@pytest.mark.parametrize(
    "call,what",
    [
        (lambda t, x: t.special.zeta(x + 2, t.tensor([0.5, 1.0], dtype=t.float64)), "zeta"),
        (
            lambda t, x: t.special.gammainc(x, t.tensor([0.5, 1.0], dtype=t.float64)),
            "igamma: input",
        ),
        (lambda t, x: t.igammac(x, t.tensor([0.5, 1.0], dtype=t.float64)), "igammac: input"),
    ],
)
def test_derivatives_pytorch_does_not_implement(torch, call, what):
    out = call(torch, _t(torch, [1.5, 2.5]))
    with pytest.raises(
        NotImplementedError, match=f"the derivative for '{what}' is not implemented."
    ):
        out.sum().backward()


def test_aliases_call_the_same_entry(torch):
    x = _t(torch, POS[:3], grad=False)
    pairs = [
        ("gammaln", "lgamma"),
        ("expit", "sigmoid"),
        ("psi", "digamma"),
        ("i0", "i0"),
        ("erfinv", "erfinv"),
        ("sinc", "sinc"),
    ]
    for special_name, torch_name in pairs:
        a = getattr(torch.special, special_name)(x / 10)
        b = getattr(torch, torch_name)(x / 10)
        assert a.tolist() == b.tolist()
    assert torch.special.gammainc(x, x).tolist() == torch.igamma(x, x).tolist()
    assert torch.special.multigammaln(x + 2, 2).tolist() == torch.mvlgamma(x + 2, 2).tolist()


def test_out_and_in_place_forms(torch):
    x = _t(torch, POS[:3], grad=False)
    out = torch.empty(3, dtype=torch.float64)
    assert torch.special.i1e(x, out=out) is out
    np.testing.assert_allclose(_np(out), sp.i1e(POS[:3]))
    assert torch.special.gammaln(x, out=out) is out
    np.testing.assert_allclose(_np(out), sp.gammaln(POS[:3]))
    assert torch.special.xlog1py(x, x, out=out) is out
    y = x.clone()
    y.polygamma_(1)
    np.testing.assert_allclose(_np(y), sp.polygamma(1, POS[:3]), rtol=1e-8)
    z = x.clone() + 2
    z.mvlgamma_(2)
    np.testing.assert_allclose(_np(z), sp.multigammaln(POS[:3] + 2, 2), rtol=1e-10)
    w = x.clone()
    w.igamma_(x)
    np.testing.assert_allclose(_np(w), sp.gammainc(POS[:3], POS[:3]), rtol=1e-9)
    with pytest.raises(TypeError):
        torch.special.softmax(x, 0, out=out)


def test_errors(torch):
    x = _t(torch, POS[:3], grad=False)
    with pytest.raises(RuntimeError, match=r"polygamma\(n, x\) does not support negative n\."):
        torch.special.polygamma(-1, x)
    with pytest.raises(RuntimeError, match="p has to be greater than or equal to 1"):
        torch.mvlgamma(x + 10, 0)


def test_edge_values(torch):
    # poles, tails and infinities where jax's own functions give nan or overflow
    assert torch.special.polygamma(2, torch.tensor([0.0, -1.0])).tolist() == [-float("inf")] * 2
    assert torch.special.polygamma(3, torch.tensor([-2.0])).tolist() == [float("inf")]
    assert (
        torch.special.zeta(torch.tensor([3.0, 2.0]), torch.tensor([-1.0, 0.0])).tolist()
        == [float("inf")] * 2
    )
    assert torch.special.spherical_bessel_j0(
        torch.tensor([float("inf"), -float("inf")])
    ).tolist() == [0.0, 0.0]
    assert torch.special.ndtr(torch.tensor([-10.0], dtype=torch.float64)).tolist() == [0.0]
    assert torch.special.bessel_j1(torch.tensor([0.0])).tolist() == [0.0]
    np.testing.assert_allclose(
        _np(torch.special.erfcx(torch.tensor([9.5, 10.0, 50.0]))),
        sp.erfcx([9.5, 10.0, 50.0]),
        rtol=1e-6,
    )


def _np_polynomial(name, x, n):
    import numpy.polynomial as P

    shifted = name.startswith("shifted_")
    base = name.replace("shifted_", "")
    if shifted:
        x = 2 * x - 1
    if n < 0:
        return np.zeros_like(x)
    if base.endswith("_t"):
        return P.chebyshev.chebval(x, [0] * n + [1])
    if base.endswith("_u"):
        return np.array([sp.eval_chebyu(n, v) for v in x])
    if base.endswith("_v"):  # V_n(x) = U_n(x) - U_{n-1}(x), W_n(x) = U_n(x) + U_{n-1}(x)
        return sp.eval_chebyu(n, x) - (sp.eval_chebyu(n - 1, x) if n else 0)
    if base.endswith("_w"):
        return sp.eval_chebyu(n, x) + (sp.eval_chebyu(n - 1, x) if n else 0)
    if base == "hermite_polynomial_h":
        return sp.eval_hermite(n, x)
    if base == "hermite_polynomial_he":
        return sp.eval_hermitenorm(n, x)
    if base == "laguerre_polynomial_l":
        return sp.eval_laguerre(n, x)
    return sp.eval_legendre(n, x)


POLYNOMIALS = [
    "chebyshev_polynomial_t",
    "chebyshev_polynomial_u",
    "chebyshev_polynomial_v",
    "chebyshev_polynomial_w",
    "shifted_chebyshev_polynomial_t",
    "shifted_chebyshev_polynomial_u",
    "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w",
    "hermite_polynomial_h",
    "hermite_polynomial_he",
    "laguerre_polynomial_l",
    "legendre_polynomial_p",
]


@pytest.mark.parametrize("name", POLYNOMIALS)
def test_orthogonal_polynomials(torch, name):
    x = np.linspace(-1.2, 1.2, 7)
    fn = getattr(torch.special, name)
    for n in (0, 1, 2, 5, -1):
        np.testing.assert_allclose(
            _np(fn(torch.tensor(x), n)), _np_polynomial(name, x, n), rtol=1e-9, atol=1e-9
        )
    # n as a tensor: each element has its own degree; fractional degrees are truncated
    ns = np.array([0, 1, 2, 3, 4, 5, 6])
    got = _np(fn(torch.tensor(x), torch.tensor(ns)))
    want = [_np_polynomial(name, x[i : i + 1], int(k))[0] for i, k in enumerate(ns)]
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(
        _np(fn(torch.tensor(x), 2.5)), _np_polynomial(name, x, 2), rtol=1e-9, atol=1e-9
    )
    assert fn(torch.tensor([1, 2]), 3).dtype == torch.float32
    out = fn(torch.tensor(x, requires_grad=True), 3)
    assert out.grad_fn is None and not out.requires_grad


def test_modified_bessel_first_kind(torch):
    x = torch.tensor(REAL, requires_grad=True)
    for name, ref in (("modified_bessel_i0", sp.i0), ("modified_bessel_i1", sp.i1)):
        out = getattr(torch.special, name)(x)
        np.testing.assert_allclose(_np(out), ref(REAL), rtol=1e-9)
        assert out.grad_fn is None
