"""Every compile cache torchlike keeps, in one place, and the one compile counter.

Ground layer: this module imports nothing from torchlike, so every layer above may use it.

* ``LRUCache``: a bounded least-recently-used mapping, bounded by entry count and, for caches
  that hold arrays, by bytes.  Every cache torchlike keeps is one of these (the per-op
  executables, the engine's compiled replays, the optimizer kernels, …) or a module-level
  ``jax.jit`` function made with ``jit`` below.
* Caches of ``jax.jit`` functions are bounded by *programs* too: one jitted function holds one
  XLA executable per operand shapes it has seen, so a count of functions bounds nothing when
  shapes keep changing (a new batch size every step).  ``max_programs`` bounds the executables
  a cache's functions hold together; their memory is estimated at ``PROGRAM_BYTES`` each and
  reported in ``nbytes``.  The bound is enforced at compile time (see the compile counter), so
  the dispatch path of an eager op pays nothing for it.
* ``clear_caches()`` empties all of them (``torchlike.clear_caches()``).
* ``compile_count()`` counts every XLA compilation torchlike triggers, whoever holds the result:
  JAX reports each backend compilation to its monitoring listeners, and a compilation counts
  when torchlike code is on the calling thread's stack.  A program found in JAX's persistent
  compilation cache is reported by JAX the same way, so it counts too.
"""

from __future__ import annotations

import math
import sys
import threading
from collections import OrderedDict

import jax
from jax import monitoring

__all__ = ["LRUCache", "jit", "clear_caches", "compile_count", "cache_info"]

_REGISTRY: dict = {}
_registry_lock = threading.Lock()


def _register(cache):
    with _registry_lock:
        _REGISTRY[cache.name] = cache
    return cache


# Resident memory one XLA:CPU executable of an eager op or a small backward costs, measured
# (jax 0.10, MLP churn loop, RSS released by dropping the executables): 1.3-1.5 MiB whatever its
# size, so the estimate is per program.  Used for ``nbytes`` and ``max_bytes`` of program caches.
PROGRAM_BYTES = 3 << 19


# The program bounds, in one place (a cache may also pass ``max_programs`` itself).  ``ops``: the
# per-op executables (core.py), ~0.75 GiB estimated at most; a training step of the small GPT
# of benchmarks/bench_gpt.py holds 44.  A loop over growing lengths needs one per op and
# length, and the cache evicts whole entries (an op's every shape) oldest first, so a working
# set above the bound recompiles all of it on every pass: sampling 24 tokens from
# bench_eager's toy GPT holds ~480; measured, a second identical run compiled 507 programs
# (4.6 s) with a bound of 256 and 24 (0.18 s) with 512.  (A raw ``jax.jit`` program costs
# ~3 MiB of RSS here, so per-shape caching is dear whoever does it.)  The engine's replays set
# theirs in engine.py.
PROGRAM_BOUNDS = {"ops": 512}


def _programs(value) -> int:
    """Executables held by ``value`` (a ``jax.jit`` function: one per signature it has seen)."""
    size = getattr(value, "_cache_size", None)
    return size() if size is not None else 0


def _array_bytes(value) -> int:
    """Bytes of the arrays in ``value`` (an array, or a tuple/list/dict of them)."""
    if isinstance(value, (tuple, list)):
        return sum(_array_bytes(v) for v in value)
    if isinstance(value, dict):
        return sum(_array_bytes(v) for v in value.values())
    return int(getattr(value, "nbytes", 0) or 0)


def number_key(v):
    """A cache key for the Python number ``v`` (float, int, bool) that keeps what ``==`` merges
    apart: its type (``1``, ``1.0``, ``True``) and the sign of a zero; None for NaN (no key
    would find it again) and for anything else."""
    t = type(v)
    if (t is not float and t is not int and t is not bool) or v != v:
        return None
    return (t, v) if v else (t, v, math.copysign(1.0, v))


class LRUCache:
    """A mapping that forgets its least recently used entries beyond its bounds.

    ``max_entries``  the most entries it keeps
    ``max_bytes``    for caches of arrays: the most array bytes it keeps (None: no byte bound);
                     a single value larger than this is not kept at all.  For caches of
                     programs: the most estimated bytes (``PROGRAM_BYTES`` per executable)
    ``max_programs`` for caches of ``jax.jit`` functions: the most executables their entries
                     hold together (None: no bound).  Beyond it the entry holding the most goes
                     first (the function whose shapes keep changing), least recent among equals

    Reads and writes are safe from several threads; a read may race with an eviction and then
    recompute the value, never return a wrong one.
    """

    __slots__ = (
        "name",
        "max_entries",
        "max_bytes",
        "max_programs",
        "_data",
        "_sizes",
        "_nbytes",
        "_lock",
        "peek",
        "_bound",
    )

    def __init__(
        self,
        name: str,
        max_entries: int,
        max_bytes: int | None = None,
        max_programs: int | None = None,
    ):
        self.name = name
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_programs = PROGRAM_BOUNDS.get(name) if max_programs is None else max_programs
        self._data: OrderedDict = OrderedDict()
        self._sizes: dict = {}
        self._nbytes = 0
        self._lock = threading.Lock()
        # (executables the entries held at the last count, the compile count then): with the
        # compiles since, a bound on what they hold now (``might_exceed``)
        self._bound = (0, 0)
        # ``peek(key)``: the lookup without the recency update, for the hottest path (an eager
        # op's executable): its entries then leave oldest-inserted first
        self.peek = self._data.get
        _register(self)

    def get(self, key, default=None):
        data = self._data
        value = data.get(key, _MISSING)
        if value is _MISSING:
            return default
        try:
            data.move_to_end(key)
        except KeyError:  # evicted by another thread in between: still a valid value
            pass
        return value

    def put(self, key, value):
        """Keep ``value`` under ``key`` (evicting what exceeds the bounds); returns ``value``."""
        programs = self.max_programs is not None
        size = _array_bytes(value) if self.max_bytes is not None and not programs else 0
        if self.max_bytes is not None and size > self.max_bytes:
            return value
        with self._lock:
            if key in self._data:
                self._nbytes -= self._sizes.pop(key, 0)
            self._data[key] = value
            if size:
                self._sizes[key] = size
                self._nbytes += size
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries or (
                self.max_bytes is not None and self._nbytes > self.max_bytes
            ):
                old, _ = self._data.popitem(last=False)
                self._nbytes -= self._sizes.pop(old, 0)
        if programs:
            known, at = self._bound
            self._bound = (known + _programs(value), at)
            if self.might_exceed():
                self.trim_programs()
        return value

    def might_exceed(self) -> bool:
        """Whether the executables held could be past the bound: each compile adds one at most,
        so the count at the last walk plus the compiles since bounds them.  Walking every
        entry's ``_cache_size()`` on every compile cost 0.7 s of a 17 s REINFORCE run (~1,200
        entries)."""
        known, at = self._bound
        return known + (_compiles - at) > self._program_limit()

    @property
    def programs(self) -> int:
        """Executables the entries hold (caches of ``jax.jit`` functions; else 0)."""
        if self.max_programs is None:
            return 0
        return sum(_programs(v) for v in list(self._data.values()))

    def _program_limit(self) -> int:
        limit = self.max_programs
        if self.max_bytes is not None:
            limit = min(limit, self.max_bytes // PROGRAM_BYTES)
        return limit

    def trim_programs(self) -> int:
        """Evict entries until the executables they hold are within ``max_programs`` (and
        ``max_bytes``); returns how many entries went.  Evicting only drops this cache's
        reference: a call running the function finishes, and JAX's own caches, which hold
        the function's executables by weak reference, let them go with it."""
        if self.max_programs is None:
            return 0
        limit = self._program_limit()
        evicted = 0
        with self._lock:
            counts = [(_programs(v), k) for k, v in self._data.items()]
            total = sum(n for n, _ in counts)
            # least recently used first (the order of the dict): a steady loop's entries are
            # the recent ones and stay; evicting by size instead evicted an op the loop had just
            # used with two shapes, so every step recompiled it (measured: 5 compiles per step
            # of a 4-op SGD loop once the bound was reached)
            for n, key in counts:
                if total <= limit:
                    break
                self._data.pop(key, None)
                self._nbytes -= self._sizes.pop(key, 0)
                total -= n
                evicted += 1
            self._bound = (total, _compiles)
        return evicted

    def pop(self, key, default=None):
        with self._lock:
            self._nbytes -= self._sizes.pop(key, 0)
            return self._data.pop(key, default)

    def clear(self):
        with self._lock:
            self._data.clear()
            self._sizes.clear()
            self._nbytes = 0
            self._bound = (0, _compiles)

    def values(self) -> list:
        return list(self._data.values())

    def items(self) -> list:
        return list(self._data.items())

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays kept, plus ``PROGRAM_BYTES`` per executable for program caches."""
        return self._nbytes + self.programs * PROGRAM_BYTES

    def __len__(self):
        return len(self._data)

    def __contains__(self, key):
        return key in self._data

    def __repr__(self):
        return f"<LRUCache {self.name}: {len(self)}/{self.max_entries} entries>"


_MISSING = object()


class _JitFunction:
    """Registry entry for a module-level ``jax.jit`` function.

    Its executables (one per argument shapes and static arguments) live in JAX's own
    per-function cache, which JAX bounds (an LRU shared by all jitted functions); here it can
    be counted and emptied like the others."""

    __slots__ = ("name", "fn")

    def __init__(self, name, fn):
        self.name = name
        self.fn = fn

    def clear(self):
        self.fn.clear_cache()

    def __len__(self):
        return self.fn._cache_size()

    @property
    def programs(self) -> int:
        return self.fn._cache_size()

    @property
    def nbytes(self) -> int:
        return self.programs * PROGRAM_BYTES


def jit(fn=None, *, name: str, **jit_kwargs):
    """``jax.jit`` for module-level functions, registered so ``clear_caches()`` reaches it.

    Use as ``@jit(name="storage.gather")`` or ``@jit(name=..., static_argnums=(1,))``."""
    if fn is None:
        return lambda f: jit(f, name=name, **jit_kwargs)
    jitted = jax.jit(fn, **jit_kwargs)
    _register(_JitFunction(name, jitted))
    return jitted


# The XLA options of an eager op's program (one op, or a view read, or one op with the reads
# of its view operands).  Measured on XLA:CPU (jax 0.10, 2-core machine): XLA's MLIR fusion
# emitters take ~45 ms to compile a softmax and ~25 ms an add, the classic emitters ~17 and
# ~15 ms, and the two give the same bits (softmax, layer norm, GELU, exp/tanh/log, sums,
# matmul); the classic code is up to 1.9x slower on large transcendental elementwise ops
# (GELU of 512x1024: 0.31 -> 0.58 ms) and as fast elsewhere.  An eager op's program is
# compiled for every new shape it meets (a generation loop's growing length, a new batch
# size), so its compile time is what shape churn costs.  Backward replays and compiled steps
# keep XLA's defaults.  None where this jaxlib has no such option.
EAGER_COMPILER_OPTIONS = {"xla_cpu_use_fusion_emitters": False}
_eager_options: list = []


def eager_compiler_options():
    """``EAGER_COMPILER_OPTIONS`` if this jaxlib takes them (probed once), else None."""
    if not _eager_options:
        options = EAGER_COMPILER_OPTIONS
        try:
            if jax.default_backend() != "cpu":
                options = None
            else:
                import numpy as np

                jax.jit(lambda x: x + 1, compiler_options=options).lower(np.float32(0)).compile()
        except Exception:  # (an older jax: no such argument or option)
            options = None
        _eager_options.append(options)
    return _eager_options[0]


def eager_jit(fn, **jit_kwargs):
    """``jax.jit`` of an eager op's program (see ``EAGER_COMPILER_OPTIONS``).  Called inside
    a trace (torch.compile, torch.func, a replay) JAX refuses the options: callers catch that
    with ``nested_call``."""
    options = eager_compiler_options()
    if options is None:
        return jax.jit(fn, **jit_kwargs)
    return jax.jit(fn, compiler_options=options, **jit_kwargs)


def nested_call(fn, args, exc):
    """``fn(*args)`` for an ``eager_jit`` function that raised ``exc`` because it was called
    inside a trace, where it is traced into the caller's program (compiler options belong to
    that program); re-raises any other error."""
    if "compiler_options" not in str(exc) or not hasattr(fn, "__wrapped__"):
        raise exc
    return jax.jit(fn.__wrapped__)(*args)


def call_eager(fn, *args):
    """``fn(*args)`` for an ``eager_jit`` function, inside a trace too (``nested_call``)."""
    try:
        return fn(*args)
    except (TypeError, ValueError) as exc:
        return nested_call(fn, args, exc)


def clear_caches():
    """Empty every cache torchlike keeps (compiled executables, replays, cached constants).

    Later calls compile again as needed; results never change.  JAX's own caches of programs
    torchlike did not make are left alone (``jax.clear_caches()`` clears those)."""
    with _registry_lock:
        caches = list(_REGISTRY.values())
    for cache in caches:
        cache.clear()


def cache_info() -> dict:
    """``{name: {"entries", "max_entries", "nbytes", "max_bytes", "programs", "max_programs"}}``
    for every cache (``programs``: XLA executables held; ``nbytes`` counts them at
    ``PROGRAM_BYTES`` each)."""
    with _registry_lock:
        caches = list(_REGISTRY.values())
    return {
        c.name: {
            "entries": len(c),
            "max_entries": getattr(c, "max_entries", None),
            "nbytes": c.nbytes,
            "max_bytes": getattr(c, "max_bytes", None),
            "programs": c.programs,
            "max_programs": getattr(c, "max_programs", None),
        }
        for c in caches
    }


def _trim_program_caches():
    with _registry_lock:
        caches = [c for c in _REGISTRY.values() if getattr(c, "max_programs", None) is not None]
    for cache in caches:
        if cache.might_exceed():
            cache.trim_programs()


# ------------------------------------------------------------------------------ compile counter
_compiles = 0
_count_lock = threading.Lock()
_BACKEND_COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"  # jax 0.4.35 … 0.10


def compile_count() -> int:
    """How many XLA compilations torchlike has triggered in this process."""
    return _compiles


def _from_torchlike(frame) -> bool:
    # Compilations are rare and slow (milliseconds), so walking the stack here costs nothing
    # that matters, and no dispatch path has to mark itself.
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name == "torchlike" or (name.startswith("torchlike.") and name != __name__):
            return True
        frame = frame.f_back
    return False


def _on_event_duration(event, duration, *args, **kwargs):
    global _compiles
    if event == _BACKEND_COMPILE_EVENT and _from_torchlike(sys._getframe(1)):
        with _count_lock:
            _compiles += 1
        # Executables only ever appear here, so this is where the program bounds are kept:
        # milliseconds of compiling pay for the walk, and no dispatch path checks anything.
        _trim_program_caches()


monitoring.register_event_duration_secs_listener(_on_event_duration)
