"""The rate limit spares the webhook's own path, not the pages whose path it begins.

A webhook at a short path (`SURVEYBOT_WEBHOOK_URL=https://enquete.example.org/c`) used
to lift the limit of every path starting with it: `/chat` for `/c`, `/handover` for
`/h`, every workshop's card for `/s`.
"""

from __future__ import annotations

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.http import RateLimit
from bot.web.app import WebChat, create_app
from tests.web.conftest import Patience, guard_of


async def _hook(request: Request) -> Response:
    return Response(status_code=403)  # as the webhook answers a call without its secret


async def statuses(chat: WebChat, webhook: str | None, path: str, method: str = "GET") -> list[int]:
    """What a script sending a crowd's allowance and 100 more at once from one address gets."""
    routes = [Route(webhook, _hook, methods=["POST"])] if webhook else None
    app = create_app(chat, routes=routes)
    guard = guard_of(app, RateLimit)
    guard.clock = Patience(step=0)  # a script: time stands still
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        sent = int(guard.crowd_burst) + 100
        return [(await client.request(method, path)).status_code for _ in range(sent)]


@pytest.mark.parametrize(
    ("webhook", "path"), [("/c", "/chat"), ("/h", "/handover"), ("/s", "/s/pithiviers")]
)
async def test_a_webhook_path_that_begins_a_pages_path_keeps_its_limit(
    web_chat: WebChat, webhook: str, path: str
) -> None:
    without = await statuses(web_chat, None, path)
    beside = await statuses(web_chat, webhook, path)
    assert without.count(429) >= 100  # the crowd's allowance at once (a person's 30), then refused
    assert beside.count(429) == without.count(429)


async def test_the_webhook_itself_and_static_files_are_still_not_counted(web_chat: WebChat) -> None:
    assert 429 not in await statuses(web_chat, "/c", "/c", "POST")
    assert 429 not in await statuses(web_chat, None, "/static/chat.css")
    assert 429 not in await statuses(web_chat, None, "/health")
