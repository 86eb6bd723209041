"""Grad modes: thread-local switches, usable as context managers and as decorators."""

from __future__ import annotations

import functools
import inspect
import threading


class _GradState(threading.local):
    # Every new thread starts with grad enabled, as in PyTorch.
    def __init__(self):
        self.enabled = True
        self.inference = False


_state = _GradState()


def is_grad_enabled() -> bool:
    return _state.enabled


def is_inference_mode_enabled() -> bool:
    return _state.inference


class _DecoratorContextManager:
    """Base for grad-mode objects: ``with no_grad():`` and ``@no_grad()`` (or bare ``@no_grad``)."""

    def __call__(self, func):
        if inspect.isclass(func) and issubclass(func, _DecoratorContextManager):
            raise TypeError("grad mode objects decorate functions, not classes")
        if inspect.isgeneratorfunction(func):

            @functools.wraps(func)
            def generator_wrapper(*args, **kwargs):
                gen = func(*args, **kwargs)
                with self.clone():
                    response = gen.send(None)
                while True:
                    try:
                        request = yield response
                    except GeneratorExit:
                        with self.clone():
                            gen.close()
                        raise
                    except BaseException as exc:  # forward throw() into the generator
                        with self.clone():
                            response = gen.throw(exc)
                    else:
                        try:
                            with self.clone():
                                response = gen.send(request)
                        except StopIteration as stop:
                            return stop.value

            return generator_wrapper

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)

        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_DecoratorContextManager):
    def __new__(cls, orig_func=None):
        # Allow the bare form ``@torch.no_grad`` as PyTorch does.
        self = super().__new__(cls)
        if orig_func is not None and callable(orig_func):
            self.__init__()
            return self(orig_func)
        return self

    def __init__(self, orig_func=None):
        self.prev = False

    def __enter__(self):
        self.prev = _state.enabled
        _state.enabled = False

    def __exit__(self, *exc):
        _state.enabled = self.prev


class enable_grad(no_grad):
    def __enter__(self):
        self.prev = _state.enabled
        _state.enabled = True


class set_grad_enabled(_DecoratorContextManager):
    """Switches grad mode immediately (works as a plain call), restores it on ``__exit__``."""

    def __init__(self, mode: bool):
        self.prev = _state.enabled
        self.mode = bool(mode)
        _state.enabled = self.mode

    def __call__(self, func):
        _state.enabled = self.prev
        return super().__call__(func)

    def __enter__(self):
        _state.enabled = self.mode

    def __exit__(self, *exc):
        _state.enabled = self.prev

    def clone(self):
        return self.__class__(self.mode)


INFERENCE_WRITE = (
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a "
    "clone to get a normal tensor before doing inplace update.See "
    "https://github.com/pytorch/rfcs/pull/17 for more details."
)


def check_inference_write(t):
    """PyTorch's version-counter bump on a tensor made in inference mode (or a view of one),
    outside inference mode: the write has happened, then this raises.  ``detach()``/``.data``
    of one taken outside inference mode is an inference tensor with a counter of its own
    (``_counted_alias``): writes to it pass (not to its views: they share the base's)."""
    if t._inference and not _state.inference and not t.__dict__.get("_counted_alias"):
        raise RuntimeError(INFERENCE_WRITE)


class inference_mode(_DecoratorContextManager):
    def __new__(cls, mode=True):
        self = super().__new__(cls)
        if callable(mode) and not isinstance(mode, bool):
            self.__init__(True)
            return self(mode)
        return self

    def __init__(self, mode=True):
        self.mode = bool(mode)
        self.prev = None

    def __enter__(self):
        self.prev = (_state.enabled, _state.inference)
        # PyTorch's InferenceMode(enabled) sets grad mode to ``not enabled``: even inside
        # no_grad, ``inference_mode(False)`` turns gradients on
        _state.enabled = not self.mode
        _state.inference = self.mode

    def __exit__(self, *exc):
        _state.enabled, _state.inference = self.prev

    def clone(self):
        return self.__class__(self.mode)
