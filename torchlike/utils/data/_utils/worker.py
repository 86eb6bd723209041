"""``torch.utils.data._utils.worker``: the worker's info (workers are played in-process)."""

from .._worker import ExceptionWrapper, WorkerInfo, get_worker_info  # noqa: F401
