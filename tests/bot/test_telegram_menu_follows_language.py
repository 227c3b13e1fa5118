"""The ☰ command menu speaks the language the bot speaks in the chat, not only the app's.

Set at start-up for every private chat in each app language, it said "Effacer mes
réponses" to someone with a French app who had chosen English, while the notice
named "Erase my answers". Read at the Bot API boundary: the menu Telegram would show
a chat, by its own rule (the chat's menu in the app's language, the chat's, then every
private chat's in the app's language, then every private chat's).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.bot.test_telegram_command_menus import in_process_calls, menus_set
from tests.support.fake_bot_api import FakeBotAPI, Person

PersonFactory = Callable[..., Person]
AGREE = "✅ J’accepte"
ORGANISER = 700_001


@pytest.fixture
def admins() -> frozenset[int]:
    return frozenset({ORGANISER})


def menu_seen(api: FakeBotAPI, chat_id: int, app_language: str | None) -> list[str]:
    """The descriptions of the menu Telegram shows `chat_id`, whose app is in `app_language`."""
    menus = menus_set(in_process_calls(api))
    for key in (
        ("chat", chat_id, app_language),
        ("chat", chat_id, None),
        ("all_private_chats", None, app_language),
        ("all_private_chats", None, None),
    ):
        if key in menus:
            return [description for _, description in menus[key]]
    raise AssertionError("no menu at all")


def menu_calls(api: FakeBotAPI) -> int:
    return sum(1 for method, _ in in_process_calls(api) if method == "setMyCommands")


async def test_english_chosen_in_a_french_app_gives_the_chat_an_english_menu(
    person: PersonFactory, api: FakeBotAPI
) -> None:
    ana = person(language_code="fr")
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    assert "Effacer mes réponses" in menu_seen(api, ana.user_id, "fr")
    await ana.send("/language")
    await ana.tap("English")

    seen = menu_seen(api, ana.user_id, "fr")
    assert "Erase my answers" in seen and "Effacer mes réponses" not in seen
    calls = menu_calls(api)
    await ana.send("Acme")  # answered in English again: the menu is already so
    assert menu_calls(api) == calls

    await ana.send("/language")
    await ana.tap("Français")
    assert "Effacer mes réponses" in menu_seen(api, ana.user_id, "fr")


async def test_french_chosen_in_an_english_app_gives_a_french_menu(
    person: PersonFactory, api: FakeBotAPI
) -> None:
    bob = person(language_code="en")
    await bob.send("/start pithiviers")
    await bob.send("/language")
    await bob.tap("Français")
    assert "Effacer mes réponses" in menu_seen(api, bob.user_id, "en")


async def test_a_chat_in_its_apps_language_costs_no_menu_call(
    person: PersonFactory, api: FakeBotAPI
) -> None:
    calls = menu_calls(api)
    ana = person(language_code="fr")
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    await ana.send("Acme")
    bob = person(language_code="de")  # no questionnaire in German: the French default
    await bob.send("/start pithiviers")
    assert menu_calls(api) == calls


async def test_an_organiser_keeps_the_organiser_commands_in_the_language_chosen(
    person: PersonFactory, api: FakeBotAPI
) -> None:
    olga = person(ORGANISER, language_code="fr")
    await olga.send("/start pithiviers")
    await olga.send("/language")
    await olga.tap("English")

    seen = menu_seen(api, ORGANISER, "fr")
    assert seen[0] == "Responses per workshop, rate, median, today"
    assert "Erase my answers" in seen
