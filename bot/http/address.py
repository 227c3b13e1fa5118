"""The site's public address, for a server behind a proxy that does not pass it on.

Links on a page (the stylesheet, the forms, the resume link), the Secure flag
of cookies and the check of where a form comes from are all built from the
request's own address. Behind nginx with `proxy_set_header Host $host` that is
already the public one; a proxy that keeps its own (`127.0.0.1:8000`), or one
that serves the chat under a path (`https://example.org/enquete/`), needs
SURVEYBOT_PUBLIC_URL, and this puts it in every request.

Under a path prefix the web chat's cookies are kept to that path; a browser that also
holds one of the same name for the whole host (set before, or by a chat served at the
root) sends both, the one of the longer path first (RFC 6265, 5.4): that one is read.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send


class PublicAddress:
    """Every request as if addressed to `url` (its scheme, host and path prefix)."""

    def __init__(self, app: ASGIApp, url: str) -> None:
        self.app = app
        parts = urlsplit(url)
        self.scheme = parts.scheme
        self.host = parts.netloc.encode("latin-1")
        self.prefix = parts.path.rstrip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = dict(scope)
        scope["scheme"] = self.scheme
        scope["headers"] = [
            *((name, value) for name, value in scope["headers"] if name != b"host"),
            (b"host", self.host),
        ]
        if self.prefix:
            # As the ASGI specification has it: the prefix in `root_path`, and in `path`
            # too, whether or not the proxy took it off.
            path = str(scope["path"])
            if not path.startswith(self.prefix + "/") and path != self.prefix:
                scope["path"] = self.prefix + path
            scope["root_path"] = self.prefix
            scope["headers"] = [
                (name, _first_of_each(value) if name == b"cookie" else value)
                for name, value in scope["headers"]
            ]
        await self.app(scope, receive, send)


def _first_of_each(cookie: bytes) -> bytes:
    """A `Cookie` header with only the first cookie of each name (the one of the longest
    path); Starlette would otherwise read the last, the host-wide one."""
    seen: set[bytes] = set()
    kept = []
    for pair in cookie.split(b";"):
        name = pair.split(b"=", 1)[0].strip()
        if name not in seen:
            seen.add(name)
            kept.append(pair.strip())
    return b"; ".join(kept)
