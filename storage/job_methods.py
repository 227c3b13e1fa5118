"""The store's organiser-job methods, alike on both backends (as `storage.methods` is).

Kept apart from `StoreMethods` so its module stays within bounds; each method
is one call to the backend's `run_write` or `run_read` with a function of its
jobs module (`storage.jobs`, `storage.postgres.jobs`), given by the store as
`_jobs`.
"""

# The SQL functions are typed in their modules; reached through `_jobs`, a module
# held in a class variable, they return Any, which the annotated methods narrow.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import datetime as dt
from functools import partial
from types import ModuleType
from typing import Any

from storage.jobs import Job


class JobMethods:
    """Recording organiser jobs, starting and ending them, finding the unfinished."""

    _jobs: ModuleType
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
        """Record a pending job for the organiser in `chat_id`; None if `update_id` asked already."""
        write = partial(
            self._jobs.add,
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
        write = partial(self._jobs.start, job_id=job_id, now=now)
        return await self._db.run_write(write, f"start job {job_id}")

    async def finish_job(self, job_id: int, *, failed: bool = False, now: dt.datetime) -> None:
        """End a job, done (or failed); an ended job keeps its first end."""
        status = "failed" if failed else "done"
        write = partial(self._jobs.finish, job_id=job_id, status=status, now=now)
        await self._db.run_write(write, f"end job {job_id}")

    async def unfinished_jobs(self) -> list[Job]:
        """Every pending job, oldest first."""
        return await self._db.run_read(self._jobs.unfinished, "list the unfinished jobs")

    async def prune_jobs(self, *, before: dt.datetime) -> int:
        """Forget jobs that ended before `before`; how many."""
        write = partial(self._jobs.prune, before=before)
        return await self._db.run_write(write, "forget old jobs")
