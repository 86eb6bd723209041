"""``torch.cpu.amp``: the deprecated CPU spellings of ``torch.amp.autocast('cpu')`` and
``torch.amp.GradScaler('cpu')``."""

from .autocast_mode import autocast
from .grad_scaler import GradScaler

__all__ = ["autocast", "GradScaler"]

# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
