"""Reminders on PostgreSQL: which responses are due their one reminder, claiming, releasing.

Mirrors `storage.reminders`. Claiming is one conditional UPDATE: with several
instances, the row lock it takes makes a second claim wait, then find
`reminded_at` set and claim nothing, so a reminder is sent once.
"""

from __future__ import annotations

import datetime as dt

import asyncpg

from storage.errors import NotFound
from storage.models import DueReminder
from storage.postgres.codecs import affected, cutoff, moment


async def due(
    conn: asyncpg.Connection, *, idle_since: dt.datetime, now: dt.datetime, channel: str
) -> list[DueReminder]:
    """In-progress responses on `channel` idle since before `idle_since` and never reminded."""
    limit = cutoff(idle_since, now, "look for responses idle since")
    rows = await conn.fetch(
        "SELECT r.id, p.id AS respondent_id, p.external_id, r.language, r.current_step "
        "FROM responses r JOIN respondents p ON p.id = r.respondent_id "
        "WHERE r.status = 'in_progress' AND r.reminded_at IS NULL "
        "AND r.updated_at < $1 AND p.blocked_at IS NULL AND p.channel = $2 "
        "ORDER BY r.updated_at, r.id",
        limit,
        channel,
    )
    return [
        DueReminder(
            response_id=int(row["id"]),
            respondent_id=int(row["respondent_id"]),
            external_id=str(row["external_id"]),
            language=str(row["language"]),
            current_step=row["current_step"],
        )
        for row in rows
    ]


async def mark(
    conn: asyncpg.Connection,
    response_id: int,
    *,
    now: dt.datetime,
    active_at: dt.datetime | None = None,
) -> bool:
    """Claim the response's one reminder; False if it already was (the first time stays),
    or, given `active_at`, if the response is no longer in progress and idle since then."""
    status = await conn.execute(
        "UPDATE responses SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL "
        "AND ($3::timestamptz IS NULL OR (status = 'in_progress' AND updated_at = $3))",
        moment(now),
        response_id,
        None if active_at is None else moment(active_at),
    )
    if affected(status) == 1:
        return True
    if await conn.fetchval("SELECT 1 FROM responses WHERE id = $1", response_id) is None:
        raise NotFound("no such response")
    return False


async def unmark(conn: asyncpg.Connection, response_id: int) -> bool:
    """Give a claimed reminder back (it was not sent); False if there was none to give back."""
    status = await conn.execute(
        "UPDATE responses SET reminded_at = NULL WHERE id = $1 AND reminded_at IS NOT NULL",
        response_id,
    )
    return affected(status) == 1
