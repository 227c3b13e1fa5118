"""A request whose client went away before its body had arrived: one line, not an error.

A phone that loses its network mid-answer (a train, a lift, a tab closed) leaves a body
shorter than it declared. Starlette raises `ClientDisconnect` from the handler reading it,
which uvicorn would log as a server error with its traceback, fifty lines each time. Here,
around the whole application (the web chat's pages, the hand-over, the resume link,
Telegram's webhook), it is one INFO line naming the method and the path's first segment
(a resume link's path holds a respondent's id). Nothing is answered: nobody is listening.
"""

from __future__ import annotations

import logging

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)


class CutShort:
    """Runs `app`; a client that went away while it read the request is said in one line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        except ClientDisconnect:
            log.info("the client went away before its request arrived: %s", shown(scope))


def shown(scope: Scope) -> str:
    """The request as a log may name it: its method and the first segment of its path
    (`POST /chat`, `POST /r/…`), never what follows (a respondent's id, a stage)."""
    path = str(scope.get("path", ""))
    prefix = str(scope.get("root_path", ""))
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix) :]
    first, _, rest = path.lstrip("/").partition("/")
    return f"{scope.get('method', '?')} /{first}{'/…' if rest else ''}"
