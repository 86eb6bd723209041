"""Deep graphs: the backward of a long unrolled recurrence.

A recurrent cell's state is a chain of elementwise ops through time (``c = f * c + i * g``).
Compiled as one program, XLA fuses that chain into the consumer of every step and recomputes
it there, a program quadratic in the sequence length (compile times of minutes at a hundred
steps).  torchlike compiles such a backward in pieces that cut the chain and are shared by
every stretch of the same content (engine.PIECES_FROM).  These tests check its gradients
against a float64 run of the same program, that a longer sequence compiles almost nothing
new, and that the pieces give the gradients of the single program.
"""

import numpy as np
import pytest


def unrolled(torch, steps, dtype=None, seed=0):
    """An LSTMCell + Linear head unrolled over ``steps`` (about 17 autograd nodes a step);
    returns the loss and the parameters."""
    torch.manual_seed(seed)
    cell, head = torch.nn.LSTMCell(3, 8), torch.nn.Linear(8, 1)
    if dtype is not None:
        cell, head = cell.to(dtype), head.to(dtype)
    x = torch.randn(steps, 4, 3)
    if dtype is not None:
        x = x.to(dtype)
    h = c = torch.zeros(4, 8, dtype=x.dtype)
    outs = []
    for t in range(steps):
        h, c = cell(x[t], (h, c))
        outs.append(head(h))
    # the outputs gathered twice: a stack and a cat of every step (wide nodes)
    loss = torch.stack(outs).pow(2).mean() + torch.cat(outs, 1).sin().mean()
    return loss, list(cell.parameters()) + list(head.parameters())


def test_unrolled_recurrence_gradients(torch):
    loss, params = unrolled(torch, 60)
    loss.backward()
    ref_loss, ref_params = unrolled(torch, 60, dtype=torch.float64)
    ref_loss.backward()
    assert abs(loss.item() - ref_loss.item()) < 1e-5 * abs(ref_loss.item())
    for p, r in zip(params, ref_params):
        assert p.grad is not None and p.grad.shape == p.shape
        assert torch.allclose(p.grad.double(), r.grad, rtol=1e-4, atol=1e-6)
    # the gradient depends on the early steps too: the first input weight's column moves
    assert float(params[0].grad.abs().sum()) > 0


@pytest.mark.torchlike_only
def test_deep_backward_compiles_in_shared_pieces(torch):
    from torchlike.autograd import engine

    torch.clear_caches()
    loss, _ = unrolled(torch, 40)
    before = engine.stats()["piece_compiles"]
    loss.backward()
    first = engine.stats()["piece_compiles"] - before
    assert first > 0  # deep enough to compile in pieces
    # every time step is the same stretch of steps: the pieces are few, not one per step
    assert first <= 12, first
    for steps in (80, 120):
        loss, _ = unrolled(torch, steps)
        before = engine.stats()["piece_compiles"]
        loss.backward()
        # a longer sequence: new pieces only where it differs (its ends: the stack of its
        # outputs, the first and last steps)
        assert engine.stats()["piece_compiles"] - before <= 6, steps
    # the same structure again: nothing compiles
    loss, _ = unrolled(torch, 120)
    before_all = torch.compile_count()
    loss.backward()
    assert torch.compile_count() == before_all


@pytest.mark.torchlike_only
def test_pieces_give_the_gradients_of_one_program(torch, monkeypatch):
    from torchlike.autograd import engine

    grads = {}
    for pieces_from in (10**9, 1):
        monkeypatch.setattr(engine, "PIECES_FROM", pieces_from)
        torch.clear_caches()
        loss, params = unrolled(torch, 12)
        loss.backward()
        grads[pieces_from] = [p.grad for p in params]
    for whole, pieced in zip(grads[10**9], grads[1]):
        # XLA fuses the pieces differently from the whole program: equal up to the last bits
        assert torch.allclose(whole, pieced, rtol=1e-5, atol=1e-7)


def test_pieces_keep_captures_retained_grads_and_accumulation(torch, monkeypatch):
    # grad() captures, retain_grad and a leaf's accumulation inside pieces (on torchlike the
    # pieces cut at every other step)
    if torch.__name__ == "torchlike":
        from torchlike.autograd import engine

        monkeypatch.setattr(engine, "PIECES_FROM", 1)
        monkeypatch.setattr(engine, "PIECE_WINDOW", 2)
        torch.clear_caches()
    w = torch.tensor([0.5, -1.5, 2.0], requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = (w * x).sin()
    a.retain_grad()
    b = (a * a + x).exp()
    loss = b.sum()
    (gx,) = torch.autograd.grad(loss, [x], retain_graph=True)
    loss.backward()
    da = (w * x).cos()
    db = (a * a + x).exp()
    assert torch.allclose(gx, db * (2 * a * da * w + 1))
    # retain_grad's hook runs in grad() as well: a.grad holds both calls' gradients
    assert torch.allclose(a.grad, 2 * (db * 2 * a))
    assert torch.allclose(w.grad, db * 2 * a * da * x)
    assert torch.allclose(x.grad, gx)


@pytest.mark.torchlike_only
def test_wide_cat_and_stack_between_pieces(torch, monkeypatch):
    # a cat of mixed dtypes and sizes and a stack on an inner dim, their operands' slices taken
    # between the pieces (engine.WIDE_FROM), against the single program
    from torchlike.autograd import engine

    def grads():
        torch.manual_seed(0)
        xs = [torch.randn(2, k % 3 + 1, requires_grad=True) for k in range(40)]
        ys = [torch.randn(2, 3, dtype=torch.float64, requires_grad=True) for _ in range(40)]
        mixed = torch.cat([x * 2 for x in xs[:20]] + [y.exp() for y in ys[:20]], 1)
        stacked = torch.stack(
            [y.sin() for y in ys[20:]] + [(x[:, :1] * 3).expand(2, 3) for x in xs[20:]], 1
        )
        loss = (mixed * torch.arange(mixed.shape[1])).sum() + stacked.pow(2).sum()
        loss.backward()
        return [t.grad for t in xs + ys]

    whole = grads()
    monkeypatch.setattr(engine, "PIECES_FROM", 1)
    monkeypatch.setattr(engine, "WIDE_FROM", 8)
    torch.clear_caches()
    before = engine.stats()["piece_compiles"]
    taken = []
    part = engine._part
    monkeypatch.setattr(engine, "_part", lambda *a, **k: taken.append(1) or part(*a, **k))
    pieced = grads()
    assert engine.stats()["piece_compiles"] > before
    assert len(taken) == 80  # every operand of both wide nodes, sliced between the pieces
    # node by node (structure churn): the wide rule takes the same slices
    monkeypatch.setattr(engine, "PIECES_FROM", 10**9)
    monkeypatch.setattr(engine, "_churning", lambda structure: True)
    torch.clear_caches()
    runs = engine.stats()["rule_by_rule_runs"]
    del taken[:]
    by_rule = grads()
    assert engine.stats()["rule_by_rule_runs"] == runs + 1
    assert len(taken) == 80
    for w, p, r in zip(whole, pieced, by_rule):
        assert p.dtype == w.dtype == r.dtype and p.shape == w.shape == r.shape
        assert torch.allclose(w, p, rtol=1e-6, atol=1e-7)
        assert torch.allclose(w, r, rtol=1e-6, atol=1e-7)


def test_time_sequence_prediction_lbfgs(torch):
    # pytorch/examples' time_sequence_prediction, shortened (80 steps of sine waves, one LBFGS
    # step of three evaluations): two LSTMCells and a Linear unrolled with split and cat, in
    # float64.  The 999-step original never finished its first backward before the pieces.
    # Expected losses: PyTorch 2.13's.
    torch.manual_seed(0)
    nn = torch.nn
    lstm1, lstm2, linear = nn.LSTMCell(1, 51), nn.LSTMCell(51, 51), nn.Linear(51, 1)
    params = [p for m in (lstm1, lstm2, linear) for p in m.parameters()]
    for m in (lstm1, lstm2, linear):
        m.double()
    x = np.arange(81) + np.random.default_rng(2).integers(-80, 80, size=(6, 1))
    data = torch.from_numpy(np.sin(x / 20.0))
    inp, target = data[:, :-1], data[:, 1:]

    def forward(inp):
        h = c = h2 = c2 = torch.zeros(inp.size(0), 51, dtype=torch.double)
        outs = []
        for x_t in inp.split(1, dim=1):
            h, c = lstm1(x_t, (h, c))
            h2, c2 = lstm2(h, (h2, c2))
            outs += [linear(h2)]
        return torch.cat(outs, dim=1)

    opt = torch.optim.LBFGS(params, lr=0.8, max_iter=3)
    losses = []

    def closure():
        opt.zero_grad()
        loss = nn.functional.mse_loss(forward(inp), target)
        losses.append(loss.item())
        loss.backward()
        return loss

    opt.step(closure)
    np.testing.assert_allclose(
        losses, [0.48745447248846113, 0.4739047366403152, 0.45026742684471466], rtol=1e-12
    )
