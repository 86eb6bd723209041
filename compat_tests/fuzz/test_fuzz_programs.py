"""Random op programs (float64, broadcasting, views, in-place ops) on torchlike and torch:
every step's value or exception, the final values and the leaves' gradients must agree."""

import _programs as P
import corpus
import pytest
import torch as real_torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import torchlike

PROGRAMS = 100  # sized for the fuzz session's budget (about 0.5 s per program on one core)
_BASE = (2, 3, 4)


def _shape(nd):
    return st.lists(st.booleans(), min_size=nd, max_size=nd).map(
        lambda ones: tuple(1 if o else _BASE[3 - nd + i] for i, o in enumerate(ones))
    )


SHAPES = st.lists(st.integers(0, 3).flatmap(_shape), min_size=1, max_size=3)
STEPS = st.lists(
    st.tuples(
        st.integers(0, len(P.OPS) - 1), st.integers(0, 7), st.integers(0, 7), st.integers(0, 99)
    ),
    min_size=2,
    max_size=10,
)


def check_program(shapes, seed, steps, stats=None):
    """None when both libraries agree, else the difference (raises on an unknown one)."""
    ref = P.run(real_torch, shapes, seed, steps)
    got = P.run(torchlike, shapes, seed, steps)
    diff = P.compare_traces(ref, got)
    if stats is not None:
        stats["programs run"] = stats.get("programs run", 0) + 1
        stats["program steps run"] = stats.get("program steps run", 0) + len(steps)
    if diff is None:
        return None
    names = [P.NAMES[op % len(P.OPS)] for op, *_ in steps]
    diff = f"{diff} ops={names}"
    reason = corpus.known(diff)
    if stats is not None and reason is not None:
        stats["programs with a known difference"] = (
            stats.get("programs with a known difference", 0) + 1
        )
    if reason is None:
        new = f"{diff}\n  program: shapes={shapes} seed={seed} steps={steps}"
        if stats is None:
            raise AssertionError(new)
        stats.setdefault("new program differences", []).append(new)
    return diff


@settings(
    max_examples=PROGRAMS,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(shapes=SHAPES, seed=st.integers(0, 999), steps=STEPS)
def test_random_programs(fuzz_stats, shapes, seed, steps):
    # differences are collected, not raised, so one run lists them all (and nothing shrinks)
    check_program(shapes, seed, steps, fuzz_stats)


def test_random_programs_found_nothing_new(fuzz_stats):
    new = fuzz_stats.get("new program differences", [])
    assert not new, f"{len(new)} new differences:\n" + "\n".join(new[:20])


# ----------------------------------------------------------------------------- the corpus
# programs the fuzzer found: (shapes, seed, steps, reason if still a known difference)
FOUND = [
    # softplus -> unsqueeze -> clamp_ (a view written in place): was a false "modified by an
    # inplace operation" error
    ([(3,)], 0, [(8, 0, 0, 0), (27, 1, 0, 0), (56, 2, 0, 0)], None),
    ([(1, 3)], 1, [(9, 0, 0, 0), (28, 1, 0, 0), (56, 2, 0, 0)], None),
    ([(2, 3, 4)], 3, [(34, 0, 0, 0), (56, 1, 0, 0)], None),
    ([(1, 3, 4), ()], 344, [(59, 7, 6, 95), (45, 4, 2, 57), (39, 3, 5, 67), (0, 6, 6, 51)],
     None),  # copy_ of a leaf: the leaf error before the broadcast, fixed
    ([()], 808, [(3, 0, 6, 78), (61, 4, 7, 54)], None),  # index_fill_ of a 0-d tensor: fixed
    ([(1,), (2, 3, 1)], 876, [(47, 0, 3, 67), (28, 0, 0, 80), (62, 3, 4, 26)],
     None),  # indexing a 0-d tensor: PyTorch's message, fixed
    ([(1, 3, 4)], 275, [(25, 4, 4, 26)], None),  # batched matmul shape message: fixed
    ([(4,), (3, 4)], 267, [(25, 4, 7, 76)], None),  # mm message: fixed
    ([(), (1, 3, 4)], 410, [(33, 6, 4, 1)], None),  # x.permute() on a 0-d tensor: fixed
    ([(), ()], 729, [(44, 7, 6, 27), (26, 0, 2, 97), (44, 6, 6, 47)], None),  # dim 0 of a scalar
    ([(1, 1), (1, 1)], 386, [(10, 0, 1, 95), (52, 7, 1, 8), (50, 6, 1, 32), (40, 7, 0, 58),
                             (4, 3, 2, 74)], None),  # relu(nan): fixed
    ([(1, 3, 4), (1, 1, 4)], 225,
     [(42, 5, 4, 23), (34, 3, 4, 25), (15, 5, 1, 35), (5, 7, 1, 83), (36, 5, 3, 49),
      (61, 4, 0, 41), (11, 5, 4, 31), (21, 1, 1, 31)], "view of a view"),
    # index_fill_ of an expanded result: PyTorch warns and fills (was the overlap error)
    ([(1,), ()], 18, [(17, 3, 7, 54), (19, 6, 6, 24), (7, 4, 0, 61), (19, 2, 7, 69),
                      (37, 5, 4, 35), (25, 0, 4, 36), (61, 6, 1, 83), (56, 1, 6, 58)], None),
    # setitem of a [1, 3] value into a row of 4: the message names the value's sizes without
    # their leading 1s, as PyTorch's
    ([(3, 4), (3, 4), ()], 106, [(44, 0, 4, 57), (30, 1, 0, 92), (26, 3, 0, 26),
                                 (62, 7, 5, 47)], None),
    # (with the ops appended to _programs.OPS) several saved tensors modified in place: the
    # error names the one PyTorch's engine meets first
    ([(1, 4)], 558, [(49, 3, 3, 2), (11, 0, 3, 0), (56, 2, 7, 48), (17, 2, 2, 78),
                     (74, 1, 1, 60), (82, 7, 2, 87), (53, 3, 5, 29), (77, 6, 2, 75),
                     (65, 1, 2, 94), (99, 1, 6, 28)], None),
    # sort of an empty result (was NumPy's reshape ValueError)
    ([(4,)], 660, [(89, 3, 5, 59), (75, 6, 4, 95), (85, 6, 1, 31), (43, 3, 3, 19),
                   (73, 1, 2, 39)], None),
    # a chunk's output used after its base was written: PyTorch's multi-output view error
    ([(1, 4)], 692, [(11, 4, 3, 1), (27, 5, 7, 59), (105, 1, 7, 57), (85, 1, 0, 70),
                     (60, 7, 7, 48), (92, 5, 7, 14)], None),
    # cat of 0-d tensors, addcmul's three-operand broadcast: PyTorch's messages
    ([()], 167, [(63, 0, 0, 39)], None),
    ([(2, 1, 4)], 284, [(83, 7, 7, 27), (83, 7, 7, 27), (24, 2, 4, 29)], None),
]  # fmt: skip


@pytest.mark.parametrize(
    "shapes, seed, steps, reason",
    [
        pytest.param(*f, marks=[pytest.mark.xfail(strict=True, reason=f[3])] if f[3] else [])
        for f in FOUND
    ],
)
def test_found_programs(shapes, seed, steps, reason):
    ref = P.run(real_torch, shapes, seed, steps)
    got = P.run(torchlike, shapes, seed, steps)
    assert P.compare_traces(ref, got) is None
