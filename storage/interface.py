"""`SurveyStore`: what the rest of the application asks of storage, whatever the backend.

The conversation service, the channels and the organiser tools depend on
this Protocol, not on `Store`, so another backend (PostgreSQL) can be added
without touching them. `Store` (SQLite) satisfies it; mypy checks that in
`storage/store.py`. It lists what the application uses and nothing more: a
backend need not offer the reading helpers `Store` has for tests and tools.
Opening a store is the backend's own business (`Store.open`).

Every write takes `now` from the caller and is one transaction; an
`update_id`, where accepted, is recorded as applied in that same transaction.
A write whose update id was already recorded, or whose respondent's data
changed since the caller read it (`enrol`, `save_progress` with `base_state`),
writes nothing and raises `Conflict`: the caller reads again and decides again.
That is how several instances on one database apply each update once and one
respondent's updates one after the other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, Protocol

from storage.flow_versions import FlowVersion
from storage.inbox import Inboxed
from storage.jobs import Job
from storage.models import (
    AnswerInput,
    Channel,
    DueReminder,
    ErasureReport,
    PurgeReport,
    RefusalCount,
    Respondent,
    Response,
    ResponseStatus,
    SessionRecord,
    Stage,
)
from storage.snapshot import ResponseFilter


class SurveyStore(Protocol):
    """Respondents, responses, answers, stages, handled updates, consent and erasure."""

    async def close(self) -> None:
        """Close the store, committing what is under way; idempotent."""

    async def take_lease(self, name: str) -> bool:
        """Hold `name` (polling, a housekeeping round) across instances if free; False if not."""

    async def end_lease(self, name: str) -> None:
        """Give back the lease `name` taken by `take_lease`; nothing if not held."""

    async def ping(self) -> None:
        """Ask the database a trivial question the way answers reach it; StorageError if it fails."""

    # Respondents

    async def get_respondent(self, channel: str, external_id: str) -> Respondent | None:
        """The respondent for (channel, external_id), if there is one."""

    async def get_respondent_by_id(self, respondent_id: int) -> Respondent | None:
        """The respondent with this internal id, if there is one."""

    async def respondent_channels(self) -> dict[int, str]:
        """Each respondent's channel (telegram, web, terminal), by respondent id."""

    async def set_blocked(self, respondent_id: int, *, blocked: bool, now: dt.datetime) -> None:
        """Mark a respondent as blocking the bot (keeping the first time), or clear it."""

    async def set_language(
        self,
        respondent_id: int,
        language: str,
        *,
        response_id: int | None = None,
        now: dt.datetime,
    ) -> None:
        """Set a respondent's language and, if given, their response's, in one transaction."""

    async def load_session(
        self, channel: str, external_id: str, *, flow_id: str | None, update_id: int | None = None
    ) -> SessionRecord:
        """A respondent, their latest response to `flow_id`, whether `update_id` was applied."""

    # Responses

    async def enrol(
        self,
        channel: str,
        external_id: str,
        *,
        flow_id: str,
        flow_version: int,
        stage_code: str | None,
        language: str,
        state_json: str,
        current_step: str | None,
        now: dt.datetime,
        update_id: int | None = None,
        consent_version: str | None = None,
    ) -> tuple[Respondent, Response]:
        """Create the respondent if new and a response with its consent, in one transaction."""

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
        flow_version: int | None = None,
        update_id: int | None = None,
        base_state: str | None = None,
        restarted: bool = False,
    ) -> Response:
        """Save a response's state and its answers (others deleted), if still `base_state`."""

    async def get_response(self, response_id: int) -> Response | None:
        """The response with this id, if any."""

    async def get_response_by_key(self, key: str) -> Response | None:
        """The response with this pseudonymous key, if any."""

    async def set_prompt_message(self, response_id: int, message_id: int | None) -> bool:
        """Record which chat message shows the response's current question (None: none)."""

    async def list_responses(self) -> list[Response]:
        """Every response, oldest first."""

    async def count_responses(self) -> dict[ResponseStatus, int]:
        """How many responses there are, by status (a /stats too big to count at once)."""

    async def count_matching(self, chosen: ResponseFilter) -> int:
        """How many responses an export with this filter would hold (none: nothing to send)."""

    async def answered_question_ids(self) -> dict[int, frozenset[str]]:
        """The ids of the questions each response has answered, by response id."""

    # Handled updates

    async def was_handled(self, update_id: int) -> bool:
        """Whether this update id has already been applied."""

    async def mark_handled(self, update_id: int, *, now: dt.datetime) -> None:
        """Record an update id as applied, for an update that writes nothing else."""

    async def prune_handled_updates(self, *, before: dt.datetime) -> int:
        """Forget updates handled before `before`; return how many."""

    # Stages

    async def sync_stages(self, stages: Iterable[Stage]) -> None:
        """Insert or update the given stages; stages not listed are kept."""

    async def list_stages(self) -> list[Stage]:
        """Every stage kept, those no longer in the stages file too, by date then code."""

    # Flow versions kept (storage/flow_versions.py)

    async def record_flow_version(
        self, flow_id: str, version: int, *, digest: str, content: str, now: dt.datetime
    ) -> FlowVersion:
        """Store this version of the flow if it is not yet; return what is stored for it."""

    async def flow_versions(self, flow_id: str) -> list[FlowVersion]:
        """Every stored version of `flow_id`, oldest first."""

    # Organiser jobs (storage/jobs.py): long work recorded before it runs

    async def add_job(
        self,
        *,
        kind: str,
        chat_id: str,
        language: str,
        args: dict[str, Any],
        now: dt.datetime,
        update_id: int | None = None,
    ) -> Job | None:
        """Record a pending job for `chat_id`; None if `update_id` asked for it or it is pending."""

    async def start_job(self, job_id: int, *, now: dt.datetime) -> int | None:
        """Count a start of a pending job; the number of starts, or None if it has ended."""

    async def finish_job(self, job_id: int, *, failed: bool = False, now: dt.datetime) -> None:
        """End a job, done (or failed); an ended job keeps its first end."""

    async def unfinished_jobs(self) -> list[Job]:
        """Every pending job, oldest first."""

    async def prune_jobs(self, *, before: dt.datetime) -> int:
        """Forget jobs that ended before `before`; how many."""

    # The poller's durable inbox (storage/inbox.py): updates written down before confirming

    async def add_to_inbox(
        self, items: Sequence[Inboxed], *, now: dt.datetime, done: Collection[int] = ()
    ) -> list[int]:
        """Write a batch in one transaction (`done` ones as done); the ids new to the inbox."""

    async def mark_inbox_done(
        self,
        update_ids: Sequence[int],
        *,
        now: dt.datetime,
        live_messages: Mapping[int, int | None] | None = None,
    ) -> None:
        """Mark these updates done, and record the live messages their replies left, at once."""

    async def unfinished_inbox(self) -> list[Inboxed]:
        """Every update of the inbox not yet done, oldest first."""

    async def count_inbox_replay(self, update_ids: Sequence[int]) -> None:
        """Count one more start applying these waiting updates again."""

    async def prune_inbox(self, *, before: dt.datetime) -> int:
        """Forget updates done before `before`; how many."""

    async def prune_unhandled_inbox(self, *, before: dt.datetime) -> int:
        """Forget updates received before `before` and never done (a bot on a webhook)."""

    # Typed answers the web chat refused, for the page after its redirect (storage/kept_texts.py)

    async def keep_text(self, person: str, text: str, *, now: dt.datetime) -> str:
        """Keep `text`, typed by the web chat's `person`, for a page; the random id it is under."""

    async def take_kept_text(self, key: str, person: str, *, now: dt.datetime) -> str | None:
        """The text kept under `key` for `person`, once; None if gone, expired or not theirs."""

    async def prune_kept_texts(self, *, now: dt.datetime) -> int:
        """Forget the texts kept too long ago to be shown (`KEPT_FOR`); how many."""

    # Consent, access, erasure, retention

    async def record_consent(
        self, response_id: int, *, version: str, now: dt.datetime, update_id: int | None = None
    ) -> None:
        """Record that the response's respondent accepted notice `version` at `now`."""

    async def record_refusal(
        self,
        *,
        version: str,
        stage_code: str | None,
        now: dt.datetime,
        update_id: int | None = None,
    ) -> bool:
        """Record a refusal of notice `version`, naming no one; False if `update_id` was applied."""

    async def refusal_counts(self) -> list[RefusalCount]:
        """The refusals held, counted by notice version and stage (ordered by both)."""

    async def respondent_data(self, respondent_id: int) -> dict[str, Any]:
        """Everything stored about a respondent, JSON-serialisable (for /mydata)."""

    async def erase_respondent(self, respondent_id: int) -> ErasureReport:
        """Erase a respondent with their responses and answers, leaving no trace."""

    async def erase_response(self, response_id: int) -> ErasureReport:
        """Erase one response with its answers; its respondent too if it was their only one."""

    async def erase_by_external_id(self, channel: str, external_id: str) -> ErasureReport | None:
        """Erase the person known by `external_id` on `channel`; None if unknown."""

    async def purge_older_than(
        self, *, before: dt.datetime, now: dt.datetime, dry_run: bool = False
    ) -> PurgeReport:
        """Delete what was started or refused before `before`, and respondents left with nothing."""

    async def abandon_stale(
        self,
        *,
        idle_since: dt.datetime,
        now: dt.datetime,
        dry_run: bool = False,
        kept_from: dt.datetime | None = None,
    ) -> int:
        """Mark in-progress responses idle since `idle_since` (from `kept_from`) as abandoned."""

    # Reminders

    async def due_reminders(
        self, *, idle_since: dt.datetime, now: dt.datetime, channel: str = Channel.TELEGRAM
    ) -> list[DueReminder]:
        """In-progress responses on `channel` idle since before `idle_since`, never reminded."""

    async def mark_reminded(
        self, response_id: int, *, now: dt.datetime, active_at: dt.datetime | None = None
    ) -> bool:
        """Claim the one reminder before sending; False if claimed, or moved since `active_at`."""

    async def unmark_reminded(self, response_id: int) -> bool:
        """Give back a claimed reminder that could not be sent; False if none was claimed."""
