"""A phone for the browser tests, and the server it talks to.

`Server` is a real `python -m bot serve` process on a free port of 127.0.0.1,
its output read back; `Pace` keeps a test under its rate limit. `Phone` is one
browser tab at a phone's size (Playwright, Debian's Chromium): what the person
sees, taps and types, and what went wrong (dialogs, script errors, refused
requests). The fixtures that start them are in conftest.py; the tests in test_browser*.py.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import inspect
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PIL import Image

from bot.web import create_app
from bot.web.heard import emoji_apart
from tests.conftest import Peek

# Without Playwright, test_browser.py skips (saying what to install) before any use.
with contextlib.suppress(ImportError):
    from playwright.sync_api import (
        ConsoleMessage,
        Dialog,
        Locator,
        Page,
        Response,
        ViewportSize,
        expect,
    )
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[2]
PHONE: ViewportSize = {"width": 360, "height": 740}
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BOT = "surveybot_demo_bot"
COMPANY = "Votre entreprise et vous"
INNOVATION = "L’innovation dans votre activité"
ABROAD = "Développement international"
SKILLS = "Compétences"
TIES = "Territoire, universités et écoles"
TALENT = "Attirer et recruter des talents"
FOLLOW_UP = "Suites de l’enquête"
XSS = "<script>alert(1)</script>"
NBSP = "\u00a0"
RANKS = ("1ᵉʳ", "2ᵉ", "3ᵉ")
ACCESS = ROOT / "tests" / "web" / "fixtures" / "access.yaml"
"""A flow with a question of every kind, for the accessibility and focus checks."""
"""The labels of a ranking's lists, as a screen reader names them."""


def skip_without_a_browser() -> None:
    """Skip the calling test module, saying what to install, without Playwright or Chromium."""
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("the playwright package is not installed (pip install -e '.[dev]')")
    if os.environ.get("CHROMIUM") and find_chromium() is None:
        missing.append(f"CHROMIUM={os.environ['CHROMIUM']} is not an executable")
    elif find_chromium() is None:
        missing.append(
            "no Chromium (chromium or chromium-browser, on PATH or in /usr/bin): "
            "apt-get install chromium, as .ci/run does, or set CHROMIUM=/path/to/chromium"
        )
    if missing:
        pytest.skip("browser tests skipped: " + "; ".join(missing), allow_module_level=True)


def find_chromium() -> str | None:
    """$CHROMIUM when set (that one or none), else Debian's chromium on PATH or in /usr/bin."""
    given = os.environ.get("CHROMIUM")
    if given:
        return given if os.access(given, os.X_OK) else None
    for name in ("chromium", "chromium-browser"):
        for found in (shutil.which(name), f"/usr/bin/{name}"):
            if found and os.access(found, os.X_OK):
                return found
    return None


# --- the server: `surveybot serve` in its own process ---------------------------------


LIMIT = inspect.signature(create_app).parameters
BURST, PER_SECOND = float(LIMIT["burst"].default), float(LIMIT["per_second"].default)


class Pace:
    """A person's rate limit on `surveybot serve`, mirrored: wait before a request it would refuse.

    A test taps faster than any person, who reads each question and never comes
    near the limit. One pace for all the phones of a test: the resume link makes
    two browsers one person. It counts what the server counts (not static files),
    and the favicon at every page load, though the browser may keep it.
    """

    def __init__(self) -> None:
        self.most = BURST - 4
        self.tokens = self.most
        self.updated = time.monotonic()

    def take(self, requests: int) -> None:
        while True:
            now = time.monotonic()
            self.tokens = min(self.most, self.tokens + (now - self.updated) * PER_SECOND)
            self.updated = now
            if self.tokens >= requests:
                self.tokens -= requests
                return
            time.sleep((requests - self.tokens) / PER_SECOND)


@dataclass
class Server:
    """A running `surveybot serve`: its address, everything it printed, the pace it allows."""

    url: str
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)
    pace: Pace = field(default_factory=Pace)
    reader: threading.Thread | None = None

    def stop(self) -> int | None:
        """SIGTERM, as systemd sends; the exit code (None: it had to be killed)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            code: int | None = self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            code = None
        if self.reader is not None:
            self.reader.join(5)
        assert self.process.stdout is not None
        self.process.stdout.close()
        return code

    def problems(self) -> list[str]:
        return [line for line in self.output if " ERROR " in line or "Traceback" in line]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(db: Path, workdir: Path, flow: Path | None = None, prefix: str = "") -> Server:
    """Start `python -m bot serve` on a free port (with `flow`, else the bundled one);
    wait until it says where it listens.

    `prefix` ("/enquete"): the chat is served under that path, as behind a reverse
    proxy given SURVEYBOT_PUBLIC_URL; `Server.url` then ends with it.
    """
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEYBOT_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if prefix:
        env["SURVEYBOT_PUBLIC_URL"] = f"http://127.0.0.1:{port}{prefix}"
    command = [sys.executable, "-m", "bot", "serve", "--port", str(port), "--db", str(db)]
    if flow is not None:
        command += ["--flow", str(flow)]
    process = subprocess.Popen(
        [*command, "--bot-username", BOT],
        cwd=workdir,  # no .env of the developer's is read
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = Server(f"http://127.0.0.1:{port}{prefix}", process)
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            server.output.append(line.rstrip("\n"))
            if "the web chat is at" in line:
                ready.set()
        ready.set()  # ended: stop waiting

    server.reader = threading.Thread(target=read, daemon=True)
    server.reader.start()
    ready.wait(30)
    if process.poll() is not None or not any("the web chat is at" in s for s in server.output):
        server.stop()
        raise RuntimeError("surveybot serve did not start:\n" + "\n".join(server.output))
    return server


class Phone:
    """A person's phone: what they see, what they tap and type, and what went wrong.

    Every answer waits for the page to show what comes next: with JavaScript the
    chat is redrawn in place (chat.js), without it the form posts and the browser
    loads the next page.
    """

    PAGE_LOAD = 2
    """Requests a page load costs against the limit: the page and the favicon the browser
    asks for by itself (static files, its stylesheet and script, are not counted)."""
    PLAIN_POST = PAGE_LOAD + 1
    """A form posted without scripts: the post, answered by a redirect, then the page."""

    def __init__(self, page: Page, pace: Pace, shots: Path, *, scripts: bool) -> None:
        self.pace = pace
        self.shots = shots
        self.scripts = scripts
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page = self._watch(page)

    def _watch(self, page: Page) -> Page:
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        page.on("console", self._console)
        page.on("response", self._response)
        return page

    def new_tab(self) -> None:
        """Close this tab and open another in the same browser (same cookies)."""
        context = self.page.context
        self.page.close()
        self.page = self._watch(context.new_page())

    def _dialog(self, dialog: Dialog) -> None:
        # Nothing on these pages opens a dialog: one would be an injected script running.
        # Recorded and dismissed here; the next answer, and the end of the test, fail on it.
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        # A refused request is also reported, with its address, by `_response`.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console: {message.text}")

    def _response(self, response: Response) -> None:
        # The browser asks for /favicon.ico on its own; the pages name none.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.errors.append(f"HTTP {response.status} for {response.url}")

    def check_clean(self) -> None:
        """No dialog opened, no script failed, no request was refused; checked after each answer."""
        assert not self.dialogs, f"dialogs opened: {self.dialogs}"
        assert not self.errors, "the page went wrong:\n" + "\n".join(self.errors)

    # --- looking ---------------------------------------------------------------------

    def sees(self, text: str) -> None:
        expect(self.page.locator("#main")).to_contain_text(text)

    def at(self, n: int, total: int, section: str, question: str | None = None) -> None:
        """The question now waiting is number `n` of `total`."""
        expect(self.page.locator(".progress")).to_have_text(f"Question {n}/{total} · {section}")
        if question is not None:
            expect(self.page.locator("#waiting-text")).to_contain_text(question)

    def focused(self) -> None:
        """The focus is on the summary's answer just changed, else on what the page says above
        its question (a note, the thanks, "my data"), else on the new question's text field,
        else on the question itself."""
        if not self.scripts:
            return  # without scripts only a text field's `autofocus` moves it
        field_, changed = self.page.locator("#answer"), self.page.locator(".summary .changed")
        heard = self.page.locator(".now [data-heard]").first
        above = heard.count() > 0 and heard.evaluate(
            "e => { const w = document.getElementById('waiting');"
            " return !w || !!(e.compareDocumentPosition(w) & Node.DOCUMENT_POSITION_FOLLOWING); }"
        )
        waiting = (
            changed
            if changed.count()
            else heard
            if above
            else field_
            if field_.count()
            else self.page.locator("#waiting-text")
        )
        expect(waiting).to_be_focused()

    def has_no_commands_to_type(self) -> None:
        """The page shows buttons for what Telegram's texts do with commands: none is named.

        Typed into a question's field, "/delete" would only be an answer.
        """
        for command in ("/back", "/delete", "/start", "/mydata"):
            expect(self.page.locator("#main")).not_to_contain_text(command)

    def shot(self, name: str) -> Path:
        """A full-page screenshot at the phone's width, under the test's temporary folder."""
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=path, full_page=True)
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width == PHONE["width"], (name, image.size)
            image.verify()
        return path

    # --- doing -------------------------------------------------------------------------

    def open(self, url: str) -> None:
        self.pace.take(self.PAGE_LOAD)
        self.page.goto(url)

    def reload(self) -> None:
        self.pace.take(self.PAGE_LOAD)
        self.page.reload()

    def follow(self, link: str) -> None:
        self.pace.take(self.PAGE_LOAD)
        with self.page.expect_navigation():
            self.page.get_by_role("link", name=link, exact=True).click()

    def tap(self, label: str) -> None:
        """Press the button labelled `label` as seen ("✅ J’accepte"), found by its name as a
        screen reader says it, without the leading emoji the page hides from it."""
        self.press(self.page.get_by_role("button", name=emoji_apart(label)[1], exact=True))

    def press(self, button: Locator) -> None:
        self._submit(button.click)

    def type(self, text: str, button: str = "Envoyer") -> None:
        self.page.locator("#answer").fill(text)
        self._submit(lambda: self.page.get_by_role("button", name=button, exact=True).click())

    def tick(self, *labels: str, shot: str | None = None) -> None:
        for label in labels:
            self.page.get_by_role("checkbox", name=label, exact=True).check()
        if shot:
            self.shot(shot)
        self._submit(lambda: self.page.get_by_role("button", name="Valider").click())

    def rank(self, *labels: str) -> None:
        for place, label in zip(RANKS[: len(labels)], labels, strict=True):
            self.page.get_by_role("combobox", name=place, exact=True).select_option(label=label)
        self._submit(lambda: self.page.get_by_role("button", name="Valider").click())

    def _submit(self, press: Callable[[], None]) -> None:
        self.pace.take(1 if self.scripts else self.PLAIN_POST)
        if not self.scripts:
            with self.page.expect_navigation():
                press()
            self.check_clean()
            return
        self.page.locator("#main").evaluate("main => { main.dataset.answered = 'yes'; }")
        press()
        # chat.js swaps <main> for the one of the page the server answered, then moves the focus.
        expect(self.page.locator("#main[data-answered]")).to_have_count(0)
        self.check_clean()
        self.focused()


def asks(phone: Phone, question: str) -> None:
    """The question waiting is this one (whatever its number: the flow may grow)."""
    expect(phone.page.locator("#waiting-text")).to_contain_text(question)


def at_departement(phone: Phone, url: str, sector: str = "Métallurgie, mécanique") -> None:
    """Agreed at Pithiviers and answered up to the département question (the sixth)."""
    phone.open(f"{url}/chat?stage=pithiviers")
    phone.tap("✅ J’accepte")
    phone.type("ACME")
    for label in (sector, "10 à 49", "Non", "Moins de 2 M€"):
        phone.tap(label)
    asks(phone, "Dans quel département")


SEEN_WHOLE = (
    "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
)


def on_screen(element: Locator) -> bool:
    """Whether the element is seen whole without scrolling: not above, not below the screen."""
    return bool(element.evaluate(SEEN_WHOLE))


def comes_on_screen(element: Locator, timeout_ms: float = 5000) -> bool:
    """Whether the element is seen whole within `timeout_ms`.

    A page loaded at `#now` is scrolled there after it is drawn: its text can be
    read a moment before the browser has moved it on screen.
    """
    try:
        element.page.wait_for_function(SEEN_WHOLE, arg=element.element_handle(), timeout=timeout_ms)
    except PlaywrightTimeoutError:
        return False
    return True


def lines_of(element: Locator, word: str) -> int:
    """On how many lines `word` is drawn, in the element's text (2: cut in two)."""
    return int(
        element.evaluate(
            """(e, word) => {
                const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    const at = node.data.indexOf(word);
                    if (at < 0) continue;
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + word.length);
                    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
                }
                return 0;
            }""",
            word,
        )
    )


Phones = Callable[..., Phone]
"""`phones()`, `phones(scripts=False)`: a new phone."""


def rows(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    return Peek(db).query(sql, params)


def answers(db: Path) -> dict[str, tuple[object, object]]:
    """Each stored answer by question: (value, "other" text)."""
    found = rows(db, "SELECT question_id, value_json, other_text FROM answers")
    return {str(q): (json.loads(str(v)), other) for q, v, other in found}


@contextlib.contextmanager
def allowance_spent(page: Page, url: str, spenders: int = 4) -> Iterator[None]:
    """Requests with the page's cookies until refused, then on threads until the block ends.

    Spending it once is not enough on a busy machine: a request's worth comes back
    every half second, and a tap arriving before a spender takes it goes through. So
    several spenders keep asking on kept-alive connections (no connect each time):
    the window in which a whole request is left is a fraction of a millisecond.
    """
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
    target = urllib.parse.urlsplit(url)

    def refused(connection: http.client.HTTPConnection) -> bool:
        try:
            connection.request("GET", target.path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            connection.close()  # it connects again on the next request
            return False
        return response.status == 429

    with contextlib.closing(http.client.HTTPConnection(target.netloc, timeout=10)) as first:
        while not refused(first):
            pass
    done = threading.Event()

    def spend() -> None:
        with contextlib.closing(http.client.HTTPConnection(target.netloc, timeout=10)) as mine:
            while not done.is_set():
                refused(mine)

    threads = [threading.Thread(target=spend) for _ in range(spenders)]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        done.set()
        for thread in threads:
            thread.join()
