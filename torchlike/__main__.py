"""``python -m torchlike``: run unmodified PyTorch code on torchlike.

python -m torchlike script.py [args ...]    # as `python script.py`, with torch = torchlike
python -m torchlike -c "import torch; ..."  # as `python -c`
python -m torchlike -m package.module [args ...]
python -m torchlike --check PATH ...        # porting report: torch APIs torchlike lacks
python -m torchlike --check-run script.py   # run it and list the missing APIs it hit
"""

from __future__ import annotations

import os
import sys

from torchlike import _missing, _porting, _runner

USAGE = """\
usage: python -m torchlike [--check-run] (script.py | -c command | -m module | -) [args ...]
       python -m torchlike --check PATH ...

Runs a PyTorch program unchanged: `import torch` and every `torch.*` import resolve to torchlike.
  script.py      run a file (or a directory / zip with __main__.py), as `python script.py`
  -c command     run a string, as `python -c`
  -m module      run a module, as `python -m`
  -              read the program from stdin
  --check PATH   list the torch APIs the code under PATH (.py, .ipynb, directories) uses that
                 torchlike does not provide yet; runs nothing
  --check-run    run the program and list, at exit, the missing torch APIs it actually hit
"""


def _usage_error(message: str) -> int:
    print(f"python -m torchlike: {message}\n\n{USAGE}", file=sys.stderr, end="")
    return 2


def _check(paths: list[str]) -> int:
    return _porting.main(paths)


def _enable_run_check() -> None:
    _missing.enable()


def _option_value(argv: list[str], flag: str) -> tuple[str | None, list[str]]:
    """``-c CODE rest`` or ``-cCODE rest`` (both spellings python accepts)."""
    head = argv[0]
    if head != flag:
        return head[len(flag) :], argv[1:]
    if len(argv) < 2:
        return None, []
    return argv[1], argv[2:]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        return _usage_error("no program given")
    if argv[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0
    if argv[0] == "--check":
        if len(argv) < 2:
            return _usage_error("--check needs at least one path")
        return _check(argv[1:])
    if argv[0] == "--check-run":
        argv = argv[1:]
        if not argv:
            return _usage_error("--check-run needs a program to run")
        _enable_run_check()

    head = argv[0]
    if head.startswith("-c"):
        command, args = _option_value(argv, "-c")
        if command is None:
            return _usage_error("argument expected for the -c option")
        run = lambda: _runner.run_command(command, args)
    elif head.startswith("-m"):
        module, args = _option_value(argv, "-m")
        if module is None:
            return _usage_error("argument expected for the -m option")
        run = lambda: _runner.run_module(module, args)
    elif head == "-":
        run = lambda: _runner.run_command(sys.stdin.read(), argv[1:], filename="<stdin>", argv0="-")
    elif head.startswith("-"):
        return _usage_error(f"unknown option {head}")
    else:
        if not os.path.exists(head):
            # python's own wording and exit status for a missing script
            print(
                f"{sys.orig_argv[0]}: can't open file {os.path.abspath(head)!r}: "
                f"[Errno 2] No such file or directory",
                file=sys.stderr,
            )
            return 2
        run = lambda: _runner.run_path(head, argv[1:])

    _runner.install()
    try:
        run()
    except SystemExit:
        raise
    except BaseException as error:  # noqa: B036 - reported the way the interpreter reports it
        _runner.print_user_traceback(error)
        return 130 if isinstance(error, KeyboardInterrupt) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
