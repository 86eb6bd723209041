"""torch.autograd: backward, grad, Function, grad modes, gradcheck.

The package spans two layers: ``graph`` and ``grad_mode`` sit below Tensor (every tensor holds a
node and reads the grad mode), while ``engine``, ``function``, ``inplace`` and ``gradcheck`` sit
above the op layer.  So importing the package loads only the low half; ``torchlike/__init__``
calls ``load_upper()`` once the ops exist, and a name used before that loads on first use.
"""

import importlib

from . import anomaly_mode, grad_mode, graph  # noqa: F401
from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)

# public name -> the upper module that defines it
_UPPER = {
    "backward": "engine",
    "grad": "engine",
    "compile_count": "engine",
    "Function": "function",
    "FunctionCtx": "function",
    "once_differentiable": "function",
    "gradcheck": "gradcheck",
    "gradgradcheck": "gradcheck",
    "GradcheckError": "gradcheck",
    "Variable": "variable",
    "functional": None,  # None: the submodule of that name itself (torch.autograd.functional)
    "forward_ad": None,
}

__all__ = [
    "backward",
    "grad",
    "Function",
    "FunctionCtx",
    "once_differentiable",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "inference_mode",
    "is_grad_enabled",
    "is_inference_mode_enabled",
    "gradcheck",
    "gradgradcheck",
    "GradcheckError",
    "compile_count",
    "Variable",
    "detect_anomaly",
    "set_detect_anomaly",
]


def load_upper():
    """Load the modules above the op layer and bind their public names here."""
    for name, module in _UPPER.items():
        loaded = importlib.import_module(f"{__name__}.{module or name}")
        globals()[name] = loaded if module is None else getattr(loaded, name)
    # binding after the imports matters for ``gradcheck``: importing the submodule of that name
    # set this attribute to the module; ``torch.autograd.gradcheck`` is the function, and the
    # module stays importable through sys.modules, as in PyTorch


def __getattr__(name):
    if name in _UPPER:
        load_upper()
        return globals()[name]
    return _missing_getattr(name)


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

_missing_getattr = _module_getattr(__name__)
