"""``torch.cuda.amp``: the deprecated CUDA spellings of ``torch.amp.autocast('cuda')`` and
``torch.amp.GradScaler('cuda')``, still in many model repositories."""

from __future__ import annotations

from .. import _dtype as D
from .. import amp as _amp

__all__ = ["GradScaler", "autocast"]


autocast, GradScaler = _amp.deprecated_spellings("cuda", D.float16, __name__, __name__)


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
