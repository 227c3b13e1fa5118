"""An export's columns depend on the flow and the data kept, never on the filters.

A tour answered on three versions of a flow, at three stages: version 1
asked `staff` and `ideas` (at Pithiviers only; `ideas` answered once, skipped twice), version 2 offered `africa`
among the markets (at Le Creusot only); version 3, the current file, has
none of them. One export per workshop, per status or per version, or one
matching nothing, has the same header, and the codebook the same rows, on
SQLite and on PostgreSQL: through the command, the workbook and pandas. An
analyst binding the files of each workshop (R's rbind) finds the same columns.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from conversation import keep_flow_versions
from exports import ExportOptions, export_csv, load_codebook, load_responses
from flows import Flow, load_flow
from storage import open_store
from tests.conftest import Clock
from tests.exports.conftest import MINI_V2, SKIP, STAGES, Survey, invoke, read_csv

COMMON = {"company": "Acme", "sector": "services", "exports": "yes", "share": 10}
COMMON |= {"importance": 2, "obstacles": ["cost", "time"]}


@dataclass(frozen=True)
class Tour:
    """The database (a SQLite file or a PostgreSQL URL) and the current flow file."""

    target: str | Path
    v3: Flow
    v3_path: Path
    old: str
    """The key of the response on version 1 (Pithiviers)."""


def version_3(tmp_path: Path) -> Path:
    """mini_v2.yaml as version 3: no `ideas`, and `africa` no longer offered."""
    text = MINI_V2.read_text(encoding="utf-8").replace("version: 2", "version: 3")
    africa = "          - {code: africa, label: {fr: Afrique, en: Africa}}\n"
    ideas = (
        "      - id: ideas\n        type: long_text\n"
        '        text: {fr: "Idées ?", en: "Ideas?"}\n        required: false\n'
    )
    assert africa in text and ideas in text
    path = tmp_path / "mini_v3.yaml"
    path.write_text(text.replace(africa, "").replace(ideas, ""), encoding="utf-8")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return tmp_path / "tour.sqlite3"


@pytest.fixture
async def tour(
    target: str | Path, mini: Flow, mini_v2: Flow, clock: Clock, tmp_path: Path
) -> AsyncIterator[Tour]:
    """Each version recorded as the bot does at start, then answered through the engine."""
    v3_path = version_3(tmp_path)
    v3 = load_flow(v3_path)
    store: Any = await open_store(target)
    try:
        await store.sync_stages(STAGES)
        survey = Survey(store, clock)
        await keep_flow_versions(store, [mini], now=clock.tick())
        old = await survey.respond(
            mini, COMMON | {"staff": 12, "markets": ["eu"], "ideas": "Plus de liens"}
        )
        for staff in (5, 6):  # `ideas` skipped: a row of its own in the long layout
            await survey.respond(mini, COMMON | {"staff": staff, "markets": ["eu"], "ideas": SKIP})
        await keep_flow_versions(store, [mini_v2], now=clock.tick())
        await survey.respond(
            mini_v2,
            COMMON | {"margin": 7.5, "markets": ["africa", "eu"], "ideas": "Rien"},
            stage="le-creusot",
        )
        await survey.respond(mini_v2, {"company": "Partial"}, stage="aubenas")
        await keep_flow_versions(store, [v3], now=clock.tick())
        await survey.respond(
            v3, COMMON | {"margin": 3, "markets": ["asia"]}, stage="aubenas", lang="en"
        )
    finally:
        await store.close()
    yield Tour(target, v3, v3_path, old.key)


FILTERS = {
    "pithiviers": ExportOptions(status="all", stages=("pithiviers",)),
    "le-creusot": ExportOptions(status="all", stages=("le-creusot",)),
    "aubenas": ExportOptions(status="all", stages=("aubenas",)),
    "completed": ExportOptions(),
    "in progress": ExportOptions(status="in_progress"),
    "current version": ExportOptions(status="all", flow_versions=(3,)),
    "version 2": ExportOptions(status="all", flow_versions=(2,)),
    "web only (none)": ExportOptions(status="all", channels=("web",)),
    "a day with none": ExportOptions(status="all", since=dt.date(2030, 1, 1)),
}


def header(data: bytes) -> list[str]:
    return list(read_csv(data).columns)


def test_every_filter_gives_the_columns_of_the_whole_database(tour: Tour) -> None:
    everything = export_csv(tour.target, tour.v3, ExportOptions(status="all"), codebook=True)
    columns = header(everything.data)
    # What only older versions had comes last, and is there whichever rows are picked.
    assert columns[-2:] == ["staff", "ideas"]
    assert "markets__africa" in columns
    assert list(read_csv(everything.codebook or b"")["column"]) == columns
    for name, options in FILTERS.items():
        exported = export_csv(tour.target, tour.v3, options, codebook=True)
        assert header(exported.data) == columns, name
        assert exported.result.columns == tuple(columns), name
        assert list(read_csv(exported.codebook or b"")["column"]) == columns, name
    # The older question keeps its older version's description, filtered or not.
    book = read_csv(
        export_csv(tour.target, tour.v3, FILTERS["aubenas"], codebook=True).codebook or b""
    )
    staff = book.set_index("column").loc["staff"]
    assert staff["kind"] == "number" and "answered on flow version 1" in staff["note"]


def test_one_file_per_workshop_through_the_command(tour: Tour, tmp_path: Path) -> None:
    """`surveybot export --stage X` for each workshop, and one matching nothing: the CSV,
    codebook and workbook of each have the same columns, as an R script binding them needs."""
    headers: dict[str, tuple[list[str], ...]] = {}
    runs = {stage.code: ("--stage", stage.code) for stage in STAGES}
    runs["none"] = ("--since", "2030-01-01")
    for name, flags in runs.items():
        out, book, xlsx = (tmp_path / f"{name}{suffix}" for suffix in (".csv", "-cb.csv", ".xlsx"))
        result = invoke("--db", tour.target, "--flow", tour.v3_path, "--status", "all", *flags,
                        "-o", out, "--codebook", book, "--xlsx", xlsx)  # fmt: skip
        assert result.exit_code == 0, result.stderr
        workbook = openpyxl.load_workbook(io.BytesIO(xlsx.read_bytes()), read_only=True)
        sheet = next(workbook["responses"].iter_rows(max_row=1, values_only=True))
        described = [row[0] for row in workbook["codebook"].iter_rows(min_row=2, values_only=True)]
        headers[name] = (
            header(out.read_bytes()),
            list(read_csv(book.read_bytes())["column"]),
            list(sheet),
            described,
        )
    first = headers["pithiviers"][0]
    assert first[-2:] == ["staff", "ideas"]
    for name, found in headers.items():
        assert all(columns == first for columns in found), name


def test_pandas_has_the_same_columns_whatever_the_filters(tour: Tour) -> None:
    frames = {
        name: load_responses(tour.target, tour.v3, status="all", stage=stage)
        for name, stage in (("all", None), ("pithiviers", "pithiviers"), ("aubenas", "aubenas"))
    }
    frames["none"] = load_responses(tour.target, tour.v3, since="2030-01-01")
    columns = list(frames["all"].columns)
    assert columns[-2:] == ["staff", "ideas"]
    for name, frame in frames.items():
        assert list(frame.columns) == columns, name
        # The older number stays a number where no row holds one.
        assert str(frame["staff"].dtype) == "Int64", name
    assert frames["pithiviers"].set_index("response_key").loc[tour.old, "staff"] == 12
    assert pd.isna(frames["aubenas"]["staff"]).all()
    assert list(load_codebook(tour.v3, tour.target)["column"]) == columns


def test_an_older_choice_keeps_its_column_in_every_file(tour: Tour, tmp_path: Path) -> None:
    book = tmp_path / "codebook.csv"
    result = invoke("--db", tour.target, "--flow", tour.v3_path, "--stage", "pithiviers",
                    "--codebook", book)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "markets__africa" in read_csv(result.stdout_bytes).columns
    notes = read_csv(book.read_bytes()).set_index("column")
    assert "A choice of an older version" in notes.loc["markets__africa", "note"]


def test_the_long_layout_lists_older_questions_in_the_wide_order(
    tour: Tour, tmp_path: Path
) -> None:
    """`staff` then `ideas`, as the wide layout and the codebook have them (not by name):
    in the long CSV's rows, its codebook and the pandas categories of `question_id`."""
    wide = header(export_csv(tour.target, tour.v3, ExportOptions(status="all")).data)
    assert wide[-2:] == ["staff", "ideas"]
    out, book = tmp_path / "long.csv", tmp_path / "codebook.csv"
    result = invoke("--db", tour.target, "--flow", tour.v3_path, "--status", "all",
                    "--layout", "long", "-o", out, "--codebook", book)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    long = read_csv(out.read_bytes())
    assert list(long[long["response_key"] == tour.old]["question_id"])[-2:] == ["staff", "ideas"]
    codebook = read_csv(book.read_bytes())
    described = [q for q in codebook[codebook["column"] == "value"]["question_id"] if q]
    assert described[-2:] == ["staff", "ideas"]
    # Every response that skipped the older question has its row, not only the first.
    skipped = long[(long["question_id"] == "ideas") & (long["status"] == "skipped")]
    assert len(skipped) == 2
    # Each response's rows follow the codebook's order.
    for _, rows in long.groupby("response_key"):
        places = [described.index(q) for q in rows["question_id"]]
        assert places == sorted(places)

    frame = load_responses(tour.target, tour.v3, status="all", layout="long")
    assert list(frame["question_id"].cat.categories) == described
    assert frame["question_id"].astype(str).tolist() == list(long["question_id"])
