"""What a trace observes: storage reads and writes, version bumps, sampler calls.

While ``torch.compile`` traces a call (torchlike ops running on JAX tracers inside one
``jax.jit``), a ``Recorder`` is active and a few class attributes are swapped for recording
ones; outside a trace nothing is swapped, so eager code pays nothing.

* ``Storage.data``: a read of a storage that existed before the trace and still holds a concrete
  array is state the call depends on: it is noted (``missing``) and the trace is redone with it
  as an input.  A write to such a storage is an output (``written``), written back after the
  compiled call.
* ``Storage.version`` / ``VersionCounter.version``: the trace notes each pre-existing counter's
  value before its first bump; every compiled call then adds the same delta, as eager would.
* ``Storage.__init__``: storages created by the trace are its own (``born``).
* The generator's samplers (``Generator._uniform`` …): inside a trace a sampler would burn its
  numbers into the program.  Each call is recorded (method, arguments) and answered with an
  input of the program; every compiled call first draws exactly those values on the host, in
  the same order, so the generator advances as in eager and the numbers are eager's.
* ``optim.optimizer._hyper_arrays``: a learning rate read from a param group reaches the
  optimizer kernels there; the trace makes it an input, so a scheduler never recompiles.
"""

from __future__ import annotations

import threading
import weakref

import jax

from .. import _caches, _storage
from .. import random as _random
from .._storage import Storage, VersionCounter
from .._tensor import Tensor
from ..autograd import _callbacks

Tracer = jax.core.Tracer

_DATA = Storage.__dict__["data"]
_SVERSION = Storage.__dict__["version"]
_VVERSION = VersionCounter.__dict__["version"]
_STORAGE_INIT = Storage.__init__
_COUNTER_INIT = VersionCounter.__init__

# The generator methods that draw numbers (each consumes the stream and returns NumPy values).
SAMPLERS = (
    "_rand",
    "_uniform",
    "_randn",
    "_normal_fill",
    "_randint",
    "_random",
    "_randperm",
    "_exponential",
    "_geometric",
    "_cauchy",
    "_log_normal",
    "_bernoulli_scalar",
    "_bernoulli_tensor",
    "_normal",
    "_multinomial",
    "_poisson",
    "_jax_key",
)
# Generator methods that change its state other than by drawing: a trace cannot replay them.
_STATE_SETTERS = ("manual_seed", "seed", "_set_state_np", "set_state")
_ORIGINAL = {name: getattr(_random.Generator, name) for name in SAMPLERS + _STATE_SETTERS}

_PLAIN = (int, float, bool, str, type(None))

ACTIVE = None  # the Recorder of the trace in progress (one at a time, see _LOCK)
_LOCK = threading.RLock()


def active():
    """The Recorder, for the thread that traces (other threads' eager work is not the trace's)."""
    r = ACTIVE
    if r is not None and r.thread == threading.get_ident():
        return r
    return None


class GraphBreak(Exception):
    """Raised inside a trace for an operation the compiled program cannot contain."""


class Retrace(Exception):
    """Raised at the end of a trace that found state it had not lifted (retry with it)."""


class Recorder:
    def __init__(self, lifted, known_draws, draw_inputs, fed_lr):
        self.lifted = {id(s): s for s in lifted}
        self.originals = {}  # id(storage) -> (storage, concrete data before the trace)
        self.missing = {}  # id -> storage: read while concrete, not an input yet
        self.written = {}  # id -> storage: pre-existing storages this trace wrote
        self.born = weakref.WeakSet()
        self.counters = {}  # id(counter) -> (counter, version before the trace)
        self.known_draws = known_draws  # draw specs of the previous attempt
        self.draw_inputs = draw_inputs  # tracers answering them
        self.draws = []  # the specs this trace met, in order
        self.new_draws = False
        self.generators = {}  # id -> (generator, state before its first draw)
        self.in_sampler = False
        self.fed_lr = fed_lr  # learning rate value -> tracer (the rates fed as inputs)
        self.fed_used = set()
        self.break_reason = None
        self.callbacks = None  # the hooks the program's backward replay calls
        self.thread = threading.get_ident()

    # -- restoring what the trace changed for real -----------------------------------------
    def restore(self):
        for s, data in self.originals.values():
            _DATA.__set__(s, data)
            s.gen += 1
        for c, version in self.counters.values():
            desc = _SVERSION if type(c) is Storage else _VVERSION
            desc.__set__(c, version)
        for gen, state in self.generators.values():
            _ORIGINAL["_set_state_np"](gen, state)

    def version_deltas(self):
        out = []
        for c, version in self.counters.values():
            desc = _SVERSION if type(c) is Storage else _VVERSION
            delta = desc.__get__(c, type(c)) - version
            if delta:
                out.append((c, delta))
        return out


# ----------------------------------------------------------------------- the recording hooks
def _get_data(s):
    v = _DATA.__get__(s, Storage)
    r = active()
    if r is not None and not isinstance(v, Tracer):
        k = id(s)
        if k not in r.lifted and k not in r.written and s not in r.born:
            r.missing[k] = s
    return v


def _set_data(s, v):
    r = active()
    if r is not None:
        k = id(s)
        if k not in r.written and s not in r.born:
            r.written[k] = s
            if k not in r.originals:
                r.originals[k] = (s, _DATA.__get__(s, Storage))
    _DATA.__set__(s, v)


def _version_property(desc):
    def get(c):
        return desc.__get__(c, type(c))

    def set_(c, v):
        r = active()
        if r is not None:
            k = id(c)
            if k not in r.counters and c not in r.born:
                r.counters[k] = (c, desc.__get__(c, type(c)))
        desc.__set__(c, v)

    return property(get, set_)


def _storage_init(self, data):
    r = active()
    if r is not None:
        r.born.add(self)
    _STORAGE_INIT(self, data)


def _counter_init(self, version=0):
    r = active()
    if r is not None:
        r.born.add(self)
    _COUNTER_INIT(self, version)


def _plain(value) -> bool:
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, (tuple, list)):
        return all(_plain(v) for v in value)
    return type(value).__module__.startswith("torchlike") and not hasattr(value, "_storage")


def _sampler(name, original):
    def draw(self, *args, **kwargs):
        r = active()
        if r is None or r.in_sampler:
            return original(self, *args, **kwargs)
        if not (_plain(args) and _plain(tuple(kwargs.values()))):
            raise GraphBreak(f"a random sampler ({name.strip('_')}) with tensor arguments")
        if id(self) not in r.generators:
            r.generators[id(self)] = (self, self._get_state_np().copy())
        r.in_sampler = True
        try:
            values = original(self, *args, **kwargs)
        finally:
            r.in_sampler = False
        spec = (self, name, args, tuple(sorted(kwargs.items())))
        i = len(r.draws)
        r.draws.append(spec)
        if name == "_jax_key":
            raise GraphBreak("a jax.random key drawn from a torchlike generator")
        if i < len(r.known_draws) and _same_spec(r.known_draws[i], spec):
            return r.draw_inputs[i]
        r.new_draws = True
        return values

    draw.__name__ = name
    return draw


def _same_spec(a, b) -> bool:
    return a[0] is b[0] and a[1:] == b[1:]


def _state_setter(name, original):
    def setter(self, *args, **kwargs):
        r = active()
        if r is not None and not r.in_sampler:
            raise GraphBreak(f"Generator.{name.strip('_')} inside a compiled region")
        return original(self, *args, **kwargs)

    setter.__name__ = name
    return setter


def _hyper_arrays_factory(original):
    def hyper_arrays(hyper):
        arrays = dict(original(hyper))
        r = active()
        if r is not None and "lr" in hyper:
            t = r.fed_lr.get(hyper["lr"])
            if t is not None:
                arrays["lr"] = t.astype(arrays["lr"].dtype)
                r.fed_used.add(hyper["lr"])
        return arrays

    return hyper_arrays


def _recording_run(original):
    """The engine's compiled replay looks its hooks up, by index, in the list ``run`` installs
    while it runs; a compiled call replays it later, so the list is kept and installed then."""

    def run(fn, callbacks, *args):
        r = active()
        if r is not None and callbacks:
            if r.callbacks is not None and r.callbacks is not callbacks:
                raise GraphBreak("two backward calls with hooks in one compiled region")
            r.callbacks = callbacks
        return original(fn, callbacks, *args)

    return run


def run_with_callbacks(callbacks, fn, *args):
    """``fn(*args)`` (a compiled call) with the hooks its backward replays call installed."""
    with _callbacks._lock:
        saved = _callbacks._active
        _callbacks._active = callbacks
        _callbacks._pending_errors.clear()
        try:
            out = fn(*args)
            jax.block_until_ready(out)
        finally:
            _callbacks._active = saved
        raise_callback_error()
    return out


def raise_callback_error():
    """A hook that raised inside a compiled call: the user's own error, after the call."""
    if _callbacks._pending_errors:
        exc = _callbacks._pending_errors[0]
        _callbacks._pending_errors.clear()
        raise exc


class DeferredScalar:
    """What ``tensor.item()`` gives inside a trace: the value is not known until the program
    runs.  Returned from the compiled function (``return loss.item()``) it becomes the Python
    number the call returns; any other use needs the value now, which is a graph break."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def _needs_value(self, *args, **kwargs):
        raise GraphBreak("a tensor's value read in Python (.item() used inside the region)")

    for _name in (
        "__float__ __int__ __bool__ __index__ __complex__ __repr__ __str__ __format__ __hash__ "
        "__eq__ __ne__ __lt__ __le__ __gt__ __ge__ __add__ __radd__ __sub__ __rsub__ __mul__ "
        "__rmul__ __truediv__ __rtruediv__ __floordiv__ __rfloordiv__ __mod__ __pow__ __rpow__ "
        "__neg__ __pos__ __abs__ __round__ __trunc__ __floor__ __ceil__ __array__ __iter__ "
        "__len__ __getattr__"
    ).split():
        locals()[_name] = _needs_value
    del _name


def _item(original):
    def item(self):
        value = self._value
        if active() is not None and isinstance(value, Tracer):
            if value.size != 1:
                return original(self)  # PyTorch's error for a tensor of several elements
            return DeferredScalar((value.reshape(()), self._dtype))
        return original(self)

    return item


def draw_values(specs):
    """The host values of recorded sampler calls, drawn now in order (advancing generators)."""
    return [_ORIGINAL[name](gen, *args, **dict(kwargs)) for gen, name, args, kwargs in specs]


# ----------------------------------------------------------------------- installing the hooks
class recording:
    """``with recording(rec):`` the hooks are installed and ``rec`` receives what they see."""

    def __init__(self, rec):
        self.rec = rec

    def __enter__(self):
        global ACTIVE
        _LOCK.acquire()
        from ..optim import optimizer as _optimizer

        self._optimizer = _optimizer
        self._hyper = _optimizer._hyper_arrays
        ACTIVE = self.rec
        Storage.data = property(_get_data, _set_data)
        Storage.version = _version_property(_SVERSION)
        VersionCounter.version = _version_property(_VVERSION)
        Storage.__init__ = _storage_init
        VersionCounter.__init__ = _counter_init
        for name in SAMPLERS:
            setattr(_random.Generator, name, _sampler(name, _ORIGINAL[name]))
        for name in _STATE_SETTERS:
            setattr(_random.Generator, name, _state_setter(name, _ORIGINAL[name]))
        _optimizer._hyper_arrays = _hyper_arrays_factory(self._hyper)
        self._run = _callbacks.run
        _callbacks.run = _recording_run(self._run)
        self._cache_keys = _cache_keys()
        self._item = Tensor.item
        Tensor.item = _item(self._item)
        return self.rec

    def __exit__(self, *exc):
        global ACTIVE
        try:
            ACTIVE = None
            Storage.data = _DATA
            Storage.version = _SVERSION
            VersionCounter.version = _VVERSION
            Storage.__init__ = _STORAGE_INIT
            VersionCounter.__init__ = _COUNTER_INIT
            for name, fn in _ORIGINAL.items():
                setattr(_random.Generator, name, fn)
            self._optimizer._hyper_arrays = self._hyper
            _callbacks.run = self._run
            Tensor.item = self._item
            _forget_traced_entries(self._cache_keys)
        finally:
            _LOCK.release()
        return False


def _cache_keys():
    with _caches._registry_lock:
        caches = [c for c in _caches._REGISTRY.values() if isinstance(c, _caches.LRUCache)]
    return [(c, set(c._data)) for c in caches]


def _forget_traced_entries(before):
    """Memo caches filled during the trace (a hyperparameter's device scalar, a constant) hold
    the trace's tracers: drop those entries, so eager code never meets a leaked tracer."""
    for cache, keys in before:
        for key in [k for k in list(cache._data) if k not in keys]:
            value = cache._data.get(key)
            leaves = jax.tree_util.tree_leaves(value) if value is not None else ()
            if any(isinstance(v, Tracer) for v in leaves):
                cache.pop(key)


def set_raw(storage, value):
    """Write a storage's array without the hooks (lifting inputs, writing results back)."""
    _DATA.__set__(storage, value)
    storage.gen += 1


def get_raw(storage):
    return _DATA.__get__(storage, Storage)


_ = _storage  # the storage module documents the fields swapped here
