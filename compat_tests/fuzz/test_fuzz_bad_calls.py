"""Wrong calls (and their right neighbours) on torchlike and torch: the same exception type and
message, or the same value.  The catalogue is enumerated (the corpus: what differs today is
marked xfail(strict=True) with its class, from known_bad_calls.json); the hypothesis run draws
further argument combinations of the reduction and view families."""

import json
from pathlib import Path

import _bad_calls as B
import _diff as D
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BAD_CALLS = 120
_KNOWN = json.loads((Path(__file__).parent / "known_bad_calls.json").read_text())


def _param(label, fn):
    reason = _KNOWN["catalogue"].get(label)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(fn, id=label, marks=marks)


@pytest.mark.parametrize("fn", [_param(label, fn) for label, fn in B.catalogue()])
def test_catalogue(fuzz_stats, fn):
    cls, ref, got = D.compare(fn)
    fuzz_stats["catalogue calls"] = fuzz_stats.get("catalogue calls", 0) + 1
    if ref[0] == "error":
        fuzz_stats["catalogue wrong calls"] = fuzz_stats.get("catalogue wrong calls", 0) + 1
    assert cls == "same", f"{cls}: torch {ref[1]!r} vs torchlike {got[1]!r}"


_SPACES = B.random_calls()
_CALLS = st.sampled_from(sorted(_SPACES)).flatmap(
    lambda fam: st.sampled_from(_SPACES[fam]).map(lambda args: (fam, args))
)


def _signature(family, args, cls, ref):
    return f"{family}:{args[0]}:{cls}:{ref[1].type if ref[0] == 'error' else 'ok'}"


@settings(
    max_examples=BAD_CALLS,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(call=_CALLS)
def test_random_bad_calls(fuzz_stats, call):
    family, args = call
    cls, ref, got = D.compare(B.call(family, args))
    fuzz_stats["random calls"] = fuzz_stats.get("random calls", 0) + 1
    if ref[0] == "error":
        fuzz_stats["random wrong calls"] = fuzz_stats.get("random wrong calls", 0) + 1
    if cls == "same":
        return
    signature = _signature(family, args, cls, ref)
    fuzz_stats["random calls with a known difference"] = (
        fuzz_stats.get("random calls with a known difference", 0) + 1
    )
    if signature not in _KNOWN["random"]:
        fuzz_stats.setdefault("new bad-call differences", []).append(
            f"{signature} for {family}{args}: torch {ref[1]!r} vs torchlike {got[1]!r}"
        )


def test_random_bad_calls_found_nothing_new(fuzz_stats):
    new = fuzz_stats.get("new bad-call differences", [])
    assert not new, f"{len(new)} new differences:\n" + "\n".join(new[:20])
