"""Delivery ids already applied, on PostgreSQL: a redelivery is not applied twice.

A write that applies an input records its id in the same transaction. The
primary key makes the id unique across every instance sharing the database:
`ON CONFLICT DO NOTHING` keeps the first record, and its time.
"""

from __future__ import annotations

import datetime as dt

import asyncpg

from storage.errors import already_applied
from storage.postgres.codecs import affected, moment


async def record(conn: asyncpg.Connection, update_id: int | None, *, now: dt.datetime) -> bool:
    """Record `update_id` as applied (nothing if None); False if it already was."""
    if update_id is None:
        return True
    status = await conn.execute(
        "INSERT INTO handled_updates (update_id, handled_at) VALUES ($1, $2) "
        "ON CONFLICT (update_id) DO NOTHING",
        update_id,
        moment(now),
    )
    return affected(status) == 1


async def claim(conn: asyncpg.Connection, update_id: int | None, *, now: dt.datetime) -> None:
    """Record `update_id` as applied, or raise Conflict if another write recorded it first.

    Claimed before the write's other statements: a second instance applying the
    same update waits on the unique key until the first commits, then finds it
    taken, and its whole transaction is rolled back.
    """
    if not await record(conn, update_id, now=now):
        assert update_id is not None
        raise already_applied(update_id)


async def was_handled(conn: asyncpg.Connection, update_id: int | None) -> bool:
    """Whether `update_id` was already applied (False for None)."""
    if update_id is None:
        return False
    found = await conn.fetchval("SELECT 1 FROM handled_updates WHERE update_id = $1", update_id)
    return found is not None


async def prune(conn: asyncpg.Connection, *, before: dt.datetime) -> int:
    """Forget ids applied before `before`; return how many were forgotten."""
    status = await conn.execute("DELETE FROM handled_updates WHERE handled_at < $1", moment(before))
    return affected(status)
