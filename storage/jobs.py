"""Organiser jobs: long work (an export, statistics) written down before it runs.

An organiser's `/export` is acknowledged at once and done in the background; the
job's row is what lets a restarted bot finish it. A job is `pending` until it
ends `done` or `failed`; `attempts` counts how many times a process started it,
so a job that was under way when the bot stopped is known as interrupted, and
one that keeps failing is given up. Which process runs a pending job is decided
by a lease (`take_lease("job:<id>")`), not by this table. Functions of a
`sqlite3.Connection`, run by `Database`; `storage.postgres.jobs` mirrors them.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any, Literal

from storage.codecs import decode_time, encode_time

JobEnd = Literal["done", "failed"]


@dataclass(frozen=True)
class Job:
    """One organiser's request, as recorded: what to do, for which chat, in which language."""

    id: int
    kind: str
    chat_id: str
    language: str
    args: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0
    """How many times a process started it: above 0 while pending, it was interrupted."""
    created_at: dt.datetime | None = None


def add(
    conn: sqlite3.Connection,
    *,
    kind: str,
    chat_id: str,
    language: str,
    args: dict[str, Any],
    now: dt.datetime,
    update_id: int | None = None,
) -> Job | None:
    """Record a pending job; None if the update `update_id` asked for one already, or
    the same job (kind, chat, arguments) is pending.

    The command's update id makes a redelivered `/export` (the bot stopped before
    Telegram had its confirmation) one job, not two. A double tap is two updates,
    which two instances may take at once: the unique index on pending jobs
    (`jobs_one_pending`, migration 10) makes it one job there too, whichever
    insert comes second being refused by the database, not by a check before it.
    """
    row = conn.execute(
        "INSERT INTO jobs (kind, chat_id, language, args_json, update_id, status, created_at) "
        "VALUES (?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT DO NOTHING RETURNING id",
        (kind, chat_id, language, json.dumps(args, sort_keys=True), update_id, encode_time(now)),
    ).fetchone()
    if row is None:
        return None
    return Job(int(row[0]), kind, chat_id, language, dict(args), 0, now)


def start(conn: sqlite3.Connection, job_id: int, *, now: dt.datetime) -> int | None:
    """Count one more start of a pending job and return the count; None if it has ended."""
    row = conn.execute(
        "UPDATE jobs SET attempts = attempts + 1, started_at = ? "
        "WHERE id = ? AND status = 'pending' RETURNING attempts",
        (encode_time(now), job_id),
    ).fetchone()
    return int(row[0]) if row is not None else None


def finish(conn: sqlite3.Connection, job_id: int, *, status: JobEnd, now: dt.datetime) -> None:
    """End a job, done or failed; a job that has ended already keeps its first end."""
    conn.execute(
        "UPDATE jobs SET status = ?, finished_at = ? WHERE id = ? AND status = 'pending'",
        (status, encode_time(now), job_id),
    )


def unfinished(conn: sqlite3.Connection) -> list[Job]:
    """Every pending job, oldest first."""
    rows = conn.execute(
        "SELECT id, kind, chat_id, language, args_json, attempts, created_at FROM jobs "
        "WHERE status = 'pending' ORDER BY id"
    ).fetchall()
    return [
        Job(int(i), kind, chat, lang, json.loads(args), int(attempts), decode_time(created))
        for i, kind, chat, lang, args, attempts, created in rows
    ]


def prune(conn: sqlite3.Connection, *, before: dt.datetime) -> int:
    """Forget jobs that ended before `before`; how many."""
    cursor = conn.execute(
        "DELETE FROM jobs WHERE status <> 'pending' AND finished_at < ?", (encode_time(before),)
    )
    return cursor.rowcount
