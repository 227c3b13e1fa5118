"""Two questions that read alike ("D'autres freins ?" in two sections): a correction typed
in reply to the first one's echo, while the second waits, is not the second's answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flows import Flow, load_flow
from tests.bot.conftest import PersonFactory
from tests.bot.test_telegram_odd_input import AGREE, QUOTED, AnswersOf
from tests.support.fake_bot_api import FakeBotAPI

FLOW = """\
id: alike
version: 1
languages: [fr, en]
title: {fr: Avis, en: Views}
consent:
  fr: "Vos réponses servent à une synthèse. Acceptez-vous ?"
  en: "Your answers feed a report. Do you agree?"
sections:
  - id: innov
    title: {fr: Innovation, en: Innovation}
    steps:
      - id: innov_more
        type: text
        text: {fr: "D'autres freins ?", en: "Other obstacles?"}
        max_length: 120
  - id: talent
    title: {fr: Talents, en: Talents}
    steps:
      - id: talent_more
        type: text
        text: {fr: "D'autres freins ?", en: "Other obstacles?"}
        max_length: 120
      - id: ok
        type: yes_no
        text: {fr: "Tout va bien ?", en: "All well?"}
"""


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    path = tmp_path / "alike.yaml"
    path.write_text(FLOW, encoding="utf-8")
    return load_flow(path)


async def test_a_quote_of_an_earlier_question_reading_alike_is_not_the_waiting_ones_answer(
    person: PersonFactory, api: FakeBotAPI, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    await ana.send("Coût")
    assert ana.last_text.startswith("Question 2/3")
    echo = next(m for m in ana.chat if m.text.startswith("Question 1/3") and "✅ Coût" in m.text)

    correction: dict[str, Any] = ana.message_update(
        "Coût et délais", reply_to_message=api.message_json(echo)
    )
    await ana.updates.feed(correction)

    assert any(m.text == QUOTED for m in ana.chat)
    assert "talent_more" not in answers_of(ana.user_id)
    assert answers_of(ana.user_id)["innov_more"][0] == "Coût"
