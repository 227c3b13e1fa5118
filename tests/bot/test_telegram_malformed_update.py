"""A malformed update from the Bot API is skipped and confirmed; the bot goes on.

Through the real `Poller` against the fake `getUpdates`: the update that
python-telegram-bot cannot read is logged by its id (never its content),
the updates after it in the batch are handled, and the next `getUpdates`
confirms it, so it does not come back at every restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest

from bot.telegram import BotApplication
from bot.telegram.poller import Poller
from storage import Store
from tests.conftest import LoggedErrors
from tests.support.fake_bot_api import FakeBotAPI, Person, Updates

PersonFactory = Callable[..., Person]


async def poll_until(poller: Poller, done: Callable[[], bool]) -> None:
    """Run the poller until `done()` holds (or fail after a few seconds), then stop it."""
    task = asyncio.create_task(poller.run())
    try:
        for _ in range(500):
            if done() or task.done():
                break
            await asyncio.sleep(0.01)
    finally:
        poller.stop()
        await asyncio.wait_for(task, timeout=5)


async def test_a_malformed_update_is_skipped_and_the_rest_of_the_batch_handled(
    app: BotApplication,
    api: FakeBotAPI,
    store: Store,
    updates: Updates,
    person: PersonFactory,
    logged_errors: LoggedErrors,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ana, ben = person(), person()
    first = ana.message_update("/start pithiviers")
    # A message without its date, and private words in it: Telegram would never send it,
    # but a proxy or a future API change might; python-telegram-bot cannot read it.
    broken = {"update_id": updates.next_id(), "message": {"message_id": 9, "text": "secret"}}
    after = ben.message_update("/start pithiviers")
    api.updates = [first, broken, after]
    logged_errors.expect(r"skipped update \d+, which could not be read")

    poller = Poller(app, timeout=0)
    with caplog.at_level(logging.INFO):
        # Until the batch is confirmed too: the poller does not wait for replies to confirm it.
        def welcomed_and_confirmed() -> bool:
            return bool(ana.chat) and bool(ben.chat) and len(api.calls_to("getUpdates")) >= 2

        await poll_until(poller, welcomed_and_confirmed)

    # Both respondents got their welcome: the one after the bad update too.
    assert ana.chat and ben.chat
    assert "J’accepte" in " ".join(ben.last.labels())
    # The bad update is confirmed: the next getUpdates asks for what comes after it.
    offsets = [call.params.get("offset") for call in api.calls_to("getUpdates")]
    assert int(offsets[-1]) == after["update_id"] + 1
    assert api.updates == []
    logged = [r.getMessage() for r in caplog.records if "could not be read" in r.getMessage()]
    assert logged == [
        f"skipped update {broken['update_id']}, which could not be read "
        "(KeyError, in message); confirmed, not retried"
    ]
    assert "secret" not in caplog.text


async def test_after_a_restart_the_malformed_update_does_not_come_back(
    app: BotApplication,
    api: FakeBotAPI,
    store: Store,
    updates: Updates,
    person: PersonFactory,
    logged_errors: LoggedErrors,
) -> None:
    ana = person()
    broken = {"update_id": updates.next_id(), "callback_query": {"id": "1"}}
    api.updates = [broken]
    logged_errors.expect(r"skipped update \d+")
    await poll_until(Poller(app, timeout=0), lambda: len(api.calls_to("getUpdates")) >= 2)
    assert api.updates == []

    # A new poller (as after a restart) still works and handles what comes next.
    api.updates = [ana.message_update("/start pithiviers")]
    await poll_until(Poller(app, timeout=0), lambda: bool(ana.chat))
    assert ana.chat
    assert len(logged_errors.records) == 1
