"""Stages (the workshops responses are tagged with): the SQL, as functions of a connection."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any, Final

from storage.models import Stage

COLUMNS: Final = "code, city, region, territory, date, flow_id"


def from_row(row: sqlite3.Row | Mapping[str, Any]) -> Stage:
    """The stage a row of `COLUMNS` describes."""
    date_text, region, territory, flow_id = (
        row["date"],
        row["region"],
        row["territory"],
        row["flow_id"],
    )
    return Stage(
        code=str(row["code"]),
        city=str(row["city"]),
        region=None if region is None else str(region),
        territory=None if territory is None else str(territory),
        date=dt.date.fromisoformat(date_text) if date_text is not None else None,
        flow_id=None if flow_id is None else str(flow_id),
    )


def sync(conn: sqlite3.Connection, stages: Sequence[Stage]) -> None:
    """Insert or update `stages`; stages not listed stay (old responses may carry their codes)."""
    conn.executemany(
        f"INSERT INTO stages ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (code) DO UPDATE SET city = excluded.city, "
        "region = excluded.region, territory = excluded.territory, "
        "date = excluded.date, flow_id = excluded.flow_id",
        [
            (
                stage.code,
                stage.city,
                stage.region,
                stage.territory,
                stage.date.isoformat() if stage.date is not None else None,
                stage.flow_id,
            )
            for stage in stages
        ],
    )


def list_all(conn: sqlite3.Connection) -> list[Stage]:
    """Every stage by date, then code; stages without a date come last."""
    rows = conn.execute(f"SELECT {COLUMNS} FROM stages ORDER BY date IS NULL, date, code")
    return [from_row(row) for row in rows]


def get(conn: sqlite3.Connection, code: str) -> Stage | None:
    """The stage with this code, if any."""
    row = conn.execute(f"SELECT {COLUMNS} FROM stages WHERE code = ?", (code,)).fetchone()
    return None if row is None else from_row(row)
