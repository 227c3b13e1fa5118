"""Opening the SQLite file and running guarded transactions on it.

`Database` owns one aiosqlite connection. Writes go through `write()`, which
holds an `asyncio.Lock` around `BEGIN IMMEDIATE … COMMIT` and rolls back on
any exception; reads go through `read()`. SQLite errors leave this module as
`StorageError` with a message naming the file and the way out.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Final

import aiosqlite

from storage.errors import StorageError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS: Final = 5000
# The database holds personal data: new files are readable by their owner only.
FILE_MODE: Final = 0o600

Params = Sequence[object]


class Database:
    """One SQLite connection with a write lock; open it with `Database.open`."""

    def __init__(self, conn: aiosqlite.Connection, path: Path, *, readonly: bool) -> None:
        self.path = path
        self.readonly = readonly
        self._conn: aiosqlite.Connection | None = conn
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[object] | None = None

    @classmethod
    async def open(cls, path: str | Path, *, readonly: bool = False) -> Database:
        """Connect to the file at `path` and set the connection's pragmas."""
        path = Path(path)
        if path.is_dir():
            raise StorageError(
                f"cannot open database {path}: it is a directory; "
                f"pass a file path such as {path / 'surveybot.sqlite3'}"
            )
        if readonly:
            if not path.exists():
                raise StorageError(
                    f"cannot open database {path} read-only: the file does not exist; "
                    "check the path, or run the bot once to create it"
                )
            # A URI with mode=ro makes SQLite itself refuse writes, and never
            # create the file; as_uri() percent-encodes `?` and `#` in the path.
            target, uri = path.resolve().as_uri() + "?mode=ro", True
        else:
            _create_private_file(path)
            target, uri = str(path), False

        try:
            conn = await aiosqlite.connect(
                target,
                uri=uri,
                # We own transactions: no implicit BEGIN from the sqlite3 module.
                isolation_level=None,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
        except sqlite3.Error as exc:
            raise describe_error(exc, path, "open the database") from exc

        db = cls(conn, path, readonly=readonly)
        try:
            await db._configure(conn)
        except BaseException:
            await conn.close()
            raise
        return db

    async def _configure(self, conn: aiosqlite.Connection) -> None:
        conn.row_factory = sqlite3.Row
        try:
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await conn.execute("PRAGMA foreign_keys = ON")
            # Erased answers must not stay readable in freed pages: zero them.
            await conn.execute("PRAGMA secure_delete = ON")
            if self.readonly:
                # A read-only connection must not try to change the journal mode;
                # it reads WAL databases as they are.
                return
            async with conn.execute("PRAGMA journal_mode = WAL") as cursor:
                row = await cursor.fetchone()
            # FULL, not NORMAL: in WAL, NORMAL survives a process crash but not a
            # power cut, and an acknowledged answer must survive both.
            await conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error as exc:
            raise describe_error(exc, self.path, "open the database") from exc
        mode = str(row[0]).lower() if row is not None else "unknown"
        if mode != "wal":
            raise StorageError(
                f"cannot open database {self.path}: SQLite refused WAL journal mode "
                f"(it stayed {mode!r}); put the file on a local disk, not a network share"
            )

    @property
    def closed(self) -> bool:
        """Whether `close()` has been called."""
        return self._conn is None

    async def close(self) -> None:
        """Close the connection after any running transaction; idempotent."""
        if self._conn is None:
            return
        async with self._lock:
            conn, self._conn = self._conn, None
            if conn is None:
                return
            try:
                await conn.close()
            except sqlite3.Error as exc:
                raise describe_error(exc, self.path, "close the database") from exc

    def _connection(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise StorageError(f"the database {self.path} is closed; open a new Store to use it")
        return self._conn

    def _owns_transaction(self) -> bool:
        return self._owner is not None and self._owner is asyncio.current_task()

    @asynccontextmanager
    async def write(
        self, action: str = "write to the database"
    ) -> AsyncIterator[aiosqlite.Connection]:
        """Run the body in one `BEGIN IMMEDIATE` transaction: all of it lands, or none.

        `action` completes "cannot …" in error messages.
        """
        if self.readonly:
            raise StorageError(
                f"cannot {action}: {self.path} was opened read-only; "
                "open it with readonly=False to write"
            )
        if self._owns_transaction():
            # The lock is not re-entrant; waiting for it here would hang forever.
            raise StorageError(f"cannot {action}: write transactions do not nest")
        # The lock is what keeps another task's statement, sent on this shared
        # connection, from landing inside our transaction and sharing its fate.
        async with self._lock:
            conn = self._connection()
            self._owner = asyncio.current_task()
            try:
                # BEGIN sits inside the try: if we are cancelled while it is queued
                # it still runs, and the ROLLBACK below must follow it.
                await conn.execute("BEGIN IMMEDIATE")
                yield conn
                await conn.execute("COMMIT")
            except BaseException as exc:
                await self._rollback(conn)
                if isinstance(exc, sqlite3.Error):
                    raise describe_error(exc, self.path, action) from exc
                raise
            finally:
                self._owner = None

    @asynccontextmanager
    async def read(self, action: str = "read the database") -> AsyncIterator[aiosqlite.Connection]:
        """Give the connection for reading; only committed rows are visible.

        Reads take the lock too: on a shared connection, a read sent while
        another task's transaction is open would see its uncommitted rows.
        Inside this task's own write transaction, the read joins it.
        """
        if self._owns_transaction():
            yield self._connection()
            return
        async with self._lock:
            conn = self._connection()
            try:
                yield conn
            except sqlite3.Error as exc:
                raise describe_error(exc, self.path, action) from exc

    async def _rollback(self, conn: aiosqlite.Connection) -> None:
        try:
            await conn.execute("ROLLBACK")
        except sqlite3.Error as exc:
            # SQLite rolls back by itself after some errors (e.g. a full disk) and
            # BEGIN may have failed: then there is nothing left to undo.
            log.debug("rollback on %s: %s", self.path, exc)


async def fetch_one(
    conn: aiosqlite.Connection, sql: str, params: Params = ()
) -> sqlite3.Row | None:
    """Run a query and return its first row, if any."""
    async with conn.execute(sql, params) as cursor:
        return await cursor.fetchone()


async def fetch_all(conn: aiosqlite.Connection, sql: str, params: Params = ()) -> list[sqlite3.Row]:
    """Run a query and return all its rows."""
    return list(await conn.execute_fetchall(sql, params))


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
        hint = (
            f"{path} is read-only; open it with readonly=False and check that "
            "the file and its directory are writable"
        )
    elif primary == sqlite3.SQLITE_CANTOPEN:
        hint = f"SQLite cannot open {path}; check that the path is a readable file"
    elif primary == sqlite3.SQLITE_CORRUPT:
        hint = f"{path} is damaged; restore it from a backup"
    elif primary == sqlite3.SQLITE_FULL:
        hint = f"the disk holding {path} is full; free some space and retry"
    else:
        hint = f"database {path}"
    return StorageError(f"cannot {action}: {hint} (SQLite: {exc})")


def _create_private_file(path: Path) -> None:
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
