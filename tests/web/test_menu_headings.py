"""The pages a QR code may open first have a heading, and a tab title that names them:
"who is answering?" of a workshop with two questionnaires, an unknown link's list of
workshops, and the other questionnaire's link. A screen reader jumping by headings found
nothing on them, and every such tab read only the tour's name."""

from __future__ import annotations

import re

import pytest

from flows import Catalogue, Flow, bundled_path, load_flow
from tests.web.conftest import VisitorFactory

ACTORS = load_flow(bundled_path("acteurs.yaml"))


@pytest.fixture
def flow(bundled_flow: Flow) -> Catalogue:  # type: ignore[override]
    """This module's bot runs both questionnaires."""
    return Catalogue((bundled_flow, ACTORS))


def headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", html)]


def tab(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
    assert found is not None
    return found.group(1)


async def test_who_is_answering_has_its_heading(visitor: VisitorFactory) -> None:
    page = await visitor().get("/chat?stage=pithiviers")

    assert page.labels()[:2] == ["Une entreprise", "Un acteur du territoire"]
    assert "Quel questionnaire\u00a0?" in headings(page.html)
    assert tab(page.html).startswith("Quel questionnaire\u00a0? · ")


async def test_an_unknown_links_list_of_workshops_has_its_heading(visitor: VisitorFactory) -> None:
    page = await visitor().get("/chat?stage=nulle-part")

    assert "Pithiviers" in page.labels()
    assert "Lien inconnu" in headings(page.html)
    assert tab(page.html).startswith("Lien inconnu · ")


async def test_the_other_questionnaires_link_has_its_heading(visitor: VisitorFactory) -> None:
    ana = visitor()
    await ana.get("/chat?stage=pithiviers__entreprise")
    await ana.press_through("✅ J’accepte")
    await ana.type("ACME")

    page = await ana.get("/chat?stage=pithiviers__territoire")

    assert "Passer à « Un acteur du territoire »" in page.labels()
    assert "Quel questionnaire\u00a0?" in headings(page.html)
