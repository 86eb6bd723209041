"""torch.sparse: COO tensors as GCN-style code uses them (``torch.sparse_coo_tensor``, the
legacy ``torch.sparse.FloatTensor(indices, values, size)``, ``to_sparse``/``to_dense``,
``coalesce``, ``torch.sparse.mm`` / ``torch.spmm`` / ``torch.mm`` with gradients to the dense
operand and to the values, ``torch.sparse.sum``, ``torch.sparse.softmax`` / ``log_softmax``).  The tensor itself is in ``_coo.py``."""

from __future__ import annotations

import functools
import warnings

from torchlike._missing import module_getattr as _module_getattr

from .. import _layout
from .._factories import zeros
from .._layout import DTYPE_OF_TYPE
from .._tensor import Tensor
from ._coo import SparseCOOTensor, build, dense_to_sparse, not_supported, warn_invariants_once
from ._coo import dense_mm as _dense_mm
from ._coo import mm as _mm
from ._coo import sparse_softmax as _sparse_softmax
from ._coo import sparse_sum as _sparse_sum

__all__ = ["log_softmax", "mm", "softmax", "sum", "spmm", "sparse_coo_tensor"]


def sparse_coo_tensor(
    indices,
    values,
    size=None,
    *,
    dtype=None,
    device=None,
    pin_memory=False,
    requires_grad=False,
    check_invariants=None,
    is_coalesced=None,
):
    warn_invariants_once()
    t = build(indices, values, size, dtype=dtype, device=device, requires_grad=requires_grad)
    if is_coalesced:
        t._sp_coalesced = True
    return t


def mm(mat1, mat2, reduce="sum"):
    """``torch.sparse.mm``: PyTorch computes it as addmm into zeros (``SparseAddmmBackward0``)."""
    if reduce != "sum":
        raise not_supported("_sparse_mm_reduce_impl")
    return _mm(mat1, mat2, node="sparse")


def spmm(input, mat2):
    return _mm(input, mat2)


def sum(input, dim=None, dtype=None):  # noqa: A001 - PyTorch's name
    return _sparse_sum(input, dim, dtype)


def softmax(input, dim, *, dtype=None):
    return _sparse_softmax(input, dim, dtype)


def log_softmax(input, dim, *, dtype=None):
    return _sparse_softmax(input, dim, dtype, log=True)


def is_sparse(t):
    return isinstance(t, SparseCOOTensor)


def sparse_first(dense_fn):
    """``torch.mm`` / ``torch.matmul`` taking a sparse first operand to the sparse kernel."""

    def fn(*args, **kwargs):
        if len(args) == 2 and not kwargs:
            input, other = args
            if isinstance(input, SparseCOOTensor):
                return _mm(input, other)
            if isinstance(other, SparseCOOTensor) and isinstance(input, Tensor):
                return _dense_mm(input, other)
        return dense_fn(*args, **kwargs)

    # the dense function's name and signature (its ``out=`` included)
    return functools.wraps(dense_fn)(fn)


# ---------------------------------------------------------------- legacy sparse tensor types
class _sparse_tensortype(type):  # noqa: N801
    """``torch.sparse.FloatTensor`` and friends: deprecated constructors of COO tensors."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, SparseCOOTensor) and obj.dtype is cls.dtype

    def __repr__(cls):
        return f"<class 'torch.sparse.{cls.__qualname__}'>"

    def __call__(cls, *args, device=None):
        if len(args) >= 2 and isinstance(args[0], Tensor) and isinstance(args[1], Tensor):
            indices, values, *rest = args
            shape = ", shape" if rest else ""
            _warn_once(
                f"torch.sparse.SparseTensor(indices, values{shape}, *, device=) is deprecated.  "
                f"Please use torch.sparse_coo_tensor(indices, values{shape}, dtype=, device=)."
            )
            size = rest[0] if rest else None
            return build(indices, values, size, device=device, legacy=True)
        sizes = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
        _warn_once(
            "torch.sparse.SparseTensor(shape, *, device=) is deprecated.  Please use "
            "torch.sparse_coo_tensor(shape, dtype=, device=)."
        )
        return _empty(tuple(int(s) for s in sizes), cls.dtype, device)


_WARNED = set()


def _warn_once(message):
    # PyTorch's TORCH_WARN_ONCE: each deprecation message once per process
    if message not in _WARNED:
        _WARNED.add(message)
        warnings.warn(message, UserWarning, stacklevel=3)


def _empty(size, dtype, device=None):
    indices = zeros(len(size), 0, dtype=DTYPE_OF_TYPE["LongTensor"], device=device)
    values = zeros(0, dtype=dtype, device=device)
    return SparseCOOTensor._new(indices, values, size, coalesced=True)


def _legacy_type(name, dtype):
    return _sparse_tensortype(
        name,
        (),
        {"dtype": dtype, "is_sparse": True, "layout": _layout.sparse_coo, "__qualname__": name},
    )


for _name, _d in DTYPE_OF_TYPE.items():
    globals()[_name] = _legacy_type(_name, _d)
del _name, _d


# ------------------------------------------------------ the dense Tensor's sparse conversions
def _to_sparse(self, *args, layout=None, blocksize=None, dense_dim=None, **kwargs):
    if layout is not None and layout is not _layout.sparse_coo:
        raise not_supported("_to_sparse_csr")
    sparse_dim = args[0] if args else kwargs.pop("sparse_dim", None)
    return dense_to_sparse(self, sparse_dim)


def _to_dense(self, dtype=None, *, masked_grad=None):
    return self if dtype is None or dtype is self.dtype else self.to(dtype)


# Tensor's sparse conversions live with the sparse layout they produce.
Tensor.to_sparse = _to_sparse
Tensor.to_sparse_coo = lambda self: dense_to_sparse(self)
Tensor.to_dense = _to_dense

# A torch.sparse name torchlike lacks: an AttributeError naming it and the nearest supported name.
__getattr__ = _module_getattr(__name__)
