"""Legacy names and small type objects old tutorials use: Variable, torch.FloatTensor & co,
x.type(), constants, torch.functional, layouts and memory formats, storage queries."""

import copy
import importlib
import math
import pickle
import warnings

import numpy as np
import pytest

TYPES = {
    "FloatTensor": "float32",
    "DoubleTensor": "float64",
    "HalfTensor": "float16",
    "BFloat16Tensor": "bfloat16",
    "LongTensor": "int64",
    "IntTensor": "int32",
    "ShortTensor": "int16",
    "CharTensor": "int8",
    "ByteTensor": "uint8",
    "BoolTensor": "bool",
}


# ---------------------------------------------------------------------------------- constants
def test_constants(torch):
    assert torch.inf == math.inf and isinstance(torch.inf, float)
    assert math.isnan(torch.nan)
    assert torch.pi == math.pi
    assert torch.e == math.e
    assert torch.newaxis is None
    x = torch.arange(3.0)
    assert x[torch.newaxis].shape == (1, 3)
    assert torch.isinf(torch.tensor([torch.inf])).item()
    assert torch.full((2,), -torch.inf).tolist() == [-math.inf, -math.inf]


# ---------------------------------------------------------------------------------- Variable
def test_variable_returns_a_tensor(torch):
    Variable = torch.autograd.Variable
    t = torch.ones(2)
    v = Variable(t)
    assert type(v) is torch.Tensor
    assert v is not t
    assert v.data_ptr() == t.data_ptr()  # shares memory
    assert not v.requires_grad and v.is_leaf and v.grad_fn is None
    assert isinstance(t, Variable) and isinstance(v, Variable)
    assert not isinstance([1.0], Variable)
    assert not issubclass(torch.Tensor, Variable)


def test_variable_requires_grad(torch):
    Variable = torch.autograd.Variable
    w = Variable(torch.tensor([1.0, 2.0]), requires_grad=True)
    assert w.requires_grad and w.is_leaf
    (w * w).sum().backward()
    assert w.grad.tolist() == [2.0, 4.0]
    # a non-leaf becomes a new leaf, cut from its history
    h = torch.ones(2, requires_grad=True) * 2
    v = Variable(h, requires_grad=True)
    assert v.is_leaf and v.grad_fn is None and v.requires_grad
    assert Variable(h).grad_fn is None and not Variable(h).requires_grad
    assert Variable(torch.ones(1), True).requires_grad


def test_variable_errors_and_volatile(torch):
    Variable = torch.autograd.Variable
    with pytest.raises(TypeError, match="^Variable data has to be a tensor, but got list$"):
        Variable([1, 2])
    with pytest.raises(
        RuntimeError, match="Only Tensors of floating point and complex dtype can require gradients"
    ):
        Variable(torch.ones(2, dtype=torch.long), requires_grad=True)
    with pytest.raises(TypeError, match="'foo' is an invalid keyword argument for this function"):
        Variable(torch.ones(2), foo=1)
    with pytest.warns(UserWarning, match="volatile was removed and now has no effect"):
        v = Variable(torch.ones(2), volatile=True)
    assert not v.requires_grad
    assert Variable().shape == (0,)


# ---------------------------------------------------------------------------- legacy types
@pytest.mark.parametrize("name", TYPES)
def test_legacy_type_constructors(torch, name):
    T = getattr(torch, name)
    d = getattr(torch, TYPES[name])
    assert T.dtype is d
    assert T(2, 3).shape == (2, 3) and T(2, 3).dtype is d
    assert T(torch.Size([4])).shape == (4,)
    assert T().shape == (0,) and T().dtype is d
    x = T([1, 0, 1])
    assert x.dtype is d
    assert x.tolist() in ([1, 0, 1], [True, False, True])
    assert type(x) is torch.Tensor
    assert isinstance(x, T) and isinstance(x, torch.Tensor)
    for other in TYPES:
        assert isinstance(x, getattr(torch, other)) == (other == name)
    assert not isinstance(np.zeros(2), T)
    assert x.type() == "torch." + name
    assert repr(T) == f"<class 'torch.{name}'>"


def test_legacy_type_data(torch):
    assert torch.FloatTensor((2, 3)).tolist() == [2.0, 3.0]  # a tuple is data, a Size is a size
    assert torch.FloatTensor([[1, 2], [3, 4]]).shape == (2, 2)
    assert torch.LongTensor([1.7, -2.2]).tolist() == [1, -2]
    assert torch.LongTensor(np.array([1.5, 2.7])).tolist() == [1, 2]
    assert torch.FloatTensor(np.array([1, 2])).dtype is torch.float32
    assert torch.FloatTensor(np.int64(3)).shape == (3,)
    assert torch.FloatTensor(2, 0).shape == (2, 0)
    assert torch.FloatTensor(2, 3, device="cpu").shape == (2, 3)
    assert not issubclass(torch.FloatTensor, torch.Tensor)


def test_legacy_type_from_tensor_aliases(torch):
    x = torch.ones(2)
    y = torch.FloatTensor(x)
    assert y.data_ptr() == x.data_ptr()
    y.add_(1)
    assert x.tolist() == [2.0, 2.0]


def test_legacy_type_constructor_errors(torch):
    with pytest.raises(
        TypeError,
        match=r"^expected TensorOptions\(dtype=float, device=cpu, "
        r"layout=Strided, requires_grad=false \(default\), pinned_memory=false "
        r"\(default\), memory_format=\(nullopt\)\) \(got TensorOptions\("
        r"dtype=long int, device=cpu",
    ):
        torch.FloatTensor(torch.ones(2, dtype=torch.long))
    with pytest.raises(
        TypeError,
        match=r"^new\(\) received an invalid combination of arguments "
        r"- got \(int, requires_grad=bool\), but expected one of:\n"
        r" \* \(\*, torch.device device = None\)\n      didn't match because "
        r"some of the keywords were incorrect: requires_grad\n",
    ):
        torch.FloatTensor(2, requires_grad=True)
    with pytest.raises(TypeError, match=r"^new\(\): invalid data type 'str'$"):
        torch.FloatTensor("a")
    with pytest.raises(TypeError, match=r"^new\(\): data must be a sequence \(got float\)$"):
        torch.FloatTensor(2.5)
    with pytest.raises(
        TypeError,
        match="failed to unpack the object at pos 2 with error "
        '"type must be tuple of ints,but got float"',
    ):
        torch.FloatTensor(2, 3.0)
    with pytest.raises(RuntimeError, match=r"Trying to create tensor with negative dimension -1"):
        torch.FloatTensor(-1)
    with pytest.raises(
        RuntimeError,
        match="^legacy constructor expects device type: cpu but device type: cuda was passed$",
    ):
        torch.FloatTensor(2, device="cuda")


def test_tensor_new(torch):
    x = torch.ones(2, 3, dtype=torch.float64)
    for y, shape in (
        (x.new(2), (2,)),
        (x.new(2, 4), (2, 4)),
        (x.new(), (0,)),
        (x.new(torch.Size([3])), (3,)),
        (x.new([1, 2]), (2,)),
    ):
        assert y.shape == shape and y.dtype is torch.float64 and not y.requires_grad
    assert x.new((2, 3)).tolist() == [2.0, 3.0]
    assert torch.ones(2, dtype=torch.long).new([1.5]).tolist() == [1]
    assert x.new(x).data_ptr() == x.data_ptr()
    with pytest.raises(
        TypeError,
        match=r"^expected TensorOptions\(dtype=double, .* \(got "
        r"TensorOptions\(dtype=float, ",
    ):
        x.new(torch.ones(2))
    with pytest.raises(TypeError, match=r"got \(int, dtype=torch.dtype\), but expected one of"):
        x.new(2, dtype=torch.float32)


def test_type_conversions(torch):
    x = torch.tensor([1.5, -2.5])
    assert x.type() == "torch.FloatTensor"
    assert torch.ones(2, dtype=torch.complex64).type() == "torch.ComplexFloatTensor"
    for target in ("torch.LongTensor", torch.LongTensor, torch.int64):
        y = x.type(target)
        assert y.dtype is torch.int64 and y.tolist() == [1, -2]
    assert x.type(torch.int32).type() == "torch.IntTensor"
    assert x.type(dtype="torch.DoubleTensor").dtype is torch.float64
    assert x.type("torch.LongTensor", non_blocking=True).dtype is torch.int64
    # same type: the tensor itself
    for same in (
        torch.float32,
        "torch.FloatTensor",
        torch.FloatTensor,
        torch.Tensor,
        "torch.Tensor",
    ):
        assert x.type(same) is x


def test_type_conversion_keeps_grad(torch):
    x = torch.ones(2, requires_grad=True)
    y = x.type(torch.DoubleTensor)
    assert type(y.grad_fn).__name__ == "ToCopyBackward0"
    y.sum().backward()
    assert x.grad.dtype is torch.float32


@pytest.mark.parametrize("bad", ["torch.FooTensor", "float", "FloatTensor", "torch.float32"])
def test_type_bad_name(torch, bad):
    with pytest.raises(ValueError, match=f"^invalid type: '{bad}'$"):
        torch.ones(2).type(bad)


def test_type_bad_argument(torch):
    with pytest.raises(ValueError, match="^invalid type: 'float'$"):
        torch.ones(2).type(float)
    with pytest.raises(ValueError, match="^invalid type: 'numpy.float32'$"):
        torch.ones(2).type(np.float32)
    with pytest.raises(TypeError, match="^dtype must be a type, str, or dtype object$"):
        torch.ones(2).type(3)


def test_set_default_tensor_type(torch):
    try:
        with pytest.warns(UserWarning, match=r"torch.set_default_tensor_type\(\) is deprecated"):
            torch.set_default_tensor_type(torch.DoubleTensor)
        assert torch.get_default_dtype() is torch.float64
        assert torch.tensor([1.0]).dtype is torch.float64
        assert torch.Tensor(2).dtype is torch.float64
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.set_default_tensor_type("torch.FloatTensor")
        assert torch.get_default_dtype() is torch.float32
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for bad in (torch.LongTensor, "torch.LongTensor"):
                with pytest.raises(
                    TypeError, match="^only floating-point types are supported as the default type$"
                ):
                    torch.set_default_tensor_type(bad)
            with pytest.raises(TypeError, match="^invalid type object: only floating-point"):
                torch.set_default_tensor_type(torch.float64)
    finally:
        torch.set_default_dtype(torch.float32)


# ---------------------------------------------------------------------------- torch.functional
def test_torch_functional_module(torch):
    functional = importlib.import_module(torch.__name__ + ".functional")
    assert functional is torch.functional
    for name in ("einsum", "meshgrid", "split", "norm", "cdist", "unique"):
        assert name in functional.__all__
        assert getattr(functional, name) is getattr(torch, name)
    a = torch.arange(6.0).reshape(2, 3)
    assert functional.einsum("ij->j", a).tolist() == [3.0, 5.0, 7.0]
    assert [p.shape for p in functional.split(a, 1, dim=1)] == [(2, 1)] * 3
    with pytest.raises(AttributeError):
        functional.not_a_function  # noqa: B018


def test_from_torch_functional_import(torch):
    ns = {}
    exec(f"from {torch.__name__}.functional import einsum, meshgrid", ns)
    xs, ys = ns["meshgrid"](torch.arange(2), torch.arange(3), indexing="ij")
    assert xs.shape == (2, 3) and ys[1].tolist() == [0, 1, 2]


# ---------------------------------------------------------------------- layouts and formats
@pytest.mark.parametrize(
    "name", ["preserve_format", "contiguous_format", "channels_last", "channels_last_3d"]
)
def test_memory_format_objects(torch, name):
    fmt = getattr(torch, name)
    assert repr(fmt) == str(fmt) == f"torch.{name}"
    assert isinstance(fmt, torch.memory_format)
    assert type(fmt).__name__ == "memory_format"
    assert pickle.loads(pickle.dumps(fmt)) is fmt
    assert copy.deepcopy(fmt) is fmt
    assert fmt == fmt and hash(fmt) == hash(fmt)
    assert fmt != (
        torch.preserve_format if fmt is not torch.preserve_format else torch.channels_last
    )


def test_memory_format_not_constructible(torch):
    with pytest.raises(TypeError, match="^cannot create 'torch.memory_format' instances$"):
        torch.memory_format()


def test_layout(torch):
    x = torch.ones(2)
    assert x.layout is torch.strided
    assert repr(torch.strided) == "torch.strided" and str(torch.sparse_coo) == "torch.sparse_coo"
    assert isinstance(torch.strided, torch.layout)
    assert torch.strided != torch.sparse_coo
    assert pickle.loads(pickle.dumps(torch.strided)) is torch.strided
    assert torch.FloatTensor.layout is torch.strided


def test_is_contiguous_memory_format(torch):
    x = torch.empty(2, 3, 4, 5)
    assert x.is_contiguous(memory_format=torch.contiguous_format)
    assert x.is_contiguous(memory_format=torch.preserve_format)
    assert not x.is_contiguous(memory_format=torch.channels_last)
    assert not x.is_contiguous(memory_format=torch.channels_last_3d)
    nhwc = x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)
    assert nhwc.is_contiguous(memory_format=torch.channels_last)
    assert not nhwc.is_contiguous()
    assert not nhwc.is_contiguous(memory_format=torch.preserve_format)
    assert not x.permute(0, 1, 3, 2).is_contiguous(memory_format=torch.channels_last)
    # size-1 dims do not count: with one channel both layouts are the same memory
    assert torch.empty(2, 1, 4, 5).is_contiguous(memory_format=torch.channels_last)
    assert torch.empty(1, 3, 1, 1).is_contiguous(memory_format=torch.channels_last)
    assert not torch.empty(2, 3).is_contiguous(memory_format=torch.channels_last)
    v = torch.empty(2, 3, 4, 5, 6)
    assert (
        v.permute(0, 2, 3, 4, 1)
        .contiguous()
        .permute(0, 4, 1, 2, 3)
        .is_contiguous(memory_format=torch.channels_last_3d)
    )
    assert not v.is_contiguous(memory_format=torch.channels_last_3d)


def test_memory_format_argument_type(torch):
    x = torch.ones(2)
    with pytest.raises(
        TypeError,
        match=r"^is_contiguous\(\): argument 'memory_format' must be "
        r"torch.memory_format, not str$",
    ):
        x.is_contiguous(memory_format="x")
    with pytest.raises(
        TypeError,
        match=r"^contiguous\(\): argument 'memory_format' must be "
        r"torch.memory_format, not NoneType$",
    ):
        x.contiguous(memory_format=None)
    with pytest.raises(
        TypeError,
        match=r"^clone\(\): argument 'memory_format' must be "
        r"torch.memory_format, not int$",
    ):
        x.clone(memory_format=1)
    for fn in ("zeros_like", "empty_like"):
        with pytest.raises(
            TypeError,
            match=rf"^{fn}\(\): argument 'memory_format' must be "
            r"torch.memory_format, not str$",
        ):
            getattr(torch, fn)(x, memory_format="a")
    with pytest.raises(TypeError, match=r"^empty\(\): argument 'memory_format' must be "):
        torch.empty(2, memory_format="a")
    with pytest.raises(TypeError, match="memory_format"):
        torch.zeros(2, 3, memory_format=torch.contiguous_format)


def test_contiguous_format_is_honoured(torch):
    t = torch.ones(3, 2).t()
    assert t.contiguous(memory_format=torch.contiguous_format).stride() == (3, 1)
    assert t.clone(memory_format=torch.contiguous_format).stride() == (3, 1)
    assert torch.zeros_like(t, memory_format=torch.contiguous_format).stride() == (3, 1)
    assert torch.empty_like(t, memory_format=torch.contiguous_format).stride() == (3, 1)
    # to() keeps a tensor whose layout already suggests the format
    assert t.to(memory_format=torch.contiguous_format) is t
    x = torch.ones(2, 3)
    assert x.contiguous(memory_format=torch.preserve_format) is x
    assert x.to(memory_format=torch.preserve_format) is x
    assert x.contiguous(memory_format=torch.contiguous_format) is x
    for fn in (torch.ones_like, torch.rand_like, torch.randn_like):
        assert fn(x, memory_format=torch.preserve_format).shape == (2, 3)
    assert torch.full_like(x, 2, memory_format=torch.contiguous_format).tolist() == [[2.0] * 3] * 2
    assert torch.randint_like(x, 3, memory_format=torch.contiguous_format).shape == (2, 3)
    assert torch.empty(2, 3, memory_format=torch.contiguous_format).stride() == (3, 1)
    nhwc = (
        torch.arange(24.0).reshape(1, 2, 3, 4).permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)
    )
    back = nhwc.to(memory_format=torch.contiguous_format)
    assert back.is_contiguous() and back.stride() == (24, 12, 4, 1)
    assert back.tolist() == nhwc.tolist()
    assert nhwc.to(memory_format=torch.channels_last) is nhwc
    assert nhwc.contiguous(memory_format=torch.channels_last) is nhwc


def test_memory_format_errors(torch):
    z = torch.ones(2, 3)
    for call in (
        lambda: z.contiguous(memory_format=torch.channels_last),
        lambda: z.clone(memory_format=torch.channels_last),
        lambda: z.to(memory_format=torch.channels_last),
        lambda: torch.zeros_like(z, memory_format=torch.channels_last),
        lambda: torch.empty(2, 3, memory_format=torch.channels_last),
    ):
        with pytest.raises(
            RuntimeError, match="^required rank 4 tensor to use channels_last format$"
        ):
            call()
    with pytest.raises(
        RuntimeError, match="^required rank 5 tensor to use channels_last_3d format$"
    ):
        torch.empty(2, 3, 4, 5, memory_format=torch.channels_last_3d)
    with pytest.raises(RuntimeError, match="^unsupported memory format Preserve$"):
        torch.empty(2, 3, memory_format=torch.preserve_format)
    with pytest.raises(
        RuntimeError, match="^preserve memory format is unsupported by the contiguous operator$"
    ):
        z.t().contiguous(memory_format=torch.preserve_format)


def test_channels_last_when_layouts_coincide(torch):
    # one channel (or 1x1 images): the row-major result already is channels-last contiguous
    for shape in ((2, 1, 3, 3), (2, 3, 1, 1)):
        x = torch.arange(float(np.prod(shape))).reshape(shape)
        for y in (
            x.contiguous(memory_format=torch.channels_last),
            x.to(memory_format=torch.channels_last),
            x.clone(memory_format=torch.channels_last),
            torch.empty_like(x, memory_format=torch.channels_last),
            torch.empty(shape, memory_format=torch.channels_last),
        ):
            assert y.shape == shape
            assert y.is_contiguous(memory_format=torch.channels_last)


@pytest.mark.known_difference(
    reason="torchlike stores computed tensors row-major only; "
    "channels_last conversions raise NotImplementedError"
)
def test_channels_last_strides(torch):
    x = torch.arange(24.0).reshape(1, 2, 3, 4)
    y = x.contiguous(memory_format=torch.channels_last)
    assert y.stride() == (24, 1, 8, 2)
    assert y.tolist() == x.tolist()
    assert x.to(memory_format=torch.channels_last).is_contiguous(memory_format=torch.channels_last)


@pytest.mark.torchlike_only
def test_channels_last_refused_clearly(torch):
    x = torch.ones(2, 3, 4, 5)
    for call in (
        lambda: x.contiguous(memory_format=torch.channels_last),
        lambda: x.to(memory_format=torch.channels_last),
        lambda: x.to(torch.float64, memory_format=torch.channels_last),
        lambda: torch.empty_like(x, memory_format=torch.channels_last),
        lambda: torch.empty(2, 3, 4, 5, memory_format=torch.channels_last),
        lambda: torch.ones(2, 3, 4, 5, 6).clone(memory_format=torch.channels_last_3d),
    ):
        with pytest.raises(
            NotImplementedError, match="is not supported by torchlike.*contiguous_format"
        ):
            call()


@pytest.mark.known_difference(
    reason="torchlike results are row-major: preserve_format keeps only contiguous layouts"
)
def test_preserve_format_keeps_transposed_strides(torch):
    t = torch.ones(3, 2).t()
    assert t.clone().stride() == (1, 2)


# ---------------------------------------------------------------------------- tensor attributes
def test_dense_cpu_flags(torch):
    x = torch.ones(2, 3)
    for flag in ("is_sparse", "is_cuda", "is_quantized", "is_meta", "is_mkldnn", "is_nested"):
        assert getattr(x, flag) is False
    assert x.get_device() == -1
    assert torch.FloatTensor.is_cuda is False and torch.FloatTensor.is_sparse is False


@pytest.mark.parametrize(
    "dtype,size",
    [
        ("float32", 4),
        ("float64", 8),
        ("float16", 2),
        ("bfloat16", 2),
        ("int64", 8),
        ("int8", 1),
        ("uint8", 1),
        ("bool", 1),
        ("complex64", 8),
    ],
)
def test_sizes_in_bytes(torch, dtype, size):
    x = torch.zeros(2, 3, dtype=getattr(torch, dtype))
    assert x.element_size() == x.itemsize == size
    assert x.nbytes == 6 * size
    assert x[1:].nbytes == 3 * size
    s = x.untyped_storage()
    assert s.nbytes() == s.size() == len(s) == 6 * size
    assert s.element_size() == 1


def test_expanded_nbytes(torch):
    e = torch.ones(1, 3).expand(4, 3)
    assert e.nbytes == 48
    assert e.untyped_storage().nbytes() == 12


def test_storage_offset(torch):
    w = torch.arange(10.0)
    assert w.storage_offset() == 0
    assert w[2:].storage_offset() == 2
    assert w.view(2, 5)[1].storage_offset() == 5
    assert w.view(2, 5)[:, 3].storage_offset() == 3
    assert w[-1].storage_offset() == 9
    assert w.view(2, 5).untyped_storage().nbytes() == 40
    assert w.untyped_storage().device == torch.device("cpu")


def test_data_ptr_of_views(torch):
    w = torch.arange(10.0)
    p = w.data_ptr()
    assert p != 0 and p % 64 == 0
    assert w[2:].data_ptr() == p + 2 * w.element_size()
    assert w.view(2, 5)[1].data_ptr() == p + 5 * 4
    assert w.view(2, 5).t()[1].data_ptr() == p + 4
    assert w[::3].data_ptr() == p
    assert w[-1].data_ptr() == p + 36
    assert w.detach().data_ptr() == p and w.data.data_ptr() == p
    assert w.view(5, 2).data_ptr() == p
    assert w.clone().data_ptr() != p
    store = w.untyped_storage().data_ptr()
    assert store == p
    for v in (w[2:], w.view(2, 5)[1], w.view(2, 5).t(), w[::3], w.detach()):
        assert v.untyped_storage().data_ptr() == store
        assert v.untyped_storage() == w.untyped_storage()
    assert torch.tensor(3).data_ptr() != 0
    assert torch.ones(0).data_ptr() == 0


def test_data_ptr_follows_in_place_writes(torch):
    a = torch.zeros(4)
    b = a[1:3]
    before = (a.data_ptr(), b.data_ptr())
    b.add_(1)
    a.mul_(2)
    assert (a.data_ptr(), b.data_ptr()) == before
    assert b.data_ptr() - a.data_ptr() == 4
    assert a.tolist() == [0.0, 2.0, 2.0, 0.0]


def test_distinct_storages_do_not_overlap(torch):
    xs = [torch.ones(n) for n in (1, 7, 16, 3)]
    spans = sorted((x.data_ptr(), x.data_ptr() + x.nbytes) for x in xs)
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert end <= start
    assert xs[0].untyped_storage() != xs[1].untyped_storage()


def test_data_ptr_of_view_ops(torch):
    x = torch.arange(60.0).reshape(3, 4, 5)
    views = [
        x[1], x[:, 2], x[..., 3], x[1:, 1:, 1:], x.diagonal(),
        x.diagonal(offset=1, dim1=1, dim2=2), x.unsqueeze(0), x[0].t()[2], x.narrow(2, 2, 2),
        x.select(1, 3), x.expand(2, 3, 4, 5)[1], x.view(-1)[7:], x.unbind(1)[2],
        x.split(2, dim=2)[1], x.chunk(2, dim=1)[1], x.transpose(0, 2)[1], x.movedim(0, 2)[1, 1],
        x.flatten()[5::7], x[2].view(20)[3:], x[None, 1], x.permute(2, 0, 1)[4],
    ]  # fmt: skip
    offsets = [20, 10, 3, 26, 0, 1, 0, 2, 2, 15, 0, 7, 10, 2, 10, 1, 6, 5, 43, 20, 4]
    assert [v.storage_offset() for v in views] == offsets
    assert [(v.data_ptr() - x.data_ptr()) // 4 for v in views] == offsets
    assert all(v.untyped_storage() == x.untyped_storage() for v in views)


def test_module_to_parses_its_arguments_as_tensor_to(torch):
    m = torch.nn.Conv2d(2, 2, 3)
    with pytest.raises(TypeError, match=r"^to\(\) received an invalid combination of arguments"):
        m.to(foo=1)
    assert m.to(torch.float64, True).weight.dtype == torch.float64
    assert m.to(device="cpu", non_blocking=True).weight.device.type == "cpu"
    assert m.to(torch.ones(1)).weight.dtype == torch.float32  # a tensor: its dtype (and device)
    m.to(memory_format=torch.contiguous_format)
    assert m.weight.is_contiguous() and m.bias.shape == (2,)


@pytest.mark.known_difference(
    reason="torchlike stores tensors row-major: channels_last raises (README), in Module.to too"
)
def test_module_to_channels_last(torch):
    m = torch.nn.Conv2d(2, 2, 3).to(memory_format=torch.channels_last)
    assert m.weight.is_contiguous(memory_format=torch.channels_last)
