"""The phone's own Back button, in a real Chromium with chat.js: a question back.

With scripts, the whole conversation is redrawn in place, one page of the browser's
history: the phone's Back (a gesture, the browser's arrow) used to leave the
questionnaire, for the workshop's card or the app the QR code was scanned from, at
the first slip a person wanted to mend. It now presses the question's "← Retour":
one question back, the answer given there kept as the default. Where the page has no
"← Retour" (the first question), Back leaves the chat as before.

The fixtures (`server`: `surveybot serve`; `phones`) are in conftest.py.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from tests.web.phone import Phone, Phones, Server, answers, asks, skip_without_a_browser

# Without Playwright, the skip below says what to install before any use.
with contextlib.suppress(ImportError):
    from playwright.sync_api import expect

skip_without_a_browser()

SECTOR = "Quel est le secteur d’activité principal d’ACME"
STAFF = "Combien de salariés compte ACME"


def back_button(phone: Phone) -> None:
    """The phone's Back, which chat.js answers by pressing "← Retour": the page redrawn."""
    phone.pace.take(1)
    phone.page.locator("#main").evaluate("main => { main.dataset.answered = 'yes'; }")
    phone.page.go_back()
    expect(phone.page.locator("#main[data-answered]")).to_have_count(0)
    phone.check_clean()
    phone.focused()


def agreed_from_the_card(server: Server, phones: Phones) -> Phone:
    """A phone that opened the workshop's card, then the chat, and agreed to the notice."""
    ana = phones()
    ana.open(f"{server.url}/s/pithiviers")
    ana.follow("Répondre ici")
    ana.tap("✅ J’accepte")
    return ana


def test_the_phones_back_button_steps_back_a_question(
    server: Server, phones: Phones, db_path: Path
) -> None:
    ana = agreed_from_the_card(server, phones)
    page = ana.page
    ana.type("ACME")
    ana.tap("Métallurgie, mécanique")
    asks(ana, STAFF)

    back_button(ana)

    asks(ana, SECTOR)  # one question back, still in the chat
    expect(page).to_have_url(f"{server.url}/chat?stage=pithiviers")
    chosen = page.get_by_role("button", name="Métallurgie, mécanique (réponse actuelle)")
    expect(chosen).to_be_visible()
    # Back again, and again: each time a question back, never two at once.
    back_button(ana)
    expect(page.locator("#answer")).to_have_value("ACME")
    assert answers(db_path) == {
        "company_name": ("ACME", None),
        "sector": ("metal_mech", None),
    }
    # Answering from there goes on as usual, and Back works again after it.
    ana.type("ACME Industrie")
    asks(ana, "Quel est le secteur d’activité principal d’ACME Industrie")
    ana.tap("Agroalimentaire")
    back_button(ana)
    asks(ana, "Quel est le secteur d’activité principal d’ACME Industrie")
    assert answers(db_path)["sector"] == ("agrifood", None)


def test_with_no_question_to_go_back_to_back_leaves_the_chat(
    server: Server, phones: Phones
) -> None:
    ana = agreed_from_the_card(server, phones)
    page = ana.page
    expect(page.get_by_role("button", name="← Retour")).to_have_count(0)

    ana.pace.take(ana.PAGE_LOAD)
    page.go_back()

    expect(page.locator("h1")).to_have_text("Atelier de Pithiviers")
    ana.check_clean()
