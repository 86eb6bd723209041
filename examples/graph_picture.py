"""A picture of the autograd graph of the seed notebook's ``z = x**2 + y**3``.

    python examples/graph_picture.py [--out DIR]            # torchlike.viz.make_dot
    python examples/graph_picture.py --torch [--out DIR]    # PyTorch (with torchviz if installed)

Writes ``seed_graph.gv`` (DOT) into DIR (default: a new temporary folder) and, where Graphviz's
``dot`` program is installed, draws it as ``seed_graph.gv.svg``; the file names go to stderr.
stdout shows the DOT text with each node's id (an object address, different on every run)
replaced by n0, n1, … in order of appearance, so runs on torchlike and on PyTorch+torchviz can
be compared line by line (examples/run_examples.py does).
"""

import re
import shutil
import sys
import tempfile
from pathlib import Path

if "--torch" in sys.argv[1:]:
    import torch

    try:
        from torchviz import make_dot
    except ImportError:  # torchlike.viz draws PyTorch's own graphs just the same
        sys.path.append(str(Path(__file__).resolve().parents[1]))
        from torchlike.viz import make_dot
else:
    # Running from a source checkout: find torchlike next to examples/ if it isn't installed.
    sys.path.append(str(Path(__file__).resolve().parents[1]))
    import torchlike as torch
    from torchlike.viz import make_dot


def stable_ids(dot_source):
    """Node ids are ``id()`` of graph objects; name them by first appearance instead."""
    names = {}
    return re.sub(
        r"\b\d{5,}\b", lambda m: names.setdefault(m.group(0), f"n{len(names)}"), dot_source
    )


torch.manual_seed(0)
x = torch.rand(5, 5, requires_grad=True)
y = torch.rand(5, 5, requires_grad=True)
z = x**2 + y**3

print("## make_dot(z, params={'x': x, 'y': y})")
dot = make_dot(z, params={"x": x, "y": y})
print(stable_ids(dot.source), end="")

print("\n## the same with show_saved=True: the tensors PowBackward0 saved, in orange")
detailed = make_dot(z, params={"x": x, "y": y}, show_saved=True)
print(stable_ids(detailed.source), end="")

print("\n## a training graph: Linear -> tanh -> MSE loss")
model = torch.nn.Linear(3, 1)
loss = torch.nn.functional.mse_loss(model(torch.rand(4, 3)).tanh(), torch.zeros(4, 1))
print(stable_ids(make_dot(loss, params=dict(model.named_parameters())).source), end="")

out = (
    Path(sys.argv[sys.argv.index("--out") + 1])
    if "--out" in sys.argv
    else Path(tempfile.mkdtemp(prefix="graph_picture_"))
)
path = dot.save("seed_graph.gv", directory=str(out))
print(f"wrote {path}", file=sys.stderr)
if shutil.which("dot"):
    svg = Path(f"{path}.svg")
    svg.write_bytes(dot.pipe(format="svg"))
    print(f"wrote {svg}", file=sys.stderr)
else:
    print("Graphviz's `dot` program is not installed: DOT text only", file=sys.stderr)
