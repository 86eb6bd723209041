"""``torch.backends.mps``: Apple's Metal backend, which torchlike (on JAX) never has."""


def is_built() -> bool:
    return False


def is_available() -> bool:
    return False
