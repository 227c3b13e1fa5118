"""`surveybot serve --telegram-webhook`: Telegram's webhook and the web chat in one application,
on one conversation and one database, each respondent counted on their own channel."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot.http import MAX_UPDATE, RateLimit
from bot.telegram import BotApplication, build_application, running
from bot.telegram.webhook import SECRET_HEADER, webhook_route
from bot.web import WebChat, create_app
from flows import Flow, StageDef
from organiser import read_stats
from storage import Store
from tests.conftest import Peek
from tests.support.fake_bot_api import BOT_USERNAME, TOKEN, FakeBotAPI
from tests.web.conftest import SECRET, Patience, guard_of
from tests.web.driver import Visitor

HOOK = "/telegram/7f3a"
HOOK_SECRET = "hook-secret_for-tests"
USER = 4242


def message(update_id: int, text: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": update_id,
        "date": 1_700_000_000,
        "chat": {"id": USER, "type": "private"},
        "from": {"id": USER, "is_bot": False, "first_name": "Léa", "language_code": "fr"},
        "text": text,
    }
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": body}


def tap(update_id: int, data: str, message_id: int) -> dict[str, Any]:
    user = {"id": USER, "is_bot": False, "first_name": "Léa", "language_code": "fr"}
    # As Telegram sends the pressed message: as it stands, its buttons with it.
    keyboard = {"inline_keyboard": [[{"text": "·", "callback_data": data}]]}
    shown = {
        "message_id": message_id,
        "date": 1,
        "chat": {"id": USER, "type": "private"},
        "reply_markup": keyboard,
    }
    query = {"id": str(update_id), "from": user, "chat_instance": "1", "data": data}
    return {"update_id": update_id, "callback_query": {**query, "message": shown}}


@pytest.fixture
def api() -> FakeBotAPI:
    return FakeBotAPI()


@pytest.fixture
def application(api: FakeBotAPI, flow: Flow, stages: list[StageDef]) -> BotApplication:
    return build_application(token=TOKEN, flow=flow, stages=stages, request=api, rate_limit=False)


@pytest.fixture
async def both(application: BotApplication, db_path: Path) -> AsyncIterator[Starlette]:
    """The application `serve --telegram-webhook` builds: pages and webhook, one conversation."""
    async with running(application, db_path):
        conversation = application.bot_data.conversation
        chat = WebChat(conversation, SECRET, application.bot.username)
        route = webhook_route(application, path=HOOK, secret=HOOK_SECRET)
        app = create_app(chat, routes=[route])
        guard_of(app, RateLimit).clock = Patience()
        yield app


async def test_a_web_respondent_and_a_telegram_respondent_share_one_database(
    both: Starlette, api: FakeBotAPI, application: BotApplication, flow: Flow, peek: Peek
) -> None:
    transport = httpx.ASGITransport(app=both, client=("192.0.2.10", 1))
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as web,
        httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as telegram,
    ):

        async def deliver(update: dict[str, Any]) -> None:
            sent = await telegram.post(
                HOOK, content=json.dumps(update), headers={SECRET_HEADER: HOOK_SECRET}
            )
            assert sent.status_code == 200

        # On Telegram: the link's /start, the notice's button, a first answer.
        await deliver(message(1, "/start pithiviers"))
        notice = api.chat(USER)[-1]
        agree = notice.buttons()[0]
        assert agree["text"] == "✅ J’accepte"
        await deliver(tap(2, agree["callback_data"], notice.message_id))
        await deliver(message(3, "Fromagerie Léa"))

        # In a browser, at the same time: the same workshop, the same questionnaire.
        ana = Visitor(web)
        card = await ana.get("/s/pithiviers")
        assert f"https://t.me/{BOT_USERNAME}?start=pithiviers" in card.links()
        await ana.get("/chat?stage=pithiviers")
        await ana.press("✅ J’accepte")
        page = await ana.type("Atelier Dupont")
        assert page.progress.startswith("Question 2/")

        # The webhook still refuses what does not come from Telegram, beside the pages.
        forged = await telegram.post(HOOK, content=json.dumps(message(4, "x")))
        assert forged.status_code == 403
        too_big = await telegram.post(
            HOOK, content=b"{" + b" " * MAX_UPDATE + b"}", headers={SECRET_HEADER: HOOK_SECRET}
        )
        assert too_big.status_code == 413
        assert (await web.get(HOOK)).status_code == 405  # a page there is not the chat's

    assert sorted(peek.query("SELECT channel, external_id FROM respondents")) == [
        ("telegram", str(USER)),
        ("web", ana.cookies["surveybot_id"]),
    ]
    assert sorted(
        peek.query(
            "SELECT p.channel, a.value_json, r.stage_code FROM answers a "
            "JOIN responses r ON r.id = a.response_id JOIN respondents p ON p.id = r.respondent_id"
        )
    ) == [
        ("telegram", '"Fromagerie Léa"', "pithiviers"),
        ("web", '"Atelier Dupont"', "pithiviers"),
    ]
    # The organiser's statistics count each on its channel.
    store: Store = application.bot_data.conversation.store  # type: ignore[assignment]
    stats = await read_stats(
        store, flow=flow, stages=application.bot_data.stages, today=dt.date(2019, 6, 5)
    )
    (pithiviers,) = [row for row in stats.stages if row.code == "pithiviers"]
    assert pithiviers.started == 2
    assert pithiviers.started_on("telegram") == 1
    assert pithiviers.started_on("web") == 1


async def test_a_workshop_crowd_on_telegram_is_not_rate_limited(
    both: Starlette, api: FakeBotAPI
) -> None:
    guard = guard_of(both, RateLimit)
    clock = Patience(step=0.1)  # ten updates a second, from a room of 60 people
    guard.clock = clock
    transport = httpx.ASGITransport(app=both, client=("149.154.167.220", 443))
    statuses = []
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as telegram:
        for n in range(60):
            update = message(100 + n, "/start pithiviers")
            update["message"]["chat"]["id"] = update["message"]["from"]["id"] = 9000 + n
            sent = await telegram.post(
                HOOK, content=json.dumps(update), headers={SECRET_HEADER: HOOK_SECRET}
            )
            statuses.append(sent.status_code)
    assert statuses == [200] * 60
