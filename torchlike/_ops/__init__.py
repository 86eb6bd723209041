"""The op table (table.py), how an op runs (core.py) and PyTorch's signatures (frontend.py)."""

from .._tensor import Tensor
from .core import Op, apply
from .frontend import FUNCTIONS, METHODS, PROPERTIES
from .table import OPS


def _install_methods():
    for name, fn in METHODS.items():
        setattr(Tensor, name, fn)
    for name, fn in PROPERTIES.items():
        setattr(Tensor, name, property(fn))


_install_methods()

__all__ = ["OPS", "Op", "apply", "FUNCTIONS", "METHODS"]
