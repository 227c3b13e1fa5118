"""The `Store`: respondents, responses, answers, stages and handled updates, on one file.

Every write method takes `now` from the caller (no clock in here) and runs in a
single guarded transaction. Times are stored as ISO 8601 text in UTC with
microseconds, which also sorts chronologically.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Final, TypeGuard

from storage.db import Database, select_all, select_one
from storage.errors import StorageError
from storage.migrations import apply_migrations, check_version
from storage.models import (
    AnswerInput,
    AnswerValue,
    Respondent,
    Response,
    ResponseStatus,
    Stage,
    StoredAnswer,
)

_RESPONDENT_COLUMNS: Final = "id, channel, external_id, language, created_at, blocked_at"
_RESPONSE_COLUMNS: Final = (
    "id, key, respondent_id, flow_id, flow_version, stage_code, language, status, "
    "state_json, current_step, started_at, updated_at, completed_at, prompt_message_id"
)
_ANSWER_COLUMNS: Final = (
    "response_id, question_id, value_json, other_text, flow_id, flow_version, "
    "stage_code, answered_at"
)
_STAGE_COLUMNS: Final = "code, city, region, territory, date, flow_id"

# OR IGNORE: recording an update twice keeps the time it was first handled.
_RECORD_UPDATE: Final = (
    "INSERT OR IGNORE INTO handled_updates (update_id, handled_at) VALUES (?, ?)"
)

# answered_at moves only when the answer really changed, so re-saving the whole
# answer set after each step keeps the time each answer was first given.
_UPSERT_ANSWER: Final = f"""
    INSERT INTO answers ({_ANSWER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (response_id, question_id) DO UPDATE SET
        answered_at = CASE
            WHEN answers.value_json IS excluded.value_json
                 AND answers.other_text IS excluded.other_text
            THEN answers.answered_at
            ELSE excluded.answered_at
        END,
        value_json = excluded.value_json,
        other_text = excluded.other_text,
        flow_id = excluded.flow_id,
        flow_version = excluded.flow_version,
        stage_code = excluded.stage_code
"""


class Store:
    """Survey data on one SQLite file; open with `await Store.open(path)`."""

    path: Path

    def __init__(self, db: Database) -> None:
        self._db = db
        self.path = db.path

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

    @property
    def readonly(self) -> bool:
        """Whether this store was opened read-only."""
        return self._db.readonly

    async def close(self) -> None:
        """Close the database connection; idempotent."""
        await self._db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # Respondents

    async def ensure_respondent(
        self, channel: str, external_id: str, *, now: dt.datetime, language: str | None = None
    ) -> Respondent:
        """Return the respondent for (channel, external_id), creating it if new.

        `language` is recorded only on creation; use `set_respondent_language`
        to change it later.
        """
        created_at = _encode_time(now)

        def write(conn: sqlite3.Connection) -> sqlite3.Row | None:
            conn.execute(
                "INSERT INTO respondents (channel, external_id, language, created_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (channel, external_id) DO NOTHING",
                (channel, external_id, language, created_at),
            )
            return select_one(
                conn,
                f"SELECT {_RESPONDENT_COLUMNS} FROM respondents "
                "WHERE channel = ? AND external_id = ?",
                (channel, external_id),
            )

        row = await self._db.run_write(write, "record a respondent")
        return _respondent(_found(row, f"respondent {channel}:{external_id}"))

    async def set_respondent_language(self, respondent_id: int, language: str) -> None:
        """Change a respondent's preferred language."""

        def write(conn: sqlite3.Connection) -> None:
            cursor = conn.execute(
                "UPDATE respondents SET language = ? WHERE id = ?", (language, respondent_id)
            )
            if cursor.rowcount == 0:
                raise StorageError(
                    f"cannot set the language of respondent {respondent_id}: "
                    f"no such respondent in {self.path}"
                )

        await self._db.run_write(write, "set the respondent's language")

    async def get_respondent(self, channel: str, external_id: str) -> Respondent | None:
        """Return the respondent for (channel, external_id), if there is one."""
        row = await self._db.read_one(
            f"SELECT {_RESPONDENT_COLUMNS} FROM respondents WHERE channel = ? AND external_id = ?",
            (channel, external_id),
            "read a respondent",
        )
        return _respondent(row) if row is not None else None

    async def set_blocked(self, respondent_id: int, *, blocked: bool, now: dt.datetime) -> None:
        """Mark a respondent as having blocked the bot (`blocked=True`), or clear it.

        Marking an already blocked respondent keeps the time they were first
        found blocked.
        """
        blocked_at = _encode_time(now)
        action = f"mark respondent {respondent_id} as {'blocked' if blocked else 'not blocked'}"

        def write(conn: sqlite3.Connection) -> None:
            if blocked:
                cursor = conn.execute(
                    "UPDATE respondents SET blocked_at = COALESCE(blocked_at, ?) WHERE id = ?",
                    (blocked_at, respondent_id),
                )
            else:
                cursor = conn.execute(
                    "UPDATE respondents SET blocked_at = NULL WHERE id = ?", (respondent_id,)
                )
            if cursor.rowcount == 0:
                raise StorageError(f"cannot {action}: no such respondent in {self.path}")

        await self._db.run_write(write, action)

    # Responses

    async def latest_response(
        self, respondent_id: int, flow_id: str | None = None
    ) -> Response | None:
        """Return the respondent's most recent response (of `flow_id`, if given)."""
        sql = f"SELECT {_RESPONSE_COLUMNS} FROM responses WHERE respondent_id = ?"
        params: list[object] = [respondent_id]
        if flow_id is not None:
            sql += " AND flow_id = ?"
            params.append(flow_id)
        row = await self._db.read_one(
            sql + " ORDER BY id DESC LIMIT 1", params, "find the latest response"
        )
        return _response(row) if row is not None else None

    async def respondent_responses(self, respondent_id: int) -> list[Response]:
        """Return all of a respondent's responses, oldest first."""
        rows = await self._db.read_all(
            f"SELECT {_RESPONSE_COLUMNS} FROM responses WHERE respondent_id = ? ORDER BY id",
            (respondent_id,),
            "list a respondent's responses",
        )
        return [_response(row) for row in rows]

    async def start_response(
        self,
        respondent_id: int,
        *,
        flow_id: str,
        flow_version: int,
        stage_code: str | None,
        language: str,
        state_json: str,
        current_step: str | None,
        now: dt.datetime,
        update_id: int | None = None,
    ) -> Response:
        """Create an in-progress response with a fresh pseudonymous key.

        `update_id`, when given, is recorded as handled in the same transaction.
        """
        started_at = _encode_time(now)
        # 64 random bits, unrelated to the Telegram id: safe to put in exports.
        key = secrets.token_hex(8)

        def write(conn: sqlite3.Connection) -> sqlite3.Row | None:
            # Checked here for a clear message; the foreign key would only say "failed".
            if select_one(conn, "SELECT 1 FROM respondents WHERE id = ?", (respondent_id,)) is None:
                raise StorageError(
                    f"cannot start a response: no respondent {respondent_id} in {self.path}; "
                    "call ensure_respondent first"
                )
            cursor = conn.execute(
                "INSERT INTO responses (key, respondent_id, flow_id, flow_version, "
                "stage_code, language, status, state_json, current_step, started_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    respondent_id,
                    flow_id,
                    flow_version,
                    stage_code,
                    language,
                    ResponseStatus.IN_PROGRESS.value,
                    state_json,
                    current_step,
                    started_at,
                    started_at,
                ),
            )
            if update_id is not None:
                conn.execute(_RECORD_UPDATE, (update_id, started_at))
            return select_one(
                conn,
                f"SELECT {_RESPONSE_COLUMNS} FROM responses WHERE id = ?",
                (cursor.lastrowid,),
            )

        row = await self._db.run_write(write, "start a response")
        return _response(_found(row, "the new response"))

    async def save_progress(
        self,
        response_id: int,
        *,
        state_json: str,
        current_step: str | None,
        answers: Mapping[str, AnswerInput],
        status: ResponseStatus,
        now: dt.datetime,
        language: str | None = None,
        stage_code: str | None = None,
        update_id: int | None = None,
    ) -> Response:
        """Save a response's state and its complete current answer set, atomically.

        Answers not in `answers` are deleted; an answer's time changes only
        when its value or other-text changed. `language` and `stage_code`
        replace the stored ones when given. `update_id`, when given, is
        recorded as handled in the same transaction: the answer and the
        record of the update that brought it land together or not at all.
        """
        updated_at = _encode_time(now)
        status = _status(status)
        # Encode before the transaction: a bad value fails without touching anything.
        encoded = [
            (
                question_id,
                _encode_value(question_id, answer.value),
                _checked_text(question_id, answer.other_text),
            )
            for question_id, answer in answers.items()
        ]
        action = f"save progress of response {response_id}"

        def write(conn: sqlite3.Connection) -> sqlite3.Row | None:
            current = select_one(
                conn,
                "SELECT status, completed_at, flow_id, flow_version, stage_code, language "
                "FROM responses WHERE id = ?",
                (response_id,),
            )
            if current is None:
                raise StorageError(
                    f"cannot {action}: no such response in {self.path}; "
                    "start_response must come first"
                )
            completed_at = _completed_at(
                status, ResponseStatus(current["status"]), current["completed_at"], updated_at
            )
            new_stage = stage_code if stage_code is not None else current["stage_code"]
            new_language = language if language is not None else current["language"]
            conn.execute(
                "UPDATE responses SET state_json = ?, current_step = ?, status = ?, "
                "language = ?, stage_code = ?, updated_at = ?, completed_at = ? WHERE id = ?",
                (
                    state_json,
                    current_step,
                    status.value,
                    new_language,
                    new_stage,
                    updated_at,
                    completed_at,
                    response_id,
                ),
            )
            conn.executemany(
                _UPSERT_ANSWER,
                [
                    (
                        response_id,
                        question_id,
                        value_json,
                        other_text,
                        current["flow_id"],
                        current["flow_version"],
                        new_stage,
                        updated_at,
                    )
                    for question_id, value_json, other_text in encoded
                ],
            )
            stored = select_all(
                conn, "SELECT question_id FROM answers WHERE response_id = ?", (response_id,)
            )
            # Computed here rather than with NOT IN (?, ?, …): no limit on how
            # many answers a flow may have.
            removed = [(response_id, row[0]) for row in stored if row[0] not in answers]
            if removed:
                conn.executemany(
                    "DELETE FROM answers WHERE response_id = ? AND question_id = ?", removed
                )
            if update_id is not None:
                conn.execute(_RECORD_UPDATE, (update_id, updated_at))
            return select_one(
                conn, f"SELECT {_RESPONSE_COLUMNS} FROM responses WHERE id = ?", (response_id,)
            )

        row = await self._db.run_write(write, action)
        return _response(_found(row, f"response {response_id}"))

    async def get_response(self, response_id: int) -> Response | None:
        """Return the response with this id, if any."""
        row = await self._db.read_one(
            f"SELECT {_RESPONSE_COLUMNS} FROM responses WHERE id = ?",
            (response_id,),
            "read a response",
        )
        return _response(row) if row is not None else None

    async def get_response_by_key(self, key: str) -> Response | None:
        """Return the response with this pseudonymous key, if any."""
        row = await self._db.read_one(
            f"SELECT {_RESPONSE_COLUMNS} FROM responses WHERE key = ?", (key,), "read a response"
        )
        return _response(row) if row is not None else None

    async def set_prompt_message(self, response_id: int, message_id: int | None) -> None:
        """Record which chat message shows the response's current question (None: none)."""
        # Not an answer: updated_at stays, it tells when the respondent last progressed.
        action = f"record the question message of response {response_id}"

        def write(conn: sqlite3.Connection) -> None:
            cursor = conn.execute(
                "UPDATE responses SET prompt_message_id = ? WHERE id = ?",
                (message_id, response_id),
            )
            if cursor.rowcount == 0:
                raise StorageError(f"cannot {action}: no such response in {self.path}")

        await self._db.run_write(write, action)

    async def set_response_language(
        self, response_id: int, language: str, *, now: dt.datetime
    ) -> None:
        """Change the language a response is asked in."""
        updated_at = _encode_time(now)
        action = f"set the language of response {response_id}"

        def write(conn: sqlite3.Connection) -> None:
            cursor = conn.execute(
                "UPDATE responses SET language = ?, updated_at = ? WHERE id = ?",
                (language, updated_at, response_id),
            )
            if cursor.rowcount == 0:
                raise StorageError(f"cannot {action}: no such response in {self.path}")

        await self._db.run_write(write, action)

    async def answers_for(self, response_id: int) -> dict[str, StoredAnswer]:
        """Return a response's answers by question id, oldest answer first."""
        rows = await self._db.read_all(
            f"SELECT {_ANSWER_COLUMNS} FROM answers WHERE response_id = ? "
            # rowid breaks ties between answers saved together, in saved order.
            "ORDER BY answered_at, rowid",
            (response_id,),
            "read answers",
        )
        return {str(row["question_id"]): _answer(row) for row in rows}

    async def count_responses(self) -> dict[ResponseStatus, int]:
        """Return how many responses have each status (every status present)."""
        rows = await self._db.read_all(
            "SELECT status, COUNT(*) FROM responses GROUP BY status", (), "count responses"
        )
        counts = dict.fromkeys(ResponseStatus, 0)
        for row in rows:
            counts[ResponseStatus(row[0])] = int(row[1])
        return counts

    # Handled updates

    async def was_handled(self, update_id: int) -> bool:
        """Whether this Telegram update id has already been applied."""
        row = await self._db.read_one(
            "SELECT 1 FROM handled_updates WHERE update_id = ?",
            (update_id,),
            "look up a handled update",
        )
        return row is not None

    async def mark_handled(self, update_id: int, *, now: dt.datetime) -> None:
        """Record an update id as applied; marking it again changes nothing.

        For updates that write something other than a response; those that
        do should pass `update_id` to `save_progress` or `start_response`.
        """
        handled_at = _encode_time(now)
        await self._db.change(
            _RECORD_UPDATE, (update_id, handled_at), f"record update {update_id} as handled"
        )

    async def prune_handled_updates(self, *, before: dt.datetime) -> int:
        """Forget updates handled before `before`; return how many were forgotten."""
        # Telegram keeps an undelivered update for 24 hours at most: older ids are dead weight.
        cutoff = _encode_time(before)
        return await self._db.change(
            "DELETE FROM handled_updates WHERE handled_at < ?", (cutoff,), "prune handled updates"
        )

    # Stages

    async def sync_stages(self, stages: Iterable[Stage]) -> None:
        """Insert or update the given stages; stages not listed are kept."""
        params = [
            (
                stage.code,
                stage.city,
                stage.region,
                stage.territory,
                stage.date.isoformat() if stage.date is not None else None,
                stage.flow_id,
            )
            for stage in stages
        ]
        # Unlisted stages stay: old responses may still carry their codes.
        await self._db.change_many(
            f"INSERT INTO stages ({_STAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (code) DO UPDATE SET city = excluded.city, "
            "region = excluded.region, territory = excluded.territory, "
            "date = excluded.date, flow_id = excluded.flow_id",
            params,
            "save the stages",
        )

    async def list_stages(self) -> list[Stage]:
        """Return all stages by date, then code; stages without a date come last."""
        rows = await self._db.read_all(
            f"SELECT {_STAGE_COLUMNS} FROM stages ORDER BY date IS NULL, date, code",
            (),
            "list the stages",
        )
        return [_stage(row) for row in rows]

    async def get_stage(self, code: str) -> Stage | None:
        """Return the stage with this code, if any."""
        row = await self._db.read_one(
            f"SELECT {_STAGE_COLUMNS} FROM stages WHERE code = ?", (code,), "read a stage"
        )
        return _stage(row) if row is not None else None

    # Reading everything, for statistics

    async def list_responses(self) -> list[Response]:
        """Return every response, oldest first."""
        rows = await self._db.read_all(
            f"SELECT {_RESPONSE_COLUMNS} FROM responses ORDER BY id", (), "list the responses"
        )
        return [_response(row) for row in rows]

    async def answered_question_ids(self) -> dict[int, frozenset[str]]:
        """Return the ids of the questions each response has answered, by response id.

        Only the answers that count are stored, so a question answered and then
        hidden by a later change of branch is not among them.
        """
        rows = await self._db.read_all(
            "SELECT response_id, question_id FROM answers", (), "list the answered questions"
        )
        found: dict[int, set[str]] = {}
        for row in rows:
            found.setdefault(int(row[0]), set()).add(str(row[1]))
        return {response_id: frozenset(ids) for response_id, ids in found.items()}


# Encoding and decoding


def _encode_time(moment: dt.datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise StorageError(
            f"cannot store the naive time {moment.isoformat()}: pass a timezone-aware "
            "datetime such as datetime.now(UTC)"
        )
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _decode_time(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _decode_optional_time(text: str | None) -> dt.datetime | None:
    return _decode_time(text) if text is not None else None


def _status(status: ResponseStatus | str) -> ResponseStatus:
    try:
        return ResponseStatus(status)
    except ValueError:
        known = ", ".join(s.value for s in ResponseStatus)
        raise StorageError(f"unknown response status {status!r}; use one of {known}") from None


def _completed_at(
    new: ResponseStatus, old: ResponseStatus, old_completed_at: str | None, now: str
) -> str | None:
    if new is ResponseStatus.COMPLETED:
        # Re-saving a completed response keeps the time it was first completed.
        if old is ResponseStatus.COMPLETED and old_completed_at is not None:
            return old_completed_at
        return now
    if new is ResponseStatus.IN_PROGRESS:
        return None
    return old_completed_at


def _is_answer_value(value: object) -> TypeGuard[AnswerValue]:
    if isinstance(value, list):
        return all(isinstance(item, str) for item in value)
    return isinstance(value, str | int | float)


def _encode_value(question_id: str, value: object) -> str:
    if not _is_answer_value(value):
        raise StorageError(
            f"cannot store the answer to {question_id!r}: {type(value).__name__} "
            "is not one of str, int, float, list[str]"
        )
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
        # SQLite wants UTF-8; a lone surrogate would fail later, mid-transaction.
        text.encode("utf-8")
    except ValueError as exc:
        raise StorageError(f"cannot store the answer to {question_id!r}: {exc}") from exc
    return text


def _checked_text(question_id: str, text: str | None) -> str | None:
    if text is not None:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise StorageError(f"cannot store the other-text of {question_id!r}: {exc}") from exc
    return text


def _decode_value(question_id: str, text: str) -> AnswerValue:
    value: object = json.loads(text)
    if not _is_answer_value(value):
        raise StorageError(
            f"the stored answer to {question_id!r} is not a str, int, float or list[str]: {text}"
        )
    return value


def _found(row: sqlite3.Row | None, what: str) -> sqlite3.Row:
    # Rows we have just written inside the same transaction; absence is a bug.
    if row is None:
        raise StorageError(f"{what} vanished inside its own transaction")
    return row


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


def _optional_int(value: int | None) -> int | None:
    return None if value is None else int(value)


def _respondent(row: sqlite3.Row) -> Respondent:
    return Respondent(
        id=int(row["id"]),
        channel=str(row["channel"]),
        external_id=str(row["external_id"]),
        language=_optional_str(row["language"]),
        created_at=_decode_time(row["created_at"]),
        blocked_at=_decode_optional_time(row["blocked_at"]),
    )


def _response(row: sqlite3.Row) -> Response:
    return Response(
        id=int(row["id"]),
        key=str(row["key"]),
        respondent_id=int(row["respondent_id"]),
        flow_id=str(row["flow_id"]),
        flow_version=int(row["flow_version"]),
        stage_code=_optional_str(row["stage_code"]),
        language=str(row["language"]),
        status=ResponseStatus(row["status"]),
        state_json=str(row["state_json"]),
        current_step=_optional_str(row["current_step"]),
        started_at=_decode_time(row["started_at"]),
        updated_at=_decode_time(row["updated_at"]),
        completed_at=_decode_optional_time(row["completed_at"]),
        prompt_message_id=_optional_int(row["prompt_message_id"]),
    )


def _answer(row: sqlite3.Row) -> StoredAnswer:
    question_id = str(row["question_id"])
    return StoredAnswer(
        response_id=int(row["response_id"]),
        question_id=question_id,
        value=_decode_value(question_id, row["value_json"]),
        other_text=_optional_str(row["other_text"]),
        flow_id=str(row["flow_id"]),
        flow_version=int(row["flow_version"]),
        stage_code=_optional_str(row["stage_code"]),
        answered_at=_decode_time(row["answered_at"]),
    )


def _stage(row: sqlite3.Row) -> Stage:
    date_text = row["date"]
    return Stage(
        code=str(row["code"]),
        city=str(row["city"]),
        region=_optional_str(row["region"]),
        territory=_optional_str(row["territory"]),
        date=dt.date.fromisoformat(date_text) if date_text is not None else None,
        flow_id=_optional_str(row["flow_id"]),
    )
