"""Erasing a respondent: no row left anywhere, and no byte of their answers left in the files."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from storage import (
    AnswerInput,
    Channel,
    ErasureReport,
    ResponseStatus,
    StorageError,
    Store,
    open_store,
)
from tests.conftest import Clock, Peek
from tests.privacy.conftest import People
from tests.support.postgres import where

# Distinctive texts a respondent typed; none may survive the erasure.
SECRETS = (
    "Zygomorphe-Tartempion-4242",
    "Quincaillerie-Brontosaure-7313",
    "Écluse-Ornithorynque-ça-5150",
    "Saperlipopette-Edited-Away-9090",
)
# Kept by another respondent: proves the scan would see a text that is there.
KEPT = "Pithiviers-Reste-Là-1111"


def files_of(db_path: Path) -> list[Path]:
    """The database file and its companions (-wal, -shm, -journal) that exist."""
    return sorted(p for p in db_path.parent.iterdir() if p.name.startswith(db_path.name))


def found_in(path: Path, text: str) -> bool:
    """Whether `text` can be read in the file: with `strings` if installed, and byte by byte."""
    data = path.read_bytes()
    # Fragments too: a text split across two overflow pages survives in halves.
    needles = [text, *(part for part in text.split("-") if len(part) >= 6)]
    if any(needle.encode("utf-8") in data for needle in needles):
        return True
    strings = shutil.which("strings")
    if strings is None:
        return False
    # `strings` reads ASCII runs; -a: the whole file, not just loaded sections.
    output = subprocess.run(
        [strings, "-a", "-n", "6", str(path)], capture_output=True, check=True, text=True
    ).stdout
    ascii_needles = [n for n in needles if n.isascii()]
    return any(needle in output for needle in ascii_needles)


def change_schema(path: Path, sql: str) -> None:
    """Run DDL through a connection of its own, as a maintainer's sqlite3 shell would."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(sql)
    finally:
        conn.close()


def readable(db_path: Path, text: str) -> list[str]:
    return [p.name for p in files_of(db_path) if found_in(p, text)]


async def fill_secrets(people: People, store: Store, clock: Clock) -> int:
    """A respondent who typed SECRETS (one edited away) among many others; return their id."""
    # Others before and after, so the erased rows share pages with kept ones.
    for n in range(40):
        await people.answering(5000 + n, {"q1": AnswerInput("oui"), "q2": AnswerInput(f"n{n}")})
    victim = await people.answering(
        4242,
        {
            "q1": AnswerInput("autre", other_text=SECRETS[0]),
            "q2": AnswerInput(SECRETS[3]),
            # Longer than a page: it goes to overflow pages.
            "q3": AnswerInput((SECRETS[1] + " ") * 400),
        },
    )
    victim = await people.answer(
        victim,
        {
            "q1": AnswerInput("autre", other_text=SECRETS[0]),
            "q2": AnswerInput(SECRETS[2]),  # SECRETS[3] edited away
            "q3": AnswerInput((SECRETS[1] + " ") * 400),
        },
    )
    await store.record_consent(victim.id, version="v1", now=clock.tick())
    second = await store.start_response(
        victim.respondent_id,
        flow_id="other",
        flow_version=1,
        stage_code=None,
        language="fr",
        state_json='{"note": "' + SECRETS[0] + '"}',
        current_step="q1",
        now=clock.tick(),
    )
    await people.answer(second, {"q1": AnswerInput(SECRETS[0])}, status=ResponseStatus.COMPLETED)
    await people.answering(6000, {"q1": AnswerInput("autre", other_text=KEPT)})
    for n in range(40):
        await people.answering(7000 + n, {"q1": AnswerInput("non")})
    return victim.respondent_id


async def test_erasure_leaves_no_row_in_any_table(
    store: Store, people: People, clock: Clock, peek: Peek
) -> None:
    victim_id = await fill_secrets(people, store, clock)
    await store.mark_handled(77, now=clock.tick())
    responses = [
        r for (r,) in peek.query("SELECT id FROM responses WHERE respondent_id = ?", (victim_id,))
    ]
    keys = [
        k for (k,) in peek.query("SELECT key FROM responses WHERE respondent_id = ?", (victim_id,))
    ]
    assert len(responses) == 2
    others_before = {
        table: peek.query(f"SELECT * FROM {table} WHERE {column} != ? ORDER BY 1", (value,))
        for table, column, value in (
            ("respondents", "id", victim_id),
            ("responses", "respondent_id", victim_id),
        )
    }
    marks = ", ".join("?" * len(responses))
    other_answers = peek.query(
        f"SELECT * FROM answers WHERE response_id NOT IN ({marks}) ORDER BY 1, 2",
        tuple(responses),
    )

    report = await store.erase_respondent(victim_id)

    assert report == ErasureReport(keys=tuple(sorted(keys)), answers=4, wal_cleared=True)
    # Every table, by each column that can point at the respondent.
    assert set(peek.tables()) == {
        "respondents",
        "stages",
        "responses",
        "answers",
        "handled_updates",
        "consent_refusals",
        "flow_versions",  # the questionnaires as run: about no one
        "jobs",  # organisers' requests: about no respondent
        "inbox",  # raw updates by sender: theirs go with them (tests/storage/test_inbox_store.py)
        "kept_texts",  # refused web texts, theirs erased (tests/storage/test_kept_texts_store.py)
    }
    assert (
        peek.query("SELECT * FROM respondents WHERE id = ? OR external_id = '4242'", (victim_id,))
        == []
    )
    assert peek.query("SELECT * FROM responses WHERE respondent_id = ?", (victim_id,)) == []
    assert (
        peek.query(f"SELECT * FROM answers WHERE response_id IN ({marks})", tuple(responses)) == []
    )
    # And as text, anywhere in the database: no key, no typed text.
    dump = "\n".join(peek.dump())
    for text in (*keys, *SECRETS, "Brontosaure"):
        assert text not in dump
    # Everyone else exactly as before; handled updates are not personal and stay.
    for table, rows in others_before.items():
        assert peek.query(f"SELECT * FROM {table} ORDER BY 1") == rows
    assert peek.query("SELECT * FROM answers ORDER BY 1, 2") == other_answers
    assert peek.query("SELECT update_id FROM handled_updates") == [(77,)]
    assert peek.query("PRAGMA foreign_key_check") == []


async def test_strings_finds_none_of_the_erased_answers(
    db_path: Path, store: Store, people: People, clock: Clock
) -> None:
    victim_id = await fill_secrets(people, store, clock)
    # The test can fail: before the erasure, every text is there to be read.
    for text in SECRETS:
        assert readable(db_path, text), text
    assert readable(db_path, KEPT)

    report = await store.erase_respondent(victim_id)
    assert report.wal_cleared

    # While the bot keeps running: the -wal file is empty, the database zeroed.
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.stat().st_size == 0
    for text in SECRETS:
        assert readable(db_path, text) == [], text
    assert readable(db_path, KEPT) == [db_path.name]

    # Writing on afterwards brings nothing back.
    await people.answering(9999, {"q1": AnswerInput("après")})
    await store.close()
    for text in SECRETS:
        assert readable(db_path, text) == [], text


async def test_erase_by_external_id(store: Store, people: People, peek: Peek) -> None:
    ana = await people.answering(111, {"q1": AnswerInput("oui")})
    bob = await people.answering(222, {"q1": AnswerInput("non")})
    # The same id on another channel is another person.
    terminal = await people.answering(111, {"q1": AnswerInput("si")}, channel="terminal")

    report = await store.erase_by_external_id(Channel.TELEGRAM, "111")

    assert report == ErasureReport(keys=(ana.key,), answers=1, wal_cleared=True)
    assert await store.get_respondent("telegram", "111") is None
    assert peek.query("SELECT id FROM responses ORDER BY id") == [(bob.id,), (terminal.id,)]
    assert await store.get_response(ana.id) is None
    assert await store.erase_by_external_id(Channel.TELEGRAM, "111") is None
    assert await store.erase_by_external_id(Channel.TELEGRAM, "333") is None

    # Any channel: the terminal's person with the same id goes the same way.
    again = await store.erase_by_external_id(Channel.TERMINAL, "111")
    assert again == ErasureReport(keys=(terminal.key,), answers=1, wal_cleared=True)
    assert peek.query("SELECT id FROM responses ORDER BY id") == [(bob.id,)]
    assert await store.get_respondent(Channel.TERMINAL, "111") is None


async def test_erasing_a_web_respondent(store: Store, people: People, peek: Peek) -> None:
    response = await people.answering(1, {"q1": AnswerInput("oui")}, channel=Channel.WEB)

    report = await store.erase_by_external_id(Channel.WEB, "1")

    assert report == ErasureReport(keys=(response.key,), answers=1, wal_cleared=True)
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(0,)]


async def test_erasure_leaves_the_anonymous_refusals(
    store: Store, people: People, clock: Clock, peek: Peek
) -> None:
    await store.record_refusal(version="v1", stage_code="vitre", now=clock.tick())
    zoe = await people.answering(5, {"q1": AnswerInput("oui")})

    report = await store.erase_respondent(zoe.respondent_id)

    # A refusal names no one: it is nobody's to erase, and it stays counted.
    assert (report.responses, report.answers) == (1, 1)
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(0,)]
    assert peek.query("SELECT consent_version, stage_code FROM consent_refusals") == [
        ("v1", "vitre")
    ]


async def test_erasing_an_unknown_respondent_is_an_error(store: Store) -> None:
    with pytest.raises(StorageError, match="no such respondent") as info:
        await store.erase_respondent(404)
    assert where(store) in str(info.value)


@pytest.mark.sqlite_only  # a SQLite trigger makes the erasure fail
async def test_a_failed_erasure_leaves_everything(store: Store, people: People, peek: Peek) -> None:
    ana = await people.answering(111, {"q1": AnswerInput("oui")})
    before = peek.dump()
    # A trigger refuses the last delete, mid-transaction.
    change_schema(
        store.path,
        "CREATE TRIGGER no_delete BEFORE DELETE ON respondents "
        "BEGIN SELECT RAISE(ABORT, 'kept'); END",
    )
    with pytest.raises(StorageError, match="kept"):
        await store.erase_respondent(ana.respondent_id)
    change_schema(store.path, "DROP TRIGGER no_delete")
    # Answers and responses were deleted before the respondent: rolled back with it.
    assert peek.dump() == before


@pytest.mark.timing
async def test_a_reader_keeps_the_wal_until_it_lets_go(
    db_path: Path, store: Store, people: People
) -> None:
    ana = await people.answering(111, {"q1": AnswerInput("autre", other_text=SECRETS[0])})
    reader = sqlite3.connect(db_path)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM answers").fetchall()
        started = time.monotonic()
        report = await store.erase_respondent(ana.respondent_id)
        # The checkpoint waited the busy timeout for the reader, then gave up.
        assert time.monotonic() - started < 10
        assert not report.wal_cleared
        assert readable(db_path, SECRETS[0]) != []
    finally:
        reader.close()
    assert await store.truncate_wal()
    assert readable(db_path, SECRETS[0]) == []


async def test_a_running_bot_empties_the_wal_once_the_reader_lets_go(
    db_path: Path, store: Store, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every 0.3 s instead of five minutes; the erasure itself comes from another program
    # (`surveybot erase`) while the bot keeps the database open.
    monkeypatch.setattr("storage.checkpoints.EMPTY_EVERY_S", 0.3)
    ana = await people.answering(111, {"q1": AnswerInput("autre", other_text=SECRETS[0])})
    await people.answering(222, {"q1": AnswerInput("oui")})
    reader = sqlite3.connect(db_path)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM answers").fetchall()
        async with await open_store(db_path) as erasing:
            report = await erasing.erase_respondent(ana.respondent_id)
        assert not report.wal_cleared
        await asyncio.sleep(1.5)  # at least one try to empty it, which the reader stops
        assert readable(db_path, SECRETS[0]) != [], "kept while the reader is there"
    finally:
        reader.close()
    for _ in range(100):
        if not readable(db_path, SECRETS[0]):
            break
        await asyncio.sleep(0.05)
    assert readable(db_path, SECRETS[0]) == []
    await people.answering(333, {"q1": AnswerInput("non")})  # the bot writes on, as before


async def test_truncate_wal_refuses_a_read_only_store(
    store_target: Path | str, store: Store
) -> None:
    async with await open_store(store_target, readonly=True) as reader:
        with pytest.raises(StorageError, match="read-only"):
            await reader.truncate_wal()
        with pytest.raises(StorageError, match="read-only"):
            await reader.erase_respondent(1)
