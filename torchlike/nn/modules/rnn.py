"""Recurrent layers: RNN, LSTM, GRU (multi-layer, bidirectional, batch_first) and their cells.

A whole RNN call is one table op (``_ops/nn_table.py``: ``lax.scan`` over time, layer by layer),
so a sequence costs one dispatch forward and one compiled backward, whatever its length.  The
cells are written with ordinary tensor ops, which gives PyTorch's grad_fn names.
"""

from __future__ import annotations

import math
import numbers
import warnings

from ... import _autocast, _factories
from ... import _dtype as D
from ..._ops import (
    OPS,
    apply,
    rnn_packed_table,  # noqa: F401 - registers OPS["rnn_packed"]
)
from ..._ops import frontend as _f
from ...autograd import grad_mode
from .. import functional as F
from .. import init
from ..parameter import Parameter
from ._packed import PackedSequence, _packing_index, _unpack_to_grid
from ._utils import empty, zeros
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


class RNNBase(Module):
    """Parameters, checks and the forward call shared by RNN, LSTM and GRU."""

    __constants__ = [
        "mode",
        "input_size",
        "hidden_size",
        "num_layers",
        "bias",
        "batch_first",
        "dropout",
        "bidirectional",
        "proj_size",
    ]

    def __init__(
        self,
        mode,
        input_size,
        hidden_size,
        num_layers=1,
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
        proj_size=0,
        device=None,
        dtype=None,
    ):
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        if (
            not isinstance(dropout, numbers.Number)
            or not 0 <= dropout <= 1
            or isinstance(dropout, bool)
        ):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the "
                "probability of an element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so "
                "non-zero dropout expects num_layers greater than 1, but got "
                f"dropout={dropout} and num_layers={num_layers}",
                stacklevel=3,
            )
        if not isinstance(input_size, int):
            raise TypeError(f"input_size should be of type int, got: {type(input_size).__name__}")
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError(
                "proj_size should be a positive integer or zero to disable projections"
            )
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input = input_size if layer == 0 else real_hidden * num_directions
                suffix = "_reverse" if direction == 1 else ""
                params = [
                    ("weight_ih_l{}{}", (gate_size, layer_input)),
                    ("weight_hh_l{}{}", (gate_size, real_hidden)),
                ]
                if bias:
                    params += [("bias_ih_l{}{}", (gate_size,)), ("bias_hh_l{}{}", (gate_size,))]
                if proj_size > 0:
                    params.append(("weight_hr_l{}{}", (proj_size, hidden_size)))
                for fmt, shape in params:
                    name = fmt.format(layer, suffix)
                    setattr(self, name, Parameter(empty(*shape, device=device, dtype=dtype)))
                    self._flat_weights_names.append(name)
        self.reset_parameters()

    @property
    def _flat_weights(self):
        return [getattr(self, n, None) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        per = len(self._flat_weights_names) // (self.num_layers * (2 if self.bidirectional else 1))
        w = self._flat_weights
        return [w[i : i + per] for i in range(0, len(w), per)]

    def flatten_parameters(self):
        pass

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # -- forward ---------------------------------------------------------------------------
    def _hidden_shape(self, batch, cell=False):
        dirs = 2 if self.bidirectional else 1
        size = self.hidden_size if cell or self.proj_size == 0 else self.proj_size
        return (self.num_layers * dirs, batch, size)

    def _check_input_dtype(self, input):
        weight = self._flat_weights[0]
        if input.dtype is not weight.dtype and not _autocast.ACTIVE[0]:
            raise ValueError(
                f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). "
                f"Convert input: input.to({weight.dtype}), or convert model: "
                f"model.to({input.dtype})"
            )

    def _check_hidden(self, hx, expected, what="Expected hidden size"):
        if tuple(hx.shape) != expected:
            raise RuntimeError(f"{what} {expected}, got {list(hx.shape)}")

    def _static(self, n_weights, n_masks):
        return (
            ("mode", {"RNN_TANH": "RNN", "RNN_RELU": "RNN"}.get(self.mode, self.mode)),
            ("num_layers", self.num_layers),
            ("bidirectional", self.bidirectional),
            ("has_biases", self.bias),
            ("nonlinearity", "relu" if self.mode == "RNN_RELU" else "tanh"),
            ("proj", self.proj_size > 0),
            ("n_weights", n_weights),
            ("n_masks", n_masks),
        )

    def _run_packed(self, packed, hx, cx):
        data, batch_sizes, sorted_indices, unsorted_indices = packed
        # host values: the packed layout (and so every shape below) depends on them
        sizes = [int(n) for n in batch_sizes.tolist()]
        index, lengths = _packing_index(sizes)
        batch = sizes[0]
        self._check_input_dtype(data)
        if data.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected "
                f"{self.input_size}, got {data.shape[-1]}"
            )
        is_lstm = self.mode == "LSTM"
        states = []
        for state, cell in ((hx, False), (cx, True)):
            if cell and not is_lstm:
                states.append(None)
                continue
            expected = self._hidden_shape(batch, cell=cell)
            if state is None:
                states.append(zeros(*expected, dtype=data.dtype))
                continue
            what = "Expected hidden size"
            if is_lstm:
                what = "Expected hidden[1] size" if cell else "Expected hidden[0] size"
            self._check_hidden(state, expected, what)
            # the caller's batch order -> sorted (longest first), as the packed rows are
            if sorted_indices is not None:
                state = state.index_select(1, sorted_indices)
            states.append(state)
        grid = _unpack_to_grid(data, index, len(sizes), batch)
        masks = []
        if self.dropout > 0 and self.training and self.num_layers > 1:
            width = (self.proj_size or self.hidden_size) * (2 if self.bidirectional else 1)
            with grad_mode.no_grad():
                for _ in range(self.num_layers - 1):
                    # PyTorch drops out the packed rows (its layer output is packed data), so
                    # the generator fills (sum(lengths), width) in packed order
                    keep = F._bernoulli_like(data, (data.shape[0], width), 1 - self.dropout)
                    keep = _unpack_to_grid(keep.div_(1 - self.dropout), index, len(sizes), batch)
                    masks.append(keep)
        weights = self._flat_weights
        lengths_t = _factories.tensor(lengths, dtype=D.int64)
        # the scan sees only (T, B): new length patterns reuse its compiled program
        outs = apply(
            OPS["rnn_packed"],
            (grid, *states, *weights, *masks, lengths_t),
            self._static(len(weights), len(masks)),
        )
        rows = apply(OPS["rnn_packed_rows"], (outs[0], _factories.tensor(index, dtype=D.int64)))
        n_states = self.num_layers * (2 if self.bidirectional else 1)
        h_n = _f.stack(outs[1 : 1 + n_states])
        c_n = _f.stack(outs[1 + n_states :]) if is_lstm else None
        if unsorted_indices is not None:
            h_n = h_n.index_select(1, unsorted_indices)
            c_n = None if c_n is None else c_n.index_select(1, unsorted_indices)
        output = PackedSequence(rows, batch_sizes, sorted_indices, unsorted_indices)
        return output, h_n, c_n

    def _run(self, input, hx, cx):
        if isinstance(input, PackedSequence):
            return self._run_packed(input, hx, cx)
        name = type(self).__name__
        if input.dim() not in (2, 3):
            raise ValueError(
                f"{name}: Expected input to be 2D or 3D, got {input.dim()}D tensor instead"
                if name == "RNN"
                else f"{name}: Expected input to be 2D or 3D, got {input.dim()}D instead"
            )
        batched = input.dim() == 3
        if batched and hx is not None and (hx.dim() != 3 or (cx is not None and cx.dim() != 3)):
            if cx is not None:
                raise RuntimeError(
                    "For batched 3-D input, hx and cx should also be 3-D but got "
                    f"({hx.dim()}-D, {cx.dim()}-D) tensors"
                )
            raise RuntimeError(
                f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor"
            )
        if not batched:
            if hx is not None and hx.dim() != 2:
                if cx is not None:
                    raise RuntimeError(
                        "For unbatched 2-D input, hx and cx should also be 2-D but got "
                        f"({hx.dim()}-D, {cx.dim()}-D) tensors"
                    )
                raise RuntimeError(
                    f"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D tensor"
                )
            input = input.unsqueeze(1)
            hx = None if hx is None else hx.unsqueeze(1)
            cx = None if cx is None else cx.unsqueeze(1)
        elif self.batch_first:
            input = input.transpose(0, 1)
        self._check_input_dtype(input)
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected "
                f"{self.input_size}, got {input.shape[-1]}"
            )
        batch = input.shape[1]
        is_lstm = self.mode == "LSTM"
        if hx is None:
            hx = zeros(*self._hidden_shape(batch), dtype=input.dtype)
        else:
            self._check_hidden(
                hx,
                self._hidden_shape(batch),
                "Expected hidden[0] size" if is_lstm else "Expected hidden size",
            )
        if is_lstm:
            if cx is None:
                cx = zeros(*self._hidden_shape(batch, cell=True), dtype=input.dtype)
            else:
                self._check_hidden(
                    cx, self._hidden_shape(batch, cell=True), "Expected hidden[1] size"
                )
        masks = []
        if self.dropout > 0 and self.training and self.num_layers > 1:
            dirs = 2 if self.bidirectional else 1
            width = (self.proj_size or self.hidden_size) * dirs
            with grad_mode.no_grad():
                for _ in range(self.num_layers - 1):
                    keep = F._bernoulli_like(
                        input, (input.shape[0], batch, width), 1 - self.dropout
                    )
                    masks.append(keep.div_(1 - self.dropout))
        weights = self._flat_weights
        # PyTorch's CPU LSTM runs on oneDNN for float32 without projections
        mkldnn = is_lstm and input.dtype is D.float32 and self.proj_size == 0
        op = OPS["rnn_bidirectional" if self.bidirectional else "rnn_mkldnn" if mkldnn else "rnn"]
        static = self._static(len(weights), len(masks))
        outs = apply(op, (input, hx, cx if is_lstm else None, *weights, *masks), static)
        n_states = self.num_layers * (2 if self.bidirectional else 1)
        output = outs[0]
        h_n = _f.stack(outs[1 : 1 + n_states])
        c_n = _f.stack(outs[1 + n_states :]) if is_lstm else None
        if not batched:
            output = output.squeeze(1)
            h_n = h_n.squeeze(1)
            c_n = None if c_n is None else c_n.squeeze(1)
        elif self.batch_first:
            output = output.transpose(0, 1)
        return output, h_n, c_n


class RNN(RNNBase):
    """Elman RNN: ``h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)`` (or ReLU)."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(
                f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'."
            )
        super().__init__(mode, *args, **kwargs)

    def forward(self, input, hx=None):
        output, h_n, _ = self._run(input, hx, None)
        return output, h_n


class LSTM(RNNBase):
    """Long short-term memory (optionally with projections, ``proj_size``)."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def forward(self, input, hx=None):
        # (hx[0], hx[1] as PyTorch reads them: a lone tensor gets its IndexError)
        h0, c0 = (None, None) if hx is None else (hx[0], hx[1])
        output, h_n, c_n = self._run(input, h0, c0)
        return output, (h_n, c_n)


class GRU(RNNBase):
    """Gated recurrent unit."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        output, h_n, _ = self._run(input, hx, None)
        return output, h_n


class RNNCellBase(Module):
    __constants__ = ["input_size", "hidden_size", "bias"]

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(
            empty(num_chunks * hidden_size, input_size, device=device, dtype=dtype)
        )
        self.weight_hh = Parameter(
            empty(num_chunks * hidden_size, hidden_size, device=device, dtype=dtype)
        )
        if bias:
            self.bias_ih = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self):
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _prepare(self, input, hx, n_states=1):
        if input.dim() not in (1, 2):
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 1D or 2D, got {input.dim()}D instead"
            )
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input has inconsistent input_size: got {input.shape[-1]} "
                f"expected {self.input_size}"
            )
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        batch = input.shape[0]
        if hx is None:
            hx = tuple(zeros(batch, self.hidden_size, dtype=input.dtype) for _ in range(n_states))
        else:
            hx = hx if isinstance(hx, tuple) else (hx,)
            if not batched:
                hx = tuple(h.unsqueeze(0) for h in hx)
            for k, h in enumerate(hx):
                if h.shape[0] != batch:
                    raise RuntimeError(
                        f"Input batch size {batch} doesn't match hidden{k} batch size {h.shape[0]}"
                    )
        return input, hx, batched


class RNNCell(RNNCellBase):
    def __init__(
        self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None
    ):
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        x, (h,), batched = self._prepare(input, hx)
        pre = F.linear(x, self.weight_ih, self.bias_ih) + F.linear(h, self.weight_hh, self.bias_hh)
        if self.nonlinearity == "tanh":
            out = pre.tanh()
        elif self.nonlinearity == "relu":
            out = pre.relu()
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return out if batched else out.squeeze(0)


class LSTMCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        x, (h, c), batched = self._prepare(input, hx, 2)
        gates = F.linear(x, self.weight_ih, self.bias_ih) + F.linear(
            h, self.weight_hh, self.bias_hh
        )
        i, f, g, o = gates.chunk(4, 1)
        c = f.sigmoid() * c + i.sigmoid() * g.tanh()
        h = o.sigmoid() * c.tanh()
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        x, (h,), batched = self._prepare(input, hx)
        gi = F.linear(x, self.weight_ih, self.bias_ih)
        gh = F.linear(h, self.weight_hh, self.bias_hh)
        i_r, i_z, i_n = gi.chunk(3, 1)
        h_r, h_z, h_n = gh.chunk(3, 1)
        r = (i_r + h_r).sigmoid()
        z = (i_z + h_z).sigmoid()
        n = (i_n + r * h_n).tanh()
        out = n + z * (h - n)
        return out if batched else out.squeeze(0)
