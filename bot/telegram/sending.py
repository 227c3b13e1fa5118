"""Sending to one chat: messages, edits, files, callback answers, and Telegram's size limit.

Every text is HTML (the application's `Defaults` set the parse mode), already
escaped by the caller. An edit Telegram finds pointless ("message is not
modified", "message to edit not found") means the chat already reads right.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from telegram import CallbackQuery, InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest

from flows import MESSAGE_LIMIT, fitting_prefix, split_blocks
from flows import shown_length as text_length

log = logging.getLogger(__name__)

# Telegram's limit is 4096 characters as shown (`MESSAGE_LIMIT`); the keyboards clip
# by characters, so a margin for emoji, which Telegram counts as two.
MAX_TEXT: Final = MESSAGE_LIMIT - 96
TAG: Final = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Chat:
    """One private chat with the bot."""

    bot: Any
    """The application's `ExtBot`."""
    chat_id: int

    async def send(self, text: str, keyboard: InlineKeyboardMarkup | None = None) -> Message:
        """Send an HTML message, with buttons if any; `Refused` names what Telegram refused."""
        try:
            message: Message = await self.bot.send_message(
                self.chat_id, text, reply_markup=keyboard
            )
        except BadRequest as error:
            raise Refused("sendMessage", error, keyboard) from error
        return message

    async def send_long(
        self, blocks: Sequence[str], keyboard: InlineKeyboardMarkup | None = None
    ) -> Message:
        """Send HTML blocks in as few messages as fit; the buttons go on the last one."""
        parts = split_message(blocks)
        for part in parts[:-1]:
            await self.send(part)
        return await self.send(parts[-1], keyboard)

    async def send_plain(self, text: str, keyboard: InlineKeyboardMarkup | None = None) -> Message:
        """Send a plain text, escaped, in as many messages as its length needs."""
        return await self.send_long(plain_blocks(text), keyboard)

    async def send_file(self, content: bytes, filename: str, caption: str | None = None) -> None:
        await self.bot.send_document(
            self.chat_id, InputFile(content, filename=filename), caption=caption
        )

    async def edit(
        self, message_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None
    ) -> None:
        """Replace a message's text (and its buttons: none unless given)."""
        try:
            await self.bot.edit_message_text(
                text, chat_id=self.chat_id, message_id=message_id, reply_markup=keyboard
            )
        except BadRequest as error:
            _already_right("editMessageText", error, keyboard)

    async def drop_keyboard(self, message_id: int) -> None:
        """Remove a message's buttons: what they offered is no longer on."""
        await self.set_keyboard(message_id, None)

    async def set_keyboard(self, message_id: int, keyboard: InlineKeyboardMarkup | None) -> None:
        """Replace a message's buttons (None: remove them)."""
        try:
            await self.bot.edit_message_reply_markup(
                self.chat_id, message_id, reply_markup=keyboard
            )
        except BadRequest as error:
            _already_right("editMessageReplyMarkup", error, keyboard)


class Refused(BadRequest):
    """Telegram refused a message or an edit: which call, with how many buttons, and why."""

    def __init__(
        self, method: str, error: BadRequest, keyboard: InlineKeyboardMarkup | None
    ) -> None:
        buttons = sum(len(row) for row in keyboard.inline_keyboard) if keyboard else 0
        with_buttons = f" with {buttons} buttons" if buttons else ""
        super().__init__(f"{method}{with_buttons}: {error.message}")
        self.method = method


async def answer_query(
    query: CallbackQuery, text: str | None = None, *, alert: bool = False
) -> None:
    """Answer a button press: Telegram shows a spinner on the button until we do."""
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as error:
        # A query older than about 15 minutes can no longer be answered; nothing to do.
        log.info("could not answer a callback query: %s", error)


def split_message(blocks: Sequence[str], limit: int = MAX_TEXT) -> list[str]:
    """HTML blocks joined by newlines into messages that each show at most `limit` characters.

    Telegram counts the text as shown, after the markup: that is what is measured.
    A message ends at a paragraph's end (a blank block) where it can; a block is
    never cut (the flow checks keep every flow text's lines within a message).
    """
    return split_blocks(blocks, limit, shown_length)


def plain_blocks(text: str, limit: int = MAX_TEXT) -> list[str]:
    """A plain text as escaped HTML lines, a line too long for one message cut at a space.

    A flow's notice or introduction may be longer than a message: split between
    its lines, it arrives in several. The flow checks refuse a line longer than
    a message; one can still come from a long answer piped into the outro.
    """
    blocks: list[str] = []
    for line in text.strip().split("\n"):
        while text_length(line) > limit:
            end = fitting_prefix(line, limit)
            cut = line.rfind(" ", 0, end)
            cut = cut if cut > end // 2 else end
            blocks.append(html.escape(line[:cut]))
            line = line[cut:].lstrip()
        blocks.append(html.escape(line))
    return blocks


def shown_length(text: str) -> int:
    """How many characters an HTML text shows once Telegram has applied its markup."""
    return text_length(html.unescape(TAG.sub("", text)))


# Edits Telegram finds pointless or impossible: the message already reads right, is gone,
# or is too old to change (48 hours); the chat goes on without the edit.
HARMLESS_EDITS: Final = ("not modified", "not found", "can't be edited")


def _already_right(method: str, error: BadRequest, keyboard: InlineKeyboardMarkup | None) -> None:
    if not any(words in error.message for words in HARMLESS_EDITS):
        raise Refused(method, error, keyboard) from error
    log.debug("edit skipped: %s", error)
