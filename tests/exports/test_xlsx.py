"""`--xlsx`: a workbook that openpyxl opens, with the responses and the codebook."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from exports import ExportOptions, run_export
from flows import Flow
from tests.conftest import MINI
from tests.exports.conftest import HYPERLINK, Filled, invoke


def test_workbook_has_responses_and_codebook(filled: Filled, tmp_path: Path) -> None:
    book_path = tmp_path / "export.xlsx"
    result = invoke("--db", filled.path, "--flow", MINI, "--xlsx", book_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == b""  # the workbook replaces standard output
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames == ["responses", "codebook"]

    rows = list(book["responses"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:4] == ["response_key", "stage_code", "stage_city", "channel"]
    records = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(records) == {filled.acme.key, filled.minus.key, filled.asia.key}
    acme, minus = records[filled.acme.key], records[filled.minus.key]
    # Typed cells: numbers are numbers, text is text, empty is None.
    assert acme["staff"] == 42 and acme["share"] == 12.5 and acme["markets__eu"] == 1
    assert acme["company"] == "Acme é à ç" and acme["started_at"].endswith("Z")
    assert acme["ideas"] == "'" + HYPERLINK  # never a formula
    assert minus["company"] == "'-2" and minus["markets__eu"] is None
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
    assert ("Industrie" in {row[4] for row in rows}) and rows[0][4] == "value"
