"""Through the poller, the message showing the live question is recorded with the inbox marks.

Not in a commit of its own per answer: the write that marks updates done
records it too (conversation/live.py). Whatever that write does, slow, failing
or not yet made when the process stops, the chat must read as a transcript: the
question just answered shows its answer without buttons, one question is live,
and after a restart the next answer edits the question on screen.

Through the real `Poller`, application and handlers, the Bot API faked at the
HTTP boundary, a real SQLite file.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.telegram import BotApplication, running
from bot.telegram.poller import Poller
from storage import StorageError
from tests.bot.test_telegram_inbox import AppFactory, inbox, stop, wait_until
from tests.support.fake_bot_api import ChatMessage, FakeBotAPI, Person, Updates
from tests.support.sqlite import open_sqlite

AGREE = "✅ J’accepte"
SECTOR = "Agroalimentaire"  # a choice of the second question, typed
HEADCOUNT = "10 à 49"  # a choice of the third

Marking = Callable[..., Awaitable[None]]


@asynccontextmanager
async def polling(app: BotApplication, db_path: Path) -> AsyncIterator[Any]:
    """The application running with its poller; yields its store."""
    async with running(app, db_path, polling=True) as store:
        poller = Poller(app, timeout=0)
        task = asyncio.create_task(poller.run())
        try:
            yield store
        finally:
            await stop(poller, task)


async def say(person: Person, update: dict[str, Any], replies: int = 1) -> None:
    """Hand `update` to the fake getUpdates and wait for the bot's reply in the chat."""
    before = sum(1 + m.edits for m in person.chat)
    person.api.updates.append(update)
    await wait_until(
        lambda: sum(1 + m.edits for m in person.chat) >= before + replies, "the bot's reply"
    )
    await asyncio.sleep(0.05)  # the rest of the reply


def live(person: Person) -> ChatMessage:
    keyboards = person.live_keyboards()
    assert len(keyboards) == 1, [m.text[:40] for m in keyboards]
    return keyboards[0]


def stored_live(db_path: Path, user_id: int) -> int | None:
    with open_sqlite(db_path) as conn:
        row = conn.execute(
            "SELECT r.prompt_message_id FROM responses r "
            "JOIN respondents p ON p.id = r.respondent_id WHERE p.external_id = ?",
            (str(user_id),),
        ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


async def begin(ana: Person) -> None:
    """The notice, agreed to: the first question (the company's name) is live."""
    await say(ana, ana.message_update("/start pithiviers"), replies=3)  # welcome, intro, notice
    await say(ana, ana.tap_update(ana.data_of(AGREE)), replies=2)  # the notice edited, Q1


async def answer_two(ana: Person) -> tuple[ChatMessage, ChatMessage]:
    """The company's name and its sector, typed; the two questions' messages."""
    name_question = ana.chat[-1]  # a text question: no buttons
    await say(ana, ana.message_update("Atelier Dupont"), replies=2)
    sector_question = live(ana)
    await say(ana, ana.message_update(SECTOR), replies=2)
    return name_question, sector_question


def assert_transcript(ana: Person, name_q: ChatMessage, sector_q: ChatMessage) -> None:
    assert "Atelier Dupont" in name_q.text and not name_q.keyboard
    assert SECTOR in sector_q.text and not sector_q.keyboard
    assert live(ana).message_id > sector_q.message_id, "the third question is the live one"


def hold_marks(store: Any) -> asyncio.Event:
    """Make the writes marking updates done wait until the event returned is set."""
    go_on = asyncio.Event()
    marking: Marking = store.mark_inbox_done

    async def held(*args: Any, **kwargs: Any) -> None:
        await go_on.wait()
        await marking(*args, **kwargs)

    store.mark_inbox_done = held
    return go_on


async def test_while_the_marks_wait_each_answer_still_edits_its_question(
    app: BotApplication, api: FakeBotAPI, db_path: Path, make_app: AppFactory
) -> None:
    async with polling(app, db_path) as store:
        ana = Person(Updates(app, api), 601)
        await begin(ana)
        await wait_until(lambda: all(done for _, done in inbox(db_path)), "marked done")
        # From now on the writes that mark updates done wait: the replies go on meanwhile.
        go_on = hold_marks(store)
        name_q, sector_q = await answer_two(ana)
        assert_transcript(ana, name_q, sector_q)
        assert stored_live(db_path, ana.user_id) == name_q.message_id, "not written yet"

        go_on.set()
        await wait_until(lambda: all(done for _, done in inbox(db_path)), "all marked done")
        third = live(ana)
        assert stored_live(db_path, ana.user_id) == third.message_id

    # Another process: the third question, answered, shows its answer; the fourth is live.
    async with polling(make_app(api), db_path):
        await say(ana, ana.message_update(HEADCOUNT), replies=2)
    assert third.edits and not third.keyboard
    assert live(ana).message_id > third.message_id


async def test_a_turn_whose_read_began_before_the_mark_still_edits_the_right_question(
    app: BotApplication, api: FakeBotAPI, db_path: Path
) -> None:
    """The read sees the store before the mark's commit; the memory is read after it."""
    async with polling(app, db_path) as store:
        ana = Person(Updates(app, api), 601)
        await begin(ana)
        await wait_until(lambda: all(done for _, done in inbox(db_path)), "marked done")
        # From now on the writes that mark updates done wait: the replies go on meanwhile.
        go_on = hold_marks(store)
        name_q = ana.chat[-1]
        await say(ana, ana.message_update("Atelier Dupont"), replies=2)
        sector_q = live(ana)
        loading = store.load_session

        async def read_then_wait(*args: Any, **kwargs: Any) -> Any:
            record = await loading(*args, **kwargs)  # before the mark's commit
            go_on.set()
            await wait_until(lambda: stored_live(db_path, 601) == sector_q.message_id, "marked")
            await asyncio.sleep(0.05)  # and the mark's task has finished
            return record

        store.load_session = read_then_wait
        await say(ana, ana.message_update(SECTOR), replies=2)
    assert_transcript(ana, name_q, sector_q)


async def test_a_mark_that_fails_leaves_the_live_message_to_the_next_one(
    app: BotApplication, api: FakeBotAPI, db_path: Path
) -> None:
    async with polling(app, db_path) as store:
        ana, ben = Person(Updates(app, api), 601), None
        await begin(ana)
        failing = True
        marking: Marking = store.mark_inbox_done

        async def flaky(*args: Any, **kwargs: Any) -> None:
            if failing:
                raise StorageError("the disk is full")
            await marking(*args, **kwargs)

        store.mark_inbox_done = flaky
        name_q, sector_q = await answer_two(ana)
        assert_transcript(ana, name_q, sector_q)
        assert not all(done for _, done in inbox(db_path))

        # The next write, for someone else's update, records Ana's live message too.
        failing = False
        ben = Person(ana.updates, 602)
        await say(ben, ben.message_update("/start pithiviers"), replies=3)
        await wait_until(lambda: stored_live(db_path, 601) == live(ana).message_id, "recorded")


@pytest.mark.parametrize("answered", [0, 2])
async def test_stopped_before_the_mark_the_question_comes_again_and_goes_on(
    app: BotApplication, api: FakeBotAPI, db_path: Path, make_app: AppFactory, answered: int
) -> None:
    """As a crash would leave it: replies sent, nothing marked; the next start replays them."""
    async with polling(app, db_path) as store:
        ana = Person(Updates(app, api), 601)
        await say(ana, ana.message_update("/start pithiviers"), replies=3)

        async def lost(*args: Any, **kwargs: Any) -> None:
            raise StorageError("the process died before this write")

        store.mark_inbox_done = lost
        await say(ana, ana.tap_update(ana.data_of(AGREE)), replies=2)
        if answered:
            await answer_two(ana)
        shown_before = len(ana.chat)

    async with polling(make_app(api), db_path):
        await wait_until(lambda: all(done for _, done in inbox(db_path)), "replayed, marked")
        await asyncio.sleep(0.05)
        # The replay shows the current question again, below; answering it edits that copy.
        again = ana.chat[-1]
        assert len(ana.chat) == shown_before + 1
        assert again.text.startswith(f"Question {answered + 1}/")
        assert stored_live(db_path, ana.user_id) == again.message_id
        reply = HEADCOUNT if answered else "Atelier Martin"
        await say(ana, ana.message_update(reply), replies=2)
    assert again.edits and not again.keyboard and reply in again.text
    assert ana.chat[-1].text.startswith(f"Question {answered + 2}/")
    # The first copy of the third question keeps its buttons (its id was never written;
    # a tap on it still counts): only the next question's besides.
    assert len(ana.live_keyboards()) == (2 if answered else 1)
