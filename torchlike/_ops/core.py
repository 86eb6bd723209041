"""How one table op runs: promote dtypes, call its jitted JAX impl, record a grad node.

``apply`` is the single code path every differentiable op goes through, so the rules for
dtype promotion, requires_grad propagation and graph recording live in exactly one place.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd import grad_mode
from ..autograd.graph import Aval, node_class

_SCALARS = (bool, int, float, complex)


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
    """

    def __init__(self, name, impl, node=None, promote=None, promote_idx=None, linear=False,
                 saved=None, out_dtype=None, edges=None):
        self.name = name
        self.edges = edges  # how many leading operands appear in next_functions (None: all)
        self.impl = impl
        self.promote = promote
        self.promote_idx = promote_idx
        self.linear = linear
        self.out_dtype = out_dtype
        self.saved = saved or {}
        self.keeps_result = "result" in self.saved.values()
        self.node_cls = None if node is None else node_class(node, _saved_getters(self.saved))
        self._fns = {}

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
                for i in (range(len(vals)) if promote_idx is None else promote_idx):
                    v = vals[i]
                    if v is not None and (isinstance(v, _SCALARS) or v.dtype != np_dtype):
                        vals[i] = lax.convert_element_type(v, np_dtype)
            return impl(*vals, **kwargs)

        return run

    def jitted(self, compute_dtype, static):
        key = (compute_dtype, static)
        fn = self._fns.get(key)
        if fn is None:
            fn = self._fns[key] = jax.jit(self.function(compute_dtype, static))
        return fn


def _saved_getters(saved):
    def make(spec):
        if spec == "result":
            def get(node):
                outs = node._outputs
                if node._freed or outs is None:
                    from ..autograd.graph import ERR_BACKWARD_TWICE
                    raise RuntimeError(ERR_BACKWARD_TWICE)
                return Tensor._make(outs[0])
        elif isinstance(spec, int):
            def get(node):
                v = node._saved_value(spec)
                if isinstance(v, Aval):
                    return None
                return Tensor._make(v) if hasattr(v, "dtype") else v
        else:
            def get(node):
                return dict(node._static[1]).get(spec)
        return get

    return {name: make(spec) for name, spec in saved.items()}


def _compute_dtype(op, operands):
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
    cd = dtype
    if cd is None and op.promote is not None:
        cd = _compute_dtype(op, operands)
    vals = [a._value if isinstance(a, Tensor) else a for a in operands]
    out = op.jitted(cd, static)(*vals)

    needs_grad = False
    if op.node_cls is not None and grad_mode._state.enabled:
        for a in (operands if op.edges is None else operands[:op.edges]):
            if isinstance(a, Tensor) and a._requires_grad:
                needs_grad = True
                break

    if not isinstance(out, tuple):
        if not needs_grad:
            return Tensor._make(out)
        node = _record(op, cd, static, operands, vals, (out,))
        return Tensor._make(out, None, True, node, 0)

    if not needs_grad:
        return tuple(Tensor._make(o) for o in out)
    node = _record(op, cd, static, operands, vals, out)
    results = []
    for k, o in enumerate(out):
        if jnp.issubdtype(o.dtype, jnp.inexact):
            results.append(Tensor._make(o, None, True, node, k))
        else:
            results.append(Tensor._make(o))
    return tuple(results)


def _record(op, cd, static, operands, vals, outs):
    if op.linear:
        saved = tuple(
            Aval(v.shape, v.dtype)
            if (isinstance(a, Tensor) and (a._dtype.is_floating_point or a._dtype.is_complex))
            else v
            for a, v in zip(operands, vals))
    else:
        saved = tuple(vals)
    edge_operands = operands if op.edges is None else operands[:op.edges]
    edges = tuple(a._edge() if isinstance(a, Tensor) else (None, 0) for a in edge_operands)
    out_avals = tuple((o.shape, o.dtype) for o in outs)
    return op.node_cls(op, (cd, static), saved, None, out_avals, edges,
                       outs if op.keeps_result else None)


def is_differentiable_dtype(dtype) -> bool:
    return dtype.is_floating_point or dtype.is_complex
