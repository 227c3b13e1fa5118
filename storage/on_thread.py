"""What `Database` (storage/db.py) runs on its connections' threads.

Each function takes the `sqlite3.Connection` last, as `ConnectionThread.run` hands it,
and is sent there with `functools.partial`. The writer's steps compare the file's
identity with the path's when they open a group and after they commit it
(storage/file_identity.py).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from storage.connection import Body
from storage.errors import StorageError
from storage.file_identity import FileReplaced, checkpoint_what_is_left

log = logging.getLogger("storage.db")

T = TypeVar("T")
SameFile = Callable[[], None]
"""Raises `FileReplaced` when the path no longer names the file the writer has open."""


@dataclass(frozen=True, slots=True)
class Ran(Generic[T]):
    """How a write body ended, as seen on the writer's thread."""

    result: T | None
    error: BaseException | None
    in_transaction: bool
    changes: int = 0
    """Rows the body inserted, updated or deleted, if it succeeded: kept in its group."""


def body(
    fn: Body[T], savepoint: str | None, same_file: SameFile, conn: sqlite3.Connection
) -> Ran[T]:
    """One writer's body: open the transaction or a savepoint, run `fn`, undo it if it fails.

    The body that opens a group first checks that the path still names the open file.
    """
    # SQLite counts rows changed by statements that completed, even if rolled back since.
    before = conn.total_changes
    try:
        if savepoint is None:
            checked(same_file, conn)
        conn.execute("BEGIN IMMEDIATE" if savepoint is None else f"SAVEPOINT {savepoint}")
    except BaseException as exc:
        # Nothing of ours to undo; the group's transaction, if any, is as it was.
        return Ran(None, exc, conn.in_transaction)
    try:
        result = fn(conn)
        if savepoint is not None:
            conn.execute(f"RELEASE {savepoint}")
    except BaseException as exc:
        undo_body(conn, savepoint)
        return Ran(None, exc, conn.in_transaction)
    return Ran(result, None, conn.in_transaction, conn.total_changes - before)


def undo_body(conn: sqlite3.Connection, savepoint: str | None) -> None:
    try:
        if savepoint is not None and conn.in_transaction:
            conn.execute(f"ROLLBACK TO {savepoint}")
            conn.execute(f"RELEASE {savepoint}")
            return
    except sqlite3.Error as exc:
        # Whatever is left of the transaction cannot be trusted: end it.
        log.warning("rollback to %s failed: %s", savepoint, exc)
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error as exc:
            log.warning("rollback failed: %s", exc)


def commit(same_file: SameFile, conn: sqlite3.Connection) -> None:
    """COMMIT, then check the file is still the path's."""
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            undo_body(conn, None)
        raise
    checked(same_file, conn)


def checked(same_file: SameFile, conn: sqlite3.Connection) -> None:
    """Check the path still names the open file; if not, copy the log into that file
    (no transaction is open here), so that a copy of it alone, from /proc, holds every
    committed answer, then raise `FileReplaced`."""
    try:
        same_file()
    except FileReplaced:
        checkpoint_what_is_left(conn)
        raise


def select_one(conn: sqlite3.Connection) -> None:
    """`ping`'s question: it writes nothing, but the writer must be free to ask it."""
    conn.execute("SELECT 1").fetchone()


def rollback(path: Path, conn: sqlite3.Connection) -> None:
    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        # SQLite rolls back by itself after some errors (e.g. a full disk) and
        # BEGIN may have failed: then there is nothing left to undo.
        log.debug("rollback on %s: %s", path, exc)


def outside(fn: Body[T], conn: sqlite3.Connection) -> T:
    result = fn(conn)
    if conn.in_transaction:
        # A transaction left open here would swallow the next group's BEGIN.
        conn.execute("ROLLBACK")
        raise StorageError("a function run outside a transaction must not leave one open")
    return result


def snapshot(fn: Body[T], conn: sqlite3.Connection) -> T:
    """`fn` in one read transaction: every statement sees the same state."""
    conn.execute("BEGIN")
    try:
        return fn(conn)
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
