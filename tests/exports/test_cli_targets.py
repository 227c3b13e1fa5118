"""Where `surveybot export` writes, as an analyst names it: `-o -` beside a workbook is
standard output, a file's name says its format, and an empty database is said to be one.

Found by an analyst's walk through the exports: `--xlsx book.xlsx -o - > r.csv` left
r.csv empty with exit 0; `-o tour.xlsx` wrote CSV text that Excel and pandas then
refused to open; and a database with no response at all was blamed on the default
`--status completed`, sending the analyst to a filter instead of to the path.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from storage import Store
from tests.conftest import MINI
from tests.exports.conftest import Filled, invoke, read_csv

# The three responses a plain export of `filled` holds (completed only).
EXPORTED = 3


def test_dash_sends_the_csv_to_standard_output_beside_the_workbook(
    filled: Filled, tmp_path: Path
) -> None:
    book = tmp_path / "book.xlsx"
    result = invoke("--db", filled.path, "--flow", MINI, "--xlsx", book, "-o", "-")

    assert result.exit_code == 0, result.stderr
    frame = read_csv(result.stdout_bytes)
    assert len(frame) == EXPORTED and "response_key" in frame.columns
    assert f"rows × {len(frame.columns)} columns to standard output, {book}" in result.stderr
    sheet = openpyxl.load_workbook(book, read_only=True)["responses"]
    assert sum(1 for _ in sheet.iter_rows()) == EXPORTED + 1  # the header, then each response


def test_a_codebook_alone_says_the_rows_went_to_standard_output(
    filled: Filled, tmp_path: Path
) -> None:
    """Not "… to cb.csv": the rows went down the pipe, the codebook to its file."""
    codebook = tmp_path / "cb.csv"
    result = invoke("--db", filled.path, "--flow", MINI, "--codebook", codebook)

    assert result.exit_code == 0, result.stderr
    frame = read_csv(result.stdout_bytes)
    assert len(frame) == EXPORTED
    assert f"columns to standard output, {codebook}\n" in result.stderr
    assert codebook.exists()


def test_without_dash_the_workbook_alone_is_written(filled: Filled, tmp_path: Path) -> None:
    result = invoke("--db", filled.path, "--flow", MINI, "--xlsx", tmp_path / "book.xlsx")

    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == b""


@pytest.mark.parametrize(
    ("option", "name", "said"),
    [
        ("-o", "tour.xlsx", "tour.xlsx names a workbook, but -o writes CSV: name it .csv "
         "(for a workbook, --xlsx "),
        ("-o", "tour.XLS", "tour.XLS names a workbook, but -o writes CSV"),
        ("--codebook", "codebook.ods", "codebook.ods names a workbook, but --codebook writes CSV"),
        ("--xlsx", "book.csv", "book.csv: a workbook's name ends in .xlsx"),
        ("--xlsx", "book.ods", "book.ods: a workbook's name ends in .xlsx"),
    ],
)  # fmt: skip
def test_a_file_named_for_another_format_is_refused_before_anything_is_written(
    filled: Filled, tmp_path: Path, option: str, name: str, said: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    result = invoke("--db", filled.path, "--flow", MINI, option, folder / name)

    assert result.exit_code == 2
    assert said in " ".join(result.stderr.split())
    assert list(folder.iterdir()) == []


def test_an_empty_database_is_said_to_be_one_whatever_the_filters(
    store: Store, tmp_path: Path
) -> None:
    for filters in ((), ("--stage", "pithiviers"), ("--status", "all")):
        out = tmp_path / "responses.csv"
        result = invoke("--db", store.path, "--flow", MINI, *filters, "-o", out, "--force")

        assert result.exit_code == 0, result.stderr
        assert result.stderr.splitlines()[-1] == (
            "no response of flow 'mini' in the database yet: only the header row was written"
        ), filters
        assert "--status" not in result.stderr
