"""Fixtures for the storage tests: the store on either backend, its `Database`, new responses.

`clock` and `db_path` come from tests/conftest.py. Every test that uses
`store` runs twice, on SQLite and on PostgreSQL (`both_backends`), unless it
is marked `sqlite_only` or asks for `db` or `db_path`: `db` is the SQLite
store's own `Database`, so a test can run its own functions on the very
writer and reader the store uses (`db.run_write(...)`, `db.commits`, `db.queued`).
`peek` reads what the store committed, through another connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from storage import Response, Store, open_store
from storage.db import Database
from tests.conftest import Clock
from tests.support.postgres import both_backends, peek_for


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    both_backends(metafunc)


@pytest.fixture
async def store(store_target: Path | str) -> AsyncIterator[Any]:
    """A store opened (created and migrated) on this test's backend, closed after the test."""
    store = await open_store(store_target)
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
def db(store: Store) -> Database:
    """The SQLite store's `Database` (SQLite-only tests ask for it)."""
    return store._db


@pytest.fixture
def peek(backend: str, request: pytest.FixtureRequest) -> Any:
    return peek_for(backend, request)


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
