"""Custom ``torch.autograd.Function``: ctx, apply, setup_context, saved tensors, materialized
grads, non-differentiable outputs, once_differentiable, the ``<Name>Backward`` node, and the
autograd notebook the project started from."""

import re

import numpy as np
import pytest
from _helpers import assert_close, assert_equal

SECOND_TIME_MSG = "Trying to backward through the graph a second time"


def node_name(node):
    return None if node is None else type(node).__name__


def make_multiply_constant(torch):
    # The notebook's Function, verbatim (its backward is wrong on purpose).
    class multiply_constant(torch.autograd.function.Function):
        @staticmethod
        def forward(ctx, tensor, constant):
            ctx.constant = constant
            return tensor * constant

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output, None

    return multiply_constant


def make_exp(torch):
    class Exp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            result = i.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            (result,) = ctx.saved_tensors
            return grad_output * result

    return Exp


def test_function_is_reachable_from_both_paths(torch):
    assert torch.autograd.Function is torch.autograd.function.Function


def test_multiply_constant_forward_and_node(torch):
    multiply_constant = make_multiply_constant(torch)
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = multiply_constant.apply(x, 5.5)
    assert_close(y, [5.5, 11.0, 16.5])
    assert y.requires_grad is True
    assert y.is_leaf is False
    assert type(y.grad_fn).__name__ == "multiply_constantBackward"
    assert y.grad_fn.name() == "multiply_constantBackward"
    assert "grad_fn=<multiply_constantBackward>" in repr(y)
    assert repr(y) == "tensor([ 5.5000, 11.0000, 16.5000], grad_fn=<multiply_constantBackward>)"
    assert re.fullmatch(
        r"<torch\.autograd\.function\.multiply_constantBackward object at 0x[0-9a-f]+>",
        repr(y.grad_fn),
    )
    assert re.fullmatch(r"<MulBackward0 object at 0x[0-9a-f]+>", repr((y * 2).grad_fn))


def test_multiply_constant_next_functions_skip_non_tensor_inputs(torch):
    multiply_constant = make_multiply_constant(torch)
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = multiply_constant.apply(x, 5.5)
    nf = y.grad_fn.next_functions
    assert len(nf) == 1
    assert node_name(nf[0][0]) == "AccumulateGrad"
    assert nf[0][1] == 0
    assert nf[0][0].variable is x


def test_multiply_constant_backward_is_wrong_as_written(torch):
    multiply_constant = make_multiply_constant(torch)
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    multiply_constant.apply(x, 5.5).sum().backward()
    assert_equal(x.grad, [1.0, 1.0, 1.0])  # not 5.5: the backward forgot the constant


def test_ctx_attribute_reaches_backward_and_node(torch):
    seen = []

    class Scale(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t, constant):
            ctx.constant = constant
            ctx.label = "scale"
            return t * constant

        @staticmethod
        def backward(ctx, g):
            seen.append((ctx.constant, ctx.label))
            return g * ctx.constant, None

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = Scale.apply(x, 3.0)
    assert y.grad_fn.constant == 3.0  # the node is the ctx
    y.sum().backward()
    assert seen == [(3.0, "scale")]
    assert_equal(x.grad, [3.0, 3.0])


def test_save_for_backward(torch):
    Exp = make_exp(torch)
    x = torch.tensor([0.0, 1.0, 2.0], requires_grad=True)
    y = Exp.apply(x)
    assert type(y.grad_fn).__name__ == "ExpBackward"
    saved = y.grad_fn.saved_tensors
    assert isinstance(saved, tuple) and len(saved) == 1
    assert_close(saved[0], np.exp([0.0, 1.0, 2.0]), rtol=1e-6)
    y.sum().backward()
    assert_close(x.grad, np.exp([0.0, 1.0, 2.0]), rtol=1e-6)


def test_saved_tensors_freed_after_backward(torch):
    Exp = make_exp(torch)
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    y = Exp.apply(x)
    y.sum().backward()
    with pytest.raises(RuntimeError, match=SECOND_TIME_MSG):
        _ = y.grad_fn.saved_tensors
    with pytest.raises(RuntimeError, match=SECOND_TIME_MSG):
        y.sum().backward()


def test_function_without_saved_tensors_can_backward_twice(torch):
    multiply_constant = make_multiply_constant(torch)
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = multiply_constant.apply(x, 3.0)
    y.sum().backward()
    y.sum().backward()
    assert_equal(x.grad, [2.0, 2.0])


def test_setup_context_style(torch):
    calls = []

    class Exp2(torch.autograd.Function):
        @staticmethod
        def forward(i):
            return i.exp()

        @staticmethod
        def setup_context(ctx, inputs, output):
            calls.append((type(inputs), len(inputs)))
            ctx.save_for_backward(output)
            ctx.tag = "set"

        @staticmethod
        def backward(ctx, g):
            (result,) = ctx.saved_tensors
            calls.append(ctx.tag)
            return g * result

    x = torch.tensor([0.0, 1.0, 2.0], requires_grad=True)
    y = Exp2.apply(x)
    assert type(y.grad_fn).__name__ == "Exp2Backward"
    assert "grad_fn=<Exp2Backward>" in repr(y)
    y.sum().backward()
    assert calls == [(tuple, 1), "set"]
    assert_close(x.grad, np.exp([0.0, 1.0, 2.0]), rtol=1e-6)


def test_setup_context_with_non_tensor_input(torch):
    class Scale(torch.autograd.Function):
        @staticmethod
        def forward(t, c):
            return t * c

        @staticmethod
        def setup_context(ctx, inputs, output):
            _, c = inputs
            ctx.c = c

        @staticmethod
        def backward(ctx, g):
            return g * ctx.c, None

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = Scale.apply(x, 4.0)
    assert_equal(y, [4.0, 8.0])
    y.sum().backward()
    assert_equal(x.grad, [4.0, 4.0])


def test_forward_runs_without_grad_recording(torch):
    seen = []

    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            seen.append(torch.is_grad_enabled())
            r = a * 2
            seen.append(r.requires_grad)
            return r

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = torch.tensor([1.0], requires_grad=True)
    y = F.apply(x)
    assert seen == [False, False]
    assert type(y.grad_fn).__name__ == "FBackward"
    assert node_name(y.grad_fn.next_functions[0][0]) == "AccumulateGrad"


def test_needs_input_grad(torch):
    seen = []

    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b, c):
            seen.append(("fwd", ctx.needs_input_grad))
            return a * b * c

        @staticmethod
        def backward(ctx, g):
            seen.append(("bwd", ctx.needs_input_grad))
            return g, None, None

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    F.apply(x, torch.tensor([1.0, 1.0]), 2).sum().backward()
    assert seen == [("fwd", (True, False, False)), ("bwd", (True, False, False))]
    assert_equal(x.grad, [1.0, 1.0])


def test_non_tensor_and_no_grad_tensor_inputs_get_no_grad(torch):
    class Mul(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b, k):
            ctx.save_for_backward(a, b)
            ctx.k = k
            return a * b * k

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g * b * ctx.k, g * a * ctx.k, None

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    c = torch.tensor([3.0, 4.0])
    y = Mul.apply(x, c, 2.0)
    assert [(node_name(n), i) for n, i in y.grad_fn.next_functions] == [
        ("AccumulateGrad", 0),
        (None, 0),
    ]
    y.sum().backward()
    assert_equal(x.grad, [6.0, 8.0])
    assert c.grad is None


def test_grad_for_no_grad_tensor_input_is_dropped(torch):
    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, g):
            return g, g

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    c = torch.tensor([1.0, 1.0])
    F.apply(x, c).sum().backward()
    assert_equal(x.grad, [1.0, 1.0])
    assert c.grad is None


def test_apply_without_grad_inputs_has_no_node(torch):
    multiply_constant = make_multiply_constant(torch)
    y = multiply_constant.apply(torch.tensor([1.0, 2.0]), 2.0)
    assert y.requires_grad is False
    assert y.grad_fn is None
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.no_grad():
        y = multiply_constant.apply(x, 2.0)
    assert y.requires_grad is False
    assert y.grad_fn is None


def test_several_outputs(torch):
    seen = []

    class SumProd(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a + b, a * b

        @staticmethod
        def backward(ctx, g_sum, g_prod):
            a, b = ctx.saved_tensors
            seen.append((g_sum.tolist(), g_prod.tolist()))
            return g_sum + g_prod * b, g_sum + g_prod * a

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    s, p = SumProd.apply(x, w)
    assert s.grad_fn is p.grad_fn
    assert type(s.grad_fn).__name__ == "SumProdBackward"
    assert_equal(s, [4.0, 6.0])
    assert_equal(p, [3.0, 8.0])
    (s * 2 + p).sum().backward()
    assert seen == [([2.0, 2.0], [1.0, 1.0])]
    assert_equal(x.grad, [5.0, 6.0])
    assert_equal(w.grad, [3.0, 4.0])


def test_unused_output_grad_is_materialized_as_zeros(torch):
    seen = []

    class Two(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2, a * 3

        @staticmethod
        def backward(ctx, g1, g2):
            seen.append((g1.tolist(), g2.tolist()))
            return g1 * 2 + g2 * 3

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    p, _ = Two.apply(x)
    p.sum().backward()
    assert seen == [([1.0, 1.0], [0.0, 0.0])]
    assert_equal(x.grad, [2.0, 2.0])


def test_set_materialize_grads_false(torch):
    seen = []

    class Two(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.set_materialize_grads(False)
            return a * 2, a * 3

        @staticmethod
        def backward(ctx, g1, g2):
            seen.append((g1 is None, g2 is None))
            out = torch.zeros(2)
            if g1 is not None:
                out = out + g1 * 2
            if g2 is not None:
                out = out + g2 * 3
            return out

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    p, _ = Two.apply(x)
    p.sum().backward()
    assert seen == [(False, True)]
    assert_equal(x.grad, [2.0, 2.0])


def test_mark_non_differentiable(torch):
    seen = []

    class SortF(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            values, indices = a.sort()
            ctx.mark_non_differentiable(indices)
            ctx.save_for_backward(indices)
            return values, indices

        @staticmethod
        def backward(ctx, g_values, g_indices):
            (indices,) = ctx.saved_tensors
            seen.append(g_values.tolist())
            return g_values[indices.argsort()]

    x = torch.tensor([3.0, 1.0, 2.0], requires_grad=True)
    values, indices = SortF.apply(x)
    assert values.requires_grad is True
    assert indices.requires_grad is False
    assert_equal(values, [1.0, 2.0, 3.0])
    assert_equal(indices, [1, 2, 0])
    (values * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert seen == [[1.0, 2.0, 3.0]]
    assert_equal(x.grad, [3.0, 1.0, 2.0])


def test_mark_non_differentiable_float_output(torch):
    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            aux = a * 10
            ctx.mark_non_differentiable(aux)
            return a * 2, aux

        @staticmethod
        def backward(ctx, g, g_aux):
            return g * 2

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y, aux = F.apply(x)
    assert y.requires_grad is True
    assert aux.requires_grad is False
    assert aux.grad_fn is None


def test_print_in_backward_runs_each_time_retain_graph(torch, capsys):
    class Loud(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            print("backward called")
            return g * 2

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    z = Loud.apply(x).sum()
    for _ in range(3):
        z.backward(retain_graph=True)
    assert capsys.readouterr().out == "backward called\n" * 3
    assert_equal(x.grad, [6.0, 6.0])


def test_print_in_backward_runs_each_time_fresh_graphs(torch, capsys):
    class Loud(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            print("forward called")
            return a * 2

        @staticmethod
        def backward(ctx, g):
            print("backward called")
            return g * 2

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    for _ in range(3):
        Loud.apply(x).sum().backward()
    assert capsys.readouterr().out == "forward called\nbackward called\n" * 3
    assert_equal(x.grad, [6.0, 6.0])


def test_backward_returns_too_few_grads(torch):
    class Bad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, c):
            return a * c

        @staticmethod
        def backward(ctx, g):
            return g

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    msg = "function BadBackward returned an incorrect number of gradients (expected 2, got 1)"
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        Bad.apply(x, 2.0).sum().backward()


def test_backward_returns_too_many_grads(torch):
    class Bad2(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g, g, g

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    msg = "function Bad2Backward returned an incorrect number of gradients (expected 1, got 3)"
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        Bad2.apply(x).sum().backward()


def test_backward_extra_trailing_none_is_allowed(torch):
    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2, None

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    F.apply(x).sum().backward()
    assert_equal(x.grad, [2.0, 2.0])


def test_backward_grad_for_non_tensor_input(torch):
    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, c):
            return a * c

        @staticmethod
        def backward(ctx, g):
            return g, g

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    msg = (
        "function FBackward returned a gradient different than None at position 2, "
        "but the corresponding forward input was not a Variable"
    )
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        F.apply(x, 2.0).sum().backward()


def test_backward_wrong_grad_shape(torch):
    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g[:2]

    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    msg = (
        "Function FBackward returned an invalid gradient at index 0 - "
        "got [2] but expected shape compatible with [3]"
    )
    with pytest.raises(RuntimeError, match=re.escape(msg)):
        F.apply(x).sum().backward()


def test_backward_returns_non_tensor(torch):
    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return 1.0

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=re.escape("expected Variable or None (got float)")):
        F.apply(x).sum().backward()


def test_custom_node_in_larger_graph(torch):
    Exp = make_exp(torch)
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    y = Exp.apply(x * 2) + 1
    assert type(y.grad_fn).__name__ == "AddBackward0"
    custom = y.grad_fn.next_functions[0][0]
    assert node_name(custom) == "ExpBackward"
    assert node_name(custom.next_functions[0][0]) == "MulBackward0"
    y.sum().backward()
    assert_close(x.grad, 2 * np.exp([0.0, 2.0]), rtol=1e-6)


def test_custom_function_composes_twice(torch):
    Exp = make_exp(torch)
    x = torch.tensor([0.0, 0.5], requires_grad=True)
    y = Exp.apply(Exp.apply(x))
    y.sum().backward()
    xs = np.array([0.0, 0.5])
    assert_close(x.grad, np.exp(np.exp(xs)) * np.exp(xs), rtol=1e-5)


def test_custom_function_double_backward(torch):
    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a**3

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return g * 3 * a**2

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (g,) = torch.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    assert_equal(g, [3.0, 12.0])
    assert g.requires_grad is True
    (g2,) = torch.autograd.grad(g.sum(), x)
    assert_equal(g2, [6.0, 12.0])


def test_once_differentiable(torch):
    from_fn = torch.autograd.function.once_differentiable
    seen = []

    class Cube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a**3

        @staticmethod
        @from_fn
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            seen.append(torch.is_grad_enabled())
            return g * 3 * a**2

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    Cube.apply(x).sum().backward()
    assert_equal(x.grad, [3.0, 12.0])
    assert seen == [False]
    # differentiating the once_differentiable backward again fails
    go = torch.ones(2, requires_grad=True)
    (g,) = torch.autograd.grad(Cube.apply(x), x, grad_outputs=go, create_graph=True)
    assert_equal(g, [3.0, 12.0])
    assert g.requires_grad is True
    with pytest.raises(
        RuntimeError,
        match="trying to differentiate twice a function that was marked with @once_differentiable",
    ):
        g.sum().backward()


# --------------------------------------------------------------------------- the notebook


def test_autograd_notebook_sequence(torch):
    x = torch.arange(25.0).reshape(5, 5) / 10
    x.requires_grad = True
    y = (torch.arange(25.0).reshape(5, 5) - 12) / 5
    y.requires_grad_()
    assert x.is_leaf and y.is_leaf
    assert x.grad is None

    z = torch.sum(x + y)
    assert "grad_fn=<SumBackward0>" in repr(z)
    assert type(z.grad_fn).__name__ == "SumBackward0"
    assert z.is_leaf is False
    z.backward()
    assert_equal(x.grad, np.ones((5, 5)))
    assert_equal(y.grad, np.ones((5, 5)))

    z = x**2 + y**3
    assert type(z.grad_fn).__name__ == "AddBackward0"
    z.backward(torch.ones_like(x))
    xv = np.arange(25.0).reshape(5, 5) / 10
    yv = (np.arange(25.0).reshape(5, 5) - 12) / 5
    assert_close(x.grad, 1 + 2 * xv, rtol=1e-6)
    assert_close(y.grad, 1 + 3 * yv**2, rtol=1e-5, atol=1e-6)

    nf = z.grad_fn.next_functions
    assert [(node_name(n), i) for n, i in nf] == [("PowBackward0", 0), ("PowBackward0", 0)]
    acc = nf[0][0].next_functions[0][0]
    assert type(acc).__name__ == "AccumulateGrad"
    assert acc.variable is x
    assert nf[1][0].next_functions[0][0].variable is y
    assert nf[0][0]._saved_exponent == 2
    assert nf[1][0]._saved_exponent == 3

    with torch.no_grad():
        w = x * 2
    assert w.requires_grad is False and w.grad_fn is None

    multiply_constant = make_multiply_constant(torch)
    out = multiply_constant.apply(x, 5.5)
    assert "grad_fn=<multiply_constantBackward>" in repr(out)
    x.grad = None
    out.sum().backward()
    assert_equal(x.grad, np.ones((5, 5)))


def test_leaf_hooks_and_backwards_run_in_pytorchs_order(torch, capsys):
    """Leaf hooks and custom Functions' backwards print in PyTorch's order, every call (the
    replay runs leaf hooks late, but never past the next Python step of a node)."""

    class Loud(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t, name):
            ctx.name = name
            return t * 2

        @staticmethod
        def backward(ctx, g):
            print("backward", ctx.name)
            return g * 2, None

    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    a.register_hook(lambda g: print("hook a", g.tolist()))
    b.register_hook(lambda g: print("hook b", g.tolist()))
    for _ in range(3):
        Loud.apply(Loud.apply(a * 2, "inner") + b * 3, "outer").sum().backward()
    once = ["backward outer", "hook b [6.0, 6.0]", "backward inner", "hook a [8.0, 8.0]"]
    assert capsys.readouterr().out.splitlines() == once * 3
    assert a.grad.tolist() == [24.0, 24.0] and b.grad.tolist() == [18.0, 18.0]


def test_forward_result_is_the_output(torch):
    # the tensor forward returns is the very output (it takes the node), so a result kept on
    # ctx is the output the caller holds, with its grad_fn
    class Exp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            result = x.exp()
            ctx.result = result
            return result

        @staticmethod
        def backward(ctx, grad):
            return grad * ctx.result

    x = torch.tensor([0.0, 1.0], requires_grad=True)
    out = Exp.apply(x)
    assert out.grad_fn.result is out
    assert out.grad_fn.result.requires_grad
    out.sum().backward()
    assert torch.allclose(x.grad, x.detach().exp())

    # an input returned as is keeps its own identity (PyTorch returns a view of it)
    class Identity(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad

    y = Identity.apply(x)
    assert y is not x and x.grad_fn is None


class _DoubleInPlace:
    """A Function that doubles its input in place and marks it dirty (made per backend)."""

    @staticmethod
    def make(torch):
        class Double(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                x.mul_(2)
                ctx.mark_dirty(x)
                return x

            @staticmethod
            def backward(ctx, g):
                return g * 2

        return Double


def test_mark_dirty_returns_the_input_itself_with_the_node(torch):
    Double = _DoubleInPlace.make(torch)
    a = torch.ones(3, requires_grad=True)
    b = a.clone()
    v0 = b._version
    c = Double.apply(b)
    assert c is b
    assert type(b.grad_fn).__name__ == "DoubleBackward"
    assert b._version - v0 == 2  # the write inside forward, then mark_dirty's bump
    c.sum().backward()
    assert a.grad.tolist() == [2.0, 2.0, 2.0]


def test_mark_dirty_through_a_view_rewrites_the_base_history(torch):
    Double = _DoubleInPlace.make(torch)
    a = torch.ones(3, requires_grad=True)
    base = a.clone()
    view = base[:2]
    assert Double.apply(view) is view
    assert type(view.grad_fn).__name__ == "AsStridedBackward0"
    assert type(base.grad_fn).__name__ == "CopySlices"
    base.sum().backward()
    assert a.grad.tolist() == [2.0, 2.0, 1.0]


def test_mark_dirty_errors(torch):
    Double = _DoubleInPlace.make(torch)
    with pytest.raises(RuntimeError) as e:
        Double.apply(torch.ones(3, requires_grad=True))
    assert (
        str(e.value) == "a leaf Variable that requires grad has been used in an in-place operation."
    )

    class Hidden(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x.clone()

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(RuntimeError) as e:
        Hidden.apply(torch.ones(3, requires_grad=True).clone())
    assert str(e.value) == (
        "Some elements marked as dirty during the forward method were not returned as output. "
        "The inputs that are modified inplace must all be outputs of the Function."
    )


def test_once_differentiable_error_node_is_pytorchs(torch):
    from importlib import import_module

    once_differentiable = import_module(torch.__name__ + ".autograd.function").once_differentiable

    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (g,) = torch.autograd.grad((Square.apply(x) * x).sum(), x, create_graph=True)
    assert g.tolist() == [3.0, 12.0]
    err = g.grad_fn.next_functions[1][0]
    assert err.name() == "torch::autograd::Error"
    assert repr(err).startswith("<Error object at 0x") and repr(type(err)) == "<class 'Error'>"
    assert [type(n).__name__ for n, _ in err.next_functions] == ["AccumulateGrad"]
    with pytest.raises(RuntimeError, match="^trying to differentiate twice a function that was"):
        g.sum().backward()
