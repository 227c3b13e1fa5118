"""A typed answer the server refused to read is still in its field, in a real Chromium.

The server may turn a post away before it reaches the conversation: too many requests
at once (429, "Un instant, s'il vous plaît"), or a body over its size (413, "Envoi trop
long"). Nothing was saved: the answer typed is still there when the person comes back
to the question from the refusal's own link, with chat.js as without it (where the
browser's Back shows the form as it was). On a short flow (fixtures/polish.yaml); the
fixtures are in conftest.py.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import pytest

from tests.web.phone import Phone, Phones, Server, allowance_spent, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import expect
skip_without_a_browser()
from tests.web.polish import POLISH, at_ideas  # noqa: E402

IDEAS = "Un atelier sur la robotique, et un autre sur l’export."
FACTORIES = "🏭" * 10_000
"""About 120 KB once encoded in a form: over the 64 KB the server reads of a post."""


@pytest.fixture
def served_flow() -> Path:
    return POLISH


def drafts(phone: Phone) -> list[str]:
    return list(
        phone.page.evaluate(
            "Object.keys(sessionStorage).filter(k => k.startsWith('surveybot-draft:'))"
        )
    )


def holds(phone: Phone, text: str) -> None:
    """The answer's field holds `text` (waited for; not printed whole when it does not)."""
    phone.page.wait_for_function(
        "text => (document.getElementById('answer') || {}).value === text", arg=text, timeout=5000
    )


def test_too_many_requests_keeps_the_answer_typed(server: Server, phones: Phones) -> None:
    ana = phones()
    page = ana.page
    at_ideas(ana, server)
    page.locator("#answer").fill(IDEAS)
    with allowance_spent(page, f"{server.url}/s/pithiviers"):
        page.get_by_role("button", name="Envoyer").click()
        expect(page.locator("h1")).to_have_text("Un instant, s’il vous plaît")
    assert len(drafts(ana)) == 1
    ana.shot("draft-too-many")
    assert ana.errors == [f"HTTP 429 for {server.url}/chat"]
    ana.errors.clear()

    time.sleep(1.5)
    ana.follow("Réessayer")
    expect(page.locator("#waiting-text")).to_contain_text("Vos idées")
    expect(page.locator("#answer")).to_have_value(IDEAS)
    ana.shot("draft-kept-after-429")
    # Sent again and taken: forgotten then.
    ana.type(IDEAS)
    expect(page.locator("#waiting-text")).to_contain_text("Année de création")
    expect(page.locator("#answer")).to_have_value("")
    assert drafts(ana) == []
    ana.check_clean()


def test_a_post_too_large_keeps_the_answer_typed(server: Server, phones: Phones) -> None:
    ana = phones()
    page = ana.page
    at_ideas(ana, server)
    field = page.locator("#answer")
    field.fill(FACTORIES)
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator("h1")).to_have_text("Envoi trop long")
    ana.shot("draft-too-large")
    assert ana.errors == [f"HTTP 413 for {server.url}/chat"]
    ana.errors.clear()

    ana.follow("Revenir à la page")
    expect(page.locator("#waiting-text")).to_contain_text("Vos idées")
    holds(ana, FACTORIES)
    ana.check_clean()


def test_without_scripts_back_from_a_post_too_large_shows_the_answer_typed(
    server: Server, phones: Phones
) -> None:
    ana = phones(scripts=False)
    page = ana.page
    at_ideas(ana, server)
    field = page.locator("#answer")
    field.fill(FACTORIES)
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer").click()
    expect(page.locator("h1")).to_have_text("Envoi trop long")
    assert ana.errors == [f"HTTP 413 for {server.url}/chat"]
    ana.errors.clear()

    # The browser's Back: the page as it was left, its field filled in.
    server.pace.take(Phone.PAGE_LOAD)
    page.go_back()
    expect(page.locator("#waiting-text")).to_contain_text("Vos idées")
    holds(ana, FACTORIES)
    ana.check_clean()


def test_a_text_sent_after_another_tab_moved_on_comes_back_on_its_question(
    server: Server, phones: Phones
) -> None:
    # Five minutes of typing in one tab; in another, the same person went back a question.
    # The text arrived for a question no longer waiting: not stored, and once gone from the
    # tab too, lost. It stays, for that question, until taken.
    ana = phones()
    page = ana.page
    at_ideas(ana, server)
    page.locator("#answer").fill(IDEAS)
    other = Phone(page.context.new_page(), server.pace, ana.shots, scripts=True)
    other.open(f"{server.url}/chat")
    expect(other.page.locator("#waiting-text")).to_contain_text("Vos idées")
    other.tap("← Retour")
    expect(other.page.locator("#waiting-text")).to_contain_text("Secteur")

    ana.type(IDEAS)
    expect(page.locator("main")).to_contain_text("n’est plus en cours")
    expect(page.locator("#waiting-text")).to_contain_text("Secteur")
    assert len(drafts(ana)) == 1
    ana.tap("Services")
    expect(page.locator("#waiting-text")).to_contain_text("Vos idées")
    holds(ana, IDEAS)
    ana.type(IDEAS)  # taken now: forgotten
    expect(page.locator("#waiting-text")).to_contain_text("Année de création")
    assert drafts(ana) == []
    ana.check_clean()
