"""Reminders and upkeep: one polite reminder after a day's silence, never at night, never
twice (not even across a restart), never to someone who finished, blocked the bot or
erased their data; stale responses closed as abandoned, old ones purged.

Time is the application's clock, moved by the test; the housekeeping functions are
called as the bot's loop calls them.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.telegram import BotApplication, build_application, running
from bot.telegram.jobs import daily_upkeep, send_due_reminders
from conversation import Policy
from flows import Flow, StageDef
from tests.conftest import Clock
from tests.support.fake_bot_api import TOKEN, ChatMessage, FakeBotAPI, Person, Updates, _error

PARIS = ZoneInfo("Europe/Paris")
# A Tuesday at 13:00 in Paris: the respondent starts, then goes quiet.
START = dt.datetime(2019, 6, 4, 13, 0, tzinfo=PARIS)
AGREE = "✅ J’accepte"
REMINDER = (
    "Bonjour\u00a0! Votre questionnaire «\u00a01er tour de France de l’innovation dans les territoires "
    "d’industrie\u00a0» n’est pas terminé (2\u00a0réponses sur 51)."
)

PersonFactory = Callable[..., Person]
Query = Callable[..., list[sqlite3.Row]]
AppFactory = Callable[[FakeBotAPI], BotApplication]


class TourClock(Clock):
    """The application's clock, moved by the test to given days and hours in Paris."""

    def at(self, days: int, hour: int, minute: int = 0) -> dt.datetime:
        """`days` after the start, at `hour` Paris time; the clock moves there too."""
        day = START.date() + dt.timedelta(days=days)
        self.now = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)
        return self.now


@pytest.fixture
def clock() -> TourClock:
    return TourClock(START)


# The loop's own rounds would race the test's calls: it runs once at start-up (on an
# empty database, at START), then not again within a test.
POLICY = Policy(every_seconds=3600)


@pytest.fixture
def policy() -> Policy:
    return POLICY


@pytest.fixture
def make_app(flow: Flow, stages: list[StageDef], clock: TourClock, policy: Policy) -> AppFactory:
    def make(api: FakeBotAPI) -> BotApplication:
        app = build_application(
            token=TOKEN, flow=flow, stages=stages, request=api, rate_limit=False, policy=policy
        )
        app.bot_data.clock = clock
        return app

    return make


async def started(ana: Person) -> None:
    """Agree, answer two questions, and leave the third one waiting."""
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    await ana.send("Acme")
    await ana.tap("Agroalimentaire")
    assert ana.last_text.startswith("Question 3/")


def reminders_to(ana: Person) -> list[ChatMessage]:
    return [m for m in ana.chat if m.text.startswith("Bonjour\u00a0! Votre questionnaire")]


# --- one reminder -------------------------------------------------------------------------


async def test_one_reminder_after_a_day_with_a_button_that_shows_the_current_question(
    person: PersonFactory, app: BotApplication, clock: TourClock, query: Query
) -> None:
    ana = person()
    await started(ana)
    question = ana.last

    # 23 hours on: too early.
    assert await send_due_reminders(app, clock.at(1, 12)) == 0
    assert reminders_to(ana) == []

    assert await send_due_reminders(app, clock.at(1, 14)) == 1
    (reminder,) = reminders_to(ana)
    assert reminder is ana.last
    assert reminder.text.startswith(REMINDER)
    assert reminder.labels() == ["Reprendre ▶"]
    (response,) = query("SELECT reminded_at FROM responses")
    assert response["reminded_at"] is not None

    # Calling again (the loop runs every minute) sends nothing more.
    assert await send_due_reminders(app, clock.at(1, 14, 1)) == 0
    assert await send_due_reminders(app, clock.at(3, 14)) == 0
    assert reminders_to(ana) == [reminder]

    await ana.tap("Reprendre ▶")
    assert reminder.keyboard is None
    assert question.keyboard is None  # the question from yesterday gave way
    assert ana.last_text.startswith("Question 3/")
    assert "Combien de salariés compte Acme" in ana.last_text
    assert ana.live_keyboards() == [ana.last]
    await ana.tap("10 à 49")
    assert ana.last_text.startswith("Question 4/")


async def test_answering_yesterday_s_question_removes_the_reminder_s_button(
    person: PersonFactory, app: BotApplication, clock: TourClock
) -> None:
    ana = person()
    await started(ana)
    question = ana.last
    assert await send_due_reminders(app, clock.at(1, 14)) == 1
    (reminder,) = reminders_to(ana)

    await ana.tap("10 à 49", message=question)

    assert reminder.keyboard is None, "the person went on without it"
    assert ana.last_text.startswith("Question 4/")
    assert ana.live_keyboards() == [ana.last]


async def test_a_reminder_is_sent_once_even_if_the_menu_it_supersedes_cannot_be_tidied(
    person: PersonFactory,
    app: BotApplication,
    clock: TourClock,
    api: FakeBotAPI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ana = person()
    await started(ana)
    await ana.send("/language")  # left open, then a day's silence
    menu = ana.last
    monkeypatch.setattr(api, "_editMessageReplyMarkup", lambda _: _error(502, "Bad Gateway"))

    assert await send_due_reminders(app, clock.at(1, 14)) == 1
    monkeypatch.undo()
    assert await send_due_reminders(app, clock.at(1, 15)) == 0

    assert len(reminders_to(ana)) == 1
    assert menu.keyboard is not None  # left as it was: only tidiness was lost
    await ana.tap("Reprendre ▶")
    assert ana.last_text.startswith("Question 3/")


async def test_no_reminder_during_the_night_then_one_in_the_morning(
    person: PersonFactory, app: BotApplication, clock: TourClock
) -> None:
    ana = person()
    await started(ana)
    assert await send_due_reminders(app, clock.at(1, 22)) == 0
    assert await send_due_reminders(app, clock.at(2, 3)) == 0
    assert await send_due_reminders(app, clock.at(2, 8, 59)) == 0
    assert reminders_to(ana) == []
    assert await send_due_reminders(app, clock.at(2, 9)) == 1
    assert len(reminders_to(ana)) == 1


async def test_someone_active_again_after_the_reminder_is_not_reminded_again(
    person: PersonFactory, app: BotApplication, clock: TourClock
) -> None:
    ana = person()
    await started(ana)
    assert await send_due_reminders(app, clock.at(1, 14)) == 1
    await ana.tap("Reprendre ▶")
    await ana.tap("10 à 49")  # at 14:00 on day 1, the clock says

    assert await send_due_reminders(app, clock.at(2, 15)) == 0
    assert await send_due_reminders(app, clock.at(5, 15)) == 0
    assert len(reminders_to(ana)) == 1


@dataclass
class WatchedAPI(FakeBotAPI):
    """The fake Bot API, telling the test the moment a reminder goes out."""

    reminded: asyncio.Event = field(default_factory=asyncio.Event)

    def _sendMessage(self, params: dict[str, Any]) -> tuple[int, bytes]:
        result = super()._sendMessage(params)
        if str(params["text"]).startswith(REMINDER[:30]):
            self.reminded.set()
        return result


async def test_a_reminder_is_neither_lost_nor_repeated_across_restarts(
    make_app: AppFactory, clock: TourClock, tmp_path: Path
) -> None:
    api, db_path = WatchedAPI(), tmp_path / "survey.sqlite3"
    first = make_app(api)
    async with running(first, db_path):
        updates = Updates(first, api)
        ana = Person(updates, 42)
        await started(ana)
        next_id = updates.next_id() + 1

    # The reminder fell due while the bot was down: the first round after the restart
    # sends it, and the bot is stopped the moment it is sent.
    clock.at(1, 14)
    second = make_app(api)
    async with running(second, db_path):
        await asyncio.wait_for(api.reminded.wait(), timeout=10)
    assert len(reminders_to(ana)) == 1
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        ((reminded_at,),) = conn.execute("SELECT reminded_at FROM responses").fetchall()
    assert reminded_at is not None, "sent, so recorded as sent"

    # Restarted a day later: nothing more, from the loop's first round or a direct call.
    third = make_app(api)
    async with running(third, db_path):
        assert await send_due_reminders(third, clock.at(2, 14)) == 0
        ana = Person(Updates(third, api, first_update_id=next_id), 42)
        await ana.tap("Reprendre ▶")
        assert ana.last_text.startswith("Question 3/")
    assert len(reminders_to(ana)) == 1


# --- no reminder --------------------------------------------------------------------------


async def test_no_reminder_to_someone_who_never_agreed(
    person: PersonFactory, app: BotApplication, clock: TourClock, api: FakeBotAPI
) -> None:
    ana, bob = person(), person()
    await ana.send("/start")
    await bob.send("/start")
    await bob.tap("Je refuse")
    sent = len(api.calls_to("sendMessage"))
    assert await send_due_reminders(app, clock.at(1, 14)) == 0
    assert len(api.calls_to("sendMessage")) == sent


async def test_no_reminder_to_someone_who_blocked_the_bot(
    person: PersonFactory, app: BotApplication, clock: TourClock, api: FakeBotAPI, query: Query
) -> None:
    ana = person()
    await started(ana)
    api.blocked_chats.add(ana.user_id)

    # Telegram refuses it: they are marked blocked, and the bot does not try again.
    assert await send_due_reminders(app, clock.at(1, 14)) == 0
    assert len(api.calls_to("sendMessage", ana.user_id)) > 0
    attempts = len(api.calls_to("sendMessage", ana.user_id))
    (respondent,) = query("SELECT blocked_at FROM respondents")
    assert respondent["blocked_at"] is not None
    assert await send_due_reminders(app, clock.at(2, 14)) == 0
    assert len(api.calls_to("sendMessage", ana.user_id)) == attempts
    assert reminders_to(ana) == []


async def test_no_reminder_to_someone_telegram_told_us_blocked_the_bot(
    person: PersonFactory, updates: Updates, app: BotApplication, clock: TourClock, api: FakeBotAPI
) -> None:
    ana = person()
    await started(ana)
    bot_member: dict[str, Any] = {
        "user": {"id": 7_000_000_001, "is_bot": True, "first_name": "Surveybot"}
    }
    await updates.feed(
        {
            "update_id": updates.next_id(),
            "my_chat_member": {
                "chat": {"id": ana.user_id, "type": "private"},
                "from": ana.user,
                "date": 1_560_000_000,
                "old_chat_member": {**bot_member, "status": "member"},
                "new_chat_member": {**bot_member, "status": "kicked", "until_date": 0},
            },
        }
    )
    sent = len(api.calls_to("sendMessage", ana.user_id))
    assert await send_due_reminders(app, clock.at(1, 14)) == 0
    assert len(api.calls_to("sendMessage", ana.user_id)) == sent


async def test_no_reminder_after_delete(
    person: PersonFactory, app: BotApplication, clock: TourClock, api: FakeBotAPI
) -> None:
    ana = person()
    await started(ana)
    await ana.send("/delete")
    await ana.tap("Oui, tout effacer")
    sent = len(api.calls_to("sendMessage", ana.user_id))
    assert await send_due_reminders(app, clock.at(1, 14)) == 0
    assert len(api.calls_to("sendMessage", ana.user_id)) == sent


class TestFinished:
    """The short flow (with a notice added), to finish it in a few taps."""

    @pytest.fixture
    def flow(self, mini_flow: Flow) -> Flow:
        return mini_flow.model_copy(update={"consent": {"fr": "Vos données.", "en": "Your data."}})

    async def test_no_reminder_to_someone_who_finished(
        self, person: PersonFactory, app: BotApplication, clock: TourClock, api: FakeBotAPI
    ) -> None:
        ana, bob = person(), person()
        for someone in (ana, bob):
            await someone.send("/start")
            await someone.tap(AGREE)
            await someone.tap("Continuer ▶")
            await someone.send("ACME")
        await ana.send("12")
        for label in (
            "Industrie",
            "Non",
            "3",
            "Coût",
            "Temps",
            "Valider ce classement",
            "Passer ⏭",
        ):
            await ana.tap(label)
        assert ana.last.labels() == ["✏️ Modifier une réponse"]
        sent = len(api.calls_to("sendMessage", ana.user_id))

        # Bob, who stopped half-way, is the one reminded.
        assert await send_due_reminders(app, clock.at(1, 14)) == 1
        assert len(api.calls_to("sendMessage", ana.user_id)) == sent
        assert bob.last_text.startswith(
            "Bonjour\u00a0! Votre questionnaire «\u00a0Mini\u00a0» n’est pas terminé"
        )


# --- daily upkeep ---------------------------------------------------------------------------


async def test_upkeep_closes_a_stale_response_which_can_still_be_resumed(
    person: PersonFactory, app: BotApplication, clock: TourClock, query: Query
) -> None:
    ana, bob = person(), person()
    await started(ana)
    clock.at(14, 13)
    await started(bob)

    await daily_upkeep(app, clock.at(15, 14))

    statuses = {
        row["external_id"]: row["status"]
        for row in query(
            "SELECT p.external_id, r.status FROM responses r "
            "JOIN respondents p ON p.id = r.respondent_id"
        )
    }
    assert statuses == {str(ana.user_id): "abandoned", str(bob.user_id): "in_progress"}
    assert len(query("SELECT * FROM answers")) == 4  # closing keeps the answers
    # An abandoned response is not reminded; Bob's, a day old, is.
    assert await send_due_reminders(app, clock.at(15, 14)) == 1
    assert reminders_to(ana) == [] and len(reminders_to(bob)) == 1

    await ana.send("/start")
    assert ana.last_text.startswith("Vous avez un questionnaire en cours (2\u00a0réponses sur 51).")
    await ana.tap("Reprendre ▶")
    assert ana.last_text.startswith("Question 3/")
    await ana.tap("10 à 49")
    (response,) = query(
        "SELECT r.status FROM responses r JOIN respondents p ON p.id = r.respondent_id "
        "WHERE p.external_id = ?",
        str(ana.user_id),
    )
    assert response["status"] == "in_progress"


class TestRetention:
    @pytest.fixture
    def policy(self) -> Policy:
        return Policy(every_seconds=3600, retention=dt.timedelta(days=60))

    async def test_upkeep_deletes_responses_past_the_retention_period(
        self, person: PersonFactory, app: BotApplication, clock: TourClock, query: Query
    ) -> None:
        ana, bob = person(), person()
        await started(ana)
        clock.at(40, 13)
        await started(bob)

        await daily_upkeep(app, clock.at(61, 14))

        (respondent,) = query("SELECT external_id FROM respondents")
        assert respondent["external_id"] == str(bob.user_id)
        assert len(query("SELECT * FROM responses")) == 1
        assert len(query("SELECT * FROM answers")) == 2
        # Ana's next visit starts afresh, with the notice.
        await ana.send("/start")
        assert ana.last.labels() == [AGREE, "Je refuse", "English"]


async def test_a_restarted_bot_does_its_upkeep_at_once(
    app: BotApplication, api: FakeBotAPI, make_app: AppFactory, clock: TourClock, db_path: Path
) -> None:
    """The upkeep runs at start, not a day later: a bot restarted each night still closes."""

    def statuses() -> list[str]:
        with contextlib.closing(sqlite3.connect(db_path)) as conn:
            return [status for (status,) in conn.execute("SELECT status FROM responses")]

    async with running(app, db_path):  # the bot before its restart
        await started(Person(Updates(app, api), 501, first_name="Ana"))
    clock.at(15, 14)  # two weeks idle: due to be closed as abandoned
    again = make_app(FakeBotAPI())
    async with running(again, db_path):
        for _ in range(60):  # the round runs a second after the application starts
            await asyncio.sleep(0.05)
            if statuses() == ["abandoned"]:
                break
    assert statuses() == ["abandoned"]
