"""`surveybot stats`' "today" is a day in the respondents' zone (SURVEYBOT_TIMEZONE), as
Telegram's /stats counts it, whatever the zone of the machine running the command.

A made-up response starts at 22:30 UTC on 5 June 2019, 00:30 on 6 June in Paris (after
an evening workshop), and is finished at 22:50 UTC. Counted on a UTC machine's day it
fell on 5 June; the organisers, and /stats, say 6 June.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from flows import Flow
from storage import Store
from tests.organiser.survey import ACK, JULY_4, SKIP, Script, at, play, says
from tests.organiser.test_organiser_cli import invoke, stats_args

AFTER_MIDNIGHT = Script(
    "late", "pithiviers", at("2019-06-05 22:30"), (ACK, says("small"), says("no"), SKIP)
)


@pytest.fixture
def late_db(tmp_path: Path, tour_flow: Flow) -> Path:
    path = tmp_path / "late.sqlite3"

    async def fill() -> None:
        store = await Store.open(path)
        try:
            await play(store, tour_flow, AFTER_MIDNIGHT)
        finally:
            await store.close()

    asyncio.run(fill())
    return path


@pytest.fixture
def utc_machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's own zone is UTC, as a server's often is."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _today(stdout: str) -> str:
    """TOTAL's last column: started / completed today."""
    total = next(line for line in stdout.splitlines() if line.startswith("TOTAL"))
    return " ".join(total.split()[-3:])


@pytest.mark.usefixtures("utc_machine")
def test_today_is_the_respondents_day_not_the_machines(late_db: Path) -> None:
    on_the_6th = invoke(*stats_args(late_db, "--day", "2019-06-06"))
    assert on_the_6th.exit_code == 0, on_the_6th.output
    assert _today(on_the_6th.stdout) == "1 / 1"
    on_the_5th = invoke(*stats_args(late_db, "--day", "2019-06-05"))
    assert _today(on_the_5th.stdout) == "0 / 0"


@pytest.mark.usefixtures("utc_machine")
def test_surveybot_timezone_sets_the_day(late_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SURVEYBOT_TIMEZONE", "UTC")
    assert _today(invoke(*stats_args(late_db, "--day", "2019-06-05")).stdout) == "1 / 1"
    # The flag, over the variable.
    flagged = invoke(*stats_args(late_db, "--day", "2019-06-06", "--timezone", "Europe/Paris"))
    assert _today(flagged.stdout) == "1 / 1"
    monkeypatch.setenv("SURVEYBOT_TIMEZONE", "Europe/Nowhere")
    refused = invoke(*stats_args(late_db, "--day", "2019-06-05"))
    assert refused.exit_code == 2
    assert "SURVEYBOT_TIMEZONE: unknown time zone 'Europe/Nowhere'" in refused.stderr


def test_the_default_day_is_todays_in_the_respondents_zone(late_db: Path) -> None:
    paris = ZoneInfo("Europe/Paris")
    before = dt.datetime.now(paris).date()
    result = invoke(*stats_args(late_db))
    days = {before, dt.datetime.now(paris).date()}
    assert any(f"today ({day.isoformat()})" in result.stdout for day in days), result.stdout
    assert JULY_4 not in days


def test_chat_dates_responses_in_the_zone_it_is_given(tmp_path: Path) -> None:
    """Kiritimati (UTC+14) and Pago Pago (UTC-11) are never on the same day: /mydata says
    the day the response was started in the zone given."""
    from click.testing import CliRunner

    from bot.cli import main
    from flows import format_day

    def started_on(zone: str) -> str:
        lines = "\n".join(["oui", "/mydata", ""])
        db = str(tmp_path / "c.sqlite3")
        result = CliRunner().invoke(main, ["chat", "--db", db, "--timezone", zone], input=lines)
        assert result.exit_code == 0, result.output
        return result.stdout

    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        day = format_day(dt.datetime.now(ZoneInfo(zone)).date(), "fr")
        assert f"commencé le {day}" in started_on(zone), zone
    refused = CliRunner().invoke(main, ["chat", "--timezone", "Mars/Base"], input="")
    assert refused.exit_code == 2
    assert "--timezone: unknown time zone 'Mars/Base'" in refused.stderr
