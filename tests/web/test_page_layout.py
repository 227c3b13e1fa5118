"""Where things are on the chat page, as the forms and the HTML say it (no browser).

The footer of a finished questionnaire does not offer to resume it. On a short flow
(fixtures/layout.yaml).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import Flow, load_flow
from tests.web.conftest import VisitorFactory
from tests.web.driver import Page, Visitor

LAYOUT = Path(__file__).parent / "fixtures" / "layout.yaml"
HABITS = 12


@pytest.fixture
def flow() -> Flow:
    return load_flow(LAYOUT)


async def at_the_summary(ana: Visitor) -> Page:
    await ana.get("/chat")
    await ana.type("Acme")
    await ana.press("Oui")
    await ana.press("Passer")
    page = await ana.press("Continuer")
    for _ in range(HABITS):
        page = await ana.press("Oui")
    assert "Récapitulatif de vos réponses" in page
    return page


async def test_the_footer_of_a_finished_questionnaire_offers_to_see_or_change_it(
    visitor: VisitorFactory,
) -> None:
    ana = visitor()
    await ana.get("/chat")
    midway = await ana.type("Acme")
    assert "Reprendre plus tard" in midway
    bea = visitor()
    done = await at_the_summary(bea)
    assert "Reprendre plus tard" not in done
    assert "Revoir ou modifier vos réponses" in done
    # While an answer is being changed, the questionnaire is still finished.
    changing = await bea.press("Modifier — 1. Nom")
    assert changing.question is not None and changing.question.step == "company"
    assert "Revoir ou modifier vos réponses" in changing
    assert "Reprendre plus tard" not in changing
