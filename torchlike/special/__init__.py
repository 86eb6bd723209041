"""``torch.special``: special functions.

Where torch has the same function at top level (``erf``, ``lgamma`` as ``gammaln``, ``sigmoid``
as ``expit``, ``digamma`` as ``psi`` …) the name here calls that very entry, so the grad node is
the one PyTorch shows (``torch.special.expit(x).grad_fn`` is SigmoidBackward0).  The rest are
entries of ``_ops/spectral_table.py``.
"""

from __future__ import annotations

from .._missing import module_getattr as _module_getattr
from .._ops.core import apply
from .._ops.frontend import FUNCTIONS as _F
from .._ops.frontend import _binary, _is_scalar, _t
from .._ops.pointwise import scalar_aware
from .._ops.spectral import underived_self
from .._ops.table import OPS
from .._ops.variants import make_out
from . import _bessel

__all__ = [
    "bessel_j0",
    "bessel_j1",
    "digamma",
    "entr",
    "erf",
    "erfc",
    "erfcx",
    "erfinv",
    "exp2",
    "expit",
    "expm1",
    "gammainc",
    "gammaincc",
    "gammaln",
    "i0",
    "i0e",
    "i1",
    "i1e",
    "log1p",
    "log_ndtr",
    "log_softmax",
    "logit",
    "logsumexp",
    "modified_bessel_i0",
    "modified_bessel_i1",
    "multigammaln",
    "ndtr",
    "ndtri",
    "polygamma",
    "psi",
    "round",
    "sinc",
    "softmax",
    "spherical_bessel_j0",
    "xlog1py",
    "xlogy",
    "zeta",
]


def _unary(key):
    def fn(input):
        return apply(OPS[key], (input,))

    return fn


def _torch_level(name):
    # the torch-level function without its out= wrapper (out= is added below, under our name)
    def fn(*args, **kwargs):
        return _F[name](*args, **kwargs)

    return fn


erf = _torch_level("erf")
erfc = _torch_level("erfc")
erfinv = _torch_level("erfinv")
expit = _torch_level("sigmoid")
exp2 = _torch_level("exp2")
expm1 = _torch_level("expm1")
log1p = _torch_level("log1p")
gammaln = _torch_level("lgamma")
digamma = _torch_level("digamma")
psi = _torch_level("digamma")
i0 = _torch_level("i0")
sinc = _torch_level("sinc")
gammainc = _torch_level("igamma")
gammaincc = _torch_level("igammac")

erfcx = _unary("special_erfcx")
i0e = _unary("special_i0e")
i1 = _unary("special_i1")
i1e = _unary("special_i1e")
ndtr = _unary("special_ndtr")
ndtri = _unary("special_ndtri")
log_ndtr = _unary("special_log_ndtr")
entr = _unary("special_entr")
bessel_j0 = _unary("special_bessel_j0")
bessel_j1 = _unary("special_bessel_j1")
spherical_bessel_j0 = _unary("special_spherical_bessel_j0")
# the same values as i0 / i1, but (as in PyTorch) without a derivative
modified_bessel_i0 = _unary("special_modified_bessel_i0")
modified_bessel_i1 = _unary("special_modified_bessel_i1")


def logit(input, eps=None):
    return _F["logit"](input, eps)


def polygamma(n, input):
    return _F["polygamma"](n, input)


def multigammaln(input, p):
    return _F["mvlgamma"](input, p)


def round(input, *, decimals=0):  # noqa: A001 - PyTorch's name
    # torch.special.round is the decimals overload even at decimals=0 (RoundBackward1)
    return apply(OPS["round_decimals"], (input,), (("decimals", decimals),))


def softmax(input, dim, *, dtype=None):
    return _F["softmax"](input, dim, dtype)


def log_softmax(input, dim, *, dtype=None):
    return _F["log_softmax"](input, dim, dtype)


def logsumexp(input, dim, keepdim=False):
    return _F["logsumexp"](input, dim, keepdim)


def _scalar_aware(name, both, self_scalar, other_scalar):
    """A binary special function whose node depends on which side is a Python number."""
    fn = scalar_aware(both, self_scalar, other_scalar)
    fn.__name__ = fn.__qualname__ = name
    return fn


xlogy = _scalar_aware("xlogy", "xlogy", "xlogy_self_scalar", "xlogy_other_scalar")
xlog1py = _scalar_aware(
    "xlog1py", "special_xlog1py", "special_xlog1py_self_scalar", "special_xlog1py_other_scalar"
)


def _polynomial(key):
    def fn(input, n):
        if _is_scalar(input):
            input = _t(input)
        return _binary(OPS[key], input, n)

    return fn


for _name in (
    "chebyshev_polynomial_t",
    "chebyshev_polynomial_u",
    "chebyshev_polynomial_v",
    "chebyshev_polynomial_w",
    "shifted_chebyshev_polynomial_t",
    "shifted_chebyshev_polynomial_u",
    "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w",
    "hermite_polynomial_h",
    "hermite_polynomial_he",
    "laguerre_polynomial_l",
    "legendre_polynomial_p",
):
    globals()[_name] = _polynomial("special_" + _name)
    __all__.append(_name)


# Y0/Y1, K0/K1 (plain and exp-scaled) and Ai: _bessel.py's entries, no derivative as in PyTorch
for _name in _bessel.__all__:
    globals()[_name[len("special_") :]] = _unary(_name)
    __all__.append(_name[len("special_") :])


def zeta(input, other):
    if _is_scalar(input):
        input = _t(float(input))
    return _binary(underived_self("special_zeta", input), input, other)


# every function but softmax / log_softmax takes out=, as in PyTorch
for _name in __all__:
    _fn = globals()[_name]
    _fn.__name__ = _fn.__qualname__ = _name
    if _name not in ("softmax", "log_softmax"):
        globals()[_name] = make_out(_fn, f"special_{_name}")
del _name, _fn

__getattr__ = _module_getattr(__name__)
