"""Exports, stats and the pandas API on PostgreSQL: the same files as from SQLite, byte for byte.

The same respondents answer through the engine and the store API into a
SQLite file and into a PostgreSQL database (the harness's real server), with
the same clock and the same response keys; every export of both must then be
identical. A snapshot on PostgreSQL holds one state while the bot writes.
These tests skip, saying why, where PostgreSQL cannot run.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import click
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from bot.cli.organiser import stats
from exports import ExportOptions, Layout, export_csv, load_codebook, load_responses, run_export
from flows import Flow, load_flow
from storage import (
    AnswerInput,
    ResponseStatus,
    StorageError,
    SurveyStore,
    open_snapshot,
    open_store,
)
from tests.conftest import MINI, Clock
from tests.exports.conftest import (
    STAGES,
    STAGES_FILE,
    Survey,
    fill,
    invoke,
    read_csv,
)
from tests.exports.test_untagged import untagged_row
from tests.support.postgres import PgPeek


class Keys:
    """Response keys in a known sequence, so both backends give each response the same key
    (with a letter, as a drawn key has: one that reads as a number is drawn again)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._numbers = itertools.count(1)

    def __call__(self, nbytes: int | None = None) -> str:
        return f"a{next(self._numbers):0{2 * (nbytes or 8) - 1}x}"


@dataclass(frozen=True)
class Both:
    """One survey's responses in a SQLite file and in a PostgreSQL database."""

    path: Path
    url: str
    keys: tuple[str, ...]


@pytest.fixture
async def pg_store(postgres_url: str) -> AsyncIterator[SurveyStore]:
    store = await open_store(postgres_url)
    try:
        await store.sync_stages(STAGES)
        yield store
    finally:
        await store.close()


async def play(survey: Survey, mini: Flow, mini_v2: Flow) -> list[str]:
    """The export tests' respondents, and one more on version 2 of the flow; their keys."""
    responses = [*await fill(survey, mini)]
    responses.append(
        await survey.respond(
            mini_v2,
            {"company": "New", "margin": 7.5, "sector": "services", "exports": "yes"}
            | {"markets": ["africa", "eu"], "share": 10, "importance": 2}
            | {"obstacles": ["cost", "time"], "ideas": "Rien"},
            stage="le-creusot",
        )
    )
    return [response.key for response in responses]


@pytest.fixture
async def both(
    survey: Survey,
    pg_store: SurveyStore,
    db_path: Path,
    postgres_url: str,
    mini: Flow,
    mini_v2: Flow,
    monkeypatch: pytest.MonkeyPatch,
) -> Both:
    keys = Keys()
    monkeypatch.setattr(secrets, "token_hex", keys)
    on_sqlite = await play(survey, mini, mini_v2)
    keys.reset()
    on_postgres = await play(Survey(pg_store, Clock()), mini, mini_v2)
    assert on_sqlite == on_postgres
    return Both(db_path, postgres_url, tuple(on_sqlite))


OPTIONS = {
    "wide": ExportOptions(),
    "wide-all-labels-excel": ExportOptions(status="all", labels=True, joined=True, excel=True),
    "wide-english": ExportOptions(status="all", lang="en", labels=True),
    "long": ExportOptions(layout=Layout.LONG, status="all"),
    "long-labels": ExportOptions(layout=Layout.LONG, labels=True, excel=True),
    "filtered": ExportOptions(
        status="all",
        stages=("pithiviers", "le-creusot"),
        channels=("telegram", "web"),
        since=dt.date(2019, 6, 3),
        until=dt.date(2019, 6, 3),
        flow_versions=(1,),
    ),
    "small-batches": ExportOptions(status="all", batch_size=1),
    "untagged": ExportOptions(status="all", untagged=True),
    "untagged-and-a-stage": ExportOptions(
        status="all", untagged=True, stages=("le-creusot",), channels=("web", "terminal")
    ),
}


@pytest.mark.parametrize("name", list(OPTIONS))
@pytest.mark.parametrize("version", [1, 2])
def test_csv_and_codebook_are_the_same_bytes(
    both: Both, mini: Flow, mini_v2: Flow, name: str, version: int
) -> None:
    flow = mini if version == 1 else mini_v2
    from_sqlite = export_csv(both.path, flow, OPTIONS[name], codebook=True)
    from_postgres = export_csv(both.url, flow, OPTIONS[name], codebook=True)
    assert from_sqlite.result.responses > 0
    assert from_postgres.data == from_sqlite.data
    assert from_postgres.codebook == from_sqlite.codebook
    assert from_postgres.result == from_sqlite.result


V3 = """\
id: mini
version: 3
title: {fr: Mini, en: Mini}
languages: [fr, en]
sections:
  - id: about
    title: {fr: Entreprise, en: Company}
    steps:
      - id: company
        type: text
        text: {fr: "Nom ?", en: "Name?"}
"""


def test_questions_of_older_versions_come_in_the_same_order(both: Both, tmp_path: Path) -> None:
    """A flow that kept one question: every other column comes from the stored answers."""
    (tmp_path / "v3.yaml").write_text(V3, encoding="utf-8")
    v3 = load_flow(tmp_path / "v3.yaml")
    options = ExportOptions(status="all", joined=True)
    from_sqlite = export_csv(both.path, v3, options, codebook=True)
    header = set(read_csv(from_sqlite.data).columns)
    assert {"staff", "sector", "margin", "ideas"} <= header  # none of them in the flow file
    from_postgres = export_csv(both.url, v3, options, codebook=True)
    assert from_postgres.data == from_sqlite.data
    assert from_postgres.codebook == from_sqlite.codebook


def test_workbook_holds_the_same_cells(both: Both, mini_v2: Flow) -> None:
    def cells(target: Path | str) -> dict[str, list[tuple[object, ...]]]:
        stream = io.BytesIO()
        run_export(target, mini_v2, ExportOptions(status="all"), xlsx=stream)
        book = openpyxl.load_workbook(stream)
        return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}

    from_sqlite = cells(both.path)
    assert len(from_sqlite["responses"]) == 1 + len(both.keys)
    assert cells(both.url) == from_sqlite


@pytest.mark.parametrize("layout", ["wide", "long"])
def test_pandas_gives_the_same_frame(both: Both, mini: Flow, layout: str) -> None:
    from_sqlite = load_responses(both.path, mini, status="all", layout=layout)
    from_postgres = load_responses(both.url, mini, status="all", layout=layout)
    assert len(from_sqlite) > 0
    pd.testing.assert_frame_equal(from_postgres, from_sqlite)
    pd.testing.assert_frame_equal(
        load_codebook(mini, db=both.url), load_codebook(mini, db=both.path)
    )


def test_the_command_line_exports_the_same_bytes(both: Both, tmp_path: Path) -> None:
    files = {}
    for name, target in (("sqlite", both.path), ("postgres", both.url)):
        (tmp_path / name).mkdir()
        book = tmp_path / name / "codebook.csv"
        result = invoke(
            "--db", target, "--flow", MINI, "--status", "all", "--excel", "--codebook", book
        )
        assert result.exit_code == 0, result.stderr
        said = result.stderr.replace(str(tmp_path / name), "DIR")
        files[name] = (result.stdout_bytes, book.read_bytes(), said)
    assert files["postgres"] == files["sqlite"]
    assert "exported 5 responses" in files["sqlite"][2]


def test_stats_says_the_same(both: Both) -> None:
    @click.group()
    def group() -> None:
        """A stand-in for the `surveybot` group."""

    group.add_command(stats)
    outputs = []
    for target in (both.path, both.url):
        result = CliRunner().invoke(
            group,
            [
                *("stats", "--db", str(target), "--flow", str(MINI)),
                *("--stages", str(STAGES_FILE), "--day", "2019-06-03"),
            ],
        )
        assert result.exit_code == 0, result.output
        outputs.append(result.stdout)
    assert outputs[1] == outputs[0]
    assert "pithiviers" in outputs[0].lower()


def test_untagged_responses_are_the_stats_row_on_both(both: Both) -> None:
    exported = []
    for target in (both.path, both.url):
        result = invoke("--db", target, "--flow", MINI, "--untagged", "--status", "all")
        assert result.exit_code == 0, result.stderr
        exported.append(read_csv(result.stdout_bytes))
        started, _ = untagged_row(target)
        assert len(exported[-1]) == started == 1
    pd.testing.assert_frame_equal(exported[1], exported[0])
    assert list(exported[0]["stage_code"]) == [""]


def test_an_empty_database_is_refused_clearly(postgres_url: str, mini: Flow) -> None:
    result = invoke("--db", postgres_url, "--flow", MINI)
    assert result.exit_code == 1
    assert "has no surveybot tables" in result.stderr
    assert "Traceback" not in result.stderr


# --- the snapshot ------------------------------------------------------------------------


async def _save(store: SurveyStore, response_id: int, staff: int, clock: Clock) -> None:
    await store.save_progress(
        response_id,
        state_json="{}",
        current_step=None,
        answers={"company": AnswerInput("Changed"), "staff": AnswerInput(staff)},
        status=ResponseStatus.COMPLETED,
        now=clock.tick(),
    )


async def test_writes_during_an_export_do_not_show_in_it(
    pg_store: SurveyStore, postgres_url: str, mini: Flow, monkeypatch: pytest.MonkeyPatch
) -> None:
    survey = Survey(pg_store, Clock())
    keys = Keys()
    monkeypatch.setattr(secrets, "token_hex", keys)
    await fill(survey, mini)
    before = export_csv(postgres_url, mini, ExportOptions(status="all")).data
    where = ExportOptions(status="all").response_filter(mini.id)
    clock = Clock(dt.datetime(2019, 7, 1, tzinfo=dt.UTC))
    with open_snapshot(postgres_url) as snapshot:
        counts = snapshot.count(where)
        batches = snapshot.batches(where, size=1)
        first = next(batches)
        # The bot writes meanwhile: a new answer, a new respondent, a response finished.
        await _save(pg_store, first.ids[0], 999, clock)
        await survey.respond(mini, {"company": "Late"})
        rest = list(batches)
        assert snapshot.count(where) == counts
    seen = [first, *rest]
    assert [len(batch) for batch in seen] == [1, 1, 1, 1]  # the cursor's batches, one each
    assert all(batch.answers[0].get("staff") != 999 for batch in seen)
    after = export_csv(postgres_url, mini, ExportOptions(status="all")).data
    assert after != before and b"Late" in after and b"Late" not in before


def test_the_snapshot_refuses_to_write(both: Both, mini: Flow) -> None:
    # The connection is read-only: whatever an export did, it could not change the data.
    peek = PgPeek(both.url)
    dump = peek.dump()
    with open_snapshot(both.url) as snapshot, pytest.raises(StorageError, match="read-only"):
        snapshot._query("DELETE FROM answers", [], "delete the answers")  # type: ignore[attr-defined]
    assert peek.dump() == dump


def test_a_wrong_batch_size_is_refused_as_on_sqlite(both: Both, mini: Flow) -> None:
    where = ExportOptions().response_filter(mini.id)
    messages: list[str] = []
    for target in (both.path, both.url):
        with open_snapshot(target) as snapshot, pytest.raises(StorageError) as caught:
            next(snapshot.batches(where, size=0))
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
