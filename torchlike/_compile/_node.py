"""``CompiledFunctionBackward``: the one grad node of a compiled forward (PyTorch's name).

A compiled call whose results still need a graph (``torch.compile(model)(x)``, then
``loss.backward()`` outside) runs ``jax.vjp`` of the traced program inside the same
executable and keeps the vjp's residuals.  This node holds them; its local rule in the
engine's replay applies the vjp to the incoming gradients, so the backward is one more
compiled function and the gradients are exactly those of the traced forward.
"""

from __future__ import annotations

import jax

from ..autograd.graph import ERR_BACKWARD_TWICE, Node


class CompiledFunctionBackward(Node):
    __slots__ = ("_treedef", "_leaves", "_in_avals", "_diff_pos")

    def __init__(self, *, treedef, leaves, next_functions, out_avals, in_avals, diff_pos):
        Node.__init__(self, op=CompiledFunctionBackward, next_functions=next_functions)
        self._treedef = treedef
        self._leaves = leaves
        self._out_avals = out_avals
        self._in_avals = in_avals
        self._diff_pos = diff_pos  # which outputs of the program are differentiated

    def _replay_rule(self, plan):
        if self._freed:
            raise RuntimeError(ERR_BACKWARD_TWICE)
        plan.flat.extend(self._leaves)
        treedef = self._treedef
        in_avals = self._in_avals
        n = len(self._leaves)
        live = tuple(k for k, (node, _) in enumerate(self.next_functions) if node is not None)

        def rule(vals, out_cts, present):
            vjp_fn = jax.tree_util.tree_unflatten(treedef, list(vals))
            cts = []
            for ct, (shape, dtype) in zip(out_cts, self_out_avals):
                cts.append(jax.numpy.zeros(shape, dtype) if ct is None else ct.astype(dtype))
            (grads,) = vjp_fn(cts)
            result = [None] * len(in_avals)
            for k in live:
                result[k] = grads[k]
            return result

        self_out_avals = self._out_avals
        key = ("compiled", treedef, in_avals, self_out_avals, live)
        return key, lambda: rule, n

    def _release(self):
        if not self._freed:
            self._freed = True
            self._leaves = ()

    def name(self):
        return "CompiledFunctionBackward"
