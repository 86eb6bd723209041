"""Errors for torch APIs torchlike does not provide yet, and the run-time record of them.

Every public module ends with ``__getattr__ = _missing.module_getattr(__name__)``.  Python calls
a module's ``__getattr__`` only when normal lookup fails (PEP 562), so supported names cost
nothing; a missing one raises an ``AttributeError`` that starts with PyTorch's own text
(``module 'torch.nn' has no attribute 'Foo'``), says torchlike lacks it and names the closest
public name the module does have.  ``hasattr(torch, "foo")`` stays False.

With ``TORCHLIKE_CHECK=1`` in the environment (``python -m torchlike --check-run``) each miss
made by user code is also recorded with its file:line and the list is printed to stderr at
exit: the run-time half of the porting report (``torchlike/_porting.py`` is the static half).

This module imports nothing from torchlike so that any module can use it at its bottom.
"""

from __future__ import annotations

import atexit
import difflib
import dis
import os
import sys
import types

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))

# (torch name, "file:line", how) -> count; filled only when TORCHLIKE_CHECK is set.
_hits: dict[tuple[str, str, str], int] = {}
_report_registered = False

# Instructions that mean "the program used this name" rather than "the program probed for it".
# hasattr()/getattr(m, name, default) reach __getattr__ from a CALL instead.
_USE_OPCODES = {"LOAD_ATTR", "LOAD_METHOD", "IMPORT_FROM", "LOAD_SUPER_ATTR"}


def torch_name(module_name: str) -> str:
    """``torchlike.nn.functional`` -> ``torch.nn.functional``."""
    if module_name == "torchlike" or module_name.startswith("torchlike."):
        return "torch" + module_name[len("torchlike") :]
    return module_name


def public_names(module: types.ModuleType) -> list[str]:
    """Names a user of ``module`` can rely on: no privates, no helper imports like ``math``."""
    names = []
    for name, value in vars(module).items():
        if name.startswith("_"):
            continue
        if isinstance(value, types.ModuleType) and not value.__name__.startswith("torchlike"):
            continue
        names.append(name)
    # a module whose class adds properties (torch.backends.cudnn.benchmark)
    plain = dir(types.ModuleType)
    names += [n for n in dir(type(module)) if not n.startswith("_") and n not in plain]
    return sorted(set(names))


def nearest(name: str, candidates: list[str]) -> str | None:
    """The closest candidate by difflib's ratio, or a case-insensitive equal one (``Tanh``)."""
    folded = {c.lower(): c for c in candidates}
    if name.lower() in folded:
        return folded[name.lower()]
    # 0.8: typos (zeross, rellu, Linearr) but not mere resemblance (compile -> complex64)
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.8)
    return close[0] if close else None


# Probing loops (hasattr in a hot path) must not rerun difflib over a module's names each time.
_messages: dict[tuple[str, str, int], str] = {}


def missing_message(module: types.ModuleType, name: str) -> str:
    key = (module.__name__, name, len(vars(module)))
    if key not in _messages:
        if len(_messages) > 4096:
            _messages.clear()
        _messages[key] = _compose_message(module, name)
    return _messages[key]


def _compose_message(module: types.ModuleType, name: str) -> str:
    where = torch_name(module.__name__)
    text = f"module {where!r} has no attribute {name!r}"
    if name.startswith("_"):
        return text
    text += f"; torchlike does not provide {where}.{name} yet"
    best = nearest_supported(module, name)
    return text if best is None else text + f" (nearest supported: {best})"


def nearest_supported(module: types.ModuleType, name: str) -> str | None:
    """The torch name to suggest for ``module.name``, which torchlike lacks (None: nothing close)."""
    where = torch_name(module.__name__)
    best = nearest(name, public_names(module))
    if best is not None and (
        best.lower() == name.lower() or difflib.SequenceMatcher(None, name, best).ratio() >= 0.9
    ):
        return f"{where}.{best}"  # Tanh for tanh, zeros_ for zeros
    # torch.optim.StepLR: the very name, in another module, beats a look-alike in this one
    elsewhere = _same_name_elsewhere(module, name)
    if elsewhere is not None:
        return elsewhere
    return None if best is None else f"{where}.{best}"


def _same_name_elsewhere(module: types.ModuleType, name: str) -> str | None:
    for other_name, other in sorted(sys.modules.copy().items()):  # copy: atomic vs imports
        if (
            other is module
            or not isinstance(other, types.ModuleType)
            or not (other_name == "torchlike" or other_name.startswith("torchlike."))
            or any(part.startswith("_") for part in other_name.split("."))
        ):
            continue
        value = vars(other).get(name)
        # defined there, not a helper it imported: the name must be public and torchlike's own
        if value is not None and name in public_names(other):
            origin = getattr(value, "__module__", None) or ""
            if not origin or origin.startswith("torchlike"):
                return f"{torch_name(other_name)}.{name}"
    return None


def module_getattr(module_name: str):
    """A PEP 562 ``__getattr__`` for the torchlike module ``module_name``."""

    def __getattr__(name):
        module = sys.modules[module_name]
        if not name.startswith("_") and os.environ.get("TORCHLIKE_CHECK") == "1":
            _record(f"{torch_name(module_name)}.{name}", _caller(sys._getframe(1)))
        # name= for programs that inspect it; no obj=, so Python adds no second "Did you mean"
        raise AttributeError(missing_message(module, name), name=name)

    __getattr__.__qualname__ = f"{module_name}.__getattr__"
    return __getattr__


def _caller(frame):
    """Past a module's own ``__getattr__`` that defers to this one (torch.optim's lazy names)."""
    while (
        frame.f_back is not None
        and frame.f_code.co_name == "__getattr__"
        and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR)
    ):
        frame = frame.f_back
    return frame


def _record(api: str, frame) -> None:
    filename = frame.f_code.co_filename
    # torchlike's own probing and importlib's `from m import name` pre-check are not the
    # program's uses (the IMPORT_FROM that follows an import's pre-check is recorded).
    if filename.startswith("<frozen") or os.path.abspath(filename).startswith(_PACKAGE_DIR):
        return
    how = "used" if _opname(frame) in _USE_OPCODES else "probed"
    key = (api, f"{filename}:{frame.f_lineno}", how)
    _hits[key] = _hits.get(key, 0) + 1
    enable()


def enable() -> None:
    """Record misses from now on and print them at exit (``TORCHLIKE_CHECK=1`` does this)."""
    global _report_registered
    os.environ["TORCHLIKE_CHECK"] = "1"
    if not _report_registered:
        _report_registered = True
        atexit.register(print_report)


def _opname(frame) -> str:
    try:
        return dis.opname[frame.f_code.co_code[frame.f_lasti]]
    except (IndexError, TypeError):
        return ""


def recorded() -> dict[tuple[str, str, str], int]:
    """The misses recorded so far: ``{(torch name, "file:line", "used"|"probed"): count}``."""
    return dict(_hits)


def format_report(hits=None) -> str:
    hits = _hits if hits is None else hits
    used = sorted(k for k in hits if k[2] == "used")
    probed = sorted(k for k in hits if k[2] == "probed")
    lines = []
    if used:
        lines.append("torchlike --check-run: unsupported torch APIs this run used:")
        lines += [f"  {where}: {api} ({hits[api, where, how]}x)" for api, where, how in used]
    if probed:
        lines.append(
            "torchlike --check-run: probed with hasattr/getattr and absent "
            "(the program may cope without them):"
        )
        lines += [f"  {where}: {api} ({hits[api, where, how]}x)" for api, where, how in probed]
    apis = {k[0] for k in used}
    lines.append(
        f"torchlike --check-run: {len(apis)} unsupported torch API"
        f"{'' if len(apis) == 1 else 's'} used, {len({k[0] for k in probed})} probed"
    )
    return "\n".join(lines)


def print_report() -> None:
    print(format_report(), file=sys.stderr)


if os.environ.get("TORCHLIKE_CHECK") == "1":
    enable()
