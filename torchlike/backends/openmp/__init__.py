"""``torch.backends.openmp``: XLA:CPU runs its own thread pool, not OpenMP."""


def is_available() -> bool:
    return False


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
