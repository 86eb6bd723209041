"""Which index PyTorch's CPU kernels return among equal values: topk, sort(stable=False) and
mode follow libstdc++'s selection and sorting algorithms, kthvalue its own quickselect (not the
lowest index first); median, max/min(dim) and argmax/argmin already picked as PyTorch does."""

import hashlib

import numpy as np
import pytest


def test_topk_ties_fixed(torch):
    x = torch.tensor([1.0, 1, 1, 2])
    assert torch.topk(x, 2).indices.tolist() == [3, 2]
    assert x.topk(2).indices.tolist() == [3, 2]
    assert torch.topk(x, 2, largest=False).indices.tolist() == [1, 2]
    y = torch.tensor([5.0, 3, 1, 2, 4])
    # sorted=False on the nth_element path: the algorithm's order, not sorted
    assert torch.topk(y, 5, sorted=False).indices.tolist() == [1, 0, 4, 3, 2]
    assert torch.topk(y, 1, sorted=False).indices.tolist() == [0]
    zeros = torch.tensor([0.0, -0.0, 0.0, -0.0])
    assert torch.topk(zeros, 2).indices.tolist() == [2, 3]
    nan = float("nan")
    assert torch.topk(torch.tensor([nan, 1, nan, 2]), 3).indices.tolist() == [0, 2, 3]
    m = torch.tensor([[1, 2, 2], [2, 2, 1]])
    assert torch.topk(m, 2, dim=1).indices.tolist() == [[1, 2], [0, 1]]
    assert torch.topk(m.t(), 1, dim=0).indices.tolist() == [[1, 0]]
    v, i = torch.topk(torch.tensor(3.0), 1)
    assert v.item() == 3.0 and i.item() == 0 and i.dim() == 0


def test_topk_tie_gradient_goes_to_chosen_indices(torch):
    x = torch.tensor([1.0, 1, 1, 2], requires_grad=True)
    values, indices = torch.topk(x, 2)
    assert values.grad_fn.name() == "TopkBackward0"
    values.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 1.0, 1.0]


def test_topk_refuses_bool_and_complex(torch):
    with pytest.raises(RuntimeError, match="^topk does not support bool dtypes on CPU$"):
        torch.topk(torch.tensor([True, False]), 1)
    with pytest.raises(RuntimeError, match="topk does not support bool dtypes on CPU"):
        torch.tensor([True]).topk(1)
    with pytest.raises(RuntimeError, match="topk does not support complex dtypes on CPU"):
        torch.topk(torch.tensor([1 + 1j]), 1)
    with pytest.raises(RuntimeError, match="selected index k out of range"):
        torch.topk(torch.tensor([True, False]), 5)


def test_unstable_sort_ties_fixed(torch):
    x = torch.tensor([3.0, 3, 0, 0, 3, 2, 2, 0, 1, 0, 3, 0, 3, 3, 1, 3, 2, 0, 1])
    expected = [17, 2, 3, 11, 9, 7, 18, 14, 8, 6, 5, 16, 10, 12, 13, 4, 15, 1, 0]
    assert torch.sort(x).indices.tolist() == expected
    assert torch.argsort(x).tolist() == expected
    assert torch.sort(x, stable=True).indices.tolist()[:6] == [2, 3, 7, 9, 11, 17]
    assert torch.argsort(torch.tensor([2.0, 1.0, float("nan")]), descending=True).tolist() == [
        2, 0, 1
    ]  # fmt: skip


def test_kthvalue_and_mode_ties(torch):
    a = torch.tensor([3.0, 2, 3, 1, 1, 2, 3, 1, 2, 0, 2, 3, 2, 2, 0, 1, 1, 1, 0, 2, 0, 3, 3, 1])
    assert torch.kthvalue(a, 3).indices.item() == 18
    assert torch.kthvalue(a, 12).indices.item() == 13
    assert torch.mode(a).indices.item() == 15
    m = torch.tensor([[1.0, 2, 2, 1, 1], [0, 0, 3, 3, 0]])
    assert torch.kthvalue(m, 2, 1, True).indices.tolist() == [[4], [0]]
    assert torch.mode(m, 1).indices.tolist() == [4, 4]
    assert torch.mode(m.t(), 0).indices.tolist() == [4, 4]
    assert torch.mode(torch.tensor([float("nan")])).indices.item() == 0
    x = torch.tensor([2.0, 1, 2, 1, 1, 2, 1], requires_grad=True)
    values, indices = torch.mode(x)
    values.backward()
    assert indices.item() == 6 and values.grad_fn.name() == "ModeBackward0"
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    x.grad = None
    values, indices = torch.kthvalue(x, 2)
    values.backward()
    assert indices.item() == 3 and values.grad_fn.name() == "KthvalueBackward0"
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]


def test_other_reductions_pick_as_pytorch(torch):
    x = torch.tensor([2.0, 1, 2, 1, 2, 1])
    assert torch.max(x, 0).indices.item() == 0 and torch.min(x, 0).indices.item() == 1
    assert x.argmax().item() == 0 and x.argmin().item() == 1
    assert torch.median(x, 0).indices.item() == 5
    assert torch.median(torch.tensor([3.0, 1, 1, 3, 1]), 0).indices.item() == 4
    assert torch.nanmedian(torch.tensor([1.0, 1, 1]), 0).indices.item() == 1


def _cases():
    # few shapes and k's: each new (shape, k) is an XLA compilation on the torchlike side
    rng = np.random.default_rng(2026)
    for trial in range(20):
        shape = (33,) if trial % 4 else (2, 17)
        if trial % 4 == 3:
            arr = rng.choice([0.0, -0.0, 1.0, np.nan], shape)
        else:
            arr = rng.integers(0, 4, shape).astype(np.float64)
        k = (3, shape[-1])[trial % 3 == 0]
        yield arr.astype(np.float32), k, bool(trial % 2), bool(trial % 5 != 0)


# sha256 prefixes of PyTorch 2.13's topk and sort(stable=False) indices for each case above
_PYTORCH = [
    "402872b8c1",
    "86972007fd",
    "cac9165871",
    "3a5bc01fc3",
    "64572195b2",
    "84d30054cb",
    "31fcb63ce9",
    "af7eee0df4",
    "77a5aa724f",
    "c78c3dd1d8",
    "c31e87d0e0",
    "a108f53610",
    "1fe6346d56",
    "542b50a97d",
    "1fc848a23b",
    "89a5fe8c0e",
    "d872f74e54",
    "9e3aac97cd",
    "3ea2b4f57f",
    "31810cbc4a",
]


def test_seeded_random_ties_sweep(torch):
    got = []
    for arr, k, largest, srt in _cases():
        x = torch.tensor(arr)
        parts = [torch.topk(x, k, -1, largest, srt).indices, torch.sort(x, -1, not largest).indices]
        text = ";".join(str(p.tolist()) for p in parts)
        got.append(hashlib.sha256(text.encode()).hexdigest()[:10])
    assert got == _PYTORCH
