import platform

"""``torch.backends.cpu``."""


def get_cpu_capability() -> str:
    # XLA:CPU picks its vector ISA itself; report the baseline every x86-64 build of it targets
    return "AVX2" if platform.machine().lower() in ("x86_64", "amd64") else "DEFAULT"


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
