"""torch.nn.utils: gradient clipping, parameter/vector conversion, sequence packing,
parametrizations and the hook-based weight_norm / spectral_norm."""

from torchlike._missing import module_getattr as _module_getattr

from . import fusion, parametrizations, parametrize, rnn, stateless  # noqa: F401
from .clip_grad import (  # noqa: F401
    clip_grad_norm,
    clip_grad_norm_,
    clip_grad_value_,
    clip_grads_with_norm_,
    get_total_norm,
)
from .convert_parameters import parameters_to_vector, vector_to_parameters  # noqa: F401
from .fusion import (  # noqa: F401
    fuse_conv_bn_eval,
    fuse_conv_bn_weights,
    fuse_linear_bn_eval,
    fuse_linear_bn_weights,
)
from .spectral_norm import remove_spectral_norm, spectral_norm  # noqa: F401
from .weight_norm import remove_weight_norm, weight_norm  # noqa: F401

# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
__getattr__ = _module_getattr(__name__)
