"""The state a compiled call can see, found by walking from its roots.

The roots are the call's arguments and what the function closes over: its closure cells, the
globals its code names, ``self`` of a bound method, a compiled module.  The walk goes through
Modules (parameters, buffers, submodules, attributes), Optimizers (param groups, per-parameter
state), Tensors (and their ``.grad``), containers and plain objects, and gives

* ``key``: a hashable description of everything a replay depends on besides tensor values —
  tensor shapes, dtypes, requires_grad, hooks, ``module.training``, Python scalars, container
  lengths, which objects are the same object.  Equal keys mean the same program applies.
* ``paths``: where each tensor sits (``(root, step, step …)``), so a compiled call reads and
  writes the tensors that are there *now* (a parameter or ``.grad`` replaced by a new tensor
  is picked up, not a stale one).

A learning rate (``param_groups[i]["lr"]``, a Python float) is not part of the key once a
trace has made it an input (``fed``): a scheduler changing it does not recompile.  Which fed
rates are equal is (groups with one rate share one input of the program).
"""

from __future__ import annotations

import types

from .._tensor import Tensor
from ..nn.modules import module as _module
from ..nn.modules.module import Module
from ..optim.optimizer import Optimizer

_PLAIN = (int, float, bool, str, bytes, complex, type(None))
_SKIP_MODULES = ("torchlike", "jax", "jaxlib", "numpy", "builtins", "functools", "typing")
_MAX_DEPTH = 6
_HOOK_DICTS = (
    "_forward_pre_hooks",
    "_forward_hooks",
    "_backward_hooks",
    "_backward_pre_hooks",
)


def _library_function(fn) -> bool:
    mod = getattr(fn, "__module__", None) or ""
    return mod.split(".")[0] in _SKIP_MODULES


def _code_names(code, out):
    out.update(code.co_names)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            _code_names(c, out)
    return out


class Walk:
    """One walk of the roots (see the module docstring)."""

    def __init__(self, fed=frozenset(), snapshot=False):
        self.key = []
        self.tensors = []  # (path, tensor)
        self.by_path = {}
        self.lrs = []  # (path, float): learning rates that may be fed as inputs
        self._lr_classes = {}
        self.fed = fed
        self.snapshot = [] if snapshot else None
        self._seen = {}
        self._keep = []

    # ------------------------------------------------------------------------------ visiting
    def visit(self, obj, path, depth=0):
        if isinstance(obj, _PLAIN):
            self.key.append((path, obj.__class__, obj))
            return
        i = id(obj)
        seen = self._seen.get(i)
        if seen is not None:
            self.key.append((path, "same", seen))
            return
        self._seen[i] = path
        self._keep.append(obj)
        if isinstance(obj, Tensor):
            self._tensor(obj, path)
        elif isinstance(obj, Module):
            self._module(obj, path, depth)
        elif isinstance(obj, Optimizer):
            self._optimizer(obj, path, depth)
        elif isinstance(obj, (types.ModuleType, type)) or callable(obj) and _library_function(obj):
            self.key.append((path, "id", i))
        elif isinstance(obj, types.FunctionType):
            self._function(obj, path, depth)
        elif isinstance(obj, types.MethodType):
            self.visit(obj.__self__, path + (("self",),), depth)
            self.visit(obj.__func__, path + (("func",),), depth)
        elif depth >= _MAX_DEPTH:
            self.key.append((path, "id", i))
        elif isinstance(obj, dict):
            self._dict(obj, path, depth)
        elif isinstance(obj, (list, tuple)):
            self.key.append((path, type(obj), len(obj)))
            if self.snapshot is not None and isinstance(obj, list):
                self.snapshot.append(("list", obj, list(obj)))
            for k, v in enumerate(obj):
                self.visit(v, path + (("i", k),), depth + 1)
        elif isinstance(obj, (set, frozenset)):
            self.key.append((path, type(obj), len(obj)))
        elif hasattr(obj, "__dict__") and not isinstance(obj, type):
            self.key.append((path, "obj", type(obj)))
            self._dict(vars(obj), path + (("dict",),), depth, attrs=True)
        else:
            self.key.append((path, "id", i))

    def _tensor(self, t, path):
        grad = t._grad
        # (a view's shape from its cached value: reading ``_value`` would re-read a stale view)
        value = t._storage.data if t._geom is None else t._cache
        self.key.append(
            (
                path,
                "T",
                value.shape,
                t._dtype,
                t._requires_grad,
                t._grad_fn is None,
                t._geom is None,
                t._retains_grad,
                tuple(t._leaf_hooks) if t._leaf_hooks else (),
                None if grad is None else (tuple(grad.shape), grad._dtype),
            )
        )
        self.tensors.append((path, t))
        self.by_path[path] = t
        if self.snapshot is not None:
            self.snapshot.append(("tensor", t, _tensor_fields(t)))
        if grad is not None:
            self.visit(grad, path + (("grad",),))

    def _module(self, m, path, depth):
        d = m.__dict__
        self.key.append(
            (path, "M", type(m), d.get("training"), tuple(tuple(d.get(h, ())) for h in _HOOK_DICTS))
        )
        if self.snapshot is not None:
            self.snapshot.append(("dict", d, dict(d)))
            for name in ("_parameters", "_buffers", "_modules"):
                self.snapshot.append(("dict", d[name], dict(d[name])))
        for name, p in d["_parameters"].items():
            self.visit(p, path + (("param", name),), depth)
        for name, b in d["_buffers"].items():
            self.visit(b, path + (("buffer", name),), depth)
        for name, sub in d["_modules"].items():
            self.visit(sub, path + (("module", name),), depth)
        for name, v in d.items():
            if name.startswith("_") or name == "training":
                continue
            self.visit(v, path + (("attr", name),), depth + 1)

    def _optimizer(self, opt, path, depth):
        self.key.append((path, "O", type(opt), len(opt.param_groups)))
        state = opt.state
        if self.snapshot is not None:
            self.snapshot.append(("dict", state, dict(state)))
        for gi, group in enumerate(opt.param_groups):
            if self.snapshot is not None:
                self.snapshot.append(("dict", group, dict(group)))
            self.key.append((path, "group", gi, tuple(group)))
            params = group["params"]
            for pi, p in enumerate(params):
                self.visit(p, path + (("group", gi, pi),), depth)
                st = state.get(p) if isinstance(p, Tensor) else None
                if st is None:
                    self.key.append((path, "nostate", gi, pi))
                    continue
                if self.snapshot is not None:
                    self.snapshot.append(("dict", st, dict(st)))
                self.key.append((path, "state", gi, pi, tuple(st)))
                for k, v in st.items():
                    self.visit(v, path + (("state", gi, pi, k),), depth + 1)
            for k, v in group.items():
                if k == "params":
                    continue
                p = path + (("hyper", gi, k),)
                if k == "lr" and type(v) is float:
                    self.lrs.append((p, v))
                    if p in self.fed:
                        # the value is an input; which fed rates are equal is structure
                        cls = self._lr_classes.setdefault(v, len(self._lr_classes))
                        self.key.append((p, "fed", cls))
                        continue
                self.visit(v, p, depth + 1)
        for name, v in vars(opt).items():
            if name in ("state", "param_groups", "defaults") or name.startswith("_opt"):
                continue
            if isinstance(v, _PLAIN):
                self.key.append((path, name, v))

    def _function(self, fn, path, depth):
        self.key.append((path, "F", fn.__code__))
        if fn.__closure__:
            for k, cell in enumerate(fn.__closure__):
                try:
                    v = cell.cell_contents
                except ValueError:
                    continue
                self.visit(v, path + (("cell", k),), depth + 1)
        g = fn.__globals__
        for name in sorted(_code_names(fn.__code__, set())):
            if name in g:
                self.visit(g[name], path + (("global", name),), depth + 1)
        if fn.__defaults__:
            self.visit(fn.__defaults__, path + (("defaults",),), depth + 1)

    def _dict(self, d, path, depth, attrs=False):
        self.key.append((path, "D", len(d)))
        if self.snapshot is not None:
            self.snapshot.append(("dict", d, dict(d)))
        for k, v in d.items():
            if isinstance(k, _PLAIN):
                self.key.append((path, "k", k))
                self.visit(v, path + ((("attr" if attrs else "key"), k),), depth + 1)
            else:
                self.key.append((path, "kid", id(k)))

    # ---------------------------------------------------------------------------- results
    def frozen_key(self):
        return tuple(self.key)


def _tensor_fields(t):
    return tuple(getattr(t, f) for f in _TENSOR_FIELDS)


_TENSOR_FIELDS = ("_grad", "_requires_grad", "_grad_fn", "_output_nr", "_storage", "_vc", "_geom")


def restore_snapshot(snapshot):
    """Undo the Python-level changes a failed trace made to the walked objects."""
    for kind, obj, saved in reversed(snapshot):
        if kind == "tensor":
            for f, v in zip(_TENSOR_FIELDS, saved):
                object.__setattr__(obj, f, v)
        elif kind == "list":
            obj[:] = saved
        else:
            obj.clear()
            obj.update(saved)


# ------------------------------------------------------------------------------ paths
def resolve(roots, path):
    """The object at ``path`` from ``roots`` (a list indexed by the path's first element)."""
    obj = roots[path[0]]
    for step in path[1:]:
        obj = _step(obj, step)
    return obj


def _step(obj, step):
    kind = step[0]
    if kind == "grad":
        return obj._grad
    if kind == "param":
        return obj._parameters[step[1]]
    if kind == "buffer":
        return obj._buffers[step[1]]
    if kind == "module":
        return obj._modules[step[1]]
    if kind == "attr":
        return obj.__dict__[step[1]] if not isinstance(obj, dict) else obj[step[1]]
    if kind == "dict":
        return vars(obj)
    if kind == "key":
        return obj[step[1]]
    if kind == "i":
        return obj[step[1]]
    if kind == "group":
        return obj.param_groups[step[1]]["params"][step[2]]
    if kind == "state":
        p = obj.param_groups[step[1]]["params"][step[2]]
        return obj.state[p][step[3]]
    if kind == "hyper":
        return obj.param_groups[step[1]][step[2]]
    if kind == "cell":
        return obj.__closure__[step[1]].cell_contents
    if kind == "global":
        return obj.__globals__[step[1]]
    if kind == "defaults":
        return obj.__defaults__
    if kind == "self":
        return obj.__self__
    if kind == "func":
        return obj.__func__
    raise KeyError(step)


def assign(roots, path, value):
    """Put ``value`` at ``path`` (a tensor the compiled region created and left there)."""
    obj = resolve(roots, path[:-1])
    step = path[-1]
    kind = step[0]
    if kind == "grad":
        obj._set_grad(value)
    elif kind == "param":
        obj._parameters[step[1]] = value
    elif kind == "buffer":
        obj._buffers[step[1]] = value
    elif kind == "attr":
        if isinstance(obj, dict):
            obj[step[1]] = value
        else:
            obj.__dict__[step[1]] = value
    elif kind == "key":
        obj[step[1]] = value
    elif kind == "i" and isinstance(obj, list):
        obj[step[1]] = value
    elif kind == "state":
        p = obj.param_groups[step[1]]["params"][step[2]]
        obj.state[p][step[3]] = value
    else:
        raise KeyError(step)


def assignable(path) -> bool:
    kind = path[-1][0]
    return kind in ("grad", "param", "buffer", "attr", "key", "state") or kind == "i"


_ = _module
