"""`open_store` and `open_snapshot`: SQLite for a path, PostgreSQL for a URL.

`SURVEYBOT_DB` holds either a file path (SQLite, the default) or a
`postgresql://` (or `postgres://`) connection string; callers hand it here and
get a `SurveyStore` without knowing which backend is behind it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storage.interface import SurveyStore
from storage.postgres import PostgresStore, is_postgres_url
from storage.postgres.snapshot import open_postgres_snapshot
from storage.snapshot import Snapshot, open_sqlite_snapshot
from storage.store import Store


async def open_store(target: str | Path, *, readonly: bool = False) -> SurveyStore:
    """Open (creating and migrating unless `readonly`) the database `target` names."""
    if is_postgres_url(target):
        return await PostgresStore.open(str(target), readonly=readonly)
    return await Store.open(target, readonly=readonly)


@contextmanager
def open_snapshot(target: str | os.PathLike[str]) -> Iterator[Snapshot]:
    """One consistent read-only view of the database `target` names, held until the block ends.

    Synchronous on both backends, for exports in worker threads and notebooks.
    """
    if is_postgres_url(target):
        with open_postgres_snapshot(str(target)) as snapshot:
            yield snapshot
    else:
        with open_sqlite_snapshot(Path(target)) as sqlite_snapshot:
            yield sqlite_snapshot
