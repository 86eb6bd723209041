"""torch.nn.modules.instancenorm: the instance norms (defined in normalization.py), under
PyTorch's module path."""

from ._paths import adopt
from .normalization import (
    InstanceNorm1d,
    InstanceNorm2d,
    InstanceNorm3d,
    LazyInstanceNorm1d,
    LazyInstanceNorm2d,
    LazyInstanceNorm3d,
    _InstanceNorm,
)

__all__ = [
    "InstanceNorm1d",
    "InstanceNorm2d",
    "InstanceNorm3d",
    "LazyInstanceNorm1d",
    "LazyInstanceNorm2d",
    "LazyInstanceNorm3d",
]
adopt(__name__, _InstanceNorm, *(globals()[n] for n in __all__))
