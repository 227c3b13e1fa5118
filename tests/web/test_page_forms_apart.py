"""Each form of a page is its own input: a footer button pressed on a page whose answer was
already sent is not taken for that answer.

Every form of a page used to carry the page's one delivery id. Answer the question, then
press "Mes données" (or "Effacer mes réponses") on that same page, as a phone does after
"La connexion ne répond pas : réessayez.", or as a browser without scripts does from the
page Back brings: the press came with the answer's id, was dropped as that answer sent
twice, and nothing happened; an erasure asked for, silently ignored.
"""

from __future__ import annotations

from flows import Flow
from tests.web.conftest import VisitorFactory
from tests.web.driver import Page, Visitor, valid_answer
from tests.web.test_rights import three_answers_in


async def answered_then_back(person: Visitor, flow: Flow) -> Page:
    """The page of a question, whose answer has been sent and taken since."""
    page = await three_answers_in(person, flow)
    assert page.question is not None
    button, changes = valid_answer(page.question, flow, 3)
    after = await person.submit(page.question, button, **changes)
    assert after.progress.startswith("Question 5/")
    return page


async def test_the_forms_of_a_page_carry_their_own_delivery_ids(
    visitor: VisitorFactory, flow: Flow
) -> None:
    page = await three_answers_in(visitor(), flow)
    ids = [dict(form.data(None)).get("delivery") for form in page.forms]
    assert len(ids) >= 2 and None not in ids
    assert len(set(ids)) == len(ids), ids


async def test_my_data_pressed_on_a_page_already_answered_shows_the_data(
    visitor: VisitorFactory, flow: Flow
) -> None:
    ana = visitor()
    old = await answered_then_back(ana, flow)
    form, button = old.form_with("Mes données")

    shown = await ana.submit(form, button)

    assert "Voici les données enregistrées vous concernant :" in shown
    assert "en cours, 4\u00a0réponses" in shown


async def test_erasing_asked_on_a_page_already_answered_asks_to_confirm(
    visitor: VisitorFactory, flow: Flow
) -> None:
    ana = visitor()
    old = await answered_then_back(ana, flow)
    form, button = old.form_with("Effacer mes réponses")

    shown = await ana.submit(form, button)

    assert "Effacer définitivement toutes vos réponses" in shown
