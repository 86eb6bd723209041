"""What happens on ``loss.backward()``, top to bottom.

``backward()`` and ``grad()`` check their arguments and seed the root gradients, then:

1. collect     walk ``grad_fn.next_functions`` from the roots: the nodes in topological order
               (consumers before producers), pruned to what reaches the requested inputs.
2. plan        describe the subgraph by *structure* only: one step per node (its local rule's
               key, its edges, its hooks, what to capture or accumulate).  Values (saved
               arrays, Python scalars, root gradients) become a flat list of arguments, and
               Python callables (hooks, a custom Function's ``backward``) a list of callbacks
               the steps name by position.  The structure is the cache key.
3. replay      one walk over the steps (``_walk``): seed the root cotangents, apply each node's
               local rule (``jax.vjp`` of its op, or the ``jax.custom_vjp`` of a custom
               Function) and sum the results into its producers.  Run on arrays, the walk is a
               pure function, ``jax.jit``-compiled on the first sight of its structure
               (``COMPILE_ON_SIGHTING = 1``: measured cheaper than running it uncompiled, see
               README) and cached, so a training loop compiles once.  With
               ``create_graph=True`` the same walk runs on Tensors, each rule applied as a
               recorded op, so the backward pass itself has a graph.
4. accumulate  write the results into ``.grad`` (in place, as PyTorch does) and into retained
               non-leaf grads; free the saved values unless ``retain_graph``.

Python side effects (Tensor hooks, node hooks, a custom Function's ``backward``) happen once
per backward call, every call: the replay is cut around those steps into compiled pieces and
the Python runs between them (``_Segmented``), or, with many such steps, they run through
``io_callback`` inside one compiled replay (``_callbacks.py``).
"""

from __future__ import annotations

import collections
import functools
import heapq
import itertools
import math
import warnings
from dataclasses import dataclass, field
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from .. import _caches, _deferred, _device, _meta, _tensor
from .._caches import compile_count  # noqa: F401  (torch.autograd's name for the counter)
from .._ops import device_table
from .._ops.core import Op, apply, record
from . import _callbacks, anomaly_mode, grad_mode
from . import graph as _graph
from .function import BackwardCFunction
from .graph import AccumulateGrad, unfree

COMPILE_ON_SIGHTING = 1  # compile a structure the n-th time it is seen (README: compile policy)
CACHE_SIZE = 256


# ============================================================================== entry points
def backward(
    tensors,
    grad_tensors=None,
    retain_graph=None,
    create_graph=False,
    grad_variables=None,
    inputs=None,
):
    if isinstance(tensors, _tensor.Tensor):
        tensors = (tensors,)
    tensors = tuple(tensors)
    if grad_tensors is not None and isinstance(grad_tensors, _tensor.Tensor):
        grad_tensors = (grad_tensors,)
    if retain_graph is None:
        retain_graph = create_graph
    roots = _roots(tensors, grad_tensors)
    if create_graph and not _CREATE_GRAPH_WARNED[0]:
        _CREATE_GRAPH_WARNED[0] = True  # PyTorch warns once per process
        warnings.warn(_CREATE_GRAPH_CYCLE, UserWarning, stacklevel=3)
    if inputs is None:
        _run(roots, None, keep_graph=retain_graph, accumulate=True, create_graph=create_graph)
        return
    if isinstance(inputs, _tensor.Tensor):
        inputs = (inputs,)
    inputs = tuple(inputs)
    if not inputs:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    captured = _run(
        roots,
        [t._edge() for t in inputs],
        keep_graph=retain_graph,
        accumulate=True,
        create_graph=create_graph,
    )
    # non-leaf inputs get their .grad here (leaves were accumulated by the replay)
    for t, g in zip(inputs, captured):
        if t._grad_fn is not None and g is not None:
            _write_grad(t, g, create_graph)


_CREATE_GRAPH_WARNED = [False]
_CREATE_GRAPH_CYCLE = (
    "Using backward() with create_graph=True will create a reference cycle between the "
    "parameter and its gradient which can cause a memory leak. We recommend using autograd.grad "
    "when creating the graph to avoid this. If you have to use this function, make sure to "
    "reset the .grad fields of your parameters to None after use to break the cycle and avoid "
    "the leak. (Triggered internally at /__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)"
)


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    only_inputs=True,
    allow_unused=None,
    is_grads_batched=False,
    materialize_grads=False,
):
    if isinstance(outputs, _tensor.Tensor):
        outputs = (outputs,)
    inputs = (inputs,) if isinstance(inputs, _tensor.Tensor) else tuple(inputs)
    if grad_outputs is not None and isinstance(grad_outputs, _tensor.Tensor):
        grad_outputs = (grad_outputs,)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    if is_grads_batched and grad_outputs is not None:
        return _grad_batched(
            tuple(outputs), inputs, grad_outputs, retain_graph, create_graph, allow_unused,
            materialize_grads,
        )  # fmt: skip
    roots = _roots(tuple(outputs), grad_outputs)  # PyTorch checks the outputs first
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    captured = _run(
        roots,
        [t._edge() for t in inputs],
        keep_graph=retain_graph,
        accumulate=False,
        create_graph=create_graph,
    )
    result = []
    for i, (t, g) in enumerate(zip(inputs, captured)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior."
                )
            g = _tensor.Tensor._make(jnp.zeros_like(t._value)) if materialize_grads else None
        result.append(g)
    return tuple(result)


def _grad_batched(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused, mat):
    """``is_grads_batched=True``: the first dimension of each grad_output is a batch of
    vector-Jacobian products, one backward per entry (PyTorch vmaps over it), stacked."""
    for i, (t, g) in enumerate(zip(outputs, grad_outputs)):
        if g is not None and tuple(g.shape[1:]) != tuple(t.shape):
            # (PyTorch's message prints the grad_output's shape past its first two dims)
            raise RuntimeError(
                "If `is_grads_batched=True`, we interpret the first dimension of each "
                "grad_output as the batch dimension. The sizes of the remaining dimensions are "
                "expected to match the shape of corresponding output, but a mismatch was "
                f"detected: grad_output[{i}] has a shape of {g.shape[2:]} and output[{i}] has "
                f"a shape of {t.shape}. If you only want some tensors in `grad_output` to be "
                "considered batched, consider using vmap."
            )
    n = next(g.shape[0] for g in grad_outputs if g is not None)
    per_entry = []
    for b in range(n):
        per_entry.append(
            grad(
                outputs,
                inputs,
                [None if g is None else g[b] for g in grad_outputs],
                retain_graph=retain_graph if b == n - 1 else True,
                create_graph=create_graph,
                allow_unused=allow_unused,
                materialize_grads=mat,
            )
        )
    from .._ops.table import OPS  # (the table entry itself: its signature sits above us)

    return tuple(
        None if entries[0] is None else apply(OPS["stack"], list(entries), (("dim", 0),))
        for entries in zip(*per_entry)
    )


class Roots(NamedTuple):
    """Where the backward starts: per output, its edge, its gradient array and the gradient
    Tensor the caller passed (None where it was implicit)."""

    edges: list
    grads: list
    tensors: list


def _roots(tensors, grad_tensors) -> Roots:
    roots = Roots([], [], [])
    for i, t in enumerate(tensors):
        if not t._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
        g = None if grad_tensors is None else grad_tensors[i]
        m = t._meta  # (its shape and dtype: a deferred root's value is not needed)
        if g is None:
            if m.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            gv = _constant(1, m.shape, m.dtype)
        else:
            if not isinstance(g, _tensor.Tensor):
                g = _tensor.Tensor._make(jnp.asarray(g, dtype=m.dtype))
            if tuple(g.shape) != tuple(t.shape):
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                    f"output[{i}] has a shape of {t.shape}."
                )
            gv = g._value if g._value.dtype == m.dtype else g._value.astype(m.dtype)
        roots.edges.append(t._edge())
        roots.grads.append(gv)
        roots.tensors.append(g)
    return roots


_constants = _caches.LRUCache("autograd.constants", 4 * CACHE_SIZE, max_bytes=16 << 20)


def _constant(fill, shape, dtype):
    """Cached filled arrays (the implicit root gradient): creating one costs as much as a small
    op, and the engine needs one every step."""
    key = (fill, shape, dtype)
    v = _constants.get(key)
    if v is None:
        v = _constants.put(key, jnp.full(shape, fill, dtype))
    return v


_JIT_TYPE = type(jax.jit(lambda: None))
_META = _meta.MetaArray
_NUMBERS = (bool, int, float, complex)
_INT64 = 1 << 63


def _numbers_as_arrays(flat):
    """The saved Python numbers (``x * 2.0``'s 2.0) of a compiled replay's arguments as the
    arrays ``jax.jit`` makes of them (weakly typed, uncommitted: the same executable and the
    same bits), each kept once: converting a number costs the call more than the number's
    whole share of the replay (measured: 50 -> 34 us for the 10-op chain's four).  Always
    converted, so a replay sees one signature; off while tensors live on several devices."""
    if _device.MIXED[0]:
        return flat
    out = None
    for i, v in enumerate(flat):
        t = type(v)
        if t not in _NUMBERS or (t is int and not -_INT64 <= v < _INT64):
            continue
        # zeros keep their sign in the key; NaN (never equal to itself) is never found
        key = ("number", t, v, math.copysign(1.0, v.real)) if t is not complex else ("number", t, v)
        a = _constants.get(key)
        if a is None:
            a = jax.device_put(v)
            if isinstance(a, jax.core.Tracer):  # inside a trace: nothing to keep
                continue
            if v == v:
                _constants.put(key, a)
        if out is None:
            out = list(flat)
        out[i] = a
    return flat if out is None else out


def _run(roots, capture, *, keep_graph, accumulate, create_graph):
    """Steps 1-4 for one backward call; returns the gradients of the ``capture`` edges."""
    order = _collect(roots.edges, capture)
    if capture is not None:
        # an output that reaches none of the captured inputs was pruned: it contributes nothing
        kept = {id(n) for n in order}
        live = [i for i, (n, _) in enumerate(roots.edges) if id(n) in kept]
        if len(live) < len(roots.edges):
            if not live:
                return [None] * len(capture)
            roots = Roots(*([part[i] for i in live] for part in roots))
    try:
        if _graph.HOOKED[0]:
            # unpack hooks run while the plan reads saved values: with grad mode as PyTorch's
            # engine has it (on only for create_graph)
            with grad_mode.set_grad_enabled(create_graph):
                plan = _plan(order, roots, capture, accumulate, not create_graph)
        else:
            plan = _plan(order, roots, capture, accumulate, not create_graph)
    except RuntimeError as exc:
        if not str(exc).startswith(_MODIFIED):
            raise
        _first_modified(order)  # several saved tensors modified: the one PyTorch meets first
        raise
    if plan.callbacks:  # hooks may ask which nodes this backward runs (multi-grad hooks)
        _graph.RUNNING.append((object(), {id(n) for n in order}))
        try:
            result = _replay(plan, create_graph, roots)
        finally:
            _graph.RUNNING.pop()
    else:
        result = _replay(plan, create_graph, roots)
    _accumulate(plan, result, create_graph)
    if not keep_graph:
        for node, step in zip(order, plan.structure.steps):
            if type(node) is not AccumulateGrad and step.rule_key is not _CAPTURED_ONLY:
                node._release()
    return result.captured


def _replay(plan, create_graph, roots):
    """Step 3: the walk over Tensors (create_graph) or the (compiled) replay over arrays."""
    if create_graph:
        root_cts = [
            t if t is not None else _tensor.Tensor._make(g)
            for t, g in zip(roots.tensors, roots.grads)
        ]
        run = _OnTensors(plan)
        if anomaly_mode.checks_nan():
            run = anomaly_mode.NanCheck(run, plan.nodes)
        result = _walk(plan.structure, run, plan.flat, root_cts)
    elif any(type(v) is _META for v in plan.flat):
        # a meta graph: the replay run for its shapes only (meta gradients, nothing computed;
        # hooks see no values and do not run)
        result = _meta.shapes_only(_build_replay(plan))(plan.flat, plan.root_grads)
        result = WalkResult(
            *([None if g is None else _tensor.Tensor._make(g) for g in part] for part in result)
        )
    else:
        replay = _checked_replay(plan) if anomaly_mode.checks_nan() else _replay_for(plan)
        if plan.pending and type(replay) is not _JIT_TYPE:
            for i in plan.pending:  # computed first, where the replay is not one program
                plan.flat[i] = _deferred.value(plan.flat[i])
            plan.pending.clear()
        if plan.pending:
            result = _with_pending_forward(replay, plan)
        else:
            compiled = type(replay) in (_JIT_TYPE, _Segmented, _RuleByRule, _Pieced)
            flat = _numbers_as_arrays(plan.flat) if compiled else plan.flat
            result = _callbacks.run(replay, plan.callbacks, flat, plan.root_grads)
        result = WalkResult(
            *([None if g is None else _tensor.Tensor._make(g) for g in part] for part in result)
        )
    return result


def _with_pending_forward(replay, plan):
    """The compiled replay run in one program with the pending forward values it reads
    (``_deferred``): the forward's ops, then the backward, one dispatch.  The values anything
    else holds come back too, as ``_deferred.force`` would give them."""
    saved = [plan.flat[i] for i in plan.pending]
    order, struct, leaves, live = _deferred.gather(list({id(d): d for d in saved}.values()))
    index = {id(n): k for k, n in enumerate(order)}
    places = tuple([(i, index[id(d)]) for i, d in zip(plan.pending, saved)])
    flat = list(plan.flat)
    for i in plan.pending:
        flat[i] = None
    # keyed by the replay object (the structure's, cached: hashing the structure again would
    # cost more than the rest), which the entry keeps, so that its id names it
    key = (id(replay), _deferred.signature(struct, live, leaves), places)
    entry = _merged.peek(key)
    if entry is None or entry.replay is not replay:
        program = jax.jit(_merged_program(replay.__wrapped__, struct, live, places))
        entry = _merged.put(key, _WithForward(replay, program))
    _stats["with_forward_runs"] += 1
    result, values = _callbacks.run(
        entry.program, plan.callbacks, leaves, _numbers_as_arrays(flat), plan.root_grads
    )
    _deferred.settle(order, values, live)
    return result


class _WithForward(NamedTuple):
    replay: object  # the structure's replay, whose function ``program`` calls
    program: object  # the jitted forward and replay

    def _cache_size(self):  # (what the cache's program bound counts)
        return self.program._cache_size()


def _merged_program(replay, struct, live, places):
    evaluate = _deferred.evaluator(struct)

    def run(leaves, flat, root_cts):
        values = evaluate(*leaves)
        flat = list(flat)
        for i, k in places:
            flat[i] = values[k]
        return replay(flat, root_cts), [v for v, keep in zip(values, live) if keep]

    return run


_merged = _caches.LRUCache("autograd.with_forward", CACHE_SIZE, max_programs=CACHE_SIZE)


# ============================================================================== 1. collect
def _collect(root_edges, capture):
    order = _topological([n for n, _ in root_edges])
    if capture is not None:
        order = _prune(order, {id(n) for n, _ in capture})
    return order


_MODIFIED = "one of the variables needed for gradient computation has been modified by an"


def _first_modified(order):
    """Raise the modified-in-place error of the saved tensor PyTorch's engine meets first: it
    runs a node when every consumer of its outputs has run, the latest-made ready node first
    (an AccumulateGrad at once), and checks a node's saved tensors as it runs it.  The plan
    checks in its own order; this runs only once some check has failed."""
    index = {id(n): i for i, n in enumerate(order)}
    waiting = [0] * len(order)
    for node in order:
        for nxt, _ in node.next_functions:
            if nxt is not None and id(nxt) in index:
                waiting[index[id(nxt)]] += 1

    def priority(i):
        node = order[i]
        return -math.inf if type(node) is AccumulateGrad else -node._sequence_nr

    ready = [(priority(i), i) for i, w in enumerate(waiting) if w == 0]
    heapq.heapify(ready)
    while ready:
        _, i = heapq.heappop(ready)
        node = order[i]
        if type(node) is not AccumulateGrad:
            _check_versions_as_pytorch(node)
        for nxt, _ in node.next_functions:
            j = None if nxt is None else index.get(id(nxt))
            if j is not None:
                waiting[j] -= 1
                if waiting[j] == 0:
                    heapq.heappush(ready, (priority(j), j))


def _check_versions_as_pytorch(node):
    """A node's version checks in the order its PyTorch node unpacks them: the saved inputs by
    their names' alphabetical order (PyTorch's generated nodes declare them so), then the
    saved outputs."""
    saved = getattr(node, "_saved", None)
    spec = getattr(getattr(node, "_op", None), "saved", None)
    if saved is None or not spec:
        node._check_versions()
        return
    names = {}
    for name, where in spec.items():
        k = where if isinstance(where, int) else where[1] if type(where) is tuple else None
        if isinstance(k, int) and not isinstance(k, bool):
            names.setdefault(k, name)
    for k in sorted(range(len(saved)), key=lambda k: (k not in names, names.get(k, ""), k)):
        if saved[k] is not None:
            saved[k].check_version()
    node._check_versions()  # (the rest: its outputs)


def _topological(roots):
    visited = set()
    post = []
    for root in roots:
        if id(root) in visited:
            continue
        visited.add(id(root))
        stack = [(root, iter(root.next_functions))]
        while stack:
            node, it = stack[-1]
            for nxt, _ in it:
                if nxt is not None and id(nxt) not in visited:
                    visited.add(id(nxt))
                    stack.append((nxt, iter(nxt.next_functions)))
                    break
            else:
                stack.pop()
                post.append(node)
    post.reverse()
    return post


def _prune(order, target_nodes):
    needed = set()
    for node in reversed(order):  # producers first
        if id(node) in target_nodes or any(
            n is not None and id(n) in needed for n, _ in node.next_functions
        ):
            needed.add(id(node))
    return [n for n in order if id(n) in needed]


# ============================================================================== 2. plan
class LeafStep(NamedTuple):
    """An AccumulateGrad: the leaf's hooks run on its gradient, which is then accumulated
    into ``.grad`` and/or captured."""

    aval: tuple  # (shape, dtype) of the leaf
    hooks: tuple  # callbacks run in turn on the gradient (Tensor hooks, pre-hooks)
    post_hook: int | None  # the node's post-hooks (they see the gradient, return nothing)
    accumulate: bool  # the gradient goes into .grad (backward, not grad())
    captures: tuple  # the capture slots that receive the gradient


class NodeStep(NamedTuple):
    """One op node: its local rule (named by structure), its edges and its hooks."""

    rule_key: tuple
    n_saved: int  # how many flat values its rule reads
    edges: tuple  # per next_function: (step index, output nr), None if not needed
    live: tuple  # the positions of the edges that are not None
    out_avals: tuple  # per output: (shape, dtype)
    tensor_hooks: tuple  # ((output nr, callback), ...) from Tensor.register_hook
    retain: tuple  # ((output nr, retain slot), ...) from retain_grad()
    pre_hook: int | None
    post_hook: int | None
    captures: tuple  # per output: the capture slots that receive its gradient


class Structure(NamedTuple):
    """Everything the replay depends on, and nothing it does not: its cache key."""

    steps: tuple
    roots: tuple  # per root: (step index, output nr)
    root_avals: tuple
    n_capture: int
    n_retain: int


@dataclass
class Plan:
    """One backward call: its ``structure`` plus the values and callables of this call."""

    nodes: list
    root_grads: list
    flat: list = field(default_factory=list)  # saved values the rules read, step order
    callbacks: list = field(default_factory=list)  # Python callables the steps name by index
    rules: list = field(default_factory=list)  # per step: a factory of its rule (or None)
    accumulate_into: list = field(default_factory=list)  # AccumulateGrad nodes, step order
    retain_into: list = field(default_factory=list)  # tensors with retain_grad(), by slot
    structure: Structure | None = None
    # saved views unread (``_storage.SavedRead``) go in as base and chain, read by the rules;
    # the walk on Tensors (create_graph) reads them first: its saved values are graph inputs
    read_inline: bool = True
    # positions in ``flat`` of forward values still pending (``_deferred``, opt-in)
    pending: list = field(default_factory=list)

    def add_callback(self, fn):
        if fn is None:
            return None
        self.callbacks.append(fn)
        return len(self.callbacks) - 1


def _plan(order, roots, capture, accumulate, read_inline=True) -> Plan:
    # Runs on every backward: the common node (no hooks, no retain_grad, no capture) takes no
    # detour through the hook and capture helpers, and lookups are bound once, outside the loop.
    plan = Plan(nodes=order, root_grads=roots.grads, read_inline=read_inline)
    index = {id(n): i for i, n in enumerate(order)}
    at = index.get
    capture_slots: dict[tuple[int, int], list[int]] = {}
    for j, (node, k) in enumerate(capture or ()):
        if node is not None and id(node) in index:
            capture_slots.setdefault((index[id(node)], k), []).append(j)
    steps: list = []
    add_step = steps.append
    add_rule = plan.rules.append
    add_callback = plan.add_callback
    for i, node in enumerate(order):
        out_avals = node._out_avals
        n_outs = len(out_avals)
        captures = (
            tuple(tuple(capture_slots.get((i, k), ())) for k in range(n_outs))
            if capture_slots
            else _NO_CAPTURES[n_outs]
            if n_outs < len(_NO_CAPTURES)
            else ((),) * n_outs
        )
        if type(node) is AccumulateGrad:
            add_step(
                _leaf_step(
                    plan,
                    node,
                    accumulate and (capture is None or (i, 0) in capture_slots),
                    () if accumulate else captures[0],
                )
            )
            add_rule(None)
            continue
        # ``at(id(None))`` is None too: None is never one of the nodes
        edges = tuple(
            [None if (pos := at(id(n))) is None else (pos, k) for n, k in node.next_functions]
        )
        live = tuple([k for k, e in enumerate(edges) if e is not None])
        if not (
            capture_slots
            or node._tensor_pre_hooks
            or node._retain_grad_hooks
            or node._pre_hooks
            or node._post_hooks
        ):
            # the common node: no hooks, no retain_grad, no capture (what the rest of the loop
            # does for it, without its checks; the step built as a plain tuple)
            if node._freed:
                unfree(node)  # raises, or recomputes what torch.utils.checkpoint dropped
            rule_key, rule, n_saved = node._replay_rule(plan)
            add_step(
                _new_tuple(
                    NodeStep,
                    (rule_key, n_saved, edges, live, out_avals, (), (), None, None, captures),
                )
            )
            add_rule(rule)
            continue
        hooks = node._tensor_pre_hooks
        tensor_hooks = (
            tuple(
                (k, add_callback(_tensor_hooks(hs.values())))
                for k, hs in sorted(hooks.items())
                if hs
            )
            if hooks
            else ()
        )
        retain: tuple = ()
        if node._retain_grad_hooks:
            slots = []
            for k, ref in sorted(node._retain_grad_hooks.items()):
                if ref() is not None:
                    slots.append((k, len(plan.retain_into)))
                    plan.retain_into.append(ref())
            retain = tuple(slots)
        if not live and capture_slots and not node._pre_hooks and any(captures):
            # grad() with respect to this non-leaf and nothing beyond it: PyTorch stops at the
            # node's input and never runs (nor frees) the node, so neither does the replay
            add_step(
                NodeStep(
                    _CAPTURED_ONLY,
                    0,
                    edges,
                    live,
                    out_avals,
                    tensor_hooks,
                    retain,
                    None,
                    None,
                    captures,
                )
            )
            add_rule(None)
            continue
        if node._freed:
            unfree(node)  # raises, or recomputes what torch.utils.checkpoint dropped
        if node._pre_hooks or node._post_hooks:
            pre, post = _node_hooks(node, live, n_outs)
        else:
            pre = post = None
        rule_key, rule, n_saved = node._replay_rule(plan)  # unpacks (and checks) saved values
        # the node's own callbacks are numbered after those its rule added (a custom Function)
        pre = None if pre is None else add_callback(pre)
        post = None if post is None else add_callback(post)
        add_step(
            NodeStep(
                rule_key,
                n_saved,
                edges,
                live,
                out_avals,
                tensor_hooks,
                retain,
                pre,
                post,
                captures,
            )
        )
        add_rule(rule)
    plan.structure = Structure(
        tuple(steps),
        tuple((index[id(n)], k) for n, k in roots.edges),
        tuple((g.shape, g.dtype) for g in roots.grads),
        len(capture or ()),
        len(plan.retain_into),
    )
    return plan


_NO_CAPTURES = tuple(((),) * n for n in range(8))  # what ``captures`` is without a capture
_new_tuple = tuple.__new__  # a NamedTuple without its Python-level ``__new__``
_CAPTURED_ONLY = ("captured only",)  # the rule key of a node the backward stops at


def _leaf_step(plan, node, accumulate, captures):
    var = node.variable
    hooks = []
    if var._leaf_hooks:
        hooks.append(plan.add_callback(_tensor_hooks(var._leaf_hooks.values())))
    pre, post = _node_hooks(node, (), 1) if node._pre_hooks or node._post_hooks else (None, None)
    if pre is not None:
        hooks.append(plan.add_callback(pre))
    if accumulate:
        # The existing .grad is added after the replay, not inside it: whether a leaf already
        # has a gradient is then not part of the structure (the first step of a loop and the
        # later ones compile once), and set_to_none loops pay no extra add.
        plan.accumulate_into.append(node)
    return LeafStep(
        (tuple(var._value.shape), var._value.dtype),
        tuple(hooks),
        plan.add_callback(post),
        accumulate,
        captures,
    )


# Hooks, as callables on Tensors (see _callbacks.py for how the compiled replay calls them)
def _tensor_hooks(hooks):
    """Tensor hooks on one gradient, in order: each may return a replacement."""
    hooks = list(hooks)

    def run(g):
        for hook in hooks:
            out = hook(g)
            if out is not None:
                _check_tensor_hook_result(hook, g, out)
                g = out
        return [g]

    return run


def _check_tensor_hook_result(hook, g, out):
    """PyTorch's checks on what a tensor hook returns (before the engine reshapes anything)."""
    name = getattr(hook, "__name__", type(hook).__name__)
    if not isinstance(out, _tensor.Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(out).__name__}'")
    if tuple(out.shape) != tuple(g.shape):
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    if out.dtype != g.dtype:
        raise RuntimeError(
            f"hook '{name}' has changed the type of value (was {g.type()} got {out.type()})"
        )


def _node_hooks(node, live, n_outs):
    """(pre, post): one callable for a node's pre-hooks, one for its post-hooks (or None).

    pre(*grad_outputs) -> grad_outputs;  post(*grad_outputs, *grad_inputs of the ``live``
    edges) -> those grad_inputs."""
    pre = list(node._pre_hooks.values()) if node._pre_hooks else []
    post = list(node._post_hooks.values()) if node._post_hooks else []
    n_edges = len(node.next_functions)

    def run_pre(*gout):
        for h in pre:
            out = h(gout)
            if out is not None:
                _check_hook_result(h, out, len(gout))
                gout = out
        return list(gout)

    def run_post(*grads):
        gout = grads[:n_outs]
        gin = [None] * n_edges
        for k, g in zip(live, grads[n_outs:]):
            gin[k] = g
        gin = tuple(gin)
        for h in post:
            out = h(gin, gout)
            if out is not None:
                _check_hook_result(h, out, n_edges)
                gin = out
        return [gin[k] for k in live]

    return run_pre if pre else None, run_post if post else None


def _check_hook_result(hook, result, expected):
    if not isinstance(result, tuple):
        raise TypeError(f"expected tuple, but hook returned '{type(result).__name__}'")
    if len(result) != expected:
        raise RuntimeError(
            f"hook '{getattr(hook, '__name__', repr(hook))}' has returned an incorrect number "
            f"of values (got {len(result)}, but expected {expected})"
        )


# ============================================================================== 3. replay
class WalkResult(NamedTuple):
    accumulated: list  # per leaf step that accumulates: its gradient (or None)
    captured: list  # per capture slot
    retained: list  # per retain slot


def _walk(structure, run, flat, root_cts) -> WalkResult:
    """The backward pass over the plan's steps, in order.

    ``run`` says what the values are: arrays inside a (compiled) pure function, or Tensors
    for ``create_graph``; it applies the rules and calls the Python callbacks."""
    ct: dict[object, object] = {}
    for slot, g in zip(structure.roots, root_cts):
        _add(ct, slot, run.torch_convention(g))
    result = WalkResult([], [None] * structure.n_capture, [None] * structure.n_retain)
    _walk_steps(structure.steps, range(len(structure.steps)), run, flat, ct, result)
    return result


def _add(ct, slot, g):
    prev = ct.get(slot)
    ct[slot] = g if prev is None else prev + g


def _walk_steps(steps, indices, run, flat, ct, result):
    """The steps at ``indices``, in that order: ``flat`` holds their saved values, ``ct`` the
    cotangents summed so far (by (step, output) slot); it is updated and ``result`` filled."""
    accumulated, captured, retained = result
    pos = 0
    for i in indices:
        step = steps[i]
        if type(step) is LeafStep:
            g = ct.pop((i, 0), None)
            if g is not None:
                for cb in step.hooks:
                    g = run.call(cb, [g], [step.aval])[0]
                if step.post_hook is not None:
                    run.call(step.post_hook, [g], [])
            g = run.torch_convention(g)
            for j in step.captures:
                captured[j] = g
            if step.accumulate:
                accumulated.append(g)
            continue
        vals = flat[pos : pos + step.n_saved]
        pos += step.n_saved
        outs = [ct.pop((i, k), None) for k in range(len(step.out_avals))]
        if all(o is None for o in outs):
            continue  # nothing flows through this node (e.g. only an int output used)
        present = tuple(o is not None for o in outs)
        outs = [run.zeros(s, d) if o is None else o for o, (s, d) in zip(outs, step.out_avals)]
        for k, cb in step.tensor_hooks:
            if outs[k] is not None:
                outs[k] = run.call(cb, [outs[k]], [step.out_avals[k]])[0]
        for k, slot in step.retain:
            retained[slot] = outs[k]
        for k, slots in enumerate(step.captures):
            for j in slots:
                captured[j] = run.torch_convention(outs[k])
        if step.rule_key is _CAPTURED_ONLY:
            continue
        if step.pre_hook is not None:
            outs = run.call(step.pre_hook, outs, step.out_avals)
        grads = run.rule(i, step, vals, outs, present)
        if step.post_hook is not None:
            live = [grads[k] for k in step.live]
            new = run.call(step.post_hook, list(outs) + live, [run.aval(g) for g in live])
            grads = list(grads)
            for k, g in zip(step.live, new):
                grads[k] = g
        for k in step.live:
            if grads[k] is not None:
                _add(ct, step.edges[k], grads[k])


class _OnArrays:
    """The walk on JAX arrays: a pure function of (flat values, root cotangents)."""

    def __init__(self, rules):
        self.rules = rules

    def rule(self, i, step, vals, outs, present):
        return self.rules[i](vals, outs, present)

    @staticmethod
    def call(idx, values, result_avals):
        return _callbacks.call(idx, values, result_avals)

    @staticmethod
    def zeros(shape, dtype):
        if jnp.issubdtype(dtype, jnp.inexact):
            return jnp.zeros(shape, dtype)
        return np.zeros(shape, dtype=jax.dtypes.float0)

    @staticmethod
    def aval(g):
        return (np.shape(g), g.dtype)

    @staticmethod
    def torch_convention(g):
        """Complex gradients: PyTorch's ``.grad`` is the conjugate of JAX's cotangent."""
        if g is not None and jnp.iscomplexobj(g):
            return jnp.conj(g)
        return g


class _OnTensors:
    """The walk on Tensors (create_graph): rules run as recorded ops, hooks are called
    directly, a custom Function's backward runs with grad mode on (as in PyTorch)."""

    def __init__(self, plan):
        self.plan = plan

    def rule(self, i, step, vals, outs, present):
        node = self.plan.nodes[i]
        if isinstance(node, BackwardCFunction):
            return node._user_backward_tensors(outs, present, create_graph=True)
        if device_table.crosses_devices([step.rule_key]):  # back to where the input lived
            return [outs[0].to(dict(node._static[1])["source"])]
        Tensor = _tensor.Tensor
        # integer outputs (indices) take float0 cotangents, which no Tensor holds: the op
        # builds them itself and only the floating cotangents are its operands
        real = tuple(jnp.issubdtype(d, jnp.inexact) for _, d in step.out_avals)
        cts = [
            o if o is not None else Tensor._make(_OnArrays.zeros(s, d))
            for o, (s, d), r in zip(outs, step.out_avals, real)
            if r
        ]
        op = _vjp_op(node, step, self.plan.rules[i], present, real)
        res = record(
            op,
            list(vals) + [c._value for c in cts],
            list(node._flat_edges(step.n_saved)) + [c._edge() for c in cts],
        )
        grads = [None] * len(step.edges)
        for k, g in zip(step.live, res):
            grads[k] = g
        return grads

    def call(self, idx, values, result_avals):
        return self.plan.callbacks[idx](*values)

    @staticmethod
    def zeros(shape, dtype):
        if jnp.issubdtype(dtype, jnp.inexact):
            return _tensor.Tensor._make(jnp.zeros(shape, dtype))
        return None

    @staticmethod
    def aval(g):
        return None

    @staticmethod
    def torch_convention(g):
        if g is not None and g._dtype.is_complex:
            return apply(_conj_op(), (g,))
        return g


def _conj_op():
    global _CONJ
    if _CONJ is None:
        _CONJ = Op("conj", jnp.conj, "ConjBackward0", linear=True)
    return _CONJ


_CONJ = None
_vjp_ops = _caches.LRUCache("autograd.create_graph_ops", CACHE_SIZE)


def _vjp_op(node, step, rule_factory, present, real):
    """A node's local rule as a table op (``<Name>Backward``), so create_graph records it;
    ``real`` marks the outputs whose cotangents are operands (the others are float0 zeros)."""
    key = (step.rule_key, step.live, present, real)
    op = _vjp_ops.get(key)
    if op is None:
        rule, n_saved, live = rule_factory(), step.n_saved, step.live
        avals = step.out_avals

        def impl(*args):
            given = iter(args[n_saved:])
            cts = [next(given) if r else _OnArrays.zeros(s, d) for (s, d), r in zip(avals, real)]
            grads = rule(list(args[:n_saved]), cts, present)
            return tuple(grads[k] for k in live)

        # (opmath off: the rule is the vjp of the op's own function, float32 math of half
        # operands included, and takes the cotangents in the outputs' dtypes)
        op = _vjp_ops.put(
            key, Op(node.name() + "_vjp", impl, node.name() + "Backward", opmath=False)
        )
    return op


# Shape churn.  A structure whose shape-erased form (``_erased``) has been compiled with
# CHURN_AFTER distinct shapes belongs to a family that keeps changing shape (a new batch size
# every step).  Its new members are compiled as ever but kept on probation: at most
# CHURN_CACHE_SIZE of them, evicting each other rather than a loop's steady replays, so one-off
# shapes neither push those out nor pile up.  A member used a second time has proved itself
# (bucketed lengths, an eval batch size) and stays as any other.
# Measured on the MLP churn step (784-256-10, Adam; 2 loaded cores) and not taken: replaying a
# churning backward node by node through per-node jitted rules (10 compiles per new shape
# instead of 6, median step 0.81-0.94 s vs 0.67-0.94 s whole); cheaper XLA settings for its
# compile: backend optimization level 0 halves the replay's compile (0.65 vs 1.42 s) but its
# gradients differ in the last bits from the level-2 replay's, and level 1,
# ``xla_llvm_disable_expensive_passes`` or ``exec_time_optimization_effort=-1`` save nothing
# measurable (medians within 10 %, spreads overlapping).  Later also measured and not taken
# (numbers in benchmarks/bench_eager.py, case b): ``xla_cpu_use_fusion_emitters=false`` (-25 %
# on the replay, but exp/log/sum bits change elsewhere), un-jitted primitive dispatch, padding
# rows to one executable (inexact for matmul), a backward-only replay (-25 % only).
CHURN_AFTER = 3
CHURN_CACHE_SIZE = 16
_replays = _caches.LRUCache("autograd.replays", CACHE_SIZE, max_programs=CACHE_SIZE)
_probation: dict = {}  # structures on probation in _replays, oldest first
_families = _caches.LRUCache("autograd.shape_families", 4 * CACHE_SIZE)
_sightings = _caches.LRUCache("autograd.sightings", 4 * CACHE_SIZE)
_stats = {
    "compiles": 0,
    "eager_runs": 0,
    "compiled_runs": 0,
    "churn_compiles": 0,
    "rule_by_rule_runs": 0,
    "with_forward_runs": 0,  # replays that ran the pending forward in their program
    "piece_compiles": 0,
}

# Structure churn.  Some programs build a backward of a new structure nearly every step, with
# the same shapes: REINFORCE over episodes of different lengths, a char-RNN over names, one
# sentence pair at a time through seq2seq.  Compiling each whole replay costs seconds per step
# (REINFORCE from pytorch/examples, 20 episodes: 15 replay compiles of 2.5-5 s; 95 s against
# PyTorch's 5 s).  Call an uncached structure "churn-like" when it has at least
# STRUCTURE_CHURN[3] nodes, at least the fraction STRUCTURE_CHURN[4] of them with rules seen in
# earlier structures (a new episode of the same policy; a notebook's new graph is made of new
# rules and compiles whole as before).  A new structure runs node by node (``_RuleByRule``) when
#   * it is churn-like, and so were STRUCTURE_CHURN[0] of the last STRUCTURE_CHURN[1] backward
#     calls, itself included (one variant of a graph, a checkpointed and a plain run of one
#     model, compiles whole as before),
#   * and its shape family (``_erased``) was never compiled (shape churn, a known family at a
#     new batch size, keeps the probation policy above: there every rule is new too, and rule
#     by rule measured slower).
# Each node's rule is then a jitted program shared by every structure that has that node, so a
# new episode length compiles only its length-dependent rules (the final cat and sum).  A
# structure seen STRUCTURE_CHURN[2] times is compiled whole as usual.  Measured (2-core CPU,
# cold disk cache): on REINFORCE's policy (4-128-2, 20-step episodes) a whole replay's compile
# costs ~1.5 s and each node-by-node run ~9 ms more than a compiled one; compiling on the third
# sight compiled episode lengths that never came back: pytorch/examples' REINFORCE, 30/60
# episodes, 11.6-12.3 / 22.8-24.0 s on the third sight, 8.3-9.0 / 14.5-16.1 s on the 8th or
# the 32nd (the same steps); 400 backwards over six recurring lengths 6.3-6.7 s on the 8th,
# 6.4-7.0 s on the 32nd, 6.0-6.4 s on the third.  The 8th.  Sightings rather than timings keep
# the switch, and so the last bits of the gradients, the same from run to run.
# Node-by-node gradients equal the whole replay's up to the last bits (XLA fuses the whole
# replay differently), which is why small graphs (under STRUCTURE_CHURN[3] nodes, cheap to
# compile anyway) never go this way: a test comparing a checkpointed and a plain backward bit for bit stays exact.
STRUCTURE_CHURN = (2, 8, 8, 64, 0.75)
_known_rules = _caches.LRUCache("autograd.known_rules", 16 * CACHE_SIZE)
# the last backward calls: call number -> whether its structure was uncached (a cache, so that
# clear_caches() forgets it too)
_recent = _caches.LRUCache("autograd.recent_backwards", STRUCTURE_CHURN[1])
_calls = itertools.count()
_churn_sightings = _caches.LRUCache("autograd.churn_sightings", 4 * CACHE_SIZE)
_shared_rules = _caches.LRUCache(
    "autograd.shared_rules", 4 * CACHE_SIZE, max_programs=4 * CACHE_SIZE
)


class _RuleByRule:
    """A replay run node by node on concrete arrays, each node's rule through the jitted rule
    ``_shared_rules`` keeps for its rule key (so across structures); a custom Function's rule
    calls the user's backward directly, as in the cut replay."""

    calls_python_directly = True  # its callables have run when it returns (``_callbacks.run``)

    def __init__(self, plan):
        self.structure = plan.structure
        rules = []
        for step, factory in zip(plan.structure.steps, plan.rules):
            if factory is None:
                rules.append(None)
                continue
            wide = _wide(step)
            if wide is not None:  # its operands' slices through one program (WIDE_FROM)
                rules.append(functools.partial(_wide_rule, step, *wide))
                continue
            rule = _shared_rules.get(step.rule_key)
            if rule is None:
                rule = factory()
                if not getattr(rule, "calls_python", False):
                    rule = _SharedRule(jax.jit(rule, static_argnums=2))
                    _shared_rules.put(step.rule_key, rule)
            rules.append(rule)
        self.run = _OnArrays(rules)

    def __call__(self, flat, root_cts):
        return _walk(self.structure, self.run, flat, root_cts)


class _SharedRule(NamedTuple):
    """A jitted rule in ``_shared_rules`` (its executables count toward the program bound)."""

    fn: object

    def __call__(self, vals, outs, present):
        return self.fn(vals, outs, present)

    def _cache_size(self):
        return self.fn._cache_size()


class _OnProbation(NamedTuple):
    """A churning family's replay in ``_replays`` that has not been reused yet."""

    fn: object

    def _cache_size(self):  # its executables, for the cache's program bound
        return self.fn._cache_size()


def stats() -> dict:
    """The engine's own counts: replays compiled (``churn_compiles``: of them, for structures
    of a churning family; ``piece_compiles``: the shared pieces deep replays were built of),
    runs of compiled and uncompiled replays, replays cached (``on probation``: of them,
    churning ones not reused yet)."""
    _forget_stale()
    return dict(_stats, cached=len(_replays), on_probation=len(_probation))


def _replay_for(plan):
    """The cached replay for this structure (compiled on its COMPILE_ON_SIGHTING-th sight)."""
    key = plan.structure
    fn = _replays.get(key)
    if fn is not None:
        if type(fn) is _OnProbation:  # reused: no longer a one-off shape
            _probation.pop(key, None)
            fn = _replays.put(key, fn.fn)
        _stats["compiled_runs"] += 1
        _recent.put(next(_calls), False)
        return fn
    if _churning(key):
        # the graphs keep changing structure (not just shape): a new one runs node by node
        # until it recurs
        seen = _churn_sightings.get(key, 0) + 1
        if seen < STRUCTURE_CHURN[2]:
            _churn_sightings.put(key, seen)
            _stats["rule_by_rule_runs"] += 1
            return _RuleByRule(plan)
        _churn_sightings.pop(key)
    if COMPILE_ON_SIGHTING > 1:
        seen = _sightings.get(key, 0) + 1
        if seen < COMPILE_ON_SIGHTING:
            _sightings.put(key, seen)
            _stats["eager_runs"] += 1
            return _build_replay(plan)
        _sightings.pop(key)
    if _rule_by_rule(key):
        fn = _replays.put(key, _build_replay(plan))
        _stats["eager_runs"] += 1
        return fn
    family = _erased(key)
    shapes = _families.get(family, 0) + 1
    _families.put(family, shapes)
    fn = _compiled_replay(plan)
    if shapes >= CHURN_AFTER:
        _forget_stale()
        while _probation and (
            len(_probation) >= CHURN_CACHE_SIZE or len(_replays) >= _replays.max_entries
        ):
            _replays.pop(next(iter(_probation)))
            _probation.pop(next(iter(_probation)))
        _probation[key] = None
        _replays.put(key, _OnProbation(fn))
        _stats["churn_compiles"] += 1
    else:
        _replays.put(key, fn)
    _stats["compiles"] += 1
    _stats["compiled_runs"] += 1
    return fn


def _churning(structure) -> bool:
    """Whether this uncached structure is one of a stream of new structures built from nodes
    seen before (see STRUCTURE_CHURN); notes its nodes' rules as seen."""
    keys = [s.rule_key for s in structure.steps if type(s) is NodeStep]
    known = sum(1 for k in keys if k in _known_rules)
    for k in keys:
        _known_rules.put(k, None)
    like = len(keys) >= STRUCTURE_CHURN[3] and known >= STRUCTURE_CHURN[4] * len(keys)
    _recent.put(next(_calls), like)
    return (
        like and sum(_recent.values()) >= STRUCTURE_CHURN[0] and _erased(structure) not in _families
    )


def _rule_by_rule(structure) -> bool:
    """Whether this backward must run uncompiled, rule by rule on concrete arrays: it copies
    between devices (one XLA program runs on one device), or a custom Function's backward runs
    a backward of its own (``reentrant_backward``: ``torch.utils.checkpoint``), which a
    callback from inside a compiled program cannot."""
    keys = [s.rule_key for s in structure.steps if type(s) is NodeStep]
    return device_table.crosses_devices(keys) or any(
        k[0] == "function" and getattr(k[1], "reentrant_backward", False) for k in keys
    )


def _forget_stale():
    """Drop probation marks of structures the cache has evicted (or clear_caches emptied)."""
    for key in [k for k in _probation if k not in _replays]:
        del _probation[key]


def _erased(structure):
    """``structure`` with its sizes erased (ranks kept): the same for the structures of one
    training step at every batch size.  Only decides the compile policy, so a coarser key
    (two different graphs of the same ops and ranks) costs nothing but a smaller cache."""
    steps = []
    for step in structure.steps:
        if type(step) is LeafStep:
            steps.append((len(step.aval[0]), step.aval[1]) + step[1:])
        else:
            steps.append(
                (_erased_key(step.rule_key), step.n_saved, step.edges, step.live)
                + tuple((len(s), d) for s, d in step.out_avals)
                + step[5:]
            )
    return (
        tuple(steps),
        structure.roots,
        tuple((len(s), d) for s, d in structure.root_avals),
        structure.n_capture,
        structure.n_retain,
    )


def _erased_key(rule_key):
    """``_erase_ints`` of a rule key, once per key: keys repeat across a graph's nodes and
    across graphs."""
    erased = _erased_keys.peek(rule_key)
    if erased is None:
        erased = _erased_keys.put(rule_key, _erase_ints(rule_key))
    return erased


_erased_keys = _caches.LRUCache("autograd.erased_keys", 16 * CACHE_SIZE)


def _erase_ints(key):
    """Sizes inside a rule key (saved values' shapes, static sizes such as a view's target)."""
    if isinstance(key, tuple):
        return tuple(_erase_ints(k) for k in key)
    if isinstance(key, int) and not isinstance(key, bool):
        return 0
    return key


def _checked_replay(plan):
    """Anomaly mode: the walk uncompiled on concrete arrays, each node's gradients checked for
    nan as soon as its rule has run (torch.autograd.detect_anomaly)."""
    run = _OnArrays([None if factory is None else factory() for factory in plan.rules])
    checked = anomaly_mode.NanCheck(run, plan.nodes)
    return lambda flat, root_cts: _walk(plan.structure, checked, flat, root_cts)


def _compiled_replay(plan):
    """The compiled replay of ``plan``'s structure: one ``jax.jit`` program, or, where steps
    call Python (``_Segmented``), compiled pieces between those steps."""
    order = _python_order(plan.structure)
    if order is None and _node_steps(plan.structure) >= PIECES_FROM:
        return _Pieced(plan)
    if order is not None:
        runs = _runs(order)
        if sum(py for py, _ in runs) <= MAX_PYTHON_RUNS:
            return _Segmented(plan, order, runs)
    return jax.jit(_build_replay(plan))


def _runs(order):
    """``order``'s (step index, calls Python) pairs grouped: [(calls Python, [indices]), ...]."""
    runs: list = []
    for i, py in order:
        if runs and runs[-1][0] == py:
            runs[-1][1].append(i)
        else:
            runs.append((py, [i]))
    return runs


# A backward with steps that call Python (a custom Function's ``backward``, hooks) could run as
# one program calling back into Python (``io_callback``), but each callback costs the call
# ~0.2-0.35 ms on XLA:CPU (measured on an empty callback; jax 0.10) and keeps the replay off
# pjit's C++ fast path.  The replay is cut there instead: the steps between are compiled
# programs, the Python steps run directly on their arrays.  Measured on the custom-Function step
# of examples/polynomial_fit.py (500 points, float64): 1.8-2.0 -> 1.4-1.5 ms per step on an idle
# 2-core machine, 5.2-11 -> 2.6-2.9 ms on a loaded one (PyTorch: 0.3); an MLP of 10 parameters
# with a hook on each: 8.3-10.1 -> 6.3-6.5 ms CPU per step (loaded; 4.2 without hooks).  Each
# run of Python steps is one more program to compile on first sight, so past MAX_PYTHON_RUNS
# the replay stays one program.  Hooks on leaves don't count: a leaf's step feeds no other step,
# so it waits (in order) until the next Python step of a node, or the end.
MAX_PYTHON_RUNS = 8


def _python_order(structure):
    """The order the cut replay runs the steps in, as (step index, calls Python) pairs: the
    plan's order with each hooked leaf moved down to the next Python step of a node (or the
    end), so that Python steps gather into few runs.  None when no step calls Python."""
    order, waiting, any_python = [], [], False
    for i, step in enumerate(structure.steps):
        if type(step) is LeafStep:
            if step.hooks or step.post_hook is not None:
                waiting.append((i, True))
                any_python = True
            else:
                order.append((i, False))
            continue
        if (
            step.tensor_hooks
            or step.pre_hook is not None
            or step.post_hook is not None
            or step.rule_key[0] == "function"
        ):
            order.extend(waiting)
            waiting.clear()
            order.append((i, True))
            any_python = True
        else:
            order.append((i, False))
    order.extend(waiting)
    return order if any_python else None


class _Segmented:
    """A replay cut at its Python steps (see MAX_PYTHON_RUNS): each run of steps between them
    is a ``jax.jit`` program of (their saved values, the cotangents they read) -> (the
    cotangents they leave for later steps, their results); the Python steps run on concrete
    arrays, an op rule of theirs (besides their hooks) through a jitted rule of its own.  The
    cotangents are summed in the same order as in the single-program walk."""

    calls_python_directly = True  # its callables have run when it returns (``_callbacks.run``)

    def __init__(self, plan, order, runs):
        structure = plan.structure
        self.structure = structure
        steps = structure.steps
        rules = [None if factory is None else factory() for factory in plan.rules]
        # a leaf step reads no saved values, so moving leaves keeps each run's values together
        offsets = [0]
        for step in steps:
            offsets.append(offsets[-1] + (0 if type(step) is LeafStep else step.n_saved))
        self.pieces = []
        for py, indices in runs:
            members = frozenset(indices)
            targets = frozenset(
                e
                for i in indices
                if type(steps[i]) is NodeStep
                for e in steps[i].edges
                if e is not None and e[0] not in members
            )
            nodes = [i for i in indices if type(steps[i]) is NodeStep]
            span = (offsets[nodes[0]], offsets[nodes[-1] + 1]) if nodes else (0, 0)
            if py:
                fn, run = None, _OnArrays(_jitted_rules(rules, indices))
            else:
                fn, run = jax.jit(_piece(structure, rules, tuple(indices))), None
            self.pieces.append((tuple(indices), members, span, targets, fn, run))
        # the leaves that accumulate, in the order the pieces reach them -> the plan's order
        reached = [i for i, _ in order if type(steps[i]) is LeafStep and steps[i].accumulate]
        self.accumulate_order = [reached.index(i) for i in sorted(reached)]

    def _cache_size(self):  # its executables, for the cache's program bound
        return sum(p[4]._cache_size() for p in self.pieces if p[4] is not None)

    def __call__(self, flat, root_cts):
        structure = self.structure
        ct, accumulated, captured, retained = _walk_start(structure, root_cts)
        for indices, members, (start, stop), targets, fn, run in self.pieces:
            part = flat[start:stop]
            if fn is None:
                _walk_steps(
                    structure.steps, indices, run, part, ct, (accumulated, captured, retained)
                )
                continue
            given = {s: g for s, g in ct.items() if s[0] in members or s in targets}
            for s in given:
                del ct[s]
            left, result = fn(part, given)
            ct.update(left)
            accumulated.extend(result.accumulated)
            for j, g in enumerate(result.captured):
                if g is not None:
                    captured[j] = g
            for j, g in enumerate(result.retained):
                if g is not None:
                    retained[j] = g
        return WalkResult(
            [_as_array(accumulated[k]) for k in self.accumulate_order],
            [_as_array(g) for g in captured],
            [_as_array(g) for g in retained],
        )


# Deep graphs.  XLA fuses chains of elementwise ops, and where a value of such a chain has
# several consumers it recomputes the chain inside each consumer's fusion rather than store it:
# the backward of a recurrent cell's state (``c = f * c + i * g`` over time) becomes fusions
# that each recompute the chain back to the last step, a program quadratic in the number of
# steps (LSTMCell x2 + Linear, 97x51: 20 steps 2.6 s to compile, 30 steps 27 s, 40 steps 45 s;
# fusions of 580 instructions each at 30 steps; pytorch/examples' time_sequence_prediction, 999
# steps, never finished).  ``optimization_barrier`` does not stop it (XLA:CPU removes barriers
# before fusion).  A structure of PIECES_FROM node steps or more therefore compiles in pieces:
# its order is cut where the content says (below), each piece is a jitted program of (its
# saved values, the cotangents that reach it) -> (the cotangents it leaves, its results),
# and a piece is keyed by its own steps renumbered from its start, so pieces of the same
# content share one program, within a structure (every time step of an RNN) and across
# structures (another sequence length).  Values cross pieces in memory, which bounds the
# recomputation to one piece.
PIECES_FROM = 512
# the cut: after the step whose content hash is the least in a window of PIECE_WINDOW steps
# (the rightmost on a tie: "winnowing"), so a piece has at most PIECE_WINDOW steps and the
# cuts of a repeated stretch of steps fall at the same places in each repeat
PIECE_WINDOW = 64
PIECE_CONTEXT = 8  # a step's content: its rule and those of the steps just before it
_pieces = _caches.LRUCache("autograd.pieces", 4 * CACHE_SIZE, max_programs=4 * CACHE_SIZE)


def _node_steps(structure):
    return sum(1 for s in structure.steps if type(s) is NodeStep)


def _cuts(steps, first, end):
    """The (start, stop) index ranges of the pieces of ``steps[first:end]`` (PIECE_WINDOW)."""
    n = end - first
    if n <= 0:
        return []
    keys = [s.rule_key if type(s) is NodeStep else s.aval for s in steps[first:end]]
    own = [hash(k) for k in keys]
    hashes = [hash(tuple(own[max(0, i - PIECE_CONTEXT) : i + 1])) for i in range(n)]
    w = min(PIECE_WINDOW, n)
    chosen = set()
    window: collections.deque = collections.deque()  # indices, their hashes increasing
    for i, h in enumerate(hashes):
        while window and hashes[window[-1]] >= h:
            window.pop()
        window.append(i)
        if window[0] <= i - w:
            window.popleft()
        if i >= w - 1:
            chosen.add(window[0])
    stops = [first + c + 1 for c in sorted(chosen | {n - 1})]
    return list(zip([first] + stops[:-1], stops))


# A wide node: ``cat`` or ``stack`` of WIDE_FROM or more tensors (the outputs of an RNN's time
# steps).  Its backward gives each operand a slice of the cotangent, and a program that returns
# a thousand slices costs XLA:CPU ~13 ms of compile per slice (999 slices of a 97x999 array:
# 12-15 s, whether returned, stacked or split).  In a pieced replay such a node runs between
# the pieces instead, each operand's slice taken by one jitted dynamic slice whose offset is an
# argument (one program for all offsets).
WIDE_FROM = 32


def _wide(step):
    """(dim, [(offset, size or None for stack, dtype) per operand]) of a cat or stack step
    with WIDE_FROM or more operands, else None."""
    op = step.rule_key[0]
    if (
        len(step.live) < WIDE_FROM  # first: this runs for every step of a node-by-node replay
        or type(op) is not Op
        or op.parts is None
        or step.retain
        or any(step.captures)
        or any(a[0] != "aval" for a in step.rule_key[3])
    ):
        return None
    operands, dim = step.rule_key[3], dict(step.rule_key[2])["dim"]
    if op.parts == "stack":
        return dim, [(k, None, a[2]) for k, a in enumerate(operands)]
    parts, offset = [], 0
    for a in operands:
        parts.append((offset, a[1][dim], a[2]))
        offset += a[1][dim]
    return dim, parts


@functools.partial(jax.jit, static_argnames=("dim", "size", "dtype"))
def _part(g, start, *, dim, size, dtype):
    if size is None:
        return jax.lax.dynamic_index_in_dim(g, start, dim, keepdims=False).astype(dtype)
    return jax.lax.dynamic_slice_in_dim(g, start, size, dim).astype(dtype)


def _wide_rule(step, dim, parts, vals, outs, present):
    """A wide node's rule on concrete arrays: each live operand's slice of the cotangent."""
    g = outs[0]
    grads = [None] * len(parts)
    for k in step.live:
        start, size, dtype = parts[k]
        grads[k] = _part(g, start, dim=dim, size=size, dtype=dtype)
    return grads


class _Pieced:
    """A replay compiled in shared pieces (see PIECES_FROM).  A piece's program is looked up
    (or built) the first time this replay runs it, from the cotangents present then: which
    cotangents reach a step is fixed by the structure, so every later call sees the same."""

    def __init__(self, plan):
        structure = self.structure = plan.structure
        steps = structure.steps
        # the rule factories (structural: they close over a node's rule key, not its values),
        # called only for the pieces that are new
        self.rules = plan.rules
        offsets = [0]
        for step in steps:
            offsets.append(offsets[-1] + (0 if type(step) is LeafStep else step.n_saved))
        # (first step, end, first flat value, end) per piece; (step, _wide(step)) per wide node
        self.pieces: list = []
        a = 0
        for i, step in enumerate(steps + (None,)):
            wide = _wide(step) if type(step) is NodeStep else None
            if wide is not None or step is None:
                self.pieces.extend((c, d, offsets[c], offsets[d]) for c, d in _cuts(steps, a, i))
                if wide is not None:
                    self.pieces.append((i, wide))
                a = i + 1
        self.programs: list = [None] * len(self.pieces)

    def _cache_size(self):  # its programs live in ``_pieces``, which bounds them
        return 0

    def __call__(self, flat, root_cts):
        structure = self.structure
        ct, accumulated, captured, retained = _walk_start(structure, root_cts)
        for p, piece in enumerate(self.pieces):
            if len(piece) == 2:  # a wide node (WIDE_FROM)
                i, (dim, parts) = piece
                g = ct.pop((i, 0), None)
                if g is not None:
                    step = structure.steps[i]
                    grads = _wide_rule(step, dim, parts, (), [g], (True,))
                    for k in step.live:
                        _add(ct, step.edges[k], grads[k])
                continue
            a, b, start, stop = piece
            program = self.programs[p]
            if program is None:
                program = self.programs[p] = self._program(a, b, ct)
            fn, ins, outs, captures, retains = program
            left, result = fn(flat[start:stop], [ct.pop(s) for s in ins])
            for s, g in zip(outs, left):
                if g is not None:
                    ct[s] = g
            accumulated.extend(result.accumulated)
            for j, g in zip(captures, result.captured):
                if g is not None:
                    captured[j] = g
            for j, g in zip(retains, result.retained):
                if g is not None:
                    retained[j] = g
        return WalkResult(
            [_as_array(g) for g in accumulated],
            [_as_array(g) for g in captured],
            [_as_array(g) for g in retained],
        )

    def _program(self, a, b, ct):
        """Piece [a, b): its shared program, the global slots of its inputs and outputs, and
        the global capture and retain slots of its local ones."""
        steps = self.structure.steps
        m = b - a
        sinks: dict = {}  # global slot past the piece -> its local slot (m + q, 0)
        captures: list = []
        retains: list = []

        def local_capture(j):
            captures.append(j)
            return len(captures) - 1

        local = []
        for i in range(a, b):
            step = steps[i]
            if type(step) is LeafStep:
                local.append(step._replace(captures=tuple(local_capture(j) for j in step.captures)))
                continue
            edges = []
            for e in step.edges:
                if e is None or e[0] < b:
                    edges.append(None if e is None else (e[0] - a, e[1]))
                else:
                    edges.append(sinks.setdefault(e, (m + len(sinks), 0)))
            retain = []
            for k, slot in step.retain:
                retains.append(slot)
                retain.append((k, len(retains) - 1))
            local.append(
                step._replace(
                    edges=tuple(edges),
                    retain=tuple(retain),
                    captures=tuple(tuple(local_capture(j) for j in c) for c in step.captures),
                )
            )
        ins = sorted(s for s in ct if a <= s[0] < b) + [s for s in sinks if s in ct]
        local_ins = tuple((s[0] - a, s[1]) if s[0] < b else sinks[s] for s in ins)
        key = (tuple(local), local_ins, len(sinks))
        fn = _pieces.get(key)
        if fn is None:
            rules = [None if f is None else f() for f in self.rules[a:b]]
            fn = _pieces.put(
                key,
                jax.jit(
                    _local_piece(
                        tuple(local),
                        rules,
                        local_ins,
                        list(sinks.values()),
                        len(captures),
                        len(retains),
                    )
                ),
            )
            _stats["piece_compiles"] += 1
        return fn, ins, list(sinks), captures, retains


def _local_piece(steps, rules, ins, outs, n_capture, n_retain):
    run = _OnArrays(rules)

    def piece(flat, given):
        ct = dict(zip(ins, given))
        result = WalkResult([], [None] * n_capture, [None] * n_retain)
        _walk_steps(steps, range(len(steps)), run, flat, ct, result)
        return [ct.get(s) for s in outs], result

    return piece


def _walk_start(structure, root_cts):
    """A walk run in parts: the roots' cotangents by slot, and its empty results (accumulated,
    captured, retained)."""
    ct: dict = {}
    for slot, g in zip(structure.roots, root_cts):
        _add(ct, slot, _OnArrays.torch_convention(g))
    return ct, [], [None] * structure.n_capture, [None] * structure.n_retain


def _piece(structure, rules, indices):
    run = _OnArrays(rules)
    steps = structure.steps

    def piece(flat, ct):
        ct = dict(ct)
        result = WalkResult([], [None] * structure.n_capture, [None] * structure.n_retain)
        _walk_steps(steps, indices, run, flat, ct, result)
        return ct, result

    return piece


def _jitted_rules(rules, indices):
    """The op rules of Python steps, compiled (a custom Function's rule calls the user's
    backward directly on concrete arrays and stays as it is)."""
    out = list(rules)
    for i in indices:
        rule = rules[i]
        if rule is not None and not getattr(rule, "calls_python", False):
            out[i] = jax.jit(rule, static_argnums=2)
    return out


def _as_array(g):
    return jnp.asarray(g) if isinstance(g, np.ndarray) else g


def _build_replay(plan):
    structure = plan.structure
    # rules are built only when a replay is built (compiling), not on every backward; the
    # replay holds the structure and the rules, never the nodes or values of one call
    run = _OnArrays([None if factory is None else factory() for factory in plan.rules])

    def replay(flat, root_cts):
        return _walk(structure, run, flat, root_cts)

    return replay


# ============================================================================== 4. accumulate
def _sparse_leaves(plan):
    """{id of an AccumulateGrad: the nodes using its leaf} for the leaves whose every use in
    this backward is the weight of an embedding with ``sparse=True``: their gradient is sparse,
    as in PyTorch (a leaf used densely anywhere gets a dense gradient)."""
    uses: dict = {}
    for node in plan.nodes:
        if type(node) is AccumulateGrad:
            continue
        for k, (n, _) in enumerate(node.next_functions):
            if type(n) is AccumulateGrad:
                uses.setdefault(id(n), []).append((node, k))
    return {
        key: [node for node, _ in pairs]
        for key, pairs in uses.items()
        if all(
            k == 0
            and getattr(node._op, "name", None) in ("embedding", "embedding_bag")
            and ("sparse", True) in node._static[1]
            for node, k in pairs
        )
    }


def _accumulate(plan, result, create_graph):
    sparse = _sparse_leaves(plan) if _graph.SPARSE_GRAD[0] is not None else None
    for node, g in zip(plan.accumulate_into, result.accumulated):
        if g is not None:
            leaf = node.variable
            if sparse and id(node) in sparse:
                g = _graph.SPARSE_GRAD[0](g, sparse[id(node)])
            _write_grad(leaf, g, create_graph)
            hooks = leaf.__dict__.get("_post_accumulate_grad_hooks")
            if hooks:  # register_post_accumulate_grad_hook: after this leaf's .grad is written
                for hook in list(hooks.values()):
                    out = hook(leaf)
                    if out is not None:
                        raise TypeError(
                            f"expected Variable, but hook returned '{type(out).__name__}'"
                        )
    for t, g in zip(plan.retain_into, result.retained):
        if g is not None:
            _write_grad(t, g, create_graph)


def _write_grad(t, g, create_graph):
    """Accumulate gradient tensor ``g`` into ``t.grad``.

    Without create_graph an existing grad tensor is updated in place, as PyTorch does; with it,
    the grad becomes the new (differentiable) sum.
    """
    old = t._grad
    if old is None:
        t._set_grad(g)
    elif old.is_meta or g.is_meta:
        t._set_grad(g)  # (shapes only: the sum of two meta gradients is a meta gradient)
    elif g.is_sparse or old.is_sparse:
        # PyTorch: sparse + sparse stays sparse (a new tensor), dense += sparse in place,
        # and a sparse .grad meeting a dense gradient becomes the dense sum
        if old.is_sparse:
            t._set_grad(old + g if g.is_sparse else g + old.to_dense())
        else:
            old._write_data(old._value + g.to_dense()._value)
    elif create_graph:
        t._set_grad(old + g)
    else:
        old._write_data(old._value + g._value)
