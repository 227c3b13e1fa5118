"""One sqlite3 connection living on a thread of its own: opening, configuring, closing.

`Database` (storage/db.py) holds three of these: the writer, the reader and
the checkpointer. This module also turns SQLite errors into `StorageError`
messages that say what, where and how to fix, for every module of the package.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from queue import SimpleQueue
from typing import Any, Final, TypeVar

from storage.errors import StorageError, Unavailable, cannot_reach, cannot_write, disk_full

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS: Final = 5000
# The database holds personal data: new files are readable by their owner only.
FILE_MODE: Final = 0o600

T = TypeVar("T")
A = TypeVar("A")
Body = Callable[[sqlite3.Connection], T]


class ConnectionThread:
    """One sqlite3 connection and the single thread that creates, uses and closes it.

    What is sent runs in order, one at a time, on the thread that created the
    connection (sqlite3's own `check_same_thread` then guarantees no other
    thread touches it). Each call is a job on a queue, and its outcome comes
    back to the event loop in one `call_soon_threadsafe`: a `ThreadPoolExecutor`
    did the same with a concurrent future, its lock and condition, and a second
    future chained to it, about twice the CPU per trip, and a bot update makes
    five trips (docs/performance.md). A job, once sent, runs even if its caller
    is cancelled; its outcome then goes nowhere.

    The thread is a daemon: a process that exits without closing its database
    leaves it as a crash would, which SQLite's journal is made for.
    """

    def __init__(self, jobs: SimpleQueue[_Job | None], conn: sqlite3.Connection) -> None:
        self._jobs = jobs
        self._conn = conn

    @classmethod
    async def start(cls, connect: Callable[[], sqlite3.Connection], name: str) -> ConnectionThread:
        """Start the thread and run `connect` on it: the connection belongs to that thread."""
        jobs: SimpleQueue[_Job | None] = SimpleQueue()
        threading.Thread(target=_serve, args=(jobs,), name=name, daemon=True).start()
        opened, cancelled = await finish(_send(jobs, _connect_with, connect))
        error = asyncio.CancelledError() if opened.cancelled() else opened.exception()
        if cancelled or error is not None:
            if error is None:
                # Connected, but nobody is waiting for it any more.
                await finish(_send(jobs, _close_connection, opened.result()))
            jobs.put(None)
            if cancelled:
                raise asyncio.CancelledError
            raise error  # type: ignore[misc]
        return cls(jobs, opened.result())

    def run(self, fn: Body[T]) -> asyncio.Future[T]:
        """Run `fn(connection)` on the thread, after what is already queued there."""
        return _send(self._jobs, fn, self._conn)

    async def stop(self, path: Path) -> None:
        """Close the connection after what is queued, then let the thread end."""
        try:
            await to_the_end(self.run(_close_connection))
        except sqlite3.Error as exc:
            raise describe_error(exc, path, "close the database") from exc
        finally:
            self._jobs.put(None)


_Job = tuple[Callable[[Any], Any], Any, asyncio.Future[Any], asyncio.AbstractEventLoop]
"""What to run, on what, and the future (of which loop) that gets its outcome."""


def _send(jobs: SimpleQueue[_Job | None], fn: Callable[[A], T], arg: A) -> asyncio.Future[T]:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    jobs.put((fn, arg, future, loop))
    return future


def _serve(jobs: SimpleQueue[_Job | None]) -> None:
    """The thread: run each job in turn until told to stop (None)."""
    while (job := jobs.get()) is not None:
        fn, arg, future, loop = job
        try:
            outcome: tuple[Any, BaseException | None] = (fn(arg), None)
        except BaseException as exc:
            outcome = (None, exc)
        # A closed event loop refuses the outcome: nobody is waiting for it any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle, future, *outcome)
        del job, fn, arg, future, outcome  # nothing kept alive until the next job


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _connect_with(connect: Callable[[], sqlite3.Connection]) -> sqlite3.Connection:
    return connect()


def _close_connection(conn: sqlite3.Connection) -> None:
    conn.close()


def connect(path: Path, target: str, *, uri: bool, role: str) -> sqlite3.Connection:
    """Open and configure a connection.

    `role` is "writer", "reader", "readonly" or "checkpointer" (storage/checkpoints.py).
    """
    try:
        # We own transactions: no implicit BEGIN from the sqlite3 module.
        conn = sqlite3.connect(
            target, uri=uri, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
        )
    except sqlite3.Error as exc:
        raise describe_error(exc, path, "open the database") from exc
    try:
        configure(conn, path, role=role)
    except BaseException:
        conn.close()
        raise
    return conn


def configure(conn: sqlite3.Connection, path: Path, *, role: str) -> None:
    conn.row_factory = sqlite3.Row
    row = None
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Erased answers must not stay readable in freed pages: zero them.
        conn.execute("PRAGMA secure_delete = ON")
        if role == "readonly":
            # A read-only connection must not try to change the journal mode;
            # it reads WAL databases as they are.
            return
        if role == "writer":
            row = conn.execute("PRAGMA journal_mode = WAL").fetchone()
        # FULL, not NORMAL: in WAL, NORMAL survives a process crash but not a
        # power cut, and an acknowledged answer must survive both.
        conn.execute("PRAGMA synchronous = FULL")
        if role == "reader":
            # Reads only: whatever a read body sends, SQLite refuses to write.
            conn.execute("PRAGMA query_only = ON")
        if role != "writer":
            return
    except sqlite3.Error as exc:
        raise describe_error(exc, path, "open the database") from exc
    mode = str(row[0]).lower() if row is not None else "unknown"
    if mode != "wal":
        raise StorageError(
            f"cannot open database {path}: SQLite refused WAL journal mode "
            f"(it stayed {mode!r}); put the file on a local disk, not a network share"
        )


async def finish(awaitable: Awaitable[T]) -> tuple[asyncio.Future[T], bool]:
    """Await `awaitable` to its end even if we are cancelled meanwhile.

    Return it as a done future (result or exception), and whether we were cancelled.
    """
    task = asyncio.ensure_future(awaitable)
    cancelled = False
    while not task.done():
        try:
            await asyncio.wait((task,))
        except asyncio.CancelledError:
            cancelled = True
    return task, cancelled


async def to_the_end(awaitable: Awaitable[T]) -> T:
    """Await `awaitable` to its end even if we are cancelled meanwhile, then let that through.

    For steps that must be done before the write lock goes to someone else
    (commit and tell the writers), or before a thread is let go.
    """
    task, cancelled = await finish(awaitable)
    if cancelled:
        if not task.cancelled() and task.exception() is not None:
            log.debug("step interrupted by a cancellation failed: %r", task.exception())
        raise asyncio.CancelledError
    return task.result()


def describe_error(exc: sqlite3.Error, path: Path, action: str) -> StorageError:
    """Turn a SQLite error into a StorageError that says what, where and how to fix."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary == sqlite3.SQLITE_NOTADB:
        hint = (
            f"{path} is not a SQLite database; point surveybot at its own database "
            "file, or move this file out of the way"
        )
    elif primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        hint = (
            f"{path} stayed locked by another connection for {BUSY_TIMEOUT_MS // 1000} s; "
            "make sure a single bot process writes to it, then retry"
        )
    elif primary == sqlite3.SQLITE_READONLY:
        hint = cannot_write(path)
    elif primary == sqlite3.SQLITE_CANTOPEN and (denied := cannot_reach(path, action)):
        return denied
    elif primary == sqlite3.SQLITE_CANTOPEN:
        hint = f"SQLite cannot open {path}; check that the path is a readable file"
    elif primary == sqlite3.SQLITE_CORRUPT:
        hint = f"{path} is damaged; restore it from a backup"
    elif primary == sqlite3.SQLITE_FULL:
        hint = disk_full(path)
    else:
        hint = f"database {path}"
    # Another process holding the file, or the disk full, passes; the rest is a fault.
    passing = primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_FULL)
    return (Unavailable if passing else StorageError)(f"cannot {action}: {hint} (SQLite: {exc})")


def create_private_file(path: Path) -> None:
    """Create `path` with owner-only permissions if it does not exist yet.

    SQLite would create it with the umask's permissions; its -wal and -shm
    files copy the database file's mode, so they stay private too.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    except OSError as exc:
        raise StorageError(
            f"cannot create database file {path}: {exc.strerror}; "
            "check that its directory exists and is writable"
        ) from exc
    try:
        if hasattr(os, "fchmod"):
            # os.open's mode is filtered by the umask; make it exact.
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
