"""The cookies the web chat sets on a browser (who answers, their language, a form's flash):
their flags, remembering one for a year, and forgetting them."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bot.web.identity import COOKIE_SECONDS


def cookie_flags(request: Request) -> dict[str, Any]:
    """HTTP-only and SameSite; Secure over https (behind the reverse proxy too): plain http
    is a rehearsal on this machine, where a secure cookie would not come back. Under a path
    prefix (SURVEYBOT_PUBLIC_URL=https://example.org/enquete), for that path only: the
    respondent's id is their resume credential, not the rest of the host's, and two chats
    under two prefixes keep a person each."""
    return {
        "httponly": True,
        "secure": request.url.scheme == "https",
        "samesite": "lax",
        "path": _prefix(request) or "/",
    }


def remember(request: Request, response: Response, name: str, value: str) -> None:
    """Sets the cookie `name` for a year (`COOKIE_SECONDS`)."""
    response.set_cookie(name, value, max_age=COOKIE_SECONDS, **cookie_flags(request))


def forget(request: Request, response: Response, *names: str) -> None:
    """Deletes the cookies `names` that the request carries.

    Under a prefix, at `/` too: a browser may still hold one set there before cookies
    were kept to the prefix, which would otherwise outlive a hand-over and give the next
    person the previous one's answers.
    """
    for name in names:
        if name in request.cookies:
            flags = cookie_flags(request)
            response.delete_cookie(name, **flags)
            if flags["path"] != "/":
                response.delete_cookie(name, **{**flags, "path": "/"})


def _prefix(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")
