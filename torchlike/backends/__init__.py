"""``torch.backends``: the flags scripts set up front (cudnn, cuda.matmul, mps, …).

Each submodule answers as a CPU-only PyTorch build does unless JAX has a GPU; the numeric
settings themselves live once, in ``torchlike._config``.
"""

from . import cpu, cuda, cudnn, mkl, mkldnn, mps, openmp  # noqa: F401
