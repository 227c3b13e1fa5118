"""The poller's durable inbox: each fetched update written down before Telegram is told.

The poller (bot/telegram/poller.py) writes a whole `getUpdates` batch here in
one transaction, then confirms it to Telegram at once; updates are applied
from here and marked done one by one, and a restarted bot applies the rows
left not done. Rows hold raw updates (names, typed texts): a done row is kept
only a few minutes, so that a batch Telegram delivers again (the bot stopped
before its confirmation) is recognised and not applied a second time, then
pruned; an erased person's done rows go with the erasure (`erase_person`). Rows
not done wait for the poller; once the bot runs with a webhook, nothing applies
them, and they go a day after they came (`prune_unhandled`).
Functions of a `sqlite3.Connection`, run by `Database`; `storage.postgres.inbox`
mirrors them.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storage import responses
from storage.codecs import encode_time

KEEP_DONE = dt.timedelta(minutes=5)
"""How long a done update stays in the inbox: to recognise a batch delivered again."""

_DONE_OF_RESPONDENT = (
    "done_at IS NOT NULL AND person = "
    "(SELECT external_id FROM respondents WHERE id = ? AND channel = 'telegram')"
)


@dataclass(frozen=True)
class Inboxed:
    """One update as written down: its id, whose it is, and the update itself."""

    update_id: int
    person: str | None
    """The sender's Telegram id (the respondent's `external_id`), or None (no sender)."""
    update: dict[str, Any]
    replays: int = 0
    """How many starts have applied it again (set aside after a few: bot/telegram/poller.py)."""


def add(
    conn: sqlite3.Connection, items: Sequence[Inboxed], *, now: dt.datetime, done: Sequence[int]
) -> list[int]:
    """Write a batch (those in `done` already done); the ids that were not there already.

    An update already in the inbox (delivered again) is left as it is: done or
    waiting, it is applied at most once from here.
    """
    stamp = encode_time(now)
    new = []
    for item in items:
        cursor = conn.execute(
            "INSERT INTO inbox (update_id, person, update_json, received_at, done_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (update_id) DO NOTHING",
            (
                item.update_id,
                item.person,
                json.dumps(item.update),
                stamp,
                stamp if item.update_id in done else None,
            ),
        )
        if cursor.rowcount == 1:
            new.append(item.update_id)
    return new


def mark_done(
    conn: sqlite3.Connection,
    update_ids: Sequence[int],
    *,
    now: dt.datetime,
    live: Mapping[int, int | None],
) -> None:
    """Mark these updates done (handled, dropped or unreadable); done ones keep their time.

    With the live message of each response in `live`, as their replies left it.
    """
    conn.executemany(
        "UPDATE inbox SET done_at = ? WHERE update_id = ? AND done_at IS NULL",
        [(encode_time(now), update_id) for update_id in update_ids],
    )
    responses.set_prompt_messages(conn, live)


def unfinished(conn: sqlite3.Connection) -> list[Inboxed]:
    """Every update not yet done, in the order Telegram numbered them."""
    rows = conn.execute(
        "SELECT update_id, person, update_json, replays FROM inbox "
        "WHERE done_at IS NULL ORDER BY update_id"
    ).fetchall()
    return [Inboxed(int(i), person, json.loads(data), int(n)) for i, person, data, n in rows]


def count_replay(conn: sqlite3.Connection, update_ids: Sequence[int]) -> None:
    """Count one more start applying these updates again (done ones are left alone)."""
    conn.executemany(
        "UPDATE inbox SET replays = replays + 1 WHERE update_id = ? AND done_at IS NULL",
        [(update_id,) for update_id in update_ids],
    )


def counts(conn: sqlite3.Connection) -> tuple[int, int]:
    """Rows in the inbox, and how many of them are not done."""
    row = conn.execute("SELECT COUNT(*), COUNT(*) - COUNT(done_at) FROM inbox").fetchone()
    return int(row[0]), int(row[1])


def prune(conn: sqlite3.Connection, *, before: dt.datetime) -> int:
    """Delete the rows done before `before`; how many."""
    cursor = conn.execute(
        "DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?", (encode_time(before),)
    )
    return cursor.rowcount


def prune_unhandled(conn: sqlite3.Connection, *, before: dt.datetime) -> int:
    """Delete the rows not done received before `before`; how many. For a bot switched to a
    webhook only: nothing applies them while it runs so, and a day late is too late."""
    cursor = conn.execute(
        "DELETE FROM inbox WHERE done_at IS NULL AND received_at < ?", (encode_time(before),)
    )
    return cursor.rowcount


def erase_person(conn: sqlite3.Connection, respondent_id: int) -> int:
    """Delete the done rows of this respondent (if on Telegram); how many.

    Rows not done yet are updates still to be applied (sent with or after the
    erasure request): they are applied, then pruned a few minutes later like
    every row, so a crash meanwhile loses none of them.
    """
    cursor = conn.execute(f"DELETE FROM inbox WHERE {_DONE_OF_RESPONDENT}", (respondent_id,))
    return cursor.rowcount
