"""Fixtures for the web chat: the real application on a real SQLite file, and browsers to drive it.

`web_app` is the ASGI application of `surveybot serve`, with the bundled flow
and stages, on `db_path` (tests/conftest.py). `visitor()` is a new browser
talking to it in-process (httpx); `live_server` serves it on a real port of
127.0.0.1 (for a real browser, or to see what the server itself logs).
A module can override `flow`, `stages` or `bot_username`.

The browser tests (test_browser*.py) use `server`, a real `surveybot serve`
process, and `phones()`, tabs of a real Chromium at a phone's size (phone.py);
a module or class overrides `served_flow` or `served_prefix`.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import httpx
import pytest
from starlette.applications import Starlette

from bot.http import RateLimit, bind, serve
from bot.web import WebChat, create_app
from conversation import Conversation
from flows import Flow, StageDef
from storage import Store
from tests.web.driver import Visitor
from tests.web.phone import (
    CHROMIUM_FLAGS,
    PHONE,
    Phone,
    Phones,
    Server,
    find_chromium,
    start_server,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

SECRET = b"web-test-secret-0123456789abcdef"
BOT_USERNAME = "surveybot_test_bot"
LOCAL = "http://127.0.0.1"
PUBLIC = "https://enquete.example.org"
"""Behind the TLS reverse proxy: where a cookie's Secure flag matters."""
T = TypeVar("T")


@pytest.fixture
def flow(bundled_flow: Flow) -> Flow:
    return bundled_flow


@pytest.fixture
def stages(bundled_stages: list[StageDef]) -> list[StageDef]:
    return bundled_stages


@pytest.fixture
def bot_username() -> str | None:
    return BOT_USERNAME


@pytest.fixture
async def conversation(store: Store, flow: Flow, stages: list[StageDef]) -> Conversation:
    """The conversation on the test's store, its stages written as `surveybot serve` does."""
    talk = Conversation(store, flow, stages)
    await talk.sync_with_files()
    return talk


@pytest.fixture
def web_chat(conversation: Conversation, bot_username: str | None) -> WebChat:
    return WebChat(conversation, SECRET, bot_username)


class Patience:
    """A clock for the rate limit that moves on a second at each request: a person tapping.

    Tests post faster than any person; with it they pass the rate limit as a
    person would. Set `step` to 0 and time stands still (a script hammering).
    """

    def __init__(self, step: float = 1.0) -> None:
        self.now = 1000.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def guard_of(app: Starlette, kind: type[T]) -> T:
    """The instance of the middleware `kind` in front of `app`'s routes."""
    if app.middleware_stack is None:
        app.middleware_stack = app.build_middleware_stack()
    layer: object = app.middleware_stack
    while not isinstance(layer, kind):
        layer = getattr(layer, "app", None)
        if layer is None:
            raise LookupError(f"no {kind.__name__} in front of the application")
    return layer


@pytest.fixture
def web_app(web_chat: WebChat) -> Starlette:
    """The web chat's application, as `surveybot serve` builds it.

    Its rate limit reads a `Patience` clock, so tests go at a person's pace;
    `guard_of(web_app, RateLimit)` reaches the guard to test it.
    """
    app = create_app(web_chat)
    guard_of(app, RateLimit).clock = Patience()
    return app


VisitorFactory = Callable[..., Visitor]


@pytest.fixture
async def visitor(web_app: Starlette) -> AsyncIterator[VisitorFactory]:
    """`visitor()`: a new browser (its own cookies) on `web_app`, in-process.

    `visitor(base_url=PUBLIC)` is one reaching the site over https;
    `visitor(headers={"accept-language": "en"})` one whose phone is in English;
    `visitor(app=other)` one on another application; `visitor(scripts=True)` one whose
    posts are chat.js's (the page at once, no redirect).
    """
    addresses = (f"192.0.2.{n}" for n in itertools.count(1))
    async with AsyncExitStack() as stack:

        def make(
            *,
            base_url: str = LOCAL,
            headers: dict[str, str] | None = None,
            app: Starlette | None = None,
            address: str | None = None,
            scripts: bool = False,
        ) -> Visitor:
            # Each browser its own address, as each phone has: the rate limit is per client.
            client = (address or next(addresses), 50000)
            transport = httpx.ASGITransport(app=app or web_app, client=client)
            session = httpx.AsyncClient(
                transport=transport, base_url=base_url, headers=headers or {}
            )
            stack.push_async_callback(session.aclose)
            return Visitor(session, scripts=scripts)

        yield make


@pytest.fixture
async def live_server(web_app: Starlette) -> AsyncIterator[str]:
    """`web_app` served by uvicorn on a free port of 127.0.0.1; its base URL."""
    sock = bind("127.0.0.1", 0)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    stop = asyncio.Event()
    server = asyncio.create_task(serve(web_app, sock, stop))
    try:
        async with httpx.AsyncClient() as probe:
            for _ in range(200):
                try:
                    await probe.get(f"{url}/static/chat.css")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.02)
            else:
                raise AssertionError(f"nothing listens at {url}")
        yield url
    finally:
        stop.set()
        await server


# --- the browser tests: `surveybot serve` and Chromium ----------------------------------


@pytest.fixture
def served_flow() -> Path | None:
    """The flow `server` runs: None for the bundled one."""
    return None


@pytest.fixture
def served_prefix() -> str:
    """The path `server` serves the chat under ("": the site's root)."""
    return ""


@pytest.fixture
def server(
    db_path: Path, tmp_path: Path, served_flow: Path | None, served_prefix: str
) -> Iterator[Server]:
    """`surveybot serve` on a free port and the test's database; stopped with SIGTERM after."""
    for attempt in range(3):
        try:
            running = start_server(db_path, tmp_path, served_flow, served_prefix)
            break
        except RuntimeError as error:
            # Another program may take the free port between the probe and the bind.
            if attempt == 2 or "cannot listen" not in str(error):
                raise
    try:
        yield running
    finally:
        code = running.stop()
    assert code == 0, "surveybot serve did not stop on SIGTERM:\n" + "\n".join(running.output)
    assert not running.problems(), "surveybot serve logged errors:\n" + "\n".join(running.output)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, for the module (its modules skip without one)."""
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    assert chromium is not None
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def zoomed(browser: Browser, server: Server, tmp_path: Path) -> Iterator[Phone]:
    """A 360×740 phone at 200 %: 180×370 CSS pixels, each drawn two pixels wide."""
    context = browser.new_context(
        viewport={"width": 180, "height": 370}, device_scale_factor=2, locale="fr-FR"
    )
    try:
        yield Phone(context.new_page(), server.pace, tmp_path / "screens", scripts=True)
    finally:
        context.close()


PhoneMaker = Callable[..., Phone]


@pytest.fixture
def phone(browser: Browser, server: Server, tmp_path: Path) -> Iterator[PhoneMaker]:
    """`phone(scripts=..., locale=..., width=...)`: a phone whose scripts can be left off.

    Without scripts, chat.js and choices.js are refused rather than JavaScript turned off:
    the page is the one a browser without scripts gets, and axe (a script) can still read it.
    """
    contexts: list[BrowserContext] = []

    def make(*, scripts: bool = True, locale: str = "fr-FR", width: int = 390) -> Phone:
        context = browser.new_context(
            viewport={"width": width, "height": 844}, locale=locale, reduced_motion="reduce"
        )
        if not scripts:
            context.route("**/static/*.js", lambda route: route.abort())
        contexts.append(context)
        return Phone(context.new_page(), server.pace, tmp_path / "screens", scripts=scripts)

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def phones(browser: Browser, server: Server, tmp_path: Path) -> Iterator[Phones]:
    """`phones()`: a new phone on `server` (its own browser context: cookies, history), in French."""
    contexts: list[BrowserContext] = []

    def make(*, scripts: bool = True) -> Phone:
        context = browser.new_context(
            viewport=PHONE, locale="fr-FR", java_script_enabled=scripts, is_mobile=False
        )
        contexts.append(context)
        return Phone(context.new_page(), server.pace, tmp_path / "screens", scripts=scripts)

    try:
        yield make
    finally:
        for context in contexts:
            context.close()
