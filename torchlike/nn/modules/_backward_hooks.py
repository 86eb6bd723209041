"""Full backward hooks of a Module (``register_full_backward_hook`` / ``_pre_hook``).

As in PyTorch, the module's tensor inputs and outputs pass through an identity custom
Function (its node is ``BackwardHookFunctionBackward``).  A pre-hook on the outputs' node sees
the gradients w.r.t. the outputs; a hook on the inputs' node sees the gradients w.r.t. the
inputs, calls the user's hooks with both, and lets them replace the input gradients.
"""

from __future__ import annotations

import os
import sys
import warnings

import jax

from ..._tensor import Tensor
from ...autograd import grad_mode
from ...autograd.function import Function


class BackwardHookFunction(Function):
    @staticmethod
    def forward(ctx, *args):
        ctx.mark_non_differentiable(*[a for a in args if not a.requires_grad])
        return args

    @staticmethod
    def backward(ctx, *grads):
        return grads


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_SKIPPED = (_PACKAGE_DIR + os.sep, os.path.dirname(jax.__file__) + os.sep)


def _user_stacklevel():
    """The stacklevel of the user's ``backward()`` line: the hook runs inside the engine (and
    maybe a JAX callback), a number of frames that depends on how the replay was cut."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_code.co_filename.startswith(_SKIPPED):
        frame, level = frame.f_back, level + 1
    return level


def _pack(indices, values, size):
    out = [None] * size
    for i, v in zip(indices, values):
        out[i] = v
    return tuple(out)


class BackwardHook:
    """The state of one module call: which arguments were tensors, the grad_outputs seen."""

    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.grad_outputs = None
        self.n_inputs = -1
        self.input_index = None
        self.n_outputs = -1
        self.output_index = None

    def _wrap(self, args, attach):
        index = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        tensors = [args[i] for i in index]
        if not (grad_mode.is_grad_enabled() and any(t.requires_grad for t in tensors)):
            return args, None
        new = BackwardHookFunction.apply(*tensors)
        node = next(t.grad_fn for t in new if t.grad_fn is not None)
        attach(node)
        out = list(args)
        for i, t in zip(index, new):
            out[i] = t
        return tuple(out), index

    def setup_input_hook(self, args):
        def attach(node):
            def hook(grad_input, _):
                if self.grad_outputs is None:
                    return None
                res = _pack(self.input_index, grad_input, self.n_inputs)
                for h in self.user_hooks.values():
                    out = h(self.module, res, self.grad_outputs)
                    if out is None:
                        continue
                    if len(out) != len(res):
                        raise RuntimeError(
                            "Backward hook returned an invalid number of "
                            f"grad_input, got {len(out)}, but expected "
                            f"{len(res)}"
                        )
                    res = out
                self.grad_outputs = None
                return tuple(res[i] for i in self.input_index)

            node.register_hook(hook)

        wrapped, index = self._wrap(args, attach)
        self.n_inputs = len(args)
        self.input_index = index
        return wrapped

    def setup_output_hook(self, result):
        def attach(node):
            def hook(grad_output):
                self.grad_outputs = _pack(self.output_index, grad_output, self.n_outputs)
                for h in self.user_pre_hooks.values():
                    out = h(self.module, self.grad_outputs)
                    if out is None:
                        continue
                    if len(out) != len(self.grad_outputs):
                        raise RuntimeError(
                            "Backward pre hook returned an invalid number of grad_output, got "
                            f"{len(out)}, but expected {len(self.grad_outputs)}"
                        )
                    self.grad_outputs = tuple(out)
                local_grad_outputs = self.grad_outputs
                if self.input_index is None:
                    # no input needs a gradient: the hooks run now, with grad_input all None
                    warnings.warn(
                        "Full backward hook is firing when gradients are computed with respect "
                        "to module outputs since no inputs require gradients. See "
                        "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                        "#torch.nn.Module.register_full_backward_hook for more details.",
                        stacklevel=_user_stacklevel(),
                    )
                    grad_inputs = (None,) * self.n_inputs
                    for h in self.user_hooks.values():
                        res = h(self.module, grad_inputs, self.grad_outputs)
                        if res is not None and not all(r is None for r in res):
                            raise RuntimeError(
                                "Backward hook for Modules where no input requires gradient "
                                "should always return None or None for all gradients."
                            )
                    self.grad_outputs = None
                # what the pre-hooks returned reaches the module's backward even when no
                # input needs a gradient (the module's parameters still get theirs)
                return tuple(local_grad_outputs[i] for i in self.output_index)

            node.register_prehook(hook)

        single = not isinstance(result, tuple)
        args = (result,) if single else result
        wrapped, index = self._wrap(args, attach)
        self.n_outputs = len(args)
        self.output_index = index
        return wrapped[0] if single else wrapped
