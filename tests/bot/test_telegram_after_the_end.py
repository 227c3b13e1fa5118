"""On Telegram, once the questionnaire is finished: changing an answer by its number, and
what a finished person's stray messages get back.

The real application through a fake Bot API; the chat read as the person sees it.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.bot.test_telegram_flow import (
    AGREE,
    BRIEF,
    WHOLE,
    answer_everything,
    brief_end,
    question,
    summary_at_end,
)
from tests.support.fake_bot_api import Person

PersonFactory = Callable[..., Person]
PICK = "Quelle réponse voulez-vous modifier\u00a0? (numéros du récapitulatif)"


async def finished(person: PersonFactory) -> Person:
    ana = person()
    await ana.send("/start pithiviers")
    await ana.tap(AGREE)
    await answer_everything(ana)
    return ana


async def test_a_number_typed_at_the_picker_opens_that_question(person: PersonFactory) -> None:
    ana = await finished(person)
    await ana.tap("✏️ Modifier une réponse")
    pick = ana.last
    assert pick.text == PICK
    # The numbers in a grid, and a way back on a row of its own.
    assert pick.keyboard is not None and [b["text"] for b in pick.keyboard[-1]] == ["Annuler"]
    sent = len(ana.chat)

    await ana.send("3")

    assert len(ana.chat) == sent + 1, [m.text[:60] for m in ana.chat[sent:]]
    message, n, _, _ = question(ana)
    assert n == 3
    assert "Combien de salariés" in message.text
    await ana.tap("50 à 249")
    await ana.tap(WHOLE, message=brief_end(ana))
    _, summary = summary_at_end(ana)
    assert "3. Combien de salariés compte R&D <Lab>\u00a0?\n    → 50 à 249" in summary


async def test_a_number_typed_under_the_summary_opens_that_question(
    person: PersonFactory,
) -> None:
    ana = await finished(person)

    await ana.send("3")

    _, n, _, _ = question(ana)
    assert n == 3


async def test_cancel_at_the_picker_comes_back_to_the_end_in_one_line(
    person: PersonFactory,
) -> None:
    ana = await finished(person)
    await ana.tap("✏️ Modifier une réponse")
    pick = ana.last
    sent = len(ana.chat)

    await ana.tap("Annuler", message=pick)

    assert pick.keyboard is None  # the picker is used up
    assert len(ana.chat) == sent + 1  # the summary is just above the picker: not again
    brief_end(ana)


async def test_a_finished_persons_strays_get_a_pointer_after_the_first_time(
    person: PersonFactory,
) -> None:
    ana = await finished(person)
    await ana.send("/back")  # nothing to go back to: thanks and the summary, sent again once
    assert ana.chat[-1].labels() == ["✏️ Modifier une réponse"]
    sent = len(ana.chat)

    await ana.send("merci")

    assert [m.text for m in ana.chat[sent:]] == [
        "Vous avez déjà répondu à ce questionnaire, merci\u00a0! Vos réponses sont juste au-dessus."
    ]


async def test_no_to_erasing_says_so_and_the_end_comes_back_in_one_line(
    person: PersonFactory,
) -> None:
    ana = await finished(person)
    await ana.send("/delete")
    confirm = ana.last
    sent = len(ana.chat)

    await ana.tap("Non, garder mes réponses", message=confirm)

    # Not the end's thanks and 4,000 characters of summary again: what happened, and the end.
    assert [m.text for m in ana.chat[sent:]] == ["Rien n’a été effacé.", BRIEF]
    brief_end(ana)
    await ana.tap(WHOLE)
    _, summary = summary_at_end(ana)
    assert "3. Combien de salariés compte R&D <Lab>\u00a0?\n    → 10 à 49" in summary
