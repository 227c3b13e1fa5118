"""The store's organiser-job methods, alike on both backends (as `storage.methods` is).

Recording an organiser's long work (an export, statistics) before it runs,
counting its starts, ending it, and finding what a restarted bot must finish
(what a job is: `storage.jobs`). Each method is one call to the backend's
`run_write` or `run_read` with a function of its jobs module (`storage.jobs`,
`storage.postgres.jobs`), named in the store's `_sql`.
"""

# The SQL functions are typed in their modules; reached through `_sql`, a tuple
# of modules, they return Any, which the annotated methods narrow.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any, ClassVar

from storage.jobs import Job
from storage.methods import SqlModules


class JobMethods:
    """Recording organiser jobs, starting and ending them, finding the unfinished."""

    _sql: ClassVar[SqlModules]
    _db: Any

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
        """Record a pending job for the organiser in `chat_id`; None if `update_id` asked already
        or the same job is pending (a unique index: a double tap taken by two instances)."""
        write = partial(
            self._sql.jobs.add,
            kind=kind,
            chat_id=chat_id,
            language=language,
            args=args,
            now=now,
            update_id=update_id,
        )
        return await self._db.run_write(write, f"record a {kind} job")

    async def start_job(self, job_id: int, *, now: dt.datetime) -> int | None:
        """Count a start of a pending job; the number of starts, or None if it has ended."""
        write = partial(self._sql.jobs.start, job_id=job_id, now=now)
        return await self._db.run_write(write, f"start job {job_id}")

    async def finish_job(self, job_id: int, *, failed: bool = False, now: dt.datetime) -> None:
        """End a job, done (or failed); an ended job keeps its first end."""
        status = "failed" if failed else "done"
        write = partial(self._sql.jobs.finish, job_id=job_id, status=status, now=now)
        await self._db.run_write(write, f"end job {job_id}")

    async def unfinished_jobs(self) -> list[Job]:
        """Every pending job, oldest first."""
        return await self._db.run_read(self._sql.jobs.unfinished, "list the unfinished jobs")

    async def prune_jobs(self, *, before: dt.datetime) -> int:
        """Forget jobs that ended before `before`; how many."""
        write = partial(self._sql.jobs.prune, before=before)
        return await self._db.run_write(write, "forget old jobs")
