"""`GET /health`: whether this instance can take respondents, for whatever routes them to it.

A load balancer (HAProxy's `option httpchk`, a cloud's target group, a
Kubernetes probe) asks every few seconds and sends people only to instances
that answer 200. Serving a page is not enough to be healthy: an instance whose
database went away would show the questionnaire and fail at the first answer.
So the check asks the database a trivial question, the way an answer reaches
it (on SQLite, through the thread that writes), and answers 503 when it fails
or takes longer than `PROBE_TIMEOUT_S`. The reply names nothing of the
database (the address is public); the log says what failed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Final

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

log = logging.getLogger(__name__)

PATH: Final = "/health"
PROBE_TIMEOUT_S: Final = 2.0
"""Longer than any answer's commit takes under load; shorter than a balancer's own timeout."""
_NOT_KEPT: Final = {"Cache-Control": "no-store"}


def health_route(probe: Callable[[], Awaitable[object]]) -> Route:
    """The route answering `GET /health` (and `HEAD`) from `probe`, the database's check.

    One probe at a time: a request while one is under way waits for that one, so
    a balancer asking often, or someone hammering the address, costs the database
    one trivial question at a time. A probe past `PROBE_TIMEOUT_S` is answered 503
    but left to finish, not cancelled: the store's writes cannot be cut short (on
    SQLite it waits out the busy timeout), and the next request waits for it.
    """
    under_way: asyncio.Future[object] | None = None

    async def health(request: Request) -> Response:
        nonlocal under_way
        if under_way is None or under_way.done():
            under_way = asyncio.ensure_future(probe())
            under_way.add_done_callback(_said)
        done, _ = await asyncio.wait({under_way}, timeout=PROBE_TIMEOUT_S)
        if not done:
            log.warning("health check: the database took over %.0f s to answer", PROBE_TIMEOUT_S)
            return _unhealthy()
        if under_way.exception() is not None:
            return _unhealthy()
        return PlainTextResponse("ok\n", headers=_NOT_KEPT)

    return Route(PATH, health, methods=["GET", "HEAD"], name="health")


def _said(probe: asyncio.Future[object]) -> None:
    """Log a failed probe once, whoever waited for it (or none, if it ended after them)."""
    if not probe.cancelled() and (error := probe.exception()) is not None:
        log.warning("health check: %s", str(error) or type(error).__name__)


def _unhealthy() -> Response:
    return PlainTextResponse("database unavailable\n", status_code=503, headers=_NOT_KEPT)
