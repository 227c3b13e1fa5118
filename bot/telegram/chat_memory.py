"""What the bot keeps of one chat between updates: the menu still open, long menus' pages.

Kept in python-telegram-bot's memory for the chat (`Application.chat_data`), for
this process only: after a restart, or on another instance behind the same
webhook, it is not there, and nothing but tidiness depends on it. An old menu
then keeps its buttons (the conversation still judges a tap on one: a
confirmation pressed after the person went on is refused as stale), and a tap
on a long menu's page button says the menu has expired.

A chat has an entry only while something is kept: the library would otherwise
hold one for every chat that ever wrote, for the life of the process.
"""

from __future__ import annotations

from typing import Any, Final

from bot.telegram.sending import Chat
from conversation import Menu

OPEN: Final = "open_menu"
PAGES: Final = "menus"

KEPT_MENUS: Final = 3
"""Long menus kept per chat: the last few a person could still be paging through."""


class ChatMemory:
    """One chat's entry in the application's memory, made only when something is kept."""

    def __init__(self, application: Any, chat_id: int) -> None:
        self._application = application
        """The running `Application` (its `chat_data`, `drop_chat_data`)."""
        self._chat_id = chat_id

    @property
    def open_menu(self) -> int | None:
        """The message whose menu still shows its buttons, if one does."""
        kept = self._kept()
        return kept.get(OPEN) if kept is not None else None

    async def open(self, chat: Chat, message_id: int) -> None:
        """`message_id` shows the chat's open menu; the one open before loses its buttons."""
        before = self.open_menu
        if before is not None and before != message_id:
            await chat.drop_keyboard(before)
        self._entry()[OPEN] = message_id

    def close(self) -> None:
        """The open menu's buttons are gone: nothing to remove later."""
        kept = self._kept()
        if kept is not None:
            kept.pop(OPEN, None)
            self._forget_if_empty(kept)

    def keep_pages(self, message_id: int, menu: Menu) -> None:
        """Keep a long `menu` for its pages, forgetting the oldest beyond `KEPT_MENUS`."""
        pages: dict[int, Menu] = self._entry().setdefault(PAGES, {})
        pages[message_id] = menu
        for old in sorted(pages)[:-KEPT_MENUS]:
            del pages[old]

    def pages_of(self, message_id: int) -> Menu | None:
        """The long menu shown in `message_id`, if it is still kept."""
        kept = self._kept()
        pages: dict[int, Menu] = kept.get(PAGES, {}) if kept is not None else {}
        return pages.get(message_id)

    def _kept(self) -> dict[str, Any] | None:
        # `get`, not `[]`: the library's mapping makes an entry for any chat looked up.
        kept: dict[str, Any] | None = self._application.chat_data.get(self._chat_id)
        return kept

    def _entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = self._application.chat_data[self._chat_id]
        return entry

    def _forget_if_empty(self, kept: dict[str, Any]) -> None:
        if not kept:
            self._application.drop_chat_data(self._chat_id)
