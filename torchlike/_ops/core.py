"""How one table op runs: promote dtypes, call its jitted JAX impl, record a grad node.

``apply`` is the single code path every differentiable op goes through, so the rules for
dtype promotion, requires_grad propagation and graph recording live in exactly one place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from .. import _autocast, _caches, _deferred, _device, _meta, _storage
from .. import _dtype as D
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.graph import (
    SAVED_HOOKS,
    SavedTensor,
    SavedVariable,
    new_node,
    node_class,
    pack_operands,
)

_SCALARS = (bool, int, float, complex)
_Deferred = _deferred.Deferred
_DeferredStorage = _deferred.DeferredStorage
_LOW = (jnp.dtype(jnp.bfloat16), jnp.dtype(jnp.float16))


def _in_float32(impl, vals, kwargs):
    """``impl`` on low-precision operands, computed in float32 with one rounding of each result
    to the dtype the op gives (PyTorch's kernels compute half/bfloat16 math in float, and its
    backward formulas too: the vjp of this is float32 inside, rounded once per input).  Runs
    while tracing only."""
    out = jax.eval_shape(lambda *v: impl(*v, **kwargs), *vals)
    up = [
        lax.convert_element_type(v, jnp.float32) if getattr(v, "dtype", None) in _LOW else v
        for v in vals
    ]
    res = impl(*up, **kwargs)
    return jax.tree_util.tree_map(lambda r, o: lax.convert_element_type(r, o.dtype), res, out)


PROFILER = None  # the recording autograd.profiler.profile, if any
DUAL = None  # forward_ad's apply while a dual level is open (tangents ride along every op)


@dataclass(frozen=True)
class Variants:
    """Which public forms an entry generates (native_functions.yaml's ``variants:`` plus its
    ``X_`` and ``X.out`` entries).  ``_ops/variants.py`` builds them; see the table's header.

    form      "unary" / "binary": the signature is generated from the entry itself
              (``torch.exp(input)``, ``torch.eq(input, other)``); None: a hand-written
              signature in ``_ops/frontend.py`` declares these same flags with ``export``
    function  ``torch.X``            method   ``Tensor.X``
    inplace   ``Tensor.X_``          out      ``torch.X(..., out=t)``
    aliases   other public names for every form (``arcsin`` for ``asin``)
    scalar_sides  ("binary") the entries for a Python number as ``input`` / as ``other``
              (PyTorch's ``XlogyBackward1``/``2`` overloads); None: the number becomes a tensor
    """

    form: str | None = None
    function: bool = True
    method: bool = True
    inplace: bool = False
    out: bool = False
    aliases: tuple = ()
    scalar_sides: tuple | None = None


class Op:
    """One entry of the op table.

    name      PyTorch's function name (``"add"``)
    impl      pure JAX function of the operand values (already promoted) and static kwargs
    node      grad node name (``"AddBackward0"``) or None for ops with no gradient
    promote   "arith" (torch.result_type), "float" (ints become the default float dtype),
              or None (operands are passed through unchanged)
    promote_idx  which operands take part in promotion (default: all)
    linear    the backward rule needs no floating operand values (add, view, cat, …), so they
              are not kept alive by the graph and a second backward is allowed, as in PyTorch
    saved     ``{"self": 0, "exponent": "exponent", "result": "result"}``: PyTorch's
              ``_saved_<name>`` attributes -> operand index, static kwarg name or "result"
    variants  the public forms this entry generates (``Variants``); None for an internal
              kernel that hand-written signatures call
    no_forward_rule  PyTorch's kernel name where PyTorch has no forward-mode rule for it
              (forward AD and torch.func's forward transforms raise its NotImplementedError)
    parts     "cat" or "stack": the backward gives operand k its part of the cotangent along
              static ``dim`` (a slice, an index), which the engine can take itself for a node
              of many operands (``engine.WIDE_FROM``)
    """

    def __init__(
        self,
        name,
        impl,
        node=None,
        promote=None,
        promote_idx=None,
        linear=False,
        saved=None,
        edges=None,
        saved_defaults=None,
        view=False,
        variants=None,
        opmath=True,
        no_forward_rule=None,
        parts=None,
    ):
        self.name = name
        self.parts = parts
        # its result may wait for its first use (``_deferred``): set by the table for pure
        # elementwise ops and reductions with one result
        self.defer = False
        self.no_forward_rule = no_forward_rule
        # float16/bfloat16 operands are computed in float32 and the results rounded once, as
        # PyTorch's kernels do ("opmath"); off for entries that reinterpret bits
        self.opmath = opmath and not view
        self.variants = variants
        self.edges = edges  # how many leading operands appear in next_functions (None: all)
        self.view = view  # results share operand 0's storage (see _storage.py)
        self.impl = impl
        self.promote = promote
        self.promote_idx = promote_idx
        self.linear = linear
        self.saved = saved or {}
        self.keeps_result = "result" in self.saved.values()
        self.keeps_operands = any(
            isinstance(v, int) or (isinstance(v, tuple) and v[0] == "if")
            for v in self.saved.values()
        )
        # (operand index, condition operand or None) for every operand PyTorch saves
        self.saved_operands = tuple(
            (v, None) if isinstance(v, int) else (v[1], v[2])
            for v in self.saved.values()
            if isinstance(v, int) or (isinstance(v, tuple) and v[0] == "if")
        )
        self.node_cls = (
            None
            if node is None
            else node_class(
                node, _saved_getters(self.saved, saved_defaults or {}), _raw_getters(self.saved)
            )
        )

        # per operand position: the conditions under which PyTorch saves the operand itself
        # (None: always), () where it does not; what ``_record`` reads for each operand
        keep: dict = {}
        for k, cond in self.saved_operands:
            keep.setdefault(k, []).append(cond)
        self._keep = tuple(tuple(keep.get(k, ())) for k in range(max(keep, default=-1) + 1))

    def __repr__(self):
        return f"<op {self.name}>"

    def function(self, compute_dtype, static):
        """The pure function of operand values for this (dtype, static args) combination."""
        impl = self.impl
        kwargs = dict(static)
        promote_idx = self.promote_idx
        np_dtype = None if compute_dtype is None else compute_dtype._np

        opmath = self.opmath

        def run(*vals):
            if np_dtype is not None:
                vals = list(vals)
                for i in range(len(vals)) if promote_idx is None else promote_idx:
                    v = vals[i]
                    if v is not None and (isinstance(v, _SCALARS) or v.dtype != np_dtype):
                        vals[i] = lax.convert_element_type(v, np_dtype)
            if opmath and any(getattr(v, "dtype", None) in _LOW for v in vals):
                return _in_float32(impl, vals, kwargs)
            return impl(*vals, **kwargs)

        return run

    def jitted(self, compute_dtype, static):
        """The compiled function for (dtype, static args), from the bounded ``ops`` cache."""
        key = (self, compute_dtype, static)
        fn = _EXECUTABLES.peek(key)
        if fn is None:
            fn = _EXECUTABLES.put(key, _caches.eager_jit(self.function(compute_dtype, static)))
        return fn


# Every entry's executables, keyed by (entry, dtype, static args); XLA keeps one program per
# operand shapes inside each.  Bounded, so a loop over ever-new static arguments cannot grow it.
_EXECUTABLES = _caches.LRUCache("ops", max_entries=2048)


def _wrapped_number(v):
    """A Python scalar saved by PyTorch becomes a 0-d int64/float64/bool tensor."""
    dtype = {bool: D.bool_, int: D.int64, float: D.float64, complex: D.complex128}[type(v)]
    return Tensor._make(jnp.asarray(v, dtype._np), dtype)


def _raw_getters(saved):
    """``_raw_saved_<name>``: the saved variable itself for the tensors PyTorch saves (its
    ``register_hooks`` packs that one tensor)."""

    def make(spec):
        if spec == "result":
            return lambda node: SavedTensor(node._result[0] if node._result else None, node, 0)
        k = spec if isinstance(spec, int) else spec[1]
        return lambda node: SavedTensor(node._saved[k] if k < len(node._saved) else None, node)

    return {
        name: make(spec)
        for name, spec in saved.items()
        if spec == "result"
        or isinstance(spec, int)
        or (isinstance(spec, tuple) and spec[0] == "if")
    }


def _saved_getters(saved, defaults):
    """``_saved_<name>`` properties from the table's ``saved`` specs (see ``Op``)."""

    def make(name, spec):
        if spec == "result":

            def get(node):
                return node._saved_output(0)
        elif isinstance(spec, int) or (isinstance(spec, tuple) and spec[0] == "if"):
            k = spec if isinstance(spec, int) else spec[1]

            def get(node):
                v = node._saved_operand(k)
                return _wrapped_number(v) if isinstance(v, _SCALARS) else v
        elif isinstance(spec, tuple) and spec[0] == "scalar":
            k = spec[1]

            def get(node):
                # a Python scalar operand is returned as the number itself and outlives backward
                return node._saved_value(k)
        elif isinstance(spec, tuple) and spec[0] in ("sizes", "numel"):
            kind, k = spec

            def get(node):
                shape = tuple(node._saved_shape(k))
                return shape if kind == "sizes" else math.prod(shape)
        else:

            def get(node):
                static = dict(node._static[1])
                return static.get(spec, defaults.get(name))

        return get

    return {name: make(name, spec) for name, spec in saved.items()}


def _compute_dtype(op, operands):
    if len(operands) == 2 and op.promote_idx is None:
        # fast paths: two tensors of one dtype, or a tensor and a Python float/int of its own
        # category (most arithmetic in a training step); the general rule gives the same
        a, b = operands
        if isinstance(a, Tensor):
            cd = a._dtype
            tb = type(b)
            if (
                (tb is float and (cd.is_floating_point or cd.is_complex))
                or (tb is int and cd is not D.bool_)
                or (isinstance(b, Tensor) and b._dtype is cd)
            ):
                if op.promote == "float" and not (cd.is_floating_point or cd.is_complex):
                    return D.get_default_dtype()
                return cd
    elif op.promote_idx is None and operands and isinstance(operands[0], Tensor):
        # fast path: tensors of one dtype (stack, cat, where of a list)
        cd = operands[0]._dtype
        for b in operands:
            if not (isinstance(b, Tensor) and b._dtype is cd):
                break
        else:
            if op.promote == "float" and not (cd.is_floating_point or cd.is_complex):
                return D.get_default_dtype()
            return cd
    dims, zeros, scalars = [], [], []
    idx = range(len(operands)) if op.promote_idx is None else op.promote_idx
    for i in idx:
        a = operands[i]
        if isinstance(a, Tensor):
            (dims if a._meta.ndim else zeros).append(a._dtype)
        elif a is not None:
            scalars.append(D.scalar_dtype(a))
    cd = D.result_type_of(dims, zeros, scalars)
    if op.promote == "float" and not (cd.is_floating_point or cd.is_complex):
        cd = D.get_default_dtype()
    return cd


class _Arith:
    promote = "arith"
    promote_idx = None


def result_type(tensor1, tensor2):
    """``torch.result_type``: the dtype arithmetic on the two computes in."""
    return _compute_dtype(_Arith, (tensor1, tensor2))


def apply(op, operands, static=(), dtype=None):
    """Run ``op`` on ``operands`` (Tensors, Python scalars or None); record a node if needed.

    ``static`` is a tuple of (name, value) pairs: hashable arguments that shape the computation
    (dims, flags).  Operands are traced inputs, so new values never trigger a recompilation.
    """
    if PROFILER is not None and not PROFILER.inside_op:  # torch.autograd.profiler is recording
        return PROFILER.run(apply, op, operands, static, dtype)
    if DUAL is not None:  # a forward-AD level is open: the op and its tangent
        return DUAL(op, operands, static, dtype)
    if _autocast.ACTIVE[0]:  # an autocast region: PyTorch's casts for this op first
        operands = _autocast.cast_operands(op.name, operands, static)
    cd = dtype
    if cd is None and op.promote is not None:
        cd = _compute_dtype(op, operands)
    # results whose value can wait for its first use (``_storage``'s lazy values)
    if op.view:
        if op.name in _storage.LAZY_VIEWS:
            lazy = _lazy_view(op, static, operands, cd)
            if lazy is not None:
                return lazy
    elif op.name in _HOST_ARITH:
        lazy = _lazy_host_arith(op, operands, static, cd)
        if lazy is not None:
            return lazy
    vals = []
    args = None  # the call's arguments, where a Python number is passed as a kept array
    unread = None  # positions of views whose value is not read yet (``_fused_reads``)
    needs_grad = False
    held = False  # some operand's value is deferred (``_deferred``)
    record = op.node_cls is not None and grad_mode._state.enabled
    n_edges = len(operands) if op.edges is None else op.edges
    for k, a in enumerate(operands):
        if isinstance(a, Tensor):
            if record and k < n_edges:
                if a._base_t is not None:
                    a._sync_view()
                if a._requires_grad:
                    needs_grad = True
            if a._geom is None:  # ``a._value`` without the property call
                s = a._storage
                if type(s) is _DeferredStorage and op.defer:
                    vals.append(s.pending)  # (computed with this op, or just below)
                    held = True
                else:
                    vals.append(s.data)
            elif a._cache_gen == a._storage.gen:
                vals.append(a._cache)
            else:
                if unread is None:
                    unread = []
                unread.append(k)
                vals.append(None)  # (read below, or inside the op's program)
        else:
            vals.append(a)
            if type(a) in _CONSTANT_TYPES and not _device.MIXED[0]:
                c = _constant(a)
                if c is not None:
                    if args is None:
                        args = vals[:k]
                    args.append(c)
                    continue
        if args is not None:
            args.append(vals[k])
    deferring = (
        op.defer
        and _deferred.ENABLED[0]
        and unread is None
        and not _device.MIXED[0]
        and not _device.META_SEEN[0]
        and not _storage.tracing()
    )
    if held and not deferring:
        vals, args = _deferred_values(vals, args)
    fused = fn = None
    if unread is not None:
        fused = _fused_reads(op, operands, vals, args, unread, needs_grad)
        if fused is not None:  # (the node and errors still see the operands' shapes in ``vals``)
            fn = _fused_program(op, cd, static, fused[0])
            args = fused[1]
            if not fused[2]:
                fused = None  # (nothing comes back but the op's result)
    if fn is None:
        fn = _EXECUTABLES.peek((op, cd, static))
        if fn is None:
            fn = op.jitted(cd, static)
    if _device.MIXED[0]:  # some tensor lives off the default device: PyTorch's check
        # (with views read inside the program, ``args`` holds their bases: ``_fused_reads``
        # checked those are on the others' device)
        ready, meta = _device.prepare(vals if args is None else args)
        if meta:  # no data: the results' shapes only
            fn = _meta.shapes_only(fn)
        if args is None:
            vals = ready
        else:
            args = ready
    elif _device.META_SEEN[0] and _meta.any_meta(vals):
        if _device.check_same(vals) is _device.META:
            fn = _meta.shapes_only(fn)
    out = None
    if deferring:
        out = _deferred.defer(op, cd, static, fn, vals if args is None else args)
        if out is None and held:
            vals, args = _deferred_values(vals, args)
    if out is None:
        try:
            out = fn(*(vals if args is None else args))
        except (TypeError, ValueError) as exc:
            try:
                out = _caches.nested_call(fn, vals if args is None else args, exc)
            except (TypeError, ValueError) as exc2:
                raise _pytorch_error(op, vals, exc2) from None
    if fused is not None:
        out, values = out
        _keep_reads(operands, vals, fused[2], values)

    if op.view:
        return _view_outputs(op, static, operands[0], out, needs_grad, cd, vals, operands)
    if type(out) is not tuple:
        if not needs_grad:
            result = Tensor._make(out)
            if op.name in _HOST_ARITH and not out.ndim:
                _host_arith(op, operands, static, cd, result)
        else:
            dt = D._BY_NP[out.dtype]
            if not (dt.is_floating_point or dt.is_complex):
                result = Tensor._make(out, dt)  # integer/bool results never require grad
            else:
                node = _record(op, cd, static, operands, vals, (out,))
                result = Tensor._make(out, dt, True, node, 0)
                if op.keeps_result:
                    node._saved_outputs((result,))
        if type(out) is _Deferred:
            result._storage.__class__ = _DeferredStorage
        return result
    if not needs_grad:
        return tuple([Tensor._make(o) for o in out])
    return _outputs(_record(op, cd, static, operands, vals, out), out)


def _deferred_values(vals, args):
    """``vals`` and ``args`` with every deferred operand computed (``_deferred.value``)."""
    value = _deferred.value
    return [value(v) for v in vals], None if args is None else [value(v) for v in args]


def _fused_reads(op, operands, vals, args, unread, needs_grad):
    """Views among the operands whose value is not read yet (a fresh ``x.view(...)``, a piece
    of ``split``, a transposed slice) are read inside the op's own program, from their base:
    one dispatch and one compile instead of a read program per view plus the op's.  Returns
    (read spec, the program's flat arguments, positions whose values come back), or None with
    every operand read here (on a mixed or meta device, inside a trace: the plain path).

    Where a recorded node keeps a floating operand's value (the replay needs it, unless the
    op's rule needs only its shape) the node saves the view unread, as its base's value and
    chain (``_storage.SavedRead``), and the backward reads it in its own program.  An integer
    view that is kept (indices) comes back from the program, and the view keeps it as its read
    value, as a read of its own would have."""
    if (
        _device.META_SEEN[0]
        or _storage.tracing()
        or (_device.MIXED[0] and not _one_device(operands, vals, args, unread))
    ):
        for k in unread:
            vals[k] = v = operands[k]._value
            if args is not None:
                args[k] = v
        return None
    src = vals if args is None else args
    flat = []
    reads = []
    kept = []
    j = 0
    for k in unread:
        a = operands[k]
        storage = a._storage
        data = storage.data
        if isinstance(data, _Tracer):  # (a view of a value of a trace: read there)
            vals[k] = src[k] = a._value
            continue
        floating = a._dtype.is_floating_point or a._dtype.is_complex
        keep = needs_grad and not (op.linear and floating)
        flat.extend(src[j:k])
        key, chain_args = a._geom.chain(storage)
        meta = a._meta  # shape and dtype, for the node and error messages
        if keep and floating and not op.view and math.prod(meta.shape) == data.size:
            # a view of its whole base (``w.t()``, a reshape): the node saves it as its base
            # and chain (``_storage.SavedRead``), the backward reads it inside its own program
            # and nothing comes back from this one.  A smaller view (a slice, a row) comes back
            # as before: its copy is small, and its rule stays independent of the base's size
            meta = _storage.SavedRead(data, key, chain_args, meta.shape, meta.dtype)
            keep = False
        reads.append((k, key, len(chain_args), keep))
        if keep:
            kept.append(k)
        flat.append(data)
        flat.extend(chain_args)
        vals[k] = meta
        j = k + 1
    if not reads:
        return None
    flat.extend(src[j:])
    return (len(src), tuple(reads)), flat, kept


def _one_device(operands, vals, args, unread):
    """Whether the operands, the unread views' bases among them, are arrays committed to one
    device, with no 0-d CPU operand to move there (``_device.on_one_device`` gives them back
    as they are): then their views can be read inside the op's program."""
    src = list(vals if args is None else args)
    for k in unread:
        src[k] = operands[k]._storage.data
    return _device.on_one_device(src) is src


def _fused_program(op, cd, static, spec):
    key = (op, cd, static, spec)
    fn = _EXECUTABLES.peek(key)
    if fn is None:
        fn = _EXECUTABLES.put(key, _caches.eager_jit(_with_reads(op.function(cd, static), *spec)))
    return fn


def _with_reads(run, n, reads):
    """``run`` of ``n`` operands, where operand k of ``reads`` (k, chain key, its argument
    count, whether its value is returned) arrives as its view's base value and chain
    arguments (``_storage``'s read).  With values to return: (``run``'s result, those values)."""
    chain = {k: (_storage.chain_read(key), m) for k, key, m, _ in reads}
    kept = tuple(k for k, _, _, keep in reads if keep)

    def fused(*flat):
        vals = []
        i = 0
        for k in range(n):
            r = chain.get(k)
            if r is None:
                vals.append(flat[i])
                i += 1
            else:
                read, m = r
                vals.append(read(flat[i], *flat[i + 1 : i + 1 + m]))
                i += 1 + m
        if kept:
            return run(*vals), tuple(vals[k] for k in kept)
        return run(*vals)

    return fused


def _keep_reads(operands, vals, kept, values):
    """The values a fused program read for views that a node keeps: the views' read values."""
    for k, v in zip(kept, values):
        a = operands[k]
        a._cache = v
        a._cache_gen = a._storage.gen
        vals[k] = v


_Tracer = jax.core.Tracer


# ``i + 8`` on a 0-d integer tensor whose value the host knows (an element of an iterated
# index tensor): the host knows the result too, so ``data[i:i + 8]`` reads neither from the
# device.  Integer arithmetic wraps in the compute dtype, as XLA's does.
_HOST_ARITH = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "rsub": lambda a, b: b - a,
}


def _host_numbers(op, operands, static, cd):
    """(operands' numbers, result's number) where the host knows every operand, else None."""
    if cd is None or cd._name not in _INT_BITS or static != (("alpha", 1),):
        return None
    values = []
    for a in operands:
        if isinstance(a, Tensor):
            h = a._host
            if h is None or not _storage.holds(a._storage, h[0]):
                return None
            values.append(h[1] if h[2] is None else h[1].item(h[2]))
        elif type(a) is int:
            values.append(a)
        else:
            return None
    r = _HOST_ARITH[op.name](*values)
    bits, signed = _INT_BITS[cd._name]
    r %= 1 << bits
    if signed and r >= 1 << (bits - 1):
        r -= 1 << bits
    return values, r


def _host_arith(op, operands, static, cd, result):
    known = _host_numbers(op, operands, static, cd)
    if known is not None:
        result._host = (result._storage.data, known[1], None)


def _lazy_host_arith(op, operands, static, cd):
    """``i + 1`` on host-known 0-d operands: the host has the result's number, and its array is
    computed only if something uses it (``_storage.LazyStorage``: the op's own executable on
    the operands' numbers, so the same bits as computing it now).  ``data[i + 1:i + 9]``
    dispatches nothing for its bounds."""
    bits = _INT_BITS.get(cd._name) if cd is not None else None
    if bits is None or static != _ALPHA_1 or _device.MIXED[0] or _storage.tracing():
        return None
    values = []
    for a in operands:
        if type(a) is int:
            if not -_INT64 <= a < _INT64:
                return None
            values.append(a)
            continue
        if not isinstance(a, Tensor):
            return None
        h = a._host
        if h is None or not _storage.holds(a._storage, h[0]):
            return None
        if h[2] is None:
            if a._meta.ndim:  # (rows of an iterated 1-d tensor are 0-d)
                return None
            values.append(h[1])
        else:
            values.append(h[1].item(h[2]))
    r = _HOST_ARITH[op.name](*values) % (1 << bits[0])
    if bits[1] and r >= 1 << (bits[0] - 1):
        r -= 1 << bits[0]
    pending = _storage.Pending((), cd._np, _run_on_numbers, (op, cd, static, values))
    result = Tensor._make(pending, cd)
    _storage.make_lazy(result._storage)
    result._host = (pending, r, None)
    return result


def _run_on_numbers(op, cd, static, values):
    return _caches.call_eager(op.jitted(cd, static), *values)


def _lazy_view(op, static, operands, cd):
    """A view op's result that reads its value from the storage on first use
    (``_storage.lazy_view``), with the node ``apply`` records; None: compute it now."""
    base = operands[0]
    args = operands[1:]
    meta = _storage.lazy_view(op, static, base._geom, base._storage, args)
    if meta is None:
        return None
    if op.node_cls is not None and grad_mode._state.enabled:
        if base._base_t is not None:
            base._sync_view()
        if base._requires_grad:
            vals = [base._meta, *args]
            return _view_outputs(op, static, base, meta, True, cd, vals, operands)
    if type(meta) is tuple:  # the pieces of a split
        return tuple([base._make_view(m, op, static, k, args=args) for k, m in enumerate(meta)])
    return base._make_view(meta, op, static, 0, args=args)


_ALPHA_1 = (("alpha", 1),)
_INT_BITS = {
    "int64": (64, True),
    "int32": (32, True),
    "int16": (16, True),
    "int8": (8, True),
    "uint8": (8, False),
}


# A Python number operand reaches the executable as what ``jax.jit`` makes of it: a weakly
# typed 0-d array (float64/int64).  JAX converts the number on every call; a number seen twice
# is kept as that very array (``jax.device_put``: same type, same executable, same bits), so a
# loop's constants (``x * 2.0``, ``+ 1``, an index) skip the conversion.  Bounded; a number
# seen once costs nothing extra (ever-new values: a schedule, random offsets).
_CONSTANT_TYPES = (float, int)
_MAX_CONSTANTS = 512
_CONSTANTS = _caches.LRUCache("ops.constants", max_entries=_MAX_CONSTANTS)
_SEEN_ONCE: set = set()
_INT64 = 1 << 63


def _constant(v):
    key = _caches.number_key(v)  # (NaN: None, never kept)
    if key is None:
        return None
    c = _CONSTANTS.peek(key)
    if c is not None:
        return c
    if type(v) is int and not -_INT64 <= v < _INT64:
        return None
    if key not in _SEEN_ONCE:
        if len(_SEEN_ONCE) >= _MAX_CONSTANTS:
            _SEEN_ONCE.clear()
        _SEEN_ONCE.add(key)
        return None
    c = jax.device_put(v)  # (jnp.asarray would compile a conversion program at first use)
    if isinstance(c, jax.core.Tracer):  # inside a trace (torch.compile): nothing to keep
        return None
    return _CONSTANTS.put(key, c)


# A Python number written into a tensor (``x[i] = 1``, ``scatter_(..., value)``) becomes a 0-d
# array of the tensor's dtype; ``jnp.asarray`` of a number is an eager conversion (~50-100 us),
# so the array made for (number, dtype) is kept and given again (JAX arrays never change).
_SCALAR_ARRAYS = _caches.LRUCache("ops.scalar_arrays", max_entries=_MAX_CONSTANTS)


def scalar_array(v, dtype):
    """``jnp.asarray(v, dtype)`` for a number ``v``, the same array for the same number."""
    if isinstance(v, np.generic):
        v = v.item()
    number = _caches.number_key(v)
    if number is None:
        return jnp.asarray(v, dtype)
    key = (number, dtype)
    c = _SCALAR_ARRAYS.peek(key)
    if c is not None:
        return c
    c = jnp.asarray(v, dtype)
    if isinstance(c, jax.core.Tracer):
        return c
    return _SCALAR_ARRAYS.put(key, c)


def _view_outputs(op, static, base, out, needs_grad, cd, vals, operands):
    """Results of a view op share ``base``'s storage (see _storage.py)."""
    single = type(out) is not tuple
    outs = (out,) if single else out
    node = _record(op, cd, static, operands, vals, outs) if needs_grad else None
    args = tuple(vals[1:])
    make = base._make_view
    if node is None:
        results = [make(o, op, static, k, args=args) for k, o in enumerate(outs)]
    else:
        results = []
        for k, o in enumerate(outs):
            v = make(o, op, static, k, args=args)
            v._set_history(node, k)
            results.append(v)
    return results[0] if single else tuple(results)


def _outputs(node, outs):
    results = []
    for k, o in enumerate(outs):
        dt = D._BY_NP[o.dtype]
        if dt.is_floating_point or dt.is_complex:
            results.append(Tensor._make(o, dt, True, node, k))
        else:
            results.append(Tensor._make(o, dt))
    node._saved_outputs(results)
    return tuple(results)


def record(op, vals, edges):
    """Run ``op`` on raw values and record a node with explicit edges (create_graph)."""
    out = _caches.call_eager(op.jitted(None, ()), *vals)
    outs = out if isinstance(out, tuple) else (out,)
    if not grad_mode._state.enabled or all(n is None for n, _ in edges):
        return tuple(Tensor._make(o) for o in outs)
    node = op.node_cls(
        op=op,
        static=(None, ()),
        saved=tuple(SavedVariable(v) for v in vals),
        out_avals=tuple((o.shape, o.dtype) for o in outs),
        next_functions=tuple(edges),
    )
    return _outputs(node, outs)


# PyTorch's refusal for a kernel without a forward-mode rule (derivatives.yaml has none)
NO_FORWARD_RULE = (
    "Trying to use forward AD with {} that does not support it because it has not been "
    "implemented yet.\nPlease file an issue to PyTorch at "
    "https://github.com/pytorch/pytorch/issues/new?template=feature-request.yml so that we can "
    "prioritize its implementation or submit a PR adding the implementation to derivatives.yaml"
)
_CUSTOM_VJP_JVP = "can't apply forward-mode autodiff (jvp) to a custom_vjp function"


class ForwardRuleMissing(NotImplementedError):
    """A forward-mode transform reached an op whose JAX function holds a ``jax.custom_vjp``
    (JAX has no forward rule for those).  ``torch.func``'s forward transforms catch it and
    take the transpose of the op's vjp instead: the same derivative."""


def is_missing_forward_rule(exc) -> bool:
    """``exc`` is JAX's (or ``ForwardRuleMissing``) refusal to run forward mode through a
    ``jax.custom_vjp``."""
    return isinstance(exc, ForwardRuleMissing) or (
        isinstance(exc, TypeError) and _CUSTOM_VJP_JVP in str(exc)
    )


def transposed_pullback(pull, out):
    """The jvp function of a function whose vjp at some point is ``pull`` (giving ``out``):
    the transpose of ``pull``, which is linear in the cotangent.  Forward mode for functions
    JAX can only run in reverse (a ``jax.custom_vjp`` inside)."""
    _, pull_t = jax.vjp(pull, jax.tree_util.tree_map(jnp.zeros_like, out))
    return lambda *tangents: pull_t(tuple(tangents))[0]


def no_forward_rule(op):
    """PyTorch's refusal to run forward mode through ``op`` (see ``Op.no_forward_rule``)."""
    return NotImplementedError(NO_FORWARD_RULE.format(op.no_forward_rule))


def _pytorch_error(op, vals, exc):
    """Translate a JAX shape error into the error PyTorch gives for the same call."""
    if is_missing_forward_rule(exc):
        if op.no_forward_rule is not None:
            return no_forward_rule(op)
        return ForwardRuleMissing(NO_FORWARD_RULE.format(op.name))
    shapes = [tuple(v.shape) for v in vals if hasattr(v, "shape")]
    # as TensorIterator words it: the operands' broadcast shape so far is tensor a, the next
    # operand tensor b
    a = shapes[0] if shapes else ()
    for b in shapes[1:]:
        n = max(len(a), len(b))
        pa, pb = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
        for i in range(n - 1, -1, -1):
            if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
                return RuntimeError(
                    f"The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) "
                    f"at non-singleton dimension {i}"
                )
        a = tuple(x if y == 1 else y for x, y in zip(pa, pb))
    return RuntimeError(f"{op.name}: {exc}")


def _record(op, cd, static, operands, vals, outs):
    """The grad node of one op call: its edges and what its backward keeps (``SavedVariable``
    per operand; operands PyTorch saves are kept themselves, so their versions are checked)."""
    # One pass over the operands builds both the saved values and the edges: this runs for
    # every recorded op, so the common cases (a Tensor that is not a view, a Python number)
    # take no method calls.  ``apply`` has already synced views' histories for the edge
    # operands; ``_edge`` is still asked for views, which keep their own rule.
    linear = op.linear
    keep = op._keep
    n_keep = len(keep)
    n_edges = len(operands) if op.edges is None else op.edges
    saved = []
    edges = []
    for k, a in enumerate(operands):
        v = vals[k]
        is_tensor = isinstance(a, Tensor)
        if k < n_edges:
            if not is_tensor:
                edges.append(_NO_EDGE)
            elif a._base_t is not None:
                edges.append(a._edge())
            elif a._grad_fn is not None:
                edges.append((a._grad_fn, a._output_nr))
            elif a._requires_grad:
                edges.append((a._grad_accumulator(), 0))
            else:
                edges.append(_NO_EDGE)
        if v is None:
            saved.append(None)
            continue
        if linear and is_tensor and (a._dtype.is_floating_point or a._dtype.is_complex):
            # the rule needs only the shapes of floating operands: their values are not kept
            sv = SavedVariable(None, (v.shape, v.dtype))
        else:
            sv = SavedVariable(v)
        if k < n_keep and keep[k]:
            for cond in keep[k]:
                if cond is None or (
                    isinstance(operands[cond], Tensor) and operands[cond]._requires_grad
                ):
                    # ``SavedVariable.keep_operand``, inlined
                    sv.tensor = a
                    if is_tensor and a._inference:
                        raise RuntimeError(_INFERENCE_SAVED)
                    if is_tensor:
                        sv.version = a._vc.version
                        sv._gen = a._storage.gen
                    break
        saved.append(sv)
    node = new_node(
        op.node_cls,
        op,
        (cd, static),
        tuple(saved),
        tuple([SavedVariable(o) for o in outs]) if op.keeps_result else None,
        ((outs[0].shape, outs[0].dtype),)
        if len(outs) == 1
        else tuple([(o.shape, o.dtype) for o in outs]),
        tuple(edges),
    )
    if SAVED_HOOKS and op.keeps_operands:
        pack_operands(node)
    return node


_NO_EDGE = (None, 0)
_INFERENCE_SAVED = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a "
    "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
    "`torch.inference_mode()`."
)
