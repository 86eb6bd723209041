"""Where tensors live: ``torch.device`` <-> JAX devices, the default device, cross-device checks.

- ``'cpu'`` is JAX's first CPU device; ``'cuda:N'`` is JAX's N-th GPU (``'cuda'`` alone means the
  current device, ``torch.cuda.current_device()``); ``'xla:N'`` is the N-th TPU, as PyTorch/XLA
  names it.  A tensor's ``device`` is read from where its JAX array actually is.
- PyTorch creates tensors on the CPU unless told otherwise, so torchlike pins JAX's default device
  to the CPU at import even where JAX would pick a GPU: a script that never says ``cuda`` computes
  on the CPU, and ``.to('cuda')`` / ``device='cuda'`` move work to the GPU.
  ``torch.set_default_device`` changes the default for factories, as in PyTorch.
- Opt-in: ``TORCHLIKE_DEVICE=cuda`` (or ``xla``, or ``cuda:1``) in the environment makes that
  device the default from the start, so an unmodified CPU script runs on the accelerator (its
  tensors then report that device, truthfully).
- Ops check their tensor operands are on one device, with PyTorch's error, once any tensor has
  been placed away from the default device (before that, every array is on the default device
  and the check costs nothing).  0-d CPU tensors mix with accelerator tensors, as in PyTorch.
  After that (a GPU program always), ``prepare`` checks an op's operands in one pass over their
  shardings, and views of one device's tensors are still read inside the op's own program.
- Tests only: ``TORCHLIKE_TEST_HOST_DEVICES_AS_CUDA=1`` lets JAX's extra host devices (forced with
  ``XLA_FLAGS=--xla_force_host_platform_device_count=N``) stand in for GPUs 0..N-2, so the
  placement logic is exercised on a machine without one.  Never set it outside tests.

- ``'meta'`` (``_meta.py``): tensors with a shape and a dtype but no data; ops on them compute
  only their results' shapes and dtypes.  Once a meta tensor exists (``META_SEEN``), ``apply``
  looks for a meta operand (``_meta.any_meta``, a type test) and, where it finds one, runs the
  check above (with PyTorch's meta wording), which also tells it to compute shapes only.  The
  other devices' checks stay off: building a model on the meta device does not slow the rest
  of the process.

Ground module: imports only jax, ``_meta`` and ``_size``.
"""

from __future__ import annotations

import functools
import os

import jax

from . import _meta, _size
from ._size import device

CPU = device("cpu")
META = device("meta")
MIXED = [False]  # set once a tensor is placed on another real device than the default
# set once a meta tensor exists: ops then look for meta operands (a cheap type test), while
# the device checks and placements that MIXED turns on stay off for a process whose only
# other "device" is meta (``with torch.device('meta'):`` model building, then ``to_empty``)
META_SEEN = [False]
_state = {"default": CPU, "current_cuda": 0}


@functools.lru_cache(maxsize=1)
def _cpu_devices() -> tuple:
    return tuple(jax.devices("cpu"))


def accelerators(kind: str) -> tuple:
    """JAX's devices that ``kind`` ('cuda' or 'xla') names, in index order (may be empty)."""
    if kind == "cuda":
        return _size.jax_gpus()
    if kind == "xla":
        return _tpus()
    return ()


@functools.lru_cache(maxsize=64)
def _torch_device_of(jdev) -> device:
    if jdev is _meta.META_JAX_DEVICE:
        return META
    if jdev in _cpu_devices()[:1] or (jdev.platform == "cpu" and jdev not in accelerators("cuda")):
        return CPU
    for kind in ("cuda", "xla"):
        found = accelerators(kind)
        if jdev in found:
            return device(kind, found.index(jdev))
    return device(jdev.platform, jdev.id)


def of_array(value) -> device:
    """The torch.device of a JAX array (CPU for tracers and other abstract values)."""
    try:
        devs = value.devices()
    except Exception:  # tracers have no device
        return CPU
    if len(devs) != 1:
        return CPU
    return _torch_device_of(next(iter(devs)))


def normalize(dev) -> device:
    """``dev`` (str, int, torch.device) with the index filled in for accelerators."""
    if isinstance(dev, int) and not isinstance(dev, bool):
        dev = device("cuda", dev)
    elif not isinstance(dev, device):
        dev = device(dev)
    if dev.type == "cuda" and dev.index is None:
        return device("cuda", _state["current_cuda"])
    if dev.type == "xla" and dev.index is None:
        return device("xla", 0)
    if dev.type == "cpu" and dev.index is not None:
        return CPU
    return dev


def to_jax(dev):
    """The JAX device behind a torch.device (raises PyTorch's error for one this machine lacks)."""
    dev = normalize(dev)
    if dev.type == "cpu":
        return _cpu_devices()[0]
    found = accelerators(dev.type)
    if dev.type == "cuda":
        if not found:
            raise AssertionError("Torch not compiled with CUDA enabled")
        if not 0 <= dev.index < len(found):
            raise RuntimeError("CUDA error: invalid device ordinal")
        return found[dev.index]
    if dev.type == "xla":
        if not found:
            raise RuntimeError("torchlike: no TPU (xla) device is available to JAX")
        if not 0 <= dev.index < len(found):
            raise RuntimeError(f"torchlike: xla:{dev.index} is not a device JAX has")
        return found[dev.index]
    if dev.type == "mps":
        raise RuntimeError("PyTorch is not linked with support for mps devices")
    raise RuntimeError(f"torchlike cannot place tensors on {dev.type}")


def default() -> device:
    return _state["default"]


def place(value, dev):
    """``value`` on ``dev`` (a copy when it lives elsewhere, the same array otherwise)."""
    dev = normalize(dev)
    if of_array(value) == dev:
        return value
    if dev.type == "meta":
        META_SEEN[0] = True
        return _meta.like(value)
    if dev != CPU or _state["default"] not in (CPU, META):
        MIXED[0] = True
    if _meta.is_meta(value):
        raise NotImplementedError(_meta.NO_DATA)
    return jax.device_put(value, to_jax(dev))


@functools.lru_cache(maxsize=1)
def _tpus() -> tuple:
    try:
        return tuple(jax.devices("tpu"))
    except RuntimeError:  # no TPU backend
        return ()


def for_factory(value, dev):
    """A factory's array on ``dev`` (None: the default device).  Where the machine has an
    accelerator the array is committed to its device, so that an op mixing it with another
    device's tensor raises PyTorch's error instead of JAX moving it silently; host-made
    constants inside ops stay uncommitted and follow their op's device."""
    if dev is None:
        dev = _state["default"]
        if dev is CPU and not (accelerators("cuda") or _tpus()):
            return value
    dev = normalize(dev)
    if dev.type == "meta":
        META_SEEN[0] = True
        return _meta.like(value)
    if dev != CPU:
        MIXED[0] = True
    return jax.device_put(value, to_jax(dev))


def factory_is_meta(dev) -> bool:
    """Whether a factory called with ``device=dev`` makes a meta tensor (so it need compute
    no values: ``torch.empty(n, device='meta')`` allocates nothing, however large ``n``)."""
    if dev is None:
        return _state["default"].type == "meta"
    return (dev.type if isinstance(dev, device) else str(dev)) == "meta"


def keep(value, current):
    """``value`` on the device of ``current`` (a write into an existing tensor never moves it:
    ``cuda_tensor.copy_(cpu_tensor)``, samplers filling an accelerator tensor)."""
    d = of_array(current)
    if of_array(value) == d:
        return value
    if d.type == "meta":
        return _meta.like(value)
    if _meta.is_meta(value):
        raise NotImplementedError(_meta.NO_DATA)
    return jax.device_put(value, to_jax(d))


def set_default(dev) -> None:
    dev = CPU if dev is None else normalize(dev)
    if dev.type == "meta":  # only factories read it: JAX's own default stays where it was
        _state["default"] = META
        META_SEEN[0] = True
        return
    jdev = to_jax(dev)
    _state["default"] = dev
    if dev != CPU:
        MIXED[0] = True
    elif jax.default_backend() == "cpu":
        # back to the start (``from_environment`` pins nothing on a CPU backend): JAX keys its
        # compiled programs by this setting too, and on JAX 0.4 a pinned CPU would compile every
        # op once more after a ``with torch.device('cpu'):``
        jdev = None
    jax.config.update("jax_default_device", jdev)


def _enter(self):
    """``with torch.device(d):``: factories (and so modules' parameters) make tensors on
    ``d`` inside the block, as PyTorch's device context does."""
    _CONTEXTS.append(_state["default"])
    set_default(self)
    return self


def _exit(self, *exc):
    set_default(_CONTEXTS.pop())


_CONTEXTS: list = []
# (the class lives in ``_size``, below this module; the default device it switches lives here)
device.__enter__ = _enter
device.__exit__ = _exit


def set_current_cuda(index: int) -> None:
    _state["current_cuda"] = index


def current_cuda() -> int:
    return _state["current_cuda"]


def check_same(vals):
    """PyTorch's error when an op's tensor operands live on different devices (0-d CPU tensors
    excepted: PyTorch treats them as scalars).  Returns the operands' device (None: no
    committed operand); ``META`` tells ``apply`` to compute only shapes and dtypes."""
    first = None
    for v in vals:
        # uncommitted arrays (constants made inside ops) follow the op's device, as in JAX;
        # a tracer (torch.compile, torch.func) has no placement to check
        if isinstance(v, jax.core.Tracer) or not getattr(v, "committed", False):
            continue
        d = of_array(v)
        if d == CPU and getattr(v, "ndim", 1) == 0:
            continue
        if first is None:
            first = d
        elif d != first:
            if d.type == "meta" or first.type == "meta":
                raise RuntimeError(f"Tensor on device {d} is not on the expected device {first}!")
            raise RuntimeError(
                "Expected all tensors to be on the same device, but found at least two devices, "
                f"{first} and {d}!"
            )
    if first is META:
        _check_meta_operands(vals)
    return first


def _check_meta_operands(vals) -> None:
    """A meta operand beside a CPU tensor that is not 0-d: PyTorch's error, which names the
    first operand's device as the expected one (the committed-only pass above skips the CPU
    arrays that factories leave uncommitted on a machine without accelerators)."""
    expected = None
    for v in vals:
        if not hasattr(v, "devices") or getattr(v, "ndim", 1) == 0 and of_array(v) == CPU:
            continue
        d = of_array(v)
        if expected is None:
            expected = d
        elif d != expected:
            raise RuntimeError(f"Tensor on device {d} is not on the expected device {expected}!")


# ``on_one_device``'s memo: id of a sharding -> (the sharding, its torch.device).  JAX's results of one
# executable share their sharding objects, so a loop's operands hit it; the sharding itself is
# kept so that a reused id never maps to another device.  Bounded.
_DEVICE_OF_SHARDING: dict = {}
_ARRAY_TYPE: list = []
_NOT_ARRAYS = frozenset((int, float, bool, complex, type(None)))


def prepare(vals):
    """An op's operands checked (PyTorch's error for two devices) and ready for its call (0-d
    CPU ones moved to the others' device), and whether the op is on meta (its results' shapes
    only): ``on_one_device``'s single pass where it applies, else ``check_same`` and
    ``align_scalars``."""
    ready = on_one_device(vals)
    if ready is not None:
        return ready, False
    meta = check_same(vals) is META
    return align_scalars(vals), meta


def on_one_device(vals):
    """``check_same`` then ``align_scalars`` in one pass and without the per-array device
    queries, where every array operand is a concrete array committed to a device (the common
    case once tensors live on an accelerator): the operands (a new list where 0-d CPU ones
    moved to the others' device, else ``vals`` itself).  None where that does not hold or
    the devices differ."""
    if not _ARRAY_TYPE:
        _ARRAY_TYPE.append(type(jax.device_put(0)))
    array = _ARRAY_TYPE[0]
    memo = _DEVICE_OF_SHARDING
    first = None
    scalars = None  # positions of 0-d CPU arrays
    for k, v in enumerate(vals):
        t = type(v)
        if t is not array:
            if t in _NOT_ARRAYS:
                continue
            return None
        if not v.committed:
            return None
        s = v.sharding
        e = memo.get(id(s))
        if e is None or e[0] is not s:
            if len(memo) >= 256:
                memo.clear()
            e = memo[id(s)] = (s, of_array(v))
        d = e[1]
        if d is CPU and v.ndim == 0:
            if scalars is None:
                scalars = []
            scalars.append(k)
            continue
        if first is None:
            first = d
        elif d != first:
            return None
    if scalars is None or first is None or first is CPU:
        return vals
    jdev = to_jax(first)
    moved = list(vals)
    for k in scalars:
        moved[k] = jax.device_put(moved[k], jdev)
    return moved


def align_scalars(vals):
    """Move 0-d CPU operands onto the device of the others (PyTorch's CPU-scalar rule)."""
    target = None
    for v in vals:
        if hasattr(v, "devices") and (getattr(v, "ndim", 1) != 0 or of_array(v) != CPU):
            target = of_array(v)
            break
    if target is None or target == CPU or target is META:  # (meta: shapes are all it reads)
        return vals
    jdev = to_jax(target)
    return [
        jax.device_put(v, jdev)
        if hasattr(v, "devices") and getattr(v, "ndim", 1) == 0 and of_array(v) == CPU
        else v
        for v in vals
    ]


def from_environment() -> None:
    """Pin JAX's default device: the CPU, or the device ``TORCHLIKE_DEVICE`` names."""
    wanted = os.environ.get("TORCHLIKE_DEVICE")
    if wanted:
        set_default(wanted)
    elif jax.default_backend() != "cpu":
        jax.config.update("jax_default_device", _cpu_devices()[0])
