"""One process takes Telegram's updates per SQLite file (on PostgreSQL, one poller).

Telegram hands updates to one `getUpdates` consumer and cuts the other off, and
a webhook set by one process stops the other's polling: a second bot started by
mistake on the service's file (a rehearsal, a shell left open) would take the
updates from the running bot. It refuses to start instead, before asking
Telegram anything, and the lock it would have needed is free again however the
first one ended, SIGKILL included. Real processes, a real SQLite file, the Bot
API faked by a small HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from storage import open_store
from tests.support.bot_api_server import BotAPIServer
from tests.support.postgres import free_port

HOLD = """
import asyncio, sys
from storage import open_store

async def main():
    store = await open_store(sys.argv[1])
    print("held" if await store.take_lease("telegram") else "refused", flush=True)
    await asyncio.sleep(120)

asyncio.run(main())
"""


@contextmanager
def holding(db_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process, holding the Telegram lease on `db_path` until killed."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db_path)], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            yield holder
        finally:
            holder.kill()


@pytest.mark.parametrize(
    ("command", "settings"),
    [
        (["run"], {}),
        (["run"], {"SURVEYBOT_WEBHOOK_URL": "https://enquete.example.org/telegram"}),
        (["serve", "--telegram-webhook"], {"SURVEYBOT_WEBHOOK_URL": "https://e.example.org/tg"}),
    ],
    ids=["polling", "run with a webhook", "serve with the webhook"],
)
def test_a_second_bot_on_the_same_file_refuses_before_asking_telegram(
    db_path: Path, tmp_path: Path, command: list[str], settings: dict[str, str]
) -> None:
    with holding(db_path), BotAPIServer() as server:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("SURVEYBOT_")},
            "SURVEYBOT_TOKEN": "1234:poll",
            "SURVEYBOT_API_URL": server.url,
            "SURVEYBOT_DB": str(db_path),
            "SURVEYBOT_PORT": str(free_port()),
            **settings,
        }
        done = subprocess.run(
            [sys.executable, "-m", "bot", *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        asked = [method for method, _ in server.state.calls]
    assert not [m for m in asked if m in ("getUpdates", "setWebhook", "deleteWebhook")], asked
    assert done.returncode == 1, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last == (
        "error: another surveybot is already taking Telegram's updates with the database "
        f"{db_path}: a SQLite file serves one bot process. Stop that one first"
    )
    assert "Traceback" not in done.stderr


def test_a_link_to_the_file_is_the_same_file(db_path: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.sqlite3"
    link.symlink_to(db_path)

    async def through_the_link() -> bool:
        async with await open_store(link) as store:
            return await store.take_lease("telegram")

    with holding(db_path):
        assert not asyncio.run(through_the_link())


async def test_the_lease_is_free_again_when_its_holder_is_killed(db_path: Path) -> None:
    store = await open_store(db_path)
    try:
        with holding(db_path) as holder:
            assert not await store.take_lease("telegram")
            os.kill(holder.pid, signal.SIGKILL)  # no chance to give anything back
            holder.wait()
            assert await store.take_lease("telegram")
    finally:
        await store.close()


async def test_within_one_process_the_lease_is_given_back_by_end_or_close(db_path: Path) -> None:
    first, second = await open_store(db_path), await open_store(db_path)
    try:
        assert await first.take_lease("telegram")
        assert not await first.take_lease("telegram")
        assert not await second.take_lease("telegram")
        await first.end_lease("telegram")
        assert await second.take_lease("telegram")
        await second.close()  # a `run` that stops
        assert await first.take_lease("telegram")
    finally:
        await first.close()
        await second.close()


async def test_the_rounds_leases_are_not_held_across_stores_on_a_file(db_path: Path) -> None:
    # `run` and `serve` (the web chat) on one file each do their housekeeping rounds:
    # the database makes them safe (a reminder is claimed before it is sent).
    first, second = await open_store(db_path), await open_store(db_path)
    try:
        assert await first.take_lease("reminders") and await second.take_lease("reminders")
    finally:
        await first.close()
        await second.close()
