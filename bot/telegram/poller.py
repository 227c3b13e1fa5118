"""Long polling through a durable inbox: a batch is written down, confirmed at once, then applied.

Confirming update N to Telegram (asking `getUpdates` for what comes after it)
confirms everything before it too. Confirming a batch only once every update
of it was handled kept updates safe from a crash, but made everybody wait for
the slowest: one slow turn or a stuck send held every respondent of the next
batch. So the poller never waits for handling:

1. Each fetched batch is written to the `inbox` table in one transaction
   (`store.add_to_inbox`, storage/inbox.py), then confirmed by the very next
   `getUpdates`, made at once. A batch the database cannot take is not
   confirmed: Telegram sends it again.
2. The updates new to the inbox are handed to the application; the
   `PerRespondentProcessor` applies one person's updates one at a time, in
   order, and different people's concurrently.
3. Each update is marked done in the inbox once its handler has returned
   (or failed, or flood control dropped it: `bot/telegram/flood.py`),
   a few at a time in one write. One that failed because the database was
   unavailable is not done: the processor applies it again in the person's
   turn until the database answers (`PerRespondentProcessor.retry_with`; not
   counted as a replay, an outage is not the update's fault), or, stopped
   meanwhile, it is applied at the next start. That write also records which message now
   shows each respondent's live question (conversation/live.py), which
   would otherwise take a commit of its own per answer.
4. At start, the rows left not done (the bot stopped or crashed meanwhile)
   are applied again, in order, before anything new is fetched. Each start
   doing so is counted on the row: one the previous start could not finish
   either is applied alone, and one that stopped the bot `MAX_REPLAYS` times
   is set aside (the person is told, as for any error), so that one update
   cannot keep the bot from ever starting again.

At-least-once delivery and the exactly-once effect stay: an update is in the
database before Telegram forgets it, and a handler records the update id in
`handled_updates` in the very transaction of its answer, so an update applied
but not yet marked done when the bot died is a no-op when replayed (the
respondent may at most see a reply again). Marking done after the handler,
not inside its transaction, is therefore enough. A batch Telegram delivers
again (the bot stopped before confirming it) is recognised by its ids: an
update already in the inbox is not handed over twice. Done rows hold people's
messages, so they are deleted a few minutes later (`KEEP_DONE`), which is
long enough to recognise a redelivered batch (and pruned only after the
first fetch after a start, which is where the last batch before a stop comes
back). An update already applied but pruned and delivered again still changes
nothing, by `handled_updates`.

A batch is fetched as plain JSON and each update read on its own: one that
python-telegram-bot cannot read (a malformed update) is logged by its id only
(never its content, which is a person's message), written down as done and
skipped, so it neither stops the bot nor comes back at every restart. The
library's own `get_updates` reads the batch whole: one bad update would fail
all of them, and it logs the raw batch.

Only the instance holding the `polling` lease (bot/telegram/app.py) runs a
Poller, so one instance reads and writes the inbox; webhook mode has no inbox
(the HTTP reply, sent once the update is handled, is the confirmation).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
import urllib.parse
import warnings
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final

from telegram import Update
from telegram.error import (
    Conflict,
    EndPointNotFound,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application
from telegram.warnings import PTBUserWarning

from bot.telegram.processor import PerRespondentProcessor
from storage import KEEP_DONE, Inboxed, StorageError, SurveyStore

if TYPE_CHECKING:
    from telegram import Bot

log = logging.getLogger(__name__)

# We fetch getUpdates raw on purpose, to read each update on its own (the library's
# get_updates fails a whole batch on one bad update): its advice to use get_updates
# is not for us. A filter for that one message, set once, not around each await.
warnings.filterwarnings("ignore", "Please use 'Bot.getUpdates'", PTBUserWarning)

# Edited messages only to say they are not read (`handlers.on_edited`).
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]

PRUNE_EVERY: Final = 60.0
"""Seconds between two prunings of the done updates."""

MAX_IN_HAND: Final = 2000
"""Updates handed over and not yet done beyond which the poller fetches no more for a while."""

DRAIN_FOR: Final = 20.0
"""Seconds a stopping poller waits for the updates in hand; the rest are applied at next start."""

MAX_REPLAYS: Final = 3
"""Starts that may apply an update again (once with the others, then alone) before setting it aside."""

_UPDATE_IDS: Final = range(0, 2**63)  # what the inbox's key can hold


class SetAside(Exception):
    """An update given up on: the bot stopped each time it was applied, so it no longer is."""

    def __init__(self, update: Update, replays: int) -> None:
        super().__init__(
            f"set aside update {update.update_id}: the bot stopped while applying it, "
            f"{replays} time(s) on restarting too; confirmed, not applied again"
        )


class Poller:
    """Fetch, write down, confirm, hand over (without waiting): until `stop()`."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        *,
        timeout: int = 30,
        backoff: float = 1.0,
        max_in_hand: int = MAX_IN_HAND,
    ) -> None:
        processor = application.update_processor
        if not isinstance(processor, PerRespondentProcessor):
            raise TypeError("the Poller needs the PerRespondentProcessor")
        self._application = application
        self._processor = processor
        self._timeout = timeout
        self._backoff = backoff
        self._max_in_hand = max_in_hand
        self._stopping = asyncio.Event()
        self.offset: int | None = None
        self._in_hand: dict[int, asyncio.Future[bool]] = {}
        """Updates handed to the application and not yet handled."""
        self._finished: list[int] = []
        """Updates handled, to be marked done in the inbox."""
        self._marking: asyncio.Task[None] | None = None
        self._room = asyncio.Event()
        self._pruned_at: float | None = None

    def stop(self) -> None:
        self._stopping.set()

    @property
    def _store(self) -> SurveyStore:
        store: SurveyStore = self._application.bot_data.conversation.store
        return store

    def _now(self) -> dt.datetime:
        now: dt.datetime = self._application.bot_data.clock()
        return now

    async def run(self, started: Callable[[], None] | None = None) -> None:
        """Poll until `stop`; `started` runs once Telegram has been asked to stop any
        webhook, when a stop may wait for the updates in hand rather than cancel the start."""
        bot = self._application.bot
        # Polling and a webhook exclude each other; keep pending updates (nothing is dropped).
        await _warn_of_webhook(bot)
        await bot.delete_webhook(drop_pending_updates=False)
        if started is not None:
            started()
        services = self._application.bot_data
        services.live_with_marks = True
        self._processor.retry_with(self._application.process_update)
        try:
            await self._replay()
            # Pruned after the first fetch, not before: that batch may be the last one before
            # the stop, delivered again, and its done rows are what recognise it.
            await self._poll()
        finally:
            # Those waiting for the database stay in the inbox, for the next start.
            self._processor.stop_retrying()
            await self._drain()
            # Replies shown from now on write their live message at once: no mark may follow.
            services.live_with_marks = False

    async def _poll(self) -> None:
        delay = self._backoff
        while not self._stopping.is_set():
            await self._wait_for_room()
            try:
                updates = await self._fetch()
            except (InvalidToken, Conflict):
                raise
            except EndPointNotFound as error:
                # What do_api_request makes of a refused token once the bot has started
                # (getUpdates exists): the token was revoked. Stop, as at start, not retry.
                raise InvalidToken(str(error)) from error
            except RetryAfter as error:
                await self._sleep(_seconds(error.retry_after))
                continue
            except (TimedOut, NetworkError, TelegramError) as error:
                # TelegramError: an answer that is not JSON, say; the next try may be better.
                log.warning("getUpdates failed (%s); retrying in %.0f s", error, delay)
                await self._sleep(delay)
                delay = min(delay * 2, 60)
                continue
            if updates:
                try:
                    await self._take(updates)
                except StorageError as error:
                    # Not confirmed: Telegram sends the batch again at the next getUpdates.
                    log.warning(
                        "could not write updates down (%s); retrying in %.0f s", error, delay
                    )
                    await self._sleep(delay)
                    delay = min(delay * 2, 60)
                    continue
            delay = self._backoff
            if self._pruned_at is None or time.monotonic() - self._pruned_at >= PRUNE_EVERY:
                await self._prune()

    async def _take(self, updates: list[dict[str, Any]]) -> None:
        """Write the batch down in one transaction, confirm it, hand the new updates over."""
        items = [
            Inboxed(data["update_id"], _sender(data), data)
            for data in updates
            if _storable(data.get("update_id"))
        ]
        new = set(await self._store.add_to_inbox(items, now=self._now()))
        ids = [data["update_id"] for data in updates if isinstance(data.get("update_id"), int)]
        if ids:
            # Confirmed by the next getUpdates, made at once; the unreadable ones too: they
            # would fail the same way every time.
            self.offset = max(ids) + 1
        # Only what is new is read: a batch delivered again is neither handled nor logged twice.
        await self._hand_over_all(
            [
                data
                for data in updates
                if data.get("update_id") in new or not _storable(data.get("update_id"))
            ]
        )

    async def _replay(self) -> None:
        """Apply again, in order, the updates written down but not done before this start.

        Those a start has applied again already and still not done are suspects:
        the bot may have died of one of them. They go one at a time, each done
        before the next, so a crash counts against that one only; after
        `MAX_REPLAYS` it is set aside. The rest go as usual, all at once.
        """
        waiting = await self._store.unfinished_inbox()
        if not waiting:
            return
        log.info("applying %d update(s) received before the last stop", len(waiting))
        # Suspects come first: every update waiting at a start is counted there, so those
        # still at 0 were fetched after it.
        for item in (item for item in waiting if item.replays > 0):
            if not await self._replay_alone(item):
                return  # stopping
        fresh = [item for item in waiting if item.replays == 0]
        self._processor.flood.met_before(_first_of_each(fresh, self._processor.flood.max_waiting))
        await self._store.count_inbox_replay([item.update_id for item in fresh])
        await self._hand_over_all([item.update for item in fresh])

    async def _replay_alone(self, item: Inboxed) -> bool:
        """Apply one suspect update and wait until it is done (or set it aside); False: stopping."""
        update = self._read(item.update)
        if update is None or item.replays >= MAX_REPLAYS:
            await self._store.mark_inbox_done([item.update_id], now=self._now())
            if update is not None:
                # The one error handler logs it (by id) and apologises to the person.
                await self._application.process_error(update, SetAside(update, item.replays))
            return True
        await self._store.count_inbox_replay([item.update_id])
        handled = await self._hand_over(update)
        if not await self._until(asyncio.wait([handled])):
            return False
        # `_handled` ran before this resumed (callbacks run in the order they were added),
        # so its mark is under way: wait for it, then the next may go.
        await self._marks_written()
        return True

    async def _hand_over_all(self, batch: list[dict[str, Any]]) -> None:
        """Read each update and hand it over; the unreadable ones are marked done, skipped."""
        skipped = []
        for data in batch:
            update = self._read(data)
            if update is not None:
                await self._hand_over(update)
            elif _storable(data.get("update_id")):
                skipped.append(data["update_id"])
                self._processor.forget(data["update_id"])
        self._finished.extend(skipped)
        self._start_marking()

    async def _hand_over(self, update: Update) -> asyncio.Future[bool]:
        """Queue the update for the application; the future set once it is handled."""
        update_id = update.update_id
        handled = self._processor.done(update_id)
        self._in_hand[update_id] = handled
        handled.add_done_callback(lambda future: self._handled(update_id, future))
        await self._application.update_queue.put(update)
        return handled

    def _handled(self, update_id: int, future: asyncio.Future[bool]) -> None:
        self._processor.forget(update_id)
        self._in_hand.pop(update_id, None)
        self._room.set()
        if future.cancelled() or not future.result():
            # The application stopped before handling it, or while the database was
            # unavailable: applied at next start.
            return
        self._finished.append(update_id)
        self._start_marking()

    def _start_marking(self) -> None:
        if self._finished and (self._marking is None or self._marking.done()):
            self._marking = asyncio.get_running_loop().create_task(self._mark_done())

    async def _mark_done(self) -> None:
        """Mark the handled updates done, those handled meanwhile in the next write.

        At once, not gathered over a while: an update handled but not marked is
        applied again after a crash, which changes nothing but shows its screen
        again, once for each.
        """
        live = self._application.bot_data.conversation.live_messages
        while self._finished:
            update_ids, self._finished = self._finished, []
            shown = live.take()
            try:
                await self._store.mark_inbox_done(update_ids, now=self._now(), live_messages=shown)
            except StorageError as error:
                # Left not done, they are replayed at next start: a no-op for those applied.
                live.not_written(shown)
                log.warning("could not mark %d update(s) done (%s)", len(update_ids), error)
            else:
                live.written(shown)

    async def _wait_for_room(self) -> None:
        """Fetch no more while too many updates are in hand: Telegram keeps them meanwhile."""
        while len(self._in_hand) >= self._max_in_hand and not self._stopping.is_set():
            self._room.clear()
            await self._until(self._room.wait())

    async def _drain(self) -> None:
        """On the way out: let the updates in hand finish (for a while), mark them done."""
        if self._in_hand:
            await asyncio.wait(list(self._in_hand.values()), timeout=DRAIN_FOR)
        await self._marks_written()

    async def _marks_written(self) -> None:
        """Wait until the updates handled so far are marked done in the inbox."""
        while self._marking is not None and not self._marking.done():
            await asyncio.shield(self._marking)

    async def _prune(self) -> None:
        self._pruned_at = time.monotonic()
        try:
            await self._store.prune_inbox(before=self._now() - KEEP_DONE)
        except StorageError as error:
            log.warning("could not prune the inbox (%s)", error)

    async def _fetch(self) -> list[dict[str, Any]]:
        fetch = asyncio.ensure_future(self._get_raw_updates())
        if not await self._until(fetch):
            return []
        return fetch.result()

    async def _until(self, work: Awaitable[Any]) -> bool:
        """Await `work` unless stopped first (then it is cancelled); whether it finished."""
        task = asyncio.ensure_future(work)
        stopping = asyncio.ensure_future(self._stopping.wait())
        finished, _ = await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if task not in finished:
            task.cancel()
            return False
        return True

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
            if not _storable(update.update_id):
                raise TypeError("update_id is not a number an update can have")
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

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)


async def _warn_of_webhook(bot: Bot) -> None:
    """Say so when a webhook is set, which polling removes: the instances serving it
    (`serve --telegram-webhook`, `run --webhook-url`) would receive nothing from then on
    without a line anywhere. Warned, not refused: a webhook stays set after its instances
    stop, so going back to polling after a webhook (one machine again) meets one too."""
    try:
        info = await bot.get_webhook_info()
    except InvalidToken:
        raise
    except Exception as error:  # a look before polling must never stop it
        # A network error (the deleteWebhook that follows says what matters), or an answer
        # python-telegram-bot cannot read (a Bot API server of one's own, a stand-in).
        log.debug("could not ask Telegram whether a webhook is set (%r)", error)
        return
    if info.url:
        log.warning(
            "a webhook is set, at %s: polling removes it, and instances serving it (surveybot "
            "serve --telegram-webhook, or run --webhook-url) receive nothing from Telegram "
            "while this poller runs; stop this poller if they should",
            shown_url(info.url, bot.token),
        )


def shown_url(url: str, token: str) -> str:
    """`url` without what may be secret: no user or password, no query, and the bot token
    (some put it in the path) hidden."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    path = parts.path
    for secret in (token, token.split(":", 1)[-1]):
        if secret:
            path = path.replace(secret, "<token>")
    return f"{parts.scheme}://{host}{path}"


def _first_of_each(items: list[Inboxed], most: int) -> list[int]:
    """The ids of each person's first `most` items: as many as flood control held for them."""
    seen: Counter[str | None] = Counter()
    first = []
    for item in items:
        seen[item.person] += 1
        if seen[item.person] <= most:
            first.append(item.update_id)
    return first


def _storable(update_id: Any) -> bool:
    """Whether an update can be written down: its id must be a number the table can key."""
    return (
        isinstance(update_id, int) and not isinstance(update_id, bool) and update_id in _UPDATE_IDS
    )


def _sender(data: dict[str, Any]) -> str | None:
    """Whose update this is, as their respondent `external_id` (erasure finds it by that).

    Read from the raw JSON, so that an update python-telegram-bot cannot read has
    an owner too: the user who sent it, or else the chat.
    """
    for value in data.values():
        if not isinstance(value, dict):
            continue
        for key in ("from", "chat"):
            owner = value.get(key)
            if isinstance(owner, dict) and isinstance(owner.get("id"), int):
                return str(owner["id"])
    return None


def _seconds(value: Any) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)
