"""Two questions that read alike ("D'autres freins ?" in two sections): a correction typed
in reply to one's echo changes that one's answer, told apart by its number."""

from __future__ import annotations

from pathlib import Path

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


async def test_a_quote_of_a_question_reading_alike_changes_the_one_quoted(
    person: PersonFactory, api: FakeBotAPI, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    await ana.send("Coût")
    assert ana.last_text.startswith("Question 2/3")
    first = next(m for m in ana.chat if m.text.startswith("Question 1/3") and "✅ Coût" in m.text)

    # While the second waits, a reply to the first's echo is not the second's answer.
    await ana.updates.feed(
        ana.message_update("Coût et délais", reply_to_message=api.message_json(first))
    )
    assert answers_of(ana.user_id)["innov_more"][0] == "Coût et délais"
    assert "talent_more" not in answers_of(ana.user_id)
    assert ana.last_text.startswith("Question 2/3")

    # Both answered: a reply to the second's echo changes the second.
    await ana.send("Logement")
    second = next(m for m in ana.chat if m.text.startswith("Question 2/3") and "✅" in m.text)
    await ana.updates.feed(
        ana.message_update("Logement des apprentis", reply_to_message=api.message_json(second))
    )
    assert answers_of(ana.user_id)["talent_more"][0] == "Logement des apprentis"
    assert answers_of(ana.user_id)["innov_more"][0] == "Coût et délais"
    assert not any(m.text == QUOTED for m in ana.chat)
