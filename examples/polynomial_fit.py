"""Fit sin(x) on [-pi, pi] with a cubic, five ways, from raw autograd up to a custom nn.Module.

    python examples/polynomial_fit.py            # import torchlike as torch
    python examples/polynomial_fit.py --torch    # import torch (prints the same)

The steps of PyTorch's "Learning PyTorch with Examples": (a) tensors and autograd with
hand-written updates, (b) a custom ``autograd.Function`` (the Legendre polynomial P3),
(c) ``nn.Sequential`` with ``nn.MSELoss`` and hand-written updates, (d) the same model with an
optimizer, (e) a custom ``nn.Module``. Losses are sums over all points. Losses print with 4
significant digits and coefficients with 3 decimals: few enough that XLA's and PyTorch's float
kernels, which round differently in the last bits, print the same text.
"""

import math
import sys
from pathlib import Path

if "--torch" in sys.argv[1:]:
    import torch
else:
    sys.path.append(str(Path(__file__).resolve().parents[1]))
    import torchlike as torch

STEPS = 2000
PRINT_EVERY = 400

x = torch.linspace(-math.pi, math.pi, 500)
y = torch.sin(x)


def section(title):
    print(f"\n## {title}")


def sig4(value):
    """A loss with about 4 significant digits and no exponent: 54380, 187.7, 34.00, 3.084."""
    decimals = max(0, 3 - math.floor(math.log10(abs(value))))
    return f"{value:.{decimals}f}"


def dec3(value):
    """A coefficient with 3 decimals; a coefficient that is zero up to float noise prints 0.000,
    never -0.000 (round() leaves -0.0, and -0.0 + 0.0 is 0.0)."""
    return f"{round(value, 3) + 0.0:.3f}"


def cubic(a, b, c, d):
    """The fitted polynomial as text, e.g. 'y = 0.025 + 0.849 x + -0.004 x^2 + -0.092 x^3'."""
    return f"y = {dec3(a)} + {dec3(b)} x + {dec3(c)} x^2 + {dec3(d)} x^3"


section("(a) tensors and autograd, updates by hand")
torch.manual_seed(0)
# Four scalar leaves; autograd fills in their .grad on backward().
a, b, c, d = (torch.randn((), requires_grad=True) for _ in range(4))
lr = 1e-5
for step in range(STEPS):
    y_pred = a + b * x + c * x**2 + d * x**3
    loss = (y_pred - y).pow(2).sum()
    if step % PRINT_EVERY == 0:
        print(f"step {step:4d}  loss {sig4(loss.item())}")
    loss.backward()
    # The update itself must not be recorded in the graph.
    with torch.no_grad():
        for p in (a, b, c, d):
            p -= lr * p.grad
            p.grad = None
print(cubic(a.item(), b.item(), c.item(), d.item()))

section("(b) a custom autograd.Function: the Legendre polynomial P3")


class LegendreP3(torch.autograd.Function):
    """P3(t) = (5 t^3 - 3 t) / 2, with its derivative written by hand."""

    @staticmethod
    def forward(ctx, t):
        ctx.save_for_backward(t)
        return 0.5 * (5 * t**3 - 3 * t)

    @staticmethod
    def backward(ctx, grad_output):
        (t,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * t**2 - 1)


# A hand-written backward is easy to get wrong: gradcheck compares it with finite differences.
torch.manual_seed(0)
t = torch.randn(5, dtype=torch.float64, requires_grad=True)
print("gradcheck:", torch.autograd.gradcheck(LegendreP3.apply, (t,)))
print("grad_fn:", type(LegendreP3.apply(t).grad_fn).__name__)

# y = a + b * P3(c + d x); this model needs a start near the answer, so no random init here.
a = torch.full((), 0.0, requires_grad=True)
b = torch.full((), -1.0, requires_grad=True)
c = torch.full((), 0.0, requires_grad=True)
d = torch.full((), 0.3, requires_grad=True)
lr = 2e-5
for step in range(STEPS):
    y_pred = a + b * LegendreP3.apply(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    if step % PRINT_EVERY == 0:
        print(f"step {step:4d}  loss {sig4(loss.item())}")
    loss.backward()
    with torch.no_grad():
        for p in (a, b, c, d):
            p -= lr * p.grad
            p.grad = None
print(f"y = {dec3(a.item())} + {dec3(b.item())} * P3({dec3(c.item())} + {dec3(d.item())} x)")

section("(c) nn.Sequential + nn.MSELoss, updates by hand")
# Features x, x^2, x^3 as a (500, 3) matrix: a cubic is a linear layer on them.
powers = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(powers)
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
print(model)
loss_fn = torch.nn.MSELoss(reduction="sum")
lr = 1e-5
for step in range(STEPS):
    loss = loss_fn(model(xx), y)
    if step % PRINT_EVERY == 0:
        print(f"step {step:4d}  loss {sig4(loss.item())}")
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= lr * param.grad
linear = model[0]
print(cubic(linear.bias.item(), *linear.weight[0].tolist()))

section("(d) the same model, updated by optim.RMSprop with a cosine learning-rate schedule")
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
optimizer = torch.optim.RMSprop(model.parameters(), lr=3e-3)
# RMSprop divides each gradient by its running size, so near the optimum even a gradient that
# is pure rounding noise moves a parameter by about lr; annealing lr to zero lets it settle.
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=STEPS)
for step in range(STEPS):
    loss = loss_fn(model(xx), y)
    if step % PRINT_EVERY == 0:
        lr = scheduler.get_last_lr()[0]
        print(f"step {step:4d}  loss {sig4(loss.item())}  lr {lr:.2e}")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    scheduler.step()
linear = model[0]
print(cubic(linear.bias.item(), *linear.weight[0].tolist()))

section("(e) a custom nn.Module, trained with SGD + momentum")


class Cubic(torch.nn.Module):
    def __init__(self):
        super().__init__()
        # Attributes that are Parameters are registered: model.parameters() finds them.
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x**2 + self.d * x**3

    def extra_repr(self):
        return cubic(self.a.item(), self.b.item(), self.c.item(), self.d.item())


torch.manual_seed(0)
model = Cubic()
print([name for name, _ in model.named_parameters()])
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6, momentum=0.9)
for step in range(STEPS):
    loss = loss_fn(model(x), y)
    if step % PRINT_EVERY == 0:
        print(f"step {step:4d}  loss {sig4(loss.item())}")
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(model)
