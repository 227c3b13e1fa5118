"""The command menus Telegram shows by the message box: the respondents', and the organisers'.

The respondents' menu is set for every private chat (`BotCommandScopeAllPrivateChats`).
Each organiser (SURVEYBOT_ADMINS) gets their own in their private chat with the bot
(`BotCommandScopeChat`): the organiser commands first, as their /help lists them, then
the respondents'. Telegram shows a chat the menu of the narrowest scope set for it, in
the person's language if there is one: each menu is set in French and English, and
French for any other language.

A menu is a comfort: the commands work without one. So a menu Telegram refuses is
logged in one line and start-up goes on; an organiser's refused (most often "chat not
found": they have not opened the bot yet) does not keep the others' from being set, and
is set when they first write to the bot (`app.py` watches for them).
These calls name no chat of their own (the organiser's is inside the scope): the
fairness layer lets them through without a slot, as it does the respondents' menu.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from enum import Enum
from functools import partial
from typing import Any, Final

from telegram import BotCommand, BotCommandScope, BotCommandScopeAllPrivateChats, Update
from telegram import BotCommandScopeChat as ChatScope
from telegram.error import BadRequest, TelegramError
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.telegram.words import org
from conversation import MENU_ORDER, say
from flows import StageDef

log = logging.getLogger(__name__)

LANGUAGES: Final = ("fr", "en")
DEFAULT_LANGUAGE: Final = "fr"


def respondent_menu(lang: str) -> list[BotCommand]:
    """The respondents' commands, in the conversation's words."""
    return [BotCommand(name, say(f"cmd_{name}", lang)) for name in MENU_ORDER]


def organiser_menu(
    commands: Sequence[str], lang: str, stages: Sequence[StageDef]
) -> list[BotCommand]:
    """The organiser commands (as their /help describes them, naming `stages` as they are
    called), then the respondents'."""
    own = [BotCommand(name, _sentence(org(f"org_help_{name}", lang, stages))) for name in commands]
    return own + respondent_menu(lang)


async def register_menus(
    bot: Any, admins: frozenset[int], organiser: Sequence[str], stages: Sequence[StageDef]
) -> set[int]:
    """The respondents' menu, then each organiser's; none stops the start. Returns the
    organisers Telegram does not know yet: their menu is for when they first write."""
    try:
        await _set_menu(bot, BotCommandScopeAllPrivateChats(), respondent_menu)
    except TelegramError as error:  # refused, unreachable, or flood control (RetryAfter)
        log.warning("could not register the command menu: %s", error)
    waiting = set()
    for admin in sorted(admins):
        if await set_organiser_menu(bot, admin, organiser, stages) is MenuSet.UNKNOWN_CHAT:
            log.info(
                "organiser %s has not opened a chat with the bot yet: their command menu "
                "will be set when they first write to it (their /help lists the commands)",
                admin,
            )
            waiting.add(admin)
    return waiting


class MenuSet(Enum):
    """What came of setting an organiser's menu."""

    SET = "set"
    UNKNOWN_CHAT = "unknown chat"  # they have not written to the bot yet
    FAILED = "failed"  # logged where it happened


async def set_organiser_menu(
    bot: Any, admin: int, organiser: Sequence[str], stages: Sequence[StageDef]
) -> MenuSet:
    """The organiser's menu in their chat, in each language."""
    try:
        menu = partial(organiser_menu, organiser, stages=stages)
        await _set_menu(bot, ChatScope(admin), menu)
    except BadRequest as error:
        if "chat not found" in error.message.lower():
            return MenuSet.UNKNOWN_CHAT
        log.warning("Telegram refused organiser %s's command menu: %s", admin, error)
        return MenuSet.FAILED
    except TelegramError as error:
        log.warning("could not register organiser %s's command menu: %s", admin, error)
        return MenuSet.FAILED
    return MenuSet.SET


async def _set_menu(
    bot: Any, scope: BotCommandScope, menu: Callable[[str], list[BotCommand]]
) -> None:
    """`menu(lang)` in each language for `scope`, and the French one for any other language."""
    for lang in LANGUAGES:
        await bot.set_my_commands(menu(lang), scope=scope, language_code=lang)
    await bot.set_my_commands(menu(DEFAULT_LANGUAGE), scope=scope)


class MenusLater:
    """Organisers whose menu waits for their first message, and the handler that sets it
    then: Telegram knows their chat once they have written."""

    def __init__(self, organiser: Sequence[str], stages: Sequence[StageDef]) -> None:
        self.organiser, self.stages = organiser, stages
        self.waiting = filters.User(allow_empty=False)  # empty: matches no one

    def wait_for(self, admins: set[int]) -> None:
        self.waiting.add_user_ids(admins)

    def handler(self, private: filters.BaseFilter) -> BaseHandler[Update, Any, None]:
        """Runs beside the update's own handler (its own group, not blocking it)."""
        return MessageHandler(private & self.waiting, self._set, block=False)

    async def _set(self, update: Update, context: Any) -> None:
        user = update.effective_user
        if user is None:
            return
        self.waiting.remove_user_ids(user.id)  # once, whatever Telegram says
        outcome = await set_organiser_menu(context.bot, user.id, self.organiser, self.stages)
        if outcome is MenuSet.SET:
            log.info("organiser %s wrote to the bot: their command menu is set", user.id)
        elif outcome is MenuSet.UNKNOWN_CHAT:
            log.info("organiser %s's chat is still unknown to Telegram: no command menu", user.id)


def _sentence(text: str) -> str:
    """A /help line's description as a menu entry: capitalised, as the respondents' are."""
    return text[:1].upper() + text[1:]
