"""Flow versions kept in the database: what is stored, and its SQL on SQLite.

The first time the bot or the chat runs a version of a flow, its content (the
flow as canonical JSON), its version and a digest of that content are stored
(`flow_versions`, one row per flow and version, never changed afterwards).
Exports read them back so that answers given on an older version keep their
labels, question texts and kinds after the flow file moved on; the start-up
check (`conversation.keep_flow_versions`) compares a file's digest with the one
stored for its version, so content changed without a new `version` is refused.

Functions of a `sqlite3.Connection`, run by `Database`;
`storage.postgres.flow_versions` mirrors them, and `storage.flow_version_methods`
holds the store methods both backends share.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import Final

from storage.codecs import decode_time, encode_time


@dataclass(frozen=True, slots=True)
class FlowVersion:
    """One version of a flow as it was first run."""

    flow_id: str
    version: int
    digest: str
    """sha256 of `content`, in hex."""
    content: str
    """The flow as canonical JSON (`conversation.versions.canonical_content`)."""
    first_used_at: dt.datetime


COLUMNS: Final = "flow_id, version, digest, content, first_used_at"


def from_row(row: sqlite3.Row | tuple[object, ...]) -> FlowVersion:
    """The version a row of `COLUMNS` describes."""
    flow_id, version, digest, content, first_used_at = tuple(row)
    return FlowVersion(
        flow_id=str(flow_id),
        version=int(str(version)),
        digest=str(digest),
        content=str(content),
        first_used_at=decode_time(str(first_used_at)),
    )


def record(
    conn: sqlite3.Connection,
    *,
    flow_id: str,
    version: int,
    digest: str,
    content: str,
    now: dt.datetime,
) -> FlowVersion:
    """Insert the version unless one is stored; return the stored one (first use kept)."""
    conn.execute(
        f"INSERT INTO flow_versions ({COLUMNS}) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (flow_id, version) DO NOTHING",
        (flow_id, version, digest, content, encode_time(now)),
    )
    row = conn.execute(
        f"SELECT {COLUMNS} FROM flow_versions WHERE flow_id = ? AND version = ?",
        (flow_id, version),
    ).fetchone()
    return from_row(row)


def list_versions(conn: sqlite3.Connection, *, flow_id: str) -> list[FlowVersion]:
    """Every stored version of `flow_id`, oldest first."""
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM flow_versions WHERE flow_id = ? ORDER BY version", (flow_id,)
    )
    return [from_row(row) for row in rows]
