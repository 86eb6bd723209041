"""Make the name ``torch`` mean torchlike, so unmodified PyTorch code runs on it.

``install()`` puts a finder at the front of ``sys.meta_path`` that answers every import of
``torch`` or ``torch.X.Y`` with the already-imported ``torchlike`` / ``torchlike.X.Y`` module
object itself (not a copy), and registers it in ``sys.modules`` under the torch name, so
``torch.nn is torchlike.nn`` and ``isinstance`` checks agree whichever name the code used.
A torch submodule torchlike lacks fails with a ``ModuleNotFoundError`` saying so; the real
torch is never imported under the alias, even when it is installed.

``run_path`` / ``run_command`` / ``run_module`` run a script, a ``-c`` string or a module as
``python`` would (``sys.argv``, ``sys.path[0]``, a fresh ``__main__``, ``__file__``), and
``print_user_traceback`` drops the runner's own frames so a traceback starts at the user's code.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import os
import runpy
import sys
import types
import zipfile

ALIAS = "torch"
TARGET = "torchlike"


def _target_name(fullname: str) -> str:
    return TARGET + fullname[len(ALIAS) :]


def _is_alias(fullname: str) -> bool:
    return fullname == ALIAS or fullname.startswith(ALIAS + ".")


def _mirror_loaded_modules(skip: str | None = None) -> None:
    """Register every loaded torchlike.* module under its torch.* name (except ``skip``).

    Registering ahead of time keeps the import system from ever loading such a module through
    the finder, which would finish with ``setattr(parent, child, module)``: for names like
    ``torch.autograd.gradcheck`` that would replace the function with the module of that name.
    The finder skips the name it is asked for: finding it in sys.modules, the import system
    would load that module's own spec again, executing a second copy of the module.
    """
    for name, module in list(sys.modules.items()):
        if module is not None and (name == TARGET or name.startswith(TARGET + ".")):
            alias = ALIAS + name[len(TARGET) :]
            if alias != skip:
                sys.modules.setdefault(alias, module)


def _not_provided(fullname: str) -> ModuleNotFoundError:
    return ModuleNotFoundError(
        f"No module named '{fullname}' (torchlike does not provide {fullname} yet)", name=fullname
    )


class _AliasLoader(importlib.abc.Loader):
    """Hands the import system an existing torchlike module instead of making a new one."""

    def __init__(self, module: types.ModuleType):
        self.module = module
        self.original_spec = getattr(module, "__spec__", None)

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        # The import system stamps the alias spec onto the module before calling us; put the
        # module's own spec back so importlib.reload, pickling and tools still see torchlike.
        try:
            module.__spec__ = self.original_spec
        except AttributeError:
            pass


class _AliasFinder(importlib.abc.MetaPathFinder):
    """``sys.meta_path`` entry mapping ``torch`` and ``torch.*`` onto torchlike's modules."""

    def find_spec(self, fullname, path=None, target=None):
        if not _is_alias(fullname):
            return None
        module = _import_target(fullname)
        _mirror_loaded_modules(skip=fullname)
        is_package = hasattr(module, "__path__")
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(module), is_package=is_package)

    def __repr__(self):
        return f"<torchlike alias finder: {ALIAS} -> {TARGET}>"


def _import_target(fullname: str) -> types.ModuleType:
    target = _target_name(fullname)
    try:
        return importlib.import_module(target)
    except ModuleNotFoundError as error:
        # Only a missing torchlike module means "not provided"; a missing third-party module
        # imported by an existing one is a genuine error and passes through unchanged.
        if error.name is None or not (error.name == target or target.startswith(error.name + ".")):
            raise
        # Some torch submodules are plain module objects hung on an attribute of their parent.
        parent_name, _, child = target.rpartition(".")
        parent = sys.modules.get(parent_name)
        candidate = getattr(parent, child, None) if parent is not None else None
        if isinstance(candidate, types.ModuleType):
            return candidate
        raise _not_provided(fullname) from None


_FINDER = _AliasFinder()


def install() -> None:
    """Make ``import torch`` (and every ``torch.*`` submodule) resolve to torchlike.

    Call it at the top of a notebook or a conftest, before anything imports torch; calling it
    again does nothing.  Raises ``RuntimeError`` if the real PyTorch is already imported, since
    code holding that module would silently keep using it.
    """
    current = sys.modules.get(ALIAS)
    target = importlib.import_module(TARGET)
    if current is not None and current is not target:
        raise RuntimeError(
            f"torchlike.install(): the real {ALIAS!r} module is already imported "
            f"({getattr(current, '__file__', current)!r}); call install() before anything "
            f"imports {ALIAS}"
        )
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    _mirror_loaded_modules()
    _alias_in_child_processes()


class _InstallInChild:
    """Unpickled in a spawned child, it installs the alias there (see below)."""

    def __reduce__(self):
        return install, ()


def _alias_in_child_processes() -> None:
    """Make processes started with 'spawn' (``torch.multiprocessing.spawn``, a spawn Pool or
    DataLoader context) see ``torch`` as torchlike too.

    Such a child reads the parent's preparation data and then re-imports the main script as
    ``__mp_main__``, whose ``import torch`` must not reach the real torch.  The data is one
    pickled dict read before any of that runs, so an extra entry whose unpickling calls
    ``install()`` puts the finder in place first; multiprocessing ignores keys it does not know.
    'fork' children inherit the finder with the rest of the process; a 'forkserver' server
    imports the main script before any per-child data arrives, so it is not covered.
    """
    import multiprocessing.spawn as mp_spawn

    current = mp_spawn.get_preparation_data
    if getattr(current, "_torchlike_alias", False):
        return

    def get_preparation_data(name):
        data = current(name)
        data["torchlike_alias"] = _InstallInChild()
        return data

    get_preparation_data._torchlike_alias = True  # type: ignore[attr-defined]
    mp_spawn.get_preparation_data = get_preparation_data


def load_ipython_extension(ipython) -> None:
    """``%load_ext torchlike``: later cells' ``import torch`` gets torchlike."""
    install()


# --- running code as ``python`` would --------------------------------------------------------


def _fresh_main(**attributes) -> types.ModuleType:
    main = types.ModuleType("__main__")
    main.__dict__.update(__builtins__=__import__("builtins"), **attributes)
    sys.modules["__main__"] = main
    return main


def run_path(path: str, args: list[str]) -> None:
    """``python path args…``: a script, or a directory / zip file with a ``__main__.py``."""
    sys.argv[:] = [path, *args]
    if os.path.isdir(path) or (not path.endswith((".py", ".pyw")) and _is_zip(path)):
        sys.path[0] = os.path.abspath(path)
        runpy.run_path(path, run_name="__main__")
        return
    # A plain file is compiled and executed directly (as the interpreter and cProfile do) rather
    # than through runpy.run_path, which would also rewrite sys.argv[0] to the path it is given:
    # python keeps argv[0] as typed while __file__ (and so every traceback) is absolute.
    filename = os.path.abspath(path)
    sys.path[0] = os.path.dirname(os.path.realpath(path))
    with open(filename, "rb") as file:
        source = file.read()
    # dont_inherit: the runner's own ``from __future__`` imports must not leak into the script.
    code = compile(source, filename, "exec", dont_inherit=True)
    loader = importlib.machinery.SourceFileLoader("__main__", filename)
    main = _fresh_main(
        __file__=filename, __loader__=loader, __spec__=None, __package__=None, __cached__=None
    )
    exec(code, main.__dict__)


def _is_zip(path: str) -> bool:
    return os.path.isfile(path) and zipfile.is_zipfile(path)


def run_command(
    command: str, args: list[str], filename: str = "<string>", argv0: str = "-c"
) -> None:
    """``python -c command args…`` (or, with filename ``<stdin>`` and argv0 ``-``, ``python -``)."""
    sys.argv[:] = [argv0, *args]
    sys.path[0] = ""
    code = compile(command, filename, "exec", dont_inherit=True)
    main = _fresh_main(
        __loader__=importlib.machinery.BuiltinImporter, __spec__=None, __package__=None
    )
    exec(code, main.__dict__)


def run_module(name: str, args: list[str]) -> None:
    """``python -m name args…`` (argv[0] becomes the module's file, as there)."""
    sys.argv[:] = ["-m", *args]
    sys.path[0] = os.getcwd()
    runpy.run_module(name, run_name="__main__", alter_sys=True)


def _runner_files() -> set[str]:
    here = os.path.dirname(os.path.abspath(__file__))
    return {
        os.path.join(here, "_runner.py"),
        os.path.join(here, "__main__.py"),
        os.path.abspath(runpy.__file__),
        "<frozen runpy>",
    }


def print_user_traceback(error: BaseException) -> None:
    """Print ``error`` as the interpreter would had the user's code been run by ``python``.

    Frames of the runner (and runpy) are dropped, wherever they are: the leading ones that ran
    the program and the alias finder's, between a user's ``import torch.xyz`` line and the
    ``ModuleNotFoundError`` it raised.  A SyntaxError in the script keeps no frame at all and
    then, as from python, is printed without a "Traceback" header.
    """
    own = _runner_files()
    kept = []
    tb = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename not in own and os.path.abspath(filename) not in own:
            kept.append(tb)
        tb = tb.tb_next
    for entry, following in zip(kept, kept[1:] + [None]):
        entry.tb_next = following
    tb = kept[0] if kept else None
    # The interpreter's hook prints error.__traceback__, not its tb argument: set both.
    sys.excepthook(type(error), error.with_traceback(tb), tb)
