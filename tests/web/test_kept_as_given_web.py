"""A response completed on the web, on a version of the flow since updated, read back as given.

The same browser comes back once the organiser has split a choice and dropped a
question: its page shows each answer as it was given, every answer listed, and
"Mes données" counts as many.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette

from bot.http import RateLimit
from bot.web import WebChat, create_app
from conversation import Conversation
from flows import Flow, StageDef
from storage import Store
from tests.conversation.test_kept_as_given_recap import split_and_dropped
from tests.web.conftest import SECRET, Patience, VisitorFactory, guard_of
from tests.web.driver import Page, Visitor


@pytest.fixture
def flow(mini_flow: Flow) -> Flow:
    return mini_flow


async def answer_everything(ana: Visitor) -> Page:
    page = await ana.get("/chat")
    for _ in range(20):
        form = page.question
        if form is None:
            return page
        step = form.step
        if step == "welcome":
            page = await ana.press("Continuer")
        elif step in ("sector", "exports", "importance"):
            page = await ana.press({"sector": "Industrie", "exports": "Oui"}.get(step, "4"))
        elif step == "markets":
            page = await ana.tick("Europe")
        elif step == "obstacles":
            page = await ana.rank("Coût", "Temps")
        else:
            typed = {"company": "Acme", "staff": "12", "share": "40", "email": "ana@example.org"}
            page = await ana.type(typed.get(step or "", "Plus de liens"))
    raise AssertionError(f"never finished: {page.text[:300]}")


def updated_app(store: Store, flow: Flow, stages: list[StageDef]) -> tuple[Conversation, Starlette]:
    conversation = Conversation(store, flow, stages)
    app = create_app(WebChat(conversation, SECRET, None))
    guard_of(app, RateLimit).clock = Patience()
    return conversation, app


async def test_the_page_reads_a_kept_response_back_as_it_was_given(
    visitor: VisitorFactory, store: Store, stages: list[StageDef], tmp_path: Path
) -> None:
    ana = visitor()
    page = await answer_everything(ana)
    assert "Secteur\u00a0?" in page and "Industrie" in page and "Part export\u00a0?" in page

    conversation, app = updated_app(store, split_and_dropped(tmp_path), stages)
    await conversation.sync_with_files()
    back = visitor(app=app)
    back.client.cookies = ana.cookies  # the same browser, after the update
    page = await back.get("/chat")

    assert "conservée telle que vous l’avez donnée" in page
    assert "Industrie" in page and "industry" not in page.text
    assert "Part export\u00a0?" in page and "40" in page
    assert "10. E-mail\u00a0?" in page
    page = await back.press("Mes données")
    assert "terminé, 10\u00a0réponses" in page, page.text
