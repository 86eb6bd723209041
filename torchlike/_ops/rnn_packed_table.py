"""RNN/LSTM/GRU over a PackedSequence: a masked scan over the padded batch, then the rows.

The padded batch (T, B, F) is run as one ``lax.scan`` per layer and direction, with each
sequence's own length as a mask: past its end a sequence keeps its state (so h_n/c_n are those
of its last valid step) and emits zeros.  The reverse direction reads each sequence backwards
from its own last step (a per-sequence flip of the valid part), as PyTorch's packed kernels do.
The lengths are a traced operand, so the scan compiles once per (T, B), whatever the lengths;
``rnn_packed_rows`` then picks the packed rows out of the padded output.
"""

from __future__ import annotations

import jax.numpy as jnp
from jax import lax

from .core import Op
from .nn_table import _MATMUL, _cell
from .table import OPS


def _masked_layer(mode, seq, lengths, h, c, w_ih, w_hh, b_ih, b_hh, w_hr, nonlinearity, reverse):
    steps = jnp.arange(seq.shape[0])[:, None]
    valid = steps < lengths[None, :]
    if reverse:
        # t -> length-1-t inside each sequence; the padding stays where it is
        flip = jnp.where(valid, lengths[None, :] - 1 - steps, steps)
        seq = jnp.take_along_axis(seq, flip[:, :, None], axis=0)

    def step(carry, inputs):
        h, c = carry
        xt, vt = inputs
        nh, nc = _cell(mode, xt, h, c, w_ih, w_hh, b_ih, b_hh, nonlinearity)
        if w_hr is not None:
            nh = jnp.matmul(nh, w_hr.T, precision=_MATMUL)
        vt = vt[:, None]
        h = jnp.where(vt, nh, h)
        if c is not None:
            c = jnp.where(vt, nc, c)
        return (h, c), jnp.where(vt, nh, jnp.zeros((), nh.dtype))

    (h, c), ys = lax.scan(step, (h, c), (seq, valid))
    if reverse:
        ys = jnp.take_along_axis(ys, flip[:, :, None], axis=0)
    return ys, h, c


def _rnn_packed(
    x,
    h0,
    c0,
    *rest,
    mode,
    num_layers,
    bidirectional,
    has_biases,
    nonlinearity,
    proj,
    n_weights,
    n_masks,
):
    """``x``: the padded batch (T, B, F), sequences sorted longest first; ``rest``: the flat
    weights, one dropout mask per layer but the last, then ``lengths`` (B,).
    Returns (padded output, *h_n, *c_n)."""
    weights = rest[:n_weights]
    masks = rest[n_weights : n_weights + n_masks]
    (lengths,) = rest[n_weights + n_masks :]
    dirs = 2 if bidirectional else 1
    per = (4 if has_biases else 2) + (1 if proj else 0)
    layer_in = x
    hs, cs = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = (layer * dirs + d) * per
            w = weights[k : k + per]
            b_ih, b_hh = (w[2], w[3]) if has_biases else (None, None)
            c = c0[layer * dirs + d] if c0 is not None else None
            ys, h, c = _masked_layer(
                mode,
                layer_in,
                lengths,
                h0[layer * dirs + d],
                c,
                w[0],
                w[1],
                b_ih,
                b_hh,
                w[-1] if proj else None,
                nonlinearity,
                d == 1,
            )
            outs.append(ys)
            hs.append(h)
            cs.append(c)
        layer_in = outs[0] if dirs == 1 else jnp.concatenate(outs, axis=-1)
        if layer < num_layers - 1 and n_masks:
            layer_in = layer_in * masks[layer]
    return (layer_in, *hs, *(cs if mode == "LSTM" else ()))


def _packed_rows(padded, index):
    """The packed rows (time step after time step) of a (T, B, H) padded output."""
    return padded.reshape(-1, padded.shape[-1])[index]


OPS["rnn_packed"] = Op("rnn", _rnn_packed, "StackBackward0")
# PyTorch's packed kernels build the output data by concatenating the time steps' rows
OPS["rnn_packed_rows"] = Op("cat", _packed_rows, "CatBackward0", edges=1, linear=True)


def _pack_padded(padded, index, *, batch_first):
    """The packed rows of a padded (T, B, *) (or (B, T, *)) batch: its data, time-major."""
    if batch_first:
        padded = jnp.swapaxes(padded, 0, 1)
    return padded.reshape((-1,) + padded.shape[2:])[index]


OPS["pack_padded_sequence"] = Op(
    "pack_padded_sequence",
    _pack_padded,
    "PackPaddedSequenceBackward0",
    edges=1,
    linear=True,
    saved={"batch_first": "batch_first"},
)
