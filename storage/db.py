"""Opening the SQLite file, and running reads and group-committed writes on it.

`Database` owns its threads, as Datasette does with `execute_write_fn`: a
writer, a reader and a checkpointer, each a plain `sqlite3.Connection` created
on, and only ever used from, its own single thread (`storage.connection`).
`run_write(fn)` and `run_read(fn)` send a plain function of the connection to
that thread and await it: one trip per operation, however many statements it
runs. Those trips, not SQLite, were most of the storage's cost; aiosqlite has
no public way to run a function on its thread in one trip, and its private one
(`_execute`) could change in any release.

- The writer. Writes are committed in groups: one transaction and one fsync
  for every writer that queued up while the previous one ran. The first
  writer of a group opens `BEGIN IMMEDIATE`; each later one runs its body
  inside its own `SAVEPOINT`, so a body that fails undoes only itself. When
  no writer is left waiting for the lock, a single `COMMIT` ends the group,
  and only then does each of its writers return: an answer is exactly as
  durable as with a transaction of its own.
- The reader: WAL lets it read while the writer works. Each `run_read` is one
  read transaction: all its statements see one state, of committed groups only.
- The checkpointer (storage/checkpoints.py) copies the write-ahead log into
  the database file every second, so the writer never does it in a commit.

A read-only `Database` has the reader only, opened with `mode=ro`; the threads,
and how a connection is opened and configured, are in `storage.connection`.
SQLite errors leave as `StorageError`, naming the file and the way out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Final, Generic, TypeVar, cast

from storage.checkpoints import Checkpointer, no_automatic_checkpoints
from storage.connection import (
    BUSY_TIMEOUT_MS,
    FILE_MODE,
    Body,
    ConnectionThread,
    connect,
    create_private_file,
    describe_error,
    finish,
    to_the_end,
)
from storage.errors import NotFound, StorageError, directory_given

log = logging.getLogger(__name__)

# Bodies in one group at most: while writers keep queuing, the first ones must
# not wait for ever for their COMMIT.
GROUP_LIMIT: Final = 64

T = TypeVar("T")
__all__ = ["BUSY_TIMEOUT_MS", "FILE_MODE", "GROUP_LIMIT", "Database", "describe_error"]


@dataclass(eq=False)
class _Group:
    """The transaction open on the writer, and the writers whose bodies ran in it."""

    waiting: list[tuple[asyncio.Future[None], str]] = field(default_factory=list)
    """Each writer whose body was kept, waiting for the COMMIT, with its action."""
    members: int = 0
    """Bodies started in this transaction, failed ones included (names savepoints)."""


@dataclass(frozen=True, slots=True)
class _Ran(Generic[T]):
    """How a write body ended, as seen on the writer's thread."""

    result: T | None
    error: BaseException | None
    in_transaction: bool


class Database:
    """An SQLite file with a group-committing writer and a reader; open with `Database.open`."""

    def __init__(
        self,
        writer: ConnectionThread | None,
        reader: ConnectionThread,
        path: Path,
        *,
        checkpointer: Checkpointer | None = None,
    ) -> None:
        self.path = path
        self.readonly = writer is None
        self._writer = writer
        self._reader: ConnectionThread | None = reader
        self._checkpointer = checkpointer
        if checkpointer is not None:
            checkpointer.start(self.outside_transaction)
        self._closed = False
        # Held by the writer whose body is running, then by whoever commits.
        self._write_lock = asyncio.Lock()
        self._group: _Group | None = None
        self._queued = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._commits = 0

    @classmethod
    async def open(cls, path: str | Path, *, readonly: bool = False) -> Database:
        """Connect to the file at `path` and set the connections' pragmas."""
        path = Path(path)
        if path.is_dir():
            raise directory_given(path, "open database")
        if readonly:
            return await cls._open_readonly(path)
        create_private_file(path)
        # The writer first: it puts the file in WAL mode, which the others rely on.
        writer = await ConnectionThread.start(
            partial(connect, path, str(path), uri=False, role="writer"), "sqlite-writer"
        )
        reader: ConnectionThread | None = None
        checkpointer: Checkpointer | None = None
        try:
            reader = await ConnectionThread.start(
                partial(connect, path, str(path), uri=False, role="reader"), "sqlite-reader"
            )
            checkpointer = await Checkpointer.open(path)
            await writer.run(no_automatic_checkpoints)
        except BaseException:
            if checkpointer is not None:
                await checkpointer.stop()
            if reader is not None:
                await reader.stop(path)
            await writer.stop(path)
            raise
        return cls(writer, reader, path, checkpointer=checkpointer)

    @classmethod
    async def _open_readonly(cls, path: Path) -> Database:
        if not path.exists():
            raise StorageError(
                f"cannot open database {path} read-only: the file does not exist; "
                "check the path, or run the bot once to create it"
            )
        # A URI with mode=ro makes SQLite itself refuse writes, and never
        # create the file; as_uri() percent-encodes `?` and `#` in the path.
        target = path.resolve().as_uri() + "?mode=ro"
        reader = await ConnectionThread.start(
            partial(connect, path, target, uri=True, role="readonly"), "sqlite-readonly"
        )
        return cls(None, reader, path)

    @property
    def closed(self) -> bool:
        """Whether `close()` has been called."""
        return self._closed

    @property
    def commits(self) -> int:
        """Groups committed so far: each one COMMIT, one fsync."""
        return self._commits

    @property
    def queued(self) -> int:
        """Writers waiting for the write lock: while there are any, the open group stays open."""
        return self._queued

    async def close(self) -> None:
        """Close the connections after the work queued on them; idempotent.

        A group still open is committed first.
        """
        self._closed = True
        reader, self._reader = self._reader, None
        checkpointer, self._checkpointer = self._checkpointer, None
        # Run last to first, each even if one before failed. The writer goes last: the
        # last connection to close checkpoints the -wal file and removes it.
        async with contextlib.AsyncExitStack() as closing:
            closing.push_async_callback(self._close_writer)
            if reader is not None:
                closing.push_async_callback(reader.stop, self.path)
            if checkpointer is not None:
                closing.push_async_callback(checkpointer.stop)

    async def _close_writer(self) -> None:
        if self._writer is None:
            return
        async with self._write_lock:
            writer, self._writer = self._writer, None
            if writer is None:
                return
            try:
                await to_the_end(self._commit(writer))
            finally:
                await writer.stop(self.path)

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
            writer = self._writer_worker()
            group, savepoint = self._join_group()
            # The body runs to its end on the thread whatever happens to this task,
            # and the lock must not move on before we know how it ended.
            hop, cancelled = await finish(writer.run(partial(_body, fn, savepoint)))
            ran = _outcome(hop)
            if ran.error is not None:
                # The thread rolled the body back: to its savepoint, or the whole
                # transaction if it opened it (or if SQLite did so by itself).
                if savepoint is None or not ran.in_transaction:
                    self._drop_group(ran.error)
                if cancelled:
                    raise asyncio.CancelledError
                raise self._described(ran.error, action)
            committed = self._keep(ran.in_transaction, group, action)
        finally:
            await self._end_turn()
        if cancelled:
            # The body is in its group and lands with it; nobody waits for that.
            raise asyncio.CancelledError
        await committed
        return cast(T, ran.result)

    async def outside_transaction(self, fn: Body[T], action: str = "use the database") -> T:
        """Run `fn(connection)` on the writer with no transaction open (for checkpoints).

        The open group is committed first; writers wait until `fn` returns.
        """
        self._check_writable(action)
        async with self._write_lock:
            writer = self._writer_worker()
            await to_the_end(self._commit(writer))
            try:
                return await to_the_end(writer.run(partial(_outside, fn)))
            except (sqlite3.Error, NotFound) as exc:
                raise self._described(exc, action) from exc

    def _writer_worker(self) -> ConnectionThread:
        if self._writer is None:
            raise self._closed_error()
        return self._writer

    def _reader_worker(self) -> ConnectionThread:
        if self._reader is None:
            raise self._closed_error()
        return self._reader

    def _closed_error(self) -> StorageError:
        return StorageError(f"the database {self.path} is closed; open a new Store to use it")

    def _check_writable(self, action: str) -> None:
        if self.readonly:
            raise StorageError(
                f"cannot {action}: {self.path} was opened read-only; "
                "open it with readonly=False to write"
            )
        if self._writer is None:
            raise self._closed_error()

    def _described(self, exc: BaseException, action: str) -> BaseException:
        """The error a caller gets: SQLite's and missing rows' with the action and the file."""
        if isinstance(exc, sqlite3.Error):
            error = describe_error(exc, self.path, action)
        elif isinstance(exc, NotFound):
            error = NotFound(f"cannot {action}: {exc.what} in {self.path}", exc.hint)
        else:
            return exc
        error.__cause__ = exc
        return error

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

    def _keep(self, in_transaction: bool, group: _Group, action: str) -> asyncio.Future[None]:
        """Keep a body that succeeded in its group; return what its COMMIT will resolve."""
        if not in_transaction:
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
                await to_the_end(self._commit(self._writer))
        finally:
            self._write_lock.release()

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
            error = describe_error(cause, self.path, action)
        else:
            error = StorageError(
                f"cannot {action}: the transaction it shared with other writes on {self.path} "
                f"was rolled back ({str(cause) or type(cause).__name__}); retry"
            )
        error.__cause__ = cause  # as `raise … from` would
        return error

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
                await to_the_end(self._commit(self._writer))

    async def _commit(self, writer: ConnectionThread) -> None:
        """COMMIT the open group, holding the write lock, and tell its writers."""
        group, self._group = self._group, None
        if group is None:
            return
        if not group.waiting:
            # Every body of the group failed: there is nothing to keep.
            await writer.run(partial(_rollback, self.path))
            return
        try:
            await writer.run(_commit_on_thread)
        except BaseException as exc:
            for committed, action in group.waiting:
                if not committed.done():
                    committed.set_exception(self._lost(exc, action))
            if not isinstance(exc, sqlite3.Error | ValueError):
                raise
            return
        self._commits += 1
        for committed, _ in group.waiting:
            if not committed.done():
                committed.set_result(None)

    # Reading

    async def run_read(self, fn: Body[T], action: str = "read the database") -> T:
        """Run `fn(connection)` on the reader's thread in one read transaction; return its result.

        It sees every write whose `run_write` has returned, and nothing uncommitted.
        """
        reader = self._reader_worker()
        try:
            return await reader.run(partial(_snapshot, fn))
        except (sqlite3.Error, NotFound) as exc:
            raise self._described(exc, action) from exc


# On the connection's thread


def _body(fn: Body[T], savepoint: str | None, conn: sqlite3.Connection) -> _Ran[T]:
    """One writer's body: open the transaction or a savepoint, run `fn`, undo it if it fails."""
    try:
        conn.execute("BEGIN IMMEDIATE" if savepoint is None else f"SAVEPOINT {savepoint}")
    except BaseException as exc:
        # Nothing of ours to undo; the group's transaction, if any, is as it was.
        return _Ran(None, exc, conn.in_transaction)
    try:
        result = fn(conn)
        if savepoint is not None:
            conn.execute(f"RELEASE {savepoint}")
    except BaseException as exc:
        _undo_body(conn, savepoint)
        return _Ran(None, exc, conn.in_transaction)
    return _Ran(result, None, conn.in_transaction)


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
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error as exc:
            log.warning("rollback failed: %s", exc)


def _commit_on_thread(conn: sqlite3.Connection) -> None:
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            _undo_body(conn, None)
        raise


def _rollback(path: Path, conn: sqlite3.Connection) -> None:
    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        # SQLite rolls back by itself after some errors (e.g. a full disk) and
        # BEGIN may have failed: then there is nothing left to undo.
        log.debug("rollback on %s: %s", path, exc)


def _outside(fn: Body[T], conn: sqlite3.Connection) -> T:
    result = fn(conn)
    if conn.in_transaction:
        # A transaction left open here would swallow the next group's BEGIN.
        conn.execute("ROLLBACK")
        raise StorageError("a function run outside a transaction must not leave one open")
    return result


def _snapshot(fn: Body[T], conn: sqlite3.Connection) -> T:
    """`fn` in one read transaction: every statement sees the same state."""
    conn.execute("BEGIN")
    try:
        return fn(conn)
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


# On the event loop


def _outcome(hop: asyncio.Future[_Ran[T]]) -> _Ran[T]:
    """What `_body` reported; if the trip itself failed, the transaction is assumed gone."""
    if hop.cancelled():
        return _Ran(None, asyncio.CancelledError(), False)
    error = hop.exception()
    if error is not None:
        return _Ran(None, error, False)
    return hop.result()


def _retrieve(future: asyncio.Future[Any]) -> None:
    # Nobody awaits this future: mark its error as seen, or asyncio logs it.
    if not future.cancelled():
        future.exception()
