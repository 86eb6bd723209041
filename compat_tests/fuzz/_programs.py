"""Random op programs over float64, interpreted the same way on torchlike and on torch.

A program is a list of steps ``(op, a, b, p)`` of small integers: ``op`` picks an entry of
``OPS``, ``a``/``b`` pick operands from the pool of tensors made so far (modulo its size) and
``p`` is the op's integer parameter (a dim, a slice start …).  The leaves are float64 tensors of
broadcast-compatible shapes that require grad.  Every step's result (or exception) is recorded;
in-place steps record the tensor they wrote.  At the end the sum of everything that requires
grad is backpropagated and the leaves' gradients recorded.  ``run`` returns that trace, which
``_diff.same_value``/``Error`` compare between the libraries.
"""

from __future__ import annotations

import numpy as np
from _diff import Error, capture


def _dim(x, p):
    return p % x.dim() if x.dim() else 0


def _nd(x):
    return max(x.dim(), 1)


# (name, arity, fn(lib, x, y, p)); y is None for unary ops
OPS = [
    # pointwise, shape-preserving
    ("exp", 1, lambda L, x, y, p: x.clamp(-4, 4).exp()),
    ("tanh", 1, lambda L, x, y, p: x.tanh()),
    ("sin", 1, lambda L, x, y, p: L.sin(x)),
    ("sigmoid", 1, lambda L, x, y, p: x.sigmoid()),
    ("relu", 1, lambda L, x, y, p: L.relu(x)),
    ("abs", 1, lambda L, x, y, p: x.abs()),
    ("neg", 1, lambda L, x, y, p: -x),
    ("square", 1, lambda L, x, y, p: x * x),
    ("softplus", 1, lambda L, x, y, p: L.nn.functional.softplus(x)),
    ("leaky_relu", 1, lambda L, x, y, p: L.nn.functional.leaky_relu(x, 0.1)),
    ("log1p_abs", 1, lambda L, x, y, p: (x.abs()).log1p()),
    ("sqrt1", 1, lambda L, x, y, p: (x * x + 1).sqrt()),
    ("scale", 1, lambda L, x, y, p: x * (p % 5 - 2.5)),
    ("clamp", 1, lambda L, x, y, p: x.clamp(min=-0.5, max=0.25 * (p % 4))),
    ("clone", 1, lambda L, x, y, p: x.clone()),
    ("detach", 1, lambda L, x, y, p: x.detach()),
    # broadcasting binary
    ("add", 2, lambda L, x, y, p: x + y),
    ("sub", 2, lambda L, x, y, p: x - y),
    ("mul", 2, lambda L, x, y, p: x * y),
    ("div", 2, lambda L, x, y, p: x / (y * y + 1)),
    ("maximum", 2, lambda L, x, y, p: L.maximum(x, y)),
    ("minimum", 2, lambda L, x, y, p: L.minimum(x, y)),
    ("where", 2, lambda L, x, y, p: L.where(x > y, x, y)),
    ("pow", 2, lambda L, x, y, p: (x.abs() + 1) ** y.clamp(-2, 2)),
    ("addcmul", 2, lambda L, x, y, p: L.addcmul(x, x, y, value=0.5)),
    ("matmul", 2, lambda L, x, y, p: x @ y),
    # views
    ("transpose", 1, lambda L, x, y, p: x.transpose(_dim(x, p), _dim(x, p // 7))),
    ("unsqueeze", 1, lambda L, x, y, p: x.unsqueeze(p % (x.dim() + 1))),
    ("squeeze", 1, lambda L, x, y, p: x.squeeze()),
    ("squeeze_dim", 1, lambda L, x, y, p: x.squeeze(_dim(x, p))),
    ("slice_step", 1, lambda L, x, y, p: x[:: 1 + p % 2] if x.dim() else x),
    ("narrow", 1, lambda L, x, y, p: x.narrow(_dim(x, p), 0, 1) if x.dim() else x),
    ("select", 1, lambda L, x, y, p: x.select(_dim(x, p), 0) if x.dim() else x),
    ("permute", 1, lambda L, x, y, p: x.permute(*reversed(range(x.dim())))),
    ("flatten", 1, lambda L, x, y, p: x.flatten()),
    ("view_flat", 1, lambda L, x, y, p: x.view(-1)),
    ("reshape_flat", 1, lambda L, x, y, p: x.reshape(-1)),
    ("expand", 1, lambda L, x, y, p: x.expand(2, *x.shape)),
    ("t", 1, lambda L, x, y, p: x.t()),
    ("movedim", 1, lambda L, x, y, p: x.movedim(0, -1) if x.dim() else x),
    ("unbind0", 1, lambda L, x, y, p: x.unbind(0)[0] if x.dim() else x),
    ("split0", 1, lambda L, x, y, p: x.split(1, _dim(x, p))[-1] if x.dim() else x),
    ("diagonal", 1, lambda L, x, y, p: x.diagonal()),
    # reductions and friends
    ("sum", 1, lambda L, x, y, p: x.sum()),
    ("sum_dim", 1, lambda L, x, y, p: x.sum(_dim(x, p), keepdim=bool(p % 2))),
    ("mean_dim", 1, lambda L, x, y, p: x.mean(_dim(x, p))),
    ("amax", 1, lambda L, x, y, p: x.amax(_dim(x, p))),
    ("logsumexp", 1, lambda L, x, y, p: x.logsumexp(_dim(x, p))),
    ("softmax", 1, lambda L, x, y, p: x.softmax(_dim(x, p))),
    ("log_softmax", 1, lambda L, x, y, p: x.log_softmax(_dim(x, p))),
    ("cumsum", 1, lambda L, x, y, p: x.cumsum(_dim(x, p))),
    ("norm", 1, lambda L, x, y, p: x.norm()),
    ("var", 1, lambda L, x, y, p: x.var(_dim(x, p)) if x.dim() else x),
    # in-place (on whatever the operand is: a leaf, a view, a result)
    ("add_", 2, lambda L, x, y, p: x.add_(y)),
    ("mul_", 1, lambda L, x, y, p: x.mul_(0.5 + p % 3)),
    ("clamp_", 1, lambda L, x, y, p: x.clamp_(min=-0.3)),
    ("relu_", 1, lambda L, x, y, p: x.relu_()),
    ("sigmoid_", 1, lambda L, x, y, p: x.sigmoid_()),
    ("sub_alpha_", 2, lambda L, x, y, p: x.sub_(y, alpha=0.5)),
    ("copy_", 2, lambda L, x, y, p: x.copy_(y)),
    ("zero_", 1, lambda L, x, y, p: x.zero_()),
    ("index_fill_", 1, lambda L, x, y, p: x.index_fill_(0, L.tensor([0]), 1.5)),
    ("setitem", 2, lambda L, x, y, p: x.__setitem__(0, y) or x),
    # (appended only: a step's op index keeps naming the same op, so the corpus still reads)
    ("cat", 2, lambda L, x, y, p: L.cat([x, y], _dim(x, p))),
    ("stack", 2, lambda L, x, y, p: L.stack([x, y], _dim(x, p))),
    ("flip", 1, lambda L, x, y, p: x.flip(_dim(x, p)) if x.dim() else x.flip(0)),
    ("roll", 1, lambda L, x, y, p: x.roll(p % 3 - 1, _dim(x, p)) if x.dim() else x.roll(1)),
    ("repeat", 1, lambda L, x, y, p: x.repeat(*([1] * x.dim()), 2)),
    ("tril", 1, lambda L, x, y, p: x.tril(p % 3 - 1)),
    ("triu_", 1, lambda L, x, y, p: x.triu_(p % 3 - 1)),
    ("cumprod", 1, lambda L, x, y, p: x.clamp(-2, 2).cumprod(_dim(x, p))),
    ("prod_dim", 1, lambda L, x, y, p: x.clamp(-2, 2).prod(_dim(x, p))),
    ("max_dim", 1, lambda L, x, y, p: x.max(_dim(x, p), keepdim=bool(p % 2)).values),
    ("sort", 1, lambda L, x, y, p: x.sort(_dim(x, p), descending=bool(p % 2)).values),
    ("topk", 1, lambda L, x, y, p: x.topk(1, _dim(x, p)).values),
    ("std", 1, lambda L, x, y, p: x.std() if x.numel() > 1 else x),
    ("norm_dim", 1, lambda L, x, y, p: x.norm(p=1 + p % 2, dim=_dim(x, p))),
    ("gather", 1, lambda L, x, y, p: x.gather(_dim(x, p), L.zeros_like(x, dtype=L.long))),
    ("index_select", 1, lambda L, x, y, p: x.index_select(_dim(x, p), L.tensor([0, 0]))),
    ("masked_fill", 2, lambda L, x, y, p: x.masked_fill(y > 0, p / 10)),
    ("lerp", 2, lambda L, x, y, p: L.lerp(x, y, 0.25)),
    ("atan2", 2, lambda L, x, y, p: L.atan2(x, y * y + 1)),
    ("hypot", 2, lambda L, x, y, p: L.hypot(x, y)),
    ("outer", 2, lambda L, x, y, p: L.outer(x.flatten(), y.flatten())),
    ("einsum_sum", 1, lambda L, x, y, p: L.einsum("...->", x)),
    ("chunk", 1, lambda L, x, y, p: x.chunk(2, _dim(x, p))[0] if x.dim() else x),
    ("narrow_p", 1, lambda L, x, y, p: x.narrow(_dim(x, p), p % 2, 1) if x.dim() else x),
    ("getitem_neg", 1, lambda L, x, y, p: x[..., -1] if x.dim() else x),
    ("getitem_idx", 1, lambda L, x, y, p: x[L.tensor([0, -1])] if x.dim() else x),
    ("getitem_mask", 1, lambda L, x, y, p: x[x > 0]),
    ("nan_to_num", 1, lambda L, x, y, p: (x / (x * 0)).nan_to_num(0.5, 2.0, -2.0)),
    ("clamp_t", 2, lambda L, x, y, p: x.clamp(min=y)),
    ("where_s", 2, lambda L, x, y, p: L.where(x > y, x, 0.5)),
    ("div_floor", 2, lambda L, x, y, p: L.div(x, y * y + 1, rounding_mode="floor")),
    ("remainder", 2, lambda L, x, y, p: L.remainder(x, y * y + 0.5)),
    ("addcdiv_", 2, lambda L, x, y, p: x.addcdiv_(y, y * y + 1, value=0.5)),
    ("index_add_", 2, lambda L, x, y, p: x.index_add_(0, L.tensor([0]), y[:1]) if x.dim() else x),
    ("masked_fill_", 2, lambda L, x, y, p: x.masked_fill_(y > 0, -0.5)),
    ("unsqueeze_", 1, lambda L, x, y, p: x.unsqueeze_(0)),
    ("t_", 1, lambda L, x, y, p: x.t_()),
    ("expand_as", 2, lambda L, x, y, p: x.expand_as(y)),
    ("view_as", 2, lambda L, x, y, p: x.view_as(y)),
    ("baddbmm", 2, lambda L, x, y, p: L.baddbmm(x, x, y, beta=0.5, alpha=2.0)),
    ("logcumsumexp", 1, lambda L, x, y, p: x.logcumsumexp(_dim(x, p))),
    ("cummax", 1, lambda L, x, y, p: x.cummax(_dim(x, p)).values),
    ("amin_multi", 1, lambda L, x, y, p: x.amin(tuple(range(x.dim())))),
    ("sum_multi", 1, lambda L, x, y, p: x.sum(tuple(range(0, x.dim(), 2)), keepdim=True)),
]
INPLACE = {name for name, _, _ in OPS if name.endswith("_") or name == "setitem"}
NAMES = [name for name, _, _ in OPS]


def leaves(lib, shapes, seed):
    rng = np.random.default_rng(seed)
    out = []
    for shape in shapes:
        data = rng.standard_normal(shape).round(3)
        out.append(lib.tensor(data.tolist(), dtype=lib.float64, requires_grad=True))
    return out


def run(lib, shapes, seed, steps):
    """The trace of one program on ``lib``: a list of ("ok", captured) / ("error", Error)."""
    pool = leaves(lib, shapes, seed)
    trace = []
    for op, a, b, p in steps:
        _, arity, fn = OPS[op % len(OPS)]
        x = pool[a % len(pool)]
        y = pool[b % len(pool)] if arity == 2 else None
        try:
            result = fn(lib, x, y, p)
        except Exception as e:  # noqa: BLE001 - both libraries must raise the same
            trace.append(("error", Error(e)))
            return trace
        trace.append(("ok", capture(result)))
        if hasattr(result, "requires_grad"):
            pool.append(result)
    trace.append(("final", [capture(t) for t in pool]))
    try:
        total = sum(t.sum() for t in pool if t.requires_grad)
        if hasattr(total, "backward"):
            total.backward()
        trace.append(("grads", [capture(t.grad) for t in pool[: len(shapes)]]))
    except Exception as e:  # noqa: BLE001
        trace.append(("error", Error(e)))
    return trace


def compare_traces(ref, got):
    """None when the traces agree, else a description of the first difference."""
    from _diff import same_value

    for i, (r, g) in enumerate(zip(ref, got)):
        if r[0] != g[0]:
            return f"step {i}: torch {r[0]} {r[1]!r:.300} vs torchlike {g[0]} {g[1]!r:.300}"
        if r[0] == "error":
            if (r[1].type, r[1].message) != (g[1].type, g[1].message):
                return f"step {i}: torch {r[1]!r} vs torchlike {g[1]!r}"
        elif r[0] == "ok":
            if not same_value(r[1], g[1]):
                return f"step {i}: values differ: torch {_short(r[1])} vs torchlike {_short(g[1])}"
        else:
            for k, (x, y) in enumerate(zip(r[1], g[1])):
                if not same_value(x, y):
                    return f"{r[0]}[{k}] differ: torch {_short(x)} vs torchlike {_short(y)}"
    if len(ref) != len(got):
        return f"trace lengths {len(ref)} vs {len(got)}"
    return None


def _short(c):
    if c[0] == "tensor":
        return f"{c[1]} {c[2]} {np.asarray(c[3]).ravel()[:6]}"
    return repr(c)[:200]
