"""torch.autograd.graph's hooks on saved tensors (``saved_tensors_hooks``, ``save_on_cpu``,
``disable_saved_tensors_hooks``, ``_raw_saved_*.register_hooks``) and
``register_multi_grad_hook``: when each hook runs, with what, and what the backward then uses."""

import pytest


def _recording(log, name=""):
    def pack(x):
        log.append(("pack" + name, x))
        return x

    def unpack(x):
        log.append(("unpack" + name, x))
        return x

    return pack, unpack


def _tags(log, **tensors):
    """The log with each tensor replaced by its name (by identity), else 'other'."""
    out = []
    for event, x in log:
        tag = next((k for k, t in tensors.items() if x is t), "other")
        out.append((event, tag))
    return out


def test_pack_at_save_unpack_at_backward_in_pytorch_order(torch):
    # MulBackward0 keeps `other` before `self` (PyTorch's saved variables are sorted by name)
    log = []
    a = torch.ones(3, requires_grad=True)
    b = torch.ones(3, requires_grad=True) * 2
    with torch.autograd.graph.saved_tensors_hooks(*_recording(log)):
        y = a * b
    assert _tags(log, a=a, b=b) == [("pack", "b"), ("pack", "a")]
    del log[:]
    y.sum().backward()
    assert _tags(log, a=a, b=b) == [("unpack", "b"), ("unpack", "a")]
    assert a.grad.tolist() == [2.0, 2.0, 2.0]


def test_saved_result_is_packed_as_the_output_itself(torch):
    log = []
    a = torch.ones(2, requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(*_recording(log)):
        z = a.exp()
    assert _tags(log, z=z) == [("pack", "z")]
    assert log[0][1].grad_fn.name() == "ExpBackward0"


def test_reading_a_saved_attribute_unpacks(torch):
    log = []
    a = torch.ones(2, requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(*_recording(log)):
        y = a.sin()
    del log[:]
    # (PyTorch hands back a new Tensor object over the same data: compared by value)
    assert torch.equal(y.grad_fn._saved_self, a)
    assert _tags(log, a=a) == [("unpack", "a")]


def test_the_backward_uses_what_unpack_returns(torch):
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(lambda x: x * 4, lambda x: x / 2):
        w = a.pow(2)
    w.sum().backward()
    assert a.grad.tolist() == [4.0, 8.0]  # 2 * (4a / 2)


def test_no_graph_no_pack_and_innermost_pair_wins(torch):
    log = []
    c = torch.ones(3)
    with torch.autograd.graph.saved_tensors_hooks(*_recording(log)):
        d = c * c
    assert d.grad_fn is None and log == []
    a = torch.ones(2, requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(*_recording(log, "1")):
        with torch.autograd.graph.saved_tensors_hooks(*_recording(log, "2")):
            a.sin()
    assert [e for e, _ in log] == ["pack2"]


def test_every_backward_unpacks_again(torch):
    log = []
    a = torch.ones(2, requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(*_recording(log)):
        g = a.sin()
    g.sum().backward(retain_graph=True)
    g.sum().backward()
    assert [e for e, _ in log] == ["pack", "unpack", "unpack"]
    assert torch.allclose(a.grad, 2 * torch.cos(a.detach()))


def test_hooked_saved_tensor_is_not_version_checked(torch):
    # PyTorch keeps no version for a hooked saved tensor: the unpacked (modified) one is used
    b = torch.ones(3, requires_grad=True)
    c = b.clone()
    with torch.autograd.graph.saved_tensors_hooks(lambda x: x, lambda x: x):
        y = c.sin()
    with torch.no_grad():
        c.add_(1)
    y.sum().backward()
    assert torch.allclose(b.grad, torch.cos(torch.full((3,), 2.0)))


def test_unpack_must_return_a_tensor(torch):
    a = torch.ones(2, requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(lambda x: 5, lambda x: x):
        h = a.sin()
    with pytest.raises(TypeError) as e:
        h.sum().backward()
    assert str(e.value) == (
        "Output of saved tensor unpack_hook expected to be a Tensor but got result of type int"
    )


def test_grad_mode_inside_the_hooks(torch):
    seen = []

    def pack(x):
        seen.append(("pack", torch.is_grad_enabled()))
        return x

    def unpack(x):
        seen.append(("unpack", torch.is_grad_enabled()))
        return x

    a = torch.ones(2, requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        w = a.sin()
    w.sum().backward()
    with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
        w = a.sin()
    torch.autograd.grad(w.sum(), a, create_graph=True)
    assert seen == [("pack", False), ("unpack", False), ("pack", False), ("unpack", True)]


def test_disable_saved_tensors_hooks(torch):
    with torch.autograd.graph.disable_saved_tensors_hooks("no hooks here"):
        with pytest.raises(RuntimeError, match="^no hooks here$"):
            with torch.autograd.graph.saved_tensors_hooks(lambda x: x, lambda x: x):
                pass

    @torch.autograd.graph.disable_saved_tensors_hooks("not in f")
    def f():
        with torch.autograd.graph.saved_tensors_hooks(lambda x: x, lambda x: x):
            pass

    with pytest.raises(RuntimeError, match="^not in f$"):
        f()
    with torch.autograd.graph.saved_tensors_hooks(lambda x: x, lambda x: x):
        pass  # allowed again outside


def test_save_on_cpu_gives_the_same_gradients(torch):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    x = torch.randn(5, 4)
    net(x).pow(2).sum().backward()
    plain = [p.grad.clone() for p in net.parameters()]
    net.zero_grad()
    with torch.autograd.graph.save_on_cpu(pin_memory=False):
        loss = net(x).pow(2).sum()
    loss.backward()
    for g, p in zip(plain, net.parameters()):
        assert torch.equal(g, p.grad)


def test_custom_function_saved_tensors_are_packed_after_forward(torch):
    log = []

    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            log.append(("forward", None))
            ctx.save_for_backward(x, y)
            return x * y

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            x, y = ctx.saved_tensors
            return g * y, g * x

    a = torch.ones(3, requires_grad=True)
    b = a * 2
    with torch.autograd.graph.saved_tensors_hooks(*_recording(log)):
        out = F.apply(a, b)
    out.sum().backward()
    assert _tags(log, a=a, b=b) == [
        ("forward", "other"),
        ("pack", "a"),
        ("pack", "b"),
        ("unpack", "a"),
        ("unpack", "b"),
        ("unpack", "a"),
        ("unpack", "b"),
    ]
    assert a.grad.tolist() == [4.0, 4.0, 4.0]


def test_raw_saved_register_hooks(torch):
    log = []
    a = torch.ones(2, requires_grad=True)
    v = a.cos()
    raw = v.grad_fn._raw_saved_self
    assert type(raw).__name__ == "SavedTensor"
    raw.register_hooks(*_recording(log))
    assert [e for e, _ in log] == ["pack"] and torch.equal(log[0][1], a)
    assert torch.equal(v.grad_fn._saved_self, a)
    assert [e for e, _ in log] == ["pack", "unpack"]
    with pytest.raises(RuntimeError) as e:
        raw.register_hooks(lambda x: x, lambda x: x)
    assert str(e.value) == (
        "Calling register_hooks on a saved tensor whose hooks have already been set. Hint: "
        "only one pair of hooks is allowed at a time."
    )


def test_multi_grad_hook_all_and_any(torch):
    a = torch.ones(2, requires_grad=True)
    b = torch.ones(2, requires_grad=True)
    c = torch.ones(2, requires_grad=True)
    calls = []

    def everything(grads):
        calls.append(tuple(None if g is None else g.tolist() for g in grads))

    handle = torch.autograd.graph.register_multi_grad_hook((a, b, c), everything)
    (a * 2 + b * 3).sum().backward()
    (a * 2 + b * 3 + c).sum().backward()
    handle.remove()
    (a * 2).sum().backward()
    assert calls == [([2.0, 2.0], [3.0, 3.0], None), ([2.0, 2.0], [3.0, 3.0], [1.0, 1.0])]

    firsts = []
    handle = torch.autograd.graph.register_multi_grad_hook(
        (a, b), lambda g: firsts.append(g.tolist()), mode="any"
    )
    (a * 2 + b * 3).sum().backward()
    (b * 3).sum().backward()
    handle.remove()
    assert firsts == [[3.0, 3.0], [3.0, 3.0]]


def test_multi_grad_hook_on_non_leaves_and_bad_arguments(torch):
    a = torch.ones(2, requires_grad=True)
    x, y = a * 1, a * 2
    seen = []
    torch.autograd.graph.register_multi_grad_hook((x, y), lambda gs: seen.append(len(gs)))
    (x + y).sum().backward()
    assert seen == [2]
    with pytest.raises(ValueError) as e:
        torch.autograd.graph.register_multi_grad_hook((a,), print, mode="some")
    assert str(e.value) == "Expects mode to be one of ('all', 'any') but got some"
    with pytest.raises(AssertionError, match="Expected gradient function to be set"):
        torch.autograd.graph.register_multi_grad_hook((a, torch.ones(2)), print)


def test_hook_handles_are_torch_utils_hooks_removable_handles(torch):
    from importlib import import_module

    hooks = import_module(torch.__name__ + ".utils.hooks")
    a = torch.ones(1, requires_grad=True)
    m = torch.nn.Linear(1, 1)
    for h in (a.register_hook(lambda g: g), m.register_forward_hook(lambda *args: None)):
        assert isinstance(h, hooks.RemovableHandle)
        assert repr(h).startswith("<torch.utils.hooks.RemovableHandle object at 0x")
        assert repr(type(h)) == "<class 'torch.utils.hooks.RemovableHandle'>"


def test_fmod_and_remainder_by_a_tensor_are_their_tensor_overload_nodes(torch):
    a = torch.tensor([5.0, -3.0], requires_grad=True)
    b = torch.tensor([2.0, 2.5], requires_grad=True)
    assert torch.fmod(a, 2).grad_fn.name() == "FmodBackward0"
    assert torch.remainder(a, 2).grad_fn.name() == "RemainderBackward0"
    y = torch.fmod(a, b)
    assert y.grad_fn.name() == "FmodBackward1"
    assert y.grad_fn._saved_other is b and y.grad_fn._saved_self is a
    assert torch.remainder(a, b).grad_fn.name() == "RemainderBackward1"
    y.sum().backward()
    assert b.grad.tolist() == [-2.0, 1.0]  # -trunc(a / b)
    assert [n for n in dir(y.grad_fn) if n.startswith("_saved")] == ["_saved_other", "_saved_self"]


def test_saved_result_is_a_new_tensor_over_the_output(torch):
    x = torch.ones(2, requires_grad=True)
    y = x.exp()
    r1, r2 = y.grad_fn._saved_result, y.grad_fn._saved_result
    assert r1 is not y and r1 is not r2
    assert torch.equal(r1, y) and r1.grad_fn is y.grad_fn and r1.data_ptr() == y.data_ptr()
    with torch.no_grad():
        y.add_(1)
    assert r1._version == y._version == 1
