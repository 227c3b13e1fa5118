"""The poller's durable inbox: nobody waits for the slowest, and a restart applies what was left.

Through the real `Poller`, application and handlers, with the Bot API faked at
the HTTP boundary (a fake that can hold every call to one chat, as a stuck
send or a slow network would) and a real SQLite file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from telegram.error import InvalidToken
from telegram.request import RequestData

from bot.telegram import BotApplication, running
from bot.telegram import poller as poller_module
from bot.telegram.flood import MAX_WAITING
from bot.telegram.poller import KEEP_DONE, Poller
from storage import Inboxed
from tests.conftest import Clock, LoggedErrors
from tests.support.fake_bot_api import FakeBotAPI, Person, Updates
from tests.support.sqlite import open_sqlite

AppFactory = Callable[[FakeBotAPI], BotApplication]
AGREE = "✅ J’accepte"


@dataclass
class HoldingBotAPI(FakeBotAPI):
    """The fake Bot API, holding every call to `held_chat` until `release()`."""

    held_chat: int | None = None
    _open: asyncio.Event = field(default_factory=asyncio.Event)

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **kw: Any
    ) -> tuple[int, bytes]:
        params = request_data.parameters if request_data is not None else {}
        if self.held_chat is not None and str(params.get("chat_id")) == str(self.held_chat):
            await self._open.wait()
        return await super().do_request(url, method, request_data, **kw)

    def release(self) -> None:
        self._open.set()

    def offsets(self) -> list[int]:
        return [
            int(c.params["offset"]) for c in self.calls_to("getUpdates") if "offset" in c.params
        ]


@pytest.fixture
def api() -> HoldingBotAPI:
    return HoldingBotAPI()


async def wait_until(done: Callable[[], bool], what: str, seconds: float = 10) -> None:
    for _ in range(int(seconds * 100)):
        if done():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"still waiting: {what}")


async def stop(poller: Poller, task: asyncio.Task[None]) -> None:
    poller.stop()
    await asyncio.wait_for(task, timeout=30)


def inbox(db_path: Path) -> list[tuple[int, bool]]:
    with open_sqlite(db_path) as conn:
        rows = conn.execute("SELECT update_id, done_at IS NOT NULL FROM inbox ORDER BY update_id")
        return [(int(i), bool(done)) for i, done in rows]


async def restart_until_done(restarted: BotApplication, db_path: Path) -> None:
    """A new process on the same database: it applies what was left, until all is done."""
    async with running(restarted, db_path, polling=True):
        poller = Poller(restarted, timeout=0)
        task = asyncio.create_task(poller.run())
        try:
            await wait_until(lambda: all(done for _, done in inbox(db_path)), "all done")
        finally:
            await stop(poller, task)


def answers_of(db_path: Path, user_id: int) -> list[tuple[str, str]]:
    with open_sqlite(db_path) as conn:
        rows = conn.execute(
            "SELECT a.question_id, a.value_json FROM answers a "
            "JOIN responses r ON r.id = a.response_id JOIN respondents p ON p.id = r.respondent_id "
            "WHERE p.external_id = ?",
            (str(user_id),),
        )
        return [(q, v) for q, v in rows]


def responses_of(db_path: Path, user_id: int) -> int:
    with open_sqlite(db_path) as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM responses r JOIN respondents p ON p.id = r.respondent_id "
            "WHERE p.external_id = ? AND r.consented_at IS NOT NULL",
            (str(user_id),),
        ).fetchone()
        return int(row[0])


async def test_a_slow_respondent_delays_neither_the_confirmation_nor_anyone_else(
    app: BotApplication, api: HoldingBotAPI, db_path: Path
) -> None:
    async with running(app, db_path, polling=True):
        updates = Updates(app, api)
        ana, ben, carl = (Person(updates, user_id) for user_id in (601, 602, 603))
        api.held_chat = ana.user_id  # every reply to Ana is stuck
        first = [ana.message_update("/start pithiviers"), ben.message_update("/start pithiviers")]
        api.updates = list(first)
        poller = Poller(app, timeout=0)
        task = asyncio.create_task(poller.run())
        try:
            await wait_until(lambda: bool(ben.chat), "Ben's welcome")
            # The batch is confirmed (the next getUpdates asks for what comes after it)
            # although Ana's update is still being handled. Waited for: on a busy machine
            # Ben's welcome can be sent before the poller's next call.
            after_first = first[-1]["update_id"] + 1
            await wait_until(lambda: after_first in api.offsets(), "the batch confirmed")
            assert max(api.offsets()) == after_first
            assert not ana.chat
            # The next batch is fetched and answered meanwhile.
            api.updates.append(carl.message_update("/start pithiviers"))
            await wait_until(lambda: bool(carl.chat), "Carl's welcome, while Ana's is stuck")
            assert AGREE in carl.last.labels()
            assert not ana.chat
            assert (first[0]["update_id"], False) in inbox(db_path), "Ana's is not done yet"

            api.release()
            await wait_until(lambda: bool(ana.chat), "Ana's welcome once Telegram answers")
            assert AGREE in ana.last.labels()
            await wait_until(lambda: all(done for _, done in inbox(db_path)), "all marked done")
        finally:
            api.release()
            await stop(poller, task)


async def test_after_a_crash_what_was_left_is_applied_once_and_nothing_twice(
    app: BotApplication, api: HoldingBotAPI, db_path: Path, make_app: AppFactory
) -> None:
    async with running(app, db_path) as store:
        updates = Updates(app, api)
        ana, ben = Person(updates, 601), Person(updates, 602)
        await ana.send("/start pithiviers")
        agree = ana.tap_update(ana.data_of(AGREE))
        await updates.feed(agree)  # applied, as a crash would leave it: not marked done
        typed = ana.message_update("Atelier Dupont")
        welcome = ben.message_update("/start pithiviers")
        # Written down and confirmed, then the bot was killed before marking or applying them.
        left = [agree, typed, welcome]
        items = [
            Inboxed(u["update_id"], str(p.user_id), u)
            for u, p in zip(left, (ana, ana, ben), strict=True)
        ]
        await store.add_to_inbox(items, now=app.bot_data.clock())
        answers_before = answers_of(db_path, ana.user_id)

    # A new process on the same database: it applies what was left before fetching.
    await restart_until_done(make_app(api), db_path)

    assert ben.chat and AGREE in ben.last.labels(), "the update left unapplied is applied"
    answers = answers_of(db_path, ana.user_id)
    assert len(answers) == len(answers_before) + 1, "Ana's typed answer is stored once"
    assert "Atelier Dupont" in answers[-1][1]
    assert responses_of(db_path, ana.user_id) == 1, "the consent applied before is not again"

    # Yet another start finds nothing to apply: nothing is applied twice.
    again = make_app(api)
    sent, polls = len(api.calls), len(api.calls_to("getUpdates"))
    async with running(again, db_path, polling=True):
        poller = Poller(again, timeout=0)
        task = asyncio.create_task(poller.run())
        await wait_until(lambda: len(api.calls_to("getUpdates")) > polls + 2, "a few polls")
        await stop(poller, task)
    assert answers_of(db_path, ana.user_id) == answers
    assert not [c for c in api.calls[sent:] if "chat_id" in c.params], "nobody is written to"


async def test_after_a_crash_what_a_person_sent_meanwhile_is_not_taken_for_a_flood(
    app: BotApplication, api: HoldingBotAPI, db_path: Path, make_app: AppFactory
) -> None:
    # Six answers applied, then the bot died before marking them; meanwhile Ana sent
    # two more. The eight come back at once, two more than flood control lets wait.
    applied = ["Atelier Dupont", "Agroalimentaire", "10 à 49", "Oui", "Moins de 2 M€"]
    meanwhile = ["45", "Dirigeant, gérant"]
    async with running(app, db_path) as store:
        updates = Updates(app, api)
        ana = Person(updates, 601)
        await ana.send("/start pithiviers")
        left = [ana.tap_update(ana.data_of(AGREE))]
        await updates.feed(left[0])
        for text in applied:
            left.append(ana.message_update(text))
            await updates.feed(left[-1])
        left += [ana.message_update(text) for text in meanwhile]
        items = [Inboxed(u["update_id"], str(ana.user_id), u) for u in left]
        await store.add_to_inbox(items, now=app.bot_data.clock())
        assert len(left) > MAX_WAITING
    await restart_until_done(make_app(api), db_path)
    stored = dict(answers_of(db_path, ana.user_id))
    assert stored["departement"] == '"45"' and stored["role"] == '"ceo"', "both applied"
    assert not [m for m in ana.chat if "beaucoup de messages" in m.text], "no flood notice"


async def test_after_a_crash_a_burst_left_in_the_inbox_still_meets_flood_control(
    app: BotApplication, api: HoldingBotAPI, db_path: Path, make_app: AppFactory
) -> None:
    # A script's 40 messages were written down, then the bot died before handling them.
    async with running(app, db_path) as store:
        updates = Updates(app, api)
        ana = Person(updates, 601)
        await ana.send("/start pithiviers")
        await updates.feed(ana.tap_update(ana.data_of(AGREE)))
        burst = [ana.message_update(f"message {n}") for n in range(40)]
        items = [Inboxed(u["update_id"], str(ana.user_id), u) for u in burst]
        await store.add_to_inbox(items, now=app.bot_data.clock())
        before = len(ana.chat)
    await restart_until_done(make_app(api), db_path)
    after = ana.chat[before:]
    assert len([m for m in after if "beaucoup de messages" in m.text]) == 1, "told once"
    # As many answered as were likely held before the stop, and as many again: not 40.
    answered = [m for m in after if "beaucoup de messages" not in m.text]
    assert len(answered) <= 2 * 2 * MAX_WAITING, len(answered)


async def test_a_malformed_update_is_written_down_as_done_and_the_others_applied(
    app: BotApplication,
    api: HoldingBotAPI,
    db_path: Path,
    make_app: AppFactory,
    logged_errors: LoggedErrors,
) -> None:
    async with running(app, db_path, polling=True):
        updates = Updates(app, api)
        ana, ben = Person(updates, 601), Person(updates, 602)
        broken = {"update_id": updates.next_id(), "message": {"message_id": 9, "text": "secret"}}
        batch = [ana.message_update("/start pithiviers"), broken, ben.message_update("/start")]
        api.updates = list(batch)
        logged_errors.expect(r"skipped update \d+, which could not be read")
        poller = Poller(app, timeout=0)
        task = asyncio.create_task(poller.run())
        try:
            await wait_until(lambda: bool(ana.chat) and bool(ben.chat), "both welcomes")
            await wait_until(lambda: all(done for _, done in inbox(db_path)), "all done")
        finally:
            await stop(poller, task)
    assert [i for i, _ in inbox(db_path)] == sorted(u["update_id"] for u in batch)
    # Delivered again (as if the bot had stopped before confirming): nothing is handled twice.
    replies = len(ana.chat), len(ben.chat)
    polls = len(api.calls_to("getUpdates"))
    api.updates = list(batch)
    restarted = make_app(api)
    async with running(restarted, db_path, polling=True):
        poller = Poller(restarted, timeout=0)
        task = asyncio.create_task(poller.run())
        await wait_until(lambda: len(api.calls_to("getUpdates")) > polls + 2, "a few polls")
        await stop(poller, task)
    assert (len(ana.chat), len(ben.chat)) == replies
    assert len(logged_errors.records) == 1, "the malformed update is not read again"


async def test_a_handled_update_leaves_the_inbox_minutes_later(
    app: BotApplication, api: HoldingBotAPI, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(poller_module, "PRUNE_EVERY", 0.0)
    clock = Clock()
    app.bot_data.clock = clock
    async with running(app, db_path, polling=True):
        ana = Person(Updates(app, api), 601)
        api.updates = [ana.message_update("/start pithiviers")]
        poller = Poller(app, timeout=0)
        task = asyncio.create_task(poller.run())
        try:
            await wait_until(lambda: inbox(db_path) == [(1, True)], "handled and marked done")
            clock.tick(KEEP_DONE.total_seconds() - 1)
            await asyncio.sleep(0.2)
            assert inbox(db_path) == [(1, True)], "kept a while, to recognise a redelivery"
            clock.tick(2)
            # Her message, her name: not kept once it has served.
            await wait_until(lambda: inbox(db_path) == [], "pruned")
        finally:
            await stop(poller, task)


@dataclass
class RevokingBotAPI(HoldingBotAPI):
    """The fake Bot API once the token has been revoked at @BotFather: 401 to everything."""

    revoked: bool = False

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **kw: Any
    ) -> tuple[int, bytes]:
        if self.revoked:
            return 401, b'{"ok": false, "error_code": 401, "description": "Unauthorized"}'
        return await super().do_request(url, method, request_data, **kw)


async def test_a_token_revoked_while_running_stops_the_poller_as_a_refused_token(
    make_app: AppFactory, db_path: Path
) -> None:
    """Not retried for ever with a warning a minute: the operator must hear of it."""
    api = RevokingBotAPI()
    app = make_app(api)
    async with running(app, db_path, polling=True):
        updates = Updates(app, api)
        ana = Person(updates, 611)
        api.updates = [ana.message_update("/start pithiviers")]
        poller = Poller(app, timeout=0, backoff=0.01)
        task = asyncio.create_task(poller.run())
        try:
            await wait_until(lambda: bool(ana.chat), "Ana's welcome")
            api.revoked = True
            with pytest.raises(InvalidToken):
                await asyncio.wait_for(task, timeout=10)
        finally:
            poller.stop()
