"""A question that leaves out what was chosen before (`except_chosen_in`) keeps one 0/1
column per choice it can offer, left out or not, so responses whose main pick differs
line up column by column; but a choice a respondent was never offered is an empty
cell, as for a question not shown, never a 0: a 0 means "shown, and not selected"."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import openpyxl
import pandas as pd

from conversation import keep_flow_versions, save_state
from exports import ExportOptions, Layout, export_csv, load_responses
from flows import Flow, ResponseState, answer, load_flow, revise
from storage import Response
from tests.exports.conftest import SKIP, Survey, by_key, invoke, read_csv

MAIN_MORE = Path(__file__).parents[1] / "flows" / "fixtures" / "main_more.yaml"
MORE = ["more__cost", "more__time", "more__skills", "more__none", "more__other"]
REST = ["rest__cost", "rest__time", "rest__skills", "rest__travel"]
SCRIPT: Mapping[str, object] = {"gate": "yes", "pair": SKIP, "top": ["skills", "cost"]}


async def three(survey: Survey, flow: Flow) -> tuple[Response, Response, Response]:
    """Main obstacle time; main obstacle cost; and one with no main obstacle asked."""
    time = await survey.respond(
        flow,
        {**SCRIPT, "main": "time", "more": ["cost", "skills"], "second": "cost", "rest": ["time"]},
    )
    cost = await survey.respond(
        flow,
        {**SCRIPT, "main": "cost", "more": ["time"], "second": "time", "rest": ["travel"]},
    )
    # "No obstacle" hides `main`: `more` then offers every choice.
    hidden = await survey.respond(
        flow,
        {**SCRIPT, "gate": "no", "more": ["cost"], "second": "time", "rest": ["time"]},
    )
    return time, cost, hidden


async def test_a_choice_never_offered_is_empty_in_the_csv_and_the_codebook_says_so(
    survey: Survey, db_path: Path, tmp_path: Path
) -> None:
    time, cost, hidden = await three(survey, load_flow(MAIN_MORE))
    out, book = tmp_path / "r.csv", tmp_path / "codebook.csv"
    result = invoke("--db", db_path, "--flow", MAIN_MORE, "-o", out, "--codebook", book)
    assert result.exit_code == 0, result.output

    table = read_csv(out.read_bytes())
    assert [column for column in table.columns if column.startswith("more__")] == MORE
    rows = by_key(table)
    # cost, time, skills, none (exclusive: always offered), other (always offered)
    assert [rows[time.key][column] for column in MORE] == ["1", "", "1", "0", "0"]
    assert [rows[cost.key][column] for column in MORE] == ["", "1", "0", "0", "0"]
    assert [rows[hidden.key][column] for column in MORE] == ["1", "0", "0", "0", "0"]
    # Left out after a ranking: each code it ranks.
    assert [rows[time.key][column] for column in REST] == ["", "1", "", "0"]
    assert [rows[cost.key][column] for column in REST] == ["", "0", "", "1"]

    # An analyst's share of "time" among those offered it: the main "time" is not a 0.
    numbers = pd.read_csv(out)
    assert numbers["more__time"].mean() == 0.5  # cost: 1, hidden: 0; time: not offered

    notes = read_csv(book.read_bytes()).set_index("column")["note"]
    assert "Empty (not 0) when main = cost: this choice was then not offered" in notes["more__cost"]
    assert "when top includes skills" in notes["rest__skills"]
    assert "Empty (not 0)" not in notes["more__none"] + notes["more__other"]
    assert "Empty (not 0)" not in notes["rest__travel"]


async def test_the_workbook_and_pandas_leave_it_empty_too(
    survey: Survey, db_path: Path, tmp_path: Path
) -> None:
    flow = load_flow(MAIN_MORE)
    time, cost, _ = await three(survey, flow)
    xlsx = tmp_path / "r.xlsx"
    result = invoke("--db", db_path, "--flow", MAIN_MORE, "--xlsx", xlsx)
    assert result.exit_code == 0, result.output
    header, *cells = openpyxl.load_workbook(xlsx)["responses"].iter_rows(values_only=True)
    sheet = {row[0]: dict(zip(header, row, strict=True)) for row in cells}
    assert [sheet[time.key][column] for column in MORE] == [1, None, 1, 0, 0]
    assert [sheet[cost.key][column] for column in MORE] == [None, 1, 0, 0, 0]

    frame = load_responses(db_path, flow).set_index("response_key")
    assert str(frame["more__time"].dtype) == "Int64"
    assert pd.isna(frame.loc[time.key, "more__time"]) and frame.loc[cost.key, "more__time"] == 1

    # The long layout has no 0/1 rows: one row per answer, its codes joined.
    long = read_csv(export_csv(db_path, flow, ExportOptions(layout=Layout.LONG)).data)
    more = long[long.question_id == "more"].set_index("response_key")["value"]
    assert (more[time.key], more[cost.key]) == ("cost;skills", "time")


async def test_after_a_change_from_the_summary_the_cells_follow_the_new_main_answer(
    survey: Survey, db_path: Path
) -> None:
    flow = load_flow(MAIN_MORE)
    time, _, _ = await three(survey, flow)
    # The main obstacle becomes "cost" from the summary; `more` is kept as given (cost too).
    state = revise(flow, ResponseState.model_validate_json(time.state_json), "main")
    outcome = answer(flow, state, "cost", "fr")
    assert outcome.accepted and outcome.state.finished
    await save_state(survey.store, flow, time, outcome.state, survey.clock.tick())

    row = by_key(read_csv(export_csv(db_path, flow).data))[time.key]
    assert row["main"] == "cost"
    # Ticked before it became the main one: still 1, how analysts find such responses.
    assert [row[column] for column in MORE] == ["1", "0", "1", "0", "0"]


async def test_only_the_versions_that_leave_it_out_have_empty_cells(
    survey: Survey, db_path: Path, tmp_path: Path
) -> None:
    """Version 1 offered every obstacle again (the rule came with version 2, as in the
    bundled questionnaire's version 3): its respondents saw the main one, and a 0 is true."""
    text = MAIN_MORE.read_text(encoding="utf-8")
    rule = "        except_chosen_in: main\n        max_selected: 2\n"
    assert rule in text
    (tmp_path / "v1.yaml").write_text(text.replace(rule, "        max_selected: 2\n"), "utf-8")
    (tmp_path / "v2.yaml").write_text(text.replace("version: 1", "version: 2"), "utf-8")
    v1, v2 = load_flow(tmp_path / "v1.yaml"), load_flow(tmp_path / "v2.yaml")
    await keep_flow_versions(survey.store, [v1], now=survey.clock.tick())
    old = await survey.respond(
        v1, {**SCRIPT, "main": "time", "more": ["cost"], "second": "cost", "rest": ["time"]}
    )
    await keep_flow_versions(survey.store, [v2], now=survey.clock.tick())
    new = await survey.respond(
        v2, {**SCRIPT, "main": "time", "more": ["cost"], "second": "cost", "rest": ["time"]}
    )

    exported = export_csv(db_path, v2, codebook=True)
    rows = by_key(read_csv(exported.data))
    assert (rows[old.key]["flow_version"], rows[new.key]["flow_version"]) == ("1", "2")
    assert (rows[old.key]["more__time"], rows[new.key]["more__time"]) == ("0", "")
    note = read_csv(io.BytesIO(exported.codebook or b"").getvalue()).set_index("column")
    assert note.loc["more__time", "note"].count("On flow version 2: Empty (not 0)") == 1
