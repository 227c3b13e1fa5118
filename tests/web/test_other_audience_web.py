"""The other questionnaire's QR code, scanned on the same poster by someone answering one.

The bot runs both bundled questionnaires. Ana scanned the companies' code at the
workshop and answered two questions in her browser; then she scans the territory's.
Its page offers the switch, as Telegram's `/start` does, and opening it changes
nothing. Going on takes the page to her own questionnaire's address: reloading it
shows her question, not the offer again. Switching (confirmed) opens the territory's
notice, and the questionnaire agreed to then is tagged with the link's workshop.
Both without scripts (a redirect after each form) and with chat.js (the page itself,
or, when the page's address changes, the redirect that fetch follows).
"""

from __future__ import annotations

import pytest

from flows import Catalogue, Flow, bundled_path, load_flow
from tests.conftest import Peek
from tests.web.conftest import VisitorFactory
from tests.web.driver import Page, Visitor

ACTORS = load_flow(bundled_path("acteurs.yaml"))
COMPANY, ACTOR = "Une entreprise", "Un acteur du territoire"
GO_ON = f"Reprendre « {COMPANY} » ▶"
SWITCH = f"Passer à « {ACTOR} »"
SWITCH_YES = "Oui, changer de questionnaire"
KEEP = "Non, garder mes réponses"
AGREE = "✅ J’accepte"
THEIRS = "/chat?stage=pithiviers__entreprise"
OTHER = "/chat?stage=pithiviers__territoire"


@pytest.fixture
def flow(bundled_flow: Flow) -> Catalogue:
    """This module's bot runs both questionnaires."""
    return Catalogue((bundled_flow, ACTORS))


async def reload(browser: Visitor) -> Page:
    """Reload as a person does: the address shown, opened (chat.js shows the one it was
    answered from, without its fragment)."""
    assert browser.page is not None
    return await browser.get(str(browser.page.response.url.copy_with(fragment=None)))


async def two_company_answers(browser: Visitor) -> str:
    """The companies' questionnaire by its QR code, agreed, two answers: the question waiting."""
    await browser.get(THEIRS)
    await browser.press_through(AGREE)
    await browser.type("ACME")
    page = await browser.press_through("Agroalimentaire")
    return waiting(page)


def offered(page: Page) -> bool:
    """Whether the page offers to switch questionnaires."""
    return SWITCH in page.labels()


def waiting(page: Page) -> str:
    assert page.question is not None, page.text[:300]
    return page.question.step or ""


@pytest.mark.parametrize("scripts", [False, True], ids=["plain", "chat.js"])
async def test_the_other_qr_code_offers_the_switch_and_changes_nothing(
    visitor: VisitorFactory, peek: Peek, scripts: bool
) -> None:
    ana = visitor(scripts=scripts)
    await two_company_answers(ana)
    card = await ana.get("/s/pithiviers__territoire")
    assert f"http://127.0.0.1{OTHER}" in card.links()
    before = peek.dump()
    page = await ana.get(OTHER)
    assert f"Vous avez commencé le questionnaire pour « {COMPANY} » (2\u00a0réponses sur " in page
    assert page.labels()[:2] == [GO_ON, SWITCH]
    assert offered(await reload(ana))  # a reload of that page offers it again: nothing chosen
    assert peek.dump() == before


@pytest.mark.parametrize("scripts", [False, True], ids=["plain", "chat.js"])
async def test_going_on_sticks_a_reload_shows_the_question_not_the_offer(
    visitor: VisitorFactory, peek: Peek, bundled_flow: Flow, scripts: bool
) -> None:
    ana = visitor(scripts=scripts)
    step = await two_company_answers(ana)
    await ana.get(OTHER)
    page = await ana.press_through(GO_ON)
    # Redirected to her own questionnaire's address: what the browser shows and reloads.
    assert page.response.history[0].headers["location"].endswith(f"{THEIRS}#now")
    assert waiting(page) == step and not offered(page)
    # Its forms post there too: what comes next is tagged with her questionnaire's link.
    assert all(form.action.endswith(f"{THEIRS}#now") for form in page.forms)
    page = await reload(ana)
    assert waiting(page) == step and not offered(page)
    assert page.question is not None
    # And the answers go on, in her questionnaire.
    page = await ana.press_through(page.question.choices()[0].label)
    assert waiting(page) != step and not offered(page)
    assert peek.query("SELECT flow_id, stage_code FROM responses") == [
        (bundled_flow.id, "pithiviers")
    ]


@pytest.mark.parametrize("scripts", [False, True], ids=["plain", "chat.js"])
async def test_not_confirming_the_switch_goes_on_with_hers(
    visitor: VisitorFactory, peek: Peek, scripts: bool
) -> None:
    ana = visitor(scripts=scripts)
    step = await two_company_answers(ana)
    await ana.get(OTHER)
    page = await ana.press_through(SWITCH)
    assert "efface les 2\u00a0réponses déjà données" in page
    before = peek.dump()
    page = await ana.press_through(KEEP)
    assert waiting(page) == step and not offered(page)
    page = await reload(ana)
    assert waiting(page) == step and not offered(page)
    assert peek.dump() == before


@pytest.mark.parametrize("scripts", [False, True], ids=["plain", "chat.js"])
async def test_switching_opens_the_territory_notice_then_its_questionnaire_at_pithiviers(
    visitor: VisitorFactory, peek: Peek, scripts: bool
) -> None:
    ana = visitor(scripts=scripts)
    await two_company_answers(ana)
    await ana.get(OTHER)
    page = await ana.press_through(SWITCH)
    # The confirmation, not the offer again (without scripts: the page after the redirect).
    assert "Confirmez-vous ?" in page and SWITCH_YES in page.labels()
    page = await ana.press_through(SWITCH_YES)
    # Said with or without scripts: across the redirect, the questionnaire's name rides as
    # a value of the flow's (bot/web/notes.py, VALUED_KEYS).
    assert f"C’est fait : vos réponses au questionnaire pour « {COMPANY} » sont effacées." in page
    assert ACTORS.text(ACTORS.title, "fr") in page
    assert AGREE in page.labels() and not offered(page)
    assert peek.query("SELECT COUNT(*) FROM responses") == [(0,)]
    assert peek.query("SELECT COUNT(*) FROM answers") == [(0,)]
    page = await ana.press_through(AGREE)
    assert waiting(page) == ACTORS.steps()[0].id
    assert peek.query("SELECT flow_id, stage_code FROM responses") == [(ACTORS.id, "pithiviers")]
    page = await reload(ana)
    assert waiting(page) == ACTORS.steps()[0].id and not offered(page)
