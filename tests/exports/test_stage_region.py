"""`stage_region`: the region of each response's stage, right after its city.

The synthesis report compares regions: the export names each stage's region,
as the database stores it with the stage, else as the stages file gives it (a
stage the bot never synced), and leaves it empty for a response without a stage
or a stage without a region. The same respondents answer into a real SQLite
file and a real PostgreSQL database: every form of the export (wide and long
CSV, --excel, --bom, the workbook, pandas, the codebook) holds the region, and
both databases give the same bytes.
"""

from __future__ import annotations

import io
import itertools
import secrets
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from exports import ExportOptions, Layout, export_csv, load_codebook, load_responses
from flows import Flow
from storage import ResponseFilter, Stage, SurveyStore, open_snapshot, open_store
from tests.conftest import MINI, Clock
from tests.exports.conftest import Survey, read_csv
from tests.exports.test_roundtrip import META, QUESTIONS

CENTRE = "Centre-Val de Loire"
ARA = "Auvergne-Rhône-Alpes"
SYNCED = (
    Stage(code="pithiviers", city="Pithiviers", region=CENTRE),
    Stage(code="le-creusot", city="Le Creusot"),  # known, without a region
)
STAGES_YAML = f"""\
stages:
  - code: pithiviers
    city: Pithiviers
    region: {CENTRE}
  - code: le-creusot
    city: Le Creusot
  - code: aubenas
    city: Aubenas
    region: {ARA}
"""
"""`aubenas` is only in the stages file: the database does not know it."""
LONG = [
    "response_key",
    "stage_code",
    "stage_region",
    "channel",
    "question_id",
    "value",
    "other_text",
    "answered_at",
    "status",
    "response_status",
    "answer_flow_version",
    "flow_id",
    "stage_city",
    "stage_territory",
    "stage_date",
]
EXPECTED = {  # company -> (stage_code, stage_city, stage_region), as the CSV writes them
    "Loiret SA": ("pithiviers", "Pithiviers", CENTRE),
    "Ardèche SARL": ("aubenas", "Aubenas", ARA),
    "Creusot SAS": ("le-creusot", "Le Creusot", ""),
    "Sans étape": ("", "", ""),
}


class Keys:
    """Response keys in a known sequence, the same on both backends."""

    def __init__(self) -> None:
        self.numbers = itertools.count(1)

    def __call__(self, nbytes: int | None = None) -> str:
        return f"b{next(self.numbers):0{2 * (nbytes or 8) - 1}x}"


@dataclass(frozen=True)
class Both:
    path: Path
    url: str
    stages: Path

    def targets(self) -> dict[str, str | Path]:
        return {"sqlite": self.path, "postgresql": self.url}


async def answer(store: SurveyStore, mini: Flow) -> None:
    survey = Survey(store, Clock())
    full = {"company": "Loiret SA", "staff": 42, "sector": "industry", "exports": "no"}
    full |= {"importance": 4, "obstacles": ["cost", "time"], "ideas": "Plus de liens"}
    await survey.respond(mini, full, stage="pithiviers")
    await survey.respond(mini, {"company": "Ardèche SARL"}, stage="aubenas")
    await survey.respond(mini, {"company": "Creusot SAS"}, stage="le-creusot")
    await survey.respond(mini, {"company": "Sans étape"}, stage=None)


@pytest.fixture
async def both(
    tmp_path: Path, postgres_url: str, mini: Flow, monkeypatch: pytest.MonkeyPatch
) -> Both:
    path = tmp_path / "tour.sqlite3"
    for target in (path, postgres_url):
        monkeypatch.setattr(secrets, "token_hex", Keys())
        store = await open_store(target)
        try:
            await store.sync_stages(SYNCED)
            await answer(store, mini)
        finally:
            await store.close()
    stages = tmp_path / "stages.yaml"
    stages.write_text(STAGES_YAML, encoding="utf-8")
    return Both(path, postgres_url, stages)


def run(both: Both, target: str | Path, *args: str | Path) -> Result:
    from bot.cli.export import export

    given = ["--stages", str(both.stages), "--db", str(target), "--flow", str(MINI)]
    result = CliRunner().invoke(
        export, [*given, "--status", "all", *map(str, args)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    return result


def stage_cells(frame: pd.DataFrame, *names: str) -> dict[str, tuple[str, ...]]:
    """Each respondent's cells of `names`, by the company they named."""
    return {
        company: tuple(row[name] for name in names)
        for company, row in frame.set_index("company").iterrows()
    }


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_snapshot_reads_the_region_stored_with_the_stage(both: Both, backend: str) -> None:
    """One short text per response, beside the city; none where the database knows none."""
    with open_snapshot(both.targets()[backend]) as snapshot:
        (batch,) = snapshot.batches(ResponseFilter(flow_id="mini"))
    found = {
        batch.answers[i]["company"]: (batch.stage_codes[i], batch.cities[i], batch.regions[i])
        for i in range(len(batch))
    }
    assert found == {
        "Loiret SA": ("pithiviers", "Pithiviers", CENTRE),
        "Ardèche SARL": ("aubenas", None, None),  # only the stages file knows it
        "Creusot SAS": ("le-creusot", "Le Creusot", None),
        "Sans étape": (None, None, None),
    }


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_wide_csv_names_the_region_after_the_city(both: Both, backend: str) -> None:
    frame = read_csv(run(both, both.targets()[backend]).stdout_bytes)
    assert list(frame.columns) == META + QUESTIONS
    assert stage_cells(frame, "stage_code", "stage_city", "stage_region") == EXPECTED


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_french_excel_and_the_bom_carry_it_with_its_accents(both: Both, backend: str) -> None:
    target = both.targets()[backend]
    excel = run(both, target, "--excel").stdout_bytes
    assert excel.startswith(
        b"\xef\xbb\xbfresponse_key;stage_code;stage_city;stage_region;stage_territory;stage_date;"
        b"channel;flow_id;"
    )
    plain = run(both, target, "--bom").stdout_bytes
    assert plain.startswith(b"\xef\xbb\xbfresponse_key,stage_code,stage_city,stage_region,")
    for data, sep in ((excel, ";"), (plain, ",")):
        frame = read_csv(data, sep=sep, encoding="utf-8-sig")
        assert list(frame.columns) == META + QUESTIONS
        assert stage_cells(frame, "stage_code", "stage_city", "stage_region") == EXPECTED


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_long_layout_repeats_it_on_every_row(both: Both, backend: str) -> None:
    frame = read_csv(run(both, both.targets()[backend], "--layout", "long").stdout_bytes)
    assert list(frame.columns) == LONG
    companies = frame[frame["question_id"] == "company"].set_index("response_key")["value"]
    regions = frame.groupby("response_key")["stage_region"].unique().map(list)
    assert {companies[key]: found for key, found in regions.items()} == {
        company: [region] for company, (_, _, region) in EXPECTED.items()
    }


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_workbook_has_the_column(both: Both, backend: str, tmp_path: Path) -> None:
    xlsx = tmp_path / f"{backend}.xlsx"
    run(both, both.targets()[backend], "--xlsx", xlsx)
    book = openpyxl.load_workbook(io.BytesIO(xlsx.read_bytes()), read_only=True)
    rows = list(book["responses"].iter_rows(values_only=True))
    assert list(rows[0]) == META + QUESTIONS
    at = {name: i for i, name in enumerate(rows[0])}
    found = {
        row[at["company"]]: tuple(row[at[n]] for n in ("stage_code", "stage_city", "stage_region"))
        for row in rows[1:]
    }
    # The workbook's empty cells are empty (None), not "".
    assert found == {
        company: tuple(cell or None for cell in cells) for company, cells in EXPECTED.items()
    }
    described = [row[0] for row in book["codebook"].iter_rows(min_row=2, values_only=True)]
    assert described == META + QUESTIONS


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_pandas_reads_it_as_text_like_the_city(both: Both, backend: str) -> None:
    """`load_responses` has no stages file: a stage the database does not know has no city
    and no region there, as `stage_city` already had none."""
    frame = load_responses(both.targets()[backend], MINI, status="all")
    assert list(frame.columns) == META + QUESTIONS
    assert str(frame["stage_region"].dtype) == str(frame["stage_city"].dtype) == "string"
    regions = frame.set_index("company")["stage_region"]
    assert regions["Loiret SA"] == CENTRE
    assert pd.isna(regions["Creusot SAS"]) and pd.isna(regions["Sans étape"])
    assert pd.isna(regions["Ardèche SARL"])
    long = load_responses(both.targets()[backend], MINI, status="all", layout="long")
    assert list(long.columns) == LONG
    assert str(long["stage_region"].dtype) == "string"


def test_the_options_give_a_stage_the_database_does_not_know_its_region(
    both: Both, mini: Flow
) -> None:
    """What the command and the organisers' /export pass from the stages file."""
    options = ExportOptions(status="all", cities={"aubenas": "Aubenas"}, regions={"aubenas": ARA})
    frame = read_csv(export_csv(both.path, mini, options).data)
    assert stage_cells(frame, "stage_code", "stage_city", "stage_region") == EXPECTED
    long = ExportOptions(layout=Layout.LONG, status="all", regions={"aubenas": ARA})
    rows = read_csv(export_csv(both.path, mini, long).data)
    assert set(rows[rows["stage_code"] == "aubenas"]["stage_region"]) == {ARA}


def test_the_codebook_describes_it(both: Both, mini: Flow) -> None:
    for layout in ("wide", "long"):
        book = load_codebook(mini, both.path, layout=layout).set_index("column")
        row = book.loc["stage_region"]
        assert row["kind"] == "metadata" and row["codes_and_labels"] == ""
        assert row["note"].startswith("Region of the stage")
    wide = load_codebook(mini, both.path)
    assert list(wide["column"])[:5] == META[:5]


def test_sqlite_and_postgresql_give_the_same_bytes(both: Both, tmp_path: Path) -> None:
    forms = {
        "wide": (),
        "excel": ("--excel",),
        "bom": ("--bom",),
        "long": ("--layout", "long"),
    }
    for name, flags in forms.items():
        made = {}
        for backend, target in both.targets().items():
            book = tmp_path / f"{backend}-{name}-codebook.csv"
            data = run(both, target, *flags, "--codebook", book).stdout_bytes
            made[backend] = (data, book.read_bytes())
        assert made["postgresql"] == made["sqlite"], name
        assert ARA.encode() in made["sqlite"][0], name
