"""The Telegram updates written down by a poller are deleted five minutes after handling,
whichever way the bot runs afterwards.

The inbox holds each update as Telegram sent it: names and typed texts, also of
people who never agreed to anything. Only the long-polling bot pruned it
(`Poller._prune`), so a bot switched to a webhook (`serve --telegram-webhook`,
as the server guide says, or `run --webhook-url`), or a plain `serve`, kept
what the poller left for ever, while docs/privacy.md promises deletion five
minutes after handling. Now every mode prunes, at start and then regularly
(`Housekeeping.prune_inbox`). Rows not done yet are updates still to apply:
kept.

Real SQLite, real `surveybot` processes against the fake Bot API.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conversation import Housekeeping, Policy
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
    """Updates 1-2 handled 10 minutes before `now`, 3 a minute before, 4 not handled yet."""
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

    assert inbox_ids(db_path) == [3, 4]  # handled a minute ago; not handled yet


async def test_pruning_twice_is_harmless_and_the_poller_keeps_its_own(
    store: Store, db_path: Path, mini_flow: Flow
) -> None:
    await write_inbox(store, now=NOW)
    polling = Housekeeping(store, mini_flow, Policy(), prunes_inbox=False)

    assert await polling.prune_inbox(NOW) == 0  # the Poller prunes, after its first fetch
    assert inbox_ids(db_path) == [1, 2, 3, 4]

    webhook, web = (
        Housekeeping(store, mini_flow, Policy()),
        Housekeeping(store, mini_flow, Policy()),
    )
    assert await asyncio.gather(webhook.prune_inbox(NOW), web.prune_inbox(NOW)) in ([2, 0], [0, 2])
    assert inbox_ids(db_path) == [3, 4]


@pytest.fixture
def bot_api() -> Iterator[BotAPIServer]:
    with BotAPIServer() as running:
        yield running


MODES = {
    "serve --telegram-webhook": ["serve", "--telegram-webhook"],
    "run --webhook-url": ["run"],
    "serve": ["serve"],
}


@pytest.mark.parametrize("args", MODES.values(), ids=MODES.keys())
def test_a_bot_that_no_longer_polls_deletes_what_the_poller_left(
    bot_api: BotAPIServer, tmp_path: Path, args: list[str]
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
        while inbox_ids(db) != [3, 4] and time.monotonic() < deadline:
            assert process.poll() is None, process.communicate()[1]
            time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGTERM)
        errors = process.communicate(timeout=30)[1]

    assert inbox_ids(db) == [3, 4], errors  # 3 goes in its turn, a minute or so later
    assert process.returncode == 0, errors
    assert "deleted 2 handled Telegram update(s) from the inbox" in errors
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("bot.sqlite3*"))
    for gone in (1, 2):
        assert f"{TYPED} {gone}".encode() not in stored  # zeroed, not merely unlinked
