"""Train a small MLP to tell three interleaved spirals apart, then save and reload it.

    python examples/classifier.py            # import torchlike as torch
    python examples/classifier.py --torch    # import torch (prints the same)

The everyday training loop: a synthetic data set in a ``TensorDataset``, a shuffling
``DataLoader``, ``nn.CrossEntropyLoss``, ``optim.Adam``, a loss and an accuracy per epoch, and
``torch.save(model.state_dict(), path)`` / ``load_state_dict(torch.load(path))`` at the end.
Everything random (data, initial weights, shuffling) comes from ``torch.manual_seed``, so the
run is the same every time, with torch or torchlike.
"""

import math
import sys
import tempfile
from pathlib import Path

if "--torch" in sys.argv[1:]:
    import torch
else:
    sys.path.append(str(Path(__file__).resolve().parents[1]))
    import torchlike as torch

# Not `from torch import nn`: after `import torchlike as torch` that statement would still load
# real torch, because `from X import` looks X up by module name, not as a variable of this file.
nn = torch.nn
DataLoader = torch.utils.data.DataLoader
TensorDataset = torch.utils.data.TensorDataset

CLASSES = 3
EPOCHS = 12


def spirals(points_per_class):
    """Points on CLASSES spiral arms (one arm per class) with a little angular noise."""
    features, labels = [], []
    radius = torch.linspace(0.05, 1.0, points_per_class)
    for k in range(CLASSES):
        angle = radius * 6.0 + 2 * math.pi * k / CLASSES + 0.3 * torch.randn(points_per_class)
        features.append(torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], dim=1))
        labels.append(torch.full((points_per_class,), k))
    return torch.cat(features), torch.cat(labels)


def make_model():
    return nn.Sequential(
        nn.Linear(2, 64),
        nn.ReLU(),
        nn.Linear(64, 64),
        nn.ReLU(),
        nn.Linear(64, CLASSES),
    )


def accuracy(model, features, labels):
    """Fraction of points whose highest logit is the right class."""
    model.eval()
    with torch.no_grad():
        predicted = model(features).argmax(dim=1)
    model.train()
    return (predicted == labels).float().mean().item()


torch.manual_seed(0)
train_x, train_y = spirals(200)
test_x, test_y = spirals(100)
print("train:", tuple(train_x.shape), train_x.dtype, "labels:", tuple(train_y.shape), train_y.dtype)
print("test: ", tuple(test_x.shape), train_x.dtype, "labels:", tuple(test_y.shape), test_y.dtype)

# shuffle=True draws a fresh permutation every epoch from the global generator.
loader = DataLoader(TensorDataset(train_x, train_y), batch_size=32, shuffle=True)
print("batches per epoch:", len(loader))

model = make_model()
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

for epoch in range(1, EPOCHS + 1):
    total_loss = 0.0
    for features, labels in loader:
        loss = loss_fn(model(features), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        # The last batch is smaller: weight each batch's mean loss by its size.
        total_loss += loss.item() * len(labels)
    mean_loss = total_loss / len(loader.dataset)
    print(
        f"epoch {epoch:2d}  loss {mean_loss:.4f}  "
        f"train acc {accuracy(model, train_x, train_y):.3f}  "
        f"test acc {accuracy(model, test_x, test_y):.3f}"
    )

# Save only the weights (the state dict), then rebuild the model from code and load them back.
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "spirals.pt"
    torch.save(model.state_dict(), path)
    state = torch.load(path)
print({name: tuple(tensor.shape) for name, tensor in state.items()})

reloaded = make_model()
print(reloaded.load_state_dict(state))
reloaded.eval()
model.eval()
with torch.no_grad():
    same = torch.equal(reloaded(test_x), model(test_x))
print("same logits after reload:", same)
print(f"reloaded test acc {accuracy(reloaded, test_x, test_y):.3f}")
