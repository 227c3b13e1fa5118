"""A chat's help typed in a field ("/aide", "/help"): the page says how it is answered.

Telegram and the terminal take "/aide" as a command; on the web it used to be stored
as the answer (the company called "/aide", the next question about it). A command
word typed after a "/" is never an answer: the help is a note above the question,
heard before it as the other notes are, in the page's words (its buttons, "Retour",
answers saved at each step, the footer's "Mes données" and "Effacer mes réponses").
A text with a "/" that is no command word is an answer like any other.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.web.words import web
from tests.conftest import Peek
from tests.web.conftest import PhoneMaker, VisitorFactory
from tests.web.driver import Page
from tests.web.phone import ACCESS, Server, skip_without_a_browser
from tests.web.test_wording import COMMAND

NAME = {"fr": "Quel est le nom de votre entreprise ?", "en": "What is the name of your company?"}
AGREE = {"fr": "✅ J’accepte", "en": "✅ I agree"}


def help_note(lang: str) -> str:
    return web("typed_help", lang)


def note_above_the_question(page: Page, lang: str) -> None:
    """The help is said above the question, as a note a screen reader hears before it."""
    note = re.escape(help_note(lang)[:40])
    found = re.search(
        rf'<div class="notes"[^>]* tabindex="-1" data-heard>\s*<p [^>]*>{note}', page.html
    )
    assert found, page.html
    assert page.html.index(help_note(lang)[:40]) < page.html.index('id="waiting-text"')


@pytest.mark.parametrize("scripts", [False, True], ids=["no-script", "script"])
@pytest.mark.parametrize(
    ("lang", "typed"),
    [("fr", "/aide"), ("en", "/help"), ("fr", " /AIDE "), ("fr", "/help"), ("fr", "/start")],
)
async def test_help_typed_in_a_field_is_a_note_above_the_question_and_never_an_answer(
    visitor: VisitorFactory, peek: Peek, scripts: bool, lang: str, typed: str
) -> None:
    ana = visitor(scripts=scripts, headers={"accept-language": lang})
    await ana.get("/chat?stage=pithiviers")
    await ana.press(AGREE[lang])
    page = await ana.type(typed)
    assert page.status == 200
    assert peek.query("SELECT value_json FROM answers") == []
    assert page.question is not None and page.question.step == "company_name"
    assert NAME[lang] in page and page.field("answer").get("value", "") == ""
    assert help_note(lang) in page
    note_above_the_question(page, lang)
    if not scripts:
        # No chat.js to focus the note: an alert, and the description of the focused field.
        assert 'role="alert">' in page.html
        assert "untaken" in page.field("answer")["aria-describedby"].split()
    # Said once: the page opened again shows the question alone; the answer then goes in.
    page = await ana.get("/chat?stage=pithiviers")
    assert help_note(lang) not in page
    page = await ana.type("Atelier Martin")
    assert peek.query("SELECT value_json FROM answers") == [('"Atelier Martin"',)]


@pytest.mark.parametrize("text", ["/ 2 sites", "1/2", "/aide moi", "/Atelier-42"])
async def test_a_slash_that_is_no_command_word_is_an_answer(
    visitor: VisitorFactory, peek: Peek, text: str
) -> None:
    ana = visitor()
    await ana.get("/chat?stage=pithiviers")
    await ana.press("✅ J’accepte")
    page = await ana.type(text)
    assert f"Quel est le secteur d’activité principal de {text} ?" in page
    assert help_note("fr") not in page
    assert peek.query("SELECT value_json FROM answers") == [(f'"{text}"',)]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_help_names_what_the_page_shows_and_no_command_to_type(lang: str) -> None:
    said = help_note(lang)
    back = web("back", lang).lstrip("← ")
    for label in (back, web("my_data", lang), web("erase", lang)):
        assert label in said, (label, said)
    assert not COMMAND.search(said)


# --- in Chromium, with and without chat.js ------------------------------------------------


@pytest.fixture
def served_flow() -> Path:
    return ACCESS


@pytest.mark.parametrize("scripts", [True, False], ids=["script", "no-script"])
def test_the_help_is_heard_before_the_question_it_is_about(
    server: Server, phone: PhoneMaker, scripts: bool
) -> None:
    skip_without_a_browser()
    from playwright.sync_api import expect

    ana = phone(scripts=scripts)
    ana.open(f"{server.url}/chat?stage=pithiviers")
    ana.tap("✅ J’accepte")
    ana.type("/aide")
    said = " ".join(help_note("fr").split())
    page = ana.page
    expect(page.locator(".now > .notes")).to_contain_text(help_note("fr")[:40])
    if scripts:
        # The focus on the note: heard first, then the question below it.
        expect(page.locator(".now > .notes")).to_be_focused()
        heard = page.evaluate(
            """() => { const r = document.createRange();
            r.setStartBefore(document.activeElement); r.setEndAfter(document.querySelector('.now'));
            return r.toString().replace(/\\s+/g, ' ').trim(); }"""
        )
        assert heard.startswith(said[:40]) and "Nom de l’entreprise ?" in heard, heard
    else:
        # An alert as the page loads, and the description of the field `autofocus` focuses.
        expect(page.get_by_role("alert")).to_contain_text(help_note("fr")[:40])
        expect(page.locator(":focus")).to_have_accessible_name("Nom de l’entreprise ?")
        description = re.compile(re.escape(help_note("fr")[:40]))
        expect(page.locator(":focus")).to_have_accessible_description(description)
    # The field is empty again, ready for the answer: "/aide" is not kept as a draft.
    expect(page.locator("#answer")).to_have_value("")
