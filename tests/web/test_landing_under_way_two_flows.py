"""With two questionnaires, the card offers to resume only the one it would open.

Ana began the companies' questionnaire at Pithiviers. The actors' card of the same
workshop would ask her which one she wants, not take her back where she was: it is
the usual card. The workshop's card that leaves the choice, and the companies' own,
take her back.
"""

from __future__ import annotations

import pytest

from flows import Catalogue, Flow, bundled_path, load_flow
from tests.web.conftest import VisitorFactory

ACTORS = load_flow(bundled_path("acteurs.yaml"))
RESUME = ">Reprendre ici</a>"


@pytest.fixture
def flow(bundled_flow: Flow) -> Catalogue:  # type: ignore[override]
    """Both questionnaires, the companies' first."""
    return Catalogue((bundled_flow, ACTORS))


async def test_only_the_card_that_would_take_her_back_offers_to(
    visitor: VisitorFactory, bundled_flow: Flow
) -> None:
    entreprise = bundled_flow.audience.code if bundled_flow.audience else ""
    territoire = ACTORS.audience.code if ACTORS.audience else ""
    ana = visitor()
    await ana.get(f"/chat?stage=pithiviers__{entreprise}")
    await ana.press("✅ J’accepte")
    await ana.type("ACME")

    assert RESUME in (await ana.get(f"/s/pithiviers__{entreprise}")).html
    assert RESUME in (await ana.get("/s/pithiviers")).html
    other = await ana.get(f"/s/pithiviers__{territoire}")
    assert RESUME not in other.html and ">Répondre ici</a>" in other.html
