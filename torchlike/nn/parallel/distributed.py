"""DistributedDataParallel over torchlike's ``torch.distributed``: a process group of one.

Before ``init_process_group`` constructing one fails as in PyTorch.  In the group of one
(``torchrun --nproc_per_node=1``, or a script that always initialises) it is what PyTorch's is
with one rank: the wrapped module under ``module`` (state-dict keys ``module.*``), a plain call
of it, and gradients that the all-reduce across one rank leaves as they are; ``no_sync()``
toggles ``require_backward_grad_sync`` as PyTorch's does.  Arguments that only tune how
gradients are bucketed and exchanged between ranks (``bucket_cap_mb``,
``gradient_as_bucket_view``, ``static_graph`` ...) have nothing to act on with one rank, in
PyTorch as here.
"""

from __future__ import annotations

import contextlib

from ... import distributed as _dist
from ..modules.module import Module

__all__ = ["DistributedDataParallel"]


class DistributedDataParallel(Module):
    def __init__(
        self,
        module,
        device_ids=None,
        output_device=None,
        dim=0,
        broadcast_buffers=None,
        init_sync=True,
        process_group=None,
        bucket_cap_mb=None,
        find_unused_parameters=False,
        check_reduction=False,
        gradient_as_bucket_view=False,
        static_graph=False,
        delay_all_reduce_named_params=None,
        param_to_hook_all_reduce=None,
        mixed_precision=None,
        device_mesh=None,
        skip_all_reduce_unused_params=False,
        bucket_cap_mb_list=None,
        batched_grad_copy=False,
        forward_sync_buffers=None,
    ):
        super().__init__()
        if process_group is None and device_mesh is None:
            _dist._world()  # PyTorch's error before init_process_group
        if mixed_precision is not None:
            raise NotImplementedError(
                "torchlike: DistributedDataParallel(mixed_precision=...) is not supported"
            )
        if not any(p.requires_grad for p in module.parameters()):
            raise RuntimeError(
                "DistributedDataParallel is not needed when a module doesn't have any "
                "parameter that requires a gradient."
            )
        devices = {p.device for p in module.parameters()}
        if (device_ids or output_device is not None) and all(d.type == "cpu" for d in devices):
            raise ValueError(
                "DistributedDataParallel device_ids and output_device arguments only work with "
                "single-device/multiple-device GPU modules or CPU modules, but got device_ids "
                f"{device_ids}, output_device {output_device}, and module parameters {devices}."
            )
        self.module = module
        self.process_group = process_group
        self.device_ids = None if not device_ids else list(device_ids)
        self.output_device = output_device
        self.dim = dim
        self.broadcast_buffers = True if broadcast_buffers is None else broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)

    @contextlib.contextmanager
    def no_sync(self):
        """Gradients accumulate locally inside the block (with one rank, as outside it)."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def _set_static_graph(self):
        self.static_graph = True
