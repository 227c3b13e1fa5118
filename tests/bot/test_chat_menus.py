"""`ChatMenus` on its own: when a chat's menu is set, and what is remembered of it.

A recording stand-in for the bot (its two menu methods only), the bundled catalogue
(French and English). The whole path, through the real handlers and the Bot API faked
at the HTTP boundary, is tests/bot/test_telegram_menu_follows_language.py.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from telegram.error import BadRequest

from bot.telegram.chat_menus import ChatMenus
from flows import Catalogue, Flow


class Bot:
    """Records each menu set: (chat, language of its commands' words)."""

    def __init__(self, refuse: bool = False) -> None:
        self.set: list[tuple[int, str]] = []
        self.refuse = refuse

    async def set_my_commands(self, commands: list[Any], scope: Any, **_: Any) -> None:
        if self.refuse:
            raise BadRequest("Too many requests")
        english = any(c.description == "Erase my answers" for c in commands)
        self.set.append((scope.chat_id, "en" if english else "fr"))

    async def delete_my_commands(self, **_: Any) -> None:
        pass


@pytest.fixture
def catalogue(bundled_flow: Flow) -> Catalogue:
    return Catalogue.of(bundled_flow)


async def follow(
    menus: ChatMenus, bot: Bot, catalogue: Catalogue, chat: int, lang: str, **how: Any
) -> None:
    how.setdefault("app_language", "fr")
    await menus.follow(bot, chat, lang=lang, catalogue=catalogue, organiser=False, stages=[], **how)


async def test_a_reply_in_the_apps_language_sets_nothing_and_another_once(
    catalogue: Catalogue,
) -> None:
    menus, bot = ChatMenus(), Bot()
    await follow(menus, bot, catalogue, 1, "fr")
    await follow(menus, bot, catalogue, 1, "en")
    await follow(menus, bot, catalogue, 1, "en")
    await follow(menus, bot, catalogue, 1, "fr")  # back to the app's: the chat's own menu too
    assert bot.set == [(1, "en"), (1, "fr")]


async def test_a_choice_of_the_apps_language_sets_it_unless_set_so_already(
    catalogue: Catalogue,
) -> None:
    """After a restart, a chat's own menu may be in the other language: a choice sets it."""
    menus, bot = ChatMenus(), Bot()
    await follow(menus, bot, catalogue, 1, "fr", chosen=True)
    await follow(menus, bot, catalogue, 1, "fr", chosen=True)  # "• Français" tapped again
    assert bot.set == [(1, "fr")]


async def test_the_chats_set_longest_ago_are_forgotten_first(catalogue: Catalogue) -> None:
    menus, bot = ChatMenus(max_chats=2), Bot()
    for chat in (1, 2, 3):
        await follow(menus, bot, catalogue, chat, "en")
    await follow(menus, bot, catalogue, 3, "en")  # remembered: no call
    await follow(menus, bot, catalogue, 1, "en")  # forgotten: set again
    assert bot.set == [(1, "en"), (2, "en"), (3, "en"), (1, "en")]


async def test_a_menu_refused_is_logged_in_one_line_and_not_remembered(
    catalogue: Catalogue, caplog: pytest.LogCaptureFixture
) -> None:
    menus, bot = ChatMenus(), Bot(refuse=True)
    with caplog.at_level(logging.WARNING):
        await follow(menus, bot, catalogue, 1, "en")
    assert [r.getMessage() for r in caplog.records] == [
        "could not set a chat's command menu in en: Too many requests"
    ]
    bot.refuse = False
    await follow(menus, bot, catalogue, 1, "en")  # tried again on the next reply
    assert bot.set == [(1, "en")]
