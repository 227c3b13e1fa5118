"""A lean in-process Bot API for benchmarks: answers like Telegram, keeps only what drivers need.

Every reply to a chat stamps the time, so a driver can measure an update's
latency from the moment it entered the update queue to the reply leaving.
"""

from __future__ import annotations

import itertools
import json
import time
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
        self.texts: dict[int, str] = {}
        self.replied_at: dict[int, float] = {}
        self.calls = 0
        self.documents: list[float] = []  # when each document was sent

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
        if "text" in params and name == "sendMessage":
            self.texts[chat_id] = params["text"]
        message = {
            "message_id": message_id,
            "date": 0,
            "chat": {"id": chat_id, "type": "private"},
            "text": params.get("text", ""),
        }
        return _ok(message)


def _ok(result: Any) -> tuple[int, bytes]:
    return 200, json.dumps({"ok": True, "result": result}).encode()
