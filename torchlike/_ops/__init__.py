"""The op table (table.py and its family files), how an op runs (core.py), PyTorch's signatures
(frontend.py and the family signature modules) and the generator of every public form
(variants.py).

Importing this package imports every signature module, then generates each declared op's forms
once: ``FUNCTIONS`` (``torch.X``) and ``METHODS`` (``Tensor.X``, ``Tensor.X_``, dunders).
``torchlike/_methods.py`` attaches the methods to Tensor.
"""

from . import (
    everyday,
    frontend,  # noqa: F401 - signature modules register their declarations on import
    linalg,  # noqa: F401
    spectral,  # noqa: F401
    statistics,  # noqa: F401
)
from .core import Op, apply
from .frontend import FUNCTIONS, METHODS, PROPERTIES
from .table import OPS, SCALAR_AS_VECTOR, scalar_as_vector
from .variants import generate

scalar_as_vector(SCALAR_AS_VECTOR)

generate(FUNCTIONS, METHODS)
FUNCTIONS.update(everyday.torch_inplace_functions(METHODS))  # torch.abs_(x) …
# x += y is x.add_(y): the in-place dunders are the generated in-place forms
for _dunder, _name in {
    "__iadd__": "add",
    "__isub__": "sub",
    "__imul__": "mul",
    "__itruediv__": "div",
    "__ipow__": "pow",
    "__ifloordiv__": "floor_divide",
    "__imod__": "remainder",
    "__iand__": "bitwise_and",
    "__ior__": "bitwise_or",
    "__ixor__": "bitwise_xor",
    "__ilshift__": "bitwise_left_shift",
    "__irshift__": "bitwise_right_shift",
}.items():
    METHODS[_dunder] = METHODS[_name + "_"]

__all__ = ["OPS", "Op", "apply", "FUNCTIONS", "METHODS", "PROPERTIES"]
