"""The "which answer do you want to change?" picker, once the questionnaire is finished:
its number buttons go once the person moves on, even by typing the number instead.

The real application through the fake Bot API; the chat read as the person sees it, and
the database read as an analyst would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.telegram import BotApplication, running
from flows import StageDef
from tests.bot.test_telegram_after_the_end import PICK, finished
from tests.bot.test_telegram_flow import AGREE, answer_everything, brief_end, question
from tests.support.fake_bot_api import ChatMessage, FakeBotAPI, Person, Updates

PersonFactory = Callable[..., Person]
Query = Callable[..., list[sqlite3.Row]]
STALE = "Ce bouton n’est plus actif\u00a0: répondez à la dernière question."


def snapshot(query: Query) -> list[tuple[Any, ...]]:
    """What a tap could change: the responses with their state, and the answers."""
    rows = query("SELECT id, status, state_json FROM responses")
    rows += query("SELECT response_id, question_id, value_json, other_text FROM answers")
    return [tuple(row) for row in rows]


def removals(api: FakeBotAPI, message: ChatMessage) -> list[Any]:
    """The calls that removed (or replaced) `message`'s buttons."""
    return [
        call
        for call in api.calls_to("editMessageReplyMarkup", message.chat_id)
        if int(call.params["message_id"]) == message.message_id
    ]


async def open_picker(ana: Person) -> ChatMessage:
    await ana.tap("✏️ Modifier une réponse")
    pick = ana.last
    assert pick.text == PICK and "5" in pick.labels()
    return pick


async def test_typing_a_number_at_the_picker_removes_its_buttons(
    person: PersonFactory, api: FakeBotAPI
) -> None:
    ana = await finished(person)
    pick = await open_picker(ana)

    await ana.send("3")

    message, n, _, _ = question(ana)
    assert n == 3
    assert pick.keyboard is None  # removed, not left to be tapped later
    assert [len(c.params.get("reply_markup") or "") for c in removals(api, pick)] == [0]
    assert ana.live_keyboards() == [message]  # one live keyboard in the chat: the question's
    # Answered, the question gives way to the summary; the picker is not touched again.
    await ana.tap("50 à 249")
    assert len(removals(api, pick)) == 1
    brief_end(ana)


async def test_a_late_tap_on_the_pickers_old_button_changes_nothing(
    person: PersonFactory, query: Query
) -> None:
    """A phone that had not yet shown the buttons gone can still send a tap on one."""
    ana = await finished(person)
    pick = await open_picker(ana)
    five = ana.data_of("5", pick)
    await ana.send("3")
    on_screen = ana.last
    before, sent = snapshot(query), len(ana.chat)

    await ana.tap_data(five, message=pick)

    assert ana.answers_to_queries()[-1].get("text") == STALE
    assert snapshot(query) == before  # question 5 not opened: 3 is still the one waiting
    assert len(ana.chat) == sent
    assert ana.live_keyboards() == [on_screen]
    await ana.tap("50 à 249", message=on_screen)
    brief_end(ana)


async def test_tapping_a_number_still_opens_that_question_and_uses_the_picker_up(
    person: PersonFactory,
) -> None:
    ana = await finished(person)
    pick = await open_picker(ana)

    await ana.tap("3", message=pick)

    message, n, _, _ = question(ana)
    assert n == 3
    assert pick.keyboard is None
    assert ana.live_keyboards() == [message]


async def test_after_a_restart_the_typed_number_still_removes_the_pickers_buttons(
    api: FakeBotAPI, make_app: Callable[[FakeBotAPI], BotApplication], tmp_path: Path
) -> None:
    """Which message holds the live buttons is kept in the database, not in memory."""
    db_path = tmp_path / "survey.sqlite3"
    first = make_app(api)
    async with running(first, db_path):
        updates = Updates(first, api)
        ana = Person(updates, 777)
        await ana.send("/start pithiviers")
        await ana.tap(AGREE)
        await answer_everything(ana)
        pick = await open_picker(ana)
        next_update = updates.next_id()

    again = api.reconnected()
    second = make_app(again)
    async with running(second, db_path):
        ana = Person(Updates(second, again, first_update_id=next_update + 1), 777)
        await ana.send("3")
        message, n, _, _ = question(ana)

    assert n == 3
    assert pick.keyboard is None
    assert ana.live_keyboards() == [message]


class TestAPagedMenuUsedUp:
    @pytest.fixture
    def stages(self) -> list[StageDef]:
        return [StageDef(code=f"etape-{n:04d}", city=f"Ville {n:04d}") for n in range(1, 61)]

    async def test_a_late_tap_on_its_page_button_does_not_bring_the_buttons_back(
        self, person: PersonFactory
    ) -> None:
        ana = person()
        await ana.send("/start atlantis")
        picker = ana.last_with_buttons()
        more = ana.data_of("Suite ▶ 2/3", picker)
        await ana.tap("Ville 0001", message=picker)
        assert picker.keyboard is None
        notice = ana.last

        await ana.tap_data(more, message=picker)

        assert ana.answers_to_queries()[-1].get("text") == STALE
        assert picker.keyboard is None
        assert ana.live_keyboards() == [notice]

    async def test_its_pages_turn_in_the_language_the_person_chose_not_their_apps(
        self, person: PersonFactory
    ) -> None:
        ana = person(language_code="fr")
        await ana.send("/start etape-0001")
        await ana.tap("English")
        await ana.send("/start atlantis")
        picker = ana.last_with_buttons()
        assert "More ▶ 2/3" in picker.labels()

        await ana.tap("More ▶ 2/3", message=picker)

        assert "◀ Previous 1/3" in picker.labels()
        assert "More ▶ 3/3" in picker.labels()
