"""Upkeep settings that cancel each other are said at start: reminders that never come.

`SURVEYBOT_ABANDON_AFTER_DAYS` closes an unfinished response; `SURVEYBOT_REMINDER_HOURS`
reminds its respondent once it has been idle that long. Closed first, no one is reminded.
"""

from __future__ import annotations

import pytest

from bot.cli.telegram import policy_of
from bot.settings import UpkeepSettings


def test_abandoning_before_the_reminder_is_due_is_warned_of(
    capsys: pytest.CaptureFixture[str],
) -> None:
    policy = policy_of(UpkeepSettings(reminder_hours=48, abandon_after_days=1))

    assert policy.reminder_after is not None  # kept as asked: a warning, not a refusal
    assert capsys.readouterr().err == (
        "warning: SURVEYBOT_ABANDON_AFTER_DAYS=1 closes an unfinished response before "
        "SURVEYBOT_REMINDER_HOURS=48 would remind its respondent: no one will be reminded "
        "(make the first longer, or set SURVEYBOT_REMINDER_HOURS=0 to say so)\n"
    )


@pytest.mark.parametrize(
    "settings",
    [{}, {"reminder_hours": 0, "abandon_after_days": 1}, {"abandon_after_days": 0}],
    ids=["defaults", "no reminders", "never abandoned"],
)
def test_settings_that_agree_start_without_a_word(
    capsys: pytest.CaptureFixture[str], settings: dict[str, float]
) -> None:
    policy_of(UpkeepSettings(**settings))  # type: ignore[arg-type]

    assert capsys.readouterr().err == ""
