"""Linear regression by hand: autograd for the gradients, in-place updates for the steps.

    python examples/linear_regression.py            # import torchlike as torch
    python examples/linear_regression.py --torch    # import torch (prints the same)

The classic tutorial loop: parameters are leaves that require grad, the update runs under
``torch.no_grad()`` with ``w -= lr * w.grad``, and the gradients are zeroed in place.
"""

import sys
from pathlib import Path

if "--torch" in sys.argv[1:]:
    import torch
else:
    sys.path.append(str(Path(__file__).resolve().parents[1]))
    import torchlike as torch

# deterministic data: y = 3x - 2 plus a fixed wiggle
x = torch.linspace(-1, 1, 50).reshape(50, 1)
y = 3 * x - 2 + 0.1 * torch.sin(7 * x)

w = torch.zeros(1, 1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.1

for step in range(201):
    pred = x @ w + b
    loss = ((pred - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
    if step % 25 == 0:
        print(f"step {step:3d}  loss {loss.item():.5f}")

print("w =", w)
print("b =", b)
print("w is a leaf:", w.is_leaf, "| requires grad:", w.requires_grad, "| version:", w._version)
