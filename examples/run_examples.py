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
* Notebooks (``examples/<name>.ipynb``) are executed the same way through a Jupyter kernel
  (nbclient; ``pip install -e '.[notebook]'``). They are plain PyTorch code whose first cell
  says ``%load_ext torchlike``; with ``--torch`` / ``--update`` that line is dropped from the
  executed copy, so the kernel's ``import torch`` is the real one. Each code cell's outputs
  (stdout, the cell's value, an error's name and message) are written under a ``# In[n]``
  header to ``expected/<name>.ipynb.txt``. An object address (``at 0x…``) in any output fails
  the check, as it would differ from run to run.
* Each script is also run as ``python -m torchlike examples/<name>.py --torch``: its PyTorch
  branch, unmodified, on torchlike through the drop-in runner, against the same expected file.
* ``--torch`` runs the examples with real PyTorch instead, to confirm the expected files are
  current. The exit status is non-zero if any example fails, crashes or has no expected file.

Usage: ``python examples/run_examples.py [--torch | --update] [NAME ...]`` (a NAME is an
example's stem, selecting its script and its notebook, or a file name such as ``x.ipynb``).
"""

import argparse
import difflib
import os
import re
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
EXPECTED = EXAMPLES / "expected"
RUNNER = Path(__file__).resolve()


# Anything printed with an address differs from run to run (and between torch and torchlike).
ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]+")


def example_files(names):
    files = sorted(p for p in [*EXAMPLES.glob("*.py"), *EXAMPLES.glob("*.ipynb")] if p != RUNNER)
    if names:
        files = [p for p in files if p.stem in names or p.name in names]
        missing = set(names) - {p.stem for p in files} - {p.name for p in files}
        if missing:
            sys.exit(f"no such example: {', '.join(sorted(missing))}")
    return files


def label(example):
    return example.name if example.suffix == ".ipynb" else example.stem


def expected_path(example):
    return EXPECTED / (
        f"{example.name}.txt" if example.suffix == ".ipynb" else f"{example.stem}.txt"
    )


def _child_env():
    env = dict(os.environ)
    # Make torchlike importable from a source checkout without installing it.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(EXAMPLES.parent), env.get("PYTHONPATH")]))
    # A notebook kernel is started as `python` from PATH: make that this interpreter.
    env["PATH"] = os.pathsep.join(filter(None, [str(Path(sys.executable).parent), env.get("PATH")]))
    return env


def run_script(script, use_torch, via_runner=False):
    """(stdout, None) or (None, why it failed)."""
    argv = [sys.executable, str(script)] + (["--torch"] if use_torch else [])
    if via_runner:
        # The script's own PyTorch branch (`--torch`: plain `import torch`), run unmodified on
        # torchlike by the drop-in runner.
        argv = [sys.executable, "-m", "torchlike", str(script), "--torch"]
    result = subprocess.run(
        argv, capture_output=True, text=True, env=_child_env(), cwd=EXAMPLES.parent
    )
    if result.returncode != 0:
        return None, f"exit status {result.returncode}\n{result.stderr}"
    return result.stdout, None


def _without_extension(source):
    return "\n".join(line for line in source.splitlines() if line.strip() != "%load_ext torchlike")


def _cell_text(index, cell):
    lines = [f"# In[{index}]"]
    for output in cell.outputs:
        if output.output_type == "stream":
            lines.append(output.text.rstrip("\n"))
        elif output.output_type in ("execute_result", "display_data"):
            lines.append(output.data.get("text/plain", "<no text/plain output>"))
        elif output.output_type == "error":
            lines.append(f"{output.ename}: {output.evalue}")
    return "\n".join(lines)


def run_notebook(notebook, use_torch):
    """Execute a notebook in a fresh kernel: (its outputs as text, None) or (None, why not)."""
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
    except ImportError as error:
        return None, f"{error} (notebooks need: pip install -e '.[notebook]')"
    nb = nbformat.read(notebook, as_version=4)
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    if use_torch:
        for cell in code_cells:
            cell.source = _without_extension(cell.source)
    # A last, unreported cell says which module `import torch` gave, so a notebook that silently
    # ran on the real torch (or the other way round) cannot pass.
    probe = nbformat.v4.new_code_cell("import sys; print(sys.modules['torch'].__name__)")
    nb.cells.append(probe)
    saved_env = dict(os.environ)
    os.environ.update(_child_env())  # the kernel inherits this process's environment
    try:
        NotebookClient(
            nb,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(EXAMPLES.parent)}},
        ).execute()
    except CellExecutionError as error:
        return None, str(error)
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
    backend = "".join(o.get("text", "") for o in probe.outputs).strip()
    if backend != ("torch" if use_torch else "torchlike"):
        return None, f"`import torch` gave the module {backend!r}"
    text = "\n".join(_cell_text(i, cell) for i, cell in enumerate(code_cells, start=1)) + "\n"
    return text, None


def run(example, use_torch, via_runner=False):
    """(output text, None), or (None, why it failed)."""
    if example.suffix == ".ipynb":
        output, error = run_notebook(example, use_torch)
    else:
        output, error = run_script(example, use_torch, via_runner)
    if output is not None and ADDRESS.search(output):
        where = ADDRESS.search(output).group()
        return None, f"an object address ({where}) in the output: print names instead"
    return output, error


def check(example, use_torch, via_runner=False):
    """Return True if the example's output equals its expected file, printing why not."""
    name = label(example) + (" (python -m torchlike ... --torch)" if via_runner else "")
    expected_file = expected_path(example)
    if not expected_file.exists():
        print(f"FAIL {name}: no {expected_file.relative_to(EXAMPLES.parent)} (run --update)")
        return False
    output, error = run(example, use_torch, via_runner)
    if error is not None:
        print(f"FAIL {name}: {error}")
        return False
    expected = expected_file.read_text().splitlines()
    actual = output.splitlines()
    if actual == expected:
        print(f"ok   {name} ({len(actual)} lines)")
        return True
    print(f"FAIL {name}: output differs from {expected_file.name}")
    diff = difflib.unified_diff(expected, actual, "expected (torch)", "actual", lineterm="")
    print("\n".join(diff))
    return False


def update(example):
    output, error = run(example, use_torch=True)
    if error is not None:
        print(f"FAIL {label(example)} under torch: {error}")
        return False
    EXPECTED.mkdir(exist_ok=True)
    expected_path(example).write_text(output)
    print(f"wrote expected/{expected_path(example).name}")
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--torch", action="store_true", help="run the examples with real PyTorch")
    mode.add_argument("--update", action="store_true", help="regenerate expected/ with PyTorch")
    parser.add_argument("names", nargs="*", help="example names (default: all)")
    args = parser.parse_args()
    examples = example_files(args.names)
    if args.update:
        results = [update(e) for e in examples]
    else:
        results = [check(e, args.torch) for e in examples]
        if not args.torch:
            results += [check(e, False, via_runner=True) for e in examples if e.suffix == ".py"]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
