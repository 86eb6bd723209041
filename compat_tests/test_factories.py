"""Tensor factories: values, shapes, dtypes and keyword arguments."""

import numpy as np
import pytest
from _helpers import assert_close, assert_equal

# ---------------------------------------------------------------------------- tensor / as_tensor


def test_tensor_nested_lists(torch):
    x = torch.tensor([[1, 2, 3], [4, 5, 6]])
    assert x.shape == (2, 3)
    assert x.dtype == torch.int64
    assert_equal(x, [[1, 2, 3], [4, 5, 6]])


def test_tensor_scalar_is_0d(torch):
    x = torch.tensor(3.5)
    assert x.shape == ()
    assert x.dim() == 0
    assert x.item() == 3.5


def test_tensor_empty_list(torch):
    x = torch.tensor([])
    assert x.shape == (0,)
    assert x.dtype == torch.float32


@pytest.mark.parametrize("name", ["float64", "float16", "int32", "uint8", "bool", "bfloat16"])
def test_tensor_dtype_keyword(torch, name):
    x = torch.tensor([0, 1, 2], dtype=getattr(torch, name))
    assert x.dtype == getattr(torch, name)
    assert_equal(x, [False, True, True] if name == "bool" else [0, 1, 2])


def test_tensor_float_to_int_dtype_truncates(torch):
    assert_equal(torch.tensor([1.9, -1.9], dtype=torch.int64), [1, -1])


def test_tensor_requires_grad_keyword(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    assert x.requires_grad
    assert x.is_leaf
    assert x.grad is None
    assert x.grad_fn is None
    assert not torch.tensor([1.0]).requires_grad


def test_tensor_device_keyword(torch):
    x = torch.tensor([1.0], device="cpu")
    assert str(x.device) == "cpu"
    assert x.device.type == "cpu"
    y = torch.zeros(2, device=torch.device("cpu"))
    assert y.device == torch.device("cpu")


def test_tensor_ragged_raises(torch):
    with pytest.raises(ValueError, match=r"expected sequence of length 2 at dim 1 \(got 1\)"):
        torch.tensor([[1, 2], [3]])


def test_tensor_from_numpy_array_copies_dtype(torch):
    assert torch.tensor(np.array([1.5, 2.5])).dtype == torch.float64
    assert torch.tensor(np.array([1, 2], dtype=np.int32)).dtype == torch.int32
    assert torch.tensor(np.array([1.0], dtype=np.float32)).dtype == torch.float32
    assert torch.tensor(np.array([True])).dtype == torch.bool


def test_tensor_of_numpy_scalar(torch):
    assert torch.tensor(np.float64(1.5)).dtype == torch.float64
    assert torch.tensor(np.int32(3)).dtype == torch.int32


def test_tensor_of_list_of_0d_tensors(torch):
    x = torch.tensor([torch.tensor(1.0), torch.tensor(2.0)])
    assert x.shape == (2,)
    assert_equal(x, [1.0, 2.0])


def test_as_tensor(torch):
    assert torch.as_tensor([1, 2]).dtype == torch.int64
    assert torch.as_tensor([1.0, 2]).dtype == torch.float32
    assert torch.as_tensor(np.array([1, 2], dtype=np.int32)).dtype == torch.int32
    assert torch.as_tensor(np.array([1.0])).dtype == torch.float64
    x = torch.tensor([1.0, 2.0])
    assert torch.as_tensor(x) is x
    y = torch.as_tensor([1, 2], dtype=torch.float32)
    assert y.dtype == torch.float32
    assert_equal(y, [1.0, 2.0])


@pytest.mark.parametrize(
    "np_dtype,name",
    [
        (np.float64, "float64"),
        (np.float32, "float32"),
        (np.float16, "float16"),
        (np.int64, "int64"),
        (np.int32, "int32"),
        (np.int16, "int16"),
        (np.int8, "int8"),
        (np.uint8, "uint8"),
        (np.bool_, "bool"),
    ],
)
def test_from_numpy_dtype(torch, np_dtype, name):
    a = np.array([0, 1, 1], dtype=np_dtype)
    t = torch.from_numpy(a)
    assert t.dtype == getattr(torch, name)
    assert t.shape == (3,)
    assert_equal(t, a)


def test_from_numpy_2d(torch):
    a = np.arange(6).reshape(2, 3)
    t = torch.from_numpy(a)
    assert t.shape == (2, 3)
    assert t.dtype == torch.int64
    assert_equal(t, a)
    assert not t.requires_grad


# ---------------------------------------------------------------------------- zeros/ones/full/empty

SIZE_FORMS = [
    ("varargs", lambda torch: ((2, 3), {})),
    ("tuple", lambda torch: (((2, 3),), {})),
    ("list", lambda torch: (([2, 3],), {})),
    ("Size", lambda torch: ((torch.Size([2, 3]),), {})),
    ("size_kw", lambda torch: ((), {"size": (2, 3)})),
]


@pytest.mark.parametrize("fn,fill", [("zeros", 0.0), ("ones", 1.0)])
@pytest.mark.parametrize("form", SIZE_FORMS, ids=[f[0] for f in SIZE_FORMS])
def test_zeros_ones_size_forms(torch, fn, fill, form):
    args, kwargs = form[1](torch)
    x = getattr(torch, fn)(*args, **kwargs)
    assert x.shape == (2, 3)
    assert x.dtype == torch.float32
    assert_equal(x, np.full((2, 3), fill))


@pytest.mark.parametrize("fn", ["zeros", "ones", "empty"])
def test_factory_scalar_and_empty_shapes(torch, fn):
    f = getattr(torch, fn)
    assert f(()).shape == ()
    assert f(0).shape == (0,)
    assert f(2, 0).shape == (2, 0)
    assert f(4).shape == (4,)
    assert f(1, 2, 3).numel() == 6


@pytest.mark.parametrize("fn", ["zeros", "ones", "empty", "rand", "randn"])
def test_factory_dtype_requires_grad_device(torch, fn):
    f = getattr(torch, fn)
    x = f(2, 2, dtype=torch.float64, requires_grad=True, device="cpu")
    assert x.dtype == torch.float64
    assert x.shape == (2, 2)
    assert x.requires_grad and x.is_leaf and x.grad_fn is None
    assert str(x.device) == "cpu"


@pytest.mark.parametrize("name", ["int64", "int32", "uint8", "bool", "float16", "bfloat16"])
def test_zeros_ones_dtype(torch, name):
    d = getattr(torch, name)
    assert torch.zeros(3, dtype=d).dtype == d
    assert torch.ones(3, dtype=d).dtype == d
    assert torch.empty(3, dtype=d).dtype == d
    assert_equal(torch.ones(2, dtype=d), [True, True] if name == "bool" else [1, 1])


def test_zeros_negative_size_raises(torch):
    with pytest.raises(RuntimeError, match="Dimension size must be non-negative"):
        torch.zeros(-1)


@pytest.mark.parametrize(
    "fill,expected",
    [(3, "int64"), (3.0, "float32"), (True, "bool"), (-2, "int64"), (0.5, "float32")],
)
def test_full_dtype_inference(torch, fill, expected):
    x = torch.full((2, 2), fill)
    assert x.dtype == getattr(torch, expected)
    assert x.shape == (2, 2)
    assert_equal(x, np.full((2, 2), fill))


def test_full_explicit_dtype(torch):
    x = torch.full((3,), 1.5, dtype=torch.int64)
    assert x.dtype == torch.int64
    assert_equal(x, [1, 1, 1])
    y = torch.full([2], 7, dtype=torch.float64, requires_grad=True)
    assert y.requires_grad and y.dtype == torch.float64
    assert_equal(y, [7.0, 7.0])


def test_full_with_0d_tensor_fill(torch):
    assert_equal(torch.full((2,), 4.0), [4.0, 4.0])
    assert torch.full((), 4.0).shape == ()


# ---------------------------------------------------------------------------- arange

ARANGE = [
    ((5,), {}, np.arange(5), "int64"),
    ((2, 7), {}, np.arange(2, 7), "int64"),
    ((1, 10, 3), {}, np.arange(1, 10, 3), "int64"),
    ((5, 0, -2), {}, np.arange(5, 0, -2), "int64"),
    ((0, -5, -1), {}, np.arange(0, -5, -1), "int64"),
    ((0, 1, 0.25), {}, np.arange(0, 1, 0.25), "float32"),
    ((0.0, 5), {}, np.arange(0.0, 5), "float32"),
    ((1, 2.5, 0.5), {}, np.arange(1, 2.5, 0.5), "float32"),
    ((3.0,), {}, np.arange(3.0), "float32"),
    ((1, -1, -0.5), {}, np.arange(1, -1, -0.5), "float32"),
    ((5,), {"dtype": "float64"}, np.arange(5.0), "float64"),
    ((1, 4), {"dtype": "float32"}, np.arange(1.0, 4.0), "float32"),
    ((0, 10, 2), {"dtype": "int32"}, np.arange(0, 10, 2), "int32"),
    ((0,), {}, np.arange(0), "int64"),
    ((), {"start": 1, "end": 4}, np.arange(1, 4), "int64"),
    ((), {"end": 3}, np.arange(3), "int64"),
    ((0, 10), {"step": 4}, np.arange(0, 10, 4), "int64"),
]


@pytest.mark.parametrize("args,kwargs,expected,dtype", ARANGE, ids=[str(a[:2]) for a in ARANGE])
def test_arange(torch, args, kwargs, expected, dtype):
    kwargs = {k: (getattr(torch, v) if k == "dtype" else v) for k, v in kwargs.items()}
    x = torch.arange(*args, **kwargs)
    assert x.dtype == getattr(torch, dtype)
    assert x.dim() == 1
    assert_close(x, expected)


def test_arange_length_with_float_step(torch):
    assert torch.arange(0, 1, 0.1).shape == (10,)
    assert torch.arange(-1, 1, 0.5).numel() == 4


def test_arange_requires_grad(torch):
    x = torch.arange(3.0, requires_grad=True)
    assert x.requires_grad and x.is_leaf


def test_arange_zero_step_raises(torch):
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        torch.arange(0, 5, 0)


# ---------------------------------------------------------------------------- linspace / logspace


@pytest.mark.parametrize(
    "start,end,steps",
    [(0, 1, 5), (-1, 1, 3), (0, 10, 11), (2, 2, 4), (1, 0, 6), (0, 1, 1), (-3.5, 7.25, 9)],
)
def test_linspace(torch, start, end, steps):
    x = torch.linspace(start, end, steps)
    assert x.dtype == torch.float32
    assert x.shape == (steps,)
    assert_close(x, np.linspace(start, end, steps))


def test_linspace_dtype_and_kw(torch):
    x = torch.linspace(0, 1, steps=3, dtype=torch.float64)
    assert x.dtype == torch.float64
    assert_close(x, [0.0, 0.5, 1.0])
    assert torch.linspace(0, 1, 0).shape == (0,)
    y = torch.linspace(0, 1, 3, requires_grad=True)
    assert y.requires_grad and y.is_leaf


@pytest.mark.parametrize(
    "start,end,steps,base", [(0, 2, 3, 10.0), (0, 3, 4, 2.0), (-1, 1, 5, 10.0), (1, 2, 2, 3.0)]
)
def test_logspace(torch, start, end, steps, base):
    x = torch.logspace(start, end, steps, base=base)
    assert x.dtype == torch.float32
    assert_close(x, np.logspace(start, end, steps, base=base), rtol=1e-5)


def test_logspace_default_base(torch):
    assert_close(torch.logspace(0, 2, 3), [1.0, 10.0, 100.0])


# ---------------------------------------------------------------------------- eye


@pytest.mark.parametrize("args", [(3,), (2, 3), (3, 2), (1,), (0,)])
def test_eye(torch, args):
    x = torch.eye(*args)
    assert x.dtype == torch.float32
    assert_equal(x, np.eye(*args))


def test_eye_dtype(torch):
    x = torch.eye(2, dtype=torch.int64)
    assert x.dtype == torch.int64
    assert_equal(x, [[1, 0], [0, 1]])
    assert torch.eye(2, dtype=torch.bool).dtype == torch.bool


# ---------------------------------------------------------------------------- *_like


@pytest.mark.parametrize("name", ["float32", "float64", "int32", "int64", "bool", "float16"])
@pytest.mark.parametrize("fn,fill", [("zeros_like", 0), ("ones_like", 1), ("empty_like", None)])
def test_like_keeps_shape_and_dtype(torch, name, fn, fill):
    src = torch.zeros(2, 3, dtype=getattr(torch, name))
    y = getattr(torch, fn)(src)
    assert y.shape == (2, 3)
    assert y.dtype == getattr(torch, name)
    assert not y.requires_grad
    if fill is not None:
        assert_equal(y, np.full((2, 3), bool(fill) if name == "bool" else fill))


def test_full_like(torch):
    src = torch.tensor([1, 2], dtype=torch.int32)
    y = torch.full_like(src, 2.7)
    assert y.dtype == torch.int32
    assert_equal(y, [2, 2])
    z = torch.full_like(torch.zeros(2, 2), 3)
    assert z.dtype == torch.float32
    assert_equal(z, [[3.0, 3.0], [3.0, 3.0]])


def test_like_dtype_override_and_requires_grad(torch):
    src = torch.tensor([1, 2], dtype=torch.int32)
    y = torch.ones_like(src, dtype=torch.float64)
    assert y.dtype == torch.float64
    z = torch.zeros_like(torch.tensor([1.0, 2.0]), requires_grad=True)
    assert z.requires_grad and z.is_leaf
    assert_equal(z, [0.0, 0.0])


def test_like_does_not_inherit_requires_grad(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    for fn in (torch.zeros_like, torch.ones_like, torch.empty_like, torch.rand_like):
        y = fn(x)
        assert not y.requires_grad
        assert y.grad_fn is None


@pytest.mark.parametrize("fn", ["rand_like", "randn_like"])
def test_random_like_shape_dtype(torch, fn):
    src = torch.zeros(3, 2, dtype=torch.float64)
    y = getattr(torch, fn)(src)
    assert y.shape == (3, 2)
    assert y.dtype == torch.float64
    y32 = getattr(torch, fn)(torch.zeros(4))
    assert y32.dtype == torch.float32


def test_rand_like_of_int_tensor_raises(torch):
    with pytest.raises(
        NotImplementedError, match="\"check_uniform_bounds\" not implemented for 'Int'"
    ):
        torch.rand_like(torch.tensor([1, 2], dtype=torch.int32))


# ---------------------------------------------------------------------------- random factories


@pytest.mark.parametrize("form", SIZE_FORMS, ids=[f[0] for f in SIZE_FORMS])
def test_rand_shape_and_range(torch, form):
    args, kwargs = form[1](torch)
    x = torch.rand(*args, **kwargs)
    assert x.shape == (2, 3)
    assert x.dtype == torch.float32
    v = x.tolist()
    assert all(0.0 <= e < 1.0 for row in v for e in row)


def test_rand_many_values_in_unit_interval(torch):
    v = np.asarray(torch.rand(1000).tolist())
    assert v.min() >= 0.0 and v.max() < 1.0
    assert len(np.unique(v)) > 900  # not a constant


def test_randn_shape_and_spread(torch):
    x = torch.randn(2000)
    assert x.shape == (2000,)
    assert x.dtype == torch.float32
    v = np.asarray(x.tolist())
    assert abs(v.mean()) < 0.2
    assert 0.8 < v.std() < 1.2
    assert torch.randn(2, 3, dtype=torch.float64).dtype == torch.float64
    assert torch.randn(()).shape == ()


@pytest.mark.parametrize(
    "args,lo,hi",
    [((10, (50,)), 0, 10), ((3, 7, (4, 5)), 3, 7), ((-2, 2, (100,)), -2, 2), ((0, 1, (5,)), 0, 1)],
)
def test_randint_range_shape_dtype(torch, args, lo, hi):
    x = torch.randint(*args)
    assert x.dtype == torch.int64
    assert tuple(x.shape) == tuple(args[-1])
    v = np.asarray(x.tolist())
    assert v.min() >= lo and v.max() < hi


def test_randint_dtype_and_size_kw(torch):
    x = torch.randint(0, 5, size=(3,), dtype=torch.int32)
    assert x.dtype == torch.int32
    assert x.shape == (3,)
    y = torch.randint(0, 5, (2,), dtype=torch.float32)
    assert y.dtype == torch.float32


def test_randperm(torch):
    x = torch.randperm(10)
    assert x.dtype == torch.int64
    assert sorted(x.tolist()) == list(range(10))


@pytest.mark.parametrize(
    "data, dtype, ok",
    [
        ([258.0], "uint8", False),
        ([255.9], "uint8", False),
        ([-1], "uint8", True),  # a negative int wraps into an unsigned type ...
        ([-255], "uint8", True),
        ([-256], "uint8", False),  # ... while its magnitude fits
        ([-1.0], "uint8", False),  # a float never wraps
        ([200], "int8", False),
        ([[1, 300]], "uint8", False),
        ([float("nan")], "int32", False),
        ([float("inf")], "int64", False),
        ([2**40], "int32", False),
        ([1.5], "int64", True),
        ([True, 2], "uint8", True),
    ],
)
def test_python_numbers_must_fit_an_integer_dtype(torch, data, dtype, ok):
    dt = getattr(torch, dtype)
    if ok:
        assert torch.tensor(data, dtype=dt).dtype == dt
        return
    with pytest.raises(
        RuntimeError, match=f"^value cannot be converted to type {dtype} without overflow$"
    ):
        torch.tensor(data, dtype=dt)
    # numbers in a numpy array are cast, not checked
    assert torch.tensor(np.array(data, dtype=np.float64), dtype=dt).dtype == dt


def test_copy_construct_from_a_tensor_warns(torch):
    t = torch.ones(2, requires_grad=True)
    with pytest.warns(UserWarning, match=r"rather than torch\.tensor\(sourceTensor\)\.$"):
        c = torch.tensor(t)
    assert not c.requires_grad and c.tolist() == [1.0, 1.0]
    with pytest.warns(UserWarning, match=r"rather than tensor\.new_tensor\(sourceTensor\)\.$"):
        t.new_tensor(t)


def test_new_factories_take_size_by_keyword(torch):
    x = torch.ones(1, dtype=torch.float64)
    assert x.new_zeros(size=(2, 3)).shape == (2, 3)
    assert x.new_ones(size=[2]).tolist() == [1.0, 1.0]
    assert x.new_empty(size=(4,)).dtype == torch.float64
    assert x.new_zeros(2, 3).shape == x.new_zeros((2, 3)).shape == (2, 3)


def test_float_of_a_tensor_that_requires_grad_warns_once(torch):
    """PyTorch warns once per process, for float() and complex() (with grad mode on) but not
    int() or item(): checked in a fresh process."""
    import json
    import subprocess
    import sys

    code = (
        f"import json, warnings, {torch.__name__} as torch\n"
        "t = torch.tensor(1.5, requires_grad=True)\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        "    int(t); t.item()\n"
        "    with torch.no_grad():\n"
        "        float(t)\n"
        "    n0 = len(w)\n"
        "    float(t); float(t); complex(t)\n"
        "print(json.dumps([n0, len(w), str(w[-1].message).splitlines()]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after, lines = json.loads(out.stdout)
    assert (before, after) == (0, 1)
    assert lines[0] == (
        "Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior."
    )
    assert lines[1].startswith("Consider using tensor.detach() first.")


# ---------------------------------------------------- a number the dtype cannot hold
# (torchlike wrapped 300 to 44 in a uint8 full/fill_/masked_fill/index_fill and turned 1e10
# into a float16 inf: PyTorch's checked conversion refuses both)
@pytest.mark.parametrize(
    "call, c_type",
    [
        ("torch.full((2,), 300, dtype=torch.uint8)", "uint8_t"),
        ("torch.full((2,), 128, dtype=torch.int8)", "int8_t"),
        ("torch.full((2,), 2**31, dtype=torch.int32)", "int"),
        ("torch.full((2,), float('nan'), dtype=torch.int64)", "int64_t"),
        ("torch.full((2,), -0.5, dtype=torch.uint8)", "uint8_t"),
        ("torch.full((2, 2), 65505.0, dtype=torch.float16)", "c10::Half"),
        ("torch.full((3,), 3.4e38, dtype=torch.bfloat16)", "c10::BFloat16"),
        ("torch.full((), 1e39)", "float"),
        ("torch.full((2,), 1 + 2j, dtype=torch.float32)", "float"),
        ("torch.full((2,), 3.5e38, dtype=torch.complex64)", "c10::complex<float>"),
        ("torch.full_like(torch.zeros(2, dtype=torch.int8), 200)", "int8_t"),
        ("torch.zeros(2, dtype=torch.uint8).fill_(300)", "uint8_t"),
        ("torch.zeros(2, dtype=torch.float16).fill_(1e10)", "c10::Half"),
        (
            "torch.zeros(3, dtype=torch.uint8).masked_fill(torch.tensor([True, False, True]), 300)",
            "uint8_t",
        ),
        ("torch.zeros(2, dtype=torch.int16).index_fill(0, torch.tensor([0]), 1e6)", "int16_t"),
    ],
)
def test_numbers_that_overflow_the_dtype(torch, call, c_type):
    with pytest.raises(RuntimeError) as e:
        eval(call)
    assert str(e.value) == f"value cannot be converted to type {c_type} without overflow"


def test_numbers_that_fit_the_dtype(torch):
    assert torch.full((2,), -255, dtype=torch.uint8).tolist() == [1, 1]  # (wraps: c10 allows it)
    assert torch.full((2,), 2.7, dtype=torch.int64).tolist() == [2, 2]
    assert torch.full((2,), 65504.0, dtype=torch.float16).tolist() == [65504.0] * 2
    assert torch.full((1,), 65505.0, dtype=torch.float16).tolist() == [65504.0]  # (one: unchecked)
    assert torch.full((2,), float("inf"), dtype=torch.float16).tolist() == [float("inf")] * 2
    assert torch.full((2,), 1 + 0j, dtype=torch.float32).tolist() == [1.0, 1.0]
    assert torch.full((2,), 1e39, dtype=torch.float64).tolist() == [1e39] * 2
    assert torch.zeros(2, dtype=torch.int8).fill_(True).tolist() == [1, 1]
    assert torch.full((2,), 0.1, dtype=torch.bfloat16).tolist() == [0.10009765625] * 2
    assert torch.eye(3, 2, dtype=torch.int32).tolist() == [[1, 0], [0, 1], [0, 0]]
    assert torch.zeros(2, dtype=torch.uint8).fill_(torch.tensor(300)).tolist() == [44, 44]


@pytest.mark.torchlike_only
def test_factories_of_new_shapes_compile_nothing(torch):
    # a generation loop's torch.ones(T, T) / torch.arange(T) for a growing T: made on the host
    # and transferred, not one XLA fill per new shape (each shape below is made once)
    def make(t):
        torch.ones(t, t), torch.zeros(t, 3, dtype=torch.int64), torch.full((t,), 2.5)
        torch.arange(t), torch.arange(0.0, t, 0.5), torch.eye(t), torch.linspace(0, 1, t + 99)
        torch.from_numpy(np.ones(t, np.float32)), torch.full_like(torch.empty(t), 7)
        torch.empty(t, 2), torch.ones_like(torch.empty(2, t), dtype=torch.bfloat16)
        torch.empty(t, 5).fill_(2.0), torch.empty(5, t).zero_()  # (zero_grad of a new shape)

    make(3)
    before = torch.compile_count()
    for t in range(731, 751):  # (lengths no other test in this process uses)
        make(t)
    assert torch.compile_count() == before
    for _ in range(5):  # a shape that recurs: its staged copy compiles once, then is reused
        torch.arange(7777)
    assert torch.compile_count() <= before + 1
    assert torch.arange(0.0, 3, 0.5).tolist() == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
    assert torch.full((2,), 2.5).dtype == torch.float32
    a = np.ones(3, np.float32)
    t = torch.from_numpy(a)
    assert t.tolist() == [1.0] * 3 and t.dtype == torch.float32


def test_from_numpy_refuses_what_pytorch_refuses(torch):
    a = np.arange(12.0).reshape(3, 4)
    with pytest.raises(ValueError, match=r"^At least one stride in the given numpy array is neg"):
        torch.from_numpy(a[:, ::-2])
    for big in (a.astype(">f8"), np.arange(3, dtype=">i4")):
        with pytest.raises(ValueError, match="^given numpy array has byte order different from"):
            torch.from_numpy(big)
    with pytest.raises(TypeError) as e:
        torch.from_numpy(np.array(["a"]))
    assert str(e.value) == (
        "can't convert np.ndarray of type numpy.str_. The only supported types are: float64, "
        "float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, uint32, "
        "uint16, uint8, and bool."
    )
    assert torch.from_numpy(a.T).tolist()[0] == [0.0, 4.0, 8.0]  # (a positive-stride view)


def test_equal_fills_are_independent_tensors(torch):
    # factories of the same shape and value (torchlike keeps small fills as one array):
    # writes to one reach no other, signed zeros and NaN stay what they were asked to be
    a, b = torch.zeros(3), torch.zeros(3)
    a[1] = 5
    b.add_(1)
    assert a.tolist() == [0.0, 5.0, 0.0] and b.tolist() == [1.0, 1.0, 1.0]
    assert torch.zeros(3).tolist() == [0.0, 0.0, 0.0]
    c = torch.ones(2, 2)
    c.zero_()
    assert torch.ones(2, 2).sum().item() == 4.0 and c.sum().item() == 0.0
    assert str(torch.full((2,), 0.0)) == "tensor([0., 0.])"
    assert str(torch.full((2,), -0.0)) == "tensor([-0., -0.])"
    assert str(torch.zeros(2).fill_(-0.0)) == "tensor([-0., -0.])"
    assert torch.full((2,), float("nan")).isnan().all().item()
    assert torch.full((2,), 1, dtype=torch.int64).tolist() == [1, 1]
    assert torch.full((2,), True).tolist() == [True, True]
    m = torch.zeros(4, 4)
    m[1, 2] = 1
    m[3, 0] = -0.0
    assert m.nonzero().tolist() == [[1, 2]] and str(m[3, 0]) == "tensor(-0.)"
    assert torch.zeros(4, 4).abs().sum().item() == 0.0


@pytest.mark.parametrize("npdt", ["bool", "float32", "float64", "int64", "uint8"])
@pytest.mark.parametrize("n", [3, 100, 1 << 20])
def test_tensor_of_an_ndarray_is_a_copy(torch, npdt, n):
    # torch.tensor copies its data: a later write to the array reaches no tensor (JAX may
    # alias an aligned NumPy array instead of copying it: bool ones, large float32 ones)
    a = np.zeros(n, npdt)
    t, u = torch.tensor(a), torch.zeros(1).new_tensor(a)
    a[0] = 1
    a[-1] = 1
    assert t[0].item() == 0 and t[-1].item() == 0
    assert u[0].item() == 0 and u[-1].item() == 0


def test_tensor_of_any_python_sequence(torch):
    # pytorch/examples reinforce.py: returns = deque(); torch.tensor(returns)
    import array
    from collections import deque

    assert torch.tensor(range(3)).tolist() == [0, 1, 2]
    assert torch.tensor(range(3)).dtype == torch.int64
    assert torch.as_tensor(range(2)).tolist() == [0, 1]
    assert torch.tensor(deque([1.0, 2.0])).dtype == torch.float32
    assert torch.tensor([deque([1, 2]), deque([3, 4])]).tolist() == [[1, 2], [3, 4]]
    assert torch.tensor(array.array("f", [1, 2])).tolist() == [1.0, 2.0]
    assert torch.tensor([range(2), range(2)]).tolist() == [[0, 1], [0, 1]]
    with pytest.raises(RuntimeError, match="Could not infer dtype of dict"):
        torch.tensor({1: 2})
