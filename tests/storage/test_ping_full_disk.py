"""`ping` (behind `GET /health`) after saves failed on a full disk.

The probe writes nothing, so on a full disk it passes by itself while every answer fails:
the store remembers the last save that failed so, until one succeeds, or for
`FULL_UNHEALTHY_S` (as long as respondents are told to wait). The full disk is SQLite's
own SQLITE_FULL, raised when the file reaches `PRAGMA max_page_count` on the writer's
connection, as it is when the disk has no room left.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from storage import Store, Unavailable
from storage import db as sqlite_db

NOW = dt.datetime(2019, 6, 5, 10, 0, tzinfo=dt.UTC)


async def fill_the_disk(store: Store) -> None:
    """From now on the writer cannot grow the file: every save that needs a page fails."""

    def cap(conn: sqlite3.Connection) -> None:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")

    await store._db.outside_transaction(cap)


async def free_space(store: Store) -> None:
    await store._db.outside_transaction(
        lambda conn: conn.execute("PRAGMA max_page_count = 1073741823")
    )


async def save_until_full(store: Store) -> None:
    for n in range(2000):
        try:
            await store.ensure_respondent("telegram", f"{5000 + n}", now=NOW)
        except Unavailable as error:
            assert "is full" in str(error)
            return
    raise AssertionError("the capped file never filled")


async def test_ping_fails_after_a_save_failed_on_a_full_disk_until_one_succeeds(
    db_path: Path,
) -> None:
    store = await Store.open(db_path)
    try:
        await store.ping()
        await fill_the_disk(store)
        await store.ping()  # nothing has failed yet: nothing known
        await save_until_full(store)
        with pytest.raises(Unavailable, match="the last save, 0 s ago, failed") as failed:
            await store.ping()
        assert f"the disk holding {db_path} is full" in str(failed.value)
        await free_space(store)
        with pytest.raises(Unavailable):
            await store.ping()  # a probe alone does not say the disk has room again
        await store.ensure_respondent("telegram", "1001", now=NOW)  # a save does
        await store.ping()
    finally:
        await store.close()


async def test_ping_lets_a_balancer_try_again_after_a_while(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_db, "FULL_UNHEALTHY_S", 0.2)
    store = await Store.open(db_path)
    try:
        await fill_the_disk(store)
        await save_until_full(store)
        with pytest.raises(Unavailable, match="is full"):
            await store.ping()
        # Nobody is sent to an unhealthy instance, so no save can succeed to clear it:
        # after a while it says healthy again, and the next answer tells.
        await asyncio.sleep(0.3)
        await store.ping()
    finally:
        await store.close()
