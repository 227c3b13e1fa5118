"""Reminders found wrong by a respondent: sent after they finished or went on during the round.

Time is the application's clock, moved by the test; the rounds are called as the bot's
loop calls them, against the fake Bot API.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram.request import RequestData

from bot.telegram import BotApplication, build_application
from bot.telegram.jobs import send_due_reminders
from conversation import Policy
from flows import Flow, StageDef
from tests.conftest import Clock
from tests.support.fake_bot_api import TOKEN, ChatMessage, FakeBotAPI, Person

PARIS = ZoneInfo("Europe/Paris")
START = dt.datetime(2019, 6, 4, 13, 0, tzinfo=PARIS)  # a Tuesday, 13:00 in Paris
DUE = START + dt.timedelta(days=1, hours=1)  # the next day at 14:00
REMINDER = "Bonjour\u00a0! Votre questionnaire"
AGREE = "✅ J’accepte"

PersonFactory = Callable[..., Person]


@dataclass
class RoundAPI(FakeBotAPI):
    """The fake Bot API; `during_first` runs while the round's first reminder is being sent."""

    during_first: Callable[[], Awaitable[None]] | None = None
    reminders: list[int] = field(default_factory=list)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        params = dict(request_data.parameters) if request_data else {}
        if url.endswith("/sendMessage") and str(params.get("text", "")).startswith(REMINDER):
            self.reminders.append(int(str(params["chat_id"])))
            if self.during_first is not None:
                during, self.during_first = self.during_first, None
                await during()
        return await super().do_request(url, method, request_data)


@pytest.fixture
def api() -> RoundAPI:
    return RoundAPI()


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def flow(mini_flow: Flow) -> Flow:
    return mini_flow.model_copy(update={"consent": {"fr": "Vos données.", "en": "Your data."}})


@pytest.fixture
def make_app(flow: Flow, stages: list[StageDef], clock: Clock) -> Callable[[FakeBotAPI], Any]:
    def make(api: FakeBotAPI) -> BotApplication:
        app = build_application(
            token=TOKEN,
            flow=flow,
            stages=stages,
            request=api,
            rate_limit=False,
            policy=Policy(every_seconds=3600),
        )
        app.bot_data.clock = clock
        return app

    return make


async def half_way(someone: Person) -> None:
    await someone.send("/start")
    await someone.tap(AGREE)
    await someone.tap("Continuer ▶")
    await someone.send("ACME")


async def finish(someone: Person) -> None:
    await someone.send("12")
    for label in ("Industrie", "Non", "3", "Coût", "Temps", "Passer ⏭"):
        await someone.tap(label)
    assert someone.last.labels() == ["✏️ Modifier une réponse"]


def reminders_to(someone: Person) -> list[ChatMessage]:
    return [m for m in someone.chat if m.text.startswith(REMINDER)]


async def test_someone_who_finishes_while_the_round_runs_is_not_told_they_have_not(
    person: PersonFactory, app: BotApplication, api: RoundAPI, clock: Clock
) -> None:
    ana, bob = person(), person()
    await half_way(ana)
    await half_way(bob)
    clock.now = DUE

    async def bob_finishes() -> None:
        await finish(bob)

    api.during_first = bob_finishes
    assert await send_due_reminders(app, DUE) == 1
    assert len(reminders_to(ana)) == 1
    assert reminders_to(bob) == [], "Bob finished before his reminder went"
    assert bob.last.labels() == ["✏️ Modifier une réponse"]


async def test_someone_who_goes_on_while_the_round_runs_is_reminded_only_when_idle_again(
    person: PersonFactory, app: BotApplication, api: RoundAPI, clock: Clock
) -> None:
    ana, bob = person(), person()
    await half_way(ana)
    await half_way(bob)
    clock.now = DUE

    async def bob_goes_on() -> None:
        await bob.send("12")

    api.during_first = bob_goes_on
    assert await send_due_reminders(app, DUE) == 1
    assert reminders_to(bob) == [], "Bob had just answered"
    # A day of silence after that answer: his one reminder, counting it.
    clock.now = DUE + dt.timedelta(days=1, hours=1)
    assert await send_due_reminders(app, clock.now) == 1
    (reminder,) = reminders_to(bob)
    assert "2\u00a0réponses" in reminder.text
