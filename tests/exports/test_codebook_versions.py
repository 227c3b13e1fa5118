"""The codebook says what each flow version held asked, where they differ on a question.

Version 1 is the mini flow; version 2 (made here) turns `staff` from a number into a
single choice under the same id, adds `show_if: exports = yes` to `ideas`, and adds
`uses_ai`. Both are kept in a real SQLite file, as the bot keeps each version it runs,
and answered through the engine; the export uses the version-2 file. One column merges
both versions' answers: the version-1 row holds a staff number beside version-2 codes,
and ideas answered by a company that does not export, which the current condition alone
would call impossible. The wide and long codebooks and the workbook's codebook sheet
(the same rows) say it; with version 2 alone, the notes read as they always have.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from conversation import keep_flow_versions
from exports import ExportOptions, Layout, export_csv, load_codebook, run_export
from flows import Flow, load_flow
from tests.conftest import MINI
from tests.exports.conftest import Survey, by_key, read_csv

STAFF_NUMBER = """\
      - id: staff
        type: number
        text: {fr: "Salariés de {company} ?", en: "Staff at {company}?"}
        min: 1
        max: 10000
        unit: {fr: salariés, en: employees}
"""
STAFF_CHOICE = """\
      - id: staff
        type: single_choice
        text: {fr: "Effectif ?", en: "Staff?"}
        choices:
          - {code: small, label: {fr: Moins de 50, en: Under 50}}
          - {code: large, label: {fr: 50 ou plus, en: 50 or more}}
"""
IDEAS = """\
      - id: ideas
        type: long_text
        text: {fr: "Idées ?", en: "Ideas?"}
        required: false
"""
IDEAS_IF_EXPORTS_AND_AI = (
    IDEAS
    + """\
        show_if: {question: exports, equals: "yes"}
      - id: uses_ai
        type: yes_no
        text: {fr: "IA ?", en: "AI?"}
"""
)

CONDITION_BY_VERSION = (
    "Shown only if exports = yes (flow version 2), empty otherwise; always shown on flow version 1."
)
KIND_CHANGED = (
    "On flow version 1 this question was a number (whole number, 1 to 10000), "
    "not a single choice: those rows hold the number typed, not a code."
)
ADDED = "Not asked before flow version 2: empty on earlier versions' rows."
ADDED_LONG = "Not asked before flow version 2: no row for earlier versions' responses."


@pytest.fixture
def v2(tmp_path: Path) -> Flow:
    text = MINI.read_text(encoding="utf-8")
    assert STAFF_NUMBER in text and IDEAS in text and "version: 1\n" in text
    text = text.replace("version: 1\n", "version: 2\n").replace(STAFF_NUMBER, STAFF_CHOICE)
    path = tmp_path / "mini_v2_changed.yaml"
    path.write_text(text.replace(IDEAS, IDEAS_IF_EXPORTS_AND_AI), encoding="utf-8")
    return load_flow(path)


@pytest.fixture
async def answered(survey: Survey, mini: Flow, v2: Flow) -> tuple[str, str]:
    """Keys of a version-1 response (no exports, ideas given) and a version-2 one."""
    common = {"company": "Acme", "sector": "services", "importance": 2}
    await keep_flow_versions(survey.store, [mini], now=survey.clock.tick())
    old = await survey.respond(
        mini,
        common | {"staff": 12, "exports": "no", "obstacles": ["cost", "time"], "ideas": "Plus"},
    )
    await keep_flow_versions(survey.store, [v2], now=survey.clock.tick())
    new = await survey.respond(
        v2,
        common
        | {
            "staff": "small",
            "exports": "yes",
            "markets": ["eu"],
            "share": 5,
            "obstacles": ["time", "cost"],
            "ideas": "Rien",
            "uses_ai": "yes",
        },
    )
    return old.key, new.key


def notes(data: bytes | None, *, long: bool = False) -> dict[str, str]:
    book = read_csv(data or b"")
    if long:
        book = book[book.column == "value"]
        return dict(zip(book.question_id, book.note, strict=True))
    return dict(zip(book.column, book.note, strict=True))


def test_the_wide_codebook_says_what_each_version_asked(
    answered: tuple[str, str], db_path: Path, v2: Flow
) -> None:
    old, new = answered
    exported = export_csv(db_path, v2, ExportOptions(), codebook=True)
    rows = by_key(read_csv(exported.data))
    # What an analyst finds: a number beside codes, ideas of a company that does not export.
    assert (rows[old]["staff"], rows[new]["staff"]) == ("12", "small")
    assert (rows[old]["exports"], rows[old]["ideas"]) == ("no", "Plus")
    assert (rows[old]["uses_ai"], rows[new]["uses_ai"]) == ("", "yes")

    book = notes(exported.codebook)
    assert CONDITION_BY_VERSION in book["ideas"]
    assert "Optional: empty if skipped." in book["ideas"]
    assert KIND_CHANGED in book["staff"]
    assert book["uses_ai"] == ADDED
    # What did not change between the versions reads as before.
    assert "Shown only if exports = yes; empty otherwise." in book["markets__eu"]
    for column in ("company", "sector", "exports", "markets__eu", "share", "ideas"):
        assert "Not asked before" not in book[column]
    assert "this question was" not in book["ideas"] + book["exports"]


def test_the_long_codebook_and_the_workbook_say_it_too(
    answered: tuple[str, str], db_path: Path, v2: Flow
) -> None:
    long = export_csv(db_path, v2, ExportOptions(layout=Layout.LONG), codebook=True)
    book = notes(long.codebook, long=True)
    assert "Shown only if exports = yes (flow version 2), no row otherwise; " in book["ideas"]
    assert "always shown on flow version 1." in book["ideas"]
    assert KIND_CHANGED in book["staff"]
    assert book["uses_ai"] == ADDED_LONG

    workbook = io.BytesIO()
    run_export(db_path, v2, ExportOptions(), xlsx=workbook)
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.getvalue()))["codebook"]
    by_column = {row[0]: row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert CONDITION_BY_VERSION in by_column["ideas"]
    assert KIND_CHANGED in by_column["staff"]
    assert by_column["uses_ai"] == ADDED


async def test_one_version_held_keeps_the_notes_as_they_were(
    survey: Survey, db_path: Path, v2: Flow
) -> None:
    await keep_flow_versions(survey.store, [v2], now=survey.clock.tick())
    book = load_codebook(v2, db_path).set_index("column")["note"]
    assert book["ideas"] == (
        "Free text (at most 2000 characters). Shown only if exports = yes; empty otherwise. "
        "Optional: empty if skipped."
    )
    assert "this question was" not in book["staff"]
    assert book["uses_ai"] == ""
