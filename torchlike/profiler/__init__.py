"""``torch.profiler``: the schedule-driven profiler, built on ``torch.autograd.profiler``.

Only CPU activity exists to record (op times as ``torch.autograd.profiler`` measures them);
asking for ``ProfilerActivity.CUDA`` records the same CPU-side events, since XLA's device work
is timed inside each op.
"""

from __future__ import annotations

import enum
import os
import socket
import time

from ..autograd import profiler as _legacy
from ..autograd.profiler import record_function  # noqa: F401


class ProfilerActivity(enum.Enum):
    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3
    DEVICE_STOPPED = 4


def schedule(
    *,
    wait: int,
    warmup: int,
    active: int,
    repeat: int = 0,
    skip_first: int = 0,
    skip_first_wait: int = 0,
):
    """Step number -> ProfilerAction: skip_first steps, then cycles of wait/warmup/active."""
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError("Invalid profiler schedule arguments")
    cycle = wait + warmup + active

    def schedule_fn(step: int) -> ProfilerAction:
        if step < 0:
            raise AssertionError("Step must be non-negative")
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait:
            step += wait  # the first cycle starts at its warmup
        if repeat > 0 and step // cycle >= repeat:
            return ProfilerAction.NONE
        pos = step % cycle
        if pos < wait:
            return ProfilerAction.NONE
        if pos < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if pos < cycle - 1 else ProfilerAction.RECORD_AND_SAVE

    return schedule_fn


def _always_record(step):
    return ProfilerAction.RECORD


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False):
    """An ``on_trace_ready`` that writes a Chrome trace file into ``dir_name``."""

    def handler(prof):
        os.makedirs(dir_name, exist_ok=True)
        worker = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        name = f"{worker}.{time.time_ns() // 1_000_000}.pt.trace.json"
        prof.export_chrome_trace(os.path.join(dir_name, name))

    return handler


class profile(_legacy.profile):
    """``with torch.profiler.profile(schedule=…, on_trace_ready=…) as p: … p.step()``."""

    def __init__(
        self,
        *,
        activities=None,
        schedule=None,
        on_trace_ready=None,
        record_shapes=False,
        profile_memory=False,
        with_stack=False,
        with_flops=False,
        with_modules=False,
        experimental_config=None,
        execution_trace_observer=None,
        acc_events=False,
        use_cuda=None,
        custom_trace_id_callback=None,
        post_processing_timeout_s=None,
    ):
        super().__init__(record_shapes=record_shapes)
        self.activities = set(activities) if activities else {ProfilerActivity.CPU}
        self.schedule = schedule or _always_record
        self.on_trace_ready = on_trace_ready
        self.step_num = 0
        self._action = ProfilerAction.NONE

    def start(self):
        self._enter_action(self.schedule(self.step_num))

    def stop(self):
        self._leave_action(final=True)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def step(self):
        self._leave_action(final=False)
        self.step_num += 1
        self._enter_action(self.schedule(self.step_num))

    def _recording(self):
        return self._action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)

    def _enter_action(self, action):
        if (
            action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)
            and not self._recording()
        ):
            self._start()
        self._action = action

    def _leave_action(self, final):
        if not self._recording():
            return
        nxt = None if final else self.schedule(self.step_num + 1)
        if (
            final
            or self._action is ProfilerAction.RECORD_AND_SAVE
            or nxt not in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)
        ):
            self._stop()
            self._action = ProfilerAction.NONE
            if self.on_trace_ready is not None:
                self.on_trace_ready(self)


__all__ = [
    "profile",
    "record_function",
    "ProfilerActivity",
    "ProfilerAction",
    "schedule",
    "tensorboard_trace_handler",
]


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
