"""``torch.utils.benchmark``: ``Timer`` and its ``Measurement``, on Python's ``timeit``.

As in PyTorch, ``stmt`` and ``setup`` are strings run with ``torch`` (torchlike) in their
globals, and the default timer waits for the GPU when there is one.  JAX dispatches
asynchronously, so on CPU a statement whose result is never read is timed up to its dispatch;
write ``stmt="y = f(x); y.sum().item()"`` to include the computation.  ``num_threads`` is
recorded but not applied: XLA sizes its thread pool once per process.
"""

from __future__ import annotations

import math
import sys
import textwrap
import time
import timeit as _timeit

from ... import cuda as _cuda

__all__ = ["Timer", "Measurement", "TaskSpec"]


def timer() -> float:
    if _cuda.is_available():
        _cuda.synchronize()
    return time.perf_counter()


class TaskSpec:
    """What was measured: the statement and its labels."""

    def __init__(
        self,
        stmt,
        setup,
        global_setup="",
        label=None,
        sub_label=None,
        description=None,
        env=None,
        num_threads=1,
    ):
        self.stmt, self.setup, self.global_setup = stmt, setup, global_setup
        self.label, self.sub_label, self.description = label, sub_label, description
        self.env, self.num_threads = env, num_threads

    @property
    def title(self) -> str:
        sub = f": {self.sub_label}" if self.sub_label else ""
        if self.label is not None:
            return self.label + sub
        if "\n" not in self.stmt:
            return self.stmt + sub
        return f"stmt:{f' ({self.sub_label})' if self.sub_label else ''}\n" + textwrap.indent(
            self.stmt, "  "
        )

    def setup_str(self) -> str:
        if not self.setup or self.setup == "pass":
            return ""
        if "\n" in self.setup:
            return "setup:\n" + textwrap.indent(self.setup, "  ")
        return f"setup: {self.setup}"

    def summarize(self) -> str:
        parts = [self.title, self.description or "", self.setup_str()]
        return "\n".join(p + "\n" if "\n" in p else p for p in parts if p)


def _quantile(sorted_values, q):
    # linear interpolation between closest ranks (numpy's and torch.quantile's default)
    pos = (len(sorted_values) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def _unit(t):
    exponent = math.floor(math.log10(t)) // 3 if t > 0 else -3
    unit = {-3: "ns", -2: "us", -1: "ms"}.get(exponent, "s")
    return unit, {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]


class Measurement:
    """Times of one statement: ``raw_times`` per block of ``number_per_run`` runs (seconds)."""

    def __init__(self, number_per_run, raw_times, task_spec, metadata=None):
        self.number_per_run = number_per_run
        self.raw_times = list(raw_times)
        self.task_spec = task_spec
        self.metadata = metadata

    def __getattr__(self, name):
        # TaskSpec's fields read through, as in PyTorch (m.label, m.stmt, m.num_threads)
        if name in (
            "stmt",
            "setup",
            "global_setup",
            "label",
            "sub_label",
            "description",
            "env",
            "num_threads",
            "title",
        ):
            return getattr(self.task_spec, name)
        raise AttributeError(f"'Measurement' object has no attribute '{name}'")

    @property
    def times(self):
        return [t / self.number_per_run for t in self.raw_times]

    def _sorted(self):
        return sorted(self.times)

    @property
    def median(self):
        return _quantile(self._sorted(), 0.5)

    @property
    def mean(self):
        times = self.times
        return sum(times) / len(times)

    @property
    def iqr(self):
        s = self._sorted()
        return _quantile(s, 0.75) - _quantile(s, 0.25)

    def meets_confidence(self, threshold=0.1):
        return self.iqr / self.median < threshold

    @property
    def has_warnings(self):
        return not self.meets_confidence(0.1)

    def _warnings(self):
        if self.meets_confidence(0.1):
            return []
        rel = self.iqr / self.median * 100
        why = (
            "This suggests significant environmental influence."
            if not self.meets_confidence(0.5)
            else "This could indicate system fluctuation."
        )
        return [
            f"  WARNING: Interquartile range is {rel:.1f}% of the median measurement.\n"
            f"           {why}"
        ]

    def __repr__(self):
        s = self._sorted()
        n = len(s)
        median = _quantile(s, 0.5)
        unit, scale = _unit(median)
        lines = [
            object.__repr__(self),
            self.task_spec.summarize(),
            f"  {'Median: ' if n > 1 else ''}{median / scale:.2f} {unit}",
        ]
        if n >= 4:
            p25, p75 = _quantile(s, 0.25), _quantile(s, 0.75)
            lines.append(
                f"  IQR:    {(p75 - p25) / scale:.2f} {unit} "
                f"({p25 / scale:.2f} to {p75 / scale:.2f})"
            )
        threads = self.task_spec.num_threads
        lines.append(
            f"  {n} measurement{'s' if n > 1 else ''}, {self.number_per_run} runs "
            f"{'per measurement,' if n > 1 else ','} {threads} "
            f"thread{'s' if threads > 1 else ''}"
        )
        lines += self._warnings()
        return "\n".join(lines).strip()

    __str__ = __repr__


class Timer:
    """``Timer(stmt, setup, globals=…).timeit(n)`` / ``.blocked_autorange()``."""

    def __init__(
        self,
        stmt="pass",
        setup="pass",
        global_setup="",
        timer=timer,
        globals=None,  # noqa: A002
        label=None,
        sub_label=None,
        description=None,
        env=None,
        num_threads=1,
        language="python",
    ):
        if not isinstance(stmt, str):
            raise ValueError("Currently only a `str` stmt is supported.")
        # statements see the torch namespace: torchlike itself, already imported by now
        namespace = {"torch": sys.modules[__package__.split(".")[0]]}
        namespace.update(globals or {})
        self._task_spec = TaskSpec(
            stmt, setup, global_setup, label, sub_label, description, env, num_threads
        )
        self._timer = _timeit.Timer(
            stmt=stmt, setup=setup or "pass", timer=timer, globals=namespace
        )

    def _timeit(self, number):
        return max(self._timer.timeit(number), 1e-9)

    def timeit(self, number=1000000):
        self._timeit(max(number // 100, 2))  # warm up (first calls compile)
        return Measurement(number, [self._timeit(number)], self._task_spec)

    def repeat(self, repeat=-1, number=-1):
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def autorange(self, callback=None):
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def _block_size(self, min_run_time):
        overhead = sorted(self._timeit(0) for _ in range(5))[2]
        number = 1
        while True:
            taken = self._timeit(number)
            if (
                (overhead / taken <= 1e-4 and taken >= min_run_time / 1000)
                or taken > min_run_time
                or number * 10 > 2147483647
            ):
                return number
            number *= 10

    def _loop(self, number, min_run_time, stop, max_run_time=None, callback=None):
        times, total = [], 0.0
        while True:
            spent = self._timeit(number)
            times.append(spent)
            total += spent
            if callback is not None:
                callback(number, spent)
            if total >= min_run_time and stop(times):
                return times
            if max_run_time is not None and total > max_run_time:
                return times

    def blocked_autorange(self, callback=None, min_run_time=0.2):
        number = self._block_size(min_run_time)
        times = self._loop(number, min_run_time, lambda times: True, callback=callback)
        return Measurement(number, times, self._task_spec)

    def adaptive_autorange(
        self, threshold=0.1, *, min_run_time=0.01, max_run_time=10.0, callback=None
    ):
        number = self._block_size(min_run_time=0.05)

        def stop(times):
            return len(times) > 3 and Measurement(number, times, self._task_spec).meets_confidence(
                threshold
            )

        times = self._loop(number, min_run_time, stop, max_run_time, callback)
        return Measurement(number, times, self._task_spec)


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
