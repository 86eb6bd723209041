"""torch.utils.data: datasets, samplers, collation and DataLoader.

Shuffled orders are compared with ``data/data_orders.json``, produced by torch 2.13.0 CPU
(``data/make_data_orders.py`` holds the recipes replayed here), so a seeded torchlike loader
visits samples in PyTorch's order and leaves the random stream where PyTorch leaves it.
"""

import collections
import json
import math
import pathlib

import numpy as np
import pytest
from _helpers import assert_close, assert_equal

_ORDERS = json.loads((pathlib.Path(__file__).parent / "data" / "data_orders.json").read_text())


def _dataset(torch, n):
    return torch.utils.data.TensorDataset(
        torch.arange(n, dtype=torch.float32).reshape(n, 1), torch.arange(n)
    )


def _epochs(loader, n=2):
    return [[b[1].tolist() for b in loader] for _ in range(n)]


# --------------------------------------------------------------- orders recorded from torch
def test_shuffle_default_generator(torch):
    torch.manual_seed(0)
    loader = torch.utils.data.DataLoader(_dataset(torch, 10), batch_size=4, shuffle=True)
    assert _epochs(loader) == _ORDERS["shuffle_default_generator"]
    assert_close(torch.rand(3), _ORDERS["shuffle_default_generator_rand_after"], rtol=0, atol=0)


def test_shuffle_with_generator_drop_last(torch):
    g = torch.Generator().manual_seed(42)
    loader = torch.utils.data.DataLoader(
        _dataset(torch, 25), batch_size=8, shuffle=True, generator=g, drop_last=True
    )
    assert len(loader) == 3
    assert _epochs(loader) == _ORDERS["shuffle_generator_drop_last"]
    assert_close(
        torch.rand(3, generator=g), _ORDERS["shuffle_generator_rand_after"], rtol=0, atol=0
    )


def test_shuffle_large(torch):
    torch.manual_seed(7)
    loader = torch.utils.data.DataLoader(_dataset(torch, 3000), batch_size=500, shuffle=True)
    assert _epochs(loader, 1) == _ORDERS["shuffle_large"]


def test_random_sampler_variants(torch):
    data = torch.utils.data
    g = torch.Generator().manual_seed(5)
    sampler = data.RandomSampler(range(10), replacement=True, num_samples=70, generator=g)
    assert len(sampler) == 70
    assert list(sampler) == _ORDERS["random_sampler_replacement"]
    g = torch.Generator().manual_seed(6)
    assert (
        list(data.RandomSampler(range(10), num_samples=23, generator=g))
        == _ORDERS["random_sampler_num_samples"]
    )
    torch.manual_seed(8)
    assert list(data.RandomSampler(range(12))) == _ORDERS["random_sampler_no_generator"]


def test_subset_and_weighted_samplers(torch):
    data = torch.utils.data
    g = torch.Generator().manual_seed(9)
    assert (
        list(data.SubsetRandomSampler([10, 20, 30, 40, 50], generator=g))
        == _ORDERS["subset_random_sampler"]
    )
    weights = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6]
    g = torch.Generator().manual_seed(10)
    assert (
        list(data.WeightedRandomSampler(weights, 12, generator=g))
        == _ORDERS["weighted_replacement"]
    )
    g = torch.Generator().manual_seed(11)
    assert (
        list(data.WeightedRandomSampler(weights, 4, replacement=False, generator=g))
        == _ORDERS["weighted_no_replacement"]
    )


def test_random_split(torch):
    data = torch.utils.data
    g = torch.Generator().manual_seed(1)
    parts = data.random_split(range(10), [0.3, 0.7], generator=g)
    assert [list(p) for p in parts] == _ORDERS["random_split_fractions"]
    assert all(isinstance(p, data.Subset) for p in parts)
    torch.manual_seed(3)
    assert [list(p) for p in data.random_split(range(9), [2, 3, 4])] == _ORDERS[
        "random_split_lengths_default"
    ]
    g = torch.Generator().manual_seed(2)
    parts = data.random_split(range(11), [0.5, 0.25, 0.25], generator=g)
    assert [list(p) for p in parts] == _ORDERS["random_split_uneven_fractions"]
    with pytest.raises(
        ValueError, match="Sum of input lengths does not equal the length of the input dataset!"
    ):
        data.random_split(range(5), [2, 2])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        data.random_split(range(5), [1.5, -0.5])


# --------------------------------------------------------------------------- datasets
def test_tensor_dataset(torch):
    x = torch.arange(12.0).reshape(4, 3)
    y = torch.tensor([0, 1, 0, 1])
    ds = torch.utils.data.TensorDataset(x, y)
    assert len(ds) == 4
    sample = ds[2]
    assert isinstance(sample, tuple) and len(sample) == 2
    assert_equal(sample[0], [6.0, 7.0, 8.0])
    assert sample[1].item() == 0
    assert ds.tensors[0] is x
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        torch.utils.data.TensorDataset(x, torch.arange(3))


def test_custom_dataset_and_concat(torch):
    class Squares(torch.utils.data.Dataset):
        def __init__(self, n):
            self.n = n

        def __len__(self):
            return self.n

        def __getitem__(self, i):
            return i * i

    both = Squares(3) + Squares(4)
    assert isinstance(both, torch.utils.data.ConcatDataset)
    assert len(both) == 7 and both.cumulative_sizes == [3, 7]
    assert [both[i] for i in range(7)] == [0, 1, 4, 0, 1, 4, 9]
    assert both[-1] == 9
    with pytest.raises(
        ValueError, match="absolute value of index should not exceed dataset length"
    ):
        both[-8]
    with pytest.raises(
        NotImplementedError, match="Subclasses of Dataset should implement __getitem__."
    ):
        torch.utils.data.Dataset()[0]


def test_subset(torch):
    ds = _dataset(torch, 10)
    sub = torch.utils.data.Subset(ds, [7, 2, 5])
    assert len(sub) == 3
    assert sub[0][1].item() == 7
    loader = torch.utils.data.DataLoader(sub, batch_size=2)
    assert [b[1].tolist() for b in loader] == [[7, 2], [5]]
    nested = torch.utils.data.Subset(sub, [2, 0])
    assert [b[1].tolist() for b in torch.utils.data.DataLoader(nested, batch_size=5)] == [[5, 7]]


def test_iterable_dataset(torch):
    class Count(torch.utils.data.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n

    loader = torch.utils.data.DataLoader(Count(7), batch_size=3)
    assert len(loader) == 3
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]]
    loader = torch.utils.data.DataLoader(Count(7), batch_size=3, drop_last=True)
    assert len(loader) == 2
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5]]
    assert [x for x in torch.utils.data.DataLoader(Count(2), batch_size=None)] == [0, 1]
    chained = Count(2) + Count(3)
    assert list(chained) == [0, 1, 0, 1, 2] and len(chained) == 5
    with pytest.raises(
        ValueError,
        match="DataLoader with IterableDataset: expected unspecified "
        "shuffle option, but got shuffle=True",
    ):
        torch.utils.data.DataLoader(Count(3), shuffle=True)


# --------------------------------------------------------------------------- collation
def test_default_collate_tensors_and_numbers(torch):
    collate = torch.utils.data.default_collate
    out = collate([torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])])
    assert tuple(out.shape) == (2, 2) and out.dtype == torch.float32
    floats = collate([1.5, 2.5])
    assert floats.dtype == torch.float64
    ints = collate([1, 2, 3])
    assert ints.dtype == torch.int64 and ints.tolist() == [1, 2, 3]
    bools = collate([True, False])
    assert bools.dtype == torch.bool
    assert collate(["a", "b"]) == ["a", "b"]


def test_default_collate_numpy(torch):
    collate = torch.utils.data.default_collate
    out = collate([np.zeros(3, dtype=np.float32), np.ones(3, dtype=np.float32)])
    assert out.dtype == torch.float32 and tuple(out.shape) == (2, 3)
    scalars = collate([np.int32(1), np.int32(2)])
    assert scalars.dtype == torch.int32 and scalars.tolist() == [1, 2]
    with pytest.raises(
        TypeError,
        match="default_collate: batch must contain tensors, numpy "
        "arrays, numbers, dicts or lists; found <U1",
    ):
        collate([np.array(["a"]), np.array(["b"])])


def test_default_collate_containers(torch):
    collate = torch.utils.data.default_collate
    batch = [{"x": torch.tensor([1.0]), "y": 1}, {"x": torch.tensor([2.0]), "y": 2}]
    out = collate(batch)
    assert list(out) == ["x", "y"]
    assert tuple(out["x"].shape) == (2, 1) and out["y"].tolist() == [1, 2]
    pairs = collate([(1, 2.0), (3, 4.0)])
    assert isinstance(pairs, list) and pairs[0].tolist() == [1, 3]
    assert pairs[1].dtype == torch.float64
    lists = collate([[1, 2], [3, 4]])
    assert isinstance(lists, list) and [t.tolist() for t in lists] == [[1, 3], [2, 4]]
    Point = collections.namedtuple("Point", "x y")
    p = collate([Point(1, 2), Point(3, 4)])
    assert type(p) is Point and p.x.tolist() == [1, 3]
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        collate([[1, 2], [3]])
    with pytest.raises(
        TypeError,
        match="default_collate: batch must contain tensors, numpy "
        "arrays, numbers, dicts or lists; found <class "
        "'object'>",
    ):
        collate([object(), object()])


def test_default_convert(torch):
    convert = torch.utils.data.default_convert
    out = convert(np.arange(3))
    assert torch.is_tensor(out) and out.tolist() == [0, 1, 2]
    assert convert((1, 2)) == [1, 2]
    assert convert("s") == "s"


# --------------------------------------------------------------------------- DataLoader
def test_dataloader_sequential_batches(torch):
    ds = _dataset(torch, 10)
    loader = torch.utils.data.DataLoader(ds, batch_size=4)
    assert len(loader) == 3
    batches = list(loader)
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    x, y = batches[0]
    assert tuple(x.shape) == (4, 1) and x.dtype == torch.float32 and y.dtype == torch.int64
    assert isinstance(batches[0], list)
    assert isinstance(loader.sampler, torch.utils.data.SequentialSampler)
    assert isinstance(loader.batch_sampler, torch.utils.data.BatchSampler)


def test_dataloader_batch_size_one_and_none(torch):
    ds = _dataset(torch, 3)
    first = next(iter(torch.utils.data.DataLoader(ds)))
    assert tuple(first[0].shape) == (1, 1) and tuple(first[1].shape) == (1,)
    unbatched = list(torch.utils.data.DataLoader(ds, batch_size=None))
    assert len(unbatched) == 3 and isinstance(unbatched[0], list)
    assert tuple(unbatched[0][0].shape) == (1,) and unbatched[2][1].item() == 2


def test_dataloader_custom_dataset_dicts(torch):
    class Table(torch.utils.data.Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"feature": torch.full((2,), float(i)), "label": i % 2, "name": f"r{i}"}

    batches = list(torch.utils.data.DataLoader(Table(), batch_size=2))
    assert len(batches) == 3
    assert batches[0]["name"] == ["r0", "r1"]
    assert batches[1]["label"].tolist() == [0, 1]
    assert_equal(batches[2]["feature"], [[4.0, 4.0]])


def test_dataloader_samplers_and_collate_fn(torch):
    ds = _dataset(torch, 6)
    loader = torch.utils.data.DataLoader(ds, sampler=[5, 3, 1], batch_size=2)
    assert [b[1].tolist() for b in loader] == [[5, 3], [1]]
    bs = torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(range(5)), 2, False)
    assert list(bs) == [[0, 1], [2, 3], [4]] and len(bs) == 3
    assert len(torch.utils.data.BatchSampler(range(5), 2, True)) == 2
    loader = torch.utils.data.DataLoader(ds, batch_sampler=[[0, 1, 2], [4]])
    assert [b[1].tolist() for b in loader] == [[0, 1, 2], [4]]
    loader = torch.utils.data.DataLoader(ds, batch_size=4, collate_fn=lambda batch: len(batch))
    assert list(loader) == [4, 2]


def test_dataloader_errors(torch):
    data = torch.utils.data
    ds = _dataset(torch, 4)
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        data.DataLoader(ds, sampler=[0, 1], shuffle=True)
    with pytest.raises(
        ValueError,
        match="batch_sampler option is mutually exclusive with "
        "batch_size, shuffle, sampler, and drop_last",
    ):
        data.DataLoader(ds, batch_sampler=[[0]], batch_size=2)
    with pytest.raises(
        ValueError,
        match="batch_size=None option disables auto-batching and is "
        "mutually exclusive with drop_last",
    ):
        data.DataLoader(ds, batch_size=None, drop_last=True)
    with pytest.raises(ValueError, match="num_workers option should be non-negative"):
        data.DataLoader(ds, num_workers=-1)
    with pytest.raises(
        ValueError, match="batch_size should be a positive integer value, but got batch_size=0"
    ):
        data.BatchSampler(range(3), 0, False)
    with pytest.raises(
        ValueError, match="num_samples should be a positive integer value, but got num_samples=0"
    ):
        data.RandomSampler(range(3), num_samples=0)
    loader = data.DataLoader(ds, batch_size=2)
    with pytest.raises(
        ValueError, match="batch_size attribute should not be set after DataLoader is initialized"
    ):
        loader.batch_size = 3


def test_dataloader_tensor_requires_grad_samples(torch):
    w = torch.arange(6.0).reshape(3, 2).requires_grad_()
    ds = torch.utils.data.TensorDataset(w)
    (batch,) = next(iter(torch.utils.data.DataLoader(ds, batch_size=3)))
    assert batch.requires_grad
    batch.sum().backward()
    assert_equal(w.grad, np.ones((3, 2)))


def test_training_loop_with_loader(torch):
    # a tutorial loop: linear regression through a shuffled DataLoader with SGD
    torch.manual_seed(0)
    x = torch.linspace(-1, 1, 64).reshape(64, 1)
    y = 2 * x - 1
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(x, y), batch_size=16, shuffle=True
    )
    w = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=0.5)
    for _ in range(40):
        for xb, yb in loader:
            opt.zero_grad()
            ((xb * w + b - yb) ** 2).mean().backward()
            opt.step()
    assert math.isclose(w.item(), 2.0, abs_tol=1e-3)
    assert math.isclose(b.item(), -1.0, abs_tol=1e-3)


def test_persistent_workers_reuse_one_iterator_and_its_seed(torch):
    # PyTorch resets the persistent iterator each epoch instead of making a new one, so no
    # base seed is drawn from the global generator and epoch 2's shuffle differs from a
    # loader without persistent workers
    from importlib import import_module

    data = import_module(torch.__name__ + ".utils.data")
    ds = data.TensorDataset(torch.arange(40))
    epochs = {}
    for persistent in (False, True):
        torch.manual_seed(1)
        dl = data.DataLoader(
            ds, batch_size=8, shuffle=True, num_workers=2, persistent_workers=persistent
        )
        epochs[persistent] = [[b[0].tolist() for b in dl] for _ in range(2)]
        assert (iter(dl) is iter(dl)) is persistent
    assert epochs[False][0] == epochs[True][0]
    assert epochs[False][1] != epochs[True][1]
