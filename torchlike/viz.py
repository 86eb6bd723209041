"""Pictures of the autograd graph: ``make_dot`` with torchviz's API and look.

    from torchlike.viz import make_dot
    dot = make_dot(loss, params=dict(model.named_parameters()))
    dot.save("loss.gv")                 # DOT text; `dot -Tsvg loss.gv > loss.svg` draws it

The picture is the graph ``backward()`` walks: a grey box per ``grad_fn`` node named by its class
(``AddBackward0``), an edge from each of its ``next_functions`` to it, a light blue box for each
leaf that requires grad (above its ``AccumulateGrad``) labelled with its name in ``params`` and its
shape, the output in green (its base tensor in a darker green, dotted, if it is a view), and with
``show_saved=True`` the tensors a node saved in orange, labelled by the saved name.
``show_attrs=True`` adds each node's saved non-tensor values (``exponent: 2``).

With the optional ``graphviz`` package (``pip install torchlike[viz]``) the result is a
``graphviz.Digraph`` (renders in Jupyter, ``.render()``, ``.pipe()``); without it, an object with
the same ``.source`` text, ``.save()`` and, where Graphviz's ``dot`` program is installed,
``.pipe()`` / ``.render()``.  The DOT text is the same either way.

Only the public graph API is used (``grad_fn``, ``next_functions``, ``variable``, ``_saved_*``,
``_is_view``/``_base``), so the same call draws a graph built by PyTorch itself.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

__all__ = ["make_dot"]

SAVED_PREFIX = "_saved_"
# Bookkeeping on torchlike's nodes that shares the prefix but is not a saved value PyTorch shows.
_NOT_SAVED_VALUES = {"_saved_versions", "_saved_by_inplace_op"}

_NODE_STYLE = dict(
    style="filled",
    shape="box",
    align="left",
    fontsize="10",
    ranksep="0.1",
    height="0.2",
    fontname="monospace",
)


def make_dot(var, params=None, show_attrs=False, show_saved=False, max_attr_chars=50):
    """The autograd graph that produced ``var`` (a tensor or a tuple of tensors) as a digraph.

    Args:
        var: output tensor, or a tuple of them.
        params: ``{name: tensor}`` naming the leaves (``dict(model.named_parameters())``).
        show_attrs: list each node's saved non-tensor values under its name.
        show_saved: draw the tensors each node saved (orange), linked to the node.
        max_attr_chars: cut attribute values longer than this (with ``...``).
    """
    if params is not None:
        for name, value in params.items():
            if not _is_tensor(value):
                raise TypeError(
                    f"make_dot(): params[{name!r}] is a {type(value).__name__}, expected a Tensor"
                )
        names = {id(v): k for k, v in params.items()}
    else:
        names = {}
    return _GraphWalk(names, show_attrs, show_saved, max_attr_chars).draw(var)


class _GraphWalk:
    def __init__(self, names, show_attrs, show_saved, max_attr_chars):
        self.names = names
        self.show_attrs = show_attrs
        self.show_saved = show_saved
        self.max_attr_chars = max_attr_chars
        # id -> object: tensors need not be hashable, and holding the object keeps its id from
        # being reused by a later one (a saved tensor can be a fresh object on each access)
        self.seen: dict[int, object] = {}
        self.dot = new_digraph(node_attr=dict(_NODE_STYLE), graph_attr=dict(size="12,12"))

    def draw(self, var):
        for output in var if isinstance(var, (tuple, list)) else (var,):
            self.add_output(output)
        # as torchviz: the canvas grows with the number of statements
        size = max(12, len(self.dot.body) * 0.15)
        self.dot.graph_attr.update(size=f"{size},{size}")
        return self.dot

    def tensor_label(self, t, name=None):
        if not name:
            name = self.names.get(id(t), "")
        return f"{name}\n ({', '.join(str(int(s)) for s in t.size())})"

    def add_output(self, t, color="darkolivegreen1"):
        if id(t) in self.seen:
            return
        self.seen[id(t)] = t
        self.dot.node(str(id(t)), self.tensor_label(t), fillcolor=color)
        if t.grad_fn is not None:
            self.add_node(t.grad_fn)
            self.dot.edge(str(id(t.grad_fn)), str(id(t)))
        if t._is_view():
            self.add_output(t._base, color="darkolivegreen3")
            self.dot.edge(str(id(t._base)), str(id(t)), style="dotted")

    def add_node(self, fn):
        # torchviz's depth-first order (a node, then each input's edge and subgraph, then a custom
        # Function's saved tensors), kept on an explicit stack: deep graphs exceed recursion.
        stack = [fn]
        while stack:
            task = stack.pop()
            if isinstance(task, _Edge):
                self.dot.edge(task.tail, task.head)
            elif isinstance(task, _FunctionSaved):
                self.add_function_saved(task.node)
            elif id(task) not in self.seen:
                stack.extend(reversed(self.visit(task)))

    def visit(self, node):
        """Draw ``node`` (and its leaf, saved tensors); return what comes after it, in order."""
        self.seen[id(node)] = node
        if self.show_saved:
            self.add_saved_tensors(node)
        leaf = getattr(node, "variable", None)
        if leaf is not None:
            self.seen[id(leaf)] = leaf
            self.dot.node(str(id(leaf)), self.tensor_label(leaf), fillcolor="lightblue")
            self.dot.edge(str(id(leaf)), str(id(node)))
        self.dot.node(str(id(node)), self.node_label(node))
        after = []
        for parent, _ in getattr(node, "next_functions", ()):
            if parent is not None:
                after += [_Edge(str(id(parent)), str(id(node))), parent]
        after.append(_FunctionSaved(node))
        return after

    def add_function_saved(self, node):
        for t in getattr(node, "saved_tensors", None) or ():
            self.seen[id(t)] = t
            self.dot.edge(str(id(t)), str(id(node)), dir="none")
            self.dot.node(str(id(t)), self.tensor_label(t), fillcolor="orange")

    def add_saved_tensors(self, node):
        for attr, value in _saved_values(node):
            self.seen[id(value)] = value
            if _is_tensor(value):
                self.dot.edge(str(id(node)), str(id(value)), dir="none")
                self.dot.node(str(id(value)), self.tensor_label(value, attr), fillcolor="orange")
            elif isinstance(value, tuple):
                for i, t in enumerate(value):
                    if _is_tensor(t):
                        self.dot.edge(str(id(node)), str(id(t)), dir="none")
                        self.dot.node(
                            str(id(t)), self.tensor_label(t, f"{attr}[{i}]"), fillcolor="orange"
                        )

    def node_label(self, node):
        name = type(node).__name__
        if not self.show_attrs:
            return name
        attrs = {}
        for attr, value in _saved_values(node):
            if _is_tensor(value):
                attrs[attr] = "[saved tensor]"
            elif isinstance(value, tuple) and any(_is_tensor(t) for t in value):
                attrs[attr] = "[saved tensors]"
            else:
                attrs[attr] = str(value)
        if not attrs:
            return name
        width = max(self.max_attr_chars, 3)
        key_width = max(len(k) for k in attrs)
        value_width = min(max(len(v) for v in attrs.values()), width)

        def cut(text):
            return text[: value_width - 3] + "..." if len(text) > value_width else text

        rule = "-" * max(key_width + value_width + 2, len(name))
        rows = [f"{k:<{key_width}}: {cut(v):>{value_width}}" for k, v in attrs.items()]
        return "\n".join([name, rule, *rows])


class _Edge:
    __slots__ = ("tail", "head")

    def __init__(self, tail, head):
        self.tail, self.head = tail, head


class _FunctionSaved:
    __slots__ = ("node",)

    def __init__(self, node):
        self.node = node


def _saved_values(node):
    """``(name without the prefix, value)`` for each saved value a node exposes, sorted by name."""
    for attr in dir(node):
        if not attr.startswith(SAVED_PREFIX) or attr in _NOT_SAVED_VALUES:
            continue
        value = getattr(node, attr)
        if callable(value) and not _is_tensor(value):
            continue
        yield attr[len(SAVED_PREFIX) :], value


def _is_tensor(value):
    # torchlike's and PyTorch's tensors alike (this module walks either kind of graph)
    kind = type(value)
    return hasattr(kind, "grad_fn") and hasattr(kind, "requires_grad") and hasattr(value, "size")


# -- the digraph: graphviz's when installed, else a small stand-in with the same DOT text --------


def new_digraph(node_attr, graph_attr):
    try:
        import graphviz  # the optional `viz` extra: imported only when a picture is made
    except ImportError:
        return Digraph(node_attr=node_attr, graph_attr=graph_attr)
    return graphviz.Digraph(node_attr=node_attr, graph_attr=graph_attr)


_PLAIN_ID = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?))\Z")
_DOT_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}
# a quote not already escaped by a backslash (an even run of backslashes escapes only itself)
_BARE_QUOTE = re.compile(r'((?:\\\\)*)\\?"')


def _quote(text):
    """A DOT identifier for ``text``: as is when it is one, else in double quotes."""
    text = str(text)
    if _PLAIN_ID.match(text) and text.lower() not in _DOT_KEYWORDS:
        return text
    if text.startswith("<") and text.endswith(">"):
        return text  # an HTML-like label
    return '"' + _BARE_QUOTE.sub(r'\1\\"', text) + '"'


def _attr_list(label=None, attrs=None):
    items = [] if label is None else [f"label={_quote(label)}"]
    items += [f"{_quote(k)}={_quote(v)}" for k, v in sorted((attrs or {}).items()) if v is not None]
    return f" [{' '.join(items)}]" if items else ""


class Digraph:
    """The part of ``graphviz.Digraph`` ``make_dot`` needs, for when graphviz is not installed."""

    def __init__(self, node_attr=None, graph_attr=None):
        self.node_attr = dict(node_attr or {})
        self.graph_attr = dict(graph_attr or {})
        self.edge_attr = {}
        self.body = []

    def node(self, name, label=None, **attrs):
        self.body.append(f"\t{_quote(name)}{_attr_list(label, attrs)}\n")

    def edge(self, tail_name, head_name, label=None, **attrs):
        self.body.append(
            f"\t{_quote(tail_name)} -> {_quote(head_name)}{_attr_list(label, attrs)}\n"
        )

    @property
    def source(self):
        head = [
            f"\t{kind}{_attr_list(attrs=attrs)}\n"
            for kind, attrs in (
                ("graph", self.graph_attr),
                ("node", self.node_attr),
                ("edge", self.edge_attr),
            )
            if attrs
        ]
        return "digraph {\n" + "".join(head) + "".join(self.body) + "}\n"

    def __str__(self):
        return self.source

    def save(self, filename="Digraph.gv", directory=None):
        """Write the DOT text; returns the file's path."""
        path = os.path.join(directory, filename) if directory else filename
        if os.path.dirname(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.source)
        return path

    def pipe(self, format="svg"):  # noqa: A002 - graphviz's name
        """The picture as bytes, drawn by Graphviz's ``dot`` program (which must be installed)."""
        program = shutil.which("dot")
        if program is None:
            raise RuntimeError(
                "make_dot: drawing needs Graphviz's `dot` program on PATH "
                "(e.g. apt install graphviz); .source and .save() need nothing"
            )
        return subprocess.run(
            [program, f"-T{format}"], input=self.source.encode(), capture_output=True, check=True
        ).stdout

    def render(self, filename="Digraph.gv", directory=None, format="svg"):  # noqa: A002
        """Save the DOT text and draw it next to it (``<filename>.<format>``); returns that path."""
        path = self.save(filename, directory)
        with open(f"{path}.{format}", "wb") as f:
            f.write(self.pipe(format))
        return f"{path}.{format}"

    def _repr_svg_(self):
        return self.pipe("svg").decode() if shutil.which("dot") else None
