"""parameters_to_vector / vector_to_parameters."""

from __future__ import annotations

from ..._ops import frontend as _f
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad


def parameters_to_vector(parameters):
    return _f.cat([p.view(-1) for p in parameters])


def vector_to_parameters(vec, parameters):
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    offset = 0
    with no_grad():
        for p in parameters:
            n = p.numel()
            p.copy_(vec[offset : offset + n].view_as(p))
            offset += n
