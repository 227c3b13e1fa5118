"""A phone's connection that hangs or drops, in a real Chromium with chat.js.

The button tapped stands out and the page says "Envoi…" while the answer is on its
way; a post that gets no answer in 15 seconds is given up, and so is one that cannot
leave (offline): the page says so where the person looks, its buttons ready again, and
does not go to the browser's own error page. Tapped again, the answer is taken once,
even when the first post did reach the server. On a short flow (fixtures/polish.yaml);
the fixtures are in conftest.py.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

from tests.web.phone import Phone, Phones, Server, answers, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import Route, expect
skip_without_a_browser()

POLISH = Path(__file__).parent / "fixtures" / "polish.yaml"
STALLED = "La connexion ne répond pas : réessayez."


@pytest.fixture
def served_flow() -> Path:
    return POLISH


def at_sector(phone: Phone, server: Server) -> None:
    phone.open(f"{server.url}/chat")
    phone.type("Acme")
    expect(phone.page.locator("#waiting-text")).to_contain_text("Secteur ?")


def test_a_post_that_hangs_says_sending_then_that_the_connection_does_not_answer(
    server: Server, phones: Phones, db_path: Path
) -> None:
    ana = phones()
    page = ana.page
    page.clock.install()
    at_sector(ana, server)

    # The post reaches the server, which takes the answer; its reply never comes back.
    held: list[Route] = []

    def lose_the_reply(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        route.fetch()
        held.append(route)

    page.route("**/chat", lose_the_reply)
    ana.pace.take(1)
    industry = page.get_by_role("button", name="Industrie", exact=True)
    industry.click()
    status = page.get_by_role("status").filter(has_text="Envoi…")
    expect(status).to_be_visible()
    expect(industry).to_have_class(re.compile(r"\bsending\b"))
    expect(page.get_by_role("button", name="Services", exact=True)).to_be_disabled()
    assert industry.evaluate("b => getComputedStyle(b).opacity") == "1"
    ana.shot("stalled-sending")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1
    assert answers(db_path) == {"company": ("Acme", None), "sector": ("industry", None)}

    # Fifteen seconds on: given up, said in the page, the buttons ready again.
    page.clock.fast_forward(15_000)
    stalled = page.get_by_role("status")
    expect(stalled).to_have_text(STALLED)
    expect(industry).to_be_enabled()
    expect(industry).not_to_have_class(re.compile(r"\bsending\b"))
    expect(industry).to_be_focused()
    expect(page).to_have_url(f"{server.url}/chat")
    ana.shot("stalled-given-up")

    # The reply held back, let go at last: too late, the page has given up on it.
    for route in held:
        with contextlib.suppress(Exception):
            route.abort()

    # Tapped again, answered this time: the next question, and the answer taken once.
    page.unroute("**/chat")
    ana.tap("Industrie")
    expect(page.locator("#waiting-text")).to_contain_text("Vos idées")
    assert answers(db_path) == {"company": ("Acme", None), "sector": ("industry", None)}
    sectors = page.locator(".transcript .bubble.me", has_text="Industrie")
    expect(sectors).to_have_count(1)
    ana.check_clean()


def test_offline_the_page_says_so_and_posts_nothing_itself(
    server: Server, phones: Phones, db_path: Path
) -> None:
    ana = phones()
    page = ana.page
    at_sector(ana, server)
    field_of_ideas = page.locator("#waiting-text")

    page.context.set_offline(True)
    page.get_by_role("button", name="Industrie", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(STALLED)
    expect(page).to_have_url(f"{server.url}/chat")
    expect(field_of_ideas).to_contain_text("Secteur ?")
    assert "sector" not in answers(db_path)
    ana.shot("offline")

    page.context.set_offline(False)
    ana.tap("Industrie")
    expect(field_of_ideas).to_contain_text("Vos idées")
    assert answers(db_path)["sector"] == ("industry", None)
    ana.check_clean()


def test_in_english_the_same_words_are_english(server: Server, phones: Phones) -> None:
    ana = phones()
    page = ana.page
    at_sector(ana, server)
    ana.tap("English")
    expect(page.locator("#waiting-text")).to_contain_text("Sector?")
    page.context.set_offline(True)
    page.get_by_role("button", name="Industry", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("The connection is not responding: try again.")
    page.context.set_offline(False)
    ana.check_clean()
