"""The schema, as ordered migration steps keyed by `PRAGMA user_version`.

Step N takes a database from version N-1 to N. Each step runs, as one
synchronous function given to `Database.run_write`, in its own write
transaction together with its version bump, so a failed step leaves the
database at the previous version. Steps are lists of statements run one by
one: `executescript` would commit on its own and break that guarantee.
Never edit a released step; add a new one.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Final

from storage.connection import describe_error
from storage.db import Database
from storage.errors import StorageError, refuse_newer, refuse_other_schema

log = logging.getLogger(__name__)

Steps = Mapping[int, Sequence[str]]

MIGRATIONS: Final[Steps] = {
    1: (
        """
        CREATE TABLE respondents (
            id INTEGER PRIMARY KEY,
            channel TEXT NOT NULL,
            external_id TEXT NOT NULL,
            language TEXT,
            created_at TEXT NOT NULL,
            blocked_at TEXT,
            UNIQUE (channel, external_id)
        )
        """,
        """
        CREATE TABLE stages (
            code TEXT PRIMARY KEY,
            city TEXT NOT NULL,
            region TEXT,
            territory TEXT,
            date TEXT,
            flow_id TEXT
        )
        """,
        """
        CREATE TABLE responses (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            respondent_id INTEGER NOT NULL REFERENCES respondents (id) ON DELETE CASCADE,
            flow_id TEXT NOT NULL,
            flow_version INTEGER NOT NULL,
            stage_code TEXT,
            language TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('in_progress', 'completed', 'abandoned')),
            state_json TEXT NOT NULL,
            current_step TEXT,
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            completed_at TEXT
        )
        """,
        "CREATE INDEX responses_respondent_flow ON responses (respondent_id, flow_id)",
        "CREATE INDEX responses_stage ON responses (stage_code)",
        """
        CREATE TABLE answers (
            response_id INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            value_json TEXT NOT NULL,
            other_text TEXT,
            flow_id TEXT NOT NULL,
            flow_version INTEGER NOT NULL,
            stage_code TEXT,
            answered_at TEXT NOT NULL,
            PRIMARY KEY (response_id, question_id)
        )
        """,
    ),
    2: (
        # Telegram update ids already applied: a redelivery after a crash is skipped.
        """
        CREATE TABLE handled_updates (
            update_id INTEGER PRIMARY KEY,
            handled_at TEXT NOT NULL
        )
        """,
        # The message showing the current question, so its keyboard can be removed.
        "ALTER TABLE responses ADD COLUMN prompt_message_id INTEGER",
    ),
    3: (
        # The version of the information notice the respondent accepted, and when.
        "ALTER TABLE responses ADD COLUMN consent_version TEXT",
        "ALTER TABLE responses ADD COLUMN consented_at TEXT",
        # Set once: a response gets at most one reminder.
        "ALTER TABLE responses ADD COLUMN reminded_at TEXT",
        # Declining stores nothing but this: which notice, where, when.
        """
        CREATE TABLE consent_refusals (
            id INTEGER PRIMARY KEY,
            respondent_id INTEGER NOT NULL REFERENCES respondents (id) ON DELETE CASCADE,
            consent_version TEXT NOT NULL,
            stage_code TEXT,
            refused_at TEXT NOT NULL
        )
        """,
        # Without it, erasing a respondent scans the whole table for the cascade.
        "CREATE INDEX consent_refusals_respondent ON consent_refusals (respondent_id)",
        # Reminders and abandonment look for idle in-progress responses regularly.
        "CREATE INDEX responses_status_updated ON responses (status, updated_at)",
    ),
    4: (
        # Nothing about a person before they agree: a refusal no longer names who refused
        # (a table rebuilt, since SQLite cannot drop a column that references another).
        """
        CREATE TABLE consent_refusals_anonymous (
            id INTEGER PRIMARY KEY,
            consent_version TEXT NOT NULL,
            stage_code TEXT,
            refused_at TEXT NOT NULL
        )
        """,
        "INSERT INTO consent_refusals_anonymous (id, consent_version, stage_code, refused_at) "
        "SELECT id, consent_version, stage_code, refused_at FROM consent_refusals",
        "DROP TABLE consent_refusals",
        "ALTER TABLE consent_refusals_anonymous RENAME TO consent_refusals",
        # Rows written before consent by earlier versions (a /help, a refusal): a respondent
        # is now only ever written with a response, so those without one go.
        "DELETE FROM respondents WHERE NOT EXISTS "
        "(SELECT 1 FROM responses r WHERE r.respondent_id = respondents.id)",
    ),
    5: (
        # Each flow version the bot has run, as it was: exports of older responses take
        # their labels, question texts and kinds from here (storage/flow_versions.py).
        """
        CREATE TABLE flow_versions (
            flow_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            digest TEXT NOT NULL,
            content TEXT NOT NULL,
            first_used_at TEXT NOT NULL,
            PRIMARY KEY (flow_id, version)
        )
        """,
    ),
    6: (
        # Organiser jobs (an export...): acknowledged at once, run in the background, and
        # finished by a restarted bot if it stopped under way (storage/jobs.py).
        """
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            chat_id TEXT NOT NULL,
            language TEXT NOT NULL,
            args_json TEXT NOT NULL,
            update_id INTEGER UNIQUE,
            status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT
        )
        """,
        "CREATE INDEX jobs_pending ON jobs (id) WHERE status = 'pending'",
    ),
    7: (
        # The poller's durable inbox: a fetched batch is written here before Telegram is
        # told, and applied from here (storage/inbox.py). Done rows go within minutes.
        """
        CREATE TABLE inbox (
            update_id INTEGER PRIMARY KEY,
            person TEXT,
            update_json TEXT NOT NULL,
            received_at TEXT NOT NULL,
            done_at TEXT
        )
        """,
        "CREATE INDEX inbox_waiting ON inbox (update_id) WHERE done_at IS NULL",
    ),
    8: (
        # How many starts have applied an update again: one that stops the bot every time
        # is set aside after a few, instead of stopping every start (bot/telegram/poller.py).
        "ALTER TABLE inbox ADD COLUMN replays INTEGER NOT NULL DEFAULT 0",
    ),
    9: (
        # A typed answer the web chat refused, for the page after the redirect, whichever
        # instance serves it; taken once, gone within minutes (storage/kept_texts.py).
        """
        CREATE TABLE kept_texts (
            id TEXT PRIMARY KEY,
            person TEXT NOT NULL,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX kept_texts_age ON kept_texts (created_at)",
    ),
    10: (
        # One pending job per request (kind, chat, arguments): a double tap's two updates,
        # taken by two instances, were two exports (storage/jobs.py). Twins left pending by
        # earlier versions end as done, but the oldest, which does the work for them.
        "UPDATE jobs SET status = 'done', "
        "finished_at = strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now') "
        "WHERE status = 'pending' AND EXISTS (SELECT 1 FROM jobs AS older "
        "WHERE older.status = 'pending' AND older.kind = jobs.kind "
        "AND older.chat_id = jobs.chat_id AND older.args_json = jobs.args_json "
        "AND older.id < jobs.id)",
        "CREATE UNIQUE INDEX jobs_one_pending ON jobs (kind, chat_id, args_json) "
        "WHERE status = 'pending'",
    ),
}

SCHEMA_VERSION: Final = max(MIGRATIONS)


def read_version(conn: sqlite3.Connection) -> int:
    """Return the database's `PRAGMA user_version`."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0]) if row is not None else 0


def _check_steps(steps: Steps) -> int:
    expected = list(range(1, len(steps) + 1))
    if sorted(steps) != expected:
        raise StorageError(
            f"migration steps must be numbered 1..{len(steps)} without gaps, got {sorted(steps)}"
        )
    return len(steps)


async def apply_migrations(db: Database, steps: Steps = MIGRATIONS) -> list[int]:
    """Bring the database up to the latest version; return the versions applied."""
    latest = _check_steps(steps)
    # Most opens find the schema current: check without taking the write lock.
    if await db.run_read(read_version, "read the schema version") == latest:
        return []
    applied: list[int] = []
    step = partial(_apply_next_step, steps=steps, latest=latest, path=db.path)
    while (target := await db.run_write(step, "migrate the schema")) is not None:
        applied.append(target)
        log.info("migrated %s to schema version %d", db.path, target)
    return applied


def _apply_next_step(
    conn: sqlite3.Connection, *, steps: Steps, latest: int, path: Path
) -> int | None:
    """Apply the step after the current version with its version bump; None if up to date.

    The version is read inside the write transaction: another process may have
    migrated between our check and our BEGIN IMMEDIATE.
    """
    current = read_version(conn)
    refuse_newer(str(path), current, latest)
    if current == latest:
        return None
    target = current + 1
    for statement in steps[target]:
        try:
            conn.execute(statement)
        except sqlite3.Error as exc:
            # Name the step; the write rolls the whole step back.
            raise describe_error(exc, path, f"apply migration {target}") from exc
    # PRAGMA takes no `?` parameters; target is an int we computed.
    conn.execute(f"PRAGMA user_version = {int(target)}")
    return target


async def check_version(db: Database, latest: int = SCHEMA_VERSION) -> None:
    """Make sure the database is at `latest`, for connections that cannot migrate."""
    current = await db.run_read(read_version, "read the schema version")
    refuse_empty_file(db.path, current)
    refuse_other_schema(str(db.path), current, latest)


def refuse_empty_file(path: Path, version: int) -> None:
    """Refuse an empty file (0 bytes): migrating would make it an empty database, while
    no answer is in it; the path is wrong."""
    if version == 0 and path.is_file() and path.stat().st_size == 0:
        raise StorageError(
            f"cannot read database {path}: the file is empty (0 bytes), not a surveybot "
            "database; check the path (SURVEYBOT_DB or --db)"
        )
