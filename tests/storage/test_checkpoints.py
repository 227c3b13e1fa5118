"""Checkpoints off the writer's path: the -wal file stays bounded, and commits do not copy it.

Real files throughout; the writes are plain `run_write` bodies on a table of
their own, as the bot's answers are.
"""

import asyncio
import os
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from storage import StorageError
from storage.db import Database

ROW = 10_000


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    db = await Database.open(tmp_path / "checkpoints.sqlite3")
    await db.run_write(lambda conn: conn.execute("CREATE TABLE notes (body BLOB)"))
    try:
        yield db
    finally:
        await db.close()


def wal_of(db: Database) -> Path:
    return db.path.with_name(db.path.name + "-wal")


def insert_rows(count: int) -> Callable[[sqlite3.Connection], None]:
    bodies = [(os.urandom(ROW),) for _ in range(count)]

    def insert(conn: sqlite3.Connection) -> None:
        conn.executemany("INSERT INTO notes VALUES (?)", bodies)

    return insert


async def write_for(db: Database, seconds: float) -> tuple[int, int]:
    """Commit rows of `ROW` random bytes without a pause; the bytes written and the largest -wal."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    written = largest = 0
    while loop.time() < deadline:
        await db.run_write(insert_rows(1))
        written += ROW
        largest = max(largest, wal_of(db).stat().st_size)
    return written, largest


@pytest.mark.timing
async def test_the_log_is_reused_while_answers_keep_coming(db: Database) -> None:
    written, largest = await write_for(db, 8)
    # Without checkpoints every byte written would still be in the -wal file; with them it
    # holds about a second of writing, two or three on a busy machine (of eight here).
    assert largest < written / 2, (largest, written)
    rows = await db.run_read(lambda conn: conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0])
    assert rows * ROW == written


@pytest.mark.timing
async def test_the_writer_leaves_checkpoints_to_the_checkpointer(db: Database) -> None:
    def autocheckpoint(conn: sqlite3.Connection) -> int:
        return int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])

    assert await db.outside_transaction(autocheckpoint) == 0
    await db.run_write(insert_rows(100))
    first = wal_of(db).stat().st_size
    await asyncio.sleep(1.5)
    # The checkpointer copied them: the next rows reuse the log from its start.
    await db.run_write(insert_rows(100))
    assert wal_of(db).stat().st_size <= first * 1.1


@pytest.mark.timing
async def test_a_long_read_holds_the_log_back_and_it_is_copied_once_the_read_ends(
    db: Database,
) -> None:
    # An export's snapshot: a separate connection holding a read transaction.
    reader = sqlite3.connect(db.path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM notes").fetchone()
        written, largest = await write_for(db, 2.5)
        # Nothing written after the snapshot could be copied meanwhile.
        assert largest >= written
        reader.execute("ROLLBACK")
    finally:
        reader.close()
    await asyncio.sleep(1.5)
    await db.run_write(insert_rows(10))
    assert wal_of(db).stat().st_size <= largest


async def test_closing_still_stops_the_checkpoints_and_the_writer_when_the_reader_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = await Database.open(tmp_path / "closing.sqlite3")
    reader = db._reader
    assert reader is not None
    really_stop = reader.stop

    async def failing_stop(path: Path) -> None:
        raise StorageError(f"cannot close the database: {path} (a failing disk)")

    monkeypatch.setattr(reader, "stop", failing_stop)
    with pytest.raises(StorageError, match="failing disk"):
        await db.close()
    with pytest.raises(StorageError, match="is closed"):
        await db.run_write(lambda conn: conn.execute("SELECT 1"))
    # The checkpoints stopped too: their thread ends, nothing left copying.
    for _ in range(200):
        if not checkpoint_threads():
            break
        await asyncio.sleep(0.01)
    assert not checkpoint_threads()
    await really_stop(db.path)


def checkpoint_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("sqlite-checkpoint")]
