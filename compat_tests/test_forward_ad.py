"""torch.autograd.forward_ad: dual tensors, as the forward-mode AD tutorial uses them."""

import pytest


@pytest.fixture
def fwAD(torch):
    return torch.autograd.forward_ad


def _close(torch, a, b, tol=1e-5):
    return torch.allclose(a, b, atol=tol, rtol=tol)


def test_tutorial_basics(torch, fwAD):
    torch.manual_seed(0)
    primal, tangent = torch.randn(4, 4), torch.randn(4, 4)
    plain = torch.randn(4, 4)
    with fwAD.dual_level() as level:
        assert level == 0
        dual = fwAD.make_dual(primal, tangent)
        assert fwAD.unpack_dual(dual).tangent is tangent
        assert dual._base is primal and dual.is_leaf and dual.grad_fn is None
        # a tangent laid out differently from the primal is copied into the primal's layout
        alt = fwAD.unpack_dual(fwAD.make_dual(primal, tangent.T)).tangent
        assert alt is not tangent and alt.stride() == (4, 1)
        assert torch.equal(alt, tangent.T)
        out = dual**2 + plain**2
        unpacked = fwAD.unpack_dual(out)
        assert type(unpacked).__name__ == "UnpackedDualTensor"
        assert unpacked._fields == ("primal", "tangent")
        assert _close(torch, unpacked.tangent, 2 * primal * tangent)
        assert torch.equal(unpacked.primal, primal**2 + plain**2)
        assert fwAD.unpack_dual(unpacked.primal).tangent is None
        assert fwAD.unpack_dual(primal).tangent is None  # make_dual leaves its input alone
    assert fwAD.unpack_dual(out).tangent is None  # leaving the level drops every tangent
    assert fwAD.unpack_dual(dual).tangent is None
    assert fwAD._current_level == -1


@pytest.mark.parametrize(
    "name",
    [
        "exp",
        "sin",
        "tanh",
        "sigmoid",
        "log_softmax",
        "linear",
        "matmul",
        "sum",
        "mean",
        "max_dim",
        "conv2d",
        "layer_norm",
        "stack_views",
        "where",
        "gather",
        "cumsum",
        "inv",
    ],
)
def test_op_tangents_match_jvp(torch, fwAD, name):
    torch.manual_seed(0)
    F = torch.nn.functional
    w = torch.randn(5, 3)
    fns = {
        "exp": torch.exp,
        "sin": lambda x: x.sin(),
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "log_softmax": lambda x: F.log_softmax(x, dim=1),
        "linear": lambda x: F.linear(x, w, torch.ones(5)),
        "matmul": lambda x: x @ x.T,
        "sum": lambda x: (x * 3.0).sum(),
        "mean": lambda x: x.mean(dim=0, keepdim=True),
        "max_dim": lambda x: x.max(dim=1).values,
        "conv2d": lambda x: F.conv2d(x[None, None], torch.ones(2, 1, 2, 2)),
        "layer_norm": lambda x: F.layer_norm(x, (3,)),
        "stack_views": lambda x: torch.stack([x[0], x[1], x[3]]),  # views read together
        "where": lambda x: torch.where(x > 0, x, x * 0.1),
        "gather": lambda x: x.gather(1, torch.tensor([[0], [2], [1], [1]])),
        "cumsum": lambda x: x.cumsum(0),
        "inv": lambda x: torch.linalg.inv(x[:3] + 4 * torch.eye(3)),
    }
    x, t = torch.randn(4, 3), torch.randn(4, 3)
    with fwAD.dual_level():
        got = fwAD.unpack_dual(fns[name](fwAD.make_dual(x, t))).tangent
    _, expected = torch.func.jvp(fns[name], (x,), (t,))
    assert _close(torch, got, expected)


def test_views_and_in_place_writes(torch, fwAD):
    x = torch.tensor([1.0, 2.0])
    with fwAD.dual_level():
        d = fwAD.make_dual(x, torch.tensor([1.0, 0.0]))
        assert fwAD.unpack_dual(d[0]).tangent.item() == 1.0
        assert fwAD.unpack_dual(d.view(2, 1)).tangent.tolist() == [[1.0], [0.0]]
        assert fwAD.unpack_dual(torch.stack([d, d])).tangent.tolist() == [[1.0, 0.0]] * 2
        y = d.clone()
        y.mul_(3)
        assert fwAD.unpack_dual(y).tangent.tolist() == [3.0, 0.0]
        z = torch.zeros(2)
        z.copy_(d)
        assert fwAD.unpack_dual(z).tangent.tolist() == [1.0, 0.0]
        # a write through a view reaches the base's tangent at the view's positions
        base = torch.zeros(3)
        view = base[1:]
        earlier = base[:2]  # made before the write: it sees the base's new tangent
        view.copy_(d)
        assert fwAD.unpack_dual(base).tangent.tolist() == [0.0, 1.0, 0.0]
        assert fwAD.unpack_dual(view).tangent.tolist() == [1.0, 0.0]
        assert fwAD.unpack_dual(earlier).tangent.tolist() == [0.0, 1.0]
        rows = torch.zeros(2, 2)
        rows[0] = d
        assert fwAD.unpack_dual(rows).tangent.tolist() == [[1.0, 0.0], [0.0, 0.0]]
        rows.mul_(2)
        assert fwAD.unpack_dual(rows[0]).tangent.tolist() == [2.0, 0.0]
        cleared = d.clone()
        cleared.zero_()
        assert fwAD.unpack_dual(cleared).tangent.tolist() == [0.0, 0.0]
        filled = d.clone()
        filled.fill_(3.0)
        assert fwAD.unpack_dual(filled).tangent.tolist() == [0.0, 0.0]
        untouched = torch.zeros(2)
        untouched.add_(1.0)
        assert fwAD.unpack_dual(untouched).tangent is None


def test_what_carries_a_tangent(torch, fwAD):
    with fwAD.dual_level():
        d = fwAD.make_dual(torch.tensor([1.0, -2.0]), torch.tensor([1.0, 1.0]))
        assert fwAD.unpack_dual(d.detach()).tangent is None
        assert fwAD.unpack_dual(d.data).tangent is None
        assert fwAD.unpack_dual(d.clone()).tangent.tolist() == [1.0, 1.0]
        assert fwAD.unpack_dual(d.argmax()).tangent is None
        assert fwAD.unpack_dual(d > 0).tangent is None
        assert fwAD.unpack_dual(d.floor()).tangent.tolist() == [0.0, 0.0]
        assert fwAD.unpack_dual(torch.relu(d)).tangent.tolist() == [1.0, 0.0]
        with torch.no_grad():  # forward AD does not depend on grad mode
            assert fwAD.unpack_dual(d * 2).tangent.tolist() == [2.0, 2.0]
        wide = fwAD.make_dual(torch.ones(2), torch.ones(2, dtype=torch.float64))
        assert fwAD.unpack_dual(wide * 2).tangent.dtype == torch.float64
        assert fwAD.unpack_dual(wide.to(torch.float64)).tangent.dtype == torch.float64


def test_modules_api(torch, fwAD):
    torch.manual_seed(0)
    model = torch.nn.Linear(5, 3)
    x = torch.randn(4, 5)
    params = dict(model.named_parameters())
    tangents = {name: torch.rand_like(p) for name, p in params.items()}
    expected = x @ tangents["weight"].T + tangents["bias"]
    with fwAD.dual_level():
        for name, p in params.items():
            delattr(model, name)
            setattr(model, name, fwAD.make_dual(p, tangents[name]))
        out = model(x)
        assert _close(torch, fwAD.unpack_dual(out).tangent, expected)


def test_custom_function_jvp(torch, fwAD):
    class Exp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            seen.append(fwAD.unpack_dual(x).tangent)
            result = x.exp()
            ctx.save_for_forward(result)
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def jvp(ctx, x_t):
            (result,) = ctx.saved_tensors
            return x_t * result

        @staticmethod
        def backward(ctx, grad):
            (result,) = ctx.saved_tensors
            return grad * result

    class NoJvp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    seen = []
    x = torch.tensor([0.0, 1.0], dtype=torch.float64, requires_grad=True)
    with fwAD.dual_level():
        d = fwAD.make_dual(x, torch.tensor([1.0, 2.0], dtype=torch.float64))
        out = Exp.apply(d)
        assert seen == [None]  # forward runs on the primal
        assert _close(
            torch, fwAD.unpack_dual(out).tangent, torch.tensor([1.0, 2.0]).double() * x.exp()
        )
        out.sum().backward()  # reverse mode still works on the same call
        assert _close(torch, x.grad, x.detach().exp())
        with pytest.raises(NotImplementedError) as err:
            NoJvp.apply(d)
    assert str(err.value) == (
        "You must implement the jvp function for custom autograd.Function to use it with "
        "forward mode AD."
    )


def test_repr_shows_the_tangent(torch, fwAD):
    with fwAD.dual_level():
        d = fwAD.make_dual(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 1.0]))
        assert repr(d) == "tensor([1., 2.], tangent=tensor([1., 1.]))"
        s = fwAD.unpack_dual(d.sum())
        assert repr(s) == "UnpackedDualTensor(primal=tensor(3.), tangent=tensor(2.))"
        stacked = torch.stack([d, torch.zeros(2)])
        assert repr(stacked) == (
            "tensor([[1., 2.],\n        [0., 0.]], tangent=tensor([[1., 1.],\n        [0., 0.]]))"
        )
        w = fwAD.make_dual(torch.tensor([0.5, -1.5], requires_grad=True), torch.ones(2))
        assert repr(w) == (
            "tensor([ 0.5000, -1.5000], grad_fn=<ViewBackward0>, tangent=tensor([1., 1.]))"
        )


def test_errors(torch, fwAD):
    with pytest.raises(RuntimeError) as err:
        fwAD.make_dual(torch.ones(2), torch.ones(2))
    assert str(err.value) == (
        "Trying to create a dual Tensor for forward AD but no level exists, make sure to "
        "enter_dual_level() first."
    )
    with pytest.raises(RuntimeError, match=r"^Dual level must be a positive number\.$"):
        fwAD.exit_dual_level()
    with fwAD.dual_level():
        with pytest.raises(RuntimeError) as err:
            fwAD.enter_dual_level()
        assert str(err.value) == "Nested forward mode AD is not supported at the moment"
        with pytest.raises(ValueError) as err:
            fwAD.make_dual(torch.arange(3), torch.arange(3))
        assert (
            str(err.value)
            == "Expected primal to be floating point or complex, but got: torch.int64"
        )
        with pytest.raises(ValueError) as err:
            fwAD.make_dual(torch.ones(2), torch.arange(2))
        assert (
            str(err.value)
            == "Expected tangent to be floating point or complex, but got: torch.int64"
        )
        with pytest.raises(RuntimeError) as err:
            fwAD.make_dual(torch.ones(3, 3), torch.ones(2))
        assert str(err.value) == (
            "Trying to set a forward gradient that has a different size than that of the "
            "original Tensor, this is not supported. Tensor is of size [3, 3] while the given "
            "forward gradient is of size [2]."
        )
        with pytest.raises(RuntimeError, match=r"^Invalid level given to _make_dual$"):
            fwAD.make_dual(torch.ones(2), torch.ones(2), level=1)
        assert fwAD.unpack_dual(torch.ones(2), level=1).tangent is None
        with pytest.raises(RuntimeError) as err:
            fwAD.exit_dual_level(level=1)
        assert str(err.value) == (
            "Trying to exit a forward AD level that was not the last one that was created. "
            "This is not supported."
        )


def test_kernels_without_a_forward_rule(torch, fwAD):
    q = torch.randn(1, 2, 3, 4)
    with fwAD.dual_level():
        d = fwAD.make_dual(q, torch.ones_like(q))
        with pytest.raises(NotImplementedError) as err:
            torch.nn.functional.scaled_dot_product_attention(d, d, d)
    assert str(err.value).startswith(
        "Trying to use forward AD with _scaled_dot_product_flash_attention_for_cpu that does "
        "not support it because it has not been implemented yet.\nPlease file an issue"
    )


def test_dual_level_as_decorator(torch, fwAD):
    @fwAD.dual_level()
    def tangent_of_square(x, t):
        return fwAD.unpack_dual(fwAD.make_dual(x, t) ** 2).tangent

    assert tangent_of_square(torch.tensor([3.0]), torch.tensor([1.0])).tolist() == [6.0]
    assert fwAD._current_level == -1


def test_tangents_record_where_they_read_a_tensor_that_requires_grad(torch, fwAD):
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with fwAD.dual_level():
        d = fwAD.make_dual(w, torch.ones(3))
        e = fwAD.make_dual(torch.tensor([0.5, 1.0, 1.5]), torch.ones(3))
        cases = {
            "exp": (d.exp(), True),
            "mul": (d * torch.ones(3), True),
            "mul by a leaf": (e * w, True),
            "add": (d + 1, False),  # linear: the tangent reads no primal
            "sum": (d.sum(), False),
            "view": (d.view(3, 1), False),
            "exp of a plain dual": (e.exp(), False),
        }
        for name, (out, requires_grad) in cases.items():
            assert fwAD.unpack_dual(out).tangent.requires_grad is requires_grad, name
        tangent = fwAD.unpack_dual((d * d).sum()).tangent
        assert tangent.item() == 12.0
        tangent.backward()  # d/dw of sum(2 w): 2
        assert w.grad.tolist() == [2.0, 2.0, 2.0]
        assert repr(fwAD.unpack_dual(d.exp()).tangent[:2]).endswith("grad_fn=<SliceBackward0>)")


@pytest.mark.known_difference(
    reason="a tangent's node is one per op (torchlike: ExpJvpBackward0, JAX's vjp of the "
    "tangent function); PyTorch's is the last op of the op's forward formula"
)
def test_tangent_node_names(torch, fwAD):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    with fwAD.dual_level():
        d = fwAD.make_dual(w, torch.ones(2))
        assert type(fwAD.unpack_dual(d.exp()).tangent.grad_fn).__name__ == "MulBackward0"


def test_func_forward_transforms_through_ops_with_a_custom_backward(torch):
    # max_unpool's gradient gathers at its indices (a custom rule in torchlike): forward mode
    # still gives the derivative, and jacfwd agrees with jacrev
    def f(v):
        pooled, indices = torch.nn.functional.max_pool1d(v, 2, return_indices=True)
        return torch.nn.functional.max_unpool1d(pooled, indices, 2)

    v = torch.tensor([[[0.0, 3.0, 2.0, 1.0, 5.0, 4.0]]])
    _, tangent = torch.func.jvp(f, (v,), (torch.ones_like(v),))
    assert tangent.tolist() == [[[0.0, 1.0, 1.0, 0.0, 1.0, 0.0]]]
    assert torch.equal(torch.func.jacfwd(f)(v), torch.func.jacrev(f)(v))
    _, jvp_fn = torch.func.linearize(f, v)
    assert torch.equal(jvp_fn(torch.ones_like(v)), tangent)
    q = torch.randn(1, 2, 3, 4)

    def attend(q):
        return torch.nn.functional.scaled_dot_product_attention(q, q, q)

    for transform in (
        lambda: torch.func.jvp(attend, (q,), (q,)),
        lambda: torch.func.jacfwd(attend)(q),
    ):
        with pytest.raises(NotImplementedError, match="^Trying to use forward AD with _scaled_dot"):
            transform()


def test_gradcheck_forward_mode(torch):
    class Exp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            result = x.exp()
            ctx.result = result
            return result

        @staticmethod
        def jvp(ctx, x_t):
            return x_t * ctx.result * scale[0]

        @staticmethod
        def backward(ctx, grad):
            return grad  # wrong, unchecked below

    scale = [1.0]
    x = torch.tensor([0.7, 0.9], dtype=torch.float64, requires_grad=True)
    gradcheck = torch.autograd.gradcheck
    assert gradcheck(Exp.apply, (x,), check_forward_ad=True, check_backward_ad=False)
    assert gradcheck(torch.sin, (x,), check_forward_ad=True)
    scale[0] = 2.0
    assert not gradcheck(
        Exp.apply, (x,), check_forward_ad=True, check_backward_ad=False, raise_exception=False
    )
    with pytest.raises(RuntimeError) as err:  # GradcheckError
        gradcheck(Exp.apply, (x,), check_forward_ad=True, check_backward_ad=False)
    assert type(err.value).__name__ == "GradcheckError"
    assert str(err.value).startswith(
        "Jacobian computed with forward mode mismatch for output 0 with respect to input 0,\n"
        "numerical:tensor([[2.0138, 0.0000],\n"
    )
    with pytest.raises(RuntimeError, match="^Jacobian mismatch for output 0"):
        gradcheck(Exp.apply, (x,), check_forward_ad=True)  # the reverse check comes first
    with pytest.raises(AssertionError) as err:
        gradcheck(Exp.apply, (x,), check_backward_ad=False)
    assert (
        str(err.value)
        == "Expected at least one of check_forward_ad or check_backward_ad to be True"
    )
