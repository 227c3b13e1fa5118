"""Sending to one chat: messages, edits, files, callback answers, and Telegram's size limit.

Every text is HTML, already escaped by the caller. An edit Telegram finds
pointless ("message is not modified", "message to edit not found") means the
chat already reads right.

Messages and edits are Bot API calls by name (`Chat._call`), not the library's
`send_message` and `edit_message_text`: those build a `Message` object from
every answer, when the bot needs only its id, and take keyboards as library
objects serialised by a generic `to_dict`. Our keyboards are the Bot API's JSON
from the start (`Keyboard`: each button its label and its data). Both save
CPU on every update (docs/performance.md). The call still goes through the
same request, rate limiter and errors; only the parsing of what comes back is
ours.

A call Telegram surely did not carry out is tried again, a few times after
short pauses (`RETRY_PAUSES`, 3.5 s in all: the person's next updates wait
behind this turn), then its error is raised as before: Telegram answered with
an error of its own (a 502 from its gateway, a 500), or the request never
reached it (no connection). Without this, a 502 on the next question left the
person with their answer taken and nothing to tap until they wrote again. An
edit sent twice reads the same. A timeout waiting for the answer, or a
connection lost while reading it, is not tried again: the request got there
and the message may be in the chat (`may_have_arrived`). Telegram's refusals
(400, 403), flood control (the rate limiter's business) and a bad token are
raised at once. Reminders take one try (`pauses=()`): one not sent is due again
next round.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, TypedDict

import httpx
from telegram import CallbackQuery, InputFile
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.warnings import PTBUserWarning

from flows import MESSAGE_LIMIT, fitting_prefix, split_blocks
from flows import shown_length as utf16_length

log = logging.getLogger(__name__)

MAX_TEXT: Final = MESSAGE_LIMIT
"""Telegram's limit on a text, as it counts: the text shown (HTML tags gone, entities read), in
UTF-16 code units, so an emoji counts two. Every length the channel decides (a message, a
split, a clip) is in those units (`shown_length`, `text_length`, `clip_text`): no margin."""
text_length: Final = utf16_length
"""How long a plain text is as Telegram counts it, in UTF-16 code units (`flows.shown_length`)."""
TAG: Final = re.compile(r"<[^>]*>")

RETRY_PAUSES: tuple[float, ...] = (0.5, 1.0, 2.0)
"""The pauses before each new try of a call Telegram surely did not carry out (see the module)."""

HTML: Final = {"parse_mode": "HTML", "link_preview_options": {"is_disabled": True}}
"""How every text is sent: HTML, links without a preview (the application's `Defaults`)."""

# Calling these methods by name is on purpose (see the module); the library's advice to
# use its methods instead is not for us. Set once, not around each call.
for _method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
    warnings.filterwarnings("ignore", f"Please use 'Bot.{_method}'", PTBUserWarning)


class Button(TypedDict):
    """An inline button as the Bot API takes it: its label and the data a press hands back."""

    text: str
    callback_data: str


Keyboard = list[list[Button]]
"""A message's buttons, row by row: the Bot API's `inline_keyboard`, sent as it is."""


@dataclass(frozen=True)
class Chat:
    """One private chat with the bot."""

    bot: Any
    """The application's `ExtBot`."""
    chat_id: int
    pauses: tuple[float, ...] | None = None
    """The pauses between tries of a call that did not go (None: `RETRY_PAUSES`; (): one try)."""

    async def send(self, text: str, keyboard: Keyboard | None = None) -> int:
        """Send an HTML message, with buttons if any; its message id. `Refused` names what
        Telegram refused."""
        try:
            sent = await self._call("sendMessage", text=text, **HTML, **_markup(keyboard))
        except BadRequest as error:
            raise Refused("sendMessage", error, keyboard) from error
        if not isinstance(sent, dict) or not isinstance(sent.get("message_id"), int):
            raise TelegramError("sendMessage did not answer with a message")
        message_id: int = sent["message_id"]
        return message_id

    async def send_long(self, blocks: Sequence[str], keyboard: Keyboard | None = None) -> int:
        """Send HTML blocks in as few messages as fit; the buttons go on the last one (its id)."""
        parts = split_message(blocks)
        for part in parts[:-1]:
            await self.send(part)
        return await self.send(parts[-1], keyboard)

    async def send_plain(self, text: str, keyboard: Keyboard | None = None) -> int:
        """Send a plain text, escaped, in as many messages as its length needs (the last id)."""
        return await self.send_long(plain_blocks(text), keyboard)

    async def send_file(self, content: bytes, filename: str, caption: str | None = None) -> None:
        await self.bot.send_document(
            self.chat_id, InputFile(content, filename=filename), caption=caption
        )

    async def edit(self, message_id: int, text: str, keyboard: Keyboard | None = None) -> None:
        """Replace a message's text (and its buttons: none unless given)."""
        try:
            await self._call(
                "editMessageText", message_id=message_id, text=text, **HTML, **_markup(keyboard)
            )
        except BadRequest as error:
            _already_right("editMessageText", error, keyboard)

    async def drop_keyboard(self, message_id: int) -> None:
        """Remove a message's buttons: what they offered is no longer on."""
        await self.set_keyboard(message_id, None)

    async def set_keyboard(self, message_id: int, keyboard: Keyboard | None) -> None:
        """Replace a message's buttons (None: remove them)."""
        try:
            await self._call("editMessageReplyMarkup", message_id=message_id, **_markup(keyboard))
        except BadRequest as error:
            _already_right("editMessageReplyMarkup", error, keyboard)

    async def _call(self, method: str, **params: Any) -> Any:
        """One Bot API method on this chat; Telegram's answer as JSON (see the module).

        Tried again after each pause while Telegram surely did not carry it out."""
        pauses = RETRY_PAUSES if self.pauses is None else self.pauses
        for pause in pauses:
            try:
                return await self._call_once(method, params)
            except NetworkError as error:
                if not surely_not_sent(error):
                    raise
                log.info("%s did not go (%s); trying again in %g s", method, error, pause)
            await asyncio.sleep(pause)
        return await self._call_once(method, params)

    async def _call_once(self, method: str, params: dict[str, Any]) -> Any:
        return await self.bot.do_api_request(method, api_kwargs={"chat_id": self.chat_id, **params})


class Refused(BadRequest):
    """Telegram refused a message or an edit: which call, with how many buttons, and why."""

    def __init__(self, method: str, error: BadRequest, keyboard: Keyboard | None) -> None:
        buttons = sum(len(row) for row in keyboard) if keyboard else 0
        with_buttons = f" with {buttons} buttons" if buttons else ""
        super().__init__(f"{method}{with_buttons}: {error.message}")
        self.method = method


async def answer_query(
    query: CallbackQuery, text: str | None = None, *, alert: bool = False
) -> None:
    """Answer a button press: Telegram shows a spinner on the button until we do.

    A courtesy, never in the way of the reply: a press is answered before the next
    question is sent, and a failure here (a query older than about 15 minutes, a network
    hiccup, flood control) must not keep that question from the person."""
    try:
        await query.answer(text, show_alert=alert)
    except TelegramError as error:
        log.info("could not answer a callback query: %s", error)


def split_message(blocks: Sequence[str], limit: int = MAX_TEXT) -> list[str]:
    """HTML blocks joined by newlines into messages that each show at most `limit` characters.

    Telegram counts the text as shown, after the markup, in UTF-16 code units: that is
    what is measured (`shown_length`).
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
    """How long an HTML text is as Telegram counts it: the text shown once the markup is
    applied (tags gone, entities read), in UTF-16 code units (`text_length`)."""
    return text_length(html.unescape(TAG.sub("", text)))


def clip_text(text: str, limit: int) -> str:
    """A plain text cut to `limit` UTF-16 code units as Telegram counts them, ending with "…"
    when cut (`flows.clip` counts Python characters, and an emoji is two units)."""
    if text_length(text) <= limit:
        return text
    return text[: fitting_prefix(text, max(limit - 1, 0))] + "…"


def may_have_arrived(error: TelegramError) -> bool:
    """The request went out and its answer was lost: Telegram may have carried it out.

    A timeout waiting for the answer, or the connection lost while reading it. A
    timeout connecting, waiting for a connection or writing the request means
    nothing reached Telegram.
    """
    return isinstance(
        error.__cause__, httpx.ReadTimeout | httpx.ReadError | httpx.RemoteProtocolError
    )


# What python-telegram-bot's `HTTPXRequest` raises from (as a `NetworkError`, or a `TimedOut`)
# when the request never got to Telegram whole.
NOT_REACHED: Final = (
    httpx.ConnectError
    | httpx.ConnectTimeout
    | httpx.PoolTimeout
    | httpx.WriteError
    | httpx.WriteTimeout
)


RETRIED_ANSWERS: Final = re.compile(
    r"^(Internal Server Error|Bad Gateway|Service Unavailable)\b|\((500|502|503)\)"
)
"""Telegram's error answers worth asking again (its description, or the status python-
telegram-bot names for a page that is not JSON): its servers failing, or one unavailable.
Not a 504: the gateway stopped waiting, and the server behind it may have sent the
message; nor a code python-telegram-bot has no class for (409, 413…), which the same call
would meet again."""


def surely_not_sent(error: TelegramError) -> bool:
    """Telegram did not carry the call out, and may if asked again.

    python-telegram-bot raises a plain `NetworkError` for an error answer it has
    no class for (a 5xx: Telegram's gateway or servers failing; `RETRIED_ANSWERS`
    says which are asked again), from nothing or
    from the `TelegramError` of an answer that is not JSON (a proxy's error page);
    and one from the httpx error when the request did not go. A `BadRequest` is a
    `NetworkError` too, but a refusal; `Forbidden`, `RetryAfter` and `InvalidToken`
    are not network errors.
    """
    if not isinstance(error, NetworkError) or isinstance(error, BadRequest):
        return False
    if may_have_arrived(error):
        return False
    cause = error.__cause__
    if isinstance(cause, NOT_REACHED):
        return True
    answered = cause is None or isinstance(cause, TelegramError)
    return answered and RETRIED_ANSWERS.search(error.message) is not None


# Edits Telegram finds pointless or impossible: the message already reads right, is gone,
# or is too old to change (48 hours); the chat goes on without the edit.
HARMLESS_EDITS: Final = ("not modified", "not found", "can't be edited")


def _markup(keyboard: Keyboard | None) -> dict[str, Any]:
    """The `reply_markup` parameter for a keyboard (none: no buttons, or remove them)."""
    return {} if keyboard is None else {"reply_markup": {"inline_keyboard": keyboard}}


def _already_right(method: str, error: BadRequest, keyboard: Keyboard | None) -> None:
    if not any(words in error.message for words in HARMLESS_EDITS):
        raise Refused(method, error, keyboard) from error
    log.debug("edit skipped: %s", error)
