"""DataLoader workers, played in the calling process.

A loader with ``num_workers > 0`` behaves, batch for batch, as PyTorch's worker processes do,
without starting any: each worker has its own copy of the dataset, its own ``torch``, Python
``random`` and NumPy global streams, seeded as PyTorch seeds them (``base_seed + id``; NumPy from
the SeedSequence of the id and the base seed's halves), ``get_worker_info()`` describes it and
``torch.get_num_threads()`` is 1 while its code runs, and its ``worker_init_fn`` runs once when
it starts.  Whenever a worker's code runs (its init function, ``__iter__``, ``__getitem__``,
the collate function), its streams are swapped in, and afterwards swapped out again, so the
main process's streams advance only by what PyTorch's main process draws.

The copy is shallow but for random generators and wrapped datasets: attributes a worker
(re)binds, such as the ``start``/``end`` a ``worker_init_fn`` sets to shard an IterableDataset,
stay the worker's, and a generator the dataset owns starts in each worker from the state the
main process had (so workers draw the same numbers, as forked ones do); other objects the
dataset holds (arrays, lists, open files) are shared, where a forked worker would get
copy-on-write copies of them.
"""

from __future__ import annotations

import copy
import dataclasses
import random
import sys
import traceback

import numpy as np

from ... import _config
from ... import random as _random
from .dataset import Dataset, IterableDataset

__all__ = ["ExceptionWrapper", "WorkerInfo", "get_worker_info"]


@dataclasses.dataclass(frozen=True, slots=True)
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker (PyTorch's fields)."""

    id: int
    num_workers: int
    seed: int
    dataset: object
    rng: object = None
    worker_method: str | None = "multiprocessing"


_running = [None]


def get_worker_info():
    """The running worker's ``WorkerInfo``; None in the main process."""
    return _running[0]


def numpy_seed(base_seed: int, worker_id: int) -> list:
    """The four 32-bit words PyTorch seeds a worker's NumPy global stream with: NumPy's
    SeedSequence over (worker id, low half, high half of the base seed)."""
    words = [worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32]
    return [int(w) for w in np.random.SeedSequence(words).generate_state(4)]


class KeyErrorMessage(str):
    """A KeyError's message that prints as written (KeyError shows its argument's repr)."""

    __slots__ = ()

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception caught in a worker (PyTorch's class of that name), re-raised in the main
    process as PyTorch does: the same type, its message saying where it was caught, then the
    original traceback."""

    def __init__(self, exc_info=None, where="in background"):
        if exc_info is None:
            exc_info = sys.exc_info()
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        elif getattr(self.exc_type, "message", None):
            raise self.exc_type(message=msg)
        try:
            exc = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exc


def caught(worker_id):
    """The exception being handled, wrapped as caught in worker ``worker_id``."""
    return ExceptionWrapper(where=f"in DataLoader worker process {worker_id}")


_RNG_TYPES = (random.Random, np.random.RandomState, np.random.Generator, _random.Generator)


def copy_dataset(dataset, depth=0):
    """The worker's own dataset object: a shallow copy (the object itself where it can't be
    copied) whose random generators are copied too, so each worker starts from the same state
    as a forked one does, and whose wrapped datasets (a Subset's, a ConcatDataset's) are
    copied the same way."""
    try:
        twin = copy.copy(dataset)
    except Exception:
        return dataset
    state = getattr(twin, "__dict__", None)
    if not isinstance(state, dict) or depth > 8:
        return twin
    for name, value in list(state.items()):
        if isinstance(value, _RNG_TYPES):
            state[name] = copy.deepcopy(value)
        elif isinstance(value, (Dataset, IterableDataset)) or name == "dataset":
            state[name] = copy_dataset(value, depth + 1)
        elif type(value) is list and (
            name == "datasets" or (value and isinstance(value[0], (Dataset, IterableDataset)))
        ):
            state[name] = [copy_dataset(v, depth + 1) for v in value]
    return twin


class Worker:
    """One emulated worker: its dataset copy, its streams and whether it still has data."""

    def __init__(self, worker_id: int, num_workers: int, base_seed: int, dataset):
        seed = base_seed + worker_id
        self.id = worker_id
        self.info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        self.generator = _random.Generator().manual_seed(seed)
        self.py_state = random.Random(seed).getstate()
        self.np_state = np.random.RandomState(numpy_seed(base_seed, worker_id)).get_state()
        self.threads = 1
        self.active = True
        self.fetcher = None
        self.error = None  # a failed start: raised for the worker's tasks

    def run(self, fn, *args):
        """``fn(*args)`` as this worker's code: its streams, info and thread count in place."""
        main_gen = _random.default_generator
        main_gen._exchange_state(self.generator)
        main_py = random.getstate()
        random.setstate(self.py_state)
        main_np = np.random.get_state()
        np.random.set_state(self.np_state)
        threads = _config._threads
        main_threads, threads["intra"] = threads["intra"], self.threads
        outer, _running[0] = _running[0], self.info
        try:
            return fn(*args)
        finally:
            _running[0] = outer
            self.threads, threads["intra"] = threads["intra"], main_threads
            self.np_state = np.random.get_state()
            np.random.set_state(main_np)
            self.py_state = random.getstate()
            random.setstate(main_py)
            main_gen._exchange_state(self.generator)
