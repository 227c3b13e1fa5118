"""Typed answers the web chat refused, kept for the page after the redirect, on PostgreSQL.

Mirrors `storage.kept_texts` (read its docstring for why the table exists and how
long rows stay): this is how every instance behind the load balancer finds the
text another one kept.
"""

from __future__ import annotations

import datetime as dt

import asyncpg

from storage.kept_texts import KEPT_FOR
from storage.postgres.codecs import affected, moment
from storage.postgres.codecs import text as storable


async def keep(
    conn: asyncpg.Connection, key: str, person: str, text: str, *, now: dt.datetime
) -> None:
    """Keep `text` typed by `person` (a web chat id) under `key`; drop the ones expired."""
    await prune(conn, before=now - KEPT_FOR)
    await conn.execute(
        "INSERT INTO kept_texts (id, person, text, created_at) VALUES ($1, $2, $3, $4)",
        key,
        person,
        storable("a refused typed answer", text),
        moment(now),
    )


async def take(conn: asyncpg.Connection, key: str, person: str, *, now: dt.datetime) -> str | None:
    """The text kept under `key` for `person`, deleted as it is read; None if none is."""
    row = await conn.fetchrow(
        "DELETE FROM kept_texts WHERE id = $1 AND person = $2 RETURNING text, created_at",
        key,
        person,
    )
    if row is None or row["created_at"] < moment(now - KEPT_FOR):
        return None
    return str(row["text"])


async def prune(conn: asyncpg.Connection, *, before: dt.datetime) -> int:
    """Delete the texts kept before `before`; how many."""
    status = await conn.execute("DELETE FROM kept_texts WHERE created_at < $1", moment(before))
    return affected(status)


async def erase_person(conn: asyncpg.Connection, respondent_id: int) -> int:
    """Delete the texts kept for this respondent (if on the web chat); how many."""
    status = await conn.execute(
        "DELETE FROM kept_texts WHERE person = "
        "(SELECT external_id FROM respondents WHERE id = $1 AND channel = 'web')",
        respondent_id,
    )
    return affected(status)
