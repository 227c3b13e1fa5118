"""Tests marked `timing` run alone when the suite runs on several workers (`pytest -n auto`).

A timing test's limits (a flooder delays nobody by more than a second, a health probe
answers within its time) hold on a machine doing nothing else; beside another worker's
browser or crash test they could fail for no fault of the code. So every test takes a
shared lock on a file of the run while it runs, and a timing test an exclusive one:
it waits for the test under way on each other worker to end, and none starts meanwhile.
Without workers the lock is not taken.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

MARKER = "timing"


def register(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}: asserts how long something takes; run alone under pytest -n"
    )


@pytest.fixture(autouse=True)
def alone_when_timed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Hold the run's lock for the test: shared, or exclusive for a `timing` test.

    Autouse, so set up before the test's other fixtures and torn down after them: a
    browser or a server another worker's test starts is inside that test's hold."""
    if not hasattr(request.config, "workerinput"):  # one process: nothing runs beside it
        yield
        return
    # Every worker of a run shares the parent of its own base temporary directory.
    shared = tmp_path_factory.getbasetemp().parent
    timed = request.node.get_closest_marker(MARKER) is not None
    with _opened(shared / "turnstile.lock") as turnstile, _opened(shared / "run.lock") as run:
        # A timing test waiting for its turn holds the turnstile: no test starts past it,
        # so it cannot be kept waiting forever by tests that follow each other.
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        try:
            fcntl.flock(run, fcntl.LOCK_EX if timed else fcntl.LOCK_SH)
        finally:
            fcntl.flock(turnstile, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(run, fcntl.LOCK_UN)


def _opened(path: Path) -> IO[bytes]:
    return path.open("ab")
