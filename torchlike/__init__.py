"""torchlike: PyTorch's imperative API, backed by JAX (use it in place of the torch module)."""
# ruff: noqa: E402 - JAX's x64 switch must come before anything that creates arrays

from __future__ import annotations

import os as _os

# PyTorch rounds the result of every float16/bfloat16 op; by default XLA may keep excess
# precision between the ops of one executable (a compiled backward), which changes low-precision
# numbers.  Effective when torchlike is imported before JAX starts its backends.
if "xla_allow_excess_precision" not in _os.environ.get("XLA_FLAGS", ""):
    _os.environ["XLA_FLAGS"] = (
        _os.environ.get("XLA_FLAGS", "") + " --xla_allow_excess_precision=false"
    ).strip()

import jax as _jax

# PyTorch's integer tensors are int64 and float64 is a first-class dtype, so torchlike turns on
# JAX's 64-bit mode at import.  Effect for code that also uses JAX directly: jnp defaults become
# 64-bit (jnp.arange(3) is int64); float32 computations are unaffected.
_jax.config.update("jax_enable_x64", True)

# Compiled executables persist across processes (README: "Compilation cache"); before any
# submodule can compile, since JAX reads the cache settings at the first compilation.
from ._disk_cache import enable_persistent_cache as _enable_persistent_cache

_enable_persistent_cache()

from . import (
    _dtype,  # noqa: E402
    _methods,  # noqa: E402,F401  (attaches Tensor's methods)
    _ops,  # noqa: E402,F401
    autograd,  # noqa: E402,F401
    nn,  # noqa: E402,F401
    optim,  # noqa: E402,F401
    random,  # noqa: E402,F401
    utils,  # noqa: E402,F401
)

autograd.load_upper()  # the engine, Function and gradcheck, now that the ops exist
from ._caches import clear_caches, compile_count  # noqa: E402,F401  (every jit cache)
from ._dtype import (  # noqa: E402,F401  # noqa: E402,F401
    bfloat16,
    complex64,
    complex128,
    dtype,
    float16,
    float32,
    float64,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    set_default_dtype,
    uint8,
)
from ._dtype import bool_ as bool  # noqa: E402,F401,A001
from ._factories import (  # noqa: E402,F401
    arange,
    as_tensor,
    asarray,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    logspace,
    ones,
    ones_like,
    tensor,
    zeros,
    zeros_like,
)
from ._layout import (  # noqa: E402,F401  (layouts and memory formats)
    channels_last,
    channels_last_3d,
    contiguous_format,
    layout,
    memory_format,
    preserve_format,
    sparse_coo,
    sparse_csc,
    sparse_csr,
    strided,
)
from ._legacy import TENSOR_TYPES as _TENSOR_TYPES  # noqa: E402
from ._legacy import e, inf, nan, newaxis, pi, set_default_tensor_type  # noqa: E402,F401
from ._ops.core import result_type  # noqa: E402,F401
from ._ops.frontend import FUNCTIONS as _FUNCTIONS  # noqa: E402
from ._printing import get_printoptions, set_printoptions  # noqa: E402,F401
from ._random_methods import (  # noqa: E402,F401
    bernoulli,
    multinomial,
    normal,
    poisson,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
)

# `import torch` -> torchlike: for a notebook (`%load_ext torchlike`) or a conftest
from ._runner import install, load_ipython_extension  # noqa: E402,F401
from ._size import Size, device  # noqa: E402,F401
from ._tensor import Tensor, is_tensor  # noqa: E402,F401
from .autograd.grad_mode import (  # noqa: E402,F401
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .random import (  # noqa: E402,F401
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from .serialization import load, save  # noqa: E402,F401

globals().update(_TENSOR_TYPES)  # torch.FloatTensor, torch.LongTensor …

globals().update(_FUNCTIONS)

# torch._foreach_add_, _foreach_lerp_, _foreach_norm …: the list-at-a-time ops, tensor by tensor
from ._foreach import FUNCTIONS as _FOREACH_FUNCTIONS  # noqa: E402

globals().update(_FOREACH_FUNCTIONS)

# torch.conv2d, torch.batch_norm, torch.dropout …: the nn ops with their ATen signatures
from .nn._torch_functions import FUNCTIONS as _NN_FUNCTIONS  # noqa: E402
from .nn.modules import module as _module_mod  # noqa: E402

globals().update({_k: _v for _k, _v in _NN_FUNCTIONS.items() if _k not in globals()})

# torch.float, torch.long, torch.bool … (shadowing the builtins inside this module, as torch does)
for _alias, _d in _dtype.ALIASES.items():
    globals()[_alias] = _d

from . import version  # noqa: E402
from .torch_version import TorchVersion as _TorchVersion  # noqa: E402

__version__ = _TorchVersion(version.__version__)

# the setup surface scripts touch first: torch.cuda, torch.backends, torch.jit, profilers, testing
from . import (  # noqa: E402,F401
    _device,
    accelerator,
    amp,  # noqa: E402,F401  (torch.amp; torch.cuda.amp below)
    backends,
    cpu,  # (torch.cpu: device-agnostic code's synchronize, device_count, amp)
    cuda,
    distributed,  # (one process: the group of world size 1)
    jit,
    mps,  # (PyTorch without Metal: is_available() False, device calls raise)
    onnx,
    profiler,
    testing,
    types,  # (torch.types: the aliases annotations use)
)
from ._config import (  # noqa: E402,F401  (matmul precision, determinism: one place)
    are_deterministic_algorithms_enabled,
    get_deterministic_debug_mode,
    get_float32_matmul_precision,
    get_num_interop_threads,
    get_num_threads,
    is_deterministic_algorithms_warn_only_enabled,
    set_checks,
    set_deterministic_debug_mode,
    set_float32_matmul_precision,
    set_num_interop_threads,
    set_num_threads,
    use_deterministic_algorithms,
)
from .amp import (  # noqa: E402,F401
    autocast,
    clear_autocast_cache,
    get_autocast_cpu_dtype,
    get_autocast_dtype,
    get_autocast_gpu_dtype,
    is_autocast_cpu_enabled,
    is_autocast_enabled,
    set_autocast_dtype,
    set_autocast_enabled,
)
from .autograd import profiler as _autograd_profiler  # noqa: E402,F401  (torch.autograd.profiler)
from .cuda import amp as _cuda_amp  # noqa: E402,F401
from .utils import benchmark as _utils_benchmark  # noqa: E402,F401  (torch.utils.benchmark)

_device.from_environment()  # JAX's default device: the CPU, as PyTorch's (or TORCHLIKE_DEVICE)


def set_default_device(device):  # noqa: F811 - PyTorch's parameter name
    """Factories create tensors on ``device`` from now on (None: back to the CPU)."""
    _device.set_default(device)


def get_default_device():
    return _device.default()


def promote_types(type1, type2):
    return _dtype.promote_types(type1, type2)


def can_cast(from_, to):
    if from_.is_complex and not to.is_complex:
        return False
    if from_.is_floating_point and not (to.is_floating_point or to.is_complex):
        return False
    if from_ is not _dtype.bool_ and to is _dtype.bool_:
        return False
    return True


def is_floating_point(input):
    return input.dtype.is_floating_point


def is_complex(input):
    return input.dtype.is_complex


def numel(input):
    return input.numel()


def is_nonzero(input):
    return builtins_bool(input)


def zero_(input):
    return input.zero_()


def fill_(input, value):
    return input.fill_(value)


def fill(input, value):
    return input.clone().fill_(value)


def typename(obj):
    """PyTorch's name of ``obj``'s type: ``torch.FloatTensor`` for a tensor, else the qualified
    name of the object itself where it has one (a class or function: ``__main__.<lambda>``), else
    of its class (``int``, ``torch.nn.modules.linear.Linear``)."""
    if isinstance(obj, Tensor):
        return obj.type()
    return _module_mod._describe(obj)


_WARN_ALWAYS = [False]


def set_warn_always(b):
    _WARN_ALWAYS[0] = builtins_bool(b)


def is_warn_always_enabled():
    return _WARN_ALWAYS[0]


def set_flush_denormal(mode):
    """False: XLA keeps its own denormal handling, so the mode is not set (PyTorch answers
    whether it could set it)."""
    return False


import builtins as _builtins  # noqa: E402
import math as _math  # noqa: E402

import jax.numpy as _jnp  # noqa: E402

builtins_bool = _builtins.bool


class finfo:
    """Machine limits of a floating dtype: ``torch.finfo(torch.float32).eps``."""

    def __init__(self, type=None):  # noqa: A002 - PyTorch's name
        d = _dtype.get_default_dtype() if type is None else type
        info = _jnp.finfo(d._np)
        # a complex dtype's limits are its real part's, and carry that name (complex64: float32)
        self.dtype = str(d).replace("torch.", "") if not d.is_complex else str(info.dtype)
        self.bits = info.bits
        self.eps = _builtins.float(info.eps)
        self.max = _builtins.float(info.max)
        self.min = _builtins.float(info.min)
        self.tiny = _builtins.float(info.tiny)
        self.smallest_normal = self.tiny
        # PyTorch's: 10 ** -precision, precision = floor(-log10(eps)), exact as a Python float
        # (NumPy's ``info.resolution`` is that number rounded to the dtype: 0.0010004 for half)
        self.resolution = 10.0 ** -_builtins.int(-_math.log10(self.eps))

    def __eq__(self, other):  # PyTorch's finfo is one object per dtype
        return isinstance(other, finfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
            f"eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, "
            f"dtype={self.dtype})"
        )


class iinfo:
    """Machine limits of an integer dtype: ``torch.iinfo(torch.int32).max``."""

    def __init__(self, type):  # noqa: A002 - PyTorch's name
        info = _jnp.iinfo(type._np) if type is not _dtype.bool_ else None
        if info is None:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        self.dtype = str(type).replace("torch.", "")
        self.bits = info.bits
        self.max = _builtins.int(info.max)
        self.min = _builtins.int(info.min)

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

from . import (  # noqa: E402,F401  (torch.fft, .linalg, .signal, .special)
    _dynamo,  # noqa: E402,F401  (torch._dynamo; torch.compile and torch.compiler below)
    compiler,
    distributions,  # noqa: E402,F401  (torch.distributions)
    fft,
    func,  # noqa: E402,F401  (torch.func)
    functional,  # noqa: E402,F401  (torch.functional: aliases of the functions above)
    hub,  # noqa: E402,F401  (torch.hub)
    linalg,
    multiprocessing,  # noqa: E402,F401  (torch.multiprocessing)
    signal,
    special,
)
from .linalg._lowrank import pca_lowrank, svd_lowrank  # noqa: E402,F401

# torch.functional re-exports them too (it reads the function table when asked)
_FUNCTIONS.update(pca_lowrank=pca_lowrank, svd_lowrank=svd_lowrank)
from ._compile import compile  # noqa: E402,F401,A001

vmap = func.vmap  # torch.vmap is torch.func.vmap
from . import sparse  # noqa: E402  (torch.sparse: COO tensors)
from ._layout import UntypedStorage  # noqa: E402,F401
from ._ops.everyday import TypedStorage  # noqa: E402,F401
from .sparse import sparse_coo_tensor  # noqa: E402,F401

# torch.mm / torch.matmul take a sparse first operand to its kernel; torch.spmm is the same with
# strided operands (pygcn-style ports pass a dense adjacency)
spmm = sparse.sparse_first(mm)  # noqa: F821 (from the function table above)
mm = sparse.sparse_first(mm)  # noqa: F821
matmul = sparse.sparse_first(matmul)  # noqa: F821

__getattr__ = _module_getattr(__name__)
