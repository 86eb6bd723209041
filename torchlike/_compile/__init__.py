"""``torch.compile``: a whole call — forward, backward, optimizer step — as one XLA program.

``torch.compile(fn)`` returns a function that, from its second call on, runs ``fn`` as one
``jax.jit`` executable traced from ``fn`` itself, with eager's exact semantics: the same
numbers, the same random stream, the same state afterwards (see ``_function.py`` for how, and
``_trace.py`` for what a trace observes).  What cannot be traced falls back to eager with a
one-time warning (``fullgraph=True``: PyTorch's ``torch._dynamo.exc.Unsupported``).

``backend=`` and ``mode=`` accept PyTorch's names; every backend here is XLA, and the modes
change nothing (XLA has one way to compile a program).  ``dynamic=`` is accepted: shapes are
always specialised — a new shape traces a new program, within ``recompile_limit``.

``torch._dynamo.config.compile_in_background = True`` (torchlike's own knob, off by default):
a new program compiles in a background thread; the call that traced it and the calls until it
is ready run eagerly — the same numbers, so only the wait for the first call changes.
"""

from __future__ import annotations

import functools

from ..nn.modules import module as _module
from ..nn.modules.module import Module
from . import _function, _trace, config, exc
from ._function import CompiledFunction

__all__ = ["compile", "OptimizedModule", "disable", "reset", "is_compiling", "list_backends"]

_BACKENDS = ("inductor", "eager", "aot_eager", "cudagraphs", "openxla", "tvm", "onnxrt")
_MODES = ("default", "lite", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune")


def list_backends(exclude_tags=("debug", "experimental")):
    """The backend names ``torch.compile`` accepts (every one compiles with XLA here)."""
    if exclude_tags:
        return ["cudagraphs", "inductor", "openxla", "tvm"]
    return sorted(_BACKENDS)


def _check(backend, mode, options):
    if mode is not None and options is not None:
        raise RuntimeError(
            "Either mode or options can be specified, but both can't be specified at the same time."
        )
    if isinstance(backend, str) and backend not in _BACKENDS:
        raise exc.InvalidBackend(backend)
    if mode is not None and mode not in _MODES and backend == "inductor":
        # (only inductor reads mode=; PyTorch's other backends ignore it)
        raise RuntimeError(f"Unrecognized mode={mode}, should be one of: " + ", ".join(_MODES))
    return None


def compile(
    model=None,
    *,
    fullgraph=False,
    dynamic=None,
    backend="inductor",
    mode=None,
    options=None,
    disable=False,
):
    """``torch.compile``: see the module docstring."""
    if model is None:
        return functools.partial(
            compile,
            fullgraph=fullgraph,
            dynamic=dynamic,
            backend=backend,
            mode=mode,
            options=options,
            disable=disable,
        )
    error = _check(backend, mode, options)
    if disable:
        return model
    if isinstance(model, Module):
        return OptimizedModule(model, fullgraph=fullgraph, dynamic=dynamic, error=error)
    if not callable(model):
        raise RuntimeError("torch.compile() expects a callable or an nn.Module")
    compiled = CompiledFunction(model, model, fullgraph=fullgraph, dynamic=dynamic, error=error)
    wrapper = functools.wraps(model)(_as_function(compiled))
    wrapper._torchlike_compiled = compiled
    return wrapper


def _as_function(compiled):
    def compiled_fn(*args, **kwargs):
        return compiled(*args, **kwargs)

    return compiled_fn


class OptimizedModule(Module):
    """What ``torch.compile(module)`` returns: calls run the compiled module, attributes and
    ``state_dict`` keys are those of ``_orig_mod`` (under ``_orig_mod.``, as PyTorch's)."""

    def __init__(self, mod, *, fullgraph=False, dynamic=None, error=None):
        super().__init__()
        self._orig_mod = mod
        object.__setattr__(
            self,
            "_compiled",
            CompiledFunction(
                mod._uncompiled_call,
                mod,
                fullgraph=fullgraph,
                dynamic=dynamic,
                error=error,
                warmup=False,  # a module's call traces at once, as PyTorch's does
            ),
        )

    def __call__(self, *args, **kwargs):
        return self._compiled(*args, **kwargs)

    def forward(self, *args, **kwargs):
        return self._compiled(*args, **kwargs)

    def __getattr__(self, name):
        if name == "_orig_mod":
            return self._modules["_orig_mod"]
        return getattr(self._modules["_orig_mod"], name)

    @property
    def training(self):
        return self._orig_mod.training

    @training.setter
    def training(self, value):
        if "_modules" in self.__dict__ and "_orig_mod" in self._modules:
            self._orig_mod.training = value


def _module_compile(module, *args, **kwargs):
    """``Module.compile(...)``: later calls of ``module`` go through ``torch.compile``."""
    compiled = compile(module._uncompiled_call, *args, **kwargs)
    inner = getattr(compiled, "_torchlike_compiled", None)
    if inner is not None:
        inner._root = module
    object.__setattr__(module, "_compiled_call_impl", compiled)


def disable(fn=None, recursive=True, *, reason=None):
    """``torch.compiler.disable``: ``fn`` always runs eagerly (inside a compiled function, a
    call to it is a graph break, so that call of the compiled function runs eagerly)."""
    if fn is None:
        return functools.partial(disable, recursive=recursive, reason=reason)

    @functools.wraps(fn)
    def eager(*args, **kwargs):
        if _trace.active() is not None:
            raise _trace.GraphBreak(
                f"{getattr(fn, '__qualname__', fn)} is marked torch.compiler.disable"
            )
        _function.disabled_depth += 1
        try:
            return fn(*args, **kwargs)
        finally:
            _function.disabled_depth -= 1

    return eager


def reset():
    """``torch.compiler.reset()``: forget every compiled program (they trace again)."""
    for c in list(_function._ALL):
        c.reset()


def is_compiling() -> bool:
    """True while torch.compile traces a call (the Python code runs once per program)."""
    return _trace.active() is not None


_module.set_compile_hook(_module_compile)
_ = config
