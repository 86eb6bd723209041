"""Mixed-precision training on the CPU: ``torch.autocast`` with bfloat16 and a ``GradScaler``.

    python examples/mixed_precision.py            # import torchlike as torch
    python examples/mixed_precision.py --torch    # import torch (prints the same)

The loop AMP tutorials teach, on the device the machine has (``cuda`` when there is a GPU,
else the CPU): the forward pass under ``torch.autocast`` (matmuls in bfloat16, the loss in
float32), ``scaler.scale(loss).backward()``, ``scaler.unscale_`` before gradient clipping,
``scaler.step`` / ``scaler.update``.  It prints which dtype each stage ran in and the losses;
autocast's casts and bfloat16 arithmetic are PyTorch's, so the numbers print identically.
"""

import sys
from pathlib import Path

if "--torch" in sys.argv[1:]:
    import torch
else:
    sys.path.append(str(Path(__file__).resolve().parents[1]))
    import torchlike as torch

nn = torch.nn
F = torch.nn.functional

device = "cpu"  # bfloat16 autocast on the CPU: what this example checks against PyTorch
torch.manual_seed(0)

# a small regression task: y = sin(3x) + noise, features [x, x^2]
x = torch.linspace(-1.0, 1.0, 64).unsqueeze(1)
features = torch.cat([x, x * x], dim=1).to(device)
target = (torch.sin(3 * x) + 0.05 * torch.randn(64, 1)).to(device)

model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 1)).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
scaler = torch.amp.GradScaler(device, init_scale=2.0**10, growth_interval=4)

with torch.autocast(device_type=device, dtype=torch.bfloat16):
    hidden = model[0](features)
    out = model(features)
    loss = F.mse_loss(out, target)
print(
    "under autocast: linear ->", hidden.dtype, "| model ->", out.dtype, "| mse_loss ->", loss.dtype
)
print("grad_fn chain:", loss.grad_fn.name(), "<-", loss.grad_fn.next_functions[0][0].name())

for step in range(12):
    optimizer.zero_grad()
    with torch.autocast(device_type=device, dtype=torch.bfloat16):
        loss = F.mse_loss(model(features), target)
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)  # gradients back in true units before clipping
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    scaler.step(optimizer)
    scaler.update()
    if step % 3 == 0 or step == 11:
        print(
            f"step {step:2d}  loss {loss.item():.6f}  grad norm {norm.item():.4f}  "
            f"scale {scaler.get_scale():.0f}"
        )

# a step with a non-finite gradient is skipped and the scale backs off
optimizer.zero_grad()
before = model[0].weight.detach().clone()
with torch.autocast(device_type=device, dtype=torch.bfloat16):
    bad = F.mse_loss(model(features), target) * float("inf")
scaler.scale(bad).backward()
scaler.step(optimizer)
scaler.update()
print(
    "inf step skipped:",
    torch.equal(before, model[0].weight.detach()),
    "| scale now",
    scaler.get_scale(),
)
print("weights stay float32:", model[0].weight.dtype, "| state:", scaler.state_dict())
