"""The hint under a number question says what to type in words a person reads at once.

"Écrivez votre réponse, en salariés." and "…, en %." read as riddles. A count now
says "Écrivez le nombre de salariés." (d’heures before a vowel or an h), a percentage
"Écrivez un pourcentage.", and a measure or a symbol "Écrivez un nombre, en M€." (not
"le nombre de €").
The real application, the Bot API faked at the HTTP boundary (tests/bot/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import Flow, load_flow
from tests.bot.conftest import PersonFactory
from tests.bot.test_telegram_multi_bounds import hint

FLOW = """\
id: figures
version: 1
languages: [fr, en]
title: {fr: "Chiffres", en: "Figures"}
sections:
  - id: s1
    title: {fr: "Vos chiffres", en: "Figures"}
    steps:
      - id: staff
        type: number
        min: 0
        text: {fr: "Combien de salariés ?", en: "How many employees?"}
        unit: {fr: "salariés", en: "employees"}
      - id: hours
        type: number
        min: 0
        text: {fr: "Combien d’heures de formation ?", en: "How many hours of training?"}
        unit: {fr: "heures", en: "hours"}
      - id: turnover
        type: number
        integer: false
        min: 0
        text: {fr: "Chiffre d’affaires ?", en: "Turnover?"}
        unit: {fr: "M€", en: "€m"}
      - id: share
        type: number
        integer: false
        min: 0
        max: 100
        text: {fr: "Part de l’export ?", en: "Export share?"}
        unit: {fr: "%", en: "%"}
      - id: distance
        type: number
        min: 0
        text: {fr: "À quelle distance ?", en: "How far?"}
        unit: {fr: "km", en: "km"}
"""

HINTS = {
    "fr": [
        "Écrivez le nombre de salariés.",
        "Écrivez le nombre d’heures.",
        "Écrivez un nombre, en M€.",
        "Écrivez un pourcentage.",
        "Écrivez un nombre, en km.",
    ],
    "en": [
        "Type the number of employees.",
        "Type the number of hours.",
        "Type a number, in €m.",
        "Type a percentage.",
        "Type a number, in km.",
    ],
}


@pytest.fixture
def flow(tmp_path: Path) -> Flow:
    path = tmp_path / "figures.yaml"
    path.write_text(FLOW, encoding="utf-8")
    return load_flow(path)


@pytest.mark.parametrize("lang", list(HINTS))
async def test_each_number_question_says_what_to_type(person: PersonFactory, lang: str) -> None:
    ana = person(language_code=lang)
    await ana.send("/start pithiviers")
    seen = [hint(ana)]
    for answer in ("12", "35", "2,5" if lang == "fr" else "2.5", "30"):
        await ana.send(answer)
        seen.append(hint(ana))
    assert seen == HINTS[lang]
