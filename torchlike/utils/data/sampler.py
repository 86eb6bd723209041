"""Samplers: the index streams a DataLoader draws from.

The random ones consume the ``torchlike.random`` generators exactly as PyTorch's do (a 64-bit
seed from the default generator when none is given, then ``randperm``/``randint`` on a
generator seeded with it), so a seeded shuffle visits samples in PyTorch's order."""

from __future__ import annotations

import math

import numpy as np

from ... import _dtype as D
from ... import _factories
from ... import distributed as _dist
from ... import random as _random
from ..._tensor import Tensor

__all__ = [
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
    "BatchSampler",
    "DistributedSampler",
]


def _draw_seed(generator=None) -> int:
    """``int(torch.empty((), dtype=torch.int64).random_(generator=generator))``."""
    gen = _random.default_generator if generator is None else generator
    return int(gen._random((), D.int64))


class Sampler:
    """Base class: subclasses implement ``__iter__`` (indices) and usually ``__len__``."""

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler):
    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(
                f"replacement should be a boolean value, but got replacement={self.replacement}"
            )
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(
                "num_samples should be a positive integer value, but got "
                f"num_samples={self.num_samples}"
            )

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        if self.generator is None:
            generator = _random.Generator()
            generator.manual_seed(_draw_seed())
        else:
            generator = self.generator
        if self.replacement:
            # drawn in chunks of 32, as PyTorch does (the chunking shows in the stream)
            for _ in range(self.num_samples // 32):
                yield from generator._randint(0, n, (32,), D.int64).tolist()
            yield from generator._randint(0, n, (self.num_samples % 32,), D.int64).tolist()
        else:
            for _ in range(self.num_samples // n):
                yield from generator._randperm(n, D.int64).tolist()
            yield from generator._randperm(n, D.int64).tolist()[: self.num_samples % n]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        gen = _random.default_generator if self.generator is None else self.generator
        for i in gen._randperm(len(self.indices), D.int64).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={num_samples}"
            )
        if not isinstance(replacement, bool):
            raise ValueError(
                f"replacement should be a boolean value, but got replacement={replacement}"
            )
        array = np.asarray(weights.tolist()) if isinstance(weights, Tensor) else np.asarray(weights)
        if array.ndim != 1:
            raise ValueError(
                f"weights should be a 1d sequence but given weights have shape {tuple(array.shape)}"
            )
        self._weights = array.astype(np.float64)
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    @property
    def weights(self):
        return _factories.tensor(self._weights, dtype=D.float64)

    def __iter__(self):
        gen = _random.default_generator if self.generator is None else self.generator
        yield from gen._multinomial(self._weights, self.num_samples, self.replacement).tolist()

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size``."""

    def __init__(self, sampler, batch_size, drop_last):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        batch = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size


class _InfiniteConstantSampler(Sampler):
    """The sampler of an iterable-style dataset: ``None`` forever."""

    def __iter__(self):
        while True:
            yield None


class DistributedSampler(Sampler):
    """This replica's share of the dataset, as PyTorch's: a ``randperm`` on a generator seeded
    with ``seed + epoch`` (the same order on every replica), padded by wrapping around (or cut,
    with ``drop_last``) to a multiple of ``num_replicas``, then every ``num_replicas``-th index
    from ``rank``.  Not given, they are the default process group's (``torch.distributed``).
    """

    def __init__(
        self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0, drop_last=False
    ):
        if num_replicas is None:
            num_replicas = _dist.get_world_size()  # (PyTorch's error before init_process_group)
        if rank is None:
            rank = _dist.get_rank()
        if rank >= num_replicas or rank < 0:
            raise ValueError(
                f"Invalid rank {rank}, rank should be in the interval [0, {num_replicas - 1}]"
            )
        self.dataset = dataset
        self.num_replicas = num_replicas
        self.rank = rank
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % num_replicas != 0:
            self.num_samples = math.ceil((n - num_replicas) / num_replicas)
        else:
            self.num_samples = math.ceil(n / num_replicas)
        self.total_size = self.num_samples * num_replicas
        self.shuffle = shuffle
        self.seed = seed

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            g = _random.Generator()
            g.manual_seed(self.seed + self.epoch)
            indices = g._randperm(n, D.int64).tolist()
        else:
            indices = list(range(n))
        if not self.drop_last:
            pad = self.total_size - len(indices)
            if pad <= len(indices):
                indices += indices[:pad]
            else:
                indices += (indices * math.ceil(pad / len(indices)))[:pad]
        else:
            indices = indices[: self.total_size]
        return iter(indices[self.rank : self.total_size : self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        self.epoch = epoch
