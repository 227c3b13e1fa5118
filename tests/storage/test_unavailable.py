"""The database out of reach is told from a fault: `storage.Unavailable`, a StorageError.

A channel waits and tries again on it (the Telegram bot leaves the update for later)
instead of apologising, so only what passes by itself may be one: another process
holding the SQLite file, a PostgreSQL connection cut by the server. On real files and a
real server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

import asyncpg
import pytest

from storage import PostgresStore, StorageError, Store, Unavailable
from storage import connection as sqlite_connection
from storage.postgres.connection import PgDatabase

NOW = dt.datetime(2019, 6, 5, 10, 0, tzinfo=dt.UTC)


async def enrol(store: Store | PostgresStore, external_id: str) -> None:
    await store.ensure_respondent("telegram", external_id, now=NOW)


async def test_a_sqlite_file_another_process_keeps_locked_is_unavailable(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_connection, "BUSY_TIMEOUT_MS", 200)  # not the 5 s it waits
    store = await Store.open(db_path)
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # `surveybot erase` writing, say
        with pytest.raises(Unavailable, match="stayed locked by another connection"):
            await enrol(store, "1001")
        holder.execute("ROLLBACK")
        await enrol(store, "1001")  # it passes: the same write goes through after
    finally:
        holder.close()
        await store.close()


async def test_a_postgresql_connection_cut_by_the_server_is_unavailable(
    postgres_url: str,
) -> None:
    db = await PgDatabase.open(postgres_url)
    admin = await asyncpg.connect(postgres_url)

    async def slow(conn: asyncpg.Connection) -> object:
        return await conn.fetchval("SELECT pg_sleep(5)")

    try:
        reading = asyncio.create_task(db.run_read(slow, "read the answers"))
        await asyncio.sleep(0.3)
        # The server ends the session mid-query, as a restart or a failover does.
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        with pytest.raises(Unavailable, match="retry"):
            await reading
        assert await db.run_read(lambda conn: conn.fetchval("SELECT 1")) == 1  # and back
    finally:
        await admin.close()
        await db.close()


async def test_a_fault_of_the_caller_is_not_unavailable(postgres_url: str) -> None:
    db = await PgDatabase.open(postgres_url)
    try:
        with pytest.raises(StorageError) as raised:
            await db.run_read(lambda conn: conn.fetchval("SELECT * FROM no_such_table"))
        assert not isinstance(raised.value, Unavailable)  # said at once, not waited out
    finally:
        await db.close()
