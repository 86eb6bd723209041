"""PyTorch's names for torchlike's own classes: ``print(type(x))`` shows ``<class 'torch.Tensor'>``.

Only the class's repr changes.  Its ``__module__`` stays torchlike's, so pickle (which finds a
class by module and name) and tools that import a class by its path still reach the real one.
"""


class TorchNamed(type):
    """Metaclass: a class whose body sets ``_torch_name`` prints under that name; subclasses
    that do not set their own (a user's Tensor subclass) print as usual."""

    def __repr__(cls):
        name = cls.__dict__.get("_torch_name")
        return type.__repr__(cls) if name is None else f"<class '{name}'>"
