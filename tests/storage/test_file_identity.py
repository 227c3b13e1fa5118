"""The SQLite file deleted, moved or replaced under a running store: no answer is
acknowledged into a file no path names any more, and the log says so once, with how
to keep what the open file holds.

Real files, really deleted; the process-level view (a respondent's 503 page, /health)
is tests/bot/test_database_deleted.py.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from storage import Store, Unavailable
from storage.db import Database
from tests.conftest import LoggedErrors
from tests.support.sqlite import open_sqlite

NOW = dt.datetime(2019, 6, 5, 10, 0, tzinfo=dt.UTC)


def remove_database(path: Path) -> None:
    """What an operator's `rm surveybot.sqlite3*` does."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def respondents_in(path: Path) -> list[str]:
    with open_sqlite(path) as conn:
        rows = conn.execute("SELECT external_id FROM respondents ORDER BY external_id")
        return [str(row[0]) for row in rows]


@pytest.fixture(autouse=True)
def said(logged_errors: LoggedErrors) -> LoggedErrors:
    """The ERROR lines logged: the one each test provokes is expected."""
    logged_errors.expect("while surveybot runs: answers are refused")
    return logged_errors


def errors_logged(said: LoggedErrors) -> list[str]:
    return [record.getMessage() for record in said.records]


async def test_a_deleted_file_refuses_every_write_and_says_so_once(
    db_path: Path, said: LoggedErrors
) -> None:
    store = await Store.open(db_path)
    try:
        await store.ensure_respondent("telegram", "1001", now=NOW)
        remove_database(db_path)
        for external_id in ("1002", "1003", "1004"):
            with pytest.raises(Unavailable, match="was deleted or moved away while surveybot"):
                await store.ensure_respondent("telegram", external_id, now=NOW)
        with pytest.raises(Unavailable, match="stop surveybot, put the file back"):
            await store.ping()  # the health check fails: 503
        (line,) = errors_logged(said)  # once, however many writes are refused
        assert f"the database file {db_path} was deleted or moved away while surveybot runs" in line
        assert "Then stop surveybot; put the file back" in line
        assert "start surveybot again" in line
        if sys.platform.startswith("linux"):
            # What the log says to run keeps every acknowledged answer, and nothing refused.
            command = re.search(r"`cp (/proc/\d+/fd/\d+) (\S+)`", line)
            assert command is not None, line
            assert command.group(2) == f"{db_path}.recovered"
            shutil.copyfile(command.group(1), command.group(2))
            assert respondents_in(Path(command.group(2))) == ["1001"]
    finally:
        await store.close()
    assert not db_path.exists()  # closing does not bring it back, nor make a new one


async def test_a_write_committed_after_the_file_went_is_not_acknowledged(db_path: Path) -> None:
    db = await Database.open(db_path)
    try:
        await db.run_write(lambda conn: conn.execute("CREATE TABLE answers (value TEXT)"))

        def deleted_meanwhile(conn: sqlite3.Connection) -> None:
            # Deleted after the group began: the COMMIT itself lands in the deleted file.
            remove_database(db_path)
            conn.execute("INSERT INTO answers VALUES ('45')")

        with pytest.raises(Unavailable, match="was deleted or moved away"):
            await db.run_write(deleted_meanwhile, "save an answer")
    finally:
        await db.close()


async def test_a_backup_put_in_place_while_it_runs_is_left_as_it_is(
    db_path: Path, tmp_path: Path, said: LoggedErrors
) -> None:
    store = await Store.open(db_path)
    try:
        await store.ensure_respondent("telegram", "1001", now=NOW)
        backup = tmp_path / "backup.sqlite3"
        with open_sqlite(db_path) as source, open_sqlite(backup) as copy:
            source.backup(copy)
        os.replace(backup, db_path)  # a restore done without stopping the bot
        with pytest.raises(Unavailable, match="was replaced by another file"):
            await store.ensure_respondent("telegram", "1002", now=NOW)
        assert "replaced by another file while surveybot runs" in errors_logged(said)[0]
    finally:
        await store.close()
    assert respondents_in(db_path) == ["1001"]  # the restored file: nothing written into it


async def test_a_file_moved_back_is_written_again(
    db_path: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = await Store.open(db_path)
    aside = tmp_path / "aside.sqlite3"
    try:
        await store.ensure_respondent("telegram", "1001", now=NOW)
        os.rename(db_path, aside)
        with pytest.raises(Unavailable, match="was deleted or moved away"):
            await store.ensure_respondent("telegram", "1002", now=NOW)
        os.rename(aside, db_path)
        with caplog.at_level(logging.WARNING, logger="storage.db"):
            await store.ensure_respondent("telegram", "1003", now=NOW)
            await store.ping()
        assert any("is back" in r.getMessage() for r in caplog.records)
    finally:
        await store.close()
    assert respondents_in(db_path) == ["1001", "1003"]


async def test_a_relative_path_still_names_the_file_after_a_change_of_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, said: LoggedErrors
) -> None:
    # SQLite resolved the path at open; a relative one (SURVEYBOT_DB's default) must not
    # be looked up again from wherever the process has moved since.
    monkeypatch.chdir(tmp_path)
    store = await Store.open("surveybot.sqlite3")
    database = tmp_path / "surveybot.sqlite3"
    try:
        await store.ensure_respondent("telegram", "1001", now=NOW)
        (tmp_path / "elsewhere").mkdir()
        monkeypatch.chdir(tmp_path / "elsewhere")
        await store.ensure_respondent("telegram", "1002", now=NOW)
        await store.ping()
        remove_database(database)
        refused = f"the database file {database} was deleted or moved away while"
        with pytest.raises(Unavailable, match=re.escape(refused)):
            await store.ensure_respondent("telegram", "1003", now=NOW)
        (line,) = errors_logged(said)  # what to do names the file, not one in elsewhere/
        assert f"{refused} surveybot runs" in line
        assert f"put the file back at {database} (that copy" in line
        if sys.platform.startswith("linux"):
            assert "`cp /proc/" in line and f" {database}.recovered`" in line
    finally:
        await store.close()
