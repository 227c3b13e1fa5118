"""One `surveybot run` polls Telegram per SQLite file, as per PostgreSQL database.

Telegram hands updates to one `getUpdates` consumer and cuts the other off: a
second `run` started by mistake on the service's file (a rehearsal, a shell
left open) would take the updates from the running bot. It refuses to start
instead, and the lock it would have needed is free again however the first
one ended, SIGKILL included. Real processes, a real SQLite file, the Bot API
faked by a small HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storage import open_store
from tests.support.bot_api_server import BotAPIServer

HOLD = """
import asyncio, sys
from storage import open_store

async def main():
    store = await open_store(sys.argv[1])
    print("held" if await store.take_lease("polling") else "refused", flush=True)
    await asyncio.sleep(120)

asyncio.run(main())
"""


@contextmanager
def holding(db_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process, holding the polling lease on `db_path` until killed."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db_path)], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            yield holder
        finally:
            holder.kill()


def test_a_second_run_on_the_same_file_refuses_before_asking_telegram(
    db_path: Path, tmp_path: Path
) -> None:
    with holding(db_path), BotAPIServer() as server:
        env = {
            **os.environ,
            "SURVEYBOT_TOKEN": "1234:poll",
            "SURVEYBOT_API_URL": server.url,
            "SURVEYBOT_DB": str(db_path),
        }
        done = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert not server.state.fetches, "it never asked Telegram for updates"
    assert done.returncode == 1, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last == (
        f"error: another surveybot is already polling Telegram with the database {db_path}: "
        "Telegram hands updates to one poller only. Stop that one first "
        "(a SQLite file serves one bot process)"
    )
    assert "Traceback" not in done.stderr


async def test_the_polling_lease_is_free_again_when_its_holder_is_killed(db_path: Path) -> None:
    store = await open_store(db_path)
    try:
        with holding(db_path) as holder:
            assert not await store.take_lease("polling")
            os.kill(holder.pid, signal.SIGKILL)  # no chance to give anything back
            holder.wait()
            assert await store.take_lease("polling")
    finally:
        await store.close()


async def test_within_one_process_the_lease_is_given_back_by_end_or_close(db_path: Path) -> None:
    first, second = await open_store(db_path), await open_store(db_path)
    try:
        assert await first.take_lease("polling")
        assert not await first.take_lease("polling")
        assert not await second.take_lease("polling")
        await first.end_lease("polling")
        assert await second.take_lease("polling")
        await second.close()  # a `run` that stops
        assert await first.take_lease("polling")
    finally:
        await first.close()
        await second.close()


async def test_two_processes_on_a_file_still_share_the_rounds_leases(db_path: Path) -> None:
    # `run` and `serve` (the web chat) on one file each do their housekeeping rounds:
    # the database makes them safe (a reminder is claimed before it is sent).
    first, second = await open_store(db_path), await open_store(db_path)
    try:
        assert await first.take_lease("reminders") and await second.take_lease("reminders")
    finally:
        await first.close()
        await second.close()
