"""torch.nn: Module, Parameter, the layers, nn.functional, nn.init and nn.utils."""

from torchlike._missing import module_getattr as _module_getattr

from . import attention, functional, grad, init, modules, parallel, utils  # noqa: F401
from .modules import *  # noqa: F401,F403
from .modules.module import Module  # noqa: F401
from .parallel import DataParallel  # noqa: F401
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter  # noqa: F401

# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
__getattr__ = _module_getattr(__name__)
