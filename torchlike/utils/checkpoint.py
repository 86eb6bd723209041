"""``torch.utils.checkpoint``: activation checkpointing, both of PyTorch's variants.

* ``use_reentrant=True`` (the default when the argument is left out, with PyTorch's warning):
  the forward runs under no_grad inside ``CheckpointFunction``, so the graph holds one
  ``CheckpointFunctionBackward`` node; its backward re-runs the function with the random state
  of the forward and runs a backward of its own through the recomputed graph (a reentrant
  backward: the engine runs such a graph rule by rule, uncompiled, see
  ``engine._rule_by_rule``).  As in PyTorch, inputs of which none requires grad give outputs
  that don't, with PyTorch's warning.
* ``use_reentrant=False``: the function's ops are recorded as usual (the graph reads as
  PyTorch's: ``ReluBackward0`` … rather than one checkpoint node), then the arrays they saved
  for backward that were made inside the function are dropped.  The first backward that
  reaches one of those nodes re-runs the function once, with the forward's random and autocast
  state, and hands the recomputed values to the recorded nodes, matched in creation order (the
  order PyTorch's unpack hooks match them in).

Side effects inside the function happen again on recomputation, as in PyTorch (a BatchNorm's
running statistics update twice).
"""

from __future__ import annotations

import contextlib
import warnings

from .. import _tensor, random
from ..amp import autocast, get_autocast_dtype, is_autocast_enabled
from ..autograd import backward as _backward
from ..autograd import graph as _graph
from ..autograd.function import Function
from ..autograd.grad_mode import enable_grad, is_grad_enabled, no_grad

__all__ = [
    "checkpoint",
    "checkpoint_sequential",
    "CheckpointError",
    "CheckpointFunction",
    "check_backward_validity",
    "detach_variable",
    "noop_context_fn",
]

_WARN_REENTRANT = (
    "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting "
    "in PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
    "use_reentrant=False is recommended, but if you need to preserve the current default "
    "behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
    "differences between the two variants."
)
_WARN_SEQUENTIAL = (
    "torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be "
    "passed explicitly. In version 2.9 we will raise an exception if use_reentrant is not "
    "passed. use_reentrant=False is recommended, but if you need to preserve the current "
    "default behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
    "differences between the two variants."
)


class CheckpointError(RuntimeError):
    """Raised when the recomputed forward differs from the original one."""


def noop_context_fn():
    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs):
    if not isinstance(inputs, tuple):
        raise RuntimeError(
            "Only tuple of tensors is supported. Got Unsupported input type: "
            f"{type(inputs).__name__}"
        )
    out = []
    for inp in inputs:
        if not isinstance(inp, _tensor.Tensor):
            out.append(inp)
            continue
        x = inp.detach()
        x.requires_grad = inp.requires_grad
        out.append(x)
    return tuple(out)


def check_backward_validity(inputs) -> None:
    if not any(inp.requires_grad for inp in inputs if isinstance(inp, _tensor.Tensor)):
        warnings.warn(
            "None of the inputs have requires_grad=True. Gradients will be None", stacklevel=2
        )


def _autocast_state():
    return {dev: (is_autocast_enabled(dev), get_autocast_dtype(dev)) for dev in ("cpu", "cuda")}


@contextlib.contextmanager
def _replaying(rng_state, autocast_state):
    """The forward's random and autocast state around a recomputation; the surrounding random
    state is back afterwards."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(random.fork_rng(enabled=rng_state is not None))
        if rng_state is not None:
            random.set_rng_state(rng_state)
        for dev, (enabled, dtype) in autocast_state.items():
            if enabled:
                stack.enter_context(autocast(device_type=dev, dtype=dtype))
        yield


# ------------------------------------------------------------------------------ reentrant
class CheckpointFunction(Function):
    reentrant_backward = True  # its backward runs a backward: the engine replays uncompiled

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        check_backward_validity(args)
        ctx.run_function = run_function
        ctx.rng_state = random.get_rng_state() if preserve_rng_state else None
        ctx.autocast_state = _autocast_state()
        ctx.inputs = []
        ctx.tensor_indices = []
        tensors = []
        for i, arg in enumerate(args):
            if isinstance(arg, _tensor.Tensor):
                tensors.append(arg)
                ctx.tensor_indices.append(i)
                ctx.inputs.append(None)
            else:
                ctx.inputs.append(arg)
        ctx.save_for_backward(*tensors)
        with no_grad():
            return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        inputs = list(ctx.inputs)
        for i, t in zip(ctx.tensor_indices, ctx.saved_tensors):
            inputs[i] = t
        with _replaying(ctx.rng_state, ctx.autocast_state):
            detached = detach_variable(tuple(inputs))
            with enable_grad():
                outputs = ctx.run_function(*detached)
        if isinstance(outputs, _tensor.Tensor):
            outputs = (outputs,)
        with_grad, their_grads = [], []
        for out, g in zip(outputs, grads):
            if isinstance(out, _tensor.Tensor) and out.requires_grad:
                with_grad.append(out)
                their_grads.append(g)
        if not with_grad:
            raise RuntimeError(
                "none of output has requires_grad=True, this checkpoint() is not necessary"
            )
        _backward(with_grad, their_grads)
        return (None, None) + tuple(
            inp.grad if isinstance(inp, _tensor.Tensor) else None for inp in detached
        )


# -------------------------------------------------------------------------- non-reentrant
def _tensors_in(out):
    if isinstance(out, _tensor.Tensor):
        return [out]
    if isinstance(out, (list, tuple)):
        return [t for o in out for t in _tensors_in(o)]
    if isinstance(out, dict):
        return [t for o in out.values() for t in _tensors_in(o)]
    return []


def _region(outputs, start):
    """The op nodes made since sequence number ``start`` that ``outputs`` reach, in creation
    order."""
    seen, stack, found = set(), [], []
    for t in _tensors_in(outputs):
        if t.grad_fn is not None:
            stack.append(t.grad_fn)
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen or node._sequence_nr < start:
            continue
        seen.add(id(node))
        found.append(node)
        stack.extend(n for n, _ in node.next_functions)
    return sorted(found, key=lambda n: n._sequence_nr)


def _op_nodes(outputs, start):
    """The region's op nodes (not custom Functions, views or leaves: their values stay)."""
    op_rule = _graph.Node._replay_rule
    return [
        n
        for n in _region(outputs, start)
        if getattr(type(n), "_replay_rule", None) is op_rule
        and not isinstance(n, _graph.AccumulateGrad)
    ]


class _Recompute:
    """What a backward needs to re-create the dropped values of one checkpointed call."""

    def __init__(self, fn, args, kwargs, rng_state, autocast_state, nodes, dropped):
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.rng_state, self.autocast_state = rng_state, autocast_state
        self.nodes = nodes
        self.dropped = dropped  # per node: positions in (_saved, _result) emptied

    def __bool__(self):  # stands in a node's ``_freed`` slot: "not runnable as it is"
        return True

    def fill(self):
        start = _graph.next_sequence_nr()
        with _replaying(self.rng_state, self.autocast_state), enable_grad():
            outputs = self.fn(*self.args, **self.kwargs)
        fresh = _op_nodes(outputs, start)
        if [n.name() for n in fresh] != [n.name() for n in self.nodes]:
            raise CheckpointError(
                "torch.utils.checkpoint: Recomputed values for the following tensors have "
                "different metadata than during the forward pass."
            )
        for node, new, (saved_pos, result_pos) in zip(self.nodes, fresh, self.dropped):
            for k in saved_pos:
                sv, nsv = node._saved[k], new._saved[k]
                sv.value, sv.tensor = nsv.value, nsv.tensor
            for k in result_pos:
                node._result[k].value = new._result[k].value
            node._freed = False
        self.nodes = self.dropped = self.fn = self.args = self.kwargs = None


def _checkpoint_without_reentry(fn, preserve, args, kwargs):
    rng_state = random.get_rng_state() if preserve else None
    autocast_state = _autocast_state()
    start = _graph.next_sequence_nr()
    outputs = fn(*args, **kwargs)
    if not is_grad_enabled():
        return outputs
    nodes = _op_nodes(outputs, start)
    inside = {id(n) for n in nodes}
    keep = {id(t) for t in _tensors_in(outputs)}
    plan = []
    for node in nodes:
        saved_pos = []
        edges = node.next_functions
        for k, sv in enumerate(node._saved):
            # an operand made inside: its edge leads to a node of the region
            if sv is not None and sv.holds_array and k < len(edges):
                made_by = edges[k][0]
                if made_by is not None and id(made_by) in inside:
                    saved_pos.append(k)
        result_pos = []
        for k, sv in enumerate(node._result or ()):
            out = sv._output() if sv._output is not None else None
            if sv.holds_array and (out is None or id(out) not in keep):
                result_pos.append(k)
        plan.append((saved_pos, result_pos))
    if not any(s or r for s, r in plan):
        return outputs
    recompute = _Recompute(fn, args, kwargs, rng_state, autocast_state, nodes, plan)
    for node, (saved_pos, result_pos) in zip(nodes, plan):
        for k in saved_pos:
            sv = node._saved[k]
            sv.value = sv.tensor = None
            sv.version = sv._gen = None  # recomputed values are fresh: nothing to check
        for k in result_pos:
            node._result[k].value = None
        node._freed = recompute
    return outputs


# --------------------------------------------------------------------------------- public
def checkpoint(
    function,
    *args,
    use_reentrant=None,
    context_fn=noop_context_fn,
    determinism_check="default",
    debug=False,
    early_stop=True,
    **kwargs,
):
    """``torch.utils.checkpoint.checkpoint`` (see the module docstring)."""
    if use_reentrant is None:
        warnings.warn(_WARN_REENTRANT, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs and use_reentrant:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError(
                "Passing `context_fn` or `debug` is only supported when use_reentrant=False."
            )
        return CheckpointFunction.apply(function, preserve, *args)
    if determinism_check not in ("default", "none"):
        raise ValueError(
            f"determinism_check should be one of ['default', 'none'], but got {determinism_check}"
        )
    if context_fn is not noop_context_fn or debug:
        raise NotImplementedError(
            "torchlike: torch.utils.checkpoint with context_fn= (selective checkpointing) or "
            "debug=True is not supported"
        )
    return _checkpoint_without_reentry(function, preserve, args, kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Run ``functions`` (a Sequential or a list of callables) in ``segments`` chunks, each but
    the last checkpointed."""
    if use_reentrant is None:
        warnings.warn(_WARN_SEQUENTIAL, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(arg for arg in kwargs))
    if hasattr(functions, "_modules") and type(functions).__name__ == "Sequential":
        functions = list(functions.children())

    def run(first, last):
        def forward(x):
            for j in range(first, last + 1):
                x = functions[j](x)
            return x

        return forward

    size = len(functions) // segments
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(
            run(start, end), input, use_reentrant=use_reentrant, preserve_rng_state=preserve
        )
    return run(end + 1, len(functions) - 1)(input)
