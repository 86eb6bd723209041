"""Custom ``torch.autograd.Function``: ctx, apply, and the node that replays it.

The user's ``forward`` runs eagerly (under no_grad) on real tensors.  Its grad node is the ctx
itself, as in PyTorch (``b.grad_fn.constant`` works).  In the engine's replay, the node's local
rule is a ``jax.custom_vjp`` function whose backward calls the user's Python ``backward`` through
``io_callback``: a ``print`` in it runs once per backward call, compiled or not.
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from .. import _dtype, _tensor
from .._ops import core as _core
from . import _callbacks, forward_ad, grad_mode
from . import graph as _graph
from .graph import ERR_BACKWARD_TWICE, Node, SavedVariable
from .inplace import inplace_update


class FunctionCtx:
    def save_for_backward(self, *tensors):
        self._to_save = tensors

    @property
    def saved_tensors(self):
        if getattr(self, "_in_jvp", False):  # forward AD's ``jvp`` reads ``save_for_forward``'s
            return tuple(getattr(self, "_saved_for_forward", ()))
        if getattr(self, "_saved_freed", False):
            raise RuntimeError(ERR_BACKWARD_TWICE)
        packed = getattr(self, "_packed_saves", None)
        if packed is not None:  # saved under saved_tensors_hooks: unpacked on every read
            return tuple(None if sv is None else sv.unpacked() for sv in packed)
        return tuple(getattr(self, "_to_save", ()))

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable = {id(t) for t in tensors}

    def set_materialize_grads(self, value: bool):
        self._materialize_grads = bool(value)

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def save_for_forward(self, *tensors):
        self._saved_for_forward = tensors


class BackwardCFunction(Node, FunctionCtx):
    """Base of ``<ClassName>Backward`` nodes (no ``__slots__``: the ctx takes attributes).

    ``in_avals``    (shape, dtype) per Tensor argument of ``forward``
    ``tensor_pos``  the positions of those Tensor arguments among all arguments
    ``n_args``      how many arguments ``forward`` took (so many gradients ``backward`` returns)
    """

    def __init__(self, *, fn_cls, next_functions, in_avals, tensor_pos, n_args, needs_input_grad):
        Node.__init__(self, op=fn_cls, next_functions=next_functions)
        self._in_avals = in_avals
        self._tensor_pos = tensor_pos
        self._n_args = n_args
        self.needs_input_grad = needs_input_grad
        self._materialize_grads = True

    def _record_outputs(self, outputs):
        self._out_avals = tuple(
            (tuple(o.shape), o._value.dtype) if isinstance(o, _tensor.Tensor) else ((), jnp.float32)
            for o in outputs
        )

    def _replay_rule(self, plan):
        cb = plan.add_callback(self._run_user_backward)
        edged = tuple(k for k, (n, _) in enumerate(self.next_functions) if n is not None)
        in_avals = tuple(self._in_avals[k] for k in edged)
        n_inputs = len(self.next_functions)
        out_avals = self._out_avals

        def user_vjp(*inputs):
            # The forward already ran eagerly; the replay only needs this function's vjp.
            return tuple(jnp.zeros(s, d) for s, d in out_avals)

        def fwd(*inputs):
            return user_vjp(*inputs), None

        def rule(vals, out_cts, present):
            def bwd(_, cts):
                return tuple(_callbacks.call(cb, list(cts), list(in_avals), present=present))

            if not any(isinstance(c, jax.core.Tracer) for c in out_cts):
                # concrete cotangents (a replay cut at this step): the user's backward directly
                grads = bwd(None, out_cts)
            else:
                fn = jax.custom_vjp(user_vjp)
                fn.defvjp(fwd, bwd)
                _, vjp = jax.vjp(fn, *[jnp.zeros(s, d) for s, d in in_avals])
                grads = vjp(tuple(out_cts))
            result = [None] * n_inputs
            for j, k in enumerate(edged):
                result[k] = grads[j]
            return result

        rule.calls_python = True
        key = ("function", self._op, self._in_avals, out_avals, self._materialize_grads, cb)
        return key, lambda: rule, 0

    def _run_user_backward(self, *grads, present=None):
        """The callable the compiled replay runs: the gradients for the edged inputs."""
        result = self._user_backward_tensors(grads, present)
        return [result[k] for k, (n, _) in enumerate(self.next_functions) if n is not None]

    def _user_backward_tensors(self, grads, present=None, create_graph=False):
        """Call the user's backward on gradient Tensors; validated grads per Tensor input."""
        edged = [k for k, (n, _) in enumerate(self.next_functions) if n is not None]
        grads = tuple(
            None
            if (present is not None and not present[k] and not self._materialize_grads)
            else (g if g is not None else _tensor.Tensor._make(jnp.zeros(*self._out_avals[k])))
            for k, g in enumerate(grads)
        )
        with grad_mode.set_grad_enabled(create_graph):
            result = self._op.backward(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        n = self._n_args
        if len(result) < n or any(r is not None for r in result[n:]):
            raise RuntimeError(
                f"function {type(self).__name__} returned an incorrect number of gradients "
                f"(expected {n}, got {len(result)})"
            )
        tensor_pos = set(self._tensor_pos)
        for k, r in enumerate(result[:n]):
            if r is not None and k not in tensor_pos:
                raise RuntimeError(
                    f"function {type(self).__name__} returned a gradient different than None at "
                    f"position {k + 1}, but the corresponding forward input was not a Variable"
                )
        out = [None] * len(self.next_functions)
        for k in edged:
            g = result[self._tensor_pos[k]]
            shape, dtype = self._in_avals[k]
            if g is None:
                out[k] = _tensor.Tensor._make(jnp.zeros(shape, dtype))
                continue
            if not isinstance(g, _tensor.Tensor):
                raise RuntimeError(f"expected Variable or None (got {type(g).__name__})")
            if tuple(g.shape) != tuple(shape):
                raise RuntimeError(
                    f"Function {type(self).__name__} returned an invalid gradient at index {k} - "
                    f"got {list(g.shape)} but expected shape compatible with {list(shape)}"
                )
            out[k] = g if g._value.dtype == dtype else g.to(_dtype.from_numpy_dtype(dtype))
        return out

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object at {id(self):#x}>"

    def _pack_saves(self, hooks):
        """``save_for_backward``'s tensors through the pack hook (after forward, as PyTorch)."""
        packed = []
        for t in self._to_save:
            if t is None:
                packed.append(None)
                continue
            sv = SavedVariable(None)
            sv.pack(t, hooks)
            packed.append(sv)
        self._packed_saves = packed
        self._to_save = ()

    def _release(self):
        if getattr(self, "_to_save", None) or getattr(self, "_packed_saves", None):
            self._saved_freed = True
            self._to_save = ()
            self._packed_saves = None
            self._freed = True


class FunctionMeta(type):
    """Gives each Function its ``<Name>Backward`` node class, which PyTorch defines in Python
    (``torch.autograd.function``): its repr names that module, unlike the built-in nodes'."""

    def __init__(cls, name, bases, attrs):
        cls._backward_cls = type(
            name + "Backward", (BackwardCFunction,), {"__module__": "torch.autograd.function"}
        )
        super().__init__(name, bases, attrs)


class Function(FunctionCtx, metaclass=FunctionMeta):
    """Subclass with static ``forward`` and ``backward``; call ``YourFunction.apply(...)``."""

    @staticmethod
    def forward(*args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom "
            "autograd.Function to use it with backward mode AD."
        )

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError(
            "You must implement the jvp function for custom autograd.Function to use it with "
            "forward mode AD."
        )

    @classmethod
    def apply(cls, *args, **kwargs):
        if _core.DUAL is not None and any(
            isinstance(a, _tensor.Tensor) and forward_ad.tangent_of(a) is not None for a in args
        ):
            return _apply_dual(cls, args, kwargs)
        return cls._apply(args, kwargs)[0]

    @classmethod
    def _apply(cls, args, kwargs):
        """(the outputs, the ctx: the node, whether or not the outputs record it)"""
        needs = tuple(isinstance(a, _tensor.Tensor) and a._requires_grad for a in args)
        record = grad_mode.is_grad_enabled() and any(needs)
        # next_functions has one entry per Tensor argument, as in PyTorch
        tensor_pos = tuple(k for k, a in enumerate(args) if isinstance(a, _tensor.Tensor))
        edges = tuple(args[k]._edge() for k in tensor_pos)
        in_avals = tuple((tuple(args[k].shape), args[k]._value.dtype) for k in tensor_pos)
        node = cls._backward_cls(
            fn_cls=cls,
            next_functions=edges,
            in_avals=in_avals,
            tensor_pos=tensor_pos,
            n_args=len(args),
            needs_input_grad=needs,
        )
        new_style = cls.setup_context is not Function.setup_context
        with grad_mode.no_grad():
            if new_style:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(node, args, output)
            else:
                output = cls.forward(node, *args, **kwargs)
        single = not isinstance(output, tuple)
        outputs = (output,) if single else output
        if not record:
            return output, node
        non_diff = getattr(node, "_non_differentiable", set())
        node._record_outputs(outputs)
        wrapped = []
        inputs = {id(a) for a in args if isinstance(a, _tensor.Tensor)}
        dirty = {id(t) for t in getattr(node, "_dirty", ())}
        if dirty - {id(o) for o in outputs}:
            raise RuntimeError(
                "Some elements marked as dirty during the forward method were not returned as "
                "output. The inputs that are modified inplace must all be outputs of the Function."
            )
        for k, o in enumerate(outputs):
            if id(o) in dirty and id(o) in inputs and id(o) not in non_diff:
                # an input written in place: that very tensor takes the node (through its
                # base's CopySlices for a view), its version bumped, as an in-place op does
                if o._requires_grad and o._grad_fn is None and o._base_t is None:
                    raise RuntimeError(
                        "a leaf Variable that requires grad has been used in an in-place operation."
                    )
                inplace_update(o, _tensor.Tensor._make(o._value, o._dtype, True, node, k))
                wrapped.append(o)
                continue
            if (
                isinstance(o, _tensor.Tensor)
                and id(o) not in non_diff
                and (o._dtype.is_floating_point or o._dtype.is_complex)
            ):
                if id(o) not in inputs and o._base_t is None and o._grad_fn is None:
                    # a fresh result of forward: that very tensor takes the node, as in PyTorch
                    # (``ctx.result = result`` in forward is then the output the caller gets)
                    o._set_history(node, k)
                    wrapped.append(o)
                    continue
                wrapped.append(_tensor.Tensor._make(o._value, o._dtype, True, node, k))
            elif isinstance(o, _tensor.Tensor):
                wrapped.append(_tensor.Tensor._make(o._value, o._dtype))
            else:
                wrapped.append(o)
        # tensors the user saved that are outputs must be the wrapped outputs
        saved = getattr(node, "_to_save", None)
        if saved:
            by_id = {id(o): w for o, w in zip(outputs, wrapped)}
            node._to_save = tuple(by_id.get(id(t), t) for t in saved)
            if _graph.SAVED_HOOKS:
                node._pack_saves(_graph.SAVED_HOOKS[-1])
        return (wrapped[0] if single else tuple(wrapped)), node


def _apply_dual(cls, args, kwargs):
    """A call at an open forward-AD level with a dual argument: ``forward`` on the primals (its
    ops carry no tangents, as in PyTorch), then the user's ``jvp`` for the outputs' tangents."""
    _core.DUAL = None
    try:
        output, ctx = cls._apply(args, kwargs)
        outputs = output if isinstance(output, tuple) else (output,)
        tangents = []
        for a in args:
            if not isinstance(a, _tensor.Tensor):
                tangents.append(None)
                continue
            t = forward_ad.tangent_of(a)
            tangents.append(t if t is not None else _tensor.Tensor._make(jnp.zeros_like(a._value)))
        ctx._in_jvp = True
        try:
            result = cls.jvp(ctx, *tangents)
        finally:
            ctx._in_jvp = False
    finally:
        _core.DUAL = forward_ad._apply_dual
    results = result if isinstance(result, tuple) else (result,)
    for o, t in zip(outputs, results):
        if isinstance(o, _tensor.Tensor) and isinstance(t, _tensor.Tensor):
            forward_ad._set(o, t)
    return output


def once_differentiable(fn):
    """Run ``backward`` without recording; if a graph was requested (create_graph=True), its
    results still require grad but differentiating them raises, as in PyTorch."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with grad_mode.no_grad():
            outputs = fn(ctx, *args)
        if not grad_mode.is_grad_enabled():
            return outputs
        if not any(isinstance(a, _tensor.Tensor) and a.requires_grad for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        outputs = (outputs,) if single else outputs
        # as PyTorch: one Error node over detached aliases of the outputs, each made a leaf
        # that requires grad so the node is recorded (its edges are their AccumulateGrads)
        fakes = [
            o.detach().requires_grad_()
            if isinstance(o, _tensor.Tensor) and (o.dtype.is_floating_point or o.dtype.is_complex)
            else o
            for o in outputs
        ]
        wrapped = _DelayedError.apply(*fakes)
        wrapped = wrapped if isinstance(wrapped, tuple) else (wrapped,)
        return wrapped[0] if single else wrapped

    return wrapper


class _DelayedError(Function):
    @staticmethod
    def forward(ctx, *outputs):
        clones = tuple(o.clone() if isinstance(o, _tensor.Tensor) else o for o in outputs)
        return clones[0] if len(clones) == 1 else clones

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError(
            "trying to differentiate twice a function that was marked with @once_differentiable"
        )


class _ErrorNode(BackwardCFunction):
    """PyTorch's ``torch::autograd::Error`` node (printed ``<Error object at ...>``)."""

    def name(self):
        return "torch::autograd::Error"

    def __repr__(self):
        return f"<Error object at {id(self):#x}>"


_ErrorNode.__name__ = _ErrorNode.__qualname__ = "Error"
_ErrorNode.__module__ = "builtins"  # (its class prints as <class 'Error'>, as in PyTorch)
_DelayedError._backward_cls = _ErrorNode

InplaceFunction = Function


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
