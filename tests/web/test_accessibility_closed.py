"""The closed questionnaire's pages (SURVEYBOT_CLOSED) for a screen reader, in Chromium.

As test_accessibility.py does for the open one: axe-core (WCAG 2.1 A/AA) on every kind of
screen a closed web chat shows, with and without chat.js, in French and English; then its
accessibility tree: the page's language, one heading at most, the closed sentence heard.
A person answers part of the flow while it is open (`server`), then the same database is
served closed (`closed_server`, its `.env` saying SURVEYBOT_CLOSED=1): her browser keeps
its cookie (cookies ignore the port), another has none.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.web.identity import COOKIE
from tests.web.conftest import PhoneMaker
from tests.web.phone import ACCESS, Phone, Server, skip_without_a_browser, start_server
from tests.web.test_accessibility import WORDS, Looks

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import Page, expect
skip_without_a_browser()

CLOSED = {
    "fr": "Le questionnaire est clos : il n’est plus possible d’y répondre.",
    "en": "The questionnaire is closed: answers are no longer taken.",
}
"""Said on the cards and the chat."""
CLOSED_TITLE = {"fr": "Le questionnaire est clos", "en": "The questionnaire is closed"}
"""The resume link's heading."""
FORGETS = {"fr": "Ce navigateur les oublie", "en": "This browser forgets them"}
"""The hand-over page's, once closed: no one answers next."""


@pytest.fixture
def served_flow() -> Path:
    return ACCESS


@pytest.fixture
def closed_server(db_path: Path, tmp_path: Path, server: Server) -> Iterator[Server]:
    """`surveybot serve` on `server`'s database and flow, closed by its `.env`."""
    workdir = tmp_path / "closed"
    workdir.mkdir()
    (workdir / ".env").write_text("SURVEYBOT_CLOSED=1\n", encoding="utf-8")
    running = start_server(db_path, workdir, ACCESS)
    try:
        yield running
    finally:
        code = running.stop()
    assert code == 0, "surveybot serve did not stop on SIGTERM:\n" + "\n".join(running.output)
    assert not running.problems(), "surveybot serve logged errors:\n" + "\n".join(running.output)


class ClosedLooks(Looks):
    """On each screen its tree (the language, the closed sentence heard), then axe."""

    def __init__(self, ana: Phone, lang: str) -> None:
        super().__init__(ana)
        self.lang = lang

    def __call__(self, name: str, page: Page | None = None) -> None:
        page = page or self.ana.page
        expect(page.locator("html")).to_have_attribute("lang", self.lang)
        # One heading at most: the chat's closed sentence is a bubble, as its goodbye is.
        assert page.get_by_role("heading", level=1).count() <= 1, name
        heard = page.locator("#main").aria_snapshot()
        said = (CLOSED_TITLE if "resume" in name else FORGETS if "hand" in name else CLOSED)[
            self.lang
        ]
        words = re.escape(said).replace(r"\ ", r"\s+")
        assert re.search(words, heard), f"{name}: {said!r} is not heard:\n{heard}"
        super().__call__(name, page)


@pytest.mark.parametrize(
    ("lang", "scripts"),
    [("fr", True), ("en", True), ("fr", False)],
    ids=["fr-script", "en-script", "fr-no-script"],
)
def test_axe_finds_no_violation_on_a_closed_questionnaires_screens(
    server: Server, closed_server: Server, phone: PhoneMaker, lang: str, scripts: bool
) -> None:
    w = WORDS[lang]
    locale = "en-GB" if lang == "en" else "fr-FR"
    ana = phone(scripts=scripts, locale=locale)
    # While open: she agrees and answers the first question, then the questionnaire closes.
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap(w["agree"])
    ana.type("Acme", w["send"])
    cookie = next(c["value"] for c in ana.page.context.cookies() if c["name"] == COOKIE)
    closed = closed_server.url
    looks = ClosedLooks(ana, lang)

    # Someone who never answered, on a browser without a cookie.
    bea = phone(scripts=scripts, locale=locale)
    bea_looks = ClosedLooks(bea, lang)
    for name, address in (
        ("landing, closed", "/s/pithiviers"),
        ("index, closed", "/"),
        ("chat, closed, no cookie", "/chat?stage=pithiviers"),
        ("resume link, closed, another browser", f"/r/{cookie}"),
    ):
        bea.open(f"{closed}{address}")
        bea_looks(name)
    # Her browser, with its cookie.
    for name, address in (
        ("landing, closed, with a cookie", "/s/pithiviers"),
        ("chat, closed, with a cookie", "/chat"),
        ("hand the device over?, closed", "/handover"),
        ("resume link, closed, her browser", f"/r/{cookie}"),
    ):
        ana.open(f"{closed}{address}")
        looks(name)
    ana.check_clean()
    bea.check_clean()
    seen = bea_looks.seen + looks.seen
    assert len(seen) == 8, seen
    found = {**bea_looks.found, **looks.found}
    assert not found, "axe-core (WCAG 2.1 A/AA) found:\n" + "\n".join(
        f"{screen}: {problem}" for screen, problems in found.items() for problem in problems
    )
