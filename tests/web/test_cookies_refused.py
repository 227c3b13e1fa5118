"""A browser that refuses cookies is told the questionnaire needs one, in a real Chromium.

The chat remembers who is answering by a cookie; a browser that never sends it back
would bring the first page back at every tap, "Cette page n'était plus à jour", with
nothing said of why. A form from a page that set the cookie, posted back without it,
gets a page saying so: what the cookie is for, and how to allow it; nothing is saved.
A session that only lapsed (the cookie gone since a page that did not set it, or not
the one the page was drawn for) still gets the page as it stands, with its usual
words. With chat.js and without it; the fixtures are in conftest.py.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.web.phone import Phones, Server, answers, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import expect
skip_without_a_browser()

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route

NEEDED = "Ce questionnaire a besoin d’un cookie"
HOW = "Autorisez les cookies pour ce site"
EXPIRED = "Cette page n’était plus à jour\u00a0; la voici telle qu’elle est maintenant."
NOTICE = "Information sur vos données"
ACCEPT = "✅ J’accepte"


def refuse_cookies(page: Page) -> None:
    """The browser sends no cookie back, whatever the site sets (as one set to block them)."""

    def without_cookies(route: Route) -> None:
        # Forgotten before each request leaves: Chromium adds the Cookie header after the
        # route sees the request, so dropping it from the route's headers is not enough.
        page.context.clear_cookies()
        route.continue_()

    page.context.route("**/*", without_cookies)


@pytest.mark.parametrize("scripts", [True, False], ids=["chat.js", "no script"])
def test_a_browser_refusing_cookies_is_told_they_are_needed(
    server: Server, phones: Phones, db_path: Path, scripts: bool
) -> None:
    ana = phones(scripts=scripts)
    page = ana.page
    refuse_cookies(page)
    ana.open(f"{server.url}/chat?stage=pithiviers")
    expect(page.locator("#waiting-text")).to_contain_text(NOTICE)

    ana.pace.take(ana.PLAIN_POST)
    page.get_by_role("button", name="J’accepte", exact=True).click()  # its emoji unsaid
    expect(page.locator("h1")).to_have_text(NEEDED)
    ana.sees("pour ce site seulement, et seulement pour le questionnaire")
    ana.sees(HOW)
    expect(page.locator("#main")).not_to_contain_text(EXPIRED)
    assert answers(db_path) == {}
    ana.shot(f"cookies-needed-{'js' if scripts else 'plain'}")

    # Refused, nothing taken (400); chat.js keeps what was typed for the question.
    assert ana.errors == [f"HTTP 400 for {server.url}/chat?stage=pithiviers"]
    ana.errors.clear()

    # Its way on: back to the questionnaire, once cookies are allowed.
    page.context.unroute("**/*")
    ana.follow("Revenir à la page")
    expect(page.locator("#waiting-text")).to_contain_text(NOTICE)
    ana.tap(ACCEPT)
    expect(page.locator("#waiting-text")).to_contain_text("Quel est le nom de votre entreprise")
    ana.check_clean()


def test_in_english_the_page_is_english(server: Server, phone: Phones) -> None:
    ana = phone(locale="en-GB")
    page = ana.page
    refuse_cookies(page)
    ana.open(f"{server.url}/chat")
    ana.pace.take(1)
    page.get_by_role("button", name="I agree", exact=True).click()  # its emoji unsaid
    expect(page.locator("h1")).to_have_text("This questionnaire needs a cookie")
    ana.sees("Allow cookies for this site")


def test_a_session_lapsed_since_a_page_with_its_cookie_is_still_out_of_date(
    server: Server, phones: Phones, db_path: Path
) -> None:
    ana = phones()
    page = ana.page
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.reload()  # drawn for the cookie the browser sent
    page.context.clear_cookies()
    ana.tap(ACCEPT)
    ana.sees(EXPIRED)
    expect(page.locator("#main")).not_to_contain_text(NEEDED)
    expect(page.locator("#waiting-text")).to_contain_text(NOTICE)
    assert answers(db_path) == {}


def test_a_cookie_not_the_pages_is_still_out_of_date(
    server: Server, phones: Phones, db_path: Path
) -> None:
    """The page set a cookie, and another comes back (a session from before, a server
    whose secret changed): the page as it stands, as before."""
    ana = phones()
    page = ana.page
    ana.open(f"{server.url}/chat?stage=pithiviers")
    assert [c["name"] for c in page.context.cookies()].count("surveybot_id") == 1
    page.context.add_cookies([{"name": "surveybot_id", "value": "A" * 32, "url": server.url}])
    ana.tap(ACCEPT)
    ana.sees(EXPIRED)
    expect(page.locator("#main")).not_to_contain_text(NEEDED)
    assert answers(db_path) == {}
