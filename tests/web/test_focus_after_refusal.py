"""Where the keyboard's focus lands after a refused answer: the same with and without chat.js.

On what is to correct, as WCAG's error identification asks: a typed answer's field,
described by the refusal; for ticks and rankings, the question's text, inside the
group the refusal describes, so that the refusal is heard as the focus enters it and
Tab goes on to the boxes. The refusal is no focus stop: its role="alert" says it as it
appears (chat.js), and a focus on it as well would say it twice. It stays on screen,
just above the question. In Chromium, on the short flow of every kind of screen.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

from tests.web.conftest import PhoneMaker
from tests.web.phone import ACCESS, Phone, Server, comes_on_screen, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import Locator, expect
skip_without_a_browser()


@pytest.fixture
def served_flow() -> Path:
    return ACCESS


FOCUSED = "() => { const e = document.activeElement; return e.id || e.tagName; }"


def refused(ana: Phone, focus: str) -> str:
    """The refusal now shown, its words: one alert, on screen, not focused; the focus on `focus`."""
    page = ana.page
    alert = page.get_by_role("alert")
    expect(alert).to_have_count(1)
    assert comes_on_screen(alert), "the refusal is off the screen"
    expect(page.locator(f"#{focus}")).to_be_focused()
    assert page.evaluate(FOCUSED) == focus
    return alert.inner_text()


def starts_with(text: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(text))


def question_refused(ana: Phone, group: Locator, first: Locator) -> None:
    """A question of a group refused: its text focused, heard with the group's refusal once."""
    words = refused(ana, "waiting-text")
    question = ana.page.locator("#waiting-text")
    # Entering the group says its name and the refusal; the question itself, where it is.
    expect(group).to_have_accessible_description(starts_with(words))
    expect(question).not_to_have_accessible_description(re.compile(re.escape(words)))
    expect(question).to_have_accessible_description(re.compile(r"^Question \d+ sur \d+"))
    # The answers are the next stop of the keyboard.
    ana.page.keyboard.press("Tab")
    expect(first).to_be_focused()


@pytest.mark.parametrize("scripts", [True, False], ids=["script", "no-script"])
def test_after_a_refusal_the_focus_is_on_what_to_correct_with_or_without_scripts(
    server: Server, phone: PhoneMaker, scripts: bool
) -> None:
    ana = phone(scripts=scripts)
    page = ana.page
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("✅ J’accepte")

    # A typed answer refused (too long): its field, described by the refusal first.
    ana.type("x" * 41, "Envoyer")
    words = refused(ana, "answer")
    field = page.locator("#answer")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(starts_with(words))
    ana.type("Acme", "Envoyer")
    ana.type("15", "Envoyer")
    ana.tap("Services")
    ana.tap("Continuer")
    ana.tap("3")

    # Ticks, none ticked: the question, in its group "Marchés ?", then the first box.
    confirm = page.get_by_role("button", name="Valider")
    ana._submit(confirm.click)
    ticks = page.get_by_role("group", name="Marchés\u00a0?")
    question_refused(ana, ticks, page.get_by_role("checkbox", name="Europe", exact=True))
    ana.tick("Europe")

    # A ranking left empty: the same, then the first place to choose.
    ana._submit(confirm.click)
    ranks = page.get_by_role("group", name="Freins\u00a0?")
    question_refused(ana, ranks, page.get_by_role("combobox", name="1ᵉʳ", exact=True))
    ana.check_clean()
