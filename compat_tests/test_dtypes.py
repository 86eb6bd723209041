"""dtypes: inference from Python data, the dtype objects, and PyTorch's type-promotion rules."""

import pytest
from _helpers import assert_equal

ALL_DTYPES = [
    "float64", "float32", "float16", "bfloat16",
    "int8", "int16", "int32", "int64", "uint8", "bool",
]  # fmt: skip

ALIASES = [
    ("float", "float32"),
    ("double", "float64"),
    ("half", "float16"),
    ("long", "int64"),
    ("int", "int32"),
    ("short", "int16"),
]

ITEMSIZE = {
    "float64": 8, "float32": 4, "float16": 2, "bfloat16": 2,
    "int8": 1, "int16": 2, "int32": 4, "int64": 8, "uint8": 1, "bool": 1,
}  # fmt: skip

FLOATING = {"float64", "float32", "float16", "bfloat16"}


def dt(torch, name):
    return getattr(torch, name)


# ---------------------------------------------------------------------------- dtype objects


@pytest.mark.parametrize("name", ALL_DTYPES)
def test_dtype_exists_and_reprs(torch, name):
    d = dt(torch, name)
    assert repr(d) == f"torch.{name}"
    assert str(d) == f"torch.{name}"


@pytest.mark.parametrize("alias,name", ALIASES)
def test_dtype_aliases(torch, alias, name):
    assert dt(torch, alias) == dt(torch, name)
    assert dt(torch, alias) is dt(torch, name)


@pytest.mark.parametrize("name", ALL_DTYPES)
def test_dtype_is_floating_point(torch, name):
    assert dt(torch, name).is_floating_point is (name in FLOATING)


@pytest.mark.parametrize("name", ALL_DTYPES)
def test_dtype_itemsize(torch, name):
    assert dt(torch, name).itemsize == ITEMSIZE[name]


@pytest.mark.parametrize("name", ALL_DTYPES)
def test_dtype_is_signed(torch, name):
    assert dt(torch, name).is_signed is (name not in ("uint8", "bool"))


def test_dtypes_are_distinct_and_hashable(torch):
    objs = [dt(torch, n) for n in ALL_DTYPES]
    assert len(set(objs)) == len(ALL_DTYPES)
    assert torch.float32 != torch.float64
    assert {torch.float32: 1}[torch.float] == 1


@pytest.mark.parametrize("name", ALL_DTYPES)
def test_tensor_is_floating_point(torch, name):
    x = torch.tensor([0, 1], dtype=dt(torch, name))
    assert x.dtype == dt(torch, name)
    assert x.is_floating_point() is (name in FLOATING)
    assert torch.is_floating_point(x) is (name in FLOATING)
    assert x.element_size() == ITEMSIZE[name]


# ---------------------------------------------------------------------------- inference


@pytest.mark.parametrize(
    "data,expected",
    [
        ([1.0, 2.0], "float32"),
        ([1.5], "float32"),
        (1.0, "float32"),
        ([1, 2, 3], "int64"),
        (7, "int64"),
        ([True, False], "bool"),
        (True, "bool"),
        ([1, 2.0], "float32"),
        ([True, 1], "int64"),
        ([True, 1.5], "float32"),
        ([[1, 2], [3, 4]], "int64"),
        ([[1.0, 2], [3, 4]], "float32"),
        ([], "float32"),
    ],
)
def test_tensor_dtype_inference(torch, data, expected):
    assert torch.tensor(data).dtype == dt(torch, expected)


def test_default_dtype_is_float32(torch):
    assert torch.get_default_dtype() == torch.float32
    assert torch.zeros(2).dtype == torch.float32
    assert torch.ones(2).dtype == torch.float32
    assert torch.arange(0.0, 1.0, 0.5).dtype == torch.float32
    assert torch.linspace(0, 1, 3).dtype == torch.float32


def test_set_default_dtype(torch):
    old = torch.get_default_dtype()
    try:
        torch.set_default_dtype(torch.float64)
        assert torch.get_default_dtype() == torch.float64
        assert torch.tensor([1.5]).dtype == torch.float64
        assert torch.zeros(2).dtype == torch.float64
        assert torch.ones(1).dtype == torch.float64
        assert torch.tensor([1, 2]).dtype == torch.int64
        assert (torch.tensor([1, 2]) / 2).dtype == torch.float64
        assert (torch.tensor([1, 2]) * 0.5).dtype == torch.float64
        assert torch.linspace(0, 1, 3).dtype == torch.float64
    finally:
        torch.set_default_dtype(old)
    assert torch.get_default_dtype() == torch.float32
    assert torch.tensor([1.5]).dtype == torch.float32


def test_set_default_dtype_rejects_integer(torch):
    with pytest.raises(TypeError):
        torch.set_default_dtype(torch.int64)
    assert torch.get_default_dtype() == torch.float32


# ---------------------------------------------------------------------------- promotion

# (left dtype, left kind, right dtype or python value, right kind, result dtype)
# kind: "t" = 1-d tensor, "0" = 0-d tensor, "py" = python scalar (right only).
PROMOTION = [
    ("int32", "t", 2.5, "py", "float32"),
    ("int32", "t", 2, "py", "int32"),
    ("int32", "t", True, "py", "int32"),
    ("int8", "t", 1000, "py", "int8"),
    ("uint8", "t", 2, "py", "uint8"),
    ("uint8", "t", 2.5, "py", "float32"),
    ("int64", "t", 2.5, "py", "float32"),
    ("float16", "t", 2.5, "py", "float16"),
    ("bfloat16", "t", 2, "py", "bfloat16"),
    ("float64", "t", 2.5, "py", "float64"),
    ("bool", "t", True, "py", "bool"),
    ("bool", "t", 2, "py", "int64"),
    ("bool", "t", 2.5, "py", "float32"),
    ("int32", "t", "float64", "0", "float64"),
    ("int32", "t", "int64", "0", "int32"),
    ("float32", "t", "float64", "0", "float32"),
    ("float16", "t", "float64", "0", "float16"),
    ("uint8", "t", "int64", "0", "uint8"),
    ("bool", "t", "int64", "0", "int64"),
    ("bool", "t", "float64", "0", "float64"),
    ("int32", "0", "float16", "0", "float16"),
    ("int32", "0", "int64", "0", "int64"),
    ("float32", "0", "float64", "0", "float64"),
    ("int32", "t", "int64", "t", "int64"),
    ("uint8", "t", "int8", "t", "int16"),
    ("uint8", "t", "int16", "t", "int16"),
    ("uint8", "t", "bool", "t", "uint8"),
    ("int8", "t", "int16", "t", "int16"),
    ("float16", "t", "bfloat16", "t", "float32"),
    ("float16", "t", "float32", "t", "float32"),
    ("bfloat16", "t", "float64", "t", "float64"),
    ("int64", "t", "float16", "t", "float16"),
    ("int64", "t", "bfloat16", "t", "bfloat16"),
    ("int32", "t", "float32", "t", "float32"),
    ("bool", "t", "bool", "t", "bool"),
    ("bool", "t", "int8", "t", "int8"),
    ("bool", "t", "float16", "t", "float16"),
    ("float32", "t", "float64", "t", "float64"),
    ("int16", "t", "int32", "t", "int32"),
]


def _operand(torch, value, kind):
    if kind == "py":
        return value
    t = torch.tensor([1, 0], dtype=dt(torch, value))
    return t if kind == "t" else t[0]


def _case_id(case):
    return "-".join(str(c) for c in case)


@pytest.mark.parametrize("case", PROMOTION, ids=_case_id)
def test_add_result_dtype(torch, case):
    a_dt, a_kind, b, b_kind, expected = case
    a = _operand(torch, a_dt, a_kind)
    b = _operand(torch, b, b_kind)
    assert (a + b).dtype == dt(torch, expected)
    assert (b + a).dtype == dt(torch, expected)
    assert torch.result_type(a, b) == dt(torch, expected)


@pytest.mark.parametrize("case", [c for c in PROMOTION if c[1] == c[3] == "t"], ids=_case_id)
def test_promote_types(torch, case):
    a, _, b, _, expected = case
    assert torch.promote_types(dt(torch, a), dt(torch, b)) == dt(torch, expected)
    assert torch.promote_types(dt(torch, b), dt(torch, a)) == dt(torch, expected)


@pytest.mark.parametrize("op", ["mul", "sub", "maximum"])
def test_other_binary_ops_promote_like_add(torch, op):
    f = getattr(torch, op)
    a = torch.tensor([1, 2], dtype=torch.int32)
    assert f(a, torch.tensor([1.0, 2.0], dtype=torch.float16)).dtype == torch.float16
    assert f(a, torch.tensor([1, 2], dtype=torch.int64)).dtype == torch.int64
    assert f(a, torch.tensor(3.0, dtype=torch.float64)).dtype == torch.float64


def test_int8_overflow_wraps(torch):
    y = torch.tensor([1], dtype=torch.int8) + 1000
    assert y.dtype == torch.int8
    assert_equal(y, [-23])  # (1 + 1000) mod 256 = 233 -> -23


def test_uint8_underflow_wraps(torch):
    y = torch.tensor([1], dtype=torch.uint8) - 2
    assert y.dtype == torch.uint8
    assert_equal(y, [255])


def test_bool_plus_true_is_logical_or(torch):
    y = torch.tensor([True, False]) + True
    assert y.dtype == torch.bool
    assert_equal(y, [True, True])


def test_true_division_of_ints_is_float(torch):
    y = torch.tensor([1, 3, -3]) / torch.tensor([2, 2, 2])
    assert y.dtype == torch.float32
    assert_equal(y, [0.5, 1.5, -1.5])
    assert (torch.tensor([4]) / 2).dtype == torch.float32
    assert (torch.tensor([4], dtype=torch.int8) / torch.tensor([2], dtype=torch.int8)).dtype == (
        torch.float32
    )
    assert (torch.tensor([1.0], dtype=torch.float64) / 2).dtype == torch.float64
    assert (torch.tensor([4], dtype=torch.float16) / 2).dtype == torch.float16


def test_floor_division_and_remainder_of_ints(torch):
    a = torch.tensor([7, -7, 7, -7])
    b = torch.tensor([2, 2, -2, -2])
    q = a // b
    r = a % b
    assert q.dtype == torch.int64 and r.dtype == torch.int64
    assert_equal(q, [3, -4, -4, 3])  # floor, like Python
    assert_equal(r, [1, 1, -1, -1])  # sign of the divisor, like Python
    assert (torch.tensor([7], dtype=torch.int32) // 2).dtype == torch.int32
    assert (torch.tensor([7], dtype=torch.int32) // 2.0).dtype == torch.float32


def test_int_pow(torch):
    x = torch.tensor([1, 2, 3])
    assert (x**2).dtype == torch.int64
    assert_equal(x**2, [1, 4, 9])
    assert (x**0.5).dtype == torch.float32
    assert (2**x).dtype == torch.int64
    assert (2.0**x).dtype == torch.float32


@pytest.mark.parametrize("op", ["eq", "ne", "lt", "le", "gt", "ge"])
@pytest.mark.parametrize("other", [1, 1.5, "tensor"])
def test_comparisons_are_bool(torch, op, other):
    x = torch.tensor([0, 1, 2], dtype=torch.int32)
    o = torch.tensor([1.0, 1.0, 1.0]) if other == "tensor" else other
    y = getattr(torch, op)(x, o)
    assert y.dtype == torch.bool
    assert getattr(x, op)(o).dtype == torch.bool


def test_logical_ops_are_bool(torch):
    a = torch.tensor([0, 1, 2])
    b = torch.tensor([0.0, 0.0, 1.0])
    assert torch.logical_and(a, b).dtype == torch.bool
    assert torch.logical_or(a, b).dtype == torch.bool
    assert torch.logical_not(a).dtype == torch.bool
    assert torch.logical_xor(a, b).dtype == torch.bool
    assert_equal(torch.logical_and(a, b), [False, False, True])


def test_bitwise_ops_on_bool_stay_bool(torch):
    a = torch.tensor([True, True, False])
    b = torch.tensor([True, False, False])
    assert (a & b).dtype == torch.bool
    assert_equal(a & b, [True, False, False])
    assert_equal(a | b, [True, True, False])
    assert_equal(a ^ b, [False, True, False])
    assert_equal(~a, [False, False, True])


def test_reductions_dtypes(torch):
    i = torch.tensor([1, 2, 3], dtype=torch.int32)
    b = torch.tensor([True, True, False])
    assert i.sum().dtype == torch.int64  # integer sums accumulate in int64
    assert b.sum().dtype == torch.int64
    assert_equal(b.sum(), 2)
    assert i.prod().dtype == torch.int64
    assert i.max().dtype == torch.int32
    assert i.argmax().dtype == torch.int64
    assert torch.tensor([1.0], dtype=torch.float16).sum().dtype == torch.float16
    assert i.float().mean().dtype == torch.float32


def test_mean_of_int_raises(torch):
    with pytest.raises(RuntimeError, match="mean"):
        torch.tensor([1, 2]).mean()


@pytest.mark.parametrize(
    "frm,to,expected",
    [
        ("float32", "int32", False),
        ("int32", "float32", True),
        ("int64", "int8", True),
        ("float64", "float16", True),
        ("bool", "uint8", True),
        ("int32", "bool", False),
        ("float32", "bool", False),
        ("int8", "uint8", True),
    ],
)
def test_can_cast(torch, frm, to, expected):
    assert torch.can_cast(dt(torch, frm), dt(torch, to)) is expected


@pytest.mark.parametrize("name", ALL_DTYPES)
def test_to_dtype_roundtrip(torch, name):
    x = torch.tensor([0, 1, 2]).to(dt(torch, name))
    assert x.dtype == dt(torch, name)
    expected = [False, True, True] if name == "bool" else [0, 1, 2]
    assert_equal(x, expected)


def test_float_to_int_truncates_towards_zero(torch):
    x = torch.tensor([1.7, -1.7, 2.5, -0.5])
    assert_equal(x.long(), [1, -1, 2, 0])
    assert_equal(x.int(), [1, -1, 2, 0])
    assert_equal(x.to(torch.int8), [1, -1, 2, 0])
    assert_equal(x.bool(), [True, True, True, True])


def test_finfo_iinfo(torch):
    assert torch.finfo(torch.float32).eps == pytest.approx(2**-23)
    assert torch.finfo(torch.float16).max == 65504.0
    assert torch.finfo(torch.bfloat16).eps == pytest.approx(2**-7)
    assert torch.finfo().eps == pytest.approx(2**-23)
    assert torch.iinfo(torch.int8).min == -128
    assert torch.iinfo(torch.int8).max == 127
    assert torch.iinfo(torch.uint8).max == 255
    assert torch.iinfo(torch.int64).max == 2**63 - 1
    assert torch.finfo(torch.float64).bits == 64
