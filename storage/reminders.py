"""Reminders: which unfinished responses are due their one reminder, and marking it sent.

Scheduled from the database, not from timers: after a restart the same query
finds the same due responses, and `reminded_at` (set once) keeps a response
from being reminded twice.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from storage.db import select_one
from storage.errors import StorageError
from storage.privacy import TELEGRAM, _not_after
from storage.store import Store, _encode_time


@dataclass(frozen=True, slots=True)
class DueReminder:
    """An unfinished response whose respondent should get a reminder."""

    response_id: int
    respondent_id: int
    telegram_id: str
    """The Telegram user id, which is also the id of their private chat with the bot."""
    language: str
    """The language the response is asked in."""
    current_step: str | None


async def due_reminders(
    store: Store, *, idle_since: dt.datetime, now: dt.datetime
) -> list[DueReminder]:
    """Return in-progress responses idle since before `idle_since` and never reminded.

    Only Telegram respondents (the terminal chat cannot be reminded); those who
    blocked the bot are left out, and erased ones no longer exist. Oldest
    activity first.
    """
    cutoff = _encode_time(_not_after(idle_since, now, "look for responses idle since"))
    rows = await store._db.read_all(
        "SELECT r.id, p.id, p.external_id, r.language, r.current_step "
        "FROM responses r JOIN respondents p ON p.id = r.respondent_id "
        "WHERE r.status = 'in_progress' AND r.reminded_at IS NULL "
        "AND r.updated_at < ? AND p.blocked_at IS NULL AND p.channel = ? "
        "ORDER BY r.updated_at, r.id",
        (cutoff, TELEGRAM),
        "find the responses due a reminder",
    )
    return [
        DueReminder(
            response_id=int(row[0]),
            respondent_id=int(row[1]),
            telegram_id=str(row[2]),
            language=str(row[3]),
            current_step=None if row[4] is None else str(row[4]),
        )
        for row in rows
    ]


async def mark_reminded(store: Store, response_id: int, *, now: dt.datetime) -> bool:
    """Record that the response was reminded; False if it already was (the first time stays).

    Marking before sending gives at most one reminder even through a crash;
    marking after gives at least one. False tells a caller someone else marked it.
    """
    reminded_at = _encode_time(now)
    action = f"mark response {response_id} as reminded"

    def write(conn: sqlite3.Connection) -> bool:
        cursor = conn.execute(
            "UPDATE responses SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL",
            (reminded_at, response_id),
        )
        if cursor.rowcount == 0 and (
            select_one(conn, "SELECT 1 FROM responses WHERE id = ?", (response_id,)) is None
        ):
            raise StorageError(f"cannot {action}: no such response in {store.path}")
        return cursor.rowcount == 1

    return await store._db.run_write(write, action)
