"""The command menus Telegram shows by the message box: the respondents', and the organisers'.

The respondents' menu is set for every private chat (`BotCommandScopeAllPrivateChats`).
Each organiser (SURVEYBOT_ADMINS) gets their own in their private chat with the bot
(`BotCommandScopeChat`): the organiser commands first, as their /help lists them, then
the respondents'. Telegram shows a chat the menu of the narrowest scope set for it, in
the person's language if there is one: each menu is set in every language the bot's
questionnaires are in (the catalogue's), and in the default questionnaire's language for
any other; one Telegram kept from an earlier run in a language they are not in any more
is deleted. /language is listed only when there is another language to change to.

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
from conversation import MENU_ORDER, commands_offered, languages_offered, say
from flows import Catalogue, StageDef

log = logging.getLogger(__name__)

KNOWN_LANGUAGES: Final = ("fr", "en")
"""The languages the bot's own words are written in: a menu Telegram may keep in one of
them from an earlier run is deleted when no questionnaire is in it any more."""


class Languages:
    """The languages of the bot's questionnaires (`catalogue`): each gets its menus, and
    the default questionnaire's is every other app language's."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.offered = languages_offered(catalogue.flows)
        self.default = catalogue.default.language
        self.commands = commands_offered(MENU_ORDER, self.offered)


def respondent_menu(lang: str, languages: Languages) -> list[BotCommand]:
    """The respondents' commands, in the conversation's words."""
    return [BotCommand(name, say(f"cmd_{name}", lang)) for name in languages.commands]


def organiser_menu(
    commands: Sequence[str], lang: str, stages: Sequence[StageDef], languages: Languages
) -> list[BotCommand]:
    """The organiser commands (as their /help describes them, naming `stages` as they are
    called), then the respondents'."""
    own = [BotCommand(name, _sentence(org(f"org_help_{name}", lang, stages))) for name in commands]
    return own + respondent_menu(lang, languages)


async def register_menus(
    bot: Any,
    admins: frozenset[int],
    organiser: Sequence[str],
    stages: Sequence[StageDef],
    catalogue: Catalogue,
) -> set[int]:
    """The respondents' menu, then each organiser's; none stops the start. Returns the
    organisers Telegram does not know yet: their menu is for when they first write."""
    languages = Languages(catalogue)
    try:
        menu = partial(respondent_menu, languages=languages)
        await set_menu(bot, BotCommandScopeAllPrivateChats(), menu, languages)
    except TelegramError as error:  # refused, unreachable, or flood control (RetryAfter)
        log.warning("could not register the command menu: %s", error)
    waiting = set()
    for admin in sorted(admins):
        outcome = await set_organiser_menu(bot, admin, organiser, stages, catalogue)
        if outcome is MenuSet.UNKNOWN_CHAT:
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
    bot: Any,
    admin: int,
    organiser: Sequence[str],
    stages: Sequence[StageDef],
    catalogue: Catalogue,
) -> MenuSet:
    """The organiser's menu in their chat, in each language."""
    languages = Languages(catalogue)
    try:
        menu = partial(organiser_menu, organiser, stages=stages, languages=languages)
        await set_menu(bot, ChatScope(admin), menu, languages)
    except BadRequest as error:
        if "chat not found" in error.message.lower():
            return MenuSet.UNKNOWN_CHAT
        log.warning("Telegram refused organiser %s's command menu: %s", admin, error)
        return MenuSet.FAILED
    except TelegramError as error:
        log.warning("could not register organiser %s's command menu: %s", admin, error)
        return MenuSet.FAILED
    return MenuSet.SET


async def set_menu(
    bot: Any, scope: BotCommandScope, menu: Callable[[str], list[BotCommand]], languages: Languages
) -> None:
    """`menu(lang)` in each language for `scope`, and the default questionnaire's for any
    other language; then away with a menu an earlier run set in a language now offered by
    no questionnaire (an English-only survey's French respondents would see it)."""
    for lang in languages.offered:
        await bot.set_my_commands(menu(lang), scope=scope, language_code=lang)
    await bot.set_my_commands(menu(languages.default), scope=scope)
    for lang in KNOWN_LANGUAGES:
        if lang not in languages.offered:
            await bot.delete_my_commands(scope=scope, language_code=lang)


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
        catalogue = context.bot_data.flows
        if catalogue is None:  # the bot not set up yet: their next message sets it
            return
        self.waiting.remove_user_ids(user.id)  # once, whatever Telegram says
        outcome = await set_organiser_menu(
            context.bot, user.id, self.organiser, self.stages, catalogue
        )
        if outcome is MenuSet.SET:
            log.info("organiser %s wrote to the bot: their command menu is set", user.id)
        elif outcome is MenuSet.UNKNOWN_CHAT:
            log.info("organiser %s's chat is still unknown to Telegram: no command menu", user.id)


def _sentence(text: str) -> str:
    """A /help line's description as a menu entry: capitalised, as the respondents' are."""
    return text[:1].upper() + text[1:]
