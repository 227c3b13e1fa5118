"""The metadata cells of a batch's responses: what the wide layout's first columns hold
(key, stage, channel, flow, status, times), one list per column.

A stage's city and region are those stored with it in the database, else those
the stages file gives it through the options (`ExportOptions.cities`, `.regions`):
a stage the database does not know, or (a region) one it keeps without one. Its
territory and day come the same way, read once per export (`ExportOptions.territories`,
`.dates`, the database's laid over the file's). A response without a stage has none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from exports.options import ExportOptions
from storage import ResponseBatch


def meta_cells(batch: ResponseBatch, options: ExportOptions) -> dict[str, list[Any]]:
    """Every metadata column, by name, whichever the export asks for: the cells of a table
    (`exports.table.Value`)."""
    return {
        "response_key": list(batch.keys),
        "stage_code": list(batch.stage_codes),
        "stage_city": stage_cells(batch.stage_codes, batch.cities, options.cities),
        "stage_region": stage_cells(batch.stage_codes, batch.regions, options.regions),
        "stage_territory": _of_stage(batch.stage_codes, options.territories),
        "stage_date": _of_stage(batch.stage_codes, options.dates),
        "channel": list(batch.channels),
        "flow_id": list(batch.flow_ids),
        "flow_version": list(batch.flow_versions),
        "language": list(batch.languages),
        "status": list(batch.statuses),
        "started_at": list(batch.started_at),
        "completed_at": list(batch.completed_at),
        "duration_seconds": [
            _seconds_between(start, end)
            for start, end in zip(batch.started_at, batch.completed_at, strict=True)
        ],
    }


def stage_cells(
    codes: tuple[str | None, ...], stored: tuple[str | None, ...], given: Mapping[str, str]
) -> list[str | None]:
    """What the database stores with each response's stage (its city, its region), else
    what the stages file gives that stage (`given`, by code); None without a stage."""
    return [
        value if value or code is None else given.get(code)
        for code, value in zip(codes, stored, strict=True)
    ]


def _of_stage(codes: tuple[str | None, ...], given: Mapping[str, str]) -> list[str | None]:
    """What the database, else the stages file, gives each response's stage (`given`)."""
    return [given.get(code) if code is not None else None for code in codes]


def _seconds_between(start: str, end: str | None) -> int | None:
    if end is None:
        return None
    # Between the times as written, to the second: `completed_at - started_at` in the
    # analyst's own tool gives the same number (rounding the exact span could differ by 1).
    whole = [dt.datetime.fromisoformat(t).replace(microsecond=0) for t in (start, end)]
    return int((whole[1] - whole[0]).total_seconds())
