"""One pending job per request, decided by the database: a double tap is one export.

Two updates of a double-tapped `/export`, handed by Telegram to two instances
sharing a database, each recorded a job: a check of the pending jobs before the
insert saw nothing on either side, and the workbook came twice under the same
names. The unique index on pending jobs (migration 10) refuses the second
insert on both backends; on PostgreSQL, an insert made while the first one's
transaction is still open waits for it, then does nothing (READ COMMITTED).
Every test that uses `store` runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import asyncpg

from storage import Job, open_store
from storage import migrations as sqlite_schema
from storage.db import Database
from storage.postgres import schema as pg_schema
from storage.postgres.connection import PgDatabase
from tests.conftest import Clock

ARGS = {"stage": "pithiviers", "personal": False}
ARGS_JSON = '{"personal": false, "stage": "pithiviers"}'
NOW = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)


async def record(
    store: Any,
    clock: Clock,
    update_id: int | None,
    *,
    kind: str = "export",
    chat_id: str = "900001",
    args: dict[str, Any] = ARGS,
) -> Job | None:
    return await store.add_job(
        kind=kind, chat_id=chat_id, language="fr", args=args, now=clock.tick(), update_id=update_id
    )


async def test_two_instances_recording_a_double_tap_at_once_record_one_job(
    store: Any, store_target: Path | str, clock: Clock
) -> None:
    others = [await open_store(store_target) for _ in range(3)]
    try:
        stores = [store, *others]
        recorded = await asyncio.gather(*(record(s, clock, 100 + i) for i, s in enumerate(stores)))
        assert len([job for job in recorded if job is not None]) == 1, recorded
        assert len(await store.unfinished_jobs()) == 1
        assert [await record(s, clock, 200 + i) for i, s in enumerate(stores)] == [None] * 4
    finally:
        for other in others:
            await other.close()


async def test_the_same_job_is_refused_while_pending_only(store: Any, clock: Clock) -> None:
    first = await record(store, clock, 1)
    assert first is not None
    assert await record(store, clock, 2) is None, "the double tap's second update"
    assert await record(store, clock, None) is None
    # Another workshop, another organiser, other work: other jobs.
    assert await record(store, clock, 3, args={"stage": "vierzon", "personal": False})
    assert await record(store, clock, 4, chat_id="900002")
    assert await record(store, clock, 5, kind="stats", args={})
    await store.finish_job(first.id, now=clock.tick())
    again = await record(store, clock, 6)
    assert again is not None, "once the first has ended, a new export is made"
    await store.finish_job(again.id, failed=True, now=clock.tick())
    assert await record(store, clock, 7) is not None, "after a failed one too"


async def test_an_insert_waiting_on_an_open_transaction_is_refused_once_it_commits(
    postgres_url: str, clock: Clock
) -> None:
    """READ COMMITTED: a check for a pending twin would not see the uncommitted row."""
    async with await open_store(postgres_url) as store:
        conn = await asyncpg.connect(postgres_url)
        try:
            for ending, expected in (("COMMIT", False), ("ROLLBACK", True)):
                await conn.execute("UPDATE jobs SET status = 'done' WHERE status = 'pending'")
                await conn.execute("BEGIN")
                await conn.execute(
                    "INSERT INTO jobs (kind, chat_id, language, args_json, status, created_at) "
                    "VALUES ('export', '900001', 'fr', $1, 'pending', $2)",
                    ARGS_JSON,
                    NOW,
                )
                second = asyncio.create_task(record(store, clock, None))
                await asyncio.sleep(0.3)
                assert not second.done(), "the second insert waits for the first's transaction"
                await conn.execute(ending)
                async with asyncio.timeout(10):
                    assert (await second is not None) is expected, ending
        finally:
            await conn.close()


async def test_twins_left_pending_by_an_older_surveybot_do_not_stop_the_upgrade(
    store_target: Path | str, peek: Any
) -> None:
    await _at_version_9_with_twins(store_target)
    async with await open_store(store_target) as store:
        pending = await store.unfinished_jobs()
        assert [(job.id, job.chat_id) for job in pending] == [(1, "900001"), (3, "900002")]
        assert (
            await store.add_job(
                kind="export", chat_id="900001", language="fr", args=ARGS, now=NOW, update_id=9
            )
            is None
        )
    rows = peek.query("SELECT id, status, finished_at IS NOT NULL FROM jobs ORDER BY id")
    assert rows == [(1, "pending", False), (2, "done", True), (3, "pending", False)]


async def _at_version_9_with_twins(target: Path | str) -> None:
    """A database left by the previous surveybot: the same export pending twice, and another."""
    steps = range(1, 10)
    insert = (
        "INSERT INTO jobs (kind, chat_id, language, args_json, update_id, status, "
        "attempts, created_at) VALUES ('export', '{chat}', 'fr', '{args}', {id}, "
        "'pending', 0, '2026-05-04T09:00:00.000000+00:00')"
    )
    rows = [
        insert.format(id=i, chat=chat, args=ARGS_JSON)
        for i, chat in enumerate(("900001", "900001", "900002"), start=1)
    ]
    if isinstance(target, str):
        pg = await PgDatabase.open(target)
        try:
            await pg_schema.apply_migrations(pg, {n: pg_schema.MIGRATIONS[n] for n in steps})

            async def fill(conn: asyncpg.Connection) -> None:
                for row in rows:
                    await conn.execute(row)

            await pg.run_write(fill, "fill")
        finally:
            await pg.close()
        return
    db = await Database.open(target)
    try:
        await sqlite_schema.apply_migrations(db, {n: sqlite_schema.MIGRATIONS[n] for n in steps})

        def fill_file(conn: Any) -> None:
            for row in rows:
                conn.execute(row)

        await db.run_write(fill_file, "fill")
    finally:
        await db.close()
