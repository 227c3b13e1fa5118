"""`duration_seconds` is `completed_at - started_at` as the export writes them, to the
second: an analyst checking one against the other in their own tool finds no gap.

Times are stored to the microsecond and written to the second; a duration rounded
from the exact span differed by one second from the written times' difference when
the two fractions fell on either side of a half (an analyst found 5399 against 5400).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flows import Flow
from storage import Channel
from tests.conftest import MINI, Clock
from tests.exports.conftest import SKIP, Survey, invoke, read_csv

ANSWERS = {
    "company": "Exemple SARL",
    "staff": 3,
    "sector": "industry",
    "exports": "no",
    "importance": 3,
    "obstacles": ["skills", "cost"],
    "ideas": SKIP,
}


async def test_the_duration_is_the_difference_of_the_times_written(
    survey: Survey, mini: Flow, clock: Clock, db_path: Path
) -> None:
    # Fractions of a second that put the exact span and the written times' apart.
    clock.tick(0.8)
    for steps in (0.3, 0.45, 0.7, 61.9):
        await survey.respond(mini, ANSWERS, step_seconds=steps, channel=Channel.WEB)
        clock.tick(0.35)

    result = invoke("--db", db_path, "--flow", MINI)

    assert result.exit_code == 0, result.stderr
    rows = read_csv(result.stdout_bytes).to_dict("records")
    assert len(rows) == 4
    for row in rows:
        started, completed = (
            dt.datetime.fromisoformat(row[key]) for key in ("started_at", "completed_at")
        )
        assert int(row["duration_seconds"]) == (completed - started).total_seconds(), row
