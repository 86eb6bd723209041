"""Random numbers through the public API: ``torch.manual_seed(s)`` followed by the same calls
gives the same values (and the same printed text) as PyTorch 2.13 on the CPU.

Each ``scenario_*`` function below takes the module under test, seeds it and returns what a
user would look at: tensors (compared by value, dtype and shape), numbers and printed text.
``data/random_public.json`` holds what the same functions returned under real torch 2.13.0 CPU
(``data/make_random_public.py`` regenerates it), so these tests pass on both backends without
torch installed.  The rest of the file checks behaviour directly: generator objects, state
round trips, ``fork_rng``, in-place semantics, autograd nodes and PyTorch's error messages.
"""

import copy
import hashlib
import json
import math
import pathlib
import pickle
import re

import numpy as np
import pytest
from _helpers import node_name

# randint beyond a float dtype's exact-integer range warns, as in PyTorch
pytestmark = pytest.mark.filterwarnings("ignore:.* is out of bounds \\[:UserWarning")

DATA_PATH = pathlib.Path(__file__).parent / "data" / "random_public.json"
FULL_LIMIT = 300  # results up to this many elements are stored in full, larger ones hashed

SIZES = [1, 7, 15, 16, 17, 31, 100, 10**5]
FLOATS = ["float32", "float64", "float16", "bfloat16"]
INTS = ["int64", "int32", "int16", "int8", "uint8", "bool"]


# ------------------------------------------------------------------------------ scenarios
def scenario_rand_randn_sizes(torch):
    out = []
    for name in FLOATS:
        dt = getattr(torch, name)
        torch.manual_seed(0)
        for n in SIZES:
            out += [torch.rand(n, dtype=dt), torch.randn(n, dtype=dt)]
    return out


def scenario_rand_randn_shapes_and_like(torch):
    torch.manual_seed(7)
    src = torch.zeros(3, 5, dtype=torch.float64)
    return [
        torch.rand(2, 3),
        torch.rand((4, 5)),
        torch.randn(size=(2, 9)),
        torch.randn(()),
        torch.rand_like(src),
        torch.randn_like(src),
        torch.randn_like(src, dtype=torch.float16),
        torch.rand(3, 4, 5, dtype=torch.bfloat16),
        torch.randn(4, 4),
    ]


def scenario_complex(torch):
    torch.manual_seed(3)
    return [
        torch.rand(3, dtype=torch.complex64),
        torch.randn(5, dtype=torch.complex64),
        torch.randn(20, dtype=torch.complex128),
        torch.rand(9, dtype=torch.complex128),
        torch.empty(10, dtype=torch.complex64).normal_(1.0, 2.0),
        torch.empty(4, dtype=torch.complex128).uniform_(-1, 1),
    ]


def scenario_randint_overloads(torch):
    torch.manual_seed(5)
    x = torch.zeros(2, 3)
    xi = torch.zeros(4, dtype=torch.int32)
    return [
        torch.randint(10, (5,)),
        torch.randint(3, 10, (2, 3)),
        torch.randint(high=7, size=(4,)),
        torch.randint(low=-5, high=5, size=(6,)),
        torch.randint(10, size=(3,)),
        torch.randint(2, 5, size=(3,)),
        torch.randint(4, high=9, size=(2,)),
        torch.randint(0, 2**33, (5,)),
        torch.randint(-(2**40), 2**40, (5,)),
        torch.randint(0, 2**28, (5,)),
        torch.randint(0, 2**28 - 1, (5,)),
        torch.randint_like(x, 10),
        torch.randint_like(x, 2, 10),
        torch.randint_like(xi, high=100),
        torch.randint_like(x, low=-3, high=3),
        torch.randint(torch.tensor(6), (4,)),
    ]


def scenario_randint_dtypes(torch):
    torch.manual_seed(6)
    out = []
    for name, low, high in [
        ("int32", -100, 100),
        ("int16", 0, 30000),
        ("int8", -100, 100),
        ("uint8", 0, 256),
        ("bool", 0, 2),
        ("float32", 0, 1000),
        ("float64", -50, 2**35),
        ("float16", 0, 5000),
        ("bfloat16", -300, 300),
        ("int64", 0, 3),
    ]:
        dt = getattr(torch, name)
        out += [
            torch.randint(low, high, (200,), dtype=dt),
            torch.randint(low, high, (3,), dtype=dt),
        ]
    return out


def scenario_randperm(torch):
    torch.manual_seed(3)
    out = [torch.randperm(n) for n in [0, 1, 2, 5, 10, 100, 2048, 10**5]]
    out += [
        torch.randperm(10, dtype=torch.int32),
        torch.randperm(12, dtype=torch.float32),
        torch.randperm(2049, dtype=torch.float16),
        torch.randperm(300, dtype=torch.bfloat16),
        torch.randperm(256, dtype=torch.uint8),
        torch.randperm(9, dtype=torch.float64),
    ]
    return out


def scenario_normal_overloads(torch):
    torch.manual_seed(11)
    # (built from Python floats: tensor arithmetic is not what this file tests)
    mean = torch.tensor([i / 4 - 3 for i in range(25)])
    std = torch.tensor([0.1 + i / 10 for i in range(25)])
    out = [
        torch.normal(mean, 0.5),
        torch.normal(0.5, std),
        torch.normal(mean, std),
        torch.normal(mean[:5], std[:5]),
        torch.normal(2.0, 3.0, (100,)),
        torch.normal(mean),
        torch.normal(mean=mean[:3]),
        torch.normal(mean, std=2),
        torch.normal(0, 1, size=(2, 3)),
        torch.normal(mean=1.0, std=2.0, size=(4,)),
        torch.normal(-1.0, 0.5, (20,), dtype=torch.float64),
        torch.normal(torch.zeros(2, 3), torch.ones(3)),
        torch.normal(mean.double(), 0.5),
        torch.normal(0.0, std.double()),
        torch.normal(mean, std.double()),
        torch.normal(mean.double(), std),
        torch.normal(mean.half(), std),
        torch.normal(mean.bfloat16(), 1.5),
        torch.normal(3.0, std.half()),
        torch.normal(1.25, 0.0, (3,)),
    ]
    buf = torch.empty(25, dtype=torch.float64)
    res = torch.normal(mean, std, out=buf)
    out += [res, res is buf]
    buf2 = torch.empty(5)
    out += [torch.normal(0.0, 1.0, (5,), out=buf2), buf2]
    return out


def scenario_bernoulli(torch):
    torch.manual_seed(10)
    p = torch.tensor([i / 23 for i in range(24)])
    out = [
        torch.bernoulli(p),
        torch.bernoulli(p.double()),
        torch.bernoulli(p.half()),
        torch.bernoulli(p.bfloat16()),
        torch.bernoulli(p, 0.3),
        torch.bernoulli(p, p=0.9),
        p.bernoulli(),
        p.bernoulli(0.5),
        p.double().bernoulli(p=0.25),
        torch.bernoulli(torch.full((3, 40), 0.5)),
        torch.bernoulli(torch.full((7,), 0.5), 0.5),
    ]
    buf = torch.empty(24, dtype=torch.float64)
    out += [torch.bernoulli(p, out=buf), buf]
    return out


def scenario_multinomial(torch):
    torch.manual_seed(12)
    probs = torch.tensor([[((i * 7 + j * 3) % 11) / 10 for j in range(10)] for i in range(4)])
    row = probs[0] + probs[1]
    return [
        torch.multinomial(probs, 7, True),
        torch.multinomial(probs, 7, False),
        torch.multinomial(probs, 1),
        torch.multinomial(probs, 1, replacement=True),
        torch.multinomial(row.double(), 20, True),
        torch.multinomial(row.double(), 10),
        probs.multinomial(3),
        probs.multinomial(num_samples=5, replacement=True),
        torch.multinomial(row.half(), 4),
        torch.multinomial(row.bfloat16(), 4, True),
        torch.multinomial(torch.ones(1000), 50),
        torch.multinomial(torch.ones(300), 5, True),
    ]


def scenario_poisson(torch):
    torch.manual_seed(13)
    rates = torch.tensor([0.0, 0.5, 3.0, 9.99, 10.0, 25.0, 1000.0, 1e6] * 3)
    return [
        torch.poisson(rates),
        torch.poisson(rates.double()),
        torch.poisson(rates[:5].half()),
        torch.poisson(torch.full((2, 3), 4.0)),
        torch.poisson(rates.bfloat16()),
    ]


def scenario_inplace_floats(torch):
    out = []
    for name in FLOATS:
        dt = getattr(torch, name)
        torch.manual_seed(1)
        for n in [5, 100, 10**4 + 3]:
            e = lambda n=n, dt=dt: torch.empty(n, dtype=dt)
            out += [
                e().uniform_(),
                e().uniform_(-2, 3),
                e().uniform_(**{"from": 0.1, "to": 0.7}),
                e().uniform_(to=4),
                e().normal_(),
                e().normal_(1.5, 0.3),
                e().normal_(std=3),
                e().exponential_(),
                e().exponential_(lambd=2.5),
                e().geometric_(0.3),
                e().geometric_(p=0.9),
                e().log_normal_(),
                e().log_normal_(0.5, std=0.7),
                e().cauchy_(),
                e().cauchy_(-1.7, 0.3),
                e().cauchy_(sigma=2),
                e().bernoulli_(),
                e().bernoulli_(0.3),
                e().bernoulli_(p=0.8),
            ]
    return out


def scenario_inplace_random_(torch):
    out = []
    for name in FLOATS + INTS:
        dt = getattr(torch, name)
        torch.manual_seed(8)
        e = lambda dt=dt: torch.empty(50, dtype=dt)
        out += [
            e().random_(),
            e().random_(2),
            e().random_(to=2),
            e().random_(0, None),
            e().random_(**{"from": 1, "to": None}),
        ]
        if name not in ("bool", "uint8"):
            out += [e().random_(-50, 100), e().random_(**{"from": -3, "to": 3})]
        if name in ("int64", "float32", "float64", "bfloat16"):
            out.append(e().random_(-(2**63), None))
    return out


def scenario_inplace_ints(torch):
    torch.manual_seed(9)
    out = []
    for name in INTS:
        dt = getattr(torch, name)
        out += [torch.zeros(20, dtype=dt).bernoulli_(0.4), torch.ones(20, dtype=dt).bernoulli_()]
        if name != "bool":
            out.append(torch.zeros(20, dtype=dt).geometric_(0.2))
    return out


def scenario_bernoulli_tensor_p(torch):
    torch.manual_seed(14)
    p = torch.tensor([[(4 * i + j) / 11 for j in range(4)] for i in range(3)])
    return [
        torch.empty(3, 4).bernoulli_(p),
        torch.empty(3, 4).bernoulli_(p.double()),
        torch.empty(2, 3, 4, dtype=torch.float64).bernoulli_(p),
        torch.empty(3, 4, dtype=torch.int32).bernoulli_(p[0]),
        torch.empty(3, 4, dtype=torch.bool).bernoulli_(p.half()),
        torch.empty(5).bernoulli_(torch.tensor(0.5)),
    ]


def scenario_generator_objects(torch):
    g = torch.Generator().manual_seed(5)
    h = torch.Generator()
    torch.manual_seed(0)
    out = [
        torch.rand(3, generator=g),
        torch.rand(3),
        torch.randn(20, generator=g),
        torch.randn(3, generator=h),
        torch.randn(3),
        torch.randint(5, (4,), generator=g),
        torch.randint(1, 9, (4,), generator=h),
        torch.randperm(6, generator=g),
        torch.normal(torch.zeros(4), 1.0, generator=g),
        torch.normal(0.0, torch.ones(4), generator=h),
        torch.normal(0.0, 2.0, (3,), generator=g),
        torch.bernoulli(torch.full((5,), 0.5), generator=g),
        torch.bernoulli(torch.full((5,), 0.5), 0.2, generator=h),
        torch.multinomial(torch.ones(6), 3, generator=g),
        torch.multinomial(torch.ones(6), 3, True, generator=h),
        torch.poisson(torch.full((4,), 2.0), g),
        torch.poisson(torch.full((4,), 20.0), generator=h),
        torch.empty(4).uniform_(generator=g),
        torch.empty(4).normal_(generator=h),
        torch.empty(4).random_(10, generator=g),
        torch.empty(4).exponential_(generator=h),
        torch.empty(4).geometric_(0.5, generator=g),
        torch.empty(4).log_normal_(generator=h),
        torch.empty(4).cauchy_(generator=g),
        torch.empty(4).bernoulli_(0.5, generator=h),
        torch.rand_like(torch.zeros(3), generator=g),
        torch.randn_like(torch.zeros(3), generator=h),
        torch.randint_like(torch.zeros(3), 5, generator=g),
        torch.rand(3),
    ]
    out += [g.initial_seed(), h.initial_seed(), torch.initial_seed()]
    return out


def scenario_states(torch):
    torch.manual_seed(77)
    torch.rand(700)
    torch.randn(3, dtype=torch.float64)  # leaves a cached Box-Muller value
    state = torch.get_rng_state()
    g = torch.Generator().manual_seed(3)
    torch.randn(5, generator=g)
    return [state, g.get_state(), torch.Generator().get_state()]


def scenario_mixed_20_calls_printed(torch):
    torch.manual_seed(1234)
    probs = torch.tensor([0.1, 0.2, 0.3, 0.4])
    x = torch.empty(6)
    lines = [
        repr(v)
        for v in [
            torch.rand(5),
            torch.randn(3),
            torch.randint(0, 10, (7,)),
            torch.randn(17),
            torch.empty(4, dtype=torch.float64).normal_(2.0, 0.5),
            torch.randperm(10),
            x.uniform_(-1, 1),
            torch.empty(8).bernoulli_(0.3),
            torch.empty(5, dtype=torch.float64).exponential_(1.5),
            torch.rand(3, dtype=torch.float16),
            torch.randn(40, dtype=torch.bfloat16),
            torch.multinomial(probs, 3, True),
            torch.empty(5, dtype=torch.int16).random_(),
            torch.empty(5).geometric_(0.25),
            torch.empty(4).cauchy_(),
            torch.empty(5).log_normal_(),
            torch.poisson(torch.tensor([1.0, 5.0, 12.0])),
            torch.normal(torch.zeros(3), torch.ones(3)),
            torch.bernoulli(torch.full((6,), 0.5)),
            torch.randint(-3, 3, (2, 4), dtype=torch.int32),
        ]
    ]
    return ["\n".join(lines)]


SCENARIOS = {
    name[len("scenario_") :]: fn
    for name, fn in dict(globals()).items()
    if name.startswith("scenario_")
}


# ------------------------------------------------------------------------------ summaries
def summarize(value):
    """A JSON-able, exact description of a scenario result (tensors by dtype, shape, values)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [summarize(v) for v in value]
    t = value.detach()
    values = np.asarray(t.tolist())
    if t.dtype.is_complex:
        values = np.stack([values.real, values.imag], axis=-1)
    kind = np.float64 if (t.dtype.is_floating_point or t.dtype.is_complex) else np.int64
    flat = values.astype(kind).reshape(-1)
    record = {"dtype": str(t.dtype), "shape": list(t.shape)}
    if flat.size <= FULL_LIMIT:
        record["values"] = flat.tolist()
    else:
        record["sha256"] = hashlib.sha256(flat.tobytes()).hexdigest()
        record["head"], record["tail"] = flat[:4].tolist(), flat[-4:].tolist()
    return record


def assert_same(got, expected, where="result"):
    if isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), where
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_same(g, e, f"{where}[{i}]")
    elif isinstance(expected, dict):
        assert got["dtype"] == expected["dtype"], f"{where}: dtype"
        assert got["shape"] == expected["shape"], f"{where}: shape"
        if "values" in expected:
            np.testing.assert_array_equal(
                np.array(got["values"]), np.array(expected["values"]), err_msg=where
            )
        else:
            assert (got["head"], got["tail"]) == (expected["head"], expected["tail"]), where
            assert got["sha256"] == expected["sha256"], where
    elif isinstance(expected, str) and "\n" in expected:
        assert got == expected, f"{where}: printed text differs"
    else:
        assert got == expected, where


def _expected():
    return json.loads(DATA_PATH.read_text())


@pytest.fixture(scope="module")
def expected():
    return _expected()


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_matches_torch(torch, expected, name):
    got = json.loads(json.dumps(summarize(SCENARIOS[name](torch))))
    assert_same(got, expected["scenarios"][name], name)


# ------------------------------------------------------------------------------ generators
def test_generator_basics(torch):
    g = torch.Generator()
    assert isinstance(g, torch.Generator)
    assert g.initial_seed() == 67280421310721
    assert g.device == torch.device("cpu") and str(g.device) == "cpu"
    assert torch.Generator("cpu").device.type == "cpu"
    assert torch.Generator(device=torch.device("cpu")).device.type == "cpu"
    assert g.manual_seed(3) is g and g.initial_seed() == 3
    assert g.manual_seed(-1).initial_seed() == 2**64 - 1
    s = g.seed()
    assert g.initial_seed() == s and 0 <= s < 2**64
    assert torch.manual_seed(5) is torch.default_generator
    assert torch.random.default_generator is torch.default_generator
    assert torch.initial_seed() == 5 and torch.random.initial_seed() == 5
    assert torch.manual_seed(2.5).initial_seed() == 2  # int(seed) first
    assert torch.manual_seed(torch.tensor(9)).initial_seed() == 9
    assert torch.random.manual_seed(4) is torch.default_generator
    s = torch.seed()
    assert torch.initial_seed() == s
    assert torch.random.seed() == torch.initial_seed()


def test_generator_seed_errors(torch):
    with pytest.raises(RuntimeError, match="manual_seed expected a long, but got float"):
        torch.Generator().manual_seed(2.5)
    with pytest.raises(RuntimeError, match="manual_seed expected a long, but got bool"):
        torch.Generator().manual_seed(True)
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        torch.manual_seed(2**64)


def test_generators_are_independent_streams(torch):
    torch.manual_seed(0)
    expected = torch.rand(6)
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    a = torch.rand(3)
    torch.rand(100, generator=g)
    b = torch.rand(3)
    assert torch.equal(torch.cat([a, b]), expected)


def test_get_state_is_a_byte_tensor(torch):
    state = torch.get_rng_state()
    assert state.dtype == torch.uint8 and state.shape == (5056,)
    assert not state.requires_grad
    assert torch.random.get_rng_state().shape == (5056,)
    assert torch.Generator().get_state().dtype == torch.uint8
    assert state is not torch.get_rng_state()


def test_state_round_trip_default_generator(torch):
    torch.manual_seed(21)
    torch.randn(3)  # a short normal draw leaves a cached value in the state
    state = torch.get_rng_state()
    first = [torch.randn(5, dtype=torch.float64), torch.rand(30), torch.randint(9, (5,))]
    torch.rand(5000)
    torch.set_rng_state(state)
    again = [torch.randn(5, dtype=torch.float64), torch.rand(30), torch.randint(9, (5,))]
    for a, b in zip(first, again):
        assert torch.equal(a, b)
    torch.random.set_rng_state(state)
    assert torch.equal(torch.randn(5, dtype=torch.float64), first[0])


def test_state_round_trip_generator_object(torch):
    g = torch.Generator().manual_seed(8)
    state = g.get_state()
    first = torch.randn(40, generator=g)
    assert g.set_state(state) is g
    assert torch.equal(torch.randn(40, generator=g), first)
    other = torch.Generator().set_state(state)
    assert other.initial_seed() == 8
    assert torch.equal(torch.randn(40, generator=other), first)


def test_state_moves_between_default_and_generator(torch):
    torch.manual_seed(31)
    torch.rand(10)
    g = torch.Generator().set_state(torch.get_rng_state())
    assert torch.equal(torch.rand(50, generator=g), torch.rand(50))


def test_state_saved_by_torch_loads(torch, expected):
    """A state produced by real torch (stored bytes) continues exactly as torch continued."""
    state = torch.tensor(expected["torch_state"]["bytes"], dtype=torch.uint8)
    torch.set_rng_state(state)
    assert torch.get_rng_state().tolist() == expected["torch_state"]["bytes"]
    got = json.loads(json.dumps(summarize([torch.randn(20, dtype=torch.float64), torch.rand(5)])))
    assert_same(got, expected["torch_state"]["continuation"])


def test_set_state_errors(torch):
    with pytest.raises(
        RuntimeError,
        match="Expected a CPUGeneratorImplState of size 5056 but "
        "found the input RNG state size to be 5",
    ):
        torch.set_rng_state(torch.zeros(5, dtype=torch.uint8))
    with pytest.raises(TypeError, match="RNG state must be a torch.ByteTensor"):
        torch.set_rng_state(torch.zeros(5056))
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        torch.Generator().set_state(torch.zeros(5056, dtype=torch.uint8))
    with pytest.raises(TypeError, match="expected a torch.ByteTensor, but got numpy.ndarray"):
        torch.Generator().set_state(np.zeros(5056, np.uint8))
    with pytest.raises(TypeError, match="expected a torch.ByteTensor, but got list"):
        torch.Generator().set_state([0] * 5056)


def test_generator_copy_pickle_and_clone(torch):
    g = torch.Generator().manual_seed(3)
    torch.rand(7, generator=g)
    for twin in (copy.deepcopy(g), pickle.loads(pickle.dumps(g)), g.clone_state()):
        assert twin is not g and twin.initial_seed() == 3
        assert torch.equal(twin.get_state(), g.get_state())
    twin = g.clone_state()
    assert torch.equal(torch.randn(20, generator=twin), torch.randn(20, generator=g))


def test_fork_rng_restores_state(torch):
    torch.manual_seed(40)
    expected = torch.rand(4)
    torch.manual_seed(40)
    with torch.random.fork_rng():
        torch.rand(1000)
        torch.manual_seed(99)
    assert torch.equal(torch.rand(4), expected)
    torch.manual_seed(40)
    with pytest.raises(KeyError):
        with torch.random.fork_rng(devices=[]):
            torch.randn(5)
            raise KeyError("boom")
    assert torch.equal(torch.rand(4), expected)
    torch.manual_seed(40)
    with torch.random.fork_rng(enabled=False):
        torch.rand(2)
    assert torch.equal(torch.rand(2), expected[2:])


def test_thread_safe_generator_outside_workers(torch):
    assert torch.random.thread_safe_generator() is None


# ------------------------------------------------------------------------------ in-place semantics
SAMPLERS = [
    ("uniform_", ()),
    ("normal_", ()),
    ("bernoulli_", (0.5,)),
    ("random_", (5,)),
    ("exponential_", ()),
    ("geometric_", (0.3,)),
    ("log_normal_", ()),
    ("cauchy_", ()),
]


@pytest.mark.parametrize("name,args", SAMPLERS, ids=[s[0] for s in SAMPLERS])
def test_inplace_sampler_returns_self_and_bumps_version(torch, name, args):
    x = torch.zeros(2, 3)
    v = x._version
    assert getattr(x, name)(*args) is x
    assert x._version == v + 1
    assert x.shape == (2, 3) and x.dtype == torch.float32


@pytest.mark.parametrize("name,args", SAMPLERS, ids=[s[0] for s in SAMPLERS])
def test_inplace_sampler_on_leaf_requiring_grad(torch, name, args):
    w = torch.zeros(3, requires_grad=True)
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    with pytest.raises(
        RuntimeError,
        match="a leaf Variable that requires grad is being used in an in-place operation.",
    ):
        getattr(w, name)(*args)
    assert torch.equal(torch.rand(3), expected)  # the refused call drew nothing
    assert w.tolist() == [0.0, 0.0, 0.0]
    with torch.no_grad():
        getattr(w, name)(*args)
    assert w.requires_grad and w.is_leaf and w.grad_fn is None


NODES = [
    ("uniform_", (), "UniformBackward0"),
    ("normal_", (), "NormalBackward0"),
    ("bernoulli_", (0.5,), "BernoulliBackward2"),
    ("random_", (), "RandomBackward2"),
    ("random_", (5,), "RandomBackward1"),
    ("random_", (1, 5), "RandomBackward0"),
    ("exponential_", (), "ExponentialBackward0"),
    ("geometric_", (0.3,), "GeometricBackward0"),
    ("log_normal_", (), "LogNormalBackward0"),
    ("cauchy_", (), "CauchyBackward0"),
]


@pytest.mark.parametrize("name,args,node", NODES, ids=[f"{n[0]}{len(n[1])}" for n in NODES])
def test_inplace_sampler_on_non_leaf_records_zero_gradient(torch, name, args, node):
    w = torch.ones(3, requires_grad=True)
    y = w * 2
    getattr(y, name)(*args)
    assert node_name(y) == node
    assert [node_name_of(n) for n, _ in y.grad_fn.next_functions] == ["MulBackward0"]
    (y * 3).sum().backward()
    assert w.grad.tolist() == [0.0, 0.0, 0.0]


def node_name_of(node):
    return type(node).__name__


def test_bernoulli_tensor_p_node(torch):
    w = torch.ones(3, requires_grad=True)
    p = torch.full((3,), 0.5, requires_grad=True)
    y = (w * 2).bernoulli_(p)
    assert node_name(y) == "BernoulliBackward1"
    assert [node_name_of(n) for n, _ in y.grad_fn.next_functions] == [
        "MulBackward0",
        "AccumulateGrad",
    ]


def test_functional_sampler_nodes_and_zero_gradients(torch):
    m = torch.zeros(3, requires_grad=True)
    s = torch.ones(3, requires_grad=True)
    cases = [
        (torch.normal(m, 1.0), "NormalBackward1", [m]),
        (torch.normal(0.0, s), "NormalBackward2", [s]),
        (torch.normal(m, s), "NormalBackward3", [m, s]),
        (torch.bernoulli(s * 0.5), "BernoulliBackward0", [s]),
        (torch.poisson(s), "PoissonBackward0", [s]),
    ]
    for y, node, leaves in cases:
        assert node_name(y) == node and y.requires_grad
        y.sum().backward()
        for leaf in leaves:
            assert leaf.grad.tolist() == [0.0, 0.0, 0.0]
            leaf.grad = None
    with torch.no_grad():
        assert torch.normal(m, 1.0).grad_fn is None
    assert not torch.multinomial(s, 2).requires_grad
    assert torch.normal(0.0, 1.0, (3,), requires_grad=True).is_leaf


def test_bernoulli_with_p_has_no_derivative(torch):
    p = torch.full((3,), 0.5, requires_grad=True)
    y = torch.bernoulli(p, 0.3)
    assert node_name(y) == "NotImplemented"
    with pytest.raises(RuntimeError, match="derivative for aten::bernoulli is not implemented"):
        y.sum().backward()


def test_no_grad_initialisation_like_nn_init(torch):
    torch.manual_seed(0)
    w = torch.empty(4, 3, requires_grad=True)
    b = torch.empty(4, requires_grad=True)
    with torch.no_grad():
        bound = 1 / math.sqrt(3)
        w.uniform_(-bound, bound)
        b.normal_(0, 0.01)
    torch.manual_seed(0)
    assert torch.equal(w.detach(), torch.empty(4, 3).uniform_(-bound, bound))
    assert torch.equal(b.detach(), torch.empty(4).normal_(0, 0.01))
    assert w.is_leaf and w.requires_grad


# ------------------------------------------------------------------------------ errors
ERRORS = [
    (
        "torch.empty(3).uniform_(3, 2)",
        RuntimeError,
        "uniform_ expects to return a [from, to) range, but found from=3 > to=2",
    ),
    (
        "torch.empty(3).uniform_(-3e38, 3e38)",
        RuntimeError,
        "uniform_ expects to-from <= std::numeric_limits<Float>::max(), but found to=3e+38 and "
        "from=-3e+38 which result in to-from to exceed the limit",
    ),
    (
        "torch.empty(3, dtype=torch.float16).uniform_(0, 1e6)",
        RuntimeError,
        "to is out of bounds for c10::Half",
    ),
    ("torch.empty(3).uniform_(-1e39, 0)", RuntimeError, "from is out of bounds for float"),
    (
        "torch.zeros(3, dtype=torch.int64).uniform_()",
        NotImplementedError,
        "\"check_uniform_bounds\" not implemented for 'Long'",
    ),
    ("torch.empty(3).normal_(0, -1)", RuntimeError, "normal expects std >= 0.0, but found std -1"),
    (
        "torch.zeros(3, dtype=torch.int32).normal_()",
        NotImplementedError,
        "\"normal_kernel_cpu\" not implemented for 'Int'",
    ),
    (
        "torch.empty(3).exponential_(0)",
        RuntimeError,
        "exponential_ expects lambda > 0.0, but found lambda=0",
    ),
    (
        "torch.zeros(3, dtype=torch.int64).exponential_()",
        RuntimeError,
        "Exponential distribution is a continuous probability distribution. dtype must be a "
        "floating point but you specified Long",
    ),
    (
        "torch.empty(3).geometric_(1)",
        RuntimeError,
        "geometric_ expects p to be in (0, 1), but got p=1",
    ),
    (
        "torch.zeros(3, dtype=torch.bool).geometric_(0.5)",
        NotImplementedError,
        "\"geometric_cpu\" not implemented for 'Bool'",
    ),
    (
        "torch.empty(3).geometric_()",
        TypeError,
        'geometric_() missing 1 required positional arguments: "p"',
    ),
    (
        "torch.empty(3).log_normal_(1, 0)",
        RuntimeError,
        "log_normal_ expects std > 0.0, but found std=0",
    ),
    (
        "torch.zeros(3, dtype=torch.int16).log_normal_()",
        NotImplementedError,
        "\"log_normal_cpu\" not implemented for 'Short'",
    ),
    (
        "torch.empty(3).cauchy_(0, -1)",
        RuntimeError,
        "cauchy_ expects sigma > 0.0, but found sigma=-1",
    ),
    (
        "torch.zeros(3, dtype=torch.int64).cauchy_()",
        RuntimeError,
        "Cauchy distribution is a continuous probability distribution. dtype must be a floating "
        "point but you specified long int",
    ),
    (
        "torch.empty(3).bernoulli_(1.5)",
        RuntimeError,
        "bernoulli_ expects p to be in [0, 1], but got p=1.5",
    ),
    (
        "torch.empty(3).bernoulli_(torch.full((3,), 1.5))",
        RuntimeError,
        "Expected p_in >= 0 && p_in <= 1 to be true, but got false.",
    ),
    (
        "torch.empty(3).bernoulli_(torch.full((2,), 0.5))",
        RuntimeError,
        "The expanded size of the tensor (3) must match the existing size (2) at non-singleton "
        "dimension 0.  Target sizes: [3].  Tensor sizes: [2]",
    ),
    (
        "torch.bernoulli(torch.zeros(3, dtype=torch.int64))",
        NotImplementedError,
        "\"bernoulli_tensor_cpu_p_\" not implemented for 'Long'",
    ),
    (
        "torch.bernoulli(torch.full((3,), 0.5), 2.0)",
        RuntimeError,
        "bernoulli_ expects p to be in [0, 1], but got p=2",
    ),
    (
        "torch.empty(3).random_(5, 2)",
        RuntimeError,
        "random_ expects 'from' to be less than 'to', but got from=5 >= to=2",
    ),
    (
        "torch.zeros(3, dtype=torch.int64).random_(-1)",
        RuntimeError,
        "random_ expects 'from' to be less than 'to', but got from=0 >= to=-1",
    ),
    (
        "torch.empty(3, dtype=torch.int8).random_(0, 200)",
        RuntimeError,
        "to - 1 is out of bounds for signed char",
    ),
    (
        "torch.empty(3).random_(**{'from': 3})",
        TypeError,
        "random_() received an invalid combination of arguments - got (from=int, ), but expected "
        "one of:",
    ),
    (
        "torch.multinomial(torch.ones(3), 4)",
        RuntimeError,
        "cannot sample n_sample > prob_dist.size(-1) samples without replacement",
    ),
    ("torch.multinomial(torch.ones(3), 0)", RuntimeError, "cannot sample n_sample <= 0 samples"),
    ("torch.multinomial(torch.ones(2, 2, 2), 1)", RuntimeError, "prob_dist must be 1 or 2 dim"),
    (
        "torch.multinomial(torch.zeros(3, dtype=torch.int64), 1)",
        RuntimeError,
        "multinomial only supports floating-point dtypes for input, got: Long",
    ),
    (
        "torch.multinomial(torch.tensor([1.0, -1.0]), 1)",
        RuntimeError,
        "probability tensor contains either `inf`, `nan` or element < 0",
    ),
    (
        "torch.multinomial(torch.zeros(3), 1)",
        RuntimeError,
        "invalid multinomial distribution (sum of probabilities <= 0)",
    ),
    (
        "torch.multinomial(torch.tensor([1.0, -1.0]), 3, True)",
        RuntimeError,
        "invalid multinomial distribution (encountering probability entry < 0)",
    ),
    (
        "torch.poisson(torch.zeros(3, dtype=torch.int64))",
        NotImplementedError,
        "\"poisson_cpu\" not implemented for 'Long'",
    ),
    (
        "torch.poisson(torch.tensor([-1.0]))",
        RuntimeError,
        "invalid Poisson rate, expected rate to be non-negative",
    ),
    (
        "torch.normal(0.0, 1.0)",
        TypeError,
        "normal() received an invalid combination of arguments - got (float, float), but expected "
        "one of:\n * (Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = "
        "None)",
    ),
    (
        "torch.normal(torch.zeros(3), 1.0, size=(3,))",
        TypeError,
        "normal() received an invalid combination of arguments - got (Tensor, float, size=tuple)",
    ),
    ("torch.normal(0.0, -1.0, (2,))", RuntimeError, "normal expects std >= 0.0, but found std -1"),
    (
        "torch.normal(torch.zeros(2), -1.0)",
        RuntimeError,
        "normal expects std >= 0.0, but found std -1",
    ),
    (
        "torch.normal(torch.zeros(2), torch.tensor([1.0, -1.0]))",
        RuntimeError,
        "normal expects all elements of std >= 0.0",
    ),
    (
        "torch.normal(torch.zeros(2, 3), torch.ones(6))",
        RuntimeError,
        "The size of tensor a (3) must match the size of tensor b (6) at non-singleton dimension 1",
    ),
    (
        "torch.normal(torch.zeros(2, dtype=torch.int64), 1.0)",
        NotImplementedError,
        "\"normal_kernel_cpu\" not implemented for 'Long'",
    ),
    (
        "torch.randint(10)",
        TypeError,
        "randint() received an invalid combination of arguments - got (int), but expected one of:"
        "\n * (int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, "
        "torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool "
        "pin_memory = False, bool requires_grad = False)",
    ),
    (
        "torch.randint(2.5, (3,))",
        TypeError,
        "randint(): argument 'high' (position 1) must be int, not float",
    ),
    (
        "torch.randint(3, 5)",
        TypeError,
        "randint(): argument 'size' (position 2) must be tuple of ints, not int",
    ),
    (
        "torch.randint(5, 2, (3,))",
        RuntimeError,
        "random_ expects 'from' to be less than 'to', but got from=5 >= to=2",
    ),
    (
        "torch.randint(0, 300, (3,), dtype=torch.uint8)",
        RuntimeError,
        "to - 1 is out of bounds for unsigned char",
    ),
    (
        "torch.randint(0, 10, (3,), requires_grad=True)",
        RuntimeError,
        "Only Tensors of floating point and complex dtype can require gradients",
    ),
    (
        "torch.randint_like(torch.ones(2), 3, 3)",
        RuntimeError,
        "random_ expects 'from' to be less than 'to', but got from=3 >= to=3",
    ),
    (
        "torch.rand(3, dtype=torch.int64)",
        NotImplementedError,
        "\"check_uniform_bounds\" not implemented for 'Long'",
    ),
    (
        "torch.randn(3, dtype=torch.int32)",
        NotImplementedError,
        "\"normal_kernel_cpu\" not implemented for 'Int'",
    ),
    (
        "torch.randperm(-1)",
        RuntimeError,
        "Trying to create tensor with negative dimension -1: [-1]",
    ),
    (
        "torch.randperm(257, dtype=torch.uint8)",
        RuntimeError,
        "value cannot be converted to type uint8_t without overflow",
    ),
    (
        "torch.randperm(2050, dtype=torch.float16)",
        RuntimeError,
        "n cannot be greater than 2049 for Half type.",
    ),
    (
        "torch.randperm(3, dtype=torch.bool)",
        NotImplementedError,
        "\"randperm\" not implemented for 'Bool'",
    ),
    (
        "torch.randperm(3, requires_grad=True)",
        RuntimeError,
        "Only Tensors of floating point and complex dtype can require gradients",
    ),
]


@pytest.mark.parametrize("code,exc,message", ERRORS, ids=[e[0] for e in ERRORS])
def test_error_messages(torch, code, exc, message):
    with pytest.raises(exc, match=re.escape(message)):
        eval(code, {"torch": torch})


def test_failed_argument_checks_draw_nothing(torch):
    torch.manual_seed(0)
    expected = torch.rand(3)
    torch.manual_seed(0)
    for code, exc, _ in ERRORS:
        if "requires_grad=True" in code:
            continue  # PyTorch draws, then refuses requires_grad for an integer dtype
        with pytest.raises(exc):
            eval(code, {"torch": torch})
    assert torch.equal(torch.rand(3), expected)


# ------------------------------------------------------------------------------ JAX keys
@pytest.mark.torchlike_only
def test_jax_key_from_generator(torch):
    import jax

    g = torch.Generator().manual_seed(0)
    k1, k2 = torch.random.jax_key(g), torch.random.jax_key(g)
    again = torch.random.jax_key(torch.Generator().manual_seed(0))
    assert jax.numpy.array_equal(jax.random.key_data(k1), jax.random.key_data(again))
    assert not jax.numpy.array_equal(jax.random.key_data(k1), jax.random.key_data(k2))
    # one key costs the stream what ``random_()`` on a one-element int64 tensor costs
    a, b = torch.Generator().manual_seed(4), torch.Generator().manual_seed(4)
    torch.random.jax_key(a)
    torch.empty(1, dtype=torch.int64).random_(generator=b)
    assert torch.equal(torch.rand(5, generator=a), torch.rand(5, generator=b))
    torch.manual_seed(1)
    assert jax.random.normal(torch.random.jax_key(), (3,)).shape == (3,)


@pytest.mark.parametrize("name, args", [("rand_like", ()), ("randint_like", (3, 10))])
def test_like_samplers_fill_a_transposed_input_in_memory_order(torch, name, args):
    """PyTorch's result keeps the input's layout and its generator fills it in memory order."""
    t = torch.zeros(2, 3, 4).permute(2, 0, 1)
    torch.manual_seed(0)
    r = getattr(torch, name)(t, *args)
    assert r.shape == t.shape and r.stride() == t.stride()
    torch.manual_seed(0)
    flat = getattr(torch, name)(t.contiguous(), *args)  # the same stream, row-major
    assert r.permute(1, 2, 0).flatten().tolist() == flat.flatten().tolist()
    torch.manual_seed(0)
    kept = getattr(torch, name)(t, *args, memory_format=torch.contiguous_format)
    assert kept.flatten().tolist() == flat.flatten().tolist()
