"""The read-only store: the exporter reads committed data while the bot writes."""

import asyncio
import datetime as dt
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from storage import AnswerInput, Channel, ResponseStatus, Stage, StorageError, Store, open_store
from storage.db import Database
from tests.support.postgres import where


async def test_reader_sees_only_committed_answers(
    db_path: Path, db: Database, new_response, clock
) -> None:
    response = await new_response()
    loop = asyncio.get_running_loop()
    written, may_commit = asyncio.Event(), threading.Event()
    answered_at = clock.tick().isoformat()

    def answer_and_wait(conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT INTO answers (response_id, question_id, value_json, flow_id, "
            "flow_version, answered_at) VALUES (?, 'q1', '\"oui\"', 'tdf2019', 3, ?)",
            (response.id, answered_at),
        )
        conn.execute("UPDATE responses SET status = 'completed' WHERE id = ?", (response.id,))
        loop.call_soon_threadsafe(written.set)
        assert may_commit.wait(10)

    async with await Store.open(db_path, readonly=True) as reader:
        writing = asyncio.create_task(db.run_write(answer_and_wait, "answer"))
        await written.wait()
        try:
            # WAL: the reader neither waits for the writer nor sees its rows.
            assert await asyncio.wait_for(reader.answers_for(response.id), 1) == {}
            assert (await asyncio.wait_for(reader.count_responses(), 1))[
                ResponseStatus.COMPLETED
            ] == 0
        finally:
            may_commit.set()
            await writing

        answers = await reader.answers_for(response.id)
        assert answers["q1"].value == "oui"
        assert (await reader.count_responses())[ResponseStatus.COMPLETED] == 1


async def test_reader_follows_the_writer(
    store_target: Path | str, store: Store, new_response, clock
) -> None:
    response = await new_response()
    async with await open_store(store_target, readonly=True) as reader:
        assert reader.readonly
        for n in range(1, 4):
            answers = {f"q{i}": AnswerInput(i) for i in range(1, n + 1)}
            await store.save_progress(
                response.id,
                state_json="{}",
                current_step=None,
                answers=answers,
                status=ResponseStatus.IN_PROGRESS,
                now=clock.tick(),
            )
            assert len(await reader.answers_for(response.id)) == n
        assert await reader.get_response_by_key(response.key) == await store.get_response(
            response.id
        )


Write = Callable[[Store], Awaitable[object]]
NOW = dt.datetime(2019, 6, 3, 9, 0, tzinfo=dt.UTC)
WRITES: dict[str, Write] = {
    "ensure_respondent": lambda s: s.ensure_respondent("telegram", "2", now=NOW),
    "set_language": lambda s: s.set_language(1, "en", now=NOW),
    "start_response": lambda s: s.start_response(
        1,
        flow_id="tdf2019",
        flow_version=3,
        stage_code=None,
        language="fr",
        state_json="{}",
        current_step=None,
        now=NOW,
    ),
    "enrol": lambda s: s.enrol(
        "telegram",
        "2",
        flow_id="tdf2019",
        flow_version=3,
        stage_code=None,
        language="fr",
        state_json="{}",
        current_step=None,
        now=NOW,
    ),
    "save_progress": lambda s: s.save_progress(
        1,
        state_json="{}",
        current_step=None,
        answers={"q1": AnswerInput("oui")},
        status=ResponseStatus.COMPLETED,
        now=NOW,
    ),
    "sync_stages": lambda s: s.sync_stages([Stage("vierzon", "Vierzon")]),
    "mark_handled": lambda s: s.mark_handled(1, now=NOW),
    "prune_handled_updates": lambda s: s.prune_handled_updates(before=NOW),
    "set_prompt_message": lambda s: s.set_prompt_message(1, 99),
    "set_blocked": lambda s: s.set_blocked(1, blocked=True, now=NOW),
    "set_response_language": lambda s: s.set_language(1, "en", response_id=1, now=NOW),
    "record_consent": lambda s: s.record_consent(1, version="v1", now=NOW),
    "record_refusal": lambda s: s.record_refusal(version="v1", stage_code=None, now=NOW),
    "erase_respondent": lambda s: s.erase_respondent(1),
    "erase_by_external_id": lambda s: s.erase_by_external_id(Channel.TELEGRAM, "1001"),
    "truncate_wal": lambda s: s.truncate_wal(),
    "purge_older_than": lambda s: s.purge_older_than(before=NOW, now=NOW),
    "abandon_stale": lambda s: s.abandon_stale(idle_since=NOW, now=NOW),
    "mark_reminded": lambda s: s.mark_reminded(1, now=NOW),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
async def test_readonly_store_refuses_writes(
    store_target: Path | str, new_response, peek, write: Write
) -> None:
    await new_response()
    before = peek.dump()
    async with await open_store(store_target, readonly=True) as reader:
        with pytest.raises(StorageError, match="read-only") as info:
            await write(reader)
    assert where(reader) in str(info.value)
    assert peek.dump() == before


async def test_readonly_connection_itself_refuses_writes(db_path: Path, store: Store, peek) -> None:
    # Past the Store's own guard, SQLite (mode=ro) still says no.
    reader = await Database.open(db_path, readonly=True)
    try:
        with pytest.raises(StorageError, match="read-only"):
            await reader.run_read(
                lambda conn: conn.execute("INSERT INTO stages (code, city) VALUES ('x', 'X')")
            )
    finally:
        await reader.close()
    assert peek.query("SELECT COUNT(*) FROM stages") == [(0,)]


async def test_a_read_body_cannot_write_on_a_read_write_store(db: Database, peek) -> None:
    # The read-write Database's reader is query_only: reads cannot slip a write past the lock.
    with pytest.raises(StorageError, match="read the stages"):
        await db.run_read(
            lambda conn: conn.execute("INSERT INTO stages (code, city) VALUES ('x', 'X')"),
            "read the stages",
        )
    assert peek.query("SELECT COUNT(*) FROM stages") == [(0,)]


async def test_readonly_open_of_a_missing_file_names_it_and_creates_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "typo.sqlite3"
    with pytest.raises(StorageError, match="does not exist") as info:
        await Store.open(path, readonly=True)
    assert str(path) in str(info.value)
    assert list(tmp_path.iterdir()) == []


async def test_readonly_open_of_an_unmigrated_file_says_how_to_fix(tmp_path: Path) -> None:
    path = tmp_path / "unmigrated.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (text TEXT)")  # a database, at schema version 0
    conn.close()
    with pytest.raises(StorageError, match="nothing has been answered on it yet") as info:
        await Store.open(path, readonly=True)
    assert str(path) in str(info.value)


async def test_readonly_open_of_an_empty_file_says_it_is_no_database(tmp_path: Path) -> None:
    # Migrating it would only make an empty database: the path is what is wrong.
    path = tmp_path / "empty.sqlite3"
    path.touch()
    with pytest.raises(StorageError, match="the file is empty") as info:
        await Store.open(path, readonly=True)
    assert str(info.value) == (
        f"cannot read database {path}: the file is empty (0 bytes), not a surveybot "
        "database; check the path (SURVEYBOT_DB or --db)"
    )
    assert path.stat().st_size == 0


async def test_readonly_open_after_the_writer_has_stopped(db_path: Path, clock) -> None:
    async with await Store.open(db_path) as writer:
        respondent = await writer.ensure_respondent("terminal", "ana", now=clock.tick())
    # The last connection to close checkpoints and removes the -wal and -shm files.
    assert not db_path.with_name(db_path.name + "-wal").exists()

    async with await Store.open(db_path, readonly=True) as reader:
        assert await reader.latest_response(respondent.id) is None
        assert await reader.count_responses() == dict.fromkeys(ResponseStatus, 0)
