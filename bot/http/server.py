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
import signal
import socket
from collections.abc import Callable, Iterator

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


class _Server(uvicorn.Server):
    """uvicorn's server, leaving signals to `serve`."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def bind(listen: str, port: int) -> socket.socket:
    """The listening socket, or OSError saying what stops it (port 0: any free port)."""
    _check_text(listen, port)
    try:
        return socket.create_server((listen, port))
    except OSError as error:
        raise OSError(f"cannot listen on {listen}:{port}: {_why(error)}") from error


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
    away mid-request is one line (`CutShort`). The socket is closed when the server stops.
    """
    config = uvicorn.Config(
        CutShort(app),
        log_config=None,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        lifespan="off",
    )
    server = _Server(config)
    _silence_access_log()
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
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.remove_signal_handler(signum)
        sock.close()
