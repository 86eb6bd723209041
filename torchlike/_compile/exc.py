"""PyTorch's ``torch._dynamo.exc`` exception classes (the ones ``torch.compile`` raises)."""

from __future__ import annotations

__all__ = ["TorchDynamoException", "Unsupported", "UserError", "InvalidBackend", "RecompileError"]


class TorchDynamoException(RuntimeError):
    pass


class Unsupported(TorchDynamoException):
    """What ``fullgraph=True`` raises for code that cannot be captured in one graph."""


class UserError(TorchDynamoException):
    pass


class InvalidBackend(TorchDynamoException):
    def __init__(self, name):
        super().__init__(
            f"Invalid backend: {name!r}, see `torch._dynamo.list_backends()` for available "
            "backends."
        )


class RecompileError(TorchDynamoException):
    pass
