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
and how a connection is opened and configured, are in `storage.connection`; what runs
on them, in `storage.on_thread`. SQLite errors leave as `StorageError`, naming the file
and the way out; a path that no longer names the file the writer opened refuses every
write (`storage.file_identity`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Final, TypeVar, cast

from storage import on_thread
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
from storage.errors import (
    NotFound,
    StorageError,
    Unavailable,
    directory_given,
    disk_full,
    not_permitted,
)
from storage.file_identity import FileIdentity, FileReplaced, check_same_file, recovery_hint
from storage.file_identity import refusal as refused_write
from storage.on_thread import Ran

log = logging.getLogger(__name__)

# Bodies in one group at most: while writers keep queuing, the first ones must
# not wait for ever for their COMMIT.
GROUP_LIMIT: Final = 64
# After a save failed on a full disk, `ping` fails for this long unless one succeeds: as
# long as respondents are told to wait (Retry-After), then a balancer may try again.
FULL_UNHEALTHY_S: Final = 30.0

T = TypeVar("T")
__all__ = ["BUSY_TIMEOUT_MS", "FILE_MODE", "GROUP_LIMIT", "Database", "describe_error"]


@dataclass(eq=False)
class _Group:
    """The transaction open on the writer, and the writers whose bodies ran in it."""

    waiting: list[tuple[asyncio.Future[None], str]] = field(default_factory=list)
    """Each writer whose body was kept, waiting for the COMMIT, with its action."""
    members: int = 0
    """Bodies started in this transaction, failed ones included (names savepoints)."""
    changes: int = 0
    """Rows changed by the bodies kept: its COMMIT saves something only if there are any."""


class Database:
    """An SQLite file with a group-committing writer and a reader; open with `Database.open`."""

    def __init__(
        self,
        writer: ConnectionThread | None,
        reader: ConnectionThread,
        path: Path,
        *,
        checkpointer: Checkpointer | None = None,
        identity: FileIdentity | None = None,
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
        # The file the writer has open, which its path must go on naming (file_identity).
        self._identity = identity
        self._replaced: str | None = None  # what happened to it, once logged
        self._full_at: float | None = None  # when a save last failed on a full disk

    @classmethod
    async def open(cls, path: str | Path, *, readonly: bool = False) -> Database:
        """Connect to the file at `path` and set the connections' pragmas."""
        path = Path(path)
        try:
            if path.is_dir():
                raise directory_given(path, "open database")
        except PermissionError:
            # Python 3.11's is_dir() lets this one through: a folder of another user's.
            raise not_permitted(path, "open database") from None
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
            identity = FileIdentity.of(path)  # the file the writer has just opened
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
        return cls(writer, reader, path, checkpointer=checkpointer, identity=identity)

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
            hop, cancelled = await finish(
                writer.run(partial(on_thread.body, fn, savepoint, self._same_file))
            )
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
            group.changes += ran.changes
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
                return await to_the_end(writer.run(partial(on_thread.outside, fn)))
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
            raise StorageError(f"cannot {action}: {self.path} was opened read-only")
        if self._writer is None:
            raise self._closed_error()

    def _described(self, exc: BaseException, action: str) -> BaseException:
        """The error a caller gets: SQLite's and missing rows' with the action and the file."""
        if isinstance(exc, FileReplaced):
            return self._replaced_error(exc, action)
        if isinstance(exc, sqlite3.Error):
            self._note_if_full(exc)
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
        if isinstance(cause, FileReplaced):
            return self._replaced_error(cause, action)
        if isinstance(cause, sqlite3.Error):
            self._note_if_full(cause)
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
            await writer.run(partial(on_thread.rollback, self.path))
            return
        try:
            await writer.run(partial(on_thread.commit, self._same_file))
        except BaseException as exc:
            for committed, action in group.waiting:
                if not committed.done():
                    committed.set_exception(self._lost(exc, action))
            if not isinstance(exc, sqlite3.Error | ValueError | FileReplaced):
                raise
            return
        self._commits += 1
        if group.changes:
            # A save landed (not `ping`'s question, nor rows of a failed body or COMMIT,
            # which SQLite counts too): the disk has room again.
            self._full_at = None
        if self._replaced is not None:
            log.warning("the database file %s is back: answers are saved again", self.path)
            self._replaced = None
        for committed, _ in group.waiting:
            if not committed.done():
                committed.set_result(None)

    def _same_file(self) -> None:
        """On the writer's thread: raise `FileReplaced` if the path names another file now."""
        if self._identity is not None:
            check_same_file(self._identity)

    def _replaced_error(self, cause: FileReplaced, action: str) -> Unavailable:
        """A write refused because the path no longer names the file; the log told once."""
        identity = cast(FileIdentity, self._identity)  # only its check raises FileReplaced
        if self._replaced is None:
            self._replaced = cause.what
            log.error("%s", recovery_hint(cause.what, identity))
        error = Unavailable(refused_write(identity.path, cause.what, action))
        error.__cause__ = cause
        return error

    def _note_if_full(self, exc: sqlite3.Error) -> None:
        """Remember when a save fails on a full disk, for `ping`."""
        code = getattr(exc, "sqlite_errorcode", None)
        if isinstance(code, int) and code & 0xFF == sqlite3.SQLITE_FULL:
            self._full_at = time.monotonic()

    async def ping(self) -> None:
        """Raise `Unavailable` unless answers can be saved now, as far as a question tells.

        A trivial question through the writer (which fails if another process keeps the
        lock, or if the path names another file now), and the last save not failed on a
        full disk within `FULL_UNHEALTHY_S` with none succeeding since: a probe, which
        writes nothing, would pass on a full disk.
        """
        await self.run_write(on_thread.select_one, "reach the database")
        if self._full_at is not None:
            ago = time.monotonic() - self._full_at
            if ago < FULL_UNHEALTHY_S:
                raise Unavailable(
                    f"cannot save answers: the last save, {ago:.0f} s ago, failed and none has "
                    f"succeeded since: {disk_full(self.path)}"
                )

    # Reading

    async def run_read(self, fn: Body[T], action: str = "read the database") -> T:
        """Run `fn(connection)` on the reader's thread in one read transaction; return its result.

        It sees every write whose `run_write` has returned, and nothing uncommitted.
        """
        reader = self._reader_worker()
        try:
            return await reader.run(partial(on_thread.snapshot, fn))
        except (sqlite3.Error, NotFound) as exc:
            raise self._described(exc, action) from exc


# On the event loop


def _outcome(hop: asyncio.Future[Ran[T]]) -> Ran[T]:
    """What `on_thread.body` reported; if the trip itself failed, the transaction is gone."""
    if hop.cancelled():
        return Ran(None, asyncio.CancelledError(), False)
    error = hop.exception()
    if error is not None:
        return Ran(None, error, False)
    return hop.result()


def _retrieve(future: asyncio.Future[Any]) -> None:
    # Nobody awaits this future: mark its error as seen, or asyncio logs it.
    if not future.cancelled():
        future.exception()
