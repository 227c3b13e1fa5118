"""The store's methods for refused typed texts (storage/kept_texts.py), alike on both backends.

Each method is one call to the backend's `run_write` with a function of its
module (`storage.kept_texts`, `storage.postgres.kept_texts`), named in the
store's `_sql`.
"""

# The SQL functions are typed in their modules; reached through `_sql`, a tuple
# of modules, they return Any, which the annotated methods narrow.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any, ClassVar

from storage.kept_texts import KEPT_FOR, new_key
from storage.methods import SqlModules


class KeptTextMethods:
    """What the web chat typed and had refused, for the page after the redirect."""

    _sql: ClassVar[SqlModules]
    _db: Any

    async def keep_text(self, person: str, text: str, *, now: dt.datetime) -> str:
        """Keep `text`, typed by the web chat's `person`, for a page; the random id it is under."""
        key = new_key()
        write = partial(self._sql.kept_texts.keep, key=key, person=person, text=text, now=now)
        await self._db.run_write(write, "keep a refused typed answer")
        return key

    async def take_kept_text(self, key: str, person: str, *, now: dt.datetime) -> str | None:
        """The text kept under `key` for `person`, once; None if gone, expired or not theirs."""
        write = partial(self._sql.kept_texts.take, key=key, person=person, now=now)
        return await self._db.run_write(write, "take a refused typed answer")

    async def prune_kept_texts(self, *, now: dt.datetime) -> int:
        """Forget the texts kept too long ago to be shown (`KEPT_FOR`); how many."""
        write = partial(self._sql.kept_texts.prune, before=now - KEPT_FOR)
        return await self._db.run_write(write, "prune the refused typed answers")
