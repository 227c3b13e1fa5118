"""The respondent's side of storage: consent, access, erasure and retention.

Functions of a `sqlite3.Connection`, run by `Database` in one transaction each
(the `Store` methods of the same names are the way in). Erasing deletes the
rows explicitly (not only through the foreign-key cascade), the connection
zeroes freed pages (`secure_delete`, set in `storage.db`), and the Store then
checkpoints and truncates the write-ahead log (`checkpoint`), so nothing
erased stays readable in the database file or its -wal file.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from storage import inbox, kept_texts, updates
from storage.codecs import decode_value, encode_cutoff, encode_time, iso_time
from storage.errors import NotFound
from storage.models import Channel, RefusalCount
from storage.responses import check_consent_version

Counts = tuple[tuple[str, ...], int]
"""The keys of the responses erased, sorted, and how many answers went with them."""
PurgeCounts = tuple[int, int, int, int]
"""Responses, answers, consent refusals and respondents purged."""


class DryRun(Exception):
    """Raised inside a write to roll it back after counting; carries the counts."""

    def __init__(self, counts: PurgeCounts) -> None:
        super().__init__("dry run: rolled back")
        self.counts = counts


# Consent


def record_consent(
    conn: sqlite3.Connection,
    response_id: int,
    *,
    version: str,
    now: dt.datetime,
    update_id: int | None,
) -> None:
    """Record that the response's respondent accepted notice `version` at `now`."""
    check_consent_version(version)
    cursor = conn.execute(
        "UPDATE responses SET consent_version = ?, consented_at = ? WHERE id = ?",
        (version, encode_time(now), response_id),
    )
    if cursor.rowcount == 0:
        raise NotFound("no such response")
    updates.claim(conn, update_id, now=now)


def record_refusal(
    conn: sqlite3.Connection,
    *,
    version: str,
    stage_code: str | None,
    now: dt.datetime,
    update_id: int | None,
) -> bool:
    """Record that someone declined notice `version`; False if `update_id` was applied.

    Nothing says who: declining must leave no trace of the person, only a count
    of refusals per notice and workshop. The update id, recorded in the same
    transaction, keeps a redelivered refusal from counting twice.
    """
    check_consent_version(version)
    refused_at = encode_time(now)
    if updates.was_handled(conn, update_id):
        return False
    conn.execute(
        "INSERT INTO consent_refusals (consent_version, stage_code, refused_at) VALUES (?, ?, ?)",
        (version, stage_code, refused_at),
    )
    updates.record(conn, update_id, now=now)
    return True


def refusal_counts(conn: sqlite3.Connection) -> list[RefusalCount]:
    """The refusals held, counted by notice version and stage."""
    rows = conn.execute(
        "SELECT consent_version, stage_code, COUNT(*) FROM consent_refusals "
        "GROUP BY consent_version, stage_code"
    )
    return [RefusalCount(version, stage, count) for version, stage, count in rows]


# Access


def respondent_data(conn: sqlite3.Connection, respondent_id: int) -> dict[str, Any]:
    """Everything stored about a respondent, JSON-serialisable (for /mydata).

    Internal row ids are left out; the channel's own id (the Telegram user id)
    and the pseudonymous response keys are the respondent's and are included.
    """
    person = conn.execute(
        "SELECT channel, external_id, language, created_at, blocked_at "
        "FROM respondents WHERE id = ?",
        (respondent_id,),
    ).fetchone()
    if person is None:
        raise NotFound("no such respondent")
    channel = str(person["channel"])
    return {
        "channel": channel,
        # Named for what it is where it matters; another channel's own name for the person.
        ("telegram_id" if channel == Channel.TELEGRAM else "user_id"): str(person["external_id"]),
        "language": person["language"],
        "created_at": iso_time(person["created_at"]),
        "blocked_at": iso_time(person["blocked_at"]),
        "responses": _responses_data(conn, respondent_id),
    }


def _responses_data(conn: sqlite3.Connection, respondent_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT id, key, flow_id, flow_version, stage_code, language, status, "
        "current_step, started_at, updated_at, completed_at, consent_version, "
        "consented_at, reminded_at, state_json FROM responses WHERE respondent_id = ? ORDER BY id",
        (respondent_id,),
    ).fetchall()
    answers = _answers_data(conn, respondent_id)
    return [
        {
            "key": str(row["key"]),
            "flow": str(row["flow_id"]),
            "flow_version": int(row["flow_version"]),
            "stage_code": row["stage_code"],
            "language": str(row["language"]),
            "status": str(row["status"]),
            "current_question": row["current_step"],
            "started_at": iso_time(row["started_at"]),
            "updated_at": iso_time(row["updated_at"]),
            "completed_at": iso_time(row["completed_at"]),
            "consent_version": row["consent_version"],
            "consented_at": iso_time(row["consented_at"]),
            "reminded_at": iso_time(row["reminded_at"]),
            "answers": answers.get(int(row["id"]), {}),
            "kept_for_later": kept_for_later(row["state_json"], answers.get(int(row["id"]), {})),
        }
        for row in rows
    ]


def kept_for_later(state_json: str, counted: Mapping[str, object]) -> dict[str, Any]:
    """The answers a response's state keeps but that do not count (their question hidden by
    a later answer, to come back if it is changed back): stored, so in the person's copy."""
    try:
        state = json.loads(state_json)
        given, others = state.get("answers", {}), state.get("others", {})
    except (ValueError, AttributeError):
        return {}  # a state this surveybot cannot read holds nothing it could show
    return {
        question: {"value": value, "other_text": others.get(question)}
        for question, value in given.items()
        if question not in counted
    }


def _answers_data(conn: sqlite3.Connection, respondent_id: int) -> dict[int, dict[str, Any]]:
    by_response: dict[int, dict[str, Any]] = {}
    for row in conn.execute(
        "SELECT a.response_id, a.question_id, a.value_json, a.other_text, a.answered_at "
        "FROM answers a JOIN responses r ON r.id = a.response_id "
        "WHERE r.respondent_id = ? ORDER BY a.answered_at, a.rowid",
        (respondent_id,),
    ):
        question_id = str(row["question_id"])
        by_response.setdefault(int(row["response_id"]), {})[question_id] = {
            "value": decode_value(question_id, row["value_json"]),
            "other_text": row["other_text"],
            "answered_at": iso_time(row["answered_at"]),
        }
    return by_response


# Erasure


def erase_respondent(conn: sqlite3.Connection, respondent_id: int) -> Counts:
    """Delete a respondent with their responses and answers."""
    counts = _erase(conn, respondent_id)
    if counts is None:
        raise NotFound("no such respondent")
    return counts


def erase_by_external_id(conn: sqlite3.Connection, channel: str, external_id: str) -> Counts | None:
    """`erase_respondent` for the person known by `external_id` on `channel`; None if unknown."""
    row = conn.execute(
        "SELECT id FROM respondents WHERE channel = ? AND external_id = ?", (channel, external_id)
    ).fetchone()
    return None if row is None else _erase(conn, int(row[0]))


def erase_response(conn: sqlite3.Connection, response_id: int) -> Counts:
    """Delete one response with its answers; its respondent too, with their traces, when it
    was their only one (one person left with nothing is no one to keep)."""
    row = conn.execute(
        "SELECT respondent_id FROM responses WHERE id = ?", (response_id,)
    ).fetchone()
    if row is None:
        raise NotFound("no such response")
    respondent_id = int(row[0])
    others = conn.execute(
        "SELECT 1 FROM responses WHERE respondent_id = ? AND id <> ? LIMIT 1",
        (respondent_id, response_id),
    ).fetchone()
    if others is None:
        return erase_respondent(conn, respondent_id)
    answers = conn.execute("DELETE FROM answers WHERE response_id = ?", (response_id,)).rowcount
    keys = conn.execute("DELETE FROM responses WHERE id = ? RETURNING key", (response_id,))
    return tuple(k for (k,) in keys.fetchall()), answers


def _erase(conn: sqlite3.Connection, respondent_id: int) -> Counts | None:
    # Explicit deletes rather than trusting the cascade alone: a connection
    # opened without foreign_keys would otherwise leave the answers behind.
    answers = conn.execute(
        "DELETE FROM answers WHERE response_id IN "
        "(SELECT id FROM responses WHERE respondent_id = ?)",
        (respondent_id,),
    ).rowcount
    keys = conn.execute(
        "DELETE FROM responses WHERE respondent_id = ? RETURNING key", (respondent_id,)
    ).fetchall()
    # Their raw Telegram updates already applied (the rest go minutes after being applied).
    inbox.erase_person(conn, respondent_id)
    # A typed answer of theirs the web chat refused, waiting for its page (two minutes at most).
    kept_texts.erase_person(conn, respondent_id)
    person = conn.execute("DELETE FROM respondents WHERE id = ?", (respondent_id,))
    if person.rowcount == 0:
        return None
    return tuple(sorted(k for (k,) in keys)), answers


def checkpoint(conn: sqlite3.Connection) -> bool:
    """Checkpoint the -wal file into the database and empty it; False if a reader kept it busy.

    Freed pages are zeroed in the database file, but the -wal file still holds
    the page images written before an erasure until it is emptied. Run outside
    any transaction (a checkpoint cannot run inside one).
    """
    row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    # (busy, wal frames, frames checkpointed); busy = 1 when another connection
    # still read old frames after the busy timeout.
    return row is not None and int(row[0]) == 0


# Retention


def purge_older_than(
    conn: sqlite3.Connection, *, before: dt.datetime, now: dt.datetime, dry_run: bool
) -> PurgeCounts:
    """Delete what was started or refused before `before`; return the four counts.

    A respondent goes when left with no response (a respondent row is only
    ever written with a response, so none is waiting for one).
    With `dry_run`, the same statements run and `DryRun` rolls them back.
    """
    cutoff = encode_cutoff(before, now, "purge before")
    answers = conn.execute(
        "DELETE FROM answers WHERE response_id IN (SELECT id FROM responses WHERE started_at < ?)",
        (cutoff,),
    ).rowcount
    responses = conn.execute("DELETE FROM responses WHERE started_at < ?", (cutoff,)).rowcount
    refusals = conn.execute("DELETE FROM consent_refusals WHERE refused_at < ?", (cutoff,)).rowcount
    respondents_left = conn.execute(
        "DELETE FROM respondents WHERE created_at < ? "
        "AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.respondent_id = respondents.id)",
        (cutoff,),
    ).rowcount
    counts = (responses, answers, refusals, respondents_left)
    if dry_run:
        # The same statements, rolled back: the counts cannot drift from a real run.
        raise DryRun(counts)
    return counts


_IDLE = "status = 'in_progress' AND updated_at < ?"


def _idle(
    idle_since: dt.datetime, now: dt.datetime, kept_from: dt.datetime | None
) -> tuple[str, tuple[str, ...]]:
    """The responses idle since `idle_since` (and started from `kept_from`), as SQL."""
    values = (encode_cutoff(idle_since, now, "abandon responses idle since"),)
    if kept_from is None:
        return _IDLE, values
    return f"{_IDLE} AND started_at >= ?", (*values, encode_cutoff(kept_from, now, "purge before"))


def abandon_stale(
    conn: sqlite3.Connection,
    *,
    idle_since: dt.datetime,
    now: dt.datetime,
    kept_from: dt.datetime | None = None,
) -> int:
    """Mark in-progress responses not updated since `idle_since` (and started from
    `kept_from`, if given) as abandoned; return how many."""
    where, values = _idle(idle_since, now, kept_from)
    return conn.execute(f"UPDATE responses SET status = 'abandoned' WHERE {where}", values).rowcount


def count_stale(
    conn: sqlite3.Connection,
    *,
    idle_since: dt.datetime,
    now: dt.datetime,
    kept_from: dt.datetime | None = None,
) -> int:
    """How many responses `abandon_stale` would mark."""
    where, values = _idle(idle_since, now, kept_from)
    row = conn.execute(f"SELECT COUNT(*) FROM responses WHERE {where}", values).fetchone()
    return int(row[0])
