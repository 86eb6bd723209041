"""Blockers found by running the training infrastructure real repositories wrap around their
models, unchanged under ``python -m torchlike``: victoresque/pytorch-template's BaseTrainer and
MetricTracker with checkpoint save/resume, timm/DeiT/MAE utils (AverageMeter, top-k accuracy,
ModelEmaV2, NativeScaler with clip_grad_norm_, gradient accumulation, cosine warm-up
schedules), seeding and determinism helpers with RNG state round trips, torch.utils.data
pipelines (random_split, WeightedRandomSampler, pad_sequence collate, IterableDataset sharding,
DataLoader workers with worker_init_fn), confusion-matrix / F1 / AUROC metrics and tensor
formatting; each reduced to the few lines that reproduce it."""

import dataclasses
import os
import random
import warnings

import numpy as np
import pytest


# ------------------------------------------------ DataLoader workers (num_workers > 0)
# Augmenting datasets draw from torch / random / numpy in __getitem__; with workers each draws
# from its own stream, seeded base_seed + worker id (NumPy from the SeedSequence of the id and
# the base seed's halves), and the main process's streams only lose the base seed.  torchlike
# drew every sample from the main process's streams, so the data and every later dropout mask
# differed from PyTorch's (timm / torchvision-style training with num_workers=2).
class _Augmenting:
    def __init__(self, torch, n=8):
        self.torch, self.n = torch, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        torch = self.torch
        info = torch.utils.data.get_worker_info()
        return {
            "i": i,
            "worker": info.id,
            "seed": info.seed,
            "initial_seed": torch.initial_seed(),
            "threads": torch.get_num_threads(),
            "t": torch.rand(1).item(),
            "py": random.random(),
            "np": float(np.random.rand()),
        }


def test_worker_streams_are_seeded_per_worker(torch):
    ds = _Augmenting(torch)
    main_py, main_np = random.getstate(), np.random.get_state()
    torch.manual_seed(0)
    loader = torch.utils.data.DataLoader(ds, batch_size=2, num_workers=2, collate_fn=list)
    batches = list(loader)
    after = torch.rand(3)
    # the main process drew only the iterator's base seed
    torch.manual_seed(0)
    base = int(torch.empty((), dtype=torch.int64).random_())
    assert torch.equal(after, torch.rand(3))
    assert random.getstate() == main_py
    assert all(np.array_equal(a, b) for a, b in zip(np.random.get_state(), main_np))
    # batches go round-robin: batch k from worker k % 2
    assert [[s["i"] for s in b] for b in batches] == [[0, 1], [2, 3], [4, 5], [6, 7]]
    assert [b[0]["worker"] for b in batches] == [0, 1, 0, 1]
    for wid in (0, 1):
        samples = [s for b in batches for s in b if s["worker"] == wid]
        seed = base + wid
        assert {s["seed"] for s in samples} == {seed} == {s["initial_seed"] for s in samples}
        assert {s["threads"] for s in samples} == {1}
        g = torch.Generator().manual_seed(seed)
        assert [s["t"] for s in samples] == [torch.rand(1, generator=g).item() for _ in samples]
        py = random.Random(seed)
        assert [s["py"] for s in samples] == [py.random() for _ in samples]
        words = [wid, base & 0xFFFFFFFF, base >> 32]
        rs = np.random.RandomState(np.random.SeedSequence(words).generate_state(4).tolist())
        assert [s["np"] for s in samples] == [rs.rand() for _ in samples]
    assert torch.utils.data.get_worker_info() is None


def test_worker_seed_comes_from_the_loader_generator(torch):
    ds = _Augmenting(torch, 4)
    g = torch.Generator().manual_seed(5)
    loader = torch.utils.data.DataLoader(ds, batch_size=2, num_workers=2, generator=g)
    first = [b["t"].tolist() for b in loader]
    g.manual_seed(5)
    assert [b["t"].tolist() for b in loader] == first
    g.manual_seed(5)
    base = int(torch.empty((), dtype=torch.int64).random_(generator=g))
    assert [b["seed"][0].item() for b in loader] != []
    g.manual_seed(5)
    assert [b["seed"][0].item() for b in loader] == [base, base + 1]


class _Counter:
    """A dataset whose own state changes per item (a forked worker's copy changes, not ours)."""

    def __init__(self):
        self.calls = 0

    def __len__(self):
        return 4

    def __getitem__(self, i):
        self.calls += 1
        return self.calls


def test_worker_dataset_state_stays_in_the_worker(torch):
    ds = _Counter()
    out = [b.tolist() for b in torch.utils.data.DataLoader(ds, batch_size=1, num_workers=2)]
    assert out == [[1], [1], [2], [2]]  # each worker counts its own calls
    assert ds.calls == 0
    assert [b.tolist() for b in torch.utils.data.DataLoader(ds, batch_size=1)] == [
        [1],
        [2],
        [3],
        [4],
    ]


def test_persistent_workers_keep_their_streams(torch):
    ds = _Augmenting(torch, 3)
    calls = []
    torch.manual_seed(1)
    loader = torch.utils.data.DataLoader(
        ds,
        batch_size=1,
        num_workers=2,
        persistent_workers=True,
        worker_init_fn=calls.append,
        collate_fn=list,
    )
    epochs = [[(b[0]["worker"], b[0]["t"]) for b in loader] for _ in range(2)]
    # each epoch restarts the round at worker 0; the workers' streams go on
    assert [w for w, _ in epochs[0]] == [w for w, _ in epochs[1]] == [0, 1, 0]
    seed = list(loader)[0][0]["seed"]
    g = torch.Generator().manual_seed(seed)
    w0 = [t for e in epochs for w, t in e if w == 0]
    assert w0 == [torch.rand(1, generator=g).item() for _ in w0]
    assert calls in ([], [0, 1], [1, 0])  # (in the workers under torch: not seen here)


# The docs' IterableDataset patterns: no sharding (every worker yields everything),
# get_worker_info() sharding in __iter__, and worker_init_fn rebinding the copy's range.
class _Stream:
    def __init__(self, torch, start, end, shard=False):
        self.torch, self.start, self.end, self.shard = torch, start, end, shard

    def __iter__(self):
        info = self.torch.utils.data.get_worker_info()
        start, end = self.start, self.end
        if self.shard and info is not None:
            per = -(-(end - start) // info.num_workers)
            start = start + info.id * per
            end = min(start + per, end)
        return iter(range(start, end))


def _shard_init(torch):
    def init(worker_id):
        info = torch.utils.data.get_worker_info()
        ds = info.dataset
        per = -(-(ds.end - ds.start) // info.num_workers)
        start = ds.start + worker_id * per
        ds.start, ds.end = start, min(start + per, ds.end)

    return init


def _stream_base(torch):
    return torch.utils.data.IterableDataset


def test_iterable_dataset_workers(torch):
    Stream = type("Stream", (_Stream, _stream_base(torch)), {})
    DL = torch.utils.data.DataLoader

    def run(ds, **kw):
        return [b.tolist() for b in DL(ds, batch_size=2, num_workers=2, **kw)]

    assert run(Stream(torch, 0, 3)) == [[0, 1], [0, 1], [2], [2]]
    assert run(Stream(torch, 0, 7, shard=True)) == [[0, 1], [4, 5], [2, 3], [6]]
    ds = Stream(torch, 3, 10)
    assert run(ds, worker_init_fn=_shard_init(torch)) == [[3, 4], [7, 8], [5, 6], [9]]
    assert (ds.start, ds.end) == (3, 10)  # the workers' copies were sharded
    assert run(Stream(torch, 0, 7, shard=True), drop_last=True) == [[0, 1], [4, 5], [2, 3]]


class _Uneven:
    def __init__(self, torch, sizes):
        self.torch, self.sizes = torch, sizes

    def __iter__(self):
        wid = self.torch.utils.data.get_worker_info().id
        return iter(range(100 * wid, 100 * wid + self.sizes[wid]))


def test_iterable_workers_leave_the_round_when_exhausted(torch):
    Uneven = type("Uneven", (_Uneven, _stream_base(torch)), {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # more workers than this machine's CPUs
        loader = torch.utils.data.DataLoader(Uneven(torch, [1, 5, 3]), batch_size=2, num_workers=3)
        out = [b.tolist() for b in loader]
        flat = list(torch.utils.data.DataLoader(Uneven(torch, [1, 5, 3]), num_workers=3))
    assert out == [[0], [100, 101], [200, 201], [102, 103], [202], [104]]
    assert [t.item() for t in flat] == [0, 100, 200, 101, 201, 102, 202, 103, 104]


def test_sampler_is_read_ahead_by_the_prefetch(torch):
    drawn = []

    def indices():
        for i in range(10):
            drawn.append(i)
            yield i

    class Recording(torch.utils.data.Sampler):
        def __iter__(self):
            return indices()

        def __len__(self):
            return 10

    ds = torch.utils.data.TensorDataset(torch.arange(10))
    it = iter(torch.utils.data.DataLoader(ds, sampler=Recording(), num_workers=2))
    assert len(drawn) == 4  # prefetch_factor 2 x 2 workers, before any batch
    next(it)
    assert len(drawn) == 5
    drawn.clear()
    it = iter(
        torch.utils.data.DataLoader(ds, sampler=Recording(), num_workers=2, prefetch_factor=1)
    )
    assert len(drawn) == 2


class _Failing:
    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i == 2:
            raise ValueError(f"bad item {i}")
        if i == 3:
            raise KeyError(i)
        return i


def test_worker_errors_name_the_worker(torch):
    DL = torch.utils.data.DataLoader
    with pytest.raises(ValueError, match=r"^Caught ValueError in DataLoader worker process 0\.\n"):
        list(DL(_Failing(), batch_size=1, num_workers=2))
    with pytest.raises(ValueError) as info:
        list(DL(_Failing(), batch_size=1, num_workers=2))
    text = str(info.value)
    assert "\nOriginal Traceback (most recent call last):\n" in text
    assert text.rstrip().endswith("ValueError: bad item 2")
    with pytest.raises(KeyError) as info:
        list(DL(_Failing(), batch_size=1, num_workers=2, sampler=[3]))
    assert str(info.value).startswith("Caught KeyError in DataLoader worker process 0.")
    assert str(info.value).rstrip().endswith("KeyError: 3")

    def bad_init(worker_id):
        raise RuntimeError("init failed")

    with pytest.raises(RuntimeError, match="^Caught RuntimeError in DataLoader worker process 0"):
        list(DL(_Failing(), batch_size=1, num_workers=2, worker_init_fn=bad_init))


def _info_probe(torch):
    def init(worker_id):
        info = torch.utils.data.get_worker_info()
        try:
            info.id = 3
        except dataclasses.FrozenInstanceError as e:
            err = str(e)
        fields = ",".join(f.name for f in dataclasses.fields(info))
        raise LookupError(f"{err}|{type(info).__name__}|{info.id}|{info.num_workers}|{fields}")

    return init


def test_worker_info_fields(torch):
    loader = torch.utils.data.DataLoader(
        _Failing(), num_workers=1, worker_init_fn=_info_probe(torch)
    )
    with pytest.raises(
        LookupError,
        match=r"cannot assign to field 'id'\|WorkerInfo\|0\|1\|"
        "id,num_workers,seed,dataset,rng,worker_method",
    ):
        list(loader)


def test_loader_worker_options_checked(torch):
    DL = torch.utils.data.DataLoader
    ds = _Failing()
    with pytest.raises(
        ValueError,
        match=r"multiprocessing_context can only be used with multi-process loading "
        r"\(num_workers > 0\), but got num_workers=0",
    ):
        DL(ds, multiprocessing_context="spawn")
    with pytest.raises(
        ValueError,
        match=r"should specify a valid start method in \[.*\], but got "
        r"multiprocessing_context='nope'",
    ):
        DL(ds, num_workers=1, multiprocessing_context="nope")
    with pytest.raises(TypeError, match="should be a valid context object or a string"):
        DL(ds, num_workers=1, multiprocessing_context=3)
    loader = DL(ds, num_workers=1, multiprocessing_context="fork")
    assert loader.multiprocessing_context.get_start_method() == "fork"
    cpus = len(os.sched_getaffinity(0))
    with pytest.warns(
        UserWarning,
        match=f"This DataLoader will create {cpus + 1} worker "
        f"processes in total. Our suggested max number of worker in current "
        f"system is {cpus}, which is smaller",
    ):
        DL(ds, num_workers=cpus + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        DL(ds, num_workers=cpus)


# ------------------------------------------------ torch.save(..., _use_new_zipfile_serialization=False)
# Repositories that keep checkpoints loadable by old PyTorch save the legacy (pre-1.6) stream,
# and older pretrained weights come in it; torchlike refused to write it and could not read it.
# Written by torch 2.13: torch.save({"model": OrderedDict(w=base, b=...), "row": base[1],
# "t": base.t(), "i": int16, "h": float16, "epoch": 7, "p": Parameter}, f,
# _use_new_zipfile_serialization=False) with base = arange(6.).reshape(2, 3).
_TORCH_LEGACY = (
    "gAKKCmz8nEb5IGqoUBkugAJN6QMugAJ9cQAoWBAAAABwcm90b2NvbF92ZXJzaW9ucQFN6QNYDQAAAGxpdHRsZV9lbmRpYW5x"
    "AohYCgAAAHR5cGVfc2l6ZXNxA31xBChYBQAAAHNob3J0cQVLAlgDAAAAaW50cQZLBFgEAAAAbG9uZ3EHSwR1dS6AAn1xAChY"
    "BQAAAG1vZGVscQFjY29sbGVjdGlvbnMKT3JkZXJlZERpY3QKcQIpUnEDKFgBAAAAd3EEY3RvcmNoLl91dGlscwpfcmVidWls"
    "ZF90ZW5zb3JfdjIKcQUoKFgHAAAAc3RvcmFnZXEGY3RvcmNoCkZsb2F0U3RvcmFnZQpxB1gOAAAAOTQ4MDE1MjI0NDMzNjBx"
    "CFgDAAAAY3B1cQlLBk50cQpRSwBLAksDhnELSwNLAYZxDIloAilScQ10cQ5ScQ9YAQAAAGJxEGgFKChoBmgHWA4AAAA5NDgw"
    "MTQzNjQyNzE4NHERaAlLAk50cRJRSwBLAoVxE0sBhXEUiWgCKVJxFXRxFlJxF3VYAwAAAHJvd3EYaAUoKGgGaAdYDgAAADk0"
    "ODAxNTIyNDQzMzYwcRloCUsGTnRxGlFLA0sDhXEbSwGFcRyJaAIpUnEddHEeUnEfWAEAAAB0cSBoBSgoaAZoB1gOAAAAOTQ4"
    "MDE1MjI0NDMzNjBxIWgJSwZOdHEiUUsASwNLAoZxI0sBSwOGcSSJaAIpUnEldHEmUnEnWAEAAABpcShoBSgoaAZjdG9yY2gK"
    "U2hvcnRTdG9yYWdlCnEpWA4AAAA5NDgwMTQzNjQ1Njc4NHEqaAlLAk50cStRSwBLAoVxLEsBhXEtiWgCKVJxLnRxL1JxMFgB"
    "AAAAaHExaAUoKGgGY3RvcmNoCkhhbGZTdG9yYWdlCnEyWA4AAAA5NDgwMTQzNjQ1NjkyOHEzaAlLAU50cTRRSwBLAYVxNUsB"
    "hXE2iWgCKVJxN3RxOFJxOVgFAAAAZXBvY2hxOksHWAEAAABwcTtjdG9yY2guX3V0aWxzCl9yZWJ1aWxkX3BhcmFtZXRlcgpx"
    "PGgFKChoBmgHWA4AAAA5NDgwMTQzNjQ1Nzk1MnE9aAlLAU50cT5RSwBLAYVxP0sBhXFAiWgCKVJxQXRxQlJxQ4hoAilScUSH"
    "cUVScUZ1LoACXXEAKFgOAAAAOTQ4MDE0MzY0MjcxODRxAVgOAAAAOTQ4MDE0MzY0NTY3ODRxAlgOAAAAOTQ4MDE0MzY0NTY5"
    "MjhxA1gOAAAAOTQ4MDE0MzY0NTc5NTJxBFgOAAAAOTQ4MDE1MjI0NDMzNjBxBWUuAgAAAAAAAAAAAAA/AACAvgIAAAAAAAAA"
    "/f8sAQEAAAAAAAAAAD4BAAAAAAAAAAAAAEAGAAAAAAAAAAAAAAAAAIA/AAAAQAAAQEAAAIBAAACgQA=="
)


def test_legacy_checkpoint_written_by_torch_loads(torch):
    import base64
    import io

    ck = torch.load(io.BytesIO(base64.b64decode(_TORCH_LEGACY)))
    base = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    assert list(ck["model"]) == ["w", "b"] and type(ck["model"]).__name__ == "OrderedDict"
    assert torch.equal(ck["model"]["w"], base)
    assert ck["model"]["b"].tolist() == [0.5, -0.25]
    assert ck["row"].tolist() == [3.0, 4.0, 5.0] and ck["t"].stride() == (1, 3)
    assert ck["i"].dtype == torch.int16 and ck["i"].tolist() == [-3, 300]
    assert ck["h"].dtype == torch.float16 and ck["epoch"] == 7
    assert isinstance(ck["p"], torch.nn.Parameter) and ck["p"].requires_grad
    ck["model"]["w"][1, 0] = 30.0  # one storage, as saved: the views see the write
    assert ck["row"][0].item() == 30.0 and ck["t"][0, 1].item() == 30.0


def test_legacy_save_round_trip(torch, tmp_path):
    import pickle

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    model(torch.randn(4, 3)).sum().backward()
    opt.step()
    path = tmp_path / "legacy.pth"
    state = {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}
    torch.save(state, path, _use_new_zipfile_serialization=False)
    with open(path, "rb") as f:  # the legacy stream's three header pickles
        assert pickle.load(f) == 0x1950A86A20F9469CFC6C
        assert pickle.load(f) == 1001
        assert pickle.load(f)["little_endian"] is True
    back = torch.load(path, map_location="cpu")
    assert back["epoch"] == 3 and list(back["model"]) == list(model.state_dict())
    for k, v in model.state_dict().items():
        assert torch.equal(back["model"][k], v)
    fresh = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    fresh.load_state_dict(back["optimizer"])
    buf = fresh.state_dict()["state"][0]["momentum_buffer"]
    assert torch.equal(buf, opt.state_dict()["state"][0]["momentum_buffer"])
    # a whole model: its classes are recorded with their source, loaded without weights_only
    torch.save(model, path, _use_new_zipfile_serialization=False)
    again = torch.load(path, weights_only=False)
    assert type(again[0]).__name__ == "Linear" and torch.equal(again[0].weight, model[0].weight)
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        torch.load(path)


# ------------------------------------------------ collate registry and torch.utils.data._utils
# mmengine/lightning-style collates extend PyTorch's registry (collate + default_collate_fn_map,
# imported from torch.utils.data._utils.collate, a path torchlike lacked); strings collated out
# of tuples stay the tuple zip made (torchlike made lists).
class _Box:
    def __init__(self, v):
        self.v = v


def test_collate_registry(torch):
    import importlib

    utils = importlib.import_module(torch.__name__ + ".utils.data._utils.collate")
    assert utils.default_collate is torch.utils.data.default_collate

    def collate_box(batch, *, collate_fn_map=None):
        return [b.v for b in batch]

    fn_map = dict(utils.default_collate_fn_map)
    fn_map[_Box] = collate_box
    batch = [{"x": torch.ones(2) * i, "box": _Box(i), "meta": (i, f"s{i}")} for i in range(3)]
    out = utils.collate(batch, collate_fn_map=fn_map)
    assert out["box"] == [0, 1, 2] and out["x"][:, 0].tolist() == [0.0, 1.0, 2.0]
    assert out["meta"][0].tolist() == [0, 1, 2] and out["meta"][1] == ("s0", "s1", "s2")
    with pytest.raises(
        TypeError,
        match="default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
        "lists; found <class '.*_Box'>",
    ):
        utils.default_collate(batch)
    assert torch.utils.data.default_collate([(1, "a"), (2, "b")])[1] == ("a", "b")
    worker = importlib.import_module(torch.__name__ + ".utils.data._utils.worker")
    assert worker.get_worker_info() is None


# ------------------------------------------------ Subset with tensor indices in a DataLoader
# detection/DDP repos build Subset(ds, torch.tensor([...])): the TensorDataset gather path
# mapped the indices, then handed the mapped ones to Subset.__getitems__, which mapped them
# again (IndexError, or silently other rows).
def test_subset_with_tensor_indices_in_a_loader(torch):
    ds = torch.utils.data.TensorDataset(torch.arange(10.0).view(10, 1), torch.arange(10))
    sub = torch.utils.data.Subset(ds, torch.tensor([1, 3, 5]))
    x, y = next(iter(torch.utils.data.DataLoader(sub, batch_size=3)))
    assert y.tolist() == [1, 3, 5] and x.view(-1).tolist() == [1.0, 3.0, 5.0]
    nested = torch.utils.data.Subset(
        torch.utils.data.Subset(ds, [9, 8, 7, 6]), torch.tensor([0, 2])
    )
    assert next(iter(torch.utils.data.DataLoader(nested, batch_size=2)))[1].tolist() == [9, 7]


# ------------------------------------------------ torch.device compared with a string
# `if device == "cpu":` after device = torch.device(...) is False in PyTorch (a device equals
# only a device); torchlike parsed the string and said True, so such scripts took the other
# branch.
def test_device_never_equals_a_string(torch):
    d = torch.device("cpu")
    assert (d == "cpu") is False and ("cpu" == d) is False and d != "cpu"
    assert d == torch.device("cpu") and d != torch.device("cpu", 0)
    assert d not in ["cpu"] and {d: 1}.get("cpu") is None
    assert str(d) == "cpu" and d.type == "cpu" and hash(d) == hash(torch.device("cpu"))


# ------------------------------------------------ a torch.Generator inside a checkpoint
# Resumable samplers keep their Generator in the checkpoint; torchlike wrote it as
# torchlike.random.Generator, a global PyTorch cannot import (and the weights-only refusal
# named it so); PyTorch writes torch._C.Generator.
def test_generator_in_a_checkpoint(torch):
    import io

    g = torch.Generator().manual_seed(3)
    torch.rand(2, generator=g)
    buf = io.BytesIO()
    torch.save({"g": g}, buf)
    assert b"torch._C\nGenerator" in buf.getvalue()
    assert b"torchlike" not in buf.getvalue()
    buf.seek(0)
    back = torch.load(buf, weights_only=False)["g"]
    assert back.initial_seed() == 3
    assert torch.equal(torch.rand(3, generator=back), torch.rand(3, generator=g))
    buf.seek(0)
    import pickle

    with pytest.raises(
        pickle.UnpicklingError, match="GLOBAL torch._C.Generator was not an allowed"
    ):
        torch.load(buf)


# An IterableDataset with __len__ but no sharding yields each sample once per worker: PyTorch
# warns past len(loader), with its hint about configuring each worker's replica.
class _Sized:
    def __init__(self, torch):
        self.torch = torch

    def __iter__(self):
        return iter(range(4))

    def __len__(self):
        return 4


def test_iterable_length_warning_with_workers(torch):
    Sized = type("Sized", (_Sized, _stream_base(torch)), {})
    loader = torch.utils.data.DataLoader(Sized(torch), batch_size=1, num_workers=2)
    assert len(loader) == 4
    with pytest.warns(UserWarning) as record:
        out = [b.item() for b in loader]
    assert out == [0, 0, 1, 1, 2, 2, 3, 3]
    texts = [str(w.message) for w in record]
    assert any(
        "was reported to be 4(when accessing len(dataloader)), but 5 samples have been fetched. "
        "For multiprocessing data-loading, this could be caused by not properly configuring the "
        "IterableDataset replica at each worker." in t
        for t in texts
    )


# A dataset that owns its generator (np.random.RandomState / random.Random / torch.Generator):
# each forked worker starts from the main process's copy of it, so both workers draw the same
# numbers (the well-known duplicate-augmentation effect) and the main copy is untouched.
class _OwnRng:
    def __init__(self, torch):
        self.torch = torch
        self.rs = np.random.RandomState(0)
        self.py = random.Random(1)
        self.g = torch.Generator().manual_seed(2)

    def __len__(self):
        return 4

    def __getitem__(self, i):
        t = int(self.torch.randint(0, 99, (1,), generator=self.g))
        return self.torch.tensor([i, self.rs.randint(100), self.py.randint(0, 99), t])


def test_dataset_generators_are_copied_per_worker(torch):
    ds = _OwnRng(torch)
    for wrapped in (ds, torch.utils.data.Subset(ds, [0, 1, 2, 3])):
        out = [
            b.tolist() for b in torch.utils.data.DataLoader(wrapped, batch_size=2, num_workers=2)
        ]
        assert [[r[1:] for r in b] for b in out[:1]] == [[r[1:] for r in b] for b in out[1:]]
        assert [r[0] for b in out for r in b] == [0, 1, 2, 3]
    fresh = _OwnRng(torch)
    assert ds.rs.randint(100) == fresh.rs.randint(100) and ds.py.random() == fresh.py.random()


# mmap=True (large-checkpoint loaders) needs a zip checkpoint at a path: PyTorch refuses a
# legacy file and a file object; torchlike ignored mmap.
def test_load_mmap_checks(torch, tmp_path):
    import io

    torch.save(torch.ones(2), tmp_path / "legacy.pt", _use_new_zipfile_serialization=False)
    path = str(tmp_path / "legacy.pt")
    with pytest.raises(
        RuntimeError,
        match=r"mmap can only be used with files saved with `torch.save\(.*legacy.pt, "
        r"_use_new_zipfile_serialization=True\), please torch.save your checkpoint",
    ):
        torch.load(path, mmap=True)
    buf = io.BytesIO()
    torch.save(torch.ones(2), buf)
    buf.seek(0)
    with pytest.raises(ValueError, match="f must be a file path in order to use the mmap argument"):
        torch.load(buf, mmap=True)
    torch.save(torch.ones(2), tmp_path / "zip.pt")
    assert torch.load(tmp_path / "zip.pt", mmap=True).tolist() == [1.0, 1.0]


def test_legacy_save_with_pickle_protocol_4(torch):
    import io

    buf = io.BytesIO()
    obj = {"a": torch.arange(4.0)[1:], "b": torch.ones(2, dtype=torch.int8)}
    torch.save(obj, buf, _use_new_zipfile_serialization=False, pickle_protocol=4)
    buf.seek(0)
    back = torch.load(buf, weights_only=False)  # (the weights-only unpickler refuses FRAME)
    assert back["a"].tolist() == [1.0, 2.0, 3.0] and back["b"].dtype == torch.int8


# A loop that leaves an epoch early (max_steps) with persistent workers: PyTorch's workers
# still compute the prefetched tasks, so their streams are further on in the next epoch.
def test_persistent_workers_left_early_compute_their_prefetch(torch):
    ds = _Augmenting(torch, 10)
    torch.manual_seed(0)
    loader = torch.utils.data.DataLoader(
        ds, batch_size=1, num_workers=2, persistent_workers=True, collate_fn=list
    )
    for k, _ in enumerate(loader):
        if k == 1:
            break
    second = [b[0] for b in loader]
    seed0 = second[0]["seed"]
    g = torch.Generator().manual_seed(seed0)
    draws = [torch.rand(1, generator=g).item() for _ in range(8)]
    # worker 0 drew for task 0, then for its two prefetched tasks (2 and 4), before epoch two
    assert [s["t"] for s in second if s["worker"] == 0] == draws[3:8]


# ------------------------------------------------ share_memory_() / is_shared()
# Hogwild-style scripts call model.share_memory() and check is_shared(): torchlike's
# share_memory_ did nothing and is_shared() was always False.
def test_share_memory_marks_the_storage(torch):
    x = torch.ones(4)
    view = x[1:]
    assert not x.is_shared()
    assert x.share_memory_() is x
    assert x.is_shared() and view.is_shared() and x[2:].is_shared()
    assert not (x * 2).is_shared() and not x.clone().is_shared()
    x.add_(1)
    assert x.is_shared()
    model = torch.nn.Linear(2, 2)
    weight = model.weight
    assert model.share_memory() is model and model.weight is weight
    assert all(p.is_shared() for p in model.parameters())
