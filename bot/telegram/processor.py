"""Updates of one respondent one at a time, in order; different respondents concurrently.

python-telegram-bot hands each update to `do_process_update` in the order it
left the update queue. A lock per user keeps that order for one person (their
answers must be applied in the order they typed them), while other people's
updates run alongside. The poller waits on `done(update_id)` to mark an
update done in its inbox once it has been handled, the webhook to answer 200.

An update whose handling met the database unavailable (PostgreSQL down, the
file locked: `on_error` in bot/telegram/app.py calls `not_handled`) is not
handled: its future says False, and the webhook answers 503 (Telegram
delivers it again). Through the poller (`retry_with`) it is applied again in
the person's turn, after a pause growing to `RETRY_MOST`, until the database
answers: their later updates wait behind it, so their order holds, and an
outage, not the update's fault, never makes the bot give up on one.

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

RETRY_FIRST = 1.0
"""Seconds before an update not handled (the database unavailable) is first applied again."""
RETRY_MOST = 30.0
"""The longest pause between two tries (the pause doubles from `RETRY_FIRST`)."""


class PerRespondentProcessor(BaseUpdateProcessor):
    """Serialises updates per user (or chat), runs different users concurrently."""

    def __init__(
        self, max_concurrent_updates: int = 4096, *, flood: FloodGate | None = None
    ) -> None:
        # The semaphore of the base class only bounds the total; ordering is ours.
        super().__init__(max_concurrent_updates)
        self._queues = PersonQueues()
        self.flood = flood or FloodGate()
        self._done: dict[int, asyncio.Future[bool]] = {}
        self._not_handled: set[int] = set()
        """Updates whose last try met the database unavailable (`not_handled`)."""
        self._tried: set[int] = set()
        """Updates being applied again: their failures are not news (`not_handled`)."""
        self._again: Callable[[Update], Awaitable[None]] | None = None
        self._no_more_tries = asyncio.Event()
        self.language: Callable[[Update], Awaitable[str]] = app_language
        """The language to tell a person in; the bot sets the one they chose (a read)."""

    def done(self, update_id: int) -> asyncio.Future[bool]:
        """A future set once the update with this id has been handled (or failed): True,
        or False when it was not, the database being unavailable (`not_handled`)."""
        if update_id not in self._done:
            self._done[update_id] = asyncio.get_running_loop().create_future()
        return self._done[update_id]

    def forget(self, update_id: int) -> None:
        self._done.pop(update_id, None)
        self.flood.forget(update_id)

    def not_handled(self, update: Update) -> None:
        """From the error handler: this try met the database unavailable; the update is to
        be delivered again, not done."""
        self._not_handled.add(update.update_id)

    def tried_again(self, update: Update) -> bool:
        """Whether this is a try again of an update that met the database unavailable (its
        failure then is no news: said once, when it first failed)."""
        return update.update_id in self._tried

    def retry_with(self, apply: Callable[[Update], Awaitable[None]]) -> None:
        """Apply again, with `apply`, the updates not handled (the poller: its inbox)."""
        self._again = apply
        self._no_more_tries.clear()

    def stop_retrying(self) -> None:
        """Tries under way end at once, their updates not handled (left in the inbox)."""
        self._again = None
        self._no_more_tries.set()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _owner(update)
        if key is not None and not self.flood.admit(key, update):
            await self._drop(key, update, coroutine)
            return
        try:
            if key is None:
                await self._apply(update, coroutine)
                return
            try:
                async with self._queues.turn_of(key):
                    await self._apply(update, coroutine)
            finally:
                self.flood.release(key, update)
        finally:
            self._mark_done(update)

    async def _apply(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the handlers; with `retry_with`, again after a pause while the database is out."""
        await coroutine
        if not isinstance(update, Update):
            return
        update_id, pause = update.update_id, RETRY_FIRST
        try:
            while update_id in self._not_handled and self._again is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._no_more_tries.wait(), timeout=pause)
                again = self._again
                if again is None:
                    return  # stopping: not handled, left for the next start
                self._not_handled.discard(update_id)
                self._tried.add(update_id)
                pause = min(pause * 2, RETRY_MOST)
                await again(update)
        finally:
            self._tried.discard(update_id)

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
            handled = update.update_id not in self._not_handled
            self._not_handled.discard(update.update_id)
            future = self._done.get(update.update_id)
            if future is not None and not future.done():
                future.set_result(handled)

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
