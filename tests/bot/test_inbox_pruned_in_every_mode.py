"""The Telegram updates written down by a poller are deleted five minutes after handling,
whichever way the bot runs afterwards.

The inbox holds each update as Telegram sent it: names and typed texts, also of
people who never agreed to anything. Only the long-polling bot pruned it
(`Poller._prune`), so a bot switched to a webhook (`serve --telegram-webhook`,
as the server guide says, or `run --webhook-url`), or a plain `serve`, kept
what the poller left for ever, while docs/privacy.md promises deletion five
minutes after handling. Now every mode prunes, at start and then regularly
(`Housekeeping.prune_inbox`). Rows not done yet are updates still to apply:
kept, except in the webhook modes, where Telegram refuses `getUpdates` and no
poller will ever apply them: a day old, they go too, with a warning giving
their count. Not in a plain `serve`, whose web chat may run beside a polling
`surveybot run` on the same database.

Real SQLite, real `surveybot` processes against the fake Bot API.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conversation import Housekeeping, Policy
from conversation.housekeeping import KEEP_UNHANDLED
from flows import Flow
from storage import KEEP_DONE, Inboxed, Store
from tests.support.bot_api_server import BotAPIServer
from tests.support.postgres import free_port
from tests.support.sqlite import open_sqlite

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")

TOKEN = "123456:TEST-token-never-real"
NAME = "Zelie-Marzin-never-agreed"
TYPED = "a private word typed before agreeing"
NOW = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)


def update(update_id: int, person: int = 4242) -> Inboxed:
    message = {
        "message_id": update_id,
        "date": 0,
        "chat": {"id": person, "type": "private", "first_name": NAME},
        "from": {"id": person, "is_bot": False, "first_name": NAME},
        "text": f"{TYPED} {update_id}",
    }
    return Inboxed(update_id, str(person), {"update_id": update_id, "message": message})


async def write_inbox(store: Store, *, now: dt.datetime) -> None:
    """Updates 1-2 handled 10 minutes before `now`, 3 a minute before; 4 not handled yet,
    received 10 minutes before, 5 not handled either, received two days before (a poller
    stopped while it waited for the database, and the bot switched to a webhook since)."""
    await store.add_to_inbox([update(5)], now=now - 2 * KEEP_UNHANDLED)
    await store.add_to_inbox([update(1), update(2)], now=now - 2 * KEEP_DONE, done=[1, 2])
    await store.add_to_inbox([update(3)], now=now - dt.timedelta(minutes=1), done=[3])
    await store.add_to_inbox([update(4)], now=now - 2 * KEEP_DONE)


def inbox_ids(db: Path) -> list[int]:
    with open_sqlite(f"file:{db}?mode=ro", uri=True) as conn:
        return [row[0] for row in conn.execute("SELECT update_id FROM inbox ORDER BY update_id")]


async def test_the_upkeep_deletes_the_updates_handled_over_five_minutes_ago(
    store: Store, db_path: Path, mini_flow: Flow
) -> None:
    await write_inbox(store, now=NOW)

    assert await Housekeeping(store, mini_flow, Policy()).upkeep(NOW)

    assert inbox_ids(db_path) == [3, 4, 5]  # handled a minute ago; not handled yet


async def test_with_a_webhook_the_updates_no_poller_handled_go_once_a_day_old(
    store: Store, db_path: Path, mini_flow: Flow, caplog: pytest.LogCaptureFixture
) -> None:
    await write_inbox(store, now=NOW)
    webhook = Housekeeping(store, mini_flow, Policy())
    webhook.webhook = True  # as register_webhook sets it
    caplog.set_level(logging.INFO)

    assert await webhook.prune_inbox(NOW) == 3

    assert inbox_ids(db_path) == [3, 4]  # 4 came 10 minutes ago: a day, then it goes
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.getMessage() == (
        "deleted 1 Telegram update(s) from the inbox that the long-polling bot had not "
        "handled before the switch to a webhook (received over 1 day ago: too late to apply)"
    )
    assert await webhook.prune_inbox(NOW + KEEP_UNHANDLED) == 2  # 3 handled, 4 not
    assert inbox_ids(db_path) == []


async def test_pruning_twice_is_harmless_and_the_poller_keeps_its_own(
    store: Store, db_path: Path, mini_flow: Flow
) -> None:
    await write_inbox(store, now=NOW)
    polling = Housekeeping(store, mini_flow, Policy(), prunes_inbox=False)

    assert await polling.prune_inbox(NOW) == 0  # the Poller prunes, after its first fetch
    assert inbox_ids(db_path) == [1, 2, 3, 4, 5]

    webhook, web = (
        Housekeeping(store, mini_flow, Policy()),
        Housekeeping(store, mini_flow, Policy()),
    )
    webhook.webhook = True
    assert await asyncio.gather(webhook.prune_inbox(NOW), web.prune_inbox(NOW)) in (
        [3, 0],
        [1, 2],  # the web chat's pruning first: the webhook's deletes 5 only
    )
    assert inbox_ids(db_path) == [3, 4]


@pytest.fixture
def bot_api() -> Iterator[BotAPIServer]:
    with BotAPIServer() as running:
        yield running


MODES = {
    "serve --telegram-webhook": (["serve", "--telegram-webhook"], [3, 4]),
    "run --webhook-url": (["run"], [3, 4]),
    # The web chat alone: a polling `surveybot run` may yet apply 4 and 5.
    "serve": (["serve"], [3, 4, 5]),
}


@pytest.mark.parametrize(("args", "kept"), MODES.values(), ids=MODES.keys())
def test_a_bot_that_no_longer_polls_deletes_what_the_poller_left(
    bot_api: BotAPIServer, tmp_path: Path, args: list[str], kept: list[int]
) -> None:
    db = tmp_path / "bot.sqlite3"

    async def left_by_a_poller() -> None:
        store = await Store.open(db)
        try:
            await write_inbox(store, now=dt.datetime.now(dt.UTC))
        finally:
            await store.close()

    asyncio.run(left_by_a_poller())
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYBOT_")}
    env |= {
        "HOME": str(tmp_path),
        "SURVEYBOT_TOKEN": TOKEN,
        "SURVEYBOT_API_URL": bot_api.url,
        "SURVEYBOT_DB": str(db),
        "SURVEYBOT_WEBHOOK_URL": "https://enquete.example.org/telegram",
        "SURVEYBOT_WEBHOOK_SECRET": "hook_secret",
        "SURVEYBOT_WEB_SECRET": "w" * 40,
        "SURVEYBOT_RETENTION_DAYS": "keep",
        "SURVEYBOT_PORT": str(free_port()),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while inbox_ids(db) != kept and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()[1]
            time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGTERM)
        errors = process.communicate(timeout=30)[1]

    assert inbox_ids(db) == kept, errors  # 3 goes in its turn, a minute or so later
    assert process.returncode == 0, errors
    assert "deleted 2 handled Telegram update(s) from the inbox" in errors
    unhandled = "deleted 1 Telegram update(s) from the inbox that the long-polling bot"
    assert (unhandled in errors) == (5 not in kept), errors
    assert NAME not in errors  # a count, never what they said
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("bot.sqlite3*"))
    for gone in {1, 2, 5} - set(kept):
        assert f"{TYPED} {gone}".encode() not in stored  # zeroed, not merely unlinked
