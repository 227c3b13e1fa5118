"""Copying a whole database, PostgreSQL's side: a source read in one snapshot, a target by COPY.

See `storage.transfer` for the whole move and `storage.copying` for the
tables. The source is one connection in a read-only `REPEATABLE READ`
transaction, read through server-side cursors a chunk at a time. The target
is written in one transaction with `COPY` (asyncpg's `copy_records_to_table`,
far faster than INSERTs), under locks that keep any other writer out until it
commits; then the counts are checked and the identity sequences moved past the
copied ids, so the next respondent gets a new id.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import asyncpg

from storage.copying import STARTED, Row, Source, Table, check_counts
from storage.errors import StorageError, refuse_other_schema
from storage.migrations import SCHEMA_VERSION
from storage.postgres.connection import (
    CONNECT_TIMEOUT_S,
    describe_error,
    describe_target,
    open_failure,
)
from storage.postgres.schema import read_version

ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)


async def connect(url: str, *, readonly: bool = False) -> asyncpg.Connection:
    """One connection to `url`, or a StorageError that does not show the password."""
    settings = {"application_name": "surveybot migrate-db"}
    if readonly:
        settings["default_transaction_read_only"] = "on"
    try:
        return await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_S, server_settings=settings)
    except (OSError, TimeoutError, asyncpg.PostgresError, ValueError) as exc:
        raise open_failure(exc, url) from None


class PgSource:
    """A PostgreSQL database read in one snapshot; open with `await PgSource.open(url)`."""

    def __init__(self, conn: asyncpg.Connection, label: str) -> None:
        self._conn = conn
        self.label = label

    @classmethod
    async def open(cls, url: str) -> PgSource:
        label = describe_target(url)
        conn = await connect(url, readonly=True)
        try:
            await conn.transaction(isolation="repeatable_read", readonly=True).start()
            version = await read_version(conn)
        except ERRORS as exc:
            await conn.close()
            raise describe_error(exc, label, "read the database") from exc
        except BaseException:
            await conn.close()
            raise
        try:
            refuse_other_schema(label, version, SCHEMA_VERSION)
        except BaseException:
            await conn.close()
            raise
        return cls(conn, label)

    async def count(self, table: Table) -> int:
        try:
            return int(await self._conn.fetchval(f"SELECT COUNT(*) FROM {table.name}"))
        except ERRORS as exc:
            raise describe_error(exc, self.label, f"count the rows of {table.name}") from exc

    async def chunks(self, table: Table, size: int) -> AsyncIterator[list[Row]]:
        sql = f"SELECT {', '.join(table.columns)} FROM {table.name} ORDER BY {table.postgres_order}"
        try:
            cursor = await self._conn.cursor(sql)
            while rows := await cursor.fetch(size):
                yield [tuple(row) for row in rows]
        except ERRORS as exc:
            raise describe_error(exc, self.label, f"read {table.name}") from exc

    async def close(self) -> None:
        # Ends the read-only transaction: nothing to commit.
        await self._conn.close()


class PgTarget:
    """An empty PostgreSQL database, written in one transaction."""

    def __init__(self, url: str) -> None:
        self._url = url
        self.label = describe_target(url)

    @staticmethod
    async def existing_counts(url: str, names: Sequence[str]) -> dict[str, int]:
        """Rows per table of `names` that exists in the database at `url`."""
        conn = await connect(url, readonly=True)
        try:
            found: dict[str, int] = {}
            for name in names:
                if await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", name):
                    found[name] = int(await conn.fetchval(f"SELECT COUNT(*) FROM {name}"))
            return found
        except ERRORS as exc:
            raise describe_error(exc, describe_target(url), "count the rows of the target") from exc
        finally:
            await conn.close()

    async def write(
        self, tables: Sequence[Table], source: Source, expected: dict[str, int], *, size: int
    ) -> None:
        conn = await connect(self._url)
        try:
            async with conn.transaction():
                names = ", ".join(table.name for table in tables)
                # Another writer (a bot started too early) waits until the copy is done.
                await conn.execute(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")
                for name in STARTED:  # what a start wrote, replaced by the source's
                    await conn.execute(f"DELETE FROM {name}")
                await _refuse_rows(conn, tables, self.label)
                for table in tables:
                    async for chunk in source.chunks(table, size):
                        await conn.copy_records_to_table(
                            table.name, records=chunk, columns=list(table.columns)
                        )
                found = {
                    t.name: int(await conn.fetchval(f"SELECT COUNT(*) FROM {t.name}"))
                    for t in tables
                }
                check_counts(found, expected, self.label)
                for table in tables:
                    if table.identity is not None:
                        await _reset_identity(conn, table.name, table.identity)
        except ERRORS as exc:
            raise describe_error(exc, self.label, "copy into the database") from exc
        finally:
            await conn.close()


async def _refuse_rows(conn: asyncpg.Connection, tables: Sequence[Table], label: str) -> None:
    # Checked again under the locks: rows written since the first look are not overwritten.
    for table in tables:
        if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {table.name})"):
            raise StorageError(
                f"cannot copy into {label}: {table.name} gained rows while the copy began; "
                "the target must be empty: stop whatever writes there, then retry"
            )


async def _reset_identity(conn: asyncpg.Connection, table: str, column: str) -> None:
    """Make the next generated id follow the largest copied one (or start at 1)."""
    await conn.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
        f"COALESCE(MAX({column}), 0) + 1, false) FROM {table}"
    )
