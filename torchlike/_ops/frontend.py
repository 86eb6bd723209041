"""PyTorch's signatures on top of the op table: ``torch.<fn>`` functions and Tensor methods.

Each function here only parses PyTorch's arguments and picks the table entry; all computing,
promotion and graph recording happens in ``core.apply``.
"""

from __future__ import annotations

import builtins
import collections
import math
import operator

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .. import _layout
from .._size import Size
from .._tensor import Tensor, _wrap_dim
from ..autograd import grad_mode
from .core import Variants, apply
from .table import OPS
from .variants import declare, generate, make_inplace
from ..autograd.inplace import (
    _C_NAMES,
    _CAST_NAMES,
    _check_inplace_allowed,
    fill_like,
    inplace_update,
)

FUNCTIONS: dict = {}   # torch.<name>
METHODS: dict = {}     # Tensor.<name>


def export(*names, method=True, function=True, inplace=False, out=False, c_type_names=False):
    """Declare a hand-written signature and the forms PyTorch has for it (``variants.py``
    generates them): ``names[0]`` is the op, the rest are aliases.  ``c_type_names``: the
    in-place form words dtype errors with C type names, as PyTorch's ``clamp_`` does."""

    def deco(fn):
        name, *aliases = names or (fn.__name__,)
        declare(name, fn, Variants(None, function, method, inplace, out, tuple(aliases)),
                c_type_names)
        for n in (name, *aliases):  # the plain forms, for signatures defined further down
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


# ---------------------------------------------------------------------------------- generated
# Entries declared with ``Variants("unary" | "binary")`` get their signature here: the whole
# public surface of an elementwise op is its table entry.
def _unary_signature(op):
    def fn(input):
        return apply(op, (input,))
    return fn


def _binary_signature(op):
    def fn(input, other):
        return _binary(op, input, other)
    return fn


def _declare_table_forms():
    for op in OPS.values():
        v = op.variants
        if v is None or v.form is None:
            continue
        fn = (_unary_signature if v.form == "unary" else _binary_signature)(op)
        fn.__name__ = fn.__qualname__ = op.name
        export(op.name, *v.aliases, method=v.method, function=v.function, inplace=v.inplace,
               out=v.out)(fn)


@export(inplace=True, out=True)
def round(input, *, decimals=0):
    if decimals == 0:
        return apply(OPS["round"], (input,))
    return apply(OPS["round_decimals"], (input,), (("decimals", decimals),))


@export(inplace=True, out=True)
def square(input):
    return pow(input, 2)


# ---------------------------------------------------------------------------------- binary ops
def _binary(op, a, b, static=()):
    if not isinstance(a, Tensor):
        a = _scalar(a) if _is_scalar(a) else _t(a)
    if not isinstance(b, Tensor):
        b = _scalar(b) if _is_scalar(b) else _t(b)
    return apply(op, (a, b), static)


@export(inplace=True, out=True)
def add(input, other, *, alpha=1):
    return _binary(OPS["add"], input, other, (("alpha", alpha),))


@export("sub", "subtract", inplace=True, out=True)
def sub(input, other, *, alpha=1):
    return _binary(OPS["sub"], input, other, (("alpha", alpha),))


@export(method=False)
def rsub(input, other, *, alpha=1):
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    return apply(OPS["rsub"], (input, _scalar(other)), (("alpha", alpha),))


@export("mul", "multiply", inplace=True, out=True)
def mul(input, other):
    return _binary(OPS["mul"], input, other)


@export("div", "divide", "true_divide", inplace=True, out=True)
def div(input, other, *, rounding_mode=None):
    if rounding_mode is None:
        return _binary(OPS["div"], input, other)
    return _binary(OPS["div_mode"], input, other, (("rounding_mode", rounding_mode),))


@export(inplace=True, out=True)
def floor_divide(input, other):
    return _binary(OPS["floor_divide"], input, other)


@export(inplace=True, out=True)
def remainder(input, other):
    return _binary(OPS["remainder"], input, other)


@export(inplace=True, out=True)
def fmod(input, other):
    return _binary(OPS["fmod"], input, other)


@export(out=True)
def maximum(input, other):
    return _binary(OPS["maximum"], input, other)


@export(out=True)
def minimum(input, other):
    return _binary(OPS["minimum"], input, other)


@export(inplace=True, out=True)
def pow(input, exponent):
    if not isinstance(input, Tensor):
        return apply(OPS["pow_scalar_base"], (exponent, _scalar(input)))
    if _is_scalar(exponent):
        return apply(OPS["pow_scalar"], (input, _scalar(exponent)))
    return _binary(OPS["pow"], input, exponent)


@export("float_power", inplace=True, out=True)
def float_power(input, exponent):
    return pow(_t(input).to(D.float64), exponent)


_declare_table_forms()


@export()
def equal(input, other):
    return tuple(input.shape) == tuple(other.shape) and bool(jnp.all(input._value == other._value))


@export()
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(jnp.allclose(input._value, other._value, rtol, atol, equal_nan))


@export()
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return Tensor._make(jnp.isclose(input._value, _t(other)._value, rtol, atol, equal_nan))


@export("clamp", "clip", inplace=True, out=True, c_type_names=True)
def clamp(input, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return apply(OPS["clamp_tensor"], (input, min, max))
    return apply(OPS["clamp"], (input, _scalar(min) if min is not None else None,
                                _scalar(max) if max is not None else None))


@export(method=False, out=True)
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


@export(inplace=True, out=True)
def lerp(input, end, weight):
    if isinstance(weight, Tensor):
        return apply(OPS["lerp_tensor"], (input, end, weight))
    return apply(OPS["lerp"], (input, end, _scalar(weight)))


@export(inplace=True)
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


@export(out=True)
def sum(input, dim=None, keepdim=False, *, dtype=None):
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return apply(OPS["sum"], (input,), _dtype_static(dtype))
    return apply(OPS["sum_dim"], (input,),
                 (("dim", _dim_tuple(dim, input.ndim)), ("keepdim", keepdim))
                 + _dtype_static(dtype))


@export(out=True)
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


@export(out=True)
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


@export(out=True)
def max(input, dim=None, keepdim=False):
    return _minmax("max", input, dim, keepdim)


@export(out=True)
def min(input, dim=None, keepdim=False):
    return _minmax("min", input, dim, keepdim)


@export(out=True)
def amax(input, dim=(), keepdim=False):
    dim = tuple(range(input.ndim)) if dim in ((), None) else dim
    return apply(OPS["amax"], (input,), (("dim", _dims(dim, input.ndim)), ("keepdim", keepdim)))


@export(out=True)
def amin(input, dim=(), keepdim=False):
    dim = tuple(range(input.ndim)) if dim in ((), None) else dim
    return apply(OPS["amin"], (input,), (("dim", _dims(dim, input.ndim)), ("keepdim", keepdim)))


@export(out=True)
def argmax(input, dim=None, keepdim=False):
    return apply(OPS["argmax"], (input,), (("dim", _dims(dim, input.ndim)), ("keepdim", keepdim)))


@export(out=True)
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


@export(out=True)
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_std("var", input, dim, unbiased, keepdim, correction=correction)


@export(out=True)
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return _var_std("std", input, dim, unbiased, keepdim, correction=correction)


@export(out=True)
def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    ord = 2 if p in ("fro", None) else p
    if isinstance(dim, int):
        dim = (dim,)
    return apply(OPS["norm"], (input,), (("ord", ord), ("dim", _dims(dim, input.ndim)),
                                         ("keepdim", keepdim)))


@export(out=True)
def logsumexp(input, dim, keepdim=False):
    if isinstance(dim, int):
        dim = (dim,)
    return apply(OPS["logsumexp"], (input,), (("dim", _dims(dim, input.ndim)),
                                              ("keepdim", keepdim)))


@export(inplace=True, out=True)
def cumsum(input, dim, *, dtype=None):
    return apply(OPS["cumsum"], (input,), (("dim", _wrap_dim(dim, input.ndim)),)
                 + _dtype_static(dtype))


@export(inplace=True, out=True)
def cumprod(input, dim, *, dtype=None):
    return apply(OPS["cumprod"], (input,), (("dim", _wrap_dim(dim, input.ndim)),)
                 + _dtype_static(dtype))


@export(out=True)
def all(input, dim=None, keepdim=False):
    return apply(OPS["all"], (input,), (("dim", _dims(dim, input.ndim)), ("keepdim", keepdim)))


@export(out=True)
def any(input, dim=None, keepdim=False):
    return apply(OPS["any"], (input,), (("dim", _dims(dim, input.ndim)), ("keepdim", keepdim)))


@export(out=True)
def softmax(input, dim=None, dtype=None, **kwargs):
    return apply(OPS["softmax"], (input,), (("dim", _wrap_dim(dim, input.ndim)),)
                 + _dtype_static(dtype))


@export(out=True)
def log_softmax(input, dim=None, dtype=None, **kwargs):
    return apply(OPS["log_softmax"], (input,), (("dim", _wrap_dim(dim, input.ndim)),)
                 + _dtype_static(dtype))


# ---------------------------------------------------------------------------------- linear algebra
@export(out=True)
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


@export(out=True)
def bmm(input, mat2):
    return apply(OPS["bmm"], (input, mat2))


@export(out=True)
def mv(input, vec):
    return apply(OPS["mv"], (input, vec))


@export(out=True)
def dot(input, tensor):
    return apply(OPS["dot"], (input, tensor))


@export("matmul", out=True)
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


@export(out=True)
def outer(input, vec2):
    return input.reshape(-1, 1) * vec2


@export(inplace=True, out=True)
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
    """PyTorch's rule (``computeStride``): a view may regroup the dimensions within each run of
    dimensions that are contiguous with each other, never merge two runs."""
    if t._geom is None:
        return True
    from .._storage import view_strides

    return view_strides(tuple(t.shape), t.stride(), shape) is not None


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


@export()
def broadcast_to(input, size):
    return expand(input, size)


def _seq_operands(tensors):
    return tuple(t if isinstance(t, Tensor) else _t(t) for t in tensors)


@export("cat", "concat", "concatenate", method=False, out=True)
def cat(tensors, dim=0, *, axis=None):
    tensors = _seq_operands(tensors)
    if axis is not None:
        dim = axis
    # PyTorch skips legacy empty 1-D tensors in cat
    ndim = builtins.max(t.ndim for t in tensors)
    return apply(OPS["cat"], tensors, (("dim", _wrap_dim(dim, ndim)),))


@export(method=False, out=True)
def stack(tensors, dim=0):
    tensors = _seq_operands(tensors)
    return apply(OPS["stack"], tensors, (("dim", _wrap_dim(dim, tensors[0].ndim + 1)),))


@export(method=False, out=True)
def hstack(tensors):
    tensors = _seq_operands(tensors)
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


@export(method=False, out=True)
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
    index = operator.index(index)  # a 0-d integer tensor is read (PyTorch does the same)
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    # the index is a traced operand: one executable for every index
    return apply(OPS["select"], (input, index), (("dim", d),))


@export()
def narrow(input, dim, start, length):
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    start = operator.index(start)
    length = operator.index(length)
    if not -n <= start <= n:
        raise IndexError(
            f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    if start < 0:
        start += n
    if start + length > n:
        raise RuntimeError(
            f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return _slice(input, d, start, start + length, 1)


_INT64_MAX = (1 << 63) - 1


def _slice(input, dim, start, end, step, saved=None):
    """``input[start:end:step]`` along ``dim``; ``start``/``end`` are already clamped to the
    size.  ``saved``: (start, end) as the user gave them (end None: open), which is what
    SliceBackward0 keeps.

    The start is a traced operand.  The static part is the length and the span ``end - start``
    (None for an open end), from which the node reads its ``_saved_end``: ``x[i:i + 8]`` has
    the same span for every ``i``."""
    length = builtins.max(0, -(-(end - start) // step))
    s_start, s_end = saved if saved is not None else (start, end)
    # the impl wraps and clamps the start itself, so the user's value can be the operand
    s_start = builtins.min(builtins.max(s_start, -_INT64_MAX - 1), _INT64_MAX)
    span = None if s_end is None else s_end - s_start
    return apply(OPS["slice"], (input, s_start),
                 (("dim", dim), ("length", length), ("step", step), ("span", span)))


@export(out=True)
def gather(input, dim, index, *, sparse_grad=False):
    return apply(OPS["gather"], (input, index), (("dim", _wrap_dim(dim, input.ndim)),))


@export(out=True)
def index_select(input, dim, index):
    return apply(OPS["index_select"], (input, index), (("dim", _wrap_dim(dim, input.ndim)),))


@export(out=True)
def diag(input, diagonal=0):
    if input.ndim == 1:
        return apply(OPS["diag_embed"], (input,), (("diagonal", diagonal),))
    return apply(OPS["diagonal"], (input,), (("diagonal", diagonal),))


@export()
def diagonal(input, offset=0, dim1=0, dim2=1):
    return apply(OPS["diagonal_view"], (input,), (("offset", offset),
                                                  ("dim1", _wrap_dim(dim1, input.ndim)),
                                                  ("dim2", _wrap_dim(dim2, input.ndim))))


@export(inplace=True, out=True, c_type_names=True)
def clamp_min(input, min):
    if isinstance(min, Tensor):
        return clamp(input, min=min)
    return apply(OPS["clamp_min"], (input, _scalar(min)))


@export(inplace=True, out=True, c_type_names=True)
def clamp_max(input, max):
    if isinstance(max, Tensor):
        return clamp(input, max=max)
    return apply(OPS["clamp_max"], (input, _scalar(max)))


@export()
def count_nonzero(input, dim=None):
    return sum(FUNCTIONS["ne"](input, 0), dim)


@export(out=True)
def sort(input, dim=-1, descending=False, stable=False):
    values, indices = apply(OPS["sort"], (input,), (("dim", _wrap_dim(dim, input.ndim)),
                                                    ("descending", descending),
                                                    ("stable", stable)))
    return return_sort(values, indices)


@export(out=True)
def argsort(input, dim=-1, descending=False, stable=False):
    return sort(input, dim, descending, stable).indices


@export(out=True)
def topk(input, k, dim=-1, largest=True, sorted=True):
    values, indices = apply(OPS["topk"], (input,), (("k", k), ("dim", _wrap_dim(dim, input.ndim)),
                                                    ("largest", largest), ("sorted", sorted)))
    return return_topk(values, indices)


@export(inplace=True, out=True)
def tril(input, diagonal=0):
    return apply(OPS["tril"], (input,), (("diagonal", diagonal),))


@export(inplace=True, out=True)
def triu(input, diagonal=0):
    return apply(OPS["triu"], (input,), (("diagonal", diagonal),))


@export()
def flip(input, dims):
    return apply(OPS["flip"], (input,), (("dims", _dims(tuple(dims), input.ndim)),))


@export(out=True)
def nonzero(input, *, as_tuple=False):
    idx = np.nonzero(np.asarray(input._value))
    if as_tuple:
        return tuple(Tensor._make(jnp.asarray(i, jnp.int64)) for i in idx)
    return Tensor._make(jnp.asarray(np.stack(idx, axis=1) if idx else np.zeros((0, 0)), jnp.int64))


@export(function=False)
def to(self, *args, **kwargs):
    from .._size import check_device_available, device

    # a device this machine lacks gets PyTorch's error, never a silent stay on CPU
    for a in (kwargs.get("device"), *args):
        if isinstance(a, (str, device)) or (isinstance(a, int) and not isinstance(a, bool)):
            check_device_available(a)
    dtype = kwargs.get("dtype")
    for a in args:
        if isinstance(a, D.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
    fmt = _layout.check_memory_format("to", kwargs.get("memory_format"))
    if fmt is not None and fmt is not _layout.preserve_format:
        # PyTorch returns self when the format already is the one its layout suggests
        if dtype not in (None, self._dtype) or fmt is not _layout.suggest_memory_format(self):
            _layout.check_layout_request(self.shape, fmt, "to")
            if dtype is None or dtype is self._dtype:
                return clone(self)  # every format torchlike accepts here is row-major
    if dtype is None or dtype is self._dtype:
        return self
    return apply(OPS["to"], (self,), (("dtype", dtype._np),))


@export()
def clone(input, *, memory_format=None):
    _layout.check_layout_request(input.shape, memory_format, "clone")
    return apply(OPS["clone"], (input,))


def _legacy_new(self, *args, **kwargs):
    from .._factories import tensor_new

    return tensor_new(self, *args, **kwargs)


METHODS["new"] = _legacy_new  # x.new(2, 3): the legacy constructor of x's type


# ---------------------------------------------------------------------------------- indexing
def _is_int_scalar_tensor(i):
    # (0-d bool and uint8 tensors are masks, as in PyTorch)
    return (isinstance(i, Tensor) and i.ndim == 0 and i._dtype not in (D.bool_, D.uint8)
            and not (i._dtype.is_floating_point or i._dtype.is_complex))


def _getitem(self, index):
    if not isinstance(index, tuple):
        index = (index,)
    # a 0-d integer tensor indexes like the integer it holds (a select, as in PyTorch, which
    # reads it too); its value is a traced operand, so every value shares one executable
    if builtins.any(_is_int_scalar_tensor(i) for i in index):
        index = tuple(operator.index(i) if _is_int_scalar_tensor(i) else i for i in index)
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
            # bounds given as 0-d tensors are read once (PyTorch reads them too)
            raw = slice(*(b if b is None or type(b) is int else operator.index(b)
                          for b in (i.start, i.stop, i.step)))
            start, stop, step = raw.indices(n)
            if step <= 0:
                raise ValueError("step must be greater than zero")
            stop = builtins.max(stop, start)
            if not (start == 0 and stop == n and step == 1) or len(expanded) == 1:
                # SliceBackward0 saves the bounds as written (None: 0 and INT64_MAX)
                out = _slice(out, dim, start, stop, step, (raw.start or 0, raw.stop))
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


def copy_(self, src, non_blocking=False):
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
    if builtins.any(_is_int_scalar_tensor(i) for i in parts):  # as in _getitem: an integer
        parts = tuple(operator.index(i) if _is_int_scalar_tensor(i) else i for i in parts)
        index = parts
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


@export(inplace=True)
def index_add(input, dim, index, source, *, alpha=1):
    return apply(OPS["index_add"], (input, source, index),
                 (("dim", _wrap_dim(dim, input.ndim)), ("alpha", alpha)))


@export(inplace=True)
def index_fill(input, dim, index, value):
    if isinstance(value, Tensor):
        value = value.item()
    return apply(OPS["index_fill"], (input, index, value), (("dim", _wrap_dim(dim, input.ndim)),))


@export(inplace=True, out=True)
def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    if src is None:
        src = value
    d = (("dim", _wrap_dim(dim, input.ndim)),)
    if isinstance(src, Tensor):
        return apply(OPS["scatter"], (input, src, index), d)
    return apply(OPS["scatter_value"], (input, index, _scalar(src)), d)


@export(inplace=True)
def scatter_add(input, dim, index, src):
    return apply(OPS["scatter_add"], (input, src, index), (("dim", _wrap_dim(dim, input.ndim)),))


METHODS["__setitem__"] = _setitem
METHODS["index_put_"] = index_put_
FUNCTIONS["index_put"] = METHODS["index_put"] = index_put


METHODS["copy_"] = copy_


# ---------------------------------------------------------------------------------- more ops
def _int_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


@export()
def roll(input, shifts, dims=None):
    shifts = tuple(operator.index(v) for v in _int_tuple(shifts))
    dims = () if dims is None else tuple(operator.index(v) for v in _int_tuple(dims))
    if len(shifts) != builtins.max(len(dims), 1) or (not dims and len(shifts) != 1):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    _dims(dims, input.ndim)  # range check; RollBackward0 keeps the dims as written
    # the shifts are traced operands: one executable for every shift
    return apply(OPS["roll"], (input, *shifts), (("dims", dims),))


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


@export(inplace=True, out=True)
def addcmul(input, tensor1, tensor2, *, value=1):
    return apply(OPS["addcmul"], (input, tensor1, tensor2, _scalar(value)))


@export(inplace=True, out=True)
def addcdiv(input, tensor1, tensor2, *, value=1):
    return apply(OPS["addcdiv"], (input, tensor1, tensor2, _scalar(value)))


@export(out=True)
def diff(input, n=1, dim=-1, prepend=None, append=None):
    if prepend is not None or append is not None:
        parts = [p for p in (prepend, input, append) if p is not None]
        input = cat(parts, dim)
    return apply(OPS["diff"], (input,), (("n", n), ("dim", _wrap_dim(dim, input.ndim))))


@export(out=True)
def cross(input, other, dim=None):
    if dim is None:
        dim = next(i for i, s in enumerate(input.shape) if s == 3)
    return apply(OPS["cross"], (input, other), (("dim", _wrap_dim(dim, input.ndim)),))


@export(out=True)
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


@export(out=True)
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


@export(method=False, out=True)
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


@export(method=False, out=True)
def bucketize(input, boundaries, *, out_int32=False, right=False):
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


@export(inplace=True, out=True)
def logit(input, eps=None):
    return apply(OPS["logit"], (input,), (("eps", eps),))


@export(inplace=True, out=True)
def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    return apply(OPS["nan_to_num"], (input,), (("nan", nan), ("posinf", posinf),
                                               ("neginf", neginf)))


@export()
def rot90(input, k=1, dims=(0, 1)):
    return apply(OPS["rot90"], (input,), (("k", k), ("dims", _dims(tuple(dims), input.ndim))))


@export(out=True)
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


@export(out=True)
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
