"""Saving a response's progress: what both backends decide alike, before and after their SQL.

`storage.responses.save` and its PostgreSQL twin read the stored response,
then write what `planned_save` decides from it (refuse, or which stage, version,
language and completion time to store), then the answers `answer_changes`
picks. Pure functions: the SQL, and how each backend writes a time, stay in
the backends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

from storage.errors import Conflict, NotFound, StorageError
from storage.models import AnswerInput, ResponseStatus

Time = TypeVar("Time", str, dt.datetime)
"""A time as the backend stores it: ISO text on SQLite, a datetime on PostgreSQL."""

# The columns `planned_save` reads from the stored response, on both backends.
CURRENT_COLUMNS = "status, completed_at, flow_id, flow_version, stage_code, language, state_json"


@dataclass(frozen=True, slots=True)
class ProgressWrite:
    """One `save_progress`, as `StoreMethods` hands it to its backend's `save`."""

    response_id: int
    state_json: str
    current_step: str | None
    answers: Mapping[str, AnswerInput]
    status: ResponseStatus
    """Checked (`checked_status`) as the write is built, before anything is read."""
    language: str | None
    """Replaces the stored language when given; so do `stage_code` and `flow_version`."""
    stage_code: str | None
    flow_version: int | None
    update_id: int | None
    base_state: str | None
    """The state_json the caller decided on: another one stored means Conflict."""
    restarted: bool
    """Started over: the response counts as started at this save."""


class Row(Protocol):
    """A stored row read by column name (`sqlite3.Row`, `asyncpg.Record`)."""

    def __getitem__(self, column: str, /) -> Any: ...


class SavePlan(NamedTuple, Generic[Time]):
    """What a save writes to the response's row beside the caller's, and its answers' flow."""

    language: str
    stage: str | None
    version: int
    flow_id: str
    completed_at: Time | None
    started_at: Time | None
    """None: the response keeps its start."""


def checked_status(status: ResponseStatus | str) -> ResponseStatus:
    """`status` as a `ResponseStatus`; StorageError naming the known ones if it is none."""
    try:
        return ResponseStatus(status)
    except ValueError:
        known = ", ".join(s.value for s in ResponseStatus)
        raise StorageError(f"unknown response status {status!r}; use one of {known}") from None


def planned_save(current: Row | None, progress: ProgressWrite, updated_at: Time) -> SavePlan[Time]:
    """What saving `progress` over the stored response `current` (read under `CURRENT_COLUMNS`) writes.

    Conflict if the response was erased or changed since the caller read it
    (`base_state`), NotFound if there never was one to save over. Stage,
    version and language not given keep the stored ones.
    """
    response_id, base_state = progress.response_id, progress.base_state
    if current is None:
        if base_state is not None:
            raise Conflict(f"response {response_id} was erased meanwhile")
        raise NotFound("no such response", "; start_response must come first")
    if base_state is not None and current["state_json"] != base_state:
        raise Conflict(f"response {response_id} changed meanwhile")
    return SavePlan(
        language=current["language"] if progress.language is None else progress.language,
        stage=current["stage_code"] if progress.stage_code is None else progress.stage_code,
        version=current["flow_version"] if progress.flow_version is None else progress.flow_version,
        flow_id=current["flow_id"],
        completed_at=_completed_at(
            progress.status, ResponseStatus(current["status"]), current["completed_at"], updated_at
        ),
        started_at=updated_at if progress.restarted else None,
    )


def answer_changes(
    stored: Iterable[Sequence[Any]],
    encoded: Sequence[tuple[str, str, str | None]],
    *,
    stage: str | None,
) -> tuple[list[tuple[str, str, str | None]], list[str]]:
    """The answers to write and the question ids to delete.

    `stored` rows are (question, value JSON, other text, stage) for each answer
    stored; `encoded` is the complete answer set, each (question, value JSON,
    other text). Only what is new, changed, or now on another stage is written:
    re-writing the same row changes nothing but costs a write, and each step
    re-sent every answer so far. A new flow version alone writes nothing: an
    answer kept as it stood keeps the version it was given on (and its time),
    which says what its question offered then (the export reads it).
    """
    before = {row[0]: tuple(row)[1:] for row in stored}
    written = [
        (question, value, other)
        for question, value, other in encoded
        if before.get(question) != (value, other, stage)
    ]
    kept = {question for question, _, _ in encoded}
    return written, [question for question in before if question not in kept]


def _completed_at(
    new: ResponseStatus, old: ResponseStatus, old_completed_at: Time | None, now: Time
) -> Time | None:
    if new is ResponseStatus.COMPLETED:
        # Re-saving a completed response keeps the time it was first completed.
        if old is ResponseStatus.COMPLETED and old_completed_at is not None:
            return old_completed_at
        return now
    if new is ResponseStatus.IN_PROGRESS:
        return None
    return old_completed_at
