"""``torch.signal``: signal-processing helpers; so far its ``windows``."""

from .._missing import module_getattr as _module_getattr
from . import windows  # noqa: F401

__getattr__ = _module_getattr(__name__)
