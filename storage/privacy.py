"""The respondent's side of storage: consent, access, erasure and retention.

Functions of a `Store`, each write in one guarded transaction, the time passed
in. Erasing deletes the rows explicitly (not only through the foreign-key
cascade), the connection zeroes freed pages (`secure_delete`, set in
`storage.db`), and the write-ahead log is then checkpointed and truncated, so
nothing erased stays readable in the database file or its -wal file.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

import aiosqlite

from storage.db import fetch_all, fetch_one, select_one
from storage.errors import StorageError
from storage.models import Respondent
from storage.store import (
    _RESPONDENT_COLUMNS,
    Store,
    _decode_optional_time,
    _decode_time,
    _decode_value,
    _encode_time,
    _respondent,
)

log = logging.getLogger(__name__)

TELEGRAM: Final = "telegram"


class Consent(NamedTuple):
    """The notice version a response was consented under, and when (None: not yet)."""

    version: str | None
    consented_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ErasureReport:
    """What erasing one respondent removed."""

    responses: int
    answers: int
    refusals: int
    wal_cleared: bool
    """False if another connection kept the -wal file busy: it empties at the last close."""


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """What a retention purge removed (or, in a dry run, would remove)."""

    responses: int
    answers: int
    refusals: int
    respondents: int
    wal_cleared: bool
    """False in a dry run, or if another connection kept the -wal file busy."""


class _DryRun(Exception):
    """Raised inside a write transaction to roll it back after counting."""


# Consent


async def record_consent(store: Store, response_id: int, *, version: str, now: dt.datetime) -> None:
    """Record that the response's respondent accepted notice `version` at `now`."""
    _check_version(version)
    consented_at = _encode_time(now)
    action = f"record the consent of response {response_id}"

    def write(conn: sqlite3.Connection) -> None:
        cursor = conn.execute(
            "UPDATE responses SET consent_version = ?, consented_at = ? WHERE id = ?",
            (version, consented_at, response_id),
        )
        if cursor.rowcount == 0:
            raise StorageError(f"cannot {action}: no such response in {store.path}")

    await store._db.run_write(write, action)


async def record_refusal(
    store: Store,
    respondent_id: int,
    *,
    version: str,
    stage_code: str | None,
    now: dt.datetime,
) -> None:
    """Record that a respondent declined notice `version` (nothing else is stored)."""
    _check_version(version)
    refused_at = _encode_time(now)
    action = f"record the refusal of respondent {respondent_id}"

    def write(conn: sqlite3.Connection) -> None:
        # Checked here for a clear message; the foreign key would only say "failed".
        if select_one(conn, "SELECT 1 FROM respondents WHERE id = ?", (respondent_id,)) is None:
            raise StorageError(f"cannot {action}: no such respondent in {store.path}")
        conn.execute(
            "INSERT INTO consent_refusals (respondent_id, consent_version, stage_code, "
            "refused_at) VALUES (?, ?, ?, ?)",
            (respondent_id, version, stage_code, refused_at),
        )

    await store._db.run_write(write, action)


async def consent_of(store: Store, response_id: int) -> Consent:
    """Return the notice version a response was consented under, and when."""
    row = await store._db.read_one(
        "SELECT consent_version, consented_at FROM responses WHERE id = ?",
        (response_id,),
        "read a consent",
    )
    if row is None:
        raise StorageError(
            f"cannot read the consent of response {response_id}: no such response in {store.path}"
        )
    version = row["consent_version"]
    return Consent(
        None if version is None else str(version), _decode_optional_time(row["consented_at"])
    )


# Access


async def get_respondent_by_id(store: Store, respondent_id: int) -> Respondent | None:
    """Return the respondent with this internal id, if there is one."""
    row = await store._db.read_one(
        f"SELECT {_RESPONDENT_COLUMNS} FROM respondents WHERE id = ?",
        (respondent_id,),
        "read a respondent",
    )
    return _respondent(row) if row is not None else None


async def respondent_data(store: Store, respondent_id: int) -> dict[str, Any]:
    """Return everything stored about a respondent, JSON-serialisable (for /mydata).

    Internal row ids are left out; the channel's own id (the Telegram user id)
    and the pseudonymous response keys are the respondent's and are included.
    """
    async with store._db.read("read a respondent's data") as conn:
        person = await fetch_one(
            conn,
            "SELECT channel, external_id, language, created_at, blocked_at "
            "FROM respondents WHERE id = ?",
            (respondent_id,),
        )
        if person is None:
            raise StorageError(
                f"cannot read the data of respondent {respondent_id}: "
                f"no such respondent in {store.path}"
            )
        responses = await fetch_all(
            conn,
            "SELECT id, key, flow_id, flow_version, stage_code, language, status, "
            "current_step, started_at, updated_at, completed_at, consent_version, "
            "consented_at, reminded_at FROM responses WHERE respondent_id = ? ORDER BY id",
            (respondent_id,),
        )
        answers = await fetch_all(
            conn,
            "SELECT a.response_id, a.question_id, a.value_json, a.other_text, a.answered_at "
            "FROM answers a JOIN responses r ON r.id = a.response_id "
            "WHERE r.respondent_id = ? ORDER BY a.answered_at, a.rowid",
            (respondent_id,),
        )
        refusals = await fetch_all(
            conn,
            "SELECT consent_version, stage_code, refused_at FROM consent_refusals "
            "WHERE respondent_id = ? ORDER BY id",
            (respondent_id,),
        )

    by_response: dict[int, dict[str, Any]] = {int(row["id"]): {} for row in responses}
    for row in answers:
        question_id = str(row["question_id"])
        by_response[int(row["response_id"])][question_id] = {
            "value": _decode_value(question_id, row["value_json"]),
            "other_text": row["other_text"],
            "answered_at": _iso(row["answered_at"]),
        }
    channel = str(person["channel"])
    return {
        "channel": channel,
        # Named for what it is where it matters; another channel's own name for the person.
        ("telegram_id" if channel == TELEGRAM else "user_id"): str(person["external_id"]),
        "language": person["language"],
        "created_at": _iso(person["created_at"]),
        "blocked_at": _iso(person["blocked_at"]),
        "responses": [
            {
                "key": str(row["key"]),
                "flow": str(row["flow_id"]),
                "flow_version": int(row["flow_version"]),
                "stage_code": row["stage_code"],
                "language": str(row["language"]),
                "status": str(row["status"]),
                "current_question": row["current_step"],
                "started_at": _iso(row["started_at"]),
                "updated_at": _iso(row["updated_at"]),
                "completed_at": _iso(row["completed_at"]),
                "consent_version": row["consent_version"],
                "consented_at": _iso(row["consented_at"]),
                "reminded_at": _iso(row["reminded_at"]),
                "answers": by_response[int(row["id"])],
            }
            for row in responses
        ],
        "consent_refusals": [
            {
                "consent_version": str(row["consent_version"]),
                "stage_code": row["stage_code"],
                "refused_at": _iso(row["refused_at"]),
            }
            for row in refusals
        ],
    }


# Erasure


async def erase_respondent(store: Store, respondent_id: int) -> ErasureReport:
    """Erase a respondent with their responses, answers and refusals, leaving no trace."""
    action = f"erase respondent {respondent_id}"
    async with store._db.write(action) as conn:
        counts = await _erase(conn, respondent_id)
        if counts is None:
            raise StorageError(f"cannot {action}: no such respondent in {store.path}")
    return ErasureReport(*counts, wal_cleared=await _clear_wal(store))


async def erase_by_telegram_id(store: Store, telegram_id: int) -> ErasureReport | None:
    """Erase the Telegram user `telegram_id` as `erase_respondent` does; None if unknown."""
    async with store._db.write(f"erase Telegram user {telegram_id}") as conn:
        row = await fetch_one(
            conn,
            "SELECT id FROM respondents WHERE channel = ? AND external_id = ?",
            (TELEGRAM, str(telegram_id)),
        )
        counts = None if row is None else await _erase(conn, int(row[0]))
    if counts is None:
        return None
    return ErasureReport(*counts, wal_cleared=await _clear_wal(store))


async def _erase(conn: aiosqlite.Connection, respondent_id: int) -> tuple[int, int, int] | None:
    # Explicit deletes rather than trusting the cascade alone: a connection
    # opened without foreign_keys would otherwise leave the answers behind.
    answers = await conn.execute(
        "DELETE FROM answers WHERE response_id IN "
        "(SELECT id FROM responses WHERE respondent_id = ?)",
        (respondent_id,),
    )
    responses = await conn.execute(
        "DELETE FROM responses WHERE respondent_id = ?", (respondent_id,)
    )
    refusals = await conn.execute(
        "DELETE FROM consent_refusals WHERE respondent_id = ?", (respondent_id,)
    )
    person = await conn.execute("DELETE FROM respondents WHERE id = ?", (respondent_id,))
    if person.rowcount == 0:
        return None
    return responses.rowcount, answers.rowcount, refusals.rowcount


async def truncate_wal(store: Store) -> bool:
    """Checkpoint the -wal file into the database and empty it; False if a reader kept it busy.

    Freed pages are zeroed in the database file, but the -wal file still holds
    the page images written before the erasure until it is emptied.
    """
    if store.readonly:
        raise StorageError(
            f"cannot empty the write-ahead log of {store.path}: it was opened read-only"
        )
    # On the writer, outside any transaction (a checkpoint cannot run inside
    # one): the open group is committed first, and writers wait meanwhile.
    async with store._db.outside_transaction("empty the write-ahead log") as conn:
        row = await fetch_one(conn, "PRAGMA wal_checkpoint(TRUNCATE)")
    # (busy, wal frames, frames checkpointed); busy = 1 when another connection
    # still read old frames after the busy timeout.
    return row is not None and int(row[0]) == 0


async def _clear_wal(store: Store) -> bool:
    # The deletion is committed by now: a failed checkpoint must not report it as failed.
    try:
        return await truncate_wal(store)
    except StorageError as error:
        log.warning("erased rows may stay in the -wal file until it is emptied: %s", error)
        return False


# Retention


async def purge_older_than(
    store: Store, *, before: dt.datetime, now: dt.datetime, dry_run: bool = False
) -> PurgeReport:
    """Delete responses started before `before`, and the respondents left with nothing.

    Consent refusals older than `before` go too. A respondent is deleted when
    created before `before` and left with no response and no refusal: one
    created since may be reading the notice right now. With `dry_run`, count
    what would go and change nothing.
    """
    cutoff = _encode_time(_not_after(before, now, "purge before"))
    try:
        async with store._db.write("purge old responses") as conn:
            answers = await conn.execute(
                "DELETE FROM answers WHERE response_id IN "
                "(SELECT id FROM responses WHERE started_at < ?)",
                (cutoff,),
            )
            responses = await conn.execute("DELETE FROM responses WHERE started_at < ?", (cutoff,))
            refusals = await conn.execute(
                "DELETE FROM consent_refusals WHERE refused_at < ?", (cutoff,)
            )
            respondents = await conn.execute(
                "DELETE FROM respondents WHERE created_at < ? "
                "AND NOT EXISTS (SELECT 1 FROM responses r WHERE r.respondent_id = respondents.id) "
                "AND NOT EXISTS "
                "(SELECT 1 FROM consent_refusals c WHERE c.respondent_id = respondents.id)",
                (cutoff,),
            )
            counts = (
                responses.rowcount,
                answers.rowcount,
                refusals.rowcount,
                respondents.rowcount,
            )
            if dry_run:
                # The same statements, rolled back: the counts cannot drift from a real run.
                raise _DryRun
    except _DryRun:
        return PurgeReport(*counts, wal_cleared=False)
    return PurgeReport(*counts, wal_cleared=await _clear_wal(store))


async def abandon_stale(
    store: Store, *, idle_since: dt.datetime, now: dt.datetime, dry_run: bool = False
) -> int:
    """Mark in-progress responses not updated since `idle_since` as abandoned; return how many.

    Only the status changes: the answers stay, and `updated_at` keeps telling
    when the respondent last progressed. With `dry_run`, only count.
    """
    cutoff = _encode_time(_not_after(idle_since, now, "abandon responses idle since"))
    idle = "status = 'in_progress' AND updated_at < ?"
    if dry_run:
        row = await store._db.read_one(
            f"SELECT COUNT(*) FROM responses WHERE {idle}", (cutoff,), "count idle responses"
        )
        return int(row[0]) if row is not None else 0
    return await store._db.change(
        f"UPDATE responses SET status = 'abandoned' WHERE {idle}",
        (cutoff,),
        "abandon idle responses",
    )


# Helpers


def _check_version(version: object) -> None:
    if not isinstance(version, str) or not version.strip():
        raise StorageError(
            f"a consent version must be a non-empty string such as '2019-06', got {version!r}"
        )


def _not_after(moment: dt.datetime, now: dt.datetime, what: str) -> dt.datetime:
    _encode_time(now)  # refuses a naive `now` with the usual message
    _encode_time(moment)
    if moment > now:
        raise StorageError(
            f"cannot {what} {moment.isoformat()}: it is after now ({now.isoformat()}); "
            "pass a time in the past"
        )
    return moment


def _iso(text: str | None) -> str | None:
    if text is None:
        return None
    return _decode_time(text).astimezone(dt.UTC).isoformat()
