"""Eager slicing compiles by shape, never by value.

Slice starts, integer and 0-d tensor indices, ``select``/``narrow`` offsets and ``roll`` shifts
are traced arguments of the op's executable, so a loop over a hundred different offsets
compiles each op once, at its first call, and never again.  Reads of a view after its storage changed and writes through a view
are compiled by the view's structure too.  Counted with JAX's own monitoring event for every
backend compilation (it also fires for a program found in the persistent cache, so a warm
disk cache cannot hide a per-value compile).
"""

import jax
import numpy as np
import pytest

pytestmark = pytest.mark.torchlike_only

_COMPILE_EVENT = "/jax/core/compile/backend_compile_duration"
_counter = {"n": 0}


def _on_event(event, duration, **kwargs):
    if event == _COMPILE_EVENT:
        _counter["n"] += 1


jax.monitoring.register_event_duration_secs_listener(_on_event)


def compiles(fn, values):
    """How many XLA compilations running ``fn(v)`` for every later ``v`` adds once
    ``fn(values[0])`` has run (the first call compiles what it must: at most one program per
    op)."""
    fn(values[0])
    before = _counter["n"]
    for v in values[1:]:
        fn(v)
    return _counter["n"] - before


OFFSETS = list(range(3, 103))


@pytest.fixture()
def data(torch):
    return torch.arange(1000)


def test_counter_sees_compiles(torch):
    # the listener counts: a fresh shape compiles
    before = _counter["n"]
    torch.arange(17.0).mul(3.5).sum().item()
    torch.ones(23, 7).exp()
    assert _counter["n"] > before


def test_slice_python_int_offsets(torch, data):
    assert compiles(lambda i: data[i : i + 8].sum(), OFFSETS) == 0
    assert data[40:48].tolist() == list(range(40, 48))


def test_slice_negative_and_open_bounds(torch, data):
    assert compiles(lambda i: data[-i - 8 : -i], OFFSETS) == 0
    assert compiles(lambda i: data.view(10, 100)[:, i - 3 : i + 5], OFFSETS[:90]) == 0
    assert data[-10:-5].tolist() == list(range(990, 995))


def test_strided_slice_offsets(torch, data):
    assert compiles(lambda i: data[i : i + 40 : 4], OFFSETS) == 0
    assert data[7:47:4].tolist() == list(range(7, 47, 4))


def test_slice_tensor_offsets(torch, data):
    starts = [torch.tensor(i) for i in OFFSETS]
    # the 0-d index tensors are built outside the counted loop
    assert compiles(lambda k: data[starts[k] : starts[k] + 8], list(range(100))) == 0
    assert data[starts[5] : starts[5] + 3].tolist() == [8, 9, 10]


def test_get_batch_loop(torch, data):
    torch.manual_seed(0)
    ix = torch.randint(len(data) - 8, (32,))

    def batch(_):
        return torch.stack([data[i : i + 8] for i in ix])

    out = batch(0)
    assert compiles(batch, list(range(5))) == 0
    assert out[3].tolist() == list(range(int(ix[3]), int(ix[3]) + 8))


def test_int_and_tensor_index(torch):
    x = torch.arange(300.0).view(100, 3)
    assert compiles(lambda i: x[i], list(range(100))) == 0
    idx = [torch.tensor(i) for i in range(100)]
    assert compiles(lambda i: x[idx[i]], list(range(100))) == 0
    assert x[idx[7]].tolist() == [21.0, 22.0, 23.0]
    assert type(x.requires_grad_()[idx[7]].grad_fn).__name__ == "SelectBackward0"


def test_select_indices(torch):
    x = torch.arange(300.0).view(3, 100)
    assert compiles(lambda i: x.select(1, i), list(range(100))) == 0
    assert compiles(lambda i: x.select(1, -i - 1), list(range(100))) == 0
    assert x.select(1, -1).tolist() == [99.0, 199.0, 299.0]


def test_narrow_starts(torch, data):
    assert compiles(lambda i: data.narrow(0, i, 5), OFFSETS) == 0
    assert data.narrow(0, -5, 2).tolist() == [995, 996]


def test_roll_shifts(torch):
    x = torch.arange(50.0)
    m = x.view(5, 10)
    assert compiles(lambda s: x.roll(s), list(range(100))) == 0
    assert compiles(lambda s: m.roll((s, -s), (0, 1)), list(range(100))) == 0
    assert x.roll(3)[:4].tolist() == [47.0, 48.0, 49.0, 0.0]


def test_backward_through_slices_compiles_once(torch):
    w = torch.arange(200.0, requires_grad=True)

    def step(i):
        w.grad = None
        (w[i : i + 10] * 2).sum().backward()

    assert compiles(step, list(range(100))) == 0
    assert w.grad[99:109].tolist() == [2.0] * 10 and w.grad.sum().item() == 20.0


def test_view_reads_and_writes_by_structure(torch):
    base = torch.zeros(20, 50)
    twin = np.zeros((20, 50))
    sums = []

    def write_row_and_read(i):
        row = base[i % 20, i % 7 : i % 7 + 30]
        row.fill_(float(i))  # a write through a view: traced offset
        base.add_(1)  # the storage changes ...
        sums.append(row.sum().item())  # ... so the view re-reads itself from the base
        twin[i % 20, i % 7 : i % 7 + 30] = i
        twin[...] += 1

    assert compiles(write_row_and_read, list(range(100))) == 0
    assert sums == [30.0 * (i + 1) for i in range(100)]
    assert np.array_equal(base.numpy(), twin)


def test_long_chain_of_views_reads_with_bounded_program(torch):
    from torchlike import _storage

    x = torch.arange(60.0)
    v = x.view(6, 10)
    for _ in range(41):
        v = v.t()
    key, _ = v._geom.chain(v._storage)
    assert len(key) <= _storage.MAX_CHAIN
    x.add_(1)  # the view re-reads itself
    assert v.tolist() == (np.arange(60.0) + 1).reshape(6, 10).T.tolist()


# -- host reads: a 0-d index tensor whose value the host already knows is not waited for


def _host_reads():
    from torchlike import _tensor

    return _tensor.HOST_READS[0]


def test_indices_from_iteration_are_read_once(torch):
    x = torch.arange(300.0).view(100, 3)
    idx = list(torch.arange(100))
    x[idx[0]]  # the first use copies all 100 values to the host, once
    reads = _host_reads()
    assert compiles(lambda i: x[idx[i]], list(range(100))) == 0
    assert compiles(lambda i: x[idx[i] : idx[i] + 1], list(range(99))) == 0
    assert _host_reads() == reads
    assert x[idx[7]].tolist() == [21.0, 22.0, 23.0]
    assert x[idx[98] : idx[98] + 5].tolist() == [[294.0, 295.0, 296.0], [297.0, 298.0, 299.0]]


def test_get_batch_reads_its_offsets_once_per_loop(torch, data):
    torch.manual_seed(0)
    ix = torch.randint(len(data) - 9, (32,))
    reads = _host_reads()
    x = torch.stack([data[i : i + 8] for i in ix])
    y = torch.stack([data[i + 1 : i + 9] for i in ix])
    assert _host_reads() - reads == 2  # one copy of ix per loop; i + 8 is known on the host
    starts = np.asarray(ix.tolist())
    assert x.tolist() == (starts[:, None] + np.arange(8)).tolist()
    assert y.tolist() == (starts[:, None] + np.arange(1, 9)).tolist()


@pytest.mark.parametrize("name", ["int8", "uint8", "int16", "int32", "int64"])
def test_host_known_arithmetic_wraps_as_the_device(torch, name):
    info = np.iinfo(name)
    values = sorted({int(info.min), int(info.min) + 1, 0, 1, int(info.max) - 1, int(info.max)})
    t = torch.tensor(values, dtype=getattr(torch, name))
    for e in t:
        for k in (1, -1, 7, 300, -300, 1 << 40):
            for r in (e + k, e - k, k - e, e + e, e - e):
                assert r.dtype == t.dtype
                assert int(r) == r.tolist()  # the host's number == the device's value


def test_host_known_values_follow_writes(torch):
    ix = torch.tensor([3, 5])
    a, b = list(ix)
    assert int(a) == 3
    ix.add_(10)  # the storage changes: what the host knew is stale
    assert int(a) == 13 and int(a + 1) == 14 and int(b - 1) == 14
    a.fill_(0)  # a write through the view itself
    assert int(a) == 0 and ix.tolist() == [0, 15]
    j = b + 1
    j += 1
    assert int(j) == 17


# -- Python numbers: cached as arrays of the compute dtype, same values, bounded


def test_python_number_operands_compile_once(torch):
    x = torch.arange(6.0)
    assert compiles(lambda v: x * v, [k + 0.5 for k in range(100)]) == 0
    assert compiles(lambda v: x + v, list(range(100))) == 0
    assert (x * 2.5).tolist() == [0.0, 2.5, 5.0, 7.5, 10.0, 12.5]


@pytest.mark.parametrize(
    "v", [0.1, 1 / 3, 1e-30, 1e-40, 3e38, 1e39, -0.0, float("nan"), 16777217, -(1 << 30), 7]
)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "int8"])
def test_cached_number_operands_give_the_same_bits(torch, v, dtype):
    x = torch.tensor([1, 2, 3], dtype=getattr(torch, dtype))
    if isinstance(v, float) and not x.dtype.is_floating_point:
        x = x.float()
    first, second, third = (x * v).numpy(), (x * v).numpy(), (x + v).numpy()
    assert first.dtype == second.dtype
    assert first.tobytes() == second.tobytes()  # uncached (first sight) vs cached
    assert third.tobytes() == (x + v).numpy().tobytes()


def test_number_cache_is_bounded(torch):
    from torchlike._ops import core

    x = torch.ones(2)
    for k in range(2 * core._MAX_CONSTANTS + 10):
        x * (k + 0.25)
        x * (k + 0.25)
    assert len(core._CONSTANTS) <= core._MAX_CONSTANTS
    assert len(core._SEEN_ONCE) <= core._MAX_CONSTANTS
    assert (x * 3.25).tolist() == [3.25, 3.25]


@pytest.mark.torchlike_only
def test_tensor_from_new_shapes_of_host_data_compiles_nothing(torch):
    # torch.tensor(numpy_array) / torch.tensor(list) in a data loop: a transfer, not a program
    before = torch.compile_count()
    for n in range(3, 23):
        torch.tensor(np.ones((n, 2), np.float32))
        torch.tensor([[1.0] * n])
    assert torch.compile_count() == before


def test_dropout_of_a_new_shape_compiles_only_its_multiply(torch):
    # the mask is drawn and scaled (``div_(1 - p)``) on the host; the one program per new shape
    # is ``input * noise``
    F = torch.nn.functional
    before = _counter["n"]
    for n in range(611, 616):
        F.dropout(torch.ones(n), 0.25)
    assert _counter["n"] - before <= 5
    torch.manual_seed(0)
    out = F.dropout(torch.ones(8), 0.25)
    assert set(out.tolist()) <= {0.0, float(np.float32(1) / np.float32(0.75))}
    assert out.dtype == torch.float32


def test_views_are_read_inside_the_op_that_uses_them(torch):
    # nanoGPT's attention under no_grad at a new length: split pieces, their views and
    # transposes are read inside the programs of the ops that use them, so a new length
    # compiles one program per op (the matmuls, the scale, the softmax), none per view
    def attention(t):
        x = torch.ones(1, t, 24)
        q, k, v = x.split(8, dim=2)
        q, k, v = (p.view(1, t, 2, 4).transpose(1, 2) for p in (q, k, v))
        att = torch.softmax((q @ k.transpose(-2, -1)) * 0.5, dim=-1)
        return (att @ v).transpose(1, 2)

    with torch.no_grad():
        attention(5)
        before = _counter["n"]
        out = attention(7)
    assert _counter["n"] - before == 4  # q @ k^T, * 0.5, softmax, att @ v
    assert out.shape == (1, 7, 2, 4) and out.sum().item() == 56.0


def test_eager_programs_give_the_bits_of_xla_defaults(torch):
    # eager programs are compiled with cheaper XLA options (``_caches.EAGER_COMPILER_OPTIONS``,
    # chosen for compile time); they must not change a result's bits
    from torchlike import _caches

    options = _caches.eager_compiler_options()
    if options is None:
        pytest.skip("this jaxlib takes no cheaper eager options")
    jnp = jax.numpy
    x = np.random.default_rng(0).standard_normal((64, 96)).astype(np.float32)
    programs = [
        lambda a: jax.nn.softmax(a * 0.125, -1),
        lambda a: jax.nn.gelu(a, approximate=False),
        lambda a: (a - a.mean(-1, keepdims=True)) / jnp.sqrt(a.var(-1, keepdims=True) + 1e-5),
        lambda a: jnp.tanh(jnp.exp(a)) + jnp.log1p(jnp.abs(a)) + jnp.sin(a),
        lambda a: (a.sum(0), a.cumsum(1), a @ a.T, jnp.sort(a, axis=1)),
    ]
    for f in programs:
        default = jax.jit(f).lower(x).compile()(x)
        cheaper = jax.jit(f, compiler_options=options).lower(x).compile()(x)
        for d, c in zip(jax.tree.leaves(default), jax.tree.leaves(cheaper)):
            assert np.array_equal(np.asarray(d), np.asarray(c))


def test_eager_ops_run_inside_traces(torch):
    # inside a trace the op's program is part of the caller's (JAX refuses compiler options
    # on a nested jit): torch.func and torch.compile still run every op
    x = torch.arange(6.0).view(2, 3)
    assert torch.func.vmap(lambda r: r.t().sum() * 2)(x).tolist() == [6.0, 24.0]
    step = torch.compile(lambda a: (a.t() @ a).sum(), fullgraph=True)
    assert step(x).item() == (x.t() @ x).sum().item()


def test_setitem_of_numbers_compiles_once(torch):
    # ``t[i, 0, j] = 1`` in a loop (one-hot rows of a tutorial's input): the number and the
    # offsets are operands; the target view is written, never read
    t = torch.zeros(7, 1, 57)
    assert compiles(lambda i: t.__setitem__((i % 7, 0, i + 3), 1.0), list(range(50))) == 0
    assert t.sum().item() == 50.0
    assert t[2, 0].nonzero().flatten().tolist() == [5, 12, 19, 26, 33, 40, 47]


def test_kept_fills_and_numbers_are_bounded(torch):
    from torchlike import _storage
    from torchlike._ops import core

    for n in range(1, 400):
        torch.zeros(n, 3)
        torch.full((2,), n + 0.5)[0] = n + 0.25
    assert len(_storage._FILLS) <= _storage._FILLS.max_entries
    assert _storage._FILLS._nbytes <= _storage._FILLS.max_bytes
    assert len(core._SCALAR_ARRAYS) <= core._MAX_CONSTANTS
    assert torch.zeros(5, 3).sum().item() == 0.0
