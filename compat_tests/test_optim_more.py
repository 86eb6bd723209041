"""The remaining optimizers (Adadelta, Adamax, NAdam, RAdam, ASGD, Rprop, SparseAdam, LBFGS), the
``foreach``/``fused``/``capturable``/``differentiable`` flags, CyclicLR / OneCycleLR /
ReduceLROnPlateau and ``optim.swa_utils``.

Trajectories are compared against numbers recorded once from torch 2.13.0 CPU by
``data/make_optim_more.py`` (which runs the very loops defined here), so both backends are
checked against the same reference."""

import copy
import pathlib
import warnings

import numpy as np
import pytest

_DATA_PATH = pathlib.Path(__file__).parent / "data" / "optim_more.npz"

# (optimizer, kwargs): every case runs 25 steps with the learning rate decayed by hand each
# step (so a changing lr is exercised), in float64 and float32.
OPTIM_CASES = {
    "adadelta": ("Adadelta", {}),
    "adadelta_wd_max": ("Adadelta", dict(weight_decay=0.1, maximize=True, rho=0.8)),
    "adamax": ("Adamax", {}),
    "adamax_wd": ("Adamax", dict(weight_decay=0.1, lr=0.01)),
    "nadam": ("NAdam", {}),
    "nadam_decoupled": ("NAdam", dict(weight_decay=0.1, decoupled_weight_decay=True, lr=0.01)),
    "nadam_decay": ("NAdam", dict(weight_decay=0.1, momentum_decay=0.01, maximize=True)),
    "radam": ("RAdam", {}),
    "radam_decoupled": ("RAdam", dict(weight_decay=0.1, decoupled_weight_decay=True, lr=0.01)),
    "radam_betas": ("RAdam", dict(weight_decay=0.1, betas=(0.8, 0.9))),
    "asgd": ("ASGD", {}),
    "asgd_t0": ("ASGD", dict(t0=5, lambd=0.01, weight_decay=0.1, lr=0.05)),
    "rprop": ("Rprop", {}),
    "rprop_max": ("Rprop", dict(maximize=True, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2))),
    "sgd_max": ("SGD", dict(momentum=0.9, maximize=True)),
    "adam_max_fused": ("Adam", dict(maximize=True, amsgrad=True, fused=True)),
    "adamw_foreach": ("AdamW", dict(foreach=False, maximize=True)),
    "rmsprop_max": ("RMSprop", dict(maximize=True, centered=True, momentum=0.5)),
    "adagrad_max": ("Adagrad", dict(maximize=True, lr_decay=0.01)),
}

LBFGS_CASES = {
    "lbfgs": ({}, "float64", 5),
    "lbfgs_hist": (dict(history_size=3, max_iter=5), "float64", 5),
    "lbfgs_wolfe": (dict(line_search_fn="strong_wolfe"), "float64", 5),
    "lbfgs_wolfe_small": (
        dict(line_search_fn="strong_wolfe", history_size=2, lr=0.5),
        "float64",
        5,
    ),
    "lbfgs_f32": (dict(lr=0.1, max_iter=3), "float32", 4),
}

SCHED_CASES = {
    "cyclic_triangular": (
        "SGD",
        lambda t, o: t.optim.lr_scheduler.CyclicLR(
            o, 0.01, [0.1, 0.2], step_size_up=4, step_size_down=6
        ),
    ),
    "cyclic_triangular2": (
        "SGD",
        lambda t, o: t.optim.lr_scheduler.CyclicLR(
            o, [0.01, 0.02], 0.1, step_size_up=3, mode="triangular2"
        ),
    ),
    "cyclic_exp_range": (
        "Adam",
        lambda t, o: t.optim.lr_scheduler.CyclicLR(
            o,
            0.01,
            0.1,
            step_size_up=5,
            mode="exp_range",
            gamma=0.97,
            base_momentum=0.7,
            max_momentum=0.95,
        ),
    ),
    "cyclic_scale_fn": (
        "SGD",
        lambda t, o: t.optim.lr_scheduler.CyclicLR(
            o,
            0.01,
            0.1,
            step_size_up=5,
            scale_fn=lambda x: 0.5**x,
            scale_mode="iterations",
            cycle_momentum=False,
        ),
    ),
    "onecycle_cos": (
        "SGD",
        lambda t, o: t.optim.lr_scheduler.OneCycleLR(o, [0.5, 1.0], total_steps=41),
    ),
    "onecycle_linear_three_phase": (
        "Adam",
        lambda t, o: t.optim.lr_scheduler.OneCycleLR(
            o,
            0.5,
            epochs=5,
            steps_per_epoch=9,
            anneal_strategy="linear",
            three_phase=True,
            pct_start=0.25,
        ),
    ),
    "swalr_cos": ("SGD", lambda t, o: t.optim.swa_utils.SWALR(o, swa_lr=0.02, anneal_epochs=7)),
    "swalr_linear_0": (
        "SGD",
        lambda t, o: t.optim.swa_utils.SWALR(
            o, swa_lr=[0.02, 0.03], anneal_epochs=0, anneal_strategy="linear"
        ),
    ),
    "plateau_min": ("SGD", lambda t, o: t.optim.lr_scheduler.ReduceLROnPlateau(o, patience=2)),
    "plateau_max_abs": (
        "SGD",
        lambda t, o: t.optim.lr_scheduler.ReduceLROnPlateau(
            o,
            mode="max",
            threshold_mode="abs",
            threshold=0.5,
            patience=1,
            cooldown=2,
            factor=0.5,
            min_lr=[0.01, 0.02],
        ),
    ),
    "plateau_eps": (
        "SGD",
        lambda t, o: t.optim.lr_scheduler.ReduceLROnPlateau(
            o, patience=0, factor=0.5, min_lr=0.03, eps=0.01
        ),
    ),
}
_METRICS = [5, 4, 4, 4, 4, 4, 4, 3.9999, 4, 4, 4, 4, 2]


def _problem(torch, dtype, seed=0):
    rng = np.random.default_rng(seed)
    dt = getattr(torch, dtype)
    w = torch.tensor(rng.standard_normal((4, 3)), dtype=dt, requires_grad=True)
    b = torch.tensor(rng.standard_normal(3), dtype=dt, requires_grad=True)
    x = torch.tensor(rng.standard_normal((5, 4)), dtype=dt)
    return w, b, x


def optim_trajectory(torch, name, kwargs, dtype, steps=25):
    w, b, x = _problem(torch, dtype)
    opt = getattr(torch.optim, name)([w, b], **kwargs)
    rows = []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((x @ w + b).tanh() ** 2).sum() + (w**4).sum() * 0.1
        loss.backward()
        opt.step()
        for group in opt.param_groups:
            group["lr"] = group["lr"] * 0.97
        rows.append(np.concatenate([w.detach().numpy().ravel(), b.detach().numpy().ravel()]))
    return np.array(rows), opt


def lbfgs_trajectory(torch, kwargs, dtype, outer):
    rng = np.random.default_rng(1)
    dt = getattr(torch, dtype)
    w = torch.tensor(rng.standard_normal(5), dtype=dt, requires_grad=True)
    a = torch.tensor(rng.standard_normal((8, 5)), dtype=dt)
    opt = torch.optim.LBFGS([w], **kwargs)

    def closure():
        opt.zero_grad()
        loss = ((a @ w).sin() ** 2).sum() + ((w - 1) ** 2).sum() * 0.3 + (w**4).sum() * 0.05
        loss.backward()
        return loss

    rows = []
    for _ in range(outer):
        loss = opt.step(closure)
        rows.append(np.concatenate([w.detach().numpy(), [loss.item()]]))
    state = opt.state[w]
    return np.array(rows), np.array([state["func_evals"], state["n_iter"]])


def sched_trajectory(torch, opt_name, make, steps=40, metric=False):
    w = torch.nn.Parameter(torch.zeros(2))
    w2 = torch.nn.Parameter(torch.zeros(1))
    kwargs = dict(lr=0.1, momentum=0.9) if opt_name == "SGD" else dict(lr=0.1)
    opt = getattr(torch.optim, opt_name)([{"params": [w]}, {"params": [w2], "lr": 0.05}], **kwargs)
    sched = make(torch, opt)
    rows = []
    for i in range(steps):
        opt.step()
        if metric:
            sched.step(_METRICS[i % len(_METRICS)])
        else:
            sched.step()
        g = opt.param_groups
        momentum = g[0]["momentum"] if "momentum" in g[0] else g[0]["betas"][0]
        rows.append([g[0]["lr"], g[1]["lr"], momentum] + list(sched.get_last_lr()))
    return np.array(rows, dtype=np.float64)


COMPLEX_OPTIMIZERS = ["Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop"]


def complex_trajectory(torch, name):
    """Complex parameters update as pairs of real coordinates (``view_as_real``)."""
    rng = np.random.default_rng(4)
    z = torch.tensor(
        rng.standard_normal(3) + 1j * rng.standard_normal(3),
        dtype=torch.complex64,
        requires_grad=True,
    )
    opt = getattr(torch.optim, name)([z])
    rows = []
    for _ in range(10):
        opt.zero_grad()
        ((z - 0.5j).abs() ** 2).sum().backward()
        opt.step()
        value = z.detach().numpy()
        rows.append(np.concatenate([value.real, value.imag]).astype(np.float64))
    return np.array(rows)


@pytest.fixture(scope="module")
def reference():
    return np.load(_DATA_PATH)


# ---------------------------------------------------------------------------- trajectories
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", sorted(OPTIM_CASES))
def test_optimizer_trajectory_matches_torch(torch, reference, case, dtype):
    name, kwargs = OPTIM_CASES[case]
    got, _ = optim_trajectory(torch, name, kwargs, dtype)
    want = reference[f"optim/{case}/{dtype}"]
    if dtype == "float64":
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-13)
    else:
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("name", COMPLEX_OPTIMIZERS)
def test_complex_parameters_match_torch(torch, reference, name):
    got = complex_trajectory(torch, name)
    np.testing.assert_allclose(got, reference[f"complex/{name}"], rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("case", sorted(LBFGS_CASES))
def test_lbfgs_trajectory_matches_torch(torch, reference, case):
    kwargs, dtype, outer = LBFGS_CASES[case]
    got, counters = lbfgs_trajectory(torch, kwargs, dtype, outer)
    want = reference[f"lbfgs/{case}"]
    tol = 1e-9 if dtype == "float64" else 1e-5
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    np.testing.assert_array_equal(counters, reference[f"lbfgs/{case}/counters"])


@pytest.mark.parametrize("case", sorted(SCHED_CASES))
def test_scheduler_lr_trajectory_matches_torch(torch, reference, case):
    opt_name, make = SCHED_CASES[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = sched_trajectory(torch, opt_name, make, metric=case.startswith("plateau"))
    np.testing.assert_allclose(got, reference[f"sched/{case}"], rtol=1e-15, atol=0)


# ---------------------------------------------------------------------- state dicts, defaults
STATE_LAYOUT = {
    "Adadelta": ["step", "square_avg", "acc_delta"],
    "Adamax": ["step", "exp_avg", "exp_inf"],
    "NAdam": ["step", "mu_product", "exp_avg", "exp_avg_sq"],
    "RAdam": ["step", "exp_avg", "exp_avg_sq"],
    "ASGD": ["step", "eta", "mu", "ax"],
    "Rprop": ["step", "prev", "step_size"],
}

DEFAULTS = {
    "Adadelta": [
        ("lr", 1.0),
        ("rho", 0.9),
        ("eps", 1e-06),
        ("weight_decay", 0),
        ("maximize", False),
        ("capturable", False),
        ("foreach", None),
        ("differentiable", False),
    ],
    "Adamax": [
        ("lr", 0.002),
        ("betas", (0.9, 0.999)),
        ("eps", 1e-08),
        ("weight_decay", 0),
        ("foreach", None),
        ("maximize", False),
        ("differentiable", False),
        ("capturable", False),
    ],
    "NAdam": [
        ("lr", 0.002),
        ("betas", (0.9, 0.999)),
        ("eps", 1e-08),
        ("weight_decay", 0),
        ("momentum_decay", 0.004),
        ("decoupled_weight_decay", False),
        ("maximize", False),
        ("foreach", None),
        ("capturable", False),
        ("differentiable", False),
    ],
    "RAdam": [
        ("lr", 0.001),
        ("betas", (0.9, 0.999)),
        ("eps", 1e-08),
        ("weight_decay", 0),
        ("maximize", False),
        ("foreach", None),
        ("capturable", False),
        ("decoupled_weight_decay", False),
        ("differentiable", False),
    ],
    "ASGD": [
        ("lr", 0.01),
        ("lambd", 0.0001),
        ("alpha", 0.75),
        ("t0", 1000000.0),
        ("weight_decay", 0),
        ("foreach", None),
        ("maximize", False),
        ("differentiable", False),
        ("capturable", False),
    ],
    "Rprop": [
        ("lr", 0.01),
        ("etas", (0.5, 1.2)),
        ("step_sizes", (1e-06, 50)),
        ("foreach", None),
        ("maximize", False),
        ("differentiable", False),
        ("capturable", False),
    ],
    "SparseAdam": [("lr", 0.001), ("betas", (0.9, 0.999)), ("eps", 1e-08), ("maximize", False)],
    "LBFGS": [
        ("lr", 1),
        ("max_iter", 20),
        ("max_eval", 25),
        ("tolerance_grad", 1e-07),
        ("tolerance_change", 1e-09),
        ("history_size", 100),
        ("line_search_fn", None),
    ],
}


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_defaults_and_param_groups(torch, name):
    p = torch.nn.Parameter(torch.ones(3))
    opt = getattr(torch.optim, name)([p])
    assert list(opt.defaults.items()) == DEFAULTS[name]
    group = opt.param_groups[0]
    assert [k for k in group if k != "params"] == [k for k, _ in DEFAULTS[name]]
    assert group["params"][0] is p


@pytest.mark.parametrize("name", sorted(STATE_LAYOUT))
def test_state_dict_layout_and_roundtrip(torch, name):
    w, b, x = _problem(torch, "float32")
    opt = getattr(torch.optim, name)([w, b])
    for _ in range(3):
        opt.zero_grad()
        ((x @ w + b) ** 2).sum().backward()
        opt.step()
    sd = opt.state_dict()
    assert sorted(sd["state"]) == [0, 1]
    assert list(sd["state"][0]) == STATE_LAYOUT[name]
    step = sd["state"][0]["step"]
    assert torch.is_tensor(step) and step.dtype == torch.float32 and step.shape == ()
    assert step.item() == 3.0
    assert sd["state"][1]["step"] is opt.state[b]["step"]
    assert sd["param_groups"][0]["params"] == [0, 1]
    # A copy restored into a fresh optimizer continues exactly as the original.
    w2, b2 = w.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()
    opt2 = getattr(torch.optim, name)([w2, b2])
    opt2.load_state_dict(copy.deepcopy(sd))
    for params, o in (([w, b], opt), ([w2, b2], opt2)):
        o.zero_grad()
        ((x @ params[0] + params[1]) ** 2).sum().backward()
        o.step()
    assert torch.equal(w, w2) and torch.equal(b, b2)


ERRORS = [
    ("Adadelta", dict(lr=-1.0), ValueError, "Invalid learning rate: -1.0"),
    ("Adadelta", dict(rho=1.5), ValueError, "Invalid rho value: 1.5"),
    ("Adadelta", dict(eps=-1e-3), ValueError, "Invalid epsilon value: -0.001"),
    ("Adamax", dict(betas=(1.0, 0.9)), ValueError, "Invalid beta parameter at index 0: 1.0"),
    ("Adamax", dict(weight_decay=-1), ValueError, "Invalid weight_decay value: -1"),
    ("NAdam", dict(momentum_decay=-0.1), ValueError, "Invalid momentum_decay value: -0.1"),
    ("NAdam", dict(betas=(0.9, 1.0)), ValueError, "Invalid beta parameter at index 1: 1.0"),
    ("RAdam", dict(lr=-1.0), ValueError, "Invalid learning rate: -1.0"),
    ("ASGD", dict(weight_decay=-0.5), ValueError, "Invalid weight_decay value: -0.5"),
    ("Rprop", dict(etas=(1.5, 1.2)), ValueError, "Invalid eta values: 1.5, 1.2"),
    ("SparseAdam", dict(lr=0.0), ValueError, "Invalid learning rate: 0.0"),
    ("SparseAdam", dict(eps=0.0), ValueError, "Invalid epsilon value: 0.0"),
    ("LBFGS", dict(lr=-1.0), ValueError, "Invalid learning rate: -1.0"),
    (
        "Adam",
        dict(fused=True, foreach=True),
        RuntimeError,
        "`fused` and `foreach` cannot be `True` together.",
    ),
    (
        "SGD",
        dict(fused=True, differentiable=True),
        RuntimeError,
        "`fused` does not support `differentiable`",
    ),
    (
        "Adagrad",
        dict(fused=True, foreach=True),
        RuntimeError,
        "`fused` and `foreach` cannot be `True` together.",
    ),
]


@pytest.mark.parametrize("name,kwargs,exc,message", ERRORS)
def test_constructor_errors(torch, name, kwargs, exc, message):
    p = torch.nn.Parameter(torch.ones(2))
    with pytest.raises(exc) as info:
        getattr(torch.optim, name)([p], **kwargs)
    assert str(info.value) == message


def test_sparse_adam_refuses_dense_gradients(torch):
    p = torch.nn.Parameter(torch.ones(2))
    opt = torch.optim.SparseAdam([p])
    p.grad = torch.ones(2)
    with pytest.raises(
        RuntimeError,
        match="^SparseAdam does not support dense gradients, please consider Adam instead$",
    ):
        opt.step()


def test_lbfgs_state_layout(torch):
    w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
    opt = torch.optim.LBFGS([w], max_iter=4)

    def closure():
        opt.zero_grad()
        loss = ((w - 1) ** 4).sum() + (w**2).sum()
        loss.backward()
        return loss

    first = opt.step(closure)
    assert torch.is_tensor(first) and first.requires_grad
    opt.step(closure)
    state = opt.state_dict()["state"]
    assert list(state) == [0]
    state = state[0]
    assert list(state) == [
        "func_evals",
        "n_iter",
        "al",
        "d",
        "t",
        "old_dirs",
        "old_stps",
        "ro",
        "H_diag",
        "prev_flat_grad",
        "prev_loss",
    ]
    assert (state["func_evals"], state["n_iter"]) == (8, 8)
    assert type(state["t"]) is int and type(state["prev_loss"]) is float
    assert len(state["al"]) == 100 and state["al"][-1] is None
    assert all(torch.is_tensor(v) for v in state["old_dirs"] + state["ro"] + [state["H_diag"]])
    assert state["d"].shape == (3,) and state["prev_flat_grad"].dtype == torch.float32


def test_lbfgs_rejects_groups_and_unknown_line_search(torch):
    a, b = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(2))
    with pytest.raises(ValueError, match=r"^LBFGS doesn't support per-parameter options "):
        torch.optim.LBFGS([{"params": [a]}, {"params": [b]}])
    opt = torch.optim.LBFGS([a], line_search_fn="backtracking")

    def closure():
        opt.zero_grad()
        loss = (a**2).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match="^only 'strong_wolfe' is supported$"):
        opt.step(closure)


CAPTURABLE = [
    ("Adam", "params and state_steps", "'xla'"),
    ("RMSprop", "params and state_steps", "'xla'"),
    ("Adadelta", "params and state_steps", "'privateuseone'"),
    ("NAdam", "params, mu_products and state_steps", "'xla'"),
    ("ASGD", "params, mus, etas, and state_steps", "'xla'"),
    ("Rprop", "params and state_steps", "'xla'"),
]


@pytest.mark.parametrize("name,tensors,last", CAPTURABLE)
def test_capturable_refused_on_cpu(torch, name, tensors, last):
    p = torch.nn.Parameter(torch.ones(2))
    opt = getattr(torch.optim, name)([p], capturable=True)
    p.grad = torch.ones(2)
    with pytest.raises(AssertionError) as info:
        opt.step()
    assert str(info.value).startswith(
        f"If capturable=True, {tensors} must be on supported devices: ['cuda'"
    )
    assert str(info.value).endswith(f"{last}].")


@pytest.mark.parametrize("name", ["SGD", "Adam", "NAdam", "Rprop", "Adamax"])
def test_differentiable_step_on_a_leaf_is_the_inplace_error(torch, name):
    p = torch.nn.Parameter(torch.ones(2))
    opt = getattr(torch.optim, name)([p], differentiable=True)
    p.grad = torch.ones(2)
    with pytest.raises(
        RuntimeError,
        match="^a leaf Variable that requires grad is being used in an in-place operation.$",
    ):
        opt.step()


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad"])
def test_fused_on_cpu_is_accepted_and_matches_unfused(torch, name):
    results = []
    for fused in (True, False):
        w, b, x = _problem(torch, "float32")
        opt = getattr(torch.optim, name)([w, b], lr=0.05, fused=fused)
        for _ in range(5):
            opt.zero_grad()
            ((x @ w + b) ** 2).sum().backward()
            opt.step()
        results.append(w.detach().numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    "name",
    ["Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop", "SGD", "Adam", "RMSprop", "Adagrad"],
)
def test_maximize_climbs(torch, name):
    p = torch.nn.Parameter(torch.zeros(()))
    opt = getattr(torch.optim, name)([p], maximize=True)
    values = []
    for _ in range(5):
        opt.zero_grad()
        objective = -((p - 3) ** 2)
        objective.backward()
        opt.step()
        values.append(p.item())
    assert all(b > a for a, b in zip([0.0] + values, values))


# ---------------------------------------------------------------------------- scheduler errors
def test_cyclic_and_plateau_errors(torch):
    opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1)
    with pytest.raises(ValueError, match="^mode is invalid and scale_fn is None$"):
        torch.optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, mode="zigzag")
    with pytest.raises(ValueError, match="^optimizer must support momentum or beta1 with "):
        torch.optim.lr_scheduler.CyclicLR(
            torch.optim.Adagrad([torch.nn.Parameter(torch.ones(1))]), 0.01, 0.1
        )
    with pytest.raises(ValueError, match="^Factor should be < 1.0.$"):
        torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="^threshold mode ratio is unknown!$"):
        torch.optim.lr_scheduler.ReduceLROnPlateau(opt, threshold_mode="ratio")
    with pytest.raises(ValueError, match="^anneal_strategy must be one of 'cos' or 'linear', "):
        torch.optim.swa_utils.SWALR(opt, swa_lr=0.1, anneal_strategy="exp")
    with pytest.raises(ValueError, match="^anneal_epochs must be equal or greater than 0, got -1$"):
        torch.optim.swa_utils.SWALR(opt, swa_lr=0.1, anneal_epochs=-1)


def test_cyclic_state_dict_roundtrip(torch):
    opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1, momentum=0.9)
    sched = torch.optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=3, mode="triangular2")
    for _ in range(4):
        opt.step()
        sched.step()
    sd = sched.state_dict()
    assert sd["_scale_fn_custom"] is None and "optimizer" not in sd
    assert sd["last_epoch"] == 4 and sd["total_size"] == 6.0
    opt2 = torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=0.1, momentum=0.9)
    sched2 = torch.optim.lr_scheduler.CyclicLR(opt2, 0.01, 0.1, step_size_up=3)
    sched2.load_state_dict(sd)
    for _ in range(5):
        opt.step()
        sched.step()
        opt2.step()
        sched2.step()
        assert sched.get_last_lr() == sched2.get_last_lr()


# -------------------------------------------------------------------------------- swa_utils
def _small_model(torch):
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 1)
    )


@pytest.mark.parametrize("kind", ["swa", "ema_avg_fn", "ema_multi", "swa_multi", "buffers"])
def test_averaged_model_matches_torch(torch, reference, kind):
    model = _small_model(torch)
    kwargs = {
        "swa": {},
        "ema_avg_fn": dict(avg_fn=torch.optim.swa_utils.get_ema_avg_fn(0.9)),
        "ema_multi": dict(multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(0.8)),
        "swa_multi": dict(multi_avg_fn=torch.optim.swa_utils.get_swa_multi_avg_fn()),
        "buffers": dict(use_buffers=True),
    }[kind]
    averaged = torch.optim.swa_utils.AveragedModel(model, **kwargs)
    assert averaged.n_averaged.dtype == torch.int64 and averaged.n_averaged.item() == 0
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.tensor(np.random.default_rng(2).standard_normal((8, 3)), dtype=torch.float32)
    for _ in range(4):
        opt.zero_grad()
        model(x).pow(2).sum().backward()
        opt.step()
        averaged.update_parameters(model)
    assert averaged.n_averaged.item() == 4
    got = np.concatenate(
        [t.detach().numpy().ravel().astype(np.float64) for t in averaged.state_dict().values()]
    )
    np.testing.assert_allclose(got, reference[f"swa/{kind}"], rtol=1e-5, atol=1e-6)
    assert list(averaged.state_dict()) == [
        "n_averaged",
        "module.0.weight",
        "module.0.bias",
        "module.1.weight",
        "module.1.bias",
        "module.1.running_mean",
        "module.1.running_var",
        "module.1.num_batches_tracked",
        "module.2.weight",
        "module.2.bias",
    ]


def test_update_bn_matches_torch(torch, reference):
    model = _small_model(torch)
    rng = np.random.default_rng(3)
    loader = [(torch.tensor(rng.standard_normal((5, 3)), dtype=torch.float32), 0) for _ in range(3)]
    model.eval()
    momentum = model[1].momentum
    torch.optim.swa_utils.update_bn(loader, model)
    assert not model.training and model[1].momentum == momentum
    got = np.concatenate([model[1].running_mean.numpy(), model[1].running_var.numpy()])
    np.testing.assert_allclose(got, reference["swa/update_bn"], rtol=1e-5, atol=1e-6)
    assert model[1].num_batches_tracked.item() == 3


def test_ema_decay_is_checked(torch):
    with pytest.raises(
        ValueError,
        match=r"^Invalid decay value 1.5 provided. Please provide a "
        r"value in \[0,1\] range.$",
    ):
        torch.optim.swa_utils.get_ema_multi_avg_fn(1.5)
    with pytest.raises(AssertionError, match="^Only one of avg_fn and multi_avg_fn should be "):
        torch.optim.swa_utils.AveragedModel(
            torch.nn.Linear(1, 1),
            avg_fn=torch.optim.swa_utils.get_swa_avg_fn(),
            multi_avg_fn=torch.optim.swa_utils.get_swa_multi_avg_fn(),
        )


# -------------------------------------------------------------------------------- compiling
@pytest.mark.torchlike_only
@pytest.mark.parametrize("name", ["Adadelta", "Adamax", "NAdam", "RAdam", "ASGD", "Rprop"])
def test_changing_lr_compiles_nothing_after_step_two(torch, name):
    w, b, x = _problem(torch, "float32")
    opt = getattr(torch.optim, name)([w, b], lr=0.01)
    sched = torch.optim.lr_scheduler.CyclicLR(
        opt, 0.001, 0.05, step_size_up=7, cycle_momentum=False
    )
    before = None
    lrs = set()
    for i in range(50):
        opt.zero_grad()
        ((x @ w + b).tanh() ** 2).sum().backward()
        opt.step()
        sched.step()
        lrs.add(opt.param_groups[0]["lr"])
        if i == 1:
            before = torch.compile_count()
    assert len(lrs) > 10
    assert torch.compile_count() == before
