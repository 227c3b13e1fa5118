"""Values that cross the storage boundary: frozen dataclasses and statuses.

Callers get these, never database rows, so the schema can change without
touching the bot or the exporter.
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias


class Channel(StrEnum):
    """Where a respondent talks to the bot; with their id there, it identifies them."""

    TELEGRAM = "telegram"
    TERMINAL = "terminal"
    WEB = "web"


class ResponseStatus(StrEnum):
    """Where a response is in its life."""

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


# What an answer may hold; stored as JSON text.
AnswerValue: TypeAlias = str | int | float | list[str]


@dataclass(frozen=True, slots=True)
class AnswerInput:
    """One answer as the caller wants it saved."""

    value: AnswerValue
    other_text: str | None = None


@dataclass(frozen=True, slots=True)
class Respondent:
    """A person answering, identified by channel and the channel's own id."""

    id: int
    channel: str
    external_id: str
    language: str | None
    created_at: dt.datetime
    blocked_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Response:
    """One run through a flow by one respondent."""

    id: int
    key: str
    respondent_id: int
    flow_id: str
    flow_version: int
    stage_code: str | None
    language: str
    status: ResponseStatus
    state_json: str
    current_step: str | None
    started_at: dt.datetime
    updated_at: dt.datetime
    completed_at: dt.datetime | None
    # Last, with defaults, so constructors written before them keep working.
    prompt_message_id: int | None = None
    consent_version: str | None = None
    """The version of the information notice agreed to for this response (None: not yet)."""
    consented_at: dt.datetime | None = None
    reminded_at: dt.datetime | None = None
    """When the one reminder was sent (None: never)."""


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """An answer as saved, with the flow, version and stage it answered."""

    response_id: int
    question_id: str
    value: AnswerValue
    other_text: str | None
    flow_id: str
    flow_version: int
    stage_code: str | None
    answered_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Stage:
    """A workshop ("ville-étape") that responses can be tagged with."""

    code: str
    city: str
    region: str | None = None
    territory: str | None = None
    # `dt.date` because a field named `date` would shadow the type here.
    date: dt.date | None = None
    flow_id: str | None = None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """What a channel needs to handle one input, read in one transaction."""

    respondent: Respondent | None
    response: Response | None
    """The respondent's latest response to the flow asked about, if any."""
    handled: bool
    """Whether the input's delivery id was already applied (False when none was given)."""


@dataclass(frozen=True, slots=True)
class ErasureReport:
    """What an erasure removed."""

    keys: tuple[str, ...]
    """The keys of the responses erased, sorted: what a restored backup is erased of again."""
    answers: int
    wal_cleared: bool
    """False if another connection kept the -wal file busy: it empties at the last close."""

    @property
    def responses(self) -> int:
        """How many responses were erased."""
        return len(self.keys)


@dataclass(frozen=True, slots=True)
class RefusalCount:
    """How many declined notice `version` at a stage: all a refusal keeps (no one's name)."""

    version: str
    stage_code: str | None
    count: int


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """What a retention purge removed (or, in a dry run, would remove)."""

    responses: int
    answers: int
    refusals: int
    respondents: int
    wal_cleared: bool
    """False in a dry run, or if another connection kept the -wal file busy."""


@dataclass(frozen=True, slots=True)
class DueReminder:
    """An unfinished response whose respondent should get a reminder."""

    response_id: int
    respondent_id: int
    external_id: str
    """The respondent's id on the channel (for Telegram, also their private chat's id)."""
    language: str
    """The language the response is asked in."""
    current_step: str | None
