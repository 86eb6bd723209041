"""Small elementwise results wait for their first use (torchlike's ``_deferred``, opt-in with
``TORCHLIKE_DEFER=1``, on for every test here): what a user sees must not change.  The
behaviour tests run on both backends; the ones marked ``torchlike_only`` check the mechanism
itself (what is pending, what compiles)."""

import math

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def _deferring(backend_name):
    if backend_name != "torchlike":
        yield
        return
    from torchlike import _deferred, _device

    # nothing defers in a process once a meta tensor was seen (a sticky flag, which other
    # test files in this worker set); these tests make none
    was = _deferred.ENABLED[0], _device.META_SEEN[0]
    _deferred.ENABLED[0], _device.META_SEEN[0] = True, False
    yield
    _deferred.ENABLED[0], _device.META_SEEN[0] = was


def _chain(x):
    y = x * 2.0
    y = y + 1.0
    y = y.sin() * x
    y = y.exp() - x
    return (y.tanh() / 3.0 + x).pow(2)


def test_a_chain_reads_as_computed_at_once(torch):
    x = torch.tensor([[0.5, -1.0], [2.0, 0.25]])
    y = _chain(x)
    expected = np.array([[0.5, -1.0], [2.0, 0.25]], np.float32)
    e = expected * 2 + 1
    e = np.sin(e) * expected
    e = np.exp(e) - expected
    e = (np.tanh(e) / 3 + expected) ** 2
    np.testing.assert_allclose(y.numpy(), e, rtol=1e-6)
    assert y.shape == (2, 2) and y.dtype == torch.float32
    assert y.sum().item() == pytest.approx(float(e.sum()), rel=1e-6)


def test_gradients_through_a_chain(torch):
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = _chain(x)
    assert type(y.grad_fn).__name__ == "PowBackward0"
    y.sum().backward()
    # d/dx by central differences in float64
    xs = np.array([0.5, -1.0, 2.0])

    def f(v):
        y = np.exp(np.sin(v * 2 + 1) * v) - v
        return ((np.tanh(y) / 3 + v) ** 2).sum()

    h = 1e-6
    num = [(f(xs + h * np.eye(3)[i]) - f(xs - h * np.eye(3)[i])) / (2 * h) for i in range(3)]
    np.testing.assert_allclose(x.grad.numpy(), num, rtol=1e-4)


def test_shape_errors_are_raised_at_the_call(torch):
    a = torch.ones(2, 3) * 2.0
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match"):
        a + torch.ones(4)
    assert a.sum().item() == 12.0


def test_in_place_op_on_a_pending_result(torch):
    x = torch.tensor([1.0, 2.0, 3.0])
    y = x * 2
    z = y + 1  # uses y's old value
    y.add_(10)
    assert y.tolist() == [12.0, 14.0, 16.0]
    assert z.tolist() == [3.0, 5.0, 7.0]
    assert y._version == 1


def test_view_of_a_pending_result_sees_later_writes(torch):
    x = torch.arange(6.0)
    y = x * 3
    v = y.view(2, 3)[1]
    y[4] = -1.0
    assert v.tolist() == [9.0, -1.0, 15.0]


def test_saved_result_modified_in_place_raises(torch):
    x = torch.tensor([0.1, 0.2], requires_grad=True)
    y = (x * 2).exp()  # ExpBackward0 saves its result
    y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_retain_graph_and_a_second_backward(torch):
    x = torch.tensor([0.3, 0.7], requires_grad=True)
    y = (x * x + 1.0).sin().sum()
    y.backward(retain_graph=True)
    first = x.grad.clone()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * first.numpy(), rtol=1e-6)
    z = (x * x + 1.0).sin().sum()
    z.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        z.backward()


def test_results_keep_dtype_promotion_and_python_numbers(torch):
    i = torch.tensor([1, 2, 3])
    f = i * 0.5 + 1  # int tensor with Python float: the default float dtype
    assert f.dtype == torch.float32
    assert f.tolist() == [1.5, 2.0, 2.5]
    b = (i > 1) & (i < 3)
    assert b.dtype == torch.bool and b.tolist() == [False, True, False]
    h = torch.tensor([1.0, 2.0], dtype=torch.float16) * 3.4445
    assert h.dtype == torch.float16
    assert h.tolist() == pytest.approx([3.4453125, 6.890625])
    d = torch.tensor([1.0], dtype=torch.float64) + torch.tensor([1e-12], dtype=torch.float64)
    assert d.item() == 1.0 + 1e-12


def test_a_loop_of_updates_under_no_grad(torch):
    torch.manual_seed(0)
    w = torch.randn(5)
    ref = w.numpy().astype(np.float64)
    for _ in range(20):
        g = w * 2.0 - 1.0
        w = w - 0.1 * g
        ref = ref - 0.1 * (ref * 2.0 - 1.0)
    np.testing.assert_allclose(w.numpy(), ref, rtol=1e-5)


def test_printing_and_item_of_pending_values(torch):
    x = torch.tensor([1.0, 4.0])
    y = (x.sqrt() + 1).mean()
    assert repr(y) == "tensor(2.5000)"
    assert math.isclose(y.item(), 2.5)
    assert str((x * 0).neg()) == "tensor([-0., -0.])"


# ------------------------------------------------------------------- the mechanism itself
@pytest.mark.torchlike_only
def test_a_chain_is_pending_until_used(torch):
    from torchlike import _deferred

    x = torch.tensor([1.0, 2.0])
    y = (x * 2 + 1).exp()
    assert type(y._storage) is _deferred.DeferredStorage
    assert y._storage.pending.nodes == 3
    assert y.shape == (2,)  # shape queries compute nothing
    assert type(y._storage) is _deferred.DeferredStorage
    np.testing.assert_allclose(y.numpy(), np.exp([3.0, 5.0]), rtol=1e-6)
    assert type(y._storage) is not _deferred.DeferredStorage


@pytest.mark.torchlike_only
def test_a_loop_of_identical_chains_compiles_once(torch):
    from torchlike import _deferred
    from torchlike.autograd import engine

    torch.clear_caches()
    x = torch.tensor([[0.5, 1.5], [2.5, 3.5]], requires_grad=True)
    _chain(x).sum().backward()  # first step: its program compiles
    before = torch.compile_count()
    runs, merged = _deferred._runs_count[0], engine.stats()["with_forward_runs"]
    grads = []
    for _ in range(5):
        x.grad = None
        loss = _chain(x).sum()
        loss.backward()
        grads.append(x.grad.numpy())
    assert torch.compile_count() == before
    # the forward ran inside the backward's program: no program of its own
    assert engine.stats()["with_forward_runs"] - merged == 5
    assert _deferred._runs_count[0] == runs
    # the loss (nothing read it before the backward) is computed from the values it kept
    assert type(loss._storage) is _deferred.DeferredStorage
    assert loss.item() == pytest.approx(float(_chain(x.detach()).sum()), rel=1e-6)
    assert all((g == grads[0]).all() for g in grads)
    x.grad = None
    _deferred.ENABLED[0] = False
    _chain(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), grads[0], rtol=1e-6)


@pytest.mark.torchlike_only
def test_a_retained_graph_keeps_the_values_the_program_gave(torch):
    from torchlike import _deferred

    x = torch.tensor([0.5, 1.5], requires_grad=True)
    for _ in range(2):  # (the second time through the cached program)
        x.grad = None
        y = (x * 3.0 + 1.0).exp()
        z = y.sum()
        z.backward(retain_graph=True)
        # the backward's program computed the value exp's rule needs (its input); y itself
        # is computed from it when read
        assert type(y._storage) is _deferred.DeferredStorage
        assert y._storage.pending.args[0].result is not None
        z.backward()
        np.testing.assert_allclose(x.grad.numpy(), 2 * 3 * np.exp([2.5, 5.5]), rtol=1e-6)
        np.testing.assert_allclose(y.detach().numpy(), np.exp([2.5, 5.5]), rtol=1e-6)


@pytest.mark.torchlike_only
def test_new_scalars_and_offsets_compile_nothing(torch):
    torch.clear_caches()
    x = torch.arange(10.0)
    (x * 1.5 + 0.5).sum().item()
    before = torch.compile_count()
    for k in range(30):
        (x * (k + 0.25) + (k - 0.5)).sum().item()  # (numbers: traced, as eagerly)
    assert torch.compile_count() == before


@pytest.mark.torchlike_only
def test_structures_that_keep_changing_run_op_by_op(torch):
    from torchlike import _deferred

    torch.clear_caches()
    x = torch.ones(3)
    compiles = []
    for n in range(2, 40):
        before = torch.compile_count()
        y = x
        for _ in range(n):
            y = y + 1.0
        assert y.tolist() == [n + 1.0] * 3
        compiles.append(torch.compile_count() - before)
    # a new length compiles its chain only until new structures are seen to keep coming
    first, churn = _deferred.CHURN[0], _deferred.CHURN[0] + 2
    assert all(c == 1 for c in compiles[:first])
    assert sum(compiles[churn:]) == 0


@pytest.mark.torchlike_only
def test_large_results_and_traces_are_not_deferred(torch):
    from torchlike import _deferred

    big = torch.ones(_deferred.MAX_ELEMENTS + 1)
    assert type((big * 2)._storage) is not _deferred.DeferredStorage
    small = torch.ones(4)
    assert type((small * 2)._storage) is _deferred.DeferredStorage

    @torch.compile(fullgraph=True)
    def f(t):
        return (t * 2 + 1).sum()

    assert f(small).item() == 12.0
    assert f(small * 1.0).item() == 12.0  # a pending argument


@pytest.mark.torchlike_only
def test_disabled_gives_the_same_values(torch):
    from torchlike import _deferred

    x = torch.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
    _chain(x).sum().backward()
    on = (_chain(x.detach()).numpy(), x.grad.numpy().copy())
    x.grad = None
    _deferred.ENABLED[0] = False
    try:
        y = _chain(x)
        assert type(y._storage) is not _deferred.DeferredStorage
        y.sum().backward()
    finally:
        _deferred.ENABLED[0] = True
    np.testing.assert_allclose(on[0], y.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(on[1], x.grad.numpy(), rtol=1e-6)
