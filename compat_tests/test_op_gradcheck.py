"""The op table walked like PyTorch's OpInfo gradient tests: for every differentiable entry
of ``OPS`` a sample (a public call that reaches that entry, on float64 inputs) passes
``gradcheck`` and ``gradgradcheck`` on both backends (``gradcheck`` only where ``GRAD_ONLY``
says PyTorch has no second derivative).  Entries without a sample are listed in ``SKIP`` with
the reason (``NO_DERIVATIVE``'s are checked to raise PyTorch's error), and torchlike-only tests
keep the lists complete and check that each sample runs the entry it is filed under.

``test_gradcheck.py`` checks gradcheck itself; this file checks the table's gradients.
"""

import re

import numpy as np
import pytest

# the samples call two ops PyTorch warns about (beta API, deprecated keyword) on purpose
pytestmark = [
    pytest.mark.filterwarnings("ignore:index_reduce\\(\\) is in beta"),
    pytest.mark.filterwarnings("ignore:The reduce argument of torch.scatter"),
]


def _x(t, *shape, lo=-1.0, hi=1.0, seed=0, grad=True):
    rng = np.random.default_rng(seed)
    return t.tensor(rng.uniform(lo, hi, shape), dtype=t.float64, requires_grad=grad)


def _pos(t, *shape, seed=0):
    return _x(t, *shape, lo=0.5, hi=1.5, seed=seed)


def _sym(t, a, n=3):
    # a function of the whole input that only reads a symmetric positive-definite matrix,
    # as PyTorch's OpInfo samples for cholesky/eigh do
    return a @ a.mT + n * t.eye(n, dtype=t.float64)


def _spd(t, n=3, seed=0):
    a = _x(t, n, n, seed=seed, grad=False)
    return (a @ a.mT + n * t.eye(n, dtype=t.float64)).requires_grad_()


def _idx(t, values):
    return t.tensor(values)


def _u(fn):
    """A sample on one (2, 3) input in (-1, 1), away from the kinks tests below avoid."""
    return lambda t: (fn(t), (_x(t, 2, 3),))


def _p(fn):
    """A sample on one (2, 3) input in (0.5, 1.5) (logs, roots, inverse functions)."""
    return lambda t: (fn(t), (_pos(t, 2, 3),))


def _b(fn):
    """A sample on two (2, 3) inputs."""
    return lambda t: (fn(t), (_x(t, 2, 3), _x(t, 2, 3, seed=1)))


def _nnf(t):
    return t.nn.functional


def _c(t, *values):
    """A float64 constant (an argument the sample does not differentiate)."""
    return t.tensor(values, dtype=t.float64)


def _pool_indices(t, *shape):
    x = _x(t, *shape, seed=3, grad=False)
    pool = _nnf(t).max_pool2d if len(shape) == 4 else _nnf(t).max_pool3d
    return pool(x, 2, return_indices=True)[1]


# name in OPS -> torch -> (function, inputs)
SAMPLES = {
    # unary pointwise
    "exp": _u(lambda t: t.exp),
    "exp2": _u(lambda t: t.exp2),
    "log": _p(lambda t: t.log),
    "log2": _p(lambda t: t.log2),
    "log10": _p(lambda t: t.log10),
    "log1p": _p(lambda t: t.log1p),
    "expm1": _u(lambda t: t.expm1),
    "sqrt": _p(lambda t: t.sqrt),
    "rsqrt": _p(lambda t: t.rsqrt),
    "sin": _u(lambda t: t.sin),
    "cos": _u(lambda t: t.cos),
    "tan": _u(lambda t: t.tan),
    "asin": _u(lambda t: lambda x: t.asin(x * 0.9)),
    "acos": _u(lambda t: lambda x: t.acos(x * 0.9)),
    "atan": _u(lambda t: t.atan),
    "sinh": _u(lambda t: t.sinh),
    "cosh": _u(lambda t: t.cosh),
    "tanh": _u(lambda t: t.tanh),
    "sigmoid": _u(lambda t: t.sigmoid),
    "reciprocal": _p(lambda t: t.reciprocal),
    "erf": _u(lambda t: t.erf),
    "sinc": _u(lambda t: t.sinc),
    "asinh": _u(lambda t: t.asinh),
    "acosh": _p(lambda t: lambda x: t.acosh(x + 1)),
    "atanh": _u(lambda t: lambda x: t.atanh(x * 0.9)),
    "i0": _u(lambda t: t.i0),
    "neg": _u(lambda t: t.neg),
    "abs": _u(lambda t: t.abs),
    "relu": _u(lambda t: t.relu),
    "floor": _u(lambda t: t.floor),
    "ceil": _u(lambda t: t.ceil),
    "trunc": _u(lambda t: t.trunc),
    "sign": _u(lambda t: t.sign),
    "round": _u(lambda t: t.round),
    "round_decimals": _u(lambda t: lambda x: t.round(x, decimals=1)),
    "frac": _u(lambda t: t.frac),
    "lgamma": _p(lambda t: t.lgamma),
    "digamma": _p(lambda t: t.digamma),
    "erfc": _u(lambda t: t.erfc),
    "erfinv": _u(lambda t: lambda x: t.erfinv(x * 0.9)),
    "deg2rad": _u(lambda t: t.deg2rad),
    "rad2deg": _u(lambda t: t.rad2deg),
    "logit": _p(lambda t: lambda x: t.logit(x * 0.5)),
    "nan_to_num": _u(lambda t: t.nan_to_num),
    # binary pointwise
    "add": _b(lambda t: lambda a, b: t.add(a, b, alpha=2)),
    "sub": _b(lambda t: lambda a, b: t.sub(a, b, alpha=0.5)),
    "rsub": _u(lambda t: lambda a: t.rsub(a, 2.0)),
    "mul": _b(lambda t: t.mul),
    "div": _b(lambda t: lambda a, b: a / (b + 2)),
    "div_mode": _b(lambda t: lambda a, b: t.div(a, b + 2, rounding_mode="floor")),
    "remainder": _u(lambda t: lambda a: t.remainder(a, 1.5)),
    "fmod": _u(lambda t: lambda a: t.fmod(a, 1.5)),
    "remainder_tensor": _b(lambda t: lambda a, b: t.remainder(a, b + 2)),
    "fmod_tensor": _b(lambda t: lambda a, b: t.fmod(a, b + 2)),
    "atan2": _b(lambda t: t.atan2),
    "maximum": _b(lambda t: t.maximum),
    "minimum": _b(lambda t: t.minimum),
    "copysign": _b(lambda t: t.copysign),
    "copysign_scalar": _u(lambda t: lambda a: t.copysign(a, -1.0)),
    "ldexp": lambda t: (t.ldexp, (_x(t, 2, 3), _x(t, 2, 3, seed=1))),
    "frexp": _u(lambda t: lambda a: t.frexp(a).mantissa),
    "pow_scalar": _p(lambda t: lambda a: a**2.5),
    "pow": lambda t: (t.pow, (_pos(t, 2, 3), _x(t, 2, 3, seed=1))),
    "pow_scalar_base": _u(lambda t: lambda a: 2.0**a),
    "logaddexp": _b(lambda t: t.logaddexp),
    "hypot": _b(lambda t: t.hypot),
    "xlogy": lambda t: (t.xlogy, (_x(t, 2, 3), _pos(t, 2, 3, seed=1))),
    # torch.special.xlogy: torch.xlogy with a number reaches "xlogy" here (see the report)
    "xlogy_self_scalar": lambda t: (lambda b: t.special.xlogy(2.0, b), (_pos(t, 2, 3),)),
    "xlogy_other_scalar": _u(lambda t: lambda a: t.special.xlogy(a, 3.0)),
    "clamp": _u(lambda t: lambda a: t.clamp(a, -0.5, 0.5)),
    "clamp_min": _u(lambda t: lambda a: t.clamp_min(a, 0.1)),
    "clamp_max": _u(lambda t: lambda a: t.clamp_max(a, 0.1)),
    "clamp_tensor": lambda t: (
        lambda a, lo: t.clamp(a, lo - 1, lo + 1),
        (_x(t, 2, 3), _x(t, 2, 3, seed=1)),
    ),
    "where": _b(lambda t: lambda a, b: t.where(a > 0, a, b)),
    "lerp": _b(lambda t: lambda a, b: t.lerp(a, b, 0.3)),
    "lerp_tensor": lambda t: (t.lerp, (_x(t, 2, 3), _x(t, 2, 3, seed=1), _x(t, 2, 3, seed=2))),
    "masked_fill": _u(lambda t: lambda a: a.masked_fill(a > 0, 2.0)),
    "masked_fill_tensor": _u(lambda t: lambda a: a.masked_fill(a > 0, t.tensor(2.0))),
    "addcmul": lambda t: (
        lambda a, b, c: t.addcmul(a, b, c, value=0.5),
        (_x(t, 2, 3), _x(t, 2, 3, seed=1), _x(t, 2, 3, seed=2)),
    ),
    "addcdiv": lambda t: (
        lambda a, b, c: t.addcdiv(a, b, c + 2, value=0.5),
        (_x(t, 2, 3), _x(t, 2, 3, seed=1), _x(t, 2, 3, seed=2)),
    ),
    "to": _u(lambda t: lambda a: a.to(t.float32).to(t.float64) * 0 + a),
    "clone": _u(lambda t: t.clone),
    # reductions
    "sum": _u(lambda t: t.sum),
    "sum_dim": _u(lambda t: lambda a: a.sum(1)),
    "mean": _u(lambda t: t.mean),
    "mean_dim": _u(lambda t: lambda a: a.mean(0, keepdim=True)),
    "prod": _p(lambda t: t.prod),
    "prod_dim": _p(lambda t: lambda a: a.prod(1)),
    "max": _u(lambda t: t.max),
    "min": _u(lambda t: t.min),
    "max_dim": _u(lambda t: lambda a: a.max(1).values),
    "min_dim": _u(lambda t: lambda a: a.min(0).values),
    "amax": _u(lambda t: lambda a: a.amax(1)),
    "amin": _u(lambda t: lambda a: a.amin(0)),
    "var": _u(lambda t: lambda a: a.var(1)),
    "std": _u(lambda t: lambda a: a.std(0)),
    "std_mean": _u(lambda t: lambda a: t.std_mean(a, 1)),
    "var_mean": _u(lambda t: lambda a: t.var_mean(a, 1)),
    "norm": _u(lambda t: lambda a: a.norm()),
    "norm_dim": _b(lambda t: t.nn.functional.pairwise_distance),
    "logsumexp": _u(lambda t: lambda a: a.logsumexp(1)),
    "cumsum": _u(lambda t: lambda a: a.cumsum(1)),
    "cumprod": _p(lambda t: lambda a: a.cumprod(1)),
    "cummax": _u(lambda t: lambda a: a.cummax(1).values),
    "cummin": _u(lambda t: lambda a: a.cummin(0).values),
    "logcumsumexp": _u(lambda t: lambda a: a.logcumsumexp(1)),
    "sort": _u(lambda t: lambda a: a.sort(1).values),
    "topk": _u(lambda t: lambda a: a.topk(2).values),
    "kthvalue": _u(lambda t: lambda a: a.kthvalue(2).values),
    "median": _u(lambda t: t.median),
    "median_dim": _u(lambda t: lambda a: a.median(1).values),
    "nansum": _u(lambda t: t.nansum),
    "softmax": _u(lambda t: lambda a: a.softmax(1)),
    "log_softmax": _u(lambda t: lambda a: a.log_softmax(0)),
    "dist": _b(lambda t: t.dist),
    "diff": _u(lambda t: t.diff),
    # products
    "mm": lambda t: (t.mm, (_x(t, 2, 3), _x(t, 3, 2, seed=1))),
    "bmm": lambda t: (t.bmm, (_x(t, 2, 2, 3), _x(t, 2, 3, 2, seed=1))),
    "mv": lambda t: (t.mv, (_x(t, 2, 3), _x(t, 3, seed=1))),
    "dot": lambda t: (t.dot, (_x(t, 3), _x(t, 3, seed=1))),
    "matmul_nd": lambda t: (t.matmul, (_x(t, 2, 2, 3), _x(t, 3, 2, seed=1))),
    "addmm": lambda t: (
        lambda c, a, b: t.addmm(c, a, b, beta=0.5),
        (_x(t, 2, 2), _x(t, 2, 3, seed=1), _x(t, 3, 2, seed=2)),
    ),
    "einsum": lambda t: (
        lambda a, b: t.einsum("ij,jk->ik", a, b),
        (_x(t, 2, 3), _x(t, 3, 2, seed=1)),
    ),
    "cross": lambda t: (lambda a, b: t.cross(a, b, dim=1), (_x(t, 2, 3), _x(t, 2, 3, seed=1))),
    "kron": lambda t: (t.kron, (_x(t, 2, 2), _x(t, 2, 2, seed=1))),
    "trace": lambda t: (t.trace, (_x(t, 3, 3),)),
    "block_diag": lambda t: (t.block_diag, (_x(t, 2, 2), _x(t, 1, 2, seed=1))),
    # shapes and indexing
    "view": _u(lambda t: lambda a: a.view(3, 2)),
    "unsafe_view": _u(lambda t: lambda a: a.t().reshape(6)),
    "squeeze": lambda t: (lambda a: a.squeeze(), (_x(t, 2, 1, 3),)),
    "squeeze_dim": lambda t: (lambda a: a.squeeze(1), (_x(t, 2, 1, 3),)),
    "squeeze_dims": lambda t: (lambda a: a.squeeze((1,)), (_x(t, 2, 1, 3),)),
    "unsqueeze": _u(lambda t: lambda a: a.unsqueeze(1)),
    "permute": _u(lambda t: lambda a: a.permute(1, 0)),
    "transpose": _u(lambda t: lambda a: a.transpose(0, 1)),
    "t": _u(lambda t: lambda a: a.t()),
    "expand": lambda t: (lambda a: a.expand(2, 3), (_x(t, 1, 3),)),
    "repeat": _u(lambda t: lambda a: a.repeat(2, 1)),
    "tile": _u(lambda t: lambda a: a.tile((1, 2))),
    "repeat_interleave": _u(lambda t: lambda a: a.repeat_interleave(2, 0)),
    "cat": _b(lambda t: lambda a, b: t.cat([a, b], 1)),
    "stack": _b(lambda t: lambda a, b: t.stack([a, b])),
    "split": _u(lambda t: lambda a: a.split(2, 1)),
    "split_with_sizes": _u(lambda t: lambda a: a.split([1, 2], 1)),
    "unbind": _u(lambda t: lambda a: a.unbind(0)),
    "select": _u(lambda t: lambda a: a[1]),
    "slice": _u(lambda t: lambda a: a[:, 1:]),
    "index": _u(lambda t: lambda a: a[t.tensor([1, 0, 1])]),
    "gather": _u(lambda t: lambda a: a.gather(1, t.tensor([[0, 2], [1, 1]]))),
    "index_select": _u(lambda t: lambda a: a.index_select(1, t.tensor([2, 0]))),
    "take": _u(lambda t: lambda a: a.take(t.tensor([0, 5, 3]))),
    "masked_select": _u(lambda t: lambda a: a.masked_select(a > 0)),
    "diag_embed": lambda t: (lambda a: t.diag(a, 1), (_x(t, 3),)),
    "diag_embed_dims": lambda t: (
        lambda a: t.diag_embed(a, offset=1, dim1=0, dim2=2),
        (_x(t, 2, 3),),
    ),
    "diagonal": lambda t: (lambda a: t.diag(a, 1), (_x(t, 3, 3),)),
    "diagonal_view": lambda t: (lambda a: a.diagonal(-1), (_x(t, 3, 3),)),
    "tril": lambda t: (t.tril, (_x(t, 3, 3),)),
    "triu": lambda t: (t.triu, (_x(t, 3, 3),)),
    "flip": _u(lambda t: lambda a: a.flip(1)),
    "alias": lambda t: (  # movedim of a 0-d tensor: the identity view
        lambda a: a.movedim(0, 0),
        (t.tensor(0.7, dtype=t.float64, requires_grad=True),),
    ),
    "roll": _u(lambda t: lambda a: a.roll(1, 1)),
    "rot90": _u(lambda t: t.rot90),
    "as_strided": _u(lambda t: lambda a: a.as_strided((2, 2), (3, 1))),
    "unfold": _u(lambda t: lambda a: a.unfold(1, 2, 1)),
    "index_put": lambda t: (
        lambda a, v: a.index_put((t.tensor([0, 1]),), v),
        (_x(t, 2, 3), _x(t, 2, 3, seed=1)),
    ),
    "index_add": lambda t: (
        lambda a, v: a.index_add(0, t.tensor([1, 0]), v),
        (_x(t, 2, 3), _x(t, 2, 3, seed=1)),
    ),
    "index_copy": lambda t: (
        lambda a, v: a.index_copy(0, t.tensor([1, 0]), v),
        (_x(t, 2, 3), _x(t, 2, 3, seed=1)),
    ),
    "index_fill": _u(lambda t: lambda a: a.index_fill(1, t.tensor([0]), 2.0)),
    "scatter": lambda t: (
        lambda a, s: a.scatter(1, t.tensor([[0, 1], [2, 0]]), s),
        (_x(t, 2, 3), _x(t, 2, 2, seed=1)),
    ),
    "scatter_value": _u(lambda t: lambda a: a.scatter(1, t.tensor([[0], [2]]), 1.5)),
    "scatter_add": lambda t: (
        lambda a, s: a.scatter_add(1, t.tensor([[0, 0], [2, 1]]), s),
        (_x(t, 2, 3), _x(t, 2, 2, seed=1)),
    ),
    "diagonal_scatter": lambda t: (t.diagonal_scatter, (_x(t, 3, 3), _x(t, 3, seed=1))),
    "select_scatter": lambda t: (
        lambda a, s: t.select_scatter(a, s, 0, 1),
        (_x(t, 2, 3), _x(t, 3, seed=1)),
    ),
    "slice_scatter": lambda t: (
        lambda a, s: t.slice_scatter(a, s, 1, 0, 2),
        (_x(t, 2, 3), _x(t, 2, 2, seed=1)),
    ),
    # nn
    "leaky_relu": _u(lambda t: lambda a: t.nn.functional.leaky_relu(a, 0.1)),
    "elu": _u(lambda t: t.nn.functional.elu),
    "gelu": _u(lambda t: t.nn.functional.gelu),
    "softplus": _u(lambda t: t.nn.functional.softplus),
    "silu": _u(lambda t: t.nn.functional.silu),
    "mish": _u(lambda t: t.nn.functional.mish),
    "hardtanh": _u(lambda t: lambda a: t.nn.functional.hardtanh(a, -0.5, 0.5)),
    "celu": _u(lambda t: t.nn.functional.celu),
    "log_sigmoid": _u(lambda t: t.nn.functional.logsigmoid),
    "softshrink": _u(lambda t: t.nn.functional.softshrink),
    "hardshrink": _u(lambda t: t.nn.functional.hardshrink),
    "glu": lambda t: (t.nn.functional.glu, (_x(t, 2, 4),)),
    "mse_loss": _b(lambda t: t.nn.functional.mse_loss),
    "smooth_l1_loss": _b(lambda t: t.nn.functional.smooth_l1_loss),
    "huber_loss": _b(lambda t: t.nn.functional.huber_loss),
    "soft_margin_loss": _b(
        lambda t: lambda a, b: t.nn.functional.soft_margin_loss(a, b.detach().sign())
    ),
    "binary_cross_entropy_with_logits": _b(
        lambda t: lambda a, b: t.nn.functional.binary_cross_entropy_with_logits(a, b.sigmoid())
    ),
    "nll_loss": _u(lambda t: lambda a: t.nn.functional.nll_loss(a, t.tensor([0, 2]))),
    "layer_norm": _u(lambda t: lambda a: t.nn.functional.layer_norm(a, (3,))),
    "constant_pad_nd": _u(lambda t: lambda a: t.nn.functional.pad(a, (1, 2))),
    "pixel_shuffle": lambda t: (
        lambda a: t.nn.functional.pixel_shuffle(a, 2),
        (_x(t, 1, 4, 1, 2),),
    ),
    "convolution": lambda t: (
        t.nn.functional.conv1d,
        (_x(t, 1, 2, 5), _x(t, 3, 2, 2, seed=1)),
    ),
    "avg_pool1d": lambda t: (lambda a: t.nn.functional.avg_pool1d(a, 2), (_x(t, 1, 2, 4),)),
    "max_pool1d": lambda t: (lambda a: t.nn.functional.max_pool1d(a, 2), (_x(t, 1, 2, 4),)),
    "max_pool2d": lambda t: (lambda a: t.nn.functional.max_pool2d(a, 2), (_x(t, 1, 1, 4, 4),)),
    "avg_pool2d": lambda t: (lambda a: t.nn.functional.avg_pool2d(a, 2), (_x(t, 1, 1, 4, 4),)),
    "adaptive_avg_pool1d": lambda t: (
        lambda a: t.nn.functional.adaptive_avg_pool1d(a, 2),
        (_x(t, 1, 2, 4),),
    ),
    "embedding": lambda t: (
        lambda w: t.nn.functional.embedding(t.tensor([[0, 2], [1, 1]]), w),
        (_x(t, 3, 2),),
    ),
    # linalg
    "linalg_det": lambda t: (t.linalg.det, (_spd(t),)),
    "linalg_slogdet": lambda t: (lambda a: t.linalg.slogdet(a).logabsdet, (_spd(t),)),
    "linalg_inv_ex": lambda t: (t.linalg.inv, (_spd(t),)),
    "linalg_solve_ex": lambda t: (t.linalg.solve, (_spd(t), _x(t, 3, 2, seed=1))),
    "linalg_cholesky_ex": lambda t: (lambda a: t.linalg.cholesky(_sym(t, a)), (_x(t, 3, 3),)),
    "linalg_eigvalsh": lambda t: (lambda a: t.linalg.eigvalsh(_sym(t, a)), (_x(t, 3, 3),)),
    "linalg_svdvals": lambda t: (t.linalg.svdvals, (_x(t, 3, 2),)),
    "linalg_matrix_exp": lambda t: (t.linalg.matrix_exp, (_x(t, 3, 3),)),
    "linalg_pinv": lambda t: (t.linalg.pinv, (_spd(t),)),
    "cholesky_inverse": lambda t: (
        lambda a: t.cholesky_inverse(t.linalg.cholesky(_sym(t, a))),
        (_x(t, 3, 3),),
    ),
    # special
    "special_entr": _p(lambda t: t.special.entr),
    "special_ndtr": _u(lambda t: t.special.ndtr),
    "special_log_ndtr": _u(lambda t: t.special.log_ndtr),
    "special_i0e": _u(lambda t: t.special.i0e),
    "special_i1": _u(lambda t: t.special.i1),
    "special_i1e": _u(lambda t: t.special.i1e),
    "special_erfcx": _u(lambda t: t.special.erfcx),
    "special_ndtri": _p(lambda t: lambda a: t.special.ndtri(a * 0.5)),
    "polygamma": _p(lambda t: lambda a: t.polygamma(1, a)),
    "mvlgamma": _p(lambda t: lambda a: t.mvlgamma(a + 1, 2)),
    "special_xlog1py": lambda t: (t.special.xlog1py, (_x(t, 2, 3), _pos(t, 2, 3, seed=1))),
    "special_xlog1py_self_scalar": _p(lambda t: lambda b: t.special.xlog1py(2.0, b)),
    "special_xlog1py_other_scalar": _u(lambda t: lambda a: t.special.xlog1py(a, 3.0)),
    # PyTorch differentiates these only in their second argument (NO_DERIVATIVE has the first)
    "special_zeta": _p(lambda t: lambda q: t.special.zeta(_c(t, 2.5, 3.0, 4.5), q)),
    "igamma": _p(lambda t: lambda x: t.igamma(_c(t, 0.7, 1.5, 2.5), x)),
    "igammac": _p(lambda t: lambda x: t.igammac(_c(t, 0.7, 1.5, 2.5), x)),
    # more reductions
    "nanmedian": _u(lambda t: t.nanmedian),
    "nanmedian_dim": _u(lambda t: lambda a: a.nanmedian(1).values),
    "mode": _u(lambda t: lambda a: a.mode(1).values),
    "aminmax": _u(lambda t: lambda a: t.aminmax(a, dim=1)),
    # rows 0 and 2 have norms above 1 (rescaled), row 1 below (kept)
    "renorm": lambda t: (lambda a: a.renorm(2, 0, 1.0), (_x(t, 3, 3, lo=-1.2, hi=1.2),)),
    "mul_scalar": _u(lambda t: lambda a: t.trapezoid(a, dx=0.5)),
    "div_scalar": _u(lambda t: lambda a: t.trapezoid(a, t.tensor([0.0, 0.5, 2.0]))),
    "scatter_reduce": lambda t: (
        lambda a, s: a.scatter_reduce(1, t.tensor([[0, 0], [2, 1]]), s, "prod"),
        (_x(t, 2, 3), _x(t, 2, 2, seed=1)),
    ),
    "index_reduce": lambda t: (
        lambda a, s: a.index_reduce(0, t.tensor([1, 1, 0]), s, "prod"),
        (_x(t, 2, 3), _x(t, 3, 3, seed=1)),
    ),
    # nn: pools
    "max_pool1d_with_indices": lambda t: (
        lambda a: _nnf(t).max_pool1d(a, 2, return_indices=True)[0],
        (_x(t, 1, 2, 4),),
    ),
    "max_pool2d_with_indices": lambda t: (
        lambda a: _nnf(t).max_pool2d(a, 2, return_indices=True)[0],
        (_x(t, 1, 1, 4, 4),),
    ),
    "max_pool3d": lambda t: (lambda a: _nnf(t).max_pool3d(a, 2), (_x(t, 1, 1, 2, 2, 4),)),
    "max_pool3d_with_indices": lambda t: (
        lambda a: _nnf(t).max_pool3d(a, 2, return_indices=True)[0],
        (_x(t, 1, 1, 2, 2, 4),),
    ),
    "avg_pool3d": lambda t: (lambda a: _nnf(t).avg_pool3d(a, 2), (_x(t, 1, 1, 2, 2, 4),)),
    "adaptive_avg_pool2d": lambda t: (
        lambda a: _nnf(t).adaptive_avg_pool2d(a, 2),
        (_x(t, 1, 1, 3, 3),),
    ),
    "adaptive_avg_pool3d": lambda t: (
        lambda a: _nnf(t).adaptive_avg_pool3d(a, (1, 2, 2)),
        (_x(t, 1, 1, 2, 3, 3),),
    ),
    "adaptive_max_pool1d": lambda t: (
        lambda a: _nnf(t).adaptive_max_pool1d(a, 2),
        (_x(t, 1, 2, 5),),
    ),
    "adaptive_max_pool2d": lambda t: (
        lambda a: _nnf(t).adaptive_max_pool2d(a, 2),
        (_x(t, 1, 1, 3, 3),),
    ),
    "adaptive_max_pool3d": lambda t: (
        lambda a: _nnf(t).adaptive_max_pool3d(a, (1, 2, 2)),
        (_x(t, 1, 1, 2, 3, 3),),
    ),
    # fixed _random_samples: the windows do not move between calls
    "fractional_max_pool2d": lambda t: (
        lambda a: _nnf(t).fractional_max_pool2d(
            a, 2, output_size=2, _random_samples=_x(t, 1, 1, 2, lo=0.2, hi=0.8, grad=False)
        ),
        (_x(t, 1, 1, 4, 4),),
    ),
    "fractional_max_pool3d": lambda t: (
        lambda a: _nnf(t).fractional_max_pool3d(
            a, 2, output_size=(1, 2, 2), _random_samples=_x(t, 1, 1, 3, lo=0.2, hi=0.8, grad=False)
        ),
        (_x(t, 1, 1, 3, 4, 4),),
    ),
    # indices from pooling another input, so every target position is distinct
    "max_unpool2d": lambda t: (
        lambda a: _nnf(t).max_unpool2d(a, _pool_indices(t, 1, 1, 4, 4), 2),
        (_x(t, 1, 1, 2, 2),),
    ),
    "max_unpool3d": lambda t: (
        lambda a: _nnf(t).max_unpool3d(a, _pool_indices(t, 1, 1, 2, 2, 4), 2),
        (_x(t, 1, 1, 1, 1, 2),),
    ),
    # nn: normalization
    "group_norm": lambda t: (
        lambda a, w, b: _nnf(t).group_norm(a, 2, w, b),
        (_x(t, 1, 4, 3), _x(t, 4, seed=1), _x(t, 4, seed=2)),
    ),
    "local_response_norm": lambda t: (
        lambda a: _nnf(t).local_response_norm(a, 2),
        (_x(t, 1, 3, 4),),
    ),
    "rms_norm": lambda t: (
        lambda a, w: _nnf(t).rms_norm(a, (3,), w),
        (_x(t, 2, 3), _x(t, 3, seed=1)),
    ),
    # nn: padding
    "reflection_pad1d": lambda t: (
        lambda a: _nnf(t).pad(a, (2, 1), mode="reflect"),
        (_x(t, 1, 2, 4),),
    ),
    "replication_pad1d": lambda t: (
        lambda a: _nnf(t).pad(a, (2, 1), mode="replicate"),
        (_x(t, 1, 2, 4),),
    ),
    "reflection_pad2d": lambda t: (
        lambda a: _nnf(t).pad(a, (1, 2, 0, 1), mode="reflect"),
        (_x(t, 1, 1, 3, 3),),
    ),
    "replication_pad2d": lambda t: (
        lambda a: _nnf(t).pad(a, (1, 2, 0, 1), mode="replicate"),
        (_x(t, 1, 1, 3, 3),),
    ),
    "reflection_pad3d": lambda t: (
        lambda a: _nnf(t).pad(a, (1, 0, 0, 1, 1, 1), mode="reflect"),
        (_x(t, 1, 1, 2, 2, 2),),
    ),
    "replication_pad3d": lambda t: (
        lambda a: _nnf(t).pad(a, (1, 0, 0, 1, 1, 1), mode="replicate"),
        (_x(t, 1, 1, 2, 2, 2),),
    ),
    "circular_pad": lambda t: (
        lambda a: _nnf(t).pad(a, (2, 1), mode="circular"),
        (_x(t, 1, 2, 4),),
    ),
    # nn: resampling
    "upsample_nearest1d": lambda t: (
        lambda a: _nnf(t).interpolate(a, scale_factor=2, mode="nearest"),
        (_x(t, 1, 2, 3),),
    ),
    "upsample_nearest_exact1d": lambda t: (
        lambda a: _nnf(t).interpolate(a, size=5, mode="nearest-exact"),
        (_x(t, 1, 2, 3),),
    ),
    "upsample_nearest2d": lambda t: (
        lambda a: _nnf(t).interpolate(a, size=(3, 4), mode="nearest"),
        (_x(t, 1, 1, 2, 3),),
    ),
    "upsample_nearest_exact2d": lambda t: (
        lambda a: _nnf(t).interpolate(a, size=(3, 4), mode="nearest-exact"),
        (_x(t, 1, 1, 2, 3),),
    ),
    "upsample_nearest3d": lambda t: (
        lambda a: _nnf(t).interpolate(a, size=(2, 3, 3), mode="nearest"),
        (_x(t, 1, 1, 1, 2, 2),),
    ),
    "upsample_nearest_exact3d": lambda t: (
        lambda a: _nnf(t).interpolate(a, size=(2, 3, 3), mode="nearest-exact"),
        (_x(t, 1, 1, 1, 2, 2),),
    ),
    "upsample_linear1d": lambda t: (
        lambda a: _nnf(t).interpolate(a, size=5, mode="linear"),
        (_x(t, 1, 2, 3),),
    ),
    "upsample_bilinear2d": lambda t: (
        lambda a: _nnf(t).interpolate(a, size=(3, 4), mode="bilinear", align_corners=True),
        (_x(t, 1, 1, 2, 3),),
    ),
    "upsample_trilinear3d": lambda t: (
        lambda a: _nnf(t).interpolate(a, size=(2, 3, 3), mode="trilinear"),
        (_x(t, 1, 1, 1, 2, 2),),
    ),
    "upsample_bicubic2d": lambda t: (
        lambda a: _nnf(t).interpolate(a, size=(3, 4), mode="bicubic"),
        (_x(t, 1, 1, 2, 3),),
    ),
    "affine_grid": lambda t: (
        lambda th: _nnf(t).affine_grid(th, (1, 1, 2, 3), align_corners=False),
        (_x(t, 1, 2, 3),),
    ),
    # grid points scaled into (-0.9, 0.9): inside the input, away from cell borders' clamps
    "grid_sampler_2d": lambda t: (
        lambda a, g: _nnf(t).grid_sample(a, g * 0.9, align_corners=False),
        (_x(t, 1, 1, 3, 3), _x(t, 1, 2, 2, 2, seed=1)),
    ),
    "grid_sampler_3d": lambda t: (
        lambda a, g: _nnf(t).grid_sample(a, g * 0.9, align_corners=False),
        (_x(t, 1, 1, 2, 2, 2), _x(t, 1, 1, 2, 2, 3, seed=1)),
    ),
    # nn: activations (inputs in (-1, 1): away from the kinks at 0.1, +-3 and 0)
    "threshold": _u(lambda t: lambda a: _nnf(t).threshold(a, 0.1, 20.0)),
    "elu_full": _u(lambda t: lambda a: _nnf(t).elu(a, 0.5)),
    "hardsigmoid": _u(lambda t: lambda a: _nnf(t).hardsigmoid(a * 2)),
    "hardswish": _u(lambda t: lambda a: _nnf(t).hardswish(a * 2)),
    "prelu": lambda t: (_nnf(t).prelu, (_x(t, 2, 3, 2), _x(t, 3, seed=1))),
    "rrelu_eval": _u(lambda t: lambda a: _nnf(t).rrelu(a, training=False)),
    # train=False keeps it deterministic (train=True draws a new mask per call)
    "native_dropout": _u(lambda t: lambda a: t.native_dropout(a, 0.5, False)[0]),
    # nn: losses
    "binary_cross_entropy": _b(
        lambda t: lambda a, b: _nnf(t).binary_cross_entropy(a.sigmoid(), b.sigmoid())
    ),
    # margin 2 keeps every hinge active, away from its kink
    "multi_margin_loss": _u(
        lambda t: lambda a: _nnf(t).multi_margin_loss(a, t.tensor([0, 2]), margin=2.0)
    ),
    "multilabel_margin_loss": _u(
        lambda t: lambda a: _nnf(t).multilabel_margin_loss(a, t.tensor([[0, 2, -1], [1, -1, 0]]))
    ),
    "nll_loss2d": lambda t: (
        lambda a: _nnf(t).nll_loss(a, t.tensor([[[0, 2], [1, 1]]])),
        (_x(t, 1, 3, 2, 2),),
    ),
    # nn: shapes
    "pixel_unshuffle": lambda t: (
        lambda a: _nnf(t).pixel_unshuffle(a, 2),
        (_x(t, 1, 1, 2, 4),),
    ),
    "channel_shuffle": lambda t: (lambda a: _nnf(t).channel_shuffle(a, 2), (_x(t, 1, 4, 2),)),
    "im2col": lambda t: (lambda a: _nnf(t).unfold(a, 2), (_x(t, 1, 1, 3, 3),)),
    "col2im": lambda t: (lambda a: _nnf(t).fold(a, (3, 3), 2), (_x(t, 1, 4, 4),)),
    # nn: attention; 4-d inputs without a mask take PyTorch's fused CPU kernel, 2-d inputs
    # with a float mask the composite path (mul, matmul, _safe_softmax)
    "scaled_dot_product_attention": lambda t: (
        _nnf(t).scaled_dot_product_attention,
        (_x(t, 1, 1, 2, 3), _x(t, 1, 1, 3, 3, seed=1), _x(t, 1, 1, 3, 3, seed=2)),
    ),
    "_safe_softmax": lambda t: (
        _nnf(t).scaled_dot_product_attention,
        (_x(t, 1, 2), _x(t, 2, 2, seed=1), _x(t, 2, 1, seed=2), _x(t, 1, 2, seed=3)),
    ),
    "weight_norm_interface": lambda t: (
        lambda v, g: t.nn.utils.parametrizations._WeightNorm(0)(g, v),
        (_x(t, 2, 3), _pos(t, 2, 1, seed=1)),
    ),
    "pack_padded_sequence": lambda t: (
        lambda x: t.nn.utils.rnn.pack_padded_sequence(x, [3, 1], batch_first=True).data,
        (_x(t, 2, 3, 2),),
    ),
}

# differentiable entries without a sample here, and why
SKIP = {
    "fill": "in-place fill_ only: gradient is zero, covered by test_inplace.py",
    "fill_tensor": "in-place fill_ only, covered by test_inplace.py",
    "zero": "in-place zero_ only, covered by test_inplace.py",
    "copy": "in-place copy_ only, covered by test_inplace.py",
    "squeeze_inplace": "in-place view op (not provided as a public form)",
    "unsqueeze_inplace": "in-place view op (not provided as a public form)",
    "transpose_inplace": "in-place view op (not provided as a public form)",
    "to_device": "device copy: one device on CI (test_device*.py covers it)",
    "rrelu_train": "random: the function differs between calls",
    "real": "complex inputs: gradcheck over complex is covered by test_fft.py / test_linalg.py",
    "imag": "complex inputs: covered by test_fft.py / test_linalg.py",
    # a straight-through estimator (the gradient passes where the value was not clamped) is
    # not the derivative finite differences see; its values are checked in
    # test_real_programs_llm.py
    "fake_quantize_per_tensor_affine": "straight-through gradient (test_real_programs_llm.py)",
    "fake_quantize_per_tensor_affine_tensor_qparams": "straight-through gradient (as above)",
    "fake_quantize_per_channel_affine": "straight-through gradient (as above)",
    "linalg_conj": "complex inputs: covered by test_linalg.py",
    "linalg_eig": "complex eigenvectors: covered by test_linalg.py",
    "linalg_eigvals": "complex eigenvalues: covered by test_linalg.py",
    "linalg_eigh": "eigenvector sign/phase is not unique: covered by test_linalg.py",
    "linalg_svd": "singular vector signs are not unique: covered by test_linalg.py",
    "linalg_qr": "covered by test_linalg.py's gradient tests",
    "linalg_lu_factor_ex": "covered by test_linalg.py's gradient tests",
    "linalg_lu": "covered by test_linalg.py's gradient tests",
    "lu_unpack": "covered by test_linalg.py's gradient tests",
    "linalg_lu_solve": "covered by test_linalg.py's gradient tests",
    "linalg_solve_triangular": "covered by test_linalg.py's gradient tests",
    "triangular_solve": "covered by test_linalg.py's gradient tests",
    "linalg_lstsq": "covered by test_linalg.py's gradient tests",
    "cholesky": "covered by test_linalg.py's gradient tests",
    "cholesky_solve": "covered by test_linalg.py's gradient tests",
    "linalg_householder_product": "covered by test_linalg.py's gradient tests",
    "fft_c2c": "complex transforms: covered by test_fft.py",
    "fft_r2c": "complex outputs: covered by test_fft.py",
    "fft_c2r": "complex inputs: covered by test_fft.py",
    "fft_r2c_conj": "complex outputs: covered by test_fft.py",
    "fft_ihfftn": "complex outputs: covered by test_fft.py",
    "stft": "complex outputs: covered by test_fft.py",
    "stft_1d": "complex outputs: covered by test_fft.py",
    "istft": "complex inputs: covered by test_fft.py",
    "rnn": "many weights and states: covered by test_nn_layers.py",
    "rnn_mkldnn": "many weights and states: covered by test_nn_layers.py",
    "rnn_bidirectional": "many weights and states: covered by test_nn_layers.py",
    "rnn_packed": "packed sequences: covered by the nn tests",
    "rnn_packed_rows": "packed sequences: covered by test_nn_modules_more.py (gradcheck)",
    "ctc_loss": "integer targets and lengths: covered by the nn tests",
    "embedding_bag": "offsets/modes: covered by the nn tests",
    "cdist": "PyTorch has no double backward for cdist (_cdist_backward is not "
    "differentiable), so gradgradcheck cannot pass on the oracle",
    "batch_norm": "running statistics are updated in place: covered by test_nn_layers.py",
    "_upsample_bilinear2d_aa": "antialiased resize: values and gradients against PyTorch in "
    "test_real_programs_modern.py",
    "_upsample_bicubic2d_aa": "antialiased resize: covered by test_real_programs_modern.py",
    "_upsample_lanczos2d_aa": "antialiased resize: covered by test_real_programs_modern.py",
    "add_rounded_alpha": "bfloat16/half operands only (gradcheck runs in float64): covered by "
    "test_real_programs_modern.py",
    "sub_rounded_alpha": "bfloat16/half operands only: covered by test_real_programs_modern.py",
    "mul_wrapped": "bfloat16/half times a Python float only: covered by "
    "test_real_programs_modern.py",
    "div_wrapped": "bfloat16/half by a Python float only: covered by test_real_programs_modern.py",
    "topk_at": "the gather at PyTorch's tie-order indices (rows with ties): gradients checked in "
    "test_tie_order.py",
    "sort_at": "the tie-order gather: covered by test_tie_order.py",
    "kthvalue_at": "the tie-order gather: covered by test_tie_order.py",
    "mode_at": "the tie-order gather: covered by test_tie_order.py",
}
# entries whose derivative PyTorch does not implement at all: the sample's backward raises
# PyTorch's error on both backends (test_no_derivative), so there is nothing to gradcheck
NO_DERIVATIVE = {
    "igamma_self_grad": (
        lambda t: t.igamma(_pos(t, 3), _c(t, 0.8, 1.2, 2.0)),
        NotImplementedError,
        "the derivative for 'igamma: input' is not implemented.",
    ),
    "igammac_self_grad": (
        lambda t: t.igammac(_pos(t, 3), _c(t, 0.8, 1.2, 2.0)),
        NotImplementedError,
        "the derivative for 'igammac: input' is not implemented.",
    ),
    "special_zeta_self_grad": (
        lambda t: t.special.zeta(_pos(t, 3) + 1, _c(t, 0.8, 1.2, 2.0)),
        NotImplementedError,
        "the derivative for 'zeta' is not implemented.",
    ),
    "scatter_reduce_legacy": (
        lambda t: _x(t, 2, 3).scatter(1, t.tensor([[0], [2]]), _x(t, 2, 1, seed=1), reduce="add"),
        RuntimeError,
        "derivative for aten::scatter is not implemented",
    ),
    "native_channel_shuffle": (
        lambda t: _nnf(t).native_channel_shuffle(_x(t, 1, 4, 2), 2),
        RuntimeError,
        "derivative for aten::native_channel_shuffle is not implemented",
    ),
}
SKIP.update(
    {
        n: f"PyTorch has no derivative: {msg!r} (test_no_derivative)"
        for n, (_, _, msg) in NO_DERIVATIVE.items()
    }
)

# the everyday entries (torchlike/_ops/everyday_table.py) have their gradcheck/gradgradcheck
# samples and node-name checks in test_everyday_names.py
SKIP.update(
    {
        n: "covered by test_everyday_names.py"
        for n in (
            "addbmm addmv addr angle baddbmm complex fmax fmin heaviside logaddexp2 "
            "masked_scatter narrow_copy nextafter pdist polar put sgn unsafe_split "
            "unsafe_split_with_sizes vdot view_as_complex view_as_real"
        ).split()
    }
)

# samples checked with gradcheck only: PyTorch 2.13 has no (correct) second derivative, so
# gradgradcheck cannot pass on the oracle
GRAD_ONLY = {
    "hardsigmoid": "PyTorch: derivative for aten::hardsigmoid_backward is not implemented",
    "multi_margin_loss": "PyTorch: derivative for aten::multi_margin_loss_backward is not "
    "implemented",
    "multilabel_margin_loss": "PyTorch: derivative for aten::multilabel_margin_loss_backward is "
    "not implemented",
    "scaled_dot_product_attention": "PyTorch: derivative for "
    "aten::_scaled_dot_product_flash_attention_for_cpu_backward is not implemented (torchlike "
    "raises the same)",
    "weight_norm_interface": "PyTorch's double backward of _weight_norm_interface fails "
    "gradgradcheck on the oracle (its analytical Hessian of v is not even symmetric)",
}

# samples whose public call may reach another entry instead: PyTorch itself computes them that
# way, so no public call need reach the named one (test_every_sample_reaches_its_entry)
REACHED_VIA = {
    "max_pool1d": "max_pool2d",
    "adaptive_max_pool1d": "adaptive_max_pool2d",
    "max_pool1d_with_indices": "max_pool2d_with_indices",
    "avg_pool1d": "avg_pool2d",
    "adaptive_avg_pool1d": "adaptive_avg_pool2d",
    # 1-d pooling runs as 2-d pooling over a plane of height 1 (a Squeeze node on top), as in
    # PyTorch; F.elu takes "elu_full" (EluBackward0 either way)
    "elu": "elu_full",
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_gradcheck(torch, name):
    fn, inputs = SAMPLES[name](torch)
    assert torch.autograd.gradcheck(fn, inputs) is True


@pytest.mark.parametrize("name", sorted(set(SAMPLES) - set(GRAD_ONLY)))
def test_gradgradcheck(torch, name):
    fn, inputs = SAMPLES[name](torch)
    assert torch.autograd.gradgradcheck(fn, inputs) is True


@pytest.mark.parametrize("name", sorted(NO_DERIVATIVE))
def test_no_derivative(torch, name):
    make, exc, message = NO_DERIVATIVE[name]
    out = make(torch)
    assert out.requires_grad
    with pytest.raises(exc, match=re.escape(message)):
        out.sum().backward()


@pytest.mark.torchlike_only
def test_every_differentiable_entry_is_sampled_or_skipped(torch):
    from torchlike._ops.table import OPS

    differentiable = {k for k, op in OPS.items() if op.node_cls is not None}
    missing = sorted(differentiable - set(SAMPLES) - set(SKIP))
    assert not missing, f"differentiable OPS entries with neither a sample nor a SKIP: {missing}"
    stale = sorted((set(SAMPLES) | set(SKIP)) - differentiable)
    assert not stale, f"names that are no longer differentiable OPS entries: {stale}"
    assert not set(SAMPLES) & set(SKIP)
    assert all(SKIP.values())
    assert set(GRAD_ONLY) | set(REACHED_VIA) <= set(SAMPLES)


@pytest.mark.torchlike_only
def test_every_sample_reaches_its_entry(torch):
    """Each sample's forward runs the entry it is filed under (or REACHED_VIA's): a sample
    that silently goes through a neighbouring entry would leave its own entry unchecked.
    One forward per sample (~300): about 15 s on a loaded 2-core machine, mostly compiling."""
    from torchlike._ops.core import Op
    from torchlike._ops.table import OPS

    keys = {}
    for k, op in OPS.items():
        keys.setdefault(id(op), set()).add(k)
    ran = set()

    class Watched(Op):  # an entry that notes each use (apply reads its fields)
        __slots__ = ()

        def __getattribute__(self, attr):
            ran.add(id(self))
            return object.__getattribute__(self, attr)

    ops = [op for op in OPS.values() if type(op) is Op]
    for op in ops:
        op.__class__ = Watched
    missed = {}
    try:
        for name in sorted(SAMPLES) + sorted(NO_DERIVATIVE):
            ran.clear()
            if name in SAMPLES:
                fn, inputs = SAMPLES[name](torch)
                fn(*inputs)
            else:
                NO_DERIVATIVE[name][0](torch)
            names = set().union(*(keys.get(i, ()) for i in ran))
            if name not in names and REACHED_VIA.get(name) not in names:
                missed[name] = sorted(names)
    finally:
        for op in ops:
            op.__class__ = Op
    assert not missed, f"samples that do not reach their entry (entries they ran): {missed}"
