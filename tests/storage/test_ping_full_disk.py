"""`ping` (behind `GET /health`) after saves failed on a full disk.

The probe writes nothing, so on a full disk it passes by itself while every answer fails:
the store remembers the last save that failed so, until one succeeds, or for
`FULL_UNHEALTHY_S` (as long as respondents are told to wait). The full disk is SQLite's
own SQLITE_FULL, raised inside a statement when the file reaches `PRAGMA max_page_count`
on the writer's connection; on a real full disk it comes at the COMMIT, which writes the
log, after every statement ran (and SQLite counted their rows): a COMMIT made to fail so,
and a real full filesystem (a small tmpfs, mounted when the tests run as root).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import errno
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import Store, Unavailable, on_thread
from storage import db as sqlite_db
from storage.db import Database

NOW = dt.datetime(2019, 6, 5, 10, 0, tzinfo=dt.UTC)


async def fill_the_disk(store: Store) -> None:
    """From now on the writer cannot grow the file: every save that needs a page fails."""

    def cap(conn: sqlite3.Connection) -> None:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")

    await store._db.outside_transaction(cap)


async def free_space(store: Store) -> None:
    await store._db.outside_transaction(
        lambda conn: conn.execute("PRAGMA max_page_count = 1073741823")
    )


async def save_until_full(store: Store) -> None:
    for n in range(2000):
        try:
            await store.ensure_respondent("telegram", f"{5000 + n}", now=NOW)
        except Unavailable as error:
            assert "is full" in str(error)
            return
    raise AssertionError("the capped file never filled")


async def test_ping_fails_after_a_save_failed_on_a_full_disk_until_one_succeeds(
    db_path: Path,
) -> None:
    store = await Store.open(db_path)
    try:
        await store.ping()
        await fill_the_disk(store)
        await store.ping()  # nothing has failed yet: nothing known
        await save_until_full(store)
        with pytest.raises(Unavailable, match="the last save, 0 s ago, failed") as failed:
            await store.ping()
        assert f"the disk holding {db_path} is full" in str(failed.value)
        await free_space(store)
        with pytest.raises(Unavailable):
            await store.ping()  # a probe alone does not say the disk has room again
        await store.ensure_respondent("telegram", "1001", now=NOW)  # a save does
        await store.ping()
    finally:
        await store.close()


async def test_ping_lets_a_balancer_try_again_after_a_while(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_db, "FULL_UNHEALTHY_S", 0.2)
    store = await Store.open(db_path)
    try:
        await fill_the_disk(store)
        await save_until_full(store)
        with pytest.raises(Unavailable, match="is full"):
            await store.ping()
        # Nobody is sent to an unhealthy instance, so no save can succeed to clear it:
        # after a while it says healthy again, and the next answer tells.
        await asyncio.sleep(0.3)
        await store.ping()
    finally:
        await store.close()


async def test_ping_fails_after_a_save_whose_rows_were_rolled_back(db_path: Path) -> None:
    # SQLite counts the rows of the UPDATE, which ran, though the INSERT's failure undid it.
    db = await Database.open(db_path)
    try:
        await db.run_write(lambda conn: conn.execute("CREATE TABLE t (v BLOB)"))
        await db.run_write(lambda conn: conn.execute("INSERT INTO t VALUES (x'00')"))
        await db.outside_transaction(
            lambda conn: conn.execute(
                f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}"
            )
        )

        def save(conn: sqlite3.Connection) -> None:
            conn.execute("UPDATE t SET v = x'01'")
            conn.execute("INSERT INTO t VALUES (zeroblob(100000))")

        with pytest.raises(Unavailable, match="is full"):
            await db.run_write(save, "save an answer")
        for _ in range(2):
            with pytest.raises(Unavailable, match="the last save, 0 s ago, failed"):
                await db.ping()
    finally:
        await db.close()


class FullAtCommit:
    """A disk with no room for the log: a COMMIT that has rows to write fails with
    SQLITE_FULL after rolling them back, as SQLite does; one with nothing to write (ping's)
    succeeds."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, conn_changes: int) -> None:
        self.commit = on_thread.commit
        self.changes = conn_changes  # rows counted by the writer's connection so far
        monkeypatch.setattr(on_thread, "commit", self.full_commit)

    def full_commit(self, same_file: on_thread.SameFile, conn: sqlite3.Connection) -> object:
        wrote, self.changes = conn.total_changes != self.changes, conn.total_changes
        if not wrote:
            return self.commit(same_file, conn)
        conn.execute("ROLLBACK")
        error = sqlite3.OperationalError("database or disk is full")
        error.sqlite_errorcode = sqlite3.SQLITE_FULL
        error.sqlite_errorname = "SQLITE_FULL"
        raise error


async def test_ping_fails_after_a_commit_failed_on_a_full_disk(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await Store.open(db_path)
    try:
        await store.ensure_respondent("telegram", "1001", now=NOW)
        changes = await store._db.outside_transaction(lambda conn: conn.total_changes)
        with monkeypatch.context() as full:
            FullAtCommit(full, changes)
            with pytest.raises(Unavailable, match="is full"):
                await store.ensure_respondent("telegram", "1002", now=NOW)
            for _ in range(2):  # the probe's own COMMIT succeeds: it has nothing to write
                with pytest.raises(Unavailable, match="the last save, 0 s ago, failed"):
                    await store.ping()
        await store.ensure_respondent("telegram", "1002", now=NOW)  # room again
        await store.ping()
    finally:
        await store.close()


@pytest.fixture
def small_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs: a real full disk, as only root can mount one."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:  # a container without CAP_SYS_ADMIN, for one
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def fill(path: Path) -> None:
    """Write zeroes to `path` until the filesystem has no room left."""
    with path.open("wb", buffering=0) as filler, pytest.raises(OSError) as full:
        while True:
            filler.write(bytes(65536))
    assert full.value.errno == errno.ENOSPC


async def test_ping_fails_after_a_save_failed_on_a_real_full_disk(
    small_filesystem: Path,
) -> None:
    store = await Store.open(small_filesystem / "surveybot.sqlite3")
    try:
        await store.ensure_respondent("telegram", "1001", now=NOW)
        fill(small_filesystem / "filler")
        with pytest.raises(Unavailable, match="is full"):
            await store.ensure_respondent("telegram", "1002", now=NOW)
        for _ in range(2):
            with pytest.raises(Unavailable, match="the last save, 0 s ago, failed"):
                await store.ping()
        (small_filesystem / "filler").unlink()
        await store.ensure_respondent("telegram", "1002", now=NOW)
        await store.ping()
    finally:
        await store.close()
