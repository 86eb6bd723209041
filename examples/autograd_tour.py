"""A tour of autograd: the autograd notebook as one script.

Run it with torchlike (the default) or with real PyTorch, and compare:

    python examples/autograd_tour.py            # import torchlike as torch
    python examples/autograd_tour.py --torch    # import torch

Every print shows what the matching notebook cell shows, except where a value
differs from run to run (object addresses): there we print names instead.
"""

import sys
from pathlib import Path

if "--torch" in sys.argv[1:]:
    import torch
    from torch.autograd.gradcheck import GradcheckError
else:
    # Running from a source checkout: find torchlike next to examples/ if it isn't installed.
    sys.path.append(str(Path(__file__).resolve().parents[1]))
    import torchlike as torch
    from torchlike.autograd.gradcheck import GradcheckError


def section(title):
    print(f"\n## {title}")


section("leaves that require grad")
torch.manual_seed(0)
x = torch.rand(5, 5, requires_grad=True)
y = torch.rand(5, 5, requires_grad=True)
print(x)
print(y)

section("z = sum(x + y); z.backward()")
z = torch.sum(x + y)
print(z)
z.backward()
print(x.grad)
print(y.grad)

section("z = x**2 + y**3; z.backward(ones_like(x)) accumulates into x.grad")
z = x**2 + y**3
z.backward(torch.ones_like(x))
print(x.grad)

section("no_grad")
with torch.no_grad():
    print((x + y * 2).requires_grad)

section("the graph")
print(x.is_leaf, z.is_leaf)
print(z.grad_fn.name())
print([(type(node).__name__, index) for node, index in z.grad_fn.next_functions])
xg = z.grad_fn.next_functions[0][0]
x_leaf = xg.next_functions[0][0]
print(type(x_leaf).__name__)
print(x_leaf.variable is x)
print([name for name in sorted(dir(z.grad_fn)) if not name.startswith("_")])

section("a custom Function")


class multiply_constant(torch.autograd.function.Function):
    @staticmethod
    def forward(ctx, tensor, constant):
        ctx.constant = constant
        return tensor * constant

    @staticmethod
    def backward(ctx, grad_output):
        # Wrong on purpose: d(tensor * constant)/d(tensor) is constant, not 1.
        return grad_output, None


a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = multiply_constant.apply(a, 10)
print(b)
b.backward(torch.ones_like(a))
print(a.grad)

section("gradcheck catches the wrong backward")
a64 = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
try:
    torch.autograd.gradcheck(multiply_constant.apply, (a64, 10))
except GradcheckError as error:
    print(type(error).__name__ + ":", str(error).splitlines()[0])


class multiply_constant_fixed(torch.autograd.function.Function):
    @staticmethod
    def forward(ctx, tensor, constant):
        ctx.constant = constant
        return tensor * constant

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.constant, None


section("the fixed Function passes gradcheck")
print(torch.autograd.gradcheck(multiply_constant_fixed.apply, (a64, 10)))
