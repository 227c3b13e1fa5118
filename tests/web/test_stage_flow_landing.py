"""A stage tied to one questionnaire (`flow:` in the stages file) is introduced by its own
questionnaire's name on its landing card, as its chat then asks it."""

from __future__ import annotations

import pytest

from flows import Catalogue, Flow, StageDef, bundled_path, load_flow
from tests.conftest import Peek
from tests.web.conftest import VisitorFactory

ACTORS = load_flow(bundled_path("acteurs.yaml"))


@pytest.fixture
def flow(bundled_flow: Flow) -> Catalogue:  # type: ignore[override]
    """Both questionnaires, the companies' first: the default one."""
    return Catalogue((bundled_flow, ACTORS))


@pytest.fixture
def stages() -> list[StageDef]:
    return [
        StageDef(code="forum-territoires", city="Exempleville", flow=ACTORS.id),
        StageDef(code="atelier-exemple", city="Exempleville"),
    ]


async def test_the_card_of_a_stage_tied_to_a_questionnaire_is_titled_with_it(
    visitor: VisitorFactory, peek: Peek, bundled_flow: Flow
) -> None:
    actors, companies = ACTORS.text(ACTORS.title, "fr"), bundled_flow.text(bundled_flow.title, "fr")
    assert actors != companies

    card = await visitor().get("/s/forum-territoires")
    assert card.status == 200
    # The tab names the workshop, then the questionnaire (a7ecadb): the actors'.
    assert f" · {actors}</title>" in card.html
    assert f" · {companies}</title>" not in card.html

    browser = visitor()
    page = await browser.get("/chat?stage=forum-territoires")
    assert actors in page
    await browser.press("✅ J’accepte")
    assert peek.query("SELECT flow_id, stage_code FROM responses") == [
        (ACTORS.id, "forum-territoires")
    ]

    # A stage without `flow:` leaves the choice to the respondent: the card names no one
    # questionnaire but the default, as before.
    other = await visitor().get("/s/atelier-exemple")
    assert f" · {companies}</title>" in other.html
