"""A question asked again whose answer was "Other" shows the words given with it.

Its button is marked ("• Autre secteur"), but the words typed after it
("Robinetterie") were on no button: coming back to the question, or changing it
from the summary, the person could not see what they had said. The question now
says it, as a typed answer's "Réponse actuelle : …".
"""

from __future__ import annotations

from collections.abc import Callable

from tests.bot.test_telegram_robustness import at_sector, question_number
from tests.support.fake_bot_api import Person

PersonFactory = Callable[..., Person]


async def test_back_to_an_other_answer_shows_its_words(person: PersonFactory) -> None:
    ana = person()
    await at_sector(ana)
    await ana.tap("Autre secteur")
    await ana.send("Robinetterie")
    assert question_number(ana) == 3

    await ana.send("/back")
    assert question_number(ana) == 2
    again = ana.last
    assert "• Autre secteur" in again.labels()
    assert again.text.splitlines()[-1] == "Réponse actuelle\u00a0: Robinetterie"


async def test_an_answer_without_other_shows_no_such_line(person: PersonFactory) -> None:
    ana = person()
    await at_sector(ana)
    await ana.tap("Agroalimentaire")
    await ana.send("/back")
    assert question_number(ana) == 2
    assert "Réponse actuelle" not in ana.last.text
    assert "• Agroalimentaire" in ana.last.labels()
