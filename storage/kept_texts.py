"""Typed answers the web chat refused, kept for the page after the redirect, on any instance.

Without scripts, a form post is answered by a redirect to the chat page, which
another instance behind the load balancer may serve (bot/web/flash.py). What the
person typed in a refused answer ("douze" for a number, a text over its limit) is
shown back in its field there: it waits here under a random id, which alone rides
in the cookie, bound to the web chat's id of the person who typed it. The page
takes it once (read and deleted in one transaction); a row older than `KEPT_FOR`
is never read, and goes with the next text kept, the daily upkeep's prune, or the
person's erasure (`erase_person`), whichever comes first.

Functions of a `sqlite3.Connection`, run by `Database`; `storage.postgres.kept_texts`
mirrors them.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
from typing import Final

from storage.codecs import encode_time

KEPT_FOR: Final = dt.timedelta(seconds=120)
"""How long a refused text waits for its page: long enough for a slow phone to follow the
redirect, or to try again after a 429. The web's flash cookie lives as long."""
_OF_RESPONDENT = "person = (SELECT external_id FROM respondents WHERE id = ? AND channel = 'web')"


def new_key() -> str:
    """A kept text's id: 128 random bits, URL-safe (it rides in a cookie)."""
    return secrets.token_urlsafe(16)


def keep(conn: sqlite3.Connection, key: str, person: str, text: str, *, now: dt.datetime) -> None:
    """Keep `text` typed by `person` (a web chat id) under `key`; drop the ones expired."""
    # Dropped here rather than only by the daily upkeep: nobody's text outlives a refusal.
    prune(conn, before=now - KEPT_FOR)
    conn.execute(
        "INSERT INTO kept_texts (id, person, text, created_at) VALUES (?, ?, ?, ?)",
        (key, person, text, encode_time(now)),
    )


def take(conn: sqlite3.Connection, key: str, person: str, *, now: dt.datetime) -> str | None:
    """The text kept under `key` for `person`, deleted as it is read; None if none is.

    Another person's id, or a key never given, finds nothing and deletes nothing;
    an expired text is deleted and not returned.
    """
    row = conn.execute(
        "DELETE FROM kept_texts WHERE id = ? AND person = ? RETURNING text, created_at",
        (key, person),
    ).fetchone()
    if row is None or row[1] < encode_time(now - KEPT_FOR):
        return None
    return str(row[0])


def prune(conn: sqlite3.Connection, *, before: dt.datetime) -> int:
    """Delete the texts kept before `before`; how many."""
    cursor = conn.execute("DELETE FROM kept_texts WHERE created_at < ?", (encode_time(before),))
    return cursor.rowcount


def erase_person(conn: sqlite3.Connection, respondent_id: int) -> int:
    """Delete the texts kept for this respondent (if on the web chat); how many."""
    cursor = conn.execute(f"DELETE FROM kept_texts WHERE {_OF_RESPONDENT}", (respondent_id,))
    return cursor.rowcount
