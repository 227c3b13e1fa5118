"""Webhook mode: Telegram posts each update to us; we answer 200 only once it is handled.

Telegram retries a webhook delivery that fails or times out, so holding the
HTTP response until the update is committed keeps the same at-least-once
guarantee as our poller (and the update id in the answer's transaction keeps
it from being applied twice). An update that could not be handled because the
database was unavailable gets 503: Telegram delivers it again later (to
whichever instance takes it), and nobody was told to type it again. The secret Telegram sends with each call is
checked before a byte of the body is read, so a forged call costs us nothing
whatever it sends; the body is capped at `MAX_UPDATE` (here, and by the guards
in front of every route), and a body that is not an update is a 400, never a
500. There is always a secret: the route refuses to exist without a valid one,
and the command line makes one up when none is configured. Served by uvicorn: alone (`surveybot run --webhook-url`)
or beside the web chat (`surveybot serve --telegram-webhook`), behind a TLS
reverse proxy either way.
"""

from __future__ import annotations

import functools
import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Final

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.error import BadRequest

from bot.http import MAX_UPDATE, BodyLimit, bind, health_route, serve
from bot.telegram.app import WebhookRefused, running
from bot.telegram.context import BotApplication
from bot.telegram.poller import ALLOWED_UPDATES, shown_url
from bot.telegram.processor import PerRespondentProcessor
from storage import StorageError

log = logging.getLogger(__name__)

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
# What Telegram accepts as `secret_token` in setWebhook.
SECRET_RULE: Final = "1 to 256 characters of A-Z, a-z, 0-9, _ and -"
_SECRET: Final = re.compile(r"[A-Za-z0-9_-]{1,256}")
ANOTHER_SECRET: Final = "refused a webhook call carrying another secret"
"""Logged at each such call; `serve` says it once a minute, with how many went unsaid."""
RETRY_AFTER_S: Final = 5
"""What a 503 suggests waiting (Telegram keeps its own pace; a proxy may read it)."""
_UPDATE_IDS: Final = range(0, 2**63)  # what the handled_updates table can key


def secret_problem(secret: str) -> str | None:
    """What is wrong with `secret` as a webhook secret (never quoting it), or None."""
    if not secret:
        return "is empty"
    if len(secret) > 256:
        return f"has {len(secret)} characters"
    if not _SECRET.fullmatch(secret):
        return "holds characters Telegram does not allow"
    return None


def webhook_route(application: BotApplication, *, path: str, secret: str) -> Route:
    """POST `path`: one update, handled before the reply; 403 without the secret."""
    problem = secret_problem(secret)
    if problem is not None:
        # An empty secret would let a call without the header through.
        raise ValueError(f"the webhook secret {problem}; it must be {SECRET_RULE}")
    expected = secret.encode("ascii")
    processor = application.update_processor
    if not isinstance(processor, PerRespondentProcessor):
        raise TypeError("the webhook needs the PerRespondentProcessor")

    async def receive(request: Request) -> Response:
        # Header values arrive as latin-1: compared as bytes, any header is a mere mismatch.
        given = request.headers.get(SECRET_HEADER, "").encode("latin-1")
        if not hmac.compare_digest(given, expected):
            if given:
                # Said once a minute with a count (SELDOM, bot/http/server.py), never the secret.
                log.warning(ANOTHER_SECRET)
            else:
                log.debug("refused a webhook call without the secret header")
            return _refusal(403)
        body = await _capped_body(request)
        if body is None:
            return _refusal(413)
        update = _parsed(body, application)
        if update is None:
            log.warning("the webhook received a body that is not an update")
            return Response(status_code=400)
        done = processor.done(update.update_id)
        await application.update_queue.put(update)
        try:
            handled = await done
        finally:
            processor.forget(update.update_id)
        if not handled:
            # The database was unavailable (logged by the error handler): not applied.
            return Response(status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)})
        return Response(status_code=200)

    return Route(path, receive, methods=["POST"], name="telegram_webhook")


def _refusal(status: int) -> Response:
    # Closing the connection spares reading (and throwing away) whatever body was sent.
    return Response(status_code=status, headers={"connection": "close"})


async def _capped_body(request: Request) -> bytes | None:
    """The body, or None when it is (or says it is) over `MAX_UPDATE` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_UPDATE):
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_UPDATE:
            return None
    return bytes(body)


def _parsed(body: bytes, application: BotApplication) -> Update | None:
    """The update in `body`, or None when it is not one (not JSON, not an object, no id...)."""
    try:
        data = json.loads(body)  # invalid UTF-8 is a ValueError too
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    update_id = data.get("update_id")
    if type(update_id) is not int or update_id not in _UPDATE_IDS:  # not a bool, either
        return None
    try:
        return Update.de_json(data, application.bot)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        # python-telegram-bot's constructors fail this way on a malformed object.
        return None


async def register_webhook(application: BotApplication, *, url: str, secret: str) -> None:
    """Tell Telegram where to post updates, keeping those that wait (nothing is dropped).

    A refusal (a port Telegram does not call, a name it cannot resolve) is
    `WebhookRefused`, said as such: Telegram was reached, the address is wrong.
    Once set, no poller can read updates: the inbox's, which a poller left not
    handled, are deleted once a day old, now and at each pruning (`Housekeeping.webhook`).
    """
    shown = shown_url(url, application.bot.token)  # no token or password of the address
    try:
        await application.bot.set_webhook(
            url, allowed_updates=ALLOWED_UPDATES, secret_token=secret, drop_pending_updates=False
        )
    except BadRequest as error:
        raise WebhookRefused(shown, str(error)) from error
    log.info("Telegram posts updates to %s", shown)
    services = application.bot_data
    services.housekeeping.webhook = True
    try:
        await services.housekeeping.prune_inbox(services.clock())
    except StorageError as error:  # the pruning job tries again within a minute
        log.warning("the inbox could not be pruned at start: %s", error)


async def run_webhook(
    application: BotApplication,
    database: Path | str,
    *,
    url: str,
    listen: str,
    port: int,
    secret: str,
) -> None:
    """Serve the webhook alone until SIGINT/SIGTERM; register it with Telegram at start."""
    sock = bind(listen, port)
    try:
        async with running(application, database) as store:
            app = webhook_app(application, path=webhook_path(url), secret=secret, probe=store.ping)
            await register_webhook(application, url=url, secret=secret)
            listening = functools.partial(log.info, "surveybot is listening on %s:%s", listen, port)
            await serve(app, sock, ready=listening)
    finally:
        sock.close()  # also when the start fails (the Bot API unreachable, say)


def webhook_app(
    application: BotApplication,
    *,
    path: str,
    secret: str,
    probe: Callable[[], Awaitable[object]],
) -> Starlette:
    """The webhook alone, behind the body limit, and `GET /health` answered from `probe`
    (the store's): what `surveybot run --webhook-url` serves."""
    routes = [webhook_route(application, path=path, secret=secret), health_route(probe)]
    return Starlette(routes=routes, middleware=[Middleware(BodyLimit, limit=MAX_UPDATE)])


def webhook_path(url: str) -> str:
    """The path part of the public webhook URL, which is also where we listen."""
    rest = url.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else "/"
