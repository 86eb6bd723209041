"""The Tensor parameters of binary ops (and where, lerp, masked_fill, matmul, dot, mm,
addcmul/addcdiv, clamp/clip, copy_, expand_as) take what PyTorch's argument parser takes: a Tensor, a Python or
NumPy number only where PyTorch's signature says Number (or, for add, sub, mul and div and their
aliases, where it takes numbers as tensors), never a NumPy array, a list or another object
(``torch.add(t, ndarray)`` computed before; PyTorch refuses it).  The tensor lists of cat, stack,
hstack, vstack and einsum hold Tensors only.  Operators are not
affected (``t + ndarray`` keeps NumPy's fallback).  Each expected text is PyTorch 2.13's."""

import numpy as np
import pytest

WRONG = [
    (
        "torch.add(t, np.ones(3))",
        "add(): argument 'other' (position 2) must be Tensor, not numpy.ndarray",
    ),
    ("t.add(np.ones(3))", "add(): argument 'other' (position 1) must be Tensor, not numpy.ndarray"),
    ("t.add_([1.0, 2.0, 3.0])", "add_(): argument 'other' (position 1) must be Tensor, not list"),
    (
        "torch.add(np.ones(3), t)",
        "add(): argument 'input' (position 1) must be Tensor, not numpy.ndarray",
    ),
    ("torch.add(t, other=np.ones(3))", "add(): argument 'other' must be Tensor, not numpy.ndarray"),
    (
        "torch.add(t)",
        "add() received an invalid combination of arguments - got (Tensor), but expected (Tensor input, Tensor other, *, Number alpha = 1, Tensor out = None)",
    ),
    (
        "t.sub()",
        "sub() received an invalid combination of arguments - got (), but expected (Tensor other, *, Number alpha = 1)",
    ),
    ("torch.mul(t, 'a')", "mul(): argument 'other' (position 2) must be Tensor, not str"),
    ("torch.mul(t, None)", "mul(): argument 'other' (position 2) must be Tensor, not NoneType"),
    (
        "torch.div(t, t, rounding_mode=1)",
        "div() received an invalid combination of arguments - got (Tensor, Tensor, rounding_mode=int), but expected one of:\n * (Tensor input, Tensor other, *, Tensor out = None)\n * (Tensor input, Tensor other, *, str rounding_mode, Tensor out = None)\n * (Tensor input, Number other, *, str rounding_mode)\n",
    ),
    (
        "t.div(t, t)",
        "div() received an invalid combination of arguments - got (Tensor, Tensor), but expected one of:\n * (Tensor other)\n * (Tensor other, *, str rounding_mode)\n * (Number other, *, str rounding_mode)\n",
    ),
    ("torch.maximum(t, 2)", "maximum(): argument 'other' (position 2) must be Tensor, not int"),
    ("t.minimum(2.5)", "minimum(): argument 'other' (position 1) must be Tensor, not float"),
    ("torch.atan2(t, True)", "atan2(): argument 'other' (position 2) must be Tensor, not bool"),
    (
        "torch.hypot(np.ones(3), t)",
        "hypot(): argument 'input' (position 1) must be Tensor, not numpy.ndarray",
    ),
    (
        "t.logical_and_(Odd())",
        "logical_and_(): argument 'other' (position 1) must be Tensor, not Odd",
    ),
    (
        "torch.heaviside(t, 0.5)",
        "heaviside(): argument 'values' (position 2) must be Tensor, not float",
    ),
    ("torch.fmax(t, [1.0])", "fmax(): argument 'other' (position 2) must be Tensor, not list"),
    (
        "torch.eq(t, np.ones(3))",
        "eq() received an invalid combination of arguments - got (Tensor, numpy.ndarray), but expected one of:\n * (Tensor input, Tensor other, *, Tensor out = None)\n * (Tensor input, Number other, *, Tensor out = None)\n",
    ),
    (
        "t.eq([1.0, 2.0, 3.0])",
        "eq() received an invalid combination of arguments - got (list), but expected one of:\n * (Tensor other)\n      didn't match because some of the arguments have invalid types: (!list of [float, float, float]!)\n * (Number other)\n      didn't match because some of the arguments have invalid types: (!list of [float, float, float]!)\n",
    ),
    (
        "t.lt_(Odd())",
        "lt_() received an invalid combination of arguments - got (Odd), but expected one of:\n * (Tensor other)\n      didn't match because some of the arguments have invalid types: (!Odd!)\n * (Number other)\n      didn't match because some of the arguments have invalid types: (!Odd!)\n",
    ),
    (
        "torch.greater(t, 'a')",
        "greater() received an invalid combination of arguments - got (Tensor, str), but expected one of:\n * (Tensor input, Tensor other, *, Tensor out = None)\n * (Tensor input, Number other, *, Tensor out = None)\n",
    ),
    (
        "torch.pow(t, np.ones(3))",
        "pow() received an invalid combination of arguments - got (Tensor, numpy.ndarray), but expected one of:\n * (Tensor input, Tensor exponent, *, Tensor out = None)\n * (Number self, Tensor exponent, *, Tensor out = None)\n * (Tensor input, Number exponent, *, Tensor out = None)\n",
    ),
    (
        "t.pow(Odd())",
        "pow() received an invalid combination of arguments - got (Odd), but expected one of:\n * (Tensor exponent)\n      didn't match because some of the arguments have invalid types: (!Odd!)\n * (Number exponent)\n      didn't match because some of the arguments have invalid types: (!Odd!)\n",
    ),
    (
        "torch.remainder(np.ones(3), t)",
        "remainder() received an invalid combination of arguments - got (numpy.ndarray, Tensor), but expected one of:\n * (Tensor input, Tensor other, *, Tensor out = None)\n * (Number self, Tensor other)\n      didn't match because some of the arguments have invalid types: (!numpy.ndarray!, Tensor)\n * (Tensor input, Number other, *, Tensor out = None)\n",
    ),
    (
        "t.remainder(Odd())",
        "remainder() received an invalid combination of arguments - got (Odd), but expected one of:\n * (Tensor other)\n      didn't match because some of the arguments have invalid types: (!Odd!)\n * (Number other)\n      didn't match because some of the arguments have invalid types: (!Odd!)\n",
    ),
    (
        "torch.floor_divide(t, Odd())",
        "floor_divide() received an invalid combination of arguments - got (Tensor, Odd), but expected one of:\n * (Tensor input, Tensor other, *, Tensor out = None)\n * (Tensor input, Number other)\n      didn't match because some of the arguments have invalid types: (Tensor, !Odd!)\n",
    ),
    ("torch.multiply(t, 2, alpha=2)", "multiply() got an unexpected keyword argument 'alpha'"),
    (
        "torch.subtract(t, Odd())",
        "subtract() received an invalid combination of arguments - got (Tensor, Odd), but expected one of:\n * (Tensor input, Tensor other, *, Number alpha = 1, Tensor out = None)\n * (Tensor input, Number other, Number alpha = 1)\n",
    ),
    (
        "torch.divide(t, Odd())",
        "divide() received an invalid combination of arguments - got (Tensor, Odd), but expected one of:\n * (Tensor input, Tensor other, *, Tensor out = None)\n * (Tensor input, Tensor other, *, str rounding_mode, Tensor out = None)\n * (Tensor input, Number other)\n      didn't match because some of the arguments have invalid types: (Tensor, !Odd!)\n * (Tensor input, Number other, *, str rounding_mode)\n",
    ),
    (
        "torch.xlogy(2, np.ones(3))",
        "xlogy() received an invalid combination of arguments - got (int, numpy.ndarray), but expected one of:\n * (Tensor input, Tensor other, *, Tensor out = None)\n * (Number self, Tensor other, *, Tensor out = None)\n * (Tensor input, Number other, *, Tensor out = None)\n",
    ),
    (
        "torch.bitwise_and(t, Odd())",
        "bitwise_and() received an invalid combination of arguments - got (Tensor, Odd), but expected one of:\n * (Tensor input, Tensor other, *, Tensor out = None)\n * (Number self, Tensor other)\n      didn't match because some of the arguments have invalid types: (!Tensor!, !Odd!)\n * (Tensor input, Number other, *, Tensor out = None)\n",
    ),
    (
        "torch.rsub(t, Odd())",
        "rsub() received an invalid combination of arguments - got (Tensor, Odd), but expected one of:\n * (Tensor input, Tensor other, *, Number alpha = 1)\n * (Tensor input, Number other, Number alpha = 1)\n",
    ),
    (
        "torch.rsub(t, 2, alpha=Odd())",
        "rsub() received an invalid combination of arguments - got (Tensor, int, alpha=Odd), but expected one of:\n * (Tensor input, Tensor other, *, Number alpha = 1)\n * (Tensor input, Number other, Number alpha = 1)\n      didn't match because some of the keywords were incorrect: alpha\n",
    ),
    (
        "torch.dist(t, np.ones(3))",
        "dist(): argument 'other' (position 2) must be Tensor, not numpy.ndarray",
    ),
    ("torch.dist(t, t, Odd())", "dist(): argument 'p' (position 3) must be Number, not Odd"),
    ("torch.polar(t, 2.0)", "polar(): argument 'angle' (position 2) must be Tensor, not float"),
    (
        "torch.complex(np.ones(3), t)",
        "complex(): argument 'real' (position 1) must be Tensor, not numpy.ndarray",
    ),
    ("torch.isclose(t, 1.0)", "isclose(): argument 'other' (position 2) must be Tensor, not float"),
    ("torch.isclose(t, t, rtol=Odd())", "isclose(): argument 'rtol' must be float, not Odd"),
    (
        "torch.copysign(t, Odd())",
        "copysign() received an invalid combination of arguments - got (Tensor, Odd), but expected one of:\n * (Tensor input, Tensor other, *, Tensor out = None)\n * (Tensor input, Number other, *, Tensor out = None)\n",
    ),
    (
        "torch.fmod(t, other=Odd())",
        "fmod() received an invalid combination of arguments - got (Tensor, other=Odd), but expected one of:\n * (Tensor input, Tensor other, *, Tensor out = None)\n * (Tensor input, Number other, *, Tensor out = None)\n",
    ),
    (
        "torch.cat([t, np.ones(3)])",
        "expected Tensor as element 1 in argument 0, but got numpy.ndarray",
    ),
    ("torch.cat(t)", "cat(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor"),
    (
        "torch.cat(x for x in [t])",
        "cat(): argument 'tensors' (position 1) must be tuple of Tensors, not generator",
    ),
    (
        "torch.concat((np.ones(3), t))",
        "expected Tensor as element 0 in argument 0, but got numpy.ndarray",
    ),
    ("torch.stack([t, None])", "expected Tensor as element 1 in argument 0, but got NoneType"),
    (
        "torch.hstack([t, np.ones(3)])",
        "expected Tensor as element 1 in argument 0, but got numpy.ndarray",
    ),
    ("torch.vstack([t, 2.0])", "expected Tensor as element 1 in argument 0, but got float"),
    (
        "torch.einsum('i,i->', t, np.ones(3))",
        "expected Tensor as element 1 in argument 1, but got numpy.ndarray",
    ),
    ("torch.einsum('i,i->', [t, 2])", "expected Tensor as element 1 in argument 1, but got int"),
    (
        "torch.where(t > 0, t, np.ones(3))",
        "where() received an invalid combination of arguments - got (Tensor, Tensor, numpy.ndarray), but expected one of:\n * (Tensor condition)\n * (Tensor condition, Tensor input, Tensor other, *, Tensor out = None)\n * (Tensor condition, Number self, Tensor other)\n      didn't match because some of the arguments have invalid types: (Tensor, !Tensor!, !numpy.ndarray!)\n * (Tensor condition, Tensor input, Number other)\n      didn't match because some of the arguments have invalid types: (Tensor, Tensor, !numpy.ndarray!)\n * (Tensor condition, Number self, Number other)\n      didn't match because some of the arguments have invalid types: (Tensor, !Tensor!, !numpy.ndarray!)\n",
    ),
    (
        "torch.where(t > 0, Odd(), t)",
        "where() received an invalid combination of arguments - got (Tensor, Odd, Tensor), but expected one of:\n * (Tensor condition)\n * (Tensor condition, Tensor input, Tensor other, *, Tensor out = None)\n * (Tensor condition, Number self, Tensor other)\n      didn't match because some of the arguments have invalid types: (Tensor, !Odd!, Tensor)\n * (Tensor condition, Tensor input, Number other)\n      didn't match because some of the arguments have invalid types: (Tensor, !Odd!, !Tensor!)\n * (Tensor condition, Number self, Number other)\n      didn't match because some of the arguments have invalid types: (Tensor, !Odd!, !Tensor!)\n",
    ),
    (
        "torch.lerp(t, np.ones(3), 0.5)",
        "lerp() received an invalid combination of arguments - got (Tensor, numpy.ndarray, float), but expected one of:\n * (Tensor input, Tensor end, Tensor weight, *, Tensor out = None)\n * (Tensor input, Tensor end, Number weight, *, Tensor out = None)\n",
    ),
    (
        "t.lerp(Odd(), 0.5)",
        "lerp() received an invalid combination of arguments - got (Odd, float), but expected one of:\n * (Tensor end, Tensor weight)\n      didn't match because some of the arguments have invalid types: (!Odd!, !float!)\n * (Tensor end, Number weight)\n      didn't match because some of the arguments have invalid types: (!Odd!, !float!)\n",
    ),
    (
        "torch.masked_fill(t, np.ones(3) > 0, 1.0)",
        "masked_fill() received an invalid combination of arguments - got (Tensor, numpy.ndarray, float), but expected one of:\n * (Tensor input, Tensor mask, Tensor value)\n      didn't match because some of the arguments have invalid types: (Tensor, !numpy.ndarray!, !float!)\n * (Tensor input, Tensor mask, Number value)\n      didn't match because some of the arguments have invalid types: (Tensor, !numpy.ndarray!, !float!)\n",
    ),
    (
        "t.masked_fill_(Odd(), 1.0)",
        "masked_fill_() received an invalid combination of arguments - got (Odd, float), but expected one of:\n * (Tensor mask, Tensor value)\n      didn't match because some of the arguments have invalid types: (!Odd!, !float!)\n * (Tensor mask, Number value)\n      didn't match because some of the arguments have invalid types: (!Odd!, !float!)\n",
    ),
    (
        "torch.matmul(t, np.ones(3))",
        "matmul(): argument 'other' (position 2) must be Tensor, not numpy.ndarray",
    ),
    ("torch.matmul(t)", 'matmul() missing 1 required positional arguments: "other"'),
    (
        "torch.dot(t, np.ones(3))",
        "dot(): argument 'tensor' (position 2) must be Tensor, not numpy.ndarray",
    ),
    (
        "torch.mm(t, t, t)",
        "mm() received an invalid combination of arguments - got (Tensor, Tensor, Tensor), but expected one of:\n * (Tensor input, Tensor mat2, *, Tensor out = None)\n * (Tensor input, Tensor mat2, torch.dtype out_dtype, *, Tensor out = None)\n",
    ),
    (
        "t.expand_as(np.ones(3))",
        "expand_as(): argument 'other' (position 1) must be Tensor, not numpy.ndarray",
    ),
    (
        "torch.addcmul(t)",
        "addcmul() received an invalid combination of arguments - got (Tensor), but expected (Tensor input, Tensor tensor1, Tensor tensor2, *, Number value = 1, Tensor out = None)",
    ),
    (
        "torch.addcmul(t, t, np.ones(3))",
        "addcmul(): argument 'tensor2' (position 3) must be Tensor, not numpy.ndarray",
    ),
    ("t.addcdiv_(t, Odd())", "addcdiv_(): argument 'tensor2' (position 2) must be Tensor, not Odd"),
    (
        "torch.clamp(t, np.ones(3))",
        "clamp() received an invalid combination of arguments - got (Tensor, numpy.ndarray), but expected one of:\n * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n",
    ),
    (
        "torch.clamp(t, max=np.ones(3))",
        "clamp() received an invalid combination of arguments - got (Tensor, max=numpy.ndarray), but expected one of:\n * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n",
    ),
    (
        "t.clamp(None, np.ones(3))",
        "clamp() received an invalid combination of arguments - got (NoneType, numpy.ndarray), but expected one of:\n * (Tensor min = None, Tensor max = None)\n      didn't match because some of the arguments have invalid types: (!NoneType!, !numpy.ndarray!)\n * (Number min = None, Number max = None)\n      didn't match because some of the arguments have invalid types: (!NoneType!, !numpy.ndarray!)\n",
    ),
    (
        "t.clamp_(np.ones(3))",
        "clamp_() received an invalid combination of arguments - got (numpy.ndarray), but expected one of:\n * (Tensor min = None, Tensor max = None)\n * (Number min = None, Number max = None)\n",
    ),
    (
        "torch.clip(t, np.ones(3))",
        "clip() received an invalid combination of arguments - got (Tensor, numpy.ndarray), but expected one of:\n * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n",
    ),
    (
        "t.clamp(min=[1.0])",
        "clamp() received an invalid combination of arguments - got (min=list, ), but expected one of:\n * (Tensor min = None, Tensor max = None)\n * (Number min = None, Number max = None)\n",
    ),
    (
        "torch.clamp(t, t, np.ones(3))",
        "clamp() received an invalid combination of arguments - got (Tensor, Tensor, numpy.ndarray), but expected one of:\n * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n",
    ),
    (
        "t.clamp(t, 1.0)",
        "clamp() received an invalid combination of arguments - got (Tensor, float), but expected one of:\n * (Tensor min = None, Tensor max = None)\n      didn't match because some of the arguments have invalid types: (!Tensor!, !float!)\n * (Number min = None, Number max = None)\n      didn't match because some of the arguments have invalid types: (!Tensor!, !float!)\n",
    ),
    (
        "torch.clamp(t, t, 1.0)",
        "clamp() received an invalid combination of arguments - got (Tensor, Tensor, float), but expected one of:\n * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n",
    ),
    (
        "t.copy_(np.ones(3))",
        "copy_(): argument 'other' (position 1) must be Tensor, not numpy.ndarray",
    ),
    ("t.copy_([1.0, 2.0, 3.0])", "copy_(): argument 'other' (position 1) must be Tensor, not list"),
    ("t.copy_(t, non_blocking=1)", "copy_(): argument 'non_blocking' must be bool, not int"),
]
RIGHT = [
    ("torch.add(2, t)", [3], "float32"),
    ("torch.add(t, True)", [3], "float32"),
    ("torch.sub(t, np.float32(2))", [3], "float32"),
    ("torch.mul(2.5, t)", [3], "float32"),
    ("torch.div(2, t)", [3], "float32"),
    ("torch.div(t, 2, rounding_mode=None)", [3], "float32"),
    ("torch.div(t, 2, rounding_mode='floor')", [3], "float32"),
    ("torch.multiply(2, t)", [3], "float32"),
    ("torch.subtract(2, t)", [3], "float32"),
    ("torch.true_divide(2, t)", [3], "float32"),
    ("torch.floor_divide(2, t)", [3], "float32"),
    ("torch.divide(2, t)", [3], "float32"),
    ("torch.eq(t, np.float32(1))", [3], "bool"),
    ("torch.pow(2, t)", [3], "float32"),
    ("t.pow(2)", [3], "float32"),
    ("torch.xlogy(t, np.float32(2))", [3], "float32"),
    ("torch.xlogy(2, t)", [3], "float32"),
    ("torch.remainder(5, t)", [3], "float32"),
    ("t.eq_(1)", [3], "float32"),
    ("t.add_(1, alpha=2)", [3], "float32"),
    ("torch.isclose(t, t, 1, 0)", [3], "bool"),
    ("torch.cat((t, t))", [6], "float32"),
    ("torch.stack([t, t], 1)", [3, 2], "float32"),
    ("torch.where(t > 0, t, 2.0)", [3], "float32"),
    ("torch.where(t > 0, 1.0, 0.0)", [3], "float32"),
    ("torch.lerp(t, t, 0.5)", [3], "float32"),
    ("t.masked_fill(t > 0, 2)", [3], "float32"),
    ("torch.einsum('i,i->', [t, t])", [], "float32"),
    ("torch.addcmul(t, t, t, value=2)", [3], "float32"),
    ("torch.clamp(t, torch.tensor(0.5), 1.0)", [3], "float32"),
    ("torch.clamp(t, 0.5, torch.tensor(1.0))", [3], "float32"),
    ("torch.clamp(t, np.float32(0.5))", [3], "float32"),
    ("t.clamp(min=torch.tensor(0.5))", [3], "float32"),
    ("t.copy_(2.0)", [3], "float32"),
    ("t.copy_(t, True)", [3], "float32"),
    ("torch.dist(t, t, 1)", [], "float32"),
    ("torch.maximum(t, torch.tensor(2.0))", [3], "float32"),
    ("t.fmod(torch.tensor(2.0))", [3], "float32"),
]


class Odd:
    pass


def _context(torch):
    return {"torch": torch, "t": torch.ones(3), "np": np, "Odd": Odd}


@pytest.mark.parametrize("call, message", WRONG, ids=[c for c, _ in WRONG])
def test_wrong_operand_message(torch, call, message):
    with pytest.raises(TypeError) as info:
        eval(call, _context(torch))
    assert str(info.value) == message


@pytest.mark.parametrize("call, shape, dtype", RIGHT, ids=[c for c, _, _ in RIGHT])
def test_accepted_operands(torch, call, shape, dtype):
    r = eval(call, _context(torch))
    assert list(r.shape) == shape and r.dtype == getattr(torch, dtype)


def test_operators_keep_numpy_operands(torch):
    t = torch.ones(3)
    a = np.full(3, 2.0, np.float32)
    assert (t + a).tolist() == [3.0, 3.0, 3.0]
    assert (t * a).tolist() == [2.0, 2.0, 2.0]


def test_a_refused_call_changes_nothing(torch):
    t = torch.ones(3)
    with pytest.raises(TypeError):
        t.add_(np.ones(3))
    assert t.tolist() == [1.0, 1.0, 1.0] and t._version == 0


def test_clamp_takes_a_0d_tensor_bound_beside_a_number(torch):
    # PyTorch's Number overload reads a 0-d tensor's value; a mix with a longer tensor is refused
    t = torch.arange(3.0)
    assert torch.clamp(t, torch.tensor(0.5), 1.0).tolist() == [0.5, 1.0, 1.0]
    assert t.clamp(0.5, torch.tensor(1.5)).tolist() == [0.5, 1.0, 1.5]
    with pytest.raises(TypeError, match="invalid combination"):
        torch.clamp(t, torch.full((3,), 0.5), 1.0)


# ------------------------------------------------------------------ kernels by dtype
@pytest.mark.parametrize("name", ["hypot", "logaddexp", "igamma", "igammac"])
@pytest.mark.parametrize("dtype, word", [("int64", "Long"), ("bool", "Bool"), ("uint8", "Byte")])
def test_floating_only_kernels_refuse_integer_operands(torch, name, dtype, word):
    a = torch.ones(3, dtype=getattr(torch, dtype))
    with pytest.raises(NotImplementedError) as info:
        getattr(torch, name)(a, a)
    assert str(info.value) == f"\"{name}_cpu\" not implemented for '{word}'"
    assert getattr(torch, name)(a, torch.ones(3)).dtype == torch.float32  # a float side: float


def test_dist_of_integers_is_refused_by_norm(torch):
    i = torch.ones(3, dtype=torch.int64)
    with pytest.raises(RuntimeError) as info:
        torch.dist(i, i)
    assert str(info.value) == (
        "norm(): input dtype should be either floating point or complex. Got Long instead."
    )
    assert torch.dist(i, torch.zeros(3)).item() == pytest.approx(3**0.5)


def test_float_power_computes_in_double_or_complex_double(torch):
    z = torch.tensor([1 + 1j])
    assert torch.float_power(z, 2).dtype == torch.complex128
    assert torch.float_power(z, 2).tolist() == [2j]  # PyTorch's x * x for the exponent 2
    assert torch.float_power(2, z).dtype == torch.complex128
    assert torch.float_power(torch.ones(2), 2j).dtype == torch.complex128
    assert torch.float_power(2, torch.ones(2, dtype=torch.int64)).dtype == torch.float64
    for base, exponent, have, need in [
        (torch.ones(2), 2, "Float", "Double"),
        (torch.ones(2, dtype=torch.float64), 2j, "Double", "ComplexDouble"),
        (torch.ones(2, dtype=torch.complex64), 2, "ComplexFloat", "ComplexDouble"),
    ]:
        with pytest.raises(RuntimeError) as info:
            base.float_power_(exponent)
        assert str(info.value) == (
            f"the base given to float_power_ has dtype {have} but the operation's result "
            f"requires dtype {need}"
        )
    d = torch.full((2,), 3.0, dtype=torch.float64)
    assert d.float_power_(2).tolist() == [9.0, 9.0] and d.dtype == torch.float64


def test_complex_pow_takes_pytorchs_special_exponents(torch):
    z = torch.tensor([1 + 1j, -0.5 + 2j], dtype=torch.complex128)
    assert (z**2).tolist() == [2j, -3.75 - 2j]  # multiplied, not exp(2 log z)
    assert (z**3).tolist() == [-2 + 2j, 5.875 - 6.5j]
    assert (z**-1).tolist() == [0.5 - 0.5j, (-0.11764705882352941 - 0.47058823529411764j)]
    w = torch.tensor([1 + 1j, -0.5 + 2j], requires_grad=True)
    (w**2).real.sum().backward()
    assert w.grad.tolist() == [2 - 2j, -1 - 4j]  # 2 * w.pow(1), and pow(1) is w itself


# ------------------------------------------------------------------ one-operand functions
_UNARY = (
    *("exp", "log", "sin", "abs", "absolute", "sqrt", "relu", "sigmoid", "tanh", "floor"),
    *("erf", "sign", "reciprocal", "ceil", "trunc", "expm1", "log1p", "rsqrt", "isnan"),
)


@pytest.mark.parametrize("name", _UNARY)
@pytest.mark.parametrize(
    "operand, word", [(np.ones(3), "numpy.ndarray"), ([1.0, 2.0], "list"), (2.0, "float")]
)
def test_elementwise_functions_take_a_tensor_only(torch, name, operand, word):
    with pytest.raises(TypeError) as info:
        getattr(torch, name)(operand)
    assert str(info.value) == f"{name}(): argument 'input' (position 1) must be Tensor, not {word}"
    with pytest.raises(TypeError) as info:
        getattr(torch, name)(input=operand)
    assert str(info.value) == f"{name}(): argument 'input' must be Tensor, not {word}"


def test_elementwise_function_arity_and_out(torch):
    t = torch.ones(2)
    with pytest.raises(TypeError, match=r"^exp\(\) takes 1 positional argument but 2 were given$"):
        torch.exp(t, t)
    with pytest.raises(TypeError, match=r"^sigmoid\(\): argument 'out' must be Tensor, not int$"):
        torch.sigmoid(t, out=3)
    with pytest.raises(TypeError, match=r"^relu\(\) got an unexpected keyword argument 'out'$"):
        torch.relu(t, out=t)
    assert torch.exp(t, out=torch.empty(2)).tolist() == [pytest.approx(2.718281828)] * 2


@pytest.mark.parametrize("name", ["zeros_like", "ones_like", "empty_like"])
def test_like_factories_name_numpy_types_as_pytorch(torch, name):
    with pytest.raises(TypeError) as info:
        getattr(torch, name)(np.ones(3))
    assert str(info.value) == (
        f"{name}(): argument 'input' (position 1) must be Tensor, not numpy.ndarray"
    )
