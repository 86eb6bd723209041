"""RNN/LSTM/GRU over a PackedSequence: one table op, PackedSequence data in, packed data out.

The padded batch is run as one ``lax.scan`` per layer and direction, with each sequence's own
length as a mask: past its end a sequence keeps its state (so h_n/c_n are those of its last
valid step) and emits zeros.  The reverse direction reads each sequence backwards from its own
last step (a per-sequence flip of the valid part), which is what PyTorch's packed kernels do.
Lengths and the packing index are traced operands, so a new length pattern with the same
total size and batch reuses the compiled program.
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
    data,
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
    max_len,
    max_batch,
):
    """``rest``: the flat weights, one dropout mask per layer but the last (on packed rows),
    then ``lengths`` (B,) and ``index`` (N,), each packed row's place in the (T*B) padded grid.
    Returns (packed output, *h_n, *c_n)."""
    weights = rest[:n_weights]
    masks = rest[n_weights : n_weights + n_masks]
    lengths, index = rest[n_weights + n_masks :]
    dirs = 2 if bidirectional else 1
    per = (4 if has_biases else 2) + (1 if proj else 0)

    def unpack(rows):
        grid = jnp.zeros((max_len * max_batch, rows.shape[-1]), rows.dtype).at[index].set(rows)
        return grid.reshape(max_len, max_batch, rows.shape[-1])

    layer_in = data
    hs, cs = [], []
    for layer in range(num_layers):
        seq = unpack(layer_in)
        outs = []
        for d in range(dirs):
            k = (layer * dirs + d) * per
            w = weights[k : k + per]
            b_ih, b_hh = (w[2], w[3]) if has_biases else (None, None)
            c = c0[layer * dirs + d] if c0 is not None else None
            ys, h, c = _masked_layer(
                mode,
                seq,
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
        out = outs[0] if dirs == 1 else jnp.concatenate(outs, axis=-1)
        layer_in = out.reshape(max_len * max_batch, out.shape[-1])[index]
        if layer < num_layers - 1 and n_masks:
            layer_in = layer_in * masks[layer]
    return (layer_in, *hs, *(cs if mode == "LSTM" else ()))


# PyTorch's packed kernels build the output data by concatenating the time steps' rows
OPS["rnn_packed"] = Op("rnn", _rnn_packed, "CatBackward0")
