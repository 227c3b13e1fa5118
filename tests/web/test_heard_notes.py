"""What a page says above its question is heard, not only seen: in Chromium, with and without chat.js.

A page read by a screen reader starts where the focus lands. Landing on the question
below a note ("this button is no longer active"), the person hears the next question
and believes what they tapped went in; landing on the summary's heading, they never
hear that their answers are saved; below "my data", they never hear it. And a page
that is no question says what it is, by its one heading and its tab's title (which a
screen reader announces as it opens). On the short flow of every kind of screen.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

from tests.web.conftest import PhoneMaker
from tests.web.phone import ACCESS, Phone, Server, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import Page, expect
skip_without_a_browser()

STALE = "Ce bouton n’est plus actif"
EXPIRED = "Cette page n’était plus à jour"
TOUR = "Questionnaire accessible"


@pytest.fixture
def served_flow() -> Path:
    return ACCESS


def read_from_focus(page: Page) -> str:
    """What a screen reader reads from the focus on to the end of what the page says now."""
    text: str = page.evaluate(
        """() => { const r = document.createRange();
        r.setStartBefore(document.activeElement); r.setEndAfter(document.querySelector('.now'));
        return r.toString().replace(/\\s+/g, ' ').trim(); }"""
    )
    return text


def not_taken_is_heard(ana: Phone, words: str, question: str) -> None:
    """The note `words` (what was pressed was not taken) is heard before `question`."""
    page = ana.page
    expect(page.locator(".now")).to_contain_text(words)
    if ana.scripts:
        # The focus on the note: read first, then the question below it; said once (no alert).
        expect(page.locator(".now > .notes")).to_be_focused()
        heard = read_from_focus(page)
        assert heard.startswith(words), heard
        assert question in heard, heard
        expect(page.get_by_role("alert")).to_have_count(0)
    else:
        # An alert as the page loads (NVDA, JAWS), and the description of what `autofocus`
        # focuses (every reader).
        expect(page.get_by_role("alert")).to_have_text(re.compile("^" + re.escape(words)))
        expect(page.locator(":focus")).to_have_accessible_description(re.compile(re.escape(words)))
        expect(page.locator(":focus")).to_have_accessible_name("Continuer")


def to_the_sector(ana: Phone, server: Server) -> None:
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("✅ J’accepte")
    ana.type("Acme")
    ana.type("15")


@pytest.mark.parametrize("scripts", [True, False], ids=["script", "no-script"])
def test_a_tap_not_taken_is_heard_before_the_next_question(
    server: Server, phone: PhoneMaker, scripts: bool
) -> None:
    ana = phone(scripts=scripts)
    to_the_sector(ana, server)
    # The same question in a second tab; answered in the first, then tapped in the second.
    ana.pace.take(Phone.PAGE_LOAD)
    other = Phone(ana.page.context.new_page(), ana.pace, ana.shots, scripts=scripts)
    other.page.goto(f"{server.url}/chat")
    ana.tap("Industrie")
    # Taken: no note, not an alert; the next question has the focus (with chat.js).
    expect(ana.page.locator(".notes")).to_have_count(0)
    expect(ana.page.get_by_role("alert")).to_have_count(0)
    ana.focused()
    other.tap("Services")
    not_taken_is_heard(other, STALE, "Quelques avis, maintenant.")
    expect(other.page.locator(".transcript")).to_contain_text("Industrie")

    # A form of a page that is no longer this person's (its token): out of date.
    other.page.locator("input[name=token]").evaluate_all(
        "inputs => inputs.forEach(i => { i.value = '0'.repeat(32); })"
    )
    other.tap("Continuer")
    not_taken_is_heard(other, EXPIRED, "Quelques avis, maintenant.")


def test_the_thanks_is_heard_before_the_summary(server: Server, phone: PhoneMaker) -> None:
    ana = phone()
    to_the_sector(ana, server)
    ana.tap("Services")
    ana.tap("Continuer")
    ana.tap("3")
    ana.tick("Europe")
    ana.rank("Temps", "Coût")
    ana.type("direction@acme.example")
    heard = read_from_focus(ana.page)
    assert heard.startswith("Merci"), heard
    assert "Récapitulatif de vos réponses" in heard, heard


def test_my_data_is_heard_under_its_heading(server: Server, phone: PhoneMaker) -> None:
    ana = phone()
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("✅ J’accepte")
    ana.tap("Mes données")
    heading = ana.page.get_by_role("heading", name="Mes données", level=2)
    expect(heading).to_be_focused()
    heard = read_from_focus(ana.page)
    assert "Voici les données enregistrées" in heard, heard
    assert "Télécharger mes données" in heard, heard


def names_itself(page: Page, heading: str) -> None:
    """The page has one heading of level 1, `heading`, and the tab's title starts with it."""
    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page).to_have_title(f"{heading} · {TOUR}")


@pytest.mark.parametrize("scripts", [True, False], ids=["script", "no-script"])
def test_a_page_that_asks_no_question_says_what_it_is(
    server: Server, phone: PhoneMaker, scripts: bool
) -> None:
    ana = phone(scripts=scripts)
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("Je refuse")
    names_itself(ana.page, "Vous ne participez pas")
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("✅ J’accepte")
    ana.type("Acme")
    ana.type("15")
    ana.tap("Services")
    expect(ana.page).to_have_title(f"Avis · {TOUR}")  # a section's introduction: its section
    ana.tap("Recommencer")
    names_itself(ana.page, "Recommencer le questionnaire\u00a0?")
    ana.tap("Non, continuer")
    ana.tap("Effacer mes réponses")
    names_itself(ana.page, "Effacer vos réponses\u00a0?")
    ana.tap("Oui, tout effacer")
    names_itself(ana.page, "Vos réponses sont effacées")


def test_the_pages_outside_the_chat_name_themselves(server: Server, phone: PhoneMaker) -> None:
    ana = phone()
    page = ana.page
    ana.open(f"{server.url}/")
    expect(page).to_have_title(re.compile(f"^{page.locator('h1').inner_text()} · {TOUR}$"))
    ana.open(f"{server.url}/s/pithiviers")
    expect(page).to_have_title(re.compile(f"^{page.locator('h1').inner_text()} · {TOUR}$"))
    ana.check_clean()  # the refusals below are meant: 404s
    for address, title in (
        ("/s/nowhere", "Lien inconnu"),
        ("/nowhere", "Page introuvable"),
        ("/r/nobody", "Lien de reprise inconnu"),
    ):
        ana.open(f"{server.url}{address}")
        expect(page).to_have_title(f"{title} · {TOUR}")
        expect(page.locator("h1")).to_have_count(1)


def test_a_scale_answer_in_the_summary_is_said_in_words(server: Server, phone: PhoneMaker) -> None:
    ana = phone()
    to_the_sector(ana, server)
    ana.tap("Services")
    ana.tap("Continuer")
    ana.tap("3")
    ana.tick("Europe")
    ana.rank("Temps", "Coût")
    ana.type("direction@acme.example")
    summary = ana.page.locator(".summary ol")
    expect(summary).to_contain_text("3/5")  # for the eyes
    tree = summary.aria_snapshot()
    assert "3 sur 5" in tree and "3/5" not in tree, tree
