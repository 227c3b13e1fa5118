"""Migrations 3 (consent, reminders, refusals) and 4 (anonymous refusals), and secure_delete."""

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
        await store.record_refusal(version="v1", stage_code=None, now=clock.tick())

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
    # Version 4: a refusal names no one, and no respondent is kept without a response.
    refusal_columns = [row[1:6] for row in peek.query("PRAGMA table_info(consent_refusals)")]
    assert refusal_columns == [
        ("id", "INTEGER", 0, None, 1),
        ("consent_version", "TEXT", 1, None, 0),
        ("stage_code", "TEXT", 0, None, 0),
        ("refused_at", "TEXT", 1, None, 0),
    ]
    assert peek.query("PRAGMA foreign_key_list(consent_refusals)") == []


async def test_version_3_refusals_lose_who_refused_and_lone_respondents_go(
    db_path: Path, peek: Peek
) -> None:
    db = await Database.open(db_path)
    try:
        steps = {n: MIGRATIONS[n] for n in (1, 2, 3)}
        assert await apply_migrations(db, steps) == [1, 2, 3]
        await db.run_write(fill_version_2)

        def refusals_and_a_walker(conn: sqlite3.Connection) -> None:
            # 43 sent /help and walked away; 44 declined; 42 (answering) declined once.
            for person in (43, 44):
                conn.execute(
                    "INSERT INTO respondents (id, channel, external_id, language, created_at) "
                    "VALUES (?, 'telegram', ?, 'fr', ?)",
                    (person, str(person), T0),
                )
            for person in (44, 1):
                conn.execute(
                    "INSERT INTO consent_refusals (respondent_id, consent_version, stage_code, "
                    "refused_at) VALUES (?, 'v1', 'vierzon', ?)",
                    (person, T0),
                )

        await db.run_write(refusals_and_a_walker)
    finally:
        await db.close()

    async with await Store.open(db_path):
        pass

    assert peek.query("SELECT id, external_id FROM respondents") == [(1, "42")]
    assert peek.query("SELECT * FROM consent_refusals") == [
        (1, "v1", "vierzon", T0),
        (2, "v1", "vierzon", T0),
    ]
    assert peek.query("SELECT COUNT(*) FROM answers") == [(1,)]


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
