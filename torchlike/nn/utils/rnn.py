"""Sequence helpers: PackedSequence and packing, padding and their inverses.

Packing reads the lengths on the host: the packed layout (and so every shape) depends on
their values, as in PyTorch, where lengths and batch_sizes live on the CPU.
"""

from __future__ import annotations

from ... import _dtype as D
from ... import _factories
from ..._ops import OPS, apply
from ..._ops import frontend as _f
from ..._ops import rnn_packed_table as _rnn_packed_table  # noqa: F401  (pack_padded_sequence)
from ..._ops.indexing import _broadcast_error
from ..._tensor import Tensor
from .. import functional as F
from ..modules._packed import (
    PackedSequence,
    _packing_index,
    _unpack_to_grid,
    invert_permutation,
)

__all__ = [
    "PackedSequence",
    "invert_permutation",
    "pack_padded_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpad_sequence",
    "pack_sequence",
    "unpack_sequence",
]


def _host_lengths(lengths):
    if isinstance(lengths, Tensor):
        return [int(v) for v in lengths.tolist()]
    return [int(v) for v in lengths]


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    host = _host_lengths(lengths)
    if enforce_sorted:
        sorted_indices = None
    else:
        # stable, longest first: ties keep the caller's order (PyTorch's CPU sort does too)
        order = sorted(range(len(host)), key=lambda i: -host[i])
        host = [host[i] for i in order]
        sorted_indices = _factories.tensor(order, dtype=D.int64)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    batch = input.shape[0 if batch_first else 1]
    if len(host) != batch:
        raise RuntimeError(
            f"Expected `len(lengths)` to be equal to batch_size, but got {len(host)} "
            f"(batch_size={batch})"
        )
    if host and host[-1] <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an element in "
            "'lengths' that is <= 0"
        )
    if any(a < b for a, b in zip(host, host[1:])):
        raise RuntimeError(
            "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
            "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence "
            "to sidestep this requirement if you do not need ONNX exportability."
        )
    steps = input.shape[1 if batch_first else 0]
    if host[0] > steps:
        raise RuntimeError(
            f"Expected sequence length to be larger than or equal to {host[0]}, but got "
            f"{steps}"  # not PyTorch's wording, which has no stable text for this case
        )
    batch_sizes = [sum(1 for n in host if n > t) for t in range(host[0])]
    index, _ = _packing_index(batch_sizes)
    data = apply(
        OPS["pack_padded_sequence"],
        (input, _factories.tensor(index, dtype=D.int64)),
        (("batch_first", bool(batch_first)),),
    )
    return PackedSequence(data, _factories.tensor(batch_sizes, dtype=D.int64), sorted_indices)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    data, batch_sizes = sequence.data, sequence.batch_sizes
    sizes = [int(n) for n in batch_sizes.tolist()]
    longest = len(sizes)
    if total_length is not None:
        if total_length < longest:
            raise ValueError(
                "Expected total_length to be at least the length of the longest sequence in "
                f"input, but got total_length={total_length} and max sequence length being "
                f"{longest}"
            )
    else:
        total_length = longest
    index, lengths = _packing_index(sizes)
    padded = _unpack_to_grid(data, index, total_length, sizes[0], padding_value)
    if batch_first:
        padded = padded.transpose(0, 1)
    lengths = _factories.tensor(lengths, dtype=D.int64)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(0 if batch_first else 1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices]
    return padded, lengths


def _broadcast_rows(seq, trailing):
    target, shape = (seq.shape[0], *trailing), tuple(seq.shape)
    if len(shape) > len(target) or any(
        a != b and b != 1 for a, b in zip(target[::-1], shape[::-1])
    ):
        raise _broadcast_error(target, shape)
    return seq.expand(*target)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    if padding_side not in ("left", "right"):
        raise RuntimeError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    sequences = list(sequences)
    longest = max(s.shape[0] for s in sequences)
    trailing = tuple(sequences[0].shape[1:])
    padded = []
    for s in sequences:
        if tuple(s.shape[1:]) != trailing:
            # PyTorch copies each sequence into its rows of the padded output (the first
            # sequence's trailing shape): copy_'s broadcasting, and its errors
            s = _broadcast_rows(s, trailing)
        extra = longest - s.shape[0]
        pads = [0, 0] * (s.ndim - 1) + ([0, extra] if padding_side == "right" else [extra, 0])
        padded.append(F.pad(s, pads, value=padding_value) if extra else s)
    out = _f.stack(padded, 0 if batch_first else 1)
    return out


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    if not batch_first:
        # as PyTorch: the caller's tensor is transposed in place (it is batch-first afterwards)
        padded_sequences.transpose_(0, 1)
    out = []
    for seq, length in zip(padded_sequences, _host_lengths(lengths)):
        out.append(seq[_factories.arange(length)])
    return out


def pack_sequence(sequences, enforce_sorted=True):
    lengths = _factories.tensor([s.size(0) for s in sequences], dtype=D.int64)
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
