"""What every request of the web chat goes through: a size limit, a rate limit, safe headers.

Plain ASGI middleware, so it stands in front of the Telegram webhook as well as
the pages. Nothing here logs a path: a resume link holds a respondent's id. A
refusal is a line of text unless the application draws it (`refuse`): the web
chat gives a person a page of its own, in their language.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.http.cut_short import shown

log = logging.getLogger(__name__)

# A form holds one answer: 4,000 characters at most, percent-encoded.
MAX_BODY: Final = 64 * 1024
# A Telegram update: a 4,096-character message quoting another, with its entities,
# stays far below. Generous, because Telegram retries a refused update until it gives up.
MAX_UPDATE: Final = 1024 * 1024
# The time a request's body has to arrive, all of it. A form is a few KB: under 5 s on a
# 2G link; chat.js itself gives up on a post after 15 s. A body that trickles (a script
# holding connections open) is given up then, so a connection costs at most that long.
BODY_SECONDS: float = 15

SECURITY_HEADERS: Final = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "x-content-type-options": "nosniff",
    # Never a resume link in another site's logs; our own origin on our own forms (with
    # "no-referrer", browsers send `Origin: null` even there, and SameOrigin could not tell).
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}

REASONS: Final = {
    408: "The request took too long to arrive: check the connection, then send it again.",
    403: "This form was sent from another site, so it was not taken.",
    413: "Request body too large.",
    429: "Too many requests: wait a few seconds, then reload the page.",
}
"""What each refusal says as plain text."""

Refuse = Callable[[Scope, int, Mapping[str, str]], Response]
"""Draws a refusal: the request's scope, the status, the headers it must carry (Retry-After)."""


def plain_refusal(scope: Scope, status: int, headers: Mapping[str, str]) -> Response:
    """A refusal as a line of text, for callers that are programs (Telegram's webhook)."""
    return PlainTextResponse(REASONS[status], status_code=status, headers=dict(headers))


class BodyLimit:
    """Refuses a request whose body is over `limit` bytes, before the application reads it,
    or has not all arrived `seconds` (`BODY_SECONDS`) after the request began (408, one line).

    `limits` gives some paths a limit of their own (Telegram's webhook: `MAX_UPDATE`).
    """

    def __init__(
        self,
        app: ASGIApp,
        limit: int = MAX_BODY,
        *,
        limits: Mapping[str, int] | None = None,
        refuse: Refuse = plain_refusal,
        seconds: float | None = None,
    ) -> None:
        self.app = app
        self.limit = limit
        self.limits = dict(limits or {})
        self.refuse = refuse
        self.seconds = BODY_SECONDS if seconds is None else seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(_route_path(scope), self.limit)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._too_large(scope, receive, send)
            return
        seen = 0
        deadline = asyncio.get_running_loop().time() + self.seconds
        arrived = False  # after the body, `receive` waits for the disconnection: untimed

        async def counted() -> Message:
            nonlocal seen, arrived
            if arrived:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise BodyLate from None
            arrived = message["type"] != "http.request" or not message.get("more_body", False)
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except BodyTooLarge:
            await self._too_large(scope, receive, send)
        except BodyLate:
            log.info(
                "gave up a request whose body had not arrived in %g s: %s",
                self.seconds,
                shown(scope),
            )
            await self.refuse(scope, 408, {"connection": "close"})(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Closing the connection spares reading (and throwing away) the rest of the body.
        response = self.refuse(scope, 413, {"connection": "close"})
        await response(scope, receive, send)


class BodyTooLarge(Exception):
    """A body sent without (or beyond) its declared length grew past the limit."""


class BodyLate(Exception):
    """A body that had not all arrived within the time limit."""


@dataclass
class Bucket:
    tokens: float
    updated: float


@dataclass
class Buckets:
    """Token buckets by key: `burst` requests at once, refilled at `per_second`.

    The table is bounded: the keys seen longest ago are forgotten first.
    """

    burst: float
    per_second: float
    clock: Callable[[], float]
    size: int = 10_000
    table: OrderedDict[str, Bucket] = field(default_factory=OrderedDict)

    def take(self, key: str) -> bool:
        """Spend one request of `key`'s bucket; False when it is empty."""
        now = self.clock()
        bucket = self.table.pop(key, None) or Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.per_second)
        bucket.updated = now
        self.table[key] = bucket
        while len(self.table) > self.size:
            self.table.popitem(last=False)
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True


Who = Callable[[Scope], "str | None"]


@dataclass
class RateLimit:
    """At most `burst` requests at once per person, refilled at `per_second`; and a
    crowd's worth per network address.

    The people of a workshop share one address (the venue's Wi-Fi, a carrier's
    NAT), so an address alone cannot tell a person from a room: it gets a room's
    allowance. `who` names the person a request comes from (the web chat's
    cookie) where there is one, and that person gets a person's allowance too:
    generous for someone tapping through a questionnaire; a script hammering the
    server gets 429 with a Retry-After. The paths of `exempt` are not counted:
    static files, the health check, and the Telegram webhook, whose every update
    comes from Telegram's own servers and which its secret already guards. An entry
    ending in "/" (`/static/`) exempts what is under it; any other, that path alone:
    a webhook at `/c` must not lift the limit of `/chat`, nor `/s` of every card.
    """

    app: ASGIApp
    burst: float = 30
    per_second: float = 2
    # A room of 100 answering a question every 5 s, without chat.js (a post and its
    # redirect: two requests an answer), asks 40 a second: the allowance is twice a busy
    # room's pace, as a venue's Wi-Fi shows a workshop as one address.
    crowd_burst: float = 600
    crowd_per_second: float = 60
    who: Who | None = None
    exempt: tuple[str, ...] = ()
    clock: Callable[[], float] = time.monotonic
    refuse: Refuse = plain_refusal

    def __post_init__(self) -> None:
        now = lambda: self.clock()  # noqa: E731 -- tests replace `clock` after construction
        self.people = Buckets(self.burst, self.per_second, now)
        self.addresses = Buckets(self.crowd_burst, self.crowd_per_second, now)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._allow(scope):
            await self.app(scope, receive, send)
            return
        wait = {"retry-after": str(int(1 / self.per_second) + 1)}
        await self.refuse(scope, 429, wait)(scope, receive, send)

    def _allow(self, scope: Scope) -> bool:
        if _exempt(_route_path(scope), self.exempt):
            return True
        person = self.who(scope) if self.who else None
        if person is not None and not self.people.take(person):
            return False
        return self.addresses.take(_client(scope))


def _exempt(path: str, exempt: tuple[str, ...]) -> bool:
    """Whether `path` is one of `exempt`, or under one of them that ends in "/"."""
    return any(path == e or (e.endswith("/") and path.startswith(e)) for e in exempt)


def _route_path(scope: Scope) -> str:
    """The path within the application: without the prefix it is served under, if any."""
    path, prefix = str(scope.get("path", "")), str(scope.get("root_path", ""))
    return path[len(prefix) :] if prefix and path.startswith(prefix + "/") else path


def _client(scope: Scope) -> str:
    # Behind a reverse proxy, uvicorn's proxy headers have put the real address here.
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class SameOrigin:
    """Refuses a form posted from another site: its browser says so in `Origin`.

    Browsers name the page's origin on every POST; a form on another site that
    posts here (to answer in someone's name, or to swap their resume link) names
    that site. Requests without the header (Telegram's webhook, scripts) are left
    to the other proofs (the webhook's secret, the form token).
    """

    def __init__(self, app: ASGIApp, *, refuse: Refuse = plain_refusal) -> None:
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        origin = headers.get(b"origin", b"").decode("latin-1").lower()
        host = headers.get(b"host", b"").decode("latin-1").lower()
        if not origin or _host_of(origin) == _without_port(host):
            await self.app(scope, receive, send)
            return
        log.warning("refused a form posted from another site (Origin: %s)", origin[:100])
        await self.refuse(scope, 403, {})(scope, receive, send)


def _host_of(origin: str) -> str | None:
    """The host (and port, when not the scheme's default) an `Origin` names, as in `Host`."""
    scheme, sep, rest = origin.partition("://")
    if not sep or scheme not in ("http", "https"):
        return None  # "null", from a sandboxed frame or a privacy redirect
    return _without_port(rest)


def _without_port(host: str) -> str:
    # Ports 80 and 443 are left out of one header and sometimes written in the other.
    return host.removesuffix(":443").removesuffix(":80")


class SafeHeaders:
    """Adds the security headers to every response, and keeps personal pages out of caches."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Pages hold personal answers: never cached. Stylesheets and scripts may be.
        private = not _route_path(scope).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.encode() not in names:
                        headers.append((name.encode(), value.encode()))
                if private and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
