"""torch.nn (functional only for now; modules are a later issue)."""

from . import functional  # noqa: F401
