"""Global numeric settings PyTorch keeps in its ``Context``: matmul precision, determinism flags.

Every setting lives here once; ``torch.set_float32_matmul_precision``,
``torch.backends.cuda.matmul.allow_tf32``, ``torch.backends.cudnn.*`` and
``torch.use_deterministic_algorithms`` all read and write these values.  The float32 matmul
precision is mirrored onto JAX's ``jax_default_matmul_precision`` (which also governs
convolutions), so it takes effect wherever XLA honours it (GPU/TPU; XLA:CPU always computes
float32 dots in float32).  Ground module: imports only jax.
"""

from __future__ import annotations

import os
import warnings

import jax

# PyTorch's float32 matmul precision -> JAX's precision name.  'highest' is full float32 (the
# default in both PyTorch and, through this module, torchlike); 'high' allows TF32, 'medium'
# allows bfloat16 internal computation.
_JAX_PRECISION = {"highest": "float32", "high": "tensorfloat32", "medium": "bfloat16"}

_matmul_precision = "highest"

# torch.backends.cudnn flags (PyTorch's defaults on a CPU build).  JAX has one precision knob,
# so cudnn_allow_tf32 is recorded for code that asks, and convolutions follow the matmul setting.
cudnn = {"enabled": True, "benchmark": False, "deterministic": False, "allow_tf32": True}

# torch.backends.cuda.matmul reduced-precision reductions: (allow_reduced, allow_split_k)
cublas_fp16_reduction = (True, True)
cublas_bf16_reduction = (True, True)

deterministic_algorithms = False
deterministic_warn_only = False


def _apply_to_jax():
    jax.config.update("jax_default_matmul_precision", _JAX_PRECISION[_matmul_precision])


def get_float32_matmul_precision() -> str:
    return _matmul_precision


def set_float32_matmul_precision(precision) -> None:
    global _matmul_precision
    if not isinstance(precision, str):
        raise RuntimeError(
            f"set_float32_matmul_precision expects a str, but got {type(precision).__name__}"
        )
    if precision not in _JAX_PRECISION:
        # PyTorch warns (from C++) and keeps the current setting
        warnings.warn(
            f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
            "setFloat32MatmulPrecision call has no effect.",
            UserWarning,
            stacklevel=2,
        )
        return
    _matmul_precision = precision
    _apply_to_jax()


def matmul_allow_tf32() -> bool:
    return _matmul_precision != "highest"


def set_matmul_allow_tf32(value) -> None:
    _check_bool(value, "set_allow_tf32_cublas")
    # as in PyTorch, allow_tf32 is another view of the float32 matmul precision
    set_float32_matmul_precision("high" if value else "highest")


def set_cudnn_flag(name, value) -> None:
    # PyTorch's own setter names (its cudnn allow_tf32 setter reports the cuBLAS name)
    setter = {
        "enabled": "set_enabled_cudnn",
        "benchmark": "set_benchmark_cudnn",
        "deterministic": "set_deterministic_cudnn",
        "allow_tf32": "set_allow_tf32_cublas",
    }
    _check_bool(value, setter[name])
    cudnn[name] = value


def use_deterministic_algorithms(mode, *, warn_only=False) -> None:
    global deterministic_algorithms, deterministic_warn_only
    if not isinstance(mode, bool):
        raise TypeError(
            "_set_deterministic_algorithms(): argument 'mode' (position 1) must be "
            f"bool, not {type(mode).__name__}"
        )
    if not isinstance(warn_only, bool):
        raise TypeError(
            "_set_deterministic_algorithms(): argument 'warn_only' must be bool, "
            f"not {type(warn_only).__name__}"
        )
    # XLA's kernels on CPU are deterministic already; the flags are kept for code that reads them
    deterministic_algorithms = mode
    deterministic_warn_only = warn_only


def are_deterministic_algorithms_enabled() -> bool:
    return deterministic_algorithms


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return deterministic_warn_only


def get_deterministic_debug_mode() -> int:
    if not deterministic_algorithms:
        return 0
    return 1 if deterministic_warn_only else 2


def set_deterministic_debug_mode(debug_mode) -> None:
    if isinstance(debug_mode, str):
        names = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in names:
            raise RuntimeError(
                "invalid value of debug_mode, expected one of `default`, `warn`, "
                f"`error`, but got {debug_mode}"
            )
        debug_mode = names[debug_mode]
    elif not isinstance(debug_mode, int):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(
            f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}"
        )
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


# Thread counts: XLA:CPU sizes its thread pool once per process, so a set value is recorded
# (and read back, as scripts expect) but does not resize the pool.
def _cpu_count():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_threads = {"intra": None, "interop": None}


def _check_threads(n, setter):
    if not isinstance(n, int) or isinstance(n, bool):
        raise RuntimeError(f"{setter} expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError(f"{setter} expects a positive integer")


def get_num_threads() -> int:
    return _threads["intra"] or _cpu_count()


def set_num_threads(n) -> None:
    _check_threads(n, "set_num_threads")
    _threads["intra"] = n


def get_num_interop_threads() -> int:
    return _threads["interop"] or _cpu_count()


def set_num_interop_threads(n) -> None:
    _check_threads(n, "set_num_interop_threads")
    _threads["interop"] = n


# Index bounds checks (gather, scatter, index_*, take, embedding, nll_loss targets, advanced
# indexing) read one min/max of the index back to the host before the op runs: free on CPU, a
# device sync on accelerators.  ``torchlike.set_checks(False)`` skips them there (an
# out-of-range index then gives whatever XLA does: clamped reads, dropped writes).  Under JAX
# tracing (torch.func, vmap) there is no value to read, so the checks are skipped anyway.
_checks = True


def set_checks(enabled) -> None:
    """Turn torchlike's value checks (index bounds) on or off; on by default, as in PyTorch."""
    global _checks
    _check_bool(enabled, "set_checks")
    _checks = enabled


def checks_enabled() -> bool:
    return _checks


def _check_bool(value, setter):
    if not isinstance(value, bool):
        raise RuntimeError(f"{setter} expects a bool, but got {type(value).__name__}")


_apply_to_jax()
