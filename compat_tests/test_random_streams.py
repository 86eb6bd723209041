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

pytestmark = pytest.mark.torchlike_only

_DATA = np.load(pathlib.Path(__file__).parent / "data" / "random_streams.npz")
_INDEX = json.loads(_DATA["_index_json"].tobytes())


def _dtype(name):
    return dtypes.bool_ if name == "bool" else getattr(dtypes, name)


def _run_call(gen, call):
    kind, dtype = call[0], _dtype(call[-1])
    if kind == "rand":
        return gen._rand(tuple(call[1]), dtype)
    if kind == "randn":
        return gen._randn(tuple(call[1]), dtype)
    if kind == "randint":
        return gen._randint(call[1], call[2], tuple(call[3]), dtype)
    if kind == "randperm":
        return gen._randperm(call[1], dtype)
    raise ValueError(kind)


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
        assert out.dtype == _dtype(call[-1])._np, (case, i)
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
