"""Copying a whole database, the parts both ends share: the tables, and SQLite's side.

`storage.transfer.copy_database` moves a tour between databases; this module
says what is copied (`TABLES`: every table, with its ids and keys, in an order
that satisfies the foreign keys) and how a SQLite file is read and written.
PostgreSQL's side is `storage.postgres.copying`.

Values travel in PostgreSQL's types (aware datetimes, dates): the SQLite side
parses its ISO text on reading and writes it back as `storage.codecs` does.
Answers are copied in the order they were first saved (SQLite's rowid,
PostgreSQL's `seq`), which exports use to order the columns of older questions.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

from storage.codecs import decode_time, encode_time
from storage.connection import connect, describe_error
from storage.errors import StorageError, unreadable_database
from storage.snapshot import check_schema

CHUNK: Final = 5000
"""Rows per trip: enough to make each trip count, few enough to keep memory flat."""


@dataclass(frozen=True, slots=True)
class Table:
    """One table to copy: its columns, which of them are times or dates, and its order."""

    name: str
    columns: tuple[str, ...]
    times: frozenset[str] = frozenset()
    dates: frozenset[str] = frozenset()
    sqlite_order: str = "rowid"
    postgres_order: str = "id"
    identity: str | None = "id"
    """The identity column PostgreSQL numbers new rows with (None: none to reset)."""


# Not copied: `jobs`, `inbox` and `kept_texts`, the running bot's work in hand (an export
# under way, updates not yet applied, a refused text waiting for its page), which belong
# to the bot of the database they were in.
STARTED: Final = ("flow_versions", "stages")
"""What any start of surveybot writes into a database it opens (the flows' versions, the
stages file's workshops): a target holding only these had a bot started on it, and the
copy replaces them with the source's rather than refusing it."""
TABLES: Final = (
    Table(
        "respondents",
        ("id", "channel", "external_id", "language", "created_at", "blocked_at"),
        times=frozenset({"created_at", "blocked_at"}),
    ),
    Table(
        "stages",
        ("code", "city", "region", "territory", "date", "flow_id"),
        dates=frozenset({"date"}),
        sqlite_order="code",
        postgres_order='code COLLATE "C"',
        identity=None,
    ),
    Table(
        "responses",
        (
            *("id", "key", "respondent_id", "flow_id", "flow_version", "stage_code"),
            *("language", "status", "state_json", "current_step", "started_at", "updated_at"),
            *("completed_at", "prompt_message_id", "consent_version", "consented_at"),
            "reminded_at",
        ),
        times=frozenset({"started_at", "updated_at", "completed_at", "consented_at"})
        | {"reminded_at"},
    ),
    Table(
        "answers",
        (
            *("response_id", "question_id", "value_json", "other_text", "flow_id"),
            *("flow_version", "stage_code", "answered_at"),
        ),
        times=frozenset({"answered_at"}),
        # The order answers were first saved in: PostgreSQL numbers them (`seq`) as it goes.
        postgres_order="seq",
        identity=None,
    ),
    Table(
        "handled_updates",
        ("update_id", "handled_at"),
        times=frozenset({"handled_at"}),
        sqlite_order="update_id",
        postgres_order="update_id",
        identity=None,
    ),
    Table(
        "consent_refusals",
        ("id", "consent_version", "stage_code", "refused_at"),
        times=frozenset({"refused_at"}),
    ),
    Table(
        "flow_versions",
        ("flow_id", "version", "digest", "content", "first_used_at"),
        times=frozenset({"first_used_at"}),
        sqlite_order="flow_id, version",
        postgres_order='flow_id COLLATE "C", version',
        identity=None,
    ),
)
Row = tuple[Any, ...]


class Source(Protocol):
    """A database read in one snapshot: counts and rows, in PostgreSQL's types."""

    label: str

    async def count(self, table: Table) -> int: ...

    def chunks(self, table: Table, size: int) -> AsyncIterator[list[Row]]: ...

    async def close(self) -> None: ...


class Target(Protocol):
    """An empty database written in one transaction."""

    label: str

    async def write(
        self, tables: Sequence[Table], source: Source, expected: dict[str, int], *, size: int
    ) -> None: ...


# --- SQLite ------------------------------------------------------------------------------


def _from_sqlite(table: Table, row: Iterable[Any]) -> Row:
    values = []
    for column, value in zip(table.columns, row, strict=True):
        try:
            if value is not None and column in table.times:
                value = decode_time(value)
            elif value is not None and column in table.dates:
                value = dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise StorageError(
                f"cannot copy {table.name}: {value!r} in column {column} is not a "
                f"{'time' if column in table.times else 'date'} (ISO 8601); correct it in "
                "the source, then retry"
            ) from None
        values.append(value)
    return tuple(values)


def _to_sqlite(row: Iterable[Any]) -> Row:
    values = []
    for value in row:
        # datetime first: a datetime is a date too.
        if isinstance(value, dt.datetime):
            value = encode_time(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        values.append(value)
    return tuple(values)


def sqlite_counts(path: Path, names: Sequence[str]) -> dict[str, int]:
    conn = connect(path, path.resolve().as_uri() + "?mode=ro", uri=True, role="readonly")
    try:
        present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        return {
            name: int(conn.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0])
            for name in names
            if name in present
        }
    except sqlite3.Error as exc:
        raise describe_error(exc, path, "count the rows of the target") from exc
    finally:
        conn.close()


class SqliteSource:
    """A SQLite file read in one read transaction (WAL: the bot may go on writing)."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise unreadable_database(path, "check --from")
        self.label = str(path)
        self._path = path
        self._conn = connect(path, path.resolve().as_uri() + "?mode=ro", uri=True, role="readonly")
        try:
            self._conn.execute("BEGIN")
            version = int(self._conn.execute("PRAGMA user_version").fetchone()[0])
            check_schema(path, version)
        except sqlite3.Error as exc:  # not a database, a damaged one: said, as export says it
            self._conn.close()
            raise describe_error(exc, path, "read the database") from exc
        except BaseException:
            self._conn.close()
            raise

    async def count(self, table: Table) -> int:
        try:
            return int(self._conn.execute(f"SELECT COUNT(*) FROM {table.name}").fetchone()[0])
        except sqlite3.Error as exc:
            raise describe_error(exc, self._path, "read the database") from exc

    async def chunks(self, table: Table, size: int) -> AsyncIterator[list[Row]]:
        try:
            cursor = self._conn.execute(
                f"SELECT {', '.join(table.columns)} FROM {table.name} ORDER BY {table.sqlite_order}"
            )
            while rows := cursor.fetchmany(size):
                yield [_from_sqlite(table, row) for row in rows]
        except sqlite3.Error as exc:  # a page damaged halfway: the copy is rolled back
            raise describe_error(exc, self._path, "read the database") from exc

    async def close(self) -> None:
        self._conn.close()


class SqliteTarget:
    """An empty SQLite file, written in one transaction (one fsync at the end)."""

    def __init__(self, path: Path) -> None:
        self.label = str(path)
        self._path = path

    async def write(
        self, tables: Sequence[Table], source: Source, expected: dict[str, int], *, size: int
    ) -> None:
        conn = connect(self._path, str(self._path), uri=False, role="writer")
        try:
            conn.execute("BEGIN IMMEDIATE")
            for name in STARTED:  # what a start wrote, replaced by the source's
                conn.execute(f"DELETE FROM {name}")
            for table in tables:
                marks = ", ".join("?" * len(table.columns))
                sql = f"INSERT INTO {table.name} ({', '.join(table.columns)}) VALUES ({marks})"
                async for chunk in source.chunks(table, size):
                    conn.executemany(sql, [_to_sqlite(row) for row in chunk])
            found = {
                t.name: int(conn.execute(f"SELECT COUNT(*) FROM {t.name}").fetchone()[0])
                for t in tables
            }
            check_counts(found, expected, self.label)
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise describe_error(exc, self._path, "copy into the database") from exc
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()


def check_counts(found: dict[str, int], expected: dict[str, int], where: str) -> None:
    """StorageError (the transaction then rolls back) if any table's count differs."""
    wrong = [
        f"{name}: {found.get(name)} of {count}"
        for name, count in expected.items()
        if found.get(name) != count
    ]
    if wrong:
        raise StorageError(
            f"the copy into {where} does not hold every row ({', '.join(wrong)}); "
            "nothing was written: check that nothing else writes there, then retry"
        )
