"""The web chat with both bundled questionnaires: a workshop's page asks who is answering, a
link per audience keeps its audience from the landing card to the stored response."""

from __future__ import annotations

import pytest

from flows import Catalogue, Flow, bundled_path, load_flow
from tests.conftest import Peek
from tests.web.conftest import VisitorFactory

ACTORS = load_flow(bundled_path("acteurs.yaml"))


@pytest.fixture
def flow(bundled_flow: Flow) -> Catalogue:  # type: ignore[override]
    """This module's bot runs both questionnaires."""
    return Catalogue((bundled_flow, ACTORS))


async def test_the_chat_asks_who_is_answering_then_gives_that_questionnaire(
    visitor: VisitorFactory, peek: Peek
) -> None:
    browser = visitor()
    page = await browser.get("/chat?stage=pithiviers")
    assert page.labels() == ["Une entreprise", "Un acteur du territoire", "English"]
    page = await browser.press("Un acteur du territoire")
    assert ACTORS.text(ACTORS.title, "fr") in page
    page = await browser.press("✅ J’accepte")
    assert peek.query("SELECT flow_id, stage_code FROM responses") == [(ACTORS.id, "pithiviers")]
    # The page's title is where the person is in the questionnaire answered, not the default one.
    assert f"<title>Question 1 sur {page.progress.split('/')[1].split()[0]} · " in page.html
    assert f" · {ACTORS.text(ACTORS.title, 'fr')}</title>" in page.html


async def test_a_landing_card_per_audience_keeps_it_in_both_links(
    visitor: VisitorFactory, peek: Peek
) -> None:
    card = await visitor().get("/s/pithiviers__territoire")
    assert card.status == 200
    assert "http://127.0.0.1/chat?stage=pithiviers__territoire" in card.links()
    assert "https://t.me/surveybot_test_bot?start=pithiviers__territoire" in card.links()
    browser = visitor()
    page = await browser.get("/chat?stage=pithiviers__territoire")
    assert "Un acteur du territoire" not in page.labels()
    await browser.press("✅ J’accepte")
    assert peek.query("SELECT flow_id FROM responses") == [(ACTORS.id,)]


async def test_the_questionnaire_picked_is_where_the_redirect_leads_and_a_reload_stays(
    visitor: VisitorFactory, peek: Peek
) -> None:
    """Nothing is stored before the notice: without scripts, the questionnaire picked
    rides in the address the form's redirect leads to, and reloading it keeps it."""
    browser = visitor()
    await browser.get("/chat?stage=pithiviers")
    page = await browser.press("Un acteur du territoire")
    (redirect,) = page.response.history
    assert redirect.headers["location"] == "http://127.0.0.1/chat?stage=pithiviers__territoire#now"
    again = await browser.reload()
    assert ACTORS.text(ACTORS.title, "fr") in again
    assert "Un acteur du territoire" not in again.labels()
    page = await browser.press("English")
    assert ACTORS.text(ACTORS.title, "en") in page
    await browser.press("✅ I agree")
    assert peek.query("SELECT flow_id, stage_code, language FROM responses") == [
        (ACTORS.id, "pithiviers", "en")
    ]


async def test_the_list_read_in_english_keeps_the_workshop_and_stores_nothing(
    visitor: VisitorFactory, peek: Peek
) -> None:
    browser = visitor()
    await browser.get("/chat?stage=pithiviers")
    page = await browser.press("English")
    assert page.labels() == ["A company", "A local stakeholder", "Français"]
    assert str(page.response.url).startswith("http://127.0.0.1/chat?stage=pithiviers")
    assert peek.query("SELECT COUNT(*) FROM respondents") == [(0,)]
    page = await browser.press("A local stakeholder")
    page = await browser.press("✅ I agree")
    assert peek.query("SELECT flow_id, stage_code, language FROM responses") == [
        (ACTORS.id, "pithiviers", "en")
    ]
