"""Webhook mode: Telegram posts each update to us; we answer 200 only once it is handled.

Telegram retries a webhook delivery that fails or times out, so holding the
HTTP response until the update is committed keeps the same at-least-once
guarantee as our poller (and the update id in the answer's transaction keeps
it from being applied twice). The secret Telegram sends with each call is
checked before the body is read; the body's size is capped by the guards in
front of every route. Served by uvicorn: alone (`surveybot run --webhook-url`)
or beside the web chat (`surveybot serve --telegram-webhook`), behind a TLS
reverse proxy either way.
"""

from __future__ import annotations

import functools
import hmac
import json
import logging
from pathlib import Path
from typing import Final

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update

from bot.http import BodyLimit, bind, serve
from bot.telegram.app import running
from bot.telegram.context import BotApplication
from bot.telegram.poller import ALLOWED_UPDATES
from bot.telegram.processor import PerRespondentProcessor

log = logging.getLogger(__name__)

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"


def webhook_route(application: BotApplication, *, path: str, secret: str) -> Route:
    """POST `path`: one update, handled before the reply; 403 without the secret."""
    expected = secret.encode("utf-8")
    processor = application.update_processor
    if not isinstance(processor, PerRespondentProcessor):
        raise TypeError("the webhook needs the PerRespondentProcessor")

    async def receive(request: Request) -> Response:
        # Header values arrive as latin-1: compared as bytes, any header is a mere mismatch.
        given = request.headers.get(SECRET_HEADER, "").encode("latin-1")
        if not hmac.compare_digest(given, expected):
            return Response(status_code=403)
        try:
            update = Update.de_json(json.loads(await request.body()), application.bot)
        except (ValueError, TypeError, KeyError):
            log.warning("the webhook received a body that is not an update")
            return Response(status_code=400)
        done = processor.done(update.update_id)
        await application.update_queue.put(update)
        try:
            await done
        finally:
            processor.forget(update.update_id)
        return Response(status_code=200)

    return Route(path, receive, methods=["POST"], name="telegram_webhook")


async def register_webhook(application: BotApplication, *, url: str, secret: str) -> None:
    """Tell Telegram where to post updates, keeping those that wait (nothing is dropped)."""
    await application.bot.set_webhook(
        url, allowed_updates=ALLOWED_UPDATES, secret_token=secret, drop_pending_updates=False
    )
    log.info("Telegram posts updates to %s", url)


async def run_webhook(
    application: BotApplication,
    db_path: Path,
    *,
    url: str,
    listen: str,
    port: int,
    secret: str,
) -> None:
    """Serve the webhook alone until SIGINT/SIGTERM; register it with Telegram at start."""
    sock = bind(listen, port)
    route = webhook_route(application, path=webhook_path(url), secret=secret)
    app = Starlette(routes=[route], middleware=[Middleware(BodyLimit)])
    async with running(application, db_path):
        await register_webhook(application, url=url, secret=secret)
        listening = functools.partial(log.info, "surveybot is listening on %s:%s", listen, port)
        await serve(app, sock, ready=listening)


def webhook_path(url: str) -> str:
    """The path part of the public webhook URL, which is also where we listen."""
    rest = url.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else "/"
