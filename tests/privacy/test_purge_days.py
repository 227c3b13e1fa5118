"""`surveybot purge` counts idle time in days, as the bot does; the old hours flag still works.

Through the real command line (click's runner on the `surveybot` group) on a real database.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from storage import AnswerInput, ResponseStatus, Store
from tests.support.sqlite import open_sqlite

NOW = dt.datetime.now(dt.UTC)
DAY = dt.timedelta(days=1)
COUNTS = "responses: 0\nanswers: 0\nconsent_refusals: 0\nrespondents: 0\n"


@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run from an empty folder (no .env) with no SURVEYBOT_* variable set."""
    for name in list(os.environ):
        if name.startswith("SURVEYBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield tmp_path


async def _fill(path: Path) -> None:
    """Unfinished responses, untouched for 1, 3 and 20 days."""
    async with await Store.open(path) as store:
        for number, idle in enumerate((1, 3, 20), start=1):
            who = await store.ensure_respondent("telegram", str(number), now=NOW - 30 * DAY)
            response = await store.start_response(
                who.id,
                flow_id="tdf2019",
                flow_version=3,
                stage_code=None,
                language="fr",
                state_json="{}",
                current_step="q1",
                now=NOW - 30 * DAY,
            )
            await store.save_progress(
                response.id,
                state_json="{}",
                current_step="q2",
                answers={"q1": AnswerInput("oui")},
                status=ResponseStatus.IN_PROGRESS,
                now=NOW - idle * DAY,
            )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "survey.sqlite3"
    asyncio.run(_fill(path))
    return path


def purge(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["purge", "--older-than", "365", *map(str, args)])


def statuses(db: Path) -> list[str]:
    with open_sqlite(db) as conn:
        return [status for (status,) in conn.execute("SELECT status FROM responses ORDER BY id")]


def test_abandon_after_days(db: Path) -> None:
    result = purge("--abandon-after-days", "2", "--db", db)

    assert result.exit_code == 0, result.output
    assert result.stdout == COUNTS + "abandoned: 2\n"
    assert result.stderr.startswith("deleted what was started before ")
    assert statuses(db) == ["in_progress", "abandoned", "abandoned"]


def test_part_of_a_day(db: Path) -> None:
    result = purge("--abandon-after-days", "0.5", "--db", db, "--dry-run")

    assert result.exit_code == 0, result.output
    assert result.stdout == COUNTS + "abandoned: 3\n"
    assert statuses(db) == ["in_progress"] * 3


def test_the_old_hours_flag_still_works_with_a_warning(db: Path) -> None:
    result = purge("--abandon-after", "336", "--db", db)

    assert result.exit_code == 0, result.output
    assert result.stdout == COUNTS + "abandoned: 1\n", "336 hours: 14 days"
    assert result.stderr.startswith(
        "warning: --abandon-after HOURS is deprecated; use --abandon-after-days DAYS "
        "(here --abandon-after-days 14)\n"
    )
    assert statuses(db) == ["in_progress", "in_progress", "abandoned"]


def test_both_flags_at_once_is_misuse(db: Path) -> None:
    result = purge("--abandon-after", "48", "--abandon-after-days", "2", "--db", db)

    assert result.exit_code == 2
    assert "give --abandon-after-days only" in result.stderr
    assert "Traceback" not in result.output
    assert statuses(db) == ["in_progress"] * 3


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--abandon-after-days", "0"),
        ("--abandon-after-days", "-1"),
        ("--abandon-after-days", "deux"),
        ("--abandon-after-days", "nan"),
        ("--abandon-after-days", "inf"),
        ("--abandon-after-days", "1e9"),
        ("--abandon-after", "99999999"),
        ("--older-than", "99999999"),
    ],
)
def test_durations_that_make_no_sense_are_misuse(db: Path, flag: str, value: str) -> None:
    result = CliRunner().invoke(main, ["purge", "--older-than", "365", flag, value, "--db", db])

    assert result.exit_code == 2, result.output
    assert f"invalid value for '{flag}'" in result.stderr
    assert "Traceback" not in result.output
    assert statuses(db) == ["in_progress"] * 3


@pytest.mark.parametrize(
    ("flag", "value", "said"),
    [
        ("--abandon-after-days", "0", "0 days is too short: give more than 0, like 14 or 0.5"),
        ("--abandon-after-days", "-1", "-1 days is too short: give more than 0, like 14 or 0.5"),
        ("--abandon-after-days", "1e9", "1e9 days is too long: give at most 36500 (a century)"),
        ("--abandon-after-days", "nan", "'nan' is not a number of days: give one like 14 or 0.5"),
        ("--older-than", "0", "0 days is too short: give more than 0, like 365"),
        ("--older-than", "1.5", "'1.5' is not a whole number of days: give one like 365"),
    ],
)
def test_durations_that_make_no_sense_are_said_in_days(
    db: Path, flag: str, value: str, said: str
) -> None:
    result = CliRunner().invoke(main, ["purge", "--older-than", "365", flag, value, "--db", db])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"error: invalid value for '{flag}': {said}"


def test_help_speaks_of_days_only() -> None:
    result = CliRunner().invoke(main, ["purge", "--help"])

    assert result.exit_code == 0
    assert "--abandon-after-days DAYS" in result.stdout
    assert "HOURS" not in result.stdout
    assert "Example: surveybot purge --older-than 365 --abandon-after-days 14" in result.stdout


# --- closing unfinished responses alone ---------------------------------------------


def close_only(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["purge", *map(str, args)])


def test_abandon_after_days_alone_closes_and_deletes_nothing(db: Path) -> None:
    """A bot stopped for good leaves its unfinished responses "in progress": closed alone,
    with no --older-than 36500 to say "delete nothing"."""
    result = close_only("--abandon-after-days", "2", "--db", db)

    assert result.exit_code == 0, result.output
    assert result.stdout == "abandoned: 2\n"
    assert result.stderr == (
        f"closed 2 unfinished responses untouched for 2 days as abandoned in {db}; "
        "answers kept, nothing deleted\n"
    )
    assert statuses(db) == ["in_progress", "abandoned", "abandoned"]


def test_abandon_after_days_alone_in_a_dry_run_changes_nothing(db: Path) -> None:
    result = close_only("--abandon-after-days", "14", "--db", db, "--dry-run")

    assert result.exit_code == 0, result.output
    assert result.stdout == "abandoned: 1\n"
    assert result.stderr == (
        "dry run: nothing changed; 1 unfinished response untouched for 14 days would be "
        "closed as abandoned\n"
    )
    assert statuses(db) == ["in_progress"] * 3
