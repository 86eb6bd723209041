"""torch.nn.parallel: DataParallel (a single-device pass-through) and DistributedDataParallel
(which needs a process group; torchlike has none, so it raises PyTorch's error)."""

from torchlike._missing import module_getattr as _module_getattr

from .data_parallel import DataParallel, data_parallel  # noqa: F401
from .distributed import DistributedDataParallel  # noqa: F401

__all__ = ["DataParallel", "DistributedDataParallel", "data_parallel"]

# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
__getattr__ = _module_getattr(__name__)
