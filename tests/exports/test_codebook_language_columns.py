"""The codebook's question columns are the flow's languages, in its `languages` order.

An English-only flow (tests/support/one_language.py) has `question_en` alone, not a
`question_fr` holding English; a German-only one `question_de` alone, not French and
English columns as well. The same in the CSV codebook (wide and long layouts), the
workbook's codebook sheet and `load_codebook`, each over a real SQLite file with a
response in it. The bundled tour keeps `question_fr`, `question_en`
(tests/exports/test_codebook.py).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from exports import ExportOptions, Layout, load_codebook, run_export
from flows import Flow, load_flow
from tests.exports.conftest import Survey, read_csv
from tests.support.one_language import write_flow

ANSWERS = {"member_name": "Widget Works Ltd", "trade": "metal", "staff": 12}
DESCRIBED = ["kind", "codes_and_labels", "note"]


@pytest.fixture(params=["en", "de"])
def lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def flow(tmp_path: Path, lang: str) -> Flow:
    return load_flow(write_flow(tmp_path, lang))


@pytest.fixture
async def answered(survey: Survey, flow: Flow, lang: str, db_path: Path) -> Path:
    await survey.respond(flow, ANSWERS, stage=None, lang=lang)
    return db_path


@pytest.mark.parametrize("layout", [Layout.WIDE, Layout.LONG])
def test_the_csv_codebook_has_one_question_column_per_language_of_the_flow(
    answered: Path, flow: Flow, lang: str, layout: Layout, tmp_path: Path
) -> None:
    book, out = tmp_path / "codebook.csv", tmp_path / "responses.csv"
    options = ExportOptions(layout=layout, include_personal=True)
    run_export(answered, flow, options, csv=out, codebook=book)

    codebook = read_csv(book.read_bytes())
    assert list(codebook.columns) == [
        "column",
        "question_id",
        "section",
        f"question_{lang}",
        *DESCRIBED,
    ]
    staff = codebook.set_index("column") if layout is Layout.WIDE else codebook
    text = (
        staff.loc["staff", f"question_{lang}"]
        if layout is Layout.WIDE
        else codebook.loc[codebook["question_id"] == "staff", f"question_{lang}"].item()
    )
    assert text == "How many people work at your business?"


def test_the_workbook_codebook_sheet_and_load_codebook_name_the_same_columns(
    answered: Path, flow: Flow, lang: str, tmp_path: Path
) -> None:
    workbook = tmp_path / "export.xlsx"
    run_export(answered, flow, csv=None, xlsx=workbook)
    book = openpyxl.load_workbook(workbook, read_only=True)
    try:
        header = next(book["codebook"].iter_rows(values_only=True))
    finally:
        book.close()
    expected = ("column", "question_id", "section", f"question_{lang}", *DESCRIBED)
    assert header == expected

    frame = load_codebook(flow, answered)
    assert tuple(frame.columns) == expected
    trade = frame.set_index("column").loc["trade"]
    assert trade[f"question_{lang}"] == "What does your business mainly make?"
    assert isinstance(frame, pd.DataFrame)
