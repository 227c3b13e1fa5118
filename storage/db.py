"""Opening the SQLite file and running guarded transactions on it.

A read-write `Database` owns two aiosqlite connections to one file in WAL mode:

- The writer. Writes are committed in groups: one transaction and one fsync
  for every writer that queued up while the previous one ran. The first
  writer of a group opens `BEGIN IMMEDIATE`; each later one runs its body
  inside its own `SAVEPOINT`, so a body that fails undoes only itself. When
  no writer is left waiting for the lock, a single `COMMIT` ends the group,
  and only then does each of its writers return: an answer is exactly as
  durable as with a transaction of its own.
- The reader: WAL lets it read while the writer works, and it sees committed
  groups only. Each read is one read transaction, so a read of several
  statements sees one state of the database.

A read-only `Database` has the reader only.

Two ways in, with the same guarantees. `run_write(fn)` and `run_read(fn)` run a
plain function of a `sqlite3.Connection` on the connection's own thread in one
round trip, which is what the `Store` uses: every `await` on aiosqlite costs a
trip to that thread and back, and those trips, not SQLite, were most of the
storage's cost. `write()` and `read()` give the aiosqlite connection to an
async block, for migrations and rarer multi-step work.

SQLite errors leave this module as `StorageError` with a message naming the
file and the way out.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Final, TypeVar, cast

import aiosqlite

from storage.errors import StorageError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS: Final = 5000
# The database holds personal data: new files are readable by their owner only.
FILE_MODE: Final = 0o600
# Bodies in one group at most: while writers keep queuing, the first ones must
# not wait for ever for their COMMIT.
GROUP_LIMIT: Final = 64

Params = Sequence[object]
T = TypeVar("T")
Body = Callable[[sqlite3.Connection], T]


@dataclass(eq=False)
class _Group:
    """The transaction open on the writer, and the writers whose bodies ran in it."""

    waiting: list[tuple[asyncio.Future[None], str]] = field(default_factory=list)
    """Each writer whose body was kept, waiting for the COMMIT, with its action."""
    members: int = 0
    """Bodies started in this transaction, failed ones included (names savepoints)."""


class Database:
    """An SQLite file with a group-committing writer and a reader; open with `Database.open`."""

    def __init__(
        self,
        writer: aiosqlite.Connection | None,
        reader: aiosqlite.Connection,
        path: Path,
        *,
        readonly: bool,
    ) -> None:
        self.path = path
        self.readonly = readonly
        self._writer = writer
        self._reader: aiosqlite.Connection | None = reader
        self._closed = False
        # Held by the writer whose body is running, then by whoever commits.
        self._write_lock = asyncio.Lock()
        # Held through a read() block: nothing else may run inside its transaction.
        self._read_lock = asyncio.Lock()
        self._owner: asyncio.Task[object] | None = None
        self._read_owner: asyncio.Task[object] | None = None
        self._group: _Group | None = None
        self._queued = 0
        """Writers waiting for the write lock: while there are any, the group stays open."""
        self._tasks: set[asyncio.Task[None]] = set()
        self.commits = 0
        """Groups committed so far: each one COMMIT, one fsync."""

    @classmethod
    async def open(cls, path: str | Path, *, readonly: bool = False) -> Database:
        """Connect to the file at `path` and set the connections' pragmas."""
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
            conn = await _connect(path, path.resolve().as_uri() + "?mode=ro", uri=True)
            try:
                await _configure(conn, path, role="readonly")
            except BaseException:
                await conn.close()
                raise
            return cls(None, conn, path, readonly=True)

        _create_private_file(path)
        writer = await _connect(path, str(path), uri=False)
        reader: aiosqlite.Connection | None = None
        try:
            # The writer first: it puts the file in WAL mode, which the reader relies on.
            await _configure(writer, path, role="writer")
            reader = await _connect(path, str(path), uri=False)
            await _configure(reader, path, role="reader")
        except BaseException:
            if reader is not None:
                await reader.close()
            await writer.close()
            raise
        return cls(writer, reader, path, readonly=False)

    @property
    def closed(self) -> bool:
        """Whether `close()` has been called."""
        return self._closed

    async def close(self) -> None:
        """Close the connections after any running transaction; idempotent.

        A group still open is committed first.
        """
        self._closed = True
        async with self._read_lock:
            reader, self._reader = self._reader, None
            # The reader goes first: the last connection to close checkpoints the
            # -wal file into the database and removes it, and only the writer can.
            if reader is not None:
                await _close(reader, self.path)
        if self._writer is None:
            return
        async with self._write_lock:
            writer, self._writer = self._writer, None
            if writer is None:
                return
            try:
                await _to_the_end(self._commit(writer))
            finally:
                await _close(writer, self.path)

    def _writer_connection(self) -> aiosqlite.Connection:
        if self._writer is None:
            raise self._closed_error()
        return self._writer

    def _reader_connection(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise self._closed_error()
        return self._reader

    def _closed_error(self) -> StorageError:
        return StorageError(f"the database {self.path} is closed; open a new Store to use it")

    def _owns_transaction(self) -> bool:
        return self._owner is not None and self._owner is asyncio.current_task()

    def _check_writable(self, action: str) -> None:
        if self.readonly:
            raise StorageError(
                f"cannot {action}: {self.path} was opened read-only; "
                "open it with readonly=False to write"
            )
        if self._owns_transaction():
            # The lock is not re-entrant; waiting for it here would hang forever.
            raise StorageError(f"cannot {action}: write transactions do not nest")

    # Writing

    async def run_write(self, fn: Body[T], action: str = "write to the database") -> T:
        """Run `fn(connection)` on the writer's thread as one write: all of it lands, or none.

        `fn` is plain synchronous code on a `sqlite3.Connection`; it may share
        its transaction with other writers' bodies (a group), and is rolled
        back alone if it raises. Returns `fn`'s result once the group's COMMIT
        has succeeded; if that COMMIT fails, every writer of the group gets
        the error. Cancelled after `fn` has run, the write still lands with
        its group. `action` completes "cannot …" in error messages.
        """
        self._check_writable(action)
        await self._acquire_for_writing()
        try:
            conn = self._writer_connection()
            group, savepoint = self._join_group()
            # The body runs to its end on the thread whatever happens to this task,
            # and the lock must not move on before we know how it ended.
            hop, cancelled = await _finish(_in_thread(conn, partial(_body, fn, savepoint)))
            failure = asyncio.CancelledError() if hop.cancelled() else hop.exception()
            if failure is not None:
                # The thread rolled the body back: to its savepoint, or the whole
                # transaction if it opened it (or if SQLite did so by itself).
                if savepoint is None or not conn.in_transaction:
                    self._drop_group(failure)
                if cancelled:
                    raise asyncio.CancelledError
                if isinstance(failure, sqlite3.Error):
                    raise describe_error(failure, self.path, action) from failure
                raise failure
            committed = self._keep(conn, group, action)
        finally:
            await self._end_turn()
        if cancelled:
            # The body is in its group and lands with it; nobody waits for that.
            raise asyncio.CancelledError
        await committed
        return hop.result()

    async def change(
        self, sql: str, params: Params = (), action: str = "write to the database"
    ) -> int:
        """Run one statement with `run_write`; return how many rows it changed."""
        return await self.run_write(partial(_change, sql=sql, params=params), action)

    async def change_many(
        self, sql: str, rows: Iterable[Params], action: str = "write to the database"
    ) -> int:
        """Run one statement for each of `rows` with `run_write`; return the rows changed."""
        return await self.run_write(partial(_change_many, sql=sql, rows=list(rows)), action)

    @asynccontextmanager
    async def write(
        self, action: str = "write to the database"
    ) -> AsyncIterator[aiosqlite.Connection]:
        """Run the async block as one write, like `run_write`, on the aiosqlite connection.

        Each `await` in the block is a round trip to the writer's thread, during
        which no other write can run: prefer `run_write` on hot paths.
        """
        self._check_writable(action)
        await self._acquire_for_writing()
        try:
            conn = self._writer_connection()
            self._owner = asyncio.current_task()
            group, savepoint = self._join_group()
            try:
                # Inside the try: if we are cancelled while BEGIN or SAVEPOINT is
                # queued it still runs, and the undo below must follow it.
                await conn.execute(
                    "BEGIN IMMEDIATE" if savepoint is None else f"SAVEPOINT {savepoint}"
                )
                yield conn
            except BaseException as exc:
                await _to_the_end(self._undo(conn, savepoint, exc))
                if isinstance(exc, sqlite3.Error):
                    raise describe_error(exc, self.path, action) from exc
                raise
            cancelled = False
            if savepoint is not None:
                # As in run_write: once the block has run, the write is kept even
                # if we are cancelled meanwhile.
                released, cancelled = await _finish(_statement(conn, f"RELEASE {savepoint}"))
                failure = None if released.cancelled() else released.exception()
                if failure is not None:
                    await _to_the_end(self._abandon_group(conn, failure))
                    if isinstance(failure, sqlite3.Error):
                        raise describe_error(failure, self.path, action) from failure
                    raise failure
            committed = self._keep(conn, group, action)
        finally:
            self._owner = None
            await self._end_turn()
        if cancelled:
            raise asyncio.CancelledError
        await committed

    async def _acquire_for_writing(self) -> None:
        self._queued += 1
        try:
            await self._write_lock.acquire()
        except BaseException:
            self._queued -= 1
            # Cancelled while queued: the group may have been waiting for us to join it.
            self._commit_if_abandoned()
            raise
        self._queued -= 1

    def _join_group(self) -> tuple[_Group, str | None]:
        """Join the open group, or open one; return it and our savepoint (None: we opened it)."""
        group = self._group
        if group is None:
            group = self._group = _Group()
            savepoint = None
        else:
            savepoint = f"write_{group.members}"
        group.members += 1
        return group, savepoint

    def _keep(self, conn: aiosqlite.Connection, group: _Group, action: str) -> asyncio.Future[None]:
        """Keep a body that succeeded in its group; return what its COMMIT will resolve."""
        if not conn.in_transaction:
            # The transaction ended inside the body: SQLite rolled it back after an
            # error the body caught, or the body ran COMMIT or ROLLBACK itself.
            error = StorageError(
                f"cannot {action}: the transaction on {self.path} ended inside the write; "
                "do not run COMMIT, ROLLBACK or RELEASE in a write body"
            )
            self._drop_group(error)
            raise error
        committed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        # A writer cancelled meanwhile no longer awaits it: its error must not go unseen.
        committed.add_done_callback(_retrieve)
        group.waiting.append((committed, action))
        return committed

    async def _end_turn(self) -> None:
        """After a body, holding the lock: COMMIT if nobody is waiting to join, then let go."""
        group = self._group
        try:
            if (
                group is not None
                and (self._queued == 0 or group.members >= GROUP_LIMIT)
                and self._writer is not None
            ):
                await _to_the_end(self._commit(self._writer))
        finally:
            self._write_lock.release()

    async def _undo(
        self, conn: aiosqlite.Connection, savepoint: str | None, cause: BaseException
    ) -> None:
        """Roll back a failed `write()` block, and nothing else if SQLite allows it."""
        if savepoint is None:
            # The block that opened the transaction is alone in it.
            self._group = None
            await _rollback(conn, self.path)
            return
        try:
            await conn.execute(f"ROLLBACK TO {savepoint}")
            await conn.execute(f"RELEASE {savepoint}")
        except sqlite3.Error as exc:
            log.warning("rollback to %s on %s failed: %s", savepoint, self.path, exc)
        else:
            if conn.in_transaction:
                return
        await self._abandon_group(conn, cause)

    async def _abandon_group(self, conn: aiosqlite.Connection, cause: BaseException) -> None:
        """End the open transaction without committing; its waiting writers get an error."""
        if conn.in_transaction:
            await _rollback(conn, self.path)
        self._drop_group(cause)

    def _drop_group(self, cause: BaseException) -> None:
        """Forget the group, whose transaction is gone: its waiting writers get an error.

        SQLite rolls a whole transaction back by itself after some errors (a
        full disk, an I/O error, a trigger's RAISE(ROLLBACK)…); the group's
        other bodies went with it.
        """
        group, self._group = self._group, None
        if group is None:
            return
        for committed, action in group.waiting:
            if not committed.done():
                committed.set_exception(self._lost(cause, action))

    def _lost(self, cause: BaseException, action: str) -> StorageError:
        if isinstance(cause, sqlite3.Error):
            return describe_error(cause, self.path, action)
        return StorageError(
            f"cannot {action}: the transaction it shared with other writes on {self.path} "
            f"was rolled back ({str(cause) or type(cause).__name__}); retry"
        )

    def _commit_if_abandoned(self) -> None:
        """A queued writer gave up: if the open group was waiting for it, commit it."""
        if self._queued or self._group is None or self._write_lock.locked():
            return
        task = asyncio.get_running_loop().create_task(self._commit_when_free())
        # The loop keeps only a weak reference to a task.
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _commit_when_free(self) -> None:
        async with self._write_lock:
            if self._writer is not None:
                await _to_the_end(self._commit(self._writer))

    async def _commit(self, conn: aiosqlite.Connection) -> None:
        """COMMIT the open group, holding the write lock, and tell its writers."""
        group, self._group = self._group, None
        if group is None:
            return
        if not group.waiting:
            # Every body of the group failed: there is nothing to keep.
            await _rollback(conn, self.path)
            return
        try:
            await conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                await _rollback(conn, self.path)
            for committed, action in group.waiting:
                if not committed.done():
                    committed.set_exception(self._lost(exc, action))
            if not isinstance(exc, sqlite3.Error | ValueError):
                raise
            return
        self.commits += 1
        for committed, _ in group.waiting:
            if not committed.done():
                committed.set_result(None)

    @asynccontextmanager
    async def outside_transaction(
        self, action: str = "use the database"
    ) -> AsyncIterator[aiosqlite.Connection]:
        """Give the writer connection with no transaction open, for checkpoints and the like.

        The open group is committed first; writers wait until the block ends.
        """
        self._check_writable(action)
        await self._write_lock.acquire()
        try:
            conn = self._writer_connection()
            await _to_the_end(self._commit(conn))
            try:
                yield conn
            except sqlite3.Error as exc:
                raise describe_error(exc, self.path, action) from exc
        finally:
            self._write_lock.release()

    # Reading

    async def run_read(self, fn: Body[T], action: str = "read the database") -> T:
        """Run `fn(connection)` on the reader's thread in one read transaction; return its result.

        It sees every write whose `run_write` or `write()` has returned, and
        nothing uncommitted. Inside this task's own `write()` block, it runs
        in that transaction instead (and sees what the group wrote so far).
        """
        try:
            if self._owns_transaction():
                return await _in_thread(self._writer_connection(), fn)
            if self._read_owner is not None and self._read_owner is asyncio.current_task():
                # Inside this task's own read() block: join its snapshot.
                return await _in_thread(self._reader_connection(), fn)
            if not self._read_lock.locked():
                # One round trip holds the whole transaction: nothing can land inside it.
                return await _in_thread(self._reader_connection(), partial(_snapshot, fn))
            async with self._read_lock:
                return await _in_thread(self._reader_connection(), partial(_snapshot, fn))
        except sqlite3.Error as exc:
            raise describe_error(exc, self.path, action) from exc

    async def read_one(
        self, sql: str, params: Params = (), action: str = "read the database"
    ) -> sqlite3.Row | None:
        """Run one query with `run_read` and return its first row, if any."""
        return await self.run_read(partial(select_one, sql=sql, params=params), action)

    async def read_all(
        self, sql: str, params: Params = (), action: str = "read the database"
    ) -> list[sqlite3.Row]:
        """Run one query with `run_read` and return all its rows."""
        return await self.run_read(partial(select_all, sql=sql, params=params), action)

    @asynccontextmanager
    async def read(self, action: str = "read the database") -> AsyncIterator[aiosqlite.Connection]:
        """Give the aiosqlite reader to an async block, in one read transaction.

        Committed rows only, as `run_read`; inside this task's own `write()`
        block, the read joins its transaction, and inside its own `read()`
        block, that one.
        """
        if self._owns_transaction():
            yield self._writer_connection()
            return
        if self._read_owner is not None and self._read_owner is asyncio.current_task():
            yield self._reader_connection()
            return
        async with self._read_lock:
            conn = self._reader_connection()
            self._read_owner = asyncio.current_task()
            try:
                try:
                    await conn.execute("BEGIN")
                    yield conn
                finally:
                    self._read_owner = None
                    # Queued after anything the block sent, even if we are cancelled.
                    await _rollback(conn, self.path)
            except sqlite3.Error as exc:
                raise describe_error(exc, self.path, action) from exc


# On the connection's thread


def _body(fn: Body[T], savepoint: str | None, conn: sqlite3.Connection) -> T:
    """One writer's body: open the transaction or a savepoint, run `fn`, undo it if it fails."""
    conn.execute("BEGIN IMMEDIATE" if savepoint is None else f"SAVEPOINT {savepoint}")
    try:
        result = fn(conn)
        if savepoint is not None:
            conn.execute(f"RELEASE {savepoint}")
    except BaseException:
        _undo_body(conn, savepoint)
        raise
    return result


def _undo_body(conn: sqlite3.Connection, savepoint: str | None) -> None:
    try:
        if savepoint is not None and conn.in_transaction:
            conn.execute(f"ROLLBACK TO {savepoint}")
            conn.execute(f"RELEASE {savepoint}")
            return
    except sqlite3.Error as exc:
        # Whatever is left of the transaction cannot be trusted: end it.
        log.warning("rollback to %s failed: %s", savepoint, exc)
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def _snapshot(fn: Body[T], conn: sqlite3.Connection) -> T:
    """`fn` in one read transaction: every statement sees the same state."""
    conn.execute("BEGIN")
    try:
        return fn(conn)
    finally:
        conn.execute("ROLLBACK")


def _change(conn: sqlite3.Connection, sql: str, params: Params) -> int:
    return conn.execute(sql, params).rowcount


def _change_many(conn: sqlite3.Connection, sql: str, rows: list[Params]) -> int:
    return conn.executemany(sql, rows).rowcount


def select_one(conn: sqlite3.Connection, sql: str, params: Params = ()) -> sqlite3.Row | None:
    """Run a query and return its first row, if any (in a `run_*` function)."""
    row: sqlite3.Row | None = conn.execute(sql, params).fetchone()
    return row


def select_all(conn: sqlite3.Connection, sql: str, params: Params = ()) -> list[sqlite3.Row]:
    """Run a query and return all its rows (in a `run_*` function)."""
    return conn.execute(sql, params).fetchall()


# On the event loop


async def _in_thread(conn: aiosqlite.Connection, fn: Body[T]) -> T:
    """Run `fn(sqlite3 connection)` on the connection's thread, after what is queued there.

    aiosqlite runs every call on a connection's own thread, one at a time in
    the order they were queued, and `_execute` is how its own methods queue
    them. It is not public API; tests/storage/test_storage_group_commit.py
    fails if it stops behaving this way.
    """
    try:
        sqlite_conn = conn._conn
    except ValueError as exc:  # aiosqlite: "no active connection"
        raise StorageError("the database connection is closed") from exc
    return cast(T, await conn._execute(fn, sqlite_conn))  # type: ignore[no-untyped-call]


async def _statement(conn: aiosqlite.Connection, sql: str) -> None:
    await conn.execute(sql)


async def _finish(awaitable: Awaitable[T]) -> tuple[asyncio.Future[T], bool]:
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


async def _to_the_end(awaitable: Awaitable[T]) -> T:
    """Await `awaitable` to its end even if we are cancelled meanwhile, then let that through.

    For steps of several statements (roll back to a savepoint and check what is
    left; commit and tell the writers) that must all be done before the write
    lock goes to someone else.
    """
    task, cancelled = await _finish(awaitable)
    if cancelled:
        if not task.cancelled() and task.exception() is not None:
            log.debug("step interrupted by a cancellation failed: %r", task.exception())
        raise asyncio.CancelledError
    return task.result()


def _retrieve(future: asyncio.Future[Any]) -> None:
    # Nobody awaits this future: mark its error as seen, or asyncio logs it.
    if not future.cancelled():
        future.exception()


async def _connect(path: Path, target: str, *, uri: bool) -> aiosqlite.Connection:
    try:
        return await aiosqlite.connect(
            target,
            uri=uri,
            # We own transactions: no implicit BEGIN from the sqlite3 module.
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
    except sqlite3.Error as exc:
        raise describe_error(exc, path, "open the database") from exc


async def _configure(conn: aiosqlite.Connection, path: Path, *, role: str) -> None:
    """Set a connection's pragmas; `role` is "writer", "reader" or "readonly"."""
    conn.row_factory = sqlite3.Row
    row = None
    try:
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA foreign_keys = ON")
        # Erased answers must not stay readable in freed pages: zero them.
        await conn.execute("PRAGMA secure_delete = ON")
        if role == "readonly":
            # A read-only connection must not try to change the journal mode;
            # it reads WAL databases as they are.
            return
        if role == "writer":
            async with conn.execute("PRAGMA journal_mode = WAL") as cursor:
                row = await cursor.fetchone()
        # FULL, not NORMAL: in WAL, NORMAL survives a process crash but not a
        # power cut, and an acknowledged answer must survive both.
        await conn.execute("PRAGMA synchronous = FULL")
        if role == "reader":
            # Reads only: whatever a read body sends, SQLite refuses to write.
            await conn.execute("PRAGMA query_only = ON")
            return
    except sqlite3.Error as exc:
        raise describe_error(exc, path, "open the database") from exc
    mode = str(row[0]).lower() if row is not None else "unknown"
    if mode != "wal":
        raise StorageError(
            f"cannot open database {path}: SQLite refused WAL journal mode "
            f"(it stayed {mode!r}); put the file on a local disk, not a network share"
        )


async def _close(conn: aiosqlite.Connection, path: Path) -> None:
    try:
        await conn.close()
    except sqlite3.Error as exc:
        raise describe_error(exc, path, "close the database") from exc


async def _rollback(conn: aiosqlite.Connection, path: Path) -> None:
    try:
        await conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        # SQLite rolls back by itself after some errors (e.g. a full disk) and
        # BEGIN may have failed: then there is nothing left to undo.
        log.debug("rollback on %s: %s", path, exc)


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
