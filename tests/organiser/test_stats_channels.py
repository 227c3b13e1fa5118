"""`stats --channel`: the figures of real respondents alone, rehearsals left out.

Organisers rehearse with the real workshops' codes; their runs in the terminal chat
would otherwise count in each workshop's completion rate and drop-off. In
`survey_db`, r1, r2, r4, r7 and r8 answered on Telegram, r3 and r5 in the web chat,
r6 in the terminal (a rehearsal, no workshop).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.organiser.test_organiser_cli import invoke, stats_args


@pytest.fixture(autouse=True)
def _isolated(clean_env: Path) -> None:
    """Every test runs from an empty folder, with no SURVEYBOT_* variable."""


def _total(stdout: str) -> list[str]:
    return next(line.split() for line in stdout.splitlines() if line.startswith("TOTAL"))


def test_only_the_channels_named_are_counted(survey_db: Path) -> None:
    every = invoke(*stats_args(survey_db, "--day", "2019-07-04"))
    real = invoke(*stats_args(survey_db, "--day", "2019-07-04", "--channel", "telegram"))
    assert every.exit_code == 0 and real.exit_code == 0, real.output

    # started, then a column per channel: telegram, web, terminal (every); telegram alone.
    assert _total(every.stdout)[1:5] == ["8", "5", "2", "1"]
    assert _total(real.stdout)[1:3] == ["5", "5"]
    assert "terminal" not in real.stdout.splitlines()[0]
    # The drop-off counts the questionnaire's own responses (r8 answered another): 7, then 4.
    assert re.search(r"^Drop-off, flow \S+: 7 started", every.stdout, re.MULTILINE)
    assert re.search(r"^Drop-off, flow \S+: 4 started", real.stdout, re.MULTILINE)
    assert real.stderr.startswith("note: only the respondents of telegram are counted")


def test_the_real_channels_together_leave_the_rehearsal_out(survey_db: Path) -> None:
    real = invoke(
        *stats_args(survey_db, "--day", "2019-07-04", "--channel", "telegram", "--channel", "web")
    )
    assert real.exit_code == 0, real.output
    assert _total(real.stdout)[1:4] == ["7", "5", "2"]
    assert "(no stage)" not in real.stdout  # r6, the rehearsal, came with no workshop
    assert "telegram, web are counted" in real.stderr


def test_an_unknown_channel_is_refused_with_the_choices(survey_db: Path) -> None:
    result = invoke(*stats_args(survey_db, "--channel", "sms"))
    assert result.exit_code == 2
    assert "'telegram', 'web', 'terminal'" in result.stderr
