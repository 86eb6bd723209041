"""``torch._foreach_*``: the list-at-a-time ops that EMA helpers (timm's ModelEmaV3, DiT's
``update_ema`` rewrites), gradient-norm utilities and hand-written optimizers call directly.

PyTorch runs them as fused multi-tensor kernels; their results are those of the per-tensor op
on each element (dtype promotion, broadcasting, the leaf-in-place refusal), so each one here is
that op applied tensor by tensor. The list checks and overload refusals come first, with
PyTorch's messages.
"""

from __future__ import annotations

import numbers

from ._tensor import Tensor
from .linalg import vector_norm

__all__: list[str] = []

_UNARY = (
    "abs acos asin atan ceil cos cosh erf erfc exp expm1 floor frac lgamma log log10 log1p log2 "
    "neg reciprocal round rsqrt sigmoid sign sin sinh sqrt tan tanh trunc"
).split()

_SELF = "tuple of Tensors self"
_NUM = (bool, numbers.Number)

# the overload lists PyTorch's argument parser prints, in its order
_SIGNATURES = {
    "add": (
        f"({_SELF}, Number scalar)",
        f"({_SELF}, tuple of Scalars scalars)",
        f"({_SELF}, Tensor other, *, Number alpha = 1)",
        f"({_SELF}, tuple of Tensors other, *, Number alpha = 1)",
    ),
    "sub": (
        f"({_SELF}, Number scalar)",
        f"({_SELF}, tuple of Scalars scalars)",
        f"({_SELF}, tuple of Tensors other, *, Number alpha = 1)",
    ),
    "mul": (
        f"({_SELF}, tuple of Scalars scalars)",
        f"({_SELF}, Tensor other)",
        f"({_SELF}, tuple of Tensors other)",
        f"({_SELF}, Number scalar)",
    ),
    "clamp": (
        f"({_SELF}, Number scalar)",
        f"({_SELF}, tuple of Scalars scalars)",
        f"({_SELF}, tuple of Tensors other)",
    ),
    "pow": (
        "(Number self, tuple of Tensors exponent)",
        f"({_SELF}, Number exponent)",
        f"({_SELF}, tuple of Scalars exponent)",
        f"({_SELF}, tuple of Tensors exponent)",
    ),
    "pow_": (
        f"({_SELF}, Number exponent)",
        f"({_SELF}, tuple of Scalars exponent)",
        f"({_SELF}, tuple of Tensors exponent)",
    ),
    "lerp": (
        f"({_SELF}, tuple of Tensors tensors1, Number weight)",
        f"({_SELF}, tuple of Tensors tensors1, tuple of Scalars weight)",
        f"({_SELF}, tuple of Tensors tensors1, tuple of Tensors weights)",
    ),
    "addc": (
        f"({_SELF}, tuple of Tensors tensor1, tuple of Tensors tensor2, tuple of Scalars scalars)",
        f"({_SELF}, tuple of Tensors tensor1, tuple of Tensors tensor2, Tensor scalars)",
        f"({_SELF}, tuple of Tensors tensor1, tuple of Tensors tensor2, Number value = 1)",
    ),
}


def _type_name(x):
    return "Tensor" if isinstance(x, Tensor) else type(x).__name__


def _invalid(name, family, *got, **keywords):
    shown = ", ".join(
        [_type_name(g) for g in got] + [f"{k}={_type_name(v)}" for k, v in keywords.items()]
    )
    lines = "\n".join(f" * {s}" for s in _SIGNATURES[family])
    return TypeError(
        f"{name}() received an invalid combination of arguments - got ({shown}), "
        f"but expected one of:\n{lines}\n"
    )


def _is_tensors(x):
    return isinstance(x, (list, tuple)) and all(isinstance(t, Tensor) for t in x)


def _is_scalars(x):
    return (
        isinstance(x, (list, tuple))
        and len(x) > 0
        and all(isinstance(s, _NUM) and not isinstance(s, Tensor) for s in x)
    )


def _is_number(x):
    return isinstance(x, _NUM) and not isinstance(x, Tensor)


def _tensor_list(name, x, arg="self", position=1):
    if not _is_tensors(x):
        raise TypeError(
            f"{name}(): argument '{arg}' (position {position}) must be tuple of Tensors, "
            f"not {_type_name(x)}"
        )
    if not x:
        raise RuntimeError("Tensor list must have at least one tensor.")
    return x


def _same_length(first, *others):
    for other in others:
        if len(other) != len(first):
            raise RuntimeError(
                "Tensor lists must have the same number of tensors, "
                f"got {len(first)} and {len(other)}"
            )


def _scalar_list(tensors, scalars):
    if len(scalars) != len(tensors):
        raise RuntimeError("Tensor list must have same number of elements as scalar list.")
    return scalars


def _finish(name, self, results):
    # the in-place forms hand back the very list they were given, the others a tuple
    return self if name.endswith("_") else tuple(results)


def _unary(op):
    name = f"_foreach_{op}"

    def forward(self):
        _tensor_list(name, self)
        return tuple(getattr(t, op)() for t in self)

    def inplace(self):
        _tensor_list(name + "_", self)
        for t in self:
            getattr(t, op + "_")()
        return self

    forward.__name__ = forward.__qualname__ = name
    inplace.__name__ = inplace.__qualname__ = name + "_"
    return forward, inplace


def _per_element(name, family, self, other, method, *, alpha=None, scalar_ok=True, tensor_ok):
    """Pairs each tensor of ``self`` with its operand (one number, a number each, one tensor or a
    tensor each) and applies ``method`` (a Tensor method name) to the pair."""
    if not _is_tensors(self):
        raise _invalid(name, family, self, other)
    kwargs = {} if alpha is None else {"alpha": alpha}
    if _is_number(other) and scalar_ok:
        if alpha is not None and alpha != 1:
            raise _invalid(name, family, self, other, alpha=alpha)
        _tensor_list(name, self)
        operands = [other] * len(self)
        kwargs = {}
    elif isinstance(other, Tensor) and (tensor_ok or other.dim() == 0):
        # a 0-dim tensor is also a Number to PyTorch's parser
        _tensor_list(name, self)
        operands = [other] * len(self)
    elif _is_tensors(other) and other:
        _tensor_list(name, self)
        _same_length(self, other)
        operands = other
    elif _is_scalars(other):
        _tensor_list(name, self)
        operands = _scalar_list(self, other)
        kwargs = {}
    else:
        raise _invalid(name, family, self, other)
    return _finish(name, self, [getattr(t, method)(o, **kwargs) for t, o in zip(self, operands)])


def _binary(op, family, *, alpha, tensor_ok, method=None, scalar_method=None):
    def make(inplace):
        name = f"_foreach_{op}" + ("_" if inplace else "")
        suffix = "_" if inplace else ""
        tensor_method = (method or op) + suffix
        number_method = (scalar_method or method or op) + suffix

        def pick(other):
            numeric = _is_number(other) or _is_scalars(other)
            return number_method if numeric else tensor_method

        if alpha:

            def fn(self, other, *, alpha=1):
                return _per_element(
                    name, family, self, other, pick(other), alpha=alpha, tensor_ok=tensor_ok
                )
        else:

            def fn(self, other):
                return _per_element(name, family, self, other, pick(other), tensor_ok=tensor_ok)

        fn.__name__ = fn.__qualname__ = name
        return fn

    return make(False), make(True)


def _pow(inplace):
    name = "_foreach_pow" + ("_" if inplace else "")

    def fn(self, exponent):
        if not inplace and _is_number(self) and _is_tensors(exponent):
            _tensor_list(name, exponent, "exponent", 2)
            return tuple(t.__rpow__(self) for t in exponent)
        family = "pow_" if inplace else "pow"
        return _per_element(
            name, family, self, exponent, "pow_" if inplace else "pow", tensor_ok=False
        )

    fn.__name__ = fn.__qualname__ = name
    return fn


def _lerp(inplace):
    name = "_foreach_lerp" + ("_" if inplace else "")
    method = "lerp_" if inplace else "lerp"

    def fn(self, tensors1, weight):
        if not (_is_tensors(self) and _is_tensors(tensors1)):
            raise _invalid(name, "lerp", self, tensors1, weight)
        if _is_number(weight):
            weights = [weight] * len(self)
        elif _is_tensors(weight) and weight:
            weights = weight
        elif _is_scalars(weight):
            weights = None
        else:
            raise _invalid(name, "lerp", self, tensors1, weight)
        _tensor_list(name, self)
        _same_length(self, tensors1)
        if weights is None:
            weights = _scalar_list(self, weight)
        else:
            _same_length(self, weights)
        results = [getattr(t, method)(e, w) for t, e, w in zip(self, tensors1, weights)]
        return _finish(name, self, results)

    fn.__name__ = fn.__qualname__ = name
    return fn


def _addc(op, inplace):
    name = f"_foreach_{op}" + ("_" if inplace else "")
    method = op + ("_" if inplace else "")

    def fn(self, tensor1, tensor2, scalars=1, *, value=None):
        if value is not None:
            scalars = value
        for position, x in enumerate((self, tensor1, tensor2), 1):
            if not _is_tensors(x):
                if position == 3 and _is_tensors(self) and _is_tensors(tensor1):
                    raise TypeError(
                        f"{name}(): argument 'tensor2' (position 3) must be tuple of Tensors, "
                        f"not {_type_name(x)}"
                    )
                raise _invalid(name, "addc", self, tensor1, tensor2)
        if _is_number(scalars):
            values = [scalars] * len(self)
        elif isinstance(scalars, Tensor) and scalars.dim() == 1:
            values = scalars.tolist()
        elif _is_scalars(scalars):
            values = scalars
        else:
            raise _invalid(name, "addc", self, tensor1, tensor2, scalars)
        _tensor_list(name, self)
        _same_length(self, tensor1, tensor2)
        _scalar_list(self, values)
        results = [
            getattr(t, method)(a, b, value=v) for t, a, b, v in zip(self, tensor1, tensor2, values)
        ]
        return _finish(name, self, results)

    fn.__name__ = fn.__qualname__ = name
    return fn


def _foreach_norm(self, ord=2, dtype=None):
    _tensor_list("_foreach_norm", self)
    if not _is_number(ord):
        raise TypeError(
            f"_foreach_norm(): argument 'ord' (position 2) must be Number, not {_type_name(ord)}"
        )
    return tuple(vector_norm(t, ord, dtype=dtype) for t in self)


def _foreach_max(self):
    _tensor_list("_foreach_max", self)
    return tuple(t.max() for t in self)


def _foreach_clone(self):
    _tensor_list("_foreach_clone", self)
    return tuple(t.clone() for t in self)


def _foreach_zero_(self):
    _tensor_list("_foreach_zero_", self)
    for t in self:
        t.zero_()
    return self


def _foreach_copy_(self, src, non_blocking=False):
    _tensor_list("_foreach_copy_", self)
    _tensor_list("_foreach_copy_", src, "src", 2)
    if not isinstance(non_blocking, bool):
        raise TypeError(
            "_foreach_copy_(): argument 'non_blocking' (position 3) must be bool, "
            f"not {_type_name(non_blocking)}"
        )
    _same_length(self, src)
    for t, s in zip(self, src):
        t.copy_(s, non_blocking)
    return self


FUNCTIONS: dict = {}
for _op in _UNARY:
    FUNCTIONS[f"_foreach_{_op}"], FUNCTIONS[f"_foreach_{_op}_"] = _unary(_op)
for _op, _family, _alpha, _tensor_ok, _method, _scalar_method in (
    ("add", "add", True, True, None, None),
    ("sub", "sub", True, False, None, None),
    ("mul", "mul", False, True, None, None),
    ("div", "mul", False, True, None, None),
    ("clamp_min", "clamp", False, False, "clamp_min", None),
    ("clamp_max", "clamp", False, False, "clamp_max", None),
    # a number bound is a clamp, a tensor bound the elementwise maximum / minimum
    ("maximum", "clamp", False, False, "maximum", "clamp_min"),
    ("minimum", "clamp", False, False, "minimum", "clamp_max"),
):
    FUNCTIONS[f"_foreach_{_op}"], FUNCTIONS[f"_foreach_{_op}_"] = _binary(
        _op,
        _family,
        alpha=_alpha,
        tensor_ok=_tensor_ok,
        method=_method,
        scalar_method=_scalar_method,
    )
FUNCTIONS["_foreach_pow"], FUNCTIONS["_foreach_pow_"] = _pow(False), _pow(True)
FUNCTIONS["_foreach_lerp"], FUNCTIONS["_foreach_lerp_"] = _lerp(False), _lerp(True)
for _op in ("addcmul", "addcdiv"):
    FUNCTIONS[f"_foreach_{_op}"] = _addc(_op, False)
    FUNCTIONS[f"_foreach_{_op}_"] = _addc(_op, True)
for _fn in (_foreach_norm, _foreach_max, _foreach_clone, _foreach_zero_, _foreach_copy_):
    FUNCTIONS[_fn.__name__] = _fn
