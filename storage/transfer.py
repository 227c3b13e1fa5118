"""Moving a tour to another database: `copy_database(source, target)`, SQLite and PostgreSQL.

It copies every table (`storage.copying.TABLES`) with its ids and keys, so
response keys in earlier exports still match, from SQLite to PostgreSQL, back,
or between two databases of one kind. The source is read in one consistent
read-only snapshot, a chunk at a time (memory stays flat; the bot may go on
writing there, and what it writes after the snapshot is not copied). The
target is created and migrated like any database (`open_store`), must hold no
data (a copy never merges into, nor overwrites, a database in use; what a start
of surveybot writes, the workshops and the flows' versions, is replaced), and is
written in one transaction, with the counts per table checked against the
source's before it commits: a copy that fails leaves the target as it was (a
SQLite file it created is removed).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from storage.copying import (
    STARTED,
    TABLES,
    Source,
    SqliteSource,
    SqliteTarget,
    Target,
    sqlite_counts,
)
from storage.errors import StorageError, directory_given
from storage.opening import open_store
from storage.postgres import describe_target, is_postgres_url
from storage.postgres.copying import PgSource, PgTarget

DbTarget = str | os.PathLike[str]
DEFAULT_PORT = 5432


@dataclass(frozen=True)
class CopyReport:
    """What was copied: rows per table in copying order; the databases, without passwords."""

    source: str
    target: str
    counts: dict[str, int]


async def copy_database(source: DbTarget, target: DbTarget, *, size: int = 5000) -> CopyReport:
    """Copy every row of `source` into `target`, which must be empty (see the module's doc)."""
    if same_database(source, target):
        raise StorageError(
            f"cannot copy {label(source)} onto itself: give another database as the target"
        )
    if not is_postgres_url(target) and os.path.isdir(target):
        # Refused before the source is read, which may take minutes.
        raise directory_given(Path(target), "copy into", "check --to")
    reader = await open_source(source)
    created = not is_postgres_url(target) and not os.path.lexists(target)
    try:
        expected = {table.name: await reader.count(table) for table in TABLES}
        writer = await open_target(target, created=created)
        await writer.write(TABLES, reader, expected, size=size)
    except BaseException:
        if created:
            _remove_sqlite(Path(target))
        raise
    finally:
        await reader.close()
    return CopyReport(reader.label, writer.label, expected)


def label(target: DbTarget) -> str:
    """How messages name a database: its path, or its URL without the password."""
    return describe_target(str(target)) if is_postgres_url(target) else str(target)


def same_database(one: DbTarget, other: DbTarget) -> bool:
    """Whether two settings name one database: one file, or one server's database."""
    if is_postgres_url(one) and is_postgres_url(other):
        return _server_database(str(one)) == _server_database(str(other))
    if is_postgres_url(one) or is_postgres_url(other):
        return False
    a, b = Path(one), Path(other)
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def _server_database(url: str) -> tuple[str, int, str]:
    parts = urlsplit(url)
    # Without a database name, PostgreSQL connects to the one named as the user.
    name = parts.path.lstrip("/") or (parts.username or "")
    return ((parts.hostname or "localhost").lower(), parts.port or DEFAULT_PORT, name)


async def open_source(source: DbTarget) -> Source:
    """The source, read-only, in one snapshot; its schema must be current."""
    if is_postgres_url(source):
        return await PgSource.open(str(source))
    return SqliteSource(Path(source))


async def open_target(target: DbTarget, *, created: bool) -> Target:
    """The target, refused if it holds any row, then created and migrated if need be."""
    if not created:
        # Look before migrating: a database in use is left exactly as it was.
        await refuse_data(target)
    if is_postgres_url(target):
        await (await open_store(str(target))).close()
        return PgTarget(str(target))
    await (await open_store(Path(target))).close()
    return SqliteTarget(Path(target))


async def refuse_data(target: DbTarget) -> None:
    """StorageError naming what the target holds, if it holds anything but what a start of
    surveybot writes there (`STARTED`: the stages file's workshops, the flows' versions)."""
    names = [table.name for table in TABLES]
    if is_postgres_url(target):
        found = await PgTarget.existing_counts(str(target), names)
    else:
        found = sqlite_counts(Path(target), names)
    held = {name: count for name, count in found.items() if count}
    # Only what any start writes (a bot started on it before the move): replaced, not merged.
    if set(held) - set(STARTED):
        listed = ", ".join(f"{name}: {count}" for name, count in held.items())
        raise StorageError(
            f"cannot copy into {label(target)}: it already holds data ({listed}); "
            "the target must be empty, so that nothing is merged or overwritten: give a new "
            "database (createdb) or a new file name"
        )


def _remove_sqlite(path: Path) -> None:
    # The file this copy created, and the sidecars SQLite made beside it.
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
