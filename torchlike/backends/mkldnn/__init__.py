"""``torch.backends.mkldnn`` (oneDNN): XLA:CPU does not use it; the flags are kept as settable."""

import sys
import types
from contextlib import contextmanager


def is_available() -> bool:
    return False


class _MkldnnModule(types.ModuleType):
    enabled = False
    deterministic = False


@contextmanager
def flags(enabled=False, deterministic=False):
    mod = sys.modules[__name__]
    saved = (mod.enabled, mod.deterministic)
    mod.enabled, mod.deterministic = enabled, deterministic
    try:
        yield
    finally:
        mod.enabled, mod.deterministic = saved


sys.modules[__name__].__class__ = _MkldnnModule


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
