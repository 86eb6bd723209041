"""Deferred results (opt-in, ``TORCHLIKE_DEFER=1``): small elementwise ops wait for their
first use and then run together.

An eager op on the CPU costs one executable dispatch (about 5-8 us in JAX) whatever it
computes.  With this on, an op the table marks ``defer`` (pure, elementwise or a plain
reduction, one result) on concrete arrays of at most ``MAX_ELEMENTS`` returns at once: its
Tensor's storage is a ``DeferredStorage`` holding a ``Deferred`` (the op, its compute dtype and
static arguments, its operands: arrays, Python numbers or other ``Deferred``) instead of an
array.

* Shapes and dtypes come from ``jax.eval_shape`` of the op's function, once per op and operand
  avals, so every error the op raises for its operands is raised at the call, as eagerly.
* The first read of the storage's ``data`` (any value use: another op, printing, ``.item()``,
  a backward reading a saved value) computes every ``Deferred`` it depends on that has not run.
  That set's *structure* (its ops with their static arguments, its wiring, its inputs' avals,
  which values anything still holds) keys one program computing them all, so a loop pays one
  dispatch (and one compile) for its chain, returning only the values still held.  Where new
  structures keep coming (``CHURN``), a new one runs op by op, each op's own executable, until
  it recurs.  The choice depends on sightings only: a script gives the same bits every run.
* Nothing here has side effects, so when a value is computed cannot be observed, except in
  time.  Only values are deferred: grad nodes, versions, hooks and errors are made at the call.
  A result nothing reads is never computed.

Why opt-in (measured on the 2-core CPU box, one thread): recording a deferred op costs about
4.7 us against 8.8 us for an eager one, but running a pending set costs about 14 us (6 us of
Python, 8 us for the program's call), so it pays from about four ops on: an 11-op chain
without grad 104-130 -> 80 us, with grad and backward 254-269 -> 240-255 us (its saved values
leave the program as outputs), an MLP step and polynomial_fit within noise, and an op whose
result is read at once about 5 us slower.  The gain that would make it the default is running
the pending forward inside the backward's own program.

Never inside a trace (torch.compile, torch.func), with forward AD, or once a tensor lives off
the default device or on meta.
"""

from __future__ import annotations

import itertools
import math
import os
from sys import getrefcount

import jax

from . import _caches, _storage

# A set of pending ops runs as one program, compiled on its structure's first sighting;
# while new structures keep coming (CHURN[0] of the last CHURN[1] runs, as in a loop whose
# chains depend on the data), a new one runs op by op until its CHURN[2]-th sighting.
CHURN = (8, 32, 4)
MAX_ELEMENTS = 4096  # larger results run at once: there compute, not dispatch, is the cost
MAX_NODES = 128  # a longer pending chain runs before it grows further
ENABLED = [os.environ.get("TORCHLIKE_DEFER", "") not in ("", "0")]

_ArrayImpl = type(jax.numpy.zeros(()))
_DATA = _storage.Storage.__dict__["data"]
_SCALAR_TYPES = (float, bool, int)
_INT32 = 1 << 31
_sequence = itertools.count()


class Deferred(_storage.Pending):
    """A value not computed yet: ``shape``/``dtype`` (what shape queries read), ``aval``
    (for structure keys), the op (``key`` = (op, compute dtype, static)), its executable
    ``fn`` for a run op by op, and ``args``: the operands.  After the run: ``result``."""

    __slots__ = ("key", "fn", "aval", "nodes", "seq")

    def __init__(self, aval, key, fn, args, nodes):
        super().__init__(aval.shape, aval.dtype, args=args)
        self.seq = next(_sequence)
        self.aval = aval
        self.key = key
        self.fn = fn
        self.nodes = nodes  # pending ops this value depends on, itself included (a bound)


class DeferredStorage(_storage.Storage):
    """A storage whose array is a ``Deferred`` until something reads ``data``; versions and
    generations stay plain fields (a saved result's version check computes nothing)."""

    __slots__ = ()

    @property
    def pending(self):
        return _DATA.__get__(self, _storage.Storage)

    @property
    def data(self):
        d = _DATA.__get__(self, _storage.Storage)
        _DATA.__set__(self, d.result if d.result is not None else force(d))
        self.__class__ = _storage.Storage
        return self.data  # through Storage's own attribute now (a trace notes the read)

    @data.setter
    def data(self, value):
        # overwritten whole: the deferred value is not needed here (a Deferred that uses it
        # still computes it)
        self.__class__ = _storage.Storage
        self.data = value


def value(v):
    """``v`` as an array where it is a ``Deferred`` (computed now if it has not run)."""
    if type(v) is Deferred:
        return v.result if v.result is not None else force(v)
    return v


# (op, compute dtype, static, operand signature) -> the result's aval, or None: not deferred
_AVALS = _caches.LRUCache("deferred.avals", max_entries=8192)
_SEEN = _caches.LRUCache("deferred.structures", max_entries=4096)
_caches.PROGRAM_BOUNDS.setdefault("deferred.programs", 256)
_PROGRAMS = _caches.LRUCache("deferred.programs", max_entries=512)


def defer(op, cd, static, fn, call_args):
    """The ``Deferred`` result of ``fn(*call_args)`` (op ``op``), or None where it runs now."""
    sig = []
    nodes = 1
    for v in call_args:
        t = type(v)
        if t is _ArrayImpl:
            sig.append(v.aval)
        elif t is Deferred:
            sig.append(v.aval)
            if v.result is None:
                nodes += v.nodes
        elif v is None:
            sig.append(None)
        elif t is float or t is bool or (t is int and -_INT32 <= v < _INT32):
            sig.append(_scalar_aval(t))
        else:
            return None  # a tracer, an array of another kind, a big Python int
    if nodes > MAX_NODES:
        return None
    key = (op, cd, static, tuple(sig))
    aval = _AVALS.peek(key, False)
    if aval is False:
        aval = _AVALS.put(key, _result_aval(op, cd, static, call_args))
    if aval is None:
        return None
    return Deferred(aval, key[:3], fn, tuple(call_args), nodes)


def _scalar_aval(t):
    """What ``jax.jit`` makes of a Python number of type ``t`` (a weakly typed 0-d array), as
    ``core._constant``'s kept arrays are: a number and its kept array key the same program."""
    aval = _SCALAR_AVALS.get(t)
    if aval is None:
        aval = _SCALAR_AVALS[t] = jax.device_put(t(1)).aval
    return aval


_SCALAR_AVALS: dict = {}


def _result_aval(op, cd, static, call_args):
    specs = [
        jax.ShapeDtypeStruct(v.shape, v.dtype, weak_type=v.aval.weak_type)
        if isinstance(v, (_ArrayImpl, Deferred))
        else v
        for v in call_args
    ]
    try:
        out = jax.eval_shape(op.function(cd, static), *specs)
    except Exception:  # noqa: BLE001 - run now, where the op raises its own error
        return None
    if not isinstance(out, jax.ShapeDtypeStruct) or math.prod(out.shape) > MAX_ELEMENTS:
        return None
    return jax.core.ShapedArray(out.shape, out.dtype, weak_type=out.weak_type)


def force(d):
    """Compute ``d`` and every pending ``Deferred`` it depends on; returns ``d``'s array."""
    if all(type(a) is not Deferred or a.result is not None for a in d.args):
        d.result = _caches.call_eager(d.fn, *[value(a) for a in d.args])
        d.args = d.fn = None
        return d.result
    order, struct, leaves, live = gather([d])
    sig = signature(struct, live, leaves)
    _runs_count[0] += 1
    program = _PROGRAMS.peek(sig)
    if program is None and _fuse_new(sig):
        program = _PROGRAMS.put(sig, _caches.eager_jit(evaluator(struct, live)))
    if program is None:  # op by op, as eagerly
        outs = []
        for n, (_, refs) in zip(order, struct):
            outs.append(_caches.call_eager(n.fn, *_operands(refs, leaves, outs)))
        settle(order, outs)
    else:
        settle(order, _caches.call_eager(program, *leaves), live)
    return d.result


def gather(roots):
    """The pending ``Deferred``s below ``roots`` as one program's description:
    (``order``: them, operands before users; ``struct``: per value its op key and operand
    references, ``i`` >= 0 an earlier value, ``~j`` leaf ``j``, None an absent operand;
    ``leaves``: the arrays and numbers they read; ``live``: per value whether anything
    outside the set holds it (a tensor, a grad node's saved value, a pending op not in the
    set), the roots always).  Only live values need to leave the program; XLA keeps the rest
    in registers."""
    order = _pending_below(roots)
    position = {id(n): i for i, n in enumerate(order)}
    leaves, leaf_at, struct = [], {}, []
    uses = [0] * len(order)
    for n in order:
        refs = []
        for a in n.args:
            if type(a) is Deferred:
                if a.result is None:
                    i = position[id(a)]
                    uses[i] += 1
                    refs.append(i)
                    continue
                a = a.result
            if a is None:
                refs.append(None)
                continue
            j = leaf_at.get(id(a))
            if j is None:
                j = leaf_at[id(a)] = len(leaves)
                leaves.append(a)
            refs.append(~j)
        struct.append((n.key, tuple(refs)))
    wanted = {id(r) for r in roots}
    live = tuple(
        [
            id(order[i]) in wanted or getrefcount(order[i]) > _HELD + uses[i]
            for i in range(len(order))
        ]
    )
    return order, struct, leaves, live


def settle(order, outs, live=None):
    """Give each of ``order`` its value (``outs``: all of them, or the ``live`` ones)."""
    if live is None:
        for n, v in zip(order, outs):
            n.result = v
    else:
        it = iter(outs)
        for n, keep in zip(order, live):
            if keep:
                n.result = next(it)
    for n in order:
        n.args = n.fn = None


def _leaf_avals(leaves):
    return tuple([a.aval if type(a) is _ArrayImpl else _scalar_aval(type(a)) for a in leaves])


def _fuse_new(sig) -> bool:
    """Whether a structure without a program gets one now: yes, unless new structures keep
    coming (CHURN[0] of the last CHURN[1] runs met one); then on its CHURN[2]-th sighting."""
    runs = _runs_count[0]
    new_at = _new_at._data  # (run numbers, oldest first)
    churning = len(new_at) >= CHURN[0] and runs - next(iter(new_at)) < CHURN[1]
    _new_at.put(runs, None)
    if not churning:
        return True
    seen = _SEEN.peek(sig, 0) + 1
    if seen < CHURN[2]:
        _SEEN.put(sig, seen)
        return False
    _SEEN.pop(sig)
    return True


_runs_count = [0]  # runs of several pending ops so far
_new_at = _caches.LRUCache("deferred.new_structures", CHURN[0])


# references to a pending value while ``gather`` asks: the ``order`` list and the call's
# argument, as this interpreter counts them (measured the same way, not assumed)
_PROBE = [object()]
_HELD = getrefcount(_PROBE[0])
del _PROBE


def _operands(refs, leaves, outs):
    return [None if r is None else (outs[r] if r >= 0 else leaves[~r]) for r in refs]


def _pending_below(roots):
    """The pending ``Deferred``s ``roots`` depend on, themselves included, in the order they
    were made (so operands before their users)."""
    found = {id(r): r for r in roots}
    stack = list(found.values())
    while stack:
        for a in stack.pop().args:
            if type(a) is Deferred and a.result is None and id(a) not in found:
                found[id(a)] = a
                stack.append(a)
    return sorted(found.values(), key=_made)


def _made(d):
    return d.seq


def evaluator(struct, live=None):
    """The function computing the values of ``struct`` in order (each op's own function),
    returning the ``live`` ones (all: None)."""
    fns = [op.function(cd, static) for (op, cd, static), _ in struct]
    wiring = [refs for _, refs in struct]

    def run(*leaves):
        outs = []
        for fn, refs in zip(fns, wiring):
            outs.append(fn(*_operands(refs, leaves, outs)))
        if live is None:
            return outs
        return [v for v, keep in zip(outs, live) if keep]

    return run


def signature(struct, live, leaves):
    """The cache key of a program over ``gather``'s description."""
    return (tuple(struct), live, _leaf_avals(leaves))
