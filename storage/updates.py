"""Delivery ids already applied (Telegram update ids), so a redelivery is not applied twice.

Functions of a `sqlite3.Connection`; a write that applies an input records its
id in the same transaction, so both land together or not at all.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from storage.codecs import encode_time


def record(conn: sqlite3.Connection, update_id: int | None, *, now: dt.datetime) -> None:
    """Record `update_id` as applied (nothing if None); recording it again keeps the first time."""
    if update_id is None:
        return
    conn.execute(
        "INSERT OR IGNORE INTO handled_updates (update_id, handled_at) VALUES (?, ?)",
        (update_id, encode_time(now)),
    )


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
