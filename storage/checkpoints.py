"""Checkpoints of the write-ahead log, taken off the writer's path.

In WAL mode a commit appends its pages to the -wal file, and a checkpoint
copies them back into the database file so that the log can be reused.
SQLite's default takes one on the committing connection whenever the log
passes 1,000 pages: the writer copies while every answer queued behind it
waits. That is cheap while the log is short, but a long read (an export's
snapshot) holds the log back for minutes, and the first checkpoint after it
copies tens of megabytes: respondents measured a p99 of 126-279 ms during a
4M-answer export with it, 60-90 ms without.

So the writer's automatic checkpoint is off (`Database.open`), and
`Checkpointer` takes a PASSIVE checkpoint every `CHECKPOINT_EVERY_S` from a
connection and thread of its own. PASSIVE waits for nobody: it copies the
frames no reader still needs while commits go on. But SQLite starts the log
again from its beginning only when a write begins with all of it copied, and
answers committed during the copy keep it from ever being all copied: under
steady writing the -wal file would grow for ever. So after each copy the
writer, between two commits, takes a PASSIVE checkpoint of what came in
meanwhile (a few pages, one fsync); the next write then reuses the log, and
the -wal file stays about as large as one second of writing (or as what was
written during the longest read), as it did before.

Reused, the log is overwritten from its start, and what lies past the point
reached keeps old page images: an erasure that a reader kept from emptying the
-wal file (storage.privacy.checkpoint) would leave the erased answers there for
as long as the bot runs. So every `EMPTY_EVERY_S` the checkpointer also tries
to empty the file, without waiting for anyone: when a reader or a commit is in
it, it tries again next time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Final

from storage.connection import BUSY_TIMEOUT_MS, ConnectionThread, connect
from storage.errors import StorageError

log = logging.getLogger(__name__)

CHECKPOINT_EVERY_S: Final = 1.0
EMPTY_EVERY_S: Final = 300.0
"""How often the -wal file is emptied if nothing is in it: erased answers last no longer."""

OnWriter = Callable[[Callable[[sqlite3.Connection], bool]], Awaitable[bool]]


class Checkpointer:
    """A PASSIVE checkpoint of the database every `every` seconds, between `start` and `stop`."""

    def __init__(self, thread: ConnectionThread, path: Path) -> None:
        self._thread = thread
        self._path = path
        self._task: asyncio.Task[None] | None = None
        self._failing = False

    @classmethod
    async def open(cls, path: Path) -> Checkpointer:
        """Open the checkpointing connection on a thread of its own."""
        thread = await ConnectionThread.start(
            partial(connect, path, str(path), uri=False, role="checkpointer"), "sqlite-checkpoint"
        )
        return cls(thread, path)

    def start(self, on_writer: OnWriter, *, every: float = CHECKPOINT_EVERY_S) -> None:
        """Checkpoint every `every` seconds; `on_writer(fn)` runs `fn` on the writer between commits."""
        self._task = asyncio.get_running_loop().create_task(self._run(on_writer, every))

    async def stop(self) -> None:
        """Stop the timer, let a checkpoint under way end, close the connection."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._thread.stop(self._path)

    async def _run(self, on_writer: OnWriter, every: float) -> None:
        loop = asyncio.get_running_loop()
        emptied_at = loop.time()
        while True:
            await asyncio.sleep(every)
            try:
                if await self._thread.run(_passive):
                    # The copy took a while: let the writer copy what came meanwhile.
                    await on_writer(_passive)
                if loop.time() - emptied_at >= EMPTY_EVERY_S and await self._thread.run(_empty):
                    emptied_at = loop.time()
            except (sqlite3.Error, StorageError) as exc:
                # A failing disk fails the next commit too, which tells its
                # caller; here one warning until checkpoints work again.
                if not self._failing:
                    log.warning("cannot checkpoint %s: %s", self._path, exc)
                self._failing = True
            else:
                self._failing = False


def no_automatic_checkpoints(writer: sqlite3.Connection) -> None:
    """Leave checkpoints to the `Checkpointer`, off the path of every commit."""
    writer.execute("PRAGMA wal_autocheckpoint = 0")


def _empty(conn: sqlite3.Connection) -> bool:
    """Copy the whole log and empty the -wal file if no reader nor commit is in it now;
    whether it was emptied. Never waits: the busy timeout is off for the attempt."""
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:
        return False  # a commit holds the log: next time
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return row is not None and int(row[0]) == 0


def _passive(conn: sqlite3.Connection) -> bool:
    """Copy what no reader still needs; whether the log held anything."""
    row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    # (busy, frames in the log, frames copied): 0 frames once the log restarted.
    return row is not None and int(row[1]) > 0
