"""How a benchmark's updates reach an application: the queue, the poller, or the webhook.

Each feed makes one update (as Telegram's JSON) available and returns; the
driver then waits on the `PerRespondentProcessor`'s `done` future and reads
when the reply left the fake Bot API. The bot and the bare python-telegram-bot
baseline are fed the same way:

- `queue`: straight onto `application.update_queue` (what the benchmark did
  before issue 16; it skips the poller and its inbox).
- `poller`: held for a fake `getUpdates` (`BenchAPI.offer`), handed out in
  batches of up to 100 as Telegram does. The bot's own `Poller` fetches,
  writes each batch to its durable inbox and confirms it; the baseline polls
  with python-telegram-bot's own `Updater`, which is what a bare bot does.
- `webhook`: POSTed in process (httpx's ASGI transport) to the bot's webhook
  route, which answers once the update is handled; the baseline gets a bare
  Starlette route that reads the update and queues it, as python-telegram-bot's
  custom-webhook example does.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any, Protocol

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update

from benchmarks.fake_api import BenchAPI
from bot.telegram.poller import Poller
from bot.telegram.webhook import SECRET_HEADER, webhook_app

THROUGH = ("poller", "webhook", "queue")
SECRET = "bench-webhook-secret"
HOOK = "/telegram"


class Feed(Protocol):
    async def deliver(self, payload: dict[str, Any]) -> None:
        """Make the update available to the application (not wait for its handling)."""


class QueueFeed:
    def __init__(self, application: Any) -> None:
        self.application = application

    async def deliver(self, payload: dict[str, Any]) -> None:
        await self.application.update_queue.put(Update.de_json(payload, self.application.bot))


class OfferFeed:
    """Updates wait in the fake Bot API until the application's getUpdates fetches them."""

    def __init__(self, api: BenchAPI) -> None:
        self.api = api

    async def deliver(self, payload: dict[str, Any]) -> None:
        self.api.offer(payload)


class PostFeed:
    """Each update POSTed to the webhook in its own task, as Telegram's deliveries are."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.posts: set[asyncio.Task[httpx.Response]] = set()

    async def deliver(self, payload: dict[str, Any]) -> None:
        post = self.client.post(HOOK, json=payload, headers={SECRET_HEADER: SECRET})
        task = asyncio.ensure_future(post)
        self.posts.add(task)
        task.add_done_callback(self._posted)

    def _posted(self, task: asyncio.Task[httpx.Response]) -> None:
        self.posts.discard(task)
        if not task.cancelled() and task.exception() is None and task.result().status_code != 200:
            raise SystemExit(f"the webhook answered {task.result().status_code}")


@contextlib.asynccontextmanager
async def bot_feed(through: str, application: Any, api: BenchAPI) -> AsyncIterator[Feed]:
    """The bot (already `running`) fed through `through`; its poller runs meanwhile."""
    if through == "queue":
        yield QueueFeed(application)
    elif through == "poller":
        poller = Poller(application, timeout=1)
        task = asyncio.create_task(poller.run())
        try:
            yield OfferFeed(api)
        finally:
            poller.stop()
            await task
    else:
        store = application.bot_data.conversation.store
        app = webhook_app(application, path=HOOK, secret=SECRET, probe=store.ping)
        async with _posting(app) as feed:
            yield feed


@contextlib.asynccontextmanager
async def baseline_feed(through: str, application: Any, api: BenchAPI) -> AsyncIterator[Feed]:
    """The bare application (already started) fed the same way, by the library's own means."""
    if through == "queue":
        yield QueueFeed(application)
    elif through == "poller":
        await application.updater.start_polling(timeout=1, poll_interval=0)
        try:
            yield OfferFeed(api)
        finally:
            await application.updater.stop()
    else:
        async with _posting(_bare_webhook(application)) as feed:
            yield feed


@contextlib.asynccontextmanager
async def _posting(app: Starlette) -> AsyncIterator[PostFeed]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        feed = PostFeed(client)
        try:
            yield feed
        finally:
            if feed.posts:
                await asyncio.wait(list(feed.posts))


def _bare_webhook(application: Any) -> Starlette:
    """python-telegram-bot's custom-webhook example: read the update, queue it, answer 200."""

    async def receive(request: Request) -> Response:
        if request.headers.get(SECRET_HEADER) != SECRET:
            return Response(status_code=403)
        update = Update.de_json(await request.json(), application.bot)
        await application.update_queue.put(update)
        return Response(status_code=200)

    return Starlette(routes=[Route(HOOK, receive, methods=["POST"])])
