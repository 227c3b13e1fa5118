"""`--xlsx`: a workbook that openpyxl opens, with the responses and the codebook."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest

from exports import ExportOptions, run_export
from flows import Flow, load_flow
from tests.conftest import MINI
from tests.exports.conftest import HYPERLINK, Filled, Survey, invoke


def test_workbook_has_responses_and_codebook(filled: Filled, tmp_path: Path) -> None:
    book_path = tmp_path / "export.xlsx"
    result = invoke("--db", filled.path, "--flow", MINI, "--xlsx", book_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == b""  # the workbook replaces standard output
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames == ["responses", "codebook"]

    rows = list(book["responses"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:7] == [
        "response_key",
        "stage_code",
        "stage_city",
        "stage_region",
        "stage_territory",
        "stage_date",
        "channel",
    ]
    records = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(records) == {filled.acme.key, filled.minus.key, filled.asia.key}
    acme, minus = records[filled.acme.key], records[filled.minus.key]
    # Typed cells: numbers are numbers, text is text, empty is None.
    assert acme["staff"] == 42 and acme["share"] == 12.5 and acme["markets__eu"] == 1
    assert acme["company"] == "Acme é à ç" and isinstance(acme["started_at"], dt.datetime)
    assert acme["ideas"] == HYPERLINK  # the text itself, as a text cell (below)
    assert minus["company"] == "-2" and minus["markets__eu"] is None
    assert minus["importance"] == "dont_know" and acme["importance"] == 5

    codebook = list(book["codebook"].iter_rows(values_only=True))
    assert codebook[0][:3] == ("column", "question_id", "section")
    assert [row[0] for row in codebook[1:]] == header


def test_workbook_next_to_a_csv_file(filled: Filled, mini: Flow, tmp_path: Path) -> None:
    csv_path, book_path = tmp_path / "export.csv", tmp_path / "export.xlsx"
    result = run_export(
        filled.path, mini, ExportOptions(layout="long", labels=True), csv=csv_path, xlsx=book_path
    )
    book = openpyxl.load_workbook(book_path, read_only=True)
    try:
        rows = list(book["responses"].iter_rows(values_only=True))
    finally:
        book.close()  # a read-only workbook keeps its file open until closed
    assert len(rows) == result.rows + 1
    assert csv_path.read_text(encoding="utf-8").count("\n") >= result.rows + 1
    assert ("Industrie" in {row[5] for row in rows}) and rows[0][5] == "value"


RISKY = ["-2", "=1+1", "+33 6 12 34 56 78", "@SUM(A1:A2)", "#N/A", "="]


@pytest.mark.parametrize("layout", ["wide", "long"])
async def test_texts_are_the_real_text_and_never_formulas(
    survey: Survey, mini: Flow, db_path: Path, tmp_path: Path, layout: str
) -> None:
    """A text a spreadsheet could read as a formula (or an error) is a plain text cell.

    The CSV needs an apostrophe against formulas; in a workbook a text cell is never
    evaluated, so the apostrophe would only show in Excel and spoil filters and counts.
    """
    keys = {(await survey.respond(mini, {"company": text})).key: text for text in RISKY}
    book_path, csv_path = tmp_path / "a.xlsx", tmp_path / "a.csv"
    args = ("--status", "all", "--layout", layout, "--xlsx", book_path, "-o", csv_path)
    result = invoke("--db", db_path, "--flow", MINI, *args)
    assert result.exit_code == 0, result.stderr
    sheet = openpyxl.load_workbook(book_path)["responses"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("company") + 1 if layout == "wide" else header.index("value") + 1
    found = {}
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in keys and (layout == "wide" or row[4].value == "company"):
            found[row[0].value] = row[column - 1]
    assert {key: cell.value for key, cell in found.items()} == keys
    for cell in found.values():
        # "s": a string; a formula would be "f", an error value "e". Formatted as
        # Text ("@"), so that even retyping the cell in Excel keeps it a text.
        assert (cell.data_type, cell.number_format) == ("s", "@"), cell.value
    with zipfile.ZipFile(book_path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b't="e"' not in archive.read(name)
    # The CSV keeps its protection: there the apostrophe is what stops the formula.
    assert "'=1+1" in csv_path.read_text(encoding="utf-8")


def test_ordinary_texts_stay_light(filled: Filled, tmp_path: Path) -> None:
    """Only texts that need it are formatted as Text: the others are plain, unstyled cells."""
    book_path = tmp_path / "a.xlsx"
    assert invoke("--db", filled.path, "--flow", MINI, "--xlsx", book_path).exit_code == 0
    sheet = openpyxl.load_workbook(book_path)["responses"]
    header = [cell.value for cell in sheet[1]]
    companies = [row[header.index("company")] for row in sheet.iter_rows(min_row=2)]
    assert {cell.value: cell.number_format for cell in companies} == {
        "Acme é à ç": "General",
        "-2": "@",
        "Asia Co": "General",
    }


async def test_texts_that_look_like_numbers_or_dates_stay_texts(
    survey: Survey, mini: Flow, db_path: Path, tmp_path: Path
) -> None:
    """What Excel damages when it opens a CSV (01 -> 1, 1,23457E+17, 12/06 -> a date)."""
    texts = ["01", "123456789012345678", "12/06", "1e5"]
    keys = {(await survey.respond(mini, {"company": text})).key: text for text in texts}
    book_path = tmp_path / "a.xlsx"
    result = invoke("--db", db_path, "--flow", MINI, "--status", "all", "--xlsx", book_path)
    assert result.exit_code == 0, result.stderr
    sheet = openpyxl.load_workbook(book_path)["responses"]
    column = [cell.value for cell in sheet[1]].index("company")
    cells = {row[0].value: row[column] for row in sheet.iter_rows(min_row=2)}
    assert {key: cells[key].value for key in keys} == keys
    assert {cells[key].data_type for key in keys} == {"s"}


def test_times_are_date_times_in_utc(filled: Filled, tmp_path: Path) -> None:
    """Times are real date-times (Excel sorts and filters them by day), in UTC, said so."""
    book_path = tmp_path / "a.xlsx"
    args = ("--status", "all", "--xlsx", book_path)
    assert invoke("--db", filled.path, "--flow", MINI, *args).exit_code == 0
    book = openpyxl.load_workbook(book_path)
    sheet = book["responses"]
    header = [cell.value for cell in sheet[1]]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    started = rows[filled.acme.key][header.index("started_at")]
    completed = rows[filled.partial.key][header.index("completed_at")]
    assert started.is_date and started.number_format == 'yyyy-mm-dd hh:mm:ss "UTC"'
    # Naive in the cell, as Excel has no time zones: the UTC time, to the second as in CSV.
    utc = filled.acme.started_at.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    assert started.value == utc
    assert completed.value is None  # not finished: empty, as in CSV
    notes = {row[0].value: row[-1].value for row in book["codebook"].iter_rows(min_row=2)}
    assert "UTC" in notes["started_at"] and "date-time cell in the workbook" in notes["started_at"]


def test_header_is_frozen_filtered_and_sized(filled: Filled, tmp_path: Path) -> None:
    """What an analyst expects on opening: the header stays in view, with filter buttons."""
    book_path = tmp_path / "a.xlsx"
    assert invoke("--db", filled.path, "--flow", MINI, "--xlsx", book_path).exit_code == 0
    book = openpyxl.load_workbook(book_path)
    responses, codebook = book["responses"], book["codebook"]
    assert responses.freeze_panes == "A2" and codebook.freeze_panes == "A2"
    # Three completed responses under 32 columns (A to AF); 32 codebook rows of 8 columns.
    assert responses.auto_filter.ref == "A1:AF4"
    assert codebook.auto_filter.ref == "A1:H33"
    header = [cell.value for cell in responses[1]]
    widths = {
        name: responses.column_dimensions[openpyxl.utils.get_column_letter(i)].width
        for i, name in enumerate(header, start=1)
    }
    assert widths["started_at"] >= 24 and widths["company"] >= 30
    assert widths["markets__americas"] >= len("markets__americas") + 2
    assert codebook.column_dimensions["H"].width >= 60  # the note


RATED = """\
id: rated
version: 1
title: Rated
sections:
  - id: main
    title: Main
    steps:
      - id: satisfaction
        type: single_choice
        text: "Satisfaction ?"
        choices:
          - {code: "1", label: "Très insatisfait"}
          - {code: "2", label: "Plutôt insatisfait"}
          - {code: "3", label: "Plutôt satisfait"}
          - {code: "4", label: "Très satisfait"}
          - {code: dont_know, label: "Je ne sais pas"}
      - id: zone
        type: single_choice
        text: "Zone ?"
        choices:
          - {code: "01", label: "Nord"}
          - {code: "02", label: "Sud"}
"""


async def test_a_rating_coded_1_to_4_is_numbers_a_spreadsheet_averages(
    survey: Survey, db_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "rated.yaml").write_text(RATED, encoding="utf-8")
    flow = load_flow(tmp_path / "rated.yaml")
    given = [("4", "01"), ("2", "02"), ("dont_know", "01")]
    keys = {(await survey.respond(flow, {"satisfaction": s, "zone": z})).key: s for s, z in given}
    book_path = tmp_path / "r.xlsx"
    result = invoke("--db", db_path, "--flow", tmp_path / "rated.yaml", "--xlsx", book_path)
    assert result.exit_code == 0, result.stderr

    header, *rows = openpyxl.load_workbook(book_path)["responses"].iter_rows(values_only=True)
    sheet = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert {sheet[key]["satisfaction"] for key in keys} == {4, 2, "dont_know"}  # AVERAGE: 3
    # A leading zero is part of the code: that column stays text, "01" and not 1.
    assert {sheet[key]["zone"] for key in keys} == {"01", "02"}
    # The CSV is unchanged: codes, as typed.
    csv = invoke("--db", db_path, "--flow", tmp_path / "rated.yaml")
    assert "\n" in csv.stdout and ",4," in csv.stdout.replace("\r", "")
