"""The web chat once the questionnaire is closed (SURVEYBOT_CLOSED): the cards and the chat say
so and offer no way to answer; a posted answer stores nothing; one's data and erasing stay."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from bot.http import RateLimit
from bot.web import WebChat, create_app
from bot.web.identity import COOKIE
from conversation import Conversation
from flows import Flow, StageDef
from storage import Store
from tests.conftest import Peek
from tests.web.conftest import BOT_USERNAME, SECRET, Patience, VisitorFactory, guard_of
from tests.web.driver import valid_answer
from tests.web.test_pages import counts
from tests.web.test_rights import three_answers_in

CLOSED = (
    "Le questionnaire est clos : il n’est plus possible d’y répondre. Merci à toutes celles "
    "et ceux qui ont répondu !"
)
CLOSED_EN = (
    "The questionnaire is closed: answers are no longer taken. Thank you to everyone who took part!"
)


@pytest.fixture
async def closed_app(store: Store, flow: Flow, stages: list[StageDef]) -> Starlette:
    """`surveybot serve --closed` on the test's store (and secret: a page's forms still count)."""
    conversation = Conversation(store, flow, stages, closed=True)
    await conversation.sync_with_files()
    app = create_app(WebChat(conversation, SECRET, BOT_USERNAME))
    guard_of(app, RateLimit).clock = Patience()
    return app


async def test_the_landing_card_says_it_is_closed_and_offers_no_answer(
    visitor: VisitorFactory, closed_app: Starlette
) -> None:
    bea = visitor(app=closed_app)

    card = await bea.get("/s/pithiviers")

    assert card.status == 200 and CLOSED in card
    assert "Répondre ici" not in card and "Ouvrir dans Telegram" not in card
    assert not any("stage=" in link or "t.me" in link for link in card.links())
    index = await bea.get("/")
    assert CLOSED in index and "Répondre sans" not in index
    english = await visitor(app=closed_app, headers={"accept-language": "en"}).get("/s/pithiviers")
    assert CLOSED_EN in english and "Answer here" not in english


async def test_the_chat_page_says_it_is_closed_with_no_form(
    visitor: VisitorFactory, closed_app: Starlette, peek: Peek
) -> None:
    bea = visitor(app=closed_app)

    page = await bea.get("/chat?stage=pithiviers")

    assert page.status == 200 and CLOSED in page
    assert page.question is None and page.forms == []
    assert "J’accepte" not in page
    assert counts(peek) == dict.fromkeys(counts(peek), 0)


async def test_an_answer_posted_after_the_close_stores_nothing(
    visitor: VisitorFactory, closed_app: Starlette, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    page = await three_answers_in(ana, flow)  # the next question's form, open on her phone
    assert page.question is not None
    form = page.question
    before = peek.dump()
    ana_later = visitor(app=closed_app)
    ana_later.client.cookies = ana.cookies

    button, changes = valid_answer(form, flow, 3)
    answered = await ana_later.submit(form, button, **changes)

    assert CLOSED in answered and answered.question is None
    assert "/mydata" not in answered  # the chat's way; the page has its buttons below
    assert peek.dump() == before
    # Reloaded: still closed, and the question is not offered again.
    again = await ana_later.get("/chat")
    assert CLOSED in again and again.question is None
    assert "Recommencer" not in again.labels() and "English" not in again.labels()
    assert "Gardez ce lien pour reprendre" not in again


async def test_mydata_and_erasing_stay_reachable_with_a_cookie(
    visitor: VisitorFactory, closed_app: Starlette, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    await three_answers_in(ana, flow)
    ana_later = visitor(app=closed_app)
    ana_later.client.cookies = ana.cookies
    card = await ana_later.get("/s/pithiviers")
    assert any(
        link.endswith("/chat") for link in card.links()
    )  # "Vous avez répondu depuis ce navigateur ? Vos données"

    page = await ana_later.get("/chat")
    assert {"Mes données", "Effacer mes réponses"} <= set(page.labels())
    mine = await ana_later.press("Mes données")
    assert "Voici les données enregistrées vous concernant" in mine
    downloaded = await ana_later.client.get("/mydata.json")
    assert downloaded.status_code == 200 and '"answers"' in downloaded.text

    await ana_later.press("Effacer mes réponses")
    erased = await ana_later.press("Oui, tout effacer")

    assert "vos réponses et les données vous concernant ont été effacées" in erased
    assert "Recommencer" not in erased.labels()
    assert {k: v for k, v in counts(peek).items() if k != "handled_updates"} == {
        "respondents": 0,
        "responses": 0,
        "answers": 0,
        "consent_refusals": 0,
    }


async def test_the_hand_over_page_keeps_no_resume_link_once_closed(
    visitor: VisitorFactory, closed_app: Starlette, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    await three_answers_in(ana, flow)  # unfinished
    before = peek.dump()
    ana_later = visitor(app=closed_app)
    ana_later.client.cookies = ana.cookies

    page = await ana_later.get("/handover")

    assert "Ce navigateur les oublie : la personne suivante ne les verra pas." in page
    assert "n’est pas terminé" not in page and "commencera son propre questionnaire" not in page
    assert "<svg" not in page.html and "resume-link" not in page.html
    assert page.labels() == ["Laisser la place"]
    assert peek.dump() == before


async def test_a_resume_link_once_closed_offers_only_to_see_or_erase_the_answers(
    visitor: VisitorFactory, closed_app: Starlette, flow: Flow, peek: Peek
) -> None:
    ana = visitor()
    await three_answers_in(ana, flow)
    before = peek.dump()
    phone = visitor(app=closed_app)

    page = await phone.get(f"/r/{ana.cookies[COOKIE]}")

    assert page.status == 200 and "Le questionnaire est clos" in page
    assert "Reprendre" not in page and page.labels() == ["Les consulter ou les effacer ici"]
    assert ": non terminé, 3 réponses" in page  # not "en cours": nothing is to resume
    assert peek.dump() == before
    chat = await phone.press("Les consulter ou les effacer ici")
    assert CLOSED in chat and chat.question is None
    assert {"Mes données", "Effacer mes réponses"} <= set(chat.labels())
    mine = await phone.press("Mes données")
    assert "Voici les données enregistrées vous concernant" in mine
    assert peek.dump() == before
