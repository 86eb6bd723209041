"""The shadow autograd graph: nodes with PyTorch's names, edges, hooks, saved values.

A node records *how* an output was computed: which table op (or custom Function), the values
its backward rule needs (``saved``), its static arguments and its incoming edges
(``next_functions``).  The engine (engine.py) turns a set of nodes into one pure JAX function.
"""

from __future__ import annotations

import itertools
import re
from collections import OrderedDict

_sequence = itertools.count()


class RemovableHandle:
    """What ``register_hook`` returns: ``handle.remove()`` unregisters the hook."""

    _ids = itertools.count()

    def __init__(self, hooks_dict):
        self.id = next(RemovableHandle._ids)
        self._hooks = hooks_dict

    def remove(self):
        if self._hooks is not None:
            self._hooks.pop(self.id, None)
            self._hooks = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def _add_hook(holder, attr, fn):
    hooks = getattr(holder, attr)
    if hooks is None:
        hooks = OrderedDict()
        setattr(holder, attr, hooks)
    handle = RemovableHandle(hooks)
    hooks[handle.id] = fn
    return handle


class Node:
    """Base of every grad_fn class.  Subclasses are made per PyTorch node name (node_class)."""

    __slots__ = ("next_functions", "_op", "_static", "_saved", "_avals", "_out_avals",
                 "_outputs", "_freed", "_metadata", "_pre_hooks", "_post_hooks",
                 "_tensor_pre_hooks", "_retain_grad_hooks", "_sequence_nr",
                 "_operands", "_out_refs", "_saved_versions", "_out_versions", "__weakref__")

    def __init__(self, op, static, saved, avals, out_avals, next_functions, outputs=None):
        self._op = op                  # the table entry (or the custom Function class)
        self._static = static          # hashable static arguments
        self._saved = saved            # per-operand saved value (array / scalar) or None
        self._avals = avals            # per-operand (shape, dtype) or a scalar's type
        self._out_avals = out_avals    # per-output (shape, np dtype)
        self._outputs = outputs        # output values, kept only where the rule saves result
        self.next_functions = next_functions
        self._freed = False
        self._metadata = None
        self._pre_hooks = None         # node.register_prehook
        self._post_hooks = None        # node.register_hook
        self._tensor_pre_hooks = None  # {output_nr: OrderedDict} from Tensor.register_hook
        self._retain_grad_hooks = None # {output_nr: weakref to tensor} from retain_grad()
        self._sequence_nr = next(_sequence)
        self._operands = None          # operand objects, for ``_saved_self is x``
        self._out_refs = None          # weakrefs to outputs, for ``_saved_result``
        self._saved_versions = None    # ((operand index, version at save time), ...)
        self._out_versions = None      # versions of the outputs when saved (None: all 0)

    # -- PyTorch's public node API --------------------------------------------------------
    def name(self):
        return type(self).__name__

    @property
    def metadata(self):
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    @property
    def requires_grad(self):
        return True

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node's backward."""
        return _add_hook(self, "_post_hooks", fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node's backward; may return new grad_outputs."""
        return _add_hook(self, "_pre_hooks", fn)

    def __call__(self, *grads):
        raise RuntimeError("calling a grad_fn node directly is not supported by torchlike; "
                           "use torch.autograd.grad")

    def __repr__(self):
        return f"<{type(self).__name__} object at {id(self):#x}>"

    # -- internals ------------------------------------------------------------------------
    def _add_tensor_pre_hook(self, output_nr, fn):
        if self._tensor_pre_hooks is None:
            self._tensor_pre_hooks = {}
        hooks = self._tensor_pre_hooks.setdefault(output_nr, OrderedDict())
        handle = RemovableHandle(hooks)
        hooks[handle.id] = fn
        return handle

    def _replay_rule(self, plan):
        """(structure key, rule, number of flat values) for this node's local backward.

        The rule is ``jax.vjp`` of the op's pure function, taken with respect to the operands
        that have an edge; operands the rule does not need arrive as zeros of their shape.
        """
        op = self._op
        compute_dtype, static = self._static
        kinds = []
        n_flat = 0
        # a tensor changed through ``.data`` (same version, new contents): PyTorch's saved
        # variable aliases the storage, so the backward sees the new contents
        fresh = {}
        for k, _, gen in self._saved_versions or ():
            t = self._operands[k]
            if t._storage.gen != gen:
                fresh[k] = t._value
        for k, v in enumerate(self._saved):
            if k in fresh:
                v = fresh[k]
            if v is None or isinstance(v, Aval):
                kinds.append(None if v is None else v.key())
            else:
                kinds.append(type(v) if isinstance(v, _SCALARS) else (v.shape, v.dtype))
                plan.flat.append(v)
                n_flat += 1
        diff = tuple(k for k, (n, _) in enumerate(self.next_functions) if n is not None)
        kinds = tuple(kinds)
        return ((op, compute_dtype, static, kinds, diff),
                lambda: _op_rule(op, compute_dtype, static, kinds, diff), n_flat)

    def _saved_by_inplace_op(self, tensor):
        """``tensor`` was just overwritten by this node's own in-place op: what the node saved
        of it is the value before the op (JAX arrays never change), and the node's output is
        ``tensor`` itself at its new version."""
        if self._saved_versions:
            # PyTorch saves the original self of an in-place op as a copy: later writes to the
            # tensor do not concern this node
            self._saved_versions = tuple(entry for entry in self._saved_versions
                                         if self._operands[entry[0]] is not tensor)
        if self._out_refs is not None:
            import weakref

            self._out_refs = (weakref.ref(tensor),) + tuple(self._out_refs[1:])
            self._out_versions = (tensor._vc.version,) + (0,) * (len(self._out_refs) - 1)

    def _check_versions(self):
        """PyTorch's error when a tensor this node saved was modified in place since."""
        if self._saved_versions:
            for k, version, _ in self._saved_versions:
                t = self._operands[k]
                if t._vc.version != version:
                    raise RuntimeError(_modified_message(t, version, None))
        if self._out_refs is not None and self._op is not None and self._op.keeps_result:
            for k, ref in enumerate(self._out_refs):
                t = ref()
                expected = self._out_versions[k] if self._out_versions else 0
                if t is not None and t._vc.version != expected:
                    raise RuntimeError(_modified_message(t, expected, (self, k)))

    def _flat_edges(self, n):
        """Where the ``n`` values this node put in the flat list came from (create_graph)."""
        edges = []
        nf = self.next_functions
        for k, v in enumerate(self._saved):
            if v is None or isinstance(v, Aval):
                continue
            edges.append(nf[k] if k < len(nf) else (None, 0))
        return edges[:n]

    def _release(self):
        """Drop saved values after a backward without retain_graph (PyTorch frees them)."""
        saved = self._saved
        if saved is None or self._freed:
            return
        if self._outputs is not None or any(
                not (v is None or isinstance(v, (Aval,) + _SCALARS)) for v in saved):
            self._freed = True
            # non-tensor saved values (``_saved_exponent``) stay readable, as in PyTorch
            self._saved = tuple(v if isinstance(v, _SCALARS) else None for v in saved)
            self._outputs = None
            self._operands = None

    def __dir__(self):
        # Hide torchlike's internals: dir() shows what PyTorch's nodes show.
        names = set(object.__dir__(self))
        return sorted(n for n in names if not (n.startswith("_") and not n.startswith("__")
                                                and not n.startswith("_saved_")))


def _short_name(node):
    name = node.name()
    return re.sub(r"Backward\d*$", "", name)


def _modified_message(t, expected, output_of):
    from .._tensor import _TYPE_NAMES

    desc = f"[{_TYPE_NAMES[t._dtype]} {list(t.shape)}]"
    if output_of is not None:
        node, k = output_of
        desc += f", which is output {k} of {_short_name(node)},"
    elif t._grad_fn is not None:
        desc += f", which is output {t._output_nr} of {_short_name(t._grad_fn)},"
    return ("one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: {desc} is at version {t._vc.version}; expected version "
            f"{expected} instead. Hint: enable anomaly detection to find the operation that "
            "failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, "
            "check_nan=False).")


ERR_BACKWARD_TWICE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


_SCALARS = (bool, int, float, complex)


class Aval:
    """Stands in for an operand value the backward rule does not need (only its shape)."""

    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype):
        self.shape = shape
        self.dtype = dtype

    def key(self):
        return ("aval", self.shape, self.dtype)


def _op_rule(op, compute_dtype, static, kinds, diff):
    import jax
    import jax.numpy as jnp

    fn = op.function(compute_dtype, static)

    def rule(vals, out_cts, present=None):
        it = iter(vals)
        operands = []
        for k in kinds:
            if k is None:
                operands.append(None)
            elif k[0] == "aval" if isinstance(k, tuple) else False:
                operands.append(jnp.zeros(k[1], k[2]))
            else:
                operands.append(next(it))

        def partial_fn(*d):
            full = list(operands)
            for j, p in enumerate(diff):
                full[p] = d[j]
            return fn(*full)

        out, vjp = jax.vjp(partial_fn, *[operands[p] for p in diff])
        cts = tuple(out_cts) if isinstance(out, tuple) else out_cts[0]
        grads = vjp(cts)
        result = [None] * len(kinds)
        for j, p in enumerate(diff):
            result[p] = grads[j]
        return result

    return rule


class AccumulateGrad(Node):
    """The sink for a leaf tensor: gradients arriving here are added into ``variable.grad``."""

    __slots__ = ("variable",)

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def __init__(self, variable):
        Node.__init__(self, None, (), (), (), ((variable._value.shape, None),), ())
        self.variable = variable


_node_classes: dict[str, type] = {}


def node_class(name: str, saved_attrs: dict | None = None) -> type:
    """The grad_fn class called ``name`` (``AddBackward0`` …), made once and shared.

    ``saved_attrs`` maps PyTorch's ``_saved_<x>`` names to functions of the node, so a user can
    read ``z.grad_fn._saved_exponent`` as in PyTorch.
    """
    cls = _node_classes.get(name)
    if cls is None:
        cls = type(name, (Node,), {"__slots__": (), "__module__": "torchlike.autograd.graph"})
        _node_classes[name] = cls
    for attr, getter in (saved_attrs or {}).items():
        if not hasattr(cls, "_saved_" + attr):
            setattr(cls, "_saved_" + attr, property(getter))
    return cls


class CopySlices(Node):
    """History of a base after an in-place op ``fn`` wrote into one of its views.

    As in PyTorch, the node wraps ``fn``'s node: its edges are the base's old history followed
    by ``fn``'s other inputs; its local rule runs ``fn``'s rule on the view's slice of the
    incoming gradient and routes the part for ``fn``'s ``self`` back into the base.
    """

    __slots__ = ("_fn",)

    def __init__(self, fn_node, base_edge, index, base_aval):
        Node.__init__(self, None, (), (index,), None, (base_aval,),
                      (base_edge,) + tuple(fn_node.next_functions[1:]))
        self._fn = fn_node

    def _check_versions(self):
        self._fn._check_versions()

    def _replay_rule(self, plan):
        import jax.numpy as jnp

        fn_key, fn_rule_factory, n_fn = self._fn._replay_rule(plan)
        index = self._saved[0]
        plan.flat.append(index)
        n_edges = len(self.next_functions)
        fn_rule = None

        def rule(vals, out_cts, present=None):
            ct = out_cts[0]
            idx = vals[n_fn].reshape(-1)
            flat_ct = ct.reshape(-1)
            view_ct = jnp.take(flat_ct, vals[n_fn])
            fn_grads = (fn_rule or fn_rule_factory())(vals[:n_fn], [view_ct], None)
            base_grad = flat_ct.at[idx].set(0)
            if fn_grads[0] is not None:
                base_grad = base_grad.at[idx].add(fn_grads[0].reshape(-1).astype(ct.dtype))
            return [base_grad.reshape(ct.shape)] + list(fn_grads[1:n_edges])

        key = ("copy_slices", fn_key, index.shape, n_fn)
        return key, lambda: rule, n_fn + 1

    def _flat_edges(self, n):
        return list(self._fn._flat_edges(n - 1)) + [(None, 0)]

    def _release(self):
        self._fn._release()
        self._freed = self._fn._freed
