"""``torch.onnx``: only what training scripts touch without exporting.

Programs such as pytorch/examples' word_language_model ``import torch.onnx`` at the top and export
only behind a flag, and model code asks ``is_in_onnx_export()`` to pick its eager path.  There is
no ONNX graph to export from JAX here, so ``torch.onnx.export`` is a missing name: using it fails
with the missing-name AttributeError (and the porting report lists it), importing does not.
"""

from __future__ import annotations


def is_in_onnx_export() -> bool:
    return False


__all__ = ["is_in_onnx_export"]


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
