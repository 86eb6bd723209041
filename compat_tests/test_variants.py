"""Every op torchlike exports has exactly PyTorch 2.13's forms: ``torch.X``, ``Tensor.X``,
``Tensor.X_`` and ``out=`` (recorded from real torch by ``data/make_variants.py``), and ``out=``
writes what the out-of-place call returns.

On the torch backend the same tests check the recorded data against PyTorch itself.
"""

import importlib.util
import inspect
import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import torchlike._ops.frontend as _frontend

DATA = json.loads((Path(__file__).parent / "data" / "torch_variants.json").read_text())
TORCH_FORMS = DATA["ops"]

# Forms PyTorch has that torchlike deliberately does not provide (yet), with the reason.
IN_PLACE_VIEW = (
    "in-place view ops change a tensor's sizes and strides in place; torchlike "
    "provides the out-of-place view only"
)
OMISSIONS = {
    ("squeeze", "inplace"): IN_PLACE_VIEW,
    ("unsqueeze", "inplace"): IN_PLACE_VIEW,
    ("transpose", "inplace"): IN_PLACE_VIEW,
    ("swapaxes", "inplace"): IN_PLACE_VIEW,
    ("swapdims", "inplace"): IN_PLACE_VIEW,
    ("t", "inplace"): IN_PLACE_VIEW,
    ("as_strided", "inplace"): IN_PLACE_VIEW,
}


def _exported_names():
    methods = _frontend.METHODS
    names = set(_frontend.FUNCTIONS)
    names |= {n for n in methods if not n.startswith("_") and not n.endswith("_")}
    names |= {n[:-1] for n in methods if n.endswith("_") and not n.startswith("_")}
    return sorted(names)


NAMES = _exported_names()


def _accepts_out(fn):
    """Whether ``fn`` takes ``out=``: from its signature, or, for builtins whose signature can't
    be read, by the same probe that recorded the data (data/make_variants.py)."""
    try:
        return "out" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return _recorder().probe_out(fn)


def _recorder():
    spec = importlib.util.spec_from_file_location(
        "make_variants", Path(__file__).parent / "data" / "make_variants.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _forms(torch, name):
    fn = getattr(torch, name, None)
    is_function = fn is not None and callable(fn) and not isinstance(fn, type)
    return {
        "function": is_function,
        "method": callable(getattr(torch.Tensor, name, None)),
        "inplace": callable(getattr(torch.Tensor, name + "_", None)),
        "out": bool(is_function and _accepts_out(fn)),
    }


def test_data_is_from_the_reference_version():
    assert DATA["torch"].startswith("2.13.")


@pytest.mark.parametrize("name", NAMES)
def test_forms_match_pytorch(torch, name):
    assert name in TORCH_FORMS, f"torchlike exports {name!r}, which PyTorch 2.13 does not have"
    expected = dict(TORCH_FORMS[name])
    got = _forms(torch, name)
    for form in list(expected):
        if (name, form) in OMISSIONS and got[form] != expected[form]:
            del expected[form], got[form]
    assert got == expected


@pytest.mark.parametrize("key", sorted(OMISSIONS), ids=lambda k: f"{k[0]}-{k[1]}")
def test_omissions_are_real(torch, key):
    # an omission that PyTorch doesn't have, or that torchlike now provides, is stale
    name, form = key
    assert TORCH_FORMS[name][form]


# ------------------------------------------------------------------ out= gives what the call gives
def _f(torch, *shape, lo=0.2, hi=0.8, seed=0):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.uniform(lo, hi, shape), dtype=torch.float32)


def _i(torch, *shape, hi=3, seed=0):
    return torch.tensor(np.random.default_rng(seed).integers(0, hi, shape))


def _generated_samples():
    # every table entry whose signature is generated: one sample per form
    out = {}
    from torchlike._ops.table import OPS

    for op in OPS.values():
        v = op.variants
        if v is None or v.form is None:
            continue
        if op.name == "bitwise_not":
            out[op.name] = lambda t: ((_i(t, 2, 3, hi=9),), {})
        elif v.form == "unary":
            lo, hi = (1.2, 1.8) if op.name == "acosh" else (0.2, 0.8)
            out[op.name] = lambda t, lo=lo, hi=hi: ((_f(t, 2, 3, lo=lo, hi=hi),), {})
        elif op.name.startswith("bitwise"):
            out[op.name] = lambda t: ((_i(t, 2, 3, hi=9), _i(t, 2, 3, hi=9, seed=1)), {})
        else:
            out[op.name] = lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1)), {})
        for alias in v.aliases:
            out[alias] = out[op.name]
    return out


SAMPLES = {
    **_generated_samples(),
    "add": lambda t: ((_f(t, 2, 3), _f(t, 3, seed=1)), {"alpha": 2}),
    "sub": lambda t: ((_f(t, 2, 3), 1.5), {}),
    "mul": lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1)), {}),
    "div": lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1)), {"rounding_mode": "floor"}),
    "floor_divide": lambda t: ((_f(t, 2, 3, hi=5), _f(t, 2, 3, seed=1)), {}),
    "remainder": lambda t: ((_f(t, 2, 3, hi=5), _f(t, 2, 3, seed=1)), {}),
    "fmod": lambda t: ((_f(t, 2, 3, hi=5), _f(t, 2, 3, seed=1)), {}),
    "pow": lambda t: ((_f(t, 2, 3), 3), {}),
    "float_power": lambda t: ((_f(t, 2, 3), 2), {}),
    "maximum": lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1)), {}),
    "minimum": lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1)), {}),
    "clamp": lambda t: ((_f(t, 2, 3), 0.3, 0.6), {}),
    "clamp_min": lambda t: ((_f(t, 2, 3), 0.4), {}),
    "clamp_max": lambda t: ((_f(t, 2, 3), 0.4), {}),
    "lerp": lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1), 0.3), {}),
    "square": lambda t: ((_f(t, 2, 3),), {}),
    "round": lambda t: ((_f(t, 2, 3, hi=9),), {"decimals": 1}),
    "where": lambda t: ((_f(t, 2, 3) > 0.5, _f(t, 2, 3), _f(t, 2, 3, seed=1)), {}),
    "sum": lambda t: ((_f(t, 2, 3), 1), {}),
    "mean": lambda t: ((_f(t, 2, 3), 1), {"keepdim": True}),
    "prod": lambda t: ((_f(t, 2, 3), 0), {}),
    "max": lambda t: ((_f(t, 2, 3), 1), {}),
    "min": lambda t: ((_f(t, 2, 3), 0), {}),
    "amax": lambda t: ((_f(t, 2, 3), 1), {}),
    "amin": lambda t: ((_f(t, 2, 3), 1), {}),
    "argmax": lambda t: ((_f(t, 2, 3), 1), {}),
    "argmin": lambda t: ((_f(t, 2, 3), 1), {}),
    "var": lambda t: ((_f(t, 2, 3), 1), {}),
    "std": lambda t: ((_f(t, 2, 3), 1), {}),
    "norm": lambda t: ((_f(t, 2, 3),), {"dim": 1}),
    "logsumexp": lambda t: ((_f(t, 2, 3), 1), {}),
    "cumsum": lambda t: ((_f(t, 2, 3), 1), {}),
    "cumprod": lambda t: ((_f(t, 2, 3), 1), {}),
    "all": lambda t: ((_f(t, 2, 3) > 0.3, 1), {}),
    "any": lambda t: ((_f(t, 2, 3) > 0.6, 1), {}),
    "softmax": lambda t: ((_f(t, 2, 3), 1), {}),
    "log_softmax": lambda t: ((_f(t, 2, 3), 1), {}),
    "mm": lambda t: ((_f(t, 2, 3), _f(t, 3, 4, seed=1)), {}),
    "bmm": lambda t: ((_f(t, 2, 2, 3), _f(t, 2, 3, 4, seed=1)), {}),
    "mv": lambda t: ((_f(t, 2, 3), _f(t, 3, seed=1)), {}),
    "dot": lambda t: ((_f(t, 3), _f(t, 3, seed=1)), {}),
    "matmul": lambda t: ((_f(t, 2, 3), _f(t, 3, 4, seed=1)), {}),
    "outer": lambda t: ((_f(t, 2), _f(t, 3, seed=1)), {}),
    "addmm": lambda t: ((_f(t, 2, 4), _f(t, 2, 3), _f(t, 3, 4, seed=1)), {"beta": 0.5}),
    "addcmul": lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1), _f(t, 2, 3, seed=2)), {}),
    "addcdiv": lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1), _f(t, 2, 3, seed=2)), {}),
    "gather": lambda t: ((_f(t, 2, 3), 1, _i(t, 2, 2)), {}),
    "index_select": lambda t: ((_f(t, 2, 3), 1, _i(t, 2)), {}),
    "diag": lambda t: ((_f(t, 3, 3),), {}),
    "tril": lambda t: ((_f(t, 3, 3),), {}),
    "triu": lambda t: ((_f(t, 3, 3), 1), {}),
    "nonzero": lambda t: ((_f(t, 2, 3) > 0.5,), {}),
    "sort": lambda t: ((_f(t, 2, 3), 1), {}),
    "argsort": lambda t: ((_f(t, 2, 3),), {"dim": 1, "stable": True}),  # the out= overload
    "topk": lambda t: ((_f(t, 2, 3), 2), {}),
    "kthvalue": lambda t: ((_f(t, 2, 3), 2), {}),
    "median": lambda t: ((_f(t, 2, 3), 1), {}),
    "cat": lambda t: (([_f(t, 2, 3), _f(t, 1, 3, seed=1)],), {}),
    "stack": lambda t: (([_f(t, 2, 3), _f(t, 2, 3, seed=1)], 1), {}),
    "hstack": lambda t: (([_f(t, 2, 3), _f(t, 2, 3, seed=1)],), {}),
    "vstack": lambda t: (([_f(t, 2, 3), _f(t, 2, 3, seed=1)],), {}),
    "diff": lambda t: ((_f(t, 2, 3),), {}),
    "cross": lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1)), {"dim": 1}),
    "masked_select": lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1) > 0.5), {}),
    "take_along_dim": lambda t: ((_f(t, 2, 3), _i(t, 2, 2)), {"dim": 1}),
    "take": lambda t: ((_f(t, 2, 3), _i(t, 2, 2, hi=6)), {}),
    "slice_scatter": lambda t: ((_f(t, 4, 3), _f(t, 2, 3, seed=1)), {"start": 1, "end": 3}),
    "searchsorted": lambda t: ((t.tensor([0.1, 0.4, 0.7]), _f(t, 4)), {}),
    "bucketize": lambda t: ((_f(t, 4), t.tensor([0.1, 0.4, 0.7])), {}),
    "std_mean": lambda t: ((_f(t, 2, 3), 1), {}),
    "var_mean": lambda t: ((_f(t, 2, 3), 1), {}),
    "logit": lambda t: ((_f(t, 2, 3),), {"eps": 1e-3}),
    "nan_to_num": lambda t: ((t.tensor([1.0, float("nan"), float("inf")]),), {}),
    "scatter": lambda t: ((_f(t, 2, 3), 1, _i(t, 2, 2), _f(t, 2, 2, seed=1)), {}),
    "inverse": lambda t: ((_f(t, 3, 3) + t.eye(3),), {}),
    "slogdet": lambda t: ((_f(t, 3, 3) + t.eye(3),), {}),
    "cholesky": lambda t: ((_f(t, 3, 3) @ _f(t, 3, 3).mT + t.eye(3),), {}),
    "cholesky_inverse": lambda t: ((_f(t, 3, 3).tril() + t.eye(3),), {}),
    "cholesky_solve": lambda t: ((_f(t, 3, 2), _f(t, 3, 3, seed=1).tril() + t.eye(3)), {}),
    "triangular_solve": lambda t: ((_f(t, 3, 2), _f(t, 3, 3, seed=1).triu() + t.eye(3)), {}),
    "lu_solve": lambda t: ((_f(t, 3, 2), *t.lu(_f(t, 3, 3, seed=1) + t.eye(3))), {}),
    "lu_unpack": lambda t: (tuple(t.lu(_f(t, 3, 3) + t.eye(3))), {}),
    "qr": lambda t: ((_f(t, 4, 3),), {}),
    "svd": lambda t: ((_f(t, 4, 3),), {}),
    "matrix_power": lambda t: ((_f(t, 3, 3), 3), {}),
    "kron": lambda t: ((_f(t, 2, 3), _f(t, 3, 2, seed=1)), {}),
    "tensordot": lambda t: ((_f(t, 2, 3), _f(t, 3, 4, seed=1)), {"dims": 1}),
    "chain_matmul": lambda t: ((_f(t, 2, 3), _f(t, 3, 4, seed=1), _f(t, 4, 2, seed=2)), {}),
    "det": lambda t: ((_f(t, 3, 3),), {}),
    "logdet": lambda t: ((_f(t, 3, 3) + t.eye(3),), {}),
    "trace": lambda t: ((_f(t, 3, 3),), {}),
    "matrix_exp": lambda t: ((_f(t, 3, 3),), {}),
    "pinverse": lambda t: ((_f(t, 4, 3),), {}),
    "block_diag": lambda t: ((_f(t, 2, 3), _f(t, 1, 2, seed=1)), {}),
    "vander": lambda t: ((_f(t, 3),), {}),
    "polygamma": lambda t: ((1, _f(t, 2, 3)), {}),
    "mvlgamma": lambda t: ((_f(t, 2, 3, lo=2.0, hi=3.0), 2), {}),
    "igamma": lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1)), {}),
    "igammac": lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1)), {}),
    "copysign": lambda t: ((_f(t, 2, 3), -_f(t, 2, 3, seed=1)), {}),
    "cummax": lambda t: ((_f(t, 2, 3), 1), {}),
    "cummin": lambda t: ((_f(t, 2, 3), 1), {}),
    "logcumsumexp": lambda t: ((_f(t, 2, 3), 1), {}),
    "bitwise_left_shift": lambda t: ((_i(t, 2, 3, hi=9), _i(t, 2, 3, hi=4, seed=1)), {}),
    "bitwise_right_shift": lambda t: ((_i(t, 2, 3, hi=99), _i(t, 2, 3, hi=4, seed=1)), {}),
    "gcd": lambda t: ((_i(t, 2, 3, hi=20), _i(t, 2, 3, hi=20, seed=1)), {}),
    "lcm": lambda t: ((_i(t, 2, 3, hi=20), _i(t, 2, 3, hi=20, seed=1)), {}),
    "ldexp": lambda t: ((_f(t, 2, 3), _i(t, 2, 3, hi=5, seed=1)), {}),
    "frexp": lambda t: ((_f(t, 2, 3, hi=9),), {}),
    "bitwise_and": lambda t: ((_i(t, 2, 3, hi=9), _i(t, 2, 3, hi=9, seed=1)), {}),
    "bitwise_or": lambda t: ((_i(t, 2, 3, hi=9), _i(t, 2, 3, hi=9, seed=1)), {}),
    "bitwise_xor": lambda t: ((_i(t, 2, 3, hi=9), _i(t, 2, 3, hi=9, seed=1)), {}),
    "bitwise_not": lambda t: ((_i(t, 2, 3, hi=9),), {}),
}
for _alias, _name in {
    "subtract": "sub",
    "multiply": "mul",
    "divide": "div",
    "clip": "clamp",
    "concat": "cat",
    "concatenate": "cat",
}.items():
    SAMPLES[_alias] = SAMPLES[_name]
SAMPLES["true_divide"] = lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1)), {})
# statistics (torchlike/_ops/statistics.py)
SAMPLES["nansum"] = lambda t: ((_f(t, 2, 3), 1), {})
SAMPLES["nanmean"] = lambda t: ((_f(t, 2, 3), 1), {})
SAMPLES["nanmedian"] = lambda t: ((_f(t, 2, 3), 1), {})
SAMPLES["quantile"] = lambda t: ((_f(t, 2, 3), 0.3, 1), {})
SAMPLES["nanquantile"] = lambda t: ((_f(t, 2, 3), 0.3, 1), {})
SAMPLES["mode"] = lambda t: ((_i(t, 2, 5), 1), {})
SAMPLES["aminmax"] = lambda t: ((_f(t, 2, 3),), {"dim": 1})
SAMPLES["histc"] = lambda t: ((_f(t, 2, 3),), {"bins": 4})
SAMPLES["histogram"] = lambda t: ((_f(t, 2, 3),), {"bins": 4})
SAMPLES["renorm"] = lambda t: ((_f(t, 2, 3), 2, 0, 0.5), {})
# everyday names (torchlike/_ops/everyday.py)
for _name, _sample in {
    "addmv": lambda t: ((_f(t, 2), _f(t, 2, 3, seed=1), _f(t, 3, seed=2)), {}),
    "addr": lambda t: ((_f(t, 2, 3), _f(t, 2, seed=1), _f(t, 3, seed=2)), {}),
    "baddbmm": lambda t: ((_f(t, 2, 2, 4), _f(t, 2, 2, 3, seed=1), _f(t, 2, 3, 4, seed=2)), {}),
    "addbmm": lambda t: ((_f(t, 2, 4), _f(t, 2, 2, 3, seed=1), _f(t, 2, 3, 4, seed=2)), {}),
    "angle": lambda t: ((_f(t, 2, 3) - 0.5,), {}),
    "sgn": lambda t: ((_f(t, 2, 3) - 0.5,), {}),
    "column_stack": lambda t: (([_f(t, 3), _f(t, 3, 2, seed=1)],), {}),
    "row_stack": lambda t: (([_f(t, 2, 3), _f(t, 3, seed=1)],), {}),
    "dstack": lambda t: (([_f(t, 2, 3), _f(t, 2, 3, seed=1)],), {}),
    "complex": lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1)), {}),
    "polar": lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1)), {}),
    "conj_physical": lambda t: ((_f(t, 2, 3),), {}),
    "fmax": lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1)), {}),
    "fmin": lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1)), {}),
    "logaddexp2": lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1)), {}),
    "nextafter": lambda t: ((_f(t, 2, 3), _f(t, 2, 3, seed=1)), {}),
    "heaviside": lambda t: ((_f(t, 2, 3) - 0.5, _f(t, 2, 3, seed=1)), {}),
    "frobenius_norm": lambda t: ((_f(t, 2, 3), (0, 1)), {}),
    "nuclear_norm": lambda t: ((_f(t, 3, 3),), {}),
    "ger": lambda t: ((_f(t, 2), _f(t, 3, seed=1)), {}),
    "inner": lambda t: ((_f(t, 2, 3), _f(t, 4, 3, seed=1)), {}),
    "vdot": lambda t: ((_f(t, 3), _f(t, 3, seed=1)), {}),
    "isin": lambda t: ((_i(t, 2, 3, hi=6), _i(t, 3, hi=6, seed=1)), {}),
    "isneginf": lambda t: ((t.tensor([1.0, -float("inf"), float("inf")]),), {}),
    "isposinf": lambda t: ((t.tensor([1.0, -float("inf"), float("inf")]),), {}),
    "msort": lambda t: ((_f(t, 3, 2),), {}),
    "narrow_copy": lambda t: ((_f(t, 2, 3), 1, 1, 2), {}),
    "range": lambda t: ((0, 4, 0.5), {}),
    "alias_copy": lambda t: ((_f(t, 2, 3),), {}),
    "detach_copy": lambda t: ((_f(t, 2, 3),), {}),
    "diagonal_copy": lambda t: ((_f(t, 3, 3),), {}),
    "select_copy": lambda t: ((_f(t, 2, 3), 1, 2), {}),
    "slice_copy": lambda t: ((_f(t, 2, 3), 1, 0, 2), {}),
    "squeeze_copy": lambda t: ((_f(t, 2, 1, 3),), {}),
    "t_copy": lambda t: ((_f(t, 2, 3),), {}),
    "transpose_copy": lambda t: ((_f(t, 2, 3), 0, 1), {}),
    "unsqueeze_copy": lambda t: ((_f(t, 2, 3), 1), {}),
    "view_copy": lambda t: ((_f(t, 2, 3), (3, 2)), {}),
    "view_as_real_copy": lambda t: ((t.complex(_f(t, 2, 3), _f(t, 2, 3, seed=1)),), {}),
    "view_as_complex_copy": lambda t: ((_f(t, 3, 2),), {}),
}.items():
    SAMPLES[_name] = _sample
# out= forms the generic check cannot drive: PyTorch's split_copy/unbind_copy out= overloads
# return None and need outputs of the final sizes (no resizing of empty ones); the removed
# linear-algebra names raise on every call
OUT_UNSAMPLED = {"split_copy", "unbind_copy", "solve", "lstsq", "symeig", "matrix_rank"}
OUT_NAMES = sorted(n for n in SAMPLES if n in NAMES and TORCH_FORMS[n]["out"])
NO_OUT_NAMES = sorted(
    n
    for n in NAMES
    if n in TORCH_FORMS
    and TORCH_FORMS[n]["function"]
    and not TORCH_FORMS[n]["out"]
    and n in SAMPLES
)


def _as_list(r):
    return list(r) if isinstance(r, tuple) else [r]


def _fresh_outs(torch, ref):
    return [torch.empty(0, dtype=r.dtype) for r in ref]


def test_every_out_form_has_a_sample():
    # the out= check below must not silently skip an op: every op with out= has a sample
    missing = [
        n
        for n in NAMES
        if TORCH_FORMS.get(n, {}).get("out") and n not in SAMPLES and n not in OUT_UNSAMPLED
    ]
    assert missing == []


@pytest.mark.parametrize("name", OUT_NAMES)
def test_out_equals_out_of_place(torch, name):
    fn = getattr(torch, name)
    args, kwargs = SAMPLES[name](torch)
    ref = _as_list(fn(*args, **kwargs))
    outs = _fresh_outs(torch, ref)
    got = fn(*args, **kwargs, out=outs[0] if len(outs) == 1 else tuple(outs))
    for o, g, r in zip(outs, _as_list(got), ref):
        assert g is o
        assert o.dtype == r.dtype and o.shape == r.shape
        np.testing.assert_allclose(o.numpy(), r.numpy(), rtol=1e-6, equal_nan=True)


@pytest.mark.parametrize("name", NO_OUT_NAMES)
def test_out_is_refused_where_pytorch_has_none(torch, name):
    args, kwargs = SAMPLES[name](torch)
    with pytest.raises(TypeError):
        getattr(torch, name)(*args, **kwargs, out=torch.empty(0))


def test_out_into_existing_tensor_of_the_right_shape(torch):
    x = torch.tensor([0.0, 1.0, 2.0])
    buf = torch.zeros(4)
    out = buf[1:]
    version = out._version
    r = torch.exp(x, out=out)
    assert r is out
    assert out._version > version
    np.testing.assert_allclose(buf.numpy(), [0.0, 1.0, np.e, np.e**2], rtol=1e-6)


def test_out_resized_with_warning(torch):
    out = torch.zeros(2)
    with pytest.warns(
        UserWarning,
        match=r"An output with one or more elements was resized "
        r"since it had shape \[2\]",
    ):
        torch.add(torch.ones(3), 1, out=out)
    assert out.shape == (3,)
    assert out.tolist() == [2.0, 2.0, 2.0]


def test_out_of_zero_elements_resized_silently(torch):
    out = torch.empty(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        torch.mul(torch.ones(2, 2), 3, out=out)
    assert out.shape == (2, 2)


def test_out_castable_dtype(torch):
    out = torch.empty(3, dtype=torch.float64)
    torch.exp(torch.zeros(3), out=out)
    assert out.dtype == torch.float64
    assert out.tolist() == [1.0, 1.0, 1.0]


def test_out_uncastable_dtype(torch):
    with pytest.raises(
        RuntimeError, match="result type Float can't be cast to the desired output type Long"
    ):
        torch.exp(torch.zeros(3), out=torch.empty(3, dtype=torch.long))


@pytest.mark.parametrize("which", ["input", "out"])
def test_out_with_grad_is_refused(torch, which):
    x = torch.ones(3, requires_grad=which == "input")
    out = torch.empty(3, requires_grad=which == "out")
    with pytest.raises(
        RuntimeError,
        match=r"exp\(\): functions with out=\.\.\. arguments don't "
        "support automatic differentiation, but one of the "
        "arguments requires grad.",
    ):
        torch.exp(x, out=out)


def test_out_with_grad_input_allowed_under_no_grad(torch):
    x = torch.ones(3, requires_grad=True)
    out = torch.empty(3)
    with torch.no_grad():
        torch.mul(x, 2, out=out)
    assert out.tolist() == [2.0, 2.0, 2.0]
    assert out.grad_fn is None


def test_methods_take_no_out(torch):
    with pytest.raises(TypeError):
        torch.ones(2).exp(out=torch.empty(2))


def test_out_tuple_for_values_and_indices(torch):
    values, indices = torch.empty(0), torch.empty(0, dtype=torch.long)
    r = torch.max(torch.tensor([[1.0, 3.0], [4.0, 2.0]]), 1, out=(values, indices))
    assert r[0] is values and r[1] is indices
    assert values.tolist() == [3.0, 4.0]
    assert indices.tolist() == [1, 0]


@pytest.mark.parametrize("name", ["sinc", "asinh", "acosh", "atanh", "i0"])
def test_new_table_entries_have_pytorch_nodes(torch, name):
    x = torch.tensor([1.2, 1.5], dtype=torch.float64, requires_grad=True)
    arg = x if name == "acosh" else x * 0.5
    y = getattr(torch, name)(arg)
    assert type(y.grad_fn).__name__ == name.capitalize().replace("I0", "I0") + "Backward0"
    assert torch.autograd.gradcheck(
        lambda v: getattr(torch, name)(v), (arg.detach().requires_grad_(),)
    )


FACTORY_CALLS = {
    "zeros": lambda t, **kw: t.zeros(3, **kw),
    "ones": lambda t, **kw: t.ones(3, **kw),
    "full": lambda t, **kw: t.full((3,), 2.0, **kw),
    "arange": lambda t, **kw: t.arange(3.0, **kw),
    "linspace": lambda t, **kw: t.linspace(0, 1, 3, **kw),
    "logspace": lambda t, **kw: t.logspace(0, 1, 3, **kw),
    "eye": lambda t, **kw: t.eye(3, **kw),
}


@pytest.mark.parametrize("name", sorted(FACTORY_CALLS))
def test_factories_write_into_out(torch, name):
    call = FACTORY_CALLS[name]
    out = torch.full((2,), 7.0, dtype=torch.float64)
    if name == "arange":  # arange alone warns, in words of its own
        with pytest.warns(
            UserWarning,
            match=r"The number of elements in the out tensor of "
            r"shape \[2\] is 2 which does not match the "
            r"computed number of elements 3",
        ):
            result = call(torch, out=out)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the other factories resize out= silently
            result = call(torch, out=out)
    assert result is out
    assert out.dtype == torch.float64  # a factory given out= makes out's dtype
    expected = call(torch, dtype=torch.float64)
    assert out.shape == expected.shape
    assert out.tolist() == expected.tolist()


def test_random_factory_writes_into_out(torch):
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    out = torch.empty(3)
    assert torch.rand(3, out=out) is out
    assert out.tolist() == expected.tolist()


def test_factory_out_with_grad_is_refused(torch):
    with pytest.raises(RuntimeError, match=r"aten::zeros\(\): functions with out=\.\.\. "):
        torch.zeros(2, out=torch.zeros(2, requires_grad=True))
