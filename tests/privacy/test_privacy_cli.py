"""`erase` and `purge` through click's test runner: exit codes, data on stdout, messages on stderr.

The commands are registered on a fresh group here, as `bot.cli` registers them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from bot.cli.privacy import erase
from bot.cli.purge import purge
from storage import AnswerInput, ResponseStatus, Store, encode_time
from tests.support.sqlite import open_sqlite


@click.group()
def group() -> None:
    """A stand-in for the `surveybot` group."""


group.add_command(erase)
group.add_command(purge)

NOW = dt.datetime.now(dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run from an empty folder (no .env) with no SURVEYBOT_* variable set."""
    for name in list(os.environ):
        if name.startswith("SURVEYBOT_"):
            monkeypatch.delenv(name)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    yield work


async def _fill(path: Path) -> None:
    async with await Store.open(path) as store:

        async def person(
            telegram_id: int,
            *,
            started: dt.datetime,
            updated: dt.datetime | None = None,
            status: ResponseStatus = ResponseStatus.IN_PROGRESS,
        ) -> int:
            who = await store.ensure_respondent("telegram", str(telegram_id), now=started)
            response = await store.start_response(
                who.id,
                flow_id="tdf2019",
                flow_version=3,
                stage_code=None,
                language="fr",
                state_json="{}",
                current_step="q1",
                now=started,
            )
            await store.save_progress(
                response.id,
                state_json="{}",
                current_step="q3",
                answers={"q1": AnswerInput("oui"), "q2": AnswerInput(f"texte {telegram_id}")},
                status=status,
                now=updated or started,
            )
            return who.id

        # 111: an old unfinished response, idle for three days, and an old refusal.
        await person(111, started=NOW - 400 * DAY, updated=NOW - 3 * DAY)
        await store.record_refusal(version="v0", stage_code=None, now=NOW - 400 * DAY)
        # 222: finished long ago; 333: finished yesterday.
        await person(222, started=NOW - 400 * DAY, status=ResponseStatus.COMPLETED)
        await person(333, started=NOW - DAY, status=ResponseStatus.COMPLETED)
        # A respondent of the web chat, known only by a random id: no one can quote it.
        web = await store.ensure_respondent("web", "w-5f2e9c", now=NOW - DAY)
        await store.start_response(
            web.id,
            flow_id="tdf2019",
            flow_version=3,
            stage_code=None,
            language="fr",
            state_json="{}",
            current_step="q1",
            now=NOW - DAY,
        )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "survey.sqlite3"
    asyncio.run(_fill(path))
    return path


def invoke(*args: str | Path, input: str | None = None) -> Result:
    return CliRunner().invoke(group, [str(a) for a in args], input=input)


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def telegram_ids(path: Path) -> list[object]:
    return [
        row[0]
        for row in rows(
            path, "SELECT external_id FROM respondents WHERE channel = 'telegram' ORDER BY 1"
        )
    ]


def keys_of(path: Path, external_id: str) -> list[object]:
    sql = (
        "SELECT r.key FROM responses r JOIN respondents p ON p.id = r.respondent_id "
        f"WHERE p.external_id = '{external_id}'"
    )
    return [row[0] for row in rows(path, sql)]


# --- erase ---------------------------------------------------------------------


def test_erase_with_yes(db: Path) -> None:
    # --yes skips the question that named the keys: the last line names them, to erase
    # them again from a backup restored later.
    (key,) = keys_of(db, "111")
    result = invoke("erase", "--telegram-id", "111", "--db", db, "--yes")
    assert result.exit_code == 0, result.output
    assert result.stdout == "responses: 1\nanswers: 2\n"
    assert result.stderr == f"erased Telegram user 111 (responses {key}) from {db}\n"
    assert telegram_ids(db) == ["222", "333"]
    assert rows(db, "SELECT COUNT(*) FROM answers") == [(4,)]


def test_erase_asks_first(db: Path) -> None:
    (key,) = keys_of(db, "111")
    result = invoke("erase", "--telegram-id", "111", "--db", db, input="y\n")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        "Erase Telegram user 111 (first seen "
        f"{(NOW - 400 * DAY).date().isoformat()}): 1 response ({key}), 2 answers? "
        "This cannot be undone. [y/N]: "
    )
    assert result.stdout == "responses: 1\nanswers: 2\n"
    assert telegram_ids(db) == ["222", "333"]


@pytest.mark.parametrize("answer", ["n\n", "\n", ""], ids=["no", "default", "eof"])
def test_erase_not_confirmed_erases_nothing(db: Path, answer: str) -> None:
    before = rows(db, "SELECT * FROM answers")
    result = invoke("erase", "--telegram-id", "111", "--db", db, input=answer)
    # No (or Enter) is the organiser's choice, exit 0; no answer at all (a script without
    # --yes) is a failure, exit 1.
    assert result.exit_code == (1 if answer == "" else 0)
    assert result.stdout == ""
    said = "error: nothing was erased\n" if answer == "" else "\nnothing was erased\n"
    assert result.stderr.endswith(said)
    assert telegram_ids(db) == ["111", "222", "333"]
    assert rows(db, "SELECT * FROM answers") == before


def test_erase_unknown_respondent(db: Path) -> None:
    result = invoke("erase", "--telegram-id", "999", "--db", db, "--yes")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"error: no respondent with Telegram id 999 in {db}\n"
    assert telegram_ids(db) == ["111", "222", "333"]


def test_erase_reads_the_database_from_the_environment(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SURVEYBOT_DB", str(db))
    result = invoke("erase", "--telegram-id", "222", "--yes")
    assert result.exit_code == 0, result.output
    assert telegram_ids(db) == ["111", "333"]


def test_erase_without_a_database_creates_none(clean_env: Path) -> None:
    result = invoke("erase", "--telegram-id", "111", "--yes")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: no database at surveybot.sqlite3")
    assert list(clean_env.iterdir()) == []


def test_erase_a_web_respondent_by_their_response_key(db: Path) -> None:
    (key,) = keys_of(db, "w-5f2e9c")

    result = invoke("erase", "--response", key, "--db", db, input="y\n")

    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        f"Erase a respondent of the web chat (first seen {(NOW - DAY).date().isoformat()}): "
        f"1 response ({key}), 0 answers? This cannot be undone. [y/N]: "
    )
    assert result.stderr.endswith(
        f"erased a respondent of the web chat (responses {key}) from {db}\n"
    )
    assert result.stdout == "responses: 1\nanswers: 0\n"
    assert rows(db, "SELECT channel FROM respondents WHERE channel = 'web'") == []
    assert telegram_ids(db) == ["111", "222", "333"]


def test_erase_a_telegram_respondent_by_their_response_key(db: Path) -> None:
    (key,) = keys_of(db, "222")
    result = invoke("erase", "--response", key, "--db", db, "--yes")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"erased Telegram user 222 (responses {key}) from {db}\n"
    assert telegram_ids(db) == ["111", "333"]


# A key as copied from an e-mail: capitals, blanks; one erased already; one that cannot be.
def test_a_key_typed_in_capitals_with_blanks_erases_that_respondent(db: Path) -> None:
    (key,) = keys_of(db, "222")

    result = invoke("erase", "--response", f" {str(key).upper()} ", "--db", db, "--yes")

    assert result.exit_code == 0, result.output
    assert result.stderr == f"erased Telegram user 222 (responses {key}) from {db}\n"
    assert telegram_ids(db) == ["111", "333"]


def test_a_key_erased_already_says_it_may_have_been(db: Path) -> None:
    (key,) = keys_of(db, "222")
    assert invoke("erase", "--response", str(key), "--db", db, "--yes").exit_code == 0

    again = invoke("erase", "--response", str(key), "--db", db, "--yes")

    assert again.exit_code == 1
    assert f"no respondent with response key {key} in {db}: erased already" in again.stderr


def test_what_cannot_be_a_key_is_refused_saying_what_a_key_looks_like(
    db: Path,
) -> None:
    result = invoke("erase", "--response", "3f9c-2a7b", "--db", db, "--yes")

    assert result.exit_code == 2
    assert "'3f9c-2a7b' is not a response key: 16 characters, 0-9 and a-f" in result.stderr
    assert telegram_ids(db) == ["111", "222", "333"]


async def _second_response(path: Path, telegram_id: str) -> str:
    """A response of that person to another questionnaire; its key."""
    async with await Store.open(path) as store:
        who = await store.ensure_respondent("telegram", telegram_id, now=NOW)
        response = await store.start_response(
            who.id,
            flow_id="tdf2019_acteurs",
            flow_version=1,
            stage_code=None,
            language="fr",
            state_json="{}",
            current_step="q1",
            now=NOW,
        )
        await store.save_progress(
            response.id,
            state_json="{}",
            current_step="q2",
            answers={"q1": AnswerInput("non")},
            status=ResponseStatus.IN_PROGRESS,
            now=NOW,
        )
        return response.key


def test_erase_one_response_only_keeps_the_persons_others(db: Path) -> None:
    # A response the bot's log names as erased by a notice declined, back with a backup.
    (kept,) = keys_of(db, "111")
    erased = asyncio.run(_second_response(db, "111"))

    result = invoke("erase", "--response", erased, "--response-only", "--db", db, input="y\n")

    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        f"Erase response {erased} of Telegram user 111 (1 answer), keeping their "
        "1 other response? This cannot be undone. [y/N]: "
    )
    assert result.stderr.endswith(f"erased response {erased} of Telegram user 111 from {db}\n")
    assert result.stdout == "responses: 1\nanswers: 1\n"
    assert keys_of(db, "111") == [kept]
    assert telegram_ids(db) == ["111", "222", "333"]


def test_erase_the_only_response_says_the_person_goes_too(db: Path) -> None:
    (key,) = keys_of(db, "111")

    result = invoke("erase", "--response", key, "--response-only", "--db", db, input="y\n")

    assert result.exit_code == 0, result.output
    assert "of Telegram user 111 (2 answers), their only one: their record goes with it?" in (
        result.stderr
    )
    assert result.stderr.endswith(
        f"erased response {key} of Telegram user 111 and their record from {db}\n"
    )
    assert telegram_ids(db) == ["222", "333"]


def test_response_only_needs_a_response_key(db: Path) -> None:
    result = invoke("erase", "--telegram-id", "111", "--response-only", "--db", db, "--yes")
    assert result.exit_code == 2
    assert "--response-only erases the response --response KEY names" in result.stderr
    assert telegram_ids(db) == ["111", "222", "333"]


def test_erase_an_unknown_response_key(db: Path) -> None:
    result = invoke("erase", "--response", "0123456789abcdef", "--db", db, "--yes")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: no respondent with response key 0123456789abcdef in {db}: erased already "
        "(by this command, /delete or the web page), or not a key of this database\n"
    )
    assert len(rows(db, "SELECT * FROM respondents")) == 4


@pytest.mark.parametrize(
    ("naming", "said"),
    [
        ([], "name the respondent by --telegram-id ID or --response KEY"),
        (
            ["--telegram-id", "111", "--response", "0123456789abcdef"],
            "give --telegram-id ID or --response KEY, not both",
        ),
    ],
    ids=["none", "both"],
)
def test_erase_needs_one_way_to_name_the_respondent(db: Path, naming: list[str], said: str) -> None:
    result = invoke("erase", *naming, "--db", db, "--yes")
    assert result.exit_code == 2
    assert said in result.stderr
    assert len(rows(db, "SELECT * FROM respondents")) == 4


@pytest.mark.parametrize("value", ["abc", "0", "-5"])
def test_erase_bad_id_is_misuse(db: Path, value: str) -> None:
    result = invoke("erase", "--telegram-id", value, "--db", db, "--yes")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert telegram_ids(db) == ["111", "222", "333"]


# --- purge ---------------------------------------------------------------------


def test_purge(db: Path) -> None:
    result = invoke("purge", "--older-than", "365", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.stdout == ("responses: 2\nanswers: 4\nconsent_refusals: 1\nrespondents: 2\n")
    assert result.stderr.startswith("deleted what was started before ")
    assert telegram_ids(db) == ["333"]
    assert rows(db, "SELECT COUNT(*) FROM answers") == [(2,)]


def test_purge_with_abandon(db: Path) -> None:
    result = invoke("purge", "--older-than", "500", "--abandon-after-days", "2", "--db", db)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "responses: 0\nanswers: 0\nconsent_refusals: 0\nrespondents: 0\nabandoned: 1\n"
    )
    assert rows(
        db,
        "SELECT r.status FROM responses r JOIN respondents p "
        "ON p.id = r.respondent_id WHERE p.external_id = '111'",
    ) == [("abandoned",)]
    # Idle for three days: not yet at four.
    again = invoke("purge", "--older-than", "500", "--abandon-after-days", "4", "--db", db)
    assert again.stdout.endswith("abandoned: 0\n")


def test_purge_dry_run_changes_nothing(db: Path) -> None:
    conn = sqlite3.connect(db)
    before = list(conn.iterdump())
    conn.close()
    result = invoke(
        "purge", "--older-than", "365", "--abandon-after-days", "2", "--db", db, "--dry-run"
    )
    assert result.exit_code == 0, result.output
    # 111's response is idle, but started over a year ago: deleted, not also counted as closed.
    assert result.stdout == (
        "responses: 2\nanswers: 4\nconsent_refusals: 1\nrespondents: 2\nabandoned: 0\n"
    )
    assert result.stderr.startswith("dry run: nothing changed")
    # What it does not count is said, not left for the real run to surprise with.
    assert result.stderr.rstrip().endswith(
        "close as abandoned; it would also delete, uncounted here, the Telegram updates "
        "handled over 5 minutes ago and the typed answers the web chat refused over 2 "
        "minutes ago"
    )
    conn = sqlite3.connect(db)
    assert list(conn.iterdump()) == before
    conn.close()
    # And the real run removes exactly what the dry run counted.
    real = invoke("purge", "--older-than", "365", "--abandon-after-days", "2", "--db", db)
    assert real.stdout == result.stdout


def test_purge_without_a_database_creates_none(clean_env: Path) -> None:
    result = invoke("purge", "--older-than", "30")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no database at surveybot.sqlite3")
    assert list(clean_env.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--older-than", "0"],
        ["--older-than", "many"],
        ["--older-than", "30", "--abandon-after-days", "0"],
        ["--older-than", "30", "--abandon-after", "0"],
    ],
    ids=["missing", "zero", "text", "zero-days", "zero-hours"],
)
def test_purge_misuse(db: Path, args: list[str]) -> None:
    result = invoke("purge", *args, "--db", db)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert telegram_ids(db) == ["111", "222", "333"]


# --- help ----------------------------------------------------------------------


@pytest.mark.parametrize("command", ["erase", "purge"])
def test_help_ends_with_an_example(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0
    description = result.stdout.split("Options:")[0].strip()
    assert description.splitlines()[-1].strip().startswith(f"Example: surveybot {command} ")


def test_purge_deletes_the_updates_a_stopped_bot_left_in_its_inbox(db: Path) -> None:
    """Names and texts of a bot stopped minutes after handling them: the running bot prunes
    them five minutes after they are handled, a stopped one cannot; purge does."""
    now = dt.datetime.now(dt.UTC)

    def row(update_id: int, text: str, age: dt.timedelta, done: bool) -> tuple[object, ...]:
        update = {"message": {"from": {"first_name": "Zéphyrine"}, "text": text}}
        at = encode_time(now - age)
        return update_id, json.dumps(update), at, at if done else None

    with open_sqlite(db) as conn:
        conn.executemany(
            "INSERT INTO inbox (update_id, person, update_json, received_at, done_at) "
            "VALUES (?, '999', ?, ?, ?)",
            [
                row(1, "Zorglub SARL", dt.timedelta(days=3), done=True),
                # Handled a minute ago (a batch Telegram may send again), or not yet: kept.
                row(2, "kept", dt.timedelta(minutes=1), done=True),
                row(3, "kept", dt.timedelta(days=3), done=False),
            ],
        )

    dry = invoke("purge", "--older-than", "365", "--db", db, "--dry-run")
    assert "inbox" not in dry.stderr and len(rows(db, "SELECT * FROM inbox")) == 3
    result = invoke("purge", "--older-than", "365", "--db", db)

    assert result.exit_code == 0, result.output
    assert "also deleted 1 Telegram update handled over 5 minutes ago" in result.stderr
    assert rows(db, "SELECT update_id FROM inbox ORDER BY 1") == [(2,), (3,)]
    assert b"Zorglub" not in db.read_bytes()
