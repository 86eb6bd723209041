"""PackedSequence: the batch of variable-length sequences that RNN/LSTM/GRU accept.

It lives beside the recurrent modules (which take and return it); ``nn.utils.rnn`` builds and
unpacks it.  ``data`` holds the time steps' rows one after the other (time step 0 of every
sequence, then step 1 of those still running, ...), ``batch_sizes`` how many rows each time
step has, and the index pair maps sorted (longest first) to the caller's batch order.
"""

from __future__ import annotations

from collections import namedtuple

from ... import _dtype as D
from ... import _factories
from ..._ops import frontend as _f

__all__ = ["PackedSequence", "invert_permutation"]


def invert_permutation(permutation):
    if permutation is None:
        return None
    out = _factories.empty(*permutation.shape, dtype=permutation.dtype)
    return out.scatter_(0, permutation, _factories.arange(permutation.numel(), dtype=D.int64))


_PackedSequenceBase = namedtuple(
    "PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"]
)


class PackedSequence(_PackedSequenceBase):
    """Holds the data and list of ``batch_sizes`` of a packed sequence (PyTorch's fields)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            # the old PackedSequence((data, batch_sizes)) form
            data, batch_sizes = data
        elif batch_sizes.device.type != "cpu":
            raise ValueError(
                "batch_sizes should always be on CPU. Instances of PackedSequence should never "
                "be created manually. They should be instantiated by functions like "
                "pack_sequence and pack_padded_sequences in nn.utils.rnn. "
                "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence"
            )
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        device = data.device
        sorted_indices = None if self.sorted_indices is None else self.sorted_indices.to(device)
        unsorted = None if self.unsorted_indices is None else self.unsorted_indices.to(device)
        return type(self)(data, self.batch_sizes, sorted_indices, unsorted)

    def cuda(self, *args, **kwargs):
        return self.to(*args, device="cuda", **kwargs)

    def cpu(self, *args, **kwargs):
        return self.to(*args, device="cpu", **kwargs)

    def pin_memory(self):
        return self

    def double(self):
        return self.to(dtype=D.float64)

    def float(self):
        return self.to(dtype=D.float32)

    def half(self):
        return self.to(dtype=D.float16)

    def long(self):
        return self.to(dtype=D.int64)

    def int(self):
        return self.to(dtype=D.int32)

    def short(self):
        return self.to(dtype=D.int16)

    def char(self):
        return self.to(dtype=D.int8)

    def byte(self):
        return self.to(dtype=D.uint8)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return False  # torchlike has no pinned host memory


def _packing_index(batch_sizes):
    """Each packed row's position in the (T * B) time-major padded grid, and the lengths.

    Host values: the packed layout's shapes depend on them (PyTorch keeps batch_sizes on the
    CPU for the same reason)."""
    max_batch = batch_sizes[0]
    index = [t * max_batch + b for t, n in enumerate(batch_sizes) for b in range(n)]
    lengths = [sum(1 for n in batch_sizes if n > b) for b in range(max_batch)]
    return index, lengths


def _grid_sources(index, cells):
    """For each of ``cells`` grid cells, the packed row it reads, or ``len(index)`` (a padding
    row appended after the packed ones) where no sequence reaches."""
    where = [len(index)] * cells
    for row, cell in enumerate(index):
        where[cell] = row
    return where


def _unpack_to_grid(data, index, steps, batch, padding_value=0.0):
    """The (steps, batch, *) padded grid of a PackedSequence's ``data``."""
    where = _grid_sources(index, steps * batch)
    pad_row = _factories.full((1, *data.shape[1:]), padding_value, dtype=data.dtype)
    rows = _f.cat([data, pad_row]).index_select(0, _factories.tensor(where, dtype=D.int64))
    return rows.view(steps, batch, *data.shape[1:])
