"""A page after a change that opened or closed questions: the change's note and the summary.

A chat keeps the summary behind a button when the person saw it just before, numbered
as now (`Summary.whole`); a page draws it whole either way, and the page opened after
the form's redirect must be the same end, not "you have already answered" (which is
what a later visit says). On mini.yaml, where "Exportez-vous ?" opens two questions.
"""

from __future__ import annotations

import pytest

import flows
from flows import Flow
from tests.web.conftest import VisitorFactory
from tests.web.driver import Page, Visitor, valid_answer
from tests.web.test_resume_finished import MINI, finished

ALREADY = "Vous avez déjà répondu à ce questionnaire"


@pytest.fixture
def flow() -> Flow:
    return flows.load_flow(MINI)


async def change_exports(ana: Visitor, to: str) -> Page:
    await ana.press("Modifier — 4. Exportez-vous")
    return await ana.press(to)


async def test_a_change_that_opens_or_closes_questions_ends_with_its_note(
    visitor: VisitorFactory, flow: Flow
) -> None:
    ana = visitor()
    await finished(ana, flow)
    page = await change_exports(ana, "Oui")
    if "Réponse inchangée." in page:  # it was "Oui": "Non" closes the markets and the share
        page = await change_exports(ana, "Non")
    for turn in range(5):  # it was "Non": the markets and the share are asked
        if page.question is None:
            break
        button, changes = valid_answer(page.question, flow, turn)
        page = await ana.submit(page.question, button, **changes)

    assert "Réponse modifiée, merci !" in page
    assert ALREADY not in page
    assert "Récapitulatif de vos réponses" in page and "Exportez-vous ?" in page
