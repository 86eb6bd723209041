"""``torch.amp``: mixed-precision autocast and gradient scaling, as PyTorch does them.

``autocast(device_type, dtype)`` runs the ops of PyTorch's lists in lower precision (float16 /
bfloat16), the ops of its float32 list in float32, and promotes the inputs of its "promote" ops
to their widest floating type; everything else runs in its inputs' dtype.  The lists and the
casting rules live in ``torchlike/_autocast.py``.  On a machine without CUDA, a CUDA autocast and
a CUDA ``GradScaler`` are disabled with PyTorch's warnings, as in a CPU-only PyTorch.

``GradScaler`` multiplies the loss by the scale, unscales the gradients before the step (checking
them for inf/NaN: one host read per step, as PyTorch's ``step`` does), skips the step when any is
non-finite, and grows or backs off the scale exactly as ``torch._amp_update_scale_``.
"""

from __future__ import annotations

import functools
import warnings

from .. import _autocast, _size
from .. import _dtype as D

__all__ = ["GradScaler", "autocast", "is_autocast_available", "custom_fwd", "custom_bwd"]

_AUTOCAST_DEVICES = ("cpu", "cuda")
_NAMES = {D.float16: "float16", D.bfloat16: "bfloat16", D.float32: "float32"}


def is_autocast_available(device_type: str) -> bool:
    return device_type in _AUTOCAST_DEVICES


class autocast:
    def __init__(
        self, device_type: str, dtype=None, enabled: bool = True, cache_enabled: bool | None = None
    ):
        if not isinstance(device_type, str):
            raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
        if not is_autocast_available(device_type):
            raise RuntimeError(
                f"User specified an unsupported autocast device_type '{device_type}'"
            )
        self.device = device_type
        default = D.float16 if device_type == "cuda" else D.bfloat16
        self.fast_dtype = default if dtype is None else dtype
        self._cache_enabled = True if cache_enabled is None else cache_enabled
        self._enabled = enabled
        if enabled and device_type == "cuda" and not _size.jax_gpus():
            warnings.warn(
                "CUDA is not available or torch_xla is imported. Disabling autocast.", stacklevel=2
            )
            self._enabled = False
        if (
            self._enabled
            and device_type == "cpu"
            and self.fast_dtype
            not in (
                D.bfloat16,
                D.float16,
            )
        ):
            warnings.warn(
                "In CPU autocast, but the target dtype is not supported. Disabling autocast.\n"
                "CPU Autocast only supports dtypes of torch.bfloat16, torch.float16 currently.",
                stacklevel=2,
            )
            self._enabled = False
        if (
            self._enabled
            and device_type == "cuda"
            and self.fast_dtype
            not in (
                D.float16,
                D.bfloat16,
            )
        ):
            warnings.warn(
                "In CUDA autocast, but the target dtype is not supported. Disabling autocast.\n"
                "CUDA Autocast only supports dtypes of torch.float16, torch.bfloat16 currently.",
                stacklevel=2,
            )
            self._enabled = False
        self._prev = None

    def __enter__(self):
        self._prev = _autocast.enter(
            self.device, self._enabled, _NAMES[self.fast_dtype], self._cache_enabled
        )
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        _autocast.exit(self.device, self._prev)
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)

        return decorate_autocast


def custom_fwd(fwd=None, *, device_type=None, cast_inputs=None):
    """``torch.amp.custom_fwd``: run a custom Function's forward with its inputs cast to
    ``cast_inputs`` and autocast off (or, without ``cast_inputs``, under the caller's state)."""
    if fwd is None:
        return functools.partial(custom_fwd, device_type=device_type, cast_inputs=cast_inputs)
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")

    @functools.wraps(fwd)
    def decorate_fwd(*args, **kwargs):
        if cast_inputs is None or not _autocast.is_enabled(device_type):
            return fwd(*args, **kwargs)

        def cast(a):
            if getattr(a, "_dtype", None) in (D.float16, D.bfloat16, D.float32):
                return a.to(cast_inputs)
            return a

        with autocast(device_type, enabled=False):
            return fwd(*[cast(a) for a in args], **{k: cast(v) for k, v in kwargs.items()})

    return decorate_fwd


def custom_bwd(bwd=None, *, device_type=None):
    """``torch.amp.custom_bwd``: backward runs under the autocast state of its forward."""
    if bwd is None:
        return functools.partial(custom_bwd, device_type=device_type)
    if not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` of type `str`, got: `{type(device_type)}`")
    return bwd


# ------------------------------------------------------------------------------ GradScaler
_READY, _UNSCALED, _STEPPED = 0, 1, 2


class GradScaler:
    def __init__(
        self,
        device: str = "cuda",
        init_scale: float = 2.0**16,
        growth_factor: float = 2.0,
        backoff_factor: float = 0.5,
        growth_interval: int = 2000,
        enabled: bool = True,
    ):
        self._device = device
        self._enabled = enabled
        if enabled and device == "cuda" and not _size.jax_gpus():
            warnings.warn(
                "torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.",
                stacklevel=2,
            )
            self._enabled = False
        if self._enabled:
            if growth_factor <= 1.0:
                raise AssertionError("The growth factor must be > 1.0.")
            if backoff_factor >= 1.0:
                raise AssertionError("The backoff factor must be < 1.0.")
        self._init_scale = init_scale
        self._scale = None  # a 0-d float32 tensor, made on first use
        self._growth_factor = growth_factor
        self._backoff_factor = backoff_factor
        self._growth_interval = growth_interval
        self._init_growth_tracker = 0
        self._growth_tracker = None
        self._per_optimizer = {}

    # -- the scale -----------------------------------------------------------------------
    def _lazy_init(self, like=None):
        from .. import _factories

        dev = like.device if like is not None else None
        self._scale = _factories.full((), self._init_scale, dtype=D.float32, device=dev)
        self._growth_tracker = self._init_growth_tracker

    def _state(self, optimizer):
        return self._per_optimizer.setdefault(id(optimizer), {"stage": _READY, "found_inf": None})

    def scale(self, outputs):
        if not self._enabled:
            return outputs
        from .._tensor import Tensor

        if isinstance(outputs, Tensor):
            if self._scale is None:
                self._lazy_init(outputs)
            return outputs * self._scale.to(outputs.device)
        if isinstance(outputs, (list, tuple)):
            scaled = [self.scale(o) for o in outputs]
            return type(outputs)(scaled) if isinstance(outputs, tuple) else scaled
        if isinstance(outputs, dict):
            return {k: self.scale(v) for k, v in outputs.items()}
        if hasattr(outputs, "__iter__"):
            return map(self.scale, outputs)
        raise ValueError("outputs must be a Tensor or an iterable of Tensors")

    def unscale_(self, optimizer) -> None:
        if not self._enabled:
            return
        self._check_scale_growth_tracker("unscale_")
        state = self._state(optimizer)
        if state["stage"] is _UNSCALED:
            raise RuntimeError(
                "unscale_() has already been called on this optimizer since the last update()."
            )
        if state["stage"] is _STEPPED:
            raise RuntimeError("unscale_() is being called after step().")
        # the reciprocal in double precision, then float32, as PyTorch's
        # the reciprocal in double precision, then float32, as PyTorch's
        inv_scale = _f32(1.0 / float(self._scale.item()))
        from .. import _ops
        from ..autograd import grad_mode

        finite = []
        with grad_mode.no_grad():
            for group in optimizer.param_groups:
                for p in group["params"]:
                    g = p.grad
                    if g is None:
                        continue
                    if g.dtype is D.float16:
                        raise ValueError("Attempting to unscale FP16 gradients.")
                    finite.append(g.isfinite().all())
                    g.mul_(inv_scale)
            # one read of all the checks (PyTorch's step reads found_inf once too)
            found_inf = bool(finite) and not bool(_ops.FUNCTIONS["stack"](finite).all().item())
        state["found_inf"] = found_inf
        state["stage"] = _UNSCALED

    def step(self, optimizer, *args, **kwargs):
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if "closure" in kwargs:
            raise RuntimeError("Closure use is not currently supported if GradScaler is enabled.")
        self._check_scale_growth_tracker("step")
        state = self._state(optimizer)
        if state["stage"] is _STEPPED:
            raise RuntimeError("step() has already been called since the last update().")
        if state["stage"] is _READY:
            self.unscale_(optimizer)
        if state["found_inf"] is None:
            raise AssertionError("No inf checks were recorded for this optimizer.")
        retval = None
        if not state["found_inf"]:
            retval = optimizer.step(*args, **kwargs)
        state["stage"] = _STEPPED
        return retval

    def update(self, new_scale=None) -> None:
        if not self._enabled:
            return
        self._check_scale_growth_tracker("update")
        from .._tensor import Tensor

        if new_scale is not None:
            if isinstance(new_scale, Tensor):
                if not (new_scale.dtype is D.float32 and new_scale.numel() == 1):
                    raise AssertionError(
                        "new_scale should be a float or a 1-element torch.cuda.FloatTensor or "
                        "torch.FloatTensor with requires_grad=False."
                    )
                value = float(new_scale.item())
            else:
                value = float(new_scale)
            self._set_scale(value)
        else:
            found = [
                s["found_inf"] for s in self._per_optimizer.values() if s["found_inf"] is not None
            ]
            if not found:
                raise AssertionError("No inf checks were recorded prior to update.")
            scale = float(self._scale.item())
            if any(found):
                scale = _f32(scale * self._backoff_factor)
                self._growth_tracker = 0
            else:
                self._growth_tracker += 1
                if self._growth_tracker == self._growth_interval:
                    scale = _f32(scale * self._growth_factor)
                    self._growth_tracker = 0
            self._set_scale(scale)
        self._per_optimizer = {}

    def _set_scale(self, value):
        from ..autograd import grad_mode

        with grad_mode.no_grad():
            self._scale.fill_(value)

    def _check_scale_growth_tracker(self, funcname):
        fix = "This may indicate your script did not use scaler.scale(loss or outputs) earlier."
        if self._scale is None:
            raise AssertionError(f"Attempted {funcname} but _scale is None.  " + fix)
        if self._growth_tracker is None:
            raise AssertionError(f"Attempted {funcname} but _growth_tracker is None.  " + fix)

    # -- accessors -----------------------------------------------------------------------
    def get_scale(self) -> float:
        if not self._enabled:
            return 1.0
        return self._init_scale if self._scale is None else float(self._scale.item())

    def get_growth_factor(self) -> float:
        return self._growth_factor

    def set_growth_factor(self, new_factor: float) -> None:
        self._growth_factor = new_factor

    def get_backoff_factor(self) -> float:
        return self._backoff_factor

    def set_backoff_factor(self, new_factor: float) -> None:
        self._backoff_factor = new_factor

    def get_growth_interval(self) -> int:
        return self._growth_interval

    def set_growth_interval(self, new_interval: int) -> None:
        self._growth_interval = new_interval

    def _get_growth_tracker(self) -> int:
        if not self._enabled:
            return 0
        return self._init_growth_tracker if self._growth_tracker is None else self._growth_tracker

    def is_enabled(self) -> bool:
        return self._enabled

    def state_dict(self) -> dict:
        if not self._enabled:
            return {}
        return {
            "scale": self.get_scale(),
            "growth_factor": self._growth_factor,
            "backoff_factor": self._backoff_factor,
            "growth_interval": self._growth_interval,
            "_growth_tracker": self._get_growth_tracker(),
        }

    def load_state_dict(self, state_dict: dict) -> None:
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError(
                "The source state dict is empty, possibly because it was saved from a disabled "
                "instance of GradScaler."
            )
        self._init_scale = state_dict["scale"]
        if self._scale is not None:
            self._set_scale(state_dict["scale"])
        self._growth_factor = state_dict["growth_factor"]
        self._backoff_factor = state_dict["backoff_factor"]
        self._growth_interval = state_dict["growth_interval"]
        self._init_growth_tracker = state_dict["_growth_tracker"]
        if self._growth_tracker is not None:
            self._growth_tracker = state_dict["_growth_tracker"]


def _f32(x: float) -> float:
    """``x`` rounded to float32, as the scale tensor stores it."""
    import numpy as np

    return float(np.float32(x))


# -- torch.is_autocast_enabled and friends --------------------------------------------------
_BY_NAME = {v: k for k, v in _NAMES.items()}


def is_autocast_enabled(device_type=None) -> bool:
    return _autocast.is_enabled("cuda" if device_type is None else device_type)


def set_autocast_enabled(device_type, enabled=None) -> None:
    if enabled is None:  # the old one-argument form: CUDA
        device_type, enabled = "cuda", device_type
    _autocast.set_enabled(device_type, bool(enabled))


def get_autocast_dtype(device_type):
    return _BY_NAME[_autocast.get_dtype(device_type)]


def set_autocast_dtype(device_type, dtype) -> None:
    _autocast.set_dtype(device_type, _NAMES[dtype])


def _deprecated(old, new):
    warnings.warn(
        f"torch.{old}() is deprecated. Please use torch.{new} instead.",
        DeprecationWarning,
        stacklevel=3,
    )


def get_autocast_cpu_dtype():
    _deprecated("get_autocast_cpu_dtype", "get_autocast_dtype('cpu')")
    return get_autocast_dtype("cpu")


def get_autocast_gpu_dtype():
    _deprecated("get_autocast_gpu_dtype", "get_autocast_dtype('cuda')")
    return get_autocast_dtype("cuda")


def is_autocast_cpu_enabled() -> bool:
    _deprecated("is_autocast_cpu_enabled", "is_autocast_enabled('cpu')")
    return is_autocast_enabled("cpu")


def clear_autocast_cache() -> None:
    _autocast.clear_cache()


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)


def deprecated_spellings(device_type, default_dtype, autocast_module, scaler_module):
    """(autocast, GradScaler) as ``torch.<device_type>.amp`` spells them: the device fixed,
    PyTorch's FutureWarning naming the modern call at construction."""

    class autocast_(autocast):
        def __init__(self, enabled: bool = True, dtype=default_dtype, cache_enabled: bool = True):
            warnings.warn(
                f"`torch.{device_type}.amp.autocast(args...)` is deprecated. Please use "
                f"`torch.amp.autocast('{device_type}', args...)` instead.",
                FutureWarning,
                stacklevel=2,
            )
            super().__init__(device_type, enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)

    class GradScaler_(GradScaler):
        def __init__(
            self,
            init_scale: float = 2.0**16,
            growth_factor: float = 2.0,
            backoff_factor: float = 0.5,
            growth_interval: int = 2000,
            enabled: bool = True,
        ):
            warnings.warn(
                f"`torch.{device_type}.amp.GradScaler(args...)` is deprecated. Please use "
                f"`torch.amp.GradScaler('{device_type}', args...)` instead.",
                FutureWarning,
                stacklevel=2,
            )
            super().__init__(
                device_type,
                init_scale=init_scale,
                growth_factor=growth_factor,
                backoff_factor=backoff_factor,
                growth_interval=growth_interval,
                enabled=enabled,
            )

    for cls, name, module in (
        (autocast_, "autocast", autocast_module),
        (GradScaler_, "GradScaler", scaler_module),
    ):
        cls.__name__ = cls.__qualname__ = name
        cls.__module__ = module
    return autocast_, GradScaler_
