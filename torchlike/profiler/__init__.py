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
import warnings

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
    if warmup == 0:
        warnings.warn(
            "Profiler won't be using warmup, this can skew profiler results", stacklevel=2
        )
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
        super().__init__(record_shapes=record_shapes, profile_memory=profile_memory)
        self.activities = set(activities) if activities else {ProfilerActivity.CPU}
        self.schedule = schedule or _always_record
        self.on_trace_ready = on_trace_ready
        self.step_num = 0
        self._action = self.schedule(0)
        self._record_steps = schedule is not None  # PyTorch labels steps only under a schedule
        self._step_range = None

    def start(self):
        self._transit(ProfilerAction.NONE, self._action)
        self._open_step()

    def stop(self):
        self._close_step()
        self._transit(self._action, None)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def step(self):
        """The next step begins: move along the schedule, as PyTorch's state machine does
        (``on_trace_ready`` runs after a RECORD_AND_SAVE step, seeing the new step_num)."""
        self._close_step()
        prev = self._action
        self.step_num += 1
        self._action = self.schedule(self.step_num)
        self._transit(prev, self._action)
        self._open_step()

    def events(self):
        return self.function_events

    # -- PyTorch's transitions: (previous action, next action) -> what to do
    def _transit(self, prev, action):
        A = ProfilerAction
        rec = (A.RECORD, A.RECORD_AND_SAVE)
        if prev is A.NONE:
            if action is A.WARMUP:
                self._prepare()
            elif action in rec:
                self._prepare()
                self._start()
        elif prev is A.WARMUP:
            if action is A.NONE:
                warnings.warn("Incorrect schedule: WARMUP followed by NONE", stacklevel=3)
                self._start()
                self._stop()
            elif action in rec:
                self._start()
        elif prev is A.RECORD:
            if action in (A.NONE, A.WARMUP):
                warnings.warn(f"Incorrect schedule: RECORD followed by {action.name}", stacklevel=3)
                self._stop()
            elif action is None:
                self._stop()
                self._trace_ready()
        elif prev is A.RECORD_AND_SAVE:
            self._stop()
            self._trace_ready()
            if action is A.WARMUP:
                self._prepare()
            elif action in rec:
                self._prepare()
                self._start()

    def _prepare(self):
        if self.function_events is not None:
            _warn_once(
                "Warning: Profiler clears events at the end of each cycle. Only events from the "
                "current cycle will be reported. To keep events across cycles, set "
                "acc_events=True."
            )

    def _stop(self):
        super()._stop()
        for e in self.function_events:  # PyTorch reports every step range under one name
            if e.name.startswith(_STEP_NAME + "#"):
                e.name = e.key = _STEP_NAME + "*"

    def _trace_ready(self):
        if self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def _open_step(self):
        if self._record_steps:
            self._step_range = record_function(f"{_STEP_NAME}#{self.step_num}")
            self._step_range.__enter__()

    def _close_step(self):
        if self._step_range is not None:
            self._step_range.__exit__(None, None, None)
            self._step_range = None


_STEP_NAME = "ProfilerStep"
_WARNED = set()


def _warn_once(msg):
    if msg not in _WARNED:
        _WARNED.add(msg)
        warnings.warn(msg, stacklevel=5)


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
