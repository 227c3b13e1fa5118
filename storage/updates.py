"""Delivery ids already applied (Telegram update ids), so a redelivery is not applied twice.

Functions of a `sqlite3.Connection`; a write that applies an input records its
id in the same transaction, so both land together or not at all.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from storage.codecs import encode_time
from storage.errors import already_applied


def record(conn: sqlite3.Connection, update_id: int | None, *, now: dt.datetime) -> bool:
    """Record `update_id` as applied (nothing if None); False if it already was (kept as it was)."""
    if update_id is None:
        return True
    cursor = conn.execute(
        "INSERT OR IGNORE INTO handled_updates (update_id, handled_at) VALUES (?, ?)",
        (update_id, encode_time(now)),
    )
    return cursor.rowcount == 1


def claim(conn: sqlite3.Connection, update_id: int | None, *, now: dt.datetime) -> None:
    """Record `update_id` as applied, or raise Conflict if a write recorded it before.

    One process applies one respondent's inputs in order, so on SQLite this
    only meets a caller that writes twice with one id; it keeps both backends alike.
    """
    if not record(conn, update_id, now=now):
        assert update_id is not None
        raise already_applied(update_id)


def was_handled(conn: sqlite3.Connection, update_id: int | None) -> bool:
    """Whether `update_id` was already applied (False for None)."""
    if update_id is None:
        return False
    row = conn.execute("SELECT 1 FROM handled_updates WHERE update_id = ?", (update_id,))
    return row.fetchone() is not None


def prune(conn: sqlite3.Connection, *, before: dt.datetime) -> int:
    """Forget ids applied before `before`; return how many were forgotten."""
    cursor = conn.execute(
        "DELETE FROM handled_updates WHERE handled_at < ?", (encode_time(before),)
    )
    return cursor.rowcount
