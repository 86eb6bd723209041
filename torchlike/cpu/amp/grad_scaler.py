"""``torch.cpu.amp.GradScaler``: the deprecated spelling of ``torch.amp.GradScaler('cpu')``."""

from __future__ import annotations

from .autocast_mode import _SPELLINGS

__all__ = ["GradScaler"]


GradScaler = _SPELLINGS[1]
