"""In-place ops and views in autograd: PyTorch's rules for writing into a tensor with history.

``x.add_(y)`` computes ``x + y`` with the ordinary op and then makes ``x`` *be* the result: same
Tensor object, new value, the new grad_fn (history rewriting, as PyTorch does for non-view
tensors), version counter bumped.  Writing through a view of a tensor with history turns the
base's history into ``CopySlices`` and the view's into ``AsStridedBackward0``, as in PyTorch.
The checks that refuse an in-place op (a leaf that requires grad, an output of a multi-output
view op) live here too, so every in-place path (ops, samplers, fills, ``copy_``) shares them.
"""

from __future__ import annotations

import builtins

import jax
import jax.numpy as jnp

from .. import _dtype as D
from .. import _storage, _tensor, _warnings
from .._ops import core as _core
from .._ops.core import apply
from .._ops.table import OPS
from .._tensor import Tensor
from . import grad_mode
from .forward_ad import after_inplace as _dual_after_inplace
from .graph import CopySlices

# dtype facts PyTorch's messages use (kept under these names for the signature modules)
_CAST_NAMES = D.CAST_NAMES
_C_NAMES = D.C_NAMES
_can_cast = D.can_cast


_MULTI_OUTPUT_VIEWS = ("split", "split_with_sizes", "unbind")


_MULTI_OUTPUT_RULE = (
    "This view is the output of a function that returns multiple views. Such functions do not "
    "allow the output views to be modified inplace. You should replace the inplace operation "
    "by an out-of-place one."
)


def _multi_output_view(view):
    """The short name of the multi-output view op (split, chunk, unbind) whose output ``view``
    still is (its history not rebased since), else None."""
    geom = view._geom
    fn = view._grad_fn
    if (
        geom is not None
        and geom.op is not None
        and geom.op.name in _MULTI_OUTPUT_VIEWS
        and fn is not None
        and fn._op is geom.op
    ):
        return type(fn).__name__.replace("Backward0", "")
    return None


def _bump_version(self):
    """The in-place write's version bump; on an inference tensor outside inference mode it
    raises PyTorch's error (after the write, as PyTorch's version counter does)."""
    grad_mode.check_inference_write(self)
    self._version += 1


def _check_inplace_allowed(self):
    if (
        self._base_t is not None
        and grad_mode.is_grad_enabled()
        and self.__dict__.get("_made_in_no_grad")
    ):
        raise RuntimeError(
            "A view was created in no_grad mode and is being modified inplace with grad mode "
            "enabled. Given that this use case is ambiguous and error-prone, it is forbidden. "
            "You can clarify your code by moving both the view and the inplace either both "
            "inside the no_grad block (if you don't want the inplace to be tracked) or both "
            "outside (if you want the inplace to be tracked)."
        )
    if self._requires_grad and grad_mode.is_grad_enabled():
        short = _multi_output_view(self) if self._base_t is not None else None
        if short is not None:
            raise RuntimeError(
                f"Output {self._output_nr} of {short} is a view and is being modified "
                f"inplace. {_MULTI_OUTPUT_RULE}"
            )
        if self._grad_fn is None:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            )
        base = self._base_t
        if base is not None and base._grad_fn is None and base._requires_grad:
            raise RuntimeError(
                "a view of a leaf Variable that requires grad is being used in an in-place "
                "operation."
            )


def check_cast(dtype, self, c_type_names=False):
    """PyTorch's check that an in-place op's result type fits ``self``."""
    if dtype is not self._dtype and not _can_cast(dtype, self._dtype):
        names = _C_NAMES if c_type_names else _CAST_NAMES
        raise RuntimeError(
            f"result type {_CAST_NAMES[dtype]} can't be cast to the desired output "
            f"type {names[self._dtype]}"
        )


# In-place ops PyTorch still runs on an expanded tensor (several elements, one memory location),
# with a deprecation warning: (what its text names as the advanced-indexing form, where in
# PyTorch's source it warns).
DEPRECATED_ON_EXPANDED = {
    "index_fill_": (
        "tensor[mask] = scalar",
        "aten/src/ATen/native/TensorAdvancedIndexing.cpp:1913",
    ),
    "masked_fill_": (
        "tensor[mask] = scalar",
        "aten/src/ATen/native/TensorAdvancedIndexing.cpp:2450",
    ),
    "index_put_": (
        "tensor[indices] = tensor",
        "aten/src/ATen/native/TensorAdvancedIndexing.cpp:976",
    ),
}


def _overlap_mode(self, names):
    """How a write of ops ``names`` (PyTorch's kernels, in the order they run) treats an
    expanded ``self``: refused (True), or with PyTorch's deprecation warnings ("changed")."""
    if not names or self._geom is None or not self._geom.overlaps(self._storage):
        return True
    for name in names:
        example, where = DEPRECATED_ON_EXPANDED[name]
        _warnings.warn(
            f"Use of {name} on expanded tensors is deprecated. Please clone() the tensor before "
            f"performing this operation. This also applies to advanced indexing e.g. {example}",
            where,
            stacklevel=4,
        )
    return "changed"


def inplace_update(self, result, c_type_names=False, expanded=()):
    """Make ``self`` hold ``result`` (the out-of-place answer); PyTorch's in-place rules.

    The write goes through ``self``'s storage, so its base and every other view see it.  For a
    tensor with history, ``self`` takes ``result``'s grad_fn (history rewriting); for a view of
    a tensor with history, the base's history becomes ``CopySlices`` and the view's
    ``AsStridedBackward0``, as in PyTorch.  ``expanded``: the names of the kernels that PyTorch
    lets write an expanded tensor (``DEPRECATED_ON_EXPANDED``), whose warnings it gives.
    """
    _check_inplace_allowed(self)
    if result._dtype is not self._dtype:
        check_cast(result._dtype, self, c_type_names)
        result = apply(OPS["to"], (result,), (("dtype", self._dtype._np),))
    if result._value.shape != self._value.shape:
        raise RuntimeError(
            f"output with shape {list(self.shape)} doesn't match the broadcast shape "
            f"{list(result.shape)}"
        )
    base = self._base_t
    through_view = (
        base is not None
        and base._geom is None
        and grad_mode.is_grad_enabled()
        and (result._requires_grad or base._requires_grad)
    )
    overlap = _overlap_mode(self, expanded)
    if through_view:
        _write_view_with_history(self, base, result, overlap)
    else:
        self._write(result._value, overlap)
        if result._grad_fn is not None:
            self._set_history(result._grad_fn, result._output_nr)
            if base is None:
                self._history_changed()
    _bump_version(self)
    fn = result._grad_fn
    if fn is not None and (self._grad_fn is fn or through_view):
        # the op's own node saved ``self`` before this very write (a view's node now sits
        # inside CopySlices): what it saved is the old value, still intact in JAX, so the
        # version bump must not make its backward refuse (PyTorch runs clamp_ on a view)
        fn._saved_by_inplace_op(self)
    if _core.DUAL is not None:  # a forward-AD level is open: the tangent is written too
        _dual_after_inplace(self, result)
    return self


def _write_view_with_history(view, base, result, overlap=True):
    index = jnp.asarray(view._geom.index(view._storage))
    view._write(result._value, overlap)  # the write itself, through the shared storage
    copy_slices = CopySlices(
        fn=result._grad_fn,
        base_edge=base._edge(),
        index=index,
        base_aval=(base._value.shape, base._value.dtype),
        overlapping=overlap == "changed",
    )
    base._set_history(copy_slices)
    base._history_changed()
    refresh_view_history(view)


def refresh_view_history(view):
    """A view of a base whose history changed re-derives its own from the base."""
    base = view._base_t
    index = Tensor._make(jnp.asarray(view._geom.index(view._storage)))
    fresh = apply(OPS["as_strided"], (base, index))
    view._set_history(fresh._grad_fn, 0, fresh._requires_grad)
    view._view_history_current()


def fill_like(self, op_name, operands, check_overlap=False):
    """zero_/fill_: a plain write for tensors without history (grad buffers, optimizer state),
    a recorded op (ZeroBackward0, FillBackward2/3) otherwise."""
    if (
        grad_mode.is_grad_enabled()
        and (
            self._requires_grad
            or builtins.any(isinstance(o, Tensor) and o._requires_grad for o in operands)
        )
    ) or _core.DUAL is not None:  # a forward-AD level: the fill sets (zeroes) the tangent
        return inplace_update(self, apply(OPS[op_name], (self, *operands)))
    _check_inplace_allowed(self)
    shape, npdt = self._meta.shape, self._dtype._np
    v = 0 if op_name == "zero" else operands[0]
    v = v._value if isinstance(v, Tensor) else v
    value = None if isinstance(v, jax.Array) else _storage.full_array(shape, v, npdt)
    if value is None:  # (a NumPy fill transferred compiles nothing for a new shape)
        value = jnp.full(shape, v, npdt)
    self._write(value, check_overlap)  # every alias gets the same value: allowed for fill_
    _bump_version(self)
    return self


def _rebase_view(view):
    """A view whose base (or another view of it) was written since re-derives its history,
    except an output of a multi-output view op (split, chunk, unbind), which PyTorch refuses
    to rebase: its grad_fn, and any use of it in autograd, raise."""
    short = _multi_output_view(view)
    if short is not None:
        raise RuntimeError(
            f"Output {view._output_nr} of {short} is a view and its base or another view of its "
            f"base has been modified inplace. {_MULTI_OUTPUT_RULE}"
        )
    refresh_view_history(view)


_tensor.set_view_history_rule(_rebase_view)
