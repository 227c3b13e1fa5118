"""Running an ASGI application with uvicorn until SIGINT or SIGTERM, then stopping cleanly.

uvicorn's own signal handling re-raises the signal once it has stopped, which
would cut short the work after it (closing the store, telling Telegram). Here
the caller's event loop catches the signals and asks the server to stop, and
the code around `serve` runs to its end.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import resource
import signal
import socket
import time
from collections.abc import Callable, Iterator
from typing import Final

import uvicorn
from starlette.types import ASGIApp

from bot.http.cut_short import CutShort

log = logging.getLogger(__name__)


class _NoAccessLines(logging.Filter):
    """Drops every line of uvicorn's access log: a resume link's path holds a respondent's id.

    `access_log=False` only empties that logger and stops it propagating, which
    anything that attaches a handler to it (a logging configuration, a test's
    capture) undoes; a filter on the logger itself holds whatever handlers it has.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return False


def _silence_access_log() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, _NoAccessLines) for f in access.filters):
        access.addFilter(_NoAccessLines())


FILES_KEPT: Final = 100
"""Open files the process needs besides its connections: the database and its journal,
the log, Telegram's and PostgreSQL's connections, with room to spare."""
SAID_EVERY_S: Final = 60.0
"""How often "cannot accept a connection: too many open files" is said while it lasts."""


def connections_allowed() -> int | None:
    """How many connections uvicorn may hold before it answers 503 to the next requests:
    the open files allowed (systemd's default: 1,024; the unit's LimitNOFILE) less
    `FILES_KEPT`. Beyond it a request is refused at once instead of using up the files
    every other connection, and the database, need."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return None
    return max(16, soft - FILES_KEPT)


class _Seldom(logging.Filter):
    """A line logged for every connection or request while a flood lasts, said at most once
    every `SAID_EVERY_S`, as `words` with how many times it went unsaid since (`{more}`,
    nothing the first time): asyncio's
    "socket.accept() out of system resource" (out of open files, with a traceback each),
    uvicorn's "Exceeded concurrency limit." (each request past `connections_allowed`),
    the webhook's calls refused for carrying another secret (each update Telegram posts)."""

    def __init__(self, starts: str, words: str) -> None:
        super().__init__()
        self.starts, self.words = starts, words
        self.said = -SAID_EVERY_S
        self.unsaid = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(self.starts):
            return True
        now = time.monotonic()
        if now - self.said < SAID_EVERY_S:
            self.unsaid += 1
            return False
        error = record.exc_info[1] if record.exc_info else None
        cause = getattr(error, "strerror", None) or error or "out of resources"
        more = f"; {self.unsaid} times more since it was last said" if self.unsaid else ""
        record.msg = self.words.replace("{more}", more)
        record.args = (cause,) if "%s" in self.words else ()
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        self.said, self.unsaid = now, 0
        return True


SELDOM: Final = {
    "asyncio": _Seldom(
        "socket.accept() out of system resource",
        "cannot accept connections: %s{more} "
        "(raise LimitNOFILE, or see what holds so many connections open)",
    ),
    "uvicorn.error": _Seldom(
        "Exceeded concurrency limit",
        "answering 503 to requests past the connections allowed{more} "
        "(raise LimitNOFILE, or see what holds so many connections open)",
    ),
    "bot.telegram.webhook": _Seldom(
        "refused a webhook call carrying another secret",
        "refused a webhook call (403): it carries another secret than this instance's{more}. "
        "Another instance with a different "
        "SURVEYBOT_WEBHOOK_SECRET (or none: one made up) may have set the webhook since: "
        "set the same SURVEYBOT_WEBHOOK_SECRET on every instance, then restart them",
    ),
}
"""The floods said seldom, by the logger that says them."""


def _say_running_out_seldom() -> None:
    for name, seldom in SELDOM.items():
        log = logging.getLogger(name)
        if seldom not in log.filters:
            log.addFilter(seldom)


class _Server(uvicorn.Server):
    """uvicorn's server, leaving signals to `serve`."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def bind(listen: str, port: int) -> socket.socket:
    """The listening socket, or OSError saying what stops it (port 0: any free port)."""
    _check_text(listen, port)
    try:
        listening = socket.create_server((listen, port))
    except OSError as error:
        raise OSError(f"cannot listen on {listen}:{port}: {_why(error)}") from error
    # Replies go out as written: asyncio sets TCP_NODELAY only on sockets made with
    # IPPROTO_TCP, which create_server's are not, and a small reply in two writes on a
    # kept-alive connection (Caddy's, Telegram's) then waited ~40 ms for a delayed ACK.
    # Connections accepted inherit the option.
    listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listening


def _check_text(listen: str, port: int) -> None:
    """OSError for a name the socket module refuses with TypeError, leaking its socket:
    a NUL, or bytes that are not text (the variable was not UTF-8). Shown escaped, as the
    terminal may not print them either."""
    try:
        if "\x00" in listen:
            raise ValueError("a NUL")
        if not listen.isascii():
            listen.encode("idna")  # as socket does; "exämple.fr" passes, to be looked up
    except (UnicodeError, ValueError) as error:
        raise OSError(
            f"cannot listen on {listen!a}:{port}: not an address; {_ADDRESS_HINT}"
        ) from error


_NOT_AN_ADDRESS = {errno.EADDRNOTAVAIL, socket.EAI_NONAME} | {
    getattr(socket, name) for name in ("EAI_NODATA", "EAI_ADDRFAMILY") if hasattr(socket, name)
}
"""Not an address of this machine, or not an address at all (what getaddrinfo says of
"not an ip"; create_server keeps its error number, not its type)."""


_ADDRESS_HINT = (
    "--listen (SURVEYBOT_LISTEN) takes an address of this machine, "
    "like 127.0.0.1 (behind a reverse proxy) or 0.0.0.0 (every interface)"
)


def _why(error: OSError) -> str:
    """What to do about a socket that cannot listen, by what stopped it."""
    # create_server adds "(while attempting to bind on address …)": the address is said already.
    reason = (error.strerror or str(error)).split(" (while attempting")[0]
    if error.errno in _NOT_AN_ADDRESS:
        return f"{reason}; {_ADDRESS_HINT}"
    if error.errno == errno.EACCES:
        return f"{reason}; ports below 1024 need privileges: choose another with --port"
    return f"{reason}; is another program using that port? Choose another with --port"


async def serve(
    app: ASGIApp,
    sock: socket.socket,
    stop: asyncio.Event | None = None,
    *,
    ready: Callable[[], None] | None = None,
) -> None:
    """Serve `app` on the bound socket `sock` until SIGINT/SIGTERM (or `stop` is set).

    `ready` runs once the signals are caught: whoever waits for it (a service
    manager, a test) may stop the server from then on, cleanly. No access log: a
    resume link's path holds a respondent's id. Behind a reverse proxy on this
    machine, its X-Forwarded-* headers give the client's address. A client that goes
    away mid-request is one line (`CutShort`). Connections beyond `connections_allowed`
    are answered 503, and running out of open files is said once a minute, not thousands
    of times a second. The socket is closed when the server stops.
    """
    config = uvicorn.Config(
        CutShort(app),
        log_config=None,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        lifespan="off",
        limit_concurrency=connections_allowed(),
    )
    server = _Server(config)
    _silence_access_log()
    _say_running_out_seldom()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)

    async def stop_when_asked() -> None:
        await stop.wait()
        server.should_exit = True

    watcher = asyncio.create_task(stop_when_asked())
    if ready is not None:
        ready()
    try:
        await server.serve(sockets=[sock])
    finally:
        watcher.cancel()
        # Not removed: the caller still closes the store, and a second Ctrl+C (or a service
        # manager's SIGTERM) would interrupt that, or kill the process. The stop is under way.
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, _already_stopping)
        sock.close()


def _already_stopping() -> None:
    log.info("surveybot is already stopping")
