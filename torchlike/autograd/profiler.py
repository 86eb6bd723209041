"""``torch.autograd.profiler``: an op-level profiler over torchlike's one op code path.

While a ``profile`` is recording, ``_ops.core.apply`` hands every op to ``_Recorder.run``, which
times it (waiting for the result, since JAX dispatches asynchronously) and records an event
named ``aten::<op>``; ``record_function`` ranges are events too, and each event's self time is
its total minus its children's.  ``key_averages().table()`` prints PyTorch's table layout.

Not recorded: the backward pass (the engine replays it as one compiled program, not per op) and
ops a PyTorch kernel decomposes differently (PyTorch shows ``aten::to``/``aten::copy_`` where
torchlike has one op).
"""

from __future__ import annotations

import contextlib
import json
import os
import time

import jax

from .. import cuda as _cuda
from .._ops import core as _ops_core


class FunctionEvent:
    """One timed op call or ``record_function`` range (times in microseconds)."""

    def __init__(self, id, name, start_us, thread=0, input_shapes=None):  # noqa: A002
        self.id = id
        self.name = self.key = name
        self.time_range_start = start_us
        self.time_range_end = start_us
        self.thread = thread
        self.input_shapes = input_shapes or []
        self.cpu_children = []
        self.cpu_parent = None
        self.count = 1
        self.self_cpu_memory_usage = 0  # bytes of the op's outputs (profile_memory=True)

    @property
    def cpu_memory_usage(self):
        return self.self_cpu_memory_usage + sum(c.cpu_memory_usage for c in self.cpu_children)

    @property
    def cpu_time_total(self):
        return self.time_range_end - self.time_range_start

    @property
    def self_cpu_time_total(self):
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    cpu_time = cpu_time_total  # one call: its average is its total

    def __repr__(self):
        return (
            f"<FunctionEvent id={self.id} name={self.name} "
            f"cpu_time={_format_time(self.cpu_time_total)} "
            f"self_cpu_time={_format_time(self.self_cpu_time_total)}>"
        )


class FunctionEventAvg:
    """All events of one name: ``key``, ``count``, total/self/average CPU time (us)."""

    def __init__(self, key):
        self.key = key
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0
        self.cpu_memory_usage = 0
        self.self_cpu_memory_usage = 0
        self.input_shapes = None

    def add(self, event):
        self.count += event.count
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total
        self.cpu_memory_usage += event.cpu_memory_usage
        self.self_cpu_memory_usage += event.self_cpu_memory_usage
        return self

    @property
    def cpu_time(self):
        return self.cpu_time_total / self.count if self.count else 0.0

    # no device work is timed separately on CPU; present for code that sorts by it
    cuda_time_total = device_time_total = self_cuda_time_total = self_device_time_total = 0.0

    def __repr__(self):
        return (
            f"<FunctionEventAvg key={self.key} self_cpu_time={_format_time(self.self_cpu_time_total)} "
            f"cpu_time={_format_time(self.cpu_time_total)} count={self.count}>"
        )


class EventList(list):
    """A list of events with PyTorch's ``table()`` and ``key_averages()``."""

    _self_cpu_total = None  # percentages are of all recorded self time, not just the rows shown
    _profile_memory = False  # PyTorch's table has the memory columns only when it was recorded

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        groups = {}
        for e in self:
            key = (e.key, tuple(map(tuple, e.input_shapes))) if group_by_input_shape else e.key
            if key not in groups:
                groups[key] = FunctionEventAvg(e.key)
                if group_by_input_shape:
                    groups[key].input_shapes = e.input_shapes
            groups[key].add(e)
        averages = EventList(groups.values())
        averages._self_cpu_total = self.self_cpu_time_total()
        averages._profile_memory = self._profile_memory
        return averages

    def table(
        self,
        sort_by=None,
        row_limit=100,
        max_src_column_width=75,
        max_name_column_width=55,
        max_shapes_column_width=80,
        header=None,
        top_level_events_only=False,
        time_unit=None,
    ):
        total = self._self_cpu_total
        if total is None:
            total = self.self_cpu_time_total()
        return _table(
            self,
            total,
            sort_by,
            row_limit,
            max_name_column_width,
            max_shapes_column_width,
            header,
            top_level_events_only,
            time_unit,
            self._profile_memory,
        )

    def self_cpu_time_total(self):
        return sum(e.self_cpu_time_total for e in self)

    def __str__(self):
        return self.table()

    def export_chrome_trace(self, path):
        events = [
            {
                "name": e.name,
                "ph": "X",
                "ts": e.time_range_start,
                "dur": e.cpu_time_total,
                "pid": os.getpid(),
                "tid": e.thread,
                "cat": "cpu_op" if e.name.startswith("aten::") else "user_annotation",
            }
            for e in self
            if isinstance(e, FunctionEvent)
        ]
        with open(path, "w") as f:
            json.dump({"traceEvents": events}, f)


def _format_time(us, unit=None):
    if unit == "s" or (unit is None and us >= 1e6):
        return f"{us / 1e6:.3f}s"
    if unit == "ms" or (unit is None and us >= 1e3):
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


def _format_memory(nbytes):
    for unit, size in (("Gb", 1 << 30), ("Mb", 1 << 20), ("Kb", 1 << 10)):
        if abs(nbytes) >= size:
            return f"{nbytes / size:.2f} {unit}"
    return f"{nbytes} b"


def _table(
    events,
    self_total,
    sort_by,
    row_limit,
    max_name_width,
    max_shapes_width,
    header,
    top_level_only,
    time_unit,
    with_memory=False,
):
    if not events:
        return ""
    if top_level_only:
        events = [e for e in events if getattr(e, "cpu_parent", None) is None]
    if sort_by is not None:
        events = sorted(events, key=lambda e: getattr(e, sort_by), reverse=True)
    if row_limit is not None and row_limit > 0:
        events = events[:row_limit]
    name_width = min(max(len(e.key) for e in events) + 4, max_name_width)
    cols = ["Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg"]
    if with_memory:
        cols += ["CPU Mem", "Self CPU Mem"]
    cols.append("# of Calls")
    widths = [name_width] + [12] * len(cols)
    # grouped by input shape: one more column, as PyTorch prints it
    with_shapes = any(getattr(e, "input_shapes", None) for e in events)
    if with_shapes:
        shapes_width = min(max(len(str(e.input_shapes)) for e in events) + 4, max_shapes_width)
        cols.append("Input Shapes")
        widths.append(shapes_width)
    sep = "".join("-" * w + "  " for w in widths)
    lines = []
    if header is not None:
        lines += ["=" * len(sep), header]
    lines += [sep, "".join(f"{c:>{w}}  " for c, w in zip(["Name"] + cols, widths)), sep]
    total = self_total or 1.0
    for e in events:
        name = e.key if len(e.key) <= name_width - 4 else e.key[: name_width - 7] + "..."
        cells = [
            name,
            f"{100 * e.self_cpu_time_total / total:.2f}%",
            _format_time(e.self_cpu_time_total, time_unit),
            f"{100 * e.cpu_time_total / total:.2f}%",
            _format_time(e.cpu_time_total, time_unit),
            _format_time(e.cpu_time, time_unit),
        ]
        if with_memory:
            cells += [
                _format_memory(e.cpu_memory_usage),
                _format_memory(e.self_cpu_memory_usage),
            ]
        cells.append(str(e.count))
        if with_shapes:
            cells.append(str(e.input_shapes)[: shapes_width - 4])
        lines.append("".join(f"{c:>{w}}  " for c, w in zip(cells, widths)))
    lines.append(sep)
    lines.append(f"Self CPU time total: {_format_time(self_total, time_unit)}")
    return "\n".join(lines) + "\n"


class _Recorder:
    """The state of one recording; ``_ops.core.PROFILER`` points at it while it records."""

    def __init__(self, record_shapes, profile_memory=False):
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.events = []
        self.stack = []
        self.inside_op = False
        self.t0 = time.perf_counter()

    def now_us(self):
        return (time.perf_counter() - self.t0) * 1e6

    def open(self, name, shapes=None):
        event = FunctionEvent(len(self.events), name, self.now_us(), input_shapes=shapes)
        if self.stack:
            event.cpu_parent = self.stack[-1]
            self.stack[-1].cpu_children.append(event)
        self.events.append(event)
        self.stack.append(event)
        return event

    def close(self, event):
        event.time_range_end = self.now_us()
        if self.stack and self.stack[-1] is event:
            self.stack.pop()

    def run(self, apply, op, operands, static, dtype):
        shapes = None
        if self.record_shapes:
            shapes = [list(getattr(a, "shape", ())) for a in operands]
        event = self.open("aten::" + op.name, shapes)
        self.inside_op = True  # an op's own helper ops are part of its time, as in a kernel
        try:
            out = apply(op, operands, static, dtype)
            values = [
                t._value
                for t in (out if isinstance(out, tuple) else (out,))
                if hasattr(t, "_value")
            ]
            jax.block_until_ready(values)
            if self.profile_memory:
                event.self_cpu_memory_usage = sum(int(v.nbytes) for v in values)
        finally:
            self.inside_op = False
            self.close(event)
        return out


def _core():
    return _ops_core


class profile:
    """``with profile() as prof: …`` then ``prof.key_averages().table(sort_by=…)``."""

    def __init__(
        self,
        enabled=True,
        *,
        use_cuda=False,
        use_device=None,
        record_shapes=False,
        with_flops=False,
        profile_memory=False,
        with_stack=False,
        with_modules=False,
        use_kineto=False,
        use_cpu=True,
        experimental_config=None,
        acc_events=False,
        custom_trace_id_callback=None,
        post_processing_timeout_s=None,
        activity_filters=None,
    ):
        self.enabled = enabled
        self.record_shapes = record_shapes
        self.profile_memory = profile_memory
        self.function_events = None
        self._recorder = None
        self._previous = None

    def __enter__(self):
        if self.enabled:
            self._start()
        return self

    def __exit__(self, *exc):
        if self.enabled:
            self._stop()
        return False

    def _start(self):
        _ops_core = _core()
        self._recorder = _Recorder(self.record_shapes, self.profile_memory)
        self._previous = _ops_core.PROFILER
        _ops_core.PROFILER = self._recorder

    def _stop(self):
        _ops_core = _core()
        if _ops_core.PROFILER is self._recorder:
            _ops_core.PROFILER = self._previous
        self.function_events = EventList(self._recorder.events)
        self.function_events._profile_memory = self.profile_memory

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        return self.function_events.key_averages(group_by_input_shape, group_by_stack_n)

    def total_average(self):
        total = FunctionEventAvg("Total")
        for e in self.function_events:
            total.add(e)
        return total

    def table(self, sort_by=None, row_limit=100, **kwargs):
        return self.key_averages().table(sort_by=sort_by, row_limit=row_limit, **kwargs)

    def export_chrome_trace(self, path):
        self.function_events.export_chrome_trace(path)

    def self_cpu_time_total(self):
        return self.function_events.self_cpu_time_total()

    def __str__(self):
        return self.table()


class record_function(contextlib.ContextDecorator):
    """Label a block (``with record_function("name"):``) or a function (as a decorator)."""

    def __init__(self, name, args=None):
        self.name = name
        self.args = args
        self._event = None
        self._recorder = None

    def _recreate_cm(self):
        # a decorated function may recurse or run in threads: one range per call
        return type(self)(self.name, self.args)

    def __enter__(self):
        recorder = _core().PROFILER
        if recorder is not None:
            self._recorder = recorder
            self._event = recorder.open(self.name)
        return self

    def __exit__(self, *exc):
        if self._event is not None:
            self._recorder.close(self._event)
            self._event = self._recorder = None
        return False


class emit_nvtx:
    """NVTX ranges for NVIDIA's profilers; like PyTorch, entering it needs CUDA."""

    def __init__(self, enabled=True, record_shapes=False):
        self.enabled = enabled

    def __enter__(self):
        if self.enabled:
            _cuda.synchronize()
        return self

    def __exit__(self, *exc):
        return False


emit_itt = emit_nvtx


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
