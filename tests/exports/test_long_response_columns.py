"""The long layout says, on each row, where its response stands and which version its answer
was given on: `response_status` and `answer_flow_version`, after the nine columns it had.

Found by an analyst's walk through the exports: after `--status all` nothing in the long
file told a finished respondent from one who stopped half-way (its `status` is the
answer's, answered or skipped, where the wide file's is the response's), and the
codebook's advice for a question asked differently by two versions ("read the column
with flow_version") could not be followed, the long file holding no version at all.
Through the real `surveybot export`, on SQLite files and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import secrets
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from conversation import Conversation, Person
from exports import load_codebook
from flows import Flow, StageDef
from organiser import read_stats
from storage import Channel, Store, SurveyStore, open_store
from tests.conftest import MINI, Clock
from tests.conversation.conftest import RESUME, Chat, mini_to
from tests.exports.conftest import MINI_V2, Filled, by_key, invoke, read_csv
from tests.exports.test_carried_over_choices import finish
from tests.exports.test_postgres_exports import Keys

NINE = [
    "response_key",
    "stage_code",
    "stage_region",
    "channel",
    "question_id",
    "value",
    "other_text",
    "answered_at",
    "status",
]
"""The long layout's columns before these two were added, in their order: unchanged."""
LONG = [
    *NINE,
    "response_status",
    "answer_flow_version",
    "flow_id",
    "stage_city",
    "stage_territory",
    "stage_date",
]


def long_export(db: Path | str, *args: str | Path) -> pd.DataFrame:
    """`surveybot export --layout long --status all ARGS` of mini.yaml, read back."""
    result = invoke("--db", db, "--flow", MINI, "--layout", "long", "--status", "all", *args)
    assert result.exit_code == 0, result.stderr
    return read_csv(result.stdout_bytes, sep=";" if "--excel" in args else ",")


def test_each_row_says_its_responses_status_beside_its_answers(filled: Filled) -> None:
    rows = long_export(filled.path)

    assert list(rows.columns) == LONG
    statuses = dict(zip(rows["response_key"], rows["response_status"], strict=True))
    assert statuses == {
        filled.acme.key: "completed",
        filled.minus.key: "completed",
        filled.partial.key: "in_progress",
        filled.asia.key: "completed",
    }
    # `status` keeps its meaning: the answer's.
    assert set(rows["status"]) == {"answered", "skipped"}
    assert set(rows["answer_flow_version"]) == {"1"}
    # Keeping the finished responses' rows gives the default export's rows.
    finished = rows[rows["response_status"] == "completed"].reset_index(drop=True)
    plain = invoke("--db", filled.path, "--flow", MINI, "--layout", "long")
    assert plain.exit_code == 0, plain.stderr
    pd.testing.assert_frame_equal(finished, read_csv(plain.stdout_bytes))


async def test_the_drop_off_counts_the_long_rows_of_every_response(
    filled: Filled, store: Store, mini: Flow
) -> None:
    rows = long_export(filled.path, "--include-personal")
    stats = await read_stats(store, flow=mini, stages=[], today=dt.date(2019, 6, 3))

    for reach in stats.questions:
        own = rows[rows["question_id"] == reach.question_id]
        # Reached: answered, skipped, or on screen when the respondent stopped (no row yet).
        standing = 1 if reach.question_id == "staff" else 0  # where `partial` stopped
        assert reach.reached == len(own) + standing, reach.question_id
        assert reach.answered == int((own["status"] == "answered").sum()), reach.question_id
    assert set(rows[rows["response_status"] == "in_progress"]["response_key"]) == {
        filled.partial.key
    }


def test_the_excel_csv_the_workbook_and_the_codebook_agree(filled: Filled, tmp_path: Path) -> None:
    book, workbook = tmp_path / "codebook.csv", tmp_path / "answers.xlsx"
    rows = long_export(filled.path, "--excel", "--codebook", book, "--xlsx", workbook, "-o", "-")
    plain = long_export(filled.path)

    # From bytes: a read-only workbook opened by path keeps its file open (a ResourceWarning).
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.read_bytes()), read_only=True)["responses"]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == list(rows.columns) == LONG
    two = slice(len(NINE), len(NINE) + 2)  # response_status, answer_flow_version
    assert [r[two] for r in cells[1:]] == [
        [status, int(version)]
        for status, version in zip(
            plain["response_status"], plain["answer_flow_version"], strict=True
        )
    ]
    assert rows[LONG[two]].equals(plain[LONG[two]])

    described = read_csv(book.read_bytes(), sep=";").set_index("column")
    assert described.loc["response_status", "codes_and_labels"].startswith("completed=")
    assert "wide layout calls status" in described.loc["response_status", "note"]
    assert "answer's status, not the response's" in described.loc["status", "note"]
    assert "read value with this column" in described.loc["answer_flow_version", "note"]
    assert list(described.index[: len(LONG)]) == LONG


def test_pandas_reads_the_two_columns(filled: Filled) -> None:
    from exports import load_responses

    frame = load_responses(filled.path, MINI, status="all", layout="long")
    assert list(frame.columns) == LONG
    assert str(frame["answer_flow_version"].dtype) == "Int64"
    assert set(frame["response_status"]) == {"completed", "in_progress"}
    book = load_codebook(MINI, filled.path, layout="long").set_index("column")
    assert book.loc["answer_flow_version", "kind"] == "metadata"


def test_each_row_names_its_questionnaire_and_town_for_files_put_together(
    filled: Filled,
) -> None:
    """Two questionnaires' long files stacked share question ids ("role"): flow_id tells
    them apart; stage_city names the town without a join on the stages file."""
    from exports import load_responses

    rows = long_export(filled.path)
    assert set(rows["flow_id"]) == {"mini"}
    towns = dict(zip(rows["response_key"], rows["stage_city"].fillna(""), strict=True))
    wide = load_responses(filled.path, MINI, status="all")
    assert towns == dict(zip(wide["response_key"], wide["stage_city"].fillna(""), strict=True))
    assert "Pithiviers" in towns.values()
    frame = load_responses(filled.path, MINI, status="all", layout="long")
    assert set(frame["flow_id"]) == {"mini"}


async def carry_over(target: Path | str, mini: Flow, mini_v2: Flow, stages: list[StageDef]) -> None:
    """Ana and Bob answer version 1 up to `share`; version 2 comes; Ana resumes and
    finishes, Bob resumes and stops. Their first answers stay on version 1."""
    clock = Clock()
    store: SurveyStore = await open_store(target)
    deliveries = itertools.count(1)
    try:

        async def running(flow: Flow) -> Conversation:
            conversation = Conversation(store, flow, stages, clock=lambda: clock.now)
            await conversation.sync_with_files()
            return conversation

        first = await running(mini)
        ana, bob = (
            Chat(first, Person(Channel.TELEGRAM, name, "fr"), deliveries, clock)
            for name in ("ana", "bob")
        )
        for person in (ana, bob):
            await mini_to(person, "share")
        second = await running(mini_v2)
        for person in (ana, bob):
            person.conversation = second
            await person.start()
            await person.press(RESUME)
        await finish(ana)
    finally:
        await store.close()


async def test_an_answer_carried_over_keeps_its_version_alike_on_sqlite_and_postgresql(
    db_path: Path,
    postgres_url: str,
    mini: Flow,
    mini_v2: Flow,
    bundled_stages: list[StageDef],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keys = Keys()
    monkeypatch.setattr(secrets, "token_hex", keys)
    files = {}
    for name, target in (("sqlite", db_path), ("postgres", postgres_url)):
        keys.reset()
        await carry_over(target, mini, mini_v2, bundled_stages)
        result = invoke(
            "--db", target, "--flow", MINI_V2, "--layout", "long", "--status", "all", "--excel"
        )
        assert result.exit_code == 0, result.stderr
        files[name] = result.stdout_bytes
    assert files["postgres"] == files["sqlite"]

    rows = read_csv(files["sqlite"], sep=";")
    assert list(rows.columns) == LONG
    wide = invoke("--db", db_path, "--flow", MINI_V2, "--status", "all")
    responses = by_key(read_csv(wide.stdout_bytes))
    assert {row["flow_version"] for row in responses.values()} == {"2"}
    ana, bob = (
        next(key for key, row in responses.items() if row["status"] == status)
        for status in ("completed", "in_progress")
    )
    version = {
        (row["response_key"], row["question_id"]): (row["response_status"], row["answer_flow_version"])
        for row in rows.to_dict("records")
    }  # fmt: skip
    # Given on version 1 and kept: version 1, though the response is on version 2 now.
    assert version[ana, "markets"] == version[ana, "sector"] == ("completed", "1")
    assert version[ana, "share"] == version[ana, "ideas"] == ("completed", "2")
    assert version[bob, "markets"] == ("in_progress", "1")
    assert {v for (key, _), v in version.items() if key == bob} == {("in_progress", "1")}


def test_the_wide_layout_is_as_it_was(filled: Filled) -> None:
    result = invoke("--db", filled.path, "--flow", MINI, "--status", "all")
    header = read_csv(result.stdout_bytes).columns
    assert "response_status" not in header and "answer_flow_version" not in header
    assert list(header[:14])[-4:] == ["status", "started_at", "completed_at", "duration_seconds"]
