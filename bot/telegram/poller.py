"""Long polling that confirms an update to Telegram only after it has been handled.

python-telegram-bot's own Updater confirms a batch as soon as it is fetched, so
a crash loses updates fetched but not yet handled (a typed answer would
silently vanish). Here each batch is put on the application's update queue and
the next `getUpdates` (whose offset confirms the batch) is only made once every
update of the batch has been handled. Handlers record each update id in the
same transaction as the answer, so a batch redelivered after a crash is
recognised and never applied twice (at-least-once delivery, exactly-once effect).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from telegram import Update
from telegram.error import Conflict, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application

from bot.telegram.processor import PerRespondentProcessor

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]


class Poller:
    """Fetch, hand over, wait until handled, then confirm: until `stop()`."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        *,
        timeout: int = 30,
        backoff: float = 1.0,
    ) -> None:
        processor = application.update_processor
        if not isinstance(processor, PerRespondentProcessor):
            raise TypeError("the Poller needs the PerRespondentProcessor")
        self._application = application
        self._processor = processor
        self._timeout = timeout
        self._backoff = backoff
        self._stopping = asyncio.Event()
        self.offset: int | None = None

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        bot = self._application.bot
        # Polling and a webhook exclude each other; keep pending updates (nothing is dropped).
        await bot.delete_webhook(drop_pending_updates=False)
        delay = self._backoff
        while not self._stopping.is_set():
            try:
                updates = await self._fetch()
            except (InvalidToken, Conflict):
                raise
            except RetryAfter as error:
                await self._sleep(_seconds(error.retry_after))
                continue
            except (TimedOut, NetworkError) as error:
                log.warning("getUpdates failed (%s); retrying in %.0f s", error, delay)
                await self._sleep(delay)
                delay = min(delay * 2, 60)
                continue
            delay = self._backoff
            if updates:
                await self._handle(updates)
                self.offset = updates[-1].update_id + 1

    async def _fetch(self) -> tuple[Update, ...]:
        fetch = asyncio.ensure_future(
            self._application.bot.get_updates(
                offset=self.offset,
                timeout=self._timeout,
                allowed_updates=ALLOWED_UPDATES,
                read_timeout=self._timeout + 10,
            )
        )
        stopping = asyncio.ensure_future(self._stopping.wait())
        finished, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if fetch not in finished:
            fetch.cancel()
            return ()
        stopping.cancel()
        updates: tuple[Update, ...] = fetch.result()
        return updates

    async def _handle(self, updates: tuple[Update, ...]) -> None:
        waits = []
        for update in updates:
            waits.append(self._processor.done(update.update_id))
            await self._application.update_queue.put(update)
        # Handlers never raise past the application's error handler, so this always ends.
        await asyncio.gather(*waits, return_exceptions=True)
        for update in updates:
            self._processor.forget(update.update_id)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)


def _seconds(value: Any) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)
