"""Long polling that confirms an update to Telegram only after it has been handled.

python-telegram-bot's own Updater confirms a batch as soon as it is fetched, so
a crash loses updates fetched but not yet handled (a typed answer would
silently vanish). Here each batch is put on the application's update queue and
the next `getUpdates` (whose offset confirms the batch) is only made once every
update of the batch has been handled. Handlers record each update id in the
same transaction as the answer, so a batch redelivered after a crash is
recognised and never applied twice (at-least-once delivery, exactly-once effect).

A batch is fetched as plain JSON and each update read on its own: one that
python-telegram-bot cannot read (a malformed update) is logged by its id only
(never its content, which is a person's message), skipped, and confirmed with
the rest, so it neither stops the bot nor comes back at every restart. The
library's own `get_updates` reads the batch whole: one bad update would fail
all of them, and it logs the raw batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from typing import Any

from telegram import Update
from telegram.error import (
    Conflict,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application
from telegram.warnings import PTBUserWarning

from bot.telegram.processor import PerRespondentProcessor

log = logging.getLogger(__name__)

# We fetch getUpdates raw on purpose, to read each update on its own (the library's
# get_updates fails a whole batch on one bad update): its advice to use get_updates
# is not for us. A filter for that one message, set once, not around each await.
warnings.filterwarnings("ignore", "Please use 'Bot.getUpdates'", PTBUserWarning)

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
            except (TimedOut, NetworkError, TelegramError) as error:
                # TelegramError: an answer that is not JSON, say; the next try may be better.
                log.warning("getUpdates failed (%s); retrying in %.0f s", error, delay)
                await self._sleep(delay)
                delay = min(delay * 2, 60)
                continue
            delay = self._backoff
            if not updates:
                continue
            readable = tuple(update for update in map(self._read, updates) if update is not None)
            if readable:
                await self._handle(readable)
            ids = [u["update_id"] for u in updates if isinstance(u.get("update_id"), int)]
            if ids:
                # Confirms the unreadable ones too: they would fail the same way every time.
                self.offset = max(ids) + 1

    async def _fetch(self) -> list[dict[str, Any]]:
        fetch = asyncio.ensure_future(self._get_raw_updates())
        stopping = asyncio.ensure_future(self._stopping.wait())
        finished, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if fetch not in finished:
            fetch.cancel()
            return []
        stopping.cancel()
        return fetch.result()

    async def _get_raw_updates(self) -> list[dict[str, Any]]:
        """The next batch as JSON objects, each to be read on its own."""
        params: dict[str, Any] = {"timeout": self._timeout, "allowed_updates": ALLOWED_UPDATES}
        if self.offset is not None:
            params["offset"] = self.offset
        result = await self._application.bot.do_api_request(
            "getUpdates", api_kwargs=params, read_timeout=self._timeout + 10
        )
        if not isinstance(result, list):
            raise TelegramError("getUpdates did not answer with a list of updates")
        return [item for item in result if isinstance(item, dict)]

    def _read(self, data: dict[str, Any]) -> Update | None:
        """The update, or None (logged by its id and the error, not its content) if unreadable."""
        try:
            update = Update.de_json(data, self._application.bot)
            if not isinstance(update.update_id, int):
                raise TypeError("update_id is not a number")
        except Exception as error:
            kinds = sorted(key for key in data if key != "update_id")
            log.error(
                "skipped update %r, which could not be read (%s, in %s); confirmed, not retried",
                data.get("update_id"),
                type(error).__name__,
                ", ".join(kinds) or "nothing",
            )
            return None
        return update

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
