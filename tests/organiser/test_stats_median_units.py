"""The median time to complete reads in minutes, hours or days, as long as it is.

Respondents resume days later, as the docs advertise, and a median of a week
was "11490.5 min" in `surveybot stats` and "11490 min" in Telegram's /stats:
nothing at a glance to an organiser watching a workshop. Up to an hour and a
half it stays in minutes, then hours up to two days, then days.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.telegram.organiser import stats_blocks
from flows import Flow, StageDef
from organiser import Stats, compute_stats, render_stage_table
from storage import Response, ResponseStatus
from tests.organiser.survey import JULY_4, at

STARTED = "2019-06-05 08:00"


def one_completed(flow: Flow, stages: list[StageDef], completed: str) -> Stats:
    done = at(completed)
    response = Response(
        id=1,
        key="k1",
        respondent_id=1,
        flow_id=flow.id,
        flow_version=flow.version,
        stage_code="pithiviers",
        language="fr",
        status=ResponseStatus.COMPLETED,
        state_json='{"current": null, "history": []}',
        current_step=None,
        started_at=at(STARTED),
        updated_at=done,
        completed_at=done,
    )
    return compute_stats([response], {}, flow=flow, stages=stages, today=JULY_4)


@pytest.mark.parametrize(
    ("completed", "table", "french", "english"),
    [
        ("2019-06-05 08:12", "12.0 min", "12\u00a0min", "12\u00a0min"),
        ("2019-06-05 11:15", "3.2 h", "3,2\u00a0h", "3.2\u00a0h"),  # back in the afternoon
        ("2019-06-13 07:30", "8.0 days", "8,0\u00a0jours", "8.0\u00a0days"),  # a week later
    ],
)
def test_the_median_reads_in_minutes_hours_or_days(
    tour_flow: Flow,
    tour_stages: list[StageDef],
    completed: str,
    table: str,
    french: str,
    english: str,
) -> None:
    stats = one_completed(tour_flow, tour_stages, completed)

    line = next(line for line in render_stage_table(stats).splitlines() if "pithiviers" in line)
    assert f"  {table}  " in line

    for lang, shown in (("fr", french), ("en", english)):
        total = stats_blocks(stats, lang, tour_stages, abandon_after=dt.timedelta(days=14))[-1]
        assert f" · {'médiane' if lang == 'fr' else 'median'} {shown} · " in total
