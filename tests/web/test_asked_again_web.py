"""On the web, an earlier question an update left open says why when the page goes back to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import Flow, StageDef
from storage import Store
from tests.conversation.test_asked_again_after_update import WHY, narrowed_and_inserted
from tests.web.conftest import VisitorFactory
from tests.web.driver import Page, Visitor
from tests.web.test_kept_as_given_web import updated_app


@pytest.fixture
def flow(mini_flow: Flow) -> Flow:
    return mini_flow


async def answer_until(ana: Visitor, page: Page, last: str, staff: str = "12") -> Page:
    """Answer the page's questions until `last` is on screen."""
    for _ in range(20):
        form = page.question
        assert form is not None, page.text[:300]
        step = form.step or ""
        if step == last:
            return page
        if step == "welcome":
            page = await ana.press("Continuer")
        elif step in ("sector", "exports", "importance"):
            page = await ana.press({"sector": "Industrie", "exports": "Oui"}.get(step, "2"))
        elif step == "markets":
            page = await ana.tick("Europe")
        elif step == "obstacles":
            page = await ana.rank("Coût", "Temps")
        else:
            typed = {"company": "Acme", "staff": staff, "share": "40", "founded": "1990"}
            page = await ana.type(typed.get(step, "Plus de liens"))
    raise AssertionError(f"never reached {last}: {page.text[:300]}")


async def test_the_page_says_why_it_goes_back_to_an_earlier_question(
    visitor: VisitorFactory, store: Store, stages: list[StageDef], tmp_path: Path
) -> None:
    ana = visitor()
    await answer_until(ana, await ana.get("/chat"), "importance")

    conversation, app = updated_app(store, narrowed_and_inserted(tmp_path), stages)
    await conversation.sync_with_files()
    back = visitor(app=app)
    back.client.cookies = ana.cookies  # the same browser, after the update
    page = await answer_until(back, await back.get("/chat"), "staff", staff="8")
    assert WHY in page and "Salariés d'Acme\u00a0?" in page
    page = await answer_until(back, await back.type("8"), "founded")
    assert WHY in page
    page = await back.type("1990")
    assert page.question is None and WHY not in page
