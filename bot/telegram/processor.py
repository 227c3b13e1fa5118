"""Updates of one respondent one at a time, in order; different respondents concurrently.

python-telegram-bot hands each update to `do_process_update` in the order it
left the update queue. A lock per user keeps that order for one person (their
answers must be applied in the order they typed them), while other people's
updates run alongside. The poller waits on `done(update_id)` to mark an
update done in its inbox once it has been handled.

One person's burst is cut short here too (`bot/telegram/flood.py`): an update
beyond the backlog one person may hold is dropped before it reaches a handler
and marked done (the poller marks it done in its inbox); the person is told
once, after the updates kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseUpdateProcessor

from bot.telegram.flood import FloodGate, app_language, describe, tell
from bot.telegram.sending import answer_query
from conversation import PersonQueues

log = logging.getLogger(__name__)


class PerRespondentProcessor(BaseUpdateProcessor):
    """Serialises updates per user (or chat), runs different users concurrently."""

    def __init__(
        self, max_concurrent_updates: int = 4096, *, flood: FloodGate | None = None
    ) -> None:
        # The semaphore of the base class only bounds the total; ordering is ours.
        super().__init__(max_concurrent_updates)
        self._queues = PersonQueues()
        self.flood = flood or FloodGate()
        self._done: dict[int, asyncio.Future[None]] = {}
        self.language: Callable[[Update], Awaitable[str]] = app_language
        """The language to tell a person in; the bot sets the one they chose (a read)."""

    def done(self, update_id: int) -> asyncio.Future[None]:
        """A future set once the update with this id has been handled (or failed)."""
        if update_id not in self._done:
            self._done[update_id] = asyncio.get_running_loop().create_future()
        return self._done[update_id]

    def forget(self, update_id: int) -> None:
        self._done.pop(update_id, None)
        self.flood.forget(update_id)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _owner(update)
        if key is not None and not self.flood.admit(key, update):
            await self._drop(key, update, coroutine)
            return
        try:
            if key is None:
                await coroutine
                return
            try:
                async with self._queues.turn_of(key):
                    await coroutine
            finally:
                self.flood.release(key, update)
        finally:
            self._mark_done(update)

    async def _drop(self, key: int, update: object, coroutine: Awaitable[Any]) -> None:
        """Not handled, yet done for the poller; the person is told once, after the rest."""
        if inspect.iscoroutine(coroutine):
            coroutine.close()  # never to run: closed, so Python does not warn it was not awaited
        log.info("flood control: dropped %s from a person with too many waiting", describe(update))
        try:
            if isinstance(update, Update) and update.callback_query is not None:
                # The button's spinner would turn until Telegram gives up; answering a press
                # is not a message (outside the 30 a second), so a dropped one is answered too.
                with contextlib.suppress(TelegramError):  # unreachable: the spinner times out
                    await answer_query(update.callback_query)
            if isinstance(update, Update) and self.flood.notice_due(key):
                # In the person's turn: after the answers to the updates kept, where they
                # look. This update is done once told: the batch waits for those kept anyway.
                async with self._queues.turn_of(key):
                    await tell(update, await self.language(update))
        finally:
            self._mark_done(update)

    def _mark_done(self, update: object) -> None:
        if isinstance(update, Update):
            future = self._done.get(update.update_id)
            if future is not None and not future.done():
                future.set_result(None)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        for future in self._done.values():
            if not future.done():
                future.cancel()
        self._done.clear()


def _owner(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None
