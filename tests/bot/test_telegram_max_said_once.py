"""The most answers a multiple choice takes are said once: in its text, or under it.

The bundled questions say "(3 au plus)" / "(up to 3)" in their text; the hint under
them said "Jusqu’à 3 réponses, puis « Valider »." again. A question whose text does
not say it keeps that hint. The real application, the Bot API faked at the HTTP
boundary (tests/bot/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import Flow, load_flow
from tests.bot.conftest import PersonFactory
from tests.bot.test_telegram_multi_bounds import hint

FLOW = """\
id: priorities
version: 1
languages: [fr, en]
title: {fr: "Priorités", en: "Priorities"}
sections:
  - id: s1
    title: {fr: "Vos priorités", en: "Priorities"}
    steps:
      - id: said
        type: multiple_choice
        max_selected: 3
        text: {fr: "Vos priorités ? (3 au plus)", en: "Your priorities? (up to 3)"}
        choices:
          - {code: hire, label: {fr: "Recruter", en: "Hiring"}}
          - {code: export, label: {fr: "Exporter", en: "Exporting"}}
          - {code: digital, label: {fr: "Numérique", en: "Digital"}}
          - {code: green, label: {fr: "Écologie", en: "Green"}}
      - id: unsaid
        type: multiple_choice
        max_selected: 2
        text: {fr: "Et dans cinq ans ?", en: "And in five years?"}
        choices:
          - {code: hire, label: {fr: "Recruter", en: "Hiring"}}
          - {code: export, label: {fr: "Exporter", en: "Exporting"}}
          - {code: digital, label: {fr: "Numérique", en: "Digital"}}
          - {code: green, label: {fr: "Écologie", en: "Green"}}
"""


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    path = tmp_path / "priorities.yaml"
    path.write_text(FLOW, encoding="utf-8")
    return load_flow(path)


@pytest.mark.parametrize(
    ("lang", "said", "unsaid"),
    [
        ("fr", "Cochez vos réponses, puis « Valider ».", "Jusqu’à 2 réponses, puis « Valider »."),
        ("en", "Tick your answers, then “Confirm”.", "Up to 2 answers, then “Confirm”."),
    ],
)
async def test_the_hint_says_the_most_only_where_the_question_does_not(
    person: PersonFactory, lang: str, said: str, unsaid: str
) -> None:
    ana = person(language_code=lang)
    await ana.send("/start pithiviers")
    assert hint(ana) == said
    await ana.tap("Recruter" if lang == "fr" else "Hiring")
    await ana.tap("Valider (1)" if lang == "fr" else "Confirm (1)")
    assert hint(ana) == unsaid
