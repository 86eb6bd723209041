"""PyTorch's module paths for layers torchlike defines elsewhere."""


def adopt(module, *classes):
    """Name ``module`` (a torchlike.nn.modules.X twin of torch.nn.modules.X) as the home of
    ``classes``, as PyTorch's are: ``type(m).__module__`` and a pickled model say where
    PyTorch keeps the class, and unpickling finds it there."""
    for cls in classes:
        cls.__module__ = module
