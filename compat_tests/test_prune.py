"""torch.nn.utils.prune: what the pruning tutorial and compression code observe: where the
original tensor and the mask live, the forward pre-hook, iterative pruning through a
PruningContainer, the seeded random methods, global pruning, remove, and the amount checks."""

import importlib
import re

import pytest
from _helpers import node_name


def _prune(torch):
    return importlib.import_module(f"{torch.__name__}.nn.utils.prune")


def _linear(torch, weight):
    m = torch.nn.Linear(len(weight[0]), len(weight))
    with torch.no_grad():
        m.weight.copy_(torch.tensor(weight))
    return m


def test_pruned_tensor_moves_to_orig_and_mask_and_the_hook(torch):
    prune = _prune(torch)
    torch.manual_seed(0)
    m = torch.nn.Conv2d(1, 2, 3)
    weight = m.weight
    assert prune.random_unstructured(m, name="weight", amount=0.3) is m
    assert [n for n, _ in m.named_parameters()] == ["bias", "weight_orig"]
    assert m.weight_orig is weight
    assert [n for n, _ in m.named_buffers()] == ["weight_mask"]
    assert type(m.weight) is torch.Tensor and node_name(m.weight) == "MulBackward0"
    assert "weight" not in m._parameters
    assert int((m.weight_mask == 0).sum()) == 5  # round(0.3 * 18)
    (hook,) = m._forward_pre_hooks.values()
    assert type(hook) is prune.RandomUnstructured and hook._tensor_name == "weight"
    assert re.fullmatch(
        r"OrderedDict\(\[\(\d+, <torch\.nn\.utils\.prune\.RandomUnstructured object at 0x[0-9a-f]+>"
        r"\)\]\)",
        repr(m._forward_pre_hooks),
    )
    assert list(m.state_dict()) == ["bias", "weight_orig", "weight_mask"]
    assert prune.is_pruned(torch.nn.Sequential(m)) and not prune.is_pruned(torch.nn.Linear(1, 1))


def test_forward_pre_hook_recomputes_weight_and_grad_reaches_orig(torch):
    prune = _prune(torch)
    m = _linear(torch, [[1.0, -2.0, 3.0], [0.5, 4.0, -0.25]])
    prune.l1_unstructured(m, "weight", amount=2)
    assert m.weight_mask.tolist() == [[1.0, 1.0, 1.0], [0.0, 1.0, 0.0]]
    with torch.no_grad():
        m.weight_orig.mul_(2)
    out = m(torch.ones(1, 3))
    assert m.weight.tolist() == [[2.0, -4.0, 6.0], [0.0, 8.0, -0.0]]
    out.sum().backward()
    assert m.weight_orig.grad.tolist() == [[1.0, 1.0, 1.0], [0.0, 1.0, 0.0]]


def test_seeded_random_pruning_matches_pytorch_stream(torch):
    prune = _prune(torch)
    torch.manual_seed(3)
    m = torch.nn.Linear(4, 3)
    prune.random_unstructured(m, "weight", amount=0.5)
    assert m.weight_mask.tolist() == [[0, 1, 0, 0], [0, 0, 1, 0], [1, 1, 1, 1]]
    prune.random_structured(m, "weight", amount=1, dim=1)
    assert m.weight_mask.tolist() == [[0, 1, 0, 0], [0, 0, 0, 0], [1, 1, 0, 1]]
    torch.manual_seed(0)
    a, b = torch.nn.Linear(2, 2), torch.nn.Linear(3, 1)
    prune.global_unstructured(
        [(a, "weight"), (b, "weight")], pruning_method=prune.RandomUnstructured, amount=0.5
    )
    assert a.weight_mask.tolist() == [[0, 0], [1, 1]]
    assert b.weight_mask.tolist() == [[1, 0, 0]]


def test_iterative_pruning_combines_masks_in_a_container(torch):
    prune = _prune(torch)
    m = _linear(torch, [[-5.0, -4.0, -3.0], [-2.0, -1.0, 0.0], [1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    prune.l1_unstructured(m, "weight", amount=0.25)
    assert m.weight_mask.tolist() == [[1, 1, 1], [1, 0, 0], [0, 1, 1], [1, 1, 1]]
    prune.ln_structured(m, "weight", amount=1, n=2, dim=0)
    assert m.weight_mask.tolist() == [[1, 1, 1], [0, 0, 0], [0, 1, 1], [1, 1, 1]]
    # the three columns' L1 norms tie (12 each): the structured step keeps channels 0 and 1 of
    # the still-unpruned ones
    prune.ln_structured(m, "weight", amount=1, n=1, dim=-1)
    assert m.weight_mask.tolist() == [[0, 1, 1], [0, 0, 0], [0, 1, 1], [0, 1, 1]]
    (hook,) = m._forward_pre_hooks.values()
    assert type(hook) is prune.PruningContainer and len(hook) == 3
    assert [type(h).__name__ for h in hook] == ["L1Unstructured", "LnStructured", "LnStructured"]
    assert hook[1].n == 2 and hook[2].dim == -1
    assert list(m.state_dict()) == ["bias", "weight_orig", "weight_mask"]
    assert m.weight.tolist() == [
        [0.0, -4.0, -3.0],
        [0.0, 0.0, 0.0],
        [0.0, 2.0, 3.0],
        [0.0, 5.0, 6.0],
    ]


def test_tutorial_flow_bias_then_second_weight_pruning_order(torch):
    prune = _prune(torch)
    torch.manual_seed(0)
    m = torch.nn.Conv2d(1, 4, 3)
    prune.random_unstructured(m, name="weight", amount=0.3)
    prune.l1_unstructured(m, name="bias", amount=3)
    assert [n for n, _ in m.named_parameters()] == ["weight_orig", "bias_orig"]
    assert [n for n, _ in m.named_buffers()] == ["weight_mask", "bias_mask"]
    assert int((m.bias == 0).sum()) == 3
    prune.ln_structured(m, name="weight", amount=0.5, n=2, dim=0)
    # the weight's container is registered again, after the bias's hook
    names = [(type(h).__name__, h._tensor_name) for h in m._forward_pre_hooks.values()]
    assert names == [("L1Unstructured", "bias"), ("PruningContainer", "weight")]
    w = m.weight
    assert 100.0 * float(torch.sum(w == 0)) / float(w.nelement()) >= 50.0
    assert int((w.flatten(1).abs().sum(1) == 0).sum()) == 2
    assert list(m.state_dict()) == ["weight_orig", "bias_orig", "weight_mask", "bias_mask"]


def test_remove_makes_the_pruned_tensor_a_parameter_again(torch):
    prune = _prune(torch)
    m = _linear(torch, [[1.0, -0.1, 3.0], [0.2, 4.0, -5.0]])
    orig = m.weight
    prune.l1_unstructured(m, "weight", amount=2)
    assert prune.remove(m, "weight") is m
    assert type(m.weight) is torch.nn.Parameter and m.weight is orig
    assert m.weight.tolist() == [[1.0, 0.0, 3.0], [0.0, 4.0, -5.0]]
    assert [n for n, _ in m.named_parameters()] == ["bias", "weight"]
    assert list(m.named_buffers()) == [] and len(m._forward_pre_hooks) == 0
    assert list(m.state_dict()) == ["bias", "weight"]
    with pytest.raises(ValueError, match=r"^Parameter 'weight' of module Linear\(in_features=3, "):
        prune.remove(m, "weight")


def test_global_unstructured_with_importance_scores(torch):
    prune = _prune(torch)
    a = _linear(torch, [[0.1, -0.4], [0.3, 0.2]])
    b = _linear(torch, [[-0.05, 0.6, 0.25]])
    params = ((a, "weight"), (b, "weight"))
    prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=3)
    assert a.weight_mask.tolist() == [[0, 1], [1, 0]] and b.weight_mask.tolist() == [[0, 1, 1]]
    assert type(next(iter(a._forward_pre_hooks.values()))) is prune.CustomFromMask
    a = _linear(torch, [[0.1, -0.4], [0.3, 0.2]])
    b = _linear(torch, [[-0.05, 0.6, 0.25]])
    scores = {(a, "weight"): torch.tensor([[5.0, 1.0], [2.0, 6.0]])}
    prune.global_unstructured(
        [(a, "weight"), (b, "weight")],
        pruning_method=prune.L1Unstructured,
        importance_scores=scores,
        amount=0.5,
    )
    assert a.weight_mask.tolist() == [[1, 0], [1, 1]] and b.weight_mask.tolist() == [[0, 0, 0]]


def test_custom_from_mask_identity_and_a_user_method(torch):
    prune = _prune(torch)
    m = torch.nn.Linear(3, 2)
    prune.custom_from_mask(m, "bias", mask=torch.tensor([0, 1]))
    assert m.bias_mask.tolist() == [0.0, 1.0] and float(m.bias.detach()[0]) == 0.0
    prune.identity(m, "weight")
    assert m.weight_mask.tolist() == [[1.0] * 3] * 2

    class EveryOther(prune.BasePruningMethod):
        PRUNING_TYPE = "unstructured"

        def compute_mask(self, t, default_mask):
            mask = default_mask.clone()
            mask.view(-1)[::2] = 0
            return mask

    EveryOther.apply(m, "weight")
    assert m.weight_mask.tolist() == [[0, 1, 0], [1, 0, 1]]
    assert repr(next(reversed(m._forward_pre_hooks.values()))).startswith("<torch.nn.utils.prune")
    assert prune.L1Unstructured(2).prune(torch.tensor([3.0, -1.0, 0.5, 2.0])).tolist() == [
        3.0,
        -0.0,
        0.0,
        2.0,
    ]


def test_amount_validation_and_rollback(torch):
    prune = _prune(torch)
    m = torch.nn.Linear(3, 2)
    with pytest.raises(TypeError, match=r"^Invalid type for amount: a\. Must be int or float\.$"):
        prune.l1_unstructured(m, "weight", amount="a")
    msg = r"should either be a float in the range \[0, 1\] or a non-negative integer$"
    with pytest.raises(ValueError, match=r"^amount=-1 " + msg):
        prune.l1_unstructured(m, "weight", amount=-1)
    with pytest.raises(ValueError, match=r"^amount=1\.5 " + msg):
        prune.random_unstructured(m, "weight", amount=1.5)
    with pytest.raises(
        ValueError, match=r"^amount=7 should be smaller than the number of parameters to prune=6$"
    ):
        prune.l1_unstructured(m, "weight", amount=7)
    # a failed first pruning puts the parameter back (registered again: now after the bias)
    assert [n for n, _ in m.named_parameters()] == ["bias", "weight"]
    assert type(m.weight) is torch.nn.Parameter and len(m._forward_pre_hooks) == 0
    with pytest.raises(ValueError, match=r"^Structured pruning can only be applied to multidim"):
        prune.ln_structured(m, "bias", amount=1, n=2, dim=0)
    with pytest.raises(IndexError, match=r"^Invalid index 2 for tensor of size torch\.Size"):
        prune.random_structured(m, "weight", amount=1, dim=2)
    with pytest.raises(AssertionError, match=r"^importance_scores should have the same shape"):
        prune.l1_unstructured(m, "weight", amount=1, importance_scores=torch.ones(2))
    with pytest.raises(TypeError, match=r"Found method <class 'torch\.nn\.utils\.prune\.LnStr"):
        prune.global_unstructured(
            [(m, "weight")], pruning_method=prune.LnStructured, amount=1, n=1, dim=0
        )
    with pytest.raises(TypeError, match=r"^global_unstructured\(\): parameters is not an Iter"):
        prune.global_unstructured(5, pruning_method=prune.L1Unstructured, amount=1)
    assert [n for n, _ in m.named_parameters()] == ["bias", "weight"]


def test_pruning_container_checks(torch):
    prune = _prune(torch)
    w = prune.Identity()
    w._tensor_name = "weight"
    b = prune.Identity()
    b._tensor_name = "bias"
    c = prune.PruningContainer(w)
    with pytest.raises(TypeError, match=r"^<class 'int'> is not a BasePruningMethod subclass$"):
        c.add_pruning_method(5)
    with pytest.raises(
        ValueError,
        match=r"^Can only add pruning methods acting on the parameter named 'weight' to "
        r"PruningContainer <torch\.nn\.utils\.prune\.PruningContainer object at 0x[0-9a-f]+>\. "
        r"Found 'bias'$",
    ):
        c.add_pruning_method(b)
    assert len(c) == 1 and c[0] is w and list(c) == [w]


def test_ties_at_the_boundary_prune_what_pytorch_prunes(torch):
    # PyTorch's CPU topk does not prefer the lowest index among equal values
    prune = _prune(torch)
    m = _linear(torch, [[1.0, -1.0, 2.0], [1.0, 0.5, -1.0]])
    prune.l1_unstructured(m, "weight", amount=3)
    assert m.weight_mask.tolist() == [[1, 1, 1], [0, 0, 0]]
    rows = [[1.0, 2.0, 3.0], [3.0, 2.0, 1.0], [2.0, 3.0, 1.0], [1.0, 3.0, 2.0], [0.0, 0.0, 1.0]]
    m = _linear(torch, rows)
    prune.ln_structured(m, "weight", amount=2, n=2, dim=0)
    assert m.weight_mask[:, 0].tolist() == [0, 1, 1, 1, 0]
    # pruning again after remove: the zeros left behind tie
    m = _linear(torch, (torch.arange(24.0) - 11.5).view(4, 6).tolist())
    prune.l1_unstructured(m, "weight", amount=0.5)
    prune.remove(m, "weight")
    prune.l1_unstructured(m, "weight", amount=0.25)
    assert (m.weight_mask.flatten() == 0).nonzero().flatten().tolist() == [6, 7, 8, 9, 10, 11]
