"""Anomaly detection: ``torch.autograd.detect_anomaly`` / ``set_detect_anomaly``.

With nan checking on, a backward runs uncompiled, rule by rule on concrete values, and the first
node whose gradients hold a nan stops it with PyTorch's error ("Function 'SqrtBackward0'
returned nan values in its 0th output.").  The forward-call traceback PyTorch adds as a warning
is not recorded.
"""

from __future__ import annotations

import warnings

import jax.numpy as jnp

__all__ = [
    "detect_anomaly",
    "set_detect_anomaly",
    "is_anomaly_enabled",
    "is_anomaly_check_nan_enabled",
    "set_anomaly_enabled",
]

_state = {"enabled": False, "check_nan": True}


def is_anomaly_enabled():
    return _state["enabled"]


def is_anomaly_check_nan_enabled():
    return _state["check_nan"]


def set_anomaly_enabled(enabled, check_nan=True):
    _state["enabled"] = bool(enabled)
    _state["check_nan"] = bool(check_nan)


def checks_nan():
    """Whether backward passes must look for nan gradients (the engine's question)."""
    return _state["enabled"] and _state["check_nan"]


class detect_anomaly:  # noqa: N801 - PyTorch's name
    """Context manager that enables anomaly detection inside it (and warns that it is slow)."""

    def __init__(self, check_nan=True):
        self.prev = is_anomaly_enabled()
        self.check_nan = check_nan
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        warnings.warn(
            "Anomaly Detection has been enabled. This mode will increase the runtime and should "
            "only be enabled for debugging.",
            stacklevel=2,
        )

    def __enter__(self):
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *args):
        set_anomaly_enabled(self.prev, self.prev_check_nan)


class set_detect_anomaly:  # noqa: N801 - PyTorch's name
    """Sets anomaly detection on or off at once; as a context manager, restores it on exit."""

    def __init__(self, mode, check_nan=True):
        self.prev = is_anomaly_enabled()
        self.prev_check_nan = is_anomaly_check_nan_enabled()
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *args):
        set_anomaly_enabled(self.prev, self.prev_check_nan)


class NanCheck:
    """A backward walk's ``run`` (arrays or Tensors) whose node rules raise PyTorch's error on
    the first nan gradient; everything else is the wrapped run's."""

    def __init__(self, run, nodes):
        self._run = run
        self._nodes = nodes

    def __getattr__(self, name):
        return getattr(self._run, name)

    def rule(self, i, step, vals, outs, present):
        grads = self._run.rule(i, step, vals, outs, present)
        for k, g in enumerate(grads):
            v = getattr(g, "_value", g)
            if v is not None and jnp.issubdtype(v.dtype, jnp.inexact) and bool(jnp.isnan(v).any()):
                name = type(self._nodes[i]).__name__
                raise RuntimeError(f"Function '{name}' returned nan values in its {k}th output.")
        return grads
