"""A consistent read-only view of the database, for exports: one read transaction.

`Snapshot` is what exports read through, on either backend; `storage.open_snapshot`
picks the backend from the target. Here is SQLite's, and what both share (the
filter, the batches); PostgreSQL's is `storage.postgres.snapshot`.

`open_sqlite_snapshot(path)` opens a second, read-only SQLite connection (plain
`sqlite3`, synchronous: exports run in a worker thread or a notebook, where an
event loop may already be running) and holds one read transaction for the
whole export. In WAL mode the bot keeps writing meanwhile, and every query of
the snapshot sees the database as it was at its first read: a response is
exported at that state, or not at all.

Responses come in batches of columns (one tuple per field). SQLite builds each
batch as one JSON document (each response's answers an object in it), decoded
by one call, so a large export never holds one Python object per answer row
for the whole table, and the export's reader thread (`exports.readahead`) gets
a batch from one step of SQLite, which runs without Python's interpreter lock.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

from storage import flow_versions, stages
from storage.batches import EncodedBatch, JsonBatch, ResponseBatch, check_size, decoded
from storage.codecs import encode_time
from storage.connection import BUSY_TIMEOUT_MS, describe_error
from storage.errors import not_permitted, refuse_other_schema, unreadable_database
from storage.flow_versions import FlowVersion
from storage.migrations import SCHEMA_VERSION, refuse_empty_file
from storage.models import ResponseStatus, Stage

DEFAULT_BATCH: Final = 2000


@dataclass(frozen=True, slots=True)
class ResponseFilter:
    """Which responses to read. Empty tuples mean "any"."""

    flow_id: str
    stage_codes: tuple[str, ...] = ()
    statuses: tuple[ResponseStatus, ...] = ()
    started_from: dt.datetime | None = None
    """Inclusive lower bound on `started_at`."""
    started_before: dt.datetime | None = None
    """Exclusive upper bound on `started_at`."""
    flow_versions: tuple[int, ...] = ()
    channels: tuple[str, ...] = ()
    """The respondents' channels (`Channel` values: telegram, web, terminal)."""
    untagged: bool = False
    """Keep the responses that came with no stage (`stage_code` NULL): alone, or beside
    those of `stage_codes`. Neither given: every response, tagged or not."""

    def where(self, *, numbered: bool = False) -> tuple[str, list[object]]:
        """The SQL condition on `responses r` and its parameters.

        SQLite's `?` placeholders and times as stored text by default;
        `numbered`: PostgreSQL's `$1, $2...` and times as datetimes.
        """
        params: list[object] = []

        def mark(value: object) -> str:
            params.append(value)
            return f"${len(params)}" if numbered else "?"

        def moment(value: dt.datetime) -> object:
            return value.astimezone(dt.UTC) if numbered else encode_time(value)

        clauses = [f"r.flow_id = {mark(self.flow_id)}"]
        stages = []
        if self.stage_codes:
            stages.append(f"r.stage_code IN ({', '.join(mark(c) for c in self.stage_codes)})")
        if self.untagged:
            stages.append("r.stage_code IS NULL")
        if stages:  # in parentheses: an OR beside the other conditions' ANDs
            clauses.append(f"({' OR '.join(stages)})")
        for column, values in (
            ("r.status", tuple(ResponseStatus(s).value for s in self.statuses)),
            ("r.flow_version", self.flow_versions),
        ):
            if values:
                clauses.append(f"{column} IN ({', '.join(mark(v) for v in values)})")
        if self.channels:
            # A subquery rather than a join: every query of the snapshot takes this condition.
            marks = ", ".join(mark(c) for c in self.channels)
            clauses.append(
                f"r.respondent_id IN (SELECT id FROM respondents WHERE channel IN ({marks}))"
            )
        if self.started_from is not None:
            encode_time(self.started_from)  # a naive time is refused alike on both backends
            clauses.append(f"r.started_at >= {mark(moment(self.started_from))}")
        if self.started_before is not None:
            encode_time(self.started_before)
            clauses.append(f"r.started_at < {mark(moment(self.started_before))}")
        return " AND ".join(clauses), params


@dataclass(frozen=True, slots=True)
class ResponseCount:
    """How many responses of one flow version have one status."""

    flow_version: int
    status: ResponseStatus
    count: int


@dataclass(frozen=True, slots=True)
class AnsweredQuestion:
    """What the stored answers to one question look like, for planning export columns."""

    question_id: str
    flow_versions: tuple[int, ...]
    has_other_text: bool
    value_types: frozenset[str]
    """JSON types of the stored values: "text", "integer", "real", "array"…"""
    list_codes: tuple[str, ...] = ()
    """Codes found inside list answers (multiple choice, ranking), sorted."""


class Snapshot(Protocol):
    """Reads of one database state, on either backend; get one with `storage.open_snapshot`."""

    def count(self, where: ResponseFilter) -> list[ResponseCount]:
        """How many responses match, by flow version and status."""
        ...

    def flows_held(self) -> dict[str, int]:
        """How many responses each flow has, whatever their status: by flow id."""
        ...

    def answered_questions(
        self, where: ResponseFilter, *, except_version: int | None = None
    ) -> list[AnsweredQuestion]:
        """The questions answered in matching responses, except those of `except_version`."""
        ...

    def batches(
        self,
        where: ResponseFilter,
        *,
        size: int = DEFAULT_BATCH,
        with_times: bool = False,
        with_skipped: bool = False,
        with_versions: bool = False,
    ) -> Iterator[ResponseBatch]:
        """Matching responses in id order, `size` at a time, with their answers.

        `with_times` adds when each answer was given; `with_skipped`, the
        questions skipped (otherwise every response's `skipped` is empty);
        `with_versions`, the answers given on another flow version than their response's.
        Both backends' (which subclass this protocol): their `encoded_batches`, decoded.
        """
        encoded = self.encoded_batches(
            where,
            size=size,
            with_times=with_times,
            with_skipped=with_skipped,
            with_versions=with_versions,
        )
        return decoded(encoded)

    def encoded_batches(
        self,
        where: ResponseFilter,
        *,
        size: int = DEFAULT_BATCH,
        with_times: bool = False,
        with_skipped: bool = False,
        with_versions: bool = False,
    ) -> Iterator[EncodedBatch]:
        """The batches of `batches` as the database gave them, each decoded by `decode()`."""
        ...

    def flow_versions(self, flow_id: str) -> list[FlowVersion]:
        """Every version of `flow_id` the bot has run, as stored, oldest first."""
        ...

    def stages(self) -> list[Stage]:
        """Every stage the database knows, as the stages file said when the bot last ran."""
        ...


class SqliteSnapshot(Snapshot):
    """Reads of one SQLite database state; get one with `open_sqlite_snapshot(path)`."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    def _query(self, sql: str, params: Sequence[object], action: str) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise describe_error(exc, self.path, action) from exc

    def count(self, where: ResponseFilter) -> list[ResponseCount]:
        """How many responses match, by flow version and status."""
        condition, params = where.where()
        rows = self._query(
            f"SELECT r.flow_version, r.status, COUNT(*) FROM responses r WHERE {condition} "
            "GROUP BY r.flow_version, r.status ORDER BY r.flow_version, r.status",
            params,
            "count the responses to export",
        )
        return [
            ResponseCount(int(str(version)), ResponseStatus(str(status)), int(str(count)))
            for version, status, count in rows
        ]

    def flows_held(self) -> dict[str, int]:
        """How many responses each flow has, whatever their status: by flow id."""
        rows = self._query(
            "SELECT flow_id, COUNT(*) FROM responses GROUP BY flow_id", (), "count the flows"
        )
        return {str(flow_id): int(str(count)) for flow_id, count in rows}

    def answered_questions(
        self, where: ResponseFilter, *, except_version: int | None = None
    ) -> list[AnsweredQuestion]:
        """The questions answered in matching responses, except those of `except_version`.

        Exporters know the current flow version's questions from its file, and
        ask here only about the others, so the common case scans nothing.
        """
        condition, params = where.where()
        if except_version is not None:
            condition += " AND r.flow_version != ?"
            params = [*params, except_version]
        rows = self._query(
            "SELECT a.question_id, group_concat(DISTINCT a.flow_version), "
            "MAX(a.other_text IS NOT NULL), group_concat(DISTINCT json_type(a.value_json)) "
            f"FROM responses r JOIN answers a ON a.response_id = r.id WHERE {condition} "
            "GROUP BY a.question_id ORDER BY MIN(a.rowid)",
            params,
            "list the questions answered",
        )
        code_rows = self._query(
            "SELECT DISTINCT a.question_id, j.value FROM responses r "
            "JOIN answers a ON a.response_id = r.id, json_each(a.value_json) AS j "
            f"WHERE {condition} AND json_type(a.value_json) = 'array' "
            "ORDER BY a.question_id, j.value",
            params,
            "list the codes answered",
        )
        codes: dict[str, list[str]] = {}
        for question_id, code in code_rows:
            codes.setdefault(str(question_id), []).append(str(code))
        return [
            AnsweredQuestion(
                question_id=str(question_id),
                flow_versions=tuple(sorted(int(v) for v in str(versions).split(","))),
                has_other_text=bool(has_other),
                value_types=frozenset(str(types).split(",")),
                list_codes=tuple(codes.get(str(question_id), ())),
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
    ) -> Iterator[JsonBatch]:
        """The batches of `batches`, each as SQLite's one JSON document, not decoded."""
        check_size(size)
        condition, params = where.where()
        sql = _batch_sql(
            condition, with_times=with_times, with_skipped=with_skipped, with_versions=with_versions
        )
        after = 0
        while True:
            rows = self._query(sql, [*params, after, size], "read responses to export")
            text, last, count = rows[0]
            if not count:
                return
            yield JsonBatch(str(text), with_times=with_times, with_versions=with_versions)
            after = int(last)
            if count < size:
                return

    def flow_versions(self, flow_id: str) -> list[FlowVersion]:
        """Every version of `flow_id` the bot has run, as stored, oldest first."""
        rows = self._query(
            f"SELECT {flow_versions.COLUMNS} FROM flow_versions WHERE flow_id = ? ORDER BY version",
            [flow_id],
            "read the stored flow versions",
        )
        return [flow_versions.from_row(row) for row in rows]

    def stages(self) -> list[Stage]:
        """Every stage the database knows, as the stages file said when the bot last ran."""
        rows = self._query(f"SELECT {stages.COLUMNS} FROM stages", (), "read the stages")
        names = [name.strip() for name in stages.COLUMNS.split(",")]
        return [stages.from_row(dict(zip(names, row, strict=True))) for row in rows]


def _batch_sql(
    condition: str, *, with_times: bool, with_skipped: bool, with_versions: bool = False
) -> str:
    """A batch of responses as one JSON array of rows, built by SQLite in one step.

    One step of the statement does all of SQLite's work for the batch without
    holding Python's interpreter lock, so a reader thread overlaps it with the
    writing of the previous batch (fetching row by row would take the lock back
    for every row); and the whole batch is decoded by one call. Each response's
    answers are embedded as JSON objects (a scalar subquery keeps SQLite's JSON
    subtype), not as text to decode again.
    """
    times = ", json_group_object(a.question_id, a.answered_at)" if with_times else ""
    if with_versions:  # most answers are on their response's version: an empty object
        times += (
            ", json_group_object(a.question_id, a.flow_version) "
            "FILTER (WHERE a.flow_version != r.flow_version)"
        )
    # The engine writes compact JSON: most states say "skipped":[] and need no parsing.
    skipped = (
        """CASE WHEN instr(r.state_json, '"skipped":[]') THEN NULL """
        "WHEN json_valid(r.state_json) THEN json_extract(r.state_json, '$.skipped') END"
        if with_skipped
        else "NULL"
    )
    return (
        "SELECT json_group_array(json_array(r.id, r.key, r.stage_code, st.city, st.region, "
        "p.channel, "
        "r.flow_id, r.flow_version, r.language, r.status, r.started_at, r.completed_at, "
        f"{skipped}, "
        # One walk of the response's answers gives its objects: values, "other"
        # texts (and times, and versions), as [answers, others(, times)(, versions)].
        "(SELECT json_array(json_group_object(a.question_id, json(a.value_json)), "
        "json_group_object(a.question_id, a.other_text) FILTER (WHERE a.other_text IS NOT NULL)"
        f"{times}) FROM answers a WHERE a.response_id = r.id))), "
        # Where the batch ends and how many it holds, without decoding it.
        "MAX(r.id), COUNT(*) "
        "FROM responses r LEFT JOIN stages st ON st.code = r.stage_code "
        "LEFT JOIN respondents p ON p.id = r.respondent_id "
        # NOT INDEXED: walk responses in id order, whatever the filters, so each
        # batch starts where the last ended instead of sorting all that match.
        "WHERE r.id IN (SELECT r.id FROM responses r NOT INDEXED "
        f"WHERE {condition} AND r.id > ? ORDER BY r.id LIMIT ?)"
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


@contextmanager
def open_sqlite_snapshot(path: str | Path) -> Iterator[SqliteSnapshot]:
    """Open the database read-only and hold one read transaction until the block ends."""
    path = Path(path)
    try:
        if not path.is_file():
            raise unreadable_database(path, "check the path (SURVEYBOT_DB or --db)")
    except PermissionError:
        # Python 3.11's is_file() lets this one through: a folder of another user's.
        raise not_permitted(path, "read database") from None
    try:
        # mode=ro: SQLite itself refuses writes and never creates the file.
        # check_same_thread off: an export reads its batches in a reader thread
        # (exports.readahead), one query at a time, never two threads at once.
        conn = sqlite3.connect(
            path.resolve().as_uri() + "?mode=ro",
            uri=True,
            isolation_level=None,
            timeout=BUSY_TIMEOUT_MS / 1000,
            check_same_thread=False,
        )
    except sqlite3.Error as exc:
        raise describe_error(exc, path, "open the database") from exc
    try:
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("BEGIN")
            # The first read fixes the snapshot: every later query sees this state.
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as exc:
            raise describe_error(exc, path, "read the database") from exc
        check_schema(path, version)
        yield SqliteSnapshot(conn, path)
    finally:
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        finally:
            conn.close()


def check_schema(path: Path, version: int) -> None:
    """Refuse a SQLite database not at this surveybot's schema version, saying what to do."""
    refuse_empty_file(path, version)
    refuse_other_schema(str(path), version, SCHEMA_VERSION)
