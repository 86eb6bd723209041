"""``torch.utils.data.distributed``: the sampler that splits a dataset across replicas."""

from .sampler import DistributedSampler

__all__ = ["DistributedSampler"]
