"""``torch.backends.cudnn``: cuDNN's flags; torchlike's convolutions are XLA's, never cuDNN's.

``is_available()`` is False and ``version()`` None, as on a CPU-only PyTorch build.  The flags
are type-checked and kept in ``torchlike._config`` so code that sets ``deterministic`` or
``benchmark`` and reads them back sees what it wrote.
"""

import sys
import types
from contextlib import contextmanager

from ... import _config


def is_available() -> bool:
    return False


def version():
    return None


def is_acceptable(tensor) -> bool:
    return False


def _flag(name):
    def get(self):
        return _config.cudnn[name]

    def set_(self, value):
        _config.set_cudnn_flag(name, value)

    return property(get, set_)


class _CudnnModule(types.ModuleType):
    enabled = _flag("enabled")
    benchmark = _flag("benchmark")
    deterministic = _flag("deterministic")
    allow_tf32 = _flag("allow_tf32")
    benchmark_limit = None  # PyTorch has it only where cuDNN is available


@contextmanager
def flags(
    enabled=False,
    benchmark=False,
    benchmark_limit=10,
    deterministic=False,
    allow_tf32=True,
    fp32_precision="none",
    depthwise_kernel="auto",
):
    # benchmark_limit, fp32_precision and depthwise_kernel steer cuDNN's kernel choice only
    saved = dict(_config.cudnn)
    try:
        for name, value in (
            ("enabled", enabled),
            ("benchmark", benchmark),
            ("deterministic", deterministic),
            ("allow_tf32", allow_tf32),
        ):
            _config.set_cudnn_flag(name, value)
        yield
    finally:
        _config.cudnn.update(saved)


sys.modules[__name__].__class__ = _CudnnModule


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
