"""`stage_territory` and `stage_date`: the industrial territory and the day of each
response's workshop, beside its town.

The synthesis report groups the workshops by territory (several towns may share
one) and orders them by their day; both were only in the stages file, which an
analyst with the database alone does not have. The database's, as the bot last
synced them, come first; else the stages file's (a stage the bot never synced);
empty without a stage. Both backends give the same files.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from exports import load_codebook, load_responses
from flows import Flow
from storage import Stage, open_store
from tests.conftest import MINI, Clock
from tests.exports.conftest import Survey, read_csv

SYNCED = (
    Stage(
        code="pithiviers",
        city="Pithiviers",
        territory="Pithiviers et Gâtinais",
        date=dt.date(2019, 6, 5),
    ),
    Stage(code="le-creusot", city="Le Creusot"),  # known, with neither
)
STAGES_YAML = """\
stages:
  - code: pithiviers
    city: Pithiviers
    territory: Ancien nom du territoire
    date: 2019-06-04
  - code: le-creusot
    city: Le Creusot
  - code: aubenas
    city: Aubenas
    territory: Ardèche méridionale
    date: 2019-09-12
"""
"""The file says another territory and day for pithiviers: the database's are the ones
the bot ran with. `aubenas` is only in the file."""
EXPECTED = {
    "Loiret SA": ("Pithiviers et Gâtinais", "2019-06-05"),
    "Ardèche SARL": ("Ardèche méridionale", "2019-09-12"),
    "Creusot SAS": ("", ""),
    "Sans étape": ("", ""),
}


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path, mini: Flow) -> str:
    target = str(tmp_path / "tour.sqlite3")
    if request.param == "postgresql":
        target = request.getfixturevalue("postgres_url")
    store = await open_store(target)
    try:
        await store.sync_stages(SYNCED)
        survey = Survey(store, Clock())
        for company, stage in [
            ("Loiret SA", "pithiviers"),
            ("Ardèche SARL", "aubenas"),
            ("Creusot SAS", "le-creusot"),
            ("Sans étape", None),
        ]:
            await survey.respond(mini, {"company": company}, stage=stage)
    finally:
        await store.close()
    return target


def export(database: str, tmp_path: Path, *args: str) -> bytes:
    from bot.cli.export import export as command

    stages = tmp_path / "stages.yaml"
    stages.write_text(STAGES_YAML, encoding="utf-8")
    given = ["--stages", str(stages), "--db", database, "--flow", str(MINI), "--status", "all"]
    result = CliRunner().invoke(command, [*given, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def cells(rows: list[dict[str, str]]) -> dict[str, tuple[str, str]]:
    return {row["company"]: (row["stage_territory"], row["stage_date"]) for row in rows}


def test_the_wide_file_names_each_workshops_territory_and_day(
    database: str, tmp_path: Path
) -> None:
    frame = read_csv(export(database, tmp_path))
    assert list(frame.columns[2:7]) == [
        "stage_city",
        "stage_region",
        "stage_territory",
        "stage_date",
        "channel",
    ]
    assert cells(frame.to_dict("records")) == EXPECTED


def test_the_long_file_repeats_them_on_every_row(database: str, tmp_path: Path) -> None:
    frame = read_csv(export(database, tmp_path, "--layout", "long", "--include-personal"))
    assert list(frame.columns[-2:]) == ["stage_territory", "stage_date"]
    named = frame[frame["question_id"] == "company"]
    found = {
        row["value"]: (row["stage_territory"], row["stage_date"])
        for row in named.to_dict("records")
    }
    assert found == EXPECTED


def test_the_workbook_the_pandas_api_and_the_codebook_have_them(
    database: str, tmp_path: Path, mini: Flow
) -> None:
    workbook = tmp_path / "tour.xlsx"
    export(database, tmp_path, "--xlsx", str(workbook), "-o", str(tmp_path / "tour.csv"))
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.read_bytes()))["responses"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    at = header.index("stage_territory"), header.index("stage_date"), header.index("company")
    assert {row[at[2]]: (row[at[0]] or "", row[at[1]] or "") for row in rows[1:]} == EXPECTED

    # The database alone (an analyst's laptop): what the bot synced, none of the file's.
    frame = load_responses(database, mini, status="all", include_personal=True)
    read = frame[["company", "stage_territory", "stage_date"]].astype(object).fillna("")
    alone = {company: (territory, day) for company, territory, day in read.to_numpy()}
    assert alone == EXPECTED | {"Ardèche SARL": ("", "")}

    book = load_codebook(mini).set_index("column")
    assert "YYYY-MM-DD" in book.loc["stage_date", "note"]
    assert "territory:" in book.loc["stage_territory", "note"]
