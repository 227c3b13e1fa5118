"""The drop-off of a question added in a later flow version: not six drop-outs, a version
that never asked it.

Version 1 is the organiser tests' tour flow; version 2 (made here) adds `ai_use` after
`exports`. Both are kept in a real SQLite file, as the bot keeps each version it runs;
three respondents answer version 1 to the end, two answer version 2, one of them stopping
at `exports`. The statistics of the version-2 file count `ai_use` over the two version-2
responses only: 1 of 2 reached it (50%), not 1 of 5 (20%) after 5 reaching `exports`
(4 answering it), which read as three dropping out between the two.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from conversation import keep_flow_versions
from flows import Flow, StageDef, load_flow
from organiser import render_dropoff_png, render_dropoff_table
from organiser.chart import CHART_BAR_WIDTH, label_boxes
from storage import Store
from tests.organiser.survey import ACK, FLOW, JULY_4, SKIP, Script, at, play, says, stats_of
from tests.organiser.test_chart import bars

EXPORTS = """\
      - id: exports
        type: yes_no
        text: {fr: "Exportez-vous ?", en: "Do you export?"}
"""
AI_USE = """\
      - id: ai_use
        type: yes_no
        text: {fr: "Utilisez-vous l’IA ?", en: "Do you use AI?"}
"""
ON_V1 = (
    Script("o1", "pithiviers", at("2019-06-05 08:00"), (ACK, says("small"), says("no"), SKIP)),
    Script(
        "o2",
        "pithiviers",
        at("2019-06-05 09:00"),
        (ACK, says("large"), says("yes"), says(["eu"]), says("Bien")),
    ),
    Script("o3", "evreux", at("2019-06-06 09:00"), (ACK, says("small"), says("no"), SKIP)),
)
ON_V2 = (
    Script(
        "n1",
        "evreux",
        at("2019-07-04 09:00"),
        (ACK, says("small"), says("no"), says("yes"), says("Rien")),
    ),
    Script("n2", "evreux", at("2019-07-04 10:00"), (ACK, says("large"))),
)


@pytest.fixture
def v2(tmp_path: Path) -> Flow:
    text = FLOW.read_text(encoding="utf-8")
    assert EXPORTS in text and "version: 1\n" in text
    path = tmp_path / "tour_v2.yaml"
    text = text.replace("version: 1\n", "version: 2\n").replace(EXPORTS, EXPORTS + AI_USE)
    path.write_text(text, encoding="utf-8")
    return load_flow(path)


@pytest.fixture
def versions_db(tmp_path: Path, tour_flow: Flow, v2: Flow) -> Path:
    path = tmp_path / "versions.sqlite3"

    async def fill() -> None:
        store = await Store.open(path)
        try:
            for flow, scripts in ((tour_flow, ON_V1), (v2, ON_V2)):
                await keep_flow_versions(store, [flow], now=scripts[0].started)
                for script in scripts:
                    await play(store, flow, script)
        finally:
            await store.close()

    asyncio.run(fill())
    return path


async def test_a_question_added_since_counts_the_versions_asking_it(
    versions_db: Path, v2: Flow, tour_stages: list[StageDef]
) -> None:
    stats = await stats_of(versions_db, v2, tour_stages, today=JULY_4)
    lines = render_dropoff_table(stats).splitlines()
    assert lines[0] == "Drop-off, flow tour: 5 started"
    body = {line.split()[1]: line.split() for line in lines[3:8]}
    assert body["exports"][-4:] == ["5", "100%", "4", "80%"]
    # Marked, its percentages of the two version-2 responses, and the mark explained.
    assert body["ai_use"][2] == "+" and body["ai_use"][-4:] == ["1", "50%", "1", "50%"]
    assert "+" not in body["exports"] + body["markets"] + body["comment"]
    assert lines[-1] == (
        "+: some responses were given on a flow version without this question: "
        "its counts and % are of the 2 on a version asking it"
    )

    by_id = {q.question_id: q for q in stats.questions}
    exports = by_id["exports"]
    assert (exports.reached, exports.answered, exports.asked) == (5, 4, None)
    ai_use = by_id["ai_use"]
    assert (ai_use.reached, ai_use.answered, ai_use.asked) == (1, 1, 2)
    assert stats.percent_of_asked(ai_use, ai_use.reached) == 50
    # The questions every version asks are counted and read as before.
    assert stats.percent_of_asked(exports, 4) == stats.percent(4) == 80


async def test_one_version_held_reads_as_before(
    tmp_path: Path, v2: Flow, tour_stages: list[StageDef]
) -> None:
    path = tmp_path / "one.sqlite3"
    store = await Store.open(path)
    try:
        await keep_flow_versions(store, [v2], now=ON_V2[0].started)
        for script in ON_V2:
            await play(store, v2, script)
    finally:
        await store.close()
    stats = await stats_of(path, v2, tour_stages, today=JULY_4)
    assert all(question.asked is None for question in stats.questions)
    table = render_dropoff_table(stats)
    assert "+" not in table
    assert "ai_use" in table.splitlines()[5] and "50%" in table.splitlines()[5]


async def test_the_chart_draws_a_question_added_since_out_of_the_versions_asking_it(
    versions_db: Path, v2: Flow, tour_stages: list[StageDef]
) -> None:
    stats = await stats_of(versions_db, v2, tour_stages, today=JULY_4)
    ids = [question.question_id for question in stats.questions]
    measured = dict(zip(ids, bars(render_dropoff_png(stats)), strict=True))
    # 1 of the 2 version-2 responses: half the bar, not a fifth of it.
    assert abs(measured["ai_use"][0] - CHART_BAR_WIDTH / 2) <= 1
    assert abs(measured["exports"][0] - CHART_BAR_WIDTH) <= 1
    labels = [label for label, _ in label_boxes(stats)]
    assert [label.endswith(" +") for label in labels].count(True) == 1
    assert next(label for label in labels if "l’IA" in label).endswith(" +")
