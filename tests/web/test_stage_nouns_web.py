"""The web's landing pages say what the stages file calls its stages: a stage's card,
the list for a link that names none, the home page, in French and in English.

The same made-up files as tests/conversation/test_stage_nouns.py: "journée portes
ouvertes", "salon", "événement", and a file that says nothing ("atelier").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import StageDef, load_stages
from tests.support.stage_nouns import NOUNS, write_stages
from tests.web.conftest import VisitorFactory
from tests.web.driver import Page


@pytest.fixture(params=NOUNS)
def noun(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def stages(tmp_path: Path, noun: str) -> list[StageDef]:
    return load_stages(write_stages(tmp_path, noun))


CARD = {
    "journée": ("Journée portes ouvertes de Pithiviers", "à cette journée portes ouvertes."),
    "salon": ("Salon de Pithiviers", "à ce salon."),
    "événement": ("Événement de Pithiviers", "à cet événement."),
    "atelier": ("Atelier de Pithiviers", "à cet atelier."),
}
CARD_EN = {
    "journée": "open day",
    "salon": "trade fair",
    "événement": "event",
    "atelier": "workshop",
}


async def test_a_stages_card_names_it_as_the_file_calls_it(
    visitor: VisitorFactory, noun: str
) -> None:
    page = await visitor().get("/s/pithiviers")
    bob: Page = await visitor(headers={"accept-language": "en"}).get("/s/evreux")

    heading, lead = CARD[noun]
    assert page.status == 200
    assert heading in page.text
    assert f"Vos réponses seront rattachées {lead}" in page.text
    one = CARD_EN[noun]
    assert f"Évreux {one}" in bob.text
    assert f"Your answers will be linked to this {one}." in bob.text


LIST = {
    "journée": (
        "Ce lien ne correspond à aucune journée portes ouvertes connue. Choisissez la vôtre :",
        "Répondre sans journée portes ouvertes",
        "Les journées portes ouvertes",
    ),
    "salon": (
        "Ce lien ne correspond à aucun salon connu. Choisissez le vôtre :",
        "Répondre sans salon",
        "Les salons",
    ),
    "événement": (
        "Ce lien ne correspond à aucun événement connu. Choisissez le vôtre :",
        "Répondre sans événement",
        "Les événements",
    ),
    "atelier": (
        "Ce lien ne correspond à aucun atelier connu. Choisissez le vôtre :",
        "Répondre sans atelier",
        "Les ateliers",
    ),
}
LIST_EN = {
    "journée": ("open day", "an open day", "open days"),
    "salon": ("trade fair", "a trade fair", "trade fairs"),
    "événement": ("event", "an event", "events"),
    "atelier": ("workshop", "a workshop", "workshops"),
}


async def test_an_unknown_link_and_the_home_page_list_the_stages_by_their_name(
    visitor: VisitorFactory, noun: str
) -> None:
    lost = await visitor().get("/s/nulle-part")
    home = await visitor().get("/")
    bob = visitor(headers={"accept-language": "en"})
    lost_en, home_en = await bob.get("/s/nowhere"), await bob.get("/")

    unknown, without, heading = LIST[noun]
    assert lost.status == 404
    assert unknown in lost and without in lost
    assert "Évreux" in lost.text and "Pithiviers" in lost.text
    assert heading in home and without in home
    one, with_a, many = LIST_EN[noun]
    assert f"This link does not match any known {one}. Choose yours:" in lost_en
    assert f"Answer without {with_a}" in lost_en
    assert f"The {many}" in home_en and f"Answer without {with_a}" in home_en
