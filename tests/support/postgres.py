"""A throwaway PostgreSQL for the tests, started by the test session itself.

`Cluster.start()` runs Debian's `initdb` and `pg_ctl` on a temporary folder
and a free port on 127.0.0.1 (no Docker, nothing reachable from outside);
when the tests run as root, as on CI, PostgreSQL runs as `nobody`, since it
refuses to run as root. fsync is off: the tests check behaviour, not
durability through a power cut. Each test gets a fresh empty database
(`Cluster.create_database`), dropped afterwards so the folder stays small.

When PostgreSQL is not installed or does not start, `Cluster.start` raises
`Unavailable` with the reason, and the fixtures skip the PostgreSQL variants
with it. `PgPeek` reads a database as another process would, like
tests.conftest.Peek does for SQLite files.

The fixtures are defined here and imported by tests/conftest.py, so the
session-scoped cluster is one for every test package.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import glob
import itertools
import os
import pwd
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from storage.codecs import encode_time

USER = "surveybot"
"""The cluster's superuser, which the tests connect as (no password: `-A trust`)."""
INSTALL_HINT = "apt-get install postgresql"
BACKENDS = ("sqlite", "postgresql")

T = TypeVar("T")


class Unavailable(Exception):
    """PostgreSQL cannot be used here; the message says why and how to fix it."""


def find_binaries() -> Path:
    """The folder holding initdb, pg_ctl and postgres: on PATH, else Debian's newest."""
    on_path = [shutil.which(name) for name in ("initdb", "pg_ctl", "postgres")]
    if all(on_path):
        return Path(os.path.realpath(str(on_path[0]))).parent
    # Debian keeps them off PATH, one folder per major version.
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name.split(".")[0]),
    )
    if not versions:
        raise Unavailable(f"PostgreSQL not installed: {INSTALL_HINT}")
    return Path(versions[-1]).parent


def free_port() -> int:
    """A port nobody listens on at 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    """One PostgreSQL server on a temporary folder, for one test session."""

    def __init__(self, bindir: Path, folder: Path, port: int) -> None:
        self.bindir = bindir
        self.folder = folder
        self.port = port
        self.data = folder / "data"
        self._names = itertools.count(1)

    @classmethod
    def start(cls) -> Cluster:
        """initdb and start a server; raises Unavailable (folder removed) if it cannot."""
        bindir = find_binaries()
        folder = Path(tempfile.mkdtemp(prefix="surveybot-pg-"))
        cluster = cls(bindir, folder, free_port())
        try:
            cluster._own_folder()
            cluster._run(
                "initdb",
                "-D",
                str(cluster.data),
                "-A",
                "trust",
                "-U",
                USER,
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            )
            options = (
                f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {folder} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200"
            )
            log = str(folder / "server.log")
            cluster._run(
                "pg_ctl",
                "-D",
                str(cluster.data),
                "-l",
                log,
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            )
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return cluster

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except Unavailable:
            pass  # already gone: the folder goes all the same
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """The connection string of `database` on this server."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    async def create_database(self) -> str:
        """A new empty database; returns its name."""
        name = f"test_{next(self._names)}"
        await self._admin(f'CREATE DATABASE "{name}"')
        return name

    async def drop_database(self, name: str) -> None:
        """Drop `name`, closing whatever connection a failed test left open on it."""
        await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    async def _admin(self, sql: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.url())
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    def _own_folder(self) -> None:
        # PostgreSQL refuses to run as root: the folder goes to `nobody`, who runs it.
        if os.geteuid() != 0:
            return
        nobody = pwd.getpwnam("nobody")
        os.chown(self.folder, nobody.pw_uid, nobody.pw_gid)
        self.folder.chmod(0o700)

    def _run(self, program: str, *args: str) -> None:
        as_nobody: dict[str, Any] = {}
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            as_nobody = {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
        try:
            subprocess.run(
                [str(self.bindir / program), *args],
                cwd=self.folder,
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
                env={**os.environ, "LC_ALL": "C", "HOME": str(self.folder)},
                **as_nobody,
            )
        except subprocess.CalledProcessError as exc:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
            raise Unavailable(
                f"PostgreSQL did not start ({program} failed: {exc.stderr.strip()[-500:]}) {tail}"
            ) from exc
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise Unavailable(f"PostgreSQL did not start ({program}: {exc})") from exc


def run_in_thread(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine on its own event loop in a helper thread, from sync code.

    A test's own loop is busy running the test: a peek must not need it.
    """
    outcome: list[Any] = []

    def target() -> None:
        try:
            outcome.append((True, asyncio.run(make())))  # type: ignore[arg-type]
        except BaseException as exc:  # handed back to the caller below
            outcome.append((False, exc))

    thread = threading.Thread(target=target, name="peek")
    thread.start()
    thread.join()
    ok, value = outcome[0]
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


def numbered(sql: str) -> str:
    """SQLite's `?` placeholders as PostgreSQL's `$1, $2, ...` (tests' SQL has no `?` in text)."""
    count = itertools.count(1)
    parts = sql.split("?")
    return "".join(
        part + (f"${next(count)}" if i < len(parts) - 1 else "") for i, part in enumerate(parts)
    )


def _plain(value: Any) -> Any:
    # Times as the SQLite backend stores them, so one expected value serves both.
    if isinstance(value, dt.datetime):
        return encode_time(value)
    return value


class PgPeek:
    """Reads a PostgreSQL database through a separate connection: only committed data."""

    def __init__(self, url: str) -> None:
        self.url = url

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of `sql` (written with `?`), times as SQLite text."""
        if sql.strip().upper() == "PRAGMA FOREIGN_KEY_CHECK":
            # PostgreSQL checks every foreign key at each statement: no violation can be stored.
            return []

        async def fetch() -> list[tuple[Any, ...]]:
            import asyncpg

            conn = await asyncpg.connect(self.url)
            try:
                rows = await conn.fetch(numbered(sql), *params)
            finally:
                await conn.close()
            return [tuple(_plain(value) for value in row.values()) for row in rows]

        return run_in_thread(fetch)

    def execute(self, sql: str) -> None:
        """Run one statement and commit it, as an operator at the psql prompt would."""

        async def run() -> None:
            import asyncpg

            conn = await asyncpg.connect(self.url)
            try:
                await conn.execute(sql)
            finally:
                await conn.close()

        run_in_thread(run)

    def tables(self) -> list[str]:
        """The names of the tables, sorted (the schema_version bookkeeping table left out)."""
        rows = self.query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'schema_version' ORDER BY 1"
        )
        return [str(name) for (name,) in rows]

    def dump(self) -> list[str]:
        """Every row of every table as text, to prove that nothing changed."""
        lines: list[str] = []
        for table in self.tables():
            rows = self.query(f'SELECT t::text FROM "{table}" t ORDER BY 1')
            lines.extend(f"{table}: {text}" for (text,) in rows)
        return lines


# Fixtures (imported by tests/conftest.py)


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker of tests that look at what only SQLite has (files, PRAGMAs)."""
    config.addinivalue_line(
        "markers", "sqlite_only: checks SQLite specifics; not run against PostgreSQL"
    )


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster | Unavailable]:
    """The session's PostgreSQL server, or why there is none (started on first use)."""
    try:
        cluster = Cluster.start()
    except Unavailable as reason:
        yield reason
        return
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: Cluster | Unavailable) -> Iterator[str]:
    """The URL of a fresh, empty database for this test; skips if PostgreSQL is unavailable.

    Sync (the database made on a helper loop), so fixtures can ask for it by name.
    """
    if isinstance(postgres_cluster, Unavailable):
        pytest.skip(str(postgres_cluster))
    name = run_in_thread(postgres_cluster.create_database)
    try:
        yield postgres_cluster.url(name)
    finally:
        run_in_thread(lambda: postgres_cluster.drop_database(name))


@pytest.fixture
def backend() -> str:
    """The store's backend: SQLite, unless `both_backends` parametrised the test."""
    return "sqlite"


@pytest.fixture
def store_target(backend: str, request: pytest.FixtureRequest) -> Path | str:
    """What `storage.open_store` opens for this test: the SQLite file or a fresh database's URL."""
    if backend == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return Path(request.getfixturevalue("db_path"))


SQLITE_FIXTURES = frozenset({"db", "db_path"})
"""Fixtures that only make sense on SQLite: a test that asks for one runs there only."""


def both_backends(metafunc: pytest.Metafunc) -> None:
    """Run each test that uses the store on SQLite and on PostgreSQL (`pytest_generate_tests`).

    Left on SQLite alone: tests marked `sqlite_only`, and those asking for the
    file or the SQLite `Database` itself.
    """
    names = set(metafunc.fixturenames)
    if "backend" not in names or names & SQLITE_FIXTURES:
        return
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        return
    metafunc.parametrize("backend", BACKENDS)


def peek_for(backend: str, request: pytest.FixtureRequest) -> Any:
    """The `peek` of this test's backend: tests.conftest.Peek on the file, or PgPeek."""
    from tests.conftest import Peek

    if backend == "postgresql":
        return PgPeek(str(request.getfixturevalue("postgres_url")))
    return Peek(Path(request.getfixturevalue("db_path")))


def where(store: Any) -> str:
    """How a store's messages name its database: the SQLite file, or the URL without password."""
    url = getattr(store, "url", None)
    return str(url) if url is not None else str(store.path)


def refuse_inserts(peek: Any, table: str, message: str) -> None:
    """Make every insert into `table` fail with `message`, as a full disk would, on either backend.

    Written through `peek`'s own connection, as an operator would, between two of the store's
    transactions.
    """
    if isinstance(peek, PgPeek):
        peek.execute(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$"
        )
        peek.execute(f"CREATE TRIGGER refuse BEFORE INSERT ON {table} EXECUTE FUNCTION refuse()")
        return
    conn = sqlite3.connect(peek.path, isolation_level=None)
    try:
        conn.execute(
            f"CREATE TRIGGER refuse BEFORE INSERT ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
    finally:
        conn.close()
