"""nn.Module and friends: registration, traversal, state dicts, modes, dtype moves, hooks,
containers, Parameter and print(model)."""

import copy
import warnings
from collections import OrderedDict

import numpy as np
import pytest
from _helpers import assert_close, node_name


def _net(torch):
    nn = torch.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 2, 3)
            self.block = nn.Sequential(nn.Linear(8, 4), nn.ReLU(), nn.Linear(4, 2, bias=False))
            self.register_buffer("steps", torch.zeros(1))
            self.scale = nn.Parameter(torch.ones(1))

        def forward(self, x):
            return self.block(self.conv(x).flatten(1)) * self.scale

    return Net()


NET_REPR = """Net(
  (conv): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))
  (block): Sequential(
    (0): Linear(in_features=8, out_features=4, bias=True)
    (1): ReLU()
    (2): Linear(in_features=4, out_features=2, bias=False)
  )
)"""


# ---------------------------------------------------------------------------------- Parameter
def test_parameter_repr_and_type(torch):
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    assert repr(p) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    assert str(p) == repr(p)
    assert isinstance(p, torch.nn.Parameter) and isinstance(p, torch.Tensor)
    assert p.requires_grad and p.is_leaf
    q = torch.nn.Parameter(torch.tensor([1, 2]), requires_grad=False)
    assert repr(q) == "Parameter containing:\ntensor([1, 2])"
    assert repr(torch.nn.Parameter()) == "Parameter containing:\ntensor([], requires_grad=True)"


def test_parameter_integer_requires_grad_error(torch):
    with pytest.raises(
        RuntimeError, match="Only Tensors of floating point and complex dtype can require gradients"
    ):
        torch.nn.Parameter(torch.tensor([1, 2]))


def test_ops_on_parameter_give_plain_tensors(torch):
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    y = p * 2
    assert type(y) is torch.Tensor
    assert node_name(y) == "MulBackward0"
    assert type(p.detach()) is torch.Tensor
    assert type(copy.deepcopy(p)) is torch.nn.Parameter


def test_parameter_shares_data_with_source(torch):
    t = torch.zeros(3)
    p = torch.nn.Parameter(t)
    with torch.no_grad():
        p.add_(1)
    assert_close(t, [1.0, 1.0, 1.0])


# ---------------------------------------------------------------------------------- registration
def test_print_model(torch):
    assert repr(_net(torch)) == NET_REPR
    assert str(_net(torch)) == NET_REPR


def test_named_parameters_and_buffers(torch):
    net = _net(torch)
    names = [n for n, _ in net.named_parameters()]
    assert names == [
        "scale",
        "conv.weight",
        "conv.bias",
        "block.0.weight",
        "block.0.bias",
        "block.2.weight",
    ]
    assert [n for n, _ in net.named_parameters(prefix="m")][0] == "m.scale"
    assert [n for n, _ in net.named_parameters(recurse=False)] == ["scale"]
    assert [n for n, _ in net.named_buffers()] == ["steps"]
    assert len(list(net.parameters())) == 6
    assert [tuple(p.shape) for p in net.block.parameters()] == [(4, 8), (4,), (2, 4)]
    assert all(isinstance(p, torch.nn.Parameter) for p in net.parameters())


def test_children_and_modules(torch):
    net = _net(torch)
    assert [n for n, _ in net.named_children()] == ["conv", "block"]
    assert [type(m).__name__ for m in net.children()] == ["Conv2d", "Sequential"]
    assert [n for n, _ in net.named_modules()] == [
        "",
        "conv",
        "block",
        "block.0",
        "block.1",
        "block.2",
    ]
    assert [n for n, _ in net.named_modules(prefix="net")][:2] == ["net", "net.conv"]
    assert len(list(net.modules())) == 6


def test_shared_parameters_are_listed_once(torch):
    nn = torch.nn
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert len(list(seq.parameters())) == 2
    assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias"]
    assert len(list(seq.named_parameters(remove_duplicate=False))) == 4
    assert [n for n, _ in seq.named_modules()] == ["", "0", "1"]
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_setattr_reassign_and_delete(torch):
    nn = torch.nn
    m = nn.Linear(2, 2)
    m.weight = nn.Parameter(torch.zeros(2, 2))
    assert_close(m.weight, np.zeros((2, 2)))
    m.bias = None
    assert m.bias is None and "bias" in m._parameters
    assert [n for n, _ in m.named_parameters()] == ["weight"]
    m.extra = nn.ReLU()
    assert [n for n, _ in m.named_children()] == ["extra"]
    del m.extra
    assert list(m.children()) == []
    m.register_buffer("buf", torch.ones(2))
    m.buf = torch.zeros(2)
    assert_close(m.buf, [0.0, 0.0])
    assert "buf" in m.state_dict()


def test_registration_errors(torch):
    nn = torch.nn
    m = nn.Linear(3, 2)
    with pytest.raises(TypeError) as e:
        m.weight = torch.ones(2, 3)
    assert str(e.value) == (
        "cannot assign 'torch.FloatTensor' as parameter 'weight' "
        "(torch.nn.Parameter or None expected)"
    )
    with pytest.raises(KeyError) as e:
        m.register_buffer("weight", torch.ones(1))
    assert e.value.args[0] == "attribute 'weight' already exists"
    with pytest.raises(KeyError) as e:
        m.register_buffer("a.b", torch.ones(1))
    assert e.value.args[0] == 'buffer name can\'t contain "."'
    with pytest.raises(TypeError) as e:
        m.register_buffer("x", 3)
    assert (
        str(e.value) == "cannot assign 'int' object to buffer 'x' (torch Tensor or None required)"
    )
    with pytest.raises(TypeError) as e:
        m.register_parameter("p", torch.ones(1))
    assert str(e.value) == (
        "cannot assign 'torch.FloatTensor' object to parameter 'p' "
        "(torch.nn.Parameter or None required)"
    )
    with pytest.raises(KeyError) as e:
        m.add_module("a.b", nn.ReLU())
    assert e.value.args[0] == 'module name can\'t contain ".", got: a.b'
    with pytest.raises(TypeError, match="int is not a Module subclass"):
        m.add_module("x", 3)
    with pytest.raises(AttributeError) as e:
        _ = m.foo
    assert str(e.value) == "'Linear' object has no attribute 'foo'"
    m.register_buffer("buf", torch.ones(1))
    with pytest.raises(TypeError) as e:
        m.buf = 3
    assert str(e.value) == (
        "cannot assign 'int' as buffer 'buf' (torch.nn.Buffer, torch.Tensor or None expected)"
    )


def test_assign_before_init_errors(torch):
    nn = torch.nn

    class A(nn.Module):
        def __init__(self):
            self.x = nn.Linear(1, 1)

    class B(nn.Module):
        def __init__(self):
            self.x = nn.Parameter(torch.ones(1))

    with pytest.raises(
        AttributeError,
        match=r"cannot assign module before Module.__init__\(\) "
        "call",
    ):
        A()
    with pytest.raises(
        AttributeError,
        match=r"cannot assign parameters before "
        r"Module.__init__\(\) call",
    ):
        B()


def test_forward_not_implemented(torch):
    with pytest.raises(NotImplementedError) as e:
        torch.nn.Module()(1)
    assert str(e.value) == 'Module [Module] is missing the required "forward" function'


def test_get_submodule_parameter_buffer(torch):
    net = _net(torch)
    assert type(net.get_submodule("block.0")).__name__ == "Linear"
    assert net.get_parameter("block.0.bias") is net.block[0].bias
    assert net.get_buffer("steps") is net.steps
    with pytest.raises(AttributeError) as e:
        net.get_submodule("block.7")
    assert str(e.value) == "Sequential has no attribute `7`"
    with pytest.raises(AttributeError, match="`steps` is not an nn.Parameter"):
        net.get_parameter("steps")


def test_non_persistent_buffer(torch):
    m = torch.nn.Module()
    m.register_buffer("a", torch.ones(1))
    m.register_buffer("b", torch.ones(1), persistent=False)
    assert [n for n, _ in m.named_buffers()] == ["a", "b"]
    assert list(m.state_dict()) == ["a"]


def test_nn_buffer_assignment(torch):
    m = torch.nn.Module()
    m.b = torch.nn.Buffer(torch.ones(2))
    m.c = torch.nn.Buffer(torch.ones(2), persistent=False)
    assert [n for n, _ in m.named_buffers()] == ["b", "c"]
    assert list(m.state_dict()) == ["b"]


# ---------------------------------------------------------------------------------- modes, grads
def test_train_eval(torch):
    net = _net(torch)
    assert net.training and net.block[1].training
    assert net.eval() is net
    assert not net.training and not net.block[0].training
    net.train()
    assert net.conv.training
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net.train("yes")


def test_zero_grad_and_requires_grad(torch):
    net = _net(torch)
    net(torch.ones(1, 1, 4, 4)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net(torch.ones(1, 1, 4, 4)).sum().backward()
    net.zero_grad(set_to_none=False)
    assert all(p.grad is not None and float(p.grad.abs().sum()) == 0 for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_apply(torch):
    seen = []
    net = _net(torch)
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen == ["Conv2d", "Linear", "ReLU", "Linear", "Sequential", "Net"]

    def init(m):
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.constant_(m.weight, 0.5)

    net.apply(init)
    assert_close(net.block[0].weight, np.full((4, 8), 0.5))


# ---------------------------------------------------------------------------------- dtypes
def test_to_double_keeps_parameter_objects(torch):
    net = _net(torch)
    weight = net.block[0].weight
    net(torch.ones(1, 1, 4, 4)).sum().backward()
    assert net.double() is net
    assert net.block[0].weight is weight
    assert weight.dtype == torch.float64 and weight.grad.dtype == torch.float64
    assert isinstance(weight, torch.nn.Parameter) and weight.requires_grad
    assert net.steps.dtype == torch.float64
    out = net(torch.ones(1, 1, 4, 4, dtype=torch.float64))
    assert out.dtype == torch.float64
    net.float()
    assert weight.dtype == torch.float32
    net.to(torch.float64)
    assert weight.dtype == torch.float64
    net.half()
    assert weight.dtype == torch.float16
    net.to(dtype=torch.float32)
    assert weight.dtype == torch.float32


def test_to_keeps_integer_buffers(torch):
    bn = torch.nn.BatchNorm1d(2)
    bn.double()
    assert bn.running_mean.dtype == torch.float64
    assert bn.num_batches_tracked.dtype == torch.int64


def test_to_integer_dtype_error(torch):
    with pytest.raises(TypeError) as e:
        torch.nn.Linear(2, 2).to(torch.int64)
    assert str(e.value) == (
        "nn.Module.to only accepts floating point or complex dtypes, but "
        "got desired dtype=torch.int64"
    )


def test_linear_dtype_mismatch_error(torch):
    with pytest.raises(RuntimeError) as e:
        torch.nn.Linear(3, 2)(torch.ones(2, 3, dtype=torch.float64))
    assert str(e.value) == "mat1 and mat2 must have the same dtype, but got Double and Float"


# ---------------------------------------------------------------------------------- state dicts
def test_state_dict_contents(torch):
    net = _net(torch)
    sd = net.state_dict()
    assert list(sd) == [
        "scale",
        "steps",
        "conv.weight",
        "conv.bias",
        "block.0.weight",
        "block.0.bias",
        "block.2.weight",
    ]
    assert all(type(v) is torch.Tensor and not v.requires_grad for v in sd.values())
    assert dict(sd._metadata) == {
        "": {"version": 1},
        "conv": {"version": 1},
        "block": {"version": 1},
        "block.0": {"version": 1},
        "block.1": {"version": 1},
        "block.2": {"version": 1},
    }
    kv = net.state_dict(keep_vars=True)
    assert kv["scale"] is net.scale
    assert dict(torch.nn.BatchNorm1d(2).state_dict()._metadata) == {"": {"version": 2}}


def test_load_state_dict_roundtrip(torch):
    a, b = _net(torch), _net(torch)
    result = b.load_state_dict(a.state_dict())
    assert repr(result) == "<All keys matched successfully>"
    assert result.missing_keys == [] and result.unexpected_keys == []
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert_close(pb, pa.detach().numpy())
    x = torch.ones(1, 1, 4, 4)
    assert_close(b(x), a(x).detach().numpy())


def test_load_state_dict_copies_values(torch):
    m = torch.nn.Linear(2, 2)
    sd = {"weight": torch.tensor([[1.0, 2.0], [3.0, 4.0]]), "bias": torch.tensor([5.0, 6.0])}
    m.load_state_dict(sd)
    assert_close(m.weight, [[1.0, 2.0], [3.0, 4.0]])
    assert m.weight.requires_grad and isinstance(m.weight, torch.nn.Parameter)
    assert_close(m(torch.tensor([[1.0, 1.0]])), [[8.0, 13.0]])


def test_load_state_dict_errors(torch):
    m = torch.nn.Linear(3, 2)
    m.register_buffer("buf", torch.ones(1))
    with pytest.raises(RuntimeError) as e:
        m.load_state_dict({"weight": torch.ones(2, 3)})
    assert str(e.value) == (
        "Error(s) in loading state_dict for Linear:\n\tMissing key(s) in "
        'state_dict: "bias", "buf". '
    )
    with pytest.raises(RuntimeError) as e:
        m.load_state_dict(
            {
                "weight": torch.ones(2, 3),
                "bias": torch.ones(2),
                "buf": torch.ones(1),
                "extra": torch.ones(1),
                "x.y": torch.ones(1),
            }
        )
    assert str(e.value) == (
        "Error(s) in loading state_dict for Linear:\n\tUnexpected key(s) "
        'in state_dict: "extra", "x.y". '
    )
    with pytest.raises(RuntimeError) as e:
        m.load_state_dict({"weight": torch.ones(3, 3), "bias": torch.ones(2), "buf": torch.ones(1)})
    assert str(e.value) == (
        "Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a "
        "param with shape torch.Size([3, 3]) from checkpoint, the shape in current model is "
        "torch.Size([2, 3])."
    )
    with pytest.raises(RuntimeError) as e:
        m.load_state_dict({"weight": torch.ones(2, 3), "junk": torch.ones(1)})
    assert str(e.value) == (
        "Error(s) in loading state_dict for Linear:\n\tMissing key(s) in "
        'state_dict: "bias", "buf". \n\tUnexpected key(s) in state_dict: '
        '"junk". '
    )
    with pytest.raises(TypeError) as e:
        m.load_state_dict([1])
    assert str(e.value) == "Expected state_dict to be dict-like, got <class 'list'>."


def test_load_state_dict_non_strict(torch):
    m = torch.nn.Linear(2, 2)
    r = m.load_state_dict({"weight": torch.zeros(2, 2), "other": torch.ones(1)}, strict=False)
    assert r.missing_keys == ["bias"] and r.unexpected_keys == ["other"]
    assert repr(r) == "_IncompatibleKeys(missing_keys=['bias'], unexpected_keys=['other'])"
    assert_close(m.weight, np.zeros((2, 2)))


def test_load_state_dict_nested_prefix_error(torch):
    s = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())
    with pytest.raises(RuntimeError) as e:
        s.load_state_dict({"0.weight": torch.ones(2, 2)})
    assert str(e.value) == (
        'Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "0.bias". '
    )


def test_batchnorm_old_checkpoint_without_num_batches_tracked(torch):
    bn = torch.nn.BatchNorm1d(2)
    sd = {k: v for k, v in bn.state_dict().items() if k != "num_batches_tracked"}
    assert repr(bn.load_state_dict(sd)) == "<All keys matched successfully>"


# ---------------------------------------------------------------------------------- hooks
def test_forward_hooks(torch):
    m = torch.nn.Linear(2, 2)
    with torch.no_grad():
        m.weight.copy_(torch.eye(2))
        m.bias.zero_()
    calls = []

    def pre(mod, args):
        calls.append(("pre", len(args)))
        return (args[0] + 1,)

    def post(mod, args, out):
        calls.append(("post", tuple(out.shape)))
        return out * 10

    h1 = m.register_forward_pre_hook(pre)
    h2 = m.register_forward_hook(post)
    assert_close(m(torch.tensor([[1.0, 2.0]])), [[20.0, 30.0]])
    assert calls == [("pre", 1), ("post", (1, 2))]
    h1.remove()
    h2.remove()
    assert_close(m(torch.tensor([[1.0, 2.0]])), [[1.0, 2.0]])


def test_forward_hooks_with_kwargs_and_prepend(torch):
    order = []
    m = torch.nn.Identity()
    m.register_forward_hook(lambda mod, a, out: order.append("a"))
    m.register_forward_hook(lambda mod, a, out: order.append("b"), prepend=True)
    m.register_forward_hook(lambda mod, a, kw, out: order.append(sorted(kw)), with_kwargs=True)
    m.register_forward_pre_hook(lambda mod, a, kw: (a, kw), with_kwargs=True)
    m(torch.ones(1))
    assert order == ["b", "a", []]


def test_full_backward_hooks(torch):
    m = torch.nn.Linear(3, 2)
    with torch.no_grad():
        m.weight.copy_(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
        m.bias.fill_(0.5)
    seen = []

    def pre(mod, grad_output):
        seen.append(("pre", grad_output[0].tolist()))
        return (grad_output[0] * 2,)

    def hook(mod, grad_input, grad_output):
        seen.append(("full", grad_input[0].tolist(), grad_output[0].tolist()))

    m.register_full_backward_pre_hook(pre)
    m.register_full_backward_hook(hook)
    x = torch.tensor([[1.0, 1.0, 1.0]], requires_grad=True)
    y = m(x)
    assert node_name(y) == "BackwardHookFunctionBackward"
    y.sum().backward()
    assert seen == [("pre", [[1.0, 1.0]]), ("full", [[10.0, 14.0, 18.0]], [[2.0, 2.0]])]
    assert_close(x.grad, [[10.0, 14.0, 18.0]])
    assert_close(m.weight.grad, np.full((2, 3), 2.0))


def test_full_backward_hook_can_replace_grad_input(torch):
    m = torch.nn.Linear(2, 2)
    m.register_full_backward_hook(lambda mod, gin, gout: (gin[0] * 0,))
    x = torch.ones(1, 2, requires_grad=True)
    m(x).sum().backward()
    assert_close(x.grad, [[0.0, 0.0]])


def test_full_backward_hook_without_input_grad(torch):
    m = torch.nn.Linear(2, 2)
    seen = []
    m.register_full_backward_hook(lambda mod, gin, gout: seen.append(gin))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        m(torch.ones(1, 2)).sum().backward()
    assert seen == [(None,)]
    assert any(
        "Full backward hook is firing when gradients are computed with respect to "
        "module outputs since no inputs require gradients" in str(x.message)
        for x in w
    )


# ---------------------------------------------------------------------------------- containers
def test_sequential(torch):
    nn = torch.nn
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(seq) == 3
    assert isinstance(seq[0], nn.Linear) and isinstance(seq[-1], nn.Linear)
    sub = seq[1:]
    assert isinstance(sub, nn.Sequential)
    assert repr(sub) == (
        "Sequential(\n  (1): ReLU()\n  (2): Linear(in_features=3, out_features=1, bias=True)\n)"
    )
    with pytest.raises(IndexError, match="index 5 is out of range"):
        seq[5]
    seq.append(nn.Sigmoid())
    assert len(seq) == 4 and [n for n, _ in seq.named_children()] == ["0", "1", "2", "3"]
    del seq[1]
    assert [type(m).__name__ for m in seq] == ["Linear", "Linear", "Sigmoid"]
    assert [n for n, _ in seq.named_children()] == ["0", "1", "2"]
    seq.insert(0, nn.Tanh())
    assert type(seq[0]).__name__ == "Tanh"
    out = seq(torch.ones(4, 2))
    assert tuple(out.shape) == (4, 1)


def test_sequential_from_ordered_dict(torch):
    nn = torch.nn
    seq = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2, bias=False)), ("act", nn.Tanh())]))
    assert repr(seq) == (
        "Sequential(\n  (fc): Linear(in_features=2, out_features=2, bias=False)\n  (act): Tanh()\n)"
    )
    assert seq.fc is seq[0]
    assert list(seq.state_dict()) == ["fc.weight"]


def test_sequential_forward_values(torch):
    nn = torch.nn
    seq = nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1))
    with torch.no_grad():
        seq[0].weight.copy_(torch.tensor([[1.0, -1.0], [2.0, 0.5]]))
        seq[0].bias.copy_(torch.tensor([0.0, -1.0]))
        seq[2].weight.copy_(torch.tensor([[3.0, -2.0]]))
        seq[2].bias.fill_(0.25)
    x = torch.tensor([[1.0, 2.0], [3.0, -1.0]], requires_grad=True)
    y = seq(x)
    assert node_name(y) == "AddmmBackward0"
    # hidden = relu(x W1^T + b1): [[0, 2], [4, 4.5]]; y = h W2^T + b2
    assert_close(y, [[-3.75], [3.25]])
    y.sum().backward()
    assert_close(seq[2].weight.grad, [[4.0, 6.5]])
    assert_close(x.grad, [[-4.0, -1.0], [-1.0, -4.0]])


def test_module_list_and_dict(torch):
    nn = torch.nn
    ml = nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU()])
    assert len(ml) == 3 and len(list(ml.parameters())) == 4
    assert repr(ml) == (
        "ModuleList(\n  (0-1): 2 x Linear(in_features=2, out_features=2, "
        "bias=True)\n  (2): ReLU()\n)"
    )
    ml.append(nn.Tanh())
    ml.extend([nn.Sigmoid()])
    assert [type(m).__name__ for m in ml] == ["Linear", "Linear", "ReLU", "Tanh", "Sigmoid"]
    assert isinstance(ml[1:3], nn.ModuleList)
    with pytest.raises(IndexError, match="index 9 is out of range"):
        ml[9]
    with pytest.raises(
        TypeError, match="ModuleList.extend should be called with an iterable, but got int"
    ):
        ml.extend(3)
    md = nn.ModuleDict({"act": nn.ReLU(), "fc": nn.Linear(1, 2)})
    assert list(md.keys()) == ["act", "fc"] and "fc" in md and len(md) == 2
    assert repr(md) == (
        "ModuleDict(\n  (act): ReLU()\n  (fc): Linear(in_features=1, out_features=2, bias=True)\n)"
    )
    assert [n for n, _ in md.named_parameters()] == ["fc.weight", "fc.bias"]
    md["extra"] = nn.Tanh()
    assert list(md) == ["act", "fc", "extra"]
    assert type(md.pop("act")).__name__ == "ReLU"
    assert list(md) == ["fc", "extra"]


def test_parameter_list_and_dict(torch):
    nn = torch.nn
    pl = nn.ParameterList([nn.Parameter(torch.ones(2)), torch.zeros(2, 3, dtype=torch.float64)])
    assert all(isinstance(p, nn.Parameter) for p in pl)
    assert [n for n, _ in pl.named_parameters()] == ["0", "1"]
    assert repr(pl) == (
        "ParameterList(\n    (0): Parameter containing: [torch.float32 of size "
        "2]\n    (1): Parameter containing: [torch.float64 of size 2x3]\n)"
    )
    pl.append(torch.ones(1))
    assert len(pl) == 3
    with pytest.raises(RuntimeError, match="ParameterList should not be called."):
        pl(1)
    pd = nn.ParameterDict({"b": torch.ones(2), "a": nn.Parameter(torch.zeros(1))})
    assert isinstance(pd["b"], nn.Parameter)
    assert "a" in pd and len(pd) == 2
    assert repr(nn.ParameterDict({"a": nn.Parameter(torch.ones(2))})) == (
        "ParameterDict(  (a): Parameter containing: [torch.FloatTensor of size 2])"
    )


def test_deepcopy_module(torch):
    net = _net(torch)
    twin = copy.deepcopy(net)
    assert twin.block[0].weight is not net.block[0].weight
    assert isinstance(twin.block[0].weight, torch.nn.Parameter)
    assert_close(twin.block[0].weight, net.block[0].weight.detach().numpy())
    with torch.no_grad():
        twin.block[0].weight.zero_()
    assert float(net.block[0].weight.abs().sum()) > 0


def test_custom_module_training_step(torch):
    nn = torch.nn

    class Poly(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Parameter(torch.tensor(0.0))
            self.b = nn.Parameter(torch.tensor(0.0))

        def forward(self, x):
            return self.a + self.b * x

        def extra_repr(self):
            return "degree=1"

    model = Poly()
    assert repr(model) == "Poly(degree=1)"
    x = torch.tensor([0.0, 1.0, 2.0])
    y = torch.tensor([1.0, 3.0, 5.0])
    for _ in range(200):
        loss = ((model(x) - y) ** 2).mean()
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= 0.1 * p.grad
    assert abs(model.a.item() - 1.0) < 1e-3 and abs(model.b.item() - 2.0) < 1e-3


def test_default_init_matches_pytorch_stream(torch):
    torch.manual_seed(0)
    lin = torch.nn.Linear(3, 2)
    assert_close(
        lin.weight,
        [
            [-0.004322517663240433, 0.3097158372402191, -0.4751853346824646],
            [-0.4248946011066437, -0.2223689705133438, 0.15482072532176971],
        ],
    )
    assert_close(lin.bias, [-0.011439144611358643, 0.45777493715286255])
    assert repr(lin.weight) == (
        "Parameter containing:\ntensor([[-0.0043,  0.3097, -0.4752],\n"
        "        [-0.4249, -0.2224,  0.1548]], requires_grad=True)"
    )
