"""A chat's own command menu, in the language the bot speaks there when it is not the app's.

The menus set at start-up (`menus.py`) follow the Telegram app's language. Someone
whose app is in French who chose English (with /language, or from a list or a link in
English) read "Effacer mes réponses" in the ☰ menu while the notice named "Erase my
answers". After a reply in another language than the menu the chat shows, the chat
gets its own, in the reply's language: Telegram shows a chat's own menu
(`BotCommandScopeChat`) before the one for every private chat in the app's language.
One call for a respondent; an organiser's chat has its own menus already, one per
language, and each is set again in the reply's language (a call per language).

Remembered in this process only, for the chats set last: after a restart, a chat is
set again once (one call) if its replies are not in the app's language, and a choice
of the app's language sets the chat's menu unless this process set it so already (the
chat's own menu, set before the restart, may be in the other).
A menu is a comfort: one Telegram refuses is logged in one line, and the reply stands.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial
from typing import Any, Final

from telegram import BotCommandScopeChat as ChatScope
from telegram.error import TelegramError

from bot.telegram.menus import Languages, organiser_menu, respondent_menu, set_menu
from flows import Catalogue, StageDef

log = logging.getLogger(__name__)

MAX_CHATS: Final = 10_000
"""Chats whose menu language is remembered at most (the oldest set are forgotten first)."""


class ChatMenus:
    """The language of the menu set for each chat lately, and the setting of one."""

    def __init__(self, organiser: Sequence[str] = (), *, max_chats: int = MAX_CHATS) -> None:
        self.organiser = organiser
        self._set_in: dict[int, str] = {}  # chat -> language, oldest set first
        self._max_chats = max_chats
        self._languages: tuple[Catalogue, Languages] | None = None

    async def follow(
        self,
        bot: Any,
        chat_id: int,
        *,
        lang: str,
        app_language: str | None,
        catalogue: Catalogue,
        organiser: bool,
        stages: Sequence[StageDef],
        chosen: bool = False,
    ) -> None:
        """Give `chat_id` a menu in `lang` unless the one it shows is in it already.

        `chosen`: the person has just chosen `lang`; set even in the app's language, unless
        this process set it in `lang` already (a menu of the chat's own, from before a
        restart, may be in the other)."""
        languages = self._of(catalogue)
        remembered = self._set_in.get(chat_id)
        if remembered == lang:
            return
        in_apps = lang == _app_menu_language(app_language, languages)
        if remembered is None and in_apps and not chosen:
            return
        try:
            if organiser:
                menu = partial(organiser_menu, self.organiser, stages=stages, languages=languages)
                await set_menu(bot, ChatScope(chat_id), lambda _: menu(lang), languages)
            else:
                await bot.set_my_commands(
                    respondent_menu(lang, languages), scope=ChatScope(chat_id)
                )
        except TelegramError as error:
            log.warning("could not set a chat's command menu in %s: %s", lang, error)
            return
        self._set_in.pop(chat_id, None)
        self._set_in[chat_id] = lang
        if len(self._set_in) > self._max_chats:
            del self._set_in[next(iter(self._set_in))]

    def _of(self, catalogue: Catalogue) -> Languages:
        """The catalogue's languages, worked out once for it."""
        if self._languages is None or self._languages[0] is not catalogue:
            self._languages = (catalogue, Languages(catalogue))
        return self._languages[1]


def _app_menu_language(app_language: str | None, languages: Languages) -> str:
    """The language of the menu Telegram shows an app in `app_language` ("en-GB": "en")."""
    primary = (app_language or "").split("-")[0].lower()
    return primary if primary in languages.offered else languages.default
