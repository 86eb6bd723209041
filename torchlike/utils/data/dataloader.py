"""``DataLoader``: batches from a dataset through a (batch) sampler and a collate function.

Loading happens in the calling process.  With ``num_workers > 0`` the workers are played there
(``_worker.py``): each has its dataset copy, its seeded streams and its ``worker_init_fn``, and
the batches come round-robin from them in PyTorch's order (an IterableDataset's workers leave the
round once exhausted), with the sampler read ``prefetch_factor * num_workers`` batches ahead as
PyTorch's prefetching reads it.  Each iterator draws a 64-bit base seed from ``generator`` (or
the default generator) when it is created, as PyTorch's does, so the random stream advances
exactly as it would under torch.

Fast path: batches of a ``TensorDataset`` (or a ``Subset`` chain over one) with the default
collate are gathered with one indexing op per tensor instead of per-sample indexing and a
``stack``; the result is the same tensors.
"""

from __future__ import annotations

import collections
import itertools
import math
import multiprocessing
import warnings

from ... import _config, _device, _factories
from . import _worker
from ._worker import get_worker_info
from .collate import default_collate, default_convert
from .dataset import IterableDataset, Subset, TensorDataset
from .sampler import (
    BatchSampler,
    RandomSampler,
    SequentialSampler,
    _draw_seed,
    _InfiniteConstantSampler,
)

__all__ = ["DataLoader", "get_worker_info"]

_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")


class DataLoader:
    _initialized = False

    def __init__(
        self,
        dataset,
        batch_size=1,
        shuffle=None,
        sampler=None,
        batch_sampler=None,
        num_workers=0,
        collate_fn=None,
        pin_memory=False,
        drop_last=False,
        timeout=0,
        worker_init_fn=None,
        multiprocessing_context=None,
        generator=None,
        *,
        prefetch_factor=None,
        persistent_workers=False,
        pin_memory_device="",
        in_order=True,
    ):
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to "
                "disable multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in "
                "multiprocessing.let num_workers > 0 to enable multiprocessing, "
                "otherwise set prefetch_factor to None."
            )
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = _check_context(multiprocessing_context, num_workers)
        self.in_order = in_order

        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in {False, None}:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified shuffle "
                    f"option, but got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified sampler "
                    f"option, but got sampler={sampler}"
                )
            if batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified "
                    f"batch_sampler option, but got batch_sampler={batch_sampler}"
                )
        else:
            shuffle = bool(shuffle)

        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, "
                    "shuffle, sampler, and drop_last"
                )
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually "
                "exclusive with drop_last"
            )

        if sampler is None:
            if self._iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._IterableDataset_len_called = None
        self._initialized = True
        self._check_worker_number()

    def _check_worker_number(self):
        """PyTorch's warning for more workers than CPUs this process may use."""
        if not self.num_workers:
            return
        cpus = _config._cpu_count()
        if self.num_workers > cpus:
            warnings.warn(
                f"This DataLoader will create {self.num_workers} worker processes in total. Our "
                f"suggested max number of worker in current system is {cpus}, which is smaller "
                "than what this DataLoader is going to create. Please be aware that excessive "
                "worker creation might get DataLoader running slow or even freeze, lower the "
                "worker number to avoid potential slowness/freeze if necessary.",
                stacklevel=2,  # as PyTorch's: at the loader's own line, so shown once there
            )

    def __setattr__(self, attr, value):
        if self._initialized and attr in _FROZEN:
            raise ValueError(
                f"{attr} attribute should not be set after {self.__class__.__name__} is initialized"
            )
        super().__setattr__(attr, value)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self):
        if self.num_workers == 0:
            return _LoaderIter(self)
        if self.persistent_workers:
            # PyTorch keeps one iterator and resets it each epoch: no new base seed is drawn
            # from the global generator, so later epochs' shuffles differ from a fresh one's,
            # and the workers keep their streams
            it = self.__dict__.get("_iterator")
            if it is None:
                it = self._iterator = self._workers_iter()
            else:
                it._reset()
            return it
        return self._workers_iter()

    def _workers_iter(self):
        self._check_worker_number()
        return _WorkersIter(self)

    def __len__(self):
        if self._iterable:
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                length = (
                    length // self.batch_size
                    if self.drop_last
                    else math.ceil(length / self.batch_size)
                )
            return length
        return len(self._index_sampler)


def _check_context(context, num_workers):
    """PyTorch's checks of ``multiprocessing_context`` (a start method's name or a context)."""
    if context is None:
        return None
    if num_workers <= 0:
        raise ValueError(
            "multiprocessing_context can only be used with multi-process loading "
            f"(num_workers > 0), but got num_workers={num_workers}"
        )
    if isinstance(context, str):
        methods = multiprocessing.get_all_start_methods()
        if context not in methods:
            raise ValueError(
                "multiprocessing_context option should specify a valid start method in "
                f"{methods!r}, but got multiprocessing_context={context!r}"
            )
        context = multiprocessing.get_context(context)
    if not isinstance(context, multiprocessing.context.BaseContext):
        raise TypeError(
            "multiprocessing_context option should be a valid context object or a string "
            f"specifying the start method, but got multiprocessing_context={context}"
        )
    return context


def _tensor_source(dataset):
    """``(tensors, index_map)`` when ``dataset`` is a TensorDataset seen through Subsets."""
    maps = []
    while type(dataset) is Subset:
        maps.append(dataset.indices)
        dataset = dataset.dataset
    if type(dataset) is not TensorDataset:
        return None
    if any(t.requires_grad for t in dataset.tensors):
        return None
    return dataset.tensors, maps


class _Fetcher:
    """Turns one index (or list of indices) into a batch, as PyTorch's fetchers do: the
    main process has one, each worker its own (over its dataset copy)."""

    def __init__(self, loader, dataset):
        self._dataset = dataset
        self._auto_collation = loader._auto_collation
        self._drop_last = loader.drop_last
        self._collate_fn = loader.collate_fn
        self._ended = False
        self._dataset_iter = iter(dataset) if loader._iterable else None
        self._fast = None
        if not loader._iterable and self._auto_collation and self._collate_fn is default_collate:
            self._fast = _tensor_source(dataset)

    def fetch(self, index):
        if self._dataset_iter is not None:
            return self._fetch_iterable(index)
        if self._fast is not None and all(type(i) is int for i in index):
            tensors, maps = self._fast
            rows = index
            for indices in maps:
                rows = [indices[i] for i in rows]
            # (a Subset's indices may be a tensor: its entries are not ints, so no gather)
            if all(type(i) is int for i in rows):
                rows = _factories.tensor(rows)
                return [t[rows] for t in tensors]
        if self._auto_collation:
            getitems = getattr(self._dataset, "__getitems__", None)
            if getitems:
                data = getitems(index)
            else:
                data = [self._dataset[i] for i in index]
        else:
            data = self._dataset[index]
        return self._collate_fn(data)

    def _fetch_iterable(self, index):
        if self._ended:
            raise StopIteration
        if not self._auto_collation:
            return self._collate_fn(next(self._dataset_iter))
        data = []
        for _ in index:
            try:
                data.append(next(self._dataset_iter))
            except StopIteration:
                self._ended = True
                break
        if not data or (self._drop_last and len(data) < len(index)):
            raise StopIteration
        return self._collate_fn(data)


class _LoaderIter:
    """One pass over a DataLoader (PyTorch's single-process iterator)."""

    def __init__(self, loader):
        self._loader = loader
        self._dataset = loader.dataset
        self._index_sampler = loader._index_sampler
        self._sampler_iter = iter(self._index_sampler)
        self._base_seed = _draw_seed(loader.generator)
        self._num_yielded = 0
        if loader.pin_memory and loader.pin_memory_device:
            warnings.warn(
                "pin_memory_device is deprecated, the current accelerator will be used as the "
                f"device,ignore pin_memory_device='{loader.pin_memory_device}'.",
                stacklevel=3,
            )
        if loader.pin_memory and not _device.accelerators("cuda"):
            warnings.warn(
                "'pin_memory' argument is set as true but no accelerator is found, then device "
                "pinned memory won't be used.",
                stacklevel=3,
            )
        self._start()

    def _start(self):
        self._fetcher = _Fetcher(self._loader, self._dataset)

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._index_sampler)

    def __next__(self):
        data = self._next_data()
        self._num_yielded += 1
        loader = self._loader
        called = loader._IterableDataset_len_called
        if loader._iterable and called is not None and self._num_yielded > called:
            msg = (
                f"Length of IterableDataset {self._dataset} was reported to be "
                f"{called}(when accessing len(dataloader)), but {self._num_yielded} "
                "samples have been fetched. "
            )
            if loader.num_workers > 0:
                msg += (
                    "For multiprocessing data-loading, this could be caused by not properly "
                    "configuring the IterableDataset replica at each worker. Please see "
                    "https://pytorch.org/docs/stable/data.html#torch.utils.data.IterableDataset "
                    "for examples."
                )
            warnings.warn(msg, stacklevel=2)
        return data

    def _next_data(self):
        return self._fetcher.fetch(next(self._sampler_iter))


class _WorkersIter(_LoaderIter):
    """One pass with ``num_workers > 0`` (PyTorch's multi-process iterator, its workers
    played in this process): tasks go round-robin to the workers still active, the sampler is
    read ``prefetch_factor * num_workers`` tasks ahead and one more after each batch, and an
    IterableDataset's worker that runs out leaves the round (its queued tasks are dropped)."""

    def _start(self):
        loader = self._loader
        count = loader.num_workers
        self._workers = [
            _worker.Worker(i, count, self._base_seed, _worker.copy_dataset(self._dataset))
            for i in range(count)
        ]
        for w in self._workers:
            try:
                w.run(self._start_worker, w, loader.worker_init_fn)
            except Exception:
                w.error = _worker.caught(w.id)
        self._prime()

    def _start_worker(self, worker, init_fn):
        if init_fn is not None:
            init_fn(worker.id)
        worker.fetcher = _Fetcher(self._loader, worker.info.dataset)

    def _prime(self):
        self._tasks = collections.deque()
        self._cycle = itertools.cycle(range(len(self._workers)))
        for w in self._workers:
            w.active = True
        for _ in range(self._loader.prefetch_factor * len(self._workers)):
            self._put_index()

    def _reset(self):
        """The next epoch of a persistent iterator: same workers (their streams go on), a
        fresh fetcher each (``iter(dataset)`` again), the round restarts at worker 0."""
        self._drain()
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        for w in self._workers:
            w.run(self._restart_worker, w)
        self._prime()

    def _drain(self):
        """The tasks still queued when an epoch is left early: PyTorch's workers compute them
        before they take the next epoch's resume (their results are dropped), so their
        streams move on by them."""
        while self._tasks:
            wid, index = self._tasks.popleft()
            worker = self._workers[wid]
            if not worker.active or worker.error is not None:
                continue
            try:
                worker.run(worker.fetcher.fetch, index)
            except StopIteration:
                worker.active = not self._loader._iterable
            except Exception:
                pass

    def _restart_worker(self, worker):
        worker.fetcher = _Fetcher(self._loader, worker.info.dataset)

    def _put_index(self):
        try:
            index = next(self._sampler_iter)
        except StopIteration:
            return
        for _ in range(len(self._workers)):
            wid = next(self._cycle)
            if self._workers[wid].active:
                self._tasks.append((wid, index))
                return

    def _next_data(self):
        tasks = self._tasks
        while True:
            while tasks and not self._workers[tasks[0][0]].active:
                tasks.popleft()
            if not tasks:
                raise StopIteration
            wid, index = tasks.popleft()
            worker = self._workers[wid]
            error = worker.error
            if error is None:
                fetcher = worker.fetcher
                try:
                    # a TensorDataset's gather runs none of the user's code: no streams to swap
                    if fetcher._fast is not None:
                        data = fetcher.fetch(index)
                    else:
                        data = worker.run(fetcher.fetch, index)
                except StopIteration:
                    if not self._loader._iterable:
                        error = _worker.caught(wid)
                    else:
                        worker.active = False
                        self._put_index()
                        continue
                except Exception:
                    error = _worker.caught(wid)
            self._put_index()
            if error is not None:
                error.reraise()
            return data
