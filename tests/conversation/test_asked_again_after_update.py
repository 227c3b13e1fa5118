"""An unfinished response carried onto a new version: the earlier questions it leaves open.

The update drops an answer the new version no longer takes (12 employees, where it
now allows 10 at most) and inserts a required question before where the person
is. They go on to the last question; then they are taken back to each of those
earlier questions, and each time told why, on every channel, in their language.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conversation import Conversation, Message
from flows import Flow, load_flow
from tests.conftest import MINI
from tests.conversation.conftest import RESUME, ChatFactory, mini_to

WHY = "Depuis la mise à jour du questionnaire, cette question attend votre réponse\u00a0:"
WHY_EN = "Since the questionnaire was updated, this question needs your answer:"


def narrowed_and_inserted(tmp_path: Path) -> Flow:
    """mini.yaml, version 2: 'staff' narrowed to 1–10, a required 'founded' after it."""
    data = yaml.safe_load(MINI.read_text(encoding="utf-8"))
    data["version"] = 2
    steps = data["sections"][0]["steps"]
    for step in steps:
        if step["id"] == "staff":
            step["max"] = 10
    founded = {
        "id": "founded",
        "type": "number",
        "text": {"fr": "Année de création ?", "en": "Year founded?"},
        "min": 1800,
        "max": 2030,
    }
    steps.insert([s["id"] for s in steps].index("staff") + 1, founded)
    path = tmp_path / "mini_v2.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_flow(path)


@pytest.fixture
def mini_v2(tmp_path: Path) -> Flow:
    return narrowed_and_inserted(tmp_path)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_each_earlier_question_left_open_by_the_update_says_why(
    chat: ChatFactory,
    mini: Conversation,
    converse: Callable[[Flow], Conversation],
    mini_v2: Flow,
    lang: str,
) -> None:
    why = WHY if lang == "fr" else WHY_EN
    ana = chat(mini)
    await mini_to(ana, "importance")  # Acme, 12 employees, industry, exports...
    if lang == "en":
        await ana.command("language")
        await ana.press("English")
    ana.conversation = converse(mini_v2)
    await ana.start()
    await ana.press(RESUME if lang == "fr" else "Continue ▶")
    assert ana.prompt.step_id == "importance"
    assert why not in ana.messages

    await ana.press("2")  # no e-mail asked
    await ana.press("Coût" if lang == "fr" else "Cost")
    await ana.press("Temps" if lang == "fr" else "Time")
    await ana.confirm()
    await ana.skip()  # the last question: back to the earlier ones, saying why
    assert ana.kinds == ["Answered", "Message", "Question"]
    assert ana.messages == [why]
    assert ana.prompt.step_id == "staff"
    await ana.write("8")
    assert ana.kinds == ["Answered", "Message", "Question"]
    assert ana.messages == [why]
    assert ana.prompt.step_id == "founded"

    await ana.write("1600")  # refused: the refusal, and the question, without the note again
    assert why not in ana.messages
    await ana.start()  # coming back to it later: said again
    await ana.press(RESUME if lang == "fr" else "Continue ▶")
    assert ana.messages == [why] and ana.prompt.step_id == "founded"
    await ana.write("1990")
    assert ana.kinds[-1] == "Summary"
    assert not any(isinstance(s, Message) and s.text == why for s in ana.screens)


async def test_a_question_reached_in_order_says_nothing_of_the_update(
    chat: ChatFactory,
    mini: Conversation,
    converse: Callable[[Flow], Conversation],
    mini_v2: Flow,
) -> None:
    """Before the point reached: the new question comes in its place, nothing to explain."""
    ana = chat(mini)
    await mini_to(ana, "staff")
    ana.conversation = converse(mini_v2)
    await ana.start()
    await ana.press(RESUME)
    await ana.write("8")
    assert ana.prompt.step_id == "founded"
    assert WHY not in ana.messages
