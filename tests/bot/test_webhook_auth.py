"""The webhook as an attacker meets it: no secret, a wrong one, a huge body, a body that is not
an update. Each is refused (403, 413, 400, never 500) before anything is applied, and a
forged call costs no memory, whatever size it claims or sends.

The webhook is tested in both the shapes it is served in: alone (`surveybot run
--webhook-url`) and beside the web chat (`surveybot serve --telegram-webhook`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import tracemalloc
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot.http import MAX_UPDATE, bind, serve
from bot.telegram import BotApplication, build_application, running
from bot.telegram.webhook import SECRET_HEADER, webhook_app, webhook_route
from bot.web.app import WebChat, create_app
from flows import bundled_path, load_flow, load_stages
from tests.bot.test_webhook import start_update
from tests.support.fake_bot_api import TOKEN, FakeBotAPI

SECRET = "Zq8-s3cret_webhook-token"
MB = 1024 * 1024
CHUNK = b"x" * (64 * 1024)


def alone(application: BotApplication) -> Starlette:
    probe = application.bot_data.conversation.store.ping
    return webhook_app(application, path="/hook", secret=SECRET, probe=probe)


def beside_the_web_chat(application: BotApplication) -> Starlette:
    route = webhook_route(application, path="/hook", secret=SECRET)
    chat = WebChat(application.bot_data.conversation, b"k" * 32)
    return create_app(chat, routes=[route])


SHAPES = pytest.mark.parametrize("shape", [alone, beside_the_web_chat], ids=["run", "serve"])


@dataclass
class Hook:
    app: Starlette
    application: BotApplication
    api: FakeBotAPI
    db: Path
    client: httpx.AsyncClient

    def rows(self) -> dict[str, int]:
        """How many rows each table of the database holds."""
        with contextlib.closing(sqlite3.connect(self.db)) as connection:
            tables = [
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            ]
            return {
                t: connection.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables
            }


@pytest.fixture
async def hook(
    tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Callable[[Callable[[BotApplication], Starlette]], Any]]:
    """`async with hook(shape) as h`: the real application behind the webhook, on a real file."""

    @contextlib.asynccontextmanager
    async def opened(shape: Callable[[BotApplication], Starlette]) -> AsyncIterator[Hook]:
        api = FakeBotAPI()
        db = tmp_path / "hook.sqlite3"
        application = build_application(
            token=TOKEN,
            flow=load_flow(bundled_path("questionnaire.yaml")),
            stages=load_stages(bundled_path("stages.yaml")),
            request=api,
            rate_limit=False,
        )
        async with running(application, db):
            app = shape(application)
            # raise_app_exceptions (the default): a crash in the app fails the test, as a 500.
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://127.0.0.1"
            ) as client:
                yield Hook(app, application, api, db, client)

    yield opened


class Stream:
    """A request body sent chunk by chunk, counting what the server pulled."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.pulled < self.size:
            self.pulled += len(CHUNK)
            yield CHUNK


def update_body(update_id: int = 1) -> bytes:
    return json.dumps(start_update(update_id, "/start pithiviers")).encode()


NOT_UPDATES = {
    "not-json": b"bonjour",
    "invalid-utf8": b'{"update_id": 1, "message": "\xff\xfe"}',
    "a-list": b"[" + update_body() + b"]",
    "null": b"null",
    "a-number": b"42",
    "a-string": b'"update"',
    "empty-object": b"{}",
    "no-update-id": json.dumps({"message": start_update(1, "/start")["message"]}).encode(),
    "text-update-id": b'{"update_id": "7"}',
    "bool-update-id": b'{"update_id": true}',
    "negative-update-id": b'{"update_id": -3}',
    "huge-update-id": b'{"update_id": 99999999999999999999999}',
    "message-not-object": b'{"update_id": 1, "message": 5}',
    "message-without-date": b'{"update_id": 1, "message": {"message_id": 1}}',
    "deeply-nested": b'{"update_id": 1, "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "empty": b"",
}


@SHAPES
async def test_a_load_balancer_is_told_whether_the_database_answers(
    hook: Any, shape: Callable[[BotApplication], Starlette]
) -> None:
    # Several instances behind one webhook address: the balancer asks each one.
    async with hook(shape) as h:
        answer = await h.client.get("/health")
        assert (answer.status_code, answer.text) == (200, "ok\n")
        await h.application.bot_data.conversation.store.close()
        answer = await h.client.get("/health")
        assert (answer.status_code, answer.text) == (503, "database unavailable\n")


@SHAPES
@pytest.mark.parametrize(
    "headers",
    [{SECRET_HEADER: "wrong"}, {}, {SECRET_HEADER: SECRET.lower()}, {SECRET_HEADER: ""}],
    ids=["wrong", "missing", "other-case", "empty"],
)
async def test_a_call_without_the_secret_is_refused_and_applies_nothing(
    hook: Any, shape: Callable[[BotApplication], Starlette], headers: dict[str, str]
) -> None:
    async with hook(shape) as h:
        before = h.rows()
        reply = await h.client.post("/hook", content=update_body(), headers=headers)

        assert reply.status_code == 403
        assert h.rows() == before
        assert not h.api.calls_to("sendMessage")


@SHAPES
@pytest.mark.parametrize(
    "value", ["sécret".encode(), "Zq8-s3cret_webhook-tokén".encode("latin-1"), b"\xff\xfe"]
)
async def test_a_non_ascii_secret_header_is_a_403_not_a_500(
    hook: Any, shape: Callable[[BotApplication], Starlette], value: bytes
) -> None:
    async with hook(shape) as h:
        before = h.rows()
        reply = await h.client.post("/hook", content=update_body(), headers={SECRET_HEADER: value})

        assert reply.status_code == 403
        assert h.rows() == before


@SHAPES
@pytest.mark.parametrize("body", NOT_UPDATES.values(), ids=NOT_UPDATES.keys())
async def test_a_body_that_is_not_an_update_is_a_400_and_applies_nothing(
    hook: Any, shape: Callable[[BotApplication], Starlette], body: bytes
) -> None:
    async with hook(shape) as h:
        before = h.rows()
        reply = await h.client.post("/hook", content=body, headers={SECRET_HEADER: SECRET})

        assert reply.status_code == 400
        assert h.rows() == before
        assert not h.api.calls_to("sendMessage")


@SHAPES
async def test_a_wrong_secret_is_refused_before_a_byte_of_the_body_is_read(
    hook: Any, shape: Callable[[BotApplication], Starlette]
) -> None:
    async with hook(shape) as h:
        body = Stream(50 * MB)
        reply = await h.client.post("/hook", content=body, headers={SECRET_HEADER: "wrong"})

        assert reply.status_code == 403
        assert body.pulled == 0
        assert reply.headers["connection"] == "close"


@SHAPES
async def test_a_body_said_to_be_over_1_mb_is_refused_unread(
    hook: Any, shape: Callable[[BotApplication], Starlette]
) -> None:
    async with hook(shape) as h:
        body = Stream(90 * MB)
        headers = {SECRET_HEADER: SECRET, "content-length": str(90 * MB)}
        reply = await h.client.post("/hook", content=body, headers=headers)

        assert reply.status_code == 413
        assert body.pulled == 0


@SHAPES
async def test_a_streamed_body_is_cut_at_1_mb_and_memory_does_not_grow(
    hook: Any, shape: Callable[[BotApplication], Starlette]
) -> None:
    async with hook(shape) as h:
        before = h.rows()
        body = Stream(50 * MB)  # no length declared: sent in chunks until refused
        tracemalloc.start()
        try:
            reply = await h.client.post("/hook", content=body, headers={SECRET_HEADER: SECRET})
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

        assert reply.status_code == 413
        assert body.pulled <= MAX_UPDATE + 2 * len(CHUNK)
        assert peak < 4 * MB, f"{peak / MB:.1f} MB held for a refused body"
        assert h.rows() == before


@SHAPES
async def test_an_update_larger_than_a_form_but_under_1_mb_is_taken(
    hook: Any, shape: Callable[[BotApplication], Starlette]
) -> None:
    update = start_update(5, "/start pithiviers")
    update["message"]["padding"] = "x" * 300_000  # a field Telegram may add: kept aside
    async with hook(shape) as h:
        reply = await h.client.post(
            "/hook", content=json.dumps(update), headers={SECRET_HEADER: SECRET}
        )

        assert reply.status_code == 200
        assert h.api.calls_to("sendMessage", 77)  # handled: the notice was sent


async def test_the_web_chat_keeps_its_own_smaller_limit(hook: Any) -> None:
    async with hook(beside_the_web_chat) as h:
        reply = await h.client.post("/chat", content=b"a=" + b"x" * (200 * 1024))

        assert reply.status_code == 413


@pytest.mark.parametrize("secret", ["", " ", "two words", "sécret", "x" * 257, "a/b", "a+b="])
def test_the_route_cannot_be_built_with_an_empty_or_invalid_secret(secret: str) -> None:
    application = build_application(
        token=TOKEN, flow=load_flow(bundled_path("questionnaire.yaml")), stages=[]
    )
    with pytest.raises(ValueError, match="1 to 256 characters"):
        webhook_route(application, path="/hook", secret=secret)


def test_the_longest_and_shortest_secrets_telegram_takes_are_taken() -> None:
    application = build_application(
        token=TOKEN, flow=load_flow(bundled_path("questionnaire.yaml")), stages=[]
    )
    for secret in ("x", "A-z_09" * 42 + "abcd"):
        assert webhook_route(application, path="/hook", secret=secret).path == "/hook"


# --- on a real server, over a real socket, as the attacker's client sends it -------------


async def raw_call(port: int, head: bytes) -> bytes:
    """Send `head` (request line and headers, no body), read until the server closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), timeout=10)  # EOF: the server closed
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


def request_head(secret: bytes, length: int) -> bytes:
    return (
        b"POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + SECRET_HEADER.encode()
        + b": "
        + secret
        + b"\r\nContent-Length: "
        + str(length).encode()
        + b"\r\n\r\n"
    )


@pytest.mark.parametrize(
    ("secret", "length", "status"),
    [
        (b"wrong", 900 * 1024, b"403"),
        ("sécret".encode(), 900 * 1024, b"403"),
        (b"wrong", 90 * MB, b"413"),  # the size limit stands in front of every route
        (SECRET.encode(), 90 * MB, b"413"),
    ],
    ids=["wrong-secret", "non-ascii-secret", "wrong-secret-90-mb", "right-secret-90-mb"],
)
async def test_a_real_server_refuses_a_post_before_its_body_is_sent(
    hook: Any, secret: bytes, length: int, status: bytes
) -> None:
    async with hook(alone) as h:
        sock = bind("127.0.0.1", 0)
        port = sock.getsockname()[1]
        stop = asyncio.Event()
        server = asyncio.create_task(serve(h.app, sock, stop))  # the same app, on a real port
        try:
            for _ in range(100):
                with contextlib.suppress(OSError):
                    _, probe = await asyncio.open_connection("127.0.0.1", port)
                    probe.close()
                    break
                await asyncio.sleep(0.05)
            before = h.rows()
            # Not a byte of the body is sent: the answer comes anyway, and the server hangs up.
            reply = await raw_call(port, request_head(secret, length))
        finally:
            stop.set()
            await server
        assert reply.startswith(b"HTTP/1.1 " + status), reply[:100]
        assert b"connection: close" in reply.lower()
        assert h.rows() == before
