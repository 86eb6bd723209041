"""Shape churn: a training step that sees a new batch size every time.

Per new shape torchlike compiles what eager execution needs and no more: one executable per
batch-dependent forward op signature and one backward replay (for the MLP below: addmm twice,
relu, log_softmax, nll_loss, and the replay: N = 6; a raw ``jax.jit(jax.value_and_grad)`` of
the same step compiles 1, since it fuses the forward it never has to run eagerly).  The
optimizer update and ``zero_grad`` compile nothing per shape.  Memory plateaus: the per-op
executables are bounded by program count (``_caches.PROGRAM_BOUNDS``) and the replays of a
churning structure family stay on probation (``engine.CHURN_CACHE_SIZE``).
"""

import gc

import numpy as np
import pytest

IN, HIDDEN, OUT = 12, 16, 4
N_PER_NEW_SHAPE = 6  # see the module docstring


def _mlp(torch, dtype):
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(nn.Linear(IN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, OUT)).to(dtype)
    return model, nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters(), lr=1e-3)


def _inputs(torch, sizes, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return {
        b: (
            torch.tensor(rng.standard_normal((b, IN)), dtype=dtype),
            torch.tensor(rng.integers(0, OUT, b)),
        )
        for b in sizes
    }


def _step(model, loss_fn, optimizer, x, target):
    optimizer.zero_grad()
    loss = loss_fn(model(x), target)
    loss.backward()
    optimizer.step()
    return loss.item()


def _grads(model, loss_fn, x, target):
    model.zero_grad(set_to_none=True)
    loss_fn(model(x), target).backward()
    return [p.grad.numpy().copy() for p in model.parameters()]


def _live_arrays():
    import jax

    gc.collect()
    return len(jax.live_arrays())


@pytest.mark.torchlike_only
def test_identical_steps_compile_once(torch):
    from torchlike.autograd import engine

    torch.clear_caches()
    setup = _mlp(torch, torch.float32)
    x, t = _inputs(torch, [32], torch.float32)[32]
    replays = engine.stats()["compiles"]
    _step(*setup, x, t)
    _step(*setup, x, t)  # the optimizer's state exists from here on
    before = torch.compile_count()
    for _ in range(20):
        _step(*setup, x, t)
    assert torch.compile_count() - before == 0
    assert engine.stats()["compiles"] - replays == 1


@pytest.mark.torchlike_only
def test_churn_compiles_per_new_shape_are_bounded(torch):
    from torchlike.autograd import engine

    torch.clear_caches()
    setup = _mlp(torch, torch.float32)
    sizes = list(range(20, 28))
    data = _inputs(torch, [8] + sizes, torch.float32)  # made first: factories are not the step
    _step(*setup, *data[8])
    _step(*setup, *data[8])
    replays = engine.stats()["compiles"]
    per_shape = []
    for b in sizes:
        before = torch.compile_count()
        _step(*setup, *data[b])
        per_shape.append(torch.compile_count() - before)
    assert max(per_shape) <= N_PER_NEW_SHAPE, per_shape
    assert min(per_shape) >= 1  # each size really was new
    assert engine.stats()["compiles"] - replays == len(sizes)  # one backward replay each
    before = torch.compile_count()
    for b in sizes[-3:]:  # sizes seen before compile nothing
        _step(*setup, *data[b])
    assert torch.compile_count() - before == 0


@pytest.mark.torchlike_only
def test_per_op_cache_stays_within_its_bound_under_many_shapes(torch, monkeypatch):
    """Every new shape compiles an executable; the per-op cache keeps at most its bound of
    them, and the process's live XLA executables (not only torchlike's count) stay within it
    too, so an evicted executable is really freed.  The bound is lowered to 16 so that five
    times the bound in shapes costs ~80 compiles (the full bound, 256, would need thousands);
    the eviction does not depend on the bound's size.  The inputs go onto the device directly:
    a factory would compile a program per shape of its own."""
    import jax

    from torchlike import _caches

    bound = 16
    monkeypatch.setattr(_caches._REGISTRY["ops"], "max_programs", bound)
    torch.clear_caches()
    client = jax.devices()[0].client
    inputs = [
        torch.Tensor._make(jax.device_put(np.arange(n, dtype=np.float32))) for n in range(1, 81)
    ]
    gc.collect()
    live = len(client.live_executables())
    most = 0
    for x in inputs:
        x.exp()  # an executable per length
        info = _caches.cache_info()["ops"]
        assert info["programs"] <= bound
        assert info["nbytes"] <= bound * _caches.PROGRAM_BYTES
        most = max(most, info["programs"])
    assert most > bound // 2  # the loop did fill the cache
    gc.collect()
    assert len(client.live_executables()) - live <= bound
    np.testing.assert_allclose(inputs[4].exp().numpy(), np.exp(np.arange(5.0)), rtol=1e-6)


@pytest.mark.torchlike_only
def test_live_arrays_do_not_grow_across_a_churn_loop(torch):
    torch.clear_caches()
    setup = _mlp(torch, torch.float32)
    rng = np.random.default_rng(3)

    def step(b):
        x = torch.tensor(rng.standard_normal((b, IN)), dtype=torch.float32)
        t = torch.tensor(rng.integers(0, OUT, b))
        _step(*setup, x, t)

    for b in (8, 9, 10):
        step(b)
    arrays = _live_arrays()
    for b in range(40, 50):
        step(b)
    assert _live_arrays() == arrays


@pytest.mark.torchlike_only
def test_churn_keeps_steady_replays_and_a_reused_shape(torch, monkeypatch):
    from torchlike.autograd import engine

    monkeypatch.setattr(engine._replays, "max_entries", 8)
    torch.clear_caches()
    setup = _mlp(torch, torch.float32)
    sizes = list(range(20, 42))
    data = _inputs(torch, [8] + sizes, torch.float32)
    _step(*setup, *data[8])
    _step(*setup, *data[8])
    for b in sizes[:12]:
        _step(*setup, *data[b])
    assert engine.stats()["on_probation"] <= engine.CHURN_CACHE_SIZE
    assert engine.stats()["cached"] <= 8
    before = torch.compile_count()
    _step(*setup, *data[8])  # 12 one-off sizes did not push the steady replay out
    _step(*setup, *data[sizes[11]])  # the newest one-off is still cached; reused, it stays
    assert torch.compile_count() - before == 0
    for b in sizes[12:]:  # enough to have evicted it, had it stayed on probation
        _step(*setup, *data[b])
    before = torch.compile_count()
    _step(*setup, *data[8])
    _step(*setup, *data[sizes[11]])
    assert torch.compile_count() - before == 0


@pytest.mark.torchlike_only
def test_churning_replays_give_the_bits_of_a_steady_one(torch):
    """float64: a structure compiled as the n-th member of a churning family gives exactly the
    gradients it gives when compiled as the first of its kind."""
    from torchlike.autograd import engine

    torch.clear_caches()
    model, loss_fn, _ = _mlp(torch, torch.float64)
    sizes = list(range(20, 26))
    data = _inputs(torch, sizes, torch.float64)
    churned = {b: _grads(model, loss_fn, *data[b]) for b in sizes}
    assert engine.stats()["churn_compiles"] >= len(sizes) - engine.CHURN_AFTER + 1
    torch.clear_caches()
    for b in sizes[-2:]:
        steady = _grads(model, loss_fn, *data[b])
        for g, h in zip(steady, churned[b]):
            np.testing.assert_array_equal(g, h)


def _reference_grads(params, x, target):
    """Linear-ReLU-Linear + mean cross-entropy, backpropagated by hand in float64."""
    w1, b1, w2, b2 = params
    h = x @ w1.T + b1
    a = np.maximum(h, 0)
    z = a @ w2.T + b2
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    dz = p.copy()
    dz[np.arange(len(target)), target] -= 1
    dz /= len(target)
    da = dz @ w2
    dh = da * (h > 0)
    return [dh.T @ x, dh.sum(0), dz.T @ a, dz.sum(0)]


def test_gradients_under_churn_match_the_reference(torch):
    model, loss_fn, _ = _mlp(torch, torch.float64)
    params = [p.detach().numpy() for p in model.parameters()]
    rng = np.random.default_rng(5)
    for b in range(5, 11):  # past CHURN_AFTER sizes of one structure family
        xn = rng.standard_normal((b, IN))
        tn = rng.integers(0, OUT, b)
        got = _grads(model, loss_fn, torch.tensor(xn), torch.tensor(tn))
        for g, r in zip(got, _reference_grads(params, xn, tn)):
            np.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-12)


def _episode_loss(torch, policy, states, returns):
    """REINFORCE's loss: one policy call per step of an episode, so the backward's structure
    has as many repeats as the episode has steps."""
    losses = []
    for s, r in zip(states, returns):
        probs = torch.softmax(policy(s.unsqueeze(0)), dim=1)
        losses.append(-torch.log(probs[:, 0]) * r)
    return torch.cat(losses).sum()


@pytest.mark.torchlike_only
def test_structure_churn_runs_new_structures_node_by_node(torch):
    """Episodes of ever-new lengths: after the first, a new structure runs node by node through
    rules shared across structures, so a new length compiles only its few length-dependent
    rules, not a whole replay; a length seen STRUCTURE_CHURN[2] times is compiled."""
    from torchlike.autograd import engine

    torch.clear_caches()
    torch.manual_seed(0)
    policy = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    rng = np.random.default_rng(0)
    lengths = range(10, 19)  # 10 nodes a step: structures past engine.STRUCTURE_CHURN[3] nodes
    episodes = {n: torch.tensor(rng.standard_normal((n, 4)), dtype=torch.float32) for n in lengths}
    returns = {n: torch.tensor(rng.standard_normal(n), dtype=torch.float32) for n in episodes}

    def backward(n):
        policy.zero_grad()
        _episode_loss(torch, policy, episodes[n], returns[n]).backward()
        return [p.grad.clone() for p in policy.parameters()]

    backward(10)
    backward(11)  # made of the first one's rules: one churn-like miss, still compiled
    replays = engine.stats()["compiles"]
    per_length = []
    for n in range(12, 19):  # the second churn-like miss onwards: node by node
        before = torch.compile_count()
        backward(n)
        per_length.append(torch.compile_count() - before)
    assert engine.stats()["compiles"] == replays  # no whole replay compiled
    assert engine.stats()["rule_by_rule_runs"] >= 7
    # per new length, the length-dependent programs only: forward, the two unbinds of the
    # iteration, one read of their rows (at a traced index), cat and sum; backward, the rules of
    # that cat and sum.  The per-step rules are shared: the first node-by-node run compiles
    # them (once), later lengths reuse them.
    assert max(per_length[1:]) <= 7, per_length
    assert per_length[0] > per_length[1]
    for _ in range(engine.STRUCTURE_CHURN[2] - 2):
        backward(18)
    assert engine.stats()["compiles"] == replays  # seen STRUCTURE_CHURN[2] - 1 times: not yet
    backward(18)
    assert engine.stats()["compiles"] == replays + 1  # its STRUCTURE_CHURN[2]-th sight: compiled


def test_structure_churn_gradients_match_the_reference(torch):
    """The node-by-node replay of churning structures gives the gradients of the reference
    (and of torchlike's compiled replay of the same structure)."""
    torch.manual_seed(0)
    policy = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    policy = policy.double()
    rng = np.random.default_rng(1)
    for n in range(8, 14):
        states = torch.tensor(rng.standard_normal((n, 4)))
        returns = torch.tensor(rng.standard_normal(n))
        policy.zero_grad()
        _episode_loss(torch, policy, states, returns).backward()
        got = [p.grad.numpy().copy() for p in policy.parameters()]
        w1, b1, w2, b2 = [p.detach().numpy() for p in policy.parameters()]
        s = states.numpy()
        h = s @ w1.T + b1
        a = np.maximum(h, 0)
        z = a @ w2.T + b2
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        dz = -returns.numpy()[:, None] * (np.eye(2)[0][None, :] - p)  # d(-log p0 * r)/dz
        dh = (dz @ w2) * (h > 0)
        for g, r in zip(got, [dh.T @ s, dh.sum(0), dz.T @ a, dz.sum(0)]):
            np.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-12)


@pytest.mark.torchlike_only
def test_ragged_text_batches_compile_per_length_bucket_not_per_batch(torch):
    # the text-classification tutorial's collate: cat of variable-length token lists, then
    # EmbeddingBag with offsets: every batch has a new total length
    torch.manual_seed(0)
    bag = torch.nn.EmbeddingBag(50, 4, mode="mean")
    rng = np.random.default_rng(0)

    def step(lengths):
        tokens = [torch.tensor(rng.integers(0, 50, n).tolist()) for n in lengths]
        text = torch.cat(tokens)
        offsets = torch.tensor([0] + list(np.cumsum(lengths[:-1])))
        bag(text, offsets).sum().backward()

    step([5, 9, 2])  # lengths 16: the first bucket
    step([5, 9, 2])  # (the second one accumulates into .grad)
    before = torch.compile_count()
    for lengths in ([3, 4, 1], [7, 2, 6], [1, 1, 9], [4, 4, 4], [6, 3, 5], [2, 8, 5]):
        step(lengths)  # totals 8 .. 16: all in the bucket of 16
    assert torch.compile_count() - before == 0


def test_embedding_bag_of_ragged_inputs_matches_a_loop(torch):
    torch.manual_seed(0)
    weight = torch.randn(10, 3, requires_grad=True)
    rng = np.random.default_rng(1)
    for n, mode in ((5, "sum"), (17, "mean"), (3, "max"), (33, "sum")):
        idx = torch.tensor(rng.integers(0, 10, n).tolist())
        cuts = sorted(set(rng.integers(1, n, 2).tolist())) if n > 2 else [1]
        offsets = torch.tensor([0] + cuts)
        psw = torch.rand(n) if mode == "sum" else None
        out = torch.nn.functional.embedding_bag(
            idx, weight, offsets, mode=mode, per_sample_weights=psw, padding_idx=4
        )
        bounds = [0] + cuts + [n]
        rows = []
        for a, b in zip(bounds[:-1], bounds[1:]):
            keep = [i for i in range(a, b) if int(idx[i]) != 4]
            if not keep:
                rows.append(torch.zeros(3))
                continue
            r = weight[idx[torch.tensor(keep)]]
            if psw is not None:
                r = r * psw[torch.tensor(keep)][:, None]
            rows.append({"sum": r.sum(0), "mean": r.mean(0), "max": r.max(0).values}[mode])
        ref = torch.stack(rows)
        assert torch.allclose(out, ref, atol=1e-6)
        (g,) = torch.autograd.grad(out.sum(), weight)
        (g_ref,) = torch.autograd.grad(ref.sum(), weight)
        assert torch.allclose(g, g_ref, atol=1e-6)
        assert g[4].abs().sum() == 0  # the padding row
