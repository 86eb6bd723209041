"""Backend-neutral helpers for the compat tests: turn tensors into numpy arrays and compare."""

import numpy as np


def values(t):
    """The values of a tensor (or a nested list / number) as a numpy array.

    Goes through ``tolist()`` so that it works for every dtype (bfloat16 has no numpy twin)
    and never depends on the backend's numpy interop.
    """
    shape = None
    if hasattr(t, "detach"):
        t = t.detach()
        shape = tuple(t.shape)
    if hasattr(t, "tolist"):
        t = t.tolist()
    a = np.asarray(t)
    if shape is not None and a.size == 0:
        a = a.reshape(shape)  # tolist() of an empty tensor loses its trailing dims
    return a


def assert_close(actual, expected, rtol=1e-5, atol=1e-6):
    """``actual`` (tensor or array-like) matches ``expected`` (array-like) in shape and value."""
    a = values(actual)
    if a.dtype != bool:
        a = a.astype(np.float64)
    e = np.asarray(expected)
    assert a.shape == e.shape, f"shape {a.shape} != expected {e.shape}"
    if a.dtype == bool or e.dtype == bool:
        np.testing.assert_array_equal(a, e)
    else:
        np.testing.assert_allclose(a, e.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True)


def assert_equal(actual, expected):
    """Exact equality of values and shape."""
    a = values(actual)
    e = np.asarray(expected)
    assert a.shape == e.shape, f"shape {a.shape} != expected {e.shape}"
    np.testing.assert_array_equal(a, e)


def node_name(t):
    """The class name of a tensor's grad_fn (``None`` for leaves)."""
    return None if t.grad_fn is None else type(t.grad_fn).__name__
