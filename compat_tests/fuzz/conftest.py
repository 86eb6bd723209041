"""The differential fuzz suite runs only in the ``fuzz`` nox session (``TORCHLIKE_FUZZ=1``):
it needs real torch next to torchlike in one process, and its example counts are sized for
that session's time budget, not for every test run."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # _diff, _programs, _bad_calls, corpus

if not os.environ.get("TORCHLIKE_FUZZ"):
    collect_ignore_glob = ["test_*.py"]

STATS: dict = {}


def pytest_terminal_summary(terminalreporter):
    if STATS:
        terminalreporter.write_sep("-", "differential fuzz")
        for key, value in sorted(STATS.items()):
            if isinstance(value, list):
                value = len(value)
            terminalreporter.write_line(f"{key}: {value}")


@pytest.fixture(scope="session")
def fuzz_stats():
    return STATS
