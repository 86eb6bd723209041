"""What happens on ``loss.backward()``, top to bottom.

1. collect   walk ``grad_fn.next_functions`` from the roots: the nodes in topological order
             (consumers before producers), pruned to what reaches the requested inputs.
2. plan      describe the subgraph by *structure* only: each node's local rule (op, static
             arguments, shapes and dtypes of what it saved), its edges, hooks and the leaves to
             accumulate into.  Values (saved arrays, Python scalars, root gradients, existing
             ``.grad``) become a flat list of arguments.
3. replay    one pure function of those arguments: seed the root cotangents, then for every
             node apply ``jax.vjp`` of its op (or the ``jax.custom_vjp`` of a custom Function)
             and sum cotangents into its producers.  The function is cached by the structure
             key; a structure seen for the second time is ``jax.jit``-compiled, so a training
             loop compiles once and one-shot notebook cells never pay for XLA compilation.
4. accumulate  write the results into ``.grad`` (in place, as PyTorch does), free the saved
             values unless ``retain_graph``.

Python side effects (Tensor hooks, node hooks, a custom Function's ``backward``) run through
``io_callback`` inside the compiled replay, so they happen once per backward call, every call.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import jax
import jax.numpy as jnp
import numpy as np

from .. import _tensor
from .graph import ERR_BACKWARD_TWICE, AccumulateGrad

CACHE_SIZE = 256
COMPILE_ON_SIGHTING = 2  # compile a structure the 2nd time it is seen (see README: policy)

_compiled: OrderedDict = OrderedDict()
_sightings: OrderedDict = OrderedDict()
_stats = {"compiles": 0, "eager_runs": 0, "compiled_runs": 0}
_lock = threading.RLock()


def compile_count() -> int:
    """How many backward replays torchlike has compiled with XLA in this process."""
    return _stats["compiles"]


def stats() -> dict:
    return dict(_stats, cached=len(_compiled))


def clear_cache():
    _compiled.clear()
    _sightings.clear()


# ------------------------------------------------------------------------------- callbacks
_active_callbacks: list = []


def _dispatch(idx, *arrays):
    return _active_callbacks[idx](*arrays)


def call_python(idx, arrays, result_avals):
    """Run Python callback ``idx`` of the current backward call on concrete arrays."""
    if any(isinstance(a, jax.core.Tracer) for a in arrays):
        from jax.experimental import io_callback

        shapes = [jax.ShapeDtypeStruct(s, d) for s, d in result_avals]
        return list(io_callback(lambda *a: _as_numpy(_dispatch(idx, *a), result_avals),
                                shapes, *arrays))
    return list(_dispatch(idx, *arrays))


def _as_numpy(outs, avals):
    return [np.asarray(o, dtype=d).reshape(s) for o, (s, d) in zip(outs, avals)]


def _tensor_hook_chain(hooks, dtype):
    """Tensor hooks on one gradient: each may return a replacement."""
    def run(g):
        t = _tensor.Tensor._make(jnp.asarray(g))
        for hook in list(hooks):
            out = hook(t)
            if out is not None:
                t = out
        return (jnp.asarray(t._value, dtype=dtype),)
    return run


def zeros_cotangent(shape, dtype):
    if jnp.issubdtype(dtype, jnp.inexact):
        return jnp.zeros(shape, dtype)
    return np.zeros(shape, dtype=jax.dtypes.float0)


# ------------------------------------------------------------------------------- planning
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
                n is not None and id(n) in needed for n, _ in node.next_functions):
            needed.add(id(node))
    return [n for n in order if id(n) in needed]


class Plan:
    """Structure of one backward call (hashable ``key``) plus its per-call values."""

    def __init__(self):
        self.key_parts = []
        self.rules = []        # per node: None for AccumulateGrad, else a rule callable
        self.entries = []      # per node: static description used by the replay
        self.flat = []         # saved values, in node order
        self.callbacks = []    # Python callables for io_callback, in node order


def _make_plan(order, root_edges, root_grads, capture_edges, accumulate):
    plan = Plan()
    index = {id(n): i for i, n in enumerate(order)}
    capture_slots = {}
    plan.n_capture = len(capture_edges or ())
    for j, (node, k) in enumerate(capture_edges or ()):
        if node is None or id(node) not in index:
            continue
        capture_slots.setdefault((index[id(node)], k), []).append(j)
    acc_nodes = []
    for i, node in enumerate(order):
        if type(node) is AccumulateGrad:
            var = node.variable
            cb = None
            if var._leaf_hooks:
                plan.callbacks.append(_tensor_hook_chain(var._leaf_hooks.values(), var._value.dtype))
                cb = len(plan.callbacks) - 1
            acc = accumulate and (capture_edges is None or (i, 0) in capture_slots)
            has_grad = acc and var._grad is not None
            if has_grad:
                plan.flat.append(var._grad._value)
            if acc:
                acc_nodes.append(node)
            entry = ("acc", tuple(var._value.shape), var._value.dtype, cb, acc, has_grad,
                     tuple(capture_slots.get((i, 0), ())) if not accumulate else ())
            plan.entries.append(entry)
            plan.rules.append(None)
            plan.key_parts.append(entry)
            continue
        if node._freed:
            raise RuntimeError(ERR_BACKWARD_TWICE)
        edges = tuple(None if (n is None or id(n) not in index) else (index[id(n)], k)
                      for n, k in node.next_functions)
        hooks = {}
        if node._tensor_pre_hooks:
            for k, hs in node._tensor_pre_hooks.items():
                if hs:
                    shape, dtype = node._out_avals[k]
                    plan.callbacks.append(_tensor_hook_chain(hs.values(), dtype))
                    hooks[k] = len(plan.callbacks) - 1
        retain = ()
        if node._retain_grad_hooks:
            retain = tuple(sorted(k for k, ref in node._retain_grad_hooks.items()
                                  if ref() is not None))
        pre = post = None
        if node._pre_hooks:
            plan.callbacks.append(_node_pre_hooks(node))
            pre = len(plan.callbacks) - 1
        if node._post_hooks:
            plan.callbacks.append(_node_post_hooks(node))
            post = len(plan.callbacks) - 1
        rule_key, rule, n_saved = node._replay_rule(plan)
        captures = tuple(tuple(capture_slots.get((i, k), ())) for k in range(len(node._out_avals)))
        entry = ("node", rule_key, edges, node._out_avals, tuple(sorted(hooks.items())), retain,
                 pre, post, n_saved, captures)
        plan.entries.append(entry)
        plan.rules.append(rule)
        plan.key_parts.append(entry)
    roots = tuple((index[id(n)], k) for n, k in root_edges)
    plan.roots = roots
    plan.root_grads = root_grads
    plan.acc_nodes = acc_nodes
    plan.key = (tuple(plan.key_parts), roots,
                tuple((g.shape, g.dtype) for g in root_grads), len(capture_edges or ()),
                accumulate)
    return plan


def _node_pre_hooks(node):
    hooks = list(node._pre_hooks.values())
    dtypes = [d for _, d in node._out_avals]

    def run(*grads):
        gs = tuple(_tensor.Tensor._make(jnp.asarray(g)) for g in grads)
        for h in hooks:
            out = h(gs)
            if out is not None:
                gs = tuple(out)
        return [jnp.asarray(g._value, d) for g, d in zip(gs, dtypes)]
    return run


def _node_post_hooks(node):
    hooks = list(node._post_hooks.values())

    def run(n_in, *grads):
        gin = tuple(None if g is None else _tensor.Tensor._make(jnp.asarray(g)) for g in grads[:n_in])
        gout = tuple(_tensor.Tensor._make(jnp.asarray(g)) for g in grads[n_in:])
        for h in hooks:
            out = h(gin, gout)
            if out is not None:
                gin = tuple(out)
        return [g._value for g in gin]
    return run


# ------------------------------------------------------------------------------- replay
def _build_replay(plan):
    entries = plan.entries
    rules = plan.rules
    roots = plan.roots
    n_capture = plan.n_capture

    def replay(flat, root_cts):
        ct = {}

        def add(slot, g):
            prev = ct.get(slot)
            ct[slot] = g if prev is None else prev + g

        for slot, g in zip(roots, root_cts):
            add(slot, g)
        acc_out = []
        captured = {}
        retained = []
        pos = 0
        for i, e in enumerate(entries):
            if e[0] == "acc":
                _, shape, dtype, cb, acc, has_grad, caps = e
                g = ct.pop((i, 0), None)
                existing = None
                if has_grad:
                    existing = flat[pos]
                    pos += 1
                if g is not None and cb is not None:
                    g = call_python(cb, [g], [(shape, dtype)])[0]
                for j in caps:
                    captured[j] = g
                if acc:
                    if g is None:
                        acc_out.append(None)
                    else:
                        acc_out.append(g if existing is None else existing + g)
                continue
            _, rule_key, edges, out_avals, hooks, retain, pre, post, n_saved, captures = e
            vals = flat[pos:pos + n_saved]
            pos += n_saved
            outs = [ct.pop((i, k), None) for k in range(len(out_avals))]
            if all(o is None for o in outs):
                continue  # nothing flows through this node (e.g. only an int output used)
            outs = [zeros_cotangent(s, d) if o is None else o for o, (s, d) in zip(outs, out_avals)]
            for k, cb in hooks:
                outs[k] = call_python(cb, [outs[k]], [out_avals[k]])[0]
            for k in retain:
                retained.append(outs[k])
            for k, js in enumerate(captures):
                for j in js:
                    captured[j] = outs[k]
            if pre is not None:
                outs = call_python(pre, outs, list(out_avals))
            grads = rules[i](vals, outs)
            if post is not None:
                live = [k for k, g in enumerate(grads) if g is not None]
                shapes = [(np.shape(grads[k]), grads[k].dtype) for k in live]
                new = _post(post, grads, outs, live, shapes)
                grads = list(grads)
                for k, g in zip(live, new):
                    grads[k] = g
            for k, g in enumerate(grads):
                if g is not None and edges[k] is not None:
                    add(edges[k], g)
        return acc_out, [captured.get(j) for j in range(n_capture)], retained

    return replay


def _post(idx, grads, outs, live, shapes):
    arrays = [grads[k] for k in live] + list(outs)
    n_in = len(live)

    def call(*a):
        return _active_callbacks[idx](n_in, *a)

    if any(isinstance(a, jax.core.Tracer) for a in arrays):
        from jax.experimental import io_callback

        res = io_callback(lambda *a: _as_numpy(call(*a), shapes),
                          [jax.ShapeDtypeStruct(s, d) for s, d in shapes], *arrays)
        return list(res)
    return list(call(*arrays))


def _replay_for(plan):
    """The cached replay for this structure: eager on first sight, jit-compiled after."""
    key = plan.key
    with _lock:
        fn = _compiled.get(key)
        if fn is not None:
            _compiled.move_to_end(key)
            _stats["compiled_runs"] += 1
            return fn
        seen = _sightings.get(key, 0) + 1
        if seen >= COMPILE_ON_SIGHTING:
            _sightings.pop(key, None)
            fn = jax.jit(_build_replay(plan))
            _compiled[key] = fn
            _stats["compiles"] += 1
            while len(_compiled) > CACHE_SIZE:
                _compiled.popitem(last=False)
            _stats["compiled_runs"] += 1
            return fn
        _sightings[key] = seen
        while len(_sightings) > 4 * CACHE_SIZE:
            _sightings.popitem(last=False)
        _stats["eager_runs"] += 1
        return _build_replay(plan)


# ------------------------------------------------------------------------------- entry points
def _root_edges_and_grads(tensors, grad_tensors):
    edges, grads = [], []
    for i, t in enumerate(tensors):
        if not t._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn")
        g = None if grad_tensors is None else grad_tensors[i]
        if g is None:
            if t._value.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = jnp.ones(t._value.shape, t._value.dtype)
        else:
            if not isinstance(g, _tensor.Tensor):
                from .. import _factories

                g = _factories.tensor(g)
            if tuple(g.shape) != tuple(t.shape):
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                    f"output[{i}] has a shape of {t.shape}.")
            g = g._value if g._value.dtype == t._value.dtype else g._value.astype(t._value.dtype)
        edges.append(t._edge())
        grads.append(g)
    return edges, grads


def _run(root_edges, root_grads, keep_graph, capture_edges, accumulate):
    order = _topological([n for n, _ in root_edges])
    if capture_edges is not None:
        order = _prune(order, {id(n) for n, _ in capture_edges})
    plan = _make_plan(order, root_edges, root_grads, capture_edges, accumulate)
    replay = _replay_for(plan)
    global _active_callbacks
    with _lock:
        saved_callbacks = _active_callbacks
        _active_callbacks = plan.callbacks
        try:
            acc_out, captured, retained = replay(plan.flat, plan.root_grads)
            if plan.callbacks:
                jax.block_until_ready((acc_out, captured, retained))
        finally:
            _active_callbacks = saved_callbacks

    for node, g in zip(plan.acc_nodes, acc_out):
        if g is not None:
            _write_grad(node.variable, g, replace=True)
    if retained:
        it = iter(retained)
        for node in order:
            if type(node) is not AccumulateGrad and node._retain_grad_hooks:
                for k in sorted(node._retain_grad_hooks):
                    ref = node._retain_grad_hooks[k]
                    if ref() is not None:
                        _write_grad(ref(), next(it), replace=False)
    if not keep_graph:
        for node in order:
            if type(node) is not AccumulateGrad:
                node._release()
    return captured


def _write_grad(t, g, replace):
    if t._grad is None:
        t._grad = _tensor.Tensor._make(g)
    elif replace:
        t._grad._value = g
        t._grad._version += 1
    else:
        t._grad._value = t._grad._value + g
        t._grad._version += 1


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    if isinstance(tensors, _tensor.Tensor):
        tensors = (tensors,)
    tensors = tuple(tensors)
    if grad_tensors is not None and isinstance(grad_tensors, _tensor.Tensor):
        grad_tensors = (grad_tensors,)
    if create_graph:
        raise NotImplementedError(
            "torchlike does not support create_graph=True yet (higher-order gradients are "
            "planned; the engine's replay is a pure function, so it can be recorded as a node)")
    if retain_graph is None:
        retain_graph = create_graph
    edges, grads = _root_edges_and_grads(tensors, grad_tensors)
    capture = None
    if inputs is not None:
        if isinstance(inputs, _tensor.Tensor):
            inputs = (inputs,)
        capture = [t._edge() for t in inputs]
        if not capture:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        nonleaf = [t for t in inputs if t._grad_fn is not None]
        captured = _run(edges, grads, retain_graph, capture, accumulate=True)
        # non-leaf inputs get their .grad too (leaves were accumulated by the replay)
        for t in nonleaf:
            j = capture.index(t._edge())
            if captured[j] is not None:
                _write_grad(t, captured[j], replace=False)
        return
    _run(edges, grads, retain_graph, None, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    if isinstance(outputs, _tensor.Tensor):
        outputs = (outputs,)
    single = isinstance(inputs, _tensor.Tensor)
    inputs = (inputs,) if single else tuple(inputs)
    if grad_outputs is not None and isinstance(grad_outputs, _tensor.Tensor):
        grad_outputs = (grad_outputs,)
    if create_graph:
        raise NotImplementedError(
            "torchlike does not support create_graph=True yet (higher-order gradients)")
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    edges, grads = _root_edges_and_grads(tuple(outputs), grad_outputs)
    capture = [t._edge() for t in inputs]
    captured = _run(edges, grads, retain_graph, capture, accumulate=False)
    result = []
    for t, g in zip(inputs, captured):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior.")
            result.append(_tensor.Tensor._make(jnp.zeros_like(t._value)) if materialize_grads else None)
        else:
            result.append(_tensor.Tensor._make(g))
    return tuple(result)
