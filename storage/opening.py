"""`open_store`: the store for a database setting, SQLite for a path, PostgreSQL for a URL.

`SURVEYBOT_DB` holds either a file path (SQLite, the default) or a
`postgresql://` (or `postgres://`) connection string; callers hand it here and
get a `SurveyStore` without knowing which backend is behind it.
"""

from __future__ import annotations

from pathlib import Path

from storage.interface import SurveyStore
from storage.postgres import PostgresStore, is_postgres_url
from storage.store import Store


async def open_store(target: str | Path, *, readonly: bool = False) -> SurveyStore:
    """Open (creating and migrating unless `readonly`) the database `target` names."""
    if is_postgres_url(target):
        return await PostgresStore.open(str(target), readonly=readonly)
    return await Store.open(target, readonly=readonly)
