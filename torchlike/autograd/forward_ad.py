"""Forward-mode AD: ``torch.autograd.forward_ad`` (dual tensors that carry a tangent).

Inside ``with dual_level():``, ``make_dual(primal, tangent)`` gives a tensor whose every op also
computes its tangent: ``apply`` (the one path table ops take) hands the call to
``_apply_dual``, which runs the op as usual and then the op's own JAX function under ``jax.jvp``
along the operands' tangents (one compiled program per op, dtypes, static arguments and the
operand positions that carry a tangent).  So an op's forward derivative is JAX's derivative of the
very function eager runs, as the reverse replay's is.

Where tangents live: each dual tensor holds an ``_Entry`` (its tangent, a plain Tensor).  A view
of a tensor whose base has a tangent reads its tangent from the base's through the view's own
geometry (PyTorch: a view's forward grad is a view of its base's), so views made before an
in-place write to the base see the new tangent.  In-place ops (``inplace_update``, shared by
``x.mul_``, ``copy_``, ``x[i] = v``) give ``self`` the result's tangent; a write through a view
writes the tangent into the base's at the view's positions.  Leaving the level drops every
tangent.  A custom ``autograd.Function`` runs its ``forward`` on the primals and its ``jvp``
staticmethod for the tangents (``ctx.save_for_forward``).

A tangent records its own computation (it requires grad) where PyTorch's does: where it reads
a tensor that requires grad.  Its node is one per op, ``<Op>JvpBackward0``, whose backward is
JAX's vjp of the tangent function; PyTorch's is the last op of the op's forward formula
(``MulBackward0``, ``AddBackward0`` …): a known difference in names only.  One level, as
PyTorch supports today.
"""

from __future__ import annotations

import weakref
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp

from .. import _caches, _printing, _storage
from .. import _dtype as D
from .._ops import core as _core
from .._tensor import Tensor
from . import grad_mode
from .grad_mode import _DecoratorContextManager

__all__ = ["UnpackedDualTensor", "dual_level", "enter_dual_level", "exit_dual_level"]
__all__ += ["make_dual", "unpack_dual"]

# The open level (PyTorch supports one); -1: none.  ``torch.autograd.forward_ad._current_level``
_current_level = -1
# every tensor holding an entry at this level, by id (a WeakSet would compare tensors with ==)
_DUALS: dict = {}
_KEY = "_fw_entry"


class _Entry:
    """One tensor's tangent; ``base_entry``: for a view, the base's entry it was read from."""

    __slots__ = ("tangent", "base_entry")

    def __init__(self, tangent, base_entry=None):
        self.tangent = tangent
        self.base_entry = base_entry


def _set(t, tangent, base_entry=None):
    t.__dict__[_KEY] = _Entry(tangent, base_entry)
    _track(t)


def _track(t):
    key = id(t)
    if key not in _DUALS:
        _DUALS[key] = weakref.ref(t, lambda _, key=key: _DUALS.pop(key, None))


def tangent_of(t):
    """``t``'s tangent at the open level (a Tensor), or None."""
    entry = t.__dict__.get(_KEY)
    base = t._base_t
    if base is not None:
        base_entry = base.__dict__.get(_KEY)
        if base_entry is not None and (entry is None or entry.base_entry is not base_entry):
            # the base's tangent is newer than this view's (or the view has none yet): read it
            # through the view's geometry, as the view reads its value from the base's storage
            value = _storage.read(_storage.Storage(base_entry.tangent._value), t._geom)
            entry = _Entry(Tensor._make(value), base_entry)
            t.__dict__[_KEY] = entry
            _track(t)
    return None if entry is None else entry.tangent


# ----------------------------------------------------------------------------- levels


def enter_dual_level():
    """Open the (single) forward-AD level; returns its number, 0."""
    global _current_level
    if _current_level >= 0:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _current_level = 0
    _core.DUAL = _apply_dual
    return _current_level


def exit_dual_level(*, level=None):
    """Close the level: every dual tensor loses its tangent."""
    global _current_level
    level = _current_level if level is None else level
    if level < 0:
        raise RuntimeError("Dual level must be a positive number.")
    if level != _current_level:
        raise RuntimeError(
            "Trying to exit a forward AD level that was not the last one that was created. "
            "This is not supported."
        )
    _core.DUAL = None
    for ref in list(_DUALS.values()):
        t = ref()
        if t is not None:
            t.__dict__.pop(_KEY, None)
    _DUALS.clear()
    _current_level = -1


class dual_level(_DecoratorContextManager):
    """``with dual_level():`` the region where dual tensors carry tangents."""

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, exc_type, exc_value, traceback):
        exit_dual_level()


def _check_level(level, what):
    if level is None:
        level = _current_level
    if level < 0 and what == "make":
        raise RuntimeError(
            "Trying to create a dual Tensor for forward AD but no level exists, make sure to "
            "enter_dual_level() first."
        )
    if level != _current_level:
        if what == "make":
            raise RuntimeError("Invalid level given to _make_dual")
        return None
    return level


# ----------------------------------------------------------------------------- dual tensors


class UnpackedDualTensor(NamedTuple):
    """``unpack_dual``'s result: the primal (a view without tangent) and the tangent."""

    primal: Any
    tangent: Any


def make_dual(tensor, tangent, *, level=None):
    """A view of ``tensor`` carrying ``tangent`` (kept as is when its layout matches)."""
    _check_level(level, "make")
    for what, t in (("primal", tensor), ("tangent", tangent)):
        if not (t.is_floating_point() or t.is_complex()):
            raise ValueError(f"Expected {what} to be floating point or complex, but got: {t.dtype}")
    if tuple(tangent.shape) != tuple(tensor.shape):
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the "
            f"original Tensor, this is not supported. Tensor is of size {list(tensor.shape)} "
            f"while the given forward gradient is of size {list(tangent.shape)}."
        )
    _core.DUAL = None  # the view itself carries no tangent from ``tensor``
    try:
        dual = tensor.view_as(tensor)
    finally:
        _core.DUAL = _apply_dual
    if tangent.stride() != tensor.stride() or tangent.storage_offset() != tensor.storage_offset():
        # PyTorch keeps the tangent object only when its layout is the primal's; else a copy
        tangent = Tensor._make(tangent._value)
    _set(dual, tangent)
    return dual


def unpack_dual(tensor, *, level=None):
    """``(primal, tangent)``: a view of ``tensor`` without tangent, and its tangent or None."""
    if _check_level(level, "unpack") is None or _core.DUAL is None:
        return UnpackedDualTensor(tensor, None)
    tangent = tangent_of(tensor)
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    _core.DUAL = None
    try:
        primal = tensor.view_as(tensor)
    finally:
        _core.DUAL = _apply_dual
    # the primal is a view of the dual's base: it holds an empty entry so that it does not
    # read the base's tangent through its geometry
    base = primal._base_t
    _set(primal, None, None if base is None else base.__dict__.get(_KEY))
    return UnpackedDualTensor(primal, tangent)


# ----------------------------------------------------------------------------- propagation

# per (op, compute dtype, static args, positions with a tangent, float outputs): the jitted
# tangent function and, made on first need, the entry that records it (a differentiable tangent)
_PROGRAMS = _caches.LRUCache("forward_ad", max_entries=512)


def _tangent_function(op, cd, static, positions, float_outs, single, transpose=False):
    """``(*operand values, *tangents) -> the float outputs' tangents``.

    A tangent of another dtype than its primal (PyTorch allows it) computes in the promoted
    dtype, from the primal upcast exactly.  ``transpose``: for an op whose function holds a
    ``jax.custom_vjp`` (JAX has no forward rule for those), the tangent is the transpose of the
    op's vjp, which is linear in the cotangent: the same derivative, through the rule the
    reverse replay uses."""

    def tangent_out(*flat):
        primals, tangents = list(flat[: len(flat) - len(positions)]), flat[-len(positions) :]
        duals, wide = [], cd
        for k, t in zip(positions, tangents):
            p = primals[k]
            if p.dtype != t.dtype:
                p = p.astype(jnp.promote_types(p.dtype, t.dtype))
                if wide is not None:
                    wide = D.promote_types(wide, D._BY_NP[p.dtype])
            duals.append(p)
        f = op.function(wide, static)

        def along(*moving):
            args = list(primals)
            for k, v in zip(positions, moving):
                args[k] = v
            return f(*args)

        if not transpose:
            out = jax.jvp(
                along, tuple(duals), tuple(t.astype(d.dtype) for t, d in zip(tangents, duals))
            )[1]
        else:
            result, pull = jax.vjp(along, *duals)
            out = _core.transposed_pullback(pull, result)(
                *(t.astype(d.dtype) for t, d in zip(tangents, duals))
            )
        if single:
            return out
        return tuple(out[i] for i in float_outs)

    return tangent_out


class _Program:
    __slots__ = ("function", "jitted", "entry", "name")

    def __init__(self, function, name):
        self.function = function
        self.jitted = jax.jit(function)
        self.entry = None
        self.name = name

    def recording_entry(self):
        """The table entry whose node records the tangent's computation (its grad_fn)."""
        if self.entry is None:
            self.entry = _core.Op(
                self.name + "_jvp", self.function, _jvp_node_name(self.name), opmath=False
            )
        return self.entry


def _jvp_node_name(op_name):
    return "".join(part.capitalize() for part in op_name.strip("_").split("_")) + "JvpBackward0"


def _apply_dual(op, operands, static=(), dtype=None):
    """``apply`` at an open level: the op, then its tangent where an operand carries one."""
    duals = []
    for k, a in enumerate(operands):
        if isinstance(a, Tensor):
            t = tangent_of(a)
            if t is not None:
                duals.append((k, t))
    _core.DUAL = None  # the op itself, and its tangent's computation, carry no tangents
    try:
        return _with_tangents(op, operands, static, dtype, duals)
    finally:
        _core.DUAL = _apply_dual


def _with_tangents(op, operands, static, dtype, duals):
    out = _core.apply(op, operands, static, dtype)
    if not duals or op.node_cls is None:  # no tangent in, or an op without a derivative
        return out
    if op.no_forward_rule is not None:
        raise _core.no_forward_rule(op)
    cd = dtype
    if cd is None and op.promote is not None:
        cd = _core._compute_dtype(op, operands)
    single = type(out) is not tuple
    outs = (out,) if single else out
    float_outs = tuple(
        i
        for i, o in enumerate(outs)
        if isinstance(o, Tensor) and (o.is_floating_point() or o.is_complex())
    )
    if not float_outs:
        return out
    positions = tuple(k for k, _ in duals)
    tangents = [t for _, t in duals]
    results = _tangents(op, cd, static, positions, float_outs, single, operands, tangents)
    for i, r in zip(float_outs, results):
        o = outs[i]
        base = o._base_t
        _set(o, r, None if base is None else base.__dict__.get(_KEY))
    return out


def _tangents(op, cd, static, positions, float_outs, single, operands, tangents):
    """The float outputs' tangents (Tensors).  They record their own computation, as PyTorch's
    do, where it reads a tensor that requires grad: a tangent that does, or, unless the op is
    linear (its tangent then reads no primal), a primal that does."""
    key = (op, cd, static, positions, float_outs)
    program = _PROGRAMS.peek(key)
    if program is None:
        fn = _tangent_function(op, cd, static, positions, float_outs, single)
        program = _PROGRAMS.put(key, _Program(fn, op.name))
    recorded = grad_mode.is_grad_enabled() and (
        any(t._requires_grad for t in tangents)
        or (not op.linear and any(isinstance(a, Tensor) and a._requires_grad for a in operands))
    )
    try:
        if recorded:
            primals = [a.detach() if op.linear and isinstance(a, Tensor) else a for a in operands]
            result = _core.apply(program.recording_entry(), (*primals, *tangents))
            return (result,) if single else result
        values = [a._value if isinstance(a, Tensor) else a for a in operands]
        result = program.jitted(*values, *[t._value for t in tangents])
    except (TypeError, NotImplementedError) as exc:  # JAX's, or apply's ForwardRuleMissing
        if not _core.is_missing_forward_rule(exc):
            raise
        fn = _tangent_function(op, cd, static, positions, float_outs, single, transpose=True)
        _PROGRAMS.put(key, _Program(fn, op.name))
        return _tangents(op, cd, static, positions, float_outs, single, operands, tangents)
    results = (result,) if single else result
    return [Tensor._make(r) for r in results]


def after_inplace(self, result):
    """``self`` was overwritten with ``result`` in place: it (and, through a view, its base)
    now carries ``result``'s tangent; a tangent-less result zeroes a dual ``self``'s."""
    new = tangent_of(result)
    if new is None and tangent_of(self) is None:
        return
    if new is None:
        new = Tensor._make(jnp.zeros(self._value.shape, self._value.dtype))
    base = self._base_t
    if base is None:
        _set(self, new)
        return
    old = tangent_of(base)
    storage = _storage.Storage(
        jnp.zeros(base._value.shape, new._value.dtype) if old is None else old._value
    )
    _storage.write(storage, self._geom, new._value.astype(storage.data.dtype), False)
    _set(base, Tensor._make(storage.data))


def _tangent_for_printing(t):
    if _core.DUAL is None:
        return None
    return tangent_of(t)


_printing.TANGENT_OF = _tangent_for_printing
