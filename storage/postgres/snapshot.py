"""A consistent read-only view of a PostgreSQL database, for exports: one REPEATABLE READ transaction.

The same interface and results as SQLite's (`storage.snapshot`), and as
synchronous: exports run in worker threads, at the command line and in
notebooks, where an event loop may already be running. asyncpg needs a loop of
its own, so the snapshot runs a private one in a background thread and each
call waits for its coroutine there (`_Loop`). A second, synchronous driver
(psycopg) would avoid the thread, but would mean two drivers to install and
keep in step, two ways of connecting and two sets of error wording, for one
reader; the bridge is thirty lines.

The snapshot is one connection holding one read-only `REPEATABLE READ`
transaction for the whole export: its first query fixes the state every later
query sees, while the bot goes on writing. Responses are read through a
server-side cursor, a batch at a time, so memory stays flat whatever the size.

Values come out exactly as from SQLite: times as the text SQLite stores
(`2019-06-03T09:00:00.000000+00:00`, formatted by the server), answers as the
JSON text stored (the `json` type keeps it as written, unlike `jsonb`), codes
sorted byte-wise (`COLLATE "C"`, SQLite's order, whatever the database's
locale), answers ordered by `seq`, which stands for SQLite's rowid.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import asyncpg

from storage.batches import ResponseBatch, check_size, decode_object, response_batch
from storage.errors import refuse_other_schema
from storage.flow_versions import FlowVersion
from storage.migrations import SCHEMA_VERSION
from storage.models import ResponseStatus, Stage
from storage.postgres import flow_versions, stages
from storage.postgres.connection import (
    CONNECT_TIMEOUT_S,
    describe_error,
    describe_target,
    open_failure,
)
from storage.postgres.schema import read_version
from storage.snapshot import (
    DEFAULT_BATCH,
    AnsweredQuestion,
    ResponseCount,
    ResponseFilter,
    Snapshot,
)

T = TypeVar("T")

# A stored time as SQLite's text: UTC, microseconds, "+00:00".
STORED_TIME: Final = """'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'"""


def _as_text(column: str) -> str:
    return f"to_char({column} AT TIME ZONE 'UTC', {STORED_TIME})"


# SQLite's json_type names for a stored value: "text", "integer", "real", "array"...
VALUE_TYPE: Final = (
    "CASE json_typeof(a.value_json::json) WHEN 'string' THEN 'text' "
    "WHEN 'number' THEN CASE WHEN a.value_json ~ '[.eE]' THEN 'real' ELSE 'integer' END "
    "WHEN 'boolean' THEN btrim(a.value_json) ELSE json_typeof(a.value_json::json) END"
)


class _Loop:
    """An event loop in a daemon thread: coroutines run there, the caller waits for each."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="surveybot-snapshot", daemon=True
        )
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result()
        except BaseException:
            # Interrupted (Ctrl-C) while waiting: stop the query rather than leave it running.
            future.cancel()
            raise

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


class PostgresSnapshot(Snapshot):
    """Reads of one PostgreSQL database state; get one with `open_postgres_snapshot(url)`."""

    def __init__(self, loop: _Loop, conn: asyncpg.Connection, label: str) -> None:
        self._loop = loop
        self._conn = conn
        self.url = label
        """The database's URL without its password: how messages name it."""

    def _query(self, sql: str, params: list[object], action: str) -> list[asyncpg.Record]:
        try:
            return self._loop.run(self._conn.fetch(sql, *params))
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            raise describe_error(exc, self.url, action) from exc

    def count(self, where: ResponseFilter) -> list[ResponseCount]:
        """How many responses match, by flow version and status."""
        condition, params = where.where(numbered=True)
        rows = self._query(
            f"SELECT r.flow_version, r.status, COUNT(*) FROM responses r WHERE {condition} "
            'GROUP BY r.flow_version, r.status ORDER BY r.flow_version, r.status COLLATE "C"',
            params,
            "count the responses to export",
        )
        return [
            ResponseCount(int(version), ResponseStatus(status), int(count))
            for version, status, count in rows
        ]

    def flows_held(self) -> dict[str, int]:
        """How many responses each flow has, whatever their status: by flow id."""
        rows = self._query(
            "SELECT flow_id, COUNT(*) FROM responses GROUP BY flow_id", [], "count the flows"
        )
        return {str(flow_id): int(count) for flow_id, count in rows}

    def answered_questions(
        self, where: ResponseFilter, *, except_version: int | None = None
    ) -> list[AnsweredQuestion]:
        """The questions answered in matching responses, except those of `except_version`."""
        condition, params = where.where(numbered=True)
        if except_version is not None:
            params = [*params, except_version]
            condition += f" AND r.flow_version != ${len(params)}"
        rows = self._query(
            "SELECT a.question_id, array_agg(DISTINCT a.flow_version), "
            f"bool_or(a.other_text IS NOT NULL), array_agg(DISTINCT {VALUE_TYPE}) "
            f"FROM responses r JOIN answers a ON a.response_id = r.id WHERE {condition} "
            "GROUP BY a.question_id ORDER BY MIN(a.seq)",
            params,
            "list the questions answered",
        )
        # The CASE keeps json_array_elements_text off scalars, whatever order the planner picks.
        code_rows = self._query(
            'SELECT DISTINCT a.question_id COLLATE "C", j.value COLLATE "C" FROM responses r '
            "JOIN answers a ON a.response_id = r.id, json_array_elements_text(CASE WHEN "
            "json_typeof(a.value_json::json) = 'array' THEN a.value_json::json "
            "ELSE '[]' END) AS j(value) "
            f"WHERE {condition} ORDER BY 1, 2",
            params,
            "list the codes answered",
        )
        codes: dict[str, list[str]] = {}
        for question_id, code in code_rows:
            codes.setdefault(question_id, []).append(code)
        return [
            AnsweredQuestion(
                question_id=question_id,
                flow_versions=tuple(sorted(versions)),
                has_other_text=bool(has_other),
                value_types=frozenset(types),
                list_codes=tuple(codes.get(question_id, ())),
            )
            for question_id, versions, has_other, types in rows
        ]

    def encoded_batches(
        self,
        where: ResponseFilter,
        *,
        size: int = DEFAULT_BATCH,
        with_times: bool = False,
        with_skipped: bool = False,
        with_versions: bool = False,
    ) -> Iterator[RowsBatch]:
        """The batches of `batches` as the server sent them: rows, answers as JSON text.

        One server-side cursor for the whole walk: the server sends `size`
        rows per trip, and only the batch in hand is in memory here.
        """
        check_size(size)
        condition, params = where.where(numbered=True)
        try:
            cursor = self._loop.run(
                _cursor(
                    self._conn,
                    _batch_sql(condition, with_times, with_skipped, with_versions),
                    params,
                )
            )
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            raise describe_error(exc, self.url, "read responses to export") from exc
        while True:
            try:
                rows = self._loop.run(cursor.fetch(size))
            except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
                raise describe_error(exc, self.url, "read responses to export") from exc
            if not rows:
                return
            yield RowsBatch(
                tuple(zip(*rows, strict=True)),
                with_times=with_times,
                with_skipped=with_skipped,
                with_versions=with_versions,
            )
            if len(rows) < size:
                return

    def flow_versions(self, flow_id: str) -> list[FlowVersion]:
        """Every version of `flow_id` the bot has run, as stored, oldest first."""
        rows = self._query(
            f"SELECT {flow_versions.COLUMNS} FROM flow_versions WHERE flow_id = $1 "
            "ORDER BY version",
            [flow_id],
            "read the stored flow versions",
        )
        return [flow_versions.from_row(row) for row in rows]

    def stages(self) -> list[Stage]:
        """Every stage the database knows, as the stages file said when the bot last ran."""
        rows = self._query(f"SELECT {stages.COLUMNS} FROM stages", [], "read the stages")
        return [stages.from_row(row) for row in rows]


def _batch_sql(
    condition: str, with_times: bool, with_skipped: bool, with_versions: bool = False
) -> str:
    """One row per response, its answers gathered by the server into JSON objects.

    One pass over each response's answers (the primary key's index) gives the
    objects, as SQLite's query gives them.
    """
    # Most states say "skipped":[] (compact JSON from the engine): only the others travel.
    skipped = (
        """CASE WHEN strpos(r.state_json, '"skipped":[]') > 0 THEN NULL ELSE r.state_json END"""
        if with_skipped
        else "NULL"
    )
    times = f", json_object_agg(a.question_id, {_as_text('a.answered_at')}) AS times"
    # Most answers are on their response's version: none to send.
    versions = (
        ", json_object_agg(a.question_id, a.flow_version) "
        "FILTER (WHERE a.flow_version <> r.flow_version) AS versions"
    )
    return (
        "SELECT r.id, r.key, r.stage_code, st.city, st.region, p.channel, r.flow_id, "
        f"r.flow_version, r.language, r.status, {_as_text('r.started_at')}, "
        f"{_as_text('r.completed_at')}, "
        f"{skipped}, COALESCE(g.answers::text, '{{}}'), COALESCE(g.others::text, '{{}}')"
        + (", COALESCE(g.times::text, '{}')" if with_times else "")
        + (", COALESCE(g.versions::text, '{}') " if with_versions else " ")
        + "FROM responses r LEFT JOIN stages st ON st.code = r.stage_code "
        "LEFT JOIN respondents p ON p.id = r.respondent_id "
        "LEFT JOIN LATERAL (SELECT json_object_agg(a.question_id, a.value_json::json) "
        "AS answers, json_object_agg(a.question_id, a.other_text) "
        f"FILTER (WHERE a.other_text IS NOT NULL) AS others{times if with_times else ''}"
        f"{versions if with_versions else ''} "
        f"FROM answers a WHERE a.response_id = r.id) g ON true WHERE {condition} ORDER BY r.id"
    )


async def _cursor(conn: asyncpg.Connection, sql: str, params: list[object]) -> Any:
    """A server-side cursor on `sql` (the connection is inside its transaction)."""
    return await conn.cursor(sql, *params)


@dataclass(frozen=True, slots=True)
class RowsBatch:
    """A batch as the server sent it: its columns, the answers in each still JSON text."""

    columns: tuple[tuple[Any, ...], ...]
    with_times: bool
    with_skipped: bool
    with_versions: bool

    def decode(self) -> ResponseBatch:
        columns = self.columns
        extra = 16 if self.with_times else 15
        return response_batch(
            columns,
            skipped=tuple(map(_skipped, columns[12]))
            if self.with_skipped
            else tuple(() for _ in columns[0]),
            answers=tuple(map(decode_object, columns[13])),
            other_texts=tuple(map(decode_object, columns[14])),
            answered_at=tuple(map(decode_object, columns[15])) if self.with_times else None,
            answer_versions=tuple(map(decode_object, columns[extra]))
            if self.with_versions
            else None,
        )


def _skipped(state_json: str | None) -> tuple[str, ...]:
    """The questions skipped in a saved state; none if the state is not valid JSON (as SQLite)."""
    if state_json is None:
        return ()
    try:
        state = json.loads(state_json)
    except ValueError:
        return ()
    skipped = state.get("skipped") if isinstance(state, dict) else None
    return tuple(str(item) for item in skipped) if isinstance(skipped, list) else ()


@contextmanager
def open_postgres_snapshot(url: str) -> Iterator[PostgresSnapshot]:
    """Connect read-only and hold one REPEATABLE READ transaction until the block ends."""
    label = describe_target(url)
    loop = _Loop()
    try:
        conn = loop.run(_connect(url))
        try:
            # The first read fixes the snapshot: every later query sees this state.
            version = loop.run(_begin(conn, label))
            refuse_other_schema(label, version, SCHEMA_VERSION)
            yield PostgresSnapshot(loop, conn, label)
        finally:
            loop.run(_close(conn))
    finally:
        loop.close()


async def _connect(url: str) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(
            url,
            timeout=CONNECT_TIMEOUT_S,
            server_settings={
                "application_name": "surveybot export",
                # The server refuses writes, as SQLite's mode=ro does.
                "default_transaction_read_only": "on",
            },
        )
    except (OSError, TimeoutError, asyncpg.PostgresError, ValueError) as exc:
        raise open_failure(exc, url) from None


async def _begin(conn: asyncpg.Connection, label: str) -> int:
    try:
        await conn.transaction(isolation="repeatable_read", readonly=True).start()
        return await read_version(conn)
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
        raise describe_error(exc, label, "read the database") from exc


async def _close(conn: asyncpg.Connection) -> None:
    # Closing ends the read-only transaction (nothing to commit); a connection an
    # interrupted query left busy is dropped instead.
    try:
        await conn.close(timeout=5)
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError):
        conn.terminate()
