"""``torch.optim.Optimizer``: parameter groups, per-parameter state, hooks and state dicts.

The bookkeeping is PyTorch's (same group dicts, same state keys, same ``state_dict`` layout, so
checkpoints move between torch and torchlike).  The arithmetic is not a Python loop over
tensors: each optimizer supplies a *kernel*, a pure function from lists of JAX arrays (params,
grads, state) and a dict of float hyperparameters to the new arrays.  ``_fused_update`` runs that
kernel ``jax.jit``-compiled over every parameter of a group at once and writes the results back
into the very same Tensor objects (version counters bumped), so ``optimizer.state[p]['exp_avg']``
stays the object a user holds.  Compiled code is cached by the kernel's static flags and JAX's
own cache of pytree structure, shapes and dtypes; hyperparameters are traced arguments, so a
learning-rate schedule never recompiles.
"""

from __future__ import annotations

import copy
import functools
import itertools
import warnings
from collections import OrderedDict, defaultdict

import jax
import jax.numpy as jnp

from .. import _caches, _meta
from .. import _dtype as D
from .._tensor import _TYPE_NAMES, Tensor
from ..autograd import grad_mode
from ..autograd.graph import RemovableHandle

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    """Marks a default that every parameter group must supply (``lr`` of old optimizers)."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()

_global_optimizer_pre_hooks: OrderedDict = OrderedDict()
_global_optimizer_post_hooks: OrderedDict = OrderedDict()


def register_optimizer_step_pre_hook(hook) -> RemovableHandle:
    handle = RemovableHandle(_global_optimizer_pre_hooks)
    _global_optimizer_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook) -> RemovableHandle:
    handle = RemovableHandle(_global_optimizer_post_hooks)
    _global_optimizer_post_hooks[handle.id] = hook
    return handle


def _typename(obj) -> str:
    if isinstance(obj, Tensor):
        return _TYPE_NAMES.get(obj.dtype, "torch.Tensor")
    module = type(obj).__module__
    qualname = type(obj).__qualname__
    return qualname if module in ("builtins", "__builtin__", None) else f"{module}.{qualname}"


def _with_step_hooks(step):
    """Wrap a subclass's ``step`` so the global and per-instance step hooks run around it."""

    @functools.wraps(step)
    def hooked_step(self, *args, **kwargs):
        for pre_hook in itertools.chain(
            _global_optimizer_pre_hooks.values(), self._optimizer_step_pre_hooks.values()
        ):
            result = pre_hook(self, args, kwargs)
            if result is not None:
                if isinstance(result, tuple) and len(result) == 2:
                    args, kwargs = result
                else:
                    raise RuntimeError(
                        f"{step} must return None or a tuple of (new_args, "
                        f"new_kwargs), but got {result}."
                    )
        out = step(self, *args, **kwargs)
        for post_hook in itertools.chain(
            self._optimizer_step_post_hooks.values(), _global_optimizer_post_hooks.values()
        ):
            post_hook(self, args, kwargs)
        return out

    hooked_step.hooked = True
    return hooked_step


class Optimizer:
    """Base class for all optimizers (``torch.optim.Optimizer``)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "hooked", False):
            cls.step = _with_step_hooks(step)

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._init_hook_dicts()
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of "
                "Tensors or dicts, but got " + _typename(params)
            )
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list = []
        groups = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)
        if defaults.get("fused"):
            # Checked where PyTorch checks them: once, at construction.
            if defaults.get("differentiable"):
                raise RuntimeError("`fused` does not support `differentiable`")
            if defaults.get("foreach"):
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def _init_hook_dicts(self):
        for name in (
            "_optimizer_step_pre_hooks",
            "_optimizer_step_post_hooks",
            "_optimizer_state_dict_pre_hooks",
            "_optimizer_state_dict_post_hooks",
            "_optimizer_load_state_dict_pre_hooks",
            "_optimizer_load_state_dict_post_hooks",
        ):
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())

    # -- pickling (``copy.deepcopy(opt)``, multiprocessing) ---------------------------------------
    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._init_hook_dicts()
        self.defaults.setdefault("differentiable", False)

    def __repr__(self):
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            text += "".join(
                f"    {key}: {group[key]}\n" for key in sorted(group) if key != "params"
            )
        return text + ")"

    # -- hooks ------------------------------------------------------------------------------------
    @staticmethod
    def _register(hooks: OrderedDict, hook, prepend=False) -> RemovableHandle:
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def register_step_pre_hook(self, hook) -> RemovableHandle:
        return self._register(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook) -> RemovableHandle:
        return self._register(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False) -> RemovableHandle:
        return self._register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False) -> RemovableHandle:
        return self._register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False) -> RemovableHandle:
        return self._register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False) -> RemovableHandle:
        return self._register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # -- state dicts ------------------------------------------------------------------------------
    def state_dict(self):
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}``.

        Parameters are numbered in group order; the tensors in ``state`` are the optimizer's own
        (not copies), exactly as in PyTorch."""
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        index_of: dict = {}
        packed_groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            first = len(index_of)
            for offset, p in enumerate(group["params"]):
                index_of.setdefault(id(p), first + offset)
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            packed_groups.append(packed)
        packed_state = {
            (index_of[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()
        }
        state_dict = {"state": packed_state, "param_groups": packed_groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    @staticmethod
    def _process_value_according_to_param_policy(param, value, param_id, param_groups, key=None):
        if key == "step":
            fused = capturable = False
            for group in param_groups:
                if param_id in group["params"]:
                    fused = group.get("fused", False)
                    capturable = group.get("capturable", False)
                    break
            return value.to(dtype=D.float32) if (fused or capturable) else value
        if param.is_floating_point():
            return value.to(dtype=param.dtype)
        return value

    def load_state_dict(self, state_dict):
        state_dict = state_dict.copy()
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match "
                "the size of optimizer's group"
            )
        param_of = dict(
            zip(
                itertools.chain.from_iterable(s["params"] for s in saved_groups),
                itertools.chain.from_iterable(g["params"] for g in groups),
            )
        )

        def cast(param, value, param_id, key=None):
            if isinstance(value, Tensor):
                return self._process_value_according_to_param_policy(
                    param, value, param_id, state_dict["param_groups"], key
                )
            if isinstance(value, dict):
                return {k: cast(param, v, param_id, k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v, param_id) for v in value)
            return value

        state: defaultdict = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in param_of:
                state[param_of[k]] = cast(param_of[k], v, k)
            else:
                state[k] = v

        new_groups = []
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
            new_groups.append(saved)
        self.__setstate__({"state": state, "param_groups": new_groups})
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)

    # -- gradients --------------------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True):
        for group in self.param_groups:
            for p in group["params"]:
                grad = p._grad
                if grad is None:
                    continue
                if set_to_none:
                    p._set_grad(None)
                else:
                    if grad.grad_fn is not None:
                        grad.detach_()
                    else:
                        grad.requires_grad_(False)
                    grad._write_data(jnp.zeros_like(grad._value))

    @_with_step_hooks
    def step(self, closure=None):
        """One update of every parameter that has a gradient (``_step_group`` per group)."""
        loss = self._closure_loss(closure)
        with grad_mode.no_grad():
            for group in self.param_groups:
                params = [p for p in group["params"] if p.grad is not None]
                if params:
                    self._check_step_flags(group, params)
                    if self._sparse_refusal is not None and any(p.grad.is_sparse for p in params):
                        raise RuntimeError(self._sparse_refusal)
                    self._step_group(group, params)
        return loss

    # PyTorch's refusal of sparse gradients (None: the optimizer takes them, as SGD and Adagrad
    # do, whose dense update of a sparse gradient's rows is the same arithmetic)
    @property
    def _sparse_refusal(self):
        return f"{type(self).__name__} does not support sparse gradients"

    # Devices PyTorch's capturable kernels run on, and what it calls the checked tensors; CPU
    # is not among them, so ``capturable=True`` on CPU fails at the first step as in PyTorch.
    _capturable_devices = "['cuda', 'xpu', 'hpu', 'privateuseone', 'xla']"
    _capturable_tensors = "params and state_steps"

    def _check_step_flags(self, group, params):
        # The fused kernels ignore the flag.
        if (
            group.get("capturable")
            and not group.get("fused")
            and any(p.device.type == "cpu" for p in params)
        ):
            raise AssertionError(
                f"If capturable=True, {self._capturable_tensors} must be on "
                f"supported devices: {self._capturable_devices}."
            )
        if group.get("differentiable") and any(p.is_leaf and p.requires_grad for p in params):
            # A differentiable step updates in place with grad mode on: on a leaf that
            # requires grad that is PyTorch's in-place error.
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            )
        if group.get("differentiable") and any(p.requires_grad for p in params):
            # PyTorch records the update in the graph; the compiled kernel cannot, and a step
            # that silently drops the graph would give wrong higher-order gradients.
            raise NotImplementedError(
                "torchlike: optimizer steps with differentiable=True "
                "through non-leaf parameters are not supported yet"
            )

    def _step_group(self, group, params):
        raise NotImplementedError

    def _zero_state(self, params, keys):
        """First step: ``state['step']`` and zero buffers named ``keys[1:]`` per parameter."""
        for p in params:
            state = self.state[p]
            if len(state) == 0:
                state["step"] = _step_tensor()
                value = p._value
                for key in keys[1:]:
                    state[key] = _new_tensor(
                        _meta.like(value) if _meta.is_meta(value) else jnp.zeros_like(value)
                    )

    def _upgrade_step_state(self):
        """Old checkpoints keep ``state['step']`` as a number; PyTorch 2.x keeps a tensor."""
        for group in self.param_groups:
            for p in group["params"]:
                p_state = self.state.get(p, {})
                if p_state and not isinstance(p_state["step"], Tensor):
                    p_state["step"] = _step_tensor(float(p_state["step"]))

    def add_param_group(self, param_group):
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, "
                "but the ordering of tensors in sets will change between runs. "
                "Please use a list instead."
            )
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        param_group["params"] = params
        if names:
            if len(names) != len(params):
                raise ValueError(
                    "all optimizer params should be with/without names. Some param "
                    "names are missing"
                )
            param_group["param_names"] = names

        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is " + _typename(p)
                )
            if not self.defaults.get("differentiable", None) and not (p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    "parameter group didn't specify a value of required "
                    f"optimization parameter {name}"
                )
            param_group.setdefault(name, default)

        if len({id(p) for p in params}) != len(params):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in "
                "future, this will cause an error; see "
                "github.com/pytorch/pytorch/issues/40967 for more information",
                stacklevel=3,
            )
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {which} to the optimizer"
                )
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # -- helpers shared by the built-in optimizers ------------------------------------------------
    @staticmethod
    def _closure_loss(closure):
        if closure is None:
            return None
        with grad_mode.enable_grad():
            return closure()


# ------------------------------------------------------------------------------------ the engine
def _scalar_dtype():
    """Dtype of the ``step`` counters: float64 under a float64 default dtype, else float32."""
    return D.float64 if D.get_default_dtype() is D.float64 else D.float32


def _new_tensor(value) -> Tensor:
    return Tensor._make(value, D._BY_NP[value.dtype])


def _step_tensor(value=0.0) -> Tensor:
    dtype = _scalar_dtype()
    return Tensor._make(jnp.asarray(value, dtype._np), dtype)


def _as_float(x):
    return float(x.item()) if isinstance(x, Tensor) else float(x)


def _as_real(x):
    """PyTorch updates complex parameters through ``view_as_real``: real and imaginary parts are
    separate coordinates (it matters for the elementwise second moments)."""
    return jnp.stack([x.real, x.imag], axis=-1)


def _as_complex(x, dtype):
    return jax.lax.complex(x[..., 0], x[..., 1]).astype(dtype)


def _realify(kernel):
    """Run ``kernel`` on real views of complex parameters and convert the results back."""

    def wrapped(params, grads, states, hyper, **flags):
        complex_at = [jnp.iscomplexobj(p) for p in params]
        if not any(complex_at):
            return kernel(params, grads, states, hyper, **flags)

        def down(xs):
            return [
                (_as_real(x) if c and x is not None and jnp.iscomplexobj(x) else x)
                for x, c in zip(xs, complex_at)
            ]

        new_params, new_states = kernel(
            down(params), down(grads), {k: down(v) for k, v in states.items()}, hyper, **flags
        )

        def up(xs, like):
            return [
                (_as_complex(x, p.dtype) if c and x is not None and x.ndim == p.ndim + 1 else x)
                for x, c, p in zip(xs, complex_at, like)
            ]

        return up(new_params, params), {k: up(v, params) for k, v in new_states.items()}

    return wrapped


_COMPILED = _caches.LRUCache("optim.kernels", max_entries=256)


def _compiled(kernel, flags: tuple):
    key = (kernel, flags)
    fn = _COMPILED.get(key)
    if fn is None:
        fn = _COMPILED.put(key, jax.jit(functools.partial(_realify(kernel), **dict(flags))))
    return fn


# One device scalar per distinct value, not per combination: a scheduler that changes ``lr``
# every step would otherwise add a whole set of arrays (lr, momentum, weight_decay …) per step,
# kept alive by the cache long after the value is gone.  64 values cover the hyperparameters of
# many groups; a changing lr only ever recycles the least recent slots, so live arrays stay flat.
_HYPER_CACHE = _caches.LRUCache("optim.hyperparameters", max_entries=64)


def _hyper_scalar(value: float, dtype):
    # (keyed by JAX's default device too: a scalar made while another one was the default
    # lives there, and would make the kernel compile and copy for it)
    key = (value, dtype, jax.config.jax_default_device)
    array = _HYPER_CACHE.get(key)
    if array is None:
        array = _HYPER_CACHE.put(key, jnp.asarray(value, dtype))
    return array


def _hyper_arrays(hyper: dict) -> dict:
    """The hyperparameters as float64 device scalars (traced, so new values never recompile).

    Converting Python floats costs a host-to-device transfer per value and call; the same
    values recur step after step (a scheduler changes ``lr`` at most once a step), so the
    converted scalars are memoised, each value on its own."""
    dtype = jnp.float64 if jax.config.jax_enable_x64 else jnp.float32
    return {k: _hyper_scalar(float(v), dtype) for k, v in hyper.items()}


def _committed(value, traced):
    """Whether ``value`` is placed on a device explicitly (``traced``: the answer for a tracer
    of torch.compile, which has no placement)."""
    if isinstance(value, jax.core.Tracer):
        return traced
    return getattr(value, "committed", traced)


def _commit_states(states, like):
    """States made uncommitted (the step counter) placed where the committed parameters are:
    once a tensor has left the default device every array is placed explicitly, and a kernel
    seeing an uncommitted step on its first call and a committed one after would compile
    twice."""
    device = None
    for tensors in states.values():
        for t in tensors:
            if t is not None and not _committed(t._value, True):
                if device is None:
                    device = next(iter(like.devices()))
                t._write_data(jax.device_put(t._value, device))


def _fused_update(kernel, flags: dict, params, grads, states: dict, hyper: dict):
    """One compiled ``kernel`` call over all ``params`` of a group, written back in place.

    ``states`` maps a state key to a per-parameter list of Tensors (or None where the state does
    not exist yet; the kernel then creates it).  Returns ``states`` with the new Tensors filled
    in.  Parameters keep their identity; their values are replaced and versions bumped, as the
    in-place updates of PyTorch's optimizers do under ``no_grad``."""
    fn = _compiled(kernel, tuple(sorted(flags.items())))
    meta = any(_meta.is_meta(p._value) for p in params)
    if meta:
        fn = _meta.shapes_only(fn)  # meta parameters: new states and values of their shapes
    elif _committed(params[0]._value, False):
        _commit_states(states, params[0]._value)
    new_params, new_states = fn(
        [p._value for p in params],
        [g.to_dense()._value if g.is_sparse else g._value for g in grads],
        {k: [t._value if t is not None else None for t in ts] for k, ts in states.items()},
        _hyper_arrays(hyper),
    )
    for p, value in zip(params, new_params):
        p._write_data(value)
    out = {}
    for key, tensors in states.items():
        values = new_states[key]
        updated = []
        for t, value in zip(tensors, values):
            if value is None:
                updated.append(t)
                continue
            if meta and key == "step" and _meta.is_meta(value):
                # the step counter stays a CPU number beside meta parameters, as in PyTorch
                value = jnp.ones((), value.dtype) if t is None else t._value + 1
            if t is None:
                t = _new_tensor(value)
            else:
                t._write_data(value)
            updated.append(t)
        out[key] = updated
    return out


# ---------------------------------------------------------------------- arithmetic of the kernels
# PyTorch's CPU kernels compute float tensors in their own precision with Python scalars cast
# to that precision, and the step-dependent scalars (bias corrections) in double on the host.
# These helpers keep the same split so trajectories agree to rounding.
def _c(x, like):
    """A scalar hyperparameter cast to the computation dtype of ``like``."""
    return jnp.asarray(x, dtype=like.dtype)


def _lerp(start, end, weight, small_weight=True):
    """``start.lerp_(end, weight)`` for a scalar weight, in PyTorch's two-sided form; which side
    (``|weight| < 0.5``) is a static flag of the kernel."""
    w = _c(weight, start)
    if small_weight:
        return start + w * (end - start)
    return end - (end - start) * (1 - w)


def _addcmul(x, a, b, value):
    """``x.addcmul_(a, b, value=value)``."""
    return x + _c(value, x) * a * b


def _addcdiv(x, a, b, value):
    """``x.addcdiv_(a, b, value=value)`` as PyTorch's CPU kernel rounds it: ``value * a``
    first, then the division (not ``value * (a / b)``, its CUDA kernel's order)."""
    return x + (_c(value, x) * a) / b


def _f64(step):
    return step.astype(jnp.float64) if jax.config.jax_enable_x64 else step.astype(jnp.float32)
