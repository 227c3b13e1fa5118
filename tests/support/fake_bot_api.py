"""A fake Bot API at python-telegram-bot's HTTP boundary, and a respondent driver.

`FakeBotAPI` is a `telegram.request.BaseRequest`: the real `Application`,
handlers, keyboards and button data run unchanged, and every Bot API call is
answered here like Telegram would and kept, so a test reads the chat as a
person sees it (messages edited in place, keyboards removed).

`Person` drives one respondent: `await ana.send("/start pithiviers")`,
`await ana.tap("Oui")`, `ana.last_text`. What Telegram refuses to send (bad HTML,
keyboards past its limits) is checked by `tests/support/telegram_rules.py`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.request import BaseRequest, RequestData

from tests.support.telegram_rules import (
    MAX_ALERT,
    MAX_CAPTION,
    BadText,
    keyboard_fault,
    keyboard_of,
    utf16_length,
    visible_text,
)

BOT_ID = 7_000_000_001
BOT_USERNAME = "surveybot_test_bot"
TOKEN = "123456:TEST-token-never-real"


@dataclass
class ChatMessage:
    """A message as it stands in a chat now (after any edits)."""

    message_id: int
    chat_id: int
    text: str
    """The text as the person reads it (HTML markup applied, entities decoded)."""
    from_bot: bool
    keyboard: list[list[dict[str, Any]]] | None = None
    edits: int = 0
    source: str = ""
    """The text exactly as the bot sent it (with its HTML markup, if any)."""
    parse_mode: str | None = None
    attachment: tuple[str, bytes] | None = None
    """(file name, content) of a photo or document the bot sent."""

    def buttons(self) -> list[dict[str, Any]]:
        return [b for row in self.keyboard or [] for b in row]

    def labels(self) -> list[str]:
        return [b["text"] for b in self.buttons()]


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class FakeBotAPI(BaseRequest):
    """Answers Bot API methods like Telegram does, and keeps every call and message."""

    calls: list[Call] = field(default_factory=list)
    messages: dict[tuple[int, int], ChatMessage] = field(default_factory=dict)
    blocked_chats: set[int] = field(default_factory=set)
    flooded_chats: set[int] = field(default_factory=set)
    """Chats a message to which Telegram's flood control refuses: 429, retry after 5 s."""
    failing: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    """Methods Telegram answers with an error, whoever calls them: `fail(method, ...)`."""
    updates: list[dict[str, Any]] = field(default_factory=list)
    upload_limit: int = 50 * 1024 * 1024
    """Telegram refuses a bot's upload over 50 MB ("Request Entity Too Large"); tests lower it."""
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1000))
    _answered: set[str] = field(default_factory=set)
    # Each chat's messages in order, the same objects as in `messages`: reading a chat
    # must not cost a scan of every chat (the concurrency tests hold thousands).
    _chats: dict[int, list[ChatMessage]] = field(default_factory=dict)

    # --- BaseRequest ---------------------------------------------------------------

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            params["_files"] = request_data.multipart_data
        self.calls.append(Call(name, params))
        if name in self.failing:
            return self.failing[name]
        handler = getattr(self, f"_{name}", None)
        if handler is None:
            return _ok(True)
        result: tuple[int, bytes] = handler(params)
        return result

    # --- the methods -----------------------------------------------------------------

    def _getMe(self, params: dict[str, Any]) -> tuple[int, bytes]:
        return _ok(
            {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Surveybot",
                "username": BOT_USERNAME,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        )

    def _getUpdates(self, params: dict[str, Any]) -> tuple[int, bytes]:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        return _ok(self.updates[:100])

    def _getWebhookInfo(self, params: dict[str, Any]) -> tuple[int, bytes]:
        """The URL the last setWebhook gave, or none since a deleteWebhook (or none ever)."""
        url = ""
        for call in self.calls:
            if call.method == "setWebhook":
                url = str(call.params.get("url") or "")
            elif call.method == "deleteWebhook":
                url = ""
        return _ok({"url": url, "has_custom_certificate": False, "pending_update_count": 0})

    def _sendMessage(self, params: dict[str, Any]) -> tuple[int, bytes]:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked_chats:
            return _error(403, "Forbidden: bot was blocked by the user")
        if chat_id in self.flooded_chats:
            return _error(429, "Too Many Requests: retry after 5", retry_after=5)
        parse_mode = params.get("parse_mode")
        try:
            text = visible_text(params["text"], parse_mode)
        except BadText as error:
            return _error(400, f"Bad Request: {error}")
        refused = keyboard_fault(keyboard_of(params.get("reply_markup")))
        if refused:
            return _error(400, f"Bad Request: {refused}")
        message = ChatMessage(
            next(self._ids),
            chat_id,
            text,
            from_bot=True,
            keyboard=keyboard_of(params.get("reply_markup")),
            source=params["text"],
            parse_mode=parse_mode,
        )
        self.messages[(chat_id, message.message_id)] = message
        self._chats.setdefault(chat_id, []).append(message)
        return _ok(self.message_json(message))

    def _sendPhoto(self, params: dict[str, Any]) -> tuple[int, bytes]:
        return self._send_file(params, "photo")

    def _sendDocument(self, params: dict[str, Any]) -> tuple[int, bytes]:
        return self._send_file(params, "document")

    def _send_file(self, params: dict[str, Any], field: str) -> tuple[int, bytes]:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked_chats:
            return _error(403, "Forbidden: bot was blocked by the user")
        files = params.get("_files") or {}
        name, content, _ = next(iter(files.values()))
        if len(content) > self.upload_limit:
            return _error(413, "Request Entity Too Large")
        caption = params.get("caption", "")
        try:  # read as a message's text is, within a caption's length
            shown = visible_text(caption, params.get("parse_mode"), MAX_CAPTION) if caption else ""
        except BadText as error:
            return _error(400, f"Bad Request: {error}")
        message = ChatMessage(
            next(self._ids),
            chat_id,
            shown,
            from_bot=True,
            source=params.get("caption", ""),
            attachment=(str(name), bytes(content)),
        )
        self.messages[(chat_id, message.message_id)] = message
        self._chats.setdefault(chat_id, []).append(message)
        data = self.message_json(message)
        if field == "photo":
            data["photo"] = [{"file_id": "p1", "file_unique_id": "u1", "width": 1, "height": 1}]
        else:
            data["document"] = {"file_id": "d1", "file_unique_id": "u2", "file_name": str(name)}
        return _ok(data)

    def _editMessageText(self, params: dict[str, Any]) -> tuple[int, bytes]:
        if int(params["chat_id"]) in self.blocked_chats:
            return _error(403, "Forbidden: bot was blocked by the user")
        message = self.messages.get((int(params["chat_id"]), int(params["message_id"])))
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        parse_mode = params.get("parse_mode")
        try:
            text = visible_text(params["text"], parse_mode)
        except BadText as error:
            return _error(400, f"Bad Request: {error}")
        keyboard = keyboard_of(params.get("reply_markup"))
        if keyboard_fault(keyboard):
            return _error(400, f"Bad Request: {keyboard_fault(keyboard)}")
        if message.source == params["text"] and message.keyboard == keyboard:
            return _error(400, "Bad Request: message is not modified")
        message.text, message.source, message.keyboard = text, params["text"], keyboard
        message.parse_mode = parse_mode
        message.edits += 1
        return _ok(self.message_json(message))

    def _editMessageReplyMarkup(self, params: dict[str, Any]) -> tuple[int, bytes]:
        if int(params["chat_id"]) in self.blocked_chats:
            return _error(403, "Forbidden: bot was blocked by the user")
        message = self.messages.get((int(params["chat_id"]), int(params["message_id"])))
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        keyboard = keyboard_of(params.get("reply_markup"))
        if keyboard_fault(keyboard):
            return _error(400, f"Bad Request: {keyboard_fault(keyboard)}")
        if message.keyboard == keyboard:
            return _error(400, "Bad Request: message is not modified")
        message.keyboard = keyboard
        message.edits += 1
        return _ok(self.message_json(message))

    def _answerCallbackQuery(self, params: dict[str, Any]) -> tuple[int, bytes]:
        # Telegram accepts one answer per query, of at most 200 characters (UTF-16 units).
        query_id = str(params["callback_query_id"])
        if query_id in self._answered:
            return _error(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        if utf16_length(str(params.get("text") or "")) > MAX_ALERT:
            return _error(400, "Bad Request: MESSAGE_TOO_LONG")
        self._answered.add(query_id)
        return _ok(True)

    def reconnected(self) -> FakeBotAPI:
        """A fresh client (a restarted bot process) of the same Telegram: the chats remain."""
        return FakeBotAPI(
            messages=self.messages,
            blocked_chats=self.blocked_chats,
            _ids=self._ids,
            _chats=self._chats,
        )

    # --- helpers ---------------------------------------------------------------------

    def fail(self, method: str, code: int, description: str, **parameters: Any) -> None:
        """Answer every call of `method` with this error (502: a NetworkError in
        python-telegram-bot; 429 with retry_after: a RetryAfter), until `failing` is cleared."""
        self.failing[method] = _error(code, description, **parameters)

    def message_json(self, message: ChatMessage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": {"id": message.chat_id, "type": "private"},
            "text": message.text,
        }
        if message.from_bot:
            data["from"] = {"id": BOT_ID, "is_bot": True, "first_name": "Surveybot"}
        if message.keyboard:
            data["reply_markup"] = {"inline_keyboard": message.keyboard}
        return data

    def chat(self, chat_id: int) -> list[ChatMessage]:
        """The chat's messages, oldest first, as they read now."""
        return list(self._chats.get(chat_id, ()))

    def calls_to(self, method: str, chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == method
            and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)
        ]


def _ok(result: Any) -> tuple[int, bytes]:
    return 200, json.dumps({"ok": True, "result": result}).encode()


def _error(code: int, description: str, **parameters: Any) -> tuple[int, bytes]:
    answer = {"ok": False, "error_code": code, "description": description}
    if parameters:
        answer["parameters"] = parameters
    return code, json.dumps(answer).encode()


# --- driving respondents ---------------------------------------------------------------


class Updates:
    """Builds updates with increasing ids and feeds them through the update queue."""

    def __init__(self, application: Any, api: FakeBotAPI, *, first_update_id: int = 1) -> None:
        self.application = application
        self.api = api
        # Telegram's update ids only grow, across restarts of the bot too: a restarted
        # bot sees ids after those it has handled (which it records as handled).
        self._ids = itertools.count(first_update_id)
        self._message_ids = itertools.count(1)

    def next_id(self) -> int:
        return next(self._ids)

    def next_message_id(self) -> int:
        return next(self._message_ids)

    async def feed(self, *payloads: dict[str, Any]) -> None:
        """Put updates on the queue (like the poller does) and wait until all are handled."""
        processor = self.application.update_processor
        waits = []
        for payload in payloads:
            update = Update.de_json(payload, self.application.bot)
            waits.append(processor.done(update.update_id))
            await self.application.update_queue.put(update)
        await asyncio.wait_for(asyncio.gather(*waits), timeout=30)
        for payload in payloads:
            processor.forget(payload["update_id"])


class Person:
    """One respondent in a private chat with the bot."""

    def __init__(
        self,
        updates: Updates,
        user_id: int,
        first_name: str = "Ana",
        language_code: str | None = "fr",
    ) -> None:
        self.updates = updates
        self.api = updates.api
        self.user_id = user_id
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            self.user["language_code"] = language_code

    # building updates

    def message_update(self, text: str | None = None, **extra: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.updates.next_message_id(),
            "date": int(time.time()),
            "chat": {"id": self.user_id, "type": "private", "first_name": self.user["first_name"]},
            "from": self.user,
            **extra,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return {"update_id": self.updates.next_id(), "message": message}

    def tap_update(self, data: str, message: ChatMessage | None = None) -> dict[str, Any]:
        message = message or self.last_with_buttons()
        return {
            "update_id": self.updates.next_id(),
            "callback_query": {
                "id": str(self.updates.next_id()),
                "from": self.user,
                "chat_instance": str(self.user_id),
                "data": data,
                "message": self.api.message_json(message),
            },
        }

    # acting

    async def send(self, text: str) -> None:
        await self.updates.feed(self.message_update(text))

    async def send_sticker(self) -> None:
        sticker = {
            "file_id": "sticker-1",
            "file_unique_id": "s1",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        await self.updates.feed(self.message_update(None, sticker=sticker))

    async def tap(self, label: str, *, message: ChatMessage | None = None) -> None:
        await self.updates.feed(self.tap_update(self.data_of(label, message), message))

    async def tap_data(self, data: str, *, message: ChatMessage | None = None) -> None:
        await self.updates.feed(self.tap_update(data, message))

    # reading the chat

    @property
    def chat(self) -> list[ChatMessage]:
        return self.api.chat(self.user_id)

    @property
    def last(self) -> ChatMessage:
        return self.chat[-1]

    @property
    def last_text(self) -> str:
        return self.last.text

    def last_with_buttons(self) -> ChatMessage:
        for message in reversed(self.chat):
            if message.keyboard:
                return message
        raise AssertionError("no message with buttons in the chat")

    def data_of(self, label: str, message: ChatMessage | None = None) -> str:
        """The callback data of the button whose label is, or ends with, `label`."""
        message = message or self.last_with_buttons()
        for candidate in message.buttons():
            text = candidate["text"]
            if text == label or text.endswith(" " + label) or text.startswith(label + " "):
                return str(candidate["callback_data"])
        raise AssertionError(f"no button {label!r} in {message.labels()}")

    def live_keyboards(self) -> list[ChatMessage]:
        return [m for m in self.chat if m.keyboard]

    def answers_to_queries(self) -> list[dict[str, Any]]:
        return [c.params for c in self.api.calls_to("answerCallbackQuery")]
