"""Another workshop's QR code, scanned by someone answering in their browser.

Ana began at Pithiviers and answered two questions; at the Évreux workshop she scans
its code. The page says her answers are linked to Pithiviers and what each button
does, and opening it changes nothing. Going on takes the page back to Pithiviers'
address (a reload shows her question, not the offer again); starting over (confirmed)
erases her answers and links the questionnaire to Évreux, and says so. Both without
scripts (a redirect after each form) and with chat.js.
"""

from __future__ import annotations

import pytest

from flows import Flow
from tests.conftest import Peek
from tests.web.conftest import VisitorFactory
from tests.web.driver import Visitor, valid_answer

AGREE = "✅ J’accepte"
RESUME, RESTART, RESTART_YES = "Reprendre ▶", "Recommencer", "Oui, recommencer"
HERS, EVREUX = "/chat?stage=pithiviers", "/chat?stage=exemple_normandie"
TOLD = "Ce questionnaire est rattaché à l’atelier de Pithiviers, et ce lien est celui de"


async def two_answers(browser: Visitor) -> str:
    """Pithiviers' link, agreed, two answers: the question waiting."""
    await browser.get(HERS)
    await browser.press_through(AGREE)
    await browser.type("ACME")
    page = await browser.press_through("Agroalimentaire")
    assert page.question is not None
    return page.question.step or ""


@pytest.mark.parametrize("scripts", [False, True], ids=["plain", "chat.js"])
async def test_going_on_keeps_pithiviers_and_the_page_stops_asking(
    visitor: VisitorFactory, peek: Peek, scripts: bool
) -> None:
    ana = visitor(scripts=scripts)
    step = await two_answers(ana)
    before = peek.dump()

    page = await ana.get(EVREUX)
    assert TOLD in page and "rattache le questionnaire à l’atelier d’Évreux" in page
    assert page.labels()[:2] == [RESUME, RESTART]
    assert peek.dump() == before

    page = await ana.press_through(RESUME)
    assert page.response.history[0].headers["location"].endswith(f"{HERS}#now")
    assert page.question is not None and page.question.step == step
    page = await ana.get(str(page.response.url.copy_with(fragment=None)))
    assert page.question is not None and page.question.step == step
    assert peek.query("SELECT stage_code FROM responses") == [("pithiviers",)]


@pytest.mark.parametrize("scripts", [False, True], ids=["plain", "chat.js"])
async def test_starting_over_links_the_answers_to_evreux_and_says_so(
    visitor: VisitorFactory, peek: Peek, scripts: bool
) -> None:
    ana = visitor(scripts=scripts)
    await two_answers(ana)
    await ana.get(EVREUX)

    await ana.press_through(RESTART)
    page = await ana.press_through(RESTART_YES)

    assert "Vos réponses sont maintenant rattachées à l’atelier d’Évreux" in page
    assert peek.query("SELECT stage_code FROM responses") == [("exemple_normandie",)]
    assert peek.query("SELECT COUNT(*) FROM answers") == [(0,)]
    page = await ana.get(EVREUX)  # the page of that link now simply goes on
    assert TOLD not in page and page.question is not None


@pytest.mark.parametrize("scripts", [False, True], ids=["plain", "chat.js"])
async def test_not_confirming_the_start_over_goes_back_to_pithiviers_question(
    visitor: VisitorFactory, peek: Peek, scripts: bool
) -> None:
    """ "Non, continuer" takes the page to her own workshop's address too: her question,
    not the offer again, now and at the next reload."""
    ana = visitor(scripts=scripts)
    step = await two_answers(ana)
    await ana.get(EVREUX)
    await ana.press_through(RESTART)
    before = peek.dump()

    page = await ana.press_through("Non, continuer")

    assert page.response.history[0].headers["location"].endswith(f"{HERS}#now")
    assert page.question is not None and page.question.step == step and TOLD not in page
    page = await ana.get(str(page.response.url.copy_with(fragment=None)))
    assert page.question is not None and page.question.step == step
    assert peek.dump() == before


async def test_changing_a_finished_answer_from_another_workshops_page_is_no_resume_offer(
    visitor: VisitorFactory, peek: Peek, bundled_flow: Flow
) -> None:
    """Finished at Pithiviers, changing an answer on a page opened from Évreux's link: the
    question being changed, never "a questionnaire in progress… start over?"."""
    ana = visitor()
    await ana.get(HERS)
    page = await ana.press(AGREE)
    turn = 0
    while page.question is not None:
        button, changes = valid_answer(page.question, bundled_flow, turn)
        page = await ana.submit(page.question, button, **changes)
        turn += 1
    assert "Récapitulatif de vos réponses" in page

    page = await ana.get(EVREUX)
    page = await ana.press("Modifier — 1. Quel est le nom de votre entreprise")
    assert page.question is not None and page.question.step == "company_name"
    page = await ana.get(EVREUX)  # a reload while changing it
    assert TOLD not in page
    assert page.question is not None and page.question.step == "company_name"
    assert peek.query("SELECT status, stage_code FROM responses") == [("completed", "pithiviers")]


@pytest.mark.parametrize("scripts", [False, True], ids=["plain", "chat.js"])
async def test_the_offer_read_in_english_is_the_offer_still(
    visitor: VisitorFactory, scripts: bool
) -> None:
    """ "English" on the offer's page says the offer again in English, not the question
    (which the page, still at Évreux's address, would follow with the offer at once)."""
    ana = visitor(scripts=scripts)
    await two_answers(ana)
    await ana.get(EVREUX)

    page = await ana.press_through("English")

    assert "This questionnaire is linked to the Pithiviers workshop" in page
    assert page.labels()[:2] == ["Continue ▶", "Start over"]


async def test_a_malformed_address_gives_language_buttons_that_still_work(
    visitor: VisitorFactory,
) -> None:
    """Only a well-formed entry rides in a language button: "a|b" in the address would
    break the button's token, and the tap would be refused as forged."""
    ana = visitor()
    step = await two_answers(ana)
    await ana.get("/chat?stage=a%7Cb")

    page = await ana.press("English")

    assert "Language: English." in page and "not recognised" not in page
    assert page.question is not None and page.question.step == step


async def test_answers_begun_without_a_workshop_take_the_link_opened_next(
    visitor: VisitorFactory, peek: Peek
) -> None:
    """The bare address before the event, then the workshop's code: its card says the answers
    will be linked to it, and they are; the page says so above the question waiting."""
    ana = visitor()
    await ana.get("/chat")
    await ana.press_through(AGREE)
    await ana.type("ACME")
    assert peek.query("SELECT stage_code FROM responses") == [(None,)]

    page = await ana.get(HERS)

    assert "Vos réponses sont maintenant rattachées à l’atelier de Pithiviers" in page
    assert page.question is not None and page.question.step == "sector"
    assert peek.query("SELECT stage_code FROM responses") == [("pithiviers",)]
    again = await ana.get(HERS)
    assert "maintenant rattachées" not in again
