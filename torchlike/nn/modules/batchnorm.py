"""torch.nn.modules.batchnorm: the batch norms (defined with the other norms in normalization.py),
under PyTorch's module path: code imports ``nn.modules.batchnorm._BatchNorm``, and a pickled
model names its classes by this path."""

from ._paths import adopt
from .normalization import (
    BatchNorm1d,
    BatchNorm2d,
    BatchNorm3d,
    LazyBatchNorm1d,
    LazyBatchNorm2d,
    LazyBatchNorm3d,
    SyncBatchNorm,
    _BatchNorm,
    _LazyNormBase,
    _NormBase,
)

__all__ = [
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNorm3d",
    "LazyBatchNorm1d",
    "LazyBatchNorm2d",
    "LazyBatchNorm3d",
    "SyncBatchNorm",
]
adopt(__name__, _NormBase, _BatchNorm, _LazyNormBase, *(globals()[n] for n in __all__))
