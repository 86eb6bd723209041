"""``torch.backends.mps``: Apple's Metal backend, which torchlike (on JAX) never has."""


def is_built() -> bool:
    return False


def is_available() -> bool:
    return False


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
