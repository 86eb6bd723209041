"""Run every example under torchlike and check its output against real PyTorch's.

How the check works:

* ``examples/expected/<name>.txt`` is the stdout of ``python examples/<name>.py --torch``,
  i.e. of the same script run with real PyTorch 2.13.0. It is generated, never hand-edited:
  ``python examples/run_examples.py --update`` rewrites it (needs torch installed).
* ``python examples/run_examples.py`` runs each ``examples/<name>.py`` that has an expected file
  (with torchlike, the scripts' default) and compares stdout to the expected text line by line,
  exactly. Nothing is masked: torchlike's random generator reproduces PyTorch's CPU streams
  bit for bit, so even the random tensors must print identically. Scripts print names instead
  of anything that legitimately differs between runs (object addresses).
* ``--torch`` runs the scripts with real PyTorch instead, to confirm the expected files are
  current. The exit status is non-zero if any example fails, crashes or has no expected file.

Usage: ``python examples/run_examples.py [--torch | --update] [NAME ...]``.
"""

import argparse
import difflib
import os
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
EXPECTED = EXAMPLES / "expected"
RUNNER = Path(__file__).resolve()


def example_scripts(names):
    scripts = sorted(p for p in EXAMPLES.glob("*.py") if p != RUNNER)
    if names:
        scripts = [p for p in scripts if p.stem in names]
        missing = set(names) - {p.stem for p in scripts}
        if missing:
            sys.exit(f"no such example: {', '.join(sorted(missing))}")
    return scripts


def run(script, use_torch):
    env = dict(os.environ)
    # Make torchlike importable from a source checkout without installing it.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(EXAMPLES.parent), env.get("PYTHONPATH")]))
    argv = [sys.executable, str(script)] + (["--torch"] if use_torch else [])
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=EXAMPLES.parent)


def check(script, use_torch):
    """Return True if the script's stdout equals its expected file, printing why not."""
    expected_file = EXPECTED / f"{script.stem}.txt"
    if not expected_file.exists():
        print(f"FAIL {script.stem}: no {expected_file.relative_to(EXAMPLES.parent)} (run --update)")
        return False
    result = run(script, use_torch)
    if result.returncode != 0:
        print(f"FAIL {script.stem}: exit status {result.returncode}\n{result.stderr}")
        return False
    expected = expected_file.read_text().splitlines()
    actual = result.stdout.splitlines()
    if actual == expected:
        print(f"ok   {script.stem} ({len(actual)} lines)")
        return True
    print(f"FAIL {script.stem}: output differs from {expected_file.name}")
    diff = difflib.unified_diff(expected, actual, "expected (torch)", "actual", lineterm="")
    print("\n".join(diff))
    return False


def update(script):
    result = run(script, use_torch=True)
    if result.returncode != 0:
        print(f"FAIL {script.stem} under torch: exit status {result.returncode}\n{result.stderr}")
        return False
    EXPECTED.mkdir(exist_ok=True)
    (EXPECTED / f"{script.stem}.txt").write_text(result.stdout)
    print(f"wrote expected/{script.stem}.txt")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--torch", action="store_true", help="run the examples with real PyTorch")
    mode.add_argument("--update", action="store_true", help="regenerate expected/ with PyTorch")
    parser.add_argument("names", nargs="*", help="example names (default: all)")
    args = parser.parse_args()
    scripts = example_scripts(args.names)
    if args.update:
        results = [update(s) for s in scripts]
    else:
        results = [check(s, args.torch) for s in scripts]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
