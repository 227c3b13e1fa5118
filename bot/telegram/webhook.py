"""Webhook mode: Telegram posts each update to us; we answer 200 only once it is handled.

Telegram retries a webhook delivery that fails or times out, so holding the
HTTP response until the update is committed keeps the same at-least-once
guarantee as our poller (and the update id in the answer's transaction keeps
it from being applied twice). Listen on plain HTTP behind a TLS reverse proxy.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from pathlib import Path

from telegram import Update
from tornado.httpserver import HTTPServer
from tornado.web import Application as WebApplication
from tornado.web import RequestHandler

from bot.telegram.app import running
from bot.telegram.context import BotApplication
from bot.telegram.poller import ALLOWED_UPDATES
from bot.telegram.processor import PerRespondentProcessor

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class UpdateHandler(RequestHandler):
    """POST <path>: one update as JSON."""

    def initialize(self, bot_application: BotApplication, secret: str | None) -> None:
        self.bot_application = bot_application
        self.secret = secret

    async def post(self) -> None:
        if self.secret is not None:
            given = self.request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given, self.secret):
                self.set_status(403)
                return
        try:
            payload = json.loads(self.request.body)
            update = Update.de_json(payload, self.bot_application.bot)
        except (ValueError, TypeError, KeyError):
            log.warning("webhook received a body that is not an update")
            self.set_status(400)
            return
        processor = self.bot_application.update_processor
        assert isinstance(processor, PerRespondentProcessor)
        done = processor.done(update.update_id)
        await self.bot_application.update_queue.put(update)
        try:
            await done
        finally:
            processor.forget(update.update_id)
        self.set_status(200)

    def data_received(self, chunk: bytes) -> None:
        """Bodies are small; tornado buffers them."""


def make_server(application: BotApplication, *, path: str, secret: str | None) -> HTTPServer:
    web = WebApplication(
        [(path, UpdateHandler, {"bot_application": application, "secret": secret})]
    )
    return HTTPServer(web, xheaders=True)


async def run_webhook(
    application: BotApplication,
    db_path: Path,
    *,
    url: str,
    listen: str = "127.0.0.1",
    port: int = 8080,
    secret: str | None = None,
) -> None:
    """Serve the webhook until SIGINT/SIGTERM; register it with Telegram at start."""
    path = webhook_path(url)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stopping.set)
    async with running(application, db_path):
        server = make_server(application, path=path, secret=secret)
        server.listen(port, address=listen)
        await application.bot.set_webhook(
            url,
            allowed_updates=ALLOWED_UPDATES,
            secret_token=secret,
            drop_pending_updates=False,
        )
        log.info("surveybot is receiving updates at %s (listening on %s:%s)", url, listen, port)
        try:
            await stopping.wait()
        finally:
            server.stop()
            await server.close_all_connections()


def webhook_path(url: str) -> str:
    """The path part of the public webhook URL, which is also where we listen."""
    rest = url.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else "/"
