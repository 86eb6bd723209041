"""``torch.cpu.amp.autocast``: the deprecated spelling of ``torch.amp.autocast('cpu')``."""

from __future__ import annotations

import warnings

from ... import _dtype as D
from ... import amp as _amp

__all__ = ["autocast"]


class autocast(_amp.autocast):
    def __init__(self, enabled: bool = True, dtype=D.bfloat16, cache_enabled: bool = True):
        warnings.warn(
            "`torch.cpu.amp.autocast(args...)` is deprecated. Please use "
            "`torch.amp.autocast('cpu', args...)` instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__("cpu", enabled=enabled, dtype=dtype, cache_enabled=cache_enabled)
