"""A small Bot API server on 127.0.0.1, for running the real `surveybot run` process.

It speaks enough of the Bot API for the bot (getMe, getUpdates with offsets
and long polling, sendMessage, edits, answerCallbackQuery, setMyCommands,
deleteWebhook, getWebhookInfo). Tests queue updates as a user would send them, read what the
bot sent, and can hold a method (its calls wait) to stop the bot at a chosen
point before killing it.

Run it by hand to try the bot without Telegram:
    python -m tests.support.bot_api_server --port 8081
then `SURVEYBOT_TOKEN=1:x SURVEYBOT_API_URL=http://127.0.0.1:8081/bot surveybot run`
and type into this server's prompt.
"""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import itertools
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BOT = {
    "id": 7_000_000_001,
    "is_bot": True,
    "first_name": "Surveybot",
    "username": "surveybot_local_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "scope", "link_preview_options"}


class BotAPIState:
    """Updates waiting to be fetched, messages sent by the bot, and holds on methods."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.updates: list[dict[str, Any]] = []
        self.fetches: list[list[int]] = []  # update ids handed out by each getUpdates
        self.confirmed = 0  # the highest offset the bot has confirmed
        self.messages: dict[int, dict[str, Any]] = {}  # message_id -> message
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.held: set[str] = set()
        self.dropping = False
        self.waiting_in_hold: dict[str, int] = {}
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._user_message_ids = itertools.count(10_000)

    # --- what a user does -------------------------------------------------------------

    def user_text(
        self, user_id: int, text: str, language_code: str = "fr", *, first_name: str = "Test"
    ) -> int:
        message: dict[str, Any] = {
            "message_id": next(self._user_message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": first_name},
            "from": {
                "id": user_id,
                "is_bot": False,
                "first_name": first_name,
                "language_code": language_code,
            },
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._push({"message": message})

    def user_tap(
        self, user_id: int, message_id: int, data: str, *, first_name: str = "Test"
    ) -> int:
        with self.lock:
            message = dict(self.messages[message_id])
        query = {
            "id": str(next(self._user_message_ids)),
            "from": {
                "id": user_id,
                "is_bot": False,
                "first_name": first_name,
                "language_code": "fr",
            },
            "chat_instance": str(user_id),
            "data": data,
            "message": message,
        }
        return self._push({"callback_query": query})

    def _push(self, body: dict[str, Any]) -> int:
        with self.lock:
            update_id = next(self._update_ids)
            self.updates.append({"update_id": update_id, **body})
            self.lock.notify_all()
            return update_id

    # --- reading the chat ---------------------------------------------------------------

    def chat(self, chat_id: int) -> list[dict[str, Any]]:
        with self.lock:
            return [m for _, m in sorted(self.messages.items()) if m["chat"]["id"] == chat_id]

    def wait_for(self, predicate: Any, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        with self.lock:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("the bot did not do what was expected in time")
                self.lock.wait(remaining)

    def hold(self, method: str) -> None:
        with self.lock:
            self.held.add(method)

    def release(self, method: str | None = None, *, drop: bool = False) -> None:
        """Let held calls go on; with `drop`, as if they never reached the server."""
        with self.lock:
            self.dropping = drop
            if method is None:
                self.held.clear()
            else:
                self.held.discard(method)
            self.lock.notify_all()

    # --- the Bot API ------------------------------------------------------------------

    def call(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        with self.lock:
            self.calls.append((method, params))
            self.lock.notify_all()
            if method in self.held:
                self.waiting_in_hold[method] = self.waiting_in_hold.get(method, 0) + 1
                self.lock.notify_all()
                while method in self.held:
                    self.lock.wait(0.5)
                if self.dropping:
                    return 502, "Bad Gateway: dropped by the test"
        if method == "getUpdates":
            return 200, self._get_updates(params)
        if method == "getMe":
            return 200, BOT
        if method == "sendMessage":
            return 200, self._send(params)
        if method == "sendDocument":
            return 200, self._send_document(params)
        if method in ("editMessageText", "editMessageReplyMarkup"):
            return self._edit(method, params)
        if method == "getWebhookInfo":
            return 200, self._webhook_info()
        return 200, True

    def _webhook_info(self) -> dict[str, Any]:
        """What Telegram says of the webhook: the URL the last setWebhook gave, or none
        since a deleteWebhook (or none ever)."""
        with self.lock:
            url = ""
            for method, params in self.calls:
                if method == "setWebhook":
                    url = str(params.get("url") or "")
                elif method == "deleteWebhook":
                    url = ""
        return {"url": url, "has_custom_certificate": False, "pending_update_count": 0}

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = time.monotonic() + min(timeout, 2.0)
        with self.lock:
            if offset:
                self.confirmed = max(self.confirmed, offset)
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and time.monotonic() < deadline:
                self.lock.wait(deadline - time.monotonic())
            batch = self.updates[:100]
            self.fetches.append([u["update_id"] for u in batch])
            self.lock.notify_all()
            return batch

    def _send(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            message: dict[str, Any] = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "from": {"id": BOT["id"], "is_bot": True, "first_name": "Surveybot"},
                "text": params["text"],
            }
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            self.messages[message["message_id"]] = message
            self.lock.notify_all()
            return message

    def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        """A document the bot uploaded: kept as `attachment` (filename, bytes) on its message."""
        upload = next((v for v in params.values() if isinstance(v, tuple)), ("file", b""))
        message = self._send({**params, "text": params.get("caption") or ""})
        with self.lock:
            message["attachment"] = upload
            self.lock.notify_all()
        answer = {k: v for k, v in message.items() if k != "attachment"}
        answer["document"] = {
            "file_id": f"doc{message['message_id']}",
            "file_unique_id": f"doc{message['message_id']}",
            "file_name": upload[0],
            "file_size": len(upload[1]),
        }
        return answer

    def _edit(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        with self.lock:
            message = self.messages.get(int(params.get("message_id") or 0))
            if message is None:
                return 400, "Bad Request: message to edit not found"
            if method == "editMessageText":
                message["text"] = params["text"]
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            else:
                message.pop("reply_markup", None)
            self.lock.notify_all()
            return 200, message


class _Handler(BaseHTTPRequestHandler):
    state: BotAPIState

    def do_POST(self) -> None:
        method = self.path.rstrip("/").rsplit("/", 1)[-1]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        kind = self.headers.get("Content-Type") or ""
        if kind.startswith("multipart/form-data"):
            params = _parse_multipart(raw, kind)
        else:
            params = _parse(raw.decode("utf-8"), kind)
        status, result = self.state.call(method, params)
        if status == 200:
            payload = {"ok": True, "result": result}
        else:
            payload = {"ok": False, "error_code": status, "description": result}
        data = json.dumps(payload).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the bot was killed while we answered

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        return


def _parse_multipart(body: bytes, content_type: str) -> dict[str, Any]:
    """A file upload (sendDocument): fields as text, a file as (filename, bytes)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        content = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        params[str(name)] = (filename, content) if filename else content.decode("utf-8")
    return params


def _parse(body: str, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        return dict(json.loads(body or "{}"))
    params: dict[str, Any] = {}
    for key, values in urllib.parse.parse_qs(body, keep_blank_values=True).items():
        value: Any = values[-1]
        if key in JSON_FIELDS:
            value = json.loads(value)
        params[key] = value
    return params


class BotAPIServer:
    """The server in a background thread; `url` is the SURVEYBOT_API_URL to give the bot."""

    def __init__(self, port: int = 0) -> None:
        self.state = BotAPIState()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/bot"

    def __enter__(self) -> BotAPIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.state.release()
        self._server.shutdown()
        self._server.server_close()


def _serve_interactively(port: int) -> None:
    """A console for trying the bot by hand: type as the user, see what the bot sends."""
    with BotAPIServer(port) as server:
        print(f"Bot API on {server.url} — start the bot with SURVEYBOT_API_URL={server.url}")
        print("Type a message (or 'tap N' to tap button N of the last question); Ctrl+D to quit.")
        user = 1
        shown = 0
        while True:
            time.sleep(0.5)
            for message in server.state.chat(user)[shown:]:
                print(f"\n[bot] {message['text']}")
                rows = message.get("reply_markup", {}).get("inline_keyboard", [])
                for index, b in enumerate([b for row in rows for b in row], 1):
                    print(f"   ({index}) {b['text']}")
            shown = len(server.state.chat(user))
            try:
                line = input("> ")
            except EOFError:
                return
            if line.startswith("tap "):
                last = [m for m in server.state.chat(user) if m.get("reply_markup")][-1]
                buttons = [b for row in last["reply_markup"]["inline_keyboard"] for b in row]
                choice = buttons[int(line.split()[1]) - 1]
                server.state.user_tap(user, last["message_id"], choice["callback_data"])
            else:
                server.state.user_text(user, line)
            time.sleep(1.0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8081)
    _serve_interactively(parser.parse_args().port)
