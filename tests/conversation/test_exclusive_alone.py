"""A respondent with nothing to name answers "Aucun frein" alone, though the question asks for two."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conversation import Conversation, Status
from flows import Flow, load_flow
from storage import Store
from tests.conversation.conftest import ChatFactory
from tests.flows.test_exclusive_alone import FLOW


@pytest.fixture
def obstacles(tmp_path: Path, converse: Callable[[Flow], Conversation]) -> Conversation:
    path = tmp_path / "obstacles.yaml"
    path.write_text(FLOW, encoding="utf-8")
    return converse(load_flow(path))


async def test_none_alone_is_taken_from_the_buttons(
    chat: ChatFactory, obstacles: Conversation, store: Store
) -> None:
    ana = chat(obstacles)
    await ana.start()
    await ana.press("Coût")
    await ana.confirm()
    assert (ana.reply.status, ana.reply.note) == (
        Status.REFUSED,
        "Merci de choisir au moins 2\u00a0réponses.",
    )

    await ana.press("Aucun frein")  # clears "Coût"
    assert ana.prompt.selected == ("aucun",)
    await ana.confirm()

    assert ana.reply.status == Status.DONE
    assert ana.kinds == ["Answered", "Question"]
    assert ana.answered.answer == "Aucun frein"
    assert ana.prompt.step_id == "after"
    answers = await store.answers_for(ana.reply.response_id or 0)
    assert answers["freins"].value == ["aucun"]


async def test_none_alone_is_taken_when_sent_whole(
    chat: ChatFactory, obstacles: Conversation
) -> None:
    """A web form's ticks, the terminal's typed number."""
    ana = chat(obstacles)
    await ana.start()
    await ana.submit(["aucun"])
    assert ana.reply.status == Status.DONE
    assert ana.answered.answer == "Aucun frein"
    assert ana.prompt.step_id == "after"
