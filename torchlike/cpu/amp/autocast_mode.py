"""``torch.cpu.amp.autocast``: the deprecated spelling of ``torch.amp.autocast('cpu')``."""

from __future__ import annotations

from ... import _dtype as D
from ... import amp as _amp

__all__ = ["autocast"]


# (both classes at once; grad_scaler.py takes the GradScaler)
_SPELLINGS = _amp.deprecated_spellings(
    "cpu", D.bfloat16, "torchlike.cpu.amp.autocast_mode", "torchlike.cpu.amp.grad_scaler"
)
autocast = _SPELLINGS[0]
