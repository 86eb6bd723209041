"""How one table op runs: promote dtypes, call its jitted JAX impl, record a grad node.

``apply`` is the single code path every differentiable op goes through, so the rules for
dtype promotion, requires_grad propagation and graph recording live in exactly one place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import jax
import jax.numpy as jnp
from jax import lax

from .. import _caches, _device
from .. import _dtype as D
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.graph import SavedVariable, node_class

_SCALARS = (bool, int, float, complex)
PROFILER = None  # the recording autograd.profiler.profile, if any


@dataclass(frozen=True)
class Variants:
    """Which public forms an entry generates (native_functions.yaml's ``variants:`` plus its
    ``X_`` and ``X.out`` entries).  ``_ops/variants.py`` builds them; see the table's header.

    form      "unary" / "binary": the signature is generated from the entry itself
              (``torch.exp(input)``, ``torch.eq(input, other)``); None: a hand-written
              signature in ``_ops/frontend.py`` declares these same flags with ``export``
    function  ``torch.X``            method   ``Tensor.X``
    inplace   ``Tensor.X_``          out      ``torch.X(..., out=t)``
    aliases   other public names for every form (``arcsin`` for ``asin``)
    """

    form: str | None = None
    function: bool = True
    method: bool = True
    inplace: bool = False
    out: bool = False
    aliases: tuple = ()


class Op:
    """One entry of the op table.

    name      PyTorch's function name (``"add"``)
    impl      pure JAX function of the operand values (already promoted) and static kwargs
    node      grad node name (``"AddBackward0"``) or None for ops with no gradient
    promote   "arith" (torch.result_type), "float" (ints become the default float dtype),
              or None (operands are passed through unchanged)
    promote_idx  which operands take part in promotion (default: all)
    linear    the backward rule needs no floating operand values (add, view, cat, …), so they
              are not kept alive by the graph and a second backward is allowed, as in PyTorch
    saved     ``{"self": 0, "exponent": "exponent", "result": "result"}``: PyTorch's
              ``_saved_<name>`` attributes -> operand index, static kwarg name or "result"
    variants  the public forms this entry generates (``Variants``); None for an internal
              kernel that hand-written signatures call
    """

    def __init__(
        self,
        name,
        impl,
        node=None,
        promote=None,
        promote_idx=None,
        linear=False,
        saved=None,
        edges=None,
        saved_defaults=None,
        view=False,
        variants=None,
    ):
        self.name = name
        self.variants = variants
        self.edges = edges  # how many leading operands appear in next_functions (None: all)
        self.view = view  # results share operand 0's storage (see _storage.py)
        self.impl = impl
        self.promote = promote
        self.promote_idx = promote_idx
        self.linear = linear
        self.saved = saved or {}
        self.keeps_result = "result" in self.saved.values()
        self.keeps_operands = any(
            isinstance(v, int) or (isinstance(v, tuple) and v[0] == "if")
            for v in self.saved.values()
        )
        # (operand index, condition operand or None) for every operand PyTorch saves
        self.saved_operands = tuple(
            (v, None) if isinstance(v, int) else (v[1], v[2])
            for v in self.saved.values()
            if isinstance(v, int) or (isinstance(v, tuple) and v[0] == "if")
        )
        self.node_cls = (
            None
            if node is None
            else node_class(node, _saved_getters(self.saved, saved_defaults or {}))
        )

    def __repr__(self):
        return f"<op {self.name}>"

    def function(self, compute_dtype, static):
        """The pure function of operand values for this (dtype, static args) combination."""
        impl = self.impl
        kwargs = dict(static)
        promote_idx = self.promote_idx
        np_dtype = None if compute_dtype is None else compute_dtype._np

        def run(*vals):
            if np_dtype is not None:
                vals = list(vals)
                for i in range(len(vals)) if promote_idx is None else promote_idx:
                    v = vals[i]
                    if v is not None and (isinstance(v, _SCALARS) or v.dtype != np_dtype):
                        vals[i] = lax.convert_element_type(v, np_dtype)
            return impl(*vals, **kwargs)

        return run

    def jitted(self, compute_dtype, static):
        """The compiled function for (dtype, static args), from the bounded ``ops`` cache."""
        key = (self, compute_dtype, static)
        fn = _EXECUTABLES.peek(key)
        if fn is None:
            fn = _EXECUTABLES.put(key, jax.jit(self.function(compute_dtype, static)))
        return fn


# Every entry's executables, keyed by (entry, dtype, static args); XLA keeps one program per
# operand shapes inside each.  Bounded, so a loop over ever-new static arguments cannot grow it.
_EXECUTABLES = _caches.LRUCache("ops", max_entries=2048)


def _wrapped_number(v):
    """A Python scalar saved by PyTorch becomes a 0-d int64/float64/bool tensor."""
    dtype = {bool: D.bool_, int: D.int64, float: D.float64, complex: D.complex128}[type(v)]
    return Tensor._make(jnp.asarray(v, dtype._np), dtype)


def _saved_getters(saved, defaults):
    """``_saved_<name>`` properties from the table's ``saved`` specs (see ``Op``)."""

    def make(name, spec):
        if spec == "result":

            def get(node):
                return node._saved_output(0)
        elif isinstance(spec, int) or (isinstance(spec, tuple) and spec[0] == "if"):
            k = spec if isinstance(spec, int) else spec[1]

            def get(node):
                v = node._saved_operand(k)
                return _wrapped_number(v) if isinstance(v, _SCALARS) else v
        elif isinstance(spec, tuple) and spec[0] == "scalar":
            k = spec[1]

            def get(node):
                # a Python scalar operand is returned as the number itself and outlives backward
                return node._saved_value(k)
        elif isinstance(spec, tuple) and spec[0] in ("sizes", "numel"):
            kind, k = spec

            def get(node):
                shape = tuple(node._saved_shape(k))
                return shape if kind == "sizes" else math.prod(shape)
        else:

            def get(node):
                static = dict(node._static[1])
                return static.get(spec, defaults.get(name))

        return get

    return {name: make(name, spec) for name, spec in saved.items()}


def _compute_dtype(op, operands):
    if len(operands) == 2 and op.promote_idx is None:
        # fast path: two tensors of one dtype (most arithmetic in a training step)
        a, b = operands
        if isinstance(a, Tensor) and isinstance(b, Tensor) and a._dtype is b._dtype:
            cd = a._dtype
            if op.promote == "float" and not (cd.is_floating_point or cd.is_complex):
                return D.get_default_dtype()
            return cd
    dims, zeros, scalars = [], [], []
    idx = range(len(operands)) if op.promote_idx is None else op.promote_idx
    for i in idx:
        a = operands[i]
        if isinstance(a, Tensor):
            (dims if a._value.ndim else zeros).append(a._dtype)
        elif a is not None:
            scalars.append(D.scalar_dtype(a))
    cd = D.result_type_of(dims, zeros, scalars)
    if op.promote == "float" and not (cd.is_floating_point or cd.is_complex):
        cd = D.get_default_dtype()
    return cd


def apply(op, operands, static=(), dtype=None):
    """Run ``op`` on ``operands`` (Tensors, Python scalars or None); record a node if needed.

    ``static`` is a tuple of (name, value) pairs: hashable arguments that shape the computation
    (dims, flags).  Operands are traced inputs, so new values never trigger a recompilation.
    """
    if PROFILER is not None and not PROFILER.inside_op:  # torch.autograd.profiler is recording
        return PROFILER.run(apply, op, operands, static, dtype)
    cd = dtype
    if cd is None and op.promote is not None:
        cd = _compute_dtype(op, operands)
    vals = [a._value if isinstance(a, Tensor) else a for a in operands]
    if _device.MIXED[0]:  # some tensor lives off the default device: PyTorch's check
        _device.check_same(vals)
        vals = _device.align_scalars(vals)
    try:
        out = op.jitted(cd, static)(*vals)
    except (TypeError, ValueError) as exc:
        raise _pytorch_error(op, vals, exc) from None

    needs_grad = False
    if op.node_cls is not None and grad_mode._state.enabled:
        for a in operands if op.edges is None else operands[: op.edges]:
            if isinstance(a, Tensor):
                if a._base_t is not None:
                    a._sync_view()
                if a._requires_grad:
                    needs_grad = True
                    break

    if op.view:
        return _view_outputs(op, static, operands[0], out, needs_grad, cd, vals, operands)
    if not isinstance(out, tuple):
        if not needs_grad:
            return Tensor._make(out)
        if not jnp.issubdtype(out.dtype, jnp.inexact):
            return Tensor._make(out)  # integer/bool results never require grad
        node = _record(op, cd, static, operands, vals, (out,))
        result = Tensor._make(out, None, True, node, 0)
        node._saved_outputs((result,))
        return result
    if not needs_grad:
        return tuple(Tensor._make(o) for o in out)
    return _outputs(_record(op, cd, static, operands, vals, out), out)


def _view_outputs(op, static, base, out, needs_grad, cd, vals, operands):
    """Results of a view op share ``base``'s storage (see _storage.py)."""
    outs = out if isinstance(out, tuple) else (out,)
    node = _record(op, cd, static, operands, vals, outs) if needs_grad else None
    results = []
    for k, o in enumerate(outs):
        v = base._make_view(o, op, static, k, args=tuple(vals[1:]))
        if node is not None:
            v._set_history(node, k)
        results.append(v)
    return tuple(results) if isinstance(out, tuple) else results[0]


def _outputs(node, outs):
    results = []
    for k, o in enumerate(outs):
        if jnp.issubdtype(o.dtype, jnp.inexact):
            results.append(Tensor._make(o, None, True, node, k))
        else:
            results.append(Tensor._make(o))
    node._saved_outputs(results)
    return tuple(results)


def record(op, vals, edges):
    """Run ``op`` on raw values and record a node with explicit edges (create_graph)."""
    out = op.jitted(None, ())(*vals)
    outs = out if isinstance(out, tuple) else (out,)
    if not grad_mode._state.enabled or all(n is None for n, _ in edges):
        return tuple(Tensor._make(o) for o in outs)
    node = op.node_cls(
        op=op,
        static=(None, ()),
        saved=tuple(SavedVariable(v) for v in vals),
        out_avals=tuple((o.shape, o.dtype) for o in outs),
        next_functions=tuple(edges),
    )
    return _outputs(node, outs)


def _pytorch_error(op, vals, exc):
    """Translate a JAX shape error into the error PyTorch gives for the same call."""
    shapes = [tuple(v.shape) for v in vals if hasattr(v, "shape")]
    if len(shapes) >= 2:
        a, b = shapes[0], shapes[1]
        for i in range(1, max(len(a), len(b)) + 1):
            da = a[-i] if i <= len(a) else 1
            db = b[-i] if i <= len(b) else 1
            if da != db and da != 1 and db != 1:
                return RuntimeError(
                    f"The size of tensor a ({da}) must match the size of tensor b ({db}) at "
                    f"non-singleton dimension {max(len(a), len(b)) - i}"
                )
    return RuntimeError(f"{op.name}: {exc}")


def _record(op, cd, static, operands, vals, outs):
    """The grad node of one op call: its edges and what its backward keeps (``SavedVariable``
    per operand; operands PyTorch saves are kept themselves, so their versions are checked)."""
    if op.linear:
        # the rule needs only the shapes of floating operands: their values are not kept alive
        saved = tuple(
            SavedVariable(None, (v.shape, v.dtype))
            if (isinstance(a, Tensor) and (a._dtype.is_floating_point or a._dtype.is_complex))
            else (None if v is None else SavedVariable(v))
            for a, v in zip(operands, vals)
        )
    else:
        saved = tuple(None if v is None else SavedVariable(v) for v in vals)
    for k, cond in op.saved_operands:
        if (
            k < len(operands)
            and saved[k] is not None
            and (
                cond is None
                or (isinstance(operands[cond], Tensor) and operands[cond]._requires_grad)
            )
        ):
            saved[k].keep_operand(operands[k])
    edge_operands = operands if op.edges is None else operands[: op.edges]
    edges = tuple(a._edge() if isinstance(a, Tensor) else (None, 0) for a in edge_operands)
    return op.node_cls(
        op=op,
        static=(cd, static),
        saved=saved,
        result=tuple(SavedVariable(o) for o in outs) if op.keeps_result else None,
        out_avals=tuple((o.shape, o.dtype) for o in outs),
        next_functions=edges,
    )
