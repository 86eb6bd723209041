"""The compat suite runs against one backend per session: ``torchlike`` (default) or real ``torch``.

Every test takes the module under test as the ``torch`` fixture, so a test reads like the
PyTorch code it checks.  Choose the backend with ``--backend=torch`` or the environment
variable ``TORCHLIKE_BACKEND=torch`` (the nox ``reference`` session does this).
"""

import importlib
import os

import pytest


def pytest_addoption(parser):
    parser.addoption(
        "--backend",
        default=os.environ.get("TORCHLIKE_BACKEND", "torchlike"),
        choices=["torchlike", "torch"],
        help="module the compat tests run against",
    )


def pytest_report_header(config):
    name = config.getoption("--backend")
    mod = importlib.import_module(name)
    extra = ""
    if name == "torchlike":
        import jax

        extra = f", jax {jax.__version__} on {jax.default_backend()}"
    return f"compat backend: {name} {getattr(mod, '__version__', '?')}{extra}"


@pytest.fixture(scope="session")
def backend_name(request):
    return request.config.getoption("--backend")


@pytest.fixture(scope="session")
def torch(backend_name):
    return importlib.import_module(backend_name)


def pytest_collection_modifyitems(config, items):
    backend = config.getoption("--backend")
    for item in items:
        if backend == "torch" and item.get_closest_marker("torchlike_only"):
            item.add_marker(pytest.mark.skip(reason="checks torchlike internals"))
        marker = item.get_closest_marker("known_difference")
        if marker is not None and backend == "torchlike":
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            item.add_marker(pytest.mark.xfail(reason=f"known difference: {reason}", strict=True))
