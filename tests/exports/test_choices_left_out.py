"""A question that leaves out what was chosen before (`except_chosen_in`) exports as any
multiple choice: one 0/1 column per choice it can offer, left out or not, so responses
whose main pick differs line up column by column."""

from __future__ import annotations

from pathlib import Path

from flows import load_flow
from tests.exports.conftest import SKIP, Survey, by_key, invoke, read_csv

MAIN_MORE = Path(__file__).parents[1] / "flows" / "fixtures" / "main_more.yaml"
MORE = ["more__cost", "more__time", "more__skills", "more__none", "more__other"]


async def test_the_wide_export_keeps_a_column_for_the_choice_left_out(
    survey: Survey, db_path: Path, tmp_path: Path
) -> None:
    flow = load_flow(MAIN_MORE)
    script: dict[str, object] = {"gate": "yes", "pair": SKIP, "top": ["skills", "cost"]}
    time = await survey.respond(
        flow,
        {**script, "main": "time", "more": ["cost", "skills"], "second": "cost", "rest": ["time"]},
    )
    cost = await survey.respond(
        flow,
        {
            **script,
            "main": "cost",
            "more": ["time", "skills"],
            "second": "time",
            "rest": ["travel"],
        },
    )

    result = invoke("--db", db_path, "--flow", MAIN_MORE)

    assert result.exit_code == 0, result.output
    table = read_csv(result.stdout_bytes)
    assert [column for column in table.columns if column.startswith("more__")] == MORE
    rows = by_key(table)
    assert [rows[time.key][column] for column in MORE] == ["1", "0", "1", "0", "0"]
    assert [rows[cost.key][column] for column in MORE] == ["0", "1", "1", "0", "0"]
    assert (rows[time.key]["main"], rows[cost.key]["main"]) == ("time", "cost")

    book = tmp_path / "codebook.csv"
    out = invoke("--db", db_path, "--flow", MAIN_MORE, "-o", tmp_path / "r.csv", "--codebook", book)
    assert out.exit_code == 0, out.output
    listed = read_csv(book.read_bytes())["column"]
    assert [column for column in listed if column.startswith("more__")] == MORE
