"""`PostgresStore`: survey data in a PostgreSQL database, behind the `SurveyStore` interface.

The same methods, semantics and errors as the SQLite `Store`: each method is
one call to `PgDatabase.run_write` (one transaction, committed before it
returns) or `PgDatabase.run_read` (one read-only snapshot) with a function of
the sibling modules, where the SQL is. They carry the SQLite modules' names,
so the methods read the same on both backends. Every write takes `now` from
the caller, and a write that applies an update records its id in the same
transaction. Method docstrings are short: `Store`'s say the details, which hold here.
Erasure reports `wal_cleared=True`: there is no -wal file (see `truncate_wal`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, Any

from storage.errors import StorageError
from storage.models import (
    AnswerInput,
    Channel,
    DueReminder,
    ErasureReport,
    PurgeReport,
    Respondent,
    Response,
    ResponseStatus,
    SessionRecord,
    Stage,
    StoredAnswer,
)
from storage.postgres import privacy, reminders, respondents, responses, updates
from storage.postgres import stages as stage_table
from storage.postgres.connection import PgDatabase
from storage.postgres.schema import apply_migrations, check_version

if TYPE_CHECKING:
    from storage.interface import SurveyStore


class PostgresStore:
    """Survey data in one PostgreSQL database; open with `await PostgresStore.open(url)`."""

    url: str
    """The database's URL without its password: safe to show and log."""

    def __init__(self, db: PgDatabase) -> None:
        """Wrap an open, migrated `PgDatabase` (`PostgresStore.open` does both)."""
        self._db = db
        self.url = db.label

    @classmethod
    async def open(cls, url: str, *, readonly: bool = False) -> PostgresStore:
        """Connect to the database at `url`, creating and migrating its tables if needed.

        With `readonly=True` the schema must be current already, every
        connection's transactions are read-only, and every write raises
        StorageError: how exporters and analysts read while the bot writes.
        """
        db = await PgDatabase.open(url, readonly=readonly)
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
        """Close the pool once the transactions under way are over; idempotent."""
        await self._db.close()

    async def __aenter__(self) -> PostgresStore:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def take_lease(self, name: str) -> bool:
        """Hold `name` across every instance on this database if free; False if another has it.

        The polling lease, a housekeeping round: a session advisory lock, given
        back by `end_lease`, by `close`, or by the server when this process dies.
        """
        return await self._db.take_lease(name)

    async def end_lease(self, name: str) -> None:
        """Give back the lease `name`; nothing if this process does not hold it."""
        await self._db.end_lease(name)

    # Respondents

    async def ensure_respondent(
        self, channel: str, external_id: str, *, now: dt.datetime, language: str | None = None
    ) -> Respondent:
        """Return the respondent for (channel, external_id), created with `language` if new."""
        write = partial(
            respondents.ensure, channel=channel, external_id=external_id, now=now, language=language
        )
        return await self._db.run_write(write, "record a respondent")

    async def get_respondent(self, channel: str, external_id: str) -> Respondent | None:
        """Return the respondent for (channel, external_id), if there is one."""
        read = partial(respondents.find, channel=channel, external_id=external_id)
        return await self._db.run_read(read, "read a respondent")

    async def get_respondent_by_id(self, respondent_id: int) -> Respondent | None:
        """Return the respondent with this internal id, if there is one."""
        read = partial(respondents.find_by_id, respondent_id=respondent_id)
        return await self._db.run_read(read, "read a respondent")

    async def respondent_channels(self) -> dict[int, str]:
        """Return each respondent's channel (telegram, web, terminal), by respondent id."""
        return await self._db.run_read(respondents.channels, "read the respondents' channels")

    async def set_blocked(self, respondent_id: int, *, blocked: bool, now: dt.datetime) -> None:
        """Mark a respondent as blocking the bot (keeping the first time), or clear it."""
        action = f"mark respondent {respondent_id} as {'blocked' if blocked else 'not blocked'}"
        write = partial(
            respondents.set_blocked, respondent_id=respondent_id, blocked=blocked, now=now
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
            respondents.set_language,
            respondent_id=respondent_id,
            language=language,
            response_id=response_id,
            now=now,
        )
        await self._db.run_write(write, f"set the language of respondent {respondent_id}")

    async def load_session(
        self, channel: str, external_id: str, *, flow_id: str, update_id: int | None = None
    ) -> SessionRecord:
        """Read a respondent, their latest response to `flow_id`, and if `update_id` was applied."""
        read = partial(
            responses.load_session,
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
        read = partial(responses.latest, respondent_id=respondent_id, flow_id=flow_id)
        return await self._db.run_read(read, "find the latest response")

    async def respondent_responses(self, respondent_id: int) -> list[Response]:
        """Return all of a respondent's responses, oldest first."""
        read = partial(responses.of_respondent, respondent_id=respondent_id)
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
        """Create an in-progress response with a fresh pseudonymous key (for test data)."""
        write = partial(
            responses.start,
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
            responses.enrol,
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
    ) -> Response:
        """Save a response's state and its complete current answer set, atomically.

        Conflict, and nothing written, if `update_id` was applied or the stored
        state is no longer `base_state` (see `Store.save_progress`).
        """
        write = partial(
            responses.save,
            response_id=response_id,
            state_json=state_json,
            current_step=current_step,
            answers=answers,
            status=status,
            now=now,
            language=language,
            stage_code=stage_code,
            flow_version=flow_version,
            update_id=update_id,
            base_state=base_state,
        )
        return await self._db.run_write(write, f"save progress of response {response_id}")

    async def get_response(self, response_id: int) -> Response | None:
        """Return the response with this id, if any."""
        read = partial(responses.get, response_id=response_id)
        return await self._db.run_read(read, "read a response")

    async def get_response_by_key(self, key: str) -> Response | None:
        """Return the response with this pseudonymous key, if any."""
        return await self._db.run_read(partial(responses.get_by_key, key=key), "read a response")

    async def set_prompt_message(self, response_id: int, message_id: int | None) -> bool:
        """Record which chat message shows the response's current question (None: none)."""
        write = partial(
            responses.set_prompt_message, response_id=response_id, message_id=message_id
        )
        return await self._db.run_write(
            write, f"record the question message of response {response_id}"
        )

    async def answers_for(self, response_id: int) -> dict[str, StoredAnswer]:
        """Return a response's answers by question id, oldest answer first."""
        read = partial(responses.answers_of, response_id=response_id)
        return await self._db.run_read(read, "read answers")

    async def count_responses(self) -> dict[ResponseStatus, int]:
        """Return how many responses have each status (every status present)."""
        return await self._db.run_read(responses.count_by_status, "count responses")

    async def list_responses(self) -> list[Response]:
        """Return every response, oldest first."""
        return await self._db.run_read(responses.list_all, "list the responses")

    async def answered_question_ids(self) -> dict[int, frozenset[str]]:
        """Return the ids of the questions each response has answered, by response id."""
        read = responses.answered_question_ids
        return await self._db.run_read(read, "list the answered questions")

    # Handled updates

    async def was_handled(self, update_id: int) -> bool:
        """Whether this update id has already been applied."""
        read = partial(updates.was_handled, update_id=update_id)
        return await self._db.run_read(read, "look up a handled update")

    async def mark_handled(self, update_id: int, *, now: dt.datetime) -> None:
        """Record an update id as applied; marking it again changes nothing."""
        write = partial(updates.record, update_id=update_id, now=now)
        await self._db.run_write(write, f"record update {update_id} as handled")

    async def prune_handled_updates(self, *, before: dt.datetime) -> int:
        """Forget updates handled before `before`; return how many were forgotten."""
        # Telegram keeps an undelivered update for 24 hours at most: older ids are dead weight.
        write = partial(updates.prune, before=before)
        return await self._db.run_write(write, "prune handled updates")

    # Stages

    async def sync_stages(self, stages: Iterable[Stage]) -> None:
        """Insert or update the given stages; stages not listed are kept."""
        write = partial(stage_table.sync, stages=list(stages))
        await self._db.run_write(write, "save the stages")

    async def list_stages(self) -> list[Stage]:
        """Return all stages by date, then code; stages without a date come last."""
        return await self._db.run_read(stage_table.list_all, "list the stages")

    async def get_stage(self, code: str) -> Stage | None:
        """Return the stage with this code, if any."""
        return await self._db.run_read(partial(stage_table.get, code=code), "read a stage")

    # Consent, access, erasure, retention

    async def record_consent(
        self, response_id: int, *, version: str, now: dt.datetime, update_id: int | None = None
    ) -> None:
        """Record that the response's respondent accepted notice `version` at `now`."""
        write = partial(
            privacy.record_consent,
            response_id=response_id,
            version=version,
            now=now,
            update_id=update_id,
        )
        await self._db.run_write(write, f"record the consent of response {response_id}")

    async def record_refusal(
        self,
        *,
        version: str,
        stage_code: str | None,
        now: dt.datetime,
        update_id: int | None = None,
    ) -> bool:
        """Record that someone declined notice `version`; False if `update_id` was applied."""
        write = partial(
            privacy.record_refusal,
            version=version,
            stage_code=stage_code,
            now=now,
            update_id=update_id,
        )
        return await self._db.run_write(write, "record a refusal")

    async def respondent_data(self, respondent_id: int) -> dict[str, Any]:
        """Return everything stored about a respondent, JSON-serialisable (for /mydata)."""
        read = partial(privacy.respondent_data, respondent_id=respondent_id)
        return await self._db.run_read(read, f"read the data of respondent {respondent_id}")

    async def erase_respondent(self, respondent_id: int) -> ErasureReport:
        """Erase a respondent with their responses and answers, leaving no trace."""
        write = partial(privacy.erase_respondent, respondent_id=respondent_id)
        counts = await self._db.run_write(write, f"erase respondent {respondent_id}")
        return ErasureReport(*counts, wal_cleared=True)

    async def erase_by_external_id(self, channel: str, external_id: str) -> ErasureReport | None:
        """Erase the person known by `external_id` on `channel` (see `erase_respondent`)."""
        write = partial(privacy.erase_by_external_id, channel=channel, external_id=external_id)
        counts = await self._db.run_write(write, f"erase {channel} user {external_id}")
        if counts is None:
            return None
        return ErasureReport(*counts, wal_cleared=True)

    async def truncate_wal(self) -> bool:
        """True: there is no -wal file to empty on PostgreSQL.

        Erased rows leave the tables at once for every reader. Their old
        versions stay in the table's pages until VACUUM (autovacuum) frees the
        space for reuse (`VACUUM FULL` rewrites the table without them), and in
        the server's write-ahead log and backups until those are recycled: the
        operator's backup retention bounds how long erased data lives there.
        Refused on a read-only store, as on SQLite.
        """
        if self._db.readonly:
            raise StorageError(
                f"cannot empty the write-ahead log: {self.url} was opened read-only; "
                "open it with readonly=False to write"
            )
        return True

    async def purge_older_than(
        self, *, before: dt.datetime, now: dt.datetime, dry_run: bool = False
    ) -> PurgeReport:
        """Delete responses and refusals from before `before`, and respondents left with nothing."""
        write = partial(privacy.purge_older_than, before=before, now=now, dry_run=dry_run)
        try:
            counts = await self._db.run_write(write, "purge old responses")
        except privacy.DryRun as rolled_back:
            return PurgeReport(*rolled_back.counts, wal_cleared=False)
        return PurgeReport(*counts, wal_cleared=True)

    async def abandon_stale(
        self, *, idle_since: dt.datetime, now: dt.datetime, dry_run: bool = False
    ) -> int:
        """Mark in-progress responses not updated since `idle_since` as abandoned; return how many."""
        if dry_run:
            read = partial(privacy.count_stale, idle_since=idle_since, now=now)
            return await self._db.run_read(read, "count idle responses")
        write = partial(privacy.abandon_stale, idle_since=idle_since, now=now)
        return await self._db.run_write(write, "abandon idle responses")

    # Reminders

    async def due_reminders(
        self, *, idle_since: dt.datetime, now: dt.datetime, channel: str = Channel.TELEGRAM
    ) -> list[DueReminder]:
        """Return unreminded in-progress responses on `channel` idle since before `idle_since`."""
        read = partial(reminders.due, idle_since=idle_since, now=now, channel=channel)
        return await self._db.run_read(read, "find the responses due a reminder")

    async def mark_reminded(self, response_id: int, *, now: dt.datetime) -> bool:
        """Claim the response's one reminder; False if it already was (the first time stays)."""
        write = partial(reminders.mark, response_id=response_id, now=now)
        return await self._db.run_write(write, f"mark response {response_id} as reminded")

    async def unmark_reminded(self, response_id: int) -> bool:
        """Give back a claimed reminder that could not be sent; False if none was claimed."""
        write = partial(reminders.unmark, response_id=response_id)
        return await self._db.run_write(write, f"mark response {response_id} as not reminded")


if TYPE_CHECKING:

    def _is_a_survey_store(store: PostgresStore) -> SurveyStore:
        # mypy proves here that PostgresStore has every method of the interface, as typed there.
        return store
