"""``torch.optim.LBFGS``: limited-memory BFGS driven by a closure, with an optional strong-Wolfe
line search.

The algorithm is PyTorch's (two-loop recursion over at most ``history_size`` curvature pairs,
the first step scaled by the gradient's L1 norm, the same stopping tests in the same order),
written over one flat JAX vector of all parameters.  The control flow depends on values at every
iteration, so it runs on the host; the vectors stay on the device.  Scalars that PyTorch keeps
as 0-dim tensors (dot products, ``H_diag``, ``ro``) are 0-dim arrays of the parameters' dtype
here, so they round where PyTorch's do.
"""

from __future__ import annotations

import jax.numpy as jnp

from ..autograd import grad_mode
from ._state import _check_lr
from .optimizer import Optimizer, _as_float, _new_tensor

__all__ = ["LBFGS"]


def _cubic_minimum(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimiser of the cubic through two points with their slopes, clipped to ``bounds``."""
    if bounds is None:
        bounds = (x1, x2) if x1 <= x2 else (x2, x1)
    lo, hi = bounds
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square < 0:
        return (lo + hi) / 2.0
    d2 = jnp.sqrt(d2_square)
    if x1 <= x2:
        at = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        at = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(at, lo), hi)


def _strong_wolfe(evaluate, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """Find ``t`` meeting the strong Wolfe conditions along ``d``: first bracket an interval
    (growing the step by cubic extrapolation), then shrink it by cubic interpolation (with a
    safeguard against steps too close to an end).  Returns ``(f, g, t, evaluations)``."""
    d_norm = jnp.max(jnp.abs(d))
    f_new, g_new = evaluate(t)
    evals = 1
    gtd_new = jnp.dot(g_new, d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    bracket = bracket_f = bracket_g = bracket_gtd = None
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        grown = _cubic_minimum(
            t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(t + 0.01 * (t - t_prev), t * 10)
        )
        t_prev, f_prev, g_prev, gtd_prev = t, f_new, g_new, gtd_new
        t = grown
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = jnp.dot(g_new, d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    insufficient_progress = False
    low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_minimum(
            bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]
        )
        top, bottom = max(bracket), min(bracket)
        margin = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < margin:
            if insufficient_progress or t >= top or t <= bottom:
                t = top - margin if abs(t - top) < abs(t - bottom) else bottom + margin
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = jnp.dot(g_new, d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low]:
            bracket[high], bracket_f[high] = t, f_new
            bracket_g[high], bracket_gtd[high] = g_new, gtd_new
            low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], bracket_f[high] = bracket[low], bracket_f[low]
                bracket_g[high], bracket_gtd[high] = bracket_g[low], bracket_gtd[low]
            bracket[low], bracket_f[low] = t, f_new
            bracket_g[low], bracket_gtd[low] = g_new, gtd_new
    return bracket_f[low], bracket_g[low], bracket[low], evals


def _unwrap(value):
    """State values back to JAX (tensors) or Python (everything else)."""
    if hasattr(value, "_value"):
        return value._value
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


def _wrap(value):
    if isinstance(value, jnp.ndarray):
        return _new_tensor(value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


class LBFGS(Optimizer):
    def __init__(
        self,
        params,
        lr=1,
        max_iter=20,
        max_eval=None,
        tolerance_grad=1e-7,
        tolerance_change=1e-9,
        history_size=100,
        line_search_fn=None,
    ):
        _check_lr(lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(
            lr=lr,
            max_iter=max_iter,
            max_eval=max_eval,
            tolerance_grad=tolerance_grad,
            tolerance_change=tolerance_change,
            history_size=history_size,
            line_search_fn=line_search_fn,
        )
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    # -- the flat view of all parameters ----------------------------------------------------------
    def _flat_grad(self):
        parts = []
        for p in self._params:
            g = p._grad
            value = jnp.zeros(p._value.shape, p._value.dtype) if g is None else g._value
            if jnp.iscomplexobj(value):
                value = jnp.stack([value.real, value.imag], axis=-1)
            parts.append(value.reshape(-1))
        return jnp.concatenate(parts)

    def _flat_params(self):
        return [p._value for p in self._params]

    def _add_step(self, step_size, direction):
        offset = 0
        for p in self._params:
            value = p._value
            real = (
                jnp.stack([value.real, value.imag], axis=-1) if jnp.iscomplexobj(value) else value
            )
            n = real.size
            piece = direction[offset : offset + n].reshape(real.shape).astype(real.dtype)
            real = real + jnp.asarray(step_size, real.dtype) * piece
            if jnp.iscomplexobj(value):
                real = (real[..., 0] + 1j * real[..., 1]).astype(value.dtype)
            p._write_data(real)
            offset += n

    def _set_params(self, values):
        for p, value in zip(self._params, values):
            p._write_data(value)

    @staticmethod
    def _run_closure(closure):
        with grad_mode.enable_grad():
            return closure()

    def step(self, closure):
        with grad_mode.no_grad():
            return self._step(closure)

    def _step(self, closure):
        group = self.param_groups[0]
        # A Python lr is used as given (PyTorch stores an int lr in ``state['t']`` as an int).
        lr = _as_float(group["lr"]) if hasattr(group["lr"], "item") else group["lr"]
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss = self._run_closure(closure)
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if jnp.max(jnp.abs(flat_grad)) <= tolerance_grad:
            return orig_loss

        d, t = _unwrap(state.get("d")), _unwrap(state.get("t"))
        old_dirs, old_stps = _unwrap(state.get("old_dirs")), _unwrap(state.get("old_stps"))
        ro, H_diag = _unwrap(state.get("ro")), _unwrap(state.get("H_diag"))
        prev_flat_grad, prev_loss = _unwrap(state.get("prev_flat_grad")), state.get("prev_loss")
        opt_cond = False

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * jnp.asarray(t, d.dtype)
                ys = jnp.dot(y, s)
                if ys > 1e-10:
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / jnp.dot(y, y)
                d = self._two_loop(flat_grad, old_dirs, old_stps, ro, H_diag, history_size, state)
            prev_flat_grad = flat_grad
            prev_loss = loss
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / jnp.sum(jnp.abs(flat_grad))) * lr
            else:
                t = lr
            gtd = jnp.dot(flat_grad, d)
            if gtd > -tolerance_change:
                break

            ls_func_evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                start = self._flat_params()

                def evaluate(step, start=start, d=d):
                    self._add_step(step, d)
                    value = float(self._run_closure(closure))
                    grad = self._flat_grad()
                    self._set_params(start)
                    return value, grad

                loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                    evaluate, t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals
                )
                self._add_step(t, d)
                opt_cond = jnp.max(jnp.abs(flat_grad)) <= tolerance_grad
            else:
                self._add_step(t, d)
                if n_iter != max_iter:
                    loss = float(self._run_closure(closure))
                    flat_grad = self._flat_grad()
                    opt_cond = jnp.max(jnp.abs(flat_grad)) <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals

            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if jnp.max(jnp.abs(d * jnp.asarray(t, d.dtype))) <= tolerance_change:
                break
            if abs(loss - prev_loss) < tolerance_change:
                break

        state["d"], state["t"] = _wrap(d), _wrap(t)
        state["old_dirs"], state["old_stps"] = _wrap(old_dirs), _wrap(old_stps)
        state["ro"], state["H_diag"] = _wrap(ro), _wrap(H_diag)
        state["prev_flat_grad"], state["prev_loss"] = _wrap(prev_flat_grad), prev_loss
        return orig_loss

    @staticmethod
    def _two_loop(flat_grad, old_dirs, old_stps, ro, H_diag, history_size, state):
        """``-H @ g`` for the implicit inverse Hessian of the stored curvature pairs."""
        if "al" not in state:
            state["al"] = [None] * history_size
        al = _unwrap(state["al"])
        q = -flat_grad
        for i in range(len(old_dirs) - 1, -1, -1):
            al[i] = jnp.dot(old_stps[i], q) * ro[i]
            q = q + (-al[i]) * old_dirs[i]
        r = q * jnp.asarray(H_diag, q.dtype)
        for i in range(len(old_dirs)):
            be_i = jnp.dot(old_dirs[i], r) * ro[i]
            r = r + (al[i] - be_i) * old_stps[i]
        state["al"] = _wrap(al)
        return r
