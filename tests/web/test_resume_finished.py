"""A finished questionnaire's resume link, opened in another browser: the page offers to see
or change the answers, not to "resume" a questionnaire "already started"."""

from __future__ import annotations

import httpx
import pytest

import flows
from flows import Flow
from tests.conftest import MINI
from tests.web.conftest import VisitorFactory
from tests.web.driver import Visitor, valid_answer


@pytest.fixture
def flow() -> Flow:
    return flows.load_flow(MINI)


async def finished(person: Visitor, flow: Flow) -> str:
    """Every question answered; the person's resume link."""
    page = await person.get("/chat")
    for turn in range(40):
        if page.question is None:
            break
        if page.question.step == "company":
            page = await person.type("Acme")  # within its 20 characters
            continue
        button, changes = valid_answer(page.question, flow, turn)
        page = await person.submit(page.question, button, **changes)
    assert page.question is None and "Revoir ou modifier vos réponses" in page
    return page.field("resume-link")["value"]


async def test_a_finished_questionnaires_link_offers_to_see_the_answers(
    visitor: VisitorFactory, flow: Flow
) -> None:
    link = await finished(visitor(), flow)

    opened = await visitor().get(httpx.URL(link).path)

    assert opened.status == 200
    assert "Revoir ou modifier ces réponses ici\u00a0?" in opened.html
    assert "Ce lien est celui d’un questionnaire terminé" in opened
    assert "Les revoir ici" in opened.labels()
    assert "Reprendre" not in opened and "déjà commencé" not in opened
