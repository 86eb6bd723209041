"""DataParallel: PyTorch's attributes (``module``, ``device_ids``, ``output_device``, ``dim``,
state-dict keys under ``module.``), running the wrapped module on one device.

PyTorch replicates the module on every GPU and splits the batch; one JAX device already runs
the whole batch, so the wrapper runs the module once on ``device_ids[0]``: same outputs, same
gradients, same state dict.  Without a GPU it is exactly PyTorch's CPU behaviour
(``device_ids == []``, a plain call).
"""

from __future__ import annotations

import itertools

from ... import _size
from ..._tensor import Tensor
from ..modules.module import Module

__all__ = ["DataParallel", "data_parallel"]


def _device_index(d):
    if isinstance(d, int):
        return d
    if isinstance(d, str):
        d = _size.device(d)
    return 0 if d.index is None else d.index


class DataParallel(Module):
    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        gpus = _size.jax_gpus()
        if not gpus:
            self.module = module
            self.device_ids = []
            return
        if device_ids is None:
            device_ids = list(range(len(gpus)))
        if output_device is None:
            output_device = device_ids[0]
        self.dim = dim
        self.module = module
        self.device_ids = [_device_index(d) for d in device_ids]
        self.output_device = _device_index(output_device)
        self.src_device_obj = _size.device("cuda", self.device_ids[0])
        if len(self.device_ids) == 1:
            self.module.to(self.src_device_obj)

    def forward(self, *inputs, **kwargs):
        if not self.device_ids:
            return self.module(*inputs, **kwargs)
        for t in itertools.chain(self.module.parameters(), self.module.buffers()):
            if t.device != self.src_device_obj:
                raise RuntimeError(
                    "module must have its parameters and buffers on device "
                    f"{self.src_device_obj} (device_ids[0]) but found one of them on device: "
                    f"{t.device}"
                )
        # PyTorch scatters the inputs onto the devices and gathers the outputs onto
        # output_device; with one replica that is a move there and back
        inputs, kwargs = _move((inputs, kwargs), self.src_device_obj)
        output = self.module(*inputs, **kwargs)
        out_device = (
            _size.device("cpu")
            if self.output_device == -1
            else _size.device("cuda", self.output_device)
        )
        return _move(output, out_device)


def _move(obj, device):
    if isinstance(obj, Tensor):
        return obj.to(device)
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*(_move(o, device) for o in obj))
    if isinstance(obj, (list, tuple)):
        return type(obj)(_move(o, device) for o in obj)
    if isinstance(obj, dict):
        return type(obj)((k, _move(v, device)) for k, v in obj.items())
    return obj


def data_parallel(module, inputs, device_ids=None, output_device=None, dim=0, module_kwargs=None):
    if not isinstance(inputs, tuple):
        inputs = (inputs,) if inputs is not None else ()
    return module(*inputs, **(module_kwargs or {}))
