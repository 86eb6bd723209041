"""A scheduler that changes the learning rate every step keeps live JAX arrays flat.

Before, the optimizer memoised its hyperparameters as one set of device scalars per
combination of values, so every new lr added a set (lr, momentum, dampening, weight_decay …)
that the cache kept alive: about four more live arrays per step up to the cache's bound.
"""

import gc

import pytest

pytestmark = pytest.mark.torchlike_only


def _live_arrays():
    import jax

    gc.collect()
    return len(jax.live_arrays())


@pytest.mark.parametrize(
    "make_opt, make_sched",
    [
        (
            lambda t, p: t.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=1e-4),
            lambda t, o: t.optim.lr_scheduler.StepLR(o, step_size=1, gamma=0.999),
        ),
        (
            lambda t, p: t.optim.Adam(p, lr=1e-2),
            lambda t, o: t.optim.lr_scheduler.CosineAnnealingLR(o, T_max=500),
        ),
    ],
    ids=["sgd-steplr", "adam-cosine"],
)
def test_lr_changing_every_step_keeps_live_arrays_flat(torch, make_opt, make_sched):
    from torchlike import _caches

    torch.manual_seed(0)
    model = torch.nn.Linear(4, 2)
    opt = make_opt(torch, model.parameters())
    sched = make_sched(torch, opt)
    x = torch.randn(8, 4)
    counts = {}
    lrs = set()
    for step in range(1, 401):
        opt.zero_grad()
        model(x).pow(2).mean().backward()
        opt.step()
        sched.step()
        lrs.add(opt.param_groups[0]["lr"])
        if step in (100, 400):
            counts[step] = _live_arrays()
    assert len(lrs) > 300  # the lr really changed (almost) every step
    # 300 lr changes between the two counts: the old per-combination cache grew ~4 per change
    assert counts[400] == counts[100], counts
    assert _caches.cache_info()["optim.hyperparameters"]["entries"] <= 64
