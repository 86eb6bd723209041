"""torch.nn: Module, Parameter, the layers, nn.functional and nn.init."""

from . import (  # noqa: F401
    functional,
    init,
    modules,  # noqa: F401
)
from .modules import *  # noqa: F401,F403
from .modules.module import Module  # noqa: F401
from .parameter import Buffer, Parameter  # noqa: F401
