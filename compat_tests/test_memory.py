"""A long manual-SGD loop keeps a flat memory profile: no growth of graphs, caches, storages."""

import gc

import pytest

pytestmark = pytest.mark.torchlike_only


def _live_counts():
    import jax

    gc.collect()
    return len(gc.get_objects()), len(jax.live_arrays())


def _cache_entries():
    from torchlike import _caches

    return {name: info["entries"] for name, info in _caches.cache_info().items()}


def test_ten_thousand_sgd_steps_keep_memory_flat(torch):
    x = torch.linspace(-1, 1, 32).reshape(32, 1)
    y = 3 * x - 2
    w = torch.zeros(1, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    counts, caches = {}, {}
    for step in range(10_000):
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= 0.05 * w.grad
            b -= 0.05 * b.grad
        w.grad.zero_()
        b.grad.zero_()
        if step in (999, 9_999):
            del loss
            counts[step] = _live_counts()
            caches[step] = _cache_entries()
    (objects_1k, arrays_1k), (objects_10k, arrays_10k) = counts[999], counts[9_999]
    print("live objects and arrays after 1k and 10k steps:", counts)
    # 9,000 more steps may not leave 9,000 of anything behind
    assert objects_10k - objects_1k < 200, (objects_1k, objects_10k)
    assert arrays_10k - arrays_1k < 20, (arrays_1k, arrays_10k)
    assert caches[9_999] == caches[999]  # no cache grows with the number of steps
    assert w._version == 10_000 and w.is_leaf and w.requires_grad
    assert abs(w.item() - 3) < 1e-3 and abs(b.item() + 2) < 1e-3
