"""One person's burst holds nobody back: flood control, no repeated long screens, fair sending.

The real application (handlers, per-respondent processor, the fair rate limiter
at Telegram's 30 messages a second) with the Bot API faked at the HTTP
boundary; the fake notes when each message is sent, so a test can tell how long
a respondent waited and whose messages went out first.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from telegram import Update
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import RequestData

from bot.telegram import BotApplication, build_application
from bot.telegram.fairness import FairRateLimiter
from bot.telegram.flood import MAX_WAITING
from conversation.repeats import RecentScreens
from conversation.screens import Message, Summary
from flows import Flow, StageDef, load_flow
from tests.conftest import MINI, Clock
from tests.support.fake_bot_api import TOKEN, FakeBotAPI, Person, Updates

PersonFactory = Callable[..., Person]
AnswersOf = Callable[[int], dict[str, Any]]
AGREE = "✅ J’accepte"
FLOOD = "beaucoup de messages à la fois"
BURST = 300


@dataclass
class TimedBotAPI(FakeBotAPI):
    """The fake Bot API, noting when each message was sent and to which chat."""

    sent: list[tuple[float, int]] = field(default_factory=list)

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **kw: Any
    ) -> tuple[int, bytes]:
        result = await super().do_request(url, method, request_data, **kw)
        if url.endswith("/sendMessage") and request_data is not None:
            self.sent.append((time.monotonic(), int(request_data.parameters["chat_id"])))
        return result

    def first_to(self, chat_id: int, after: float) -> float:
        return next(at for at, chat in self.sent if chat == chat_id and at >= after)

    def count_to(self, chat_id: int, before: float = float("inf")) -> int:
        return sum(1 for at, chat in self.sent if chat == chat_id and at < before)


@pytest.fixture
def api() -> TimedBotAPI:
    return TimedBotAPI()


@pytest.fixture
def app(api: FakeBotAPI, flow: Flow, stages: list[StageDef], clock: Clock) -> BotApplication:
    # With the rate limiter, as `surveybot run` builds it: 30 messages a second in all.
    application = build_application(token=TOKEN, flow=flow, stages=stages, request=api)
    application.bot_data.clock = clock
    return application


def put(updates: Updates, payload: dict[str, Any]) -> asyncio.Future[None]:
    """Put one update on the queue, as the poller does; its future is set once it is handled."""
    application = updates.application
    update = Update.de_json(payload, application.bot)
    done = application.update_processor.done(update.update_id)
    application.update_queue.put_nowait(update)
    return done


async def first_reply_after_start(updates: Updates, someone: Person, api: TimedBotAPI) -> float:
    """Seconds from `someone`'s /start being queued to the first message they get."""
    queued = time.monotonic()
    await asyncio.wait_for(put(updates, someone.message_update("/start")), timeout=30)
    return api.first_to(someone.user_id, queued) - queued


@pytest.mark.timing
async def test_a_flood_of_300_messages_delays_nobody_and_gets_a_few_replies(
    person: PersonFactory, updates: Updates, api: TimedBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    """The flooder has not agreed to the notice: every message would bring it again."""
    alone = await first_reply_after_start(updates, person(800), api)

    flooder, other = person(801), person(802)
    caplog.set_level(logging.INFO, logger="bot.telegram.processor")
    burst = [flooder.message_update(f"secret spam {n}") for n in range(BURST)]
    flood = [put(updates, payload) for payload in burst]
    waited = await first_reply_after_start(updates, other, api)
    # Every update of the flood is marked handled, so the poller confirms the batch.
    await asyncio.wait_for(asyncio.gather(*flood), timeout=60)

    assert waited < alone + 1.0, (waited, alone)
    # The flooder's messages that went out before the other respondent's first reply: few.
    first_reply = api.first_to(other.user_id, 0)
    assert api.count_to(flooder.user_id, before=first_reply) <= 10
    assert other.last.labels()[:2] == [AGREE, "Je refuse"]

    # The flooder got a bounded number of messages: the welcome and notice (again once), a
    # pointer to it, and one word about the flood.
    assert api.count_to(flooder.user_id) <= 10
    told = [m for m in flooder.chat if FLOOD in m.text]
    assert len(told) == 1
    assert flooder.chat[-1] is told[0]  # after the answers to the messages kept
    dropped = [r for r in caplog.records if "flood control: dropped" in r.getMessage()]
    assert len(dropped) == BURST - MAX_WAITING
    assert all(r.levelno == logging.INFO for r in dropped)
    assert not any("secret spam" in r.getMessage() for r in caplog.records)
    first_dropped = burst[MAX_WAITING]["update_id"]
    assert any(f"update {first_dropped} " in r.getMessage() for r in dropped)


@pytest.mark.timing
@pytest.mark.parametrize("flow", [load_flow(MINI)], ids=["mini"])
async def test_300_answers_at_once_mid_questionnaire_are_cut_short(
    person: PersonFactory, updates: Updates, api: TimedBotAPI, answers_of: AnswersOf
) -> None:
    """The flooder is at a question: every message is an answer to refuse, and to ask again."""
    alone = await first_reply_after_start(updates, person(800), api)
    flooder, other = person(801), person(802)
    await flooder.send("/start")
    await flooder.tap("Continuer ▶")
    await flooder.send("Acme")
    before = api.count_to(flooder.user_id)

    flood = [put(updates, flooder.message_update(f"beaucoup {n}")) for n in range(BURST)]
    waited = await first_reply_after_start(updates, other, api)
    await asyncio.wait_for(asyncio.gather(*flood), timeout=60)

    assert waited < alone + 1.0, (waited, alone)
    # Six kept (`MAX_WAITING`), each refused with the question again, and one word about the
    # flood: 13 messages, where each of the 300 would have brought two.
    assert api.count_to(flooder.user_id) - before <= 13
    assert "staff" not in answers_of(flooder.user_id)
    assert "Salariés d'Acme" in flooder.last_with_buttons().text
    assert sum(FLOOD in m.text for m in flooder.chat) == 1


async def test_a_fast_double_tapper_is_not_taken_for_a_flooder(
    person: PersonFactory, updates: Updates, api: TimedBotAPI
) -> None:
    ana = person()
    await ana.send("/start")
    data = ana.data_of(AGREE)
    # Four taps on "I agree" in one batch, quicker than any thumb: all handled, none dropped.
    await updates.feed(*(ana.tap_update(data) for _ in range(4)))
    assert not any(FLOOD in m.text for m in ana.chat)
    assert len(api.calls_to("answerCallbackQuery")) == 4


async def test_every_press_of_a_burst_is_answered_even_those_dropped(
    person: PersonFactory, updates: Updates, api: TimedBotAPI
) -> None:
    """A script pressing "I agree" 50 times at once: no button is left with its spinner."""
    ana = person()
    await ana.send("/start")
    data = ana.data_of(AGREE)
    presses = [ana.tap_update(data) for _ in range(50)]
    await asyncio.wait_for(asyncio.gather(*(put(updates, p) for p in presses)), timeout=60)

    answered = {call["callback_query_id"] for call in ana.answers_to_queries()}
    assert answered == {p["callback_query"]["id"] for p in presses}
    assert len(ana.answers_to_queries()) == 50  # each once
    assert sum(FLOOD in m.text for m in ana.chat) == 1  # and one word about the burst


async def test_the_flood_notice_is_in_the_language_the_person_chose_not_their_apps(
    person: PersonFactory, updates: Updates
) -> None:
    ana = person()  # her Telegram app is in French
    await ana.send("/start")
    await ana.tap("English")
    await ana.tap("✅ I agree")
    burst = [put(updates, ana.message_update(f"word {n}")) for n in range(50)]
    await asyncio.wait_for(asyncio.gather(*burst), timeout=60)

    assert not any(FLOOD in m.text for m in ana.chat)
    assert sum("You sent many messages at once" in m.text for m in ana.chat) == 1


@pytest.mark.parametrize("flow", [load_flow(MINI)], ids=["mini"])
async def test_five_answers_sent_at_once_are_all_applied(
    person: PersonFactory, updates: Updates, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap("Continuer ▶")
    answers = ["Acme", "12", "Services", "Non", "4"]
    await updates.feed(*(ana.message_update(text) for text in answers))
    stored = answers_of(ana.user_id)
    assert {q: v for q, (v, _, _) in stored.items()} == {
        "company": "Acme",
        "staff": 12,
        "sector": "services",
        "exports": "no",
        "importance": 4,
    }
    assert not any(FLOOD in m.text or m.text.startswith("⚠️") for m in ana.chat)


async def test_the_notice_is_sent_again_once_then_pointed_to_then_shown_after_a_while(
    person: PersonFactory, api: TimedBotAPI, clock: Clock
) -> None:
    ana = person()
    await ana.send("bonjour")
    (first,) = [m for m in ana.chat if m.labels()[:1] == [AGREE]]
    notices = lambda: sum(1 for m in ana.chat if m.text == first.text)  # noqa: E731
    await ana.send("bonjour ?")
    assert notices() == 2  # the first copy may have been lost: sent again, once
    assert first.keyboard is None, "the copy sent again is the one to answer"
    await ana.send("allô")
    assert notices() == 2
    assert "juste au-dessus" in ana.last_text
    sent = api.count_to(ana.user_id)
    await ana.send("allô ?")
    assert api.count_to(ana.user_id) == sent + 1  # the one-line pointer again, not the notice
    assert notices() == 2 and "juste au-dessus" in ana.last_text
    clock.tick(61)
    await ana.send("re-bonjour")
    assert notices() == 3
    await ana.tap(AGREE)
    assert "Question 1/" in ana.last_text


async def test_after_declining_the_notice_comes_in_full_again(person: PersonFactory) -> None:
    ana = person()
    await ana.send("/start")
    await ana.send("/start")
    await ana.tap("Je refuse")  # the notice's buttons are used up
    await ana.send("/start")
    assert ana.last.labels()[:2] == [AGREE, "Je refuse"]


@pytest.mark.parametrize("flow", [load_flow(MINI)], ids=["mini"])
async def test_a_finished_respondent_writing_again_is_not_sent_the_summary_each_time(
    person: PersonFactory, api: TimedBotAPI
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap("Continuer ▶")
    for text in ["Acme", "12", "Services", "Non", "1"]:
        await ana.send(text)
    await ana.tap("Coût")
    await ana.tap("Temps")
    await ana.tap("Valider ce classement")
    await ana.tap("Passer ⏭")
    summaries = lambda: sum(m.text.startswith("Récapitulatif") for m in ana.chat)  # noqa: E731
    assert summaries() == 1

    await ana.send("merci")
    assert summaries() == 2  # sent again once: the first may not have arrived
    await ana.send("merci !")
    assert summaries() == 2
    assert "Vos réponses sont juste au-dessus" in ana.last_text
    sent = api.count_to(ana.user_id)
    await ana.send("merci !!")
    assert api.count_to(ana.user_id) == sent + 1  # the one-line pointer, not the summary
    assert summaries() == 2 and "Vos réponses sont juste au-dessus" in ana.last_text
    # The summary above still offers to change an answer, and it works.
    (live,) = ana.live_keyboards()
    assert live.text.startswith("Récapitulatif")
    await ana.tap("✏️ Modifier une réponse", message=live)
    assert ana.last.text.startswith("Quelle réponse voulez-vous modifier\u00a0?")
    assert ana.last.labels()[:2] == ["1", "2"]


def test_a_summary_is_repeated_once_then_pointed_to_unless_something_came_between() -> None:
    memory = RecentScreens()
    clock = Clock()
    summary = Summary("Récapitulatif", (("Nom ?", "Acme"),), None)
    done = Message("Vous avez déjà répondu")
    assert memory.thin("ana", [Message("Merci !"), summary], clock(), "fr", asked=False) == [
        Message("Merci !"),
        summary,
    ]
    assert memory.thin("ana", [done, summary], clock.tick(), "fr", asked=False) == [done, summary]
    (pointer,) = memory.thin("ana", [done, summary], clock.tick(), "fr", asked=False)
    assert isinstance(pointer, Message) and "juste au-dessus" in pointer.text
    (again,) = memory.thin("ana", [done, summary], clock.tick(), "fr", asked=False)
    assert again == pointer  # a word back each time, never the whole summary
    # Someone else is not affected; a changed summary is shown in full.
    assert memory.thin("bob", [done, summary], clock.tick(), "fr", asked=False) == [done, summary]
    changed = Summary("Récapitulatif", (("Nom ?", "Acme SA"),), None)
    assert memory.thin("ana", [done, changed], clock.tick(), "fr", asked=False) == [done, changed]
    # Any other reply in between: the next summary comes in full.
    memory.thin("bob", [Message("Aide")], clock.tick(), "fr", asked=False)
    assert memory.thin("bob", [done, summary], clock.tick(), "fr", asked=False) == [done, summary]
    assert memory.thin("bob", [done, summary], clock.tick(), "fr", asked=False) == [done, summary]
    assert (
        len(memory.thin("bob", [done, summary], clock.tick(), "fr", asked=False)) == 1
    )  # the pointer
    # Asked for (a command, a button): in full, whatever came before.
    assert memory.thin("bob", [done, summary], clock.tick(), "fr", asked=True) == [done, summary]
    # A minute on, the summary comes in full again.
    assert memory.thin("ana", [done, changed], clock.tick(61), "fr", asked=False) == [done, changed]


def test_replies_older_than_the_window_are_forgotten_so_memory_stays_flat() -> None:
    """A tour meets thousands of people: only those answered in the last minute are kept."""
    memory = RecentScreens()
    clock = Clock()
    summary = Summary(
        "Récapitulatif", tuple((f"Question {n} ?", "Réponse") for n in range(50)), None
    )
    for person in range(1000):
        memory.thin(person, [summary], clock.tick(0.01), "fr", asked=False)
    assert len(memory) == 1000  # all within the minute
    memory.thin("late", [Message("Aide")], clock.tick(61), "fr", asked=False)
    assert len(memory) == 1
    # Still the same rule for whoever is kept: a repeat within the minute is pointed to.
    memory.thin("late", [summary], clock.tick(), "fr", asked=False)
    memory.thin("late", [summary], clock.tick(), "fr", asked=False)
    (pointer,) = memory.thin("late", [summary], clock.tick(), "fr", asked=False)
    assert isinstance(pointer, Message)


@pytest.mark.timing
@pytest.mark.parametrize("fair", [True, False], ids=["fair", "first-come"])
async def test_a_chat_with_60_messages_queued_does_not_hold_back_another(
    api: TimedBotAPI, fair: bool
) -> None:
    limiter = FairRateLimiter() if fair else AIORateLimiter()
    bot = ExtBot(TOKEN, request=api, get_updates_request=api, rate_limiter=limiter)
    async with bot:
        busy = [asyncio.create_task(bot.send_message(1, f"n°{n}")) for n in range(60)]
        await asyncio.sleep(0.05)  # the first second's 30 have gone; 30 wait their turn
        queued = time.monotonic()
        await bot.send_message(2, "à mon tour")
        answered = time.monotonic() - queued
        await asyncio.gather(*busy)
    # Each chat's own messages keep their order (the library's limiter does not promise it).
    if fair:
        assert [m.text for m in api.chat(1)] == [f"n°{n}" for n in range(60)]
    turn = api.first_to(2, 0)
    after = sum(1 for at, chat in api.sent if chat == 1 and at > turn)
    if fair:
        # Served at the next free slot, before the busy chat's remaining messages.
        assert after >= 25, after
        assert answered < 0.5, answered
    else:
        # What the fair queue is for: first come, first served puts it after all of them.
        assert after == 0, after
