"""Blockers found by running learning programs written in plain PyTorch unchanged under
``python -m torchlike`` (sweep B): NCF and biased matrix factorisation, DeepFM / torchfm, a DLRM
with EmbeddingBag(sparse=True, include_last_offset=True) + SparseAdam and weighted bags,
SimCLR NT-Xent (three formulations) with CosineAnnealingWarmRestarts, BYOL, triplet / contrastive
/ cosine-embedding / margin-ranking / batch-hard losses, ArcFace / CosFace / center loss / SupCon /
prototypical networks / MoCo's queue, knowledge distillation (KLDivLoss, temperature,
OneCycleLR), LSTM/GRU forecasting with pack_padded_sequence and inter-layer dropout, a GRUCell
seq2seq, a TCN with weight_norm and SequentialLR warm-up, a Transformer forecaster, MAML with
autograd.grad(create_graph=True) / functional_call / torch.func vmap, learn2learn-style
clone_module, Reptile, a TabNet-like model with ghost BatchNorm and class weights,
WeightedRandomSampler / random_split / Subset, mixup / cutmix and focal losses; each reduced to
the few lines that reproduce it."""

import warnings

import numpy as np
import pytest


def _close(a, b, tol=1e-5):
    return np.allclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), atol=tol)


# ------------------------------------------------ DLRM: EmbeddingBag(include_last_offset=True)
# The last offset ends the last bag of a sum/mean bag; entries after it join no bag.
def test_embedding_bag_last_offset_ends_the_last_bag(torch):
    F = torch.nn.functional
    w = torch.arange(12.0).view(4, 3)
    idx = torch.tensor([0, 1, 1, 3])
    out = F.embedding_bag(idx, w, torch.tensor([0, 1, 1]), mode="sum", include_last_offset=True)
    assert out.tolist() == [[0.0, 1.0, 2.0], [0.0, 0.0, 0.0]]
    out = F.embedding_bag(idx, w, torch.tensor([0, 2, 3]), mode="sum", include_last_offset=True)
    assert out.tolist() == [[3.0, 5.0, 7.0], [3.0, 4.0, 5.0]]
    bag = torch.nn.EmbeddingBag.from_pretrained(w, mode="mean", include_last_offset=True)
    assert bag(idx, torch.tensor([0, 2, 4])).tolist() == [[1.5, 2.5, 3.5], [6.0, 7.0, 8.0]]
    # PyTorch's max kernel (and its padding_idx path) runs the last bag to the input's end
    out = F.embedding_bag(idx, w, torch.tensor([0, 1, 1]), mode="max", include_last_offset=True)
    assert out.tolist() == [[0.0, 1.0, 2.0], [9.0, 10.0, 11.0]]
    out = F.embedding_bag(
        idx, w, torch.tensor([0, 2, 3]), mode="sum", include_last_offset=True, padding_idx=0
    )
    assert out.tolist() == [[3.0, 4.0, 5.0], [12.0, 14.0, 16.0]]


def test_embedding_bag_offsets_checks(torch):
    F = torch.nn.functional
    w = torch.arange(12.0).view(4, 3)
    idx = torch.tensor([0, 1, 1, 3])
    with pytest.raises(RuntimeError, match=r"offsets\[0\] has to be 0, i.e., the first sequence"):
        F.embedding_bag(idx, w, torch.tensor([1, 2]), mode="sum")
    with pytest.raises(
        RuntimeError,
        match=r"offsets\[-1\] can not be greater than input's length 4 but got offsets\[-1\] of 6",
    ):
        F.embedding_bag(idx, w, torch.tensor([0, 6]), mode="sum")


# ------------------------------------------------ DLRM weighted bags: per_sample_weights' grad
# per_sample_weights that require grad are the node's second edge (they got no gradient).
def test_embedding_bag_per_sample_weights_gradient(torch):
    F = torch.nn.functional
    w = torch.arange(12.0).view(4, 3).requires_grad_()
    psw = torch.tensor([0.5, 1.0, 2.0, 0.25], requires_grad=True)
    out = F.embedding_bag(
        torch.tensor([0, 1, 1, 3]), w, torch.tensor([0, 2]), mode="sum", per_sample_weights=psw
    )
    nf = out.grad_fn.next_functions
    assert out.grad_fn.name() == "EmbeddingBagBackward0" and len(nf) == 2
    assert nf[1][0].variable is psw
    (out * torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])).sum().backward()
    assert psw.grad.tolist() == [0.0, 3.0, 9.0, 21.0]
    assert w.grad[:, 0].tolist() == [0.5, 1.0, 0.0, 0.0]
    assert w.grad[:, 2].tolist() == [0.0, 2.0, 0.0, 0.25]
    # only the weights require grad: still the bag's node, its weight edge empty
    out = F.embedding_bag(
        torch.tensor([0, 1]), w.detach(), torch.tensor([0]), mode="sum", per_sample_weights=psw[:2]
    )
    assert out.grad_fn.name() == "EmbeddingBagBackward0"
    assert out.grad_fn.next_functions[0] == (None, 0)
    out = F.embedding_bag(torch.tensor([0, 1]), w, torch.tensor([0]), mode="sum")
    assert len(out.grad_fn.next_functions) == 2 and out.grad_fn.next_functions[1] == (None, 0)


# ------------------------------------------------ LSTM forecaster: packed input with dropout
# PyTorch drops out the packed rows between layers, drawing (sum(lengths), width) values.
def test_packed_rnn_dropout_draws_packed_rows(torch):
    nn = torch.nn
    torch.manual_seed(0)
    lstm = nn.LSTM(1, 3, num_layers=2, dropout=0.5, batch_first=True)
    first, second = nn.LSTM(1, 3, batch_first=True), nn.LSTM(3, 3, batch_first=True)
    sd = lstm.state_dict()
    first.load_state_dict({k: v for k, v in sd.items() if k.endswith("_l0")})
    second.load_state_dict({k.replace("_l1", "_l0"): v for k, v in sd.items() if k.endswith("l1")})
    x = torch.randn(3, 4, 1)
    packed = nn.utils.rnn.pack_padded_sequence(x, torch.tensor([4, 2, 1]), batch_first=True)
    torch.manual_seed(1)
    out, _ = lstm(packed)
    torch.manual_seed(1)
    mask = torch.empty(7, 3).bernoulli_(0.5) * 2  # one value per packed row and unit
    mid, _ = first(packed)
    want, _ = second(nn.utils.rnn.PackedSequence(mid.data * mask, mid.batch_sizes))
    assert out.data.shape == (7, 3)
    assert _close(out.data.tolist(), want.data.tolist())


# ------------------------------------------------ distillation: kl_div(reduction='mean')
# The warning points at the caller's line (it pointed into torchlike, so a second call on
# another line was swallowed by the once-per-location filter).
def test_kl_div_mean_warning_points_at_caller(torch):
    F = torch.nn.functional
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        F.kl_div(torch.zeros(3), torch.tensor([0.0, 0.5, 0.5]), reduction="mean")
    assert len(got) == 1 and "'batchmean' divides only by the batch size" in str(got[0].message)
    assert got[0].filename == __file__


# ------------------------------------------------ tabular binning: bucketize of a column
# PyTorch warns once per process that a non-contiguous input / boundary tensor is copied.
_SEARCHSORTED_SCRIPT = """
import warnings
import {name} as torch
warnings.simplefilter("always")
x = torch.randn(5, 3)
torch.bucketize(x[:, 0].contiguous(), torch.tensor([0.0]))
torch.bucketize(x[:, 0], torch.tensor([0.0]))
torch.searchsorted(torch.tensor([0.0, 1.0]), x[:, 1])
torch.searchsorted(torch.ones(2, 2)[:, 0], torch.zeros(3))
"""


def test_searchsorted_non_contiguous_warnings(torch, tmp_path):
    import subprocess
    import sys

    script = tmp_path / "binning.py"
    script.write_text(_SEARCHSORTED_SCRIPT.format(name=torch.__name__))
    err = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True
    ).stderr
    lines = [ln for ln in err.splitlines() if "UserWarning" in ln]
    tail = "will lower the performance due to extra data copy when converting non-contiguous "
    assert len(lines) == 2
    assert lines[0].startswith(f"{script}:7: UserWarning: torch.searchsorted(): input value")
    assert lines[1].startswith(f"{script}:9: UserWarning: torch.searchsorted(): boundary tensor")
    assert all(tail in ln for ln in lines)
    assert lines[1].endswith(
        "please use contiguous boundary tensor if possible. This message will only appear once "
        "per program. (Triggered internally at "
        "/__w/pytorch/pytorch/aten/src/ATen/native/BucketizationUtils.h:38.)"
    )


# ------------------------------------------------ GRU forecaster: unpad_sequence's side effect
# PyTorch transposes the caller's (T, B, *) tensor in place; a later o.gather(0, last_index)
# depends on it (it raised in PyTorch and silently gathered along time in torchlike).
def test_unpad_sequence_transposes_the_callers_tensor(torch):
    R = torch.nn.utils.rnn
    w = torch.arange(6.0).view(3, 2, 1).requires_grad_()
    o = w * 1
    parts = R.unpad_sequence(o, torch.tensor([3, 1]))
    assert [p.tolist() for p in parts] == [[[0.0], [2.0], [4.0]], [[1.0]]]
    assert o.shape == (2, 3, 1)  # (its strides: a known difference of transpose_)
    assert o.grad_fn.name() == "TransposeBackward1"
    (o[1] * 2).sum().backward()
    assert w.grad[:, 1, 0].tolist() == [2.0, 2.0, 2.0] and w.grad[:, 0, 0].tolist() == [0.0] * 3
    y = torch.zeros(2, 3, 1)
    R.unpad_sequence(y, torch.tensor([3, 1]), batch_first=True)
    assert y.shape == (2, 3, 1)


# ------------------------------------------------ CTR models: a Long label into BCE losses
# PyTorch refuses an integer / bool target (the usual fix is y.float()); torchlike computed.
def test_bce_losses_refuse_integer_targets(torch):
    F = torch.nn.functional
    x = torch.zeros(3)
    y = torch.tensor([1, 0, 1])
    msg = "result type Float can't be cast to the desired output type Long"
    with pytest.raises(RuntimeError, match=msg):
        torch.nn.BCEWithLogitsLoss()(x, y)
    with pytest.raises(RuntimeError, match=msg):
        F.binary_cross_entropy_with_logits(x, y, pos_weight=torch.tensor([2.0]))
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Int"):
        F.binary_cross_entropy_with_logits(x, y.int())
    with pytest.raises(RuntimeError, match="Subtraction, the `-` operator, with two bool"):
        F.binary_cross_entropy_with_logits(x, y.bool())
    with pytest.raises(NotImplementedError, match="\"log_sigmoid_cpu\" not implemented for 'Long'"):
        F.binary_cross_entropy_with_logits(y, x)
    with pytest.raises(RuntimeError, match="Found dtype Long but expected Float"):
        torch.nn.BCELoss()(torch.full((3,), 0.5), y)
    with pytest.raises(RuntimeError, match="Found dtype Double but expected Float"):
        F.binary_cross_entropy(torch.full((3,), 0.5), y.double())
    # a float64 weight or pos_weight is read in the input's dtype
    out = F.binary_cross_entropy(torch.full((3,), 0.5), y.float(), weight=torch.ones(3).double())
    assert out.dtype == torch.float32 and _close(out.item(), 0.6931472)
    out = F.binary_cross_entropy_with_logits(x, y.float(), pos_weight=torch.ones(3).double())
    assert out.dtype == torch.float32 and out.grad_fn is None


# ------------------------------------------------ metric learning: cdist / huber argument checks
def test_cdist_checks(torch):
    a, b = torch.randn(2, 3), torch.randn(4, 3)
    with pytest.raises(RuntimeError, match="X1 and X2 must have the same number of columns. X1: 3"):
        torch.cdist(a, torch.randn(2, 4))
    with pytest.raises(RuntimeError, match="cdist only supports at least 2D tensors, X1 got: 1D"):
        torch.cdist(torch.randn(3), b)
    with pytest.raises(RuntimeError, match="cdist only supports at least 2D tensors, X2 got: 1D"):
        torch.cdist(a, torch.randn(3))
    with pytest.raises(RuntimeError, match="cdist only supports non-negative p values"):
        torch.cdist(a, b, p=-1)
    with pytest.raises(
        RuntimeError, match="cdist only supports floating-point dtypes, X2 got: Long"
    ):
        torch.cdist(a, torch.ones(2, 3, dtype=torch.long))
    with pytest.raises(RuntimeError, match="expected scalar type Float but found Double"):
        torch.cdist(a, b.double())
    with pytest.raises(ValueError, match="bad is not a valid value for compute_mode"):
        torch.cdist(a, b, compute_mode="bad")
    assert torch.cdist(a, b, compute_mode="donot_use_mm_for_euclid_dist").shape == (2, 4)


def test_huber_loss_delta_check_and_size_warning_location(torch):
    F = torch.nn.functional
    with pytest.raises(RuntimeError, match="huber_loss does not support non-positive values"):
        F.huber_loss(torch.zeros(2), torch.ones(2), delta=0.0)
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        F.mse_loss(torch.zeros(2, 1), torch.ones(2))
    assert len(got) == 1 and "Using a target size (torch.Size([2]))" in str(got[0].message)
    assert got[0].filename == __file__


# ------------------------------------------------ forecasters fed float64 series
# PyTorch refuses an input whose dtype is not the weights' (torchlike ran it in float64).
def test_rnn_input_dtype_must_match_weights(torch):
    lstm = torch.nn.LSTM(3, 4, batch_first=True)
    msg = (
        r"RNN input dtype \(torch.float64\) does not match weight dtype \(torch.float32\). "
        r"Convert input: input.to\(torch.float32\), or convert model: model.to\(torch.float64\)"
    )
    with pytest.raises(ValueError, match=msg):
        lstm(torch.zeros(2, 5, 3, dtype=torch.float64))
    packed = torch.nn.utils.rnn.pack_sequence([torch.zeros(2, 3, dtype=torch.float64)])
    with pytest.raises(ValueError, match=msg.replace("LSTM", "GRU")):
        torch.nn.GRU(3, 4)(packed)
    out, _ = torch.nn.GRU(3, 4).double()(torch.zeros(5, 2, 3, dtype=torch.float64))
    assert out.dtype == torch.float64
    # a lone tensor as an LSTM's (h, c): PyTorch reads hx[0] and hx[1]
    with pytest.raises(IndexError, match="index 1 is out of bounds for dimension 0 with size 1"):
        lstm(torch.zeros(2, 5, 3), torch.zeros(1, 2, 4))


# ------------------------------------------------ recommenders: EmbeddingBag argument errors
def test_embedding_bag_index_and_weight_shape_errors(torch):
    F = torch.nn.functional
    w = torch.ones(5, 2)
    with pytest.raises(
        RuntimeError,
        match=r"Index 1 of input takes value 5 which is not in the valid range \[0, 5\)",
    ):
        torch.nn.EmbeddingBag(5, 2)(torch.tensor([[1, 5]]))
    with pytest.raises(RuntimeError, match="Index 0 of input takes value -2 which is not in"):
        F.embedding_bag(torch.tensor([-2, 1]), w, torch.tensor([0]), mode="sum")
    msg = "embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be 5"
    with pytest.raises(RuntimeError, match=msg):
        F.embedding_bag(torch.tensor([1, 5]), w, torch.tensor([0]), mode="max")
    with pytest.raises(RuntimeError, match=msg):
        F.embedding_bag(torch.tensor([1, 5]), w, torch.tensor([0]), mode="sum", padding_idx=0)
    # the offsets are checked first
    with pytest.raises(RuntimeError, match=r"offsets\[0\] has to be 0"):
        F.embedding_bag(torch.tensor([9, 1]), w, torch.tensor([1]), mode="sum")
    with pytest.raises(
        ValueError,
        match=r"embedding_bag: If per_sample_weights \(torch.Size\(\[3\]\)\) is not None, then it "
        r"must have the same shape as the input \(torch.Size\(\[2\]\)\)",
    ):
        F.embedding_bag(
            torch.tensor([1, 2]), w, torch.tensor([0]), mode="sum", per_sample_weights=torch.ones(3)
        )


# ------------------------------------------------ time series: pad_sequence's trailing shapes
# Each sequence is copied into the first one's trailing shape (copy_'s broadcasting).
def test_pad_sequence_trailing_shapes(torch):
    pad = torch.nn.utils.rnn.pad_sequence
    out = pad([torch.zeros(2, 3), torch.ones(1, 1)], batch_first=True)
    assert out.tolist() == [[[0.0] * 3, [0.0] * 3], [[1.0] * 3, [0.0] * 3]]
    with pytest.raises(RuntimeError, match=r"tensor a \(3\) must match the size of tensor b \(4\)"):
        pad([torch.zeros(2, 3), torch.ones(1, 4)])
    with pytest.raises(
        RuntimeError,
        match=r"output with shape \[1, 3\] doesn't match the broadcast shape \[1, 3, 3\]",
    ):
        pad([torch.zeros(2, 3), torch.ones(1, 3, 1)])
    with pytest.raises(
        RuntimeError,
        match=r"output with shape \[1, 3\] doesn't match the broadcast shape \[1, 3, 3\]",
    ):
        torch.zeros(1, 3).copy_(torch.ones(1, 3, 1))


# ------------------------------------------------ meta-learning Jacobians: is_grads_batched
# autograd.grad(is_grads_batched=True) was ignored (a shape-mismatch error).
def test_grad_is_grads_batched(torch):
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = w**2
    (g,) = torch.autograd.grad(y, w, torch.eye(3), is_grads_batched=True, retain_graph=True)
    assert g.tolist() == [[2.0, 0.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 6.0]]
    a = torch.tensor([1.0, -1.0], requires_grad=True)
    ga, gw = torch.autograd.grad(
        (w[:2] * a, w.sum()), (a, w), (torch.ones(3, 2), torch.arange(3.0)), is_grads_batched=True
    )
    assert ga.tolist() == [[1.0, 2.0]] * 3
    assert gw.tolist() == [[1.0, -1.0, 0.0], [2.0, 0.0, 1.0], [3.0, 1.0, 2.0]]
    with pytest.raises(
        RuntimeError,
        match=r"mismatch was detected: grad_output\[0\] has a shape of torch.Size\(\[1\]\) and "
        r"output\[0\] has a shape of torch.Size\(\[3\]\). If you only want some tensors",
    ):
        torch.autograd.grad(y, w, torch.ones(2, 3, 1), is_grads_batched=True)
    jac = torch.autograd.functional.jacobian(lambda v: v**2, w.detach(), vectorize=True)
    assert jac.tolist() == g.tolist()


# ------------------------------------------------ class weights from label counts: bincount
def test_bincount_argument_errors(torch):
    with pytest.raises(NotImplementedError, match="\"bincount_cpu\" not implemented for 'Float'"):
        torch.bincount(torch.tensor([0.0, 1.0]))  # float labels (forgot .long())
    with pytest.raises(NotImplementedError, match="\"bincount_cpu\" not implemented for 'Bool'"):
        torch.bincount(torch.tensor([True]))
    with pytest.raises(RuntimeError, match="bincount only supports 1-d non-negative integral"):
        torch.bincount(torch.tensor([[1, 2]]))
    with pytest.raises(RuntimeError, match="weights should be 1-d and have the same length as"):
        torch.bincount(torch.tensor([0, 1]), weights=torch.ones(3))
    assert torch.bincount(torch.tensor([0, 2]), weights=torch.tensor([0.5, 2.0])).tolist() == [
        0.5, 0.0, 2.0
    ]  # fmt: skip


# ------------------------------------------------ TCN with the old weight_norm on every conv
# PyTorch's deprecation warning points into its library, so it is printed once for all convs.
def test_old_weight_norm_warning_points_into_the_library(torch):
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        torch.nn.utils.weight_norm(torch.nn.Conv1d(2, 2, 3))
    (w,) = [g for g in got if issubclass(g.category, FutureWarning)]
    assert "`torch.nn.utils.weight_norm` is deprecated" in str(w.message)
    assert w.filename.endswith("weight_norm.py") and w.filename != __file__


# ------------------------------------------------ Barlow Twins: torch.diagonal(c).add_(-1)
def test_copy_slices_node_name(torch):
    a = torch.ones(3, requires_grad=True)
    b = a * 2
    torch.diagonal(b.view(1, 3)).add_(-1)
    assert type(b.grad_fn).__name__ == "CopySlices"
    assert b.grad_fn.name() == "torch::autograd::CopySlices"
    c = b.sin()
    b[1] = 3.0
    with pytest.raises(
        RuntimeError, match="output 0 of torch::autograd::CopySlices, is at version"
    ):
        c.sum().backward()


# ------------------------------------------------ pack_padded_sequence's node
# PyTorch's packed data comes from PackPaddedSequenceBackward0 (was IndexSelectBackward0
# after a ViewBackward0 of the transposed input).
def test_pack_padded_sequence_node(torch):
    R = torch.nn.utils.rnn
    x = torch.arange(6.0).view(2, 3, 1).requires_grad_()
    p = R.pack_padded_sequence(x, [3, 1], batch_first=True)
    assert p.data.grad_fn.name() == "PackPaddedSequenceBackward0"
    assert p.data.grad_fn.next_functions[0][0].variable is x
    assert p.data.grad_fn._saved_batch_first is True
    assert p.data[:, 0].tolist() == [0.0, 3.0, 1.0, 2.0]
    (p.data[:, 0] * torch.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert x.grad[:, :, 0].tolist() == [[1.0, 3.0, 4.0], [2.0, 0.0, 0.0]]
    q = R.pack_padded_sequence(x.detach().requires_grad_(), [1, 3], True, enforce_sorted=False)
    assert q.data.grad_fn.name() == "PackPaddedSequenceBackward0"
    assert q.data.grad_fn.next_functions[0][0].name() == "IndexSelectBackward0"
