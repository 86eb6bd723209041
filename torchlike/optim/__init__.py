"""``torch.optim``: optimizers whose step is one compiled update over all parameters."""

from . import lr_scheduler  # noqa: F401
from .adadelta import Adadelta  # noqa: F401
from .adagrad import Adagrad  # noqa: F401
from .adam import Adam  # noqa: F401
from .adamax import Adamax  # noqa: F401
from .adamw import AdamW  # noqa: F401
from .asgd import ASGD  # noqa: F401
from .lbfgs import LBFGS  # noqa: F401
from .nadam import NAdam  # noqa: F401
from .optimizer import Optimizer  # noqa: F401
from .radam import RAdam  # noqa: F401
from .rmsprop import RMSprop  # noqa: F401
from .rprop import Rprop  # noqa: F401
from .sgd import SGD  # noqa: F401
from .sparse_adam import SparseAdam  # noqa: F401

__all__ = [
    "ASGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "LBFGS",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "Rprop",
    "SGD",
    "SparseAdam",
    "lr_scheduler",
    "swa_utils",
]


# A torch name torchlike lacks: an AttributeError naming it and the nearest supported name.
from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

_missing_getattr = _module_getattr(__name__)


def __getattr__(name):
    # swa_utils builds on nn, which imports optim: load it on first use.
    if name == "swa_utils":
        import importlib

        return importlib.import_module(".swa_utils", __name__)
    return _missing_getattr(name)
