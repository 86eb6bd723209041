"""torch.nn.modules.flatten: Flatten and Unflatten (defined in linear.py), under PyTorch's
module path."""

from ._paths import adopt
from .linear import Flatten, Unflatten

__all__ = ["Flatten", "Unflatten"]
adopt(__name__, Flatten, Unflatten)
