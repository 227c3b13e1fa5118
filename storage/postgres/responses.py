"""Responses and their answers on PostgreSQL: the SQL, as async functions of a connection.

Mirrors `storage.responses`: the same semantics and errors, run by
`PgDatabase` in one transaction each. With several instances on one database,
one respondent's writes must not interleave: a save locks its response's row
(`FOR UPDATE`) and an enrolment the respondent's advisory lock before the read
that decides, and a write whose update id another has recorded, or whose
response changed since the caller read it, raises `Conflict` and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import asyncpg

from storage.codecs import decode_value, encode_value
from storage.errors import Conflict, NotFound
from storage.models import (
    Respondent,
    Response,
    ResponseStatus,
    SessionRecord,
    StoredAnswer,
)
from storage.postgres import respondents, updates
from storage.postgres.codecs import moment, other_text
from storage.progress import CURRENT_COLUMNS, ProgressWrite, answer_changes, planned_save
from storage.responses import check_consent_version, new_response_key

if TYPE_CHECKING:
    from storage.snapshot import ResponseFilter

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
_CURRENT: Final = f"SELECT {CURRENT_COLUMNS} FROM responses WHERE id = $1 FOR UPDATE"
_STORED_ANSWERS: Final = (
    "SELECT question_id, value_json, other_text, stage_code FROM answers WHERE response_id = $1"
)
# answered_at and flow_version move only when the answer really changed, so re-saving
# an answer on a new flow version (a response carried over) or stage keeps the time and
# the version it was given on: what its question offered is that version's.
_UPSERT_ANSWER: Final = f"""
    INSERT INTO answers ({ANSWER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (response_id, question_id) DO UPDATE SET
        answered_at = CASE
            WHEN answers.value_json IS NOT DISTINCT FROM excluded.value_json
                 AND answers.other_text IS NOT DISTINCT FROM excluded.other_text
            THEN answers.answered_at
            ELSE excluded.answered_at
        END,
        value_json = excluded.value_json,
        other_text = excluded.other_text,
        flow_id = excluded.flow_id,
        flow_version = CASE
            WHEN answers.value_json IS NOT DISTINCT FROM excluded.value_json
                 AND answers.other_text IS NOT DISTINCT FROM excluded.other_text
            THEN answers.flow_version
            ELSE excluded.flow_version
        END,
        stage_code = excluded.stage_code
"""


def from_row(row: asyncpg.Record) -> Response:
    """The response a row of `COLUMNS` describes."""
    prompt = row["prompt_message_id"]
    return Response(
        id=int(row["id"]),
        key=str(row["key"]),
        respondent_id=int(row["respondent_id"]),
        flow_id=str(row["flow_id"]),
        flow_version=int(row["flow_version"]),
        stage_code=row["stage_code"],
        language=str(row["language"]),
        status=ResponseStatus(row["status"]),
        state_json=str(row["state_json"]),
        current_step=row["current_step"],
        started_at=row["started_at"],
        updated_at=row["updated_at"],
        completed_at=row["completed_at"],
        prompt_message_id=None if prompt is None else int(prompt),
        consent_version=row["consent_version"],
        consented_at=row["consented_at"],
        reminded_at=row["reminded_at"],
    )


def answer_from_row(row: asyncpg.Record) -> StoredAnswer:
    """The answer a row of `ANSWER_COLUMNS` describes."""
    question_id = str(row["question_id"])
    return StoredAnswer(
        response_id=int(row["response_id"]),
        question_id=question_id,
        value=decode_value(question_id, row["value_json"]),
        other_text=row["other_text"],
        flow_id=str(row["flow_id"]),
        flow_version=int(row["flow_version"]),
        stage_code=row["stage_code"],
        answered_at=row["answered_at"],
    )


# Writing


async def start(
    conn: asyncpg.Connection,
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
    started_at = moment(now)
    consented_at = None
    if consent_version is not None:
        consented_at = started_at
        check_consent_version(consent_version)
    # Checked here for a clear message; the foreign key would only say "violates".
    if not await respondents.exists(conn, respondent_id):
        raise NotFound(f"no respondent {respondent_id}", "; call ensure_respondent first")
    key = new_response_key()
    row = await conn.fetchrow(
        "INSERT INTO responses (key, respondent_id, flow_id, flow_version, stage_code, "
        "language, status, state_json, current_step, started_at, updated_at, "
        "consent_version, consented_at) "
        f"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12) RETURNING {COLUMNS}",
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
        consent_version,
        consented_at,
    )
    await updates.claim(conn, update_id, now=now)
    return from_row(row)


async def enrol(
    conn: asyncpg.Connection,
    *,
    channel: str,
    external_id: str,
    language: str,
    **start_args: Any,
) -> tuple[Respondent, Response]:
    """The respondent (created if new) and their new response, in one transaction.

    The first row about a person is written only here, when they agree to the
    notice: with the response and the consent.
    """
    # Two instances enrolling one person at once (a double tap on "I agree") take turns
    # here; the second finds the first's response and decides again.
    await respondents.lock(conn, channel=channel, external_id=external_id)
    respondent = await respondents.ensure(
        conn, channel=channel, external_id=external_id, now=start_args["now"], language=language
    )
    if await latest(conn, respondent.id, start_args["flow_id"]) is not None:
        raise Conflict(f"a {channel} respondent was enrolled meanwhile")  # no id: it is logged
    response = await start(conn, respondent.id, language=language, **start_args)
    return respondent, response


async def save(conn: asyncpg.Connection, progress: ProgressWrite, *, now: dt.datetime) -> Response:
    """Save the state and the complete answer set; given language, stage, version replace.

    With `base_state` (the state_json the caller read and decided on), a
    response whose state changed meanwhile, or that is gone, is left as it
    is and Conflict raised: the caller decides again on what is stored now.
    """
    response_id, updated_at = progress.response_id, moment(now)
    encoded = [
        (question, encode_value(question, answer.value), other_text(question, answer.other_text))
        for question, answer in progress.answers.items()
    ]
    await updates.claim(conn, progress.update_id, now=now)
    # FOR UPDATE: another instance saving this response waits for our commit, then
    # reads what we wrote; `planned_save` decides on it, under the lock.
    current = await conn.fetchrow(_CURRENT, response_id)
    plan = planned_save(current, progress, updated_at)
    row = await conn.fetchrow(
        "UPDATE responses SET state_json = $1, current_step = $2, status = $3, language = $4, "
        "stage_code = $5, flow_version = $6, updated_at = $7, completed_at = $8, "
        "started_at = COALESCE($10, started_at) "
        f"WHERE id = $9 RETURNING {COLUMNS}",
        progress.state_json,
        progress.current_step,
        progress.status.value,
        plan.language,
        plan.stage,
        plan.version,
        updated_at,
        plan.completed_at,
        response_id,
        plan.started_at,
    )
    stored = await conn.fetch(_STORED_ANSWERS, response_id)
    flow_id, version, stage = plan.flow_id, plan.version, plan.stage
    written, removed = answer_changes(stored, encoded, stage=stage)
    # Every answer row carries the response's flow and stage as they are now, and the
    # version its answer was given on: the response's, unless it stood as it was.
    if written:
        await conn.executemany(
            _UPSERT_ANSWER,
            [
                (response_id, question, value, other, flow_id, version, stage, updated_at)
                for question, value, other in written
            ],
        )
    if removed:
        # One statement whatever the number of answers: the ids travel as one array.
        await conn.execute(
            "DELETE FROM answers WHERE response_id = $1 AND question_id = ANY($2::text[])",
            response_id,
            removed,
        )
    return from_row(row)


async def set_prompt_message(
    conn: asyncpg.Connection, response_id: int, message_id: int | None
) -> bool:
    """Record which chat message shows the current question; not progress (updated_at stays).

    False when the response is gone (erased while its reply was being shown): nothing to do.
    """
    found = await conn.fetchval(
        "UPDATE responses SET prompt_message_id = $1 WHERE id = $2 RETURNING 1",
        message_id,
        response_id,
    )
    return found is not None


async def set_prompt_messages(conn: asyncpg.Connection, live: Mapping[int, int | None]) -> None:
    """`set_prompt_message` for many responses, in one statement (those gone are skipped)."""
    if not live:
        return
    await conn.execute(
        "UPDATE responses SET prompt_message_id = item.message "
        "FROM unnest($1::bigint[], $2::bigint[]) AS item(response, message) "
        "WHERE responses.id = item.response",
        list(live),
        list(live.values()),
    )


# Reading


async def get(conn: asyncpg.Connection, response_id: int) -> Response | None:
    """The response with this id, if any."""
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM responses WHERE id = $1", response_id)
    return None if row is None else from_row(row)


async def get_by_key(conn: asyncpg.Connection, key: str) -> Response | None:
    """The response with this pseudonymous key, if any."""
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM responses WHERE key = $1", key)
    return None if row is None else from_row(row)


async def latest(
    conn: asyncpg.Connection, respondent_id: int, flow_id: str | None
) -> Response | None:
    """The respondent's most recent response (of `flow_id`, if given)."""
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM responses WHERE respondent_id = $1 "
        "AND ($2::text IS NULL OR flow_id = $2) ORDER BY id DESC LIMIT 1",
        respondent_id,
        flow_id,
    )
    return None if row is None else from_row(row)


async def of_respondent(conn: asyncpg.Connection, respondent_id: int) -> list[Response]:
    """All of a respondent's responses, oldest first."""
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM responses WHERE respondent_id = $1 ORDER BY id", respondent_id
    )
    return [from_row(row) for row in rows]


async def list_all(conn: asyncpg.Connection) -> list[Response]:
    """Every response, oldest first."""
    return [
        from_row(row) for row in await conn.fetch(f"SELECT {COLUMNS} FROM responses ORDER BY id")
    ]


async def answers_of(conn: asyncpg.Connection, response_id: int) -> dict[str, StoredAnswer]:
    """A response's answers by question id, oldest answer first."""
    rows = await conn.fetch(
        f"SELECT {ANSWER_COLUMNS} FROM answers WHERE response_id = $1 "
        # seq, SQLite's rowid here, breaks ties between answers saved together.
        "ORDER BY answered_at, seq",
        response_id,
    )
    return {str(row["question_id"]): answer_from_row(row) for row in rows}


async def count_by_status(conn: asyncpg.Connection) -> dict[ResponseStatus, int]:
    """How many responses have each status (every status present)."""
    counts = dict.fromkeys(ResponseStatus, 0)
    for row in await conn.fetch("SELECT status, COUNT(*) AS n FROM responses GROUP BY status"):
        counts[ResponseStatus(row["status"])] = int(row["n"])
    return counts


async def count_matching(conn: asyncpg.Connection, chosen: ResponseFilter) -> int:
    """How many responses an export with this filter would hold."""
    where, params = chosen.where(numbered=True)
    return int(await conn.fetchval(f"SELECT COUNT(*) FROM responses r WHERE {where}", *params))


async def answered_question_ids(conn: asyncpg.Connection) -> dict[int, frozenset[str]]:
    """The ids of the questions each response has answered, by response id."""
    found: dict[int, set[str]] = {}
    for row in await conn.fetch("SELECT response_id, question_id FROM answers"):
        found.setdefault(int(row["response_id"]), set()).add(str(row["question_id"]))
    return {response_id: frozenset(ids) for response_id, ids in found.items()}


async def load_session(
    conn: asyncpg.Connection,
    channel: str,
    external_id: str,
    *,
    flow_id: str | None,
    update_id: int | None,
) -> SessionRecord:
    """The respondent, their latest response to `flow_id`, and whether the update was applied."""
    respondent = await respondents.find(conn, channel=channel, external_id=external_id)
    response = None if respondent is None else await latest(conn, respondent.id, flow_id)
    return SessionRecord(respondent, response, await updates.was_handled(conn, update_id))
