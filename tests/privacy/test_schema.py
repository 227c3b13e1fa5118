"""Migration 3 (consent, reminders, refusals) and the secure_delete pragma."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage import SCHEMA_VERSION, Store
from storage.db import Database
from storage.migrations import MIGRATIONS, apply_migrations
from tests.conftest import Clock, Peek

T0 = "2019-06-03T09:00:00.000000+00:00"


def fill_version_2(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO respondents (id, channel, external_id, language, created_at) "
        "VALUES (1, 'telegram', '42', 'fr', ?)",
        (T0,),
    )
    conn.execute(
        "INSERT INTO responses (id, key, respondent_id, flow_id, flow_version, "
        "stage_code, language, status, state_json, current_step, started_at, "
        "updated_at, prompt_message_id) VALUES (7, '0123456789abcdef', 1, 'tdf2019', "
        "3, 'vierzon', 'fr', 'in_progress', '{}', 'q2', ?, ?, 55)",
        (T0, T0),
    )
    conn.execute(
        "INSERT INTO answers (response_id, question_id, value_json, other_text, "
        "flow_id, flow_version, stage_code, answered_at) "
        "VALUES (7, 'q1', '\"autre\"', 'une PME', 'tdf2019', 3, 'vierzon', ?)",
        (T0,),
    )
    conn.execute("INSERT INTO handled_updates VALUES (900, ?)", (T0,))


async def make_version_2_file(path: Path) -> None:
    """A database as surveybot left it before step 3, with a respondent's answers."""
    db = await Database.open(path)
    try:
        assert await apply_migrations(db, {1: MIGRATIONS[1], 2: MIGRATIONS[2]}) == [1, 2]
        await db.run_write(fill_version_2)
    finally:
        await db.close()


async def test_version_2_file_is_migrated_and_keeps_its_data(
    db_path: Path, clock: Clock, peek: Peek
) -> None:
    await make_version_2_file(db_path)
    assert peek.query("PRAGMA user_version") == [(2,)]
    before = {table: peek.query(f"SELECT * FROM {table}") for table in peek.tables()}

    async with await Store.open(db_path) as store:
        answers = await store.answers_for(7)
        response = await store.get_response(7)
        assert response is not None
        assert (response.consent_version, response.consented_at) == (None, None)
        assert response.reminded_at is None
        await store.record_consent(7, version="v1", now=clock.tick())
        await store.record_refusal(1, version="v1", stage_code=None, now=clock.tick())

    assert SCHEMA_VERSION >= 3
    assert peek.query("PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert answers["q1"].value == "autre"
    assert answers["q1"].other_text == "une PME"
    assert response is not None
    assert response.prompt_message_id == 55
    # Old rows as they were; responses gained three columns, filled only by record_consent.
    for table in ("respondents", "answers", "handled_updates", "stages"):
        assert peek.query(f"SELECT * FROM {table}") == before[table]
    columns = [row[1] for row in peek.query("PRAGMA table_info(responses)")]
    assert columns[-3:] == ["consent_version", "consented_at", "reminded_at"]
    old_columns = ", ".join(columns[:-3])
    assert peek.query(f"SELECT {old_columns} FROM responses") == before["responses"]
    assert peek.query("SELECT consent_version, reminded_at FROM responses") == [("v1", None)]
    refusal_columns = [row[1:6] for row in peek.query("PRAGMA table_info(consent_refusals)")]
    assert refusal_columns == [
        ("id", "INTEGER", 0, None, 1),
        ("respondent_id", "INTEGER", 1, None, 0),
        ("consent_version", "TEXT", 1, None, 0),
        ("stage_code", "TEXT", 0, None, 0),
        ("refused_at", "TEXT", 1, None, 0),
    ]
    keys = peek.query("PRAGMA foreign_key_list(consent_refusals)")
    assert [(row[2], row[3], row[4], row[6]) for row in keys] == [
        ("respondents", "respondent_id", "id", "CASCADE")
    ]


def secure_delete(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA secure_delete").fetchone()[0])


async def test_every_connection_zeroes_freed_pages(db_path: Path) -> None:
    db = await Database.open(db_path)
    try:
        await apply_migrations(db)
        # The writer, which deletes, and the reader.
        assert await db.outside_transaction(secure_delete) == 1
        assert await db.run_read(secure_delete) == 1
        readonly = await Database.open(db_path, readonly=True)
        try:
            assert await readonly.run_read(secure_delete) == 1
        finally:
            await readonly.close()
    finally:
        await db.close()
