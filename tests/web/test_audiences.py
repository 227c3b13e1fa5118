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
    assert page.labels() == ["Une entreprise", "Un acteur du territoire"]
    page = await browser.press("Un acteur du territoire")
    assert ACTORS.text(ACTORS.title, "fr") in page
    page = await browser.press("✅ J'accepte")
    assert peek.query("SELECT flow_id, stage_code FROM responses") == [(ACTORS.id, "pithiviers")]
    # The page's title is the questionnaire answered, not the default one.
    assert f"<title>{ACTORS.text(ACTORS.title, 'fr')}" in page.html


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
    await browser.press("✅ J'accepte")
    assert peek.query("SELECT flow_id FROM responses") == [(ACTORS.id,)]
