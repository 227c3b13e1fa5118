"""`surveybot purge` with both options counts a response once: deleted, or closed.

A response started over a year ago and idle is deleted by `--older-than 365`;
`--abandon-after-days 14` closes only the idle ones the purge keeps. The counts
of a dry run are those of the real run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from storage import Store
from tests.storage.test_abandon_kept_from import started

NOW = dt.datetime.now(dt.UTC)
DAY = dt.timedelta(days=1)


async def _fill(path: Path) -> None:
    async with await Store.open(path) as store:
        await started(store, "1", NOW - 400 * DAY)
        await started(store, "2", NOW - 30 * DAY)


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry run", "real run"])
def test_an_old_idle_response_is_counted_as_deleted_only(tmp_path: Path, dry_run: bool) -> None:
    db = tmp_path / "survey.sqlite3"
    asyncio.run(_fill(db))
    args = ["purge", "--older-than", "365", "--abandon-after-days", "14", "--db", str(db)]

    result = CliRunner().invoke(main, args + (["--dry-run"] if dry_run else []))

    assert result.exit_code == 0, result.output
    counts = dict(line.split(": ") for line in result.stdout.splitlines())
    assert counts["responses"] == "1"
    assert counts["abandoned"] == "1"
