"""An outdated workshop's link naming an audience (`vitre__entreprise`, the code since
renamed) lists the workshops as Telegram does: only those for that audience's
questionnaire or for none in particular. A workshop tied to the other questionnaire
(`flow:` in the stages file) is not offered: its card would open the companies'
questionnaire at the actors' workshop."""

from __future__ import annotations

import datetime as dt

import pytest

from conversation.views import stage_picker
from flows import Catalogue, Flow, StageDef, bundled_path, load_flow
from tests.web.conftest import VisitorFactory

ACTORS = load_flow(bundled_path("acteurs.yaml"))
LOCAL = "http://127.0.0.1"


@pytest.fixture
def flow(bundled_flow: Flow) -> Catalogue:
    """Both questionnaires, the companies' first."""
    return Catalogue((bundled_flow, ACTORS))


@pytest.fixture
def stages() -> list[StageDef]:
    return [
        StageDef(code="pithiviers", city="Pithiviers", date=dt.date(2019, 6, 5), flow=ACTORS.id),
        StageDef(code="cluses", city="Cluses", date=dt.date(2019, 6, 20), flow=ACTORS.id),
        StageDef(code="cluses-automne", city="Cluses", date=dt.date(2019, 10, 1)),
        StageDef(code="vitre-bzh", city="Vitré", date=dt.date(2019, 7, 4)),
    ]


def listed(links: list[str]) -> list[str]:
    """The workshops' codes the card links to, in order."""
    return [link.removeprefix(f"{LOCAL}/s/") for link in links if link.startswith(f"{LOCAL}/s/")]


async def test_the_list_of_a_companies_link_leaves_out_the_actors_workshops(
    visitor: VisitorFactory, bundled_flow: Flow, stages: list[StageDef]
) -> None:
    card = await visitor().get("/s/vitre__entreprise")
    assert card.response.status_code == 404
    assert listed(card.links()) == ["cluses-automne__entreprise", "vitre-bzh__entreprise"]
    assert "Pithiviers" not in card.text
    # Told apart as Telegram's buttons are: one Cluses left, its town alone.
    assert "Cluses · " not in card.text and "Cluses (" not in card.text
    telegram = stage_picker("fr", stages, "entreprise", bundled_flow)
    assert [c.label for c in telegram.choices[:-1]] == ["Cluses", "Vitré"]


async def test_the_list_of_an_actors_link_has_the_actors_workshops_too(
    visitor: VisitorFactory,
) -> None:
    card = await visitor().get("/s/vitre__territoire")
    assert listed(card.links()) == [
        "pithiviers__territoire",
        "cluses__territoire",
        "cluses-automne__territoire",
        "vitre-bzh__territoire",
    ]
    # Two Cluses for the one questionnaire: told apart by their dates, not the audience.
    assert "Cluses (20 juin 2019)" in card.text and "Cluses (1er octobre 2019)" in card.text


async def test_a_link_naming_no_audience_lists_every_workshop(visitor: VisitorFactory) -> None:
    card = await visitor().get("/s/vitre")
    assert listed(card.links()) == ["pithiviers", "cluses", "cluses-automne", "vitre-bzh"]
    assert "Cluses · Un acteur du territoire" in card.text
