"""``torchlike.random`` reproduces PyTorch's CPU random streams bit for bit.

The expected values in ``data/random_streams.npz`` were produced by torch 2.13.0 CPU (see
``data/make_random_streams.py``, which also documents every case); this file needs no torch.
Each case seeds a fresh generator and replays a list of sampler calls, so the tests also check
that each call consumes exactly as many words of the stream as PyTorch's does.
"""

import hashlib
import json
import pathlib

import numpy as np
import pytest

import torchlike._dtype as dtypes
import torchlike.random as tr

pytestmark = [
    pytest.mark.torchlike_only,
    # randint beyond a float dtype's exact-integer range warns, as in PyTorch
    pytest.mark.filterwarnings("ignore:to - 1 is out of bounds:UserWarning"),
]

_DATA = np.load(pathlib.Path(__file__).parent / "data" / "random_streams.npz")
_INDEX = json.loads(_DATA["_index_json"].tobytes())


def _dtype(name):
    return dtypes.bool_ if name == "bool" else getattr(dtypes, name)


def _run_call(gen, call):
    """Replays one call spec of ``data/make_random_streams.py`` on a torchlike Generator."""
    kind, args = call[0], call[1:]
    if kind == "state":
        return gen._get_state_np()
    dtype = _dtype(args[-1])
    if kind == "rand":
        return gen._rand(tuple(args[0]), dtype)
    if kind == "randn":
        return gen._randn(tuple(args[0]), dtype)
    if kind == "randint":
        return gen._randint(args[0], args[1], tuple(args[2]), dtype)
    if kind == "randperm":
        return gen._randperm(args[0], dtype)
    if kind == "random_":
        return gen._random(tuple(args[0]), dtype, args[1], args[2])
    shape = tuple(args[0]) if isinstance(args[0], list) else None
    if kind == "uniform_":
        return gen._uniform(shape, dtype, *args[1:3])
    if kind == "normal_":
        return gen._normal_fill(shape, dtype, *args[1:3])
    if kind == "exponential_":
        return gen._exponential(shape, dtype, args[1])
    if kind == "geometric_":
        return gen._geometric(shape, dtype, args[1])
    if kind == "log_normal_":
        return gen._log_normal(shape, dtype, *args[1:3])
    if kind == "cauchy_":
        return gen._cauchy(shape, dtype, *args[1:3])
    if kind == "bernoulli_":
        return gen._bernoulli_scalar(shape, dtype, args[1])
    as_array = lambda values: _tensor_like(values, dtype)
    if kind == "bernoulli":
        return gen._bernoulli_tensor(as_array(args[0]))
    if kind == "normal_tf":
        return gen._normal(as_array(args[0]), args[1])
    if kind == "normal_ft":
        return gen._normal(args[0], as_array(args[1]))
    if kind == "normal_tt":
        return gen._normal(as_array(args[0]), as_array(args[1]))
    if kind == "normal_ff":
        return gen._normal(args[0], args[1], tuple(args[2]), dtype)
    if kind == "multinomial":
        return gen._multinomial(as_array(args[0]), args[1], args[2])
    if kind == "poisson":
        return gen._poisson(as_array(args[0]))
    raise ValueError(kind)


def _tensor_like(values, dtype):
    """``torch.tensor(values, dtype=dtype)`` as NumPy (16-bit floats go through float32)."""
    array = np.array(values, dtype=np.float64)
    if dtype.itemsize == 2:
        array = array.astype(np.float32)
    return array.astype(dtype._np)


def _bits(a):
    a = np.ascontiguousarray(a)
    if a.dtype == np.bool_:
        return a.astype(np.uint8)
    if a.dtype.kind in "fiV" or a.dtype.name == "bfloat16":
        return a.view(f"u{a.dtype.itemsize}")
    return a


@pytest.mark.parametrize("case", sorted(_INDEX))
def test_stream_matches_torch(case):
    spec = _INDEX[case]
    gen = tr.Generator().manual_seed(spec["seed"])
    for i, (call, expected) in enumerate(zip(spec["calls"], spec["results"])):
        out = _run_call(gen, call)
        assert list(out.shape) == expected["shape"], (case, i)
        assert out.dtype == _dtype(expected["dtype"])._np, (case, i)
        bits = _bits(out).reshape(-1)
        key = f"{case}/{i}"
        if key in _DATA:
            np.testing.assert_array_equal(bits, _DATA[key], err_msg=f"{case} call {i}: {call}")
        else:
            np.testing.assert_array_equal(bits[:8], _DATA[key + "/head"], err_msg=key)
            np.testing.assert_array_equal(bits[-8:], _DATA[key + "/tail"], err_msg=key)
        assert hashlib.sha256(bits.tobytes()).hexdigest() == expected["sha256"], (case, i, call)


def test_module_level_seeding_uses_default_generator():
    gen = tr.manual_seed(1234)
    assert gen is tr.default_generator
    assert tr.initial_seed() == 1234
    first = tr.default_generator._rand((4,), dtypes.float32)
    assert np.array_equal(tr.Generator().manual_seed(1234)._rand((4,), dtypes.float32), first)


def test_fresh_generator_has_pytorch_default_seed():
    assert tr.Generator().initial_seed() == 67280421310721


def test_seed_returns_new_nondeterministic_seed():
    gen = tr.Generator()
    s = gen.seed()
    assert gen.initial_seed() == s and 0 <= s < 2**64


def test_negative_seed_wraps_modulo_2_64():
    assert tr.Generator().manual_seed(-1).initial_seed() == 2**64 - 1


def test_words_match_across_block_boundaries():
    # Drawing in pieces of every size gives the same stream as drawing at once.
    whole = tr.Generator().manual_seed(9)._words(5000)
    gen = tr.Generator().manual_seed(9)
    pieces, drawn, size = [], 0, 1
    while drawn < 5000:
        take = min(size, 5000 - drawn)
        pieces.append(gen._words(take))
        drawn += take
        size = size * 3 % 1000 + 1
    np.testing.assert_array_equal(np.concatenate(pieces), whole)


def test_torch_state_loads_and_continues_identically():
    blob = _DATA["state_blob"]
    gen = tr.Generator()
    gen._set_state_np(blob)
    np.testing.assert_array_equal(gen._get_state_np(), blob)  # byte-for-byte round trip
    continuation = gen._randn((20,), dtypes.float64).view(np.uint64)
    np.testing.assert_array_equal(continuation, _DATA["state_blob_continuation"])


def test_state_round_trip_restores_stream():
    gen = tr.Generator().manual_seed(5)
    gen._randn((3,), dtypes.float32)  # leaves a cached Box-Muller value
    saved = gen._get_state_np()
    first = gen._randn((50,), dtypes.float32), gen._randn((3,), dtypes.float64)
    gen._rand((2000,), dtypes.float32)
    gen._set_state_np(saved)
    again = gen._randn((50,), dtypes.float32), gen._randn((3,), dtypes.float64)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)


def test_set_state_rejects_bad_states():
    gen = tr.Generator()
    with pytest.raises(RuntimeError, match="Expected a CPUGeneratorImplState of size 5056"):
        gen._set_state_np(np.zeros(10, dtype=np.uint8))
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        gen._set_state_np(np.zeros(5056, dtype=np.uint8))


def test_randperm_large_n_matches_sequential_swaps():
    # The loop-free solution of the Fisher-Yates swaps agrees with replaying them.
    rng = np.random.default_rng(0)
    for n in (2, 3, 17, 1000, 4097):
        for _ in range(5):
            targets = (
                rng.integers(0, 2**32, n - 1) % (n - np.arange(n - 1)) + np.arange(n - 1)
            ).astype(np.int64)
            np.testing.assert_array_equal(tr._solve_swaps(n, targets), tr._replay_swaps(n, targets))


def test_float32_normal_xla_and_numpy_paths_agree():
    words = tr.Generator().manual_seed(3)._words(16 * 8192)
    blocks = words.reshape(-1, 16)
    numpy_result = tr._box_muller_16(np, tr._unit_f32(blocks))
    if tr._xla_usable():
        np.testing.assert_array_equal(np.asarray(tr._box_muller_xla(blocks)), numpy_result)


def test_jax_key_is_deterministic_and_advances_the_stream():
    import jax

    gen = tr.Generator().manual_seed(11)
    key1, key2 = tr.jax_key(gen), tr.jax_key(gen)
    again = tr.Generator().manual_seed(11)
    assert jax.random.key_data(key1).tolist() == jax.random.key_data(tr.jax_key(again)).tolist()
    assert jax.random.key_data(key1).tolist() != jax.random.key_data(key2).tolist()
    # one jax key costs exactly one 64-bit draw (two words)
    ref = tr.Generator().manual_seed(11)
    ref._words(4)
    np.testing.assert_array_equal(gen._words(3), ref._words(3))


def test_seed_errors_match_torch():
    gen = tr.Generator()
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        gen.manual_seed(2**64)
    with pytest.raises(RuntimeError, match="manual_seed expected a long, but got float"):
        gen.manual_seed(1.5)
    assert tr.manual_seed(2.7).initial_seed() == 2  # the module-level function calls int()
