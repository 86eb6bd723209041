"""``torch.utils.data._utils``: the private helpers scripts import by path (``collate``'s
registry, ``worker.get_worker_info``)."""

from .._worker import ExceptionWrapper  # noqa: F401
from . import collate, worker  # noqa: F401

MP_STATUS_CHECK_INTERVAL = 5.0
