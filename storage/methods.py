"""What both stores do alike: each method one call to the backend's database.

`Store` (SQLite) and `PostgresStore` differ in how they connect, migrate and
take leases, and in their SQL, which lives in sibling modules of the same names
and signatures (`storage.respondents` and `storage.postgres.respondents`, ...).
Each store names its modules once, in `_sql` (a `SqlModules`). Every method
here is one call to the backend's `run_write` (one transaction) or `run_read`
(one consistent read) with a function of those modules. Every write takes
`now` from the caller: there is no clock in here. The methods of the jobs, the
inbox, the kept texts, the flow versions and privacy (consent, erasure,
retention, reminders) are written the same way, in `storage.job_methods`,
`storage.inbox_methods`, `storage.kept_text_methods`,
`storage.flow_version_methods` and `storage.privacy_methods`.
"""

# The SQL functions are typed in their modules; reached here through `_sql`, a
# tuple of modules, they return Any, which the annotated methods narrow.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import partial
from types import ModuleType, TracebackType
from typing import Any, ClassVar, NamedTuple, Self

from storage.models import (
    AnswerInput,
    Respondent,
    Response,
    ResponseStatus,
    SessionRecord,
    Stage,
    StoredAnswer,
)
from storage.progress import ProgressWrite, checked_status
from storage.snapshot import ResponseFilter


class SqlModules(NamedTuple):
    """One backend's SQL: a module per table group, with the same function names."""

    respondents: ModuleType
    responses: ModuleType
    updates: ModuleType
    stages: ModuleType
    privacy: ModuleType
    reminders: ModuleType
    jobs: ModuleType
    inbox: ModuleType
    kept_texts: ModuleType
    flow_versions: ModuleType


class StoreMethods:
    """The `SurveyStore` methods both backends implement the same way."""

    _sql: ClassVar[SqlModules]
    _db: Any
    """The backend's database: `run_write(fn, action)`, `run_read(fn, action)`, `readonly`."""

    @property
    def readonly(self) -> bool:
        """Whether this store was opened read-only."""
        return self._db.readonly

    async def close(self) -> None:
        """Close the database, committing what is under way; idempotent."""
        await self._db.close()

    async def __aenter__(self) -> Self:
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
        """Return the respondent for (channel, external_id), created with `language` if new.

        For building test and benchmark data: the application writes a respondent
        only with their first response (`enrol`).
        """
        write = partial(
            self._sql.respondents.ensure,
            channel=channel,
            external_id=external_id,
            now=now,
            language=language,
        )
        return await self._db.run_write(write, "record a respondent")

    async def get_respondent(self, channel: str, external_id: str) -> Respondent | None:
        """Return the respondent for (channel, external_id), if there is one."""
        read = partial(self._sql.respondents.find, channel=channel, external_id=external_id)
        return await self._db.run_read(read, "read a respondent")

    async def get_respondent_by_id(self, respondent_id: int) -> Respondent | None:
        """Return the respondent with this internal id, if there is one."""
        read = partial(self._sql.respondents.find_by_id, respondent_id=respondent_id)
        return await self._db.run_read(read, "read a respondent")

    async def respondent_channels(self) -> dict[int, str]:
        """Return each respondent's channel (telegram, web, terminal), by respondent id."""
        return await self._db.run_read(
            self._sql.respondents.channels, "read the respondents' channels"
        )

    async def set_blocked(self, respondent_id: int, *, blocked: bool, now: dt.datetime) -> None:
        """Mark a respondent as blocking the bot (keeping the first time), or clear it."""
        action = f"mark respondent {respondent_id} as {'blocked' if blocked else 'not blocked'}"
        write = partial(
            self._sql.respondents.set_blocked, respondent_id=respondent_id, blocked=blocked, now=now
        )
        await self._db.run_write(write, action)

    async def set_language(
        self,
        respondent_id: int,
        language: str,
        *,
        response_id: int | None = None,
        now: dt.datetime,
    ) -> None:
        """Set a respondent's language and, if given, their response's, in one transaction."""
        write = partial(
            self._sql.respondents.set_language,
            respondent_id=respondent_id,
            language=language,
            response_id=response_id,
            now=now,
        )
        await self._db.run_write(write, f"set the language of respondent {respondent_id}")

    async def load_session(
        self, channel: str, external_id: str, *, flow_id: str | None, update_id: int | None = None
    ) -> SessionRecord:
        """Read a respondent, their latest response (to `flow_id`, if given), and if `update_id`
        was applied."""
        read = partial(
            self._sql.responses.load_session,
            channel=channel,
            external_id=external_id,
            flow_id=flow_id,
            update_id=update_id,
        )
        return await self._db.run_read(read, "load a respondent's session")

    # Responses

    async def latest_response(
        self, respondent_id: int, flow_id: str | None = None
    ) -> Response | None:
        """Return the respondent's most recent response (of `flow_id`, if given)."""
        read = partial(self._sql.responses.latest, respondent_id=respondent_id, flow_id=flow_id)
        return await self._db.run_read(read, "find the latest response")

    async def respondent_responses(self, respondent_id: int) -> list[Response]:
        """Return all of a respondent's responses, oldest first."""
        read = partial(self._sql.responses.of_respondent, respondent_id=respondent_id)
        return await self._db.run_read(read, "list a respondent's responses")

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
        consent_version: str | None = None,
    ) -> Response:
        """Create an in-progress response with a fresh pseudonymous key (for test data).

        `consent_version`, when given, records the notice agreed to (at `now`),
        and `update_id` the update applied, both in the same transaction.
        """
        write = partial(
            self._sql.responses.start,
            respondent_id=respondent_id,
            flow_id=flow_id,
            flow_version=flow_version,
            stage_code=stage_code,
            language=language,
            state_json=state_json,
            current_step=current_step,
            now=now,
            update_id=update_id,
            consent_version=consent_version,
        )
        return await self._db.run_write(write, "start a response")

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
        """The respondent (created if new) and a new response with its consent, in one go."""
        write = partial(
            self._sql.responses.enrol,
            channel=channel,
            external_id=external_id,
            flow_id=flow_id,
            flow_version=flow_version,
            stage_code=stage_code,
            language=language,
            state_json=state_json,
            current_step=current_step,
            now=now,
            update_id=update_id,
            consent_version=consent_version,
        )
        return await self._db.run_write(write, "start a response")

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
        """Save a response's state and its complete current answer set, atomically.

        Answers not in `answers` are deleted; an answer's time changes only
        when its value or other-text changed. `language`, `stage_code` and
        `flow_version` replace the stored ones when given (the answers saved
        carry them too). `update_id`, when given, is recorded as handled in
        the same transaction: the answer and the record of the update that
        brought it land together or not at all; if it was recorded before,
        nothing is written and Conflict raised. So too when `base_state` is
        given (the state_json the change was decided on) and the stored state
        is another, or the response is gone: the caller decides again.
        `restarted` (the person started over) makes `now` its start, for durations.
        """
        progress = ProgressWrite(
            response_id=response_id,
            state_json=state_json,
            current_step=current_step,
            answers=answers,
            status=checked_status(status),
            language=language,
            stage_code=stage_code,
            flow_version=flow_version,
            update_id=update_id,
            base_state=base_state,
            restarted=restarted,
        )
        write = partial(self._sql.responses.save, progress=progress, now=now)
        return await self._db.run_write(write, f"save progress of response {response_id}")

    async def get_response(self, response_id: int) -> Response | None:
        """Return the response with this id, if any."""
        read = partial(self._sql.responses.get, response_id=response_id)
        return await self._db.run_read(read, "read a response")

    async def get_response_by_key(self, key: str) -> Response | None:
        """Return the response with this pseudonymous key, if any."""
        return await self._db.run_read(
            partial(self._sql.responses.get_by_key, key=key), "read a response"
        )

    async def set_prompt_message(self, response_id: int, message_id: int | None) -> bool:
        """Record which chat message shows the response's current question (None: none).

        False, and nothing changed, when the response no longer exists.
        """
        write = partial(
            self._sql.responses.set_prompt_message, response_id=response_id, message_id=message_id
        )
        return await self._db.run_write(
            write, f"record the question message of response {response_id}"
        )

    async def answers_for(self, response_id: int) -> dict[str, StoredAnswer]:
        """Return a response's answers by question id, oldest answer first."""
        read = partial(self._sql.responses.answers_of, response_id=response_id)
        return await self._db.run_read(read, "read answers")

    async def count_responses(self) -> dict[ResponseStatus, int]:
        """Return how many responses have each status (every status present)."""
        return await self._db.run_read(self._sql.responses.count_by_status, "count responses")

    async def count_matching(self, chosen: ResponseFilter) -> int:
        """Return how many responses an export with this filter would hold."""
        read = partial(self._sql.responses.count_matching, chosen=chosen)
        return await self._db.run_read(read, "count the responses to export")

    async def list_responses(self) -> list[Response]:
        """Return every response, oldest first."""
        return await self._db.run_read(self._sql.responses.list_all, "list the responses")

    async def answered_question_ids(self) -> dict[int, frozenset[str]]:
        """Return the ids of the questions each response has answered, by response id.

        Only the answers that count are stored, so a question answered and then
        hidden by a later change of branch is not among them.
        """
        read = self._sql.responses.answered_question_ids
        return await self._db.run_read(read, "list the answered questions")

    # Handled updates

    async def was_handled(self, update_id: int) -> bool:
        """Whether this update id has already been applied."""
        read = partial(self._sql.updates.was_handled, update_id=update_id)
        return await self._db.run_read(read, "look up a handled update")

    async def mark_handled(self, update_id: int, *, now: dt.datetime) -> None:
        """Record an update id as applied; marking it again changes nothing.

        For updates that write nothing else; those that do pass `update_id`
        to the write, which records it in the same transaction.
        """
        write = partial(self._sql.updates.record, update_id=update_id, now=now)
        await self._db.run_write(write, f"record update {update_id} as handled")

    async def prune_handled_updates(self, *, before: dt.datetime) -> int:
        """Forget updates handled before `before`; return how many were forgotten."""
        # Telegram keeps an undelivered update for 24 hours at most: older ids are dead weight.
        write = partial(self._sql.updates.prune, before=before)
        return await self._db.run_write(write, "prune handled updates")

    # Stages

    async def sync_stages(self, stages: Iterable[Stage]) -> None:
        """Insert or update the given stages; stages not listed are kept."""
        write = partial(self._sql.stages.sync, stages=list(stages))
        await self._db.run_write(write, "save the stages")

    async def list_stages(self) -> list[Stage]:
        """Return all stages by date, then code; stages without a date come last."""
        return await self._db.run_read(self._sql.stages.list_all, "list the stages")

    async def get_stage(self, code: str) -> Stage | None:
        """Return the stage with this code, if any."""
        return await self._db.run_read(partial(self._sql.stages.get, code=code), "read a stage")
