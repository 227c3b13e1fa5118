"""Back at the workshop's card after finishing the questionnaire in this browser.

Bob answered to the end on his phone, then scans the town's QR code again (to show a
colleague, or by habit). The card used to invite him to "Répondre ici" as a newcomer,
though pressing it showed "Vous avez déjà répondu" and his answers. It now thanks him,
offers "Revoir mes réponses" (where he can still change one), and the hand-over, for a
tablet at the desk that the next person picks up. No "Ouvrir dans Telegram": there, he
would start a second response from zero.
"""

from __future__ import annotations

from flows import Flow
from tests.web.conftest import Visitor, VisitorFactory
from tests.web.driver import Page, valid_answer
from tests.web.test_landing_under_way import NEW, said

FINISHED = (
    "Vous avez déjà répondu au questionnaire dans ce navigateur, merci ! "
    "« Revoir mes réponses » vous les montre, et vous pouvez encore les modifier."
)


async def answered_to_the_end(person: Visitor, flow: Flow) -> Page:
    await person.get("/chat?stage=pithiviers")
    page = await person.press("✅ J’accepte")
    turn = 0
    while page.question is not None:
        button, changes = valid_answer(page.question, flow, turn)
        page = await person.submit(page.question, button, **changes)
        turn += 1
    return page


async def test_the_card_thanks_a_finished_respondent_and_shows_their_answers(
    visitor: VisitorFactory, flow: Flow
) -> None:
    bob = visitor()
    await answered_to_the_end(bob, flow)

    card = await bob.get("/s/pithiviers")

    assert FINISHED in said(card.text), said(card.text)[:600]
    assert NEW not in said(card.text) and "Répondre ici" not in card.html
    assert "Ouvrir dans Telegram" not in card.html
    answers = next(link for link in card.links() if "/chat?stage=pithiviers" in link)
    assert 'class="button primary" href="' + answers + '">Revoir mes réponses</a>' in card.html
    page = await bob.get(answers)
    assert "Vous avez déjà répondu" in said(page.text)
    assert "Récapitulatif de vos réponses" in page.text


async def test_the_next_person_on_a_shared_tablet_can_take_their_turn(
    visitor: VisitorFactory, flow: Flow
) -> None:
    bob = visitor()
    await answered_to_the_end(bob, flow)
    card = await bob.get("/s/pithiviers")
    handover = next(link for link in card.links() if "/handover" in link)
    assert handover.endswith("/handover?stage=pithiviers")
    asked = await bob.get(handover)
    assert "Laisser l’appareil à la personne suivante" in asked.text


async def test_in_english(visitor: VisitorFactory, flow: Flow) -> None:
    bob = visitor()
    await answered_to_the_end(bob, flow)
    await bob.press("English")  # the summary's language switch, kept by this browser
    card = await bob.get("/s/pithiviers")
    assert "You have already answered the questionnaire in this browser, thank you!" in said(
        card.text
    )
    assert ">See my answers</a>" in card.html and "Answer here" not in card.html


async def test_another_workshops_card_is_the_usual_one(visitor: VisitorFactory, flow: Flow) -> None:
    bob = visitor()
    await answered_to_the_end(bob, flow)
    card = await bob.get("/s/exemple_bretagne")
    assert NEW in said(card.text) and "Revoir mes réponses" not in card.html
