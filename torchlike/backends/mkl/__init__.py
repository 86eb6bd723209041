"""``torch.backends.mkl``: XLA:CPU does not call Intel MKL."""


def is_available() -> bool:
    return False
