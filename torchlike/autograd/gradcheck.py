"""gradcheck / gradgradcheck: compare autograd's Jacobian with central finite differences."""

from __future__ import annotations

import warnings

import jax.numpy as jnp
import numpy as np

from .. import _dtype as D
from .. import _tensor
from .. import random as _random
from . import forward_ad
from .engine import grad


class GradcheckError(RuntimeError):
    pass


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,) if not isinstance(x, list) else tuple(x)


def _fmt(matrix, dtype):
    return repr(_tensor.Tensor._make(jnp.asarray(matrix, dtype._np), dtype))


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
            xp._requires_grad = x.requires_grad
            args = list(inputs)
            args[in_index] = xp
            cols.append(
                np.asarray(_as_tuple(func(*args))[out_index]._value, dtype=base.dtype).reshape(-1)
            )
        jac[j] = (cols[0] - cols[1]) / (2 * eps)
    return jac


def _forward_jacobian(func, inputs, out_index, in_index):
    """The Jacobian by forward mode (``forward_ad``): one dual call per input element."""
    x = inputs[in_index]
    n = x.numel()
    rows = []
    with forward_ad.dual_level():
        for j in range(n):
            basis = np.zeros(n, dtype=np.asarray(x._value).dtype)
            basis[j] = 1
            tangent = _tensor.Tensor._make(jnp.asarray(basis.reshape(tuple(x.shape))), x.dtype)
            args = list(inputs)
            args[in_index] = forward_ad.make_dual(x, tangent)
            out = _as_tuple(func(*args))[out_index]
            t = forward_ad.unpack_dual(out).tangent
            rows.append(
                np.zeros(out.numel(), basis.dtype)
                if t is None
                else np.asarray(t._value, dtype=basis.dtype).reshape(-1)
            )
    return np.stack(rows)


def _analytical_jacobian(output, diff_inputs):
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


def gradcheck(
    func,
    inputs,
    *,
    eps=1e-6,
    atol=1e-5,
    rtol=1e-3,
    raise_exception=True,
    nondet_tol=0.0,
    check_undefined_grad=True,
    check_grad_dtypes=False,
    check_batched_grad=False,
    check_batched_forward_grad=False,
    check_forward_ad=False,
    check_backward_ad=True,
    fast_mode=False,
    masked=None,
):
    assert check_forward_ad or check_backward_ad, (
        "Expected at least one of check_forward_ad or check_backward_ad to be True"
    )
    inputs = _as_tuple(inputs)
    diff = [
        (k, x) for k, x in enumerate(inputs) if isinstance(x, _tensor.Tensor) and x.requires_grad
    ]
    if not diff:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but "
            "none of them have requires_grad=True."
        )
    for k, x in diff:
        if x.dtype not in (D.float64, D.complex128):
            warnings.warn(
                f"Input #{k} requires gradient and is not a double precision floating point or "
                "complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex. ",
                UserWarning,
                stacklevel=2,
            )
    outputs = _as_tuple(func(*inputs))
    modes = [m for m, on in (("backward", check_backward_ad), ("forward", check_forward_ad)) if on]
    for mode in modes:  # PyTorch's order: reverse mode first
        for o_idx, out in enumerate(outputs):
            if not isinstance(out, _tensor.Tensor) or not (
                out.requires_grad if mode == "backward" else out.is_floating_point()
            ):
                continue
            if mode == "backward":
                analytical = _analytical_jacobian(out, [x for _, x in diff])
            else:
                analytical = [_forward_jacobian(func, inputs, o_idx, k) for k, _ in diff]
            for (k, x), a in zip(diff, analytical):
                n = _numerical_jacobian(func, inputs, o_idx, k, eps)
                if not np.allclose(a, n, rtol=rtol, atol=atol):
                    if not raise_exception:
                        return False
                    what = (
                        "Jacobian" if mode == "backward" else "Jacobian computed with forward mode"
                    )
                    raise GradcheckError(
                        f"{what} mismatch for output {o_idx} with respect to input {k},\n"
                        f"numerical:{_fmt(n, x.dtype)}\nanalytical:{_fmt(a, x.dtype)}\n"
                    )
    return True


def _random_grad_output(out):
    dtype = out.dtype if (out.is_floating_point() or out.is_complex()) else D.float64
    real = dtype.to_real() if dtype.is_complex else dtype
    shape = tuple(out.shape) + ((2,) if dtype.is_complex else ())
    values = _random.default_generator._uniform(shape, real, -1.0, 1.0)
    if dtype.is_complex:
        values = values[..., 0] + 1j * values[..., 1]
    g = _tensor.Tensor._make(jnp.asarray(values, dtype._np), dtype)
    g._requires_grad = True
    return g


def gradgradcheck(
    func,
    inputs,
    grad_outputs=None,
    *,
    eps=1e-6,
    atol=1e-5,
    rtol=1e-3,
    gen_non_contig_grad_outputs=False,
    raise_exception=True,
    nondet_tol=0.0,
    check_undefined_grad=True,
    check_grad_dtypes=False,
    check_batched_grad=False,
    check_fwd_over_rev=False,
    check_rev_over_rev=True,
    fast_mode=False,
    masked=False,
):
    """gradcheck of the function ``(inputs, grad_outputs) -> grad(func(inputs), inputs)``,
    whose analytical Jacobian comes from a ``create_graph=True`` backward."""
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        # PyTorch draws them with torch.testing.make_tensor(low=-1, high=1) from the global
        # generator, one per differentiable output: drawing the same keeps a seeded script's
        # later random numbers where PyTorch's are.
        outputs = _as_tuple(func(*inputs))
        grad_outputs = tuple(
            _random_grad_output(o)
            for o in outputs
            if isinstance(o, _tensor.Tensor) and o.requires_grad
        )
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)
    diff_pos = [
        k for k, x in enumerate(inputs) if isinstance(x, _tensor.Tensor) and x.requires_grad
    ]

    def new_func(*args):
        xs, gos = args[:n_in], args[n_in:]
        outs = _as_tuple(func(*xs))
        diff_outs = [o for o in outs if isinstance(o, _tensor.Tensor) and o.requires_grad]
        gs = grad(
            diff_outs,
            [xs[k] for k in diff_pos],
            gos[: len(diff_outs)],
            create_graph=True,
            allow_unused=True,
        )
        return tuple(g for g in gs if g is not None)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gradcheck(
            new_func,
            inputs + grad_outputs,
            eps=eps,
            atol=atol,
            rtol=rtol,
            raise_exception=raise_exception,
        )
