"""Stages (the workshops responses are tagged with) on PostgreSQL; mirrors `storage.stages`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import asyncpg

from storage.models import Stage

COLUMNS: Final = "code, city, region, territory, date, flow_id"


def from_row(row: asyncpg.Record) -> Stage:
    """The stage a row of `COLUMNS` describes (`date` comes back as a date)."""
    return Stage(
        code=str(row["code"]),
        city=str(row["city"]),
        region=row["region"],
        territory=row["territory"],
        date=row["date"],
        flow_id=row["flow_id"],
    )


async def sync(conn: asyncpg.Connection, stages: Sequence[Stage]) -> None:
    """Insert or update `stages`; stages not listed stay (old responses may carry their codes)."""
    await conn.executemany(
        f"INSERT INTO stages ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) "
        "ON CONFLICT (code) DO UPDATE SET city = excluded.city, "
        "region = excluded.region, territory = excluded.territory, "
        "date = excluded.date, flow_id = excluded.flow_id",
        [
            (stage.code, stage.city, stage.region, stage.territory, stage.date, stage.flow_id)
            for stage in stages
        ],
    )


async def list_all(conn: asyncpg.Connection) -> list[Stage]:
    """Every stage by date, then code; stages without a date come last."""
    # Codes compared byte by byte, as SQLite does, whatever the database's collation.
    rows = await conn.fetch(
        f'SELECT {COLUMNS} FROM stages ORDER BY date IS NULL, date, code COLLATE "C"'
    )
    return [from_row(row) for row in rows]


async def get(conn: asyncpg.Connection, code: str) -> Stage | None:
    """The stage with this code, if any."""
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM stages WHERE code = $1", code)
    return None if row is None else from_row(row)
