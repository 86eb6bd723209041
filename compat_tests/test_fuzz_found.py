"""Differences the differential fuzzer (``compat_tests/fuzz``) found in longer random runs
than CI's, each reduced to the few lines that show it."""

import re

import pytest
from _helpers import node_name


# ------------------------------------------------------------- 0-d boolean indices
# A 0-d boolean index (x[True], x[mask] with a 0-d mask, x[x > 0] on a 0-d x) adds a
# dimension of size 1 (True) or 0 (False) there, an advanced index; it raised NumPy's
# "Calling nonzero on 0d arrays" ValueError.
@pytest.mark.parametrize(
    "make_index, shape",
    [
        (lambda t: (t.tensor(True),), (1, 2, 3)),
        (lambda t: (t.tensor(False),), (0, 2, 3)),
        (lambda t: (True,), (1, 2, 3)),
        (lambda t: (None, t.tensor(True)), (1, 1, 2, 3)),
        (lambda t: (None, None, t.tensor(False)), (1, 1, 0, 2, 3)),
        (lambda t: (Ellipsis, t.tensor(True)), (2, 3, 1)),
        (lambda t: (slice(None), t.tensor(True), t.tensor([0])), (2, 1)),
        (lambda t: (t.tensor(True), t.tensor([0, 1])), (2, 3)),
        (lambda t: (t.tensor(False), t.tensor([1])), (0, 3)),
        (lambda t: (0, t.tensor(True)), (1, 3)),
        (lambda t: (t.tensor(True), t.tensor(True)), (1, 2, 3)),
    ],
)
def test_0d_bool_index(torch, make_index, shape):
    x = torch.arange(6.0).view(2, 3)
    idx = make_index(torch)
    out = x[idx]
    assert tuple(out.shape) == shape
    y = x.clone()
    y[idx] = -1.0
    # every selected location (each once: these indices select distinct ones) and no other
    assert (y != x).sum().item() == out.numel()
    assert bool((y[idx] == -1).all())


def test_0d_bool_index_of_0d_tensor(torch):
    x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    hit, miss = x[x > 0], x[x < 0]
    assert tuple(hit.shape) == (1,) and tuple(miss.shape) == (0,)
    assert node_name(hit) == "IndexBackward0"
    assert tuple(x[None, x > 0].shape) == (1, 1)
    (grad,) = torch.autograd.grad(hit.sum() * 3, x)
    assert grad.item() == 3.0
    y = torch.zeros(())
    y[y < 1] = 3.0
    y[y > 5] = 4.0
    assert y.item() == 3.0
    with pytest.raises(IndexError, match="too many indices for tensor of dimension 0"):
        y[torch.tensor([0]), torch.tensor(True)] = 1.0


# -------------------------------------------------------------------- index_select
# index_select of a 0-d tensor takes exactly one index (was: any number, a silent result)
@pytest.mark.parametrize("n", [0, 2])
def test_index_select_of_0d_needs_one_index(torch, n):
    x = torch.tensor(0.5)
    with pytest.raises(
        RuntimeError,
        match=re.escape(f"index_select(): Index to scalar can have only 1 value, got {n} value"),
    ):
        x.index_select(0, torch.zeros(n, dtype=torch.long))
    assert x.index_select(0, torch.tensor([0])).item() == 0.5


# ------------------------------------------------------------------ size()/stride()
# a 0-d tensor has no dimension to ask for (ops read its dims as a 1-d tensor's; these don't)
@pytest.mark.parametrize("dim", [0, -1, 1])
def test_size_and_stride_of_0d(torch, dim):
    x = torch.tensor(1.0)
    msg = re.escape(f"Dimension specified as {dim} but tensor has no dimensions")
    with pytest.raises(IndexError, match=msg):
        x.size(dim)
    with pytest.raises(IndexError, match=msg):
        x.stride(dim)


# ------------------------------------------------------------- baddbmm/addbmm/addr
# PyTorch sizes the result from the batches (size()'s errors) and expands the input to it
# before its own checks; an input with more dimensions than the result was broadcast
# silently (addbmm, addr).
@pytest.mark.parametrize(
    "fn, a, b1, b2, exc, msg",
    [
        ("baddbmm", (), (), (), IndexError, "Dimension specified as 0 but tensor has no"),
        ("addbmm", (), (), (), IndexError, "Dimension specified as 1 but tensor has no"),
        ("baddbmm", (4,), (4,), (4,), IndexError, "range of [-1, 0], but got 1)"),
        ("baddbmm", (1,), (2, 3), (3, 4), IndexError, "range of [-2, 1], but got 2)"),
        ("baddbmm", (3,), (2, 3, 4), (2, 4, 5), RuntimeError,
         "The expanded size of the tensor (5) must match the existing size (3) at "
         "non-singleton dimension 2.  Target sizes: [2, 3, 5].  Tensor sizes: [3]"),
        ("addbmm", (3,), (2, 3, 4), (2, 4, 5), RuntimeError,
         "Target sizes: [3, 5].  Tensor sizes: [3]"),
        ("addbmm", (2, 3, 5), (2, 3, 4), (2, 4, 5), RuntimeError,
         "expand(torch.FloatTensor{[2, 3, 5]}, size=[3, 5]): the number of sizes provided (2)"),
        ("addr", (2, 3, 4), (3,), (4,), RuntimeError,
         "expand(torch.FloatTensor{[2, 3, 4]}, size=[3, 4]): the number of sizes provided (2)"),
        ("baddbmm", (2, 3, 5), (2, 3, 4), (3, 4, 5), RuntimeError,
         "Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [3, 4]."),
    ],
)  # fmt: skip
def test_batched_addmm_family_checks(torch, fn, a, b1, b2, exc, msg):
    with pytest.raises(exc, match=re.escape(msg)):
        getattr(torch, fn)(torch.ones(a), torch.ones(b1), torch.ones(b2))


def test_batched_addmm_family_broadcasts_input(torch):
    out = torch.baddbmm(torch.ones(5), torch.ones(2, 3, 4), torch.ones(2, 4, 5))
    assert tuple(out.shape) == (2, 3, 5) and out[0, 0, 0].item() == 5.0
    out = torch.addbmm(torch.ones(3, 1), torch.ones(2, 3, 4), torch.ones(2, 4, 5))
    assert tuple(out.shape) == (3, 5) and out[0, 0].item() == 9.0


# ------------------------------------------------- a saved output modified in place
# A node's own saved output is a shallow copy in PyTorch: the error names its sizes when it
# was saved, not after a metadata change such as t_() (inputs name their current sizes).
@pytest.mark.parametrize(
    "change, sizes", [("t_", "[1, 4]"), ("unsqueeze_", "[1, 4]"), ("mul_", "[1, 4]")]
)
def test_modified_saved_output_names_its_saved_sizes(torch, change, sizes):
    x = torch.rand(1, 4, requires_grad=True, dtype=torch.float64)
    y = x.cumprod(1)
    getattr(y, change)(*([0] if change == "unsqueeze_" else [2] if change == "mul_" else []))
    with pytest.raises(RuntimeError, match=re.escape(f"[torch.DoubleTensor {sizes}], which is")):
        y.sum().backward()
    z = torch.rand(1, 4, requires_grad=True, dtype=torch.float64).clone()
    w = z * z
    z.t_()
    with pytest.raises(RuntimeError, match=re.escape("[torch.DoubleTensor [4, 1]], which is")):
        w.sum().backward()


# ----------------------------------------------------------------- empty sorts, cat of 0-d
@pytest.mark.parametrize("shape", [(0,), (2, 0), (0, 3), (3, 0, 2)])
def test_sort_of_empty(torch, shape):
    # (the tie-order replay reshaped the empty rows with -1: NumPy's ValueError)
    x = torch.zeros(shape)
    for d in range(len(shape)):
        assert tuple(x.sort(d).values.shape) == shape
        assert tuple(x.sort(d, descending=True).indices.shape) == shape
        assert tuple(x.argsort(d).shape) == shape


@pytest.mark.parametrize("first", [True, False])
def test_cat_of_0d_names_its_position(torch, first):
    parts = [torch.tensor(1.0), torch.ones(2)] if first else [torch.ones(2), torch.tensor(1.0)]
    k = 0 if first else 1
    with pytest.raises(
        RuntimeError, match=re.escape(f"zero-dimensional tensor (at position {k}) cannot be")
    ):
        torch.cat(parts, 0)


# -------------------------------------------------------- broadcasting of three operands
# (a JAX message inside a RuntimeError: the third operand was never compared)
@pytest.mark.parametrize(
    "shapes, a, b, dim",
    [(((64, 64), (8, 8), (8, 8)), 64, 8, 1), (((3, 1), (1, 4), (5,)), 4, 5, 1),
     (((4, 1), (3,), (2, 1, 5)), 3, 5, 2)],
)  # fmt: skip
@pytest.mark.parametrize("fn", ["addcmul", "addcdiv"])
def test_three_operand_broadcast_message(torch, fn, shapes, a, b, dim):
    msg = f"The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton "
    with pytest.raises(RuntimeError, match=re.escape(msg + f"dimension {dim}")):
        getattr(torch, fn)(*[torch.ones(s) for s in shapes])


# ---------------------------------------------- outputs of split/chunk/unbind rebased
_REBASE = (
    "is a view and its base or another view of its base has been modified inplace. This view "
    "is the output of a function that returns multiple views."
)


def test_multi_output_view_after_base_written(torch):
    x = torch.rand(2, 4, requires_grad=True).clone()
    a, b = x.chunk(2)
    x.mul_(2)
    with pytest.raises(RuntimeError, match=re.escape("Output 0 of Split " + _REBASE)):
        _ = a.grad_fn
    with pytest.raises(RuntimeError, match=re.escape("Output 0 of Split " + _REBASE)):
        a * 2
    with pytest.raises(RuntimeError, match=re.escape("Output 1 of Split " + _REBASE)):
        b.sum()
    y = torch.rand(2, 4, requires_grad=True).clone()
    u = y.unbind(0)
    y.add_(1)
    with pytest.raises(RuntimeError, match=re.escape("Output 1 of Unbind " + _REBASE)):
        _ = u[1].grad_fn
    # an ordinary view is rebased as PyTorch's: its history now goes through the write
    z = torch.rand(4, requires_grad=True).clone()
    v = z[:2]
    z.mul_(3)
    assert node_name(v) == "AsStridedBackward0"


# ------------------------------------- several saved tensors modified: which one is named
# PyTorch runs the latest-made ready node first and unpacks a node's saved inputs in the
# alphabetical order of their names (hypot: other before self); the error names the first
# modified one it meets.
def test_first_modified_saved_tensor_is_named_as_pytorch(torch):
    x = torch.rand(1, 4, dtype=torch.float64, requires_grad=True)
    p = x.log_softmax(1)
    q = (x * x + 1).sqrt()
    q.relu_()
    h = torch.hypot(p, q)
    q.add_(1)
    p.t_()
    with pytest.raises(RuntimeError) as info:
        (h.sum() + p.sum() + q.sum()).backward()
    assert re.search(r"\[torch\.DoubleTensor \[1, 4\]\], which is output 0 of Add, is at "
                     r"version 2; expected version 1", str(info.value))  # fmt: skip


# ---------------------------------------------- hypot keeps its result; empty dimensions
def test_hypot_result_modified_in_place(torch):
    # PyTorch's HypotBackward0 reads its result: changing it in place is refused (the
    # gradient came back silently)
    h = torch.hypot(torch.ones(2, requires_grad=True), torch.ones(2))
    assert h.grad_fn._saved_result.tolist() == pytest.approx([2**0.5] * 2)
    h.mul_(2)
    with pytest.raises(RuntimeError, match=re.escape("which is output 0 of Hypot, is at version")):
        h.sum().backward()


@pytest.mark.parametrize(
    "index",
    [
        lambda t: (t.tensor([0]),),
        lambda t: (t.tensor([-1]),),
        lambda t: (slice(None), t.tensor([0])),
    ],
)
def test_index_into_empty_dimension(torch, index):
    x = torch.zeros(2, 0) if len(index(torch)) == 2 else torch.zeros(0)
    msg = re.escape("index is out of bounds for dimension with size 0")
    with pytest.raises(IndexError, match=msg):
        x[index(torch)]
    with pytest.raises(IndexError, match=msg):
        x[index(torch)] = 1.0


# ------------------------------------------------------------------ norms of nan and inf
# A 2-norm or p-norm whose sum of powers is nan was 0 (the mask for the zero norm's gradient
# tested "> 0"): silently wrong for any nan in the input.
def test_norm_of_nan_and_inf(torch):
    nan, inf = float("nan"), float("inf")
    y = torch.tensor([1.0, nan, 2.0])
    for v in (y.norm(), torch.linalg.vector_norm(y), y.norm(p=3), torch.linalg.norm(y),
              torch.tensor([inf, nan]).norm(), torch.nn.functional.normalize(y, dim=0)[0]):  # fmt: skip
        assert v.isnan().item()
    w = torch.tensor([inf, 1.0])
    assert w.norm().item() == inf and w.norm(p=3).item() == inf
    a = torch.zeros(3, requires_grad=True)
    a.norm().backward()
    assert a.grad.tolist() == [0.0, 0.0, 0.0]  # (the zero norm's gradient stays 0)


def test_copy_node_names_its_namespace(torch):
    x = torch.zeros(2, requires_grad=True).clone()
    x.copy_(torch.ones(2, requires_grad=True))
    assert type(x.grad_fn).__name__ == "CopyBackwards"
    assert x.grad_fn.name() == "torch::autograd::CopyBackwards"
    y = x * x
    x.add_(1)
    with pytest.raises(RuntimeError, match=re.escape("which is output 0 of Add, is at version")):
        y.sum().backward()
