"""torch.utils.hooks: the handle every ``register_*hook`` returns."""

from ..autograd.graph import RemovableHandle

__all__ = ["RemovableHandle"]
