"""A scale asked on other points under the same id: an unfinished answer is asked again.

mini.yaml's `importance` is a scale from 1 to 5; version 2 asks it from 0 to 10.
Ana answered 4 (of 5) on version 1 and stopped on the next question. When she comes
back to version 2, her 4 is not kept as a 4 of 10: she goes on, then is taken back to
`importance`, asked on the new scale, and told why, as for an answer the new version
refuses. Bea, who had finished on version 1, keeps hers as given.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conversation import Conversation
from flows import Flow, load_flow
from tests.conftest import MINI
from tests.conversation.conftest import RESUME, ChatFactory, mini_to, mini_to_end

WHY = "Depuis la mise à jour du questionnaire, cette question attend votre réponse\u00a0:"
SCALE = "        min_label: {fr: Faible, en: Low}\n"


@pytest.fixture
def rescaled(tmp_path: Path) -> Flow:
    """mini.yaml, version 2: `importance` from 0 to 10."""
    text = MINI.read_text(encoding="utf-8")
    assert text.count(SCALE) == 1
    text = text.replace("version: 1\n", "version: 2\n")
    text = text.replace(SCALE, "        min: 0\n        max: 10\n" + SCALE)
    path = tmp_path / "mini_v2_rescaled.yaml"
    path.write_text(text, encoding="utf-8")
    return load_flow(path)


async def test_a_scale_answer_given_on_the_old_range_is_asked_again(
    chat: ChatFactory,
    mini: Conversation,
    converse: Callable[[Flow], Conversation],
    rescaled: Flow,
) -> None:
    await mini.sync_with_files()  # version 1 kept, as every start does
    ana = chat(mini)
    await mini_to(ana, "obstacles")  # ..., importance 4 (of 5)
    updated = converse(rescaled)
    await updated.sync_with_files()
    ana.conversation = updated
    await ana.start()
    await ana.press(RESUME)
    assert ana.prompt.step_id == "obstacles"  # where she was; nothing to explain yet

    await ana.press("Coût")
    await ana.press("Temps")
    await ana.confirm()
    await ana.skip()  # ideas: the last question shown, as email waits on importance
    assert ana.messages == [WHY]
    assert ana.prompt.step_id == "importance"
    assert [code for code, _ in ana.prompt.choices][:2] == ["0", "1"]
    await ana.press("8")
    assert ana.prompt.step_id == "email"


async def test_a_finished_response_keeps_its_scale_answer_as_given(
    chat: ChatFactory,
    mini: Conversation,
    converse: Callable[[Flow], Conversation],
    rescaled: Flow,
) -> None:
    await mini.sync_with_files()
    bea = chat(mini)
    await mini_to_end(bea)
    updated = converse(rescaled)
    await updated.sync_with_files()
    bea.conversation = updated
    await bea.start()
    assert bea.kinds[-1] == "Summary"
    assert WHY not in bea.messages
    assert "4/5" in str(bea.screens[-1])
