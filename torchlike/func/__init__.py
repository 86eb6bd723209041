"""torch.func: function transforms, run by JAX's own transforms.

Each transform unwraps its Tensor arguments to JAX arrays, hands a pure function to
``jax.grad`` / ``jax.vjp`` / ``jax.jvp`` / ``jax.vmap`` / ``jax.jacrev`` / ``jax.jacfwd`` /
``jax.linearize``, and wraps the results back into Tensors.  Inside that pure function the user's
function sees Tensors that hold JAX tracers (``Tensor._make(tracer)``), so every torchlike op is
traced once: ``vmap`` batches each op instead of looping in Python, and transforms nest because
an inner transform simply unwraps tracers of the outer one.  The user's function runs with
autograd recording off: JAX differentiates, and a recorded node holding a tracer would outlive
the trace.
"""

from __future__ import annotations

import functools
import os
from contextlib import contextmanager

import jax
import jax.numpy as jnp
import numpy as np

from .. import random as _random
from .._ops import core as _core
from .._ops import frontend as _f
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.function import Function, once_differentiable

__all__ = [
    "grad",
    "grad_and_value",
    "vjp",
    "jvp",
    "jacrev",
    "jacfwd",
    "hessian",
    "vmap",
    "functional_call",
    "stack_module_state",
    "replace_all_batch_norm_modules_",
    "functionalize",
    "linearize",
]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_FUNC_DIR = os.path.dirname(os.path.abspath(__file__))
_HOST_SYNC_ERRORS = (
    jax.errors.ConcretizationTypeError,
    jax.errors.TracerArrayConversionError,
    jax.errors.TracerIntegerConversionError,
    jax.errors.TracerBoolConversionError,
)


def _is_tensor(x):
    return isinstance(x, Tensor)


def _unwrap(tree):
    return jax.tree_util.tree_map(
        lambda t: t._value if isinstance(t, Tensor) else t, tree, is_leaf=_is_tensor
    )


def _wrap(tree, like=None):
    """Tensors for the arrays of ``tree``; dicts keep the key order of ``like`` (JAX's pytrees
    sort dict keys, PyTorch's keep insertion order)."""
    out = jax.tree_util.tree_map(lambda v: Tensor._make(v) if isinstance(v, jax.Array) else v, tree)
    return out if like is None else _reorder(out, like)


def _reorder(result, template):
    if isinstance(template, dict) and isinstance(result, dict):
        return {k: _reorder(result[k], template[k]) for k in template if k in result}
    if (
        isinstance(template, (tuple, list))
        and isinstance(result, (tuple, list))
        and len(template) == len(result)
    ):
        return type(result)(_reorder(r, t) for r, t in zip(result, template))
    return result


def _leaves_replaced(template, leaf):
    """``template`` with every leaf replaced by ``leaf``, keeping dict key order."""
    if isinstance(template, dict):
        return {k: _leaves_replaced(v, leaf) for k, v in template.items()}
    if isinstance(template, (tuple, list)):
        return type(template)(_leaves_replaced(v, leaf) for v in template)
    return leaf


def _host_sync_error(exc):
    """The JAX tracer error behind ``exc`` (raised directly or re-raised by an op), or None."""
    while exc is not None:
        if isinstance(exc, _HOST_SYNC_ERRORS):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _torchlike_call_name(tb):
    """The torchlike function the user's code called when the sync happened (``item``,
    ``__bool__``, ``nonzero``): the outermost torchlike frame outside this package."""
    while tb is not None:
        filename = os.path.abspath(tb.tb_frame.f_code.co_filename)
        if filename.startswith(_PACKAGE_DIR) and not filename.startswith(_FUNC_DIR):
            return tb.tb_frame.f_code.co_name
        tb = tb.tb_next
    return None


def _translate_host_sync(transform, exc):
    """PyTorch's error for reading a traced value on the host inside ``transform``."""
    name = _torchlike_call_name(exc.__traceback__)
    if transform == "vmap":
        if name in ("item", "__float__", "__int__", "__complex__"):  # PyTorch's go through item
            return RuntimeError(
                "vmap: It looks like you're calling .item() on a Tensor. We don't support vmap "
                "over calling .item() on a Tensor, please try to rewrite what you're doing with "
                "other operations. If error is occurring somewhere inside PyTorch internals, "
                "please file a bug report."
            )
        if name in ("__bool__", "__int__", "__float__", "__index__", None) or isinstance(
            _host_sync_error(exc), jax.errors.TracerBoolConversionError
        ):
            return RuntimeError(
                "vmap: It looks like you're attempting to use a Tensor in some data-dependent "
                "control flow. We don't support that yet, please file an issue at "
                "https://github.com/pytorch/pytorch/issues ."
            )
        if name in ("tolist", "numpy", "__array__"):
            return RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")
        if name in ("__getitem__", "_getitem"):
            return RuntimeError(
                "vmap: We do not support batching operators that can support "
                "dynamic shape. Attempting to batch over indexing with a "
                "boolean mask."
            )
        return RuntimeError(
            "vmap: We do not support batching operators that can output dynamic shape. "
            f"Attempted to vmap over aten::{_ATEN_NAMES.get(name, name)}. Please file an issue at "
            "https://github.com/pytorch/pytorch/issues if you need this feature."
        )
    # PyTorch's grad-like transforms see concrete values; JAX's tracers have none, so this is
    # a documented difference, reported as a PyTorch-style RuntimeError.
    what = f"{name}()" if name else "a Python value"
    return RuntimeError(
        f"{transform}: torchlike cannot compute {what} of a Tensor inside a function transform "
        "(the transform traces the function with JAX, so the value is not known yet); rewrite "
        "it with tensor operations"
    )


# the aten op PyTorch's message names, where it differs from the Python function's name
_ATEN_NAMES = {"unique": "_unique2"}


def _call(transform, func, args, kwargs):
    """Run the user's function on traced Tensors, autograd recording off."""
    try:
        with grad_mode.no_grad():
            return func(*args, **kwargs)
    except Exception as exc:
        if _host_sync_error(exc) is not None:
            raise _translate_host_sync(transform, exc) from None
        raise


def _as_argnums(argnums, nargs, name):
    nums = argnums if isinstance(argnums, tuple) else (argnums,)
    for n in nums:
        if not isinstance(n, int):
            raise RuntimeError(
                f"{name}: argnums must be int or Tuple[int, ...], got: {type(argnums)}"
            )
        if not -nargs <= n < nargs:
            raise RuntimeError(f"Got argnums={n}, but only {nargs} positional inputs")
    return argnums


# ---------------------------------------------------------------------------------- grad


def grad_and_value(func, argnums=0, has_aux=False):
    """``(gradient, value)`` of a function returning a scalar Tensor (``(value, aux)`` with
    ``has_aux``)."""
    prefix = "grad_and_value(f)(*args)"

    def wrapper(*args, **kwargs):
        _as_argnums(argnums, len(args), "grad_and_value")
        vals = _unwrap(args)

        seen = [None]

        def pure(*vals):
            out = _call("grad", func, _wrap(vals, args), kwargs)
            aux = None
            if has_aux:
                if not (isinstance(out, tuple) and len(out) == 2):
                    raise RuntimeError(
                        f"{prefix}: output of function f should be a tuple: "
                        "(output, aux) if has_aux is True"
                    )
                out, aux = out
                seen[0] = aux
            if not isinstance(out, Tensor):
                raise RuntimeError(
                    f"{prefix}: Expected f(*args) to return a Tensor, got {type(out)}"
                )
            if out.dim() != 0:
                raise RuntimeError(
                    f"{prefix}: Expected f(*args) to return a scalar Tensor, got tensor with "
                    f"{out.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?"
                )
            return out._value, (out._value, _unwrap(aux))

        grads, (value, aux) = jax.grad(pure, argnums, has_aux=True)(*vals)
        like = tuple(args[n] for n in argnums) if isinstance(argnums, tuple) else args[argnums]
        if has_aux:
            return _wrap(grads, like), (_wrap(value), _wrap(aux, seen[0]))
        return _wrap(grads, like), _wrap(value)

    return wrapper


def grad(func, argnums=0, has_aux=False):
    """The gradient of a function returning a scalar Tensor (``(grad, aux)`` with ``has_aux``)."""
    gv = grad_and_value(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        if has_aux:
            return g, value[1]
        return g

    return wrapper


# ---------------------------------------------------------------------------------- vjp / jvp


def _cast_like(values, like, name):
    """(Co)tangents in the dtype of what they pair with: PyTorch accepts a float32 cotangent for
    a float64 output, JAX does not."""
    vals, tree = jax.tree_util.tree_flatten(values)
    refs, ref_tree = jax.tree_util.tree_flatten(like)
    if tree != ref_tree:
        raise RuntimeError(
            f"{name}: Expected the tangents/cotangents to have the same python "
            f"structure as the primals/outputs, got {tree} and {ref_tree}"
        )
    out = []
    for v, r in zip(vals, refs):
        if v.shape != r.shape:
            raise RuntimeError(
                f"{name}: Expected the shape of a (co)tangent to match its "
                f"primal/output: got {tuple(v.shape)} and {tuple(r.shape)}"
            )
        out.append(v.astype(r.dtype) if v.dtype != r.dtype else v)
    return jax.tree_util.tree_unflatten(tree, out)


def _output_checked(out, name):
    _check_tensors_only(out, name)
    return _unwrap(out)


def _check_tensors_only(out, name):
    for leaf in jax.tree_util.tree_leaves(out, is_leaf=_is_tensor):
        if not isinstance(leaf, Tensor):
            raise RuntimeError(
                f"{name}: Expected f(*primals) to return only tensors, got "
                f"unsupported type {type(leaf)}"
            )


def _split_aux(out, has_aux, name):
    if not has_aux:
        return out, None
    if not (isinstance(out, tuple) and len(out) == 2):
        raise RuntimeError(
            f"{name}: output of function f should be a tuple: (output, aux) if has_aux is True"
        )
    return out


def vjp(func, *primals, has_aux=False):
    """``(output, vjp_fn)`` (plus ``aux``); ``vjp_fn(cotangents)`` returns one gradient per
    primal, as a tuple."""
    name = "vjp(f, *primals)"
    seen = [None, None]

    def pure(*vals):
        out, aux = _split_aux(_call("vjp", func, _wrap(vals, primals), {}), has_aux, name)
        seen[:] = [out, aux]
        if has_aux:
            return _output_checked(out, name), _unwrap(aux)
        return _output_checked(out, name)

    result = jax.vjp(pure, *_unwrap(primals), has_aux=has_aux)
    out, pullback = result[0], result[1]

    def vjp_fn(cotangents):
        return _wrap(pullback(_cast_like(_unwrap(cotangents), out, "vjp")), primals)

    if has_aux:
        return _wrap(out, seen[0]), vjp_fn, _wrap(result[2], seen[1])
    return _wrap(out, seen[0]), vjp_fn


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``(output, jvp_out)`` (plus ``aux``) of ``func`` at ``primals`` along ``tangents``."""
    for what, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, tuple):
            raise RuntimeError(
                f"jvp(f, primals, tangents): Expected {what} to be a tuple. E.g. "
                "it should be valid to call f(*primals)."
            )
    if len(primals) != len(tangents):
        raise RuntimeError(
            "jvp(f, primals, tangents): Expected primals and tangents to have "
            "the same python structure. For example, if primals is a tuple of 3 "
            "tensors, tangents also must be. Got primals with structure "
            f"{jax.tree_util.tree_structure(primals, is_leaf=_is_tensor)} and "
            "tangents with structure "
            f"{jax.tree_util.tree_structure(tangents, is_leaf=_is_tensor)}"
        )
    name = "jvp(f, primals, tangents)"

    def pure(*vals):
        out, aux = _split_aux(_call("jvp", func, _wrap(vals, primals), {}), has_aux, name)
        if has_aux:
            return _output_checked(out, name), _unwrap(aux)
        return _output_checked(out, name)

    p = _unwrap(primals)
    t = _cast_like(_unwrap(tangents), p, "jvp")
    if has_aux:
        out, tan, aux = _forward_mode(
            lambda: jax.jvp(pure, p, t, has_aux=True),
            lambda: _jvp_by_transpose(pure, p, t, has_aux=True),
        )
        return _wrap(out), _wrap(tan), _wrap(aux)
    out, tan = _forward_mode(lambda: jax.jvp(pure, p, t), lambda: _jvp_by_transpose(pure, p, t))
    return _wrap(out), _wrap(tan)


def _forward_mode(run, fallback):
    """``run()`` (a JAX forward-mode transform); where an op holds a ``jax.custom_vjp``, which
    JAX cannot run forward, ``fallback()`` computes the same through reverse mode.  (A kernel
    PyTorch gives no forward rule raises PyTorch's NotImplementedError from ``apply``.)"""
    try:
        return run()
    except (NotImplementedError, TypeError) as exc:
        if not _core.is_missing_forward_rule(exc):
            raise
    return fallback()


def _jvp_by_transpose(pure, p, t, has_aux=False):
    if has_aux:
        out, pull, aux = jax.vjp(pure, *p, has_aux=True)
        return out, _core.transposed_pullback(pull, out)(*t), aux
    out, pull = jax.vjp(pure, *p)
    return out, _core.transposed_pullback(pull, out)(*t)


def linearize(func, *primals):
    """``(output, jvp_fn)``: ``jvp_fn(*tangents)`` evaluates the JVP at ``primals`` without
    re-running ``func``."""
    name = "linearize(func, *primals)"

    def pure(*vals):
        return _output_checked(_call("linearize", func, _wrap(vals, primals), {}), name)

    p = _unwrap(primals)

    def by_transpose():
        out, pull = jax.vjp(pure, *p)
        return out, _core.transposed_pullback(pull, out)

    def linearized():
        out, f_jvp = jax.linearize(pure, *p)
        # JAX may defer its refusal of a custom_vjp op to the first evaluation: have it now
        f_jvp(*jax.tree_util.tree_map(jnp.zeros_like, p))
        return out, f_jvp

    out, f_jvp = _forward_mode(linearized, by_transpose)

    def jvp_fn(*tangents):
        return _wrap(f_jvp(*_unwrap(tangents)))

    return _wrap(out), jvp_fn


# ---------------------------------------------------------------------------------- jacobians


def _jacobian(jax_transform, transform, func, argnums, has_aux):
    name = f"{transform}(f, ...)(*args)"

    def wrapper(*args):
        _as_argnums(argnums, len(args), transform)

        seen = [None, None]

        def pure(*vals):
            out, aux = _split_aux(_call(transform, func, _wrap(vals, args), {}), has_aux, name)
            seen[:] = [out, aux]
            if has_aux:
                return _output_checked(out, name), _unwrap(aux)
            return _output_checked(out, name)

        vals = _unwrap(args)
        run = jax_transform(pure, argnums, has_aux=has_aux)
        if jax_transform is jax.jacfwd:  # the same Jacobian by reverse mode where needed
            rev = jax.jacrev(pure, argnums, has_aux=has_aux)
            result = _forward_mode(lambda: run(*vals), lambda: rev(*vals))
        else:
            result = run(*vals)
        # each output leaf holds one entry per differentiated input, nested as the inputs are
        like_in = tuple(args[n] for n in argnums) if isinstance(argnums, tuple) else args[argnums]
        like = _leaves_replaced(seen[0], like_in)
        if has_aux:
            return _wrap(result[0], like), _wrap(result[1], seen[1])
        return _wrap(result, like)

    return wrapper


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """The Jacobian by reverse mode: ``out.shape + input.shape`` per (output, argnum)."""
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")
    return _jacobian(jax.jacrev, "jacrev", func, argnums, has_aux)


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """The Jacobian by forward mode (same layout as ``jacrev``)."""
    _check_randomness(randomness)
    return _jacobian(jax.jacfwd, "jacfwd", func, argnums, has_aux)


def hessian(func, argnums=0):
    """Forward-over-reverse Hessian, as PyTorch composes it."""
    return jacfwd(jacrev(func, argnums), argnums)


# ---------------------------------------------------------------------------------- vmap


def _check_randomness(randomness):
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(
            "Only allowed values for randomness are 'error', 'different', or "
            f"'same'. Got {randomness}"
        )


def _func_name(func):
    return getattr(func, "__name__", repr(func))


def _in_dim_pairs(in_dims, args, fname):
    """(tensor, in_dim) for every Tensor of ``args``; ``in_dims`` is a prefix of its tree."""
    pairs = []

    def walk(dims, tree):
        if dims is None or isinstance(dims, int):
            for leaf in jax.tree_util.tree_leaves(tree, is_leaf=_is_tensor):
                if dims is not None and not isinstance(leaf, Tensor):
                    raise ValueError(
                        f"vmap({fname}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={dims} "
                        f"for an input but the input is of type {type(leaf)}. We cannot vmap "
                        "over non-Tensor arguments, please use None as the respective in_dim"
                    )
                if isinstance(leaf, Tensor):
                    pairs.append((leaf, dims))
            return True
        if isinstance(dims, (tuple, list)) and isinstance(tree, (tuple, list)):
            return len(dims) == len(tree) and all(walk(d, t) for d, t in zip(dims, tree))
        if isinstance(dims, dict) and isinstance(tree, dict):
            return dims.keys() == tree.keys() and all(walk(dims[k], tree[k]) for k in dims)
        return False

    if not isinstance(in_dims, (int, tuple)) and in_dims is not None:
        raise ValueError(
            f"vmap({fname}, in_dims={in_dims}, ...): expected `in_dims` to be int "
            f"or a (potentially nested) tuple matching the structure of inputs, "
            f"got: {type(in_dims)}."
        )
    top = in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(args)
    if not walk(top, args):

        def spec(x):
            return jax.tree_util.tree_structure(x, is_leaf=_is_tensor)

        raise ValueError(
            f"vmap({fname}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with "
            f"the structure of `inputs`. in_dims has structure {spec(in_dims)} but inputs has "
            f"structure {spec(args)}."
        )
    for t, d in pairs:
        if d is not None and not -t.dim() <= d < t.dim():
            raise ValueError(
                f"vmap({fname}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some "
                f"input, but that input is a Tensor of dimensionality {t.dim()} so expected "
                f"in_dim to satisfy -{t.dim()} <= in_dim < {t.dim()}."
            )
    return top, pairs


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """Map ``func`` over a dimension of its inputs: ``jax.vmap`` batches every torchlike op."""
    _check_randomness(randomness)
    if chunk_size is not None and not (isinstance(chunk_size, int) and chunk_size > 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")
    fname = _func_name(func)

    def wrapper(*args, **kwargs):
        if not args:
            raise ValueError(
                f"vmap({fname})(<inputs>): got no inputs. Maybe you forgot to add "
                "inputs, or you are trying to vmap over a function with no inputs. "
                "The latter is unsupported."
            )
        top, pairs = _in_dim_pairs(in_dims, args, fname)
        sizes = [t.shape[d] for t, d in pairs if d is not None]
        if not sizes:
            raise ValueError(
                f"vmap({fname}, in_dims={in_dims}, ...)(<inputs>): at least one "
                "input must be a Tensor mapped over a dimension (in_dim not None)"
            )
        if len(set(sizes)) != 1:
            raise ValueError(
                "vmap: Expected all tensors to have the same size in the mapped "
                f"dimension, got sizes {sizes} for the mapped dimension"
            )
        batch = sizes[0]

        seen = [None]

        def pure(*vals):
            out = _call("vmap", func, _wrap(vals, args), kwargs)
            seen[0] = out
            for leaf in jax.tree_util.tree_leaves(out, is_leaf=_is_tensor):
                if not isinstance(leaf, Tensor):
                    raise ValueError(
                        f"vmap({fname}, ...): `{fname}` must only return Tensors, "
                        f"got type {type(leaf)}. Did you mean to set out_dims= "
                        "to None for output?"
                    )
            return _unwrap(out)

        vals = _unwrap(args)

        def run(*vals):
            if chunk_size is None or chunk_size >= batch:
                return jax.vmap(pure, in_axes=top, out_axes=out_dims)(*vals)
            return _chunked(pure, top, out_dims, vals, batch, chunk_size)

        with _randomness_guard(randomness):
            if _records_grad(args):
                return _differentiable_call(run, args, seen)
            out = run(*vals)
        return _wrap(out, seen[0])

    return wrapper


def _records_grad(args):
    return grad_mode.is_grad_enabled() and any(
        t.requires_grad
        for t in jax.tree_util.tree_leaves(args, is_leaf=_is_tensor)
        if isinstance(t, Tensor)
    )


class Vmap(Function):
    """A vmap whose inputs require grad: one autograd node whose backward is JAX's vjp of the
    batched function, so ``loss.backward()`` through ``vmap(fmodel)(params, ...)`` (a stacked
    ensemble) reaches the stacked parameters, as PyTorch's batched ops do."""

    @staticmethod
    def forward(ctx, run, *tensors):
        outs, ctx.pullback = jax.vjp(run, *(t._value for t in tensors))
        ctx.out_avals = [(o.shape, o.dtype) for o in outs]
        results = tuple(Tensor._make(o) for o in outs)
        ctx.mark_non_differentiable(
            *[r for r in results if not (r.is_floating_point() or r.is_complex())]
        )
        return results

    @staticmethod
    @once_differentiable
    def backward(ctx, *grads):
        cts = []
        for g, (shape, dtype) in zip(grads, ctx.out_avals):
            if not jnp.issubdtype(dtype, jnp.inexact):
                cts.append(np.zeros(shape, jax.dtypes.float0))  # integer outputs: no cotangent
            elif g is None:
                cts.append(jnp.zeros(shape, dtype))
            else:
                cts.append(g._value.astype(dtype))
        return (None,) + tuple(Tensor._make(g) for g in ctx.pullback(cts))


def _differentiable_call(run, args, seen):
    """``run`` (a function of the unwrapped ``args``) recorded as one ``Vmap`` node: the
    floating tensors that require grad are its inputs, everything else stays constant."""
    leaves, treedef = jax.tree_util.tree_flatten(args, is_leaf=_is_tensor)
    diff = [
        k
        for k, t in enumerate(leaves)
        if isinstance(t, Tensor) and t.requires_grad and (t.is_floating_point() or t.is_complex())
    ]
    fixed = [t._value if isinstance(t, Tensor) else t for t in leaves]
    out_tree = []

    def flat_run(*diff_vals):
        full = list(fixed)
        for k, v in zip(diff, diff_vals):
            full[k] = v
        out = run(*jax.tree_util.tree_unflatten(treedef, full))
        out_leaves, tree = jax.tree_util.tree_flatten(out)
        out_tree[:] = [tree]
        return out_leaves

    outs = Vmap.apply(flat_run, *[leaves[k] for k in diff])
    return _reorder(jax.tree_util.tree_unflatten(out_tree[0], list(outs)), seen[0])


def _chunked(pure, in_axes, out_dims, vals, batch, chunk_size):
    """PyTorch's ``chunk_size``: vmap over slices of the batch, joined along ``out_dims``."""
    leaves, treedef = jax.tree_util.tree_flatten(vals)
    axes = _broadcast_prefix(in_axes, vals)
    pieces = []
    for start in range(0, batch, chunk_size):
        stop = min(start + chunk_size, batch)
        sliced = [
            v if a is None else jax.lax.slice_in_dim(v, start, stop, axis=a)
            for v, a in zip(leaves, axes)
        ]
        pieces.append(
            jax.vmap(pure, in_axes=in_axes, out_axes=out_dims)(
                *jax.tree_util.tree_unflatten(treedef, sliced)
            )
        )
    out_leaves = [jax.tree_util.tree_leaves(p) for p in pieces]
    out_tree = jax.tree_util.tree_structure(pieces[0])
    out_axes = _broadcast_prefix(out_dims, pieces[0])
    joined = [
        v if a is None else jnp.concatenate([p[i] for p in out_leaves], axis=a)
        for i, (v, a) in enumerate(zip(out_leaves[0], out_axes))
    ]
    return jax.tree_util.tree_unflatten(out_tree, joined)


def _broadcast_prefix(prefix, tree):
    """One axis (or None) per leaf of ``tree``, ``prefix`` being a tree prefix of it."""
    if prefix is None or isinstance(prefix, int):
        return [prefix] * len(jax.tree_util.tree_leaves(tree))
    if isinstance(prefix, dict):
        return [a for k in sorted(tree) for a in _broadcast_prefix(prefix[k], tree[k])]
    return [a for p, t in zip(prefix, tree) for a in _broadcast_prefix(p, t)]


@contextmanager
def _randomness_guard(randomness):
    """Random draws come from torchlike's host generator, so inside a trace they are constants:
    the same for every batch element, which is exactly ``randomness="same"``.  "error" checks
    that the generator did not move; "different" cannot be honoured that way and says so."""
    gen = _random.default_generator
    before = gen._get_state_np()
    yield
    if randomness == "same":
        return
    if not np.array_equal(before, gen._get_state_np()):
        if randomness == "error":
            raise RuntimeError(
                "vmap: called random operation while in randomness error mode. Please either use "
                "the 'same' or 'different' randomness flags on vmap or perform the randomness "
                "operation out of vmap"
            )
        raise NotImplementedError(
            "vmap(randomness='different'): torchlike draws random numbers on the host, so it "
            "cannot give each batch element its own draw inside vmap; draw the batch of random "
            "values outside vmap and pass it in with in_dims=0"
        )


# ---------------------------------------------------------------------------------- modules


def _split_name(name):
    path, _, leaf = name.rpartition(".")
    return path, leaf


def _submodule(module, path):
    for part in path.split(".") if path else ():
        module = getattr(module, part)
    return module


def functional_call(
    module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True, strict=False
):
    """Call ``module`` with some parameters and buffers replaced by the given tensors, for this
    call only (the originals are back afterwards, even when the call raises)."""
    if isinstance(parameter_and_buffer_dicts, dict):
        given = dict(parameter_and_buffer_dicts)
    elif isinstance(parameter_and_buffer_dicts, (tuple, list)):
        given = {}
        for d in parameter_and_buffer_dicts:
            if not isinstance(d, dict):
                raise ValueError(
                    "Expected all elements of parameter_and_buffer_dicts to be dictionaries"
                )
            dup = [k for k in d if k in given]
            if dup:
                raise ValueError(
                    f"{dup} appeared in multiple dictionaries; behavior of "
                    "functional call is ambiguous"
                )
            given.update(d)
    else:
        raise ValueError(
            f"Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of "
            f"dicts, but got {type(parameter_and_buffer_dicts)}"
        )

    names = {}  # id(original tensor) -> every name it is reachable by (tied weights)
    for n, t in list(module.named_parameters(remove_duplicate=False)) + list(
        module.named_buffers(remove_duplicate=False)
    ):
        names.setdefault(id(t), []).append(n)
    if tie_weights:
        for group in names.values():
            if len(group) < 2:
                continue
            present = [n for n in group if n in given]
            if len(present) > 1 and any(given[n] is not given[present[0]] for n in present):
                raise ValueError(
                    f"functional_call got multiple values for keys {present}, which "
                    "are tied. Consider using tie_weights=False"
                )
            if present:
                for n in group:
                    given.setdefault(n, given[present[0]])
    if strict:
        expected = [n for group in names.values() for n in group]
        # sorted, as PyTorch's NamedMemberAccessor.check_keys reports them
        missing = sorted(set(expected) - set(given))
        unexpected = sorted(set(given) - set(expected))
        msgs = []
        if unexpected:
            msgs.append("Unexpected key(s): " + ", ".join(f"'{k}'" for k in unexpected) + ".")
        if missing:
            msgs.append("Missing key(s): " + ", ".join(f"'{k}'" for k in missing) + ".")
        if msgs:
            raise RuntimeError(
                f"Error(s) in reparametrizing for {type(module).__name__}:\n\t" + "\n\t".join(msgs)
            )

    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _reparametrized(module, given):
        return module(*args, **(kwargs or {}))


@contextmanager
def _reparametrized(module, tensors):
    undo = []
    try:
        for name, value in tensors.items():
            owner = _submodule(module, _split_name(name)[0])
            leaf = _split_name(name)[1]
            d = owner.__dict__
            for registry in ("_parameters", "_buffers"):
                if leaf in d.get(registry, {}):
                    undo.append((d[registry], leaf, d[registry][leaf]))
                    d[registry][leaf] = value
                    break
            else:
                undo.append((d, leaf, d.get(leaf, _ABSENT)))
                d[leaf] = value
        yield
    finally:
        for registry, leaf, old in reversed(undo):
            if old is _ABSENT:
                registry.pop(leaf, None)
            else:
                registry[leaf] = old


_ABSENT = object()


def functionalize(func, *, remove="mutations"):
    """``func`` with its mutations replaced by out-of-place ops: under JAX every op already is
    one (a mutation rebinds an immutable array), and the writes to the caller's inputs, which
    PyTorch's functionalize copies back, happen as they would without it."""
    if remove not in ("mutations", "mutations_and_views"):
        raise RuntimeError(
            f"functionalize(f, remove='mutations'): received invalid argument for remove={remove}."
            " Valid options are:\n"
            "     remove='mutations': all inplace and out= operators will be removed from the "
            "program, and replaced with their out-of-place equivalents.\n"
            "     remove='mutations_and_views': In addition to the above, all aliasing operators "
            "{view} will be replaced with their non-aliasing counterparts, {view}_copy.\n"
        )

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapped


def replace_all_batch_norm_modules_(root):
    """Make every batch norm in ``root`` stop tracking running statistics (in place): its
    running buffers become None, so vmapping a model that holds one does not write them."""
    for m in root.modules():
        # nn sits beside func (no import between them): a batch norm is found by its base class
        is_bn = any(c.__name__ == "_BatchNorm" for c in type(m).__mro__)
        if is_bn and m.track_running_stats:
            m.running_mean = None
            m.running_var = None
            m.num_batches_tracked = None
            m.track_running_stats = False
    return root


def stack_module_state(models):
    """``(params, buffers)``: each model's parameters and buffers stacked along a new dim 0,
    ready for ``vmap(functional_call...)`` over an ensemble."""
    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if not all(m.training for m in models) and any(m.training for m in models):
        raise RuntimeError(
            "stack_module_state: Expected all models to have the same training/eval mode."
        )
    first = type(models[0])
    if not all(type(m) is first for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")

    def stack(per_model, name):
        values = [m[name] for m in per_model]
        stacked = _f.stack([v.detach() for v in values])
        # a fresh leaf, requiring grad where the models' tensors did (parameters, not buffers)
        return stacked.requires_grad_(all(v.requires_grad for v in values))

    params = [dict(m.named_parameters()) for m in models]
    buffers = [dict(m.named_buffers()) for m in models]
    return ({k: stack(params, k) for k in params[0]}, {k: stack(buffers, k) for k in buffers[0]})


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
