"""On the page, "Corse" at the département question offers 2A and 2B as buttons, as on Telegram.

The refusal names the two; the question under it keeps the field (with "Corse"
in it, to correct) and has a button for each, after "Envoyer", which stays the
form's default: Enter in the field still sends what is typed. One press answers.
Across the redirect a page without scripts gets, the buttons come back with the
refusal, once; a reload shows the question plain.
"""

from __future__ import annotations

from flows import Flow
from tests.conftest import Peek
from tests.web.conftest import VisitorFactory
from tests.web.driver import valid_answer
from tests.web.test_post_redirect_get import alerts, answered_up_to, field_value, redirected

MEANT = "Vouliez-vous dire Corse-du-Sud (2A) ou Haute-Corse (2B)\u00a0?"
CORSE = ["2A – Corse-du-Sud", "2B – Haute-Corse"]


async def test_corse_offers_both_and_one_press_answers(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    await answered_up_to(ana, flow, "departement")
    page = await ana.type("Corse")
    redirected(page)

    assert MEANT in page and len(alerts(page)) == 1
    form = page.question
    assert form is not None and form.step == "departement"
    assert field_value(page) == "Corse"
    labels = [button.label for button in form.buttons]
    assert [label for label in labels if label in CORSE] == CORSE
    # "Envoyer" first: the button Enter presses in a form is its first.
    assert labels.index("Envoyer") < labels.index(CORSE[0])

    page = await ana.press("2B – Haute-Corse")
    assert peek.query("SELECT value_json FROM answers WHERE question_id = 'departement'") == [
        ('"2B"',)
    ]
    assert page.question is not None and page.question.step != "departement"


async def test_the_offer_is_said_once_and_typing_still_answers(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    await answered_up_to(ana, flow, "departement")
    await ana.type("corse")
    again = await ana.reload()
    assert MEANT not in again
    assert again.question is not None and again.question.step == "departement"
    assert not {button.label for button in again.question.buttons} & set(CORSE)

    await ana.type("corse")
    await ana.type("2a")
    assert peek.query("SELECT value_json FROM answers WHERE question_id = 'departement'") == [
        ('"2A"',)
    ]


async def test_a_reply_near_no_name_offers_no_buttons(visitor: VisitorFactory, flow: Flow) -> None:
    ana = visitor()
    await answered_up_to(ana, flow, "departement")
    page = await ana.type("Atlantide")
    assert page.question is not None and page.question.step == "departement"
    assert [b.label for b in page.question.buttons if " – " in b.label] == []


async def test_a_change_after_the_end_takes_the_offered_button(
    visitor: VisitorFactory, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    page = await answered_up_to(ana, flow, "departement")
    turn = 0
    while page.question is not None:
        button, changes = valid_answer(page.question, flow, turn)
        page = await ana.submit(page.question, button, **changes)
        turn += 1
    page = await ana.press("Modifier — 6.")
    assert page.question is not None and page.question.step == "departement"
    page = await ana.type("Corse")
    assert MEANT in page

    page = await ana.press("2A – Corse-du-Sud")
    assert peek.query("SELECT value_json FROM answers WHERE question_id = 'departement'") == [
        ('"2A"',)
    ]
    assert page.question is None and "2A – Corse-du-Sud" in page
