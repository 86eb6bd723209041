"""torch.autograd: backward, grad, Function, grad modes, gradcheck."""

from . import function, graph  # noqa: F401
from . import gradcheck as _gradcheck_module
from .engine import backward, compile_count, grad
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .gradcheck import GradcheckError, gradgradcheck
from .variable import Variable

# ``torch.autograd.gradcheck`` is the function; the module (with GradcheckError) stays
# importable as ``torchlike.autograd.gradcheck`` through sys.modules, as in PyTorch.
gradcheck = _gradcheck_module.gradcheck

__all__ = ["backward", "grad", "Function", "FunctionCtx", "once_differentiable", "no_grad",
           "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled", "gradcheck", "gradgradcheck", "GradcheckError",
           "compile_count", "Variable"]


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
