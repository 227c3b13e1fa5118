"""`PostgresStore`: survey data in a PostgreSQL database, behind the `SurveyStore` interface.

The same methods, semantics and errors as the SQLite `Store`: `StoreMethods`'
(storage/methods.py) and its four siblings', each one call to `PgDatabase.run_write` (one transaction,
committed before it returns) or `PgDatabase.run_read` (one read-only snapshot)
with a function of the sibling modules, where the SQL is; they carry the SQLite
modules' names and signatures. A write that applies an update records its id in
the same transaction. What is PostgreSQL's own is here: the pool, leases across
instances, and erasure with no -wal file to empty (see `truncate_wal`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import asyncpg

from storage.errors import StorageError
from storage.flow_version_methods import FlowVersionMethods
from storage.inbox_methods import InboxMethods
from storage.job_methods import JobMethods
from storage.kept_text_methods import KeptTextMethods
from storage.methods import SqlModules, StoreMethods
from storage.postgres import (
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
from storage.postgres.connection import PgDatabase
from storage.postgres.schema import apply_migrations, check_version
from storage.privacy_methods import PrivacyMethods

if TYPE_CHECKING:
    from storage.interface import SurveyStore


class PostgresStore(
    FlowVersionMethods, JobMethods, InboxMethods, KeptTextMethods, PrivacyMethods, StoreMethods
):
    """Survey data in one PostgreSQL database; open with `await PostgresStore.open(url)`."""

    url: str
    """The database's URL without its password: safe to show and log."""
    _db: PgDatabase
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

    def __init__(self, db: PgDatabase) -> None:
        """Wrap an open, migrated `PgDatabase` (`PostgresStore.open` does both)."""
        self._db = db
        self.url = db.label

    @classmethod
    async def open(cls, url: str, *, readonly: bool = False) -> PostgresStore:
        """Connect to the database at `url`, creating and migrating its tables if needed.

        With `readonly=True` the schema must be current already, every
        connection's transactions are read-only, and every write raises
        StorageError: how exporters and analysts read while the bot writes.
        """
        db = await PgDatabase.open(url, readonly=readonly)
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
        """Hold `name` across every instance on this database if free; False if another has it.

        The polling lease, a housekeeping round: a session advisory lock, given
        back by `end_lease`, by `close`, or by the server when this process dies.
        """
        return await self._db.take_lease(name)

    async def end_lease(self, name: str) -> None:
        """Give back the lease `name`; nothing if this process does not hold it."""
        await self._db.end_lease(name)

    async def ping(self) -> None:
        """A trivial question on a connection of the pool: the server is up and lets us in."""
        await self._db.run_read(_one, "reach the database")

    async def truncate_wal(self) -> bool:
        """True: there is no -wal file to empty on PostgreSQL.

        Erased rows leave the tables at once for every reader. Their old
        versions stay in the table's pages until VACUUM (autovacuum) frees the
        space for reuse (`VACUUM FULL` rewrites the table without them), and in
        the server's write-ahead log and backups until those are recycled: the
        operator's backup retention bounds how long erased data lives there.
        Refused on a read-only store, as on SQLite.
        """
        if self._db.readonly:
            raise StorageError(f"cannot empty the write-ahead log: {self.url} was opened read-only")
        return True


async def _one(conn: asyncpg.Connection) -> None:
    await conn.fetchval("SELECT 1")


if TYPE_CHECKING:

    def _is_a_survey_store(store: PostgresStore) -> SurveyStore:
        # mypy proves here that PostgresStore has every method of the interface, as typed there.
        return store
