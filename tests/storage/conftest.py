"""Fixtures for the storage tests: a real SQLite file per test, and a clock."""

import datetime as dt
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from storage import Response, Store


class Clock:
    """A hand-driven clock: every write gets a distinct, known time."""

    def __init__(self) -> None:
        self.now = dt.datetime(2019, 6, 3, 9, 0, tzinfo=dt.UTC)

    def tick(self, seconds: float = 1) -> dt.datetime:
        self.now += dt.timedelta(seconds=seconds)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "survey.sqlite3"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(db_path)
    try:
        yield store
    finally:
        await store.close()


NewResponse = Callable[..., Awaitable[Response]]


@pytest.fixture
def new_response(store: Store, clock: Clock) -> NewResponse:
    """Start a response for a (possibly new) Telegram respondent."""

    async def make(
        external_id: str = "1001",
        *,
        flow_id: str = "tdf2019",
        flow_version: int = 3,
        stage_code: str | None = "pithiviers",
        language: str = "fr",
    ) -> Response:
        respondent = await store.ensure_respondent("telegram", external_id, now=clock.tick())
        return await store.start_response(
            respondent.id,
            flow_id=flow_id,
            flow_version=flow_version,
            stage_code=stage_code,
            language=language,
            state_json="{}",
            current_step="q1",
            now=clock.tick(),
        )

    return make


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

    def dump(self) -> list[str]:
        """The whole database as SQL text, to prove that nothing changed."""
        conn = sqlite3.connect(self.path)
        try:
            return list(conn.iterdump())
        finally:
            conn.close()


@pytest.fixture
def peek(db_path: Path) -> Peek:
    return Peek(db_path)
