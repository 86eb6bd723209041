"""The shadow graph: requires_grad propagation, is_leaf, grad_fn nodes, next_functions,
AccumulateGrad, saved values (``_saved_*``) and node hooks.

Node names, ``next_functions`` layouts and saved-attribute values were all read off PyTorch
2.13.0 (CPU); the tests pin them because tutorial code prints them.
"""

import re

import numpy as np
import pytest
from _helpers import assert_close, assert_equal

NODE_PUBLIC_ATTRS = {
    "metadata",
    "name",
    "next_functions",
    "register_hook",
    "register_prehook",
    "requires_grad",
}

FREED_MSG = "Trying to backward through the graph a second time"


def node_name(node):
    return None if node is None else type(node).__name__


def edges(t):
    """``t.grad_fn.next_functions`` with each node replaced by its class name."""
    return [(node_name(n), i) for n, i in t.grad_fn.next_functions]


def public_attrs(obj):
    return {a for a in dir(obj) if not a.startswith("_")}


# --------------------------------------------------------------------------- requires_grad


def test_leaf_created_without_grad(torch):
    a = torch.tensor([1.0, 2.0])
    assert a.requires_grad is False
    assert a.is_leaf is True
    assert a.grad_fn is None
    assert a.grad is None


def test_leaf_requiring_grad(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    assert x.requires_grad is True
    assert x.is_leaf is True
    assert x.grad_fn is None


def test_requires_grad_propagates_through_mixed_inputs(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    c = torch.tensor([4.0, 5.0, 6.0])
    for r in (x * c, c * x, x + c, c - x, x / c, torch.stack([x, c]), torch.cat([c, x])):
        assert r.requires_grad is True
        assert r.is_leaf is False
        assert r.grad_fn is not None
    r = c * c + 1
    assert r.requires_grad is False
    assert r.is_leaf is True
    assert r.grad_fn is None


def test_requires_grad_with_integer_and_bool_operands(torch):
    x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    i = torch.tensor([1, 2, 3, 4])
    b = torch.tensor([True, False, True, False])
    r = x * i
    assert r.requires_grad is True
    assert r.dtype == torch.float32
    assert edges(r) == [("AccumulateGrad", 0), (None, 0)]
    r = x * b
    assert r.requires_grad is True
    assert edges(r) == [("AccumulateGrad", 0), (None, 0)]
    assert (i + i).requires_grad is False
    assert (i * 2).requires_grad is False


def test_integer_results_do_not_require_grad(torch):
    x = torch.tensor([1.0, 3.0, 2.0], requires_grad=True)
    for r in (x.long(), x > 2, x.argmax(), x == x):
        assert r.requires_grad is False
        assert r.grad_fn is None


def test_integer_tensors_cannot_require_grad(torch):
    with pytest.raises(
        RuntimeError, match="Only Tensors of floating point and complex dtype can require gradients"
    ):
        torch.tensor([1, 2, 3], requires_grad=True)
    with pytest.raises(
        RuntimeError, match="only Tensors of floating point dtype can require gradients"
    ):
        torch.tensor([1, 2, 3]).requires_grad_()
    with pytest.raises(
        RuntimeError, match="only Tensors of floating point and complex dtype can require gradients"
    ):
        torch.tensor([1, 2]).requires_grad = True


def test_requires_grad_setter_on_leaf(torch):
    a = torch.tensor([1.0, 2.0])
    a.requires_grad = True
    assert a.requires_grad is True and a.is_leaf is True and a.grad_fn is None
    b = torch.tensor([1.0, 2.0])
    assert b.requires_grad_() is b
    assert b.requires_grad is True
    b.requires_grad_(False)
    assert b.requires_grad is False


def test_cannot_change_requires_grad_of_non_leaf(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    msg = "you can only change requires_grad flags of leaf variables."
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        (x * 2).requires_grad = False
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        (x * 2).requires_grad_(False)
    y = x * 2
    y.requires_grad_(True)  # a no-op, allowed
    assert y.requires_grad is True


def test_detach(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert d.requires_grad is False
    assert d.is_leaf is True
    assert d.grad_fn is None
    assert_equal(d, [2.0, 4.0])
    assert x.detach().requires_grad is False
    r = x.detach() * 2
    assert r.requires_grad is False and r.grad_fn is None
    # y itself is untouched
    assert y.requires_grad is True and node_name(y.grad_fn) == "MulBackward0"


def test_detach_inplace(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    assert y.detach_() is y
    assert y.requires_grad is False
    assert y.is_leaf is True
    assert y.grad_fn is None


def test_no_grad_results(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.no_grad():
        y = x * 2
        leaf = torch.tensor([1.0], requires_grad=True)
    assert y.requires_grad is False
    assert y.is_leaf is True
    assert y.grad_fn is None
    assert leaf.requires_grad is True and leaf.is_leaf is True


def test_is_leaf_of_non_leaves(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y.sum()
    assert y.is_leaf is False and z.is_leaf is False
    assert x.is_leaf is True


# --------------------------------------------------------------------------- grad_fn names


GRAD_FN_CASES = [
    # (expression over x (4,) and m (2, 2) leaves, node name, next_functions names)
    ("x + x", "AddBackward0", [("AccumulateGrad", 0), ("AccumulateGrad", 0)]),
    ("x + 3", "AddBackward0", [("AccumulateGrad", 0), (None, 0)]),
    ("3 + x", "AddBackward0", [("AccumulateGrad", 0), (None, 0)]),
    ("x - 1", "SubBackward0", [("AccumulateGrad", 0), (None, 0)]),
    ("1 - x", "RsubBackward1", [("AccumulateGrad", 0)]),
    ("x * 3", "MulBackward0", [("AccumulateGrad", 0), (None, 0)]),
    ("3 * x", "MulBackward0", [("AccumulateGrad", 0), (None, 0)]),
    ("x * c", "MulBackward0", [("AccumulateGrad", 0), (None, 0)]),
    ("c * x", "MulBackward0", [(None, 0), ("AccumulateGrad", 0)]),
    ("x / 2", "DivBackward0", [("AccumulateGrad", 0), (None, 0)]),
    ("x / c", "DivBackward0", [("AccumulateGrad", 0), (None, 0)]),
    ("-x", "NegBackward0", [("AccumulateGrad", 0)]),
    ("x ** 2", "PowBackward0", [("AccumulateGrad", 0)]),
    ("x.pow(2)", "PowBackward0", [("AccumulateGrad", 0)]),
    ("torch.pow(x, 2)", "PowBackward0", [("AccumulateGrad", 0)]),
    ("x ** x", "PowBackward1", [("AccumulateGrad", 0), ("AccumulateGrad", 0)]),
    ("2 ** x", "PowBackward2", [("AccumulateGrad", 0)]),
    ("x.exp()", "ExpBackward0", [("AccumulateGrad", 0)]),
    ("torch.exp(x)", "ExpBackward0", [("AccumulateGrad", 0)]),
    ("x.log()", "LogBackward0", [("AccumulateGrad", 0)]),
    ("x.sin()", "SinBackward0", [("AccumulateGrad", 0)]),
    ("x.sqrt()", "SqrtBackward0", [("AccumulateGrad", 0)]),
    ("x.abs()", "AbsBackward0", [("AccumulateGrad", 0)]),
    ("x.tanh()", "TanhBackward0", [("AccumulateGrad", 0)]),
    ("x.sigmoid()", "SigmoidBackward0", [("AccumulateGrad", 0)]),
    ("x.relu()", "ReluBackward0", [("AccumulateGrad", 0)]),
    ("torch.relu(x)", "ReluBackward0", [("AccumulateGrad", 0)]),
    ("x.sum()", "SumBackward0", [("AccumulateGrad", 0)]),
    ("torch.sum(x)", "SumBackward0", [("AccumulateGrad", 0)]),
    ("m.sum(0)", "SumBackward1", [("AccumulateGrad", 0)]),
    ("m.sum(dim=1, keepdim=True)", "SumBackward1", [("AccumulateGrad", 0)]),
    ("x.mean()", "MeanBackward0", [("AccumulateGrad", 0)]),
    ("m.mean(1)", "MeanBackward1", [("AccumulateGrad", 0)]),
    ("x.prod()", "ProdBackward0", [("AccumulateGrad", 0)]),
    ("x.max()", "MaxBackward1", [("AccumulateGrad", 0)]),
    ("x.view(2, 2)", "ViewBackward0", [("AccumulateGrad", 0)]),
    ("x.reshape(2, 2)", "ViewBackward0", [("AccumulateGrad", 0)]),
    ("x.unsqueeze(0)", "UnsqueezeBackward0", [("AccumulateGrad", 0)]),
    ("m.t()", "TBackward0", [("AccumulateGrad", 0)]),
    ("x[1]", "SelectBackward0", [("AccumulateGrad", 0)]),
    ("x.clone()", "CloneBackward0", [("AccumulateGrad", 0)]),
    ("m @ m", "MmBackward0", [("AccumulateGrad", 0), ("AccumulateGrad", 0)]),
    ("torch.mm(m, m)", "MmBackward0", [("AccumulateGrad", 0), ("AccumulateGrad", 0)]),
    ("x @ x", "DotBackward0", [("AccumulateGrad", 0), ("AccumulateGrad", 0)]),
    (
        "torch.addmm(x[:2], m, m)",
        "AddmmBackward0",
        [("SliceBackward0", 0), ("AccumulateGrad", 0), ("AccumulateGrad", 0)],
    ),
    ("torch.cat([x, c])", "CatBackward0", [("AccumulateGrad", 0), (None, 0)]),
    ("torch.stack([x, x])", "StackBackward0", [("AccumulateGrad", 0), ("AccumulateGrad", 0)]),
    ("torch.where(c > 2, x, c)", "WhereBackward0", [("AccumulateGrad", 0), (None, 0)]),
    ("x.view(2, 2).sum(0)", "SumBackward1", [("ViewBackward0", 0)]),
    ("(x * 2).exp()", "ExpBackward0", [("MulBackward0", 0)]),
    ("2 / x", "MulBackward0", [("ReciprocalBackward0", 0), (None, 0)]),
]


@pytest.mark.parametrize(
    "expr,name,next_names", GRAD_FN_CASES, ids=[case[0] for case in GRAD_FN_CASES]
)
def test_grad_fn_name_and_next_functions(torch, expr, name, next_names):
    x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    m = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    c = torch.tensor([1.0, 2.0, 3.0, 4.0])
    z = eval(expr, {"torch": torch, "x": x, "m": m, "c": c})
    assert type(z.grad_fn).__name__ == name
    assert z.grad_fn.name() == name
    assert edges(z) == next_names


def test_next_functions_is_tuple_of_pairs(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    c = torch.tensor([3.0, 4.0])
    z = x * c
    nf = z.grad_fn.next_functions
    assert isinstance(nf, tuple)
    assert len(nf) == 2
    assert all(isinstance(e, tuple) and len(e) == 2 for e in nf)
    assert nf[1] == (None, 0)
    assert nf[0][1] == 0
    assert isinstance(nf[0][1], int)


def test_next_functions_point_at_the_producing_nodes(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a = x * 2
    b = a.exp()
    c = b + a
    (n0, i0), (n1, i1) = c.grad_fn.next_functions
    assert n0 is b.grad_fn and i0 == 0
    assert n1 is a.grad_fn and i1 == 0
    assert b.grad_fn.next_functions[0][0] is a.grad_fn


def test_next_functions_output_index_of_multi_output_nodes(torch):
    x = torch.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    a, b = x.split(2)
    assert a.grad_fn is b.grad_fn
    assert type(a.grad_fn).__name__ == "SplitBackward0"
    z = a * b
    assert edges(z) == [("SplitBackward0", 0), ("SplitBackward0", 1)]
    u = x.unbind()
    assert edges(u[3] * u[1]) == [("UnbindBackward0", 3), ("UnbindBackward0", 1)]


def test_grad_fn_is_stable_object(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = x * 2
    assert z.grad_fn is z.grad_fn
    assert x.grad_fn is None


def test_grad_fn_repr(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = x.sum()
    assert re.fullmatch(r"<SumBackward0 object at 0x[0-9a-f]+>", repr(z.grad_fn))
    acc = z.grad_fn.next_functions[0][0]
    assert re.fullmatch(r"<AccumulateGrad object at 0x[0-9a-f]+>", repr(acc))
    assert re.fullmatch(r"<MulBackward0 object at 0x[0-9a-f]+>", repr((x * 2).grad_fn))


def test_tensor_repr_shows_grad_fn(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    assert repr(x.sum()) == "tensor(3., grad_fn=<SumBackward0>)"
    assert repr(x * 2) == "tensor([2., 4.], grad_fn=<MulBackward0>)"
    assert repr(x) == "tensor([1., 2.], requires_grad=True)"


def test_node_public_attributes(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = (x * 2).sum()
    assert public_attrs(z.grad_fn) == NODE_PUBLIC_ATTRS
    acc = z.grad_fn.next_functions[0][0].next_functions[0][0]
    assert public_attrs(acc) == NODE_PUBLIC_ATTRS | {"variable"}


def test_node_requires_grad(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = x.exp()
    assert z.grad_fn.requires_grad is True


def test_node_metadata_is_persistent_dict(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = x * 2
    md = z.grad_fn.metadata
    assert isinstance(md, dict)
    assert md == {}
    md["tag"] = "first"
    assert z.grad_fn.metadata == {"tag": "first"}
    assert z.grad_fn.metadata is md
    # other nodes have their own dict
    assert (x * 3).grad_fn.metadata == {}


# --------------------------------------------------------------------------- AccumulateGrad


def test_accumulate_grad_node(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = x * 2
    acc, idx = z.grad_fn.next_functions[0]
    assert type(acc).__name__ == "AccumulateGrad"
    assert acc.name() == "torch::autograd::AccumulateGrad"
    assert idx == 0
    assert acc.variable is x
    assert acc.next_functions == ()


def test_accumulate_grad_is_shared_while_alive(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a = x * 2
    b = x.exp()
    acc_a = a.grad_fn.next_functions[0][0]
    acc_b = b.grad_fn.next_functions[0][0]
    assert acc_a is acc_b
    assert (x + a).grad_fn.next_functions[0][0] is acc_a
    # x * x points at the same AccumulateGrad twice
    (n0, _), (n1, _) = (x * x).grad_fn.next_functions
    assert n0 is n1 is acc_a


def test_accumulate_grad_per_leaf(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    z = x * w
    (ax, _), (aw, _) = z.grad_fn.next_functions
    assert ax is not aw
    assert ax.variable is x
    assert aw.variable is w


# --------------------------------------------------------------------------- saved values


def test_saved_mul_both_inputs_require_grad(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.tensor([3.0, 4.0], requires_grad=True)
    z = x * y
    assert z.grad_fn._saved_self is x
    assert z.grad_fn._saved_other is y


def test_saved_mul_only_saves_what_backward_needs(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.tensor([3.0, 4.0])
    z = x * y
    # d(x*y)/dy is not needed, so self is not saved
    assert z.grad_fn._saved_self is None
    assert z.grad_fn._saved_other is y


def test_saved_mul_by_python_scalar(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = x * 3
    other = z.grad_fn._saved_other
    assert other.shape == ()
    assert other.dtype == torch.int64
    assert other.item() == 3
    assert z.grad_fn._saved_self is None
    z = x * 2.5
    assert z.grad_fn._saved_other.dtype == torch.float64
    assert z.grad_fn._saved_other.item() == 2.5


def test_saved_div(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    c = torch.tensor([2.0, 4.0])
    z = x / c
    assert z.grad_fn._saved_self is None
    assert z.grad_fn._saved_other is c


def test_saved_pow_scalar_exponent(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    p = x**2
    assert p.grad_fn._saved_self is x
    assert p.grad_fn._saved_exponent == 2
    assert type(p.grad_fn._saved_exponent) is int
    q = x**3.0
    assert q.grad_fn._saved_exponent == 3.0
    assert type(q.grad_fn._saved_exponent) is float


def test_saved_pow_tensor_exponent(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    e = torch.tensor([2.0, 3.0], requires_grad=True)
    p = x**e
    assert type(p.grad_fn).__name__ == "PowBackward1"
    assert p.grad_fn._saved_self is x
    assert p.grad_fn._saved_exponent is e
    assert_close(p.grad_fn._saved_result, [1.0, 8.0])


def test_saved_result_of_unary_ops(torch):
    x = torch.tensor([0.0, 1.0, -2.0], requires_grad=True)
    xs = np.array([0.0, 1.0, -2.0])
    for op, expected in [
        ("exp", np.exp(xs)),
        ("tanh", np.tanh(xs)),
        ("sigmoid", 1 / (1 + np.exp(-xs))),
        ("relu", np.maximum(xs, 0)),
    ]:
        r = getattr(x, op)()
        saved = r.grad_fn._saved_result
        assert_close(saved, expected, rtol=1e-6)
        assert saved.shape == r.shape


def test_saved_result_is_the_output_value(torch):
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    e = x.exp()
    saved = e.grad_fn._saved_result
    assert saved.equal(e)
    assert saved.requires_grad is True
    assert saved.grad_fn is e.grad_fn


def test_saved_self_of_unary_ops(torch):
    x = torch.tensor([0.5, 1.0], requires_grad=True)
    for op in ("sin", "log", "abs"):
        assert getattr(x, op)().grad_fn._saved_self is x


def test_saved_dim_of_reductions(torch):
    m = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    s = m.sum(1)
    assert s.grad_fn._saved_dim == (1,)
    assert type(s.grad_fn._saved_dim) is tuple
    assert s.grad_fn._saved_keepdim is False
    assert s.grad_fn._saved_self_sym_sizes == (2, 3)
    s = m.sum(dim=(0, 1), keepdim=True)
    assert s.grad_fn._saved_dim == (0, 1)
    assert s.grad_fn._saved_keepdim is True
    mean = m.mean(0)
    assert type(mean.grad_fn).__name__ == "MeanBackward1"
    assert mean.grad_fn._saved_dim == (0,)
    assert m.sum().grad_fn._saved_self_sym_sizes == (2, 3)
    assert m.mean().grad_fn._saved_self_sym_numel == 6


def test_saved_dim_of_shape_ops(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    u = x.unsqueeze(1)
    assert u.grad_fn._saved_dim == 1 and type(u.grad_fn._saved_dim) is int
    s = x[2]
    assert s.grad_fn._saved_dim == 0
    assert s.grad_fn._saved_index == 2
    assert torch.cat([x, x]).grad_fn._saved_dim == 0
    assert torch.stack([x, x], 1).grad_fn._saved_dim == 1


def test_saved_alpha(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.tensor([3.0, 4.0])
    assert (x + y).grad_fn._saved_alpha == 1
    assert torch.add(x, y, alpha=2).grad_fn._saved_alpha == 2
    assert (x - y).grad_fn._saved_alpha == 1


def test_saved_tensors_freed_after_backward(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    p = x**2
    p.sum().backward()
    with pytest.raises(RuntimeError, match=FREED_MSG):
        _ = p.grad_fn._saved_self
    # non-tensor saved values survive
    assert p.grad_fn._saved_exponent == 2
    e = x.exp()
    e.sum().backward()
    with pytest.raises(RuntimeError, match=FREED_MSG):
        _ = e.grad_fn._saved_result


def test_saved_tensors_kept_with_retain_graph(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    p = x**2
    p.sum().backward(retain_graph=True)
    assert p.grad_fn._saved_self is x
    p.sum().backward()
    assert_equal(x.grad, [4.0, 8.0])


# --------------------------------------------------------------------------- node hooks


def test_node_hook_receives_grad_inputs_and_grad_outputs(torch):
    x = torch.tensor([0.0, 1.0, 2.0], requires_grad=True)
    e = x.exp()
    calls = []
    e.grad_fn.register_hook(lambda gi, go: calls.append((gi, go)))
    (e * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert len(calls) == 1
    gi, go = calls[0]
    assert isinstance(gi, tuple) and isinstance(go, tuple)
    assert len(gi) == 1 and len(go) == 1
    assert_close(go[0], [1.0, 2.0, 3.0])
    assert_close(gi[0], np.exp([0.0, 1.0, 2.0]) * [1.0, 2.0, 3.0], rtol=1e-6)


def test_node_hook_grad_input_none_for_input_without_grad(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = torch.tensor([4.0, 5.0, 6.0])
    m = x * w
    calls = []
    m.grad_fn.register_hook(lambda gi, go: calls.append((gi, go)))
    m.sum().backward()
    ((gi, go),) = calls
    assert len(gi) == 2
    assert_close(gi[0], [4.0, 5.0, 6.0])
    assert gi[1] is None
    assert_close(go[0], [1.0, 1.0, 1.0])


def test_node_hook_can_replace_grad_inputs(torch):
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    e = x.exp()
    e.grad_fn.register_hook(lambda gi, go: (gi[0] * 10,))
    e.sum().backward()
    assert_close(x.grad, 10 * np.exp([0.0, 1.0]), rtol=1e-6)


def test_node_hook_with_scalar_operand_has_two_grad_inputs(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.grad_fn.register_hook(lambda gi, go: (gi[0] * 10, None))
    y.sum().backward()
    assert_equal(x.grad, [20.0, 20.0, 20.0])


def test_node_hook_wrong_number_of_values(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    e = x.exp()
    e.grad_fn.register_hook(lambda gi, go: (gi[0], gi[0]))
    with pytest.raises(
        RuntimeError,
        match=re.escape(
            "hook '<lambda>' has returned an incorrect number of values (got 2, but expected 1)"
        ),
    ):
        e.sum().backward()


def test_node_prehook_receives_grad_outputs(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    calls = []
    y.grad_fn.register_prehook(lambda go: calls.append(go))
    (y * torch.tensor([1.0, 0.0, 3.0])).sum().backward()
    (go,) = calls
    assert isinstance(go, tuple) and len(go) == 1
    assert_close(go[0], [1.0, 0.0, 3.0])


def test_node_prehook_can_replace_grad_outputs(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.grad_fn.register_prehook(lambda go: (go[0] * 3,))
    y.sum().backward()
    assert_equal(x.grad, [6.0, 6.0, 6.0])


def test_node_prehook_must_return_tuple(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    e = x.exp()
    e.grad_fn.register_prehook(lambda go: go[0])
    with pytest.raises(TypeError, match="expected tuple, but hook returned 'Tensor'"):
        e.sum().backward()


def test_node_hook_and_prehook_order(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    order = []
    y.grad_fn.register_hook(lambda gi, go: order.append("hook"))
    y.grad_fn.register_prehook(lambda go: order.append("prehook"))
    y.sum().backward()
    assert order == ["prehook", "hook"]


def test_node_hooks_run_every_backward_and_can_be_removed(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    z = y.sum()
    calls = []
    h = y.grad_fn.register_hook(lambda gi, go: calls.append("hook"))
    hp = y.grad_fn.register_prehook(lambda go: calls.append("pre"))
    z.backward(retain_graph=True)
    z.backward(retain_graph=True)
    assert calls == ["pre", "hook", "pre", "hook"]
    h.remove()
    hp.remove()
    z.backward()
    assert calls == ["pre", "hook", "pre", "hook"]
    assert_equal(x.grad, [6.0, 6.0, 6.0])


def test_accumulate_grad_hooks(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    acc = y.grad_fn.next_functions[0][0]
    calls = []
    acc.register_prehook(lambda go: calls.append(("pre", go)))
    acc.register_hook(lambda gi, go: calls.append(("hook", gi, go)))
    y.sum().backward()
    assert [c[0] for c in calls] == ["pre", "hook"]
    (_, pre_go), (_, gi, go) = calls
    assert_equal(pre_go[0], [2.0, 2.0, 2.0])
    assert gi == ()
    assert_equal(go[0], [2.0, 2.0, 2.0])
    assert_equal(x.grad, [2.0, 2.0, 2.0])


def test_post_accumulate_grad_hook(torch):
    w = torch.randn(3, requires_grad=True)
    calls = []
    h = w.register_post_accumulate_grad_hook(lambda p: calls.append((p is w, p.grad.clone())))
    (w * 2).sum().backward()
    (w * 3).sum().backward()
    assert [c[0] for c in calls] == [True, True]
    assert calls[0][1].tolist() == [2.0] * 3 and calls[1][1].tolist() == [5.0] * 3
    h.remove()
    (w * 2).sum().backward()
    assert len(calls) == 2
    torch.autograd.grad((w * 2).sum(), [w])  # grad() accumulates nothing: no call
    with pytest.raises(RuntimeError, match="cannot be registered on non-leaf tensors"):
        (w * 2).register_post_accumulate_grad_hook(lambda p: None)
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        torch.ones(2).register_post_accumulate_grad_hook(lambda p: None)
    w.register_post_accumulate_grad_hook(lambda p: 5)
    with pytest.raises(TypeError, match="^expected Variable, but hook returned 'int'$"):
        (w * 2).sum().backward()


def test_optimizer_step_in_backward_via_post_accumulate_hooks(torch):
    torch.manual_seed(0)
    m = torch.nn.Linear(2, 2)
    opts = {p: torch.optim.SGD([p], lr=0.1) for p in m.parameters()}

    def step(p):
        opts[p].step()
        opts[p].zero_grad()

    for p in m.parameters():
        p.register_post_accumulate_grad_hook(step)
    before = m.weight.detach().clone()
    m(torch.ones(1, 2)).sum().backward()
    assert torch.allclose(m.weight, before - 0.1) and m.weight.grad is None
