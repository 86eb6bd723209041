"""``torch.backends.cuda``: ``matmul.allow_tf32`` and friends.

``matmul.allow_tf32`` is another view of ``torch.get_float32_matmul_precision()`` (as in
PyTorch), which ``torchlike._config`` maps onto JAX's default matmul precision.
"""

import contextlib
import warnings

from ... import _config
from ...cuda import is_available as _cuda_available


def is_built() -> bool:
    # PyTorch: whether the build has CUDA; torchlike "has" it exactly when JAX has a GPU
    return _cuda_available()


def _reduction_setting(value, attr_name):
    def ensure_bool(obj, which):
        if isinstance(obj, bool):
            return obj
        raise TypeError(f"{attr_name} expects a bool for {which}, but got {type(obj)!r}")

    if isinstance(value, bool):
        return value, True
    if isinstance(value, (list, tuple)):
        if not value:
            raise TypeError(f"{attr_name} expects at least one boolean argument")
        if len(value) > 2:
            raise TypeError(f"{attr_name} expects at most two boolean arguments")
        reduced = ensure_bool(value[0], "allow_reduced_precision")
        split_k = True if len(value) == 1 else ensure_bool(value[1], "allow_splitk")
        if reduced and not split_k:
            raise RuntimeError(
                "allow_splitk=False is not supported when reduced precision reductions are enabled"
            )
        return reduced, split_k
    raise TypeError(f"{attr_name} expects a bool or a tuple/list of bools, but got {type(value)!r}")


class cuBLASModule:
    """``torch.backends.cuda.matmul``: only PyTorch's attribute names are accepted."""

    __slots__ = ()

    @property
    def allow_tf32(self):
        return _config.matmul_allow_tf32()

    @allow_tf32.setter
    def allow_tf32(self, value):
        _config.set_matmul_allow_tf32(value)

    @property
    def fp32_precision(self):
        return "tf32" if _config.matmul_allow_tf32() else "ieee"

    @property
    def allow_fp16_reduced_precision_reduction(self):
        return _config.cublas_fp16_reduction[0]

    @allow_fp16_reduced_precision_reduction.setter
    def allow_fp16_reduced_precision_reduction(self, value):
        _config.cublas_fp16_reduction = _reduction_setting(
            value, "allow_fp16_reduced_precision_reduction"
        )

    @property
    def allow_fp16_reduced_precision_reduction_split_k(self):
        return _config.cublas_fp16_reduction[1]

    @property
    def allow_bf16_reduced_precision_reduction(self):
        return _config.cublas_bf16_reduction[0]

    @allow_bf16_reduced_precision_reduction.setter
    def allow_bf16_reduced_precision_reduction(self, value):
        _config.cublas_bf16_reduction = _reduction_setting(
            value, "allow_bf16_reduced_precision_reduction"
        )

    @property
    def allow_bf16_reduced_precision_reduction_split_k(self):
        return _config.cublas_bf16_reduction[1]

    def __getattr__(self, name):
        raise AttributeError("Unknown attribute " + name)

    def __setattr__(self, name, value):
        if not isinstance(getattr(type(self), name, None), property):
            raise AttributeError("Unknown attribute " + name)
        object.__setattr__(self, name, value)


matmul = cuBLASModule()

# scaled-dot-product-attention kernel switches (torchlike has one XLA implementation)
_sdp = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True}


def flash_sdp_enabled() -> bool:
    return _sdp["flash"]


def mem_efficient_sdp_enabled() -> bool:
    return _sdp["mem_efficient"]


def math_sdp_enabled() -> bool:
    return _sdp["math"]


def cudnn_sdp_enabled() -> bool:
    return _sdp["cudnn"]


def enable_flash_sdp(enabled: bool) -> None:
    _sdp["flash"] = enabled


def enable_mem_efficient_sdp(enabled: bool) -> None:
    _sdp["mem_efficient"] = enabled


def enable_math_sdp(enabled: bool) -> None:
    _sdp["math"] = enabled


def enable_cudnn_sdp(enabled: bool) -> None:
    _sdp["cudnn"] = enabled


def sdp_kernel(
    enable_flash: bool = True,
    enable_math: bool = True,
    enable_mem_efficient: bool = True,
    enable_cudnn: bool = True,
):
    """Deprecated: ``torch.nn.attention.sdpa_kernel`` with the backends whose flag is true."""
    # PyTorch warns when the context manager is made, not when it is entered.  (Its warning
    # points into contextlib, where its deprecation wrapper runs; this one points at the caller.)
    warnings.warn(
        "`torch.backends.cuda.sdp_kernel()` is deprecated. In the future, this context manager "
        "will be removed. Please see `torch.nn.attention.sdpa_kernel()` for the new context "
        "manager, with updated signature.",
        FutureWarning,
        stacklevel=2,
    )
    return _sdp_kernel(enable_flash, enable_math, enable_mem_efficient, enable_cudnn)


@contextlib.contextmanager
def _sdp_kernel(enable_flash, enable_math, enable_mem_efficient, enable_cudnn):
    from ...nn.attention import SDPBackend, sdpa_kernel

    chosen = [
        backend
        for enabled, backend in (
            (enable_flash, SDPBackend.FLASH_ATTENTION),
            (enable_mem_efficient, SDPBackend.EFFICIENT_ATTENTION),
            (enable_math, SDPBackend.MATH),
            (enable_cudnn, SDPBackend.CUDNN_ATTENTION),
        )
        if enabled
    ]
    with sdpa_kernel(chosen) as context:
        yield context


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
