"""What a respondent on a phone notices of the page's finish, in a real Chromium.

A text typed and not yet sent survives the footer's buttons (language, my data,
start over?); a long paste is kept whole, counted, and refused politely by the
server, not cut by the browser; a confirmation that erases looks like it and
stands alone; the end's resume box says what the link is for then, and copies
it; long answers in the summary take a few lines; the tab says where the person
is; controls and the focus ring can be seen; without scripts, the focus lands on
the question. On a short flow (fixtures/polish.yaml); the fixtures are in conftest.py.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

from tests.web.phone import NBSP, Phone, Phones, Server, skip_without_a_browser

with contextlib.suppress(ImportError):  # without it, the skip below says what to install
    from playwright.sync_api import expect
skip_without_a_browser()
from tests.web.polish import POLISH, at_ideas  # noqa: E402

NNBSP = "\u202f"
"""The narrow no-break space of French thousands, as the browser writes them: 1 000."""
DRAFT = "Nous aimerions un atelier sur la robotique, " * 8


@pytest.fixture
def served_flow() -> Path:
    return POLISH


def luminance(css: str) -> float:
    red, green, blue = (int(n) / 255 for n in re.findall(r"\d+", css)[:3])

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(one: str, other: str) -> float:
    darker, lighter = sorted((luminance(one), luminance(other)))
    return (lighter + 0.05) / (darker + 0.05)


def style(phone: Phone, selector: str, prop: str) -> str:
    return str(
        phone.page.locator(selector).first.evaluate(
            f"e => getComputedStyle(e).getPropertyValue('{prop}')"
        )
    )


def test_a_text_typed_but_not_sent_survives_the_footers_buttons(
    server: Server, phones: Phones
) -> None:
    ana = phones()
    page = ana.page
    at_ideas(ana, server)
    field = page.locator("#answer")
    field.fill(DRAFT)
    ana.shot("draft-typed")

    ana.tap("English")
    expect(page.locator("#waiting-text")).to_contain_text("Your ideas?")
    expect(field).to_have_value(DRAFT)
    ana.tap("My data")
    expect(field).to_have_value(DRAFT)
    ana.tap("Français")
    expect(field).to_have_value(DRAFT)

    # "Start over?": the confirming button says it erases; the footer's own restart and
    # erase buttons are not under it, to be pressed by mistake.
    ana.tap("Recommencer")
    yes = page.get_by_role("button", name="Oui, recommencer")
    expect(yes).to_have_class(re.compile(r"\bdanger\b"))
    assert contrast(style(ana, ".menu button.danger", "background-color"), "rgb(255,255,255)") > 4.5
    expect(page.get_by_role("button", name="Recommencer", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Effacer mes réponses")).to_have_count(0)
    ana.shot("restart-confirm")
    ana.tap("Non, continuer")
    expect(field).to_have_value(DRAFT)
    expect(page.get_by_role("button", name="Effacer mes réponses")).to_have_count(1)

    # Sent and taken: the next question's field is empty, the draft forgotten.
    ana.type(DRAFT.strip())
    expect(page.locator("#waiting-text")).to_contain_text("Année de création")
    expect(field).to_have_value("")
    kept = page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('surveybot-'))")
    assert kept == []
    ana.check_clean()


def test_a_long_paste_is_kept_whole_counted_and_refused_by_the_server(
    server: Server, phones: Phones
) -> None:
    ana = phones()
    page = ana.page
    at_ideas(ana, server)
    field, count = page.locator("#answer"), page.locator("#answer-count")
    expect(field).not_to_have_attribute("maxlength", re.compile(".*"))

    field.fill("x" * 100)
    expect(count).to_be_hidden()
    field.fill("x" * 812)
    expect(count).to_have_text(f"812{NBSP}/{NBSP}1{NNBSP}000\u00a0caractères")
    expect(count).not_to_have_class(re.compile("over"))
    field.fill("y" * 1204)
    expect(field).to_have_value("y" * 1204)  # not cut at 1,000
    expect(count).to_have_class(re.compile(r"\bover\b"))
    expect(count).to_contain_text(f"1{NNBSP}204{NBSP}/{NBSP}1{NNBSP}000\u00a0caractères")
    expect(count).to_contain_text("trop long")
    # Said to a screen reader once, as the limit is passed (not at every key beyond it).
    expect(page.locator("#answer-count-said[aria-live=polite]")).to_contain_text("trop long")
    field.fill("y" * 1100)
    expect(page.locator("#answer-count-said")).to_contain_text("1 204")
    field.fill("y" * 1204)
    ana.shot("long-counted")

    ana.type("y" * 1204)
    alert = page.locator("#refusal")
    expect(alert).to_have_attribute("role", "alert")
    expect(field).to_have_value("y" * 1204)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", re.compile(r"\brefusal\b"))
    ana.shot("long-refused")
    ana.check_clean()


def test_the_end_says_what_the_link_is_for_copies_it_and_keeps_long_answers_short(
    server: Server, phones: Phones
) -> None:
    ana = phones()
    page = ana.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    at_ideas(ana, server)
    expect(page.locator(".resume")).to_contain_text("Gardez ce lien pour reprendre")
    long = "\n".join(f"Ligne {n} : une idée de plus pour le territoire." for n in range(1, 13))
    ana.type(long)
    ana.type("1987")
    ana.tick("Europe")
    summary = page.locator(".summary")
    expect(summary.get_by_role("heading", level=1)).to_have_text("Récapitulatif de vos réponses")

    resume = page.locator(".resume")
    expect(resume).to_contain_text("revoir ou de modifier vos réponses")
    expect(resume).not_to_contain_text("pour reprendre")

    # The long answer: four lines, the rest a tap away.
    given = summary.locator(".given.clamped")
    expect(given).to_have_count(1)
    line = float(style(ana, ".given.clamped", "line-height").removesuffix("px"))
    short = given.bounding_box()
    assert short is not None and short["height"] <= 4 * line + 1
    ana.shot("summary-long")
    summary.get_by_text("Afficher toute la réponse").click()
    whole = given.bounding_box()
    assert whole is not None and whole["height"] > 10 * line
    expect(given).to_contain_text("Ligne 12")

    copy = page.get_by_role("button", name="Copier le lien")
    copy.click()
    expect(page.locator("#copy-status")).to_have_text("Lien copié")
    link = page.locator("#resume-link").input_value()
    assert page.evaluate("navigator.clipboard.readText()") == link
    ana.shot("end-copied")

    # Changing an answer from the end: the questionnaire is still complete, nothing to resume.
    summary.get_by_role("button", name=re.compile(r"^Modifier")).first.click()
    expect(page.locator("#answer")).to_be_visible()
    expect(resume).to_contain_text("revoir ou de modifier vos réponses")
    expect(resume).not_to_contain_text("pour reprendre")
    ana.check_clean()


def test_the_tab_the_heading_the_borders_and_the_focus_ring_can_be_read(
    server: Server, phones: Phones
) -> None:
    ana = phones()
    page = ana.page
    ana.open(f"{server.url}/chat")
    expect(page).to_have_title("Question 1 sur 5 · Petit questionnaire")
    # The first question under the questionnaire's welcome, its title the page's heading.
    expect(page.get_by_role("heading", level=1)).to_have_text("Petit questionnaire")
    expect(page.get_by_role("heading", level=2).first).to_have_text("Nom de l’entreprise ?")
    primary = style(ana, "button.primary", "background-color")  # "Envoyer"
    danger = style(ana, "button.danger", "border-top-color")  # "Effacer mes réponses"
    ana.type("Acme")
    expect(page).to_have_title("Question 2 sur 5 · Petit questionnaire")
    expect(page.get_by_role("heading", level=1)).to_have_text("Secteur ?")

    white = "rgb(255, 255, 255)"
    assert contrast(style(ana, ".choices button", "border-top-color"), white) >= 3
    page.get_by_role("button", name="Industrie").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = style(ana, ".choices button:focus-visible", "outline-color")
    assert contrast(ring, white) >= 3
    assert contrast(ring, primary) >= 3 and contrast(ring, danger) >= 3
    ana.shot("focus-ring")

    ana.tap("Industrie")
    ana.tap("Passer")
    ana.type("1987")
    assert contrast(style(ana, ".tick", "border-top-color"), white) >= 3
    ana.check_clean()


def test_without_scripts_the_focus_lands_on_the_question_after_each_answer(
    server: Server, phones: Phones
) -> None:
    bob = phones(scripts=False)
    page = bob.page
    bob.open(f"{server.url}/chat")
    expect(page.locator("#answer")).to_be_focused()
    bob.type("Acme")
    # A choice: the question, not its first answer (a ring around it would look chosen);
    # the answers are the next stop of the keyboard.
    expect(page.locator("#waiting-text")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Industrie")).to_be_focused()
    bob.tap("Industrie")
    bob.tap("Passer")
    bob.type("1987")
    expect(page.get_by_role("checkbox", name="Europe")).to_be_focused()
    # Nothing ticked: the question is focused, the refusal said and on screen above it;
    # the boxes come next.
    bob.tick()
    expect(page.locator("#waiting-text")).to_be_focused()
    expect(page.locator("#refusal")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("checkbox", name="Europe")).to_be_focused()
    bob.shot("no-script-refused-ticks")
    bob.check_clean()
