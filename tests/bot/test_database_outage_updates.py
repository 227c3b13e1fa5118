"""The database out of reach while a Telegram update is handled: not handled, delivered again.

Through the real application, handlers and error handler, the Bot API faked at
the HTTP boundary, on a SQLite file. The store's `load_session` (the read each
turn starts with) is made to raise for a while what the backends raise when
the database is out of reach: PostgreSQL's StorageError for a refused
connection (as a reviewer saw it with the server stopped) and SQLite's for a
file another process keeps locked. The webhook then answers 503 and Telegram
delivers the update again; the poller leaves it not done in its inbox and
applies it once the database answers. Nobody is told to try again: they would
type their answer again, and it would answer the next question.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware

from bot.http import BodyLimit
from bot.telegram import BotApplication, running
from bot.telegram import processor as processor_module
from bot.telegram.poller import Poller
from bot.telegram.webhook import SECRET_HEADER, webhook_route
from storage import StorageError, SurveyStore
from storage.connection import describe_error as sqlite_error
from storage.postgres.connection import describe_error as postgres_error
from tests.conftest import LoggedErrors
from tests.support.fake_bot_api import FakeBotAPI, Person, Updates
from tests.support.sqlite import open_sqlite

AppFactory = Callable[[FakeBotAPI], BotApplication]
SECRET = "outage-test-secret"
AGREE = "✅ J’accepte"
SORRY = "Désolé, un problème est survenu"
NAME = "Exemple SARL"
APP_LOG = "bot.telegram.app"


def refused_connection(action: str) -> StorageError:
    """What the PostgreSQL store raises with the server stopped (the reviewer's log)."""
    cause = ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
    error = postgres_error(cause, "postgresql://surveybot@127.0.0.1:5432/surveybot", action)
    error.__cause__ = cause  # raised `from` it
    return error


def locked_file(path: Path, action: str) -> StorageError:
    """What the SQLite store raises when another process keeps the file locked (the
    SQLite error got from a file of its own: the bot's own writer must not wait here)."""
    probe = path.with_name("locked-probe.sqlite3")
    holder = sqlite3.connect(probe, timeout=0, isolation_level=None)
    waiter = sqlite3.connect(probe, timeout=0, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        try:
            waiter.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as busy:  # a real SQLITE_BUSY
            error = sqlite_error(busy, path, action)
            error.__cause__ = busy
            return error
        raise AssertionError("the file was not locked")
    finally:
        holder.close()
        waiter.close()


class Outage:
    """`store.load_session` raising `error` while `on`; counts the calls refused."""

    def __init__(self, store: SurveyStore, error: Exception) -> None:
        self.on = False
        self.refused = 0
        load = store.load_session

        async def load_session(*args: Any, **kwargs: Any) -> Any:
            if self.on:
                self.refused += 1
                raise error
            return await load(*args, **kwargs)

        store.load_session = load_session  # type: ignore[method-assign]


async def wait_until(done: Callable[[], bool], what: str, seconds: float = 10) -> None:
    for _ in range(int(seconds * 100)):
        if done():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"still waiting: {what}")


def answers(db_path: Path) -> list[tuple[str, str]]:
    with open_sqlite(db_path) as conn:
        return [(q, v) for q, v in conn.execute("SELECT question_id, value_json FROM answers")]


def inbox(db_path: Path) -> dict[int, bool]:
    with open_sqlite(db_path) as conn:
        rows = conn.execute("SELECT update_id, done_at IS NOT NULL FROM inbox")
        return {int(i): bool(done) for i, done in rows}


def sent(api: FakeBotAPI) -> list[str]:
    return [str(call.params["text"]) for call in api.calls_to("sendMessage")]


def outage_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == APP_LOG and r.levelno >= logging.WARNING]


# --- webhook ------------------------------------------------------------------------------


@pytest.fixture
async def hook(
    app: BotApplication, db_path: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, SurveyStore]]:
    """The webhook alone, as `surveybot run --webhook-url` serves it, on a running bot."""
    route = webhook_route(app, path="/hook", secret=SECRET)
    served = Starlette(routes=[route], middleware=[Middleware(BodyLimit)])
    async with (
        running(app, db_path) as store,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=served), base_url="http://127.0.0.1"
        ) as client,
    ):
        yield client, store


async def post(client: httpx.AsyncClient, update: dict[str, Any]) -> int:
    reply = await client.post("/hook", json=update, headers={SECRET_HEADER: SECRET})
    return reply.status_code


async def at_first_question(client: httpx.AsyncClient, ana: Person) -> None:
    assert await post(client, ana.message_update("/start pithiviers")) == 200
    assert await post(client, ana.tap_update(ana.data_of(AGREE))) == 200
    assert ana.last_text.startswith("Question 1/")


async def test_the_webhook_answers_503_while_the_database_is_down_then_applies_it_once(
    hook: tuple[httpx.AsyncClient, SurveyStore],
    api: FakeBotAPI,
    app: BotApplication,
    db_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, store = hook
    ana = Person(Updates(app, api), 71)
    await at_first_question(client, ana)
    outage = Outage(store, refused_connection("load a respondent's session"))
    typed = ana.message_update(NAME)
    before = len(sent(api))

    outage.on = True
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="bot.telegram"):
        status = await post(client, typed)

    assert status == 503, "not handled: Telegram must deliver it again"
    assert outage.refused == 1
    assert sent(api)[before:] == [], "nobody is told to type their answer again"
    assert not any(SORRY in text for text in sent(api))
    (line,) = outage_lines(caplog)
    assert line.levelno == logging.WARNING and line.exc_info is None
    message = line.getMessage()
    assert f"update {typed['update_id']}" in message and "unavailable" in message
    assert NAME not in message and "Traceback" not in message
    assert answers(db_path) == []

    # The database is back: Telegram's next delivery of the same update is applied, once.
    outage.on = False
    assert await post(client, typed) == 200
    assert answers(db_path) == [("company_name", f'"{NAME}"')]
    assert ana.last_text.startswith("Question 2/")
    assert await post(client, typed) == 200, "delivered once more: a no-op"
    assert answers(db_path) == [("company_name", f'"{NAME}"')]
    assert not any(SORRY in text for text in sent(api))


@pytest.mark.parametrize(
    "fault",
    [RuntimeError("a fault of ours"), StorageError("cannot store the answer: a value refused")],
    ids=["code", "storage-not-an-outage"],
)
async def test_any_other_failure_is_still_apologised_for_and_answered_200(
    hook: tuple[httpx.AsyncClient, SurveyStore],
    api: FakeBotAPI,
    app: BotApplication,
    logged_errors: LoggedErrors,
    fault: Exception,
) -> None:
    client, store = hook
    ana = Person(Updates(app, api), 72)
    await at_first_question(client, ana)
    outage = Outage(store, fault)
    outage.on = True

    assert await post(client, ana.message_update(NAME)) == 200

    assert ana.last_text.startswith(SORRY)
    (record,) = [r for r in logged_errors.records if r.name == APP_LOG]
    assert record.getMessage() == "error while handling an update"
    assert record.exc_info is not None and record.exc_info[1] is fault
    logged_errors.expect("^error while handling an update$")


async def test_an_outage_after_the_answer_is_committed_does_not_ask_the_question_twice(
    hook: tuple[httpx.AsyncClient, SurveyStore],
    api: FakeBotAPI,
    app: BotApplication,
    db_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Through the webhook the live question's message is recorded in a commit of its own,
    # after the answer's and after the next question went: the database lost in between.
    client, store = hook
    ana = Person(Updates(app, api), 74)
    await at_first_question(client, ana)

    async def lost(*args: Any, **kwargs: Any) -> bool:
        raise refused_connection("record the message showing the live question")

    recorded = store.set_prompt_message
    monkeypatch.setattr(store, "set_prompt_message", lost)
    typed = ana.message_update(NAME)

    assert await post(client, typed) == 200  # handled: Telegram must not deliver it again
    assert [q for q, _ in answers(db_path)] == ["company_name"]
    assert sum(m.text.startswith("Question 2/") for m in ana.chat) == 1
    assert not any(SORRY in text for text in sent(api))
    assert any("not recorded" in r.getMessage() for r in caplog.records)

    # Back, and the next answer: question 2, known in memory, reads as answered.
    monkeypatch.setattr(store, "set_prompt_message", recorded)
    assert await post(client, ana.tap_update(ana.data_of("Agroalimentaire"))) == 200
    assert ana.last_text.startswith("Question 3/")
    assert ana.live_keyboards() == [ana.last]


async def test_scheduled_work_meeting_the_outage_logs_one_line(
    hook: tuple[httpx.AsyncClient, SurveyStore],
    app: BotApplication,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A reminders' round every minute of an outage: a warning each, not a traceback each.
    with caplog.at_level(logging.WARNING, logger=APP_LOG):
        await app.process_error(None, refused_connection("list the reminders due"))

    (record,) = [r for r in caplog.records if r.name == APP_LOG]
    assert record.levelname == "WARNING" and record.exc_info is None
    assert record.getMessage().startswith("scheduled work waits for the database: ")


# --- polling ------------------------------------------------------------------------------


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processor_module, "RETRY_FIRST", 0.02, raising=False)
    monkeypatch.setattr(processor_module, "RETRY_MOST", 0.1, raising=False)


async def poll_to_first_question(app: BotApplication, api: FakeBotAPI, ana: Person) -> None:
    api.updates.append(ana.message_update("/start pithiviers"))
    await wait_until(lambda: bool(ana.chat) and AGREE in ana.last.labels(), "the notice")
    api.updates.append(ana.tap_update(ana.data_of(AGREE)))
    await wait_until(lambda: ana.last_text.startswith("Question 1/"), "the first question")


@pytest.mark.usefixtures("quick_retries")
async def test_the_poller_keeps_the_update_in_its_inbox_until_the_database_answers(
    app: BotApplication, api: FakeBotAPI, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(app, db_path, polling=True) as store:
        poller = Poller(app, timeout=0)
        task = asyncio.create_task(poller.run())
        try:
            ana = Person(Updates(app, api), 73)
            await poll_to_first_question(app, api, ana)
            outage = Outage(store, locked_file(db_path, "load a respondent's session"))
            typed = ana.message_update(NAME)
            before = len(sent(api))
            outage.on = True
            caplog.clear()
            with caplog.at_level(logging.DEBUG, logger="bot.telegram"):
                api.updates.append(typed)
                await wait_until(lambda: outage.refused >= 1, "the update tried")
                await asyncio.sleep(0.3)  # what follows a failure has had its time

                assert sent(api)[before:] == [], "nobody is told to type their answer again"
                assert inbox(db_path)[typed["update_id"]] is False, "not done while failing"
                await wait_until(lambda: outage.refused >= 4, "tried again, and again")
                assert inbox(db_path)[typed["update_id"]] is False, "still not done"
                assert answers(db_path) == []
                (line,) = outage_lines(caplog)  # the tries again are not news
                assert line.levelno == logging.WARNING and line.exc_info is None
                assert f"update {typed['update_id']}" in line.getMessage()

                outage.on = False
                await wait_until(lambda: inbox(db_path)[typed["update_id"]], "done at last")
        finally:
            poller.stop()
            await asyncio.wait_for(task, timeout=30)

    assert answers(db_path) == [("company_name", f'"{NAME}"')], "applied once"
    assert ana.last_text.startswith("Question 2/")
    assert sum(text.startswith("<b>Question 2/") for text in sent(api)) == 1
    assert not any(SORRY in text for text in sent(api))


@pytest.mark.usefixtures("quick_retries")
async def test_a_poller_stopped_during_an_outage_leaves_the_update_to_the_next_start(
    app: BotApplication, api: FakeBotAPI, db_path: Path, make_app: AppFactory
) -> None:
    async with running(app, db_path, polling=True) as store:
        poller = Poller(app, timeout=0)
        task = asyncio.create_task(poller.run())
        ana = Person(Updates(app, api), 74)
        await poll_to_first_question(app, api, ana)
        outage = Outage(store, refused_connection("load a respondent's session"))
        outage.on = True
        typed = ana.message_update(NAME)
        api.updates.append(typed)
        await wait_until(lambda: outage.refused >= 1, "the update tried")
        await asyncio.sleep(0.3)
        poller.stop()
        # Stopping does not wait for the database (nor the 20 s of the drain).
        await asyncio.wait_for(task, timeout=5)
    assert inbox(db_path)[typed["update_id"]] is False
    assert outage.refused >= 2, "tried again until the stop"
    assert answers(db_path) == []

    restarted = make_app(api)
    async with running(restarted, db_path, polling=True):
        poller = Poller(restarted, timeout=0)
        task = asyncio.create_task(poller.run())
        try:
            await wait_until(lambda: inbox(db_path)[typed["update_id"]], "applied at the start")
        finally:
            poller.stop()
            await asyncio.wait_for(task, timeout=30)
    assert answers(db_path) == [("company_name", f'"{NAME}"')]
    assert ana.last_text.startswith("Question 2/")
    assert not any(SORRY in text for text in sent(api))
