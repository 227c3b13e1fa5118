"""Responses and their answers: the SQL, as functions of a `sqlite3.Connection`.

`Database` runs each in one transaction (writes) or one read transaction
(reads). Every answer row records the flow id, the stage it answered and the
flow version it was given on (kept, as its time, while the answer stands);
editing an answer keeps one row with the latest value.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import sqlite3
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from storage import respondents, updates
from storage.codecs import (
    check_text,
    decode_optional_time,
    decode_time,
    decode_value,
    encode_time,
    encode_value,
)
from storage.errors import Conflict, NotFound, StorageError
from storage.models import (
    Respondent,
    Response,
    ResponseStatus,
    SessionRecord,
    StoredAnswer,
)
from storage.progress import CURRENT_COLUMNS, ProgressWrite, answer_changes, planned_save

if TYPE_CHECKING:
    from storage.snapshot import ResponseFilter

NUMBER_LIKE: Final = re.compile(r"[0-9]+(?:e[0-9]+)?")
"""A hex key that pandas, R or a spreadsheet would read as a number rather than text."""
COLUMNS: Final = (
    "id, key, respondent_id, flow_id, flow_version, stage_code, language, status, "
    "state_json, current_step, started_at, updated_at, completed_at, prompt_message_id, "
    "consent_version, consented_at, reminded_at"
)
ANSWER_COLUMNS: Final = (
    "response_id, question_id, value_json, other_text, flow_id, flow_version, "
    "stage_code, answered_at"
)

# What `planned_save` and `answer_changes` decide on.
_CURRENT: Final = f"SELECT {CURRENT_COLUMNS} FROM responses WHERE id = ?"
_STORED_ANSWERS: Final = (
    "SELECT question_id, value_json, other_text, stage_code FROM answers WHERE response_id = ?"
)
# answered_at and flow_version move only when the answer really changed, so re-saving
# an answer on a new flow version (a response carried over) or stage keeps the time and
# the version it was given on: what its question offered is that version's.
_UPSERT_ANSWER: Final = f"""
    INSERT INTO answers ({ANSWER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
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
        flow_version = CASE
            WHEN answers.value_json IS excluded.value_json
                 AND answers.other_text IS excluded.other_text
            THEN answers.flow_version
            ELSE excluded.flow_version
        END,
        stage_code = excluded.stage_code
"""


def from_row(row: sqlite3.Row) -> Response:
    """The response a row of `COLUMNS` describes."""
    step, stage, prompt = row["current_step"], row["stage_code"], row["prompt_message_id"]
    consent = row["consent_version"]
    return Response(
        id=int(row["id"]),
        key=str(row["key"]),
        respondent_id=int(row["respondent_id"]),
        flow_id=str(row["flow_id"]),
        flow_version=int(row["flow_version"]),
        stage_code=None if stage is None else str(stage),
        language=str(row["language"]),
        status=ResponseStatus(row["status"]),
        state_json=str(row["state_json"]),
        current_step=None if step is None else str(step),
        started_at=decode_time(row["started_at"]),
        updated_at=decode_time(row["updated_at"]),
        completed_at=decode_optional_time(row["completed_at"]),
        prompt_message_id=None if prompt is None else int(prompt),
        consent_version=None if consent is None else str(consent),
        consented_at=decode_optional_time(row["consented_at"]),
        reminded_at=decode_optional_time(row["reminded_at"]),
    )


def answer_from_row(row: sqlite3.Row) -> StoredAnswer:
    """The answer a row of `ANSWER_COLUMNS` describes."""
    question_id, other, stage = str(row["question_id"]), row["other_text"], row["stage_code"]
    return StoredAnswer(
        response_id=int(row["response_id"]),
        question_id=question_id,
        value=decode_value(question_id, row["value_json"]),
        other_text=None if other is None else str(other),
        flow_id=str(row["flow_id"]),
        flow_version=int(row["flow_version"]),
        stage_code=None if stage is None else str(stage),
        answered_at=decode_time(row["answered_at"]),
    )


def new_response_key() -> str:
    """A response's key: 64 random bits in hex, unrelated to the channel's id, so safe to
    put in exports; never one a spreadsheet, pandas or R would read as a number."""
    while True:
        key = secrets.token_hex(8)
        # All digits ("0123…") or digits around one "e" ("307516e246498312", read as
        # 3.07e+246498317): drawn again (about one key in 760), so every key joins as text.
        if not NUMBER_LIKE.fullmatch(key):
            return key


def check_consent_version(version: object) -> str:
    """A notice version as stored: a non-empty string."""
    if not isinstance(version, str) or not version.strip():
        raise StorageError(
            f"a consent version must be a non-empty string such as '2019-06', got {version!r}"
        )
    return version


# Writing


def start(
    conn: sqlite3.Connection,
    respondent_id: int,
    *,
    flow_id: str,
    flow_version: int,
    stage_code: str | None,
    language: str,
    state_json: str,
    current_step: str | None,
    now: dt.datetime,
    update_id: int | None,
    consent_version: str | None,
) -> Response:
    """Create an in-progress response with a fresh key, its consent and its update id."""
    started_at = encode_time(now)
    consented_at = None
    if consent_version is not None:
        consented_at = started_at
        check_consent_version(consent_version)
    # Checked here for a clear message; the foreign key would only say "failed".
    if not respondents.exists(conn, respondent_id):
        raise NotFound(f"no respondent {respondent_id}", "; call ensure_respondent first")
    key = new_response_key()
    cursor = conn.execute(
        "INSERT INTO responses (key, respondent_id, flow_id, flow_version, stage_code, "
        "language, status, state_json, current_step, started_at, updated_at, "
        "consent_version, consented_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            consent_version,
            consented_at,
        ),
    )
    updates.claim(conn, update_id, now=now)
    return _reread(conn, int(cursor.lastrowid or 0))


def enrol(
    conn: sqlite3.Connection,
    *,
    channel: str,
    external_id: str,
    language: str,
    **start_args: Any,
) -> tuple[Respondent, Response]:
    """The respondent (created if new) and their new response, in one transaction.

    The first row about a person is written only here, when they agree to the
    notice: with the response and the consent, so no respondent row exists
    without the response that justifies keeping it.
    """
    respondent = respondents.ensure(
        conn, channel=channel, external_id=external_id, now=start_args["now"], language=language
    )
    # The caller read no response: one found now was started by another input meanwhile.
    if latest(conn, respondent.id, start_args["flow_id"]) is not None:
        raise Conflict(f"a {channel} respondent was enrolled meanwhile")  # no id: it is logged
    return respondent, start(conn, respondent.id, language=language, **start_args)


def save(conn: sqlite3.Connection, progress: ProgressWrite, *, now: dt.datetime) -> Response:
    """Save the state and the complete answer set; given language, stage, version replace.

    Conflict, and nothing written, if `update_id` was applied, or if the stored
    state is not `base_state` (when given): the caller decides again.
    """
    response_id, updated_at = progress.response_id, encode_time(now)
    encoded = [
        (question, encode_value(question, answer.value), check_text(question, answer.other_text))
        for question, answer in progress.answers.items()
    ]
    updates.claim(conn, progress.update_id, now=now)
    current = conn.execute(_CURRENT, (response_id,)).fetchone()
    plan = planned_save(current, progress, updated_at)
    conn.execute(
        "UPDATE responses SET state_json = ?, current_step = ?, status = ?, language = ?, "
        "stage_code = ?, flow_version = ?, updated_at = ?, completed_at = ?, "
        "started_at = COALESCE(?, started_at) WHERE id = ?",
        (
            progress.state_json,
            progress.current_step,
            progress.status.value,
            plan.language,
            plan.stage,
            plan.version,
            updated_at,
            plan.completed_at,
            plan.started_at,
            response_id,
        ),
    )
    stored = conn.execute(_STORED_ANSWERS, (response_id,)).fetchall()
    flow_id, version, stage = plan.flow_id, plan.version, plan.stage
    written, removed = answer_changes(stored, encoded, stage=stage)
    # Every answer row carries the response's flow and stage as they are now, and the
    # version its answer was given on: the response's, unless it stood as it was.
    conn.executemany(
        _UPSERT_ANSWER,
        [
            (response_id, question, value, other, flow_id, version, stage, updated_at)
            for question, value, other in written
        ],
    )
    conn.executemany(
        "DELETE FROM answers WHERE response_id = ? AND question_id = ?",
        [(response_id, question) for question in removed],
    )
    return _reread(conn, response_id)


def set_prompt_message(conn: sqlite3.Connection, response_id: int, message_id: int | None) -> bool:
    """Record which chat message shows the current question; not progress (updated_at stays).

    False when the response is gone (erased while its reply was being shown): nothing to do.
    """
    cursor = conn.execute(
        "UPDATE responses SET prompt_message_id = ? WHERE id = ?", (message_id, response_id)
    )
    return cursor.rowcount == 1


def set_prompt_messages(conn: sqlite3.Connection, live: Mapping[int, int | None]) -> None:
    """`set_prompt_message` for many responses (those gone are skipped)."""
    conn.executemany(
        "UPDATE responses SET prompt_message_id = ? WHERE id = ?",
        [(message_id, response_id) for response_id, message_id in live.items()],
    )


def _reread(conn: sqlite3.Connection, response_id: int) -> Response:
    # A row just written inside the same transaction: absence is a bug.
    response = get(conn, response_id)
    if response is None:
        raise StorageError(f"response {response_id} vanished inside its own transaction")
    return response


# Reading


def get(conn: sqlite3.Connection, response_id: int) -> Response | None:
    """The response with this id, if any."""
    row = conn.execute(f"SELECT {COLUMNS} FROM responses WHERE id = ?", (response_id,))
    found = row.fetchone()
    return None if found is None else from_row(found)


def get_by_key(conn: sqlite3.Connection, key: str) -> Response | None:
    """The response with this pseudonymous key, if any."""
    found = conn.execute(f"SELECT {COLUMNS} FROM responses WHERE key = ?", (key,)).fetchone()
    return None if found is None else from_row(found)


def latest(conn: sqlite3.Connection, respondent_id: int, flow_id: str | None) -> Response | None:
    """The respondent's most recent response (of `flow_id`, if given)."""
    sql = f"SELECT {COLUMNS} FROM responses WHERE respondent_id = ?"
    params: list[object] = [respondent_id]
    if flow_id is not None:
        sql += " AND flow_id = ?"
        params.append(flow_id)
    found = conn.execute(sql + " ORDER BY id DESC LIMIT 1", params).fetchone()
    return None if found is None else from_row(found)


def of_respondent(conn: sqlite3.Connection, respondent_id: int) -> list[Response]:
    """All of a respondent's responses, oldest first."""
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM responses WHERE respondent_id = ? ORDER BY id", (respondent_id,)
    )
    return [from_row(row) for row in rows]


def list_all(conn: sqlite3.Connection) -> list[Response]:
    """Every response, oldest first."""
    return [from_row(row) for row in conn.execute(f"SELECT {COLUMNS} FROM responses ORDER BY id")]


def answers_of(conn: sqlite3.Connection, response_id: int) -> dict[str, StoredAnswer]:
    """A response's answers by question id, oldest answer first."""
    rows = conn.execute(
        f"SELECT {ANSWER_COLUMNS} FROM answers WHERE response_id = ? "
        # rowid breaks ties between answers saved together, in saved order.
        "ORDER BY answered_at, rowid",
        (response_id,),
    )
    return {str(row["question_id"]): answer_from_row(row) for row in rows}


def count_by_status(conn: sqlite3.Connection) -> dict[ResponseStatus, int]:
    """How many responses have each status (every status present)."""
    counts = dict.fromkeys(ResponseStatus, 0)
    for status, count in conn.execute("SELECT status, COUNT(*) FROM responses GROUP BY status"):
        counts[ResponseStatus(status)] = int(count)
    return counts


def count_matching(conn: sqlite3.Connection, chosen: ResponseFilter) -> int:
    """How many responses an export with this filter would hold."""
    where, params = chosen.where()
    found = conn.execute(f"SELECT COUNT(*) FROM responses r WHERE {where}", params).fetchone()
    return int(found[0])


def answered_question_ids(conn: sqlite3.Connection) -> dict[int, frozenset[str]]:
    """The ids of the questions each response has answered, by response id."""
    found: dict[int, set[str]] = {}
    for response_id, question_id in conn.execute("SELECT response_id, question_id FROM answers"):
        found.setdefault(int(response_id), set()).add(str(question_id))
    return {response_id: frozenset(ids) for response_id, ids in found.items()}


def load_session(
    conn: sqlite3.Connection,
    channel: str,
    external_id: str,
    *,
    flow_id: str | None,
    update_id: int | None,
) -> SessionRecord:
    """The respondent, their latest response to `flow_id`, and whether the update was applied."""
    respondent = respondents.find(conn, channel=channel, external_id=external_id)
    response = None if respondent is None else latest(conn, respondent.id, flow_id)
    return SessionRecord(respondent, response, updates.was_handled(conn, update_id))
