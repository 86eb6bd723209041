"""The wrong-calls table: every call of the catalogue (_bad_calls.py) on torch and torchlike,
classified as in issue 12 (same message / other message / other type / internal / silent).

    python compat_tests/fuzz/wrong_calls_table.py              # the table
    python compat_tests/fuzz/wrong_calls_table.py --details    # and every call that differs
    python compat_tests/fuzz/wrong_calls_table.py --update-corpus
        # rewrite known_bad_calls.json (the xfail list of test_fuzz_bad_calls.py) from this
        # run, including a full enumeration of the random families (a few minutes)

``PYTHONPATH=/path/to/other/checkout`` measures another torchlike with the same catalogue
(how the "before" column of the note was made).  Needs real torch.
"""

import collections
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import _bad_calls as B  # noqa: E402
import _diff as D  # noqa: E402

CLASSES = ["same", "other message", "other type", "internal", "silent"]


def main(argv):
    rows = []
    for label, fn in B.catalogue():
        cls, ref, got = D.compare(fn)
        rows.append((label, cls, ref, got))
    wrong = [r for r in rows if r[2][0] == "error"]
    right = [r for r in rows if r[2][0] == "ok"]
    counts = collections.Counter(r[1] for r in wrong)
    print(f"torchlike {D.torchlike.__file__}")
    print(f"{len(rows)} calls; PyTorch raises on {len(wrong)} (the wrong calls)\n")
    print(f"| {'class (wrong calls)':<22} | {'calls':>5} |")
    print(f"|{'-' * 24}|{'-' * 7}|")
    for cls in CLASSES:
        print(f"| {cls:<22} | {counts.get(cls, 0):>5} |")
    print(f"| {'total':<22} | {len(wrong):>5} |")
    ok = collections.Counter(r[1] for r in right)
    print(f"\nright calls (PyTorch returns): {len(right)}: {dict(ok)}")
    by_family = collections.defaultdict(collections.Counter)
    for label, cls, _ref, _ in wrong:
        by_family[label.split("(")[0]][cls] += 1
    print("\nby family (wrong calls):")
    for fam, c in by_family.items():
        print(f"  {fam:<10} " + ", ".join(f"{k}: {v}" for k, v in sorted(c.items())))
    if "--details" in argv:
        print()
        for label, cls, ref, got in rows:
            if cls != "same":
                print(f"{cls:>13} | {label} | torch {ref[1]!r:.160} | torchlike {got[1]!r:.160}")
    if "--update-corpus" in argv:
        _update_corpus(rows)


def _shown(outcome):
    if outcome[0] == "error":
        return f"{outcome[1].type}: {outcome[1].message.splitlines()[0][:90]}"
    value = outcome[1]
    return f"returns {value[1]} {list(value[2])}" if value[0] == "tensor" else "returns"


def _update_corpus(rows):
    catalogue = {
        label: f"{cls}: torch {_shown(ref)} / torchlike {_shown(got)}"
        for label, cls, ref, got in rows
        if cls != "same"
    }
    random = set()
    for family, space in B.random_calls().items():
        for args in space:
            cls, ref, _ = D.compare(B.call(family, args))
            if cls != "same":
                random.add(f"{family}:{args[0]}:{cls}:{ref[1].type if ref[0] == 'error' else 'ok'}")
    path = HERE / "known_bad_calls.json"
    data = {"catalogue": dict(sorted(catalogue.items())), "random": sorted(random)}
    path.write_text(json.dumps(data, indent=1) + "\n")
    print(f"\nwrote {path}: {len(catalogue)} catalogue entries, {len(random)} random signatures")


if __name__ == "__main__":
    main(sys.argv[1:])
