"""The porting report: which torch APIs a program uses that torchlike does not provide yet.

    python -m torchlike --check script.py notebook.ipynb project/    # static; runs nothing
    python -m torchlike --check-run script.py                        # what a run actually hit
    python -m torchlike._porting --api-table --output torchlike/SUPPORTED_APIS.md

``--check`` reads the code's AST: it follows ``import torch``, ``import torch as T``,
``from torch import nn``, ``import torch.nn.functional as F``, ``from torch.nn import functional
as F`` and attribute chains on those names (``torch.cuda.amp.autocast``), and asks torchlike for
each dotted name.  What static reading cannot know (methods called on a tensor, names built at
run time) it does not guess; ``--check-run`` (``torchlike/_missing.py``) covers those.

"torchlike has torch.a.b.c" means: starting at the ``torchlike`` package, each part is an
attribute of the previous object, or a submodule that imports (``torchlike.a.b``), as
``import torch.a.b`` followed by ``torch.a.b.c`` would find it.

``--api-table`` compares torchlike against ``_data/torch_api_2_13.txt``, the public names of
PyTorch 2.13 (written once by ``_data/make_torch_api.py`` from real torch; torchlike never
imports torch), and writes the markdown table of what torchlike has and has not yet.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import sys
import textwrap
import types
from dataclasses import dataclass
from pathlib import Path

from torchlike import _missing

API_LIST = Path(__file__).with_name("_data") / "torch_api_2_13.txt"
API_TABLE = Path(__file__).with_name("SUPPORTED_APIS.md")
REGENERATE = "python -m torchlike._porting --api-table --output torchlike/SUPPORTED_APIS.md"

_SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints", "site-packages", "node_modules"}


# -- does torchlike have torch.a.b.c? -------------------------------------------------------

_resolved: dict[str, bool] = {}


def has(dotted: str) -> bool:
    """Whether torchlike provides the torch API ``dotted`` (e.g. ``"torch.nn.functional.relu"``)."""
    if dotted not in _resolved:
        _resolved[dotted] = resolves("torchlike", dotted)
    return _resolved[dotted]


def resolves(root: str, dotted: str) -> bool:
    """Whether the torch name ``dotted`` exists in the package ``root`` standing for torch.

    Either way of reaching it counts: attribute by attribute (``torch.autograd.gradcheck`` is a
    function), or through the longest prefix that imports as a module (``from
    torch.autograd.gradcheck import GradcheckError`` finds the module of the same name).
    """
    parts = dotted.split(".")
    if parts[0] != "torch":
        raise ValueError(f"not a torch name: {dotted!r}")
    return _by_attributes(root, parts) or _by_import(root, parts)


def _by_import(root, parts):
    for end in range(len(parts), 1, -1):
        try:
            obj = importlib.import_module(".".join([root, *parts[1:end]]))
        except ImportError:
            continue
        for part in parts[end:]:
            try:
                obj = getattr(obj, part)
            except Exception:  # AttributeError, or a property that raises
                return False
        return True
    return False


def _by_attributes(root, parts):
    obj = importlib.import_module(root)
    for part in parts[1:]:
        try:
            obj = getattr(obj, part)
            continue
        except AttributeError:
            pass
        except Exception:  # a property that raises: not usable as written
            return False
        if not (isinstance(obj, types.ModuleType) and hasattr(obj, "__path__")):
            return False
        try:
            obj = importlib.import_module(f"{obj.__name__}.{part}")
        except ImportError:
            return False
    return True


def _nearest_supported(parent: str, name: str) -> str | None:
    """The missing-name error's hint, where ``parent`` is a module torchlike has."""
    if not has(parent):
        return None
    module = importlib.import_module("torchlike")
    for part in parent.split(".")[1:]:
        module = getattr(module, part, None)
    if not isinstance(module, types.ModuleType):
        return None
    return _missing.nearest_supported(module, name)


# -- the static report ----------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Use:
    """One use of a torch API: its dotted torch name and where (``file:line``)."""

    api: str
    where: str


class _TorchNames(ast.NodeVisitor):
    """Collect the torch APIs a module's AST names, through its torch imports."""

    def __init__(self):
        self.aliases: dict[str, str] = {}  # local name -> dotted torch name
        self.uses: list[tuple[str, int]] = []

    def collect(self, tree: ast.AST) -> list[tuple[str, int]]:
        # Imports first, wherever they are (a function's `import torch` still names torch),
        # then the chains that use them.
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                self._import(node)
            elif isinstance(node, ast.ImportFrom):
                self._import_from(node)
        self.visit(tree)
        return self.uses

    def _import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name != "torch" and not alias.name.startswith("torch."):
                continue
            self.uses.append((alias.name, node.lineno))
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                self.aliases["torch"] = "torch"  # `import torch.nn` binds `torch`

    def _import_from(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level or (module != "torch" and not module.startswith("torch.")):
            return
        for alias in node.names:
            if alias.name == "*":
                self.uses.append((module, node.lineno))
                continue
            full = f"{module}.{alias.name}"
            self.uses.append((full, node.lineno))
            self.aliases[alias.asname or alias.name] = full

    def _dotted(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self._dotted(node.value)
            return None if base is None else f"{base}.{node.attr}"
        return None

    def visit_Attribute(self, node: ast.Attribute) -> None:
        dotted = self._dotted(node)
        if dotted is None:
            self.generic_visit(node)
        else:
            # the outermost chain only: torch.nn.functional.relu, not also torch.nn
            self.uses.append((dotted, node.lineno))

    def visit_Call(self, node: ast.Call) -> None:
        # getattr(torch, "name") with a literal name is as good as torch.name
        if (
            isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) == 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            base = self._dotted(node.args[0])
            if base is not None:
                self.uses.append((f"{base}.{node.args[1].value}", node.lineno))
        self.generic_visit(node)


def uses_in_source(source: str, filename: str, names: _TorchNames | None = None) -> list[Use]:
    """Every torch API ``source`` names, with ``filename:line``; SyntaxError if it doesn't parse.

    Pass the same ``names`` for consecutive notebook cells: imports carry over between cells.
    """
    names = _TorchNames() if names is None else names
    names.uses = []
    tree = ast.parse(source, filename=filename)
    return [Use(api, f"{filename}:{line}") for api, line in names.collect(tree)]


# Cell magics whose body is still Python; any other %%magic cell (%%bash, %%html) is skipped.
_PYTHON_CELL_MAGICS = {"%%time", "%%timeit", "%%capture", "%%prun"}


def _notebook_cells(path: Path) -> list[str | None]:
    """The code cells of a notebook, IPython magics and shell lines blanked (line numbers kept).

    ``None`` stands for a cell that is not Python (markdown, ``%%bash``), to keep cell numbers.
    """
    cells: list[str | None] = []
    for cell in json.loads(path.read_text(encoding="utf-8")).get("cells", []):
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        first = source.lstrip().split(None, 1)[0] if source.strip() else ""
        if cell.get("cell_type") != "code" or (
            first.startswith("%%") and first not in _PYTHON_CELL_MAGICS
        ):
            cells.append(None)
            continue
        lines = [
            "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
        ]
        cells.append("\n".join(lines))
    return cells


def uses_in_file(path: Path, display: str, problems: list[str]) -> list[Use]:
    """The torch API uses in one .py or .ipynb file; unreadable parts are noted in ``problems``."""
    if path.suffix == ".ipynb":
        try:
            cells = _notebook_cells(path)
        except (OSError, ValueError) as error:
            problems.append(f"{display}: not a readable notebook ({error})")
            return []
        uses = []
        names = _TorchNames()
        for number, source in enumerate(cells, start=1):
            if source is None:
                continue
            try:
                uses += uses_in_source(source, f"{display}:cell {number}", names)
            except SyntaxError as error:
                problems.append(
                    f"{display}:cell {number}:{error.lineno}: not Python, skipped ({error.msg})"
                )
        return uses
    try:
        return uses_in_source(path.read_text(encoding="utf-8"), display)
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"{display}: unreadable ({error})")
    except SyntaxError as error:
        problems.append(f"{display}:{error.lineno}: syntax error, skipped ({error.msg})")
    return []


def source_files(paths: list[str]) -> list[Path]:
    """The .py and .ipynb files named by ``paths``; directories are searched recursively."""
    files = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                files += [Path(root, n) for n in sorted(names) if n.endswith((".py", ".ipynb"))]
        elif path.exists():
            files.append(path)
        else:
            raise FileNotFoundError(name)
    return files


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def torch_api_names() -> dict[str, list[str]]:
    """PyTorch 2.13's public names by module, from the committed list."""
    names: dict[str, list[str]] = {}
    for line in API_LIST.read_text().splitlines():
        if line and not line.startswith("#"):
            module, name = line.split()
            names.setdefault(module, []).append(name)
    return names


def report(paths: list[str]) -> tuple[str, int]:
    """The porting report for ``paths`` and its exit status (0: nothing missing, 1: some)."""
    files = source_files(paths)
    problems: list[str] = []
    uses = sorted({u for f in files for u in uses_in_file(f, _display(f), problems)})
    missing = [u for u in uses if not has(u.api)]
    known = {m: set(ns) for m, ns in torch_api_names().items()}

    lines = []
    by_api: dict[str, list[str]] = {}
    for use in missing:
        by_api.setdefault(use.api, []).append(use.where)
    groups: dict[str, list[str]] = {}
    for api in by_api:
        groups.setdefault(api.rpartition(".")[0] or api, []).append(api)
    if missing:
        lines.append("torch APIs this code uses that torchlike does not provide yet:")
    width = max((len(api) for api in by_api), default=0)
    for group in sorted(groups):
        lines.append("")
        lines.append(f"{group}")
        for api in groups[group]:
            parent, _, name = api.rpartition(".")
            notes = []
            if parent in known and name not in known[parent]:
                notes.append("not in PyTorch 2.13 either")
                # a typo or an old name: the missing-name error's hint helps; for a real
                # PyTorch API a look-alike would only mislead
                hint = _nearest_supported(parent, name)
                if hint is not None:
                    notes.append(f"nearest supported: {hint}")
            note = f"  ({'; '.join(notes)})" if notes else ""
            lines.append(f"  {api:<{width}}  {', '.join(by_api[api])}{note}")
    if problems:
        lines.append("")
        lines += [f"warning: {p}" for p in problems]
    if lines:
        lines.append("")
    files_hit = {u.where.split(":")[0] for u in missing}
    if missing:
        lines.append(
            f"{len(missing)} use{'s' if len(missing) != 1 else ''} of {len(by_api)} "
            f"missing torch API{'s' if len(by_api) != 1 else ''} in {len(files_hit)} of "
            f"{len(files)} file{'s' if len(files) != 1 else ''} "
            f"({len(uses)} torch API uses checked)"
        )
    else:
        lines.append(
            f"no missing torch APIs: torchlike provides all {len(uses)} torch API uses "
            f"in {len(files)} file{'s' if len(files) != 1 else ''}"
        )
    return "\n".join(lines), 1 if missing else 0


# -- the table of supported APIs ------------------------------------------------------------


def _name_list(names: list[str]) -> str:
    text = ", ".join(f"`{n}`" for n in names) if names else "—"
    return textwrap.fill(text, width=100, break_long_words=False, break_on_hyphens=False)


def api_table() -> str:
    """Markdown: for each covered torch module, what torchlike has and has not yet."""
    modules = torch_api_names()
    status = {m: {n: has(f"{m}.{n}") for n in names} for m, names in modules.items()}
    out = [
        "# torch APIs in torchlike",
        "",
        "Which public names of PyTorch 2.13 torchlike provides, module by module. Generated from",
        "`torchlike/_data/torch_api_2_13.txt` by",
        "",
        f"    {REGENERATE}",
        "",
        "(never edited by hand; `compat_tests/test_porting.py` fails when it is out of date).",
        "`torch.Tensor` lists Tensor's methods and properties. To see what *your* code needs, run",
        "`python -m torchlike --check your_script.py`.",
        "",
        "| module | have | not yet | coverage |",
        "|---|---:|---:|---:|",
    ]
    total_have = total = 0
    for module, names in status.items():
        have = sum(names.values())
        total_have += have
        total += len(names)
        out.append(f"| `{module}` | {have} | {len(names) - have} | {100 * have // len(names)}% |")
    out.append(f"| all | {total_have} | {total - total_have} | {100 * total_have // total}% |")
    for module, names in status.items():
        have = [n for n, ok in names.items() if ok]
        lacking = [n for n, ok in names.items() if not ok]
        out += [
            "",
            f"## `{module}`",
            "",
            f"**Have ({len(have)}):**",
            _name_list(have),
            "",
            f"**Not yet ({len(lacking)}):**",
            _name_list(lacking),
        ]
    return "\n".join(out) + "\n"


# -- command line ---------------------------------------------------------------------------

USAGE = """\
usage: python -m torchlike --check PATH ...
       python -m torchlike._porting --api-table [--output FILE]
"""


def main(argv: list[str] | None = None) -> int:
    """``--check`` entry point: ``argv`` is the paths (a leading ``--check`` is accepted too)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0
    if argv and argv[0] == "--api-table":
        table = api_table()
        if argv[1:2] == ["--output"] and len(argv) == 3:
            Path(argv[2]).write_text(table)
        elif len(argv) == 1:
            sys.stdout.write(table)
        else:
            print(USAGE, end="", file=sys.stderr)
            return 2
        return 0
    if argv and argv[0] == "--check":
        argv = argv[1:]
    if not argv:
        print(USAGE, end="", file=sys.stderr)
        return 2
    try:
        text, status = report(argv)
    except FileNotFoundError as error:
        print(f"python -m torchlike --check: no such file or directory: {error}", file=sys.stderr)
        return 2
    print(text)
    return status


if __name__ == "__main__":
    sys.exit(main())
