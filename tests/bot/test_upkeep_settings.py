"""Upkeep settings an organiser would regret are said at start.

`SURVEYBOT_ABANDON_AFTER_DAYS` closes an unfinished response; `SURVEYBOT_REMINDER_HOURS`
reminds its respondent once it has been idle that long. Closed first, no one is reminded.
Without `SURVEYBOT_RETENTION_DAYS` responses are kept for ever, which no privacy notice
promises: said until the organiser gives a period, or `keep`.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.cli.telegram import policy_of
from bot.settings import UpkeepSettings


def test_abandoning_before_the_reminder_is_due_is_warned_of(
    capsys: pytest.CaptureFixture[str],
) -> None:
    policy = policy_of(UpkeepSettings(reminder_hours=48, abandon_after_days=1, retention_days=730))

    assert policy.reminder_after is not None  # kept as asked: a warning, not a refusal
    assert capsys.readouterr().err == (
        "warning: SURVEYBOT_ABANDON_AFTER_DAYS=1 closes an unfinished response before "
        "SURVEYBOT_REMINDER_HOURS=48 would remind its respondent: no one will be reminded "
        "(make the first longer, or set SURVEYBOT_REMINDER_HOURS=0 to say so)\n"
    )


@pytest.mark.parametrize(
    "settings",
    [
        {"retention_days": 730},
        {"reminder_hours": 0, "abandon_after_days": 1, "retention_days": 730},
        {"abandon_after_days": 0, "retention_days": "keep"},
    ],
    ids=["defaults but retention", "no reminders", "never abandoned, kept on purpose"],
)
def test_settings_that_agree_start_without_a_word(
    capsys: pytest.CaptureFixture[str], settings: dict[str, float]
) -> None:
    policy_of(UpkeepSettings(**settings))  # type: ignore[arg-type]

    assert capsys.readouterr().err == ""


def test_responses_kept_for_ever_by_default_are_warned_of(
    capsys: pytest.CaptureFixture[str],
) -> None:
    policy = policy_of(UpkeepSettings())

    assert policy.retention is None  # nothing deleted: a warning, not a guess at a period
    assert capsys.readouterr().err == (
        "warning: SURVEYBOT_RETENTION_DAYS is not set: responses are kept until someone "
        "deletes them; set it to the days your privacy notice promises (730 for the bundled "
        "notice's 24 months), or to keep to say so\n"
    )


@pytest.mark.parametrize("said", ["keep", "KEEP", " Keep "])
def test_keep_keeps_responses_without_a_warning(
    capsys: pytest.CaptureFixture[str], said: str
) -> None:
    policy = policy_of(UpkeepSettings(retention_days=said))  # type: ignore[arg-type]

    assert policy.retention is None  # no daily purge at all, not one of the long dead
    assert capsys.readouterr().err == ""


def test_a_retention_period_given_is_the_daily_purges() -> None:
    assert policy_of(UpkeepSettings(retention_days=730)).retention == dt.timedelta(days=730)
