"""The Telegram bot once the questionnaire is closed (SURVEYBOT_CLOSED, `Policy.closed`).

The tour is over and the bot restarted closed (say, to use /export): a respondent
who writes, taps an old button or opens a link is told, once per message, that it
is closed, and nothing of theirs is stored; /mydata and /delete still work; an
organiser's /stats still works; no reminder goes out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.telegram import BotApplication, build_application, running
from bot.telegram.jobs import send_due_reminders
from conversation import Policy
from flows import Flow, StageDef
from tests.conftest import Clock
from tests.support.fake_bot_api import TOKEN, FakeBotAPI, Person, Updates

PARIS = ZoneInfo("Europe/Paris")
START = dt.datetime(2019, 6, 4, 13, 0, tzinfo=PARIS)  # a Tuesday afternoon, in Paris
NEXT_AFTERNOON = dt.datetime(2019, 6, 5, 14, 0, tzinfo=PARIS)  # a reminder would be due
ORGANISER = 900_001
CLOSED_SENTENCE = (
    "Le questionnaire est clos\u00a0: il n’est plus possible d’y répondre. Merci à toutes "
    "celles et ceux qui ont répondu\u00a0!"
)
CLOSED = f"{CLOSED_SENTENCE} Vos données restent consultables (/mydata) et effaçables (/delete)."
CLOSED_EN = (
    "The questionnaire is closed: answers are no longer taken. Thank you to everyone who took "
    "part! Your data can still be seen (/mydata) and erased (/delete)."
)


@pytest.fixture
def flow(mini_flow: Flow) -> Flow:
    return mini_flow


def bot(
    api: FakeBotAPI, flow: Flow, stages: list[StageDef], clock: Clock, *, closed: bool
) -> BotApplication:
    """The bot as `surveybot run` builds it, `--closed` or not; its loop's rounds hourly."""
    app = build_application(
        token=TOKEN,
        flow=flow,
        stages=stages,
        request=api,
        rate_limit=False,
        admins=frozenset({ORGANISER}),
        policy=Policy(every_seconds=3600, closed=closed),
    )
    app.bot_data.clock = clock
    return app


def rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(db_path)) as conn:
        return conn.execute(sql).fetchall()


async def test_a_closed_bot_tells_respondents_and_keeps_the_organisers_and_the_rights(
    flow: Flow, bundled_stages: list[StageDef], tmp_path: Path
) -> None:
    api, db_path, clock = FakeBotAPI(), tmp_path / "survey.sqlite3", Clock(START)
    before_close = bot(api, flow, bundled_stages, clock, closed=False)
    async with running(before_close, db_path):
        updates = Updates(before_close, api)
        ana = Person(updates, 501)
        await ana.send("/start pithiviers")
        await ana.tap("Continuer ▶")
        await ana.send("ACME")
        assert ana.last_text.startswith("Question 2/")
        next_id = updates.next_id() + 1
    answers = rows(db_path, "SELECT question_id, value_json FROM answers")
    dump = rows(db_path, "SELECT * FROM responses")

    closed = bot(api, flow, bundled_stages, clock, closed=True)
    async with running(closed, db_path):
        updates = Updates(closed, api, first_update_id=next_id)
        ana = Person(updates, 501)
        seen = len(ana.chat)
        await ana.send("12")  # the answer to the question still on screen
        assert ana.last_text == CLOSED
        await ana.send("/start pithiviers")
        assert ana.last_text == CLOSED
        await ana.send("/restart")
        assert ana.last_text == CLOSED
        assert [m.text for m in ana.chat[seen:]] == [CLOSED] * 3
        bea = Person(updates, 502)
        await bea.send("/start pithiviers")
        assert [m.text for m in bea.chat] == [CLOSED]
        tom = Person(updates, 503, language_code="en")
        await tom.send("/start pithiviers")
        assert [m.text for m in tom.chat] == [CLOSED_EN]

        # Nothing stored: not Ana's answer, not Bea nor Tom as respondents.
        assert rows(db_path, "SELECT question_id, value_json FROM answers") == answers
        assert rows(db_path, "SELECT * FROM responses") == dump
        assert rows(db_path, "SELECT external_id FROM respondents") == [("501",)]

        # No reminder, though Ana has been idle a day: the round does nothing.
        clock.now = NEXT_AFTERNOON
        assert await send_due_reminders(closed, NEXT_AFTERNOON) == 0
        assert not [m for m in ana.chat if m.text.startswith("Bonjour\u00a0! Votre")]

        # The organiser's commands still work.
        boss = Person(updates, ORGANISER)
        await boss.send("/stats")
        assert "Total\n1\u00a0commencée · 0\u00a0terminée (0\u00a0%)" in boss.last_text

        # Ana's rights stay: a copy of her data, and erasing it.
        await ana.send("/mydata")
        assert "Voici les données enregistrées vous concernant" in "\n".join(
            m.text for m in ana.chat[-2:]
        )
        await ana.send("/delete")
        await ana.tap("Oui, tout effacer")
        assert "vos réponses et les données vous concernant ont été effacées" in ana.last_text
        assert rows(db_path, "SELECT COUNT(*) FROM respondents") == [(0,)]


async def test_the_open_bot_reminds_where_the_closed_one_does_not(
    flow: Flow, bundled_stages: list[StageDef], tmp_path: Path
) -> None:
    # The same day and idle respondent, open: one reminder (so the closed test's 0 says closed).
    api, db_path, clock = FakeBotAPI(), tmp_path / "survey.sqlite3", Clock(START)
    app: BotApplication = bot(api, flow, bundled_stages, clock, closed=False)
    async with running(app, db_path):
        ana = Person(Updates(app, api), 501)
        await ana.send("/start pithiviers")
        await ana.tap("Continuer ▶")
        await ana.send("ACME")
        clock.now = NEXT_AFTERNOON
        assert await send_due_reminders(app, NEXT_AFTERNOON) == 1


async def test_an_edit_a_group_and_an_old_question_are_told_it_is_closed(
    flow: Flow, bundled_stages: list[StageDef], tmp_path: Path
) -> None:
    api, db_path, clock = FakeBotAPI(), tmp_path / "survey.sqlite3", Clock(START)
    before_close = bot(api, flow, bundled_stages, clock, closed=False)
    async with running(before_close, db_path):
        updates = Updates(before_close, api)
        ana = Person(updates, 501)
        await ana.send("/start pithiviers")
        await ana.tap("Continuer ▶")
        await ana.send("ACME")
        await ana.send("12")
        live = ana.last_with_buttons()  # "Secteur ?", its buttons on screen
        next_id = updates.next_id() + 1

    closed = bot(api, flow, bundled_stages, clock, closed=True)
    async with running(closed, db_path):
        updates = Updates(closed, api, first_update_id=next_id)
        ana = Person(updates, 501)
        edited = ana.message_update("ACME Corp")
        edited["edited_message"] = edited.pop("message")
        edited["edited_message"]["edit_date"] = edited["edited_message"]["date"]
        await updates.feed(edited)
        assert ana.last_text == CLOSED  # not "go back with /back"
        await ana.send("/help")
        assert ana.last_text == CLOSED  # naming /mydata and /delete, which still work

        await ana.tap(live.labels()[0], message=live)

        assert ana.last_text == CLOSED
        assert ana.live_keyboards() == []  # the question's buttons go with the tap

        group = {"id": -501, "type": "group", "title": "Atelier"}
        await updates.feed(ana.message_update("/start pithiviers", chat=group))
        assert [m.text for m in api.chat(-501)] == [CLOSED_SENTENCE]  # not "write to me"
