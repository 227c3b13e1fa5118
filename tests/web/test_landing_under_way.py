"""Back at the workshop's card with a questionnaire under way in this browser.

Ana started on the web at the workshop, stopped after three answers, and days later
scans the town's QR code again. The card used to greet her as a newcomer: "Ouvrir
dans Telegram" then starts a second response from zero, while hers waits here. It
now says what she has under way and that Telegram would start again; "Reprendre
ici" takes her back to her question (one closed as abandoned too: it resumes). Someone
with nothing answered, or who started at another workshop (whose response that card
would not take her back to), gets the usual card; someone who finished is thanked
(test_landing_finished.py).
"""

from __future__ import annotations

import datetime as dt

from flows import Flow
from storage import Store
from tests.web.conftest import VisitorFactory
from tests.web.test_rights import three_answers_in

UNDER_WAY = (
    "Vous avez commencé le questionnaire dans ce navigateur (3 réponses) : "
    "« Reprendre ici » vous ramène où vous en étiez. "
    "Dans Telegram, vous recommenceriez depuis le début."
)
NEW = "Répondez ici, dans votre navigateur, ou dans Telegram si vous l’utilisez."


def said(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


async def test_the_card_offers_to_resume_what_this_browser_started(
    visitor: VisitorFactory, flow: Flow
) -> None:
    ana = visitor()
    await three_answers_in(ana, flow)

    card = await ana.get("/s/pithiviers")

    assert UNDER_WAY in said(card.text), said(card.text)[:600]
    assert NEW not in said(card.text)
    resume = next(link for link in card.links() if "/chat?stage=pithiviers" in link)
    assert 'class="button primary" href="' + resume + '">Reprendre ici</a>' in card.html
    page = await ana.get(resume)
    assert page.progress.startswith("Question 4/")  # where she was


async def test_in_english_one_answer(visitor: VisitorFactory) -> None:
    ana = visitor(headers={"accept-language": "en"})
    await ana.get("/chat?stage=pithiviers")
    await ana.press("✅ I agree")
    await ana.type("ACME")
    card = await ana.get("/s/pithiviers")
    assert "You started the questionnaire in this browser (1 answer)" in said(card.text)
    assert "In Telegram, you would start again from the beginning." in said(card.text)
    assert ">Resume here</a>" in card.html


async def test_a_newcomer_gets_the_usual_card(visitor: VisitorFactory) -> None:
    bob = visitor()
    card = await bob.get("/s/pithiviers")
    assert NEW in said(card.text) and ">Répondre ici</a>" in card.html
    assert "Reprendre ici" not in card.html


async def test_a_response_closed_as_abandoned_is_still_offered(
    visitor: VisitorFactory, flow: Flow, store: Store
) -> None:
    ana = visitor()
    await three_answers_in(ana, flow)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=20)
    assert await store.abandon_stale(idle_since=later - dt.timedelta(days=14), now=later) == 1
    card = await ana.get("/s/pithiviers")
    assert UNDER_WAY in said(card.text)


async def test_another_workshops_card_or_nothing_answered_is_the_usual_card(
    visitor: VisitorFactory, flow: Flow
) -> None:
    ana = visitor()
    await three_answers_in(ana, flow)  # at Pithiviers
    card = await ana.get("/s/exemple_bretagne")
    assert NEW in said(card.text) and "Reprendre ici" not in card.html
    bob = visitor()
    await bob.get("/chat?stage=pithiviers")
    await bob.press("✅ J’accepte")  # agreed, nothing answered yet: nothing to lose
    card = await bob.get("/s/pithiviers")
    assert NEW in said(card.text) and "(0 réponse)" not in said(card.text)
