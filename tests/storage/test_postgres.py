"""What only the PostgreSQL store has to show: its schema, its messages, several instances at once.

The behaviour both backends share is tested once, on both, by the rest of
tests/storage and tests/privacy. Here: the schema matches SQLite's, the
migrations run once even when two instances start together, a database is
named without its password, and two stores on one database (two instances)
apply an update once and send a reminder once.
"""

from __future__ import annotations

import asyncio
import inspect
import sqlite3
from pathlib import Path

import pytest

from storage import (
    SCHEMA_VERSION,
    AnswerInput,
    PostgresStore,
    ResponseStatus,
    StorageError,
    Store,
    SurveyStore,
    open_store,
)
from storage.postgres import describe_target
from storage.postgres.connection import PgDatabase
from storage.postgres.schema import MIGRATIONS, apply_migrations
from tests.conftest import Clock
from tests.support.postgres import PgPeek


def public(cls: type) -> set[str]:
    """The public names `cls` has, its own and inherited (the stores share StoreMethods)."""
    return {name for name in dir(cls) if not name.startswith("_")}


def test_the_postgres_store_provides_every_method_of_the_sqlite_store() -> None:
    # The interface, and the helpers tests and tools use on Store, async where Store's are.
    assert public(SurveyStore) <= public(PostgresStore)
    assert public(Store) - {"path"} <= public(PostgresStore)
    for name in public(Store) - {"path", "readonly", "open", "hold"}:  # hold: a context
        assert inspect.iscoroutinefunction(getattr(PostgresStore, name)), name


async def test_open_store_picks_the_backend_from_the_target(
    postgres_url: str, tmp_path: Path
) -> None:
    for url in (postgres_url, postgres_url.replace("postgresql://", "postgres://", 1)):
        async with await open_store(url) as store:
            assert isinstance(store, PostgresStore)
    async with await open_store(tmp_path / "survey.sqlite3") as store:
        assert isinstance(store, Store)


async def test_a_new_database_gets_sqlites_tables_and_columns(
    postgres_url: str, tmp_path: Path
) -> None:
    async with await open_store(postgres_url), await open_store(tmp_path / "s.sqlite3"):
        pass
    peek = PgPeek(postgres_url)
    assert peek.query("SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    sqlite = sqlite3.connect(tmp_path / "s.sqlite3")
    try:
        tables = [
            name
            for (name,) in sqlite.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        assert peek.tables() == tables
        for table in tables:
            expected = [row[1] for row in sqlite.execute(f"PRAGMA table_info({table})")]
            columns = peek.query(
                "SELECT column_name::text FROM information_schema.columns "
                "WHERE table_name = ? ORDER BY ordinal_position",
                (table,),
            )
            # seq stands for SQLite's rowid: the order answers were first saved in.
            assert [name for (name,) in columns if name != "seq"] == expected, table
    finally:
        sqlite.close()


async def test_two_instances_starting_together_migrate_once(postgres_url: str) -> None:
    first, second = await asyncio.gather(
        PostgresStore.open(postgres_url), PostgresStore.open(postgres_url)
    )
    await first.close()
    await second.close()
    assert PgPeek(postgres_url).query("SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    db = await PgDatabase.open(postgres_url)
    try:
        assert await apply_migrations(db) == []
    finally:
        await db.close()


async def test_a_failed_migration_step_rolls_back_with_its_version_bump(postgres_url: str) -> None:
    db = await PgDatabase.open(postgres_url)
    try:
        broken = {**MIGRATIONS, 2: (*MIGRATIONS[2], "CREATE TABLE broken (")}
        with pytest.raises(StorageError, match="cannot apply migration 2"):
            await apply_migrations(db, broken)
    finally:
        await db.close()
    peek = PgPeek(postgres_url)
    assert peek.query("SELECT version FROM schema_version") == [(1,)]
    assert "handled_updates" not in peek.tables()
    async with await open_store(postgres_url):
        pass  # the real steps carry on from version 1
    assert peek.query("SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]


async def test_a_database_from_a_newer_surveybot_is_refused(postgres_url: str) -> None:
    async with await open_store(postgres_url):
        pass
    PgPeek(postgres_url).execute(f"UPDATE schema_version SET version = {SCHEMA_VERSION + 1}")
    for readonly in (False, True):
        with pytest.raises(StorageError, match=r"newer than this surveybot knows \(\d+\); upgrade"):
            await open_store(postgres_url, readonly=readonly)


async def test_an_unmigrated_database_opened_read_only_says_nothing_is_in_it(
    postgres_url: str,
) -> None:
    """A fresh database is not an old one: it has no tables yet, not a schema at 0."""
    with pytest.raises(StorageError, match=r"it has no surveybot tables.*`surveybot serve`"):
        await open_store(postgres_url, readonly=True)
    assert PgPeek(postgres_url).tables() == []


async def test_the_read_only_pool_cannot_write_even_by_hand(postgres_url: str) -> None:
    async with await open_store(postgres_url):
        pass
    db = await PgDatabase.open(postgres_url, readonly=True)
    try:
        # Past our own check: the server refuses too, on every connection of the pool.
        sneak = db._run(
            lambda conn: conn.execute("DELETE FROM stages"),
            "sneak a write",
            isolation="read_committed",
            readonly=False,
        )
        with pytest.raises(StorageError, match="read-only"):
            await sneak
    finally:
        await db.close()


def test_messages_name_the_database_without_its_password() -> None:
    url = "postgresql://bot:s3cret@db.example:5433/survey?sslmode=require"
    assert describe_target(url) == "postgresql://bot@db.example:5433/survey"


async def test_an_unreachable_server_is_a_clear_error_without_the_password(
    postgres_url: str,
) -> None:
    closed_port = postgres_url.replace("127.0.0.1:", "127.0.0.1:1", 1).rsplit(":", 1)[0]
    url = closed_port.replace("surveybot@", "surveybot:s3cret@") + ":1/survey"
    with pytest.raises(
        StorageError, match=r"cannot open database .*check that it is running"
    ) as info:
        await open_store(url)
    assert "s3cret" not in str(info.value)
    assert "postgresql://surveybot@127.0.0.1:1/survey" in str(info.value)


async def test_a_missing_database_is_a_clear_error(postgres_url: str) -> None:
    url = postgres_url.rsplit("/", 1)[0] + "/no_such_survey"
    with pytest.raises(StorageError, match="no such database on that server; create it"):
        await open_store(url)


async def test_a_closed_store_says_so(postgres_url: str) -> None:
    store = await PostgresStore.open(postgres_url)
    await store.close()
    await store.close()  # idempotent
    with pytest.raises(StorageError, match="is closed"):
        await store.list_responses()


# Two instances on one database


async def two_instances(url: str) -> tuple[PostgresStore, PostgresStore]:
    return await PostgresStore.open(url), await PostgresStore.open(url)


async def test_a_refusal_delivered_to_two_instances_at_once_counts_once(
    postgres_url: str, clock: Clock
) -> None:
    first, second = await two_instances(postgres_url)
    try:
        now = clock.tick()
        outcomes = await asyncio.gather(
            *(
                store.record_refusal(version="v1", stage_code=None, now=now, update_id=7)
                for store in (first, second, first, second)
            )
        )
    finally:
        await first.close()
        await second.close()
    assert sorted(outcomes) == [False, False, False, True]
    assert PgPeek(postgres_url).query("SELECT COUNT(*) FROM consent_refusals") == [(1,)]


async def test_two_instances_claim_a_reminder_once(postgres_url: str, clock: Clock) -> None:
    first, second = await two_instances(postgres_url)
    try:
        _, response = await first.enrol(
            "telegram",
            "1",
            flow_id="tdf2019",
            flow_version=3,
            stage_code=None,
            language="fr",
            state_json="{}",
            current_step="q1",
            now=clock.tick(),
        )
        now = clock.tick()
        claims = await asyncio.gather(
            *(store.mark_reminded(response.id, now=now) for store in (first, second) * 5)
        )
    finally:
        await first.close()
        await second.close()
    assert claims.count(True) == 1


async def test_saves_from_two_instances_each_land_whole(postgres_url: str, clock: Clock) -> None:
    first, second = await two_instances(postgres_url)
    try:
        _, response = await first.enrol(
            "telegram",
            "1",
            flow_id="tdf2019",
            flow_version=3,
            stage_code=None,
            language="fr",
            state_json="{}",
            current_step="q1",
            now=clock.tick(),
        )

        async def save(store: PostgresStore, n: int) -> None:
            answers = {f"q{i}": AnswerInput(n) for i in range(1, 6)}
            await store.save_progress(
                response.id,
                state_json=f'{{"n": {n}}}',
                current_step=None,
                answers=answers,
                status=ResponseStatus.IN_PROGRESS,
                now=clock.tick(),
                update_id=n,
            )

        await asyncio.gather(*(save((first, second)[n % 2], n) for n in range(1, 21)))
        saved = await second.get_response(response.id)
        answers = await first.answers_for(response.id)
    finally:
        await first.close()
        await second.close()
    # Whichever save committed last, its state and all five of its answers: never a mix.
    assert saved is not None
    last = int(saved.state_json.split(":")[1].rstrip("}"))
    assert {answer.value for answer in answers.values()} == {last}
    assert len(answers) == 5
    assert PgPeek(postgres_url).query("SELECT COUNT(*) FROM handled_updates") == [(20,)]
