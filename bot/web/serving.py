"""Running the web chat: alone on its own store, or beside Telegram's webhook in one process."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import socket
from collections.abc import AsyncIterator
from pathlib import Path

from bot.http import serve
from bot.telegram import BotApplication, running
from bot.telegram.webhook import register_webhook, webhook_path, webhook_route
from bot.web.app import WebChat, create_app
from conversation import Conversation, Housekeeping, Policy, utc_now
from flows import Catalogue, Flow, StageDef
from storage import open_store

log = logging.getLogger(__name__)

UPKEEP_EVERY = dt.timedelta(days=1)


async def serve_web(
    db: Path | str,
    flow: Flow | Catalogue,
    stages: list[StageDef],
    sock: socket.socket,
    *,
    secret: bytes,
    bot_username: str | None,
    policy: Policy,
    public_url: str | None = None,
) -> None:
    """The web chat on its own store until SIGINT/SIGTERM, with the bot's daily upkeep."""
    with sock:  # closed however this ends, a start that fails included
        store = await open_store(db)
        try:
            conversation = Conversation(
                store, flow, stages, timezone=policy.timezone, closed=policy.closed
            )
            await conversation.sync_with_files()
            app = create_app(WebChat(conversation, secret, bot_username, public_url))
            async with _daily_upkeep(Housekeeping(store, flow, policy)):
                await serve(app, sock, ready=lambda: _say_where(sock))
        finally:
            await store.close()


async def serve_web_and_telegram(
    application: BotApplication,
    db: Path | str,
    sock: socket.socket,
    *,
    url: str,
    webhook_secret: str,
    secret: bytes,
    bot_username: str | None,
    public_url: str | None = None,
) -> None:
    """The web chat and Telegram's webhook on one conversation until SIGINT/SIGTERM."""
    # The socket is closed however this ends, a start that fails included (Telegram
    # unreachable, the token refused).
    with sock:
        async with running(application, db):
            conversation = application.bot_data.conversation
            chat = WebChat(
                conversation, secret, bot_username or application.bot.username, public_url
            )
            route = webhook_route(application, path=webhook_path(url), secret=webhook_secret)
            await register_webhook(application, url=url, secret=webhook_secret)
            await serve(create_app(chat, routes=[route]), sock, ready=lambda: _say_where(sock))


def _say_where(sock: socket.socket) -> None:
    host, port = sock.getsockname()[:2]
    log.info("the web chat is at http://%s:%s/ (a stage's page: /s/<code>)", host, port)


@contextlib.asynccontextmanager
async def _daily_upkeep(housekeeping: Housekeeping) -> AsyncIterator[None]:
    """Close stale responses and purge old ones once a day, as the running bot does."""

    async def rounds() -> None:
        while True:
            try:
                await housekeeping.upkeep(utc_now())
            except Exception:  # one bad round must not stop the next ones
                log.exception("error in scheduled work")
            await asyncio.sleep(UPKEEP_EVERY.total_seconds())

    task = asyncio.create_task(rounds(), name="surveybot-upkeep")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
