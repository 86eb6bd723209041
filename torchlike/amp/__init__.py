"""``torch.amp``: mixed-precision autocast and gradient scaling, as far as torchlike goes.

On a machine without CUDA, PyTorch turns a CUDA ``autocast`` and a CUDA ``GradScaler`` into
no-ops with a warning; training scripts rely on that (``@autocast()`` on ``forward``,
``scaler.scale(loss).backward()``), and torchlike does exactly the same.  An autocast or scaler
that would really be active (CPU autocast, or CUDA when JAX has a GPU) is not implemented:
it raises instead of silently computing in float32 where PyTorch would use float16/bfloat16.
"""

from __future__ import annotations

import functools
import warnings

from .. import _dtype as D
from .. import _size

__all__ = ["GradScaler", "autocast", "is_autocast_available"]

_AUTOCAST_DEVICES = ("cpu", "cuda")


def is_autocast_available(device_type: str) -> bool:
    return device_type in _AUTOCAST_DEVICES


def _not_implemented(what: str) -> NotImplementedError:
    return NotImplementedError(
        f"torchlike does not provide an active {what} yet (ops would not change dtype as in "
        "PyTorch); pass enabled=False"
    )


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
        self.fast_dtype = (
            dtype if dtype is not None else (D.float16 if device_type == "cuda" else D.bfloat16)
        )
        self._cache_enabled = True if cache_enabled is None else cache_enabled
        self._enabled = enabled
        if enabled and device_type == "cuda" and not _size.jax_gpus():
            warnings.warn(
                "CUDA is not available or torch_xla is imported. Disabling autocast.", stacklevel=2
            )
            self._enabled = False
        if self._enabled:
            raise _not_implemented(f"{device_type} autocast")

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)

        return decorate_autocast


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
            raise _not_implemented(f"{device} GradScaler")
        self._init_scale = init_scale
        self._growth_factor = growth_factor
        self._backoff_factor = backoff_factor
        self._growth_interval = growth_interval

    # A disabled scaler passes everything through, as PyTorch's does.
    def scale(self, outputs):
        return outputs

    def unscale_(self, optimizer):
        return None

    def step(self, optimizer, *args, **kwargs):
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None):
        return None

    def get_scale(self) -> float:
        return 1.0

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

    def is_enabled(self) -> bool:
        return self._enabled

    def state_dict(self) -> dict:
        return {}

    def load_state_dict(self, state_dict: dict) -> None:
        return None


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
