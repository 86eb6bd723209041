"""What happens on ``loss.backward()``, top to bottom.

1. collect   walk ``grad_fn.next_functions`` from the roots: the nodes in topological order
             (consumers before producers), pruned to what reaches the requested inputs.
2. plan      describe the subgraph by *structure* only: each node's local rule (op, static
             arguments, shapes and dtypes of what it saved), its edges, hooks and the leaves to
             accumulate into.  Values (saved arrays, Python scalars, root gradients) become a
             flat list of arguments.
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
COMPILE_ON_SIGHTING = 1  # compile on first sight: measured cheaper than eager VJP (README)

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
_pending_errors: list = []


def _dispatch(idx, result_avals, *arrays, **static):
    """Run callback ``idx``; an exception is kept and re-raised after the replay returns, so
    the user sees their own error (not XLA's wrapper) whether or not the replay is compiled."""
    if _pending_errors:
        return [np.zeros(s, d) for s, d in result_avals]
    try:
        return _as_numpy(_active_callbacks[idx](*arrays, **static), result_avals)
    except BaseException as exc:  # noqa: BLE001 - re-raised by _run
        _pending_errors.append(exc)
        return [np.zeros(s, d) for s, d in result_avals]


def call_python(idx, arrays, result_avals, **static):
    """Run Python callback ``idx`` of the current backward call on concrete arrays.

    ``static`` keyword arguments are structural (the same for every call of a compiled replay).
    """
    result_avals = [(tuple(s), np.dtype(d)) for s, d in result_avals]
    if not result_avals:
        result_avals_cb = [((), np.dtype(np.float32))]
    else:
        result_avals_cb = result_avals
    if any(isinstance(a, jax.core.Tracer) for a in arrays):
        from jax.experimental import io_callback

        def host(*a):
            out = _dispatch(idx, result_avals, *a, **static)
            return out if result_avals else [np.zeros((), np.float32)]

        shapes = [jax.ShapeDtypeStruct(s, d) for s, d in result_avals_cb]
        res = list(io_callback(host, shapes, *arrays))
        return res if result_avals else []
    return _dispatch(idx, result_avals, *arrays, **static)


def _as_numpy(outs, avals):
    return [np.asarray(o, dtype=d).reshape(s) for o, (s, d) in zip(outs, avals)]


def _wrap(g):
    return _tensor.Tensor._make(jnp.asarray(g))


def _tensor_hook_chain(hooks):
    """Tensor hooks on one gradient: each may return a replacement."""
    hooks = list(hooks)

    def run(g):
        t = _wrap(g)
        for hook in hooks:
            out = hook(t)
            if out is not None:
                t = out
        return [t._value]
    return run


def _check_hook_result(hook, result, expected):
    if not isinstance(result, tuple):
        raise TypeError(f"expected tuple, but hook returned '{type(result).__name__}'")
    if len(result) != expected:
        raise RuntimeError(
            f"hook '{getattr(hook, '__name__', repr(hook))}' has returned an incorrect number "
            f"of values (got {len(result)}, but expected {expected})")


def _node_hooks(node, live, n_outs):
    """One callback for a node's pre-hooks, its backward rule's results and its post-hooks.

    Arguments: the ``n_outs`` grad_outputs, then the grad_inputs of the ``live`` edges.  Called
    twice per node (phase 0 before the rule: pre-hooks; phase 1 after: post-hooks).
    """
    pre = list(node._pre_hooks.values()) if node._pre_hooks else []
    post = list(node._post_hooks.values()) if node._post_hooks else []
    n_edges = len(node.next_functions)

    def run_pre(*grads):
        gout = tuple(_wrap(g) for g in grads)
        for h in pre:
            out = h(gout)
            if out is not None:
                _check_hook_result(h, out, len(gout))
                gout = out
        return [g._value for g in gout]

    def run_post(*arrays):
        gout = tuple(_wrap(g) for g in arrays[:n_outs])
        gin = [None] * n_edges
        for k, g in zip(live, arrays[n_outs:]):
            gin[k] = _wrap(g)
        gin = tuple(gin)
        for h in post:
            out = h(gin, gout)
            if out is not None:
                _check_hook_result(h, out, n_edges)
                gin = out
        return [gin[k]._value if gin[k] is not None else jnp.zeros(np.shape(a), a.dtype)
                for k, a in zip(live, arrays[n_outs:])]

    return run_pre if pre else None, run_post if post else None


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
        self.rules = []        # per node: None for AccumulateGrad, else a factory of its rule
        self.entries = []      # per node: static description used by the replay
        self.flat = []         # saved values, in node order
        self.callbacks = []    # Python callables for io_callback, in node order

    def add_callback(self, fn):
        if fn is None:
            return None
        self.callbacks.append(fn)
        return len(self.callbacks) - 1


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
        if capture_slots:
            captures = tuple(tuple(capture_slots.get((i, k), ()))
                             for k in range(len(node._out_avals)))
        else:
            captures = _NO_CAPTURES[len(node._out_avals)] if len(node._out_avals) < 8 else tuple(
                () for _ in node._out_avals)
        if type(node) is AccumulateGrad:
            var = node.variable
            shape, dtype = tuple(var._value.shape), var._value.dtype
            cb = plan.add_callback(_tensor_hook_chain(var._leaf_hooks.values())
                                   if var._leaf_hooks else None)
            pre = post = None
            if node._pre_hooks or node._post_hooks:
                pre, post = _node_hooks(node, (), 1)
                pre, post = plan.add_callback(pre), plan.add_callback(post)
            acc = accumulate and (capture_edges is None or (i, 0) in capture_slots)
            # The existing .grad is added after the replay, not inside it: whether a leaf
            # already has a gradient is then not part of the structure (the first step of a
            # loop and the later ones compile once), and set_to_none loops pay no extra add.
            if acc:
                acc_nodes.append(node)
            entry = ("acc", shape, dtype, cb, pre, post, acc, captures[0] if not accumulate else ())
            plan.entries.append(entry)
            plan.rules.append(None)
            plan.key_parts.append(entry)
            continue
        if node._freed:
            raise RuntimeError(ERR_BACKWARD_TWICE)
        node._check_versions()
        edges = tuple(None if (n is None or id(n) not in index) else (index[id(n)], k)
                      for n, k in node.next_functions)
        live = tuple(k for k, e in enumerate(edges) if e is not None)
        hooks = []
        if node._tensor_pre_hooks:
            for k, hs in sorted(node._tensor_pre_hooks.items()):
                if hs:
                    hooks.append((k, plan.add_callback(_tensor_hook_chain(hs.values()))))
        retain = ()
        if node._retain_grad_hooks:
            retain = tuple(sorted(k for k, ref in node._retain_grad_hooks.items()
                                  if ref() is not None))
        pre = post = None
        if node._pre_hooks or node._post_hooks:
            pre, post = _node_hooks(node, live, len(node._out_avals))
            pre, post = plan.add_callback(pre), plan.add_callback(post)
        rule_key, rule, n_saved = node._replay_rule(plan)
        entry = ("node", rule_key, edges, live, node._out_avals, tuple(hooks), retain,
                 pre, post, n_saved, captures)
        plan.entries.append(entry)
        plan.rules.append(rule)
        plan.key_parts.append(entry)
    roots = tuple((index[id(n)], k) for n, k in root_edges)
    plan.roots = roots
    plan.root_grads = root_grads
    plan.acc_nodes = acc_nodes
    plan.key = (tuple(plan.key_parts), roots,
                tuple((g.shape, g.dtype) for g in root_grads), plan.n_capture, accumulate)
    return plan


# ------------------------------------------------------------------------------- replay
def _torch_convention(g):
    """Complex gradients: PyTorch's ``.grad`` is the conjugate of JAX's cotangent."""
    if g is not None and jnp.iscomplexobj(g):
        return jnp.conj(g)
    return g


_NO_CAPTURES = [((),) * n for n in range(8)]


def _build_replay(plan):
    entries = plan.entries
    # rules are built only when a replay is built (compiling), not on every backward
    rules = [None if factory is None else factory() for factory in plan.rules]
    roots = plan.roots
    n_capture = plan.n_capture

    def replay(flat, root_cts):
        ct = {}

        def add(slot, g):
            prev = ct.get(slot)
            ct[slot] = g if prev is None else prev + g

        for slot, g in zip(roots, root_cts):
            add(slot, _torch_convention(g))
        acc_out = []
        captured = {}
        retained = []
        pos = 0
        for i, e in enumerate(entries):
            if e[0] == "acc":
                _, shape, dtype, cb, pre, post, acc, caps = e
                g = ct.pop((i, 0), None)
                if g is not None:
                    if cb is not None:
                        g = call_python(cb, [g], [(shape, dtype)])[0]
                    if pre is not None:
                        g = call_python(pre, [g], [(shape, dtype)])[0]
                    if post is not None:
                        call_python(post, [g], [])
                g = _torch_convention(g)
                for j in caps:
                    captured[j] = g
                if acc:
                    acc_out.append(g)
                continue
            (_, rule_key, edges, live, out_avals, hooks, retain, pre, post, n_saved,
             captures) = e
            vals = flat[pos:pos + n_saved]
            pos += n_saved
            outs = [ct.pop((i, k), None) for k in range(len(out_avals))]
            if all(o is None for o in outs):
                continue  # nothing flows through this node (e.g. only an int output used)
            present = tuple(o is not None for o in outs)
            outs = [zeros_cotangent(s, d) if o is None else o for o, (s, d) in zip(outs, out_avals)]
            for k, cb in hooks:
                outs[k] = call_python(cb, [outs[k]], [out_avals[k]])[0]
            for k in retain:
                retained.append(outs[k])
            for k, js in enumerate(captures):
                for j in js:
                    captured[j] = _torch_convention(outs[k])
            if pre is not None:
                outs = call_python(pre, outs, list(out_avals))
            grads = rules[i](vals, outs, present)
            if post is not None:
                live_grads = [grads[k] for k in live]
                new = call_python(post, list(outs) + live_grads,
                                  [(np.shape(g), g.dtype) for g in live_grads])
                grads = list(grads)
                for k, g in zip(live, new):
                    grads[k] = g
            for k in live:
                g = grads[k]
                if g is not None:
                    add(edges[k], g)
        return acc_out, [captured.get(j) for j in range(n_capture)], retained

    return replay


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


# ------------------------------------------------------------------------------- create_graph
# With create_graph=True the backward pass itself must be recorded, so it runs node by node on
# Tensors: each op node's local rule (jax.vjp of its table entry) is applied as a recorded op
# ("<Name>Backward"), a custom Function's backward runs with grad mode on (as in PyTorch), and
# hooks see Tensors.  Higher-order gradients then come from the ordinary compiled replay.
_vjp_ops: OrderedDict = OrderedDict()


def _vjp_op(node, rule_key, rule, n_saved, live, present):
    key = (rule_key, live, present)
    op = _vjp_ops.get(key)
    if op is None:
        from .._ops.core import Op

        def impl(*args):
            grads = rule(list(args[:n_saved]), list(args[n_saved:]), present)
            return tuple(grads[k] for k in live)

        op = Op(node.name() + "_vjp", impl, node.name() + "Backward")
        _vjp_ops[key] = op
        while len(_vjp_ops) > CACHE_SIZE:
            _vjp_ops.popitem(last=False)
    return op


def _call_tensor_hooks(hooks, g):
    for hook in list(hooks):
        out = hook(g)
        if out is not None:
            g = out
    return g


def _run_create_graph(order, root_edges, root_tensors, root_grads, capture_edges, accumulate):
    from .. import _factories
    from .._ops.core import record
    from .function import BackwardCFunction

    Tensor = _tensor.Tensor
    index = {id(n): i for i, n in enumerate(order)}
    ct = {}

    def add(slot, g):
        prev = ct.get(slot)
        ct[slot] = g if prev is None else prev + g

    for (node, k), t, g in zip(root_edges, root_tensors, root_grads):
        add((index[id(node)], k), t if t is not None else Tensor._make(g))
    capture_slots = {}
    for j, (node, k) in enumerate(capture_edges or ()):
        if node is not None and id(node) in index:
            capture_slots.setdefault((index[id(node)], k), []).append(j)
    captured = [None] * len(capture_edges or ())
    acc_out, retained = [], []
    for i, node in enumerate(order):
        if type(node) is AccumulateGrad:
            g = ct.pop((i, 0), None)
            var = node.variable
            if g is not None:
                if var._leaf_hooks:
                    g = _call_tensor_hooks(var._leaf_hooks.values(), g)
                for h in (node._pre_hooks or {}).values():
                    out = h((g,))
                    if out is not None:
                        _check_hook_result(h, out, 1)
                        g = out[0]
                for h in (node._post_hooks or {}).values():
                    h((), (g,))
            for j in capture_slots.get((i, 0), ()):
                captured[j] = g
            if accumulate and (capture_edges is None or (i, 0) in capture_slots):
                acc_out.append(g)
            continue
        if node._freed:
            raise RuntimeError(ERR_BACKWARD_TWICE)
        node._check_versions()
        outs = [ct.pop((i, k), None) for k in range(len(node._out_avals))]
        if all(o is None for o in outs):
            continue
        present = tuple(o is not None for o in outs)
        outs = [Tensor._make(zeros_cotangent(s, d)) if o is None and
                jnp.issubdtype(d, jnp.inexact) else o
                for o, (s, d) in zip(outs, node._out_avals)]
        for k, hs in sorted((node._tensor_pre_hooks or {}).items()):
            if hs and outs[k] is not None:
                outs[k] = _call_tensor_hooks(hs.values(), outs[k])
        for k, ref in sorted((node._retain_grad_hooks or {}).items()):
            if ref() is not None:
                retained.append(outs[k])
        for k, o in enumerate(outs):
            for j in capture_slots.get((i, k), ()):
                captured[j] = o
        for h in (node._pre_hooks or {}).values():
            res = h(tuple(outs))
            if res is not None:
                _check_hook_result(h, res, len(outs))
                outs = list(res)
        edges = [None if (n is None or id(n) not in index) else (index[id(n)], k)
                 for n, k in node.next_functions]
        live = tuple(k for k, e in enumerate(edges) if e is not None)
        if isinstance(node, BackwardCFunction):
            grads = node._user_backward_tensors(outs, present, create_graph=True)
        else:
            plan = Plan()
            rule_key, rule_factory, n_saved = node._replay_rule(plan)
            rule = rule_factory()
            saved_edges = node._flat_edges(n_saved)
            cts = [o if o is not None else Tensor._make(zeros_cotangent(s, d))
                   for o, (s, d) in zip(outs, node._out_avals)]
            op = _vjp_op(node, rule_key, rule, n_saved, live, present)
            vals = list(plan.flat) + [c._value for c in cts]
            res = record(op, vals, list(saved_edges) + [c._edge() for c in cts])
            grads = [None] * len(node.next_functions)
            for k, g in zip(live, res):
                grads[k] = g
        if node._post_hooks:
            gin = tuple(grads[k] if k < len(grads) else None
                        for k in range(len(node.next_functions)))
            for h in node._post_hooks.values():
                res = h(gin, tuple(outs))
                if res is not None:
                    _check_hook_result(h, res, len(gin))
                    gin = res
            grads = list(gin)
        for k in live:
            g = grads[k]
            if g is not None:
                add(edges[k], g if isinstance(g, Tensor) else _factories.tensor(g))
    return acc_out, captured, retained


# ------------------------------------------------------------------------------- entry points
_CONSTANTS: dict = {}


def _constant(fill, shape, dtype):
    """Cached filled arrays (the implicit root gradient, a missing .grad): creating one costs
    as much as a small op, and the engine needs them every step."""
    key = (fill, shape, dtype)
    v = _CONSTANTS.get(key)
    if v is None:
        v = jnp.full(shape, fill, dtype)
        if len(_CONSTANTS) < 4 * CACHE_SIZE:
            _CONSTANTS[key] = v
    return v


def _root_edges_and_grads(tensors, grad_tensors):
    edges, grads, grad_tensors_out = [], [], []
    for i, t in enumerate(tensors):
        if not t._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn")
        g = None if grad_tensors is None else grad_tensors[i]
        if g is None:
            if t._value.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            gv = _constant(1, t._value.shape, t._value.dtype)
        else:
            if not isinstance(g, _tensor.Tensor):
                from .. import _factories

                g = _factories.tensor(g)
            if tuple(g.shape) != tuple(t.shape):
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                    f"output[{i}] has a shape of {t.shape}.")
            gv = g._value if g._value.dtype == t._value.dtype else g._value.astype(t._value.dtype)
        edges.append(t._edge())
        grads.append(gv)
        grad_tensors_out.append(g)
    return edges, grads, grad_tensors_out


def _run(root_edges, root_grads, keep_graph, capture_edges, accumulate, create_graph=False,
         root_tensors=()):
    order = _topological([n for n, _ in root_edges])
    if capture_edges is not None:
        order = _prune(order, {id(n) for n, _ in capture_edges})
    if create_graph:
        acc_nodes = [n for n in order if type(n) is AccumulateGrad]
        acc_out, captured, retained = _run_create_graph(
            order, root_edges, root_tensors, root_grads, capture_edges, accumulate)
        acc_nodes = [n for n in acc_nodes
                     if capture_edges is None or any(n is c for c, _ in capture_edges)]
    else:
        plan = _make_plan(order, root_edges, root_grads, capture_edges, accumulate)
        acc_nodes = plan.acc_nodes
        replay = _replay_for(plan)
        acc_out, captured, retained = _execute(replay, plan)
        acc_out = [None if g is None else _tensor.Tensor._make(g) for g in acc_out]
        captured = [None if g is None else _tensor.Tensor._make(g) for g in captured]
        retained = [_tensor.Tensor._make(g) for g in retained]

    for node, g in zip(acc_nodes, acc_out):
        if g is not None:
            _write_grad(node.variable, g, create_graph=create_graph)
    if retained:
        it = iter(retained)
        for node in order:
            if type(node) is not AccumulateGrad and node._retain_grad_hooks:
                for k in sorted(node._retain_grad_hooks):
                    ref = node._retain_grad_hooks[k]
                    if ref() is not None:
                        _write_grad(ref(), next(it), create_graph=create_graph)
    if not keep_graph:
        for node in order:
            if type(node) is not AccumulateGrad:
                node._release()
    return captured


def _execute(replay, plan):
    global _active_callbacks
    with _lock:
        saved_callbacks = _active_callbacks
        _active_callbacks = plan.callbacks
        _pending_errors.clear()
        try:
            out = replay(plan.flat, plan.root_grads)
            if plan.callbacks:
                jax.block_until_ready(out)
        finally:
            _active_callbacks = saved_callbacks
        if _pending_errors:
            exc = _pending_errors[0]
            _pending_errors.clear()
            raise exc
    return out


def _write_grad(t, g, create_graph=False):
    """Accumulate gradient tensor ``g`` into ``t.grad``.

    Without create_graph an existing grad tensor is updated in place, as PyTorch does; with it,
    the grad becomes the new (differentiable) sum.
    """
    if t._grad is None:
        t._grad = g
    elif create_graph:
        t._grad = t._grad + g
    else:
        t._grad._value = t._grad._value + g._value
        t._grad._version += 1


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    if isinstance(tensors, _tensor.Tensor):
        tensors = (tensors,)
    tensors = tuple(tensors)
    if grad_tensors is not None and isinstance(grad_tensors, _tensor.Tensor):
        grad_tensors = (grad_tensors,)
    if retain_graph is None:
        retain_graph = create_graph
    edges, grads, grad_ts = _root_edges_and_grads(tensors, grad_tensors)
    if inputs is None:
        _run(edges, grads, retain_graph, None, True, create_graph, grad_ts)
        return
    if isinstance(inputs, _tensor.Tensor):
        inputs = (inputs,)
    inputs = tuple(inputs)
    if not inputs:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    capture = [t._edge() for t in inputs]
    captured = _run(edges, grads, retain_graph, capture, True, create_graph, grad_ts)
    # non-leaf inputs get their .grad here (leaves were accumulated by the replay)
    for j, t in enumerate(inputs):
        if t._grad_fn is not None and captured[j] is not None:
            _write_grad(t, captured[j], create_graph=create_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    if isinstance(outputs, _tensor.Tensor):
        outputs = (outputs,)
    inputs = (inputs,) if isinstance(inputs, _tensor.Tensor) else tuple(inputs)
    if grad_outputs is not None and isinstance(grad_outputs, _tensor.Tensor):
        grad_outputs = (grad_outputs,)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    edges, grads, grad_ts = _root_edges_and_grads(tuple(outputs), grad_outputs)
    capture = [t._edge() for t in inputs]
    captured = _run(edges, grads, retain_graph, capture, False, create_graph, grad_ts)
    result = []
    for i, (t, g) in enumerate(zip(inputs, captured)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior.")
            g = _tensor.Tensor._make(jnp.zeros_like(t._value)) if materialize_grads else None
        result.append(g)
    return tuple(result)
