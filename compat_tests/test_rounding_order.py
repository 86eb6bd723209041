"""Where PyTorch's CPU kernels fix the order of rounding, the same bits.

Each test checks a fused kernel against the same arithmetic written as separate ops (each
rounded, the same on both backends) or against an exact property, so it passes on PyTorch and
fails where torchlike rounds in another order."""

import numpy as np
from _helpers import assert_equal


def _data(torch, n=4003):
    rng = np.random.default_rng(0)
    a, b, c = (rng.standard_normal(n).astype(np.float32) for _ in range(3))
    return torch.tensor(a), torch.tensor(b), torch.tensor(np.abs(c) + np.float32(0.1))


def test_addcdiv_multiplies_by_value_before_dividing(torch):
    # PyTorch's CPU kernel: self + value * t1 / t2, i.e. (value * t1) / t2
    s, g, d = _data(torch)
    got = s.addcdiv(g, d, value=-1e-3)
    assert_equal(got.numpy(), (s + (-1e-3 * g) / d).numpy())
    s.addcdiv_(g, d, value=0.37)  # the in-place spelling is the same kernel
    assert_equal(s.numpy(), (_data(torch)[0] + (0.37 * g) / d).numpy())


def test_lerp_is_exact_at_both_ends(torch):
    # the two-sided form: from start below weight 0.5, from end above, so weight 1 gives end
    a, b, _ = _data(torch)
    assert_equal(a.lerp(b, 1.0).numpy(), b.numpy())
    assert_equal(a.lerp(b, 0.0).numpy(), a.numpy())
    w = torch.tensor([0.0, 1.0]).repeat(2002)[:4003]
    got = a.lerp(b, w).numpy()
    assert_equal(got, np.where(w.numpy() == 1.0, b.numpy(), a.numpy()))


def test_adamax_step_is_its_addcdiv(torch):
    # Adamax's update is param.addcdiv_(exp_avg, exp_inf, value=-clr): the same bits as that
    # arithmetic spelled out op by op, step after step
    rng = np.random.default_rng(1)
    w0 = rng.standard_normal(1000).astype(np.float32)
    grads = (rng.standard_normal((5, 1000)) * np.logspace(-4, 1, 1000)).astype(np.float32)
    w = torch.tensor(w0.copy(), requires_grad=True)
    opt = torch.optim.Adamax([w], lr=1e-2)
    p = torch.tensor(w0.copy())
    m = torch.zeros(1000)
    u = torch.zeros(1000)
    for k, g in enumerate(grads, 1):
        w.grad = torch.tensor(g)
        opt.step()
        g = torch.tensor(g)
        m.lerp_(g, 1 - 0.9)
        u = torch.maximum(u * 0.999, g.abs() + 1e-8)
        p = p + (-(1e-2 / (1 - 0.9**k)) * m) / u
        assert_equal(w.detach().numpy(), p.numpy())
