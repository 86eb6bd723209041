"""A compiled callable: guards, a bounded cache of programs, tracing, replay, fallback.

One call, once warm:

1. **Guards.**  Walk the call's state (``_walk.Walk``): the arguments, what the function closes
   over, the modules and optimizers found there.  The walk's key (shapes, dtypes,
   requires_grad, hooks, ``training``, Python scalars, structure) plus grad mode picks a
   program from the cache; a new key traces a new one (at most ``config.recompile_limit``).
2. **Inputs.**  The arrays of every tensor the program reads, found at the same paths as when it
   was traced (a parameter replaced since is read where it is now); the learning rates of the
   param groups; the host-side draws of the generator (see ``_trace``), made now, in order.
3. **One executable** computes everything: forward, the engine's backward replay, the
   optimizer's update, in-place buffer updates — whatever the traced Python did.
4. **Write-back.**  Every pre-existing tensor the trace wrote gets its new array, with eager's
   ``_version`` bumps; tensors the trace created and left in the state (a new ``.grad``) are
   put at their paths as new tensors; returned tensors are new tensors (with the trace's
   grad_fn when its graph was consumed by a backward inside, or one
   ``CompiledFunctionBackward`` node whose backward is the compiled program's vjp).

Tracing runs the Python function once with JAX tracers as tensor data.  What cannot be
traced (``.item()``, ``print(tensor)``, data-dependent control flow, samplers fed with
tensors …) raises there; the trace is undone and the call runs eagerly with a one-time warning
naming the line (``fullgraph=True``: PyTorch's ``Unsupported`` error instead).  A trace that
changes Python-level state a replay would not change again (a list appended to, a scheduler's
counter, new optimizer state) is undone the same way and the call runs eagerly.
"""

from __future__ import annotations

import concurrent.futures
import functools
import gc
import os
import traceback
import warnings
import weakref
from collections import OrderedDict

import jax
import jax.extend.core as jax_core
import jax.numpy as jnp
import numpy as np

from .. import _caches
from .._tensor import Tensor
from ..autograd import grad_mode
from ..nn.modules import module as _module
from . import _trace, _walk, config
from ._node import CompiledFunctionBackward
from .exc import Unsupported

_EAGER = object()  # cache value: this guard set runs eagerly
_MAX_ATTEMPTS = 5
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_JAX_TRACE_ERRORS = tuple(
    e
    for e in (
        getattr(jax.errors, "ConcretizationTypeError", None),
        getattr(jax.errors, "TracerArrayConversionError", None),
        getattr(jax.errors, "TracerIntegerConversionError", None),
        getattr(jax.errors, "TracerBoolConversionError", None),
        getattr(jax.errors, "UnexpectedTracerError", None),
    )
    if e is not None
)

# All compiled functions, so torch.compiler.reset() can empty their caches.
_ALL = weakref.WeakSet()
disabled_depth = 0  # torch.compiler.disable(fn) running: calls inside run eagerly


class _StateChanged(Exception):
    pass


class _NeedVjp(Exception):
    pass


class _Unexpected(Exception):
    """The traced function ran again outside its trace (JAX never calls it twice)."""


class _Entry:
    """One compiled program and how to feed it and write its results back."""

    __slots__ = (
        "jitted",
        "pending",
        "in_refs",
        "in_paths",
        "written_at",
        "delta_paths",
        "alias",
        "draws",
        "lr_paths",
        "written",
        "deltas",
        "escaped",
        "ret_tree",
        "ret_specs",
        "vjp",
        "diff_in",
        "diff_paths",
        "diff_out",
        "in_avals",
        "callbacks",
        "obj_inputs",
    )


class CompiledFunction:
    """What ``torch.compile(fn)`` returns for a function (and uses for a module's call)."""

    def __init__(self, fn, root, *, fullgraph=False, dynamic=None, error=None, warmup=True):
        self._warmup = warmup and not fullgraph
        self._fn = fn
        self._root = root  # what the walk starts from besides the arguments
        self._fullgraph = fullgraph
        self._dynamic = dynamic
        self._error = error  # raised on the first call (PyTorch checks mode= lazily)
        self._calls = 0
        self._cache = OrderedDict()
        self._recent = None  # the entry last moved to the end of the cache
        self._fed = set()
        self._warned = set()
        self._failures = {}
        self.compiles = 0  # XLA compilations its traces caused
        _ALL.add(self)

    # ---------------------------------------------------------------------------- calling
    def __call__(self, *args, **kwargs):
        if self._error is not None:
            raise self._error
        if disabled_depth or _trace.active() is not None:
            # disabled, or called inside another compiled region: that trace takes this in
            return self._fn(*args, **kwargs)
        self._calls += 1
        if self._calls == 1 and self._warmup:
            # warm-up: optimizers and modules create their state lazily on the first call
            return self._fn(*args, **kwargs)
        leaves, treedef = jax.tree_util.tree_flatten((args, kwargs))
        roots = leaves + [self._root]
        walk = _walk.Walk(frozenset(self._fed))
        for i, leaf in enumerate(roots):
            walk.visit(leaf, (i,))
        key = self._key(treedef, walk)
        entry = self._cache.get(key)
        if entry is _EAGER:
            return self._fn(*args, **kwargs)
        if entry is not None:
            if entry is not self._recent:
                # (each lookup compares the whole key: a steady loop skips the second one)
                self._cache.move_to_end(key)
                self._recent = entry
            out = self._run(entry, roots, walk)
            if out is not _EAGER:
                return out
            return self._fn(*args, **kwargs)
        if len(self._cache) >= config.recompile_limit:
            self._warn_once(
                "limit",
                f"torch.compile: {self._name()} hit config.recompile_limit "
                f"({config.recompile_limit}); calls with new guards run eagerly",
            )
            return self._fn(*args, **kwargs)
        return self._compile_and_run(key, args, kwargs, roots, walk)

    def _key(self, treedef, walk):
        return (
            treedef,
            grad_mode._state.enabled,
            grad_mode._state.inference,
            tuple(_module._global_forward_pre_hooks),
            tuple(_module._global_forward_hooks),
            walk.frozen_key(),
        )

    def _name(self):
        return getattr(self._fn, "__qualname__", None) or type(self._fn).__name__

    def _warn_once(self, tag, message, where=None):
        if tag in self._warned or config.suppress_errors:
            return
        self._warned.add(tag)
        if where is not None and where[0] is not None:
            # attributed to the user's line that broke the graph
            warnings.warn_explicit(message, UserWarning, where[0], where[1])
        else:
            warnings.warn(message, UserWarning, stacklevel=5)

    def reset(self):
        self._cache.clear()
        self._recent = None
        self._fed.clear()
        self._failures.clear()
        self._calls = 0

    # ---------------------------------------------------------------------------- tracing
    def _compile_and_run(self, key, args, kwargs, roots, walk):
        before = _caches.compile_count()
        lifted = []
        seen = set()
        storage_path, counter_path = {}, {}
        for path, t in walk.tensors:
            s = t._storage
            if id(s) not in seen:
                seen.add(id(s))
                lifted.append(s)
            storage_path.setdefault(id(s), path)
            counter_path.setdefault(id(t._vc), path)
        known_draws = []
        vjp_plan = None
        snapshot = _walk.Walk(frozenset(self._fed), snapshot=True)
        for i, leaf in enumerate(roots):
            snapshot.visit(leaf, (i,))
        for _attempt in range(_MAX_ATTEMPTS):
            entry = _Entry()
            try:
                result = self._trace(
                    entry,
                    args,
                    kwargs,
                    roots,
                    walk,
                    lifted,
                    known_draws,
                    vjp_plan,
                    storage_path,
                    counter_path,
                )
            except _trace.Retrace as r:
                _walk.restore_snapshot(snapshot.snapshot)  # the attempt's Python effects
                lifted, known_draws = r.args
                continue
            except _NeedVjp as r:
                _walk.restore_snapshot(snapshot.snapshot)
                vjp_plan = r.args[0]
                continue
            except _StateChanged as exc:
                _walk.restore_snapshot(snapshot.snapshot)
                return self._state_changed(key, exc, args, kwargs)
            except Unsupported:
                _walk.restore_snapshot(snapshot.snapshot)
                raise
            except Exception as exc:  # noqa: BLE001 - decided below: graph break or user error
                _walk.restore_snapshot(snapshot.snapshot)
                return self._graph_break(key, exc, args, kwargs)
            if frozenset(self._fed) != walk.fed:
                # learning rates became inputs: the key this program answers leaves them out
                again = _walk.Walk(frozenset(self._fed))
                for i, leaf in enumerate(roots):
                    again.visit(leaf, (i,))
                key = self._key(key[0], again)
            self._cache[key] = entry
            self._recent = None
            self.compiles += _caches.compile_count() - before
            if result is _EAGER:  # compiling in the background
                return self._fn(*args, **kwargs)
            return result
        self._cache[key] = _EAGER
        self._recent = None
        return self._fn(*args, **kwargs)

    def _trace(
        self,
        entry,
        args,
        kwargs,
        roots,
        walk,
        lifted,
        known_draws,
        vjp_plan,
        storage_path,
        counter_path,
    ):
        # one input per distinct learning rate (the key says which groups' rates are equal,
        # so the optimizer's kernels can be told their rate by value)
        first_path = {}
        for p, v in walk.lrs:
            first_path.setdefault(v, p)
        lr_objs = list(first_path)
        lr_paths = list(first_path.values())
        rec = _trace.Recorder(lifted, known_draws, (), {})
        for s in lifted:
            rec.originals[id(s)] = (s, _trace.get_raw(s))
        info = {}
        fn = self._fn
        grad_enabled = grad_mode._state.enabled
        known = {id(t): path for path, t in walk.tensors}
        history = {id(t): t._grad_fn for path, t in walk.tensors}

        def plan_vjp():
            # differentiate with respect to every input that belongs to a tensor requiring
            # grad (by the walk before the call: a parameter, an argument)
            owners = {}
            for path, t in walk.tensors:
                owners.setdefault(id(t._storage), []).append((path, t))
            diff_in, diff_paths = [], []
            for i, s in enumerate(lifted):
                found = owners.get(id(s))
                if found is None:
                    if any(isinstance(r, Tensor) and r._requires_grad for r in gc.get_referrers(s)):
                        raise _trace.GraphBreak(
                            "a tensor requiring grad that torch.compile cannot locate"
                        )
                    continue
                needing = [(p, t) for p, t in found if t._requires_grad]
                if not needing:
                    continue
                if len(needing) > 1 or needing[0][1]._geom is not None:
                    raise _trace.GraphBreak(
                        "a view requiring grad among the inputs of a compiled forward"
                    )
                diff_in.append(i)
                diff_paths.append(needing[0][0])
            return {"diff_in": diff_in, "diff_paths": diff_paths}

        def run(vals, draws, lrs):
            # the traced Python: the call itself, then what it left behind
            for s, v in zip(lifted, vals):
                _trace.set_raw(s, v)
            rec.draw_inputs = list(draws)
            rec.fed_lr = dict(zip(lr_objs, lrs))
            result = fn(*args, **kwargs)
            if rec.missing or rec.new_draws:
                extra = list(rec.missing.values())
                raise _trace.Retrace(lifted + extra, list(rec.draws))
            after = _walk.Walk(walk.fed)
            for i, leaf in enumerate(roots):
                after.visit(leaf, (i,))
            if after.frozen_key() != walk.frozen_key():
                raise _StateChanged("it changes Python state that a replay would not change")
            for _path, t in walk.tensors:
                if t._grad_fn is not history[id(t)]:
                    raise _StateChanged("it rewrites the history of an existing tensor")
            escaped, escaped_paths = [], []
            for path, t in after.tensors:
                if id(t) in known:
                    continue
                if t._storage not in rec.born:
                    raise _StateChanged("it puts an existing tensor somewhere new")
                if t._grad_fn is not None or t._geom is not None or not _walk.assignable(path):
                    raise _StateChanged("it stores a tensor with history in its state")
                escaped.append(t)
                escaped_paths.append(path)
            ret_leaves, ret_tree = jax.tree_util.tree_flatten(result)
            specs, ret_vals = [], []
            for leaf in ret_leaves:
                specs.append(self._ret_spec(leaf, known, rec, ret_vals, grad_enabled))
            if vjp_plan is None and any(sp[0] == "new" and sp[3] == ("vjp",) for sp in specs):
                raise _NeedVjp(plan_vjp())
            info["diff_out"] = tuple(sp[1] for sp in specs if sp[0] == "new" and sp[3] == ("vjp",))
            info["ret"] = (ret_tree, specs)
            info["escaped"] = (escaped_paths, [(t._dtype, t._requires_grad) for t in escaped])
            info["written"] = list(rec.written.values())
            written_vals = [_trace.get_raw(s) for s in info["written"]]
            return ret_vals, written_vals, [t._value for t in escaped]

        if vjp_plan is None:

            def body(vals, draws, lrs):
                if _trace.ACTIVE is not rec:
                    raise _Unexpected()
                return run(vals, draws, lrs), None

        else:
            diff_in = vjp_plan["diff_in"]

            def body(vals, draws, lrs):
                if _trace.ACTIVE is not rec:
                    raise _Unexpected()

                def f(dvals):
                    full = list(vals)
                    for k, i in enumerate(diff_in):
                        full[i] = dvals[k]
                    out = run(full, draws, lrs)
                    return [out[0][j] for j in info["diff_out"]], out

                _, vjp_fn, aux = jax.vjp(f, [vals[i] for i in diff_in], has_aux=True)
                return aux, vjp_fn

        vals = [_trace.get_raw(s) for s in lifted]
        lr_vals = [np.asarray(v, np.float64) for v in lr_objs]
        # this call's draws, made now: the generators advance once, as in eager
        generators = {id(spec[0]): spec[0] for spec in known_draws}.values()
        before_draws = [(g, g._get_state_np().copy()) for g in generators]
        draw_now = _trace.draw_values(known_draws)
        try:
            with _trace.recording(rec):
                closed, shapes = jax.make_jaxpr(body, return_shape=True)(vals, draw_now, lr_vals)
        except BaseException:
            rec.restore()
            for g, state in before_draws:  # an attempt that failed drew nothing
                g._set_state_np(state)
            raise
        deltas = rec.version_deltas()
        rec.restore()
        # compiled and run outside the trace (hooks the program calls see plain tensors); the
        # arrays the trace closed over are arguments, not constants baked into the program
        # (on the device once: a NumPy constant would be transferred, and slow the call, each time)
        consts = [jax.device_put(c) for c in closed.consts]
        program = _program(closed, shapes)
        entry.jitted = functools.partial(program, consts)
        entry.pending = None
        entry.callbacks = rec.callbacks
        background = config.compile_in_background and not rec.callbacks and vjp_plan is None
        if background:
            # XLA compiles in another thread; this call (and the next ones, until the program
            # is ready) runs eagerly, with eager's draws: the generators are put back
            lowered = program.lower(consts, vals, draw_now, lr_vals)
            entry.pending = (_compile_later(lowered), entry.jitted, consts)
            entry.jitted = None
            for g, state in before_draws:
                g._set_state_np(state)
        elif rec.callbacks:
            out, vjp_fn = _trace.run_with_callbacks(
                rec.callbacks, entry.jitted, vals, draw_now, lr_vals
            )
        else:
            out, vjp_fn = entry.jitted(vals, draw_now, lr_vals)
        entry.in_refs = [_ref(s, storage_path) for s in lifted]
        entry.alias = _alias_pattern(lifted)
        entry.draws = list(known_draws)
        entry.lr_paths = lr_paths
        entry.written = [_ref(s, storage_path) for s in info["written"]]
        entry.deltas = [(_ref(c, counter_path, counter=True), d) for c, d in deltas]
        entry.escaped = info["escaped"]
        entry.ret_tree, entry.ret_specs = info["ret"]
        entry.vjp = vjp_plan is not None
        entry.diff_in = tuple(vjp_plan["diff_in"]) if vjp_plan else ()
        entry.diff_paths = tuple(vjp_plan["diff_paths"]) if vjp_plan else ()
        entry.diff_out = info["diff_out"]
        entry.in_avals = tuple((v.shape, v.dtype) for v in vals)
        entry.obj_inputs = tuple(i for i, r in enumerate(entry.in_refs) if r[0] == "obj")
        # resolved once per call by dictionary lookups: the paths of the inputs, which input
        # each written storage is (most are: parameters, optimizer state), the counters' paths
        entry.in_paths = tuple(r[1] if r[0] == "path" else None for r in entry.in_refs)
        position = {id(s): k for k, s in enumerate(lifted)}
        entry.written_at = tuple(position.get(id(s)) for s in info["written"])
        entry.delta_paths = tuple(r[1] if r[0] == "path" else None for r, _ in entry.deltas)
        for p, v in walk.lrs:
            if v in rec.fed_used:
                self._fed.add(p)
        if background:
            return _EAGER
        return self._writeback(entry, roots, out, vjp_fn, self._diff_tensors(entry, roots))

    def _ret_spec(self, leaf, known, rec, ret_vals, grad_enabled):
        if type(leaf) is _trace.DeferredScalar:  # ``return loss.item()``
            value, dtype = object.__getattribute__(leaf, "value")
            ret_vals.append(value)
            return ("item", len(ret_vals) - 1, dtype)
        if not isinstance(leaf, Tensor):
            if isinstance(leaf, jax.Array):
                raise _trace.GraphBreak("a JAX array returned from a compiled region")
            return ("const", leaf)
        if id(leaf) in known:
            return ("existing", known[id(leaf)])
        if leaf._storage not in rec.born:
            raise _trace.GraphBreak("a view of an existing tensor returned from a compiled region")
        k = len(ret_vals)
        ret_vals.append(leaf._value)
        node = leaf._grad_fn
        if node is None or not leaf._requires_grad:
            return ("new", k, leaf._dtype, None)
        if _graph_state(node) == "consumed":
            return ("new", k, leaf._dtype, ("node", node, leaf._output_nr))
        return ("new", k, leaf._dtype, ("vjp",))

    # ----------------------------------------------------------------------------- replay
    def _run(self, entry, roots, walk):
        if entry.jitted is None:
            if not entry.pending[0].done():
                return _EAGER
            entry.jitted = self._ready(entry)
        # equal keys: every path the program reads is there, with the shapes it was traced for
        by_path = walk.by_path
        get = by_path.get
        storages = [
            t._storage
            if path is not None and (t := get(path)) is not None
            else _resolve_ref(ref, roots, by_path)
            for path, ref in zip(entry.in_paths, entry.in_refs)
        ]
        if _alias_pattern(storages) != entry.alias:
            return _EAGER
        vals = [_trace.get_raw(s) for s in storages]
        for i in entry.obj_inputs:  # tensors found by identity: not covered by the key
            if (vals[i].shape, vals[i].dtype) != entry.in_avals[i]:
                return _EAGER
        draws = _trace.draw_values(entry.draws)
        lrs = [_lr_array(_walk.resolve(roots, p)) for p in entry.lr_paths]
        diff = self._diff_tensors(entry, roots)
        if entry.callbacks:
            out, vjp_fn = _trace.run_with_callbacks(entry.callbacks, entry.jitted, vals, draws, lrs)
        else:
            out, vjp_fn = entry.jitted(vals, draws, lrs)
        return self._writeback(entry, roots, out, vjp_fn, diff, by_path, storages)

    def _ready(self, entry):
        """The program compiled in the background, as the function ``_run`` calls."""
        future, fallback, consts = entry.pending
        entry.pending = None
        self.compiles += 1
        try:
            compiled = future.result()
        except Exception:  # noqa: BLE001 - compiled again, in this thread, where it can raise
            return fallback

        def call(vals, draws, lrs):
            try:
                return compiled(consts, vals, draws, lrs)
            except TypeError:
                # arguments typed unlike the first call's (a weakly typed scalar): the jitted
                # program traces them again
                entry.jitted = fallback
                return fallback(vals, draws, lrs)

        return call

    def _diff_tensors(self, entry, roots):
        if not entry.vjp:
            return ()
        return [_walk.resolve(roots, p) for p in entry.diff_paths]

    def _writeback(self, entry, roots, out, vjp_fn, diff_tensors, by_path=None, storages=None):
        ret_vals, written_vals, escaped_vals = out
        if storages is None:
            for ref, v in zip(entry.written, written_vals):
                _trace.set_raw(_resolve_ref(ref, roots, by_path), v)
            for ref, delta in entry.deltas:
                c = _resolve_ref(ref, roots, by_path)
                c.version += delta
        else:
            set_data = _trace.set_raw
            for at, ref, v in zip(entry.written_at, entry.written, written_vals):
                set_data(storages[at] if at is not None else _resolve_ref(ref, roots, by_path), v)
            get = by_path.get
            for path, (ref, delta) in zip(entry.delta_paths, entry.deltas):
                if path is not None and (t := get(path)) is not None:
                    t._vc.version += delta
                else:
                    _resolve_ref(ref, roots, by_path).version += delta
        paths, templates = entry.escaped
        for path, v, (dtype, rg) in zip(paths, escaped_vals, templates):
            _walk.assign(roots, path, Tensor._make(v, dtype, rg))
        node = None
        if entry.vjp:
            leaves, treedef = jax.tree_util.tree_flatten(vjp_fn)
            outs = [ret_vals[j] for j in entry.diff_out]
            node = CompiledFunctionBackward(
                treedef=treedef,
                leaves=leaves,
                next_functions=tuple(t._edge() for t in diff_tensors),
                out_avals=tuple((o.shape, o.dtype) for o in outs),
                in_avals=tuple((tuple(t.shape), t._value.dtype) for t in diff_tensors),
                diff_pos=entry.diff_out,
            )
        results = []
        made = {}
        for spec in entry.ret_specs:
            kind = spec[0]
            if kind == "const":
                results.append(spec[1])
            elif kind == "existing":
                results.append(_walk.resolve(roots, spec[1]))
            elif kind == "item":
                results.append(Tensor._make(ret_vals[spec[1]], spec[2]).item())
            else:
                _, k, dtype, grad = spec
                t = made.get(k)
                if t is None:
                    if grad is None:
                        t = Tensor._make(ret_vals[k], dtype)
                    elif grad[0] == "node":
                        t = Tensor._make(ret_vals[k], dtype, True, grad[1], grad[2])
                    else:
                        t = Tensor._make(ret_vals[k], dtype, True, node, entry.diff_out.index(k))
                    made[k] = t
                results.append(t)
        return jax.tree_util.tree_unflatten(entry.ret_tree, results)

    # ------------------------------------------------------------------------- fallbacks
    def _graph_break(self, key, exc, args, kwargs):
        reason, where = _break_reason(exc)
        if reason is None:
            # not something tracing caused: eager gives the user's own error (or succeeds,
            # and then tracing was the problem after all)
            result = self._fn(*args, **kwargs)
            self._cache[key] = _EAGER
            self._recent = None
            self._warn_once(
                ("break", repr(exc)[:80]),
                f"torch.compile: {self._name()} could not be traced ({type(exc).__name__}: "
                f"{exc}); it runs eagerly",
                _user_line(exc),
            )
            return result
        at = f"{where[0]}:{where[1]}" if where[0] is not None else "its call"
        if self._fullgraph or config.error_on_graph_break:
            raise Unsupported(f"{reason}\n  (graph break at {at})") from None
        self._cache[key] = _EAGER
        self._recent = None
        self._warn_once(
            ("break", at),
            f"torch.compile: graph break in {self._name()} at {at}: {reason}. "
            "This call (and later ones with the same guards) runs eagerly.",
            where,
        )
        return self._fn(*args, **kwargs)

    def _state_changed(self, key, exc, args, kwargs):
        n = self._failures.get(key, 0) + 1
        self._failures[key] = n
        if n >= 3:
            self._cache[key] = _EAGER
            self._recent = None
            self._warn_once(
                ("state", key),
                f"torch.compile: {self._name()} runs eagerly: {exc.args[0]}",
            )
        return self._fn(*args, **kwargs)


# ------------------------------------------------------------------------------ helpers
# A learning rate fed to a compiled step, as the device array the program takes: one transfer
# per distinct value (a scheduler's few values, a constant rate: none after the first step)
# instead of one per call (~90 us on the GPT step, CPU)
_LRS = _caches.LRUCache("compile.learning_rates", 256)


def _lr_array(value):
    key = _caches.number_key(value)
    a = None if key is None else _LRS.get(key)
    if a is None:
        a = jax.device_put(np.asarray(value, np.float64))
        if key is not None:
            _LRS.put(key, a)
    return a


def _program(closed, shapes):
    """The traced program as a jitted function of (closed-over arrays, inputs)."""
    jaxpr = closed.jaxpr
    out_tree = jax.tree_util.tree_structure(shapes)

    def program(consts, vals, draws, lrs):
        flat = jax.tree_util.tree_leaves((vals, draws, lrs))
        outs = jax_core.jaxpr_as_fun(jax_core.ClosedJaxpr(jaxpr, consts))(*flat)
        return jax.tree_util.tree_unflatten(out_tree, outs)

    return jax.jit(program)


_EXECUTOR = None


def _compile_later(lowered):
    global _EXECUTOR
    if _EXECUTOR is None:
        _EXECUTOR = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="torchlike-compile")
    return _EXECUTOR.submit(_compile_lowered, lowered)


def _compile_lowered(lowered):
    # (a function of torchlike's: the compilation counts in torchlike.compile_count())
    return lowered.compile()


def _ref(obj, paths, counter=False):
    path = paths.get(id(obj))
    if path is not None:
        return ("path", path, counter)
    return ("obj", obj, counter)


def _resolve_ref(ref, roots, by_path=None):
    kind, where, counter = ref
    if kind == "obj":
        return where
    t = by_path.get(where) if by_path is not None else None
    if t is None:
        t = _walk.resolve(roots, where)
    return t._vc if counter else t._storage


def _alias_pattern(storages):
    first = {}
    return tuple(first.setdefault(id(s), k) for k, s in enumerate(storages))


def _graph_state(node):
    """ "consumed" when a backward inside the traced call released this graph, else "live"."""
    seen = set()
    todo = [node]
    while todo:
        n = todo.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        if getattr(n, "_freed", False):
            return "consumed"
        for nxt, _ in getattr(n, "next_functions", ()):
            todo.append(nxt)
    return "live"


def _chain(exc):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _break_reason(exc):
    """(reason, "file:line") when ``exc`` comes from tracing, else (None, None)."""
    for e in _chain(exc):
        if isinstance(e, _trace.GraphBreak):
            return str(e), _user_line(e)
        if _JAX_TRACE_ERRORS and isinstance(e, _JAX_TRACE_ERRORS):
            return _describe(e), _user_line(e)
    return None, None


def _describe(e):
    name = type(e).__name__
    if "Bool" in name:
        return "Python control flow on a tensor's value (bool(tensor))"
    if "Integer" in name:
        return "a tensor's value used as a Python int"
    return (
        "a tensor's value read in Python (.item(), .tolist(), print(tensor), a data-dependent "
        "shape …)"
    )


def _user_line(exc):
    """(file, line) of the innermost frame of user code in ``exc``'s traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    for fr in reversed(frames):
        f = os.path.abspath(fr.filename)
        if f.startswith(_PACKAGE_DIR) or "site-packages" in f or "/jax/" in f:
            continue
        return fr.filename, fr.lineno
    return None, None


_ = jnp
