"""``torch.multiprocessing.spawn`` / ``start_processes``: run ``fn(i, *args)`` in ``nprocs``
child processes and turn a child's failure into an exception in the parent.

A child that raises writes its formatted traceback to a per-process file (a one-shot message,
no queue to deadlock on) and exits with status 1; the parent waits on the processes' sentinels
and, at the first failure, stops the others and raises ``ProcessRaisedException`` carrying that
traceback, or ``ProcessExitedException`` for a child that died by a signal or an exit code.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

ENV_VAR_PARALLEL_START = "TORCH_MP_PARALLEL_START"

__all__ = [
    "ProcessContext",
    "ProcessException",
    "ProcessExitedException",
    "ProcessRaisedException",
    "spawn",
    "SpawnContext",
    "start_processes",
]

_log = logging.getLogger(__name__)


class ProcessException(Exception):
    __slots__ = ["error_index", "error_pid"]

    def __init__(self, msg: str, error_index: int, error_pid: int):
        super().__init__(msg)
        self.msg = msg
        self.error_index = error_index
        self.error_pid = error_pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.error_pid)


class ProcessRaisedException(ProcessException):
    """Exception raised when a process failed due to an exception raised by the code."""


class ProcessExitedException(ProcessException):
    """Exception raised when a process failed due to signal or exited with a specific code."""

    __slots__ = ["exit_code"]

    def __init__(
        self,
        msg: str,
        error_index: int,
        error_pid: int,
        exit_code: int,
        signal_name: str | None = None,
    ):
        super().__init__(msg, error_index, error_pid)
        self.exit_code = exit_code
        self.signal_name = signal_name

    def __reduce__(self):
        args = (self.msg, self.error_index, self.error_pid, self.exit_code, self.signal_name)
        return type(self), args


def _set_parent_death_signal():
    # Linux's prctl(PR_SET_PDEATHSIG, SIGINT): a non-daemonic child ends when its parent dies
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGINT), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _child_entry(fn, index, args, error_file):
    _set_parent_death_signal()
    try:
        fn(index, *args)
    except KeyboardInterrupt:
        pass  # the parent interrupted us while stopping the others
    except Exception:
        import traceback

        with open(error_file, "wb") as out:
            pickle.dump(traceback.format_exc(), out)
        sys.exit(1)


class ProcessContext:
    def __init__(self, processes, error_files):
        self.error_files = error_files
        self.processes = processes
        self.sentinels = {process.sentinel: i for i, process in enumerate(processes)}

    def pids(self):
        return [int(process.pid) for process in self.processes]

    def _join_procs_with_timeout(self, timeout: float):
        deadline = time.monotonic() + timeout
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))

    def join(self, timeout: float | None = None, grace_period: float | None = None):
        """Wait for the processes; ``True`` once all ended successfully, ``False`` while some
        still run.  The first one that failed stops the rest (SIGTERM, then SIGKILL after
        ``grace_period`` or 30 s) and its failure is raised here."""
        if not self.sentinels:
            return True
        ready = multiprocessing.connection.wait(list(self.sentinels), timeout=timeout)
        failed = None
        for sentinel in ready:
            index = self.sentinels.pop(sentinel)
            self.processes[index].join()
            if self.processes[index].exitcode != 0:
                failed = index
                break
        if failed is None:
            return not self.sentinels
        self._stop_all(grace_period)
        raise self._failure(failed)

    def _stop_all(self, grace_period):
        if grace_period is not None:
            self._join_procs_with_timeout(grace_period)
        for process in self.processes:
            if process.is_alive():
                _log.warning("Terminating process %s via signal SIGTERM", process.pid)
                process.terminate()
        self._join_procs_with_timeout(30 if grace_period is None else grace_period)
        for process in self.processes:
            if process.is_alive():
                _log.warning(
                    "Unable to shutdown process %s via SIGTERM , forcefully exiting via SIGKILL",
                    process.pid,
                )
                process.kill()
            process.join()

    def _failure(self, index):
        process = self.processes[index]
        error_file = self.error_files[index]
        if os.access(error_file, os.R_OK):
            with open(error_file, "rb") as source:
                trace = pickle.load(source)
            message = f"\n\n-- Process {index:d} terminated with the following error:\n{trace}"
            return ProcessRaisedException(message, index, process.pid)
        code = process.exitcode
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"<Unknown signal {-code}>"
            return ProcessExitedException(
                f"process {index:d} terminated with signal {name}",
                error_index=index,
                error_pid=process.pid,
                exit_code=code,
                signal_name=name,
            )
        return ProcessExitedException(
            f"process {index:d} terminated with exit code {code:d}",
            error_index=index,
            error_pid=process.pid,
            exit_code=code,
        )


class SpawnContext(ProcessContext):
    def __init__(self, processes, error_files):
        warnings.warn("SpawnContext is renamed to ProcessContext since 1.4 release.", stacklevel=2)
        super().__init__(processes, error_files)


def _error_file_name():
    # a fresh name that does not exist yet: the child creates it only when it fails
    handle = tempfile.NamedTemporaryFile(
        prefix="pytorch-errorfile-", suffix=".pickle", delete=False
    )
    handle.close()
    os.unlink(handle.name)
    return handle.name


def start_processes(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """``spawn`` with any start method ('spawn', 'fork', 'forkserver')."""
    context = multiprocessing.get_context(start_method)

    def start(index):
        error_file = _error_file_name()
        process = context.Process(
            target=_child_entry, args=(fn, index, args, error_file), daemon=daemon
        )
        process.start()
        return process, error_file

    # PyTorch starts forkserver children from a thread pool when this variable is "1"
    parallel = start_method == "forkserver" and os.environ.get(ENV_VAR_PARALLEL_START, "0") == "1"
    if parallel:
        with ThreadPoolExecutor(max_workers=nprocs) as pool:
            started = list(pool.map(start, range(nprocs)))
    else:
        started = [start(i) for i in range(nprocs)]
    processes = [process for process, _ in started]
    error_files = [error_file for _, error_file in started]
    process_context = ProcessContext(processes, error_files)
    if not join:
        return process_context
    while not process_context.join():
        pass
    return None


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Run ``fn(i, *args)`` for ``i`` in ``range(nprocs)``, each in a new spawned process.

    ``fn`` must be importable by the children (defined at the top level of a module).  Returns
    None once all succeeded when ``join`` is true, else a ``ProcessContext`` to ``join()``.  A
    start method other than 'spawn' warns (FutureWarning) and is not used, as in PyTorch.
    """
    if start_method != "spawn":
        warnings.warn(
            f"This method only supports start_method=spawn (got: {start_method}).\n"
            "To use a different start_method use:\n\t\t"
            " torch.multiprocessing.start_processes(...)",
            FutureWarning,
            stacklevel=2,
        )
    return start_processes(fn, args, nprocs, join, daemon, start_method="spawn")
