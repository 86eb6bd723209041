"""The meta device: tensors with a shape and a dtype but no data (gpt-fast, torchtitan and the
model-ensembling tutorial build models there, then ``to_empty`` / ``load_state_dict(assign=True)``).
"""

import copy

import pytest


def test_factories_and_repr(torch):
    x = torch.empty(3, device="meta")
    assert x.is_meta and not torch.ones(1).is_meta
    assert x.device == torch.device("meta")
    assert repr(x.device) == "device(type='meta')"
    assert repr(x) == str(x) == "tensor(..., device='meta', size=(3,))"
    cases = [
        (torch.zeros(2, 3, device="meta", dtype=torch.float64), "size=(2, 3), dtype=torch.float64"),
        (torch.ones(2, device="meta", requires_grad=True), "size=(2,), requires_grad=True"),
        (torch.arange(5, device="meta"), "size=(5,), dtype=torch.int64"),
        (torch.randn(2, device="meta"), "size=(2,)"),
        (torch.full((2,), 3, device="meta"), "size=(2,), dtype=torch.int64"),
        (torch.empty((), device="meta"), "size=()"),
        (torch.empty(0, device="meta"), "size=(0,)"),
        (torch.empty(2, device="meta", dtype=torch.bool), "size=(2,), dtype=torch.bool"),
        (torch.tensor([1.0, 2.0], device="meta"), "size=(2,)"),
        (torch.randint(0, 5, (3,), device="meta"), "size=(3,), dtype=torch.int64"),
        (torch.empty_like(x), "size=(3,)"),
        (torch.zeros_like(x, dtype=torch.float16), "size=(3,), dtype=torch.float16"),
        (x.new_empty(4), "size=(4,)"),
    ]
    for t, suffix in cases:
        assert repr(t) == f"tensor(..., device='meta', {suffix})"
    p = torch.nn.Parameter(torch.empty(2, device="meta"))
    assert repr(p) == (
        "Parameter containing:\ntensor(..., device='meta', size=(2,), requires_grad=True)"
    )


def test_meta_factories_draw_nothing(torch):
    torch.manual_seed(0)
    a = torch.rand(2)
    torch.manual_seed(0)
    torch.nn.Linear(3, 4, device="meta")
    torch.randn(3, device="meta")
    torch.empty(3, device="meta").normal_()
    assert torch.equal(torch.rand(2), a)


def test_ops_compute_shapes_and_record_graph(torch):
    a = torch.ones(2, 3, device="meta", requires_grad=True)
    y = a * 2
    assert repr(y) == "tensor(..., device='meta', size=(2, 3), grad_fn=<MulBackward0>)"
    assert type(y.grad_fn.next_functions[0][0]).__name__ == "AccumulateGrad"
    assert repr(y.sum()) == "tensor(..., device='meta', size=(), grad_fn=<SumBackward0>)"
    x = torch.empty(2, 3, device="meta")
    assert repr(x @ torch.empty(3, 4, device="meta")) == "tensor(..., device='meta', size=(2, 4))"
    values, idx = x.max(1)
    assert values.is_meta and idx.dtype == torch.int64 and idx.shape == (2,)
    assert x.argmax(1).dtype == torch.int64
    assert x.long().dtype == torch.int64 and x.half().is_meta
    assert torch.cat([x, x]).shape == (4, 3) and torch.stack([x, x]).shape == (2, 2, 3)
    assert torch.nn.functional.softmax(x, -1).is_meta
    # 0-d CPU tensors mix with meta ones, as scalars
    assert (x + torch.tensor(1.0)).is_meta


def test_views_and_inplace(torch):
    x = torch.empty(2, 3, device="meta")
    v = x.view(3, 2)
    assert v._base is x and v.is_meta
    row = x[0]
    assert row.add_(1) is row and row.shape == (3,) and row.is_meta
    assert x.t().shape == (3, 2) and x.unsqueeze(0).expand(2, 2, 3).shape == (2, 2, 3)
    assert x.copy_(torch.ones(2, 3)) is x and x.is_meta
    assert x.to("meta") is x


def test_errors_in_pytorch_words(torch):
    x = torch.empty(3, device="meta")
    with pytest.raises(RuntimeError, match="a Tensor with 3 elements cannot be converted"):
        x.item()
    with pytest.raises(RuntimeError, match=r"^Tensor.item\(\) cannot be called on meta tensors$"):
        x[0].item()
    with pytest.raises(RuntimeError, match=r"Tensor.item\(\) cannot be called on meta tensors"):
        bool(x[0])
    with pytest.raises(NotImplementedError, match="^Cannot copy out of meta tensor; no data!$"):
        x.tolist()
    with pytest.raises(NotImplementedError, match="Cannot copy out of meta tensor; no data!"):
        x.cpu()
    with pytest.raises(NotImplementedError, match="Cannot copy out of meta tensor; no data!"):
        torch.ones(3).copy_(x)
    with pytest.raises(TypeError, match="can't convert meta device type tensor to numpy"):
        x.numpy()
    with pytest.raises(
        RuntimeError, match="^Tensor on device cpu is not on the expected device meta!$"
    ):
        x + torch.ones(3)
    with pytest.raises(
        RuntimeError, match="^Tensor on device meta is not on the expected device cpu!$"
    ):
        torch.ones(3) * x


def test_device_context_and_module_kwarg(torch):
    with torch.device("meta") as d:
        assert d == torch.device("meta")
        m = torch.nn.Linear(3, 4)
        assert torch.empty(2).is_meta
    assert not torch.empty(2).is_meta
    assert m.weight.is_meta and m.bias.is_meta
    built = [
        torch.nn.Linear(3, 4, device="meta").weight,
        torch.nn.Embedding(10, 3, device="meta").weight,
        torch.nn.Conv2d(1, 2, 3, device="meta").weight,
        torch.nn.LayerNorm(3, device="meta").weight,
        torch.nn.BatchNorm1d(3, device="meta").running_mean,
        torch.nn.BatchNorm1d(3, device="meta").num_batches_tracked,
        torch.nn.LSTM(3, 4, device="meta").weight_ih_l0,
        torch.nn.TransformerEncoderLayer(8, 2, 16, device="meta").self_attn.in_proj_weight,
        torch.nn.TransformerEncoderLayer(8, 2, 16, device="meta").linear1.weight,
    ]
    assert all(t.is_meta for t in built)
    lin = torch.nn.Linear(3, 5, device="meta")
    assert repr(lin.weight) == (
        "Parameter containing:\ntensor(..., device='meta', size=(5, 3), requires_grad=True)"
    )
    out = lin(torch.empty(2, 3, device="meta"))
    assert out.shape == (2, 5) and out.is_meta and out.grad_fn.name() == "AddmmBackward0"


def test_module_to_meta_to_empty_and_assign(torch):
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4)).to("meta")
    assert all(v.is_meta for v in net.state_dict().values())
    assert type(net[0].weight) is torch.nn.Parameter
    twin = copy.deepcopy(net)
    assert twin[0].weight.is_meta and twin[0].weight is not net[0].weight
    net.to_empty(device="cpu")
    assert [(str(v.device), v.dtype) for v in net.state_dict().values()] == [
        ("cpu", torch.float32),
        ("cpu", torch.float32),
        ("cpu", torch.float32),
        ("cpu", torch.float32),
        ("cpu", torch.float32),
        ("cpu", torch.float32),
        ("cpu", torch.int64),
    ]
    assert type(net[0].weight) is torch.nn.Parameter and net[0].weight.requires_grad
    net[0].reset_parameters()
    assert float(net[0].weight.detach().abs().sum()) > 0

    with torch.device("meta"):
        model = torch.nn.Linear(3, 4)
    sd = torch.nn.Linear(3, 4).state_dict()
    result = model.load_state_dict(sd, assign=True)
    assert str(result) == "<All keys matched successfully>"
    assert type(model.weight) is torch.nn.Parameter and model.weight.requires_grad
    assert model.weight.device == torch.device("cpu") and model.weight is not sd["weight"]
    assert torch.equal(model.weight.detach(), sd["weight"])


def test_to_meta_records_copy(torch):
    w = torch.ones(2, requires_grad=True)
    m = w.to("meta")
    assert repr(m) == "tensor(..., device='meta', size=(2,), grad_fn=<ToCopyBackward0>)"
    assert repr(torch.tensor([1, 2]).to("meta")) == (
        "tensor(..., device='meta', size=(2,), dtype=torch.int64)"
    )


def test_meta_model_forward(torch):
    nn = torch.nn
    with torch.device("meta"):
        layer = nn.TransformerEncoderLayer(16, 2, 32, batch_first=True)
        emb = nn.Embedding(100, 16)
        w = torch.empty(4, 4)
        nn.init.trunc_normal_(w, std=0.02)
        nn.init.orthogonal_(w)
    ids = torch.zeros(2, 5, dtype=torch.long, device="meta")
    out = layer(emb(ids))  # training mode: dropout on meta draws no mask
    assert repr(out).startswith("tensor(..., device='meta', size=(2, 5, 16), grad_fn=<")
    assert w.is_meta and sum(p.numel() for p in layer.parameters()) == 2224
    logits = torch.empty(4, 10, device="meta")
    loss = nn.functional.cross_entropy(logits, torch.zeros(4, dtype=torch.long, device="meta"))
    assert repr(loss) == "tensor(..., device='meta', size=())"


def test_load_state_dict_into_meta_without_assign_warns(torch):
    with torch.device("meta"):
        model = torch.nn.Sequential(torch.nn.Linear(2, 2))
    sd = torch.nn.Sequential(torch.nn.Linear(2, 2)).state_dict()
    with pytest.warns(UserWarning) as record:
        model.load_state_dict(sd)
    texts = [str(w.message) for w in record]
    assert [t.split(":")[0] for t in texts] == ["for 0.weight", "for 0.bias"]
    assert "copying from a non-meta parameter in the checkpoint to a meta parameter" in texts[0]
    assert model[0].weight.is_meta
    torch.set_default_device("meta")
    try:
        assert torch.get_default_device() == torch.device("meta") and torch.ones(1).is_meta
    finally:
        # None, not "cpu": PyTorch keeps a device mode active for "cpu", and that mode drops
        # out= from torch.chain_matmul for every later test in the worker
        torch.set_default_device(None)
    assert not torch.ones(1).is_meta


def test_backward_and_optimizer_steps_on_a_meta_model(torch):
    m = torch.nn.Linear(3, 2, device="meta")
    x = torch.randn(4, 3, device="meta")
    opts = [
        torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9),
        torch.optim.AdamW(m.parameters()),
    ]
    for opt in opts:
        for _ in range(2):
            m(x).sum().backward()
            opt.step()
            opt.zero_grad(set_to_none=False)
    assert m.weight.is_meta and m.weight.grad.is_meta and m.weight.grad.shape == (2, 3)
    state = opts[1].state[m.weight]
    assert state["exp_avg"].is_meta and not state["step"].is_meta
    assert state["step"].item() == 2.0


_AFTER_META = """
import torchlike as torch
from torchlike import _device, _storage

with torch.device("meta"):
    model = torch.nn.Linear(4, 3)
model.to_empty(device="cpu")
m = torch.empty(2, device="meta") * 2.0
# the meta device is no second device for the checks and placements of real ones
assert not _device.MIXED[0] and m.is_meta and not model.weight.is_meta
(i,) = list(torch.tensor([5]))
j = i + 3
assert type(j._storage) is _storage.LazyStorage and int(j) == 8  # host arithmetic still on
try:
    m + torch.ones(2)
except RuntimeError as exc:
    assert str(exc) == "Tensor on device cpu is not on the expected device meta!", exc
else:
    raise AssertionError("no device error")
x = torch.ones(2, requires_grad=True)
(x * 2.0).sum().backward()
assert x.grad.tolist() == [2.0, 2.0]
print("ok")
"""


@pytest.mark.torchlike_only
def test_a_meta_model_leaves_the_fast_paths_on(torch):
    # a fresh process: an earlier test in this one may have placed tensors on a second device
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", _AFTER_META], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]
