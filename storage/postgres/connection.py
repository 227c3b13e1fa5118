"""The connection pool to one PostgreSQL database, and errors that say what failed and where.

`PgDatabase` plays the part `storage.db.Database` plays for SQLite: it runs a
function of a connection in one transaction (`run_write`) or one consistent
read (`run_read`) and turns PostgreSQL's errors, and `NotFound`, into a
`StorageError` naming the action and the database. The database is named by
its URL with the password left out: messages end up in logs and on screens.

asyncpg is the driver: maintained, the fastest for Python, speaking
PostgreSQL's protocol itself (no libpq to install), with a pool and prepared
statements cached per connection.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Final, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from storage.errors import Conflict, NotFound, StorageError, Unavailable

T = TypeVar("T")
Body = Callable[[asyncpg.Connection], Awaitable[T]]

SCHEMES = ("postgresql", "postgres")
"""The URL schemes that name a PostgreSQL database (libpq accepts both)."""
POOL_SIZE = 10
"""Connections per process: enough for concurrent respondents, few for the server."""
CONNECT_TIMEOUT_S = 10
INSTANCE_LOCKS: Final = 0x5342_0002
"""The advisory locks' first key for work one instance does at a time (`hold`)."""
_TRY_LOCK: Final = "SELECT pg_try_advisory_lock($1, hashtext($2))"
_UNLOCK: Final = "SELECT pg_advisory_unlock($1, hashtext($2))"


def is_postgres_url(target: object) -> bool:
    """Whether `target` is a PostgreSQL connection string rather than a file path."""
    return isinstance(target, str) and target.split("://", 1)[0].lower() in SCHEMES


def describe_target(url: str) -> str:
    """The URL without its password (and without query options), for messages."""
    parts = urlsplit(url)
    if cut_short(url):
        return f"{parts.scheme}://…"  # what reads as the host may be the password's end
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address keeps its brackets
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class PgDatabase:
    """A pool of connections to one database; open with `await PgDatabase.open(url)`."""

    def __init__(self, pool: asyncpg.Pool, label: str, *, readonly: bool) -> None:
        self._pool: asyncpg.Pool | None = pool
        self._leases: dict[str, asyncpg.Connection] = {}
        """The connections holding this process's leases (`take_lease`)."""
        self.label = label
        """The URL without password: how messages name the database."""
        self.readonly = readonly

    @classmethod
    async def open(cls, url: str, *, readonly: bool = False) -> PgDatabase:
        """Connect (checking the server answers) to the database at `url`."""
        label = describe_target(url)
        # A startup setting, not a SET: the pool's RESET ALL on release keeps it. (Only those
        # a pooler such as pgbouncer passes on: it refuses others, the server's keepalives
        # among them, which docs/operators.md sets on the server instead.)
        settings = {"application_name": "surveybot"}
        if readonly:
            settings["default_transaction_read_only"] = "on"
        try:
            pool = await asyncpg.create_pool(
                url,
                min_size=1,
                max_size=POOL_SIZE,
                timeout=CONNECT_TIMEOUT_S,
                server_settings=settings,
            )
        except (OSError, TimeoutError, asyncpg.PostgresError, ValueError) as exc:
            raise open_failure(exc, url) from None
        return cls(pool, label, readonly=readonly)

    @property
    def closed(self) -> bool:
        """Whether `close` was called."""
        return self._pool is None

    async def close(self) -> None:
        """Close every connection once its transaction is over; idempotent."""
        for name in list(self._leases):
            await self.end_lease(name)
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    async def run_write(self, fn: Body[T], action: str = "write to the database") -> T:
        """Run `fn(conn)` in one read-write transaction, committed before returning."""
        if self.readonly:
            raise StorageError(f"cannot {action}: {self.label} was opened read-only")
        return await self._run(fn, action, isolation="read_committed", readonly=False)

    async def run_read(self, fn: Body[T], action: str = "read the database") -> T:
        """Run `fn(conn)` in one read-only transaction that sees one snapshot throughout."""
        return await self._run(fn, action, isolation="repeatable_read", readonly=True)

    async def _run(self, fn: Body[T], action: str, *, isolation: str, readonly: bool) -> T:
        pool = self._pool
        if pool is None:
            raise StorageError(f"the database {self.label} is closed; open a new Store to use it")
        try:
            async with (
                pool.acquire() as conn,
                conn.transaction(isolation=isolation, readonly=readonly),
            ):
                return await fn(conn)
        except NotFound as exc:
            raise NotFound(f"cannot {action}: {exc.what} in {self.label}", exc.hint) from exc
        except (asyncpg.DeadlockDetectedError, asyncpg.SerializationError) as exc:
            # Two instances' writes crossed; PostgreSQL undid one: it is decided again.
            raise Conflict(f"cannot {action} now: another write crossed it ({exc})") from exc
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            raise describe_error(exc, self.label, action) from exc

    async def take_lease(self, name: str) -> bool:
        """Hold the lease `name` across instances if it is free; False if another holds it.

        A session advisory lock, on a connection kept until `end_lease`: the
        server gives it back by itself if this process dies or loses the
        connection, so a killed instance never keeps the others from the work.
        """
        pool = self._pool
        if pool is None:
            raise StorageError(f"the database {self.label} is closed; open a new Store to use it")
        if name in self._leases:
            return False
        action = f"take the {name} lease"
        try:
            conn = await pool.acquire()
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            raise describe_error(exc, self.label, action) from exc
        try:
            held = bool(await conn.fetchval(_TRY_LOCK, INSTANCE_LOCKS, name))
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            await pool.release(conn)
            raise describe_error(exc, self.label, action) from exc
        if not held:
            await pool.release(conn)
            return False
        self._leases[name] = conn
        return True

    async def end_lease(self, name: str) -> None:
        """Give back the lease `name`; nothing if this process does not hold it."""
        conn = self._leases.pop(name, None)
        pool = self._pool
        if conn is None or pool is None:
            return
        # Releasing resets the session, which also unlocks; the explicit unlock says what.
        with contextlib.suppress(asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
            await conn.execute(_UNLOCK, INSTANCE_LOCKS, name)
        await pool.release(conn)


OUT_OF_REACH: Final = (
    asyncpg.CannotConnectNowError  # 57P03: starting up
    | asyncpg.AdminShutdownError  # 57P01: shutting down
    | asyncpg.CrashShutdownError  # 57P02: restarting after a crash
    | asyncpg.TooManyConnectionsError  # 53300
    | asyncpg.DiskFullError  # 53100
)
"""The server's errors that pass by themselves (with the connection lost: `Unavailable`)."""


def describe_error(exc: Exception, label: str, action: str) -> StorageError:
    """Turn a driver error into a StorageError that says what, where and how to fix."""
    if isinstance(exc, asyncpg.InterfaceError) and "connection is closed" in str(exc):
        # The connection lost mid-transaction: its end then fails with this, the loss
        # itself only in `__context__` ("terminating connection due to administrator
        # command"). Said as what it is: the connection lost, which passes.
        lost = exc.__context__
        exc = lost if isinstance(lost, Exception) else asyncpg.ConnectionDoesNotExistError(str(exc))
    if isinstance(exc, asyncpg.ReadOnlySQLTransactionError):
        hint = (
            f"{label} takes no writes: the server is a read-only replica (a standby), or the "
            "database is set read-only (default_transaction_read_only); point SURVEYBOT_DB "
            "at the primary server, or make the database writable again"
        )
    elif isinstance(exc, asyncpg.InsufficientPrivilegeError):
        hint = f"the user in {label} lacks a privilege; grant it, or connect as the owner"
    elif isinstance(exc, asyncpg.DiskFullError):
        hint = f"the disk of the server holding {label} is full; free some space and retry"
    elif isinstance(exc, OSError | asyncpg.PostgresConnectionError):
        hint = f"the connection to {label} was lost; check that the server is running, then retry"
    elif isinstance(exc, OUT_OF_REACH):
        hint = f"the server holding {label} cannot take this now (starting, stopping, full); retry"
    else:
        hint = f"database {label}"
    passing = isinstance(exc, OSError | asyncpg.PostgresConnectionError | OUT_OF_REACH)
    kind = Unavailable if passing else StorageError
    return kind(f"cannot {action}: {hint} (PostgreSQL: {exc})")


def open_failure(exc: BaseException, url: str) -> StorageError:
    """Why connecting to `url` failed, and what to do, without its password."""
    hint = CUT_SHORT if cut_short(url) else _without_password(_open_hint(exc, url), url)
    return StorageError(f"cannot open database {describe_target(url)}: {hint}")


CUT_SHORT: Final = (
    "the URL's user or password seems to hold a character that ends it ('@', '/', '#' "
    "or '?'); write it percent-encoded (%40, %2F, %23, %3F; '%' as %25), or put the "
    "password in PGPASSWORD or ~/.pgpass"
)


def cut_short(url: str) -> bool:
    """Whether an '@' lies where the driver takes the address to be over: the user or
    password held an unencoded '@', '/', '#' or '?' (its end then reads as the host)."""
    parts = urlsplit(url)
    # A query's values may hold one (`?user=me@example.org`); its first name cannot.
    first_name = parts.query.split("&", 1)[0].split("=", 1)[0]
    return parts.netloc.count("@") > 1 or "@" in parts.path + first_name + parts.fragment


def _no_password(url: str) -> bool:
    """Whether a password was given anywhere libpq looks: the URL, PGPASSWORD, ~/.pgpass."""
    pgpass = Path(os.environ.get("PGPASSFILE", "~/.pgpass")).expanduser()
    return not (urlsplit(url).password or os.environ.get("PGPASSWORD") or pgpass.is_file())


def _without_password(text: str, url: str) -> str:
    # A driver's message may quote the connection string; a password never leaves here.
    password = urlsplit(url).password
    return text.replace(password, "***") if password else text


def _open_hint(exc: BaseException, url: str) -> str:
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return "no such database on that server; create it first (createdb)"
    if isinstance(
        exc, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError
    ):
        if _no_password(url):
            return (
                "the server refused the user, and no password was given: put it in the "
                "URL, in ~/.pgpass, or in PGPASSWORD in the environment (a .env file only "
                "holds SURVEYBOT_ settings)"
            )
        return "the server refused the user or password; check the connection string"
    if isinstance(exc, TimeoutError):
        return f"the server did not answer within {CONNECT_TIMEOUT_S} s; check the host and port"
    if "SSL" in str(exc):  # sslmode=require, to a server without it: not a server down
        return f"the server and the URL's sslmode do not agree ({exc}); check sslmode= in it"
    if isinstance(exc, OSError):
        return f"the server cannot be reached ({exc.strerror or exc}); check that it is running"
    if isinstance(exc, ValueError):
        return f"the connection string is not valid ({exc})"
    return f"PostgreSQL: {exc}"
