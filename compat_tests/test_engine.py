"""The engine's promises that have no PyTorch counterpart: compile once, cache by structure."""

import numpy as np
import pytest

pytestmark = pytest.mark.torchlike_only


def _mlp_params(torch, seed=0):
    rng = np.random.default_rng(seed)
    shapes = [(8, 16), (16,), (16, 3), (3,)]
    return [
        torch.tensor(rng.standard_normal(s) * 0.3, dtype=torch.float32, requires_grad=True)
        for s in shapes
    ]


def _sgd_step(torch, params, x, target, lr):
    w1, b1, w2, b2 = params
    out = (x @ w1 + b1).relu() @ w2 + b2
    loss = torch.nn.functional.cross_entropy(out, target)
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad.zero_()
    return loss


def test_hundred_identical_sgd_steps_compile_once(torch):
    from torchlike.autograd import engine

    torch.clear_caches()
    params = _mlp_params(torch)
    rng = np.random.default_rng(1)
    x = torch.tensor(rng.standard_normal((32, 8)), dtype=torch.float32)
    target = torch.tensor(rng.integers(0, 3, 32))
    replays = engine.stats()["compiles"]
    # the first step compiles its ops and its backward; the second, the in-place add of the
    # new gradient into the existing .grad buffers
    losses = [_sgd_step(torch, params, x, target, lr=0.1 / (1 + step)).item() for step in (0, 1)]
    before = torch.compile_count()
    for step in range(2, 100):
        # a changing learning rate is a traced input, not a constant: no recompilation
        losses.append(_sgd_step(torch, params, x, target, lr=0.1 / (1 + step)).item())
    assert torch.compile_count() - before == 0
    assert engine.stats()["compiles"] - replays == 1
    assert losses[-1] < losses[0]


def test_new_structure_compiles_again_and_cache_is_reused(torch):
    from torchlike.autograd import engine

    torch.clear_caches()
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)

    def backward(loss, leaf):
        leaf.grad = None  # a fresh .grad each time: no accumulation add
        loss.backward()

    replays = engine.stats()["compiles"]
    backward((x * 2).sum(), x)
    before = torch.compile_count()
    backward((x * 3).sum(), x)  # same structure, other scalar: no recompilation
    assert torch.compile_count() - before == 0
    assert engine.stats()["compiles"] - replays == 1
    backward(x.exp().sum(), x)  # new structure
    assert engine.stats()["compiles"] - replays == 2
    backward((y * 2).sum(), y)  # new shape
    assert engine.stats()["compiles"] - replays == 3
    before = torch.compile_count()
    backward(x.exp().sum(), x)
    backward((y * 5).sum(), y)
    assert torch.compile_count() - before == 0


def test_in_place_updates_keep_the_signature(torch):
    torch.clear_caches()
    w = torch.tensor([0.5, -0.5], requires_grad=True)

    def step():
        (w * w).sum().backward()
        with torch.no_grad():
            w.sub_(0.1 * w.grad)
        w.grad = None

    step()
    before = torch.compile_count()
    for _ in range(4):
        step()
    assert torch.compile_count() - before == 0


def test_python_side_effects_run_every_call_when_compiled(torch, capsys):
    class Noisy(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            print("backward ran")
            return g * 2

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    for _ in range(4):  # the structure is compiled on first sight and reused
        Noisy.apply(x).sum().backward()
    assert capsys.readouterr().out.count("backward ran") == 4
    np.testing.assert_allclose(x.grad.numpy(), [8.0, 8.0])


def test_errors_from_python_callbacks_keep_their_type_when_compiled(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    for _ in range(2):
        y = x.exp()
        y.register_hook(lambda g: (_ for _ in ()).throw(ValueError("from my hook")))
        with pytest.raises(ValueError, match="from my hook"):
            y.sum().backward()


def _make_cube(torch, seen):
    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            ctx.save_for_backward(t)
            return t**3

        @staticmethod
        def backward(ctx, g):
            (t,) = ctx.saved_tensors
            seen.append(("cube", round(g.sum().item(), 6)))
            return 3 * t * t * g

    return Cube


def _hooked_step(torch, Cube, seen, params, x, n_cubes, n_hooked):
    """A step whose backward calls Python: ``n_cubes`` custom Functions in a chain, a hook on
    an intermediate and hooks on ``n_hooked`` leaves (the Functions and the leaf hooks append
    what they see to ``seen``)."""
    seen.clear()
    h = (x @ params[0]).tanh()
    h.register_hook(lambda g: g * 0.5)
    h = h @ params[1]
    for _ in range(n_cubes):
        h = Cube.apply(h * 0.5)
    loss = h.sum() + sum((p * p).sum() for p in params[2:])
    handles = [
        p.register_hook(lambda g, k=k: seen.append((k, round(g.sum().item(), 6))))
        for k, p in enumerate(params[:n_hooked])
    ]
    loss.backward()
    for handle in handles:  # a leaf keeps its hooks: this step's go with it
        handle.remove()
    grads = [p.grad.numpy().copy() for p in params]
    for p in params:
        p.grad = None
    return list(seen), grads


@pytest.mark.parametrize("n_cubes", [1, 10])
def test_backward_calling_python_compiles_once_and_runs_each_callable_once(torch, n_cubes):
    """A replay with Python steps (at most ``engine.MAX_PYTHON_RUNS`` runs of them: cut into
    compiled pieces around them; more: one program calling back) runs every callable once per
    backward, in the same order each time, with the same gradients, and compiles only on first
    sight.  Hooks on leaves (here 12) gather into one run."""
    from torchlike.autograd import engine

    torch.clear_caches()
    rng = np.random.default_rng(0)
    shapes = [(4, 5), (5, 3)] + [(3,)] * 10
    params = [torch.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]
    x = torch.tensor(rng.standard_normal((2, 4)) * 0.5)
    assert (n_cubes <= engine.MAX_PYTHON_RUNS) == (n_cubes == 1)
    seen: list = []
    Cube = _make_cube(torch, seen)
    first = _hooked_step(torch, Cube, seen, params, x, n_cubes, 12)
    before = torch.compile_count()
    for _ in range(3):
        got, grads = _hooked_step(torch, Cube, seen, params, x, n_cubes, 12)
        assert got == first[0]
        for a, b in zip(grads, first[1]):
            np.testing.assert_array_equal(a, b)
    assert torch.compile_count() == before
    segmented = [type(r) is engine._Segmented for r in engine._replays.values()]
    assert any(segmented) == (n_cubes == 1)
    assert len([s for s in got if s[0] == "cube"]) == n_cubes
    assert sorted(k for k, _ in got if k != "cube") == list(range(12))
    # the hooks only observe: the gradients are those of the same step without them
    _, plain = _hooked_step(torch, Cube, seen, params, x, n_cubes, 0)
    for a, b in zip(grads, plain):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_cache_is_bounded(torch, monkeypatch):
    from torchlike.autograd import engine

    monkeypatch.setattr(engine._replays, "max_entries", 8)
    torch.clear_caches()
    for n in range(1, 18):
        x = torch.ones(n, requires_grad=True)
        x.sum().backward()
        assert engine.stats()["cached"] <= 8
    assert engine.stats()["cached"] == 8


def test_per_op_executables_stay_within_their_bound(torch, monkeypatch):
    """1,000 distinct static arguments (here: ``decimals``) must not grow the op cache."""
    from torchlike import float32
    from torchlike._ops import core
    from torchlike._ops.table import OPS

    monkeypatch.setattr(core._EXECUTABLES, "max_entries", 64)
    torch.clear_caches()
    for decimals in range(1000):  # building an executable is lazy: no XLA compile here
        OPS["round_decimals"].jitted(float32, (("decimals", decimals),))
        assert len(core._EXECUTABLES) <= 64
    assert len(core._EXECUTABLES) == 64
    # the same through the public op, which compiles each one
    monkeypatch.setattr(core._EXECUTABLES, "max_entries", 8)
    torch.clear_caches()
    x = torch.tensor([1.23456, -7.891])
    for decimals in range(20):
        torch.round(x, decimals=decimals)
        assert len(core._EXECUTABLES) <= 8
    # evicted entries are rebuilt on demand, with the same answer
    np.testing.assert_allclose(torch.round(x, decimals=2).numpy(), [1.23, -7.89], rtol=1e-6)


def test_distinct_shapes_compile_each_once_and_repeat_for_free(torch):
    torch.clear_caches()
    shapes = [(n,) for n in range(1, 11)]
    for s in shapes:
        torch.ones(s).exp().numpy()
    before = torch.compile_count()
    for s in shapes:
        torch.ones(s).exp().numpy()
    assert torch.compile_count() - before == 0
    torch.clear_caches()
    torch.ones(shapes[0]).exp().numpy()
    assert torch.compile_count() - before > 0  # the caches really were emptied


def test_clear_caches_empties_every_cache(torch):
    from torchlike import _caches

    torch.clear_caches()
    w = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(w.parameters(), lr=0.1)
    w(torch.ones(4, 3)).sum().backward()
    before = torch.compile_count()
    torch.nn.utils.clip_grad_norm_(w.parameters(), 1.0)
    assert torch.compile_count() > before  # module-level jit functions count too
    before = torch.compile_count()
    opt.step()
    assert torch.compile_count() > before  # and the optimizer's fused kernel
    info = _caches.cache_info()
    for name in (
        "ops",
        "autograd.replays",
        "autograd.constants",
        "optim.kernels",
        "optim.hyperparameters",
        "nn.utils.clip_grad.clip",
    ):
        assert info[name]["entries"] > 0, name
    torch.clear_caches()
    assert all(c["entries"] == 0 and c["nbytes"] == 0 for c in _caches.cache_info().values())


def test_array_caches_are_bounded_by_bytes():
    import jax.numpy as jnp

    from torchlike import _caches

    cache = _caches.LRUCache("test.bytes", max_entries=100, max_bytes=1000)
    try:
        for k in range(10):
            cache.put(k, jnp.zeros(100, jnp.float32))  # 400 bytes each
            assert cache.nbytes <= 1000
        assert len(cache) == 2 and 9 in cache and 8 in cache
        cache.get(8)  # most recently used now: 9 goes first
        cache.put(10, jnp.zeros(100, jnp.float32))
        assert 8 in cache and 9 not in cache
        cache.put("huge", jnp.zeros(1000, jnp.float32))  # larger than the bound: not kept
        assert "huge" not in cache and cache.nbytes <= 1000
    finally:
        _caches._REGISTRY.pop("test.bytes", None)


def test_compile_count_counts_only_torchlike(torch):
    import jax
    import jax.numpy as jnp

    before = torch.compile_count()
    jax.jit(lambda a: a * 41.5 + 1)(jnp.ones(7))  # the user's own JAX code
    assert torch.compile_count() == before
    torch.clear_caches()
    (torch.ones(7) * 41.5).numpy()  # (read: a result nothing reads may never be computed)
    assert torch.compile_count() > before


def test_create_graph_walk_keeps_the_complex_convention(torch):
    """create_graph runs the same walk on Tensors: its complex gradients are PyTorch's (values
    read off PyTorch 2.13), equal to the compiled replay's."""
    w = torch.tensor([1 + 2j, 0.5 - 1j], requires_grad=True)
    (plain,) = torch.autograd.grad((w * w * 3).abs().sum(), w)
    (g,) = torch.autograd.grad((w * w * 3).abs().sum(), w, create_graph=True)
    np.testing.assert_allclose(plain.numpy(), [6 + 12j, 3 - 6j], rtol=1e-6)
    np.testing.assert_allclose(g.detach().numpy(), [6 + 12j, 3 - 6j], rtol=1e-6)
    g.abs().sum().backward()
    np.testing.assert_allclose(
        w.grad.numpy(), [2.6832816 + 5.3665631j, 2.6832816 - 5.3665631j], rtol=1e-5
    )


def test_grad_with_respect_to_a_non_leaf_leaves_the_graph_beyond_it(torch):
    """grad(out, x) for a non-leaf x stops at x: the nodes that made x are neither run nor
    freed (a later backward through them works, and a grad() after they were freed too), as
    in PyTorch; x's own node is freed when the gradient also flows beyond it."""
    x0 = torch.tensor([1.0, 2.0], requires_grad=True)
    x = x0 * 2
    (g,) = torch.autograd.grad((x * x).sum(), x)
    np.testing.assert_allclose(g.numpy(), [4.0, 8.0])
    x.sum().backward()
    np.testing.assert_allclose(x0.grad.numpy(), [2.0, 2.0])
    (g,) = torch.autograd.grad((x * x).sum(), x)  # x's node is freed now: not needed
    np.testing.assert_allclose(g.numpy(), [4.0, 8.0])

    y0 = torch.tensor([1.0, 2.0], requires_grad=True)
    y = y0 * 2
    gy, gy0 = torch.autograd.grad((y * y).sum(), [y, y0])
    np.testing.assert_allclose(gy0.numpy(), [8.0, 16.0])
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.sum().backward()
