"""What the bot keeps of its chats between updates: the menu still open, long menus' pages,
the messages whose buttons were used or removed lately.

In this process's memory only: after a restart, or on another instance behind
the same webhook, it is not there, and nothing but tidiness depends on it. An
old menu then keeps its buttons (the conversation still judges a tap on one: a
confirmation pressed after the person went on is refused as stale), and a tap
on a long menu's page button says the menu has expired.

Bounded, unlike python-telegram-bot's `chat_data` (which keeps an entry for
every chat looked up, and the id of every one dropped, for the life of the
process): a chat is kept while something of it is, for at most `KEPT_FOR`
(Telegram refuses to edit a message older than 48 hours), and the `MAX_CHATS`
chats touched last.

The reminders' job sends menus outside a person's turn, so a change here never
waits between reading and writing: a turn that closes a menu closes the one it
read, not one a reminder opened meanwhile.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from telegram.error import TelegramError

from bot.telegram.sending import Chat
from conversation import Menu

log = logging.getLogger(__name__)

KEPT_MENUS: Final = 3
"""Long menus kept per chat: the last few a person could still be paging through."""

KEPT_FOR: Final = 48 * 3600.0
"""Seconds a chat's menus are kept: Telegram edits no message older than this."""

MAX_CHATS: Final = 10_000
"""Chats kept at most (a tour's respondents with a menu open at once are far fewer)."""

USED_FOR: Final = 600.0
"""Seconds a used-up menu (a settled question) is remembered: a double tap's second press
comes within them."""


@dataclass
class _Kept:
    touched: float
    open_menu: int | None = None
    pages: dict[int, tuple[Menu, str]] = field(default_factory=dict)
    """Each long menu by its message, with the language it was drawn in."""


class ChatMemory:
    """Each chat's open menu and long menus, by chat id, the chats touched last kept."""

    def __init__(
        self,
        *,
        max_chats: int = MAX_CHATS,
        kept_for: float = KEPT_FOR,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._chats: dict[int, _Kept] = {}  # in the order they were touched, oldest first
        self._used: dict[tuple[int, int], float] = {}  # (chat, message): when, oldest first
        self._settled: dict[tuple[int, int], float] = {}  # the same, for questions
        self._max_chats = max_chats
        self._kept_for = kept_for
        self._clock = clock

    def __contains__(self, chat_id: object) -> bool:
        return chat_id in self._chats

    def __len__(self) -> int:
        return len(self._chats)

    def open_menu(self, chat_id: int) -> int | None:
        """The message of the chat whose menu still shows its buttons, if one does."""
        kept = self._chats.get(chat_id)
        return kept.open_menu if kept is not None else None

    async def open(self, chat: Chat, message_id: int) -> None:
        """`message_id` shows the chat's open menu; the one open before loses its buttons."""
        kept = self._touch(chat.chat_id)
        before, kept.open_menu = kept.open_menu, message_id
        if before is not None and before != message_id:
            await drop_quietly(chat, before)

    async def close(self, chat: Chat, message_id: int, *, drop: bool = True) -> None:
        """The open menu `message_id` loses its buttons (already gone: `drop=False`).

        Only if it is still the open one: a reminder may have opened another meanwhile."""
        kept = self._chats.get(chat.chat_id)
        if kept is None or kept.open_menu != message_id:
            return
        kept.open_menu = None
        if not kept.pages:
            del self._chats[chat.chat_id]
        if drop:
            await drop_quietly(chat, message_id)

    def use_up(self, chat_id: int, message_id: int) -> None:
        """A menu's button was obeyed: a second press of its buttons is stale.

        A double tap sends both presses with the message as it was, buttons and all
        (`handlers._withdrawn` cannot tell), and the second would be obeyed again: the
        welcome, a question, sent twice. Remembered for `USED_FOR`, `MAX_CHATS` at most."""
        self._note(self._used, (chat_id, message_id))

    def used_up(self, chat_id: int, message_id: int) -> bool:
        """Whether a button of this menu was obeyed lately (`use_up`)."""
        return self._noted(self._used, (chat_id, message_id))

    def settle(self, chat_id: int, message_id: int) -> None:
        """A question's buttons were removed (it was answered, or gave way to the next).

        A double tap's second press still shows them, and the conversation judges it
        stale: removing them again is a call Telegram refuses as changing nothing,
        spent from the chat's budget. Kept as `use_up` is."""
        self._note(self._settled, (chat_id, message_id))

    def settled(self, chat_id: int, message_id: int) -> bool:
        """Whether this process removed the message's buttons lately (`settle`)."""
        return self._noted(self._settled, (chat_id, message_id))

    def _note(self, table: dict[tuple[int, int], float], key: tuple[int, int]) -> None:
        """`key` noted now, last; the notes past `USED_FOR` or `MAX_CHATS` go, oldest first."""
        now = self._clock()
        table.pop(key, None)
        table[key] = now
        oldest = next(iter(table))
        while len(table) > self._max_chats or now - table[oldest] >= USED_FOR:
            del table[oldest]
            oldest = next(iter(table))

    def _noted(self, table: dict[tuple[int, int], float], key: tuple[int, int]) -> bool:
        when = table.get(key)
        return when is not None and self._clock() - when < USED_FOR

    def keep_pages(self, chat_id: int, message_id: int, menu: Menu, lang: str) -> None:
        """Keep a long `menu` in `lang` for its pages, forgetting the oldest beyond
        `KEPT_MENUS`. Its language too: chosen before the notice, it is stored nowhere."""
        pages = self._touch(chat_id).pages
        pages[message_id] = (menu, lang)
        for old in sorted(pages)[:-KEPT_MENUS]:
            del pages[old]

    def pages_of(self, chat_id: int, message_id: int) -> tuple[Menu, str] | None:
        """The long menu shown in `message_id` and its language, if it is still kept."""
        kept = self._chats.get(chat_id)
        return kept.pages.get(message_id) if kept is not None else None

    def _touch(self, chat_id: int) -> _Kept:
        """The chat's entry, made if need be, now the last touched; the stale ones go."""
        now = self._clock()
        kept = self._chats.pop(chat_id, None) or _Kept(now)
        kept.touched = now
        self._chats[chat_id] = kept
        # The oldest first (the dict keeps the order of touching): the last one always stays.
        oldest = next(iter(self._chats))
        while len(self._chats) > self._max_chats or now - self._chats[oldest].touched >= (
            self._kept_for
        ):
            del self._chats[oldest]
            oldest = next(iter(self._chats))
        return kept


async def drop_quietly(chat: Chat, message_id: int) -> None:
    """Remove a superseded menu's buttons, or leave them: tidiness, not worth a failed reply."""
    try:
        await chat.drop_keyboard(message_id)
    except TelegramError as error:
        log.info("could not remove an old menu's buttons: %s", error)
