"""Reminders: which unfinished responses are due their one reminder, claiming it, releasing it.

Scheduled from the database, not from timers: after a restart the same query
finds the same due responses, and `reminded_at` (set once, before sending) keeps
a response from being reminded twice. Functions of a `sqlite3.Connection`, run
by `Database`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from storage.codecs import encode_cutoff, encode_time
from storage.errors import NotFound
from storage.models import DueReminder


def due(
    conn: sqlite3.Connection, *, idle_since: dt.datetime, now: dt.datetime, channel: str
) -> list[DueReminder]:
    """In-progress responses on `channel` idle since before `idle_since` and never reminded.

    Respondents who blocked the bot are left out, and erased ones no longer
    exist. Oldest activity first.
    """
    cutoff = encode_cutoff(idle_since, now, "look for responses idle since")
    rows = conn.execute(
        "SELECT r.id, p.id, p.external_id, r.language, r.current_step "
        "FROM responses r JOIN respondents p ON p.id = r.respondent_id "
        "WHERE r.status = 'in_progress' AND r.reminded_at IS NULL "
        "AND r.updated_at < ? AND p.blocked_at IS NULL AND p.channel = ? "
        "ORDER BY r.updated_at, r.id",
        (cutoff, channel),
    )
    return [
        DueReminder(
            response_id=int(row[0]),
            respondent_id=int(row[1]),
            external_id=str(row[2]),
            language=str(row[3]),
            current_step=None if row[4] is None else str(row[4]),
        )
        for row in rows
    ]


def mark(
    conn: sqlite3.Connection,
    response_id: int,
    *,
    now: dt.datetime,
    active_at: dt.datetime | None = None,
) -> bool:
    """Claim the response's one reminder; False if it already was (the first time stays),
    or, given `active_at`, if the response is no longer in progress and idle since then.

    One statement, so two rounds can never both claim it: only the one that set
    `reminded_at` sends; nor can a turn saved meanwhile be reminded of what it changed.
    """
    since = None if active_at is None else encode_time(active_at)
    cursor = conn.execute(
        "UPDATE responses SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL "
        "AND (? IS NULL OR (status = 'in_progress' AND updated_at = ?))",
        (encode_time(now), response_id, since, since),
    )
    if cursor.rowcount == 0 and (
        conn.execute("SELECT 1 FROM responses WHERE id = ?", (response_id,)).fetchone() is None
    ):
        raise NotFound("no such response")
    return cursor.rowcount == 1


def unmark(conn: sqlite3.Connection, response_id: int) -> bool:
    """Give a claimed reminder back (it was not sent); False if there was none to give back."""
    cursor = conn.execute(
        "UPDATE responses SET reminded_at = NULL WHERE id = ? AND reminded_at IS NOT NULL",
        (response_id,),
    )
    return cursor.rowcount == 1
