"""Regressions found by running tinygrad's test_ops.py with torchlike standing in for torch
(issue 11): NumPy keyword names, 0-d tensors with ``dim=0``, cumulative max/min/logsumexp,
copysign, shifts, frexp/ldexp/gcd/lcm, and invalid input PyTorch refuses (integer division
by zero, integers to negative powers, a misspelt ``rounding_mode``, mixed-dtype matmuls)."""

import math

import numpy as np
import pytest
from _helpers import assert_close, assert_equal

M = [[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]]


def _m(torch, **kw):
    return torch.tensor(M, **kw)


# ------------------------------------------------------------------ NumPy keyword names
@pytest.mark.parametrize(
    "name, call, expected",
    [
        ("sum", lambda x: x.sum(axis=1), [9.0, 12.0]),
        ("sum_keepdims", lambda x: x.sum(axis=(0, 1), keepdims=True), [[21.0]]),
        ("mean", lambda x: x.mean(axis=0), [2.5, 3.5, 4.5]),
        ("prod", lambda x: x.prod(axis=1), [15.0, 48.0]),
        ("max", lambda x: x.max(axis=1).values, [5.0, 6.0]),
        ("min", lambda x: x.min(axis=0).indices, [0, 1, 0]),
        ("amax", lambda x: x.amax(axis=0), [4.0, 5.0, 6.0]),
        ("argmax", lambda x: x.argmax(axis=1), [1, 2]),
        ("var", lambda x: x.var(axis=1, correction=0), np.var(M, axis=1)),
        ("std", lambda x: x.std(axis=0), np.std(M, axis=0, ddof=1)),
        ("logsumexp", lambda x: x.logsumexp(axis=1), np.log(np.exp(M).sum(1))),
        ("cumsum", lambda x: x.cumsum(axis=1), np.cumsum(M, 1)),
        ("all", lambda x: (x > 1).all(axis=1), [False, True]),
        ("any", lambda x: (x > 5).any(axis=1), [False, True]),
        ("softmax", lambda x: x.softmax(axis=0).sum(0), [1.0, 1.0, 1.0]),
        ("sort", lambda x: x.sort(axis=1).values, np.sort(M, 1)),
    ],
)
def test_numpy_keyword_names(torch, name, call, expected):
    assert_close(call(_m(torch)), expected)


def test_numpy_keyword_names_on_functions(torch):
    x = _m(torch)
    std, mean = torch.std_mean(x, axis=(0, 1))
    assert_close(mean, np.mean(M))
    assert_close(std, np.std(M, ddof=1))
    assert_close(torch.sum(x, axis=0, keepdims=True), [[5.0, 7.0, 9.0]])
    assert_close(torch.cummax(x, axis=1).values, np.maximum.accumulate(M, 1))


# ------------------------------------------------------------------ 0-d tensors with dim=0
@pytest.mark.parametrize(
    "name, call, expected, node",
    [
        ("cumsum", lambda t, x: t.cumsum(x, dim=0), 0.5, "CumsumBackward0"),
        ("cumprod", lambda t, x: t.cumprod(x, dim=-1), 0.5, "CumprodBackward0"),
        ("softmax", lambda t, x: t.nn.Softmax(dim=0)(x), 1.0, "SoftmaxBackward0"),
        ("log_softmax", lambda t, x: x.log_softmax(-1), 0.0, "LogSoftmaxBackward0"),
        ("prod", lambda t, x: x.prod(0), 0.5, "ProdBackward1"),
        ("logsumexp", lambda t, x: t.logsumexp(x, dim=0), 0.5, "LogsumexpBackward0"),
        ("sum", lambda t, x: x.sum(0, keepdim=True), 0.5, "SumBackward1"),
        ("amax", lambda t, x: x.amax(0), 0.5, "AmaxBackward0"),
        ("max", lambda t, x: x.max(0).values, 0.5, "MaxBackward0"),
        ("logcumsumexp", lambda t, x: t.logcumsumexp(x, 0), 0.5, "LogcumsumexpBackward0"),
        ("cummin", lambda t, x: t.cummin(x, 0).values, 0.5, "CumminBackward0"),
    ],
)
def test_zero_dim_with_dim_0(torch, name, call, expected, node):
    x = torch.tensor(0.5, requires_grad=True)
    y = call(torch, x)
    assert y.shape == ()
    assert y.grad_fn.name() == node
    assert_close(y.detach(), expected)
    (g,) = torch.autograd.grad(y, x)
    assert g.shape == ()


def test_zero_dim_bad_dim_still_raises(torch):
    x = torch.tensor(0.5)
    with pytest.raises(IndexError, match="Dimension out of range"):
        x.cumsum(1)
    with pytest.raises(IndexError, match=r"cummax\(\): Expected reduction dim -1 or 0"):
        torch.cummax(x, 1)


# ------------------------------------------------------------------ cummax / cummin / logcumsumexp
def test_cummax_cummin_values_indices_and_ties(torch):
    x = torch.tensor([1.0, 3.0, 3.0, 2.0, 5.0])
    r = torch.cummax(x, 0)
    assert type(r).__name__ == "cummax"
    assert_equal(r.values, [1.0, 3.0, 3.0, 3.0, 5.0])
    assert_equal(r.indices, [0, 1, 2, 2, 4])  # a later equal element wins
    assert r.indices.dtype == torch.int64
    r = x.cummin(0)
    assert_equal(r.values, [1.0, 1.0, 1.0, 1.0, 1.0])
    assert_equal(r.indices, [0, 0, 0, 0, 0])
    assert_equal(torch.cummin(torch.tensor([1, 1, 0, 0]), 0).indices, [0, 1, 2, 3])


def test_cummax_nan_sticks(torch):
    nan = float("nan")
    r = torch.cummax(torch.tensor([1.0, 1.0, nan, 2.0, nan, 3.0]), 0)
    assert_equal(r.indices, [0, 1, 2, 2, 4, 4])
    assert np.isnan(r.values.numpy()[2:]).all()


def test_cummax_gradient_goes_to_the_running_max(torch):
    x = torch.tensor([[1.0, 0.0, 2.0], [0.5, 3.0, 1.0]], requires_grad=True)
    v = torch.cummax(x, 1).values
    assert v.grad_fn.name() == "CummaxBackward0"
    v.sum().backward()
    assert_equal(x.grad, [[2.0, 0.0, 1.0], [1.0, 2.0, 0.0]])


def test_cummax_empty_dim(torch):
    r = torch.cummax(torch.ones(2, 0, 3), 1)
    assert tuple(r.values.shape) == (2, 0, 3)
    assert tuple(r.indices.shape) == (2, 0, 3)


def test_logcumsumexp(torch):
    x = torch.tensor([0.0, 100.0, float("-inf")], requires_grad=True)
    y = torch.logcumsumexp(x, 0)
    assert_close(y.detach(), [0.0, 100.0, 100.0], atol=1e-4)
    (g,) = torch.autograd.grad(y.sum(), x)
    assert_close(g, [1.0, 2.0, 0.0], atol=1e-4)
    with pytest.raises(NotImplementedError, match="logcumsumexp_out_cpu"):
        torch.logcumsumexp(torch.tensor([1, 2]), 0)


# ------------------------------------------------------------------ copysign, shifts, frexp ...
def test_copysign_values_dtype_and_gradient(torch):
    x = torch.tensor([1.0, -2.0, 0.0, 3.0], requires_grad=True)
    y = torch.copysign(x, torch.tensor([-1.0, -1.0, -1.0, 0.0]))
    assert_equal(y.detach(), [-1.0, -2.0, -0.0, 3.0])
    assert y.grad_fn.name() == "CopysignBackward0"
    y.sum().backward()
    assert_equal(x.grad, [-1.0, 1.0, 0.0, 1.0])
    assert torch.copysign(x, -1.0).grad_fn.name() == "CopysignBackward1"
    assert torch.copysign(torch.tensor([1, 2]), -1).dtype == torch.float32


@pytest.mark.parametrize(
    "expr, expected",
    [
        (lambda t, a: a << 2, [4, 8, -32]),
        (lambda t, a: a >> 1, [0, 1, -4]),
        (lambda t, a: a.bitwise_left_shift(t.tensor([1, 2, 0], dtype=t.int32)), [2, 8, -8]),
        (lambda t, a: t.bitwise_right_shift(a, 2), [0, 0, -2]),
        (lambda t, a: 2 << a, [4, 8, 0]),
    ],
)
def test_shifts(torch, expr, expected):
    a = torch.tensor([1, 2, -8], dtype=torch.int32)
    r = expr(torch, a)
    assert r.dtype == torch.int32
    assert_equal(r, expected)


def test_shift_of_float_is_not_implemented(torch):
    with pytest.raises(NotImplementedError, match="\"lshift_cpu\" not implemented for 'Float'"):
        torch.tensor([1.0]) << 1


def test_gcd_lcm(torch):
    a, b = torch.tensor([0, -4, 6, 12]), torch.tensor([0, 6, -4, 18])
    assert_equal(torch.gcd(a, b), [0, 2, 2, 6])
    assert_equal(a.lcm(b), [0, 12, 12, 36])
    with pytest.raises(NotImplementedError, match="gcd_cpu"):
        torch.gcd(torch.tensor([1.0]), torch.tensor([2.0]))


def test_frexp_ldexp(torch):
    x = torch.tensor([0.0, float("inf"), -3.0, 10.0], requires_grad=True)
    r = torch.frexp(x)
    assert type(r).__name__ == "frexp"
    assert_equal(r.mantissa.detach(), [0.0, float("inf"), -0.75, 0.625])
    assert_equal(r.exponent, [0, 0, 2, 4])
    assert r.exponent.dtype == torch.int32
    assert r.mantissa.grad_fn.name() == "FrexpBackward0"
    with pytest.raises(RuntimeError, match=r"torch.frexp\(\) only supports floating-point"):
        torch.frexp(torch.tensor([1]))
    y = torch.ldexp(torch.tensor([1.0, 1.0, 3.0]), torch.tensor([3, -2, 30]))
    assert_equal(y, [8.0, 0.25, 3.0 * 2**30])
    assert torch.ldexp(torch.tensor([1]), torch.tensor([2])).dtype == torch.float32


# ------------------------------------------------------------------ pow gradients at 0 and inf
@pytest.mark.parametrize("c", [-1, 0, 0.3, 1, 2, 1.1])
def test_pow_scalar_gradient_at_zero_and_inf(torch, c):
    # tinygrad's test_pow_const_direct: PyTorch's grad of x ** c at 0 and +-inf
    expected = {
        -1: [-math.inf, -0.0, -0.0],
        0: [0.0, 0.0, 0.0],
        0.3: [math.inf, 0.0, 0.0],
        1: [1.0, 1.0, 1.0],
        2: [0.0, math.inf, -math.inf],
        1.1: [0.0, math.inf, math.inf],
    }[c]
    t = torch.tensor([0.0, math.inf, -math.inf], requires_grad=True)
    (g,) = torch.autograd.grad((t**c).sum(), t)
    np.testing.assert_array_equal(g.numpy(), np.array(expected, dtype=np.float32))


# ------------------------------------------------------------------ invalid input refused
@pytest.mark.parametrize(
    "expr, match",
    [
        (lambda t: t.tensor([1, 2]) // 0, "ZeroDivisionError"),
        (lambda t: t.tensor([1, 2]) % 0, "ZeroDivisionError"),
        (lambda t: t.tensor([5]).div(0, rounding_mode="trunc"), "ZeroDivisionError"),
        (lambda t: t.tensor([2]) ** -1, "Integers to negative integer powers are not allowed."),
        (
            lambda t: t.tensor([-2, 0, 2], dtype=t.int32) ** -2,
            "Integers to negative integer powers are not allowed.",
        ),
        (
            lambda t: t.tensor([5]).div(t.tensor([0]), rounding_mode="typo"),
            "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'typo'",
        ),
    ],
)
def test_invalid_integer_arithmetic(torch, expr, match):
    with pytest.raises(RuntimeError, match=match):
        expr(torch)


def test_float_division_by_zero_is_fine(torch):
    assert_equal(torch.tensor([1.0, -1.0]) // 0, [math.inf, -math.inf])
    assert_equal(torch.tensor([2]) ** 0, [1])


F64 = {"dtype": "float64"}


@pytest.mark.parametrize(
    "expr, message",
    [
        (
            lambda t: t.mm(t.ones(2, 2, dtype=t.long), t.ones(2, 2)),
            "expected m1 and m2 to have the same dtype, but got: long int != float",
        ),
        (
            lambda t: t.ones(2, 2) @ t.ones(2, 2, dtype=t.float64),
            "expected m1 and m2 to have the same dtype, but got: float != double",
        ),
        (
            lambda t: t.ones(2) @ t.ones(2, dtype=t.float64),
            "dot : expected both vectors to have same dtype, but found Float and Double",
        ),
        (
            lambda t: t.ones(2, 2) @ t.ones(2, dtype=t.float64),
            "addmv input tensors must have the same dtype, but got Double, Float, and Double",
        ),
        (
            lambda t: t.ones(2, 2, 2) @ t.ones(2, 2, 2, dtype=t.float64),
            "expected scalar type Float but found Double",
        ),
        (
            lambda t: t.bmm(t.ones(2, 2, 2), t.ones(2, 2, 2, dtype=t.float64)),
            "expected scalar type Float but found Double",
        ),
        (lambda t: t.bmm(t.ones(2, 2), t.ones(2, 2, 2)), "batch1 must be a 3D tensor"),
        (lambda t: t.bmm(t.ones(2, 2, 2), t.ones(2, 2)), "batch2 must be a 3D tensor"),
        (
            lambda t: t.bmm(t.ones(2, 2, 2), t.ones(3, 2, 2)),
            r"Expected size for first two dimensions of batch2 tensor to be: \[2, 2\] but got: "
            r"\[3, 2\].",
        ),
        (
            lambda t: t.dot(t.ones(2, 2), t.ones(2)),
            "1D tensors expected, but got 2D and 1D tensors",
        ),
        (
            lambda t: t.dot(t.ones(2), t.ones(3)),
            r"inconsistent tensor size, expected tensor \[2\] and src \[3\] to have the same "
            "number of elements, but got 2 and 3 elements respectively",
        ),
        (
            lambda t: t.mv(t.ones(2, 2), t.ones(2, 2)),
            "vector \\+ matrix @ vector expected, got 1, 2, 2",
        ),
    ],
)
def test_matmul_family_errors(torch, expr, message):
    with pytest.raises(RuntimeError, match=message):
        expr(torch)


def test_same_dtype_integer_matmul_still_works(torch):
    a = torch.ones(2, 2, dtype=torch.long)
    r = a @ a
    assert r.dtype == torch.int64
    assert_equal(r, [[2, 2], [2, 2]])


@pytest.mark.parametrize(
    "expr, message",
    [
        (
            lambda t: t.ones(4).bitwise_and(t.ones(4)),
            "\"bitwise_and_cpu\" not implemented for 'Float'",
        ),
        (
            lambda t: t.ones(4, dtype=t.float64) | t.ones(4),
            "\"bitwise_or_cpu\" not implemented for 'Double'",
        ),
        (lambda t: t.tensor([1]) ^ 1.5, "\"bitwise_xor_cpu\" not implemented for 'Float'"),
        (lambda t: t.ones(4).bitwise_not(), "\"bitwise_not_cpu\" not implemented for 'Float'"),
    ],
)
def test_bitwise_ops_refuse_floats(torch, expr, message):
    with pytest.raises(NotImplementedError, match=message):
        expr(torch)
    with pytest.raises(TypeError, match=r"~ \(operator.invert\) is only implemented on integer"):
        ~torch.ones(2)
    assert_equal(0x1337 & torch.tensor([1, -8], dtype=torch.int32), [1, 4912])
    assert_equal(~torch.tensor([True, False]), [False, True])


def test_pow_tensor_gradients_at_zero_base(torch):
    # tinygrad's test_pow_zero_tensor / test_pow_const: PowBackward1/2 at base 0
    x = torch.tensor([0.0, 0.0, 0.0, 2.0], requires_grad=True)
    y = torch.tensor([0.0, 0.3, -0.3, -1.0], requires_grad=True)
    gx, gy = torch.autograd.grad((x**y).sum(), [x, y])
    np.testing.assert_array_equal(gx.numpy(), np.array([0.0, math.inf, -math.inf, -0.25], "f4"))
    assert_close(gy, [0.0, 0.0, -math.inf, 0.5 * math.log(2.0)])
    e = torch.tensor([-2.0, -1.0, 0.0, 1.0], requires_grad=True)
    (g,) = torch.autograd.grad((0**e).sum(), e)
    np.testing.assert_array_equal(g.numpy(), np.array([-math.inf, -math.inf, 0.0, 0.0], "f4"))
