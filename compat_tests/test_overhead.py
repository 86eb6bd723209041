"""Behaviour the per-op and per-backward fast paths must keep (issue 9, per-op overhead).

The recording path builds saved values and edges in one pass, the backward plans common nodes
without the hook checks, and a compiled replay gets the saved Python numbers as kept arrays;
these tests pin what each of those could silently change.
"""

import numpy as np
import pytest


def test_mul_saves_an_operand_only_when_the_other_needs_grad(torch):
    x = torch.ones(3, requires_grad=True)
    y = torch.full((3,), 2.0)
    z = x * y
    assert z.grad_fn._saved_self is None  # y needs no grad: x is not needed
    assert z.grad_fn._saved_other is y
    w = torch.full((3,), 3.0, requires_grad=True)
    z = x * w
    assert z.grad_fn._saved_self is x and z.grad_fn._saved_other is w
    assert [type(n).__name__ for n, _ in z.grad_fn.next_functions] == ["AccumulateGrad"] * 2


def test_saved_operand_modified_in_place_raises(torch):
    x = torch.ones(3, requires_grad=True)
    w = torch.full((3,), 3.0, requires_grad=True)
    z = (x * w).sum()
    with torch.no_grad():
        w.mul_(2)
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation: .* is at version 1"):
        z.backward()


def test_view_operand_edges_follow_its_base(torch):
    base = torch.ones(4, requires_grad=True)
    v = base.clone()[1:3]
    m = v * v
    assert [n.name() for n, _ in m.grad_fn.next_functions] == ["SliceBackward0"] * 2
    m.sum().backward()
    assert base.grad.tolist() == [0.0, 2.0, 2.0, 0.0]


def test_second_backward_linear_allowed_nonlinear_raises(torch):
    a = torch.ones(2, requires_grad=True)
    s = (a + 1.0).sum()
    s.backward()
    s.backward()  # nothing saved but shapes: PyTorch runs it again
    assert a.grad.tolist() == [2.0, 2.0]
    b = torch.ones(2, requires_grad=True)
    s = (b * b).sum()
    s.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        s.backward()


def test_python_numbers_in_backward_keep_their_values_and_signs(torch):
    c = torch.tensor([1.0, 2.0], requires_grad=True)
    for _ in range(3):
        c.grad = None
        ((c * 2.5 + 1.0) ** 2).sum().backward()
        assert c.grad.tolist() == [17.5, 30.0]
    c.grad = None
    (c * -0.0).sum().backward()
    assert [str(g) for g in c.grad.tolist()] == ["-0.0", "-0.0"]
    c.grad = None
    (c * True + c * 3).sum().backward()  # bool and int numbers
    assert c.grad.tolist() == [4.0, 4.0]


@pytest.mark.torchlike_only
def test_backward_with_numbers_compiles_once(torch):
    c = torch.tensor([1.0, 2.0], requires_grad=True)

    def step(k):
        c.grad = None
        ((c * 2.5 + k) ** 2).sum().backward()

    step(1.0)
    step(2.0)
    before = torch.compile_count()
    for k in range(5):  # new numbers every step: operands, never part of a signature
        step(float(k) + 0.5)
    assert torch.compile_count() == before
    assert c.grad.tolist() == [(1.0 * 2.5 + 4.5) * 5.0, (2.0 * 2.5 + 4.5) * 5.0]


def _saved_view_case(torch):
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.standard_normal((4, 6)).astype(np.float32), requires_grad=True)
    w = torch.tensor(rng.standard_normal((5, 6)).astype(np.float32), requires_grad=True)
    wt = w.t()
    return x, w, wt, torch.mm(x, wt)


def test_saved_view_reads_as_the_view(torch):
    # mm saves mat2, a transposed view: what the node gives back and what the backward uses
    # are the view's values (torchlike saves it unread and reads it inside the backward)
    x, w, wt, y = _saved_view_case(torch)
    assert y.grad_fn._saved_mat2.shape == (6, 5)
    assert torch.equal(y.grad_fn._saved_mat2, wt)
    (y * y).sum().backward(retain_graph=True)
    gx, gw = x.grad.clone(), w.grad.clone()
    expect_x = 2 * (x @ w.t()) @ w
    expect_w = (2 * (x @ w.t())).t() @ x
    assert torch.allclose(gx, expect_x, rtol=1e-5, atol=1e-5)
    assert torch.allclose(gw, expect_w, rtol=1e-5, atol=1e-5)
    (y * y).sum().backward()  # retained: the saved view is read again
    assert torch.allclose(x.grad, 2 * gx) and torch.allclose(w.grad, 2 * gw)


def test_saved_view_under_create_graph_and_inplace(torch):
    b = torch.tensor(np.arange(24.0, dtype=np.float32).reshape(3, 8) / 10, requires_grad=True)
    v = (b * 1.0)[:, 2:5]
    (gb,) = torch.autograd.grad((v * v).sum(), b, create_graph=True)
    assert gb[0].tolist()[:6] == pytest.approx([0.0, 0.0, 0.4, 0.6, 0.8, 0.0])
    (gg,) = torch.autograd.grad(gb.sum(), b)
    assert gg[0].tolist()[:6] == [0.0, 0.0, 2.0, 2.0, 2.0, 0.0]
    h = b * 1.0
    v = h[:, 1:3]
    z = (v * v).sum()
    h.add_(1)  # the saved view's base changes: PyTorch's version check, not a stale read
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.backward()


@pytest.mark.torchlike_only
def test_saved_view_is_not_materialised_by_the_forward(torch):
    from torchlike import _device

    # (once a meta or second-device tensor has been seen in the process, e.g. by an earlier
    # test, views are read before the op, the plain path: not what this test looks at)
    seen = _device.META_SEEN[0], _device.MIXED[0]
    _device.META_SEEN[0] = _device.MIXED[0] = False
    try:
        _check_saved_view_unread(torch)
    finally:
        _device.META_SEEN[0], _device.MIXED[0] = seen


def _check_saved_view_unread(torch):
    from torchlike import _storage

    x, w, wt, y = _saved_view_case(torch)
    saved = y.grad_fn._saved[1].value
    assert type(saved) is _storage.SavedRead  # the base's array and the transpose
    assert saved.data is w._storage.data and saved.shape == (6, 5)
    assert wt._cache_gen != wt._storage.gen  # the view itself was never read
    y.sum().backward()
    assert torch.allclose(w.grad, x.sum(0).expand(5, 6))
    # a smaller view (a slice) is read by the forward and saved as its value: the backward's
    # rule then does not depend on the base's size (a loop over rows of ever-new lengths)
    z = torch.mm(x, w[1:3].t())
    assert type(z.grad_fn._saved[1].value) is not _storage.SavedRead


def test_saved_transpose_under_create_graph(torch):
    # a double backward through x @ w.t(): the create_graph walk reads the saved view first
    rng = np.random.default_rng(2)
    x = torch.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    w = torch.tensor(rng.standard_normal((2, 4)), requires_grad=True)
    y = torch.mm(x, w.t())
    (gx,) = torch.autograd.grad((y**2).sum(), x, create_graph=True)
    assert torch.allclose(gx, 2 * (x @ w.t()) @ w)
    gx.sum().backward()  # through gx's graph: the same expression differentiated directly
    expect = torch.autograd.grad((2 * (x.detach() @ w.t()) @ w).sum(), w)[0]
    assert torch.allclose(w.grad, expect)
