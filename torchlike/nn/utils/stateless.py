"""``torch.nn.utils.stateless``: the deprecated spelling of ``torch.func.functional_call``."""

from __future__ import annotations

import warnings

from torchlike._missing import module_getattr as _module_getattr

from ...func import functional_call as _functional_call

__all__ = ["functional_call"]


def functional_call(
    module, parameters_and_buffers, args=None, kwargs=None, *, tie_weights=True, strict=False
):
    """Deprecated since PyTorch 2.0: ``torch.func.functional_call`` with the same arguments."""
    warnings.warn(
        "`torch.nn.utils.stateless.functional_call` is deprecated as of PyTorch 2.0 and will be "
        "removed in a future version of PyTorch. Please use `torch.func.functional_call` "
        "instead which is a drop-in replacement.",
        FutureWarning,
        stacklevel=2,
    )
    return _functional_call(
        module, parameters_and_buffers, args, kwargs, tie_weights=tie_weights, strict=strict
    )


__getattr__ = _module_getattr(__name__)
