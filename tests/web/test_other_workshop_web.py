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

from tests.conftest import Peek
from tests.web.conftest import VisitorFactory
from tests.web.driver import Visitor

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
