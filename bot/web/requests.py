"""What a request says beyond its form: the person's language, the chat's address with the
workshop it was opened for, whether chat.js sent it, and whose cookie it carries."""

from __future__ import annotations

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
    header = request.headers.get("accept-language", "")
    wanted = [part.split(";")[0].strip() for part in header.split(",") if part.strip()]
    person = Person(Channel.WEB, "", wanted[0] if wanted else None)
    return conversation.language_from_hint(person)


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


def respondent_of(scope: Scope) -> str | None:
    """The respondent id of a request's cookie, for the rate limit."""
    return valid_id(HTTPConnection(scope).cookies.get(COOKIE))
