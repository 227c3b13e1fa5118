"""What a request says beyond its form: the person's language, the chat's address with the
workshop it was opened for, whether chat.js sent it, and whose cookie it carries."""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlencode

from starlette.requests import HTTPConnection, Request
from starlette.types import Scope

from bot.web.identity import COOKIE, LANGUAGE_COOKIE, valid_id
from conversation import Conversation, Person
from flows import STAGE_CODE
from storage import Channel

SCRIPT_HEADER: Final = ("x-requested-with", "fetch")
"""What chat.js sends with a form it posts in the background."""


def language_of(request: Request, conversation: Conversation) -> str:
    """The language chosen on this browser, else the browser's own, else the flow's."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in conversation.flow.languages:
        return str(chosen)
    wanted = browser_languages(request.headers.get("accept-language", ""))
    # The first the questionnaire has: a phone set to German, then English, reads English.
    hint = next(
        (_primary(tag) for tag in wanted if _primary(tag) in conversation.flow.languages), None
    )
    return conversation.language_from_hint(Person(Channel.WEB, "", hint))


def browser_languages(header: str) -> list[str]:
    """The language tags of an Accept-Language header, the most wanted first (none at q=0)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, *parameters = (piece.strip() for piece in part.split(";"))
        weights = [value for name, _, value in (p.partition("=") for p in parameters)
                   if name.strip().lower() == "q"]  # fmt: skip
        weight = _weight(weights[0].strip()) if weights else 1.0
        if tag not in ("", "*") and weight > 0:
            ranked.append((-weight, index, tag))
    return [tag for _, _, tag in sorted(ranked)]


QVALUE: Final = re.compile(r"0(?:\.\d{0,3})?|1(?:\.0{0,3})?")
"""A weight as RFC 9110 writes one, from 0 to 1 with at most three decimals."""


def _weight(value: str) -> float:
    """A `q=` value; one that is not a weight (1.5, -1, nan, "zero") counts as not wanted."""
    return float(value) if QVALUE.fullmatch(value) else 0.0


def _primary(tag: str) -> str:
    """A tag's language alone: "en-GB" and "en_GB" (as some systems write it) are "en"."""
    return tag.replace("_", "-").split("-")[0].lower()


def chat_url(request: Request, stage: str | None) -> str:
    """The chat's address, with the workshop of the link it was opened from (`?stage=`).

    Every form of the page posts there and every link back to the chat leads there:
    an answer given after declining the notice, changing the language or reloading
    the page is still tagged with the workshop.
    """
    url = str(request.url_for("chat"))
    return f"{url}?{urlencode({'stage': stage})}" if stage and STAGE_CODE.fullmatch(stage) else url


def by_script(request: Request) -> bool:
    """Whether chat.js posted the form: it wants the page itself, to redraw in place."""
    # A plain form post gets a redirect (post/redirect/get); chat.js's fetch would follow
    # it too, but one round trip is quicker on a phone, and its page keeps no history.
    name, value = SCRIPT_HEADER
    return request.headers.get(name) == value


def cookies_refused(request: Request, issued: str | None) -> bool:
    """Whether a form comes from a browser that refuses cookies: posted by the browser itself
    (it names this site as its Origin, which `SameOrigin` checked; a script replaying a form
    names none) from a page that set the respondent's cookie (`issued`), without that cookie.

    A session that lapsed sends a cookie, or its page did not set one: "out of date" then.
    """
    return issued == "1" and bool(request.headers.get("origin")) and COOKIE not in request.cookies


def respondent_of(scope: Scope) -> str | None:
    """The respondent id of a request's cookie, for the rate limit."""
    return valid_id(HTTPConnection(scope).cookies.get(COOKIE))
