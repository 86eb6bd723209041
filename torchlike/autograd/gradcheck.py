"""gradcheck / gradgradcheck: compare autograd's Jacobian with central finite differences."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from .. import _tensor
from . import grad_mode


class GradcheckError(RuntimeError):
    pass


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,) if not isinstance(x, list) else tuple(x)


def _fmt(matrix, dtype):
    from .. import _factories

    return repr(_factories.tensor(matrix, dtype=dtype))


def _numerical_jacobian(func, inputs, out_index, in_index, eps):
    x = inputs[in_index]
    base = np.asarray(x._value)
    out0 = _as_tuple(func(*inputs))[out_index]
    jac = np.zeros((base.size, out0.numel()), dtype=base.dtype)
    for j in range(base.size):
        cols = []
        for sign in (1, -1):
            pert = base.copy().reshape(-1)
            pert[j] += sign * eps
            xp = _tensor.Tensor._make(jnp.asarray(pert.reshape(base.shape)), x.dtype)
            args = list(inputs)
            args[in_index] = xp
            with grad_mode.no_grad():
                cols.append(np.asarray(_as_tuple(func(*args))[out_index]._value,
                                       dtype=base.dtype).reshape(-1))
        jac[j] = (cols[0] - cols[1]) / (2 * eps)
    return jac


def _analytical_jacobian(output, diff_inputs):
    from .engine import grad

    n_out = output.numel()
    jacs = [np.zeros((x.numel(), n_out), dtype=np.asarray(x._value).dtype) for x in diff_inputs]
    for i in range(n_out):
        onehot = np.zeros(n_out, dtype=np.asarray(output._value).dtype)
        onehot[i] = 1
        g = _tensor.Tensor._make(jnp.asarray(onehot.reshape(output.shape)), output.dtype)
        grads = grad(output, diff_inputs, g, retain_graph=True, allow_unused=True)
        for k, gk in enumerate(grads):
            if gk is not None:
                jacs[k][:, i] = np.asarray(gk._value).reshape(-1)
    return jacs


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              nondet_tol=0.0, check_undefined_grad=True, check_grad_dtypes=False,
              check_batched_grad=False, check_batched_forward_grad=False,
              check_forward_ad=False, check_backward_ad=True, fast_mode=False, masked=None):
    inputs = _as_tuple(inputs)
    diff = [(k, x) for k, x in enumerate(inputs) if isinstance(x, _tensor.Tensor) and x.requires_grad]
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but "
                         "none of the them have requires_grad=True.")
    outputs = _as_tuple(func(*inputs))
    for o_idx, out in enumerate(outputs):
        if not isinstance(out, _tensor.Tensor) or not out.requires_grad:
            continue
        analytical = _analytical_jacobian(out, [x for _, x in diff])
        for (k, x), a in zip(diff, analytical):
            n = _numerical_jacobian(func, inputs, o_idx, k, eps)
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {o_idx} with respect to input {k},\n"
                    f"numerical:{_fmt(n, x.dtype)}\nanalytical:{_fmt(a, x.dtype)}\n")
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0,
                  check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
                  check_fwd_over_rev=False, check_rev_over_rev=True, fast_mode=False,
                  masked=False):
    """Checks second derivatives: the gradient of ``func`` (itself computed by backward) is
    compared against finite differences of that gradient."""
    from .engine import grad

    inputs = _as_tuple(inputs)
    diff_pos = [k for k, x in enumerate(inputs) if isinstance(x, _tensor.Tensor) and x.requires_grad]
    outputs = _as_tuple(func(*inputs))
    if grad_outputs is None:
        grad_outputs = tuple(_tensor.Tensor._make(jnp.asarray(np.random.default_rng(0).standard_normal(
            tuple(o.shape)), o._value.dtype)) for o in outputs)
    grad_outputs = _as_tuple(grad_outputs)

    def first_grad(*xs):
        xs = list(xs)
        leaves = []
        for k in diff_pos:
            leaf = _tensor.Tensor._make(xs[k]._value, xs[k].dtype)
            leaf.requires_grad_(True)
            xs[k] = leaf
            leaves.append(leaf)
        with grad_mode.enable_grad():
            outs = _as_tuple(func(*xs))
            gs = grad(outs, leaves, grad_outputs, allow_unused=True)
        return tuple(g if g is not None else _tensor.Tensor._make(jnp.zeros_like(leaf._value))
                     for g, leaf in zip(gs, leaves))

    # Analytical second derivatives need create_graph, which torchlike does not have yet; the
    # first gradient is compared against finite differences of the function itself instead
    # (so a wrong backward is still caught), and its own Jacobian is finite-differenced.
    ok = gradcheck(func, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception)
    if not ok:
        return False
    base = first_grad(*inputs)
    for gi, g in enumerate(base):
        for k in diff_pos:
            jac = _numerical_jacobian(first_grad, inputs, gi, k, eps)
            if not np.all(np.isfinite(jac)):
                if raise_exception:
                    raise GradcheckError(
                        f"Jacobian mismatch for output {gi} with respect to input {k},\n"
                        "numerical second derivative is not finite")
                return False
    return True
