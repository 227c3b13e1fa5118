"""The Telegram lease across processes on one SQLite file: a lock on a file beside it.

PostgreSQL holds a lease with an advisory lock, which every instance sees.
SQLite has no such thing, and a `Store` keeps its leases apart within its own
process only. That is enough for the housekeeping rounds and the jobs, which
the database itself makes safe when two processes share the file (a reminder
is claimed before it is sent). It is not for Telegram: it hands updates to one
`getUpdates` consumer and cuts off the other, and a webhook set by one process
stops the other's polling; a second bot process started by mistake on the same
file (a rehearsal, a shell left open) would take the updates from the first.

So the leases in `ACROSS_PROCESSES` are also an exclusive `flock` on
`<database>-<name>.lock`, beside the file itself (symbolic links resolved, as
SQLite resolves them for its -wal file). The system gives it back when the
process ends, however it ends (a crash, SIGKILL). The file stays: removing a
lock file that another process has open would let two hold it at once.
Without `flock` (Windows), the lease is kept within the process only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Final

from storage.errors import StorageError

ACROSS_PROCESSES: Final = frozenset({"telegram"})
"""Leases a second process on the same SQLite file must not hold at the same time."""

LOCK_MODE: Final = 0o600


class FileLeases:
    """Exclusive locks on files beside one database, one per lease name, held until ended."""

    def __init__(self, database: Path) -> None:
        self._database = Path(os.path.realpath(database))
        self._held: dict[str, int] = {}
        """Each lease held: the descriptor whose lock it is (closing it gives the lock back)."""

    def lock_file(self, name: str) -> Path:
        return self._database.with_name(f"{self._database.name}-{name}.lock")

    def take(self, name: str) -> bool:
        """Lock the lease's file if no process (this one included) has it locked."""
        if name in self._held:
            return False
        path = self.lock_file(name)
        try:
            # Never through a link planted there: the lock would be another file.
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), LOCK_MODE)
        except OSError as exc:
            raise StorageError(
                f"cannot take the {name} lease: cannot open {path} ({exc.strerror}); "
                "it must be a file writable by the user running surveybot, as the database is"
            ) from exc
        try:
            locked = _lock(fd)
        except OSError as exc:
            os.close(fd)
            raise StorageError(
                f"cannot take the {name} lease: cannot lock {path} ({exc.strerror}); "
                "put the database on a local disk, not a network share"
            ) from exc
        if not locked:
            os.close(fd)
            return False
        self._held[name] = fd
        return True

    def end(self, name: str) -> None:
        """Give the lease's lock back; nothing if it is not held."""
        fd = self._held.pop(name, None)
        if fd is not None:
            os.close(fd)

    def end_all(self) -> None:
        for name in list(self._held):
            self.end(name)


if sys.platform == "win32":

    def _lock(fd: int) -> bool:
        return True  # no flock: within the process only (Store.take_lease)

else:
    import fcntl

    def _lock(fd: int) -> bool:
        """Lock `fd`'s file for this open file only; False if another holds it."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
