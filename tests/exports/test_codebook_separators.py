"""A label holding the codebook's separators still reads as one label.

`codes_and_labels` lists a question's answers as `code=label`, joined by `; `. A label
"Industrie; BTP=construction" made that list read as two answers, the second with an
invented code `BTP`. Such an item is now quoted, as a field of a CSV line separated by
`;` (a `"` in it doubled), so the list splits as docs/analysts.md says: as one CSV line,
then each item at its first `=`. The note on a question whose kind changed between
versions lists that version's labels the same way. And `validate` warns of a `;` in a
label of a multiple choice or ranking, whose labels the export joins with `;`.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from conversation import keep_flow_versions
from exports import ExportOptions, export_csv
from flows import Flow, load_flow, validate_file
from tests.exports.conftest import Survey, read_csv


def codes_and_labels(cell: str) -> dict[str, str]:
    """docs/analysts.md's reading of a `codes_and_labels` cell, as an analyst copies it."""
    items = next(csv.reader([cell], delimiter=";", skipinitialspace=True))
    return dict(item.partition("=")[::2] for item in items)


FLOW = """\
id: separators
version: {version}
title: T
sections:
  - id: s1
    title: S
    steps:
{sector}
      - id: rating
        type: scale
        text: Note ?
        min: 1
        max: 3
        min_label: "Faible; nulle"
        max_label: Forte
        dont_know: true
      - id: tools
        type: multiple_choice
        text: Outils ?
        choices:
          - {{code: saw, label: "Scie; égoïne"}}
          - {{code: drill, label: Perceuse}}
"""
SECTOR = """\
      - id: sector
        type: single_choice
        text: Secteur ?
        choices:
          - {code: industry, label: "Industrie; BTP=construction"}
          - {code: quoted, label: 'Le "made in France"'}
          - {code: trade, label: "Commerce = négoce"}
          - {code: services, label: Services}
"""
SECTOR_NUMBER = """\
      - id: sector
        type: number
        text: Code NAF ?
"""
LABELS = {
    "industry": "Industrie; BTP=construction",
    "quoted": 'Le "made in France"',
    "trade": "Commerce = négoce",
    "services": "Services",
}


def written(folder: Path, version: int, sector: str) -> Path:
    path = folder / f"separators_v{version}.yaml"
    path.write_text(FLOW.format(version=version, sector=sector), encoding="utf-8")
    return path


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    return load_flow(written(tmp_path, 1, SECTOR))


async def test_each_label_reads_back_whole_from_the_codebook(
    survey: Survey, flow: Flow, db_path: Path
) -> None:
    await survey.respond(flow, {"sector": "industry", "rating": 1, "tools": ["saw"]})
    book = read_csv(export_csv(db_path, flow, ExportOptions(), codebook=True).codebook or b"")
    cells = dict(zip(book.column, book.codes_and_labels, strict=True))
    assert cells["sector"] == (
        '"industry=Industrie; BTP=construction"; "quoted=Le ""made in France"""; '
        "trade=Commerce = négoce; services=Services"
    )
    assert codes_and_labels(cells["sector"]) == LABELS
    assert codes_and_labels(cells["rating"]) == {
        "1": "Faible; nulle",
        "2": "",
        "3": "Forte",
        "dont_know": "Je ne sais pas",
    }
    # A list with nothing to quote reads as it always has.
    assert cells["tools__saw"] == "0=not selected; 1=selected"


async def test_a_kind_changed_since_lists_that_versions_labels_the_same_way(
    survey: Survey, db_path: Path, flow: Flow, tmp_path: Path
) -> None:
    await keep_flow_versions(survey.store, [flow], now=survey.clock.tick())
    await survey.respond(flow, {"sector": "industry"})
    now = load_flow(written(tmp_path, 2, SECTOR_NUMBER))
    await keep_flow_versions(survey.store, [now], now=survey.clock.tick())

    book = read_csv(export_csv(db_path, now, ExportOptions(), codebook=True).codebook or b"")
    note = dict(zip(book.column, book.note, strict=True))["sector"]
    listed = note.split("was a single choice (", 1)[1].split("), not a number", 1)[0]
    assert codes_and_labels(listed) == LABELS


def test_validate_warns_of_a_semicolon_where_the_export_joins_labels(tmp_path: Path) -> None:
    path = written(tmp_path, 1, SECTOR)
    assert [str(problem) for problem in validate_file(path)] == [
        f"{path}:29: warning: question 'tools': choice 'saw' has a ';' in its label "
        "'Scie; égoïne': the export joins the labels chosen with ';' (--labels with "
        "--joined, and the long layout), so that cell would read as more answers than "
        "were given; write it without ';' (a comma)"
    ]
