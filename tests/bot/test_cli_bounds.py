"""Values past what a date can hold are refused in a line, or meant.

`export --until 9999-12-31` (the calendar's last day) ended in "OverflowError: date
value out of range".
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from flows import bundled_path, load_flow
from tests.support.scripts import script_for


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty folder (no .env of the developer's) and no SURVEYBOT_* variable set."""
    for name in list(os.environ):
        if name.startswith("SURVEYBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield tmp_path


def invoke(*args: str, env: dict[str, str] | None = None, input: str = "") -> Result:
    return CliRunner().invoke(main, list(args), env=env, input=input)


def exported_stages(*args: str) -> list[str]:
    result = invoke("export", "-o", "responses.csv", "--force", *args)
    assert result.exit_code == 0, result.stderr
    with Path("responses.csv").open(encoding="utf-8", newline="") as file:
        return [row["stage_code"] for row in csv.DictReader(file)]


def test_until_the_calendars_last_day_has_no_upper_bound(work: Path) -> None:
    lines, _ = script_for(load_flow(bundled_path("questionnaire.yaml")), "fr")
    chatted = invoke("chat", "--stage", "pithiviers", "--lang", "fr", input="\n".join(lines) + "\n")
    assert chatted.exit_code == 0, chatted.stderr

    assert exported_stages("--until", "9999-12-31") == ["pithiviers"]
    assert exported_stages("--since", "2019-01-01", "--until", "9999-12-31") == ["pithiviers"]
    assert exported_stages("--since", "9999-12-31", "--until", "9999-12-31") == []
    assert exported_stages("--until", "9999-12-30") == ["pithiviers"]


def test_the_export_options_take_the_last_day_and_instant_as_no_upper_bound() -> None:
    from exports import ExportOptions

    for until in ("9999-12-31", dt.date.max, dt.datetime.max, "9999-12-31T23:59:59.999999"):
        assert ExportOptions(since="2019-06-03", until=until).started_between() == (
            dt.datetime(2019, 6, 3, tzinfo=dt.UTC),
            None,
        ), until
    assert ExportOptions(since=dt.date.max).started_between() == (
        dt.datetime(9999, 12, 31, tzinfo=dt.UTC),
        None,
    )
