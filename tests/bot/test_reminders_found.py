"""Reminders found wrong by a respondent: sent after they finished or went on during the round.

Time is the application's clock, moved by the test; the rounds are called as the bot's
loop calls them, against the fake Bot API.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram.request import RequestData

from bot.telegram import BotApplication, build_application, running
from bot.telegram.jobs import send_due_reminders
from conversation import Policy
from flows import Flow, StageDef, load_flow
from tests.conftest import MINI, Clock, LoggedErrors
from tests.support.fake_bot_api import TOKEN, ChatMessage, FakeBotAPI, Person, Updates

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


AppFactory = Callable[..., BotApplication]


@pytest.fixture
def make_app(flow: Flow, stages: list[StageDef], clock: Clock) -> AppFactory:
    """`make_app(api)`, or `make_app(api, another_flow)`: a new application (a new process)."""

    def make(api: FakeBotAPI, running_flow: Flow | None = None) -> BotApplication:
        app = build_application(
            token=TOKEN,
            flow=running_flow or flow,
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
    for label in ("Industrie", "Non", "3", "Coût", "Temps", "Valider ce classement", "Passer ⏭"):
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


async def test_no_reminder_when_the_new_version_leaves_nothing_to_answer(
    make_app: AppFactory, clock: Clock, tmp_path: Path
) -> None:
    # Version 2 keeps only the questions Ana answered: her response is complete under it.
    head, _ = MINI.read_text(encoding="utf-8").split("      - id: staff", 1)
    shorter = tmp_path / "mini.yaml"
    shorter.write_text(
        head.replace("version: 1", "version: 2") + "consent: {fr: Vos données., en: Your data.}\n",
        encoding="utf-8",
    )
    api, db_path = FakeBotAPI(), tmp_path / "survey.sqlite3"
    first = make_app(api)
    async with running(first, db_path):
        updates = Updates(first, api)
        await half_way(Person(updates, 42))
        next_id = updates.next_id() + 1

    second = make_app(api, load_flow(shorter))
    async with running(second, db_path):
        clock.now = DUE
        # Not "not finished (0 of 0)", then "you have already answered" under its button.
        assert await send_due_reminders(second, DUE) == 0
        ana = Person(Updates(second, api, first_update_id=next_id), 42)
        assert reminders_to(ana) == []


async def test_one_response_that_cannot_be_read_does_not_stop_the_others_reminders(
    person: PersonFactory,
    app: BotApplication,
    clock: Clock,
    db_path: Path,
    logged_errors: LoggedErrors,
) -> None:
    ana, bob = person(), person()
    await half_way(ana)
    await half_way(bob)
    # Ana's saved state no longer reads (a hand edit, a bad restore): hers is the first due.
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        conn.execute(
            "UPDATE responses SET state_json = '{\"current\": 5}' "
            "WHERE id = (SELECT MIN(id) FROM responses)"
        )
        conn.commit()
    clock.now = DUE
    logged_errors.expect("its reminder could not be written")

    assert await send_due_reminders(app, DUE) == 1
    assert reminders_to(ana) == []
    assert len(reminders_to(bob)) == 1


async def test_a_round_that_reaches_the_night_leaves_the_rest_for_the_morning(
    person: PersonFactory, app: BotApplication, api: RoundAPI, clock: Clock
) -> None:
    ana, bob = person(), person()
    await half_way(ana)
    await half_way(bob)
    evening = START.replace(hour=19, minute=59) + dt.timedelta(days=1)
    clock.now = evening

    async def eight_strikes() -> None:
        clock.now = evening + dt.timedelta(minutes=1)  # the first reminder took a while

    api.during_first = eight_strikes
    assert await send_due_reminders(app, evening) == 1
    assert len(reminders_to(ana)) + len(reminders_to(bob)) == 1, "none after 20:00"
    clock.now = evening + dt.timedelta(hours=2)
    assert await send_due_reminders(app, clock.now) == 0
    clock.now = START.replace(hour=9) + dt.timedelta(days=2)
    assert await send_due_reminders(app, clock.now) == 1
    assert len(reminders_to(ana)) == len(reminders_to(bob)) == 1
