"""What every handler needs, reached through a typed context rather than loose keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.telegram.chat_memory import ChatMemory
from bot.telegram.chat_menus import ChatMenus
from bot.telegram.menus import MenusLater
from bot.telegram.odd_input import Pastes
from conversation import Conversation, Housekeeping, Policy, utc_now
from flows import Catalogue, StageDef


@dataclass
class Services:
    """The bot's dependencies: set when the application is built, the rest once it runs.

    python-telegram-bot creates it empty (it is the context's `bot_data` type).
    """

    flows: Catalogue | None = None
    stages: list[StageDef] = field(default_factory=list)
    admins: frozenset[int] = frozenset()
    clock: Callable[[], datetime] = utc_now
    policy: Policy = field(default_factory=Policy)
    public_url: str | None = None
    """Where respondents reach the web chat, if it runs: the links and QR codes open it."""
    database: Path | str | None = None
    """The database the store is on, a SQLite file or a PostgreSQL URL (an export reads it
    in another process)."""
    live_with_marks: bool = False
    """Whether the poller runs: it records the live question's message with its inbox marks,
    so a reply does not write it at once (conversation/live.py)."""
    menus_later: MenusLater | None = None
    """The organisers whose command menu is set when they first write (none: no admins)."""
    chats: ChatMemory = field(default_factory=ChatMemory)
    """Each chat's open menu and long menus' pages, kept between updates in this process."""
    chat_menus: ChatMenus = field(default_factory=ChatMenus)
    """The language of each chat's own command menu, set when it is not the app's."""
    pastes: Pastes = field(default_factory=Pastes)
    """Each chat's text refused lately for its length, to know the rest of its paste."""
    conversation_: Conversation | None = None
    housekeeping_: Housekeeping | None = None

    @property
    def conversation(self) -> Conversation:
        """The conversation service; there is one once the application runs."""
        if self.conversation_ is None:
            raise RuntimeError("the bot's services are used before start-up finished")
        return self.conversation_

    @property
    def housekeeping(self) -> Housekeeping:
        """Reminders and upkeep; there are once the application runs."""
        if self.housekeeping_ is None:
            raise RuntimeError("the bot's services are used before start-up finished")
        return self.housekeeping_


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], Services]):
    """The handlers' context: `context.services` holds the conversation and its settings."""

    @property
    def services(self) -> Services:
        return self.bot_data


BotApplication = Application[
    ExtBot[None],
    BotContext,
    dict[Any, Any],
    dict[Any, Any],
    Services,
    JobQueue[BotContext],
]
