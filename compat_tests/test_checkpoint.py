"""torch.utils.checkpoint: both variants give the gradients of the plain forward, with
PyTorch's graph, warnings, errors and random-state handling."""

import warnings

import pytest


def _model(torch):
    torch.manual_seed(0)
    return torch.nn.Linear(4, 8), torch.nn.Linear(8, 3), torch.randn(5, 4, requires_grad=True)


def _block(torch, lin1, lin2, dropout):
    F = torch.nn.functional

    def block(a):
        h = F.gelu(lin1(a))
        if dropout:
            h = F.dropout(h, 0.5, training=True)
        return lin2(h).tanh() * 2

    return block


@pytest.mark.parametrize("dropout", [False, True])
@pytest.mark.parametrize("use_reentrant", [True, False])
def test_checkpoint_gives_the_plain_gradients(torch, use_reentrant, dropout):
    from importlib import import_module

    ck = import_module(torch.__name__ + ".utils.checkpoint")
    results = []
    for checkpointed in (True, False):
        lin1, lin2, x = _model(torch)
        block = _block(torch, lin1, lin2, dropout)
        y = ck.checkpoint(block, x, use_reentrant=use_reentrant) if checkpointed else block(x)
        (y**2).sum().backward()
        after = torch.rand(3)  # the generator advanced as without checkpointing
        results.append((y.detach(), x.grad, lin1.weight.grad, lin2.bias.grad, after))
        if checkpointed:
            name = type(y.grad_fn).__name__
            assert name == ("CheckpointFunctionBackward" if use_reentrant else "MulBackward0")
            if use_reentrant:
                ((acc, _),) = y.grad_fn.next_functions
                assert acc.variable is x
    for a, b in zip(*results):
        assert torch.equal(a, b)


def test_use_reentrant_left_out_warns_and_reenters(torch):
    from importlib import import_module

    ck = import_module(torch.__name__ + ".utils.checkpoint")
    lin = torch.nn.Linear(3, 3)
    x = torch.randn(2, 3, requires_grad=True)
    with pytest.warns(UserWarning, match="use_reentrant parameter should be passed explicitly"):
        y = ck.checkpoint(lin, x)
    assert type(y.grad_fn).__name__ == "CheckpointFunctionBackward"
    with pytest.raises(ValueError, match="^Unexpected keyword arguments: foo$"):
        ck.checkpoint(lin, x, use_reentrant=True, foo=1)
    with pytest.raises(ValueError, match="only supported when use_reentrant=False"):
        ck.checkpoint(lin, x, use_reentrant=True, debug=True)


def test_reentrant_without_grad_inputs_gives_no_grad(torch):
    from importlib import import_module

    ck = import_module(torch.__name__ + ".utils.checkpoint")
    lin = torch.nn.Linear(3, 3)
    x = torch.randn(2, 3)
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
        y = ck.checkpoint(lin, x, use_reentrant=True)
    assert not y.requires_grad  # PyTorch's classic pitfall: the parameters get no gradient
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = ck.checkpoint(lin, x, use_reentrant=False)
    assert type(y.grad_fn).__name__ == "AddmmBackward0"
    y.sum().backward()
    assert torch.equal(lin.weight.grad, x.sum(0).expand(3, 3))


def test_non_reentrant_graph_saved_values_and_second_backward(torch):
    from importlib import import_module

    ck = import_module(torch.__name__ + ".utils.checkpoint")
    lin = torch.nn.Linear(3, 3)
    x = torch.randn(2, 3, requires_grad=True)
    y = ck.checkpoint(lambda a: lin(a).sigmoid(), x, use_reentrant=False)
    assert torch.equal(y.grad_fn._saved_result, y)  # a saved value is there when asked for
    y.sum().backward(retain_graph=True)
    first = x.grad.clone()
    y.sum().backward()
    assert torch.equal(x.grad, 2 * first)
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.sum().backward()


def test_checkpoint_sequential(torch):
    from importlib import import_module

    ck = import_module(torch.__name__ + ".utils.checkpoint")
    torch.manual_seed(0)
    seq = torch.nn.Sequential(
        torch.nn.Linear(3, 4),
        torch.nn.ReLU(),
        torch.nn.Linear(4, 4),
        torch.nn.Tanh(),
        torch.nn.Linear(4, 2),
    )
    x = torch.randn(2, 3, requires_grad=True)
    out = ck.checkpoint_sequential(seq, 2, x, use_reentrant=False)
    out.sum().backward()
    got = (x.grad.clone(), seq[0].weight.grad.clone())
    x.grad = None
    seq.zero_grad()
    seq(x).sum().backward()
    assert torch.equal(got[0], x.grad) and torch.equal(got[1], seq[0].weight.grad)
    with pytest.warns(UserWarning, match="checkpoint_sequential: the use_reentrant parameter"):
        ck.checkpoint_sequential(seq, 2, x)


@pytest.mark.torchlike_only
def test_non_reentrant_drops_the_arrays_made_inside(torch):
    from torchlike.utils import checkpoint as ck

    lin = torch.nn.Linear(3, 3)
    x = torch.randn(2, 3, requires_grad=True)
    y = ck.checkpoint(lambda a: (lin(a).relu() * 3).exp(), x, use_reentrant=False)
    mul = y.grad_fn.next_functions[0][0]
    assert mul.name() == "MulBackward0"
    assert mul._saved[0] is None or mul._saved[0].value is None  # relu's output: recomputed
    y.sum().backward()
    assert x.grad is not None and lin.weight.grad is not None
