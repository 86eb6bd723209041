"""``torch.utils.tensorboard``: needs the ``tensorboard`` package, as PyTorch's does.

Without it, importing this module raises the same ``ModuleNotFoundError`` (``No module named
'tensorboard'``) that PyTorch's raises.  torchlike does not provide ``SummaryWriter`` on top of
an installed tensorboard yet: with the package present the import succeeds and asking for
``SummaryWriter`` says so.  (A module rather than PyTorch's package, so that walking
torchlike's packages does not need tensorboard.)
"""

import tensorboard as _tensorboard

from torchlike._missing import module_getattr as _module_getattr


def _version_tuple(text):
    parts = []
    for piece in text.split(".")[:2]:
        digits = "".join(c for c in piece if c.isdigit()) or "0"
        parts.append(int(digits))
    return tuple(parts)


if not hasattr(_tensorboard, "__version__") or _version_tuple(_tensorboard.__version__) < (1, 15):
    raise ImportError("TensorBoard logging requires TensorBoard version 1.15 or above")

del _tensorboard

__getattr__ = _module_getattr(__name__)
