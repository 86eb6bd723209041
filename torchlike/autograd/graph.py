"""The shadow autograd graph: nodes with PyTorch's names, edges, hooks, saved values.

A node records *how* an output was computed: which table op (or custom Function), the values
its backward rule needs (``saved``), its static arguments and its incoming edges
(``next_functions``).  The engine (engine.py) turns a set of nodes into one pure JAX function.
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections import OrderedDict

import jax
import jax.numpy as jnp

from .. import _deferred, _layout, _storage
from .._classes import TorchNamed

_SavedRead = _storage.SavedRead
_Deferred = _deferred.Deferred

_sequence = itertools.count()


class RemovableHandle(metaclass=TorchNamed):
    """What every ``register_*hook`` returns: ``handle.remove()`` takes the hook out of its
    dict (and out of the flag dicts beside it: ``extra_dict``)."""

    _torch_name = "torch.utils.hooks.RemovableHandle"
    _ids = itertools.count()

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.id = next(RemovableHandle._ids)
        self._dicts = [hooks_dict] + (
            []
            if extra_dict is None
            else list(extra_dict)
            if isinstance(extra_dict, list)
            else [extra_dict]
        )

    def remove(self):
        for d in self._dicts:
            d.pop(self.id, None)
        self._dicts = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()

    def __repr__(self):
        return f"<torch.utils.hooks.RemovableHandle object at {id(self):#x}>"


def _add_hook(holder, attr, fn):
    hooks = getattr(holder, attr)
    if hooks is None:
        hooks = OrderedDict()
        setattr(holder, attr, hooks)
    handle = RemovableHandle(hooks)
    hooks[handle.id] = fn
    return handle


class SavedVariable:
    """One value a node keeps for its backward, as PyTorch's ``SavedVariable``.

    It knows its value, the version of the tensor it came from and who produced that tensor,
    so unpacking it after an in-place change raises PyTorch's "modified by an inplace
    operation" error itself.

    ``value``    what the backward rule reads: a JAX array or a Python scalar (None: an absent
                 operand, an operand the rule needs only the shape of, or a released value)
    ``aval``     (shape, dtype) when the rule needs only the shape (operands of linear ops)
    ``tensor``   the saved operand itself (Tensor or Python scalar), kept where PyTorch saves it,
                 so ``grad_fn._saved_self is x``
    ``version``  the tensor's version when saved; None when it is not checked
    """

    __slots__ = ("value", "aval", "tensor", "version", "_gen", "_output", "released", "packed")

    def __init__(self, value, aval=None, tensor=None, version=None, gen=None):
        # ``tensor``, ``version``, ``gen``: what ``keep_operand`` sets, given at once by the
        # per-op recording path (one call per saved operand instead of two)
        self.value = value
        self.aval = aval
        self.tensor = tensor
        self.version = version
        self._gen = gen
        self._output = None  # weakref to the output Tensor, for a saved result
        self.released = False
        self.packed = None  # (unpack hook, what the pack hook returned): saved_tensors_hooks

    # -- saving --------------------------------------------------------------------------
    def keep_operand(self, operand):
        """Keep the operand object (PyTorch saves it); a Tensor's version is checked later."""
        self.tensor = operand
        if hasattr(operand, "_version"):
            self.version = operand._version
            self._gen = operand._storage.gen

    def keep_output(self, tensor):
        """This saved value is ``tensor``, an output of the node (``_saved_result``)."""
        self._output = weakref.ref(tensor)
        self.version = tensor._version

    def forget_version(self):
        """The node's own in-place op overwrote the tensor: what was saved is the value before
        the op (JAX arrays never change), so later writes no longer concern it."""
        self.version = None
        self._gen = None

    # -- unpacking -----------------------------------------------------------------------
    def check_version(self, output_of=None):
        """PyTorch's error when the saved tensor was modified in place since it was saved.

        ``output_of``: (node, output nr) when this is the node's own output."""
        if self.version is None:
            return
        t = self._output() if self._output is not None else self.tensor
        if t is not None and t._version != self.version:
            # a node's own output is saved as PyTorch's shallow copy: the sizes it had then
            # (``t_()``, ``unsqueeze_()`` since change the tensor's, not the copy's)
            shape = self.shape if output_of is not None else None
            raise RuntimeError(_modified_message(t, self.version, output_of, shape))

    def unpack(self):
        """The value for the backward rule, after the version check."""
        if self.released:
            raise RuntimeError(ERR_BACKWARD_TWICE)
        self.check_version()
        t = self.tensor
        if self._gen is not None and t._storage.gen != self._gen:
            # changed through ``.data`` (same version, new contents): PyTorch's saved variable
            # aliases the storage, so the backward sees the new contents
            return t._value
        value = self.array()
        return value.value() if type(value) is _SavedRead else value

    def array(self):
        """``value``, computed first where it is a deferred result (``_deferred``)."""
        value = self.value
        if type(value) is _Deferred:
            value = self.value = _deferred.value(value)
        return value

    def output(self, node=None, k=0):
        """The saved output as PyTorch unpacks it: a new Tensor over the output's data (and
        version counter) with the node's history, not the output object itself."""
        t = self._output() if self._output is not None else None
        if t is not None and t._geom is not None:
            return t  # (a view: its geometry is not worth copying for this)
        out = _tensor_of(self.array() if t is None else t._storage.data)
        if t is not None:
            out._storage = t._storage
            out._vc = t._vc
        if node is not None:
            out._requires_grad = True
            out._grad_fn = node
            out._output_nr = k
        return out

    @property
    def shape(self):
        if self.aval is not None:
            return self.aval[0]
        return tuple(self.value.shape) if hasattr(self.value, "shape") else ()

    @property
    def holds_array(self) -> bool:
        return self.value is not None and not isinstance(self.value, _SCALARS)

    # -- saved_tensors_hooks ---------------------------------------------------------------
    def pack(self, tensor, hooks):
        """Hand ``tensor`` (what PyTorch saves here) to the innermost pack hook and keep only
        what it returns.  As in PyTorch, a hooked saved tensor keeps neither the tensor nor its
        version: the backward uses whatever the unpack hook gives back, unchecked."""
        pack, unpack = hooks
        with _GRAD_ENABLED(False):
            packed = pack(tensor)
        value = self.value
        if value is not None and not isinstance(value, _SCALARS):
            self.aval = (tuple(value.shape), value.dtype)
        self.value = None
        self.tensor = None
        self.version = None
        self._gen = None
        self._output = None
        self.packed = (unpack, packed, value is not None)

    def unpacked(self):
        """The Tensor the unpack hook makes of what was packed (PyTorch's type check)."""
        if self.released:
            raise RuntimeError(ERR_BACKWARD_TWICE)
        unpack, packed, _ = self.packed
        t = unpack(packed)
        if not isinstance(t, _TENSOR_TYPE[0]):
            raise TypeError(
                "Output of saved tensor unpack_hook expected to be a Tensor but got result of "
                f"type {type(t).__name__}"
            )
        return t

    def release(self):
        """Drop the array (after a backward without retain_graph); scalars stay readable."""
        value = self.value
        if value is not None and not isinstance(value, _SCALARS):  # holds_array
            self.aval = (tuple(value.shape), value.dtype)
            self.value = None
        self.tensor = None
        self._output = None
        self.packed = None
        self.released = True


def _tensor_of(value):
    """A saved array as a Tensor.  Graph nodes sit below Tensor in the layers, so ``_tensor``
    registers its constructor here (``set_tensor_constructor``) when it is imported."""
    return _make_tensor(value)


def _no_tensor_type(value):
    raise RuntimeError("torchlike's Tensor type is not loaded")


_make_tensor = _no_tensor_type


def set_tensor_constructor(make, tensor_type, set_grad_enabled):
    """What graph nodes need of the layers above: making a Tensor, recognising one, and
    switching grad mode (pack hooks run with grad mode off)."""
    global _make_tensor, _GRAD_ENABLED
    _make_tensor = make
    _TENSOR_TYPE[0] = tensor_type
    _GRAD_ENABLED = set_grad_enabled


_TENSOR_TYPE: list = [None]
_GRAD_ENABLED = None


def value_kind(value, aval=None):
    """The structural description of one saved value (part of the replay's cache key)."""
    if value is None:
        return None if aval is None else ("aval",) + tuple(aval)
    if isinstance(value, _SCALARS):
        return ("scalar", type(value))
    return ("array", value.shape, value.dtype)


class Node:
    """Base of every grad_fn class.  Subclasses are made per PyTorch node name (node_class).

    ``op``       the table entry (or the custom Function class)
    ``static``   (compute dtype, hashable static arguments)
    ``saved``    per operand: its ``SavedVariable`` (None for an absent operand)
    ``result``   per output: its ``SavedVariable`` where the rule's entry saves the result
    ``out_avals``  per output: (shape, dtype)
    """

    __slots__ = (
        "next_functions",
        "_op",
        "_static",
        "_saved",
        "_result",
        "_out_avals",
        "_freed",
        "_metadata",
        "_pre_hooks",
        "_post_hooks",
        "_tensor_pre_hooks",
        "_retain_grad_hooks",
        "_sequence_nr",
        "__weakref__",
    )

    def __init__(
        self, *, op=None, static=(), saved=(), result=None, out_avals=(), next_functions=()
    ):
        # (``new_node`` below is the same, positional, for the per-op recording path)
        self._op = op
        self._static = static
        self._saved = saved
        self._result = result
        self._out_avals = out_avals
        self.next_functions = next_functions
        self._freed = False
        self._metadata = None
        self._pre_hooks = None  # node.register_prehook
        self._post_hooks = None  # node.register_hook
        self._tensor_pre_hooks = None  # {output_nr: OrderedDict} from Tensor.register_hook
        self._retain_grad_hooks = None  # {output_nr: weakref to tensor} from retain_grad()
        self._sequence_nr = next(_sequence)

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
        raise RuntimeError(
            "calling a grad_fn node directly is not supported by torchlike; use torch.autograd.grad"
        )

    def __repr__(self):
        return f"<{type(self).__name__} object at {id(self):#x}>"

    # -- what Tensors tell their node ------------------------------------------------------
    def _add_tensor_pre_hook(self, output_nr, fn):
        if self._tensor_pre_hooks is None:
            self._tensor_pre_hooks = {}
        hooks = self._tensor_pre_hooks.setdefault(output_nr, OrderedDict())
        handle = RemovableHandle(hooks)
        hooks[handle.id] = fn
        return handle

    def _retain_grad(self, output_nr, tensor):
        """``tensor.retain_grad()`` on output ``output_nr``: the engine writes its .grad."""
        if self._retain_grad_hooks is None:
            self._retain_grad_hooks = {}
        self._retain_grad_hooks[output_nr] = weakref.ref(tensor)

    def _saved_outputs(self, tensors):
        """The output Tensors, once made: a saved result is checked against their versions."""
        if self._result is not None:
            for sv, t in zip(self._result, tensors):
                sv.keep_output(t)
            if SAVED_HOOKS:
                for sv, t in zip(self._result, tensors):
                    sv.pack(t, SAVED_HOOKS[-1])

    def _saved_by_inplace_op(self, tensor):
        """``tensor`` was just overwritten by this node's own in-place op: what the node saved
        of it is the value before the op (JAX arrays never change), and the node's output is
        ``tensor`` itself at its new version."""
        for sv in self._saved:
            if sv is not None and sv.tensor is tensor:
                sv.forget_version()
        if self._result is not None:
            self._result[0].keep_output(tensor)
            if SAVED_HOOKS:
                self._result[0].pack(tensor, SAVED_HOOKS[-1])

    # -- what ``_saved_<name>`` reads ------------------------------------------------------
    def _saved_operand(self, k):
        """Operand ``k`` as PyTorch saved it (None where it does not)."""
        if self._freed:
            unfree(self)
        sv = self._saved[k] if k < len(self._saved) else None
        if sv is not None and sv.packed is not None:
            return sv.unpacked()
        return None if sv is None else sv.tensor

    def _saved_output(self, k):
        if self._freed:
            unfree(self)
        if self._result is None:
            raise RuntimeError(ERR_BACKWARD_TWICE)
        sv = self._result[k]
        return sv.unpacked() if sv.packed is not None else sv.output(self, k)

    def _unpack_saved(self):
        """Each hooked saved tensor through its unpack hook, in the order they were packed: the
        values this backward's rule reads (PyTorch unpacks on every backward)."""
        for sv in _packing_order(self):
            if sv.packed is not None:
                t = sv.unpacked()
                if sv.packed[2]:  # the rule reads the value (not only the shape)
                    sv.value = t._value

    def _saved_value(self, k):
        """The raw value saved for operand ``k`` (a Python scalar outlives backward)."""
        sv = self._saved[k] if k < len(self._saved) else None
        if sv is None:
            return None
        value = sv.array()
        return value.value() if type(value) is _SavedRead else value

    def _saved_shape(self, k):
        sv = self._saved[k] if k < len(self._saved) else None
        return () if sv is None else sv.shape

    # -- what the engine asks ------------------------------------------------------------
    def _replay_rule(self, plan):
        """(structure key, rule factory, number of flat values) for this node's local backward.

        Unpacks the saved values into ``plan.flat`` (raising PyTorch's error for one modified
        in place).  The rule is ``jax.vjp`` of the op's pure function, taken with respect to
        the operands that have an edge; operands it does not need arrive as zeros of their
        shape.
        """
        # ``_check_versions``, ``SavedVariable.unpack`` and ``value_kind``, inlined: this runs
        # for every node of every backward.  Checking each operand's version just before its
        # released flag raises what checking all versions first does: a node's saved values
        # are released together, and a released one keeps no tensor to check.
        if HOOKED[0]:
            self._unpack_saved()
        kinds = []
        flat = plan.flat
        n_flat = 0
        for sv in self._saved:
            if sv is None:
                kinds.append(None)
                continue
            version = sv.version
            if version is not None:
                t = sv._output() if sv._output is not None else sv.tensor
                if t is not None and t._vc.version != version:
                    raise RuntimeError(_modified_message(t, version, None))
            if sv.released:
                raise RuntimeError(ERR_BACKWARD_TWICE)
            gen = sv._gen
            if gen is not None and sv.tensor._storage.gen != gen:
                value = sv.tensor._value  # changed through ``.data``: see ``unpack``
            else:
                value = sv.value
                if type(value) is _Deferred:
                    if value.result is not None:
                        value = sv.value = value.result
                    elif plan.read_inline:
                        # a forward value not computed yet: the replay's program computes it
                        # (``engine._with_pending_forward``), or the engine does first
                        plan.pending.append(len(flat))
                    else:
                        value = sv.value = _deferred.value(value)
            if value is None:
                aval = sv.aval
                kinds.append(None if aval is None else ("aval",) + tuple(aval))
            elif type(value) is _SavedRead and plan.read_inline:
                # a view saved unread: its base's value and chain arguments go in, and the
                # rule reads the view inside the replay's program
                data, args = value.data, value.args
                kinds.append(("read", value.key, len(args), tuple(data.shape), data.dtype))
                flat.append(data)
                flat.extend(args)
                n_flat += 1 + len(args)
            else:
                if type(value) is _SavedRead:
                    value = value.value()
                kinds.append(
                    ("scalar", type(value))
                    if isinstance(value, _SCALARS)
                    else ("array", value.shape, value.dtype)
                )
                flat.append(value)
                n_flat += 1
        result = self._result
        if result is not None:
            for k, sv in enumerate(result):
                sv.check_version((self, k))
        op = self._op
        compute_dtype, static = self._static
        diff = tuple([k for k, (n, _) in enumerate(self.next_functions) if n is not None])
        kinds = tuple(kinds)
        return (
            (op, compute_dtype, static, kinds, diff),
            lambda: _op_rule(op, compute_dtype, static, kinds, diff),
            n_flat,
        )

    def _check_versions(self):
        """PyTorch's error when a tensor this node saved was modified in place since."""
        for sv in self._saved:
            if sv is not None:
                sv.check_version()
        if self._result is not None:
            for k, sv in enumerate(self._result):
                sv.check_version((self, k))

    def _flat_edges(self, n):
        """Where the ``n`` values this node put in the flat list came from (create_graph)."""
        edges = []
        nf = self.next_functions
        for k, sv in enumerate(self._saved):
            if sv is None or sv.value is None:
                continue
            edges.append(nf[k] if k < len(nf) else (None, 0))
        return edges[:n]

    def _release(self):
        """Drop saved values after a backward without retain_graph (PyTorch frees them).

        A node that saved no array (only shapes and scalars) can be run again, as in PyTorch."""
        if self._freed:
            return
        saved = self._saved if self._result is None else self._saved + self._result
        for sv in saved:
            if sv is not None:
                value = sv.value
                if value is not None and not isinstance(value, _SCALARS):
                    break
        else:
            return
        self._freed = True
        for sv in saved:
            if sv is not None:
                sv.release()

    def __dir__(self):
        # Hide torchlike's internals: dir() shows what PyTorch's nodes show.
        names = set(object.__dir__(self))
        return sorted(
            n
            for n in names
            if not (n.startswith("_") and not n.startswith("__") and not n.startswith("_saved_"))
            and n not in _NODE_INTERNALS
        )


# ============================================================== saved_tensors_hooks
SAVED_HOOKS: list = []  # the (pack, unpack) pairs in force, innermost last
_HOOKS_DISABLED: list = []  # the messages of the disable_saved_tensors_hooks in force
HOOKED = [False]  # some saved tensor was ever packed: the engine unpacks before replaying


def _operand_order(op):
    """The operand positions ``op`` saves, in PyTorch's order: its generated nodes keep their
    saved variables sorted by name (``mul``: other, then self), results last."""
    order = _OPERAND_ORDER.get(op)
    if order is None:
        order = _OPERAND_ORDER[op] = tuple(
            spec if isinstance(spec, int) else spec[1]
            for _, spec in sorted(op.saved.items())
            if isinstance(spec, int) or (isinstance(spec, tuple) and spec[0] == "if")
        )
    return order


_OPERAND_ORDER: dict = {}


def _packing_order(node):
    """A node's saved tensors in the order they were packed."""
    saved = node._saved
    for k in _operand_order(node._op):
        if k < len(saved) and saved[k] is not None:
            yield saved[k]
    if node._result is not None:
        yield from node._result


def pack_operands(node):
    """The operands ``node`` keeps as PyTorch does, through the innermost pack hook (called
    by the recording path while ``SAVED_HOOKS`` is not empty)."""
    hooks = SAVED_HOOKS[-1]
    for k in _operand_order(node._op):
        sv = node._saved[k] if k < len(node._saved) else None
        if sv is not None and sv.packed is None and isinstance(sv.tensor, _TENSOR_TYPE[0]):
            HOOKED[0] = True
            sv.pack(sv.tensor, hooks)


class saved_tensors_hooks:
    """``with saved_tensors_hooks(pack_hook, unpack_hook):`` every tensor an op saves for its
    backward goes through ``pack_hook`` when it is saved, and the backward (or a
    ``grad_fn._saved_<name>`` read) uses ``unpack_hook(packed)``.  The innermost pair wins."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self):
        if _HOOKS_DISABLED:
            raise RuntimeError(_HOOKS_DISABLED[-1])
        HOOKED[0] = True
        SAVED_HOOKS.append((self.pack_hook, self.unpack_hook))

    def __exit__(self, *exc):
        SAVED_HOOKS.pop()


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors live on the CPU until the backward moves them back to their device."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        def pack_to_cpu(tensor):
            return tensor.device, tensor.cpu()

        def unpack_from_cpu(packed):
            device, tensor = packed
            return tensor.to(device, non_blocking=pin_memory)

        super().__init__(pack_to_cpu, unpack_from_cpu)


class disable_saved_tensors_hooks:
    """Inside it, entering ``saved_tensors_hooks`` raises ``RuntimeError(error_message)``
    (also usable as a decorator)."""

    def __init__(self, error_message):
        self.error_message = error_message

    def __enter__(self):
        _HOOKS_DISABLED.append(self.error_message)

    def __exit__(self, *exc):
        _HOOKS_DISABLED.pop()

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)

        return wrapper


# What makes an embedding weight's dense gradient PyTorch's sparse one (set by
# ``F.embedding(sparse=True)`` when first used; None: no backward needs to look)
SPARSE_GRAD: list = [None]


# ============================================================== register_multi_grad_hook
# The backward calls running now, innermost last: (token, ids of the nodes it executes); the
# engine pushes one around each replay, so a hook can ask which tensors will get a gradient.
RUNNING: list = []


class _MultiHandle:
    """What ``register_multi_grad_hook`` returns: ``remove()`` drops all its tensor hooks."""

    __module__ = "torch.autograd.graph"

    def __init__(self, handles):
        self.handles = tuple(handles)

    def remove(self):
        for h in self.handles:
            h.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def register_multi_grad_hook(tensors, fn, *, mode="all"):
    """``fn`` runs once per backward over several tensors: with ``mode="all"`` on the tuple of
    their gradients once every one the backward reaches has its gradient (None for those it
    does not reach), with ``mode="any"`` on the first gradient computed."""
    modes = ("all", "any")
    if mode not in modes:
        raise ValueError(f"Expects mode to be one of {modes} but got {mode}")
    tensors = tuple(tensors)
    for t in tensors:
        if not t.requires_grad:
            raise AssertionError("Expected gradient function to be set")
    n = len(tensors)
    state = {"token": None, "grads": None, "count": 0, "expected": 0}

    def fresh(run):
        token, ids = run
        if state["token"] is token:
            return False
        state["token"] = token
        state["grads"] = [None] * n
        state["count"] = 0
        state["expected"] = sum(1 for t in tensors if id(t._edge()[0]) in ids)
        return True

    def all_hook(i):
        def hook(grad):
            fresh(RUNNING[-1])
            state["grads"][i] = grad
            state["count"] += 1
            if state["count"] == state["expected"]:
                fn(tuple(state["grads"]))

        return hook

    def any_hook(grad):
        if fresh(RUNNING[-1]):
            fn(grad)

    return _MultiHandle(
        t.register_hook(all_hook(i) if mode == "all" else any_hook) for i, t in enumerate(tensors)
    )


# Node's own ``_saved_*`` helpers: not saved attributes, so dir() leaves them out
_NODE_INTERNALS = frozenset(n for n in vars(Node) if n.startswith("_saved_"))


def _short_name(node):
    # PyTorch names the node without "Backward" but keeps a nonzero overload number
    # (ExpBackward0 -> Exp, PowBackward2 -> Pow2)
    name = node.name()
    return re.sub(r"Backward(\d*)$", lambda m: m.group(1).lstrip("0"), name)


def _modified_message(t, expected, output_of, shape=None):
    desc = f"[{_layout.NAME_OF_DTYPE[t._dtype]} {list(t.shape if shape is None else shape)}]"
    if output_of is not None:
        node, k = output_of
        desc += f", which is output {k} of {_short_name(node)},"
    elif t._grad_fn is not None:
        desc += f", which is output {t._output_nr} of {_short_name(t._grad_fn)},"
    return (
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: {desc} is at version {t._vc.version}; expected version "
        f"{expected} instead. Hint: enable anomaly detection to find the operation that "
        "failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, "
        "check_nan=False)."
    )


ERR_BACKWARD_TWICE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


def unfree(node):
    """A node whose saved values are gone: freed by a backward (PyTorch's error), or dropped by
    ``torch.utils.checkpoint`` (its ``_freed`` holds what recomputes them)."""
    recompute = node._freed
    if recompute is True:
        raise RuntimeError(ERR_BACKWARD_TWICE)
    recompute.fill()


def next_sequence_nr() -> int:
    """A sequence number below every node made from now on (``torch.utils.checkpoint``)."""
    return next(_sequence) + 1


_SCALARS = (bool, int, float, complex)


def _op_rule(op, compute_dtype, static, kinds, diff):
    """``jax.vjp`` of the op's pure function with respect to the operands with an edge."""
    fn = op.function(compute_dtype, static)

    def rule(vals, out_cts, present=None):
        it = iter(vals)
        operands = []
        for kind in kinds:
            if kind is None:
                operands.append(None)
            elif kind[0] == "aval":
                operands.append(jnp.zeros(kind[1], kind[2]))
            elif kind[0] == "read":  # a saved view: read from its base here
                data = next(it)
                operands.append(
                    _storage.chain_read(kind[1])(data, *[next(it) for _ in range(kind[2])])
                )
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


_new_object = object.__new__


def new_node(cls, op, static, saved, result, out_avals, next_functions):
    """``cls(op=op, ...)`` without the keyword binding: every recorded op makes one node."""
    node = _new_object(cls)
    node._op = op
    node._static = static
    node._saved = saved
    node._result = result
    node._out_avals = out_avals
    node.next_functions = next_functions
    node._freed = False
    node._metadata = None
    node._pre_hooks = None
    node._post_hooks = None
    node._tensor_pre_hooks = None
    node._retain_grad_hooks = None
    node._sequence_nr = next(_sequence)
    return node


class AccumulateGrad(Node):
    """The sink for a leaf tensor: gradients arriving here are added into ``variable.grad``."""

    __slots__ = ("variable",)

    def name(self):
        return "torch::autograd::AccumulateGrad"

    def __init__(self, variable):
        Node.__init__(self, out_avals=((variable._value.shape, None),))
        self.variable = variable

    @classmethod
    def _of(cls, variable, shape):
        """``AccumulateGrad(variable)`` without the keyword binding: a leaf's accumulator is
        made again whenever the graph holding the last one is freed (every step, every op of
        a loop over fresh results), so this is on the per-op recording path."""
        node = new_node(cls, None, (), (), None, ((shape, None),), ())
        node.variable = variable
        return node


_node_classes: dict[str, type] = {}
_HAND_WRITTEN_NODES = frozenset({"CopyBackwards"})  # (CopySlices, AccumulateGrad: classes here)


def node_class(name: str, saved_attrs: dict | None = None, raw_attrs: dict | None = None) -> type:
    """The grad_fn class called ``name`` (``AddBackward0`` …), made once and shared.

    ``saved_attrs`` maps PyTorch's ``_saved_<x>`` names to functions of the node, so a user can
    read ``z.grad_fn._saved_exponent`` as in PyTorch; ``raw_attrs`` likewise for
    ``_raw_saved_<x>`` (a ``SavedTensor``).
    """
    cls = _node_classes.get(name)
    if cls is None:
        body: dict = {"__slots__": (), "__module__": "torchlike.autograd.graph"}
        if name in _HAND_WRITTEN_NODES:  # PyTorch's own C++ nodes name their namespace
            body["name"] = lambda self, full=f"torch::autograd::{name}": full
        cls = type(name, (Node,), body)
        _node_classes[name] = cls
    for prefix, attrs in (("_saved_", saved_attrs), ("_raw_saved_", raw_attrs)):
        for attr, getter in (attrs or {}).items():
            if not hasattr(cls, prefix + attr):
                setattr(cls, prefix + attr, property(getter))
    return cls


class SavedTensor:
    """What ``grad_fn._raw_saved_<name>`` gives: one saved tensor, whose own pack/unpack hooks
    ``register_hooks`` sets (the tensor is packed at once)."""

    __module__ = "torch._C._autograd"

    def __init__(self, sv, node, k=None):
        self._sv = sv
        self._node = node
        self._k = k  # output number, for a saved result

    def register_hooks(self, pack_hook, unpack_hook):
        sv = self._sv
        if sv is not None and sv.released:
            raise RuntimeError(ERR_BACKWARD_TWICE)
        if sv is None or (sv.packed is None and sv.tensor is None and self._k is None):
            raise RuntimeError(
                "Calling register_hooks on a saved tensor with value None is forbidden"
            )
        if sv.packed is not None:
            raise RuntimeError(
                "Calling register_hooks on a saved tensor whose hooks have already been set. "
                "Hint: only one pair of hooks is allowed at a time."
            )
        if not callable(pack_hook) or not callable(unpack_hook):
            raise TypeError("register_hooks expects (pack_hook, unpack_hook), two callables")
        tensor = sv.tensor if self._k is None else sv.output()
        HOOKED[0] = True
        sv.pack(tensor, (pack_hook, unpack_hook))


class CopySlices(Node):
    """History of a base after an in-place op ``fn`` wrote into one of its views.

    As in PyTorch, the node wraps ``fn``'s node: its edges are the base's old history followed
    by ``fn``'s other inputs; its local rule runs ``fn``'s rule on the view's slice of the
    incoming gradient and routes the part for ``fn``'s ``self`` back into the base.
    ``index``: the flat positions of the view in the base.
    """

    __slots__ = ("_fn", "_index", "_overlapping")

    def name(self):
        return "torch::autograd::CopySlices"

    def __init__(self, *, fn, base_edge, index, base_aval, overlapping=False):
        Node.__init__(
            self, out_avals=(base_aval,), next_functions=(base_edge,) + tuple(fn.next_functions[1:])
        )
        self._fn = fn
        self._index = index
        # the view written was expanded (a deprecated masked or indexed fill): PyTorch records
        # the write and refuses its backward
        self._overlapping = overlapping

    def _check_versions(self):
        self._fn._check_versions()

    def _replay_rule(self, plan):
        if self._overlapping:
            raise RuntimeError(_storage.OVERLAP_ERROR)
        fn_key, fn_rule_factory, n_fn = self._fn._replay_rule(plan)
        index = self._index
        plan.flat.append(index)
        n_edges = len(self.next_functions)

        def rule(vals, out_cts, present=None):
            ct = out_cts[0]
            idx = vals[n_fn].reshape(-1)
            flat_ct = ct.reshape(-1)
            view_ct = jnp.take(flat_ct, vals[n_fn])
            fn_grads = fn_rule_factory()(vals[:n_fn], [view_ct], None)
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
