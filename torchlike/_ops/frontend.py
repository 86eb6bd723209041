"""PyTorch's signatures on top of the op table: ``torch.<fn>`` functions and Tensor methods.

Each function here only parses PyTorch's arguments and picks the table entry; all computing,
promotion and graph recording happens in ``core.apply``.
"""

from __future__ import annotations

import builtins
import collections
import math

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .._size import Size
from .._tensor import Tensor, _wrap_dim
from .core import apply
from .table import OPS

FUNCTIONS: dict = {}   # torch.<name>
METHODS: dict = {}     # Tensor.<name>


def export(*names, method=True, function=True):
    def deco(fn):
        for n in names or (fn.__name__,):
            if function:
                FUNCTIONS[n] = fn
            if method:
                METHODS[n] = fn
        return fn
    return deco


def _t(x):
    """Coerce a non-Tensor array-like argument (not a scalar) to a Tensor."""
    if isinstance(x, Tensor):
        return x
    from .._factories import tensor
    return tensor(x)


def _is_scalar(x):
    return isinstance(x, (bool, int, float, complex)) or (
        isinstance(x, np.generic) and not isinstance(x, np.ndarray))


def _scalar(x):
    return x.item() if isinstance(x, np.generic) else x


def _dims(dim, ndim):
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        return tuple(_wrap_dim(d, ndim) for d in dim)
    return _wrap_dim(dim, ndim)


def _dim_tuple(dim, ndim):
    return _dims(tuple(dim) if isinstance(dim, (tuple, list)) else (dim,), ndim)


def _size_args(args):
    if len(args) == 1 and isinstance(args[0], (tuple, list, Size)):
        return tuple(args[0])
    return tuple(args)


# ---------------------------------------------------------------------------------- unary ops
def _make_unary(name, op_key=None):
    op = OPS[op_key or name]

    def fn(input, *, out=None):
        return apply(op, (input,))

    fn.__name__ = name
    return fn


for _name in ["exp", "exp2", "log", "log2", "log10", "log1p", "expm1", "sqrt", "rsqrt", "sin",
              "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "sigmoid",
              "reciprocal", "neg", "abs", "relu", "floor", "ceil", "trunc", "sign", "erf",
              "logical_not", "bitwise_not", "isnan", "isinf", "isfinite"]:
    export(_name)(_make_unary(_name))
for _alias, _name in {"negative": "neg", "absolute": "abs", "arcsin": "asin",
                      "arccos": "acos", "arctan": "atan", "fix": "trunc"}.items():
    export(_alias)(_make_unary(_alias, _name))


@export()
def round(input, *, decimals=0):
    if decimals == 0:
        return apply(OPS["round"], (input,))
    return apply(OPS["round_decimals"], (input,), (("decimals", decimals),))


@export()
def square(input):
    return pow(input, 2)


# ---------------------------------------------------------------------------------- binary ops
def _binary(op, a, b, static=()):
    if not isinstance(a, Tensor):
        a = _scalar(a) if _is_scalar(a) else _t(a)
    if not isinstance(b, Tensor):
        b = _scalar(b) if _is_scalar(b) else _t(b)
    return apply(op, (a, b), static)


@export()
def add(input, other, *, alpha=1, out=None):
    return _binary(OPS["add"], input, other, (("alpha", alpha),))


@export("sub", "subtract")
def sub(input, other, *, alpha=1, out=None):
    return _binary(OPS["sub"], input, other, (("alpha", alpha),))


@export()
def rsub(input, other, *, alpha=1):
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    return apply(OPS["rsub"], (input, _scalar(other)), (("alpha", alpha),))


@export("mul", "multiply")
def mul(input, other, *, out=None):
    return _binary(OPS["mul"], input, other)


@export("div", "divide", "true_divide")
def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is None:
        return _binary(OPS["div"], input, other)
    return _binary(OPS["div_mode"], input, other, (("rounding_mode", rounding_mode),))


@export()
def floor_divide(input, other):
    return _binary(OPS["floor_divide"], input, other)


@export()
def remainder(input, other):
    return _binary(OPS["remainder"], input, other)


@export()
def fmod(input, other):
    return _binary(OPS["fmod"], input, other)


@export("atan2", "arctan2")
def atan2(input, other):
    return _binary(OPS["atan2"], input, other)


@export()
def maximum(input, other):
    return _binary(OPS["maximum"], input, other)


@export()
def minimum(input, other):
    return _binary(OPS["minimum"], input, other)


@export()
def pow(input, exponent):
    if not isinstance(input, Tensor):
        return apply(OPS["pow_scalar_base"], (exponent, _scalar(input)))
    if _is_scalar(exponent):
        return apply(OPS["pow_scalar"], (input, _scalar(exponent)))
    return _binary(OPS["pow"], input, exponent)


@export("float_power")
def float_power(input, exponent):
    return pow(_t(input).to(D.float64), exponent)


for _name in ["eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor",
              "bitwise_and", "bitwise_or", "bitwise_xor"]:
    def _cmp(input, other, *, _op=OPS[_name], out=None):
        return _binary(_op, input, other)
    _cmp.__name__ = _name
    export(_name)(_cmp)
for _alias, _name in {"greater": "gt", "greater_equal": "ge", "less": "lt", "less_equal": "le",
                      "not_equal": "ne"}.items():
    export(_alias)(FUNCTIONS[_name])


@export()
def equal(input, other):
    return tuple(input.shape) == tuple(other.shape) and bool(jnp.all(input._value == other._value))


@export()
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(jnp.allclose(input._value, other._value, rtol, atol, equal_nan))


@export()
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return Tensor._make(jnp.isclose(input._value, _t(other)._value, rtol, atol, equal_nan))


@export("clamp", "clip")
def clamp(input, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return apply(OPS["clamp_tensor"], (input, min, max))
    return apply(OPS["clamp"], (input, _scalar(min) if min is not None else None,
                                _scalar(max) if max is not None else None))


@export(method=False)
def where(condition, input=None, other=None):
    if input is None and other is None:
        return nonzero(condition, as_tuple=True)
    if not isinstance(input, Tensor) and not _is_scalar(input):
        input = _t(input)
    if not isinstance(other, Tensor) and not _is_scalar(other):
        other = _t(other)
    if condition._dtype is not D.bool_:
        condition = condition.to(D.bool_)
    return apply(OPS["where"], (input, other, condition))


def _where_method(self, condition, y):
    return where(condition, self, y)


METHODS["where"] = _where_method


@export()
def lerp(input, end, weight):
    if isinstance(weight, Tensor):
        return apply(OPS["lerp_tensor"], (input, end, weight))
    return apply(OPS["lerp"], (input, end, _scalar(weight)))


@export()
def masked_fill(input, mask, value):
    if mask._dtype is not D.bool_:
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{_C_NAMES.get(mask._dtype, mask._dtype)}")
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value.ndim} dimension(s).")
    if isinstance(value, Tensor):
        return apply(OPS["masked_fill_tensor"], (input, mask, value.to(input.dtype)))
    return apply(OPS["masked_fill"], (input, mask, _scalar(value)))


# ---------------------------------------------------------------------------------- reductions
def _dtype_static(dtype):
    return () if dtype is None else (("dtype", D.to_dtype(dtype)._np),)


@export()
def sum(input, dim=None, keepdim=False, *, dtype=None):
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return apply(OPS["sum"], (input,), _dtype_static(dtype))
    return apply(OPS["sum_dim"], (input,),
                 (("dim", _dim_tuple(dim, input.ndim)), ("keepdim", keepdim))
                 + _dtype_static(dtype))


@export()
def mean(input, dim=None, keepdim=False, *, dtype=None):
    d = D.to_dtype(dtype) if dtype is not None else input.dtype
    if not (d.is_floating_point or d.is_complex):
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {_SCALAR_TYPE_NAMES.get(d, str(d))}")
    if dim is None:
        return apply(OPS["mean"], (input,), _dtype_static(dtype))
    return apply(OPS["mean_dim"], (input,),
                 (("dim", _dim_tuple(dim, input.ndim)), ("keepdim", keepdim))
                 + _dtype_static(dtype))


_SCALAR_TYPE_NAMES = {D.int64: "Long", D.int32: "Int", D.int16: "Short", D.int8: "Char",
                      D.uint8: "Byte", D.bool_: "Bool"}


@export()
def prod(input, dim=None, keepdim=False, *, dtype=None):
    if dim is None:
        return apply(OPS["prod"], (input,), _dtype_static(dtype))
    return apply(OPS["prod_dim"], (input,),
                 (("dim", _dims(dim, input.ndim)), ("keepdim", keepdim)) + _dtype_static(dtype))


def _named(name):
    cls = collections.namedtuple(name, ["values", "indices"])

    def __repr__(self):
        return (f"torch.return_types.{name}(\nvalues={self.values!r},\n"
                f"indices={self.indices!r})")
    cls.__repr__ = __repr__
    cls.__module__ = "torch.return_types"
    return cls


return_max = _named("max")
return_min = _named("min")
return_sort = _named("sort")
return_topk = _named("topk")
return_median = _named("median")


def _minmax(which, input, dim=None, keepdim=False):
    if isinstance(dim, Tensor):
        return (maximum if which == "max" else minimum)(input, dim)
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError(
                f"{which}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument.")
        return apply(OPS[which], (input,))
    values, indices = apply(OPS[which + "_dim"], (input,),
                            (("dim", _wrap_dim(dim, input.ndim)), ("keepdim", keepdim)))
    return (return_max if which == "max" else return_min)(values, indices)


@export()
def max(input, dim=None, keepdim=False):
    return _minmax("max", input, dim, keepdim)


@export()
def min(input, dim=None, keepdim=False):
    return _minmax("min", input, dim, keepdim)


@export()
def amax(input, dim=(), keepdim=False):
    dim = tuple(range(input.ndim)) if dim in ((), None) else dim
    return apply(OPS["amax"], (input,), (("dim", _dims(dim, input.ndim)), ("keepdim", keepdim)))


@export()
def amin(input, dim=(), keepdim=False):
    dim = tuple(range(input.ndim)) if dim in ((), None) else dim
    return apply(OPS["amin"], (input,), (("dim", _dims(dim, input.ndim)), ("keepdim", keepdim)))


@export()
def argmax(input, dim=None, keepdim=False):
    return apply(OPS["argmax"], (input,), (("dim", _dims(dim, input.ndim)), ("keepdim", keepdim)))


@export()
def argmin(input, dim=None, keepdim=False):
    return apply(OPS["argmin"], (input,), (("dim", _dims(dim, input.ndim)), ("keepdim", keepdim)))


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    if unbiased is None:
        return 1
    return 1 if unbiased else 0


def _var_std(which, input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, bool):  # var(input, unbiased)
        unbiased, dim = dim, None
    static = (("dim", _dims(dim, input.ndim)), ("correction", _correction(unbiased, correction)),
              ("keepdim", keepdim))
    return apply(OPS[which], (input,), static)


@export()
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_std("var", input, dim, unbiased, keepdim, correction=correction)


@export()
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_std("std", input, dim, unbiased, keepdim, correction=correction)


@export()
def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    ord = 2 if p in ("fro", None) else p
    if isinstance(dim, int):
        dim = (dim,)
    return apply(OPS["norm"], (input,), (("ord", ord), ("dim", _dims(dim, input.ndim)),
                                         ("keepdim", keepdim)))


@export()
def logsumexp(input, dim, keepdim=False):
    if isinstance(dim, int):
        dim = (dim,)
    return apply(OPS["logsumexp"], (input,), (("dim", _dims(dim, input.ndim)),
                                              ("keepdim", keepdim)))


@export()
def cumsum(input, dim, *, dtype=None):
    return apply(OPS["cumsum"], (input,), (("dim", _wrap_dim(dim, input.ndim)),)
                 + _dtype_static(dtype))


@export()
def cumprod(input, dim, *, dtype=None):
    return apply(OPS["cumprod"], (input,), (("dim", _wrap_dim(dim, input.ndim)),)
                 + _dtype_static(dtype))


@export()
def all(input, dim=None, keepdim=False):
    return apply(OPS["all"], (input,), (("dim", _dims(dim, input.ndim)), ("keepdim", keepdim)))


@export()
def any(input, dim=None, keepdim=False):
    return apply(OPS["any"], (input,), (("dim", _dims(dim, input.ndim)), ("keepdim", keepdim)))


@export()
def softmax(input, dim=None, dtype=None, **kwargs):
    return apply(OPS["softmax"], (input,), (("dim", _wrap_dim(dim, input.ndim)),)
                 + _dtype_static(dtype))


@export()
def log_softmax(input, dim=None, dtype=None, **kwargs):
    return apply(OPS["log_softmax"], (input,), (("dim", _wrap_dim(dim, input.ndim)),)
                 + _dtype_static(dtype))


# ---------------------------------------------------------------------------------- linear algebra
@export()
def mm(input, mat2):
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({input.shape[0]}x{input.shape[1]} and "
            f"{mat2.shape[0]}x{mat2.shape[1]})")
    return apply(OPS["mm"], (input, mat2))


@export()
def bmm(input, mat2):
    return apply(OPS["bmm"], (input, mat2))


@export()
def mv(input, vec):
    return apply(OPS["mv"], (input, vec))


@export()
def dot(input, tensor):
    return apply(OPS["dot"], (input, tensor))


@export("matmul")
def matmul(input, other):
    a, b = input.ndim, other.ndim
    if a == 0 or b == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{a}D and {b}D")
    if a == 1 and b == 1:
        return dot(input, other)
    if a == 2 and b == 1:
        return mv(input, other)
    if a == 2 and b == 2:
        return mm(input, other)
    if a == 1 and b == 2:
        return apply(OPS["mm"], (input.unsqueeze(0), other)).squeeze(0)
    return apply(OPS["matmul_nd"], (input, other))


@export()
def outer(input, vec2):
    return input.reshape(-1, 1) * vec2


@export()
def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    return apply(OPS["addmm"], (input, mat1, mat2), (("beta", beta), ("alpha", alpha)))


@export(method=False)
def einsum(equation, *operands):
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return apply(OPS["einsum"], tuple(operands), (("equation", equation),))


# ---------------------------------------------------------------------------------- shapes
def _infer_shape(shape, numel):
    shape = list(shape)
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if -1 in shape:
        known = math.prod(s for s in shape if s != -1)
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape[shape.index(-1)] = numel // known
    if math.prod(shape) != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


@export(function=False)
def view(self, *shape):
    if len(shape) == 1 and isinstance(shape[0], D.dtype):
        raise NotImplementedError("Tensor.view(dtype) is not supported by torchlike")
    shape = _infer_shape(_size_args(shape), self.numel())
    if not _viewable(self, shape):
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")
    return apply(OPS["view"], (self,), (("shape", shape),))


def _viewable(t, shape):
    if t._geom is None or t.is_contiguous():
        return True
    # a non-contiguous tensor can still be viewed if only size-1 dims come and go
    return tuple(s for s in shape if s != 1) == tuple(s for s in t.shape if s != 1)


@export()
def reshape(input, *shape):
    shape = _infer_shape(_size_args(shape), input.numel())
    if _viewable(input, shape):
        return apply(OPS["view"], (input,), (("shape", shape),))
    # PyTorch copies here (clone + _unsafe_view): the result does not share storage
    return apply(OPS["unsafe_view"], (input,), (("shape", shape),))


@export(function=False)
def view_as(self, other):
    return view(self, other.shape)


@export(function=False)
def reshape_as(self, other):
    return reshape(self, other.shape)


@export()
def flatten(input, start_dim=0, end_dim=-1):
    if input.ndim == 0:
        return reshape(input, 1)
    s = _wrap_dim(start_dim, input.ndim)
    e = _wrap_dim(end_dim, input.ndim)
    if s == e:
        return input
    shape = tuple(input.shape[:s]) + (math.prod(input.shape[s:e + 1]),) + tuple(input.shape[e + 1:])
    return reshape(input, shape)


@export()
def unflatten(input, dim, sizes):
    d = _wrap_dim(dim, input.ndim)
    sizes = list(sizes)
    if -1 in sizes:
        known = math.prod(x for x in sizes if x != -1)
        sizes[sizes.index(-1)] = input.shape[d] // known if known else 0
    shape = tuple(input.shape[:d]) + tuple(sizes) + tuple(input.shape[d + 1:])
    return view(input, shape)


@export()
def movedim(input, source, destination):
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    src = [_wrap_dim(x, input.ndim) for x in src]
    dst = [_wrap_dim(x, input.ndim) for x in dst]
    order = [None] * input.ndim
    for a, b in zip(src, dst):
        order[b] = a
    rest = iter(x for x in range(input.ndim) if x not in src)
    order = [next(rest) if o is None else o for o in order]
    return permute(input, tuple(order))


FUNCTIONS["moveaxis"] = METHODS["moveaxis"] = movedim


@export()
def as_strided(input, size, stride, storage_offset=None):
    from .._storage import StridedGeometry

    offset = input.storage_offset() if storage_offset is None else storage_offset
    geom = StridedGeometry(size, stride, offset)
    index = geom.index(input._storage)
    if input._geom is None:
        out = apply(OPS["as_strided"], (input, Tensor._make(jnp.asarray(index))))
    else:
        out = Tensor._make(jnp.take(input._storage.data.reshape(-1), jnp.asarray(index)))
    v = input._make_view(out._value, None, ())
    v._geom = geom
    if out._grad_fn is not None:
        v._grad_fn, v._requires_grad = out._grad_fn, True
    return v


@export()
def ravel(input):
    return flatten(input)


@export()
def squeeze(input, dim=None):
    shape = input.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
        return apply(OPS["squeeze"], (input,), (("shape", new),))
    if isinstance(dim, (tuple, list)):
        dims = _dims(dim, input.ndim)
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
        return apply(OPS["squeeze_dims"], (input,), (("shape", new), ("dim", dims)))
    d = _wrap_dim(dim, input.ndim)
    new = tuple(s for i, s in enumerate(shape) if not (i == d and s == 1))
    return apply(OPS["squeeze_dim"], (input,), (("shape", new), ("dim", d)))


@export()
def unsqueeze(input, dim):
    return apply(OPS["unsqueeze"], (input,), (("dim", _wrap_dim(dim, input.ndim + 1)),))


@export()
def permute(input, *dims):
    dims = _dims(_size_args(dims), input.ndim)
    if sorted(dims) != list(range(input.ndim)):
        raise RuntimeError("permute(sparse_coo): number of dimensions in the tensor input does "
                           "not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {input.ndim} is not equal to len(dims) = {len(dims)}")
    return apply(OPS["permute"], (input,), (("dims", dims),))


@export("transpose", "swapaxes", "swapdims")
def transpose(input, dim0, dim1):
    return apply(OPS["transpose"], (input,), (("dim0", _wrap_dim(dim0, input.ndim)),
                                              ("dim1", _wrap_dim(dim1, input.ndim))))


@export()
def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return apply(OPS["t"], (input,))


@export(function=False)
def expand(self, *sizes):
    sizes = _size_args(sizes)
    nd = len(sizes)
    if nd < self.ndim:
        raise RuntimeError(
            f"expand(torch.FloatTensor{{{list(self.shape)}}}, size={list(sizes)}): the number of "
            "sizes provided (%d) must be greater or equal to the number of dimensions in the "
            "tensor (%d)" % (nd, self.ndim))
    own = (1,) * (nd - self.ndim) + tuple(self.shape)
    shape = tuple(o if s == -1 else s for s, o in zip(sizes, own))
    return apply(OPS["expand"], (self,), (("shape", shape),))


@export(function=False)
def expand_as(self, other):
    return expand(self, other.shape)


@export(function=False)
def repeat(self, *repeats):
    repeats = _size_args(repeats)
    return apply(OPS["repeat"], (self,), (("repeats", repeats),))


@export(method=False)
def broadcast_to(input, size):
    return expand(input, size)


def _seq_operands(tensors):
    return tuple(t if isinstance(t, Tensor) else _t(t) for t in tensors)


@export("cat", "concat", "concatenate", method=False)
def cat(tensors, dim=0, *, axis=None):
    tensors = _seq_operands(tensors)
    if axis is not None:
        dim = axis
    # PyTorch skips legacy empty 1-D tensors in cat
    ndim = builtins.max(t.ndim for t in tensors)
    return apply(OPS["cat"], tensors, (("dim", _wrap_dim(dim, ndim)),))


@export(method=False)
def stack(tensors, dim=0):
    tensors = _seq_operands(tensors)
    return apply(OPS["stack"], tensors, (("dim", _wrap_dim(dim, tensors[0].ndim + 1)),))


@export(method=False)
def hstack(tensors):
    tensors = _seq_operands(tensors)
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


@export(method=False)
def vstack(tensors):
    tensors = [t.reshape(1, -1) if t.ndim < 2 else t for t in _seq_operands(tensors)]
    return cat(tensors, 0)


@export()
def split(tensor, split_size_or_sections, dim=0):
    d = _wrap_dim(dim, tensor.ndim)
    n = tensor.shape[d]
    if isinstance(split_size_or_sections, int):
        s = split_size_or_sections
        sizes = tuple(builtins.min(s, n - i) for i in range(0, n, s)) if n else (0,)
        return apply(OPS["split"], (tensor,), (("sizes", sizes), ("dim", d), ("split_size", s)))
    sizes = tuple(split_size_or_sections)
    if builtins.sum(sizes) != n:
        raise RuntimeError(
            f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
            f"at dimension {d}), but got split_sizes={list(sizes)}")
    return apply(OPS["split_with_sizes"], (tensor,), (("sizes", sizes), ("dim", d)))


@export()
def chunk(input, chunks, dim=0):
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    size = -(-n // chunks) if n else 0
    if size == 0:
        return split(input, 1, d) if n else (input,)
    return split(input, size, d)


@export()
def unbind(input, dim=0):
    return apply(OPS["unbind"], (input,), (("dim", _wrap_dim(dim, input.ndim)),))


@export()
def select(input, dim, index):
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    return apply(OPS["select"], (input,), (("dim", d), ("index", index % n if n else index)))


@export()
def narrow(input, dim, start, length):
    d = _wrap_dim(dim, input.ndim)
    start = int(start)
    if start < 0:
        start += input.shape[d]
    return _slice(input, d, start, start + length, 1)


def _slice(input, dim, start, end, step):
    return apply(OPS["slice"], (input,), (("dim", dim), ("start", start), ("end", end),
                                          ("step", step)))


@export()
def gather(input, dim, index, *, sparse_grad=False):
    return apply(OPS["gather"], (input, index), (("dim", _wrap_dim(dim, input.ndim)),))


@export()
def index_select(input, dim, index):
    return apply(OPS["index_select"], (input, index), (("dim", _wrap_dim(dim, input.ndim)),))


@export()
def diag(input, diagonal=0):
    if input.ndim == 1:
        return apply(OPS["diag_embed"], (input,), (("diagonal", diagonal),))
    return apply(OPS["diagonal"], (input,), (("diagonal", diagonal),))


@export()
def diagonal(input, offset=0, dim1=0, dim2=1):
    return apply(OPS["diagonal_view"], (input,), (("offset", offset),
                                                  ("dim1", _wrap_dim(dim1, input.ndim)),
                                                  ("dim2", _wrap_dim(dim2, input.ndim))))


@export()
def clamp_min(input, min):
    if isinstance(min, Tensor):
        return clamp(input, min=min)
    return apply(OPS["clamp_min"], (input, _scalar(min)))


@export()
def clamp_max(input, max):
    if isinstance(max, Tensor):
        return clamp(input, max=max)
    return apply(OPS["clamp_max"], (input, _scalar(max)))


@export()
def count_nonzero(input, dim=None):
    return sum(FUNCTIONS["ne"](input, 0), dim)


@export()
def sort(input, dim=-1, descending=False, stable=False):
    values, indices = apply(OPS["sort"], (input,), (("dim", _wrap_dim(dim, input.ndim)),
                                                    ("descending", descending),
                                                    ("stable", stable)))
    return return_sort(values, indices)


@export()
def argsort(input, dim=-1, descending=False, stable=False):
    return sort(input, dim, descending, stable).indices


@export()
def topk(input, k, dim=-1, largest=True, sorted=True):
    values, indices = apply(OPS["topk"], (input,), (("k", k), ("dim", _wrap_dim(dim, input.ndim)),
                                                    ("largest", largest), ("sorted", sorted)))
    return return_topk(values, indices)


@export()
def tril(input, diagonal=0):
    return apply(OPS["tril"], (input,), (("diagonal", diagonal),))


@export()
def triu(input, diagonal=0):
    return apply(OPS["triu"], (input,), (("diagonal", diagonal),))


@export()
def flip(input, dims):
    return apply(OPS["flip"], (input,), (("dims", _dims(tuple(dims), input.ndim)),))


@export()
def nonzero(input, *, as_tuple=False):
    idx = np.nonzero(np.asarray(input._value))
    if as_tuple:
        return tuple(Tensor._make(jnp.asarray(i, jnp.int64)) for i in idx)
    return Tensor._make(jnp.asarray(np.stack(idx, axis=1) if idx else np.zeros((0, 0)), jnp.int64))


@export(function=False)
def to(self, *args, **kwargs):
    dtype = kwargs.get("dtype")
    for a in args:
        if isinstance(a, D.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
    if dtype is None or dtype is self._dtype:
        return self
    return apply(OPS["to"], (self,), (("dtype", dtype._np),))


@export()
def clone(input, *, memory_format=None):
    return apply(OPS["clone"], (input,))


# ---------------------------------------------------------------------------------- indexing
def _getitem(self, index):
    if not isinstance(index, tuple):
        index = (index,)
    # bool masks and index sequences are advanced indexing: one IndexBackward0 node
    if builtins.any(isinstance(i, (Tensor, list, np.ndarray)) or isinstance(i, bool)
                    for i in index):
        return _advanced_index(self, index)
    n_real = builtins.sum(1 for i in index if i is not None and i is not Ellipsis)
    if n_real > self.ndim:
        raise IndexError(f"too many indices for tensor of dimension {self.ndim}")
    out = self
    dim = 0
    expanded = []
    for i in index:
        if i is Ellipsis:
            expanded.extend([slice(None)] * (self.ndim - n_real))
        else:
            expanded.append(i)
    for i in expanded:
        if i is None:
            out = unsqueeze(out, dim)
            dim += 1
        elif isinstance(i, slice):
            n = out.shape[dim]
            start, stop, step = i.indices(n)
            if step <= 0:
                raise ValueError("step must be greater than zero")
            stop = builtins.max(stop, start)
            if not (start == 0 and stop == n and step == 1) or len(expanded) == 1:
                out = _slice(out, dim, start, stop, step)
            dim += 1
        else:
            i = int(i)
            n = out.shape[dim]
            if not -n <= i < n:
                raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {n}")
            out = select(out, dim, i)
    return out


def _select_ints_first(self, index):
    """PyTorch applies integer indices as ``select`` before advanced indexing (NumPy would
    broadcast them with the index tensors, which reorders dimensions)."""
    index = list(index)
    n_real = builtins.sum(
        (i.ndim if isinstance(i, Tensor) and i._dtype in (D.bool_, D.uint8) and i.ndim else 1)
        for i in index if i is not None and i is not Ellipsis)
    expanded = []
    for i in index:
        if i is Ellipsis:
            expanded.extend([slice(None)] * builtins.max(self.ndim - n_real, 0))
        else:
            expanded.append(i)
    dims = []
    dim = 0
    for i in expanded:
        dims.append(dim)
        if i is None:
            continue
        if isinstance(i, Tensor) and i._dtype in (D.bool_, D.uint8):
            dim += builtins.max(i.ndim, 1) if i.ndim else 0
        elif isinstance(i, bool):
            continue
        else:
            dim += 1
    out = self
    kept = []
    removed = 0
    for i, d in zip(expanded, dims):
        if isinstance(i, (int, np.integer)) and not isinstance(i, bool):
            n = out.shape[d - removed]
            if not -n <= i < n:
                raise IndexError(f"index {i} is out of bounds for dimension {d} with size {n}")
            out = select(out, d - removed, int(i))
            removed += 1
        else:
            kept.append(i)
    return out, tuple(kept)


def _expand_ellipsis(ndim, index):
    n_real = builtins.sum(
        (i.ndim if isinstance(i, Tensor) and i._dtype in (D.bool_, D.uint8) and i.ndim else 1)
        for i in index if i is not None and i is not Ellipsis and not isinstance(i, bool))
    out = []
    for i in index:
        if i is Ellipsis:
            out.extend([slice(None)] * builtins.max(ndim - n_real, 0))
        else:
            out.append(i)
    return out


def _check_index_bounds(self, index):
    dim = 0
    for i in _expand_ellipsis(self.ndim, index):
        if i is None:
            continue
        if isinstance(i, Tensor) and i._dtype not in (D.bool_, D.uint8) and \
                not i._dtype.is_floating_point and i.numel():
            n = self.shape[dim] if dim < self.ndim else 0
            arr = np.asarray(i._value)
            bad = arr[(arr >= n) | (arr < -n)]
            if bad.size:
                raise IndexError(f"index {int(bad.flat[0])} is out of bounds for dimension {dim} "
                                 f"with size {n}")
        dim += i.ndim if isinstance(i, Tensor) and i._dtype in (D.bool_, D.uint8) else 1


def _advanced_index(self, index):
    if builtins.sum(1 for i in index if i is not None and i is not Ellipsis
                    and not isinstance(i, bool)) > self.ndim:
        raise IndexError(f"too many indices for tensor of dimension {self.ndim}")
    if builtins.any(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in index):
        base, index = _select_ints_first(self, index)
        return _advanced_index(base, index)
    index = tuple(_t(i) if isinstance(i, (list, np.ndarray)) else i for i in index)
    _check_index_bounds(self, index)
    spec, indices = _index_spec_and_operands(self, index)
    return apply(OPS["index"], (self, *indices), (("spec", spec),))



METHODS["__getitem__"] = _getitem


# ---------------------------------------------------------------------------------- Python operators
def _swap(fn):
    return lambda self, other: fn(other, self)


def _rdiv(self, other):
    return mul(FUNCTIONS["reciprocal"](self), other)


def _rpow(self, other):
    return pow(other, self)


def _rmatmul(self, other):
    return matmul(_t(other), self)


def _not_implemented_for(fn):
    def op(self, other):
        if not isinstance(other, (Tensor, bool, int, float, complex, np.generic, list, tuple,
                                  np.ndarray)):
            return NotImplemented
        return fn(self, other)
    op.__name__ = fn.__name__
    return op


_OPERATORS = {
    "__add__": add, "__radd__": add, "__sub__": sub, "__rsub__": rsub,
    "__mul__": mul, "__rmul__": mul, "__truediv__": div, "__rtruediv__": _rdiv,
    "__floordiv__": floor_divide, "__rfloordiv__": _swap(floor_divide),
    "__mod__": remainder, "__rmod__": _swap(remainder),
    "__pow__": pow, "__rpow__": _rpow, "__matmul__": matmul, "__rmatmul__": _rmatmul,
    "__eq__": FUNCTIONS["eq"], "__ne__": FUNCTIONS["ne"], "__lt__": FUNCTIONS["lt"],
    "__le__": FUNCTIONS["le"], "__gt__": FUNCTIONS["gt"], "__ge__": FUNCTIONS["ge"],
    "__and__": FUNCTIONS["bitwise_and"], "__or__": FUNCTIONS["bitwise_or"],
    "__xor__": FUNCTIONS["bitwise_xor"], "__rand__": FUNCTIONS["bitwise_and"],
    "__ror__": FUNCTIONS["bitwise_or"], "__rxor__": FUNCTIONS["bitwise_xor"],
}
for _name, _fn in _OPERATORS.items():
    METHODS[_name] = _not_implemented_for(_fn)
METHODS["__neg__"] = FUNCTIONS["neg"]
METHODS["__abs__"] = FUNCTIONS["abs"]
METHODS["__invert__"] = FUNCTIONS["bitwise_not"]
METHODS["__pos__"] = lambda self: self


PROPERTIES = {
    "T": lambda self: permute(self, tuple(reversed(range(self.ndim)))) if self.ndim > 1 else self,
    "mT": lambda self: transpose(self, -2, -1),
    "H": lambda self: permute(self, tuple(reversed(range(self.ndim)))) if self.ndim > 1 else self,
}
METHODS["absolute"] = FUNCTIONS["absolute"]
METHODS["square"] = square
METHODS["clip"] = clamp
METHODS["arctan2"] = atan2
METHODS["greater"] = FUNCTIONS["gt"]


# ---------------------------------------------------------------------------------- in-place
# ``x.add_(y)`` computes ``x + y`` with the ordinary op and then makes ``x`` *be* the result:
# same Tensor object, new value, the new grad_fn (history rewriting, as PyTorch does for
# non-view tensors), version counter bumped.  Views that share storage are the in-place issue.
_CAST_NAMES = {D.float32: "Float", D.float64: "Double", D.float16: "Half", D.bfloat16: "BFloat16",
               D.int64: "Long", D.int32: "Int", D.int16: "Short", D.int8: "Char", D.uint8: "Byte",
               D.bool_: "Bool", D.complex64: "ComplexFloat", D.complex128: "ComplexDouble"}


# c10's C type names, used by a few of PyTorch's messages
_C_NAMES = {D.int64: "long int", D.int32: "int", D.int16: "short int", D.int8: "signed char",
            D.uint8: "unsigned char", D.bool_: "bool", D.float32: "float", D.float64: "double"}


def _can_cast(src, dst):
    if src.is_complex and not dst.is_complex:
        return False
    if src.is_floating_point and not (dst.is_floating_point or dst.is_complex):
        return False
    if src is not D.bool_ and dst is D.bool_:
        return False
    return True


_MULTI_OUTPUT_VIEWS = ("split", "split_with_sizes", "unbind")


def _check_inplace_allowed(self):
    from ..autograd import grad_mode

    if self._requires_grad and grad_mode.is_grad_enabled():
        geom = self._geom
        if (self._base_t is not None and geom is not None and geom.op is not None
                and geom.op.name in _MULTI_OUTPUT_VIEWS and self._grad_fn is not None
                and self._grad_fn._op is geom.op):
            short = type(self._grad_fn).__name__.replace("Backward0", "")
            raise RuntimeError(
                f"Output {self._output_nr} of {short} is a view and is being modified "
                "inplace. This view is the output of a function that returns multiple views. "
                "Such functions do not allow the output views to be modified inplace. You should "
                "replace the inplace operation by an out-of-place one.")
        if self._grad_fn is None:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation.")
        base = self._base_t
        if base is not None and base._grad_fn is None and base._requires_grad:
            raise RuntimeError(
                "a view of a leaf Variable that requires grad is being used in an in-place "
                "operation.")


def inplace_update(self, result, c_type_names=False):
    """Make ``self`` hold ``result`` (the out-of-place answer); PyTorch's in-place rules.

    The write goes through ``self``'s storage, so its base and every other view see it.  For a
    tensor with history, ``self`` takes ``result``'s grad_fn (history rewriting); for a view of
    a tensor with history, the base's history becomes ``CopySlices`` and the view's
    ``AsStridedBackward0``, as in PyTorch.
    """
    from ..autograd import grad_mode

    _check_inplace_allowed(self)
    if result._dtype is not self._dtype:
        if not _can_cast(result._dtype, self._dtype):
            names = _C_NAMES if c_type_names else _CAST_NAMES
            raise RuntimeError(
                f"result type {_CAST_NAMES[result._dtype]} can't be cast to the desired output "
                f"type {names[self._dtype]}")
        result = to(result, self._dtype)
    if result._value.shape != self._value.shape:
        raise RuntimeError(
            f"output with shape {list(self.shape)} doesn't match the broadcast shape "
            f"{list(result.shape)}")
    base = self._base_t
    if (base is not None and base._geom is None and grad_mode.is_grad_enabled()
            and (result._requires_grad or base._requires_grad)):
        _write_view_with_history(self, base, result)
    else:
        self._value = result._value
        if result._grad_fn is not None:
            self._grad_fn = result._grad_fn
            self._output_nr = result._output_nr
            self._requires_grad = True
            if base is None:
                self._autograd_gen += 1  # views of self re-derive their history
    self._version += 1
    if result._grad_fn is not None and self._grad_fn is result._grad_fn:
        self._grad_fn._saved_by_inplace_op(self)
    return self


def _write_view_with_history(view, base, result):
    from ..autograd.graph import CopySlices

    index = jnp.asarray(view._geom.index(view._storage))
    view._value = result._value  # the write itself, through the shared storage
    base._grad_fn = CopySlices(result._grad_fn, base._edge(),
                               index, (base._value.shape, base._value.dtype))
    base._output_nr = 0
    base._requires_grad = True
    base._autograd_gen += 1
    refresh_view_history(view)


def refresh_view_history(view):
    """A view of a base whose history changed re-derives its own from the base."""
    base = view._base_t
    index = Tensor._make(jnp.asarray(view._geom.index(view._storage)))
    fresh = apply(OPS["as_strided"], (base, index))
    view._grad_fn = fresh._grad_fn
    view._output_nr = 0
    view._requires_grad = fresh._requires_grad
    view._view_gen = base._autograd_gen


def fill_like(self, op_name, operands, check_overlap=False):
    """zero_/fill_: a plain write for tensors without history (grad buffers, optimizer state),
    a recorded op (ZeroBackward0, FillBackward2/3) otherwise."""
    from ..autograd import grad_mode

    if grad_mode.is_grad_enabled() and (self._requires_grad or builtins.any(
            isinstance(o, Tensor) and o._requires_grad for o in operands)):
        return inplace_update(self, apply(OPS[op_name], (self, *operands)))
    _check_inplace_allowed(self)
    if op_name == "zero":
        value = jnp.zeros(self._value.shape, self._value.dtype)
    else:
        v = operands[0]
        v = v._value if isinstance(v, Tensor) else v
        value = jnp.full(self._value.shape, v, self._value.dtype)
    self._write(value, check_overlap)  # every alias gets the same value: allowed for fill_
    self._version += 1
    return self


def _make_inplace(fn, c_type_names=False):
    def method(self, *args, **kwargs):
        return inplace_update(self, fn(self, *args, **kwargs), c_type_names)
    method.__name__ = fn.__name__ + "_"
    return method


for _name in ["add", "sub", "mul", "div", "pow", "neg", "abs", "exp", "log", "sqrt", "rsqrt",
              "sin", "cos", "tanh", "sigmoid", "relu", "clamp", "clamp_min", "clamp_max", "floor",
              "ceil", "round", "trunc", "sign", "reciprocal", "masked_fill", "lerp", "remainder",
              "fmod", "atan2", "log1p", "expm1", "square", "floor_divide", "maximum", "minimum"]:
    METHODS[_name + "_"] = _make_inplace(METHODS[_name])
for _name in ["clamp", "clamp_min", "clamp_max"]:  # PyTorch words these errors with C names
    METHODS[_name + "_"] = _make_inplace(METHODS[_name], c_type_names=True)
METHODS["clip_"] = METHODS["clamp_"]
METHODS["subtract_"] = METHODS["sub_"]
METHODS["multiply_"] = METHODS["mul_"]
METHODS["divide_"] = METHODS["div_"]
for _dunder, _name in {"__iadd__": "add", "__isub__": "sub", "__imul__": "mul",
                       "__itruediv__": "div", "__ipow__": "pow"}.items():
    METHODS[_dunder] = _make_inplace(METHODS[_name])


def copy_(self, src, non_blocking=False):
    from ..autograd import grad_mode

    src = src if isinstance(src, Tensor) else _t(src)
    if grad_mode.is_grad_enabled() and (src._requires_grad or self._requires_grad):
        return inplace_update(self, apply(OPS["copy"], (self, src)))
    _check_inplace_allowed(self)
    try:
        value = jnp.broadcast_to(src._value, self._value.shape).astype(self._value.dtype)
    except ValueError:
        raise _broadcast_error(tuple(self.shape), tuple(src.shape)) from None
    self._value = value
    self._version += 1
    return self


def _broadcast_error(a, b):
    for i in range(1, builtins.max(len(a), len(b)) + 1):
        da = a[-i] if i <= len(a) else 1
        db = b[-i] if i <= len(b) else 1
        if da != db and da != 1 and db != 1:
            return RuntimeError(
                f"The size of tensor a ({da}) must match the size of tensor b ({db}) at "
                f"non-singleton dimension {builtins.max(len(a), len(b)) - i}")
    return RuntimeError(f"output with shape {list(a)} doesn't match the broadcast shape {list(b)}")


def _index_spec_and_operands(self, index):
    """Advanced-index ``index`` as (static spec, index tensors), masks resolved to integers."""
    if not isinstance(index, tuple):
        index = (index,)
    spec, operands = [], []
    dim = 0
    for i in index:
        if isinstance(i, (list, np.ndarray)):
            i = _t(i)
        if isinstance(i, bool):
            i = Tensor._make(jnp.asarray(i))
        if isinstance(i, Tensor):
            if i._dtype is D.bool_ or i._dtype is D.uint8:
                if i.ndim and tuple(i.shape) != tuple(self.shape[dim:dim + i.ndim]):
                    raise IndexError(
                        f"The shape of the mask {list(i.shape)} at index {dim} does not match "
                        f"the shape of the indexed tensor {list(self.shape)} at index {dim}")
                # boolean masks select data-dependent shapes: resolve them to integer indices
                # now, so the recorded op has static shapes and replays under jit
                for arr in np.nonzero(np.asarray(i._value)):
                    spec.append(("t", None))
                    operands.append(Tensor._make(jnp.asarray(arr, jnp.int64)))
                dim += i.ndim
            else:
                if i._dtype.is_floating_point:
                    raise IndexError("tensors used as indices must be long, int, byte or bool "
                                     "tensors")
                spec.append(("t", None))
                operands.append(i)
                dim += 1
        elif i is None:
            spec.append(("none",))
        elif i is Ellipsis:
            spec.append(("ellipsis",))
        elif isinstance(i, slice):
            spec.append(("slice", i.start, i.stop, i.step))
            dim += 1
        else:
            spec.append(("int", int(i)))
            dim += 1
    return tuple(spec), operands


def _setitem(self, index, value):
    if not isinstance(value, Tensor):
        value = _t(value) if not _is_scalar(value) else Tensor._make(
            jnp.asarray(_scalar(value), self._value.dtype))
    parts = index if isinstance(index, tuple) else (index,)
    advanced = builtins.any(isinstance(i, (Tensor, list, np.ndarray, bool)) for i in parts)
    if not advanced:
        if parts in ((), (Ellipsis,)):
            if value.ndim == 0:  # x[...] = v is PyTorch's fill_ (checked for overlap)
                fill_like(self, "fill_tensor", (value.to(self._dtype),), check_overlap=True)
                return
            target = self
        else:
            target = _getitem(self, index)
        _check_expand(value, target)
        copy_(target, value)
        return
    if builtins.any(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in parts):
        target, parts = _select_ints_first(self, parts)
        _setitem(target, parts, value)
        return
    parts = tuple(_t(i) if isinstance(i, (list, np.ndarray)) else i for i in parts)
    _check_index_bounds(self, parts)
    spec, indices = _index_spec_and_operands(self, parts)
    try:
        result = apply(OPS["index_put"], (self, value.to(self._dtype), *indices),
                       (("spec", spec), ("accumulate", False)))
    except RuntimeError:
        picked = _advanced_index(self.detach(), parts)
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(value.shape)} cannot "
                           f"be broadcast to indexing result of shape {list(picked.shape)}"
                           ) from None
    inplace_update(self, result)


def _check_expand(value, target):
    """``x[i] = v`` expands ``v`` to the target: PyTorch's expand error if it can't."""
    vs, ts = tuple(value.shape), tuple(target.shape)
    if len(vs) > len(ts):
        vs = tuple(d for d in vs[:len(vs) - len(ts)] if d != 1) + vs[len(vs) - len(ts):]
    for i in range(1, len(vs) + 1):
        if i > len(ts):
            break
        if vs[-i] != ts[-i] and vs[-i] != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({ts[-i]}) must match the existing size "
                f"({vs[-i]}) at non-singleton dimension {len(ts) - i}.  Target sizes: "
                f"{list(ts)}.  Tensor sizes: {list(value.shape)}")


def index_put_(self, indices, values, accumulate=False):
    spec, idx = _index_spec_and_operands(self, tuple(indices))
    values = values if isinstance(values, Tensor) else _t(values)
    return inplace_update(self, apply(OPS["index_put"], (self, values.to(self._dtype), *idx),
                                      (("spec", spec), ("accumulate", accumulate))))


def index_put(self, indices, values, accumulate=False):
    spec, idx = _index_spec_and_operands(self, tuple(indices))
    return apply(OPS["index_put"], (self, values.to(self._dtype), *idx),
                 (("spec", spec), ("accumulate", accumulate)))


@export()
def index_add(input, dim, index, source, *, alpha=1):
    return apply(OPS["index_add"], (input, source, index),
                 (("dim", _wrap_dim(dim, input.ndim)), ("alpha", alpha)))


@export()
def index_fill(input, dim, index, value):
    if isinstance(value, Tensor):
        value = value.item()
    return apply(OPS["index_fill"], (input, index, value), (("dim", _wrap_dim(dim, input.ndim)),))


@export()
def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    if src is None:
        src = value
    d = (("dim", _wrap_dim(dim, input.ndim)),)
    if isinstance(src, Tensor):
        return apply(OPS["scatter"], (input, src, index), d)
    return apply(OPS["scatter_value"], (input, index, _scalar(src)), d)


@export()
def scatter_add(input, dim, index, src):
    return apply(OPS["scatter_add"], (input, src, index), (("dim", _wrap_dim(dim, input.ndim)),))


METHODS["__setitem__"] = _setitem
METHODS["index_put_"] = index_put_
METHODS["index_put"] = index_put
for _name in ["index_add", "index_fill", "scatter", "scatter_add"]:
    METHODS[_name + "_"] = _make_inplace(METHODS[_name])


METHODS["copy_"] = copy_


# ---------------------------------------------------------------------------------- more ops
def _int_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


@export()
def roll(input, shifts, dims=None):
    if dims is None:
        return reshape(apply(OPS["roll"], (flatten(input),),
                             (("shifts", _int_tuple(shifts)), ("dims", (0,)))), tuple(input.shape))
    return apply(OPS["roll"], (input,), (("shifts", _int_tuple(shifts)),
                                         ("dims", _dims(_int_tuple(dims), input.ndim))))


@export()
def tile(input, dims):
    return apply(OPS["tile"], (input,), (("reps", tuple(dims)),))


@export()
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    if dim is None:
        input, dim = flatten(input), 0
    if isinstance(repeats, Tensor):
        repeats = tuple(int(r) for r in np.asarray(repeats._value).reshape(-1))
        if len(repeats) == 1:
            repeats = repeats[0]
    return apply(OPS["repeat_interleave"], (input,), (("repeats", repeats),
                                                      ("dim", _wrap_dim(dim, input.ndim))))


@export()
def addcmul(input, tensor1, tensor2, *, value=1):
    return apply(OPS["addcmul"], (input, tensor1, tensor2, _scalar(value)))


@export()
def addcdiv(input, tensor1, tensor2, *, value=1):
    return apply(OPS["addcdiv"], (input, tensor1, tensor2, _scalar(value)))


@export()
def diff(input, n=1, dim=-1, prepend=None, append=None):
    if prepend is not None or append is not None:
        parts = [p for p in (prepend, input, append) if p is not None]
        input = cat(parts, dim)
    return apply(OPS["diff"], (input,), (("n", n), ("dim", _wrap_dim(dim, input.ndim))))


@export()
def cross(input, other, dim=None):
    if dim is None:
        dim = next(i for i, s in enumerate(input.shape) if s == 3)
    return apply(OPS["cross"], (input, other), (("dim", _wrap_dim(dim, input.ndim)),))


@export()
def median(input, dim=None, keepdim=False):
    if dim is None:
        return apply(OPS["median"], (input,))
    values, indices = apply(OPS["median_dim"], (input,), (("dim", _wrap_dim(dim, input.ndim)),
                                                          ("keepdim", keepdim)))
    return return_median(values, indices)


# Data-dependent output shapes: computed eagerly on the host, like PyTorch's CPU kernels.
@export()
def bincount(input, weights=None, minlength=0):
    if input.ndim != 1 or input._dtype.is_floating_point:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    arr = np.asarray(input._value)
    if arr.size and arr.min() < 0:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    w = None if weights is None else np.asarray(weights._value)
    out = np.bincount(arr, w, minlength)
    dtype = D.int64 if weights is None else (weights._dtype if weights._dtype in (
        D.float32, D.float64) else D.float64)
    return Tensor._make(jnp.asarray(out.astype(dtype._np)), dtype)


@export()
def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    arr = np.asarray(input._value)
    if dim is None:
        values, inverse, counts = np.unique(arr.reshape(-1), return_inverse=True,
                                            return_counts=True)
        inverse = inverse.reshape(arr.shape)
    else:
        values, inverse, counts = np.unique(arr, return_inverse=True, return_counts=True,
                                            axis=dim)
    out = [Tensor._make(jnp.asarray(values), input._dtype)]
    if return_inverse:
        out.append(Tensor._make(jnp.asarray(inverse.astype(np.int64))))
    if return_counts:
        out.append(Tensor._make(jnp.asarray(counts.astype(np.int64))))
    return out[0] if len(out) == 1 else tuple(out)


@export()
def masked_select(input, mask):
    mask_b = mask if tuple(mask.shape) == tuple(input.shape) else mask.expand_as(input)
    idx = [Tensor._make(jnp.asarray(a, jnp.int64)) for a in np.nonzero(np.asarray(mask_b._value))]
    return apply(OPS["masked_select"], (input, *idx))


@export(method=False)
def meshgrid(*tensors, indexing="ij"):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    n = len(tensors)
    shape = tuple(t.numel() for t in tensors)
    if indexing == "xy" and n >= 2:
        shape = (shape[1], shape[0]) + shape[2:]
    out = []
    for i, t in enumerate(tensors):
        view_shape = [1] * n
        axis = i
        if indexing == "xy" and n >= 2 and i < 2:
            axis = 1 - i
        view_shape[axis] = -1
        out.append(expand(reshape(t, tuple(view_shape)), shape))
    return tuple(out)


@export(method=False)
def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    side = side or ("right" if right else "left")
    seq = np.asarray(sorted_sequence._value)
    vals = np.asarray(input._value) if isinstance(input, Tensor) else np.asarray(input)
    if seq.ndim == 1:
        res = np.searchsorted(seq, vals, side=side)
    else:
        res = np.stack([np.searchsorted(s, v, side=side) for s, v in
                        zip(seq.reshape(-1, seq.shape[-1]), vals.reshape(-1, vals.shape[-1]))]
                       ).reshape(vals.shape)
    return Tensor._make(jnp.asarray(res.astype(np.int32 if out_int32 else np.int64)))


@export(method=False)
def bucketize(input, boundaries, *, out_int32=False, right=False):
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


for _name in ["lgamma", "digamma", "erfc", "erfinv", "frac", "deg2rad", "rad2deg"]:
    export(_name)(_make_unary(_name))
for _name in ["logaddexp", "hypot", "xlogy"]:
    def _bin(input, other, *, _op=OPS[_name], out=None):
        return _binary(_op, input, other)
    _bin.__name__ = _name
    export(_name)(_bin)
    METHODS[_name + "_"] = _make_inplace(_bin)
for _name in ["lgamma", "digamma", "erfc", "erfinv", "frac", "deg2rad", "rad2deg"]:
    METHODS[_name + "_"] = _make_inplace(METHODS[_name])


@export()
def logit(input, eps=None):
    return apply(OPS["logit"], (input,), (("eps", eps),))


@export()
def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    return apply(OPS["nan_to_num"], (input,), (("nan", nan), ("posinf", posinf),
                                               ("neginf", neginf)))


@export()
def rot90(input, k=1, dims=(0, 1)):
    return apply(OPS["rot90"], (input,), (("k", k), ("dims", _dims(tuple(dims), input.ndim))))


@export()
def take_along_dim(input, indices, dim=None):
    if dim is None:
        return gather(flatten(input), 0, flatten(indices))
    d = _wrap_dim(dim, input.ndim)
    shape = list(builtins.max(a, b) for a, b in zip(input.shape, indices.shape))
    in_shape, idx_shape = list(shape), list(shape)
    in_shape[d], idx_shape[d] = input.shape[d], indices.shape[d]
    return gather(expand(input, tuple(in_shape)), d, expand(indices, tuple(idx_shape)))


@export()
def tensor_split(input, indices_or_sections, dim=0):
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(indices_or_sections, int):
        k = indices_or_sections
        sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
        bounds = [builtins.sum(sizes[:i]) for i in range(k + 1)]
    else:
        cuts = [builtins.min(builtins.max(int(i), 0), n) for i in indices_or_sections]
        bounds = [0] + cuts + [n]
    return tuple(_slice(input, d, a, builtins.max(a, b), 1) for a, b in zip(bounds, bounds[1:]))


@export()
def kthvalue(input, k, dim=-1, keepdim=False):
    values, indices = apply(OPS["kthvalue"], (input,), (("k", k), ("dim", _wrap_dim(dim, input.ndim)),
                                                        ("keepdim", keepdim)))
    return _named("kthvalue")(values, indices)


def _stat_mean(which, input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    if isinstance(dim, bool):
        unbiased, dim = dim, None
    dims = None if dim is None else _dims(_int_tuple(dim), input.ndim)
    return apply(OPS[which + "_mean"], (input,), (("dim", dims),
                                                  ("correction", _correction(unbiased, correction)),
                                                  ("keepdim", keepdim), ("which", which)))


@export(method=False)
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _stat_mean("std", input, dim, unbiased, keepdim, correction=correction)


@export(method=False)
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _stat_mean("var", input, dim, unbiased, keepdim, correction=correction)


@export()
def dist(input, other, p=2):
    return apply(OPS["dist"], (input, other), (("p", p),))


@export(method=False)
def cdist(x1, x2, p=2.0, compute_mode=None):
    return apply(OPS["cdist"], (x1, x2), (("p", p),))
