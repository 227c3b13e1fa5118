"""Back from "please specify" on the web: the boxes come back as they were ticked.

Ana ticks "Europe" and "Autre", confirms, and is asked to specify. She meant only
Europe: "← Retour" used to show the boxes as stored before (none, the first time), so
she had to tick Europe again. The boxes now come back as she ticked them; she unticks
"Autre" and goes on. Nothing is stored until she confirms.
"""

from __future__ import annotations

import pytest

from flows import Flow
from flows.state import ResponseState
from storage import Store
from tests.web.conftest import VisitorFactory
from tests.web.test_asked_again_web import answer_until


@pytest.fixture
def flow(mini_flow: Flow) -> Flow:
    return mini_flow


async def test_back_from_the_other_text_keeps_the_boxes_ticked(
    visitor: VisitorFactory, store: Store
) -> None:
    ana = visitor()
    await answer_until(ana, await ana.get("/chat"), "markets")
    asked = await ana.tick("Europe", "Autre (précisez)")
    assert asked.question is not None and asked.question.text is not None  # "précisez"

    page = await ana.press_through("← Retour")

    assert page.question is not None and page.question.step == "markets"
    ticked = [box.label for box in page.question.checkboxes if box.checked]
    assert ticked == ["Europe", "Autre (précisez)"]
    page = await ana.tick("Europe")
    assert page.question is not None and page.question.step == "share"
    [response] = await store.list_responses()
    state = ResponseState.model_validate_json(response.state_json)
    assert state.answers["markets"] == ["eu"]
    assert "markets" not in state.others


async def test_back_from_the_other_text_keeps_the_answers_above(visitor: VisitorFactory) -> None:
    """Redrawn by chat.js, the page after "← Retour" still reads the answers given above."""
    ana = visitor(scripts=True)
    await answer_until(ana, await ana.get("/chat"), "sector")
    await ana.press("Autre (précisez)")

    page = await ana.press("← Retour")

    assert page.question is not None and page.question.step == "sector"
    assert '<section class="transcript"' in page.html
    assert "Acme" in page.html.split('<section class="transcript"', 1)[1]
