"""Graph pictures: ``torchlike.viz.make_dot`` draws what torchviz's ``make_dot`` draws.

On the torch backend the same tests run torchviz's ``make_dot`` on PyTorch's graphs (skipped
when torchviz is not installed), so each expectation below is PyTorch's + torchviz's output.
"""

import importlib
import re
import sys

import pytest

from torchlike import viz


@pytest.fixture(scope="module")
def make_dot(backend_name):
    if backend_name == "torch":
        return pytest.importorskip("torchviz").make_dot
    return viz.make_dot


def stable_ids(source):
    """Node ids are id()s of graph objects: name them n0, n1, … by first appearance."""
    names = {}
    return re.sub(r"\b\d{5,}\b", lambda m: names.setdefault(m.group(0), f"n{len(names)}"), source)


def seed(torch):
    torch.manual_seed(0)
    x = torch.rand(5, 5, requires_grad=True)
    y = torch.rand(5, 5, requires_grad=True)
    return x, y, x**2 + y**3


HEAD = (
    'digraph {\n\tgraph [size="12,12"]\n\tnode [align=left fontname=monospace fontsize=10 '
    "height=0.2 ranksep=0.1 shape=box style=filled]\n"
)

SEED_DOT = (
    HEAD
    + """\
\tn0 [label="
 (5, 5)" fillcolor=darkolivegreen1]
\tn1 [label=AddBackward0]
\tn2 -> n1
\tn2 [label=PowBackward0]
\tn3 -> n2
\tn4 [label="x
 (5, 5)" fillcolor=lightblue]
\tn4 -> n3
\tn3 [label=AccumulateGrad]
\tn5 -> n1
\tn5 [label=PowBackward0]
\tn6 -> n5
\tn7 [label="y
 (5, 5)" fillcolor=lightblue]
\tn7 -> n6
\tn6 [label=AccumulateGrad]
\tn1 -> n0
}
"""
)

SEED_DOT_DETAILED = (
    HEAD
    + """\
\tn0 [label="
 (5, 5)" fillcolor=darkolivegreen1]
\tn1 [label="AddBackward0
------------
alpha: 1"]
\tn2 -> n1
\tn2 -> n3 [dir=none]
\tn3 [label="self
 (5, 5)" fillcolor=orange]
\tn2 [label="PowBackward0
------------------------
exponent:              2
self    : [saved tensor]"]
\tn4 -> n2
\tn3 [label="x
 (5, 5)" fillcolor=lightblue]
\tn3 -> n4
\tn4 [label=AccumulateGrad]
\tn5 -> n1
\tn5 -> n6 [dir=none]
\tn6 [label="self
 (5, 5)" fillcolor=orange]
\tn5 [label="PowBackward0
------------------------
exponent:              3
self    : [saved tensor]"]
\tn7 -> n5
\tn6 [label="y
 (5, 5)" fillcolor=lightblue]
\tn6 -> n7
\tn7 [label=AccumulateGrad]
\tn1 -> n0
}
"""
)


def test_seed_graph_is_torchvizs_picture(torch, make_dot):
    x, y, z = seed(torch)
    assert stable_ids(make_dot(z, params={"x": x, "y": y}).source) == SEED_DOT


def test_seed_graph_with_saved_tensors_and_attributes(torch, make_dot):
    x, y, z = seed(torch)
    dot = make_dot(z, params={"x": x, "y": y}, show_attrs=True, show_saved=True)
    assert stable_ids(dot.source) == SEED_DOT_DETAILED


def test_unnamed_leaves_and_attribute_truncation(torch, make_dot):
    x, y, z = seed(torch)
    source = stable_ids(make_dot(z, show_attrs=True, max_attr_chars=1).source)
    assert '\tn4 [label="\n (5, 5)" fillcolor=lightblue]' in source
    # max_attr_chars is at least 3: "[saved tensor]" is cut to "..."
    assert 'label="PowBackward0\n-------------\nexponent:   2\nself    : ..."]' in source


def _parse(source):
    labels = dict(re.findall(r'\t(\d+) \[label=("[^"]*"|\w+)', source))
    labels = {k: v.strip('"').split("\n")[0].strip() or "<tensor>" for k, v in labels.items()}
    edges = re.findall(r"\t(\d+) -> (\d+)(?: \[([^\]]*)\])?\n", source)
    return labels, edges


def _walk(outputs):
    """Node names and (tail, head) name pairs found by following grad_fn.next_functions."""
    names, pairs, seen = [], [], set()
    stack = [o.grad_fn for o in outputs]
    pairs += [(type(o.grad_fn).__name__, "<tensor>") for o in outputs]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        names.append(type(node).__name__)
        if hasattr(node, "variable"):
            pairs.append(("<tensor>", type(node).__name__))
        for parent, _ in node.next_functions:
            if parent is not None:
                pairs.append((type(parent).__name__, type(node).__name__))
                stack.append(parent)
    return sorted(names), sorted(pairs)


def test_nodes_and_edges_are_the_grad_fn_graph(torch, make_dot):
    torch.manual_seed(0)
    a = torch.randn(3, 4, requires_grad=True)
    w = torch.randn(4, 2, requires_grad=True)
    h = a.exp()
    shared = h * h + h.sin()  # h's node feeds three edges, drawn once
    out1 = (shared @ w).tanh().sum()
    out2 = (a.t() * 2).mean()
    dot = make_dot((out1, out2), params={"a": a, "w": w})
    labels, edges = _parse(dot.source)
    node_names = sorted(v for v in labels.values() if v not in ("<tensor>", "a", "w"))
    pairs = sorted(
        (
            labels[t] if labels[t] not in ("a", "w") else "<tensor>",
            labels[h] if labels[h] not in ("a", "w") else "<tensor>",
        )
        for t, h, _ in edges
    )
    assert (node_names, pairs) == _walk([out1, out2])
    assert sorted(v for v in labels.values() if v in ("a", "w")) == ["a", "w"]
    assert len(labels) == len(node_names) + 4  # two leaves, two outputs
    assert "ExpBackward0" in node_names and "MmBackward0" in node_names


def test_view_output_shows_its_base(torch, make_dot):
    a = torch.randn(3, 4, requires_grad=True)
    v = (a * 2)[1:]
    source = stable_ids(make_dot(v).source)
    assert "fillcolor=darkolivegreen3]" in source and "[style=dotted]" in source
    assert source.count("fillcolor=darkolivegreen1]") == 1


def test_custom_function_saved_tensors_are_drawn(torch, make_dot):
    class Scale(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(x, w)
            return x * w

        @staticmethod
        def backward(ctx, g):
            x, w = ctx.saved_tensors
            return g * w, g * x

    x = torch.ones(3, requires_grad=True)
    w = torch.full((3,), 2.0, requires_grad=True)
    out = Scale.apply(x.exp(), w).sum()
    # ctx.save_for_backward's tensors, orange, after the node's inputs; w is drawn again
    assert (
        stable_ids(make_dot(out, params={"x": x, "w": w}).source)
        == HEAD
        + """\
\tn0 [label="
 ()" fillcolor=darkolivegreen1]
\tn1 [label=SumBackward0]
\tn2 -> n1
\tn2 [label=ScaleBackward]
\tn3 -> n2
\tn3 [label=ExpBackward0]
\tn4 -> n3
\tn5 [label="x
 (3)" fillcolor=lightblue]
\tn5 -> n4
\tn4 [label=AccumulateGrad]
\tn6 -> n2
\tn7 [label="w
 (3)" fillcolor=lightblue]
\tn7 -> n6
\tn6 [label=AccumulateGrad]
\tn8 -> n2 [dir=none]
\tn8 [label="
 (3)" fillcolor=orange]
\tn7 -> n2 [dir=none]
\tn7 [label="w
 (3)" fillcolor=orange]
\tn1 -> n0
}
"""
    )


@pytest.mark.known_difference(
    reason="AddmmBackward0 saves mat2 (PyTorch: None when mat1 "
    "does not require grad), so torchlike draws one more saved tensor"
)
def test_saved_tensor_nodes_of_a_linear_layer(torch, make_dot):
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    loss = model(torch.randn(4, 3)).relu().sum()
    source = make_dot(loss, params=dict(model.named_parameters()), show_saved=True).source
    assert re.findall(r'label="(\w+)\n \(([\d, ]*)\)" fillcolor=orange', source) == [
        ("result", "4, 2"),
        ("mat1", "4, 3"),
    ]
    assert re.findall(r'label="(\w+)\n \(([\d, ]*)\)" fillcolor=lightblue', source) == [
        ("bias", "2"),
        ("weight", "2, 3"),
    ]


def test_only_saved_values_are_named_saved(torch):
    x = torch.rand(2, requires_grad=True)
    z = x**2
    assert [a for a in dir(z.grad_fn) if a.startswith("_saved_")] == [
        "_saved_exponent",
        "_saved_self",
    ]
    assert [a for a in dir(z.grad_fn.next_functions[0][0]) if a.startswith("_saved_")] == []


# -- torchlike.viz's own parts ---------------------------------------------------------------


@pytest.mark.torchlike_only
def test_without_graphviz_the_stand_in_gives_the_same_source(torch, monkeypatch, tmp_path):
    x, y, z = seed(torch)
    monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz -> ImportError
    dot = viz.make_dot(z, params={"x": x, "y": y}, show_saved=True, show_attrs=True)
    assert type(dot) is viz.Digraph
    assert stable_ids(dot.source) == SEED_DOT_DETAILED and str(dot) == dot.source
    path = dot.save("g.gv", directory=str(tmp_path / "out"))
    assert open(path).read() == dot.source
    monkeypatch.delitem(sys.modules, "graphviz")
    try:
        graphviz = importlib.import_module("graphviz")
    except ImportError:
        return
    real = viz.make_dot(z, params={"x": x, "y": y}, show_saved=True, show_attrs=True)
    assert isinstance(real, graphviz.Digraph)
    assert stable_ids(real.source) == stable_ids(dot.source)


@pytest.mark.torchlike_only
def test_stand_in_quotes_like_graphviz():
    dot = viz.Digraph(graph_attr={"size": "12,12"})
    dot.node("a1", 'say "hi"', fillcolor="node")
    dot.node("-4.2", "<<b>html</b>>")
    dot.edge("a1", "x y", dir="none")
    assert dot.source == (
        'digraph {\n\tgraph [size="12,12"]\n'
        '\ta1 [label="say \\"hi\\"" fillcolor="node"]\n'
        '\t-4.2 [label=<<b>html</b>>]\n\ta1 -> "x y" [dir=none]\n}\n'
    )


@pytest.mark.torchlike_only
def test_deep_graphs_need_no_recursion(torch):
    x = torch.ones(2, requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0
    source = viz.make_dot(y.sum()).source
    assert source.count("[label=MulBackward0]") == 3000
    size = max(12, (3000 * 2 + 7) * 0.15)  # 3004 node and 3003 edge statements
    assert f'graph [size="{size},{size}"]' in source


@pytest.mark.torchlike_only
def test_params_must_be_tensors(torch):
    with pytest.raises(TypeError, match=r"params\['w'\] is a list, expected a Tensor"):
        viz.make_dot(torch.ones(1, requires_grad=True) * 2, params={"w": [1.0]})
