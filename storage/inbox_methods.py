"""The store's inbox methods, alike on both backends (as `storage.job_methods` is).

Each method is one call to the backend's `run_write` or `run_read` with a
function of its inbox module (`storage.inbox`, `storage.postgres.inbox`), named
in the store's `_sql`.
"""

# The SQL functions are typed in their modules; reached through `_sql`, a tuple
# of modules, they return Any, which the annotated methods narrow.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from functools import partial
from typing import Any, ClassVar

from storage.inbox import Inboxed
from storage.methods import SqlModules


class InboxMethods:
    """The poller's durable inbox: writing a batch, marking done, replaying, pruning."""

    _sql: ClassVar[SqlModules]
    _db: Any

    async def add_to_inbox(
        self, items: Sequence[Inboxed], *, now: dt.datetime, done: Collection[int] = ()
    ) -> list[int]:
        """Write a batch in one transaction (`done` ones as done); the ids new to the inbox."""
        write = partial(self._sql.inbox.add, items=list(items), now=now, done=frozenset(done))
        return await self._db.run_write(write, "write updates to the inbox")

    async def mark_inbox_done(
        self,
        update_ids: Sequence[int],
        *,
        now: dt.datetime,
        live_messages: Mapping[int, int | None] | None = None,
    ) -> None:
        """Mark these updates done (handled, dropped or unreadable) in one transaction with
        `live_messages`: which message shows each response's live question (None: none),
        as the replies to them left it (`set_prompt_message`, for many, without a commit
        of its own). A response erased meanwhile is skipped."""
        live = dict(live_messages or {})
        if not update_ids and not live:
            return
        write = partial(self._sql.inbox.mark_done, update_ids=list(update_ids), now=now, live=live)
        await self._db.run_write(write, "mark updates done in the inbox")

    async def unfinished_inbox(self) -> list[Inboxed]:
        """Every update of the inbox not yet done, oldest first."""
        return await self._db.run_read(self._sql.inbox.unfinished, "read the inbox")

    async def count_inbox_replay(self, update_ids: Sequence[int]) -> None:
        """Count one more start applying these waiting updates again."""
        if not update_ids:
            return
        write = partial(self._sql.inbox.count_replay, update_ids=list(update_ids))
        await self._db.run_write(write, "count updates applied again")

    async def inbox_counts(self) -> tuple[int, int]:
        """Rows in the inbox, and how many are not done (for the soak benchmark and tests).

        Not in `SurveyStore`: the application never asks.
        """
        return await self._db.run_read(self._sql.inbox.counts, "count the inbox")

    async def prune_inbox(self, *, before: dt.datetime) -> int:
        """Forget updates done before `before`; how many."""
        write = partial(self._sql.inbox.prune, before=before)
        return await self._db.run_write(write, "prune the inbox")

    async def prune_unhandled_inbox(self, *, before: dt.datetime) -> int:
        """Forget updates not done that came before `before`; how many. Only for a bot
        switched to a webhook, for which nothing applies them, a day late being too late."""
        write = partial(self._sql.inbox.prune_unhandled, before=before)
        return await self._db.run_write(write, "prune the inbox of updates not handled")
