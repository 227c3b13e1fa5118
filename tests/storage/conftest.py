"""Fixtures for the storage tests: the store on an explicit `Database`, and new responses.

`clock`, `db_path` and `peek` come from tests/conftest.py. Here `store` is
built on the `db` fixture, so a test can run its own functions on the very
writer and reader the store uses (`db.run_write(...)`, `db.commits`, `db.queued`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from storage import Response, Store
from storage.db import Database
from storage.migrations import apply_migrations
from tests.conftest import Clock


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    """The database file, opened and migrated as `Store.open` does."""
    db = await Database.open(db_path)
    try:
        await apply_migrations(db)
        yield db
    finally:
        await db.close()


@pytest.fixture
def store(db: Database) -> Store:
    """A store on `db` (closed with it)."""
    return Store(db)


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
