"""Sparse COO tensors: a Tensor whose layout is ``torch.sparse_coo``, holding ``indices`` (an
int64 ``(sparse_dim, nnz)`` tensor) and ``values`` (a dense ``(nnz, *dense_dims)`` tensor).

The values tensor carries the autograd history: a sparse tensor built from values that require
grad is a non-leaf whose ``grad_fn`` is the values' node (``SparseCooTensorWithDims...``), and
the sparse kernels here (``mm``, ``to_dense``, ``coalesce``, ``sparse.sum``) are op-table entries
whose operands are the values and the dense tensors, so gradients reach both as in PyTorch.

A sparse tensor has no dense storage: a dense op handed one (``torch.exp(s)``, ``s.view(-1)``)
fails reading it with PyTorch's "Could not run 'aten::<op>' with arguments from the
'SparseCPU' backend" instead of computing on the values array.
"""

from __future__ import annotations

import sys

import jax
import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .. import _printing, _warnings
from .._factories import zeros
from .._layout import sparse_coo
from .._ops.core import Op, apply
from .._size import Size
from .._tensor import Tensor, _wrap_dim
from ..autograd import grad_mode

_BACKEND_MESSAGE = (
    "Could not run 'aten::{name}' with arguments from the 'SparseCPU' backend. This could be "
    "because the operator doesn't exist for this backend, or was omitted during the "
    "selective/custom build process (if using custom build). If you are a Facebook employee "
    "using PyTorch on mobile, please visit https://fburl.com/ptmfixes for possible resolutions."
)


def not_supported(name):
    return NotImplementedError(_BACKEND_MESSAGE.format(name=name))


def _calling_op_name():
    """The op-table entry whose ``apply`` is reading a sparse operand (for the error message
    only): the nearest caller frame holding an ``Op`` named ``op``."""
    frame = sys._getframe(2)
    for _ in range(6):
        if frame is None:
            break
        op = frame.f_locals.get("op")
        if isinstance(op, Op):
            return op.name
        frame = frame.f_back
    return "_unknown_op"


class _NoDenseStorage:
    """What a sparse tensor has instead of a dense storage: reading it is the error a dense
    kernel gives on a sparse operand."""

    __slots__ = ("gen", "version", "__weakref__")

    def __init__(self):
        self.gen = 0
        self.version = 0

    @property
    def data(self):
        raise not_supported(_calling_op_name())

    @property
    def pending(self):
        raise not_supported(_calling_op_name())


# ---------------------------------------------------------------------------------- kernels
def _identity(values):
    return values


def _spmm(values, dense, rows, cols, *, n_rows):
    return jax.ops.segment_sum(values[:, None] * dense[cols], rows, num_segments=n_rows)


def _dense_spmm(dense, values, rows, cols, *, n_cols):
    contrib = (dense[:, rows] * values).T
    return jax.ops.segment_sum(contrib, cols, num_segments=n_cols).T


def _spmm_addmm(zero, values, dense, rows, cols, *, n_rows):
    return _spmm(values, dense, rows, cols, n_rows=n_rows)


def _to_dense(values, indices, *, size):
    out = jnp.zeros(size, values.dtype)
    return out.at[tuple(indices)].add(values)


def _segment_sum(values, segments, *, n):
    return jax.ops.segment_sum(values, segments, num_segments=n)


def _merge_add(vt, vs, slot_t, slot_s, *, n, alpha):
    out = jnp.zeros((n,) + vt.shape[1:], vt.dtype)
    return out.at[slot_t].add(vt).at[slot_s].add(vs * alpha if alpha != 1 else vs)


def _sum_rows(values):
    return jnp.sum(values, axis=0)


def _gather(dense, indices):
    return dense[tuple(indices)]


# Each kernel once, with PyTorch's node name; the indices are operands past ``edges`` (no
# gradient, never in next_functions).  The entry names are private: apply() gives some public
# op names special paths (host arithmetic for "add", autocast lists) meant for dense operands.
_CREATE = Op("_sparse_coo_tensor", _identity, "SparseCooTensorWithDimsAndTensorsBackward0")
_VALUES = Op("_sparse_values", _identity, "ValuesBackward0", linear=True)
_T = Op("_sparse_t", _identity, "TBackward0", linear=True)
_MM = Op("_sparse_mm", _spmm, "MmBackward0", edges=2)
_DENSE_MM = Op("_dense_sparse_mm", _dense_spmm, "MmBackward0", edges=2)
# torch.sparse.mm is addmm(zeros, sparse, dense): the zero matrix is its (None) first edge
_SPARSE_MM = Op("_sparse_addmm", _spmm_addmm, "SparseAddmmBackward0", edges=3)
_TO_DENSE = Op("_sparse_to_dense", _to_dense, "ToDenseBackward0", edges=1, linear=True)
_COALESCE = Op("_sparse_coalesce", _segment_sum, "CoalesceBackward0", edges=1, linear=True)
_SPARSE_SUM = Op("_sparse_sum", _segment_sum, "SparseSumBackward0", edges=1, linear=True)
_SPARSE_SUM_ALL = Op("_sparse_sum_all", _sum_rows, "SparseSumBackward0", linear=True)
# Tensor.sum(dim) of a sparse tensor records the dense overload's node
_SUM_DIM = Op("_sparse_sum_method", _segment_sum, "SumBackward1", edges=1, linear=True)
_SUM_DIM_ALL = Op("_sparse_sum_method_all", _sum_rows, "SumBackward1", linear=True)
_ADD = Op(
    "_sparse_add", _merge_add, "AddBackward0", "arith", promote_idx=(0, 1), edges=2, linear=True
)
_SUB = Op(
    "_sparse_sub", _merge_add, "SubBackward0", "arith", promote_idx=(0, 1), edges=2, linear=True
)
_TO_SPARSE = Op("_to_sparse", _gather, "ToSparseBackward1", edges=1, linear=True)
_TO_SPARSE_DIM = Op("_to_sparse_dim", _gather, "ToSparseBackward0", edges=1, linear=True)


def _sparse_softmax(values, inverse, groups, *, n, n_groups, axis, log):
    # the duplicates are summed inside the kernel: PyTorch coalesces without a CoalesceBackward0
    v = jax.ops.segment_sum(values, inverse, num_segments=n)
    if axis:  # over a dense dimension: each value row on its own
        return jax.nn.log_softmax(v, axis=axis) if log else jax.nn.softmax(v, axis=axis)
    # over a sparse dimension: the entries sharing every other index form one group; the
    # entries not specified count as -inf (they take no part)
    top = jax.lax.stop_gradient(jax.ops.segment_max(v, groups, num_segments=n_groups))
    z = v - top[groups]
    total = jax.ops.segment_sum(jnp.exp(z), groups, num_segments=n_groups)
    return z - jnp.log(total)[groups] if log else jnp.exp(z) / total[groups]


_SOFTMAX = Op("_sparse_softmax", _sparse_softmax, "SparseSoftmaxBackward0", edges=1)
_LOG_SOFTMAX = Op("_sparse_log_softmax", _sparse_softmax, "SparseLogSoftmaxBackward0", edges=1)


def _run(op, operands, **static):
    return apply(op, operands, tuple(sorted(static.items())))


_INVARIANTS_WARNED = [False]


def warn_invariants_once():
    if not _INVARIANTS_WARNED[0]:
        _INVARIANTS_WARNED[0] = True
        _warnings.warn(
            "Sparse invariant checks are implicitly disabled. Memory errors (e.g. SEGFAULT) "
            "will occur when operating on a sparse tensor which violates the invariants, but "
            "checks incur performance overhead. To silence this warning, explicitly opt in or "
            "out. See `torch.sparse.check_sparse_tensor_invariants.__doc__` for guidance. ",
            "aten/src/ATen/Context.cpp:816",
            stacklevel=3,
        )


def _linear_index(indices, sizes):
    """Row-major positions of the COO entries (host numpy) over the sparse sizes."""
    lin = np.zeros(indices.shape[1], np.int64)
    for d, n in enumerate(sizes):
        lin = lin * n + indices[d]
    return lin


def _unravel(lin, sizes):
    out = np.empty((len(sizes), lin.shape[0]), np.int64)
    for d in range(len(sizes) - 1, -1, -1):
        out[d] = lin % sizes[d]
        lin = lin // sizes[d]
    return out


def _long(array, like):
    return Tensor._make(jnp.asarray(array, jnp.int64), D.int64).to(like.device)


class SparseCOOTensor(Tensor):
    """A ``torch.sparse_coo`` tensor (``type(s)`` is this subclass, not Tensor itself)."""

    @classmethod
    def _new(cls, indices, values, size, coalesced=False):
        t = cls._make(None, values.dtype)
        t._storage = t._vc = _NoDenseStorage()
        t._sp_indices = indices
        t._sp_values = values
        t._sp_size = Size(size)
        t._sp_coalesced = coalesced
        return t

    # -------------------------------------------------------------- what a sparse tensor is
    @property
    def layout(self):
        return sparse_coo

    is_sparse = property(lambda self: True)

    @property
    def shape(self):
        return self._sp_size

    def size(self, dim=None):
        if dim is None:
            return self._sp_size
        return self._sp_size[dim]

    def dim(self):
        return len(self._sp_size)

    @property
    def ndim(self):
        return len(self._sp_size)

    def numel(self):
        n = 1
        for s in self._sp_size:
            n *= s
        return n

    nelement = numel

    def __len__(self):
        if not self._sp_size:
            raise TypeError("len() of a 0-d tensor")
        return self._sp_size[0]

    @property
    def device(self):
        return self._sp_values.device

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    def sparse_dim(self):
        return self._sp_indices.shape[0]

    def dense_dim(self):
        return self._sp_values.dim() - 1

    def _nnz(self):
        return self._sp_indices.shape[1]

    def is_coalesced(self):
        return self._sp_coalesced

    def is_contiguous(self, memory_format=None):
        return False

    # ------------------------------------------------------------------------- autograd
    @property
    def requires_grad(self):
        return self._sp_values.requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        self._sp_values.requires_grad = flag

    def requires_grad_(self, requires_grad=True):
        self._sp_values.requires_grad_(requires_grad)
        return self

    @property
    def grad_fn(self):
        return self._sp_values.grad_fn

    @property
    def is_leaf(self):
        return self._sp_values.is_leaf

    @property
    def grad(self):
        """A leaf's gradient as a sparse tensor on its own (coalesced) pattern, as PyTorch's
        sparse kernels give it: duplicates of one position got the same gradient, taken once."""
        g = self._sp_values.grad
        if g is None:
            return None
        # (PyTorch's gradient has unique sorted indices but is not flagged coalesced)
        if self._sp_coalesced:
            return SparseCOOTensor._new(self._sp_indices, g, self._sp_size, False)
        sizes = tuple(self._sp_size[: self.sparse_dim()])
        lin = _linear_index(np.asarray(self._sp_indices._value), sizes)
        uniq, first = np.unique(lin, return_index=True)
        return SparseCOOTensor._new(
            _long(_unravel(uniq, sizes), g), g[_long(first, g)], self._sp_size, False
        )

    @grad.setter
    def grad(self, value):
        if value is not None:
            raise RuntimeError("torchlike: only None can be assigned to a sparse tensor's grad")
        self._sp_values.grad = None

    def detach(self):
        return SparseCOOTensor._new(
            self._sp_indices, self._sp_values.detach(), self._sp_size, self._sp_coalesced
        )

    # --------------------------------------------------------------------- its parts
    def _indices(self):
        return self._sp_indices

    def _values(self):
        # PyTorch's _values() is an alias that autograd does not track
        return self._sp_values.detach()

    def indices(self):
        if not self._sp_coalesced:
            raise RuntimeError(
                "Cannot get indices on an uncoalesced tensor, please call .coalesce() first"
            )
        return self._sp_indices

    def values(self):
        if not self._sp_coalesced:
            raise RuntimeError(
                "Cannot get values on an uncoalesced tensor, please call .coalesce() first"
            )
        return _run(_VALUES, (self._sp_values,))

    def coalesce(self):
        if self._sp_coalesced:
            return self
        sizes = tuple(self._sp_size[: self.sparse_dim()])
        lin = _linear_index(np.asarray(self._sp_indices._value), sizes)
        uniq, inverse = np.unique(lin, return_inverse=True)
        values = _run(_COALESCE, (self._sp_values, _long(inverse, self._sp_indices)), n=len(uniq))
        indices = _long(_unravel(uniq, sizes), self._sp_indices)
        return SparseCOOTensor._new(indices, values, self._sp_size, True)

    def to_dense(self, dtype=None, *, masked_grad=None):
        dense = _run(_TO_DENSE, (self._sp_values, self._sp_indices), size=tuple(self._sp_size))
        return dense if dtype is None else dense.to(dtype)

    def to_sparse(self, *args, **kwargs):
        return self

    to_sparse_coo = to_sparse

    # ------------------------------------------------------ ops that keep the pattern
    def _with_values(self, values, coalesced=None):
        keep = self._sp_coalesced if coalesced is None else coalesced
        return SparseCOOTensor._new(self._sp_indices, values, self._sp_size, keep)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        if len(size) == 1 and isinstance(size[0], (tuple, list)):
            size = size[0]
        device = self.device if device is None else device
        indices = zeros(len(size), 0, dtype=D.int64, device=device)
        values = zeros(0, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)
        return SparseCOOTensor._new(indices, values, tuple(size), coalesced=True)

    def clone(self, *, memory_format=None):
        return self._with_values(self._sp_values.clone())

    def to(self, *args, **kwargs):
        values = self._sp_values.to(*args, **kwargs)
        indices = self._sp_indices.to(values.device)
        return SparseCOOTensor._new(indices, values, self._sp_size, self._sp_coalesced)

    def cpu(self, memory_format=None):
        return self.to("cpu")

    def cuda(self, device=None, non_blocking=False):
        return self.to("cuda" if device is None else device)

    def float(self):
        return self.to(D.float32)

    def double(self):
        return self.to(D.float64)

    def type(self, dtype=None, non_blocking=False, **kwargs):
        if dtype is None:
            return f"torch.sparse.{self._sp_values.type().split('.')[-1]}"
        raise not_supported("_to_copy")

    def __mul__(self, other):
        if isinstance(other, (bool, int, float)):
            return self._with_values(self._sp_values * other)
        raise not_supported("mul.out")

    __rmul__ = mul = __mul__

    def __truediv__(self, other):
        if isinstance(other, (bool, int, float)):
            return self._with_values(self._sp_values / other)
        raise not_supported("div.out")

    div = __truediv__

    def __neg__(self):
        return self._with_values(-self._sp_values)

    neg = __neg__

    def __add__(self, other, *, alpha=1):
        if not isinstance(other, SparseCOOTensor):
            raise RuntimeError(
                "add(sparse, dense) is not supported. Use add(dense, sparse) instead."
            )
        return _sparse_add(self, other, alpha, _ADD)

    def __sub__(self, other, *, alpha=1):
        # PyTorch subtracts as add(other, alpha=-alpha): its checks and messages are add's
        if not isinstance(other, SparseCOOTensor):
            raise RuntimeError(
                "add(sparse, dense) is not supported. Use add(dense, sparse) instead."
            )
        return _sparse_add(self, other, -alpha, _SUB)

    sub = __sub__

    add = __add__

    def abs(self):
        c = self.coalesce()
        return c._with_values(c._sp_values.abs())

    def stride(self, dim=None):
        # PyTorch reports zero strides for a sparse tensor (it has no strided storage)
        return 0 if dim is not None else (0,) * self.dim()

    def t(self):
        if self.sparse_dim() != 2 or self.dense_dim():
            raise not_supported("t")
        indices = self._sp_indices.flip(0)
        return SparseCOOTensor._new(indices, _run(_T, (self._sp_values,)), self._sp_size[::-1])

    def sum(self, dim=None, keepdim=False, dtype=None):
        if keepdim:
            raise not_supported("sum.dim_IntList")
        if dim is None:
            return self._sp_values.sum(dtype=dtype)
        return sparse_sum(self, dim, dtype, method=True)

    def mm(self, mat2):
        return mm(self, mat2)

    matmul = __matmul__ = mm

    # ------------------------------------------- dense-only operations: PyTorch's errors
    def view(self, *shape, **kwargs):
        raise not_supported("view")

    def reshape(self, *shape, **kwargs):
        raise RuntimeError("reshape is not implemented for sparse tensors")

    def numpy(self, *, force=False):
        raise TypeError("can't convert Sparse layout tensor to numpy. Use Tensor.to_dense() first.")

    def _no_storage(self, *args, **kwargs):
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    tolist = data_ptr = _no_storage

    def item(self):
        if self.numel() != 1:
            raise RuntimeError(
                f"a Tensor with {self.numel()} elements cannot be converted to Scalar"
            )
        return self.to_dense().item()

    def contiguous(self, memory_format=None):
        raise RuntimeError("unsupported memory format option Contiguous")

    def __bool__(self):
        if self.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.to_dense())

    def __repr__(self, *, tensor_contents=None):
        return sparse_repr(self)

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        raise not_supported("_pickle")

    def __deepcopy__(self, memo):
        out = SparseCOOTensor._new(
            self._sp_indices.clone(),
            self._sp_values.detach().clone().requires_grad_(self._sp_values.requires_grad),
            self._sp_size,
            self._sp_coalesced,
        )
        memo[id(self)] = out
        return out


def _merge_slots(lin_t, lin_s):
    """PyTorch's CPU sparse add: one pass over both entry lists as they are stored, taking the
    smaller position first and adding equal positions into one entry.  (The slot of every entry
    of each operand, and each result entry's position.)"""
    a, b = lin_t.tolist(), lin_s.tolist()
    slot_t, slot_s, out = [0] * len(a), [0] * len(b), []
    i = j = 0
    while i < len(a) or j < len(b):
        if i >= len(a):
            cmp = -1
        elif j >= len(b):
            cmp = 1
        else:
            cmp = 1 if a[i] < b[j] else -1 if a[i] > b[j] else 0
        r = len(out)
        out.append(a[i] if cmp >= 0 else b[j])
        if cmp >= 0:
            slot_t[i] = r
            i += 1
        if cmp <= 0:
            slot_s[j] = r
            j += 1
    return np.asarray(slot_t, np.int64), np.asarray(slot_s, np.int64), np.asarray(out, np.int64)


def _sparse_add(t, other, alpha, op):
    if tuple(t.shape) != tuple(other.shape):
        raise RuntimeError(
            "add: expected sizes of 'self' and 'other' to match, but "
            f"{list(t.shape)} != {list(other.shape)}"
        )
    if t.sparse_dim() != other.sparse_dim():
        raise not_supported("add.out")
    sizes = tuple(t.shape[: t.sparse_dim()])
    slot_t, slot_s, out = _merge_slots(
        _linear_index(np.asarray(t._sp_indices._value), sizes),
        _linear_index(np.asarray(other._sp_indices._value), sizes),
    )
    like = t._sp_indices
    values = _run(
        op,
        (t._sp_values, other._sp_values, _long(slot_t, like), _long(slot_s, like)),
        n=len(out),
        alpha=alpha,
    )
    coalesced = t._sp_coalesced and other._sp_coalesced
    return SparseCOOTensor._new(_long(_unravel(out, sizes), like), values, t.shape, coalesced)


# ---------------------------------------------------------------------------- construction
def _as_tensor(data, dtype=None):
    if isinstance(data, Tensor):
        return data if dtype is None or data.dtype is dtype else data.to(dtype)
    array = np.asarray(data)
    if dtype is None:
        if array.dtype.kind == "f":
            dtype = D.get_default_dtype()
        elif array.dtype.kind in "iu":
            dtype = D.int64
        elif array.dtype.kind == "b":
            dtype = D.bool_
        else:
            dtype = D._BY_NP[array.dtype]
    return Tensor._make(jnp.asarray(array, dtype._np), dtype)


def build(indices, values, size, *, dtype=None, device=None, requires_grad=False, legacy=False):
    """``torch.sparse_coo_tensor`` (``legacy``: the ``torch.sparse.FloatTensor`` spelling, which
    insists on int64 indices and leaves the values' dtype as it is)."""
    if legacy and isinstance(indices, Tensor) and indices.dtype is not D.int64:
        raise RuntimeError("indices must be an int64 tensor")
    indices = _as_tensor(indices)
    if indices.dtype is not D.int64:
        indices = indices.to(D.int64)
    values = _as_tensor(values, dtype)
    if device is not None:
        values, indices = values.to(device), indices.to(device)
    if values.dim() == 0:
        values = values.reshape(1)  # PyTorch reads a 0-d values tensor as one entry
    sparse_dim = indices.shape[0] if indices.dim() else 0
    dense_dims = tuple(values.shape[1:])
    if size is not None:
        _check_size_rule(size, sparse_dim, len(dense_dims))
    if indices.dim() != 2:
        raise RuntimeError(f"indices must be sparse_dim x nnz, but got: {list(indices.shape)}")
    nnz = indices.shape[1]
    if nnz != values.shape[0]:
        raise RuntimeError(
            "indices and values must have same nnz, but got nnz from indices: "
            f"{nnz}, nnz from values: {values.shape[0]}"
        )
    if size is None:
        if nnz:
            top = np.asarray(indices._value).max(axis=1) + 1
            size = tuple(int(s) for s in top) + dense_dims
        else:
            size = (0,) * sparse_dim + dense_dims
    size = tuple(int(s) for s in size)
    if requires_grad:
        values = values.detach().requires_grad_()
    elif values.requires_grad and grad_mode.is_grad_enabled():
        values = _run(_CREATE, (values,))
    else:
        values = values.detach()
    return SparseCOOTensor._new(indices, values, size, coalesced=False)


def _check_size_rule(size, sparse_dim, dense_dim):
    if len(size) != sparse_dim + dense_dim:
        raise RuntimeError(
            f"'len(size) == sparse_dim + dense_dim' is not satisfied: len(size) = {len(size)}, "
            f"sparse_dim = {sparse_dim}, dense_dim = {dense_dim}"
        )


def dense_to_sparse(x, sparse_dim=None):
    """``Tensor.to_sparse()``: the nonzero positions (over the first ``sparse_dim`` dims), in
    row-major order, so the result is coalesced."""
    if isinstance(x, SparseCOOTensor):
        return x
    sd = x.dim() if sparse_dim is None else int(sparse_dim)
    nonzero = np.asarray(x.detach()._value) != 0
    if sd < x.dim():
        nonzero = nonzero.any(axis=tuple(range(sd, x.dim())))
    where = np.stack(np.nonzero(nonzero)) if sd else np.zeros((0, 1), np.int64)
    indices = _long(where.reshape(sd, -1), x)
    op = _TO_SPARSE if sparse_dim is None else _TO_SPARSE_DIM
    values = _run(op, (x, indices))
    return SparseCOOTensor._new(indices, values, tuple(x.shape), coalesced=True)


# --------------------------------------------------------------------------- sparse kernels
def mm(sparse, dense, *, node="mm"):
    """sparse (2-D, no dense dims) @ dense (2-D) -> dense; gradients reach the values and the
    dense operand."""
    if not isinstance(sparse, SparseCOOTensor):
        raise not_supported("mm")
    if isinstance(dense, SparseCOOTensor):
        raise not_supported("mm")  # sparse @ sparse: not built
    if sparse.sparse_dim() != 2 or sparse.dense_dim():
        raise not_supported("mm")
    if dense.dim() < 2:
        raise IndexError(
            "Dimension out of range (expected to be in range of "
            f"[{-max(dense.dim(), 1)}, {max(dense.dim(), 1) - 1}], but got 1)"
        )
    if dense.dim() != 2:
        raise RuntimeError(f"addmm: 2D tensor expected, got {dense.dim()}D tensor")
    if dense.shape[0] != sparse.shape[1]:
        raise RuntimeError(
            f"addmm: Argument #3 (dense): Expected dim 0 size {sparse.shape[1]}, "
            f"got {dense.shape[0]}"
        )
    if dense.dtype is not sparse.dtype:
        raise RuntimeError(
            f"expected scalar type {_scalar_name(sparse.dtype)} but found "
            f"{_scalar_name(dense.dtype)}"
        )
    rows = sparse._sp_indices[0]
    cols = sparse._sp_indices[1]
    n_rows = sparse.shape[0]
    if node == "sparse":
        return _run(_SPARSE_MM, (None, sparse._sp_values, dense, rows, cols), n_rows=n_rows)
    return _run(_MM, (sparse._sp_values, dense, rows, cols), n_rows=n_rows)


def dense_mm(dense, sparse):
    """dense (2-D) @ sparse (2-D) -> dense (``torch.mm(dense, sparse)``)."""
    if sparse.sparse_dim() != 2 or sparse.dense_dim() or dense.dim() != 2:
        raise not_supported("mm")
    if dense.shape[1] != sparse.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({dense.shape[0]}x{dense.shape[1]} and "
            f"{sparse.shape[0]}x{sparse.shape[1]})"
        )
    if dense.dtype is not sparse.dtype:
        raise RuntimeError(
            f"expected scalar type {_scalar_name(dense.dtype)} but found "
            f"{_scalar_name(sparse.dtype)}"
        )
    rows, cols = sparse._sp_indices[0], sparse._sp_indices[1]
    return _run(_DENSE_MM, (dense, sparse._sp_values, rows, cols), n_cols=sparse.shape[1])


def _scalar_name(dtype):
    return {
        D.float32: "Float",
        D.float64: "Double",
        D.float16: "Half",
        D.bfloat16: "BFloat16",
        D.int64: "Long",
        D.int32: "Int",
    }.get(dtype, str(dtype))


def sparse_sum(input, dim=None, dtype=None, *, method=False):
    """``torch.sparse.sum``: everything -> a dense 0-d tensor; over some sparse dims -> a
    coalesced sparse tensor of the others (over all of them: dense)."""
    if not isinstance(input, SparseCOOTensor):
        raise not_supported("_sparse_sum")
    values = input._sp_values if dtype is None else input._sp_values.to(dtype)
    if dim is None:
        return values.sum()
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    ndim = input.dim()
    dims = sorted({d + ndim if d < 0 else d for d in dims})
    sd = input.sparse_dim()
    if any(d >= sd for d in dims):
        raise not_supported("_sparse_sum.dim")  # summing dense dims: not built
    keep = [d for d in range(sd) if d not in dims]
    if not keep:
        return _run(_SUM_DIM_ALL if method else _SPARSE_SUM_ALL, (values,))
    sizes = tuple(input.shape[d] for d in keep)
    kept = np.asarray(input._sp_indices._value)[keep]
    uniq, inverse = np.unique(_linear_index(kept, sizes), return_inverse=True)
    summed = _run(
        _SUM_DIM if method else _SPARSE_SUM, (values, _long(inverse, values)), n=len(uniq)
    )
    size = sizes + tuple(input.shape[sd:])
    return SparseCOOTensor._new(_long(_unravel(uniq, sizes), values), summed, size, True)


def sparse_softmax(input, dim, dtype=None, *, log=False):
    """``torch.sparse.softmax`` / ``log_softmax``: over the specified entries along ``dim``
    (the unspecified ones are -inf), on the coalesced pattern; a coalesced sparse result."""
    name = "log_softmax" if log else "softmax"
    if not isinstance(input, SparseCOOTensor):
        raise not_supported(f"_sparse_{name}")
    d = _wrap_dim(dim, input.dim())
    values = input._sp_values if dtype is None else input._sp_values.to(dtype)
    if not values.dtype.is_floating_point:
        raise NotImplementedError(f"\"{name}\" not implemented for '{_scalar_name(values.dtype)}'")
    sd = input.sparse_dim()
    sizes = tuple(input._sp_size[:sd])
    lin = _linear_index(np.asarray(input._sp_indices._value), sizes)
    uniq, inverse = np.unique(lin, return_inverse=True)
    indices = _unravel(uniq, sizes).reshape(sd, -1)
    others = [k for k in range(sd) if k != d]
    if d < sd and others:
        rest = _linear_index(indices[others], tuple(sizes[k] for k in others))
        _, groups = np.unique(rest, return_inverse=True)
    else:
        groups = np.zeros(len(uniq), np.int64)
    out = _run(
        _LOG_SOFTMAX if log else _SOFTMAX,
        (values, _long(inverse.reshape(-1), values), _long(groups.reshape(-1), values)),
        n=len(uniq),
        n_groups=int(groups.max()) + 1 if groups.size else 0,
        axis=d - sd + 1 if d >= sd else 0,
        log=log,
    )
    return SparseCOOTensor._new(_long(indices, values), out, input._sp_size, True)


# ---------------------------------------------------------------------------------- printing
def sparse_repr(t):
    prefix = "tensor("
    indent = len(prefix)
    suffixes = [f"size={tuple(t.shape)}", f"nnz={t._nnz()}"]
    dtype = t.dtype
    implied = (D.get_default_dtype(), D.default_complex_dtype(), D.int64, D.bool_)
    if dtype not in implied:
        suffixes.append(f"dtype={dtype}")
    suffixes.append("layout=torch.sparse_coo")
    if t.device.type != "cpu":
        suffixes.insert(0, f"device='{t.device}'")
    parts = []
    for label, part in (("indices=tensor(", t._sp_indices), ("values=tensor(", t._sp_values)):
        array = np.asarray(part.detach()._value)
        if array.size:
            body = _printing._format_contents(array, part.dtype, indent + len(label))
        else:
            body = f"[], size={tuple(array.shape)}"
        parts.append(label + body + ")")
    text = prefix + parts[0] + ",\n" + " " * indent + parts[1]
    grad_fn = t.grad_fn
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(grad_fn).__name__}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    # PyTorch's suffix wrapping, with the first suffix always on a new line
    pieces = [text]
    line = 0
    for k, suffix in enumerate(suffixes):
        if k == 0 or line + len(suffix) + 2 > _printing._OPTIONS.linewidth:
            pieces.append(",\n" + " " * indent + suffix)
            line = indent + len(suffix)
        else:
            pieces.append(", " + suffix)
            line += len(suffix) + 2
    return "".join(pieces) + ")"
