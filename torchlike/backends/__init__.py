"""``torch.backends``: the flags scripts set up front (cudnn, cuda.matmul, mps, …).

Each submodule answers as a CPU-only PyTorch build does unless JAX has a GPU; the numeric
settings themselves live once, in ``torchlike._config``.
"""

# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

from . import cpu, cuda, cudnn, mkl, mkldnn, mps, openmp  # noqa: F401

__getattr__ = _module_getattr(__name__)
