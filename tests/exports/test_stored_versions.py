"""Older flow versions kept in the database describe their answers in every export.

Version 1 asks `staff` (a number with a unit and a condition), offers
`industry` (single choice) and `asia` (multiple choice), and asks a personal
`email`; version 2 drops all of them (`trade` takes `industry`'s place). Each version is recorded as the bot
records it at start (`keep_flow_versions`), answered through the engine on a
real database, SQLite and PostgreSQL, then exported with the version-2 file
only: the wide and long CSV, the workbook and pandas give version-1 answers
their old labels, and the codebook the old questions' texts, kinds and
conditions. A personal question of version 1 stays out unless asked.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from conversation import keep_flow_versions
from exports import ExportOptions, Layout, export_csv, load_codebook, load_responses, run_export
from flows import Flow, load_flow
from storage import open_store
from tests.conftest import MINI, Clock
from tests.exports.conftest import STAGES, Survey, by_key, read_csv

STAFF = (
    "        unit: {fr: salariés, en: employees}\n",
    "        unit: {fr: salariés, en: employees}\n"
    "        show_if: {question: company, answered: true}\n",
)
PERSONAL = (
    "        show_if: {question: importance, min: 4}\n",
    "        show_if: {question: importance, min: 4}\n        personal: true\n",
)
REMOVED = (
    ("version: 1", "version: 2"),
    (
        "          - {code: industry, label: {fr: Industrie, en: Industry}}\n",
        "          - {code: trade, label: {fr: Commerce, en: Trade}}\n",
    ),
    ("          - {code: asia, label: {fr: Asie, en: Asia}}\n", ""),
)


def edited(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text


def without_step(text: str, step_id: str) -> str:
    """The flow text less one step (its lines up to the next step or section)."""
    lines = text.splitlines(keepends=True)
    start = lines.index(f"      - id: {step_id}\n")
    end = start + 1
    while end < len(lines) and not lines[end].startswith(("      - id:", "  - id:")):
        end += 1
    return "".join(lines[:start] + lines[end:])


@pytest.fixture
def flows(tmp_path: Path) -> tuple[Flow, Flow]:
    v1_text = edited(MINI.read_text(encoding="utf-8"), STAFF, PERSONAL)
    v2_text = without_step(without_step(edited(v1_text, *REMOVED), "staff"), "email")
    (tmp_path / "v1.yaml").write_text(v1_text, encoding="utf-8")
    (tmp_path / "v2.yaml").write_text(v2_text, encoding="utf-8")
    return load_flow(tmp_path / "v1.yaml"), load_flow(tmp_path / "v2.yaml")


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return tmp_path / "tour.sqlite3"


COMMON = {"company": "Acme", "exports": "yes", "importance": 5, "obstacles": ["cost", "time"]}


@pytest.fixture
async def answered(
    target: str | Path, flows: tuple[Flow, Flow], clock: Clock
) -> AsyncIterator[tuple[str, str]]:
    """One response on each version, each recorded as the bot does at start; keys (v1, v2)."""
    v1, v2 = flows
    store: Any = await open_store(target)
    try:
        await store.sync_stages(STAGES)
        survey = Survey(store, clock)
        await keep_flow_versions(store, [v1], now=clock.tick())
        old = await survey.respond(
            v1,
            COMMON
            | {
                "staff": 12,
                "sector": "industry",
                "markets": ["eu", "asia"],
                "share": 10,
                "ideas": "Plus de liens",
                "email": "a@b.fr",
            },
        )
        await keep_flow_versions(store, [v2], now=clock.tick())
        new = await survey.respond(
            v2, COMMON | {"sector": "services", "markets": ["eu"], "share": 20, "ideas": "Rien"}
        )
    finally:
        await store.close()
    yield old.key, new.key


def test_wide_csv_and_codebook_keep_the_old_labels_texts_and_kinds(
    answered: tuple[str, str], target: str | Path, flows: tuple[Flow, Flow]
) -> None:
    old, new = answered
    v2 = flows[1]
    options = ExportOptions(labels=True, joined=True)
    exported = export_csv(target, v2, options, codebook=True)
    rows = by_key(read_csv(exported.data))
    assert (rows[old]["sector"], rows[new]["sector"]) == ("Industrie", "Services")
    assert (rows[old]["markets"], rows[new]["markets"]) == ("Europe;Asie", "Europe")
    # Version 2 no longer offers Asia: empty there, not "shown and not selected".
    assert (rows[old]["markets__asia"], rows[new]["markets__asia"]) == ("1", "")
    assert (rows[old]["staff"], rows[new]["staff"]) == ("12", "")
    assert "email" not in rows[old]  # personal in version 1: left out unless asked

    book = read_csv(exported.codebook or b"").set_index("column")
    staff = book.loc["staff"]
    # The older version's own texts, its piped name read as without an answer.
    assert (staff["question_fr"], staff["question_en"]) == ("Salariés de … ?", "Staff at …?")
    assert (staff["kind"], staff["section"]) == ("number", "Entreprise")
    assert "Unit: salariés." in staff["note"]
    assert "Shown only if company answered" in staff["note"]
    assert "answered on flow version 1" in staff["note"]
    assert "industry=Industrie" in book.loc["sector", "codes_and_labels"]
    assert "Only older versions of the flow offered: industry." in book.loc["sector", "note"]
    assert "'Asie' (asia)" in book.loc["markets__asia", "note"]
    assert "email" not in book.index


def test_long_csv_workbook_and_pandas_agree(
    answered: tuple[str, str], target: str | Path, flows: tuple[Flow, Flow]
) -> None:
    old, _ = answered
    v2 = flows[1]
    long = read_csv(export_csv(target, v2, ExportOptions(layout=Layout.LONG, labels=True)).data)
    given = {
        row["question_id"]: row["value"] for _, row in long[long.response_key == old].iterrows()
    }
    assert (given["sector"], given["markets"], given["staff"]) == ("Industrie", "Europe;Asie", "12")
    assert "email" not in given

    book_file = io.BytesIO()
    run_export(target, v2, ExportOptions(labels=True), xlsx=book_file)
    workbook = openpyxl.load_workbook(io.BytesIO(book_file.getvalue()))
    header, *cells = workbook["responses"].iter_rows(values_only=True)
    sheet = {row[0]: dict(zip(header, row, strict=True)) for row in cells}
    assert (sheet[old]["sector"], sheet[old]["staff"]) == ("Industrie", 12)
    codebook = {row[0]: row for row in workbook["codebook"].iter_rows(values_only=True)}
    assert codebook["staff"][1:3] == ("staff", "Entreprise") and "number" in codebook["staff"]

    frame = load_responses(target, v2, labels=True).set_index("response_key")
    assert frame.loc[old, "sector"] == "Industrie"
    assert list(frame["sector"].cat.categories[:4]) == [
        "Commerce",
        "Services",
        "Autre (précisez)",
        "Industrie",
    ]
    assert str(frame["staff"].dtype) == "Int64" and frame.loc[old, "staff"] == 12
    assert "email" not in frame.columns
    pandas_book = load_codebook(v2, target).set_index("column")
    assert pandas_book.loc["staff", "kind"] == "number"
    assert pandas_book.loc["staff", "question_en"] == "Staff at …?"


def test_a_personal_question_of_an_old_version_only_when_asked(
    answered: tuple[str, str], target: str | Path, flows: tuple[Flow, Flow]
) -> None:
    old, _ = answered
    v2 = flows[1]
    asked = ExportOptions(include_personal=True)
    exported = export_csv(target, v2, asked, codebook=True)
    assert by_key(read_csv(exported.data))[old]["email"] == "a@b.fr"
    email = read_csv(exported.codebook or b"").set_index("column").loc["email"]
    assert (email["kind"], email["question_fr"]) == ("email", "E-mail ?")
    assert "PERSONAL DATA" in email["note"]
    long = read_csv(export_csv(target, v2, ExportOptions(layout=Layout.LONG)).data)
    assert "email" not in set(long["question_id"])
    frame = load_responses(target, v2, include_personal=True).set_index("response_key")
    assert frame.loc[old, "email"] == "a@b.fr"
