"""torch.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp on the recorded engine.

Unlike ``torch.func``, these differentiate with ``torch.autograd.grad``: the inputs become fresh
leaves (or keep their graph when ``create_graph``), the user's function is recorded, and every
product is a backward pass through that record.  Results are nested exactly as PyTorch nests
them: a Tensor where the user gave a Tensor, a tuple where the user gave a tuple.
"""

from __future__ import annotations

from .. import _factories
from .._ops import frontend as _f
from .._tensor import Tensor
from . import grad_mode
from .engine import grad as _autograd_grad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _as_tuple(inp, arg_name, fn_name):
    """``(tuple_of_tensors, was_a_tuple)``, with PyTorch's error for anything else."""
    is_tuple = isinstance(inp, tuple)
    items = inp if is_tuple else (inp,)
    for i, el in enumerate(items):
        if not isinstance(el, Tensor):
            if is_tuple:
                raise TypeError(
                    f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                    f"tuple of Tensors but the value at index {i} has type "
                    f"{type(el)}."
                )
            raise TypeError(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                f"tuple of Tensors but the given {arg_name} has type {type(el)}."
            )
    return items, is_tuple


def _nest(res, to_tuple):
    """Undo ``_as_tuple``: one level (``to_tuple`` a bool) or two (a pair of bools)."""
    if isinstance(to_tuple, tuple):
        outer, inner = to_tuple
        if not outer:
            res = res[0]
            return res if inner else res[0]
        return res if inner else tuple(r[0] for r in res)
    return res if to_tuple else res[0]


def _prepare_inputs(inputs, create_graph, need_graph):
    """Leaves to differentiate with respect to; with ``create_graph`` an input that already
    requires grad keeps its history (a view of itself), so results stay differentiable."""
    out = []
    for inp in inputs:
        if create_graph and inp.requires_grad:
            out.append(inp.view_as(inp) if not inp.is_sparse else inp.clone())
        else:
            out.append(inp.detach().requires_grad_(need_graph))
    return tuple(out)


def _finish(tensors, create_graph):
    """Detach results unless the caller asked for a differentiable graph."""
    if isinstance(tensors, tuple):
        return tuple(_finish(t, create_graph) for t in tensors)
    if tensors is None or create_graph:
        return tensors
    return tensors.detach()


def _check_outputs_require_grad(outputs, fn_name, strict):
    if not strict:
        return
    for i, out in enumerate(outputs):
        if not out.requires_grad:
            raise RuntimeError(
                f"Output {i} of the user-provided function does not require "
                "gradients. The outputs must be computed in a differentiable "
                "manner from the input when running in strict mode."
            )


def _grad(outputs, inputs, grad_outputs, create_graph, retain_graph=None):
    """``autograd.grad`` where outputs that need no grad contribute nothing (None)."""
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return _autograd_grad(
        tuple(o for o, _ in pairs),
        inputs,
        tuple(g for _, g in pairs),
        allow_unused=True,
        create_graph=create_graph,
        retain_graph=retain_graph,
    )


def _fill_unused(grads, refs, strict, create_graph, stage, fn_name):
    """Zeros for inputs the outputs do not depend on (an error in strict mode)."""
    res = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                if stage == "back":
                    raise RuntimeError(
                        f"The output of the user-provided function is independent "
                        f"of input {i}. This is not allowed in strict mode."
                    )
                if stage == "back_trick":
                    raise RuntimeError(
                        f"The gradient with respect to the input is independent "
                        f"of entry {i} in the grad_outputs when using the double "
                        "backward trick to compute forward mode gradients. This "
                        "is not allowed in strict mode."
                    )
                if stage == "double_back":
                    raise RuntimeError(
                        f"The jacobian of the user-provided function is "
                        f"independent of input {i}. This is not allowed in strict "
                        "mode."
                    )
                raise RuntimeError(
                    f"The hessian of the user-provided function is independent "
                    f"of entry {i} in the grad_jacobian. This is not allowed in "
                    "strict mode as it prevents from using the double backward "
                    "trick to replace forward mode AD."
                )
            g = _factories.zeros_like(ref)
        res.append(g)
    return tuple(res)


def _check_v(v, refs, v_tuple):
    if len(v) != len(refs):
        if not v_tuple or len(refs) == 1:
            raise RuntimeError("The given v should contain a single Tensor.")
        raise RuntimeError(
            f"v is a tuple of invalid length: should be {len(refs)} but got {len(v)}."
        )
    for i, (vi, ri) in enumerate(zip(v, refs)):
        if vi.shape != ri.shape:
            where = f"Entry {i} in v" if v_tuple else "v"
            raise RuntimeError(
                f"{where} has invalid size: should be {ri.shape} but got {vi.shape}."
            )


def _run(func, inputs, fn_name):
    outputs = func(*inputs)
    return _as_tuple(outputs, "outputs of the user-provided function", fn_name)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func_output, vjp)``: the vector-Jacobian product of ``v`` with ``func`` at ``inputs``."""
    with grad_mode.enable_grad():
        inputs, in_tuple = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare_inputs(inputs, create_graph, True)
        outputs, out_tuple = _run(func, inputs, "vjp")
        _check_outputs_require_grad(outputs, "vjp", strict)
        if v is not None:
            v, v_tuple = _as_tuple(v, "v", "vjp")
            v = _prepare_inputs(v, create_graph, False)
            _check_v(v, outputs, v_tuple)
        else:
            if len(outputs) != 1 or outputs[0].nelement() != 1:
                raise RuntimeError(
                    "The vector v can only be None if the user-provided function "
                    "returns a single Tensor with a single element."
                )
            v = (None,)
        grads = _grad(outputs, inputs, v, create_graph)
        vjp_res = _fill_unused(grads, inputs, strict, create_graph, "back", "vjp")
    return _nest(_finish(outputs, create_graph), out_tuple), _nest(
        _finish(vjp_res, create_graph), in_tuple
    )


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func_output, jvp)``, by the double-backward trick (as PyTorch computes it)."""
    with grad_mode.enable_grad():
        inputs, in_tuple = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare_inputs(inputs, create_graph, True)
        if v is not None:
            v, v_tuple = _as_tuple(v, "v", "jvp")
            v = _prepare_inputs(v, create_graph, False)
            _check_v(v, inputs, v_tuple)
        else:
            if len(inputs) != 1 or inputs[0].nelement() != 1:
                raise RuntimeError(
                    "The vector v can only be None if the input to the "
                    "user-provided function is a single Tensor with a single "
                    "element."
                )
        outputs, out_tuple = _run(func, inputs, "jvp")
        _check_outputs_require_grad(outputs, "jvp", strict)
        # d(v^T J)/dv applied to u is J u: differentiate a VJP w.r.t. its (dummy) cotangent
        grad_outputs = tuple(_factories.zeros_like(o, requires_grad=True) for o in outputs)
        grad_inputs = _grad(outputs, inputs, grad_outputs, create_graph=True)
        _fill_unused(grad_inputs, inputs, strict, create_graph, "back", "jvp")
        if v is None:
            v = (_factories.ones_like(inputs[0]),)
        used = [(g, vi) for g, vi in zip(grad_inputs, v) if g is not None]
        if used:
            grad_res = _autograd_grad(
                tuple(g for g, _ in used),
                grad_outputs,
                tuple(vi for _, vi in used),
                allow_unused=True,
                create_graph=create_graph,
            )
        else:
            grad_res = (None,) * len(grad_outputs)
        jvp_res = _fill_unused(grad_res, outputs, strict, create_graph, "back_trick", "jvp")
    return _nest(_finish(outputs, create_graph), out_tuple), _nest(
        _finish(jvp_res, create_graph), out_tuple
    )


def jacobian(
    func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"
):
    """The Jacobian of ``func`` at ``inputs``: entry [i][j] has shape
    ``outputs[i].shape + inputs[j].shape``, nested as the user's outputs and inputs are."""
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". '
            "Hint: If your function has more outputs than inputs, "
            '"forward-mode" tends to be more performant. Otherwise, prefer to '
            'use "reverse-mode".'
        )
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError(
                "torch.autograd.functional.jacobian: `create_graph=True` "
                'and `strategy="forward-mode"` are not supported together '
                "(yet). Please either set `create_graph=False` or make "
                'sure to use `strategy="reverse-mode"`.'
            )
        if not vectorize:
            raise NotImplementedError(
                "Computing Jacobian using forward-AD or forward-over-"
                "reverse Hessian isonly implemented for `vectorize=True`."
            )
    if vectorize and strict:
        raise RuntimeError(
            "torch.autograd.functional.jacobian: `strict=True` and "
            "`vectorized=True` are not supported together. Please either set "
            "`strict=False` or `vectorize=False`."
        )
    # vectorize and forward-mode change how PyTorch computes the rows, never their values, so
    # every strategy runs the same row-by-row backward here (each row replays one compiled graph)
    with grad_mode.enable_grad():
        inputs, in_tuple = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare_inputs(inputs, create_graph, True)
        outputs, out_tuple = _run(func, inputs, "jacobian")
        _check_outputs_require_grad(outputs, "jacobian", strict)
        jac = []
        for i, out in enumerate(outputs):
            rows = [[] for _ in inputs]
            flat = out.reshape(-1)
            for j in range(flat.nelement()):
                if out.requires_grad:
                    g = _autograd_grad(
                        (flat[j],),
                        inputs,
                        retain_graph=True,
                        create_graph=create_graph,
                        allow_unused=True,
                    )
                else:
                    g = (None,) * len(inputs)
                for k, (gk, inp) in enumerate(zip(g, inputs)):
                    if gk is None:
                        if strict and create_graph and not inp.requires_grad:
                            raise RuntimeError(
                                "The jacobian of the user-provided function is "
                                f"independent of input {k}. This is not allowed "
                                "in strict mode when create_graph=True."
                            )
                        if strict:
                            raise RuntimeError(
                                f"Output {i} of the user-provided function is "
                                f"independent of input {k}. This is not allowed "
                                "in strict mode."
                            )
                        gk = _factories.zeros_like(inp)
                    rows[k].append(gk)
            jac.append(
                tuple(
                    _f.stack(r, 0).view(out.shape + inp.shape)
                    if r
                    else _factories.zeros(out.shape + inp.shape, dtype=inp.dtype)
                    for r, inp in zip(rows, inputs)
                )
            )
        jac = _finish(tuple(jac), create_graph)
    if strategy == "forward-mode":
        # PyTorch's forward-mode path nests its result in lists (reverse mode: tuples)
        jac = [list(row) for row in jac]
    return _nest(jac, (out_tuple, in_tuple))


def hessian(
    func,
    inputs,
    create_graph=False,
    strict=False,
    vectorize=False,
    outer_jacobian_strategy="reverse-mode",
):
    """The Hessian of a scalar function: ``inputs[i].shape + inputs[j].shape`` per pair."""
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')
    inputs, in_tuple = _as_tuple(inputs, "inputs", "hessian")

    def single_output(*inp):
        out = func(*inp)
        out, out_tuple = _as_tuple(out, "outputs of the user-provided function", "hessian")
        if out_tuple or not isinstance(out[0], Tensor):
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out[0].nelement() != 1:
            raise RuntimeError(
                "The Tensor returned by the function given to hessian should "
                "contain a single element"
            )
        return out[0].squeeze()

    def jac_func(*inp):
        if outer_jacobian_strategy == "forward-mode":
            inp = tuple(t.requires_grad_(True) for t in inp)
        jac = jacobian(single_output, inp, create_graph=True)
        return jac

    res = jacobian(
        jac_func,
        inputs,
        create_graph=create_graph,
        strict=strict,
        vectorize=vectorize,
        strategy=outer_jacobian_strategy,
    )
    return res if in_tuple else res[0][0]


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func_output, vhp)``: ``v^T H`` of a scalar function."""
    with grad_mode.enable_grad():
        inputs, in_tuple = _as_tuple(inputs, "inputs", "vhp")
        inputs = _prepare_inputs(inputs, create_graph, True)
        v = _check_hv_vector(v, inputs, create_graph, "vhp")
        outputs = _scalar_output(func, inputs, strict, "vhp")
        jac = _grad(outputs, inputs, (None,), create_graph=True)
        jac = _fill_unused(jac, inputs, strict, create_graph, "double_back", "vhp")
        used = [(j, vi) for j, vi in zip(jac, v) if j.requires_grad]
        grads = (
            _autograd_grad(
                tuple(j for j, _ in used),
                inputs,
                tuple(vi for _, vi in used),
                allow_unused=True,
                create_graph=create_graph,
            )
            if used
            else ((None,) * len(inputs))
        )
        res = _fill_unused(grads, inputs, strict, create_graph, "double_back", "vhp")
    return _finish(outputs[0], create_graph), _nest(_finish(res, create_graph), in_tuple)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func_output, hvp)``: ``H v`` of a scalar function, by the double-backward trick."""
    with grad_mode.enable_grad():
        inputs, in_tuple = _as_tuple(inputs, "inputs", "hvp")
        inputs = _prepare_inputs(inputs, create_graph, True)
        v = _check_hv_vector(v, inputs, create_graph, "hvp")
        outputs = _scalar_output(func, inputs, strict, "hvp")
        jac = _grad(outputs, inputs, (None,), create_graph=True)
        jac = _fill_unused(jac, inputs, strict, create_graph, "double_back", "hvp")
        grad_jac = tuple(_factories.zeros_like(t, requires_grad=True) for t in inputs)
        used = [(j, g) for j, g in zip(jac, grad_jac) if j.requires_grad]
        if used:
            double_back = _autograd_grad(
                tuple(j for j, _ in used),
                inputs,
                tuple(g for _, g in used),
                allow_unused=True,
                create_graph=True,
            )
        else:
            double_back = (None,) * len(inputs)
        double_back = _fill_unused(double_back, inputs, strict, create_graph, "double_back", "hvp")
        used = [(d, vi) for d, vi in zip(double_back, v) if d.requires_grad]
        if used:
            grads = _autograd_grad(
                tuple(d for d, _ in used),
                grad_jac,
                tuple(vi for _, vi in used),
                allow_unused=True,
                create_graph=create_graph,
            )
        else:
            grads = (None,) * len(grad_jac)
        res = _fill_unused(grads, inputs, strict, create_graph, "double_back_trick", "hvp")
    return _finish(outputs[0], create_graph), _nest(_finish(res, create_graph), in_tuple)


def _check_hv_vector(v, inputs, create_graph, fn_name):
    if v is None:
        if len(inputs) != 1 or inputs[0].nelement() != 1:
            raise RuntimeError(
                "The vector v can only be None if the input to the user-provided "
                "function is a single Tensor with a single element."
            )
        return (_factories.ones_like(inputs[0]),)
    v, v_tuple = _as_tuple(v, "v", fn_name)
    v = _prepare_inputs(v, create_graph, False)
    _check_v(v, inputs, v_tuple)
    return v


def _scalar_output(func, inputs, strict, fn_name):
    outputs, out_tuple = _run(func, inputs, fn_name)
    if out_tuple or not isinstance(outputs[0], Tensor):
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].nelement() != 1:
        raise RuntimeError(
            f"The Tensor returned by the function given to {fn_name} should "
            "contain a single element"
        )
    _check_outputs_require_grad(outputs, fn_name, strict)
    return outputs
