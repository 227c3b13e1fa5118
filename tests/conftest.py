"""Fixtures shared by every test package: a hand-driven clock, a database file, a store.

Package conftests add their own fixtures and may override these (tests/bot
runs the whole application on its own `store`); helper classes are imported
from here: `from tests.conftest import Clock, Peek`.

Every test also fails when something logged an error it did not expect
(`logged_errors`): python-telegram-bot hands a handler's exception to the
application's error handler, which logs it, so a test that only checks that
nothing changed would otherwise pass over a crash.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import signal
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from flows import Flow, StageDef, bundled_path, load_flow, load_stages
from storage import Store
from tests.support import alone, postgres
from tests.support.alone import alone_when_timed  # noqa: F401 - a fixture for every test
from tests.support.postgres import (  # noqa: F401 - fixtures, for every package
    backend,
    postgres_cluster,
    postgres_url,
    store_target,
)

START = dt.datetime(2019, 6, 3, 9, 0, tzinfo=dt.UTC)
MINI = Path(__file__).parent / "flows" / "fixtures" / "mini.yaml"
"""A small flow with every kind of step and no information notice."""


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers: `sqlite_only`, and `timing` (run alone under `pytest -n`)."""
    postgres.pytest_configure(config)
    alone.register(config)


class Clock:
    """A hand-driven clock: every call to `tick` moves time on, so every write gets a known time."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or START

    def __call__(self) -> dt.datetime:
        """The time now: a clock for code that reads one (`Conversation(clock=...)`)."""
        return self.now

    def tick(self, seconds: float = 1) -> dt.datetime:
        self.now += dt.timedelta(seconds=seconds)
        return self.now


class Peek:
    """Reads the database file through a separate plain sqlite3 connection.

    That is what another process would see: only committed data.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(self.path)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def tables(self) -> list[str]:
        """The names of the tables, sorted."""
        return [
            name
            for (name,) in self.query(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]

    def dump(self) -> list[str]:
        """The whole database as SQL text, to prove that nothing changed."""
        conn = sqlite3.connect(self.path)
        try:
            return list(conn.iterdump())
        finally:
            conn.close()

    def can_write_now(self) -> bool:
        """Whether another process could start writing at once (no transaction is left open)."""
        conn = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            conn.close()


class LoggedErrors(logging.Handler):
    """Every record at ERROR or above, logged anywhere while a test runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []
        self.expected: list[re.Pattern[str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def expect(self, pattern: str) -> None:
        """Errors whose message matches `pattern` are what this test provokes on purpose."""
        self.expected.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        found = []
        for record in self.records:
            message = record.getMessage()
            if not any(pattern.search(message) for pattern in self.expected):
                cause = record.exc_info[1] if record.exc_info else None
                found.append(f"{record.name}: {message}" + (f" ({cause!r})" if cause else ""))
        return found


@pytest.fixture(autouse=True)
def default_signals() -> Iterator[None]:
    """SIGINT and SIGTERM as Python starts with them, before and after each test.

    `surveybot run`, run in-process, ignores both on its way out (a second signal
    must not kill the ending process): left so, every process a later test starts
    would inherit them ignored, and a Ctrl+C sent to it would do nothing. Set again
    before the test too, whatever ran since (another fixture's teardown).
    """
    defaults = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: signal.SIG_DFL}
    for signum, handler in defaults.items():
        signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum, handler in defaults.items():
            signal.signal(signum, handler)


@pytest.fixture(autouse=True)
def logged_errors() -> Iterator[LoggedErrors]:
    """Fails the test if an error was logged that it did not `expect`."""
    collector = LoggedErrors()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    root.addHandler(collector)
    try:
        yield collector
    finally:
        # A command run in-process (`serve`, `run`) installs the bot's own handler, whose
        # redaction rewrites every record (its traceback made text) for the handlers after
        # it: the root goes back as it was, so no test sees another's logging.
        root.handlers[:] = handlers
        root.setLevel(level)
    unexpected = collector.unexpected()
    if unexpected:
        pytest.fail("errors logged during the test:\n" + "\n".join(unexpected), pytrace=False)


@pytest.fixture(scope="session")
def bundled_flow() -> Flow:
    """The bundled questionnaire: it has an information notice to agree to first."""
    return load_flow(bundled_path("questionnaire.yaml"))


@pytest.fixture(scope="session")
def actors_flow() -> Flow:
    """The bundled second questionnaire, for the territories' own actors."""
    return load_flow(bundled_path("acteurs.yaml"))


@pytest.fixture(scope="session")
def bundled_stages() -> list[StageDef]:
    """The bundled stages: Pithiviers (5 June 2019) first, then four made-up examples."""
    return load_stages(bundled_path("stages.yaml"))


@pytest.fixture(scope="session")
def mini_flow() -> Flow:
    """tests/flows/fixtures/mini.yaml: every kind of step, and no notice."""
    return load_flow(MINI)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder as the working directory (no .env of the developer's), and no
    SURVEYBOT_* variable set: a command sees only what the test gives it."""
    for name in list(os.environ):
        if name.startswith("SURVEYBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "survey.sqlite3"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    """A store opened (created and migrated) on `db_path`, closed after the test."""
    store = await Store.open(db_path)
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
def peek(db_path: Path) -> Peek:
    return Peek(db_path)
