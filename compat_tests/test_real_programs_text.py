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
