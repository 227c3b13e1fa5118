"""Organiser jobs on PostgreSQL: recording, starting, ending, finding the unfinished.

Mirrors `storage.jobs`. Starting is one conditional UPDATE, so a job that
another instance ended meanwhile is not started again; which instance runs a
pending job is decided by its lease (`take_lease("job:<id>")`), a session
advisory lock the server gives back when that instance dies.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import asyncpg

from storage.jobs import Job, JobEnd
from storage.postgres.codecs import moment


async def add(
    conn: asyncpg.Connection,
    *,
    kind: str,
    chat_id: str,
    language: str,
    args: dict[str, Any],
    now: dt.datetime,
    update_id: int | None = None,
) -> Job | None:
    """Record a pending job; None if `update_id` asked for one already or the same is pending.

    Without a conflict target, both unique indexes refuse: a second insert of the
    same pending job waits for the first one's transaction, then does nothing
    (a check before inserting would race at READ COMMITTED).
    """
    job_id = await conn.fetchval(
        "INSERT INTO jobs (kind, chat_id, language, args_json, update_id, status, created_at) "
        "VALUES ($1, $2, $3, $4, $5, 'pending', $6) ON CONFLICT DO NOTHING RETURNING id",
        kind,
        chat_id,
        language,
        json.dumps(args, sort_keys=True),
        update_id,
        moment(now),
    )
    if job_id is None:
        return None
    return Job(int(job_id), kind, chat_id, language, dict(args), 0, now)


async def start(conn: asyncpg.Connection, job_id: int, *, now: dt.datetime) -> int | None:
    """Count one more start of a pending job and return the count; None if it has ended."""
    attempts = await conn.fetchval(
        "UPDATE jobs SET attempts = attempts + 1, started_at = $1 "
        "WHERE id = $2 AND status = 'pending' RETURNING attempts",
        moment(now),
        job_id,
    )
    return int(attempts) if attempts is not None else None


async def finish(
    conn: asyncpg.Connection, job_id: int, *, status: JobEnd, now: dt.datetime
) -> None:
    """End a job, done or failed; a job that has ended already keeps its first end."""
    await conn.execute(
        "UPDATE jobs SET status = $1, finished_at = $2 WHERE id = $3 AND status = 'pending'",
        status,
        moment(now),
        job_id,
    )


async def unfinished(conn: asyncpg.Connection) -> list[Job]:
    """Every pending job, oldest first."""
    rows = await conn.fetch(
        "SELECT id, kind, chat_id, language, args_json, attempts, created_at FROM jobs "
        "WHERE status = 'pending' ORDER BY id"
    )
    return [
        Job(
            int(row["id"]),
            row["kind"],
            row["chat_id"],
            row["language"],
            json.loads(row["args_json"]),
            int(row["attempts"]),
            row["created_at"],
        )
        for row in rows
    ]


async def prune(conn: asyncpg.Connection, *, before: dt.datetime) -> int:
    """Forget jobs that ended before `before`; how many."""
    status = await conn.execute(
        "DELETE FROM jobs WHERE status <> 'pending' AND finished_at < $1", moment(before)
    )
    return int(status.split()[-1])
