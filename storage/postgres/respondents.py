"""Respondents on PostgreSQL: the SQL, as async functions of an asyncpg connection.

Mirrors `storage.respondents` (same semantics, same errors); `PgDatabase`
runs each in one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import asyncpg

from storage.errors import NotFound, StorageError
from storage.models import Respondent
from storage.postgres.codecs import affected, moment, text

COLUMNS: Final = "id, channel, external_id, language, created_at, blocked_at"


def from_row(row: asyncpg.Record) -> Respondent:
    """The respondent a row of `COLUMNS` describes."""
    return Respondent(
        id=int(row["id"]),
        channel=str(row["channel"]),
        external_id=str(row["external_id"]),
        language=row["language"],
        created_at=row["created_at"],
        blocked_at=row["blocked_at"],
    )


async def ensure(
    conn: asyncpg.Connection,
    *,
    channel: str,
    external_id: str,
    now: dt.datetime,
    language: str | None,
) -> Respondent:
    """The respondent for (channel, external_id), created with `language` if new."""
    created_at = moment(now)
    text("the respondent's id", external_id)
    # Insert-or-nothing then read: with several instances, another may insert first.
    await conn.execute(
        "INSERT INTO respondents (channel, external_id, language, created_at) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (channel, external_id) DO NOTHING",
        channel,
        external_id,
        language,
        created_at,
    )
    found = await find(conn, channel=channel, external_id=external_id)
    if found is None:
        raise StorageError(f"a {channel} respondent vanished inside its transaction")
    return found


RESPONDENT_LOCKS: Final = 0x5342_0001
"""The advisory locks' first key for respondents ("SB" and 1); instance locks use others."""


async def lock(conn: asyncpg.Connection, *, channel: str, external_id: str) -> None:
    """Wait for, then hold until the transaction ends, the lock on one respondent's writes.

    An advisory lock, because the respondent's row may not exist yet. Keyed by a
    32-bit hash of the channel and id: two people sharing a hash only wait for
    each other now and then, which costs time, never correctness.
    """
    await conn.execute(
        "SELECT pg_advisory_xact_lock($1, hashtext($2))",
        RESPONDENT_LOCKS,
        f"{channel}:{external_id}",
    )


async def channels(conn: asyncpg.Connection) -> dict[int, str]:
    """Each respondent's channel, by respondent id (for counts per channel)."""
    rows = await conn.fetch("SELECT id, channel FROM respondents")
    return {int(row["id"]): str(row["channel"]) for row in rows}


async def find(conn: asyncpg.Connection, *, channel: str, external_id: str) -> Respondent | None:
    """The respondent for (channel, external_id), if there is one."""
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM respondents WHERE channel = $1 AND external_id = $2",
        channel,
        external_id,
    )
    return None if row is None else from_row(row)


async def find_by_id(conn: asyncpg.Connection, respondent_id: int) -> Respondent | None:
    """The respondent with this internal id, if there is one."""
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM respondents WHERE id = $1", respondent_id)
    return None if row is None else from_row(row)


async def exists(conn: asyncpg.Connection, respondent_id: int) -> bool:
    """Whether there is a respondent with this internal id."""
    found = await conn.fetchval("SELECT 1 FROM respondents WHERE id = $1", respondent_id)
    return found is not None


async def set_blocked(
    conn: asyncpg.Connection, respondent_id: int, *, blocked: bool, now: dt.datetime
) -> None:
    """Mark the respondent as blocking the bot (keeping the first time), or clear it."""
    blocked_at = moment(now)  # a naive time is refused whichever way
    if blocked:
        status = await conn.execute(
            "UPDATE respondents SET blocked_at = COALESCE(blocked_at, $1) WHERE id = $2",
            blocked_at,
            respondent_id,
        )
    else:
        status = await conn.execute(
            "UPDATE respondents SET blocked_at = NULL WHERE id = $1", respondent_id
        )
    if affected(status) == 0:
        raise NotFound("no such respondent")


async def set_language(
    conn: asyncpg.Connection,
    respondent_id: int,
    language: str,
    *,
    response_id: int | None,
    now: dt.datetime,
) -> None:
    """Set the respondent's language and, if given, their response's (which counts as activity)."""
    updated_at = moment(now)
    status = await conn.execute(
        "UPDATE respondents SET language = $1 WHERE id = $2", language, respondent_id
    )
    if affected(status) == 0:
        raise NotFound("no such respondent")
    if response_id is None:
        return
    status = await conn.execute(
        "UPDATE responses SET language = $1, updated_at = $2 WHERE id = $3 AND respondent_id = $4",
        language,
        updated_at,
        response_id,
        respondent_id,
    )
    if affected(status) == 0:
        raise NotFound(f"no response {response_id} of respondent {respondent_id}")
