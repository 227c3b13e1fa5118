"""An instance starting beside another (a rolling restart) takes up only what nobody runs.

Two applications on one PostgreSQL database, the Bot API faked at the HTTP
boundary. The first runs an export; a second job was just recorded and
acknowledged by an instance about to start it. The second application, starting
then, used to treat every pending job as interrupted: it told the organiser
« L'export interrompu par un redémarrage reprend » for the fresh job (and ran it
itself), and logged « took up 1 unfinished organiser job(s) » for the running
one whose lease it could not take. Now a job is said and counted only once its
lease is this instance's and its start counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import pytest

from bot.telegram import BotApplication, organiser_export, running
from bot.telegram.background import FRESH, organiser_jobs
from flows import Flow
from tests.support.fake_bot_api import FakeBotAPI, Person, Updates
from tests.support.postgres import PgPeek

ORGANISER = 900_001
RESUMED = "L’export interrompu par un redémarrage reprend\u00a0: vous recevrez le fichier ici."


@pytest.fixture
def flow(mini_flow: Flow) -> Flow:
    return mini_flow


@pytest.fixture
def admins() -> frozenset[int]:
    """The organiser, for the shared `make_app` (tests/bot/conftest.py)."""
    return frozenset({ORGANISER})


def said_to_organiser(api: FakeBotAPI) -> list[str]:
    return [str(call.params.get("text")) for call in api.calls_to("sendMessage", ORGANISER)]


async def test_a_starting_instance_leaves_a_running_and_a_fresh_job_alone(
    api: FakeBotAPI,
    make_app: Callable[[FakeBotAPI], BotApplication],
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    release = asyncio.Event()
    real_export = organiser_export.export_in_another_process

    async def slow_export(*args: Any) -> Any:
        await release.wait()
        return await real_export(*args)

    monkeypatch.setattr(organiser_export, "export_in_another_process", slow_export)
    caplog.set_level(logging.INFO, logger="bot.telegram.background")
    first = make_app(api)
    try:
        async with running(first, postgres_url) as store:
            updates = Updates(first, api)
            await Person(updates, 42).send("/start pithiviers")
            await Person(updates, ORGANISER).send("/export")  # runs on the first instance
            peek = PgPeek(postgres_url)
            await until(lambda: peek.query("SELECT attempts FROM jobs") == [(1,)])
            await until(lambda: organiser_jobs(first).rounds >= 1)
            # Just recorded and acknowledged by an instance about to start it.
            fresh = await store.add_job(
                kind="export",
                chat_id=str(ORGANISER),
                language="fr",
                args={"stage": "vierzon", "personal": False},
                now=first.bot_data.clock(),
            )
            assert fresh is not None
            caplog.clear()

            second_api = api.reconnected()
            second = make_app(second_api)
            async with running(second, postgres_url):
                try:
                    jobs = organiser_jobs(second)
                    await until(lambda: jobs.rounds >= 1)
                    with contextlib.suppress(TimeoutError):  # what it started, if anything
                        async with asyncio.timeout(2):
                            await jobs.idle()
                    assert said_to_organiser(second_api) == []
                    assert RESUMED not in [m.text for m in api.chat(ORGANISER)]
                    assert "took up" not in caplog.text
                    assert sorted(peek.query("SELECT id, attempts FROM jobs")) == [
                        (fresh.id - 1, 1),
                        (fresh.id, 0),
                    ]

                    # Once no longer fresh, the job nobody started is taken up, said and counted;
                    # the running one still is not.
                    later = first.bot_data.clock() + FRESH + dt.timedelta(seconds=1)
                    second.bot_data.clock = lambda: later
                    assert await jobs.take_up() == 1
                    await until(lambda: RESUMED in said_to_organiser(second_api))
                    release.set()
                    await jobs.idle()
                finally:
                    release.set()  # else stopping would wait for the exports for ever
            await organiser_jobs(first).idle()
    finally:
        release.set()
    assert peek.query("SELECT status FROM jobs ORDER BY id") == [("done",), ("done",)]


async def until(condition: Callable[[], bool], timeout: float = 30) -> None:
    """Wait for something the bots do in the background."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)
