"""A stale tap costs one call: the tap answered, and no edit Telegram refuses as pointless.

A double tap's second press, or a tap on an earlier question whose buttons are gone,
is answered with a few words. Removing buttons the bot already removed is a call
Telegram answers with 400 "message is not modified", spent from the chat's budget
of calls. Buttons really left on an earlier question (from before a restart, say)
still go.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.telegram import BotApplication, running
from tests.bot.test_telegram_calls import CountingAPI
from tests.bot.test_telegram_robustness import at_sector, question_number
from tests.support.fake_bot_api import FakeBotAPI, Person, Updates

PersonFactory = Callable[..., Person]
AGREE = "✅ J’accepte"


@pytest.fixture
def api() -> CountingAPI:
    return CountingAPI()


def methods_since(api: FakeBotAPI, count: int) -> list[str]:
    return [call.method for call in api.calls[count:]]


async def test_a_double_tap_second_press_is_only_answered(
    person: PersonFactory, updates: Updates, api: CountingAPI
) -> None:
    ana = person()
    await at_sector(ana)
    data = ana.data_of("Agroalimentaire")
    first, second = ana.tap_update(data), ana.tap_update(data)
    await updates.feed(first)
    count = len(api.calls)
    await updates.feed(second)

    assert methods_since(api, count) == ["answerCallbackQuery"]
    assert api.pointless == []
    assert question_number(ana) == 3
    assert ana.live_keyboards() == [ana.last]


async def test_a_tap_on_an_earlier_question_without_buttons_is_only_answered(
    person: PersonFactory, api: CountingAPI
) -> None:
    ana = person()
    sector = await at_sector(ana)
    old_choice = ana.data_of("Métallurgie, mécanique")
    await ana.tap("Agroalimentaire")
    count = len(api.calls)

    # Telegram sends the message as it stands: answered, without its buttons.
    await ana.tap_data(old_choice, message=sector)

    assert methods_since(api, count) == ["answerCallbackQuery"]
    assert api.pointless == []
    assert sector.keyboard is None


async def test_buttons_left_on_an_earlier_question_still_go(
    api: CountingAPI, make_app: Callable[[FakeBotAPI], BotApplication], tmp_path: Path
) -> None:
    db_path = tmp_path / "survey.sqlite3"
    first = make_app(api)
    async with running(first, db_path):
        updates = Updates(first, api)
        ana = Person(updates, 42)
        sector = await at_sector(ana)
        buttons = sector.keyboard
        old_choice = ana.data_of("Métallurgie, mécanique")
        await ana.tap("Agroalimentaire")
        last_update_id = updates.next_id()
    # The edit that took them away was lost (this process never knew of it): they show.
    sector.keyboard = buttons

    api_again = api.reconnected()
    second = make_app(api_again)
    async with running(second, db_path):
        ana = Person(Updates(second, api_again, first_update_id=last_update_id + 1), 42)
        await ana.tap_data(old_choice, message=sector)

    assert sector.keyboard is None
    assert question_number(ana) == 3
