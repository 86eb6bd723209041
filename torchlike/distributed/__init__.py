"""``torch.distributed`` for one process: the default process group of world size 1.

Training scripts import this package whether or not they run distributed (nanoGPT's
``from torch.distributed import init_process_group, destroy_process_group``), query it
(``dist.is_initialized()``, ``dist.get_rank()``), and under ``torchrun`` with one process call
``init_process_group`` and the collectives.  torchlike runs them as PyTorch does in a group of
one: ``init_process_group`` validates its rendezvous arguments with PyTorch's errors (``env://``
reads ``RANK``/``WORLD_SIZE``/``MASTER_ADDR``/``MASTER_PORT``), every collective checks its
arguments as the gloo backend does and then is what a single rank makes of it (``all_reduce`` of
one tensor is that tensor; ``all_gather`` copies the input into the one output), and works
return completed ``Work`` objects.  Before ``init_process_group`` everything that needs a group
raises PyTorch's "Default process group has not been initialized" ``ValueError``.

A group of more than one process needs processes to talk to: ``init_process_group`` with a
world size above 1 raises ``NotImplementedError`` instead of waiting for peers that torchlike
cannot serve (JAX's multi-process runtime is a different model: ``jax.distributed``).

Library layer: imports only the Tensor API.
"""

from __future__ import annotations

import enum
import os
import pickle

from .. import _tensor
from ..autograd import grad_mode

__all__ = [
    "Backend",
    "GroupMember",
    "ProcessGroup",
    "ReduceOp",
    "Work",
    "all_gather",
    "all_gather_into_tensor",
    "all_gather_object",
    "all_reduce",
    "barrier",
    "broadcast",
    "broadcast_object_list",
    "destroy_process_group",
    "gather",
    "gather_object",
    "get_backend",
    "get_global_rank",
    "get_process_group_ranks",
    "get_rank",
    "get_world_size",
    "group",
    "init_process_group",
    "is_available",
    "is_gloo_available",
    "is_initialized",
    "is_mpi_available",
    "is_nccl_available",
    "is_torchelastic_launched",
    "monitored_barrier",
    "new_group",
    "reduce",
    "reduce_scatter_tensor",
    "scatter",
    "scatter_object_list",
]

_NOT_INITIALIZED = (
    "Default process group has not been initialized, please make sure to call init_process_group."
)


def _gpu_present() -> bool:
    from .. import cuda

    return cuda.is_available()


def is_available() -> bool:
    return True


def is_gloo_available() -> bool:
    return True


def is_nccl_available() -> bool:
    """NCCL's group of one exists where CUDA does (PyTorch's CPU build has none)."""
    return _gpu_present()


def is_mpi_available() -> bool:
    return False


def is_torchelastic_launched() -> bool:
    return os.environ.get("TORCHELASTIC_RUN_ID") is not None


class Backend(str):
    """A backend's name, lower-cased, as PyTorch's ``Backend`` (a ``str``)."""

    UNDEFINED = "undefined"
    GLOO = "gloo"
    NCCL = "nccl"
    UCC = "ucc"
    MPI = "mpi"

    def __new__(cls, name: str):
        if not isinstance(name, str):
            raise ValueError(f"Backend constructor parameter must be string-ish, got {name!r}")
        return str.__new__(cls, name.lower())


class ReduceOp(enum.Enum):
    """The reduction a collective applies across ranks (``dist.ReduceOp.SUM`` ...); with one
    rank each is the identity."""

    SUM = 0
    AVG = 1
    PRODUCT = 2
    MIN = 3
    MAX = 4
    BAND = 5
    BOR = 6
    BXOR = 7
    PREMUL_SUM = 8
    UNUSED = 9

    def __str__(self):
        return f"RedOpType.{self.name}"

    def __repr__(self):
        return f"<RedOpType.{self.name}: {self.value}>"


class Work:
    """What an ``async_op=True`` collective returns: already completed in a group of one."""

    def wait(self, timeout=None) -> bool:
        return True

    def is_completed(self) -> bool:
        return True

    def is_success(self) -> bool:
        return True

    def exception(self):
        return None

    def get_future(self):
        from concurrent.futures import Future

        fut: Future = Future()
        fut.set_result(None)
        return fut


class ProcessGroup:
    """A process group: this process as rank 0 of ``size()`` == 1 ranks."""

    def __init__(self, backend, ranks=(0,)):
        self._backend = backend
        self._ranks = tuple(ranks)

    def rank(self) -> int:
        return 0

    def size(self) -> int:
        return len(self._ranks)

    def name(self) -> str:
        return self._backend

    def __repr__(self):
        return f"<torch.distributed.distributed_c10d.ProcessGroup object at {hex(id(self))}>"


class GroupMember:
    """``dist.group.WORLD`` (None before ``init_process_group``) and ``NON_GROUP_MEMBER``."""

    WORLD: ProcessGroup | None = None
    NON_GROUP_MEMBER = -100


group = GroupMember


def is_initialized() -> bool:
    return GroupMember.WORLD is not None


def _world():
    if GroupMember.WORLD is None:
        raise ValueError(_NOT_INITIALIZED)
    return GroupMember.WORLD


def _group(g):
    return _world() if g is None else g


_KNOWN_BACKENDS = ("gloo", "nccl", "mpi", "ucc", "xccl")


def _check_backend(backend):
    if backend is None:
        return Backend.UNDEFINED
    name = Backend(backend)
    for part in name.split(","):
        kind = part.split(":")[-1]
        if kind not in _KNOWN_BACKENDS:
            raise AssertionError(f"Unknown backend type {kind}")
        if kind == "nccl" and not is_nccl_available():
            raise RuntimeError("Distributed package doesn't have NCCL built in")
        if kind == "mpi":
            raise RuntimeError("Distributed package doesn't have MPI built in")
        if kind in ("ucc", "xccl"):
            raise AssertionError(f"Unknown c10d backend type {kind.upper()}")
    return name


def _rendezvous(init_method, rank, world_size):
    """(rank, world_size) as PyTorch's rendezvous handlers read them, with their errors."""
    scheme = init_method.split("://", 1)[0] if "://" in init_method else init_method
    where = f"Error initializing torch.distributed using {scheme}:// rendezvous: "
    if scheme == "env":
        if rank == -1:
            if "RANK" not in os.environ:
                raise ValueError(where + "environment variable RANK expected, but not set")
            rank = int(os.environ["RANK"])
        if world_size == -1:
            if "WORLD_SIZE" not in os.environ:
                raise ValueError(where + "environment variable WORLD_SIZE expected, but not set")
            world_size = int(os.environ["WORLD_SIZE"])
        for var in ("MASTER_ADDR", "MASTER_PORT"):
            if var not in os.environ:
                raise ValueError(where + f"environment variable {var} expected, but not set")
    elif scheme in ("tcp", "file"):
        query = dict(
            kv.split("=", 1) for kv in init_method.partition("?")[2].split("&") if "=" in kv
        )
        rank = int(query.get("rank", rank))
        world_size = int(query.get("world_size", world_size))
        if rank == -1:
            raise ValueError(where + "rank parameter missing")
        if world_size == -1:
            raise ValueError(where + "world size parameter missing")
    else:
        raise RuntimeError(f"No rendezvous handler for {scheme}://")
    return rank, world_size


def init_process_group(
    backend=None,
    init_method=None,
    timeout=None,
    world_size=-1,
    rank=-1,
    store=None,
    group_name="",
    pg_options=None,
    device_id=None,
):
    """Join the default process group: here the group of this one process."""
    if GroupMember.WORLD is not None:
        raise ValueError("trying to initialize the default process group twice!")
    if store is not None:
        if rank == -1 or world_size == -1:
            raise AssertionError("world_size and rank must be specified when using store")
        if init_method is not None:
            raise AssertionError("Cannot specify both init_method and store.")
    if store is None:
        rank, world_size = _rendezvous(init_method or "env://", rank, world_size)
    name = _check_backend(backend)
    if world_size != 1:
        raise NotImplementedError(
            f"torchlike's torch.distributed runs a single process (world_size=1); a group of "
            f"{world_size} processes is not supported"
        )
    if rank != 0:
        raise ValueError(f"Invalid rank {rank}, rank should be in the interval [0, 0]")
    GroupMember.WORLD = ProcessGroup(name)


def destroy_process_group(group=None):
    if GroupMember.WORLD is None:
        raise AssertionError("Process group cannot be None")
    if group is None or group is GroupMember.WORLD:
        GroupMember.WORLD = None


def get_rank(group=None) -> int:
    return _group(group).rank()


def get_world_size(group=None) -> int:
    return _group(group).size()


def get_backend(group=None) -> str:
    return str(_group(group)._backend)


def get_global_rank(group, group_rank: int) -> int:
    """The global rank of ``group_rank`` in ``group`` (the world's ranks are global ranks)."""
    if group is None or group is GroupMember.WORLD:
        return group_rank
    ranks = _group(group)._ranks
    if not 0 <= group_rank < len(ranks):
        raise ValueError(f"Group rank {group_rank} is not part of group {group}")
    return ranks[group_rank]


def get_process_group_ranks(group) -> list:
    return list(_group(group)._ranks)


def new_group(ranks=None, timeout=None, backend=None, pg_options=None, **kwargs):
    world = _world()
    ranks = [0] if ranks is None else sorted(ranks)
    if len(ranks) > world.size():
        raise ValueError(
            "the new group's world size should be less or equal to the world size set by "
            "init_process_group"
        )
    for r in ranks:
        if r < 0 or r >= world.size():
            raise ValueError(
                f"Rank {r} is out of range. Valid ranks are 0 to {world.size() - 1} "
                f"(world_size={world.size()})"
            )
    return ProcessGroup(world._backend if backend is None else _check_backend(backend), ranks)


# ------------------------------------------------------------------------------ collectives
def _check_tensor(t, name="tensor"):
    if not isinstance(t, _tensor.Tensor):
        raise TypeError(
            f"Invalid function argument. Expected parameter `{name}` of type torch.Tensor"
        )


def _check_tensor_list(ts, name):
    if not isinstance(ts, (list, tuple)) or not all(isinstance(t, _tensor.Tensor) for t in ts):
        raise TypeError(
            f"Invalid function argument. Expected parameter `{name}` of type List[torch.Tensor]"
        )


def _check_root(kind, root, g):
    if not 0 <= root < g.size():
        raise RuntimeError(f"ProcessGroupGloo::{kind}: invalid root rank: {root}")


def _done(async_op):
    return Work() if async_op else None


def _copy_into(out, src):
    """``out``'s contents become ``src``'s (a collective writes its outputs directly: no
    autograd history, as c10d's kernels)."""
    with grad_mode.no_grad():
        out.copy_(src)


def _check_op(op):
    if not isinstance(op, ReduceOp):
        raise TypeError(f"op must be a ReduceOp, got {type(op).__name__}")


def all_reduce(tensor, op=ReduceOp.SUM, group=None, async_op=False):
    _check_tensor(tensor)
    _check_op(op)
    _group(group)
    return _done(async_op)  # the sum (mean, max ...) over one rank: the tensor as it is


def reduce(tensor, dst=None, op=ReduceOp.SUM, group=None, async_op=False, group_dst=None):
    _check_tensor(tensor)
    _check_op(op)
    _check_root("reduce", dst if group_dst is None else group_dst, _group(group))
    return _done(async_op)


def broadcast(tensor, src=None, group=None, async_op=False, group_src=None):
    _check_tensor(tensor)
    _check_root("broadcast", src if group_src is None else group_src, _group(group))
    return _done(async_op)


def barrier(group=None, async_op=False, device_ids=None):
    _group(group)
    return _done(async_op)


def monitored_barrier(group=None, timeout=None, wait_all_ranks=False):
    g = _group(group)
    if g._backend != "gloo":
        raise ValueError("monitored_barrier is only implemented for GLOO backend.")


def all_gather(tensor_list, tensor, group=None, async_op=False):
    _check_tensor_list(tensor_list, "tensor_list")
    _check_tensor(tensor)
    g = _group(group)
    if len(tensor_list) != g.size():
        raise RuntimeError(
            "ProcessGroupGloo::allgather: invalid output tensor list at index 0 (expected "
            f"length {g.size()}, got {len(tensor_list)})"
        )
    out = tensor_list[0]
    if tuple(out.shape) != tuple(tensor.shape):
        raise RuntimeError(
            "ProcessGroupGloo::allgather: invalid tensor size at index 0 (expected "
            f"{_sizes(tensor.shape)}, got {_sizes(out.shape)})"
        )
    _copy_into(out, tensor)
    return _done(async_op)


def _sizes(shape):
    return "(" + ", ".join(str(n) for n in shape) + ")"


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op=False):
    _check_tensor(output_tensor, "output_tensor")
    _check_tensor(input_tensor, "input_tensor")
    g = _group(group)
    expected = (input_tensor.shape[0] * g.size(), *input_tensor.shape[1:])
    if tuple(output_tensor.shape) != expected:
        raise RuntimeError(
            "ProcessGroupGloo::allgather: invalid tensor size at index 0 (expected "
            f"{_sizes(input_tensor.shape)}, got {_sizes(output_tensor.shape)})"
        )
    _copy_into(output_tensor, input_tensor)
    return _done(async_op)


def reduce_scatter_tensor(output, input, op=ReduceOp.SUM, group=None, async_op=False):
    _check_tensor(output, "output")
    _check_tensor(input, "input")
    _check_op(op)
    g = _group(group)
    a, b = output.shape[0] * g.size(), input.shape[0]
    if a != b or tuple(output.shape[1:]) != tuple(input.shape[1:]):
        raise RuntimeError(
            f"Check failed: outputShape[0] * worldSize == inputShape[0] ({a} vs. {b}). "
        )
    _copy_into(output, input)
    return _done(async_op)


def _root_list(kind, tensor, tensors, root, group_root, group):
    """The checks gather and scatter share: the root rank, then the root's tensor list (its
    side is "output" for gather, "input" for scatter, as gloo's messages name it)."""
    _check_tensor(tensor)
    g = _group(group)
    root = (
        0 if root is None and group_root is None else (root if group_root is None else group_root)
    )
    _check_root(kind, root, g)
    name, rank, side = (
        ("gather_list", "destination", "output")
        if kind == "gather"
        else ("scatter_list", "source", "input")
    )
    if tensors is None:
        raise ValueError(f"Argument ``{name}`` must be specified on {rank} rank.")
    _check_tensor_list(tensors, name)
    if len(tensors) != g.size():
        raise RuntimeError(
            f"ProcessGroupGloo::{kind}: Incorrect {side} list size {len(tensors)}. "
            f"{side.capitalize()} list size should be {g.size()}, same as size of the process "
            "group."
        )


def gather(tensor, gather_list=None, dst=None, group=None, async_op=False, group_dst=None):
    _root_list("gather", tensor, gather_list, dst, group_dst, group)
    _copy_into(gather_list[0], tensor)
    return _done(async_op)


def scatter(tensor, scatter_list=None, src=None, group=None, async_op=False, group_src=None):
    _root_list("scatter", tensor, scatter_list, src, group_src, group)
    _copy_into(tensor, scatter_list[0])
    return _done(async_op)


def _through_pickle(obj):
    """An object as another rank receives it: pickled and unpickled (a copy)."""
    return pickle.loads(pickle.dumps(obj))


def all_gather_object(object_list, obj, group=None):
    _group(group)
    object_list[0] = _through_pickle(obj)


def gather_object(obj, object_gather_list=None, dst=None, group=None, group_dst=None):
    _group(group)
    if object_gather_list is not None:
        object_gather_list[0] = _through_pickle(obj)


def broadcast_object_list(object_list, src=None, group=None, device=None, group_src=None):
    _check_root("broadcast", 0 if src is None else src, _group(group))


def scatter_object_list(
    scatter_object_output_list, scatter_object_input_list=None, src=None, group=None, group_src=None
):
    _group(group)
    if scatter_object_input_list is not None:
        scatter_object_output_list[0] = _through_pickle(scatter_object_input_list[0])


from torchlike._missing import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__)
