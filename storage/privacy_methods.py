"""The store's consent, access, erasure, retention and reminder methods, alike on both
backends (as `storage.job_methods` is).

Each method is one call to the backend's `run_write` or `run_read` with a
function of its privacy or reminders module (`storage.privacy`,
`storage.postgres.privacy`, ...), named in the store's `_sql`. What only a
backend can do, emptying SQLite's -wal file after an erasure, is its own
`truncate_wal`.
"""

# The SQL functions are typed in their modules; reached through `_sql`, a tuple
# of modules, they return Any, which the annotated methods narrow.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any, ClassVar

from storage.errors import StorageError
from storage.methods import SqlModules
from storage.models import Channel, DueReminder, ErasureReport, PurgeReport, RefusalCount
from storage.privacy import Counts, DryRun, PurgeCounts

log = logging.getLogger(__name__)


class PrivacyMethods:
    """Consent and refusals, a person's data and its erasure, retention, reminders."""

    _sql: ClassVar[SqlModules]
    _db: Any

    async def truncate_wal(self) -> bool:
        """Empty the write-ahead log after an erasure; False if a reader kept it busy."""
        raise NotImplementedError

    # Consent, access, erasure, retention

    async def record_consent(
        self, response_id: int, *, version: str, now: dt.datetime, update_id: int | None = None
    ) -> None:
        """Record that the response's respondent accepted notice `version` at `now`."""
        write = partial(
            self._sql.privacy.record_consent,
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
            self._sql.privacy.record_refusal,
            version=version,
            stage_code=stage_code,
            now=now,
            update_id=update_id,
        )
        return await self._db.run_write(write, "record a refusal")

    async def refusal_counts(self) -> list[RefusalCount]:
        """The refusals held, counted by notice version and stage."""
        counts = await self._db.run_read(self._sql.privacy.refusal_counts, "count the refusals")
        # Sorted here, alike on both backends (where NULL sorts, how text collates).
        return sorted(counts, key=lambda c: (c.version, c.stage_code is None, c.stage_code or ""))

    async def respondent_data(self, respondent_id: int) -> dict[str, Any]:
        """Return everything stored about a respondent, JSON-serialisable (for /mydata)."""
        read = partial(self._sql.privacy.respondent_data, respondent_id=respondent_id)
        return await self._db.run_read(read, f"read the data of respondent {respondent_id}")

    async def erase_respondent(self, respondent_id: int) -> ErasureReport:
        """Erase a respondent with their responses and answers, leaving no trace."""
        write = partial(self._sql.privacy.erase_respondent, respondent_id=respondent_id)
        counts: Counts = await self._db.run_write(write, f"erase respondent {respondent_id}")
        return ErasureReport(*counts, wal_cleared=await self._clear_wal())

    async def erase_response(self, response_id: int) -> ErasureReport:
        """Erase one response with its answers; its respondent too if it was their only one."""
        write = partial(self._sql.privacy.erase_response, response_id=response_id)
        counts: Counts = await self._db.run_write(write, f"erase response {response_id}")
        return ErasureReport(*counts, wal_cleared=await self._clear_wal())

    async def erase_by_external_id(self, channel: str, external_id: str) -> ErasureReport | None:
        """Erase the person known by `external_id` on `channel`; None if nobody is known there."""
        write = partial(
            self._sql.privacy.erase_by_external_id, channel=channel, external_id=external_id
        )
        counts: Counts | None = await self._db.run_write(write, f"erase a {channel} respondent")
        if counts is None:
            return None
        return ErasureReport(*counts, wal_cleared=await self._clear_wal())

    async def _clear_wal(self) -> bool:
        # The deletion is committed by now: a failed checkpoint must not report it as failed.
        try:
            return await self.truncate_wal()
        except StorageError as error:
            log.warning("erased rows may stay in the -wal file until it is emptied: %s", error)
            return False

    async def purge_older_than(
        self, *, before: dt.datetime, now: dt.datetime, dry_run: bool = False
    ) -> PurgeReport:
        """Delete responses and refusals from before `before`, and respondents left with nothing.

        With `dry_run`, count what would go and change nothing.
        """
        write = partial(self._sql.privacy.purge_older_than, before=before, now=now, dry_run=dry_run)
        try:
            counts: PurgeCounts = await self._db.run_write(write, "purge old responses")
        except DryRun as rolled_back:  # both backends' privacy modules raise this one
            return PurgeReport(*rolled_back.counts, wal_cleared=False)
        return PurgeReport(*counts, wal_cleared=await self._clear_wal())

    async def abandon_stale(
        self,
        *,
        idle_since: dt.datetime,
        now: dt.datetime,
        dry_run: bool = False,
        kept_from: dt.datetime | None = None,
    ) -> int:
        """Mark in-progress responses not updated since `idle_since` as abandoned; return how many.

        Only the status changes: the answers stay, and `updated_at` keeps telling
        when the respondent last progressed. With `dry_run`, only count. With
        `kept_from`, only responses started since then: a purge of what was started
        before deletes the others, which closing first would count twice.
        """
        sql = self._sql.privacy
        if dry_run:
            read = partial(sql.count_stale, idle_since=idle_since, now=now, kept_from=kept_from)
            return await self._db.run_read(read, "count idle responses")
        write = partial(sql.abandon_stale, idle_since=idle_since, now=now, kept_from=kept_from)
        return await self._db.run_write(write, "abandon idle responses")

    # Reminders

    async def due_reminders(
        self, *, idle_since: dt.datetime, now: dt.datetime, channel: str = Channel.TELEGRAM
    ) -> list[DueReminder]:
        """Return unreminded in-progress responses on `channel` idle since before `idle_since`."""
        read = partial(self._sql.reminders.due, idle_since=idle_since, now=now, channel=channel)
        return await self._db.run_read(read, "find the responses due a reminder")

    async def mark_reminded(
        self, response_id: int, *, now: dt.datetime, active_at: dt.datetime | None = None
    ) -> bool:
        """Claim the response's one reminder; False if it already was, or, given `active_at`
        (its last activity when listed as due), if it has moved since. Called before sending:
        at most one reminder even through a crash (marking after would give one or two)."""
        mark = self._sql.reminders.mark
        write = partial(mark, response_id=response_id, now=now, active_at=active_at)
        return await self._db.run_write(write, f"mark response {response_id} as reminded")

    async def unmark_reminded(self, response_id: int) -> bool:
        """Give back a claimed reminder that could not be sent; False if none was claimed."""
        write = partial(self._sql.reminders.unmark, response_id=response_id)
        return await self._db.run_write(write, f"mark response {response_id} as not reminded")
