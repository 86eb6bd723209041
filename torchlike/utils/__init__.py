"""``torch.utils``: data loading (``torch.utils.data``) and activation checkpointing
(``torch.utils.checkpoint``)."""

# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

from . import checkpoint, data, hooks  # noqa: F401

__getattr__ = _module_getattr(__name__)
