"""``torch.backends.openmp``: XLA:CPU runs its own thread pool, not OpenMP."""


def is_available() -> bool:
    return False
