"""A database with no surveybot tables yet is said to be one, by every read-only command.

A fresh PostgreSQL database, or a SQLite file some other program made, is not
an old schema to upgrade: `stats` and `export` say it has no surveybot tables;
a database at an older version is still told to be migrated.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from storage import open_store
from storage.migrations import SCHEMA_VERSION
from tests.support.postgres import BACKENDS, PgPeek

READERS = [["stats"], ["export", "--out", "{tmp}/out.csv"]]


def _run(target: Path | str, command: list[str], tmp_path: Path) -> tuple[int, str]:
    args = [part.replace("{tmp}", str(tmp_path)) for part in command]
    result = CliRunner().invoke(main, [*args, "--db", str(target)])
    return result.exit_code, result.output


def _make_empty(target: Path | str) -> None:
    """A database with no surveybot tables: a new PostgreSQL one, a SQLite file of another's."""
    if isinstance(target, Path):
        conn = sqlite3.connect(target)
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.commit()
        conn.close()


async def _make_older(target: Path | str, version: int) -> None:
    """A surveybot database whose schema says it is at `version`."""
    store = await open_store(target)
    await store.close()
    if isinstance(target, Path):
        conn = sqlite3.connect(target)
        conn.execute(f"PRAGMA user_version = {version}")
        conn.close()
    else:
        PgPeek(target).execute(f"UPDATE schema_version SET version = {version}")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("command", READERS, ids=["stats", "export"])
def test_a_database_without_tables_is_not_called_an_old_schema(
    store_target: Path | str, command: list[str], tmp_path: Path
) -> None:
    _make_empty(store_target)
    code, output = _run(store_target, command, tmp_path)
    assert code == 1
    assert output.startswith("error: cannot read database ")
    assert "it has no surveybot tables, nothing has been answered on it yet" in output
    assert "check --db or SURVEYBOT_DB" in output
    # Not a schema version, nor a rehearsal in the terminal on the tour's database.
    assert "version 0" not in output and "needs" not in output
    assert "surveybot chat" not in output
    assert output.count("\n") == 1, output


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("command", READERS, ids=["stats", "export"])
def test_an_older_schema_is_still_told_to_migrate(
    store_target: Path | str, command: list[str], tmp_path: Path
) -> None:
    # Sync: `stats` runs its own event loop, as from the shell.
    asyncio.run(_make_older(store_target, SCHEMA_VERSION - 1))
    code, output = _run(store_target, command, tmp_path)
    assert code == 1
    assert re.search(f"schema (is )?at version {SCHEMA_VERSION - 1}, ", output), output
    assert f"this surveybot needs {SCHEMA_VERSION}" in output
    assert "no surveybot tables" not in output
