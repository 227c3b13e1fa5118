"""Flow versions kept on PostgreSQL; mirrors `storage.flow_versions`."""

from __future__ import annotations

import datetime as dt
from typing import Final

import asyncpg

from storage.flow_versions import FlowVersion
from storage.postgres.codecs import moment

COLUMNS: Final = "flow_id, version, digest, content, first_used_at"


def from_row(row: asyncpg.Record) -> FlowVersion:
    """The version a row of `COLUMNS` describes."""
    return FlowVersion(
        flow_id=str(row["flow_id"]),
        version=int(row["version"]),
        digest=str(row["digest"]),
        content=str(row["content"]),
        first_used_at=row["first_used_at"],
    )


async def record(
    conn: asyncpg.Connection,
    *,
    flow_id: str,
    version: int,
    digest: str,
    content: str,
    now: dt.datetime,
) -> FlowVersion:
    """Insert the version unless one is stored; return the stored one (first use kept).

    Two instances starting together: the primary key lets one insert, the other
    waits for its commit and then reads its row.
    """
    await conn.execute(
        f"INSERT INTO flow_versions ({COLUMNS}) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (flow_id, version) DO NOTHING",
        flow_id,
        version,
        digest,
        content,
        moment(now),
    )
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM flow_versions WHERE flow_id = $1 AND version = $2",
        flow_id,
        version,
    )
    return from_row(row)


async def list_versions(conn: asyncpg.Connection, *, flow_id: str) -> list[FlowVersion]:
    """Every stored version of `flow_id`, oldest first."""
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM flow_versions WHERE flow_id = $1 ORDER BY version", flow_id
    )
    return [from_row(row) for row in rows]
