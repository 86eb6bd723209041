"""torch.optim: 100-step trajectories against NumPy references, and the Optimizer API.

The references below are written from the algorithm boxes of PyTorch's optimizer docs, in
float64 NumPy; the backend under test minimises the same objective with autograd and its own
optimizer.  Float64 runs must agree to ~1e-10, float32 runs to float32 rounding.
"""

import copy
import math
import warnings

import numpy as np
import pytest
from _helpers import assert_close, values

# ------------------------------------------------------------------------------ the objective
# f(w, b) = sum(w * (A @ w)) + sum(b**4) + sum(w.sum(0) * b): curved, coupled, nonzero gradients
_rng = np.random.RandomState(0)
_A = _rng.randn(3, 3)
_A = _A @ _A.T / 3 + np.eye(3)
_W0 = _rng.randn(3, 2)
_B0 = _rng.randn(2)


def _numpy_grads(w, b, maximize=False):
    """Gradients of f, or of -f for the ``maximize`` runs (which maximise -f, i.e. minimise f,
    so that they converge instead of overflowing)."""
    gw = (_A + _A.T) @ w + b[None, :]
    gb = 4 * b**3 + w.sum(0)
    return [-gw, -gb] if maximize else [gw, gb]


def _loss(torch, w, b, A):
    return (w * (A @ w)).sum() + (b**4).sum() + (w.sum(0) * b).sum()


def _run(torch, name, kwargs, steps=100, dtype="float64"):
    dt = getattr(torch, dtype)
    w = torch.tensor(_W0, dtype=dt, requires_grad=True)
    b = torch.tensor(_B0, dtype=dt, requires_grad=True)
    A = torch.tensor(_A, dtype=dt)
    opt = getattr(torch.optim, name)([w, b], **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        loss = _loss(torch, w, b, A)
        (-loss if kwargs.get("maximize") else loss).backward()
        opt.step()
    return w, b, opt


# ------------------------------------------------------------------------ NumPy references
def _ref_sgd(
    steps, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False
):
    params, bufs = [_W0.copy(), _B0.copy()], [None, None]
    for _ in range(steps):
        for i, g in enumerate(_numpy_grads(*params, maximize)):
            if maximize:
                g = -g
            if weight_decay:
                g = g + weight_decay * params[i]
            if momentum:
                bufs[i] = g if bufs[i] is None else momentum * bufs[i] + (1 - dampening) * g
                g = g + momentum * bufs[i] if nesterov else bufs[i]
            params[i] = params[i] - lr * g
    return params


def _ref_adam(
    steps,
    lr=1e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0,
    amsgrad=False,
    maximize=False,
    decoupled=False,
):
    b1, b2 = betas
    params = [_W0.copy(), _B0.copy()]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    vmax = [np.zeros_like(p) for p in params]
    for t in range(1, steps + 1):
        for i, g in enumerate(_numpy_grads(*params, maximize)):
            if maximize:
                g = -g
            if weight_decay:
                if decoupled:
                    params[i] = params[i] * (1 - lr * weight_decay)
                else:
                    g = g + weight_decay * params[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            m_hat = m[i] / (1 - b1**t)
            if amsgrad:
                vmax[i] = np.maximum(vmax[i], v[i])
                v_hat = vmax[i] / (1 - b2**t)
            else:
                v_hat = v[i] / (1 - b2**t)
            params[i] = params[i] - lr * m_hat / (np.sqrt(v_hat) + eps)
    return params


def _ref_adamw(steps, weight_decay=1e-2, **kw):
    return _ref_adam(steps, weight_decay=weight_decay, decoupled=True, **kw)


def _ref_rmsprop(
    steps, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False, maximize=False
):
    params = [_W0.copy(), _B0.copy()]
    sq = [np.zeros_like(p) for p in params]
    gavg = [np.zeros_like(p) for p in params]
    buf = [np.zeros_like(p) for p in params]
    for _ in range(steps):
        for i, g in enumerate(_numpy_grads(*params, maximize)):
            if maximize:
                g = -g
            if weight_decay:
                g = g + weight_decay * params[i]
            sq[i] = alpha * sq[i] + (1 - alpha) * g * g
            v = sq[i]
            if centered:
                gavg[i] = alpha * gavg[i] + (1 - alpha) * g
                v = v - gavg[i] ** 2
            if momentum:
                buf[i] = momentum * buf[i] + g / (np.sqrt(v) + eps)
                params[i] = params[i] - lr * buf[i]
            else:
                params[i] = params[i] - lr * g / (np.sqrt(v) + eps)
    return params


def _ref_adagrad(
    steps,
    lr=1e-2,
    lr_decay=0,
    weight_decay=0,
    initial_accumulator_value=0,
    eps=1e-10,
    maximize=False,
):
    params = [_W0.copy(), _B0.copy()]
    state = [np.full_like(p, initial_accumulator_value) for p in params]
    for t in range(1, steps + 1):
        clr = lr / (1 + (t - 1) * lr_decay)
        for i, g in enumerate(_numpy_grads(*params, maximize)):
            if maximize:
                g = -g
            if weight_decay:
                g = g + weight_decay * params[i]
            state[i] = state[i] + g * g
            params[i] = params[i] - clr * g / (np.sqrt(state[i]) + eps)
    return params


_CASES = [
    ("SGD", _ref_sgd, dict(lr=0.01)),
    ("SGD", _ref_sgd, dict(lr=0.01, momentum=0.9)),
    ("SGD", _ref_sgd, dict(lr=0.01, momentum=0.9, dampening=0.5)),
    ("SGD", _ref_sgd, dict(lr=0.01, momentum=0.9, nesterov=True)),
    ("SGD", _ref_sgd, dict(lr=0.01, momentum=0.5, weight_decay=0.1)),
    ("SGD", _ref_sgd, dict(lr=0.001, maximize=True)),
    ("Adam", _ref_adam, dict(lr=0.01)),
    ("Adam", _ref_adam, dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6)),
    ("Adam", _ref_adam, dict(lr=0.01, amsgrad=True)),
    ("Adam", _ref_adam, dict(lr=0.01, weight_decay=0.1)),
    ("Adam", _ref_adam, dict(lr=0.001, maximize=True)),
    ("AdamW", _ref_adamw, dict(lr=0.01)),
    ("AdamW", _ref_adamw, dict(lr=0.01, weight_decay=0.1, amsgrad=True)),
    ("AdamW", _ref_adamw, dict(lr=0.001, maximize=True)),
    ("RMSprop", _ref_rmsprop, dict(lr=0.01)),
    ("RMSprop", _ref_rmsprop, dict(lr=0.01, momentum=0.9)),
    ("RMSprop", _ref_rmsprop, dict(lr=0.01, centered=True)),
    (
        "RMSprop",
        _ref_rmsprop,
        dict(lr=0.005, alpha=0.9, weight_decay=0.1, momentum=0.5, centered=True),
    ),
    ("RMSprop", _ref_rmsprop, dict(lr=0.001, maximize=True)),
    ("Adagrad", _ref_adagrad, dict(lr=0.1)),
    (
        "Adagrad",
        _ref_adagrad,
        dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.1),
    ),
    ("Adagrad", _ref_adagrad, dict(lr=0.05, eps=1e-6, maximize=True)),
]


def _case_id(case):
    name, _, kw = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kw.items())


@pytest.mark.parametrize("case", _CASES, ids=[_case_id(c) for c in _CASES])
def test_trajectory_float64(torch, case):
    name, ref, kw = case
    w, b, _ = _run(torch, name, kw)
    ew, eb = ref(100, **kw)
    assert_close(w, ew, rtol=1e-10, atol=1e-12)
    assert_close(b, eb, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("case", _CASES, ids=[_case_id(c) for c in _CASES])
def test_trajectory_float32(torch, case):
    name, ref, kw = case
    w, b, _ = _run(torch, name, kw, dtype="float32")
    assert w.dtype == torch.float32
    ew, eb = ref(100, **kw)
    assert_close(w, ew, rtol=2e-4, atol=2e-5)
    assert_close(b, eb, rtol=2e-4, atol=2e-5)


# --------------------------------------------------------------------------- state layout
@pytest.mark.parametrize(
    "name, keys",
    [
        ("Adam", ["step", "exp_avg", "exp_avg_sq"]),
        ("AdamW", ["step", "exp_avg", "exp_avg_sq"]),
        ("RMSprop", ["step", "square_avg"]),
        ("Adagrad", ["step", "sum"]),
    ],
)
def test_state_keys_and_step_tensor(torch, name, keys):
    w, b, opt = _run(torch, name, {}, steps=3)
    assert list(opt.state[w].keys()) == keys
    step = opt.state[w]["step"]
    assert torch.is_tensor(step) and step.dtype == torch.float32 and step.shape == ()
    assert step.item() == 3.0
    assert opt.state[w][keys[1]].shape == w.shape
    assert opt.state[w][keys[1]].dtype == w.dtype


def test_state_optional_buffers(torch):
    _, _, opt = _run(torch, "Adam", dict(amsgrad=True), steps=1)
    assert "max_exp_avg_sq" in next(iter(opt.state.values()))
    _, _, opt = _run(torch, "RMSprop", dict(momentum=0.9, centered=True), steps=1)
    assert list(next(iter(opt.state.values()))) == [
        "step",
        "square_avg",
        "momentum_buffer",
        "grad_avg",
    ]


def test_sgd_state(torch):
    w, b, opt = _run(torch, "SGD", dict(lr=0.1), steps=2)
    assert len(opt.state) == 0
    w, b, opt = _run(torch, "SGD", dict(lr=0.01, momentum=0.9), steps=1)
    buf = opt.state[w]["momentum_buffer"]
    # the first buffer is the gradient itself
    assert_close(buf, _numpy_grads(_W0, _B0)[0])


def test_state_step_float64_default_dtype(torch):
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        _, _, opt = _run(torch, "Adam", {}, steps=1)
        assert next(iter(opt.state.values()))["step"].dtype == torch.float64
    finally:
        torch.set_default_dtype(old)


def test_state_tensor_identity_kept(torch):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.1)
    (w**2).sum().backward()
    opt.step()
    exp_avg = opt.state[w]["exp_avg"]
    before = values(exp_avg).copy()
    opt.step()
    assert opt.state[w]["exp_avg"] is exp_avg
    assert not np.allclose(values(exp_avg), before)


def test_params_without_grad_are_skipped(torch):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    unused = torch.tensor([3.0], requires_grad=True)
    opt = torch.optim.Adam([w, unused], lr=0.1)
    (w**2).sum().backward()
    opt.step()
    assert len(opt.state[w]) == 3
    assert_close(unused, [3.0])
    assert len(opt.state.get(unused, {})) == 0


def test_step_updates_in_place_and_version(torch):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.5)
    (w**2).sum().backward()
    v0 = w._version
    opt.step()
    assert w._version > v0
    assert w.is_leaf and w.requires_grad
    assert_close(w, [0.0, 0.0])


# ------------------------------------------------------------------------------ zero_grad
def test_zero_grad(torch):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    (w * 3).sum().backward()
    opt.zero_grad()
    assert w.grad is None
    (w * 3).sum().backward()
    g = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is g
    assert_close(w.grad, [0.0, 0.0])
    (w * 3).sum().backward()
    assert_close(w.grad, [3.0, 3.0])


# ------------------------------------------------------------------------------ param groups
def test_param_groups_and_defaults(torch):
    w = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([2.0], requires_grad=True)
    opt = torch.optim.SGD([{"params": [w]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert len(opt.param_groups) == 2
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 0.5
    assert opt.param_groups[1]["params"][0] is b
    assert opt.param_groups[1]["momentum"] == 0.9
    assert opt.defaults == {
        "lr": 0.1,
        "momentum": 0.9,
        "dampening": 0,
        "weight_decay": 0,
        "nesterov": False,
        "maximize": False,
        "foreach": None,
        "differentiable": False,
        "fused": None,
    }
    (w * 2 + b * 4).sum().backward()
    opt.step()
    assert_close(w, [1.0 - 0.1 * 2])
    assert_close(b, [2.0 - 0.5 * 4])


def test_add_param_group(torch):
    w = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([2.0], requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.1)
    opt.add_param_group({"params": [b], "lr": 0.01})
    assert opt.param_groups[1]["betas"] == (0.9, 0.999)
    assert opt.param_groups[1]["lr"] == 0.01
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [w]})
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group([b])


def test_changing_lr_between_steps(torch):
    w = torch.tensor([1.0, -1.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    expected = np.array([1.0, -1.0])
    for lr in [0.1, 0.05, 0.2, 0.01]:
        opt.param_groups[0]["lr"] = lr
        opt.zero_grad()
        (w**2).sum().backward()
        opt.step()
        expected = expected - lr * 2 * expected
    assert_close(w, expected, rtol=1e-6)


def test_named_parameters(torch):
    w = torch.tensor([1.0], requires_grad=True)
    opt = torch.optim.SGD([("w", w)], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["w"]
    assert opt.param_groups[0]["params"][0] is w
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["w"]


def test_errors(torch):
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        torch.optim.SGD([], lr=0.1)
    w = torch.tensor([1.0], requires_grad=True)
    with pytest.raises(
        TypeError,
        match="params argument given to the optimizer should be an "
        "iterable of Tensors or dicts, but got "
        "torch.FloatTensor",
    ):
        torch.optim.SGD(w, lr=0.1)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        torch.optim.SGD([w * 2], lr=0.1)
    with pytest.raises(
        TypeError, match="optimizer can only optimize Tensors, but one of the params is int"
    ):
        torch.optim.SGD([1], lr=0.1)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        torch.optim.Adam([w], lr=-1)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1: 1.0"):
        torch.optim.Adam([w], betas=(0.9, 1.0))
    with pytest.raises(
        ValueError, match="Nesterov momentum requires a momentum and zero dampening"
    ):
        torch.optim.SGD([w], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="Invalid momentum value: -0.5"):
        torch.optim.SGD([w], lr=0.1, momentum=-0.5)
    with pytest.raises(
        TypeError, match="optimizer parameters need to be organized in ordered collections"
    ):
        torch.optim.SGD([{"params": {w}}], lr=0.1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.optim.SGD([w, w], lr=0.1)
    assert any("duplicate parameters" in str(c.message) for c in caught)


def test_repr(torch):
    w = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([1.0], requires_grad=True)
    opt = torch.optim.Adam([{"params": [w]}, {"params": [b], "lr": 0.1}], lr=0.01)
    assert repr(opt) == (
        "Adam (\n"
        "Parameter Group 0\n"
        "    amsgrad: False\n"
        "    betas: (0.9, 0.999)\n"
        "    capturable: False\n"
        "    decoupled_weight_decay: False\n"
        "    differentiable: False\n"
        "    eps: 1e-08\n"
        "    foreach: None\n"
        "    fused: None\n"
        "    lr: 0.01\n"
        "    maximize: False\n"
        "    weight_decay: 0\n"
        "\n"
        "Parameter Group 1\n"
        "    amsgrad: False\n"
        "    betas: (0.9, 0.999)\n"
        "    capturable: False\n"
        "    decoupled_weight_decay: False\n"
        "    differentiable: False\n"
        "    eps: 1e-08\n"
        "    foreach: None\n"
        "    fused: None\n"
        "    lr: 0.1\n"
        "    maximize: False\n"
        "    weight_decay: 0\n"
        ")"
    )
    sgd = torch.optim.SGD([w], lr=0.1)
    assert repr(sgd).splitlines()[0] == "SGD ("
    assert "    nesterov: False" in repr(sgd)
    assert repr(torch.optim.AdamW([w])).count("decoupled_weight_decay: True") == 1


# ------------------------------------------------------------------------------ closure, hooks
def test_closure(torch):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    calls = []

    def closure():
        opt.zero_grad()
        loss = (w**2).sum()
        loss.backward()
        calls.append(torch.is_grad_enabled())
        return loss

    with torch.no_grad():
        loss = opt.step(closure)
    assert calls == [True]
    assert loss.item() == 5.0
    assert_close(w, [0.8, 1.6])


def test_step_hooks(torch):
    w = torch.tensor([1.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    seen = []
    h1 = opt.register_step_pre_hook(lambda o, args, kwargs: seen.append(("pre", o is opt)))
    opt.register_step_post_hook(lambda o, args, kwargs: seen.append(("post", o is opt)))
    w.sum().backward()
    opt.step()
    h1.remove()
    opt.step()
    assert seen == [("pre", True), ("post", True), ("post", True)]


def test_custom_optimizer_subclass(torch):
    class PlainSGD(torch.optim.Optimizer):
        def __init__(self, params, lr):
            super().__init__(params, dict(lr=lr))

        @torch.no_grad()
        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p.sub_(group["lr"] * p.grad)

    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = PlainSGD([w], lr=0.5)
    seen = []
    opt.register_step_post_hook(lambda *a: seen.append(1))
    (w**2).sum().backward()
    opt.step()
    assert seen == [1]
    assert_close(w, [0.0, 0.0])
    assert repr(opt) == "PlainSGD (\nParameter Group 0\n    lr: 0.5\n)"


# ------------------------------------------------------------------------------ state dicts
def test_state_dict_format(torch):
    w, b, opt = _run(torch, "Adam", dict(lr=0.01), steps=5)
    sd = opt.state_dict()
    assert list(sd) == ["state", "param_groups"]
    assert list(sd["state"]) == [0, 1]
    assert list(sd["state"][0]) == ["step", "exp_avg", "exp_avg_sq"]
    assert sd["state"][0]["exp_avg"] is opt.state[w]["exp_avg"]
    group = sd["param_groups"][0]
    assert list(group)[-1] == "params" and group["params"] == [0, 1]
    assert group["lr"] == 0.01 and group["betas"] == (0.9, 0.999)


def test_state_dict_multiple_groups(torch):
    ps = [torch.tensor([float(i)], requires_grad=True) for i in range(3)]
    opt = torch.optim.SGD([{"params": ps[:2]}, {"params": ps[2:], "lr": 1.0}], lr=0.1, momentum=0.9)
    sum(p.sum() for p in ps).backward()
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert sorted(sd["state"]) == [0, 1, 2]


@pytest.mark.parametrize(
    "name, kw",
    [
        ("SGD", dict(lr=0.01, momentum=0.9)),
        ("Adam", dict(lr=0.01, amsgrad=True)),
        ("AdamW", dict(lr=0.01)),
        ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5)),
        ("Adagrad", dict(lr=0.1)),
    ],
)
def test_load_state_dict_resumes_trajectory(torch, name, kw):
    # 60 steps, snapshot (deep copy), 40 more == 100 straight; resume a fresh optimizer
    w, b, opt = _run(torch, name, kw, steps=60)
    snapshot = copy.deepcopy(opt.state_dict())
    w2 = torch.tensor(values(w), dtype=torch.float64, requires_grad=True)
    b2 = torch.tensor(values(b), dtype=torch.float64, requires_grad=True)
    opt2 = getattr(torch.optim, name)([w2, b2], lr=123.0)
    opt2.load_state_dict(snapshot)
    assert opt2.param_groups[0]["lr"] == kw["lr"]
    assert opt2.param_groups[0]["params"][0] is w2
    A = torch.tensor(_A, dtype=torch.float64)
    for _ in range(40):
        opt2.zero_grad()
        _loss(torch, w2, b2, A).backward()
        opt2.step()
    ref = {
        "SGD": _ref_sgd,
        "Adam": _ref_adam,
        "AdamW": _ref_adamw,
        "RMSprop": _ref_rmsprop,
        "Adagrad": _ref_adagrad,
    }[name]
    ew, eb = ref(100, **kw)
    assert_close(w2, ew, rtol=1e-10, atol=1e-12)
    assert_close(b2, eb, rtol=1e-10, atol=1e-12)


def test_load_state_dict_casts_to_param_dtype(torch):
    w = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([w])
    (w**2).sum().backward()
    opt.step()
    sd = opt.state_dict()
    w32 = torch.tensor([1.0, 2.0], requires_grad=True)
    opt32 = torch.optim.Adam([w32])
    opt32.load_state_dict(sd)
    assert opt32.state[w32]["exp_avg"].dtype == torch.float32
    assert opt32.state[w32]["step"].dtype == torch.float32


def test_load_state_dict_errors(torch):
    w = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([1.0], requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=0.1)
    with pytest.raises(
        ValueError, match="loaded state dict has a different number of parameter groups"
    ):
        opt.load_state_dict({"state": {}, "param_groups": []})
    with pytest.raises(
        ValueError,
        match="loaded state dict contains a parameter group that "
        "doesn't match the size of optimizer's group",
    ):
        opt.load_state_dict({"state": {}, "param_groups": [{"lr": 0.1, "params": [0]}]})


def test_adagrad_state_is_eager(torch):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = torch.optim.Adagrad([w], initial_accumulator_value=0.5)
    assert opt.state[w]["step"].item() == 0.0
    assert_close(opt.state[w]["sum"], [0.5, 0.5])


def test_lr_as_tensor(torch):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=torch.tensor(0.5))
    (w**2).sum().backward()
    opt.step()
    assert_close(w, [0.0, 0.0])


def test_many_steps_one_objective_converges(torch):
    # a tutorial-style loop: fit y = 3x + 2 with Adam on leaf tensors
    x = torch.linspace(-1, 1, 50)
    y = 3 * x + 2
    a = torch.zeros((), requires_grad=True)
    c = torch.zeros((), requires_grad=True)
    opt = torch.optim.Adam([a, c], lr=0.1)
    for _ in range(300):
        opt.zero_grad()
        loss = ((a * x + c - y) ** 2).mean()
        loss.backward()
        opt.step()
    assert math.isclose(a.item(), 3.0, abs_tol=1e-2)
    assert math.isclose(c.item(), 2.0, abs_tol=1e-2)


@pytest.mark.parametrize(
    "name, kw",
    [
        ("SGD", dict(lr=0.1, momentum=0.9)),
        ("Adam", dict(lr=0.1, amsgrad=True)),
        ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5)),
        ("Adagrad", dict(lr=0.1)),
    ],
)
def test_complex_parameters_update_as_real_pairs(torch, name, kw):
    # PyTorch updates a complex parameter through view_as_real: real and imaginary parts are
    # independent coordinates.  Gradients are set by hand (the rule under test is the update).
    z = torch.tensor([1 + 2j, -0.5 + 0.3j], requires_grad=True)
    pairs = torch.tensor([[1.0, 2.0], [-0.5, 0.3]], requires_grad=True)
    opt_z = getattr(torch.optim, name)([z], **kw)
    opt_r = getattr(torch.optim, name)([pairs], **kw)
    shift = np.array([0.3 - 0.1j, 1j])
    for _ in range(10):
        g = np.array(z.detach().tolist()) * 2 + shift
        z.grad = torch.tensor(g.astype(np.complex64))
        opt_z.step()
        pairs.grad = torch.tensor(np.stack([g.real, g.imag], -1).astype(np.float32))
        opt_r.step()
    got = np.array(z.detach().tolist())
    assert_close(np.stack([got.real, got.imag], -1), values(pairs), rtol=1e-5, atol=1e-6)
    assert z.dtype == torch.complex64
    for key, value in opt_z.state[z].items():
        if key != "step":
            assert value.dtype == torch.complex64


@pytest.mark.torchlike_only
def test_hyperparameter_changes_do_not_recompile(torch):
    from torchlike.optim.optimizer import _COMPILED

    def compiled_programs():
        return sum(fn._cache_size() for fn in _COMPILED.values())

    w = torch.ones(3, requires_grad=True)
    b = torch.ones(2, requires_grad=True)
    opt = torch.optim.Adam([w, b], lr=0.1)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
    w.grad, b.grad = torch.ones(3), torch.ones(2)
    opt.step()
    before = compiled_programs()
    for eps in [1e-8, 1e-6, 1e-4]:
        opt.param_groups[0]["eps"] = eps
        opt.param_groups[0]["betas"] = (0.8, 0.99)
        opt.step()
        sched.step()
    assert compiled_programs() == before
