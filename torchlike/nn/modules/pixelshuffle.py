"""torch.nn.modules.pixelshuffle: PixelShuffle and PixelUnshuffle (defined in upsampling.py),
under PyTorch's module path."""

from ._paths import adopt
from .upsampling import PixelShuffle, PixelUnshuffle

__all__ = ["PixelShuffle", "PixelUnshuffle"]
adopt(__name__, PixelShuffle, PixelUnshuffle)
