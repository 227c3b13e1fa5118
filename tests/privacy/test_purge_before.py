"""`surveybot purge --before DAY`: clearing the rehearsals before the tour's first workshop.

Through the real command line (click's runner on the `surveybot` group), on a real
SQLite file and on a real PostgreSQL database (`backend`, from tests/privacy/conftest.py).
The day is the respondents' (SURVEYBOT_TIMEZONE), as `stats --day` counts it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from bot.cli import main
from storage import AnswerInput, ResponseStatus, open_store

ZONES = ["Europe/Paris", "Pacific/Kiritimati", "America/Los_Angeles"]
"""Paris (the default), and zones 14 hours ahead of UTC and 7 or 8 hours behind it."""


@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run from an empty folder (no .env) with no SURVEYBOT_* variable set."""
    for name in list(os.environ):
        if name.startswith("SURVEYBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield tmp_path


class Tour:
    """A database as the week before the tour leaves it: rehearsals, then the first answers.

    Times are set around `first_day`'s midnight in `zone`, today there: the first
    workshop's day, on which the organiser clears the rehearsals.
    """

    def __init__(self, target: Path | str, zone: str) -> None:
        self.target = target
        self.zone = ZoneInfo(zone)
        self.now = dt.datetime.now(dt.UTC)
        self.first_day = self.now.astimezone(self.zone).date()
        self.midnight = dt.datetime.combine(self.first_day, dt.time(), tzinfo=self.zone)

    def local(self, days: int, hour: int, minute: int = 0) -> dt.datetime:
        """`days` before the first day, at that local time."""
        day = self.first_day - dt.timedelta(days=days)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.zone)

    async def fill(self) -> None:
        store = await open_store(self.target)
        try:
            # Rehearsals: the organiser's phone three days before (finished), a web
            # rehearsal the evening before (left unfinished: a reminder is due), and one
            # a second before midnight.
            await self._one("telegram", "501", self.local(3, 10), ResponseStatus.COMPLETED)
            await self._one("web", "w-rehearsal", self.local(1, 21, 30), ResponseStatus.IN_PROGRESS)
            late = self.midnight - dt.timedelta(seconds=1)
            await self._one("telegram", "502", late, ResponseStatus.IN_PROGRESS)
            # The first real answer, at midnight on the day: kept, whatever the UTC day.
            await self._one("telegram", "502", self.midnight, ResponseStatus.IN_PROGRESS)
            await store.record_refusal(version="v1", stage_code=None, now=self.local(2, 12))
        finally:
            await store.close()

    async def _one(
        self, channel: str, who: str, started: dt.datetime, status: ResponseStatus
    ) -> None:
        store = await open_store(self.target)
        try:
            respondent = await store.ensure_respondent(channel, who, now=started)
            response = await store.start_response(
                respondent.id,
                flow_id="tdf2019",
                flow_version=3,
                stage_code="pithiviers",
                language="fr",
                state_json="{}",
                current_step="q1",
                now=started,
            )
            await store.save_progress(
                response.id,
                state_json="{}",
                current_step="q3",
                answers={"q1": AnswerInput("oui"), "q2": AnswerInput(f"essai {who}")},
                status=status,
                now=started,
            )
        finally:
            await store.close()

    def due_reminders(self) -> list[str]:
        """Who the running bot would remind now (Telegram and web), by external id."""

        async def read() -> list[str]:
            store = await open_store(self.target)
            try:
                found = []
                for channel in ("telegram", "web"):
                    due = await store.due_reminders(
                        idle_since=self.now, now=self.now, channel=channel
                    )
                    found += [str(item.external_id) for item in due]
                return sorted(found)
            finally:
                await store.close()

        return asyncio.run(read())


@pytest.fixture(params=ZONES)
def tour(store_target: Path | str, request: pytest.FixtureRequest) -> Tour:
    made = Tour(store_target, request.param)
    asyncio.run(made.fill())
    return made


def purge(tour: Tour, *args: str, zone: str | None = None) -> Result:
    env = {"SURVEYBOT_TIMEZONE": zone or str(tour.zone.key)}
    return CliRunner().invoke(main, ["purge", *args, "--db", str(tour.target)], env=env)


def left(peek: Any) -> list[tuple[Any, ...]]:
    return peek.query(
        "SELECT p.channel, p.external_id, r.status FROM responses r "
        "JOIN respondents p ON p.id = r.respondent_id ORDER BY r.id"
    )


def counts(peek: Any) -> tuple[int, ...]:
    return tuple(
        peek.query(f"SELECT COUNT(*) FROM {table}")[0][0]
        for table in ("responses", "answers", "consent_refusals", "respondents")
    )


EVERYTHING = (4, 8, 1, 3)
REAL_ONLY = (1, 2, 0, 1)


def test_before_the_first_day_deletes_the_rehearsals_only(tour: Tour, peek: Any) -> None:
    assert counts(peek) == EVERYTHING
    assert "w-rehearsal" in tour.due_reminders()  # the rehearsal left unfinished

    dry = purge(tour, "--before", tour.first_day.isoformat(), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout == "responses: 3\nanswers: 6\nconsent_refusals: 1\nrespondents: 2\n"
    assert dry.stderr.startswith(
        f"dry run: nothing changed; the counts are what a real run would delete "
        f"(started before {tour.first_day} in {tour.zone.key}); "
    )
    assert counts(peek) == EVERYTHING

    real = purge(tour, "--before", tour.first_day.isoformat())
    assert real.exit_code == 0, real.output
    assert real.stdout == dry.stdout
    assert real.stderr.startswith(
        f"deleted what was started before {tour.first_day} in {tour.zone.key} from "
    )
    assert counts(peek) == REAL_ONLY
    # 502 rehearsed a second before midnight, then answered for real: kept, with that one.
    assert left(peek) == [("telegram", "502", "in_progress")]
    assert tour.due_reminders() == ["502"]  # the rehearsals get no reminder any more


def test_the_day_is_the_respondents_not_utc(tour: Tour, peek: Any) -> None:
    # Read in a zone a day away, the same day names other instants: Kiritimati's midnight
    # is still the day before in Los Angeles, and the other way round.
    other = "America/Los_Angeles" if tour.zone.key != "America/Los_Angeles" else "Asia/Tokyo"
    other_today = tour.now.astimezone(ZoneInfo(other)).date()
    day = min(tour.first_day, other_today)
    result = purge(tour, "--before", day.isoformat(), zone=other)
    assert result.exit_code == 0, result.output
    cutoff = dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(other))
    started = [tour.local(3, 10), tour.local(1, 21, 30), tour.midnight - dt.timedelta(seconds=1)]
    started.append(tour.midnight)
    expected = sum(1 for moment in started if moment < cutoff)
    assert result.stdout.startswith(f"responses: {expected}\n")
    assert counts(peek)[0] == 4 - expected


def test_a_day_in_the_future_is_refused(tour: Tour, peek: Any) -> None:
    tomorrow = tour.first_day + dt.timedelta(days=1)
    result = purge(tour, "--before", tomorrow.isoformat())
    assert result.exit_code == 2
    assert result.stdout == ""
    last = result.stderr.splitlines()[-1]
    assert last == (
        f"error: invalid value for '--before': {tomorrow} is after today ({tour.first_day} "
        f"in {tour.zone.key}): it would delete every response, the answers given today "
        "too; give today at the latest"
    )
    assert counts(peek) == EVERYTHING


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--before", "2019-06-05", "--older-than", "30"], "give --older-than DAYS or --before "),
        (
            [],
            "say what to delete: --older-than DAYS or --before YYYY-MM-DD (or, to close "
            "unfinished responses as abandoned alone, --abandon-after-days DAYS)",
        ),
        (["--before", "2019-02-30"], "'2019-02-30' is not a real date"),
        (["--before", "05/06/2019"], "must be written YYYY-MM-DD"),
    ],
    ids=["both", "neither", "no-such-day", "not-iso"],
)
def test_misuse_is_one_clear_line(tour: Tour, peek: Any, args: list[str], said: str) -> None:
    result = purge(tour, *args)
    assert result.exit_code == 2
    assert said in result.stderr.splitlines()[-1]
    assert "Traceback" not in result.output
    assert counts(peek) == EVERYTHING


def test_a_day_long_before_anything_deletes_nothing(tour: Tour, peek: Any) -> None:
    result = purge(tour, "--before", "0001-01-01")
    assert result.exit_code == 0, result.output
    assert result.stdout == "responses: 0\nanswers: 0\nconsent_refusals: 0\nrespondents: 0\n"
    assert counts(peek) == EVERYTHING


def test_help_names_both_ways() -> None:
    result = CliRunner().invoke(main, ["purge", "--help"])
    assert result.exit_code == 0
    assert "--before YYYY-MM-DD" in result.stdout
    assert "--older-than DAYS" in result.stdout
    assert "surveybot purge --before 2019-06-05" in result.stdout


def test_erase_help_names_every_channel() -> None:
    result = CliRunner().invoke(main, ["erase", "--help"])
    assert result.exit_code == 0
    # --response finds a Telegram respondent as well (the key is looked up, then its owner).
    said = " ".join(result.stdout.split())
    assert "for a respondent of Telegram, the web or the terminal" in said


def test_the_timezone_flag_names_the_zone_over_the_variable(tour: Tour, peek: Any) -> None:
    """The flag, as every setting has one: given, the variable's zone does not count."""
    day, zone = tour.first_day.isoformat(), str(tour.zone.key)
    args = ["purge", "--before", day, "--dry-run", "--db", str(tour.target), "--timezone", zone]
    flagged = CliRunner().invoke(main, args, env={"SURVEYBOT_TIMEZONE": "Mars/Base"})
    assert flagged.exit_code == 0, flagged.output
    assert f"(started before {tour.first_day} in {tour.zone.key})" in flagged.stderr
    refused = purge(tour, "--before", tour.first_day.isoformat(), "--timezone", "Mars/Base")
    assert refused.exit_code == 2
    assert "--timezone: unknown time zone 'Mars/Base'" in refused.stderr
