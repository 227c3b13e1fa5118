"""Going on in one's own questionnaire from the other's page, and the unknown workshop's card.

The bot runs both bundled questionnaires. Ana answered two questions of the
companies' one, then opened the territory's link: its page offers the switch. Any
choice there that keeps her in her own questionnaire (a language, starting it
over, "no, go on") opens her own questionnaire's address next, as "go on" under
the offer does: the question she answers is followed by the next one, and no
reload brings the offer back. Without scripts (a redirect after each form) and
with chat.js (redirected too when the page's address changes).

A link to a workshop that does not exist, with an audience (`nowhere__territoire`),
lists the workshops: each of its links keeps that audience, as the chat and
Telegram do, when it is an audience the bot knows.
"""

from __future__ import annotations

import httpx
import pytest

from flows import Catalogue, Flow, bundled_path, load_flow
from tests.conftest import Peek
from tests.web.conftest import VisitorFactory
from tests.web.driver import Page, Visitor

ACTORS = load_flow(bundled_path("acteurs.yaml"))
SWITCH = "Passer à « Un acteur du territoire »"
AGREE = "✅ J’accepte"
THEIRS = "/chat?stage=pithiviers__entreprise"
OTHER = "/chat?stage=pithiviers__territoire"
LOCAL = "http://127.0.0.1"


@pytest.fixture
def flow(bundled_flow: Flow) -> Catalogue:
    """This module's bot runs both questionnaires."""
    return Catalogue((bundled_flow, ACTORS))


async def reload(browser: Visitor) -> Page:
    """Reload as a person does: the address shown, opened (without its fragment)."""
    assert browser.page is not None
    return await browser.get(str(browser.page.response.url.copy_with(fragment=None)))


async def on_the_offer(browser: Visitor) -> str:
    """Two answers to the companies' questionnaire, then the territory's link: the offer.
    The step of the question waiting."""
    await browser.get(THEIRS)
    await browser.press_through(AGREE)
    await browser.type("ACME")
    step = waiting(await browser.press_through("Agroalimentaire"))
    assert offered(await browser.get(OTHER))
    return step


def offered(page: Page) -> bool:
    """Whether the page offers to switch questionnaires."""
    return SWITCH in page.labels() or "lequel voulez-vous" in page or "which would" in page


def waiting(page: Page) -> str:
    assert page.question is not None, page.text[:300]
    return page.question.step or ""


def at_theirs(page: Page) -> bool:
    """Whether the page is at Ana's own questionnaire's address."""
    return page.response.url.copy_with(fragment=None) == f"{LOCAL}{THEIRS}"


async def answer_and_reload(ana: Visitor, step: str) -> None:
    """The question waiting, answered: the next one follows, at her address, and stays."""
    page = ana.page
    assert page is not None and page.question is not None
    assert waiting(page) == step and not offered(page) and at_theirs(page)
    page = await ana.press_through(page.question.choices()[1].label)
    assert waiting(page) != step and not offered(page), page.text[:300]
    after = waiting(page)
    page = await reload(ana)
    assert not offered(page) and waiting(page) == after


@pytest.mark.parametrize("scripts", [False, True], ids=["plain", "chat.js"])
async def test_a_language_chosen_on_the_offer_opens_her_own_address(
    visitor: VisitorFactory, scripts: bool
) -> None:
    ana = visitor(scripts=scripts)
    step = await on_the_offer(ana)
    page = await ana.press_through("English")
    assert "How many employees does ACME have?" in page
    await answer_and_reload(ana, step)


@pytest.mark.parametrize("scripts", [False, True], ids=["plain", "chat.js"])
async def test_starting_over_on_the_offer_opens_her_own_address(
    visitor: VisitorFactory, peek: Peek, bundled_flow: Flow, scripts: bool
) -> None:
    ana = visitor(scripts=scripts)
    await on_the_offer(ana)
    await ana.press_through("Recommencer")
    page = await ana.press_through("Oui, recommencer")
    assert "C’est reparti depuis le début." in page and at_theirs(page)
    first = waiting(page)
    page = await ana.type("NewCo")
    if scripts:
        assert page.response.status_code == 200
    assert waiting(page) != first and not offered(page), page.text[:300]
    assert not offered(await reload(ana))
    assert peek.query("SELECT flow_id, stage_code FROM responses") == [
        (bundled_flow.id, "pithiviers")
    ]
    assert peek.query("SELECT COUNT(*) FROM answers") == [(1,)]


@pytest.mark.parametrize("scripts", [False, True], ids=["plain", "chat.js"])
async def test_not_starting_over_on_the_offer_goes_on_at_her_own_address(
    visitor: VisitorFactory, scripts: bool
) -> None:
    ana = visitor(scripts=scripts)
    step = await on_the_offer(ana)
    await ana.press_through("Recommencer")
    await ana.press_through("Non, continuer")
    await answer_and_reload(ana, step)


@pytest.mark.parametrize("code", ["nowhere__territoire", "nowhere__TERRITOIRE"])
async def test_the_unknown_workshop_card_keeps_the_audience(
    visitor: VisitorFactory, code: str
) -> None:
    bob = visitor()
    card = await bob.get(f"/s/{code}")
    assert card.response.status_code == 404
    links = card.links()
    assert f"{LOCAL}/s/exemple_nord__territoire" in links
    assert f"{LOCAL}/s/pithiviers" not in links
    # Pithiviers' card from the list, then its chat: the territory's, not the audience choice.
    pithiviers = next(link for link in links if link.startswith(f"{LOCAL}/s/pithiviers"))
    assert f"{LOCAL}{OTHER}" in (await bob.get(pithiviers)).links()
    # No workshop ("Continuer sans atelier", the card's last link): the territory's notice.
    page = await bob.get(links[-1])
    assert page.response.url == f"{LOCAL}/chat?stage=__territoire"
    assert ACTORS.text(ACTORS.title, "fr") in page and AGREE in page.labels()


async def test_the_resume_link_says_which_questionnaire_each_response_is(
    visitor: VisitorFactory,
) -> None:
    ana = visitor()
    await ana.get(THEIRS)
    await ana.press_through(AGREE)
    page = await ana.type("ACME")
    link = page.field("resume-link")["value"]

    opened = await visitor().get(httpx.URL(link).path)

    assert "Questionnaire pour «\u00a0Une entreprise\u00a0» commencé le" in opened, opened.text


@pytest.mark.parametrize(
    ("opened", "back_at"),
    [("/chat?stage=pithiviers", "/chat?stage=pithiviers"), ("/chat", "/chat")],
    ids=["a workshop's link", "no workshop"],
)
async def test_choosing_another_questionnaire_opens_the_list_and_it_stays(
    visitor: VisitorFactory, opened: str, back_at: str
) -> None:
    ana = visitor()
    page = await ana.get(opened)
    assert "Une entreprise" in page.labels(), page.text[:300]
    page = await ana.press_through("Une entreprise")
    assert AGREE in page.labels()

    page = await ana.press_through("↩ Changer de questionnaire")

    assert "Un acteur du territoire" in page.labels(), page.text[:300]
    assert str(page.response.url.copy_with(fragment=None)) == f"{LOCAL}{back_at}"
    page = await reload(ana)
    assert "Un acteur du territoire" in page.labels(), "a reload keeps the list"
    page = await ana.press_through("Un acteur du territoire")
    assert AGREE in page.labels() and "acteur" in page.text.lower()


async def test_back_typed_at_the_first_question_opens_the_list_at_the_workshops_address(
    visitor: VisitorFactory,
) -> None:
    ana = visitor()
    await ana.get("/chat?stage=pithiviers")
    await ana.press_through("Une entreprise")
    page = await ana.press_through(AGREE)
    assert page.question is not None

    page = await ana.type("/back")

    assert "Un acteur du territoire" in page.labels(), page.text[:300]
    assert str(page.response.url.copy_with(fragment=None)) == f"{LOCAL}/chat?stage=pithiviers"
