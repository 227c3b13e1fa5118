"""Respondents: the SQL, as functions of a `sqlite3.Connection` run by `Database`.

A respondent is keyed by channel and the channel's own id; they are created
only once they agree to the notice (or decline it, to record the refusal).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Final

from storage.codecs import decode_optional_time, decode_time, encode_time
from storage.errors import NotFound, StorageError
from storage.models import Respondent

COLUMNS: Final = "id, channel, external_id, language, created_at, blocked_at"


def from_row(row: sqlite3.Row) -> Respondent:
    """The respondent a row of `COLUMNS` describes."""
    language = row["language"]
    return Respondent(
        id=int(row["id"]),
        channel=str(row["channel"]),
        external_id=str(row["external_id"]),
        language=None if language is None else str(language),
        created_at=decode_time(row["created_at"]),
        blocked_at=decode_optional_time(row["blocked_at"]),
    )


def ensure(
    conn: sqlite3.Connection,
    *,
    channel: str,
    external_id: str,
    now: dt.datetime,
    language: str | None,
) -> Respondent:
    """The respondent for (channel, external_id), created with `language` if new."""
    conn.execute(
        "INSERT INTO respondents (channel, external_id, language, created_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (channel, external_id) DO NOTHING",
        (channel, external_id, language, encode_time(now)),
    )
    found = find(conn, channel=channel, external_id=external_id)
    if found is None:
        raise StorageError(f"a {channel} respondent vanished inside its transaction")
    return found


def channels(conn: sqlite3.Connection) -> dict[int, str]:
    """Each respondent's channel, by respondent id (for counts per channel)."""
    rows = conn.execute("SELECT id, channel FROM respondents")
    return {int(respondent_id): str(channel) for respondent_id, channel in rows}


def find(conn: sqlite3.Connection, *, channel: str, external_id: str) -> Respondent | None:
    """The respondent for (channel, external_id), if there is one."""
    row = conn.execute(
        f"SELECT {COLUMNS} FROM respondents WHERE channel = ? AND external_id = ?",
        (channel, external_id),
    ).fetchone()
    return None if row is None else from_row(row)


def find_by_id(conn: sqlite3.Connection, respondent_id: int) -> Respondent | None:
    """The respondent with this internal id, if there is one."""
    row = conn.execute(
        f"SELECT {COLUMNS} FROM respondents WHERE id = ?", (respondent_id,)
    ).fetchone()
    return None if row is None else from_row(row)


def exists(conn: sqlite3.Connection, respondent_id: int) -> bool:
    """Whether there is a respondent with this internal id."""
    return (
        conn.execute("SELECT 1 FROM respondents WHERE id = ?", (respondent_id,)).fetchone()
        is not None
    )


def set_blocked(
    conn: sqlite3.Connection, respondent_id: int, *, blocked: bool, now: dt.datetime
) -> None:
    """Mark the respondent as blocking the bot (keeping the first time), or clear it."""
    if blocked:
        cursor = conn.execute(
            "UPDATE respondents SET blocked_at = COALESCE(blocked_at, ?) WHERE id = ?",
            (encode_time(now), respondent_id),
        )
    else:
        encode_time(now)  # a naive time is refused whichever way
        cursor = conn.execute(
            "UPDATE respondents SET blocked_at = NULL WHERE id = ?", (respondent_id,)
        )
    if cursor.rowcount == 0:
        raise NotFound("no such respondent")


def set_language(
    conn: sqlite3.Connection,
    respondent_id: int,
    language: str,
    *,
    response_id: int | None,
    now: dt.datetime,
) -> None:
    """Set the respondent's language and, if given, their response's (which counts as activity)."""
    updated_at = encode_time(now)
    cursor = conn.execute(
        "UPDATE respondents SET language = ? WHERE id = ?", (language, respondent_id)
    )
    if cursor.rowcount == 0:
        raise NotFound("no such respondent")
    if response_id is None:
        return
    cursor = conn.execute(
        "UPDATE responses SET language = ?, updated_at = ? WHERE id = ? AND respondent_id = ?",
        (language, updated_at, response_id, respondent_id),
    )
    if cursor.rowcount == 0:
        raise NotFound(f"no response {response_id} of respondent {respondent_id}")
