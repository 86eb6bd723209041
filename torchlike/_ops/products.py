"""Matrix-product signatures: mm, bmm, mv, dot, matmul, addmm, einsum, outer, cross,
dist/cdist.
"""

from __future__ import annotations

from .._tensor import _wrap_dim
from .core import apply
from .signatures import (
    export,
)
from .table import OPS


@export(out=True)
def mm(input, mat2):
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({input.shape[0]}x{input.shape[1]} and "
            f"{mat2.shape[0]}x{mat2.shape[1]})"
        )
    return apply(OPS["mm"], (input, mat2))


@export(out=True)
def bmm(input, mat2):
    return apply(OPS["bmm"], (input, mat2))


@export(out=True)
def mv(input, vec):
    return apply(OPS["mv"], (input, vec))


@export(out=True)
def dot(input, tensor):
    return apply(OPS["dot"], (input, tensor))


@export("matmul", out=True)
def matmul(input, other):
    a, b = input.ndim, other.ndim
    if a == 0 or b == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a}D and {b}D"
        )
    if a == 1 and b == 1:
        return dot(input, other)
    if a == 2 and b == 1:
        return mv(input, other)
    if a == 2 and b == 2:
        return mm(input, other)
    if a == 1 and b == 2:
        return apply(OPS["mm"], (input.unsqueeze(0), other)).squeeze(0)
    return apply(OPS["matmul_nd"], (input, other))


@export(out=True)
def outer(input, vec2):
    return input.reshape(-1, 1) * vec2


@export(inplace=True, out=True)
def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    return apply(OPS["addmm"], (input, mat1, mat2), (("beta", beta), ("alpha", alpha)))


@export(method=False)
def einsum(equation, *operands):
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return apply(OPS["einsum"], tuple(operands), (("equation", equation),))


@export(out=True)
def cross(input, other, dim=None):
    if dim is None:
        dim = next(i for i, s in enumerate(input.shape) if s == 3)
    return apply(OPS["cross"], (input, other), (("dim", _wrap_dim(dim, input.ndim)),))


@export()
def dist(input, other, p=2):
    return apply(OPS["dist"], (input, other), (("p", p),))


@export(method=False)
def cdist(x1, x2, p=2.0, compute_mode=None):
    return apply(OPS["cdist"], (x1, x2), (("p", p),))
