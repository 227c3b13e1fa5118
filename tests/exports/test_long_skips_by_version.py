"""The long layout judges a skip by the flow version its response was given on.

In mini.yaml (version 1) `ideas` is always asked, and may be skipped. Version 2
(made here) asks it only when `importance` is 4 or more. A response given on
version 1 with importance 3 was shown `ideas` and skipped it: its long export
has a `skipped` row for it, as `surveybot stats` counts it reached, though
version 2's condition would hide it. On version 2, the same answers hide it: no row.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from conversation import keep_flow_versions
from exports import ExportOptions, Layout, export_csv
from flows import Flow, load_flow
from organiser import read_stats
from storage import Store
from tests.conftest import MINI
from tests.exports.conftest import SKIP, Survey, read_csv

ANSWERS = {
    "company": "Acme",
    "staff": 12,
    "sector": "industry",
    "exports": "no",
    "obstacles": ["cost", "time"],
}


@pytest.fixture
def guarded(tmp_path: Path) -> Flow:
    """mini.yaml, version 2: `ideas` asked only when `importance` is 4 or more."""
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["version"] = 2
    for section in data["sections"]:
        for step in section["steps"]:
            if step["id"] == "ideas":
                step["show_if"] = {"question": "importance", "min": 4}
    path = tmp_path / "mini_guarded.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_flow(path)


async def test_a_skip_given_before_a_condition_was_added_keeps_its_row(
    survey: Survey, store: Store, mini: Flow, guarded: Flow, db_path: Path
) -> None:
    await keep_flow_versions(store, [mini], now=survey.clock.tick())
    before = await survey.respond(mini, ANSWERS | {"importance": 3, "ideas": SKIP})
    await keep_flow_versions(store, [guarded], now=survey.clock.tick())
    hidden = await survey.respond(guarded, ANSWERS | {"importance": 3})
    after = await survey.respond(
        guarded, ANSWERS | {"importance": 5, "ideas": SKIP, "email": "a@example.org"}
    )

    options = ExportOptions(layout=Layout.LONG, status="all", include_personal=True)
    rows = read_csv(export_csv(db_path, guarded, options).data)
    ideas = rows[rows["question_id"] == "ideas"]
    assert sorted(zip(ideas["response_key"], ideas["status"], strict=True)) == sorted(
        [(before.key, "skipped"), (after.key, "skipped")]
    )
    assert hidden.key not in set(ideas["response_key"])

    # The statistics count the same two as reached, neither as answered.
    stats = await read_stats(store, flow=guarded, stages=[], today=dt.date(2019, 6, 3))
    (reach,) = [q for q in stats.questions if q.question_id == "ideas"]
    assert (reach.reached, reach.answered) == (2, 0)
    assert reach.reached == len(ideas)


async def test_a_skip_on_a_version_not_held_is_kept_as_stored(
    survey: Survey, store: Store, mini: Flow, guarded: Flow, db_path: Path
) -> None:
    """Run before versions were kept: its answers are exported as stored, and so is its skip."""
    before = await survey.respond(mini, ANSWERS | {"importance": 3, "ideas": SKIP})
    await keep_flow_versions(store, [guarded], now=survey.clock.tick())

    options = ExportOptions(layout=Layout.LONG, status="all")
    rows = read_csv(export_csv(db_path, guarded, options).data)
    ideas = rows[rows["question_id"] == "ideas"]
    assert list(zip(ideas["response_key"], ideas["status"], strict=True)) == [
        (before.key, "skipped")
    ]
