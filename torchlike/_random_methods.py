"""Random sampling at the Tensor level: the factories ``torch.rand``, ``randn``, ``randint``,
``randperm`` (and their ``_like`` forms), ``torch.normal``, ``bernoulli``, ``multinomial``,
``poisson`` and the in-place samplers ``Tensor.uniform_``, ``normal_``, ``bernoulli_``,
``random_``, ``exponential_``, ``geometric_``, ``log_normal_``, ``cauchy_`` (plus
``Tensor.bernoulli`` and ``Tensor.multinomial``).

The numbers come from ``torchlike.random`` (PyTorch's CPU stream, bit for bit); this module
parses PyTorch's signatures, checks arguments in PyTorch's order with PyTorch's messages, and
puts the sample into a tensor.  An in-place sampler behaves like every in-place op (see
``inplace_update`` in ``autograd/inplace.py``): the same Tensor object gets the new value and a
bumped ``_version``; a leaf that requires grad is refused outside ``no_grad`` (before any number
is drawn, as in PyTorch); under ``no_grad`` it just works, which is what ``nn.init`` relies on.

Gradients: a sample does not depend on the values it was drawn from, so PyTorch gives every
sampler a zero derivative, under a named node (``NormalBackward1``, ``BernoulliBackward2`` …).
``_SampleOp`` entries below are table ops whose JAX function returns the sample operand
unchanged: ``jax.vjp`` then yields exactly those zeros, and the node carries PyTorch's name and
``next_functions``.  ``torch.bernoulli(x, p)`` has PyTorch's ``NotImplemented`` node, whose
backward raises.
"""

from __future__ import annotations

import math
import operator

import jax
import jax.numpy as jnp
import numpy as np

from . import _device, _layout, _meta, _storage
from . import _dtype as D
from . import random as _random
from ._factories import _accept_size_keyword, _finish, _like, _size_args
from ._ops import overloads
from ._ops.core import Op, apply
from ._out import write_out
from ._tensor import Tensor
from .autograd import grad_mode
from .autograd.inplace import _check_inplace_allowed, inplace_update

__all__ = [
    "normal",
    "bernoulli",
    "multinomial",
    "poisson",
    "rand",
    "randn",
    "randint",
    "randperm",
    "rand_like",
    "randn_like",
    "randint_like",
]


# ----------------------------------------------------------------------------- sample ops
def _return_sample(*vals):
    return vals[-1]


class _SampleOps(dict):
    """node name -> Op: ``(inputs..., sample) -> sample``; only the inputs get graph edges."""

    def __missing__(self, key):
        node, n_inputs = key
        op = self[key] = Op(
            node[: -len("Backward0")].lower(), _return_sample, node, linear=True, edges=n_inputs
        )
        return op


_SAMPLE_OPS = _SampleOps()


@jax.custom_vjp
def _no_derivative(x, sample):
    return sample


def _no_derivative_fwd(x, sample):
    return sample, None


def _no_derivative_bwd(_, g):
    raise RuntimeError("derivative for aten::bernoulli is not implemented")


_no_derivative.defvjp(_no_derivative_fwd, _no_derivative_bwd)
_BERNOULLI_P_OP = Op("bernoulli", _no_derivative, "NotImplemented", linear=True, edges=1)


def _wrap(values: np.ndarray, dtype, like=None) -> Tensor:
    """Host samples as a tensor (on ``like``'s device: the generator draws on the host)."""
    arr = jnp.asarray(values, dtype=dtype._np)
    if like is not None and (_device.MIXED[0] or _device.META_SEEN[0]):
        arr = _device.place(arr, like.device)
    return Tensor._make(arr, dtype)


def _sampled(values, dtype, node, inputs):
    """The result of an out-of-place sampler: a new tensor, recorded under ``node`` when one of
    ``inputs`` requires grad (its gradient is zero, as in PyTorch)."""
    sample = values if isinstance(values, Tensor) else _wrap(values, dtype, inputs[0])
    if not (
        grad_mode.is_grad_enabled()
        and dtype.is_floating_point
        and any(t._requires_grad for t in inputs)
    ):
        return sample
    op = _BERNOULLI_P_OP if node is None else _SAMPLE_OPS[node, len(inputs)]
    return apply(op, (*inputs, sample))


def _fill(self, values: np.ndarray, node: str, extra_inputs=()):
    """Make ``self`` hold ``values`` (already in ``self``'s dtype and shape)."""
    if self._requires_grad and grad_mode.is_grad_enabled():
        sample = _wrap(values, self._dtype)
        op = _SAMPLE_OPS[node, 1 + len(extra_inputs)]
        return inplace_update(self, apply(op, (self, *extra_inputs, sample)))
    self._write_data(jnp.asarray(values, dtype=self._dtype._np))
    return self


def _write_out(out, result, name):
    """``out=``: the one writer every op and factory uses (``_out.py``)."""
    return write_out(name, result, out, f"aten::{name}", warn_resize=False)


def _generator(generator, fn_name):
    if generator is None:
        return _random.default_generator
    if not isinstance(generator, _random.Generator):
        raise TypeError(
            f"{fn_name}(): argument 'generator' must be torch.Generator, not "
            f"{type(generator).__name__}"
        )
    return generator


def _np(t: Tensor) -> np.ndarray:
    return np.asarray(t._value)


def _float(x) -> float:
    return float(x.item() if isinstance(x, Tensor) else x)


def _int(x, fn_name, arg, pos) -> int:
    try:
        return operator.index(x)
    except TypeError:
        raise TypeError(
            f"{fn_name}(): argument '{arg}' (position {pos}) must be int, not {type(x).__name__}"
        ) from None


def _bind(fn_name, args, kwargs, names, defaults):
    """Python's argument binding for PyTorch signatures whose parameter names are keywords in
    Python (``from``): returns the values of ``names`` in order."""
    if len(args) > len(names):
        raise TypeError(
            f"{fn_name}() takes from 0 to {len(names)} positional arguments but "
            f"{len(args)} were given"
        )
    values = list(args) + [_MISSING] * (len(names) - len(args))
    for key, value in kwargs.items():
        if key not in names:
            raise TypeError(f"{fn_name}() got an unexpected keyword argument '{key}'")
        i = names.index(key)
        if values[i] is not _MISSING:
            raise TypeError(f"{fn_name}() got multiple values for argument '{key}'")
        values[i] = value
    for i, value in enumerate(values):
        if value is _MISSING:
            if defaults[i] is _REQUIRED:
                raise TypeError(
                    f'{fn_name}() missing 1 required positional arguments: "{names[i]}"'
                )
            values[i] = defaults[i]
    return values


_MISSING = object()  # an argument not given
_REQUIRED = object()  # the "default" of an argument that must be given

# C++ names PyTorch's messages use for a dtype: c10's TypeMeta names ("from is out of bounds
# for float"), the ScalarType names ("numeric_limits<Float>") and typeid names ("long int").
_TYPEMETA = {
    "float32": "float",
    "float64": "double",
    "float16": "c10::Half",
    "bfloat16": "c10::BFloat16",
}
_SCALAR_TYPE = {
    "float32": "Float",
    "float64": "Double",
    "float16": "Half",
    "bfloat16": "BFloat16",
    "bool": "Bool",
    "uint8": "Byte",
    "int8": "Char",
    "int16": "Short",
    "int32": "Int",
    "int64": "Long",
    "complex64": "ComplexFloat",
    "complex128": "ComplexDouble",
}
_CPP_TYPE = {
    "bool": "bool",
    "uint8": "unsigned char",
    "int8": "signed char",
    "int16": "short int",
    "int32": "int",
    "int64": "long int",
}


def _not_implemented(kernel, dtype):
    return NotImplementedError(f"\"{kernel}\" not implemented for '{_SCALAR_TYPE[dtype._name]}'")


def _fmt(x: float) -> str:
    return _random._fmt_double(float(x))


# ------------------------------------------------------------------- values, complex included
# PyTorch samples a complex tensor through its real view: (real, imag) pairs in element order.
def _complex_from_pairs(pairs: np.ndarray, dtype) -> np.ndarray:
    return (pairs[..., 0] + 1j * pairs[..., 1]).astype(dtype._np)


def uniform_values(gen, shape, dtype, low=0.0, high=1.0) -> np.ndarray:
    if dtype.is_complex:
        real = dtype.to_real()
        return _complex_from_pairs(gen._uniform(tuple(shape) + (2,), real, low, high), dtype)
    if not dtype.is_floating_point:
        raise _not_implemented("check_uniform_bounds", dtype)
    return gen._uniform(tuple(shape), dtype, low, high)


def normal_values(gen, shape, dtype, mean=0.0, std=1.0) -> np.ndarray:
    if dtype.is_complex:
        real = dtype.to_real()
        pairs = gen._normal_fill(tuple(shape) + (2,), real, mean, std / math.sqrt(2))
        return _complex_from_pairs(pairs, dtype)
    if not dtype.is_floating_point:
        raise _not_implemented("normal_kernel_cpu", dtype)
    return gen._normal_fill(tuple(shape), dtype, mean, std)


# ---------------------------------------------------------------------- in-place samplers
def uniform_(self, *args, generator=None, **kwargs):
    low, high = _bind("uniform_", args, kwargs, ("from", "to"), (0.0, 1.0))
    low, high = _float(low), _float(high)
    _check_inplace_allowed(self)
    dtype = self._dtype
    if dtype.is_floating_point:
        info = jnp.finfo(dtype._np)
        lowest, highest = float(info.min), float(info.max)
        for name, value in (("from", low), ("to", high)):
            if not lowest <= value <= highest:
                raise RuntimeError(f"{name} is out of bounds for {_TYPEMETA[dtype._name]}")
        if not low <= high:
            raise RuntimeError(
                f"uniform_ expects to return a [from, to) range, but found "
                f"from={_fmt(low)} > to={_fmt(high)}"
            )
        if not high - low <= highest:
            raise RuntimeError(
                f"uniform_ expects to-from <= std::numeric_limits<{_SCALAR_TYPE[dtype._name]}>"
                f"::max(), but found to={_fmt(high)} and from={_fmt(low)} which result in "
                "to-from to exceed the limit"
            )
    if self.is_meta:  # no data to fill; the generator stays where it is, as PyTorch's
        return self
    values = uniform_values(_generator(generator, "uniform_"), self.shape, dtype, low, high)
    return _fill(self, values, "UniformBackward0")


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    mean, std = _float(mean), _float(std)
    _check_inplace_allowed(self)
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    if self.is_meta:
        return self
    values = normal_values(_generator(generator, "normal_"), self.shape, self._dtype, mean, std)
    return _fill(self, values, "NormalBackward0")


def random_(self, *args, generator=None, **kwargs):
    """``random_()``, ``random_(to)``, ``random_(from, to)`` (``to`` may be None)."""
    given = len(args) + len(kwargs)
    if given == 0:
        low = high = None
        node = "RandomBackward2"
    elif given == 1 and (args or "to" in kwargs):
        low, high = None, (args[0] if args else kwargs["to"])
        node = "RandomBackward1"
    elif given == 2:
        low, high = _bind("random_", args, kwargs, ("from", "to"), (_REQUIRED, _REQUIRED))
        node = "RandomBackward0"
    else:
        got = ", ".join(
            [type(a).__name__ for a in args]
            + [f"{k}={type(v).__name__}" for k, v in kwargs.items()]
        )
        raise TypeError(
            f"random_() received an invalid combination of arguments - got ({got}, ), but "
            "expected one of:\n * (*, torch.Generator generator = None)\n * (int from, int to, "
            "*, torch.Generator generator = None)\n * (int to, *, torch.Generator generator = "
            "None)\n"
        )
    if node == "RandomBackward1":
        high = _int(high, "random_", "to", 1)
    elif node == "RandomBackward0":
        low = _int(low, "random_", "from", 1)
        high = None if high is None else _int(high, "random_", "to", 2)
    _check_inplace_allowed(self)
    if self.is_meta:
        return self
    gen = _generator(generator, "random_")
    values = gen._random(
        tuple(self.shape), self._dtype, 0 if node == "RandomBackward1" else low, high
    )
    return _fill(self, values, node)


def exponential_(self, lambd=1.0, *, generator=None):
    lambd = _float(lambd)
    _check_inplace_allowed(self)
    if not lambd > 0.0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_fmt(lambd)}")
    if not self._dtype.is_floating_point:
        raise RuntimeError(
            "Exponential distribution is a continuous probability distribution. "
            "dtype must be a floating point but you specified " + _SCALAR_TYPE[self._dtype._name]
        )
    if self.is_meta:
        return self
    values = _generator(generator, "exponential_")._exponential(
        tuple(self.shape), self._dtype, lambd
    )
    return _fill(self, values, "ExponentialBackward0")


def geometric_(self, *args, generator=None, **kwargs):
    (p,) = _bind("geometric_", args, kwargs, ("p",), (_REQUIRED,))
    p = _float(p)
    _check_inplace_allowed(self)
    if not 0.0 < p < 1.0:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_fmt(p)}")
    if self.is_meta:
        return self
    values = _generator(generator, "geometric_")._geometric(tuple(self.shape), self._dtype, p)
    return _fill(self, values, "GeometricBackward0")


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    mean, std = _float(mean), _float(std)
    _check_inplace_allowed(self)
    if not std > 0.0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_fmt(std)}")
    if self.is_meta:
        return self
    values = _generator(generator, "log_normal_")._log_normal(
        tuple(self.shape), self._dtype, mean, std
    )
    return _fill(self, values, "LogNormalBackward0")


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    median, sigma = _float(median), _float(sigma)
    _check_inplace_allowed(self)
    if not sigma > 0.0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_fmt(sigma)}")
    if not self._dtype.is_floating_point:
        raise RuntimeError(
            "Cauchy distribution is a continuous probability distribution. "
            "dtype must be a floating point but you specified " + _CPP_TYPE[self._dtype._name]
        )
    if self.is_meta:
        return self
    values = _generator(generator, "cauchy_")._cauchy(tuple(self.shape), self._dtype, median, sigma)
    return _fill(self, values, "CauchyBackward0")


def bernoulli_(self, p=0.5, *, generator=None):
    _check_inplace_allowed(self)
    if self.is_meta:
        return self
    gen = _generator(generator, "bernoulli_")
    if isinstance(p, Tensor):
        probs = _bernoulli_probs(p)
        values = gen._bernoulli_tensor(_expand_to(probs, p, tuple(self.shape)), self._dtype)
        return _fill(self, values, "BernoulliBackward1", (p,))
    values = gen._bernoulli_scalar(tuple(self.shape), self._dtype, _float(p))
    return _fill(self, values, "BernoulliBackward2")


def bernoulli_mask(shape, dtype, p, scale=None):
    """A new tensor holding what ``torch.empty(shape, dtype=dtype).bernoulli_(p)`` draws from
    the default generator, and whether it was divided by ``scale`` too: on the host, where
    that is the device's own IEEE division (float32/float64), so dropout's
    ``noise.bernoulli_(1 - p).div_(1 - p)`` costs no op (and no compile per new shape)."""
    values = _random.default_generator._bernoulli_scalar(tuple(shape), dtype, float(p))
    scaled = scale is not None and dtype in (D.float32, D.float64)
    if scaled:
        values = values / dtype._np.type(scale)
    return Tensor._make(_storage.transfer(values, staged=True), dtype), scaled


def _bernoulli_probs(p: Tensor) -> np.ndarray:
    if not p._dtype.is_floating_point:
        raise _not_implemented("bernoulli_tensor_cpu_p_", p._dtype)
    probs = _np(p)
    as_double = probs.astype(np.float64)
    if not ((as_double >= 0) & (as_double <= 1)).all():
        raise RuntimeError(
            "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
            "message be improved?  If so, please report an enhancement request to PyTorch.)"
        )
    return probs


def _expand_to(values: np.ndarray, tensor: Tensor, shape) -> np.ndarray:
    """``tensor.expand(shape)`` for a probability tensor, with PyTorch's errors."""
    if values.ndim > len(shape):
        raise RuntimeError(
            f"expand({tensor.type()}{{{list(values.shape)}}}, size={list(shape)}): the number of "
            f"sizes provided ({len(shape)}) must be greater or equal to the number of "
            f"dimensions in the tensor ({values.ndim})"
        )
    own = (1,) * (len(shape) - values.ndim) + values.shape
    for i, (have, want) in enumerate(zip(own, shape)):
        if have != want and have != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({want}) must match the existing size ({have}) "
                f"at non-singleton dimension {i}.  Target sizes: {list(shape)}.  Tensor sizes: "
                f"{list(values.shape)}"
            )
    return np.broadcast_to(values, shape)


# ---------------------------------------------------------------------- functions
def bernoulli(input, *args, generator=None, out=None, **kwargs):
    """``torch.bernoulli(input)`` (``input`` holds the probabilities) or
    ``torch.bernoulli(input, p)`` (a tensor shaped like ``input``, each entry 1 with
    probability ``p``)."""
    (p,) = _bind("bernoulli", args, kwargs, ("p",), (None,))
    gen = _generator(generator, "bernoulli")
    if p is None:
        dtype = input._dtype if out is None else out._dtype
        values = gen._bernoulli_tensor(_bernoulli_probs(input), dtype)
        result = _sampled(values, dtype, "BernoulliBackward0", (input,))
    else:
        if out is not None:
            raise TypeError(
                "bernoulli() received an invalid combination of arguments - got (Tensor, "
                "out=Tensor, p=float), but expected one of:\n * (Tensor input, *, "
                "torch.Generator generator = None, Tensor out = None)\n * (Tensor input, float "
                "p, *, torch.Generator generator = None)\n"
            )
        values = gen._bernoulli_scalar(tuple(input.shape), input._dtype, _float(p))
        result = _sampled(values, input._dtype, None, (input,))
    return result if out is None else _write_out(out, result, "bernoulli")


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    gen = _generator(generator, "multinomial")
    values = gen._multinomial(
        _np(input), _int(num_samples, "multinomial", "num_samples", 2), bool(replacement)
    )
    result = _wrap(values, D.int64, input)
    return result if out is None else _write_out(out, result, "multinomial")


def poisson(input, generator=None):
    gen = _generator(generator, "poisson")
    values = gen._poisson(_np(input))
    return _sampled(values, input._dtype, "PoissonBackward0", (input,))


_NORMAL_SIGNATURES = (
    "\n * (Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)"
    "\n * (Tensor mean, float std = 1, *, torch.Generator generator = None, Tensor out = None)"
    "\n * (float mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)"
    "\n * (float mean, float std, tuple of ints size, *, torch.Generator generator = None, "
    "Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device "
    "device = None, bool pin_memory = False, bool requires_grad = False)\n"
)


def _type_label(x):
    return "Tensor" if isinstance(x, Tensor) else type(x).__name__


def normal(
    *args,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    pin_memory=False,
    requires_grad=False,
    **kwargs,
):
    """``torch.normal``: ``(Tensor mean, Tensor std)``, ``(Tensor mean, float std=1)``,
    ``(float mean, Tensor std)`` and ``(float mean, float std, size)``."""
    mean, std, size = _bind_normal(args, kwargs)
    mean_t, std_t = isinstance(mean, Tensor), isinstance(std, Tensor)
    numbers = (int, float, np.integer, np.floating)
    factory_kwargs = dtype is not None or requires_grad or device is not None
    valid = (
        (
            mean_t
            and (std_t or std is _MISSING or isinstance(std, numbers))
            and size is _MISSING
            and not factory_kwargs
        )
        or (
            not mean_t
            and isinstance(mean, numbers)
            and std_t
            and size is _MISSING
            and not factory_kwargs
        )
        or (
            isinstance(mean, numbers)
            and isinstance(std, numbers)
            and isinstance(size, (tuple, list))
        )
    )
    if not valid:
        got = [_type_label(a) for a in args] + [f"{k}={_type_label(v)}" for k, v in kwargs.items()]
        raise TypeError(
            "normal() received an invalid combination of arguments - got "
            f"({', '.join(got)}), but expected one of:" + _NORMAL_SIGNATURES
        )
    gen = _generator(generator, "normal")
    out_dtype = None if out is None else out._dtype
    if not mean_t and not std_t:
        dtype = out_dtype or (D.to_dtype(dtype) if dtype is not None else D.get_default_dtype())
        std = _float(std)
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
        if requires_grad and not (dtype.is_floating_point or dtype.is_complex):
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients"
            )
        values = normal_values(gen, _size_args((tuple(size),)), dtype, _float(mean), std)
        result = _finish(jnp.asarray(values, dtype._np), dtype, requires_grad, device)
        return result if out is None else _write_out(out, result, "normal")
    mean_v = _np(mean) if mean_t else _float(mean)
    std_v = 1.0 if std is _MISSING else (_np(std) if std_t else _float(std))
    values = gen._normal(mean_v, std_v, dtype=out_dtype)
    if mean_t and std_t:
        node, inputs = "NormalBackward3", (mean, std)
    elif mean_t:
        node, inputs = "NormalBackward1", (mean,)
    else:
        node, inputs = "NormalBackward2", (std,)
    result_dtype = out_dtype or (mean._dtype if mean_t else std._dtype)
    result = _sampled(values, result_dtype, node, inputs)
    return result if out is None else _write_out(out, result, "normal")


def _bind_normal(args, kwargs):
    names = ("mean", "std", "size")
    if len(args) > 3:
        got = ", ".join(_type_label(a) for a in args)
        raise TypeError(
            "normal() received an invalid combination of arguments - got "
            f"({got}), but expected one of:" + _NORMAL_SIGNATURES
        )
    return _bind("normal", args, kwargs, names, (_MISSING, _MISSING, _MISSING))


# ---------------------------------------------------------------------------------- factories
# torch.rand & co: argument checks, complex dtypes and ``generator=`` as for the samplers above.
def _random_result(values, dtype, requires_grad, device, out, name):
    # (PyTorch draws before it refuses requires_grad=True for an integer dtype; so do we)
    result = _finish(jnp.asarray(values, dtype._np), dtype, requires_grad, device)
    if out is None:
        return result
    return _write_out(out, result, name)


def _meta_result(shape, dtype, requires_grad, device, out, name):
    result = _finish(_meta.array(shape, dtype._np), dtype, requires_grad, device)
    return result if out is None else _write_out(out, result, name)


def _random_dtype(dtype, out, default=None):
    if dtype is not None:
        return D.to_dtype(dtype)
    if out is not None:
        return out.dtype
    return default or D.get_default_dtype()


def rand(
    *size,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    pin_memory=False,
    requires_grad=False,
):
    dtype = _random_dtype(dtype, out)
    shape = _size_args(size)
    if _device.factory_is_meta(device):  # (draws nothing)
        return _meta_result(shape, dtype, requires_grad, device, out, "rand")
    values = uniform_values(_generator(generator, "rand"), shape, dtype)
    return _random_result(values, dtype, requires_grad, device, out, "rand")


def randn(
    *size,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    pin_memory=False,
    requires_grad=False,
):
    dtype = _random_dtype(dtype, out)
    shape = _size_args(size)
    if _device.factory_is_meta(device):  # (draws nothing)
        return _meta_result(shape, dtype, requires_grad, device, out, "randn")
    values = normal_values(_generator(generator, "randn"), shape, dtype)
    return _random_result(values, dtype, requires_grad, device, out, "randn")


_RANDINT = overloads.Overloads(
    "randint",
    tuple(
        f"({args}, *, {gen}Tensor out = None, torch.dtype dtype = None, torch.layout layout = "
        "None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)"
        for args in ("int high, tuple of ints size", "int low, int high, tuple of ints size")
        for gen in ("torch.Generator? generator, ", "")
    ),
)
# the check alone (remembering the argument types it accepted), ahead of randint's own binding
_randint_arguments = overloads.checked(lambda *args, **kwargs: None, _RANDINT, method=False)


def randint(
    *args,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    pin_memory=False,
    requires_grad=False,
    **kwargs,
):
    """``randint(high, size)`` and ``randint(low, high, size)``, positionally or by keyword."""
    # PyTorch's argument parser first (its four signatures); the keywords Python bound here are
    # passed on where they differ from their defaults
    passed = dict(kwargs)
    for key, value, default in (
        ("generator", generator, None),
        ("out", out, None),
        ("dtype", dtype, None),
        ("layout", layout, None),
        ("device", device, None),
        ("pin_memory", pin_memory, False),
        ("requires_grad", requires_grad, False),
    ):
        if value is not default:
            passed[key] = value
    _randint_arguments(*args, **passed)
    given = len(args) + sum(k in ("low", "high", "size") for k in kwargs)
    names = ("low", "high", "size") if given >= 3 or "low" in kwargs else ("high", "size")
    try:
        bound = _bind("randint", args, kwargs, names, (_REQUIRED,) * len(names))
    except TypeError:
        bound = None
    if bound is None or any(v is _MISSING for v in bound):
        raise TypeError(_RANDINT.invalid_combination(args, kwargs))
    low, high, size = (0, *bound) if len(bound) == 2 else bound
    offset = len(names) - 2  # position of ``high`` is 1 or 2
    if len(names) == 3:
        low = _int(low, "randint", "low", 1)
    high = _int(high, "randint", "high", 1 + offset)
    if not isinstance(size, (tuple, list)):
        raise TypeError(
            f"randint(): argument 'size' (position {2 + offset}) must be tuple of "
            f"ints, not {type(size).__name__}"
        )
    dtype = _random_dtype(dtype, out, D.int64)
    shape = _size_args((tuple(size),))
    if _device.factory_is_meta(device):  # (draws nothing)
        return _meta_result(shape, dtype, requires_grad, device, out, "randint")
    values = _generator(generator, "randint")._randint(low, high, shape, dtype)
    return _random_result(values, dtype, requires_grad, device, out, "randint")


_INT_C_NAMES = {
    "uint8": "uint8_t",
    "int8": "int8_t",
    "int16": "int16_t",
    "int32": "int32_t",
    "int64": "int64_t",
}
_PERM_LIMITS = {
    "float16": ((1 << 11) + 1, "2049", "Half"),
    "float32": ((1 << 24) + 1, "2^24+1", "Float"),
    "float64": ((1 << 53) + 1, "2^53+1", "Double"),
}


def randperm(
    n,
    *,
    generator=None,
    out=None,
    dtype=None,
    layout=None,
    device=None,
    pin_memory=False,
    requires_grad=False,
):
    n = _int(n, "randperm", "n", 1)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dtype = _random_dtype(dtype, out, D.int64)
    # PyTorch's check_supported_max_int_with_precision: n - 1 must fit the dtype exactly
    if dtype._name in _INT_C_NAMES and n - 1 > np.iinfo(dtype._np).max:
        raise RuntimeError(
            f"value cannot be converted to type {_INT_C_NAMES[dtype._name]} without overflow"
        )
    if dtype._name in _PERM_LIMITS and n > _PERM_LIMITS[dtype._name][0]:
        _, text, name = _PERM_LIMITS[dtype._name]
        raise RuntimeError(f"n cannot be greater than {text} for {name} type.")
    if dtype is D.bool_ or dtype.is_complex:
        raise _not_implemented("randperm", dtype)
    if _device.factory_is_meta(device):  # (draws nothing)
        return _meta_result((n,), dtype, requires_grad, device, out, "randperm")
    values = _generator(generator, "randperm")._randperm(n, dtype)
    return _random_result(values, dtype, requires_grad, device, out, "randperm")


def _random_like(sampler, name, input, dtype, requires_grad, memory_format, generator, device):
    _layout.check_layout_request(input.shape, memory_format, name)
    shape = tuple(input.shape)
    order = None
    if memory_format is None and sampler is not randn:
        # (randn_like: PyTorch fills a strided result through normal_'s element-by-element
        # path, another stream than randn's for 16 or more numbers; not reproduced)
        order = _layout.memory_order(shape, input.stride())
    if order is None:
        return sampler(
            shape,
            dtype=_like(input, dtype),
            requires_grad=requires_grad,
            generator=generator,
            device=input.device if device is None else device,
        )
    # PyTorch's result keeps a transposed input's layout and is filled in memory order: draw
    # the storage's shape, then view it in the input's order (its strides are the input's too)
    drawn = sampler(
        tuple(shape[d] for d in order),
        dtype=_like(input, dtype),
        generator=generator,
        device=input.device if device is None else device,
    )
    result = drawn.permute(*sorted(range(len(order)), key=order.__getitem__))
    return result.requires_grad_() if requires_grad else result


def rand_like(
    input,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    memory_format=None,
    generator=None,
):
    return _random_like(
        rand, "rand_like", input, dtype, requires_grad, memory_format, generator, device
    )


def randn_like(
    input,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    memory_format=None,
    generator=None,
):
    return _random_like(
        randn, "randn_like", input, dtype, requires_grad, memory_format, generator, device
    )


def randint_like(
    input,
    low=0,
    high=None,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    memory_format=None,
    generator=None,
):
    if high is None:
        low, high = 0, low

    def sampler(shape, **kwargs):
        return randint(low, high, shape, **kwargs)

    return _random_like(
        sampler, "randint_like", input, dtype, requires_grad, memory_format, generator, device
    )


rand = _accept_size_keyword(rand)
randn = _accept_size_keyword(randn)


# ---------------------------------------------------------------------- Tensor methods
def _bernoulli_method(self, *args, generator=None, **kwargs):
    return bernoulli(self, *args, generator=generator, **kwargs)


def _multinomial_method(self, num_samples, replacement=False, *, generator=None):
    return multinomial(self, num_samples, replacement, generator=generator)


METHODS = {
    "uniform_": uniform_,
    "normal_": normal_,
    "random_": random_,
    "bernoulli_": bernoulli_,
    "exponential_": exponential_,
    "geometric_": geometric_,
    "log_normal_": log_normal_,
    "cauchy_": cauchy_,
    "bernoulli": _bernoulli_method,
    "multinomial": _multinomial_method,
}
for _name, _fn in METHODS.items():
    _fn.__name__ = _name  # attached to Tensor by _methods.py
