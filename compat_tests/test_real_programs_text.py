"""Blockers found by running real, published text / sequence / transformer programs (nanoGPT,
minGPT, makemore, the PyTorch NLP tutorials, pytorch/examples word_language_model) under
``python -m torchlike``, each reduced to the few lines that reproduce it."""

import importlib
import warnings

import pytest


def _caught(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn()
    return out, [str(w.message) for w in caught]


# ------------------------------------------------------- pytorch/examples word_language_model
# main.py imports torch.onnx at the top and exports only behind --onnx-export.
def test_import_torch_onnx(torch):
    onnx = importlib.import_module(torch.__name__ + ".onnx")
    assert onnx is torch.onnx
    assert onnx.is_in_onnx_export() is False


# ----------------------------------------------- tutorials: translation with nn.Transformer
# A float causal tgt_mask next to a bool tgt_padding_mask: PyTorch still runs it, with a
# deprecation warning from the attention module.
def test_mha_mismatched_mask_types_warn(torch):
    torch.manual_seed(0)
    mha = torch.nn.MultiheadAttention(4, 2)
    x = torch.randn(3, 2, 4)
    causal = torch.nn.Transformer.generate_square_subsequent_mask(3)
    pad = torch.tensor([[False, False, True], [False, False, False]])
    (out, w), msgs = _caught(lambda: mha(x, x, x, key_padding_mask=pad, attn_mask=causal))
    assert msgs == [
        "Support for mismatched key_padding_mask and attn_mask is deprecated. "
        "Use same type for both instead."
    ]
    assert w.shape == (2, 3, 3)
    assert w[0, 2, 2].item() == 0.0  # padded key
    assert w[1, 0, 1].item() == 0.0  # future key
    # the float padding mask of the same meaning gives the same answer, silently
    fpad = torch.zeros(2, 3).masked_fill(pad, float("-inf"))
    (out2, w2), msgs = _caught(lambda: mha(x, x, x, key_padding_mask=fpad, attn_mask=causal))
    assert msgs == []
    assert torch.allclose(out, out2) and torch.allclose(w, w2)


def test_transformer_encoder_mismatched_mask_types_warn(torch):
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, batch_first=True)
    enc = torch.nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
    x = torch.randn(2, 3, 4)
    causal = torch.nn.Transformer.generate_square_subsequent_mask(3)
    pad = torch.tensor([[False, False, True], [False, False, False]])
    y, msgs = _caught(lambda: enc(x, mask=causal, src_key_padding_mask=pad))
    assert msgs == [
        "Support for mismatched src_key_padding_mask and mask is deprecated. "
        "Use same type for both instead."
    ]
    assert y.shape == (2, 3, 4)
    _, msgs = _caught(lambda: layer(x, src_mask=causal, src_key_padding_mask=pad))
    assert msgs == [
        "Support for mismatched src_key_padding_mask and src_mask is deprecated. "
        "Use same type for both instead."
    ]
    _, msgs = _caught(lambda: enc(x, mask=causal.bool(), src_key_padding_mask=pad))
    assert msgs == []


def test_mha_integer_mask_refused_with_its_name(torch):
    mha = torch.nn.MultiheadAttention(4, 2)
    x = torch.randn(3, 2, 4)
    with pytest.raises(AssertionError, match="only bool and floating types of key_padding_mask"):
        mha(x, x, x, key_padding_mask=torch.zeros(2, 3, dtype=torch.int64))
    with pytest.raises(AssertionError, match="only bool and floating types of attn_mask"):
        mha(x, x, x, attn_mask=torch.zeros(3, 3, dtype=torch.int64))


# ----------------------------------------------- tutorials: text classification (EmbeddingBag)
def test_embedding_bag_from_pretrained(torch):
    weights = torch.arange(12.0).view(4, 3)
    bag = torch.nn.EmbeddingBag.from_pretrained(weights, mode="mean")
    assert bag.weight.requires_grad is False
    assert (bag.num_embeddings, bag.embedding_dim, bag.mode) == (4, 3, "mean")
    out = bag(torch.tensor([0, 1, 3]), torch.tensor([0, 2]))
    assert out.tolist() == [[1.5, 2.5, 3.5], [9.0, 10.0, 11.0]]
    summed = torch.nn.EmbeddingBag.from_pretrained(weights, freeze=False, mode="sum")
    assert summed.weight.requires_grad is True
    assert summed(torch.tensor([[0, 1], [2, 3]])).tolist() == [[3.0, 5.0, 7.0], [15.0, 17.0, 19.0]]
    with pytest.raises(
        AssertionError, match="Embeddings parameter is expected to be 2-dimensional"
    ):
        torch.nn.EmbeddingBag.from_pretrained(torch.zeros(3))


def test_embedding_bag_input_checks(torch):
    F = torch.nn.functional
    w = torch.randn(10, 3)
    with pytest.raises(ValueError, match="if input is 2D, then offsets has to be None") as info:
        F.embedding_bag(torch.zeros(2, 2, dtype=torch.long), w, torch.tensor([0]))
    assert str(info.value).endswith("However, found offsets of type <class 'torch.Tensor'>")
    with pytest.raises(ValueError, match="^offsets has to be a 1D Tensor$"):
        F.embedding_bag(torch.zeros(4, dtype=torch.long), w, torch.tensor([[0, 2]]))
    with pytest.raises(ValueError, match="input has to be 1D or 2D Tensor, but got Tensor of dim"):
        F.embedding_bag(torch.zeros(2, 2, 1, dtype=torch.long), w)


# ------------------------------------------ word-level LMs and taggers: the loss's target checks
def test_cross_entropy_sequence_target_shape(torch):
    F = torch.nn.functional
    # (N, C, T) logits against an (N, T) target: the classic forgotten transpose
    with pytest.raises(RuntimeError, match=r"^Expected target size \[2, 5\], got \[2, 7\]$"):
        F.cross_entropy(torch.randn(2, 7, 5), torch.zeros(2, 7, dtype=torch.long))
    with pytest.raises(
        RuntimeError, match=r"^Expected target size \[2, 5, 3, 2\], got \[2, 5, 3\]"
    ):
        F.cross_entropy(torch.randn(2, 7, 5, 3, 2), torch.zeros(2, 5, 3, dtype=torch.long))
    with pytest.raises(RuntimeError, match="only batches of spatial targets supported"):
        F.cross_entropy(torch.randn(2, 7, 5, 3), torch.zeros(2, 5, dtype=torch.long))
    with pytest.raises(RuntimeError, match=r"size mismatch \(got input: \[2, 7, 5, 3\] , target"):
        F.cross_entropy(torch.randn(2, 7, 5, 3), torch.zeros(2, 5, 4, dtype=torch.long))
    assert F.cross_entropy(torch.zeros(2, 7, 5), torch.zeros(2, 5, dtype=torch.long)).shape == ()


@pytest.mark.parametrize(
    "dtype, name", [("int32", "Int"), ("int16", "Short"), ("int8", "Char"), ("bool", "Bool")]
)
def test_nll_loss_target_must_be_long_or_byte(torch, dtype, name):
    F = torch.nn.functional
    target = torch.tensor([1, 0], dtype=getattr(torch, dtype))
    msg = f"expected target dtype to be Long or Byte, but got {name}"
    with pytest.raises(RuntimeError, match=msg):
        F.cross_entropy(torch.randn(2, 5), target)
    with pytest.raises(RuntimeError, match=msg):
        F.nll_loss(torch.randn(2, 5), target)
    assert F.nll_loss(torch.zeros(2, 5), target.to(torch.uint8)).item() == 0.0


# ---------------------------------------------- nanoGPT / minGPT generate(): top-k sampling
def test_topk_k_out_of_range(torch):
    x = torch.randn(2, 5)
    for k, dim in [(6, -1), (-1, -1), (3, 0)]:
        with pytest.raises(RuntimeError, match="^selected index k out of range$"):
            torch.topk(x, k, dim)
    assert torch.topk(x, 5).values.shape == (2, 5)
    assert torch.topk(torch.zeros(2, 0), 0).values.shape == (2, 0)


# ------------------------------------------------- attention: masks in the wrong layout
def test_mha_mask_shapes_checked(torch):
    mha = torch.nn.MultiheadAttention(8, 2)
    x = torch.randn(3, 2, 8)
    # a (src_len, batch) padding mask: broadcasting would give a silently wrong answer
    with pytest.raises(AssertionError, match=r"^Expected key_padded_mask.shape\[0\] to be 2, but"):
        mha(x, x, x, key_padding_mask=torch.zeros(3, 2, dtype=torch.bool))
    with pytest.raises(AssertionError, match=r"^Expected key_padded_mask.shape\[1\] to be 3, but"):
        mha(x, x, x, key_padding_mask=torch.zeros(2, 4, dtype=torch.bool))
    with pytest.raises(RuntimeError) as info:
        mha(x, x, x, attn_mask=torch.zeros(4, 4))
    assert str(info.value) == (
        "The shape of the 2D attn_mask is torch.Size([4, 4]), but should be (3, 3)."
    )
    with pytest.raises(RuntimeError, match=r"The shape of the 3D attn_mask is torch.Size\(\[2, 3"):
        mha(x, x, x, attn_mask=torch.zeros(2, 3, 3))
    with pytest.raises(AssertionError, match="expected `key_padding_mask` to be `None` or 2-D"):
        mha(x, x, x, key_padding_mask=torch.zeros(2, 3, 1, dtype=torch.bool))
    with pytest.raises(AssertionError, match="expected `key` and `value` to be 3-D"):
        mha(x, x[0], x)
    out, w = mha(x, x, x, attn_mask=torch.zeros(4, 3, 3))
    assert out.shape == (3, 2, 8) and w.shape == (2, 3, 3)


# ------------------------------------------------------------- RNN hidden-state mistakes
def test_rnn_hidden_rank_messages(torch):
    x = torch.randn(5, 3, 8)
    lstm = torch.nn.LSTM(8, 12, 2)
    # a single tensor where LSTM wants (h0, c0) unpacks along dim 0 into two 2-d tensors
    with pytest.raises(RuntimeError, match=r"^For batched 3-D input, hx and cx should also be 3-D"):
        lstm(x, torch.zeros(2, 3, 12))
    with pytest.raises(RuntimeError, match="^For batched 3-D input, hx should also be 3-D but got"):
        torch.nn.GRU(8, 12)(x, torch.zeros(3, 12))
    with pytest.raises(ValueError, match="^GRU: Expected input to be 2D or 3D, got 4D instead$"):
        torch.nn.GRU(8, 12)(x.unsqueeze(-1))
    with pytest.raises(ValueError, match="^RNN: Expected input to be 2D or 3D, got 4D tensor inst"):
        torch.nn.RNN(8, 12)(x.unsqueeze(-1))


# ------------------------------------- batch_first transformer training: dropout's mask order
def test_dropout_mask_follows_memory_order(torch):
    # MultiheadAttention(batch_first=True) hands dropout1 a transposed tensor; PyTorch's mask
    # is drawn over its storage, so the same seed drops other elements than for a copy
    torch.manual_seed(1)
    t = torch.nn.functional.dropout(torch.ones(3, 4).t(), 0.5)
    assert t.tolist() == [[2.0, 0.0, 0.0], [2.0, 2.0, 2.0], [2.0, 2.0, 0.0], [2.0, 0.0, 2.0]]
    torch.manual_seed(1)
    c = torch.nn.functional.dropout(torch.ones(4, 3), 0.5)
    assert c.tolist() == [[2.0, 2.0, 2.0], [2.0, 0.0, 2.0], [2.0, 0.0, 0.0], [2.0, 0.0, 2.0]]
    torch.manual_seed(1)
    y = torch.nn.functional.dropout(torch.ones(2, 3, 4).transpose(0, 1), 0.5)
    assert y.sum(-1).tolist() == [[8.0, 6.0], [4.0, 2.0], [4.0, 0.0]]
    torch.manual_seed(1)
    s = torch.nn.functional.dropout(torch.ones(3, 8)[:, ::2], 0.5)  # not dense: logical order
    torch.manual_seed(1)
    assert torch.equal(s, torch.nn.functional.dropout(torch.ones(3, 4), 0.5))


def test_batch_first_encoder_layer_training_draws_as_pytorch(torch):
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, batch_first=True)
    x = torch.randn(3, 4, 8)
    torch.manual_seed(1)
    assert f"{layer(x).abs().sum().item():.3f}" == "76.654"


# ------------------------- padded-batch encoders in eval: PyTorch's nested-tensor fast path
def _encoder(torch, **kwargs):
    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.1, batch_first=True)
    return torch.nn.TransformerEncoder(layer, 2, **kwargs).eval()


def test_encoder_padded_positions_zero_in_inference(torch):
    enc = _encoder(torch, norm=torch.nn.LayerNorm(8))
    with torch.no_grad():
        enc.norm.bias.fill_(0.5)
    x = torch.randn(3, 4, 8)
    pad = torch.tensor([[0, 0, 1, 1], [0, 0, 0, 0], [0, 1, 1, 1]], dtype=torch.bool)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with torch.no_grad():
            y = enc(x, src_key_padding_mask=pad)
    # the padded rows come back as zeros, so the final norm leaves its bias there
    assert y[0, 2:].tolist() == [[0.5] * 8] * 2
    assert y[2, 1:].tolist() == [[0.5] * 8] * 3
    assert all("prototype stage" in str(w.message) for w in caught)
    with torch.no_grad():
        plain = enc(x, src_key_padding_mask=pad, mask=torch.zeros(4, 4, dtype=torch.bool))
    assert torch.allclose(plain[0, :2], y[0, :2], atol=1e-5)
    assert (plain[0, 2:] - 0.5).abs().sum().item() > 1.0  # computed values there


@pytest.mark.parametrize("case", ["grad", "train", "right_aligned", "disabled"])
def test_encoder_padded_positions_computed_otherwise(torch, case):
    enc = _encoder(torch, enable_nested_tensor=case != "disabled")
    x = torch.randn(2, 4, 8)
    pad = torch.tensor([[0, 0, 1, 1], [0, 0, 0, 0]], dtype=torch.bool)
    if case == "right_aligned":
        pad = torch.tensor([[1, 0, 0, 0], [0, 0, 0, 0]], dtype=torch.bool)
    if case == "train":
        enc.train()
        for m in enc.modules():
            if isinstance(m, torch.nn.Dropout):
                m.p = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if case == "grad":
            y = enc(x, src_key_padding_mask=pad)
        else:
            with torch.no_grad():
                y = enc(x, src_key_padding_mask=pad)
    padded = y[0][pad[0]]
    assert padded.abs().sum().item() > 1.0
