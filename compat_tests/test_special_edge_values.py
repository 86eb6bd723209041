"""Special functions at their poles and infinities, and the in-place shift operators (issue 11
leftovers): values checked against torch 2.13 on both backends."""

import math

import pytest

INF, NAN = math.inf, math.nan


def _same(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if math.isnan(w):
            assert math.isnan(g), (got, want)
        else:
            assert g == w and math.copysign(1, g) == math.copysign(1, w), (got, want)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_digamma_at_the_poles_and_infinities(torch, dtype):
    x = torch.tensor([0.0, -0.0, -1.0, -2.0, INF, -INF, NAN], dtype=getattr(torch, dtype))
    # the pole at 0 gives its one-sided limits; the other poles and -inf give nan
    want = [-INF, INF, NAN, NAN, INF, NAN, NAN]
    _same(torch.digamma(x).tolist(), want)
    _same(torch.special.digamma(x).tolist(), want)
    _same(torch.polygamma(0, x).tolist(), want)
    _same(x.clone().digamma_().tolist(), want)


def test_digamma_gradient_at_zero_is_trigamma(torch):
    x = torch.tensor([0.0, -0.0, 1.0, INF], dtype=torch.float64, requires_grad=True)
    torch.digamma(x).sum().backward()
    g = x.grad.tolist()
    _same(g[:2] + g[3:], [INF, INF, 0.0])
    assert g[2] == pytest.approx(math.pi**2 / 6, rel=1e-8)


def test_trigamma_at_infinities(torch):
    x = torch.tensor([INF, -INF, 0.0, -0.0], dtype=torch.float64)
    _same(torch.polygamma(1, x).tolist(), [0.0, NAN, INF, INF])
    # from n = 2 on, PyTorch gives nan at +inf and the pole's value at -inf
    _same(torch.polygamma(2, x).tolist(), [NAN, -INF, -INF, -INF])
    _same(torch.polygamma(3, x).tolist(), [NAN, INF, INF, INF])


@pytest.mark.parametrize("other", [1, "tensor"])
def test_inplace_shifts(torch, other):
    a = torch.tensor([5, 6, -8])
    alias = a
    shift = 1 if other == 1 else torch.tensor([1, 2, 1])
    a <<= shift
    assert a is alias
    assert alias.tolist() == ([10, 12, -16] if other == 1 else [10, 24, -16])
    a >>= shift
    assert a is alias
    assert alias.tolist() == [5, 6, -8]
    b = torch.tensor([5, 6], dtype=torch.uint8)
    b <<= torch.tensor(3)
    assert b.dtype == torch.uint8 and b.tolist() == [40, 48]


def test_inplace_shift_on_float_is_rejected(torch):
    f = torch.tensor([1.5])
    with pytest.raises(NotImplementedError, match="\"lshift_cpu\" not implemented for 'Float'"):
        f <<= 1
    with pytest.raises(NotImplementedError, match="\"rshift_cpu\" not implemented for 'Float'"):
        f >>= 1


def test_igamma_with_infinite_a(torch):
    a = torch.tensor([INF, INF, INF, INF, 2.0, 0.0], dtype=torch.float64)
    x = torch.tensor([0.0, 1.0, INF, -1.0, INF, 1.0], dtype=torch.float64)
    _same(torch.igamma(a, x).tolist(), [0.0, 0.0, NAN, NAN, 1.0, 1.0])
    _same(torch.igammac(a, x).tolist(), [1.0, 1.0, NAN, NAN, 0.0, 0.0])
    _same(torch.special.gammainc(a.float(), x.float()).tolist(), [0.0, 0.0, NAN, NAN, 1.0, 1.0])


@pytest.mark.parametrize("grad", [False, True])
def test_zeta_at_infinite_x_and_at_poles(torch, grad):
    # with grad the call takes the entry whose derivative in x raises: same values
    x = torch.tensor([INF, INF, INF, 2.0, 2.0], dtype=torch.float64, requires_grad=grad)
    q = torch.tensor([0.5, 1.0, 2.0, 0.0, -1.0], dtype=torch.float64)
    _same(torch.special.zeta(x, q).tolist(), [INF, 1.0, NAN, INF, INF])
