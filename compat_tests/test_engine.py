"""The engine's promises that have no PyTorch counterpart: compile once, cache by structure."""

import numpy as np
import pytest

pytestmark = pytest.mark.torchlike_only


def _mlp_params(torch, seed=0):
    rng = np.random.default_rng(seed)
    shapes = [(8, 16), (16,), (16, 3), (3,)]
    return [torch.tensor(rng.standard_normal(s) * 0.3, dtype=torch.float32, requires_grad=True)
            for s in shapes]


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

    engine.clear_cache()
    params = _mlp_params(torch)
    rng = np.random.default_rng(1)
    x = torch.tensor(rng.standard_normal((32, 8)), dtype=torch.float32)
    target = torch.tensor(rng.integers(0, 3, 32))
    before = torch.compile_count()
    losses = []
    for step in range(100):
        # a changing learning rate is a traced input, not a constant: still one compilation
        losses.append(_sgd_step(torch, params, x, target, lr=0.1 / (1 + step)).item())
    assert torch.compile_count() - before == 1
    assert losses[-1] < losses[0]


def test_new_structure_compiles_again_and_cache_is_reused(torch):
    from torchlike.autograd import engine

    engine.clear_cache()
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    before = torch.compile_count()
    (x * 2).sum().backward()
    (x * 3).sum().backward()  # same structure, other scalar: no recompilation
    assert torch.compile_count() - before == 1
    x.exp().sum().backward()  # new structure
    assert torch.compile_count() - before == 2
    y = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (y * 2).sum().backward()  # new shape
    assert torch.compile_count() - before == 3


def test_in_place_updates_keep_the_signature(torch):
    from torchlike.autograd import engine

    engine.clear_cache()
    w = torch.tensor([0.5, -0.5], requires_grad=True)
    before = torch.compile_count()
    for _ in range(5):
        (w * w).sum().backward()
        with torch.no_grad():
            w -= 0.1 * w.grad
        w.grad = None
    assert torch.compile_count() - before == 1


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


def test_cache_is_bounded(torch, monkeypatch):
    from torchlike.autograd import engine

    monkeypatch.setattr(engine, "CACHE_SIZE", 8)
    engine.clear_cache()
    for n in range(1, engine.CACHE_SIZE + 10):
        x = torch.ones(n, requires_grad=True)
        x.sum().backward()
    assert engine.stats()["cached"] <= engine.CACHE_SIZE
