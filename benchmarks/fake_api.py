"""A lean in-process Bot API for benchmarks: answers like Telegram, keeps only what drivers need.

Every reply to a chat stamps the time, so a driver can measure an update's
latency from the moment it entered the update queue to the reply leaving.
A driver may instead `offer` updates to `getUpdates`, as Telegram holds them
for a long-polling bot: the bot's own poller then fetches and confirms them.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from array import array
from collections import Counter
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT = {
    "id": 7_000_000_001,
    "is_bot": True,
    "first_name": "Bench",
    "username": "surveybot_bench_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
REPLIES = {"sendMessage", "editMessageText", "editMessageReplyMarkup"}


class BenchAPI(BaseRequest):
    """Answers sendMessage/edits/answerCallbackQuery; remembers each chat's last keyboard."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.keyboards: dict[int, tuple[int, list[list[dict[str, Any]]]]] = {}
        self.replied_at: dict[int, float] = {}
        self.calls = 0
        self.documents: list[float] = []  # when each document was sent
        self.sent: Counter[int] = Counter()  # new messages and documents sent to each chat
        self.available_at: dict[int, float] = {}  # when each offered update became available
        # When each call naming a chat was made: what Telegram's 30 messages a second counts.
        # An array of doubles: 8 bytes a call, so the soak's memory is the bot's, not ours.
        self.to_chats = array("d")
        self._pending: list[dict[str, Any]] = []
        self._arrived: asyncio.Event | None = None

    def forget(self, chat_id: int) -> None:
        """Drop what is kept about a chat whose person is gone (a long run meets thousands)."""
        for kept in (self.keyboards, self.replied_at, self.sent):
            kept.pop(chat_id, None)

    def offer(self, update: dict[str, Any]) -> None:
        """Hold an update for the bot's next getUpdates, as Telegram does once a person sends it."""
        self.available_at[update["update_id"]] = time.perf_counter()
        self._pending.append(update)
        if self._arrived is not None:
            self._arrived.set()

    async def _get_updates(self, params: dict[str, Any]) -> tuple[int, bytes]:
        """Long polling: the updates from `offset` on (which confirms those before), at most 100."""
        offset = int(params.get("offset") or 0)
        self._pending = [u for u in self._pending if u["update_id"] >= offset]
        if not self._pending:
            self._arrived = self._arrived or asyncio.Event()
            self._arrived.clear()
            # At most a second's wait, whatever the bot asks: it stops promptly.
            wait = min(float(params.get("timeout") or 0), 1.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), wait)
        return _ok(self._pending[:100])

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
        self.calls += 1
        if name == "getMe":
            return _ok(BOT)
        if name == "getUpdates":
            return await self._get_updates(params)
        if name == "getWebhookInfo":  # asked before polling: no webhook set
            return _ok({"url": "", "has_custom_certificate": False, "pending_update_count": 0})
        if "chat_id" in params:
            self.to_chats.append(time.perf_counter())
        if name in ("sendMessage", "sendDocument"):
            self.sent[int(params["chat_id"])] += 1
        if name == "sendDocument":
            self.documents.append(time.perf_counter())
            chat = {"id": int(params["chat_id"]), "type": "private"}
            document = {"file_id": "d", "file_unique_id": "d", "file_name": "export.csv"}
            return _ok(
                {"message_id": next(self._ids), "date": 0, "chat": chat, "document": document}
            )
        if name not in REPLIES:
            return _ok(True)
        chat_id = int(params["chat_id"])
        self.replied_at.setdefault(chat_id, time.perf_counter())
        message_id = int(params.get("message_id") or next(self._ids))
        markup = params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows = markup.get("inline_keyboard") if markup else None
        if rows:
            self.keyboards[chat_id] = (message_id, rows)
        elif name != "sendMessage" and self.keyboards.get(chat_id, (None,))[0] == message_id:
            self.keyboards.pop(chat_id, None)
        message = {
            "message_id": message_id,
            "date": 0,
            "chat": {"id": chat_id, "type": "private"},
            "text": params.get("text", ""),
        }
        return _ok(message)


def _ok(result: Any) -> tuple[int, bytes]:
    return 200, json.dumps({"ok": True, "result": result}).encode()


def update_json(
    update_id: int, chat: int, *, text: str | None = None, data: str | None = None, on: int = 0
) -> dict[str, Any]:
    """An update as getUpdates gives it: a private message (a command, if it starts with
    "/"), or the press of a button with `data` under the bot's message `on`."""
    user = {"id": chat, "is_bot": False, "first_name": "R", "language_code": "fr"}
    where = {"id": chat, "type": "private"}
    if text is None:
        # As Telegram sends the pressed message: as it stands, with its buttons.
        keyboard = {"inline_keyboard": [[{"text": "?", "callback_data": data}]]}
        message = {
            "message_id": on,
            "date": 0,
            "chat": where,
            "text": "?",
            "reply_markup": keyboard,
        }
        query = {"id": str(update_id), "from": user, "chat_instance": str(chat), "data": data}
        return {"update_id": update_id, "callback_query": {**query, "message": message}}
    sent: dict[str, Any] = {"message_id": update_id, "date": 0, "chat": where, "from": user}
    sent["text"] = text
    if text.startswith("/"):
        command = len(text.split()[0])
        sent["entities"] = [{"type": "bot_command", "offset": 0, "length": command}]
    return {"update_id": update_id, "message": sent}
