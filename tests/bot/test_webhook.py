"""Webhook mode: an update posted to our server is answered 200 only once it is committed."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware

from bot.http import BodyLimit, bind, serve
from bot.telegram import BotApplication, build_application, running
from bot.telegram.webhook import SECRET_HEADER, webhook_path, webhook_route
from flows import bundled_path, load_flow, load_stages
from tests.support.fake_bot_api import TOKEN, FakeBotAPI
from tests.support.sqlite import open_sqlite

SECRET = "s3cret-token_for-webhook"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_update(update_id: int, text: str, user_id: int = 77) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": 1_700_000_000,
        "chat": {"id": user_id, "type": "private"},
        "from": {"id": user_id, "is_bot": False, "first_name": "Test", "language_code": "fr"},
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


def tap_update(update_id: int, data: str, message_id: int, user_id: int = 77) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "Test", "language_code": "fr"}
    message = {
        "message_id": message_id,
        "date": 1_700_000_000,
        "chat": {"id": user_id, "type": "private"},
        "text": "…",
        # As Telegram sends the pressed message: as it stands, with its buttons.
        "reply_markup": {"inline_keyboard": [[{"text": "…", "callback_data": data}]]},
    }
    query = {
        "id": str(update_id),
        "from": user,
        "chat_instance": str(user_id),
        "data": data,
        "message": message,
    }
    return {"update_id": update_id, "callback_query": query}


def hook_app(application: BotApplication) -> Starlette:
    """The webhook alone behind the body limit, as `surveybot run --webhook-url` serves it."""
    route = webhook_route(application, path="/hook", secret=SECRET)
    return Starlette(routes=[route], middleware=[Middleware(BodyLimit)])


async def wait_until_listening(client: httpx.AsyncClient, url: str) -> None:
    for _ in range(100):
        try:
            await client.get(url)
            return
        except httpx.ConnectError:
            await asyncio.sleep(0.05)
    raise AssertionError(f"nothing listens at {url}")


def test_the_path_comes_from_the_public_url() -> None:
    assert webhook_path("https://bot.example.org/hooks/surveybot") == "/hooks/surveybot"
    assert webhook_path("https://bot.example.org") == "/"


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({SECRET_HEADER: "wrong"}, json.dumps(start_update(1, "/start")), 403),
        ({}, json.dumps(start_update(1, "/start")), 403),
        ({SECRET_HEADER: SECRET}, "not json", 400),
    ],
    ids=["wrong-secret", "no-secret", "garbage"],
)
async def test_refused_posts_change_nothing(
    tmp_path: Path, headers: dict[str, str], body: str, status: int
) -> None:
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
        app = hook_app(application)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1"
        ) as client:
            reply = await client.post("/hook", content=body, headers=headers)
    assert reply.status_code == status
    assert not api.calls_to("sendMessage")
    with open_sqlite(db) as connection:
        assert connection.execute("SELECT COUNT(*) FROM responses").fetchone() == (0,)


async def test_an_update_is_committed_before_the_webhook_answers(tmp_path: Path) -> None:
    api = FakeBotAPI()
    db = tmp_path / "hook.sqlite3"
    application = build_application(
        token=TOKEN,
        flow=load_flow(bundled_path("questionnaire.yaml")),
        stages=load_stages(bundled_path("stages.yaml")),
        request=api,
        rate_limit=False,
    )
    sock = bind("127.0.0.1", 0)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    async with running(application, db):
        # A real server on a real port, as Telegram reaches it.
        stop = asyncio.Event()
        server = asyncio.create_task(serve(hook_app(application), sock, stop))
        try:
            async with httpx.AsyncClient() as client:
                await wait_until_listening(client, url)
                # /start only shows the data notice: nothing is stored before "J’accepte".
                reply = await client.post(
                    url,
                    content=json.dumps(start_update(1, "/start pithiviers")),
                    headers={SECRET_HEADER: SECRET},
                )
                assert reply.status_code == 200
                notice = api.chat(77)[-1]
                agree = notice.buttons()[0]
                assert agree["text"] == "✅ J’accepte"
                for update in (
                    tap_update(2, agree["callback_data"], notice.message_id),
                    start_update(3, "Exemple SARL"),
                ):
                    reply = await client.post(
                        url, content=json.dumps(update), headers={SECRET_HEADER: SECRET}
                    )
                    assert reply.status_code == 200
                    # Telegram may forget the update now: it must already be in the database.
                    with open_sqlite(db) as connection:
                        handled = connection.execute(
                            "SELECT 1 FROM handled_updates WHERE update_id = ?",
                            (update["update_id"],),
                        ).fetchone()
                    assert handled == (1,)
                # Delivered again (Telegram retries when unsure): applied once.
                again = await client.post(
                    url,
                    content=json.dumps(start_update(3, "Exemple SARL")),
                    headers={SECRET_HEADER: SECRET},
                )
                assert again.status_code == 200
        finally:
            stop.set()
            await server
    with open_sqlite(db) as connection:
        answers = connection.execute("SELECT question_id, value_json FROM answers").fetchall()
        stage = connection.execute("SELECT stage_code FROM responses").fetchall()
    assert answers == [("company_name", '"Exemple SARL"')]
    assert stage == [("pithiviers",)]
    texts = [call.params["text"] for call in api.calls_to("sendMessage")]
    assert any(text.startswith("<b>Question 2/") for text in texts)
