"""A département typed that names two ("Corse") offers both as buttons: one tap, no typing.

The refusal says which ones were meant; the question asked again under it has a
button for each, and tapping one answers as typing its code would have. A reply
that names nothing near gets no such buttons, and typing still answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.bot.test_telegram_flow import answer_everything, brief_end
from tests.bot.test_telegram_robustness import at_sector, question_number
from tests.support.fake_bot_api import Person

PersonFactory = Callable[..., Person]
AnswersOf = Callable[[int], dict[str, tuple[Any, str | None, str | None]]]
CORSE = ["2A – Corse-du-Sud", "2B – Haute-Corse"]


async def at_departement(ana: Person) -> None:
    await at_sector(ana)
    await ana.tap("Agroalimentaire")
    await ana.tap("10 à 49")
    await ana.tap("Non")
    await ana.tap("Moins de 2 M€")
    assert question_number(ana) == 6
    assert "département" in ana.last_text


async def test_corse_offers_its_two_departements_and_a_tap_answers(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_departement(ana)
    await ana.send("Corse")

    refusal, again = ana.chat[-2:]
    assert refusal.text == "⚠️ Vouliez-vous dire Corse-du-Sud (2A) ou Haute-Corse (2B)\u00a0?"
    assert question_number(ana) == 6
    assert again.labels()[:2] == CORSE
    assert ana.live_keyboards() == [again]

    await ana.tap("2B – Haute-Corse")
    assert answers_of(ana.user_id)["departement"][0] == "2B"
    assert question_number(ana) == 7
    assert again.keyboard is None
    assert again.text.splitlines()[-1].endswith("2B – Haute-Corse")


async def test_typing_the_code_still_answers_and_the_offer_goes(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await at_departement(ana)
    await ana.send("corse")
    again = ana.last
    await ana.send("2a")
    assert answers_of(ana.user_id)["departement"][0] == "2A"
    assert again.keyboard is None
    assert question_number(ana) == 7


async def test_a_reply_near_no_name_offers_no_buttons(person: PersonFactory) -> None:
    ana = person()
    await at_departement(ana)
    await ana.send("Atlantide")
    again = ana.last
    assert question_number(ana) == 6
    assert not set(again.labels()) & set(CORSE)
    assert all(" – " not in label for label in again.labels())


async def test_a_change_after_the_end_takes_the_offered_button(
    person: PersonFactory, answers_of: AnswersOf
) -> None:
    ana = person()
    await ana.send("/start")
    await ana.tap("✅ J’accepte")
    await answer_everything(ana)
    await ana.tap("✏️ Modifier une réponse")
    await ana.send("6")  # the summary's number of the département
    assert "département" in ana.last_text
    await ana.send("Corse")
    assert ana.last.labels()[:2] == CORSE

    await ana.tap("2A – Corse-du-Sud")
    assert answers_of(ana.user_id)["departement"][0] == "2A"
    brief_end(ana)
