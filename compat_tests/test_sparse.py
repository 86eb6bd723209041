"""Sparse COO tensors as GCN-style programs use them: construction (torch.sparse_coo_tensor and
the legacy torch.sparse.FloatTensor), repr, coalesce/indices/values, to_sparse/to_dense,
torch.sparse.mm / spmm / mm with gradients to the dense operand and to the values,
torch.sparse.sum, and PyTorch's errors for dense-only operations."""

import re
import warnings

import numpy as np
import pytest
from _helpers import node_name


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def _coo(torch, values=None, **kwargs):
    i = torch.tensor([[0, 1, 1, 0], [2, 0, 2, 2]])
    v = torch.tensor([3.0, 4.0, 5.0, 1.0]) if values is None else values
    return torch.sparse_coo_tensor(i, v, (2, 3), **kwargs)


def _addr(text):
    return re.sub(r"0x[0-9a-f]+", "0x", text)


def test_construction_and_repr(torch):
    s = _coo(torch)
    assert s.layout == torch.sparse_coo and s.is_sparse and not torch.ones(1).is_sparse
    assert s.shape == torch.Size([2, 3]) and s.dim() == 2 and s.numel() == 6
    assert s.dtype == torch.float32 and s._nnz() == 4 and not s.is_coalesced()
    assert s.sparse_dim() == 2 and s.dense_dim() == 0
    assert not s.requires_grad and s.is_leaf and s.grad_fn is None
    assert repr(s) == (
        "tensor(indices=tensor([[0, 1, 1, 0],\n"
        "                       [2, 0, 2, 2]]),\n"
        "       values=tensor([3., 4., 5., 1.]),\n"
        "       size=(2, 3), nnz=4, layout=torch.sparse_coo)"
    )
    assert repr(_coo(torch, dtype=torch.float64)).endswith(
        "size=(2, 3), nnz=4, dtype=torch.float64, layout=torch.sparse_coo)"
    )
    empty = torch.sparse_coo_tensor(torch.zeros(2, 0, dtype=torch.long), torch.zeros(0), (2, 3))
    assert repr(empty) == (
        "tensor(indices=tensor([], size=(2, 0)),\n"
        "       values=tensor([], size=(0,)),\n"
        "       size=(2, 3), nnz=0, layout=torch.sparse_coo)"
    )
    hybrid = torch.sparse_coo_tensor(torch.tensor([[0, 1, 1, 0], [2, 0, 2, 2]]), torch.ones(4, 2))
    assert hybrid.shape == torch.Size([2, 3, 2]) and hybrid.dense_dim() == 1
    assert torch.sparse_coo_tensor([[0, 1], [1, 0]], [1, 2], (2, 2)).dtype == torch.int64


def test_legacy_float_tensor_constructor_warns_deprecation(torch):
    i = torch.tensor([[0, 1], [1, 0]])
    v = torch.tensor([1.0, 2.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = torch.sparse.FloatTensor(i, v, torch.Size([2, 2]))
        torch.sparse.FloatTensor(i, v, torch.Size([2, 2]))
    msgs = [str(w.message) for w in caught if "deprecated" in str(w.message)]
    # once per process: an earlier test run in this process may have taken it
    assert len(msgs) <= 1
    assert all(m.startswith("torch.sparse.SparseTensor(indices, values, shape") for m in msgs)
    assert s.layout == torch.sparse_coo and s.to_dense().tolist() == [[0.0, 1.0], [2.0, 0.0]]
    e = torch.sparse.FloatTensor(2, 3)
    assert e._nnz() == 0 and e.shape == (2, 3) and e.dtype == torch.float32
    with pytest.raises(RuntimeError, match="^indices must be an int64 tensor$"):
        torch.sparse.FloatTensor(i.int(), v, torch.Size([2, 2]))
    assert repr(torch.sparse.FloatTensor) == "<class 'torch.sparse.FloatTensor'>"


def test_coalesce_indices_values_to_dense(torch):
    s = _coo(torch)
    with pytest.raises(RuntimeError, match=r"^Cannot get indices on an uncoalesced tensor, pl"):
        s.indices()
    with pytest.raises(RuntimeError, match=r"^Cannot get values on an uncoalesced tensor, ple"):
        s.values()
    assert s._indices().tolist() == [[0, 1, 1, 0], [2, 0, 2, 2]]
    assert s._values().tolist() == [3.0, 4.0, 5.0, 1.0]
    c = s.coalesce()
    assert c.is_coalesced() and c.coalesce() is c and c._nnz() == 3
    assert c.indices().tolist() == [[0, 1, 1], [2, 0, 2]]
    assert c.values().tolist() == [4.0, 4.0, 5.0]
    assert s.to_dense().tolist() == [[0.0, 0.0, 4.0], [4.0, 0.0, 5.0]]
    x = torch.tensor([[0.0, 2.0, 0.0], [1.0, 0.0, 3.0]])
    sx = x.to_sparse()
    assert sx.is_coalesced() and sx.indices().tolist() == [[0, 1, 1], [1, 0, 2]]
    assert sx.values().tolist() == [2.0, 1.0, 3.0]
    assert torch.equal(sx.to_dense(), x) and x.to_dense() is x
    rows = x.to_sparse(1)
    assert rows.indices().tolist() == [[0, 1]] and rows.values().tolist() == x.tolist()
    assert (s * 2)._values().tolist() == [6.0, 8.0, 10.0, 2.0]
    assert s.t().shape == (3, 2) and s.t()._indices().tolist() == [[2, 0, 2, 2], [0, 1, 1, 0]]


def test_spmm_gradients_reach_dense_and_values(torch):
    v = torch.tensor([3.0, 4.0, 5.0, 1.0], requires_grad=True)
    s = _coo(torch, v)
    assert not s.is_leaf and node_name(s) == "SparseCooTensorWithDimsAndTensorsBackward0"
    assert repr(s).endswith(
        "size=(2, 3), nnz=4, layout=torch.sparse_coo,\n"
        "       grad_fn=<SparseCooTensorWithDimsAndTensorsBackward0>)"
    )
    d = torch.arange(6.0).view(3, 2).requires_grad_()
    expected = [[16.0, 20.0], [20.0, 29.0]]
    out = torch.sparse.mm(s, d)
    assert out.tolist() == expected and node_name(out) == "SparseAddmmBackward0"
    names = [None if f is None else type(f).__name__ for f, _ in out.grad_fn.next_functions]
    assert names == [None, "SparseCooTensorWithDimsAndTensorsBackward0", "AccumulateGrad"]
    out.sum().backward()
    assert v.grad.tolist() == [9.0, 1.0, 9.0, 9.0]
    assert d.grad.tolist() == [[4.0, 4.0], [0.0, 0.0], [9.0, 9.0]]
    for f in (torch.spmm, torch.mm, lambda a, b: a.mm(b), lambda a, b: a @ b, torch.matmul):
        r = f(_coo(torch), d)
        assert r.tolist() == expected and node_name(r) == "MmBackward0"
    d.grad = None
    r = torch.mm(d.t().detach().requires_grad_(), _coo(torch).t())
    assert r.tolist() == expected and node_name(r) == "MmBackward0"


def test_sparse_leaf_grad_is_sparse_on_its_pattern(torch):
    s = _coo(torch, requires_grad=True)
    assert s.is_leaf and s.requires_grad and repr(s).endswith("requires_grad=True)")
    torch.sparse.mm(s, torch.arange(6.0).view(3, 2)).sum().backward()
    g = s.grad
    assert g.layout == torch.sparse_coo and not g.is_coalesced()
    assert g._indices().tolist() == [[0, 1, 1], [2, 0, 2]] and g._values().tolist() == [9, 1, 9]
    s.grad = None
    s.to_dense().sum().backward()
    assert s.grad._values().tolist() == [1.0, 1.0, 1.0]


def test_to_dense_coalesce_and_sum_nodes(torch):
    v = torch.tensor([3.0, 4.0, 5.0, 1.0], requires_grad=True)
    assert node_name(_coo(torch, v).to_dense()) == "ToDenseBackward0"
    assert node_name(_coo(torch, v).coalesce()) == "CoalesceBackward0"
    assert node_name(_coo(torch, v).coalesce().values()) == "ValuesBackward0"
    assert _coo(torch, v)._values().grad_fn is None
    total = torch.sparse.sum(_coo(torch, v))
    assert total.item() == 13.0 and node_name(total) == "SumBackward0"
    rows = torch.sparse.sum(_coo(torch, v), dim=1)
    assert node_name(rows) == "SparseSumBackward0" and rows.layout == torch.sparse_coo
    assert rows.indices().tolist() == [[0, 1]] and rows.values().tolist() == [4.0, 9.0]
    assert torch.sparse.sum(_coo(torch), dim=0).values().tolist() == [4.0, 9.0]
    assert node_name(_coo(torch, v).sum(0)) == "SumBackward1"
    _coo(torch, v).to_dense().mul(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
    assert v.grad.tolist() == [3.0, 4.0, 6.0, 3.0]
    x = torch.tensor([[0.0, 2.0], [1.0, 0.0]], requires_grad=True)
    assert node_name(x.to_sparse()) == "ToSparseBackward1"


def test_sparse_add_merges_as_pytorch(torch):
    va = torch.tensor([3.0, 4.0, 5.0, 1.0], requires_grad=True)
    vb = torch.tensor([7.0, 8.0], requires_grad=True)
    a = _coo(torch, va)
    b = torch.sparse_coo_tensor(torch.tensor([[1, 0], [1, 2]]), vb, (2, 3))
    r = a + b
    # one pass over both operands as stored: equal positions meet only when both are current
    assert r._indices().tolist() == [[0, 1, 1, 0, 1, 0], [2, 0, 1, 2, 2, 2]]
    assert r._values().tolist() == [3.0, 4.0, 7.0, 8.0, 5.0, 1.0] and not r.is_coalesced()
    assert node_name(r) == "AddBackward0" and node_name(a - b) == "SubBackward0"
    assert a.add(b, alpha=2)._values().tolist() == [3.0, 4.0, 14.0, 16.0, 5.0, 1.0]
    assert (a.detach() + a.detach())._values().tolist() == [6.0, 8.0, 10.0, 2.0]
    torch.sparse.mm(a + 2 * b, torch.arange(6.0).view(3, 2)).sum().backward()
    assert va.grad.tolist() == [9.0, 1.0, 9.0, 9.0] and vb.grad.tolist() == [10.0, 18.0]
    eye = torch.eye(3).to_sparse()
    assert (eye + eye).is_coalesced() and (eye + eye).values().tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(RuntimeError, match=r"^add: expected sizes of 'self' and 'other' to mat"):
        a + torch.sparse_coo_tensor(torch.tensor([[0], [0]]), torch.ones(1), (3, 3))
    with pytest.raises(RuntimeError, match=r"^add\(sparse, dense\) is not supported"):
        a - torch.ones(2, 3)


def test_gcn_layer_trains_like_pytorch(torch):
    torch.manual_seed(0)
    rows = np.array([0, 1, 1, 2, 3, 0])
    cols = np.array([1, 0, 2, 1, 3, 0])
    indices = torch.from_numpy(np.vstack((rows, cols)).astype(np.int64))
    values = torch.from_numpy(np.linspace(0.1, 1.0, 6).astype(np.float32))
    adj = torch.sparse.FloatTensor(indices, values, torch.Size([4, 4]))
    weight = torch.nn.Parameter(torch.randn(3, 2))
    x = torch.randn(4, 3)
    opt = torch.optim.SGD([weight], lr=0.1)
    losses = []
    for _ in range(3):
        opt.zero_grad()
        loss = torch.spmm(adj, torch.mm(x, weight)).pow(2).sum()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    dense = torch.spmm(adj, torch.mm(x, weight))
    assert torch.allclose(dense, adj.to_dense() @ (x @ weight))
    assert losses == pytest.approx([7.129887, 2.151480, 0.938468], rel=1e-5)


def test_dense_only_operations_raise_pytorchs_errors(torch):
    s = _coo(torch)
    with pytest.raises(NotImplementedError, match=r"^Could not run 'aten::view' with arguments "):
        s.view(-1)
    with pytest.raises(NotImplementedError, match=r"^Could not run 'aten::exp' with arguments f"):
        torch.exp(s)
    with pytest.raises(RuntimeError, match=r"^reshape is not implemented for sparse tensors$"):
        s.reshape(-1)
    with pytest.raises(RuntimeError, match=r"^add\(sparse, dense\) is not supported\. Use add"):
        s + torch.ones(2, 3)
    with pytest.raises(TypeError, match=r"^can't convert Sparse layout tensor to numpy\. Use T"):
        s.numpy()
    with pytest.raises(RuntimeError, match=r"^Cannot access data pointer of Tensor that doesn't"):
        s.tolist()
    with pytest.raises(RuntimeError, match=r"^addmm: Argument #3 \(dense\): Expected dim 0 size 3"):
        torch.spmm(s, torch.ones(4, 2))
    with pytest.raises(RuntimeError, match=r"^expected scalar type Float but found Double$"):
        torch.mm(s, torch.ones(3, 2, dtype=torch.float64))
    with pytest.raises(RuntimeError, match=r"^indices and values must have same nnz, but got nnz"):
        torch.sparse_coo_tensor(torch.tensor([[0, 1], [1, 0]]), torch.ones(3), (2, 2))
    with pytest.raises(RuntimeError, match=r"^'len\(size\) == sparse_dim \+ dense_dim' is not sat"):
        torch.sparse_coo_tensor(torch.tensor([[0, 1], [1, 0]]), torch.ones(2), (2,))
    assert s.stride() == (0, 0) and not s.is_contiguous()


def test_uncoalesced_abs_detach_clone_and_to(torch):
    v = torch.tensor([-3.0, 4.0, -5.0, 1.0], requires_grad=True)
    s = _coo(torch, v)
    a = s.abs()
    assert a.is_coalesced() and a.values().tolist() == [2.0, 4.0, 5.0]
    d = s.detach()
    assert not d.requires_grad and d._values().tolist() == [-3.0, 4.0, -5.0, 1.0]
    assert s.double().dtype == torch.float64 and s.double().layout == torch.sparse_coo
    assert node_name(s.clone()) == "CloneBackward0"
    assert _addr(repr(s.grad_fn)).startswith("<SparseCooTensorWithDimsAndTensorsBackward0 ")


@pytest.mark.known_difference(
    reason="a sparse tensor is a Tensor subclass in torchlike (Tensor's storage holds one dense "
    "array; the COO parts live on the subclass); isinstance(s, torch.Tensor) holds"
)
def test_sparse_tensor_type_is_tensor(torch):
    s = _coo(torch)
    assert isinstance(s, torch.Tensor) and type(s) is torch.Tensor


@pytest.mark.known_difference(
    reason="dense + sparse needs the dense kernels to accept a sparse operand (a hook in "
    "_ops/core.apply); torchlike raises 'Could not run aten::add' instead"
)
def test_dense_plus_sparse(torch):
    assert (torch.ones(2, 3) + _coo(torch)).tolist() == [[1.0, 1.0, 5.0], [5.0, 1.0, 6.0]]


@pytest.mark.known_difference(
    reason="PyTorch's torch.mm gives a sparse leaf a dense gradient; torchlike's gradient "
    "reaches the values, so it is torch.sparse.mm's sparse one on the leaf's pattern"
)
def test_mm_gradient_of_a_sparse_leaf_is_dense(torch):
    s = _coo(torch, requires_grad=True)
    torch.mm(s, torch.arange(6.0).view(3, 2)).sum().backward()
    assert s.grad.layout == torch.strided
    assert s.grad.tolist() == [[1.0, 5.0, 9.0], [1.0, 5.0, 9.0]]


def test_second_backward_through_the_constructor_raises(torch):
    # PyTorch's SparseCooTensorWithDimsAndTensorsBackward0 frees what it saved
    v = torch.tensor([3.0, 4.0, 5.0, 1.0], requires_grad=True)
    s = _coo(torch, v)
    s.to_dense().sum().backward()
    with pytest.raises(RuntimeError, match=r"^Trying to backward through the graph a second time"):
        torch.spmm(s, torch.ones(3, 2)).sum().backward()


def test_embedding_sparse_true_gives_a_sparse_gradient(torch):
    torch.manual_seed(0)
    emb = torch.nn.Embedding(6, 3, sparse=True, padding_idx=5)
    dense = torch.nn.Embedding(6, 3, padding_idx=5)
    dense.weight.data.copy_(emb.weight.data)
    idx = torch.tensor([[1, 4, 1], [5, 0, 4]])
    (emb(idx) * torch.arange(3.0)).sum().backward()
    (dense(idx) * torch.arange(3.0)).sum().backward()
    g = emb.weight.grad
    assert g.is_sparse and not g.is_coalesced() and g.layout == torch.sparse_coo
    c = g.coalesce()
    assert c._indices().tolist() == [[0, 1, 4]]  # each looked-up row, the padding row left out
    assert torch.equal(c.to_dense(), dense.weight.grad)
    (emb(idx).sum() * 2).backward()  # sparse + sparse accumulates into a new sparse grad
    (dense(idx).sum() * 2).backward()
    assert emb.weight.grad.is_sparse
    assert torch.equal(emb.weight.grad.to_dense(), dense.weight.grad)


def test_embedding_used_densely_too_gets_a_dense_gradient(torch):
    emb = torch.nn.Embedding(4, 2, sparse=True)
    (emb(torch.tensor([1, 2])).sum() + emb.weight.sum()).backward()
    assert not emb.weight.grad.is_sparse
    assert emb.weight.grad.tolist() == [[1.0, 1.0], [2.0, 2.0], [2.0, 2.0], [1.0, 1.0]]


def test_sparse_adam_updates_only_the_rows_in_the_gradient(torch):
    torch.manual_seed(0)
    emb = torch.nn.Embedding(5, 2, sparse=True)
    start = emb.weight.detach().clone()
    opt = torch.optim.SparseAdam(emb.parameters(), lr=0.1)
    for rows in ([0, 3, 0], [3]):
        opt.zero_grad()
        emb(torch.tensor(rows)).pow(2).sum().backward()
        opt.step()
    state = opt.state[emb.weight]
    assert state["step"] == 2
    w = emb.weight.detach()
    assert torch.equal(w[[1, 2, 4]], start[[1, 2, 4]])
    assert torch.equal(state["exp_avg"][[1, 2, 4]], torch.zeros(3, 2))
    # row 3 took two Adam steps, row 0 one: Adam's first step moves by lr * sign(grad)
    assert torch.allclose(w[0], start[0] - 0.1 * torch.sign(start[0]), atol=1e-6)


def test_optimizers_refuse_or_take_sparse_gradients_as_pytorch(torch):
    q = torch.nn.Parameter(torch.zeros(3, 2))
    grad = torch.sparse_coo_tensor([[0, 2]], torch.ones(2, 2), (3, 2))
    sgd = torch.optim.SGD([q], lr=0.1, momentum=0.9)
    for _ in range(2):
        q.grad = grad
        sgd.step()
    assert torch.allclose(q.detach(), torch.tensor([[-0.29, -0.29], [0.0, 0.0], [-0.29, -0.29]]))
    cases = {
        "Adam": "Adam does not support sparse gradients, please consider SparseAdam instead",
        "AdamW": "Adam does not support sparse gradients, please consider SparseAdam instead",
        "RMSprop": "RMSprop does not support sparse gradients",
        "NAdam": "NAdam does not support sparse gradients",
    }
    for name, message in cases.items():
        with pytest.raises(RuntimeError) as e:
            getattr(torch.optim, name)([q]).step()
        assert str(e.value) == message
    with pytest.raises(RuntimeError, match="^SparseAdam does not support dense gradients"):
        q.grad = torch.ones(3, 2)
        torch.optim.SparseAdam([q]).step()
