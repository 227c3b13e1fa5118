"""The poller's durable inbox on PostgreSQL: a batch written down, marked done, pruned.

Mirrors `storage.inbox` (read its docstring for why the table exists and how
long rows stay). Only the instance holding the `polling` lease writes or reads
it: webhook instances answer Telegram's POST once the update is handled and
need no inbox.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence

import asyncpg

from storage.inbox import Inboxed
from storage.postgres import responses
from storage.postgres.codecs import affected, moment


async def add(
    conn: asyncpg.Connection, items: Sequence[Inboxed], *, now: dt.datetime, done: Sequence[int]
) -> list[int]:
    """Write a batch (those in `done` already done); the ids that were not there already."""
    # One statement for the batch: a batch is up to 100 updates, one trip rather than 100.
    rows = await conn.fetch(
        "INSERT INTO inbox (update_id, person, update_json, received_at, done_at) "
        "SELECT item.id, item.person, item.data, $4::timestamptz, "
        "CASE WHEN item.id = ANY($5::bigint[]) THEN $4::timestamptz END "
        "FROM unnest($1::bigint[], $2::text[], $3::text[]) WITH ORDINALITY "
        "AS item(id, person, data, position) ORDER BY item.position "
        "ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
        [item.update_id for item in items],
        [item.person for item in items],
        [json.dumps(item.update) for item in items],
        moment(now),
        list(done),
    )
    return [int(row["update_id"]) for row in rows]


async def mark_done(
    conn: asyncpg.Connection,
    update_ids: Sequence[int],
    *,
    now: dt.datetime,
    live: Mapping[int, int | None],
) -> None:
    """Mark these updates done (handled, dropped or unreadable); done ones keep their time.

    With the live message of each response in `live`, as their replies left it.
    """
    if update_ids:
        await conn.execute(
            "UPDATE inbox SET done_at = $1 WHERE update_id = ANY($2::bigint[]) AND done_at IS NULL",
            moment(now),
            list(update_ids),
        )
    await responses.set_prompt_messages(conn, live)


async def unfinished(conn: asyncpg.Connection) -> list[Inboxed]:
    """Every update not yet done, in the order Telegram numbered them."""
    rows = await conn.fetch(
        "SELECT update_id, person, update_json, replays FROM inbox "
        "WHERE done_at IS NULL ORDER BY update_id"
    )
    return [
        Inboxed(
            int(row["update_id"]),
            row["person"],
            json.loads(row["update_json"]),
            int(row["replays"]),
        )
        for row in rows
    ]


async def count_replay(conn: asyncpg.Connection, update_ids: Sequence[int]) -> None:
    """Count one more start applying these updates again (done ones are left alone)."""
    await conn.execute(
        "UPDATE inbox SET replays = replays + 1 "
        "WHERE update_id = ANY($1::bigint[]) AND done_at IS NULL",
        list(update_ids),
    )


async def counts(conn: asyncpg.Connection) -> tuple[int, int]:
    """Rows in the inbox, and how many of them are not done."""
    row = await conn.fetchrow(
        "SELECT COUNT(*) AS total, COUNT(*) - COUNT(done_at) AS waiting FROM inbox"
    )
    return int(row["total"]), int(row["waiting"])


async def prune(conn: asyncpg.Connection, *, before: dt.datetime) -> int:
    """Delete the rows done before `before`; how many."""
    status = await conn.execute(
        "DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < $1", moment(before)
    )
    return affected(status)


async def prune_unhandled(conn: asyncpg.Connection, *, before: dt.datetime) -> int:
    """Delete the rows not done received before `before`; how many (a webhook's only)."""
    status = await conn.execute(
        "DELETE FROM inbox WHERE done_at IS NULL AND received_at < $1", moment(before)
    )
    return affected(status)


async def erase_person(conn: asyncpg.Connection, respondent_id: int) -> int:
    """Delete the done rows of this respondent (if on Telegram); how many (see storage.inbox)."""
    status = await conn.execute(
        "DELETE FROM inbox WHERE done_at IS NOT NULL AND person = "
        "(SELECT external_id FROM respondents WHERE id = $1 AND channel = 'telegram')",
        respondent_id,
    )
    return affected(status)
