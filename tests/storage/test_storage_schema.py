"""Opening database files: migrations, pragmas, permissions, and clear errors."""

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from storage import SCHEMA_VERSION, AnswerInput, StorageError, Store
from storage.db import Database
from storage.migrations import MIGRATIONS, apply_migrations


async def test_new_file_is_migrated_to_the_latest_version(db_path: Path, peek) -> None:
    async with await Store.open(db_path) as store:
        assert store.path == db_path

    assert peek.query("PRAGMA user_version") == [(SCHEMA_VERSION,)]
    tables = {name for (name,) in peek.query("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"respondents", "stages", "responses", "answers", "handled_updates"} <= tables
    indexes = {name for (name,) in peek.query("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"responses_respondent_flow", "responses_stage"} <= indexes
    # WAL is recorded in the file, so a fresh connection reports it.
    assert peek.query("PRAGMA journal_mode") == [("wal",)]


PRAGMAS = ("foreign_keys", "busy_timeout", "synchronous", "journal_mode", "secure_delete")


def pragmas(conn: sqlite3.Connection) -> dict[str, object]:
    return {name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in (*PRAGMAS, "query_only")}


async def test_connection_pragmas(db: Database) -> None:
    expected = {
        "foreign_keys": 1,
        "busy_timeout": 5000,
        "synchronous": 2,
        "journal_mode": "wal",
        "secure_delete": 1,
    }
    # The reader only reads; the writer writes.
    assert await db.run_read(pragmas) == {**expected, "query_only": 1}
    assert await db.outside_transaction(pragmas) == {**expected, "query_only": 0}


async def test_readonly_connection_pragmas(db_path: Path, store: Store) -> None:
    reader = await Database.open(db_path, readonly=True)
    try:
        values = await reader.run_read(pragmas)
    finally:
        await reader.close()
    assert {name: values[name] for name in ("foreign_keys", "busy_timeout", "secure_delete")} == {
        "foreign_keys": 1,
        "busy_timeout": 5000,
        "secure_delete": 1,
    }
    assert values["journal_mode"] == "wal"


async def test_foreign_keys_cascade_from_respondent_to_answers(
    db: Database, store: Store, new_response, clock, peek
) -> None:
    response = await new_response()
    await store.save_progress(
        response.id,
        state_json="{}",
        current_step="q2",
        answers={"q1": AnswerInput("oui")},
        status=response.status,
        now=clock.tick(),
    )
    await db.run_write(
        lambda conn: (
            conn.execute("DELETE FROM respondents WHERE id = ?", (response.respondent_id,)).rowcount
        )
    )

    assert peek.query("SELECT COUNT(*) FROM responses") == [(0,)]
    assert peek.query("SELECT COUNT(*) FROM answers") == [(0,)]


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o277], ids=oct)
async def test_new_file_mode_does_not_depend_on_the_umask(
    tmp_path: Path, clock, umask: int
) -> None:
    # SQLite alone would create 0o644 & ~umask; 0o277 would even lock the owner out.
    path = tmp_path / "survey.sqlite3"
    previous = os.umask(umask)
    try:
        async with await Store.open(path) as store:
            await store.ensure_respondent("terminal", "ana", now=clock.tick())
            wal = path.with_name(path.name + "-wal")
            assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_existing_file_keeps_its_mode(db_path: Path) -> None:
    async with await Store.open(db_path):
        pass
    db_path.chmod(0o640)
    async with await Store.open(db_path):
        pass
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o640


async def test_reopening_keeps_data_and_does_not_rerun_migrations(
    db_path: Path, clock, peek
) -> None:
    async with await Store.open(db_path) as store:
        first = await store.ensure_respondent("telegram", "42", now=clock.tick(), language="fr")

    db = await Database.open(db_path)
    try:
        assert await apply_migrations(db) == []
    finally:
        await db.close()

    async with await Store.open(db_path) as store:
        again = await store.ensure_respondent("telegram", "42", now=clock.tick())
    assert again == first
    assert peek.query("PRAGMA user_version") == [(SCHEMA_VERSION,)]


async def test_migrations_apply_each_step_once_in_order(db_path: Path, peek) -> None:
    steps = {**MIGRATIONS, SCHEMA_VERSION + 1: ["CREATE TABLE notes (body TEXT)"]}
    db = await Database.open(db_path)
    try:
        assert await apply_migrations(db, steps) == [*range(1, SCHEMA_VERSION + 2)]
        assert await apply_migrations(db, steps) == []
    finally:
        await db.close()
    assert peek.query("PRAGMA user_version") == [(SCHEMA_VERSION + 1,)]


async def test_failed_migration_step_rolls_back_with_its_version_bump(db_path: Path, peek) -> None:
    broken = {
        **MIGRATIONS,
        SCHEMA_VERSION + 1: ["CREATE TABLE notes (body TEXT)", "INSERT INTO missing VALUES (1)"],
    }
    db = await Database.open(db_path)
    try:
        with pytest.raises(StorageError, match=f"apply migration {SCHEMA_VERSION + 1}"):
            await apply_migrations(db, broken)
    finally:
        await db.close()

    # The earlier steps stay; the failed one left nothing behind, not even half.
    assert peek.query("PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert peek.query("SELECT name FROM sqlite_master WHERE name = 'notes'") == []


def fill_version_1(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO respondents (id, channel, external_id, language, created_at) "
        "VALUES (1, 'telegram', '42', 'fr', '2019-06-03T09:00:00.000000+00:00')"
    )
    conn.execute(
        "INSERT INTO responses (id, key, respondent_id, flow_id, flow_version, "
        "stage_code, language, status, state_json, current_step, started_at, "
        "updated_at) VALUES (7, '0123456789abcdef', 1, 'tdf2019', 3, 'vierzon', "
        "'fr', 'in_progress', '{\"step\": \"q2\"}', 'q2', "
        "'2019-06-03T09:00:01.000000+00:00', '2019-06-03T09:00:02.000000+00:00')"
    )
    conn.execute(
        "INSERT INTO answers (response_id, question_id, value_json, flow_id, "
        "flow_version, stage_code, answered_at) VALUES (7, 'q1', '\"oui\"', "
        "'tdf2019', 3, 'vierzon', '2019-06-03T09:00:02.000000+00:00')"
    )


async def make_version_1_file(path: Path) -> None:
    """A database as surveybot 1 left it: step 1 only, with a respondent's answers."""
    db = await Database.open(path)
    try:
        assert await apply_migrations(db, {1: MIGRATIONS[1]}) == [1]
        await db.run_write(fill_version_1)
    finally:
        await db.close()


async def test_version_1_file_is_migrated_and_keeps_its_data(db_path: Path, clock, peek) -> None:
    await make_version_1_file(db_path)
    before = {
        table: peek.query(f"SELECT * FROM {table}")
        for table in ("respondents", "responses", "answers")
    }
    assert peek.query("PRAGMA user_version") == [(1,)]

    async with await Store.open(db_path) as store:
        respondent = await store.get_respondent("telegram", "42")
        response = await store.get_response(7)
        answers = await store.answers_for(7)
        # The new table works, and the new column can be written.
        assert not await store.was_handled(500)
        await store.mark_handled(500, now=clock.tick())
        assert await store.was_handled(500)
        await store.set_prompt_message(7, 1234)

    assert peek.query("PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert respondent is not None
    assert (respondent.id, respondent.language) == (1, "fr")
    assert response is not None
    assert (response.key, response.current_step) == ("0123456789abcdef", "q2")
    assert response.state_json == '{"step": "q2"}'
    assert response.prompt_message_id is None
    assert answers["q1"].value == "oui"
    # Old rows kept every column as it was; only the new column was added, NULL.
    assert peek.query("SELECT * FROM respondents") == before["respondents"]
    assert peek.query("SELECT * FROM answers") == before["answers"]
    # Step 2's prompt_message_id, then step 3's consent_version, consented_at, reminded_at.
    assert peek.query("SELECT * FROM responses") == [
        (*before["responses"][0], 1234, None, None, None)
    ]
    columns = [row[1] for row in peek.query("PRAGMA table_info(handled_updates)")]
    assert columns == ["update_id", "handled_at"]


async def test_version_1_file_opened_read_only_says_how_to_migrate(db_path: Path) -> None:
    await make_version_1_file(db_path)
    with pytest.raises(
        StorageError, match=f"version 1, this surveybot needs {SCHEMA_VERSION}"
    ) as info:
        await Store.open(db_path, readonly=True)
    assert "open it once read-write" in str(info.value)


async def test_database_from_a_newer_surveybot_is_refused(db_path: Path) -> None:
    async with await Store.open(db_path):
        pass
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()

    with pytest.raises(StorageError, match="newer") as info:
        await Store.open(db_path)
    assert str(db_path) in str(info.value)


async def test_directory_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="is a directory") as info:
        await Store.open(tmp_path)
    assert str(tmp_path) in str(info.value)


async def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "dir.sqlite3"
    with pytest.raises(StorageError, match="directory exists") as info:
        await Store.open(path)
    assert str(path) in str(info.value)


async def test_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "answers.csv"
    content = "key;q1\n" * 1000
    path.write_text(content)
    with pytest.raises(StorageError, match="not a SQLite database") as info:
        await Store.open(path)
    assert str(path) in str(info.value)
    assert path.read_text() == content


async def test_closing_is_idempotent_and_a_closed_store_refuses_work(store: Store, clock) -> None:
    await store.close()
    await store.close()
    with pytest.raises(StorageError, match="closed"):
        await store.ensure_respondent("telegram", "1", now=clock.tick())
    with pytest.raises(StorageError, match="closed"):
        await store.count_responses()


async def test_async_with_closes_the_store(db_path: Path) -> None:
    async with await Store.open(db_path) as store:
        assert await store.list_stages() == []
    with pytest.raises(StorageError, match="closed"):
        await store.list_stages()
