"""The `Store`: survey data on one SQLite file, behind the `SurveyStore` interface.

The methods are `StoreMethods`' (storage/methods.py) and its four siblings',
run by `Database` (threads of its own, group commit) with the SQL of the
modules named in `_sql`. What is SQLite's own is here: opening the file, leases
(within one process, and the Telegram lease across processes: `storage.file_leases`),
and emptying the -wal file after an erasure.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from storage import (
    flow_versions,
    inbox,
    jobs,
    kept_texts,
    privacy,
    reminders,
    respondents,
    responses,
    stages,
    updates,
)
from storage.db import Database
from storage.file_leases import ACROSS_PROCESSES, FileLeases
from storage.flow_version_methods import FlowVersionMethods
from storage.inbox_methods import InboxMethods
from storage.job_methods import JobMethods
from storage.kept_text_methods import KeptTextMethods
from storage.methods import SqlModules, StoreMethods
from storage.migrations import apply_migrations, check_version
from storage.privacy_methods import PrivacyMethods

if TYPE_CHECKING:
    from storage.interface import SurveyStore


class Store(
    FlowVersionMethods, JobMethods, InboxMethods, KeptTextMethods, PrivacyMethods, StoreMethods
):
    """Survey data on one SQLite file; open with `await Store.open(path)`."""

    path: Path
    _db: Database
    _sql = SqlModules(
        respondents=respondents,
        responses=responses,
        updates=updates,
        stages=stages,
        privacy=privacy,
        reminders=reminders,
        jobs=jobs,
        inbox=inbox,
        kept_texts=kept_texts,
        flow_versions=flow_versions,
    )

    def __init__(self, db: Database) -> None:
        """Wrap an open, migrated `Database` (`Store.open` does both)."""
        self._db = db
        self.path = db.path
        self._leases: set[str] = set()
        self._files = FileLeases(db.path)

    @classmethod
    async def open(cls, path: str | Path, *, readonly: bool = False) -> Store:
        """Open (creating and migrating if needed) the database at `path`.

        With `readonly=True` the file must exist and be migrated already, and
        every write raises StorageError; this is how exporters read while the
        bot writes.
        """
        db = await Database.open(path, readonly=readonly)
        try:
            if readonly:
                await check_version(db)
            else:
                await apply_migrations(db)
        except BaseException:
            await db.close()
            raise
        return cls(db)

    async def take_lease(self, name: str) -> bool:
        """Hold `name` if free (True); False while this store, or for the Telegram lease
        another process on the same file, holds it.

        The work of the other leases (reminders, upkeep, a job) is made safe by the
        database itself when two processes share the file (a reminder is claimed
        before it is sent), so only this store's own rounds are kept apart; see
        `storage.file_leases` for why Telegram's is not.
        """
        if name in self._leases:
            return False
        if name in ACROSS_PROCESSES and not self._files.take(name):
            return False
        self._leases.add(name)
        return True

    async def end_lease(self, name: str) -> None:
        """Give back the lease `name`; nothing if it is not held."""
        self._leases.discard(name)
        self._files.end(name)

    async def close(self) -> None:
        """Close the database, then give back the leases held; idempotent."""
        try:
            await super().close()
        finally:
            # After the last commit: a successor polls only once this one is done.
            self._files.end_all()
            self._leases.clear()

    async def ping(self) -> None:
        """A trivial question through the writer's thread: it answers only if answers can be
        written (no other process holding the file's lock past the busy timeout, the path
        still naming the file open, the last save not failed on a full disk: `Database.ping`)."""
        await self._db.ping()

    async def truncate_wal(self) -> bool:
        """Empty the -wal file into the database; False if a reader kept it busy."""
        # On the writer, outside any transaction (a checkpoint cannot run inside
        # one): the open group is committed first, and writers wait meanwhile.
        return await self._db.outside_transaction(privacy.checkpoint, "empty the write-ahead log")


if TYPE_CHECKING:

    def _is_a_survey_store(store: Store) -> SurveyStore:
        # mypy proves here that Store has every method of the interface, as typed there.
        return store
