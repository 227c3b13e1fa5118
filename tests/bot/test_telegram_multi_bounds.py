"""Telegram says a multiple choice's bounds under it, before "Valider" has to refuse.

"Vos deux principaux freins ?" asks for at least two answers, and "Aucun frein"
(exclusive) answers alone (flows/values.py). The hint said "Plusieurs réponses
possibles" until a single tick was refused in an alert. The real application, the
Bot API faked at the HTTP boundary (tests/bot/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import Flow, load_flow
from tests.bot.conftest import PersonFactory
from tests.flows.test_exclusive_alone import FLOW
from tests.support.fake_bot_api import Person

HINTS = {
    ("fr", ""): "Au moins 2 réponses, ou seulement « Aucun frein », puis « Valider ».",
    ("en", ""): "At least 2 answers, or only “No obstacle”, then “Confirm”.",
    ("fr", "3"): "De 2 à 3 réponses, ou seulement « Aucun frein », puis « Valider ».",
    ("en", "2"): "Exactly 2 answers, or only “No obstacle”, then “Confirm”.",
}


def hint(person: Person) -> str:
    """The last line of the last message, its spaces plain: the hint under a question."""
    return person.last.text.splitlines()[-1].replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture(params=list(HINTS), ids=["-".join(key) for key in HINTS])
def case(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def flow(tmp_path: Path, case: tuple[str, str]) -> Flow:
    _, most = case
    text = FLOW
    if most:
        text = text.replace("min_selected: 2\n", f"min_selected: 2\n        max_selected: {most}\n")
    path = tmp_path / "obstacles.yaml"
    path.write_text(text, encoding="utf-8")
    return load_flow(path)


async def test_the_hint_says_how_many_and_the_choice_that_stands_alone(
    person: PersonFactory, case: tuple[str, str]
) -> None:
    lang, most = case
    ana = person(language_code=lang)
    await ana.send("/start pithiviers")

    assert hint(ana) == HINTS[lang, most]
