"""Python inside a compiled backward: hooks and custom Functions' ``backward``.

A replay names each Python callable of one backward call by its position in that call's list
(structure, not identity), so one compiled replay serves every call of the same structure;
``run`` installs the call's list while the replay runs.  Inside a trace a callable runs through
``io_callback``, so a ``print`` in it happens once per backward call, compiled or not.

Callables take Tensors (None for a gradient that does not exist, such as that of an integer
output) and return a list of Tensors or None (None: a zero gradient).  An exception a callable
raises is kept and re-raised after the replay returns: the user sees their own error, not
XLA's wrapper around it.
"""

from __future__ import annotations

import threading

import jax
import jax.numpy as jnp
import numpy as np
from jax.experimental import io_callback

from .. import _tensor

_active: list = []
_pending_errors: list = []
_lock = threading.RLock()


def call(idx, values, result_avals, **static):
    """Run callable ``idx`` of the current backward call on ``values`` (arrays).

    ``result_avals``: (shape, dtype) of each result.  ``static`` keyword arguments are
    structural (the same for every call of a compiled replay)."""
    result_avals = [(tuple(s), np.dtype(d)) for s, d in result_avals]
    if not any(isinstance(v, jax.core.Tracer) for v in values):
        # concrete values (an uncompiled replay, or one cut at this step): results stay arrays
        return _dispatch(idx, result_avals, *values, to_host=False, **static)
    # io_callback needs at least one result: a callable that returns nothing gets a dummy
    shapes = [jax.ShapeDtypeStruct(s, d) for s, d in result_avals] or [
        jax.ShapeDtypeStruct((), np.float32)
    ]

    def host(*arrays):
        out = _dispatch(idx, result_avals, *arrays, **static)
        return out if result_avals else [np.zeros((), np.float32)]

    out = list(io_callback(host, shapes, *values))
    return out if result_avals else []


def run(fn, callbacks, *args):
    """``fn(*args)`` with ``callbacks`` installed; re-raises the first error one raised."""
    global _active
    with _lock:
        saved = _active
        _active = callbacks
        _pending_errors.clear()
        try:
            out = fn(*args)
            if callbacks and not getattr(fn, "calls_python_directly", False):
                jax.block_until_ready(out)  # the program's callbacks have run (or failed)
        finally:
            _active = saved
        if _pending_errors:
            exc = _pending_errors[0]
            _pending_errors.clear()
            raise exc
    return out


def _dispatch(idx, result_avals, *arrays, to_host=True, **static):
    if _pending_errors:  # an earlier callable failed: the call's result is thrown away
        return _zeros(result_avals)
    try:
        outs = _active[idx](*[_as_tensor(a) for a in arrays], **static)
        if not to_host:
            return [
                jnp.zeros(s, d) if o is None else _as_result(o._value, s, d)
                for o, (s, d) in zip(outs, result_avals)
            ]
        return [
            np.zeros(s, d) if o is None else np.asarray(o._value, dtype=d).reshape(s)
            for o, (s, d) in zip(outs, result_avals)
        ]
    except BaseException as exc:  # noqa: BLE001 - re-raised by run()
        _pending_errors.append(exc)
        return _zeros(result_avals)


def _as_result(value, shape, dtype):
    if value.dtype != dtype:
        value = value.astype(dtype)
    return value if value.shape == shape else value.reshape(shape)


def _zeros(avals):
    return [np.zeros(s, d) for s, d in avals]


def _as_tensor(a):
    if a is None or a.dtype == jax.dtypes.float0:
        return None
    return _tensor.Tensor._make(a if isinstance(a, jax.Array) else jnp.asarray(a))
