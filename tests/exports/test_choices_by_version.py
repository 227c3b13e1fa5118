"""A choice one flow version did not offer is an empty cell for the responses given on
that version, not a 0: a 0 says "shown, and not selected", which they never were.

Version 2 of the mini flow adds `africa` to `markets`; a version 3 (made here) removes it
again and adds `travel` to the ranking `obstacles`. Every version is kept in the
database, as the bot keeps each version it runs (`conversation.keep_flow_versions`).
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from conversation import keep_flow_versions
from exports import ExportOptions, export_csv, load_codebook, load_responses
from flows import Flow, load_flow
from tests.exports.conftest import MINI_V2, Survey, by_key, invoke, read_csv

COMMON = {
    "company": "Acme",
    "sector": "services",
    "exports": "yes",
    "share": 10,
    "importance": 2,
    "obstacles": ["cost", "time"],
    "ideas": "Rien",
}
V1 = COMMON | {"staff": 12}
V2 = COMMON | {"margin": 7.5}
AFRICA = "markets__africa"
NOT_ASKED_ON_1 = "Empty (not 0) on flow version 1: this choice was not offered then"


def v3_flow(tmp_path: Path) -> Path:
    """Version 3: `africa` removed from `markets`, `travel` added to `obstacles`."""
    text = MINI_V2.read_text(encoding="utf-8").replace("version: 2", "version: 3")
    africa = "          - {code: africa, label: {fr: Afrique, en: Africa}}\n"
    skills = "          - {code: skills, label: {fr: Compétences, en: Skills}}\n"
    travel = "          - {code: travel, label: {fr: Déplacements, en: Travel}}\n"
    assert africa in text and skills in text
    path = tmp_path / "mini_v3.yaml"
    path.write_text(text.replace(africa, "").replace(skills, skills + travel), encoding="utf-8")
    return path


@pytest.fixture
async def added(survey: Survey, mini: Flow, mini_v2: Flow) -> tuple[str, str, str]:
    """Keys of a version-1 response, and of two version-2 ones: Africa picked, and not."""
    await keep_flow_versions(survey.store, [mini], now=survey.clock.tick())
    old = await survey.respond(mini, V1 | {"markets": ["eu", "asia"]})
    await keep_flow_versions(survey.store, [mini_v2], now=survey.clock.tick())
    picked = await survey.respond(mini_v2, V2 | {"markets": ["africa", "eu"]})
    not_picked = await survey.respond(mini_v2, V2 | {"markets": ["asia"]})
    return old.key, picked.key, not_picked.key


def test_an_added_choice_is_empty_for_the_older_version_in_the_cli_export(
    added: tuple[str, str, str], db_path: Path, tmp_path: Path
) -> None:
    old, picked, not_picked = added
    out, book = tmp_path / "r.csv", tmp_path / "codebook.csv"
    result = invoke("--db", db_path, "--flow", MINI_V2, "-o", out, "--codebook", book)
    assert result.exit_code == 0, result.output

    rows = by_key(read_csv(out.read_bytes()))
    assert (rows[old][AFRICA], rows[picked][AFRICA], rows[not_picked][AFRICA]) == ("", "1", "0")
    # The choices version 1 offered keep their 0/1.
    markets = ["markets__eu", "markets__asia", "markets__americas", "markets__none"]
    assert [rows[old][column] for column in markets] == ["1", "1", "0", "0"]
    assert rows[old]["markets__other"] == "0"
    # Rankings: the same items in both versions, as before.
    assert (rows[old]["obstacles__cost"], rows[old]["obstacles__skills"]) == ("1", "")

    # An analyst's share of Africa among those offered it: the version-1 response is not a 0.
    assert pd.read_csv(out)[AFRICA].mean() == 0.5

    notes = read_csv(book.read_bytes()).set_index("column")["note"]
    assert NOT_ASKED_ON_1 in notes[AFRICA]
    assert "Empty (not 0)" not in notes["markets__eu"] + notes["markets__asia"]


async def test_a_removed_choice_is_empty_for_the_newer_version(
    survey: Survey, added: tuple[str, str, str], db_path: Path, tmp_path: Path
) -> None:
    old, picked, not_picked = added
    v3_path = v3_flow(tmp_path)
    v3 = load_flow(v3_path)
    await keep_flow_versions(survey.store, [v3], now=survey.clock.tick())
    newest = await survey.respond(v3, V2 | {"markets": ["eu"], "obstacles": ["travel", "cost"]})

    out, book = tmp_path / "r.csv", tmp_path / "codebook.csv"
    result = invoke("--db", db_path, "--flow", v3_path, "-o", out, "--codebook", book)
    assert result.exit_code == 0, result.output
    table = read_csv(out.read_bytes())
    # The removed choice keeps its column, after the current file's choices.
    assert [c for c in table.columns if c.startswith("markets__")][-1] == AFRICA
    rows = by_key(table)
    assert rows[newest.key][AFRICA] == ""
    assert (rows[old][AFRICA], rows[picked][AFRICA], rows[not_picked][AFRICA]) == ("", "1", "0")
    assert (rows[newest.key]["markets__eu"], rows[newest.key]["markets__asia"]) == ("1", "0")
    # A ranking item added: unranked is empty on every version, ranks as given.
    assert [rows[newest.key][f"obstacles__{c}"] for c in ("cost", "time", "travel")] == [
        "2",
        "",
        "1",
    ]
    assert [rows[key]["obstacles__travel"] for key in (old, picked, not_picked)] == ["", "", ""]

    notes = read_csv(book.read_bytes()).set_index("column")["note"]
    assert (
        "Empty (not 0) on flow versions 1, 3: this choice was not offered then" in (notes[AFRICA])
    )
    assert "Empty (not 0)" not in notes["markets__eu"]


def test_the_api_the_workbook_and_pandas_leave_it_empty_too(
    added: tuple[str, str, str], db_path: Path, mini_v2: Flow, tmp_path: Path
) -> None:
    old, picked, not_picked = added
    exported = export_csv(db_path, mini_v2, codebook=True)
    rows = by_key(read_csv(exported.data))
    assert (rows[old][AFRICA], rows[picked][AFRICA], rows[not_picked][AFRICA]) == ("", "1", "0")
    notes = read_csv(io.BytesIO(exported.codebook or b"").getvalue()).set_index("column")
    assert NOT_ASKED_ON_1 in notes.loc[AFRICA, "note"]

    xlsx = tmp_path / "r.xlsx"
    result = invoke("--db", db_path, "--flow", MINI_V2, "--xlsx", xlsx)
    assert result.exit_code == 0, result.output
    header, *cells = openpyxl.load_workbook(xlsx)["responses"].iter_rows(values_only=True)
    sheet = {row[0]: dict(zip(header, row, strict=True)) for row in cells}
    assert (sheet[old][AFRICA], sheet[picked][AFRICA], sheet[not_picked][AFRICA]) == (None, 1, 0)
    assert sheet[old]["markets__eu"] == 1

    frame = load_responses(db_path, mini_v2).set_index("response_key")
    assert str(frame[AFRICA].dtype) == "Int64"
    assert pd.isna(frame.loc[old, AFRICA])
    assert (frame.loc[picked, AFRICA], frame.loc[not_picked, AFRICA]) == (1, 0)
    assert NOT_ASKED_ON_1 in load_codebook(mini_v2, db_path).set_index("column").loc[AFRICA, "note"]


def test_one_version_at_a_time_keeps_the_header_and_the_empty_cells(
    added: tuple[str, str, str], db_path: Path, mini_v2: Flow
) -> None:
    """Filtered to version 1, the column is still there (the header does not follow the
    filters), and still empty."""
    old, _, _ = added
    only_v1 = read_csv(export_csv(db_path, mini_v2, ExportOptions(flow_versions=(1,))).data)
    assert list(only_v1["response_key"]) == [old]
    assert list(only_v1[AFRICA]) == [""]


async def test_versions_offering_the_same_choices_write_0_as_before(
    survey: Survey, mini: Flow, db_path: Path, tmp_path: Path
) -> None:
    """A version 2 changing something else (here, a question's text) leaves the 0s alone."""
    text = (Path(__file__).parents[1] / "flows" / "fixtures" / "mini.yaml").read_text("utf-8")
    path = tmp_path / "mini_v2_text.yaml"
    path.write_text(
        text.replace("version: 1", "version: 2").replace('"Marchés ?"', '"Vos marchés ?"'),
        encoding="utf-8",
    )
    v2 = load_flow(path)
    await keep_flow_versions(survey.store, [mini], now=survey.clock.tick())
    old = await survey.respond(mini, V1 | {"markets": ["eu"]})
    await keep_flow_versions(survey.store, [v2], now=survey.clock.tick())
    new = await survey.respond(v2, V1 | {"markets": ["asia"]})

    exported = export_csv(db_path, v2, codebook=True)
    rows = by_key(read_csv(exported.data))
    assert (rows[old.key]["markets__asia"], rows[new.key]["markets__eu"]) == ("0", "0")
    notes = read_csv(io.BytesIO(exported.codebook or b"").getvalue()).set_index("column")
    assert "not offered then" not in " ".join(notes["note"])
