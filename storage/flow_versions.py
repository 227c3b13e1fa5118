"""Flow versions kept (`storage.kept_flows`) on SQLite: the SQL, as functions of a connection."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Final

from storage.codecs import decode_time, encode_time
from storage.kept_flows import FlowVersion

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
