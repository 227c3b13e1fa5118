"""The respondent's side of storage on PostgreSQL: consent, access, erasure and retention.

Mirrors `storage.privacy` (same semantics, same errors). Erasing deletes the
rows explicitly, in one transaction. What SQLite's `secure_delete` and the
-wal truncation do has no PostgreSQL equivalent that a client can run: the
deleted row versions stay in the table's pages until VACUUM (autovacuum, soon
after) marks their space free for reuse, and they stay in the write-ahead log
and in base backups until those are recycled or expire. Operators who must
guarantee erasure on disk run `VACUUM` on the tables and keep backups for a
bounded time (see docs/operators.md). Nothing erased is ever logged here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

from storage.codecs import decode_value
from storage.errors import NotFound
from storage.models import Channel, RefusalCount
from storage.postgres import inbox, kept_texts, updates
from storage.postgres.codecs import affected, cutoff, moment
from storage.privacy import Counts, DryRun, PurgeCounts, kept_for_later
from storage.responses import check_consent_version

__all__ = ["DryRun"]


def iso(value: dt.datetime | None) -> str | None:
    """A stored time as ISO 8601 in UTC for people, as `storage.codecs.iso_time` writes it."""
    return None if value is None else value.astimezone(dt.UTC).isoformat()


# Consent


async def record_consent(
    conn: asyncpg.Connection,
    response_id: int,
    *,
    version: str,
    now: dt.datetime,
    update_id: int | None,
) -> None:
    """Record that the response's respondent accepted notice `version` at `now`."""
    check_consent_version(version)
    status = await conn.execute(
        "UPDATE responses SET consent_version = $1, consented_at = $2 WHERE id = $3",
        version,
        moment(now),
        response_id,
    )
    if affected(status) == 0:
        raise NotFound("no such response")
    await updates.claim(conn, update_id, now=now)


async def record_refusal(
    conn: asyncpg.Connection,
    *,
    version: str,
    stage_code: str | None,
    now: dt.datetime,
    update_id: int | None,
) -> bool:
    """Record that someone declined notice `version`; False if `update_id` was applied.

    Nothing says who. The update id is claimed first: if another instance
    claims it at the same time, the unique key makes one wait and then find
    it taken, so a redelivered refusal counts once.
    """
    check_consent_version(version)
    refused_at = moment(now)
    if not await updates.record(conn, update_id, now=now):
        return False
    await conn.execute(
        "INSERT INTO consent_refusals (consent_version, stage_code, refused_at) "
        "VALUES ($1, $2, $3)",
        version,
        stage_code,
        refused_at,
    )
    return True


async def refusal_counts(conn: asyncpg.Connection) -> list[RefusalCount]:
    """The refusals held, counted by notice version and stage."""
    rows = await conn.fetch(
        "SELECT consent_version, stage_code, COUNT(*) AS n FROM consent_refusals "
        "GROUP BY consent_version, stage_code"
    )
    return [RefusalCount(row["consent_version"], row["stage_code"], row["n"]) for row in rows]


# Access


async def respondent_data(conn: asyncpg.Connection, respondent_id: int) -> dict[str, Any]:
    """Everything stored about a respondent, JSON-serialisable (for /mydata)."""
    person = await conn.fetchrow(
        "SELECT channel, external_id, language, created_at, blocked_at "
        "FROM respondents WHERE id = $1",
        respondent_id,
    )
    if person is None:
        raise NotFound("no such respondent")
    channel = str(person["channel"])
    return {
        "channel": channel,
        ("telegram_id" if channel == Channel.TELEGRAM else "user_id"): str(person["external_id"]),
        "language": person["language"],
        "created_at": iso(person["created_at"]),
        "blocked_at": iso(person["blocked_at"]),
        "responses": await _responses_data(conn, respondent_id),
    }


async def _responses_data(conn: asyncpg.Connection, respondent_id: int) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT id, key, flow_id, flow_version, stage_code, language, status, "
        "current_step, started_at, updated_at, completed_at, consent_version, "
        "consented_at, reminded_at, state_json FROM responses WHERE respondent_id = $1 "
        "ORDER BY id",
        respondent_id,
    )
    answers = await _answers_data(conn, respondent_id)
    return [
        {
            "key": str(row["key"]),
            "flow": str(row["flow_id"]),
            "flow_version": int(row["flow_version"]),
            "stage_code": row["stage_code"],
            "language": str(row["language"]),
            "status": str(row["status"]),
            "current_question": row["current_step"],
            "started_at": iso(row["started_at"]),
            "updated_at": iso(row["updated_at"]),
            "completed_at": iso(row["completed_at"]),
            "consent_version": row["consent_version"],
            "consented_at": iso(row["consented_at"]),
            "reminded_at": iso(row["reminded_at"]),
            "answers": answers.get(int(row["id"]), {}),
            "kept_for_later": kept_for_later(row["state_json"], answers.get(int(row["id"]), {})),
        }
        for row in rows
    ]


async def _answers_data(conn: asyncpg.Connection, respondent_id: int) -> dict[int, dict[str, Any]]:
    by_response: dict[int, dict[str, Any]] = {}
    rows = await conn.fetch(
        "SELECT a.response_id, a.question_id, a.value_json, a.other_text, a.answered_at "
        "FROM answers a JOIN responses r ON r.id = a.response_id "
        "WHERE r.respondent_id = $1 ORDER BY a.answered_at, a.seq",
        respondent_id,
    )
    for row in rows:
        question_id = str(row["question_id"])
        by_response.setdefault(int(row["response_id"]), {})[question_id] = {
            "value": decode_value(question_id, row["value_json"]),
            "other_text": row["other_text"],
            "answered_at": iso(row["answered_at"]),
        }
    return by_response


# Erasure


async def erase_respondent(conn: asyncpg.Connection, respondent_id: int) -> Counts:
    """Delete a respondent with their responses and answers."""
    counts = await _erase(conn, respondent_id)
    if counts is None:
        raise NotFound("no such respondent")
    return counts


async def erase_by_external_id(
    conn: asyncpg.Connection, channel: str, external_id: str
) -> Counts | None:
    """`erase_respondent` for the person known by `external_id` on `channel`; None if unknown."""
    respondent_id = await conn.fetchval(
        "SELECT id FROM respondents WHERE channel = $1 AND external_id = $2", channel, external_id
    )
    return None if respondent_id is None else await _erase(conn, int(respondent_id))


async def erase_response(conn: asyncpg.Connection, response_id: int) -> Counts:
    """Delete one response with its answers; its respondent too, with their traces, when it
    was their only one (one person left with nothing is no one to keep)."""
    respondent_id = await conn.fetchval(
        "SELECT respondent_id FROM responses WHERE id = $1", response_id
    )
    if respondent_id is None:
        raise NotFound("no such response")
    # The respondent's row locked first, as for an erasure: their saves elsewhere wait.
    await conn.execute("SELECT 1 FROM respondents WHERE id = $1 FOR UPDATE", respondent_id)
    others = await conn.fetchval(
        "SELECT 1 FROM responses WHERE respondent_id = $1 AND id <> $2 LIMIT 1",
        respondent_id,
        response_id,
    )
    if others is None:
        return await erase_respondent(conn, int(respondent_id))
    answers = await conn.execute("DELETE FROM answers WHERE response_id = $1", response_id)
    keys = await conn.fetch("DELETE FROM responses WHERE id = $1 RETURNING key", response_id)
    return tuple(str(row["key"]) for row in keys), affected(answers)


async def _erase(conn: asyncpg.Connection, respondent_id: int) -> Counts | None:
    # The respondent's row locked first: a save of theirs running elsewhere finishes before.
    found = await conn.fetchval("SELECT 1 FROM respondents WHERE id = $1 FOR UPDATE", respondent_id)
    if found is None:
        return None
    # Explicit deletes, counted, rather than the cascade alone (as on SQLite).
    answers = await conn.execute(
        "DELETE FROM answers WHERE response_id IN "
        "(SELECT id FROM responses WHERE respondent_id = $1)",
        respondent_id,
    )
    keys = await conn.fetch(
        "DELETE FROM responses WHERE respondent_id = $1 RETURNING key", respondent_id
    )
    # Their raw Telegram updates already applied (the rest go minutes after being applied).
    await inbox.erase_person(conn, respondent_id)
    # A typed answer of theirs the web chat refused, waiting for its page (two minutes at most).
    await kept_texts.erase_person(conn, respondent_id)
    await conn.execute("DELETE FROM respondents WHERE id = $1", respondent_id)
    return tuple(sorted(str(row["key"]) for row in keys)), affected(answers)


# Retention


async def purge_older_than(
    conn: asyncpg.Connection, *, before: dt.datetime, now: dt.datetime, dry_run: bool
) -> PurgeCounts:
    """Delete what was started or refused before `before`; return the four counts.

    With `dry_run`, the same statements run and `DryRun` rolls them back.
    """
    limit = cutoff(before, now, "purge before")
    answers = await conn.execute(
        "DELETE FROM answers WHERE response_id IN (SELECT id FROM responses WHERE started_at < $1)",
        limit,
    )
    responses = await conn.execute("DELETE FROM responses WHERE started_at < $1", limit)
    refusals = await conn.execute("DELETE FROM consent_refusals WHERE refused_at < $1", limit)
    respondents_left = await conn.execute(
        "DELETE FROM respondents WHERE created_at < $1 "
        "AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.respondent_id = respondents.id)",
        limit,
    )
    counts = (
        affected(responses),
        affected(answers),
        affected(refusals),
        affected(respondents_left),
    )
    if dry_run:
        # The same statements, rolled back: the counts cannot drift from a real run.
        raise DryRun(counts)
    return counts


_IDLE = "status = 'in_progress' AND updated_at < $1"


def _idle(
    idle_since: dt.datetime, now: dt.datetime, kept_from: dt.datetime | None
) -> tuple[str, tuple[dt.datetime, ...]]:
    """The responses idle since `idle_since` (and started from `kept_from`), as SQL."""
    values = (cutoff(idle_since, now, "abandon responses idle since"),)
    if kept_from is None:
        return _IDLE, values
    return f"{_IDLE} AND started_at >= $2", (*values, cutoff(kept_from, now, "purge before"))


async def abandon_stale(
    conn: asyncpg.Connection,
    *,
    idle_since: dt.datetime,
    now: dt.datetime,
    kept_from: dt.datetime | None = None,
) -> int:
    """Mark in-progress responses not updated since `idle_since` (and started from
    `kept_from`, if given) as abandoned; return how many."""
    where, values = _idle(idle_since, now, kept_from)
    return affected(
        await conn.execute(f"UPDATE responses SET status = 'abandoned' WHERE {where}", *values)
    )


async def count_stale(
    conn: asyncpg.Connection,
    *,
    idle_since: dt.datetime,
    now: dt.datetime,
    kept_from: dt.datetime | None = None,
) -> int:
    """How many responses `abandon_stale` would mark."""
    where, values = _idle(idle_since, now, kept_from)
    return int(await conn.fetchval(f"SELECT COUNT(*) FROM responses WHERE {where}", *values))
