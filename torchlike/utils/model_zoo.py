"""``torch.utils.model_zoo``: the old home of ``load_url`` (``torch.hub.load_state_dict_from_url``),
which older model definitions still import (``model_zoo.load_url(model_urls["resnet18"])``)."""

from ..hub import load_state_dict_from_url as load_url  # noqa: F401

__all__ = ["load_url"]

# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
