"""``torch.jit``: TorchScript's decorators as faithful pass-throughs.

torchlike runs Python on JAX, so there is nothing to script: ``script(fn)`` returns ``fn`` and
``script(module)`` the module itself, and both run as ordinary Python.  ``trace(fn, inputs)``
runs ``fn`` on the example inputs as often as PyTorch does (once under ``is_tracing()``, then,
for ``check_trace``, a re-trace and a plain run per check input) and returns ``fn``.  Unlike a
real trace, later calls still run the Python code, side effects included.  ``is_scripting()`` is
always False, also inside "scripted" code, so ``if not torch.jit.is_scripting():`` branches take
their eager path where TorchScript would skip them.
"""

from __future__ import annotations

import builtins
import contextlib
import typing
import warnings
from typing import Final  # noqa: F401  (``torch.jit.Final[int]`` is typing's Final, as in PyTorch)

from .. import serialization as _serialization
from .._tensor import Tensor as _Tensor
from ..nn import Module as _Module
from . import annotations  # noqa: F401

_tracing = [False]


def is_scripting() -> bool:
    return False


def is_tracing() -> bool:
    return _tracing[0]


def _check_scriptable(obj):
    cls = obj if builtins.isinstance(obj, type) else type(obj)
    if cls.__module__ == "builtins" and (cls is obj or not callable(obj)):
        raise TypeError(f"{cls!r} is a built-in class")


def _deprecated(name):
    # attributed to this module, as PyTorch's is to its own: hidden by Python's default filters
    warnings.warn(
        f"`torch.jit.{name}` is deprecated. Please switch to `torch.compile` or `torch.export`.",
        DeprecationWarning,
        stacklevel=1,
    )


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    _deprecated("script")
    _check_scriptable(obj)
    return obj


def trace(
    func,
    example_inputs=None,
    optimize=None,
    check_trace=True,
    check_inputs=None,
    check_tolerance=1e-5,
    strict=True,
    _force_outplace=False,
    _module_class=None,
    _compilation_unit=None,
    example_kwarg_inputs=None,
    _store_inputs=True,
):
    if example_kwarg_inputs is not None:
        args, kwargs = (), dict(example_kwarg_inputs)
    else:
        single = builtins.isinstance(example_inputs, _Tensor)
        args = (example_inputs,) if single else tuple(example_inputs)
        kwargs = {}
    _deprecated("trace")

    def record(inputs):
        _tracing[0] = True
        try:
            func(*inputs, **kwargs)
        finally:
            _tracing[0] = False

    record(args)
    if check_trace:
        # PyTorch re-traces each check input and compares with a plain Python run of it
        for inputs in check_inputs or [args]:
            inputs = inputs if builtins.isinstance(inputs, tuple) else (inputs,)
            record(inputs)
            func(*inputs, **kwargs)
    return func


def trace_module(mod, inputs, **kwargs):
    for method, example in inputs.items():
        trace(getattr(mod, method), example, **kwargs)
    return mod


def ignore(drop=False, **kwargs):
    # usable bare (@ignore) and called (@ignore(drop=True))
    if callable(drop):
        return drop
    if drop:
        warnings.warn(
            "ignore(True) has been deprecated. TorchScript will now drop the function "
            "call on compilation. Use torch.jit.unused now. {}",
            FutureWarning,
            stacklevel=2,
        )
    return lambda fn: fn


def unused(fn):
    return fn


def export(fn):
    return fn


def script_method(fn):
    return fn


def interface(obj):
    return obj


def _overload(fn):
    return fn


_overload_method = _overload


def annotate(the_type, the_value):
    return the_value


def isinstance(obj, target_type):  # noqa: A001 - torch.jit.isinstance
    # container types are checked by their outer type only (List[int] -> list)
    return builtins.isinstance(obj, typing.get_origin(target_type) or target_type)


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    return mod


def optimize_for_inference(mod, other_methods=None):
    return mod


class _Future:
    def __init__(self, value):
        self._value = value

    def wait(self):
        return self._value


def fork(func, *args, **kwargs):
    return _Future(func(*args, **kwargs))


def wait(future):
    return future.wait()


def _module_base():
    return _Module


class ScriptModule(_module_base()):
    """Base for modules written the TorchScript way (``@script_method``): an ``nn.Module``."""


class ScriptFunction:
    """Marker base: a scripted function is the Python function itself in torchlike."""


@contextlib.contextmanager
def optimized_execution(should_optimize):
    yield


def save(m, f, _extra_files=None):
    """Save a "scripted" module: torchlike pickles the module itself (``torch.save``), so the
    file loads with ``torch.jit.load`` in torchlike, not in PyTorch's TorchScript runtime."""
    _serialization.save(m, f)


def load(f, map_location=None, _extra_files=None, _restore_shapes=False):
    """Load what ``torch.jit.save`` wrote (a pickled module; see ``save``)."""
    return _serialization.load(f, map_location=map_location, weights_only=False)


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
