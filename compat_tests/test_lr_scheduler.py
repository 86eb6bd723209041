"""torch.optim.lr_scheduler: rate sequences against the closed forms in PyTorch's docs."""

import math
import warnings

import pytest


def _opt(torch, lr=0.1, name="SGD", groups=1, **kw):
    params = [torch.tensor([1.0], requires_grad=True) for _ in range(groups)]
    if groups == 1:
        return getattr(torch.optim, name)(params, lr=lr, **kw)
    return getattr(torch.optim, name)(
        [{"params": [p], "lr": lr * (i + 1)} for i, p in enumerate(params)], lr=lr, **kw
    )


def _rates(opt, sched, n):
    """``get_last_lr()`` before any step, then after each of ``n`` (optimizer, scheduler) steps."""
    out = [sched.get_last_lr()[0]]
    for _ in range(n):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr()[0])
        assert opt.param_groups[0]["lr"] == out[-1]
    return out


def _close(actual, expected, rel=1e-12):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        assert math.isclose(a, e, rel_tol=rel, abs_tol=1e-15), (actual, expected)


def test_step_lr(torch):
    opt = _opt(torch)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    _close(_rates(opt, sched, 10), [0.1 * 0.5 ** (t // 3) for t in range(11)])


def test_multistep_lr(torch):
    opt = _opt(torch)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 5, 5, 8], gamma=0.1)
    expected = [0.1 * 0.1 ** sum(t >= m for m in [2, 5, 5, 8]) for t in range(11)]
    _close(_rates(opt, sched, 10), expected)


def test_exponential_lr(torch):
    opt = _opt(torch)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
    _close(_rates(opt, sched, 20), [0.1 * 0.9**t for t in range(21)])


@pytest.mark.parametrize("eta_min", [0.0, 0.01])
def test_cosine_annealing_lr(torch, eta_min):
    opt = _opt(torch)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10, eta_min=eta_min)
    # beyond T_max the rate climbs back: the recursive form follows the cosine's continuation
    expected = [eta_min + (0.1 - eta_min) * (1 + math.cos(math.pi * t / 10)) / 2 for t in range(26)]
    _close(_rates(opt, sched, 25), expected, rel=1e-9)


def test_lambda_lr(torch):
    opt = _opt(torch, groups=2)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, [lambda e: 0.95**e, lambda e: 1 / (e + 1)])
    for t in range(1, 6):
        opt.step()
        sched.step()
        _close(sched.get_last_lr(), [0.1 * 0.95**t, 0.2 / (t + 1)])


def test_multiplicative_lr(torch):
    opt = _opt(torch)
    sched = torch.optim.lr_scheduler.MultiplicativeLR(opt, lambda e: 0.9)
    _close(_rates(opt, sched, 5), [0.1 * 0.9**t for t in range(6)])


def test_linear_lr(torch):
    opt = _opt(torch)
    sched = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.25, end_factor=1.0, total_iters=4)
    expected = [0.1 * (0.25 + 0.75 * min(t, 4) / 4) for t in range(9)]
    _close(_rates(opt, sched, 8), expected)


def test_constant_and_polynomial_lr(torch):
    opt = _opt(torch)
    sched = torch.optim.lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=3)
    _close(_rates(opt, sched, 5), [0.05, 0.05, 0.05, 0.1, 0.1, 0.1])
    opt = _opt(torch)
    sched = torch.optim.lr_scheduler.PolynomialLR(opt, total_iters=4, power=2.0)
    _close(_rates(opt, sched, 6), [0.1 * (1 - min(t, 4) / 4) ** 2 for t in range(7)])


def _one_cycle_expected(max_lr, total, pct, div, final_div, strategy):
    def anneal(a, b, p):
        if strategy == "cos":
            return b + (a - b) / 2 * (math.cos(math.pi * p) + 1)
        return (b - a) * p + a

    initial = max_lr / div
    low = initial / final_div
    up_end = pct * total - 1
    rates, moms = [], []
    for t in range(total):
        if t <= up_end:
            rates.append(anneal(initial, max_lr, t / up_end))
            moms.append(anneal(0.95, 0.85, t / up_end))
        else:
            p = (t - up_end) / (total - 1 - up_end)
            rates.append(anneal(max_lr, low, p))
            moms.append(anneal(0.85, 0.95, p))
    return rates, moms


@pytest.mark.parametrize("strategy", ["cos", "linear"])
def test_one_cycle_lr(torch, strategy):
    opt = _opt(torch, momentum=0.9)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=1.0, total_steps=20, anneal_strategy=strategy
    )
    rates, moms = [sched.get_last_lr()[0]], [opt.param_groups[0]["momentum"]]
    for _ in range(19):
        opt.step()
        sched.step()
        rates.append(sched.get_last_lr()[0])
        moms.append(opt.param_groups[0]["momentum"])
    er, em = _one_cycle_expected(1.0, 20, 0.3, 25.0, 1e4, strategy)
    _close(rates, er, rel=1e-9)
    _close(moms, em, rel=1e-9)
    assert opt.param_groups[0]["initial_lr"] == 1.0 / 25
    opt.step()
    sched.step()  # the 20th step is still allowed
    with pytest.raises(
        ValueError, match="Tried to step 21 times. The specified number of total steps is 20"
    ):
        sched.step()


def test_one_cycle_lr_adam_betas(torch):
    opt = _opt(torch, name="Adam")
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.01, epochs=2, steps_per_epoch=5)
    assert sched.total_steps == 10
    assert opt.param_groups[0]["betas"] == (0.95, 0.999)
    opt.step()
    sched.step()
    assert opt.param_groups[0]["betas"][1] == 0.999
    assert opt.param_groups[0]["betas"][0] < 0.95


def test_reduce_lr_on_plateau(torch):
    opt = _opt(torch, lr=1.0)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(
        opt, mode="min", factor=0.5, patience=2, cooldown=1, min_lr=0.2
    )
    losses = [10, 9, 9, 9, 9, 8, 8, 8, 8, 8, 8, 8, 8, 8]
    seen = []
    for loss in losses:
        opt.step()
        sched.step(loss)
        seen.append(sched.get_last_lr()[0])
    assert seen == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2]
    assert sched.best == 8
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode avg is unknown!"):
        torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="avg")


def test_reduce_lr_on_plateau_max_abs_and_tensor_metric(torch):
    opt = _opt(torch, lr=1.0)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(
        opt, mode="max", threshold_mode="abs", threshold=0.1, patience=0
    )
    for acc in [0.5, 0.55, 0.7, 0.75]:
        sched.step(torch.tensor(acc))
    # 0.55 and 0.75 do not beat the best by 0.1: two reductions
    assert math.isclose(sched.get_last_lr()[0], 0.01)


def test_sequential_and_chained(torch):
    opt = _opt(torch)
    warm = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
    decay = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    sched = torch.optim.lr_scheduler.SequentialLR(opt, [warm, decay], milestones=[2])
    _close(_rates(opt, sched, 5), [0.05, 0.075, 0.1, 0.05, 0.025, 0.0125])

    opt = _opt(torch)
    a = torch.optim.lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=2)
    b = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
    sched = torch.optim.lr_scheduler.ChainedScheduler([a, b])
    _close(_rates(opt, sched, 3), [0.05, 0.05 * 0.9, 0.1 * 0.81, 0.1 * 0.729])


def test_cosine_warm_restarts(torch):
    opt = _opt(torch)
    sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2)
    cycle = [(0, 3), (1, 3), (2, 3), (0, 6), (1, 6), (2, 6), (3, 6), (4, 6), (5, 6), (0, 12)]
    _close(_rates(opt, sched, 9), [0.1 * (1 + math.cos(math.pi * c / t)) / 2 for c, t in cycle])


def test_get_last_lr_multiple_groups_and_initial_lr(torch):
    opt = _opt(torch, groups=3)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.1)
    assert sched.base_lrs == [0.1, 0.2, 0.30000000000000004]
    assert [g["initial_lr"] for g in opt.param_groups] == sched.base_lrs
    opt.step()
    sched.step()
    _close(sched.get_last_lr(), [0.01, 0.02, 0.030000000000000006])
    assert sched.last_epoch == 1


def test_state_dict_round_trip(torch):
    opt = _opt(torch)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(3):
        opt.step()
        sched.step()
    sd = sched.state_dict()
    assert "optimizer" not in sd
    assert sd["last_epoch"] == 3 and sd["step_size"] == 2 and sd["_last_lr"] == [0.05]
    opt2 = _opt(torch)
    sched2 = torch.optim.lr_scheduler.StepLR(opt2, step_size=2, gamma=0.5)
    sched2.load_state_dict(sd)
    assert sched2.last_epoch == 3 and sched2.get_last_lr() == [0.05]


def test_lambda_state_dict_drops_functions(torch):
    opt = _opt(torch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda e: 1.0)
    assert sched.state_dict()["lr_lambdas"] == [None]


def test_warning_when_scheduler_steps_first(torch):
    opt = _opt(torch)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sched.step()
    assert any(
        "Detected call of `lr_scheduler.step()` before `optimizer.step()`" in str(c.message)
        for c in caught
    )
    opt = _opt(torch)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        opt.step()
        sched.step()
    assert not caught


def test_epoch_argument_uses_closed_form(torch):
    opt = _opt(torch)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    opt.step()
    with pytest.warns(
        UserWarning, match="The epoch parameter in `scheduler.step\\(\\)` was not necessary"
    ):
        sched.step(5)
    _close(sched.get_last_lr(), [0.1 * 0.25])


def test_get_lr_outside_step_warns(torch):
    opt = _opt(torch)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    with pytest.warns(
        UserWarning,
        match="To get the last learning rate computed by the "
        "scheduler, please use `get_last_lr\\(\\)`.",
    ):
        sched.get_lr()


def test_errors(torch):
    with pytest.raises(TypeError, match="int is not an Optimizer"):
        torch.optim.lr_scheduler.StepLR(3, step_size=1)
    opt = _opt(torch)
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups"):
        torch.optim.lr_scheduler.StepLR(opt, step_size=1, last_epoch=3)
    with pytest.raises(
        ValueError,
        match="Starting multiplicative factor expected to be greater "
        "than 0 and less or equal to 1.",
    ):
        torch.optim.lr_scheduler.LinearLR(opt, start_factor=0)
    with pytest.raises(ValueError, match="You must define either total_steps OR"):
        torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1)
    with pytest.raises(ValueError, match="Expected 1 lr_lambdas, but got 2"):
        torch.optim.lr_scheduler.LambdaLR(opt, [lambda e: 1, lambda e: 1])


def test_scheduler_drives_optimizer(torch):
    # the lr written into the param group is what the next optimizer step uses
    w = torch.tensor([1.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=1.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    expected = 1.0
    for lr in [1.0, 0.5, 0.25]:
        opt.zero_grad()
        w.sum().backward()
        opt.step()
        sched.step()
        expected -= lr
    assert math.isclose(w.item(), expected)
