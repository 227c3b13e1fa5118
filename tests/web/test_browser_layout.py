"""What the page looks like where it was rough, in a real Chromium at a phone's size.

"← Retour" stays where it is from one screen to the next, below a way forward drawn
as the primary button; a menu's bubble has as much air above its text as below its
buttons; as a question opens, no answer looks already chosen; after an answer is
changed from the end's long summary, the summary opens at it, with and without
scripts. On a short flow (fixtures/layout.yaml); the HTML of it in test_page_layout.py.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

from tests.web.phone import Phone, Phones, Server, asks, on_screen, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import FloatRect, Locator, expect
skip_without_a_browser()

LAYOUT = Path(__file__).parent / "fixtures" / "layout.yaml"


@pytest.fixture
def served_flow() -> Path:
    return LAYOUT


def box(element: Locator) -> FloatRect:
    found = element.bounding_box()
    assert found is not None
    return found


def style(element: Locator, prop: str) -> str:
    return str(element.evaluate(f"e => getComputedStyle(e).getPropertyValue('{prop}')"))


def to_the_summary(phone: Phone, server: Server) -> None:
    phone.open(f"{server.url}/chat")
    phone.type("Acme")
    phone.tap("Oui")
    phone.tap("Passer")
    phone.tap("Continuer")
    for _ in range(12):
        phone.tap("Oui")
    expect(phone.page.locator(".summary h1")).to_have_text("Récapitulatif de vos réponses")


def test_back_keeps_its_place_below_a_primary_way_forward(server: Server, phones: Phones) -> None:
    ana = phones()
    page = ana.page
    ana.open(f"{server.url}/chat")
    ana.type("Acme")
    ana.tap("Oui")
    asks(ana, "Une remarque")
    send = page.get_by_role("button", name="Envoyer")
    back = page.get_by_role("button", name="← Retour")
    on_optional, send_box = box(back), box(send)
    assert on_optional["y"] > send_box["y"] + send_box["height"]
    ana.shot("optional")

    ana.tap("Passer")
    asks(ana, "Parlons maintenant de vos habitudes")
    go_on = page.get_by_role("button", name="Continuer")
    on_intro, go_on_box = box(back), box(go_on)
    # The same place: at the left, below the way forward (not to its right, as its equal).
    assert on_intro["x"] == on_optional["x"]
    assert on_intro["y"] > go_on_box["y"] + go_on_box["height"]
    # "Continuer" looks like "Envoyer": the only way on, not a grey secondary button.
    for prop in ("background-color", "color", "font-weight"):
        assert style(go_on, prop) == style(page.locator("button.primary").first, prop)
    assert style(go_on, "color") == "rgb(255, 255, 255)"
    assert style(go_on, "background-color") != style(back, "background-color")
    ana.shot("section-intro")
    ana.check_clean()


def test_a_menus_text_has_as_much_air_above_it_as_below_its_buttons(
    server: Server, phones: Phones
) -> None:
    ana = phones()
    page = ana.page
    ana.open(f"{server.url}/chat")
    ana.type("Acme")
    ana.tap("Recommencer")
    menu = page.locator("form.menu")
    expect(menu).to_be_visible()
    bubble, text = box(menu), box(menu.locator(".text"))
    last = box(menu.locator(".buttons button").last)
    above = text["y"] - bubble["y"]
    below = bubble["y"] + bubble["height"] - (last["y"] + last["height"])
    assert abs(above - below) <= 2, (above, below)
    assert 8 <= above <= 20, above
    ana.shot("menu")
    ana.check_clean()


@pytest.mark.parametrize("scripts", [True, False], ids=["script", "no-script"])
def test_as_a_question_opens_no_answer_looks_chosen(
    server: Server, phones: Phones, scripts: bool
) -> None:
    ana = phones(scripts=scripts)
    page = ana.page
    ana.open(f"{server.url}/chat")
    ana.type("Acme")
    asks(ana, "Êtes-vous adhérent")
    ana.reload()  # opened afresh: what the browser focuses by itself (autofocus)
    question = page.locator("#waiting-text")
    expect(question).to_be_focused()
    assert style(question, "outline-style") == "none"
    for label in ("Oui", "Non"):
        button = page.get_by_role("button", name=label, exact=True)
        expect(button).not_to_be_focused()
        assert style(button, "outline-style") == "none"
        assert style(button, "font-weight") == "400"
    ana.shot("choice-opened")
    # The keyboard goes on to the answers, the one focused ringed.
    page.keyboard.press("Tab")
    yes = page.get_by_role("button", name="Oui", exact=True)
    expect(yes).to_be_focused()
    assert style(yes, "outline-style") == "solid"
    ana.check_clean()


@pytest.mark.parametrize("scripts", [True, False], ids=["script", "no-script"])
def test_after_changing_an_answer_the_long_summary_opens_at_it(
    server: Server, phones: Phones, scripts: bool
) -> None:
    ana = phones(scripts=scripts)
    page = ana.page
    to_the_summary(ana, server)
    entry = page.locator("#entry-habit_7")
    assert not on_screen(entry)  # the summary is taller than the screen
    edit = entry.get_by_role("button", name=re.compile(r"^Modifier"))
    ana.press(edit)
    asks(ana, "Habitude numéro 7")
    ana.tap("Non")
    expect(page.locator(".summary h1")).to_have_text("Récapitulatif de vos réponses")
    expect(entry).to_contain_text("Non")
    assert on_screen(entry)
    assert not on_screen(page.locator(".summary h1"))
    if scripts:
        expect(entry).to_be_focused()
    else:
        assert page.evaluate("location.hash") == "#entry-habit_7"
    assert style(entry, "background-color") != "rgba(0, 0, 0, 0)"  # marked as just changed
    ana.shot("summary-after-change")
    ana.check_clean()
